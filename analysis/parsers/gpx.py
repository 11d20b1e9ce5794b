"""GPX 1.0 and 1.1 files to :class:`~analysis.parsers.base.ParsedActivity`, read as a stream.

The bytes cross :func:`analysis.parsers.xmlsafe.read_stream` (no entities, no network, the
quirks of real files read, each element dropped once read): a file costs about its own bytes
plus 150 bytes per point however large it is, and a file with more than
:attr:`~analysis.limits.ImportLimits.max_points` track points is refused as soon as it has
that many. What is read, and how, follows gpxpy (which this reader replaced, and whose results
it gives on every file of the corpus): a track point is a ``trkpt`` in a ``trkseg`` in a ``trk``
of the ``gpx`` element, in the document's own namespace or none.

Rules
-----
- A GPX file is one activity: the points of every segment of every track, in file order, make
  one sample series (empty segments add nothing). Routes and waypoints are plans, not
  recordings: a file with only those is refused.
- A point's ``lat`` and ``lon`` are required numbers: a point without them makes the file
  unreadable, as the GPX schema says. Other values that are not numbers count as missing.
- Heart rate, cadence, power, speed and distance come from ``<extensions>`` (GPX 1.1) by local
  name, so any prefix works: Garmin TrackPointExtension v1/v2 (``gpxtpx:hr``, ``ns3:cad``),
  Cluetrust ``gpxdata:hr`` / ``gpxdata:cadence``, and plain ``<heartrate>``, ``<power>``,
  ``<watts>`` (Strava writes ``<power>`` directly under ``<extensions>``). See
  :data:`EXTENSION_COLUMNS`. GPX 1.0 has no extensions; its ``<speed>`` [m/s] is read.
- The sport comes from the track's ``<type>`` (GPX 1.1; Garmin Connect writes words such as
  ``running``/``road_biking``, Strava its numeric activity-type code). A file without a type is
  taken as running, the sport this product is for, and says so in a fix note.
- Times: ISO 8601 as gpxpy reads them (fractions truncated to microseconds, a missing offset
  meaning UTC); anything else counts as no time.
- Cadence: Garmin's ``cad`` (and Movescount's ``gpxdata:cadence``) count one leg for running, so
  on-foot sports get it doubled to steps per minute (see
  :func:`analysis.parsers.xmlsafe.steps_per_minute`); other sports keep no cadence.
- Distance: a cumulative ``gpxdata:distance`` is used when present and never decreasing;
  otherwise :func:`analysis.schema.build_samples` computes it from the coordinates.
"""

from __future__ import annotations

import math
import re
from array import array
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import gpxpy.gpxfield
import numpy as np
import pandas as pd
from lxml import etree

from analysis import columns as c
from analysis.errors import ParseError, SchemaError
from analysis.limits import ImportLimits, current_limits, out_of_memory
from analysis.parsers.base import ParsedActivity
from analysis.parsers.xmlsafe import (
    Columns,
    Times,
    XmlStream,
    cumulative_distance,
    kept_rows,
    local_name,
    read_stream,
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


def _extension_values(
    extensions: list[Any], cadence_tags: set[str], names: dict[Any, str] | None = None
) -> dict[str, float]:
    """Channel values found in one point's extension elements (nested ones included).

    ``names`` caches each tag's lower-case local name across points (one reader's, never shared).
    """
    found: dict[str, float] = {}
    names = {} if names is None else names
    for extension in extensions:
        for element in extension.iter():
            tag = names.get(element.tag)
            if tag is None:
                tag = names[element.tag] = local_name(element).lower()
            column = EXTENSION_COLUMNS.get(tag)
            if column is None or column in found:
                continue
            value = to_float(element.text)
            if np.isfinite(value):
                found[column] = value
                if column == c.CADENCE_SPM:
                    cadence_tags.add(tag)
    return found


_FAST_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)?"
)
"""The time form nearly every device writes: pandas reads it exactly as gpxpy does, in bulk."""

_STRUCTURE = frozenset(
    {"gpx", "metadata", "trk", "trkseg", "trkpt", "rte", "rtept", "wpt", "name", "type"}
    | {"ele", "time", "speed", "extensions"}
)
_CONTAINERS = frozenset({"gpx", "trk", "trkseg", "rte", "metadata"})
"""Elements whose children are read (or passed over) once complete, then dropped."""

_TAGS = tuple(
    f"{{*}}{name}"
    for name in ("gpx", "metadata", "trk", "trkseg", "trkpt", "rte", "rtept", "wpt", "name", "type")
)
"""The elements the reader is handed; a point's own children are read from the point."""


def gpx_times(texts: list[str | None]) -> pd.DatetimeIndex:
    """``<time>`` texts to tz-aware UTC instants at microseconds, as gpxpy reads them.

    The common form goes through pandas in bulk; any other text through gpxpy's own parser
    (which accepts one-digit fields, a space for ``T``, long fractions truncated to microseconds)
    and counts as no time (NaT) where that fails, as it does in gpxpy. Years 1 to 9999 are read;
    :class:`~analysis.parsers.xmlsafe.Times` keeps those inside the supported years.
    """
    out = np.full(len(texts), np.iinfo("int64").min, dtype="int64")  # NaT [us]
    fast = [i for i, text in enumerate(texts) if text is not None and _FAST_TIME.fullmatch(text)]
    if fast:
        parsed = pd.to_datetime(
            pd.Series([texts[i] for i in fast], dtype="object"),
            utc=True,
            format="ISO8601",
            errors="coerce",
        )
        out[fast] = pd.DatetimeIndex(parsed).as_unit("us").asi8
    fast_set = set(fast)
    slow = [i for i, text in enumerate(texts) if text and i not in fast_set]
    if slow:
        moments = [_utc(_gpxpy_time(texts[i])) for i in slow]
        parsed = pd.to_datetime(pd.Series(moments, dtype="object"), utc=True, errors="coerce")
        out[slow] = pd.DatetimeIndex(parsed).as_unit("us").asi8
    return pd.DatetimeIndex(out.view("datetime64[us]")).tz_localize("UTC")


def _gpxpy_time(text: str | None) -> datetime | None:
    try:
        return gpxpy.gpxfield.parse_time(text or "")
    except Exception:  # gpxpy's own reader turns every failure into "no time" too
        return None


def _number(text: str | None) -> float:
    """A value as gpxpy reads it (``float`` of the stripped text); NaN where that fails."""
    if text is None:
        return math.nan
    try:
        return float(text.strip())
    except ValueError:
        return math.nan


def _coordinate(point: etree._Element, attribute: str, name: str) -> float:
    text = point.get(attribute)
    try:
        return float((text or "").strip())
    except ValueError:
        raise ParseError(
            name,
            f"GPX content not understood: a track point's {attribute} is "
            f"{'missing' if text is None else repr(text[:40])}, not a number",
        ) from None


@dataclass
class _Track:
    """What one GPX file holds, gathered while streaming."""

    columns: Columns
    times: Times
    segments: array[int] = field(default_factory=lambda: array("q"))
    types: list[str] = field(default_factory=list)
    track_names: list[str] = field(default_factory=list)
    file_name: str | None = None
    cadence_tags: set[str] = field(default_factory=set)
    has_route: bool = False
    has_waypoints: bool = False


class _Reader:
    """Reads a GPX stream into a :class:`_Track`, dropping each element once read."""

    def __init__(self, stream: XmlStream, name: str, limits: ImportLimits) -> None:
        self.stream = stream
        self.name = name
        self.limits = limits
        self.roles: dict[Any, str] = {}
        self.namespace = ""
        self.version = ""
        self.track = _Track(Columns(), Times(gpx_times))
        self.segment = 0
        self.trk_name: str | None = None
        self.trk_type: str | None = None
        self.extension_names: dict[Any, str] = {}

    def role(self, tag: Any) -> str:
        """The GPX name of an element in the document's namespace (or none), else ``""``."""
        found = self.roles.get(tag)
        if found is None:
            found = ""
            if isinstance(tag, str):
                space, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
                if space in ("", self.namespace) and local in _STRUCTURE:
                    found = local
            self.roles[tag] = found
        return found

    def read(self) -> _Track:
        track = self.track
        for element in self.stream:
            parent = element.getparent()
            if parent is None:
                break
            if self.stream.root is not None and not self.namespace and not self.version:
                self._start(self.stream.root)
            role = self.role(element.tag)
            grand = parent.getparent()
            at_top = grand is None
            parent_role = "gpx" if at_top else self.role(parent.tag)
            if role == "trkpt" and parent_role == "trkseg" and grand is not None:
                above = grand.getparent()
                if (
                    self.role(grand.tag) == "trk"
                    and above is not None
                    and above.getparent() is None
                ):
                    self._point(element)
            elif (
                role == "trkseg"
                and parent_role == "trk"
                and grand is not None
                and grand.getparent() is None
            ):
                self.segment += 1
            elif (
                role in ("name", "type")
                and parent_role == "trk"
                and grand is not None
                and grand.getparent() is None
            ):
                text = element.text
                if role == "name" and self.trk_name is None:
                    self.trk_name = text or ""
                elif role == "type" and self.trk_type is None:
                    self.trk_type = text or ""
            elif role == "trk" and at_top:
                if self.trk_type is not None and self.version == "1.1" and self.trk_type.strip():
                    track.types.append(self.trk_type.strip())
                if self.trk_name is not None and self.trk_name.strip():
                    track.track_names.append(self.trk_name.strip())
                self.trk_name = self.trk_type = None
            elif role == "name" and track.file_name is None and self._file_name_element(parent):
                track.file_name = element.text or ""
            elif (
                role == "rtept"
                and parent_role == "rte"
                and grand is not None
                and grand.getparent() is None
            ):
                track.has_route = True
            elif role == "wpt" and at_top:
                track.has_waypoints = True
            if parent_role in _CONTAINERS and parent_role:
                self.stream.drop(element)
        return track

    def _start(self, root: etree._Element) -> None:
        tag = root.tag
        self.namespace = (
            tag[1:].partition("}")[0] if isinstance(tag, str) and tag.startswith("{") else ""
        )
        self.version = root.get("version") or "none"
        self.roles.clear()

    def _file_name_element(self, parent: etree._Element) -> bool:
        """Whether a ``<name>`` under ``parent`` names the file: GPX 1.1 in ``<metadata>``."""
        grand = parent.getparent()
        if self.version == "1.1":
            return (
                self.role(parent.tag) == "metadata"
                and grand is not None
                and grand.getparent() is None
            )
        return grand is None

    def _point(self, point: etree._Element) -> None:
        track = self.track
        if track.columns.rows >= self.limits.max_points:
            raise ParseError(
                self.name,
                f"GPX file has more than {self.limits.max_points} track points (limit: max_points)",
            )
        values: dict[str, float] = {}
        found: dict[str, etree._Element] = {}
        for child in point:
            role = self.role(child.tag)
            if role and role not in found:
                found[role] = child
        extensions = found.get("extensions")
        if extensions is not None and self.version == "1.1":
            values = _extension_values(list(extensions), track.cadence_tags, self.extension_names)
        lat = _coordinate(point, "lat", self.name)
        lon = _coordinate(point, "lon", self.name)
        time = found.get("time")
        track.times.append(None if time is None else time.text)
        values[c.LATITUDE_DEG] = lat
        values[c.LONGITUDE_DEG] = lon
        elevation = found.get("ele")
        values[c.ALTITUDE_M] = math.nan if elevation is None else _number(elevation.text)
        speed = found.get("speed")
        if speed is not None and self.version != "1.1" and speed.text is not None:
            values[c.SPEED_MPS] = _number(speed.text)  # GPX 1.0 <speed> [m/s]
        track.columns.append(values)
        track.segments.append(self.segment)


def _no_points_reason(track: _Track) -> str:
    if track.has_route:
        return "GPX file has no track points: it holds a planned route, not a recorded activity"
    if track.has_waypoints:
        return "GPX file has no track points: it holds only waypoints, not a recorded activity"
    return "GPX file has no track points"


def _sport(track: _Track, fixes: list[str]) -> str:
    if not track.types:
        fixes.append("the file does not state its sport (no <type>): taken as running")
        return c.SPORT_RUNNING
    sport = sport_from_type(track.types[0])
    if sport == c.SPORT_OTHER:
        fixes.append(f"sport type {track.types[0]!r} not recognised: filed as other")
    return sport or c.SPORT_RUNNING


def _name(track: _Track) -> str | None:
    if track.track_names:
        return track.track_names[0]
    name = track.file_name
    return name.strip() if name and name.strip() else None


def read_gpx(data: bytes, name: str, limits: ImportLimits | None = None) -> list[ParsedActivity]:
    """Read a GPX file: all its track points form one activity.

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
        One activity with samples in SI units (``cadence_spm`` in steps per minute).

    Raises
    ------
    ParseError
        Malformed or hostile XML, no track points (route or waypoints only), no timestamps, a
        point without coordinates, more points than ``max_points``, memory running out; the
        reason in plain words.
    """
    limits = limits or current_limits()
    track, fixes = read_stream(
        data,
        name,
        "GPX",
        "gpx",
        lambda stream: _Reader(stream, name, limits).read(),
        limits,
        _TAGS,
    )
    if track.columns.rows == 0:
        raise ParseError(name, _no_points_reason(track))
    try:
        return [_activity(track, name, fixes)]
    except MemoryError:
        raise ParseError(name, out_of_memory(name, limits)) from None


def _activity(track: _Track, name: str, fixes: list[str]) -> ParsedActivity:
    sport = _sport(track, fixes)
    raw = track.columns.frame()
    raw[c.TIMESTAMP] = track.times.series()
    segments = np.frombuffer(track.segments, dtype="int64")
    keep = timed_rows(raw[c.TIMESTAMP], name, "GPX", fixes, segments, track.times.outside)
    first_time = _gpxpy_time(track.times.first_text)
    raw = kept_rows(raw, keep)
    raw = cumulative_distance(raw, fixes)
    if c.CADENCE_SPM in raw.columns:
        what = "/".join(sorted(track.cadence_tags))
        raw[c.CADENCE_SPM] = steps_per_minute(raw[c.CADENCE_SPM], sport, fixes, what)

    try:
        samples = build_samples(raw)
    except (SchemaError, ValueError, OverflowError) as err:
        raise ParseError(name, f"GPX samples are unusable: {err}") from err
    fixes.extend(repeated_times_note(len(raw), len(samples)))

    return ParsedActivity(
        source_name=name,
        format=FORMAT_GPX,
        sport=sport,
        start_time_utc=samples[c.TIMESTAMP].iloc[0],
        samples=samples,
        utc_offset_s=_offset_s(first_time),
        name=_name(track),
        fixes=fixes,
    )
