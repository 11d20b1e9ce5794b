"""Gear: each pair of shoes with its distance, its retirement, and how gradually new pairs came in;
runs are put in a pair here too."""

from typing import Any

import pandas as pd
import streamlit as st

from analysis import columns as c
from analysis import units
from analysis.figures.gear import new_pair_share_figure, shoe_distance_figure
from analysis.metrics import gear as g
from analysis.store.season import GEAR_TYPED
from analysis.views import gear as gv
from pages import _access as gate
from pages import _common as ui
from pages import _season

src, s, skey = ui.page_context()
st.title("Gear")
period = ui.period_control(src, s)
day = period.as_of
data = _season.gear(src.key, src.revision, day)
fig_view = ui.view(src, skey, period)
table, shares, runs = data["table"], data["shares"], data["runs"]
unit = units.distance_label(s.units)
locked = not src.can("gear") or src.is_demo


def shown(km: Any) -> Any:
    """Kilometres (a number or a column) in the athlete's unit."""
    return units.km_to(s.units, km)


st.caption(
    f"A run counts for the pair it is in: the gear Strava's export names for it (its Activity "
    f"Gear column), or the pair you put it in below. Runs up to {day:%d %b %Y}. A pair is due "
    f"at its retirement distance ({shown(g.DEFAULT_RETIRE_KM):.0f} {unit} unless you set one; "
    f"running shops quote {shown(g.SHOP_RETIRE_KM[0]):.0f}–{shown(g.SHOP_RETIRE_KM[1]):.0f} "
    f"{unit}), soon from {g.RETIRE_SOON_FRACTION:.0%} of it. Try new gear gradually: in "
    f"a new pair's first {g.NEW_PAIR_WEEKS} weeks (7 days each from its first run), keep it "
    f"to at most {g.NEW_PAIR_SHARE_MAX_PCT:g} % of the week's running. Both numbers are this "
    "dashboard's rules of thumb: no study gives them."
)
if table.empty:
    ui.empty_state("shoes")
else:
    for row in table.itertuples(index=False):
        status = getattr(row, c.SHOE_STATUS)
        km = shown(getattr(row, c.DISTANCE_KM))
        retire = shown(getattr(row, c.RETIRE_KM))
        name = ui.md_text(getattr(row, c.NAME))
        if status == g.STATUS_RETIRE:
            st.warning(f"**{name}** has {km:.0f} {unit}: past its retirement at {retire:.0f} "
                       f"{unit}. Time for a new pair.", icon=":material/warning:")  # fmt: skip
        elif status == g.STATUS_SOON:
            st.warning(f"**{name}** has {km:.0f} of {retire:.0f} {unit}: due soon.",
                       icon=":material/schedule:")  # fmt: skip
    for name in data["over"]:
        st.warning(
            f"**{ui.md_text(name)}** took more than {g.NEW_PAIR_SHARE_MAX_PCT:g} % of a week's "
            "running in its first weeks: bring a new pair in more gradually.",
            icon=":material/directions_run:",
        )
    pairs = pd.DataFrame(
        {
            "Pair": table[c.NAME],
            "From": table[c.GEAR_SOURCE],
            "First used": pd.to_datetime(table[c.FIRST_USED]).dt.date,
            f"Distance [{unit}]": shown(table[c.DISTANCE_KM]).round(1),
            "Runs": table[c.RUNS],
            f"Retire at [{unit}]": shown(table[c.RETIRE_KM]).round(0),
            "Status": table[c.SHOE_STATUS],
        }
    )
    st.dataframe(pairs, hide_index=True, key="gear_table")
    ui.chart(
        lambda: shoe_distance_figure(table, s.units),
        "gear_distance",
        "Distance run in each pair, coloured by its status; the black tick is its retirement "
        "distance.",
        view=fig_view,
    )
    ui.chart(
        lambda: new_pair_share_figure(shares, g.NEW_PAIR_SHARE_MAX_PCT),
        "gear_new_pair",
        f"Each new pair's share of all running in its first {g.NEW_PAIR_WEEKS} weeks of use; a "
        f"bar over the dashed {g.NEW_PAIR_SHARE_MAX_PCT:g} % line went in too fast. The first "
        "pair of a history is left out: there was nothing to rotate with.",
        view=fig_view,
    )

NO_PAIR = -1
RUNS_PICKED = "gear_assign_runs"


def assign(chosen: pd.DataFrame, pair: str | None) -> None:
    """Put the chosen runs in ``pair`` (None: in no pair), then show the page again."""
    with ui.refused():
        try:
            found = src.store.set_gear(chosen[c.ACTIVITY_ID].tolist(), pair)
        except ValueError as err:
            st.error(f"Not saved: {err}.")
            return
        km = float(chosen[c.DISTANCE_KM].sum())
        st.session_state[gate.FLASH_KEY] = ("success", gv.assigned_words(found, km, pair, s.units))
        st.session_state.pop(RUNS_PICKED, None)
        st.cache_data.clear()
        st.rerun()


st.subheader("Runs and their pairs")
in_period = runs[(runs[c.DATE] >= pd.Timestamp(period.first)) & (runs[c.DATE] <= pd.Timestamp(day))]
if runs.empty:
    st.caption("Runs show here once there are some, each with the pair it is in.")
else:
    st.caption(
        f"The runs from {period.first:%d %b %Y} to {day:%d %b %Y}, latest first, each with the "
        "pair it counts for. A Strava export imported again sets the pair it names for a run "
        "once more; runs it names no gear for keep the pair you gave them here."
    )
    st.dataframe(
        pd.DataFrame(
            {
                "Date": pd.to_datetime(in_period[c.DATE]).dt.date,
                "Run": in_period[c.NAME],
                f"Distance [{unit}]": shown(in_period[c.DISTANCE_KM]).round(2),
                "Pair": in_period[c.GEAR].fillna("—"),
            }
        ),
        hide_index=True,
        key="gear_runs",
    )
    if table.empty:
        st.caption("Add a pair under **Your shoes**, then put runs in it here.")
    else:
        st.markdown("**Put runs in a pair**")
        choice = st.selectbox(
            "Pair", [*range(len(table)), NO_PAIR], key="gear_assign_pair", disabled=locked,
            format_func=lambda i: "No pair (take runs out of theirs)" if i == NO_PAIR
            else str(table[c.NAME].iloc[i]),
        )  # fmt: skip
        pair = None if choice is None or choice == NO_PAIR else str(table[c.NAME].iloc[choice])
        earliest = min(runs[c.DATE].min().date(), period.first)
        latest = max(runs[c.DATE].max().date(), day)
        a, b, d = st.columns(3)
        span_first = a.date_input("From", value=period.first, min_value=earliest,
                                max_value=latest, key="gear_assign_from", disabled=locked)  # fmt: skip
        span_last = b.date_input("To", value=day, min_value=earliest, max_value=latest,
                               key="gear_assign_to", disabled=locked)  # fmt: skip
        unpaired = d.checkbox("Only runs in no pair yet", value=True, key="gear_assign_unpaired",
                              disabled=locked or pair is None)  # fmt: skip
        span = gv.runs_between(
            runs, span_first or earliest, span_last or latest,
            only_without_pair=unpaired and pair is not None,
        )  # fmt: skip
        st.caption(
            f"{len(span)} run{'' if len(span) == 1 else 's'} "
            f"({shown(float(span[c.DISTANCE_KM].sum())):.1f} {unit}) from "
            f"{span_first or earliest:%d %b %Y} to {span_last or latest:%d %b %Y}"
            + (" in no pair yet." if unpaired and pair is not None else ".")
        )
        span_label = "Take them out of their pair" if pair is None else f"Put them in {pair}"
        if st.button(span_label, key="gear_assign_span", disabled=locked or span.empty):
            assign(span, pair)
        labels = {
            str(run[c.ACTIVITY_ID]): gv.run_label(run, s.units) for _, run in in_period.iterrows()
        }
        picked = st.multiselect(
            "Or pick runs of the period", list(labels), format_func=lambda aid: labels[aid],
            key=RUNS_PICKED, disabled=locked, placeholder="Choose runs",
        )  # fmt: skip
        picked_label = (
            "Take the picked runs out of their pair" if pair is None
            else f"Put the picked runs in {pair}"
        )  # fmt: skip
        if st.button(picked_label, key="gear_assign_picked", disabled=locked or not picked):
            assign(runs[runs[c.ACTIVITY_ID].isin(picked)], pair)

st.subheader("Your shoes")
if src.is_demo:
    st.caption("The demo athlete's shoes are read-only.")
elif not src.can("gear"):
    st.caption("Only the athlete changes the shoes.")
with st.form("shoe_form", clear_on_submit=True):
    st.markdown("**Add a pair**")
    a, b = st.columns(2)
    name_in = a.text_input("Name (as Strava names the gear)", key="shoe_name", max_chars=200,
                           disabled=locked)  # fmt: skip
    first_in = b.date_input("First used", value=None, key="shoe_first", disabled=locked)
    retire_in = a.number_input(
        f"Retire at [{unit}]", min_value=1.0, value=float(round(shown(g.DEFAULT_RETIRE_KM))),
        step=10.0, key="shoe_retire", disabled=locked,
    )  # fmt: skip
    if st.form_submit_button("Add pair", key="shoe_add", disabled=locked):
        with ui.refused():
            try:
                src.store.add_shoe(name_in, first_in, units.km_from(s.units, retire_in), False,
                                  GEAR_TYPED)  # fmt: skip
            except ValueError as err:
                st.error(f"Not saved: {err}.")
            else:
                st.cache_data.clear()
                st.rerun()

if not table.empty:
    st.markdown("**Change a pair**")
    names = list(range(len(table)))
    pick = st.selectbox("Pair", names, format_func=lambda i: str(table[c.NAME].iloc[i]),
                        key="shoe_pick", disabled=locked)  # fmt: skip
    row = table.iloc[pick if pick is not None else 0]
    a, b = st.columns(2)
    retire_edit = a.number_input(
        f"Retire at [{unit}]", min_value=1.0, value=float(round(shown(row[c.RETIRE_KM]))),
        step=10.0, key=f"shoe_edit_retire_{pick}", disabled=locked,
    )  # fmt: skip
    retired_edit = b.checkbox("Retired", value=bool(row[c.RETIRED]), key=f"shoe_edit_retired_{pick}",
                              disabled=locked)  # fmt: skip
    first = row[c.FIRST_USED]
    first_day = a.date_input(
        "First used", value=None if pd.isna(first) else pd.Timestamp(first).date(),
        key=f"shoe_edit_first_{pick}", disabled=locked,
    )  # fmt: skip
    save, drop = st.columns(2)
    if save.button("Save pair", key="shoe_save", disabled=locked):
        with ui.refused():
            if row[c.SHOE_ID] is None:  # a pair only named on runs: kept with its settings
                src.store.add_shoe(str(row[c.NAME]), first_day, units.km_from(s.units, retire_edit),
                                   retired_edit, str(row[c.GEAR_SOURCE]))  # fmt: skip
            else:
                src.store.update_shoe(str(row[c.SHOE_ID]), str(row[c.NAME]), first_day,
                                      units.km_from(s.units, retire_edit), retired_edit,
                                      str(row[c.GEAR_SOURCE]))  # fmt: skip
            st.cache_data.clear()
            st.rerun()
    if row[c.SHOE_ID] is not None and drop.button("Delete pair", key="shoe_delete",
                                                  disabled=locked):  # fmt: skip
        with ui.refused():
            src.store.delete_shoe(str(row[c.SHOE_ID]))
            st.cache_data.clear()
            st.rerun()
