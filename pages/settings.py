"""Settings: the athlete sets these once; the store remembers them."""

import dataclasses

import streamlit as st

from analysis import units
from analysis.dashboard import load_label
from analysis.settings import (
    ACWR_VARIANTS,
    CRITICAL_POWER_RANGE_W,
    LOAD_MODELS,
    PMC_CONVENTIONS,
    ZONE_MODELS,
    AthleteSettings,
)
from pages import _common as ui

ZONE_LABELS = {
    "hrmax": "% of max HR",
    "hrr": "% of heart-rate reserve (Karvonen)",
    "lthr": "% of lactate-threshold HR (Friel)",
}
VARIANT_LABELS = {
    "rolling": "Rolling 7:28, coupled (Gabbett 2016)",
    "uncoupled": "Rolling, uncoupled: 7 days over the 21 before (Windt & Gabbett)",
    "ewma": "Exponentially weighted, λ = 2/(N+1) (Williams et al. 2017)",
}
PMC_LABELS = {
    "trainingpeaks": "k = 1/N (TrainingPeaks)",
    "banister": "k = 1 − e^(−1/N) (Banister's exponential decay)",
    "runalyze": "k = 2/(N+1) (Runalyze)",
}

SAVED_FLASH = "_settings_saved"

src, current, _ = ui.page_context()
st.title("Settings")
if st.session_state.pop(SAVED_FLASH, False):
    st.success("Saved.")
may_change = ui.may("settings")
if may_change:
    st.caption("Saved in your own store, so they survive a restart. Every page uses them.")
else:
    st.caption(
        f"{src.access.athlete_name}'s settings, as every page uses them. Only the athlete "
        "changes them."
    )

with st.form("settings_form"):
    st.subheader("You")
    a, b = st.columns(2)
    unit = a.radio(
        "Units", ["km", "mi"], index=["km", "mi"].index(current.units), key="set_units",
        horizontal=True,
    )  # fmt: skip
    week = b.radio(
        "Weeks start on", ["monday", "sunday"], key="set_week_start", horizontal=True,
        index=["monday", "sunday"].index(current.week_start), format_func=str.title,
    )  # fmt: skip
    a, b, d = st.columns(3)
    max_hr = a.number_input("Max HR [bpm]", 120, 240, current.max_hr_bpm, key="set_max_hr")
    rest_hr = b.number_input("Resting HR [bpm]", 30, 110, current.resting_hr_bpm, key="set_rest_hr")
    lthr = d.number_input("Lactate-threshold HR [bpm]", 100, 230, current.lthr_bpm, key="set_lthr")
    a, b = st.columns(2)
    sex = a.radio(
        "Sex (for TRIMP constants)", ["male", "female"], key="set_sex", horizontal=True,
        index=["male", "female"].index(current.sex), format_func=str.title,
    )  # fmt: skip
    zone_model = b.selectbox(
        "Heart-rate zone model", ZONE_MODELS, key="set_zone_model",
        index=ZONE_MODELS.index(current.zone_model), format_func=ZONE_LABELS.__getitem__,
    )  # fmt: skip
    pace_shown = units.format_pace(current.threshold_pace_s_per_km, current.units, with_unit=False)
    pace_text = st.text_input(
        f"Threshold pace [m:ss per {units.distance_label(current.units)}] — about your 1-hour "
        "race pace",
        pace_shown, key="set_pace", max_chars=8,
        help="Minutes and seconds, such as 4:30, per the distance unit chosen above.",
    )  # fmt: skip

    st.subheader("Training load")
    a, b = st.columns(2)
    load_model = a.selectbox(
        "Daily training load", LOAD_MODELS, key="set_load_model",
        index=LOAD_MODELS.index(current.load_model),
        format_func=lambda m: load_label(dataclasses.replace(current, load_model=m)),
    )  # fmt: skip
    variant = b.selectbox(
        "ACWR model", ACWR_VARIANTS, key="set_acwr_variant",
        index=ACWR_VARIANTS.index(current.acwr_variant), format_func=VARIANT_LABELS.__getitem__,
    )  # fmt: skip
    a, b, d, e = st.columns(4)
    floor = a.number_input(
        "Days of history before a ratio [d]", 8, 28, current.acwr_min_chronic_days,
        key="set_acwr_floor",
    )  # fmt: skip
    sweet_low = b.number_input(
        "Sweet spot from", 0.1, 2.0, current.acwr_sweet_low, 0.05, key="set_sweet_low"
    )
    sweet_high = d.number_input(
        "Sweet spot to", 0.2, 3.0, current.acwr_sweet_high, 0.05, key="set_sweet_high"
    )
    danger = e.number_input("Danger above", 0.3, 4.0, current.acwr_danger, 0.05, key="set_danger")
    a, b, d = st.columns(3)
    pmc_convention = a.selectbox(
        "Fitness/fatigue smoothing", PMC_CONVENTIONS, key="set_pmc",
        index=PMC_CONVENTIONS.index(current.pmc_convention), format_func=PMC_LABELS.__getitem__,
    )  # fmt: skip
    ramp = b.number_input(
        "Weekly ramp limit [%]", 1.0, 50.0, float(current.ramp_limit_pct), step=1.0, key="set_ramp"
    )
    cutback = d.number_input(
        "Cutback week: at least this much lighter [%]", 5.0, 60.0,
        float(current.cutback_threshold_pct), step=5.0, key="set_cutback",
    )  # fmt: skip
    hard_min = st.number_input(
        "A session is hard with at least this many minutes above the easy ceiling [min]",
        1.0, 120.0, float(current.hard_session_min), step=1.0, key="set_hard_min",
    )  # fmt: skip
    critical_power = st.number_input(
        "Critical power for running power zones [W] (0: not known)", 0.0, CRITICAL_POWER_RANGE_W[1],
        float(current.critical_power_w), step=5.0, key="set_critical_power",
        help="Stryd's critical power, or the mean power of a 30–60 min all-out run.",
    )  # fmt: skip
    a, b = st.columns(2)
    strength_in_load = a.checkbox(
        "Count logged strength & mobility sessions in the total load", current.strength_in_load,
        key="set_strength_load",
        help="Session RPE (RPE × minutes, Foster 2001) under the session-RPE model, minutes under "
        "the duration model; the distance load stays running only.",
    )  # fmt: skip
    pain_limit = b.number_input(
        "Back off from this pain severity [0–10]", 1.0, 10.0, float(current.pain_limit),
        step=1.0, key="set_pain_limit",
        help="Pain at or above it in the last three days makes the decision back off "
        "(the pain-monitoring model allows up to 5/10; Silbernagel et al. 2007).",
    )  # fmt: skip
    saved = st.form_submit_button(
        "Save settings", type="primary", key="settings_save", disabled=not may_change
    )


def _threshold_pace(text: str, unit: str) -> float:
    """The typed threshold pace [s/km]; ``text`` is m:ss per ``unit``.

    Unchanged text after a switch of units keeps the stored pace: it was shown in the old unit.
    """
    if unit != current.units and text.strip() == pace_shown:
        return current.threshold_pace_s_per_km
    return units.pace_to_s_per_km(units.parse_pace(text), unit)


if saved:
    try:
        new = AthleteSettings(
            units=unit, week_start=week, max_hr_bpm=int(max_hr), resting_hr_bpm=int(rest_hr),
            lthr_bpm=int(lthr), sex=sex, zone_model=zone_model, load_model=load_model,
            ramp_limit_pct=float(ramp), acwr_variant=variant, acwr_min_chronic_days=int(floor),
            acwr_sweet_low=float(sweet_low), acwr_sweet_high=float(sweet_high),
            acwr_danger=float(danger), pmc_convention=pmc_convention,
            cutback_threshold_pct=float(cutback), hard_session_min=float(hard_min),
            threshold_pace_s_per_km=_threshold_pace(pace_text, unit),
            critical_power_w=float(critical_power),
            strength_in_load=bool(strength_in_load), pain_limit=float(pain_limit),
        )  # fmt: skip
    except ValueError as err:
        st.error(f"Not saved: {err}")
    else:
        # the store checks the role again: a forged submit is refused on the server
        with ui.refused():
            ui.save_settings(new)
            # drawn afresh from what was saved: the pace box shows it in the saved unit
            st.session_state.pop("set_pace", None)
            st.session_state[SAVED_FLASH] = True
            st.rerun()
