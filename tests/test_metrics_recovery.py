"""Recovery baselines (resting HR, ln rMSSD band) and the push / hold / back-off rule table."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis import columns as c
from analysis.metrics.recovery import (
    BACK_OFF,
    DEFAULT_RULES,
    HOLD,
    NOT_ENOUGH_DATA,
    PUSH,
    SIGNAL_LABELS,
    STATUSES,
    Rule,
    baselines,
    day_decision,
    day_signals,
    decide,
    default_rules,
    hrv_status,
    rules_from_table,
    rules_table,
    week_decision,
    week_signals,
)

# ---- baselines: a series small enough to do by hand ----------------------------------------------

# Five mornings, 5 January not logged. ln rMSSD chosen directly: rMSSD = e^ln.
HAND_DAYS = ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04", "2024-01-06"]
HAND_RHR = [50.0, 52.0, 48.0, 50.0, 60.0]
HAND_LN = [4.0, 4.2, 3.8, 4.0, 3.5]


def _hand() -> pd.DataFrame:
    wellness = pd.DataFrame(
        {
            c.DATE: pd.to_datetime(HAND_DAYS),
            c.RESTING_HR_BPM: HAND_RHR,
            c.HRV_RMSSD_MS: np.exp(HAND_LN),
        }
    )
    # short: the 3 days ending today (≥ 2 values); long: the 4 days before today (≥ 3 values)
    out = baselines(wellness, short_days=3, long_days=4, min_short=2, min_long=3)
    return out.set_index(c.DATE)


def test_baselines_by_hand_on_4_january() -> None:
    day = _hand().loc[pd.Timestamp("2024-01-04")]
    # short window 2–4 Jan: RHR 52, 48, 50 -> mean 50; deviations 2, −2, 0 -> SD √(8/2) = 2
    assert day[c.RHR_SHORT_MEAN_BPM] == pytest.approx(50.0)
    assert day[c.RHR_SHORT_SD_BPM] == pytest.approx(2.0)
    # long window 31 Dec–3 Jan, today excluded: 50, 52, 48 -> mean 50, SD 2; delta 50 − 50 = 0
    assert day[c.RHR_LONG_MEAN_BPM] == pytest.approx(50.0)
    assert day[c.RHR_LONG_SD_BPM] == pytest.approx(2.0)
    assert day[c.RHR_DELTA_BPM] == pytest.approx(0.0)
    # ln rMSSD short 4.2, 3.8, 4.0 -> mean 4.0, SD 0.2; long 4.0, 4.2, 3.8 -> mean 4.0, SD 0.2
    assert day[c.LN_RMSSD] == pytest.approx(4.0)
    assert day[c.LN_RMSSD_SHORT_MEAN] == pytest.approx(4.0)
    assert day[c.LN_RMSSD_SHORT_SD] == pytest.approx(0.2)
    assert day[c.LN_RMSSD_LONG_MEAN] == pytest.approx(4.0)
    assert day[c.LN_RMSSD_LONG_SD] == pytest.approx(0.2)
    # band 4.0 ± 0.5 × 0.2 = [3.9, 4.1] in ln ms, i.e. e^3.9 = 49.40 to e^4.1 = 60.34 ms
    assert day[c.HRV_BAND_LOW_MS] == pytest.approx(49.402, abs=1e-3)
    assert day[c.HRV_BAND_HIGH_MS] == pytest.approx(60.340, abs=1e-3)
    assert day[c.HRV_SHORT_MEAN_MS] == pytest.approx(54.598, abs=1e-3)  # e^4.0
    assert day[c.HRV_STATUS] == "within"


def test_baselines_by_hand_on_6_january_across_a_gap() -> None:
    day = _hand().loc[pd.Timestamp("2024-01-06")]
    # short window 4–6 Jan holds two logged days (5 Jan is missing, not zero): 50 and 60
    assert day[c.RHR_SHORT_MEAN_BPM] == pytest.approx(55.0)
    assert day[c.RHR_SHORT_SD_BPM] == pytest.approx(math.sqrt(50.0))  # (25 + 25) / 1
    # long window 2–5 Jan: 52, 48, 50 -> mean 50; today's 60 is 10 bpm above it
    assert day[c.RHR_LONG_MEAN_BPM] == pytest.approx(50.0)
    assert day[c.RHR_DELTA_BPM] == pytest.approx(10.0)
    # ln short mean (4.0 + 3.5) / 2 = 3.75 < band low 4.0 − 0.1 = 3.9 -> below
    assert day[c.LN_RMSSD_SHORT_MEAN] == pytest.approx(3.75)
    assert day[c.HRV_STATUS] == "below"


def test_baselines_need_their_minimum_counts() -> None:
    out = _hand()
    first, third = out.loc[pd.Timestamp("2024-01-01")], out.loc[pd.Timestamp("2024-01-03")]
    assert math.isnan(first[c.RHR_SHORT_MEAN_BPM])  # one value, two needed
    assert third[c.RHR_SHORT_MEAN_BPM] == pytest.approx(50.0)  # (50 + 52 + 48) / 3
    assert math.isnan(third[c.RHR_LONG_MEAN_BPM])  # two earlier days, three needed
    assert math.isnan(third[c.RHR_DELTA_BPM])
    assert third[c.HRV_STATUS] is None


def test_default_windows_need_14_measured_days_before_today() -> None:
    days = pd.date_range("2024-01-01", periods=15)
    wellness = pd.DataFrame(
        {c.DATE: days, c.RESTING_HR_BPM: [50.0] * 14 + [56.0], c.HRV_RMSSD_MS: [60.0] * 15}
    )
    out = baselines(wellness).set_index(c.DATE)
    assert math.isnan(out.loc[days[13], c.RHR_LONG_MEAN_BPM])  # 13 earlier days
    assert out.loc[days[14], c.RHR_LONG_MEAN_BPM] == pytest.approx(50.0)  # 14 earlier days
    assert out.loc[days[14], c.RHR_DELTA_BPM] == pytest.approx(6.0)
    assert out.loc[days[14], c.RHR_LONG_SD_BPM] == pytest.approx(0.0)
    # the 7-day mean from the third morning on (three values)
    assert math.isnan(out.loc[days[1], c.RHR_SHORT_MEAN_BPM])
    assert out.loc[days[2], c.RHR_SHORT_MEAN_BPM] == pytest.approx(50.0)


def test_baselines_keep_the_wellness_columns_and_the_last_duplicate() -> None:
    wellness = pd.DataFrame(
        {
            c.DATE: pd.to_datetime(["2024-01-02", "2024-01-01", "2024-01-02"]),
            c.RESTING_HR_BPM: [50.0, 51.0, 53.0],
            c.SLEEP_H: [7.0, 8.0, 6.5],
        }
    )
    out = baselines(wellness)
    assert list(out[c.DATE]) == list(pd.to_datetime(["2024-01-01", "2024-01-02"]))
    assert list(out[c.RESTING_HR_BPM]) == [51.0, 53.0]
    assert list(out[c.SLEEP_H]) == [8.0, 6.5]
    assert out[c.HRV_RMSSD_MS].isna().all()  # absent column comes back missing


# ---- HRV band edges ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("short_mean", "expected"),
    [
        # baseline 4.0, SD 0.25: band 4.0 ± 0.125 = [3.875, 4.125], edges inside
        (3.874, "below"),
        (3.875, "within"),
        (4.0, "within"),
        (4.125, "within"),
        (4.126, "above"),
    ],
)
def test_hrv_band_edges(short_mean: float, expected: str) -> None:
    assert hrv_status(short_mean, 4.0, 0.25) == expected


def test_hrv_status_unknown_without_a_baseline() -> None:
    assert hrv_status(4.0, float("nan"), 0.25) is None
    assert hrv_status(float("nan"), 4.0, 0.25) is None


# ---- the rule table -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("delta", "verdict"),
    [(4.9, PUSH), (5.0, HOLD), (9.9, HOLD), (10.0, BACK_OFF), (14.0, BACK_OFF)],
)
def test_resting_hr_5_and_10_bpm_thresholds(delta: float, verdict: str) -> None:
    assert decide({c.RHR_DELTA_BPM: delta}).verdict == verdict


def test_resting_hr_threshold_survives_float_arithmetic() -> None:
    # 64.1 − 59.1 is 4.999999999999993 in floats: still the 5 bpm the athlete sees
    delta = 64.1 - 59.1
    assert delta < 5.0
    assert decide({c.RHR_DELTA_BPM: delta}).verdict == HOLD


@pytest.mark.parametrize(
    ("signal", "value", "verdict", "words"),
    [
        (c.ACWR, 1.51, BACK_OFF, "danger"),
        (c.ACWR, 1.31, HOLD, "sweet spot"),
        (c.CHANGE_PCT, 12.0, HOLD, "ramp limit"),
        (c.MONOTONY, 2.0, HOLD, "monotony 2.00"),
        (c.RHR_DELTA_BPM, 10.0, BACK_OFF, "10.0 bpm above baseline"),
        (c.RHR_DELTA_BPM, 5.0, HOLD, "5.0 bpm above baseline"),
        (c.HRV_STATUS, "below", HOLD, "below its normal band"),
        (c.SLEEP_H, 5.9, HOLD, "slept 5.9 h"),
        (c.SORENESS, 4.0, HOLD, "soreness 4.0/5"),
        (c.SORENESS, 5.0, BACK_OFF, "very high"),
        (c.FATIGUE, 4.0, HOLD, "fatigue 4.0/5"),
        (c.FATIGUE, 5.0, BACK_OFF, "very high"),
    ],
)
def test_each_default_rule_fires_alone(signal: str, value: float, verdict: str, words: str) -> None:
    decision = decide({signal: value})
    assert decision.verdict == verdict
    assert len(decision.fired) == 1 and decision.fired[0].rule.signal == signal
    assert words in decision.reasons[0]
    # every other signal is listed as not known, this one is not
    assert SIGNAL_LABELS[signal] not in decision.not_known
    assert len(decision.not_known) == len(SIGNAL_LABELS) - 1


@pytest.mark.parametrize(
    ("signal", "value"),
    [
        (c.ACWR, 1.3),  # the sweet spot includes its top
        (c.ACWR, 0.5),
        (c.CHANGE_PCT, 10.0),  # at the limit is not over it
        (c.MONOTONY, 1.99),
        (c.HRV_STATUS, "within"),
        (c.HRV_STATUS, "above"),
        (c.SLEEP_H, 6.0),
        (c.SORENESS, 3.0),
        (c.FATIGUE, 3.0),
    ],
)
def test_values_on_the_good_side_do_not_fire(signal: str, value: float | str) -> None:
    assert decide({signal: value}).verdict == PUSH


def test_worst_verdict_wins_and_all_reasons_are_listed_worst_first() -> None:
    decision = decide(
        {c.SLEEP_H: 5.0, c.FATIGUE: 5.0, c.HRV_STATUS: "below", c.ACWR: 1.1, c.MONOTONY: 1.2}
    )
    assert decision.verdict == BACK_OFF
    assert len(decision.reasons) == 3
    assert decision.reasons[0].startswith("fatigue 5.0/5")
    assert {f.rule.signal for f in decision.fired} == {c.SLEEP_H, c.FATIGUE, c.HRV_STATUS}


def test_one_signal_reports_only_its_most_severe_rule() -> None:
    decision = decide({c.ACWR: 1.6})
    assert decision.verdict == BACK_OFF
    assert decision.reasons == ["ACWR 1.60 is above the danger line (1.50)"]


def test_nothing_fires_push_and_missing_signals_are_not_known() -> None:
    decision = decide({c.ACWR: 1.0, c.SLEEP_H: float("nan"), c.SORENESS: None})
    assert decision.verdict == PUSH
    assert decision.reasons == [] and decision.fired == []
    assert SIGNAL_LABELS[c.SLEEP_H] in decision.not_known
    assert SIGNAL_LABELS[c.SORENESS] in decision.not_known
    assert SIGNAL_LABELS[c.ACWR] not in decision.not_known


def test_athlete_limits_change_the_table() -> None:
    rules = default_rules(ramp_limit_pct=5.0, acwr_danger=1.4)
    assert decide({c.CHANGE_PCT: 6.0}, rules).verdict == HOLD
    assert decide({c.CHANGE_PCT: 6.0}).verdict == PUSH
    assert decide({c.ACWR: 1.45}, rules).verdict == BACK_OFF


def test_rule_table_round_trips_and_edits_take_effect() -> None:
    table = rules_table()
    assert list(table.columns) == [
        c.RULE_SIGNAL,
        c.RULE_TEST,
        c.RULE_THRESHOLD,
        c.VERDICT,
        c.REASON,
    ]
    assert len(table) == len(DEFAULT_RULES)
    assert rules_from_table(table) == DEFAULT_RULES
    edited = table.copy()
    sleep_row = edited.index[edited[c.RULE_SIGNAL] == c.SLEEP_H][0]
    edited.loc[sleep_row, c.RULE_THRESHOLD] = "7"
    assert decide({c.SLEEP_H: 6.5}, rules_from_table(edited)).verdict == HOLD
    assert decide({c.SLEEP_H: 6.5}).verdict == PUSH


def test_bad_rules_are_refused_in_plain_words() -> None:
    table = rules_table()
    table.loc[0, c.RULE_TEST] = "≈"
    with pytest.raises(ValueError, match="rule 1: test must be one of"):
        rules_from_table(table)
    with pytest.raises(ValueError, match="verdict"):
        Rule(c.SLEEP_H, "<", 6.0, "panic", "x")
    with pytest.raises(ValueError, match="needs a number"):
        Rule(c.SLEEP_H, "<", "short", HOLD, "x")


# ---- day and week ---------------------------------------------------------------------------------


def _recovery_week() -> pd.DataFrame:
    # Monday 8 Jan to Wednesday 10 Jan 2024, plus the Sunday before (another week)
    return pd.DataFrame(
        {
            c.DATE: pd.to_datetime(["2024-01-07", "2024-01-08", "2024-01-09", "2024-01-10"]),
            c.RHR_DELTA_BPM: [12.0, 4.0, 6.0, np.nan],
            c.HRV_STATUS: ["below", "within", None, "below"],
            c.SLEEP_H: [8.0, 5.5, 6.0, 6.1],
            c.SORENESS: [5.0, 2.0, np.nan, 3.0],
            c.FATIGUE: [1.0, 4.0, 4.0, 5.0],
        }
    )


def test_week_signals_by_hand() -> None:
    signals = week_signals(_recovery_week(), "2024-01-08")
    assert signals[c.RHR_DELTA_BPM] == pytest.approx(5.0)  # (4 + 6) / 2; 10 Jan has none
    assert signals[c.SLEEP_H] == pytest.approx((5.5 + 6.0 + 6.1) / 3)  # 5.867
    assert signals[c.SORENESS] == pytest.approx(2.5)  # (2 + 3) / 2
    assert signals[c.FATIGUE] == pytest.approx(13.0 / 3)  # (4 + 4 + 5) / 3
    assert signals[c.HRV_STATUS] == "below"  # the latest known status, 10 Jan


def test_week_decision_combines_recovery_and_load() -> None:
    decision = week_decision(_recovery_week(), "2024-01-08", {c.ACWR: 1.2, c.MONOTONY: 2.3})
    assert decision.verdict == HOLD
    fired = {f.rule.signal for f in decision.fired}
    assert fired == {c.RHR_DELTA_BPM, c.SLEEP_H, c.FATIGUE, c.HRV_STATUS, c.MONOTONY}
    assert SIGNAL_LABELS[c.CHANGE_PCT] in decision.not_known


def test_week_so_far_stops_at_as_of() -> None:
    signals = week_signals(_recovery_week(), "2024-01-08", as_of="2024-01-08")
    assert signals[c.RHR_DELTA_BPM] == pytest.approx(4.0)
    assert signals[c.HRV_STATUS] == "within"
    assert week_decision(_recovery_week(), "2024-01-08", as_of="2024-01-08").verdict == HOLD


def test_day_decision() -> None:
    recovery = _recovery_week()
    assert day_signals(recovery, "2024-01-07")[c.SORENESS] == 5.0
    assert day_decision(recovery, "2024-01-07").verdict == BACK_OFF
    unknown = day_decision(recovery, "2024-02-01", {c.ACWR: 1.0})
    assert unknown.verdict == PUSH
    assert SIGNAL_LABELS[c.RHR_DELTA_BPM] in unknown.not_known


def test_baselines_feed_the_day_decision() -> None:
    # 6 January of the hand series: resting HR 10 bpm over baseline and HRV below its band
    recovery = _hand().reset_index()
    decision = day_decision(recovery, "2024-01-06")
    assert decision.verdict == BACK_OFF
    assert {f.rule.signal for f in decision.fired} == {c.RHR_DELTA_BPM, c.HRV_STATUS}


def test_no_known_signal_is_not_enough_data_not_a_push() -> None:
    # an archive that ends in the past: no wellness, no ratio, no ramp, no monotony
    nothing = decide({c.ACWR: None, c.MONOTONY: float("nan"), c.CHANGE_PCT: None})
    assert not nothing.enough_data
    assert nothing.status == NOT_ENOUGH_DATA
    assert nothing.verdict == PUSH  # kept, so tables keyed by the three verdicts still work
    assert nothing.reasons == []
    assert set(nothing.not_known) == set(SIGNAL_LABELS.values())
    assert decide({}).status == NOT_ENOUGH_DATA
    assert day_decision(_recovery_week(), "2024-02-01").status == NOT_ENOUGH_DATA
    # one known signal on the good side is a push on what is known
    one = decide({c.SLEEP_H: 8.0})
    assert one.enough_data
    assert one.status == PUSH
    assert decide({c.ACWR: 1.6}).status == BACK_OFF
    # an empty rule table judges nothing by the athlete's choice: a push, not missing data
    assert decide({}, ()).status == PUSH
    assert STATUSES == (NOT_ENOUGH_DATA, PUSH, HOLD, BACK_OFF)
