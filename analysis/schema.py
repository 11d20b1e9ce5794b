"""The one schema check every per-sample frame crosses at the parser boundary.

``build_samples`` turns whatever a parser read (a timestamp column plus any channels it found) into
the tidy frame: every column of :data:`analysis.columns.SAMPLE_COLUMNS`, float64 channels, a sorted
unique tz-aware UTC ``timestamp``, and ``sample_duration_s`` for time weighting. Implausible sensor
values (a 0 bpm dropout, FIT's 0xFF "invalid") are masked to NaN there, then ``validate_samples``
asserts the result, so a frame that reaches the store is always well formed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from analysis import columns as c
from analysis.errors import SchemaError

# the rules themselves live in analysis.samplemath (NumPy alone); they are the schema's too
from analysis.samplemath import MOVING_SPEED_MPS as MOVING_SPEED_MPS
from analysis.samplemath import PAUSE_GAP_S as PAUSE_GAP_S
from analysis.samplemath import PLAUSIBLE as PLAUSIBLE
from analysis.samplemath import bfill as _bfill
from analysis.samplemath import ffill as _ffill
from analysis.samplemath import sample_durations as sample_durations
from analysis.samplemath import track_distance_m as track_distance_m

_CHANNELS = [col for col in c.SAMPLE_COLUMNS if col != c.TIMESTAMP]


def empty_samples() -> pd.DataFrame:
    """A tidy frame with no rows (summary-only activities have these)."""
    frame = pd.DataFrame({col: pd.Series(dtype="float64") for col in c.SAMPLE_COLUMNS})
    frame[c.TIMESTAMP] = pd.Series(dtype="datetime64[ns, UTC]")
    return frame[list(c.SAMPLE_COLUMNS)]


def build_samples(raw: pd.DataFrame | Mapping[str, Any]) -> pd.DataFrame:
    """Turn a parser's raw frame into the tidy per-sample frame and validate it.

    Parameters
    ----------
    raw
        A ``timestamp`` column (anything ``pd.to_datetime(utc=True)`` accepts; naive means UTC)
        and any subset of the channel columns, already in SI units: a frame, or a mapping of
        column name to equally long arrays (no frame is built just to be taken apart here).

    Returns
    -------
    pandas.DataFrame
        Exactly :data:`analysis.columns.SAMPLE_COLUMNS`. ``distance_m`` is filled from the track
        when the file has none, ``speed_mps`` from distance when the file has none.

    Notes
    -----
    Works on NumPy arrays and builds the frame once at the end: it runs for every file of an
    archive import, so it is kept to a few milliseconds for an hour of 1 s samples.
    """
    names = raw.columns if isinstance(raw, pd.DataFrame) else raw.keys()
    if c.TIMESTAMP not in names:
        raise SchemaError("no timestamp column")
    if not isinstance(raw, pd.DataFrame) and len({len(raw[col]) for col in names}) > 1:
        raise SchemaError("columns of different lengths")
    column = raw[c.TIMESTAMP]
    if isinstance(getattr(column, "dtype", None), pd.DatetimeTZDtype):
        # already instants (the FIT parser's): no detour through an array of Timestamp objects,
        # which cost more than the rest of this function (3 ms for an hour of 1 s samples)
        stamps = pd.DatetimeIndex(column).tz_convert("UTC")
    else:
        stamps = pd.DatetimeIndex(pd.to_datetime(np.asarray(column), utc=True))
    keep = ~np.asarray(stamps.isna())
    unit = stamps.unit  # kept for the output: pandas picks it from the input
    ns = stamps.as_unit("ns").asi8[keep]
    order = np.argsort(ns, kind="stable")
    ns = ns[order]
    first = np.ones(len(ns), dtype=bool)  # the first sample of each timestamp is kept
    first[1:] = np.diff(ns) != 0
    ns = ns[first]
    pick = np.flatnonzero(keep)[order][first]
    n = len(ns)
    data: dict[str, np.ndarray] = {}
    for col in _CHANNELS:
        if col in names:
            values = np.asarray(raw[col])
            if values.dtype.kind != "f":  # text or objects: what is not a number is missing
                values = pd.to_numeric(values, errors="coerce")
            data[col] = np.asarray(values, dtype="float64")[pick]
        else:
            data[col] = np.full(n, np.nan)
    for col, (lo, hi) in PLAUSIBLE.items():
        values = data[col]
        values[~((values >= lo) & (values <= hi))] = np.nan
    # a fix needs both coordinates; (0, 0) is a null island placeholder, not a place
    lat, lon = data[c.LATITUDE_DEG], data[c.LONGITUDE_DEG]
    no_fix = np.isnan(lat) | np.isnan(lon) | ((lat == 0) & (lon == 0))
    lat[no_fix] = np.nan
    lon[no_fix] = np.nan
    elapsed = (ns - ns[0]) / 1e9 if n else np.zeros(0)
    data[c.ELAPSED_S] = elapsed.astype("float64") if n else np.full(0, np.nan)
    data[c.SAMPLE_DURATION_S] = sample_durations(elapsed)
    dist, speed = data[c.DISTANCE_M], data[c.SPEED_MPS]
    if np.isfinite(dist).any():
        filled = _ffill(dist)
        filled[np.isnan(filled)] = 0.0
        data[c.DISTANCE_M] = np.maximum.accumulate(filled)
    elif np.isfinite(lat).any():
        data[c.DISTANCE_M] = track_distance_m(lat, lon)
    elif np.isfinite(speed).any():
        step = np.where(np.isnan(speed), 0.0, speed) * data[c.SAMPLE_DURATION_S]
        data[c.DISTANCE_M] = np.concatenate([[0.0], np.cumsum(step)[:-1]])
    dist = data[c.DISTANCE_M]
    if np.isnan(speed).all() and np.isfinite(dist).any() and n > 1:
        dt = np.diff(elapsed)
        with np.errstate(divide="ignore", invalid="ignore"):
            derived = np.diff(dist) / np.where(dt > 0, dt, np.nan)
        derived[derived > PLAUSIBLE[c.SPEED_MPS][1]] = np.nan
        data[c.SPEED_MPS] = _bfill(np.concatenate([[np.nan], derived]))
    frame = pd.DataFrame(
        {
            c.TIMESTAMP: pd.DatetimeIndex(pd.to_datetime(ns, unit="ns", utc=True)).as_unit(unit),
            **{col: data[col] for col in _CHANNELS},
        }
    )[list(c.SAMPLE_COLUMNS)]
    validate_samples(frame)
    return frame


def validate_samples(frame: pd.DataFrame) -> None:
    """Raise :class:`SchemaError` unless ``frame`` is a well-formed tidy per-sample frame."""
    if list(frame.columns) != list(c.SAMPLE_COLUMNS):
        raise SchemaError(f"columns {list(frame.columns)} are not {list(c.SAMPLE_COLUMNS)}")
    ts = frame[c.TIMESTAMP]
    if not isinstance(ts.dtype, pd.DatetimeTZDtype) or str(ts.dt.tz) != "UTC":
        raise SchemaError(f"timestamp must be tz-aware UTC, got {ts.dtype}")
    ns = ts.to_numpy(dtype="datetime64[ns]").astype("int64")
    if ts.isna().any():
        raise SchemaError("timestamp has missing values")
    if len(ns) > 1 and (np.diff(ns) <= 0).any():
        raise SchemaError("timestamps must be strictly increasing")
    for col in _CHANNELS:
        if frame[col].dtype != np.float64:
            raise SchemaError(f"{col} must be float64, got {frame[col].dtype}")
    dur = frame[c.SAMPLE_DURATION_S].to_numpy()
    if (~np.isfinite(dur)).any() or (dur < 0).any():
        raise SchemaError("sample_duration_s must be finite and non-negative")
    for col, (lo, hi) in PLAUSIBLE.items():
        values = frame[col].to_numpy()
        if ((values < lo) | (values > hi)).any():  # NaN compares false: missing is fine
            raise SchemaError(f"{col} outside its plausible range [{lo}, {hi}]")
    dist = frame[c.DISTANCE_M].to_numpy()
    dist = dist[np.isfinite(dist)]
    if len(dist) > 1 and (np.diff(dist) < 0).any():
        raise SchemaError("distance_m must not decrease")
