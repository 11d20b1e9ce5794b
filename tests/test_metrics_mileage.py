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
from analysis.metrics.guidance import DAYS_SO_FAR, RAMP_REFERENCE_KM
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
        DAYS_SO_FAR,
        RAMP_REFERENCE_KM,
    ]
    assert list(weekly[c.WEEK_START]) == list(
        pd.to_datetime(["2024-01-01", "2024-01-08", "2024-01-15", "2024-01-22"])
    )
    # without an end every week counts as whole
    assert list(weekly[DAYS_SO_FAR]) == [7, 7, 7, 7]
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
    # the same three days (Mon–Wed) of each week before: 22–24 Jan 10 km, 15–17 Jan 4 km,
    # 8–10 Jan 0 km, 1–3 Jan 6 km
    assert result["last_week_same_days_km"] == pytest.approx(10.0)
    assert result["avg_4wk_same_days_km"] == pytest.approx((10.0 + 4.0 + 0.0 + 6.0) / 4)
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
    assert result["last_week_same_days_km"] == 0.0
    assert result["change_vs_last_pct"] is None
    assert result["change_vs_avg_pct"] is None


# ---- a week in progress is never compared as a whole week ---------------------------------------

# last week (Mon 22 – Sun 28 Jan): Monday 8 km, Wednesday 10 km, Saturday 10 km = 28 km;
# this week: Monday 29 Jan 10 km, and "today" is that Monday
ONE_DAY_WEEK = activities(
    [("2024-01-22", 8.0), ("2024-01-24", 10.0), ("2024-01-27", 10.0), ("2024-01-29", 10.0)]
)


def test_week_comparison_compares_the_same_days_of_last_week() -> None:
    result = week_comparison(ONE_DAY_WEEK, dt.date(2024, 1, 29), "monday")
    assert result["days_into_week"] == 1
    assert result["this_week_km"] == 10.0
    assert result["last_week_km"] == 28.0  # the whole of last week, for context
    # against the whole week it would read (10 - 28) / 28 = -64 %; against last Monday's
    # 8 km it is (10 - 8) / 8 = +25 %
    assert result["last_week_same_days_km"] == 8.0
    assert result["change_vs_last_pct"] == pytest.approx(25.0)
    # the four Mondays before: 8, 0, 0, 0 km, mean 2 km: +400 %
    assert result["avg_4wk_same_days_km"] == pytest.approx(2.0)
    assert result["change_vs_avg_pct"] == pytest.approx(400.0)


def test_week_comparison_on_the_last_day_is_the_whole_week() -> None:
    # Sunday 4 Feb closes the week: same days = whole weeks
    result = week_comparison(ONE_DAY_WEEK, dt.date(2024, 2, 4), "monday")
    assert result["days_into_week"] == 7
    assert result["last_week_same_days_km"] == result["last_week_km"] == 28.0
    assert result["change_vs_last_pct"] == pytest.approx((10.0 - 28.0) / 28.0 * 100.0)


def test_a_one_day_sunday_week_is_in_progress_not_a_drop() -> None:
    # Sunday weeks, today Sunday 28 Jan: the week of 28 Jan holds one day (no run yet);
    # the week of 21 Jan (Sun 21 – Sat 27) holds the 28 km
    weekly = weekly_distance(ONE_DAY_WEEK, "sunday", end="2024-01-28")
    assert list(weekly[c.WEEK_START]) == list(pd.to_datetime(["2024-01-21", "2024-01-28"]))
    assert list(weekly[DAYS_SO_FAR]) == [7, 1]
    assert list(weekly[c.DISTANCE_KM]) == [28.0, 0.0]
    # 0 km after 28 km would be -100 % (or a cutback): part of a week is not compared
    assert math.isnan(weekly[c.CHANGE_PCT].iloc[1])
    assert not weekly[c.OVER_RAMP_LIMIT].iloc[1]
    assert weekly[RAMP_REFERENCE_KM].iloc[1] == 28.0


def test_a_partial_week_is_never_flagged_however_big() -> None:
    # Monday weeks; Wednesday 31 Jan: 31 km in three days after a 28 km week
    acts = activities([("2024-01-22", 28.0), ("2024-01-30", 31.0)])
    weekly = weekly_distance(acts, "monday", ramp_limit_pct=10.0, end="2024-01-31")
    assert list(weekly[DAYS_SO_FAR]) == [7, 3]
    assert math.isnan(weekly[c.CHANGE_PCT].iloc[1])
    assert not weekly[c.OVER_RAMP_LIMIT].any()
    # the same week once whole (end on its Sunday) is compared: (31 - 28) / 28 = +10.7 %,
    # over 10 %
    whole = weekly_distance(acts, "monday", ramp_limit_pct=10.0, end="2024-02-04")
    assert list(whole[DAYS_SO_FAR]) == [7, 7]
    assert whole[c.CHANGE_PCT].iloc[1] == pytest.approx(3.0 / 28.0 * 100.0)
    assert list(whole[c.OVER_RAMP_LIMIT]) == [False, True]


# ---- the ramp against the last build week ---------------------------------------------------


def weekly_km(kms: list[float], **kwargs: float) -> pd.DataFrame:
    """Weeks of one Monday run each, from 1 Jan 2024."""
    start = pd.Timestamp("2024-01-01")
    rows = [(str((start + pd.Timedelta(weeks=i)).date()), km) for i, km in enumerate(kms)]
    return weekly_distance(activities(rows), "monday", **kwargs)


def test_a_return_from_a_cutback_week_is_not_a_ramp() -> None:
    # 40, 30 (cutback: 30 <= 0.8 x 40 = 32), 40: the third week is 0 % against the 40 km
    # build week, not +33 % against the cutback
    weekly = weekly_km([40.0, 30.0, 40.0], ramp_limit_pct=10.0)
    assert list(weekly[RAMP_REFERENCE_KM])[1:] == [40.0, 40.0]
    assert math.isnan(weekly[c.CHANGE_PCT].iloc[0])
    assert list(weekly[c.CHANGE_PCT])[1:] == pytest.approx([-25.0, 0.0])
    assert not weekly[c.OVER_RAMP_LIMIT].any()


def test_a_real_ramp_is_flagged() -> None:
    # 40, 40, 48: (48 - 40) / 40 = +20 % > 10 %
    weekly = weekly_km([40.0, 40.0, 48.0], ramp_limit_pct=10.0)
    assert list(weekly[c.CHANGE_PCT])[1:] == pytest.approx([0.0, 20.0])
    assert list(weekly[c.OVER_RAMP_LIMIT]) == [False, False, True]


def test_the_ramp_after_a_cutback_still_counts_from_the_build_week() -> None:
    # 40, 30 (cutback), 48: +20 % against 40 km (week-over-week it would be +60 %)
    weekly = weekly_km([40.0, 30.0, 48.0], ramp_limit_pct=10.0)
    assert weekly[c.CHANGE_PCT].iloc[2] == pytest.approx(20.0)
    assert list(weekly[c.OVER_RAMP_LIMIT]) == [False, False, True]


def test_a_two_week_down_block_and_a_light_week_that_is_no_cutback() -> None:
    # 40, 40, 40, 30, 30 (both <= 32: cutbacks), 44: +10 % against 40, at the limit, not over
    weekly = weekly_km([40.0, 40.0, 40.0, 30.0, 30.0, 44.0], ramp_limit_pct=10.0)
    assert list(weekly[RAMP_REFERENCE_KM])[1:] == [40.0] * 5
    assert list(weekly[c.CHANGE_PCT])[1:] == pytest.approx([0.0, 0.0, -25.0, -25.0, 10.0])
    assert not weekly[c.OVER_RAMP_LIMIT].any()
    # 40, 35 (-12.5 %: above 32 km, a build week), 40: +14.3 % against 35 km is a ramp
    light = weekly_km([40.0, 35.0, 40.0], ramp_limit_pct=10.0)
    assert light[c.CHANGE_PCT].iloc[2] == pytest.approx(5.0 / 35.0 * 100.0)
    assert bool(light[c.OVER_RAMP_LIMIT].iloc[2])
    # a looser cutback setting (10 %) makes 35 km a cutback, and 40 km no ramp
    loose = weekly_km([40.0, 35.0, 40.0], ramp_limit_pct=10.0, cutback_threshold_pct=10.0)
    assert loose[c.CHANGE_PCT].iloc[2] == pytest.approx(0.0)


def test_after_a_week_without_running_there_is_no_reference() -> None:
    weekly = weekly_km([40.0, 0.0, 40.0], ramp_limit_pct=10.0)
    assert math.isnan(weekly[c.CHANGE_PCT].iloc[0])
    assert weekly[c.CHANGE_PCT].iloc[1] == pytest.approx(-100.0)
    assert math.isnan(weekly[RAMP_REFERENCE_KM].iloc[2])
    assert math.isnan(weekly[c.CHANGE_PCT].iloc[2])
    assert not weekly[c.OVER_RAMP_LIMIT].any()


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
