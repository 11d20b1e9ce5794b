"""The Race & blocks page's data: the goal race, the blocks, and the plan proposed to the race.

The proposal starts from the chronic load on the period's last day (the runs of the 28 days up
to it, as a weekly distance), or from a weekly distance the athlete types in its place, and
ends in the week of the next goal race on or after that day
(:func:`analysis.metrics.blocks.propose_plan`). Accepting a proposal writes its distance and
long-run targets into the plan (the Plan page's compliance reads them) and its blocks over the
same weeks into the store, replacing the blocks that start within them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from analysis import columns as c
from analysis.dashboard import running
from analysis.metrics import blocks as b
from analysis.settings import AthleteSettings
from analysis.store.contract import AthleteStore

PEAK_GROWTH = 1.3
"""The highest week offered by default: the chronic weekly distance + 30 % (a starting value
the athlete edits; not a published number)."""


def next_race(races: pd.DataFrame, as_of: date) -> dict[str, Any] | None:
    """The first goal race on or after ``as_of``, as a dict of its columns, or None."""
    ahead = races[pd.to_datetime(races[c.RACE_DATE]) >= pd.Timestamp(as_of)]
    if ahead.empty:
        return None
    return dict(ahead.sort_values(c.RACE_DATE).iloc[0])


def race_data(store: AthleteStore, settings: AthleteSettings, as_of: date) -> dict[str, Any]:
    """Races, blocks, the next race and today's chronic load as a weekly distance [km]."""
    races = store.races()
    return {
        "races": races,
        "blocks": store.blocks(),
        "next_race": next_race(races, as_of),
        "chronic_km": b.chronic_weekly_km(running(store), as_of),
        "plan": store.plan(),
    }


def default_peak_km(chronic_km: float) -> float:
    """The highest week offered before the athlete changes it [km]."""
    return round(chronic_km * PEAK_GROWTH, 1)


def proposal(
    race: dict[str, Any],
    settings: AthleteSettings,
    as_of: date,
    start_km: float,
    peak_km: float | None,
) -> b.Proposal:
    """The plan proposed from ``as_of`` to ``race`` with the athlete's ramp and cutback rules."""
    return b.propose_plan(
        as_of,
        race[c.RACE_DATE],
        float(race[c.DISTANCE_KM]),
        start_km,
        ramp_limit_pct=settings.ramp_limit_pct,
        cutback_threshold_pct=settings.cutback_threshold_pct,
        peak_km=peak_km,
        week_start=settings.week_start,
    )


def accept(store: AthleteStore, weeks: pd.DataFrame, race_date: Any) -> int:
    """Write an (edited) proposal: its targets into the plan, its blocks into the store.

    Blocks starting within the proposal's days are replaced by the proposal's. Returns the
    number of plan weeks written. The store checks the role of whoever asks (plan and race).
    """
    if weeks.empty:
        return 0
    written = store.upsert_plan(b.plan_rows(weeks))
    new_blocks = b.blocks_of(weeks, race_date)
    first = pd.Timestamp(weeks[c.WEEK_START].min())
    last = pd.Timestamp(race_date)
    old = store.blocks()
    for row in old.itertuples(index=False):
        if first <= pd.Timestamp(getattr(row, c.START_DATE)) <= last:
            store.delete_block(str(getattr(row, c.BLOCK_ID)))
    for row in new_blocks.itertuples(index=False):
        store.add_block(
            getattr(row, c.START_DATE),
            getattr(row, c.END_DATE),
            str(getattr(row, c.BLOCK_KIND)),
            getattr(row, c.NOTE) or None,
        )
    return written


def parse_target_time(text: str) -> float | None:
    """A target time typed as ``h:mm:ss`` or ``mm:ss`` in seconds; empty text is None.

    Raises ValueError for anything else ("1:39:00" → 5940, "42:30" → 2550).
    """
    text = text.strip()
    if not text:
        return None
    parts = text.split(":")
    if not 2 <= len(parts) <= 3 or not all(p.strip().isdigit() for p in parts):
        raise ValueError(f"a target time is h:mm:ss or mm:ss, not {text!r}")
    numbers = [int(p) for p in parts]
    if any(n >= 60 for n in numbers[1:]):
        raise ValueError(f"minutes and seconds are under 60 in {text!r}")
    seconds = 0
    for n in numbers:
        seconds = seconds * 60 + n
    if seconds <= 0:
        raise ValueError("a target time is above zero")
    return float(seconds)
