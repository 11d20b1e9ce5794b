"""Garmin Training Center (TCX v2) files to :class:`~analysis.parsers.base.ParsedActivity`.

The bytes cross :func:`analysis.parsers.xmlsafe.parse_xml` (no entities, no network); elements
are then matched on local names, so a file that binds the TrainingCenterDatabase v2 or the
ActivityExtension v2 namespace to any prefix (or none) reads the same.

Rules
-----
- One activity per ``<Activity>``, including the legs of a ``<MultiSportSession>``; ``leg`` is
  its position in the file. An activity without usable times is skipped with a note while
  others in the file parse; if none parses the file is refused ("no timestamps in TCX").
- Trackpoint fields follow :data:`TRACKPOINT_COLUMNS`. Trackpoints without a time are dropped.
- Sport from the ``Sport`` attribute: Running, Biking, Other (:data:`TCX_SPORTS`).
- Cadence, as measured on the corpus (Garmin Forerunner 945 / fenix 5 ``ns3:RunCadence``,
  Movescount ``RunCadence``, Polar V800 and Suunto Spartan ``<Cadence>`` in running files, all
  with medians of 80 to 90): running cadence counts one leg, so it is doubled to steps per
  minute (:func:`analysis.parsers.xmlsafe.steps_per_minute`, which keeps a file that already
  counts both feet). ``RunCadence`` is preferred over ``<Cadence>`` where both exist. In an
  ``Other`` activity only ``RunCadence`` is kept (it is a running cadence by name); a bike's
  ``<Cadence>`` is pedal revolutions and is not kept.
- Laps: one row per ``<Lap>``: its ``StartTime``, ``TotalTimeSeconds`` and ``DistanceMeters``.
  The activity's distance is the sum of its laps' distances and its moving time the sum of their
  timer times (the timer stops on auto-pause). Where the trackpoints' own cumulative distance
  runs more than 1 % past the laps' sum, the laps miss a stretch: the trackpoints' distance is
  used and the moving time left to be derived from the samples.
"""

from __future__ import annotations

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
    utc_offset_s,
)
from analysis.schema import build_samples

FORMAT_TCX = "tcx"

TRACKPOINT_COLUMNS: dict[str, str] = {
    "LatitudeDegrees": c.LATITUDE_DEG,  # inside <Position>
    "LongitudeDegrees": c.LONGITUDE_DEG,
    "AltitudeMeters": c.ALTITUDE_M,
    "DistanceMeters": c.DISTANCE_M,  # cumulative [m]
    "HeartRateBpm": c.HEART_RATE_BPM,  # its <Value> child
    "RunCadence": c.CADENCE_SPM,  # ActivityExtension v2 TPX: one leg [strides/min]
    "Cadence": c.CADENCE_SPM,  # one leg when running, pedal rpm when biking
    "Speed": c.SPEED_MPS,  # ActivityExtension v2 TPX [m/s]
    "Watts": c.POWER_W,  # ActivityExtension v2 TPX [W]
}
"""Trackpoint element (local name) to our column; where two feed one column the earlier wins."""

TCX_SPORTS: dict[str, str] = {
    "running": c.SPORT_RUNNING,
    "biking": c.SPORT_CYCLING,
    "other": c.SPORT_OTHER,
}
"""The ``Sport`` attribute (lower-cased) to our sport vocabulary."""

_LAPS_SHORT_FRACTION = 0.01
_LAPS_SHORT_M = 10.0
"""Laps summing to this fraction plus these metres less than the trackpoints' own distance
miss a stretch (GPS rounding never accounts for that much)."""

_PRIORITY = {tag: rank for rank, tag in enumerate(TRACKPOINT_COLUMNS)}


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if local_name(child) == name]


def _child_text(element: etree._Element, name: str) -> str | None:
    found = _children(element, name)
    return found[0].text if found else None


def _times(texts: list[str | None]) -> pd.Series:
    """ISO 8601 texts to tz-aware UTC (naive means UTC); NaT for missing or garbage."""
    return pd.to_datetime(
        pd.Series(texts, dtype="object"), utc=True, format="ISO8601", errors="coerce"
    )


def _trackpoint(point: etree._Element, tags: set[str]) -> tuple[str | None, dict[str, float]]:
    """The time text and channel values of one ``<Trackpoint>``."""
    time_text = None
    best: dict[str, tuple[int, float]] = {}
    for element in point.iter():
        tag = local_name(element)
        if tag == "Time":
            time_text = element.text
            continue
        if tag == "Value":
            parent = element.getparent()
            tag = local_name(parent) if parent is not None else tag
        column = TRACKPOINT_COLUMNS.get(tag)
        if column is None or len(element):
            continue
        value = to_float(element.text)
        if not np.isfinite(value):
            continue
        rank = _PRIORITY[tag]
        if column not in best or rank < best[column][0]:
            best[column] = (rank, value)
        if column == c.CADENCE_SPM:
            tags.add(tag)
    return time_text, {column: value for column, (_, value) in best.items()}


def _laps(activity: etree._Element) -> pd.DataFrame | None:
    laps = _children(activity, "Lap")
    if not laps:
        return None
    return pd.DataFrame(
        {
            c.LAP_START: _times([lap.get("StartTime") for lap in laps]),
            c.DURATION_S: [to_float(_child_text(lap, "TotalTimeSeconds")) for lap in laps],
            c.DISTANCE_M: [to_float(_child_text(lap, "DistanceMeters")) for lap in laps],
        }
    )


def _total(values: pd.Series | None) -> float | None:
    """Sum of the finite values; None when there are none."""
    if values is None:
        return None
    finite = pd.to_numeric(values, errors="coerce").dropna()
    return float(finite.sum()) if len(finite) else None


def _sport(activity: etree._Element, fixes: list[str]) -> str:
    stated = (activity.get("Sport") or "").strip()
    if not stated:
        fixes.append("the activity does not state its sport: taken as running")
        return c.SPORT_RUNNING
    sport = TCX_SPORTS.get(stated.lower())
    if sport is None:
        fixes.append(f"sport {stated!r} not recognised: filed as other")
        return c.SPORT_OTHER
    return sport


def _read_activity(
    activity: etree._Element, leg: int, name: str, file_fixes: list[str]
) -> ParsedActivity:
    fixes = list(file_fixes)
    sport = _sport(activity, fixes)
    cadence_tags: set[str] = set()
    time_texts: list[str | None] = []
    rows: list[dict[str, float]] = []
    for point in activity.iter():
        if local_name(point) == "Trackpoint":
            time_text, values = _trackpoint(point, cadence_tags)
            time_texts.append(time_text)
            rows.append(values)
    if not rows:
        raise ParseError(name, "no timestamps in TCX: the activity has no trackpoints")

    raw = pd.DataFrame(rows, index=range(len(rows)))
    raw[c.TIMESTAMP] = _times(time_texts)
    keep = timed_rows(raw[c.TIMESTAMP], name, "TCX", fixes)
    first_time = time_texts[int(np.flatnonzero(keep.to_numpy())[0])]
    raw = raw[keep.to_numpy()].reset_index(drop=True)
    raw = cumulative_distance(raw, fixes)
    if c.CADENCE_SPM in raw.columns:
        # RunCadence names a running cadence, whatever the activity's sport says
        cadence_sport = (
            c.SPORT_RUNNING if sport == c.SPORT_OTHER and cadence_tags == {"RunCadence"} else sport
        )
        what = "/".join(sorted(cadence_tags))
        raw[c.CADENCE_SPM] = steps_per_minute(raw[c.CADENCE_SPM], cadence_sport, fixes, what)

    try:
        samples = build_samples(raw)
    except (SchemaError, ValueError, OverflowError) as err:
        raise ParseError(name, f"TCX samples are unusable: {err}") from err
    fixes.extend(repeated_times_note(len(raw), len(samples)))

    laps = _laps(activity)
    distance = _total(None if laps is None else laps[c.DISTANCE_M])
    moving = _total(None if laps is None else laps[c.DURATION_S])
    recorded = float(samples[c.DISTANCE_M].iloc[-1]) if c.DISTANCE_M in raw.columns else np.nan
    if distance is not None and recorded > distance * (1 + _LAPS_SHORT_FRACTION) + _LAPS_SHORT_M:
        # some exporters (Movescount) write no lap for the stretch after the last lap press
        fixes.append(
            f"the laps cover {distance / 1000:.2f} km of the {recorded / 1000:.2f} km the "
            "trackpoints record: distance taken from the trackpoints"
        )
        distance, moving = recorded, None
    return ParsedActivity(
        source_name=name,
        format=FORMAT_TCX,
        sport=sport,
        start_time_utc=samples[c.TIMESTAMP].iloc[0],
        samples=samples,
        utc_offset_s=utc_offset_s(first_time),
        moving_time_s=moving,
        distance_m=distance,
        leg=leg,
        laps=laps,
        fixes=fixes,
    )


def read_tcx(data: bytes, name: str) -> list[ParsedActivity]:
    """Read a TCX file: one activity per ``<Activity>``.

    Parameters
    ----------
    data
        The file's bytes.
    name
        The file name, for messages and ``source_name``.

    Returns
    -------
    list of ParsedActivity
        Samples in SI units (``cadence_spm`` in steps per minute), a laps frame
        (``lap_start``, ``duration_s``, ``distance_m``), distance and moving time from the laps.

    Raises
    ------
    ParseError
        Malformed or hostile XML, no activities (a course or workout file), or no activity with
        timestamps; the reason in plain words.
    """
    root, file_fixes = parse_xml(data, name, "TCX", "TrainingCenterDatabase")
    activities = [el for el in root.iter() if local_name(el) == "Activity"]
    if not activities:
        raise ParseError(
            name, "TCX file has no activities (courses and workouts are plans, not recordings)"
        )
    parsed: list[ParsedActivity] = []
    skipped: list[str] = []
    first_error: ParseError | None = None
    for leg, activity in enumerate(activities):
        try:
            parsed.append(_read_activity(activity, leg, name, file_fixes))
        except ParseError as err:
            first_error = first_error or err
            skipped.append(f"skipped activity {leg + 1} of {len(activities)}: {err.reason}")
    if not parsed:
        raise first_error or ParseError(name, "no timestamps in TCX")
    for activity_read in parsed:
        activity_read.fixes.extend(skipped)
    return parsed
