"""Samples read by key (DuckDB schema 8): each activity's key, given in import order and carried
by its samples, finds a run's rows without scanning the whole samples table; the frames are the
ones a read by activity id gives, an older store gains its keys once, and ``kill -9`` during
that migration leaves a store that opens and reads the same.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from analysis import columns as c
from analysis.prepare import ActivityRecord, prepare_activity
from analysis.store import Store
from analysis.store.contract import NewFile
from analysis.store.duckdb_store import SCHEMA_VERSION
from analysis.views.efficiency import SAMPLE_CHANNELS
from tests.conftest import REPO
from tests.factories import run_activity

ROW_GROUP_ROWS = 122_880
"""DuckDB's rows per row group (its default), the unit a zone map prunes."""


def _digest(i: int) -> str:
    return f"{i:06d}".ljust(64, "0")


def _record(i: int, n: int = 61, **kw: object) -> ActivityRecord:
    start = pd.Timestamp("2026-01-01T06:00:00Z") + pd.Timedelta(days=i)
    act = run_activity(name=f"run{i}.fit", start=start.isoformat(), n=n, **kw)
    if i % 3 == 1:  # some runs without heart rate or cadence: NULL columns read back as NaN
        act.samples[c.HEART_RATE_BPM] = np.nan
    if i % 3 == 2:
        act.samples[c.POWER_W] = np.linspace(200.0, 300.0, n)
    return prepare_activity(act, _digest(i), 0)


def _fill(store: Store, first: int, count: int, n: int = 61, batch: bool = True) -> list[str]:
    """``count`` runs of ``n`` samples, by the batch insert or one file at a time; their ids."""
    records = [_record(i, n) for i in range(first, first + count)]
    if batch:
        store.add_files(
            [NewFile(_digest(first + k), f"run{first + k}.fit", "fit", 1, [rec])
             for k, rec in enumerate(records)]
        )  # fmt: skip
    else:
        for k, rec in enumerate(records):
            store.add_file(_digest(first + k), f"run{first + k}.fit", "fit", 1, [rec])
    return [rec.activity_id for rec in records]


def _keys(path: Path) -> dict[str, int]:
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute("SELECT activity_id, activity_key FROM activity_keys").fetchall()
    return {str(aid): int(key) for aid, key in rows}


def _wrongly_keyed_rows(path: Path) -> int:
    """Sample rows whose key is not their activity's (NULL included)."""
    with duckdb.connect(str(path), read_only=True) as con:
        row = con.execute(
            "SELECT count(*) FROM samples s LEFT JOIN activity_keys k USING (activity_id) "
            "WHERE s.activity_key IS DISTINCT FROM k.activity_key"
        ).fetchone()
    assert row is not None
    return int(row[0])


def _as_schema_7(path: Path) -> None:
    """The store as a version-7 release left it: no keys, schema_version 7."""
    with duckdb.connect(str(path)) as con:
        con.execute("DROP TABLE activity_keys")
        con.execute("ALTER TABLE samples DROP COLUMN activity_key")
        con.execute("UPDATE meta SET value = '7' WHERE key = 'schema_version'")


def _reads(path: Path, ids: list[str]) -> dict[str, object]:
    """Everything the two sample reads give for ``ids`` (opened read-only: nothing migrates)."""
    with Store(path, read_only=True) as store:
        return {
            "keyed": store._keyed,
            "all": store.samples_of(ids),
            "page": store.samples_of(ids, SAMPLE_CHANNELS),
            "one": {aid: store.samples(aid) for aid in ids},
        }


def _same_reads(a: dict[str, object], b: dict[str, object]) -> None:
    for what in ("all", "page", "one"):
        left, right = a[what], b[what]
        assert isinstance(left, dict) and isinstance(right, dict)
        assert list(left) == list(right), what
        for aid, frame in left.items():
            pd.testing.assert_frame_equal(frame, right[aid], check_exact=True)


# ---- keys at import ------------------------------------------------------------------------


@pytest.mark.parametrize("batch", [True, False], ids=["add_files", "add_file"])
def test_each_activity_gets_the_next_key_and_its_samples_carry_it(
    tmp_path: Path, batch: bool
) -> None:
    path = tmp_path / "athlete.duckdb"
    with Store(path) as store:
        first = _fill(store, 0, 4, batch=batch)
        second = _fill(store, 4, 3, batch=batch)
    keys = _keys(path)
    assert [keys[aid] for aid in first + second] == list(range(1, 8))
    assert _wrongly_keyed_rows(path) == 0


def test_a_key_is_never_given_twice(tmp_path: Path) -> None:
    path = tmp_path / "athlete.duckdb"
    with Store(path) as store:
        _fill(store, 0, 2)
    with duckdb.connect(str(path)) as con, pytest.raises(duckdb.ConstraintException):
        con.execute("INSERT INTO activity_keys VALUES ('another', 2)")


def test_a_read_by_key_gives_the_frames_a_read_by_id_gives(tmp_path: Path) -> None:
    path = tmp_path / "athlete.duckdb"
    with Store(path) as store:
        ids = _fill(store, 0, 6) + _fill(store, 6, 3, batch=False)
        asked = [ids[5], ids[0], "not-stored", ids[7], ids[0]]
        assert store._keyed
        for columns in (c.SAMPLE_COLUMNS, SAMPLE_CHANNELS, (c.SPEED_MPS,)):
            by_key = store.samples_of(asked, columns)
            by_id = store._samples_by_id(asked, [col for col in c.SAMPLE_COLUMNS if col in columns])
            assert list(by_key) == sorted({ids[0], ids[5], ids[7]}) == list(by_id)
            for aid, frame in by_key.items():
                pd.testing.assert_frame_equal(frame, by_id[aid], check_exact=True)
        assert store.samples_of([]) == {} and store.samples_of(["not-stored"]) == {}
    with Store(path) as store:  # and after a restart, from the file
        for rec_id in ids:
            back = store.samples(rec_id)
            assert len(back) == 61 and back[c.TIMESTAMP].is_monotonic_increasing
        assert store.samples("not-stored").empty


def test_rows_stored_out_of_time_order_are_read_in_time_order(tmp_path: Path) -> None:
    path = tmp_path / "athlete.duckdb"
    with Store(path) as store:
        ids = _fill(store, 0, 3)
        want = store.samples_of(ids)
    # the middle run's rows put back newest first, after the last run's
    with duckdb.connect(str(path)) as con:
        con.execute(
            "CREATE TEMP TABLE moved AS SELECT * FROM samples WHERE activity_id = ?", [ids[1]]
        )
        con.execute("DELETE FROM samples WHERE activity_id = ?", [ids[1]])
        con.execute("INSERT INTO samples SELECT * FROM moved ORDER BY timestamp DESC")
    with Store(path) as store:
        got = store.samples_of(ids)
        assert list(got) == list(want)
        for aid in ids:
            pd.testing.assert_frame_equal(got[aid], want[aid], check_exact=True)
        pd.testing.assert_frame_equal(store.samples(ids[1]), want[ids[1]], check_exact=True)


def test_a_deleted_activity_takes_its_key_along(tmp_path: Path) -> None:
    path = tmp_path / "athlete.duckdb"
    with Store(path) as store:
        ids = _fill(store, 0, 3)
        assert store.delete_activity(ids[2])
        later = _fill(store, 3, 1)
        assert store.samples_of([ids[2]]) == {} and store.samples(ids[2]).empty
        assert len(store.samples_of(ids + later)) == 3
    keys = _keys(path)
    assert ids[2] not in keys and keys[later[0]] == 3  # the key of a deleted last run is free
    assert _wrongly_keyed_rows(path) == 0


def test_each_row_group_holds_a_narrow_range_of_keys(tmp_path: Path) -> None:
    """What makes a read by key cheap: the zone map of a row group spans only the activities
    appended into it, so a read of one run touches one or two row groups of many."""
    path = tmp_path / "athlete.duckdb"
    runs, n = 60, 7_200  # two hours at 1 s: 432,000 rows, four row groups
    with Store(path) as store:
        ids = _fill(store, 0, runs // 2, n=n) + _fill(store, runs // 2, runs // 2, n=n)
    with duckdb.connect(str(path), read_only=True) as con:
        spans = con.execute(
            "SELECT row_group_id, stats FROM pragma_storage_info('samples') "
            "WHERE column_name = 'activity_key' AND segment_type = 'BIGINT' ORDER BY row_group_id"
        ).fetchall()
        key = _keys(path)[ids[40]]
        plan = con.execute(
            "EXPLAIN ANALYZE SELECT count(*) FROM samples WHERE activity_key = ?", [key]
        ).fetchall()[0][1]
    groups = {int(row_group) for row_group, _ in spans}
    assert len(groups) == -(-runs * n // ROW_GROUP_ROWS) == 4
    per_group = ROW_GROUP_ROWS // n + 2  # whole runs in a group, and one cut at each end
    for _, stats in spans:
        assert int(stats["max"]) - int(stats["min"]) + 1 <= per_group
    assert "Row Groups Scanned: 1 / 4" in plan


# ---- schema 8 migration ----------------------------------------------------------------------


def test_a_schema_7_store_gains_keys_once_and_reads_the_same(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    with Store(path) as store:
        ids = _fill(store, 0, 5) + _fill(store, 5, 2, batch=False)
        store.delete_activity(ids[1])  # a hole in the table, as years of use leave
    _as_schema_7(path)
    before = _reads(path, ids)
    assert before["keyed"] is False  # read-only: nothing migrated, read by id
    with Store(path) as store:
        assert store.get_meta("schema_version") == str(SCHEMA_VERSION) == "8"
        revision = store.revision()
        added = _fill(store, 7, 1)
    keys = _keys(path)
    kept = [aid for aid in ids if aid != ids[1]]
    assert [keys[aid] for aid in kept] == list(range(1, 7))  # in the order they were stored
    assert keys[added[0]] == 7
    assert _wrongly_keyed_rows(path) == 0
    after = _reads(path, ids)
    assert after["keyed"] is True
    _same_reads(before, after)
    with Store(path) as store:  # once: a second open finds nothing to do
        assert store.revision() == revision + 1  # the import after the migration only
    assert _keys(path) == keys


def test_a_store_with_the_columns_but_no_keys_yet_is_keyed_on_open(tmp_path: Path) -> None:
    """What a migration killed before its commit leaves: the new table and column, empty."""
    path = tmp_path / "half.duckdb"
    with Store(path) as store:
        ids = _fill(store, 0, 4)
    before = _reads(path, ids)
    with duckdb.connect(str(path)) as con:
        con.execute("DELETE FROM activity_keys")
        con.execute("UPDATE samples SET activity_key = NULL")
    assert _reads(path, ids)["keyed"] is False
    with Store(path):
        pass
    assert _wrongly_keyed_rows(path) == 0
    _same_reads(before, _reads(path, ids))


MIGRATE = textwrap.dedent(
    """
    import sys, time
    from analysis.store import Store
    print("ready", flush=True)
    started = time.perf_counter()
    Store(sys.argv[1]).close()
    print(time.perf_counter() - started, flush=True)
    """
)


def _migrate_in_child(path: Path, kill_after_s: float | None) -> float | None:
    """Open ``path`` read-write in another process: killed ``kill_after_s`` after it starts to
    open the store (None: left to finish; the seconds the open and close took)."""
    script = path.parent / "migrate.py"
    script.write_text(MIGRATE)
    proc = subprocess.Popen(
        [sys.executable, str(script), str(path)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    if kill_after_s is None:
        took = float(proc.stdout.readline())
        assert proc.wait(timeout=60) == 0
        return took
    time.sleep(kill_after_s)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    return None


def test_kill_9_during_the_migration_leaves_a_store_that_opens_and_reads_the_same(
    tmp_path: Path,
) -> None:
    old = tmp_path / "old.duckdb"
    with Store(old) as store:  # 600,000 samples: the migration takes a moment
        ids = _fill(store, 0, 50, n=12_000)
    _as_schema_7(old)
    before = _reads(old, ids[::7])
    trial = tmp_path / "trial.duckdb"
    shutil.copy(old, trial)
    took = _migrate_in_child(trial, None)
    assert took is not None
    killed_before_the_commit = 0
    for fraction in (0.02, 0.1, 0.25, 0.5, 0.75, 0.9):
        store_path = tmp_path / f"killed-{fraction}.duckdb"
        shutil.copy(old, store_path)
        _migrate_in_child(store_path, took * fraction)
        with duckdb.connect(str(store_path), read_only=True) as con:
            has_keys = con.execute(
                "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'activity_keys'"
            ).fetchone()
            if has_keys == (1,):
                keyed = con.execute("SELECT count(*) FROM activity_keys").fetchone()
                killed_before_the_commit += keyed == (0,)
            else:
                killed_before_the_commit += 1
        with Store(store_path) as store:  # opens (and migrates, if the kill came first)
            assert store.activity_count() == 50
            assert store.get_meta("schema_version") == str(SCHEMA_VERSION)
        assert _wrongly_keyed_rows(store_path) == 0
        _same_reads(before, _reads(store_path, ids[::7]))
    assert killed_before_the_commit >= 1, "some kill landed inside the migration"
