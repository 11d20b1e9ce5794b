"""Fitness, fatigue and form (CTL, ATL, TSB) in three conventions; Foster's monotony and strain."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from analysis import columns as c
from analysis.metrics.pmc import (
    MONOTONY_CRITICAL,
    MONOTONY_WARNING,
    PMC_CONVENTION_TEXT,
    PMC_CONVENTIONS,
    monotony,
    monotony_level,
    pmc,
    smoothing_constant,
)


def daily(loads: list[float], start: str = "2024-03-01") -> pd.DataFrame:
    return pd.DataFrame(
        {
            c.DATE: pd.date_range(start, periods=len(loads)),
            c.LOAD: np.asarray(loads, dtype="float64"),
        }
    )


# ---- PMC ----------------------------------------------------------------------------------------

# the daily step k of each convention for N = 42 (CTL) and N = 7 (ATL), written out by hand
HAND_K = {
    "trainingpeaks": (1 / 42, 1 / 7),
    "banister": (1 - math.exp(-1 / 42), 1 - math.exp(-1 / 7)),
    "runalyze": (2 / 43, 2 / 8),
}


@pytest.mark.parametrize("convention", PMC_CONVENTIONS)
def test_ctl_atl_tsb_after_three_days_by_hand(convention: str) -> None:
    k_ctl, k_atl = HAND_K[convention]
    assert smoothing_constant(42, convention) == pytest.approx(k_ctl)
    assert smoothing_constant(7, convention) == pytest.approx(k_atl)
    # loads 100, 0, 50; both start at 0 the day before
    ctl0 = k_ctl * 100
    ctl1 = ctl0 - k_ctl * ctl0  # a rest day: only decay
    ctl2 = ctl1 + k_ctl * (50 - ctl1)
    atl0 = k_atl * 100
    atl1 = atl0 - k_atl * atl0
    atl2 = atl1 + k_atl * (50 - atl1)
    out = pmc(daily([100.0, 0.0, 50.0]), convention=convention)
    assert list(out.columns) == [c.DATE, c.LOAD, c.CTL, c.ATL, c.TSB]
    assert out[c.CTL].tolist() == pytest.approx([ctl0, ctl1, ctl2])
    assert out[c.ATL].tolist() == pytest.approx([atl0, atl1, atl2])
    if convention == "runalyze":
        # Runalyze: form from the same day's values (Performance[i] = Fitness[i] − Fatigue[i])
        assert out[c.TSB].tolist() == pytest.approx([ctl0 - atl0, ctl1 - atl1, ctl2 - atl2])
    else:
        # TrainingPeaks, Banister: form from yesterday's values; 0 on the first day
        assert out[c.TSB].tolist() == pytest.approx([0.0, ctl0 - atl0, ctl1 - atl1])


def test_pmc_trainingpeaks_values_in_numbers() -> None:
    out = pmc(daily([100.0, 0.0, 50.0]))
    # ATL: 100/7 = 14.2857; · 6/7 = 12.2449; + (50 − 12.2449)/7 = 17.6385
    assert out[c.ATL].tolist() == pytest.approx([14.2857, 12.2449, 17.6385], abs=1e-4)
    # CTL: 100/42 = 2.3810; · 41/42 = 2.3243; + (50 − 2.3243)/42 = 3.4594
    assert out[c.CTL].tolist() == pytest.approx([2.3810, 2.3243, 3.4594], abs=1e-4)
    # TSB day 2 = CTL day 1 − ATL day 1 = 2.3243 − 12.2449
    assert out[c.TSB][2] == pytest.approx(-9.9206, abs=1e-4)


def test_pmc_runalyze_atl_in_exact_numbers() -> None:
    # k = 2/(7+1) = 1/4: 25, 18.75, 18.75 + (50 − 18.75)/4 = 26.5625
    out = pmc(daily([100.0, 0.0, 50.0]), convention="runalyze")
    assert out[c.ATL].tolist() == pytest.approx([25.0, 18.75, 26.5625])


def test_tsb_uses_yesterdays_values_not_todays() -> None:
    out = pmc(daily([0.0, 0.0, 0.0, 200.0]))
    # the big day raises today's ATL far above CTL, but today's form is still yesterday's 0
    assert out[c.ATL][3] > out[c.CTL][3]
    assert out[c.TSB][3] == 0.0
    nxt = pmc(daily([0.0, 0.0, 0.0, 200.0, 0.0]))
    assert nxt[c.TSB][4] == pytest.approx(200 / 42 - 200 / 7)


def test_pmc_fills_missing_days_with_rest() -> None:
    gappy = daily([100.0, 0.0, 50.0]).iloc[[0, 2]]
    out = pmc(gappy)
    assert len(out) == 3
    assert out[c.LOAD].tolist() == [100.0, 0.0, 50.0]
    assert out[c.CTL].tolist() == pytest.approx(pmc(daily([100.0, 0.0, 50.0]))[c.CTL].tolist())


def test_pmc_of_an_empty_series_is_empty() -> None:
    out = pmc(daily([]))
    assert out.empty
    assert list(out.columns) == [c.DATE, c.LOAD, c.CTL, c.ATL, c.TSB]


def test_pmc_options_are_checked() -> None:
    with pytest.raises(ValueError, match="convention"):
        pmc(daily([1.0]), convention="garmin")
    with pytest.raises(ValueError, match="time constant"):
        pmc(daily([1.0]), ctl_days=0)
    assert set(PMC_CONVENTION_TEXT) == set(PMC_CONVENTIONS)


@settings(max_examples=40, deadline=None)
@given(
    load=st.floats(1.0, 1e4, allow_nan=False),
    convention=st.sampled_from(PMC_CONVENTIONS),
)
def test_ctl_converges_towards_a_constant_load(load: float, convention: str) -> None:
    out = pmc(daily([load] * 500), convention=convention)
    ctl = out[c.CTL].to_numpy()
    atl = out[c.ATL].to_numpy()
    assert np.all(np.diff(ctl) >= -1e-9 * load)  # rises ...
    assert np.all(ctl <= load * (1 + 1e-12))  # ... never past the load ...
    assert abs(ctl[-1] - load) <= 1e-3 * load  # ... and gets there
    assert np.all(atl >= ctl - 1e-9 * load)  # fatigue fills faster than fitness
    assert abs(out[c.TSB].iloc[-1]) <= 1e-3 * load


# ---- monotony and strain ------------------------------------------------------------------------


def test_monotony_and_strain_for_one_week_by_hand() -> None:
    week = [60.0, 0.0, 40.0, 60.0, 0.0, 80.0, 40.0]
    mean = 280 / 7  # 40
    # deviations 20, −40, 0, 20, −40, 40, 0: squares add to 5600; population variance 800
    sd = math.sqrt(5600 / 7)  # 28.28
    assert mean / sd == pytest.approx(math.sqrt(2))
    out = monotony(daily(week))
    assert list(out.columns) == [c.DATE, c.LOAD, c.WEEKLY_LOAD, c.MONOTONY, c.STRAIN]
    assert out[[c.WEEKLY_LOAD, c.MONOTONY, c.STRAIN]][:6].isna().all().all()
    last = out.iloc[-1]
    assert last[c.WEEKLY_LOAD] == pytest.approx(280.0)
    assert last[c.MONOTONY] == pytest.approx(mean / sd)  # 1.414; the sample SD would give 1.309
    assert last[c.STRAIN] == pytest.approx(280 * mean / sd)  # 396.0
    assert monotony_level(last[c.MONOTONY]) == "ok"


def test_monotony_counts_missing_days_as_rest() -> None:
    week = daily([60.0, 0.0, 40.0, 60.0, 0.0, 80.0, 40.0])
    out = monotony(week[week[c.LOAD] > 0])
    assert len(out) == 7
    assert out[c.MONOTONY].iloc[-1] == pytest.approx(math.sqrt(2))


def test_monotony_rolls_day_by_day() -> None:
    out = monotony(daily([60.0, 0.0, 40.0, 60.0, 0.0, 80.0, 40.0, 60.0]))
    # the day-8 week is 0, 40, 60, 0, 80, 40, 60: sum 280, mean 40, squares 1600, 0, 400,
    # 1600, 1600, 0, 400 add to 5600: monotony √2 again, strain 280·√2
    assert out[c.WEEKLY_LOAD].iloc[-1] == pytest.approx(280.0)
    assert out[c.MONOTONY].iloc[-1] == pytest.approx(math.sqrt(2))
    out = monotony(daily([60.0, 0.0, 40.0, 60.0, 0.0, 80.0, 40.0, 0.0]))
    # 0, 40, 60, 0, 80, 40, 0: sum 220, mean 220/7; population variance from the squares
    values = [0, 40, 60, 0, 80, 40, 0]
    mean = 220 / 7
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / 7)
    assert out[c.MONOTONY].iloc[-1] == pytest.approx(mean / sd)
    assert out[c.STRAIN].iloc[-1] == pytest.approx(220 * mean / sd)


def test_a_week_without_variation_has_no_monotony() -> None:
    rest = monotony(daily([0.0] * 7)).iloc[-1]
    assert rest[c.WEEKLY_LOAD] == 0.0
    assert math.isnan(rest[c.MONOTONY])
    assert math.isnan(rest[c.STRAIN])
    assert monotony_level(rest[c.MONOTONY]) == "n/a"


@settings(max_examples=40, deadline=None)
@given(load=st.floats(1e-3, 1e5, allow_nan=False))
def test_monotony_of_a_constant_positive_week_is_nan(load: float) -> None:
    out = monotony(daily([load] * 7)).iloc[-1]
    assert out[c.WEEKLY_LOAD] == pytest.approx(7 * load)
    assert math.isnan(out[c.MONOTONY])
    assert math.isnan(out[c.STRAIN])


@settings(max_examples=40, deadline=None)
@given(
    loads=st.lists(st.floats(0, 1e4, allow_nan=False), min_size=7, max_size=7),
    scale=st.floats(0.1, 100, allow_nan=False),
)
def test_monotony_does_not_depend_on_the_load_unit(loads: list[float], scale: float) -> None:
    # flat (or float-flat) weeks have no meaningful ratio to compare
    assume(np.std(loads) > 1e-6 * max(loads))
    base = monotony(daily(loads))[c.MONOTONY].iloc[-1]
    scaled = monotony(daily([v * scale for v in loads]))[c.MONOTONY].iloc[-1]
    assert scaled == pytest.approx(base, rel=1e-6)


def test_monotony_options_are_checked() -> None:
    with pytest.raises(ValueError, match="window"):
        monotony(daily([1.0, 2.0]), window_days=1)
    assert monotony(daily([])).empty


@pytest.mark.parametrize(
    ("value", "level"),
    [
        (float("nan"), "n/a"),
        (None, "n/a"),
        (1.0, "ok"),
        (1.49, "ok"),
        (MONOTONY_WARNING, "warning"),
        (1.99, "warning"),
        (MONOTONY_CRITICAL, "critical"),
        (3.0, "critical"),
    ],
)
def test_monotony_level(value: float | None, level: str) -> None:
    assert monotony_level(value) == level


def test_monotony_thresholds() -> None:
    assert (MONOTONY_WARNING, MONOTONY_CRITICAL) == (1.5, 2.0)
    assert monotony_level(1.6, warning=1.7) == "ok"
    with pytest.raises(ValueError, match="warning"):
        monotony_level(1.0, warning=2.5, critical=2.0)
