"""Stridelog: the frame and router. Pages are listed explicitly; each one only composes."""

import streamlit as st

from pages import _common as ui

st.set_page_config(page_title="Stridelog", page_icon="🏃", layout="wide")

PAGES = [
    st.Page("pages/overview.py", title="Overview", icon="🏠", default=True),
    st.Page("pages/mileage.py", title="Mileage", icon="📏"),
    st.Page("pages/cadence.py", title="Cadence", icon="👟"),
    st.Page("pages/intensity.py", title="Intensity", icon="❤️"),
    st.Page("pages/training_load.py", title="Training load (ACWR)", icon="⚖️"),
    st.Page("pages/activities.py", title="Activities", icon="🗂️"),
    st.Page("pages/settings.py", title="Settings", icon="⚙️"),
]

page = st.navigation(PAGES)
ui.sidebar()
page.run()
