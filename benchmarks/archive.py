"""The five-year archive benchmark: prints figures, asserts nothing.

Usage: ``python -m benchmarks.archive [--runs N] [--seed S] [--cache-dir DIR] [--keep-store DIR]``

In one run, on the Strava-style export of :mod:`sample_data.five_years` (about 1,500 runs and
5 million samples by default):

1. **Generation**: the time to build the archive, or a note that the one cached under
   ``--cache-dir`` (default ``build/`` in the repository, git-ignored) was reused.
2. **Import**: the whole zip into a fresh store (parse, dedupe, store) through the importer's
   ``import_upload``, or, where it does not exist, ``iter_members`` and ``import_bytes`` per
   member. In a child process, so its peak memory is the import's alone: wall time, runs/s,
   samples/s and peak RSS (``VmHWM`` of ``/proc/self/status``, else ``ru_maxrss``).
3. **fitparse alone**: ``fitparse.FitFile(...).get_messages("record")`` fully iterated over a
   random sample of the same FIT files (decompressed beforehand), extrapolated to every file by
   their decompressed size, and its ratio to the import's wall time.
4. **After the import**: each page's data preparation (:mod:`analysis.dashboard`) with the five
   years stored, the first call and the median of three [ms], and the peak RSS of a second
   child process that does only that.
5. **Steps and floor**: the import's steps (read and hash, decode, build the frames, prepare,
   store, join the Strava index) one after another in a child process, each timed, their share,
   and the floor measured in the same run (zip + gunzip + hash, the FIT decode, one bulk insert
   of every sample from Arrow), with each step's and the whole import's ratio to it.
6. **Scale** (``--scale``): the import of 1, 2, 5 and 10 years (300, 600, 1,500 and 3,000 runs,
   generated once and cached) into DuckDB and PostgreSQL, ms per run and the least-squares slope.
7. **Verdicts** on the targets: import within 15 s, every page within 1 s, peak RSS within
   1 GB. Figures, never assertions.
8. **PostgreSQL**: the same import into the hosted engine (one athlete of a shared database,
   :mod:`analysis.store.postgres_store`), in a child process too, on a throwaway cluster started
   the way the tests start theirs (:mod:`tests.pg_support`; ``STRIDELOG_TEST_PG_DSN`` names a
   running server instead): wall time, runs/s and its ratio to the DuckDB import of the same run.
   Skipped with a note where no PostgreSQL server binaries are installed, or with
   ``--no-postgres``.

Progress goes to stderr; figures to stdout.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
import zipfile
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from analysis.config import repo_root

IMPORT_TARGET_S = 15.0
PAGE_TARGET_S = 1.0
RSS_TARGET_BYTES = 1_000_000_000
"""1 GB, as the issue writes it (10**9 bytes)."""

CHILD_RESULT = "BENCHMARK-RESULT "
"""Prefix of the line a child process prints its figures on (JSON)."""


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# ---- memory ----------------------------------------------------------------------------------------


def _status_bytes(field: str) -> int | None:
    """A ``kB`` field of ``/proc/self/status`` in bytes (None off Linux)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def peak_rss_bytes() -> int:
    """The process's peak resident set so far [bytes]: VmHWM, else ``ru_maxrss`` (KiB on Linux)."""
    high = _status_bytes("VmHWM")
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return max(high or 0, maxrss)


def rss_bytes() -> int:
    """The process's resident set now [bytes] (the peak so far where VmRSS is unknown)."""
    return _status_bytes("VmRSS") or peak_rss_bytes()


def _cpu_s(who: int) -> float:
    """User + system CPU time [s] of this process (its threads too) or of its ended children."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _load() -> str:
    """The machine's load averages (1, 5, 15 min), where the system tells them."""
    try:
        return ", ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def _mb(n: float) -> str:
    return f"{n / 1e6:,.0f} MB"


# ---- child processes ---------------------------------------------------------------------------


def _run_child(*args: str) -> dict[str, Any]:
    """Run ``python -m benchmarks.archive --child ...`` and return the figures it printed."""
    command = [sys.executable, "-m", "benchmarks.archive", "--child", *args]
    done = subprocess.run(command, cwd=repo_root(), stdout=subprocess.PIPE, text=True, check=False)
    for line in reversed(done.stdout.splitlines()):
        if line.startswith(CHILD_RESULT):
            result: dict[str, Any] = json.loads(line[len(CHILD_RESULT) :])
            return result
    return {"error": f"the child process exited with {done.returncode} and no figures"}


def _report(result: dict[str, Any]) -> None:
    print(CHILD_RESULT + json.dumps(result), flush=True)


def _timed_import(store: Any, archive: Path) -> dict[str, Any]:
    """Import ``archive`` into ``store`` (either engine); the figures of the import."""
    from analysis import archive as members
    from analysis import importer

    before = rss_bytes()
    data = archive.read_bytes()
    last = [time.perf_counter()]
    started = time.perf_counter()

    def progress(done: int, total: int, *_: object) -> None:
        now = time.perf_counter()
        if now - last[0] >= 5.0 or done == total:
            last[0] = now
            rate = done / (now - started)
            left = (total - done) / rate if rate > 0 else float("nan")
            _say(f"  import: {done}/{total} files, {rate:.1f} files/s, about {left:.0f} s left")

    started = time.perf_counter()
    cpu_before = _cpu_s(resource.RUSAGE_SELF), _cpu_s(resource.RUSAGE_CHILDREN)
    if hasattr(importer, "import_upload"):
        api = "importer.import_upload"
        outcomes = importer.import_upload(store, archive.name, data, progress=progress)
    else:
        api = "archive.iter_members + importer.import_bytes (no import_upload yet)"
        outcomes = []
        total = members.count_hint(data, archive.name)
        for done, item in enumerate(members.iter_members(data, archive.name), start=1):
            if isinstance(item, members.Member):
                outcomes.append(importer.import_bytes(store, item.inner_name, item.data))
            progress(done, total)
    wall = time.perf_counter() - started
    statuses = Counter(outcome.status for outcome in outcomes)
    return {
        "api": api,
        "wall_s": wall,
        # CPU time says what the import costs whatever else the machine runs meanwhile
        "cpu_main_s": _cpu_s(resource.RUSAGE_SELF) - cpu_before[0],
        "cpu_workers_s": _cpu_s(resource.RUSAGE_CHILDREN) - cpu_before[1],
        "files": len(outcomes),
        "statuses": dict(statuses),
        "activities_counted": store.activity_count(),
        "activities_stored": store.activity_count(include_duplicates=True),
        "archive_bytes": len(data),
        "rss_before_bytes": before,
        # the importer parses in a worker process from 200 files on: its peak counts too (the
        # sum of two peaks, an upper bound of what the import held at once)
        "peak_rss_bytes": peak_rss_bytes()
        + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024,
    }


def child_import(archive: Path, store_path: Path) -> dict[str, Any]:
    """Import ``archive`` into a new DuckDB store at ``store_path``; the figures of the import."""
    from analysis.store import Store

    with Store(store_path) as store:
        figures = _timed_import(store, archive)
        row = store.cursor().execute("SELECT count(*) FROM samples").fetchone()
    return {**figures, "samples": int(row[0]) if row else 0}


def child_steps(archive: Path, scratch: Path) -> dict[str, Any]:
    """Where the import's time goes: its steps one after another in this process, each timed,
    with the same functions the importer calls; and the floor of the same work.

    The importer overlaps these steps (workers parse while this process reads and stores), so
    their sum is more than its wall time. The floor is what no import of this archive can go
    under on this machine: reading the zip, gunzipping and hashing every member, decoding the
    FIT records (the fast decoder, nothing else), and one bulk insert of every sample from one
    Arrow table into an empty store.
    """
    from analysis import archive as members
    from analysis import importer
    from analysis.parsers import parse_bytes
    from analysis.parsers.fit import decode_parts
    from analysis.prepare import prepare_activity
    from analysis.store import Store
    from analysis.store.contract import NewFile

    clock = time.perf_counter
    spent = dict.fromkeys(STEPS, 0.0)
    started = clock()
    data = archive.read_bytes()
    items: list[Any] = []
    for item in members.iter_members(data, archive.name):
        if isinstance(item, members.Member):
            importer.file_hash(item.data)
            items.append(item)
    spent["read"] = clock() - started
    index = next((m for m in items if m.name.lower().endswith("activities.csv")), None)
    files = [m for m in items if m is not index]
    store_path = scratch / "steps.duckdb"
    by_member: dict[str, Any] = {}
    with Store(store_path) as store:
        batch: list[tuple[str, Any]] = []

        def flush() -> None:
            t = clock()
            results = store.add_files([NewFile(p.digest, p.name, p.format, p.size, p.records)
                                       for _, p in batch])  # fmt: skip
            spent["store"] += clock() - t
            for (member_name, prep), stored in zip(batch, results, strict=True):
                by_member[member_name] = importer._stored_outcome(prep, stored)
            batch.clear()

        samples = 0
        for item in files:
            digest = importer.file_hash(item.data)
            if item.inner_name.lower().endswith(".fit"):
                t = clock()
                decode_parts(item.data)
                spent["decode"] += clock() - t
            t = clock()
            fmt, parsed = parse_bytes(item.data, item.inner_name)
            spent["frames"] += clock() - t
            t = clock()
            records = [prepare_activity(act, digest, i) for i, act in enumerate(parsed)]
            spent["prepare"] += clock() - t
            batch.append((item.name, importer.Prepared(item.inner_name, len(item.data), digest,
                                                       fmt, records)))  # fmt: skip
            samples += sum(len(r.samples) for r in records)
            if samples >= importer.BATCH_SAMPLES:
                flush()
                samples = 0
        flush()
        spent["frames"] = max(spent["frames"] - spent["decode"], 0.0)  # parse_bytes decodes too
        if index is not None:
            t = clock()
            importer._join_strava_index(store, index, by_member)
            spent["join"] = clock() - t
        every_sample = store.cursor().sql("SELECT * FROM samples").to_arrow_table()
    floor_path = scratch / "floor.duckdb"
    with Store(floor_path) as floor:
        cur = floor.cursor()
        t = clock()
        cur.execute("BEGIN TRANSACTION")
        cur.register("every_sample", every_sample)
        cur.execute("INSERT INTO samples SELECT * FROM every_sample")
        cur.execute("COMMIT")
        bulk = clock() - t
    for path in (store_path, floor_path):
        path.unlink(missing_ok=True)
    return {"steps": spent, "bulk_insert_s": bulk, "samples": every_sample.num_rows}


STEPS = {
    "read": "read zip, gunzip, hash",
    "decode": "decode FIT records",
    "frames": "build the tidy frames (parsers)",
    "prepare": "prepare (summaries, histograms, efforts)",
    "store": "store (batches, one transaction each)",
    "join": "join Strava's activities.csv",
}
"""The import's steps, in the order a file meets them."""


PG_ATHLETE = "benchmark"


def child_import_pg(archive: Path, dsn: str) -> dict[str, Any]:
    """Import ``archive`` for one athlete of the (empty) PostgreSQL database ``dsn``."""
    import psycopg

    from analysis.store.postgres_store import ATHLETE_SETTING, PostgresDatabase

    with PostgresDatabase(dsn) as database:
        figures = _timed_import(database.athlete_store(PG_ATHLETE), archive)
    with psycopg.connect(dsn) as conn:
        conn.execute("SELECT set_config(%s, %s, true)", [ATHLETE_SETTING, PG_ATHLETE])
        row = conn.execute("SELECT count(*) FROM samples").fetchone()
        version = conn.execute("SHOW server_version").fetchone()
    return {
        **figures,
        "samples": int(row[0]) if row else 0,
        "server_version": str(version[0]) if version else "?",
    }


def postgres_database() -> tuple[Any, str] | str:
    """(server, database name) of a fresh database for the import, or why there is none.

    Reuses the tests' throwaway cluster (or ``STRIDELOG_TEST_PG_DSN``); the cluster stops when
    this process exits.
    """
    try:
        import pytest

        from tests.pg_support import pg_server
    except ImportError as err:
        return f"not measured: {err}"
    try:
        server = pg_server()
        return server, server.create_database("bench")
    except (Exception, pytest.skip.Exception, pytest.fail.Exception) as err:
        return f"not measured: {err}"


def child_pages(store_path: Path, repeat: int) -> dict[str, Any]:
    """Each page's data preparation on the store at ``store_path``: first call and median [s]."""
    from analysis import dashboard
    from analysis.store import Store
    from analysis.views import efficiency
    from analysis.views.period import preset_start

    before = rss_bytes()
    timings: dict[str, dict[str, Any]] = {}
    with Store(store_path) as store:
        settings = store.load_settings()
        day = dashboard.last_data_day(store) or date.today()
        trimp = settings.__class__(**{**settings.to_dict(), "load_model": "trimp"})
        newest = store.activities().iloc[0]["activity_id"] if store.activity_count() else None
        steps: dict[str, Callable[[], object]] = {
            "Overview": lambda: dashboard.overview_data(store, settings, day),
            "Mileage": lambda: dashboard.mileage_data(store, settings, day),
            "Cadence": lambda: dashboard.cadence_data(store),
            "Intensity": lambda: dashboard.intensity_data(store, settings),
            "Training load": lambda: dashboard.load_data(store, settings, day),
            "Training load (TRIMP)": lambda: dashboard.load_data(store, trimp, day),
            "Fitness & form": lambda: dashboard.fitness_data(store, settings, day),
            "Guidance": lambda: dashboard.guidance_data(store, settings, day),
            "Recovery": lambda: dashboard.recovery_data(store, settings, day),
            "Plan": lambda: dashboard.plan_data(store, settings, day),
            # computed from every run's samples in the period (nothing stored): the page opens
            # on 12 weeks; "all" reads every sample of the history
            "Efficiency & tests (12 weeks)": lambda: efficiency.efficiency_data(
                store, settings, preset_start("12w", day, settings.week_start), day
            ),
            "Efficiency & tests (all)": lambda: efficiency.efficiency_data(
                store, settings, None, day
            ),
            "Activities (table)": lambda: dashboard.activity_table(store),
            "Activities (one run's samples)": lambda: store.samples(str(newest)),
        }
        for label, step in steps.items():
            _say(f"  pages: {label}")
            times = []
            try:
                for _ in range(repeat):
                    started = time.perf_counter()
                    step()
                    times.append(time.perf_counter() - started)
            except Exception as err:  # a page that fails is a figure too
                timings[label] = {"error": f"{type(err).__name__}: {err}"}
                continue
            timings[label] = {"first_s": times[0], "median_s": statistics.median(times)}
    return {
        "pages": timings,
        "as_of": str(day),
        "rss_before_bytes": before,
        "peak_rss_bytes": peak_rss_bytes(),
    }


# ---- the parent's steps ------------------------------------------------------------------------


def generate(cache_dir: Path, runs: int, seed: int, workers: int) -> tuple[Path, bool, float]:
    """The archive (built or reused), whether it was reused, and the seconds it took."""
    from sample_data import five_years

    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        if done % 100 == 0 or done == total:
            _say(f"  generating: {done}/{total} runs, {time.perf_counter() - started:.0f} s")

    path, reused = five_years.cached_archive(
        cache_dir, runs=runs, seed=seed, workers=workers, progress=progress
    )
    return path, reused, time.perf_counter() - started


def fit_members(archive: Path) -> list[tuple[str, int]]:
    """(name, decompressed size [bytes]) of every FIT file in the export; the size of a
    ``.fit.gz`` is read from its gzip trailer (ISIZE), without inflating it."""
    out = []
    with zipfile.ZipFile(archive) as export:
        for info in export.infolist():
            name = info.filename.lower()
            if name.endswith(".fit"):
                out.append((info.filename, info.file_size))
            elif name.endswith(".fit.gz"):
                with export.open(info) as member:
                    member.seek(info.file_size - 4)
                    out.append((info.filename, int.from_bytes(member.read(4), "little")))
    return out


def fitparse_sample(archive: Path, count: int, seed: int) -> dict[str, Any]:
    """fitparse over ``count`` random FIT files of the export, and its estimate for all."""
    import fitparse

    files = fit_members(archive)
    picked = random.Random(seed).sample(files, min(count, len(files)))
    with zipfile.ZipFile(archive) as export:
        payloads = []
        for name, _ in picked:
            data = export.read(name)
            payloads.append(gzip.decompress(data) if name.lower().endswith(".gz") else data)
    records = 0
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for data in payloads:
            for _ in fitparse.FitFile(io.BytesIO(data)).get_messages("record"):
                records += 1
    took = time.perf_counter() - started
    sample_bytes = sum(len(d) for d in payloads)
    all_bytes = sum(size for _, size in files)
    return {
        "files": len(picked),
        "all_files": len(files),
        "records": records,
        "seconds": took,
        "sample_bytes": sample_bytes,
        "all_bytes": all_bytes,
        "estimate_all_s": took * all_bytes / sample_bytes if sample_bytes else float("nan"),
    }


def _verdict(label: str, figure: str, met: bool | None) -> None:
    word = "not measured" if met is None else ("met" if met else "NOT met")
    print(f"{label:<34} {figure:<44} {word}")


def _print_steps(steps: dict[str, Any], imp: dict[str, Any]) -> None:
    """The step table: time, share, the floor of each step where it has one, and the ratio."""
    print("\n== where the import's time goes: its steps one after another in one process ==")
    if "error" in steps:
        print(f"steps: {steps['error']}")
        return
    spent = steps["steps"]
    total = sum(spent.values())
    floors = {"read": spent["read"], "decode": spent["decode"], "store": steps["bulk_insert_s"]}
    floor = sum(floors.values())
    print(f"{'step':<42} {'time [s]':>9} {'share':>6} {'floor [s]':>10} {'x floor':>8}")
    for key, label in STEPS.items():
        low = floors.get(key)
        low_text = f"{low:>10.2f} {spent[key] / low:>8.1f}" if low else f"{'-':>10} {'-':>8}"
        print(f"{label:<42} {spent[key]:>9.2f} {spent[key] / total:>6.0%} {low_text}")
    print(f"{'all steps, one process':<42} {total:>9.2f} {1:>6.0%} {floor:>10.2f} "
          f"{total / floor:>8.1f}")  # fmt: skip
    if "error" not in imp:
        wall = imp["wall_s"]
        print(f"{'the import, end to end (steps overlapped)':<42} {wall:>9.2f} {'':>6} "
              f"{floor:>10.2f} {wall / floor:>8.1f}")  # fmt: skip
    print(f"floor: read, gunzip and hash ({floors['read']:.2f} s) + decode the FIT records "
          f"({floors['decode']:.2f} s) + one bulk insert of all {steps['samples']:,} samples "
          f"from Arrow ({floors['store']:.2f} s), measured here in this run")  # fmt: skip


def _scale(args: argparse.Namespace, folder: Path) -> list[dict[str, Any]]:
    """The import of each archive of ``--scale`` (generated or cached), DuckDB and PostgreSQL."""
    sizes = [int(n) for n in str(args.scale).split(",") if n.strip()]
    out = []
    server = None if args.no_postgres else postgres_database()
    for runs in sizes:
        _say(f"scale: {runs} runs ...")
        archive, _, _ = generate(args.cache_dir, runs, args.seed, args.workers)
        store_path = folder / f"scale_{runs}.duckdb"
        row: dict[str, Any] = {"runs": runs, "duckdb": _run_child("import", str(archive),
                                                                  str(store_path))}  # fmt: skip
        store_path.unlink(missing_ok=True)
        if server is None or isinstance(server, str):
            row["postgres"] = {"error": server or "not measured: --no-postgres"}
        else:
            pg, _ = server
            name = pg.create_database(f"scale{runs}")
            try:
                row["postgres"] = _run_child("import-pg", str(archive), pg.dsn(name))
            finally:
                pg.drop_database(name)
        out.append(row)
    if server is not None and not isinstance(server, str):
        server[0].drop_database(server[1])
    return out


def _slope(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    """Least-squares line through (runs, seconds): (seconds per 1,000 runs, intercept [s])."""
    if len(points) < 2:
        return None
    xs, ys = zip(*points, strict=True)
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return None
    k = sum((x - mx) * (y - my) for x, y in points) / sxx
    return k * 1000, my - k * mx


def _print_scale(scale: list[dict[str, Any]]) -> None:
    if not scale:
        return
    print("\n== scale: the import of 1, 2, 5 and 10 years (about 300 runs a year) ==")
    print(f"{'runs':>6} {'samples':>11} {'DuckDB [s]':>11} {'ms/run':>7} {'peak RSS':>9} "
          f"{'PostgreSQL [s]':>15} {'ms/run':>7}")  # fmt: skip
    for engine in ("duckdb", "postgres"):
        for row in scale:
            row.setdefault(engine, {"error": "not measured"})
    for row in scale:
        d, pg = row["duckdb"], row["postgres"]
        d_text = (f"{'failed':>11} {'':>7} {'':>9}" if "error" in d else
                  f"{d['wall_s']:>11.1f} {1000 * d['wall_s'] / row['runs']:>7.1f} "
                  f"{_mb(d['peak_rss_bytes']):>9}")  # fmt: skip
        pg_text = (f"{'-':>15} {'':>7}" if "error" in pg else
                   f"{pg['wall_s']:>15.1f} {1000 * pg['wall_s'] / row['runs']:>7.1f}")  # fmt: skip
        samples = d.get("samples", 0)
        print(f"{row['runs']:>6} {samples:>11,} {d_text} {pg_text}")
    for engine, label in (("duckdb", "DuckDB"), ("postgres", "PostgreSQL")):
        points = [(r["runs"], r[engine]["wall_s"]) for r in scale if "error" not in r[engine]]
        fit = _slope(points)
        if fit is None:
            errors = {r[engine]["error"] for r in scale if "error" in r[engine]}
            print(f"{label}: no slope ({'; '.join(sorted(errors)) or 'fewer than two sizes'})")
            continue
        per_k, intercept = fit
        worst = max(abs(y - (intercept + per_k * x / 1000)) / y for x, y in points)
        shape = (
            "linear growth"
            if worst <= LINEAR_WITHIN
            else "not a straight line in this run: compare ms/run above; a busy machine bends it"
        )
        print(f"{label}: {per_k:.2f} s per 1,000 runs + {intercept:.2f} s; the line is within "
              f"{worst:.0%} of every size ({shape})")  # fmt: skip


LINEAR_WITHIN = 0.15
"""The scale table calls the growth linear when the least-squares line is within this fraction
of every size's time."""


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--cache-dir", type=Path, default=repo_root() / "build")
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1),
                        help="processes generating the archive (when it is not cached)")  # fmt: skip
    parser.add_argument("--fitparse-files", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3, help="calls of each page's preparation")
    parser.add_argument("--keep-store", type=Path, default=None,
                        help="a folder to leave the imported store in (default: a temporary one)")  # fmt: skip
    parser.add_argument("--no-postgres", action="store_true",
                        help="leave out the import into PostgreSQL")  # fmt: skip
    parser.add_argument("--scale", default="300,600,1500,3000",
                        help="runs of the archives for the scale table: 1, 2, 5 and 10 years "
                        "(about 300 runs a year); empty to leave it out")  # fmt: skip
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        kind, *rest = args.child
        if kind == "import":
            _report(child_import(Path(rest[0]), Path(rest[1])))
        elif kind == "import-pg":
            _report(child_import_pg(Path(rest[0]), rest[1]))
        elif kind == "pages":
            _report(child_pages(Path(rest[0]), int(rest[1])))
        elif kind == "steps":
            _report(child_steps(Path(rest[0]), Path(rest[1])))
        return

    print(f"== five-year archive: {args.runs} runs, seed {args.seed} ==")
    _say("generation ...")
    archive, reused, gen_s = generate(args.cache_dir, args.runs, args.seed, args.workers)
    size = archive.stat().st_size
    if reused:
        print(f"generation: reused the cached archive {archive} ({_mb(size)}; "
              f"delete it to time the generator)")  # fmt: skip
    else:
        print(f"generation: {gen_s:.1f} s with {args.workers} process(es) -> {archive} "
              f"({_mb(size)})")  # fmt: skip

    _say("fitparse on a sample of the files ...")
    fp = fitparse_sample(archive, args.fitparse_files, args.seed)

    with tempfile.TemporaryDirectory(prefix="stridelog-bench-") as scratch:
        folder = args.keep_store or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        store_path = folder / "five_years.duckdb"
        for stale in (store_path, store_path.with_name(store_path.name + ".wal")):
            stale.unlink(missing_ok=True)
        _say("import (child process) ...")
        imp = _run_child("import", str(archive), str(store_path))
        _say("page data preparation (child process) ...")
        pages = _run_child("pages", str(store_path), str(args.repeat))
        _say("the import's steps one by one, and the floor (child process) ...")
        steps = _run_child("steps", str(archive), str(folder))
        scale = _scale(args, folder)

    pg_imp: dict[str, Any] = {"error": "not measured: --no-postgres"}
    if not args.no_postgres:
        _say("import into PostgreSQL (child process) ...")
        found = postgres_database()
        if isinstance(found, str):
            pg_imp = {"error": found}
        else:
            server, name = found
            try:
                pg_imp = _run_child("import-pg", str(archive), server.dsn(name))
            finally:
                server.drop_database(name)

    print("\n== import: parse, dedupe, store, in a fresh store ==")
    if "error" in imp:
        print(f"import: {imp['error']}")
    else:
        wall = imp["wall_s"]
        runs = imp["activities_counted"]
        print(f"api: {imp['api']}")
        linked = imp["activities_stored"] - runs
        print(f"files: {imp['files']} outcomes {imp['statuses']}; activities counted {runs}"
              + (f", {linked} more stored as the same run as one of them" if linked else ""))  # fmt: skip
        print(f"wall time: {wall:.1f} s = {runs / wall:.1f} runs/s, "
              f"{imp['samples'] / wall:,.0f} samples/s ({imp['samples']:,} samples stored)")  # fmt: skip
        print(f"peak RSS, importer + its parsing worker: {_mb(imp['peak_rss_bytes'])} (it held "
              f"{_mb(imp['rss_before_bytes'])} before reading the archive)")  # fmt: skip
        print(f"CPU: {imp['cpu_main_s']:.1f} s in the importer (DuckDB's threads included) + "
              f"{imp['cpu_workers_s']:.1f} s in its parsing workers; load average after the "
              f"run: {_load()} on {os.cpu_count()} cores")  # fmt: skip

    _print_steps(steps, imp)

    print("\n== fitparse alone: FitFile(...).get_messages('record') fully iterated ==")
    print(f"{fp['files']} of {fp['all_files']} files ({_mb(fp['sample_bytes'])}, "
          f"{fp['records']:,} records) in {fp['seconds']:.1f} s = "
          f"{fp['records'] / fp['seconds']:,.0f} records/s")  # fmt: skip
    print(f"extrapolated to all {fp['all_files']} files ({_mb(fp['all_bytes'])} of FIT): "
          f"{fp['estimate_all_s']:.0f} s")  # fmt: skip
    if "error" not in imp:
        ratio = fp["estimate_all_s"] / imp["wall_s"]
        print(f"ratio: the whole import took {imp['wall_s']:.1f} s, {ratio:.1f}x faster than "
              f"fitparse's decoding alone would ({fp['estimate_all_s']:.0f} s)")  # fmt: skip

    print(f"\n== after the import: page data preparation, as of {pages.get('as_of')} ==")
    slowest: tuple[str, float] | None = None
    failed = []
    if "error" in pages:
        print(f"pages: {pages['error']}")
    else:
        print(f"{'page':<32} {'first [ms]':>11} {'median of ' + str(args.repeat) + ' [ms]':>17}")
        for label, t in pages["pages"].items():
            if "error" in t:
                failed.append(label)
                print(f"{label:<32} failed: {t['error']}")
                continue
            print(f"{label:<32} {t['first_s'] * 1000:>11.1f} {t['median_s'] * 1000:>17.1f}")
            if slowest is None or t["first_s"] > slowest[1]:
                slowest = (label, t["first_s"])
        print(f"peak RSS: {_mb(pages['peak_rss_bytes'])} (the process held "
              f"{_mb(pages['rss_before_bytes'])} before opening the store)")  # fmt: skip

    print("\n== import into PostgreSQL: the same archive, one athlete of a shared database ==")
    if "error" in pg_imp:
        print(f"postgres: {pg_imp['error']}")
    else:
        wall = pg_imp["wall_s"]
        runs = pg_imp["activities_counted"]
        print(f"server: PostgreSQL {pg_imp['server_version']} (a throwaway cluster runs with "
              f"fsync and synchronous_commit off, as in the tests)")  # fmt: skip
        print(f"files: {pg_imp['files']} outcomes {pg_imp['statuses']}; activities counted {runs}")
        print(f"wall time: {wall:.1f} s = {runs / wall:.1f} runs/s, "
              f"{pg_imp['samples'] / wall:,.0f} samples/s ({pg_imp['samples']:,} samples stored)")  # fmt: skip
        print(f"peak RSS, importer + its parsing worker: {_mb(pg_imp['peak_rss_bytes'])}")
        if "error" not in imp:
            same = (runs, pg_imp["samples"]) == (imp["activities_counted"], imp["samples"])
            print(f"ratio PG/DuckDB: {wall / imp['wall_s']:.2f}x the wall time "
                  f"({wall:.1f} s against {imp['wall_s']:.1f} s); same runs and samples stored: "
                  f"{'yes' if same else 'NO'}")  # fmt: skip

    _print_scale(scale)

    print("\n== verdicts (printed, not asserted) ==")
    if "error" in imp:
        _verdict("import <= 15 s", "no figure", None)
        _verdict("peak RSS <= 1 GB during import", "no figure", None)
    else:
        wall = imp["wall_s"]
        _verdict("import <= 15 s", f"{wall:.1f} s", wall <= IMPORT_TARGET_S)
        peak = imp["peak_rss_bytes"]
        _verdict("peak RSS <= 1 GB during import", _mb(peak), peak <= RSS_TARGET_BYTES)
    if slowest is None:
        _verdict("every page <= 1 s", "no figure", None)
    else:
        label, first_s = slowest
        figure = f"slowest: {label}, {first_s * 1000:.0f} ms (first call)"
        if failed:
            figure += f"; {len(failed)} failed"
        _verdict("every page <= 1 s", figure, first_s <= PAGE_TARGET_S and not failed)
    if "error" not in pages:
        peak = pages["peak_rss_bytes"]
        _verdict("peak RSS <= 1 GB while browsing", _mb(peak), peak <= RSS_TARGET_BYTES)


if __name__ == "__main__":
    main()
