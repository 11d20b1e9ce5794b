"""Cadence per run and its time-weighted distribution.

Cadence is in steps per minute counting both feet (``cadence_spm``). Distributions weigh every
reading by the seconds it stands for (``sample_duration_s``), so a 1 s recording and a "smart"
recording that writes a point every few seconds give the same shares.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import columns as c
from analysis.metrics.intensity import timed_values


def cadence_per_run(activities: pd.DataFrame) -> pd.DataFrame:
    """Average cadence of each run that has one, with its pace and distance.

    Parameters
    ----------
    activities
        The activities frame.

    Returns
    -------
    pandas.DataFrame
        ``activity_id``, ``start_time_local``, ``avg_cadence_spm`` [steps/min],
        ``pace_s_per_km`` [s/km] and ``distance_km`` [km], oldest first. Pace comes from the
        average speed, or else from distance over moving time; NaN when neither is known.
    """
    rows = activities[pd.to_numeric(activities[c.AVG_CADENCE_SPM], errors="coerce").notna()]
    speed = pd.to_numeric(rows[c.AVG_SPEED_MPS], errors="coerce")
    km = pd.to_numeric(rows[c.DISTANCE_M], errors="coerce") / 1000.0
    moving = pd.to_numeric(rows[c.MOVING_TIME_S], errors="coerce")
    from_speed = 1000.0 / speed.where(speed > 0)
    from_distance = moving.where(moving > 0) / km.where(km > 0)
    out = pd.DataFrame(
        {
            c.ACTIVITY_ID: rows[c.ACTIVITY_ID],
            c.START_TIME_LOCAL: rows[c.START_TIME_LOCAL],
            c.AVG_CADENCE_SPM: pd.to_numeric(rows[c.AVG_CADENCE_SPM], errors="coerce"),
            c.PACE_S_PER_KM: from_speed.fillna(from_distance).astype("float64"),
            c.DISTANCE_KM: km.astype("float64"),
        }
    )
    return out.sort_values(c.START_TIME_LOCAL, kind="stable").reset_index(drop=True)


def cadence_distribution(hist: pd.DataFrame, bin_width_spm: float = 2) -> pd.DataFrame:
    """Time spent in each cadence bin.

    Parameters
    ----------
    hist
        ``cadence_spm`` and ``sample_duration_s``: cadence histogram rows of one or more
        activities, or a per-sample frame. Readings without a cadence are ignored.
    bin_width_spm
        Width of a bin [steps/min]; a bin holds ``left <= cadence < left + width``.

    Returns
    -------
    pandas.DataFrame
        ``cadence_spm`` (bin left edge) [steps/min], ``time_s`` [s] and ``share_pct`` [%] of the
        time with a cadence: every bin from the lowest to the highest reading, empty bins
        included so a bar chart shows the gaps.
    """
    if not bin_width_spm > 0:
        raise ValueError("bin width must be positive")
    cadence, seconds = timed_values(hist, c.CADENCE_SPM)
    if len(cadence) == 0:
        return pd.DataFrame(
            {
                c.CADENCE_SPM: pd.Series(dtype="float64"),
                c.TIME_S: pd.Series(dtype="float64"),
                c.SHARE_PCT: pd.Series(dtype="float64"),
            }
        )
    # integer bin numbers avoid float drift in the edges of non-integer widths
    bins = np.floor(cadence / bin_width_spm).astype("int64")
    first = int(bins.min())
    per_bin = np.asarray(np.bincount(bins - first, weights=seconds), dtype="float64")
    total = float(per_bin.sum())
    share = per_bin * 100.0 / total if total > 0 else np.full(per_bin.shape, np.nan)
    return pd.DataFrame(
        {
            c.CADENCE_SPM: (np.arange(first, first + len(per_bin)) * bin_width_spm).astype(
                "float64"
            ),
            c.TIME_S: per_bin.astype("float64"),
            c.SHARE_PCT: share.astype("float64"),
        }
    )


def share_in_band(hist: pd.DataFrame, low: float = 170.0, high: float = 180.0) -> float:
    """Share of the time with a cadence that lies in ``[low, high)``.

    Parameters
    ----------
    hist
        ``cadence_spm`` and ``sample_duration_s`` (histogram rows or a per-sample frame).
    low, high
        Band edges [steps/min]; ``low`` is inside the band, ``high`` is not.

    Returns
    -------
    float
        Percent of cadence time [%]; NaN when there is no cadence time at all.
    """
    cadence, seconds = timed_values(hist, c.CADENCE_SPM)
    total = float(seconds.sum())
    if total <= 0:
        return float("nan")
    inside = (cadence >= low) & (cadence < high)
    return float(seconds[inside].sum()) * 100.0 / total
