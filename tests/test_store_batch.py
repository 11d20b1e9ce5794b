"""Many files in one transaction (``add_files``): the same rows, links and results as storing the
same files one by one with ``add_file``, and all or nothing for the whole batch."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis import columns as c
from analysis.prepare import ActivityRecord, prepare_activity
from analysis.store import Store
from analysis.store.contract import BatchStore, NewFile
from tests.factories import run_activity, summary_activity

H = [str(i) * 64 for i in range(1, 8)]


def _files() -> list[NewFile]:
    """Files whose runs link in every way the store knows, some of them within the batch.

    - H1: Strava's summary row of the 07:00 run (40 s and 10 m off) and a run the next day;
    - H2: the watch's file of the 07:00 run: richer, so it counts and the summary row links to it;
    - H3: a summary row 5 km long at the same start: a different run;
    - H4: a Garmin row with only the local start (08:00 in Berlin) of the 07:00 run: poorer, a
      copy of the watch's run;
    - H2 again (the same bytes a second time): nothing added;
    - H5: the run at 23:30 UTC, on its own.
    """
    summary = prepare_activity(summary_activity("2026-03-02T07:00:40Z", 1810.0, 600.0), H[0], 0)
    other_day = prepare_activity(summary_activity("2026-03-03T07:00:00Z", 1800.0, 600.0), H[0], 1)
    run = prepare_activity(run_activity(), H[1], 0)
    longer = prepare_activity(summary_activity("2026-03-02T07:00:00Z", 5000.0, 1500.0), H[2], 0)
    row = summary_activity("2026-03-02T08:00:00Z", 1800.0, 600.0)
    row.start_time_local = pd.Timestamp("2026-03-02 08:00:00")
    garmin = prepare_activity(row, H[3], 0)
    late = prepare_activity(run_activity(start="2026-03-02T23:30:00Z"), H[4], 0)

    def new(digest: str, name: str, fmt: str, records: list[ActivityRecord]) -> NewFile:
        return NewFile(digest, name, fmt, 1, records)

    return [
        new(H[0], "activities.csv", "csv", [summary, other_day]),
        new(H[1], "run.fit", "fit", [run]),
        new(H[2], "long.csv", "csv", [longer]),
        new(H[3], "Activities.csv", "csv", [garmin]),
        new(H[1], "run copy.fit", "fit", [run]),
        new(H[4], "late.fit", "fit", [late]),
    ]


def _state(store: Store) -> dict[str, object]:
    cur = store.cursor()
    tables = {
        table: cur.execute(f"SELECT count(*) FROM {table}").fetchone()
        for table in ("files", "samples", "hr_histogram", "cadence_histogram", "laps",
                      "best_efforts", "effort_curves")
    }  # fmt: skip
    links = cur.execute(
        "SELECT activity_id, duplicate_of, samples, local_date, start_time_utc, is_summary "
        "FROM activities ORDER BY activity_id"
    ).fetchall()
    samples = cur.execute(
        "SELECT activity_id, count(*), count(heart_rate_bpm), count(power_w), sum(distance_m), "
        "min(timestamp), max(timestamp) FROM samples GROUP BY activity_id ORDER BY activity_id"
    ).fetchall()
    return {"tables": tables, "links": links, "samples": samples}


def test_a_batch_stores_what_one_file_at_a_time_stores(tmp_path: Path) -> None:
    files = _files()
    with Store(tmp_path / "one.duckdb") as one, Store(tmp_path / "batch.duckdb") as batch:
        assert isinstance(batch, BatchStore)
        singly = [one.add_file(f.file_hash, f.file_name, f.fmt, 1, f.records) for f in files]
        together = batch.add_files(files)
        assert together == singly
        assert _state(batch) == _state(one)
        # the runs the test names: the watch's file counts, its copies point at it
        run_id = files[1].records[0].activity_id
        assert together[1].duplicates == ((files[0].records[0].activity_id, run_id),)
        assert together[3].duplicates == ((files[3].records[0].activity_id, run_id),)
        assert not together[4].new
        assert batch.activity_count() == 4  # the run, the next day's, the 5 km one, the late one
        # NaN channel values are NULL, as in a one-file insert: no power was recorded
        assert batch.samples(run_id)[c.POWER_W].isna().all()


def test_a_batch_links_to_runs_stored_before_it(tmp_path: Path) -> None:
    files = _files()
    with Store(tmp_path / "one.duckdb") as one, Store(tmp_path / "batch.duckdb") as batch:
        for f in files:
            one.add_file(f.file_hash, f.file_name, f.fmt, 1, f.records)
        # the summary rows first, then the rest in a batch: the watch's file relinks stored rows
        batch.add_files(files[:1])
        batch.add_files(files[1:])
        assert _state(batch) == _state(one)
        again = batch.add_files(files)
        assert [r.new for r in again] == [False] * len(files)


def test_a_refused_batch_stores_none_of_its_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _files()
    with Store(tmp_path / "batch.duckdb") as store:
        revision = store.revision()

        append = store._append_arrow

        def broken(cur: object, table: str, rows: object) -> None:
            if table == "effort_curves":  # the last insert of the batch
                raise ValueError("Conversion Error: value out of range")
            append(cur, table, rows)  # type: ignore[arg-type]

        monkeypatch.setattr(store, "_append_arrow", broken)
        with pytest.raises(ValueError):
            store.add_files(files)
        assert store.revision() == revision
        assert _state(store)["tables"] == {
            table: (0,)
            for table in ("files", "samples", "hr_histogram", "cadence_histogram", "laps",
                          "best_efforts", "effort_curves")
        }  # fmt: skip
        assert store.activity_count(include_duplicates=True) == 0
