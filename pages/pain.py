"""Pain & niggles: the pain log, each site over time against weekly distance and ACWR, and what
the 28 days before each episode held."""

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from analysis import columns as c
from analysis.figures.pain import pain_sites_figure
from analysis.metrics import pain
from analysis.settings import AthleteSettings
from analysis.store.contract import BODY_SITES, PAIN_TIMES, SIDES
from analysis.views.pain import pain_data
from pages import _common as ui


@st.cache_data(show_spinner="Crunching the numbers…", max_entries=16)
def _data(key: str, revision: int, skey: tuple[Any, ...], days: ui.Days) -> dict[str, Any]:
    first, day = days
    return pain_data(ui.open_store(key), AthleteSettings(**dict(skey)), day, first=first)


src, s, skey = ui.page_context()
st.title("Pain & niggles")
period = ui.period_control(src, s)
data = _data(src.key, src.revision, skey, (period.first, period.as_of))
fig_view = ui.view(src, skey, period)
st.warning(
    "**Association, not diagnosis.** The table below lists what the weeks before a niggle held; "
    "it cannot say what caused it. Pain that lasts, grows or changes how you run needs a "
    "physiotherapist or doctor.",
    icon=":material/healing:",
)
st.caption(
    f"Pain at or above {s.pain_limit:g}/10 (Settings) in the last three days makes today's "
    "decision back off (the pain-monitoring model allows up to 5/10; Silbernagel et al. 2007)."
)

st.subheader("Log a niggle")
may_log = src.can("pain") and not src.is_demo
if src.is_demo:
    st.caption("The demo athlete's log is read-only; upload your own data to keep yours.")
elif not src.can("pain"):
    st.caption("Only the athlete writes their pain log.")
with st.form("pain_form"):
    a, b, d = st.columns(3)
    when = a.date_input("Day", value=dt.date.today(), key="pain_date", disabled=not may_log)
    site = b.selectbox("Body site", BODY_SITES, key="pain_site", disabled=not may_log)
    side = d.selectbox("Side", SIDES, key="pain_side", disabled=not may_log)
    a, b = st.columns(2)
    severity = a.slider(
        "Severity (0 none – 10 worst)", 0, 10, 3, key="pain_severity", disabled=not may_log
    )
    timing = b.selectbox("When it hurts", PAIN_TIMES, key="pain_timing", disabled=not may_log)
    notes = st.text_input("Notes (optional)", key="pain_notes", disabled=not may_log)
    if st.form_submit_button("Save", type="primary", disabled=not may_log):
        with ui.refused():
            try:
                src.store.add_pain(when, site, side, float(severity), timing, notes)
            except ValueError as err:
                st.error(f"Not saved: {err}")
            else:
                st.cache_data.clear()
                st.rerun()

if data["all_entries"] == 0:
    st.info("No niggles logged yet. Log one above when something hurts.", icon=":material/inbox:")
    st.stop()
if data["log"].empty:
    ui.nothing_in_period(period, "pain entries")
    st.stop()

ui.chart(
    lambda: pain_sites_figure(
        data["sites"],
        data["weekly"],
        data["acr"],
        unit=s.units,
        pain_limit=s.pain_limit,
        acwr_high=data["acwr_high"],
        acwr_danger=data["acwr_danger"],
    ),
    "pain_sites",
    "Each body site's worst entry per day (top), weekly running distance (middle) and the "
    "acute:chronic ratio with its caution band (bottom), on one time axis.",
    view=fig_view,
)

st.subheader("What the 28 days before each episode held")
st.caption(
    "An episode is a site's run of entries above 0 with less than a week between them. Ramp: a "
    f"week over your +{s.ramp_limit_pct:g} % limit (Nielsen et al. 2014). ACWR: a day above the "
    f"sweet spot's top, {data['acwr_high']:g} (Gabbett 2016). Long-run jump: a run more than "
    "10 % longer than the longest of the 30 days before it (Frandsen et al. 2025). Short sleep: "
    "under 6 h; high soreness: 4 or 5 of 5 in the wellness log. New shoes: a pair first worn "
    "in the window (the Gear page's first day of each pair). 'not known' means there was nothing to look at. Association, not cause."
)
table = data["triggers"]
shown = table.rename(
    columns={
        c.EPISODE_START: "From", pain.LAST_DAY: "To", c.BODY_SITE: "Site", c.SIDE: "Side",
        pain.PEAK: "Worst [0–10]", pain.ENTRIES: "Entries", pain.TRIGGERS: "Signals",
        # the label's first letter raised, the rest kept ("ACWR over the band")
        **{col: pain.TRIGGER_LABELS[col][:1].upper() + pain.TRIGGER_LABELS[col][1:]
           for col in pain.TRIGGER_COLUMNS},
    }
)  # fmt: skip
st.dataframe(
    shown.sort_values("From", ascending=False),
    hide_index=True,
    key="pain_triggers",
    column_config={
        "From": st.column_config.DateColumn("From"),
        "To": st.column_config.DateColumn("To"),
    },
)

st.subheader("The log")
log = data["log"]
st.dataframe(
    log.drop(columns=[c.PAIN_ID]).fillna({c.NOTES: ""}).sort_values(c.DATE, ascending=False),
    hide_index=True,
    key="pain_table",
    column_config={
        c.DATE: st.column_config.DateColumn("Day"),
        c.BODY_SITE: "Where",
        c.SIDE: "Side",
        c.SEVERITY: st.column_config.NumberColumn("Severity [0-10]", format="%g"),
        c.PAIN_WHEN: "When it hurts",
        c.NOTES: "Notes",
    },
)
if may_log:
    labels = {
        str(r[c.PAIN_ID]): f"{pd.Timestamp(r[c.DATE]):%a %d %b} · {r[c.BODY_SITE]} "
        f"({r[c.SIDE]}) · {r[c.SEVERITY]:g}/10"
        for _, r in log.iterrows()
    }
    ui.delete_one(labels, "Delete an entry", "pain_del", "pain_delete", src.store.delete_pain)
