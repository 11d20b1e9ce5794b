"""Load models (Banister and Edwards TRIMP, hrTSS, session RPE), activity and daily load, and the
acute:chronic ratio in its three variants with the coverage floor."""

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
    ACWR_VARIANT_TEXT,
    ACWR_VARIANTS,
    IMPELLIZZERI_2020,
    IMPELLIZZERI_2020_URL,
    LOAD_MODEL_NAMES,
    LOAD_MODELS,
    LOAD_UNITS,
    activity_loads,
    acute_chronic,
    acwr_band,
    banister_trimp,
    daily_load,
    edwards_trimp,
    enough_history,
    history_days,
    hr_tss,
    session_rpe,
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
    # 35 idle days: with breaks counted every day is one (no data); counting idle days as rest
    # instead, the chronic load is 0 and the ratio still NaN, never infinite
    assert acute_chronic(constant_daily(35, 0.0))[c.CHRONIC_LOAD].isna().all()
    zeros = acute_chronic(constant_daily(35, 0.0), max_gap_days=None)
    assert zeros[c.CHRONIC_LOAD][27:].eq(0.0).all()
    assert zeros[c.ACWR].isna().all()


def test_acwr_after_a_big_day_and_a_month_of_rest_is_nan_not_huge() -> None:
    daily = constant_daily(60, 0.0)
    daily.loc[0, c.LOAD] = 1e9
    daily.loc[1, c.LOAD] = 1e-3
    # 58 idle days are a break, so no ratio at all; counted as rest (no breaks), the chronic
    # window is all zeros and must sum to exactly 0, not to the float residue of 1e9
    assert math.isnan(acute_chronic(daily)[c.ACWR].iloc[-1])
    out = acute_chronic(daily, max_gap_days=None)
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


# ---- Edwards TRIMP, hrTSS, session RPE ----------------------------------------------------------


def test_edwards_trimp_worked_example() -> None:
    # HRmax 200: 45 % → ×0, 50 % → ×1, 65 % → ×2, 75 % → ×3, 85 % → ×4, 95 % → ×5, 102.5 % → ×5
    frame = hr(
        [90.0, 100.0, 130.0, 150.0, 170.0, 190.0, 205.0, np.nan],
        [600.0, 600.0, 1200.0, 300.0, 120.0, 60.0, 60.0, 600.0],
    )
    expected = 10 * 0 + 10 * 1 + 20 * 2 + 5 * 3 + 2 * 4 + 1 * 5 + 1 * 5  # zone-weighted minutes
    assert expected == 83
    assert edwards_trimp(frame, 200) == pytest.approx(83.0)


def test_edwards_zone_edges_belong_to_the_upper_zone_and_duration_is_weighted() -> None:
    # HRmax 190: 114 bpm is exactly 60 % (×2), 113 bpm is 59.5 % (×1), 95 bpm is 50 % (×1)
    assert edwards_trimp(hr([114.0], [60.0]), 190) == pytest.approx(2.0)
    assert edwards_trimp(hr([113.0], [60.0]), 190) == pytest.approx(1.0)
    assert edwards_trimp(hr([95.0], [60.0]), 190) == pytest.approx(1.0)
    assert edwards_trimp(hr([94.0], [60.0]), 190) == 0.0
    per_second = edwards_trimp(hr([150.0] * 600, [1.0] * 600), 200)  # 10 min at 75 %: ×3
    assert per_second == pytest.approx(30.0)
    with pytest.raises(ValueError, match="max HR"):
        edwards_trimp(hr([150.0], [60.0]), 0)


def test_hr_tss_is_100_for_an_hour_at_lthr() -> None:
    # rest 50, max 190, LTHR 172
    assert hr_tss(hr([172.0], [3600.0]), 50, 190, 172, "male") == pytest.approx(100.0)
    assert hr_tss(hr([172.0], [1800.0]), 50, 190, 172, "male") == pytest.approx(50.0)
    assert hr_tss(hr([172.0] * 3600, [1.0] * 3600), 50, 190, 172, "female") == pytest.approx(100.0)


def test_hr_tss_worked_example_below_threshold() -> None:
    # 30 min at 150 bpm over the TRIMP of 60 min at 172 bpm, × 100
    hrr, hrr_lt = 100 / 140, 122 / 140
    trimp = 30 * hrr * 0.64 * math.exp(1.92 * hrr)  # 54.05
    lthr_hour = 60 * hrr_lt * 0.64 * math.exp(1.92 * hrr_lt)  # 178.32
    expected = 100 * trimp / lthr_hour
    assert expected == pytest.approx(30.31, abs=0.01)
    assert hr_tss(hr([150.0], [1800.0]), 50, 190, 172, "male") == pytest.approx(expected)
    with pytest.raises(ValueError, match="LTHR"):
        hr_tss(hr([150.0], [1800.0]), 50, 190, 195, "male")


def test_session_rpe_worked_example() -> None:
    assert session_rpe(6, 45) == 270.0  # Foster: CR-10 × minutes
    assert session_rpe(0, 30) == 0.0
    assert session_rpe(10, 0) == 0.0
    for bad in (-1.0, 10.5, float("nan")):
        with pytest.raises(ValueError, match="CR-10"):
            session_rpe(bad, 30)
    with pytest.raises(ValueError, match="minutes"):
        session_rpe(5, -1)


def hr_histograms() -> pd.DataFrame:
    return pd.DataFrame(
        {
            c.ACTIVITY_ID: ["a", "a", "c", "c"],
            c.HEART_RATE_BPM: [150.0, 190.0, 120.0, np.nan],
            c.SAMPLE_DURATION_S: [1800.0, 60.0, 600.0, 60.0],
        }
    )


def test_activity_loads_edwards_and_hrss_from_histograms() -> None:
    hist = hr_histograms()
    edwards = activity_loads(activities(), "edwards", hist, max_hr_bpm=190)
    # a: 30 min at 78.9 % (×3) + 1 min at 100 % (×5); c: 10 min at 63.2 % (×2)
    assert edwards["a"] == pytest.approx(30 * 3 + 1 * 5)
    assert edwards["b"] == 0.0
    assert edwards["c"] == pytest.approx(10 * 2)
    hrss = activity_loads(
        activities(), "hrss", hist, resting_hr_bpm=50, max_hr_bpm=190, lthr_bpm=172
    )
    hrr_a, hrr_lt = 100 / 140, 122 / 140
    trimp_a = 30 * hrr_a * 0.64 * math.exp(1.92 * hrr_a) + 1 * 1.0 * 0.64 * math.exp(1.92)
    lthr_hour = 60 * hrr_lt * 0.64 * math.exp(1.92 * hrr_lt)
    assert hrss["a"] == pytest.approx(100 * trimp_a / lthr_hour)
    assert hrss["b"] == 0.0
    for model in ("edwards", "hrss"):
        with pytest.raises(ValueError, match="hr_hist"):
            activity_loads(activities(), model)


def test_activity_loads_session_rpe() -> None:
    acts = activities().assign(**{c.RPE: [5.0, np.nan, 12.0]})
    loads = activity_loads(acts, "srpe")
    # a: RPE 5 × 60 moving min; b: no RPE → 0; c: 12 is off the CR-10 scale → 0
    assert list(loads) == [300.0, 0.0, 0.0]
    acts = activities().assign(**{c.RPE: [5.0, 8.0, 3.0]})
    # b and c have no moving time: their elapsed minutes (15, 20) count
    assert list(activity_loads(acts, "srpe")) == [300.0, 120.0, 60.0]
    with pytest.raises(ValueError, match="rpe"):
        activity_loads(activities(), "srpe")


def test_every_load_model_has_a_unit_and_a_name() -> None:
    assert set(LOAD_UNITS) == set(LOAD_MODELS) == set(LOAD_MODEL_NAMES)
    assert LOAD_UNITS["distance"] == "km"
    assert LOAD_UNITS["duration"] == "min"


# ---- ACWR variants ------------------------------------------------------------------------------


def spike_series() -> pd.DataFrame:
    """28 days at 2, then a week at 6 (35 days)."""
    daily = constant_daily(35, 2.0)
    daily.loc[28:, c.LOAD] = 6.0
    return daily


def test_acwr_variants_on_a_spike_by_hand() -> None:
    daily = spike_series()
    rolling = acute_chronic(daily, variant="rolling")
    uncoupled = acute_chronic(daily, variant="uncoupled")
    ewma = acute_chronic(daily, variant="ewma")
    for out in (rolling, uncoupled, ewma):
        assert list(out.columns) == [c.DATE, c.LOAD, c.ACUTE_LOAD, c.CHRONIC_LOAD, c.ACWR]
        assert out[c.ACWR][:27].isna().all()  # default floor: a full 28-day window
        assert out[c.ACWR][27] == pytest.approx(1.0)  # 28 days at 2

    # first spike day (index 28)
    # rolling: acute (6·2 + 6)/7 = 18/7; chronic (27·2 + 6)/28 = 15/7; ratio 1.2
    assert rolling[c.ACUTE_LOAD][28] == pytest.approx(18 / 7)
    assert rolling[c.CHRONIC_LOAD][28] == pytest.approx(15 / 7)
    assert rolling[c.ACWR][28] == pytest.approx(1.2)
    # uncoupled: chronic = the 21 days before the acute week, days 1..21, all at 2
    assert uncoupled[c.CHRONIC_LOAD][28] == pytest.approx(2.0)
    assert uncoupled[c.ACWR][28] == pytest.approx(9 / 7)

    # last day (index 34): the acute week is the whole spike
    # rolling: acute 6, chronic (21·2 + 7·6)/28 = 3, ratio 2
    assert rolling[c.ACUTE_LOAD][34] == pytest.approx(6.0)
    assert rolling[c.CHRONIC_LOAD][34] == pytest.approx(3.0)
    assert rolling[c.ACWR][34] == pytest.approx(2.0)
    # uncoupled: chronic = days 7..27, all at 2, ratio 3
    assert uncoupled[c.CHRONIC_LOAD][34] == pytest.approx(2.0)
    assert uncoupled[c.ACWR][34] == pytest.approx(3.0)
    # EWMA seeded with 2 stays at 2 for 28 days; after k days at 6 it is 6 − 4·(1 − λ)^k,
    # λ = 2/(7+1) = 1/4 and 2/(28+1) = 2/29
    acute = 6 - 4 * (3 / 4) ** 7  # 5.4661
    chronic = 6 - 4 * (27 / 29) ** 7  # 3.5744
    assert acute == pytest.approx(5.4661, abs=1e-4)
    assert chronic == pytest.approx(3.5744, abs=1e-4)
    assert ewma[c.ACUTE_LOAD][34] == pytest.approx(acute)
    assert ewma[c.CHRONIC_LOAD][34] == pytest.approx(chronic)
    assert ewma[c.ACWR][34] == pytest.approx(acute / chronic)
    assert ewma[c.ACWR][28] == pytest.approx((6 - 4 * 0.75) / (6 - 4 * 27 / 29))


def test_ewma_is_seeded_with_the_first_day() -> None:
    daily = constant_daily(30, 0.0)
    daily.loc[0, c.LOAD] = 8.0
    # one run then idle days: no breaks counted, so the decay of the seed can be followed
    out = acute_chronic(daily, variant="ewma", min_chronic_days=7, max_gap_days=None)
    # acute EWMA on day 6: 8 · (3/4)^6 (a NaN until the acute week is full)
    assert out[c.ACUTE_LOAD][:6].isna().all()
    assert out[c.ACUTE_LOAD][6] == pytest.approx(8 * 0.75**6)
    assert out[c.CHRONIC_LOAD][6] == pytest.approx(8 * (27 / 29) ** 6)


def floor_series() -> pd.DataFrame:
    """14 days at 1, then a week at 4 (21 days)."""
    daily = constant_daily(21, 1.0)
    daily.loc[14:, c.LOAD] = 4.0
    return daily


def test_coverage_floor_gives_a_ratio_from_the_floor_on() -> None:
    daily = floor_series()
    for variant in ACWR_VARIANTS:
        assert acute_chronic(daily, variant=variant)[c.ACWR].isna().all()  # default floor 28
        out = acute_chronic(daily, variant=variant, min_chronic_days=21)
        assert out[c.ACWR][:20].isna().all()
        assert out[c.CHRONIC_LOAD][:20].isna().all()
        assert math.isfinite(out[c.ACWR][20])
    # 21 days recorded: the chronic means average the days that exist, not 28 with 7 zeros
    rolling = acute_chronic(daily, min_chronic_days=21)
    assert rolling[c.CHRONIC_LOAD][20] == pytest.approx((14 * 1 + 7 * 4) / 21)  # 2
    assert rolling[c.ACWR][20] == pytest.approx(4 / 2)
    uncoupled = acute_chronic(daily, variant="uncoupled", min_chronic_days=21)
    assert uncoupled[c.CHRONIC_LOAD][20] == pytest.approx(1.0)  # days 0..13, before the acute week
    assert uncoupled[c.ACWR][20] == pytest.approx(4.0)
    assert not enough_history(daily.iloc[:20], 28, 21)
    assert enough_history(daily, 28, 21)
    assert not enough_history(daily)


def test_acwr_options_are_checked() -> None:
    daily = spike_series()
    with pytest.raises(ValueError, match="variant"):
        acute_chronic(daily, variant="weekly")
    with pytest.raises(ValueError, match="min_chronic_days"):
        acute_chronic(daily, min_chronic_days=6)
    with pytest.raises(ValueError, match="min_chronic_days"):
        acute_chronic(daily, min_chronic_days=29)
    with pytest.raises(ValueError, match="uncoupled"):
        acute_chronic(daily, 7, 7, variant="uncoupled")


def test_a_floor_of_the_acute_window_works_in_every_variant() -> None:
    # 14 days at 1, then a week at 4; floor 7 = acute_days
    daily = floor_series()
    out = {v: acute_chronic(daily, variant=v, min_chronic_days=7) for v in ACWR_VARIANTS}
    for variant in ("rolling", "ewma"):
        assert out[variant][c.ACWR][:6].isna().all()
        assert out[variant][c.ACWR][6] == pytest.approx(1.0)  # 7 days at 1 over 7 days at 1
    uncoupled = out["uncoupled"]
    # day 7: nothing before the acute week yet; day 8: chronic = day 0 alone
    assert uncoupled[c.ACWR][:7].isna().all()
    assert uncoupled[c.CHRONIC_LOAD][7] == pytest.approx(1.0)
    assert uncoupled[c.ACWR][7] == pytest.approx(1.0)
    # day 15 (the first 4): acute (6·1 + 4)/7; chronic = days 0..7, all 1
    assert uncoupled[c.ACUTE_LOAD][14] == pytest.approx(10 / 7)
    assert uncoupled[c.CHRONIC_LOAD][14] == pytest.approx(1.0)
    assert uncoupled[c.ACWR][14] == pytest.approx(10 / 7)


def test_acwr_of_an_empty_series_is_empty() -> None:
    for variant in ACWR_VARIANTS:
        out = acute_chronic(constant_daily(0, 1.0), variant=variant)
        assert out.empty
        assert list(out.columns) == [c.DATE, c.LOAD, c.ACUTE_LOAD, c.CHRONIC_LOAD, c.ACWR]


def test_acwr_band_is_configurable() -> None:
    assert acwr_band(1.35) == "caution"
    assert acwr_band(1.35, sweet_spot=(0.8, 1.4)) == "sweet spot"
    assert acwr_band(0.85, sweet_spot=(0.9, 1.2)) == "low"
    assert acwr_band(1.45, danger=1.4) == "danger"
    assert acwr_band(1.45) == "caution"
    with pytest.raises(ValueError, match="danger"):
        acwr_band(1.0, sweet_spot=(0.8, 1.6))


def test_acwr_texts_name_every_variant_and_the_critique() -> None:
    assert set(ACWR_VARIANT_TEXT) == set(ACWR_VARIANTS)
    assert "Impellizzeri" in IMPELLIZZERI_2020
    assert "Int J Sports Physiol Perform 2020" in IMPELLIZZERI_2020
    assert IMPELLIZZERI_2020_URL.startswith("https://doi.org/10.1123/ijspp")


@settings(max_examples=60, deadline=None)
@given(
    days=st.integers(1, 120),
    load=st.floats(1e-3, 1e5, allow_nan=False),
    variant=st.sampled_from(ACWR_VARIANTS),
    floor=st.integers(8, 28),
)
def test_constant_load_gives_acwr_one_in_every_variant_once_defined(
    days: int, load: float, variant: str, floor: int
) -> None:
    out = acute_chronic(constant_daily(days, load), variant=variant, min_chronic_days=floor)
    acwr = out[c.ACWR].to_numpy()
    assert np.isnan(acwr[: floor - 1]).all()
    assert np.all(np.abs(acwr[floor - 1 :] - 1.0) <= 1e-9)
