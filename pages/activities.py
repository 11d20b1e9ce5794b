"""Activities: a readable, sortable table; one activity in detail; a delete that asks and can be
undone until the page is left."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from analysis import columns as c
from analysis import units
from analysis.figures.activity import route_map_figure
from analysis.figures.run_detail import (
    dynamics_note,
    run_dynamics_figure,
    run_traces_figure,
    splits_figure,
    trace_note,
    zones_bar_figure,
)
from analysis.metrics import activity as run
from analysis.metrics.load import LOAD_MODEL_NAMES, LOAD_UNITS
from analysis.parsers.base import ParsedActivity
from analysis.prepare import prepare_activity
from analysis.settings import AthleteSettings
from analysis.views.run_detail import dynamics_tiles, run_detail_data
from pages import _common as ui

PICK = "activity_pick"
ASKED = "activity_delete_asked"  # the activity whose delete waits for its confirmation
TAB = "activity_tab"  # the one-activity view's open tab
TAB_TRACES, TAB_DYNAMICS, TAB_ZONES, TAB_ROUTE = (
    "Traces", "Running dynamics", "Heart-rate zones", "Route",
)  # fmt: skip
UNDO = "activity_undo_pending"  # what the last delete removed, kept for its undo
UNDO_BUTTON = "activity_undo"
DASH = "—"
# cadence per sport: crank turns on a bike, strokes in the pool, steps of both feet otherwise
# (a bare string here would be drawn on the page: Streamlit's magic writes module-level literals)
CADENCE_UNITS = {c.SPORT_CYCLING: "rpm", c.SPORT_SWIMMING: "strokes/min"}
FILE_NAME, FILE_SIZE = "file_name", "size_bytes"  # the files table's own columns


# ---- formatting: what a person reads --------------------------------------------------------------


def _missing(value: Any) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or array is a value, not a missing one
        return False


def _fmt(pattern: str) -> Callable[[Any], str]:
    return lambda v: DASH if _missing(v) else pattern.format(v)


def _duration(seconds: Any) -> str:
    return DASH if _missing(seconds) else units.format_duration(float(seconds))


def _pause(seconds: float) -> str:
    """A pause's length: h:mm:ss under a day; days and hours beyond (27 d 3 h, not 651:00:00)."""
    if seconds < 86400:
        return units.format_duration(seconds)
    days, hours = divmod(round(seconds / 3600.0), 24)
    return f"{days} d {hours} h"


def _speed_value(speed_mps: Any, display: run.SpeedDisplay) -> str:
    """Pace as m:ss or speed as a number, without its unit (the column or tile label says it)."""
    if _missing(speed_mps):
        return DASH
    return run.format_speed(float(speed_mps), display).removesuffix(f" {display.label}")


def _speed_title(display: run.SpeedDisplay) -> str:
    return f"{'Pace' if display.kind == 'pace' else 'Speed'} [{display.label}]"


def _styled(frame: pd.DataFrame, formats: dict[str, Callable[[Any], str]]) -> Any:
    """The frame with readable cell texts; sorting a column still sorts its numbers."""
    return frame.style.format({k: f for k, f in formats.items() if k in frame.columns})


# ---- the activities table -------------------------------------------------------------------------


def _status(acts: pd.DataFrame) -> pd.Series:
    """Counted, or which counted activity it repeats (by name and date, not by internal id)."""
    names = acts[c.NAME].astype(str) + " of " + acts[c.START_TIME_LOCAL].dt.strftime("%Y-%m-%d")
    other = acts[c.DUPLICATE_OF]
    repeats = "not counted: same run as " + other.map(
        pd.Series(names.to_numpy(), index=acts[c.ACTIVITY_ID])
    ).fillna(other)
    return repeats.where(other.notna(), "counted")


DISTANCE, ELEVATION, STATUS = "distance", "elevation_gain", "status"  # in display units


def activities_table(acts: pd.DataFrame, unit: str) -> tuple[Any, dict[str, Any]]:
    """Every activity, one row each, in the athlete's units and each sport's own pace or speed.

    Returns the styled table and its column configuration: the columns keep the store's names
    underneath (a reader of the widget's data finds them), the labels are what a person reads.
    """
    d_label, d_factor = units.distance_label(unit), units.distance_factor(unit)
    elev_factor, elev_label = run.elevation_display(unit)
    table = acts.assign(
        **{
            c.SPORT: acts[c.SPORT].str.capitalize(),
            DISTANCE: acts[c.DISTANCE_KM] * d_factor,
            ELEVATION: acts[c.ELEVATION_GAIN_M] * elev_factor,
            STATUS: _status(acts),
            c.TIMEZONE: acts[c.TIMEZONE].fillna("UTC")
            + " (from "
            + acts[c.TIMEZONE_SOURCE].fillna("utc")
            + ")",
        }
    )
    cols = [
        c.START_TIME_LOCAL, c.NAME, c.SPORT, DISTANCE, c.MOVING_TIME_S, c.AVG_SPEED_MPS,
        c.AVG_HEART_RATE_BPM, c.AVG_CADENCE_SPM, ELEVATION, c.RPE, STATUS, c.TIMEZONE,
        c.SOURCE_NAME,
    ]  # fmt: skip
    table = table[cols].reset_index(drop=True)
    styler = _styled(
        table,
        {
            DISTANCE: _fmt("{:.2f}"),
            c.MOVING_TIME_S: _duration,
            c.AVG_HEART_RATE_BPM: _fmt("{:.0f}"),
            c.AVG_CADENCE_SPM: _fmt("{:.0f}"),
            ELEVATION: _fmt("{:.0f}"),
            c.RPE: _fmt("{:g}"),
        },
    )
    sports = acts[c.SPORT].reset_index(drop=True)
    for sport in sports.unique():
        display = run.speed_display(sport, unit)
        styler = styler.format(
            lambda v, display=display: DASH if _missing(v) else run.format_speed(float(v), display),
            subset=pd.IndexSlice[sports.index[sports == sport], [c.AVG_SPEED_MPS]],
        )
    config = {
        c.START_TIME_LOCAL: st.column_config.DatetimeColumn(
            "Start (local)", format="YYYY-MM-DD HH:mm"
        ),
        c.NAME: "Name",
        c.SPORT: "Sport",
        DISTANCE: f"Distance [{d_label}]",
        c.MOVING_TIME_S: "Moving time",
        # sorted by speed, so fastest first means the same for a run and a ride
        c.AVG_SPEED_MPS: st.column_config.Column(
            "Pace or speed",
            help="Pace for runs and walks, per 100 m or 100 yd for swims; speed for rides",
        ),
        c.AVG_HEART_RATE_BPM: "Avg HR [bpm]",
        c.AVG_CADENCE_SPM: st.column_config.Column(
            "Avg cadence",
            help="Steps of both feet (runs, walks), crank turns (rides), strokes (swims) a minute",
        ),
        ELEVATION: f"Elevation gain [{elev_label}]",
        c.RPE: "RPE",
        STATUS: "Status",
        c.TIMEZONE: st.column_config.Column(
            "Time zone", help="From the file, from the GPS position, or UTC"
        ),
        c.SOURCE_NAME: "File",
    }
    return styler, config


# ---- one activity ---------------------------------------------------------------------------------


@st.cache_data(show_spinner="Preparing the activity…", max_entries=8)
def _detail(
    _store: Any, key: str, revision: int, skey: tuple[Any, ...], activity_id: str
) -> dict[str, Any]:
    # the store (read through the access layer) is not hashed: the athlete's store key, its
    # revision, the settings and the id decide the entry
    return run_detail_data(_store, AthleteSettings(**dict(skey)), activity_id)


def _tiles(items: list[tuple[str, str, str | None]]) -> None:
    for col, (label, value, hint) in zip(st.columns(4), items, strict=False):
        col.metric(label, value, help=hint, border=True)


def _load_tile(head: dict[str, Any], unit: str) -> tuple[str, str, str | None]:
    model = head["load_model"]
    value = head[c.LOAD]
    load_unit = LOAD_UNITS[model]
    if model == "distance" and value is not None:
        value, load_unit = units.km_to(unit, value), units.distance_label(unit)
    hint = f"Under the {LOAD_MODEL_NAMES[model]} load model (Settings), in {load_unit}."
    if value is None or _missing(value):
        return "Load", DASH, hint
    if model == "distance":
        shown = f"{value:.1f} {load_unit}"
    elif model == "duration":
        shown = f"{value:.0f} {load_unit}"
    else:  # arbitrary units: the hint says which
        shown = f"{value:.0f}"
    return "Load", shown, hint


def headline(detail: dict[str, Any], s: AthleteSettings) -> None:
    """The run's headline figures as tiles whose values stay short enough never to be cut."""
    head, row, sport = detail["headline"], detail["activity"], detail["sport"]
    unit = s.units
    display = head["speed_display"]
    d_factor, d_label = head["distance_factor"], head["distance_label"]
    e_factor, e_label = head["elevation_factor"], head["elevation_label"]
    distance = head[c.DISTANCE_M]
    dist_text = DASH if distance is None else (
        f"{distance * d_factor:.0f}" if d_label in ("m", "yd") else f"{distance * d_factor:.2f}"
    )  # fmt: skip
    gain, loss = head[c.ELEVATION_GAIN_M], head["elevation_loss_m"]
    cadence = head[c.AVG_CADENCE_SPM]
    climb_hint = (
        "A climb or descent counts once it passes "
        f"{run.ELEVATION_HYSTERESIS_M * e_factor:.0f} {e_label}, so altimeter noise stays out."
    )
    easy, hard = head["easy_pct"], head["hard_pct"]
    zones_hint = (
        f"Share of the heart-rate time in the easy and in the hard zones of the {s.zone_model} "
        "zone model (Settings), moving time only."
    )
    rpe = head[c.RPE]
    # four tiles a row, each value a few characters: a tile cuts what does not fit its width
    _tiles(
        [
            (f"Distance [{d_label}]", dist_text, None),
            ("Moving time", _duration(head[c.MOVING_TIME_S]), "Time moving, pauses and stops left out."),
            ("Elapsed time", _duration(head["elapsed_time_s"]), "Start to finish, pauses included."),
            (_speed_title(display), _speed_value(head[c.AVG_SPEED_MPS], display), "Distance over moving time."),
        ]
    )  # fmt: skip
    _tiles(
        [
            ("Avg HR [bpm]", _fmt("{:.0f}")(head[c.AVG_HEART_RATE_BPM]), None),
            ("Max HR [bpm]", _fmt("{:.0f}")(head[c.MAX_HEART_RATE_BPM]), None),
            (f"Avg cadence [{CADENCE_UNITS.get(sport, 'spm')}]", _fmt("{:.0f}")(cadence), None),
            ("Session RPE", DASH if rpe is None else f"{rpe:g} / 10", "Borg CR-10, rated below."),
        ]
    )  # fmt: skip
    _tiles(
        [
            (f"Elevation gain [{e_label}]", DASH if gain is None else f"{gain * e_factor:,.0f}", climb_hint),
            (f"Elevation loss [{e_label}]", DASH if loss is None else f"{loss * e_factor:,.0f}", climb_hint),
            _load_tile(head, unit),
            ("Easy / hard zones", DASH if _missing(easy) else f"{easy:.0f} / {hard:.0f} %", zones_hint),
        ]
    )  # fmt: skip
    dyn = dynamics_tiles(head, s.units)  # power and running dynamics, only those the run has
    for first in range(0, len(dyn), 4):
        _tiles(dyn[first : first + 4])
    notes = [
        f"{row[c.START_TIME_LOCAL]:%a %d %b %Y, %H:%M} local time",
        f"time zone {ui.md_text(row[c.TIMEZONE])} (from {row[c.TIMEZONE_SOURCE]})",
        ui.md_text(sport.capitalize()),
        f"file {ui.md_text(row[c.SOURCE_NAME])}",
    ]
    st.caption(" · ".join(notes))
    if head["pauses"]:
        plural = "s" if head["pauses"] > 1 else ""
        st.caption(
            f"{head['pauses']} pause{plural} ({_pause(head['paused_s'])}, the recorder stopped) "
            "count in the elapsed time only: the moving time, the splits and the traces leave "
            f"{'them' if plural else 'it'} out."
        )
    if head["load_note"]:
        st.caption(f"Load: {head['load_note']}.")
    if row.get("fixes"):
        st.caption(f"Corrections made while reading the file: {ui.md_text(row['fixes'])}")


def window_table(frame: pd.DataFrame, first: str, unit: str, sport: str) -> Any:
    """Splits or laps, one row each, readable: times h:mm:ss, pace m:ss or speed by sport."""
    display = run.speed_display(sport, unit)
    dist_factor, dist_label = run.distance_display(c.SPORT_RUNNING, unit)
    elev_factor, elev_label = run.elevation_display(unit)
    speed = _speed_title(display)
    table = pd.DataFrame(
        {
            first: frame[run.SPLIT if first == "Split" else run.LAP].to_numpy(),
            f"Distance [{dist_label}]": frame[c.DISTANCE_M].to_numpy() * dist_factor,
            "Time": frame[c.TIME_S].to_numpy(),
            "Moving time": frame[c.MOVING_TIME_S].to_numpy(),
            speed: frame[c.AVG_SPEED_MPS].to_numpy(),
            "Avg HR [bpm]": frame[c.AVG_HEART_RATE_BPM].to_numpy(),
            "Max HR [bpm]": frame[c.MAX_HEART_RATE_BPM].to_numpy(),
            f"Avg cadence [{CADENCE_UNITS.get(sport, 'spm')}]": frame[c.AVG_CADENCE_SPM].to_numpy(),
            f"Elevation change [{elev_label}]": frame[run.ELEVATION_CHANGE_M].to_numpy()
            * elev_factor,
        }
    )
    number = _fmt("{:.0f}")
    return _styled(
        table,
        {
            f"Distance [{dist_label}]": _fmt("{:.2f}"),
            "Time": _duration,
            "Moving time": _duration,
            speed: lambda v: _speed_value(v, display),
            "Avg HR [bpm]": number,
            "Max HR [bpm]": number,
            f"Avg cadence [{CADENCE_UNITS.get(sport, 'spm')}]": number,
            f"Elevation change [{elev_label}]": _fmt("{:+.0f}"),
        },
    )


# ---- delete and undo ------------------------------------------------------------------------------


def _snapshot(store: Any, activity_id: str) -> dict[str, Any]:
    """What a delete takes away, so Undo can put it back: the stored row, samples and laps (the
    file's bytes are not kept), and the file record they came with."""
    row = store.activity(activity_id)
    files = store.files()
    own = files[files[c.FILE_HASH] == row[c.FILE_HASH]]
    return {
        "row": row,
        "samples": store.samples(activity_id),
        "laps": store.laps(activity_id),
        "file": dict(own.iloc[0]) if len(own) else {},
    }


def _utc(value: Any) -> pd.Timestamp:
    stamp = pd.Timestamp(value)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def _restore(store: Any, snap: dict[str, Any]) -> str:
    """Add the deleted activity back through the import path; returns its id.

    The samples and laps go through :func:`analysis.prepare.prepare_activity`, so everything the
    importer derives from them (histograms, best efforts) is derived again exactly as at import;
    the summary is then the stored one, with its name, RPE, gear and time zone.
    """
    row = snap["row"]
    laps = snap["laps"]
    parsed = ParsedActivity(
        source_name=str(row[c.SOURCE_NAME]),
        format=str(row[c.FORMAT]),
        sport=str(row[c.SPORT]),
        start_time_utc=_utc(row[c.START_TIME_UTC]),
        samples=snap["samples"],
        start_time_local=pd.Timestamp(row[c.START_TIME_LOCAL]),
        is_summary=bool(row[c.IS_SUMMARY]),
        laps=laps[[c.LAP_START, c.DURATION_S, c.DISTANCE_M]] if len(laps) else None,
    )
    file = snap["file"]
    file_hash = str(row[c.FILE_HASH])
    record = prepare_activity(parsed, file_hash, 0)
    record.summary.update({k: (None if _missing(v) else v) for k, v in row.items()})
    # stored as naive UTC, like every start the importer writes
    record.summary[c.START_TIME_UTC] = _utc(row[c.START_TIME_UTC]).tz_localize(None)
    # which copy of a run counts is decided again against what is stored now
    record.summary[c.DUPLICATE_OF] = None
    if store.has_file(file_hash):
        # the file still holds other activities, and the store never adds a stored file twice:
        # this one comes back under a file record of its own (unique, so a second undo works too)
        file_hash = hashlib.sha256(
            f"{file_hash}:{row[c.ACTIVITY_ID]}:{time.time_ns()}".encode()
        ).hexdigest()
    store.add_file(
        file_hash,
        str(file.get(FILE_NAME) or row[c.SOURCE_NAME]),
        str(file.get(c.FORMAT) or row[c.FORMAT]),
        int(file.get(FILE_SIZE) or 0),
        [record],
    )
    return str(row[c.ACTIVITY_ID])


def _what(row: dict[str, Any]) -> str:
    """The activity as a person names it: its name (or file) and its local start."""
    name = row[c.SOURCE_NAME] if _missing(row.get(c.NAME)) else row[c.NAME]
    return f"{ui.md_text(name)} of {row[c.START_TIME_LOCAL]:%a %d %b %Y, %H:%M}"


def _undo(src: ui.Source) -> None:
    # a callback, so it runs before the page and may still choose the activity shown
    pending = st.session_state.get(UNDO)
    if pending is None:
        return
    with ui.refused():
        restored = _restore(src.store, pending["snapshot"])
        del st.session_state[UNDO]
        st.cache_data.clear()
        st.session_state[PICK] = restored
        st.toast("Activity restored")


def _undo_box(src: ui.Source, pending: dict[str, Any], key: str) -> None:
    with st.container(border=True):
        text, button = st.columns([4, 1], vertical_alignment="center")
        text.markdown(f":material/delete: Deleted **{pending['what']}**.")
        button.button("Undo", key=key, icon=":material/undo:", on_click=_undo, args=(src,))


def undo_banner(src: ui.Source) -> None:
    """The banner "Deleted … Undo" at the top of the page, shown until the page is left.

    Leaving is seen through Streamlit's own bookkeeping: a widget that a run does not draw loses
    its state at the end of that run, so once the banner has been drawn, its button's key missing
    from the session state means another page ran in between.
    """
    pending = st.session_state.get(UNDO)
    if pending is None:
        return
    left = pending["shown"] and UNDO_BUTTON not in st.session_state
    if left or pending["key"] != src.key:
        del st.session_state[UNDO]
        return
    pending["shown"] = True
    _undo_box(src, pending, UNDO_BUTTON)


def delete_section(src: ui.Source, row: dict[str, Any], picked: str) -> None:
    """Delete in two steps: the button asks, a second button confirms; Undo follows."""
    asked = st.session_state.get(ASKED) == picked
    with st.expander("Delete this activity", expanded=asked):
        may_delete = src.can("delete")
        if src.is_demo:
            st.caption("Demo activities cannot be deleted; upload your own to replace the demo.")
        elif not may_delete:
            st.caption("Only the athlete can delete their activities.")
        else:
            st.write("This removes the activity and its samples from your store.")
        if st.button("Delete activity…", key="activity_delete", disabled=not may_delete):
            with ui.refused():
                # refused on this click already, so nobody confirms what they may not do; the
                # store checks the role again when the delete itself comes
                src.access.require("delete")
                st.session_state[ASKED] = picked
                asked = True
        if not asked:
            return
        st.warning(
            f"Delete **{_what(row)}** with its samples? You can undo it until you leave this page.",
            icon=":material/warning:",
        )
        yes, no = st.columns(2)
        if yes.button("Yes, delete", key="activity_delete_confirm", type="primary"):
            st.session_state.pop(ASKED, None)
            with ui.refused():
                snapshot = _snapshot(src.store, picked)
                if src.store.delete_activity(picked):
                    st.session_state[UNDO] = {
                        "key": src.key,
                        "what": _what(row),
                        "snapshot": snapshot,
                        "shown": False,
                    }
                st.cache_data.clear()
                st.rerun()
        if no.button("Cancel", key="activity_delete_cancel"):
            st.session_state.pop(ASKED, None)
            st.rerun()


def rpe_section(src: ui.Source, row: dict[str, Any], picked: str) -> None:
    rpe_now = row[c.RPE]
    unrated = _missing(rpe_now)
    with st.expander(f"Session RPE: {'not rated' if unrated else f'{rpe_now:g} / 10'}"):
        st.caption(
            "How hard was the whole session, 0 (rest) to 10 (maximal), on Borg's CR-10 scale? "
            "Session RPE × minutes is the session-RPE load (Foster et al. 2001)."
        )
        may_rate = src.can("rpe")
        rating = st.slider(
            "RPE (CR-10)", 0, 10, 5 if unrated else int(rpe_now), key="activity_rpe",
            disabled=not may_rate,
        )  # fmt: skip
        if src.is_demo:
            st.caption("Demo activities are read-only.")
        elif not may_rate:
            st.caption("Only the athlete rates their sessions.")
        if st.button("Save RPE", key="activity_rpe_save", disabled=not may_rate):
            with ui.refused():
                src.store.set_rpe(picked, float(rating))
                st.cache_data.clear()
                st.rerun()


def _sentence(note: str) -> str:
    """A figure's note as a further sentence of its caption; nothing without one."""
    return f" {note}." if note else ""


# ---- the page -------------------------------------------------------------------------------------

src, s, skey = ui.page_context()
st.title("Activities")
undo_banner(src)  # before any early stop: deleting the last activity must stay undoable
acts = ui.activity_table(src.key, src.revision)
if acts.empty:
    ui.empty_state("activities")
    st.stop()

period = ui.period_control(src, s)
unit = s.units
every = ui.activity_count_text(src)
days = acts[c.START_TIME_LOCAL].dt.date
acts = acts[(days >= period.first) & (days <= period.last)]
in_period = int(acts[c.DUPLICATE_OF].isna().sum())
shown = f"{in_period} counted in this period" + (
    f" and {len(acts) - in_period} duplicates" if len(acts) > in_period else ""
)
st.caption(f"{every} in all; {shown}. Click a column header to sort; pace or speed sorts by speed.")
if acts.empty:
    st.info(
        "No activities in this period: choose a longer period or an earlier day above.",
        icon=":material/date_range:",
    )
    st.stop()
table, config = activities_table(acts, unit)
st.dataframe(table, hide_index=True, key="activities_table", column_config=config)

st.subheader("One activity")
labels = {
    row[c.ACTIVITY_ID]: f"{row[c.START_TIME_LOCAL]:%Y-%m-%d %H:%M} · {row[c.SPORT]} · "
    f"{units.km_to(unit, row[c.DISTANCE_KM]):.2f} {units.distance_label(unit)} · {row[c.NAME]}"
    for _, row in acts.iterrows()
}
if st.session_state.get(PICK) not in labels:
    st.session_state.pop(PICK, None)  # picked in another period: the period's latest instead
picked = st.selectbox("Activity", list(labels), format_func=labels.__getitem__, key=PICK)
fig_view = ui.view(src, skey, period, picked)  # its figures are built once per run shown
try:
    detail = _detail(src.store, src.key, src.revision, skey, picked)
except LookupError:
    st.warning("This activity was deleted meanwhile: pick another one.")
    st.stop()
row, sport = detail["activity"], detail["sport"]
headline(detail, s)

if detail["samples"].empty:
    st.info(
        "This activity is a summary row (from an activities CSV): no samples, so no traces, "
        "splits, zones or route.",
        icon=":material/table_rows:",
    )
else:
    trace, splits, zones = detail["trace"], detail["splits"], detail["zones"]
    dyn_trace = detail["dynamics_trace"]
    per = "mile" if unit == units.UNIT_MI else "km"
    # one tab drawn at a time: only the open tab's figures are built and sent, so a run opens
    # with its traces at once and the rest follows a click away
    names = [TAB_TRACES]
    if dyn_trace.ranges:  # only a run whose file has running dynamics; others show nothing more
        names.append(TAB_DYNAMICS)
    tab_splits = f"Splits per {per} and laps"
    names += [tab_splits, TAB_ZONES, TAB_ROUTE]
    if st.session_state.get(TAB) not in names:
        st.session_state.pop(TAB, None)  # a tab the run picked now lacks: back to its traces
    tabs = dict(zip(names, st.tabs(names, key=TAB, on_change="rerun"), strict=True))
    if tabs[TAB_TRACES].open:
        with tabs[TAB_TRACES]:
            # a figure with nothing to draw would be a large empty frame: one line says so
            if trace.ranges:
                ui.chart(
                    lambda: run_traces_figure(trace, sport, unit),
                    "activity_traces",
                    "Each channel over moving time, on one shared axis: pauses and stops are cut "
                    "out (the line breaks there), and a spike is drawn at the axis edge rather "
                    "than squash the rest." + _sentence(trace_note(trace, sport, unit)),
                    view=fig_view,
                )
            else:
                st.caption(
                    "No pace, heart rate, cadence, elevation or power while moving: no traces."
                )
    if TAB_DYNAMICS in tabs and tabs[TAB_DYNAMICS].open:
        with tabs[TAB_DYNAMICS]:
            osc, step = units.oscillation_label(unit), units.step_length_label(unit)
            ui.chart(
                lambda: run_dynamics_figure(dyn_trace, unit),
                "activity_dynamics",
                "Running dynamics on the same axis of moving time, only the channels this file "
                "has: ground contact time (a foot on the ground per step), vertical oscillation "
                f"(the torso's bounce, {osc}), vertical ratio (bounce over step length; lower is "
                "more economical), ground contact balance (left foot's share; 50 % is even) and "
                f"step length ({step}; the file's own, else speed × 60 / cadence)."
                + _sentence(dynamics_note(dyn_trace, unit)),
                view=fig_view,
            )
    if tabs[tab_splits].open:
        with tabs[tab_splits]:
            if splits.empty:
                st.caption("No distance recorded: no splits.")
            else:
                ui.chart(
                    lambda: splits_figure(splits, unit, sport),
                    "activity_splits",
                    f"Automatic splits every {per} along the recorded distance; the last one is "
                    "partial (grey). Hover for its times, heart rate and elevation change.",
                    view=fig_view,
                )
                st.dataframe(
                    window_table(splits, "Split", unit, sport),
                    hide_index=True,
                    key="activity_splits_table",
                )
            if detail["laps"].empty:
                st.caption("No laps recorded in this file.")
            else:
                st.markdown("**Laps as recorded**")
                st.dataframe(
                    window_table(detail["laps"], "Lap", unit, sport),
                    hide_index=True,
                    key="activity_laps_table",
                )
    if tabs[TAB_ZONES].open:
        with tabs[TAB_ZONES]:
            if zones[c.TIME_S].sum() > 0:
                ui.chart(
                    lambda: zones_bar_figure(zones),
                    "activity_zones",
                    f"Moving time in each heart-rate zone of the {s.zone_model} zone model "
                    "(Settings).",
                    view=fig_view,
                )
            else:
                st.caption("No heart rate while moving: no time in zones.")
    if tabs[TAB_ROUTE].open:
        with tabs[TAB_ROUTE]:
            if detail["samples"][[c.LATITUDE_DEG, c.LONGITUDE_DEG]].notna().all(axis=1).any():
                ui.chart(
                    lambda: route_map_figure(detail["samples"], unit=unit),
                    "activity_map",
                    "The route as recorded by GPS. Zoom and pan; hover for distance and time.",
                    view=fig_view,
                )
            else:
                st.caption("No GPS position recorded: no route map.")

rpe_section(src, row, picked)
ui.comments(src, "activity", str(picked), "this activity")
pending = st.session_state.get(UNDO)
if pending is not None:
    # the delete was clicked down here: its undo is offered here too, not only at the top
    _undo_box(src, pending, "activity_undo_here")
delete_section(src, row, picked)
