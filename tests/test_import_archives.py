"""Whole exports: Strava and Garmin zips, the same run from both, hostile archives, cancelling."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis import columns as c
from analysis.importer import (
    CANCELLED,
    DUPLICATE,
    FAILED,
    IMPORTED,
    SKIPPED,
    import_upload,
)
from analysis.store import Store
from sample_data import archives as arc


def _by_status(outcomes: list) -> dict[str, list[str]]:  # type: ignore[type-arg]
    out: dict[str, list[str]] = {}
    for o in outcomes:
        out.setdefault(o.status, []).append(o.file)
    return out


def test_strava_export_imports_and_joins_activities_csv(tmp_path: Path) -> None:
    export = arc.strava_export_zip()
    runs = arc.strava_runs()
    with Store(tmp_path / "s.duckdb") as store:
        seen: list[tuple[int, int]] = []
        outcomes = import_upload(
            store, export.name, export.data, lambda d, t, n: seen.append((d, t))
        )
        status = _by_status(outcomes)
        assert len(status[IMPORTED]) == 7  # six files + activities.csv
        assert set(status[SKIPPED]) == set(export.skipped)
        assert FAILED not in status
        acts = store.activities()
        # six runs from files, one manual entry from its summary row
        assert len(acts) == 7
        assert int(acts[c.IS_SUMMARY].sum()) == 1
        names = set(acts[c.NAME])
        assert {r.title for r in runs} <= names
        with_files = acts[~acts[c.IS_SUMMARY]]
        assert with_files[c.EXTERNAL_ID].notna().all()
        assert seen[-1][0] == seen[-1][1]  # the bar ends full
    report = next(o for o in outcomes if o.file.endswith("activities.csv"))
    assert "6 rows joined" in report.message and "1 rows without a file" in report.message


def test_same_runs_from_garmin_and_strava_count_once(tmp_path: Path) -> None:
    garmin, strava = arc.garmin_export_zip(), arc.strava_export_zip()
    with Store(tmp_path / "s.duckdb") as store:
        first = import_upload(store, garmin.name, garmin.data)
        assert store.activity_count() == 6
        second = import_upload(store, strava.name, strava.data)
        # the FIT, GPX and TCX copies from Strava are the same six runs: linked, not added;
        # only the manual entry is new
        assert store.activity_count() == 7
        assert store.activity_count(include_duplicates=True) > 7
    dupes = [o for o in second if o.status == DUPLICATE]
    assert dupes and all("duplicate of" in o.message for o in dupes)
    assert all(o.status != FAILED for o in first + second)


@pytest.mark.parametrize("hostile", arc.hostile_archives(), ids=lambda a: a.name)
def test_hostile_archives_are_refused_cleanly(tmp_path: Path, hostile: arc.Archive) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        outcomes = import_upload(store, hostile.name, hostile.data)
        failed = {o.file: o.message for o in outcomes if o.status == FAILED}
        assert failed, "a hostile archive must say what it refused"
        for name, word in zip(hostile.refused, hostile.reasons, strict=True):
            assert any(word.lower() in msg.lower() for f, msg in failed.items() if name in f), (
                name,
                word,
                failed,
            )
        imported = [o for o in outcomes if o.status == IMPORTED]
        assert store.activity_count() == sum(o.activities for o in imported)


def test_cancel_keeps_what_was_done_and_a_rerun_finishes(tmp_path: Path) -> None:
    export = arc.strava_export_zip()
    calls = {"n": 0}

    def cancel_after_two() -> bool:
        calls["n"] += 1
        return calls["n"] > 3  # activities.csv is held back, so three checks import two files

    with Store(tmp_path / "s.duckdb") as store:
        outcomes = import_upload(store, export.name, export.data, cancel=cancel_after_two)
        assert outcomes[-1].status == CANCELLED
        partial = store.activity_count()
        assert 0 < partial < 7
        import_upload(store, export.name, export.data)
        assert store.activity_count() == 7


PAIRS = [  # the same activity exported twice (device FIT, and GPX or TCX from the web service)
    ("fit/sportslib__fit_2067489619.fit", "gpx/sportslib__gpx_2067489619.gpx"),
    ("fit/sportslib__fit_3939576645.fit", "gpx/sportslib__gpx_3939576645.gpx"),
    ("fit/sportslib__fit_6688025408.fit", "tcx/sportslib__tcx_6688025408.tcx"),
    ("fit/sportslib__fit_6860712481.fit", "tcx/sportslib__tcx_6860712481.tcx"),
]


@pytest.mark.corpus
@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: p[0].split("__")[1])
@pytest.mark.parametrize("fit_first", [True, False])
def test_same_activity_as_fit_and_gpx_or_tcx_counts_once(
    pair: tuple[str, str], fit_first: bool, corpus_dir: Path, tmp_path: Path
) -> None:
    from analysis.importer import import_bytes

    order = pair if fit_first else pair[::-1]
    with Store(tmp_path / "s.duckdb") as store:
        outs = [import_bytes(store, Path(p).name, (corpus_dir / p).read_bytes()) for p in order]
        assert [o.status for o in outs].count(FAILED) == 0, outs
        counted = store.activities()
        assert len(counted) == 1, counted[[c.SOURCE_NAME, c.START_TIME_UTC, c.DISTANCE_M]]
        assert store.activity_count(include_duplicates=True) == 2
        # the richer copy counts (more channels, then more samples), whichever came first
        both = store.activities(include_duplicates=True)
        richness = {
            row[c.ACTIVITY_ID]: (row[c.CHANNELS], row[c.SAMPLES]) for _, row in both.iterrows()
        }
        kept = counted.iloc[0][c.ACTIVITY_ID]
        other = next(a for a in richness if a != kept)
        assert richness[kept] >= richness[other], richness
        assert both.set_index(c.ACTIVITY_ID).loc[other, c.DUPLICATE_OF] == kept


def test_parsing_in_worker_processes_stores_the_same(tmp_path: Path) -> None:
    from analysis.archive import iter_members
    from analysis.importer import import_items

    export = arc.strava_export_zip()
    results = []
    for workers in (0, 1):
        with Store(tmp_path / f"w{workers}.duckdb") as store:
            outcomes = import_items(
                store, iter_members(export.data, export.name), 10, workers=workers
            )
            acts = store.activities().sort_values(c.ACTIVITY_ID).reset_index(drop=True)
            results.append((sorted((o.file, o.status) for o in outcomes), acts))
    assert results[0][0] == results[1][0]
    cols = [c.ACTIVITY_ID, c.NAME, c.DISTANCE_M, c.SAMPLES, c.DUPLICATE_OF, c.RPE]
    assert results[0][1][cols].equals(results[1][1][cols])
