"""A tiny FIT writer for hand-built test files (FIT protocol 2.0, little-endian).

Each message carries its own definition (local message type 0), which the protocol allows and
keeps the writer short. Values are the raw integers the file stores: the test does the scaling by
hand (distance in cm, speed in mm/s, times in seconds since 1989-12-31 UTC ...). Developer fields
(a Connect IQ app's own figures) are declared by :func:`developer_data_id` and
:func:`field_description` and written with :class:`DevField` values.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass

FIT_EPOCH_S = 631_065_600  # 1989-12-31 00:00:00 UTC as a Unix time

# base types: (id, struct code)
ENUM = (0x00, "B")
UINT8 = (0x02, "B")
UINT16 = (0x84, "H")
SINT32 = (0x85, "i")
UINT32 = (0x86, "I")
BYTE = (0x0D, "B")
FLOAT32 = (0x88, "f")
STRING = (0x07, "s")

# global message numbers
FILE_ID, SESSION, LAP, RECORD, EVENT, ACTIVITY, HR = 0, 18, 19, 20, 21, 34, 132
FIELD_DESCRIPTION, DEVELOPER_DATA_ID = 206, 207

# enums of the FIT profile
FILE_ACTIVITY, FILE_SETTINGS = 4, 2
SPORT_GENERIC, SPORT_RUNNING, SPORT_CYCLING = 0, 1, 2
SUB_SPORT_TREADMILL = 1
EVENT_TIMER, EVENT_START, EVENT_STOP_ALL = 0, 0, 4

_CRC_TABLE = (
    0x0000,
    0xCC01,
    0xD801,
    0x1400,
    0xF001,
    0x3C00,
    0x2800,
    0xE401,
    0xA001,
    0x6C00,
    0x7800,
    0xB401,
    0x5000,
    0x9C01,
    0x8801,
    0x4400,
)


def crc16(data: bytes, crc: int = 0) -> int:
    """The FIT CRC (CRC-16/ARC, one nibble at a time as the FIT protocol document gives it)."""
    for byte in data:
        for nibble in (byte & 0xF, byte >> 4):
            tmp = _CRC_TABLE[crc & 0xF]
            crc = (crc >> 4) & 0x0FFF
            crc = crc ^ tmp ^ _CRC_TABLE[nibble]
    return crc


@dataclass(frozen=True)
class Field:
    """One field: its number in the profile, base type and raw value (or array of values).

    A ``STRING`` field's value is its bytes (padded with NULs to its size by the caller).
    """

    number: int
    base: tuple[int, str]
    value: int | float | bytes | Sequence[int | float]


@dataclass(frozen=True)
class DevField:
    """One developer field of a message: its number, its developer's index, raw value(s)."""

    number: int
    developer: int
    base: tuple[int, str]
    value: int | float | Sequence[int | float]


def _packed(base: tuple[int, str], value: int | float | bytes | Sequence[int | float]) -> bytes:
    if isinstance(value, bytes):
        return struct.pack(f"<{len(value)}s", value)
    values = [value] if isinstance(value, int | float) else list(value)
    return struct.pack(f"<{len(values)}{base[1]}", *values)


def message(
    global_number: int, *fields: Field, local: int = 0, dev: Sequence[DevField] = ()
) -> bytes:
    """A definition message followed by its one data message."""
    header = 0x40 | local | (0x20 if dev else 0)
    definition = struct.pack("<BBBHB", header, 0, 0, global_number, len(fields))
    data = struct.pack("<B", local)
    for f in fields:
        packed = _packed(f.base, f.value)
        definition += struct.pack("<BBB", f.number, len(packed), f.base[0])
        data += packed
    if dev:
        definition += struct.pack("<B", len(dev))
        for d in dev:
            packed = _packed(d.base, d.value)
            definition += struct.pack("<BBB", d.number, len(packed), d.developer)
            data += packed
    return definition + data


def developer_data_id(index: int = 0) -> bytes:
    """A ``developer_data_id`` message: developer ``index`` starts (again) without fields."""
    return message(DEVELOPER_DATA_ID, Field(3, UINT8, index))


def _text(text: str, size: int = 32) -> bytes:
    raw = text.encode("utf-8")[: size - 1]
    return raw + b"\x00" * (size - len(raw))


def field_description(
    index: int, number: int, base: tuple[int, str], name: str, units: str | None = None
) -> bytes:
    """A ``field_description`` message: developer field ``number`` of developer ``index``."""
    fields = [
        Field(0, UINT8, index),  # developer_data_index
        Field(1, UINT8, number),  # field_definition_number
        Field(2, UINT8, base[0]),  # fit_base_type_id
        Field(3, STRING, _text(name)),  # field_name
    ]
    if units is not None:
        fields.append(Field(8, STRING, _text(units, 16)))  # units
    return message(FIELD_DESCRIPTION, *fields)


def fit_file(*messages: bytes) -> bytes:
    """A complete FIT file: 14-byte header with its CRC, the messages, the file CRC."""
    body = b"".join(messages)
    header = struct.pack("<BBHI4s", 14, 0x20, 2132, len(body), b".FIT")
    header += struct.pack("<H", crc16(header))
    content = header + body
    return content + struct.pack("<H", crc16(content))


def file_id(file_type: int = FILE_ACTIVITY) -> bytes:
    return message(FILE_ID, Field(0, ENUM, file_type), Field(1, UINT16, 255))


def pack_12bit(values: Sequence[int]) -> list[int]:
    """Values of 12 bits packed little-endian, least significant bits first, as bytes."""
    number = 0
    for i, value in enumerate(values):
        number |= (value & 0xFFF) << (12 * i)
    return list(number.to_bytes(len(values) * 12 // 8, "little"))
