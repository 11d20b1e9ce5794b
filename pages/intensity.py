"""Intensity: time in heart-rate zones per week, and the easy/hard split against 80/20."""

import math

import streamlit as st

from analysis import columns as c
from analysis import units
from analysis.figures.intensity import easy_hard_figure, weekly_zones_figure
from pages import _common as ui

MODEL_NAMES = {
    "hrmax": "% of max HR",
    "hrr": "% of heart-rate reserve (Karvonen)",
    "lthr": "% of lactate-threshold HR (Friel)",
}

src, s, skey = ui.page_context()
st.title("Intensity")
period = ui.period_control(src, s)
fig_view = ui.view(src, skey, period)
data = ui.intensity(src.key, src.revision, skey, (period.first, period.as_of))
zones = data["zones"]
st.caption(
    f"Zones: {MODEL_NAMES[s.zone_model]}, from max HR {s.max_hr_bpm}, resting HR "
    f"{s.resting_hr_bpm}, LTHR {s.lthr_bpm} bpm (change them in Settings). "
    f"Easy means {', '.join(data['easy'])}."
)
with st.expander("Your zones"):
    st.dataframe(
        zones,
        hide_index=True,
        key="intensity_zones",
        column_order=[c.ZONE_LABEL],
        column_config={c.ZONE_LABEL: "Zone (share of the reference, heart rate)"},
    )

if data["split"] is None:
    if data["any_hr"]:
        ui.nothing_in_period(period, "runs with heart rate")
    else:
        ui.empty_state("runs with heart rate")
    st.stop()

split = data["split"]
if not math.isnan(split["easy_pct"]):
    verdict = "on target" if split["easy_pct"] >= 75 else "harder than 80/20"
    st.metric("Easy share of running time", f"{split['easy_pct']:.0f} %", help=verdict)
ui.chart(
    lambda: easy_hard_figure(split),
    "intensity_split",
    "All running time with heart rate, split into easy and hard. The 80/20 guideline asks for "
    "about 80 % easy; time is weighted by how long each sample lasted.",
    view=fig_view,
)
ui.chart(
    lambda: weekly_zones_figure(data["weekly"], zones, easy=data["easy"]),
    "intensity_weekly",
    "Hours per week in each heart-rate zone, weighted by time. Cool colours are easy running; "
    "a week turning red is a hard week.",
    view=fig_view,
)
overall = data["overall"]
st.dataframe(
    overall.assign(**{c.TIME_S: overall[c.TIME_S].map(units.format_duration)}),
    hide_index=True,
    key="intensity_table",
    column_order=[c.ZONE, c.TIME_S, c.SHARE_PCT],
    column_config={
        c.ZONE: "Zone",
        c.TIME_S: "Time [h:mm:ss]",
        c.SHARE_PCT: st.column_config.NumberColumn("Share of time", format="%.1f %%"),
    },
)
