"""The Streamlit glue the pages share: stores, settings, caches, uploads, banners.

Pages compose: read the athlete's data through these cached helpers, call a figure builder, render.
Caches are keyed on the store's path and revision (which rises with every write), on the settings
and on the period's days, never on a DataFrame.
"""

from __future__ import annotations

import datetime as dt
import json
import runpy
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from analysis import dashboard
from analysis.access import Access, GuardedStore, Person, Role
from analysis.config import ATHLETE_DB, DEMO_DB, default_data_dir, demo_enabled
from analysis.csvsafe import to_safe_csv
from analysis.demo import build_demo_store, demo_store_is_current
from analysis.errors import AccessDenied, StoreError
from analysis.importer import (
    ALREADY,
    DUPLICATE,
    FAILED,
    IMPORTED,
    SKIPPED,
    FileOutcome,
    import_upload,
)
from analysis.settings import AthleteSettings
from analysis.store import AthleteStore, Store
from analysis.views import period as periods
from analysis.views.period import Period
from pages import _access as gate

UPLOAD_KINDS = "FIT, GPX, TCX, CSV, .gz, .zip"
"""What the uploader takes, for its help text only: files are judged by their bytes on the server.

The widget carries no ``type=`` filter on purpose. With one, Streamlit's browser side refuses a
file whose name does not match by itself, with a small "<MIME type> files are not allowed" note in
the widget (an empty MIME type for a ``.fit``), and the server never hears of it. Without one,
every file reaches the importer, which names each refused file with its reason on the page.
"""
PLOT_CONFIG = {"displaylogo": False, "displayModeBar": False}
"""Plotly's modebar sits over the top right of a chart, where a phone's narrow chart keeps its
title and legend, and a tap (a phone's hover) brings it up over them. Without it a chart still
zooms by dragging or pinching and resets on a double tap; Streamlit's own toolbar keeps full
screen, and the data is in the tables and exports."""
STORE_LOCK_WAIT_S = 3.0
"""How long a page waits for a command-line export or import to release the store [s]: a short
one ends within it; for a long one the page says who holds the file rather than hang."""


def _warm_up() -> None:
    """Import every figure builder and page view, and build and serialise one figure of each
    trace kind the pages draw, so plotly's trace and validator modules are loaded.

    Run in a background thread when the server first imports this module (the first request of
    a fresh process), so the first chart page a person opens does not pay for it in its run.
    """
    import importlib
    import pkgutil

    import plotly.graph_objects as go
    import plotly.io as pio

    from analysis import figures, views

    for package in (figures, views):
        for module in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{package.__name__}.{module.name}")
    fig = go.Figure(
        [
            go.Scatter(x=[0, 1], y=[0, 1]),
            go.Bar(x=[0], y=[1]),
            go.Heatmap(z=[[0, 1]]),
            go.Scattermap(lat=[0.0], lon=[0.0]),
        ]
    )
    fig.add_trace(go.Indicator(value=1.0))
    fig.update_layout(title="warm-up")
    pio.to_json(fig, validate=False)


def _warm_up_quietly() -> None:
    with suppress(Exception):  # a warm-up that fails costs the first visitor a little time only
        _warm_up()


threading.Thread(target=_warm_up_quietly, daemon=True, name="warm-up").start()


def data_dir() -> Path:
    """Streamlit secrets ``data_dir`` if set, else $STRIDELOG_DATA_DIR, else ~/.stridelog."""
    try:
        configured = st.secrets.get("data_dir")
    except Exception:  # no secrets file at all is the normal case
        configured = None
    return Path(str(configured)).expanduser() if configured else default_data_dir()


@st.cache_resource(show_spinner=False)
def _open_store(key: str) -> AthleteStore:
    """One store object per process and key: a DuckDB file, or one hosted athlete in one role.

    Keys: ``duckdb:<path>`` or ``pg|<athlete_id>|<role>``. Every cache of athlete data below is
    keyed on it, so no cache entry is shared between athletes.
    """
    if key.startswith("pg|"):
        _, athlete_id, role = key.split("|")
        url = gate.hosted_url()
        if url is None:
            raise RuntimeError("a hosted store asked for on a local server")
        return gate.database(url).athlete_store(athlete_id, role)  # type: ignore[no-any-return]
    # one connection per process and file; each session thread gets its own cursor from it
    return Store(Path(key.removeprefix("duckdb:")), lock_wait_s=STORE_LOCK_WAIT_S)


def _opened(key: str) -> AthleteStore:
    """The store behind ``key``; a fault of its file ends the page with its sentence.

    A failed open is not cached (``st.cache_resource`` keeps only results), so the next rerun
    tries again: once the other process ends or the file is restored, the page comes back.
    """
    try:
        return _open_store(key)
    except StoreError as err:
        st.error(f"The data cannot be opened: {err}.", icon=":material/database:")
        st.stop()


_DEMO_LOCK = threading.Lock()


@st.cache_resource(show_spinner=False)
def _demo_state(folder: str) -> dict[str, bool]:
    # one holder per process: the demo files are hashed once, not on every rerun
    return {"ready": False}


def _demo_store_path() -> str:
    folder = data_dir()
    state = _demo_state(str(folder))
    if not state["ready"]:
        with _DEMO_LOCK:
            if not state["ready"]:
                if not demo_store_is_current(folder):
                    bar = st.progress(0.0, text="Preparing the demo athlete…")

                    def progress(done: int, total: int, name: str) -> None:
                        bar.progress(
                            done / max(total, 1),
                            text=f"Preparing the demo athlete: {done}/{total} files",
                        )

                    build_demo_store(folder, progress=progress)
                    bar.empty()
                state["ready"] = True
    return str(folder / DEMO_DB)


def open_store(key: str) -> AthleteStore:
    """The raw store behind a key: for pages that list several athletes (the roster) only."""
    return _open_store(key)


def store_key(athlete_id: str, role: str) -> str:
    """The key of a hosted athlete's store as seen in one role."""
    return f"pg|{athlete_id}|{role}"


def accept_invitation(code: str) -> None:
    """Redeem an invitation code for the logged-in person, then show whose data it opened."""
    from analysis.store.pg_accounts import InvalidLink

    url = gate.hosted_url()
    me = gate.current()
    if url is None or me.person.kind != "user":
        st.error("Invitations work on a hosted dashboard, for a logged-in person.")
        return
    try:
        got = gate.accounts(url).accept(me.person, code)
    except InvalidLink as err:
        st.error(f"The invitation did not work: {err}.")
        return
    gate.open_athlete(got.athlete_id)
    st.session_state[gate.FLASH_KEY] = ("success", f"You now follow {got.athlete_name}.")
    st.rerun()


def _own_key() -> str:
    """The store the asking person's own data (or the athlete they act for) lives in."""
    access = gate.current()
    if access.person.kind == "local":
        return f"duckdb:{data_dir() / ATHLETE_DB}"
    return store_key(access.athlete_id, access.role.value)


def may(action: str) -> bool:
    """Whether the asking person's write widgets for ``action`` are live.

    Only a convenience for the page: the store checks the role again on every write.
    """
    return gate.current().allows(action)


def own_store() -> GuardedStore:
    """Where uploads, settings and the log go: checked against the asking person's role."""
    return GuardedStore(_open_store(_own_key()), gate.current())


DEMO_ACCESS = Access("demo", "the demo athlete", Role.VIEW, Person("demo", "you", "local"))


@dataclass(frozen=True)
class Source:
    """The store the pages read, whose it is, and in which role it is seen."""

    key: str
    revision: int
    is_demo: bool
    access: Access

    @property
    def store(self) -> GuardedStore:
        return GuardedStore(_open_store(self.key), self.access)

    def can(self, action: str) -> bool:
        """Whether a write widget is live (the store checks again, whatever the widget says)."""
        return self.access.allows(action)


@st.cache_data(show_spinner=False, max_entries=16)
def _activity_counts(key: str, revision: int) -> tuple[int, int]:
    """(counted, stored) activities: every rerun asks, the store answers once per revision."""
    store = _open_store(key)
    return store.activity_count(), store.activity_count(include_duplicates=True)


def activity_counts(src: Source) -> tuple[int, int]:
    """(counted, stored) activities of the source's store at its revision, cached."""
    return _activity_counts(src.key, src.revision)


def source() -> Source:
    """The athlete's own data once there is any; the demo athlete until then (local only)."""
    access = gate.current()
    key = _own_key()
    own = _opened(key)
    revision = own.revision()
    hosted = access.person.kind != "local"
    if hosted or _activity_counts(key, revision)[1] > 0 or not demo_enabled():
        return Source(key, revision, False, access)
    try:
        demo_path = _demo_store_path()
    except StoreError as err:  # the demo is built in the data directory: it may be read-only
        st.error(f"The demo athlete cannot be prepared: {err}.", icon=":material/database:")
        st.stop()
    demo = _opened(f"duckdb:{demo_path}")
    return Source(demo.key, demo.revision(), True, DEMO_ACCESS)


def settings() -> AthleteSettings:
    """The athlete's settings (kept in their own store, also while the demo is shown)."""
    return own_store().load_settings()


def save_settings(new: AthleteSettings) -> None:
    own_store().save_settings(new)
    st.cache_data.clear()


def delete_one(
    labels: dict[str, str],
    label: str,
    select_key: str,
    button_key: str,
    delete: Callable[[str], object],
) -> None:
    """A log's "delete one entry" row: pick an entry by its label (``labels``: id → text),
    press Delete; the store decides whether the person may (:func:`refused` says why not)."""
    a, b = st.columns([3, 1], vertical_alignment="bottom")
    chosen = a.selectbox(label, list(labels), format_func=labels.__getitem__, key=select_key)
    if b.button("Delete", key=button_key):
        with refused():
            delete(chosen)
            st.cache_data.clear()
            st.rerun()


@contextmanager
def refused() -> Iterator[None]:
    """Show a refused write as a message on the page, never a traceback."""
    try:
        yield
    except AccessDenied as err:
        st.error(f"Not allowed: {err}.", icon=":material/block:")
    except StoreError as err:  # a full disk or a damaged file: nothing of this write was kept
        st.error(f"Not saved: {err}.", icon=":material/database:")


# ---- the period ---------------------------------------------------------------------------------

PERIOD_KEY = "_period"
"""The session's period as query params: Streamlit drops query params when the sidebar switches
pages, so each page puts them back from here (as the gate does for ``athlete`` and ``share``)."""
PERIOD_SPAN_KEY = "_period_span"
"""The days of the period shown last: a switch to custom dates starts from them."""


@st.cache_data(show_spinner=False, max_entries=8)
def _data_span(key: str, revision: int) -> tuple[dt.date, dt.date] | None:
    return dashboard.data_span(_open_store(key))


def _period_params() -> dict[str, str]:
    """This run's period params: the URL's, or else (after a sidebar switch) the session's."""
    got = {k: st.query_params[k] for k in periods.QUERY_KEYS if k in st.query_params}
    return got or dict(st.session_state.get(PERIOD_KEY, {}))


def _set_period_params(params: dict[str, str]) -> None:
    """Put the period into the URL (so a link reproduces the view) and into the session."""
    for name in periods.QUERY_KEYS:
        if name not in params:
            if name in st.query_params:
                del st.query_params[name]
        elif st.query_params.get(name) != params[name]:
            st.query_params[name] = params[name]
    st.session_state[PERIOD_KEY] = dict(params)


def period(src: Source, s: AthleteSettings) -> Period:
    """The period this run shows, from the URL, the data's span and today; not drawn.

    The URL (or the session, after a sidebar switch) says what was asked; :func:`resolve_period`
    meets it with the data, so a store whose data ended in the past opens on its latest period.
    """
    req = periods.parse_query(_period_params())
    span = _data_span(src.key, src.revision)
    first_day, last_day = span if span is not None else (None, None)
    got = periods.resolve_period(
        req.preset,
        req.first,
        req.last,
        None if req.preset == "custom" else req.last,
        last_day,
        # the demo athlete is a finished history: its weeks stay filled up to its last day
        last_day if src.is_demo and last_day is not None else dt.date.today(),
        s.week_start,
        first_data_day=first_day,
        note=req.note,
    )
    _set_period_params(periods.to_query(got))
    st.session_state[PERIOD_SPAN_KEY] = (got.first, got.last)
    return got


def _preset_chosen() -> None:
    new = st.session_state.get("period_preset")
    if new is None:  # nothing chosen (a cleared box): the period stays as it is
        return
    before = st.session_state.get(PERIOD_KEY, {})
    params = {periods.QUERY_PRESET: new}
    if new == "custom":
        # custom dates start from the days on screen, then move
        first, last = st.session_state[PERIOD_SPAN_KEY]
        params |= {periods.QUERY_FROM: first.isoformat(), periods.QUERY_TO: last.isoformat()}
    elif before.get(periods.QUERY_PRESET) != "custom" and periods.QUERY_TO in before:
        params[periods.QUERY_TO] = before[periods.QUERY_TO]  # a chosen as-of day stays chosen
    _set_period_params(params)


def _dates_chosen() -> None:
    first, last = st.session_state.get("period_from"), st.session_state.get("period_to")
    if first is None or last is None:
        return
    _set_period_params(
        {
            periods.QUERY_PRESET: "custom",
            periods.QUERY_FROM: first.isoformat(),
            periods.QUERY_TO: last.isoformat(),
        }
    )


def _as_of_chosen() -> None:
    params = dict(st.session_state.get(PERIOD_KEY, {}))
    day = st.session_state.get("period_to")
    if day is None:
        params.pop(periods.QUERY_TO, None)
    else:
        params[periods.QUERY_TO] = day.isoformat()
    _set_period_params(params)


def _latest_chosen() -> None:
    params = dict(st.session_state.get(PERIOD_KEY, {}))
    params.pop(periods.QUERY_TO, None)
    _set_period_params(params)


def period_control(src: Source, s: AthleteSettings) -> Period:
    """The period control at the top of a page, and the period it shows.

    One row: the presets as a selectbox, then the "as of" day (a preset's last day) or,
    for custom, the first and last day; under it the period in words, and a note when the period
    is not the one asked for (the data ended earlier, a link could not be read). Widgets follow
    the URL: their keys (``period_preset``, ``period_from``, ``period_to``) are set from the
    resolved period before they are drawn, and their callbacks write the URL.
    """
    got = period(src, s)
    today = dt.date.today()
    span = _data_span(src.key, src.revision)
    earliest = min(got.first, span[0]) if span is not None else got.first
    # the widgets show what the URL resolved to, as the athlete switcher follows the gate
    st.session_state["period_preset"] = got.preset
    st.session_state["period_from"] = got.first
    st.session_state["period_to"] = got.last
    # a selectbox, not a row of buttons: six presets do not fit a 390 px phone in one row,
    # and Streamlit's segmented control and pills scroll out of sight instead of wrapping
    a, b, d = st.columns(3, vertical_alignment="bottom")
    a.selectbox(
        "Period",
        periods.PRESETS,
        format_func=periods.PRESET_LABELS.__getitem__,
        key="period_preset",
        on_change=_preset_chosen,
    )
    if got.preset == "custom":
        for col, label, key in ((b, "From", "period_from"), (d, "To", "period_to")):
            col.date_input(
                label,
                key=key,
                min_value=earliest,
                max_value=today,
                format="YYYY-MM-DD",
                on_change=_dates_chosen,
            )
    else:
        b.date_input(
            "As of",
            key="period_to",
            min_value=earliest,
            max_value=today,
            format="YYYY-MM-DD",
            on_change=_as_of_chosen,
            help="The period's last day: its week is the page's current week.",
        )
        if got.pinned:
            d.button("Latest", key="period_latest", on_click=_latest_chosen,
                     help="Back to the latest day with data")  # fmt: skip
    st.caption(
        f":material/date_range: {got.describe()} · as of {got.as_of:%a} {periods.day_text(got.as_of)}"
    )
    if got.note:
        st.info(got.note, icon=":material/history:")
    return got


def as_of_label(day: dt.date) -> str:
    """The words for a decision's day: "Today" only when it is today, else "As of Fri 12 Mar 2021".

    Nothing on a page claims today for a day that is not today.
    """
    return "Today" if day == dt.date.today() else f"As of {day:%a} {periods.day_text(day)}"


def day_words(day: dt.date) -> str:
    """The words for a day in a sentence: "today", or "on Fri 12 Mar 2021" for any other day."""
    return "today" if day == dt.date.today() else f"on {day:%a} {periods.day_text(day)}"


def week_words(week: dt.date, day: dt.date) -> str:
    """The words for the week of ``day`` (``week`` its first day): "this week" or "the week of
    8 Mar 2021"."""
    return "this week" if day == dt.date.today() else f"the week of {periods.day_text(week)}"


def next_week_label(day: dt.date, start: str) -> str:
    """The week after the week of ``day``: "Next week" when ``day`` is today, else "The week of
    15 Mar 2021"."""
    if day == dt.date.today():
        return "Next week"
    return f"The week of {periods.day_text(week_start(day, start) + dt.timedelta(weeks=1))}"


def week_label(week: dt.date, day: dt.date) -> str:
    """:func:`week_words` as a label: "This week", "The week of 8 Mar 2021"."""
    words = week_words(week, day)
    return words[0].upper() + words[1:]


def nothing_in_period(got: Period, what: str) -> None:
    """Say that the period holds nothing of ``what`` (the athlete has some, elsewhere)."""
    st.info(
        f"No {what} between {periods.day_text(got.first)} and {periods.day_text(got.last)}. "
        "Choose a longer period above.",
        icon=":material/date_range:",
    )


def _key(s: AthleteSettings) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted(s.to_dict().items()))


# each page's data, keyed by the store, its revision, the settings and the period's days
Days = tuple[dt.date, dt.date]
"""The period's (first, as_of): what the page's data is cut to."""


@st.cache_data(show_spinner="Crunching the numbers…", max_entries=16)
def overview(key: str, revision: int, skey: tuple[Any, ...], days: Days) -> dict[str, Any]:
    first, day = days
    return dashboard.overview_data(
        _open_store(key), AthleteSettings(**dict(skey)), day, first=first
    )


@st.cache_data(show_spinner="Crunching the numbers…", max_entries=16)
def mileage(key: str, revision: int, skey: tuple[Any, ...], days: Days) -> dict[str, Any]:
    first, day = days
    return dashboard.mileage_data(_open_store(key), AthleteSettings(**dict(skey)), day, first=first)


@st.cache_data(show_spinner="Crunching the numbers…", max_entries=16)
def cadence(key: str, revision: int, days: Days) -> dict[str, Any]:
    first, day = days
    return dashboard.cadence_data(_open_store(key), first=first, as_of=day)


@st.cache_data(show_spinner="Crunching the numbers…", max_entries=16)
def intensity(key: str, revision: int, skey: tuple[Any, ...], days: Days) -> dict[str, Any]:
    first, day = days
    return dashboard.intensity_data(
        _open_store(key), AthleteSettings(**dict(skey)), first=first, as_of=day
    )


@st.cache_data(show_spinner="Crunching the numbers…", max_entries=16)
def load(key: str, revision: int, skey: tuple[Any, ...], days: Days) -> dashboard.LoadData:
    first, day = days
    return dashboard.load_data(_open_store(key), AthleteSettings(**dict(skey)), day, first=first)


@st.cache_data(show_spinner="Crunching the numbers…", max_entries=16)
def fitness(key: str, revision: int, skey: tuple[Any, ...], days: Days) -> dict[str, Any]:
    first, day = days
    return dashboard.fitness_data(_open_store(key), AthleteSettings(**dict(skey)), day, first=first)


@st.cache_data(show_spinner="Crunching the numbers…", max_entries=16)
def guidance(key: str, revision: int, skey: tuple[Any, ...], days: Days) -> dict[str, Any]:
    first, day = days
    return dashboard.guidance_data(
        _open_store(key), AthleteSettings(**dict(skey)), day, first=first
    )


@st.cache_data(show_spinner="Crunching the numbers…", max_entries=16)
def recovery(key: str, revision: int, skey: tuple[Any, ...], days: Days) -> dict[str, Any]:
    first, day = days
    return dashboard.recovery_data(
        _open_store(key), AthleteSettings(**dict(skey)), day, first=first
    )


@st.cache_data(show_spinner="Crunching the numbers…", max_entries=16)
def plan(key: str, revision: int, skey: tuple[Any, ...], days: Days) -> dict[str, Any]:
    first, day = days
    return dashboard.plan_data(_open_store(key), AthleteSettings(**dict(skey)), day, first=first)


@st.cache_data(show_spinner=False, max_entries=16)
def activity_table(key: str, revision: int) -> Any:
    return dashboard.activity_table(_open_store(key))


def _ensure_router() -> None:
    """Route through app.py even when the very first request of a process names a page.

    Streamlit treats an app with a ``pages/`` folder as a legacy multipage app until the first
    ``st.navigation`` call; a fresh server's first request for ``/mileage`` would run
    ``pages/mileage.py`` on its own (no sidebar, no router). Run app.py in its place instead: its
    ``st.navigation`` ends that mode and runs this same page, within this same run (so widget
    events are kept), and then this outer run stops.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        runpy.run_path(str(Path(__file__).resolve().parents[1] / "app.py"), run_name="__main__")
        st.stop()


def page_context() -> tuple[Source, AthleteSettings, tuple[Any, ...]]:
    """What every page starts with: the data source, the settings and their cache key."""
    _ensure_router()
    gate.show_flash()
    src = source()
    s = settings()
    if src.is_demo:
        st.info(
            "**Demo athlete.** You are looking at generated sample data, not yours. "
            "Upload your own FIT, GPX, TCX or CSV files in the sidebar and the demo steps aside.",
            icon=":material/science:",
        )
    return src, s, _key(s)


View = tuple[Any, ...]
"""What a page's figures are drawn from: the store, its revision, the settings, the period and
today (words such as "this week" follow it). See :func:`view`."""


def view(src: Source, skey: tuple[Any, ...], got: Period, *more: Any) -> View:
    """The key of what a page shows: its figures are built once per view and process.

    ``more`` names anything else a page's figures depend on (the activity picked).
    """
    return (src.key, src.revision, skey, got.first, got.last, got.as_of, dt.date.today(), *more)


@st.cache_resource(show_spinner=False, max_entries=64, ttl=3600)
def _figure(shown: View, key: str, _build: Callable[[], Any]) -> Any:
    # Building a plotly figure costs 15-50 ms (plotly validates every property it is given),
    # about as much as the page's cached data takes to read: a revisit, another session or a
    # rerun by a widget elsewhere on the page reuses the figure instead. A resource, not data:
    # st.cache_data would pickle it, and unpickling a figure validates it all over again. The
    # figure is only read (st.plotly_chart serialises a copy), and the view names the athlete's
    # store, so no entry is shared between athletes.
    return _build()


def chart(fig: Any, key: str, how_to_read: str, *, view: View | None = None) -> None:
    """A chart with its one line on how to read it.

    ``fig`` is a figure, or a function that builds it; with ``view`` (:func:`view`) the figure
    is built once per view and chart and then reused.
    """
    if callable(fig):
        fig = fig() if view is None else _figure(view, key, fig)
    st.plotly_chart(fig, key=key, config=PLOT_CONFIG)
    st.caption(how_to_read)


def empty_state(what: str) -> None:
    st.info(
        f"No {what} yet. Upload runs in the sidebar to fill this page.", icon=":material/inbox:"
    )


def activity_count_text(src: Source) -> str:
    """How many activities the store holds, said the same way on every page.

    Counted are the activities every total uses; a file holding a run already stored from a
    richer copy (the same run from the watch and from a Strava export) is kept as its duplicate,
    listed but not counted: "171 activities (2 more stored as duplicates of a counted run)".
    """
    counted, stored = _activity_counts(src.key, src.revision)
    extra = stored - counted
    text = f"{counted} {'activity' if counted == 1 else 'activities'}"
    return text + (f" ({extra} more stored as duplicates of a counted run)" if extra else "")


# ---- sidebar: upload ----------------------------------------------------------------------------


PLOTLY_CHUNK: str | None = next(
    (
        p.name
        for p in sorted((Path(st.__file__).parent / "static/static/js").glob("PlotlyChart.*.js"))
    ),
    None,
)
"""The file name of Streamlit's plotly chart code (4.7 MB of JavaScript), None if this Streamlit
names it otherwise."""

_PRELOAD_JS = """<script>
if (!window.__stridelogCharts) {
  const main = document.querySelector('script[type=module][src*="static/js/"]');
  const url = new URL("CHUNK", main ? main.src : new URL("static/js/", document.baseURI));
  window.__stridelogCharts = import(url.href).catch(() => null);
}
</script>"""


def _preload_charts() -> None:
    """Start loading the browser's chart code with the sidebar, once per page load.

    Streamlit fetches and compiles its plotly chunk only when the first chart arrives, after
    the page's data: on the first chart page of a visit that added 0.4–0.7 s after the
    server's last word. Imported here, as the sidebar is drawn, it loads while the server
    prepares the page, and the chart finds it loaded (a module is evaluated once per document).
    """
    if PLOTLY_CHUNK is not None:
        st.html(_PRELOAD_JS.replace("CHUNK", PLOTLY_CHUNK), unsafe_allow_javascript=True)


def sidebar() -> None:
    src = source()
    with st.sidebar:
        _preload_charts()
        gate.sidebar_identity()
        if src.is_demo:
            st.caption(":material/science: Showing the **demo athlete**")
        elif src.access.is_own:
            st.caption(f"Showing **your data** ({activity_count_text(src)})")
        else:
            st.caption(activity_count_text(src))
        if not may("upload"):
            # a coach or a share link never uploads; the store refuses it too
            return
        nonce = st.session_state.setdefault("upload_nonce", 0)
        files = st.file_uploader(
            "Add activity files",
            accept_multiple_files=True,
            key=f"uploader_{nonce}",
            help="FIT, GPX, TCX or CSV (per-sample streams, Strava activities.csv, Garmin Connect "
            "Activities.csv, a wellness log or a plan); .gz files; a whole Strava or Garmin "
            "export zip. Files are judged by their content: any other file is named below "
            "with the reason.",
        )
        with st.expander("Upload a folder"):
            folder = st.file_uploader(
                "A folder of activity files",
                accept_multiple_files="directory",
                key=f"folder_{nonce}",
            )
        chosen = list(files or []) + list(folder or [])
        if chosen and "import_job" not in st.session_state:
            uploads = [(f.name, f.getvalue()) for f in chosen]
            _release_uploads(chosen, [f"uploader_{nonce}", f"folder_{nonce}"])
            # the widgets' UploadedFile objects share these bytes: no reference of this run
            # may outlive the hand-over (st.rerun unwinds through an exception holding the frame)
            del chosen, files, folder
            _start_import(uploads)
            st.session_state["upload_nonce"] += 1  # fresh, empty uploaders
            st.rerun()
        if "import_job" in st.session_state:
            _import_progress()
        _show_last_import()


def _release_uploads(files: list[Any], widget_keys: list[str]) -> None:
    """Let Streamlit forget uploaded files whose bytes the import job now holds.

    Streamlit holds two references to every upload of a session until the session ends: the
    record in its in-memory file manager, and the widget's value (``UploadedFile`` objects over
    the same bytes) in the session state, which a fresh uploader key (the nonce) hides from the
    page but does not drop. Both go here; ``st.chat_input`` removes its files from the manager the same
    way once it has read them.
    """
    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    for key in widget_keys:
        st.session_state.pop(key, None)
    ctx = get_script_run_ctx()
    if ctx is None or not isinstance(ctx.uploaded_file_mgr, MemoryUploadedFileManager):
        return
    for f in files:
        ctx.uploaded_file_mgr.remove_file(session_id=ctx.session_id, file_id=f.file_id)


@dataclass
class ImportJob:
    """An import running in a background thread, so every page stays usable meanwhile."""

    names: list[str] = field(default_factory=list)  # the files as uploaded, for the summary
    done: int = 0
    total: int = 0
    current: str = ""
    started: float = field(default_factory=time.monotonic)
    outcomes: list[FileOutcome] = field(default_factory=list)
    finished: bool = False
    error: str | None = None
    cancel: threading.Event = field(default_factory=threading.Event)


def _run_import(job: ImportJob, store: GuardedStore, uploads: list[tuple[str, bytes]]) -> None:
    """Import the uploads in order; each file's bytes are dropped as soon as it is done.

    ``uploads`` is handed over: it is emptied here, so the job never holds a finished file.
    """
    uploads.reverse()  # pop() from the end is cheap and keeps the upload order
    try:
        while uploads:
            name, data = uploads.pop()
            if job.cancel.is_set():
                break
            base = job.done

            def progress(done: int, total: int, member: str, base: int = base) -> None:
                job.done = base + done
                job.total = max(job.total, base + total)
                job.current = member

            # in this process: Streamlit runs pages as __main__, which a worker process would re-run
            job.outcomes.extend(
                import_upload(store, name, data, progress, job.cancel.is_set, workers=0)
            )
            del data
    except StoreError as err:  # the store's own sentence (disk full, damaged …) says it all
        job.error = str(err)
    except Exception as err:  # reported in the sidebar; what was stored stays
        job.error = f"{type(err).__name__}: {err}"
    finally:
        uploads.clear()  # a stopped or failed job lets go of the files it did not reach
        job.finished = True


def _start_import(uploads: list[tuple[str, bytes]]) -> None:
    """Hand ``uploads`` (name, bytes) to a background import; the list is the job's from now on."""
    job = ImportJob(names=[name for name, _ in uploads], total=len(uploads))
    # each file is one transaction on this thread's own cursor; pages read while it writes
    threading.Thread(
        target=_run_import, args=(job, own_store(), uploads), daemon=True, name="import"
    ).start()
    st.session_state["import_job"] = job


@st.fragment(run_every=1.0)
def _import_progress() -> None:
    job: ImportJob | None = st.session_state.get("import_job")
    if job is None:
        return
    if job.finished:
        rows = [o.as_row() for o in job.outcomes]
        if job.error:
            rows.append(
                FileOutcome("(import)", FAILED, f"stopped by an error: {job.error}").as_row()
            )
        st.session_state["last_import"] = rows
        st.session_state["last_import_names"] = job.names
        _keep_import_report(rows, job.names)
        del st.session_state["import_job"]
        st.cache_data.clear()
        st.rerun(scope="app")
    elapsed = time.monotonic() - job.started
    rate = job.done / elapsed if elapsed > 0 else 0.0
    left = max(job.total - job.done, 0) / rate if rate > 0 else float("nan")
    eta = "" if left != left else f" · about {left:.0f} s left"  # NaN before the first file
    st.progress(
        min(job.done / max(job.total, 1), 1.0),
        text=f"Importing: {job.done}/{job.total} files · {rate:.1f} files/s{eta}",
    )
    st.caption(f"{job.current} — you can keep using the dashboard meanwhile.")
    if st.button("Stop import", key="import_stop"):
        # the importer stops between two files; each file is one transaction, so all finished
        # files stay and a later upload adds only the rest
        job.cancel.set()


def md_text(text: object) -> str:
    """A file name or message shown as text inside markdown, whatever characters it holds."""
    special = "\\`*_{}[]()#+-.!|<>~$"
    return "".join("\\" + ch if ch in special else ch for ch in str(text))


_md = md_text  # the older private name, still imported by a page test


LAST_IMPORT_META = "last_import_report"
"""Store meta key of the last import's report (JSON), so a reload or another session shows it."""


def _keep_import_report(rows: list[dict[str, object]], names: list[str]) -> None:
    """Save the report in the athlete's store; the session's copy is shown all the same."""
    # only an owner imports; a full disk loses this copy only, not the import
    with suppress(AccessDenied, StoreError):
        own_store().set_meta(
            LAST_IMPORT_META, json.dumps({"rows": rows, "names": names}, default=str)
        )


def _stored_import_report() -> tuple[list[dict[str, Any]], list[str]]:
    """The last import's report as saved in the store; empty when there is none or it is unreadable."""
    try:
        text = own_store().get_meta(LAST_IMPORT_META)
        got = json.loads(text) if text else {}
        return list(got.get("rows", [])), list(got.get("names", []))
    except (StoreError, ValueError, AttributeError, TypeError):
        return [], []


def _show_last_import() -> None:
    rows = st.session_state.get("last_import")
    if not rows:
        # a reload or a new session: the report the last import saved in the store
        rows, names = _stored_import_report()
        if not rows:
            return
        st.session_state["last_import"] = rows
        st.session_state["last_import_names"] = names
    count = {status: sum(r["status"] == status for r in rows) for status in
             (IMPORTED, ALREADY, DUPLICATE, SKIPPED, FAILED)}  # fmt: skip
    n = sum(int(r["activities"]) for r in rows if r["status"] == IMPORTED)
    if count[IMPORTED]:
        st.success(f"Imported {n} activities from {count[IMPORTED]} files.")
    if count[ALREADY]:
        st.info(f"{count[ALREADY]} files were already imported: nothing added twice.")
    if count[DUPLICATE]:
        st.info(f"{count[DUPLICATE]} files held runs already stored from a richer copy: linked.")
    uploaded = set(st.session_state.get("last_import_names", ()))
    for r in rows:
        if r["status"] == FAILED:
            st.error(f"**{md_text(r['file'])}**: {md_text(r['message'])}")
        elif r["status"] == SKIPPED and r["file"] in uploaded:
            # a file the runner chose that was not used at all: say so, not only in the report
            # (an archive's skipped members, its photos and the like, stay in the report)
            st.warning(f"**{md_text(r['file'])}**: {md_text(r['message'])}")
    with st.expander(f"Import report ({len(rows)} files, {count[SKIPPED]} skipped)"):
        report = pd.DataFrame(rows)
        st.dataframe(report, hide_index=True, key="import_report")
        st.download_button(
            "Download the report (CSV)",
            # file and member names come from the upload: no cell may start a formula
            to_safe_csv(report, index=False, encoding="utf-8"),
            file_name="stridelog-import-report.csv",
            mime="text/csv",
            key="import_report_download",
        )


@st.cache_data(show_spinner=False, max_entries=8)
def activity_samples(key: str, revision: int, activity_id: str) -> Any:
    return _open_store(key).samples(activity_id)


@st.cache_data(show_spinner=False, max_entries=32)
def _comments(key: str, revision: int, scope: str, target: str) -> Any:
    return _open_store(key).comments(scope, target)


def comments(src: Source, scope: str, target: str, what: str) -> None:
    """The notes on one week or activity, with author and time; a form for whoever may write."""
    notes = _comments(src.key, src.revision, scope, target)
    st.markdown(f"**Comments on {what}**")
    if notes.empty:
        st.caption("No comments yet.")
    for note in notes.itertuples():
        with st.container(border=True):
            st.caption(f"{note.author} · {note.created_at:%a %d %b %Y, %H:%M} UTC")
            st.text(note.body)
    if not src.can("comment"):
        return
    with st.form(f"comment_form_{scope}", clear_on_submit=True):
        body = st.text_area("Add a comment", key=f"comment_text_{scope}", max_chars=4000)
        if st.form_submit_button("Post comment", key=f"comment_save_{scope}"):
            with refused():
                try:
                    src.store.add_comment(scope, target, src.access.person.name, body)
                except ValueError as err:
                    st.error(f"Not posted: {err}.")
                else:
                    st.cache_data.clear()
                    st.rerun()


def week_start(day: dt.date, start: str) -> dt.date:
    """The first day of the athlete's week holding ``day`` (Monday or Sunday weeks)."""
    from analysis.metrics.mileage import week_start_of

    return pd.Timestamp(week_start_of(pd.Series([pd.Timestamp(day)]), start).iloc[0]).date()
