"""Intensity figures: weekly time in heart-rate zones, and the easy/hard split."""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis import columns as c
from analysis.figures import style

ZONE_LEGEND_ROW_PX = 16
"""Extra figure height per zone [px], for the legend rows the zones take on a narrow screen."""


def _finite(value: Any) -> float | None:
    """A finite float, or ``None`` for a missing value (None, NaN, pandas NA)."""
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) else None


def _positive(value: Any) -> float | None:
    """A finite positive float, or ``None`` (missing, zero or negative)."""
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) and out > 0 else None


def _zone_name(zone: Any, row: Mapping[Hashable, Any] | None) -> str:
    """Legend name of a zone: its label, with the bpm range when the label does not state it."""
    if row is None:
        return f"Zone {zone}"
    label = row.get(c.ZONE_LABEL)
    name = str(label) if label is not None and not pd.isna(label) else f"Zone {zone}"
    if "bpm" in name:
        return name
    low, high = _positive(row.get(c.ZONE_LOW_BPM)), _positive(row.get(c.ZONE_HIGH_BPM))
    if low is not None and high is not None:
        return f"{name} ({low:.0f}–{high:.0f} bpm)"
    if high is not None:
        return f"{name} (< {high:.0f} bpm)"
    if low is not None:
        return f"{name} (≥ {low:.0f} bpm)"
    return name


def _zone_order(weekly_tiz: pd.DataFrame, zones: pd.DataFrame | None) -> list[tuple[Any, str]]:
    """Zones from easiest to hardest, each with its legend name."""
    rows: dict[Any, Mapping[Hashable, Any]] = {}
    if zones is not None and not zones.empty and c.ZONE in zones.columns:
        ordered = zones
        if c.ZONE_LOW_BPM in zones.columns:
            ordered = zones.sort_values(c.ZONE_LOW_BPM, kind="stable", na_position="first")
        for record in ordered.to_dict("records"):
            rows[record[c.ZONE]] = record
    order = list(rows)
    order += [z for z in pd.unique(weekly_tiz[c.ZONE].dropna()) if z not in rows]
    return [(z, _zone_name(z, rows.get(z))) for z in order]


def weekly_zones_figure(
    weekly_tiz: pd.DataFrame,
    zones: pd.DataFrame | None,
    *,
    easy: Sequence[str] | None = None,
) -> go.Figure:
    """Stacked bars of hours per week in each heart-rate zone, easy zones cool and hard ones warm.

    Parameters
    ----------
    weekly_tiz
        Long frame: ``week_start`` (naive local date), ``zone``, ``time_s`` [s] spent in the
        zone that week (weighted by sample duration).
    zones
        The zone table: ``zone``, ``zone_low_bpm``, ``zone_high_bpm`` [bpm], ``zone_label``.
        Its order (by lower bound) sets the stacking order and colours.
    easy
        The zones that count as easy (:func:`analysis.metrics.zones.easy_zones` of the model):
        they take the cool colours and every harder zone a warm one, whatever the model's
        number of zones. Without it the zones run from cool to hot by position only, which puts
        a hard zone in a cool colour in the %HRR and Friel models.
    """
    title = "Weekly time in heart-rate zones"
    if not style.has_rows(weekly_tiz, c.WEEK_START, c.ZONE, c.TIME_S):
        return style.empty_figure(title=title)
    frame = weekly_tiz.dropna(subset=[c.WEEK_START, c.ZONE, c.TIME_S])
    table = frame.pivot_table(
        index=c.WEEK_START, columns=c.ZONE, values=c.TIME_S, aggfunc="sum", fill_value=0.0
    ).sort_index()
    week_total = table.sum(axis=1).astype("float64")
    order = _zone_order(frame, zones)
    if easy is None:
        colours = style.zone_colors(len(order))
    else:
        easy_set = {str(z) for z in easy}
        n_easy = sum(1 for zone, _ in order if str(zone) in easy_set)
        colours = style.zone_colors(len(order), easy=n_easy)
    fig = go.Figure()
    for (zone, name), colour in zip(order, colours, strict=True):
        if zone not in table.columns:
            continue
        seconds = table[zone].astype("float64")
        share = seconds / week_total.where(week_total > 0) * 100.0
        custom = np.column_stack(
            [
                [style.format_hmm(v) for v in seconds],
                [style.format_pct(v, signed=False) for v in share],
            ]
        )
        fig.add_trace(
            go.Bar(
                x=table.index,
                y=seconds / 3600.0,
                customdata=custom,
                name=name,
                marker_color=colour,
                hovertemplate=(
                    "Week of %{x|%a %d %b %Y}<br>"
                    f"{name}<br>"
                    "%{y:.2f} h (%{customdata[0]} h:mm), %{customdata[1]} of the week"
                    "<extra></extra>"
                ),
            )
        )
    # each zone's legend entry is long (its bpm range): on a phone they take a row each, so
    # the figure grows by a row per zone rather than squeezing the bars
    height = style.DEFAULT_HEIGHT + ZONE_LEGEND_ROW_PX * len(order)
    style.base_layout(
        fig,
        title=title,
        x_title="Week starting",
        y_title="Time in zone [h per week]",
        height=height,
    )
    fig.update_layout(barmode="stack", showlegend=True, legend_traceorder="normal")
    return style.fit_axes(fig)


def easy_hard_figure(split: Mapping[str, Any] | None) -> go.Figure:
    """One 100 % bar split into easy and hard training time, with the 80 % easy target marked.

    Parameters
    ----------
    split
        ``easy_s``, ``hard_s`` [s] and ``easy_pct``, ``hard_pct`` [%] of training time.

    References
    ----------
    Seiler, S. (2010). What is best practice for training intensity and duration distribution in
    endurance athletes? *International Journal of Sports Physiology and Performance*, 5(3),
    276-291.
    """
    title = "Easy vs hard training time"
    height = 220
    if not split:
        return style.empty_figure(title=title, height=height)
    easy_s = _positive(split.get("easy_s")) or 0.0
    hard_s = _positive(split.get("hard_s")) or 0.0
    if easy_s + hard_s <= 0:
        return style.empty_figure(title=title, height=height)
    total = easy_s + hard_s
    # the metric's percentages are used as given; derived from the seconds only when missing
    easy_pct = _finite(split.get("easy_pct"))
    hard_pct = _finite(split.get("hard_pct"))
    if easy_pct is None:
        easy_pct = easy_s / total * 100.0
    if hard_pct is None:
        hard_pct = hard_s / total * 100.0
    fig = go.Figure()
    for name, pct, seconds, colour in (
        ("Easy", easy_pct, easy_s, style.PRIMARY),
        ("Hard", hard_pct, hard_s, style.FLAGGED),
    ):
        fig.add_trace(
            go.Bar(
                x=[pct],
                y=["Training time"],
                orientation="h",
                name=name,
                marker_color=colour,
                text=[f"{name} {pct:.0f} %"],
                textposition="inside",
                insidetextanchor="middle",
                customdata=[style.format_hmm(seconds)],
                hovertemplate=(
                    f"{name}: %{{x:.1f}} % of training time (%{{customdata}} h:mm)<extra></extra>"
                ),
            )
        )
    target = style.EASY_TARGET_PCT
    fig.add_vline(
        x=target,
        line_dash="dash",
        line_color=style.BLACK,
        line_width=2,
        annotation_text=f"{target:.0f} % easy target",
        annotation_position="top",
        annotation_font={"size": 11},
    )
    fig.update_layout(barmode="stack", showlegend=True, legend_traceorder="normal")
    fig.update_xaxes(range=[0, 100], ticksuffix=" %")
    fig.update_yaxes(showticklabels=False)
    return style.base_layout(
        fig, title=title, x_title="Share of training time [%]", y_title=None, height=height
    )
