"""Strength & mobility sessions: worked examples by hand for sRPE, sessions per week and the
placement flags, and imported gym activities counted as sessions, never as runs."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis import columns as c
from analysis.metrics import strength
from analysis.metrics.calendar import DAY_EASY, DAY_HARD, DAY_LONG, DAY_REST


def _logged(rows: list[tuple[str, str, float, float | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            c.SESSION_ID: [f"s{i}" for i in range(len(rows))],
            c.DATE: pd.to_datetime([r[0] for r in rows]),
            c.SESSION_TYPE: [r[1] for r in rows],
            c.DURATION_MIN: [r[2] for r in rows],
            c.RPE: [math.nan if r[3] is None else r[3] for r in rows],
            c.EXERCISES: None,
            c.NOTES: None,
        }
    )


def _activities(rows: list[tuple[str, str, float, float, float | None]]) -> pd.DataFrame:
    """(activity_id, sport, moving_s, distance_m, rpe) on 2026-03-04."""
    return pd.DataFrame(
        {
            c.ACTIVITY_ID: [r[0] for r in rows],
            c.SPORT: [r[1] for r in rows],
            c.LOCAL_DATE: pd.to_datetime(["2026-03-04"] * len(rows)),
            c.MOVING_TIME_S: [r[2] for r in rows],
            c.DURATION_S: [r[2] for r in rows],
            c.DISTANCE_M: [r[3] for r in rows],
            c.RPE: [math.nan if r[4] is None else r[4] for r in rows],
            c.NAME: [r[0] for r in rows],
        }
    )


def test_session_rpe_is_rpe_times_minutes() -> None:
    # Foster 2001 by hand: 40 min at RPE 6 = 240 a.u.; 25 min at RPE 3 = 75; unrated: unknown
    log = _logged(
        [
            ("2026-03-02", c.SPORT_STRENGTH, 40, 6),
            ("2026-03-03", c.SPORT_MOBILITY, 25, 3),
            ("2026-03-04", c.SPORT_STRENGTH, 30, None),
        ]
    )
    got = strength.session_load(log)
    assert got.iloc[0] == 240.0 and got.iloc[1] == 75.0 and math.isnan(got.iloc[2])
    daily = strength.daily_session_load(log, "srpe")
    assert daily[c.LOAD].tolist() == [240.0, 75.0, 0.0]  # unrated adds nothing, as for runs
    assert strength.daily_session_load(log, "duration")[c.LOAD].tolist() == [40.0, 25.0, 30.0]
    assert strength.daily_session_load(log, "distance").empty  # no km in a gym session


def test_imported_gym_activities_are_sessions_and_runs_are_not() -> None:
    acts = _activities(
        [
            ("run", c.SPORT_RUNNING, 3600, 10_000, 5),
            ("gym", c.SPORT_STRENGTH, 2700, 0, 7),  # 45 min
            ("yoga", c.SPORT_MOBILITY, 1800, 0, None),
            ("ride", c.SPORT_CYCLING, 3600, 30_000, None),
            ("what", c.SPORT_OTHER, 600, 0, None),
        ]
    )
    got = strength.all_sessions(_logged([("2026-03-02", c.SPORT_PLYOMETRICS, 15, 8)]), acts)
    assert got[c.SESSION_ID].tolist() == ["s0", "gym", "yoga"]
    assert got[c.DURATION_MIN].tolist() == [15.0, 45.0, 30.0]
    assert got[strength.SOURCE].tolist() == ["log", "import", "import"]
    # 45 min × RPE 7 = 315 a.u.
    assert strength.session_load(got).iloc[1] == 315.0


def test_sessions_per_week_against_the_two_to_three_target() -> None:
    # Monday weeks from 2 Mar 2026: week 1 holds strength Mon + plyo Thu + mobility Fri
    # (2 toward the target: within); week 2 one strength (below); week 3 none (below, zero row);
    # week 4 four strength (above). Minutes of week 1: 40 + 15 + 20 = 75; its sRPE:
    # 40×6 + 15×8 + 20×2 = 240 + 120 + 40 = 400.
    log = _logged(
        [
            ("2026-03-02", c.SPORT_STRENGTH, 40, 6),
            ("2026-03-05", c.SPORT_PLYOMETRICS, 15, 8),
            ("2026-03-06", c.SPORT_MOBILITY, 20, 2),
            ("2026-03-10", c.SPORT_STRENGTH, 30, None),
            ("2026-03-23", c.SPORT_STRENGTH, 30, 5),
            ("2026-03-24", c.SPORT_STRENGTH, 30, 5),
            ("2026-03-26", c.SPORT_STRENGTH, 30, 5),
            ("2026-03-28", c.SPORT_STRENGTH, 30, 5),
        ]
    )
    weeks = strength.weekly_sessions(log, start="2026-03-02", end="2026-03-29")
    assert weeks[c.WEEK_START].dt.strftime("%m-%d").tolist() == ["03-02", "03-09", "03-16", "03-23"]
    assert weeks[c.SESSIONS].tolist() == [2, 1, 0, 4]
    assert weeks[c.SPORT_MOBILITY].tolist() == [1, 0, 0, 0]
    assert weeks[strength.WEEK_STATUS].tolist() == ["within", "below", "below", "above"]
    assert weeks[c.DURATION_MIN].tolist() == [75.0, 30.0, 0.0, 120.0]
    assert weeks[c.SESSION_LOAD].iloc[0] == 400.0
    assert math.isnan(weeks[c.SESSION_LOAD].iloc[1])  # only an unrated session: not known
    # a week still running that has not reached the target yet is in progress, not below
    part = strength.weekly_sessions(log, start="2026-03-02", end="2026-03-11")
    assert part[strength.WEEK_STATUS].tolist() == ["within", "in progress"]
    # Sunday weeks move the Monday session into the week of 1 March
    sunday = strength.weekly_sessions(
        log, start="2026-03-02", end="2026-03-07", week_start="sunday"
    )
    assert sunday[c.WEEK_START].dt.strftime("%m-%d").tolist() == ["03-01"]


def test_strength_the_day_before_a_hard_or_long_run_is_flagged() -> None:
    days = pd.DataFrame(
        {
            c.DATE: pd.date_range("2026-03-02", periods=7, freq="D"),
            c.DAY_TYPE: [DAY_REST, DAY_HARD, DAY_EASY, DAY_EASY, DAY_REST, DAY_REST, DAY_LONG],
            c.RULE: ["r0", "hard: 14 min above", "e", "e", "r", "r", "long: 95 min"],
        }
    )
    log = _logged(
        [
            ("2026-03-02", c.SPORT_STRENGTH, 40, 6),  # Monday before Tuesday's hard run: flag
            ("2026-03-03", c.SPORT_STRENGTH, 30, 6),  # on the hard day itself: fine
            ("2026-03-06", c.SPORT_MOBILITY, 20, 2),  # mobility before Saturday rest: fine
            ("2026-03-07", c.SPORT_PLYOMETRICS, 15, 7),  # Saturday before Sunday's long: flag
            ("2026-03-07", c.SPORT_MOBILITY, 15, 2),  # mobility before a long run: fine
            ("2026-03-08", c.SPORT_STRENGTH, 30, 6),  # next day outside the calendar: not judged
        ]
    )
    flags = strength.placement_flags(log, days)
    assert flags[c.DATE].dt.strftime("%m-%d").tolist() == ["03-02", "03-07"]
    assert flags[strength.NEXT_DAY_TYPE].tolist() == [DAY_HARD, DAY_LONG]
    assert flags[c.RULE].tolist() == ["hard: 14 min above", "long: 95 min"]


def test_session_days_mark_the_calendar() -> None:
    log = _logged(
        [("2026-03-03", c.SPORT_STRENGTH, 40, 6), ("2026-03-03", c.SPORT_MOBILITY, 10, 2)]
    )
    got = strength.session_days(log, "2026-03-02", "2026-03-04")
    assert got[c.STRENGTH_MIN].tolist() == [0.0, 50.0, 0.0]
    assert got[c.SESSION_TYPE].tolist() == ["", "mobility, strength", ""]


@pytest.mark.parametrize("model", ["srpe", "duration"])
def test_session_load_joins_the_daily_load_only_when_asked(tmp_path, model: str) -> None:  # type: ignore[no-untyped-def]
    from analysis import dashboard
    from analysis.prepare import prepare_activity
    from analysis.settings import AthleteSettings
    from analysis.store import Store
    from tests.factories import run_activity

    with Store(tmp_path / "a.duckdb") as store:
        run = prepare_activity(run_activity(start="2026-03-02T07:00:00Z"), "1" * 64, 0)
        store.add_file("1" * 64, "run.fit", "fit", 1, [run])
        store.set_rpe(run.activity_id, 5)
        store.add_session("2026-03-03", c.SPORT_STRENGTH, 40, 6)
        off = AthleteSettings(load_model=model)
        on = AthleteSettings(load_model=model, strength_in_load=True)
        _, base = dashboard.daily_loads(store, off, pd.Timestamp("2026-03-04").date())
        _, more = dashboard.daily_loads(store, on, pd.Timestamp("2026-03-04").date())
    # by hand: the session adds 40 min × RPE 6 = 240 a.u. (srpe) or 40 min (duration) on 3 March
    added = (more[c.LOAD] - base[c.LOAD]).tolist()
    assert added == [0.0, 240.0 if model == "srpe" else 40.0, 0.0]
