"""Volume figures: weekly and monthly distance, week-on-week change, longest run.

Every builder takes a frame from :mod:`analysis.metrics` (distances in kilometres) and the display
unit (``"km"`` or ``"mi"``), and converts with :mod:`analysis.units`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis import columns as c
from analysis.figures import style
from analysis.units import UNIT_KM, distance_factor, distance_label

WEEK_BAR_WIDTH_MS = 7 * 24 * 3600 * 1000 * 0.8
"""Bar width on a date axis [ms]: 80 % of a week, the same for every trace (a trace holding a
single flagged week would otherwise get a width of its own)."""


def _flags(weekly: pd.DataFrame) -> pd.Series:
    """The over-ramp flag as plain booleans (a missing flag, e.g. the first week, is False)."""
    if c.OVER_RAMP_LIMIT not in weekly.columns:
        return pd.Series(False, index=weekly.index)
    flags = weekly[c.OVER_RAMP_LIMIT].astype("boolean").fillna(False)
    return flags.astype(bool)


def _runs(weekly: pd.DataFrame) -> np.ndarray:
    if c.RUNS not in weekly.columns:
        return np.full(len(weekly), "—", dtype=object)
    runs = pd.to_numeric(weekly[c.RUNS], errors="coerce")
    return np.array([f"{int(r)}" if pd.notna(r) else "—" for r in runs], dtype=object)


def _changes(weekly: pd.DataFrame) -> np.ndarray:
    if c.CHANGE_PCT not in weekly.columns:
        return np.full(len(weekly), "—", dtype=object)
    change = pd.to_numeric(weekly[c.CHANGE_PCT], errors="coerce").astype("float64")
    return np.array([style.format_pct(v) for v in change], dtype=object)


def _add_flagged_bars(
    fig: go.Figure,
    weeks: pd.Series,
    values: Any,
    custom: Any,
    flags: pd.Series,
    flagged_name: str,
    hover: str,
) -> None:
    """Weekly bars in two traces, within and over the ramp limit, so the legend names both."""
    for flagged, name, colour in (
        (False, "Within ramp limit", style.PRIMARY),
        (True, flagged_name, style.FLAGGED),
    ):
        mask = (flags == flagged).to_numpy()
        if not mask.any():
            continue
        fig.add_trace(
            go.Bar(
                x=weeks[mask],
                y=values[mask],
                customdata=custom[mask],
                name=name,
                marker_color=colour,
                width=WEEK_BAR_WIDTH_MS,
                hovertemplate=hover,
            )
        )


def weekly_distance_figure(weekly: pd.DataFrame, unit: str) -> go.Figure:
    """Bars of distance per week; weeks over the ramp limit get their own colour and legend entry.

    Parameters
    ----------
    weekly
        Weekly frame: ``week_start`` (naive local date), ``distance_km`` [km], ``runs``,
        ``longest_run_km`` [km], ``change_pct`` [%], ``over_ramp_limit`` (bool).
    unit
        Display unit, ``"km"`` or ``"mi"``.

    Returns
    -------
    plotly.graph_objects.Figure
        One bar trace per flag state ("Within ramp limit", "Over ramp limit"); an annotated blank
        figure when there is nothing to show.
    """
    title = "Weekly distance"
    if not style.has_rows(weekly, c.WEEK_START, c.DISTANCE_KM):
        return style.empty_figure(title=title)
    frame = weekly.dropna(subset=[c.WEEK_START, c.DISTANCE_KM]).sort_values(c.WEEK_START)
    label = distance_label(unit)
    dist = frame[c.DISTANCE_KM].astype("float64") * distance_factor(unit)
    flags = _flags(frame)
    custom = np.column_stack([_runs(frame), _changes(frame)])
    hover = (
        "Week of %{x|%a %d %b %Y}<br>"
        f"%{{y:.1f}} {label}<br>"
        "%{customdata[0]} runs<br>"
        "Change vs previous week: %{customdata[1]}<extra>%{fullData.name}</extra>"
    )
    fig = go.Figure()
    _add_flagged_bars(fig, frame[c.WEEK_START], dist, custom, flags, "Over ramp limit", hover)
    fig.update_layout(barmode="overlay", showlegend=bool(flags.any()))
    return style.base_layout(
        fig, title=title, x_title="Week starting", y_title=f"Distance [{label}]"
    )


def week_change_figure(
    weekly: pd.DataFrame, ramp_limit_pct: float, *, unit: str = UNIT_KM
) -> go.Figure:
    """Bars of the week-on-week distance change with the ramp limit as a dashed line.

    Parameters
    ----------
    weekly
        Weekly frame (see :func:`weekly_distance_figure`); ``change_pct`` [%] is the change of
        ``distance_km`` against the week before, ``over_ramp_limit`` flags weeks above the limit.
    ramp_limit_pct
        The athlete's ramp limit [%]; drawn as a dashed line at ``+ramp_limit_pct``.
    unit
        Display unit of the week totals in the hover, ``"km"`` or ``"mi"``.

    Returns
    -------
    plotly.graph_objects.Figure
        Bars, flagged weeks in :data:`style.FLAGGED` under their own legend entry.
    """
    title = "Change vs previous week"
    if not style.has_rows(weekly, c.WEEK_START, c.CHANGE_PCT):
        return style.empty_figure(f"{style.EMPTY_MESSAGE}: needs two weeks of running", title=title)
    frame = weekly.dropna(subset=[c.WEEK_START, c.CHANGE_PCT]).sort_values(c.WEEK_START)
    change = frame[c.CHANGE_PCT].astype("float64")
    # the metric's flag is authoritative; without it, flag against the limit given here
    flags = _flags(frame) if c.OVER_RAMP_LIMIT in frame.columns else change > ramp_limit_pct
    km_text = np.full(len(frame), "—", dtype=object)
    if c.DISTANCE_KM in frame.columns:
        shown = pd.to_numeric(frame[c.DISTANCE_KM], errors="coerce").astype("float64")
        shown = shown * distance_factor(unit)
        km_text = np.array([f"{v:.1f} {distance_label(unit)}" for v in shown], dtype=object)
    hover = (
        "Week of %{x|%a %d %b %Y}<br>%{y:+.1f} % vs previous week<br>"
        "Week total: %{customdata}<extra>%{fullData.name}</extra>"
    )
    fig = go.Figure()
    _add_flagged_bars(
        fig, frame[c.WEEK_START], change, km_text, flags, f"Over +{ramp_limit_pct:g} % limit", hover
    )
    fig.add_hline(
        y=ramp_limit_pct,
        line_dash="dash",
        line_color=style.FLAGGED,
        line_width=1.5,
        annotation_text=f"+{ramp_limit_pct:g} % ramp limit",
        annotation_position="top left",
        annotation_font={"size": 11, "color": style.FLAGGED},
    )
    fig.add_hline(y=0, line_color=style.MUTED, line_width=1)
    fig.update_layout(barmode="overlay", showlegend=bool(flags.any()))
    return style.base_layout(fig, title=title, x_title="Week starting", y_title="Change [%]")


def longest_run_figure(weekly: pd.DataFrame, unit: str) -> go.Figure:
    """The longest run of each week, with its share of that week's distance in the hover.

    Parameters
    ----------
    weekly
        Weekly frame (see :func:`weekly_distance_figure`).
    unit
        Display unit, ``"km"`` or ``"mi"``.
    """
    title = "Longest run per week"
    if not style.has_rows(weekly, c.WEEK_START, c.LONGEST_RUN_KM):
        return style.empty_figure(title=title)
    frame = weekly.dropna(subset=[c.WEEK_START, c.LONGEST_RUN_KM]).sort_values(c.WEEK_START)
    frame = frame[frame[c.LONGEST_RUN_KM].astype("float64") > 0]
    if frame.empty:
        return style.empty_figure(title=title)
    label = distance_label(unit)
    longest_km = frame[c.LONGEST_RUN_KM].astype("float64")
    share = pd.Series(np.nan, index=frame.index, dtype="float64")
    if c.DISTANCE_KM in frame.columns:
        week_km = pd.to_numeric(frame[c.DISTANCE_KM], errors="coerce").astype("float64")
        share = longest_km / week_km.where(week_km > 0) * 100.0
    share_text = np.array([style.format_pct(v, signed=False) for v in share], dtype=object)
    fig = go.Figure(
        go.Scatter(
            x=frame[c.WEEK_START],
            y=longest_km * distance_factor(unit),
            customdata=share_text,
            mode="lines+markers",
            name="Longest run",
            line={"color": style.SECONDARY, "width": 2},
            marker={"size": 7},
            hovertemplate=(
                "Week of %{x|%a %d %b %Y}<br>"
                f"Longest run: %{{y:.1f}} {label}<br>"
                "%{customdata} of the week's distance<extra></extra>"
            ),
        )
    )
    fig.update_yaxes(rangemode="tozero")
    return style.base_layout(
        fig, title=title, x_title="Week starting", y_title=f"Longest run [{label}]"
    )


def monthly_distance_figure(monthly: pd.DataFrame, unit: str) -> go.Figure:
    """Bars of distance per calendar month.

    Parameters
    ----------
    monthly
        Monthly frame: ``month_start`` (naive local date), ``distance_km`` [km], ``runs``.
    unit
        Display unit, ``"km"`` or ``"mi"``.
    """
    title = "Monthly distance"
    if not style.has_rows(monthly, c.MONTH_START, c.DISTANCE_KM):
        return style.empty_figure(title=title)
    frame = monthly.dropna(subset=[c.MONTH_START, c.DISTANCE_KM]).sort_values(c.MONTH_START)
    label = distance_label(unit)
    fig = go.Figure(
        go.Bar(
            x=frame[c.MONTH_START],
            y=frame[c.DISTANCE_KM].astype("float64") * distance_factor(unit),
            customdata=_runs(frame),
            name="Distance",
            marker_color=style.PRIMARY,
            hovertemplate=(
                f"%{{x|%B %Y}}<br>%{{y:.1f}} {label}<br>%{{customdata}} runs<extra></extra>"
            ),
        )
    )
    fig.update_xaxes(tickformat="%b %Y", dtick="M1" if len(frame) <= 12 else None)
    return style.base_layout(fig, title=title, x_title="Month", y_title=f"Distance [{label}]")
