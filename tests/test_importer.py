"""A batch with bad files: each named with its reason, the rest imported, the store untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis import columns as c
from analysis.archive import Member
from analysis.importer import (
    ALREADY,
    FAILED,
    IMPORTED,
    SKIPPED,
    import_bytes,
    import_items,
    import_paths,
)
from analysis.store import Store
from tests.gpx_builder import gpx_bytes


def test_bad_files_are_named_and_the_rest_imports(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        before = import_bytes(store, "monday.gpx", gpx_bytes(start="2026-05-04T06:00:00Z"))
        assert before.status == IMPORTED
        rev = store.revision()
        batch = [
            ("empty.fit", b""),
            ("junk.fit", b"\x00\x01 this is not a watch file \xff" * 10),
            ("cut.gpx", gpx_bytes(start="2026-05-05T06:00:00Z")[:700]),
            ("tuesday.gpx", gpx_bytes(start="2026-05-05T06:00:00Z")),
            ("notime.gpx", gpx_bytes().replace(b"<time>", b"<x>").replace(b"</time>", b"</x>")),
        ]
        seen: list[tuple[int, int, str]] = []
        members = [Member(name, data) for name, data in batch]
        outcomes = import_items(store, members, len(batch), lambda d, t, n: seen.append((d, t, n)))
        by_file = {o.file: o for o in outcomes}
        assert [s[:2] for s in seen] == [(i, 5) for i in range(1, 6)]
        assert by_file["tuesday.gpx"].status == IMPORTED
        for bad in ("empty.fit", "junk.fit", "cut.gpx", "notime.gpx"):
            assert by_file[bad].status == FAILED, bad
            assert by_file[bad].message, bad
        assert by_file["empty.fit"].message == "empty file"
        assert "timestamps" in by_file["notime.gpx"].message
        assert store.revision() == rev + 1  # only the good file wrote
        assert store.activity_count() == 2
        assert by_file["tuesday.gpx"].timezone_source == c.TZ_SOURCE_GPS


def test_reupload_under_another_name_adds_nothing(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        data = gpx_bytes()
        assert import_bytes(store, "a.gpx", data).status == IMPORTED
        again = import_bytes(store, "copy of a.gpx", data)
        assert again.status == ALREADY
        assert store.activity_count() == 1


def test_import_paths_walks_folders_and_reports_unreadable(tmp_path: Path) -> None:
    folder = tmp_path / "runs"
    (folder / "2026").mkdir(parents=True)
    (folder / "2026" / "a.gpx").write_bytes(gpx_bytes(start="2026-05-04T06:00:00Z"))
    (folder / "b.gpx").write_bytes(gpx_bytes(start="2026-05-06T06:00:00Z"))
    (folder / "notes.txt").write_text("not an activity")
    with Store(tmp_path / "s.duckdb") as store:
        outcomes = import_paths(store, [folder, tmp_path / "missing.fit"])
        assert store.activity_count() == 2
    got = {o.file: o.status for o in outcomes}
    assert got == {
        "missing.fit": FAILED,
        "2026/a.gpx": IMPORTED,
        "b.gpx": IMPORTED,
        "notes.txt": SKIPPED,  # not an activity: named, not an error
    }
    assert next(o for o in outcomes if o.file == "missing.fit").message.startswith("cannot read")


@pytest.mark.parametrize("wrapper", ["gz"])
def test_gzipped_files_are_read(tmp_path: Path, wrapper: str) -> None:
    import gzip

    with Store(tmp_path / "s.duckdb") as store:
        out = import_bytes(store, "run.gpx.gz", gzip.compress(gpx_bytes()))
    assert out.status == IMPORTED, out.message
    assert out.format == "gpx"


def test_wellness_and_plan_csvs_are_routed_to_their_tables(tmp_path: Path) -> None:
    wellness = (
        b"date,resting_hr_bpm,hrv_rmssd_ms,sleep_h\n2026-05-04,49,62.5,7.5\n2026-05-05,52,55,6\n"
    )
    plan = b"week_start,distance_km,duration_h,long_run_km,load\n2026-05-04,40,4,16,40\n"
    with Store(tmp_path / "s.duckdb") as store:
        w = import_bytes(store, "wellness.csv", wellness)
        p = import_bytes(store, "my plan.csv", plan)
        assert (w.status, w.message) == (IMPORTED, "wellness log: 2 days")
        assert (p.status, p.message) == (IMPORTED, "training plan: 1 week")
        assert store.wellness()[c.RESTING_HR_BPM].tolist() == [49.0, 52.0]
        assert store.plan()[c.PLAN_LONG_RUN_KM].tolist() == [16.0]
        assert store.activity_count() == 0
