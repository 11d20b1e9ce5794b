"""The best-efforts page's data: records, the pace–duration curve and race estimates for a period.

Each run's best efforts and mean-max speed curve are computed once, when it is imported
(:func:`analysis.metrics.efforts.run_efforts` in :mod:`analysis.prepare`), and stored beside it
(:meth:`AthleteStore.best_efforts`, :meth:`AthleteStore.effort_curves`). This module combines the
stored rows of a period: on five years of running (1,500 runs) 0.1–0.25 s, where reading every
run's samples took 60–80 s on the same (busy, two-core) machine.

A store that holds runs imported before efforts were stored gets theirs from
:func:`backfill_efforts`, once, run by the page for whoever may upload (with a progress bar).
Until then, :func:`efforts_data` measures those runs from their samples for the period asked,
without storing them, so a coach or a viewer sees the same numbers as the athlete.

The page caches the result keyed on the athlete, the store's revision, the period and the
settings.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from analysis import columns as c
from analysis.dashboard import in_days
from analysis.metrics import efforts
from analysis.metrics.efforts import run_efforts
from analysis.settings import AthleteSettings
from analysis.store import AthleteStore
from analysis.store.contract import BEST_EFFORT_COLUMNS, EFFORT_CURVE_COLUMNS, EFFORTS_MEASURED
from analysis.units import format_duration, format_pace

__all__ = [
    "BACKFILL_BATCH",
    "backfill_efforts",
    "best_table",
    "efforts_data",
    "estimates_table",
    "run_efforts",
    "runs_in_period",
]

BACKFILL_BATCH = 50
"""Runs measured per transaction by :func:`backfill_efforts`: an interrupted backfill keeps
what it finished, and the progress bar moves about twice a second."""

TRACK_COLUMNS = (c.ELAPSED_S, c.DISTANCE_M)
"""All of a run's samples its best efforts and curve are computed from."""
_NO_TRACK = pd.DataFrame({col: pd.Series(dtype="float64") for col in TRACK_COLUMNS})

Progress = Callable[[int, int], None]
"""``progress(done, total)``: runs measured so far, out of how many."""


def backfill_efforts(
    store: AthleteStore, progress: Progress | None = None, batch: int = BACKFILL_BATCH
) -> int:
    """Compute and store the best efforts of activities imported before efforts were stored.

    Reads the time and distance of :data:`BACKFILL_BATCH` runs at a time in one query (one
    query per run scanned the samples table each time: 60 ms a run on five years), writes them
    in one transaction per batch, and marks the store measured after the last, so later calls
    cost one meta read. Activities without a distance stream get no rows; the mark
    keeps them from being read again.

    Parameters
    ----------
    store
        The athlete's store, as someone who may upload (effort rows derive from uploads).
    progress
        Called after each batch with the runs done and the total.
    batch
        Runs per transaction.

    Returns
    -------
    int
        The number of activities measured (0 when the store was already measured).
    """
    if store.get_meta(EFFORTS_MEASURED) is not None:
        return 0
    missing = store.activities_without_efforts()
    total = len(missing)
    if total == 0:
        store.store_efforts([], complete=True)
        return 0
    for start in range(0, total, max(batch, 1)):
        chunk = missing[start : start + max(batch, 1)]
        tracks = store.samples_of(chunk, TRACK_COLUMNS)
        found = [(aid, *run_efforts(tracks.get(aid, _NO_TRACK))) for aid in chunk]
        done = start + len(chunk)
        store.store_efforts(found, complete=done >= total)
        if progress is not None:
            progress(done, total)
    return total


def runs_in_period(
    store: AthleteStore, first: date | None = None, last: date | None = None
) -> pd.DataFrame:
    """Counted running activities whose local day lies in ``first``..``last``, oldest first."""
    acts = in_days(store.activities(sport=c.SPORT_RUNNING), c.LOCAL_DATE, first, last)
    return acts.sort_values(c.START_TIME_UTC, kind="stable").reset_index(drop=True)


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


def _measured_now(
    store: AthleteStore, runs: pd.DataFrame, unmeasured: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Effort and curve rows of the period's runs the store has none for, from their samples."""
    days = dict(zip(runs[c.ACTIVITY_ID].astype(str), runs[c.LOCAL_DATE], strict=True))
    todo = [aid for aid in unmeasured if aid in days]
    found: dict[str, list[pd.DataFrame]] = {"efforts": [], "curves": []}
    tracks: dict[str, pd.DataFrame] = {}
    for start in range(0, len(todo), BACKFILL_BATCH):
        tracks |= store.samples_of(todo[start : start + BACKFILL_BATCH], TRACK_COLUMNS)
    for aid in todo:
        for key, frame in zip(found, run_efforts(tracks.get(aid, _NO_TRACK)), strict=True):
            if len(frame):
                found[key].append(frame.assign(**{c.ACTIVITY_ID: aid, c.LOCAL_DATE: days[aid]}))
    out = []
    for key, columns in (("efforts", BEST_EFFORT_COLUMNS), ("curves", EFFORT_CURVE_COLUMNS)):
        frame = pd.concat(found[key], ignore_index=True) if found[key] else pd.DataFrame()
        out.append(frame.reindex(columns=list(columns)))
    return out[0], out[1]


def _by_start(frame: pd.DataFrame, runs: pd.DataFrame, within: str) -> pd.DataFrame:
    """Rows in run start order (``runs`` is oldest first), then by ``within``: a record set by
    two runs of one day goes to the earlier run."""
    order = pd.Series(np.arange(len(runs)), index=runs[c.ACTIVITY_ID].astype(str).to_numpy())
    rank = frame[c.ACTIVITY_ID].map(order)
    return (
        frame.assign(_rank=rank)
        .sort_values(["_rank", within], kind="stable")
        .drop(columns="_rank")
        .reset_index(drop=True)
    )


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
        ``runs`` (running activities in the period), ``runs_measured`` (those with 400 m or
        more of distance stream: the runs best efforts come from), ``measured_now`` (runs of the
        period measured from their samples for want of stored rows: see :func:`backfill_efforts`),
        ``efforts`` (every run's best efforts with ``activity_id``, ``local_date`` and
        ``label``), ``records`` (the progression inside the period: the whole history when
        ``first`` is None), ``best`` (the period's best per distance), ``curve`` (the
        pace–duration curve with the run each point is from), ``estimates`` (Riegel, from
        ``best``), and ``best_table`` / ``estimates_table`` for display.
    """
    acts = runs_in_period(store, first, last)
    effort_rows = in_days(store.best_efforts(c.SPORT_RUNNING), c.LOCAL_DATE, first, last)
    curves = in_days(store.effort_curves(c.SPORT_RUNNING), c.LOCAL_DATE, first, last)
    unmeasured = store.activities_without_efforts()
    now = 0
    if unmeasured:
        extra_efforts, extra_curves = _measured_now(store, acts, unmeasured)
        now = len(set(extra_efforts[c.ACTIVITY_ID]) | set(extra_curves[c.ACTIVITY_ID]))
        if now:
            effort_rows = _by_start(
                pd.concat([effort_rows, extra_efforts], ignore_index=True), acts, c.DISTANCE_M
            )
            curves = _by_start(
                pd.concat([curves, extra_curves], ignore_index=True), acts, c.DURATION_S
            )
    effort_rows = effort_rows.assign(
        **{efforts.LABEL: [efforts.effort_label(v) for v in effort_rows[c.DISTANCE_M]]}
    ).reset_index(drop=True)
    best = efforts.best_efforts_table(effort_rows)
    estimates = efforts.race_estimates(best)
    return {
        "runs": len(acts),
        "runs_measured": int(effort_rows[c.ACTIVITY_ID].nunique()),
        "measured_now": now,
        "efforts": effort_rows,
        "records": efforts.records(effort_rows),
        "best": best,
        "curve": efforts.best_of_curves(curves.reset_index(drop=True)),
        "estimates": estimates,
        "best_table": best_table(best, settings.units),
        "estimates_table": estimates_table(estimates, settings.units),
    }
