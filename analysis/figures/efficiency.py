"""Efficiency figures: EF and decoupling on easy runs, pace at a fixed heart rate, cadence at a
fixed pace, running power and step length per run, the running dynamics per run, and time in
power zones.

Builders take the output of :mod:`analysis.metrics.efficiency` and :mod:`analysis.metrics.dynamics`
(through :mod:`analysis.views.efficiency`), never samples; paces are drawn in the athlete's unit
with ``m:ss`` ticks and faster up.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analysis import columns as c
from analysis.figures import style
from analysis.metrics.efficiency import (
    DECOUPLING_GOOD_PCT,
    HR_TOLERANCE_BPM,
    MIN_MATCHED_S,
    TREND_DAYS,
)
from analysis.units import (
    UNIT_KM,
    ef_factor,
    ef_label,
    elevation_factor,
    elevation_label,
    format_pace,
    pace_factor,
    pace_label,
)

_DAY = "%{x|%a %d %b %Y}"


def _names(frame: pd.DataFrame) -> np.ndarray:
    if c.NAME not in frame.columns:
        return np.full(len(frame), "", dtype=object)
    return np.array([str(v) if pd.notna(v) else "" for v in frame[c.NAME]], dtype=object)


def ef_trend_figure(
    trend: pd.DataFrame, *, days: int = TREND_DAYS, unit: str = UNIT_KM
) -> go.Figure:
    """Efficiency factor of every easy run and its rolling mean over ``days`` days.

    Parameters
    ----------
    trend
        :func:`analysis.metrics.efficiency.easy_trend`: ``start_time_local``,
        ``ef_m_per_min_per_bpm``, ``ef_trend_m_per_min_per_bpm`` and ``name``.
    unit
        ``"km"`` or ``"mi"``: EF in m/min or yd/min per bpm (:func:`analysis.units.ef_factor`).
    """
    factor = ef_factor(unit)
    title = "Efficiency factor on easy runs (higher is fitter)"
    if not style.has_rows(trend, c.START_TIME_LOCAL, c.EFFICIENCY_FACTOR):
        return style.empty_figure("No easy runs with heart rate in the period", title=title)
    fig = _runs_and_mean(trend, c.EFFICIENCY_FACTOR, c.EF_TREND, factor, ("EF ", ".3f", ""), days)
    return style.base_layout(fig, title=title, x_title="Date", y_title=f"EF [{ef_label(unit)}]")


def _runs_and_mean(
    frame: pd.DataFrame,
    value: str,
    mean: str,
    factor: float,
    shown: tuple[str, str, str],
    days: int,
) -> go.Figure:
    """Each easy run's ``value`` as a dot and its ``days``-day ``mean`` as a line, both times
    ``factor``; ``shown`` is the hover's (name, number format, unit)."""
    name, number, unit = shown
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=frame[c.START_TIME_LOCAL],
            y=frame[value].astype("float64") * factor,
            customdata=_names(frame),
            mode="markers",
            name="Easy run",
            marker={"color": style.PRIMARY, "size": 7, "opacity": 0.7},
            hovertemplate=f"{_DAY}<br>%{{customdata}}<br>{name}%{{y:{number}}}{unit}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=frame[c.START_TIME_LOCAL],
            y=frame[mean].astype("float64") * factor,
            mode="lines",
            name=f"Mean of the last {days} days",
            line={"color": style.SECONDARY, "width": 2.5},
            hovertemplate=f"{_DAY}<br>{days}-day mean: %{{y:{number}}}{unit}<extra></extra>",
        )
    )
    return fig


def decoupling_figure(trend: pd.DataFrame, *, days: int = TREND_DAYS) -> go.Figure:
    """Aerobic decoupling of every easy run, its rolling mean, and Friel's 5 % line shaded.

    Parameters
    ----------
    trend
        :func:`analysis.metrics.efficiency.easy_trend` (``decoupling_pct``,
        ``decoupling_trend_pct``).
    """
    title = "Aerobic decoupling on easy runs (lower is better)"
    if not style.has_rows(trend, c.START_TIME_LOCAL, c.DECOUPLING_PCT):
        return style.empty_figure(
            "No easy run with 20 steady minutes after the warm-up", title=title
        )
    frame = trend.dropna(subset=[c.DECOUPLING_PCT])
    fig = _runs_and_mean(
        frame, c.DECOUPLING_PCT, c.DECOUPLING_TREND_PCT, 1.0, ("Decoupling ", ".1f", " %"), days
    )
    low = min(0.0, float(frame[c.DECOUPLING_PCT].min()))
    style.add_hband(
        fig, low, DECOUPLING_GOOD_PCT, style.GOOD, f"< {DECOUPLING_GOOD_PCT:g} % (Friel)"
    )
    return style.base_layout(fig, title=title, x_title="Date", y_title="Decoupling, Pa:HR [%]")


def pace_at_hr_figure(fixed: pd.DataFrame, heart_rate_bpm: float, unit: str = UNIT_KM) -> go.Figure:
    """Per run, the median pace of the moving samples at the chosen heart rate; faster up.

    Parameters
    ----------
    fixed
        :func:`analysis.metrics.efficiency.fixed_point_table` (``pace_at_hr_s_per_km`` [s/km]).
    heart_rate_bpm
        The heart rate the pace was read at [bpm].
    unit
        ``"km"`` or ``"mi"``.
    """
    title = f"Pace at {heart_rate_bpm:.0f} bpm"
    if not style.has_rows(fixed, c.START_TIME_LOCAL, c.PACE_AT_HR_S_PER_KM):
        return style.empty_figure(
            f"No run spent {MIN_MATCHED_S / 60:g} minutes at {heart_rate_bpm:.0f} bpm", title=title
        )
    frame = fixed.dropna(subset=[c.PACE_AT_HR_S_PER_KM])
    pace = frame[c.PACE_AT_HR_S_PER_KM].astype("float64") * pace_factor(unit)
    text = np.array(
        [
            f"{format_pace(p, unit)} for {m / 60:.0f} min"
            for p, m in zip(frame[c.PACE_AT_HR_S_PER_KM], frame[c.MATCHED_S], strict=True)
        ],
        dtype=object,
    )
    fig = go.Figure(
        go.Scatter(
            x=frame[c.START_TIME_LOCAL],
            y=pace,
            customdata=np.column_stack([text, _names(frame)]),
            mode="markers+lines",
            name=f"Median pace at {heart_rate_bpm:.0f} ± {HR_TOLERANCE_BPM:g} bpm",
            line={"color": style.PRIMARY, "width": 1},
            marker={"color": style.PRIMARY, "size": 7},
            hovertemplate=f"{_DAY}<br>%{{customdata[1]}}<br>%{{customdata[0]}}<extra></extra>",
        )
    )
    tickvals, ticktext = style.pace_ticks(float(pace.min()), float(pace.max()))
    fig.update_yaxes(autorange="reversed", tickvals=tickvals, ticktext=ticktext)
    return style.base_layout(
        fig, title=title, x_title="Date", y_title=f"Pace [{pace_label(unit)}] (faster ↑)"
    )


def cadence_at_pace_figure(
    fixed: pd.DataFrame, pace_s_per_km: float, unit: str = UNIT_KM
) -> go.Figure:
    """Per run, the median cadence of the moving samples at the chosen pace.

    Parameters
    ----------
    fixed
        :func:`analysis.metrics.efficiency.fixed_point_table` (``cadence_at_pace_spm``).
    pace_s_per_km
        The pace the cadence was read at [s/km].
    unit
        ``"km"`` or ``"mi"``: how the pace is named.
    """
    shown = format_pace(pace_s_per_km, unit)
    title = f"Cadence at {shown}"
    if not style.has_rows(fixed, c.START_TIME_LOCAL, c.CADENCE_AT_PACE_SPM):
        return style.empty_figure(
            f"No run spent {MIN_MATCHED_S / 60:g} minutes at {shown}", title=title
        )
    frame = fixed.dropna(subset=[c.CADENCE_AT_PACE_SPM])
    fig = go.Figure(
        go.Scatter(
            x=frame[c.START_TIME_LOCAL],
            y=frame[c.CADENCE_AT_PACE_SPM].astype("float64"),
            customdata=_names(frame),
            mode="markers+lines",
            name=f"Median cadence at {shown}",
            line={"color": style.PRIMARY, "width": 1},
            marker={"color": style.PRIMARY, "size": 7},
            hovertemplate=f"{_DAY}<br>%{{customdata}}<br>%{{y:.0f}} spm<extra></extra>",
        )
    )
    return style.base_layout(fig, title=title, x_title="Date", y_title="Cadence [spm]")


def dynamics_figure(dyn: pd.DataFrame, unit: str = UNIT_KM) -> go.Figure:
    """Per run, mean running power and step length, on two axes.

    Parameters
    ----------
    dyn
        :func:`analysis.metrics.dynamics.dynamics_table` (``avg_power_w`` [W],
        ``step_length_m`` [m]).
    unit
        ``"km"`` (step length in m) or ``"mi"`` (in ft).
    """
    title = "Running power and step length per run"
    has_power = style.has_rows(dyn, c.START_TIME_LOCAL, c.AVG_POWER_W)
    has_step = style.has_rows(dyn, c.START_TIME_LOCAL, c.STEP_LENGTH_M)
    if not (has_power or has_step):
        return style.empty_figure("No run with power or cadence in the period", title=title)
    factor, label = elevation_factor(unit), elevation_label(unit)
    fig = go.Figure()
    if has_step:
        frame = dyn.dropna(subset=[c.STEP_LENGTH_M])
        fig.add_trace(
            go.Scatter(
                x=frame[c.START_TIME_LOCAL],
                y=frame[c.STEP_LENGTH_M].astype("float64") * factor,
                mode="markers",
                name=f"Step length [{label}]",
                marker={"color": style.SECONDARY, "size": 7},
                hovertemplate=f"{_DAY}<br>Step %{{y:.2f}} {label}<extra></extra>",
            )
        )
    if has_power:
        frame = dyn.dropna(subset=[c.AVG_POWER_W])
        fig.add_trace(
            go.Scatter(
                x=frame[c.START_TIME_LOCAL],
                y=frame[c.AVG_POWER_W].astype("float64"),
                mode="markers",
                name="Mean power [W]",
                yaxis="y2",
                marker={"color": style.PRIMARY, "size": 7, "symbol": "diamond"},
                hovertemplate=f"{_DAY}<br>%{{y:.0f}} W<extra></extra>",
            )
        )
        fig.update_layout(
            yaxis2={"title": {"text": "Mean power [W]"}, "overlaying": "y", "side": "right"}
        )
    style.base_layout(fig, title=title, x_title="Date", y_title=f"Step length [{label}]")
    return style.fit_axes(fig)


def _oscillation_unit(unit: str) -> tuple[float, str]:
    """Vertical oscillation's factor from mm and its label: cm, or inches with miles."""
    return (1.0 / 25.4, "in") if unit == "mi" else (0.1, "cm")


def running_dynamics_figure(dyn: pd.DataFrame, unit: str = UNIT_KM) -> go.Figure:
    """Per run over time, ground contact time, vertical oscillation, vertical ratio and ground
    contact time balance, each in its own small panel with its own axis.

    Each panel's title says how to read it: lower ground contact time and vertical ratio are
    more economical, and a balance of 50 % is even. Panels without a reading in any run are
    left out.

    Parameters
    ----------
    dyn
        The per-run frame of :func:`analysis.views.efficiency.efficiency_data`
        (``start_time_local``, ``avg_ground_contact_time_ms`` [ms],
        ``avg_vertical_oscillation_mm`` [mm], ``avg_vertical_ratio_pct`` [%],
        ``avg_stance_time_balance_pct`` [% left]).
    unit
        ``"km"`` (vertical oscillation in cm) or ``"mi"`` (in inches).
    """
    title = "Running dynamics per run"
    factor, osc = _oscillation_unit(unit)
    panels = [
        (c.AVG_GROUND_CONTACT_TIME_MS, "Ground contact [ms]", "lower is more economical",
         1.0, "%{y:.0f} ms", style.PRIMARY),
        (c.AVG_VERTICAL_OSCILLATION_MM, f"Vertical oscillation [{osc}]",
         "bounce per step; read it with the ratio", factor, f"%{{y:.1f}} {osc}", style.SECONDARY),
        (c.AVG_VERTICAL_RATIO_PCT, "Vertical ratio [%]", "lower is more economical",
         1.0, "%{y:.1f} %", style.BLUISH_GREEN),
        (c.AVG_STANCE_TIME_BALANCE_PCT, "Balance [% left]", "50 % is even",
         1.0, "%{y:.1f} % left", style.REDDISH_PURPLE),
    ]  # fmt: skip
    shown = [p for p in panels if style.has_rows(dyn, c.START_TIME_LOCAL, p[0])]
    if not shown:
        return style.empty_figure(
            "No run in the period has running dynamics (a Garmin HRM or running pod records them)",
            title=title,
        )
    n = len(shown)
    fig = make_subplots(
        rows=n, cols=1, shared_xaxes=True, vertical_spacing=0.12,
        subplot_titles=[f"{name}: {how}" for _, name, how, *_ in shown],
    )  # fmt: skip
    for i, (column, name, _, scale, hover, colour) in enumerate(shown, start=1):
        frame = dyn.dropna(subset=[column])
        fig.add_trace(
            go.Scatter(
                x=frame[c.START_TIME_LOCAL],
                y=pd.to_numeric(frame[column], errors="coerce").astype("float64") * scale,
                mode="lines+markers",
                name=name,
                line={"color": colour, "width": 1},
                marker={"color": colour, "size": 6},
                hovertemplate=f"{_DAY}<br>{hover}<extra>{name}</extra>",
            ),
            row=i,
            col=1,
        )
        fig.update_yaxes(title_text=name.split(" [")[1].rstrip("]"), row=i, col=1)
        if column == c.AVG_STANCE_TIME_BALANCE_PCT:
            fig.add_hline(y=50.0, line={"color": style.MUTED, "dash": "dot"}, row=i, col=1)
    fig.update_xaxes(title_text="Date", row=n, col=1)
    style.base_layout(fig, title=title, height=max(style.DEFAULT_HEIGHT, 150 * n + 110))
    for annotation in fig.layout.annotations:  # the panels' titles: smaller than the figure's
        annotation.font = {"size": 13}
    fig.update_layout(showlegend=False)
    return style.fit_axes(fig)


def power_zones_figure(in_zones: pd.DataFrame, critical_power_w: float) -> go.Figure:
    """Share of the period's running time with power in each of Stryd's zones.

    Parameters
    ----------
    in_zones
        :func:`analysis.metrics.dynamics.time_in_power_zones` (``zone_label``, ``time_s``,
        ``share_pct``).
    critical_power_w
        The critical power the zones come from [W].
    """
    title = f"Time in power zones (critical power {critical_power_w:.0f} W)"
    if not style.has_rows(in_zones, c.ZONE_LABEL, c.SHARE_PCT):
        return style.empty_figure("No power readings in the period", title=title)
    colours = style.zone_colors(len(in_zones))
    fig = go.Figure(
        go.Bar(
            x=in_zones[c.ZONE_LABEL].astype(str),
            y=in_zones[c.SHARE_PCT].astype("float64"),
            customdata=[style.format_hmm(v) for v in in_zones[c.TIME_S].astype("float64")],
            marker_color=colours,
            name="Share of time with power",
            hovertemplate="%{x}<br>%{y:.1f} %<br>%{customdata}<extra></extra>",
        )
    )
    return style.base_layout(
        fig, title=title, x_title="Zone (Stryd, % of critical power)", y_title="Time [%]"
    )
