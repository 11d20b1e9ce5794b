"""What only the PostgreSQL store has: many athletes in one database, kept apart by the database.

The contract itself (round trips, dedupe, comments ...) runs on both engines in tests/test_store.py.
Here: frames identical to the DuckDB store's for the same data; row-level security checked with
raw SQL as the app's login role (isolation between athletes, what each role may write); the
store's refusals; two server processes importing for one athlete at once; migrations, the pool
and the store's key.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import psycopg
import pytest

from analysis import columns as c
from analysis.errors import AccessDenied
from analysis.prepare import ActivityRecord, prepare_activity
from analysis.settings import AthleteSettings
from analysis.store import Store
from analysis.store.postgres_store import (
    ATHLETE_SETTING,
    ATHLETE_TABLES,
    ROLE_SETTING,
    SCHEMA_VERSION,
    PostgresDatabase,
    PostgresStore,
)
from tests.factories import run_activity, summary_activity

H1, H2, H3 = "1" * 64, "2" * 64, "3" * 64


@pytest.fixture
def database(pg_dsn: str) -> Iterator[PostgresDatabase]:
    with PostgresDatabase(pg_dsn, min_size=1, max_size=4) as db:
        yield db


def _fill(store: Any) -> dict[str, str]:
    """Something in every table of the athlete's data; returns the ids the tests refer to."""
    act = run_activity()
    act.laps = pd.DataFrame(
        {
            c.LAP_START: pd.to_datetime(["2026-03-02T07:00:00Z", "2026-03-02T07:05:00Z"]),
            c.DURATION_S: [300.0, None],
            c.DISTANCE_M: [900.0, 900.0],
        }
    )
    run = prepare_activity(act, H1, 0)
    row = prepare_activity(summary_activity("2026-03-02T07:00:30Z", 1810.0, 600.0), H2, 0)
    other = prepare_activity(run_activity(start="2026-03-04T18:00:00Z", sport=c.SPORT_OTHER), H3, 0)
    store.add_file(H2, "activities.csv", "csv", 10, [row])
    store.add_file(H1, "run.fit", "fit", 20, [run])
    store.add_file(H3, "other.tcx", "tcx", 30, [other])
    store.apply_export_metadata([(other.activity_id, "Evening", 4.0, "Shoes", "99", "running")])
    store.set_rpe(run.activity_id, 6)
    store.save_settings(AthleteSettings(units="mi", max_hr_bpm=188))
    store.set_meta("rules", "[]")
    store.upsert_wellness(
        pd.DataFrame(
            {
                c.DATE: ["2026-03-01", "2026-03-02"],
                c.RESTING_HR_BPM: [48, None],
                c.NOTES: ["slept well", None],
            }
        )
    )
    store.upsert_plan(pd.DataFrame({c.WEEK_START: ["2026-03-02"], c.PLAN_DISTANCE_KM: [40.0]}))
    store.add_comment("week", "2026-03-02", "Coach", "Good week")
    store.add_race("2026-04-26", 42.195, 12600.0, "Spring marathon")
    store.add_block("2026-03-02", "2026-03-29", "build", None)
    store.add_shoe("Shoes", "2026-03-04", 700.0, False, "strava")
    store.add_session("2026-03-03", c.SPORT_STRENGTH, 35.0, 6.0, "squats", "")
    store.add_pain("2026-03-04", "Achilles", "left", 3.0, "after running", "")
    return {"run": run.activity_id, "row": row.activity_id, "other": other.activity_id}


# ---- the same frames as the DuckDB store ---------------------------------------------------------


def test_frames_match_the_duckdb_store(database: PostgresDatabase, tmp_path: Path) -> None:
    pg = database.athlete_store("A")
    with Store(tmp_path / "a.duckdb") as duck:
        ids = _fill(duck)
        assert _fill(pg) == ids
        for include in (False, True):
            pd.testing.assert_frame_equal(
                pg.activities(include_duplicates=include),
                duck.activities(include_duplicates=include),
            )
        pd.testing.assert_frame_equal(pg.activities(sport="running"), duck.activities("running"))
        for aid in ids.values():
            got, want = pg.activity(aid), duck.activity(aid)
            assert got is not None and want is not None
            pd.testing.assert_series_equal(pd.Series(got), pd.Series(want))
            pd.testing.assert_frame_equal(pg.samples(aid), duck.samples(aid))
            pd.testing.assert_frame_equal(pg.laps(aid), duck.laps(aid))
        assert pg.activity("missing") is None and duck.activity("missing") is None
        for name in ("hr_histogram", "cadence_histogram"):
            # neither engine promises an order here: compare sorted
            got, want = (
                getattr(s, name)()
                .sort_values(list(getattr(s, name)().columns[:3]))
                .reset_index(drop=True)
                for s in (pg, duck)
            )
            pd.testing.assert_frame_equal(got, want)
        pd.testing.assert_frame_equal(
            pg.files().drop(columns="imported_at"), duck.files().drop(columns="imported_at")
        )
        assert pg.files()["imported_at"].dtype == duck.files()["imported_at"].dtype
        pd.testing.assert_frame_equal(pg.wellness(), duck.wellness())
        pd.testing.assert_frame_equal(pg.plan(), duck.plan())
        mine = ["comment_id", "created_at"]
        pd.testing.assert_frame_equal(
            pg.comments().drop(columns=mine), duck.comments().drop(columns=mine)
        )
        assert pg.comments()["created_at"].dtype == duck.comments()["created_at"].dtype
        for name in ("races", "blocks", "shoes", "sessions", "pain_log"):
            id_col = getattr(pg, name)().columns[0]  # random ids differ by engine
            pd.testing.assert_frame_equal(
                getattr(pg, name)().drop(columns=id_col), getattr(duck, name)().drop(columns=id_col)
            )
        assert pg.load_settings() == duck.load_settings()
        assert pg.get_meta("rules") == duck.get_meta("rules")
        assert pg.revision() == duck.revision()
        assert pg.activity_count(True) == duck.activity_count(True) == 3
        assert pg.delete_activity(ids["run"]) and duck.delete_activity(ids["run"])
        pd.testing.assert_frame_equal(
            pg.activities(include_duplicates=True), duck.activities(include_duplicates=True)
        )
        assert pg.revision() == duck.revision()


# ---- row-level security, checked by raw SQL ----------------------------------------------------------


def _as(dsn: str, athlete: str | None, role: str = "owner") -> psycopg.Connection[Any]:
    """A raw connection as the app's login role, inside a transaction acting for ``athlete``."""
    conn = psycopg.connect(dsn)
    if athlete is not None:
        conn.execute(
            "SELECT set_config(%s, %s, true), set_config(%s, %s, true)",
            [ATHLETE_SETTING, athlete, ROLE_SETTING, role],
        )
    return conn


def _count(conn: psycopg.Connection[Any], table: str, athlete: str) -> int:
    row = conn.execute(f"SELECT count(*) FROM {table} WHERE athlete_id = %s", [athlete]).fetchone()
    assert row is not None
    return int(row[0])


def test_every_athlete_table_forces_row_level_security(
    database: PostgresDatabase, pg_dsn: str
) -> None:
    with psycopg.connect(pg_dsn) as conn:
        role = conn.execute(
            "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
        assert role == (False, False)  # otherwise no policy would bind the app
        rows = conn.execute(
            "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class "
            "WHERE relname = ANY(%s) AND relkind = 'r'",
            [list(ATHLETE_TABLES)],
        ).fetchall()
        owners = conn.execute(
            "SELECT DISTINCT tableowner = current_user FROM pg_tables WHERE tablename = ANY(%s)",
            [list(ATHLETE_TABLES)],
        ).fetchall()
    assert sorted(rows) == sorted((table, True, True) for table in ATHLETE_TABLES)
    assert owners == [(True,)]  # the app owns its tables: FORCE is what binds it


def test_another_athlete_sees_none_of_the_rows(database: PostgresDatabase, pg_dsn: str) -> None:
    _fill(database.athlete_store("A"))
    with _as(pg_dsn, "A") as conn:
        assert all(_count(conn, table, "A") > 0 for table in ATHLETE_TABLES)
    for athlete in ("B", None):  # another athlete, and no athlete at all
        with _as(pg_dsn, athlete) as conn:
            for table in ATHLETE_TABLES:
                assert _count(conn, table, "A") == 0, table
                assert conn.execute(f"SELECT * FROM {table}").fetchall() == [], table
    # a raw write for A while acting for B is refused, whatever the table
    for table, columns in (
        ("activities", "(athlete_id, activity_id) VALUES ('A', 'x')"),
        ("revisions", "(athlete_id, revision) VALUES ('A', 99)"),
        ("plan", "(athlete_id, week_start) VALUES ('A', '2026-05-04')"),
        ("comments", "(athlete_id, comment_id) VALUES ('A', 'x')"),
    ):
        with _as(pg_dsn, "B") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(f"INSERT INTO {table} {columns}")
    with _as(pg_dsn, "B") as conn:
        assert conn.execute("DELETE FROM activities WHERE athlete_id = 'A'").rowcount == 0
        assert conn.execute("UPDATE plan SET plan_load = 1 WHERE athlete_id = 'A'").rowcount == 0
    assert database.athlete_store("A").activity_count(include_duplicates=True) == 3


def test_the_database_enforces_each_role(database: PostgresDatabase, pg_dsn: str) -> None:
    _fill(database.athlete_store("A"))
    with _as(pg_dsn, "A", "coach") as conn:
        assert conn.execute("DELETE FROM activities WHERE athlete_id = 'A'").rowcount == 0
        assert conn.execute("UPDATE activities SET rpe = 1 WHERE athlete_id = 'A'").rowcount == 0
        assert conn.execute("DELETE FROM samples WHERE athlete_id = 'A'").rowcount == 0
        assert _count(conn, "activities", "A") == 3  # coaches read everything
    for table, values in (
        ("activities", "(athlete_id, activity_id) VALUES ('A', 'x')"),
        ("settings", "(athlete_id, key, value) VALUES ('A', 'athlete', '{}')"),
        ("wellness", "(athlete_id, date) VALUES ('A', '2026-06-01')"),
    ):
        with _as(pg_dsn, "A", "coach") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(f"INSERT INTO {table} {values}")
    with _as(pg_dsn, "A", "coach") as conn:
        conn.execute(
            "INSERT INTO plan (athlete_id, week_start, plan_distance_km) VALUES ('A', '2026-03-02', 55) "
            "ON CONFLICT (athlete_id, week_start) DO UPDATE SET plan_distance_km = 55"
        )
        conn.execute(
            "INSERT INTO comments (athlete_id, comment_id, scope, target, body) "
            "VALUES ('A', 'c1', 'week', '2026-03-02', 'raw')"
        )
    owner = database.athlete_store("A")
    assert owner.plan()[c.PLAN_DISTANCE_KM].tolist() == [55.0]
    assert "c1" in set(owner.comments()["comment_id"])
    for table, values in (
        ("plan", "(athlete_id, week_start) VALUES ('A', '2026-03-09')"),
        ("comments", "(athlete_id, comment_id) VALUES ('A', 'c2')"),
        ("revisions", "(athlete_id) VALUES ('A') ON CONFLICT DO NOTHING"),
    ):
        with _as(pg_dsn, "A", "view") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(f"INSERT INTO {table} {values}")
    with _as(pg_dsn, "A", "view") as conn:
        assert conn.execute("UPDATE plan SET plan_load = 1 WHERE athlete_id = 'A'").rowcount == 0
        assert conn.execute("DELETE FROM comments WHERE athlete_id = 'A'").rowcount == 0
    with _as(pg_dsn, "A", "somebody") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("INSERT INTO plan (athlete_id, week_start) VALUES ('A', '2026-03-16')")


# ---- the store's refusals ----------------------------------------------------------------------------


def _snapshot(store: PostgresStore) -> dict[str, Any]:
    return {
        "activities": store.activities(include_duplicates=True),
        "files": store.files(),
        "settings": store.load_settings(),
        "wellness": store.wellness(),
        "revision": store.revision(),
        "meta": store.get_meta("rules"),
    }


def _same(before: dict[str, Any], after: dict[str, Any]) -> None:
    for key, value in before.items():
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(after[key], value)
        else:
            assert after[key] == value, key


def test_a_coach_writes_only_the_plan_and_comments(database: PostgresDatabase) -> None:
    ids = _fill(database.athlete_store("A"))
    owner = database.athlete_store("A")
    coach = database.athlete_store("A", role="coach")
    before = _snapshot(owner)
    new = prepare_activity(run_activity(start="2026-03-10T07:00:00Z"), "4" * 64, 0)
    refused = {
        "add_file": lambda: coach.add_file("4" * 64, "new.fit", "fit", 1, [new]),
        "delete_activity": lambda: coach.delete_activity(ids["run"]),
        "save_settings": lambda: coach.save_settings(AthleteSettings(units="km")),
        "set_rpe": lambda: coach.set_rpe(ids["run"], 2),
        "upsert_wellness": lambda: coach.upsert_wellness(
            pd.DataFrame({c.DATE: ["2026-03-01"], c.RESTING_HR_BPM: [60]})
        ),
        "delete_wellness": lambda: coach.delete_wellness("2026-03-01"),
        "apply_export_metadata": lambda: coach.apply_export_metadata(
            [(ids["run"], "Renamed", None, None, None, None)]
        ),
        "set_meta": lambda: coach.set_meta("rules", "changed"),
    }
    for name, attempt in refused.items():
        with pytest.raises(AccessDenied, match="coach"):
            attempt()
        assert owner.revision() == before["revision"], name
        _same(before, _snapshot(owner))
    assert not owner.has_file("4" * 64)
    # what a coach may do: the plan and comments, which raise the revision like any write
    coach.upsert_plan(pd.DataFrame({c.WEEK_START: ["2026-03-09"], c.PLAN_DISTANCE_KM: [45.0]}))
    note = coach.add_comment("activity", ids["run"], "Coach", "Strong finish")
    assert owner.plan()[c.PLAN_DISTANCE_KM].tolist() == [40.0, 45.0]
    assert note in set(owner.comments()["comment_id"])
    assert owner.revision() == before["revision"] + 2
    assert coach.delete_comment(note)


@pytest.mark.parametrize("role", ["coach", "view"])
def test_only_the_owner_writes_the_session_and_pain_logs(
    database: PostgresDatabase, pg_dsn: str, role: str
) -> None:
    owner = database.athlete_store("A")
    session = owner.add_session("2026-03-03", c.SPORT_STRENGTH, 30.0, 5.0)
    pain = owner.add_pain("2026-03-04", "knee", "right", 4.0, "during running")
    sessions, pains, rev = owner.sessions(), owner.pain_log(), owner.revision()
    # a forged call: the store itself, no GuardedStore in front of it; the database refuses
    forged = database.athlete_store("A", role=role)
    for attempt in (
        lambda: forged.add_session("2026-03-05", c.SPORT_MOBILITY, 20.0),
        lambda: forged.delete_session(session),
        lambda: forged.add_pain("2026-03-05", "calf", "left", 2.0, "at rest"),
        lambda: forged.delete_pain(pain),
    ):
        with pytest.raises(AccessDenied, match=role):
            attempt()
    # and raw SQL in that role changes nothing either
    for table, values in (
        ("training_sessions", "(athlete_id, session_id) VALUES ('A', 'x')"),
        ("pain_log", "(athlete_id, pain_id) VALUES ('A', 'x')"),
    ):
        with _as(pg_dsn, "A", role) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(f"INSERT INTO {table} {values}")
    with _as(pg_dsn, "A", role) as conn:
        assert conn.execute("DELETE FROM training_sessions WHERE athlete_id = 'A'").rowcount == 0
        assert conn.execute("UPDATE pain_log SET severity = 0 WHERE athlete_id = 'A'").rowcount == 0
        assert _count(conn, "pain_log", "A") == 1  # reading is allowed
    pd.testing.assert_frame_equal(owner.sessions(), sessions)
    pd.testing.assert_frame_equal(owner.pain_log(), pains)
    pd.testing.assert_frame_equal(forged.pain_log(), pains)
    assert owner.revision() == rev


def test_a_schema_2_database_gains_the_logs(pg_dsn: str) -> None:
    with PostgresDatabase(pg_dsn, min_size=1, max_size=1) as db:
        db.athlete_store("A").upsert_plan(
            pd.DataFrame({c.WEEK_START: ["2026-03-02"], c.PLAN_DISTANCE_KM: [40.0]})
        )
    with psycopg.connect(pg_dsn, autocommit=True) as conn:  # as a version-2 release left it
        conn.execute("DROP TABLE training_sessions")
        conn.execute("DROP TABLE pain_log")
        conn.execute("UPDATE store_schema SET version = 2")
    with PostgresDatabase(pg_dsn, min_size=1, max_size=1) as db:
        store = db.athlete_store("A")
        assert store.plan()[c.PLAN_DISTANCE_KM].tolist() == [40.0]
        store.add_pain("2026-03-04", "shin", "left", 2.0, "during running")
        assert len(store.pain_log()) == 1
    with psycopg.connect(pg_dsn) as conn:
        assert conn.execute("SELECT version FROM store_schema").fetchone() == (SCHEMA_VERSION,)
        forced = conn.execute(
            "SELECT relname, relforcerowsecurity FROM pg_class "
            "WHERE relname IN ('training_sessions', 'pain_log') AND relkind = 'r' ORDER BY 1"
        ).fetchall()
    assert forced == [("pain_log", True), ("training_sessions", True)]


def test_a_viewer_writes_nothing(database: PostgresDatabase) -> None:
    _fill(database.athlete_store("A"))
    owner = database.athlete_store("A")
    viewer = database.athlete_store("A", role="view")
    plan, comments, rev = owner.plan(), owner.comments(), owner.revision()
    with pytest.raises(AccessDenied, match="view"):
        viewer.upsert_plan(pd.DataFrame({c.WEEK_START: ["2026-03-02"], c.PLAN_DISTANCE_KM: [1.0]}))
    with pytest.raises(AccessDenied):
        viewer.add_comment("week", "2026-03-02", "Viewer", "hello")
    with pytest.raises(AccessDenied):
        viewer.delete_comment(str(comments["comment_id"].iloc[0]))
    pd.testing.assert_frame_equal(owner.plan(), plan)
    pd.testing.assert_frame_equal(owner.comments(), comments)
    assert owner.revision() == rev
    pd.testing.assert_frame_equal(viewer.activities(), owner.activities())  # reading is allowed


def test_a_store_needs_an_athlete_and_a_known_role(database: PostgresDatabase) -> None:
    with pytest.raises(ValueError):
        database.athlete_store("")
    with pytest.raises(ValueError, match="role"):
        database.athlete_store("A", role="admin")


# ---- two server processes, one athlete ----------------------------------------------------------------

RUNS = 8


def _copies() -> list[tuple[str, str, str, ActivityRecord]]:
    """(file name, hash, format, record): each run as a watch file and as an export's summary row,
    a FIT file first and a summary row second, interleaved run by run."""
    out = []
    for i in range(RUNS):
        start = pd.Timestamp("2026-04-01T06:30:00Z") + pd.Timedelta(days=i)
        fit_hash = hashlib.sha256(f"fit-{i}".encode()).hexdigest()
        row_hash = hashlib.sha256(f"row-{i}".encode()).hexdigest()
        run = run_activity(name=f"run{i}.fit", start=start.isoformat())
        row = summary_activity((start + pd.Timedelta(seconds=30)).isoformat(), 1810.0, 600.0)
        out.append((f"run{i}.fit", fit_hash, "fit", prepare_activity(run, fit_hash, 0)))
        out.append((f"row{i}.csv", row_hash, "csv", prepare_activity(row, row_hash, 0)))
    return out


def _import_worker(dsn: str, athlete: str, reverse_pairs: bool, barrier: Any) -> None:
    """One server process: imports every copy for ``athlete``, starting when all are ready."""
    copies = _copies()
    if reverse_pairs:  # the other process takes each run's summary row first
        copies = [copy for i in range(0, len(copies), 2) for copy in reversed(copies[i : i + 2])]
    with PostgresDatabase(dsn, min_size=1, max_size=1) as db:
        store = db.athlete_store(athlete)
        barrier.wait(timeout=120)
        for name, digest, fmt, record in copies:
            store.add_file(digest, name, fmt, 1, [record])


def test_two_processes_importing_for_one_athlete_count_each_run_once(
    database: PostgresDatabase, pg_dsn: str
) -> None:
    spawn = multiprocessing.get_context("spawn")
    barrier = spawn.Barrier(3)
    workers = [
        spawn.Process(target=_import_worker, args=(pg_dsn, athlete, reverse, barrier))
        for athlete, reverse in (("A", False), ("A", True), ("B", False))
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=300)
    assert [worker.exitcode for worker in workers] == [0, 0, 0]
    copies = _copies()
    fit_ids = {rec.activity_id for name, _, _, rec in copies if name.endswith(".fit")}
    for athlete in ("A", "B"):
        store = database.athlete_store(athlete)
        assert set(store.activities()[c.ACTIVITY_ID]) == fit_ids  # the richer copy counts
        everything = store.activities(include_duplicates=True)
        assert len(everything) == 2 * RUNS
        assert everything[c.DUPLICATE_OF].notna().sum() == RUNS
        files = store.files()
        assert sorted(files[c.FILE_HASH]) == sorted(digest for _, digest, _, _ in copies)
        assert store.revision() == 2 * RUNS  # each file written once, by one process
        samples = sum(len(store.samples(aid)) for aid in fit_ids)
        assert samples == 61 * RUNS


# ---- the database object ---------------------------------------------------------------------------


def test_migrations_run_once_with_several_processes_starting(pg_dsn: str) -> None:
    errors: list[BaseException] = []
    opened: list[PostgresDatabase] = []

    def start() -> None:
        try:
            opened.append(PostgresDatabase(pg_dsn, min_size=1, max_size=1))
        except BaseException as err:  # collected, then asserted
            errors.append(err)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert errors == []
        store = opened[0].athlete_store("A")
        store.upsert_plan(pd.DataFrame({c.WEEK_START: ["2026-03-02"], c.PLAN_LOAD: [300.0]}))
        with PostgresDatabase(pg_dsn) as again:  # a restart migrates nothing and loses nothing
            assert again.athlete_store("A").plan()[c.PLAN_LOAD].tolist() == [300.0]
        with psycopg.connect(pg_dsn) as conn:
            assert conn.execute("SELECT version FROM store_schema").fetchall() == [
                (SCHEMA_VERSION,)
            ]
    finally:
        for db in opened:
            db.close()


def test_one_store_serves_many_threads(database: PostgresDatabase) -> None:
    store = database.athlete_store("A")

    def write(i: int) -> None:
        store.add_comment("week", "2026-03-02", f"thread {i}", f"note {i}")
        store.activities()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(store.comments()) == 12
    assert store.revision() == 12


def test_the_admin_transaction_sees_no_athlete(database: PostgresDatabase, pg_dsn: str) -> None:
    _fill(database.athlete_store("A"))
    with PostgresDatabase(pg_dsn, min_size=1, max_size=1) as one:
        with one.admin_transaction() as conn:
            assert conn.execute("SELECT count(*) FROM activities").fetchone() == (0,)
            # even a setting left for the whole session does not outlive the pool's checkout
            conn.execute("SELECT set_config(%s, 'A', false)", [ATHLETE_SETTING])
            assert conn.execute("SELECT count(*) FROM activities").fetchone() == (3,)
        with one.admin_transaction() as conn:
            assert conn.execute("SELECT count(*) FROM activities").fetchone() == (0,)


def test_the_key_names_database_and_athlete_but_no_password(
    database: PostgresDatabase, pg_dsn: str, pg: Any
) -> None:
    key = database.athlete_store("A").key
    assert key == f"postgres:{database.fingerprint}:A"
    assert "stridelog-test" not in key and len(database.fingerprint) == 12
    with PostgresDatabase(pg_dsn) as same:
        assert same.fingerprint == database.fingerprint
    other = pg.create_database()
    try:
        with PostgresDatabase(pg.dsn(other)) as elsewhere:
            assert elsewhere.fingerprint != database.fingerprint
    finally:
        pg.drop_database(other)
    assert database.athlete_store("B").key != key


# ---- goal races, training blocks and shoes on the server -------------------------------------------


def test_a_coach_writes_races_and_blocks_but_not_shoes(
    database: PostgresDatabase, pg_dsn: str
) -> None:
    owner = database.athlete_store("A")
    shoe = owner.add_shoe("Pegasus", "2026-03-01", 700.0, False, "typed")
    coach = database.athlete_store("A", role="coach")
    race = coach.add_race("2026-05-03", 21.1, 5400.0, "Half")
    block = coach.add_block("2026-04-20", "2026-05-03", "taper", "keep the strides")
    assert coach.update_block(block, "2026-04-19", "2026-05-03", "taper", None)
    assert owner.races()[c.RACE_ID].tolist() == [race]
    rev, shoes = owner.revision(), owner.shoes()
    for attempt in (
        lambda: coach.add_shoe("Clifton", None, None, False, "typed"),
        lambda: coach.update_shoe(shoe, "Renamed", None, 1.0, True, "typed"),
        lambda: coach.delete_shoe(shoe),
    ):
        with pytest.raises(AccessDenied, match="coach"):
            attempt()
    pd.testing.assert_frame_equal(owner.shoes(), shoes)
    assert owner.revision() == rev
    # the database itself refuses a raw write to shoes in the coach role
    with _as(pg_dsn, "A", "coach") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(
            "INSERT INTO shoes (athlete_id, shoe_id, name, retired, gear_source) "
            "VALUES ('A', 'x', 'forged', false, 'typed')"
        )


def test_a_viewer_is_refused_every_season_write_even_forged(
    database: PostgresDatabase, pg_dsn: str
) -> None:
    owner = database.athlete_store("A")
    race = owner.add_race("2026-05-03", 21.1, None, None)
    block = owner.add_block("2026-04-20", "2026-05-03", "taper", None)
    shoe = owner.add_shoe("Pegasus", None, None, False, "typed")
    before = (owner.races(), owner.blocks(), owner.shoes(), owner.revision())
    viewer = database.athlete_store("A", role="view")
    attempts = (
        lambda: viewer.add_race("2026-06-01", 10.0, None, None),
        lambda: viewer.update_race(race, "2026-06-01", 10.0, None, None),
        lambda: viewer.delete_race(race),
        lambda: viewer.add_block("2026-06-01", "2026-06-07", "base", None),
        lambda: viewer.update_block(block, "2026-06-01", "2026-06-07", "base", None),
        lambda: viewer.delete_block(block),
        lambda: viewer.add_shoe("X", None, None, False, "typed"),
        lambda: viewer.update_shoe(shoe, "X", None, None, True, "typed"),
        lambda: viewer.delete_shoe(shoe),
    )
    for attempt in attempts:
        with pytest.raises(AccessDenied, match="view"):
            attempt()
    # raw SQL in the view role, as a forged call past the store would send it
    for table, values in (
        ("goal_races", "(athlete_id, race_id, race_date, distance_km) VALUES ('A', 'r', '2026-06-01', 5)"),
        ("training_blocks", "(athlete_id, block_id, start_date, end_date, block_kind) "
         "VALUES ('A', 'b', '2026-06-01', '2026-06-02', 'base')"),
        ("shoes", "(athlete_id, shoe_id, name, retired, gear_source) VALUES ('A', 's', 'x', false, 'typed')"),
    ):  # fmt: skip
        with _as(pg_dsn, "A", "view") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(f"INSERT INTO {table} {values}")
    with _as(pg_dsn, "A", "view") as conn:
        assert conn.execute("DELETE FROM goal_races WHERE athlete_id = 'A'").rowcount == 0
        assert conn.execute("UPDATE shoes SET retired = true WHERE athlete_id = 'A'").rowcount == 0
    after = (owner.races(), owner.blocks(), owner.shoes(), owner.revision())
    for got, want in zip(after[:3], before[:3], strict=True):
        pd.testing.assert_frame_equal(got, want)
    assert after[3] == before[3]
    assert viewer.races()[c.RACE_ID].tolist() == [race]  # reading is allowed


def test_a_schema_2_database_gains_the_season_tables_and_keeps_its_rows(pg_dsn: str) -> None:
    with PostgresDatabase(pg_dsn, min_size=1, max_size=1) as db:
        db.athlete_store("A").upsert_plan(
            pd.DataFrame({c.WEEK_START: ["2026-03-02"], c.PLAN_DISTANCE_KM: [40.0]})
        )
    with psycopg.connect(pg_dsn, autocommit=True) as conn:  # as schema 2 left the database
        for table in ("goal_races", "training_blocks", "shoes"):
            conn.execute(f"DROP TABLE {table}")
        conn.execute("UPDATE store_schema SET version = 2")
    with PostgresDatabase(pg_dsn, min_size=1, max_size=1) as db:
        store = db.athlete_store("A")
        assert store.plan()[c.PLAN_DISTANCE_KM].tolist() == [40.0]
        assert store.races().empty
        store.add_race("2026-05-03", 21.1, None, None)
        assert len(store.races()) == 1
    with psycopg.connect(pg_dsn) as conn:
        assert conn.execute("SELECT version FROM store_schema").fetchall() == [(SCHEMA_VERSION,)]
        forced = conn.execute(
            "SELECT relname FROM pg_class WHERE relforcerowsecurity AND relname = ANY(%s)",
            [["goal_races", "training_blocks", "shoes"]],
        ).fetchall()
    assert sorted(forced) == [("goal_races",), ("shoes",), ("training_blocks",)]


def test_a_schema_3_database_gains_the_dynamics_columns_empty(pg_dsn: str) -> None:
    dynamics = (c.GROUND_CONTACT_TIME_MS, c.VERTICAL_OSCILLATION_MM, c.VERTICAL_RATIO_PCT,
                c.STEP_LENGTH_MM, c.STANCE_TIME_BALANCE_PCT)  # fmt: skip
    rec = prepare_activity(run_activity(), "1" * 64, 0)
    with PostgresDatabase(pg_dsn, min_size=1, max_size=1) as db:
        db.athlete_store("A").add_file("1" * 64, "run.fit", "fit", 1, [rec])
    with psycopg.connect(pg_dsn, autocommit=True) as conn:  # as a version-3 release left it
        for col in dynamics:
            conn.execute(f"ALTER TABLE samples DROP COLUMN {col}")
        conn.execute("UPDATE store_schema SET version = 3")
    with PostgresDatabase(pg_dsn, min_size=1, max_size=1) as db:
        samples = db.athlete_store("A").samples(rec.activity_id)
        assert len(samples) == 61 and samples[list(dynamics)].isna().all().all()
    with psycopg.connect(pg_dsn) as conn:
        assert conn.execute("SELECT version FROM store_schema").fetchone() == (SCHEMA_VERSION,)
