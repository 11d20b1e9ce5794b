"""Training-load figures: daily load with acute and chronic load, and the ACWR over time.

Breaks in training (:func:`analysis.metrics.load.gaps`) are shaded and labelled, and the lines
stop at them: the metric leaves those days NaN and the traces keep them (``connectgaps=False``),
so plotly never draws a straight ramp across months without data.

References
----------
Gabbett, T. J. (2016). The training-injury prevention paradox: should athletes be training smarter
and harder? *British Journal of Sports Medicine*, 50(5), 273-280.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis import columns as c
from analysis.figures import style
from analysis.metrics import load as load_metrics

ACWR_AXIS_MIN_TOP = 2.0
"""The ACWR axis shows at least 0-2 so the bands keep their place between figures [ratio]."""

ACWR_AXIS_CAP = 3.0
"""Ratios above this are drawn at it, marked as capped, their value in the hover [ratio]: twice
the danger line already says all a ratio can, and a single 8.0 would squash the bands."""

GAP_LABEL = "no training recorded: {days} days"
"""Label of a shaded break; ``days`` is its length."""


def gap_frame(frame: pd.DataFrame, gaps: pd.DataFrame | None = None) -> pd.DataFrame:
    """The breaks to shade: ``gaps`` when given, else those of the frame's own daily load.

    Parameters
    ----------
    frame
        A daily frame with ``date`` and ``load`` (the ACWR or PMC frame of the metrics).
    gaps
        From :func:`analysis.metrics.load.gaps` (``start``, ``end``, ``days``), when the caller
        computed them under its own rule.
    """
    if gaps is not None:
        return gaps
    if not style.has_rows(frame, c.DATE, c.LOAD):
        return pd.DataFrame(columns=[load_metrics.GAP_START, load_metrics.GAP_END])
    return load_metrics.gaps(frame[[c.DATE, c.LOAD]].dropna(subset=[c.DATE]))


def add_gap_bands(fig: go.Figure, gaps: pd.DataFrame) -> None:
    """Shade every break grey from its first to past its last day, labelled with its length."""
    for row in gaps.itertuples(index=False):
        start = pd.Timestamp(getattr(row, load_metrics.GAP_START))
        end = pd.Timestamp(getattr(row, load_metrics.GAP_END)) + pd.Timedelta(days=1)
        days = int(getattr(row, load_metrics.GAP_DAYS))
        fig.add_vrect(
            x0=start,
            x1=end,
            fillcolor=style.MUTED,
            opacity=2 * style.BAND_OPACITY,
            line_width=0,
            layer="below",
            annotation_text=GAP_LABEL.format(days=days),
            annotation_position="top left",
            annotation_font={"size": 11, "color": style.MUTED},
        )


def _label_unit(load_label: str) -> str:
    """The unit inside the last brackets of a label ("distance [km]" -> "km"), else empty."""
    found = re.findall(r"\[([^\]]*)\]", load_label)
    return found[-1] if found else ""


def band_name(acwr: float) -> str:
    """Plain-words name of the band an ACWR value falls in (for hover text)."""
    low, high = style.ACWR_SWEET_SPOT
    if not math.isfinite(acwr):
        return "—"
    if acwr < low:
        return "below 0.8: under-training"
    if acwr <= high:
        return "0.8-1.3: sweet spot"
    if acwr <= style.ACWR_DANGER:
        return "1.3-1.5: caution"
    return "above 1.5: danger zone"


def _ratio_words(value: float, cap: float) -> str:
    """The band of a ratio in words, and its real value when the line draws it at the cap."""
    words = band_name(value)
    return f"{words}; capped at {cap:g}, real value {value:.2f}" if value > cap else words


def load_figure(
    acr: pd.DataFrame, load_label: str, *, gaps: pd.DataFrame | None = None
) -> go.Figure:
    """Daily load as bars with the acute and chronic load as lines, breaks shaded.

    Parameters
    ----------
    acr
        ACWR frame: ``date`` (naive local date, one row per day, rest days with zero load),
        ``load``, ``acute_load``, ``chronic_load`` (daily averages, in the unit of the load model)
        and ``acwr``.
    load_label
        What the load is, with its unit in brackets, e.g. ``"distance [km]"`` or
        ``"Banister TRIMP [a.u.]"``; it titles the y axis and gives the hover its unit.
    gaps
        Breaks to shade (:func:`analysis.metrics.load.gaps`); by default those of the frame's
        load under the default rule.
    """
    title = "Training load"
    if not style.has_rows(acr, c.DATE, c.LOAD):
        return style.empty_figure(title=title)
    frame = acr.dropna(subset=[c.DATE]).sort_values(c.DATE)
    unit = _label_unit(load_label)
    suffix = f" {unit}" if unit else ""
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=frame[c.DATE],
            y=frame[c.LOAD].astype("float64"),
            name="Daily load",
            marker_color=style.SKY_BLUE,
            hovertemplate=f"%{{x|%a %d %b %Y}}<br>Daily load: %{{y:.1f}}{suffix}<extra></extra>",
        )
    )
    for column, name, colour, dash in (
        (c.ACUTE_LOAD, "Acute load", style.SECONDARY, "solid"),
        (c.CHRONIC_LOAD, "Chronic load", style.BLUE, "dash"),
    ):
        if column not in frame.columns or frame[column].isna().all():
            continue
        fig.add_trace(
            go.Scatter(
                x=frame[c.DATE],
                y=frame[column].astype("float64"),
                mode="lines",
                name=name,
                line={"color": colour, "width": 2.5, "dash": dash},
                connectgaps=False,
                hovertemplate=(
                    f"%{{x|%a %d %b %Y}}<br>{name}: %{{y:.1f}}{suffix} per day<extra></extra>"
                ),
            )
        )
    add_gap_bands(fig, gap_frame(frame, gaps))
    fig.update_layout(hovermode="x unified", bargap=0.1)
    fig.update_yaxes(rangemode="tozero")
    # the axis title holds the unit only: a rotated full label is taller than a phone's plot
    unit = style.label_unit(load_label, "a.u.")
    return style.base_layout(fig, title=title, x_title="Date", y_title=f"Load [{unit}]")


def acwr_figure(
    acr: pd.DataFrame,
    sweet_spot: tuple[float, float] = style.ACWR_SWEET_SPOT,
    danger: float = style.ACWR_DANGER,
    *,
    gaps: pd.DataFrame | None = None,
    cap: float = ACWR_AXIS_CAP,
) -> go.Figure:
    """The acute:chronic workload ratio over time over its risk bands.

    Default bands: 0.8-1.3 green (sweet spot), 1.3-1.5 amber, above 1.5 red, below 0.8 grey
    (Gabbett 2016); the athlete may set others. The line starts on the first day with a ratio
    and stops wherever the ratio is undefined (a break, the first weeks after one): every day
    stays in the trace, NaN where there is no ratio, and gaps are not connected. Breaks are
    shaded and labelled. A ratio above ``cap`` is drawn at the cap, with a triangle marker
    and "capped, real value ..." in the hover.

    Parameters
    ----------
    acr
        ACWR frame (see :func:`load_figure`); ``acwr`` is missing (NaN) while the chronic window
        is still filling and across breaks.
    sweet_spot, danger
        Band edges [ratio].
    gaps
        Breaks to shade (:func:`analysis.metrics.load.gaps`); by default those of the frame's
        load under the default rule.
    cap
        Top of the axis [ratio], 3 by default; at least ``danger``.

    Returns
    -------
    plotly.graph_objects.Figure
        Trace "ACWR" (line), plus "ACWR above {cap} (capped)" (markers at the cap) when a
        value exceeds it; an annotated blank figure without any ratio.
    """
    title = "Acute:chronic workload ratio"
    if not cap >= danger:
        raise ValueError("the axis cap must be at least the danger line")
    if not style.has_rows(acr, c.DATE, c.ACWR):
        return style.empty_figure(
            f"{style.EMPTY_MESSAGE}: the ratio needs about four weeks of training without a break",
            title=title,
        )
    everything = acr.dropna(subset=[c.DATE]).sort_values(c.DATE)
    known = pd.to_numeric(everything[c.ACWR], errors="coerce").notna().to_numpy()
    # from the first ratio on: the days before it have nothing to draw, the NaN days after it
    # are kept so the line breaks there instead of joining across
    frame = everything.iloc[int(np.argmax(known)) :]
    ratio = pd.to_numeric(frame[c.ACWR], errors="coerce").astype("float64").to_numpy()
    capped = ratio > cap
    shown = np.where(capped, cap, ratio)
    hover = [_ratio_words(v, cap) for v in ratio.tolist()]
    finite = ratio[np.isfinite(ratio)]
    highest = min(float(finite.max()) * 1.1, cap) if len(finite) else 0.0
    top = max(ACWR_AXIS_MIN_TOP, highest, danger * 1.2)
    if capped.any():
        top = max(top, cap * 1.05)  # room above the cap for its markers
    low, high = sweet_spot
    fig = go.Figure(
        go.Scatter(
            x=frame[c.DATE],
            y=shown,
            customdata=hover,
            mode="lines",
            name="ACWR",
            line={"color": style.BLACK, "width": 2},
            connectgaps=False,
            hovertemplate="%{x|%a %d %b %Y}<br>ACWR %{y:.2f} (%{customdata})<extra></extra>",
        )
    )
    if capped.any():
        fig.add_trace(
            go.Scatter(
                x=frame[c.DATE][capped],
                y=shown[capped],
                customdata=ratio[capped],
                mode="markers",
                name=f"ACWR above {cap:g} (capped)",
                marker={"symbol": "triangle-up", "size": 9, "color": style.DANGER},
                hovertemplate=(
                    f"%{{x|%a %d %b %Y}}<br>capped at {cap:g}, real value %{{customdata:.2f}}"
                    "<extra></extra>"
                ),
            )
        )
    style.add_hband(fig, 0.0, low, style.MUTED, "under-training", label_position="inside left")
    style.add_hband(
        fig, low, high, style.GOOD, f"sweet spot {low:g}-{high:g}", label_position="inside left"
    )
    style.add_hband(
        fig,
        high,
        danger,
        style.CAUTION,
        f"caution {high:g}-{danger:g}",
        label_position="inside left",
    )
    style.add_hband(
        fig, danger, top, style.DANGER, f"danger > {danger:g}", label_position="inside left"
    )
    add_gap_bands(fig, gap_frame(everything, gaps))
    fig.update_yaxes(range=[0, top])
    return style.base_layout(fig, title=title, x_title="Date", y_title="ACWR [ratio]")
