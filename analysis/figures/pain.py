"""Pain figures: each body site's severity over time, above weekly distance and the ACWR.

The builder takes :func:`analysis.metrics.pain.site_series`, the weekly distance of
:func:`analysis.metrics.mileage.weekly_distance` and the daily ratios of the load metric, and
draws them on one time axis, so a niggle can be read against the load before it. Seeing them
together shows association, not cause.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analysis import columns as c
from analysis.figures import style
from analysis.units import distance_factor, distance_label

HEIGHT = 720
"""Three stacked panels: severity, weekly distance, ACWR [px]."""

_SITE_COLOURS = (
    style.VERMILLION, style.BLUE, style.ORANGE, style.BLUISH_GREEN, style.REDDISH_PURPLE,
    style.SKY_BLUE, style.BLACK, style.YELLOW, style.GREY,
)  # fmt: skip


def pain_sites_figure(
    sites: pd.DataFrame,
    weekly: pd.DataFrame,
    acr: pd.DataFrame,
    *,
    unit: str = "km",
    pain_limit: float = 6.0,
    acwr_high: float = 1.3,
    acwr_danger: float = 1.5,
) -> go.Figure:
    """Severity of each site (top), weekly running distance (middle) and ACWR (bottom).

    Parameters
    ----------
    sites
        ``date``, ``body_site``, ``severity`` [0–10].
    weekly
        ``week_start``, ``distance_km`` [km].
    acr
        ``date``, ``acwr``.
    unit
        ``"km"`` or ``"mi"`` for the distance panel.
    pain_limit
        The severity from which the decision backs off: a dotted line on the top panel.
    acwr_high, acwr_danger
        The top of the sweet spot and the danger line: the ratio's bands.

    Returns
    -------
    plotly.graph_objects.Figure
        One line per site on ``yaxis``, the distance bars on ``yaxis2``, the ratio on
        ``yaxis3``; an annotated blank figure without pain entries.
    """
    title = "Pain by site, weekly distance, ACWR"
    if not style.has_rows(sites, c.DATE, c.SEVERITY):
        return style.empty_figure(
            f"{style.EMPTY_MESSAGE}: log a niggle", title=title, height=HEIGHT
        )
    fig = make_subplots(
        rows=3, cols=1, shared_xaxes=True, vertical_spacing=0.06, row_heights=[0.45, 0.3, 0.25]
    )
    for i, (site, group) in enumerate(sites.groupby(c.BODY_SITE, sort=True)):
        fig.add_trace(
            go.Scatter(
                x=pd.to_datetime(group[c.DATE]),
                y=group[c.SEVERITY],
                mode="lines+markers",
                name=str(site),
                line={"color": _SITE_COLOURS[i % len(_SITE_COLOURS)], "width": 2},
                marker={"size": 7},
                hovertemplate=f"{site}: %{{y:g}}/10 on %{{x|%a %d %b}}<extra></extra>",
            ),
            row=1,
            col=1,
        )
    fig.add_hline(
        y=pain_limit, line_dash="dot", line_color=style.DANGER, row=1, col=1,
        annotation_text=f"back off from {pain_limit:g}", annotation_position="top left",
    )  # fmt: skip
    label = distance_label(unit)
    if style.has_rows(weekly, c.WEEK_START, c.DISTANCE_KM):
        fig.add_trace(
            go.Bar(
                x=pd.to_datetime(weekly[c.WEEK_START]) + pd.Timedelta(days=3),
                y=pd.to_numeric(weekly[c.DISTANCE_KM], errors="coerce") * distance_factor(unit),
                name=f"Weekly distance [{label}]",
                marker_color=style.MUTED,
                width=6 * 86_400_000,
                hovertemplate=f"Week of %{{x|%d %b}}: %{{y:.1f}} {label}<extra></extra>",
            ),
            row=2,
            col=1,
        )
    if style.has_rows(acr, c.DATE, c.ACWR):
        fig.add_trace(
            go.Scatter(
                x=pd.to_datetime(acr[c.DATE]),
                y=acr[c.ACWR],
                mode="lines",
                name="ACWR",
                line={"color": style.BLACK, "width": 2},
                hovertemplate="ACWR %{y:.2f} on %{x|%a %d %b}<extra></extra>",
            ),
            row=3,
            col=1,
        )
        style.add_hband(fig, acwr_high, acwr_danger, style.CAUTION, row=3, col=1)
    style.base_layout(fig, title=title, height=HEIGHT)
    fig.update_yaxes(title_text="Severity [0–10]", range=[-0.5, 10.5], row=1, col=1)
    fig.update_yaxes(title_text=f"Distance [{label}]", row=2, col=1)
    fig.update_yaxes(title_text="ACWR", row=3, col=1)
    return style.fit_axes(fig)
