"""The coach's roster: one row per athlete, each from the athlete's own store and settings.

Every expected number is worked out by hand in the test from the runs the test stores. The fixed
day is Thursday 12 March 2026: its Monday week began on 9 March, its Sunday week on 8 March, and
the last complete Monday week is 2–8 March.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from pathlib import Path

import pandas as pd
import pytest

from analysis import columns as c
from analysis import dashboard
from analysis.prepare import prepare_activity
from analysis.settings import AthleteSettings
from analysis.store import Store
from analysis.units import KM_PER_MILE
from analysis.views import roster as r
from tests.factories import summary_activity

AS_OF = dt.date(2026, 3, 12)


def _store(tmp_path: Path, name: str) -> Store:
    return Store(tmp_path / f"{name}.duckdb")


def _runs(store: Store, km_by_day: dict[str, float]) -> None:
    """One run on each day (07:00 UTC, no GPS: the local day is the UTC day), 6:00 /km."""
    for day, km in km_by_day.items():
        act = summary_activity(f"{day}T07:00:00Z", km * 1000.0, km * 360.0, name=f"{day}.csv")
        digest = hashlib.sha256(day.encode()).hexdigest()
        store.add_file(digest, act.source_name, "csv", 1, [prepare_activity(act, digest, 0)])


def _entry(store: Store, settings: AthleteSettings | None = None, name: str = "A") -> r.RosterEntry:
    return r.RosterEntry(name.lower(), name, "coach", store, settings or AthleteSettings())


def _weekly_runs(store: Store, weeks: dict[str, float]) -> None:
    """Each week's distance as two runs, on its Tuesday and its Saturday (half each)."""
    runs: dict[str, float] = {}
    for monday, km in weeks.items():
        first = pd.Timestamp(monday)
        runs[(first + pd.Timedelta(days=1)).date().isoformat()] = km / 2
        runs[(first + pd.Timedelta(days=5)).date().isoformat()] = km / 2
    _runs(store, runs)


def test_this_week_so_far_against_the_plan_in_each_athletes_own_week(tmp_path: Path) -> None:
    with _store(tmp_path, "a") as store:
        # Sun 8 Mar 8 km; Mon 9 Mar 8 km, Wed 11 Mar 10 km, Thu 12 Mar 6 km; Fri 13 Mar after today
        _runs(store, {"2026-03-08": 8, "2026-03-09": 8, "2026-03-11": 10, "2026-03-12": 6,
                      "2026-03-13": 12})  # fmt: skip
        store.upsert_plan(pd.DataFrame({c.WEEK_START: ["2026-03-09"], c.PLAN_DISTANCE_KM: [40.0]}))
        monday = r.roster_row(_entry(store), AS_OF)
        sunday = r.roster_row(_entry(store, AthleteSettings(week_start="sunday")), AS_OF)
    # Monday week 9–12 Mar: 8 + 10 + 6 = 24 km of 40 = 60 % -> yellow (50–79 %)
    assert monday[r.WEEK_DISTANCE_KM] == pytest.approx(24.0)
    assert monday[c.PLAN_DISTANCE_KM] == 40.0
    assert monday[c.COMPLIANCE_PCT] == pytest.approx(60.0)
    assert monday[r.COMPLIANCE_COLOUR] == "yellow"
    # Sunday week 8–12 Mar: 8 + 24 = 32 km so far. The plan week keeps its own days, Mon 9 to
    # Sun 15 Mar, so Sunday the 8th is not in it and Friday the 13th is after today: by hand
    # 8 + 10 + 6 = 24 km of 40 = 60 % -> yellow, as under Monday weeks
    assert sunday[r.WEEK_DISTANCE_KM] == pytest.approx(32.0)
    assert sunday[c.PLAN_DISTANCE_KM] == 40.0
    assert sunday[c.COMPLIANCE_PCT] == pytest.approx(60.0)
    assert sunday[r.COMPLIANCE_COLOUR] == "yellow"
    # the run of Friday 13 March is after today: not the last activity
    assert monday[r.LAST_ACTIVITY_DATE] == dt.date(2026, 3, 12)


def test_a_week_without_a_plan_is_grey(tmp_path: Path) -> None:
    with _store(tmp_path, "a") as store:
        _runs(store, {"2026-03-10": 10})
        store.upsert_plan(pd.DataFrame({c.WEEK_START: ["2026-03-02"], c.PLAN_DISTANCE_KM: [30.0]}))
        row = r.roster_row(_entry(store), AS_OF)
    assert row[r.WEEK_DISTANCE_KM] == pytest.approx(10.0)
    assert math.isnan(row[c.PLAN_DISTANCE_KM]) and math.isnan(row[c.COMPLIANCE_PCT])
    assert row[r.COMPLIANCE_COLOUR] == "grey"


def test_a_30_percent_week_is_flagged_for_ramp_under_the_athletes_own_limit(
    tmp_path: Path,
) -> None:
    with _store(tmp_path, "a") as store:
        # 23 Feb week 20 km, 2 Mar week 26 km: (26 − 20) / 20 = +30 %
        _weekly_runs(store, {"2026-02-23": 20, "2026-03-02": 26})
        strict = r.roster_row(_entry(store), AS_OF)  # ramp limit 10 %
        lenient = r.roster_row(_entry(store, AthleteSettings(ramp_limit_pct=35.0)), AS_OF)
    assert strict[r.FLAGS] == [r.FLAG_RAMP]
    # the decision reads the same ramp: the only known signal that fires
    assert strict[c.VERDICT] == "hold"
    assert strict[r.FIRST_REASON] == "weekly distance up 30.0 %, over the 10 % ramp limit"
    assert lenient[r.FLAGS] == []
    assert lenient[c.VERDICT] == "push" and lenient[r.FIRST_REASON] == ""


def test_three_build_weeks_without_a_cutback_are_flagged(tmp_path: Path) -> None:
    with _store(tmp_path, "a") as store, _store(tmp_path, "b") as other:
        # 20, 21, 22 km: each week +5 % (under the ramp limit), none 20 % below the build
        # weeks before it, so three build weeks in a row; this week's 3 km is still in progress
        _weekly_runs(store, {"2026-02-16": 20, "2026-02-23": 21, "2026-03-02": 22})
        _runs(store, {"2026-03-10": 3})
        # 20, 21, then 15 km: 15 <= (20 + 21) / 2 × 0.8 = 16.4 -> a cutback, the streak ends
        _weekly_runs(other, {"2026-02-16": 20, "2026-02-23": 21, "2026-03-02": 15})
        built = r.roster_row(_entry(store), AS_OF)
        rested = r.roster_row(_entry(other), AS_OF)
    assert built[r.FLAGS] == [r.FLAG_NO_CUTBACK]
    assert rested[r.FLAGS] == []


def test_the_ramp_is_measured_against_the_last_build_week_by_the_athletes_threshold(
    tmp_path: Path,
) -> None:
    with _store(tmp_path, "a") as store:
        # 20, 17, 20 km. At the default 20 % threshold 17 > 20 × 0.8 = 16 is a build week, so
        # the last week is +17.6 % over it (flag) and makes three builds in a row (flag). At a
        # 10 % threshold 17 <= (20) × 0.9 = 18 is a cutback: the last week is compared with the
        # 20 km before it, 0 %, and the streak of builds is broken
        _weekly_runs(store, {"2026-02-16": 20, "2026-02-23": 17, "2026-03-02": 20})
        default = r.roster_row(_entry(store), AS_OF)
        strict = r.roster_row(_entry(store, AthleteSettings(cutback_threshold_pct=10.0)), AS_OF)
    assert default[r.FLAGS] == [r.FLAG_RAMP, r.FLAG_NO_CUTBACK]
    assert strict[r.FLAGS] == []
    # the decision's ramp signal reads the same weeks (dashboard.recovery_data)
    assert default[c.VERDICT] == "hold" and strict[c.VERDICT] == "push"


def test_an_athlete_without_data_gives_a_clean_row(tmp_path: Path) -> None:
    with _store(tmp_path, "a") as store:
        row = r.roster_row(_entry(store), AS_OF)
    assert set(row) == set(r.ROW_KEYS)
    assert row[r.WEEK_DISTANCE_KM] == 0.0
    for key in (c.PLAN_DISTANCE_KM, c.COMPLIANCE_PCT, c.ACWR, c.MONOTONY):
        assert math.isnan(row[key]), key
    assert row[r.COMPLIANCE_COLOUR] == "grey"
    assert row[r.ACWR_BAND] == "not enough history"
    # no ratio, no monotony, no complete week, no wellness: not a green push on nothing
    assert row[c.VERDICT] == "not enough data" and row[r.FIRST_REASON] == ""
    assert row[r.LAST_ACTIVITY_DATE] is None and row[r.LAST_WELLNESS_DATE] is None
    assert row[r.FLAGS] == []


def test_resting_hr_10_bpm_over_baseline_backs_off_with_that_reason_first(
    tmp_path: Path,
) -> None:
    days = pd.date_range("2026-02-20", "2026-03-11", freq="D")  # 20 mornings at 50 bpm
    log = pd.DataFrame({c.DATE: days, c.RESTING_HR_BPM: 50.0, c.SLEEP_H: 8.0})
    # today 60 bpm: 60 − 50 (the mean of the days before) = 10 bpm, and a short night (5.5 h)
    today = pd.DataFrame(
        {c.DATE: [pd.Timestamp(AS_OF)], c.RESTING_HR_BPM: [60.0], c.SLEEP_H: [5.5]}
    )
    later = pd.DataFrame({c.DATE: [pd.Timestamp("2026-03-14")], c.RESTING_HR_BPM: [49.0]})
    with _store(tmp_path, "a") as store:
        store.upsert_wellness(pd.concat([log, today, later], ignore_index=True))
        row = r.roster_row(_entry(store), AS_OF)
    assert row[c.VERDICT] == "back-off"
    # the back-off reason before the short night's hold
    assert row[r.FIRST_REASON] == "resting HR 10.0 bpm above baseline (≥ 10)"
    assert row[r.LAST_WELLNESS_DATE] == AS_OF  # the entry of 14 March is after today


def test_acwr_and_monotony_follow_the_load_of_every_other_day(tmp_path: Path) -> None:
    # 10 km every other day for 35 days up to today: 18 runs, today one of them
    runs = {d.date().isoformat(): 10.0 for d in pd.date_range(end=AS_OF, periods=18, freq="2D")}
    with _store(tmp_path, "a") as store:
        _runs(store, runs)
        row = r.roster_row(_entry(store), AS_OF)
        tight = r.roster_row(_entry(store, AthleteSettings(acwr_sweet_high=1.1)), AS_OF)
        settings = AthleteSettings()
        ld = dashboard.load_data(store, settings, AS_OF)
        fitness = dashboard.fitness_data(store, settings, AS_OF)
    # last 7 days: 4 runs = 40 km, 40/7 a day; last 28 days: 14 runs = 140 km, 5 a day
    assert row[c.ACWR] == pytest.approx((40 / 7) / 5)  # 8/7 = 1.143
    assert row[r.ACWR_BAND] == "sweet spot"
    assert row[c.ACWR] == pytest.approx(ld.current_acwr)
    # Foster over the last 7 days, 4 of them 10 km: mean 40/7, population SD 10·√(4/7·3/7),
    # so monotony = √(4/3)
    assert row[c.MONOTONY] == pytest.approx(math.sqrt(4 / 3))
    assert row[c.MONOTONY] == pytest.approx(fitness["monotony"][c.MONOTONY].iloc[-1])
    # weeks alternate 3 and 4 runs: 2–8 March (4 runs, 40 km) is up 33.3 % on the week before;
    # and no week of 30 km is 20 % under the 35 km mean of the build weeks before it (28 km):
    # every complete week since 9 February is a build week
    assert row[c.VERDICT] == "hold" and row[r.FLAGS] == [r.FLAG_RAMP, r.FLAG_NO_CUTBACK]
    assert row[r.FIRST_REASON] == "weekly distance up 33.3 %, over the 10 % ramp limit"
    # the same ratio under this athlete's tighter sweet spot: caution, a second hold, and the
    # ratio's reason first (the rule table lists it before the ramp)
    assert tight[r.ACWR_BAND] == "caution"
    assert tight[c.VERDICT] == "hold"
    assert tight[r.FIRST_REASON] == "ACWR 1.14 is above the sweet spot (top 1.10)"


def test_roster_table_converts_distances_to_the_coachs_miles(tmp_path: Path) -> None:
    with _store(tmp_path, "a") as store:
        _runs(store, {"2026-03-09": 8, "2026-03-11": 10, "2026-03-12": 6})
        store.upsert_plan(pd.DataFrame({c.WEEK_START: ["2026-03-09"], c.PLAN_DISTANCE_KM: [40.0]}))
        # the athlete reads kilometres; the coach reads miles
        rows = [r.roster_row(_entry(store, AthleteSettings(units="km")), AS_OF)]
    miles = r.roster_table(rows, "mi")
    km = r.roster_table(rows, "km")
    assert r.WEEK_DISTANCE_MI in miles and r.WEEK_DISTANCE_KM not in miles
    assert r.PLAN_DISTANCE_MI in miles and c.PLAN_DISTANCE_KM not in miles
    assert miles[r.WEEK_DISTANCE_MI].iloc[0] == pytest.approx(24 / 1.609344)  # 14.91 mi
    assert miles[r.PLAN_DISTANCE_MI].iloc[0] == pytest.approx(40 / KM_PER_MILE)  # 24.85 mi
    assert km[r.WEEK_DISTANCE_KM].iloc[0] == pytest.approx(24.0)
    # a percentage has no unit: the same in both
    assert miles[c.COMPLIANCE_PCT].iloc[0] == km[c.COMPLIANCE_PCT].iloc[0] == pytest.approx(60.0)
    assert miles[r.LAST_ACTIVITY_DATE].iloc[0] == pd.Timestamp("2026-03-12")


def _row(name: str, verdict: str | None, acwr: float, flags: list[str] | None = None) -> dict:
    return {r.ATHLETE_ID: name.lower(), c.NAME: name, r.ROLE: "coach", c.VERDICT: verdict,
            c.ACWR: acwr, r.FLAGS: flags or []}  # fmt: skip


def test_roster_table_puts_the_most_urgent_athletes_first() -> None:
    rows = [
        _row("Push low", "push", 1.0),
        _row("Unknown", None, math.nan),
        _row("Back off", "back-off", 0.9),
        _row("Push no ratio", "push", math.nan),
        _row("Hold low", "hold", 1.2),
        _row("Push high", "push", 1.1),
        _row("Hold high", "hold", 1.4, [r.FLAG_RAMP, r.FLAG_NO_CUTBACK]),
        _row("Nothing known", "not enough data", math.nan),
    ]
    table = r.roster_table(rows, "km")
    assert table[c.NAME].tolist() == [
        "Back off", "Hold high", "Hold low", "Push high", "Push low", "Push no ratio",
        "Nothing known", "Unknown",
    ]  # fmt: skip
    assert table[r.FLAGS].iloc[1] == "ramp over the limit; 3+ build weeks without a cutback"
    assert table[r.FLAGS].iloc[0] == ""
    assert table.columns.tolist() == [
        r.ATHLETE_ID, c.NAME, r.ROLE, r.WEEK_DISTANCE_KM, c.PLAN_DISTANCE_KM, c.COMPLIANCE_PCT,
        r.COMPLIANCE_COLOUR, c.ACWR, r.ACWR_BAND, c.VERDICT, r.FIRST_REASON, c.MONOTONY,
        r.FLAGS, r.LAST_ACTIVITY_DATE, r.LAST_WELLNESS_DATE,
    ]  # fmt: skip


def test_an_unreadable_store_gives_its_own_row_and_spares_the_others(tmp_path: Path) -> None:
    with _store(tmp_path, "good") as good:
        _runs(good, {"2026-03-10": 10})
        broken = _store(tmp_path, "broken")
        broken.close()  # every read now raises a database error
        entries = [_entry(broken, name="Broken"), _entry(good, name="Good")]
        rows = [r.roster_row(entry, AS_OF) for entry in entries]
    bad, fine = rows
    assert bad[r.FIRST_REASON].startswith("could not be read: ")
    assert len(bad[r.FIRST_REASON]) > len("could not be read: ")
    assert bad[c.VERDICT] is None and bad[r.FLAGS] == [] and bad[r.ACWR_BAND] is None
    assert math.isnan(bad[r.WEEK_DISTANCE_KM]) and math.isnan(bad[c.ACWR])
    assert bad[c.NAME] == "Broken" and set(bad) == set(r.ROW_KEYS)
    # one run two days ago: no ratio, monotony or complete week yet, so nothing is known
    assert fine[r.WEEK_DISTANCE_KM] == pytest.approx(10.0)
    assert fine[c.VERDICT] == "not enough data"
    table = r.roster_table(rows, "km")
    assert table[c.NAME].tolist() == ["Good", "Broken"]
    assert pd.isna(table[r.LAST_ACTIVITY_DATE].iloc[1])


def test_a_roster_lists_only_coached_or_viewed_athletes(tmp_path: Path) -> None:
    with _store(tmp_path, "a") as store, pytest.raises(ValueError, match="roles"):
        r.RosterEntry("a", "A", "owner", store, AthleteSettings())
