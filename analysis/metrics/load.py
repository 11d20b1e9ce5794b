"""Training load: per activity (distance, duration or Banister TRIMP), per day, and the
acute:chronic workload ratio.

The daily series has a row for every calendar day; a rest day is a day of zero load, so the
rolling windows average over rest as well as training.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from analysis import columns as c
from analysis.metrics.intensity import FloatArray, timed_values
from analysis.metrics.mileage import DayLike, day_range, local_days

LOAD_MODELS = ("distance", "duration", "trimp")
"""Kilometres, moving minutes, or Banister TRIMP."""

TRIMP_CONSTANTS: dict[str, tuple[float, float]] = {
    "male": (0.64, 1.92),
    "female": (0.86, 1.67),
}
"""Banister's weighting ``(a, b)`` in ``a · e^(b · HRr)``, by sex."""

ACWR_SWEET_SPOT = (0.8, 1.3)
"""ACWR band associated with the lowest injury risk (Gabbett 2016)."""

ACWR_DANGER = 1.5
"""Above this ACWR injury risk rises steeply (Gabbett 2016)."""

ACWR_BANDS = ("not enough history", "low", "sweet spot", "caution", "danger")
"""What :func:`acwr_band` returns."""


def _trimp_terms(
    hr: FloatArray, seconds: FloatArray, resting_hr_bpm: float, max_hr_bpm: float, sex: str
) -> FloatArray:
    if sex not in TRIMP_CONSTANTS:
        raise ValueError(f"sex must be one of {tuple(TRIMP_CONSTANTS)}, not {sex!r}")
    if not resting_hr_bpm < max_hr_bpm:
        raise ValueError("resting HR must be below max HR")
    a, b = TRIMP_CONSTANTS[sex]
    hrr = np.clip((hr - resting_hr_bpm) / (max_hr_bpm - resting_hr_bpm), 0.0, 1.0)
    return np.asarray((seconds / 60.0) * hrr * a * np.exp(b * hrr), dtype="float64")


def banister_trimp(
    frame: pd.DataFrame, resting_hr_bpm: float, max_hr_bpm: float, sex: str
) -> float:
    """Banister's training impulse of one activity (or of any set of HR samples).

    ``TRIMP = Σ Δt · HRr · a · e^(b · HRr)`` over the samples, with ``Δt`` the sample's
    duration in minutes and ``HRr = (HR − HRrest) / (HRmax − HRrest)`` clipped to [0, 1].
    Summing per sample (rather than using the activity's mean HR) is the variant chosen:
    the exponential weights hard minutes more than their share of the average.

    Parameters
    ----------
    frame
        ``heart_rate_bpm`` and ``sample_duration_s`` (a per-sample frame or HR histogram rows).
        Samples without a heart rate add nothing.
    resting_hr_bpm, max_hr_bpm
        Resting and maximum heart rate [bpm].
    sex
        ``"male"`` (a = 0.64, b = 1.92) or ``"female"`` (a = 0.86, b = 1.67).

    Returns
    -------
    float
        TRIMP [arbitrary units, ≈ weighted minutes].

    References
    ----------
    Banister EW. Modeling elite athletic performance. In: MacDougall JD, Wenger HA, Green HJ,
    eds. *Physiological Testing of the High-Performance Athlete*. 2nd ed. Champaign, IL: Human
    Kinetics; 1991:403–424.

    Morton RH, Fitz-Clarke JR, Banister EW. Modeling human performance in running.
    *J Appl Physiol* 1990;69(3):1171–1177.
    """
    hr, seconds = timed_values(frame, c.HEART_RATE_BPM)
    return float(_trimp_terms(hr, seconds, resting_hr_bpm, max_hr_bpm, sex).sum())


def activity_loads(
    activities: pd.DataFrame,
    model: str,
    hr_hist: pd.DataFrame | None = None,
    *,
    resting_hr_bpm: float = 50,
    max_hr_bpm: float = 190,
    sex: str = "male",
) -> pd.Series:
    """The load of each activity under one load model.

    Parameters
    ----------
    activities
        The activities frame.
    model
        ``"distance"``: kilometres. ``"duration"``: moving minutes (elapsed minutes where the
        moving time is unknown). ``"trimp"``: :func:`banister_trimp` over each activity's HR
        histogram.
    hr_hist
        HR histogram rows (``activity_id``, ``heart_rate_bpm``, ``sample_duration_s``); needed
        for ``"trimp"``.
    resting_hr_bpm, max_hr_bpm, sex
        Passed to :func:`banister_trimp`.

    Returns
    -------
    pandas.Series
        Load per activity [km, min or TRIMP], indexed by ``activity_id``. An activity with
        nothing to measure (no distance, no time, no heart rate) has load 0; count missing
        average HR in ``activities`` to tell the athlete how many TRIMP-less runs there are.
    """
    ids = pd.Index(activities[c.ACTIVITY_ID], name=c.ACTIVITY_ID)
    if model == "distance":
        values = pd.to_numeric(activities[c.DISTANCE_M], errors="coerce") / 1000.0
    elif model == "duration":
        moving = pd.to_numeric(activities[c.MOVING_TIME_S], errors="coerce")
        elapsed = pd.to_numeric(activities[c.DURATION_S], errors="coerce")
        values = moving.fillna(elapsed) / 60.0
    elif model == "trimp":
        if hr_hist is None:
            raise ValueError("the trimp load model needs the HR histograms (hr_hist)")
        hr, seconds = timed_values(hr_hist, c.HEART_RATE_BPM)
        known = pd.to_numeric(hr_hist[c.HEART_RATE_BPM], errors="coerce").notna().to_numpy()
        terms = _trimp_terms(hr, seconds, resting_hr_bpm, max_hr_bpm, sex)
        per_activity = pd.Series(terms, index=hr_hist[c.ACTIVITY_ID].to_numpy()[known])
        values = per_activity.groupby(level=0).sum().reindex(ids)
    else:
        raise ValueError(f"load model must be one of {LOAD_MODELS}, not {model!r}")
    out = pd.Series(values.to_numpy(dtype="float64", na_value=np.nan), index=ids, name=c.LOAD)
    return out.fillna(0.0)


def daily_load(
    activities: pd.DataFrame,
    loads: pd.Series,
    start: DayLike | None = None,
    end: DayLike | None = None,
) -> pd.DataFrame:
    """Total load per calendar day, with explicit zeros on rest days.

    Parameters
    ----------
    activities
        The activities frame (gives each activity's local day).
    loads
        Load per activity, indexed by ``activity_id`` (from :func:`activity_loads`); an
        activity missing from it adds 0.
    start, end
        First and last day, inclusive (defaults: first and last activity day).

    Returns
    -------
    pandas.DataFrame
        ``date`` and ``load`` [unit of ``loads``], one row per day without gaps.
    """
    days = local_days(activities)
    index = day_range(days, start, end)
    per_activity = activities[c.ACTIVITY_ID].map(loads)
    values = pd.to_numeric(per_activity, errors="coerce").fillna(0.0).to_numpy(dtype="float64")
    per_day = pd.Series(values, index=pd.DatetimeIndex(days.to_numpy())).groupby(level=0).sum()
    per_day.index = pd.DatetimeIndex(per_day.index).as_unit(index.unit)
    out = per_day.reindex(index, fill_value=0.0).astype("float64")
    return pd.DataFrame({c.DATE: index, c.LOAD: out.to_numpy()})


def _trailing_mean(values: FloatArray, window: int) -> FloatArray:
    """Mean over the ``window`` days ending on each day; NaN until a full window exists."""
    out = np.full(values.shape, np.nan)
    if len(values) >= window:
        # each window summed afresh: a running sum would leave float residue after a big day
        # and turn an all-rest chronic window into a tiny non-zero number
        out[window - 1 :] = sliding_window_view(values, window).sum(axis=1) / window
    return out


def acute_chronic(daily: pd.DataFrame, acute_days: int = 7, chronic_days: int = 28) -> pd.DataFrame:
    """Acute load, chronic load and their ratio (ACWR) for every day.

    Variant: coupled rolling averages. Acute load is the mean daily load over the last
    ``acute_days`` days including today; chronic load is the mean over the last
    ``chronic_days`` days including today, so the acute window is part of the chronic one.
    Each average is NaN until its window is full, hence ACWR is NaN for the first
    ``chronic_days − 1`` days of history, and also where chronic load is 0. Days missing from
    ``daily`` are filled in as rest days (load 0) first.

    Parameters
    ----------
    daily
        ``date`` and ``load`` (from :func:`daily_load`).
    acute_days, chronic_days
        Window lengths [days].

    Returns
    -------
    pandas.DataFrame
        ``date``, ``load``, ``acute_load``, ``chronic_load`` [unit of ``load`` per day] and
        ``acwr`` [ratio].

    References
    ----------
    Hulin BT, Gabbett TJ, Blanch P, Chapman P, Bailey D, Orchard JW. Spikes in acute workload
    are associated with increased injury risk in elite cricket fast bowlers. *Br J Sports Med*
    2014;48(8):708–712.

    Gabbett TJ. The training–injury prevention paradox: should athletes be training smarter
    and harder? *Br J Sports Med* 2016;50(5):273–280.

    Lolli L, Batterham AM, Hawkins R, et al. Mathematical coupling causes spurious correlation
    within the conventional acute-to-chronic workload ratio calculations. *Br J Sports Med*
    2019;53(15):921–922 (a caveat of the coupled variant).
    """
    if not 1 <= acute_days <= chronic_days:
        raise ValueError("need 1 <= acute_days <= chronic_days")
    dates = pd.to_datetime(daily[c.DATE]).dt.normalize()
    loads = pd.to_numeric(daily[c.LOAD], errors="coerce").fillna(0.0)
    per_day = pd.Series(loads.to_numpy(dtype="float64"), index=pd.DatetimeIndex(dates.to_numpy()))
    per_day = per_day.groupby(level=0).sum()
    index = day_range(pd.Series(per_day.index))
    per_day.index = pd.DatetimeIndex(per_day.index).as_unit(index.unit)
    load = per_day.reindex(index, fill_value=0.0).to_numpy(dtype="float64")
    acute = _trailing_mean(load, acute_days)
    chronic = _trailing_mean(load, chronic_days)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(chronic > 0, acute / chronic, np.nan)
    return pd.DataFrame(
        {c.DATE: index, c.LOAD: load, c.ACUTE_LOAD: acute, c.CHRONIC_LOAD: chronic, c.ACWR: ratio}
    )


def acwr_band(value: float | None) -> str:
    """Name the risk band an ACWR value falls in.

    ``"not enough history"`` (NaN or None), ``"low"`` (< 0.8), ``"sweet spot"`` (0.8–1.3,
    both ends included), ``"caution"`` (above 1.3 up to 1.5) or ``"danger"`` (> 1.5).

    References
    ----------
    Gabbett TJ. The training–injury prevention paradox: should athletes be training smarter
    and harder? *Br J Sports Med* 2016;50(5):273–280.
    """
    if value is None or not math.isfinite(value):
        return "not enough history"
    low, high = ACWR_SWEET_SPOT
    if value < low:
        return "low"
    if value <= high:
        return "sweet spot"
    if value <= ACWR_DANGER:
        return "caution"
    return "danger"


def history_days(daily: pd.DataFrame) -> int:
    """Number of calendar days the daily series spans, first to last day inclusive."""
    dates = pd.to_datetime(daily[c.DATE]).dropna()
    if len(dates) == 0:
        return 0
    return int((dates.max().normalize() - dates.min().normalize()).days) + 1


def enough_history(daily: pd.DataFrame, chronic_days: int = 28) -> bool:
    """True when the daily series spans at least one full chronic window, so ACWR exists."""
    return history_days(daily) >= chronic_days
