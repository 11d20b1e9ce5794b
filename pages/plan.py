"""Plan: weekly targets and how the weeks went against them."""

import pandas as pd
import streamlit as st

from analysis import columns as c
from analysis.figures.plan import compliance_figure
from analysis.metrics.plan import TARGETS
from pages import _common as ui

src, s, skey = ui.page_context()
st.title("Plan")
data = ui.plan(src.key, src.revision, skey, ui.as_of(src))
store = ui.writable_store(src)

st.caption(
    "Weekly targets: distance [km], time [h], longest run [km] and load. Green is within ±20 % of "
    "plan, yellow 50–79 % or 121–150 %, red further off (TrainingPeaks' compliance colours). "
    "Upload a plan CSV in the sidebar (week_start, distance_km, duration_h, long_run_km, load) or "
    "type the weeks here."
)
plan_frame = data["plan"]
if store is not None:
    editable = plan_frame if not plan_frame.empty else pd.DataFrame(columns=list(c.PLAN_COLUMNS))
    edited = st.data_editor(
        editable, key="plan_editor", num_rows="dynamic", hide_index=True,
        column_config={c.WEEK_START: st.column_config.DateColumn("Week starting")},
    )  # fmt: skip
    if st.button("Save plan", key="plan_save", type="primary"):
        rows = edited.dropna(subset=[c.WEEK_START])
        if len(rows):
            store.upsert_plan(rows)
            st.cache_data.clear()
            st.rerun()

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
