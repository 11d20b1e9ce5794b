"""The fast FIT path: a vectorized decoder whose output equals fitparse's, or that declines.

Why a decoder of our own
------------------------
fitparse builds a Python object for every field of every message and computes the file CRC one
nibble at a time in Python, which caps it near 10 k records/s. A FIT file is a stream of
messages whose layout is fixed by a handful of definition messages, so almost all of the work
can be done in bulk:

1. One tight Python loop walks the message headers. Definitions are parsed as they come (a few
   per file); a data message costs one look-up of its length in a 256-entry table indexed by
   its header byte and one ``array.append`` of its offset. A run of messages of one length (a
   file's records) is stepped over at once, its header bytes looked up together.
2. The messages of each definition are cut out of the file with one fancy index over a sliding
   window of the bytes and read as a numpy structured array (offsets, byte order and base type
   from the definition): each ``record`` field becomes a column in one step, with fitparse's
   invalid values, scale and offset.
3. Compressed-timestamp headers are resolved for the whole file at once: each moves the running
   time forward by its 5-bit offset minus the previous low 5 bits, modulo 32, which is a
   cumulative sum restarted at every full timestamp.
4. The CRC runs over 64-byte chunks side by side (two bytes per step through a 64 k table), and
   the chunk CRCs are joined pairwise through precomputed "append n zero bytes" tables: the FIT
   CRC is linear, with a zero start value and no final XOR.
5. The few other messages the parser reads (file id, sessions, laps, events, sports, activity,
   ``hr``) are decoded one by one with ``struct``, only for the fields asked for, with
   fitparse's rules for sub-fields, enum names, scale and offset.

``benchmarks/fit_decode.py`` prints the speed against fitparse on the same files.

Why not a library from PyPI: the other decoders there are pure Python too (``fitdecode``,
``garmin-fit-sdk``: within a few times fitparse's speed) or compiled packages that refuse valid
files (a Rust-backed one rejects header CRCs of 0x0000, which the FIT protocol allows). Any of
them would still need the reference decoder as a fallback and an equivalence test of its own,
and would add a binary dependency and a second reading of the FIT profile; the numpy decoder is
as fast as the compiled ones with the dependencies the project already has, and reads the
profile from the reference decoder itself.

Exactness
---------
The reference is fitparse's ``FitFileDecoder`` as :mod:`analysis.parsers.fit` uses it. This
module takes the profile (names, scale, offset, components, sub-fields) and the base types from
fitparse itself, so both paths read one table of the FIT profile, and it reproduces fitparse's
choices where they matter: per base type invalid values become NaN; a field written in the file
wins over a copy expanded from another field's components (``enhanced_speed`` out of ``speed``,
its low 16 bits only), and those copies are made; accumulated components (``distance`` out of
``compressed_speed_distance``) are running totals that restart at every definition of their
field; developer fields are typed by their description (the one in force when their message
was defined) and, unless asked for as a record column by name and units, skipped by its size.

Where fitparse would do something this module does not reproduce, :class:`Declined` is raised
before any result leaves, with the reason in plain words, and the caller reads the part with
the reference decoder. Declined: record columns stored as arrays, bytes, 64-bit integers
or with a size that is not their base type's, definitions fitparse itself fails on (zero-size
fields, unknown fields of odd size, also among the entries read before a definition is cut,
developer fields whose size is not a whole number of values, broken developer field
descriptions, components over arrays), timestamps (field 253) that are not plain integers, a message running past the declared data size into a complete CRC, headers of
unusual size. Where fitparse stops early the fast path stops the same way (:class:`Stop`): a CRC
mismatch, a data message of an undefined local type, bytes ending early (keeping, like
fitparse, the whole fields of a message cut by the end).

Linear for every input
----------------------
Time and memory grow with the bytes and messages of the file, whatever its definitions say:
the walk is one pass, and every bulk read produces one value per message. A field that is not
one number per message (an array, a ``byte`` or ``string`` field, whatever its size) never
reaches a column: it is declined while the read is planned, before any array is built. The
decline is the only way out besides a result; an exception of any other kind is a bug, which
:mod:`analysis.parsers.fit` survives by reading the part with fitparse and saying so, and which
``tests/test_fuzz.py`` hunts for. ``tests/test_fit_fast_linear.py`` checks the memory.

Linear is not yet bounded: a message can be a single byte (a header whose definition has no
fields), and each costs about 240 bytes in the bulk reads (a record) or up to about 2.6 kB
decoded one by one (an ``hr`` message holding an array), so a 4 MB file could pass 1 GB. The
walk therefore counts messages (:func:`message_units`) against ``max_messages`` every
:data:`COUNT_WINDOW_BYTES` of the file and raises :class:`TooManyMessages` before any array is
built or more than a window's worth of messages is decoded.

References
----------
Garmin, *FIT Protocol* (FIT SDK 21.x), https://developer.garmin.com/fit/protocol/ : file
header, record headers, compressed timestamps, definition messages, developer fields, base
types and their invalid values, CRC.
"""

from __future__ import annotations

import array
import enum
import struct
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
from fitparse.profile import MESSAGE_TYPES
from fitparse.records import BASE_TYPE_BYTE, BASE_TYPES
from numpy.lib.stride_tricks import sliding_window_view

RECORD = 20
"""Global message number of ``record``."""

TIMESTAMP_FIELD = 253
"""Field number of ``timestamp`` in every message; it also anchors compressed timestamps."""

FIELD_DESCRIPTION, DEVELOPER_DATA_ID = 206, 207
"""Messages that give developer fields their types (they decide how many bytes fitparse reads)."""

HEADER_MIN, HEADER_CRC = 12, 14
"""File header sizes [bytes]: without and with the header CRC."""

COMPRESSED_TIME_BITS = 5
"""A compressed-timestamp header carries the low 5 bits of the time [s]."""

INVALID: dict[str, int | None] = {
    "enum": 0xFF,
    "sint8": 0x7F,
    "uint8": 0xFF,
    "sint16": 0x7FFF,
    "uint16": 0xFFFF,
    "sint32": 0x7FFFFFFF,
    "uint32": 0xFFFFFFFF,
    "uint8z": 0,
    "uint16z": 0,
    "uint32z": 0,
    "sint64": 0x7FFFFFFFFFFFFFFF,
    "uint64": 0xFFFFFFFFFFFFFFFF,
    "uint64z": 0,
    "float32": None,  # NaN
    "float64": None,
}
"""The invalid value of each numeric base type (None: NaN), as the FIT protocol gives it."""

_NUMPY_CODE = {
    "B": "u1",
    "b": "i1",
    "H": "u2",
    "h": "i2",
    "I": "u4",
    "i": "i4",
    "f": "f4",
    "d": "f8",
}
"""struct code to numpy type code, for the base types read in bulk (not 64-bit integers)."""

_INTEGER_CODES = frozenset("BbHhIi")


class Declined(Exception):
    """The fast path cannot promise the reference decoder's result; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TooManyMessages(Exception):
    """The part holds more message units (:func:`message_units`) than it may; never a decline.

    Not left to fitparse, which would spend more memory per message still: the file is refused.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(f"more than {limit} messages")
        self.limit = limit


SUMMARY_UNIT_BYTES = 32
"""A message decoded one by one (a lap, an event, an ``hr`` message) counts one unit plus one
per this many bytes of its body: its decoded values cost up to about 13 bytes per byte (an array
becomes a tuple of Python ints), against about 240 bytes for a whole record."""

COUNT_WINDOW_BYTES = 64 * 1024
"""Bytes walked between two counts of the messages [bytes]: at one byte per message, the limit is
overshot by at most this many messages (about 16 MB of offsets and reads)."""


RUN_MIN = 8
"""Bulk messages of one length in a row after which the walk looks ahead for the rest of the
run (see :meth:`_Walk.run`) ..."""

RUN_WORTH = 4
"""... and a look that found fewer than this many times :data:`RUN_MIN` messages doubles the
wait before the next, ..."""

RUN_MAX = 4096
"""... up to this many messages (a file that interleaves its records with other messages)."""


def message_units(body_bytes: int, one_by_one: bool) -> int:
    """What one data message counts against the message limit.

    Parameters
    ----------
    body_bytes
        The message's size without its header byte [bytes].
    one_by_one
        Whether it is decoded into Python values (summary and ``hr`` messages), not read in bulk.
    """
    return 1 + body_bytes // SUMMARY_UNIT_BYTES if one_by_one else 1


class Stop(enum.Enum):
    """Why decoding stopped before the end, where the reference decoder stops too."""

    TRUNCATED = "truncated"  # the bytes end early (read up to the cut)
    CRC = "crc"  # header or file CRC mismatch (the parser keeps nothing of such a part)
    UNDEFINED = "undefined"  # a data message of a local type never defined (read up to it)


@dataclass
class FastPart:
    """What one FIT part holds, in the reference decoder's values.

    ``records`` has one float64 column per requested ``record`` field (NaN where fitparse gives
    None), in file order; ``messages`` maps a global message number to one dict per message
    with the requested fields that have a value. ``units`` is what its data messages count
    against the message limit (:func:`message_units`).
    """

    records: dict[str, np.ndarray]
    messages: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    stop: Stop | None = None
    units: int = 0


# ---- CRC ---------------------------------------------------------------------------------------


def _byte_table() -> np.ndarray:
    """CRC-16/ARC (reflected polynomial 0xA001) of each byte value."""
    crc = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        crc = np.where(crc & 1, (crc >> 1) ^ 0xA001, crc >> 1)
    return crc.astype(np.uint16)


_CRC_BYTE = _byte_table()
_CRC_BYTE_LIST = [int(v) for v in _CRC_BYTE]


def _zero_word_table() -> np.ndarray:
    """State after two zero bytes, for every 16-bit state.

    Feeding the little-endian word w to state s gives ``table[s ^ w]``: a 16-bit CRC shifts its
    whole state out over two bytes.
    """
    state = np.arange(65536, dtype=np.uint32)
    for _ in range(2):
        state = (state >> 8) ^ _CRC_BYTE[state & 0xFF]
    return state.astype(np.uint16)


_CRC_WORD = _zero_word_table()

CRC_CHUNK_WORDS = 32
"""Words (two bytes each) per chunk of the side-by-side CRC."""


@cache
def _zero_shift(words: int) -> np.ndarray:
    """State after ``words`` zero words, for every 16-bit state (``words`` a power of two)."""
    if words == 1:
        return _CRC_WORD
    half = _zero_shift(words // 2)
    twice: np.ndarray = half[half]
    return twice


def crc16(data: bytes) -> int:
    """The FIT CRC of ``data`` (CRC-16/ARC: polynomial 0x8005 reflected, start 0, no final XOR).

    Leading zero bytes leave a zero state unchanged, so the data is padded in front to a power
    of two of whole chunks; the chunks' CRCs are computed side by side, then neighbours are
    joined as ``crc(a + b) = shift(crc(a), len(b)) ^ crc(b)``.
    """
    if len(data) < 4 * CRC_CHUNK_WORDS:
        crc = 0
        table = _CRC_BYTE_LIST
        for byte in data:
            crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
        return crc
    chunks = -(-len(data) // (2 * CRC_CHUNK_WORDS))
    chunks = 1 << (chunks - 1).bit_length()
    padded = np.zeros(chunks * CRC_CHUNK_WORDS * 2, dtype=np.uint8)
    padded[len(padded) - len(data) :] = np.frombuffer(data, dtype=np.uint8)
    columns = np.ascontiguousarray(padded.view("<u2").reshape(chunks, CRC_CHUNK_WORDS).T)
    state = np.zeros(chunks, dtype=np.uint16)
    for column in columns:
        state = _CRC_WORD[state ^ column]
    span = CRC_CHUNK_WORDS
    while len(state) > 1:
        state = _zero_shift(span)[state[0::2]] ^ state[1::2]
        span *= 2
    return int(state[0])


# ---- definitions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _FieldDef:
    """One field of a definition: number, size [bytes], base type, profile field, offset."""

    num: int
    size: int
    base: Any  # fitparse BaseType
    profile: Any  # fitparse Field, None for a field the profile does not know
    offset: int  # from the start of the message body [bytes]

    @property
    def is_scalar(self) -> bool:
        """Whether the field is one number, read by numpy as a column of one value per message.

        A ``byte`` field is none, whatever its size: fitparse gives it as a tuple of bytes, and
        :func:`_read_fields` as a matrix of them. Taken for a column, a one-byte ``byte`` field
        would broadcast against the others into a matrix of messages by messages.
        """
        return bool(
            self.base.name != "byte"
            and self.base.fmt in _NUMPY_CODE
            and self.size == self.base.size
        )

    @property
    def is_int_scalar(self) -> bool:
        return self.is_scalar and self.base.fmt in _INTEGER_CODES


@dataclass(frozen=True)
class _DevFieldDef:
    """One developer field of a definition, typed by the description in force when defined."""

    size: int  # [bytes]
    name: str | None  # as its description names it
    units: Any  # as its description states them (None: not stated)
    base: Any  # fitparse BaseType (``byte`` for a field without a description)
    offset: int  # from the start of the message body [bytes]

    def as_field(self) -> _FieldDef:
        """The field as a plain one, for the bulk reads (no profile: no scale, no offset)."""
        return _FieldDef(-1, self.size, self.base, None, self.offset)


def developer_key(name: Any, units: Any) -> tuple[str, str]:
    """A developer field's name and units as compared: case, spaces and padding ignored.

    Apps spell the same field ``Ground Time``, ``ground time`` or ``Ground  Time``; a name or
    units that are not text (missing, or a field of another type) compare as ``""``.
    """

    def words(text: Any) -> str:
        return " ".join(text.split()).casefold() if isinstance(text, str) else ""

    return words(name), words(units)


def developer_scalar(base: Any, size: int) -> bool:
    """Whether a developer field is one number per message, as both decoders read it.

    fitparse gives an array as a tuple and ``byte``/``string`` fields as bytes or text; those
    and 64-bit integers (not read in bulk) are never a column value.
    """
    return bool(
        base.name not in ("byte", "string") and base.fmt in _NUMPY_CODE and size == base.size
    )


@dataclass
class _Definition:
    """A definition message, compiled once per distinct layout."""

    mesg_num: int
    endian: str  # struct byte order, "<" or ">"
    fields: tuple[_FieldDef, ...]
    dev_fields: tuple[_DevFieldDef, ...]
    size: int  # message body [bytes]
    record_plan: _RecordPlan | None = None
    message_plan: _MessagePlan | None = None

    @property
    def readable(self) -> tuple[_FieldDef, ...]:
        """Every field the bulk reads can address: the fields, then the developer fields."""
        return self.fields + tuple(d.as_field() for d in self.dev_fields)

    @property
    def timestamp(self) -> int | None:
        """Index of field 253, the one that anchors compressed timestamps."""
        return next((i for i, f in enumerate(self.fields) if f.num == TIMESTAMP_FIELD), None)

    def prefix(self, available: int) -> _Definition:
        """The fields read whole before a cut ``available`` bytes into the body.

        fitparse reads field by field and keeps those it read before the bytes ran out.
        """
        fields = tuple(f for f in self.fields if f.offset + f.size <= available)
        used = sum(f.size for f in fields)
        dev: list[_DevFieldDef] = []
        if len(fields) == len(self.fields):
            for d in self.dev_fields:
                if used + d.size > available:
                    break
                dev.append(d)
                used += d.size
        return _Definition(self.mesg_num, self.endian, fields, tuple(dev), used)


def _all_components(profile: Any) -> list[Any]:
    """Components of a profile field and of its sub-fields (either may be expanded)."""
    out = list(profile.components or ())
    for sub in profile.subfields or ():
        out.extend(sub.components or ())
    return out


def _check(defn: _Definition) -> None:
    """Decline layouts on which fitparse fails, or whose effects the fast path does not model."""
    for fd in defn.fields:
        components = _all_components(fd.profile) if fd.profile is not None else []
        if components and fd.size > fd.base.size and fd.base.name != "byte":
            # fitparse unpacks such an array as bytes and fails on an invalid element
            raise Declined("a field with components is stored as an array")
        if any(c.accumulate for c in components) and not (
            fd.is_int_scalar or fd.base.name == "byte"
        ):
            raise Declined("an accumulated field is not stored as an integer")
        if fd.num == TIMESTAMP_FIELD and not (fd.is_int_scalar and fd.base.size <= 4):
            raise Declined("a timestamp is not stored as an integer")
    if sum(fd.num == TIMESTAMP_FIELD for fd in defn.fields) > 1:
        raise Declined("a message holds two timestamps")


def _definition_length(buf: bytes, pos: int, available: int) -> int | None:
    """Length of the definition message at ``pos`` [bytes]; None when the bytes end inside it."""
    if pos + 6 > available:
        return None
    length = 6 + 3 * buf[pos + 5]
    if buf[pos] & 0x20:
        if pos + length + 1 > available:
            return None
        length += 1 + 3 * buf[pos + length]
    return length if pos + length <= available else None


# ---- messages decoded one by one ---------------------------------------------------------------


@dataclass(frozen=True)
class _Reader:
    """Reads one field of a message as fitparse stores it."""

    layout: struct.Struct
    offset: int  # after the header byte [bytes]
    kind: str  # "bytes" (a tuple, or None when all 0xFF), "one" value, or "many" (a tuple)
    parse: Any  # the base type's invalid-value check

    def read(self, buf: bytes, pos: int) -> Any:
        values = self.layout.unpack_from(buf, pos + 1 + self.offset)
        if self.kind == "bytes":
            return BASE_TYPE_BYTE.parse(values)
        if self.kind == "many":
            return tuple(self.parse(v) for v in values)
        return self.parse(values[0])


def _reader(defn: _Definition, fd: _FieldDef) -> _Reader:
    if fd.base.name == "byte":
        return _Reader(struct.Struct(f"{fd.size}B"), fd.offset, "bytes", None)
    if fd.base.name == "string":
        return _Reader(struct.Struct(f"{fd.size}s"), fd.offset, "one", fd.base.parse)
    count = fd.size // fd.base.size
    layout = struct.Struct(f"{defn.endian}{count}{fd.base.fmt}")
    return _Reader(layout, fd.offset, "many" if count > 1 else "one", fd.base.parse)


_Span = tuple[int, int, int, str, Any]  # field index, first value, values, reader kind, parse


@dataclass(frozen=True)
class _MessagePlan:
    """How to decode the requested fields of one definition's messages."""

    names: frozenset[str]
    wanted: tuple[int, ...]  # indices of the fields to decode, in definition order
    readers: dict[int, _Reader]  # for those and for the fields sub-fields refer to
    raw: bool  # stored values (``hr``) rather than fitparse's named and scaled values
    layout: struct.Struct  # every reader's field in one unpack
    spans: tuple[_Span, ...]  # where each reader's values are in the one unpack

    def read(self, buf: bytes, pos: int) -> dict[int, Any]:
        """Each reader's value (:meth:`_Reader.read`) for the message at ``pos``, in one unpack."""
        values = self.layout.unpack_from(buf, pos + 1)
        out: dict[int, Any] = {}
        for index, first, count, kind, parse in self.spans:
            if kind == "one":
                out[index] = parse(values[first])
            elif kind == "bytes":
                out[index] = BASE_TYPE_BYTE.parse(values[first : first + count])
            else:
                out[index] = tuple(parse(v) for v in values[first : first + count])
        return out


def _joined(
    defn: _Definition, readers: Mapping[int, _Reader]
) -> tuple[struct.Struct, tuple[_Span, ...]]:
    """One struct for the fields of ``readers`` (pad bytes between them), and where each is."""
    layout = defn.endian
    cursor = 0
    first = 0
    spans: list[_Span] = []
    for index in sorted(readers, key=lambda i: defn.fields[i].offset):
        fd, reader = defn.fields[index], readers[index]
        if fd.offset > cursor:
            layout += f"{fd.offset - cursor}x"
        code = reader.layout.format.lstrip("<>@=!")
        layout += code
        count = 1 if reader.kind == "one" else struct.calcsize("<" + code) // fd.base.size
        spans.append((index, first, count, reader.kind, reader.parse))
        first += count
        cursor = fd.offset + fd.size
    return struct.Struct(layout), tuple(spans)


def _message_plan(defn: _Definition, names: Collection[str], raw: bool) -> _MessagePlan:
    asked = frozenset(names)
    if raw and any(dev.name in asked for dev in defn.dev_fields):
        raise Declined("a developer field is named like a requested one")
    mesg_type = MESSAGE_TYPES.get(defn.mesg_num)
    wanted = []
    refs: set[int] = set()
    for index, fd in enumerate(defn.fields):
        if fd.profile is None:
            continue
        if not raw:
            for component in _all_components(fd.profile):
                target = mesg_type.fields[component.def_num]
                if {target.name, *(s.name for s in target.subfields or ())} & asked:
                    raise Declined("a requested field is expanded from a component")
        subfields = fd.profile.subfields or ()
        if {fd.profile.name, *(s.name for s in subfields)} & asked:
            wanted.append(index)
            for sub in subfields:
                for ref in sub.ref_fields:
                    refs.update(i for i, f in enumerate(defn.fields) if f.num == ref.def_num)
    readers = {i: _reader(defn, defn.fields[i]) for i in {*wanted, *refs}}
    layout, spans = _joined(defn, readers)
    return _MessagePlan(asked, tuple(wanted), readers, raw, layout, spans)


def _scaled(profile: Any, raw: Any) -> Any:
    """fitparse's value of a stored value: its enum name, else scale and offset applied."""
    return _scale_offset(profile, profile.render(raw))


def _scale_offset(profile: Any, value: Any) -> Any:
    """fitparse's ``_apply_scale_offset``: numbers scaled, tuples element by element."""
    if isinstance(value, tuple):
        return tuple(_scale_offset(profile, v) for v in value)
    if isinstance(value, int | float):
        if profile.scale:
            value = float(value) / profile.scale
        if profile.offset:
            value = value - profile.offset
    return value


def _decode_message(defn: _Definition, plan: _MessagePlan, buf: bytes, pos: int) -> dict[str, Any]:
    """The requested fields of the data message at ``pos``, as fitparse decodes them."""
    raws = plan.read(buf, pos)
    fields = defn.fields
    out: dict[str, Any] = {}
    for index in plan.wanted:
        profile = fields[index].profile
        parent = None
        for sub in profile.subfields or ():
            if any(
                fields[i].num == ref.def_num and ref.raw_value == raws[i]
                for ref in sub.ref_fields
                for i in raws
            ):
                profile, parent = sub, profile
                break
        raw = raws[index]
        if plan.raw:
            if raw is not None and profile.name in plan.names:
                out[profile.name] = raw
            continue
        value = _scaled(profile, raw)
        if value is None:
            continue
        if profile.name in plan.names:
            out.setdefault(profile.name, value)
        if parent is not None and parent.name in plan.names:
            out.setdefault(parent.name, value)
    return out


def _raw_by_name(defn: _Definition, buf: bytes, pos: int, name: str) -> Any:
    """fitparse's ``get_raw_value``: the first field of that name as stored, None if absent."""
    for fd in defn.fields:
        if fd.profile is not None and fd.profile.name == name:
            return _reader(defn, fd).read(buf, pos)
    return None


# ---- records read in bulk ----------------------------------------------------------------------


@dataclass(frozen=True)
class _RecordPlan:
    """Per requested column: the fields written under its name, the components expanding into it.

    fitparse keeps, per column, the last valid value of a field written under that name, else
    the first valid value expanded from another field's components (``enhanced_speed`` out of
    ``speed``, ``speed`` and ``distance`` out of ``compressed_speed_distance``); the reference
    parser reads its rows that way.
    """

    written: dict[str, tuple[int, ...]]  # field indices
    expanded: dict[str, tuple[tuple[int, Any], ...]]  # (field index, fitparse ComponentField)
    read: tuple[int, ...]  # fields read from the bytes (indices of ``readable``)
    developer: dict[str, tuple[tuple[int, float], ...]] = field(default_factory=dict)
    """Developer columns: (index of ``readable``, factor to the column's unit), in field order."""


MAX_PACKED_BYTES = 7
"""Byte fields unpacked into components are read as one integer of at most this size [bytes]."""


def _record_plan(
    defn: _Definition,
    names: Sequence[str],
    developer: Mapping[tuple[str, str], tuple[str, float]] | None = None,
) -> _RecordPlan:
    profile_fields = MESSAGE_TYPES[RECORD].fields
    written: dict[str, list[int]] = {n: [] for n in names}
    expanded: dict[str, list[tuple[int, Any]]] = {n: [] for n in names}
    for index, fd in enumerate(defn.fields):
        if fd.profile is None:
            continue
        for component in _all_components(fd.profile):
            target = profile_fields[component.def_num].name
            if target not in expanded:
                continue
            if fd.profile.subfields:
                raise Declined(f"{target} expanded from a field with sub-fields")
            if fd.base.name == "byte":
                if fd.size > MAX_PACKED_BYTES:
                    raise Declined(f"{target} packed in a long byte field")
                if component.bit_offset and component.bit_offset >= 8 * fd.size:
                    continue  # fitparse skips a component beyond the bytes
            expanded[target].append((index, component))
        if fd.profile.name in written:
            written[fd.profile.name].append(index)
    for indices in written.values():
        for index in indices:
            fd = defn.fields[index]
            if fd.profile.subfields or getattr(fd.profile.type, "values", None):
                raise Declined(f"record field {fd.profile.name} has named values")
            if not fd.is_scalar:
                raise Declined(
                    f"record field {fd.profile.name} stored as {fd.base.name}[{fd.size}]"
                )
    for sources in expanded.values():
        for index, _ in sources:
            fd = defn.fields[index]
            if fd.base.name != "byte" and not fd.is_scalar:
                raise Declined(
                    f"record field {fd.profile.name} stored as {fd.base.name}[{fd.size}]"
                )
    dev: dict[str, list[tuple[int, float]]] = {}
    for number, d in enumerate(defn.dev_fields):
        target = (developer or {}).get(developer_key(d.name, d.units))
        if target is not None and developer_scalar(d.base, d.size):
            dev.setdefault(target[0], []).append((len(defn.fields) + number, target[1]))
    read = {i for w in written.values() for i in w} | {i for e in expanded.values() for i, _ in e}
    read |= {i for sources in dev.values() for i, _ in sources}
    return _RecordPlan(
        {n: tuple(w) for n, w in written.items() if w},
        {n: tuple(e) for n, e in expanded.items() if e},
        tuple(sorted(read)),
        {n: tuple(d) for n, d in dev.items()},
    )


def _resets(defn: _Definition) -> frozenset[int]:
    """Targets whose running totals a definition sets back to 0 (fitparse does, per field)."""
    return frozenset(
        c.def_num
        for fd in defn.fields
        if fd.profile is not None
        for c in fd.profile.components or ()
        if c.accumulate
    )


def _read_fields(
    defn: _Definition, u8: np.ndarray, starts: np.ndarray, which: Iterable[int]
) -> dict[int, np.ndarray]:
    """Fields of every message of one definition, as arrays of their stored type.

    The spanned bytes of all messages are copied into one matrix by a fancy index over a
    sliding window of the file, then read through a structured dtype. A byte field comes out
    as a matrix of its bytes. ``which`` indexes :attr:`_Definition.readable` (the developer
    fields after the others).
    """
    which = tuple(which)
    if not which:
        return {}
    fields = defn.readable
    first = min(fields[i].offset for i in which)
    last = max(fields[i].offset + fields[i].size for i in which)
    formats: list[Any] = [
        ("u1", (fields[i].size,))
        if fields[i].base.name == "byte"
        else defn.endian + _NUMPY_CODE[fields[i].base.fmt]
        for i in which
    ]
    layout = np.dtype(
        {
            "names": [f"f{i}" for i in which],
            "formats": formats,
            "offsets": [fields[i].offset - first for i in which],
            "itemsize": last - first,
        }
    )
    if len(starts):
        rows = sliding_window_view(u8, last - first)[starts + 1 + first]
    else:
        rows = np.zeros((0, last - first), dtype=np.uint8)
    table = rows.view(layout).reshape(-1)
    return {i: table[f"f{i}"] for i in which}


def _valid(raw: np.ndarray, base: Any) -> np.ndarray:
    """Where a stored value is valid (fitparse gives None for the base type's invalid value)."""
    if base.name == "byte":
        return np.asarray((raw != 0xFF).any(axis=1))
    invalid = INVALID[base.name]
    if invalid is None:
        return np.asarray(~np.isnan(raw))
    return np.asarray(raw != invalid)


def _number(values: np.ndarray, scale: Any, offset: Any) -> np.ndarray:
    """fitparse's scale then offset, as the same float operations."""
    out = values.astype(np.float64)
    if scale:
        out = out / float(scale)
    if offset:
        out = out - float(offset)
    return out


def _component(raw: np.ndarray, base: Any, component: Any) -> np.ndarray:
    """A component's stored value out of its field's (fitparse's ``ComponentField.render``).

    Bytes are read as one little-endian integer; integers are shifted and masked; floats pass
    through unchanged.
    """
    if base.name == "byte":
        weights = np.left_shift(1, 8 * np.arange(raw.shape[1], dtype=np.int64))
        raw = (raw.astype(np.int64) * weights).sum(axis=1)
    elif raw.dtype.kind == "f":
        return raw
    mask = (1 << component.bits) - 1
    out: np.ndarray = (raw.astype(np.int64) >> component.bit_offset) & mask
    return out


def accumulated(values: np.ndarray, valid: np.ndarray, resets: np.ndarray, bits: int) -> np.ndarray:
    """Running totals of a counter that wraps every ``2**bits``, as fitparse accumulates it.

    fitparse adds to the running total the step from its low bits to each new value, modulo
    ``2**bits``, and sets it back to 0 at every definition of the field. Between two resets
    that is a cumulative sum.

    Parameters
    ----------
    values, valid
        The counter in each message (stream order) and where a message holds a valid one.
    resets
        Message indices (ascending) before which the total starts again from 0.
    bits
        The counter's width.

    Returns
    -------
    numpy.ndarray
        The running total after each message with a valid counter (0 elsewhere).
    """
    out = np.zeros(len(values), dtype=np.int64)
    events = np.flatnonzero(valid)
    if not len(events):
        return out
    value = values[events].astype(np.int64)
    segment = np.searchsorted(resets, events, side="right")
    first = np.concatenate([[True], segment[1:] != segment[:-1]])
    low_before = np.where(first, 0, np.concatenate([[0], value[:-1]]))
    step = (value - low_before) % (1 << bits)
    sums = np.cumsum(step)
    start = np.maximum.accumulate(np.where(first, np.arange(len(events)), 0))
    out[events] = sums - (sums[start] - step[start])
    return out


def _record_columns(
    defn: _Definition,
    names: Sequence[str],
    u8: np.ndarray,
    starts: np.ndarray,
    stamps: tuple[np.ndarray, np.ndarray] | None,
    totals: Mapping[int, np.ndarray],
) -> dict[str, np.ndarray]:
    """Requested record columns for the messages of one definition.

    ``stamps`` are the times of compressed-timestamp headers and where a message has one:
    fitparse adds that time after every field, so it is the last expansion of ``timestamp``.
    ``totals`` are the running totals of accumulated components by target field number.
    A developer column takes its fields' values times their factor (:class:`_RecordPlan`).
    Columns no field of the definition feeds are left out (all NaN).
    """
    plan = defn.record_plan
    assert plan is not None
    raw = _read_fields(defn, u8, starts, plan.read)
    out = {}
    for name in names:
        fed = name in plan.written or name in plan.expanded or name in plan.developer
        if not fed and not (name == "timestamp" and stamps is not None):
            continue
        expansions: list[tuple[np.ndarray, np.ndarray]] = []
        for index, component in plan.expanded.get(name, ()):
            base = defn.fields[index].base
            ok = _valid(raw[index], base)
            if component.accumulate:
                values = totals[component.def_num]
            else:
                values = _component(raw[index], base, component)
            expansions.append((_number(values, component.scale, component.offset), ok))
        if name == "timestamp" and stamps is not None:
            expansions.append((stamps[0].astype(np.float64), stamps[1]))
        value = np.full(len(starts), np.nan)
        for values, ok in reversed(expansions):  # the first valid expansion wins ...
            value = np.where(ok, values, value)
        for index in plan.written.get(name, ()):  # ... unless a written field is valid
            fd = defn.fields[index]
            number = _number(raw[index], fd.profile.scale, fd.profile.offset)
            value = np.where(_valid(raw[index], fd.base), number, value)
        for index, factor in plan.developer.get(name, ()):  # the last valid one wins
            fd = defn.readable[index]
            number = raw[index].astype(np.float64) * factor
            value = np.where(_valid(raw[index], fd.base), number, value)
        out[name] = value
    return out


def compressed_times(
    headers: np.ndarray, full: np.ndarray, has_full: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Times of compressed-timestamp headers, for a stream of data messages.

    fitparse keeps one running time, starting at 0: a valid field 253 of any message sets it,
    and each compressed header then moves it to the first time at or after it whose low 5 bits
    are the header's offset (``t + (offset - t) mod 32``). Between two full timestamps that is
    a cumulative sum.

    Parameters
    ----------
    headers
        Header byte of each data message, in stream order.
    full, has_full
        Each message's field 253 [s] and whether it holds a valid one.

    Returns
    -------
    tuple of numpy.ndarray
        The time [s] of each message with a compressed header (0 elsewhere) and where they are.
    """
    compressed = np.asarray(headers >= 0x80)
    out = np.zeros(len(headers), dtype=np.int64)
    if not compressed.any():
        return out, compressed
    events = np.flatnonzero(compressed | has_full)
    comp = compressed[events]
    anchored = has_full[events]
    value = full[events].astype(np.int64)
    offset = (headers[events] & 0x1F).astype(np.int64)
    mask = (1 << COMPRESSED_TIME_BITS) - 1
    low_after = np.where(comp, offset, value & mask)
    low_before = np.where(anchored, value & mask, np.concatenate([[0], low_after[:-1]]))
    step = np.where(comp, (offset - low_before) % (mask + 1), 0)
    positions = np.arange(len(events))
    anchor = np.maximum(np.maximum.accumulate(np.where(anchored, positions, -1)), 0)
    base = np.where(anchored[anchor], value[anchor], 0)
    sums = np.concatenate([[0], np.cumsum(step)])
    running = base + sums[positions + 1] - sums[anchor]
    out[events[comp]] = running[comp]
    return out, compressed


# ---- the decoder -------------------------------------------------------------------------------


def decode(
    part: bytes,
    record_fields: Sequence[str],
    value_fields: Mapping[int, Collection[str]],
    raw_fields: Mapping[int, Collection[str]],
    max_messages: int | None = None,
    developer: Mapping[tuple[str, str], tuple[str, float]] | None = None,
) -> FastPart:
    """Decode one FIT part (a whole file, or one file of a chained file).

    Parameters
    ----------
    part
        The part's bytes: header, data, CRC (the last two possibly cut short).
    record_fields
        ``record`` fields wanted as columns, by profile name (``timestamp`` included).
    value_fields
        Per global message number, the fields wanted with fitparse's values (enum names, scale
        and offset applied; a sub-field also under its parent's name).
    raw_fields
        Per global message number, the fields wanted as stored (``hr``).
    max_messages
        The most message units (:func:`message_units`) the part may hold; None: no limit.
    developer
        ``record`` developer fields read into columns of their own: :func:`developer_key` of
        their description's name and units to (column, factor). Each column is among
        ``record_fields`` and holds, per message, the last valid value of its fields (one
        number each, :func:`developer_scalar`) times the factor; NaN without one.

    Returns
    -------
    FastPart
        Record columns, requested messages, and why decoding stopped early (None: it did not).

    Raises
    ------
    Declined
        Where the result could differ from fitparse's; the reason is in plain words.
    TooManyMessages
        Past ``max_messages``, counted while walking, before any array is built.
    """
    if len(part) < HEADER_MIN or part[8:12] != b".FIT":
        raise Declined("not a FIT header")
    header_size = part[0]
    if header_size < HEADER_MIN or HEADER_MIN < header_size < HEADER_CRC:
        raise Declined("a header of irregular size")
    nothing = {name: np.zeros(0) for name in record_fields}
    if header_size >= HEADER_CRC:
        if len(part) < HEADER_CRC:
            return FastPart(nothing, {}, Stop.TRUNCATED)
        (stored,) = struct.unpack_from("<H", part, HEADER_MIN)
        if stored and stored != crc16(part[:HEADER_MIN]):
            return FastPart(nothing, {}, Stop.CRC)
    if len(part) < header_size:
        return FastPart(nothing, {}, Stop.TRUNCATED)
    (data_size,) = struct.unpack_from("<I", part, 4)
    walk = _Walk(part, header_size + data_size, value_fields, raw_fields, max_messages)
    stop = walk.run(header_size)
    walk.count()
    if stop is None:
        (stored,) = struct.unpack_from("<H", part, walk.end)
        if stored != crc16(part[: walk.end]):
            stop = Stop.CRC  # found after reading everything, as fitparse finds it
    return FastPart(walk.records(record_fields, developer), walk.messages, stop, walk.units)


class _Walk:
    """One pass over the messages of a part, then the bulk reads."""

    def __init__(
        self,
        part: bytes,
        end: int,
        value_fields: Mapping[int, Collection[str]],
        raw_fields: Mapping[int, Collection[str]],
        max_messages: int | None = None,
    ) -> None:
        self.buf = part
        self.max_messages = max_messages
        self.extra = 0  # units beyond one per message, of the messages decoded one by one
        self.end = end  # the declared end of the data [bytes]
        self.value_fields = value_fields
        self.raw_fields = raw_fields
        self.starts = array.array("q")  # offset of every data message
        self.definitions: list[_Definition] = []
        self.one_by_one: list[bool] = []  # per definition
        self.layouts: dict[tuple[bytes, int], int] = {}
        self.changes: dict[int, list[tuple[int, int]]] = {}  # local type: (message count, def)
        self.defined: list[tuple[int, int]] = []  # definition messages: (message count, def)
        self.dev_types: dict[Any, dict[Any, tuple[Any, str | None, Any]]] = {}
        self.dev_version = 0  # bumped whenever a developer field's type may have changed
        self.messages: dict[int, list[dict[str, Any]]] = {}
        self.pending: list[tuple[int, dict[str, Any]]] = []  # waiting for a compressed time

    @property
    def units(self) -> int:
        """Message units walked so far (:func:`message_units`)."""
        return len(self.starts) + self.extra

    def count(self) -> None:
        """Raise :class:`TooManyMessages` once the walk is past the message limit."""
        if self.max_messages is not None and self.units > self.max_messages:
            raise TooManyMessages(self.max_messages)

    def run(self, pos: int) -> Stop | None:
        """Walk the messages; returns why the walk stopped early (None at the declared end).

        The messages are counted against the limit once per :data:`COUNT_WINDOW_BYTES` walked,
        outside the loop that steps over them (a count per message would slow it down).

        Runs of bulk messages of one length (a file's records, mostly) are stepped over in one
        go once :data:`RUN_MIN` of them came in a row: the header bytes at every multiple of
        the length ahead are looked up at once, and the run ends where one is not a bulk
        message of that length (the messages walked are the same as one by one). Where runs
        turn out short (records between other messages), the next look waits longer.
        """
        buf = self.buf
        limit = min(self.end, len(buf))
        step = [0] * 256  # message length by header byte: > 0 bulk, < 0 one by one, 0 undefined
        lengths = np.zeros(256, dtype=np.int64)  # ``step`` for the look-ahead over runs
        u8 = np.frombuffer(buf, dtype=np.uint8)
        current = [-1] * 256  # definition by header byte
        starts = self.starts
        append = starts.append
        cut = False
        last = 0  # the length of the bulk messages just walked ...
        seen = 0  # ... and how many of them came in a row
        need = RUN_MIN
        while pos < limit and not cut:
            window = min(limit, pos + COUNT_WINDOW_BYTES)
            while pos < window:
                h = buf[pos]
                n = step[h]
                if n > 0:
                    if n != last:
                        last, seen = n, 0
                    seen += 1
                    if seen > need:
                        same = lengths[u8[pos:window:n]] == n
                        run = int(same.argmin()) if not same.all() else len(same)
                        starts.frombytes(np.arange(pos, pos + run * n, n, dtype=np.int64).tobytes())
                        pos += run * n
                        seen = 0
                        need = RUN_MIN if run >= RUN_WORTH * RUN_MIN else min(2 * need, RUN_MAX)
                        continue
                    append(pos)
                    pos += n
                    continue
                last = 0
                if n < 0:
                    if pos - n > limit:
                        cut = True
                        break
                    append(pos)
                    self._one(current[h], pos)
                    self.extra += (-n - 1) // SUMMARY_UNIT_BYTES
                    pos -= n
                    continue
                if h & 0xC0 != 0x40:
                    return Stop.UNDEFINED
                length = _definition_length(buf, pos, len(buf))
                if length is None:
                    return self._cut_definition(pos)
                index = self._define(pos, length)
                if pos + length > limit:
                    return self._past_end(pos + length)
                local = h & 0x0F
                self.changes.setdefault(local, []).append((len(starts), index))
                self.defined.append((len(starts), index))
                size = 1 + self.definitions[index].size
                signed = -size if self.one_by_one[index] else size
                for byte in _header_bytes(local):
                    step[byte] = signed
                    current[byte] = index
                    lengths[byte] = signed
                pos += length
            self.count()
        if pos > limit:
            pos = starts.pop()  # the last bulk message runs past the end
        if pos < limit:
            return self._cut(pos, current[buf[pos]])
        return Stop.TRUNCATED if len(buf) < self.end + 2 else None

    def _cut_definition(self, pos: int) -> Stop:
        """A definition message cut by the end of the bytes: fitparse keeps none of it.

        fitparse reads it field by field up to the cut, and fails (rather than stops) on an
        unknown field of odd size among them: that file is left to it.
        """
        buf = self.buf
        if pos + 6 > len(buf):
            return Stop.TRUNCATED
        endian = ">" if buf[pos + 2] else "<"
        (mesg_num,) = struct.unpack_from(endian + "H", buf, pos + 3)
        mesg_type = MESSAGE_TYPES.get(mesg_num)
        whole = min(buf[pos + 5], (len(buf) - pos - 6) // 3)
        for at in range(pos + 6, pos + 6 + 3 * whole, 3):
            num, size, base_num = buf[at], buf[at + 1], buf[at + 2]
            base = BASE_TYPES.get(base_num, BASE_TYPE_BYTE)
            if size % base.size and (mesg_type is None or num not in mesg_type.fields):
                raise Declined("an unknown field of odd size")
        return Stop.TRUNCATED

    def _past_end(self, finish: int) -> Stop:
        """A message ran past the declared data size and ended at ``finish``.

        fitparse reads it whole, then takes the next two bytes as the file CRC: where the file
        ends before them, that is a cut file; where not, its result is left to it.
        """
        if finish + 2 <= len(self.buf):
            raise Declined("a message runs past the data size")
        return Stop.TRUNCATED

    def _cut(self, pos: int, index: int) -> Stop:
        """The data message at ``pos`` runs past the data size or past the bytes there are."""
        finish = pos + 1 + self.definitions[index].size
        if finish <= len(self.buf):
            stop = self._past_end(finish)
            self.starts.append(pos)
            if self.one_by_one[index]:
                self._one(index, pos)
            return stop
        # cut by the end of the file: fitparse keeps the fields it read whole
        defn = self.definitions[index].prefix(len(self.buf) - pos - 1)
        self.definitions.append(defn)
        self.one_by_one.append(self.one_by_one[index])
        cut = len(self.definitions) - 1
        local = _local_type(self.buf[pos])
        self.changes.setdefault(local, []).append((len(self.starts), cut))
        self.starts.append(pos)
        if self.one_by_one[cut]:
            self._one(cut, pos)
        return Stop.TRUNCATED

    def _define(self, pos: int, length: int) -> int:
        """Index of the compiled definition at ``pos`` (compiled once per distinct layout)."""
        buf = self.buf
        has_dev = bool(buf[pos] & 0x20)
        key = (bytes([has_dev]) + buf[pos + 1 : pos + length], self.dev_version if has_dev else -1)
        index = self.layouts.get(key)
        if index is not None:
            return index
        defn = self._parse_definition(pos)
        num = defn.mesg_num
        one_by_one = num in (FIELD_DESCRIPTION, DEVELOPER_DATA_ID)
        if num in self.raw_fields or num in self.value_fields:
            one_by_one = True
            raw = num in self.raw_fields
            names = self.raw_fields[num] if raw else self.value_fields[num]
            defn.message_plan = _message_plan(defn, names, raw)
        self.definitions.append(defn)
        self.one_by_one.append(one_by_one)
        index = len(self.definitions) - 1
        self.layouts[key] = index
        return index

    def _parse_definition(self, pos: int) -> _Definition:
        """The definition message at ``pos``, its bounds already checked."""
        buf = self.buf
        endian = ">" if buf[pos + 2] else "<"
        (mesg_num,) = struct.unpack_from(endian + "H", buf, pos + 3)
        mesg_type = MESSAGE_TYPES.get(mesg_num)
        fields = []
        offset = 0
        at = pos + 6
        for _ in range(buf[pos + 5]):
            num, size, base_num = buf[at], buf[at + 1], buf[at + 2]
            at += 3
            profile = mesg_type.fields.get(num) if mesg_type else None
            base = BASE_TYPES.get(base_num, BASE_TYPE_BYTE)
            if size == 0:
                raise Declined("a field of size zero")  # fitparse: invalid struct format
            if size % base.size:
                if profile is None:
                    raise Declined("an unknown field of odd size")  # fitparse fails naming it
                base = BASE_TYPE_BYTE
            fields.append(_FieldDef(num, size, base, profile, offset))
            offset += size
        dev_fields = []
        if buf[pos] & 0x20:
            at += 1
            for _ in range(buf[at - 1]):
                num, size, dev_index = buf[at], buf[at + 1], buf[at + 2]
                at += 3
                if num == TIMESTAMP_FIELD:
                    raise Declined("a developer field numbered like the timestamp")
                known = self.dev_types.setdefault(dev_index, {})
                if num not in known:
                    known[num] = (BASE_TYPE_BYTE, None, None)  # fitparse's placeholder
                    self.dev_version += 1
                base, name, units = known[num]
                if size < base.size or size % base.size:
                    # fitparse reads whole values only and would lose its place in the file
                    raise Declined("a developer field whose size is not whole values")
                dev_fields.append(_DevFieldDef(size, name, units, base, offset))
                offset += size
        defn = _Definition(mesg_num, endian, tuple(fields), tuple(dev_fields), offset)
        _check(defn)
        return defn

    def _one(self, index: int, pos: int) -> None:
        """Decode a message read one by one (requested, or about developer fields)."""
        defn = self.definitions[index]
        num = defn.mesg_num
        if num == DEVELOPER_DATA_ID:
            self.dev_types[_raw_by_name(defn, self.buf, pos, "developer_data_index")] = {}
            self.dev_version += 1
            return
        if num == FIELD_DESCRIPTION:
            self._describe(defn, pos)
            return
        plan = defn.message_plan
        if plan is None:  # a message cut by the end of the file
            raw = num in self.raw_fields
            names = self.raw_fields[num] if raw else self.value_fields[num]
            plan = defn.message_plan = _message_plan(defn, names, raw)
        values = _decode_message(defn, plan, self.buf, pos)
        self.messages.setdefault(num, []).append(values)
        if self.buf[pos] & 0x80 and not plan.raw and "timestamp" in plan.names:
            self.pending.append((len(self.starts) - 1, values))

    def _describe(self, defn: _Definition, pos: int) -> None:
        """A developer field description: the base type, name and units fitparse gives it."""
        buf = self.buf
        index = _raw_by_name(defn, buf, pos, "developer_data_index")
        number = _raw_by_name(defn, buf, pos, "field_definition_number")
        base_id = _raw_by_name(defn, buf, pos, "fit_base_type_id")
        name = _raw_by_name(defn, buf, pos, "field_name") or f"unnamed_dev_field_{number}"
        if not isinstance(index, int) or base_id not in BASE_TYPES:
            raise Declined("a broken developer field description")  # fitparse fails on it
        units = _raw_by_name(defn, buf, pos, "units")
        self.dev_types.setdefault(index, {})[number] = (BASE_TYPES[base_id], name, units)
        self.dev_version += 1

    def records(
        self,
        names: Sequence[str],
        developer: Mapping[tuple[str, str], tuple[str, float]] | None = None,
    ) -> dict[str, np.ndarray]:
        """Record columns; compressed times are given to the messages waiting for them."""
        if not self.starts:
            return {name: np.zeros(0) for name in names}
        starts = np.frombuffer(self.starts, dtype=np.int64)
        u8 = np.frombuffer(self.buf, dtype=np.uint8)
        headers = u8[starts]
        which = self._definition_of(headers)
        groups = _groups(which, len(self.definitions))

        stamps = None
        if (headers >= 0x80).any():
            full = np.zeros(len(starts), dtype=np.int64)
            has_full = np.zeros(len(starts), dtype=bool)
            for index, members in groups.items():
                defn = self.definitions[index]
                ts = defn.timestamp
                if ts is None:
                    continue
                values = _read_fields(defn, u8, starts[members], [ts])[ts]
                full[members] = values
                has_full[members] = _valid(values, defn.fields[ts].base)
            stamps = compressed_times(headers, full, has_full)
            for message, decoded in self.pending:
                decoded.setdefault("timestamp", int(stamps[0][message]))

        for index in groups:
            defn = self.definitions[index]
            if defn.mesg_num == RECORD and defn.record_plan is None:
                defn.record_plan = _record_plan(defn, names, developer)
        totals = self._totals(groups, u8, starts)
        is_record = np.array([d.mesg_num == RECORD for d in self.definitions])[which]
        rows_of = np.cumsum(is_record) - 1
        out = {name: np.full(int(is_record.sum()), np.nan) for name in names}
        for index, members in groups.items():
            defn = self.definitions[index]
            if defn.mesg_num != RECORD:
                continue
            times = None if stamps is None else (stamps[0][members], stamps[1][members])
            mine = {key: total[members] for key, total in totals.items()}
            columns = _record_columns(defn, names, u8, starts[members], times, mine)
            rows = rows_of[members]
            for name, column in columns.items():
                out[name][rows] = column
        return out

    def _totals(
        self, groups: Mapping[int, np.ndarray], u8: np.ndarray, starts: np.ndarray
    ) -> dict[int, np.ndarray]:
        """Running totals of accumulated record components, by target field number."""
        sources: dict[int, list[tuple[int, int, Any]]] = {}  # target: (definition, field, comp)
        for index, defn in enumerate(self.definitions):
            if defn.record_plan is None or index not in groups:
                continue
            for expansions in defn.record_plan.expanded.values():
                mine = [(index, f, c) for f, c in expansions if c.accumulate]
                if len({c.def_num for _, _, c in mine}) != len(mine):
                    raise Declined("one message accumulates a field twice")
                for source in mine:
                    sources.setdefault(source[2].def_num, []).append(source)
        totals = {}
        for target, feeds in sources.items():
            if len({c.bits for _, _, c in feeds}) > 1:
                raise Declined("a field accumulated with different widths")
            values = np.zeros(len(starts), dtype=np.int64)
            valid = np.zeros(len(starts), dtype=bool)
            for index, number, component in feeds:
                defn = self.definitions[index]
                members = groups[index]
                raw = _read_fields(defn, u8, starts[members], [number])[number]
                values[members] = _component(raw, defn.fields[number].base, component)
                valid[members] = _valid(raw, defn.fields[number].base)
            resets = np.array(
                [
                    at
                    for at, index in self.defined
                    if self.definitions[index].mesg_num == RECORD
                    and target in _resets(self.definitions[index])
                ],
                dtype=np.int64,
            )
            totals[target] = accumulated(values, valid, resets, feeds[0][2].bits)
        return totals

    def _definition_of(self, headers: np.ndarray) -> np.ndarray:
        """The definition in force for each data message, from its local type."""
        local = np.where(headers >= 0x80, (headers >> 5) & 0x03, headers & 0x0F)
        which = np.zeros(len(headers), dtype=np.int64)
        for number, changes in self.changes.items():
            members = np.flatnonzero(local == number)
            if len(changes) == 1:
                which[members] = changes[0][1]
                continue
            at = np.array([c[0] for c in changes])
            defs = np.array([c[1] for c in changes])
            which[members] = defs[np.searchsorted(at, members, side="right") - 1]
        return which


def _groups(which: np.ndarray, count: int) -> dict[int, np.ndarray]:
    """Message indices of each definition, in stream order."""
    order = np.argsort(which, kind="stable")
    bounds = np.searchsorted(which[order], np.arange(count + 1))
    return {
        index: order[bounds[index] : bounds[index + 1]]
        for index in range(count)
        if bounds[index + 1] > bounds[index]
    }


@cache
def _header_bytes(local: int) -> tuple[int, ...]:
    """Header bytes of data messages of a local type: normal (bits 4, 5 ignored), compressed."""
    normal = tuple(local | extra for extra in (0x00, 0x10, 0x20, 0x30))
    if local > 3:
        return normal
    return normal + tuple(0x80 | local << 5 | offset for offset in range(32))


def _local_type(header: int) -> int:
    return (header >> 5) & 0x03 if header & 0x80 else header & 0x0F
