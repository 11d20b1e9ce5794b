"""Settings: the athlete sets these once; the store remembers them."""

import streamlit as st

from analysis.settings import LOAD_MODELS, ZONE_MODELS, AthleteSettings
from pages import _common as ui

ZONE_LABELS = {
    "hrmax": "% of max HR",
    "hrr": "% of heart-rate reserve (Karvonen)",
    "lthr": "% of lactate-threshold HR (Friel)",
}
LOAD_LABELS = {
    "distance": "Distance (km)",
    "duration": "Moving time (min)",
    "trimp": "Banister TRIMP (needs heart rate)",
}

src, current, _ = ui.page_context()
st.title("Settings")
st.caption("Saved in your own store, so they survive a restart. Every page uses them.")

with st.form("settings_form"):
    a, b = st.columns(2)
    unit = a.radio(
        "Units",
        ["km", "mi"],
        index=["km", "mi"].index(current.units),
        key="set_units",
        horizontal=True,
    )
    week = b.radio(
        "Weeks start on",
        ["monday", "sunday"],
        key="set_week_start",
        horizontal=True,
        index=["monday", "sunday"].index(current.week_start),
        format_func=str.title,
    )
    a, b, d = st.columns(3)
    max_hr = a.number_input("Max HR [bpm]", 120, 240, current.max_hr_bpm, key="set_max_hr")
    rest_hr = b.number_input("Resting HR [bpm]", 30, 110, current.resting_hr_bpm, key="set_rest_hr")
    lthr = d.number_input("Lactate-threshold HR [bpm]", 100, 230, current.lthr_bpm, key="set_lthr")
    a, b = st.columns(2)
    sex = a.radio(
        "Sex (for TRIMP constants)",
        ["male", "female"],
        key="set_sex",
        horizontal=True,
        index=["male", "female"].index(current.sex),
        format_func=str.title,
    )
    zone_model = b.selectbox(
        "Heart-rate zone model",
        ZONE_MODELS,
        key="set_zone_model",
        index=ZONE_MODELS.index(current.zone_model),
        format_func=ZONE_LABELS.__getitem__,
    )
    a, b = st.columns(2)
    load_model = a.selectbox(
        "Daily training load",
        LOAD_MODELS,
        key="set_load_model",
        index=LOAD_MODELS.index(current.load_model),
        format_func=LOAD_LABELS.__getitem__,
    )
    ramp = b.number_input(
        "Weekly ramp limit [%]", 1.0, 50.0, float(current.ramp_limit_pct), step=1.0, key="set_ramp"
    )
    saved = st.form_submit_button("Save settings", type="primary", key="settings_save")

if saved:
    try:
        new = AthleteSettings(
            units=unit,
            week_start=week,
            max_hr_bpm=int(max_hr),
            resting_hr_bpm=int(rest_hr),
            lthr_bpm=int(lthr),
            sex=sex,
            zone_model=zone_model,
            load_model=load_model,
            ramp_limit_pct=float(ramp),
        )
    except ValueError as err:
        st.error(f"Not saved: {err}")
    else:
        ui.save_settings(new)
        st.success("Saved.")
