"""Efficiency factor, aerobic decoupling, pace at a fixed HR, cadence at a fixed pace, test runs,
step length, power zones and the HRV smallest-worthwhile-change band: worked examples by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis import columns as c
from analysis.metrics import dynamics, efficiency, hrv
from analysis.metrics.recovery import baselines
from analysis.settings import AthleteSettings
from tests.factories import run_samples


def _frame(
    rows: list[tuple[float, float, float]], cadence: list[float] | None = None
) -> pd.DataFrame:
    """Samples from ``(seconds, speed [m/s], HR [bpm])`` rows (NaN HR: no reading)."""
    frame = pd.DataFrame(rows, columns=[c.SAMPLE_DURATION_S, c.SPEED_MPS, c.HEART_RATE_BPM])
    if cadence is not None:
        frame[c.CADENCE_SPM] = cadence
    return frame


def _pace(s_per_km: float) -> float:
    return 1000.0 / s_per_km


# ---- efficiency factor and decoupling ----------------------------------------------------------


def test_efficiency_factor_is_speed_in_m_per_min_over_hr() -> None:
    # 5:00 min/km = 200 m/min at 150 bpm: EF = 200 / 150 = 1.3333 m/min per bpm
    frame = _frame([(10.0, 1000.0 / 300.0, 150.0)] * 30)
    assert efficiency.efficiency_factor(frame) == pytest.approx(200.0 / 150.0)


def test_efficiency_factor_weights_by_time_and_leaves_stops_out() -> None:
    # 600 s at 150 m/min (2.5 m/s) and HR 120, 1200 s at 180 m/min (3 m/s) and HR 150,
    # plus a 300 s stop (0 m/s, HR 140) that must not count:
    # mean speed = (600·150 + 1200·180) / 1800 = 170 m/min; mean HR = (600·120 + 1200·150) / 1800
    # = 140 bpm; EF = 170 / 140 = 1.2142857
    frame = _frame([(600.0, 2.5, 120.0), (1200.0, 3.0, 150.0), (300.0, 0.0, 140.0)])
    assert efficiency.efficiency_factor(frame) == pytest.approx(170.0 / 140.0)


def _decoupling_run() -> pd.DataFrame:
    # 10 min warm-up (60 s samples, 2.5 m/s, HR 120), then 20 min at 3.0 m/s = 180 m/min:
    # first 10 min at HR 150, a 60 s stop, second 10 min at HR 160
    rows = [(60.0, 2.5, 120.0)] * 10 + [(60.0, 3.0, 150.0)] * 10
    rows += [(60.0, 0.1, 155.0)] + [(60.0, 3.0, 160.0)] * 10
    return _frame(rows)


def test_decoupling_worked_example() -> None:
    # steady part = the 20 moving minutes after the 10-minute warm-up (the stop is not moving):
    # EF1 = 180 / 150 = 1.2, EF2 = 180 / 160 = 1.125; (1.2 − 1.125) / 1.2 × 100 = 6.25 %
    frame = _decoupling_run()
    ef1, ef2 = efficiency.efficiency_halves(frame)
    assert ef1 == pytest.approx(1.2)
    assert ef2 == pytest.approx(1.125)
    assert efficiency.aerobic_decoupling(frame) == pytest.approx(6.25)
    # whole-run EF includes the warm-up: (600·150 + 1200·180)/1800 = 170 m/min over
    # (600·120 + 600·150 + 600·160)/1800 = 143.33 bpm -> 1.18605
    assert efficiency.efficiency_factor(frame) == pytest.approx(170.0 / (430.0 / 3.0))


def test_steady_run_has_no_decoupling_and_short_runs_have_none() -> None:
    steady = _frame([(60.0, 3.0, 150.0)] * 40)
    assert efficiency.aerobic_decoupling(steady) == pytest.approx(0.0)
    # 25 min: 15 steady minutes after the warm-up, under the 20 needed
    short = _frame([(60.0, 3.0, 150.0)] * 25)
    assert math.isnan(efficiency.aerobic_decoupling(short))
    no_hr = _frame([(60.0, 3.0, float("nan"))] * 40)
    assert math.isnan(efficiency.aerobic_decoupling(no_hr))
    assert math.isnan(efficiency.efficiency_factor(no_hr))


def test_faster_second_half_at_same_hr_is_negative_decoupling() -> None:
    # second half at 3.3 m/s = 198 m/min, HR 150 both halves: EF1 = 1.2, EF2 = 1.32,
    # (1.2 − 1.32) / 1.2 × 100 = −10 %
    rows = [(60.0, 3.0, 150.0)] * 10 + [(60.0, 3.0, 150.0)] * 10 + [(60.0, 3.3, 150.0)] * 10
    assert efficiency.aerobic_decoupling(_frame(rows)) == pytest.approx(-10.0)


# ---- pace at a fixed HR, cadence at a fixed pace -----------------------------------------------


def test_weighted_median_by_hand() -> None:
    # 300 (10 s), 310 (10 s), 320 (30 s): half of 50 s is 25 s, first reached at 320
    values = np.array([320.0, 300.0, 310.0])
    assert efficiency.weighted_median(values, np.array([30.0, 10.0, 10.0])) == 320.0
    # equal weights, even count: the lower median
    assert efficiency.weighted_median(values, np.ones(3)) == 310.0
    assert efficiency.weighted_median(np.array([1.0, 2.0]), np.ones(2)) == 1.0
    assert math.isnan(efficiency.weighted_median(values, np.zeros(3)))


def test_pace_at_heart_rate_worked_example() -> None:
    # target 150 ± 3 bpm: HR 147 (330 s/km, 60 s), 150 (320, 60 s), 153 (310, 120 s) count;
    # 154 and 146 do not. Matched 240 s; sorted 310 (120 s), 320, 330: half of 240 = 120 s is
    # reached at 310 -> 310 s/km
    frame = _frame(
        [
            (60.0, _pace(330.0), 147.0),
            (60.0, _pace(320.0), 150.0),
            (120.0, _pace(310.0), 153.0),
            (300.0, _pace(290.0), 154.0),
            (300.0, _pace(350.0), 146.0),
        ]
    )
    pace, matched = efficiency.pace_at_heart_rate(frame, 150.0)
    assert matched == pytest.approx(240.0)
    assert pace == pytest.approx(310.0)
    # 240 s is too little when 300 s are asked for: no figure, but the matched time is told;
    # at 157 ± 3 bpm only the 154 bpm sample (290 s/km, 300 s) counts
    pace, matched = efficiency.pace_at_heart_rate(frame, 150.0, min_matched_s=300.0)
    assert math.isnan(pace) and matched == pytest.approx(240.0)
    assert efficiency.pace_at_heart_rate(frame, 157.0) == pytest.approx((290.0, 300.0))


def test_cadence_at_pace_worked_example() -> None:
    # target 5:00 = 300 ± 10 s/km: 295 (170 spm, 60 s), 305 (174, 60 s), 310 (176, 30 s, the edge
    # counts) and 300 (172, 60 s) count; 311 s/km and the stop do not. Matched 210 s; sorted
    # 170, 172, 174, 176 with cumulative 60, 120, 180, 210 s: half = 105 s reached at 172
    frame = _frame(
        [
            (60.0, _pace(295.0), 150.0),
            (60.0, _pace(305.0), 150.0),
            (30.0, _pace(310.0), 150.0),
            (600.0, _pace(311.0), 150.0),
            (60.0, _pace(300.0), 150.0),
            (60.0, 0.0, 150.0),
        ],
        cadence=[170.0, 174.0, 176.0, 190.0, 172.0, 0.0],
    )
    cadence, matched = efficiency.cadence_at_pace(frame, 300.0)
    assert matched == pytest.approx(210.0)
    assert cadence == 172.0
    assert math.isnan(efficiency.cadence_at_pace(frame, 200.0)[0])


# ---- many runs: the easy-run trend and test runs -----------------------------------------------


def _runs(days: list[int], names: list[str]) -> pd.DataFrame:
    start = pd.Timestamp("2026-03-01 07:00")
    return pd.DataFrame(
        {
            c.ACTIVITY_ID: [f"a{i}" for i in range(len(days))],
            c.START_TIME_LOCAL: [start + pd.Timedelta(days=d) for d in days],
            c.LOCAL_DATE: [(start + pd.Timedelta(days=d)).normalize() for d in days],
            c.NAME: names,
        }
    )


def test_efficiency_table_marks_easy_runs_by_mean_hr() -> None:
    # max HR 190, %HRmax zones: easy is Z1–Z3, below 80 % = 152 bpm
    ceiling = 0.8 * AthleteSettings().max_hr_bpm
    runs = _runs([0, 1], ["easy", "tempo"])
    samples = {
        "a0": run_samples(n=200, speed_mps=3.0, hr_bpm=140.0),
        "a1": run_samples(n=200, speed_mps=4.0, hr_bpm=165.0),
    }
    table = efficiency.efficiency_table(runs, samples, ceiling)
    assert list(table[c.IS_EASY]) == [True, False]
    # 3.0 m/s = 180 m/min at 140 bpm; 4.0 m/s = 240 m/min at 165 bpm
    assert table[c.EFFICIENCY_FACTOR].tolist() == pytest.approx([180 / 140, 240 / 165])
    assert table[c.DECOUPLING_PCT].tolist() == pytest.approx([0.0, 0.0])
    assert table[c.PACE_S_PER_KM].tolist() == pytest.approx([1000 / 3.0, 250.0])
    # 200 samples of 10 s each
    assert table[c.MOVING_TIME_S].tolist() == pytest.approx([2000.0, 2000.0])
    assert table[c.DISTANCE_KM].tolist() == pytest.approx([6.0, 8.0])


def test_easy_trend_is_the_28_day_mean_of_easy_runs() -> None:
    # easy runs on days 0, 9 and 39 with EF 1.0, 1.2, 1.4 (a hard run on day 5 is left out):
    # day 0 -> 1.0; day 9 -> (1.0 + 1.2) / 2 = 1.1; day 39 -> only itself (day 12..39) = 1.4
    table = _runs([0, 5, 9, 39], ["e", "hard", "e", "e"])
    table[c.EFFICIENCY_FACTOR] = [1.0, 2.0, 1.2, 1.4]
    table[c.DECOUPLING_PCT] = [4.0, 20.0, 2.0, float("nan")]
    table[c.IS_EASY] = [True, False, True, True]
    trend = efficiency.easy_trend(table)
    assert trend[c.EF_TREND].tolist() == pytest.approx([1.0, 1.1, 1.4])
    # the decoupling trend skips the run without a figure: NaN on day 39 (nothing else in window)
    assert trend[c.DECOUPLING_TREND_PCT].tolist()[:2] == pytest.approx([4.0, 3.0])
    assert math.isnan(trend[c.DECOUPLING_TREND_PCT].iloc[2])
    # the window's first day is day 39 − 27 = day 12: a run on day 12 counts, one on day 11 not
    edge = _runs([11, 12, 39], ["e", "e", "e"])
    edge[c.EFFICIENCY_FACTOR] = [9.0, 1.0, 2.0]
    edge[c.DECOUPLING_PCT] = [0.0, 0.0, 0.0]
    edge[c.IS_EASY] = True
    assert efficiency.easy_trend(edge)[c.EF_TREND].iloc[-1] == pytest.approx(1.5)


def test_fixed_point_table_per_run() -> None:
    runs = _runs([0, 7], ["a", "b"])
    samples = {
        "a0": run_samples(n=100, speed_mps=_pace(330.0), hr_bpm=140.0, cadence_spm=166.0),
        "a1": run_samples(n=100, speed_mps=_pace(320.0), hr_bpm=141.0, cadence_spm=168.0),
    }
    table = efficiency.fixed_point_table(runs, samples, heart_rate_bpm=140.0, pace_s_per_km=325.0)
    # both within ± 3 bpm of 140 and ± 10 s/km of 5:25 for their whole 1000 s
    assert table[c.PACE_AT_HR_S_PER_KM].tolist() == pytest.approx([330.0, 320.0])
    assert table[c.CADENCE_AT_PACE_SPM].tolist() == pytest.approx([166.0, 168.0])
    assert table[c.MATCHED_S].tolist() == pytest.approx([1000.0, 1000.0])
    # at 150 bpm and 4:00 neither run has a figure: no rows
    assert efficiency.fixed_point_table(runs, samples, heart_rate_bpm=150.0).empty


def test_kinds_of_test_from_names() -> None:
    names = pd.Series(["MAF test #1", "easy", "maf TEST 2", "5K TT Park", None])
    kinds = efficiency.kinds_of_test(names, ["MAF test", " 5k tt ", "  "])
    assert kinds.tolist() == ["MAF test", None, "MAF test", "5k tt", None]
    assert efficiency.kinds_of_test(names, []).isna().all()


def test_comparison_of_tests_worked_example() -> None:
    table = _runs([0, 20, 30, 45], ["MAF 1", "5k", "MAF 2", "MAF 3"])
    table[c.TEST_KIND] = ["MAF", "5k", "MAF", "MAF"]
    table[c.PACE_S_PER_KM] = [330.0, 240.0, 320.0, 325.0]
    table[c.AVG_HEART_RATE_BPM] = [150.0, 175.0, 150.0, 148.0]
    table[c.EFFICIENCY_FACTOR] = [1.2, 1.4, 1.25, 1.22]
    out = efficiency.comparison_of_tests(table)
    maf = out[out[c.TEST_KIND] == "MAF"]
    # pace: −, 320 − 330 = −10 (faster), 325 − 320 = +5; HR: −, 0, −2
    assert maf[c.PACE_CHANGE_S_PER_KM].tolist()[1:] == pytest.approx([-10.0, 5.0])
    assert maf[c.HR_CHANGE_BPM].tolist()[1:] == pytest.approx([0.0, -2.0])
    # EF: 1.25 / 1.2 − 1 = +4.1667 %, 1.22 / 1.25 − 1 = −2.4 %; against the first: +4.1667, +1.6667
    assert maf[c.EF_CHANGE_PCT].tolist()[1:] == pytest.approx([25 / 6, -2.4])
    assert maf[c.FIRST_EF_CHANGE_PCT].tolist()[1:] == pytest.approx([25 / 6, 5 / 3])
    assert maf.iloc[0][[c.PACE_CHANGE_S_PER_KM, c.EF_CHANGE_PCT]].isna().all()
    five = out[out[c.TEST_KIND] == "5k"]
    assert len(five) == 1 and five[c.EF_CHANGE_PCT].isna().all()
    none = table.assign(**{c.TEST_KIND: None})
    assert efficiency.comparison_of_tests(none).empty


# ---- step length and power zones ---------------------------------------------------------------


def test_step_length_from_speed_and_cadence() -> None:
    # 3.0 m/s at 180 steps/min: 3.0 × 60 / 180 = 1.0 m per step (a 2.0 m stride);
    # 4.0 m/s at 200: 1.2 m
    frame = _frame([(60.0, 3.0, 150.0), (60.0, 4.0, 160.0), (60.0, 0.0, 150.0)])
    frame[c.CADENCE_SPM] = [180.0, 200.0, 0.0]
    assert dynamics.step_length(frame)[:2].tolist() == pytest.approx([1.0, 1.2])
    assert math.isnan(dynamics.step_length(frame)[2])
    # the run's step length is its distance over its steps, not the mean of the two:
    # (180 + 240) m / (180 + 200) steps = 420 / 380 = 1.10526 m
    assert dynamics.run_step_length(frame) == pytest.approx(420.0 / 380.0)


def test_step_length_prefers_the_files_own_value() -> None:
    frame = _frame([(60.0, 3.0, 150.0), (60.0, 4.0, 160.0)])
    frame[c.CADENCE_SPM] = [180.0, 200.0]
    frame[c.STEP_LENGTH_MM] = [1050.0, float("nan")]  # the file's 1050 mm = 1.05 m
    # (1.05 × 180 + 1.2 × 200) / 380 = 429 / 380
    assert dynamics.run_step_length(frame) == pytest.approx(429.0 / 380.0)


def test_run_dynamics_means_and_optional_columns() -> None:
    frame = _frame([(60.0, 3.0, 150.0), (120.0, 3.0, 150.0), (60.0, 0.0, 150.0)])
    frame[c.CADENCE_SPM] = 180.0
    frame[c.POWER_W] = [240.0, 270.0, 0.0]
    frame["ground_contact_time_ms"] = [250.0, 240.0, float("nan")]
    out = dynamics.run_dynamics(frame, extra=("ground_contact_time_ms", "vertical_ratio_pct"))
    # the stop is not moving: (60 × 240 + 120 × 270) / 180 = 260 W; (60 × 250 + 120 × 240) / 180
    assert out[c.AVG_POWER_W] == pytest.approx(260.0)
    assert out["ground_contact_time_ms"] == pytest.approx(730.0 / 3.0)
    assert "vertical_ratio_pct" not in out
    assert out[c.STEP_LENGTH_M] == pytest.approx(1.0)
    assert math.isnan(dynamics.run_dynamics(frame.drop(columns=[c.POWER_W]))[c.AVG_POWER_W])


def test_power_zones_from_critical_power() -> None:
    # CP 250 W: edges at 80, 90, 100, 115 % = 200, 225, 250, 287.5 W
    zones = dynamics.power_zones(250.0)
    assert zones[c.ZONE_LOW_W].tolist() == [0.0, 200.0, 225.0, 250.0, 287.5]
    assert zones[c.ZONE_HIGH_W].tolist() == [200.0, 225.0, 250.0, 287.5, math.inf]
    assert zones[c.ZONE_LABEL].iloc[3] == "Z4 Interval (100–115 % CP, 250–288 W)"
    with pytest.raises(ValueError):
        dynamics.power_zones(0.0)


def test_time_in_power_zones() -> None:
    # 150 W 10 s (Z1), 200 W 20 s (the edge: Z2), 249.9 W 30 s (Z3), 300 W 40 s (Z5),
    # no reading 50 s (left out): 10 / 20 / 30 / 0 / 40 s of 100 s
    frame = pd.DataFrame(
        {
            c.SAMPLE_DURATION_S: [10.0, 20.0, 30.0, 40.0, 50.0],
            c.POWER_W: [150.0, 200.0, 249.9, 300.0, float("nan")],
        }
    )
    out = dynamics.time_in_power_zones(frame, dynamics.power_zones(250.0))
    assert out[c.TIME_S].tolist() == [10.0, 20.0, 30.0, 0.0, 40.0]
    assert out[c.SHARE_PCT].tolist() == pytest.approx([10.0, 20.0, 30.0, 0.0, 40.0])


def test_critical_power_setting() -> None:
    assert AthleteSettings().critical_power_w == 0.0
    assert AthleteSettings(critical_power_w=260.0).critical_power_w == 260.0
    with pytest.raises(ValueError):
        AthleteSettings(critical_power_w=20.0)


# ---- HRV: the smallest-worthwhile-change band --------------------------------------------------


def test_swc_band_worked_example() -> None:
    # ln rMSSD 4.0, 4.2, 4.4, 4.2: mean 4.2; deviations −0.2, 0, 0.2, 0 -> SS 0.08, SD
    # √(0.08 / 3) = 0.163299; band 4.2 ± 0.5 × 0.163299 = 4.118350 … 4.281650
    mean, sd, low, high = hrv.swc_band([4.0, 4.2, 4.4, float("nan"), 4.2])
    assert mean == pytest.approx(4.2)
    assert sd == pytest.approx(math.sqrt(0.08 / 3))
    assert (low, high) == pytest.approx((4.2 - 0.5 * sd, 4.2 + 0.5 * sd))
    assert all(math.isnan(v) for v in hrv.swc_band([4.0]))


def test_hrv_readiness_today_below_while_the_week_is_within() -> None:
    # 14 mornings alternating ln rMSSD 4.0 and 4.4, then a 15th at ln 4.05.
    # Baseline (the 14 before): mean 4.2, SD √(14 × 0.04 / 13) = 0.207550; band 4.2 ± 0.103775
    # = 4.096225 … 4.303775 (e^: 60.12 … 73.97 ms). Today's 4.05 < 4.096: below.
    # The 7-day mean (days 9–15): (3 × 4.0 + 3 × 4.4 + 4.05) / 7 = 4.178571: within.
    ln = [4.0 if i % 2 == 0 else 4.4 for i in range(14)] + [4.05]
    days = pd.date_range("2026-03-01", periods=15, freq="D")
    log = pd.DataFrame({c.DATE: days, c.HRV_RMSSD_MS: np.exp(ln)})
    out = hrv.hrv_readiness(baselines(log), days[-1])
    sd = math.sqrt(14 * 0.04 / 13)
    assert out[c.HRV_TODAY_MS] == pytest.approx(math.exp(4.05))
    assert out[c.HRV_BAND_LOW_MS] == pytest.approx(math.exp(4.2 - 0.5 * sd))
    assert out[c.HRV_BAND_HIGH_MS] == pytest.approx(math.exp(4.2 + 0.5 * sd))
    assert out[c.HRV_SHORT_MEAN_MS] == pytest.approx(math.exp(29.25 / 7))
    assert out[c.HRV_TODAY_STATUS] == "below"
    assert out[c.HRV_STATUS] == "within"
    # the band equals swc_band over the same 14 mornings
    _, _, low, high = hrv.swc_band(ln[:14])
    assert (math.log(out[c.HRV_BAND_LOW_MS]), math.log(out[c.HRV_BAND_HIGH_MS])) == pytest.approx(
        (low, high)
    )
    # a day without a log, and a baseline too short: nothing known
    assert hrv.hrv_readiness(baselines(log), "2026-04-01")[c.HRV_TODAY_STATUS] is None
    early = hrv.hrv_readiness(baselines(log), days[5])
    assert early[c.HRV_TODAY_MS] is not None and early[c.HRV_TODAY_STATUS] is None


def test_ef_in_yards_with_miles() -> None:
    from analysis.units import ef_factor, ef_label

    # 200 m/min at 150 bpm = 1.3333 m/min per bpm; 200 m = 218.72 yd (÷ 0.9144), so
    # 218.72 / 150 = 1.4581 yd/min per bpm, TrainingPeaks' running unit
    assert 200.0 / 150.0 * ef_factor("mi") == pytest.approx(1.4581, abs=1e-4)
    assert ef_factor("km") == 1.0
    assert (ef_label("km"), ef_label("mi")) == ("m/min per bpm", "yd/min per bpm")
