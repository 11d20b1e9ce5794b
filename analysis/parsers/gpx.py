"""GPX 1.0 and 1.1 files to :class:`~analysis.parsers.base.ParsedActivity`, through gpxpy.

The bytes first cross :func:`analysis.parsers.xmlsafe.parse_xml` (no entities, no network, a
repair for undeclared namespace prefixes); gpxpy then reads the cleaned document.

Rules
-----
- A GPX file is one activity: the points of every segment of every track, in file order, make
  one sample series (empty segments add nothing). Routes and waypoints are plans, not
  recordings: a file with only those is refused.
- Heart rate, cadence, power, speed and distance come from ``<extensions>`` by local name, so any
  prefix works: Garmin TrackPointExtension v1/v2 (``gpxtpx:hr``, ``ns3:cad``), Cluetrust
  ``gpxdata:hr`` / ``gpxdata:cadence``, and plain ``<heartrate>``, ``<power>``, ``<watts>``
  (Strava writes ``<power>`` directly under ``<extensions>``). See :data:`EXTENSION_COLUMNS`.
- The sport comes from the track's ``<type>`` (Garmin Connect writes words such as
  ``running``/``road_biking``, Strava its numeric activity-type code). A file without a type is
  taken as running, the sport this product is for, and says so in a fix note.
- Cadence: Garmin's ``cad`` (and Movescount's ``gpxdata:cadence``) count one leg for running, so
  on-foot sports get it doubled to steps per minute (see
  :func:`analysis.parsers.xmlsafe.steps_per_minute`); other sports keep no cadence.
- Distance: a cumulative ``gpxdata:distance`` is used when present and never decreasing;
  otherwise :func:`analysis.schema.build_samples` computes it from the coordinates.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import gpxpy
import gpxpy.gpx
import numpy as np
import pandas as pd
from lxml import etree

from analysis import columns as c
from analysis.errors import ParseError, SchemaError
from analysis.parsers.base import ParsedActivity
from analysis.parsers.xmlsafe import (
    cumulative_distance,
    local_name,
    parse_xml,
    repeated_times_note,
    steps_per_minute,
    timed_rows,
    to_float,
)
from analysis.schema import build_samples

FORMAT_GPX = "gpx"

EXTENSION_COLUMNS: dict[str, str] = {
    "hr": c.HEART_RATE_BPM,  # Garmin TrackPointExtension v1/v2, Cluetrust gpxdata
    "heartrate": c.HEART_RATE_BPM,  # plain <heartrate> (Amazfit, mapstogpx)
    "heart_rate": c.HEART_RATE_BPM,
    "cad": c.CADENCE_SPM,  # Garmin TrackPointExtension: one leg when running
    "cadence": c.CADENCE_SPM,  # Cluetrust gpxdata, plain <cadence>
    "runcadence": c.CADENCE_SPM,
    "power": c.POWER_W,  # Strava: <power> directly under <extensions>
    "watts": c.POWER_W,
    "powerinwatts": c.POWER_W,  # Garmin PowerExtension v1
    "speed": c.SPEED_MPS,  # TrackPointExtension v2, gpxdata [m/s]
    "distance": c.DISTANCE_M,  # gpxdata: cumulative since the start [m]
}
"""Extension element (lower-case local name, any prefix) to our column. First match wins."""

STRAVA_TYPE_CODES: dict[str, str] = {
    "1": c.SPORT_CYCLING,  # Ride
    "4": c.SPORT_HIKING,  # Hike
    "9": c.SPORT_RUNNING,  # Run
    "10": c.SPORT_WALKING,  # Walk
    "16": c.SPORT_SWIMMING,  # Swim
    "17": c.SPORT_CYCLING,  # VirtualRide (the corpus's Zwift session)
}
"""Strava's numeric activity types as its GPX export writes them into ``<type>``."""

SPORT_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("run", c.SPORT_RUNNING),
    ("jog", c.SPORT_RUNNING),
    ("walk", c.SPORT_WALKING),
    ("hik", c.SPORT_HIKING),
    ("bik", c.SPORT_CYCLING),
    ("cycl", c.SPORT_CYCLING),
    ("ride", c.SPORT_CYCLING),
    ("swim", c.SPORT_SWIMMING),
)
"""Words in a ``<type>`` (Garmin ``trail_running``, ``road_biking``; ``Running``; ``run``)."""


def sport_from_type(text: str | None) -> str | None:
    """Our sport for a GPX ``<type>`` text; None when the file states none."""
    if text is None or not text.strip():
        return None
    key = text.strip().lower()
    if key in STRAVA_TYPE_CODES:
        return STRAVA_TYPE_CODES[key]
    for word, sport in SPORT_KEYWORDS:
        if word in key:
            return sport
    return c.SPORT_OTHER


def _utc(moment: datetime | None) -> datetime | None:
    """A point's time in UTC (naive means UTC); None where absent or not a real time."""
    if moment is None:
        return None
    try:
        if moment.tzinfo is None:
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def _offset_s(moment: datetime | None) -> int | None:
    """The local-time offset a point's time carries [s]; None for UTC or no offset."""
    if moment is None or moment.tzinfo is None:
        return None
    try:
        offset = moment.utcoffset()
    except (ValueError, OverflowError):
        return None
    if offset is None or not offset:
        return None
    return int(offset.total_seconds())


def _extension_values(extensions: list[Any], cadence_tags: set[str]) -> dict[str, float]:
    """Channel values found in one point's extension elements (nested ones included)."""
    found: dict[str, float] = {}
    for extension in extensions:
        for element in extension.iter():
            tag = local_name(element).lower()
            column = EXTENSION_COLUMNS.get(tag)
            if column is None or column in found:
                continue
            value = to_float(element.text)
            if np.isfinite(value):
                found[column] = value
                if column == c.CADENCE_SPM:
                    cadence_tags.add(tag)
    return found


def _no_points_reason(gpx: gpxpy.gpx.GPX) -> str:
    if any(route.points for route in gpx.routes):
        return "GPX file has no track points: it holds a planned route, not a recorded activity"
    if gpx.waypoints:
        return "GPX file has no track points: it holds only waypoints, not a recorded activity"
    return "GPX file has no track points"


def _sport(gpx: gpxpy.gpx.GPX, fixes: list[str]) -> str:
    # gpxpy annotates Track.type as None; it holds the <type> text
    stated: list[Any] = [track.type for track in gpx.tracks]
    types = [str(t).strip() for t in stated if t is not None and str(t).strip()]
    if not types:
        fixes.append("the file does not state its sport (no <type>): taken as running")
        return c.SPORT_RUNNING
    sport = sport_from_type(types[0])
    if sport == c.SPORT_OTHER:
        fixes.append(f"sport type {types[0]!r} not recognised: filed as other")
    return sport or c.SPORT_RUNNING


def _name(gpx: gpxpy.gpx.GPX) -> str | None:
    for track in gpx.tracks:
        if track.name and track.name.strip():
            return track.name.strip()
    return gpx.name.strip() if gpx.name and gpx.name.strip() else None


def read_gpx(data: bytes, name: str) -> list[ParsedActivity]:
    """Read a GPX file: all its track points form one activity.

    Parameters
    ----------
    data
        The file's bytes.
    name
        The file name, for messages and ``source_name``.

    Returns
    -------
    list of ParsedActivity
        One activity with samples in SI units (``cadence_spm`` in steps per minute).

    Raises
    ------
    ParseError
        Malformed or hostile XML, no track points (route or waypoints only), no timestamps,
        or values gpxpy cannot read; the reason in plain words.
    """
    root, fixes = parse_xml(data, name, "GPX", "gpx")
    try:
        gpx = gpxpy.parse(etree.tostring(root, encoding="unicode"))
    except (gpxpy.gpx.GPXException, ValueError, TypeError, OverflowError) as err:
        raise ParseError(name, f"GPX content not understood: {err}") from err

    segments = [seg for track in gpx.tracks for seg in track.segments if seg.points]
    if not segments:
        raise ParseError(name, _no_points_reason(gpx))

    sport = _sport(gpx, fixes)
    cadence_tags: set[str] = set()
    rows: list[dict[str, Any]] = []
    segment_of_row: list[int] = []
    local_times: list[datetime | None] = []
    for number, segment in enumerate(segments):
        for point in segment.points:
            row: dict[str, Any] = _extension_values(point.extensions, cadence_tags)
            row[c.TIMESTAMP] = _utc(point.time)
            row[c.LATITUDE_DEG] = point.latitude
            row[c.LONGITUDE_DEG] = point.longitude
            row[c.ALTITUDE_M] = point.elevation
            if point.speed is not None:
                row[c.SPEED_MPS] = point.speed  # GPX 1.0 <speed> [m/s]
            rows.append(row)
            segment_of_row.append(number)
            local_times.append(point.time)

    raw = pd.DataFrame(rows)
    raw[c.TIMESTAMP] = pd.to_datetime(raw[c.TIMESTAMP], utc=True, errors="coerce")
    keep = timed_rows(raw[c.TIMESTAMP], name, "GPX", fixes, np.asarray(segment_of_row))
    first_time = local_times[int(np.flatnonzero(keep.to_numpy())[0])]
    raw = raw[keep.to_numpy()].reset_index(drop=True)
    raw = cumulative_distance(raw, fixes)
    if c.CADENCE_SPM in raw.columns:
        what = "/".join(sorted(cadence_tags))
        raw[c.CADENCE_SPM] = steps_per_minute(raw[c.CADENCE_SPM], sport, fixes, what)

    try:
        samples = build_samples(raw)
    except (SchemaError, ValueError, OverflowError) as err:
        raise ParseError(name, f"GPX samples are unusable: {err}") from err
    fixes.extend(repeated_times_note(len(raw), len(samples)))

    return [
        ParsedActivity(
            source_name=name,
            format=FORMAT_GPX,
            sport=sport,
            start_time_utc=samples[c.TIMESTAMP].iloc[0],
            samples=samples,
            utc_offset_s=_offset_s(first_time),
            name=_name(gpx),
            fixes=fixes,
        )
    ]
