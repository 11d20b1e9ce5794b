"""The FIT writer round-trips through fitparse; the demo generator is deterministic, matches the
committed files, and those files show the plan: 16 weeks, cutbacks, one spike, a DST change; the
wellness log answers the spike and the cutbacks, and the coach's plan is met except in the spike."""

from __future__ import annotations

import io
import random
import struct
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import fitparse
import numpy as np
import pandas as pd
import pytest
from fitparse.profile import MESSAGE_TYPES
from fitparse.utils import FitCRCError
from lxml import etree

from analysis import columns as c
from analysis.parsers.fit import read_fit
from analysis.schema import build_samples, track_distance_m
from sample_data import fit_encoder as fe
from sample_data import generate as g

DEMO = g.DEFAULT_OUT
BERLIN = ZoneInfo(g.DEMO_TIMEZONE)
GPX_NS = "http://www.topografix.com/GPX/1/1"
TPX_NS = "http://www.garmin.com/xmlschemas/TrackPointExtension/v1"
EASY_LIMIT_BPM = 0.8 * g.DEMO_MAX_HR  # 152: the top of "easy" in the plan

# The CSV format is a published contract (README, importer docs): pinned verbatim here.
DEMO_CSV_HEADER = "timestamp,latitude_deg,longitude_deg,altitude_m,distance_m,speed_mps,heart_rate_bpm,cadence_spm"
# So are the generic wellness and plan layouts the importer recognises.
WELLNESS_HEADER = (
    "date,resting_hr_bpm,hrv_rmssd_ms,sleep_h,sleep_quality,soreness,fatigue,mood,stress,notes"
)
PLAN_HEADER = "week_start,distance_km,duration_h,long_run_km,load"


# ---- the FIT writer ----------------------------------------------------------------------------

T0 = datetime(2026, 10, 24, 7, 0, 0, tzinfo=UTC)


def _samples() -> list[dict[str, Any]]:
    """Five samples 5 s apart; every value chosen so its FIT encoding is easy to check by hand."""
    return [
        {
            c.TIMESTAMP: T0 + timedelta(seconds=5 * i),
            c.LATITUDE_DEG: 52.51 + 0.0001 * i,
            c.LONGITUDE_DEG: 13.38 - 0.0001 * i,
            c.DISTANCE_M: [0.0, 14.25, 28.5, 43.0, 57.75][i],
            c.SPEED_MPS: [2.85, 2.85, 2.9, 2.95, 2.95][i],
            c.ALTITUDE_M: [41.2, 41.4, 41.6, 41.8, 42.0][i],
            c.HEART_RATE_BPM: [120, 130, None, 140, 150][i],
            c.CADENCE_SPM: [170, 171, 172, 173, 0][i],
        }
        for i in range(5)
    ]


def _decode(data: bytes) -> dict[str, list[dict[str, Any]]]:
    messages: dict[str, list[dict[str, Any]]] = {}
    for m in fitparse.FitFile(io.BytesIO(data)).get_messages():
        messages.setdefault(m.name, []).append(m.get_values())
    return messages


def test_message_tables_match_the_fit_profile() -> None:
    for message in (fe.FILE_ID, fe.EVENT, fe.RECORD, fe.LAP, fe.SESSION, fe.ACTIVITY):
        profile = MESSAGE_TYPES[message.number]
        assert profile.name == message.name
        for f in message.fields:
            known = profile.fields[f.number]
            assert known.name == f.name, (message.name, f.number)
            base = known.type if not hasattr(known.type, "base_type") else known.type.base_type
            assert base.identifier == f.base.code, (message.name, f.name)
            assert (known.scale or 1) == f.scale, (message.name, f.name)
            assert (known.offset or 0) == f.offset, (message.name, f.name)


def test_crc_is_crc16_arc() -> None:
    # the published check value of CRC-16/ARC, which FIT uses, for the ASCII digits 1..9
    assert fe.fit_crc(b"123456789") == 0xBB3D
    assert fe.fit_crc(b"") == 0
    blob = bytes(range(256)) * 3
    assert fe.fit_crc(blob, 0x1234) == fitparse.records.Crc.calculate(blob, 0x1234)


def test_encoded_activity_decodes_to_what_was_written() -> None:
    data = fe.encode_activity(_samples(), utc_offset_s=7200, lap_starts=[2], serial_number=12345)
    head = data[:14]
    assert head[8:12] == b".FIT"
    assert struct.unpack("<I", head[4:8])[0] == len(data) - 16
    assert struct.unpack("<H", head[12:14])[0] == fe.fit_crc(head[:12])
    assert struct.unpack("<H", data[-2:])[0] == fe.fit_crc(data[:-2])

    m = _decode(data)  # fitparse checks both CRCs
    file_id = m["file_id"][0]
    assert file_id["type"] == "activity"
    assert file_id["manufacturer"] == "development"
    assert file_id["serial_number"] == 12345
    assert file_id["time_created"] == T0.replace(tzinfo=None)

    records = m["record"]
    assert len(records) == 5
    assert [r["timestamp"] for r in records] == [
        (T0 + timedelta(seconds=5 * i)).replace(tzinfo=None) for i in range(5)
    ]
    assert [r["distance"] for r in records] == [0.0, 14.25, 28.5, 43.0, 57.75]
    assert [r["enhanced_speed"] for r in records] == [2.85, 2.85, 2.9, 2.95, 2.95]
    assert [r["enhanced_altitude"] for r in records] == pytest.approx([41.2, 41.4, 41.6, 41.8, 42])
    assert [r["heart_rate"] for r in records] == [120, 130, None, 140, 150]
    # per leg: 170 steps/min = 85 strides/min; 171 = 85 + 64/128
    assert [r["cadence"] for r in records] == [85, 85, 86, 86, 0]
    assert [r["fractional_cadence"] for r in records] == [0.0, 0.5, 0.0, 0.5, 0.0]
    semicircle = 180 / 2**31
    for i, r in enumerate(records):
        assert r["position_lat"] * semicircle == pytest.approx(52.51 + 0.0001 * i, abs=semicircle)
        assert r["position_long"] * semicircle == pytest.approx(13.38 - 0.0001 * i, abs=semicircle)

    events = m["event"]
    assert [(e["event"], e["event_type"]) for e in events] == [
        ("timer", "start"),
        ("timer", "stop_all"),
    ]
    assert events[1]["timestamp"] - events[0]["timestamp"] == timedelta(seconds=20)

    first, second = m["lap"]
    # lap 1: samples 0..2 (10 s, 28.5 m); lap 2: samples 2..4 (10 s, 57.75 - 28.5 m)
    assert first["total_elapsed_time"] == 10.0
    assert first["total_distance"] == 28.5
    assert first["avg_heart_rate"] == 125  # (120 + 130) / 2, the missing value left out
    assert second["start_time"] == (T0 + timedelta(seconds=10)).replace(tzinfo=None)
    assert second["total_distance"] == 29.25
    assert second["lap_trigger"] == "session_end"

    session = m["session"][0]
    assert session["sport"] == "running"
    assert session["sub_sport"] == "generic"
    assert session["start_time"] == T0.replace(tzinfo=None)
    assert session["total_elapsed_time"] == 20.0
    assert session["total_timer_time"] == 20.0
    assert session["total_distance"] == 57.75
    assert session["num_laps"] == 2
    assert session["avg_heart_rate"] == 135  # (120 + 130 + 140 + 150) / 4
    assert session["max_heart_rate"] == 150
    # standing (0) left out: (170 + 171 + 172 + 173) / 4 = 171.5 spm = 85.75 strides/min
    assert session["avg_running_cadence"] == 85
    assert session["avg_fractional_cadence"] == 0.75

    activity = m["activity"][0]
    assert activity["num_sessions"] == 1
    assert activity["type"] == "manual"
    assert (activity["event"], activity["event_type"]) == ("activity", "stop")
    assert activity["total_timer_time"] == 20.0
    assert activity["local_timestamp"] - activity["timestamp"] == timedelta(hours=2)


def test_a_dataframe_encodes_like_the_list_of_dicts() -> None:
    rows = _samples()
    frame = pd.DataFrame(rows)
    assert fe.encode_activity(frame, utc_offset_s=3600) == fe.encode_activity(
        rows, utc_offset_s=3600
    )


def test_crc_switches_make_files_readers_reject_or_accept() -> None:
    w = fe.FitWriter()
    w.write(fe.FILE_ID, {"type": fe.FILE_ACTIVITY, "manufacturer": 255, "time_created": T0})
    w.write(fe.RECORD, {"timestamp": T0, "heart_rate": 99})
    assert _decode(w.to_bytes())["record"][0]["heart_rate"] == 99
    # a zero header CRC means "not computed" and is fine
    assert _decode(w.to_bytes(header_crc=False))["record"][0]["heart_rate"] == 99
    with pytest.raises(FitCRCError):
        _decode(w.to_bytes(file_crc=False))
    damaged = bytearray(w.to_bytes())
    damaged[-4] ^= 0x01  # the last byte of the heart rate
    with pytest.raises(FitCRCError):
        _decode(bytes(damaged))


def test_writer_reuses_and_redefines_local_messages() -> None:
    w = fe.FitWriter()
    w.write(fe.RECORD, {"timestamp": T0, "heart_rate": 100})
    w.write(fe.RECORD, {"timestamp": T0 + timedelta(seconds=1), "heart_rate": 101})
    w.write(fe.RECORD, {"timestamp": T0 + timedelta(seconds=2), "cadence": 80})
    messages = fitparse.FitFile(io.BytesIO(w.to_bytes())).get_messages(with_definitions=True)
    definitions = [m for m in messages if isinstance(m, fitparse.records.DefinitionMessage)]
    # one definition for {timestamp, heart_rate}, a second for {timestamp, cadence}
    assert [d.mesg_num for d in definitions] == [20, 20]
    assert [len(d.field_defs) for d in definitions] == [2, 2]
    records = _decode(w.to_bytes())["record"]
    assert [r.get("heart_rate") for r in records] == [100, 101, None]
    assert records[2]["cadence"] == 80


def test_raw_bytes_build_broken_files() -> None:
    w = fe.FitWriter()
    w.write(fe.RECORD, {"timestamp": T0, "heart_rate": 100})
    w.write_raw(bytes([0x05]))  # a data message on local 5, never defined
    with pytest.raises(fitparse.FitParseError):
        _decode(w.to_bytes())


@pytest.mark.parametrize(
    ("values", "error"),
    [
        ({"timestamp": T0, "heart_rate": 255}, ValueError),  # 255 is uint8's "invalid"
        ({"timestamp": T0.replace(tzinfo=None)}, ValueError),  # naive time
        ({"timestamp": T0, "pace": 300}, KeyError),  # not a record field
    ],
)
def test_values_a_fit_field_cannot_hold_are_refused(values: dict[str, Any], error: type) -> None:
    with pytest.raises(error):
        fe.FitWriter().write(fe.RECORD, values)


# ---- the generator -----------------------------------------------------------------------------


def _listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_generator_is_deterministic_and_matches_the_committed_files(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    (first / "2020-01-06_easy.fit").write_bytes(b"stale")  # a demo file the plan no longer makes
    (first / "notes.txt").write_text("kept")
    written = g.generate(first)
    g.generate(second)
    assert not (first / "2020-01-06_easy.fit").exists()
    assert (first / "notes.txt").read_text() == "kept"
    (first / "notes.txt").unlink()
    a, b = _listing(first), _listing(second)
    assert sorted(a) == sorted(p.name for p in written)
    assert a == b, "two runs of the generator differ"
    committed = _listing(DEMO)
    assert sorted(committed) == sorted(a), "sample_data/demo is stale: run `make demo`"
    changed = [name for name in a if a[name] != committed[name]]
    assert not changed, f"sample_data/demo differs from the generator: {changed[:5]}"


def test_plan_covers_sixteen_weeks_with_the_right_offsets() -> None:
    runs = g.plan()
    assert date(2026, 7, 27) == g.DEMO_FIRST_DAY and g.DEMO_FIRST_DAY.weekday() == 0
    assert date(2026, 11, 15) == g.DEMO_LAST_DAY and g.DEMO_LAST_DAY.weekday() == 6
    assert min(r.day for r in runs) >= g.DEMO_FIRST_DAY
    assert max(r.day for r in runs) <= g.DEMO_LAST_DAY
    per_week = Counter(r.week for r in runs)
    assert sorted(per_week) == list(range(1, 17))
    assert all(4 <= n <= 6 for n in per_week.values())
    for r in runs:
        summer = r.day < date(2026, 10, 25)
        assert r.utc_offset_s == (7200 if summer else 3600), r.file_name
    longs = [r for r in runs if r.kind == g.LONG]
    assert len(longs) == 16
    assert all(r.day.weekday() == 6 and 16 <= r.distance_km <= 28 for r in longs)
    assert Counter(r.week for r in runs if r.kind == g.INTERVALS) == {
        w: 1 for w in range(1, 17) if w != 13
    }
    assert len({r.file_name for r in runs}) == len(runs)


def test_simulated_samples_pass_the_schema() -> None:
    runs = g.plan()
    for run in (runs[0], next(r for r in runs if r.kind == g.INTERVALS and r.week == 12)):
        frame = build_samples(pd.DataFrame(g.simulate(run).samples))
        assert frame[c.DISTANCE_M].iloc[-1] == pytest.approx(run.distance_km * 1000)
        assert (frame[c.SAMPLE_DURATION_S] == g.SAMPLE_INTERVAL_S).all()


# ---- what the committed files show -------------------------------------------------------------


@dataclass
class Written:
    """One demo file as read back by independent readers."""

    name: str
    fmt: str
    kind: str
    local_day: date
    distance_km: float
    seconds: float
    heart_rate: np.ndarray  # one value per 5-s sample
    cadence_spm: np.ndarray  # steps/min, both feet
    speed_mps: np.ndarray
    utc_offset_s: int | None = None


def _read_fit(path: Path) -> Written:
    msgs = _decode(path.read_bytes())
    records = msgs["record"]
    session, activity = msgs["session"][0], msgs["activity"][0]
    offset = activity["local_timestamp"] - activity["timestamp"]
    start_local = session["start_time"] + offset
    cadence = [2 * (r["cadence"] + r["fractional_cadence"]) for r in records]
    return Written(
        path.name,
        "fit",
        path.stem.split("_")[1],
        start_local.date(),
        session["total_distance"] / 1000,
        session["total_elapsed_time"],
        np.array([r["heart_rate"] for r in records], dtype=float),
        np.array(cadence, dtype=float),
        np.array([r["enhanced_speed"] for r in records], dtype=float),
        int(offset.total_seconds()),
    )


def _read_gpx(path: Path) -> Written:
    root = etree.parse(str(path)).getroot()
    ns = {"g": GPX_NS, "x": TPX_NS}
    assert root.get("version") == "1.1"
    assert root.xpath("g:trk/g:type/text()", namespaces=ns) == [c.SPORT_RUNNING]
    points = root.xpath("g:trk/g:trkseg/g:trkpt", namespaces=ns)
    lat = np.array([float(p.get("lat")) for p in points])
    lon = np.array([float(p.get("lon")) for p in points])
    times = pd.to_datetime([p.findtext("g:time", namespaces=ns) for p in points], utc=True)
    hr = [p.findtext("g:extensions/x:TrackPointExtension/x:hr", namespaces=ns) for p in points]
    cad = [p.findtext("g:extensions/x:TrackPointExtension/x:cad", namespaces=ns) for p in points]
    assert not root.xpath("//*[local-name()='distance']")  # GPX carries no distance
    dist = track_distance_m(lat, lon)
    return Written(
        path.name,
        "gpx",
        path.stem.split("_")[1],
        times[0].tz_convert(BERLIN).date(),
        dist[-1] / 1000,
        (times[-1] - times[0]).total_seconds(),
        np.array(hr, dtype=float),
        2 * np.array(cad, dtype=float),  # Garmin's GPX cadence counts one leg
        np.gradient(dist, np.arange(len(dist)) * g.SAMPLE_INTERVAL_S),
    )


def _read_csv(path: Path) -> Written:
    assert path.read_text(encoding="utf-8").splitlines()[0] == DEMO_CSV_HEADER
    frame = pd.read_csv(path)
    ts = pd.to_datetime(frame[c.TIMESTAMP], utc=True)
    build_samples(frame)  # what an importer does with it must not raise
    return Written(
        path.name,
        "csv",
        path.stem.split("_")[1],
        ts.iloc[0].tz_convert(BERLIN).date(),
        float(frame[c.DISTANCE_M].iloc[-1]) / 1000,
        (ts.iloc[-1] - ts.iloc[0]).total_seconds(),
        frame[c.HEART_RATE_BPM].to_numpy(dtype=float),
        frame[c.CADENCE_SPM].to_numpy(dtype=float),
        frame[c.SPEED_MPS].to_numpy(dtype=float),
    )


@pytest.fixture(scope="module")
def written() -> list[Written]:
    readers = {".fit": _read_fit, ".gpx": _read_gpx, ".csv": _read_csv}
    activities = [p for p in sorted(DEMO.iterdir()) if p.name not in (g.WELLNESS_FILE, g.PLAN_FILE)]
    return [readers[p.suffix](p) for p in activities if p.suffix in readers]


def _weekly_km(files: list[Written]) -> list[float]:
    weeks = [0.0] * g.DEMO_WEEKS
    for f in files:
        weeks[(f.local_day - g.DEMO_FIRST_DAY).days // 7] += f.distance_km
    return weeks


def _acwr(files: list[Written]) -> pd.Series:
    """Daily 7-day / 28-day rolling-mean ratio of distance, rest days counted as zero.

    References
    ----------
    Hulin BT, Gabbett TJ, Blanch P, et al. Spikes in acute workload are associated with
    increased injury risk in elite cricket fast bowlers. Br J Sports Med 2014;48:708-712.
    Gabbett TJ. The training-injury prevention paradox: should athletes be training smarter and
    harder? Br J Sports Med 2016;50:273-280 (ratio above 1.5: the "danger zone").
    """
    days = pd.date_range(g.DEMO_FIRST_DAY, g.DEMO_LAST_DAY, freq="D")
    daily = pd.Series(0.0, index=days)
    for f in files:
        daily[pd.Timestamp(f.local_day)] += f.distance_km
    return daily.rolling(7).mean() / daily.rolling(28).mean()


def test_every_file_is_a_planned_run(written: list[Written]) -> None:
    planned = {r.file_name: r for r in g.plan()}
    assert sorted(f.name for f in written) == sorted(planned)
    for f in written:
        run = planned[f.name]
        assert f.local_day == run.day, f.name
        # GPX has no distance: the noisy track is measured, which adds a little
        tolerance = 0.01 if f.fmt == "gpx" else 0.0005
        assert f.distance_km == pytest.approx(run.distance_km, rel=tolerance), f.name
        if f.fmt == "fit":
            assert f.utc_offset_s == run.utc_offset_s, f.name
    shares = Counter(f.fmt for f in written)
    n = len(written)
    assert shares["fit"] / n == pytest.approx(0.60, abs=0.03)
    assert shares["gpx"] / n == pytest.approx(0.25, abs=0.03)
    assert shares["csv"] / n == pytest.approx(0.15, abs=0.03)
    # summer time and winter time both appear in FIT files
    assert {f.utc_offset_s for f in written if f.fmt == "fit"} == {3600, 7200}
    size = sum(p.stat().st_size for p in DEMO.iterdir())
    assert size < 6_000_000


def test_weekly_distance_shows_ramps_cutbacks_and_one_spike(written: list[Written]) -> None:
    km = _weekly_km(written)
    assert all(k > 0 for k in km)
    cutbacks = [w for w in range(2, 17) if km[w - 1] <= 0.8 * km[w - 2]]
    assert cutbacks == list(g.CUTBACK_WEEKS)

    def reference(week: int) -> int:
        """The last week before ``week`` that is not a cutback."""
        ref = week - 1
        while ref in g.CUTBACK_WEEKS:
            ref -= 1
        return ref

    growth = {w: km[w - 1] / km[reference(w) - 1] - 1 for w in range(2, 17) if w not in cutbacks}
    spikes = [w for w, rise in growth.items() if rise >= 0.45]
    assert spikes == [g.SPIKE_WEEK] and 12 <= g.SPIKE_WEEK <= 13
    assert growth[g.SPIKE_WEEK] <= 0.62
    build = [w for w in growth if w != g.SPIKE_WEEK and reference(w) != g.SPIKE_WEEK]
    assert build == [2, 3, 4, 6, 7, 8, 10, 11, 15, 16]
    for w in build:
        assert 0.045 <= growth[w] <= 0.085, (w, growth[w])


def test_acute_chronic_ratio_spikes_then_settles(written: list[Written]) -> None:
    ratio = _acwr(written)
    high = ratio[ratio > 1.5]
    assert len(high) >= 3
    spike_start = pd.Timestamp(g.DEMO_FIRST_DAY + timedelta(weeks=g.SPIKE_WEEK - 1))
    assert high.index.min() >= spike_start
    assert high.index.max() < spike_start + pd.Timedelta(weeks=2)
    last_week = ratio.iloc[-7:]
    assert ((last_week >= 0.8) & (last_week <= 1.3)).all(), last_week


def test_intensity_heart_rate_and_cadence_are_plausible(written: list[Written]) -> None:
    all_hr = np.concatenate([f.heart_rate for f in written])
    all_hr = all_hr[np.isfinite(all_hr)]
    # every sample stands for 5 s, so the share of samples is the share of time
    easy_share = float((all_hr < EASY_LIMIT_BPM).mean())
    assert 0.75 <= easy_share <= 0.88
    assert all_hr.max() <= g.DEMO_MAX_HR
    for f in written:
        if f.kind == g.EASY:
            assert 128 <= np.nanmedian(f.heart_rate) <= 147, f.name
            running = f.cadence_spm[f.cadence_spm > 0]
            assert 162 <= np.median(running) <= 174, f.name
        if f.kind == g.INTERVALS:
            assert 170 <= np.nanmax(f.heart_rate) <= 182, f.name
            fast = f.speed_mps > 4.0
            assert 178 <= np.median(f.cadence_spm[fast]) <= 190, f.name
        if f.kind == g.LONG:
            n = len(f.heart_rate)
            early = np.nanmean(f.heart_rate[n // 10 : n // 3])
            late = np.nanmean(f.heart_rate[2 * n // 3 :])
            assert late >= early + 3, f.name  # cardiac drift


# ---- the wellness log --------------------------------------------------------------------------

SPIKE_MONDAY = pd.Timestamp(g.DEMO_FIRST_DAY + timedelta(weeks=g.SPIKE_WEEK - 1))
ALL_DAYS = pd.date_range(g.DEMO_FIRST_DAY, g.DEMO_LAST_DAY, freq="D")


@pytest.fixture(scope="module")
def log() -> pd.DataFrame:
    """The committed wellness log, one row per logged morning, indexed by date."""
    frame = pd.read_csv(DEMO / g.WELLNESS_FILE, keep_default_na=False)
    frame[c.DATE] = pd.to_datetime(frame[c.DATE], format="%Y-%m-%d")
    return frame.set_index(c.DATE)


def _against_28_days_before(log: pd.DataFrame) -> pd.DataFrame:
    """Each morning against the mornings logged in the 28 calendar days before it.

    ``rhr_delta`` [bpm]: resting HR minus their mean (the guidance warns at 5-10 bpm over
    baseline). ``hrv_z`` [-]: ln rMSSD minus their mean of ln rMSSD, over their sample SD;
    below -0.5 is outside the smallest worthwhile change. At least 20 mornings in the window.

    References
    ----------
    Plews DJ, Laursen PB, Stanley J, Kilding AE, Buchheit M. Training adaptation and heart rate
    variability in elite endurance athletes: opening the door to effective monitoring. Sports
    Med 2013;43:773-781.
    """
    ln_hrv = np.log(log[c.HRV_RMSSD_MS])
    before = ln_hrv.rolling("28D", closed="left", min_periods=20)
    rhr_before = log[c.RESTING_HR_BPM].rolling("28D", closed="left", min_periods=20).mean()
    return pd.DataFrame(
        {
            "rhr_delta": log[c.RESTING_HR_BPM] - rhr_before,
            "hrv_z": (ln_hrv - before.mean()) / before.std(ddof=1),
        }
    )


def test_rolling_baseline_helper_by_hand() -> None:
    # 20 mornings at 50 bpm, alternately 60 and 70 ms, one missing day, then a morning at 56 bpm
    days = [d for d in pd.date_range("2026-01-01", periods=22, freq="D") if d.day != 10]
    frame = pd.DataFrame(
        {
            c.RESTING_HR_BPM: [50] * 20 + [56],
            c.HRV_RMSSD_MS: [60.0, 70.0] * 10 + [50.0],
        },
        index=pd.DatetimeIndex(days),
    )
    last = _against_28_days_before(frame).iloc[-1]
    assert last["rhr_delta"] == pytest.approx(6.0)
    ln60, ln70 = np.log(60.0), np.log(70.0)
    mean = (ln60 + ln70) / 2
    sd = np.sqrt(20 * ((ln70 - ln60) / 2) ** 2 / 19)  # sample SD of ten of each
    assert last["hrv_z"] == pytest.approx((np.log(50.0) - mean) / sd)
    # the 20th morning has only 19 before it: no baseline yet
    assert np.isnan(_against_28_days_before(frame)["rhr_delta"].iloc[-2])


def test_wellness_csv_has_the_generic_header_and_sixteen_weeks_with_gaps(
    log: pd.DataFrame,
) -> None:
    text = (DEMO / g.WELLNESS_FILE).read_text(encoding="utf-8")
    assert text.splitlines()[0] == WELLNESS_HEADER
    assert tuple(WELLNESS_HEADER.split(",")) == c.WELLNESS_COLUMNS
    dates = log.index
    assert dates.is_monotonic_increasing and dates.is_unique
    assert dates[0] == ALL_DAYS[0] and dates[-1] == ALL_DAYS[-1]
    missing = ALL_DAYS.difference(dates)
    assert len(ALL_DAYS) == 112
    assert 0.03 <= len(missing) / len(ALL_DAYS) <= 0.08, list(missing)
    assert dates.to_series().diff().max() == pd.Timedelta(days=2)  # never two mornings in a row


def test_wellness_values_are_in_range(log: pd.DataFrame) -> None:
    for col in (c.SLEEP_QUALITY, c.SORENESS, c.FATIGUE, c.MOOD, c.STRESS):
        assert log[col].dtype.kind == "i", col
        assert log[col].between(1, 5).all(), col
        assert log[col].nunique() >= 3, col  # the scales are used, not a constant
    assert log[c.RESTING_HR_BPM].dtype.kind == "i"
    assert log[c.RESTING_HR_BPM].between(44, 62).all()
    assert log[c.HRV_RMSSD_MS].between(35, 100).all()
    assert log[c.SLEEP_H].between(6.0, 8.5).all()
    written = log[c.NOTES].str.len() > 0
    assert 3 <= written.sum() <= 0.25 * len(log)  # mostly empty, a few words on some days
    assert log.loc[written, c.NOTES].str.split().str.len().max() <= 6

    usual = log[(log.index < SPIKE_MONDAY) | (log.index >= SPIKE_MONDAY + pd.Timedelta(days=10))]
    assert 48 <= usual[c.RESTING_HR_BPM].median() <= 52
    assert usual[c.RESTING_HR_BPM].quantile([0.05, 0.95]).between(47, 53).all()
    assert usual[c.HRV_RMSSD_MS].quantile([0.05, 0.95]).between(53, 78).all()
    # log-normal from day to day: ln rMSSD spreads by a few hundredths to a tenth
    assert 0.04 <= np.log(usual[c.HRV_RMSSD_MS]).std() <= 0.12


def test_the_spike_week_raises_resting_hr_and_lowers_hrv(log: pd.DataFrame) -> None:
    check = _against_28_days_before(log)
    spike_week = check[
        (check.index >= SPIKE_MONDAY) & (check.index < SPIKE_MONDAY + pd.Timedelta(days=7))
    ]
    assert len(spike_week) == 7  # every morning of the spike week is logged
    assert (spike_week["rhr_delta"] >= 5).sum() >= 2
    assert (spike_week["hrv_z"] < -0.5).sum() >= 2
    # in and after it: 5-10 bpm over baseline for a few days, not for weeks
    window = check[
        (check.index >= SPIKE_MONDAY) & (check.index < SPIKE_MONDAY + pd.Timedelta(days=14))
    ]
    high = window[window["rhr_delta"] >= 5]
    assert 3 <= len(high) <= 7
    assert 5 <= high["rhr_delta"].max() <= 10.5
    # and nowhere else
    elsewhere = check.drop(window.index)["rhr_delta"].dropna()
    assert elsewhere.max() < 4
    # shorter nights on those mornings than the athlete's usual
    assert log.loc[high.index, c.SLEEP_H].mean() <= log.drop(window.index)[c.SLEEP_H].mean() - 0.4


def test_soreness_and_fatigue_follow_the_runs_and_cutbacks_recover(log: pd.DataFrame) -> None:
    runs = g.plan()
    kinds: dict[date, set[str]] = {}
    for run in runs:
        kinds.setdefault(run.day, set()).add(run.kind)
    spike_days = (log.index >= SPIKE_MONDAY) & (log.index < SPIKE_MONDAY + pd.Timedelta(days=10))
    usual = log[~spike_days]
    after = [kinds.get((d - pd.Timedelta(days=1)).date(), set()) for d in usual.index]
    hard = np.array([bool(k & {g.INTERVALS, g.TEMPO, g.LONG}) for k in after])
    rest = np.array([not k for k in after])
    sore_tired = usual[c.SORENESS] + usual[c.FATIGUE]
    assert sore_tired[hard].mean() >= sore_tired[rest].mean() + 1.0

    week = (log.index - pd.Timestamp(g.DEMO_FIRST_DAY)).days // 7 + 1
    by_week = log.groupby(week)[[c.RESTING_HR_BPM, c.SORENESS, c.FATIGUE]].mean()
    for cutback in g.CUTBACK_WEEKS[:2]:  # the third follows the spike: checked below
        before = by_week.loc[cutback - 1]
        assert by_week.loc[cutback, c.RESTING_HR_BPM] < before[c.RESTING_HR_BPM], cutback
        assert by_week.loc[cutback, c.FATIGUE] < before[c.FATIGUE], cutback
    # the cutback after the spike: under the warning from Thursday, at baseline by the weekend
    baseline = log.loc[log.index >= SPIKE_MONDAY - pd.Timedelta(days=28)]
    baseline = baseline.loc[baseline.index < SPIKE_MONDAY, c.RESTING_HR_BPM].mean()
    thursday = SPIKE_MONDAY + pd.Timedelta(days=10)
    late = log[(log.index >= thursday) & (log.index < thursday + pd.Timedelta(days=4))]
    assert len(late) == 4
    assert (late[c.RESTING_HR_BPM] <= baseline + 3).all()
    assert (late[c.RESTING_HR_BPM].iloc[2:] <= baseline + 1).all()
    assert (late[c.FATIGUE] <= 3).all()


# ---- the coach's plan --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def coach() -> pd.DataFrame:
    text = (DEMO / g.PLAN_FILE).read_text(encoding="utf-8")
    assert text.splitlines()[0] == PLAN_HEADER
    frame = pd.read_csv(DEMO / g.PLAN_FILE)
    assert list(frame.columns) == PLAN_HEADER.split(",")
    # the import layout's names, in order, are the plan frame's columns
    frame.columns = pd.Index(c.PLAN_COLUMNS)
    frame[c.WEEK_START] = pd.to_datetime(frame[c.WEEK_START], format="%Y-%m-%d")
    return frame


def test_plan_csv_has_sixteen_mondays_and_a_coach_s_ramp(coach: pd.DataFrame) -> None:
    assert len(coach) == 16
    mondays = pd.date_range(g.DEMO_FIRST_DAY, periods=16, freq="7D")
    assert (coach[c.WEEK_START] == mondays).all()
    assert (coach[c.WEEK_START].dt.day_of_week == 0).all()
    assert (coach[c.PLAN_LOAD] == coach[c.PLAN_DISTANCE_KM]).all()  # the distance load model
    # 5:45 min/km, to a tenth of an hour
    assert np.allclose(coach[c.PLAN_DURATION_H], coach[c.PLAN_DISTANCE_KM] * 345 / 3600, atol=0.05)
    assert (coach[c.PLAN_LONG_RUN_KM] <= 0.42 * coach[c.PLAN_DISTANCE_KM]).all()
    km = coach[c.PLAN_DISTANCE_KM].tolist()
    for week in range(2, 17):
        if week in g.CUTBACK_WEEKS:
            assert km[week - 1] <= 0.8 * km[week - 2], week
        else:
            last_full = max(w for w in range(1, week) if w not in g.CUTBACK_WEEKS)
            assert 1.0 <= km[week - 1] / km[last_full - 1] <= 1.08, week


def test_weeks_run_against_the_plan(coach: pd.DataFrame) -> None:
    actual = [0.0] * 16
    for run in g.plan():
        actual[run.week - 1] += run.distance_km
    pct = 100 * np.array(actual) / coach[c.PLAN_DISTANCE_KM].to_numpy()

    def colour(p: float) -> str:
        """TrainingPeaks' compliance colours on distance."""
        if 80 <= p <= 120:
            return "green"
        if 50 <= p < 80 or 120 < p <= 150:
            return "yellow"
        return "red"

    colours = [colour(p) for p in pct]
    spike = g.SPIKE_WEEK - 1
    assert pct[spike] > 150  # 102 km run against 66 planned
    assert pct[spike] == pytest.approx(100 * 102 / 66)
    assert colours[spike] == "red"
    yellow = [w + 1 for w, col in enumerate(colours) if col == "yellow"]
    assert yellow == [9] and pct[8] < 80  # a bit under: 36 of 46 km
    assert colours.count("green") == 14


# ---- running dynamics in the last weeks' FIT files ---------------------------------------------


def test_running_dynamics_by_hand() -> None:
    class Still(random.Random):
        def gauss(self, mu: float = 0.0, sigma: float = 1.0) -> float:
            return 0.0

    out = g.running_dynamics(3.0, 180.0, Still())
    # step 3.0 × 60 / 180 = 1.0 m = 1000 mm; contact 262 − 30 × 0.2 = 256 ms;
    # oscillation 84 + 4 × 0.2 = 84.8 mm; ratio 84.8 / 1000 × 100 = 8.48 %
    assert out == {
        c.GROUND_CONTACT_TIME_MS: 256,
        c.VERTICAL_OSCILLATION_MM: 84.8,
        c.VERTICAL_RATIO_PCT: 8.48,
        c.STEP_LENGTH_MM: 1000,
        c.STANCE_TIME_BALANCE_PCT: 50.6,
    }


def test_the_last_weeks_fit_files_carry_running_dynamics() -> None:
    dynamics = (c.GROUND_CONTACT_TIME_MS, c.VERTICAL_OSCILLATION_MM, c.VERTICAL_RATIO_PCT,
                c.STEP_LENGTH_MM, c.STANCE_TIME_BALANCE_PCT)  # fmt: skip
    fits = [r for r in g.plan() if r.fmt == g.FIT]
    late = [r for r in fits if r.week >= g.DYNAMICS_FROM_WEEK]
    early = [r for r in fits if r.week < g.DYNAMICS_FROM_WEEK]
    assert late and early
    samples = read_fit((DEMO / late[0].file_name).read_bytes(), late[0].file_name)[0].samples
    moving = samples[c.CADENCE_SPM] > 0
    for col in dynamics:
        assert samples.loc[moving, col].notna().all(), col
    assert samples.loc[~moving, list(dynamics)].isna().all().all()  # a stop has none
    # the watch's step length is speed × 60 / cadence, within the file's rounding
    derived = samples[c.SPEED_MPS] * 60 / samples[c.CADENCE_SPM] * 1000
    assert (samples.loc[moving, c.STEP_LENGTH_MM] - derived[moving]).abs().max() < 2
    assert 200 < samples[c.GROUND_CONTACT_TIME_MS].mean() < 300
    first = read_fit((DEMO / early[0].file_name).read_bytes(), early[0].file_name)[0].samples
    assert first[list(dynamics)].isna().all().all()
