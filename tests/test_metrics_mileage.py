"""Distance per day, week and month; the weekly ramp; this week against recent weeks."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import columns as c
from analysis.metrics.mileage import (
    daily_totals,
    monthly_distance,
    week_comparison,
    week_start_of,
    weekly_distance,
)


def activities(rows: list[tuple[str, float]], duration_s: float = 1800.0) -> pd.DataFrame:
    """An activities frame from (local day, km) pairs."""
    days = pd.to_datetime([day for day, _ in rows])
    return pd.DataFrame(
        {
            c.ACTIVITY_ID: pd.Series([f"a{i}" for i in range(len(rows))], dtype="string"),
            c.SPORT: c.SPORT_RUNNING,
            c.START_TIME_LOCAL: days + pd.Timedelta(hours=7),
            c.LOCAL_DATE: days,
            c.DISTANCE_M: [km * 1000.0 for _, km in rows],
            c.DURATION_S: duration_s,
            c.MOVING_TIME_S: duration_s,
            c.AVG_HEART_RATE_BPM: np.nan,
            c.AVG_CADENCE_SPM: np.nan,
            c.AVG_SPEED_MPS: np.nan,
        }
    )


# Monday weeks: W1 (1–7 Jan) 6 + 4 = 10 km, W2 (8–14 Jan) 12 km, W3 (15–21 Jan) empty,
# W4 (22–28 Jan) 5 km.
RAMP = activities(
    [("2024-01-01", 6.0), ("2024-01-07", 4.0), ("2024-01-10", 12.0), ("2024-01-22", 5.0)]
)


def test_week_start_of_monday_and_sunday() -> None:
    # 3 Jan 2024 is a Wednesday, 7 Jan a Sunday
    dates = pd.Series(pd.to_datetime(["2024-01-03 18:30", "2024-01-07 06:00", "2024-01-01 00:00"]))
    monday = week_start_of(dates, "monday")
    sunday = week_start_of(dates, "sunday")
    assert list(monday) == list(pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-01"]))
    assert list(sunday) == list(pd.to_datetime(["2023-12-31", "2024-01-07", "2023-12-31"]))
    with pytest.raises(ValueError, match="week_start"):
        week_start_of(dates, "tuesday")


def test_daily_totals_fills_rest_days_with_zeros() -> None:
    acts = activities([("2024-03-01", 5.0), ("2024-03-01", 3.0), ("2024-03-04", 10.0)], 1200.0)
    daily = daily_totals(acts)
    assert list(daily.columns) == [c.DATE, c.DISTANCE_KM, c.DURATION_S, c.RUNS]
    assert list(daily[c.DATE]) == list(pd.date_range("2024-03-01", "2024-03-04"))
    assert list(daily[c.DISTANCE_KM]) == [8.0, 0.0, 0.0, 10.0]
    assert list(daily[c.DURATION_S]) == [2400.0, 0.0, 0.0, 1200.0]
    assert list(daily[c.RUNS]) == [2, 0, 0, 1]


def test_daily_totals_explicit_range_pads_and_cuts() -> None:
    acts = activities([("2024-03-01", 5.0), ("2024-03-04", 10.0)])
    daily = daily_totals(acts, start=dt.date(2024, 2, 28), end="2024-03-02")
    assert list(daily[c.DATE]) == list(pd.date_range("2024-02-28", "2024-03-02"))
    assert list(daily[c.DISTANCE_KM]) == [0.0, 0.0, 5.0, 0.0]


def test_daily_totals_missing_distance_counts_the_run_not_the_km() -> None:
    acts = activities([("2024-03-01", 5.0), ("2024-03-01", 0.0)])
    acts.loc[1, c.DISTANCE_M] = np.nan
    daily = daily_totals(acts)
    assert list(daily[c.DISTANCE_KM]) == [5.0]
    assert list(daily[c.RUNS]) == [2]


def test_daily_totals_of_nothing_is_empty() -> None:
    assert len(daily_totals(RAMP.iloc[:0])) == 0


def test_weekly_distance_monday_weeks_with_an_empty_week() -> None:
    weekly = weekly_distance(RAMP, "monday", ramp_limit_pct=10.0)
    assert list(weekly.columns) == [
        c.WEEK_START,
        c.DISTANCE_KM,
        c.RUNS,
        c.LONGEST_RUN_KM,
        c.CHANGE_PCT,
        c.OVER_RAMP_LIMIT,
    ]
    assert list(weekly[c.WEEK_START]) == list(
        pd.to_datetime(["2024-01-01", "2024-01-08", "2024-01-15", "2024-01-22"])
    )
    assert list(weekly[c.DISTANCE_KM]) == [10.0, 12.0, 0.0, 5.0]
    assert list(weekly[c.RUNS]) == [2, 1, 0, 1]
    assert list(weekly[c.LONGEST_RUN_KM]) == [6.0, 12.0, 0.0, 5.0]
    change = weekly[c.CHANGE_PCT]
    # 10 -> 12 km is +20 %; 12 -> 0 is -100 %; after a 0 km week there is no base
    assert math.isnan(change[0])
    assert change[1] == pytest.approx(20.0)
    assert change[2] == pytest.approx(-100.0)
    assert math.isnan(change[3])
    assert list(weekly[c.OVER_RAMP_LIMIT]) == [False, True, False, False]


def test_weekly_distance_sunday_weeks() -> None:
    weekly = weekly_distance(RAMP, "sunday", ramp_limit_pct=10.0)
    # Sunday weeks: 31 Dec–6 Jan 6 km; 7–13 Jan 4 + 12 km; 14–20 Jan empty; 21–27 Jan 5 km
    assert list(weekly[c.WEEK_START]) == list(
        pd.to_datetime(["2023-12-31", "2024-01-07", "2024-01-14", "2024-01-21"])
    )
    assert list(weekly[c.DISTANCE_KM]) == [6.0, 16.0, 0.0, 5.0]
    assert list(weekly[c.RUNS]) == [1, 2, 0, 1]
    assert weekly[c.CHANGE_PCT][1] == pytest.approx((16.0 - 6.0) / 6.0 * 100.0)
    assert list(weekly[c.OVER_RAMP_LIMIT]) == [False, True, False, False]


def test_weekly_distance_change_at_the_limit_is_not_over_it() -> None:
    # 1.0 -> 1.1 km is +10 %, though in floats (1.1 - 1.0) * 100 / 1.0 is 10.000000000000009
    acts = activities([("2024-01-01", 1.0), ("2024-01-08", 1.1), ("2024-01-15", 1.221)])
    weekly = weekly_distance(acts, ramp_limit_pct=10.0)
    assert weekly[c.CHANGE_PCT][1] == pytest.approx(10.0)
    assert weekly[c.CHANGE_PCT][2] == pytest.approx((1.221 - 1.1) / 1.1 * 100.0)  # 11 %
    assert list(weekly[c.OVER_RAMP_LIMIT]) == [False, False, True]
    # the same weeks against a looser limit
    assert not weekly_distance(acts, ramp_limit_pct=15.0)[c.OVER_RAMP_LIMIT].any()


def test_weekly_distance_extends_to_end_and_leaves_later_runs_out() -> None:
    weekly = weekly_distance(RAMP, end="2024-02-06")
    assert list(weekly[c.WEEK_START]) == list(pd.date_range("2024-01-01", "2024-02-05", freq="7D"))
    assert list(weekly[c.DISTANCE_KM]) == [10.0, 12.0, 0.0, 5.0, 0.0, 0.0]
    cut = weekly_distance(RAMP, end="2024-01-09")
    assert list(cut[c.DISTANCE_KM]) == [10.0, 0.0]


def test_monthly_distance_includes_empty_months() -> None:
    acts = activities([("2024-01-31", 10.0), ("2024-01-02", 2.5), ("2024-03-01", 5.0)])
    monthly = monthly_distance(acts)
    assert list(monthly.columns) == [c.MONTH_START, c.DISTANCE_KM, c.RUNS]
    assert list(monthly[c.MONTH_START]) == list(
        pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"])
    )
    assert list(monthly[c.DISTANCE_KM]) == [12.5, 0.0, 5.0]
    assert list(monthly[c.RUNS]) == [2, 0, 1]


def test_week_comparison_by_hand() -> None:
    acts = activities(
        [
            ("2024-01-01", 6.0),  # week of 1 Jan
            ("2024-01-17", 4.0),  # week of 15 Jan (week of 8 Jan is empty)
            ("2024-01-23", 10.0),  # last week (22–28 Jan)
            ("2024-01-29", 5.0),  # this week, Monday
            ("2024-01-31", 3.0),  # this week, Wednesday = as_of
            ("2024-02-01", 9.0),  # after as_of: not counted yet
        ]
    )
    result = week_comparison(acts, dt.date(2024, 1, 31), "monday")
    assert result["this_week_km"] == pytest.approx(8.0)
    assert result["last_week_km"] == pytest.approx(10.0)
    assert result["avg_4wk_km"] == pytest.approx((6.0 + 0.0 + 4.0 + 10.0) / 4)
    assert result["change_vs_last_pct"] == pytest.approx((8.0 - 10.0) / 10.0 * 100.0)
    assert result["change_vs_avg_pct"] == pytest.approx((8.0 - 5.0) / 5.0 * 100.0)
    assert result["week_start"] == dt.date(2024, 1, 29)
    assert result["days_into_week"] == 3


def test_week_comparison_sunday_week_and_zero_bases() -> None:
    acts = activities([("2024-01-28", 7.0)])  # a Sunday: first day of a Sunday week
    result = week_comparison(acts, pd.Timestamp("2024-02-03"), "sunday")  # a Saturday
    assert result["week_start"] == dt.date(2024, 1, 28)
    assert result["days_into_week"] == 7
    assert result["this_week_km"] == pytest.approx(7.0)
    assert result["last_week_km"] == 0.0
    assert result["avg_4wk_km"] == 0.0
    assert result["change_vs_last_pct"] is None
    assert result["change_vs_avg_pct"] is None


day_offsets = st.lists(
    st.tuples(st.integers(0, 120), st.floats(0.0, 60.0, allow_nan=False)), min_size=1, max_size=25
)


@settings(max_examples=40, deadline=None)
@given(rows=day_offsets, week_start=st.sampled_from(["monday", "sunday"]))
def test_weekly_sums_add_up_to_the_total(rows: list[tuple[int, float]], week_start: str) -> None:
    base = pd.Timestamp("2023-12-27")
    acts = activities([(str((base + pd.Timedelta(days=d)).date()), km) for d, km in rows])
    weekly = weekly_distance(acts, week_start)
    total = sum(km for _, km in rows)
    assert weekly[c.DISTANCE_KM].sum() == pytest.approx(total, rel=1e-12, abs=1e-9)
    assert weekly[c.RUNS].sum() == len(rows)
    assert (weekly[c.WEEK_START].diff().dropna() == pd.Timedelta(days=7)).all()
    first_day = 0 if week_start == "monday" else 6
    assert (weekly[c.WEEK_START].dt.day_of_week == first_day).all()


@settings(max_examples=40, deadline=None)
@given(rows=day_offsets)
def test_daily_totals_has_no_gaps(rows: list[tuple[int, float]]) -> None:
    base = pd.Timestamp("2024-02-20")
    acts = activities([(str((base + pd.Timedelta(days=d)).date()), km) for d, km in rows])
    daily = daily_totals(acts)
    first = min(d for d, _ in rows)
    last = max(d for d, _ in rows)
    assert len(daily) == last - first + 1
    assert (daily[c.DATE].diff().dropna() == pd.Timedelta(days=1)).all()
    assert daily[c.DATE].iloc[0] == base + pd.Timedelta(days=first)
    assert daily[c.DISTANCE_KM].sum() == pytest.approx(sum(km for _, km in rows), abs=1e-9)
    assert daily[c.RUNS].sum() == len(rows)
