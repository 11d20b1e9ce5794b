"""The training calendar (weeks × weekdays, each day coloured by its type) and the long run's
share of each week.

The day types and the rules that decide them are :mod:`analysis.metrics.calendar`'s; the figure
colours what the metric decided and shows its rule on hover.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis import columns as c
from analysis.figures import style
from analysis.metrics.calendar import (
    DAY_CROSS,
    DAY_EASY,
    DAY_HARD,
    DAY_LONG,
    DAY_MODERATE,
    DAY_REST,
    DAY_TYPES,
)
from analysis.metrics.guidance import LONG_RUN_SHARE_MAX
from analysis.units import UNIT_KM, distance_factor, distance_label

REST_COLOUR = "#E6E6E6"
"""A rest day is an empty square: a light grey that reads as "nothing", not as a warning."""

DAY_COLOURS: dict[str, str] = {
    DAY_LONG: style.BLUE,
    DAY_HARD: style.VERMILLION,
    DAY_MODERATE: style.YELLOW,
    DAY_EASY: style.SKY_BLUE,
    DAY_CROSS: style.REDDISH_PURPLE,
    DAY_REST: REST_COLOUR,
}
"""Colour of each day type: hard hot, easy cool, long the deep blue of a big but easy day."""

DAY_NAMES: dict[str, str] = {
    DAY_LONG: "Long run",
    DAY_HARD: "Hard",
    DAY_MODERATE: "Moderate",
    DAY_EASY: "Easy",
    DAY_CROSS: "Cross-training",
    DAY_REST: "Rest",
}
"""Legend entry of each day type."""

ROW_HEIGHT = 38
"""Height of one week row [px]: room for the two lines of its label."""

COMPACT_ROW_HEIGHT = 30
"""Height of one week row in the compact calendar [px]: one line of label, a thumb's height."""

CALENDAR_FRAME_PX = 300
"""Calendar height besides its rows [px]: title, legend and day axis."""

_WEEKDAY_LETTERS = {
    "mon": "M",
    "tue": "T",
    "wed": "W",
    "thu": "T",
    "fri": "F",
    "sat": "S",
    "sun": "S",
}

LONG_RUN_REFERENCE_PCT = LONG_RUN_SHARE_MAX * 100.0
"""The long-run share the figure marks [%]: 25 % of the week (Daniels).

References
----------
Daniels J. *Daniels' Running Formula*. 3rd ed. Champaign, IL: Human Kinetics; 2014 (long runs
up to 25 % of the weekly mileage).
"""


def _day_details(days: pd.DataFrame | None, unit: str) -> dict[pd.Timestamp, tuple[str, str, str]]:
    """Per day: its distance and time as text, and the rule that typed it."""
    if days is None or days.empty or c.DATE not in days.columns:
        return {}
    dates = pd.to_datetime(days[c.DATE]).dt.normalize()
    km = (
        pd.to_numeric(days[c.DISTANCE_KM], errors="coerce").to_numpy(dtype="float64")
        if c.DISTANCE_KM in days.columns
        else np.full(len(days), np.nan)
    )
    seconds = (
        pd.to_numeric(days[c.DURATION_S], errors="coerce").to_numpy(dtype="float64")
        if c.DURATION_S in days.columns
        else np.full(len(days), np.nan)
    )
    rules = days[c.RULE].astype("string").fillna("—") if c.RULE in days.columns else None
    label = distance_label(unit)
    out: dict[pd.Timestamp, tuple[str, str, str]] = {}
    for i, day in enumerate(dates):
        if pd.isna(day):
            continue
        distance = f"{km[i] * distance_factor(unit):.1f} {label}" if math.isfinite(km[i]) else "—"
        time = style.format_hmm(seconds[i]) + " h" if math.isfinite(seconds[i]) else "—"
        rule = str(rules.iloc[i]) if rules is not None else "—"
        out[pd.Timestamp(day)] = (distance, time, rule)
    return out


SESSION_MARK = "S"
"""Marks a calendar day with strength, mobility, plyometrics or cross-training sessions."""


def _session_details(sessions: pd.DataFrame | None) -> dict[pd.Timestamp, str]:
    """Per day with sessions: "Strength & mobility: 40 min (strength)"."""
    if sessions is None or sessions.empty or c.STRENGTH_MIN not in sessions.columns:
        return {}
    out: dict[pd.Timestamp, str] = {}
    for day, minutes, kinds in zip(
        pd.to_datetime(sessions[c.DATE]).dt.normalize(),
        pd.to_numeric(sessions[c.STRENGTH_MIN], errors="coerce").fillna(0.0),
        sessions[c.SESSION_TYPE],
        strict=True,
    ):
        if minutes > 0:
            out[pd.Timestamp(day)] = f"Strength & mobility: {minutes:.0f} min ({kinds})"
    return out


def _week_parts(row: pd.Series, unit: str) -> list[str]:
    """A week's start, its type (when typed) and its distance, as the row label shows them."""
    start = pd.Timestamp(row[c.WEEK_START])
    parts = [f"{start:%d %b %Y}"]
    week_type = row.get(c.WEEK_TYPE)
    if week_type is not None and not pd.isna(week_type):
        parts.append(str(week_type))
    km = pd.to_numeric(pd.Series([row.get(c.DISTANCE_KM)]), errors="coerce").iloc[0]
    if pd.notna(km):
        parts.append(f"{float(km) * distance_factor(unit):.1f} {distance_label(unit)}")
    return parts


def _week_label(row: pd.Series, unit: str) -> str:
    return " · ".join(_week_parts(row, unit))


def _week_tick(row: pd.Series, unit: str, *, compact: bool) -> str:
    """The row label as drawn: two short lines, or the start date alone when compact.

    One long line ("04 Mar 2024 · build · 55.0 km") took 230 px of a 358 px phone column and
    left the seven days 15 px each; two lines take half that.
    """
    start = pd.Timestamp(row[c.WEEK_START])
    if compact:
        return f"{start:%d %b}"
    # the distance's unit is in the axis title; the label stays narrow without it
    parts = [
        p.rsplit(" ", 1)[0] if p.endswith(f" {distance_label(unit)}") else p
        for p in _week_parts(row, unit)[1:]
    ]
    return f"{start:%d %b %Y}" + ("<br>" + " · ".join(parts) if parts else "")


def calendar_figure(
    calendar_weeks_frame: pd.DataFrame,
    days: pd.DataFrame | None = None,
    *,
    unit: str = UNIT_KM,
    max_weeks: int | None = None,
    compact: bool = False,
    sessions: pd.DataFrame | None = None,
) -> go.Figure:
    """A grid of weeks (rows, oldest on top) by weekday (columns), each day coloured by its type.

    Each row is labelled with its week start, its type (build / cutback / rest) and its
    running distance; each cell shows the day's distance when it ran. Hover gives the day's
    date, type, distance, time and the rule that decided the type (when ``days`` is given).
    Days outside the classified range stay blank.

    Parameters
    ----------
    calendar_weeks_frame
        From :func:`analysis.metrics.calendar.calendar_weeks`: ``week_start``, ``week_type``,
        ``distance_km`` [km], ``duration_s`` [s] and the seven weekday columns (in the order of
        the week, starting on ``week_start``) holding each day's type.
    days
        From :func:`analysis.metrics.calendar.classify_days` (``date``, ``day_type``,
        ``distance_km`` [km], ``duration_s`` [s], ``rule``): the per-day detail of the hover.
    unit
        Display unit of distances, ``"km"`` or ``"mi"``.
    max_weeks
        Show only the latest this many weeks (all when None). A page on a narrow screen passes
        fewer weeks rather than shrinking every row.
    compact
        Narrow-screen labels: rows labelled by their start date alone, days by one letter and the
        day's distance in a smaller font; week type and distance stay in the hover.
    sessions
        From :func:`analysis.metrics.strength.session_days` (``date``, ``strength_min``
        [min], ``session_type``): a day with strength or mobility work shows
        :data:`SESSION_MARK` after its distance, and the hover names the sessions.

    Returns
    -------
    plotly.graph_objects.Figure
        One heatmap (the grid) and one legend-only trace per day type, named as in
        :data:`DAY_NAMES`; an annotated blank figure without weeks.
    """
    title = "Training calendar"
    weekday_columns = [d for d in calendar_weeks_frame.columns if d in c.WEEKDAYS]
    if not style.has_rows(calendar_weeks_frame, c.WEEK_START) or not weekday_columns:
        return style.empty_figure(title=title)
    frame = calendar_weeks_frame.dropna(subset=[c.WEEK_START]).sort_values(c.WEEK_START)
    if max_weeks is not None and max_weeks > 0:
        frame = frame.tail(int(max_weeks))
    details = _day_details(days, unit)
    extra = _session_details(sessions)
    codes = {day_type: i for i, day_type in enumerate(DAY_TYPES)}
    n = len(DAY_TYPES)
    z: list[list[float | None]] = []
    text: list[list[str]] = []
    custom: list[list[list[str]]] = []
    for _, row in frame.iterrows():
        start = pd.Timestamp(row[c.WEEK_START]).normalize()
        z_row: list[float | None] = []
        text_row: list[str] = []
        custom_row: list[list[str]] = []
        for offset, column in enumerate(weekday_columns):
            day = start + pd.Timedelta(days=offset)
            value = row[column]
            day_type = None if value is None or pd.isna(value) else str(value)
            distance, time, rule = details.get(day, ("—", "—", "—"))
            z_row.append(float(codes[day_type]) if day_type in codes else None)
            ran = day_type not in (None, DAY_REST, DAY_CROSS) and distance != "—"
            cell = distance.split(" ")[0] if ran else ""
            worked = extra.get(day, "")
            text_row.append(f"{cell} {SESSION_MARK}".strip() if worked else cell)
            custom_row.append(
                [
                    f"{day:%a %d %b %Y}",
                    DAY_NAMES.get(day_type, day_type) if day_type else "not classified",
                    distance,
                    time,
                    rule + (f"<br>{worked}" if worked else ""),
                ]
            )
        z.append(z_row)
        text.append(text_row)
        custom.append(custom_row)
    # one flat step of colour per type code, so the codes never blend
    scale: list[list[float | str]] = []
    for i, day_type in enumerate(DAY_TYPES):
        scale += [[i / n, DAY_COLOURS[day_type]], [(i + 1) / n, DAY_COLOURS[day_type]]]
    labels = [_week_label(row, unit) for _, row in frame.iterrows()]
    ticks = [_week_tick(row, unit, compact=compact) for _, row in frame.iterrows()]
    days_x = [column.capitalize() for column in weekday_columns]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=days_x,
            y=labels,
            text=text,
            texttemplate="%{text}",
            textfont={"size": 10},
            customdata=custom,
            colorscale=scale,
            zmin=-0.5,
            zmax=n - 0.5,
            showscale=False,
            xgap=3,
            ygap=3,
            name="Calendar",
            showlegend=False,
            hovertemplate=(
                "%{customdata[0]}: %{customdata[1]}<br>Distance %{customdata[2]}, "
                "time %{customdata[3]}<br>Rule: %{customdata[4]}<extra></extra>"
            ),
        )
    )
    for day_type in DAY_TYPES:
        # legend entries only: a heatmap has a colour bar, not a legend of categories
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=DAY_NAMES[day_type],
                marker={
                    "symbol": "square",
                    "size": 14,
                    "color": DAY_COLOURS[day_type],
                    "line": {"color": style.GREY, "width": 1},
                },
                hoverinfo="skip",
            )
        )
    row_px = COMPACT_ROW_HEIGHT if compact else ROW_HEIGHT
    # room for the title, a legend of six types (one row on a laptop, a row each on a phone),
    # and the day names and axis title below
    height = row_px * len(frame) + CALENDAR_FRAME_PX
    style.base_layout(fig, title=title, height=height)
    fig.update_xaxes(
        title_text=f"Cells: running distance [{distance_label(unit)}]",
        side="bottom",
        showgrid=False,
        fixedrange=True,
        tickvals=days_x,
        ticktext=[_WEEKDAY_LETTERS.get(d, d[:1].upper()) for d in weekday_columns]
        if compact
        else days_x,
    )
    fig.update_yaxes(
        title_text="Week starting",
        autorange="reversed",
        showgrid=False,
        fixedrange=True,
        tickvals=labels,
        ticktext=ticks,
        tickfont={"size": 10 if compact else 11},
    )
    fig.update_layout(plot_bgcolor="white")
    return style.fit_axes(fig)


def long_run_share_figure(
    weekly_with_share: pd.DataFrame,
    reference_pct: float = LONG_RUN_REFERENCE_PCT,
    *,
    unit: str = UNIT_KM,
) -> go.Figure:
    """Bars of the long run's share of each week, with a dashed reference line.

    Weeks above ``reference_pct`` are vermillion under their own legend entry. Weeks without
    distance have no share and no bar.

    Parameters
    ----------
    weekly_with_share
        From :func:`analysis.metrics.guidance.long_run_share`: ``week_start``,
        ``long_run_share_pct`` [%], ``longest_run_km`` and ``distance_km`` [km].
    reference_pct
        The share marked as the limit [%]; 25 % by default (Daniels: the long run up to a
        quarter of the week).
    unit
        Display unit of distances in the hover, ``"km"`` or ``"mi"``.

    Returns
    -------
    plotly.graph_objects.Figure
        Bar traces "Within 25 %" and "Above 25 %" (named after ``reference_pct``); an annotated
        blank figure without any share.

    References
    ----------
    Daniels J. *Daniels' Running Formula*. 3rd ed. Champaign, IL: Human Kinetics; 2014.
    """
    title = "Long run's share of the week"
    if not style.has_rows(weekly_with_share, c.WEEK_START, c.LONG_RUN_SHARE_PCT):
        return style.empty_figure(title=title)
    frame = weekly_with_share.dropna(subset=[c.WEEK_START, c.LONG_RUN_SHARE_PCT]).sort_values(
        c.WEEK_START
    )
    share = pd.to_numeric(frame[c.LONG_RUN_SHARE_PCT], errors="coerce").to_numpy(dtype="float64")
    factor, label = distance_factor(unit), distance_label(unit)

    def amounts(column: str) -> np.ndarray:
        if column not in frame.columns:
            return np.full(len(frame), "—", dtype=object)
        values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype="float64")
        return np.array(
            [f"{v * factor:.1f} {label}" if math.isfinite(v) else "—" for v in values],
            dtype=object,
        )

    custom = np.column_stack([amounts(c.LONGEST_RUN_KM), amounts(c.DISTANCE_KM)])
    above = share > reference_pct
    fig = go.Figure()
    for flagged, name, colour in (
        (False, f"Within {reference_pct:g} %", style.PRIMARY),
        (True, f"Above {reference_pct:g} %", style.FLAGGED),
    ):
        mask = above == flagged
        if not mask.any():
            continue
        fig.add_trace(
            go.Bar(
                x=frame[c.WEEK_START][mask],
                y=share[mask],
                customdata=custom[mask],
                name=name,
                marker_color=colour,
                width=style.week_bar_width_ms(),
                hovertemplate=(
                    "Week of %{x|%a %d %b %Y}<br>Longest run %{customdata[0]} of "
                    "%{customdata[1]}: %{y:.1f} % of the week<extra>%{fullData.name}</extra>"
                ),
            )
        )
    fig.add_hline(
        y=reference_pct,
        line={"color": style.BLACK, "dash": "dash", "width": 1.5},
        annotation_text=f"{reference_pct:g} % (Daniels: long run ≤ a quarter of the week)"
        if math.isclose(reference_pct, 25.0)
        else f"{reference_pct:g} %",
        annotation_position="top right",
        annotation_font={"size": 11, "color": style.BLACK},
        annotation_bgcolor="rgba(255, 255, 255, 0.8)",
    )
    # a share cannot pass 100 %; below that, room for the line's label over the tallest bar
    top = min(100.0, max(2.0 * reference_pct, float(np.nanmax(share)) * 1.15))
    fig.update_layout(barmode="overlay")
    fig.update_yaxes(range=[0, top])
    return style.base_layout(
        fig, title=title, x_title="Week starting", y_title="Long run's share of the week [%]"
    )
