"""Figures of one run in detail: its splits, its time in heart-rate zones, and its traces.

Each takes the output of :mod:`analysis.metrics.activity` (never samples straight from a file or
a store). Pace or speed follows :func:`analysis.metrics.activity.speed_display`, so a ride is in
km/h or mph and a swim per 100 m or 100 yd; heights are in feet when the athlete runs in miles.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analysis import columns as c
from analysis import units
from analysis.figures import style
from analysis.figures.activity import ELAPSED_AXIS_LIMIT_S
from analysis.metrics.activity import (
    MOVING_ELAPSED_S,
    PACE_OR_SPEED,
    SEGMENT,
    RunTrace,
    SpeedDisplay,
    display_speed,
    distance_display,
    elevation_display,
    speed_display,
)
from analysis.units import UNIT_MI

AXIS_PADDING = 0.04
"""Share of an axis range added above and below the data, so a line never runs along the frame."""

NO_HR_MESSAGE = "No heart rate in this activity"
NO_DISTANCE_MESSAGE = "No distance recorded: no splits"


def _speed_axis(display: SpeedDisplay) -> str:
    return f"{'Pace' if display.kind == 'pace' else 'Speed'} [{display.label}]"


def _speed_text(value: float, display: SpeedDisplay) -> str:
    if not math.isfinite(value):
        return "—"
    if display.kind == "pace":
        return f"{style.format_mss(value)} {display.label}"
    return f"{value:.1f} {display.label}"


def splits_figure(splits: pd.DataFrame, unit: str, sport: str) -> go.Figure:
    """Pace (or speed) of each automatic split, the partial last split marked.

    Parameters
    ----------
    splits
        From :func:`analysis.metrics.activity.splits`.
    unit
        ``"km"`` or ``"mi"``: the split length and every distance, pace and height shown.
    sport
        Decides pace or speed (:func:`analysis.metrics.activity.speed_display`).

    Returns
    -------
    plotly.graph_objects.Figure
        One point per split joined by a line; for a pace the axis is reversed (faster is up) and
        ticks read m:ss. Hover: split length, clock and moving time, pace or speed, HR, elevation
        change.
    """
    per = "mile" if unit == UNIT_MI else "km"
    title = f"Splits per {per}"
    if splits is None or splits.empty:
        return style.empty_figure(NO_DISTANCE_MESSAGE, title=title)
    display = speed_display(sport, unit)
    dist_factor, dist_label = distance_display(c.SPORT_RUNNING, unit)
    elev_factor, elev_label = elevation_display(unit)
    values = display_speed(splits[c.AVG_SPEED_MPS].to_numpy(dtype="float64"), display)
    numbers = splits["split"].to_numpy()
    partial = splits["is_partial"].to_numpy(dtype=bool)
    lengths = splits[c.DISTANCE_M].to_numpy(dtype="float64") * dist_factor
    labels = [
        f"{n} ({length:.2f} {dist_label})" if is_partial else str(n)
        for n, is_partial, length in zip(numbers, partial, lengths, strict=True)
    ]
    hr = splits[c.AVG_HEART_RATE_BPM].to_numpy(dtype="float64")
    elev = splits["elevation_change_m"].to_numpy(dtype="float64") * elev_factor
    custom = np.column_stack(
        [
            [f"{length:.2f} {dist_label}" for length in lengths],
            [style.format_mss(t) for t in splits[c.TIME_S].to_numpy(dtype="float64")],
            [style.format_mss(t) for t in splits[c.MOVING_TIME_S].to_numpy(dtype="float64")],
            [_speed_text(v, display) for v in values],
            [f"{h:.0f} bpm" if math.isfinite(h) else "—" for h in hr],
            [f"{e:+.0f} {elev_label}" if math.isfinite(e) else "—" for e in elev],
        ]
    )
    fig = go.Figure(
        go.Scatter(
            x=labels,
            y=values,
            mode="lines+markers+text",
            text=[_speed_text(v, display).split(" ")[0] for v in values],
            textposition="top center",
            name=_speed_axis(display),
            line={"color": style.PRIMARY, "width": 1.5},
            marker={
                "size": 10,
                "color": [style.MUTED if p else style.PRIMARY for p in partial],
            },
            customdata=custom,
            hovertemplate=(
                "Split %{x}: %{customdata[0]}<br>%{customdata[3]}<br>"
                "time %{customdata[1]} (moving %{customdata[2]})<br>"
                "HR %{customdata[4]} · elevation %{customdata[5]}<extra></extra>"
            ),
        )
    )
    style.base_layout(fig, title=title, x_title=f"Split ({per})", y_title=_speed_axis(display))
    fig.update_xaxes(type="category")
    finite = values[np.isfinite(values)]
    if display.kind == "pace" and len(finite):
        lo, hi = float(finite.min()), float(finite.max())
        pad = max((hi - lo) * 0.15, 5.0)
        tickvals, ticktext = style.pace_ticks(lo - pad, hi + pad)
        fig.update_yaxes(
            range=[hi + pad, lo - pad], tickvals=tickvals, ticktext=ticktext, autorange=False
        )
    fig.update_layout(showlegend=False)
    return fig


def zones_bar_figure(zones_for_run: pd.DataFrame) -> go.Figure:
    """Moving time of one run in each heart-rate zone, easy zones cool and hard zones warm.

    Parameters
    ----------
    zones_for_run
        From :func:`analysis.metrics.activity.time_in_zones_for_run` (``zone``, ``time_s``,
        ``share_pct``, ``zone_label``).

    Returns
    -------
    plotly.graph_objects.Figure
        Horizontal bars of minutes per zone (lowest zone at the bottom), each labelled with its
        time (m:ss) and share of the heart-rate time.
    """
    title = "Time in heart-rate zones"
    if zones_for_run is None or zones_for_run.empty:
        return style.empty_figure(NO_HR_MESSAGE, title=title)
    seconds = zones_for_run[c.TIME_S].to_numpy(dtype="float64")
    if not float(seconds.sum()) > 0:
        return style.empty_figure(NO_HR_MESSAGE, title=title)
    share = zones_for_run[c.SHARE_PCT].to_numpy(dtype="float64")
    names = zones_for_run[c.ZONE].astype(str).tolist()
    labels = (
        zones_for_run[c.ZONE_LABEL].astype(str).tolist()
        if c.ZONE_LABEL in zones_for_run.columns
        else names
    )
    fig = go.Figure(
        go.Bar(
            x=seconds / 60.0,
            y=names,
            orientation="h",
            marker={"color": style.zone_colors(len(names))},
            text=[
                f"{style.format_mss(s)} · {p:.0f} %" if s > 0 else ""
                for s, p in zip(seconds, np.nan_to_num(share), strict=True)
            ],
            textposition="auto",
            customdata=labels,
            hovertemplate="%{customdata}<br>%{text}<extra></extra>",
            name="Time in zone",
        )
    )
    height = max(style.DEFAULT_HEIGHT, 40 * len(names) + 120)
    style.base_layout(fig, title=title, x_title="Moving time [min]", y_title="Zone", height=height)
    fig.update_layout(showlegend=False)
    return fig


CLOCK_ORIGIN_MS = 86_400_000
"""Where a clock-like axis starts: the second day after the epoch [ms]. plotly.js reads a whole
number below 10,000 on a date axis as a year, so a run's first ten seconds (0 and 5,000 ms)
drew at the years 0 and 5000; from a day on, every value is milliseconds, and the ticks show
the time of day only (h:mm:ss) up to the axis's limit of under a day."""


def _axis_x(seconds: np.ndarray) -> tuple[np.ndarray, str, dict[str, str]]:
    finite = seconds[np.isfinite(seconds)]
    if not len(finite) or float(finite.max()) < ELAPSED_AXIS_LIMIT_S:
        # a clock-like axis gives h:mm:ss ticks; the date part is never shown. Its values are
        # whole milliseconds from CLOCK_ORIGIN_MS (what a plotly date axis reads), sent as 4-byte
        # integers: an ISO date string a point, repeated for every channel, was most of the
        # bytes of a long run's figure
        x = (np.round(np.nan_to_num(seconds) * 1000.0) + CLOCK_ORIGIN_MS).astype(np.int32)
        return (
            x,
            "Moving time [h:mm:ss]",
            {
                "type": "date",
                "tickformat": "%-H:%M:%S",
                "hoverformat": "%-H:%M:%S",
            },
        )
    return seconds / 3600.0, "Moving time [h]", {"hoverformat": ".2f"}


def _with_breaks(rows: np.ndarray, segment: np.ndarray) -> np.ndarray:
    """Row positions with -1 inserted wherever a new segment starts (a break in the line)."""
    starts = np.flatnonzero(np.diff(segment[rows]) != 0) + 1
    return np.insert(rows, starts, -1)


Channel = tuple[str, str, str, float, str, str, str]
"""One row of a stacked traces figure: (column, name, axis title, factor from the stored unit,
colour, unit in the hover, number format in the hover)."""


def run_traces_figure(trace: RunTrace, sport: str, unit: str) -> go.Figure:
    """Stacked traces of one run on one shared axis of moving time.

    Parameters
    ----------
    trace
        From :func:`analysis.metrics.activity.trace_frame` (the same ``sport`` and ``unit``).
    sport
        Decides pace or speed.
    unit
        ``"km"`` or ``"mi"``: pace per km or mile (per 100 m or 100 yd for a swim), speed in km/h
        or mph, elevation in metres or feet.

    Returns
    -------
    plotly.graph_objects.Figure
        One row per recorded channel: pace (axis reversed, m:ss ticks) or speed, heart rate
        [bpm], cadence [spm], elevation [m or ft], power [W]. The line breaks at every pause or
        stop; each axis spans the channel's range from
        :func:`analysis.metrics.activity.axis_range`, values beyond it are drawn at its edge (the
        hover gives the true value); :func:`trace_note` counts them, for the page to say under
        the chart.
    """
    title = "Traces over moving time"
    frame = trace.frame
    if frame is None or frame.empty:
        return style.empty_figure(title=title)
    display = speed_display(sport, unit)
    elev_factor, elev_label = elevation_display(unit)
    speed_name = "Pace" if display.kind == "pace" else "Speed"
    channels: list[Channel] = [
        (PACE_OR_SPEED, speed_name, _speed_axis(display), 1.0, style.BLUE, "", ""),
        (c.HEART_RATE_BPM, "Heart rate", "HR [bpm]", 1.0, style.VERMILLION, "bpm", ".0f"),
        (c.CADENCE_SPM, "Cadence", "Cadence [spm]", 1.0, style.BLUISH_GREEN, "spm", ".0f"),
        (
            c.ALTITUDE_M, "Elevation", f"Elevation [{elev_label}]", elev_factor, style.GREY,
            elev_label, ".0f",
        ),
        (c.POWER_W, "Power", "Power [W]", 1.0, style.REDDISH_PURPLE, "W", ".0f"),
    ]  # fmt: skip
    shown = [ch for ch in channels if ch[0] in trace.ranges]
    if not shown:
        return style.empty_figure(title=title)
    return _stacked_figure(trace, shown, title, display)


def dynamics_channels(unit: str) -> list[Channel]:
    """The rows of :func:`run_dynamics_figure`, in the units that go with ``unit``: vertical
    oscillation in cm and step length in m with km, both in inches with miles."""
    osc_factor, osc_label = units.oscillation_factor(unit), units.oscillation_label(unit)
    step_factor, step_label = units.step_length_factor(unit), units.step_length_label(unit)
    step_format = ".1f" if unit == UNIT_MI else ".2f"
    return [
        (
            c.GROUND_CONTACT_TIME_MS, "Ground contact time", "Ground contact [ms]", 1.0,
            style.ORANGE, "ms", ".0f",
        ),
        (
            c.VERTICAL_OSCILLATION_MM, "Vertical oscillation", f"Vertical osc. [{osc_label}]",
            osc_factor, style.SKY_BLUE, osc_label, ".1f",
        ),
        (
            c.VERTICAL_RATIO_PCT, "Vertical ratio", "Vertical ratio [%]", 1.0, style.BLUISH_GREEN,
            "%", ".1f",
        ),
        (
            c.STANCE_TIME_BALANCE_PCT, "GCT balance", "GCT balance [% left]", 1.0,
            style.REDDISH_PURPLE, "% left", ".1f",
        ),
        (
            c.STEP_LENGTH_M, "Step length", f"Step length [{step_label}]", step_factor,
            style.BLUE, step_label, step_format,
        ),
    ]  # fmt: skip


DYNAMICS_TITLE = "Running dynamics over moving time"


def run_dynamics_figure(trace: RunTrace, unit: str) -> go.Figure:
    """Stacked running-dynamics traces of one run, on the moving-time axis of its other traces.

    Parameters
    ----------
    trace
        From :func:`analysis.views.run_detail.dynamics_trace`.
    unit
        ``"km"`` (vertical oscillation in cm, step length in m) or ``"mi"`` (both in inches).

    Returns
    -------
    plotly.graph_objects.Figure
        One row per channel the run has: ground contact time [ms], vertical oscillation [cm or
        in], vertical ratio [%] (vertical oscillation over step length), ground contact time
        balance [% left] and step length [m or in] (the file's own, else speed × 60 / cadence).
        Breaks, axis ranges, points drawn at an axis edge and the thinning of long lines are
        those of :func:`run_traces_figure`. An empty figure when the run has none of them.
    """
    shown = [ch for ch in dynamics_channels(unit) if ch[0] in trace.ranges]
    if trace.frame is None or trace.frame.empty or not shown:
        return style.empty_figure("No running dynamics in this activity", title=DYNAMICS_TITLE)
    return _stacked_figure(trace, shown, DYNAMICS_TITLE, trace.display)


def dynamics_note(trace: RunTrace, unit: str) -> str:
    """What :func:`run_dynamics_figure` draws at an axis edge, as a sentence; empty when
    nothing."""
    names = {ch[0]: ch[1].lower() for ch in dynamics_channels(unit)}
    parts = [f"{count} {names[col]}" for col, count in trace.clipped.items() if count]
    return f"Outliers at the axis edge: {', '.join(parts)} values" if parts else ""


def _stacked_figure(
    trace: RunTrace, shown: list[Channel], title: str, display: SpeedDisplay
) -> go.Figure:
    """One row per channel of ``shown`` on a shared axis of moving time (see
    :func:`run_traces_figure`)."""
    frame = trace.frame
    # at most style.LINE_POINTS rows, each channel's peaks and troughs kept: a long run's
    # every second would be bytes and layout work for the browser, not pixels
    segment = frame[SEGMENT].to_numpy()
    kept = style.envelope_rows([frame[ch[0]].to_numpy(dtype="float64") for ch in shown], segment)
    rows = _with_breaks(kept, segment)
    gap = rows < 0
    # a break repeats the x of the point after it, with no y, so the line stops there
    source = np.where(gap, np.roll(rows, -1), rows)
    seconds = frame[MOVING_ELAPSED_S].to_numpy(dtype="float64")[source]
    x, x_title, x_format = _axis_x(seconds)

    n = len(shown)
    fig = make_subplots(rows=n, cols=1, shared_xaxes=True, vertical_spacing=0.04)
    for i, (column, name, axis_title, factor, colour, unit_text, number) in enumerate(
        shown, start=1
    ):
        true = frame[column].to_numpy(dtype="float64")[source] * factor
        true[gap] = np.nan
        lo, hi = (v * factor for v in trace.ranges[column])
        # 4-byte floats: a heart rate, a pace or a height needs no 16 digits on a chart
        drawn = np.clip(true, lo, hi).astype(np.float32)
        custom: np.ndarray | None
        if column == PACE_OR_SPEED:
            # plotly cannot write m:ss, so the pace hover is text
            custom = np.array([_speed_text(v, display) for v in true], dtype=object)
            hover = "%{customdata}"
        elif ((true < lo) | (true > hi)).any():
            # values drawn at the axis edge: the hover gives the true value
            custom, hover = true.astype(np.float32), f"%{{customdata:{number}}} {unit_text}"
        else:
            custom, hover = None, f"%{{y:{number}}} {unit_text}"
        fig.add_trace(
            go.Scatter(
                x=x,
                y=drawn,
                mode="lines",
                name=name,
                line={"color": colour, "width": 1.5},
                customdata=custom,
                hovertemplate=f"{hover}<extra>{name}</extra>",
                connectgaps=False,
            ),
            row=i,
            col=1,
        )
        pad = max((hi - lo) * AXIS_PADDING, 1e-6)
        if column == PACE_OR_SPEED and display.kind == "pace":
            tickvals, ticktext = style.pace_ticks(lo, hi)
            fig.update_yaxes(
                range=[hi + pad, lo - pad], tickvals=tickvals, ticktext=ticktext, row=i, col=1
            )
        else:
            fig.update_yaxes(range=[lo - pad, hi + pad], row=i, col=1)
        fig.update_yaxes(title_text=axis_title, row=i, col=1)
    fig.update_xaxes(**x_format)
    fig.update_xaxes(title_text=x_title, row=n, col=1)
    height = max(style.DEFAULT_HEIGHT, 140 * n + 110)
    # the title is one line, so it fits a phone; what a trace leaves out or draws at an axis
    # edge is said under the chart (trace_note, dynamics_note)
    style.base_layout(fig, title=title, height=height)
    # every row's axis title names its channel and the hover names each line: a legend would
    # only repeat them (and on a phone wrap over the first row's axis title)
    fig.update_layout(hovermode="x unified", showlegend=False)
    return fig


def _span(seconds: float) -> str:
    """A pause's length: h:mm:ss under a day, days and hours beyond."""
    if seconds < 86400:
        return style.format_mss(seconds)
    days, rest = divmod(round(seconds / 3600.0), 24)
    return f"{days} d {rest} h"


def trace_note(trace: RunTrace, sport: str, unit: str) -> str:
    """One sentence on what the traces leave out or draw at an axis edge; empty when nothing."""
    display = speed_display(sport, unit)
    names = {
        PACE_OR_SPEED: "pace" if display.kind == "pace" else "speed",
        c.HEART_RATE_BPM: "heart rate",
        c.CADENCE_SPM: "cadence",
        c.ALTITUDE_M: "elevation",
        c.POWER_W: "power",
    }
    parts = [f"{count} {names[col]}" for col, count in trace.clipped.items() if count]
    sentences = []
    if parts:
        sentences.append(f"Outliers at the axis edge: {', '.join(parts)} values")
    if trace.implausible:
        sentences.append(f"{trace.implausible} implausible speeds (GPS errors) left out")
    if trace.pauses:
        plural = "s" if trace.pauses > 1 else ""
        sentences.append(f"{trace.pauses} pause{plural} ({_span(trace.paused_s)}) cut out")
    return "; ".join(sentences)
