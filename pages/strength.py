"""Strength & mobility: the session log, sessions per week against 2–3, placement around hard and
long runs, and the calendar marking them."""

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from analysis import columns as c
from analysis.figures.calendar import calendar_figure
from analysis.figures.strength import SESSION_NAMES, sessions_per_week_figure
from analysis.metrics import strength
from analysis.settings import AthleteSettings
from analysis.views.strength import strength_data
from pages import _common as ui


@st.cache_data(show_spinner="Crunching the numbers…", max_entries=16)
def _data(key: str, revision: int, skey: tuple[Any, ...], days: ui.Days) -> dict[str, Any]:
    first, day = days
    return strength_data(ui.open_store(key), AthleteSettings(**dict(skey)), day, first=first)


src, s, skey = ui.page_context()
st.title("Strength & mobility")
period = ui.period_control(src, s)
data = _data(src.key, src.revision, skey, (period.first, period.as_of))
fig_view = ui.view(src, skey, period)
low, high = data["target"]
st.caption(
    f"Two to three short strength sessions a week (squats, lunges, single-leg work, hips, core; "
    f"ACSM 2009) cut sports injuries to about a third in the trials Lauersen et al. (2014) pooled; "
    f"mobility is counted and shown but is not strength work. Session load is Foster's session "
    f"RPE, RPE × minutes; it joins the total load only when Settings say so "
    f"(now: {'on' if s.strength_in_load else 'off'}). Watch activities of the sports strength, "
    "yoga, cardio or HIIT count here, never as runs."
)

st.subheader("Log a session")
may_log = src.can("sessions") and not src.is_demo
if src.is_demo:
    st.caption("The demo athlete's log is read-only; upload your own data to keep yours.")
elif not src.can("sessions"):
    st.caption("Only the athlete logs their sessions.")
with st.form("strength_form"):
    a, b, d, e = st.columns(4)
    when = a.date_input("Day", value=dt.date.today(), key="strength_date", disabled=not may_log)
    kind = b.selectbox(
        "Type",
        c.SESSION_TYPES,
        format_func=SESSION_NAMES.__getitem__,
        key="strength_type",
        disabled=not may_log,
    )
    minutes = d.number_input(
        "Duration [min]", 1, 600, 30, key="strength_minutes", disabled=not may_log
    )
    rpe = e.slider("RPE (CR-10)", 0, 10, 5, key="strength_rpe", disabled=not may_log)
    exercises = st.text_input(
        "Exercises (optional)", key="strength_exercises", disabled=not may_log
    )
    notes = st.text_input("Notes (optional)", key="strength_notes", disabled=not may_log)
    if st.form_submit_button("Save the session", type="primary", disabled=not may_log):
        with ui.refused():
            try:
                src.store.add_session(when, kind, float(minutes), float(rpe), exercises, notes)
            except ValueError as err:
                st.error(f"Not saved: {err}")
            else:
                st.cache_data.clear()
                st.rerun()

if data["all_sessions"] == 0:
    st.info(
        "No strength or mobility sessions yet. Upload a watch's strength, yoga or cardio "
        "activity in the sidebar, or log a session above.",
        icon=":material/inbox:",
    )
    st.stop()

weekly = data["weekly"]
done = weekly[weekly[strength.WEEK_STATUS] != "in progress"]
a, b = st.columns(2)
a.metric(
    "Weeks within the target",
    f"{int((done[strength.WEEK_STATUS] == strength.WITHIN).sum())} of {len(done)}",
    help=f"{low}–{high} strength or plyometric sessions a week",
)
a.caption("Weeks of the period that have ended, and this week once it has reached the target.")
b.metric(
    "Strength sessions a week",
    f"{weekly[c.SESSIONS].mean():.1f}" if len(weekly) else "—",
    help="mean over the period's weeks",
)
ui.chart(
    lambda: sessions_per_week_figure(weekly, data["target"]),
    "strength_weekly",
    f"Sessions each week, by type. The green band is the target, {low}–{high} strength or "
    "plyometric sessions; mobility and cross-training are stacked on top but not counted.",
    view=fig_view,
)

st.subheader("Placed before a hard or long run")
flags = data["flags"]
if flags.empty:
    st.success("No strength session in the period the day before a hard or long run.")
else:
    st.warning(
        f"{len(flags)} strength session(s) the day before a hard or long run: heavy legs meet the "
        "key run (running performance is still down the day after strength work, Doma & Deakin "
        "2014). Put strength on the hard day itself, after the run, or the day after it."
    )
    st.dataframe(
        flags.rename(
            columns={
                c.DATE: "Day", c.SESSION_TYPE: "Session", c.DURATION_MIN: "Minutes",
                strength.NEXT_DAY_TYPE: "Next day", c.RULE: "Why the next day counts",
            }
        ),
        hide_index=True,
        column_config={"Day": st.column_config.DateColumn("Day")},
        key="strength_flags",
    )  # fmt: skip
st.caption(
    f"Hard: at least {s.hard_session_min:g} min above the easy ceiling (Settings). Long: 90 min or "
    "more, or the week's longest run at 25 % or more of its distance (the long-run rule)."
)

st.subheader("Calendar")
ui.chart(
    lambda: calendar_figure(
        data["calendar"], days=data["days"], unit=s.units, sessions=data["session_days"]
    ),
    "strength_calendar",
    "Each square a day, coloured by its run; S marks a day with strength or mobility work "
    "(hover for minutes and type).",
    view=fig_view,
)

st.subheader("Sessions")
shown = data["sessions"]
if shown.empty:
    ui.nothing_in_period(period, "sessions")
    st.stop()
table = shown.assign(**{c.SESSION_LOAD: strength.session_load(shown)})
st.dataframe(
    table[[c.DATE, c.SESSION_TYPE, c.DURATION_MIN, c.RPE, c.SESSION_LOAD, c.EXERCISES, c.NOTES,
           strength.SOURCE]].fillna({c.EXERCISES: "", c.NOTES: ""})
    .sort_values(c.DATE, ascending=False),
    hide_index=True,
    key="strength_table",
    column_config={
        c.DATE: st.column_config.DateColumn("Day"),
        c.SESSION_TYPE: "Session",
        c.DURATION_MIN: st.column_config.NumberColumn("Minutes", format="%.0f"),
        c.RPE: st.column_config.NumberColumn("RPE [0-10]", format="%g"),
        c.SESSION_LOAD: st.column_config.NumberColumn("sRPE [RPE × min]", format="%.0f"),
        c.EXERCISES: "Exercises",
        c.NOTES: "Notes",
        strength.SOURCE: "From",
    },
)  # fmt: skip
logged = data["logged"]
if may_log and len(logged):
    labels = {
        str(r[c.SESSION_ID]): f"{pd.Timestamp(r[c.DATE]):%a %d %b} · {r[c.SESSION_TYPE]} · "
        f"{r[c.DURATION_MIN]:.0f} min"
        for _, r in logged.iterrows()
    }
    ui.delete_one(
        labels, "Delete a logged session", "strength_del", "strength_delete",
        src.store.delete_session,
    )  # fmt: skip
