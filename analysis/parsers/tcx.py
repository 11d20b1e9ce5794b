"""Garmin Training Center (TCX v2) files to :class:`~analysis.parsers.base.ParsedActivity`.

The bytes cross :func:`analysis.parsers.xmlsafe.read_stream` (no entities, no network, the quirks
of real files read): the file is read as a stream, each trackpoint dropped once its values are in
the activity's column arrays, so a file costs about its own bytes plus 150 bytes per point, and
one with more than :attr:`~analysis.limits.ImportLimits.max_points` trackpoints (all its
activities together) is refused as soon as it has that many. Elements are matched on local
names, so a file that binds the TrainingCenterDatabase v2 or the ActivityExtension v2 namespace
to any prefix (or none) reads the same.

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

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from lxml import etree

from analysis import columns as c
from analysis.errors import ParseError, SchemaError
from analysis.limits import ImportLimits, current_limits, out_of_memory
from analysis.parsers.base import SUPPORTED_YEARS, ParsedActivity
from analysis.parsers.xmlsafe import (
    Columns,
    Times,
    XmlStream,
    cumulative_distance,
    iso_times,
    kept_rows,
    local_name,
    read_stream,
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


_CONTAINERS = frozenset(
    {"TrainingCenterDatabase", "Activities", "MultiSportSession", "FirstSport", "NextSport"}
    | {"Activity", "Track", "Courses", "Course", "Workouts", "Folders"}
)
"""Elements whose children are read (or passed over) once complete, then dropped; a ``Lap``
keeps its children until it ends, as its totals are read then."""

_TAGS = tuple(f"{{*}}{name}" for name in sorted(_CONTAINERS | {"Lap", "Trackpoint"}))
"""The elements the reader is handed; a trackpoint's and a lap's children are read from them."""


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if local_name(child) == name]


def _child_text(element: etree._Element, name: str) -> str | None:
    found = _children(element, name)
    return found[0].text if found else None


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


@dataclass
class _Parts:
    """One ``<Activity>`` as gathered while streaming."""

    columns: Columns = field(default_factory=Columns)
    times: Times = field(default_factory=lambda: Times(iso_times))
    cadence_tags: set[str] = field(default_factory=set)
    lap_starts: list[str | None] = field(default_factory=list)
    lap_durations: list[float] = field(default_factory=list)
    lap_distances: list[float] = field(default_factory=list)


def _laps(parts: _Parts) -> pd.DataFrame | None:
    if not parts.lap_starts:
        return None
    starts = pd.to_datetime(
        pd.Series(parts.lap_starts, dtype="object"), utc=True, format="ISO8601", errors="coerce"
    )
    # a lap start nanoseconds cannot hold is no start: the store keeps nanosecond times
    years = starts.dt.year
    starts = starts.where(~((years < SUPPORTED_YEARS[0]) | (years > SUPPORTED_YEARS[1])))
    return pd.DataFrame(
        {
            c.LAP_START: starts,
            c.DURATION_S: parts.lap_durations,
            c.DISTANCE_M: parts.lap_distances,
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


def _read_activity(activity: etree._Element, parts: _Parts, leg: int, name: str) -> ParsedActivity:
    fixes: list[str] = []
    sport = _sport(activity, fixes)
    cadence_tags = parts.cadence_tags
    if not parts.columns.rows:
        raise ParseError(name, "no timestamps in TCX: the activity has no trackpoints")

    raw = parts.columns.frame()
    raw[c.TIMESTAMP] = parts.times.series()
    keep = timed_rows(raw[c.TIMESTAMP], name, "TCX", fixes, outside=parts.times.outside)
    first_time = parts.times.first_text
    raw = kept_rows(raw, keep)
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

    laps = _laps(parts)
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


@dataclass
class _Read:
    """What the stream gave: the activities read, and the reasons others were not."""

    activities: list[ParsedActivity] = field(default_factory=list)
    errors: list[tuple[int, ParseError]] = field(default_factory=list)
    count: int = 0


class _Reader:
    """Reads a TCX stream activity by activity, dropping each element once read."""

    def __init__(self, stream: XmlStream, name: str, limits: ImportLimits) -> None:
        self.stream = stream
        self.name = name
        self.limits = limits
        self.names: dict[Any, str] = {}
        # by id() of the <Activity> element while it is read; holding the element keeps lxml's
        # proxy for it alive, so its id() cannot pass to another element meanwhile
        self.open: dict[int, tuple[etree._Element, _Parts]] = {}
        self.points = 0
        self.read = _Read()

    def local(self, tag: Any) -> str:
        found = self.names.get(tag)
        if found is None:
            found = tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1] if isinstance(tag, str) else ""
            self.names[tag] = found
        return found

    def run(self) -> _Read:
        for element in self.stream:
            parent = element.getparent()
            if parent is None:
                break
            tag = self.local(element.tag)
            if tag == "Trackpoint":
                self._point(element)
            elif tag == "Lap" and self.local(parent.tag) == "Activity":
                self._lap(element, parent)
            elif tag == "Activity":
                self._activity(element)
            if self.local(parent.tag) in _CONTAINERS:
                self.stream.drop(element)
        return self.read

    def _parts(self, activity: etree._Element) -> _Parts:
        held = self.open.get(id(activity))
        if held is None:
            held = self.open[id(activity)] = (activity, _Parts())
        return held[1]

    def _enclosing(self, element: etree._Element) -> etree._Element | None:
        above = element.getparent()
        while above is not None and self.local(above.tag) != "Activity":
            above = above.getparent()
        return above

    def _point(self, point: etree._Element) -> None:
        activity = self._enclosing(point)
        if activity is None:
            return  # a course's or a workout's point: a plan, not a recording
        self.points += 1
        if self.points > self.limits.max_points:
            raise ParseError(
                self.name,
                f"TCX file has more than {self.limits.max_points} trackpoints (limit: max_points)",
            )
        parts = self._parts(activity)
        time_text, values = _trackpoint(point, parts.cadence_tags)
        parts.times.append(time_text)
        parts.columns.append(values)

    def _lap(self, lap: etree._Element, activity: etree._Element) -> None:
        parts = self._parts(activity)
        parts.lap_starts.append(lap.get("StartTime"))
        parts.lap_durations.append(to_float(_child_text(lap, "TotalTimeSeconds")))
        parts.lap_distances.append(to_float(_child_text(lap, "DistanceMeters")))

    def _activity(self, activity: etree._Element) -> None:
        held = self.open.pop(id(activity), None)
        parts = _Parts() if held is None else held[1]
        leg = self.read.count
        self.read.count += 1
        try:
            self.read.activities.append(_read_activity(activity, parts, leg, self.name))
        except ParseError as err:
            self.read.errors.append((leg, err))


def read_tcx(data: bytes, name: str, limits: ImportLimits | None = None) -> list[ParsedActivity]:
    """Read a TCX file: one activity per ``<Activity>``.

    Parameters
    ----------
    data
        The file's bytes.
    name
        The file name, for messages and ``source_name``.
    limits
        :class:`~analysis.limits.ImportLimits`; those in force when None.

    Returns
    -------
    list of ParsedActivity
        Samples in SI units (``cadence_spm`` in steps per minute), a laps frame
        (``lap_start``, ``duration_s``, ``distance_m``), distance and moving time from the laps.

    Raises
    ------
    ParseError
        Malformed or hostile XML, no activities (a course or workout file), no activity with
        timestamps, more trackpoints than ``max_points``, memory running out; the reason in
        plain words.
    """
    limits = limits or current_limits()
    try:
        read, file_fixes = read_stream(
            data,
            name,
            "TCX",
            "TrainingCenterDatabase",
            lambda stream: _Reader(stream, name, limits).run(),
            limits,
            _TAGS,
        )
    except MemoryError:
        raise ParseError(name, out_of_memory(name, limits)) from None
    if not read.count:
        raise ParseError(
            name, "TCX file has no activities (courses and workouts are plans, not recordings)"
        )
    skipped = [
        f"skipped activity {leg + 1} of {read.count}: {err.reason}" for leg, err in read.errors
    ]
    if not read.activities:
        raise read.errors[0][1]
    for activity_read in read.activities:
        activity_read.fixes[:0] = file_fixes  # the file's repairs first, as they apply to all
        activity_read.fixes.extend(skipped)
    return read.activities
