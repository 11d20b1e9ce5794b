"""The Pain & niggles page's data: the log, each site over time beside weekly distance and the
ACWR, and for every episode what the 28 days before it held (association, not diagnosis)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from analysis import columns as c
from analysis.dashboard import complete_weeks, in_days, load_data, running, weekly_running
from analysis.metrics import gear as shoe_metrics
from analysis.metrics import pain
from analysis.settings import AthleteSettings
from analysis.store import AthleteStore


def pain_data(
    store: AthleteStore,
    settings: AthleteSettings,
    as_of: date,
    *,
    first: date | None = None,
    gear: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """The pain log and its triggers for ``first``..``as_of``.

    Episodes are found on the whole log up to ``as_of`` (an episode that began before the
    period is still one episode) and shown when they reach into the period; every window reads
    the whole history before it.

    ``gear`` is the first use of each pair of shoes (``gear``, ``date``) for the "new shoes"
    trigger. By default it is read from the Gear page's table (:func:`first_use_of_shoes`: typed
    pairs and the pairs Strava's export names on runs); with no pair known anywhere the trigger
    reads "not known".

    Returns
    -------
    dict
        ``all_entries``; ``log`` (the period's entries); ``sites``
        (:func:`analysis.metrics.pain.site_series`); ``weekly`` (weekly running distance of
        the period); ``acr`` (daily ACWR of the period); ``triggers`` (one row per episode,
        :func:`analysis.metrics.pain.triggers`); ``acwr_high`` and ``pain_limit``.
    """
    log = store.pain_log()
    upto = in_days(log, c.DATE, None, as_of)
    shown = in_days(log, c.DATE, first, as_of)
    acts = running(store)
    end = pd.Timestamp(as_of)
    weekly = pd.DataFrame(columns=[c.WEEK_START, c.DISTANCE_KM, c.CHANGE_PCT, c.OVER_RAMP_LIMIT])
    if len(acts):
        weekly = weekly_running(acts, settings, end)
    ld = load_data(store, settings, as_of)
    episodes = pain.episodes(upto)
    if first is not None and len(episodes):
        episodes = episodes[
            pd.to_datetime(episodes[pain.LAST_DAY]) >= pd.Timestamp(first)
        ].reset_index(drop=True)
    runs_upto = runs_near(in_days(acts, c.LOCAL_DATE, None, as_of), episodes)
    if gear is None:
        gear = first_use_of_shoes(acts, store.shoes(), as_of)
    table = pain.triggers(
        episodes,
        weekly=complete_weeks(weekly, as_of),
        acr=ld.acr,
        runs=runs_upto,
        wellness=store.wellness(),
        acwr_high=settings.acwr_sweet_high,
        gear=gear,
        unit=settings.units,
    )
    return {
        "all_entries": len(log),
        "log": shown,
        "sites": pain.site_series(shown),
        "weekly": in_days(weekly, c.WEEK_START, first, as_of) if len(weekly) else weekly,
        "acr": in_days(ld.acr, c.DATE, first, as_of) if len(ld.acr) else ld.acr,
        "triggers": table,
        "acwr_high": settings.acwr_sweet_high,
        "acwr_danger": settings.acwr_danger,
        "pain_limit": settings.pain_limit,
    }


def runs_near(runs: pd.DataFrame, episodes: pd.DataFrame) -> pd.DataFrame:
    """The runs :func:`analysis.metrics.pain.triggers` needs for these episodes, out of ``runs``.

    A long-run jump in an episode's window (the :data:`~analysis.metrics.pain.WINDOW_DAYS` days
    before its start) is read against the :data:`~analysis.metrics.pain.LONG_RUN_JUMP_DAYS`
    days before it, so no run older than both before the first episode's start can change a
    trigger: they are left out (finding the jumps compares every run with the days before
    it, 0.2 s over five years of runs with no episode at all). The last run before those is
    kept, so that a history with runs never reads as one without (``not known``).
    """
    if runs.empty:
        return runs
    days = pd.to_datetime(runs[c.LOCAL_DATE]).dt.normalize()
    if episodes.empty:
        return runs[days == days.max()].iloc[:1]
    first_start = pd.to_datetime(episodes[c.EPISODE_START]).min().normalize()
    cutoff = first_start - pd.Timedelta(days=pain.WINDOW_DAYS + pain.LONG_RUN_JUMP_DAYS)
    older = days < cutoff
    keep = ~older
    if older.any():
        keep |= days == days[older].max()
    return runs[keep.to_numpy()]


def first_use_of_shoes(runs: pd.DataFrame, shoes: pd.DataFrame, as_of: date) -> pd.DataFrame | None:
    """The first day of every pair of shoes (``gear``, ``date``) up to ``as_of``, from the Gear
    page's table (:func:`analysis.metrics.gear.shoe_table`: a typed first day, else the first run
    in the pair); None when no pair is known, so the trigger says "not known" rather than none."""
    table = shoe_metrics.shoe_table(runs, shoes, as_of=as_of)
    table = table.dropna(subset=[c.FIRST_USED])
    if table.empty:
        return None
    return pd.DataFrame({c.GEAR: table[c.NAME].to_numpy(), c.DATE: table[c.FIRST_USED].to_numpy()})
