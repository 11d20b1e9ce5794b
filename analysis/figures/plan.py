"""Planned against actual, week by week, in the compliance colours of
:func:`analysis.metrics.plan.compliance`.

References
----------
TrainingPeaks Help Center. Color coding workouts by type and/or compliance (green within ±20 %
of the plan, yellow 50–79 % or 121–150 %, red otherwise; grey unplanned).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis import columns as c
from analysis.figures import style
from analysis.metrics.plan import GREEN, GREEN_PCT, GREY, RED, YELLOW, YELLOW_PCT
from analysis.units import UNIT_KM, distance_factor, distance_label

COMPLIANCE_COLOURS: dict[str, str] = {
    GREEN: style.BLUISH_GREEN,
    YELLOW: style.YELLOW,
    RED: style.VERMILLION,
    GREY: style.GREY,
}
"""Plot colour of each compliance colour name (Okabe & Ito's nearest; the legend names them)."""

COMPLIANCE_NAMES: dict[str, str] = {
    GREEN: f"Actual: on plan ({GREEN_PCT[0]}–{GREEN_PCT[1]} %)",
    YELLOW: (
        f"Actual: off plan ({YELLOW_PCT[0]}–{GREEN_PCT[0] - 1} % or "
        f"{GREEN_PCT[1] + 1}–{YELLOW_PCT[1]} %)"
    ),
    RED: f"Actual: far off plan (< {YELLOW_PCT[0]} % or > {YELLOW_PCT[1]} %)",
    GREY: "Actual: nothing planned",
}
"""Legend entry of each compliance colour, with its band."""

TARGET_ALIASES: dict[str, str] = {
    "distance": c.DISTANCE_KM,
    "duration": c.DURATION_H,
    "long_run": c.LONGEST_RUN_KM,
    "load": c.LOAD,
}
"""Short names a page may pass as ``target``; the compliance frame's own names work too."""

_KM_TARGETS = {c.DISTANCE_KM: "Distance", c.LONGEST_RUN_KM: "Longest run"}

HALF_WEEK_MS = style.week_bar_width_ms(0.4)
"""Each of the two bars of a week spans 40 % of it: planned left of the week start, actual right."""


def _axis(target: str, unit: str, load_label: str) -> tuple[str, str, float]:
    """Axis name, value unit and factor from the metric's unit to the displayed one."""
    if target in _KM_TARGETS:
        label = distance_label(unit)
        return f"{_KM_TARGETS[target]} [{label}]", label, distance_factor(unit)
    if target == c.DURATION_H:
        return "Time [h]", "h", 1.0
    load_unit = style.label_unit(load_label, "a.u.")
    return f"Load: {style.label_quantity(load_label)}", load_unit, 1.0


def compliance_figure(
    compliance_frame: pd.DataFrame,
    target: str = "distance",
    *,
    unit: str = UNIT_KM,
    load_label: str = "load [a.u.]",
) -> go.Figure:
    """Planned and actual per week for one target, actual bars in their compliance colour.

    Each week shows the plan as a grey outlined bar left of the week start and the actual as a
    filled bar right of it, coloured green / yellow / red / grey with a legend entry per
    colour that states its band; the bar's label and hover give the percentage of the plan.
    Weeks still to come have no actual bar.

    Parameters
    ----------
    compliance_frame
        From :func:`analysis.metrics.plan.compliance`: ``week_start``, ``target``,
        ``planned``, ``actual``, ``compliance_pct`` [%] and ``colour``.
    target
        ``"distance"``, ``"duration"``, ``"long_run"`` or ``"load"`` (or the frame's own
        target names such as ``"distance_km"``).
    unit
        Display unit of distances, ``"km"`` or ``"mi"``.
    load_label
        What the load is, with its unit in brackets, for the ``"load"`` target.

    Returns
    -------
    plotly.graph_objects.Figure
        A "Planned" bar trace and one "Actual: ..." trace per compliance colour present; an
        annotated blank figure when the target has neither plan nor actual.
    """
    column = TARGET_ALIASES.get(target, target)
    axis_title, value_unit, factor = _axis(column, unit, load_label)
    name = axis_title.split(" [")[0].split(":")[0]
    title = f"Planned vs actual: {name.lower()}"
    frame = compliance_frame
    if style.has_rows(frame, c.WEEK_START, c.TARGET):
        frame = frame[frame[c.TARGET].astype("string") == column]
    planned = _floats(frame, c.PLANNED) * factor
    actual = _floats(frame, c.ACTUAL) * factor
    if not (np.isfinite(planned).any() or np.isfinite(actual).any()):
        return style.empty_figure(f"{style.EMPTY_MESSAGE}: no plan or runs to compare", title=title)
    order = np.argsort(pd.to_datetime(frame[c.WEEK_START]).to_numpy(), kind="stable")
    frame = frame.iloc[order]
    planned, actual = planned[order], actual[order]
    weeks = pd.to_datetime(frame[c.WEEK_START])
    pct = _floats(frame, c.COMPLIANCE_PCT)
    colours = (
        frame[c.COLOUR].astype("string").fillna(GREY).to_numpy(dtype=object)
        if c.COLOUR in frame.columns
        else np.full(len(frame), GREY, dtype=object)
    )
    planned_text = np.array([_amount(v, value_unit) for v in planned], dtype=object)
    pct_text = np.array(
        [f"{v:.0f} %" if math.isfinite(v) else "no plan" for v in pct], dtype=object
    )
    fig = go.Figure()
    has_plan = np.isfinite(planned)
    fig.add_trace(
        go.Bar(
            x=weeks[has_plan],
            y=planned[has_plan],
            name="Planned",
            marker={
                "color": "rgba(0, 0, 0, 0)",
                "line": {"color": style.GREY, "width": 2},
                "pattern": {"shape": "/", "fgcolor": style.GREY, "size": 6},
            },
            width=HALF_WEEK_MS,
            offset=-HALF_WEEK_MS,
            hovertemplate=(
                f"Week of %{{x|%a %d %b %Y}}<br>Planned: %{{y:.1f}} {value_unit}<extra></extra>"
            ),
        )
    )
    for colour in (GREEN, YELLOW, RED, GREY):
        mask = (colours == colour) & np.isfinite(actual)
        if not mask.any():
            continue
        fig.add_trace(
            go.Bar(
                x=weeks[mask],
                y=actual[mask],
                customdata=np.column_stack([planned_text[mask], pct_text[mask]]),
                text=pct_text[mask],
                textposition="outside",
                textfont={"size": 11},
                cliponaxis=False,
                name=COMPLIANCE_NAMES[colour],
                marker={"color": COMPLIANCE_COLOURS[colour], "line": {"color": style.GREY}},
                width=HALF_WEEK_MS,
                offset=0,
                hovertemplate=(
                    f"Week of %{{x|%a %d %b %Y}}<br>Actual: %{{y:.1f}} {value_unit} of "
                    "%{customdata[0]} planned (%{customdata[1]})<extra></extra>"
                ),
            )
        )
    fig.update_layout(barmode="overlay")
    highest = np.nanmax(np.concatenate([planned, actual]))
    # headroom for the percentage written above the tallest bar
    fig.update_yaxes(range=[0, float(highest) * 1.12 if highest > 0 else 1.0])
    return style.base_layout(fig, title=title, x_title="Week starting", y_title=axis_title)


def _floats(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype="float64")


def _amount(value: float, unit: str) -> str:
    return f"{value:.1f} {unit}" if math.isfinite(value) else "nothing"
