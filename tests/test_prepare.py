"""Summaries, local time and histograms, checked against numbers worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import columns as c
from analysis.prepare import elevation_gain_m, prepare_activity, resolve_local_time
from tests.factories import run_activity, summary_activity


def test_summary_of_a_steady_run() -> None:
    # 61 samples 10 s apart at 3 m/s: 600 s elapsed, 1800 m; the last sample stands for 10 s
    rec = prepare_activity(run_activity(), "ab" * 32, 0)
    s = rec.summary
    assert s[c.DISTANCE_M] == pytest.approx(1800.0)
    assert s[c.DURATION_S] == pytest.approx(610.0)
    assert s[c.MOVING_TIME_S] == pytest.approx(610.0)
    assert s[c.AVG_HEART_RATE_BPM] == pytest.approx(150.0)
    assert s[c.AVG_CADENCE_SPM] == pytest.approx(170.0)
    assert s[c.AVG_SPEED_MPS] == pytest.approx(1800.0 / 610.0)
    assert s[c.ACTIVITY_ID] == "abababababababab-0"


def test_average_hr_is_weighted_by_time_not_rows() -> None:
    act = run_activity(n=3, step_s=10.0)
    # samples stand for 10 s, 10 s and 10 s; make the middle one last 40 s by moving the last
    samples = act.samples.copy()
    samples[c.HEART_RATE_BPM] = [100.0, 160.0, 100.0]
    samples[c.SAMPLE_DURATION_S] = [10.0, 40.0, 10.0]
    act.samples = samples
    rec = prepare_activity(act, "cd" * 32, 0)
    # (100*10 + 160*40 + 100*10) / 60 = 140
    assert rec.summary[c.AVG_HEART_RATE_BPM] == pytest.approx(140.0)
    hist = rec.hr_histogram.set_index(c.HEART_RATE_BPM)[c.SAMPLE_DURATION_S]
    assert hist.to_dict() == {100: 20.0, 160: 40.0}


def test_histograms_add_up_to_the_time_with_data() -> None:
    rec = prepare_activity(run_activity(), "ef" * 32, 0)
    assert rec.hr_histogram[c.SAMPLE_DURATION_S].sum() == pytest.approx(610.0)
    assert rec.cadence_histogram[c.SAMPLE_DURATION_S].sum() == pytest.approx(610.0)


def test_timezone_from_the_file_offset_wins() -> None:
    act = run_activity()
    act.utc_offset_s = 3600
    name, source, local = resolve_local_time(act)
    assert (name, source) == ("UTC+01:00", c.TZ_SOURCE_FILE)
    assert local == pd.Timestamp("2026-03-02 08:00:00")


@pytest.mark.parametrize(
    ("start", "local"),
    [
        # Berlin: CEST (+2) before the last Sunday of October, CET (+1) after it
        ("2026-10-24T22:30:00Z", "2026-10-25 00:30:00"),
        ("2026-10-25T22:30:00Z", "2026-10-25 23:30:00"),
    ],
)
def test_timezone_from_gps_follows_dst(start: str, local: str) -> None:
    act = run_activity(start=start)
    name, source, got = resolve_local_time(act)
    assert (name, source) == ("Europe/Berlin", c.TZ_SOURCE_GPS)
    assert got == pd.Timestamp(local)


def test_timezone_falls_back_to_utc_and_says_so() -> None:
    act = run_activity(lat0=None)
    name, source, local = resolve_local_time(act)
    assert (name, source) == ("UTC", c.TZ_SOURCE_UTC)
    assert local == pd.Timestamp("2026-03-02 07:00:00")


def test_summary_row_keeps_stated_values() -> None:
    rec = prepare_activity(summary_activity("2026-03-02T07:00:00Z", 10_000.0, 3000.0), "aa" * 32, 3)
    assert rec.summary[c.DISTANCE_M] == 10_000.0
    assert rec.summary[c.AVG_SPEED_MPS] == pytest.approx(10_000.0 / 3000.0)
    assert rec.summary[c.SAMPLES] == 0
    assert rec.hr_histogram.empty


def test_elevation_gain_ignores_noise_below_threshold() -> None:
    alt = pd.Series([100.0, 101.0, None, 100.0, 101.0, 105.0, 104.0, 110.0])
    # GoldenCheetah's 3 m hysteresis, by hand: reference 100; 101, 100, 101 are within 3 m;
    # 105 > 103: +5, reference 105; 104 is within 3 m; 110 > 108: +5. Gain 10 m (the missing
    # reading is skipped), the same rule and figure as the run view's
    assert elevation_gain_m(alt) == pytest.approx(10.0)
    assert elevation_gain_m(pd.Series([100.0, None])) is None
