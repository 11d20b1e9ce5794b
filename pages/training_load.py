"""Training load: daily load, 7- and 28-day rolling loads, their ratio with its bands."""

import streamlit as st

from analysis.figures.load import acwr_figure, load_figure
from pages import _common as ui

src, s, skey = ui.page_context()
st.title("Training load (ACWR)")
ld = ui.load(src.path, src.revision, skey, ui.as_of(src))
if ld.acr.empty:
    ui.empty_state("activities")
    st.stop()

st.caption(
    f"Daily load: **{ld.label}** (choose distance, duration or TRIMP in Settings). Rest days count "
    "as zero load. Acute = mean daily load of the last 7 days, chronic = of the last 28 days "
    "(rolling averages, coupled; Gabbett 2016)."
)
if ld.without_hr:
    st.warning(f"{ld.without_hr} activities have no heart rate and count as 0 TRIMP.")
if not ld.enough_history:
    st.warning(
        f"**Not enough history yet**: the ratio needs 28 days of data, you have {ld.history_days}. "
        "Until then only the loads are shown."
    )
else:
    value = "—" if ld.current_acwr is None else f"{ld.current_acwr:.2f}"
    st.metric("ACWR today", value, help=f"Band: {ld.current_band}")
ui.chart(
    load_figure(ld.acr, ld.label),
    "load_daily",
    "Bars are each day's load; the lines are the 7-day (acute) and 28-day (chronic) rolling means. "
    "Acute well above chronic means you are doing more than you are used to.",
)
if ld.enough_history:
    ui.chart(
        acwr_figure(ld.acr),
        "load_acwr",
        "Acute divided by chronic. Green (0.8–1.3) is the sweet spot, amber is caution, red (above "
        "1.5) is the danger zone where injuries follow spikes. It is a rough guide, not a verdict.",
    )
