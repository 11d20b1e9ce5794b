"""Best efforts and records: the fastest 400 m to marathon inside every run, the records over
time, the pace–duration curve and Riegel's race-time estimates."""

import datetime as dt
from typing import Any

import streamlit as st

from analysis.access import GuardedStore
from analysis.figures.efforts import pace_duration_figure, records_figure
from analysis.metrics.efforts import RIEGEL_EXPONENT, RIEGEL_RANGE_S, WITHIN_RANGE
from analysis.settings import AthleteSettings
from analysis.units import pace_label
from analysis.views import efforts as view
from pages import _common as ui


@st.cache_data(show_spinner="Crunching the numbers…", max_entries=16)
def _efforts(
    _store: GuardedStore,
    key: str,
    revision: int,
    skey: tuple[Any, ...],
    first: dt.date | None,
    last: dt.date | None,
) -> dict[str, Any]:
    # the store itself is not hashed (leading underscore): its key and revision stand for it
    return view.efforts_data(_store, AthleteSettings(**dict(skey)), first, last)


def _backfill(src: ui.Source) -> None:
    """Measure, once, the runs imported before best efforts were stored; then show them.

    Only whoever may upload writes effort rows; anyone else sees those runs measured from their
    samples for the view (``efforts_data``) until the athlete opens this page.
    """
    if not src.can("upload"):
        return
    missing = len(src.store.activities_without_efforts())
    if missing == 0:
        return
    bar = st.progress(0.0, text=f"Finding the best efforts in {missing} runs imported earlier…")

    def progress(done: int, total: int) -> None:
        bar.progress(done / total, text=f"Finding best efforts: {done}/{total} runs")

    with ui.refused():
        view.backfill_efforts(src.store, progress)
    bar.empty()
    st.rerun()  # the writes raised the revision: read the stored rows afresh


src, s, skey = ui.page_context()
st.title("Best efforts")
_backfill(src)
period = ui.period_control(src, s)
fig_view = ui.view(src, skey, period)

# records run from the first run to the period's end (a record is set against every run before
# it); the table, the curve and the estimates are the period's own
history = _efforts(src.store, src.key, src.revision, skey, None, period.as_of)
data = _efforts(src.store, src.key, src.revision, skey, period.first, period.as_of)
if history["runs_measured"] == 0:
    without = (
        f" The {history['runs']} runs stored carry no distance stream of 400 m or more "
        "(summary rows, or treadmill runs without a foot pod)."
        if history["runs"]
        else ""
    )
    st.info(
        "No best efforts yet. Runs with a distance stream fill this page: the FIT, GPX or TCX "
        f"files a watch or phone records.{without}",
        icon=":material/inbox:",
    )
    st.stop()
if data["runs_measured"] == 0:
    ui.nothing_in_period(period, "runs with a distance stream of 400 m or more")
    st.stop()

st.caption(
    "The fastest stretch of each distance anywhere inside a run, found on its distance stream "
    "(the fastest 5 km of a longer run counts), timed on elapsed time: a stop inside the stretch "
    "counts, as it does in a race (Strava's rule for best efforts). "
    f"{data['runs_measured']} of the period's {data['runs']} runs have a distance stream of "
    "400 m or more."
)
if history["measured_now"]:
    st.caption(
        f"{history['measured_now']} runs imported before best efforts were stored are measured "
        "from their samples for this view; they are stored once the athlete opens this page."
    )

st.subheader("Best efforts in the period")
st.dataframe(data["best_table"], hide_index=True, key="efforts_best")
ui.chart(
    lambda: records_figure(history["records"], s.units),
    "efforts_records",
    "Each step is a new record for its distance, from your first run to the period's last day: "
    "the pace of the run that beat the best before it, held until the next one. Faster is up. "
    "Hover for the time and how much it improved.",
    view=fig_view,
)
ui.chart(
    lambda: pace_duration_figure(data["curve"], s.units),
    "efforts_curve",
    "The best average pace you held for each duration in the period, from 10 s to 4 h "
    f"({pace_label(s.units)}, faster up, durations on a log scale). Each point names its run; "
    "the curve falls as durations grow, and a dip shows a duration you rarely run hard.",
    view=fig_view,
)

st.subheader("Race-time estimates")
low, high = (v / 60 for v in RIEGEL_RANGE_S)
st.dataframe(data["estimates_table"], hide_index=True, key="efforts_estimates")
outside = int((~data["estimates"][WITHIN_RANGE].astype(bool)).sum())
if outside:
    st.warning(
        f"{outside} estimates reach outside the {low:g}–{high:g} min Riegel fitted his formula "
        "to (see the Note column): read them as rough extrapolations.",
        icon=":material/warning:",
    )
st.caption(
    f"Riegel's formula: t₂ = t₁ × (d₂ / d₁)^{RIEGEL_EXPONENT:g}, from the period's best effort "
    "at the nearest longer distance (the nearest shorter one when none is longer). "
    "Riegel, P. S. (1981). Athletic records and human endurance. *American Scientist*, 69(3), "
    f"285–290. Its limits: it was fitted to world records of events lasting about {low:g} to "
    f"{high:g} minutes and is not meant outside them; it describes trained runners racing all "
    "out, and tends to predict too fast a time from a short race to the marathon, above all "
    "without the mileage for the distance (Vickers & Vertosick 2016, *BMC Sports Science, "
    "Medicine and Rehabilitation* 8:26); the exponent that fits one runner differs from "
    f"{RIEGEL_EXPONENT:g}. A best effort inside a training run is rarely all out, so an "
    "estimate from it is a floor on your ability, not a race plan."
)
