"""Long-run share, build and cutback weeks, the cutback warning and next week's budget."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import columns as c
from analysis.metrics.guidance import (
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
    series = pd.DataFrame(
        {c.DATE: pd.date_range("2024-01-01", periods=28), c.LOAD: [*prior, *[cap / 7.0] * 7]}
    )
    assert acute_chronic(series)[c.ACWR].iloc[-1] == pytest.approx(ceiling)


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
