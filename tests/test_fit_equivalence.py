"""The fast FIT path gives the reference decoder's results, or declines and says so.

Three layers: every FIT file of the device corpus; hand-built files for each feature the fast
decoder models (values worked out by hand); random FIT streams. Each compares, per chained part,
what both decoders read (record columns, summary messages, why decoding stopped), then the
activities built from them (samples exactly, every summary field, laps, fix notes).
"""

from __future__ import annotations

import dataclasses
import struct
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from fitparse.records import BASE_TYPES, Crc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import columns as c
from analysis.errors import ParseError
from analysis.parsers import fit as fit_parser
from analysis.parsers import fit_fast
from analysis.parsers.base import ParsedActivity
from analysis.parsers.fit import (
    DEVELOPER_SLOTS,
    FAST_PATH_DECLINED,
    FAST_PATH_FAILED,
    RECORD_FIELDS,
    FitPart,
    decode_parts,
    read_fit,
)
from tests.conftest import corpus_files
from tests.fit_helpers import (
    ACTIVITY,
    BYTE,
    ENUM,
    EVENT,
    FILE_ID,
    FIT_EPOCH_S,
    HR,
    LAP,
    RECORD,
    SESSION,
    SINT32,
    SPORT_RUNNING,
    UINT8,
    UINT16,
    UINT32,
    crc16,
)

T0 = 1_000_000_000  # FIT seconds; a multiple of 32, so its low 5 bits are 0
T0_UTC = pd.Timestamp(T0 + FIT_EPOCH_S, unit="s", tz="UTC")

SINT8 = (0x01, "b")
SINT16 = (0x83, "h")
UINT8Z = (0x0A, "B")
UINT16Z = (0x8B, "H")
UINT32Z = (0x8C, "I")
FLOAT32 = (0x88, "f")
FLOAT64 = (0x89, "d")
STRING = (0x07, "s")
SPORT, DEVICE_INFO, FIELD_DESCRIPTION, DEVELOPER_DATA_ID = 12, 23, 206, 207


# ---- a FIT writer with the features the fast path models ---------------------------------------


@dataclasses.dataclass(frozen=True)
class Layout:
    """A definition: local type, global message, fields (number, base type, values per field)."""

    local: int
    mesg_num: int
    fields: tuple[tuple[int, tuple[int, str], int], ...]
    big: bool = False
    dev: tuple[tuple[int, int, int], ...] = ()  # (field number, size, developer data index)

    def define(self) -> bytes:
        order = ">" if self.big else "<"
        out = struct.pack("<BBB", 0x40 | self.local | (0x20 if self.dev else 0), 0, self.big)
        out += struct.pack(order + "HB", self.mesg_num, len(self.fields))
        for number, base, count in self.fields:
            out += struct.pack("<BBB", number, count * struct.calcsize(base[1]), base[0])
        if self.dev:
            out += struct.pack("<B", len(self.dev))
            for entry in self.dev:
                out += struct.pack("<BBB", *entry)
        return out

    def data(self, *values: Any, offset: int | None = None, dev: bytes = b"") -> bytes:
        """A data message; ``offset`` gives it a compressed-timestamp header."""
        order = ">" if self.big else "<"
        header = self.local if offset is None else 0x80 | self.local << 5 | offset
        out = struct.pack("<B", header)
        for (_, base, count), value in zip(self.fields, values, strict=True):
            items = list(value) if isinstance(value, tuple | list) else [value]
            code = f"{count}s" if base[1] == "s" else f"{count}{base[1]}"
            out += struct.pack(order + code, *items)
        return out + dev


def frame(body: bytes, header_size: int = 14, header_crc: int | None = None) -> bytes:
    """A FIT part around ``body``: header (CRC computed unless given), data, file CRC."""
    header = struct.pack("<BBHI4s", header_size, 0x20, 2132, len(body), b".FIT")
    if header_size == 14:
        header += struct.pack("<H", crc16(header) if header_crc is None else header_crc)
    content = header + body
    return content + struct.pack("<H", crc16(content))


FILE = Layout(0, FILE_ID, ((0, ENUM, 1), (1, UINT16, 1)))
RUN_SESSION = Layout(
    0, SESSION, ((253, UINT32, 1), (2, UINT32, 1), (5, ENUM, 1), (7, UINT32, 1), (18, UINT8, 1))
)


def file_id() -> bytes:
    return FILE.define() + FILE.data(4, 255)


def session(start: int = T0) -> bytes:
    return RUN_SESSION.define() + RUN_SESSION.data(start + 60, start, SPORT_RUNNING, 60_000, 85)


# ---- comparing both paths ----------------------------------------------------------------------


def _typed(messages: list[dict[str, Any]]) -> list[dict[str, tuple[str, Any]]]:
    """Messages with each value's type made part of it (1 and 1.0 are not the same value)."""
    return [{k: (type(v).__name__, v) for k, v in m.items()} for m in messages]


def _column(part: FitPart, name: str) -> np.ndarray:
    return np.concatenate([block[name] for block in part.records])


def assert_same_part(fast: FitPart, ref: FitPart) -> None:
    assert fast.stop == ref.stop
    assert (fast.file_type, fast.has_file_id) == (ref.file_type, ref.has_file_id)
    for name in (*RECORD_FIELDS, *DEVELOPER_SLOTS):
        ours, theirs = _column(fast, name), _column(ref, name)
        assert ours.dtype == theirs.dtype == np.float64
        np.testing.assert_array_equal(ours, theirs, err_msg=name, strict=True)
    for attr in ("sessions", "laps", "events", "sports", "activities", "hr"):
        assert _typed(getattr(fast, attr)) == _typed(getattr(ref, attr)), attr


def _outcome(parts: list[FitPart], junk: int, name: str) -> list[ParsedActivity] | str:
    """The activities, or the reason the file is refused (as read_fit words it)."""
    try:
        return fit_parser._activities(parts, junk, name)
    except ParseError as err:
        return err.reason
    except Exception as err:  # read_fit's last guard refuses the file naming the error
        return f"could not be read ({type(err).__name__})"


def _is_decline_note(fix: str) -> bool:
    head = FAST_PATH_DECLINED.split("{")[0]
    return fix.startswith(head)


def assert_same_activities(
    fast: list[ParsedActivity] | str, ref: list[ParsedActivity] | str
) -> None:
    if isinstance(ref, str) or isinstance(fast, str):
        assert fast == ref
        return
    assert len(fast) == len(ref)
    for a, b in zip(fast, ref, strict=True):
        pd.testing.assert_frame_equal(a.samples, b.samples, check_exact=True)
        if b.laps is None:
            assert a.laps is None
        else:
            assert a.laps is not None
            pd.testing.assert_frame_equal(a.laps, b.laps, check_exact=True)
        assert [f for f in a.fixes if not _is_decline_note(f)] == b.fixes
        for f in dataclasses.fields(ParsedActivity):
            if f.name not in ("samples", "laps", "fixes"):
                assert getattr(a, f.name) == getattr(b, f.name), f.name


def assert_same(data: bytes, name: str = "hand.fit") -> list[str]:
    """Both paths give the same parts and activities; returns the fast path's declines."""
    fast, junk = decode_parts(data)
    ref, ref_junk = decode_parts(data, fast=False)
    assert junk == ref_junk
    assert len(fast) == len(ref)
    for ours, theirs in zip(fast, ref, strict=True):
        assert theirs.declined is None
        assert_same_part(ours, theirs)
    declined = [p.declined for p in fast if p.declined is not None]
    failed = FAST_PATH_FAILED.split("(")[0]
    assert not [reason for reason in declined if reason.startswith(failed)]
    # activities are built after the comparison: building merges continuation parts in place
    ours_out, theirs_out = _outcome(fast, junk, name), _outcome(ref, ref_junk, name)
    assert_same_activities(ours_out, theirs_out)
    if declined and not isinstance(ours_out, str):
        note = FAST_PATH_DECLINED.format(reason=declined[0])
        assert all(note in act.fixes for act in ours_out)
    return declined


# ---- the device corpus -------------------------------------------------------------------------

FIT_FILES = [p for p in corpus_files("fit", ".fit") if p.stat().st_size > 0]


@pytest.mark.corpus
@pytest.mark.parametrize("path", FIT_FILES, ids=[p.name for p in FIT_FILES])
def test_fast_path_equals_the_reference_on_every_corpus_file(corpus_dir: Path, path: Path) -> None:
    declined = assert_same(path.read_bytes(), path.name)
    # every corpus file is read by the fast path itself: a decline here is a regression
    assert declined == []


# ---- hand-built files: each feature, values worked out by hand ---------------------------------

RECORD_TIME_HR = Layout(0, RECORD, ((253, UINT32, 1), (3, UINT8, 1)))


def _records(part_list: list[FitPart], name: str) -> list[float]:
    return [float(v) for v in np.concatenate([_column(p, name) for p in part_list])]


def test_compressed_timestamps_count_from_the_last_full_time() -> None:
    event = Layout(1, EVENT, ((253, UINT32, 1), (0, ENUM, 1), (1, ENUM, 1)))
    compressed = Layout(0, RECORD, ((3, UINT8, 1),))  # no timestamp field of its own
    full = Layout(2, RECORD, ((253, UINT32, 1), (3, UINT8, 1)))
    body = file_id() + event.define() + full.define() + compressed.define()
    body += event.data(T0 + 30, 0, 0)  # an event's time anchors the records after it
    body += compressed.data(150, offset=31)  # low bits 30 -> 31: T0 + 31
    body += compressed.data(151, offset=2)  # 2 < 31: the 5 bits wrapped: T0 + 32 + 2
    body += compressed.data(152, offset=5)  # T0 + 37
    body += full.data(T0 + 100, 153)  # low bits of T0 + 100 are 4
    body += compressed.data(154, offset=3)  # 3 < 4: wrapped: T0 + 100 - 4 + 32 + 3 = T0 + 131
    data = frame(body + session())
    assert assert_same(data) == []
    parts, _ = decode_parts(data)
    times = _records(parts, "timestamp")
    assert times == [T0 + 31, T0 + 34, T0 + 37, T0 + 100, T0 + 131]
    assert _records(parts, "heart_rate") == [150, 151, 152, 153, 154]


def test_big_endian_fields_other_base_types_and_invalid_values() -> None:
    layout = Layout(
        0,
        RECORD,
        (
            (253, UINT32, 1),
            (3, UINT16, 1),  # heart_rate written as uint16
            (0, SINT32, 1),  # position_lat
            (2, SINT16, 1),  # altitude: scale 5, offset 500
            (7, UINT16Z, 1),  # power: 0 is invalid for a z type
            (4, FLOAT32, 1),  # cadence
        ),
        big=True,
    )
    body = file_id() + layout.define()
    body += layout.data(T0, 150, -572_662_306, 2600, 250, 85.5)
    body += layout.data(T0 + 1, 0xFFFF, 0x7FFFFFFF, 0x7FFF, 0, float("nan"))
    data = frame(body + session())
    assert assert_same(data) == []
    parts, _ = decode_parts(data)
    assert _records(parts, "heart_rate")[0] == 150.0
    assert _records(parts, "position_lat")[0] == -572_662_306.0
    assert _records(parts, "altitude")[0] == 2600 / 5 - 500  # 20 m
    assert _records(parts, "power")[0] == 250.0
    assert _records(parts, "cadence")[0] == 85.5
    for name in ("heart_rate", "position_lat", "altitude", "power", "cadence"):
        assert np.isnan(_records(parts, name)[1]), name


def test_developer_fields_not_asked_for_are_skipped_by_their_described_size() -> None:
    dev_id = Layout(1, DEVELOPER_DATA_ID, ((3, UINT8, 1),))
    describe = Layout(2, FIELD_DESCRIPTION, ((0, UINT8, 1), (1, UINT8, 1), (2, UINT8, 1)))
    # field 0 of developer 0 holds a uint32; field 1 has no description (read as bytes)
    layout = Layout(0, RECORD, ((253, UINT32, 1), (3, UINT8, 1)), dev=((0, 4, 0), (1, 3, 0)))
    body = file_id() + dev_id.define() + dev_id.data(0)
    body += describe.define() + describe.data(0, 0, 0x86)
    body += layout.define()
    body += layout.data(T0, 140, dev=b"\x01\x02\x03\x04\xaa\xbb\xcc")
    body += layout.data(T0 + 1, 141, dev=b"\x05\x06\x07\x08\xdd\xee\xff")
    data = frame(body + session())
    assert assert_same(data) == []
    assert _records(decode_parts(data)[0], "heart_rate") == [140.0, 141.0]


def test_speed_over_16_bits_takes_its_enhanced_copy_like_fitparse() -> None:
    # speed written as uint32 70000 mm/s; fitparse expands enhanced_speed from its low 16
    # bits (70000 - 65536 = 4464 mm/s), and enhanced speed wins in the speed column
    layout = Layout(0, RECORD, ((253, UINT32, 1), (6, UINT32, 1)))
    body = file_id() + layout.define() + layout.data(T0, 70_000) + layout.data(T0 + 1, 3000)
    data = frame(body + session())
    assert assert_same(data) == []
    parts, _ = decode_parts(data)
    assert _records(parts, "speed") == [70.0, 3.0]
    assert _records(parts, "enhanced_speed") == [4.464, 3.0]
    act = read_fit(data, "speed.fit")[0]
    assert act.samples[c.SPEED_MPS].tolist() == [4.464, 3.0]


def _speed_distance(speed_cm_s: int, distance_16th_m: int) -> tuple[int, int, int]:
    """compressed_speed_distance bytes: 12 bits of speed [cm/s], 12 bits of distance [m/16]."""
    packed = speed_cm_s | (distance_16th_m & 0xFFF) << 12
    return packed & 0xFF, packed >> 8 & 0xFF, packed >> 16


def test_compressed_speed_distance_accumulates_and_restarts_at_a_definition() -> None:
    layout = Layout(0, RECORD, ((253, UINT32, 1), (8, BYTE, 3)))
    body = file_id() + layout.define()
    body += layout.data(T0, _speed_distance(354, 4000))
    body += layout.data(T0 + 1, _speed_distance(355, 4090))
    body += layout.data(T0 + 2, _speed_distance(356, 20))  # 12 bits wrapped: 4096 + 20
    body += layout.data(T0 + 3, (0xFF, 0xFF, 0xFF))  # invalid: no speed, no distance
    body += layout.define()  # a new definition starts the total from 0
    body += layout.data(T0 + 4, _speed_distance(357, 100))
    data = frame(body + session())
    assert assert_same(data) == []
    parts, _ = decode_parts(data)
    distance = _records(parts, "distance")
    assert distance[:3] == [4000 / 16, 4090 / 16, (4096 + 20) / 16]
    assert np.isnan(distance[3])
    assert distance[4] == 100 / 16
    assert _records(parts, "speed")[:3] == [3.54, 3.55, 3.56]


def test_a_record_cut_by_the_end_keeps_its_whole_fields() -> None:
    layout = Layout(0, RECORD, ((253, UINT32, 1), (3, UINT8, 1), (5, UINT32, 1)))
    body = file_id() + layout.define()
    body += layout.data(T0, 150, 1000) + layout.data(T0 + 1, 151, 1300)
    data = frame(body)
    cut = data[: len(data) - 2 - 2]  # no CRC, and half of the last distance
    assert assert_same(cut) == []
    parts, _ = decode_parts(cut)
    assert parts[0].stop == "truncated FIT file"
    assert _records(parts, "timestamp") == [T0, T0 + 1]
    assert _records(parts, "heart_rate") == [150, 151]
    distance = _records(parts, "distance")
    assert distance[0] == 10.0 and np.isnan(distance[1])
    # cut inside a definition, inside the CRC, and right after the header
    assert assert_same(data[: 14 + len(file_id()) + 4]) == []
    assert assert_same(data[:-1]) == []
    assert assert_same(data[:15]) == []


def test_checksums_are_checked_like_fitparse() -> None:
    body = file_id() + RECORD_TIME_HR.define()
    body += RECORD_TIME_HR.data(T0, 120) + RECORD_TIME_HR.data(T0 + 1, 121) + session()
    good = frame(body)
    assert assert_same(good) == []
    assert assert_same(frame(body, header_crc=0)) == []  # 0 means "not computed"
    assert assert_same(frame(body, header_size=12)) == []  # no header CRC at all
    bad_file_crc = good[:-1] + bytes([good[-1] ^ 0x01])
    bad_header_crc = frame(body, header_crc=0x1234)
    for data in (bad_file_crc, bad_header_crc):
        assert assert_same(data) == []
        with pytest.raises(ParseError, match="CRC mismatch"):
            read_fit(data, "crc.fit")


def test_an_undefined_local_type_stops_like_fitparse() -> None:
    body = file_id() + RECORD_TIME_HR.define() + RECORD_TIME_HR.data(T0, 120) + b"\x05"
    data = frame(body)
    assert assert_same(data) == []
    assert decode_parts(data)[0][0].stop == fit_parser._REASON_UNDEFINED


def test_local_types_redefined_along_the_file() -> None:
    event = Layout(0, EVENT, ((253, UINT32, 1), (0, ENUM, 1), (1, ENUM, 1)))
    wide = Layout(0, RECORD, ((253, UINT32, 1), (3, UINT8, 1), (5, UINT32, 1)))
    other = Layout(1, RECORD, ((5, UINT32, 1), (253, UINT32, 1)))
    body = file_id() + RECORD_TIME_HR.define() + RECORD_TIME_HR.data(T0, 120)
    body += event.define() + event.data(T0, 0, 0)  # local 0 now means event
    body += other.define() + other.data(500, T0 + 1)
    body += wide.define() + wide.data(T0 + 2, 122, 800) + other.data(900, T0 + 3)
    data = frame(body + session())
    assert assert_same(data) == []
    parts, _ = decode_parts(data)
    assert _records(parts, "timestamp") == [T0, T0 + 1, T0 + 2, T0 + 3]
    assert _records(parts, "distance")[1:] == [5.0, 8.0, 9.0]
    assert parts[0].events == [{"timestamp": T0, "event": "timer", "event_type": "start"}]


def _long_walk() -> tuple[bytes, list[int]]:
    """Runs of records long and short, past the walk's counting windows, and what breaks them.

    Returns the file and its record heart rates in file order.
    """
    event = Layout(2, EVENT, ((253, UINT32, 1), (0, ENUM, 1), (1, ENUM, 1)))
    same_size = Layout(1, RECORD, ((3, UINT8, 1), (253, UINT32, 1)))  # as long as RECORD_TIME_HR
    wide = Layout(0, RECORD, ((253, UINT32, 1), (3, UINT8, 1), (5, UINT32, 1)))
    body = file_id() + RECORD_TIME_HR.define() + same_size.define() + event.define()
    hr: list[int] = []
    t = T0
    for i in range(6000):  # 6 bytes a record: 36 kB, then 9 bytes: 45 kB
        t += 1
        bpm = 100 + i % 97
        if i % 700 == 699:
            body += same_size.data(bpm, t)  # another local type of the same length
        elif i % 500 == 499:
            body += RECORD_TIME_HR.data(t, bpm, offset=t % 32)  # a compressed-time header
        else:
            body += RECORD_TIME_HR.data(t, bpm)
        hr.append(bpm)
        if i % 1000 == 999:
            body += event.data(t, 0, 0)  # a message read one by one
        if 3000 <= i < 4000 and i % 11 == 10:
            body += event.data(t, 0, 4)  # short runs: the look-ahead waits longer
    body += wide.define()  # local 0 redefined with another length mid-file
    for i in range(5000):
        t += 1
        body += wide.data(t, 60 + i % 50, 100 * i)
        hr.append(60 + i % 50)
    return frame(body + session()), hr


def test_long_runs_of_records_walk_as_one_by_one() -> None:
    data, hr = _long_walk()
    assert len(data) > fit_fast.COUNT_WINDOW_BYTES  # a run crosses a counting window
    assert assert_same(data) == []
    parts, _ = decode_parts(data)
    assert _records(parts, "heart_rate") == [float(v) for v in hr]
    # cut inside the last run, and just past a message inside it
    for cut in (len(data) - 1234, len(data) - 1234 + 3):
        assert assert_same(data[:cut]) == []


def test_summary_messages_decode_like_fitparse() -> None:
    # avg_cadence resolves to its avg_running_cadence sub-field for a run; times stay FIT
    # seconds; the activity's local time gives the offset; a lap names its sport
    lap = Layout(1, LAP, ((2, UINT32, 1), (7, UINT32, 1), (9, UINT32, 1), (25, ENUM, 1)))
    sport = Layout(2, SPORT, ((0, ENUM, 1), (1, ENUM, 1), (3, STRING, 8)))
    activity = Layout(3, ACTIVITY, ((253, UINT32, 1), (5, UINT32, 1)))
    body = file_id() + RECORD_TIME_HR.define()
    body += RECORD_TIME_HR.data(T0, 120) + RECORD_TIME_HR.data(T0 + 60, 130)
    body += lap.define() + lap.data(T0, 60_000, 20_000, 1)
    body += sport.define() + sport.data(1, 0, b"Run\x00\x00\x00\x00\x00")
    body += session() + activity.define() + activity.data(T0 + 60, T0 + 60 + 7200)
    data = frame(body)
    assert assert_same(data) == []
    part = decode_parts(data)[0][0]
    assert part.sessions == [
        {
            "start_time": T0,
            "sport": "running",
            "total_elapsed_time": 60.0,
            "avg_cadence": 85,
        }
    ]
    assert part.laps == [
        {"start_time": T0, "total_elapsed_time": 60.0, "total_distance": 200.0, "sport": "running"}
    ]
    assert part.sports == [{"sport": "running", "sub_sport": "generic"}]
    assert read_fit(data, "run.fit")[0].utc_offset_s == 7200


def test_hr_messages_read_like_fitparse() -> None:
    anchor = Layout(1, HR, ((253, UINT32, 1), (0, UINT16, 1), (9, UINT32, 1), (6, UINT8, 1)))
    packed = Layout(2, HR, ((6, UINT8, 8), (10, BYTE, 12)))
    twelve = [1024 * k & 0xFFF for k in range(1, 9)]
    number = sum(v << 12 * i for i, v in enumerate(twelve))
    body = file_id() + anchor.define() + packed.define() + anchor.data(T0, 0, 0, 90)
    body += packed.data(tuple(range(91, 99)), tuple(number.to_bytes(12, "little")))
    body += RECORD_TIME_HR.define()
    body += RECORD_TIME_HR.data(T0 + 1, 0xFF) + RECORD_TIME_HR.data(T0 + 2, 0xFF)
    data = frame(body + session(T0 + 1))
    assert assert_same(data) == []
    act = read_fit(data, "hr.fit")[0]
    # T0 + 1: 90 x 3 (repeats every 0.25 s) + 91 -> 90.25 -> 90; T0 + 2: 91 x 3 + 92 -> 91
    assert act.samples[c.HEART_RATE_BPM].tolist() == [90.0, 91.0]
    assert "heart rate merged from hr messages" in act.fixes


@pytest.mark.parametrize(
    ("layout", "reason"),
    [
        # speed of 3 bytes: fitparse reads the bytes and still expands enhanced_speed from them
        (Layout(0, RECORD, ((253, UINT32, 1), (6, BYTE, 3))), "record field speed stored as"),
        # an array of heart rates: fitparse keeps the tuple
        (Layout(0, RECORD, ((253, UINT32, 1), (3, UINT8, 2))), "record field heart_rate"),
        # a 64-bit timestamp
        (Layout(0, RECORD, ((253, (0x8F, "Q"), 1),)), "a timestamp is not stored as an integer"),
    ],
    ids=["bytes", "array", "uint64-time"],
)
def test_layouts_the_fast_path_does_not_model_are_left_to_fitparse(
    layout: Layout, reason: str
) -> None:
    values = [tuple([1] * count) if count > 1 else 1 for _, _, count in layout.fields]
    values[0] = T0
    second = [T0 + 1, *values[1:]]
    body = file_id() + layout.define() + layout.data(*values) + layout.data(*second)
    data = frame(body + session())
    declined = assert_same(data)
    assert len(declined) == 1 and declined[0].startswith(reason)
    act = read_fit(data, "odd.fit")[0]
    assert FAST_PATH_DECLINED.format(reason=declined[0]) in act.fixes


def test_a_fault_of_the_fast_decoder_falls_back_to_fitparse(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: Any, **kwargs: Any) -> fit_fast.FastPart:
        raise IndexError("a bug")

    monkeypatch.setattr(fit_fast, "decode", broken)
    body = file_id() + RECORD_TIME_HR.define()
    data = frame(body + RECORD_TIME_HR.data(T0, 120) + RECORD_TIME_HR.data(T0 + 1, 121))
    act = read_fit(data, "bug.fit")[0]
    assert act.samples[c.HEART_RATE_BPM].tolist() == [120.0, 121.0]
    reason = FAST_PATH_FAILED.format(error="IndexError")
    assert FAST_PATH_DECLINED.format(reason=reason) in act.fixes


def test_a_message_past_the_data_size_reads_like_a_cut_file() -> None:
    body = file_id() + RECORD_TIME_HR.define() + RECORD_TIME_HR.data(T0, 120)
    data = bytearray(frame(body + RECORD_TIME_HR.data(T0 + 1, 121)))
    # declare one byte less data: the last record's heart rate sits where the CRC should be,
    # so fitparse reads the record whole and finds one byte left for a two-byte CRC
    struct.pack_into("<I", data, 4, len(data) - 14 - 2 - 1)
    struct.pack_into("<H", data, 12, crc16(bytes(data[:12])))
    assert assert_same(bytes(data)) == []
    parts, junk = decode_parts(bytes(data))
    assert parts[0].stop == "truncated FIT file" and junk == 1
    assert _records(parts, "heart_rate") == [120.0, 121.0]


# ---- the building blocks, by hand --------------------------------------------------------------


@pytest.mark.parametrize("size", [0, 1, 2, 63, 64, 65, 127, 128, 129, 1000, 4097, 70_001])
def test_crc_matches_the_fit_protocol_crc(size: int) -> None:
    data = bytes((7 * i * i + 13 * i + 5) & 0xFF for i in range(size))
    assert fit_fast.crc16(data) == Crc.calculate(data)


def test_crc_check_value() -> None:
    # the CRC-16/ARC check value of the catalogue of parametrised CRC algorithms
    assert fit_fast.crc16(b"123456789") == 0xBB3D
    assert fit_fast.crc16(b"123456789" * 100) == Crc.calculate(b"123456789" * 100)


def test_invalid_values_are_fitparse_s() -> None:
    numeric = {b.name: b for b in BASE_TYPES.values() if b.name not in ("byte", "string")}
    assert set(fit_fast.INVALID) == set(numeric)
    for name, invalid in fit_fast.INVALID.items():
        parse = numeric[name].parse
        if invalid is None:
            assert parse(float("nan")) is None and parse(1.5) == 1.5
        else:
            assert parse(invalid) is None
            other = invalid - 1 if invalid else 1
            assert parse(other) == other


def test_compressed_times_by_hand() -> None:
    headers = np.array([0x00, 0x80 | 31, 0x80 | 2, 0x00, 0x80 | 3, 0x80 | 3])
    full = np.array([T0 + 30, 0, 0, T0 + 100, 0, 0])
    has_full = np.array([True, False, False, True, False, False])
    times, where = fit_fast.compressed_times(headers, full, has_full)
    assert where.tolist() == [False, True, True, False, True, True]
    # T0 + 31; 2 < 31 wraps to T0 + 34; T0 + 100 has low bits 4, so 3 wraps to T0 + 131;
    # the same offset again stays at the same time
    assert times[where].tolist() == [T0 + 31, T0 + 34, T0 + 131, T0 + 131]
    # before any full time the running time starts at 0
    times, _ = fit_fast.compressed_times(np.array([0x85, 0x81]), np.zeros(2), np.zeros(2, bool))
    assert times.tolist() == [5, 33]


def test_accumulated_by_hand() -> None:
    values = np.array([4000, 4090, 20, 0, 100, 50])
    valid = np.array([True, True, True, False, True, True])
    # 4000; +90; 20 < 4090 & 0xFFF: +26 -> 4116; reset before message 4: 100; 50 wraps: 4146
    totals = fit_fast.accumulated(values, valid, np.array([0, 4]), bits=12)
    assert totals.tolist() == [4000, 4090, 4116, 0, 100, 4146]


# ---- random streams ----------------------------------------------------------------------------

# fields each message may carry: (number, base type) as the profile has them
PROFILE_FIELDS: dict[int, Sequence[tuple[int, tuple[int, str]]]] = {
    RECORD: [
        (253, UINT32),
        (0, SINT32),
        (1, SINT32),
        (2, UINT16),
        (3, UINT8),
        (4, UINT8),
        (5, UINT32),
        (6, UINT16),
        (7, UINT16),
        (8, BYTE),
        (18, UINT8),
        (53, UINT8),
        (73, UINT32),
        (78, UINT32),
        (250, UINT8),
    ],
    SESSION: [(253, UINT32), (2, UINT32), (5, ENUM), (6, ENUM), (7, UINT32), (18, UINT8)],
    LAP: [(253, UINT32), (2, UINT32), (7, UINT32), (9, UINT32), (25, ENUM), (39, ENUM)],
    EVENT: [(253, UINT32), (0, ENUM), (1, ENUM), (2, UINT16), (3, UINT32), (4, UINT8)],
    FILE_ID: [(0, ENUM), (1, UINT16), (4, UINT32)],
    ACTIVITY: [(253, UINT32), (5, UINT32), (1, UINT16)],
    SPORT: [(0, ENUM), (1, ENUM), (3, STRING)],
    HR: [(253, UINT32), (0, UINT16), (1, UINT8), (6, UINT8), (9, UINT32), (10, BYTE)],
    DEVICE_INFO: [(253, UINT32), (0, UINT8), (2, UINT16)],
    65280: [(0, UINT8), (1, UINT16)],
}
OTHER_BASES = [SINT8, SINT16, UINT8Z, UINT16Z, UINT32Z, FLOAT32, FLOAT64, UINT16, UINT32, BYTE]


@st.composite
def field_layouts(draw: st.DrawFn, mesg_num: int) -> tuple[tuple[int, tuple[int, str], int], ...]:
    chosen = draw(
        st.lists(st.sampled_from(PROFILE_FIELDS[mesg_num]), min_size=0, max_size=6, unique=True)
    )
    if mesg_num == RECORD and (253, UINT32) not in chosen and draw(st.integers(0, 3)):
        chosen.insert(0, (253, UINT32))  # most records carry their time
    out = []
    for number, base in chosen:
        kind = draw(st.sampled_from(["profile"] * 6 + ["other", "array"]))
        if kind == "other":
            base = draw(st.sampled_from(OTHER_BASES))
        count = draw(st.integers(2, 4)) if kind == "array" or base in (BYTE, STRING) else 1
        out.append((number, base, count))
    return tuple(out)


def _value(draw: st.DrawFn, base: tuple[int, str], count: int) -> Any:
    size = struct.calcsize(base[1])
    raw = draw(
        st.one_of(
            st.binary(min_size=size * count, max_size=size * count),
            st.just(b"\xff" * size * count),
            st.just(b"\x00" * size * count),
        )
    )
    if base[1] == "s":
        return raw
    values = struct.unpack(f"<{count}{base[1]}", raw)
    return values if count > 1 else values[0]


DEV_NAMES = ["Power", "ground time", "Vertical Oscillation", "Form Power"]
DEV_UNITS = ["Watts", "Milliseconds", "Centimeters", "mm", "kN/m"]


def _dev_description(draw: st.DrawFn) -> bytes:
    """Developer 0 (re)started, its field 0 named and typed at random (read when it matches)."""
    dev_id = Layout(5, DEVELOPER_DATA_ID, ((3, UINT8, 1),))
    describe = Layout(
        6,
        FIELD_DESCRIPTION,
        ((0, UINT8, 1), (1, UINT8, 1), (2, UINT8, 1), (3, STRING, 24), (8, STRING, 16)),
    )
    base = draw(st.sampled_from([UINT16, SINT16, UINT16Z, UINT8, FLOAT32]))
    name = draw(st.sampled_from(DEV_NAMES)).encode().ljust(24, b"\x00")
    units = draw(st.sampled_from(DEV_UNITS)).encode().ljust(16, b"\x00")
    return (
        dev_id.define()
        + dev_id.data(0)
        + describe.define()
        + describe.data(0, 0, base[0], name, units)
    )


@st.composite
def fit_streams(draw: st.DrawFn) -> bytes:
    layouts: dict[int, Layout] = {}
    body = file_id() if draw(st.integers(0, 3)) else b""
    if draw(st.integers(0, 2)) == 0:
        body += _dev_description(draw)
    time = T0
    for _ in range(draw(st.integers(1, 16))):
        if not layouts or draw(st.integers(0, 4)) == 0:
            mesg_num = draw(st.sampled_from([RECORD, RECORD, RECORD, *PROFILE_FIELDS]))
            dev = draw(st.sampled_from([(), (), ((0, 2, 0),)]))
            layout = Layout(
                draw(st.integers(0, 4)),
                mesg_num,
                draw(field_layouts(mesg_num)),
                draw(st.booleans()),
                dev,
            )
            layouts[layout.local] = layout
            body += layout.define()
            continue
        layout = layouts[draw(st.sampled_from(sorted(layouts)))]
        values = []
        for number, base, count in layout.fields:
            if number == 253 and base == UINT32 and count == 1 and draw(st.integers(0, 3)):
                time += draw(st.integers(1, 40))
                values.append(time)  # plausible times too, so activities get built
            else:
                values.append(_value(draw, base, count))
        little = Layout(layout.local, layout.mesg_num, layout.fields, False, layout.dev)
        dev_bytes = draw(st.sampled_from([b"\x01\x02", b"\xff\xff", b"\x00\x00", b"\xfa\x00"]))
        message = (layout if layout.big else little).data(*values, dev=dev_bytes * len(layout.dev))
        if layout.local < 4 and draw(st.integers(0, 2)) == 0:
            message = bytes([0x80 | layout.local << 5 | draw(st.integers(0, 31))]) + message[1:]
        body += message
    if draw(st.booleans()):
        body += session()
    data = frame(body)
    damage = draw(st.sampled_from(["none", "none", "cut", "crc"]))
    if damage == "cut":
        data = data[: draw(st.integers(12, len(data)))]
    elif damage == "crc":
        data = data[:-1] + bytes([data[-1] ^ 0x10])
    return data


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fit_streams())
def test_random_streams_decode_like_fitparse(data: bytes) -> None:
    assert_same(data, "random.fit")
