"""Weekly actuals and compliance against the plan, with TrainingPeaks' colour bands."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import columns as c
from analysis.metrics.plan import (
    GREEN,
    GREY,
    RED,
    YELLOW,
    compliance,
    compliance_colour,
    plan_week_actuals,
    weekly_actuals,
)


@pytest.mark.parametrize(
    ("pct", "colour"),
    [
        (0.0, RED),
        (49.0, RED),
        (50.0, YELLOW),
        (79.0, YELLOW),
        (79.4, YELLOW),  # 79 % when rounded
        (79.5, GREEN),  # 80 % when rounded
        (80.0, GREEN),
        (100.0, GREEN),
        (120.0, GREEN),
        (120.00000000000001, GREEN),  # 12 / 10 × 100 in floats
        (121.0, YELLOW),
        (150.0, YELLOW),
        (151.0, RED),
        (400.0, RED),
        (float("nan"), GREY),
        (None, GREY),
    ],
)
def test_compliance_colour_edges(pct: float | None, colour: str) -> None:
    assert compliance_colour(pct) == colour


def _activities(rows: list[tuple[str, str, float, float, float]]) -> pd.DataFrame:
    """(id, local day, km, moving s or NaN, elapsed s) per activity."""
    return pd.DataFrame(
        {
            c.ACTIVITY_ID: [r[0] for r in rows],
            c.LOCAL_DATE: pd.to_datetime([r[1] for r in rows]),
            c.DISTANCE_M: [r[2] * 1000.0 for r in rows],
            c.MOVING_TIME_S: [r[3] for r in rows],
            c.DURATION_S: [r[4] for r in rows],
        }
    )


ACTIVITIES = _activities(
    [
        ("a", "2024-03-04", 10.0, 3000.0, 3100.0),  # Monday
        ("b", "2024-03-06", 16.0, np.nan, 5400.0),  # no moving time: elapsed counts
        ("c", "2024-03-10", 8.0, 2400.0, 2500.0),  # Sunday
        ("d", "2024-03-20", 12.0, 3600.0, 3700.0),
    ]
)
LOADS = pd.Series({"a": 50.0, "b": 90.0, "c": 40.0, "d": 60.0})


def test_weekly_actuals_by_hand() -> None:
    weeks = weekly_actuals(ACTIVITIES, LOADS)
    assert list(weeks[c.WEEK_START]) == list(
        pd.to_datetime(["2024-03-04", "2024-03-11", "2024-03-18"])
    )
    # week of 4 March: 10 + 16 + 8 km; 3000 + 5400 + 2400 s = 3 h; longest 16 km; load 180
    first = weeks.iloc[0]
    assert first[c.DISTANCE_KM] == pytest.approx(34.0)
    assert first[c.DURATION_H] == pytest.approx(3.0)
    assert first[c.LONGEST_RUN_KM] == pytest.approx(16.0)
    assert first[c.LOAD] == pytest.approx(180.0)
    # the empty week is zeros, not a missing row
    assert (
        weeks.iloc[1][[c.DISTANCE_KM, c.DURATION_H, c.LONGEST_RUN_KM, c.LOAD]].tolist() == [0.0] * 4
    )
    assert weeks.iloc[2][c.DURATION_H] == pytest.approx(1.0)


def test_weekly_actuals_sunday_weeks_and_no_loads() -> None:
    weeks = weekly_actuals(ACTIVITIES, week_start="sunday")
    # Sunday 10 March starts a new week: 10 + 16 km before it, 8 km in it
    assert list(weeks[c.WEEK_START][:2]) == list(pd.to_datetime(["2024-03-03", "2024-03-10"]))
    assert weeks[c.DISTANCE_KM].tolist()[:2] == pytest.approx([26.0, 8.0])
    assert weeks[c.LOAD].isna().all()


def test_weekly_actuals_bounds() -> None:
    weeks = weekly_actuals(ACTIVITIES, LOADS, start="2024-03-12", end="2024-03-31")
    # weeks of 11, 18 and 25 March; activities before the 11th are left out
    assert list(weeks[c.WEEK_START]) == list(
        pd.to_datetime(["2024-03-11", "2024-03-18", "2024-03-25"])
    )
    assert weeks[c.DISTANCE_KM].tolist() == pytest.approx([0.0, 12.0, 0.0])
    assert weekly_actuals(ACTIVITIES.iloc[:0]).empty


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 60), st.floats(0.0, 50.0, allow_nan=False)),
        min_size=1,
        max_size=20,
    )
)
def test_weekly_distances_add_up_to_the_total(runs: list[tuple[int, float]]) -> None:
    start = pd.Timestamp("2024-01-01")
    acts = _activities(
        [
            (str(i), str(start + pd.Timedelta(days=d)), km, 600.0, 600.0)
            for i, (d, km) in enumerate(runs)
        ]
    )
    weeks = weekly_actuals(acts)
    assert weeks[c.DISTANCE_KM].sum() == pytest.approx(sum(km for _, km in runs))
    assert weeks[c.DURATION_H].sum() == pytest.approx(len(runs) * 600.0 / 3600.0)


def _plan(rows: list[tuple[str, float, float, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            c.WEEK_START: pd.to_datetime([r[0] for r in rows]),
            c.PLAN_DISTANCE_KM: [r[1] for r in rows],
            c.PLAN_DURATION_H: [r[2] for r in rows],
            c.PLAN_LONG_RUN_KM: [r[3] for r in rows],
            c.PLAN_LOAD: [r[4] for r in rows],
        }
    )


def _row(table: pd.DataFrame, week: str, target: str) -> pd.Series:
    rows = table[(table[c.WEEK_START] == pd.Timestamp(week)) & (table[c.TARGET] == target)]
    assert len(rows) == 1
    return rows.iloc[0]


def test_compliance_by_hand() -> None:
    actual = weekly_actuals(ACTIVITIES, LOADS)
    # week of 4 March did 34 km, 3 h, longest 16 km, load 180
    plan = _plan([("2024-03-04", 40.0, 2.5, 20.0, 100.0)])
    table = compliance(plan, actual)
    distance = _row(table, "2024-03-04", c.DISTANCE_KM)
    assert (distance[c.PLANNED], distance[c.ACTUAL]) == (40.0, 34.0)
    assert distance[c.COMPLIANCE_PCT] == pytest.approx(85.0)  # 34 / 40
    assert distance[c.COLOUR] == GREEN
    duration = _row(table, "2024-03-04", c.DURATION_H)
    assert duration[c.COMPLIANCE_PCT] == pytest.approx(120.0)  # 3 / 2.5
    assert duration[c.COLOUR] == GREEN
    long_run = _row(table, "2024-03-04", c.LONGEST_RUN_KM)
    assert long_run[c.COMPLIANCE_PCT] == pytest.approx(80.0)  # 16 / 20
    assert long_run[c.COLOUR] == GREEN
    load = _row(table, "2024-03-04", c.LOAD)
    assert load[c.COMPLIANCE_PCT] == pytest.approx(180.0)
    assert load[c.COLOUR] == RED
    # weeks without a plan are grey
    assert set(table[table[c.WEEK_START] > pd.Timestamp("2024-03-04")][c.COLOUR]) == {GREY}


@pytest.mark.parametrize(
    ("done_km", "colour"),
    [(7.9, YELLOW), (8.0, GREEN), (12.0, GREEN), (12.1, YELLOW), (15.0, YELLOW), (15.1, RED)],
)
def test_compliance_colour_edges_from_kilometres(done_km: float, colour: str) -> None:
    # a 10 km plan: 7.9 km is 79 %, 12.1 km is 121 %, 15.1 km is 151 %
    actual = weekly_actuals(_activities([("x", "2024-03-05", done_km, 600.0, 600.0)]))
    plan = _plan([("2024-03-04", 10.0, np.nan, np.nan, np.nan)])
    assert _row(compliance(plan, actual), "2024-03-04", c.DISTANCE_KM)[c.COLOUR] == colour


def test_planned_week_without_runs_is_red_and_future_weeks_grey() -> None:
    actual = weekly_actuals(ACTIVITIES, LOADS)
    plan = _plan(
        [
            ("2024-03-11", 30.0, 3.0, 15.0, np.nan),  # nothing run that week
            ("2024-04-01", 30.0, 3.0, 15.0, np.nan),  # after the last activity, before today
            ("2024-04-15", 30.0, 3.0, 15.0, np.nan),  # after today
        ]
    )
    table = compliance(plan, actual, today="2024-04-10")
    assert _row(table, "2024-03-11", c.DISTANCE_KM)[c.COLOUR] == RED
    missed = _row(table, "2024-04-01", c.DISTANCE_KM)
    assert (missed[c.ACTUAL], missed[c.COLOUR]) == (0.0, RED)
    future = _row(table, "2024-04-15", c.DISTANCE_KM)
    assert math.isnan(future[c.ACTUAL])
    assert future[c.COLOUR] == GREY


def test_a_repeated_plan_date_keeps_its_last_row() -> None:
    actual = weekly_actuals(ACTIVITIES, LOADS)
    plan = _plan(
        [
            ("2024-03-04", 20.0, np.nan, np.nan, np.nan),
            ("2024-03-04", 34.0, np.nan, np.nan, 0.0),
        ]
    )
    table = compliance(plan, actual)
    distance = _row(table, "2024-03-04", c.DISTANCE_KM)
    assert (distance[c.PLANNED], distance[c.COMPLIANCE_PCT]) == (34.0, 100.0)
    # a planned load of 0 gives no percentage
    assert _row(table, "2024-03-04", c.LOAD)[c.COLOUR] == GREY


# ---- a plan week keeps its own seven days ---------------------------------------------------

MONDAY_PLAN = _plan([("2024-03-04", 40.0, 2.5, 20.0, 100.0)])


def test_a_monday_plan_viewed_with_sunday_weeks_compares_its_own_days() -> None:
    sunday_weeks = weekly_actuals(ACTIVITIES, LOADS, week_start="sunday")
    table = compliance(
        MONDAY_PLAN, sunday_weeks, week_start="sunday", activities=ACTIVITIES, loads=LOADS
    )
    # the plan week is Mon 4 – Sun 10 March, as under Monday weeks: 10 + 16 + 8 = 34 km of 40
    # (85 %, green), 3 h of 2.5 (120 %), longest 16 of 20 km (80 %), load 180 of 100 (red).
    # Re-bucketed into the Sunday week of 3–9 March it read 26 km, 65 %, yellow.
    distance = _row(table, "2024-03-04", c.DISTANCE_KM)
    assert (distance[c.PLANNED], distance[c.ACTUAL]) == (40.0, 34.0)
    assert distance[c.COMPLIANCE_PCT] == pytest.approx(85.0)
    assert distance[c.COLOUR] == GREEN
    assert _row(table, "2024-03-04", c.DURATION_H)[c.COMPLIANCE_PCT] == pytest.approx(120.0)
    assert _row(table, "2024-03-04", c.LONGEST_RUN_KM)[c.COMPLIANCE_PCT] == pytest.approx(80.0)
    assert _row(table, "2024-03-04", c.LOAD)[c.COLOUR] == RED
    # the Sunday weeks of 3 and 10 March share days with the plan week and are not reported
    # apart; the Sunday week of 17 March (12 km on the 20th) shares none: grey, nothing planned
    assert sorted(set(table[c.WEEK_START])) == list(pd.to_datetime(["2024-03-04", "2024-03-17"]))
    later = _row(table, "2024-03-17", c.DISTANCE_KM)
    assert (later[c.ACTUAL], later[c.COLOUR]) == (12.0, GREY)


def test_the_same_plan_under_monday_weeks_gives_the_same_table() -> None:
    monday_weeks = weekly_actuals(ACTIVITIES, LOADS)
    with_activities = compliance(MONDAY_PLAN, monday_weeks, activities=ACTIVITIES, loads=LOADS)
    from_weeks = compliance(MONDAY_PLAN, monday_weeks)
    plan_week = pd.Timestamp("2024-03-04")
    pd.testing.assert_frame_equal(
        with_activities[with_activities[c.WEEK_START] == plan_week].reset_index(drop=True),
        from_weeks[from_weeks[c.WEEK_START] == plan_week].reset_index(drop=True),
    )


def test_without_activities_plan_weeks_still_move_to_the_athlete_s_weeks() -> None:
    # the former call, kept for callers: the plan week moves to the Sunday week of 3 March and
    # is held against its 10 + 16 = 26 km (65 %), the re-bucketing the activities avoid
    sunday_weeks = weekly_actuals(ACTIVITIES, LOADS, week_start="sunday")
    table = compliance(MONDAY_PLAN, sunday_weeks, week_start="sunday")
    distance = _row(table, "2024-03-03", c.DISTANCE_KM)
    assert distance[c.COMPLIANCE_PCT] == pytest.approx(65.0)


def test_a_wednesday_plan_row_snaps_only_without_activities() -> None:
    plan = _plan([("2024-03-06", 20.0, np.nan, np.nan, np.nan)])
    # without activities: the Monday week of 4 March, 34 km of 20
    legacy = compliance(plan, weekly_actuals(ACTIVITIES))
    assert _row(legacy, "2024-03-04", c.DISTANCE_KM)[c.ACTUAL] == 34.0
    # with them: Wed 6 – Tue 12 March, 16 + 8 = 24 km of 20 = 120 %
    own = compliance(plan, weekly_actuals(ACTIVITIES), activities=ACTIVITIES)
    assert _row(own, "2024-03-06", c.DISTANCE_KM)[c.COMPLIANCE_PCT] == pytest.approx(120.0)


def test_plan_week_actuals_count_from_the_plan_s_own_day() -> None:
    plan = _plan(
        [
            ("2024-03-06", 20.0, np.nan, np.nan, np.nan),  # a Wednesday: Wed 6 – Tue 12 March
            ("2024-03-25", 20.0, np.nan, np.nan, np.nan),  # after the last activity
        ]
    )
    weeks = plan_week_actuals(ACTIVITIES, plan, LOADS)
    assert list(weeks[c.WEEK_START]) == list(pd.to_datetime(["2024-03-06", "2024-03-25"]))
    # 16 km (Wed, 5400 s elapsed) + 8 km (Sun, 2400 s): 24 km, 2.1667 h, longest 16, load 130
    first = weeks.iloc[0]
    assert first[c.DISTANCE_KM] == pytest.approx(24.0)
    assert first[c.DURATION_H] == pytest.approx(7800.0 / 3600.0)
    assert first[c.LONGEST_RUN_KM] == pytest.approx(16.0)
    assert first[c.LOAD] == pytest.approx(130.0)
    assert weeks.iloc[1][[c.DISTANCE_KM, c.LOAD]].tolist() == [0.0, 0.0]
    assert plan_week_actuals(ACTIVITIES, plan)[c.LOAD].isna().all()
    # compliance pairs the Wednesday plan with those days: 24 / 20 = 120 %, green
    table = compliance(plan, weekly_actuals(ACTIVITIES), activities=ACTIVITIES, today="2024-04-01")
    assert _row(table, "2024-03-06", c.DISTANCE_KM)[c.COMPLIANCE_PCT] == pytest.approx(120.0)


def test_compliance_empty_inputs() -> None:
    empty_plan = _plan([])
    table = compliance(empty_plan, weekly_actuals(ACTIVITIES.iloc[:0]))
    assert table.empty
    assert list(table.columns) == [
        c.WEEK_START,
        c.TARGET,
        c.PLANNED,
        c.ACTUAL,
        c.COMPLIANCE_PCT,
        c.COLOUR,
    ]
