"""Shoes: distance in each pair against its retirement distance, and a new pair's share."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analysis import columns as c
from analysis.figures import style
from analysis.units import distance_factor, distance_label

STATUS_COLOURS = {
    "ok": style.BLUE,
    "soon": style.ORANGE,
    "retire": style.VERMILLION,
    "retired": style.GREY,
}


def shoe_distance_figure(table: pd.DataFrame, unit: str) -> go.Figure:
    """Horizontal bars of distance per pair, coloured by status, each pair's retirement marked.

    Parameters
    ----------
    table
        :func:`analysis.metrics.gear.shoe_table`.
    unit
        Display unit, ``"km"`` or ``"mi"``.
    """
    title = "Distance in each pair"
    if not style.has_rows(table, c.NAME, c.DISTANCE_KM):
        return style.empty_figure("No shoes yet", title=title)
    factor, label = distance_factor(unit), distance_label(unit)
    fig = go.Figure()
    for status, colour in STATUS_COLOURS.items():
        part = table[table[c.SHOE_STATUS] == status]
        if part.empty:
            continue
        fig.add_bar(
            y=part[c.NAME],
            x=part[c.DISTANCE_KM] * factor,
            orientation="h",
            name=status,
            marker_color=colour,
            hovertemplate=f"%{{y}}: %{{x:.0f}} {label}<extra>%{{fullData.name}}</extra>",
        )
    fig.add_scatter(
        y=table[c.NAME],
        x=table[c.RETIRE_KM] * factor,
        mode="markers",
        marker={"symbol": "line-ns-open", "size": 18, "color": style.BLACK},
        name="retirement distance",
        hovertemplate=f"retire at %{{x:.0f}} {label}<extra></extra>",
    )
    style.base_layout(fig, title=title, x_title=f"Distance [{label}]", y_title="Pair")
    fig.update_yaxes(autorange="reversed")
    return fig


def new_pair_share_figure(shares: pd.DataFrame, limit_pct: float) -> go.Figure:
    """Bars of each new pair's share of the week's running in its first weeks, the limit drawn.

    Parameters
    ----------
    shares
        :func:`analysis.metrics.gear.new_pair_share`.
    limit_pct
        The share a new pair should stay within [%].
    """
    title = "A new pair's share of the running in its first weeks"
    if not style.has_rows(shares, c.NAME, c.NEW_PAIR_SHARE_PCT):
        return style.empty_figure("No new pair in this period", title=title)
    fig = go.Figure()
    for i, (name, part) in enumerate(shares.groupby(c.NAME, sort=False)):
        colours = [
            style.FLAGGED if over else style.PALETTE[i % len(style.PALETTE)]
            for over in part[c.OVER_NEW_PAIR_LIMIT]
        ]
        fig.add_bar(
            x=[f"week {k}" for k in part[c.WEEK_OF_USE]],
            y=part[c.NEW_PAIR_SHARE_PCT],
            name=str(name),
            marker_color=colours,
            customdata=part[[c.START_DATE]].to_numpy(),
            hovertemplate=(
                "%{x} (from %{customdata[0]|%d %b %Y}): %{y:.0f} % of the running"
                "<extra>%{fullData.name}</extra>"
            ),
        )
    fig.add_hline(
        y=limit_pct,
        line_dash="dash",
        line_color=style.BLACK,
        annotation_text=f"{limit_pct:g} %: the limit",
        annotation_position="top left",
    )
    fig.update_layout(barmode="group")
    style.base_layout(fig, title=title, x_title="Week of use", y_title="Share of the distance [%]")
    return fig
