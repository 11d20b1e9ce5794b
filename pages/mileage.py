"""Mileage: weekly and monthly distance, week-over-week ramp, longest run of each week."""

import streamlit as st

from analysis import columns as c
from analysis import units
from analysis.figures.mileage import (
    longest_run_figure,
    monthly_distance_figure,
    week_change_figure,
    weekly_distance_figure,
)
from pages import _common as ui

src, s, skey = ui.page_context()
st.title("Mileage")
data = ui.mileage(src.key, src.revision, skey, ui.as_of(src))
if data["runs"] == 0:
    ui.empty_state("runs")
    st.stop()

weekly, monthly = data["weekly"], data["monthly"]
u = units.distance_label(s.units)
flagged = int(weekly[c.OVER_RAMP_LIMIT].fillna(False).sum())
st.caption(
    f"Running only. Weeks start on {s.week_start.title()}. Ramp limit: +{s.ramp_limit_pct:g} % "
    f"a week (change it in Settings). {flagged} week(s) went over it."
)
ui.chart(
    weekly_distance_figure(weekly, s.units),
    "mileage_weekly",
    f"Total running distance per week in {u}. Highlighted bars rose more than the ramp limit over "
    "the week before; a lighter bar every 3–4 weeks is the cutback week that lets training sink in.",
)
ui.chart(
    week_change_figure(weekly, s.ramp_limit_pct),
    "mileage_change",
    "Change against the previous week in percent. Bars above the dashed line broke the ramp limit; "
    "negative bars are lighter weeks.",
)
left, right = st.columns(2)
with left:
    ui.chart(
        monthly_distance_figure(monthly, s.units),
        "mileage_monthly",
        f"Running distance per calendar month in {u}: the long view of your volume.",
    )
with right:
    ui.chart(
        longest_run_figure(weekly, s.units),
        "mileage_longest",
        "The longest single run of each week. Hover for its share of the week: long runs above "
        "about a third of the weekly distance carry more risk.",
    )
