"""Every failure is per file: whatever one file causes, it fails alone and the batch goes on."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from analysis import importer
from analysis.archive import Member, Refusal
from analysis.errors import StoreError
from analysis.importer import (
    FAILED,
    IMPORTED,
    WORKER_DIED,
    Prepared,
    import_items,
    import_paths,
    prepare_file,
)
from analysis.store import Store
from analysis.store.contract import NewFile
from sample_data.archives import strava_export_zip
from sample_data.fit_encoder import encode_activity
from tests.factories import run_samples
from tests.gpx_builder import gpx_bytes

WELLNESS_1600 = b"date,resting_hr_bpm,notes\n2026-05-04,48,fine\n1600-05-05,49,typo\n"
PLAN_2999 = b"week_start,distance_km\n2026-05-04,40\n2999-05-11,42\n"


def _fit(start: str = "2026-05-04T06:00:00Z") -> bytes:
    return encode_activity(run_samples(start=start, n=120, step_s=5.0), utc_offset_s=7200)


def _batch(folder: Path) -> list[Path]:
    files = {
        "good.fit": _fit(),
        "wellness-with-year-1600.csv": WELLNESS_1600,
        "plan-with-2999.csv": PLAN_2999,
        "good.gpx": gpx_bytes(start="2026-05-06T06:00:00Z", n=121, step_s=5),
    }
    paths = []
    for name, data in files.items():
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    return paths


def test_bad_dates_in_wellness_and_plan_files_fail_those_files_only(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        outcomes = import_paths(store, _batch(tmp_path))
        by_file = {o.file: o for o in outcomes}
        assert [o.file for o in outcomes] == [
            "good.fit",
            "wellness-with-year-1600.csv",
            "plan-with-2999.csv",
            "good.gpx",
        ]
        assert by_file["good.fit"].status == IMPORTED
        assert by_file["good.gpx"].status == IMPORTED
        assert by_file["wellness-with-year-1600.csv"].status == FAILED
        assert by_file["wellness-with-year-1600.csv"].message == (
            "the date '1600-05-05' on line 3 is outside the supported range (1678–2261)"
        )
        assert by_file["plan-with-2999.csv"].status == FAILED
        assert by_file["plan-with-2999.csv"].message == (
            "the date '2999-05-11' on line 3 is outside the supported range (1678–2261)"
        )
        assert len(store.activities()) == 2
        assert store.wellness().empty and store.plan().empty  # nothing half-written


def _members(names: list[str], first_day: int = 1) -> list[Member]:
    """One short run a day from ``first_day`` of May 2026, each file different."""
    return [
        Member(name, gpx_bytes(start=f"2026-05-{day:02d}T06:00:00Z", n=61, step_s=5))
        for day, name in enumerate(names, start=first_day)
    ]


def test_a_parser_bug_in_a_log_fails_that_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from analysis.parsers import wellness

    def broken(data: bytes, name: str) -> object:
        raise MemoryError("a log too big to hold")

    monkeypatch.setattr(wellness, "read_wellness_csv", broken)
    items = [*_members(["a.gpx"]), Member("log.csv", WELLNESS_1600), *_members(["b.gpx"], 2)]
    with Store(tmp_path / "s.duckdb") as store:
        outcomes = import_items(store, items, 3, workers=0)
        assert [(o.file, o.status) for o in outcomes] == [
            ("a.gpx", IMPORTED),
            ("log.csv", FAILED),
            ("b.gpx", IMPORTED),
        ]
        assert outcomes[1].message == "could not read the file (MemoryError: a log too big to hold)"


def test_a_file_the_store_refuses_fails_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        add_file = store.add_file

        def picky(digest: str, name: str, *args: object, **kw: object) -> object:
            if name == "b.gpx":
                raise ValueError("Conversion Error: value out of range")
            return add_file(digest, name, *args, **kw)

        add_files = store.add_files

        def picky_batch(files: list[NewFile]) -> object:
            # the batch's one transaction is refused as a whole: the importer finds the file
            if any(f.file_name == "b.gpx" for f in files):
                raise ValueError("Conversion Error: value out of range")
            return add_files(files)

        monkeypatch.setattr(store, "add_file", picky)
        monkeypatch.setattr(store, "add_files", picky_batch)
        outcomes = import_items(store, _members(["a.gpx", "b.gpx", "c.gpx"]), 3, workers=0)
        assert [o.status for o in outcomes] == [IMPORTED, FAILED, IMPORTED]
        assert outcomes[1].file == "b.gpx"
        assert outcomes[1].message == (
            "could not read the file (ValueError: Conversion Error: value out of range)"
        )
        assert len(store.activities()) == 2


def test_a_store_fault_stops_the_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Store(tmp_path / "s.duckdb") as store:

        def full(*args: object, **kw: object) -> object:
            raise StoreError("disk_full", "s.duckdb", "The disk is full.")

        monkeypatch.setattr(store, "add_file", full)
        monkeypatch.setattr(store, "add_files", full)
        with pytest.raises(StoreError):
            import_items(store, _members(["a.gpx", "b.gpx"]), 2, workers=0)


def test_a_strava_index_that_cannot_be_joined_fails_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export = strava_export_zip()
    with Store(tmp_path / "s.duckdb") as store:

        def broken(updates: object) -> None:
            raise KeyError("gear")

        monkeypatch.setattr(store, "apply_export_metadata", broken)
        outcomes = importer.import_upload(store, export.name, export.data, workers=0)
        index = [o for o in outcomes if o.file.endswith("activities.csv")]
        assert [(o.status, o.message) for o in index] == [
            (FAILED, "could not read the file (KeyError: 'gear')")
        ]
        assert sum(o.status == IMPORTED for o in outcomes) == 6  # every activity file
        assert len(store.activities()) == 6


def test_an_archive_reader_that_trips_keeps_what_was_read(tmp_path: Path) -> None:
    def reader() -> Iterator[Member | Refusal]:
        yield from _members(["a.gpx"])
        raise OSError("Input/output error")

    with Store(tmp_path / "s.duckdb") as store:
        outcomes = import_items(store, reader(), 2, upload_name="export.zip", workers=0)
        assert [(o.file, o.status) for o in outcomes] == [
            ("a.gpx", IMPORTED),
            ("export.zip", FAILED),
        ]
        assert outcomes[1].message == "stopped reading the rest (OSError: Input/output error)"
        assert len(store.activities()) == 1


def dying_prepare(name: str, data: bytes, digest: str | None = None) -> Prepared:
    """prepare_file, except that the process reading ``killer.gpx`` dies (as out of memory)."""
    if name == "killer.gpx":
        os._exit(137)
    return prepare_file(name, data, digest)


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="the worker process needs two cores")
def test_a_worker_that_dies_fails_its_file_and_the_rest_is_read_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "prepare_file", dying_prepare)
    names = ["a.gpx", "killer.gpx", "b.gpx", "c.gpx", "d.gpx", "e.gpx"]
    with Store(tmp_path / "s.duckdb") as store:
        outcomes = import_items(store, _members(names), len(names), workers=1)
        assert [(o.file, o.status) for o in outcomes] == [
            (name, FAILED if name == "killer.gpx" else IMPORTED) for name in names
        ]
        assert outcomes[1].message == WORKER_DIED
        assert len(store.activities()) == 5
