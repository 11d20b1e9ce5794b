"""Plan: weekly targets and how the weeks went against them."""

import pandas as pd
import streamlit as st

from analysis import columns as c
from analysis.figures.plan import compliance_figure
from analysis.metrics.plan import TARGETS
from pages import _common as ui

src, s, skey = ui.page_context()
st.title("Plan")
period = ui.period_control(src, s)
day = period.as_of
data = ui.plan(src.key, src.revision, skey, (period.first, day))
may_plan = src.can("plan")

st.caption(
    "Weekly targets: distance [km], time [h], longest run [km] and load. Green is within ±20 % of "
    "plan, yellow 50–79 % or 121–150 %, red further off (TrainingPeaks' compliance colours). "
    "Upload a plan CSV in the sidebar (week_start, distance_km, duration_h, long_run_km, load) or "
    "type the weeks here."
)
plan_frame = data["plan"]
if src.is_demo:
    st.caption("The demo athlete's plan is read-only.")
elif may_plan:
    editable = plan_frame if not plan_frame.empty else pd.DataFrame(columns=list(c.PLAN_COLUMNS))
    edited = st.data_editor(
        editable, key="plan_editor", num_rows="dynamic", hide_index=True,
        column_config={c.WEEK_START: st.column_config.DateColumn("Week starting")},
    )  # fmt: skip
    if st.button("Save plan", key="plan_save", type="primary"):
        rows = edited.dropna(subset=[c.WEEK_START])
        if len(rows):
            with ui.refused():
                src.store.upsert_plan(rows)
                st.cache_data.clear()
                st.rerun()
else:
    st.caption("Only the athlete and their coach write the plan.")

weeks = sorted(
    {pd.Timestamp(w).date() for w in plan_frame[c.WEEK_START]} | {ui.week_start(day, s.week_start)},
    reverse=True,
)
week = st.selectbox(
    "Comments on the week starting", weeks, key="plan_comment_week",
    format_func=lambda d: f"{d:%a %d %b %Y}",
)  # fmt: skip
ui.comments(src, "week", week.isoformat(), f"the week of {week:%d %b}")

if data["compliance"].empty:
    ui.empty_state("plan")
    st.stop()
TARGET_NAMES = {
    c.DISTANCE_KM: "Distance [km]",
    c.DURATION_H: "Time [h]",
    c.LONGEST_RUN_KM: "Longest run [km]",
    c.LOAD: "Load",
}
target = st.selectbox(
    "Target", list(TARGETS), key="plan_target", format_func=TARGET_NAMES.__getitem__
)
ui.chart(
    compliance_figure(data["compliance"], target=target, unit=s.units),
    "plan_compliance",
    "Planned against done, week by week; each bar is coloured by how close it came to the plan.",
)
st.dataframe(
    data["compliance"][data["compliance"][c.TARGET] == target], hide_index=True, key="plan_table"
)
