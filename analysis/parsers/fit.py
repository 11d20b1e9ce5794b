"""FIT activity files to :class:`~analysis.parsers.base.ParsedActivity`, through ``fitparse``.

Rules
-----
- One :class:`ParsedActivity` per ``session`` message (``leg`` counts them through the file): a
  triathlon gives its swim, transitions, ride and run. With several sessions, a record belongs to
  the last session that started at or before it, so every record lands in exactly one leg (a
  pause between legs stays with the earlier leg). A file without sessions (cut short before the
  watch wrote its summary) is one activity over all its records.
- Record fields map to our columns through :data:`RECORD_FIELDS`; ``enhanced_speed`` and
  ``enhanced_altitude`` win over ``speed`` and ``altitude`` where both are present.
  Coordinates are semicircles: degrees = semicircles x 180 / 2**31.
- Cadence: FIT counts one leg for on-foot sports (strides per minute), so running, walking and
  hiking get ``cadence_spm = 2 x (cadence + fractional_cadence)`` and a fix note. For every
  other sport the field is pedal revolutions or swim strokes, not steps, and ``cadence_spm``
  stays NaN. A ``generic``/``training`` session counts as on foot when its sub-sport (treadmill,
  trail ...) or the file's ``sport`` message says so.
- Sport, distance, elapsed and timer time come from the session (``total_distance``,
  ``total_elapsed_time``, ``total_timer_time``; the timer stops on pause, so it is the moving
  time). Without a timer time the timer ``event`` messages give it; without those it stays None
  and the summary derives it from speed. Without an elapsed time: first to last record.
- Local time: the ``activity`` message's ``local_timestamp`` minus its ``timestamp`` is the UTC
  offset, rounded to 15 minutes (None when absent or outside UTC-12..UTC+14). An offset of
  exactly zero on a leg with GPS fixes is left None: some writers copy the UTC time into
  ``local_timestamp`` (COROS), and the zone at the first fix is then the better source (it
  still gives +00:00 where that is the true local time).
- Heart rate kept in ``hr`` messages (pool swims, HRM-Pro, HRM plugins) is merged into the
  records that have none; see :func:`merge_heart_rate`.
- Chained files (several FIT files back to back) are read part by part. A part without a
  ``file_id`` continues the one before (Garmin writes swim HR that way). A part that is damaged
  (bad header, CRC mismatch, undecodable message) is dropped with a fix note when another part
  still holds an activity; when none does the file is refused with the first part's reason.
  Parts of another file type (settings after an activity) are skipped.
- A file cut short (the transfer or the watch stopped mid-write) keeps the records read before
  the cut, with a fix note; it is refused as "truncated FIT file" only when no record survives.
  A CRC mismatch or an undefined local message type is refused: the bytes are known to be wrong
  and, for the latter, everything after the bad message is unreadable.
- Times below 0x10000000 are seconds since the device powered on (FR70 and other watches
  without a set clock). When the ``activity`` message pairs such a time with an absolute
  ``local_timestamp``, the activity is placed on the local clock, its UTC offset unknown
  (``start_time_local`` is set, timestamps carry local wall-clock time); otherwise refused.
- Non-activity files (``file_id.type`` settings, workout, weight, monitoring, course ...) and
  files with fewer than two timed records are refused as "not an activity file".
- Developer fields (a Connect IQ app's own figures: a Stryd pod's power, ground time and
  vertical oscillation) are read by the name and units their ``field_description`` gives, never
  by their developer index or number, through :data:`DEVELOPER_RECORD_FIELDS`, converted to
  the standard field's unit. They fill a column only in a leg where the standard field has no
  value at all (a watch's own power is not mixed with a pod's, sample by sample), with a fix
  note; other developer fields are ignored.
- Speed: each part is read by the vectorized decoder of :mod:`analysis.parsers.fit_fast`,
  whose values equal fitparse's (a test compares both on every corpus file and on random
  streams). Where it cannot promise that (record fields stored as arrays or bytes, layouts
  fitparse itself fails on), it declines: the part is read by fitparse, the reference decoder,
  and a fix note says so. A fault of the fast decoder (a bug, never a way of declining) is
  logged with its traceback and the part read the same way, so the user still gets the file.
  :func:`decode_parts` is that decoding stage on its own.

References
----------
Garmin, *FIT Protocol* and *FIT Profile* (FIT SDK 21.x), https://developer.garmin.com/fit/ :
file header and CRC, chained files, compressed timestamps, system time below 0x10000000,
semicircles, ``hr`` message ``event_timestamp_12`` packing.
"""

from __future__ import annotations

import io
import logging
import math
import struct
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import fitparse
import numpy as np
from fitparse.profile import FIELD_TYPE_TIMESTAMP, MESSAGE_TYPES
from fitparse.records import DevFieldDefinition
from fitparse.utils import FitCRCError, FitEOFError, FitHeaderError, FitParseError

from analysis import columns as c
from analysis.errors import ParseError, SchemaError
from analysis.limits import ImportLimits, current_limits
from analysis.parsers import fit_fast
from analysis.parsers.base import ParsedActivity

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)

FORMAT_FIT = "fit"

RECORD_FIELDS: dict[str, str] = {
    "timestamp": c.TIMESTAMP,  # [s since 1989-12-31 UTC]
    "position_lat": c.LATITUDE_DEG,  # [semicircles]
    "position_long": c.LONGITUDE_DEG,  # [semicircles]
    "distance": c.DISTANCE_M,  # [m], cumulative
    "enhanced_speed": c.SPEED_MPS,  # [m/s], wins over speed
    "speed": c.SPEED_MPS,  # [m/s]
    "enhanced_altitude": c.ALTITUDE_M,  # [m], wins over altitude
    "altitude": c.ALTITUDE_M,  # [m]
    "heart_rate": c.HEART_RATE_BPM,  # [1/min]
    "cadence": c.CADENCE_SPM,  # one leg [1/min] when on foot; rpm or strokes otherwise
    "fractional_cadence": c.CADENCE_SPM,  # [1/min], added to cadence
    "power": c.POWER_W,  # [W]
    "stance_time": c.GROUND_CONTACT_TIME_MS,  # [ms]
    "vertical_oscillation": c.VERTICAL_OSCILLATION_MM,  # [mm]
    "vertical_ratio": c.VERTICAL_RATIO_PCT,  # [%]
    "step_length": c.STEP_LENGTH_MM,  # [mm]
    "stance_time_balance": c.STANCE_TIME_BALANCE_PCT,  # [% left]
}
"""FIT ``record`` field name to our column. Where two fields feed one column, the first listed
wins (``enhanced_*``), except ``fractional_cadence``, which is added to ``cadence``."""

DEVELOPER_RECORD_FIELDS: dict[str, tuple[tuple[str, ...], dict[str, float]]] = {
    "power": (("power",), {"watts": 1.0, "watt": 1.0, "w": 1.0}),
    "stance_time": (
        ("ground time", "ground contact time", "stance time"),
        {"milliseconds": 1.0, "millisecond": 1.0, "ms": 1.0},
    ),
    "vertical_oscillation": (
        ("vertical oscillation",),
        {
            "centimeters": 10.0,
            "centimetres": 10.0,
            "cm": 10.0,
            "millimeters": 1.0,
            "millimetres": 1.0,
            "mm": 1.0,
        },
    ),
}
"""Developer ``record`` fields that stand in for a standard one: the standard field's name to
the developer field names it goes by and, per unit they may be stated in, the factor to the
standard field's unit ([W], [ms], [mm]). Names and units compare without case or extra spaces
(:func:`fit_fast.developer_key`); a field in units not listed is not read. A leg takes a
developer field only when it has no value of the standard one and some reading above zero (the
app writes zeros throughout when its pod is not paired). Stryd's Connect IQ
field writes ``Power`` [Watts], ``Ground Time`` [Milliseconds] and ``Vertical Oscillation``
[Centimeters] (``Form Power``, ``Air Power``, ``Leg Spring Stiffness`` have no column)."""

DEVELOPER_PREFIX = "developer_"
"""Record slots of developer fields are named after the standard field: ``developer_power``."""

DEVELOPER_FIELDS: dict[tuple[str, str], tuple[str, float]] = {
    fit_fast.developer_key(name, units): (DEVELOPER_PREFIX + standard, factor)
    for standard, (names, units_of) in DEVELOPER_RECORD_FIELDS.items()
    for name in names
    for units, factor in units_of.items()
}
"""(name, units) as compared to (record slot, factor): what both decoders are given."""

DYNAMICS_COLUMNS = (
    c.GROUND_CONTACT_TIME_MS,
    c.VERTICAL_OSCILLATION_MM,
    c.VERTICAL_RATIO_PCT,
    c.STEP_LENGTH_MM,
    c.STANCE_TIME_BALANCE_PCT,
)
"""Running dynamics: standard ``record`` fields, kept as the file has them (a Stryd pod's ground
time and vertical oscillation come from its developer fields where the standard ones are absent,
see :data:`DEVELOPER_RECORD_FIELDS`)."""

FIT_SPORTS: dict[str, str] = {
    "running": c.SPORT_RUNNING,
    "walking": c.SPORT_WALKING,
    "hiking": c.SPORT_HIKING,
    "cycling": c.SPORT_CYCLING,
    "e_biking": c.SPORT_CYCLING,
    "swimming": c.SPORT_SWIMMING,
    "hiit": c.SPORT_CROSS_TRAINING,
    "mobility": c.SPORT_MOBILITY,
}
"""FIT ``sport`` enum to our vocabulary; every other value becomes ``other``."""

FIT_SUB_SPORTS: dict[str, str] = {
    "treadmill": c.SPORT_RUNNING,
    "street": c.SPORT_RUNNING,
    "trail": c.SPORT_RUNNING,
    "track": c.SPORT_RUNNING,
    "indoor_running": c.SPORT_RUNNING,
    "indoor_walking": c.SPORT_WALKING,
    "casual_walking": c.SPORT_WALKING,
    "speed_walking": c.SPORT_WALKING,
    # a watch's gym activities: sport training or fitness_equipment with one of these
    "strength_training": c.SPORT_STRENGTH,
    "flexibility_training": c.SPORT_MOBILITY,
    "yoga": c.SPORT_MOBILITY,
    "pilates": c.SPORT_MOBILITY,
    "cardio_training": c.SPORT_CROSS_TRAINING,
    "hiit": c.SPORT_CROSS_TRAINING,
    "elliptical": c.SPORT_CROSS_TRAINING,
    "stair_climbing": c.SPORT_CROSS_TRAINING,
    "indoor_rowing": c.SPORT_CROSS_TRAINING,
}
"""Sub-sports that say what was done when the session's sport is only ``generic``/``training``
(on foot, or strength, mobility and cross-training work)."""

VAGUE_FIT_SPORTS = frozenset({"generic", "training", "fitness_equipment", "all"})
"""Session sports that do not say what was done; the sub-sport or the file's sport decides."""

GYM_FIT_SPORTS = frozenset({"training", "fitness_equipment"})
"""Vague sports that still say the session was not a run, a ride or a swim: when neither the
sub-sport nor the file's sport says more, they are cross-training (conditioning work, counted
with the strength and mobility sessions), never ``other``."""

ON_FOOT = frozenset({c.SPORT_RUNNING, c.SPORT_WALKING, c.SPORT_HIKING})
"""Sports whose FIT cadence counts one leg's strides."""

FIT_EPOCH_S = 631_065_600
"""1989-12-31 00:00:00 UTC as a Unix time [s]: FIT ``date_time`` counts from there."""

SYSTEM_TIME_LIMIT = 0x10000000
"""FIT ``date_time`` values below this are seconds since device power-on, not clock time."""

SEMICIRCLE_DEG = 180.0 / 2**31
"""Degrees per semicircle."""

OFFSET_STEP_S = 900
"""UTC offsets are rounded to 15 minutes (every zone in use is a multiple of it)."""

MAX_OFFSET_S = (-12 * 3600, 14 * 3600)
"""The offsets zones in use span; a ``local_timestamp`` outside this range is a placeholder."""

MAX_SESSIONS = 100
"""Sessions (legs) one activity file may hold: a triathlon has five, a multisport day a dozen.
Each becomes an activity, and a leg's work grows with the whole file's records and laps, so a
file of tiny session messages (25 bytes each) would otherwise take minutes and gigabytes."""

HR_STEP_S = 0.25
"""``hr`` readings are repeated at this interval over the gap to the next one [s] ..."""

HR_MAX_REPEATS = 20
"""... at most this many times (5 s), as the FIT SDK does before merging them into records."""

EVENT_TIMESTAMP_UNITS = 1024
"""``hr.event_timestamp`` counts 1/1024 s."""

_TIMER_STOPS = frozenset({"stop", "stop_all", "stop_disable", "stop_disable_all"})

# global message numbers of the FIT profile
_FILE_ID, _SPORT, _SESSION, _LAP, _RECORD, _EVENT, _ACTIVITY, _HR = 0, 12, 18, 19, 20, 21, 34, 132

_REASON_EMPTY = "empty file"
_REASON_HEADER = "not a FIT file (bad header)"
_REASON_TRUNCATED = "truncated FIT file"
_REASON_CRC = "FIT file CRC mismatch (file is corrupt)"
_REASON_UNDEFINED = "FIT file uses an undefined message type (file is corrupt)"
_REASON_CORRUPT = "FIT file is corrupt (a message could not be decoded)"

DEVELOPER_SLOTS: tuple[str, ...] = tuple(
    DEVELOPER_PREFIX + name for name in DEVELOPER_RECORD_FIELDS
)
"""The record slots of developer fields, after those of :data:`RECORD_FIELDS`."""
_SLOTS: tuple[str, ...] = (*RECORD_FIELDS, *DEVELOPER_SLOTS)
_SLOT = {fit_name: i for i, fit_name in enumerate(_SLOTS)}


def _slot_by_field() -> dict[Any, int]:
    """Record slot for each of fitparse's profile field objects (compared by identity).

    Component fields (``speed`` expanded from ``compressed_speed_distance``, ``enhanced_speed``
    from ``speed``) point at the same profile objects, and the timestamp of a compressed-time
    header at ``FIELD_TYPE_TIMESTAMP``; developer fields never match.
    """
    fields = MESSAGE_TYPES[_RECORD].fields
    slots = {f: _SLOT[f.name] for f in fields.values() if f.name in _SLOT}
    slots[FIELD_TYPE_TIMESTAMP] = _SLOT["timestamp"]
    return slots


_SLOT_BY_FIELD = _slot_by_field()


MESSAGE_FIELDS: dict[int, tuple[str, ...]] = {
    _FILE_ID: ("type",),
    _SPORT: ("sport", "sub_sport"),
    _SESSION: (
        "sport",
        "sub_sport",
        "start_time",
        "total_elapsed_time",
        "total_timer_time",
        "total_distance",
        "avg_heart_rate",
        "max_heart_rate",
        "avg_cadence",
        "avg_fractional_cadence",
        "total_ascent",
    ),
    _LAP: (
        "sport",
        "sub_sport",
        "start_time",
        "total_elapsed_time",
        "total_timer_time",
        "total_distance",
    ),
    _EVENT: ("event", "event_type", "timestamp"),
    _ACTIVITY: ("timestamp", "local_timestamp"),
}
"""The fields read from each summary message, as fitparse's values (enum names, scaled). Both
decoders keep only these, so the parser cannot come to depend on a field one of them lacks."""

HR_FIELDS: tuple[str, ...] = (
    "timestamp",
    "fractional_timestamp",
    "time256",
    "event_timestamp",
    "event_timestamp_12",
    "filtered_bpm",
)
"""The fields read from ``hr`` messages, as stored (see :func:`heart_rate_beats`)."""

FAST_PATH_DECLINED = "read with the reference FIT decoder (fast path declined: {reason})"
"""Fix note for a file (or chained part) the fast decoder left to fitparse."""

FAST_PATH_FAILED = "the fast decoder failed ({error})"
"""The decline reason when the fast decoder raised something other than a decline (a bug)."""


@dataclass
class FitPart:
    """What one chained part (or a whole plain file) holds, values as decoded.

    ``records`` holds blocks of record columns (:data:`RECORD_FIELDS` names and
    :data:`DEVELOPER_SLOTS` to float64, FIT times in seconds, NaN where the file has no valid
    value), in file order; the summary
    messages hold :data:`MESSAGE_FIELDS`, ``hr`` messages :data:`HR_FIELDS`. ``stop`` is the
    reason decoding stopped early (None: it read to the end), ``declined`` why the fast decoder
    left the part to fitparse (None: it did not).
    """

    stop: str | None = None
    declined: str | None = None
    file_type: Any = None
    has_file_id: bool = False
    records: list[dict[str, np.ndarray]] = field(default_factory=list)
    sessions: list[dict[str, Any]] = field(default_factory=list)
    laps: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    sports: list[dict[str, Any]] = field(default_factory=list)
    activities: list[dict[str, Any]] = field(default_factory=list)
    hr: list[dict[str, Any]] = field(default_factory=list)
    units: int = 0  # counted against the message limit (fit_fast.message_units)

    @property
    def record_count(self) -> int:
        return sum(len(block["timestamp"]) for block in self.records)

    def extend(self, other: FitPart) -> None:
        """Append a continuation part (chained without its own ``file_id``)."""
        self.records.extend(other.records)
        self.sessions.extend(other.sessions)
        self.laps.extend(other.laps)
        self.events.extend(other.events)
        self.sports.extend(other.sports)
        self.activities.extend(other.activities)
        self.hr.extend(other.hr)


def _values(message: Any, keep: Iterable[str]) -> dict[str, Any]:
    """Native field values of a message by name; a subfield also under its parent's name.

    Only the names in ``keep`` are returned (:data:`MESSAGE_FIELDS`).
    """
    wanted = set(keep)
    out: dict[str, Any] = {}
    for fd in message.fields:
        if fd.field is None or isinstance(fd.field_def, DevFieldDefinition):
            continue
        if fd.value is None:
            continue
        out.setdefault(fd.field.name, fd.value)
        if fd.parent_field is not None:
            out.setdefault(fd.parent_field.name, fd.value)
    return {k: v for k, v in out.items() if k in wanted}


def _hr_values(message: Any) -> dict[str, Any]:
    """An ``hr`` message's fields as stored (raw integers, arrays as tuples).

    fitparse expands ``event_timestamp_12`` with an accumulator that does not start from the
    anchor message's ``event_timestamp``, so those expansions are ignored and the packed bytes
    are decoded in :func:`heart_rate_beats`. Only :data:`HR_FIELDS` are returned.
    """
    out: dict[str, Any] = {}
    for fd in message.fields:
        if fd.field_def is None or fd.field is None or fd.raw_value is None:
            continue
        out[fd.field.name] = fd.raw_value
    return {k: v for k, v in out.items() if k in HR_FIELDS}


def _record_block(rows: list[list[Any]]) -> dict[str, np.ndarray]:
    """Rows of :data:`RECORD_FIELDS` values as float64 columns (None, arrays, text: NaN)."""
    table: list[tuple[Any, ...]] = list(zip(*rows, strict=True)) if rows else [()] * len(_SLOTS)
    return {name: _floats(table[slot]) for name, slot in _SLOT.items()}


def _decode_part(part: bytes, max_messages: int | None = None) -> FitPart:
    """Decode one FIT part with fitparse, the reference decoder.

    Raises :class:`fit_fast.TooManyMessages` at the first message past ``max_messages`` units
    (counted as the fast decoder counts them, :func:`fit_fast.message_units`).
    """
    out = FitPart()
    rows: list[list[Any]] = []
    out.stop = _decode_messages(part, out, rows, max_messages)
    out.records.append(_record_block(rows))
    return out


def _units(message: Any, sizes: dict[int, int]) -> int:
    """What a message fitparse read counts against the message limit (``sizes``: a cache)."""
    definition = message.def_mesg
    if definition.mesg_num not in MESSAGE_FIELDS and definition.mesg_num != _HR:
        return 1
    size = sizes.get(id(definition))
    if size is None:
        fields = [*definition.field_defs, *(definition.dev_field_defs or ())]
        size = sizes[id(definition)] = sum(int(fd.size) for fd in fields)
    return fit_fast.message_units(size, one_by_one=True)


def _decode_messages(
    part: bytes, out: FitPart, rows: list[list[Any]], max_messages: int | None = None
) -> str | None:
    """Fill ``out`` (and the record ``rows``) from fitparse's messages; returns the stop reason.

    Every message is counted as it arrives (fitparse keeps none of them itself), so a file of
    tiny messages is refused at the first one past ``max_messages`` units, not once read.
    """
    slot_by_field = _SLOT_BY_FIELD
    width = len(_SLOTS)
    sizes: dict[int, int] = {}
    developer: dict[tuple[Any, int], tuple[int, float] | None] = {}
    limit = math.inf if max_messages is None else max_messages
    try:
        with warnings.catch_warnings():
            # fitparse warns about misaligned fields and cut files; both are handled here
            warnings.simplefilter("ignore")
            # the bare decoder: values scaled and enums named, dates left as FIT seconds
            # (fitparse's data processors would build a datetime per field and halve the speed)
            fit = fitparse.FitFileDecoder(io.BytesIO(part), check_developer_data=False)
            for message in fit.get_messages():
                out.units += _units(message, sizes)
                if out.units > limit:
                    raise fit_fast.TooManyMessages(int(limit))
                num = message.def_mesg.mesg_num
                if num == _RECORD:
                    row: list[Any] = [None] * width
                    for fd in message.fields:
                        slot = slot_by_field.get(fd.field)
                        if slot is None and fd.value is not None:
                            if isinstance(fd.field_def, DevFieldDefinition):
                                _developer_value(row, fd, developer)
                            continue
                        if slot is None or fd.value is None:
                            continue
                        # a field the file wrote wins over one expanded from another field
                        # (``enhanced_speed`` also comes out of ``speed``'s components)
                        if row[slot] is None or fd.field_def is not None:
                            row[slot] = fd.value
                    rows.append(row)
                elif num == _HR:
                    out.hr.append(_hr_values(message))
                elif num == _FILE_ID:
                    if not out.has_file_id:
                        out.file_type = _values(message, MESSAGE_FIELDS[_FILE_ID]).get("type")
                    out.has_file_id = True
                elif num in MESSAGE_FIELDS:
                    _messages_of(out, num).append(_values(message, MESSAGE_FIELDS[num]))
    except fit_fast.TooManyMessages:
        raise
    except FitEOFError:
        return _REASON_TRUNCATED
    except FitCRCError:
        return _REASON_CRC
    except FitHeaderError:
        return _REASON_HEADER
    except FitParseError as err:
        if "invalid local message type" in str(err):
            return _REASON_UNDEFINED
        return _REASON_CORRUPT
    except Exception:
        # fitparse trips over some corrupt bytes with struct/Key/Index errors: same meaning
        return _REASON_CORRUPT
    return None


def _developer_value(
    row: list[Any], fd: Any, known: dict[tuple[Any, int], tuple[int, float] | None]
) -> None:
    """Put a developer field's value into its record slot (a later field of one slot wins).

    ``known`` caches the slot and factor of each developer field and size (fitparse gives one
    object per description, so a field described anew is looked up anew).
    """
    key = (fd.field, fd.field_def.size)
    if key not in known:
        target = DEVELOPER_FIELDS.get(fit_fast.developer_key(fd.field.name, fd.field.units))
        scalar = fit_fast.developer_scalar(fd.field.type, fd.field_def.size)
        known[key] = (_SLOT[target[0]], target[1]) if target and scalar else None
    slot = known[key]
    if slot is not None and isinstance(fd.value, int | float):
        row[slot[0]] = float(fd.value) * slot[1]


def _messages_of(part: FitPart, num: int) -> list[dict[str, Any]]:
    """The list of ``part`` that holds messages of global number ``num``."""
    lists = {
        _SESSION: part.sessions,
        _LAP: part.laps,
        _EVENT: part.events,
        _ACTIVITY: part.activities,
        _SPORT: part.sports,
        _HR: part.hr,
    }
    return lists[num]


_FAST_STOPS = {
    fit_fast.Stop.TRUNCATED: _REASON_TRUNCATED,
    fit_fast.Stop.CRC: _REASON_CRC,
    fit_fast.Stop.UNDEFINED: _REASON_UNDEFINED,
}


def _decode_part_fast(part: bytes, max_messages: int | None = None) -> FitPart:
    """Decode one FIT part with the vectorized decoder; :class:`fit_fast.Declined` and
    :class:`fit_fast.TooManyMessages` pass."""
    fast = fit_fast.decode(
        part, _SLOTS, MESSAGE_FIELDS, {_HR: HR_FIELDS}, max_messages, DEVELOPER_FIELDS
    )
    out = FitPart(None if fast.stop is None else _FAST_STOPS[fast.stop], records=[fast.records])
    out.units = fast.units
    for num, messages in fast.messages.items():
        if num == _FILE_ID:
            out.file_type = messages[0].get("type")
            out.has_file_id = True
        else:
            _messages_of(out, num).extend(messages)
    return out


def decode_parts(
    data: bytes, fast: bool = True, max_messages: int | None = None
) -> tuple[list[FitPart], int]:
    """Decode every chained part of a FIT file: the decoding stage of :func:`read_fit`.

    Parameters
    ----------
    data
        The file's bytes.
    fast
        Read parts with the vectorized decoder (:mod:`analysis.parsers.fit_fast`), fitparse
        where it declines (or fails); False reads every part with fitparse, the reference
        decoder.
    max_messages
        The most message units (:func:`fit_fast.message_units`) the whole file may hold, every
        part together; None: no limit.

    Returns
    -------
    tuple
        The decoded parts in file order, and how many bytes after the last part do not start
        a FIT part. Damage is reported in each part's ``stop``, never raised.

    Raises
    ------
    fit_fast.TooManyMessages
        Past ``max_messages``, whichever decoder counted it (naming the whole file's limit).
    """
    raw_parts, junk = split_chained(data)
    out: list[FitPart] = []
    try:
        for raw in raw_parts:
            left = None if max_messages is None else max_messages - sum(p.units for p in out)
            out.append(_decode_one(raw, fast, left))
    except fit_fast.TooManyMessages:
        raise fit_fast.TooManyMessages(max_messages or 0) from None
    return out, junk


def _decode_one(raw: bytes, fast: bool, max_messages: int | None) -> FitPart:
    """One part, by the fast decoder or fitparse (see :func:`decode_parts`)."""
    if not fast:
        return _decode_part(raw, max_messages)
    try:
        return _decode_part_fast(raw, max_messages)
    except fit_fast.TooManyMessages:
        raise  # fitparse would spend more on the same messages: the file is refused
    except fit_fast.Declined as why:
        # the fast decoder's own word that it cannot promise fitparse's result
        reason = why.reason
    except Exception as err:
        # a bug, never a way of declining: the user still gets the file (read by fitparse,
        # with a note saying so), the log gets the traceback, and the fuzzing suite fails
        log.warning("the fast FIT decoder failed; reading the part with fitparse", exc_info=True)
        reason = FAST_PATH_FAILED.format(error=type(err).__name__)
    part = _decode_part(raw, max_messages)
    part.declined = reason
    return part


def split_chained(data: bytes) -> tuple[list[bytes], int]:
    """Cut a FIT file into its chained parts by their headers.

    Returns
    -------
    tuple
        The parts (the last one may be cut short) and how many bytes after the last part do not
        start a FIT header (0 when the file ends cleanly or with zero padding).
    """
    parts: list[bytes] = []
    pos = 0
    while pos < len(data):
        rest = data[pos:]
        header_size = rest[0]
        if len(rest) < 12 or header_size < 12 or rest[8:12] != b".FIT":
            return parts, 0 if not rest.strip(b"\x00") else len(rest)
        (data_size,) = struct.unpack_from("<I", rest, 4)
        end = pos + header_size + data_size + 2  # the file CRC closes every part
        parts.append(data[pos:end])
        pos = end
    return parts, 0


def _to_unix(fit_seconds: Any, shift: float) -> float:
    """A FIT ``date_time`` as Unix seconds; device-relative times moved by ``shift``."""
    if not isinstance(fit_seconds, int | float) or fit_seconds < 0:
        return math.nan
    if fit_seconds < SYSTEM_TIME_LIMIT:
        if math.isnan(shift):
            return math.nan
        return float(fit_seconds) + shift + FIT_EPOCH_S
    return float(fit_seconds) + FIT_EPOCH_S


def _utc(unix_s: float) -> pd.Timestamp:
    import pandas as pd

    return pd.Timestamp(unix_s, unit="s", tz="UTC")


def _floats(values: Sequence[Any]) -> np.ndarray:
    """A column of decoded values as float64; None, arrays and text become NaN."""
    import pandas as pd

    series = pd.to_numeric(pd.Series(values, dtype="object"), errors="coerce")
    return np.asarray(series.to_numpy(dtype="float64", na_value=np.nan))


def _unpack_12bit(packed: Sequence[int], count: int) -> list[int]:
    """The 12-bit values packed little-endian, least significant bits first."""
    number = int.from_bytes(bytes(packed), "little")
    available = len(packed) * 8 // 12
    return [(number >> (12 * i)) & 0xFFF for i in range(min(count, available))]


def heart_rate_beats(hr_messages: Iterable[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray]:
    """Heart rate readings of ``hr`` messages as absolute times.

    An anchor message carries ``timestamp`` (+ ``fractional_timestamp`` or ``time256``), one
    ``event_timestamp`` and one ``filtered_bpm``; the messages after it carry up to eight
    readings, their event times as 12-bit counters of 1/1024 s packed into
    ``event_timestamp_12`` (or as full ``event_timestamp`` arrays). Each counter continues the
    previous one (it wraps every 4 s), so a reading's time is the anchor time plus its event
    time minus the anchor's event time.

    Parameters
    ----------
    hr_messages
        Raw field values by name, as stored in the file (``event_timestamp`` in 1/1024 s,
        ``fractional_timestamp`` in 1/32768 s, ``time256`` in 1/256 s).

    Returns
    -------
    tuple of numpy.ndarray
        Reading times [FIT s] and heart rates [1/min], in file order.
    """
    times: list[float] = []
    bpms: list[float] = []
    anchor_time: float | None = None
    anchor_event = 0
    counter = 0
    for msg in hr_messages:
        bpm_raw = msg.get("filtered_bpm")
        readings = list(bpm_raw) if isinstance(bpm_raw, tuple) else [bpm_raw]
        event_raw = msg.get("event_timestamp")
        if msg.get("timestamp") is not None:
            events = list(event_raw) if isinstance(event_raw, tuple) else [event_raw]
            if len(events) != 1 or not isinstance(events[0], int):
                anchor_time = None
                continue
            fraction = 0.0
            if isinstance(msg.get("fractional_timestamp"), int):
                fraction = msg["fractional_timestamp"] / 32768
            elif isinstance(msg.get("time256"), int):
                fraction = msg["time256"] / 256
            anchor_time = float(msg["timestamp"]) + fraction
            anchor_event = counter = events[0]
            stamps = [counter]
        elif anchor_time is None:
            continue
        elif isinstance(msg.get("event_timestamp_12"), tuple):
            stamps = []
            for value in _unpack_12bit(msg["event_timestamp_12"], len(readings)):
                step = (counter & ~0xFFF) + value
                if value < (counter & 0xFFF):
                    step += 0x1000
                counter = step
                stamps.append(counter)
        elif event_raw is not None:
            events = list(event_raw) if isinstance(event_raw, tuple) else [event_raw]
            # full 32-bit counters wrap too; count them forward from the anchor
            stamps = [
                anchor_event + ((e - anchor_event) % 2**32) for e in events if isinstance(e, int)
            ]
            if stamps:
                counter = stamps[-1]
        else:
            continue
        for stamp, bpm in zip(stamps, readings, strict=False):
            if isinstance(bpm, int):
                times.append(anchor_time + (stamp - anchor_event) / EVENT_TIMESTAMP_UNITS)
                bpms.append(float(bpm))
    return np.asarray(times, dtype="float64"), np.asarray(bpms, dtype="float64")


def merge_heart_rate(
    record_times: np.ndarray, beat_times: np.ndarray, beat_bpm: np.ndarray
) -> np.ndarray:
    """Heart rate for each record from ``hr`` readings, the way the FIT SDK merges them.

    Each reading is first repeated every :data:`HR_STEP_S` over the gap to the next reading,
    at most :data:`HR_MAX_REPEATS` times (so a reading counts for up to 5 s, in proportion to
    the time it stood for). A record at time t then takes the mean of those values after the
    previous record and up to t (the first record: within the second before it), rounded half
    up to a whole beat; with none in that window it gets none.

    Parameters
    ----------
    record_times
        Record times [s], ascending.
    beat_times, beat_bpm
        Reading times [s] (same clock) and heart rates [1/min], any order; readings with a
        NaN time or rate are ignored.

    Returns
    -------
    numpy.ndarray
        Heart rate per record [1/min], NaN where no reading is near.

    References
    ----------
    Garmin FIT SDK, ``HrMesgUtils`` (``merge_heart_rates`` and ``expand_heart_rates`` in the
    Python SDK ``garmin_fit_sdk/hr_mesg_utils.py``).
    """
    out = np.full(len(record_times), np.nan)
    # a reading whose time could not be placed (device time without an anchor) stands nowhere
    placed = np.isfinite(beat_times) & np.isfinite(beat_bpm)
    beat_times, beat_bpm = beat_times[placed], beat_bpm[placed]
    if len(record_times) == 0 or len(beat_times) == 0:
        return out
    order = np.argsort(beat_times, kind="stable")
    times = beat_times[order]
    bpm = beat_bpm[order]
    # repeats of reading i fill the gap to reading i + 1: at i's time + k x step, k = 1..n
    gaps = np.diff(times)
    repeats = np.zeros(len(times), dtype=np.int64)
    repeats[:-1] = np.clip(np.ceil(gaps / HR_STEP_S - 1e-9) - 1, 0, HR_MAX_REPEATS)
    source = np.repeat(np.arange(len(times)), repeats + 1)
    first_of = np.concatenate([[0], np.cumsum(repeats + 1)[:-1]])
    k = np.arange(len(source)) - np.repeat(first_of, repeats + 1)
    expanded_times = times[source] + k * HR_STEP_S
    expanded_bpm = bpm[source]

    starts = np.concatenate([[record_times[0] - 1.0], record_times[:-1]])
    lo = np.searchsorted(expanded_times, starts, side="right")
    hi = np.searchsorted(expanded_times, record_times, side="right")
    sums = np.concatenate([[0.0], np.cumsum(expanded_bpm)])
    count = hi - lo
    has = count > 0
    out[has] = np.floor((sums[hi[has]] - sums[lo[has]]) / count[has] + 0.5)
    return out


def _local_offset(activity: dict[str, Any] | None) -> int | None:
    """UTC offset [s] from the ``activity`` message, rounded to 15 minutes."""
    if activity is None:
        return None
    utc = activity.get("timestamp")
    local = activity.get("local_timestamp")
    if not isinstance(utc, int) or not isinstance(local, int):
        return None
    if utc < SYSTEM_TIME_LIMIT or local < SYSTEM_TIME_LIMIT:
        return None
    offset = round((local - utc) / OFFSET_STEP_S) * OFFSET_STEP_S
    if not MAX_OFFSET_S[0] <= offset <= MAX_OFFSET_S[1]:
        return None
    return int(offset)


def _relative_shift(activity: dict[str, Any] | None) -> float:
    """Seconds to add to device-relative times to reach local clock time; NaN if unknown."""
    if activity is None:
        return math.nan
    utc = activity.get("timestamp")
    local = activity.get("local_timestamp")
    if isinstance(utc, int) and isinstance(local, int) and utc < SYSTEM_TIME_LIMIT <= local:
        return float(local - utc)
    return math.nan


def _sport_of(session: dict[str, Any], file_sport: str | None) -> str:
    """Our sport for a session: its sport, else its sub-sport, else the file's sport, else
    cross-training for a gym sport (:data:`GYM_FIT_SPORTS`)."""
    sport = session.get("sport")
    if isinstance(sport, str) and sport in FIT_SPORTS:
        return FIT_SPORTS[sport]
    if sport is None or sport in VAGUE_FIT_SPORTS:
        sub = session.get("sub_sport")
        if isinstance(sub, str) and sub in FIT_SUB_SPORTS:
            return FIT_SUB_SPORTS[sub]
        if file_sport is not None:
            return file_sport
        if sport in GYM_FIT_SPORTS:
            return c.SPORT_CROSS_TRAINING
    return c.SPORT_OTHER


def _file_sport(part: FitPart) -> str | None:
    """The one sport the file's ``sport`` messages (or laps) name, if they agree on one."""
    named = {_sport_of(m, None) for m in part.sports}
    if not named:
        named = {_sport_of(m, None) for m in part.laps if m.get("sport") is not None}
    named.discard(c.SPORT_OTHER)
    return named.pop() if len(named) == 1 else None


def _timer_seconds(events: list[tuple[float, bool]], t0: float, t1: float) -> float | None:
    """Seconds the timer ran between t0 and t1, from (time, is_start) timer events."""
    if not events:
        return None
    running = not events[0][1]  # a file that opens with a stop was running before it
    total = 0.0
    last = t0
    for when, is_start in events:
        clipped = min(max(when, t0), t1)
        if running:
            total += clipped - last
        last = clipped
        running = is_start
    if running:
        total += t1 - last
    return total


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


def _cadence_spm(whole: Any, fraction: Any) -> float | None:
    base = _number(whole)
    if base is None:
        return None
    return 2.0 * (base + (_number(fraction) or 0.0))


@dataclass
class _Leg:
    """One session (or the whole file when it has none) with its time span [Unix s]."""

    start: float
    session: dict[str, Any]


class _Activity:
    """Turns one activity part (with its continuations) into parsed legs."""

    def __init__(self, part: FitPart, name: str, fixes: list[str]) -> None:
        self.part = part
        self.name = name
        self.fixes = list(fixes)
        self.activity = part.activities[-1] if part.activities else None
        self.shift = _relative_shift(self.activity)
        self.utc_offset = _local_offset(self.activity)
        self.file_sport = _file_sport(part)
        self.relative = 0  # records with device-relative times

    def time(self, fit_seconds: Any) -> float:
        return _to_unix(fit_seconds, self.shift)

    def times(self, fit_seconds: np.ndarray) -> np.ndarray:
        """:meth:`time` for an array (NaN stays NaN); counts the device-relative ones."""
        relative = (fit_seconds >= 0) & (fit_seconds < SYSTEM_TIME_LIMIT)
        self.relative += int(relative.sum())
        unix = np.where(fit_seconds >= 0, fit_seconds + FIT_EPOCH_S, np.nan)
        return np.where(relative, unix + self.shift, unix)

    def columns(self) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Record times [Unix s, ascending] and each record field as floats, in that order."""
        blocks = self.part.records
        column = {
            name: np.concatenate([b[name] for b in blocks]) if blocks else np.zeros(0)
            for name in _SLOTS
        }
        times = self.times(column["timestamp"])
        if self.relative and not math.isnan(self.shift):
            self.fixes.append(
                "the watch wrote times counted from its power-on: placed on the clock by the "
                "activity's local time (UTC offset unknown, times shown as local)"
            )
        keep = np.flatnonzero(np.isfinite(times))
        keep = keep[np.argsort(times[keep], kind="stable")]
        values = {name: column[name][keep] for name in _SLOTS if name != "timestamp"}
        return times[keep], values

    def session_legs(self) -> list[_Leg]:
        """Sessions with a usable start time, in time order."""
        legs = []
        for session in self.part.sessions:
            start = self.time(session.get("start_time"))
            if math.isfinite(start):
                legs.append(_Leg(start, session))
        return sorted(legs, key=lambda leg: leg.start)

    def timer_events(self) -> list[tuple[float, bool]]:
        marks = []
        for e in self.part.events:
            if e.get("event") != "timer" or e.get("event_type") not in _TIMER_STOPS | {"start"}:
                continue
            when = self.time(e.get("timestamp"))
            if math.isfinite(when):
                marks.append((when, e.get("event_type") == "start"))
        return sorted(marks, key=lambda m: m[0])

    def check_timed(self, times: np.ndarray) -> None:
        """Refuse, with the reason, a file without two distinct record times."""
        if len(np.unique(times)) >= 2:
            return
        if len(times):
            raise ParseError(self.name, "not an activity file (it holds only one timed record)")
        if not self.part.record_count:
            raise ParseError(self.name, "not an activity file (it holds no records)")
        if self.relative:
            raise ParseError(
                self.name,
                "FIT file has no clock time (the watch wrote times counted from its power-on "
                "and no local time to place them)",
            )
        raise ParseError(self.name, "not an activity file (its records carry no time)")

    def build(self, first_leg: int) -> list[ParsedActivity]:
        """The legs as activities, each with its tidy frame and laps."""
        return [leg.activity() for leg in self.legs(first_leg)]

    def legs(self, first_leg: int) -> list[FitLeg]:
        """The legs as arrays (see :class:`FitLeg`), numbered from ``first_leg``."""
        legs = self.session_legs()
        if len(legs) > MAX_SESSIONS:
            raise ParseError(
                self.name,
                f"FIT file has {len(legs)} sessions; no activity file has more than"
                f" {MAX_SESSIONS} (a triathlon has five)",
            )
        times, values = self.columns()
        if not legs:
            self.check_timed(times)
            # no usable session (cut before the summary was written): one activity
            session = self.part.sessions[0] if len(self.part.sessions) == 1 else {}
            legs = [_Leg(float(times[0]), session)]
        elif not len(times):
            self.fixes.append("the records carry no time: only the session summary is kept")

        speed = np.where(
            np.isfinite(values["enhanced_speed"]), values["enhanced_speed"], values["speed"]
        )
        altitude = np.where(
            np.isfinite(values["enhanced_altitude"]),
            values["enhanced_altitude"],
            values["altitude"],
        )
        heart_rate = values["heart_rate"]
        filled = np.zeros(len(times), dtype=bool)
        if self.part.hr:
            beat_times, beat_bpm = heart_rate_beats(self.part.hr)
            beat_unix = self.times(beat_times)
            merged = merge_heart_rate(times, beat_unix, beat_bpm)
            filled = ~np.isfinite(heart_rate) & np.isfinite(merged)
            heart_rate = np.where(filled, merged, heart_rate)

        channels = {
            c.LATITUDE_DEG: values["position_lat"] * SEMICIRCLE_DEG,
            c.LONGITUDE_DEG: values["position_long"] * SEMICIRCLE_DEG,
            c.DISTANCE_M: values["distance"],
            c.SPEED_MPS: speed,
            c.ALTITUDE_M: altitude,
            c.HEART_RATE_BPM: heart_rate,
            c.POWER_W: values["power"],
            **{
                col: values[fit_name]
                for fit_name, col in RECORD_FIELDS.items()
                if col in DYNAMICS_COLUMNS
            },
        }
        developer = {
            RECORD_FIELDS[standard]: values[DEVELOPER_PREFIX + standard]
            for standard in DEVELOPER_RECORD_FIELDS
        }
        strides = values["cadence"] + np.nan_to_num(values["fractional_cadence"], nan=0.0)

        starts = np.array([leg.start for leg in legs])
        # a record belongs to the last leg started at or before it (earlier ones: the first)
        owner = np.clip(np.searchsorted(starts, times, side="right") - 1, 0, None)
        timer = self.timer_events()
        out: list[FitLeg] = []
        for index, leg in enumerate(legs):
            rows = np.flatnonzero(owner == index)
            out.append(
                self._leg(
                    leg, first_leg + index, times[rows], channels, developer, strides, rows, timer
                )
            )
            if filled[rows].any():
                out[-1].fixes.append("heart rate merged from hr messages")
        return out

    def _leg(
        self,
        leg: _Leg,
        number: int,
        times: np.ndarray,
        channels: dict[str, np.ndarray],
        developer: dict[str, np.ndarray],
        strides: np.ndarray,
        rows: np.ndarray,
        timer: list[tuple[float, bool]],
    ) -> FitLeg:
        s = leg.session
        sport = _sport_of(s, self.file_sport)
        fixes = list(self.fixes)
        raw = {key: values[rows] for key, values in channels.items()}
        taken = []
        for column, values in developer.items():
            mine = values[rows]
            # a pod's app writes zeros throughout when the pod is not paired: no reading
            if not np.isfinite(raw[column]).any() and (mine > 0).any():
                raw[column] = mine
                taken.append(column)
        if taken:
            fixes.append(f"{', '.join(taken)} read from developer fields (a Connect IQ app's)")
        on_foot = sport in ON_FOOT
        if on_foot:
            raw[c.CADENCE_SPM] = 2.0 * strides[rows]
            if np.isfinite(raw[c.CADENCE_SPM]).any():
                fixes.append("cadence doubled from strides/min to steps/min")

        start = leg.start
        elapsed = _number(s.get("total_elapsed_time"))
        if elapsed is None and len(times) > 1:
            elapsed = float(times[-1] - times[0])
        moving = _number(s.get("total_timer_time"))
        if moving is None and len(times):
            moving = _timer_seconds(timer, start, max(float(times[-1]), start))
        avg_cadence = None
        if on_foot:
            avg_cadence = _cadence_spm(s.get("avg_cadence"), s.get("avg_fractional_cadence"))
        return FitLeg(
            source_name=self.name,
            sport=sport,
            start=start,
            times=times,
            channels=raw,
            local_clock=not math.isnan(self.shift),
            file_utc_offset_s=self.utc_offset,
            duration_s=elapsed,
            moving_time_s=moving,
            distance_m=_number(s.get("total_distance")),
            avg_heart_rate_bpm=_number(s.get("avg_heart_rate")),
            max_heart_rate_bpm=_number(s.get("max_heart_rate")),
            avg_cadence_spm=avg_cadence,
            elevation_gain_m=_number(s.get("total_ascent")),
            leg=number,
            laps=self._laps(leg.start, s),
            fixes=fixes,
        )

    def _laps(
        self, start: float, session: dict[str, Any]
    ) -> list[tuple[float, float | None, float | None]]:
        """Laps whose start lies in the leg's span: (start [Unix s], duration_s, distance_m)."""
        end = start + (_number(session.get("total_elapsed_time")) or math.inf)
        rows = []
        for lap in self.part.laps:
            lap_start = self.time(lap.get("start_time"))
            if not math.isfinite(lap_start) or not start - 1 <= lap_start < end:
                continue
            duration = _number(lap.get("total_elapsed_time"))
            if duration is None:
                duration = _number(lap.get("total_timer_time"))
            rows.append((lap_start, duration, _number(lap.get("total_distance"))))
        rows.sort(key=lambda r: r[0])
        return rows


@dataclass
class FitLeg:
    """One leg of a FIT file as NumPy arrays, before its tidy frame is built.

    Everything :class:`ParsedActivity` states but the frame and the laps' frame, with the record
    times and our channel columns (``cadence_spm`` only for on-foot sports) as the frame's
    input; :meth:`activity` builds the activity. Reading a file this far needs no pandas.
    """

    source_name: str
    sport: str
    start: float  # [Unix s]
    times: np.ndarray  # record times [Unix s], ascending (a time may repeat)
    channels: dict[str, np.ndarray]  # our columns, SI units, as the file has them
    local_clock: bool  # placed on the activity's local clock, UTC offset unknown
    file_utc_offset_s: int | None  # the ``activity`` message's offset (see :meth:`utc_offset`)
    duration_s: float | None
    moving_time_s: float | None
    distance_m: float | None
    avg_heart_rate_bpm: float | None
    max_heart_rate_bpm: float | None
    avg_cadence_spm: float | None
    elevation_gain_m: float | None
    leg: int
    laps: list[tuple[float, float | None, float | None]]  # start [Unix s], duration, distance
    fixes: list[str]

    def utc_offset(self, has_fix: bool) -> int | None:
        """The UTC offset the activity keeps, given whether its samples hold a GPS fix.

        An offset of exactly zero on a leg with a fix is left None: some writers copy the UTC
        time into ``local_timestamp`` (COROS), and the zone at the first fix is the better source.
        """
        offset = self.file_utc_offset_s
        return None if offset == 0 and has_fix else offset

    def activity(self) -> ParsedActivity:
        """The activity: the tidy frame built from the arrays, the laps as a frame."""
        import pandas as pd

        from analysis.schema import build_samples

        raw: dict[str, Any] = dict(self.channels)
        raw[c.TIMESTAMP] = pd.to_datetime(self.times, unit="s", utc=True)
        try:
            samples = build_samples(raw)
        except (SchemaError, ValueError, OverflowError) as err:
            raise ParseError(self.source_name, f"FIT samples are unusable: {err}") from err
        laps = None
        if self.laps:
            starts, durations, distances = zip(*self.laps, strict=True)
            laps = pd.DataFrame(
                {
                    c.LAP_START: pd.to_datetime(
                        np.array(starts, dtype="float64"), unit="s", utc=True
                    ),
                    c.DURATION_S: np.array(durations, dtype="float64"),  # None: NaN
                    c.DISTANCE_M: np.array(distances, dtype="float64"),
                }
            )
        start = _utc(self.start)
        return ParsedActivity(
            source_name=self.source_name,
            format=FORMAT_FIT,
            sport=self.sport,
            start_time_utc=start,
            samples=samples,
            utc_offset_s=self.utc_offset(bool(samples[c.LATITUDE_DEG].notna().any())),
            start_time_local=start.tz_localize(None) if self.local_clock else None,
            duration_s=self.duration_s,
            moving_time_s=self.moving_time_s,
            distance_m=self.distance_m,
            avg_heart_rate_bpm=self.avg_heart_rate_bpm,
            max_heart_rate_bpm=self.max_heart_rate_bpm,
            avg_cadence_spm=self.avg_cadence_spm,
            elevation_gain_m=self.elevation_gain_m,
            leg=self.leg,
            laps=laps,
            fixes=list(self.fixes),
        )


def _type_name(file_type: Any) -> str:
    return file_type if isinstance(file_type, str) else f"unknown ({file_type})"


def read_fit(data: bytes, name: str, limits: ImportLimits | None = None) -> list[ParsedActivity]:
    """Read a FIT file: one activity per session, chained parts included.

    Parameters
    ----------
    data
        The file's bytes.
    name
        The file name, for messages and ``source_name``.
    limits
        :class:`~analysis.limits.ImportLimits`; those in force when None. Its
        ``max_fit_messages`` bounds the messages of the file (every part together), counted
        while decoding, before the record columns are built.

    Returns
    -------
    list of ParsedActivity
        One per session (``leg`` numbers them), samples in SI units, ``cadence_spm`` in steps
        per minute for on-foot sports and NaN otherwise.

    Raises
    ------
    ParseError
        Empty, not FIT, truncated before any record, CRC mismatch, undefined message type,
        not an activity, more messages than ``max_fit_messages``; the reason in plain words.
        No other exception leaves this function.
    """
    return _guarded(data, name, _Activity.build, limits)


def read_fit_legs(data: bytes, name: str, limits: ImportLimits | None = None) -> list[FitLeg]:
    """:func:`read_fit` up to the arrays: its legs before their frames, without pandas.

    ``[leg.activity() for leg in read_fit_legs(data, name)]`` is ``read_fit(data, name)``,
    except that a leg whose frame cannot be built (never seen) raises here rather than being
    dropped from the file's activities; the parameters and refusals are :func:`read_fit`'s.
    """
    return _guarded(data, name, _Activity.legs, limits)


T = TypeVar("T")


def _guarded(
    data: bytes,
    name: str,
    build: Callable[[_Activity, int], list[T]],
    limits: ImportLimits | None = None,
) -> list[T]:
    if not data:
        raise ParseError(name, _REASON_EMPTY)
    try:
        parts, junk = _decode(data, name, limits=limits or current_limits())
        return _collect(parts, junk, name, build)
    except ParseError:
        raise
    except Exception as err:
        # the last guard: whatever slipped through is still a file we cannot use
        raise ParseError(name, f"FIT file could not be read ({type(err).__name__})") from err


def _read(
    data: bytes, name: str, fast: bool = True, limits: ImportLimits | None = None
) -> list[ParsedActivity]:
    """:func:`read_fit` without its last guard; ``fast=False`` reads every part with fitparse.

    The reference result the fast path is tested against is ``_read(data, name, fast=False)``;
    without ``limits`` the messages are not counted.
    """
    parts, junk = _decode(data, name, fast, limits)
    return _activities(parts, junk, name)


def _decode(
    data: bytes, name: str, fast: bool = True, limits: ImportLimits | None = None
) -> tuple[list[FitPart], int]:
    """:func:`decode_parts`, its message limit refused in words."""
    limit = None if limits is None else limits.max_fit_messages
    try:
        parts, junk = decode_parts(data, fast, limit)
    except fit_fast.TooManyMessages as err:
        raise ParseError(
            name,
            f"FIT file has more than {err.limit} messages (limit: max_fit_messages); a week"
            " recorded every second holds about 610 000, and reading more would overrun the"
            " memory budget",
        ) from None
    return parts, junk


def _activities(parts: list[FitPart], junk: int, name: str) -> list[ParsedActivity]:
    """Activities out of the decoded parts of a file (continuation parts are merged in place)."""
    return _collect(parts, junk, name, _Activity.build)


def _collect(
    parts: list[FitPart], junk: int, name: str, build: Callable[[_Activity, int], list[T]]
) -> list[T]:
    """What ``build`` makes of each activity in the decoded parts (merged in place), in order.

    ``build`` is :meth:`_Activity.build` (activities) or :meth:`_Activity.legs` (arrays).
    """
    if not parts:
        raise ParseError(name, _REASON_HEADER)
    fixes: list[str] = []
    groups: list[FitPart] = []
    first_error: str | None = None
    for index, part in enumerate(parts):
        declined = FAST_PATH_DECLINED.format(reason=part.declined)
        if part.declined is not None and declined not in fixes:
            fixes.append(declined)
        error = part.stop
        if error is not None:
            first_error = first_error or error
            if error != _REASON_TRUNCATED:
                if len(parts) > 1:
                    fixes.append(f"ignored chained FIT part {index + 1} of {len(parts)}: {error}")
                continue
            if part.record_count:
                fixes.append(
                    "truncated FIT file: kept the records read before the cut (the file's "
                    "checksum could not be verified)"
                )
            elif len(parts) > 1:
                fixes.append(f"ignored chained FIT part {index + 1} of {len(parts)}: {error}")
        if part.has_file_id or not groups:
            groups.append(part)
        else:
            groups[-1].extend(part)
    if junk:
        fixes.append(f"ignored {junk} bytes after the FIT data that do not start a FIT part")

    activities = [g for g in groups if g.file_type in (None, "activity")]
    if not activities:
        other = [g.file_type for g in groups if g.file_type is not None]
        if other:
            raise ParseError(name, f"not an activity file (FIT file type: {_type_name(other[0])})")
        raise ParseError(name, first_error or "not an activity file (it holds no records)")

    out: list[T] = []
    errors: list[ParseError] = []
    for group in activities:
        if not group.record_count and not group.sessions:
            continue
        try:
            out.extend(build(_Activity(group, name, fixes), len(out)))
        except ParseError as err:
            errors.append(err)
    if out:
        return out
    if first_error is not None:
        # a damaged file: its damage explains the missing activity better than what is left
        raise ParseError(name, first_error)
    if errors:
        raise errors[0]
    raise ParseError(name, "not an activity file (it holds no records)")
