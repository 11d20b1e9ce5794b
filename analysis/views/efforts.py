"""The best-efforts page's data: records, the pace–duration curve and race estimates for a period.

Best efforts come from the distance stream inside every run, so this reads each run's samples
(:meth:`AthleteStore.samples`) and computes its efforts and its mean-max speed curve once
(:func:`run_efforts`), then combines the runs of the period. The page caches the result keyed on
the athlete, the store's revision, the period and the display unit.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from analysis import columns as c
from analysis.metrics import efforts
from analysis.settings import AthleteSettings
from analysis.store import AthleteStore
from analysis.units import format_duration, format_pace


def run_efforts(samples: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One run's best efforts and its mean-max speed curve: all the page needs of its samples.

    Parameters
    ----------
    samples
        The run's tidy per-sample frame.

    Returns
    -------
    tuple of pandas.DataFrame
        :func:`analysis.metrics.efforts.best_efforts` and
        :func:`analysis.metrics.efforts.mean_max_speed` of the run.
    """
    return efforts.best_efforts(samples), efforts.mean_max_speed(samples)


def runs_in_period(
    store: AthleteStore, first: date | None = None, last: date | None = None
) -> pd.DataFrame:
    """Counted running activities whose local day lies in ``first``..``last``, oldest first."""
    acts = store.activities(sport=c.SPORT_RUNNING)
    days = pd.to_datetime(acts[c.LOCAL_DATE]).dt.normalize()
    keep = pd.Series(True, index=acts.index)
    if first is not None:
        keep &= days >= pd.Timestamp(first)
    if last is not None:
        keep &= days <= pd.Timestamp(last)
    return acts[keep].sort_values(c.START_TIME_UTC, kind="stable").reset_index(drop=True)


def best_table(best: pd.DataFrame, unit: str) -> pd.DataFrame:
    """The best efforts as a person reads them: h:mm:ss times and m:ss paces in ``unit``."""
    return pd.DataFrame(
        {
            "Distance": best[efforts.LABEL],
            "Time": [format_duration(v) for v in best[c.TIME_S]],
            "Pace": [format_pace(v, unit) for v in best[c.PACE_S_PER_KM]],
            "Date": [pd.Timestamp(v).date() for v in best[c.LOCAL_DATE]],
        }
    )


def estimates_table(estimates: pd.DataFrame, unit: str) -> pd.DataFrame:
    """Riegel's estimates as a person reads them, each with the effort it comes from."""
    return pd.DataFrame(
        {
            "Race": estimates[efforts.LABEL],
            "Estimate": [format_duration(v) for v in estimates[c.TIME_S]],
            "Pace": [format_pace(v, unit) for v in estimates[c.PACE_S_PER_KM]],
            "From": [
                f"{label} in {format_duration(t)} on {pd.Timestamp(d).date():%d %b %Y}"
                for label, t, d in zip(
                    estimates[efforts.FROM_LABEL],
                    estimates[efforts.FROM_TIME_S],
                    estimates[efforts.FROM_LOCAL_DATE],
                    strict=True,
                )
            ],
            "Within Riegel's range": estimates[efforts.WITHIN_RANGE].map(
                {True: "yes", False: "no"}
            ),
            "Note": estimates[efforts.RANGE_NOTE],
        }
    )


def _tagged(
    frames: list[pd.DataFrame], ids: list[Any], days: list[Any], columns: tuple[str, ...]
) -> pd.DataFrame:
    """Per-run frames stacked, each row tagged with its run's ``activity_id`` and ``local_date``
    (tagged once at the end: a column assigned per run costs more than the run's own efforts)."""
    if not frames:
        empty = pd.DataFrame({col: pd.Series(dtype="float64") for col in columns})
        empty[c.ACTIVITY_ID] = pd.Series(dtype="object")
        empty[c.LOCAL_DATE] = pd.Series(dtype="datetime64[ns]")
        return empty
    sizes = [len(frame) for frame in frames]
    out = pd.concat(frames, ignore_index=True)
    out[c.ACTIVITY_ID] = np.repeat(np.array(ids, dtype="object"), sizes)
    out[c.LOCAL_DATE] = np.repeat(pd.to_datetime(pd.Series(days)).to_numpy(), sizes)
    return out


def _stacked(store: AthleteStore, runs: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Every run's best efforts and mean-max curve, read from its samples once."""
    found: dict[str, tuple[list[pd.DataFrame], list[Any], list[Any]]] = {
        "efforts": ([], [], []),
        "curves": ([], [], []),
    }
    for activity_id, day in zip(runs[c.ACTIVITY_ID], runs[c.LOCAL_DATE], strict=True):
        for key, frame in zip(found, run_efforts(store.samples(str(activity_id))), strict=True):
            if not frame.empty:
                frames, ids, days = found[key]
                frames.append(frame)
                ids.append(activity_id)
                days.append(day)
    return {
        "efforts": _tagged(*found["efforts"], efforts.EFFORT_COLUMNS),
        "curves": _tagged(*found["curves"], efforts.CURVE_COLUMNS),
    }


def efforts_data(
    store: AthleteStore,
    settings: AthleteSettings,
    first: date | None = None,
    last: date | None = None,
) -> dict[str, Any]:
    """Best efforts, records, the pace–duration curve and race estimates of a period.

    Parameters
    ----------
    store
        The athlete's store.
    settings
        The athlete's settings; ``units`` decides the display tables.
    first, last
        The period, local calendar days inclusive; None leaves that end open.

    Returns
    -------
    dict
        ``runs`` (running activities in the period), ``runs_measured`` (those with
        400 m or more of distance stream: the runs best efforts come from), ``efforts`` (every run's best efforts with
        ``activity_id`` and ``local_date``), ``records`` (the progression inside the period:
        the whole history when ``first`` is None), ``best`` (the period's best per distance),
        ``curve`` (the pace–duration curve with the run each point is from), ``estimates``
        (Riegel, from ``best``), and ``best_table`` / ``estimates_table`` for display.
    """
    acts = runs_in_period(store, first, last)
    with_samples = acts[acts[c.SAMPLES].fillna(0) > 0]
    per_run = _stacked(store, with_samples)
    curves = per_run.pop("curves")
    effort_rows = per_run["efforts"]
    best = efforts.best_efforts_table(effort_rows)
    estimates = efforts.race_estimates(best)
    return {
        "runs": len(acts),
        "runs_measured": int(effort_rows[c.ACTIVITY_ID].nunique()),
        "efforts": effort_rows,
        "records": efforts.records(effort_rows),
        "best": best,
        "curve": efforts.best_of_curves(curves),
        "estimates": estimates,
        "best_table": best_table(best, settings.units),
        "estimates_table": estimates_table(estimates, settings.units),
    }
