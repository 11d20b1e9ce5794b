"""Plan: weekly targets and how the weeks went against them."""

import pandas as pd
import streamlit as st

from analysis import columns as c
from analysis import units
from analysis.figures.plan import compliance_figure
from analysis.metrics.plan import TARGETS
from pages import _common as ui

src, s, skey = ui.page_context()
st.title("Plan")
period = ui.period_control(src, s)
fig_view = ui.view(src, skey, period)
day = period.as_of
data = ui.plan(src.key, src.revision, skey, (period.first, day))
may_plan = src.can("plan")

unit = units.distance_label(s.units)
per_unit = units.distance_factor(s.units)
# plan columns kept in kilometres by the store, typed and shown in the athlete's unit
DISTANCE_PLAN = (c.PLAN_DISTANCE_KM, c.PLAN_LONG_RUN_KM)
st.caption(
    f"Weekly targets: distance [{unit}], time [h], longest run [{unit}] and load. Green is within "
    "±20 % of plan, yellow 50–79 % or 121–150 %, red further off (TrainingPeaks' compliance "
    "colours). Upload a plan CSV in the sidebar (week_start, distance_km, duration_h, long_run_km, "
    "load; kilometres in a file) or type the weeks here."
)
plan_frame = data["plan"]
if src.is_demo:
    st.caption("The demo athlete's plan is read-only.")
elif may_plan:
    editable = plan_frame if not plan_frame.empty else pd.DataFrame(columns=list(c.PLAN_COLUMNS))
    editable = editable.astype({col: "float64" for col in c.PLAN_COLUMNS[1:]})
    for col in DISTANCE_PLAN:
        editable[col] = editable[col] * per_unit
    edited = st.data_editor(
        editable, key="plan_editor", num_rows="dynamic", hide_index=True,
        column_config={
            c.WEEK_START: st.column_config.DateColumn("Week starting", format="ddd D MMM YYYY"),
            c.PLAN_DISTANCE_KM: st.column_config.NumberColumn(
                f"Distance [{unit}]", min_value=0.0, format="%.1f"
            ),
            c.PLAN_DURATION_H: st.column_config.NumberColumn(
                "Time [h]", min_value=0.0, format="%.1f"
            ),
            c.PLAN_LONG_RUN_KM: st.column_config.NumberColumn(
                f"Longest run [{unit}]", min_value=0.0, format="%.1f"
            ),
            c.PLAN_LOAD: st.column_config.NumberColumn("Load", min_value=0.0, format="%.0f"),
        },
    )  # fmt: skip
    if st.button("Save plan", key="plan_save", type="primary"):
        rows = edited.dropna(subset=[c.WEEK_START]).copy()
        for col in DISTANCE_PLAN:  # the store keeps kilometres
            rows[col] = pd.to_numeric(rows[col], errors="coerce") / per_unit
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
    c.DISTANCE_KM: f"Distance [{unit}]",
    c.DURATION_H: "Time [h]",
    c.LONGEST_RUN_KM: f"Longest run [{unit}]",
    c.LOAD: "Load",
}
target = st.selectbox(
    "Target", list(TARGETS), key="plan_target", format_func=TARGET_NAMES.__getitem__
)
ui.chart(
    lambda: compliance_figure(data["compliance"], target=target, unit=s.units),
    "plan_compliance",
    "Planned against done, week by week; each bar is coloured by how close it came to the plan.",
    view=(*fig_view, target),
)
table = data["compliance"][data["compliance"][c.TARGET] == target]
shown = pd.DataFrame(
    {
        c.WEEK_START: pd.to_datetime(table[c.WEEK_START]).dt.date,
        c.PLANNED: table[c.PLANNED],
        c.ACTUAL: table[c.ACTUAL],
        c.COMPLIANCE_PCT: table[c.COMPLIANCE_PCT].round(0),
    }
)
if target in (c.DISTANCE_KM, c.LONGEST_RUN_KM):
    shown[[c.PLANNED, c.ACTUAL]] = shown[[c.PLANNED, c.ACTUAL]] * per_unit
name = TARGET_NAMES[target]
st.dataframe(
    shown, hide_index=True, key="plan_table",
    column_config={
        c.WEEK_START: st.column_config.DateColumn("Week starting", format="ddd D MMM YYYY"),
        c.PLANNED: st.column_config.NumberColumn(f"Planned: {name}", format="%.1f"),
        c.ACTUAL: st.column_config.NumberColumn(f"Done: {name}", format="%.1f"),
        c.COMPLIANCE_PCT: st.column_config.NumberColumn("Of plan", format="%.0f %%"),
    },
)  # fmt: skip
