"""Cadence figures: the trend over runs, cadence against pace, and the time-weighted distribution.

Cadence is in steps per minute counting both feet [spm]. The 170-180 spm band is shaded for
orientation (:data:`analysis.figures.style.CADENCE_BAND_SPM`); it is not a target.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis import columns as c
from analysis.figures import style
from analysis.units import UNIT_KM, distance_factor, distance_label, pace_factor, pace_label

ROLLING_RUNS = 5
"""Runs in the trailing mean of the cadence trend: long enough to calm day-to-day noise, short
enough to follow a deliberate change within two weeks."""

_BAND_LABEL = "170-180 spm"

CADENCE_AXIS = "Cadence [spm]"
"""Cadence as an upright axis title: short, because a rotated title longer than the plot is
tall runs into the legend on a phone. The page's caption says it counts both feet."""


def _add_cadence_band(fig: go.Figure, *, vertical: bool = False) -> None:
    low, high = style.CADENCE_BAND_SPM
    if vertical:
        style.add_vband(fig, low, high, style.GOOD, _BAND_LABEL)
    else:
        style.add_hband(fig, low, high, style.GOOD, _BAND_LABEL)


def _distance_text(km: pd.Series, unit: str) -> np.ndarray:
    values = pd.to_numeric(km, errors="coerce").astype("float64") * distance_factor(unit)
    label = distance_label(unit)
    return np.array([f"{v:.2f} {label}" if np.isfinite(v) else "—" for v in values], dtype=object)


def cadence_trend_figure(
    per_run: pd.DataFrame, *, unit: str = UNIT_KM, window: int = ROLLING_RUNS
) -> go.Figure:
    """Average cadence of every run over time, with a trailing mean over ``window`` runs.

    Parameters
    ----------
    per_run
        Per-run cadence: ``activity_id``, ``start_time_local`` (naive local time),
        ``avg_cadence_spm`` [spm], ``pace_s_per_km`` [s/km], ``distance_km`` [km].
    unit
        Display unit of the distance in the hover, ``"km"`` or ``"mi"``.
    window
        Number of runs in the trailing mean (fewer at the start of the record).
    """
    title = "Cadence per run"
    if not style.has_rows(per_run, c.START_TIME_LOCAL, c.AVG_CADENCE_SPM):
        return style.empty_figure(title=title)
    frame = per_run.dropna(subset=[c.START_TIME_LOCAL, c.AVG_CADENCE_SPM])
    frame = frame.sort_values(c.START_TIME_LOCAL)
    cadence = frame[c.AVG_CADENCE_SPM].astype("float64")
    rolling = cadence.rolling(max(int(window), 1), min_periods=1).mean()
    distance = (
        _distance_text(frame[c.DISTANCE_KM], unit)
        if c.DISTANCE_KM in frame.columns
        else np.full(len(frame), "—", dtype=object)
    )
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=frame[c.START_TIME_LOCAL],
            y=cadence,
            customdata=distance,
            mode="markers",
            name="Run average",
            marker={"color": style.PRIMARY, "size": 7, "opacity": 0.7},
            hovertemplate=(
                "%{x|%a %d %b %Y %H:%M}<br>%{y:.0f} spm<br>%{customdata}<extra></extra>"
            ),
        )
    )
    fig.add_trace(
        go.Scatter(
            x=frame[c.START_TIME_LOCAL],
            y=rolling,
            mode="lines",
            name=f"Mean of last {int(window)} runs",
            line={"color": style.SECONDARY, "width": 2.5},
            hovertemplate=(
                f"%{{x|%a %d %b %Y}}<br>Mean of last {int(window)} runs: %{{y:.1f}} spm"
                "<extra></extra>"
            ),
        )
    )
    _add_cadence_band(fig)
    return style.base_layout(fig, title=title, x_title="Date", y_title=CADENCE_AXIS)


def cadence_vs_pace_figure(per_run: pd.DataFrame, unit: str) -> go.Figure:
    """Average cadence against average pace, one point per run; faster runs to the right.

    Parameters
    ----------
    per_run
        Per-run cadence frame (see :func:`cadence_trend_figure`).
    unit
        Display unit, ``"km"`` or ``"mi"``: pace is shown in min/km or min/mi with ``m:ss`` ticks.

    Notes
    -----
    Runs with a pace outside :data:`analysis.figures.style.PLAUSIBLE_PACE_S_PER_KM` are left out.
    """
    title = "Cadence vs pace"
    if not style.has_rows(per_run, c.AVG_CADENCE_SPM, c.PACE_S_PER_KM):
        return style.empty_figure(title=title)
    frame = per_run.dropna(subset=[c.AVG_CADENCE_SPM, c.PACE_S_PER_KM])
    pace_km = frame[c.PACE_S_PER_KM].astype("float64")
    lo, hi = style.PLAUSIBLE_PACE_S_PER_KM
    frame = frame[(pace_km >= lo) & (pace_km <= hi)]
    if frame.empty:
        return style.empty_figure(title=title)
    pace = frame[c.PACE_S_PER_KM].astype("float64") * pace_factor(unit)
    plabel = pace_label(unit)
    pace_text = np.array([f"{style.format_mss(v)} {plabel}" for v in pace], dtype=object)
    date_text = (
        np.array(
            [f"{t:%a %d %b %Y}" if pd.notna(t) else "—" for t in frame[c.START_TIME_LOCAL]],
            dtype=object,
        )
        if c.START_TIME_LOCAL in frame.columns
        else np.full(len(frame), "—", dtype=object)
    )
    distance = (
        _distance_text(frame[c.DISTANCE_KM], unit)
        if c.DISTANCE_KM in frame.columns
        else np.full(len(frame), "—", dtype=object)
    )
    fig = go.Figure(
        go.Scatter(
            x=pace,
            y=frame[c.AVG_CADENCE_SPM].astype("float64"),
            customdata=np.column_stack([pace_text, date_text, distance]),
            mode="markers",
            name="Run",
            marker={"color": style.PRIMARY, "size": 8, "opacity": 0.7},
            hovertemplate=(
                "%{customdata[1]}<br>Pace %{customdata[0]}<br>Cadence %{y:.0f} spm<br>"
                "%{customdata[2]}<extra></extra>"
            ),
        )
    )
    tickvals, ticktext = style.pace_ticks(float(pace.min()), float(pace.max()))
    fig.update_xaxes(autorange="reversed", tickvals=tickvals, ticktext=ticktext)
    _add_cadence_band(fig)
    return style.base_layout(
        fig,
        title=title,
        x_title=f"Average pace [{plabel}] (faster →)",
        y_title=CADENCE_AXIS,
    )


def cadence_distribution_figure(dist: pd.DataFrame) -> go.Figure:
    """Share of running time spent at each cadence.

    Parameters
    ----------
    dist
        Cadence distribution: ``cadence_spm`` (bin) [spm], ``time_s`` [s] and ``share_pct`` [%]
        of running time (weighted by sample duration, not by counting samples).
    """
    title = "Time at each cadence"
    if not style.has_rows(dist, c.CADENCE_SPM, c.SHARE_PCT):
        return style.empty_figure(title=title)
    frame = dist.dropna(subset=[c.CADENCE_SPM, c.SHARE_PCT]).sort_values(c.CADENCE_SPM)
    time_text = (
        np.array([style.format_mss(v) for v in frame[c.TIME_S].astype("float64")], dtype=object)
        if c.TIME_S in frame.columns
        else np.full(len(frame), "—", dtype=object)
    )
    fig = go.Figure(
        go.Bar(
            x=frame[c.CADENCE_SPM].astype("float64"),
            y=frame[c.SHARE_PCT].astype("float64"),
            customdata=time_text,
            name="Share of running time",
            marker_color=style.PRIMARY,
            hovertemplate=(
                "%{x:.0f} spm<br>%{y:.1f} % of running time<br>%{customdata} at this cadence"
                "<extra></extra>"
            ),
        )
    )
    _add_cadence_band(fig, vertical=True)
    fig.update_layout(bargap=0.05)
    return style.base_layout(
        fig,
        title=title,
        x_title="Cadence [steps/min, both feet]",
        y_title="Share of running time [%]",
    )
