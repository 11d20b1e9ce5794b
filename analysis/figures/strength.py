"""Strength & mobility figures: sessions per week against the 2–3 target.

The builder takes :func:`analysis.metrics.strength.weekly_sessions` and draws what it computed.

References
----------
American College of Sports Medicine. Progression models in resistance training for healthy
adults. *Med Sci Sports Exerc* 2009;41(3):687–708 (2–3 days a week).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analysis import columns as c
from analysis.figures import style

SESSION_NAMES = {
    c.SPORT_STRENGTH: "Strength",
    c.SPORT_PLYOMETRICS: "Plyometrics",
    c.SPORT_MOBILITY: "Mobility",
    c.SPORT_CROSS_TRAINING: "Cross-training",
}
SESSION_COLOURS = {
    c.SPORT_STRENGTH: style.BLUE,
    c.SPORT_PLYOMETRICS: style.SKY_BLUE,
    c.SPORT_MOBILITY: style.BLUISH_GREEN,
    c.SPORT_CROSS_TRAINING: style.ORANGE,
}


def sessions_per_week_figure(weekly: pd.DataFrame, target: tuple[int, int]) -> go.Figure:
    """Sessions per week, stacked by type, with the target band for strength work shaded.

    Parameters
    ----------
    weekly
        :func:`analysis.metrics.strength.weekly_sessions` output.
    target
        The least and most strength + plyometrics sessions a week [sessions].

    Returns
    -------
    plotly.graph_objects.Figure
        One bar trace per session type (strength and plyometrics first: they count towards
        the band); an annotated blank figure without weeks.
    """
    title = "Sessions per week"
    if not style.has_rows(weekly, c.WEEK_START):
        return style.empty_figure(title=title)
    fig = go.Figure()
    weeks = pd.to_datetime(weekly[c.WEEK_START])
    for kind in (c.SPORT_STRENGTH, c.SPORT_PLYOMETRICS, c.SPORT_MOBILITY, c.SPORT_CROSS_TRAINING):
        counted = (
            "counts toward the target"
            if kind in (c.SPORT_STRENGTH, c.SPORT_PLYOMETRICS)
            else "shown, not counted"
        )
        fig.add_trace(
            go.Bar(
                x=weeks,
                y=weekly[kind].astype(int).tolist(),
                name=SESSION_NAMES[kind],
                marker_color=SESSION_COLOURS[kind],
                hovertemplate=(
                    f"Week of %{{x|%d %b %Y}}: %{{y}} {SESSION_NAMES[kind].lower()} "
                    f"({counted})<extra></extra>"
                ),
            )
        )
    low, high = target
    style.add_hband(fig, low, high, style.GOOD, f"target {low}–{high} strength sessions")
    fig.update_layout(barmode="stack", bargap=0.2)
    top = max(float(weekly[list(SESSION_NAMES)].sum(axis=1).max()), high + 1)
    fig.update_yaxes(range=[0, top + 0.5], dtick=1)
    style.base_layout(fig, title=title, x_title="Week starting", y_title="Sessions")
    return fig
