"""Long-run share, build and cutback weeks, the cutback warning and next week's budget."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import columns as c
from analysis.metrics.guidance import (
    DAYS_SO_FAR,
    LONG_RUN_SHARE_MAX,
    WEEK_IN_PROGRESS,
    acwr_distance_cap,
    cutback_warning,
    cutback_weeks,
    long_run_share,
    next_week_budget,
)
from analysis.metrics.load import acute_chronic


def weeks(km: list[float], longest: list[float] | None = None) -> pd.DataFrame:
    """A weekly frame of Monday weeks from 1 January 2024."""
    return pd.DataFrame(
        {
            c.WEEK_START: pd.date_range("2024-01-01", periods=len(km), freq="7D"),
            c.DISTANCE_KM: [float(k) for k in km],
            c.LONGEST_RUN_KM: [float(k) for k in (longest or [0.0] * len(km))],
        }
    )


def daily(
    loads: dict[str, float], first: str = "2024-01-01", last: str = "2024-01-28"
) -> pd.DataFrame:
    """A daily distance series with rest days as zeros."""
    dates = pd.date_range(first, last, freq="D")
    values = [loads.get(d.strftime("%Y-%m-%d"), 0.0) for d in dates]
    return pd.DataFrame({c.DATE: dates, c.LOAD: values})


def types(km: list[float], **kw: float) -> list[str]:
    return list(cutback_weeks(weeks(km), **kw)[c.WEEK_TYPE])  # type: ignore[arg-type]


# ---- long-run share ---------------------------------------------------------------------------


def test_long_run_share() -> None:
    out = long_run_share(weeks([40.0, 0.0, 50.0], [10.0, 0.0, 20.0]))
    share = list(out[c.LONG_RUN_SHARE_PCT])
    # 10 / 40 = 25 %; an empty week has no share; 20 / 50 = 40 %
    assert share[0] == 25.0
    assert math.isnan(share[1])
    assert share[2] == 40.0
    assert list(out[c.DISTANCE_KM]) == [40.0, 0.0, 50.0]  # the rest is kept


# ---- build and cutback weeks ------------------------------------------------------------------


def test_cutback_at_exactly_the_threshold() -> None:
    # reference = mean(40, 50, 60) = 50; 40 km is exactly 20 % below → cutback
    typed = cutback_weeks(weeks([40, 50, 60, 40]))
    assert list(typed[c.WEEK_TYPE]) == ["build", "build", "build", "cutback"]
    assert list(typed[c.BUILD_STREAK]) == [1, 2, 3, 0]
    assert typed[c.REFERENCE_KM].iloc[3] == 50.0
    assert math.isnan(typed[c.REFERENCE_KM].iloc[0])  # a block's first week has no reference
    # 40.5 km is 19 % below → still a build week, the fourth in a row
    typed = cutback_weeks(weeks([40, 50, 60, 40.5]))
    assert list(typed[c.WEEK_TYPE]) == ["build"] * 4
    assert list(typed[c.BUILD_STREAK]) == [1, 2, 3, 4]


def test_threshold_is_configurable() -> None:
    # 45 km is 10 % below the reference 50
    assert types([40, 50, 60, 45]) == ["build"] * 4
    assert types([40, 50, 60, 45], threshold_pct=10.0)[-1] == "cutback"


def test_reference_is_the_last_build_weeks_only() -> None:
    # five rising weeks: the mean of the last three builds is (50 + 60 + 70) / 3 = 60, and 48 km
    # is 20 % below it; against all five (mean 50) it would be only 4 % below
    typed = cutback_weeks(weeks([30, 40, 50, 60, 70, 48]))
    assert typed[c.WEEK_TYPE].iloc[-1] == "cutback"
    assert typed[c.REFERENCE_KM].iloc[-1] == 60.0
    assert cutback_weeks(weeks([30, 40, 50, 60, 70, 48]), build_weeks=5)[c.WEEK_TYPE].iloc[-1] == (
        "build"
    )


def test_two_light_weeks_in_a_row_are_both_cutbacks() -> None:
    # reference 50: 35 and 38 are both ≥ 20 % below (≤ 40); 45 is not → a new block starts
    typed = cutback_weeks(weeks([50, 50, 50, 35, 38, 45, 50]))
    assert list(typed[c.WEEK_TYPE]) == [
        "build",
        "build",
        "build",
        "cutback",
        "cutback",
        "build",
        "build",
    ]
    assert list(typed[c.BUILD_STREAK]) == [1, 2, 3, 0, 0, 1, 2]
    assert list(typed[c.REFERENCE_KM].iloc[3:6]) == [50.0, 50.0, 50.0]


def test_empty_week_is_rest_and_starts_a_new_block() -> None:
    typed = cutback_weeks(weeks([40, 45, 0, 10, 12]))
    assert list(typed[c.WEEK_TYPE]) == ["build", "build", "rest", "build", "build"]
    assert list(typed[c.BUILD_STREAK]) == [1, 2, 0, 1, 2]
    assert math.isnan(typed[c.REFERENCE_KM].iloc[3])  # 10 km is not compared with 40–45


def test_cutback_weeks_sorts_and_validates() -> None:
    shuffled = weeks([40, 50, 60, 40]).iloc[[3, 1, 0, 2]]
    assert list(cutback_weeks(shuffled)[c.WEEK_TYPE]) == ["build", "build", "build", "cutback"]
    with pytest.raises(ValueError, match="threshold"):
        cutback_weeks(weeks([40]), threshold_pct=0.0)
    with pytest.raises(ValueError, match="build_weeks"):
        cutback_weeks(weeks([40]), build_weeks=0)


def test_cutback_warning_after_three_build_weeks() -> None:
    assert cutback_warning(cutback_weeks(weeks([40, 45]))) is None
    three = cutback_warning(cutback_weeks(weeks([40, 45, 50])))
    assert three == (
        "3 build weeks in a row without a cutback week: plan a lighter week (20–30 % less)"
    )
    four = cutback_warning(cutback_weeks(weeks([40, 45, 50, 52])))
    assert four is not None and four.startswith("4 build weeks in a row")
    assert cutback_warning(cutback_weeks(weeks([40, 45, 50])), max_build_weeks=4) is None
    # a cutback (or a rest week) clears it
    assert cutback_warning(cutback_weeks(weeks([40, 45, 50, 52, 36]))) is None
    assert cutback_warning(cutback_weeks(weeks([40, 45, 50, 0]))) is None
    assert cutback_warning(cutback_weeks(weeks([]))) is None


# ---- next week's budget -----------------------------------------------------------------------

# Weeks (Mon) 1, 8, 15, 22 Jan: 20, 40, 50, 60 km. Next week starts 29 Jan; the 21 days before
# it are 8–28 Jan: 40 + 50 + 60 = 150 km. The 20 km on 7 Jan is 22 days before: not counted.
BUILD = daily(
    {
        "2024-01-07": 20.0,
        "2024-01-10": 20.0,
        "2024-01-13": 20.0,
        "2024-01-17": 25.0,
        "2024-01-20": 25.0,
        "2024-01-24": 30.0,
        "2024-01-27": 30.0,
    }
)
BUILD_WEEKS = weeks([20, 40, 50, 60], [20, 20, 25, 30])


def test_acwr_cap_closed_form() -> None:
    # B ≤ c·L21 / (4 − c): 1.3 × 150 / 2.7 = 195 / 2.7 = 72.22 km
    assert acwr_distance_cap(150.0, 1.3) == pytest.approx(72.2222, abs=1e-4)
    # c = 1 (no growth of the ratio): 150 / 3 = 50 km = the 21-day weekly mean
    assert acwr_distance_cap(150.0, 1.0) == pytest.approx(50.0)
    with pytest.raises(ValueError, match="ceiling"):
        acwr_distance_cap(150.0, 4.0)


def test_budget_limited_by_the_ramp() -> None:
    budget = next_week_budget(BUILD, BUILD_WEEKS, ramp_limit_pct=10.0, acwr_ceiling=1.3)
    # ramp: 60 km × 1.10 = 66 km; ACWR: 72.2 km → the ramp limits
    assert budget["previous_21_days_km"] == 150.0
    assert budget["ramp_cap_km"] == pytest.approx(66.0)
    assert budget["acwr_cap_km"] == pytest.approx(72.2222, abs=1e-4)
    assert budget["max_distance_km"] == pytest.approx(66.0)
    assert budget["limited_by"] == "ramp"
    assert budget["last_week_km"] == 60.0
    # at 66 km: ACWR = 4 × 66 / (66 + 150) = 264 / 216 = 1.2222
    assert budget["acwr_at_budget"] == pytest.approx(1.2222, abs=1e-4)
    assert budget["explanation"] == (
        "At most 66.0 km next week, limited by the ramp (last week 60.0 km + 10 %); "
        "the ACWR ceiling would allow 72.2 km."
    )


def test_longest_run_takes_the_tighter_rule() -> None:
    budget = next_week_budget(BUILD, BUILD_WEEKS)
    # longest of the last 4 weeks 30 km + 10 % = 33 km; 25 % of 66 km = 16.5 km → 16.5 km
    assert budget["longest_run_km"] == pytest.approx(16.5)
    assert budget["long_run_rule"].startswith("longest run ≤ 25 % of next week's 66.0 km = 16.5 km")
    # with a lower longest run the +10 % rule binds: 14 km × 1.10 = 15.4 km < 16.5 km
    shorter = weeks([20, 40, 50, 60], [12, 12, 14, 14])
    budget = next_week_budget(BUILD, shorter)
    assert budget["longest_run_km"] == pytest.approx(15.4)
    assert "(14.0 km) + 10 % = 15.4 km (Frandsen et al. 2025)" in budget["long_run_rule"]
    # a 20 % share limit gives 0.2 × 66 = 13.2 km, tighter than 15.4 km
    assert next_week_budget(BUILD, shorter, long_run_share_max=0.2)["longest_run_km"] == (
        pytest.approx(13.2)
    )


def test_budget_limited_by_the_acwr_and_checked_against_the_rolling_ratio() -> None:
    # last week 100 km: ramp allows 110 km; 21 days before next week: 20 + 30 + 100 = 150 km
    loads = daily({"2024-01-10": 20.0, "2024-01-17": 30.0, "2024-01-24": 50.0, "2024-01-27": 50.0})
    budget = next_week_budget(loads, weeks([0, 20, 30, 100], [0, 20, 30, 50]))
    assert budget["limited_by"] == "acwr"
    assert budget["ramp_cap_km"] == pytest.approx(110.0)
    cap = budget["max_distance_km"]
    assert cap == pytest.approx(72.2222, abs=1e-4)
    assert budget["acwr_at_budget"] == pytest.approx(1.3)
    assert budget["explanation"].startswith(
        "At most 72.2 km next week, limited by the ACWR (ACWR ≤ 1.3 with 150.0 km in the 21 days"
    )
    # run it evenly over next week: the coupled 7:28 rolling ratio ends exactly at the ceiling
    assert cap is not None
    next_week = pd.DataFrame(
        {c.DATE: pd.date_range("2024-01-29", periods=7), c.LOAD: [cap / 7.0] * 7}
    )
    ratio = acute_chronic(pd.concat([loads, next_week], ignore_index=True))[c.ACWR].iloc[-1]
    assert ratio == pytest.approx(1.3)


@settings(max_examples=40, deadline=None)
@given(
    prior=st.lists(st.floats(0.0, 30.0), min_size=21, max_size=21).filter(lambda x: sum(x) > 1),
    ceiling=st.floats(0.5, 2.0),
)
def test_acwr_cap_hits_the_ceiling_of_the_rolling_ratio(prior: list[float], ceiling: float) -> None:
    cap = acwr_distance_cap(sum(prior), ceiling)
    days = [*prior, *[cap / 7.0] * 7]
    # the coupled 7:28 ratio on the last day, from its definition
    acute, chronic = sum(days[-7:]) / 7.0, sum(days) / 28.0
    assert acute / chronic == pytest.approx(ceiling)
    # and as the Training load page computes it; max_gap_days=None because the prior days
    # may hold 15 or more zeros, which the break rule would blank (not what is tested here)
    series = pd.DataFrame({c.DATE: pd.date_range("2024-01-01", periods=28), c.LOAD: days})
    ratio = acute_chronic(series, max_gap_days=None)[c.ACWR].iloc[-1]
    assert ratio == pytest.approx(ceiling)


def test_budget_without_21_days_of_history_uses_the_ramp_only() -> None:
    loads = daily({"2024-01-17": 25.0, "2024-01-24": 30.0}, first="2024-01-15")
    budget = next_week_budget(
        loads,
        weeks([25, 30], [25, 30]).assign(
            **{c.WEEK_START: pd.to_datetime(["2024-01-15", "2024-01-22"])}
        ),
    )
    assert budget["previous_21_days_km"] is None
    assert budget["acwr_cap_km"] is None
    assert budget["limited_by"] == "ramp"
    assert budget["max_distance_km"] == pytest.approx(33.0)  # 30 × 1.10
    assert "the ACWR cannot be applied yet" in budget["explanation"]


def test_budget_after_a_week_without_running() -> None:
    # last week 0 km: no ramp; 21 days before next week hold 40 + 50 = 90 km → 1.3 × 90 / 2.7
    loads = daily({"2024-01-10": 40.0, "2024-01-17": 50.0})
    budget = next_week_budget(loads, weeks([0, 40, 50, 0], [0, 40, 50, 0]))
    assert budget["ramp_cap_km"] is None
    assert budget["limited_by"] == "acwr"
    assert budget["max_distance_km"] == pytest.approx(43.3333, abs=1e-4)
    assert "the ramp cannot be applied after a week without running" in budget["explanation"]


def test_no_budget_without_any_rule() -> None:
    budget = next_week_budget(
        daily({}, first="2024-01-22"),
        weeks([0]).assign(**{c.WEEK_START: pd.to_datetime(["2024-01-22"])}),
    )
    assert budget["max_distance_km"] is None
    assert budget["limited_by"] is None
    assert budget["longest_run_km"] is None
    assert budget["explanation"].startswith("No budget")
    empty = next_week_budget(daily({}), weeks([]))
    assert empty["max_distance_km"] is None


def test_budget_sentence_in_miles() -> None:
    budget = next_week_budget(BUILD, BUILD_WEEKS, unit="mi")
    # 66 km = 41.0 mi, 60 km = 37.3 mi, 72.2 km = 44.9 mi; the numbers stay in km
    assert budget["explanation"] == (
        "At most 41.0 mi next week, limited by the ramp (last week 37.3 mi + 10 %); "
        "the ACWR ceiling would allow 44.9 mi."
    )
    assert budget["max_distance_km"] == pytest.approx(66.0)


# ---- a week in progress -------------------------------------------------------------------------


def test_a_week_in_progress_is_never_a_cutback() -> None:
    # three 40 km weeks, then Monday of the fourth: 5 km in one day
    partial = weeks([40, 40, 40, 5]).assign(**{DAYS_SO_FAR: [7, 7, 7, 1]})
    typed = cutback_weeks(partial)
    assert list(typed[c.WEEK_TYPE]) == ["build", "build", "build", WEEK_IN_PROGRESS]
    assert list(typed[c.BUILD_STREAK]) == [1, 2, 3, 0]
    # it will be compared with the mean of the three build weeks once whole
    assert typed[c.REFERENCE_KM].iloc[3] == 40.0
    # the same 5 km as a whole week is a cutback (5 <= 0.8 x 40 = 32)
    assert types([40, 40, 40, 5])[3] == "cutback"
    # the warning speaks of the last whole week: three builds in a row
    assert cutback_warning(typed) == (
        "3 build weeks in a row without a cutback week: plan a lighter week (20–30 % less)"
    )


def test_a_week_in_progress_leaves_the_block_as_it_was() -> None:
    # 40, 40, [1 day: 2 km], whole weeks only: the partial week sits outside the typing
    partial = weeks([40, 40, 2]).assign(**{DAYS_SO_FAR: [7, 7, 3]})
    assert list(cutback_weeks(partial)[c.WEEK_TYPE]) == ["build", "build", WEEK_IN_PROGRESS]
    assert cutback_warning(cutback_weeks(partial)) is None  # a streak of 2 < 3


# ---- the ramp of the budget after a cutback week -------------------------------------------------

# four Monday weeks from 1 Jan 2024, each week's distance run on its Wednesday
CUTBACK_LOADS = daily(
    {"2024-01-03": 40.0, "2024-01-10": 40.0, "2024-01-17": 40.0, "2024-01-24": 30.0}
)


def test_budget_after_a_cutback_week_ramps_from_the_last_build_week() -> None:
    budget = next_week_budget(CUTBACK_LOADS, weeks([40, 40, 40, 30]), ramp_limit_pct=10.0)
    # 30 km is a cutback (<= 32 km): the ramp starts from the 40 km build week, 40 x 1.1 = 44,
    # not from 30 km (33 km); ACWR: L21 = 40 + 40 + 30 = 110 km, 1.3 x 110 / 2.7 = 52.96 km
    assert budget["ramp_reference_km"] == 40.0
    assert budget["ramp_cap_km"] == pytest.approx(44.0)
    assert budget["acwr_cap_km"] == pytest.approx(143.0 / 2.7)
    assert budget["limited_by"] == "ramp"
    assert budget["last_week_km"] == 30.0
    assert budget["explanation"] == (
        "At most 44.0 km next week, limited by the ramp (the last build week, 15 Jan 2024, "
        "40.0 km + 10 %, as last week's 30.0 km was a cutback); the ACWR ceiling would allow "
        "53.0 km."
    )


def test_budget_keeps_the_caller_s_week_types() -> None:
    # typed with a 30 % threshold, 30 km (25 % lighter) is a build week: the ramp is 30 + 10 %
    typed = cutback_weeks(weeks([40, 40, 40, 30]), threshold_pct=30.0)
    assert list(typed[c.WEEK_TYPE])[3] == "build"
    budget = next_week_budget(CUTBACK_LOADS, typed, ramp_limit_pct=10.0)
    assert budget["ramp_cap_km"] == pytest.approx(33.0)
    # untyped, the threshold argument decides the same way
    untyped = next_week_budget(
        CUTBACK_LOADS, weeks([40, 40, 40, 30]), ramp_limit_pct=10.0, cutback_threshold_pct=30.0
    )
    assert untyped["ramp_cap_km"] == pytest.approx(33.0)


def test_budget_leaves_a_week_in_progress_out() -> None:
    partial = weeks([40, 40, 40, 30, 5]).assign(**{DAYS_SO_FAR: [7, 7, 7, 7, 2]})
    budget = next_week_budget(CUTBACK_LOADS, partial, ramp_limit_pct=10.0)
    # next week is the one after 22 Jan, the last whole week: the same budget as without it
    assert budget["last_week_km"] == 30.0
    assert budget["ramp_cap_km"] == pytest.approx(44.0)


# ---- one long-run rule ----------------------------------------------------------------------------


def test_the_long_run_rule_is_a_quarter_of_the_week() -> None:
    # Daniels: the long run at most 25 % of the week's distance
    assert LONG_RUN_SHARE_MAX == 0.25
    # the budget's share cap reads it
    budget = next_week_budget(
        CUTBACK_LOADS,
        weeks([40, 40, 40, 30], [16, 16, 16, 12]),
        ramp_limit_pct=10.0,
    )
    # longest run of the last 4 weeks 16 km + 10 % = 17.6 km; 0.25 x 44 = 11 km: 11 km binds
    assert budget["longest_run_km"] == pytest.approx(11.0)
    assert budget["long_run_rule"].startswith("longest run ≤ 25 % of next week's 44.0 km = 11.0 km")
