"""Fitness, fatigue and form (PMC), and Foster's monotony and strain."""

import streamlit as st

from analysis import columns as c
from analysis.figures import captions
from analysis.figures.fitness import DISTANCE_MODEL_NOTE, monotony_figure, pmc_figure
from analysis.metrics.pmc import PMC_CONVENTION_TEXT, TSB_TEXT, monotony_level
from pages import _common as ui
from pages import _season

src, s, skey = ui.page_context()
st.title("Fitness & form")
period = ui.period_control(src, s)
fig_view = ui.view(src, skey, period)
data = ui.fitness(src.key, src.revision, skey, (period.first, period.as_of))
if data["pmc"].empty:
    ui.empty_state("activities")
    st.stop()

fit, mono = data["pmc"], data["monotony"]
last = fit.iloc[-1]
a, b, d = st.columns(3)
a.metric("Fitness (CTL)", f"{last[c.CTL]:.1f}", help="42-day load average")
b.metric("Fatigue (ATL)", f"{last[c.ATL]:.1f}", help="7-day load average")
d.metric("Form (TSB)", f"{last[c.TSB]:+.1f}", help=TSB_TEXT)
st.caption(
    f"Load: **{data['label']}**. Time constants 42 and 7 days; {PMC_CONVENTION_TEXT[s.pmc_convention]} "
    "Form is yesterday's fitness minus yesterday's fatigue. Change the convention in Settings."
)
ui.chart(
    lambda: _season.bands(pmc_figure(fit, data["label"], load_model=s.load_model), src, period),
    "fitness_pmc",
    captions.FITNESS_PMC,
    view=fig_view,
)
if s.load_model == "distance":
    st.caption(DISTANCE_MODEL_NOTE)
level = monotony_level(float(mono[c.MONOTONY].iloc[-1]))
if level in ("warning", "critical"):
    st.warning(
        f"Training monotony is {mono[c.MONOTONY].iloc[-1]:.2f} ({level}): the days are too alike. "
        "Mix harder and easier days, and keep a rest day."
    )
ui.chart(
    lambda: monotony_figure(mono, load_label=data["label"]),
    "fitness_monotony",
    captions.FITNESS_MONOTONY,
    view=fig_view,
)
