"""Stridelog: the frame and router. Pages are listed explicitly; each one only composes."""

import streamlit as st

from pages import _common as ui

st.set_page_config(page_title="Stridelog", page_icon=":material/directions_run:", layout="wide")

PAGES = [
    st.Page("pages/overview.py", title="Overview", icon=":material/home:", default=True),
    st.Page("pages/mileage.py", title="Mileage", icon=":material/straighten:"),
    st.Page("pages/cadence.py", title="Cadence", icon=":material/directions_run:"),
    st.Page("pages/intensity.py", title="Intensity", icon=":material/favorite:"),
    st.Page(
        "pages/training_load.py", title="Training load (ACWR)", icon=":material/monitor_heart:"
    ),
    st.Page("pages/fitness.py", title="Fitness & form", icon=":material/trending_up:"),
    st.Page("pages/guidance.py", title="Guidance", icon=":material/explore:"),
    st.Page("pages/recovery.py", title="Recovery", icon=":material/bedtime:"),
    st.Page("pages/plan.py", title="Plan", icon=":material/event_note:"),
    st.Page("pages/activities.py", title="Activities", icon=":material/list:"),
    st.Page("pages/settings.py", title="Settings", icon=":material/settings:"),
]

page = st.navigation(PAGES)
ui.sidebar()
page.run()
