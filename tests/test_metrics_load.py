"""Banister TRIMP, activity and daily load, and the coupled rolling acute:chronic ratio."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import columns as c
from analysis.metrics.load import (
    ACWR_DANGER,
    ACWR_SWEET_SPOT,
    activity_loads,
    acute_chronic,
    acwr_band,
    banister_trimp,
    daily_load,
    enough_history,
    history_days,
)


def hr(bpm: list[float], seconds: list[float]) -> pd.DataFrame:
    return pd.DataFrame({c.HEART_RATE_BPM: bpm, c.SAMPLE_DURATION_S: seconds})


def test_trimp_worked_example_male() -> None:
    # 30 min at 150 bpm, rest 50, max 190: HRr = 100 / 140
    hrr = 100 / 140
    expected = 30 * hrr * 0.64 * math.exp(1.92 * hrr)
    assert expected == pytest.approx(54.05, abs=0.01)  # 21.43 · 0.64 · e^1.371 (≈ 3.941)
    assert banister_trimp(hr([150.0], [1800.0]), 50, 190, "male") == pytest.approx(expected)


def test_trimp_worked_example_female() -> None:
    hrr = 100 / 140
    expected = 30 * hrr * 0.86 * math.exp(1.67 * hrr)
    assert banister_trimp(hr([150.0], [1800.0]), 50, 190, "female") == pytest.approx(expected)


def test_trimp_weighs_duration_not_rows() -> None:
    one_row = banister_trimp(hr([150.0], [1800.0]), 50, 190, "male")
    per_second = banister_trimp(hr([150.0] * 1800, [1.0] * 1800), 50, 190, "male")
    assert per_second == pytest.approx(one_row)
    # an extra row standing for 0 s adds nothing; a reading without HR adds nothing
    padded = banister_trimp(hr([150.0, 185.0, np.nan], [1800.0, 0.0, 600.0]), 50, 190, "male")
    assert padded == pytest.approx(one_row)


def test_trimp_clips_heart_rate_reserve() -> None:
    # below rest counts as HRr 0; above max as HRr 1: 10 min · 1 · 0.64 · e^1.92
    below = banister_trimp(hr([40.0], [600.0]), 50, 190, "male")
    above = banister_trimp(hr([200.0], [600.0]), 50, 190, "male")
    assert below == 0.0
    assert above == pytest.approx(10 * 0.64 * math.exp(1.92))
    with pytest.raises(ValueError, match="sex"):
        banister_trimp(hr([150.0], [60.0]), 50, 190, "other")


def activities() -> pd.DataFrame:
    return pd.DataFrame(
        {
            c.ACTIVITY_ID: pd.Series(["a", "b", "c"], dtype="string"),
            c.LOCAL_DATE: pd.to_datetime(["2024-06-01", "2024-06-01", "2024-06-04"]),
            c.DISTANCE_M: [10000.0, 2500.0, np.nan],
            c.DURATION_S: [3700.0, 900.0, 1200.0],
            c.MOVING_TIME_S: [3600.0, np.nan, np.nan],
            c.AVG_HEART_RATE_BPM: [150.0, np.nan, 120.0],
        }
    )


def test_activity_loads_distance_and_duration() -> None:
    dist = activity_loads(activities(), "distance")
    assert list(dist.index) == ["a", "b", "c"]
    assert list(dist) == [10.0, 2.5, 0.0]
    # moving minutes, or elapsed minutes where moving time is unknown
    assert list(activity_loads(activities(), "duration")) == [60.0, 15.0, 20.0]
    with pytest.raises(ValueError, match="load model"):
        activity_loads(activities(), "pace")


def test_activity_loads_trimp_from_histograms() -> None:
    hist = pd.DataFrame(
        {
            c.ACTIVITY_ID: ["a", "a", "c", "c"],
            c.HEART_RATE_BPM: [150.0, 190.0, 120.0, np.nan],
            c.SAMPLE_DURATION_S: [1800.0, 60.0, 600.0, 60.0],
        }
    )
    loads = activity_loads(activities(), "trimp", hist, resting_hr_bpm=50, max_hr_bpm=190)
    hrr_a = 100 / 140
    expected_a = 30 * hrr_a * 0.64 * math.exp(1.92 * hrr_a) + 1 * 1.0 * 0.64 * math.exp(1.92)
    expected_c = 10 * 0.5 * 0.64 * math.exp(1.92 * 0.5)
    assert loads["a"] == pytest.approx(expected_a)
    assert loads["b"] == 0.0  # no heart rate recorded
    assert loads["c"] == pytest.approx(expected_c)
    with pytest.raises(ValueError, match="hr_hist"):
        activity_loads(activities(), "trimp")


def test_daily_load_has_zeros_on_rest_days() -> None:
    loads = activity_loads(activities(), "distance")
    daily = daily_load(activities(), loads)
    assert list(daily.columns) == [c.DATE, c.LOAD]
    assert list(daily[c.DATE]) == list(pd.date_range("2024-06-01", "2024-06-04"))
    assert list(daily[c.LOAD]) == [12.5, 0.0, 0.0, 0.0]
    padded = daily_load(activities(), loads.drop("b"), start="2024-05-30", end="2024-06-05")
    assert list(padded[c.LOAD]) == [0.0, 0.0, 10.0, 0.0, 0.0, 0.0, 0.0]


def constant_daily(days: int, load: float, start: str = "2024-01-01") -> pd.DataFrame:
    return pd.DataFrame(
        {c.DATE: pd.date_range(start, periods=days), c.LOAD: np.full(days, load, dtype="float64")}
    )


def test_acwr_of_a_constant_load_is_one_from_day_28() -> None:
    out = acute_chronic(constant_daily(40, 5.0))
    assert list(out.columns) == [c.DATE, c.LOAD, c.ACUTE_LOAD, c.CHRONIC_LOAD, c.ACWR]
    assert out[c.ACUTE_LOAD][:6].isna().all()
    assert (out[c.ACUTE_LOAD][6:] == 5.0).all()
    assert out[c.CHRONIC_LOAD][:27].isna().all()
    assert out[c.ACWR][:27].isna().all()
    assert out[c.ACWR][27:].tolist() == pytest.approx([1.0] * 13)


def test_acwr_spike_by_hand() -> None:
    daily = constant_daily(29, 1.0)
    daily.loc[28, c.LOAD] = 8.0
    last = acute_chronic(daily).iloc[-1]
    # acute (6·1 + 8) / 7 = 2; chronic (27·1 + 8) / 28 = 1.25; ACWR 1.6
    assert last[c.ACUTE_LOAD] == pytest.approx(2.0)
    assert last[c.CHRONIC_LOAD] == pytest.approx(1.25)
    assert last[c.ACWR] == pytest.approx(1.6)
    assert acwr_band(last[c.ACWR]) == "danger"


def test_acwr_fills_missing_days_as_rest_and_is_nan_on_zero_chronic() -> None:
    # 28 days of 7 written only on training days: every other day is missing, i.e. rest
    daily = constant_daily(28, 7.0).iloc[::2]
    out = acute_chronic(daily)
    assert len(out) == 27  # 1 Jan .. 27 Jan: the last training day is day 27
    out = acute_chronic(pd.concat([daily, constant_daily(1, 0.0, "2024-01-28")]))
    assert len(out) == 28
    # 14 training days of 7 over 28 days: chronic 3.5; the last 7 days hold 3 of them
    assert out[c.CHRONIC_LOAD].iloc[-1] == pytest.approx(14 * 7 / 28)
    assert out[c.ACUTE_LOAD].iloc[-1] == pytest.approx(3 * 7 / 7)
    zeros = acute_chronic(constant_daily(35, 0.0))
    assert zeros[c.CHRONIC_LOAD][27:].eq(0.0).all()
    assert zeros[c.ACWR].isna().all()


def test_acwr_after_a_big_day_and_a_month_of_rest_is_nan_not_huge() -> None:
    daily = constant_daily(60, 0.0)
    daily.loc[0, c.LOAD] = 1e9
    daily.loc[1, c.LOAD] = 1e-3
    out = acute_chronic(daily)
    assert out[c.CHRONIC_LOAD].iloc[-1] == 0.0
    assert math.isnan(out[c.ACWR].iloc[-1])


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (float("nan"), "not enough history"),
        (None, "not enough history"),
        (0.79, "low"),
        (ACWR_SWEET_SPOT[0], "sweet spot"),
        (1.0, "sweet spot"),
        (ACWR_SWEET_SPOT[1], "sweet spot"),
        (1.31, "caution"),
        (ACWR_DANGER, "caution"),
        (1.51, "danger"),
    ],
)
def test_acwr_band(value: float | None, band: str) -> None:
    assert acwr_band(value) == band


def test_history_helpers() -> None:
    assert history_days(constant_daily(27, 1.0)) == 27
    assert not enough_history(constant_daily(27, 1.0))
    assert enough_history(constant_daily(28, 1.0))
    assert history_days(constant_daily(0, 1.0)) == 0
    assert enough_history(constant_daily(10, 1.0), chronic_days=10)


@settings(max_examples=40, deadline=None)
@given(days=st.integers(1, 200), load=st.floats(1e-3, 1e5, allow_nan=False))
def test_constant_positive_load_gives_acwr_one_from_day_28(days: int, load: float) -> None:
    out = acute_chronic(constant_daily(days, load))
    assert len(out) == days
    acwr = out[c.ACWR].to_numpy()
    assert np.isnan(acwr[:27]).all()
    assert np.all(np.abs(acwr[27:] - 1.0) <= 1e-9)
