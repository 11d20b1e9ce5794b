"""Read CSV files, auto-detecting three layouts.

1. Per-sample streams: one row per recorded sample, with a time column and any of distance,
   speed or pace, heart rate, cadence, altitude, position and power. Header names are matched
   loosely (case, spaces, underscores and a unit in the name or in brackets do not matter) and the
   unit drives the conversion to SI. A FitCSVTool dump of a FIT file (``Type,Local Number,
   Message,Field 1,Value 1,Units 1,...``) is read by pivoting its ``record`` data rows.
2. A Strava bulk-export ``activities.csv``: one summary activity per row.
3. A Garmin Connect ``Activities.csv`` (English, Danish, German, French or Dutch headers): one
   summary activity per row.

Uploaded files are untrusted: cells are only ever read as text or numbers (a cell that starts
with ``=``, ``+``, ``-`` or ``@`` is data, never a formula), binary data is refused, and the
width, line length and row count are bounded (:data:`MAX_COLUMNS`, :data:`MAX_LINE_BYTES`,
:data:`MAX_ROWS`). Memory stays bounded too: the bytes are decoded line by line as the CSV
reader asks for them (never into one string of the whole file), and a per-sample file is kept
:data:`CHUNK_ROWS` rows at a time as compact columns of the cells it uses. Every failure ends in
:class:`~analysis.errors.ParseError` with the reason in plain words.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice

import numpy as np
import pandas as pd
import pyarrow as pa

from analysis import columns as c
from analysis.errors import ParseError, SchemaError
from analysis.parsers.base import (
    STEPS_PER_MINUTE_FLOOR,
    SUPPORTED_RANGE_TEXT,
    SUPPORTED_YEARS,
    ParsedActivity,
)
from analysis.schema import MOVING_SPEED_MPS, PLAUSIBLE, build_samples, empty_samples
from analysis.units import METRES_PER_MILE

FORMAT = "csv"

MAX_COLUMNS = 200
"""Widest table accepted [columns]; Strava's export, the widest real one, has about 90."""

MAX_FIT_DUMP_COLUMNS = 3 + 3 * 256
"""Widest FitCSVTool dump accepted [columns]: three per FIT field, at most 255 fields a message."""

MAX_LINE_BYTES = 1_000_000
"""Longest line accepted [bytes]."""

MAX_ROWS = 1_000_000
"""Most data rows accepted (eleven and a half days of 1 s samples); a longer file is refused as
soon as its row 1,000,001 is read, without reading the rest."""

CHUNK_ROWS = 65_536
"""Rows of a per-sample file read at a time [rows]. Only the columns that name a quantity are
kept, chunk by chunk, as compact Arrow strings: a Python list of every row's cells costs about
ten times the file (a 1M-row, 44 MB file peaked above 1 GB read that way)."""

DECIMAL_SAMPLE_ROWS = 2_000
"""Rows of a per-sample file whose cells decide the decimal mark [rows]."""

MAX_MAGNITUDE = 1e13
"""Larger numbers are garbage: the largest real value in these files is an epoch in ms (~2e12)."""

FEET_TO_M = 0.3048
FIT_EPOCH_UNIX_S = 631_065_600
"""1989-12-31T00:00:00Z, the zero of FIT ``date_time`` values, in Unix seconds."""

FIT_RELATIVE_TIME_LIMIT = 0x10000000
"""FIT ``date_time`` values below this count seconds since the device started, not a date."""

SEMICIRCLE_TO_DEG = 180.0 / 2**31

RUNNING_SPEED_LIMIT_MPS = 7.0
"""A median moving speed above this (25 km/h, faster than any marathon is run) is not running:
a per-sample file that does not state its sport is then read as cycling [m/s]."""


# Plausible Unix epoch ranges for a numeric time column: 2000-01-01 up to 2099-12-03.
_EPOCH_S_RANGE = (946_684_800.0, 4_100_000_000.0)
_EPOCH_MS_RANGE = (_EPOCH_S_RANGE[0] * 1000.0, _EPOCH_S_RANGE[1] * 1000.0)

# ---- rename tables: what files call things -> our columns -----------------------------------------

_PACE = "pace"  # converted to speed_mps
_FRACTIONAL_CADENCE = "fractional_cadence"  # FIT's fraction of a stride, added before doubling
_START = "start"  # an absolute start time, for files that only count elapsed seconds

SAMPLE_ALIASES: dict[str, str] = {
    # time
    "timestamp": c.TIMESTAMP,
    "time": c.TIMESTAMP,
    "datetime": c.TIMESTAMP,
    "date_time": c.TIMESTAMP,
    "date": c.TIMESTAMP,
    "time_utc": c.TIMESTAMP,
    "utc_time": c.TIMESTAMP,
    "timestamp_utc": c.TIMESTAMP,
    "iso_time": c.TIMESTAMP,
    "elapsed": c.ELAPSED_S,
    "elapsed_time": c.ELAPSED_S,
    "elapsed_seconds": c.ELAPSED_S,
    "secs": c.ELAPSED_S,
    "seconds": c.ELAPSED_S,
    "start": _START,
    "start_time": _START,
    "start_date": _START,
    # distance, speed, pace
    "distance": c.DISTANCE_M,
    "dist": c.DISTANCE_M,
    "total_distance": c.DISTANCE_M,
    "cumulative_distance": c.DISTANCE_M,
    "enhanced_speed": c.SPEED_MPS,
    "speed": c.SPEED_MPS,
    "velocity": c.SPEED_MPS,
    "velocity_smooth": c.SPEED_MPS,
    "pace": _PACE,
    # heart rate, cadence, power
    "heart_rate": c.HEART_RATE_BPM,
    "heartrate": c.HEART_RATE_BPM,
    "hr": c.HEART_RATE_BPM,
    "bpm": c.HEART_RATE_BPM,
    "pulse": c.HEART_RATE_BPM,
    "cadence": c.CADENCE_SPM,
    "cad": c.CADENCE_SPM,
    "spm": c.CADENCE_SPM,
    "run_cadence": c.CADENCE_SPM,
    "running_cadence": c.CADENCE_SPM,
    "fractional_cadence": _FRACTIONAL_CADENCE,
    "power": c.POWER_W,
    "watts": c.POWER_W,
    # altitude and position
    "enhanced_altitude": c.ALTITUDE_M,
    "altitude": c.ALTITUDE_M,
    "elevation": c.ALTITUDE_M,
    "ele": c.ALTITUDE_M,
    "alt": c.ALTITUDE_M,
    "latitude": c.LATITUDE_DEG,
    "lat": c.LATITUDE_DEG,
    "position_lat": c.LATITUDE_DEG,
    "longitude": c.LONGITUDE_DEG,
    "lon": c.LONGITUDE_DEG,
    "lng": c.LONGITUDE_DEG,
    "long": c.LONGITUDE_DEG,
    "position_long": c.LONGITUDE_DEG,
    # sport
    "sport": c.SPORT,
    "activity_type": c.SPORT,
}
"""Per-sample header names (lower case, words joined by ``_``, unit removed) -> our quantity."""

# The unit a header name may carry, per quantity: the factor to our SI unit, or a tag.
_DISTANCE_UNITS = {
    "m": 1.0,
    "meters": 1.0,
    "metres": 1.0,
    "km": 1000.0,
    "kilometers": 1000.0,
    "kilometres": 1000.0,
    "mi": METRES_PER_MILE,
    "mile": METRES_PER_MILE,
    "miles": METRES_PER_MILE,
    "ft": FEET_TO_M,
    "feet": FEET_TO_M,
    "yd": 0.9144,
    "yards": 0.9144,
}
_SPEED_UNITS = {
    "m/s": 1.0,
    "m_s": 1.0,
    "mps": 1.0,
    "ms": 1.0,
    "km/h": 1.0 / 3.6,
    "km_h": 1.0 / 3.6,
    "kmh": 1.0 / 3.6,
    "kph": 1.0 / 3.6,
    "mph": METRES_PER_MILE / 3600.0,
}
_PACE_UNITS = {  # (seconds per stated time unit, metres per stated distance unit)
    "min/km": (60.0, 1000.0),
    "min_km": (60.0, 1000.0),
    "min/mi": (60.0, METRES_PER_MILE),
    "min_mi": (60.0, METRES_PER_MILE),
    "s/km": (1.0, 1000.0),
    "s_km": (1.0, 1000.0),
    "sec/km": (1.0, 1000.0),
    "sec_km": (1.0, 1000.0),
    "s/mi": (1.0, METRES_PER_MILE),
    "s_mi": (1.0, METRES_PER_MILE),
    "sec/mi": (1.0, METRES_PER_MILE),
    "sec_mi": (1.0, METRES_PER_MILE),
    "min_per_km": (60.0, 1000.0),
    "min_per_mi": (60.0, METRES_PER_MILE),
    "s_per_km": (1.0, 1000.0),
    "s_per_mi": (1.0, METRES_PER_MILE),
}
_ALTITUDE_UNITS = {"m": 1.0, "meters": 1.0, "metres": 1.0, "ft": FEET_TO_M, "feet": FEET_TO_M}
_CADENCE_UNITS = {"spm": "spm", "steps/min": "spm", "steps_min": "spm", "rpm": "rpm"}
_ANGLE_UNITS = {"deg": "deg", "degrees": "deg", "°": "deg", "semicircles": "semicircles"}
_TIME_UNITS = {"s": "s", "sec": "s", "secs": "s", "seconds": "s", "ms": "ms", "utc": "", "iso": ""}
_UNITS: dict[str, Sequence[str]] = {
    c.TIMESTAMP: list(_TIME_UNITS),
    c.ELAPSED_S: list(_TIME_UNITS),
    _START: list(_TIME_UNITS),
    c.DISTANCE_M: list(_DISTANCE_UNITS),
    c.SPEED_MPS: list(_SPEED_UNITS),
    _PACE: list(_PACE_UNITS),
    c.HEART_RATE_BPM: ["bpm"],
    c.CADENCE_SPM: list(_CADENCE_UNITS),
    _FRACTIONAL_CADENCE: list(_CADENCE_UNITS),
    c.ALTITUDE_M: list(_ALTITUDE_UNITS),
    c.LATITUDE_DEG: list(_ANGLE_UNITS),
    c.LONGITUDE_DEG: list(_ANGLE_UNITS),
    c.POWER_W: ["w", "watts", "watt"],
    c.SPORT: [],
}

FIT_RECORD_FIELDS: dict[str, str] = {
    "timestamp": c.TIMESTAMP,
    "distance": c.DISTANCE_M,
    "enhanced_speed": c.SPEED_MPS,
    "speed": c.SPEED_MPS,
    "heart_rate": c.HEART_RATE_BPM,
    "cadence": c.CADENCE_SPM,
    "fractional_cadence": _FRACTIONAL_CADENCE,
    "enhanced_altitude": c.ALTITUDE_M,
    "altitude": c.ALTITUDE_M,
    "position_lat": c.LATITUDE_DEG,
    "position_long": c.LONGITUDE_DEG,
    "power": c.POWER_W,
}
"""FIT ``record`` field names (FitCSVTool dumps) -> our columns; ``enhanced_*`` win when both."""

FIT_SPORTS: dict[str, str] = {
    "1": c.SPORT_RUNNING,
    "2": c.SPORT_CYCLING,
    "5": c.SPORT_SWIMMING,
    "11": c.SPORT_WALKING,
    "17": c.SPORT_HIKING,
    "21": c.SPORT_CYCLING,  # e_biking
    "4": c.SPORT_CROSS_TRAINING,  # fitness_equipment
    "10": c.SPORT_CROSS_TRAINING,  # training: a gym session of no stated kind
    "62": c.SPORT_CROSS_TRAINING,  # hiit
}
"""FIT ``sport`` enum values -> our sports; every other value is ``other``."""

_STRAVA_ID = "activity_id"
_TYPE = "type"
_DATE = "date"
_TIME = "time"
_RUN_CADENCE = "run_cadence"
_BIKE_CADENCE = "bike_cadence"

STRAVA_COLUMNS: dict[str, tuple[str, ...]] = {
    _STRAVA_ID: ("activity id",),
    _DATE: ("activity date",),
    c.NAME: ("activity name",),
    _TYPE: ("activity type",),
    c.DURATION_S: ("elapsed time",),
    c.MOVING_TIME_S: ("moving time",),
    c.AVG_HEART_RATE_BPM: ("average heart rate",),
    c.MAX_HEART_RATE_BPM: ("max heart rate",),
    c.AVG_CADENCE_SPM: ("average cadence",),
    c.ELEVATION_GAIN_M: ("elevation gain",),
    c.RPE: ("perceived exertion",),
    c.GEAR: ("activity gear", "gear"),
    c.SOURCE_FILE: ("filename",),
}
"""Strava ``activities.csv`` headers (normalised) -> our fields. ``Distance`` is handled apart:
the export has it twice, once in the athlete's display unit and once in metres."""

GARMIN_COLUMNS: dict[str, tuple[str, ...]] = {
    _TYPE: (
        "activity type",
        "aktivitetstype",  # da
        "aktivitätstyp",  # de
        "type d activité",  # fr
        "activiteittype",  # nl
    ),
    _DATE: ("date", "dato", "datum"),
    c.NAME: ("title", "titel", "titre"),
    c.DISTANCE_M: ("distance", "distanz", "afstand"),
    _TIME: ("time", "activity time", "tid", "zeit", "durée", "tijd"),
    c.MOVING_TIME_S: ("moving time", "zeit in bewegung", "temps de déplacement", "tijd bewogen"),
    c.DURATION_S: ("elapsed time", "verstrichene zeit", "verstreken tijd"),
    c.AVG_HEART_RATE_BPM: (
        "avg hr",
        "gennemsnitlig puls",
        "ø hf",
        "ø herzfrequenz",
        "fréquence cardiaque moyenne",
        "gem hs",
    ),
    c.MAX_HEART_RATE_BPM: (
        "max hr",
        "maks puls",
        "max hf",
        "maximale herzfrequenz",
        "fréquence cardiaque maximale",
        "max hs",
    ),
    _RUN_CADENCE: (
        "avg run cadence",
        "gennemsnit kadence løb",
        "ø schrittfrequenz laufen",
        "cadence de course moyenne",
    ),
    _BIKE_CADENCE: ("avg bike cadence", "gemiddelde fietscadans"),
    c.ELEVATION_GAIN_M: (
        "total ascent",
        "elev gain",
        "højdeforøgelse",
        "positiver höhenunterschied",
        "anstieg gesamt",
        "ascension totale",
        "totale stijging",
    ),
}
"""Garmin Connect ``Activities.csv`` headers (normalised) -> our fields, in five languages."""

SPORT_NAMES: dict[str, str] = {
    "løb": c.SPORT_RUNNING,
    "gang": c.SPORT_WALKING,
    "gå": c.SPORT_WALKING,
    "vandring": c.SPORT_HIKING,
    # gym work, as Strava and Garmin Connect name it
    "workout": c.SPORT_CROSS_TRAINING,
    "crossfit": c.SPORT_CROSS_TRAINING,
    "cardio": c.SPORT_CROSS_TRAINING,
    "hiit": c.SPORT_CROSS_TRAINING,
    "elliptical": c.SPORT_CROSS_TRAINING,
    "stairstepper": c.SPORT_CROSS_TRAINING,
    "stair stepper": c.SPORT_CROSS_TRAINING,
    "rowing": c.SPORT_CROSS_TRAINING,
    "indoor rowing": c.SPORT_CROSS_TRAINING,
}
"""Activity type names matched whole (lower case) before the word stems below."""

SPORT_STEMS: tuple[tuple[str, str], ...] = (
    # strength and mobility first: "Krafttraining" and "Yoga" hold no other sport's stem, but
    # they must not fall through to "other"
    ("weight", c.SPORT_STRENGTH),  # Strava "Weight Training"
    ("strength", c.SPORT_STRENGTH),  # Garmin "Strength Training"
    ("kraft", c.SPORT_STRENGTH),  # de "Krafttraining"
    ("styrke", c.SPORT_STRENGTH),  # da "Styrketræning"
    ("musculation", c.SPORT_STRENGTH),  # fr
    ("kracht", c.SPORT_STRENGTH),  # nl "Krachttraining"
    ("yoga", c.SPORT_MOBILITY),
    ("pilates", c.SPORT_MOBILITY),
    ("stretch", c.SPORT_MOBILITY),
    ("mobility", c.SPORT_MOBILITY),
    ("plyometric", c.SPORT_PLYOMETRICS),
    ("swim", c.SPORT_SWIMMING),
    ("svøm", c.SPORT_SWIMMING),
    ("schwimm", c.SPORT_SWIMMING),
    ("natation", c.SPORT_SWIMMING),
    ("zwem", c.SPORT_SWIMMING),
    ("hike", c.SPORT_HIKING),
    ("hiking", c.SPORT_HIKING),
    ("wandern", c.SPORT_HIKING),
    ("randonn", c.SPORT_HIKING),
    ("walk", c.SPORT_WALKING),
    ("gehen", c.SPORT_WALKING),
    ("marche", c.SPORT_WALKING),
    ("wandel", c.SPORT_WALKING),
    ("cycl", c.SPORT_CYCLING),
    ("cykl", c.SPORT_CYCLING),
    ("ride", c.SPORT_CYCLING),
    ("bike", c.SPORT_CYCLING),
    ("biking", c.SPORT_CYCLING),
    ("radfahr", c.SPORT_CYCLING),
    ("fiets", c.SPORT_CYCLING),
    ("velo", c.SPORT_CYCLING),
    ("vélo", c.SPORT_CYCLING),
    ("run", c.SPORT_RUNNING),
    ("løb", c.SPORT_RUNNING),
    ("lauf", c.SPORT_RUNNING),
    ("course", c.SPORT_RUNNING),
    ("hardlo", c.SPORT_RUNNING),
    ("loopband", c.SPORT_RUNNING),
    ("jog", c.SPORT_RUNNING),
)
"""Word stems of activity types (Strava, Garmin in five languages, FIT) -> our sports, in the
order tried ("Weight Training", "Krafttraining", "Yoga", "Løb på løbebånd", "Trail Run", "VirtualRide", "Course à pied", "Radfahren")."""

FILE_NAME_SPORTS: dict[str, str] = {
    "run": c.SPORT_RUNNING,
    "running": c.SPORT_RUNNING,
    "ride": c.SPORT_CYCLING,
    "bike": c.SPORT_CYCLING,
    "biking": c.SPORT_CYCLING,
    "cycling": c.SPORT_CYCLING,
    "walk": c.SPORT_WALKING,
    "walking": c.SPORT_WALKING,
    "hike": c.SPORT_HIKING,
    "hiking": c.SPORT_HIKING,
    "swim": c.SPORT_SWIMMING,
    "swimming": c.SPORT_SWIMMING,
}
"""Whole words of a file name that say the sport of a per-sample file without a sport column."""

# ---- public entry point ---------------------------------------------------------------------------


def read_csv(data: bytes, name: str) -> list[ParsedActivity]:
    """Read a CSV file of any of the three supported layouts.

    Parameters
    ----------
    data
        The file's bytes (UTF-8 with or without BOM, UTF-16 with BOM, Windows-1252 or Latin-1).
    name
        The file name, for messages and as the activities' ``source_name``.

    Returns
    -------
    list of ParsedActivity
        One activity for a per-sample file (samples built by
        :func:`analysis.schema.build_samples`); one summary activity (``is_summary=True``, no
        samples) per readable row of a Strava or Garmin activities export.

    Raises
    ------
    ParseError
        Empty, binary, too wide or too long input; malformed CSV; columns that match no layout
        (the message lists them); a per-sample file without an absolute time; no readable row.
    """
    encoding, fixes = _encoding(data, name)
    reader = _RowReader(_lines(data, encoding), name, _first_line(data, encoding))
    rows = iter(reader)
    first = next(rows, None)
    if first is None:
        raise ParseError(name, "empty file")
    header = [_clean_header(cell) for cell in first]
    names = [_summary_name(h) for h in header]
    found = _sample_columns(header)
    has_time = any(q in found for q in (c.TIMESTAMP, c.ELAPSED_S))
    channels = (c.DISTANCE_M, c.SPEED_MPS, _PACE, c.HEART_RATE_BPM, c.CADENCE_SPM, c.POWER_W)
    has_channel = any(q in found for q in (*channels, c.ALTITUDE_M)) or (
        c.LATITUDE_DEG in found and c.LONGITUDE_DEG in found
    )
    layout = _layout(header, names, has_time and has_channel)
    if layout == "samples":
        table = _SampleTable(sorted({col.index for cols in found.values() for col in cols}))
        table.read(rows)
        if not len(table):
            raise ParseError(name, "the file has a header row but no data rows")
        return [_read_samples(table, found, name, [*fixes, *reader.fixes])]
    if layout is None:
        if next(rows, None) is None:
            raise ParseError(name, "the file has a header row but no data rows")
        raise ParseError(name, _unrecognised(header))
    body = list(rows)
    if not body:
        raise ParseError(name, "the file has a header row but no data rows")
    fixes += reader.fixes
    if layout == "fit dump":
        return [_read_fit_dump(body, name, fixes)]
    if layout == "strava":
        return _read_strava(header, names, body, name, fixes)
    return _read_garmin(header, names, body, name, fixes)


def _layout(header: Sequence[str], names: Sequence[str], samples: bool) -> str | None:
    """Which layout a header row starts: the summary exports first, as the header decides."""
    if _is_fit_dump(header):
        return "fit dump"
    if _find(names, STRAVA_COLUMNS[_STRAVA_ID]) is not None and (
        _find(names, STRAVA_COLUMNS[_DATE]) is not None
    ):
        return "strava"
    if all(_find(names, GARMIN_COLUMNS[key]) is not None for key in (_TYPE, _DATE)) and any(
        _find(names, GARMIN_COLUMNS[key]) is not None for key in (c.DISTANCE_M, _TIME)
    ):
        return "garmin"
    return "samples" if samples else None


# ---- bytes to rows --------------------------------------------------------------------------------

_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "a gzip archive"),
    (b"PK\x03\x04", "a zip archive"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
)


def _decode(data: bytes, name: str) -> tuple[str, list[str]]:
    """The file as text, refusing empty and binary input; the notes say which encoding was used."""
    encoding, notes = _encoding(data, name)
    return data.decode(encoding), notes


_NOT_BLANK = re.compile(rb"[^ \t\r\n\x00\xef\xbb\xbf\xff\xfe]")
_UTF8_CHECK_BYTES = 1 << 20
_CP1252_UNDEFINED = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")


def _encoding(data: bytes, name: str) -> tuple[str, list[str]]:
    """The encoding to read the file with, refusing empty and binary input.

    UTF-8 (with or without BOM) when every byte sequence is valid UTF-8 (checked a megabyte at
    a time, never decoding the whole file at once), else Windows-1252, else Latin-1; UTF-16
    when the file starts with its BOM. The notes say when it is not UTF-8.
    """
    if _NOT_BLANK.search(data) is None:  # data.strip() would copy the whole file
        raise ParseError(name, "empty file")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            _check_lines(data.decode("utf-16"), name)
        except UnicodeDecodeError as err:
            raise ParseError(name, f"not readable as UTF-16 text: {err.reason}") from err
        return "utf-16", []
    for signature, what in _BINARY_SIGNATURES:
        if data.startswith(signature):
            raise ParseError(name, f"binary data ({what}), not a CSV text file")
    if data[8:12] == b".FIT":
        raise ParseError(name, "binary data (a FIT file), not a CSV text file")
    head = data[:65536]
    controls = sum(head.count(bytes([b])) for b in range(32) if b not in (9, 10, 12, 13))
    if b"\x00" in head or controls > len(head) // 100:
        raise ParseError(name, "binary data, not a CSV text file")
    _check_line_bytes(data, name)
    if _is_utf8(data):
        return "utf-8-sig", []
    if not any(byte in data for byte in _CP1252_UNDEFINED):
        return "cp1252", ["the file is not UTF-8: read as Windows-1252 text"]
    return "latin-1", ["the file is not UTF-8: read as Latin-1 text"]


def _is_utf8(data: bytes) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for start in range(0, len(data), _UTF8_CHECK_BYTES):
            decoder.decode(view[start : start + _UTF8_CHECK_BYTES])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _lines(data: bytes, encoding: str) -> Iterator[str]:
    """The file's lines, decoded as they are read, line ends kept (what the CSV reader wants)."""
    # BytesIO shares the bytes object's buffer; newline="" splits at CR, LF and CRLF untouched
    return io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")


def _first_line(data: bytes, encoding: str) -> str:
    """The text before the first line feed (it decides the delimiter and the width limit)."""
    if encoding == "utf-16":
        return data.decode(encoding).split("\n", 1)[0]
    end = data.find(b"\n")
    # _check_line_bytes bounds this at MAX_LINE_BYTES
    return (data if end < 0 else data[:end]).decode(encoding)


_SCAN_BYTES = 1 << 24
"""Bytes looked at a time when measuring line lengths [bytes]."""


def _check_line_bytes(data: bytes, name: str) -> None:
    """Refuse a line longer than :data:`MAX_LINE_BYTES`, the line feeds found 16 MB at a time.

    A Python loop over the lines took 3.4 s for a 10M-line file; this takes a fraction, and its
    memory is one slice's mask, never one the size of the file.
    """
    if len(data) <= MAX_LINE_BYTES:
        return
    view = np.frombuffer(data, dtype=np.uint8)
    previous = -1  # the last line feed seen (-1: the start of the file)
    for start in range(0, len(view), _SCAN_BYTES):
        feeds = np.flatnonzero(view[start : start + _SCAN_BYTES] == 0x0A) + start
        if len(feeds) and int(np.diff(feeds, prepend=previous).max()) - 1 > MAX_LINE_BYTES:
            break
        if len(feeds):
            previous = int(feeds[-1])
    else:
        if len(view) - previous - 1 <= MAX_LINE_BYTES:
            return
    raise ParseError(
        name, f"refused: a line is longer than {MAX_LINE_BYTES:,} bytes (not a CSV table)"
    )


def _check_lines(text: str, name: str) -> str:
    if any(len(line) > MAX_LINE_BYTES for line in text.split("\n")):
        raise ParseError(
            name, f"refused: a line is longer than {MAX_LINE_BYTES:,} bytes (not a CSV table)"
        )
    return text


def _sniff_delimiter(first_line: str) -> str:
    """Comma, semicolon (spreadsheets in comma-decimal locales) or tab, whichever the header uses."""
    unquoted = re.sub(r'"[^"]*"', "", first_line)
    counts = {d: unquoted.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+")


def _read_rows(text: str, name: str) -> tuple[list[list[str]], list[str]]:
    """Split text into rows of cells (blank rows dropped), enforcing the size limits."""
    # lines one at a time: a StringIO of the text would hold it again, four bytes a character
    lines = (found.group() for found in _LINE.finditer(text))
    reader = _RowReader(lines, name, text.split("\n", 1)[0] if "\n" in text else text)
    rows = list(reader)
    if not rows:
        raise ParseError(name, "empty file")
    if len(rows) == 1:
        raise ParseError(name, "the file has a header row but no data rows")
    return rows, reader.fixes


class _RowReader:
    """Rows of cells from lines, blank rows dropped, the size limits enforced as they are read.

    Iterate once. ``fixes`` says what was tolerated (a file cut inside a quoted cell keeps the
    complete rows before the cut).
    """

    def __init__(self, lines: Iterable[str], name: str, first_line: str) -> None:
        self.lines = lines
        self.name = name
        self.delimiter = _sniff_delimiter(first_line)
        fit_dump = _is_fit_dump(first_line.split(","))
        self.width_limit = MAX_FIT_DUMP_COLUMNS if fit_dump else MAX_COLUMNS
        self.fixes: list[str] = []

    def __iter__(self) -> Iterator[list[str]]:
        name, width_limit = self.name, self.width_limit
        reader = csv.reader(self.lines, delimiter=self.delimiter)
        count = 0  # rows yielded, the header included
        try:
            for row in reader:
                if len(row) > width_limit:
                    raise ParseError(
                        name,
                        f"refused: {len(row)} columns on line {reader.line_num} (at most "
                        f"{width_limit} are accepted)",
                    )
                if not any(cell.strip() for cell in row):
                    continue
                if count > MAX_ROWS:
                    raise ParseError(name, f"refused: more than {MAX_ROWS:,} rows")
                count += 1
                yield row
        except csv.Error as err:
            if "unexpected end of data" in str(err) and count > 1:
                # a file cut inside a quoted cell: keep the complete rows before the cut
                self.fixes.append(
                    f"the file ends inside a quoted cell (truncated?): kept {count - 1} rows"
                )
            else:
                raise ParseError(name, f"malformed CSV near line {reader.line_num}: {err}") from err


class _SampleTable:
    """The cells of a per-sample file's quantity columns, read :data:`CHUNK_ROWS` rows at a time.

    Each chunk of a column is kept as an Arrow string array (the text and an offset per cell),
    not as Python strings; a column is made a list again only while it is converted.
    """

    def __init__(self, indices: Sequence[int]) -> None:
        self.indices = list(indices)
        self.chunks: dict[int, list[pa.Array]] = {index: [] for index in self.indices}
        self.head: list[list[str]] = []  # the first rows, for the decimal mark
        self.rows = 0

    def __len__(self) -> int:
        return self.rows

    def read(self, rows: Iterator[list[str]]) -> None:
        while chunk := list(islice(rows, CHUNK_ROWS)):
            if len(self.head) < DECIMAL_SAMPLE_ROWS:
                self.head += chunk[: DECIMAL_SAMPLE_ROWS - len(self.head)]
            for index in self.indices:
                cells = [row[index].strip() if index < len(row) else "" for row in chunk]
                self.chunks[index].append(pa.array(cells, type=pa.large_string()))
            self.rows += len(chunk)

    def column(self, index: int) -> list[str]:
        chunks = self.chunks[index]
        return [cell for chunk in chunks for cell in chunk.to_pylist()]


def _clean_header(cell: str) -> str:
    """A header cell without HTML markup (Strava's ``translation_missing`` spans) and spacing."""
    no_html = re.sub(r"<[^>]*>", "", cell)
    return " ".join(no_html.replace("\ufeff", "").split())


def _is_fit_dump(header: Sequence[str]) -> bool:
    cells = [h.strip().strip('"').lstrip("\ufeff").lower() for h in header[:3]]
    return cells == ["type", "local number", "message"]


def _unrecognised(header: Sequence[str]) -> str:
    shown = [h for h in header if h][:20]
    more = len([h for h in header if h]) - len(shown)
    listed = ", ".join(shown) + (f" … ({more} more)" if more > 0 else "")
    return f"unrecognised CSV columns: {listed}"


_Rows = Sequence[Sequence[str]] | _SampleTable


def _column(rows: _Rows, index: int) -> list[str]:
    if isinstance(rows, _SampleTable):
        return rows.column(index)
    return [row[index].strip() if index < len(row) else "" for row in rows]


# ---- numbers, durations, dates --------------------------------------------------------------------

_DOT_DECIMAL = re.compile(r"^[-+]?(\d*\.\d{1,2}|\d*\.\d{4,}|0\.\d+|\d{1,3}(,\d{3})+\.\d+)$")
_COMMA_DECIMAL = re.compile(r"^[-+]?(\d*,\d{1,2}|\d*,\d{4,}|0,\d+|\d{1,3}(\.\d{3})+,\d+)$")


def _decimal_mark(cells: Sequence[str]) -> str:
    """``"."`` or ``","``: which one the numbers in ``cells`` use as decimal mark.

    "6.29" or "0,5" decide; "1,025" (a thousands separator, or a decimal with three places) does
    not. Without evidence either way the point wins.
    """
    dot = sum(1 for cell in cells if _DOT_DECIMAL.match(cell))
    comma = sum(1 for cell in cells if _COMMA_DECIMAL.match(cell))
    return "," if comma > dot else "."


def _numbers(cells: Sequence[str], decimal: str = ".") -> np.ndarray:
    """Localised numbers as float64; NaN for empty cells, ``--``, text and non-finite values."""
    if not cells:
        return np.zeros(0)
    text = pd.Series(list(cells), dtype="object").astype(str)
    # an apostrophe is how spreadsheets protect a number that starts with a sign
    text = text.str.strip().str.lstrip("'").str.replace(r"[\s\u00a0\u202f]", "", regex=True)
    if decimal == ",":
        text = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        text = text.str.replace(",", "", regex=False)
    numeric = pd.to_numeric(text, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    # a writable copy: pandas hands out read-only views under copy-on-write
    values = np.array(numeric, dtype="float64")
    values[~np.isfinite(values) | (np.abs(values) > MAX_MAGNITUDE)] = np.nan
    return values


_CLOCK = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:[.,]\d+)?)$")


def _durations(cells: Sequence[str], decimal: str = ".") -> np.ndarray:
    """Durations [s] from ``h:mm:ss``, ``mm:ss(.f)`` or plain seconds; NaN where unreadable."""
    plain = _numbers(cells, decimal)
    out = np.full(len(cells), np.nan)
    for i, cell in enumerate(cells):
        found = _CLOCK.match(cell.strip())
        if found:
            hours = float(found.group(1) or 0)
            out[i] = (
                hours * 3600 + float(found.group(2)) * 60 + float(found.group(3).replace(",", "."))
            )
        elif ":" not in cell:
            out[i] = plain[i]
    return out


def _looks_like_clock(cells: Sequence[str]) -> bool:
    filled = [cell for cell in cells if cell]
    return bool(filled) and sum(1 for cell in filled if _CLOCK.match(cell)) >= 0.9 * len(filled)


_TZ_ABBREVIATIONS: dict[str, int] = {
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "WET": 0,
    "BST": 1,
    "CET": 1,
    "WEST": 1,
    "CEST": 2,
    "EET": 2,
    "EEST": 3,
    "MSK": 3,
    "JST": 9,
    "AEST": 10,
    "AEDT": 11,
    "NZST": 12,
    "NZDT": 13,
    "HST": -10,
    "AKST": -9,
    "AKDT": -8,
    "PST": -8,
    "PDT": -7,
    "MST": -7,
    "MDT": -6,
    "CST": -6,
    "CDT": -5,
    "EST": -5,
    "EDT": -4,
}
"""Unambiguous time-zone abbreviations seen in C ``date`` output -> offset from UTC [h]."""

_C_DATE = re.compile(
    r"^(?:[A-Za-z]{3} )?([A-Za-z]{3}) +(\d{1,2}) (\d{1,2}:\d{2}:\d{2}) ([A-Z]{1,5}) (\d{4})$"
)
_HAS_OFFSET = re.compile(r"(Z|[+-]\d{2}:?\d{2}|UTC|GMT)$", re.IGNORECASE)
_HAS_TIME_OF_DAY = re.compile(r"\d{1,2}:\d{2}")


def _c_dates(cells: Sequence[str]) -> pd.Series | None:
    """``Sun Sep 25 06:00:22 PDT 2011`` (C ``date``, as fitparse's tests print times) as UTC."""
    filled = [cell for cell in cells if cell]
    if not filled or not all(_C_DATE.match(cell) for cell in filled[:20]):
        return None
    parts = pd.Series(list(cells), dtype="object").astype(str).str.extract(_C_DATE)
    wall = pd.to_datetime(
        parts[1] + " " + parts[0] + " " + parts[4] + " " + parts[2],
        format="%d %b %Y %H:%M:%S",
        errors="coerce",
        utc=True,
    )
    offset_h = parts[3].map(_TZ_ABBREVIATIONS).astype("float64")
    return pd.Series(wall - pd.to_timedelta(offset_h, unit="h"))


def _datetimes(cells: Sequence[str], utc: bool) -> pd.Series:
    """Date-times from strings, ISO 8601 first, then any format pandas recognises.

    With ``utc`` the result is tz-aware UTC (strings without an offset read as UTC), otherwise
    naive wall-clock time as written (a string with an offset is converted to UTC first).
    NaT where unreadable.
    """
    values = pd.Series(list(cells), dtype="object").astype(str).str.strip()
    parsed = pd.Series(pd.to_datetime(values, format="ISO8601", errors="coerce", utc=True))
    missing = parsed.isna() & (values != "")
    if missing.any() and _mixed_datetimes(values[missing].head(50)).notna().mean() >= 0.5:
        # element-wise guessing is slow: only where a sample shows it reads this column
        parsed = parsed.where(~missing, _mixed_datetimes(values[missing]))
    return parsed if utc else parsed.dt.tz_localize(None)


def _mixed_datetimes(values: pd.Series) -> pd.Series:
    """Date-times in any format pandas recognises, as tz-aware UTC; NaT where unreadable."""
    return pd.Series(
        pd.to_datetime(values, format="mixed", errors="coerce", utc=True), index=values.index
    )


def _within_years(times: pd.Series) -> tuple[pd.Series, str | None]:
    """``times`` with dates outside :data:`SUPPORTED_YEARS` set to NaT, and the first such date.

    pandas reads years 1 to 9999 at microsecond resolution, but the store and the metrics work
    in nanoseconds: left in, a year 7026 typo raises an overflow far from the file.
    """
    if times.empty or not times.notna().any():
        return times, None
    years = times.dt.year
    outside = times.notna() & ((years < SUPPORTED_YEARS[0]) | (years > SUPPORTED_YEARS[1]))
    if not outside.any():
        return times, None
    first = pd.Timestamp(times[outside].iloc[0])
    return times.where(~outside), f"{first.year:04d}-{first.month:02d}-{first.day:02d}"


def _outside_note(count: int, example: str) -> str:
    noun = "row is" if count == 1 else "rows are"
    return f"{count} {noun} dated outside {SUPPORTED_RANGE_TEXT}, e.g. {example}: no usable time"


def _epoch_times(seconds: np.ndarray) -> pd.Series:
    """Unix seconds as tz-aware UTC; NaT outside the plausible epoch range."""
    lo, hi = _EPOCH_S_RANGE
    valid = np.where((seconds >= lo) & (seconds < hi), seconds, np.nan)
    return pd.Series(pd.to_datetime(valid, unit="s", utc=True))


def _elapsed(seconds: np.ndarray) -> np.ndarray:
    """Elapsed seconds; NaN beyond a century, which no recording spans (and no clock counts)."""
    return np.where(np.abs(seconds) < 100 * 365.25 * 86400, seconds, np.nan)


@dataclass
class _Times:
    """A time column read: absolute UTC times, or seconds from an unknown start, with notes."""

    utc: pd.Series | None = None
    elapsed_s: np.ndarray | None = None
    notes: list[str] = field(default_factory=list)
    outside: str | None = None  # the first date outside SUPPORTED_YEARS, for the refusal


def _parse_times(cells: Sequence[str], unit: str | None) -> _Times:
    """Classify and read a time column: epoch numbers, date strings or elapsed time."""
    filled = [cell for cell in cells if cell]
    if not filled:
        return _Times()
    unit = _TIME_UNITS.get(unit or "")
    numeric = _numbers(cells)
    readable = np.isfinite(numeric)
    if readable.sum() >= 0.9 * len(filled):
        middle = float(np.nanmedian(numeric))
        if unit == "ms" or (unit != "s" and _EPOCH_MS_RANGE[0] <= middle < _EPOCH_MS_RANGE[1]):
            if _EPOCH_MS_RANGE[0] <= middle < _EPOCH_MS_RANGE[1]:
                return _Times(utc=_epoch_times(numeric / 1000.0))
            return _Times(elapsed_s=_elapsed(numeric / 1000.0))
        if _EPOCH_S_RANGE[0] <= middle < _EPOCH_S_RANGE[1]:
            return _Times(utc=_epoch_times(numeric))
        return _Times(elapsed_s=_elapsed(numeric))
    if _looks_like_clock(cells):
        return _Times(elapsed_s=_durations(cells))
    c_dates = _c_dates(cells)
    if c_dates is not None:
        return _supported_times(c_dates, [])
    parsed = _datetimes(cells, utc=True)
    if parsed.notna().sum() < 0.5 * len(filled):
        return _Times()
    notes = []
    if not all(_HAS_OFFSET.search(cell) for cell in filled[:50]):
        notes.append("the time stamps carry no time zone: read as UTC")
    if not any(_HAS_TIME_OF_DAY.search(cell) for cell in filled[:50]):
        return _Times()  # dates without a time of day cannot order samples
    return _supported_times(parsed, notes)


def _supported_times(utc: pd.Series, notes: list[str]) -> _Times:
    """A date-time column with the rows outside :data:`SUPPORTED_YEARS` unreadable, and said so."""
    before = int(utc.notna().sum())
    kept, example = _within_years(utc)
    if example is None:
        return _Times(utc=utc, notes=notes)
    return _Times(
        utc=kept,
        notes=[*notes, _outside_note(before - int(kept.notna().sum()), example)],
        outside=example,
    )


# ---- sports and cadence ---------------------------------------------------------------------------


def _sport_from_text(text: str) -> str | None:
    """Our sport for an activity type as Strava, Garmin or FIT writes it; None for empty text."""
    lowered = " ".join(text.strip().lower().split())
    if not lowered:
        return None
    if lowered in FIT_SPORTS:
        return FIT_SPORTS[lowered]
    if lowered.isdigit():
        return c.SPORT_OTHER
    if lowered in SPORT_NAMES:
        return SPORT_NAMES[lowered]
    for stem, sport in SPORT_STEMS:
        if stem in lowered:
            return sport
    return c.SPORT_OTHER


def _cadence_factor(median: float, sport: str) -> float:
    """2 where a foot sport's cadence counts one leg (strides per minute), else 1."""
    floor = STEPS_PER_MINUTE_FLOOR.get(sport)
    if floor is None or not np.isfinite(median) or median <= 0:
        return 1.0
    return 2.0 if median < floor else 1.0


_CADENCE_DOUBLED = "cadence counted one leg (strides per minute): doubled to steps per minute"


def _plausible(value: float, column: str) -> float | None:
    """``value`` if finite and inside the plausible range of ``column``, else None."""
    if not np.isfinite(value):
        return None
    lo, hi = PLAUSIBLE[column]
    return float(value) if lo <= value <= hi else None


def _positive(value: float) -> float | None:
    return float(value) if np.isfinite(value) and value >= 0 else None


# ---- summary exports: Strava and Garmin Connect ---------------------------------------------------


def _summary_name(header: str) -> str:
    """A summary header in comparable form: lower case, words of letters and digits only.

    A unit in brackets is dropped (``Distance (mi)`` reads ``distance``); other bracketed words
    stay (``Ø Schrittfrequenz (Laufen)`` reads ``ø schrittfrequenz laufen``).
    """
    if _header_unit(header) in (*_DISTANCE_UNITS, *_SPEED_UNITS, "bpm", "spm", "rpm", "s"):
        header = re.sub(r"[(\[][^)\]]*[)\]]", " ", header)
    return " ".join(re.sub(r"[\W_]+", " ", header.lower()).split())


def _find(names: Sequence[str], aliases: Sequence[str]) -> int | None:
    """Index of the first column named like the first alias that occurs (first of duplicates)."""
    for alias in aliases:
        if alias in names:
            return names.index(alias)
    return None


def _header_unit(header: str) -> str | None:
    """A unit written in brackets in a header: ``Distance (mi)`` gives ``mi``."""
    found = re.search(r"[(\[]\s*([^)\]]+?)\s*[)\]]", header)
    return found.group(1).lower().replace(" ", "") if found else None


def _skipped_note(skipped: list[int], why: str) -> str:
    listed = ", ".join(str(n) for n in skipped[:10]) + (" …" if len(skipped) > 10 else "")
    noun = "row" if len(skipped) == 1 else "rows"
    return f"skipped {len(skipped)} {noun} {why} (data rows {listed})"


def _note_outside(
    activities: list[ParsedActivity], skipped: int, outside: str | None, name: str
) -> None:
    """Say why rows dated outside :data:`SUPPORTED_YEARS` were skipped; refuse when none is left."""
    if outside is None:
        return
    if not activities:
        raise ParseError(name, f"date {outside} outside {SUPPORTED_RANGE_TEXT}")
    note = f"rows dated outside {SUPPORTED_RANGE_TEXT} are skipped (e.g. {outside})"
    for activity in activities:
        activity.fixes.append(note)


def _finish_batch(
    activities: list[ParsedActivity], skipped: list[int], why: str, name: str
) -> list[ParsedActivity]:
    if not activities:
        raise ParseError(name, f"no readable activity rows: every row lacks {why}")
    if skipped:
        note = _skipped_note(skipped, f"without {why}")
        for activity in activities:
            activity.fixes.append(note)
    return activities


def _strava_distance_m(
    header: Sequence[str],
    names: Sequence[str],
    rows: Sequence[Sequence[str]],
    decimal: str,
    fixes: list[str],
) -> np.ndarray:
    """Distance [m] from Strava's ``Distance`` columns.

    The export has two: the first in the athlete's display unit (km or mi, but metres for
    swims), the second in metres. Which is which is read from their ratio; a single column is
    metres when its median is above 200 (nobody's typical activity is 200 km), else kilometres.
    """
    indices = [i for i, n in enumerate(names) if n == "distance"]
    if not indices:
        return np.full(len(rows), np.nan)
    columns = [_numbers(_column(rows, i), decimal) for i in indices]
    if len(columns) >= 2:
        first, second = columns[0], columns[1]
        both = np.isfinite(first) & np.isfinite(second) & (first > 0) & (second > 0)
        if both.any():
            ratio = float(np.median(second[both] / first[both]))
            if ratio > 100:
                return second
            if ratio < 0.01:
                return first
    unit = _header_unit(header[indices[0]])
    if unit in _DISTANCE_UNITS:
        return columns[0] * _DISTANCE_UNITS[unit]
    middle = float(np.nanmedian(columns[0])) if np.isfinite(columns[0]).any() else 0.0
    if middle > 200:
        return columns[0]
    fixes.append("the distance unit is not stated: read as kilometres")
    return columns[0] * 1000.0


def _strava_dates(cells: Sequence[str]) -> pd.Series:
    """Strava's ``Activity Date`` (UTC, ``Mar 10, 2019, 4:36:27 PM``) as tz-aware UTC."""
    values = pd.Series(list(cells), dtype="object").astype(str)
    parsed = pd.Series(
        pd.to_datetime(values, format="%b %d, %Y, %I:%M:%S %p", errors="coerce", utc=True)
    )
    missing = parsed.isna() & (values != "")
    if missing.any():
        parsed = parsed.where(~missing, _datetimes(cells, utc=True))
    return parsed


def _read_strava(
    header: list[str],
    names: list[str],
    rows: list[list[str]],
    name: str,
    fixes: list[str],
) -> list[ParsedActivity]:
    def cells(key: str) -> list[str]:
        index = _find(names, STRAVA_COLUMNS[key])
        return _column(rows, index) if index is not None else [""] * len(rows)

    decimal = _decimal_mark([cell for row in rows for cell in row])
    batch_fixes = list(fixes)
    distance = _strava_distance_m(header, names, rows, decimal, batch_fixes)
    dates, outside = _within_years(_strava_dates(cells(_DATE)))
    types = cells(_TYPE)
    titles = cells(c.NAME)
    elapsed = _durations(cells(c.DURATION_S), decimal)
    moving = _durations(cells(c.MOVING_TIME_S), decimal)
    avg_hr = _numbers(cells(c.AVG_HEART_RATE_BPM), decimal)
    max_hr = _numbers(cells(c.MAX_HEART_RATE_BPM), decimal)
    cadence = _numbers(cells(c.AVG_CADENCE_SPM), decimal)
    gain = _numbers(cells(c.ELEVATION_GAIN_M), decimal)
    # Strava's perceived exertion is rated 1-10: kept as the session RPE on Borg's CR-10 scale
    rpe = _numbers(cells(c.RPE), decimal)
    gear = cells(c.GEAR)
    files = cells(c.SOURCE_FILE)
    ids = cells(_STRAVA_ID)
    activities: list[ParsedActivity] = []
    skipped: list[int] = []
    # a summary row has no samples; building an empty frame per row cost ~0.8 ms, a copy 11 µs
    no_samples = empty_samples()
    starts = dates.tolist()  # one conversion, not a pandas lookup per row
    for i in range(len(rows)):
        start = starts[i]
        if pd.isna(start):
            skipped.append(i + 1)
            continue
        row_fixes = list(batch_fixes)
        sport = _sport_from_text(types[i]) or c.SPORT_OTHER
        factor = _cadence_factor(float(cadence[i]), sport)
        if factor != 1.0:
            row_fixes.append(_CADENCE_DOUBLED)
        activities.append(
            ParsedActivity(
                source_name=name,
                format=FORMAT,
                sport=sport,
                start_time_utc=pd.Timestamp(start),
                name=titles[i] or None,
                duration_s=_positive(elapsed[i]),
                moving_time_s=_positive(moving[i]),
                distance_m=_positive(distance[i]),
                avg_heart_rate_bpm=_plausible(avg_hr[i], c.HEART_RATE_BPM),
                max_heart_rate_bpm=_plausible(max_hr[i], c.HEART_RATE_BPM),
                avg_cadence_spm=_plausible(cadence[i] * factor, c.CADENCE_SPM),
                elevation_gain_m=_positive(gain[i]),
                rpe=float(rpe[i]) if 0 <= rpe[i] <= 10 else None,
                gear=gear[i].strip() or None,
                external_id=ids[i].strip() or None,
                source_file=files[i].strip() or None,
                is_summary=True,
                samples=no_samples.copy(),
                fixes=row_fixes,
            )
        )
    _note_outside(activities, len(rows) - len(activities), outside, name)
    return _finish_batch(activities, skipped, "a readable Activity Date", name)


_LOCAL_TIME_NOTE = "local start time, time zone unknown: read as UTC"


def _read_garmin(
    header: list[str],
    names: list[str],
    rows: list[list[str]],
    name: str,
    fixes: list[str],
) -> list[ParsedActivity]:
    def index(key: str) -> int | None:
        return _find(names, GARMIN_COLUMNS[key])

    def cells(key: str) -> list[str]:
        found = index(key)
        return _column(rows, found) if found is not None else [""] * len(rows)

    decimal = _decimal_mark([cell for row in rows for cell in row])
    batch_fixes = list(fixes)
    distance_index = index(c.DISTANCE_M)
    unit = _header_unit(header[distance_index]) if distance_index is not None else None
    if unit in _DISTANCE_UNITS and unit is not None:
        metres_per_unit = _DISTANCE_UNITS[unit]
    else:
        metres_per_unit = 1000.0
        batch_fixes.append("the distance unit is not stated: read as kilometres")
    # an export in miles reports climbs in feet
    gain_factor = FEET_TO_M if metres_per_unit == METRES_PER_MILE else 1.0
    gain_index = index(c.ELEVATION_GAIN_M)
    gain_unit = _header_unit(header[gain_index]) if gain_index is not None else None
    if gain_unit in _ALTITUDE_UNITS and gain_unit is not None:
        gain_factor = _ALTITUDE_UNITS[gain_unit]

    local, outside = _within_years(_datetimes(cells(_DATE), utc=False))
    types = cells(_TYPE)
    titles = cells(c.NAME)
    distance = _numbers(cells(c.DISTANCE_M), decimal)
    elapsed = _durations(cells(c.DURATION_S), decimal)
    timer = _durations(cells(_TIME), decimal)
    moving = _durations(cells(c.MOVING_TIME_S), decimal)
    avg_hr = _numbers(cells(c.AVG_HEART_RATE_BPM), decimal)
    max_hr = _numbers(cells(c.MAX_HEART_RATE_BPM), decimal)
    run_cadence = _numbers(cells(_RUN_CADENCE), decimal)
    bike_cadence = _numbers(cells(_BIKE_CADENCE), decimal)
    gain = _numbers(cells(c.ELEVATION_GAIN_M), decimal)
    activities: list[ParsedActivity] = []
    skipped: list[int] = []
    # a summary row has no samples; building an empty frame per row cost ~0.8 ms, a copy 11 µs
    no_samples = empty_samples()
    starts = local.tolist()  # one conversion, not a pandas lookup per row
    for i in range(len(rows)):
        start_local = starts[i]
        if pd.isna(start_local):
            skipped.append(i + 1)
            continue
        sport = _sport_from_text(types[i]) or c.SPORT_OTHER
        row_fixes = [*batch_fixes, _LOCAL_TIME_NOTE]
        metres = distance[i] * metres_per_unit
        if sport == c.SPORT_SWIMMING and metres_per_unit != 1.0:
            # Garmin states swims in metres (or yards) whatever the unit of the other rows
            metres = distance[i]
            row_fixes.append("swim distance is stated in metres")
        # Garmin's cadence is already steps per minute (running) or crank revolutions (cycling)
        cadence = run_cadence[i] if np.isfinite(run_cadence[i]) else bike_cadence[i]
        duration = elapsed[i] if np.isfinite(elapsed[i]) else timer[i]
        activities.append(
            ParsedActivity(
                source_name=name,
                format=FORMAT,
                sport=sport,
                start_time_utc=pd.Timestamp(start_local).tz_localize("UTC"),
                start_time_local=pd.Timestamp(start_local),
                name=titles[i] or None,
                duration_s=_positive(duration),
                moving_time_s=_positive(moving[i]),
                distance_m=_positive(metres),
                avg_heart_rate_bpm=_plausible(avg_hr[i], c.HEART_RATE_BPM),
                max_heart_rate_bpm=_plausible(max_hr[i], c.HEART_RATE_BPM),
                avg_cadence_spm=_plausible(cadence, c.CADENCE_SPM),
                elevation_gain_m=_positive(gain[i] * gain_factor),
                is_summary=True,
                samples=no_samples.copy(),
                fixes=row_fixes,
            )
        )
    _note_outside(activities, len(rows) - len(activities), outside, name)
    return _finish_batch(activities, skipped, "a readable date", name)


# ---- per-sample streams ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _SampleColumn:
    index: int
    header: str
    unit: str | None  # as written, normalised; None when the header states none


def _sample_key(header: str) -> tuple[str, str | None] | None:
    """The quantity and unit a per-sample header names, or None.

    ``Heart Rate [bpm]``, ``heart_rate_bpm``, ``Distance (mi)``, ``distance_km``, ``speed_mps``
    and ``Pace (min/km)`` are all understood; the unit in brackets wins over one in the name.
    """
    bracket = _header_unit(header)
    bare = re.sub(r"[(\[][^)\]]*[)\]]", " ", header).strip().lower()
    words = [w for w in re.split(r"[^a-z0-9/°]+", bare) if w]
    if not words:
        return None
    for cut in range(len(words), 0, -1):
        base = "_".join(words[:cut])
        suffix = "_".join(words[cut:])
        quantity = SAMPLE_ALIASES.get(base)
        if quantity is None:
            continue
        accepted = _UNITS[quantity]
        if suffix and suffix not in accepted:
            continue
        unit = bracket or suffix or None
        if base in ("spm", "bpm", "watts", "secs", "seconds") and unit is None:
            unit = {"spm": "spm", "bpm": "bpm", "watts": "w"}.get(base, "s")
        if unit is not None and unit not in accepted:
            unit = unit.replace("/", "_")
            if unit not in accepted:
                return None
        return quantity, unit
    return None


def _sample_columns(header: Sequence[str]) -> dict[str, list[_SampleColumn]]:
    """Per-sample quantities found in the header, each with its candidate columns in order."""
    found: dict[str, list[_SampleColumn]] = {}
    for index, cell in enumerate(header):
        key = _sample_key(cell)
        if key is None:
            continue
        found.setdefault(key[0], []).append(_SampleColumn(index, cell, key[1]))
    return found


def _best(
    found: dict[str, list[_SampleColumn]], quantity: str, rows: _Rows
) -> tuple[_SampleColumn, list[str]] | None:
    """The candidate column of ``quantity`` with the most values (``enhanced_*`` first on ties)."""
    candidates = found.get(quantity, [])
    best: tuple[_SampleColumn, list[str]] | None = None
    best_count = 0
    ordered = sorted(candidates, key=lambda col: not col.header.lower().startswith("enhanced"))
    for col in ordered:
        cells = _column(rows, col.index)
        count = sum(1 for cell in cells if cell)
        if count > best_count:
            best, best_count = (col, cells), count
    return best


def _sample_times(
    found: dict[str, list[_SampleColumn]], rows: _Rows, name: str
) -> tuple[pd.Series, list[str]]:
    """Absolute UTC time of every row, or a ParseError saying why there is none."""
    relative: tuple[_SampleColumn, np.ndarray] | None = None
    outside: str | None = None
    for quantity in (c.TIMESTAMP, c.ELAPSED_S):
        for col in found.get(quantity, []):
            times = _parse_times(_column(rows, col.index), col.unit)
            if times.utc is not None and times.utc.notna().any():
                return times.utc, times.notes
            outside = outside or times.outside
            if times.elapsed_s is not None and relative is None:
                relative = (col, times.elapsed_s)
    if relative is None:
        if outside is not None:
            raise ParseError(name, f"date {outside} outside {SUPPORTED_RANGE_TEXT}")
        columns = ", ".join(
            col.header for q in (c.TIMESTAMP, c.ELAPSED_S) for col in found.get(q, [])
        )
        raise ParseError(name, f"no readable time in the time column ({columns})")
    col, elapsed = relative
    for start_col in found.get(_START, []):
        firsts = [cell for cell in _column(rows, start_col.index) if cell][:1]
        start_times = _parse_times(firsts, start_col.unit) if firsts else None
        start = start_times.utc if start_times is not None else None
        if start is not None and start.notna().any():
            offsets = pd.to_timedelta(elapsed, unit="s")
            utc, beyond = _within_years(pd.Series(start.iloc[0] + offsets))
            if not utc.notna().any():
                raise ParseError(name, f"date {beyond} outside {SUPPORTED_RANGE_TEXT}")
            notes = [
                f"sample times are the start time ({start_col.header}) plus the elapsed "
                f"seconds ({col.header})"
            ]
            if beyond is not None:
                notes.append(_outside_note(int(utc.isna().sum()), beyond))
            return utc, notes
        if start_times is not None and start_times.outside is not None:
            raise ParseError(
                name, f"start date {start_times.outside} outside {SUPPORTED_RANGE_TEXT}"
            )
    first = elapsed[np.isfinite(elapsed)]
    shown = f"{first[0]:.12g}" if len(first) else "?"
    raise ParseError(
        name,
        f"the time column '{col.header}' counts seconds from an unknown start (first value "
        f"{shown}), not a date and time, and the file states no start time: the activity "
        "cannot be placed on a calendar",
    )


def _speed_from_pace(col: _SampleColumn, cells: Sequence[str], decimal: str) -> np.ndarray:
    """Speed [m/s] from a pace column (``5:30``, 5.5 or 330, per km or mile)."""
    seconds_per_unit, metres_per_unit = _PACE_UNITS.get(col.unit or "", (0.0, 1000.0))
    if any(":" in cell for cell in cells):
        pace_s = _durations(cells, decimal)
    else:
        values = _numbers(cells, decimal)
        if seconds_per_unit == 0.0:
            # no unit stated: minutes when the values look like minutes, else seconds
            middle = float(np.nanmedian(values)) if np.isfinite(values).any() else 0.0
            seconds_per_unit = 60.0 if middle < 30 else 1.0
        pace_s = values * seconds_per_unit
    with np.errstate(divide="ignore", invalid="ignore"):
        speed = metres_per_unit / pace_s
    speed[~np.isfinite(speed) | (pace_s <= 0)] = np.nan
    return np.asarray(speed, dtype="float64")


def _beyond_degrees(values: np.ndarray) -> bool:
    finite = values[np.isfinite(values)]
    return bool(len(finite)) and float(np.max(np.abs(finite))) > 180


def _positions(
    lat: tuple[_SampleColumn, list[str]],
    lon: tuple[_SampleColumn, list[str]],
    decimal: str,
    fixes: list[str],
) -> tuple[np.ndarray, np.ndarray]:
    """Latitude and longitude [deg]; FIT semicircles (by unit, or beyond 180) are converted."""
    lat_values = _numbers(lat[1], decimal)
    lon_values = _numbers(lon[1], decimal)
    semicircles = "semicircles" in (lat[0].unit, lon[0].unit)
    if semicircles or _beyond_degrees(lat_values) or _beyond_degrees(lon_values):
        fixes.append("positions were in FIT semicircles: converted to degrees")
        return lat_values * SEMICIRCLE_TO_DEG, lon_values * SEMICIRCLE_TO_DEG
    return lat_values, lon_values


def _median_moving_speed(raw: pd.DataFrame) -> float:
    """Median speed of the samples in motion [m/s], from speed or else distance; NaN if unknown."""
    if c.SPEED_MPS in raw.columns:
        speed = raw[c.SPEED_MPS].to_numpy(dtype="float64")
    elif c.DISTANCE_M in raw.columns:
        track = raw[[c.TIMESTAMP, c.DISTANCE_M]].dropna().sort_values(c.TIMESTAMP)
        dt = track[c.TIMESTAMP].diff().dt.total_seconds().to_numpy(dtype="float64")
        dd = track[c.DISTANCE_M].diff().to_numpy(dtype="float64")
        with np.errstate(divide="ignore", invalid="ignore"):
            speed = np.where(dt > 0, dd / dt, np.nan)
    else:
        return float("nan")
    lo, hi = MOVING_SPEED_MPS, PLAUSIBLE[c.SPEED_MPS][1]
    moving = speed[np.isfinite(speed) & (speed > lo) & (speed <= hi)]
    return float(np.median(moving)) if len(moving) else float("nan")


def _default_sport(raw: pd.DataFrame, what: str) -> tuple[str, list[str]]:
    """Running, unless the samples move faster than anyone runs (then cycling)."""
    speed = _median_moving_speed(raw)
    if np.isfinite(speed) and speed > RUNNING_SPEED_LIMIT_MPS:
        return c.SPORT_CYCLING, [
            f"{what}: read as cycling, the median moving speed ({speed * 3.6:.0f} km/h) is "
            "faster than running"
        ]
    return c.SPORT_RUNNING, [f"{what}: read as running"]


def _sport_of_samples(
    found: dict[str, list[_SampleColumn]],
    rows: _Rows,
    name: str,
    raw: pd.DataFrame,
) -> tuple[str, list[str]]:
    """Sport from a sport column, else a sport word in the file name, else from the speed."""
    best = _best(found, c.SPORT, rows)
    if best is not None:
        sports = [s for s in (_sport_from_text(cell) for cell in best[1]) if s is not None]
        if sports:
            return Counter(sports).most_common(1)[0][0], []
    stem = re.sub(r"\.[^.]*$", "", name.replace("\\", "/").rsplit("/", 1)[-1].lower())
    for word in re.split(r"[^a-z]+", stem):
        if word in FILE_NAME_SPORTS:
            sport = FILE_NAME_SPORTS[word]
            return sport, [f"no sport column: read as {sport} from the file name"]
    return _default_sport(raw, "no sport column")


def _read_samples(
    rows: _SampleTable,
    found: dict[str, list[_SampleColumn]],
    name: str,
    fixes: list[str],
) -> ParsedActivity:
    decimal = _decimal_mark([cell for row in rows.head for cell in row])
    utc, time_notes = _sample_times(found, rows, name)
    fixes = [*fixes, *time_notes]
    raw = pd.DataFrame({c.TIMESTAMP: utc.reset_index(drop=True)})

    def numbers(quantity: str) -> tuple[_SampleColumn, np.ndarray] | None:
        best = _best(found, quantity, rows)
        return (best[0], _numbers(best[1], decimal)) if best is not None else None

    distance = numbers(c.DISTANCE_M)
    if distance is not None:
        raw[c.DISTANCE_M] = distance[1] * _DISTANCE_UNITS.get(distance[0].unit or "m", 1.0)
    speed = numbers(c.SPEED_MPS)
    pace = _best(found, _PACE, rows)
    if speed is not None:
        raw[c.SPEED_MPS] = speed[1] * _SPEED_UNITS.get(speed[0].unit or "m/s", 1.0)
    elif pace is not None:
        raw[c.SPEED_MPS] = _speed_from_pace(pace[0], pace[1], decimal)
    heart_rate = numbers(c.HEART_RATE_BPM)
    if heart_rate is not None:
        raw[c.HEART_RATE_BPM] = heart_rate[1]
    altitude = numbers(c.ALTITUDE_M)
    if altitude is not None:
        raw[c.ALTITUDE_M] = altitude[1] * _ALTITUDE_UNITS.get(altitude[0].unit or "m", 1.0)
    power = numbers(c.POWER_W)
    if power is not None:
        raw[c.POWER_W] = power[1]
    lat = _best(found, c.LATITUDE_DEG, rows)
    lon = _best(found, c.LONGITUDE_DEG, rows)
    if lat is not None and lon is not None:
        raw[c.LATITUDE_DEG], raw[c.LONGITUDE_DEG] = _positions(lat, lon, decimal, fixes)
    sport, sport_notes = _sport_of_samples(found, rows, name, raw)
    fixes += sport_notes
    cadence = numbers(c.CADENCE_SPM)
    if cadence is not None:
        fraction = numbers(_FRACTIONAL_CADENCE)
        values = cadence[1] + (np.nan_to_num(fraction[1]) if fraction is not None else 0.0)
        if _CADENCE_UNITS.get(cadence[0].unit or "") != "spm":
            values = _double_per_leg(values, sport, fixes)
        raw[c.CADENCE_SPM] = values
    return _activity_from_samples(raw, sport, name, fixes)


def _double_per_leg(values: np.ndarray, sport: str, fixes: list[str]) -> np.ndarray:
    moving = values[np.isfinite(values) & (values > 0)]
    factor = _cadence_factor(float(np.median(moving)) if len(moving) else np.nan, sport)
    if factor != 1.0:
        fixes.append(_CADENCE_DOUBLED)
    return values * factor


def _activity_from_samples(
    raw: pd.DataFrame, sport: str, name: str, fixes: list[str]
) -> ParsedActivity:
    unreadable = int(raw[c.TIMESTAMP].isna().sum())
    try:
        samples = build_samples(raw)
    except SchemaError as err:
        raise ParseError(name, f"the samples break the schema: {err}") from err
    if samples.empty:
        raise ParseError(name, "no row has a readable time")
    if unreadable:
        noun = "row" if unreadable == 1 else "rows"
        fixes.append(f"skipped {unreadable} {noun} without a readable time")
    return ParsedActivity(
        source_name=name,
        format=FORMAT,
        sport=sport,
        start_time_utc=pd.Timestamp(samples[c.TIMESTAMP].iloc[0]),
        samples=samples,
        fixes=fixes,
    )


# ---- FitCSVTool dumps -----------------------------------------------------------------------------


def _read_fit_dump(rows: list[list[str]], name: str, fixes: list[str]) -> ParsedActivity:
    """Pivot the ``Data`` rows of ``record`` messages of a FitCSVTool dump into samples.

    Each row reads ``Data,<local number>,<message>,<field>,<value>,<units>,...``; times are FIT
    ``date_time`` values (seconds since 1989-12-31 UTC), positions FIT semicircles.
    """
    records: list[dict[str, str]] = []
    units: dict[str, str] = {}
    sport_value: str | None = None
    for row in rows:
        if len(row) < 3 or row[0].strip() != "Data":
            continue
        message = row[2].strip()
        if message not in ("record", "session", "sport"):
            continue
        fields: dict[str, str] = {}
        for k in range(3, len(row) - 1, 3):
            key = row[k].strip()
            if key:
                fields[key] = row[k + 1].strip()
                if message == "record" and k + 2 < len(row) and row[k + 2].strip():
                    units.setdefault(key, row[k + 2].strip().lower())
        if message == "record":
            records.append(fields)
        elif sport_value is None and fields.get("sport"):
            sport_value = fields["sport"]
    if not records:
        raise ParseError(name, "a FitCSVTool dump without record rows: it holds no samples")

    def cells(field_name: str) -> list[str]:
        return [record.get(field_name, "") for record in records]

    fixes = list(fixes)
    stamps = _numbers(cells("timestamp"))
    if not np.isfinite(stamps).any():
        raise ParseError(name, "the record rows of this FitCSVTool dump have no timestamp")
    if float(np.nanmax(stamps)) < FIT_RELATIVE_TIME_LIMIT:
        raise ParseError(
            name,
            "the record timestamps count seconds since the device started, not a date and "
            "time: the activity cannot be placed on a calendar",
        )
    raw = pd.DataFrame({c.TIMESTAMP: _epoch_times(stamps + FIT_EPOCH_UNIX_S)})
    present = {key for record in records for key in record}
    for fit_name, column in FIT_RECORD_FIELDS.items():
        if column in (c.TIMESTAMP, _FRACTIONAL_CADENCE) or fit_name not in present:
            continue
        values = _numbers(cells(fit_name))
        if column in (c.LATITUDE_DEG, c.LONGITUDE_DEG) and (
            units.get(fit_name) == "semicircles" or _beyond_degrees(values)
        ):
            values = values * SEMICIRCLE_TO_DEG
        if column in raw.columns:
            # the enhanced field came first; the plain one only fills its gaps
            known = raw[column].to_numpy(dtype="float64")
            values = np.where(np.isfinite(known), known, values)
        raw[column] = values
    if sport_value is not None:
        sport = _sport_from_text(sport_value) or c.SPORT_OTHER
    else:
        sport, notes = _default_sport(raw, "no session states the sport")
        fixes += notes
    if c.CADENCE_SPM in raw.columns:
        values = raw[c.CADENCE_SPM].to_numpy(dtype="float64")
        fraction = _numbers(cells("fractional_cadence"))
        raw[c.CADENCE_SPM] = _double_per_leg(values + np.nan_to_num(fraction), sport, fixes)
    return _activity_from_samples(raw, sport, name, fixes)
