"""Time in heart-rate zones, per activity and per week, and the easy/hard (80/20) split.

Every duration is the sum of ``sample_duration_s``, never a count of rows: files are not 1 Hz,
and the stored histograms already carry the seconds spent at each bpm value. A plain per-sample
frame and an HR histogram frame are both valid inputs; they share the two columns used here.
"""

from __future__ import annotations

from typing import TypedDict

import numpy as np
import numpy.typing as npt
import pandas as pd

from analysis import columns as c
from analysis.metrics.mileage import week_start_of

FloatArray = npt.NDArray[np.float64]

_ZONE_INDEX = "zone_index"  # position of a zone in the zones frame; internal, never returned


class EasyHardSplit(TypedDict):
    """Seconds and shares of time below and above the easy/hard line."""

    easy_s: float
    hard_s: float
    easy_pct: float
    hard_pct: float


def timed_values(frame: pd.DataFrame, column: str) -> tuple[FloatArray, FloatArray]:
    """The readings of ``column`` and the seconds each stands for, without missing readings.

    Parameters
    ----------
    frame
        A per-sample frame or a histogram frame: ``column`` plus ``sample_duration_s``.
    column
        The channel to read (``heart_rate_bpm``, ``cadence_spm``...).

    Returns
    -------
    values, seconds
        Float arrays of equal length [unit of ``column``], [s]. A missing or negative duration
        counts as 0 s.
    """
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan
    )
    seconds = pd.to_numeric(frame[c.SAMPLE_DURATION_S], errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan
    )
    keep = np.isfinite(values)
    seconds = np.where(np.isfinite(seconds) & (seconds > 0), seconds, 0.0)
    return values[keep], seconds[keep]


def _zone_index(hr: FloatArray, zones: pd.DataFrame) -> npt.NDArray[np.intp]:
    lows = zones[c.ZONE_LOW_BPM].to_numpy(dtype="float64")
    # zones are contiguous and ascending, so the zone is the last one whose low edge is <= hr
    idx = np.searchsorted(lows, hr, side="right") - 1
    return np.clip(idx, 0, len(lows) - 1)


def _share_pct(seconds: FloatArray) -> FloatArray:
    total = float(seconds.sum())
    if total <= 0:
        return np.full(seconds.shape, np.nan)
    return seconds * 100.0 / total


def time_in_zones(frame: pd.DataFrame, zones: pd.DataFrame) -> pd.DataFrame:
    """Seconds and share of time spent in each heart-rate zone.

    Parameters
    ----------
    frame
        ``heart_rate_bpm`` and ``sample_duration_s`` (a per-sample frame, or HR histogram rows of
        one or more activities). Samples without a heart rate are ignored.
    zones
        As returned by :func:`analysis.metrics.zones.hr_zones`.

    Returns
    -------
    pandas.DataFrame
        ``zone``, ``zone_low_bpm``, ``zone_high_bpm``, ``time_s`` [s] and ``share_pct`` [%] of
        the time with a heart rate, one row per zone (zeros included; ``share_pct`` is NaN when
        there is no heart-rate time at all).
    """
    hr, seconds = timed_values(frame, c.HEART_RATE_BPM)
    per_zone = np.asarray(
        np.bincount(_zone_index(hr, zones), weights=seconds, minlength=len(zones)), dtype="float64"
    )
    out = zones[[c.ZONE, c.ZONE_LOW_BPM, c.ZONE_HIGH_BPM]].reset_index(drop=True)
    out[c.TIME_S] = per_zone.astype("float64")
    out[c.SHARE_PCT] = _share_pct(per_zone)
    return out


def weekly_time_in_zones(
    hist: pd.DataFrame, zones: pd.DataFrame, week_start: str = "monday"
) -> pd.DataFrame:
    """Seconds in each heart-rate zone per week, in long format.

    Parameters
    ----------
    hist
        HR histogram rows: ``local_date``, ``heart_rate_bpm`` and ``sample_duration_s``.
    zones
        As returned by :func:`analysis.metrics.zones.hr_zones`.
    week_start
        ``"monday"`` or ``"sunday"``.

    Returns
    -------
    pandas.DataFrame
        ``week_start``, ``zone`` and ``time_s`` [s]: every zone for every week that has
        heart-rate readings, weeks ascending and zones in model order.
    """
    known = hist[pd.to_numeric(hist[c.HEART_RATE_BPM], errors="coerce").notna()]
    hr, seconds = timed_values(known, c.HEART_RATE_BPM)
    weeks = week_start_of(known[c.LOCAL_DATE], week_start).to_numpy()
    per_sample = pd.DataFrame(
        {c.WEEK_START: weeks, _ZONE_INDEX: _zone_index(hr, zones), c.TIME_S: seconds}
    )
    summed = per_sample.groupby([c.WEEK_START, _ZONE_INDEX])[c.TIME_S].sum()
    grid = pd.MultiIndex.from_product(
        [np.unique(weeks), np.arange(len(zones))], names=[c.WEEK_START, _ZONE_INDEX]
    )
    out = summed.reindex(grid, fill_value=0.0).reset_index()
    names = zones[c.ZONE].to_numpy()
    out[c.ZONE] = pd.Series(names[out[_ZONE_INDEX].to_numpy(dtype="intp")], dtype="string")
    out[c.TIME_S] = out[c.TIME_S].astype("float64")
    return out[[c.WEEK_START, c.ZONE, c.TIME_S]]


def easy_hard_split(tiz: pd.DataFrame, easy: list[str]) -> EasyHardSplit:
    """Time below and above the easy/hard line, for an 80/20 check.

    Parameters
    ----------
    tiz
        Output of :func:`time_in_zones` (``zone`` and ``time_s``).
    easy
        Names of the easy zones, from :func:`analysis.metrics.zones.easy_zones`.

    Returns
    -------
    EasyHardSplit
        ``easy_s`` and ``hard_s`` [s], ``easy_pct`` and ``hard_pct`` [%] of their sum (NaN when
        the sum is 0).
    """
    seconds = pd.to_numeric(tiz[c.TIME_S], errors="coerce").fillna(0.0)
    is_easy = tiz[c.ZONE].isin(easy)
    easy_s = float(seconds[is_easy].sum())
    hard_s = float(seconds[~is_easy].sum())
    total = easy_s + hard_s
    return EasyHardSplit(
        easy_s=easy_s,
        hard_s=hard_s,
        easy_pct=easy_s * 100.0 / total if total > 0 else float("nan"),
        hard_pct=hard_s * 100.0 / total if total > 0 else float("nan"),
    )
