"""Training load: daily load, acute and chronic loads, their ratio with its bands."""

import streamlit as st

from analysis.figures import captions
from analysis.figures.load import acwr_figure, load_figure
from analysis.metrics.load import (
    ACWR_VARIANT_TEXT,
    IMPELLIZZERI_2020,
    IMPELLIZZERI_2020_URL,
    MAX_GAP_DAYS,
)
from pages import _common as ui
from pages import _season

src, s, skey = ui.page_context()
st.title("Training load (ACWR)")
period = ui.period_control(src, s)
fig_view = ui.view(src, skey, period)
ld = ui.load(src.key, src.revision, skey, (period.first, period.as_of))
if ld.acr.empty:
    ui.empty_state("activities")
    st.stop()

st.caption(
    f"Daily load: **{ld.label}**. Rest days count as zero load. Ratio: "
    f"{ACWR_VARIANT_TEXT[ld.variant]} Bands: {s.acwr_sweet_low:g}–{s.acwr_sweet_high:g} sweet "
    f"spot, above {s.acwr_danger:g} danger. Change the model, the ratio and the bands in Settings."
)
if ld.without_hr:
    st.warning(f"{ld.without_hr} activities have no heart rate and count as 0 load in this model.")
if ld.unrated:
    st.warning(
        f"{ld.unrated} activities have no RPE yet and count as 0 load: rate them on the "
        "Activities page (session RPE = CR-10 rating × minutes, Foster et al. 2001)."
    )
# a return after a break is named as such: a ratio against the faded load before it would mislead
back = ld.return_after_break
if back is not None:
    st.info(captions.return_after_break(back), icon=":material/restart_alt:")
elif not ld.enough_history_today:
    # the days counted are those since training began or last resumed, as the ratio counts them
    st.warning(
        f"**Not enough history yet**: the ratio needs {ld.min_chronic_days} days of data "
        f"behind it, you have {ld.recorded_days} since training began or last resumed after a "
        f"break (more than {MAX_GAP_DAYS} days without training). A ratio over a short history "
        f"swings wildly, so there is none {ui.day_words(period.as_of)}."
    )
else:
    value = "—" if ld.current_acwr is None else f"{ld.current_acwr:.2f}"
    st.metric(f"ACWR {ui.day_words(period.as_of)}", value, help=f"Band: {ld.current_band}")
ui.chart(
    lambda: _season.bands(load_figure(ld.acr, ld.label), src, period),
    "load_daily",
    captions.LOAD_DAILY,
    view=fig_view,
)
if ld.enough_history:
    ui.chart(
        lambda: acwr_figure(ld.acr, (s.acwr_sweet_low, s.acwr_sweet_high), s.acwr_danger),
        "load_acwr",
        captions.LOAD_ACWR,
        view=fig_view,
    )
st.caption(f"Its limits: {IMPELLIZZERI_2020} [Read the paper]({IMPELLIZZERI_2020_URL}).")
