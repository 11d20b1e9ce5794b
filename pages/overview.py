"""Overview: this week against last week and the 4-week average, the current ACWR, latest runs."""

import streamlit as st

from analysis import columns as c
from analysis import units
from analysis.figures import captions
from analysis.figures.overview import acwr_gauge_figure, week_comparison_figure
from pages import _common as ui

src, s, skey = ui.page_context()
st.title("Overview")
period = ui.period_control(src, s)
fig_view = ui.view(src, skey, period)
day = period.as_of
data = ui.overview(src.key, src.revision, skey, (period.first, day))

if data["activities"] == 0:
    ui.empty_state("activities")
    st.stop()

decision = data["today"]
verdict = data["verdict"]
box = {"push": st.success, "hold": st.warning, "back-off": st.error}.get(verdict, st.info)
if decision.reasons:
    why = "; ".join(decision.reasons) + "."  # the reasons are phrases; the sentence ends here
elif verdict == "push":
    why = "Nothing in the rules holds you back."
else:  # not enough data: a push on nothing known would be a green light on nothing
    why = f"None of its signals is known ({', '.join(decision.not_known)})."
box(f"**{ui.as_of_label(day)}: {verdict}.** {why} Details and the rules on the Recovery page.")

ld = data["load"]
# a return after a break is named as such: a ratio against the faded load before it would mislead
back = data["return_after_break"]
if back is not None:
    st.info(captions.return_after_break(back), icon=":material/restart_alt:")

cmp = data["comparison"]
u = units.distance_label(s.units)
f = units.distance_factor(s.units)


def _delta(pct: float | None) -> str | None:
    return None if pct is None else f"{pct:+.0f} %"


c1, c2, c3 = st.columns(3)
week_runs = data["week_runs"]
week = ui.week_label(cmp[c.WEEK_START], day)  # "This week" only when the as-of day is today
c1.metric(
    f"{week}{'' if cmp.get('days_into_week') == 7 else ' so far'} ({u})",
    f"{cmp['this_week_km'] * f:.1f}" if week_runs else "No runs",
    _delta(cmp["change_vs_last_pct"]) if week_runs else None,
    help=f"Running distance from {cmp[c.WEEK_START]:%a %d %b} to {day:%a %d %b}; the delta "
    "compares it with the same days of last week."
    if week_runs
    else f"No run from {cmp[c.WEEK_START]:%a %d %b} to {day:%a %d %b}: nothing to compare yet.",
)
c2.metric(f"Last week ({u})", f"{cmp['last_week_km'] * f:.1f}")
c3.metric(
    f"4-week average ({u})",
    f"{cmp['avg_4wk_km'] * f:.1f}",
    _delta(cmp["change_vs_avg_pct"]),
    delta_color="off",
    help="Mean of the four complete weeks before this one; the delta is this week so far against "
    "the mean of the same days of those four weeks.",
)

left, right = st.columns(2)
with left:
    ui.chart(
        lambda: week_comparison_figure(cmp, s.units, week=week),
        "overview_weeks",
        captions.overview_weeks(week),
        view=fig_view,
    )
with right:
    reason = (
        None
        if back is None
        else captions.RETURN_GAUGE_REASON.format(days=back["break_days"], floor=ld.min_chronic_days)
    )
    ui.chart(
        lambda: acwr_gauge_figure(
            None if back else ld.current_acwr, ld.current_band, reason=reason
        ),
        "overview_acwr",
        captions.overview_acwr(ld.label, ui.day_words(day))
        + ("" if ld.enough_history else captions.OVERVIEW_ACWR_SHORT_HISTORY),
        view=fig_view,
    )

st.subheader("Latest activities")
latest = data["latest"]
if latest.empty:
    st.caption("No activities in this period.")
DISTANCE, MOVING = "distance", "moving"
table = latest.assign(
    **{
        DISTANCE: latest[c.DISTANCE_M] / 1000.0 * f,
        MOVING: latest[c.MOVING_TIME_S].map(units.format_duration),
        c.NAME: latest[c.NAME].fillna(latest[c.SOURCE_NAME]),
    }
)
cols = [c.START_TIME_LOCAL, c.NAME, c.SPORT, DISTANCE, MOVING, c.AVG_HEART_RATE_BPM]
st.dataframe(
    table[cols],
    hide_index=True,
    key="overview_latest",
    column_config={
        c.START_TIME_LOCAL: st.column_config.DatetimeColumn(
            "Start (local)", format="ddd D MMM YYYY, HH:mm"
        ),
        c.NAME: "Name",
        c.SPORT: "Sport",
        DISTANCE: st.column_config.NumberColumn(f"Distance [{u}]", format="%.2f"),
        MOVING: st.column_config.TextColumn("Moving time"),
        c.AVG_HEART_RATE_BPM: st.column_config.NumberColumn("Avg HR [bpm]", format="%.0f"),
    },
)

week0 = ui.week_start(day, s.week_start)
ui.comments(src, "week", week0.isoformat(), ui.week_words(week0, day))
