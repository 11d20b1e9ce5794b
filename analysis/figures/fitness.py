"""Fitness, fatigue and form (the performance management chart), and Foster's training monotony
with strain.

Both builders take the output of :mod:`analysis.metrics.pmc` and never recompute it: the page
states the smoothing convention in use, the figure shows what the metric returned. Breaks in
training (:func:`analysis.metrics.load.gaps`) are shaded and labelled, and the lines stop at them
(the metric leaves those days NaN; the traces keep them and do not connect gaps).

References
----------
Allen H, Coggan AR. *Training and Racing with a Power Meter*. 2nd ed. Boulder, CO: VeloPress;
2010 (the Performance Manager chart: CTL and ATL as lines, TSB as form).

Foster C. Monitoring training in athletes with reference to overtraining syndrome.
*Med Sci Sports Exerc* 1998;30(7):1164–1168.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analysis import columns as c
from analysis.figures import style
from analysis.figures.load import add_gap_bands, gap_frame
from analysis.metrics.pmc import MONOTONY_CRITICAL, MONOTONY_WARNING, monotony_level

PMC_HEIGHT = 420
"""The PMC carries four series: a little taller than a one-series chart [px]."""

FORM_OPACITY = 0.45
"""Form and strain bars are drawn with the lines: see-through so the lines show."""

FORM_FRESH = "Form (TSB) ≥ 0: fresh"
FORM_TIRED = "Form (TSB) < 0: carrying fatigue"
"""Names of the two form traces: one colour each, so the legend shows the colours drawn."""

DISTANCE_MODEL_NOTE = (
    "Load model: distance, so fitness, fatigue and form are distance per day, not TSS per "
    "day, and are not comparable with TrainingPeaks' numbers. With heart rate recorded, the "
    "hrTSS-like model (Settings) puts them on TrainingPeaks' scale (1 h at threshold = 100)."
)
"""The note the PMC carries when the load is distance; the page can show it as a caption."""

DISTANCE_MODEL_SHORT = "distance load per day, not TSS; hrTSS-like load (Settings) is on TSS scale"
"""The same note, short enough to sit inside the chart."""

DISTANCE_UNITS = frozenset({"km", "mi"})

MONOTONY_AXIS_MIN_TOP = 2.5
"""The monotony axis shows at least 0-2.5 so both bands keep their place [ratio]."""

LEVEL_COLOURS: dict[str, str] = {
    "ok": style.BLACK,
    "warning": style.CAUTION,
    "critical": style.DANGER,
    "n/a": style.MUTED,
}
"""Marker colour of a monotony value by its grade (:func:`analysis.metrics.pmc.monotony_level`)."""

LEVEL_WORDS: dict[str, str] = {
    "ok": "below the warning line",
    "warning": "warning",
    "critical": "critical",
    "n/a": "no variation to measure",
}


def _suffix(load_label: str, per: str = "") -> str:
    """`` km per day`` for a label such as ``"distance [km]"``; ``" a.u."`` without a unit."""
    return f" {style.label_unit(load_label, 'a.u.')}{per}"


def _is_distance(load_label: str, load_model: str | None) -> bool:
    if load_model is not None:
        return load_model == "distance"
    return style.label_unit(load_label) in DISTANCE_UNITS


def pmc_figure(
    pmc_frame: pd.DataFrame,
    load_label: str,
    *,
    load_model: str | None = None,
    gaps: pd.DataFrame | None = None,
) -> go.Figure:
    """Fitness (CTL) and fatigue (ATL) as lines, form (TSB) as bars around a drawn zero.

    All three share one axis (they share a unit, the load per day), so form's zero is the
    axis' zero, drawn as a solid line. Form bars are two traces, bluish green where form is
    0 or above (fresher than the fitness built) and vermillion below 0 (carrying fatigue), so
    each legend entry has the colour of its bars. Lines stop at breaks (NaN days, not
    connected), which are shaded and labelled. With a distance load a note in the chart says
    that CTL is km per day, not TrainingPeaks' TSS per day.

    Parameters
    ----------
    pmc_frame
        From :func:`analysis.metrics.pmc.pmc`: ``date`` (naive local day, one row per day),
        ``load``, ``ctl``, ``atl`` and ``tsb`` [unit of the load per day].
    load_label
        What the load is, with its unit in brackets, e.g. ``"distance [km], running only"`` or
        ``"Banister TRIMP [a.u.]"``: it titles the axes and gives the hover its unit.
    load_model
        The load model's key (``"distance"``, ``"hrss"`` ...); by default a label in km or mi
        is taken for distance.
    gaps
        Breaks to shade (:func:`analysis.metrics.load.gaps`); by default those of the frame's
        load under the default rule.

    Returns
    -------
    plotly.graph_objects.Figure
        Traces :data:`FORM_FRESH`, :data:`FORM_TIRED` (bars), "Fitness (CTL)" and "Fatigue
        (ATL)" (lines); an annotated blank figure when there is nothing to show.
    """
    title = "Fitness, fatigue and form"
    if not style.has_rows(pmc_frame, c.DATE, c.CTL):
        return style.empty_figure(title=title, height=PMC_HEIGHT)
    frame = pmc_frame.dropna(subset=[c.DATE]).sort_values(c.DATE)
    per_day = _suffix(load_label, " per day")
    fig = go.Figure()
    if c.TSB in frame.columns:
        tsb = pd.to_numeric(frame[c.TSB], errors="coerce").to_numpy(dtype="float64")
        for name, colour, keep in (
            (FORM_FRESH, style.GOOD, tsb >= 0),
            (FORM_TIRED, style.DANGER, tsb < 0),
        ):
            fig.add_trace(
                go.Bar(
                    x=frame[c.DATE],
                    y=np.where(keep, tsb, np.nan),
                    name=name,
                    marker={"color": colour, "opacity": FORM_OPACITY},
                    hovertemplate=f"Form (TSB): %{{y:+.1f}}{per_day}<extra></extra>",
                )
            )
    for column, name, colour, dash in (
        (c.CTL, "Fitness (CTL)", style.BLUE, "solid"),
        (c.ATL, "Fatigue (ATL)", style.REDDISH_PURPLE, "dash"),
    ):
        if column not in frame.columns:
            continue
        fig.add_trace(
            go.Scatter(
                x=frame[c.DATE],
                y=pd.to_numeric(frame[column], errors="coerce").astype("float64"),
                mode="lines",
                name=name,
                line={"color": colour, "width": 2.5, "dash": dash},
                connectgaps=False,
                hovertemplate=f"{name}: %{{y:.1f}}{per_day}<extra></extra>",
            )
        )
    add_gap_bands(fig, gap_frame(frame, gaps))
    if _is_distance(load_label, load_model):
        fig.add_annotation(
            text=DISTANCE_MODEL_SHORT,
            xref="paper",
            yref="paper",
            x=1,
            y=1,
            xanchor="right",
            yanchor="top",
            showarrow=False,
            font={"size": 11, "color": style.MUTED},
            bgcolor="rgba(255,255,255,0.8)",
        )
    style.base_layout(fig, title=title, x_title="Date", height=PMC_HEIGHT)
    # bars from 0 up and down, overlaid on one date: one bar per day whichever its sign
    fig.update_layout(hovermode="x unified", bargap=0.1, barmode="overlay")
    fig.update_xaxes(hoverformat="%a %d %b %Y")
    fig.update_yaxes(
        # short: a rotated title taller than the plot runs into the legend on a phone
        title_text=f"Load per day [{style.label_unit(load_label, 'a.u.')}]",
        zeroline=True,
        zerolinecolor=style.BLACK,
        zerolinewidth=1.5,
    )
    return fig


def monotony_figure(
    mono_frame: pd.DataFrame,
    warning: float = MONOTONY_WARNING,
    critical: float = MONOTONY_CRITICAL,
    *,
    load_label: str = "load [a.u.]",
    gaps: pd.DataFrame | None = None,
) -> go.Figure:
    """Foster monotony over its warning and critical bands, strain as bars on a secondary axis.

    The band from ``warning`` to ``critical`` is shaded orange, the band from ``critical`` up
    vermillion; each monotony marker takes the colour of its grade
    (:func:`analysis.metrics.pmc.monotony_level`). Days without a value (the first six days,
    or a week without day-to-day variation) leave a gap in the line.

    Parameters
    ----------
    mono_frame
        From :func:`analysis.metrics.pmc.monotony`: ``date``, ``monotony`` [ratio], ``strain``
        [unit of the load] and ``weekly_load`` [unit of the load].
    warning, critical
        Monotony thresholds [ratio]: 1.5 and 2.0 by default.
    load_label
        What the load is, with its unit in brackets (see :func:`pmc_figure`).
    gaps
        Breaks to shade (:func:`analysis.metrics.load.gaps`); by default those of the frame's
        load under the default rule (a week reaching into a break has no monotony).

    Returns
    -------
    plotly.graph_objects.Figure
        Traces "Strain" (bars, secondary y) and "Monotony" (line with markers, primary y); an
        annotated blank figure before the first full week.

    References
    ----------
    Foster C. Monitoring training in athletes with reference to overtraining syndrome.
    *Med Sci Sports Exerc* 1998;30(7):1164–1168.
    """
    title = "Training monotony and strain"
    if not (
        style.has_rows(mono_frame, c.DATE, c.MONOTONY)
        or style.has_rows(mono_frame, c.DATE, c.STRAIN)
    ):
        return style.empty_figure(
            f"{style.EMPTY_MESSAGE}: monotony needs a full week with varied days", title=title
        )
    frame = mono_frame.dropna(subset=[c.DATE]).sort_values(c.DATE)
    unit = _suffix(load_label)
    quantity = style.label_quantity(load_label)
    mono = pd.to_numeric(frame[c.MONOTONY], errors="coerce").to_numpy(dtype="float64")
    levels = [monotony_level(float(v), warning, critical) for v in mono]
    weekly = (
        pd.to_numeric(frame[c.WEEKLY_LOAD], errors="coerce").to_numpy(dtype="float64")
        if c.WEEKLY_LOAD in frame.columns
        else np.full(len(frame), np.nan)
    )
    weekly_text = np.array(
        [f"{v:.1f}{unit}" if np.isfinite(v) else "—" for v in weekly], dtype=object
    )
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    if c.STRAIN in frame.columns:
        fig.add_trace(
            go.Bar(
                x=frame[c.DATE],
                y=pd.to_numeric(frame[c.STRAIN], errors="coerce").astype("float64"),
                customdata=weekly_text,
                name="Strain",
                marker={"color": style.SKY_BLUE, "opacity": FORM_OPACITY},
                hovertemplate=(
                    f"Strain: %{{y:.0f}}{unit} (weekly load %{{customdata}} × monotony)"
                    "<extra></extra>"
                ),
            ),
            secondary_y=True,
        )
    fig.add_trace(
        go.Scatter(
            x=frame[c.DATE],
            y=mono,
            customdata=np.array([LEVEL_WORDS[level] for level in levels], dtype=object),
            mode="lines+markers",
            name="Monotony",
            line={"color": style.BLACK, "width": 2},
            marker={"color": [LEVEL_COLOURS[level] for level in levels], "size": 6},
            connectgaps=False,
            hovertemplate="Monotony: %{y:.2f} (%{customdata})<extra></extra>",
        ),
        secondary_y=False,
    )
    finite = mono[np.isfinite(mono)]
    top = max(
        MONOTONY_AXIS_MIN_TOP, critical * 1.25, float(finite.max()) * 1.1 if finite.size else 0
    )
    style.add_hband(
        fig,
        warning,
        critical,
        style.CAUTION,
        f"warning {warning:g}-{critical:g}",
        label_position="inside left",
        secondary_y=False,
    )
    style.add_hband(
        fig,
        critical,
        top,
        style.DANGER,
        f"critical ≥ {critical:g}",
        label_position="inside left",
        secondary_y=False,
    )
    add_gap_bands(fig, gap_frame(frame, gaps))
    style.base_layout(fig, title=title, x_title="Date")
    fig.update_layout(hovermode="x unified", bargap=0.1)
    fig.update_xaxes(hoverformat="%a %d %b %Y")
    fig.update_yaxes(title_text="Monotony [ratio]", range=[0, top], secondary_y=False)
    fig.update_yaxes(
        title_text=f"Strain: {quantity} per week × monotony",
        rangemode="tozero",
        tickmode="auto",
        showgrid=False,
        secondary_y=True,
    )
    return fig
