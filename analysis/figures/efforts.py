"""Best-effort figures: records over time and the pace–duration curve.

Builders take frames from :mod:`analysis.metrics.efforts` (paces in seconds per kilometre,
distances in metres) and the display unit (``"km"`` or ``"mi"``), and convert with
:mod:`analysis.units`. Pace axes run fast at the top, so better is up, with ``m:ss`` ticks.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis import columns as c
from analysis.figures import style
from analysis.metrics.efforts import IMPROVEMENT_S, LABEL, effort_label
from analysis.units import distance_factor, distance_label, pace_factor, pace_label

DURATION_TICKS_S: tuple[float, ...] = (
    10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1200.0, 1800.0, 3600.0, 7200.0, 14_400.0,
)  # fmt: skip
"""Where the log duration axis is labelled [s]: round durations a runner names."""


def duration_text(seconds: float) -> str:
    """A duration as a runner says it: ``"45 s"``, ``"1 min"``, ``"1 h 30 min"``."""
    if not math.isfinite(seconds):
        return "—"
    total = round(seconds)
    if total < 60:
        return f"{total} s"
    minutes, secs = divmod(total, 60)
    if minutes < 60:
        return f"{minutes} min" if secs == 0 else f"{minutes} min {secs} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h" if minutes == 0 else f"{hours} h {minutes} min"


def _pace_axis(fig: go.Figure, paces: pd.Series) -> None:
    """Reversed pace axis (faster up) with ``m:ss`` ticks over the values shown."""
    finite = paces[np.isfinite(paces)]
    if finite.empty:
        return
    tickvals, ticktext = style.pace_ticks(float(finite.min()), float(finite.max()))
    fig.update_yaxes(autorange="reversed", tickvals=tickvals, ticktext=ticktext)


def _dates(frame: pd.DataFrame) -> pd.Series:
    if c.LOCAL_DATE not in frame:
        return pd.Series(pd.NaT, index=frame.index)
    return pd.to_datetime(frame[c.LOCAL_DATE])


def records_figure(records: pd.DataFrame, units: str) -> go.Figure:
    """The record progression of each effort distance: pace of each new best, over time.

    Parameters
    ----------
    records
        As :func:`analysis.metrics.efforts.records` returns it: ``distance_m`` [m],
        ``local_date``, ``time_s`` [s], ``pace_s_per_km`` [s/km] and ``improvement_s`` [s].
    units
        Display unit, ``"km"`` or ``"mi"``.

    Returns
    -------
    plotly.graph_objects.Figure
        One stepped line per distance (a record stands until the next one), shortest distance
        first, pace per display unit on a reversed axis; an annotated blank figure when there is
        nothing to show.
    """
    title = "Records over time"
    if not style.has_rows(records, c.DISTANCE_M, c.LOCAL_DATE, c.TIME_S, c.PACE_S_PER_KM):
        return style.empty_figure(f"{style.EMPTY_MESSAGE}: needs runs with a distance stream",
                                  title=title)  # fmt: skip
    frame = records.dropna(subset=[c.DISTANCE_M, c.LOCAL_DATE, c.TIME_S, c.PACE_S_PER_KM])
    frame = frame.sort_values([c.DISTANCE_M, c.LOCAL_DATE], kind="stable")
    pace = frame[c.PACE_S_PER_KM].astype("float64") * pace_factor(units)
    unit_label = pace_label(units)
    fig = go.Figure()
    for i, (_, rows) in enumerate(frame.groupby(c.DISTANCE_M, sort=True)):
        distance = float(rows[c.DISTANCE_M].iloc[0])
        name = str(rows[LABEL].iloc[0]) if LABEL in rows else effort_label(distance)
        gains = rows[IMPROVEMENT_S] if IMPROVEMENT_S in rows else pd.Series(np.nan, rows.index)
        custom = np.column_stack(
            [
                [style.format_mss(v) for v in rows[c.TIME_S].astype("float64")],
                [style.format_mss(v) for v in pace[rows.index]],
                [
                    f"{style.format_mss(v)} faster" if pd.notna(v) else "first time run"
                    for v in gains.astype("float64")
                ],
            ]
        )
        fig.add_trace(
            go.Scatter(
                x=_dates(rows),
                y=pace[rows.index],
                customdata=custom,
                name=name,
                mode="lines+markers",
                line={"color": style.PALETTE[i % len(style.PALETTE)], "width": 2, "shape": "hv"},
                marker={"size": 7},
                hovertemplate=(
                    f"<b>{name}</b> record, %{{x|%a %d %b %Y}}<br>"
                    "Time: %{customdata[0]}<br>"
                    f"Pace: %{{customdata[1]}} {unit_label}<br>"
                    "%{customdata[2]}<extra></extra>"
                ),
            )
        )
    _pace_axis(fig, pace)
    return style.base_layout(fig, title=title, x_title="Date", y_title=f"Pace [{unit_label}]")


def pace_duration_figure(curve: pd.DataFrame, units: str) -> go.Figure:
    """The best average pace held for each duration: the running mean-maximal curve.

    Parameters
    ----------
    curve
        As :func:`analysis.metrics.efforts.pace_duration_curve` returns it: ``duration_s`` [s],
        ``distance_m`` [m], ``pace_s_per_km`` [s/km], and ``local_date`` when known.
    units
        Display unit, ``"km"`` or ``"mi"``.

    Returns
    -------
    plotly.graph_objects.Figure
        One line on a log duration axis labelled in seconds, minutes and hours, pace per display
        unit on a reversed axis; an annotated blank figure when there is nothing to show.
    """
    title = "Pace–duration curve"
    if not style.has_rows(curve, c.DURATION_S, c.DISTANCE_M, c.PACE_S_PER_KM):
        return style.empty_figure(f"{style.EMPTY_MESSAGE}: needs runs with a distance stream",
                                  title=title)  # fmt: skip
    frame = curve.dropna(subset=[c.DURATION_S, c.DISTANCE_M, c.PACE_S_PER_KM])
    frame = frame[frame[c.DURATION_S] > 0].sort_values(c.DURATION_S)
    pace = frame[c.PACE_S_PER_KM].astype("float64") * pace_factor(units)
    durations = frame[c.DURATION_S].astype("float64")
    distance = frame[c.DISTANCE_M].astype("float64") / 1000.0 * distance_factor(units)
    days = _dates(frame)
    custom = np.column_stack(
        [
            [duration_text(v) for v in durations],
            [style.format_mss(v) for v in pace],
            [f"{v:.2f} {distance_label(units)}" for v in distance],
            [f"{d:%a %d %b %Y}" if pd.notna(d) else "—" for d in days],
        ]
    )
    unit_label = pace_label(units)
    fig = go.Figure(
        go.Scatter(
            x=durations,
            y=pace,
            customdata=custom,
            name="Best pace",
            mode="lines+markers",
            line={"color": style.PRIMARY, "width": 2},
            marker={"size": 6},
            hovertemplate=(
                "Best %{customdata[0]}: %{customdata[1]} "
                f"{unit_label}<br>"
                "Distance: %{customdata[2]}<br>Run of %{customdata[3]}<extra></extra>"
            ),
        )
    )
    lo, hi = float(durations.min()), float(durations.max())
    ticks = [v for v in DURATION_TICKS_S if lo / 1.5 <= v <= hi * 1.5] or [lo, hi]
    fig.update_xaxes(type="log", tickvals=ticks, ticktext=[duration_text(v) for v in ticks])
    _pace_axis(fig, pace)
    return style.base_layout(
        fig,
        title=title,
        x_title="Duration (log scale)",
        y_title=f"Best average pace [{unit_label}]",
    )
