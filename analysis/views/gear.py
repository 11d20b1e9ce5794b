"""The Gear page's data: every pair with its distance and status, new pairs' first weeks, and
each run with the pair it is in (what the page's assignment works on)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from analysis import columns as c
from analysis import units
from analysis.dashboard import running
from analysis.metrics import gear
from analysis.store.contract import AthleteStore


def gear_data(store: AthleteStore, as_of: date) -> dict[str, Any]:
    """The shoe table and new pairs' shares up to ``as_of`` (runs only, duplicates left out),
    and every run with its pair (:func:`analysis.metrics.gear.run_pairs`, all days, newest
    first) under ``runs``."""
    runs = running(store)
    table = gear.shoe_table(runs, store.shoes(), as_of=as_of)
    shares = gear.new_pair_share(runs, table, as_of=as_of)
    return {
        "table": table,
        "shares": shares,
        "over": gear.shares_over(shares),
        "runs": gear.run_pairs(runs, table),
    }


def runs_between(
    runs: pd.DataFrame, first: date, last: date, *, only_without_pair: bool
) -> pd.DataFrame:
    """The runs of :func:`analysis.metrics.gear.run_pairs` from ``first`` to ``last`` (both
    days included), only those in no pair yet with ``only_without_pair``."""
    days = pd.to_datetime(runs[c.DATE])
    inside = (days >= pd.Timestamp(first)) & (days <= pd.Timestamp(last))
    if only_without_pair:
        inside &= runs[c.GEAR].isna()
    return runs[inside]


def assigned_words(count: int, distance_km: float, pair: str | None, unit: str) -> str:
    """What a page says once runs are put in a pair, or taken out of theirs.

    ``distance_km`` [km] is the runs' total, said in the display unit ``unit``.
    """
    runs_text = f"{count} run{'' if count == 1 else 's'}"
    km = f"{units.km_to(unit, distance_km):.1f} {units.distance_label(unit)}"
    if pair is None:
        return f"Took {runs_text} ({km}) out of their pair."
    return f"Put {runs_text} ({km}) in {pair}."


def run_label(run: pd.Series, unit: str) -> str:
    """One run as a choice names it: ``Tue 01 Sep 2026 · 10.0 km · Morning Run · Pegasus 40``
    (``no pair`` for a run in none)."""
    parts = [
        f"{pd.Timestamp(run[c.DATE]):%a %d %b %Y}",
        f"{units.km_to(unit, float(run[c.DISTANCE_KM])):.1f} {units.distance_label(unit)}",
    ]
    if run[c.NAME]:
        parts.append(str(run[c.NAME]))
    parts.append("no pair" if run[c.GEAR] is None or pd.isna(run[c.GEAR]) else str(run[c.GEAR]))
    return " · ".join(parts)
