"""Streamlit glue for goal races, training blocks and shoes: cached reads and the block bands."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from analysis.figures.blocks import add_block_bands
from analysis.settings import AthleteSettings
from analysis.views import gear as gear_view
from analysis.views import race as race_view
from analysis.views.period import Period
from pages import _common as ui


@st.cache_data(show_spinner=False, max_entries=16)
def _blocks(key: str, revision: int) -> Any:
    return ui.open_store(key).blocks()


def bands(fig: Any, src: ui.Source, period: Period, *, weekly_bars: bool = False) -> Any:
    """``fig`` with the athlete's training blocks shaded across the period's days."""
    blocks = _blocks(src.key, src.revision)
    return add_block_bands(fig, blocks, period.first, period.as_of, weekly_bars=weekly_bars)


@st.cache_data(show_spinner="Crunching the numbers…", max_entries=16)
def race(key: str, revision: int, skey: tuple[Any, ...], as_of: dt.date) -> dict[str, Any]:
    return race_view.race_data(ui.open_store(key), AthleteSettings(**dict(skey)), as_of)


@st.cache_data(show_spinner="Crunching the numbers…", max_entries=16)
def gear(key: str, revision: int, as_of: dt.date) -> dict[str, Any]:
    return gear_view.gear_data(ui.open_store(key), as_of)
