"""Figures of one activity: the route on a map and its channels over time or distance.

Both take the tidy per-sample frame (:data:`analysis.columns.SAMPLE_COLUMNS`, SI units).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analysis import columns as c
from analysis.figures import style
from analysis.units import (
    UNIT_KM,
    distance_factor,
    distance_label,
    elevation_factor,
    elevation_label,
    pace_factor,
    pace_label,
)

MAX_POINTS = 5000
"""Most points drawn per trace: a long 1 Hz run has tens of thousands of samples, which the
browser draws slowly and the eye cannot tell apart at chart width."""

PACE_SMOOTHING_S = 15.0
"""Window of the trailing mean applied to speed before it becomes pace [s]: raw GPS speed jumps
by a minute per km from one second to the next."""

ROUTE_POINTS = 1000
"""Most GPS fixes a route map draws: its line is a few hundred pixels across."""

MAP_HEIGHT = 420
"""Map height [px]: a little taller than a chart, so a loop shows its shape."""

MAP_TOP_PX = 90
"""Figure height above the map [px]: title and up to two legend rows."""

ASSUMED_MAP_WIDTH_PX = 340
"""The width the zoom is fitted to [px]. A figure does not know the width it is drawn at: a page
stretches it over its column, from about 358 px on a 390 px phone to 1400 px. Fitting the
narrowest keeps the whole route in view everywhere; a wide screen shows more map around it."""
_TILE_PX = 512
"""MapLibre renders the world at zoom 0 as one 512 px tile."""
_MAX_ZOOM = 16.0
_ZOOM_MARGIN = 0.3
"""Zoom levels backed out from a tight fit: the track then fills about 2**-0.3 = 81 % of the view."""

NO_GPS_MESSAGE = "No GPS track in this activity"

ELAPSED_AXIS_LIMIT_S = 24 * 3600.0
"""Below a day, elapsed time is drawn on a clock-like h:mm:ss axis; beyond it, in hours."""


def _stride(n: int) -> int:
    return max(1, math.ceil(n / MAX_POINTS))


def _mercator_y(lat_deg: float) -> float:
    lat = math.radians(max(min(lat_deg, 85.0), -85.0))
    return math.log(math.tan(math.pi / 4 + lat / 2))


def map_view(
    lat: np.ndarray,
    lon: np.ndarray,
    height_px: int = MAP_HEIGHT,
    width_px: int = ASSUMED_MAP_WIDTH_PX,
) -> tuple[dict[str, float], float]:
    """Centre and zoom that fit a track's bounds in the map, with a margin.

    Plotly's ``fitbounds`` exists for geo maps only, not for the tile map, so the zoom is
    computed here from the web-mercator extent of the track.

    Parameters
    ----------
    lat, lon
        Track coordinates [degrees, WGS84]; no NaN.
    height_px
        Height of the map area [px].
    width_px
        Width to fit [px]: the narrowest the map is drawn at.

    Returns
    -------
    centre, zoom
        ``{"lat": ..., "lon": ...}`` [degrees] and the web-mercator zoom level.
    """
    lat_min, lat_max = float(np.min(lat)), float(np.max(lat))
    lon_min, lon_max = float(np.min(lon)), float(np.max(lon))
    centre = {"lat": (lat_min + lat_max) / 2, "lon": (lon_min + lon_max) / 2}
    lon_frac = (lon_max - lon_min) / 360.0
    lat_frac = (_mercator_y(lat_max) - _mercator_y(lat_min)) / (2 * math.pi)
    zooms = [_MAX_ZOOM + _ZOOM_MARGIN]
    if lon_frac > 0:
        zooms.append(math.log2(width_px / _TILE_PX / lon_frac))
    if lat_frac > 0:
        zooms.append(math.log2(height_px / _TILE_PX / lat_frac))
    zoom = min(zooms) - _ZOOM_MARGIN
    return centre, float(min(max(zoom, 0.0), _MAX_ZOOM))


def route_map_figure(samples: pd.DataFrame, *, unit: str = UNIT_KM) -> go.Figure:
    """The GPS track on an OpenStreetMap base map, centred and zoomed to fit.

    Parameters
    ----------
    samples
        Tidy per-sample frame; ``latitude_deg`` / ``longitude_deg`` [degrees] are NaN where the
        recorder had no fix.
    unit
        Display unit of the distance in the hover, ``"km"`` or ``"mi"``.

    Returns
    -------
    plotly.graph_objects.Figure
        A ``go.Scattermap`` line with start and finish markers; a note when there is no GPS.
    """
    title = "Route"
    if samples is None or samples.empty:
        return style.empty_figure(title=title, height=MAP_HEIGHT)
    if not style.has_rows(samples, c.LATITUDE_DEG, c.LONGITUDE_DEG):
        return style.empty_figure(NO_GPS_MESSAGE, title=title, height=MAP_HEIGHT)
    track = samples.dropna(subset=[c.LATITUDE_DEG, c.LONGITUDE_DEG])
    # at most ROUTE_POINTS fixes, the track's extremes (north, south, east, west of each
    # stretch), start and finish kept: a map line of every second is bytes, not pixels; the
    # hover texts are made for the fixes kept only
    fixes = [track[col].to_numpy(dtype="float64") for col in (c.LATITUDE_DEG, c.LONGITUDE_DEG)]
    track = track.iloc[style.envelope_rows(fixes, max_points=ROUTE_POINTS)]
    lat = track[c.LATITUDE_DEG].to_numpy(dtype="float64")
    lon = track[c.LONGITUDE_DEG].to_numpy(dtype="float64")
    label = distance_label(unit)
    dist = track[c.DISTANCE_M].to_numpy(dtype="float64") / 1000.0 * distance_factor(unit)
    elapsed = track[c.ELAPSED_S].to_numpy(dtype="float64")
    custom = np.column_stack(
        [
            [f"{d:.2f} {label}" if np.isfinite(d) else "—" for d in dist],
            [style.format_mss(t) for t in elapsed],
        ]
    )
    hover = "%{customdata[0]} · %{customdata[1]}<br>%{lat:.5f}, %{lon:.5f}<extra></extra>"
    fig = go.Figure()
    fig.add_trace(
        go.Scattermap(
            lat=lat,
            lon=lon,
            customdata=custom,
            mode="lines",
            name="Route",
            line={"color": style.PRIMARY, "width": 4},
            hovertemplate=hover,
        )
    )
    for index, name, colour in ((0, "Start", style.GOOD), (-1, "Finish", style.FLAGGED)):
        fig.add_trace(
            go.Scattermap(
                lat=[lat[index]],
                lon=[lon[index]],
                customdata=[custom[index]],
                mode="markers",
                name=name,
                marker={"size": 12, "color": colour},
                hovertemplate=f"{name}<br>{hover}",
            )
        )
    # the title and the legend's row (or two, on a phone) take the top of the figure
    centre, zoom = map_view(lat, lon, height_px=MAP_HEIGHT - MAP_TOP_PX)
    style.base_layout(fig, title=title, height=MAP_HEIGHT)
    fig.update_layout(
        map={"style": "open-street-map", "center": centre, "zoom": zoom},
        margin={"l": 0, "r": 0, "b": 0},
    )
    return fig


@dataclass(frozen=True)
class _Channel:
    name: str
    values: np.ndarray
    axis_title: str
    hover: str
    colour: str
    is_pace: bool = False


def _pace_s_per_unit(frame: pd.DataFrame, unit: str) -> np.ndarray:
    """Smoothed pace [s per display unit], NaN where the runner is not plausibly running."""
    speed = pd.Series(
        frame[c.SPEED_MPS].to_numpy(dtype="float64"),
        index=pd.to_timedelta(frame[c.ELAPSED_S].to_numpy(dtype="float64"), unit="s"),
    )
    smooth = speed.rolling(pd.Timedelta(seconds=PACE_SMOOTHING_S), min_periods=1).mean()
    with np.errstate(divide="ignore", invalid="ignore"):
        pace_km = 1000.0 / smooth.to_numpy(dtype="float64")
    lo, hi = style.PLAUSIBLE_PACE_S_PER_KM
    pace_km[~((pace_km >= lo) & (pace_km <= hi))] = np.nan
    return np.asarray(pace_km * pace_factor(unit), dtype="float64")


def _channels(frame: pd.DataFrame, unit: str) -> list[_Channel]:
    """The channels this activity recorded, in display order (pace first); elevation in the
    unit that goes with ``unit`` (feet with miles)."""
    out: list[_Channel] = []
    plabel = pace_label(unit)
    elabel = elevation_label(unit)
    if frame[c.SPEED_MPS].notna().any():
        pace = _pace_s_per_unit(frame, unit)
        if np.isfinite(pace).any():
            out.append(
                _Channel(
                    "Pace",
                    pace,
                    f"Pace [{plabel}]",
                    f"%{{customdata}} {plabel}",
                    style.BLUE,
                    is_pace=True,
                )
            )
    for column, name, title, hover, colour, factor in (
        (c.HEART_RATE_BPM, "Heart rate", "HR [bpm]", "%{y:.0f} bpm", style.VERMILLION, 1.0),
        (c.CADENCE_SPM, "Cadence", "Cadence [spm]", "%{y:.0f} spm", style.BLUISH_GREEN, 1.0),
        (
            c.ALTITUDE_M,
            "Elevation",
            f"Elevation [{elabel}]",
            f"%{{y:.0f}} {elabel}",
            style.GREY,
            elevation_factor(unit),
        ),
        (c.POWER_W, "Power", "Power [W]", "%{y:.0f} W", style.REDDISH_PURPLE, 1.0),
    ):
        if frame[column].notna().any():
            values = frame[column].to_numpy(dtype="float64") * factor
            out.append(_Channel(name, values, title, hover, colour))
    return out


def activity_traces_figure(samples: pd.DataFrame, unit: str, *, x_axis: str = "time") -> go.Figure:
    """Stacked charts of one activity's channels sharing one x axis.

    Parameters
    ----------
    samples
        Tidy per-sample frame.
    unit
        Display unit, ``"km"`` or ``"mi"``: pace in min/km or min/mi, distance axis in km or mi.
    x_axis
        ``"time"`` (elapsed time, h:mm:ss) or ``"distance"``; distance falls back to time when the
        activity has no distance.

    Returns
    -------
    plotly.graph_objects.Figure
        One row per recorded channel: pace (smoothed over :data:`PACE_SMOOTHING_S`, implausible
        paces left out, axis inverted so faster is up, ``m:ss`` ticks), heart rate [bpm],
        cadence [spm], elevation [m, or ft with miles], power [W].
    """
    title = "Activity"
    if samples is None or samples.empty or c.ELAPSED_S not in samples.columns:
        return style.empty_figure(title=title)
    frame = samples.dropna(subset=[c.ELAPSED_S]).reset_index(drop=True)
    channels = _channels(frame, unit) if not frame.empty else []
    if not channels:
        return style.empty_figure(title=title)

    step = _stride(len(frame))
    rows = np.arange(0, len(frame), step)
    elapsed = frame[c.ELAPSED_S].to_numpy(dtype="float64")[rows]
    dist_unit = frame[c.DISTANCE_M].to_numpy(dtype="float64")[rows] / 1000.0
    dist_unit = dist_unit * distance_factor(unit)
    by_distance = x_axis == "distance" and bool(np.isfinite(dist_unit).any())
    dlabel = distance_label(unit)
    if by_distance:
        x: np.ndarray | pd.DatetimeIndex = dist_unit
        x_title = f"Distance [{dlabel}]"
        x_format = {"hoverformat": ".2f"}
    elif elapsed[-1] < ELAPSED_AXIS_LIMIT_S:
        # a clock-like axis gives h:mm:ss ticks; the date part is never shown
        x = pd.Timestamp(0) + pd.to_timedelta(elapsed, unit="s")
        x_title = "Elapsed time [h:mm:ss]"
        x_format = {"tickformat": "%-H:%M:%S", "hoverformat": "%-H:%M:%S"}
    else:
        x = elapsed / 3600.0
        x_title = "Elapsed time [h]"
        x_format = {"hoverformat": ".2f"}

    n = len(channels)
    fig = make_subplots(rows=n, cols=1, shared_xaxes=True, vertical_spacing=0.04)
    for i, channel in enumerate(channels, start=1):
        values = channel.values[rows]
        trace = go.Scatter(
            x=x,
            y=values,
            mode="lines",
            name=channel.name,
            line={"color": channel.colour, "width": 1.5},
            hovertemplate=f"{channel.hover}<extra>{channel.name}</extra>",
            connectgaps=False,
        )
        if channel.is_pace and np.isfinite(values).any():
            trace.customdata = np.array([style.format_mss(v) for v in values], dtype=object)
            finite = values[np.isfinite(values)]
            tickvals, ticktext = style.pace_ticks(float(finite.min()), float(finite.max()))
            fig.update_yaxes(
                autorange="reversed", tickvals=tickvals, ticktext=ticktext, row=i, col=1
            )
        fig.add_trace(trace, row=i, col=1)
        fig.update_yaxes(title_text=channel.axis_title, row=i, col=1)
    fig.update_xaxes(**x_format)
    fig.update_xaxes(title_text=x_title, row=n, col=1)
    height = max(style.DEFAULT_HEIGHT, 140 * n + 110)
    style.base_layout(fig, title=title, height=height)
    fig.update_layout(hovermode="x unified", showlegend=n > 1)
    return style.fit_axes(fig)
