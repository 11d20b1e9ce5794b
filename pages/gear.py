"""Gear: each pair of shoes with its distance, its retirement, and how gradually new pairs came in."""

import pandas as pd
import streamlit as st

from analysis import columns as c
from analysis import units
from analysis.figures.gear import new_pair_share_figure, shoe_distance_figure
from analysis.metrics import gear as g
from analysis.store.season import GEAR_TYPED
from pages import _common as ui
from pages import _season

src, s, skey = ui.page_context()
st.title("Gear")
period = ui.period_control(src, s)
day = period.as_of
data = _season.gear(src.key, src.revision, day)
fig_view = ui.view(src, skey, period)
table, shares = data["table"], data["shares"]
unit = units.distance_label(s.units)
per_unit = units.distance_factor(s.units)
locked = not src.can("gear") or src.is_demo

st.caption(
    f"Runs belong to a pair by the gear name Strava's export gives them (its Activity Gear "
    f"column), up to {day:%d %b %Y}. A pair is due at its retirement distance "
    f"({g.DEFAULT_RETIRE_KM * per_unit:.0f} {unit} unless you set one; running shops quote "
    f"{480 * per_unit:.0f}–{800 * per_unit:.0f} {unit}), soon from {g.RETIRE_SOON_FRACTION:.0%} of it. Try new gear gradually: in "
    f"a new pair's first {g.NEW_PAIR_WEEKS} weeks (7 days each from its first run), keep it "
    f"to at most {g.NEW_PAIR_SHARE_MAX_PCT:g} % of the week's running. Both numbers are this "
    "dashboard's rules of thumb: no study gives them."
)
if table.empty:
    ui.empty_state("shoes")
else:
    for row in table.itertuples(index=False):
        status = getattr(row, c.SHOE_STATUS)
        km = getattr(row, c.DISTANCE_KM) * per_unit
        retire = getattr(row, c.RETIRE_KM) * per_unit
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
    shown = pd.DataFrame(
        {
            "Pair": table[c.NAME],
            "From": table[c.GEAR_SOURCE],
            "First used": pd.to_datetime(table[c.FIRST_USED]).dt.date,
            f"Distance [{unit}]": (table[c.DISTANCE_KM] * per_unit).round(1),
            "Runs": table[c.RUNS],
            f"Retire at [{unit}]": (table[c.RETIRE_KM] * per_unit).round(0),
            "Status": table[c.SHOE_STATUS],
        }
    )
    st.dataframe(shown, hide_index=True, key="gear_table")
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
        f"Retire at [{unit}]", min_value=1.0, value=float(round(g.DEFAULT_RETIRE_KM * per_unit)),
        step=10.0, key="shoe_retire", disabled=locked,
    )  # fmt: skip
    if st.form_submit_button("Add pair", key="shoe_add", disabled=locked):
        with ui.refused():
            try:
                src.store.add_shoe(name_in, first_in, retire_in / per_unit, False, GEAR_TYPED)
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
        f"Retire at [{unit}]", min_value=1.0, value=float(round(row[c.RETIRE_KM] * per_unit)),
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
                src.store.add_shoe(str(row[c.NAME]), first_day, retire_edit / per_unit,
                                   retired_edit, str(row[c.GEAR_SOURCE]))  # fmt: skip
            else:
                src.store.update_shoe(str(row[c.SHOE_ID]), str(row[c.NAME]), first_day,
                                      retire_edit / per_unit, retired_edit,
                                      str(row[c.GEAR_SOURCE]))  # fmt: skip
            st.cache_data.clear()
            st.rerun()
    if row[c.SHOE_ID] is not None and drop.button("Delete pair", key="shoe_delete",
                                                  disabled=locked):  # fmt: skip
        with ui.refused():
            src.store.delete_shoe(str(row[c.SHOE_ID]))
            st.cache_data.clear()
            st.rerun()
