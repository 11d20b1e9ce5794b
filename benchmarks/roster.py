"""The roster benchmark: the coach's roster page's data preparation for 30 athletes of one year each.

Usage: ``python -m benchmarks.roster [--athletes N] [--seed S] [--repeat R] [--workers W]``

Prints figures, asserts nothing.

1. **Build**: N DuckDB stores (default 30), each a year of running up to the benchmark's day:
   3:1 loading blocks (three weeks growing 6 % a week, one cutback at 80 %, each athlete at
   another point of the block today) from a base of 30–60 km a week, 4 or 5 runs a week (a long run of about 30 % of the week), every run
   recorded every 30 s with heart rate and cadence. Half the athletes keep a weekly plan, two
   thirds a daily wellness log; their settings differ (Monday or Sunday weeks, km or mi, ramp
   limits, ACWR variants, every fifth on the Banister TRIMP load model, which reads heart-rate
   histograms). The stores are built in parallel processes (``--workers``).
2. **Roster**: :func:`analysis.views.roster.roster_row` for every athlete, the first call and
   the median of ``--repeat`` calls [ms], per athlete and in total, and
   :func:`analysis.views.roster.roster_table` on the rows.
3. **Baseline**, in the same run on the same stores: one
   :func:`analysis.dashboard.overview_data` per athlete (what opening each athlete's Overview
   page prepares), timed the same way, and the roster's ratio to it. The two are timed in
   alternation, call by call, so a busy machine slows both alike; the load average is printed
   beside the figures.

Progress goes to stderr; figures to stdout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis import columns as c
from analysis import dashboard
from analysis.prepare import prepare_activity
from analysis.settings import AthleteSettings
from analysis.store import Store
from analysis.views import roster
from tests.factories import run_activity

AS_OF = dt.date(2026, 3, 12)
"""The benchmark's today: every athlete's year ends on it."""

WEEKS = 52
BLOCK = (1.0, 1.06, 1.12, 0.8)
"""Weekly distance over a block's base: three loading weeks and a cutback."""

STEP_S = 30.0
"""Seconds between recorded samples: a coarse recording keeps the build quick; the roster reads
summaries and histograms, never samples, so the sampling rate does not change what is timed."""


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _once(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def _settings(i: int) -> AthleteSettings:
    return AthleteSettings(
        units="mi" if i % 3 == 2 else "km",
        week_start="sunday" if i % 4 == 3 else "monday",
        ramp_limit_pct=15.0 if i % 2 else 10.0,
        load_model="trimp" if i % 5 == 4 else "distance",
        acwr_variant=("rolling", "ewma", "uncoupled")[i % 3],
    )


def _week_km(rng: np.random.Generator, base: float, phase: int) -> list[float]:
    """Each week's planned distance [km]: blocks of :data:`BLOCK`, each block 5 % above the last,
    the first block entered ``phase`` weeks in."""
    return [
        base
        * (1.05 ** ((week + phase) // len(BLOCK)))
        * BLOCK[(week + phase) % len(BLOCK)]
        * rng.uniform(0.95, 1.05)
        for week in range(WEEKS)
    ]


def build_athlete(path: Path, i: int, seed: int) -> int:
    """Write one athlete's store with a year of runs up to :data:`AS_OF`; returns the runs."""
    rng = np.random.default_rng([seed, i])
    settings = _settings(i)
    first_monday = pd.Timestamp(AS_OF) - pd.Timedelta(days=AS_OF.weekday() + 7 * (WEEKS - 1))
    plan_km = _week_km(rng, rng.uniform(30.0, 60.0), phase=i % len(BLOCK))
    speed = rng.uniform(2.7, 3.5)
    records = []
    for week, km in enumerate(plan_km):
        days = sorted(rng.choice(6, size=int(rng.integers(3, 5)), replace=False).tolist())
        shares = [0.7 / len(days)] * len(days) + [0.3]  # the long run on Sunday
        for day, share in zip([*days, 6], shares, strict=True):
            start = first_monday + pd.Timedelta(days=7 * week + day, hours=6 + int(day % 3))
            if start.date() > AS_OF:
                continue
            seconds = km * share * 1000.0 / speed
            act = run_activity(
                name=f"{i}-{start.date()}.fit",
                start=start.isoformat() + "Z",
                n=max(int(seconds / STEP_S), 2),
                step_s=STEP_S,
                speed_mps=speed,
                hr_bpm=float(rng.uniform(135, 160)),
                cadence_spm=float(rng.uniform(164, 182)),
                lat0=None,  # no GPS: no time-zone lookup, and local days are UTC days
            )
            digest = hashlib.sha256(act.source_name.encode()).hexdigest()
            records.append(prepare_activity(act, digest, 0))
    with Store(path) as store:
        store.save_settings(settings)
        # one transaction for the year: a store built fast, not an import benchmark
        store.add_file(hashlib.sha256(path.name.encode()).hexdigest(), path.name, "fit", 0, records)
        if i % 2 == 0:
            weeks = pd.date_range(first_monday, periods=WEEKS + 1, freq="7D")
            store.upsert_plan(
                pd.DataFrame({c.WEEK_START: weeks, c.PLAN_DISTANCE_KM: [*plan_km, plan_km[-1]]})
            )
        if i % 3 != 2:
            days = pd.date_range(end=pd.Timestamp(AS_OF), periods=7 * WEEKS, freq="D")
            store.upsert_wellness(
                pd.DataFrame(
                    {
                        c.DATE: days,
                        c.RESTING_HR_BPM: rng.normal(50.0, 2.0, len(days)).round(),
                        c.HRV_RMSSD_MS: rng.lognormal(np.log(60.0), 0.15, len(days)).round(1),
                        c.SLEEP_H: rng.normal(7.5, 0.7, len(days)).round(1),
                    }
                )
            )
    return len(records)


def _build(job: tuple[Path, int, int]) -> int:
    return build_athlete(*job)


def _load() -> str:
    try:
        return "load average {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
    except OSError:
        return "load average unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--athletes", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    print(f"\n== roster: {args.athletes} athletes, one year each, as of {AS_OF} ==")
    with tempfile.TemporaryDirectory() as tmp:
        paths = [Path(tmp) / f"athlete{i:02d}.duckdb" for i in range(args.athletes)]
        t0 = time.perf_counter()
        jobs = [(path, i, args.seed) for i, path in enumerate(paths)]
        with ProcessPoolExecutor(max_workers=max(args.workers, 1)) as pool:
            counts = list(pool.map(_build, jobs))
        build_s = time.perf_counter() - t0
        print(f"build: {sum(counts)} runs in {args.athletes} stores in {build_s:.1f} s with "
              f"{args.workers} workers ({sum(counts) / args.athletes:.0f} runs per athlete)")  # fmt: skip

        stores = [Store(path) for path in paths]
        entries = [
            roster.RosterEntry(
                f"athlete{i:02d}",
                f"Athlete {i:02d}",
                "view" if i % 7 == 6 else "coach",
                store,
                store.load_settings(),
            )
            for i, store in enumerate(stores)
        ]
        print(f"before timing: {_load()}")
        print(f"\n{'athlete':<11} {'runs/yr':>7} {'model':>8} {'roster 1st':>10} "
              f"{'roster med':>10} {'overview 1st':>12} {'overview med':>12} {'ratio':>6}")  # fmt: skip
        totals = dict.fromkeys(("row_first", "row_med", "ov_first", "ov_med"), 0.0)
        rows = []
        for entry, store in zip(entries, stores, strict=True):

            def row_call(e: roster.RosterEntry = entry) -> dict[str, Any]:
                return roster.roster_row(e, AS_OF)

            def overview_call(s: Store = store, e: roster.RosterEntry = entry) -> Any:
                return dashboard.overview_data(s, e.settings, AS_OF)

            row_first, row = _once(row_call)
            ov_first, _ = _once(overview_call)
            row_times, ov_times = [], []
            for _ in range(args.repeat):
                row_times.append(_once(row_call)[0])
                ov_times.append(_once(overview_call)[0])
            row_med, ov_med = statistics.median(row_times), statistics.median(ov_times)
            rows.append(row)
            for key, value in zip(totals, (row_first, row_med, ov_first, ov_med), strict=True):
                totals[key] += value
            print(f"{entry.athlete_id:<11} {store.activity_count():>7} "
                  f"{entry.settings.load_model:>8} {row_first * 1e3:>10.1f} {row_med * 1e3:>10.1f} "
                  f"{ov_first * 1e3:>12.1f} {ov_med * 1e3:>12.1f} {row_med / ov_med:>6.2f}")  # fmt: skip
        table_s, table = _once(lambda: roster.roster_table(rows, "km"))
        print(f"{'total':<11} {'':>7} {'':>8} {totals['row_first'] * 1e3:>10.1f} "
              f"{totals['row_med'] * 1e3:>10.1f} {totals['ov_first'] * 1e3:>12.1f} "
              f"{totals['ov_med'] * 1e3:>12.1f} "
              f"{totals['row_med'] / totals['ov_med']:>6.2f}")  # fmt: skip
        print(f"after timing: {_load()}")
        print(f"roster_table on {len(table)} rows: {table_s * 1e3:.1f} ms")
        unreadable = int(table[roster.FIRST_REASON].str.startswith("could not be read").sum())
        flags = table[roster.FLAGS].str.split(roster.FLAG_SEPARATOR).explode()
        print(f"verdicts: {table[c.VERDICT].value_counts(dropna=False).to_dict()}; "
              f"flags: {flags[flags != ''].value_counts().to_dict()}; "
              f"unreadable: {unreadable}")  # fmt: skip
        print("baseline: dashboard.overview_data per athlete (the Overview page's preparation), "
              "same stores, same process; ratio = roster median / overview median")  # fmt: skip
        for store in stores:
            store.close()


if __name__ == "__main__":
    main()
