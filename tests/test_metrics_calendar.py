"""The training calendar (day types, the week grid), 80/20 by session, and Friel's pace zones."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis import columns as c
from analysis.metrics.calendar import (
    CALENDAR_RULES,
    DAY_TYPES,
    calendar_rules,
    calendar_weeks,
    classify_days,
    sessions_split,
    time_above_easy,
)
from analysis.metrics.guidance import cutback_weeks
from analysis.metrics.mileage import weekly_distance
from analysis.metrics.zones import easy_zones, hr_zones, pace_zones, time_in_pace_zones
from tests.factories import run_samples

# %HRmax zones for HRmax 200: Z1 < 120, Z2 120–140, Z3 140–160, Z4 160–180, Z5 ≥ 180 bpm;
# easy = Z1–Z3, so the easy ceiling is 160 bpm.
ZONES = hr_zones("hrmax", 200, 50, 170)
EASY = easy_zones("hrmax")
THRESHOLD_PACE = 240.0  # 4:00 /km


def activities(rows: list[tuple[str, str, str, float, float]]) -> pd.DataFrame:
    """An activities frame from (id, local day, sport, km, moving seconds)."""
    days = pd.to_datetime([day for _, day, _, _, _ in rows])
    return pd.DataFrame(
        {
            c.ACTIVITY_ID: pd.Series([aid for aid, _, _, _, _ in rows], dtype="string"),
            c.SPORT: pd.Series([sport for _, _, sport, _, _ in rows], dtype="string"),
            c.LOCAL_DATE: days,
            c.DISTANCE_M: [km * 1000.0 for _, _, _, km, _ in rows],
            c.DURATION_S: [s + 60.0 for _, _, _, _, s in rows],  # elapsed: a minute of stops
            c.MOVING_TIME_S: [s for _, _, _, _, s in rows],
            c.AVG_SPEED_MPS: np.nan,
        }
    )


def histogram(rows: list[tuple[str, float, float]]) -> pd.DataFrame:
    """HR histogram rows from (id, bpm, seconds)."""
    return pd.DataFrame(
        {
            c.ACTIVITY_ID: pd.Series([aid for aid, _, _ in rows], dtype="string"),
            c.HEART_RATE_BPM: [bpm for _, bpm, _ in rows],
            c.SAMPLE_DURATION_S: [s for _, _, s in rows],
        }
    )


RUN, BIKE = c.SPORT_RUNNING, c.SPORT_CYCLING

# Week 1 (Mon 4 – Sun 10 March 2024), with heart rate:
#   Mon rest; Tue 10 min above 160 bpm (hard, at the threshold); Wed 5 min above (moderate);
#   Thu 1 min above (easy); Fri cycling only; Sat 90 min run with 15 min above (long beats
#   hard, at the 90 min edge); Sun an easy run and a run with 12 min above (hard wins the day).
# Week 2 (11–17 March), no heart rate: Mon 5 km in 19:30 (234 s/km, faster than 4:00 → hard);
#   Tue 5 km in 21:40 (260 s/km, under 114 % of 240 = 273.6 → moderate); Wed 5 km in 25:00
#   (300 s/km → easy); Sat 12 km in 70 min: 12 of 27 km = 44 % and the week's longest → long.
# Week 3 (18–24 March): one 5 km run, 100 % of its week but alone → not long.
ACTS = activities(
    [
        ("tue", "2024-03-05", RUN, 10.0, 3000.0),
        ("wed", "2024-03-06", RUN, 8.0, 2700.0),
        ("thu", "2024-03-07", RUN, 8.0, 2700.0),
        ("bike", "2024-03-08", BIKE, 25.0, 3600.0),
        ("sat", "2024-03-09", RUN, 18.0, 5400.0),
        ("sun1", "2024-03-10", RUN, 6.0, 2100.0),
        ("sun2", "2024-03-10", RUN, 5.0, 1800.0),
        ("w2mon", "2024-03-11", RUN, 5.0, 1170.0),
        ("w2tue", "2024-03-12", RUN, 5.0, 1300.0),
        ("w2wed", "2024-03-13", RUN, 5.0, 1500.0),
        ("w2sat", "2024-03-16", RUN, 12.0, 4200.0),
        ("w3mon", "2024-03-18", RUN, 5.0, 1500.0),
    ]
)
HIST = histogram(
    [
        ("tue", 150.0, 2400.0),
        ("tue", 170.0, 600.0),
        ("wed", 150.0, 2400.0),
        ("wed", 165.0, 300.0),
        ("thu", 150.0, 2640.0),
        ("thu", 165.0, 60.0),
        ("sat", 150.0, 4500.0),
        ("sat", 170.0, 900.0),
        ("sun1", 150.0, 2100.0),
        ("sun2", 150.0, 1080.0),
        ("sun2", 185.0, 720.0),
    ]
)


def classify(**kw: object) -> pd.DataFrame:
    return classify_days(
        ACTS,
        HIST,
        ZONES,
        EASY,
        start="2024-03-04",
        end="2024-03-24",
        threshold_pace_s_per_km=THRESHOLD_PACE,
        **kw,  # type: ignore[arg-type]
    )


def types_of(days: pd.DataFrame) -> dict[str, str]:
    return {d.strftime("%m-%d"): t for d, t in zip(days[c.DATE], days[c.DAY_TYPE], strict=True)}


def test_time_above_easy_per_activity() -> None:
    above = time_above_easy(HIST, ZONES, EASY)
    # 170 and 165 bpm are in Z4, 185 in Z5: above the ceiling; 150 bpm is Z3: easy
    assert above["tue"] == 600.0
    assert above["wed"] == 300.0
    assert above["thu"] == 60.0
    assert above["sat"] == 900.0
    assert above["sun1"] == 0.0
    assert above["sun2"] == 720.0
    assert "w2mon" not in above.index  # no heart rate
    assert time_above_easy(None, ZONES, EASY).empty


def test_every_day_type_and_its_rule() -> None:
    days = classify()
    assert list(days.columns) == [c.DATE, c.DAY_TYPE, c.DISTANCE_KM, c.DURATION_S, c.RULE]
    assert list(days[c.DATE]) == list(pd.date_range("2024-03-04", "2024-03-24"))
    types = types_of(days)
    assert types["03-04"] == "rest"
    assert types["03-05"] == "hard"
    assert types["03-06"] == "moderate"
    assert types["03-07"] == "easy"
    assert types["03-08"] == "cross-training"
    assert types["03-09"] == "long"
    assert types["03-10"] == "hard"
    rules = dict(zip(days[c.DATE].dt.strftime("%m-%d"), days[c.RULE], strict=True))
    assert rules["03-04"] == "rest: no activity"
    assert rules["03-05"] == "hard: 10 min above the easy ceiling (≥ 10 min)"
    assert rules["03-06"] == "moderate: 5 min above the easy ceiling (2–10 min)"
    assert rules["03-07"] == "easy: 1.0 min above the easy ceiling (< 2 min)"
    assert rules["03-08"] == "cross-training: cycling only, no run"
    assert rules["03-09"] == "long: a run of 1:30:00 (≥ 90 min)"
    single = classify_days(ACTS, HIST, ZONES, EASY, start="2024-03-10", end="2024-03-10")
    assert single[c.DAY_TYPE].iloc[0] == "hard"
    only_easy = classify_days(
        ACTS[ACTS[c.ACTIVITY_ID] != "sun2"], HIST, ZONES, EASY, start="2024-03-10", end="2024-03-10"
    )
    assert only_easy[c.RULE].iloc[0] == "easy: no time above the easy ceiling"
    assert rules["03-10"] == "hard: 12 min above the easy ceiling (≥ 10 min); 2 runs that day"


def test_runs_without_heart_rate_use_threshold_pace() -> None:
    days = classify()
    types = types_of(days)
    assert types["03-11"] == "hard"  # 234 s/km ≤ 240
    assert types["03-12"] == "moderate"  # 260 s/km < 273.6
    assert types["03-13"] == "easy"  # 300 s/km ≥ 273.6
    rules = dict(zip(days[c.DATE].dt.strftime("%m-%d"), days[c.RULE], strict=True))
    assert rules["03-11"] == (
        "hard: no heart rate; average pace 3:54 min/km at or faster than threshold pace 4:00 min/km"
    )
    assert "easy pace ceiling 4:34 min/km" in rules["03-12"]


def test_long_by_share_of_the_week_needs_two_runs() -> None:
    days = classify()
    types = types_of(days)
    # week 2: 5 + 5 + 5 + 12 = 27 km; 12 / 27 = 44 % ≥ 25 % and the longest run
    assert types["03-16"] == "long"
    rule = days.loc[days[c.DATE] == pd.Timestamp("2024-03-16"), c.RULE].iloc[0]
    assert rule == "long: the week's longest run, 12.0 km = 44 % of the week's 27.0 km (≥ 25 %)"
    # week 3: a lone 5 km run is 100 % of its week, but not a long run
    assert types["03-18"] == "easy"


def test_long_share_threshold_edge() -> None:
    # 12 / 27 = 44.4 %: a share limit of 0.45 leaves the run a plain run (easy by pace: 350 s/km)
    assert types_of(classify(long_run_share=0.45))["03-16"] == "easy"
    assert types_of(classify(long_run_share=0.44))["03-16"] == "long"


def test_precedence_long_over_hard() -> None:
    # the Saturday run (90 min, 18 of 55 km = 33 %) has 15 min above the ceiling: long wins;
    # with a 91 min minimum and a 35 % share limit it is no longer long, and is hard
    assert types_of(classify())["03-09"] == "long"
    assert types_of(classify(long_run_min=91.0, long_run_share=0.35))["03-09"] == "hard"
    # at 91 min alone, the share rule (33 % ≥ 25 %) still makes it long
    assert types_of(classify(long_run_min=91.0))["03-09"] == "long"
    assert DAY_TYPES == ("long", "hard", "moderate", "easy", "cross-training", "rest")


def test_thresholds_are_configurable() -> None:
    types = types_of(classify(hard_threshold_min=11.0, moderate_threshold_min=0.5))
    assert types["03-05"] == "moderate"  # 10 min < 11
    assert types["03-07"] == "moderate"  # 1 min ≥ 0.5


def test_without_threshold_pace_runs_without_hr_are_easy() -> None:
    days = classify_days(ACTS, HIST, ZONES, EASY, start="2024-03-11", end="2024-03-13")
    assert list(days[c.DAY_TYPE]) == ["easy", "easy", "easy"]
    assert (
        days[c.RULE].iloc[0] == "easy: no heart rate and no threshold pace to judge the intensity"
    )


def test_day_totals() -> None:
    days = classify().set_index(c.DATE)
    # running km only; time of every activity (moving time)
    assert days.loc["2024-03-08", c.DISTANCE_KM] == 0.0
    assert days.loc["2024-03-08", c.DURATION_S] == 3600.0
    assert days.loc["2024-03-10", c.DISTANCE_KM] == pytest.approx(11.0)
    assert days.loc["2024-03-10", c.DURATION_S] == 3900.0
    assert days.loc["2024-03-04", c.DURATION_S] == 0.0
    # moving time missing: elapsed stands in
    acts = ACTS.copy()
    acts.loc[acts[c.ACTIVITY_ID] == "bike", c.MOVING_TIME_S] = np.nan
    days = classify_days(acts, HIST, ZONES, EASY, start="2024-03-08", end="2024-03-08")
    assert days[c.DURATION_S].iloc[0] == 3660.0


def test_rules_text_names_the_thresholds() -> None:
    assert "long > hard > moderate > easy > cross-training > rest" in CALENDAR_RULES
    assert "at least 10 min above the easy ceiling" in CALENDAR_RULES
    assert "at least 15 min above" in calendar_rules(hard_threshold_min=15.0)


def test_calendar_weeks_grid() -> None:
    days = classify()
    runs = ACTS[ACTS[c.SPORT] == RUN]
    typed = cutback_weeks(weekly_distance(runs))
    grid = calendar_weeks(days, typed)
    assert list(grid.columns) == [
        c.WEEK_START,
        c.WEEK_TYPE,
        c.DISTANCE_KM,
        c.DURATION_S,
        *c.WEEKDAYS,
    ]
    assert list(grid[c.WEEK_START]) == list(
        pd.to_datetime(["2024-03-04", "2024-03-11", "2024-03-18"])
    )
    first = grid.iloc[0]
    assert [first[d] for d in c.WEEKDAYS] == [
        "rest",
        "hard",
        "moderate",
        "easy",
        "cross-training",
        "long",
        "hard",
    ]
    # week 1: 10 + 8 + 8 + 18 + 6 + 5 = 55 km; week 2: 27 km, ≥ 20 % under 55 → cutback;
    # week 3: 5 km, still ≥ 20 % under the held reference 55 → cutback
    assert list(grid[c.DISTANCE_KM]) == pytest.approx([55.0, 27.0, 5.0])
    assert list(grid[c.WEEK_TYPE]) == ["build", "cutback", "cutback"]
    # 3000 + 2700 + 2700 + 3600 + 5400 + 2100 + 1800 = 21300 s
    assert grid[c.DURATION_S].iloc[0] == 21300.0


def test_calendar_weeks_sunday_start_and_partial_weeks() -> None:
    days = classify_days(
        ACTS, HIST, ZONES, EASY, start="2024-03-05", end="2024-03-09", week_start="sunday"
    )
    grid = calendar_weeks(days, pd.DataFrame({c.WEEK_START: [], c.WEEK_TYPE: []}), "sunday")
    assert list(grid.columns)[4:] == ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
    assert list(grid[c.WEEK_START]) == [pd.Timestamp("2024-03-03")]
    row = grid.iloc[0]
    assert pd.isna(row["sun"]) and pd.isna(row["mon"])  # outside the days given
    assert row["tue"] == "hard" and row["sat"] == "long"
    assert pd.isna(row[c.WEEK_TYPE])


def test_calendar_weeks_empty() -> None:
    empty = classify_days(ACTS.iloc[0:0], None, ZONES, EASY, start="2024-03-04", end="2024-03-03")
    assert empty.empty
    grid = calendar_weeks(empty, pd.DataFrame({c.WEEK_START: [], c.WEEK_TYPE: []}))
    assert grid.empty
    assert list(grid.columns)[4:] == list(c.WEEKDAYS)


def test_sessions_split_by_session() -> None:
    runs = ACTS[ACTS[c.SPORT] == RUN]
    split = sessions_split(runs, HIST, ZONES, EASY)
    # hard: tue (10 min), sat (15 min), sun2 (12 min); easy: wed (5), thu (1), sun1 (0);
    # no heart rate: the four runs of week 2 and the one of week 3
    assert split["hard_sessions"] == 3
    assert split["easy_sessions"] == 3
    assert split["hard_pct"] == 50.0
    assert split["easy_pct"] == 50.0
    assert split["sessions_without_hr"] == 5
    assert "at least 10 min above the easy zones (Z1, Z2, Z3)" in split["rule"]
    stricter = sessions_split(runs, HIST, ZONES, EASY, hard_threshold_min=12.0)
    # 12 min still hard (≥), 10 min no longer: 2 hard of 6
    assert stricter["hard_sessions"] == 2
    assert stricter["hard_pct"] == pytest.approx(100.0 / 3.0)


def test_sessions_split_without_heart_rate() -> None:
    split = sessions_split(ACTS, None, ZONES, EASY)
    assert split["easy_sessions"] == 0 and split["hard_sessions"] == 0
    assert math.isnan(split["easy_pct"]) and math.isnan(split["hard_pct"])
    assert split["sessions_without_hr"] == len(ACTS)


# ---- Friel's pace zones ---------------------------------------------------------------------


def test_pace_zones_for_threshold_four_minutes() -> None:
    zones = pace_zones(THRESHOLD_PACE)
    assert list(zones[c.ZONE]) == ["Z1", "Z2", "Z3", "Z4", "Z5a", "Z5b", "Z5c"]
    # % of 240 s/km: Z1 ≥ 129 % = 309.6 (Friel: "slower than 129 %"); Z2 114–129 % =
    # 273.6–309.6; Z3 106–114 % = 254.4–273.6;
    # Z4 101–106 % = 242.4–254.4; Z5a 97–101 % = 232.8–242.4; Z5b 90–97 % = 216–232.8;
    # Z5c < 90 % = below 216
    assert list(zones[c.PACE_LOW_S_PER_KM]) == pytest.approx(
        [309.6, 273.6, 254.4, 242.4, 232.8, 216.0, 0.0]
    )
    highs = list(zones[c.PACE_HIGH_S_PER_KM])
    assert math.isinf(highs[0])
    assert highs[1:] == pytest.approx([309.6, 273.6, 254.4, 242.4, 232.8, 216.0])
    labels = list(zones[c.ZONE_LABEL])
    assert labels[0] == "Z1 (> 129 % of threshold pace, 5:10 min/km and slower)"
    assert labels[1] == "Z2 (114–129 % of threshold pace, 4:34–5:10 min/km)"
    assert labels[3] == "Z4 (101–105 % of threshold pace, 4:02–4:14 min/km)"
    assert labels[4] == "Z5a (97–100 % of threshold pace, 3:53–4:02 min/km)"
    assert labels[6] == "Z5c (< 90 % of threshold pace, faster than 3:36 min/km)"
    with pytest.raises(ValueError, match="threshold pace"):
        pace_zones(0.0)


def test_pace_zone_labels_per_mile() -> None:
    labels = list(pace_zones(THRESHOLD_PACE, "mi")[c.ZONE_LABEL])
    # the same edges per mile (× 1.609344): Z1 309.6 s/km = 498.25 s/mi = 8:18; Z2 273.6 s/km =
    # 440.32 s/mi = 7:20; Z5c 216 s/km = 347.62 s/mi = 5:48
    assert labels[0] == "Z1 (> 129 % of threshold pace, 8:18 min/mi and slower)"
    assert labels[1] == "Z2 (114–129 % of threshold pace, 7:20–8:18 min/mi)"
    assert labels[6] == "Z5c (< 90 % of threshold pace, faster than 5:48 min/mi)"
    # the edges the metrics compare with stay in s/km
    assert pace_zones(THRESHOLD_PACE, "mi")[c.PACE_LOW_S_PER_KM].iloc[1] == pytest.approx(273.6)


def test_time_in_pace_zones_weighted_by_time() -> None:
    zones = pace_zones(THRESHOLD_PACE)
    frame = pd.DataFrame(
        {
            # 300 s/km (Z2), 240 s/km (Z5a), 250 s/km (Z4), standing, no speed, 200 s/km (Z5c)
            c.SPEED_MPS: [1000 / 300, 1000 / 240, 1000 / 250, 0.3, np.nan, 5.0],
            c.SAMPLE_DURATION_S: [600.0, 300.0, 120.0, 100.0, 50.0, 60.0],
        }
    )
    tiz = time_in_pace_zones(frame, zones)
    assert list(tiz.columns) == [
        c.ZONE,
        c.PACE_LOW_S_PER_KM,
        c.PACE_HIGH_S_PER_KM,
        c.TIME_S,
        c.SHARE_PCT,
    ]
    assert list(tiz[c.TIME_S]) == [0.0, 600.0, 0.0, 120.0, 300.0, 0.0, 60.0]
    # moving time 600 + 300 + 120 + 60 = 1080 s; 600 / 1080 = 55.56 %
    assert tiz[c.SHARE_PCT].iloc[1] == pytest.approx(55.5556, abs=1e-4)
    assert tiz[c.SHARE_PCT].sum() == pytest.approx(100.0)


def test_time_in_pace_zones_of_a_tidy_run() -> None:
    # 61 samples every 10 s at 3 m/s (333 s/km, Z1): 61 × 10 s = 610 s, all in Z1
    samples = run_samples(n=61, step_s=10.0, speed_mps=3.0)
    tiz = time_in_pace_zones(samples, pace_zones(THRESHOLD_PACE))
    assert tiz[c.TIME_S].iloc[0] == pytest.approx(610.0)
    assert tiz[c.TIME_S].sum() == pytest.approx(samples[c.SAMPLE_DURATION_S].sum())
    still = time_in_pace_zones(samples.assign(**{c.SPEED_MPS: 0.0}), pace_zones(THRESHOLD_PACE))
    assert still[c.TIME_S].sum() == 0.0
    assert still[c.SHARE_PCT].isna().all()


# ---- the long-run share needs the whole week --------------------------------------------------

# Mon 4 March 8 km (45 min), Tue 5 March 5 km (30 min): no heart rate, no threshold pace, so
# only the long rule can type them
PARTIAL = activities(
    [("mon", "2024-03-04", RUN, 8.0, 2700.0), ("tue", "2024-03-05", RUN, 5.0, 1800.0)]
)


def _monday(acts: pd.DataFrame, end: str) -> pd.Series:
    days = classify_days(acts, None, ZONES, EASY, start="2024-03-04", end=end)
    return days.iloc[0]


def test_a_week_in_progress_is_not_judged_by_its_share() -> None:
    # today Tuesday: 8 of 13 km so far is 62 %, but the week is not over: Monday stays easy
    assert _monday(PARTIAL, "2024-03-05")[c.DAY_TYPE] == "easy"
    # the same runs once the week has ended (Sunday 10 March): 62 % >= 25 %, the long run
    whole = _monday(PARTIAL, "2024-03-10")
    assert whole[c.DAY_TYPE] == "long"
    assert whole[c.RULE] == (
        "long: the week's longest run, 8.0 km = 62 % of the week's 13.0 km (≥ 25 %)"
    )
    # a past period ending on that Tuesday, with later runs known: the week is whole
    later = pd.concat([PARTIAL, activities([("next", "2024-03-12", RUN, 5.0, 1800.0)])])
    assert _monday(later.reset_index(drop=True), "2024-03-05")[c.DAY_TYPE] == "long"


def test_the_calendar_s_long_share_is_the_long_run_rule() -> None:
    # one rule: the calendar's default share is the budget's and the figure's 25 % (Daniels)
    assert "at least 25 % of a whole week" in CALENDAR_RULES
    # 10 of 10 + 4 x 7.5 = 40 km (exactly 25 %) is long; 9.9 of 39.9 km (24.8 %) is not
    at_rule = activities(
        [("a", "2024-03-04", RUN, 10.0, 3000.0), ("b", "2024-03-06", RUN, 7.5, 2400.0)]
        + [(f"c{i}", f"2024-03-0{7 + i}", RUN, 7.5, 2400.0) for i in range(3)]
    )
    assert _monday(at_rule, "2024-03-10")[c.DAY_TYPE] == "long"
    below = at_rule.assign(**{c.DISTANCE_M: [9900.0, 7500.0, 7500.0, 7500.0, 7500.0]})
    assert _monday(below, "2024-03-10")[c.DAY_TYPE] == "easy"
