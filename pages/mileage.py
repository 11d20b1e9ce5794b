"""Mileage: weekly and monthly distance, week-over-week ramp, longest run of each week."""

import streamlit as st

from analysis import columns as c
from analysis import units
from analysis.figures import captions
from analysis.figures.mileage import (
    longest_run_figure,
    monthly_distance_figure,
    week_change_figure,
    weekly_distance_figure,
)
from pages import _common as ui
from pages import _season

src, s, skey = ui.page_context()
st.title("Mileage")
period = ui.period_control(src, s)
fig_view = ui.view(src, skey, period)
data = ui.mileage(src.key, src.revision, skey, (period.first, period.as_of))
if data["runs"] == 0:
    ui.empty_state("runs")
    st.stop()
if data["period_runs"] == 0:
    ui.nothing_in_period(period, "runs")
    st.stop()

weekly, monthly = data["weekly"], data["monthly"]
u = units.distance_label(s.units)
flagged = int(weekly[c.OVER_RAMP_LIMIT].fillna(False).sum())
st.caption(
    f"Running only. Weeks start on {s.week_start.title()}. Ramp limit: +{s.ramp_limit_pct:g} % "
    f"a week (change it in Settings). {flagged} week(s) went over it."
)
ui.chart(
    lambda: _season.bands(weekly_distance_figure(weekly, s.units), src, period, weekly_bars=True),
    "mileage_weekly",
    captions.MILEAGE_WEEKLY.format(unit=u),
    view=fig_view,
)
ui.chart(
    lambda: week_change_figure(weekly, s.ramp_limit_pct, unit=s.units),
    "mileage_change",
    captions.MILEAGE_CHANGE,
    view=fig_view,
)
left, right = st.columns(2)
with left:
    ui.chart(
        lambda: monthly_distance_figure(monthly, s.units),
        "mileage_monthly",
        captions.MILEAGE_MONTHLY.format(unit=u),
        view=fig_view,
    )
with right:
    ui.chart(
        lambda: longest_run_figure(weekly, s.units),
        "mileage_longest",
        captions.MILEAGE_LONGEST,
        view=fig_view,
    )
