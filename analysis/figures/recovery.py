"""Recovery figures: resting HR, HRV and sleep against the athlete's own baselines, and the
subjective ratings of the wellness log.

The builders take the output of :func:`analysis.metrics.recovery.baselines` (or the wellness log
itself for the ratings) and draw what it computed; the thresholds they mark are the ones the
decision rules use (:mod:`analysis.metrics.recovery`).

References
----------
Plews DJ, Laursen PB, Stanley J, Kilding AE, Buchheit M. Training adaptation and heart rate
variability in elite endurance athletes: opening the door to effective monitoring.
*Sports Med* 2013;43(9):773–781 (the 7-day ln rMSSD mean against baseline ± 0.5 SD).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analysis import columns as c
from analysis.figures import style
from analysis.metrics.recovery import (
    HIGH_RATING,
    HRV_ABOVE,
    HRV_BELOW,
    HRV_WITHIN,
    LONG_DAYS,
    RHR_BACK_OFF_BPM,
    RHR_HOLD_BPM,
    SHORT_DAYS,
    SHORT_SLEEP_H,
    SWC_FACTOR,
)

TRENDS_HEIGHT = 760
"""Three stacked panels of about 220 px each, plus title and legend [px]."""

RATING_RANGE: tuple[float, float] = (0.5, 5.5)
"""The 1-5 rating axis with half a step of room at each end [rating]."""

_TOLERANCE = 1e-9
"""As in the decision rules: a delta equal to its threshold from float arithmetic counts."""

HRV_STATUS_COLOURS: dict[str, str] = {
    HRV_BELOW: style.FLAGGED,
    HRV_WITHIN: style.BLUE,
    HRV_ABOVE: style.BLUE,
}
"""Marker colour of the 7-day HRV mean by its status; unknown status is grey."""

HRV_STATUS_WORDS: dict[str, str] = {
    HRV_BELOW: "below the usual band",
    HRV_WITHIN: "within the usual band",
    HRV_ABOVE: "above the usual band",
}

RATINGS: tuple[tuple[str, str, str, str], ...] = (
    (c.SORENESS, "Soreness", style.VERMILLION, "solid"),
    (c.FATIGUE, "Fatigue", style.ORANGE, "solid"),
    (c.STRESS, "Stress", style.REDDISH_PURPLE, "solid"),
    (c.MOOD, "Mood", style.BLUISH_GREEN, "dash"),
)
"""Column, name, colour and dash of each rating; mood, the one where higher is better, dashed."""

_HIGHER_IS_BETTER = {c.MOOD}


def _values(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype="float64")


def _rgba(hex_colour: str, alpha: float) -> str:
    """``#RRGGBB`` as ``rgba(r, g, b, alpha)``: a band fill that lets the points show through."""
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red}, {green}, {blue}, {alpha})"


def _rhr_flags(delta: np.ndarray, hold_bpm: float, back_off_bpm: float) -> list[str]:
    words = []
    for value in delta:
        if not np.isfinite(value):
            words.append("no baseline yet")
        elif value >= back_off_bpm - _TOLERANCE:
            words.append(f"{value:+.1f} bpm vs baseline: ≥ +{back_off_bpm:g}, back off")
        elif value >= hold_bpm - _TOLERANCE:
            words.append(f"{value:+.1f} bpm vs baseline: ≥ +{hold_bpm:g}, hold")
        else:
            words.append(f"{value:+.1f} bpm vs baseline")
    return words


def _rhr_colours(delta: np.ndarray, hold_bpm: float, back_off_bpm: float) -> list[str]:
    return [
        style.DANGER
        if np.isfinite(v) and v >= back_off_bpm - _TOLERANCE
        else style.CAUTION
        if np.isfinite(v) and v >= hold_bpm - _TOLERANCE
        else style.BLACK
        for v in delta
    ]


def _no_values(fig: go.Figure, row: int, message: str) -> None:
    """Say in a panel that it has nothing to show, rather than leave a silent blank."""
    axis = "" if row == 1 else str(row)
    fig.add_annotation(
        text=message,
        xref=f"x{axis} domain",
        yref=f"y{axis} domain",
        x=0.5,
        y=0.5,
        showarrow=False,
        font={"size": 13, "color": style.MUTED},
    )


def recovery_trends_figure(
    baselines_frame: pd.DataFrame,
    *,
    rhr_hold_bpm: float = RHR_HOLD_BPM,
    rhr_back_off_bpm: float = RHR_BACK_OFF_BPM,
    short_sleep_h: float = SHORT_SLEEP_H,
    swc_factor: float = SWC_FACTOR,
    short_days: int = SHORT_DAYS,
    long_days: int = LONG_DAYS,
) -> go.Figure:
    """Resting HR, HRV and sleep in three panels over one shared date axis.

    - Resting HR: the morning values as points (orange from ``rhr_hold_bpm`` and vermillion
      from ``rhr_back_off_bpm`` above the baseline), the short-window mean (7 days), the
      baseline (mean of the 28 days before each day) and dotted lines at baseline +
      ``rhr_hold_bpm`` and + ``rhr_back_off_bpm`` (the guidance's 5–10 bpm warning).
    - HRV: rMSSD as points, the short-window mean (e^(mean ln rMSSD); vermillion markers
      where it is below the band) and the usual band, e^(baseline ± ``swc_factor`` × SD of
      ln rMSSD), shaded.
    - Sleep: hours per night as bars, nights under ``short_sleep_h`` in orange, with a dashed
      line at ``short_sleep_h``.

    A panel without any value says so.

    Parameters
    ----------
    baselines_frame
        From :func:`analysis.metrics.recovery.baselines`: ``date``, ``resting_hr_bpm``,
        ``rhr_short_mean_bpm``, ``rhr_long_mean_bpm``, ``rhr_delta_bpm`` [bpm],
        ``hrv_rmssd_ms``, ``hrv_short_mean_ms``, ``hrv_band_low_ms``, ``hrv_band_high_ms``
        [ms], ``hrv_status`` and ``sleep_h`` [h].
    rhr_hold_bpm, rhr_back_off_bpm
        Resting HR above baseline that the rules read as hold and back-off [bpm].
    short_sleep_h
        Sleep under this is short [h].
    swc_factor, short_days, long_days
        The band's half-width in SDs of ln rMSSD and the short and long windows [days], as
        given to ``baselines``: they name the traces, the values come from the frame.

    Returns
    -------
    plotly.graph_objects.Figure
        Rows 1-3 share the x axis; an annotated blank figure when nothing was logged.

    References
    ----------
    Plews DJ, Laursen PB, Stanley J, Kilding AE, Buchheit M. Training adaptation and heart rate
    variability in elite endurance athletes: opening the door to effective monitoring.
    *Sports Med* 2013;43(9):773–781.
    """
    title = "Resting HR, HRV and sleep"
    measured = (c.RESTING_HR_BPM, c.HRV_RMSSD_MS, c.SLEEP_H)
    if not any(style.has_rows(baselines_frame, c.DATE, column) for column in measured):
        return style.empty_figure(
            f"{style.EMPTY_MESSAGE}: log resting HR, HRV or sleep", title=title
        )
    frame = baselines_frame.dropna(subset=[c.DATE]).sort_values(c.DATE)
    dates = pd.to_datetime(frame[c.DATE])
    fig = make_subplots(
        rows=3,
        cols=1,
        shared_xaxes=True,
        # the axis titles name the panels: titles above the panels would sit under the legend
        vertical_spacing=0.05,
    )
    day = "%{x|%a %d %b %Y}<br>"

    # ---- resting HR
    rhr = _values(frame, c.RESTING_HR_BPM)
    baseline = _values(frame, c.RHR_LONG_MEAN_BPM)
    delta = _values(frame, c.RHR_DELTA_BPM)
    if np.isfinite(rhr).any():
        fig.add_trace(
            go.Scatter(
                x=dates,
                y=rhr,
                customdata=np.array(
                    _rhr_flags(delta, rhr_hold_bpm, rhr_back_off_bpm), dtype=object
                ),
                mode="markers",
                name="Resting HR",
                marker={"color": _rhr_colours(delta, rhr_hold_bpm, rhr_back_off_bpm), "size": 7},
                hovertemplate=day + "Resting HR: %{y:.0f} bpm (%{customdata})<extra></extra>",
            ),
            row=1,
            col=1,
        )
        for y, name, colour, dash, width in (
            (
                _values(frame, c.RHR_SHORT_MEAN_BPM),
                f"RHR {short_days}-day mean",
                style.BLUE,
                "solid",
                2.0,
            ),
            (baseline, f"RHR baseline ({long_days} days before)", style.MUTED, "dash", 2.0),
            (baseline + rhr_hold_bpm, f"Baseline +{rhr_hold_bpm:g} bpm", style.CAUTION, "dot", 1.5),
            (
                baseline + rhr_back_off_bpm,
                f"Baseline +{rhr_back_off_bpm:g} bpm",
                style.DANGER,
                "dot",
                1.5,
            ),
        ):
            fig.add_trace(
                go.Scatter(
                    x=dates,
                    y=y,
                    mode="lines",
                    name=name,
                    line={"color": colour, "dash": dash, "width": width},
                    connectgaps=False,
                    hovertemplate=day + f"{name}: %{{y:.1f}} bpm<extra></extra>",
                ),
                row=1,
                col=1,
            )
    else:
        _no_values(fig, 1, "No resting HR logged")

    # ---- HRV
    rmssd = _values(frame, c.HRV_RMSSD_MS)
    if np.isfinite(rmssd).any():
        low = _values(frame, c.HRV_BAND_LOW_MS)
        high = _values(frame, c.HRV_BAND_HIGH_MS)
        band_name = f"HRV usual band (baseline ± {swc_factor:g} SD of ln rMSSD)"
        # the band is two traces: the low edge, then the high edge filled down to it
        fig.add_trace(
            go.Scatter(
                x=dates,
                y=low,
                mode="lines",
                name="HRV usual band, low edge",
                legendgroup="hrv-band",
                showlegend=False,
                line={"color": style.BLUISH_GREEN, "width": 0},
                connectgaps=False,
                hovertemplate=day + "Usual band from %{y:.0f} ms<extra></extra>",
            ),
            row=2,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                x=dates,
                y=high,
                mode="lines",
                name=band_name,
                legendgroup="hrv-band",
                fill="tonexty",
                fillcolor=_rgba(style.BLUISH_GREEN, 0.2),
                line={"color": style.BLUISH_GREEN, "width": 0},
                connectgaps=False,
                hovertemplate=day + "Usual band up to %{y:.0f} ms<extra></extra>",
            ),
            row=2,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                x=dates,
                y=rmssd,
                mode="markers",
                name="rMSSD",
                marker={"color": style.BLACK, "size": 7},
                hovertemplate=day + "rMSSD: %{y:.0f} ms<extra></extra>",
            ),
            row=2,
            col=1,
        )
        statuses = (
            list(frame[c.HRV_STATUS]) if c.HRV_STATUS in frame.columns else [None] * len(frame)
        )
        words = [HRV_STATUS_WORDS.get(str(s), "status not known yet") for s in statuses]
        fig.add_trace(
            go.Scatter(
                x=dates,
                y=_values(frame, c.HRV_SHORT_MEAN_MS),
                customdata=np.array(words, dtype=object),
                mode="lines+markers",
                name=f"rMSSD {short_days}-day mean",
                line={"color": style.BLUE, "width": 2},
                marker={
                    "color": [HRV_STATUS_COLOURS.get(str(s), style.MUTED) for s in statuses],
                    "size": 6,
                },
                connectgaps=False,
                hovertemplate=day
                + f"{short_days}-day mean: %{{y:.0f}} ms (%{{customdata}})<extra></extra>",
            ),
            row=2,
            col=1,
        )
    else:
        _no_values(fig, 2, "No HRV logged")

    # ---- sleep
    sleep = _values(frame, c.SLEEP_H)
    if np.isfinite(sleep).any():
        short = sleep < short_sleep_h - _TOLERANCE
        fig.add_trace(
            go.Bar(
                x=dates,
                y=sleep,
                customdata=np.array(
                    [f"under {short_sleep_h:g} h" if s else "" for s in short], dtype=object
                ),
                name="Sleep",
                marker={"color": [style.CAUTION if s else style.SKY_BLUE for s in short]},
                hovertemplate=day + "Sleep: %{y:.1f} h %{customdata}<extra></extra>",
            ),
            row=3,
            col=1,
        )
        fig.add_hline(
            y=short_sleep_h,
            line={"color": style.CAUTION, "dash": "dash", "width": 1.5},
            annotation_text=f"{short_sleep_h:g} h",
            annotation_position="top left",
            annotation_font={"size": 11, "color": style.MUTED},
            row=3,
            col=1,
        )
    else:
        _no_values(fig, 3, "No sleep logged")

    style.base_layout(fig, title=title, height=TRENDS_HEIGHT)
    # the legend (two rows on a laptop, up to nine on a phone) reserves its own room on top
    fig.update_layout(bargap=0.2, hovermode="closest")
    fig.update_yaxes(title_text="Resting HR [bpm]", row=1, col=1)
    fig.update_yaxes(title_text="rMSSD [ms]", row=2, col=1)
    fig.update_yaxes(title_text="Sleep [h]", rangemode="tozero", row=3, col=1)
    fig.update_xaxes(title_text="Date", row=3, col=1)
    return style.fit_axes(fig)


SUBJECTIVE_HEIGHT = 480
"""Two rating panels of about 150 px each, plus title, legend and date axis [px]."""


def subjective_figure(wellness: pd.DataFrame) -> go.Figure:
    """Soreness, fatigue and stress (higher is worse) over mood (higher is better), over time.

    Ratings run 1-5. The two directions get a panel each, so mood, where high is good, is never
    drawn inside the shaded band that marks high soreness or fatigue as a reason to hold (from
    ``HIGH_RATING``, 4, up). Mood is dashed as well, for print in grey.

    Parameters
    ----------
    wellness
        The wellness log, or :func:`analysis.metrics.recovery.baselines` of it: ``date`` and
        any of ``soreness``, ``fatigue``, ``stress`` and ``mood`` [rating 1-5].

    Returns
    -------
    plotly.graph_objects.Figure
        One line per rating logged, in one panel per direction logged (the first, with the
        band, on ``yaxis``); an annotated blank figure when none was.
    """
    title = "How the athlete feels"
    ratings = [r for r in RATINGS if style.has_rows(wellness, c.DATE, r[0])]
    if not ratings:
        return style.empty_figure(
            f"{style.EMPTY_MESSAGE}: log soreness, fatigue, stress or mood", title=title
        )
    worse = [r for r in ratings if r[0] not in _HIGHER_IS_BETTER]
    better = [r for r in ratings if r[0] in _HIGHER_IS_BETTER]
    # the axis titles say which way is good: panel titles would sit under the legend
    panels = [
        (group, axis_title)
        for group, axis_title in ((worse, "Rating [1-5]"), (better, "Mood [1-5], high = good"))
        if group
    ]
    frame = wellness.dropna(subset=[c.DATE]).sort_values(c.DATE)
    dates = pd.to_datetime(frame[c.DATE])
    fig = make_subplots(
        rows=len(panels),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.08,
    )
    for row, (group, axis_title) in enumerate(panels, start=1):
        for column, name, colour, dash in group:
            scale = "5 = very good" if column in _HIGHER_IS_BETTER else "5 = very high"
            fig.add_trace(
                go.Scatter(
                    x=dates,
                    y=_values(frame, column),
                    mode="lines+markers",
                    name=f"{name} ({scale})",
                    line={"color": colour, "dash": dash, "width": 2},
                    marker={"size": 6},
                    connectgaps=False,
                    hovertemplate=f"{name}: %{{y:.0f}} of 5 ({scale})<extra></extra>",
                ),
                row=row,
                col=1,
            )
        fig.update_yaxes(
            title_text=axis_title,
            range=list(RATING_RANGE),
            tickvals=[1, 2, 3, 4, 5],
            row=row,
            col=1,
        )
        if group is worse:
            style.add_hband(
                fig,
                HIGH_RATING,
                RATING_RANGE[1],
                style.CAUTION,
                f"soreness or fatigue ≥ {HIGH_RATING:g}: hold",
                label_position="inside top left",
                row=row,
                col=1,
            )
    height = SUBJECTIVE_HEIGHT if len(panels) > 1 else style.DEFAULT_HEIGHT
    style.base_layout(fig, title=title, height=height)
    fig.update_layout(hovermode="x unified")
    fig.update_xaxes(hoverformat="%a %d %b %Y")
    fig.update_xaxes(title_text="Date", row=len(panels), col=1)
    return style.fit_axes(fig)
