"""Fitness, fatigue and form (the performance management chart), and Foster's training
monotony and strain, from a daily load series.

Every function takes the daily series of :func:`analysis.metrics.load.daily_load` (``date``,
``load``) in any load model's unit; days missing from it are rest days (load 0).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from analysis import columns as c
from analysis.metrics.intensity import FloatArray
from analysis.metrics.load import (
    MAX_GAP_DAYS,
    check_max_gap,
    complete_days,
    covered_mask,
    per_stretch,
)

PMC_CONVENTIONS = ("trainingpeaks", "banister", "runalyze")
"""How the daily smoothing constant k follows from the time constant N (see :func:`pmc`)."""

PMC_CONVENTION_TEXT: dict[str, str] = {
    "trainingpeaks": (
        "TrainingPeaks / Coggan: each day CTL and ATL move 1/N of the way towards that day's load "
        "(N = 42 and 7 days)."
    ),
    "banister": (
        "Banister's impulse-response model: each day CTL and ATL move 1 − e^(−1/N) of the way "
        "towards that day's load, the exact daily step of an exponential decay with time "
        "constant N (42 and 7 days)."
    ),
    "runalyze": (
        "Runalyze: each day CTL and ATL move 2/(N+1) of the way towards that day's load, an "
        "exponential moving average over N days (42 and 7), so both react faster; form is "
        "today's fitness minus today's fatigue, as Runalyze computes it."
    ),
}
"""One sentence per convention, for the page."""

TSB_TEXT = (
    "Form (TSB) is yesterday's fitness minus yesterday's fatigue, so today's session does not "
    "change today's form."
)
"""How form is read under the TrainingPeaks and Banister conventions."""

TSB_CONVENTION_TEXT: dict[str, str] = {
    "trainingpeaks": TSB_TEXT,
    "banister": TSB_TEXT,
    "runalyze": (
        "Form (TSB) is today's fitness minus today's fatigue, as Runalyze computes it, so "
        "today's session already lowers today's form."
    ),
}
"""How form is read under each convention (see :func:`pmc`), for the page."""

TSB_FROM_TODAY = frozenset({"runalyze"})
"""Conventions whose form is today's CTL − ATL rather than yesterday's."""

GAP_TEXT = (
    "Breaks of more than {days} days without training are left blank: no fitness, fatigue or "
    "form is drawn across them, and the values after a break continue from the model's decay "
    "through it."
)
"""The page's sentence about breaks in the PMC; ``days`` is the longest run of rest days."""

MONOTONY_WARNING = 1.5
"""Monotony from which a week is flagged: values below 1.5 are the preferred range and over 2.0
too high in common practice after Foster 1998 (fellrnr.com/wiki/Training_Monotony)."""

MONOTONY_CRITICAL = 2.0
"""Monotony above which Foster (1998) saw illness and overreaching follow high strain."""

MONOTONY_LEVELS = ("ok", "warning", "critical", "n/a")
"""What :func:`monotony_level` returns."""


def smoothing_constant(days: float, convention: str = "trainingpeaks") -> float:
    """The daily smoothing constant k of a time constant under one convention.

    Parameters
    ----------
    days
        Time constant N [days], at least 1.
    convention
        ``"trainingpeaks"`` (k = 1/N), ``"banister"`` (k = 1 − e^(−1/N)) or ``"runalyze"``
        (k = 2/(N+1)).

    Returns
    -------
    float
        k [1/day], in (0, 1].
    """
    if not days >= 1:
        raise ValueError(f"the time constant must be at least 1 day, not {days!r}")
    if convention == "trainingpeaks":
        return 1.0 / days
    if convention == "banister":
        return 1.0 - math.exp(-1.0 / days)
    if convention == "runalyze":
        return 2.0 / (days + 1.0)
    raise ValueError(f"PMC convention must be one of {PMC_CONVENTIONS}, not {convention!r}")


def _smooth_from_zero(load: FloatArray, k: float) -> FloatArray:
    """``S_t = S_{t−1} + k · (load_t − S_{t−1})`` with ``S_{−1} = 0``; one value per day."""
    if len(load) == 0:
        return np.zeros(0)
    # adjust=False is exactly this recursion, started at the first value: start it at 0
    started = np.concatenate([[0.0], load])
    smoothed = pd.Series(started).ewm(alpha=k, adjust=False).mean().to_numpy(dtype="float64")
    return np.array(smoothed[1:], dtype="float64", copy=True)  # writable: breaks are masked


def pmc(
    daily: pd.DataFrame,
    ctl_days: float = 42,
    atl_days: float = 7,
    convention: str = "trainingpeaks",
    *,
    max_gap_days: int | None = MAX_GAP_DAYS,
) -> pd.DataFrame:
    """Chronic training load (fitness), acute training load (fatigue) and their balance (form).

    ``CTL_t = CTL_{t−1} + k_CTL · (load_t − CTL_{t−1})`` and likewise ATL with ``k_ATL``, both
    starting at 0 before the first day (so ``CTL_0 = k_CTL · load_0``). The constant k follows
    from the time constant N by the convention chosen:

    - ``"trainingpeaks"``: k = 1/N, the recurrence TrainingPeaks' Performance Manager (Coggan)
      uses.
    - ``"banister"``: k = 1 − e^(−1/N), the exact one-day decay of Banister's impulse-response
      model with time constant N (about 1 % below 1/N for N = 42, 7 % for N = 7).
    - ``"runalyze"``: k = 2/(N+1), the exponential moving average Runalyze uses.

    Form: under ``"trainingpeaks"`` and ``"banister"``, ``TSB_t = CTL_{t−1} − ATL_{t−1}``, from
    yesterday's values as TrainingPeaks does (TSB on the first day is 0); under ``"runalyze"``,
    ``TSB_t = CTL_t − ATL_t``, from today's values, as Runalyze's ``Performance[i] =
    Fitness[i] − Fatigue[i]`` does. Worked example (Runalyze, one day of load 10): CTL =
    10 · 2/43 = 0.465, ATL = 10 · 2/8 = 2.5, TSB = −2.035 on that day, where the TrainingPeaks
    rule would give 0.

    Rest days count as zero load. Breaks (runs of more than ``max_gap_days`` days without load,
    see :func:`analysis.metrics.load.gaps`) are not data: CTL, ATL and TSB are NaN on their
    days, so a chart does not draw a line across them. The model itself runs on through a break
    with zero load, as Banister's impulse-response model decays between training impulses, so
    the return starts again from the decayed values: after a break of 15 days CTL keeps
    (41/42)^15 ≈ 70 % of its value (TrainingPeaks k), after a year
    (41/42)^365 ≈ 0.02 %, in effect a restart from zero. (A reset to zero at every break would
    lose two-thirds of the fitness the model credits after a fortnight off; Coyle et al. 1984
    measured 7 % of VO2max lost in the first 12 days.)

    Parameters
    ----------
    daily
        ``date`` and ``load`` (from :func:`analysis.metrics.load.daily_load`).
    ctl_days, atl_days
        Time constants N of fitness and fatigue [days], at least 1.
    convention
        One of :data:`PMC_CONVENTIONS`.

    Returns
    -------
    pandas.DataFrame
        ``date``, ``load``, ``ctl``, ``atl`` and ``tsb`` [unit of ``load`` per day], one row
        per day from the first to the last day of ``daily``.

    References
    ----------
    Banister EW, Calvert TW, Savage MV, Bach T. A systems model of training for athletic
    performance. *Aust J Sports Med* 1975;7(3):57–61.

    Banister EW. Modeling elite athletic performance. In: MacDougall JD, Wenger HA, Green HJ,
    eds. *Physiological Testing of the High-Performance Athlete*. 2nd ed. Champaign, IL: Human
    Kinetics; 1991:403–424.

    Allen H, Coggan AR. *Training and Racing with a Power Meter*. 2nd ed. Boulder, CO:
    VeloPress; 2010 (the Performance Manager: CTL 42 d, ATL 7 d, TSB from yesterday's values).

    Runalyze. ``inc/core/Calculation/Performance/TSB.php``: λ = 2/(N+1), and
    ``Performance[i] = Fitness[i] − Fatigue[i]`` (form from the same day's values)
    (github.com/Runalyze/Runalyze).

    Coyle EF, Martin WH, Sinacore DR, Joyner MJ, Hagberg JM, Holloszy JO. Time course of loss
    of adaptations after stopping prolonged intense endurance training. *J Appl Physiol*
    1984;57(6):1857–1864.
    """
    k_ctl = smoothing_constant(ctl_days, convention)
    k_atl = smoothing_constant(atl_days, convention)
    check_max_gap(max_gap_days)
    index, load = complete_days(daily)
    ctl = _smooth_from_zero(load, k_ctl)
    atl = _smooth_from_zero(load, k_atl)
    if convention in TSB_FROM_TODAY:
        tsb = ctl - atl
    else:
        tsb = np.concatenate([[0.0], ctl[:-1] - atl[:-1]]) if len(load) else np.zeros(0)
    gap = ~covered_mask(load, max_gap_days)
    for values in (ctl, atl, tsb):
        values[gap] = np.nan
    return pd.DataFrame({c.DATE: index, c.LOAD: load, c.CTL: ctl, c.ATL: atl, c.TSB: tsb})


def monotony(
    daily: pd.DataFrame, window_days: int = 7, *, max_gap_days: int | None = MAX_GAP_DAYS
) -> pd.DataFrame:
    """Foster's training monotony and strain over the trailing week of every day.

    Over the ``window_days`` days ending on each day (today included, missing days count as
    zero load): weekly load = the sum of the daily loads; monotony = their mean / their
    population standard deviation (divided by n, not n − 1); strain = weekly load × monotony.
    All three are NaN until the window holds ``window_days`` recorded days: Foster's week is
    seven days of training record, so a window reaching into a break (a run of more than
    ``max_gap_days`` days without load, :func:`analysis.metrics.load.gaps`) has no value, and
    after a break the first value comes on its seventh day. A week whose days all carry the
    same load (a week of rest, or the same load every day) has SD 0: its monotony and strain
    are NaN rather than infinite (no day-to-day variation to measure).

    Parameters
    ----------
    daily
        ``date`` and ``load`` (from :func:`analysis.metrics.load.daily_load`).
    window_days
        The week [days], at least 2.
    max_gap_days
        The longest run of idle days still counted as rest [days]; None: every day counts.

    Returns
    -------
    pandas.DataFrame
        ``date``, ``load`` [unit of ``load``], ``weekly_load`` [unit of ``load``],
        ``monotony`` [ratio] and ``strain`` [unit of ``load``].

    References
    ----------
    Foster C. Monitoring training in athletes with reference to overtraining syndrome.
    *Med Sci Sports Exerc* 1998;30(7):1164–1168.
    """
    if window_days < 2:
        raise ValueError("the monotony window needs at least 2 days")
    index, load = complete_days(daily)

    def weeks_of(stretch: FloatArray) -> FloatArray:
        out = np.full(len(stretch), np.nan)
        if len(stretch) >= window_days:
            out[window_days - 1 :] = sliding_window_view(stretch, window_days).sum(axis=1)
        return out

    def monotony_of(stretch: FloatArray) -> FloatArray:
        out = np.full(len(stretch), np.nan)
        if len(stretch) < window_days:
            return out
        weeks = sliding_window_view(stretch, window_days)
        mean = weeks.mean(axis=1)
        sd = weeks.std(axis=1, ddof=0)
        # compared exactly rather than sd == 0: the mean of equal floats can differ from them in
        # the last bit, leaving an SD of 1e-16 and a monotony of 1e16 for a perfectly flat week
        flat = weeks.max(axis=1) == weeks.min(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[window_days - 1 :] = np.where(flat, np.nan, mean / sd)
        return out

    weekly = per_stretch(load, max_gap_days, weeks_of)
    mono = per_stretch(load, max_gap_days, monotony_of)
    strain = weekly * mono
    return pd.DataFrame(
        {c.DATE: index, c.LOAD: load, c.WEEKLY_LOAD: weekly, c.MONOTONY: mono, c.STRAIN: strain}
    )


def monotony_level(
    value: float | None,
    warning: float = MONOTONY_WARNING,
    critical: float = MONOTONY_CRITICAL,
) -> str:
    """Grade a monotony value.

    ``"n/a"`` (NaN or None: no full week, or no variation), ``"ok"`` (below ``warning``),
    ``"warning"`` (from ``warning`` up to, not including, ``critical``) or ``"critical"``
    (``critical`` and above).

    Parameters
    ----------
    value
        Monotony [ratio].
    warning, critical
        Thresholds [ratio], 1.5 and 2.0 by default.

    References
    ----------
    Foster C. Monitoring training in athletes with reference to overtraining syndrome.
    *Med Sci Sports Exerc* 1998;30(7):1164–1168.
    """
    if not 0 <= warning <= critical:
        raise ValueError("need 0 <= warning <= critical")
    if value is None or not math.isfinite(value):
        return "n/a"
    if value >= critical:
        return "critical"
    if value >= warning:
        return "warning"
    return "ok"
