"""The FIT parser: hand-built files with values worked out by hand, then every real device file."""

from __future__ import annotations

import csv
import functools
import itertools
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import columns as c
from analysis.errors import ParseError
from analysis.parsers import fit as fit_parser
from analysis.parsers.base import ParsedActivity
from analysis.parsers.fit import (
    decode_parts,
    heart_rate_beats,
    merge_heart_rate,
    read_fit,
    split_chained,
)
from analysis.schema import validate_samples
from tests.conftest import CORPUS, corpus_files
from tests.fit_helpers import (
    ACTIVITY,
    BYTE,
    ENUM,
    EVENT,
    EVENT_START,
    EVENT_STOP_ALL,
    EVENT_TIMER,
    FILE_SETTINGS,
    FIT_EPOCH_S,
    HR,
    LAP,
    RECORD,
    SESSION,
    SINT32,
    SPORT_CYCLING,
    SPORT_GENERIC,
    SPORT_RUNNING,
    SUB_SPORT_TREADMILL,
    UINT8,
    UINT16,
    UINT32,
    Field,
    file_id,
    fit_file,
    message,
    pack_12bit,
)

T0 = 1_000_000_000  # FIT seconds: 2021-09-08 01:46:40 UTC
T0_UTC = pd.Timestamp(T0 + FIT_EPOCH_S, unit="s", tz="UTC")


def _record(t: int, **raw: int) -> bytes:
    """A record at FIT time t; keyword names are FIT field names, values raw integers."""
    numbers = {
        "position_lat": (0, SINT32),
        "position_long": (1, SINT32),
        "heart_rate": (3, UINT8),
        "cadence": (4, UINT8),
        "distance": (5, UINT32),
        "speed": (6, UINT16),
        "power": (7, UINT16),
        "fractional_cadence": (53, UINT8),
        "enhanced_speed": (73, UINT32),
    }
    fields = [Field(253, UINT32, t)]
    fields += [Field(numbers[k][0], numbers[k][1], v) for k, v in raw.items()]
    return message(RECORD, *fields)


def _session(start: int, sport: int, sub_sport: int = 0, **raw: int) -> bytes:
    """A session starting at FIT time start; keyword names are FIT field names, values raw."""
    numbers = {
        "total_elapsed_time": (7, UINT32),
        "total_timer_time": (8, UINT32),
        "total_distance": (9, UINT32),
        "avg_heart_rate": (16, UINT8),
        "max_heart_rate": (17, UINT8),
        "avg_cadence": (18, UINT8),
        "total_ascent": (22, UINT16),
        "avg_fractional_cadence": (92, UINT8),
    }
    fields = [Field(2, UINT32, start), Field(5, ENUM, sport), Field(6, ENUM, sub_sport)]
    fields += [Field(numbers[k][0], numbers[k][1], v) for k, v in raw.items()]
    return message(SESSION, *fields)


def _timer(t: int, event_type: int) -> bytes:
    return message(
        EVENT, Field(253, UINT32, t), Field(0, ENUM, EVENT_TIMER), Field(1, ENUM, event_type)
    )


def _activity(t: int, local: int) -> bytes:
    return message(ACTIVITY, Field(253, UINT32, t), Field(5, UINT32, local))


def _one(data: bytes, name: str = "hand.fit") -> ParsedActivity:
    activities = read_fit(data, name)
    assert len(activities) == 1
    validate_samples(activities[0].samples)
    return activities[0]


def _run_file() -> bytes:
    """Three seconds of running, hand-picked raw values (see the test below for their meaning)."""
    return fit_file(
        file_id(),
        _record(
            T0,
            position_lat=572_662_306,
            position_long=-1_431_655_765,
            cadence=85,
            fractional_cadence=64,
            speed=2000,
            enhanced_speed=3000,
            distance=0,
            heart_rate=150,
            power=250,
        ),
        _record(T0 + 1, cadence=86, speed=3100, distance=300),
        _record(T0 + 2, cadence=87, fractional_cadence=32, speed=3200, distance=610),
        message(LAP, Field(2, UINT32, T0), Field(7, UINT32, 2000), Field(9, UINT32, 610)),
        _session(
            T0,
            SPORT_RUNNING,
            total_elapsed_time=2500,
            total_timer_time=2000,
            total_distance=123_456,
            avg_heart_rate=151,
            max_heart_rate=160,
            avg_cadence=86,
            avg_fractional_cadence=64,
            total_ascent=12,
        ),
        _activity(T0 + 3, T0 + 3 + 7200 + 13),
    )


# ---- hand-built files --------------------------------------------------------------------------


def test_hand_built_run_is_converted_to_our_units() -> None:
    act = _one(_run_file())
    s = act.samples
    assert act.format == "fit"
    assert act.sport == c.SPORT_RUNNING
    assert act.start_time_utc == T0_UTC
    # the session states distance 123456 cm, elapsed 2500 ms, timer 2000 ms
    assert act.distance_m == pytest.approx(1234.56)
    assert act.duration_s == pytest.approx(2.5)
    assert act.moving_time_s == pytest.approx(2.0)
    assert act.elevation_gain_m == 12
    assert act.avg_heart_rate_bpm == 151
    assert act.max_heart_rate_bpm == 160
    # 2 x (86 + 64/128) steps/min
    assert act.avg_cadence_spm == pytest.approx(173.0)
    # local_timestamp is 2 h 13 s after the UTC time: the offset is rounded to 15 minutes
    assert act.utc_offset_s == 7200
    assert list(s[c.TIMESTAMP]) == [T0_UTC + pd.Timedelta(seconds=k) for k in range(3)]
    # 48 degrees = 48 / 180 x 2**31 = 572662306.1 semicircles; -120 degrees = -1431655765.3
    assert s[c.LATITUDE_DEG].iloc[0] == pytest.approx(48.0, abs=1e-6)
    assert s[c.LONGITUDE_DEG].iloc[0] == pytest.approx(-120.0, abs=1e-6)
    # enhanced_speed 3000 mm/s wins over speed 2000 mm/s; later records have only speed
    assert s[c.SPEED_MPS].tolist() == pytest.approx([3.0, 3.1, 3.2])
    assert s[c.DISTANCE_M].tolist() == pytest.approx([0.0, 3.0, 6.1])
    # 2 x (85 + 64/128) = 171; 2 x 86 = 172; 2 x (87 + 32/128) = 174.5
    assert s[c.CADENCE_SPM].tolist() == pytest.approx([171.0, 172.0, 174.5])
    assert s[c.HEART_RATE_BPM].iloc[0] == 150
    assert s[c.POWER_W].iloc[0] == 250
    assert "cadence doubled from strides/min to steps/min" in act.fixes
    assert act.laps is not None
    assert act.laps[c.LAP_START].tolist() == [T0_UTC]
    assert act.laps[c.DURATION_S].tolist() == [2.0]
    assert act.laps[c.DISTANCE_M].tolist() == [6.1]


def test_utc_offset_comes_from_the_activity_message() -> None:
    # no GPS: the file's offset is the only source; 7213 s rounds to 7200 s (UTC+02:00)
    data = fit_file(
        file_id(),
        _record(T0, heart_rate=120),
        _record(T0 + 1, heart_rate=121),
        _session(T0, SPORT_RUNNING),
        _activity(T0 + 1, T0 + 1 + 7213),
    )
    assert _one(data).utc_offset_s == 7200
    west = fit_file(
        file_id(),
        _record(T0),
        _record(T0 + 1),
        _session(T0, SPORT_RUNNING),
        _activity(T0 + 1, T0 + 1 - 5 * 3600 + 20),
    )
    assert _one(west).utc_offset_s == -5 * 3600
    no_activity = fit_file(file_id(), _record(T0), _record(T0 + 1))
    assert _one(no_activity).utc_offset_s is None


def test_a_zero_offset_with_gps_is_left_to_the_gps() -> None:
    data = fit_file(
        file_id(),
        _record(T0, position_lat=572_662_306, position_long=-1_431_655_765),
        _record(T0 + 1, position_lat=572_662_306, position_long=-1_431_655_765),
        _session(T0, SPORT_CYCLING),
        _activity(T0 + 1, T0 + 1),
    )
    assert _one(data).utc_offset_s is None


def test_cycling_cadence_is_not_steps() -> None:
    data = fit_file(
        file_id(),
        _record(T0, cadence=90),
        _record(T0 + 1, cadence=91),
        _session(T0, SPORT_CYCLING, avg_cadence=90),
    )
    act = _one(data)
    assert act.sport == c.SPORT_CYCLING
    assert act.samples[c.CADENCE_SPM].isna().all()
    assert act.avg_cadence_spm is None
    assert not any("cadence" in fix for fix in act.fixes)


def test_generic_session_on_a_treadmill_counts_as_running() -> None:
    data = fit_file(
        file_id(),
        _record(T0, cadence=80),
        _record(T0 + 1, cadence=81),
        _session(T0, SPORT_GENERIC, SUB_SPORT_TREADMILL),
    )
    act = _one(data)
    assert act.sport == c.SPORT_RUNNING
    assert act.samples[c.CADENCE_SPM].tolist() == [160.0, 162.0]


def test_without_a_session_the_records_make_one_activity() -> None:
    # a watch cut off before writing its summary: timer events give the moving time
    data = fit_file(
        file_id(),
        _timer(T0, EVENT_START),
        *[_record(T0 + k, distance=100 * k) for k in range(11)],
        _timer(T0 + 4, EVENT_STOP_ALL),
        _timer(T0 + 7, EVENT_START),
    )
    act = _one(data)
    assert act.sport == c.SPORT_OTHER
    assert act.distance_m is None
    assert act.duration_s == 10.0  # first to last record
    assert act.moving_time_s == 7.0  # running 0..4 and 7..10
    assert act.samples[c.DISTANCE_M].iloc[-1] == 10.0


def test_multisport_file_gives_one_activity_per_session() -> None:
    data = fit_file(
        file_id(),
        *[_record(T0 + k, cadence=80) for k in range(20)],
        _session(T0, SPORT_CYCLING, total_distance=50_000),
        _session(T0 + 12, SPORT_RUNNING, total_distance=3_000),
    )
    ride, run = read_fit(data, "multi.fit")
    assert (ride.leg, run.leg) == (0, 1)
    assert (ride.sport, run.sport) == (c.SPORT_CYCLING, c.SPORT_RUNNING)
    assert len(ride.samples) == 12 and len(run.samples) == 8
    assert run.samples[c.TIMESTAMP].iloc[0] == T0_UTC + pd.Timedelta(seconds=12)
    assert (ride.distance_m, run.distance_m) == (500.0, 30.0)
    assert ride.samples[c.CADENCE_SPM].isna().all()
    assert (run.samples[c.CADENCE_SPM] == 160.0).all()


def _two_records(start: int = T0) -> bytes:
    return fit_file(file_id(), _record(start), _record(start + 1), _session(start, SPORT_RUNNING))


def test_chained_files_are_all_read() -> None:
    data = _two_records() + _two_records(T0 + 3600)
    first, second = read_fit(data, "chained.fit")
    assert (first.leg, second.leg) == (0, 1)
    assert second.start_time_utc == T0_UTC + pd.Timedelta(hours=1)
    assert len(split_chained(data)[0]) == 2


def test_a_broken_chained_part_is_dropped_with_a_note() -> None:
    good = _two_records()
    bad = bytearray(_two_records(T0 + 3600))
    bad[-1] ^= 0xFF  # the second part's file CRC
    act = _one(good + bytes(bad))
    assert act.start_time_utc == T0_UTC
    assert any("CRC mismatch" in fix for fix in act.fixes)


def test_a_chained_settings_part_is_skipped() -> None:
    data = _two_records() + fit_file(file_id(FILE_SETTINGS))
    assert _one(data).fixes == []


def _hr_anchor(t: int, bpm: int, event_time: int = 0) -> bytes:
    return message(
        HR,
        Field(253, UINT32, t),
        Field(0, UINT16, 0),
        Field(9, UINT32, event_time),
        Field(6, UINT8, bpm),
    )


def _one_on(data: bytes, fast: bool) -> ParsedActivity:
    """The one activity of a file, read by the fast path or by fitparse alone."""
    activities = fit_parser._read(data, "hand.fit", fast=fast)
    assert len(activities) == 1
    validate_samples(activities[0].samples)
    return activities[0]


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "reference"])
def test_hr_continuation_part_feeds_the_activity(fast: bool) -> None:
    # Garmin writes swim HR in chained parts without a file_id
    hr_part = fit_file(_hr_anchor(T0, 100), _hr_anchor(T0 + 1, 104, 1024))
    act = _one_on(_two_records() + hr_part, fast)
    # T0: only the reading at T0 -> 100
    # T0 + 1: 100 repeated at +0.25, +0.5, +0.75, then 104 -> (300 + 104) / 4 = 101
    assert act.samples[c.HEART_RATE_BPM].tolist() == [100.0, 101.0]
    assert "heart rate merged from hr messages" in act.fixes


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"this is not a fit file at all", "not a FIT file (bad header)"),
        (b"\x0e\x10", "not a FIT file (bad header)"),
        (_two_records()[:20], "truncated FIT file"),
    ],
    ids=["empty", "text", "two-bytes", "header-only"],
)
def test_unusable_bytes_say_why(data: bytes, reason: str) -> None:
    with pytest.raises(ParseError) as err:
        read_fit(data, "bad.fit")
    assert err.value.reason == reason
    assert err.value.file == "bad.fit"


def test_crc_mismatch_is_refused() -> None:
    data = bytearray(_two_records())
    data[-2] ^= 0x01
    with pytest.raises(ParseError, match="CRC mismatch"):
        read_fit(bytes(data), "crc.fit")


def test_undefined_local_message_is_refused() -> None:
    good = _two_records()
    # a data message for local type 5, never defined, before the file CRC
    body = good[14:-2] + b"\x05\x00\x00"
    data = fit_file(body)
    with pytest.raises(ParseError) as err:
        read_fit(data, "undefined.fit")
    assert err.value.reason == "FIT file uses an undefined message type (file is corrupt)"


def test_a_cut_file_keeps_the_records_before_the_cut() -> None:
    data = fit_file(file_id(), *[_record(T0 + k, distance=100 * k) for k in range(5)])
    # cut in the middle of the last record: four whole records remain, no CRC
    act = _one(data[:-6])
    assert len(act.samples) >= 4
    assert act.samples[c.TIMESTAMP].iloc[3] == T0_UTC + pd.Timedelta(seconds=3)
    assert any(fix.startswith("truncated FIT file: kept the") for fix in act.fixes)


def test_non_activity_files_are_refused() -> None:
    with pytest.raises(ParseError) as err:
        read_fit(fit_file(file_id(FILE_SETTINGS)), "settings.fit")
    assert err.value.reason == "not an activity file (FIT file type: settings)"
    one_record = fit_file(file_id(), _record(T0))
    with pytest.raises(ParseError, match="not an activity file"):
        read_fit(one_record, "one.fit")


def test_device_relative_times_are_placed_by_local_time() -> None:
    # an FR70-style file: times counted from power-on, the activity's local time absolute
    local_end = T0 + 3600  # wall-clock time at the activity's end
    data = fit_file(
        file_id(),
        _record(1000),
        _record(1005),
        _session(1000, SPORT_RUNNING),
        _activity(1010, local_end),
    )
    act = _one(data)
    start_local = pd.Timestamp(local_end - 10 + FIT_EPOCH_S, unit="s")
    assert act.start_time_local == start_local
    assert act.utc_offset_s is None
    assert act.samples[c.ELAPSED_S].tolist() == [0.0, 5.0]
    assert any("power-on" in fix for fix in act.fixes)
    no_anchor = fit_file(file_id(), _record(1000), _record(1005))
    with pytest.raises(ParseError, match="no clock time"):
        read_fit(no_anchor, "relative.fit")


# ---- the decoding stage ------------------------------------------------------------------------


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "reference"])
def test_decode_parts_gives_each_part_as_fitparse_values(fast: bool) -> None:
    junk = b"not a FIT part at all"
    parts, left = decode_parts(_run_file() + _two_records(T0 + 3600) + junk, fast=fast)
    assert left == len(junk)
    assert [p.record_count for p in parts] == [3, 2]
    run = parts[0]
    assert (run.stop, run.declined, run.file_type, run.has_file_id) == (
        None,
        None,
        "activity",
        True,
    )
    block = run.records[0]
    assert block["timestamp"].tolist() == [T0, T0 + 1, T0 + 2]  # FIT seconds
    assert block["distance"].tolist() == [0.0, 3.0, 6.1]  # 0, 300, 610 cm
    # the written enhanced_speed (3000 mm/s) wins over the copy fitparse expands from speed;
    # records without it get that copy (3100, 3200 mm/s)
    assert block["speed"].tolist() == [2.0, 3.1, 3.2]
    assert block["enhanced_speed"].tolist() == [3.0, 3.1, 3.2]
    assert np.isnan(block["power"][1:]).all() and block["power"][0] == 250.0
    # 64/128 of a stride; records without the field have none
    assert block["fractional_cadence"][0] == 0.5 and np.isnan(block["fractional_cadence"][1])
    assert run.sessions[0]["total_distance"] == 1234.56  # 123456 cm
    assert run.sessions[0]["sport"] == "running"
    assert run.laps == [{"start_time": T0, "total_elapsed_time": 2.0, "total_distance": 6.1}]
    assert run.activities == [{"timestamp": T0 + 3, "local_timestamp": T0 + 3 + 7213}]
    cut, _ = decode_parts(_two_records()[:-6], fast=fast)
    assert cut[0].stop == "truncated FIT file"


# ---- heart rate from hr messages ---------------------------------------------------------------


def test_hr_beats_unpack_12_bit_event_times_across_the_wrap() -> None:
    # anchor: event time 3840/1024 s at T0 + 16384/32768 s (= T0 + 0.5 s), 100 bpm
    anchor = {
        "timestamp": T0,
        "fractional_timestamp": 16384,
        "event_timestamp": 3840,
        "filtered_bpm": 100,
    }
    # eight readings 1 s apart: 3840 + 1024 k; their low 12 bits wrap past 4095 at k = 1
    events = [3840 + 1024 * k for k in range(1, 9)]
    packed = {
        "event_timestamp_12": tuple(pack_12bit(events)),
        "filtered_bpm": tuple(range(101, 109)),
    }
    times, bpm = heart_rate_beats([anchor, packed])
    assert times.tolist() == [T0 + 0.5 + k for k in range(9)]
    assert bpm.tolist() == [100.0, *range(101, 109)]


def test_hr_merge_averages_the_readings_since_the_previous_record() -> None:
    beats_t = np.array([0.0, 1.0, 2.0, 10.0])
    beats_bpm = np.array([100.0, 110.0, 111.0, 150.0])
    records = np.array([1.0, 2.0, 3.0, 8.0, 10.0])
    merged = merge_heart_rate(records, beats_t, beats_bpm)
    # (0, 1]: 100 repeated at .25 .5 .75, then 110 -> (300 + 110) / 4 = 102.5 -> 103
    # (1, 2]: 110 x 3, 111 -> 110.25 -> 110
    # (2, 3]: 111 repeated at 2.25 ... 3.0 (gap 8 s: repeats stop after 5 s) -> 111
    # (3, 8]: repeats of 111 up to 7.0 -> 111;  (8, 10]: only 150 at 10 -> 150
    assert merged.tolist() == [103.0, 110.0, 111.0, 111.0, 150.0]
    lonely = merge_heart_rate(np.array([100.0]), beats_t, beats_bpm)
    assert np.isnan(lonely).all()
    # readings without a time (device time, no anchor) are left out, not repeated
    unplaced = merge_heart_rate(records, np.append(beats_t, np.nan), np.append(beats_bpm, 200.0))
    assert unplaced.tolist() == merged.tolist()


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "reference"])
def test_records_with_their_own_hr_keep_it(fast: bool) -> None:
    hr = _hr_anchor(T0, 90)
    follow = message(
        HR,
        Field(6, UINT8, [91, 92, 93, 94, 95, 96, 97, 98]),
        Field(10, BYTE, pack_12bit([1024 * k for k in range(1, 9)])),
    )
    data = fit_file(
        file_id(),
        hr,
        follow,
        _record(T0 + 1),
        _record(T0 + 2, heart_rate=150),
        _record(T0 + 3),
        _session(T0 + 1, SPORT_RUNNING),
    )
    act = _one_on(data, fast)
    # T0 + 1: 90 x 3 + 91 -> 90.25 -> 90; T0 + 3: 92 x 3 + 93 -> 92.25 -> 92
    assert act.samples[c.HEART_RATE_BPM].tolist() == [90.0, 150.0, 92.0]
    assert "heart rate merged from hr messages" in act.fixes


# ---- the device corpus -------------------------------------------------------------------------

FIT_FILES = corpus_files("fit", ".fit")

PLAIN_REASONS = (
    "empty file",
    "not a FIT file (bad header)",
    "truncated FIT file",
    "FIT file CRC mismatch (file is corrupt)",
    "FIT file uses an undefined message type (file is corrupt)",
)

BROKEN_OUTCOMES: dict[str, tuple[str, str]] = {
    "fitparse__activity-filecrc.fit": ("raises", "FIT file CRC mismatch (file is corrupt)"),
    "fitparse__activity-activity-filecrc.fit": ("note", "CRC mismatch"),
    "fitparse__activity-settings-corruptheader.fit": ("note", "do not start a FIT part"),
    "fitparse__activity-settings-nodata.fit": ("note", "truncated FIT file"),
    "fitparse__activity-unexpected-eof.fit": ("note", "truncated FIT file"),
    "fitparse__nick.fit": ("note", "truncated FIT file"),
    "fitparse__strava-android-app-201.10-b1218918.fit": (
        "raises",
        "FIT file uses an undefined message type (file is corrupt)",
    ),
}
"""What each deliberately broken corpus file gives: refused with this reason, or salvaged with a
fix note containing this text (the earlier good part, or the records before the cut)."""


def _manifest(name: str) -> list[dict[str, str]]:
    path = CORPUS / name
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _fit_rows(name: str) -> dict[str, dict[str, str]]:
    return {
        row["file"].removeprefix("fit/"): row
        for row in _manifest(name)
        if row["file"].startswith("fit/")
    }


MANIFEST = _fit_rows("MANIFEST.tsv")
EDGE_CASES = _fit_rows("MANIFEST_EDGE_CASES.tsv")
BROKEN_WORDS = re.compile(r"truncat|CRC|header corrupt|undefined|EOF|has none|0-byte", re.I)


@functools.cache
def _parse(name: str) -> list[ParsedActivity] | ParseError:
    """Each corpus file is read once per test run (the big ones take seconds)."""
    try:
        return read_fit((CORPUS / "fit" / name).read_bytes(), name)
    except ParseError as err:
        return err


def _activities(name: str) -> list[ParsedActivity]:
    result = _parse(name)
    assert not isinstance(result, ParseError), f"{name}: {result}"
    return result


def _weighted_median(values: pd.Series, weights: pd.Series) -> float:
    ok = values.notna() & (weights > 0)
    v = values[ok].to_numpy()
    w = weights[ok].to_numpy()
    order = np.argsort(v)
    cumulative = np.cumsum(w[order])
    return float(v[order][np.searchsorted(cumulative, cumulative[-1] / 2)])


@pytest.mark.corpus
@pytest.mark.parametrize("path", FIT_FILES, ids=[p.name for p in FIT_FILES])
def test_every_corpus_fit_reads_or_fails_clearly(corpus_dir: Path, path: Path) -> None:
    result = _parse(path.name)
    if isinstance(result, ParseError):
        assert result.file == path.name
        assert result.reason in PLAIN_REASONS or result.reason.startswith("not an activity file")
        return
    assert result
    assert [a.leg for a in result] == list(range(len(result)))
    for act in result:
        assert act.format == "fit"
        assert act.source_name == path.name
        assert act.sport in {
            c.SPORT_RUNNING,
            c.SPORT_CYCLING,
            c.SPORT_WALKING,
            c.SPORT_SWIMMING,
            c.SPORT_HIKING,
            c.SPORT_OTHER,
            *c.SESSION_TYPES,  # gym work: an indoor rowing file of the corpus is cross-training
        }
        assert act.start_time_utc.tzinfo is not None
        validate_samples(act.samples)
        if act.sport not in (c.SPORT_RUNNING, c.SPORT_WALKING, c.SPORT_HIKING):
            assert act.samples[c.CADENCE_SPM].isna().all()


@pytest.mark.corpus
def test_broken_corpus_files_are_refused_or_salvaged_as_decided(corpus_dir: Path) -> None:
    broken = {
        name
        for name, row in EDGE_CASES.items()
        if BROKEN_WORDS.search(row["why"]) and row["decoders_that_raise"].strip()
    }
    assert broken == set(BROKEN_OUTCOMES)
    for name, (outcome, text) in BROKEN_OUTCOMES.items():
        result = _parse(name)
        if outcome == "raises":
            assert isinstance(result, ParseError), name
            assert result.reason == text
        else:
            assert not isinstance(result, ParseError), f"{name}: {result}"
            assert any(text in fix for fix in result[0].fixes), (name, result[0].fixes)


@pytest.mark.corpus
def test_non_activity_corpus_files_say_so(corpus_dir: Path) -> None:
    names = [n for n, row in MANIFEST.items() if row["category"] == "non_activity"]
    names += [n for n, row in EDGE_CASES.items() if "not an activity" in row["why"]]
    assert len(names) >= 10
    for name in names:
        result = _parse(name)
        assert isinstance(result, ParseError), name
        assert result.reason.startswith("not an activity file"), (name, result.reason)


@pytest.mark.corpus
def test_running_cadence_is_in_steps_per_minute(corpus_dir: Path) -> None:
    """Time-weighted median cadence at running speed (2 m/s and up) of every single-sport run.

    Walk breaks in run/walk sessions sit at 110 to 130 steps/min, so only samples at running
    speed count; one leg's strides (75 to 105/min) would fail this.
    """
    medians = {}
    for name, row in MANIFEST.items():
        if not row["sport"].startswith("running/") or "+" in row["sport"]:
            continue
        result = _parse(name)
        if isinstance(result, ParseError):
            continue
        for act in result:
            s = act.samples
            running = s[c.SPEED_MPS] >= 2.0
            if act.sport == c.SPORT_RUNNING and s.loc[running, c.CADENCE_SPM].notna().sum() > 10:
                medians[name] = _weighted_median(
                    s.loc[running, c.CADENCE_SPM], s.loc[running, c.SAMPLE_DURATION_S]
                )
    assert len(medians) >= 6, medians
    for name, median in medians.items():
        assert 140 <= median <= 210, (name, median)


HR_MESSAGE_FILES = [n for n, row in EDGE_CASES.items() if "hr messages" in row["why"].lower()]


@pytest.mark.corpus
@pytest.mark.parametrize("name", HR_MESSAGE_FILES)
def test_hr_messages_fill_heart_rate(corpus_dir: Path, name: str) -> None:
    act = _activities(name)[0]
    s = act.samples
    hr = s[c.HEART_RATE_BPM]
    assert hr.notna().mean() > 0.9
    assert "heart rate merged from hr messages" in act.fixes
    # the watch's own session summary agrees with the merged samples
    assert act.max_heart_rate_bpm is not None and act.avg_heart_rate_bpm is not None
    assert abs(hr.max() - act.max_heart_rate_bpm) <= 2
    weighted = (hr * s[c.SAMPLE_DURATION_S]).sum() / s.loc[hr.notna(), c.SAMPLE_DURATION_S].sum()
    assert abs(weighted - act.avg_heart_rate_bpm) <= 0.1 * act.avg_heart_rate_bpm


@pytest.mark.corpus
def test_coordinates_agree_with_the_files_time_zone(corpus_dir: Path) -> None:
    """Real recordings with GPS and a UTC offset: longitude / 15 lies near the offset in hours.

    Time zones follow borders and summer time adds an hour, so 2.5 h of slack; a wrong
    semicircle conversion puts every point near 0 degrees or out of range.
    """
    checked = 0
    for name, row in MANIFEST.items():
        if row["category"] != "real_activity" or isinstance(_parse(name), ParseError):
            continue
        for act in _activities(name):
            s = act.samples
            assert s[c.LATITUDE_DEG].dropna().between(-90, 90).all()
            assert s[c.LONGITUDE_DEG].dropna().between(-180, 180).all()
            if act.utc_offset_s is None or s[c.LONGITUDE_DEG].isna().all():
                continue
            hours = float(s[c.LONGITUDE_DEG].median()) / 15
            assert abs(hours - act.utc_offset_s / 3600) <= 2.5, (name, hours, act.utc_offset_s)
            checked += 1
    assert checked >= 15


@pytest.mark.corpus
def test_known_place_and_distance(corpus_dir: Path) -> None:
    """The fenix 5 run (Petaluma, California, UTC-7 in June): the session's 157.56 m."""
    act = _activities("fitparse__garmin-fenix-5-run.fit")[0]
    assert act.distance_m == pytest.approx(157.56)
    assert act.utc_offset_s == -7 * 3600
    lat = act.samples[c.LATITUDE_DEG].median()
    lon = act.samples[c.LONGITUDE_DEG].median()
    assert 38.2 < lat < 38.3 and -122.7 < lon < -122.6
    assert act.samples[c.DISTANCE_M].iloc[-1] == pytest.approx(act.distance_m, rel=0.05)


@pytest.mark.corpus
def test_multisport_corpus_file_is_cut_into_legs(corpus_dir: Path) -> None:
    legs = _activities("fitparse__sample_mulitple_header.fit")
    assert [a.sport for a in legs] == [
        c.SPORT_SWIMMING,
        c.SPORT_OTHER,
        c.SPORT_CYCLING,
        c.SPORT_OTHER,
        c.SPORT_RUNNING,
    ]
    for before, after in itertools.pairwise(legs):
        assert before.samples[c.TIMESTAMP].iloc[-1] < after.start_time_utc
        assert after.samples[c.TIMESTAMP].iloc[0] >= after.start_time_utc


# ---- the message limit: a file of tiny messages is refused before it fills memory ------------------


def tiny_messages(count: int, mesg_num: int = 20, body: bytes = b"", fields: bytes = b"") -> bytes:
    """A FIT activity of ``count`` data messages of ``mesg_num`` after its file id.

    ``fields`` are the definition's field entries (three bytes each) and ``body`` each message's
    bytes after its header; with neither, every message is its header byte alone.
    """
    import struct

    from sample_data.fit_encoder import FILE_ACTIVITY, FILE_ID, MANUFACTURER_DEVELOPMENT, FitWriter
    from sample_data.regressions import START

    writer = FitWriter()
    writer.write(
        FILE_ID,
        {"type": FILE_ACTIVITY, "manufacturer": MANUFACTURER_DEVELOPMENT, "time_created": START},
    )
    definition = bytes([0x41, 0, 0]) + struct.pack("<HB", mesg_num, len(fields) // 3) + fields
    writer.write_raw(definition + (b"\x01" + body) * count)
    return writer.to_bytes()


HR_ARRAY_FIELDS = bytes([6, 200, 2])  # hr.filtered_bpm, 200 uint8 values
"""An ``hr`` message holding an array: the costliest message per byte to decode."""

_TINY_CHILD = r"""
import json, sys
from analysis.errors import ParseError
from analysis.parsers.fit import read_fit
from tests.test_parser_fit import tiny_messages

def status(key):
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(key)

data = tiny_messages(int(sys.argv[1]))
with open("/proc/self/clear_refs", "w") as handle:
    handle.write("5")  # the peak from here on is the reader's
before = status("VmRSS")
try:
    read_fit(data, "tiny.fit")
    reason = None
except ParseError as err:
    reason = err.reason
print(json.dumps({"reason": reason, "grown": status("VmHWM") - before, "peak": status("VmHWM")}))
"""


def test_a_fit_of_four_million_one_byte_messages_is_refused_within_the_budget() -> None:
    import json
    import subprocess
    import sys

    from analysis.limits import ImportLimits

    if not Path("/proc/self/clear_refs").exists():
        pytest.skip("peak RSS is read from /proc (Linux)")
    repo = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-c", _TINY_CHILD, str(4_000_000)],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["reason"] == (
        "FIT file has more than 1000000 messages (limit: max_fit_messages); a week recorded"
        " every second holds about 610 000, and reading more would overrun the memory budget"
    )
    # a 4 MB file: read whole, its records cost about 240 bytes each (about 1 GB); refused
    # after about a million of them, before any column is built
    assert result["peak"] < ImportLimits().memory_budget_bytes, result
    assert result["grown"] < 100 * 2**20, result


def test_the_message_limit_counts_every_part_and_both_decoders_alike() -> None:
    from analysis.parsers import fit_fast
    from sample_data.regressions import seed_activity

    data = seed_activity(300)
    ((part,), _) = decode_parts(data)
    ((reference,), _) = decode_parts(data, fast=False)
    assert part.units == reference.units > 300
    assert decode_parts(data, max_messages=part.units)[0][0].record_count == 300
    for fast in (True, False):
        with pytest.raises(fit_fast.TooManyMessages):
            decode_parts(data, fast, max_messages=part.units - 1)
        # two chained copies hold twice the messages: the limit is the whole file's
        assert len(decode_parts(data * 2, fast, max_messages=2 * part.units)[0]) == 2
        with pytest.raises(fit_fast.TooManyMessages) as caught:
            decode_parts(data * 2, fast, max_messages=2 * part.units - 1)
        assert caught.value.limit == 2 * part.units - 1


def test_messages_decoded_one_by_one_count_by_their_size() -> None:
    # 200 bytes of body: one unit, and six more for its 32-byte steps
    data = tiny_messages(100, mesg_num=132, body=bytes(200), fields=HR_ARRAY_FIELDS)
    ((fast,), _) = decode_parts(data)
    ((reference,), _) = decode_parts(data, fast=False)
    assert fast.units == reference.units == 1 + 100 * 7  # the file id counts one
    assert len(fast.hr) == len(reference.hr) == 100


def test_the_message_limit_is_named_and_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from analysis.limits import ImportLimits
    from analysis.parsers import parse_bytes
    from sample_data.regressions import seed_activity

    data = seed_activity(300)
    assert len(read_fit(data, "run.fit", ImportLimits(max_fit_messages=400))[0].samples) == 300
    with pytest.raises(ParseError, match=r"more than 299 messages \(limit: max_fit_messages\)"):
        read_fit(data, "run.fit", ImportLimits(max_fit_messages=299))
    monkeypatch.setenv("STRIDELOG_MAX_FIT_MESSAGES", "250")
    with pytest.raises(ParseError, match=r"more than 250 messages \(limit: max_fit_messages\)"):
        parse_bytes(data, "run.fit")


def test_a_file_of_hundreds_of_sessions_is_refused_before_its_legs_are_built() -> None:
    import struct

    from analysis.parsers.fit import MAX_SESSIONS

    # session: sport (enum), start_time (date_time), total_elapsed_time (uint32, ms)
    fields = bytes([5, 1, 0, 2, 4, 0x86, 7, 4, 0x86])
    body = bytes([1]) + struct.pack("<II", 1_083_000_000, 60_000)
    many = tiny_messages(MAX_SESSIONS + 1, mesg_num=18, body=body, fields=fields)
    with pytest.raises(ParseError) as caught:
        read_fit(many, "sessions.fit")
    assert caught.value.reason == (
        f"FIT file has {MAX_SESSIONS + 1} sessions; no activity file has more than"
        f" {MAX_SESSIONS} (a triathlon has five)"
    )
    legs = read_fit(tiny_messages(MAX_SESSIONS, mesg_num=18, body=body, fields=fields), "s.fit")
    assert len(legs) == MAX_SESSIONS


@pytest.mark.parametrize(
    ("sport", "sub_sport", "ours"),
    [
        (10, 20, c.SPORT_STRENGTH),  # training / strength_training: a watch's "Strength"
        (10, 43, c.SPORT_MOBILITY),  # training / yoga
        (10, 19, c.SPORT_MOBILITY),  # training / flexibility_training
        (10, 26, c.SPORT_CROSS_TRAINING),  # training / cardio_training
        (4, 15, c.SPORT_CROSS_TRAINING),  # fitness_equipment / elliptical
        (62, 0, c.SPORT_CROSS_TRAINING),  # hiit
        (86, 0, c.SPORT_MOBILITY),  # mobility
        (10, 0, c.SPORT_CROSS_TRAINING),  # training without saying what: gym work, not a run
        (4, 0, c.SPORT_CROSS_TRAINING),  # fitness_equipment / generic
        (0, 0, c.SPORT_OTHER),  # generic: nothing says what it was
    ],
)
def test_gym_sessions_are_recognised_not_counted_as_runs(
    sport: int, sub_sport: int, ours: str
) -> None:
    data = fit_file(
        file_id(),
        _record(T0, cadence=30, heart_rate=110),
        _record(T0 + 1, cadence=31, heart_rate=112),
        _session(T0, sport, sub_sport, total_elapsed_time=1_800_000, total_timer_time=1_800_000),
    )
    act = _one(data)
    assert act.sport == ours
    assert act.samples[c.CADENCE_SPM].isna().all()  # not steps: nothing doubled


@pytest.mark.corpus
def test_a_real_indoor_rowing_file_is_cross_training(corpus_dir: Path) -> None:
    # fitness_equipment / indoor_rowing, as a Garmin watch recorded it in 2017
    (act,) = _activities("fitparse__20170518-191602-1740899583.fit")
    assert act.sport == c.SPORT_CROSS_TRAINING
