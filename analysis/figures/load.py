"""Training-load figures: daily load with acute and chronic load, and the ACWR over time.

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

ACWR_AXIS_MIN_TOP = 2.0
"""The ACWR axis shows at least 0-2 so the bands keep their place between figures [ratio]."""


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


def load_figure(acr: pd.DataFrame, load_label: str) -> go.Figure:
    """Daily load as bars with the acute and chronic load as lines.

    Parameters
    ----------
    acr
        ACWR frame: ``date`` (naive local date, one row per day, rest days with zero load),
        ``load``, ``acute_load``, ``chronic_load`` (daily averages, in the unit of the load model)
        and ``acwr``.
    load_label
        What the load is, with its unit in brackets, e.g. ``"distance [km]"`` or
        ``"Banister TRIMP [a.u.]"``; it titles the y axis and gives the hover its unit.
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
                hovertemplate=(
                    f"%{{x|%a %d %b %Y}}<br>{name}: %{{y:.1f}}{suffix} per day<extra></extra>"
                ),
            )
        )
    fig.update_layout(hovermode="x unified", bargap=0.1)
    fig.update_yaxes(rangemode="tozero")
    return style.base_layout(fig, title=title, x_title="Date", y_title=f"Load: {load_label}")


def acwr_figure(
    acr: pd.DataFrame,
    sweet_spot: tuple[float, float] = style.ACWR_SWEET_SPOT,
    danger: float = style.ACWR_DANGER,
) -> go.Figure:
    """The acute:chronic workload ratio over time over its risk bands.

    Default bands: 0.8-1.3 green (sweet spot), 1.3-1.5 amber, above 1.5 red, below 0.8 grey
    (Gabbett 2016); the athlete may set others.

    Parameters
    ----------
    acr
        ACWR frame (see :func:`load_figure`); ``acwr`` is missing (NaN) while the chronic window
        is still filling, and those days are left out.
    """
    title = "Acute:chronic workload ratio"
    if not style.has_rows(acr, c.DATE, c.ACWR):
        return style.empty_figure(
            f"{style.EMPTY_MESSAGE}: the ratio needs about four weeks of training", title=title
        )
    frame = acr.dropna(subset=[c.DATE, c.ACWR]).sort_values(c.DATE)
    ratio = frame[c.ACWR].astype("float64")
    finite = ratio[np.isfinite(ratio)]
    top = max(ACWR_AXIS_MIN_TOP, float(finite.max()) * 1.1 if len(finite) else 0.0)
    top = max(top, danger * 1.2)
    low, high = sweet_spot
    fig = go.Figure(
        go.Scatter(
            x=frame[c.DATE],
            y=ratio,
            customdata=np.array([band_name(v) for v in ratio], dtype=object),
            mode="lines",
            name="ACWR",
            line={"color": style.BLACK, "width": 2},
            hovertemplate="%{x|%a %d %b %Y}<br>ACWR %{y:.2f} (%{customdata})<extra></extra>",
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
    fig.update_yaxes(range=[0, top])
    return style.base_layout(fig, title=title, x_title="Date", y_title="ACWR [ratio]")
