"""The per-sample rules that need NumPy alone: plausible ranges, sample durations, track distance,
gap filling and the names of UTC offsets.

:mod:`analysis.schema` builds the tidy frames with them, and ``stridelog parse`` summarises FIT
files with them straight from the decoder's arrays, without importing pandas: one definition
for both.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from analysis import columns as c

PAUSE_GAP_S = 30.0
"""A gap between samples longer than this is a pause: the sample before it stands for one typical
sampling interval, not for the whole gap (recorders stop writing while the timer is stopped)."""

MOVING_SPEED_MPS = 0.5
"""Below this speed a sample counts as standing still (1.8 km/h; slower than any walk)."""

PLAUSIBLE: dict[str, tuple[float, float]] = {
    c.HEART_RATE_BPM: (25.0, 250.0),
    c.CADENCE_SPM: (1.0, 300.0),
    c.SPEED_MPS: (0.0, 100.0),
    c.ALTITUDE_M: (-500.0, 9000.0),
    c.LATITUDE_DEG: (-90.0, 90.0),
    c.LONGITUDE_DEG: (-180.0, 180.0),
    c.POWER_W: (0.0, 3000.0),
    c.DISTANCE_M: (0.0, 2_000_000.0),
    # running dynamics; 0 is what a watch writes while standing, not a measurement
    c.GROUND_CONTACT_TIME_MS: (50.0, 2000.0),
    c.VERTICAL_OSCILLATION_MM: (1.0, 500.0),
    c.VERTICAL_RATIO_PCT: (0.1, 100.0),
    c.STEP_LENGTH_MM: (1.0, 5000.0),
    c.STANCE_TIME_BALANCE_PCT: (0.1, 99.9),
}
"""Closed ranges a sensor value must fall in; outside them it is a dropout and becomes NaN."""


def haversine_m(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Distance between consecutive points [m] on a sphere of radius 6 371 008.8 m (IUGG mean)."""
    lat_r = np.radians(lat)
    lon_r = np.radians(lon)
    dlat = np.diff(lat_r)
    dlon = np.diff(lon_r)
    a = np.sin(dlat / 2) ** 2 + np.cos(lat_r[:-1]) * np.cos(lat_r[1:]) * np.sin(dlon / 2) ** 2
    dist: np.ndarray = 2 * 6_371_008.8 * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return dist


def ffill(values: np.ndarray) -> np.ndarray:
    """Carry the last finite value forward over NaNs (leading NaNs stay NaN)."""
    ok = np.isfinite(values)
    idx = np.where(ok, np.arange(len(values)), 0)
    np.maximum.accumulate(idx, out=idx)
    out = values[idx]
    out[~ok & (np.cumsum(ok) == 0)] = np.nan
    return out


def bfill(values: np.ndarray) -> np.ndarray:
    """Carry the next finite value backward over NaNs (trailing NaNs stay NaN)."""
    return ffill(values[::-1])[::-1]


def track_distance_m(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Cumulative great-circle distance along a track [m]; gaps without a fix add nothing."""
    lat = np.asarray(lat, dtype="float64")
    lon = np.asarray(lon, dtype="float64")
    out = np.full(lat.shape, np.nan)
    ok = np.isfinite(lat) & np.isfinite(lon)
    if ok.sum() == 0:
        return out
    idx = np.flatnonzero(ok)
    steps = np.concatenate([[0.0], haversine_m(lat[idx], lon[idx])])
    out[idx] = np.cumsum(steps)
    # carry the last known distance over samples without a fix; none yet is none travelled
    filled = ffill(out)
    filled[np.isnan(filled)] = 0.0
    return filled


def sample_durations(secs: np.ndarray) -> np.ndarray:
    """Seconds each sample stands for, from elapsed seconds: the time to the next sample.

    The last sample stands for the typical (median) interval; so does a sample followed by a gap
    longer than :data:`PAUSE_GAP_S`.
    """
    if len(secs) == 0:
        return np.zeros(0)
    gaps = np.diff(secs)
    typical = float(np.median(gaps)) if len(gaps) else 1.0
    typical = typical if typical > 0 else 1.0
    dur = np.append(gaps, typical)
    dur[dur > PAUSE_GAP_S] = min(typical, PAUSE_GAP_S)
    return dur


@functools.lru_cache(maxsize=1)
def timezone_finder() -> Any:
    """The time-zone finder, built once per process (it maps its boundary data on creation;
    read-only afterwards)."""
    from timezonefinder import TimezoneFinder

    return TimezoneFinder()


def offset_name(offset_s: int) -> str:
    """A UTC offset as a zone's name: ``UTC+02:00``."""
    sign = "+" if offset_s >= 0 else "-"
    h, rem = divmod(abs(offset_s), 3600)
    return f"UTC{sign}{h:02d}:{rem // 60:02d}"
