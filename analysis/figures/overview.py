"""Overview figures: this week against recent weeks, and today's acute:chronic workload ratio."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go

from analysis.figures import style
from analysis.units import distance_factor, distance_label

GAUGE_MAX = 2.0
"""Upper end of the ACWR gauge [ratio]; a larger value widens the dial to fit it."""

GAUGE_HEIGHT = 280
"""Height of the gauge [px]."""

GAUGE_NO_RATIO = (
    "Not enough history yet: the ratio needs about four weeks of training without a break"
)
"""What the gauge says without a ratio, unless the caller says why."""

GAUGE_LINE_CHARS = 26
"""The gauge sits in half a page, about 330 px on a phone: its message is wrapped at this many
characters a line, centred, so no line runs past either edge."""


def _number(value: Any) -> float | None:
    """A finite float, or ``None`` for a missing value (None, NaN, pandas NA)."""
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) else None


def week_comparison_figure(
    cmp: Mapping[str, Any] | None, unit: str, *, week: str = "This week"
) -> go.Figure:
    """Three bars: this week so far, last week, and the average of the four weeks before.

    Parameters
    ----------
    cmp
        Week comparison from the metrics: ``this_week_km``, ``last_week_km``, ``avg_4wk_km`` [km],
        ``change_vs_last_pct``, ``change_vs_avg_pct`` [%], ``week_start`` (date),
        ``days_into_week`` (1 on the first day of the week .. 7).
    unit
        Display unit, ``"km"`` or ``"mi"``.
    week
        The week of the as-of day in words, as a label: "This week" only when that day is today,
        else for example "The week of 8 Mar 2021", so a past day is not called this week.

    Returns
    -------
    plotly.graph_objects.Figure
        A bar chart. The last-week bar is the whole of that week; the change in the title's
        second line and in the hover compares this week so far with the same days of last week
        (and of the four weeks before), which the title names, and the hover of the last-week
        bar gives the distance of those same days.
    """
    # a week that has reached its last day is whole, not "so far"
    title = week if cmp and _number(cmp.get("days_into_week")) == 7 else f"{week} so far"
    if not cmp:
        return style.empty_figure(title=title)
    values_km = [_number(cmp.get(key)) for key in ("this_week_km", "last_week_km", "avg_4wk_km")]
    if all(v is None for v in values_km):
        return style.empty_figure(title=title)
    factor = distance_factor(unit)
    label = distance_label(unit)
    days = _number(cmp.get("days_into_week"))
    whole = days is not None and int(days) >= 7
    this_label = f"{week}<br>(day {int(days)} of 7)" if days is not None else week
    names = [this_label, "Last week", "4-week average"]
    shown = [v * factor if v is not None else 0.0 for v in values_km]
    change_last = style.format_pct(_number(cmp.get("change_vs_last_pct")))
    change_avg = style.format_pct(_number(cmp.get("change_vs_avg_pct")))
    same_days = "the same days" if days is None else f"the same {int(days)} days"
    if whole:
        same_days = "the whole"
    same_km = _number(cmp.get("last_week_same_days_km"))
    same_text = (
        ""
        if same_km is None or whole or days is None
        # "this week" only where the caller says it: the week may be a past one
        else f"<br>{same_km * factor:.1f} {label} by its day {int(days)}: the days compared"
    )
    notes = [
        f"{change_last} vs {same_days} of last week<br>{change_avg} vs {same_days} of the "
        "4 weeks before",
        f"the whole previous week{same_text}",
        "average of the last four whole weeks",
    ]
    fig = go.Figure(
        go.Bar(
            x=names,
            y=shown,
            customdata=notes,
            text=[
                f"{v:.1f} {label}" if km is not None else "—"
                for v, km in zip(shown, values_km, strict=True)
            ],
            textposition="outside",
            cliponaxis=False,
            marker_color=[style.PRIMARY, style.MUTED, style.SECONDARY],
            name="Distance",
            hovertemplate=f"%{{x}}<br>%{{y:.1f}} {label}<br>%{{customdata}}<extra></extra>",
        )
    )
    week_start = cmp.get("week_start")
    # the change compares the same days so far, not the whole last week drawn beside it: the
    # title's second line says which days (two lines at most: a third lifted the first one
    # out of the figure; the bars keep short names that fit a phone)
    if change_last != "—":
        full_title = f"{title}<br><sup>{change_last} vs {same_days} of last week</sup>"
    elif hasattr(week_start, "strftime"):
        full_title = f"{title}<br><sup>Week of {week_start:%a %d %b %Y}</sup>"
    else:
        full_title = title
    fig.update_yaxes(rangemode="tozero")
    return style.base_layout(fig, title=full_title, x_title=None, y_title=f"Distance [{label}]")


def _gauge_max(value: float) -> float:
    return max(GAUGE_MAX, math.ceil(value * 1.1 * 10) / 10)


def acwr_gauge_figure(acwr: float | None, band: str, *, reason: str | None = None) -> go.Figure:
    """A dial of today's acute:chronic workload ratio over the risk bands.

    Bands: below 0.8 grey (under-training), 0.8-1.3 green (sweet spot), 1.3-1.5 amber,
    above 1.5 red (danger zone).

    Parameters
    ----------
    acwr
        Today's ratio [dimensionless], or ``None`` while there is too little history.
    band
        The band's name as the metric reports it (for example ``"sweet spot"``), printed under the
        dial.
    reason
        Why there is no ratio, in words (for example a return after a break); by default
        :data:`GAUGE_NO_RATIO`.

    Returns
    -------
    plotly.graph_objects.Figure
        A ``go.Indicator`` gauge, or a figure saying, in short centred lines, why there is none.

    References
    ----------
    Gabbett, T. J. (2016). The training-injury prevention paradox: should athletes be training
    smarter and harder? *British Journal of Sports Medicine*, 50(5), 273-280.
    """
    title = "Acute:chronic workload ratio"
    value = _number(acwr)
    if value is None:
        lines = textwrap.wrap(reason or GAUGE_NO_RATIO, GAUGE_LINE_CHARS)
        fig = style.empty_figure("<br>".join(lines), title=title, height=GAUGE_HEIGHT)
        # the message stays clear of both edges: centred and in a size that fits its lines
        fig.update_annotations(align="center", xanchor="center", font={"size": 14})
        return fig
    top = _gauge_max(value)
    low, high = style.ACWR_SWEET_SPOT
    fig = go.Figure(
        go.Indicator(
            mode="gauge+number",
            value=value,
            number={"valueformat": ".2f"},
            title={"text": f"{title}<br><span style='font-size:0.8em'>{band}</span>"},
            gauge={
                "axis": {"range": [0, top], "tickvals": [0, low, high, style.ACWR_DANGER, top]},
                "bar": {"color": style.BLACK, "thickness": 0.25},
                "steps": [
                    {"range": [0, low], "color": style.MUTED},
                    {"range": [low, high], "color": style.GOOD},
                    {"range": [high, style.ACWR_DANGER], "color": style.CAUTION},
                    {"range": [style.ACWR_DANGER, top], "color": style.DANGER},
                ],
            },
        )
    )
    style.base_layout(fig, title=None, height=GAUGE_HEIGHT)
    fig.update_layout(margin={"l": 30, "r": 30, "t": 70, "b": 10})
    return fig
