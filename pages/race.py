"""Race & blocks: the goal race, the plan proposed to it (blocks and weekly targets), the blocks."""

import datetime as dt

import pandas as pd
import streamlit as st

from analysis import columns as c
from analysis import units
from analysis.figures.blocks import proposal_figure
from analysis.metrics import blocks as b
from analysis.store.season import BLOCK_KINDS
from analysis.views import race as rv
from pages import _common as ui
from pages import _season

src, s, skey = ui.page_context()
st.title("Race & blocks")
period = ui.period_control(src, s)
day = period.as_of
data = _season.race(src.key, src.revision, skey, day)
may_race = src.can("race")
may_accept = may_race and src.can("plan")
unit = units.distance_label(s.units)
per_unit = units.distance_factor(s.units)

# ---- the goal race ----------------------------------------------------------------------------
st.subheader("Goal race")
race = data["next_race"]
if race is None:
    st.info(
        "No goal race yet after this day. Set one below: the page then proposes blocks and "
        "weekly targets up to it.",
        icon=":material/flag:",
    )
else:
    title = ui.md_text(race[c.NAME] or "Goal race")
    st.markdown(
        f"**{title}** on {race[c.RACE_DATE]:%a %d %b %Y}: "
        f"{b.days_to(race[c.RACE_DATE], day)} days after {day:%d %b %Y}."
    )
    left, right = st.columns(2)
    left.metric(f"Distance [{unit}]", f"{race[c.DISTANCE_KM] * per_unit:.2f}")
    target = race[c.TARGET_TIME_S]
    right.metric("Target time", units.format_duration(None if pd.isna(target) else float(target)))
races = data["races"]
if not races.empty:
    st.dataframe(
        pd.DataFrame(
            {
                "Day": pd.to_datetime(races[c.RACE_DATE]).dt.date,
                "Race": races[c.NAME],
                f"Distance [{unit}]": (races[c.DISTANCE_KM] * per_unit).round(2),
                "Target": [
                    units.format_duration(None if pd.isna(t) else float(t))
                    for t in races[c.TARGET_TIME_S]
                ],
            }
        ),
        hide_index=True,
        key="race_table",
    )
locked = not may_race or src.is_demo
if src.is_demo:
    st.caption("The demo athlete's races and blocks are read-only.")
elif not may_race:
    st.caption("Only the athlete and their coach set races and blocks.")
with st.expander("Add or remove a goal race", expanded=races.empty and not locked):
    with st.form("race_form", clear_on_submit=True):
        a, bb = st.columns(2)
        name = a.text_input("Name", key="race_name", max_chars=200, disabled=locked)
        when = bb.date_input(
            "Race day", value=day + dt.timedelta(days=84), key="race_day", disabled=locked
        )
        a, bb = st.columns(2)
        distance = a.number_input(
            f"Distance [{unit}]", min_value=0.1, max_value=1000.0,
            value=round(21.0975 * per_unit, 2), step=0.1, key="race_distance", disabled=locked,
        )  # fmt: skip
        target_text = bb.text_input(
            "Target time (h:mm:ss, optional)", key="race_target", disabled=locked
        )
        if st.form_submit_button("Add race", key="race_add", disabled=locked):
            with ui.refused():
                try:
                    src.store.add_race(
                        when, distance / per_unit, rv.parse_target_time(target_text), name
                    )
                except ValueError as err:
                    st.error(f"Not saved: {err}.")
                else:
                    st.cache_data.clear()
                    st.rerun()
    if not races.empty:
        labels = {
            str(r[c.RACE_ID]): f"{r[c.RACE_DATE]:%d %b %Y} {r[c.NAME] or ''}".strip()
            for _, r in races.iterrows()
        }
        gone = st.selectbox("Race", list(labels), format_func=labels.__getitem__,
                            key="race_pick", disabled=locked)  # fmt: skip
        if st.button("Delete race", key="race_delete", disabled=locked) and gone:
            with ui.refused():
                src.store.delete_race(gone)
                st.cache_data.clear()
                st.rerun()

# ---- the proposed plan ----------------------------------------------------------------------------
if race is not None:
    st.subheader("Proposed plan")
    chronic = float(data["chronic_km"])
    taper = b.taper_weeks(float(race[c.DISTANCE_KM]))
    cuts = ", ".join(f"{cut:g}" for cut in b.TAPER_CUTS_PCT[taper])
    st.caption(
        f"From your chronic load ({chronic * per_unit:.1f} {unit} a week: the runs of the 28 days "
        f"up to {day:%d %b %Y} / 4) to the race: build weeks at most +{s.ramp_limit_pct:g} % on "
        f"the last build week (your ramp limit); three build weeks then a cutback at least "
        f"{b.CUTBACK_PCT:g} % lighter (a cutback every third week where the weeks do not divide "
        f"by four), deep enough for your cutback rule ({s.cutback_threshold_pct:g} %); "
        f"{b.PEAK_WEEKS} peak weeks; then a taper of {taper} weeks that cuts the peak volume "
        f"by {cuts} % and keeps the intensity: the same sessions, shorter (Bosquet et al. 2007, Med Sci "
        "Sports Exerc 39:1358–65; Mujika & Padilla 2003). Long runs are 25 % of the week "
        "(Daniels); the race week's distance adds the race."
    )
    a, bb = st.columns(2)
    start_in = a.number_input(
        f"Start from [{unit} a week]", min_value=0.0, value=round(chronic * per_unit, 1), step=1.0,
        key="race_start_km", help="Your chronic load; type another weekly distance if you like.",
    )  # fmt: skip
    peak_in = bb.number_input(
        f"Highest week [{unit}]", min_value=0.0,
        value=round(rv.default_peak_km(chronic) * per_unit, 1), step=1.0, key="race_peak_km",
        help="The ramp stops here (a starting value of your chronic load + 30 %; 0: no cap).",
    )  # fmt: skip
    if start_in <= 0:
        st.info("No weekly distance to start from: type one above.", icon=":material/edit:")
    else:
        proposed = rv.proposal(
            race, s, day, start_in / per_unit, peak_in / per_unit if peak_in > 0 else None
        )
        weeks = proposed.weeks
        if weeks.empty:
            st.info("No whole week left before the race: nothing to plan.")
        else:
            ui.chart(
                lambda: proposal_figure(weeks, s.units),
                "race_proposal",
                "Each bar is a proposed week, coloured by its block; the black part of the "
                "last bar is the race itself.",
                view=ui.view(src, skey, period, start_in, peak_in, repr(race)),
            )
            shown = weeks[[c.WEEK_START, c.BLOCK_KIND, c.WEEK_TYPE, c.PLAN_DISTANCE_KM,
                           c.PLAN_LONG_RUN_KM, c.NOTE]].copy()  # fmt: skip
            shown[c.WEEK_START] = pd.to_datetime(shown[c.WEEK_START]).dt.date
            for col in (c.PLAN_DISTANCE_KM, c.PLAN_LONG_RUN_KM):
                shown[col] = (shown[col] * per_unit).round(1)
            edited = st.data_editor(
                shown, key="race_weeks", hide_index=True, disabled=not may_accept or src.is_demo,
                column_config={
                    c.WEEK_START: st.column_config.DateColumn("Week starting", disabled=True),
                    c.BLOCK_KIND: st.column_config.SelectboxColumn("Block", options=BLOCK_KINDS),
                    c.WEEK_TYPE: st.column_config.TextColumn("Week", disabled=True),
                    c.PLAN_DISTANCE_KM: st.column_config.NumberColumn(
                        f"Distance [{unit}]", min_value=0.0, format="%.1f"
                    ),
                    c.PLAN_LONG_RUN_KM: st.column_config.NumberColumn(
                        f"Longest run [{unit}]", min_value=0.0, format="%.1f"
                    ),
                    c.NOTE: st.column_config.TextColumn("Note", disabled=True),
                },
            )  # fmt: skip
            st.caption(
                "Edit the weeks, then accept: the distance and long-run targets go into the "
                "Plan (its compliance colours follow them) and the blocks over these weeks "
                "replace the blocks stored there."
            )
            if st.button("Accept into plan", key="race_accept", type="primary",
                         disabled=not may_accept or src.is_demo):  # fmt: skip
                rows = weeks.copy()
                rows[c.BLOCK_KIND] = edited[c.BLOCK_KIND].to_numpy()
                for col in (c.PLAN_DISTANCE_KM, c.PLAN_LONG_RUN_KM):
                    rows[col] = pd.to_numeric(edited[col], errors="coerce").to_numpy() / per_unit
                with ui.refused():
                    rv.accept(src.store, rows, race[c.RACE_DATE])
                    st.cache_data.clear()
                    st.rerun()

# ---- the blocks ---------------------------------------------------------------------------------------
st.subheader("Training blocks")
blocks = data["blocks"]
if blocks.empty:
    st.caption("No blocks yet: accept a proposal, or type one below.")
else:
    st.dataframe(
        pd.DataFrame(
            {
                "From": pd.to_datetime(blocks[c.START_DATE]).dt.date,
                "To": pd.to_datetime(blocks[c.END_DATE]).dt.date,
                "Block": blocks[c.BLOCK_KIND],
                "Note": blocks[c.NOTE],
            }
        ),
        hide_index=True,
        key="block_table",
    )
    st.caption("Blocks are shown as bands on the Mileage, Training load and Fitness pages.")
with st.expander("Add or remove a block"):
    with st.form("block_form", clear_on_submit=True):
        a, bb, d = st.columns(3)
        first = a.date_input("First day", value=day, key="block_first", disabled=locked)
        last = bb.date_input("Last day", value=day + dt.timedelta(days=27), key="block_last",
                             disabled=locked)  # fmt: skip
        kind = d.selectbox("Block", BLOCK_KINDS, key="block_type", disabled=locked)
        note = st.text_input("Note", key="block_note", max_chars=1000, disabled=locked)
        if st.form_submit_button("Add block", key="block_add", disabled=locked):
            with ui.refused():
                try:
                    src.store.add_block(first, last, kind, note)
                except ValueError as err:
                    st.error(f"Not saved: {err}.")
                else:
                    st.cache_data.clear()
                    st.rerun()
    if not blocks.empty:
        labels = {
            str(
                r[c.BLOCK_ID]
            ): f"{r[c.BLOCK_KIND]} {r[c.START_DATE]:%d %b} – {r[c.END_DATE]:%d %b %Y}"
            for _, r in blocks.iterrows()
        }
        gone = st.selectbox("Block", list(labels), format_func=labels.__getitem__,
                            key="block_pick", disabled=locked)  # fmt: skip
        if st.button("Delete block", key="block_delete", disabled=locked) and gone:
            with ui.refused():
                src.store.delete_block(gone)
                st.cache_data.clear()
                st.rerun()
