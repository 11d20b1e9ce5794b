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
from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from analysis import columns as c
from analysis.dashboard import in_days
from analysis.metrics import dynamics, efficiency, hrv, zones
from analysis.metrics.recovery import baselines
from analysis.settings import AthleteSettings
from analysis.store import AthleteStore
from analysis.units import ef_factor, ef_label, format_pace, pace_factor, pace_label

SAMPLE_CHANNELS = (
    c.SAMPLE_DURATION_S, c.SPEED_MPS, c.HEART_RATE_BPM, c.CADENCE_SPM, c.POWER_W,
)  # fmt: skip
"""The per-sample columns this page reads."""

DEFAULT_PACE_STEP_S = 5.0
"""The suggested pace is the easy runs' median pace rounded to this many seconds [s/km]."""


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


def _time_in_power_zones(samples: dict[str, pd.DataFrame], cp_w: float) -> pd.DataFrame:
    if cp_w <= 0 or not samples:
        return pd.DataFrame()
    frames = [f[[c.SAMPLE_DURATION_S, c.POWER_W]] for f in samples.values()]
    joined = pd.concat(frames, ignore_index=True)
    if not pd.to_numeric(joined[c.POWER_W], errors="coerce").notna().any():
        return pd.DataFrame()
    return dynamics.time_in_power_zones(joined, dynamics.power_zones(cp_w))


def efficiency_data(
    store: AthleteStore,
    settings: AthleteSettings,
    first: date | None,
    last: date,
    *,
    heart_rate_bpm: float | None = None,
    pace_s_per_km: float | None = None,
    test_names: Sequence[str] = (),
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
        ``dynamics`` (per-run power and step length), ``has_power``, ``power_zones`` (time in
        Stryd's zones over the period, empty without power or a critical power) and ``hrv``
        (:func:`analysis.metrics.hrv.hrv_readiness` of ``last``).
    """
    runs = _runs(store, first, last)
    ids = [str(a) for a in runs[c.ACTIVITY_ID]] if not runs.empty else []
    samples = store.samples_of(ids, SAMPLE_CHANNELS) if ids else {}
    ceiling = easy_ceiling_bpm(settings)
    table = efficiency.efficiency_table(runs, samples, ceiling)
    names = table[c.NAME] if c.NAME in table.columns else pd.Series(dtype="object")
    table[c.TEST_KIND] = efficiency.kinds_of_test(names, list(test_names))
    suggested_hr, suggested_pace = _suggestions(table) if len(table) else (None, None)
    hr = heart_rate_bpm if heart_rate_bpm is not None else suggested_hr
    pace = pace_s_per_km if pace_s_per_km is not None else suggested_pace
    fixed = efficiency.fixed_point_table(runs, samples, heart_rate_bpm=hr, pace_s_per_km=pace)
    dyn = dynamics.dynamics_table(runs, samples)
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
        "power_zones": _time_in_power_zones(samples, settings.critical_power_w),
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
