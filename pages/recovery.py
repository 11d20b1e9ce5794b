"""Recovery: the wellness log, baselines, and today's push / hold / back-off with its reasons."""

import datetime as dt

import pandas as pd
import streamlit as st

from analysis import columns as c
from analysis import dashboard
from analysis.figures.recovery import recovery_trends_figure, subjective_figure
from analysis.metrics.hrv import hrv_readiness
from pages import _common as ui

VERDICT_BOX = {
    "push": st.success,
    "hold": st.warning,
    "back-off": st.error,
    dashboard.NOT_ENOUGH_DATA: st.info,
}
VERDICT_WORDS = {
    "push": "Push: nothing in the rules holds you back.",
    "hold": "Hold: keep the planned load, no more.",
    "back-off": "Back off: make it an easy or rest day.",
    dashboard.NOT_ENOUGH_DATA: "Not enough data: none of the signals the rules read is known.",
}

src, s, skey = ui.page_context()
st.title("Recovery")
period = ui.period_control(src, s)
fig_view = ui.view(src, skey, period)
day = period.as_of
data = ui.recovery(src.key, src.revision, skey, (period.first, day))


def _show(title: str, decision, verdict: str) -> None:  # type: ignore[no-untyped-def]
    lines = [f"**{title}: {VERDICT_WORDS[verdict]}**"]
    lines += [f"- {reason}" for reason in decision.reasons]
    if decision.not_known:
        lines.append(f"_Not known, so not counted: {', '.join(decision.not_known)}._")
    VERDICT_BOX[verdict]("\n".join(lines))


left, right = st.columns(2)
with left:
    label = ui.as_of_label(day)  # "As of" names its day; "Today" gets the date beside it
    label += f" ({day:%a %d %b})" if day == dt.date.today() else ""
    _show(label, data["today"], data["today_verdict"])
with right:
    week0 = data[c.WEEK_START]
    _show(
        f"{ui.week_label(week0, day)} (from {week0:%a %d %b})", data["week"], data["week_verdict"]
    )

with st.expander("The rules behind it (edit them to your own)"):
    st.caption(
        "Each row tests one signal; the worst verdict of the rules that fire wins, and push when "
        "none does. Resting HR 5–10 bpm over its 28-day baseline is the guidance's warning sign; "
        "HRV is 'below' when its 7-day mean of ln rMSSD falls more than 0.5 SD under the baseline "
        "(Plews et al. 2013)."
    )
    may_edit = src.can("rules")
    edited = st.data_editor(
        data["rules_table"], key="recovery_rules", hide_index=True, disabled=not may_edit,
        num_rows="dynamic" if may_edit else "fixed",
    )  # fmt: skip
    if may_edit:
        a, b = st.columns(2)
        if a.button("Save rules", key="recovery_rules_save"):
            with ui.refused():
                try:
                    dashboard.save_decision_rules(src.store, edited)
                except ValueError as err:
                    st.error(f"Not saved: {err}")
                else:
                    st.cache_data.clear()
                    st.rerun()
        if b.button("Back to the defaults", key="recovery_rules_reset"):
            with ui.refused():
                dashboard.save_decision_rules(src.store, None)
                st.cache_data.clear()
                st.rerun()

st.subheader("Log today")
if src.is_demo:
    st.caption("The demo athlete's log is read-only; upload your own data to keep yours.")
elif not src.can("wellness"):
    st.caption("Only the athlete writes their wellness log.")
else:
    with st.form("wellness_form"):
        when = st.date_input("Day", value=dt.date.today(), key="well_date")
        a, b, d = st.columns(3)
        rhr = a.number_input("Resting HR [bpm]", 25, 120, None, key="well_rhr")
        hrv = b.number_input("HRV, rMSSD [ms]", 1.0, 300.0, None, key="well_hrv")
        sleep = d.number_input("Sleep [h]", 0.0, 16.0, None, step=0.25, key="well_sleep")
        a, b, d, e, g = st.columns(5)
        quality = a.slider("Sleep quality (1 poor – 5 great)", 1, 5, 3, key="well_quality")
        soreness = b.slider("Soreness (1 none – 5 very)", 1, 5, 1, key="well_soreness")
        fatigue = d.slider("Fatigue (1 none – 5 very)", 1, 5, 1, key="well_fatigue")
        mood = e.slider("Mood (1 bad – 5 great)", 1, 5, 3, key="well_mood")
        stress = g.slider("Stress (1 none – 5 very)", 1, 5, 1, key="well_stress")
        notes = st.text_input("Notes", key="well_notes")
        if st.form_submit_button("Save the day", type="primary", key="well_save"):
            row = {
                c.DATE: pd.Timestamp(when), c.RESTING_HR_BPM: rhr, c.HRV_RMSSD_MS: hrv,
                c.SLEEP_H: sleep, c.SLEEP_QUALITY: quality, c.SORENESS: soreness,
                c.FATIGUE: fatigue, c.MOOD: mood, c.STRESS: stress, c.NOTES: notes,
            }  # fmt: skip
            with ui.refused():
                src.store.upsert_wellness(pd.DataFrame([row]))
                st.cache_data.clear()
                st.rerun()
    st.caption(
        "Or upload a wellness CSV in the sidebar: the generic layout (date, resting_hr_bpm, "
        "hrv_rmssd_ms, sleep_h, sleep_quality, soreness, fatigue, mood, stress, notes), or an "
        "HRV4Training or Elite HRV export."
    )

if data["wellness"].empty:
    if data["wellness_all"]:
        ui.nothing_in_period(period, "wellness entries")
    else:
        ui.empty_state("wellness entries")
    st.stop()
ui.chart(
    lambda: recovery_trends_figure(data["baselines"]),
    "recovery_trends",
    "Resting HR and HRV against your own baseline (the 28 days before each morning). Resting HR "
    "5–10 bpm above baseline, or HRV below its usual band, says you have not recovered; short "
    "sleep adds to it.",
    view=fig_view,
)
morning = hrv_readiness(data["baselines"], day)
if morning[c.HRV_TODAY_STATUS]:
    where = {"below": "below", "within": "inside", "above": "above"}
    st.caption(
        f"HRV {ui.day_words(day)}: {morning[c.HRV_TODAY_MS]:.0f} ms, "
        f"**{where[str(morning[c.HRV_TODAY_STATUS])]}** the usual band of "
        f"{morning[c.HRV_BAND_LOW_MS]:.0f}–{morning[c.HRV_BAND_HIGH_MS]:.0f} ms (the smallest "
        "worthwhile change: mean ± 0.5 SD of ln rMSSD over the 28 days before; Plews et al. "
        "2013). One morning is noisy: the rules read the 7-day mean."
    )
ui.chart(
    lambda: subjective_figure(data["wellness"]),
    "recovery_subjective",
    "How you felt, 1 to 5: soreness, fatigue and stress are worse when high, mood better when high.",
    view=fig_view,
)
