"""Cadence: per-run average over time, the distribution, cadence against pace."""

import math

import streamlit as st

from analysis import units
from analysis.figures.cadence import (
    cadence_distribution_figure,
    cadence_trend_figure,
    cadence_vs_pace_figure,
)
from pages import _common as ui

src, s, skey = ui.page_context()
st.title("Cadence")
period = ui.period_control(src, s)
fig_view = ui.view(src, skey, period)
data = ui.cadence(src.key, src.revision, (period.first, period.as_of))
if data["runs_all"] == 0:
    ui.empty_state("runs with cadence")
    st.stop()
if data["runs"] == 0:
    ui.nothing_in_period(period, "runs with cadence")
    st.stop()

share = data["share_in_band"]
st.caption(
    "Cadence in steps per minute, both feet (watches store strides per minute for one leg; "
    "Stridelog doubles them). "
    + ("" if math.isnan(share) else f"**{share:.0f} %** of your running time was at 170–180 spm.")
)
ui.chart(
    lambda: cadence_trend_figure(data["per_run"], unit=s.units),
    "cadence_trend",
    "Average cadence of each run, with a rolling mean. The shaded band is the 170–180 spm range "
    "most coaching advice aims for; a slow drift upward is the usual way to get there.",
    view=fig_view,
)
left, right = st.columns(2)
with left:
    if data["distribution"].empty:
        st.info("No per-step cadence samples yet (summary rows carry only averages).")
    else:
        ui.chart(
            lambda: cadence_distribution_figure(data["distribution"]),
            "cadence_distribution",
            "Share of your running time at each cadence, weighted by time (not by sample count).",
            view=fig_view,
        )
with right:
    ui.chart(
        lambda: cadence_vs_pace_figure(data["per_run"], s.units),
        "cadence_pace",
        f"Each dot is a run: cadence against average pace ({units.pace_label(s.units)}). "
        "Cadence rises with speed; easy runs well below the band are where to work on it.",
        view=fig_view,
    )
