"""`make bench`: prints figures, asserts nothing.

1. Parse throughput per format over the shared device corpus (samples/s and MB/s), with the raw
   fitparse decode of the same FIT files as the baseline measured in the same run.
2. Import of the demo athlete (parse + prepare + store) and each page's data preparation on it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from analysis.config import repo_root
from analysis.errors import StridelogError
from analysis.parsers import parse_bytes, sniff_format

CORPUS = Path(os.environ.get("STRIDELOG_CORPUS", repo_root().parent / "shared" / "corpus"))


def _timed(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    times = []
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def parse_throughput(corpus: Path) -> None:
    print(f"\n== parse throughput over {corpus} ==")
    by_format: dict[str, list[tuple[str, bytes]]] = {}
    for path in sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix != ".tsv"):
        data = path.read_bytes()
        if not data or path.suffix == ".md":
            continue
        try:
            fmt = sniff_format(data, path.name)
        except StridelogError:
            continue
        by_format.setdefault(fmt, []).append((path.name, data))
    print(f"{'format':<6} {'files':>5} {'failed':>6} {'MB':>7} {'samples':>9} {'s':>7} "
          f"{'samples/s':>10} {'MB/s':>6}")  # fmt: skip
    for fmt, files in sorted(by_format.items()):
        samples = failed = 0
        nbytes = sum(len(d) for _, d in files)
        t0 = time.perf_counter()
        for name, data in files:
            try:
                _, acts = parse_bytes(data, name)
                samples += sum(len(a.samples) for a in acts)
            except StridelogError:
                failed += 1
        dt = time.perf_counter() - t0
        print(f"{fmt:<6} {len(files):>5} {failed:>6} {nbytes / 1e6:>7.2f} {samples:>9} {dt:>7.2f} "
              f"{samples / dt:>10.0f} {nbytes / 1e6 / dt:>6.2f}")  # fmt: skip
    fits = by_format.get("fit", [])
    if fits:
        import io

        import fitparse

        def raw_decode() -> int:
            records = 0
            for _, data in fits:
                try:
                    ff = fitparse.FitFile(io.BytesIO(data))
                    records += sum(1 for _ in ff.get_messages("record"))
                except Exception:
                    pass
            return records

        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # fitparse warns on every truncated corpus file
            dt_raw, records = _timed(raw_decode)
        dt_ours, _ = _timed(lambda: [_try_parse(d, n) for n, d in fits])
        print(f"baseline: raw fitparse decode of the same FIT files: {records} records in "
              f"{dt_raw:.2f} s = {records / dt_raw:.0f} records/s; Stridelog's FIT path "
              f"(decode + tidy frame + schema check) took {dt_ours:.2f} s: "
              f"{dt_raw / dt_ours:.1f}x the baseline's speed")  # fmt: skip


def _try_parse(data: bytes, name: str) -> int:
    try:
        return len(parse_bytes(data, name)[1])
    except StridelogError:
        return 0


def page_preparation() -> None:
    from analysis import dashboard
    from analysis.demo import build_demo_store
    from analysis.store import Store

    print("\n== demo athlete: import and page data preparation ==")
    with tempfile.TemporaryDirectory() as tmp:
        dt, path = _timed(lambda: build_demo_store(Path(tmp)))
        with Store(path) as store:
            n = store.activity_count()
            samples = store.cursor().execute("SELECT count(*) FROM samples").fetchone()[0]
            print(f"import: {n} activities, {samples} samples in {dt:.2f} s "
                  f"({samples / dt:.0f} samples/s end to end)")  # fmt: skip
            settings = store.load_settings()
            day = dashboard.last_data_day(store)
            newest = store.activities().iloc[0]["activity_id"]
            steps: dict[str, Callable[[], Any]] = {
                "overview": lambda: dashboard.overview_data(store, settings, day),
                "mileage": lambda: dashboard.mileage_data(store, settings, day),
                "cadence": lambda: dashboard.cadence_data(store),
                "intensity": lambda: dashboard.intensity_data(store, settings),
                "training load (distance)": lambda: dashboard.load_data(store, settings, day),
                "training load (TRIMP)": lambda: dashboard.load_data(
                    store, settings.__class__(**{**settings.to_dict(), "load_model": "trimp"}), day
                ),
                "activities table": lambda: dashboard.activity_table(store),
                "one activity's samples": lambda: store.samples(newest),
            }
            print(f"{'page data':<28} {'median of 5 [ms]':>16}")
            for label, fn in steps.items():
                t, _ = _timed(fn, repeat=5)
                print(f"{label:<28} {t * 1000:>16.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    if args.corpus.is_dir():
        parse_throughput(args.corpus)
    else:
        print(f"(no corpus at {args.corpus}: parse throughput skipped)")
    page_preparation()


if __name__ == "__main__":
    main()
