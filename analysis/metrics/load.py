"""Training load: per activity (distance, duration, Banister or Edwards TRIMP, an hrTSS-like
score, session RPE), per day, and the acute:chronic workload ratio in three variants.

The daily series has a row for every calendar day; a rest day is a day of zero load, so the
rolling windows and the exponentially weighted averages see rest as well as training.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from analysis import columns as c
from analysis.metrics.intensity import FloatArray, timed_values
from analysis.metrics.mileage import DayLike, day_range, local_days, to_day

IntArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]

LOAD_MODELS = ("distance", "duration", "trimp", "edwards", "hrss", "srpe")
"""Kilometres, moving minutes, Banister TRIMP, Edwards TRIMP, hrTSS-like score, session RPE."""

LOAD_UNITS: dict[str, str] = {
    "distance": "km",
    "duration": "min",
    "trimp": "a.u.",
    "edwards": "a.u.",
    "hrss": "a.u. (100 = 1 h at LTHR)",
    "srpe": "a.u. (CR-10 × min)",
}
"""Unit label of each load model's values."""

LOAD_MODEL_NAMES: dict[str, str] = {
    "distance": "distance",
    "duration": "moving time",
    "trimp": "Banister TRIMP",
    "edwards": "Edwards TRIMP",
    "hrss": "hrTSS (heart-rate stress score)",
    "srpe": "session RPE",
}
"""Human-readable name of each load model."""

TRIMP_CONSTANTS: dict[str, tuple[float, float]] = {
    "male": (0.64, 1.92),
    "female": (0.86, 1.67),
}
"""Banister's weighting ``(a, b)`` in ``a · e^(b · HRr)``, by sex."""

EDWARDS_ZONES_PCT_HRMAX = (50.0, 60.0, 70.0, 80.0, 90.0)
"""Lower edges of Edwards' five zones [% HRmax]; zone k (1..5) weighs k per minute."""

RPE_SCALE = (0.0, 10.0)
"""The CR-10 scale session RPE is rated on (Foster et al. 2001)."""

ACWR_VARIANTS = ("rolling", "uncoupled", "ewma")
"""Coupled rolling averages, uncoupled rolling averages, exponentially weighted averages."""

ACWR_VARIANT_TEXT: dict[str, str] = {
    "rolling": (
        "Rolling, coupled (Gabbett 2016): acute = mean daily load of the last 7 days, chronic = "
        "mean of the last 28 days, today included, so the acute week is part of the chronic window."
    ),
    "uncoupled": (
        "Rolling, uncoupled (Windt & Gabbett 2018; Lolli et al. 2019): acute = mean daily load of "
        "the last 7 days, chronic = mean of the 21 days before them, so no day is in both."
    ),
    "ewma": (
        "Exponentially weighted (Williams et al. 2017): each day's average moves towards that "
        "day's load by λ = 2/(N+1), N = 7 (acute) and 28 (chronic), so recent days weigh more; "
        "both averages start at the first day's load."
    ),
}
"""One sentence per ACWR variant, for the page."""

ACWR_SWEET_SPOT = (0.8, 1.3)
"""ACWR band associated with the lowest injury risk (Gabbett 2016)."""

ACWR_DANGER = 1.5
"""Above this ACWR injury risk rises steeply (Gabbett 2016)."""

ACWR_BANDS = ("not enough history", "low", "sweet spot", "caution", "danger")
"""What :func:`acwr_band` returns."""

IMPELLIZZERI_2020_CITATION = (
    "Impellizzeri FM, Tenan MS, Kempton T, Novak A, Coutts AJ. Acute:chronic workload ratio: "
    "conceptual issues and fundamental pitfalls. Int J Sports Physiol Perform 2020;15(6):907–913."
)
IMPELLIZZERI_2020_URL = "https://doi.org/10.1123/ijspp.2019-0864"
IMPELLIZZERI_2020_CRITIQUE = (
    "The ratio rescales recent load by a chronic load that does not normalise it as claimed, its "
    "windows and thresholds are arbitrary, and the injury associations behind it rest on flawed "
    "statistics, so read it as a description of load change, not as a predictor of injury."
)
IMPELLIZZERI_2020 = f"{IMPELLIZZERI_2020_CRITIQUE} ({IMPELLIZZERI_2020_CITATION})"
"""The main critique of the ACWR in one sentence, with its citation, for the page to show."""

MAX_GAP_DAYS = 14
"""The longest run of days without training that still counts as rest inside training [days].

A longer run is a break: its days are not data (no file, not a zero-load day), the ratios, the
PMC and monotony are undefined across it, and the training after it is a return. Two weeks is
our choice: rest days, a taper or an easy week stay inside it, while after about 12 days
without training an endurance athlete has measurably lost fitness (VO2max about 7 % lower:
Coyle et al. 1984), so what follows is a rebuild, not more of the same training. It also
leaves a 28-day chronic window spanning a break with at most half its days recorded.
"""

GAP_START, GAP_END, GAP_DAYS = "start", "end", "days"
"""Columns of :func:`gaps`: first and last day of a break (naive midnights) and its length
[days]."""

RETURN_GUIDANCE = (
    "Back after {days} days without recorded training (the last run before the break was on "
    "{last:%a %d %b %Y}). A ratio against the load before the break would mislead, so none is "
    "shown until {floor} days of training have been recorded again. Build back gradually: start "
    "below the volume you ran before the break and raise weekly distance in small steps; in "
    "novice runners, raising it by more than 30 % over two weeks was followed by more "
    "overuse injuries than raising it by less than 10 % (Nielsen et al. 2014). Fitness lost in a "
    "break comes back over weeks, not days (Coyle et al. 1984)."
)
"""What the page says about a return after a break (:func:`return_after_break`); ``days``,
``last`` and ``floor`` are filled in."""

RETURN_GUIDANCE_REFERENCES = (
    "Nielsen RO, Parner ET, Nohr EA, Sørensen H, Lind M, Rasmussen S. Excessive progression in "
    "weekly running distance and risk of running-related injuries: an association which varies "
    "according to type of injury. J Orthop Sports Phys Ther 2014;44(10):739–747.",
    "Coyle EF, Martin WH, Sinacore DR, Joyner MJ, Hagberg JM, Holloszy JO. Time course of loss "
    "of adaptations after stopping prolonged intense endurance training. J Appl Physiol "
    "1984;57(6):1857–1864.",
)
"""The sources of :data:`RETURN_GUIDANCE`, for the page to list."""


# ---- per-sample load terms ----------------------------------------------------------------------


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


def _edwards_terms(hr: FloatArray, seconds: FloatArray, max_hr_bpm: float) -> FloatArray:
    if not max_hr_bpm > 0:
        raise ValueError("max HR must be positive")
    # 10·HR/HRmax is 5 at 50 %, 6 at 60 % ...: its floor minus 4 is the zone number; dividing
    # the integer product (not multiplying a quotient) keeps an exact 60 % from landing at 5.999...
    zone = np.floor(10.0 * hr / max_hr_bpm) - 4.0
    weight = np.clip(zone, 0.0, 5.0)
    return np.asarray((seconds / 60.0) * weight, dtype="float64")


def _lthr_hour_trimp(resting_hr_bpm: float, max_hr_bpm: float, lthr_bpm: float, sex: str) -> float:
    if not resting_hr_bpm < lthr_bpm < max_hr_bpm:
        raise ValueError("LTHR must lie between resting and max HR")
    lt = np.array([float(lthr_bpm)])
    return float(_trimp_terms(lt, np.array([3600.0]), resting_hr_bpm, max_hr_bpm, sex)[0])


def _hrss_terms(
    hr: FloatArray,
    seconds: FloatArray,
    resting_hr_bpm: float,
    max_hr_bpm: float,
    lthr_bpm: float,
    sex: str,
) -> FloatArray:
    reference = _lthr_hour_trimp(resting_hr_bpm, max_hr_bpm, lthr_bpm, sex)
    trimp = _trimp_terms(hr, seconds, resting_hr_bpm, max_hr_bpm, sex)
    return np.asarray(trimp * (100.0 / reference), dtype="float64")


# ---- per activity -------------------------------------------------------------------------------


def banister_trimp(
    frame: pd.DataFrame, resting_hr_bpm: float, max_hr_bpm: float, sex: str
) -> float:
    """Banister's training impulse of one activity (or of any set of HR samples).

    ``TRIMP = Σ Δt · HRr · a · e^(b · HRr)`` over the samples, with ``Δt`` the sample's
    duration in minutes and ``HRr = (HR − HRrest) / (HRmax − HRrest)`` clipped to [0, 1].
    Summing per sample (rather than using the activity's mean HR) is the variant chosen:
    the exponential weights hard minutes more than their share of the average. The
    sex-specific constants are Banister's (men a = 0.64, b = 1.92; women a = 0.86, b = 1.67);
    GoldenCheetah keeps a = 0.64 for both and Runalyze uses other constants, so their values
    differ from these.

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


def edwards_trimp(frame: pd.DataFrame, max_hr_bpm: float) -> float:
    """Edwards' summated heart-rate-zone training impulse.

    Minutes in 50–60, 60–70, 70–80, 80–90 and 90–100 % of HRmax are multiplied by 1, 2, 3, 4
    and 5 and added up. A zone includes its lower edge (exactly 60 % counts ×2); below 50 %
    counts 0; above HRmax counts ×5 like the top zone.

    Parameters
    ----------
    frame
        ``heart_rate_bpm`` and ``sample_duration_s`` (a per-sample frame or HR histogram rows).
        Samples without a heart rate add nothing; durations are weighted, rows not counted.
    max_hr_bpm
        Maximum heart rate [bpm].

    Returns
    -------
    float
        Edwards TRIMP [arbitrary units, zone-weighted minutes].

    References
    ----------
    Edwards S. High performance training and racing. In: Edwards S, ed. *The Heart Rate Monitor
    Book*. Sacramento, CA: Feet Fleet Press; 1993:113–123.
    """
    hr, seconds = timed_values(frame, c.HEART_RATE_BPM)
    return float(_edwards_terms(hr, seconds, max_hr_bpm).sum())


def hr_tss(
    frame: pd.DataFrame, resting_hr_bpm: float, max_hr_bpm: float, lthr_bpm: float, sex: str
) -> float:
    """A heart-rate stress score: Banister TRIMP scaled so one hour at LTHR scores 100.

    ``hrTSS = 100 · TRIMP / TRIMP_LTHR-hour`` where ``TRIMP`` is :func:`banister_trimp` of the
    activity and ``TRIMP_LTHR-hour = 60 · HRr_LT · a · e^(b · HRr_LT)`` is the TRIMP of 60
    minutes at the lactate-threshold heart rate, ``HRr_LT = (LTHR − HRrest) / (HRmax − HRrest)``.
    This is Elevate's HRSS (TRIMP summed sample by sample). GoldenCheetah's "TRIMP(100)
    Points" uses the same normalisation, but takes TRIMP once from the activity's average heart
    rate and moving time. A steady run scores the same under both; a run of changing intensity
    scores higher here, because the exponential weighting makes the mean of per-sample terms at
    least the term of the mean heart rate. It puts heart-rate load on the scale of TrainingPeaks'
    TSS (one hour at threshold = 100), so an hour above LTHR scores more than 100.

    Parameters
    ----------
    frame
        ``heart_rate_bpm`` and ``sample_duration_s`` (a per-sample frame or HR histogram rows).
    resting_hr_bpm, max_hr_bpm, lthr_bpm
        Resting, maximum and lactate-threshold heart rate [bpm]; resting < LTHR < max.
    sex
        Selects Banister's constants, as in :func:`banister_trimp`.

    Returns
    -------
    float
        hrTSS [arbitrary units, 100 = one hour at LTHR].

    References
    ----------
    Banister EW. Modeling elite athletic performance. In: MacDougall JD, Wenger HA, Green HJ,
    eds. *Physiological Testing of the High-Performance Athlete*. 2nd ed. Champaign, IL: Human
    Kinetics; 1991:403–424.

    GoldenCheetah. TRIMP(100) Points: "TRIMP Points normalized to assign 100 points to 1 hour
    at threshold heart rate" (src/Metrics/TRIMPPoints.cpp; User Guide glossary).

    Elevate (formerly StravistiX). Heart Rate Stress Score: TRIMP divided by the TRIMP of one
    hour at LTHR, × 100 (github.com/thomaschampagne/elevate).
    """
    hr, seconds = timed_values(frame, c.HEART_RATE_BPM)
    terms = _hrss_terms(hr, seconds, resting_hr_bpm, max_hr_bpm, lthr_bpm, sex)
    return float(terms.sum())


def session_rpe(rpe: float, minutes: float) -> float:
    """Foster's session RPE load: the session's rating of perceived exertion × its minutes.

    Parameters
    ----------
    rpe
        Rating of the whole session on the CR-10 scale [0–10], asked about 30 min after it.
    minutes
        Duration of the session [min].

    Returns
    -------
    float
        Session load [arbitrary units, CR-10 × min].

    References
    ----------
    Foster C, Florhaug JA, Franklin J, et al. A new approach to monitoring exercise training.
    *J Strength Cond Res* 2001;15(1):109–115.
    """
    low, high = RPE_SCALE
    if not low <= rpe <= high:  # also refuses NaN
        raise ValueError(f"RPE is on the CR-10 scale: {low:g} to {high:g}, not {rpe!r}")
    if not minutes >= 0:
        raise ValueError(f"minutes must be zero or more, not {minutes!r}")
    return float(rpe) * float(minutes)


def _minutes(activities: pd.DataFrame) -> pd.Series:
    moving = pd.to_numeric(activities[c.MOVING_TIME_S], errors="coerce")
    elapsed = pd.to_numeric(activities[c.DURATION_S], errors="coerce")
    return moving.fillna(elapsed) / 60.0


def _hr_load_per_activity(
    hr_hist: pd.DataFrame,
    ids: pd.Index,
    model: str,
    resting_hr_bpm: float,
    max_hr_bpm: float,
    lthr_bpm: float,
    sex: str,
) -> pd.Series:
    hr, seconds = timed_values(hr_hist, c.HEART_RATE_BPM)
    if model == "trimp":
        terms = _trimp_terms(hr, seconds, resting_hr_bpm, max_hr_bpm, sex)
    elif model == "edwards":
        terms = _edwards_terms(hr, seconds, max_hr_bpm)
    else:
        terms = _hrss_terms(hr, seconds, resting_hr_bpm, max_hr_bpm, lthr_bpm, sex)
    known = pd.to_numeric(hr_hist[c.HEART_RATE_BPM], errors="coerce").notna().to_numpy()
    per_sample = pd.Series(terms, index=hr_hist[c.ACTIVITY_ID].to_numpy()[known])
    return per_sample.groupby(level=0).sum().reindex(ids)


def activity_loads(
    activities: pd.DataFrame,
    model: str,
    hr_hist: pd.DataFrame | None = None,
    *,
    resting_hr_bpm: float = 50,
    max_hr_bpm: float = 190,
    sex: str = "male",
    lthr_bpm: float = 172,
) -> pd.Series:
    """The load of each activity under one load model.

    Parameters
    ----------
    activities
        The activities frame.
    model
        ``"distance"``: kilometres. ``"duration"``: moving minutes (elapsed minutes where the
        moving time is unknown). ``"trimp"``: :func:`banister_trimp`, ``"edwards"``:
        :func:`edwards_trimp`, ``"hrss"``: :func:`hr_tss`, each over the activity's HR
        histogram. ``"srpe"``: :func:`session_rpe` of the ``rpe`` column and the minutes the
        ``"duration"`` model counts; an activity without an RPE, or with one off the CR-10
        scale, has load 0.
    hr_hist
        HR histogram rows (``activity_id``, ``heart_rate_bpm``, ``sample_duration_s``); needed
        for ``"trimp"``, ``"edwards"`` and ``"hrss"``.
    resting_hr_bpm, max_hr_bpm, sex, lthr_bpm
        Passed to the heart-rate models [bpm].

    Returns
    -------
    pandas.Series
        Load per activity [unit in :data:`LOAD_UNITS`], indexed by ``activity_id``. An activity
        with nothing to measure (no distance, no time, no heart rate, no RPE) has load 0; count
        missing average HR (or RPE) in ``activities`` to tell the athlete how many are affected.
    """
    ids = pd.Index(activities[c.ACTIVITY_ID], name=c.ACTIVITY_ID)
    if model == "distance":
        values = pd.to_numeric(activities[c.DISTANCE_M], errors="coerce") / 1000.0
    elif model == "duration":
        values = _minutes(activities)
    elif model in ("trimp", "edwards", "hrss"):
        if hr_hist is None:
            raise ValueError(f"the {model} load model needs the HR histograms (hr_hist)")
        values = _hr_load_per_activity(
            hr_hist, ids, model, resting_hr_bpm, max_hr_bpm, lthr_bpm, sex
        )
    elif model == "srpe":
        if c.RPE not in activities.columns:
            raise ValueError(f"the srpe load model needs the {c.RPE!r} column")
        rpe = pd.to_numeric(activities[c.RPE], errors="coerce")
        low, high = RPE_SCALE
        values = rpe.where(rpe.between(low, high)) * _minutes(activities)
    else:
        raise ValueError(f"load model must be one of {LOAD_MODELS}, not {model!r}")
    out = pd.Series(values.to_numpy(dtype="float64", na_value=np.nan), index=ids, name=c.LOAD)
    return out.fillna(0.0)


# ---- per day ------------------------------------------------------------------------------------


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


def complete_days(daily: pd.DataFrame) -> tuple[pd.DatetimeIndex, FloatArray]:
    """Every calendar day of a daily series, first to last, with missing days as zero load.

    Parameters
    ----------
    daily
        ``date`` and ``load``; several rows on one day are added up, a missing load counts 0.

    Returns
    -------
    days, load
        The days (naive midnights, no gaps) and the load of each [unit of ``load``].
    """
    dates = pd.to_datetime(daily[c.DATE]).dt.normalize()
    loads = pd.to_numeric(daily[c.LOAD], errors="coerce").fillna(0.0)
    per_day = pd.Series(loads.to_numpy(dtype="float64"), index=pd.DatetimeIndex(dates.to_numpy()))
    per_day = per_day.groupby(level=0).sum()
    index = day_range(pd.Series(per_day.index))
    per_day.index = pd.DatetimeIndex(per_day.index).as_unit(index.unit)
    return index, per_day.reindex(index, fill_value=0.0).to_numpy(dtype="float64")


# ---- coverage: stretches of training and the breaks between them --------------------------------


def check_max_gap(max_gap_days: int | None) -> None:
    """Refuse a ``max_gap_days`` below one day (None, no breaks at all, is allowed)."""
    if max_gap_days is not None and not max_gap_days >= 1:
        raise ValueError(f"max_gap_days must be at least 1 day (or None), not {max_gap_days!r}")


def _idle_runs(load: FloatArray) -> tuple[IntArray, IntArray]:
    """First index and one-past-last index of every run of days without load."""
    idle = ~(load > 0)
    edges = np.diff(np.concatenate([[0], idle.astype(np.int8), [0]]))
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)


def covered_mask(load: FloatArray, max_gap_days: int | None) -> BoolArray:
    """True on every day that is data: not inside a run of more than ``max_gap_days`` idle days.

    The coverage rule of :func:`gaps`, on the loads of :func:`complete_days` (one per day).
    """
    out = np.ones(len(load), dtype=bool)
    if max_gap_days is None:
        return out
    for first, stop in zip(*_idle_runs(load), strict=True):
        if stop - first > max_gap_days:
            out[first:stop] = False
    return out


def _stretches(load: FloatArray, max_gap_days: int | None) -> list[tuple[int, int]]:
    """First index and one-past-last index of every stretch of covered days."""
    edges = np.diff(np.concatenate([[0], covered_mask(load, max_gap_days).astype(np.int8), [0]]))
    firsts = np.flatnonzero(edges == 1).tolist()
    stops = np.flatnonzero(edges == -1).tolist()
    return list(zip(firsts, stops, strict=True))


def per_stretch(
    load: FloatArray,
    max_gap_days: int | None,
    metric: Callable[[FloatArray], FloatArray],
) -> FloatArray:
    """Apply a daily metric to each stretch of training on its own; NaN on the days of a break.

    Parameters
    ----------
    load
        Daily load, one value per calendar day, rest days 0 (from :func:`complete_days`).
    max_gap_days
        See :func:`gaps`; None treats every day as data.
    metric
        Takes one stretch's loads and returns one value per day of it.

    Returns
    -------
    numpy.ndarray
        The metric, stretch by stretch, as if each stretch were a series of its own.
    """
    check_max_gap(max_gap_days)
    out = np.full(len(load), np.nan)
    for first, stop in _stretches(load, max_gap_days):
        out[first:stop] = metric(load[first:stop])
    return out


def gaps(daily: pd.DataFrame, max_gap_days: int | None = MAX_GAP_DAYS) -> pd.DataFrame:
    """The breaks in a daily load series: runs of more than ``max_gap_days`` days without load.

    Coverage rule: a day is data (covered) when it lies in a stretch of training, that is
    when the run of days without load it belongs to lasts at most ``max_gap_days`` days. Rest
    days between runs, a taper or a week off are covered zero-load days; a longer run of idle
    days, wherever it lies (before the first run of a series that starts early, between two
    runs, or up to the series' last day), is a break, and none of its days is data. A day
    counts as trained when its load is above 0, so under a heart-rate load model an activity
    without heart rate does not, by itself, end a break.

    Parameters
    ----------
    daily
        ``date`` and ``load`` (from :func:`daily_load`); missing days count as rest.
    max_gap_days
        The longest run of idle days still counted as rest [days], default
        :data:`MAX_GAP_DAYS` (14); None: no day is ever a break.

    Returns
    -------
    pandas.DataFrame
        One row per break, oldest first: ``start`` and ``end`` (first and last idle day,
        naive midnights) and ``days`` (its length [days]).

    References
    ----------
    Gabbett TJ. The training–injury prevention paradox: should athletes be training smarter
    and harder? *Br J Sports Med* 2016;50(5):273–280 (a chronic load is 4 weeks of training).

    Coyle EF, Martin WH, Sinacore DR, Joyner MJ, Hagberg JM, Holloszy JO. Time course of loss
    of adaptations after stopping prolonged intense endurance training. *J Appl Physiol*
    1984;57(6):1857–1864 (VO2max 7 % lower after 12 days without training).
    """
    check_max_gap(max_gap_days)
    index, load = complete_days(daily)
    firsts: list[int] = []
    lasts: list[int] = []
    if max_gap_days is not None:
        for first, stop in zip(*_idle_runs(load), strict=True):
            if stop - first > max_gap_days:
                firsts.append(int(first))
                lasts.append(int(stop) - 1)
    return pd.DataFrame(
        {
            GAP_START: index[firsts],
            GAP_END: index[lasts],
            GAP_DAYS: np.asarray(lasts, dtype="int64") - np.asarray(firsts, dtype="int64") + 1,
        }
    )


def recorded_days(daily: pd.DataFrame, max_gap_days: int | None = MAX_GAP_DAYS) -> int:
    """Days of training recorded in the stretch that holds the series' last day.

    The count the coverage floor of :func:`acute_chronic` is compared with: it starts again
    at 1 on the first day after a break (see :func:`gaps`), and is 0 when the last day lies in
    a break. With ``max_gap_days=None`` it is :func:`history_days`.

    Returns
    -------
    int
        Recorded days [days].
    """
    check_max_gap(max_gap_days)
    _, load = complete_days(daily)
    stretches = _stretches(load, max_gap_days)
    if not stretches or stretches[-1][1] != len(load):
        return 0
    first, stop = stretches[-1]
    return stop - first


def return_after_break(
    daily: pd.DataFrame,
    as_of: DayLike,
    *,
    max_gap_days: int | None = MAX_GAP_DAYS,
    min_chronic_days: int = 28,
) -> dict[str, Any] | None:
    """The break a runner is coming back from on ``as_of``, while it still shapes the numbers.

    A return is the stretch of training (see :func:`gaps`) that holds ``as_of`` when a break
    precedes it and training was recorded before that break, for its first
    ``min_chronic_days − 1`` days: the days on which :func:`acute_chronic` gives no ratio, since a
    ratio against the load before the break would compare today with a fitness that has
    faded. From then on the chronic window holds the new stretch only and the ratio is back.

    Parameters
    ----------
    daily
        ``date`` and ``load`` (from :func:`daily_load`); days after its last day up to
        ``as_of`` count as idle.
    as_of
        The day looked at.
    max_gap_days
        See :func:`gaps`.
    min_chronic_days
        The ratio's coverage floor [days] (the athlete's setting).

    Returns
    -------
    dict or None
        ``break_start``, ``break_end`` (first and last idle day), ``break_days`` [days],
        ``last_day_before`` (the last day of training before the break), ``return_day`` (the
        first day of training after it), ``days_since_return`` [days, 1 on the return day] and
        ``guidance`` (:data:`RETURN_GUIDANCE` filled in); None when ``as_of`` is not inside a
        return (in a break, in the first stretch of the series, or from the floor's day on).

    References
    ----------
    Nielsen RO, Parner ET, Nohr EA, Sørensen H, Lind M, Rasmussen S. Excessive progression in
    weekly running distance and risk of running-related injuries: an association which varies
    according to type of injury. *J Orthop Sports Phys Ther* 2014;44(10):739–747.

    Coyle EF, Martin WH, Sinacore DR, Joyner MJ, Hagberg JM, Holloszy JO. Time course of loss
    of adaptations after stopping prolonged intense endurance training. *J Appl Physiol*
    1984;57(6):1857–1864.
    """
    check_max_gap(max_gap_days)
    if len(daily) == 0:
        return None
    day = to_day(as_of)
    index, load = complete_days(daily)
    if day < index[0]:
        return None
    at = int((day - index[0]).days)
    if at >= len(load):
        # the days after the series up to as_of have no training: idle, so perhaps a break
        load = np.concatenate([load, np.zeros(at + 1 - len(load))])
        index = pd.date_range(index[0], periods=len(load), freq="D").as_unit(index.unit)
    stretches = _stretches(load[: at + 1], max_gap_days)
    if not stretches or stretches[-1][1] != at + 1:
        return None  # as_of lies in a break
    first = stretches[-1][0]
    if first == 0 or len(stretches) < 2:
        return None  # the series' first stretch: a start, not a return
    trained_before = np.flatnonzero(load[:first] > 0)
    if len(trained_before) == 0:
        return None  # only idle days before: nothing to return to
    since = at - first + 1
    if since >= min_chronic_days:
        return None  # the ratio is back: the chronic window holds the new stretch's floor
    last_before = index[int(trained_before[-1])]
    break_start = last_before + pd.Timedelta(days=1)
    break_end = index[first - 1]
    days = int((break_end - break_start).days) + 1
    return {
        "break_start": break_start,
        "break_end": break_end,
        "break_days": days,
        "last_day_before": last_before,
        "return_day": index[first],
        "days_since_return": since,
        "guidance": RETURN_GUIDANCE.format(days=days, last=last_before, floor=min_chronic_days),
    }


# ---- acute:chronic workload ratio ---------------------------------------------------------------


def _window_sums(values: FloatArray, window: int) -> FloatArray:
    """Sum over the ``window`` days ending on each day (days before the series count 0)."""
    # each window summed afresh: a running sum would leave float residue after a big day
    # and turn an all-rest chronic window into a tiny non-zero number
    padded = np.concatenate([np.zeros(window - 1), values])
    return np.asarray(sliding_window_view(padded, window).sum(axis=1), dtype="float64")


def _trailing_mean(values: FloatArray, window: int, min_days: int) -> FloatArray:
    """Mean over the last ``window`` days, or over every day so far while fewer exist.

    NaN until the series holds ``min_days`` days, so with ``min_days == window`` it is the plain
    rolling mean of full windows.
    """
    n = len(values)
    if n == 0:
        return np.zeros(0)
    counts = np.minimum(np.arange(1, n + 1), window)
    out = _window_sums(values, window) / counts
    out[: min_days - 1] = np.nan
    return out


def _preceding_mean(values: FloatArray, skip: int, window: int, min_days: int) -> FloatArray:
    """Mean over the ``window`` days that end ``skip`` days before each day.

    The mean is over the days of that window the series holds; NaN until the series holds
    ``min_days`` days, and NaN while the window holds no day yet (the first ``skip`` days).
    """
    n = len(values)
    out = np.full(n, np.nan)
    if n <= skip:
        return out
    earlier = values[: n - skip]
    counts = np.minimum(np.arange(1, len(earlier) + 1), window)
    out[skip:] = _window_sums(earlier, window) / counts
    out[: min_days - 1] = np.nan
    return out


def _ewma(values: FloatArray, span_days: int) -> FloatArray:
    """``EWMA_t = λ · load_t + (1 − λ) · EWMA_{t−1}``, λ = 2/(N+1), seeded with the first load."""
    if len(values) == 0:
        return np.zeros(0)
    lam = 2.0 / (span_days + 1.0)
    # adjust=False is exactly the recursion above, started at the first value
    smoothed = pd.Series(values).ewm(alpha=lam, adjust=False).mean()
    return np.array(smoothed.to_numpy(dtype="float64"), copy=True)  # writable: it gets masked


def _check_windows(
    acute_days: int, chronic_days: int, variant: str, min_chronic_days: int | None
) -> int:
    if variant not in ACWR_VARIANTS:
        raise ValueError(f"ACWR variant must be one of {ACWR_VARIANTS}, not {variant!r}")
    if not 1 <= acute_days <= chronic_days:
        raise ValueError("need 1 <= acute_days <= chronic_days")
    if variant == "uncoupled" and not acute_days < chronic_days:
        raise ValueError("the uncoupled variant needs acute_days < chronic_days")
    floor = chronic_days if min_chronic_days is None else int(min_chronic_days)
    if not acute_days <= floor <= chronic_days:
        raise ValueError("need acute_days <= min_chronic_days <= chronic_days")
    # uncoupled with floor == acute_days is allowed: its chronic window is still empty on that
    # day, so the ratio starts one day later (refusing it broke every caller holding that floor)
    return floor


def acute_chronic(
    daily: pd.DataFrame,
    acute_days: int = 7,
    chronic_days: int = 28,
    *,
    variant: str = "rolling",
    min_chronic_days: int | None = None,
    max_gap_days: int | None = MAX_GAP_DAYS,
) -> pd.DataFrame:
    """Acute load, chronic load and their ratio (ACWR) for every day.

    Days missing from ``daily`` are filled in as rest days (load 0) first. Three variants:

    ``"rolling"`` (default): coupled rolling averages. Acute load is the mean daily load over
    the last ``acute_days`` days including today; chronic load is the mean over the last
    ``chronic_days`` days including today, so the acute window is part of the chronic one.

    ``"uncoupled"``: acute load as above; chronic load is the mean over the
    ``chronic_days − acute_days`` days *before* the acute window (7:21 by default), so no day
    is in both and a spike does not raise its own denominator.

    ``"ewma"``: exponentially weighted moving averages with ``λ = 2/(N+1)``, N = ``acute_days``
    (λ = 0.25) and ``chronic_days`` (λ = 2/29): ``EWMA_t = λ · load_t + (1 − λ) · EWMA_{t−1}``.
    Both averages are seeded with the first day's load (``EWMA_0 = load_0``).

    Coverage: only recorded days count (see :func:`gaps`). A run of more than
    ``max_gap_days`` days without load (14 by default) is a break, not rest: its days have no
    acute load, chronic load or ratio (NaN), and each stretch of training between breaks is
    computed as a series of its own, the EWMAs seeded again with its first day's load. The
    history is the number of days recorded in the current stretch, that day included (a return
    after a break starts again at day 1). Acute load is NaN until the history holds
    ``acute_days`` days; chronic load (and so the ratio) is NaN until it holds
    ``min_chronic_days`` days. While the history is shorter than the chronic window, the rolling
    chronic means average the days recorded so far (days before the stretch are unknown, not
    rest). With the default floor (the full chronic window) the ratio first appears on day
    ``chronic_days`` of a stretch. This is what stops a first run after a long break from
    reading as a spike: counting the idle days as rest would give the coupled ratio
    28/7 = 4.0 for a week, because the acute week lies inside the chronic window, an artefact
    of the arithmetic rather than a measurement. The uncoupled chronic window holds no day
    before day ``acute_days + 1``, so with a floor of ``acute_days`` its ratio first appears on
    that day, one day after the other variants'. (With a floor of ``acute_days`` the coupled
    rolling ratio is 1 on its first day by construction, both means covering the same days: a
    floor above ``acute_days`` is the useful one, and the athlete's settings ask for at least
    ``acute_days + 1``.) ACWR is also NaN where chronic load is 0.

    Parameters
    ----------
    daily
        ``date`` and ``load`` (from :func:`daily_load`).
    acute_days, chronic_days
        Window lengths [days]; for ``"ewma"`` the N of each average.
    variant
        One of :data:`ACWR_VARIANTS`.
    min_chronic_days
        Days of history needed before chronic load and the ratio are given [days]; default
        ``chronic_days``. Between ``acute_days`` and ``chronic_days``, e.g. 21.
    max_gap_days
        The longest run of idle days still counted as rest [days] (see :func:`gaps`); None
        counts every day since the first as history, idle days as rest.

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
    and harder? *Br J Sports Med* 2016;50(5):273–280 (coupled rolling 7:28).

    Williams S, West S, Cross MJ, Stokes KA. Better way to determine the acute:chronic workload
    ratio? *Br J Sports Med* 2017;51(3):209–210 (EWMA, λ = 2/(N+1)).

    Windt J, Gabbett TJ. Is it all for naught? What does mathematical coupling mean for
    acute:chronic workload ratios? *Br J Sports Med* 2019;53(16):988–990 (published online
    2018; uncoupled 7:21).

    Lolli L, Batterham AM, Hawkins R, et al. Mathematical coupling causes spurious correlation
    within the conventional acute-to-chronic workload ratio calculations. *Br J Sports Med*
    2019;53(15):921–922.

    Impellizzeri FM, Tenan MS, Kempton T, Novak A, Coutts AJ. Acute:chronic workload ratio:
    conceptual issues and fundamental pitfalls. *Int J Sports Physiol Perform*
    2020;15(6):907–913 (the limits of every variant, among them how a ratio behaves when
    the chronic load is small or unknown).
    """
    floor = _check_windows(acute_days, chronic_days, variant, min_chronic_days)
    index, load = complete_days(daily)

    def acute_of(stretch: FloatArray) -> FloatArray:
        if variant == "ewma":
            out = _ewma(stretch, acute_days)
            out[: acute_days - 1] = np.nan
            return out
        return _trailing_mean(stretch, acute_days, acute_days)

    def chronic_of(stretch: FloatArray) -> FloatArray:
        if variant == "ewma":
            out = _ewma(stretch, chronic_days)
            out[: floor - 1] = np.nan
            return out
        if variant == "rolling":
            return _trailing_mean(stretch, chronic_days, floor)
        return _preceding_mean(stretch, acute_days, chronic_days - acute_days, floor)

    acute = per_stretch(load, max_gap_days, acute_of)
    chronic = per_stretch(load, max_gap_days, chronic_of)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(chronic > 0, acute / chronic, np.nan)
    return pd.DataFrame(
        {c.DATE: index, c.LOAD: load, c.ACUTE_LOAD: acute, c.CHRONIC_LOAD: chronic, c.ACWR: ratio}
    )


def acwr_band(
    value: float | None,
    sweet_spot: tuple[float, float] = ACWR_SWEET_SPOT,
    danger: float = ACWR_DANGER,
) -> str:
    """Name the risk band an ACWR value falls in.

    ``"not enough history"`` (NaN or None), ``"low"`` (below the sweet spot), ``"sweet spot"``
    (0.8–1.3 by default, both ends included), ``"caution"`` (above the sweet spot up to
    ``danger``, included) or ``"danger"`` (above ``danger``, 1.5 by default).

    Parameters
    ----------
    value
        ACWR [ratio].
    sweet_spot
        Lowest and highest ratio of the sweet spot.
    danger
        Ratio above which the band is ``"danger"``; at least the sweet spot's upper end.

    References
    ----------
    Gabbett TJ. The training–injury prevention paradox: should athletes be training smarter
    and harder? *Br J Sports Med* 2016;50(5):273–280.
    """
    low, high = sweet_spot
    if not 0 <= low <= high <= danger:
        raise ValueError("need 0 <= sweet spot low <= sweet spot high <= danger")
    if value is None or not math.isfinite(value):
        return "not enough history"
    if value < low:
        return "low"
    if value <= high:
        return "sweet spot"
    if value <= danger:
        return "caution"
    return "danger"


def history_days(daily: pd.DataFrame) -> int:
    """Number of calendar days the daily series spans, first to last day inclusive.

    Breaks included: the history the ratio counts is :func:`recorded_days`.
    """
    dates = pd.to_datetime(daily[c.DATE]).dropna()
    if len(dates) == 0:
        return 0
    return int((dates.max().normalize() - dates.min().normalize()).days) + 1


def enough_history(
    daily: pd.DataFrame,
    chronic_days: int = 28,
    min_chronic_days: int | None = None,
    *,
    max_gap_days: int | None = None,
) -> bool:
    """True when the daily series has the history an ACWR needs.

    The floor is ``min_chronic_days`` days, by default the full chronic window. With
    ``max_gap_days=None`` (the default) the history is the whole span of the series
    (:func:`history_days`): whether the series can hold a ratio anywhere, which is what a chart
    of the ratio over time needs. With ``max_gap_days`` given the history is
    :func:`recorded_days`, the rule :func:`acute_chronic` applies: whether the series' last day
    has a ratio, so a last day inside a break, or in the first weeks after one, has not enough
    history.
    """
    floor = chronic_days if min_chronic_days is None else min_chronic_days
    if max_gap_days is None:
        return history_days(daily) >= floor
    return recorded_days(daily, max_gap_days) >= floor
