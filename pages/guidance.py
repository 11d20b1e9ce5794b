"""Guidance: next week's budget, cutback weeks, the training calendar, 80/20 and polarization."""

import math

import streamlit as st

from analysis import columns as c
from analysis import units
from analysis.figures import captions
from analysis.figures.calendar import calendar_figure, long_run_share_figure
from pages import _common as ui

src, s, skey = ui.page_context()
st.title("Guidance")
period = ui.period_control(src, s)
fig_view = ui.view(src, skey, period)
data = ui.guidance(src.key, src.revision, skey, (period.first, period.as_of))
if data["runs"] == 0:
    ui.empty_state("runs")
    st.stop()

f = units.distance_factor(s.units)
u = units.distance_label(s.units)
budget = data["budget"]
st.subheader(ui.next_week_label(period.as_of, s.week_start))
a, b = st.columns(2)
if budget["max_distance_km"] is None:
    a.metric(f"Distance budget [{u}]", "—")
else:
    a.metric(
        f"Distance budget [{u}]",
        f"{budget['max_distance_km'] * f:.1f}",
        help=f"Limited by the {budget['limited_by']} rule",
    )
b.metric(
    f"Longest run [{u}]",
    "—" if budget[c.LONGEST_RUN_KM] is None else f"{budget[c.LONGEST_RUN_KM] * f:.1f}",
)
st.write(budget["explanation"])
st.caption(f"Longest run rule: {budget['long_run_rule']}.")
if data["warning"]:
    st.warning(data["warning"])

st.subheader("Training calendar")
ui.chart(
    lambda: calendar_figure(
        data["calendar"], days=data["days"], unit=s.units, sessions=data.get("session_days")
    ),
    "guidance_calendar",
    captions.GUIDANCE_CALENDAR,
    view=fig_view,
)
with st.expander("How days and weeks are typed"):
    st.markdown(data["calendar_rules"])
    st.markdown(
        f"A week is a **cutback** when its distance is at least {s.cutback_threshold_pct:g} % "
        "below the mean of the build weeks before it (change it in Settings)."
    )
ui.chart(
    lambda: long_run_share_figure(data["weekly"], unit=s.units),
    "guidance_long_run",
    captions.GUIDANCE_LONG_RUN,
    view=fig_view,
)

st.subheader("Easy and hard")
a, b, d = st.columns(3)
split = data["time_split"]
if split is not None and not math.isnan(split["easy_pct"]):
    a.metric("Easy share of time", f"{split['easy_pct']:.0f} %", help="target about 80 %")
sessions = data["sessions"]
if not math.isnan(sessions["easy_pct"]):
    b.metric("Easy share of sessions", f"{sessions['easy_pct']:.0f} %", help=sessions["rule"])
pol = data["polarization"]
if pol is not None:
    d.metric(
        "Polarization index",
        "—" if math.isnan(pol["index"]) else f"{pol['index']:.2f}",
        help="Treff et al. 2019: above 2.00 with Z1 > Z3 > Z2 is polarized",
    )
    st.caption(f"{pol['reason']}. Session rule: {sessions['rule']}.")
with st.expander("Pace zones from your threshold pace"):
    st.caption(
        f"Friel's run pace zones as a share of threshold pace "
        f"({units.format_pace(s.threshold_pace_s_per_km, s.units)}; set it in Settings)."
    )
    st.dataframe(
        data["pace_zones"],
        hide_index=True,
        key="guidance_pace_zones",
        column_order=[c.ZONE_LABEL],
        column_config={c.ZONE_LABEL: "Zone (share of threshold pace, paces)"},
    )
