"""Activities: a sortable table and a single-activity view (route map and traces)."""

import streamlit as st

from analysis import columns as c
from analysis import units
from analysis.figures.activity import activity_traces_figure, route_map_figure
from pages import _common as ui

src, s, skey = ui.page_context()
st.title("Activities")
acts = ui.activity_table(src.key, src.revision)
if acts.empty:
    ui.empty_state("activities")
    st.stop()

u = units.distance_label(s.units)
f = units.distance_factor(s.units)
DISTANCE, PACE, STATUS = "distance", "pace", "status"
table = acts.assign(
    **{
        DISTANCE: acts[c.DISTANCE_KM] * f,
        PACE: acts[c.PACE_S_PER_KM] * units.pace_factor(s.units) / 60.0,
        STATUS: acts[c.DUPLICATE_OF].map(lambda d: "counted" if d is None else f"same run as {d}"),
    }
)
cols = [
    c.START_TIME_LOCAL, c.NAME, c.SPORT, DISTANCE, c.MOVING_TIME_S, PACE, c.AVG_HEART_RATE_BPM,
    c.AVG_CADENCE_SPM, c.FORMAT, c.TIMEZONE_SOURCE, STATUS, c.SOURCE_NAME,
]  # fmt: skip
st.caption(f"{len(acts)} activities. Click a column header to sort.")
st.dataframe(
    table[cols],
    hide_index=True,
    key="activities_table",
    column_config={
        c.START_TIME_LOCAL: st.column_config.DatetimeColumn(
            "Start (local)", format="YYYY-MM-DD HH:mm"
        ),
        c.NAME: "Name",
        c.SPORT: "Sport",
        DISTANCE: st.column_config.NumberColumn(f"Distance [{u}]", format="%.2f"),
        c.MOVING_TIME_S: st.column_config.NumberColumn("Moving time [s]", format="%d"),
        PACE: st.column_config.NumberColumn(
            f"Pace [{units.pace_label(s.units)}, decimal]", format="%.2f"
        ),
        c.AVG_HEART_RATE_BPM: st.column_config.NumberColumn("Avg HR [bpm]", format="%.0f"),
        c.AVG_CADENCE_SPM: st.column_config.NumberColumn("Cadence [spm]", format="%.0f"),
        c.FORMAT: "Format",
        c.TIMEZONE_SOURCE: st.column_config.TextColumn("Time zone from", help="file, gps or utc"),
        STATUS: "Status",
        c.SOURCE_NAME: "File",
    },
)

st.subheader("One activity")
labels = {
    row[c.ACTIVITY_ID]: f"{row[c.START_TIME_LOCAL]:%Y-%m-%d %H:%M} · {row[c.SPORT]} · "
    f"{row[c.DISTANCE_KM] * f:.2f} {u} · {row[c.SOURCE_NAME]}"
    for _, row in acts.iterrows()
}
picked = st.selectbox("Activity", list(labels), format_func=labels.__getitem__, key="activity_pick")
row = acts.set_index(c.ACTIVITY_ID).loc[picked]
m1, m2, m3, m4 = st.columns(4)
m1.metric(f"Distance [{u}]", f"{row[c.DISTANCE_KM] * f:.2f}")
m2.metric("Moving time", units.format_duration(row[c.MOVING_TIME_S]))
m3.metric("Pace", units.format_pace(row[c.PACE_S_PER_KM], s.units))
m4.metric("Time zone", row[c.TIMEZONE], help=f"from {row[c.TIMEZONE_SOURCE]}")
if row["fixes"]:
    st.caption(f"Corrections made while reading the file: {row['fixes']}")

rpe_now = row[c.RPE]
with st.expander(
    f"Session RPE: {'not rated' if rpe_now != rpe_now else f'{rpe_now:g} / 10'}"
):  # NaN != NaN: unrated
    st.caption(
        "How hard was the whole session, 0 (rest) to 10 (maximal), on Borg's CR-10 scale? "
        "Session RPE × minutes is the session-RPE load (Foster et al. 2001)."
    )
    may_rate = src.can("rpe")
    rating = st.slider(
        "RPE (CR-10)", 0, 10, 5 if rpe_now != rpe_now else int(rpe_now), key="activity_rpe",
        disabled=not may_rate,
    )  # fmt: skip
    if src.is_demo:
        st.caption("Demo activities are read-only.")
    elif not may_rate:
        st.caption("Only the athlete rates their sessions.")
    if st.button("Save RPE", key="activity_rpe_save", disabled=not may_rate):
        with ui.refused():
            src.store.set_rpe(picked, float(rating))
            st.cache_data.clear()
            st.rerun()

ui.comments(src, "activity", str(picked), "this activity")

samples = ui.activity_samples(src.key, src.revision, picked)
if samples.empty:
    st.info("This activity is a summary row (from an activities CSV): no samples to draw.")
else:
    ui.chart(
        route_map_figure(samples),
        "activity_map",
        "The route as recorded by GPS. Zoom and pan; hover for distance and time.",
    )
    ui.chart(
        activity_traces_figure(samples, s.units),
        "activity_traces",
        "Pace, heart rate, cadence and elevation over the activity, on one shared time axis.",
    )

with st.expander("Delete this activity"):
    may_delete = src.can("delete")
    if src.is_demo:
        st.caption("Demo activities cannot be deleted; upload your own to replace the demo.")
    elif not may_delete:
        st.caption("Only the athlete can delete their activities.")
    else:
        st.write("This removes the activity and its samples from your store.")
    if st.button("Delete activity", key="activity_delete", type="primary", disabled=not may_delete):
        # the store checks the role again: a forged click is refused on the server
        with ui.refused():
            src.store.delete_activity(picked)
            st.cache_data.clear()
            st.toast("Activity deleted")
            st.rerun()
