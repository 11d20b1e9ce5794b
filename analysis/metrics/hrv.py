"""HRV readiness: the smallest-worthwhile-change band of ln rMSSD, and where this morning lies.

The rolling baselines themselves (7-day mean against the 28 days before, on ln rMSSD) are
:func:`analysis.metrics.recovery.baselines`; this module states the band on its own, so it can
be checked by hand, and reads one morning against it. The push / hold / back-off rules read the
7-day mean (what Plews et al. interpret); a single morning is shown for context, because one
reading is noisy (a coach looks at it, the rules do not).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis import columns as c
from analysis.metrics.mileage import DayLike, to_day
from analysis.metrics.recovery import MIN_LONG_VALUES, SWC_FACTOR, hrv_status


def swc_band(
    ln_rmssd: Sequence[float] | pd.Series, factor: float = SWC_FACTOR, min_values: int = 2
) -> tuple[float, float, float, float]:
    """The smallest-worthwhile-change band of ln rMSSD over a baseline window.

    ``mean ± factor × SD`` of the natural log of rMSSD over the baseline's days (missing days
    ignored), with the sample SD (n − 1) and ``factor`` = 0.5 (the smallest worthwhile change,
    half a between-day SD).

    Parameters
    ----------
    ln_rmssd
        ln rMSSD of the baseline's mornings [ln ms].
    factor
        The band's half-width in SDs.
    min_values
        Fewest readings a band needs (at least 2 for an SD).

    Returns
    -------
    tuple of float
        ``(mean, sd, low, high)`` [ln ms]; all NaN with fewer than ``min_values`` readings.

    References
    ----------
    Plews DJ, Laursen PB, Kilding AE, Buchheit M. Heart rate variability in elite triathletes,
    is variation in variability the key to effective training? A case comparison.
    *Eur J Appl Physiol* 2012;112(11):3729–3741.

    Plews DJ, Laursen PB, Stanley J, Kilding AE, Buchheit M. Training adaptation and heart rate
    variability in elite endurance athletes: opening the door to effective monitoring.
    *Sports Med* 2013;43(9):773–781.

    Buchheit M. Monitoring training status with HR measures: do not throw the baby out with the
    bathwater. *Front Physiol* 2014;5:73.
    """
    values = pd.to_numeric(pd.Series(list(ln_rmssd), dtype="float64"), errors="coerce").dropna()
    values = values[np.isfinite(values)]
    if len(values) < max(min_values, 2):
        nan = float("nan")
        return nan, nan, nan, nan
    mean = float(values.mean())
    sd = float(values.std(ddof=1))
    return mean, sd, mean - factor * sd, mean + factor * sd


def hrv_readiness(
    baselines: pd.DataFrame, day: DayLike, factor: float = SWC_FACTOR
) -> dict[str, float | str | None]:
    """This morning's rMSSD and the 7-day mean against the usual band, from the baselines.

    Parameters
    ----------
    baselines
        :func:`analysis.metrics.recovery.baselines` output (the band of a day comes from the
        28 days before it, needing :data:`MIN_LONG_VALUES` readings).
    day
        The morning to read.

    Returns
    -------
    dict
        ``hrv_today_ms`` (that morning's rMSSD) [ms], ``hrv_short_mean_ms`` (the 7-day mean,
        e^mean ln) [ms], ``hrv_band_low_ms`` and ``hrv_band_high_ms`` [ms],
        ``hrv_today_status`` (that morning's ln rMSSD against the band: "below", "within",
        "above") and ``hrv_status`` (the 7-day mean's, which the rules read); None where not
        known (no reading that day, or a baseline of fewer than :data:`MIN_LONG_VALUES` days).
    """
    keys = (
        c.HRV_TODAY_MS, c.HRV_SHORT_MEAN_MS, c.HRV_BAND_LOW_MS, c.HRV_BAND_HIGH_MS,
        c.HRV_TODAY_STATUS, c.HRV_STATUS,
    )  # fmt: skip
    out: dict[str, float | str | None] = dict.fromkeys(keys)
    if baselines.empty or c.LN_RMSSD_LONG_MEAN not in baselines.columns:
        return out
    dates = pd.to_datetime(baselines[c.DATE]).dt.normalize()
    rows = baselines[dates == to_day(day)]
    if rows.empty:
        return out
    row = rows.iloc[-1]

    def number(column: str) -> float | None:
        value = pd.to_numeric(pd.Series([row.get(column)]), errors="coerce").iloc[0]
        return float(value) if pd.notna(value) and math.isfinite(float(value)) else None

    for column in (c.HRV_SHORT_MEAN_MS, c.HRV_BAND_LOW_MS, c.HRV_BAND_HIGH_MS):
        out[column] = number(column)
    today = number(c.HRV_RMSSD_MS)
    out[c.HRV_TODAY_MS] = today if today is not None and today > 0 else None
    mean, sd = number(c.LN_RMSSD_LONG_MEAN), number(c.LN_RMSSD_LONG_SD)
    if out[c.HRV_TODAY_MS] is not None and mean is not None and sd is not None:
        out[c.HRV_TODAY_STATUS] = hrv_status(math.log(float(today)), mean, sd, factor)  # type: ignore[arg-type]
    status = row.get(c.HRV_STATUS)
    out[c.HRV_STATUS] = status if isinstance(status, str) else None
    return out


__all__ = ["MIN_LONG_VALUES", "SWC_FACTOR", "hrv_readiness", "swc_band"]
