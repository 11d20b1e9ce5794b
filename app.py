"""Stridelog: the frame and router. Pages are listed explicitly; each one only composes.

Before any page runs, the gate decides who is asking (pages/_access.py): on a laptop the one local
athlete; on a hosted server a logged-in person or a share link, or else the login page.
"""

import streamlit as st

from analysis.limits import environment_problem
from pages import _access as gate
from pages import _common as ui

st.set_page_config(page_title="Stridelog", page_icon=":material/directions_run:", layout="wide")

if problem := environment_problem():  # a bad STRIDELOG_* limit: say so, don't fail every file
    st.error(problem)
    st.stop()

PAGES = [
    st.Page("pages/overview.py", title="Overview", icon=":material/home:", default=True),
    st.Page("pages/mileage.py", title="Mileage", icon=":material/straighten:"),
    st.Page("pages/cadence.py", title="Cadence", icon=":material/directions_run:"),
    st.Page("pages/intensity.py", title="Intensity", icon=":material/favorite:"),
    st.Page(
        "pages/training_load.py", title="Training load (ACWR)", icon=":material/monitor_heart:"
    ),
    st.Page("pages/fitness.py", title="Fitness & form", icon=":material/trending_up:"),
    st.Page("pages/efficiency.py", title="Efficiency & tests", icon=":material/speed:"),
    st.Page("pages/guidance.py", title="Guidance", icon=":material/explore:"),
    st.Page("pages/efforts.py", title="Best efforts", icon=":material/military_tech:"),
    st.Page("pages/recovery.py", title="Recovery", icon=":material/bedtime:"),
    st.Page("pages/strength.py", title="Strength & mobility", icon=":material/fitness_center:"),
    st.Page("pages/pain.py", title="Pain & niggles", icon=":material/healing:"),
    st.Page("pages/plan.py", title="Plan", icon=":material/event_note:"),
    st.Page("pages/race.py", title="Race & blocks", icon=":material/flag:"),
    st.Page("pages/gear.py", title="Gear", icon=":material/steps:"),
    st.Page("pages/activities.py", title="Activities", icon=":material/list:"),
    st.Page("pages/share.py", title="Report & sharing", icon=":material/share:"),
    st.Page("pages/settings.py", title="Settings", icon=":material/settings:"),
]
ATHLETES = st.Page("pages/athletes.py", title="Athletes", icon=":material/groups:")

who = gate.resolve()
if not isinstance(who, gate.Access):
    # not logged in, or a link that does not work: that page alone, nothing of any athlete
    st.navigation([st.Page(who, title="Stridelog", default=True)], position="hidden").run()
    st.stop()

if who.person.kind == "user":
    # a logged-in person may coach others: their roster, and invitations to accept
    page = st.navigation({"Training": PAGES, "Coaching": [ATHLETES]}, expanded=True)
else:
    page = st.navigation(PAGES, expanded=True)
ui.sidebar()
page.run()
