"""The store contract on both engines: round trips, one transaction per file, no-op re-imports,
dedupe, restarts, comments.

Every test here runs against the embedded DuckDB file and against PostgreSQL (one athlete's rows
in a shared database, see tests/test_store_postgres.py for what only PostgreSQL has). Tests that
are about the DuckDB file itself say so and take the DuckDB store alone.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import columns as c
from analysis.parsers.base import ParsedActivity
from analysis.prepare import prepare_activity
from analysis.schema import build_samples
from analysis.settings import AthleteSettings
from analysis.store import AthleteStore, Store
from analysis.store.contract import COMMENT_COLUMNS, NewFile
from analysis.store.duckdb_store import SCHEMA_VERSION
from tests.factories import run_activity, summary_activity

H1, H2, H3 = "1" * 64, "2" * 64, "3" * 64

OpenStore = Callable[..., AthleteStore]
"""``open_store(athlete="athlete")``: that athlete's store, opened afresh as after a restart."""


@pytest.fixture(params=["duckdb", "postgres"])
def open_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[OpenStore]:
    """Opens one athlete's store on the engine of the parameter; each call is a new process's view.

    DuckDB: one file per athlete. PostgreSQL: one database (the ``pg_dsn`` fixture), a new
    connection pool per call, the athlete's rows kept apart from every other athlete's.
    """
    if request.param == "duckdb":
        yield lambda athlete="athlete": Store(tmp_path / f"{athlete}.duckdb")
        return
    from analysis.store.postgres_store import PostgresDatabase

    dsn = request.getfixturevalue("pg_dsn")
    databases: list[PostgresDatabase] = []

    def open_postgres(athlete: str = "athlete") -> AthleteStore:
        database = PostgresDatabase(dsn, min_size=1, max_size=2)
        databases.append(database)
        return database.athlete_store(athlete)

    yield open_postgres
    for database in databases:
        database.close()


def _store(tmp_path: Path) -> Store:
    return Store(tmp_path / "athlete.duckdb")


def test_samples_round_trip_unchanged(open_store: OpenStore) -> None:
    act = run_activity()
    rec = prepare_activity(act, H1, 0)
    with open_store() as store:
        store.add_file(H1, "run.fit", "fit", 123, [rec])
        back = store.samples(rec.activity_id)
    pd.testing.assert_frame_equal(back, act.samples)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(st.integers(min_value=1, max_value=120), min_size=1, max_size=40),
    hr=st.lists(st.one_of(st.none(), st.integers(30, 220)), min_size=41, max_size=41),
)
def test_any_tidy_frame_round_trips(
    open_store: OpenStore, steps: list[int], hr: list[int | None]
) -> None:
    times = pd.Timestamp("2026-01-01T00:00:00Z") + pd.to_timedelta(np.cumsum([0, *steps]), "s")
    raw = pd.DataFrame(
        {
            c.TIMESTAMP: times,
            c.HEART_RATE_BPM: [np.nan if h is None else h for h in hr[: len(times)]],
        }
    )
    samples = build_samples(raw)
    act = run_activity()
    act.samples = samples
    act.start_time_utc = samples[c.TIMESTAMP].iloc[0]
    rec = prepare_activity(act, H1, 0)
    # a new athlete per example: nothing stored by an earlier example is in the way
    with open_store(f"prop-{uuid.uuid4().hex}") as store:
        store.add_file(H1, "x.fit", "fit", 1, [rec])
        pd.testing.assert_frame_equal(store.samples(rec.activity_id), samples)


def test_samples_of_several_activities_in_one_read(open_store: OpenStore) -> None:
    a = prepare_activity(run_activity(), H1, 0)
    b = prepare_activity(run_activity(start="2026-03-04T07:00:00Z", n=30), H2, 0)
    with open_store() as store:
        store.add_file(H1, "a.fit", "fit", 1, [a])
        store.add_file(H2, "b.fit", "fit", 1, [b])
        got = store.samples_of([b.activity_id, "missing", a.activity_id])
        assert set(got) == {a.activity_id, b.activity_id}
        for rec in (a, b):
            pd.testing.assert_frame_equal(got[rec.activity_id], store.samples(rec.activity_id))
        # columns as asked, in the nomenclature's order; unknown names never reach the SQL
        some = store.samples_of([b.activity_id], (c.DISTANCE_M, c.ELAPSED_S, "x; DROP TABLE"))
        pd.testing.assert_frame_equal(
            some[b.activity_id], store.samples(b.activity_id)[[c.ELAPSED_S, c.DISTANCE_M]]
        )
        assert store.samples_of([]) == {}


def test_reimport_is_a_noop(open_store: OpenStore) -> None:
    rec = prepare_activity(run_activity(), H1, 0)
    with open_store() as store:
        first = store.add_file(H1, "run.fit", "fit", 1, [rec])
        rev = store.revision()
        again = store.add_file(H1, "renamed.fit", "fit", 1, [rec])
        assert first.new and not again.new
        assert store.revision() == rev
        assert store.activity_count() == 1
        assert len(store.samples(rec.activity_id)) == 61


def test_a_failing_file_leaves_nothing_half_written(open_store: OpenStore) -> None:
    good = prepare_activity(run_activity(), H1, 0)
    with open_store() as store:
        store.add_file(H1, "good.fit", "fit", 1, [good])
        rev = store.revision()
        first = prepare_activity(run_activity(start="2026-03-05T07:00:00Z"), H2, 0)
        broken = prepare_activity(run_activity(start="2026-03-06T07:00:00Z"), H2, 1)
        broken.samples = broken.samples.assign(unexpected_column=1.0)  # the insert fails
        with pytest.raises(Exception, match="unexpected_column"):
            store.add_file(H2, "bad.fit", "fit", 1, [first, broken])
        assert store.revision() == rev
        assert not store.has_file(H2)
        assert list(store.activities()[c.ACTIVITY_ID]) == [good.activity_id]
        assert len(store.samples(good.activity_id)) == 61
        assert store.samples(first.activity_id).empty
        # best efforts are part of the file's transaction, as its samples are
        assert set(store.best_efforts()[c.ACTIVITY_ID]) == {good.activity_id}
        assert set(store.effort_curves()[c.ACTIVITY_ID]) == {good.activity_id}


def test_everything_survives_a_restart(open_store: OpenStore) -> None:
    rec = prepare_activity(run_activity(), H1, 0)
    mine = AthleteSettings(units="mi", week_start="sunday", max_hr_bpm=185, zone_model="hrr")
    with open_store() as store:
        store.add_file(H1, "run.fit", "fit", 1, [rec])
        store.save_settings(mine)
    with open_store() as store:
        assert store.activity_count() == 1
        assert store.load_settings() == mine
        assert store.activity(rec.activity_id)[c.DISTANCE_M] == pytest.approx(1800.0)
        # 1 800 m at 3 m/s: the fastest 400 m, 1 km and mile, 12 curve durations up to 10 min
        assert len(store.best_efforts()) == 3 and len(store.effort_curves()) == 12


def test_summary_row_and_file_of_the_same_run_count_once(open_store: OpenStore) -> None:
    summary = prepare_activity(
        summary_activity("2026-03-02T07:00:40Z", 1810.0, 600.0), H1, 0
    )  # Strava's row: UTC start 40 s off, distance 10 m off
    other_day = prepare_activity(summary_activity("2026-03-03T07:00:00Z", 1800.0, 600.0), H1, 1)
    run = prepare_activity(run_activity(), H2, 0)
    with open_store() as store:
        store.add_file(H1, "activities.csv", "csv", 1, [summary, other_day])
        stored = store.add_file(H2, "run.fit", "fit", 1, [run])
        assert stored.duplicates == ((summary.activity_id, run.activity_id),)
        counted = store.activities()
        assert set(counted[c.ACTIVITY_ID]) == {run.activity_id, other_day.activity_id}
        assert store.activity_count(include_duplicates=True) == 3
        # deleting the file's run brings the summary row back into the totals
        assert store.delete_activity(run.activity_id)
        assert set(store.activities()[c.ACTIVITY_ID]) == {
            summary.activity_id,
            other_day.activity_id,
        }
        assert store.samples(run.activity_id).empty
        assert not store.has_file(H2)  # so the file can be imported again


def test_different_distances_are_different_runs(open_store: OpenStore) -> None:
    a = prepare_activity(summary_activity("2026-03-02T07:00:00Z", 5000.0, 1500.0), H1, 0)
    b = prepare_activity(run_activity(), H2, 0)  # same start, 1800 m
    with open_store() as store:
        store.add_file(H1, "activities.csv", "csv", 1, [a])
        store.add_file(H2, "run.fit", "fit", 1, [b])
        assert store.activity_count() == 2


def test_garmin_local_time_row_matches_by_local_start(open_store: OpenStore) -> None:
    run = prepare_activity(run_activity(), H2, 0)  # 07:00 UTC in Berlin = 08:00 local
    row = summary_activity("2026-03-02T08:00:00Z", 1800.0, 600.0)
    row.start_time_local = pd.Timestamp("2026-03-02 08:00:00")
    garmin = prepare_activity(row, H1, 0)
    with open_store() as store:
        store.add_file(H2, "run.fit", "fit", 1, [run])
        store.add_file(H1, "Activities.csv", "csv", 1, [garmin])
        assert list(store.activities()[c.ACTIVITY_ID]) == [run.activity_id]
        assert store.activity(garmin.activity_id)[c.DUPLICATE_OF] == run.activity_id


def test_histograms_are_read_with_local_dates(open_store: OpenStore) -> None:
    rec = prepare_activity(run_activity(start="2026-03-02T23:30:00Z"), H3, 0)
    with open_store() as store:
        store.add_file(H3, "late.fit", "fit", 1, [rec])
        hist = store.hr_histogram(sport=c.SPORT_RUNNING)
    # 23:30 UTC is 00:30 the next day in Berlin
    assert list(hist[c.LOCAL_DATE].unique()) == [pd.Timestamp("2026-03-03")]
    assert hist[c.SAMPLE_DURATION_S].sum() == pytest.approx(610.0)


def test_wellness_log_upserts_by_day_and_survives_restart(open_store: OpenStore) -> None:
    days = pd.DataFrame(
        {
            c.DATE: ["2026-05-01", "2026-05-02"],
            c.RESTING_HR_BPM: [48, 50],
            c.HRV_RMSSD_MS: [65.0, 60.0],
            c.NOTES: ["", "legs heavy"],
        }
    )
    with open_store() as store:
        assert store.upsert_wellness(days) == 2
        fix = pd.DataFrame({c.DATE: ["2026-05-02"], c.RESTING_HR_BPM: [55], c.SORENESS: [4]})
        store.upsert_wellness(fix)  # only the columns supplied change; the rest of the day stays
    with open_store() as store:
        log = store.wellness()
    assert list(log[c.DATE]) == [pd.Timestamp("2026-05-01"), pd.Timestamp("2026-05-02")]
    assert list(log[c.RESTING_HR_BPM]) == [48.0, 55.0]
    assert log[c.SORENESS].iloc[1] == 4.0 and log[c.HRV_RMSSD_MS].iloc[1] == 60.0
    assert log[c.NOTES].iloc[1] == "legs heavy"
    assert list(log.columns) == list(c.WELLNESS_COLUMNS)


def test_plan_and_rpe_are_stored(open_store: OpenStore) -> None:
    rec = prepare_activity(run_activity(), H1, 0)
    with open_store() as store:
        store.add_file(H1, "run.fit", "fit", 1, [rec])
        store.set_rpe(rec.activity_id, 6)
        with pytest.raises(ValueError, match="CR-10"):
            store.set_rpe(rec.activity_id, 12)
        store.upsert_plan(pd.DataFrame({c.WEEK_START: ["2026-03-02"], c.PLAN_DISTANCE_KM: [40.0]}))
        assert store.activity(rec.activity_id)[c.RPE] == 6.0
        plan = store.plan()
    assert plan[c.PLAN_DISTANCE_KM].tolist() == [40.0]
    assert np.isnan(plan[c.PLAN_LOAD].iloc[0])


def test_laps_are_stored_with_the_activity(open_store: OpenStore) -> None:
    act = run_activity()
    act.laps = pd.DataFrame(
        {
            c.LAP_START: pd.to_datetime(["2026-03-02T07:00:00Z", "2026-03-02T07:05:00Z"]),
            c.DURATION_S: [300.0, 310.0],
            c.DISTANCE_M: [900.0, 900.0],
        }
    )
    rec = prepare_activity(act, H1, 0)
    with open_store() as store:
        store.add_file(H1, "run.tcx", "tcx", 1, [rec])
        laps = store.laps(rec.activity_id)
    assert laps["lap_index"].tolist() == [0, 1]
    assert laps[c.DURATION_S].tolist() == [300.0, 310.0]
    assert laps[c.DISTANCE_M].tolist() == [900.0, 900.0]
    assert laps["lap_start"].iloc[1] == pd.Timestamp("2026-03-02 07:05:00")


def test_export_metadata_names_rates_and_types_an_activity(open_store: OpenStore) -> None:
    other = prepare_activity(run_activity(sport=c.SPORT_OTHER), H1, 0)
    run = prepare_activity(run_activity(start="2026-03-05T07:00:00Z"), H2, 0)
    with open_store() as store:
        store.add_file(H1, "a.tcx", "tcx", 1, [other])
        store.add_file(H2, "b.fit", "fit", 1, [run])
        store.apply_export_metadata(
            [
                (other.activity_id, "Lunch Run", 6.0, "Pegasus 40", "123", c.SPORT_RUNNING),
                (run.activity_id, None, None, None, "456", c.SPORT_CYCLING),
            ]
        )
        a, b = store.activity(other.activity_id), store.activity(run.activity_id)
    assert (a[c.NAME], a[c.RPE], a[c.GEAR], a[c.SPORT]) == (
        "Lunch Run", 6.0, "Pegasus 40", c.SPORT_RUNNING,
    )  # fmt: skip
    # a file that knows its sport keeps it; empty values keep what is stored
    assert (b[c.SPORT], b[c.EXTERNAL_ID], b[c.NAME]) == (c.SPORT_RUNNING, "456", None)


def test_every_engine_keeps_the_contract(open_store: OpenStore) -> None:
    with open_store() as store:
        assert isinstance(store, AthleteStore)
        assert store.key.split(":")[0] in ("duckdb", "postgres")
        assert store.revision() == 0
        assert store.load_settings() == AthleteSettings()
        assert store.get_meta("nothing") is None
        store.set_meta("rules", "[]")
        assert store.get_meta("rules") == "[]"
        assert store.revision() == 1


def test_comments_round_trip(open_store: OpenStore) -> None:
    rec = prepare_activity(run_activity(), H1, 0)
    with open_store() as store:
        store.add_file(H1, "run.fit", "fit", 1, [rec])
        rev = store.revision()
        week = store.add_comment("week", "2026-03-02", "Coach Ana", "  Easy week, well done.  ")
        run = store.add_comment("activity", rec.activity_id, "Coach Ana", "Pace held nicely")
        other = store.add_comment("week", "2026-03-09", "Coach Ana", "Long run Sunday")
        assert store.revision() == rev + 3
        every = store.comments()
        assert list(every.columns) == list(COMMENT_COLUMNS)
        assert list(every["comment_id"]) == [week, run, other]  # oldest first
        assert every["body"].iloc[0] == "Easy week, well done."  # stored stripped
        assert str(every["created_at"].dt.tz) == "UTC"
        assert list(store.comments(scope="week")["comment_id"]) == [week, other]
        assert list(store.comments(target=rec.activity_id)["comment_id"]) == [run]
        assert list(store.comments("week", "2026-03-09")["body"]) == ["Long run Sunday"]
        assert store.comments("activity", "nothing").empty
        for scope, target, body in (("week", "2026-03-02", "   "), ("month", "2026-03", "hi")):
            with pytest.raises(ValueError):
                store.add_comment(scope, target, "Coach Ana", body)
        assert store.revision() == rev + 3  # a refused comment writes nothing
        assert store.delete_comment(week)
        assert not store.delete_comment(week)
        assert list(store.comments()["comment_id"]) == [run, other]


def test_deleting_the_counted_copy_promotes_the_richest_heir(open_store: OpenStore) -> None:
    summary = prepare_activity(summary_activity("2026-03-02T07:00:10Z", 1800.0, 600.0), H1, 0)
    plain = prepare_activity(run_activity(hr_bpm=None, cadence_spm=None), H2, 0)  # fewer channels
    rich = prepare_activity(run_activity(), H3, 0)
    with open_store() as store:
        for digest, rec in ((H1, summary), (H2, plain), (H3, rich)):
            store.add_file(digest, f"{digest[:4]}.fit", "fit", 1, [rec])
        assert list(store.activities()[c.ACTIVITY_ID]) == [rich.activity_id]
        everything = store.activities(include_duplicates=True).set_index(c.ACTIVITY_ID)
        assert everything.loc[summary.activity_id, c.DUPLICATE_OF] == rich.activity_id
        assert everything.loc[plain.activity_id, c.DUPLICATE_OF] == rich.activity_id
        rev = store.revision()
        assert not store.delete_activity("no-such-activity")
        assert store.revision() == rev
        assert store.delete_activity(rich.activity_id)
        assert list(store.activities()[c.ACTIVITY_ID]) == [plain.activity_id]
        assert store.activity(summary.activity_id)[c.DUPLICATE_OF] == plain.activity_id
        assert list(store.files()[c.FILE_HASH]) == [H2, H1]  # newest import first
        assert store.hr_histogram().empty  # the heir recorded no heart rate


def test_wellness_days_can_be_deleted(open_store: OpenStore) -> None:
    days = pd.DataFrame({c.DATE: ["2026-05-01", "2026-05-02"], c.SLEEP_H: [7.5, 6.0]})
    with open_store() as store:
        store.upsert_wellness(days)
        store.delete_wellness("2026-05-01")
        log = store.wellness()
    assert list(log[c.DATE]) == [pd.Timestamp("2026-05-02")]
    assert list(log[c.SLEEP_H]) == [6.0]


def test_each_thread_gets_its_own_cursor(tmp_path: Path) -> None:
    # DuckDB only: its cursors must not cross threads; PostgreSQL takes a pooled connection per
    # call instead (tests/test_store_postgres.py uses one store from several threads)
    import threading

    with _store(tmp_path) as store:
        seen = []
        t = threading.Thread(target=lambda: seen.append(store.cursor()))
        t.start()
        t.join()
        assert seen[0] is not store.cursor()
        assert store.cursor() is store.cursor()


# ---- schema 6: goal races, training blocks, shoes ------------------------------------------------


def test_goal_races_are_added_listed_edited_and_deleted(open_store: OpenStore) -> None:
    with open_store() as store:
        later = store.add_race("2027-04-25", 42.195, 3 * 3600 + 15 * 60, "Spring marathon")
        sooner = store.add_race("2027-03-07", 21.0975, None, "  Half  ")
        rev = store.revision()
        assert store.update_race(sooner, "2027-03-14", 21.1, 5400.0, "Half") is True
        assert store.revision() == rev + 1
        assert store.update_race("missing", "2027-03-14", 21.1, None, None) is False
    with open_store() as store:  # after a restart
        races = store.races()
        assert list(races.columns) == list(c.RACE_COLUMNS)
        assert races[c.RACE_ID].tolist() == [sooner, later]  # earliest first
        assert races[c.RACE_DATE].tolist() == [
            pd.Timestamp("2027-03-14"),
            pd.Timestamp("2027-04-25"),
        ]
        assert races[c.DISTANCE_KM].tolist() == [21.1, 42.195]
        assert races[c.TARGET_TIME_S].tolist() == [5400.0, 11700.0]
        assert races[c.NAME].tolist() == ["Half", "Spring marathon"]
        with pytest.raises(ValueError, match="distance"):
            store.add_race("2027-01-01", 0, None, None)
        with pytest.raises(ValueError, match="date"):
            store.add_race("not a day", 10, None, None)
        assert store.delete_race(later) and not store.delete_race(later)
        assert store.races()[c.RACE_ID].tolist() == [sooner]


def test_training_blocks_are_added_listed_edited_and_deleted(open_store: OpenStore) -> None:
    with open_store() as store:
        build = store.add_block("2027-02-01", "2027-02-28", "build", "hills")
        base = store.add_block("2027-01-04", "2027-01-31", "base", None)
        assert store.update_block(build, "2027-02-01", "2027-03-07", "build", "hills, tempo")
        with pytest.raises(ValueError, match="ends"):
            store.add_block("2027-02-01", "2027-01-01", "base", None)
        with pytest.raises(ValueError, match="taper"):
            store.add_block("2027-02-01", "2027-02-07", "holiday", None)
    with open_store() as store:
        blocks = store.blocks()
        assert list(blocks.columns) == list(c.BLOCK_COLUMNS)
        assert blocks[c.BLOCK_ID].tolist() == [base, build]
        assert blocks[c.BLOCK_KIND].tolist() == ["base", "build"]
        assert blocks[c.END_DATE].tolist() == [
            pd.Timestamp("2027-01-31"),
            pd.Timestamp("2027-03-07"),
        ]
        assert blocks[c.NOTE].tolist() == [None, "hills, tempo"]
        assert store.delete_block(base)
        assert store.blocks()[c.BLOCK_ID].tolist() == [build]


def test_shoes_are_added_listed_edited_and_deleted(open_store: OpenStore) -> None:
    with open_store() as store:
        old = store.add_shoe("Pegasus 40", "2026-05-01", 700, False, "strava")
        new = store.add_shoe("Clifton 9", None, None, False, "typed")
        assert store.update_shoe(old, "Pegasus 40", "2026-05-01", 650.0, True, "strava")
        with pytest.raises(ValueError, match="name"):
            store.add_shoe("  ", None, None, False, "typed")
        with pytest.raises(ValueError, match="strava"):
            store.add_shoe("X", None, None, False, "garmin")
    with open_store() as store:
        shoes = store.shoes()
        assert list(shoes.columns) == list(c.SHOE_COLUMNS)
        assert shoes[c.SHOE_ID].tolist() == [old, new]  # pairs without a first day last
        assert shoes[c.RETIRE_KM].tolist()[0] == 650.0 and np.isnan(shoes[c.RETIRE_KM].iloc[1])
        assert shoes[c.RETIRED].tolist() == [True, False]
        assert shoes[c.GEAR_SOURCE].tolist() == ["strava", "typed"]
        assert shoes[c.FIRST_USED].iloc[0] == pd.Timestamp("2026-05-01")
        assert pd.isna(shoes[c.FIRST_USED].iloc[1])
        assert store.delete_shoe(new) and len(store.shoes()) == 1


def test_an_older_store_gains_the_season_tables_and_keeps_its_data(tmp_path: Path) -> None:
    import duckdb

    path = tmp_path / "athlete.duckdb"
    with Store(path) as store:
        store.upsert_plan(pd.DataFrame({c.WEEK_START: ["2026-09-07"], c.PLAN_DISTANCE_KM: [40.0]}))
    with duckdb.connect(str(path)) as con:  # as a schema-5 store left it
        for table in ("goal_races", "training_blocks", "shoes"):
            con.execute(f"DROP TABLE {table}")
        con.execute("UPDATE meta SET value = '5' WHERE key = 'schema_version'")
    with Store(path) as store:
        assert store.get_meta("schema_version") == str(SCHEMA_VERSION)
        assert store.plan()[c.PLAN_DISTANCE_KM].tolist() == [40.0]
        assert store.races().empty and store.blocks().empty and store.shoes().empty
        store.add_race("2027-04-25", 42.195, None, None)
        assert len(store.races()) == 1


# ---- the strength & mobility session log and the pain log (DuckDB schema 6, PostgreSQL 3) -------


def test_sessions_are_added_listed_and_deleted(open_store: OpenStore) -> None:
    with open_store() as store:
        assert list(store.sessions().columns) == list(c.SESSION_COLUMNS)
        assert store.sessions().empty
        rev = store.revision()
        late = store.add_session("2026-05-06", c.SPORT_MOBILITY, 20, None, "", "  hips  ")
        early = store.add_session(
            pd.Timestamp("2026-05-04"), c.SPORT_STRENGTH, 35.0, 6, "squats 3x8, lunges", ""
        )
        assert store.revision() == rev + 2
    with open_store() as store:  # after a restart
        log = store.sessions()
        assert list(log[c.SESSION_ID]) == [early, late]  # oldest day first
        assert list(log[c.DATE]) == [pd.Timestamp("2026-05-04"), pd.Timestamp("2026-05-06")]
        assert log[c.DATE].dtype == "datetime64[us]"
        assert list(log[c.SESSION_TYPE]) == [c.SPORT_STRENGTH, c.SPORT_MOBILITY]
        assert log[c.DURATION_MIN].tolist() == [35.0, 20.0]
        assert log[c.RPE].iloc[0] == 6.0 and np.isnan(log[c.RPE].iloc[1])
        assert log[c.EXERCISES].tolist() == ["squats 3x8, lunges", None]
        assert log[c.NOTES].tolist() == [None, "hips"]  # stored stripped, empty as None
        for bad in (
            ("2026-05-07", "running", 30, 5),  # a run is not a session of this log
            ("2026-05-07", c.SPORT_STRENGTH, 0, 5),
            ("2026-05-07", c.SPORT_STRENGTH, 601, 5),
            ("2026-05-07", c.SPORT_STRENGTH, 30, 11),
            ("not a day", c.SPORT_STRENGTH, 30, 5),
        ):
            with pytest.raises(ValueError):
                store.add_session(*bad)
        rev = store.revision()
        assert store.delete_session(early)
        assert not store.delete_session(early)
        assert list(store.sessions()[c.SESSION_ID]) == [late]
        assert store.revision() == rev + 2  # a delete is a write, even of nothing


def test_pain_log_is_added_listed_and_deleted(open_store: OpenStore) -> None:
    with open_store() as store:
        assert list(store.pain_log().columns) == list(c.PAIN_COLUMNS)
        first = store.add_pain("2026-05-10", "Achilles", "left", 4, "after running", "stiff")
        second = store.add_pain("2026-05-09", "knee", "both", 0, "at rest")
    with open_store() as store:
        log = store.pain_log()
        assert list(log[c.PAIN_ID]) == [second, first]
        assert log[c.BODY_SITE].tolist() == ["knee", "Achilles"]
        assert log[c.SIDE].tolist() == ["both", "left"]
        assert log[c.SEVERITY].tolist() == [0.0, 4.0]
        assert log[c.PAIN_WHEN].tolist() == ["at rest", "after running"]
        assert log[c.NOTES].tolist() == [None, "stiff"]
        for bad in (
            ("2026-05-11", "elbow", "left", 3, "at rest"),
            ("2026-05-11", "knee", "up", 3, "at rest"),
            ("2026-05-11", "knee", "left", 11, "at rest"),
            ("2026-05-11", "knee", "left", -1, "at rest"),
            ("2026-05-11", "knee", "left", 3, "sometimes"),
        ):
            with pytest.raises(ValueError):
                store.add_pain(*bad)
        assert store.delete_pain(first)
        assert list(store.pain_log()[c.PAIN_ID]) == [second]
    # one athlete's logs are not another's
    with open_store("someone-else") as other:
        assert other.pain_log().empty and other.sessions().empty


def test_a_schema_5_duckdb_store_gains_the_logs_and_keeps_its_data(tmp_path: Path) -> None:
    rec = prepare_activity(run_activity(), H1, 0)
    path = tmp_path / "old.duckdb"
    with Store(path) as store:
        store.add_file(H1, "run.fit", "fit", 1, [rec])
        store.upsert_wellness(pd.DataFrame({c.DATE: ["2026-05-01"], c.SLEEP_H: [7.0]}))
    import duckdb

    # as a version-5 release left it: no log tables, schema_version 5
    con = duckdb.connect(str(path))
    con.execute("DROP TABLE training_sessions")
    con.execute("DROP TABLE pain_log")
    con.execute("UPDATE meta SET value = '5' WHERE key = 'schema_version'")
    con.close()
    with Store(path) as store:
        assert store.get_meta("schema_version") == str(SCHEMA_VERSION)
        assert store.activity_count() == 1 and len(store.wellness()) == 1
        store.add_session("2026-05-02", c.SPORT_STRENGTH, 30, 5)
        store.add_pain("2026-05-02", "calf", "right", 2, "during running")
        assert len(store.sessions()) == 1 and len(store.pain_log()) == 1


# ---- running dynamics per sample (DuckDB schema 7, PostgreSQL 4) --------------------------------


DYNAMICS = (
    c.GROUND_CONTACT_TIME_MS,
    c.VERTICAL_OSCILLATION_MM,
    c.VERTICAL_RATIO_PCT,
    c.STEP_LENGTH_MM,
    c.STANCE_TIME_BALANCE_PCT,
)


def _dynamics_activity() -> ParsedActivity:
    act = run_activity()
    n = len(act.samples)
    raw = act.samples.drop(columns=[c.ELAPSED_S, c.SAMPLE_DURATION_S]).assign(
        **{
            c.POWER_W: np.linspace(200.0, 260.0, n),
            c.GROUND_CONTACT_TIME_MS: np.linspace(230.0, 260.0, n),
            c.VERTICAL_OSCILLATION_MM: 85.5,
            c.VERTICAL_RATIO_PCT: 7.6,
            c.STEP_LENGTH_MM: np.where(np.arange(n) % 7 == 0, np.nan, 1060.0),
            c.STANCE_TIME_BALANCE_PCT: 50.4,
        }
    )
    return dataclasses.replace(act, samples=build_samples(raw))


def test_running_dynamics_round_trip(open_store: OpenStore) -> None:
    act = _dynamics_activity()
    rec = prepare_activity(act, H1, 0)
    with open_store() as store:
        store.add_files([NewFile(H1, "run.fit", "fit", 1, [rec])])
    with open_store() as store:
        back = store.samples(rec.activity_id)
        some = store.samples_of([rec.activity_id], [c.TIMESTAMP, c.STEP_LENGTH_MM])
    pd.testing.assert_frame_equal(back, act.samples)
    assert back[c.STEP_LENGTH_MM].isna().sum() == 9  # rows 0, 7, …, 56: missing stays missing
    pd.testing.assert_series_equal(
        some[rec.activity_id][c.STEP_LENGTH_MM], act.samples[c.STEP_LENGTH_MM]
    )


def test_a_schema_6_store_gains_the_dynamics_columns_empty(tmp_path: Path) -> None:
    import duckdb

    path = tmp_path / "old.duckdb"
    rec = prepare_activity(run_activity(), H1, 0)
    with Store(path) as store:
        store.add_file(H1, "run.fit", "fit", 1, [rec])
    # as a version-6 release left it: samples without the five dynamics columns
    con = duckdb.connect(str(path))
    for col in DYNAMICS:
        con.execute(f"ALTER TABLE samples DROP COLUMN {col}")
    con.execute("UPDATE meta SET value = '6' WHERE key = 'schema_version'")
    con.close()
    with Store(path) as store:
        assert store.get_meta("schema_version") == str(SCHEMA_VERSION)
        old = store.samples(rec.activity_id)
        assert len(old) == 61 and old[list(DYNAMICS)].isna().all().all()
        new = prepare_activity(_dynamics_activity(), H2, 0)
        store.add_file(H2, "dyn.fit", "fit", 1, [new])
        assert store.samples(new.activity_id)[c.VERTICAL_RATIO_PCT].eq(7.6).all()
