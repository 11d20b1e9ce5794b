"""A small FIT writer: activity files that real decoders read, written byte by byte with struct.

A FIT file is a 14-byte header (size, protocol and profile version, data size, ``.FIT``, header
CRC), then records, then a CRC-16 over everything before it. A *definition* message (record header
bit 6 set) binds a local message number (0-15) to a global message of the FIT profile and lists
its fields (number, size, base type); the *data* messages that follow under that local number carry
just the values, in that order. Everything here is little-endian.

Three layers, so tests can build broken files as easily as good ones:

- :func:`encode_activity` turns per-sample dicts (keys from :mod:`analysis.columns`) into a
  complete running activity: file_id, timer events, records, laps, session, activity. A
  DataFrame of numeric channels is encoded column-wise with numpy, byte for byte as its rows
  would be, so generating years of 1 s records takes seconds.
- :class:`FitWriter` writes any message of the tables below (:data:`FILE_ID`, :data:`EVENT`,
  :data:`RECORD`, :data:`LAP`, :data:`SESSION`, :data:`ACTIVITY`), defining local messages as
  needed, or raw bytes; :meth:`FitWriter.to_bytes` can leave the CRCs out.
- :func:`fit_header`, :func:`fit_crc` and :func:`fit_file` frame any body.

Message and field numbers, base types, scales and offsets are those of the FIT profile (as listed
by ``fitparse.profile.MESSAGE_TYPES``).

References
----------
Garmin, *FIT Protocol* (Flexible and Interoperable Data Transfer), FIT SDK 21: file header,
record headers, base types and the CRC-16 algorithm; ``Profile.xlsx`` for messages and fields.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from itertools import pairwise
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np
import pandas as pd

from analysis import columns as c

FIT_EPOCH = datetime(1989, 12, 31, tzinfo=UTC)
"""FIT ``date_time`` counts seconds from here; ``local_date_time`` from the same wall-clock time."""

HEADER_SIZE = 14
PROTOCOL_VERSION = 0x20
"""Protocol 2.0, high nibble major, low nibble minor."""
PROFILE_VERSION = 2132
"""Profile 21.32, stored as major * 100 + minor."""

SEMICIRCLES_PER_DEGREE = 2**31 / 180.0

# ---- base types ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BaseType:
    """A FIT base type: its code in a definition message, struct format and invalid value."""

    name: str
    code: int
    fmt: str
    invalid: int
    low: int
    high: int

    @property
    def size(self) -> int:
        """Bytes one value takes."""
        return struct.calcsize("<" + self.fmt)


ENUM = BaseType("enum", 0x00, "B", 0xFF, 0, 0xFE)
SINT8 = BaseType("sint8", 0x01, "b", 0x7F, -0x80, 0x7E)
UINT8 = BaseType("uint8", 0x02, "B", 0xFF, 0, 0xFE)
SINT16 = BaseType("sint16", 0x83, "h", 0x7FFF, -0x8000, 0x7FFE)
UINT16 = BaseType("uint16", 0x84, "H", 0xFFFF, 0, 0xFFFE)
SINT32 = BaseType("sint32", 0x85, "i", 0x7FFFFFFF, -0x80000000, 0x7FFFFFFE)
UINT32 = BaseType("uint32", 0x86, "I", 0xFFFFFFFF, 0, 0xFFFFFFFE)
UINT8Z = BaseType("uint8z", 0x0A, "B", 0x00, 1, 0xFF)
UINT16Z = BaseType("uint16z", 0x8B, "H", 0x0000, 1, 0xFFFF)
UINT32Z = BaseType("uint32z", 0x8C, "I", 0x00000000, 1, 0xFFFFFFFF)

FieldKind = Literal["number", "date_time", "local_date_time", "semicircles"]


def _missing(value: object) -> bool:
    # NaN and NaT are the only values unequal to themselves
    return value is None or value != value


def fit_time(when: datetime) -> int:
    """Seconds since the FIT epoch [s] of a tz-aware time."""
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError(f"{when!r} is naive: give FIT times as tz-aware datetimes")
    return int((when - FIT_EPOCH) // timedelta(seconds=1))


def fit_local_time(wall_clock: datetime) -> int:
    """A naive wall-clock time as FIT ``local_date_time``: seconds since 1989-12-31 00:00 local."""
    if wall_clock.tzinfo is not None:
        raise ValueError(f"{wall_clock!r} has a zone: local_date_time wants the naive wall clock")
    return int((wall_clock - FIT_EPOCH.replace(tzinfo=None)) // timedelta(seconds=1))


def degrees_to_semicircles(degrees: float) -> int:
    """Degrees [°] as FIT semicircles (2**31 per 180°)."""
    return round(float(degrees) * SEMICIRCLES_PER_DEGREE)


@dataclass(frozen=True)
class Field:
    """One field of a FIT message: raw = round((value + offset) * scale)."""

    number: int
    name: str
    base: BaseType
    scale: float = 1.0
    offset: float = 0.0
    kind: FieldKind = "number"

    def encode(self, value: Any) -> int:
        """The raw integer stored for ``value``; ``None`` or NaN store the invalid value."""
        if _missing(value):
            return self.base.invalid
        if self.kind == "date_time":
            raw = fit_time(value)
        elif self.kind == "local_date_time":
            raw = fit_local_time(value)
        elif self.kind == "semicircles":
            raw = degrees_to_semicircles(value)
        else:
            raw = round((float(value) + self.offset) * self.scale)
        if not self.base.low <= raw <= self.base.high:
            raise ValueError(f"{self.name}={value!r} does not fit in a FIT {self.base.name}")
        return raw

    def encode_array(self, values: np.ndarray) -> np.ndarray:
        """:meth:`encode` of every element of a float array (NaN stores the invalid value).

        The arithmetic is the same IEEE double arithmetic, and ``np.rint`` rounds half to even
        as :func:`round` does, so every raw value equals the scalar one. Times are not handled
        here (they are integers of seconds, see :func:`encode_activity`).
        """
        if self.kind == "semicircles":
            raw = np.rint(values * SEMICIRCLES_PER_DEGREE)
        elif self.kind == "number":
            raw = np.rint((values + self.offset) * self.scale)
        else:
            raise ValueError(f"{self.name} is a {self.kind}: encode times one by one")
        missing = np.isnan(values)
        bad = ~missing & ((raw < self.base.low) | (raw > self.base.high))
        if bad.any():
            value = float(values[bad][0])
            raise ValueError(f"{self.name}={value!r} does not fit in a FIT {self.base.name}")
        out: np.ndarray = np.where(missing, self.base.invalid, raw).astype(np.int64)
        return out


@dataclass(frozen=True)
class Message:
    """A global FIT message: its number and the fields this writer knows, in writing order."""

    number: int
    name: str
    fields: tuple[Field, ...]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.name} has no field {name!r}")


def _time(number: int, name: str) -> Field:
    return Field(number, name, UINT32, kind="date_time")


def _semicircles(number: int, name: str) -> Field:
    return Field(number, name, SINT32, kind="semicircles")


TIMESTAMP = 253
MESSAGE_INDEX = 254

FILE_ID = Message(
    0,
    "file_id",
    (
        Field(0, "type", ENUM),
        Field(1, "manufacturer", UINT16),
        Field(2, "product", UINT16),
        Field(3, "serial_number", UINT32Z),
        _time(4, "time_created"),
    ),
)
EVENT = Message(
    21,
    "event",
    (
        _time(TIMESTAMP, "timestamp"),
        Field(0, "event", ENUM),
        Field(1, "event_type", ENUM),
        Field(3, "data", UINT32),
        Field(4, "event_group", UINT8),
    ),
)
RECORD = Message(
    20,
    "record",
    (
        _time(TIMESTAMP, "timestamp"),
        _semicircles(0, "position_lat"),
        _semicircles(1, "position_long"),
        Field(5, "distance", UINT32, scale=100),
        Field(73, "enhanced_speed", UINT32, scale=1000),
        Field(78, "enhanced_altitude", UINT32, scale=5, offset=500),
        Field(3, "heart_rate", UINT8),
        Field(4, "cadence", UINT8),
        Field(53, "fractional_cadence", UINT8, scale=128),
        Field(7, "power", UINT16),
        Field(41, "stance_time", UINT16, scale=10),
        Field(39, "vertical_oscillation", UINT16, scale=10),
        Field(83, "vertical_ratio", UINT16, scale=100),
        Field(85, "step_length", UINT16, scale=10),
        Field(84, "stance_time_balance", UINT16, scale=100),
    ),
)
LAP = Message(
    19,
    "lap",
    (
        _time(TIMESTAMP, "timestamp"),
        _time(2, "start_time"),
        _semicircles(3, "start_position_lat"),
        _semicircles(4, "start_position_long"),
        _semicircles(5, "end_position_lat"),
        _semicircles(6, "end_position_long"),
        Field(7, "total_elapsed_time", UINT32, scale=1000),
        Field(8, "total_timer_time", UINT32, scale=1000),
        Field(9, "total_distance", UINT32, scale=100),
        Field(110, "enhanced_avg_speed", UINT32, scale=1000),
        Field(111, "enhanced_max_speed", UINT32, scale=1000),
        Field(15, "avg_heart_rate", UINT8),
        Field(16, "max_heart_rate", UINT8),
        Field(17, "avg_cadence", UINT8),
        Field(80, "avg_fractional_cadence", UINT8, scale=128),
        Field(MESSAGE_INDEX, "message_index", UINT16),
        Field(0, "event", ENUM),
        Field(1, "event_type", ENUM),
        Field(23, "intensity", ENUM),
        Field(24, "lap_trigger", ENUM),
        Field(25, "sport", ENUM),
        Field(39, "sub_sport", ENUM),
    ),
)
SESSION = Message(
    18,
    "session",
    (
        _time(TIMESTAMP, "timestamp"),
        _time(2, "start_time"),
        _semicircles(3, "start_position_lat"),
        _semicircles(4, "start_position_long"),
        Field(7, "total_elapsed_time", UINT32, scale=1000),
        Field(8, "total_timer_time", UINT32, scale=1000),
        Field(9, "total_distance", UINT32, scale=100),
        Field(124, "enhanced_avg_speed", UINT32, scale=1000),
        Field(125, "enhanced_max_speed", UINT32, scale=1000),
        Field(16, "avg_heart_rate", UINT8),
        Field(17, "max_heart_rate", UINT8),
        Field(18, "avg_cadence", UINT8),
        Field(19, "max_cadence", UINT8),
        Field(92, "avg_fractional_cadence", UINT8, scale=128),
        Field(MESSAGE_INDEX, "message_index", UINT16),
        Field(25, "first_lap_index", UINT16),
        Field(26, "num_laps", UINT16),
        Field(0, "event", ENUM),
        Field(1, "event_type", ENUM),
        Field(5, "sport", ENUM),
        Field(6, "sub_sport", ENUM),
        Field(28, "trigger", ENUM),
    ),
)
ACTIVITY = Message(
    34,
    "activity",
    (
        _time(TIMESTAMP, "timestamp"),
        Field(0, "total_timer_time", UINT32, scale=1000),
        Field(1, "num_sessions", UINT16),
        Field(2, "type", ENUM),
        Field(3, "event", ENUM),
        Field(4, "event_type", ENUM),
        Field(5, "local_timestamp", UINT32, kind="local_date_time"),
    ),
)

# ---- profile enum values -----------------------------------------------------------------------
FILE_ACTIVITY = 4
MANUFACTURER_DEVELOPMENT = 255
EVENT_TIMER = 0
EVENT_SESSION = 8
EVENT_LAP = 9
EVENT_ACTIVITY = 26
EVENT_TYPE_START = 0
EVENT_TYPE_STOP = 1
EVENT_TYPE_STOP_ALL = 4
TIMER_TRIGGER_MANUAL = 0
ACTIVITY_MANUAL = 0
SESSION_TRIGGER_ACTIVITY_END = 0
LAP_TRIGGER_MANUAL = 0
LAP_TRIGGER_DISTANCE = 2
LAP_TRIGGER_SESSION_END = 7
INTENSITY_ACTIVE = 0
INTENSITY_REST = 1
INTENSITY_WARMUP = 2
INTENSITY_COOLDOWN = 3

SPORTS: dict[str, int] = {
    "generic": 0,
    c.SPORT_RUNNING: 1,
    c.SPORT_CYCLING: 2,
    c.SPORT_SWIMMING: 5,
    c.SPORT_WALKING: 11,
    c.SPORT_HIKING: 17,
}
"""FIT ``sport`` values by the names of the project's sport vocabulary."""

SUB_SPORTS: dict[str, int] = {"generic": 0, "treadmill": 1, "street": 2, "trail": 3, "track": 4}
"""FIT ``sub_sport`` values this writer names (the profile has many more)."""

# ---- framing -----------------------------------------------------------------------------------

_CRC_TABLE = (
    0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
    0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400,
)  # fmt: skip


def _nibble_crc(data: bytes, crc: int = 0) -> int:
    for byte in data:
        tmp = _CRC_TABLE[crc & 0xF]
        crc = ((crc >> 4) & 0x0FFF) ^ tmp ^ _CRC_TABLE[byte & 0xF]
        tmp = _CRC_TABLE[crc & 0xF]
        crc = ((crc >> 4) & 0x0FFF) ^ tmp ^ _CRC_TABLE[(byte >> 4) & 0xF]
    return crc


# The SDK's nibble table folded into one entry per byte value: the CRC is linear, so a byte
# at a time gives the same result with half the lookups.
_BYTE_TABLE = tuple(_nibble_crc(bytes([b])) for b in range(256))

_CHUNK = 128
"""Bytes [B] each lane of :func:`fit_crc`'s vectorized pass reads."""


@cache
def _word_table() -> np.ndarray:
    """The byte table applied twice, one entry per little-endian 16-bit word.

    Two bytes shift a 16-bit CRC's state out whole, so the state after them depends only on
    the state XOR the word: ``crc = table[crc ^ word]`` is two byte steps in one lookup.
    """
    byte = np.array(_BYTE_TABLE, dtype=np.uint32)
    word = np.arange(1 << 16, dtype=np.uint32)
    first = byte[word & 0xFF]
    table: np.ndarray = ((first >> 8) ^ byte[((word >> 8) ^ first) & 0xFF]).astype(np.uint16)
    return table


@cache
def _advance_table() -> list[int]:
    """Each state after :data:`_CHUNK` zero bytes: how a CRC carries across one chunk."""
    table = _word_table()
    state = np.arange(1 << 16, dtype=np.uint16)
    for _ in range(_CHUNK // 2):
        state = table[state]
    advanced: list[int] = state.tolist()
    return advanced


def fit_crc(data: bytes, crc: int = 0) -> int:
    """The FIT CRC-16 of ``data``, continuing from ``crc`` (CRC-16/ARC, as the SDK computes it).

    Long data is cut into chunks whose CRCs (each from 0) are computed side by side with
    numpy; the CRC is linear, so the CRC of the whole is each chunk's folded onto the state
    carried across it (:func:`_advance_table`). The tail is read byte by byte.
    """
    whole = len(data) - len(data) % _CHUNK
    if whole >= 32 * _CHUNK:
        words = np.frombuffer(data, dtype="<u2", count=whole // 2).reshape(-1, _CHUNK // 2)
        table = _word_table()
        lanes = np.zeros(len(words), dtype=np.uint16)
        for column in words.T:
            lanes = table[lanes ^ column]
        advance = _advance_table()
        for lane in lanes.tolist():
            crc = advance[crc] ^ lane
        data = data[whole:]
    table_b = _BYTE_TABLE
    for byte in data:
        crc = (crc >> 8) ^ table_b[(crc ^ byte) & 0xFF]
    return crc


def fit_header(
    data_size: int,
    *,
    header_crc: bool = True,
    protocol_version: int = PROTOCOL_VERSION,
    profile_version: int = PROFILE_VERSION,
) -> bytes:
    """The 14-byte file header for ``data_size`` bytes of records [B].

    With ``header_crc=False`` the header CRC is 0x0000, which the protocol reads as "not computed".
    """
    head = struct.pack(
        "<BBHI4s", HEADER_SIZE, protocol_version, profile_version, data_size, b".FIT"
    )
    return head + struct.pack("<H", fit_crc(head) if header_crc else 0)


def fit_file(data: bytes, *, header_crc: bool = True, file_crc: bool = True) -> bytes:
    """Header + records + file CRC. ``file_crc=False`` writes 0x0000, which readers reject."""
    body = fit_header(len(data), header_crc=header_crc) + data
    return body + struct.pack("<H", fit_crc(body) if file_crc else 0)


class FitWriter:
    """Appends definition and data messages; :meth:`to_bytes` frames them as a FIT file."""

    LOCAL_MESSAGES = 16

    def __init__(self) -> None:
        self._data = bytearray()
        self._locals: dict[int, tuple[Message, tuple[Field, ...]]] = {}
        self._slots: dict[tuple[int, tuple[str, ...]], int] = {}
        self._next_local = 0

    @property
    def data(self) -> bytes:
        """The records written so far (no header, no CRC)."""
        return bytes(self._data)

    def define(self, local: int, message: Message, names: Sequence[str]) -> None:
        """Write a definition message binding ``local`` to ``message`` with fields ``names``."""
        if not 0 <= local < self.LOCAL_MESSAGES:
            raise ValueError(f"local message number {local} is not in 0..15")
        fields = tuple(message.field(name) for name in names)
        self._data += struct.pack("<BBBHB", 0x40 | local, 0, 0, message.number, len(fields))
        for f in fields:
            self._data += struct.pack("<BBB", f.number, f.base.size, f.base.code)
        self._locals[local] = (message, fields)
        self._slots = {key: slot for key, slot in self._slots.items() if slot != local}

    def write_data(self, local: int, values: Mapping[str, Any]) -> None:
        """Write a data message under ``local``; fields missing from ``values`` are invalid."""
        message, fields = self._locals[local]
        unknown = sorted(set(values) - {f.name for f in fields})
        if unknown:
            raise KeyError(f"{message.name} local {local} does not define {unknown}")
        fmt = "<B" + "".join(f.base.fmt for f in fields)
        self._data += struct.pack(fmt, local, *(f.encode(values.get(f.name)) for f in fields))

    def write(self, message: Message, values: Mapping[str, Any]) -> None:
        """Write ``values`` as ``message``, defining a local message for this field set if needed.

        Fields are laid out in the order of ``message.fields``; a value of ``None`` or NaN stores
        the field's invalid value.
        """
        names = tuple(f.name for f in message.fields if f.name in values)
        unknown = sorted(set(values) - set(names))
        if unknown:
            raise KeyError(f"{message.name} has no fields {unknown}")
        self.write_data(self._local_for(message, names), values)

    def _local_for(self, message: Message, names: tuple[str, ...]) -> int:
        """The local message bound to ``message`` with fields ``names``, defined if needed."""
        key = (message.number, names)
        local = self._slots.get(key)
        if local is None:
            local = self._next_local
            self._next_local = (self._next_local + 1) % self.LOCAL_MESSAGES
            self.define(local, message, names)
            self._slots[key] = local
        return local

    def write_columns(self, message: Message, raw: Mapping[str, np.ndarray]) -> None:
        """Write one data message per element of the ``raw`` arrays, as :meth:`write` would.

        ``raw`` holds each field's stored integers (:meth:`Field.encode_array`; times as FIT
        seconds), all of one length; the messages are packed with numpy in one go.
        """
        names = tuple(f.name for f in message.fields if f.name in raw)
        unknown = sorted(set(raw) - set(names))
        if unknown:
            raise KeyError(f"{message.name} has no fields {unknown}")
        lengths = {len(values) for values in raw.values()}
        if len(lengths) != 1:
            raise ValueError(f"{message.name} columns differ in length: {sorted(lengths)}")
        count = lengths.pop()
        if count == 0:
            return
        local = self._local_for(message, names)
        fields = self._locals[local][1]
        layout = [("header", "u1")] + [(f.name, "<" + f.base.fmt) for f in fields]
        packed = np.empty(count, dtype=np.dtype(layout))
        packed["header"] = local
        for f in fields:
            packed[f.name] = raw[f.name]
        self._data += packed.tobytes()

    def write_raw(self, data: bytes) -> None:
        """Append bytes as they are (for building damaged files)."""
        self._data += data

    def to_bytes(self, *, header_crc: bool = True, file_crc: bool = True) -> bytes:
        """The complete file; see :func:`fit_file` for the CRC switches."""
        return fit_file(self.data, header_crc=header_crc, file_crc=file_crc)


# ---- activities --------------------------------------------------------------------------------


@runtime_checkable
class SupportsRecords(Protocol):
    """A table that lists its rows as dicts (a pandas DataFrame)."""

    def to_dict(self, orient: Literal["records"]) -> list[dict[Hashable, Any]]: ...


def _rows(samples: Iterable[Mapping[str, Any]] | SupportsRecords) -> list[dict[str, Any]]:
    # iterating a DataFrame yields its column names, so tables are asked for their rows
    records = (
        samples.to_dict(orient="records") if isinstance(samples, SupportsRecords) else list(samples)
    )
    return [{str(k): v for k, v in row.items()} for row in records]


def _utc(value: Any) -> datetime:
    if _missing(value) or not isinstance(value, datetime):
        raise ValueError(f"every sample needs a tz-aware datetime {c.TIMESTAMP}, got {value!r}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{c.TIMESTAMP} {value!r} is naive: give tz-aware times")
    return value.astimezone(UTC)


def _value(row: Mapping[str, Any], column: str) -> float | None:
    value: Any = row.get(column)
    return None if _missing(value) else float(value)


def per_leg_cadence(cadence_spm: float | None) -> tuple[int | None, float | None]:
    """Steps per minute (both feet) as FIT running cadence: whole strides/min and the fraction.

    FIT running cadence counts one leg; ``fractional_cadence`` holds the fraction in 1/128.
    """
    if cadence_spm is None:
        return None, None
    strides = cadence_spm / 2.0
    whole = math.floor(strides)
    fraction = round((strides - whole) * 128) / 128
    if fraction >= 1.0:
        whole, fraction = whole + 1, 0.0
    return whole, fraction


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _fixes(rows: Sequence[Mapping[str, Any]]) -> list[tuple[float, float]]:
    return [
        (float(r[c.LATITUDE_DEG]), float(r[c.LONGITUDE_DEG]))
        for r in rows
        if not _missing(r.get(c.LATITUDE_DEG)) and not _missing(r.get(c.LONGITUDE_DEG))
    ]


_RECORD_COLUMNS = (
    (c.LATITUDE_DEG, "position_lat"),
    (c.LONGITUDE_DEG, "position_long"),
    (c.DISTANCE_M, "distance"),
    (c.SPEED_MPS, "enhanced_speed"),
    (c.ALTITUDE_M, "enhanced_altitude"),
    (c.HEART_RATE_BPM, "heart_rate"),
    (c.POWER_W, "power"),
    (c.GROUND_CONTACT_TIME_MS, "stance_time"),
    (c.VERTICAL_OSCILLATION_MM, "vertical_oscillation"),
    (c.VERTICAL_RATIO_PCT, "vertical_ratio"),
    (c.STEP_LENGTH_MM, "step_length"),
    (c.STANCE_TIME_BALANCE_PCT, "stance_time_balance"),
)


def record_values(row: Mapping[str, Any], columns: Iterable[str]) -> dict[str, Any]:
    """One sample (keys from :mod:`analysis.columns`) as ``record`` field values.

    ``columns`` picks the channels to write, so every record shares one definition; a channel
    the sample lacks is written as invalid.
    """
    wanted = set(columns)
    values: dict[str, Any] = {"timestamp": _utc(row[c.TIMESTAMP])}
    for column, name in _RECORD_COLUMNS:
        if column in wanted:
            value = _value(row, column)
            values[name] = round(value) if value is not None and name == "heart_rate" else value
    if c.CADENCE_SPM in wanted:
        values["cadence"], values["fractional_cadence"] = per_leg_cadence(
            _value(row, c.CADENCE_SPM)
        )
    return values


class _Samples(Protocol):
    """What :func:`encode_activity` reads from its samples, however they are held."""

    def __len__(self) -> int: ...

    def time(self, index: int) -> datetime:
        """The sample's tz-aware UTC time."""
        ...

    def channel(self, column: str, first: int, stop: int) -> list[float]:
        """The values present (not None/NaN) of ``column`` in samples ``first:stop``."""
        ...

    def fix(self, first: int, stop: int, last: bool = False) -> tuple[float, float] | None:
        """(latitude, longitude) [°] of the first (or ``last``) sample of ``first:stop`` that
        has both; None when none has."""
        ...

    def write_records(self, writer: FitWriter, first: int, stop: int) -> None:
        """Write samples ``first:stop`` as ``record`` messages."""
        ...


class _RowSamples:
    """Samples as dicts, encoded one at a time (any values the fields accept)."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        self.times = [_utc(r.get(c.TIMESTAMP)) for r in rows]
        if any(b <= a for a, b in pairwise(self.times)):
            raise ValueError("sample timestamps must be strictly increasing")
        self.columns = [col for col in c.SAMPLE_COLUMNS if any(col in r for r in rows)]

    def __len__(self) -> int:
        return len(self.rows)

    def time(self, index: int) -> datetime:
        return self.times[index]

    def channel(self, column: str, first: int, stop: int) -> list[float]:
        values = (_value(r, column) for r in self.rows[first:stop])
        return [v for v in values if v is not None]

    def fix(self, first: int, stop: int, last: bool = False) -> tuple[float, float] | None:
        fixes = _fixes(self.rows[first:stop])
        return (fixes[-1] if last else fixes[0]) if fixes else None

    def write_records(self, writer: FitWriter, first: int, stop: int) -> None:
        for row in self.rows[first:stop]:
            writer.write(RECORD, record_values(row, self.columns))


_FIT_EPOCH_NS = int(pd.Timestamp(FIT_EPOCH).value)


class _ColumnSamples:
    """A DataFrame's channels as float arrays, every record field encoded up front with numpy.

    The values are those :class:`_RowSamples` would read from the frame's rows (``to_dict``
    yields the same floats), so both write the same bytes.
    """

    def __init__(self, stamps: pd.Series, channels: dict[str, np.ndarray]) -> None:
        self.values = channels
        nanos = stamps.dt.as_unit("ns").array.asi8
        self.nanos = nanos
        if (np.diff(nanos) <= 0).any():
            raise ValueError("sample timestamps must be strictly increasing")
        seconds = (nanos - _FIT_EPOCH_NS) // 1_000_000_000
        stamp_field = RECORD.field("timestamp")
        if ((seconds < stamp_field.base.low) | (seconds > stamp_field.base.high)).any():
            raise ValueError("a sample time does not fit in a FIT date_time")
        self.raw: dict[str, np.ndarray] = {"timestamp": seconds}
        for column, name in _RECORD_COLUMNS:
            if column in channels:
                self.raw[name] = RECORD.field(name).encode_array(channels[column])
        if c.CADENCE_SPM in channels:
            # per_leg_cadence, element-wise: whole strides/min and the fraction in 1/128
            strides = channels[c.CADENCE_SPM] / 2.0
            whole = np.floor(strides)
            eighths = np.rint((strides - whole) * 128)
            carry = eighths >= 128
            whole = np.where(carry, whole + 1, whole)
            eighths = np.where(carry, 0.0, eighths)
            self.raw["cadence"] = RECORD.field("cadence").encode_array(whole)
            self.raw["fractional_cadence"] = RECORD.field("fractional_cadence").encode_array(
                eighths / 128
            )

    @classmethod
    def of(cls, samples: object) -> _ColumnSamples | None:
        """The column view of a DataFrame with a tz-aware ``timestamp`` and plain numeric
        channels; None for anything else (it is encoded row by row)."""
        if not isinstance(samples, pd.DataFrame) or samples.empty:
            return None
        if c.TIMESTAMP not in samples.columns or samples.columns.duplicated().any():
            return None
        stamps = samples[c.TIMESTAMP]
        if not isinstance(stamps.dtype, pd.DatetimeTZDtype) or stamps.isna().any():
            return None
        channels: dict[str, np.ndarray] = {}
        for column in c.SAMPLE_COLUMNS:
            if column == c.TIMESTAMP or column not in samples.columns:
                continue
            dtype = samples[column].dtype
            if not isinstance(dtype, np.dtype) or dtype.kind not in "fiu":
                return None
            values = samples[column].to_numpy(dtype=np.float64)
            if np.isinf(values).any():  # the row path raises its own error for these
                return None
            channels[column] = values
        return cls(stamps.dt.tz_convert(UTC).reset_index(drop=True), channels)

    def __len__(self) -> int:
        return len(self.nanos)

    def time(self, index: int) -> datetime:
        return pd.Timestamp(int(self.nanos[index]), unit="ns", tz=UTC)

    def channel(self, column: str, first: int, stop: int) -> list[float]:
        if column not in self.values:
            return []
        part = self.values[column][first:stop]
        present: list[float] = part[~np.isnan(part)].tolist()
        return present

    def fix(self, first: int, stop: int, last: bool = False) -> tuple[float, float] | None:
        if c.LATITUDE_DEG not in self.values or c.LONGITUDE_DEG not in self.values:
            return None
        lat = self.values[c.LATITUDE_DEG][first:stop]
        lon = self.values[c.LONGITUDE_DEG][first:stop]
        found = np.flatnonzero(~np.isnan(lat) & ~np.isnan(lon))
        if not len(found):
            return None
        at = int(found[-1] if last else found[0])
        return float(lat[at]), float(lon[at])

    def write_records(self, writer: FitWriter, first: int, stop: int) -> None:
        writer.write_columns(RECORD, {name: raw[first:stop] for name, raw in self.raw.items()})


def _summary(
    samples: _Samples, first: int, stop: int, start: datetime, end: datetime
) -> dict[str, Any]:
    """Totals of samples ``first:stop`` from ``start`` to ``end``, named as lap/session fields.

    Averages are over samples (the writer's callers sample at a fixed interval); standing
    samples (0 steps/min) stay out of the average cadence, as watches do.
    """
    hr = samples.channel(c.HEART_RATE_BPM, first, stop)
    cad = [v for v in samples.channel(c.CADENCE_SPM, first, stop) if v > 0]
    speed = samples.channel(c.SPEED_MPS, first, stop)
    dist = samples.channel(c.DISTANCE_M, first, stop)
    seconds = (end - start).total_seconds()
    distance = dist[-1] - dist[0] if dist else None
    avg_cad, frac_cad = per_leg_cadence(_mean(cad))
    fix = samples.fix(first, stop)
    avg_hr = _mean(hr)
    return {
        "timestamp": end,
        "start_time": start,
        "start_position_lat": fix[0] if fix else None,
        "start_position_long": fix[1] if fix else None,
        "total_elapsed_time": seconds,
        "total_timer_time": seconds,
        "total_distance": distance,
        "enhanced_avg_speed": distance / seconds if distance is not None and seconds > 0 else None,
        "enhanced_max_speed": max(speed) if speed else None,
        "avg_heart_rate": round(avg_hr) if avg_hr is not None else None,
        "max_heart_rate": round(max(hr)) if hr else None,
        "avg_cadence": avg_cad,
        "avg_fractional_cadence": frac_cad,
    }


def encode_activity(
    samples: Iterable[Mapping[str, Any]] | SupportsRecords,
    *,
    utc_offset_s: int,
    start_utc: datetime | None = None,
    sport: str = c.SPORT_RUNNING,
    sub_sport: str = "generic",
    lap_starts: Sequence[int] = (),
    lap_trigger: int = LAP_TRIGGER_DISTANCE,
    manufacturer: int = MANUFACTURER_DEVELOPMENT,
    product: int = 1,
    serial_number: int = 3_900_000_001,
) -> bytes:
    """A complete FIT activity file from per-sample values.

    Parameters
    ----------
    samples
        Rows with a tz-aware ``timestamp`` and any of ``latitude_deg``, ``longitude_deg`` [°],
        ``distance_m`` [m] (cumulative), ``speed_mps`` [m/s], ``altitude_m`` [m],
        ``heart_rate_bpm`` [1/min], ``cadence_spm`` [steps/min, both feet], ``power_w`` [W];
        a list of dicts or a DataFrame. ``None``/NaN is written as FIT's invalid value. A
        DataFrame whose ``timestamp`` is tz-aware and whose channels are plain numeric columns
        is encoded column-wise (the same bytes, many times faster).
    utc_offset_s
        Local time minus UTC at the activity [s]; stored as ``activity.local_timestamp``.
    start_utc
        When the timer started (default: the first sample).
    sport, sub_sport
        Names from :data:`SPORTS` and :data:`SUB_SPORTS`.
    lap_starts
        Indices of the samples that open a new lap (0 is implied); a lap ends where the next
        begins.
    lap_trigger
        FIT ``lap_trigger`` of every lap but the last, which ends with the session.
    manufacturer, product, serial_number
        ``file_id`` identity; the default manufacturer is FIT's "development".

    Returns
    -------
    bytes
        file_id, timer start event, records with a lap message after each lap, timer stop
        event, session, activity; header and file CRC included.
    """
    columnar = _ColumnSamples.of(samples)
    rows: _Samples = columnar if columnar is not None else _RowSamples(_rows(samples))
    count = len(rows)
    if not count:
        raise ValueError("an activity needs at least one sample")
    start = start_utc.astimezone(UTC) if start_utc is not None else rows.time(0)
    end = rows.time(count - 1)
    if start > rows.time(0):
        raise ValueError("start_utc is after the first sample")
    bounds = sorted({0, *lap_starts})
    if bounds[-1] >= count or bounds[0] < 0:
        raise ValueError(f"lap starts {list(lap_starts)} outside 0..{count - 1}")
    sport_id, sub_sport_id = SPORTS[sport], SUB_SPORTS[sub_sport]

    w = FitWriter()
    w.write(
        FILE_ID,
        {
            "type": FILE_ACTIVITY,
            "manufacturer": manufacturer,
            "product": product,
            "serial_number": serial_number,
            "time_created": start,
        },
    )
    timer = {"event": EVENT_TIMER, "data": TIMER_TRIGGER_MANUAL, "event_group": 0}
    w.write(EVENT, {"timestamp": start, "event_type": EVENT_TYPE_START, **timer})
    lap_ends = [*bounds[1:], count - 1]
    for index, (first, last) in enumerate(zip(bounds, lap_ends, strict=True)):
        final = index == len(bounds) - 1
        rows.write_records(w, first, count if final else last)
        end_fix = rows.fix(first, last + 1, last=True)
        lap_start = start if index == 0 else rows.time(first)
        w.write(
            LAP,
            {
                **_summary(rows, first, last + 1, lap_start, rows.time(last)),
                "end_position_lat": end_fix[0] if end_fix else None,
                "end_position_long": end_fix[1] if end_fix else None,
                "message_index": index,
                "event": EVENT_LAP,
                "event_type": EVENT_TYPE_STOP,
                "intensity": INTENSITY_ACTIVE,
                "lap_trigger": LAP_TRIGGER_SESSION_END if final else lap_trigger,
                "sport": sport_id,
                "sub_sport": sub_sport_id,
            },
        )
    w.write(EVENT, {"timestamp": end, "event_type": EVENT_TYPE_STOP_ALL, **timer})
    max_cad = rows.channel(c.CADENCE_SPM, 0, count)
    w.write(
        SESSION,
        {
            **_summary(rows, 0, count, start, end),
            "max_cadence": per_leg_cadence(max(max_cad))[0] if max_cad else None,
            "message_index": 0,
            "first_lap_index": 0,
            "num_laps": len(bounds),
            "event": EVENT_SESSION,
            "event_type": EVENT_TYPE_STOP,
            "sport": sport_id,
            "sub_sport": sub_sport_id,
            "trigger": SESSION_TRIGGER_ACTIVITY_END,
        },
    )
    w.write(
        ACTIVITY,
        {
            "timestamp": end,
            "total_timer_time": (end - start).total_seconds(),
            "num_sessions": 1,
            "type": ACTIVITY_MANUAL,
            "event": EVENT_ACTIVITY,
            "event_type": EVENT_TYPE_STOP,
            "local_timestamp": (end + timedelta(seconds=utc_offset_s)).replace(tzinfo=None),
        },
    )
    return w.to_bytes()
