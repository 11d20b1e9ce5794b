"""Shared look of every figure: palette, layout defaults, reference bands, pace ticks.

The palette is Okabe & Ito's eight colours, chosen so that no pair is confused under the common
forms of colour-vision deficiency; flagged values are never told apart by red/green alone (the
legend or the hover names them too).

References
----------
Okabe, M. & Ito, K. (2008). Color Universal Design (CUD): how to make figures and presentations
that are friendly to colorblind people. https://jfly.uni-koeln.de/color/
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from analysis.units import format_duration

# ---- palette (Okabe & Ito 2008) ---------------------------------------------------------------
BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"
GREY = "#999999"

PALETTE: tuple[str, ...] = (BLUE, ORANGE, BLUISH_GREEN, VERMILLION, SKY_BLUE, REDDISH_PURPLE)
"""Series colours in the order figures use them."""

PRIMARY = BLUE
SECONDARY = ORANGE
FLAGGED = VERMILLION
"""Colour of a value that breaks a limit (an over-ramp week, a risky ACWR)."""
GOOD = BLUISH_GREEN
CAUTION = ORANGE
DANGER = VERMILLION
MUTED = GREY

DARK_RED = "#8C1C00"
"""Vermillion darkened: the hottest zone of a model with many hard zones. Told apart from
vermillion by lightness, which survives every form of colour-vision deficiency."""

ZONE_ANCHORS: tuple[str, ...] = (BLUE, SKY_BLUE, BLUISH_GREEN, ORANGE, VERMILLION)
"""Heart-rate zones from cool (easy) to hot (hard)."""

EASY_ZONE_ANCHORS: tuple[str, ...] = (BLUE, SKY_BLUE, BLUISH_GREEN)
"""Cool colours the easy zones are drawn from, easiest first."""

HARD_ZONE_COLOURS: dict[int, tuple[str, ...]] = {
    1: (VERMILLION,),
    2: (ORANGE, VERMILLION),
    3: (YELLOW, ORANGE, VERMILLION),
}
"""Warm colours of the hard zones, by how many there are; more are sampled from
:data:`HARD_ZONE_ANCHORS`."""

HARD_ZONE_ANCHORS: tuple[str, ...] = (YELLOW, ORANGE, VERMILLION, DARK_RED)
"""Warm colours the hard zones are drawn from when there are more than three (Friel's Z3-Z5c)."""

BAND_OPACITY = 0.15
"""Opacity of shaded reference bands: visible behind the data, never hiding it."""

# ---- layout -----------------------------------------------------------------------------------
DEFAULT_HEIGHT = 360
"""Figure height [px]: readable on a laptop without scrolling past one chart."""

EMPTY_MESSAGE = "No data yet"

FONT_FAMILY = "Source Sans Pro, Helvetica, Arial, sans-serif"

# ---- reference values shown as bands ----------------------------------------------------------
CADENCE_BAND_SPM: tuple[float, float] = (170.0, 180.0)
"""The cadence band many coaches quote [steps/min]; shown for orientation, not as a target.

References
----------
Daniels, J. (2014). *Daniels' Running Formula* (3rd ed.). Human Kinetics. (Observed about
180 steps/min among elite runners at the 1984 Olympics.)
"""

PLAUSIBLE_PACE_S_PER_KM: tuple[float, float] = (120.0, 1200.0)
"""Paces outside 2:00-20:00 min/km [s/km] are GPS noise or standing still, not running; figures
leave them out so one bad value cannot squash the pace axis."""

ACWR_SWEET_SPOT: tuple[float, float] = (0.8, 1.3)
"""ACWR range with the lowest injury risk [ratio].

References
----------
Gabbett, T. J. (2016). The training-injury prevention paradox: should athletes be training smarter
and harder? *British Journal of Sports Medicine*, 50(5), 273-280.
"""
ACWR_DANGER = 1.5
"""Above this ACWR injury risk rises steeply (Gabbett 2016) [ratio]."""

EASY_TARGET_PCT = 80.0
"""Share of training time at low intensity in the polarised model [%].

References
----------
Seiler, S. (2010). What is best practice for training intensity and duration distribution in
endurance athletes? *International Journal of Sports Physiology and Performance*, 5(3), 276-291.
"""


TITLE_BAND_PX = 36
"""Height of the title's row at the top of a figure [px]; the legend starts below it."""

NO_TITLE_BAND_PX = 6
"""Space above a legend when the figure has no title [px]."""

TITLE_LINE_PX = 18
"""Height of each further line of a title (a ``<br><sup>`` subtitle) [px]."""

LEGEND_FONT_SIZE = 12


def base_layout(
    fig: go.Figure,
    *,
    title: str | None,
    x_title: str | None = None,
    y_title: str | None = None,
    height: int = DEFAULT_HEIGHT,
) -> go.Figure:
    """Apply the house layout: white template, title row, legend under it, fixed height.

    The figure does not know how wide it will be drawn (a page stretches it from a 390 px phone
    to a 1400 px screen), so nothing is placed by a guessed width: the title sits in its own row
    at the top of the figure, the horizontal legend starts under that row and wraps into as many
    rows as the width needs, and both reserve their room in the top margin (plotly's automargin),
    so the plot moves down instead of the legend growing into the title. Titled axes reserve room
    for their tick labels and titles in the same way (:func:`fit_axes`), so no axis title is
    clipped on a phone.

    ``height`` must be the figure's final height: the legend's row is placed in pixels from the
    top, expressed as a fraction of it.
    """
    # plotly anchors a title of several lines by its last line, so each further line lifts the
    # first one out of the figure unless the title is padded down by as much
    extra = TITLE_LINE_PX * title.count("<br>") if title else 0
    top = TITLE_BAND_PX + extra if title else NO_TITLE_BAND_PX
    fig.update_layout(
        template="plotly_white",
        height=height,
        font={"family": FONT_FAMILY, "size": 13},
        margin={"l": 40, "r": 10, "t": top + 10, "b": 40, "autoexpand": True},
        legend={
            "orientation": "h",
            "xref": "container",
            "x": 0,
            "xanchor": "left",
            "yref": "container",
            "y": 1.0 - top / height,
            "yanchor": "top",
            "font": {"size": LEGEND_FONT_SIZE},
        },
        hoverlabel={"namelength": -1},
    )
    if title:
        fig.update_layout(
            title={
                "text": title,
                "xref": "container",
                "x": 0,
                "xanchor": "left",
                "yref": "container",
                "y": 1,
                "yanchor": "top",
                "pad": {"t": 10 + extra, "l": 8},
                "automargin": True,
                "font": {"size": 16},
            }
        )
    if x_title is not None:
        fig.update_xaxes(title_text=x_title)
    if y_title is not None:
        fig.update_yaxes(title_text=y_title)
    return fit_axes(fig)


def fit_axes(fig: go.Figure) -> go.Figure:
    """Let every titled axis push the margins out until its tick labels and title fit.

    Builders that title axes after :func:`base_layout` (subplots, the calendar) call this again
    at the end. Untitled axes keep the fixed margins, which leave room for tick labels.
    """
    for axis in (*fig.select_xaxes(), *fig.select_yaxes()):
        if axis.title.text:
            axis.automargin = True
    return fig


def empty_figure(
    message: str = EMPTY_MESSAGE, *, title: str | None = None, height: int = DEFAULT_HEIGHT
) -> go.Figure:
    """A blank figure that says why it is blank, so a page never shows an empty frame."""
    fig = go.Figure()
    base_layout(fig, title=title, height=height)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.add_annotation(
        text=message,
        xref="paper",
        yref="paper",
        x=0.5,
        y=0.5,
        showarrow=False,
        font={"size": 16, "color": MUTED},
    )
    return fig


def has_rows(frame: pd.DataFrame | None, *required: str) -> bool:
    """True when ``frame`` has at least one row with every ``required`` column present."""
    if frame is None or frame.empty:
        return False
    if not all(col in frame.columns for col in required):
        return False
    return bool(frame[list(required)].notna().all(axis=1).any())


def add_hband(
    fig: go.Figure,
    y0: float,
    y1: float,
    color: str,
    label: str | None = None,
    *,
    label_position: str = "top left",
    **kwargs: Any,
) -> None:
    """Shade a horizontal reference band behind the data, its label inside on the left."""
    fig.add_hrect(
        y0=y0,
        y1=y1,
        fillcolor=color,
        opacity=BAND_OPACITY,
        line_width=0,
        layer="below",
        **_band_label(label, label_position),
        **kwargs,
    )


def _band_label(label: str | None, position: str) -> dict[str, Any]:
    """A band's annotation arguments; none without a label (plotly.js writes "new text" on
    an annotation given a position but no text)."""
    if not label:
        return {}
    return {
        "annotation_text": label,
        "annotation_position": position,
        "annotation_font": {"size": 11, "color": MUTED},
    }


def add_vband(fig: go.Figure, x0: float, x1: float, color: str, label: str | None = None) -> None:
    """Shade a vertical reference band behind the data, labelled at the top."""
    fig.add_vrect(
        x0=x0,
        x1=x1,
        fillcolor=color,
        opacity=BAND_OPACITY,
        line_width=0,
        layer="below",
        **_band_label(label, "top left"),
    )


def _sample(anchors: tuple[str, ...], n: int) -> list[str]:
    """``n`` hex colours spread evenly over ``anchors`` (the anchors themselves when they fit)."""
    if n <= 0:
        return []
    if n == 1:
        return [anchors[0]]
    if n == len(anchors):
        return list(anchors)
    scale = [[i / (len(anchors) - 1), col] for i, col in enumerate(anchors)]
    sampled = sample_colorscale(scale, list(np.linspace(0.0, 1.0, n)), colortype="tuple")
    return [
        "#" + "".join(f"{round(channel * 255):02X}" for channel in colour) for colour in sampled
    ]


def zone_colors(n: int, *, easy: int | None = None) -> list[str]:
    """``n`` hex colours for zones from easiest to hardest.

    Parameters
    ----------
    n
        Number of zones.
    easy
        How many of them, from the first, count as easy. Those take cool colours
        (:data:`EASY_ZONE_ANCHORS`) and the rest warm ones (:data:`HARD_ZONE_COLOURS`), so a zone
        that counts as hard is never drawn blue or green, in any zone model. Without it the
        colours run from cool to hot by position (exactly :data:`ZONE_ANCHORS` when ``n`` is 5).
    """
    if n <= 0:
        return []
    if easy is None:
        return _sample(ZONE_ANCHORS, n)
    n_easy = min(max(int(easy), 0), n)
    n_hard = n - n_easy
    cool = _sample(EASY_ZONE_ANCHORS, n_easy)
    warm = list(HARD_ZONE_COLOURS.get(n_hard, ())) or _sample(HARD_ZONE_ANCHORS, n_hard)
    return cool + warm


format_mss = format_duration
"""Seconds as ``m:ss`` (``h:mm:ss`` from an hour); an em dash when unknown."""


def format_hmm(seconds: float) -> str:
    """Seconds as ``h:mm`` (hours and minutes), for time totals; an em dash when unknown."""
    if seconds is None or not math.isfinite(seconds):
        return "—"
    minutes = round(seconds / 60.0)
    return f"{minutes // 60}:{minutes % 60:02d}"


_PACE_STEPS_S = (5, 10, 15, 20, 30, 60, 120, 300, 600)


def pace_ticks(lo_s: float, hi_s: float, max_ticks: int = 7) -> tuple[list[float], list[str]]:
    """Tick positions [s per unit] and their ``m:ss`` labels spanning ``lo_s``..``hi_s``."""
    if not (math.isfinite(lo_s) and math.isfinite(hi_s)) or hi_s < lo_s:
        return [], []
    span = max(hi_s - lo_s, 1.0)
    step = next((s for s in _PACE_STEPS_S if span / s <= max_ticks), _PACE_STEPS_S[-1])
    first = math.floor(lo_s / step) * step
    last = math.ceil(hi_s / step) * step
    values = [float(v) for v in np.arange(first, last + step / 2, step)]
    return values, [format_mss(v) for v in values]


def format_pct(value: float | None, *, signed: bool = True) -> str:
    """A percentage such as ``+12.5 %``; an em dash when unknown."""
    if value is None or not math.isfinite(value):
        return "—"
    return f"{value:+.1f} %" if signed else f"{value:.1f} %"


# ---- load labels (appended) -------------------------------------------------------------------


def label_unit(label: str, default: str = "") -> str:
    """The unit inside the last brackets of a label ("distance [km], running only" -> "km")."""
    close = label.rfind("]")
    start = label.rfind("[", 0, close) if close >= 0 else -1
    return label[start + 1 : close] if start >= 0 else default


def label_quantity(label: str) -> str:
    """A label up to its first comma ("distance [km], running only" -> "distance [km]")."""
    return label.split(",", 1)[0].strip()


def week_bar_width_ms(fraction: float = 0.8) -> float:
    """Width of a bar on a date axis [ms] covering ``fraction`` of a week."""
    return 7 * 24 * 3600 * 1000 * fraction


# ---- points sent to the browser -------------------------------------------------------------------

LINE_POINTS = 2000
"""Most points a long line (a run's traces, a route) sends to the browser: a chart is at most
about 1,400 px wide, so more points than this draw the same pixels, while every point is bytes
the browser receives, decodes and lays out."""


def envelope_rows(
    columns: list[np.ndarray], segment: np.ndarray | None = None, max_points: int = LINE_POINTS
) -> np.ndarray:
    """Row positions that draw long lines with at most ``max_points`` points, keeping their shape.

    The rows are cut into buckets of consecutive rows, never across a ``segment`` boundary (a
    pause, where the line breaks). Each bucket keeps its first and its last row and, for every
    column, the row of its minimum and of its maximum (the first such row; NaN is skipped), so
    every peak and trough of every column is drawn, each segment starts and ends where it did,
    and the lines keep their envelope at the bucket's resolution (min/max decimation). A series
    that already fits keeps every row.

    Parameters
    ----------
    columns
        The values of each line [any unit], all of the same length; they share the rows kept
        (one x axis).
    segment
        A label per row, non-decreasing; a change starts a new segment. None: one segment.
    max_points
        Most rows returned; at least ``4 + 4 * len(columns)``.

    Returns
    -------
    numpy.ndarray
        Sorted, unique row positions (``int64``).
    """
    n = len(columns[0]) if columns else (0 if segment is None else len(segment))
    if n <= max_points:
        return np.arange(n, dtype=np.int64)
    per_bucket = 2 + 2 * len(columns)  # first, last, and a min and a max of each column
    # segments cut buckets short: leave room for one extra bucket per segment; with more
    # segments than that leaves room for, buckets run across them (the limit holds, and the
    # envelope too, though a segment's own ends may then fall between two rows kept)
    segments = 1 if segment is None else int(np.count_nonzero(np.diff(segment))) + 1
    if 2 * segments > max_points // per_bucket:
        segment, segments = None, 1
    buckets = max(1, max_points // per_bucket - segments)
    size = math.ceil(n / buckets)
    rows = np.arange(n, dtype=np.int64)
    key = rows // size
    if segment is not None:
        # a new bucket wherever either the bucket or the segment changes
        change = np.ones(n, dtype=bool)
        change[1:] = (np.diff(key) != 0) | (np.diff(segment) != 0)
        key = np.cumsum(change) - 1
    starts = np.flatnonzero(np.r_[True, np.diff(key) != 0])
    ends = np.r_[starts[1:] - 1, n - 1]
    keep = [starts, ends]
    for col in columns:
        values = pd.Series(np.asarray(col, dtype="float64"))
        present = values.notna()
        if not present.any():
            continue
        # NaN filled with the far end, so it is never a bucket's min or max; a bucket without
        # any value keeps only its first and last row
        usable = present.groupby(key).any().to_numpy()
        low = values.fillna(np.inf).groupby(key).idxmin().to_numpy(dtype=np.int64)
        high = values.fillna(-np.inf).groupby(key).idxmax().to_numpy(dtype=np.int64)
        keep += [low[usable], high[usable]]
    return np.unique(np.concatenate(keep))
