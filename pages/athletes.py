"""Athletes: the coach's roster side by side, and invitations to accept."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from analysis import columns as c
from analysis import units
from analysis.views import roster
from pages import _access as gate
from pages import _common as ui

ui.page_context()
st.title("Athletes")
me = gate.current()

with st.expander("Accept an invitation", expanded=not gate.choices()[1:]):
    st.caption(
        "An athlete who wants you as their coach sends a link or a code. Opening the link while "
        "logged in accepts it; or paste the code here."
    )
    with st.form("accept_form", clear_on_submit=True):
        code = st.text_input("Invitation code", key="accept_code", type="password")
        if st.form_submit_button("Accept", key="accept_submit") and code.strip():
            ui.accept_invitation(code.strip())

coached = [ch for ch in gate.choices() if ch.role.value in roster.ROLES]
if not coached:
    st.info(
        "No athletes yet. When an athlete invites you, they appear here side by side.",
        icon=":material/groups:",
    )
    st.stop()


@st.cache_data(show_spinner=False, max_entries=256)
def _row(key: str, revision: int, athlete_id: str, name: str, role: str, day: dt.date) -> Any:
    # keyed by the athlete's store key and revision: one entry per athlete and state
    store = ui.open_store(key)
    entry = roster.RosterEntry(athlete_id, name, role, store, store.load_settings())
    return roster.roster_row(entry, day)


today = dt.date.today()
rows = []
progress = st.progress(0.0, text="Reading your athletes…") if len(coached) > 3 else None
for i, choice in enumerate(coached):
    key = ui.store_key(choice.athlete_id, choice.role.value)
    try:
        revision = ui.open_store(key).revision()
        rows.append(_row(key, revision, choice.athlete_id, choice.name, choice.role.value, today))
    except Exception as err:  # one athlete's failure must not hide the others
        # no store to hand over: the row only names the athlete and the reason
        entry = roster.RosterEntry(choice.athlete_id, choice.name, choice.role.value, None, None)  # type: ignore[arg-type]
        rows.append(roster.unreadable_row(entry, err))
    if progress is not None:
        progress.progress((i + 1) / len(coached), text=f"Reading your athletes: {i + 1}")
if progress is not None:
    progress.empty()

# the coach's own unit: one table, one unit (each row used its athlete's own settings)
own = gate.choices()[0]
s = ui.open_store(ui.store_key(own.athlete_id, own.role.value)).load_settings()
table = roster.roster_table(rows, s.units)
u = units.distance_label(s.units)
COLOUR = {"green": "🟢", "yellow": "🟡", "red": "🔴", "grey": "⚪"}
BAND = {"sweet spot": "🟢", "low": "🟡", "caution": "🟡", "danger": "🔴"}
shown = table.assign(
    **{
        roster.COMPLIANCE_COLOUR: table[roster.COMPLIANCE_COLOUR].map(
            lambda v: COLOUR.get(str(v), "")
        ),
        roster.ACWR_BAND: table[roster.ACWR_BAND].map(
            lambda v: f"{BAND.get(str(v), '')} {v}".strip() if isinstance(v, str) else ""
        ),
    }
)
st.caption(
    f"{len(coached)} athletes, most urgent first (back off, hold, push; then by ACWR). Click a "
    "column header to sort; select a row to open that athlete's pages. Each athlete's numbers "
    "use their own settings; distances are in your unit."
)
nonce = st.session_state.setdefault("roster_nonce", 0)
picked = st.dataframe(
    shown,
    hide_index=True,
    key=f"roster_table_{nonce}",
    on_select="rerun",
    selection_mode="single-row",
    column_order=[col for col in shown.columns if col != roster.ATHLETE_ID],
    column_config={
        c.NAME: "Athlete",
        roster.ROLE: "Your access",
        roster.WEEK_DISTANCE[s.units]: st.column_config.NumberColumn(
            f"This week [{u}]", format="%.1f"
        ),
        roster.PLAN_DISTANCE[s.units]: st.column_config.NumberColumn(
            f"Planned [{u}]", format="%.1f"
        ),
        c.COMPLIANCE_PCT: st.column_config.NumberColumn("Done of plan [%]", format="%.0f"),
        roster.COMPLIANCE_COLOUR: st.column_config.TextColumn(
            "Compliance", help="TrainingPeaks colours: green within ±20 % of plan"
        ),
        c.ACWR: st.column_config.NumberColumn("ACWR today", format="%.2f"),
        roster.ACWR_BAND: "Band",
        c.VERDICT: "Today",
        roster.FIRST_REASON: "Because",
        c.MONOTONY: st.column_config.NumberColumn("Monotony", format="%.2f"),
        roster.FLAGS: "Flags",
        roster.LAST_ACTIVITY_DATE: st.column_config.DateColumn("Last activity"),
        roster.LAST_WELLNESS_DATE: st.column_config.DateColumn("Last wellness entry"),
    },
)
selected = picked.selection.rows if picked is not None else []
if selected:
    st.session_state["roster_nonce"] = nonce + 1  # back on this page, nothing is selected
    gate.open_athlete(str(table.iloc[selected[0]][roster.ATHLETE_ID]))
    st.switch_page("pages/overview.py")
