"""The Efficiency & tests page's data: EF and decoupling on easy runs, pace at a fixed heart
rate, cadence at a fixed pace, test runs, running power and dynamics, and HRV readiness.

Every figure is computed from the period's runs' stored samples
(:meth:`AthleteStore.samples_of`, one read for all of them), nothing is stored. The page caches
the result keyed on the athlete, the store's revision, the period, the settings and the page's
own inputs (the heart rate, the pace and the test names).

**Test runs** are marked by name: the page asks for one or more names (for example "MAF test,
5k TT"), and a run whose name contains one of them (case ignored) is a test of that kind. No
mark is stored: renaming a run in its source (Strava, the watch) marks it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, MutableMapping, Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from analysis import columns as c
from analysis.dashboard import in_days
from analysis.metrics import dynamics, efficiency, hrv, zones
from analysis.metrics.frames import kept_columns
from analysis.metrics.recovery import baselines
from analysis.settings import AthleteSettings
from analysis.store import AthleteStore
from analysis.units import ef_factor, ef_label, format_pace, pace_factor, pace_label

SAMPLE_CHANNELS = (
    c.SAMPLE_DURATION_S, c.SPEED_MPS, c.HEART_RATE_BPM, c.CADENCE_SPM, c.POWER_W,
    c.STEP_LENGTH_MM, *dynamics.RUN_AVERAGES.values(),
)  # fmt: skip
"""The per-sample columns this page reads."""

DEFAULT_PACE_STEP_S = 5.0
"""The suggested pace is the easy runs' median pace rounded to this many seconds [s/km]."""

RunMemo = MutableMapping[Hashable, Any]
"""Per-run figures already computed, keyed by (what, activity id, the settings it reads). The
caller owns it and must give a fresh one whenever the store's revision changes (a run's
samples, name or time are only fixed within one revision); the page keeps one per athlete and
revision."""

READ_CHUNK_RUNS = 150
"""Runs whose samples are read and held at once (about 0.5 M samples, 20-30 MB): a long period
("All" on five years, 1,500 runs) is measured chunk by chunk, so browsing stays within its memory
budget, at the price of reading a long period's samples once per kind of figure. A read costs
what its runs hold, not what the store holds (the DuckDB store finds a run's samples by key), so
the default period's runs (about 70 on five years, 0.2 M samples, 20-50 ms) are one read."""

MEMO_MAX_ENTRIES = 100_000
"""A memo grown past this many entries (every heart rate and pace tried, on ten years) is
emptied before more go in: a few tens of MB at most."""


def easy_ceiling_bpm(settings: AthleteSettings) -> float:
    """The top of the athlete's easy zones (exclusive) [bpm]: the high edge of the last zone
    :func:`analysis.metrics.zones.easy_zones` counts as easy for the zone model chosen."""
    table = zones.hr_zones(
        settings.zone_model, settings.max_hr_bpm, settings.resting_hr_bpm, settings.lthr_bpm
    )
    easy = zones.easy_zones(settings.zone_model)
    rows = table[table[c.ZONE].isin(easy)]
    return float(rows[c.ZONE_HIGH_BPM].max())


def parse_test_names(text: str) -> list[str]:
    """The test names typed in one box, separated by commas; blanks dropped, order kept."""
    seen: list[str] = []
    for part in (text or "").split(","):
        name = part.strip()
        if name and name.casefold() not in (s.casefold() for s in seen):
            seen.append(name)
    return seen


def _runs(store: AthleteStore, first: date | None, last: date | None) -> pd.DataFrame:
    acts = in_days(store.activities(sport=c.SPORT_RUNNING), c.LOCAL_DATE, first, last)
    acts = acts.sort_values(c.START_TIME_UTC, kind="stable").reset_index(drop=True)
    if c.NAME in acts.columns and c.SOURCE_NAME in acts.columns:
        # a run without a name (a FIT file) is known by its file name
        acts[c.NAME] = acts[c.NAME].where(acts[c.NAME].notna(), acts[c.SOURCE_NAME])
    return acts


def _suggestions(table: pd.DataFrame) -> tuple[float | None, float | None]:
    """A heart rate and a pace worth fixing: the easy runs' median (all runs' without any)."""
    easy = table[table[c.IS_EASY]] if table[c.IS_EASY].any() else table
    hr = pd.to_numeric(easy[c.AVG_HEART_RATE_BPM], errors="coerce").dropna()
    pace = pd.to_numeric(easy[c.PACE_S_PER_KM], errors="coerce").dropna()
    hr_value = float(round(hr.median())) if len(hr) else None
    pace_value = (
        float(round(pace.median() / DEFAULT_PACE_STEP_S) * DEFAULT_PACE_STEP_S)
        if len(pace)
        else None
    )
    return hr_value, pace_value


_UNKNOWN = object()


class _Samples:
    """The samples of the runs a memo lacks, read once per call, on first need."""

    def __init__(self, store: AthleteStore) -> None:
        self.store = store
        self.frames: dict[str, pd.DataFrame] = {}
        self.read: set[str] = set()

    def of(self, ids: list[str]) -> dict[str, pd.DataFrame]:
        wanted = [i for i in ids if i not in self.read]
        if wanted:
            self.frames.update(self.store.samples_of(wanted, SAMPLE_CHANNELS))
            self.read.update(wanted)
        return self.frames

    def release(self, ids: list[str]) -> None:
        """Forget these runs' samples (read again if another figure needs them)."""
        for i in ids:
            self.frames.pop(i, None)
            self.read.discard(i)


def _per_run(
    runs: pd.DataFrame,
    ids: list[str],
    memo: RunMemo,
    what: Hashable,
    samples: _Samples,
    compute: Callable[[pd.DataFrame, dict[str, pd.DataFrame]], dict[str, Any]],
) -> list[Any]:
    """Each run's value of ``compute`` (``None`` for a run without samples), from ``memo`` where
    it has one; the others are computed together, from one read of their samples per
    :data:`READ_CHUNK_RUNS` runs, and kept."""
    # read once into a local dict: another session may add to or empty the memo meanwhile
    values = {i: memo.get((what, i), _UNKNOWN) for i in dict.fromkeys(ids)}
    missing = [i for i, value in values.items() if value is _UNKNOWN]
    if missing:
        if len(memo) + len(missing) > MEMO_MAX_ENTRIES:
            memo.clear()
        chunked = len(missing) > READ_CHUNK_RUNS
        for start in range(0, len(missing), READ_CHUNK_RUNS):
            part = missing[start : start + READ_CHUNK_RUNS]
            read = samples.of(part)
            frames = {i: read[i] for i in part if i in read}
            subset = runs[runs[c.ACTIVITY_ID].astype(str).isin(part)]
            with kept_columns(frames.values()):  # read from the store, only read here
                got = compute(subset, frames)
            for i in part:
                values[i] = memo[(what, i)] = got.get(i)
            if chunked:  # a long period: hold one chunk's samples at a time
                samples.release(part)
    return [values[i] for i in ids]


def _rows_by_run(table: pd.DataFrame) -> dict[str, Any]:
    return {str(r[c.ACTIVITY_ID]): r for r in table.to_dict("records")}


DYNAMICS_COLUMNS = (
    c.ACTIVITY_ID, c.START_TIME_LOCAL, c.AVG_POWER_W, c.STEP_LENGTH_M, *dynamics.RUN_AVERAGES,
)  # fmt: skip
"""The per-run dynamics frame: :func:`analysis.metrics.dynamics.run_summary` of each run."""


def _dynamics_rows(runs: pd.DataFrame, samples: dict[str, pd.DataFrame]) -> dict[str, Any]:
    """Each run with samples: its id, local start and
    :func:`~analysis.metrics.dynamics.run_summary` (power, step length, ground contact time,
    vertical oscillation, vertical ratio and balance, NaN where the file has none)."""
    out: dict[str, Any] = {}
    for run in runs.to_dict("records"):
        key = str(run[c.ACTIVITY_ID])
        frame = samples.get(key)
        if frame is None or frame.empty:
            continue
        out[key] = {
            c.ACTIVITY_ID: run[c.ACTIVITY_ID],
            c.START_TIME_LOCAL: run.get(c.START_TIME_LOCAL),
            **dynamics.run_summary(frame),
        }
    return out


def has_dynamics(dyn: pd.DataFrame) -> bool:
    """True when some run of the frame has a running-dynamics average (not only power or
    step length)."""
    cols = [col for col in dynamics.RUN_AVERAGES if col in dyn.columns]
    return bool(cols) and bool(dyn[cols].apply(pd.to_numeric, errors="coerce").notna().any().any())


def _frame(rows: list[Any], empty: pd.DataFrame) -> pd.DataFrame:
    """The runs' rows as the metric's table: its columns and dtypes, oldest first."""
    kept = [r for r in rows if r is not None]
    if not kept:
        return empty
    out = pd.DataFrame(kept, columns=empty.columns)
    return out.sort_values(c.START_TIME_LOCAL, kind="stable").reset_index(drop=True)


def _memo_power_zones(
    runs: pd.DataFrame, ids: list[str], memo: RunMemo, samples: _Samples, cp_w: float
) -> pd.DataFrame:
    """:func:`analysis.metrics.dynamics.time_in_power_zones` over the period's runs, summed from
    each run's seconds per zone (kept in the memo); empty without power or a critical power."""
    if cp_w <= 0 or not ids:
        return pd.DataFrame()
    zones = dynamics.power_zones(cp_w)

    def compute(_: pd.DataFrame, frames: dict[str, pd.DataFrame]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for i, f in frames.items():
            part = f[[c.SAMPLE_DURATION_S, c.POWER_W]]
            has = bool(pd.to_numeric(part[c.POWER_W], errors="coerce").notna().any())
            seconds = dynamics.time_in_power_zones(part, zones)[c.TIME_S].to_numpy()
            out[i] = (has, seconds)
        return out

    per_run = [r for r in _per_run(runs, ids, memo, ("power_zones", cp_w), samples, compute) if r]
    if not any(has for has, _ in per_run):
        return pd.DataFrame()
    return dynamics.zone_shares(zones, np.sum([seconds for _, seconds in per_run], axis=0))


def efficiency_data(
    store: AthleteStore,
    settings: AthleteSettings,
    first: date | None,
    last: date,
    *,
    heart_rate_bpm: float | None = None,
    pace_s_per_km: float | None = None,
    test_names: Sequence[str] = (),
    memo: RunMemo | None = None,
) -> dict[str, Any]:
    """Everything the page shows for the runs of ``first``..``last``.

    ``heart_rate_bpm`` and ``pace_s_per_km`` default to the easy runs' median heart rate and
    pace (``suggested_hr_bpm``, ``suggested_pace_s_per_km``); ``test_names`` mark test runs by
    name (:func:`analysis.metrics.efficiency.kinds_of_test`).

    Returns
    -------
    dict
        ``runs`` (how many runs in the period), ``measured`` (with samples), ``table``
        (:func:`~analysis.metrics.efficiency.efficiency_table` plus ``test_kind``), ``trend``
        (:func:`~analysis.metrics.efficiency.easy_trend`), ``easy_ceiling_bpm``, the fixed
        heart rate and pace used and suggested, ``fixed`` (per-run pace at the heart rate
        and cadence at the pace), ``tests`` (:func:`~analysis.metrics.efficiency.comparison_of_tests`),
        ``dynamics`` (:data:`DYNAMICS_COLUMNS`: per-run power, step length and the running
        dynamics averages), ``has_power``, ``has_dynamics`` (:func:`has_dynamics`),
        ``power_zones`` (time in Stryd's zones over the period, empty without power or a critical power) and ``hrv``
        (:func:`analysis.metrics.hrv.hrv_readiness` of ``last``).

    Each run's figures depend on its own samples only: with a ``memo`` (:data:`RunMemo`, one
    per store revision) a run's figures are computed once and then reused by every period,
    heart rate and pace that shows it, and only the runs the memo lacks have their samples read.
    The result is the same with or without one.
    """
    runs = _runs(store, first, last)
    ids = [str(a) for a in runs[c.ACTIVITY_ID]] if not runs.empty else []
    ceiling = easy_ceiling_bpm(settings)
    if memo is None:
        memo = {}
    samples = _Samples(store)
    no_runs = runs.iloc[:0]
    table = _frame(
        _per_run(
            runs, ids, memo, ("efficiency", ceiling), samples,
            lambda r, f: _rows_by_run(efficiency.efficiency_table(r, f, ceiling)),
        ),
        efficiency.efficiency_table(no_runs, {}, ceiling),
    )  # fmt: skip
    table[c.IS_EASY] = table[c.IS_EASY].astype(bool)
    names = table[c.NAME] if c.NAME in table.columns else pd.Series(dtype="object")
    table[c.TEST_KIND] = efficiency.kinds_of_test(names, list(test_names))
    suggested_hr, suggested_pace = _suggestions(table) if len(table) else (None, None)
    hr = heart_rate_bpm if heart_rate_bpm is not None else suggested_hr
    pace = pace_s_per_km if pace_s_per_km is not None else suggested_pace

    def fixed_of(r: pd.DataFrame, f: dict[str, pd.DataFrame]) -> dict[str, Any]:
        return _rows_by_run(
            efficiency.fixed_point_table(r, f, heart_rate_bpm=hr, pace_s_per_km=pace)
        )

    fixed = _frame(
        _per_run(runs, ids, memo, ("fixed", hr, pace), samples, fixed_of),
        efficiency.fixed_point_table(no_runs, {}, heart_rate_bpm=hr, pace_s_per_km=pace),
    )
    dyn = _frame(
        _per_run(runs, ids, memo, "dynamics_summary", samples, _dynamics_rows),
        pd.DataFrame(columns=list(DYNAMICS_COLUMNS)),
    )
    has_power = bool(pd.to_numeric(dyn[c.AVG_POWER_W], errors="coerce").notna().any())
    log = store.wellness()
    base = baselines(log) if not log.empty else pd.DataFrame()
    return {
        "runs": len(runs),
        "measured": len(table),
        "table": table,
        "trend": efficiency.easy_trend(table),
        "easy_ceiling_bpm": ceiling,
        "fixed_hr_bpm": hr,
        "fixed_pace_s_per_km": pace,
        "suggested_hr_bpm": suggested_hr,
        "suggested_pace_s_per_km": suggested_pace,
        "fixed": fixed,
        "tests": efficiency.comparison_of_tests(table),
        "dynamics": dyn,
        "has_power": has_power,
        "has_dynamics": has_dynamics(dyn),
        "power_zones": _memo_power_zones(runs, ids, memo, samples, settings.critical_power_w),
        "hrv": hrv.hrv_readiness(base, last),
        "wellness_days": len(log),
    }


def _signed(value: float, fmt: str, unit: str = "") -> str:
    if value is None or not math.isfinite(value):
        return "—"
    return f"{value:+{fmt}}{unit}"


def tests_table(tests: pd.DataFrame, unit: str) -> pd.DataFrame:
    """The test runs as a person reads them: pace in ``unit``, changes against the test before."""
    factor = pace_factor(unit)
    plabel = pace_label(unit)
    return pd.DataFrame(
        {
            "Test": tests[c.TEST_KIND],
            "Date": [pd.Timestamp(v).date() for v in tests[c.START_TIME_LOCAL]],
            "Run": tests[c.NAME],
            f"Pace [{plabel}]": [
                format_pace(v, unit, with_unit=False) for v in tests[c.PACE_S_PER_KM]
            ],
            "Pace change [s]": [
                _signed(float(v) * factor, ".0f") for v in tests[c.PACE_CHANGE_S_PER_KM]
            ],
            "HR [bpm]": [f"{v:.0f}" if pd.notna(v) else "—" for v in tests[c.AVG_HEART_RATE_BPM]],
            "HR change [bpm]": [_signed(float(v), ".0f") for v in tests[c.HR_CHANGE_BPM]],
            f"EF [{ef_label(unit)}]": [
                f"{v * ef_factor(unit):.3f}" if pd.notna(v) else "—"
                for v in tests[c.EFFICIENCY_FACTOR]
            ],
            "EF change [%]": [_signed(float(v), ".1f") for v in tests[c.EF_CHANGE_PCT]],
            "EF since the first [%]": [
                _signed(float(v), ".1f") for v in tests[c.FIRST_EF_CHANGE_PCT]
            ],
        }
    )


def runs_table(table: pd.DataFrame, unit: str) -> pd.DataFrame:
    """Each run's EF and decoupling as a person reads them, newest first."""
    frame = table.iloc[::-1]
    return pd.DataFrame(
        {
            "Date": [pd.Timestamp(v).date() for v in frame[c.START_TIME_LOCAL]],
            "Run": frame[c.NAME],
            f"Pace [{pace_label(unit)}]": [
                format_pace(v, unit, with_unit=False) for v in frame[c.PACE_S_PER_KM]
            ],
            "HR [bpm]": [f"{v:.0f}" if pd.notna(v) else "—" for v in frame[c.AVG_HEART_RATE_BPM]],
            f"EF [{ef_label(unit)}]": [
                f"{v * ef_factor(unit):.3f}" if pd.notna(v) else "—"
                for v in frame[c.EFFICIENCY_FACTOR]
            ],
            "Decoupling [%]": [f"{v:.1f}" if pd.notna(v) else "—" for v in frame[c.DECOUPLING_PCT]],
            "Easy": np.where(frame[c.IS_EASY].astype(bool), "yes", "no"),
            "Test": frame[c.TEST_KIND].fillna(""),
        }
    )
