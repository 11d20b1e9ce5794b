"""Best efforts stored at import, on both engines: round trip, deletion with the activity,
duplicates left out, the backfill of a store from before efforts were stored, and (PostgreSQL)
no athlete reads another's rows.

The ``open_store`` fixture of tests/test_store.py runs each test on DuckDB and PostgreSQL.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import columns as c
from analysis.metrics import efforts as e
from analysis.parsers.base import ParsedActivity
from analysis.prepare import prepare_activity
from analysis.settings import AthleteSettings
from analysis.store.contract import BEST_EFFORT_COLUMNS, EFFORT_CURVE_COLUMNS, EFFORTS_MEASURED
from analysis.views.efforts import backfill_efforts, efforts_data
from tests import test_store
from tests.factories import run_activity, summary_activity
from tests.test_store import OpenStore

open_store = test_store.open_store  # the fixture: every test here runs on both engines

H1, H2, H3 = "1" * 64, "2" * 64, "3" * 64


def _run(
    start: str = "2026-03-02T07:00:00Z", speed: float = 3.0, n: int = 400, **kw: object
) -> ParsedActivity:
    """A steady run: ``(n - 1) × 10 s`` at ``speed`` m/s (400 samples at 3 m/s: 11 970 m)."""
    return run_activity(start=start, n=n, speed_mps=speed, **kw)


def test_efforts_and_curve_round_trip(open_store: OpenStore) -> None:
    rec = prepare_activity(_run(), H1, 0)
    assert list(rec.efforts[c.DISTANCE_M]) == [400.0, 1000.0, e.METRES_PER_MILE, 5000.0, 10_000.0]
    with open_store() as store:
        store.add_file(H1, "run.fit", "fit", 1, [rec])
        got = store.best_efforts()
        curve = store.effort_curves()
    assert tuple(got.columns) == BEST_EFFORT_COLUMNS
    assert tuple(curve.columns) == EFFORT_CURVE_COLUMNS
    assert set(got[c.ACTIVITY_ID]) == {rec.activity_id}
    assert (got[c.LOCAL_DATE] == pd.Timestamp("2026-03-02")).all()
    for col in (c.DISTANCE_M, c.TIME_S, c.PACE_S_PER_KM, e.START_ELAPSED_S):
        np.testing.assert_allclose(got[col], rec.efforts[col])
    # 1 km at 3 m/s: 333.3 s, 333.3 s/km
    assert got.set_index(c.DISTANCE_M).loc[1000.0, c.TIME_S] == pytest.approx(1000 / 3)
    for col in (c.DURATION_S, c.DISTANCE_M, c.SPEED_MPS, c.PACE_S_PER_KM, e.START_ELAPSED_S):
        np.testing.assert_allclose(curve[col], rec.curve[col])
    assert got[c.ACTIVITY_ID].dtype == "str" and got[c.LOCAL_DATE].dtype == "datetime64[us]"


def test_only_the_sport_asked_for_is_read(open_store: OpenStore) -> None:
    ride = prepare_activity(_run(start="2026-03-03T07:00:00Z", sport="cycling"), H2, 0)
    run = prepare_activity(_run(), H1, 0)
    with open_store() as store:
        store.add_file(H1, "run.fit", "fit", 1, [run])
        store.add_file(H2, "ride.fit", "fit", 1, [ride])
        assert set(store.best_efforts()[c.ACTIVITY_ID]) == {run.activity_id}
        assert set(store.best_efforts(sport=None)[c.ACTIVITY_ID]) == {
            run.activity_id,
            ride.activity_id,
        }
        assert set(store.effort_curves("cycling")[c.ACTIVITY_ID]) == {ride.activity_id}
        # oldest run first
        assert list(dict.fromkeys(store.best_efforts(None)[c.ACTIVITY_ID])) == [
            run.activity_id,
            ride.activity_id,
        ]


def test_rows_are_deleted_with_the_activity(open_store: OpenStore) -> None:
    keep = prepare_activity(_run(start="2026-03-04T07:00:00Z"), H2, 0)
    gone = prepare_activity(_run(), H1, 0)
    with open_store() as store:
        store.add_file(H1, "gone.fit", "fit", 1, [gone])
        store.add_file(H2, "keep.fit", "fit", 1, [keep])
        assert store.delete_activity(gone.activity_id)
        assert set(store.best_efforts()[c.ACTIVITY_ID]) == {keep.activity_id}
        assert set(store.effort_curves()[c.ACTIVITY_ID]) == {keep.activity_id}
        assert store.delete_activity(keep.activity_id)
        # nothing left behind for an activity id reused by a re-import of the same file
        store.add_file(H1, "gone.fit", "fit", 1, [gone])
        assert len(store.best_efforts()) == len(gone.efforts)
        assert len(store.effort_curves()) == len(gone.curve)


def test_duplicates_are_left_out_and_the_heir_brings_its_own(open_store: OpenStore) -> None:
    fast = prepare_activity(_run(speed=3.5, n=343), H1, 0)  # 11 970 m in 3 420 s, richer
    slow = prepare_activity(_run(speed=3.0, hr_bpm=None), H2, 0)  # the same run, fewer channels
    with open_store() as store:
        store.add_file(H1, "watch.fit", "fit", 1, [fast])
        store.add_file(H2, "phone.gpx", "gpx", 1, [slow])
        assert store.activity(slow.activity_id)[c.DUPLICATE_OF] == fast.activity_id
        assert set(store.best_efforts()[c.ACTIVITY_ID]) == {fast.activity_id}
        assert set(store.effort_curves()[c.ACTIVITY_ID]) == {fast.activity_id}
        store.delete_activity(fast.activity_id)
        got = store.best_efforts()
    assert set(got[c.ACTIVITY_ID]) == {slow.activity_id}
    assert got.set_index(c.DISTANCE_M).loc[1000.0, c.TIME_S] == pytest.approx(1000 / 3)


def _forget_efforts(store: object) -> None:
    """Make a store look as if it was filled before efforts were stored."""
    from analysis.store import Store

    if isinstance(store, Store):
        cur = store.cursor()
        for table in ("best_efforts", "effort_curves"):
            cur.execute(f"DELETE FROM {table}")
        cur.execute("DELETE FROM meta WHERE key = ?", [EFFORTS_MEASURED])
        return
    with store._db._session(store.athlete_id, "owner") as cur:  # type: ignore[attr-defined]
        for table in ("best_efforts", "effort_curves"):
            cur.execute(f"DELETE FROM {table} WHERE athlete_id = %s", [store.athlete_id])  # type: ignore[attr-defined]
        cur.execute(
            "DELETE FROM meta WHERE athlete_id = %s AND key = %s",
            [store.athlete_id, EFFORTS_MEASURED],  # type: ignore[attr-defined]
        )


def test_backfill_measures_activities_stored_before(open_store: OpenStore) -> None:
    runs = [
        prepare_activity(_run(start=f"2026-03-{d:02d}T07:00:00Z", speed=3.0 + d / 10), h, 0)
        for d, h in ((2, H1), (4, H2))
    ]
    hr_only = run_activity(start="2026-03-06T07:00:00Z")
    hr_only.samples = hr_only.samples.assign(**{c.DISTANCE_M: np.nan})
    treadmill = prepare_activity(hr_only, H3, 0)
    row = prepare_activity(summary_activity("2026-03-08T07:00:00Z", 5000.0, 1500.0), "4" * 64, 0)
    with open_store(f"backfill-{uuid.uuid4().hex}") as store:
        for rec in [*runs, treadmill, row]:
            store.add_file(rec.summary[c.FILE_HASH], "x", "fit", 1, [rec])
        want_efforts, want_curves = store.best_efforts(), store.effort_curves()
        assert store.activities_without_efforts() == []  # measured at import
        _forget_efforts(store)
        assert store.best_efforts().empty
        # samples but no rows: both runs and the treadmill run; a summary row has no samples
        assert store.activities_without_efforts() == [
            runs[0].activity_id,
            runs[1].activity_id,
            treadmill.activity_id,
        ]
        # someone who may not write sees the runs measured from their samples meanwhile
        seen = efforts_data(store, AthleteSettings())
        assert seen["measured_now"] == 2 and seen["runs_measured"] == 2
        calls: list[tuple[int, int]] = []
        revision = store.revision()
        assert backfill_efforts(store, lambda done, total: calls.append((done, total)), 2) == 3
        assert calls == [(2, 3), (3, 3)]
        assert store.revision() == revision + 2  # one transaction per batch
        pd.testing.assert_frame_equal(store.best_efforts(), want_efforts)
        pd.testing.assert_frame_equal(store.effort_curves(), want_curves)
        # measured: the treadmill run without a distance stream is not read again
        assert store.get_meta(EFFORTS_MEASURED) == "1"
        assert store.activities_without_efforts() == []
        assert backfill_efforts(store) == 0 and store.revision() == revision + 2
        assert efforts_data(store, AthleteSettings())["measured_now"] == 0


def test_a_store_without_activities_needs_no_backfill(open_store: OpenStore) -> None:
    with open_store(f"empty-{uuid.uuid4().hex}") as store:
        assert store.activities_without_efforts() == []
        assert backfill_efforts(store) == 0
        assert store.get_meta(EFFORTS_MEASURED) == "1"


def test_stored_rows_of_an_activity_deleted_meanwhile_are_dropped(open_store: OpenStore) -> None:
    rec = prepare_activity(_run(), H1, 0)
    with open_store() as store:
        store.add_file(H1, "run.fit", "fit", 1, [rec])
        assert store.store_efforts([("deleted-meanwhile", rec.efforts, rec.curve)]) == 0
        assert set(store.best_efforts(None)[c.ACTIVITY_ID]) == {rec.activity_id}
        # replacing an activity's rows does not add to them
        assert store.store_efforts([(rec.activity_id, rec.efforts, rec.curve)]) == 1
        assert len(store.best_efforts()) == len(rec.efforts)


def test_an_old_duckdb_file_gets_the_tables_and_stays_unmeasured(tmp_path: Path) -> None:
    """A schema-4 file with runs opens as the current schema with empty effort tables, to be
    backfilled."""
    import duckdb

    from analysis.store import Store
    from analysis.store.duckdb_store import SCHEMA_VERSION

    rec = prepare_activity(_run(), H1, 0)
    path = tmp_path / "old.duckdb"
    with Store(path) as store:
        store.add_file(H1, "run.fit", "fit", 1, [rec])
    con = duckdb.connect(str(path))
    con.execute("DROP TABLE best_efforts")
    con.execute("DROP TABLE effort_curves")
    con.execute(f"DELETE FROM meta WHERE key = '{EFFORTS_MEASURED}'")
    con.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    con.close()
    with Store(path) as store:
        assert store.get_meta("schema_version") == str(SCHEMA_VERSION)
        assert store.best_efforts().empty
        assert store.activities_without_efforts() == [rec.activity_id]
        assert backfill_efforts(store) == 1
        assert len(store.best_efforts()) == len(rec.efforts)


def test_another_athlete_sees_none_of_the_effort_rows(pg_dsn: str) -> None:
    from analysis.errors import AccessDenied
    from analysis.store.postgres_store import PostgresDatabase

    rec = prepare_activity(_run(), H1, 0)
    with PostgresDatabase(pg_dsn, min_size=1, max_size=2) as db:
        owner = db.athlete_store("A")
        owner.add_file(H1, "run.fit", "fit", 1, [rec])
        assert len(owner.best_efforts()) == len(rec.efforts)
        other = db.athlete_store("B")
        assert other.best_efforts(None).empty and other.effort_curves(None).empty
        # a coach reads them; a coach or a viewer cannot write them
        coach = db.athlete_store("A", role="coach")
        pd.testing.assert_frame_equal(coach.best_efforts(), owner.best_efforts())
        for role in ("coach", "view"):
            with pytest.raises(AccessDenied):
                db.athlete_store("A", role=role).store_efforts(
                    [(rec.activity_id, rec.efforts, rec.curve)], complete=True
                )
        # raw SQL for A while acting for B sees nothing and writes nothing
        with db._session("B", "owner") as cur:
            for table in ("best_efforts", "effort_curves"):
                cur.execute(f"SELECT count(*) FROM {table}")
                assert cur.fetchone() == (0,)
        import psycopg

        with pytest.raises(psycopg.errors.InsufficientPrivilege), db._session("B", "owner") as cur:
            cur.execute(
                "INSERT INTO best_efforts (athlete_id, activity_id, distance_m, time_s) "
                "VALUES ('A', %s, 400, 1)",
                [rec.activity_id],
            )
        assert len(owner.best_efforts()) == len(rec.efforts)
