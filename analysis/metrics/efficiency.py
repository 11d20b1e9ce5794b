"""Aerobic efficiency per run, and the trends that separate fitness from running faster.

* **Efficiency factor** (EF, Friel): mean speed over mean heart rate. We report it in metres per
  minute per beat, ``m/min per bpm``; a 5:00 min/km run (200 m/min) at 150 bpm has EF 1.33.
  TrainingPeaks quotes running EF in yards per minute per beat (× 1.0936 of ours) and from
  normalized graded pace; we use plain speed, so hills lower EF.
* **Aerobic decoupling** (Pa:HR, Friel): the EF of the first half of the steady part of a run
  against the EF of its second half, ``(EF₁ − EF₂) / EF₁ × 100`` [%]. Positive: heart rate drifted
  up against pace. Friel reads under 5 % on a long steady run as good aerobic endurance.
* **Pace at a fixed heart rate** and **cadence at a fixed pace**: per run, the median pace of the
  samples within ± a few beats of a chosen heart rate, and the median cadence of the samples
  within ± a few seconds per km of a chosen pace. Over weeks they show a real change at equal
  effort (or equal speed), which a run's average cannot when the runs themselves got faster.
* **Test runs**: runs marked as a repeatable test of a kind (a label), each compared with the
  test of the same kind before it and with the first one.

Every figure comes from the stored per-sample frame, weighted by ``sample_duration_s``, and
reads only **moving** samples (speed at least :data:`analysis.schema.MOVING_SPEED_MPS`): a stop
at a traffic light does not count as a slow, low-HR stretch. Pauses of the recorder are already
short in ``sample_duration_s`` (the schema caps a gap at one typical interval).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from analysis import columns as c
from analysis.metrics.frames import float_column
from analysis.schema import MOVING_SPEED_MPS

FloatArray = npt.NDArray[np.float64]

WARMUP_S = 600.0
"""Moving time at the start of a run left out of decoupling [s]: Friel measures the steady part
after a warm-up; ten minutes is our choice."""

MIN_STEADY_S = 1200.0
"""The steady part must last this long for a decoupling figure [s] (our choice: two halves of
ten minutes each; Friel's own test is an hour or more)."""

DECOUPLING_GOOD_PCT = 5.0
"""Friel: decoupling under 5 % on a long steady run means the aerobic base is ready [%]."""

HR_TOLERANCE_BPM = 3.0
"""Pace at a fixed heart rate reads the samples within ± this many beats [bpm]."""

PACE_TOLERANCE_S_PER_KM = 10.0
"""Cadence at a fixed pace reads the samples within ± this many seconds per km [s/km]."""

MIN_MATCHED_S = 120.0
"""A run needs this much moving time at the chosen HR or pace for a figure [s] (our choice)."""

TREND_DAYS = 28
"""The trend is the mean of the easy runs of the last 28 days, each day's run included."""


# ---- helpers ----------------------------------------------------------------------------------


def _seconds(frame: pd.DataFrame) -> FloatArray:
    seconds = float_column(frame, c.SAMPLE_DURATION_S)
    return np.where(np.isfinite(seconds) & (seconds > 0), seconds, 0.0)


def moving_mask(frame: pd.DataFrame) -> npt.NDArray[np.bool_]:
    """Samples that are moving: a speed of at least :data:`MOVING_SPEED_MPS`."""
    speed = float_column(frame, c.SPEED_MPS)
    return np.isfinite(speed) & (speed >= MOVING_SPEED_MPS)


def weighted_median(values: FloatArray, weights: FloatArray) -> float:
    """The lower weighted median: the smallest value at which the cumulative weight reaches
    half of the total. NaN without positive weight.

    Example: values 300, 310, 320 s/km held 10, 10 and 30 s: half of 50 s is 25 s, reached
    at 320 (10, 20, 50), so the median is 320 s/km.
    """
    keep = np.isfinite(values) & np.isfinite(weights) & (weights > 0)
    v, w = values[keep], weights[keep]
    total = float(w.sum())
    if total <= 0:
        return float("nan")
    order = np.argsort(v, kind="stable")
    cumulative = np.cumsum(w[order])
    index = int(np.searchsorted(cumulative, total / 2.0, side="left"))
    return float(v[order][min(index, len(v) - 1)])


def _ef(speed: FloatArray, hr: FloatArray, seconds: FloatArray) -> float:
    """Time-weighted mean speed [m/min] over time-weighted mean HR [bpm]."""
    total = float(seconds.sum())
    if total <= 0:
        return float("nan")
    mean_speed = float((speed * seconds).sum()) / total
    mean_hr = float((hr * seconds).sum()) / total
    if mean_hr <= 0:
        return float("nan")
    return mean_speed * 60.0 / mean_hr


def _aerobic(frame: pd.DataFrame) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Speed [m/s], HR [bpm] and seconds of the moving samples that have a heart rate."""
    speed, hr, seconds = (
        float_column(frame, c.SPEED_MPS),
        float_column(frame, c.HEART_RATE_BPM),
        _seconds(frame),
    )
    keep = moving_mask(frame) & np.isfinite(hr) & (hr > 0)
    return speed[keep], hr[keep], seconds[keep]


# ---- one run ----------------------------------------------------------------------------------


def efficiency_factor(samples: pd.DataFrame) -> float:
    """Friel's efficiency factor of one run: mean speed over mean heart rate.

    Both means are weighted by ``sample_duration_s`` over the moving samples that have a speed
    and a heart rate (the whole run, warm-up included, as TrainingPeaks computes it for a
    workout).

    Parameters
    ----------
    samples
        A per-sample frame (``speed_mps``, ``heart_rate_bpm``, ``sample_duration_s``).

    Returns
    -------
    float
        EF [m/min per bpm]; NaN without moving samples with heart rate.

    References
    ----------
    Friel J. *The Cyclist's Training Bible*. 5th ed. Boulder, CO: VeloPress; 2018 (efficiency
    factor and aerobic decoupling); Friel J. "Aerobic endurance and decoupling", Joe Friel's
    blog (joefrieltraining.com).

    TrainingPeaks Help Center, "Efficiency Factor (EF)": for running, normalized graded pace
    [yd/min] / average HR. We use plain speed in m/min.
    """
    return _ef(*_aerobic(samples))


def efficiency_halves(
    samples: pd.DataFrame, warmup_s: float = WARMUP_S, min_steady_s: float = MIN_STEADY_S
) -> tuple[float, float]:
    """EF of the first and of the second half of the steady part of a run.

    The steady part is the moving time with heart rate after the first ``warmup_s`` seconds of
    it; it is split into two halves of equal time. A sample belongs to the half in which it
    starts (its moving time so far, before it, is under half the steady time: first half).

    Returns
    -------
    tuple of float
        ``(EF₁, EF₂)`` [m/min per bpm]; NaN, NaN when the steady part is shorter than
        ``min_steady_s``.
    """
    speed, hr, seconds = _aerobic(samples)
    before = np.cumsum(seconds) - seconds  # moving time before each sample starts
    steady = before >= warmup_s
    speed, hr, seconds, before = speed[steady], hr[steady], seconds[steady], before[steady]
    total = float(seconds.sum())
    if total < min_steady_s or total <= 0:
        return float("nan"), float("nan")
    first = (before - warmup_s) < total / 2.0
    return _ef(speed[first], hr[first], seconds[first]), _ef(
        speed[~first], hr[~first], seconds[~first]
    )


def aerobic_decoupling(
    samples: pd.DataFrame, warmup_s: float = WARMUP_S, min_steady_s: float = MIN_STEADY_S
) -> float:
    """Friel's aerobic decoupling (Pa:HR) of one run.

    ``(EF₁ − EF₂) / EF₁ × 100`` with EF₁, EF₂ the efficiency factors of the first and second
    half of the steady part (:func:`efficiency_halves`: moving time after a ``warmup_s``
    warm-up, split in two equal halves of time). Positive when heart rate rose against pace
    (cardiac drift); Friel reads under 5 % (:data:`DECOUPLING_GOOD_PCT`) on a long steady run
    as a sign that aerobic endurance is good. Intervals and hilly runs decouple for other
    reasons: read it on steady, flat runs.

    Returns
    -------
    float
        Decoupling [%]; NaN when the steady part is shorter than ``min_steady_s`` or has no
        heart rate.

    References
    ----------
    Friel J. *The Cyclist's Training Bible*. 5th ed. Boulder, CO: VeloPress; 2018; Friel J.
    "Aerobic endurance and decoupling", Joe Friel's blog (joefrieltraining.com) (Pa:HR; under
    5 %).

    TrainingPeaks Help Center, "Aerobic Decoupling (Pa:Hr, Pw:Hr)": (EF of the first half − EF
    of the second half) / EF of the first half.
    """
    ef1, ef2 = efficiency_halves(samples, warmup_s, min_steady_s)
    if not (math.isfinite(ef1) and math.isfinite(ef2)) or ef1 <= 0:
        return float("nan")
    return (ef1 - ef2) / ef1 * 100.0


def pace_at_heart_rate(
    samples: pd.DataFrame,
    heart_rate_bpm: float,
    tolerance_bpm: float = HR_TOLERANCE_BPM,
    min_matched_s: float = MIN_MATCHED_S,
) -> tuple[float, float]:
    """The median pace of one run's moving samples at a chosen heart rate.

    Samples whose heart rate lies within ``heart_rate_bpm ± tolerance_bpm`` (edges included)
    count, each weighted by its seconds; the pace is the lower weighted median of their
    ``1000 / speed`` (:func:`weighted_median`). Heart rate lags a change of pace by a minute or
    so, which a steady run hides and an interval session does not: read it on easy runs.

    Returns
    -------
    tuple of float
        ``(pace [s/km], matched time [s])``; the pace is NaN when fewer than ``min_matched_s``
        seconds matched.
    """
    speed, hr, seconds = _aerobic(samples)
    near = np.abs(hr - heart_rate_bpm) <= tolerance_bpm + 1e-9
    matched = float(seconds[near].sum())
    if matched < min_matched_s or matched <= 0:
        return float("nan"), matched
    return weighted_median(1000.0 / speed[near], seconds[near]), matched


def cadence_at_pace(
    samples: pd.DataFrame,
    pace_s_per_km: float,
    tolerance_s_per_km: float = PACE_TOLERANCE_S_PER_KM,
    min_matched_s: float = MIN_MATCHED_S,
) -> tuple[float, float]:
    """The median cadence of one run's moving samples at a chosen pace.

    Samples whose pace (``1000 / speed``) lies within ``pace_s_per_km ± tolerance_s_per_km``
    (edges included) and that have a cadence count, weighted by their seconds (lower weighted
    median, :func:`weighted_median`).

    Returns
    -------
    tuple of float
        ``(cadence [steps/min], matched time [s])``; the cadence is NaN when fewer than
        ``min_matched_s`` seconds matched.
    """
    moving = moving_mask(samples)
    speed, cadence, seconds = (
        float_column(samples, c.SPEED_MPS)[moving],
        float_column(samples, c.CADENCE_SPM)[moving],
        _seconds(samples)[moving],
    )
    pace = 1000.0 / speed
    near = np.isfinite(cadence) & (np.abs(pace - pace_s_per_km) <= tolerance_s_per_km + 1e-9)
    matched = float(seconds[near].sum())
    if matched < min_matched_s or matched <= 0:
        return float("nan"), matched
    return weighted_median(cadence[near], seconds[near]), matched


def run_summary(samples: pd.DataFrame) -> dict[str, float]:
    """Moving time [s], distance [km], pace [s/km] and mean HR [bpm] of the moving samples.

    Distance is Σ speed × seconds of the moving samples; pace is moving time over it; the mean
    heart rate is weighted by seconds over the moving samples that have one.
    """
    moving = moving_mask(samples)
    speed, seconds = float_column(samples, c.SPEED_MPS)[moving], _seconds(samples)[moving]
    hr = float_column(samples, c.HEART_RATE_BPM)[moving]
    time_s = float(seconds.sum())
    metres = float((speed * seconds).sum())
    with_hr = np.isfinite(hr) & (hr > 0)
    hr_time = float(seconds[with_hr].sum())
    return {
        c.MOVING_TIME_S: time_s,
        c.DISTANCE_KM: metres / 1000.0,
        c.PACE_S_PER_KM: time_s / (metres / 1000.0) if metres > 0 else float("nan"),
        c.AVG_HEART_RATE_BPM: (
            float((hr[with_hr] * seconds[with_hr]).sum()) / hr_time if hr_time > 0 else float("nan")
        ),
    }


# ---- many runs --------------------------------------------------------------------------------

_RUN_KEYS = (c.ACTIVITY_ID, c.START_TIME_LOCAL, c.LOCAL_DATE, c.NAME)


def efficiency_table(
    runs: pd.DataFrame,
    samples: Mapping[str, pd.DataFrame],
    easy_ceiling_bpm: float,
    *,
    warmup_s: float = WARMUP_S,
    min_steady_s: float = MIN_STEADY_S,
) -> pd.DataFrame:
    """Per run: moving summary, EF, decoupling, and whether it was an easy run.

    Parameters
    ----------
    runs
        Activities (``activity_id``, ``start_time_local``, ``local_date``, ``name``).
    samples
        Per-sample frames keyed by activity id; a run without one is left out.
    easy_ceiling_bpm
        The top of the athlete's easy zones [bpm] (exclusive): a run whose mean moving heart
        rate lies below it is easy (:func:`analysis.metrics.zones.easy_zones`).

    Returns
    -------
    pandas.DataFrame
        ``activity_id``, ``start_time_local``, ``local_date``, ``name``, ``moving_time_s`` [s],
        ``distance_km`` [km], ``pace_s_per_km`` [s/km], ``avg_heart_rate_bpm`` [bpm],
        ``ef_m_per_min_per_bpm``, ``decoupling_pct`` [%] and ``is_easy``, oldest first.
    """
    rows: list[dict[str, object]] = []
    for run in runs.to_dict("records"):
        frame = samples.get(str(run[c.ACTIVITY_ID]))
        if frame is None or frame.empty:
            continue
        summary = run_summary(frame)
        hr = summary[c.AVG_HEART_RATE_BPM]
        rows.append(
            {
                **{key: run.get(key) for key in _RUN_KEYS},
                **summary,
                c.EFFICIENCY_FACTOR: efficiency_factor(frame),
                c.DECOUPLING_PCT: aerobic_decoupling(frame, warmup_s, min_steady_s),
                c.IS_EASY: bool(math.isfinite(hr) and hr < easy_ceiling_bpm),
            }
        )
    columns = [
        *_RUN_KEYS, c.MOVING_TIME_S, c.DISTANCE_KM, c.PACE_S_PER_KM, c.AVG_HEART_RATE_BPM,
        c.EFFICIENCY_FACTOR, c.DECOUPLING_PCT, c.IS_EASY,
    ]  # fmt: skip
    out = pd.DataFrame(rows, columns=columns)
    out[c.IS_EASY] = out[c.IS_EASY].astype(bool)
    return out.sort_values(c.START_TIME_LOCAL, kind="stable").reset_index(drop=True)


def easy_trend(table: pd.DataFrame, days: int = TREND_DAYS) -> pd.DataFrame:
    """The easy runs of :func:`efficiency_table` with the rolling mean of their EF and decoupling.

    The trend at a run is the mean over the easy runs of the ``days`` calendar days ending on
    that run's day (that run included); runs without a figure do not count.

    Returns
    -------
    pandas.DataFrame
        The easy rows plus ``ef_trend_m_per_min_per_bpm`` and ``decoupling_trend_pct``.
    """
    easy = table[table[c.IS_EASY].astype(bool)].copy()
    if easy.empty:
        easy[c.EF_TREND] = pd.Series(dtype="float64")
        easy[c.DECOUPLING_TREND_PCT] = pd.Series(dtype="float64")
        return easy.reset_index(drop=True)
    easy = easy.sort_values(c.START_TIME_LOCAL, kind="stable").reset_index(drop=True)
    index = pd.DatetimeIndex(pd.to_datetime(easy[c.START_TIME_LOCAL]))
    # a window of N days that ends at the run's own time holds the runs since the start of the
    # N-1 days before its day (nanoseconds, compared as NumPy integers)
    # nanoseconds; the runs are in time order, so each window is a run of rows [first, last)
    ends = index.asi8
    starts = (index.normalize() - pd.Timedelta(days=days - 1)).asi8
    first = np.searchsorted(ends, starts, side="left")
    last = np.searchsorted(ends, ends, side="right")
    for source, target in (
        (c.EFFICIENCY_FACTOR, c.EF_TREND),
        (c.DECOUPLING_PCT, c.DECOUPLING_TREND_PCT),
    ):
        values = float_column(easy, source)
        known = np.isfinite(values)
        sums = np.concatenate([[0.0], np.cumsum(np.where(known, values, 0.0))])
        counts = np.concatenate([[0], np.cumsum(known)])
        total, count = sums[last] - sums[first], counts[last] - counts[first]
        with np.errstate(invalid="ignore", divide="ignore"):
            easy[target] = np.where(count > 0, total / count, np.nan)
    return easy


def fixed_point_table(
    runs: pd.DataFrame,
    samples: Mapping[str, pd.DataFrame],
    *,
    heart_rate_bpm: float | None = None,
    pace_s_per_km: float | None = None,
    tolerance_bpm: float = HR_TOLERANCE_BPM,
    tolerance_s_per_km: float = PACE_TOLERANCE_S_PER_KM,
    min_matched_s: float = MIN_MATCHED_S,
) -> pd.DataFrame:
    """Per run: the pace at a chosen heart rate and the cadence at a chosen pace.

    Returns
    -------
    pandas.DataFrame
        ``activity_id``, ``start_time_local``, ``local_date``, ``name``,
        ``pace_at_hr_s_per_km`` [s/km], ``matched_s`` (the moving time at the chosen heart
        rate) [s] and ``cadence_at_pace_spm`` [steps/min], oldest first. Only runs where at
        least one of the two figures is known are kept.
    """
    rows: list[dict[str, object]] = []
    for run in runs.to_dict("records"):
        frame = samples.get(str(run[c.ACTIVITY_ID]))
        if frame is None or frame.empty:
            continue
        pace, matched = (float("nan"), 0.0)
        cadence = float("nan")
        if heart_rate_bpm is not None:
            pace, matched = pace_at_heart_rate(frame, heart_rate_bpm, tolerance_bpm, min_matched_s)
        if pace_s_per_km is not None:
            cadence, _ = cadence_at_pace(frame, pace_s_per_km, tolerance_s_per_km, min_matched_s)
        if math.isnan(pace) and math.isnan(cadence):
            continue
        rows.append(
            {
                **{key: run.get(key) for key in _RUN_KEYS},
                c.PACE_AT_HR_S_PER_KM: pace,
                c.MATCHED_S: matched,
                c.CADENCE_AT_PACE_SPM: cadence,
            }
        )
    columns = [*_RUN_KEYS, c.PACE_AT_HR_S_PER_KM, c.MATCHED_S, c.CADENCE_AT_PACE_SPM]
    out = pd.DataFrame(rows, columns=columns)
    return out.sort_values(c.START_TIME_LOCAL, kind="stable").reset_index(drop=True)


# ---- test runs --------------------------------------------------------------------------------


def kinds_of_test(names: pd.Series, patterns: Sequence[str]) -> pd.Series:
    """Which repeatable test each run is, from its name.

    A run is a test of the first pattern its name contains (plain text, case and surrounding
    spaces ignored; no wildcards); the kind is the pattern as typed, stripped. Empty patterns
    are ignored.

    Returns
    -------
    pandas.Series
        The kind of each run, or None, aligned with ``names``.
    """
    wanted = [(p.strip(), p.strip().casefold()) for p in patterns if p and p.strip()]
    kinds: list[str | None] = []
    for name in names:
        text = str(name).casefold() if isinstance(name, str) else ""
        kinds.append(next((label for label, key in wanted if key in text), None))
    return pd.Series(kinds, index=names.index, dtype="object")


def comparison_of_tests(table: pd.DataFrame) -> pd.DataFrame:
    """Each test run against the test of the same kind before it, and against the first one.

    Parameters
    ----------
    table
        Rows of :func:`efficiency_table` with a ``test_kind`` column (None: not a test;
        :func:`kinds_of_test`).

    Returns
    -------
    pandas.DataFrame
        The test rows, grouped by kind in order of their first test, oldest first within a
        kind, plus ``pace_change_s_per_km`` (negative: faster) and ``hr_change_bpm`` against
        the previous test of the kind, ``ef_change_pct`` (EF / previous EF − 1, × 100) and
        ``first_ef_change_pct`` (against the kind's first test). The first test of a kind has
        no changes (NaN).
    """
    tests = table[table[c.TEST_KIND].notna()].copy()
    tests = tests.sort_values(c.START_TIME_LOCAL, kind="stable")
    parts: list[pd.DataFrame] = []
    for _, group in tests.groupby(c.TEST_KIND, sort=False):
        group = group.copy()
        pace = pd.to_numeric(group[c.PACE_S_PER_KM], errors="coerce")
        hr = pd.to_numeric(group[c.AVG_HEART_RATE_BPM], errors="coerce")
        ef = pd.to_numeric(group[c.EFFICIENCY_FACTOR], errors="coerce")
        group[c.PACE_CHANGE_S_PER_KM] = pace.diff()
        group[c.HR_CHANGE_BPM] = hr.diff()
        group[c.EF_CHANGE_PCT] = (ef / ef.shift(1) - 1.0) * 100.0
        first = ef.iloc[0]
        group[c.FIRST_EF_CHANGE_PCT] = (ef / first - 1.0) * 100.0
        group.loc[group.index[0], c.FIRST_EF_CHANGE_PCT] = np.nan
        parts.append(group)
    extra = [c.PACE_CHANGE_S_PER_KM, c.HR_CHANGE_BPM, c.EF_CHANGE_PCT, c.FIRST_EF_CHANGE_PCT]
    if not parts:
        return pd.DataFrame(columns=[*table.columns, *extra])
    return pd.concat(parts).reset_index(drop=True)
