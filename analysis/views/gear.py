"""The Gear page's data: every pair with its distance and status, and new pairs' first weeks."""

from __future__ import annotations

from datetime import date
from typing import Any

from analysis.dashboard import running
from analysis.metrics import gear
from analysis.store.contract import AthleteStore


def gear_data(store: AthleteStore, as_of: date) -> dict[str, Any]:
    """The shoe table and new pairs' shares up to ``as_of`` (runs only, duplicates left out)."""
    runs = running(store)
    table = gear.shoe_table(runs, store.shoes(), as_of=as_of)
    shares = gear.new_pair_share(runs, table, as_of=as_of)
    return {"table": table, "shares": shares, "over": gear.shares_over(shares)}
