"""Gaps are gaps: the coverage rule, breaks, returns, and the ratios, PMC and monotony across
them, each worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis import columns as c
from analysis.metrics.load import (
    ACWR_VARIANTS,
    GAP_DAYS,
    GAP_END,
    GAP_START,
    MAX_GAP_DAYS,
    RETURN_GUIDANCE_REFERENCES,
    acute_chronic,
    enough_history,
    gaps,
    history_days,
    recorded_days,
    return_after_break,
)
from analysis.metrics.pmc import monotony, pmc

START = pd.Timestamp("2019-01-01")


def series(loads: list[float], start: pd.Timestamp = START) -> pd.DataFrame:
    return pd.DataFrame(
        {c.DATE: pd.date_range(start, periods=len(loads)), c.LOAD: np.asarray(loads, "float64")}
    )


def day(i: int) -> pd.Timestamp:
    return START + pd.Timedelta(days=i)


def two_year_gap(after: int = 7, load_after: float = 0.0) -> pd.DataFrame:
    """A store's daily series: 60 days at 5 (days 0..59), 730 days without a file (60..789),
    one run of 8 on day 790, then ``after − 1`` days at ``load_after``."""
    return series([5.0] * 60 + [0.0] * 730 + [8.0] + [load_after] * (after - 1))


# ---- the coverage rule ---------------------------------------------------------------------------


def test_fourteen_idle_days_are_rest_fifteen_are_a_break() -> None:
    assert MAX_GAP_DAYS == 14
    assert gaps(series([5.0] + [0.0] * 14 + [5.0])).empty
    found = gaps(series([5.0] + [0.0] * 15 + [5.0]))
    assert found[GAP_START].tolist() == [day(1)]
    assert found[GAP_END].tolist() == [day(15)]
    assert found[GAP_DAYS].tolist() == [15]
    # a break at either end counts as well: before the first run, after the last one
    assert gaps(series([0.0] * 15 + [5.0]))[GAP_DAYS].tolist() == [15]
    assert gaps(series([5.0] + [0.0] * 20))[[GAP_START, GAP_DAYS]].values.tolist() == [[day(1), 20]]
    assert gaps(series([5.0] + [0.0] * 14)).empty  # two weeks since the last run: still rest
    # the rule is a parameter; None: no day is ever a break
    assert gaps(series([5.0] + [0.0] * 8 + [5.0]), max_gap_days=7)[GAP_DAYS].tolist() == [8]
    assert gaps(series([5.0] + [0.0] * 100 + [5.0]), max_gap_days=None).empty
    with pytest.raises(ValueError, match="max_gap_days"):
        gaps(series([5.0]), max_gap_days=0)


def test_recorded_days_count_the_current_stretch() -> None:
    assert recorded_days(series([5.0] * 30)) == 30
    # 3 runs, a 15-day break, 2 runs: the last day is day 2 of its stretch
    broken = series([5.0] * 3 + [0.0] * 15 + [5.0, 5.0])
    assert history_days(broken) == 20
    assert recorded_days(broken) == 2
    assert recorded_days(broken, max_gap_days=None) == 20
    assert recorded_days(series([5.0] + [0.0] * 15)) == 0  # the last day lies in a break
    # rest days inside the stretch are recorded days: 5, 10 rest, 5 is 12 days
    assert recorded_days(series([5.0] + [0.0] * 10 + [5.0])) == 12
    # enough history: by span for a chart (default), by the current stretch for today's ratio
    long_then_back = series([5.0] * 40 + [0.0] * 20 + [5.0] * 10)
    assert enough_history(long_then_back)
    assert not enough_history(long_then_back, max_gap_days=MAX_GAP_DAYS)
    assert enough_history(series([5.0] * 28), max_gap_days=MAX_GAP_DAYS)


# ---- a first run after two years -------------------------------------------------------------------


def test_a_first_run_after_two_years_is_no_ratio_of_four() -> None:
    daily = two_year_gap()
    # the old floor (days since the first activity, idle days as rest) gives the artefact:
    # acute 8/7, chronic 8/28, so 4.0 on every day of the week the run stays in the acute window
    old = acute_chronic(daily, max_gap_days=None)
    assert old[c.ACWR].iloc[790:797].tolist() == pytest.approx([4.0] * 7)
    for variant in ACWR_VARIANTS:
        out = acute_chronic(daily, variant=variant)
        assert len(out) == 797
        # before the break: 60 days at 5 give 1 from day 28 (index 27) on
        assert out[c.ACWR].iloc[27:60].tolist() == pytest.approx([1.0] * 33)
        # the break and the week after the return: no acute, chronic or ratio at all
        assert out[c.ACWR].iloc[60:].isna().all()
        assert out[c.CHRONIC_LOAD].iloc[60:].isna().all()
        assert out[c.ACUTE_LOAD].iloc[60:790].isna().all()
    assert (acute_chronic(daily)[c.ACWR] != 4.0).all()


def test_the_ratio_comes_back_on_the_floors_day_after_a_return() -> None:
    # back on day 790 with 8 every day: day k of the stretch is index 789 + k
    daily = two_year_gap(after=40, load_after=8.0)
    out = acute_chronic(daily)
    assert out[c.ACWR].iloc[790:817].isna().all()  # stretch days 1..27
    assert out[c.ACWR].iloc[817] == pytest.approx(1.0)  # day 28: 28 days at 8 over 28 at 8
    assert out[c.ACUTE_LOAD].iloc[796] == pytest.approx(8.0)  # the acute week is full on day 7
    floor_21 = acute_chronic(daily, min_chronic_days=21)
    assert floor_21[c.ACWR].iloc[790:810].isna().all()
    # day 21 of the stretch: the rolling chronic mean averages those 21 days, all at 8
    assert floor_21[c.CHRONIC_LOAD].iloc[810] == pytest.approx(8.0)
    assert floor_21[c.ACWR].iloc[810] == pytest.approx(1.0)


def test_ewma_is_seeded_again_after_a_break() -> None:
    # 30 days at 2, a 20-day break, 30 days at 6
    daily = series([2.0] * 30 + [0.0] * 20 + [6.0] * 30)
    out = acute_chronic(daily, variant="ewma")
    # seeded with 6 on the return day, both averages stay at 6: ratio 1 on day 28 of the stretch
    assert out[c.ACUTE_LOAD].iloc[56] == pytest.approx(6.0)  # day 7 of the stretch
    assert out[c.CHRONIC_LOAD].iloc[77] == pytest.approx(6.0)
    assert out[c.ACWR].iloc[77] == pytest.approx(1.0)
    assert out[c.ACWR].iloc[50:77].isna().all()
    # carried through the break instead, the chronic EWMA would still remember the 2s:
    # 2 · (27/29)^20 decayed, then 27 days towards 6
    carried = acute_chronic(daily, variant="ewma", max_gap_days=None)
    lam = 2 / 29
    chronic = 2.0 * (1 - lam) ** 20
    for _ in range(28):
        chronic += lam * (6.0 - chronic)
    assert carried[c.CHRONIC_LOAD].iloc[77] == pytest.approx(chronic)
    assert carried[c.ACWR].iloc[77] > 1.1


def test_return_after_break_names_the_break_and_the_return() -> None:
    daily = two_year_gap()
    back = return_after_break(daily, day(790))
    assert back is not None
    assert back["break_start"] == day(60)
    assert back["break_end"] == day(789)
    assert back["break_days"] == 730
    assert back["last_day_before"] == day(59)
    assert back["return_day"] == day(790)
    assert back["days_since_return"] == 1
    assert "730 days" in back["guidance"]
    assert "Nielsen et al. 2014" in back["guidance"]
    assert any("J Orthop Sports Phys Ther 2014" in ref for ref in RETURN_GUIDANCE_REFERENCES)
    week_later = return_after_break(daily, day(796))
    assert week_later is not None
    assert week_later["days_since_return"] == 7


def test_return_after_break_ends_when_the_ratio_is_back() -> None:
    daily = two_year_gap(after=40, load_after=8.0)
    last = return_after_break(daily, day(816))  # day 27 of the stretch: still no ratio
    assert last is not None
    assert last["days_since_return"] == 27
    assert return_after_break(daily, day(817)) is None  # day 28: the ratio is back
    assert return_after_break(daily, day(810), min_chronic_days=21) is None
    assert return_after_break(daily, day(809), min_chronic_days=21) is not None
    # not a return: inside the break, the first stretch of the series, before the series
    assert return_after_break(daily, day(400)) is None
    assert return_after_break(daily, day(30)) is None
    assert return_after_break(daily, day(-1)) is None
    assert return_after_break(series([0.0] * 20 + [5.0] * 3), day(22)) is None  # no run before


def test_return_after_break_past_the_series_end_is_a_break() -> None:
    daily = series([5.0] * 30)
    # as_of 20 days after the last run: those days have no training, so as_of lies in a break
    assert return_after_break(daily, day(49)) is None
    assert return_after_break(daily, day(40)) is None  # 10 days of rest: not a return either


# ---- PMC across a break --------------------------------------------------------------------------


def test_pmc_is_blank_in_a_break_and_resumes_from_the_decay() -> None:
    # one day of 42, 20 idle days (a break), one day of 42; TrainingPeaks k = 1/42 and 1/7
    out = pmc(series([42.0] + [0.0] * 20 + [42.0]))
    assert out[c.CTL].iloc[0] == pytest.approx(1.0)
    assert out[c.ATL].iloc[0] == pytest.approx(6.0)
    assert out[[c.CTL, c.ATL, c.TSB]].iloc[1:21].isna().all().all()
    # Banister's model decays through the break: CTL_20 = (41/42)^20, ATL_20 = 6 · (6/7)^20
    ctl20, atl20 = (41 / 42) ** 20, 6 * (6 / 7) ** 20
    assert out[c.CTL].iloc[21] == pytest.approx(ctl20 + (42 - ctl20) / 42)
    assert out[c.ATL].iloc[21] == pytest.approx(atl20 + (42 - atl20) / 7)
    assert out[c.TSB].iloc[21] == pytest.approx(ctl20 - atl20)  # yesterday's values
    # after two years the decay leaves nothing: the return starts from zero in effect
    far = pmc(two_year_gap())
    assert far[c.CTL].iloc[790] == pytest.approx(8 / 42, rel=1e-6)
    assert far[c.CTL].iloc[60:790].isna().all()


def test_runalyze_form_is_todays_fitness_minus_todays_fatigue() -> None:
    # one day of 10: CTL = 10 · 2/43 = 0.4651, ATL = 10 · 2/8 = 2.5, TSB = −2.0349 that day
    out = pmc(series([10.0, 0.0]), convention="runalyze")
    assert out[c.CTL].iloc[0] == pytest.approx(20 / 43)
    assert out[c.ATL].iloc[0] == pytest.approx(2.5)
    assert out[c.TSB].iloc[0] == pytest.approx(20 / 43 - 2.5)
    assert out[c.TSB].iloc[0] == pytest.approx(-2.0349, abs=1e-4)
    # next day: CTL · 41/43, ATL · 3/4, and form is again that day's difference
    assert out[c.TSB].iloc[1] == pytest.approx(20 / 43 * 41 / 43 - 2.5 * 0.75)
    # TrainingPeaks takes yesterday's: 0 on the first day, the first day's difference next
    tp = pmc(series([10.0, 0.0]))
    assert tp[c.TSB].tolist() == pytest.approx([0.0, 10 / 42 - 10 / 7])


# ---- monotony across a break ---------------------------------------------------------------------


def test_monotony_needs_seven_recorded_days() -> None:
    loads = [2.0, 4.0] * 5 + [0.0] * 15 + [2.0, 4.0, 2.0, 4.0, 2.0, 4.0, 6.0]
    out = monotony(series(loads))
    # before the break: day 7 (index 6) is the first full week; 2,4,2,4,2,4,2: mean 20/7,
    # population SD sqrt(mean of squares − mean²) = sqrt(64/7 − 400/49) = sqrt(48)/7
    assert out[c.MONOTONY].iloc[:6].isna().all()
    assert out[c.MONOTONY].iloc[6] == pytest.approx((20 / 7) / (math.sqrt(48) / 7))
    # a week reaching into the break has fewer than 7 recorded days: no value
    assert out[[c.MONOTONY, c.STRAIN, c.WEEKLY_LOAD]].iloc[10:25].isna().all().all()
    # after it: days 1..6 of the stretch have none, day 7 (2,4,2,4,2,4,6) has one
    assert out[c.MONOTONY].iloc[25:31].isna().all()
    mean = 24 / 7
    sd = math.sqrt((3 * 4 + 3 * 16 + 36) / 7 - mean**2)
    assert out[c.MONOTONY].iloc[31] == pytest.approx(mean / sd)
    assert out[c.WEEKLY_LOAD].iloc[31] == pytest.approx(24.0)
    # counted as rest instead (no breaks), the week of days 10..16 is all zeros: flat, NaN,
    # but the week of days 19..25 holds a single 2 and would read as a value
    assert math.isfinite(monotony(series(loads), max_gap_days=None)[c.MONOTONY].iloc[25])
