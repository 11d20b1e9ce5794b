"""Many files in one transaction (``add_files``): the same rows, links and results as storing the
same files one by one with ``add_file``, and all or nothing for the whole batch. On both engines
(the ``open_store`` fixture of tests/test_store.py), but for the fault injected into DuckDB's."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis import columns as c
from analysis.prepare import ActivityRecord, prepare_activity
from analysis.store import AthleteStore, Store
from analysis.store.contract import BatchStore, NewFile
from tests import test_store
from tests.factories import run_activity, summary_activity
from tests.test_store import OpenStore

H = [str(i) * 64 for i in range(1, 8)]

open_store = test_store.open_store  # the fixture: DuckDB and PostgreSQL


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
    # laps as the FIT parser gives them (a lap without a duration), and a file's with no distance
    run.laps = pd.DataFrame(
        {
            c.LAP_START: pd.to_datetime(["2026-03-02T07:00:00Z", "2026-03-02T07:05:00Z"]),
            c.DURATION_S: [300.0, None],
            c.DISTANCE_M: [900.0, 900.0],
        }
    )
    late.laps = pd.DataFrame({c.LAP_START: pd.to_datetime(["2026-03-02T23:30:00Z"]),
                              c.DURATION_S: [600.0]})  # fmt: skip

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


def _state(store: AthleteStore) -> dict[str, object]:
    """What the store holds, read through the contract (so the same on both engines)."""
    acts = store.activities(include_duplicates=True).sort_values(c.ACTIVITY_ID)
    ids = list(acts[c.ACTIVITY_ID])
    links = [
        (row[c.ACTIVITY_ID], row[c.DUPLICATE_OF], row[c.SAMPLES], str(row[c.LOCAL_DATE]))
        for _, row in acts.iterrows()
    ]
    samples = {
        aid: (len(f), int(f[c.HEART_RATE_BPM].notna().sum()), int(f[c.POWER_W].notna().sum()),
              float(f[c.DISTANCE_M].sum()), str(f[c.TIMESTAMP].min()), str(f[c.TIMESTAMP].max()))
        for aid, f in store.samples_of(ids).items()
    }  # fmt: skip
    laps = {aid: store.laps(aid).astype(str).to_dict("list") for aid in ids}
    return {
        "files": sorted(store.files()[c.FILE_HASH]),
        "links": links,
        "samples": samples,
        "laps": laps,
        "hr": store.hr_histogram().to_dict("list"),
        "cadence": store.cadence_histogram().to_dict("list"),
        "efforts": len(store.best_efforts(None)),
        "curves": len(store.effort_curves(None)),
    }


def test_a_batch_stores_what_one_file_at_a_time_stores(open_store: OpenStore) -> None:
    files = _files()
    with open_store("one") as one, open_store("batch") as batch:
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
        assert _state(batch)["efforts"] > 0
        assert (
            len(batch.laps(run_id)) == 2 and len(batch.laps(files[5].records[0].activity_id)) == 1
        )


def test_a_batch_links_to_runs_stored_before_it(open_store: OpenStore) -> None:
    files = _files()
    with open_store("one") as one, open_store("batch") as batch:
        assert isinstance(batch, BatchStore)
        for f in files:
            one.add_file(f.file_hash, f.file_name, f.fmt, 1, f.records)
        # the summary rows first, then the rest in a batch: the watch's file relinks stored rows
        revision = batch.revision()
        batch.add_files(files[:1])
        batch.add_files(files[1:])
        assert batch.revision() == revision + 2  # one write per batch
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
        assert store.activity_count(include_duplicates=True) == 0
        assert store.files().empty
        cur = store.cursor()
        for table in ("samples", "hr_histogram", "cadence_histogram", "laps", "best_efforts",
                      "effort_curves"):  # fmt: skip
            assert cur.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,), table
