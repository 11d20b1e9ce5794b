"""The pain log: sites over time, episodes, the 28-day trigger windows worked by hand, and the
pain signal in the push / hold / back-off decision."""

from __future__ import annotations

import pandas as pd

from analysis import columns as c
from analysis.metrics import pain, recovery


def _pains(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            c.PAIN_ID: [f"p{i}" for i in range(len(rows))],
            c.DATE: pd.to_datetime([r[0] for r in rows]),
            c.BODY_SITE: [r[1] for r in rows],
            c.SIDE: [r[2] for r in rows],
            c.SEVERITY: [r[3] for r in rows],
            c.PAIN_WHEN: "after running",
            c.NOTES: None,
        }
    )


LOG = _pains(
    [
        ("2026-03-10", "Achilles", "left", 3),
        ("2026-03-12", "Achilles", "left", 5),
        ("2026-03-12", "knee", "right", 2),
        ("2026-03-12", "knee", "left", 4),
        ("2026-03-16", "Achilles", "left", 2),  # 4 days later: same episode
        ("2026-03-20", "knee", "right", 0),  # fine that day: no episode
        ("2026-03-30", "Achilles", "left", 3),  # 14 days after the last: a new episode
    ]
)


def test_each_site_over_time_takes_the_worst_side() -> None:
    got = pain.site_series(LOG)
    knee = got[got[c.BODY_SITE] == "knee"]
    assert knee[c.SEVERITY].tolist() == [4.0, 0.0]  # 12 March: left 4 beats right 2


def test_episodes_split_after_a_week_without_pain() -> None:
    got = pain.episodes(LOG)
    assert got[c.BODY_SITE].tolist() == ["Achilles", "knee", "Achilles"]
    assert got[c.EPISODE_START].dt.strftime("%m-%d").tolist() == ["03-10", "03-12", "03-30"]
    assert got[pain.LAST_DAY].dt.strftime("%m-%d").tolist() == ["03-16", "03-12", "03-30"]
    assert got[pain.PEAK].tolist() == [5.0, 4.0, 3.0]
    assert got[pain.ENTRIES].tolist() == [3, 2, 1]
    assert got[c.SIDE].tolist() == ["left", "left, right", "left"]


def test_long_run_jump_is_ten_percent_over_the_longest_of_thirty_days() -> None:
    # 20 km on 1 Feb; 21.9 km on 8 Feb is 9.5 % more (no jump); 24.2 km on 15 Feb is 10.5 %
    # over 21.9 (jump); 26 km on 20 Mar: the 30 days before (18 Feb–19 Mar) hold no run.
    runs = pd.DataFrame(
        {
            c.LOCAL_DATE: pd.to_datetime(["2026-02-01", "2026-02-08", "2026-02-15", "2026-03-20"]),
            c.DISTANCE_M: [20_000.0, 21_900.0, 24_200.0, 26_000.0],
        }
    )
    got = pain.long_run_jumps(runs)
    assert got[c.DATE].dt.strftime("%m-%d").tolist() == ["02-15"]
    assert got[c.REFERENCE_KM].tolist() == [21.9]


def test_the_28_days_before_an_episode_worked_by_hand() -> None:
    # episode on 10 March: its window is 10 Feb .. 9 March (28 days, the 10th left out)
    episode = pain.episodes(_pains([("2026-03-10", "shin", "right", 4)]))
    weekly = pd.DataFrame(
        {
            # weeks ending 8 Feb (outside), 22 Feb (+25 %, inside), 1 Mar (+5 %), 15 Mar (after)
            c.WEEK_START: pd.to_datetime(["2026-02-02", "2026-02-16", "2026-02-23", "2026-03-09"]),
            c.CHANGE_PCT: [30.0, 25.0, 5.0, 40.0],
            c.OVER_RAMP_LIMIT: [True, True, False, True],
        }
    )
    acr = pd.DataFrame(
        {
            c.DATE: pd.to_datetime(["2026-02-09", "2026-02-20", "2026-02-21", "2026-03-10"]),
            c.ACWR: [1.9, 1.35, 1.42, 2.0],  # 9 Feb and 10 Mar lie outside the window
        }
    )
    runs = pd.DataFrame(
        {c.LOCAL_DATE: pd.to_datetime(["2026-02-14", "2026-02-22"]), c.DISTANCE_M: [20e3, 23e3]}
    )
    wellness = pd.DataFrame(
        {
            c.DATE: pd.to_datetime(["2026-02-09", "2026-02-25", "2026-03-01", "2026-03-09"]),
            c.SLEEP_H: [4.0, 5.5, 7.0, 5.9],  # 9 Feb outside; 25 Feb and 9 Mar short
            c.SORENESS: [5.0, 2.0, 4.0, None],  # only 1 Mar inside and ≥ 4
        }
    )
    gear = pd.DataFrame(
        {c.GEAR: ["Old", "Racer"], c.DATE: pd.to_datetime(["2025-12-01", "2026-03-01"])}
    )
    got = pain.triggers(
        episode,
        weekly=weekly,
        acr=acr,
        runs=runs,
        wellness=wellness,
        acwr_high=1.3,
        gear=gear,
    ).iloc[0]
    assert got[pain.RAMP] == "week of 16 Feb +25 %"
    assert got[pain.ACWR_HIGH] == "up to 1.42 on 2 days (band top 1.3)"
    assert got[pain.LONG_RUN_JUMP] == "22 Feb 23.0 km after 20.0"  # 15 % over 20 km
    assert got[pain.NEW_GEAR] == "Racer from 01 Mar"
    assert got[pain.SHORT_SLEEP] == "2 nights under 6 h"
    assert got[pain.HIGH_SORENESS_DAYS] == "1 days ≥ 4/5"
    assert got[pain.TRIGGERS] == 6
    # nothing to look at is "not known", not "nothing found"
    bare = pain.triggers(
        episode,
        weekly=weekly.iloc[0:0],
        acr=acr.iloc[0:0],
        runs=runs.iloc[0:0],
        wellness=wellness.iloc[0:0],
        acwr_high=1.3,
    ).iloc[0]
    assert all(bare[col] == pain.NOT_KNOWN for col in pain.TRIGGER_COLUMNS)
    assert bare[pain.TRIGGERS] == 0


def test_pain_at_the_limit_backs_off_with_its_reason() -> None:
    log = _pains([("2026-03-10", "calf", "left", 6), ("2026-03-12", "calf", "left", 3)])
    # the signal of 12 March reads 10..12 March: the 6 of the 10th; of 13 March only the 3
    assert pain.pain_signal(log, "2026-03-12") == 6.0
    assert pain.pain_signal(log, "2026-03-13") == 3.0
    assert pain.pain_signal(log, "2026-03-20") is None  # nothing logged: not known
    assert pain.week_pain_signal(log, "2026-03-09", "2026-03-11") == 6.0
    rules = recovery.default_rules(pain_limit=6.0)
    decision = recovery.decide({c.PAIN_MAX: 6.0}, rules)
    assert decision.verdict == recovery.BACK_OFF
    assert decision.reasons == ["pain 6/10 in the pain log (≥ 6): reduce the load until it settles"]
    assert recovery.decide({c.PAIN_MAX: 5.0}, rules).verdict == recovery.PUSH
    stricter = recovery.default_rules(pain_limit=4.0)
    assert recovery.decide({c.PAIN_MAX: 4.0}, stricter).verdict == recovery.BACK_OFF


def test_the_daily_export_gains_strength_minutes_and_pain_maximum(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from analysis.dashboard import daily_export
    from analysis.prepare import prepare_activity
    from analysis.store import Store
    from tests.factories import run_activity

    with Store(tmp_path / "a.duckdb") as store:
        run = prepare_activity(run_activity(start="2026-03-02T07:00:00Z"), "1" * 64, 0)
        store.add_file("1" * 64, "run.fit", "fit", 1, [run])
        store.add_session("2026-03-03", c.SPORT_STRENGTH, 40, 6)
        store.add_session("2026-03-03", c.SPORT_MOBILITY, 15, 2)
        store.add_pain("2026-03-04", "knee", "left", 3, "after running")
        store.add_pain("2026-03-04", "calf", "right", 5, "during running")
        store.upsert_wellness(pd.DataFrame({c.DATE: ["2026-03-04"], c.SLEEP_H: [7.0]}))
        frame, header = daily_export(store)
    # 3 March: 40 + 15 = 55 min; 4 March: the worse of 3 and 5
    assert frame[c.STRENGTH_MIN].tolist() == [0.0, 55.0, 0.0]
    assert frame[c.PAIN_MAX].iloc[2] == 5.0 and frame[c.PAIN_MAX].iloc[:2].isna().all()
    assert any("strength_min" in line for line in header)


def test_a_new_pair_of_shoes_in_the_window_is_a_trigger(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from analysis.prepare import prepare_activity
    from analysis.settings import AthleteSettings
    from analysis.store import Store
    from analysis.views.pain import pain_data
    from tests.factories import run_activity

    with Store(tmp_path / "a.duckdb") as store:
        run = prepare_activity(run_activity(start="2026-03-02T07:00:00Z"), "1" * 64, 0)
        store.add_file("1" * 64, "run.fit", "fit", 1, [run])
        store.add_pain("2026-03-20", "Achilles", "left", 4, "after running")
        no_shoes = pain_data(store, AthleteSettings(), dt.date(2026, 3, 25))["triggers"]
        # first worn 10 March: inside 20 Feb .. 19 Mar, the 28 days before the episode
        store.add_shoe("Carbon racer", "2026-03-10", None, False, "typed")
        # first worn 1 Jan: long before the window
        store.add_shoe("Old trainer", "2026-01-01", None, False, "typed")
        got = pain_data(store, AthleteSettings(), dt.date(2026, 3, 25))["triggers"]
    assert no_shoes[pain.NEW_GEAR].tolist() == [pain.NOT_KNOWN]
    assert got[pain.NEW_GEAR].tolist() == ["Carbon racer from 10 Mar"]
