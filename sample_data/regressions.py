"""Regression files for what the parser fuzzer found, rebuilt from code alone.

``python -m sample_data.regressions`` writes every file of :data:`REGRESSIONS` into
``sample_data/regressions/``; ``tests/test_fuzz.py`` checks that the files there are exactly
what this module builds, and that each now ends well (samples that pass the schema check, or a
refusal the parser meant), so the regression tests run without the device corpus.

A fuzzer case is a corpus file with a few bytes changed; its regression file has the same
defect written into a small activity built by :mod:`sample_data.fit_encoder`, so it stays small
and needs nothing but this repository. Each entry says what the fuzzer found and, for a FIT
file, the reason the fast decoder now gives for leaving the file to the reference decoder.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import columns as c
from sample_data.fit_encoder import (
    FILE_ACTIVITY,
    FILE_ID,
    MANUFACTURER_DEVELOPMENT,
    FitWriter,
    encode_activity,
    fit_crc,
    fit_header,
    fit_time,
)

FOLDER = Path(__file__).resolve().parent / "regressions"
"""Where the regression files live."""

START = datetime(2024, 5, 1, 6, 0, tzinfo=UTC)
"""When every seed activity starts."""

RECORD = 20
"""Global message number of ``record``."""


# ---- reading a FIT file's layout ---------------------------------------------------------------


@dataclass(frozen=True)
class FitDefinition:
    """Where the bytes of one definition message are [offsets into the file]."""

    header: int  # the record header byte
    architecture: int  # 0: little-endian, else big-endian
    mesg_num: int  # the global message number
    count: int  # the field count byte
    fields: tuple[int, ...]  # each field's entry: number, size, base type


@dataclass
class FitLayout:
    """Definitions and data message headers of a FIT file's first part, as far as it reads."""

    header_size: int
    definitions: list[FitDefinition] = field(default_factory=list)
    data_headers: list[int] = field(default_factory=list)


def fit_layout(data: bytes) -> FitLayout | None:
    """Walk the messages of the first FIT part, stopping quietly where the bytes stop making sense.

    Used to aim changes at definition messages; it trusts nothing, so it works on damaged files
    too. None where the file does not start with a FIT header.
    """
    if len(data) < 12 or data[8:12] != b".FIT" or data[0] < 12:
        return None
    out = FitLayout(data[0])
    (size,) = struct.unpack_from("<I", data, 4)
    end = min(len(data), data[0] + size)
    sizes: dict[int, int] = {}
    pos = data[0]
    while pos < end:
        header = data[pos]
        if header & 0x80:
            local = (header >> 5) & 0x03
        elif header & 0x40:
            if pos + 6 > end:
                break
            (mesg_num,) = struct.unpack_from(">H" if data[pos + 2] else "<H", data, pos + 3)
            entries = tuple(pos + 6 + 3 * i for i in range(data[pos + 5]))
            at = pos + 6 + 3 * len(entries)
            if at > end:
                break
            body = sum(data[e + 1] for e in entries)
            if header & 0x20:
                if at >= end:
                    break
                developer = tuple(at + 1 + 3 * i for i in range(data[at]))
                at += 1 + 3 * len(developer)
                if at > end:
                    break
                body += sum(data[e + 1] for e in developer)
            out.definitions.append(FitDefinition(pos, pos + 2, mesg_num, pos + 5, entries))
            sizes[header & 0x0F] = body
            pos = at
            continue
        else:
            local = header & 0x0F
        if local not in sizes:
            break
        out.data_headers.append(pos)
        pos += 1 + sizes[local]
    return out


def refresh_crcs(data: bytes) -> bytes:
    """The header CRC and the file CRC recomputed where the header says they are."""
    if len(data) < 12 or data[8:12] != b".FIT":
        return data
    out = bytearray(data)
    if out[0] >= 14 and len(out) >= 14:
        struct.pack_into("<H", out, 12, fit_crc(bytes(out[:12])))
    (size,) = struct.unpack_from("<I", out, 4)
    end = out[0] + size
    if end + 2 <= len(out):
        struct.pack_into("<H", out, end, fit_crc(bytes(out[:end])))
    return bytes(out)


# ---- seeds -------------------------------------------------------------------------------------


def seed_samples(records: int) -> pd.DataFrame:
    """A steady 1 Hz run of ``records`` samples: 3 m/s north-east, gently varying heart rate."""
    seconds = np.arange(records, dtype=np.float64)
    return pd.DataFrame(
        {
            c.TIMESTAMP: pd.Timestamp(START) + pd.to_timedelta(seconds, unit="s"),
            c.LATITUDE_DEG: 47.0 + seconds * 2e-5,
            c.LONGITUDE_DEG: 8.0 + seconds * 2e-5,
            c.DISTANCE_M: seconds * 3.0,
            c.SPEED_MPS: np.full(records, 3.0),
            c.ALTITUDE_M: 400.0 + np.sin(seconds / 60.0) * 5.0,
            c.HEART_RATE_BPM: 140.0 + np.round(np.sin(seconds / 30.0) * 10.0),
            c.CADENCE_SPM: np.full(records, 170.0),
            c.POWER_W: np.full(records, 250.0),
        }
    )


def seed_activity(records: int) -> bytes:
    """A complete FIT run of ``records`` records under one record definition."""
    return encode_activity(seed_samples(records), utc_offset_s=7200)


def with_record_field_base_type(data: bytes, number: int, base_type: int) -> bytes:
    """``data`` with the base type of record field ``number`` changed in every record definition.

    The CRCs are recomputed, so readers take the change for what the device wrote.
    """
    layout = fit_layout(data)
    if layout is None:
        raise ValueError("not a FIT file")
    out = bytearray(data)
    changed = 0
    for definition in layout.definitions:
        if definition.mesg_num != RECORD:
            continue
        for entry in definition.fields:
            if out[entry] == number:
                out[entry + 2] = base_type
                changed += 1
    if not changed:
        raise ValueError(f"no record definition holds field {number}")
    return refresh_crcs(bytes(out))


def _file_id(writer: FitWriter) -> None:
    writer.write(
        FILE_ID,
        {"type": FILE_ACTIVITY, "manufacturer": MANUFACTURER_DEVELOPMENT, "time_created": START},
    )


# ---- the regressions ---------------------------------------------------------------------------


def heart_rate_as_byte() -> bytes:
    """Heart rate (1 byte) declared ``uint16``: fitparse falls back to ``byte`` and a tuple."""
    return with_record_field_base_type(seed_activity(300), 3, 0x84)


def timestamp_as_byte_with_compressed_times() -> bytes:
    """A record timestamp one byte long (read as ``byte``) with compressed-timestamp headers."""
    writer = FitWriter()
    _file_id(writer)
    # local 0: record with timestamp (253) of 1 byte, declared uint32, and heart rate (3)
    writer.write_raw(bytes([0x40, 0, 0]) + struct.pack("<HB", RECORD, 2))
    writer.write_raw(bytes([253, 1, 0x86, 3, 1, 0x02]))
    time = fit_time(START)
    for second in range(40):
        if second % 8 == 0:
            writer.write_raw(bytes([0x00, (time + second) & 0xFF, 140]))
        else:
            offset = (time + second) & 0x1F
            writer.write_raw(bytes([0x80 | offset, 0xFF, 141]))
    return writer.to_bytes()


def definition_cut_inside_an_unknown_odd_field() -> bytes:
    """A file cut inside a definition whose first field is unknown and of odd size.

    fitparse reads the field entry before the cut and fails on it ("corrupt"); the fast
    decoder used to skip the cut definition and call the file truncated.
    """
    body = bytearray(fit_body(seed_activity(30)))
    definition = bytes([0x41, 0, 0]) + struct.pack("<HB", RECORD, 5) + bytes([240, 3, 0x84])
    body += definition
    declared = len(body) + 3 * 4  # the four field entries the file never got to
    return fit_header(declared) + bytes(body)


def fit_body(data: bytes) -> bytes:
    """The data of a FIT file: what lies between its header and its CRC."""
    (size,) = struct.unpack_from("<I", data, 4)
    return data[data[0] : data[0] + size]


def iso_time(second: int, year: int | None = None) -> str:
    """The time ``second`` seconds after :data:`START` in ISO 8601, its year replaced if given."""
    when = START + timedelta(seconds=second)
    return (when if year is None else when.replace(year=year)).strftime("%Y-%m-%dT%H:%M:%SZ")


def seed_gpx(times: Sequence[str]) -> bytes:
    """A GPX track with one point per time, 3 m apart."""
    points = "".join(
        f'<trkpt lat="{47 + i * 2e-5:.5f}" lon="{8 + i * 2e-5:.5f}"><ele>400</ele>'
        f"<time>{time}</time></trkpt>\n"
        for i, time in enumerate(times)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="Stridelog" xmlns="http://www.topografix.com/GPX/1/1">\n'
        f"<trk><type>running</type><trkseg>\n{points}</trkseg></trk></gpx>\n"
    ).encode()


def seed_tcx(times: Sequence[str]) -> bytes:
    """A TCX run with one trackpoint per time (position, altitude, distance, heart rate)."""
    points = "".join(
        f"<Trackpoint><Time>{time}</Time><Position><LatitudeDegrees>{47 + i * 2e-5:.5f}"
        f"</LatitudeDegrees><LongitudeDegrees>{8 + i * 2e-5:.5f}</LongitudeDegrees></Position>"
        f"<AltitudeMeters>400</AltitudeMeters><DistanceMeters>{3 * i}</DistanceMeters>"
        f"<HeartRateBpm><Value>{140 + i}</Value></HeartRateBpm></Trackpoint>\n"
        for i, time in enumerate(times)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/'
        'TrainingCenterDatabase/v2">\n'
        f'<Activities><Activity Sport="Running"><Id>{times[0]}</Id>\n'
        f'<Lap StartTime="{times[0]}"><TotalTimeSeconds>{len(times)}</TotalTimeSeconds>'
        f"<DistanceMeters>{3 * (len(times) - 1)}</DistanceMeters><Track>\n{points}"
        "</Track></Lap></Activity></Activities></TrainingCenterDatabase>\n"
    ).encode()


def gpx_year_2999() -> bytes:
    """A GPX track whose last point is dated in the year 2999, beyond pandas' datetimes."""
    return seed_gpx([iso_time(0), iso_time(1), iso_time(2, year=2999)])


def tcx_year_1600() -> bytes:
    """A TCX run whose second trackpoint is dated in the year 1600, before pandas' datetimes."""
    return seed_tcx([iso_time(0), iso_time(1, year=1600), iso_time(2)])


@dataclass(frozen=True)
class Regression:
    """One file the fuzzer found a fault with, as this module rebuilds it.

    ``open`` names the exception a fault still raises where it is not fixed yet (its parser is
    being reworked elsewhere); the fuzzing suite then expects the fault and fails once it is
    gone, so the entry is closed (``open=None``) with the fix.
    """

    file_name: str
    found: str  # the fault, in plain words
    build: Callable[[], bytes]
    declined: str | None = None  # the reason the fast FIT decoder now gives, if FIT
    open: str | None = None  # the exception still raised, while the fault is open


REGRESSIONS: tuple[Regression, ...] = (
    Regression(
        "fit-heart-rate-declared-uint16.fit",
        "the fast FIT decoder read a one-byte byte field as a column and broadcast it against "
        "the others: memory grew with the square of the record count, then a ValueError",
        heart_rate_as_byte,
        declined="record field heart_rate stored as byte[1]",
    ),
    Regression(
        "fit-timestamp-one-byte-compressed.fit",
        "the fast FIT decoder took a one-byte timestamp for an integer and failed with a "
        "ValueError resolving compressed timestamps",
        timestamp_as_byte_with_compressed_times,
        declined="a timestamp is not stored as an integer",
    ),
    Regression(
        "fit-definition-cut-in-unknown-odd-field.fit",
        "the fast FIT decoder called a file truncated where fitparse fails on the field entry "
        "it reads before the cut",
        definition_cut_inside_an_unknown_odd_field,
        declined="an unknown field of odd size",
    ),
    Regression(
        "gpx-year-2999.gpx",
        "a GPX time outside pandas' range (years 1677-2262) raised OutOfBoundsDatetime in the "
        "GPX reader's time parsing, refused only by the last guard as 'could not be read'; "
        "the point is now skipped with a note",
        gpx_year_2999,
    ),
    Regression(
        "tcx-year-1600.tcx",
        "a TCX time outside pandas' range raised OutOfBoundsDatetime in the shared ISO time "
        "parsing of the XML readers, refused only by the last guard as 'could not be read'; "
        "the point is now skipped with a note",
        tcx_year_1600,
    ),
)
"""Every regression file, in the order they were found."""


def write_all(folder: Path = FOLDER) -> list[Path]:
    """Write every regression file into ``folder``; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for regression in REGRESSIONS:
        path = folder / regression.file_name
        path.write_bytes(regression.build())
        out.append(path)
    return out


def main() -> None:
    """Rewrite ``sample_data/regressions/`` from :data:`REGRESSIONS`."""
    for path in write_all():
        print(f"{path.name}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
