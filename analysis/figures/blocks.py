"""Training blocks as bands across a time axis, and the proposed plan to a goal race."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from analysis import columns as c
from analysis.figures import style
from analysis.units import distance_factor, distance_label

BLOCK_COLOURS: dict[str, str] = {
    "base": style.SKY_BLUE,
    "build": style.ORANGE,
    "peak": style.VERMILLION,
    "taper": style.BLUISH_GREEN,
    "recovery": style.GREY,
}
"""One colour per block kind (Okabe & Ito); the band's label names the kind too."""

BAND_OPACITY = 0.10
"""Light enough that the chart's own bars and lines stay in front."""

_DAY = pd.Timedelta(days=1)


def add_block_bands(
    fig: go.Figure,
    blocks: pd.DataFrame | None,
    first: dt.date | pd.Timestamp | None = None,
    last: dt.date | pd.Timestamp | None = None,
    *,
    weekly_bars: bool = False,
) -> go.Figure:
    """Shade each training block across a figure whose x axis is dates, labelled by its kind.

    Parameters
    ----------
    fig
        A figure with a date x axis (weekly bars, daily lines).
    blocks
        ``start_date``, ``end_date`` (both included) and ``block_kind``; None or empty adds
        nothing.
    first, last
        The days the figure shows: bands are cut to them, so a block outside the period
        neither shows nor stretches the axis.
    weekly_bars
        The figure draws one bar per week centred on the week's first day (as
        :func:`analysis.figures.mileage.weekly_distance_figure` does): the bands move half a
        week earlier, so a block covers the bars of its weeks.

    Returns
    -------
    plotly.graph_objects.Figure
        The same figure, bands behind its traces.
    """
    if blocks is None or blocks.empty:
        return fig
    shift = pd.Timedelta(hours=84) if weekly_bars else pd.Timedelta(0)  # half a week
    lo = pd.Timestamp(first) - shift if first is not None else None
    hi = pd.Timestamp(last) + _DAY - shift if last is not None else None
    for row in blocks.sort_values(c.START_DATE).itertuples(index=False):
        start = pd.Timestamp(getattr(row, c.START_DATE)) - shift
        end = pd.Timestamp(getattr(row, c.END_DATE)) + _DAY - shift  # the last day is included
        if lo is not None:
            start = max(start, lo)
        if hi is not None:
            end = min(end, hi)
        if end <= start:
            continue
        kind = str(getattr(row, c.BLOCK_KIND))
        fig.add_vrect(
            x0=start,
            x1=end,
            fillcolor=BLOCK_COLOURS.get(kind, style.GREY),
            opacity=BAND_OPACITY,
            layer="below",
            line_width=0,
            annotation_text=kind,
            annotation_position="top left",
            annotation_font_size=11,
            annotation_font_color=style.BLACK,
        )
    return fig


def proposal_figure(weeks: pd.DataFrame, unit: str) -> go.Figure:
    """Bars of the proposed weekly distance, one colour per block, cutbacks and the taper named.

    Parameters
    ----------
    weeks
        :attr:`analysis.metrics.blocks.Proposal.weeks`: ``week_start``, ``block_kind``,
        ``week_type``, ``volume_km`` and ``plan_distance_km`` [km].
    unit
        Display unit, ``"km"`` or ``"mi"``.
    """
    title = "Proposed weekly distance"
    if not style.has_rows(weeks, c.WEEK_START, c.PLAN_DISTANCE_KM):
        return style.empty_figure("No weeks to plan before the race", title=title)
    factor, label = distance_factor(unit), distance_label(unit)
    fig = go.Figure()
    for kind, colour in BLOCK_COLOURS.items():
        part = weeks[weeks[c.BLOCK_KIND] == kind]
        if part.empty:
            continue
        fig.add_bar(
            x=part[c.WEEK_START],
            y=part[c.VOLUME_KM] * factor,
            name=kind,
            marker_color=colour,
            customdata=part[[c.WEEK_TYPE]].to_numpy(),
            hovertemplate=(
                f"Week of %{{x|%a %d %b %Y}}<br>%{{y:.1f}} {label} training"
                "<br>%{customdata[0]} week<extra>%{fullData.name}</extra>"
            ),
        )
    race = weeks[weeks[c.WEEK_TYPE] == "race"]
    if not race.empty:
        fig.add_bar(
            x=race[c.WEEK_START],
            y=(race[c.PLAN_DISTANCE_KM] - race[c.VOLUME_KM]) * factor,
            name="the race",
            marker_color=style.BLACK,
            hovertemplate=f"The race: %{{y:.1f}} {label}<extra></extra>",
        )
    fig.update_layout(barmode="stack")
    style.base_layout(fig, title=title, x_title="Week starting", y_title=f"Distance [{label}]")
    return fig
