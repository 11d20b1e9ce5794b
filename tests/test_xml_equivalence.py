"""The streaming GPX and TCX readers give what the tree-based readers they replaced gave.

The reference readers below are the former ones, kept here as the oracle: the whole document as an
lxml tree, then gpxpy (GPX) or a dict per trackpoint (TCX), then the same shared steps (time
filter, cumulative distance, cadence, :func:`analysis.schema.build_samples`). Every GPX and TCX
file of the device corpus, and hand-built files for the time forms and structures gpxpy reads in
its own way, must give identical samples, names, sports, offsets, laps, totals and notes.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import gpxpy
import numpy as np
import pandas as pd
import pytest
from lxml import etree

from analysis import columns as c
from analysis.errors import ParseError
from analysis.parsers import gpx as gpx_parser
from analysis.parsers import tcx as tcx_parser
from analysis.parsers.base import ParsedActivity
from analysis.parsers.xmlsafe import (
    cumulative_distance,
    local_name,
    repeated_times_note,
    steps_per_minute,
    timed_rows,
    to_float,
    utc_offset_s,
)
from analysis.schema import build_samples
from tests.conftest import corpus_files

GPX_FILES = corpus_files("gpx", ".gpx")
TCX_FILES = corpus_files("tcx", ".tcx")


def _tree(data: bytes) -> etree._Element:
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True
    )
    return etree.fromstring(data, parser)


def reference_gpx(data: bytes, name: str) -> list[ParsedActivity]:
    """The former GPX reader: the lxml tree serialised for gpxpy."""
    gpx = gpxpy.parse(etree.tostring(_tree(data), encoding="unicode"))
    segments = [seg for track in gpx.tracks for seg in track.segments if seg.points]
    if not segments:
        raise ParseError(name, "GPX file has no track points")
    fixes: list[str] = []
    stated: list[Any] = [track.type for track in gpx.tracks]
    types = [str(t).strip() for t in stated if t is not None and str(t).strip()]
    if not types:
        fixes.append("the file does not state its sport (no <type>): taken as running")
        sport = c.SPORT_RUNNING
    else:
        sport = gpx_parser.sport_from_type(types[0]) or c.SPORT_RUNNING
        if sport == c.SPORT_OTHER:
            fixes.append(f"sport type {types[0]!r} not recognised: filed as other")
    cadence_tags: set[str] = set()
    rows: list[dict[str, Any]] = []
    segment_of_row: list[int] = []
    local_times: list[datetime | None] = []
    for number, segment in enumerate(segments):
        for point in segment.points:
            row: dict[str, Any] = gpx_parser._extension_values(point.extensions, cadence_tags)
            row[c.TIMESTAMP] = gpx_parser._utc(point.time)
            row[c.LATITUDE_DEG] = point.latitude
            row[c.LONGITUDE_DEG] = point.longitude
            row[c.ALTITUDE_M] = point.elevation
            if point.speed is not None:
                row[c.SPEED_MPS] = point.speed
            rows.append(row)
            segment_of_row.append(number)
            local_times.append(point.time)
    raw = pd.DataFrame(rows)
    raw[c.TIMESTAMP] = pd.to_datetime(raw[c.TIMESTAMP], utc=True, errors="coerce")
    keep = timed_rows(raw[c.TIMESTAMP], name, "GPX", fixes, np.asarray(segment_of_row))
    first_time = local_times[int(np.flatnonzero(keep.to_numpy())[0])]
    raw = cumulative_distance(raw[keep.to_numpy()].reset_index(drop=True), fixes)
    if c.CADENCE_SPM in raw.columns:
        what = "/".join(sorted(cadence_tags))
        raw[c.CADENCE_SPM] = steps_per_minute(raw[c.CADENCE_SPM], sport, fixes, what)
    samples = build_samples(raw)
    fixes.extend(repeated_times_note(len(raw), len(samples)))
    track_names = [t.name.strip() for t in gpx.tracks if t.name and t.name.strip()]
    file_name = gpx.name.strip() if gpx.name and gpx.name.strip() else None
    return [
        ParsedActivity(
            source_name=name,
            format="gpx",
            sport=sport,
            start_time_utc=samples[c.TIMESTAMP].iloc[0],
            samples=samples,
            utc_offset_s=gpx_parser._offset_s(first_time),
            name=track_names[0] if track_names else file_name,
            fixes=fixes,
        )
    ]


def _times(texts: list[str | None]) -> pd.Series:
    return pd.to_datetime(
        pd.Series(texts, dtype="object"), utc=True, format="ISO8601", errors="coerce"
    )


def reference_tcx(data: bytes, name: str) -> list[ParsedActivity]:
    """The former TCX reader: the lxml tree, one dict per trackpoint."""
    root = _tree(data)
    activities = [el for el in root.iter() if local_name(el) == "Activity"]
    parsed: list[ParsedActivity] = []
    for leg, activity in enumerate(activities):
        fixes: list[str] = []
        sport = tcx_parser._sport(activity, fixes)
        tags: set[str] = set()
        texts: list[str | None] = []
        rows: list[dict[str, float]] = []
        for point in activity.iter():
            if local_name(point) == "Trackpoint":
                text, values = tcx_parser._trackpoint(point, tags)
                texts.append(text)
                rows.append(values)
        raw = pd.DataFrame(rows, index=range(len(rows)))
        raw[c.TIMESTAMP] = _times(texts)
        keep = timed_rows(raw[c.TIMESTAMP], name, "TCX", fixes)
        first_time = texts[int(np.flatnonzero(keep.to_numpy())[0])]
        raw = cumulative_distance(raw[keep.to_numpy()].reset_index(drop=True), fixes)
        if c.CADENCE_SPM in raw.columns:
            running = sport == c.SPORT_OTHER and tags == {"RunCadence"}
            what = "/".join(sorted(tags))
            raw[c.CADENCE_SPM] = steps_per_minute(
                raw[c.CADENCE_SPM], c.SPORT_RUNNING if running else sport, fixes, what
            )
        samples = build_samples(raw)
        fixes.extend(repeated_times_note(len(raw), len(samples)))
        laps_found = [lap for lap in activity if local_name(lap) == "Lap"]
        laps = None
        if laps_found:
            laps = pd.DataFrame(
                {
                    c.LAP_START: _times([lap.get("StartTime") for lap in laps_found]),
                    c.DURATION_S: [
                        to_float(tcx_parser._child_text(lap, "TotalTimeSeconds"))
                        for lap in laps_found
                    ],
                    c.DISTANCE_M: [
                        to_float(tcx_parser._child_text(lap, "DistanceMeters"))
                        for lap in laps_found
                    ],
                }
            )
        parsed.append(
            ParsedActivity(
                source_name=name,
                format="tcx",
                sport=sport,
                start_time_utc=samples[c.TIMESTAMP].iloc[0],
                samples=samples,
                utc_offset_s=utc_offset_s(first_time),
                leg=leg,
                laps=laps,
                fixes=fixes,
            )
        )
    return parsed


def assert_same(streamed: list[ParsedActivity], reference: list[ParsedActivity]) -> None:
    assert len(streamed) == len(reference)
    for got, want in zip(streamed, reference, strict=True):
        pd.testing.assert_frame_equal(got.samples, want.samples)
        assert (got.sport, got.name, got.utc_offset_s, got.leg) == (
            want.sport,
            want.name,
            want.utc_offset_s,
            want.leg,
        )
        assert got.start_time_utc == want.start_time_utc
        # the reference does not judge laps against the trackpoints: compare the laps themselves
        if want.laps is None:
            assert got.laps is None
        else:
            assert got.laps is not None
            pd.testing.assert_frame_equal(got.laps, want.laps)
        assert [f for f in got.fixes if not f.startswith("the laps cover")] == want.fixes


def outcome(read: Any, data: bytes, name: str) -> list[ParsedActivity] | str:
    try:
        result: list[ParsedActivity] = read(data, name)
    except (ParseError, IndexError, gpxpy.gpx.GPXException) as err:
        # the reference stops where the former reader refused (no points or no times)
        return type(err).__name__
    return result


@pytest.mark.corpus
@pytest.mark.parametrize("path", GPX_FILES, ids=lambda p: p.name)
def test_every_corpus_gpx_reads_as_before(corpus_dir: Path, path: Path) -> None:
    data = path.read_bytes()
    streamed = outcome(gpx_parser.read_gpx, data, path.name)
    reference = outcome(reference_gpx, data, path.name)
    if isinstance(reference, str) or isinstance(streamed, str):
        assert isinstance(streamed, str) and isinstance(reference, str), (streamed, reference)
        return
    assert_same(streamed, reference)


@pytest.mark.corpus
@pytest.mark.parametrize("path", TCX_FILES, ids=lambda p: p.name)
def test_every_corpus_tcx_reads_as_before(corpus_dir: Path, path: Path) -> None:
    data = path.read_bytes()
    streamed = tcx_parser.read_tcx(data, path.name)
    assert_same(streamed, reference_tcx(data, path.name))


def hand_gpx(times: list[str | None], version: str = "1.1", extra: str = "") -> bytes:
    points = []
    for i, text in enumerate(times):
        time_el = f"<time>{text}</time>" if text is not None else ""
        speed = f"<speed>{2.5 + i % 3}</speed>" if version == "1.0" else ""
        points.append(
            f'<trkpt lat="{45.0 + i * 1e-4}" lon="6.0"><ele>{100 + i}</ele>{time_el}{speed}'
            f"<extensions><hr>{140 + i % 7}</hr><cad>{85 + i % 3}</cad></extensions></trkpt>"
        )
    half = len(points) // 2
    return (
        f'<?xml version="1.0"?><gpx version="{version}" creator="t" '
        f'xmlns="http://www.topografix.com/GPX/1/{version[-1]}"><metadata><name>Meta</name>'
        f"</metadata>{extra}<trk><name> </name><type>trail_running</type>"
        f"<trkseg>{''.join(points[:half])}</trkseg><trkseg/>"
        f"<trkseg>{''.join(points[half:])}</trkseg></trk></gpx>"
    ).encode()


TIME_FORMS = {
    "plain-z": [f"2024-03-01T08:00:{s:02d}Z" for s in range(0, 60, 5)],
    "offsets": [f"2024-03-01T10:00:{s:02d}+02:00" for s in range(0, 60, 5)],
    "naive": [f"2024-03-01T08:00:{s:02d}" for s in range(0, 60, 5)],
    "one-digit-and-space": [f"2024-3-1 8:0:{s}" for s in range(0, 60, 5)],
    "long-fractions": [f"2024-03-01T08:00:{s:02d}.1234567891Z" for s in range(0, 60, 5)],
    "millis": [f"2024-03-01T08:00:{s:02d}.250Z" for s in range(0, 60, 5)],
    "compact-offset": [f"2024-03-01T03:30:{s:02d}-0430" for s in range(0, 60, 5)],
    "garbage-some": [
        None if s % 15 == 0 else ("soon" if s == 20 else f"2024-03-01T08:00:{s:02d}Z")
        for s in range(0, 60, 5)
    ],
    "placeholders": ["1901-12-13T20:45:52Z"] * 2
    + [f"2024-03-01T08:00:{s:02d}Z" for s in range(0, 50, 5)],
    "bad-dates": ["2024-13-01T08:00:00Z", "2024-02-30T08:00:00Z", "2024-03-01T24:00:00Z"]
    + [f"2024-03-01T08:00:{s:02d}Z" for s in range(0, 50, 5)],
    "repeats": [f"2024-03-01T08:00:{s // 10 * 10:02d}Z" for s in range(0, 60, 5)],
}


@pytest.mark.parametrize("form", sorted(TIME_FORMS))
@pytest.mark.parametrize("version", ["1.0", "1.1"])
def test_hand_built_gpx_reads_as_before(form: str, version: str) -> None:
    data = hand_gpx(TIME_FORMS[form], version, extra='<wpt lat="1" lon="2"><name>W</name></wpt>')
    assert_same(gpx_parser.read_gpx(data, "hand.gpx"), reference_gpx(data, "hand.gpx"))
