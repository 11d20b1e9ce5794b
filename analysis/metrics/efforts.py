"""Best efforts inside runs, their records over time, the pace–duration curve and Riegel's estimate.

A best effort is the fastest stretch of a given distance anywhere inside one run, found on the
distance stream, not only the run's total: the fastest 5 km of a 12 km run counts. Inputs are tidy
per-sample frames (:data:`analysis.columns.SAMPLE_COLUMNS`); ``distance_m`` is cumulative.

The track model
---------------
Between two consecutive samples the runner is taken to move at constant speed, so cumulative
distance is piecewise linear in elapsed time. A window may then start or end between samples;
its time there is interpolated linearly. Over that model the fastest window of a distance starts
or ends exactly at a sample (the window's time is piecewise linear in its position, so its
minimum lies on a breakpoint), which is why checking both families below gives the exact optimum:

- windows **ending** at each sample, whose start is interpolated: the *last* moment the runner
  was still at or before the start distance (time spent standing there is not counted);
- windows **starting** at each sample, whose end is interpolated: the *first* moment the runner
  reached the end distance.

Each family is in effect a two-pointer sweep (start and end pointers only move forward as the
window slides). It is written as one vectorised ``numpy.searchsorted`` of the sorted window edges
per distance, which returns the same pointer for every window: O(n log n) in compiled code, many
times faster here than an O(n) loop in Python.

Pauses
------
Windows run on **elapsed time** and may span a pause: a stop at a traffic light or a stopped
timer counts inside an effort, as it does in a race. This follows Strava, whose best efforts are
always based on elapsed time "as these are similar to races in that resting time is part of how
long it takes you to complete them". (``sample_duration_s`` caps the *weight* of a sample before
a gap at 30 s; that weight is for time-in-zone sums. Efforts read ``elapsed_s`` itself.)

GPS jumps
---------
A distance step faster than :data:`MAX_RUNNING_SPEED_MPS` is a position jump, not running: it
adds nothing to the effort track, so one bad fix cannot make a record. A step backwards (a
distance counter reset) adds nothing either.

References
----------
Strava Support. Moving Time, Speed, and Pace Calculations ("Segments and Best Efforts are always
based on elapsed time").
https://support.strava.com/hc/en-us/articles/115001188684-Moving-Time-Speed-and-Pace-Calculations
Riegel, P. S. (1981). Athletic records and human endurance. *American Scientist*, 69(3), 285–290.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from analysis import columns as c
from analysis.units import METRES_PER_MILE

# ---- column names the efforts add to the nomenclature ------------------------------------------
LABEL = "label"  # the name of an effort distance ("1 km", "Half marathon")
START_ELAPSED_S = "start_elapsed_s"  # where the effort starts inside its run [s since first sample]
PREVIOUS_TIME_S = "previous_time_s"  # the record this one broke [s]; missing for the first
IMPROVEMENT_S = "improvement_s"  # previous record − this record [s]
FROM_DISTANCE_M = "from_distance_m"  # the best effort a race estimate is computed from
FROM_LABEL = "from_label"
FROM_TIME_S = "from_time_s"
FROM_ACTIVITY_ID = "from_activity_id"
FROM_LOCAL_DATE = "from_local_date"
EXPONENT = "exponent"  # Riegel's fatigue exponent used
WITHIN_RANGE = "within_range"  # both times inside Riegel's stated range
RANGE_NOTE = "range_note"  # why an estimate is outside the range ("" when within)

EFFORT_COLUMNS: tuple[str, ...] = (
    c.DISTANCE_M, LABEL, c.TIME_S, c.PACE_S_PER_KM, START_ELAPSED_S,
)  # fmt: skip
"""The columns of :func:`best_efforts`."""

CURVE_COLUMNS: tuple[str, ...] = (
    c.DURATION_S, c.DISTANCE_M, c.SPEED_MPS, c.PACE_S_PER_KM, START_ELAPSED_S,
)  # fmt: skip
"""The columns of :func:`mean_max_speed` (and, with ``activity_id``, of the period's curve)."""

# ---- the distances ------------------------------------------------------------------------------
HALF_MARATHON_M = 21_097.5
MARATHON_M = 42_195.0

EFFORT_DISTANCES_M: tuple[float, ...] = (
    400.0, 1000.0, METRES_PER_MILE, 5000.0, 10_000.0, HALF_MARATHON_M, MARATHON_M,
)  # fmt: skip
"""The distances of the best-efforts table [m]: 400 m, 1 km, 1 mile, 5 km, 10 km, half marathon
and marathon (World Athletics road distances: 21.0975 km and 42.195 km)."""

EFFORT_LABELS: dict[float, str] = dict(
    zip(
        EFFORT_DISTANCES_M,
        ("400 m", "1 km", "1 mile", "5 km", "10 km", "Half marathon", "Marathon"),
        strict=True,
    )
)
"""The name shown for each of :data:`EFFORT_DISTANCES_M`."""

RACE_DISTANCES_M: tuple[float, ...] = (5000.0, 10_000.0, HALF_MARATHON_M, MARATHON_M)
"""The races :func:`race_estimates` predicts [m]."""

_BLOCK_CELLS = 1_000_000
"""Window edges searched at once (one float64 array of 8 MB per intermediate)."""

MAX_RUNNING_SPEED_MPS = 12.5
"""Distance steps faster than this are GPS jumps [m/s]: above the fastest speed a human has been
measured running (Bolt's 100 m of 2009 peaked near 12.3 m/s)."""

# ---- the pace–duration curve --------------------------------------------------------------------
CURVE_DURATIONS_S: tuple[float, ...] = (
    10.0, 15.0, 20.0, 30.0, 45.0, 60.0, 90.0, 120.0, 180.0, 300.0, 420.0, 600.0, 900.0, 1200.0,
    1800.0, 2700.0, 3600.0, 5400.0, 7200.0, 10_800.0, 14_400.0,
)  # fmt: skip
"""Durations of the curve [s]: 10 s to 4 h, roughly log-spaced (about 1.5× apart) on round
values a runner reads (1 min, 5 min, 20 min, 1 h ...)."""

# ---- Riegel -------------------------------------------------------------------------------------
RIEGEL_EXPONENT = 1.06
"""Riegel's fatigue exponent for running [dimensionless], as his formula is used for race
prediction (Riegel 1981); the exponent that fits one runner differs from it."""

RIEGEL_RANGE_S: tuple[float, float] = (3.5 * 60.0, 230.0 * 60.0)
"""Event durations Riegel states his endurance equation holds for [s]: about 3.5 to 230 min."""


def effort_label(distance_m: float) -> str:
    """The name of an effort distance: its table name, else ``"1.5 km"`` or ``"800 m"``."""
    for known, label in EFFORT_LABELS.items():
        if math.isclose(distance_m, known, abs_tol=1e-6):
            return label
    if distance_m >= 1000.0:
        return f"{distance_m / 1000.0:g} km"
    return f"{distance_m:g} m"


def _pace(time_s: float | np.ndarray, distance_m: float | np.ndarray) -> np.ndarray:
    pace: np.ndarray = np.asarray(time_s, dtype="float64") / np.asarray(distance_m, dtype="float64")
    return pace * 1000.0


def effort_track(
    samples: pd.DataFrame, max_speed_mps: float = MAX_RUNNING_SPEED_MPS
) -> tuple[np.ndarray, np.ndarray]:
    """Elapsed time [s] and non-decreasing cumulative distance [m] of a run, ready for efforts.

    Samples without a time or a distance are left out. A distance step backwards, or faster than
    ``max_speed_mps`` (a GPS jump), adds nothing, so the track never goes back and never
    teleports. The track starts at 0 m.

    Parameters
    ----------
    samples
        Tidy per-sample frame with ``elapsed_s`` [s] and cumulative ``distance_m`` [m].
    max_speed_mps
        Fastest plausible step [m/s].

    Returns
    -------
    tuple of numpy.ndarray
        ``(elapsed_s, distance_m)``, strictly increasing in time; empty when the run has fewer
        than two usable samples.
    """
    if samples.empty or c.DISTANCE_M not in samples or c.ELAPSED_S not in samples:
        return np.zeros(0), np.zeros(0)
    t = samples[c.ELAPSED_S].to_numpy(dtype="float64")
    d = samples[c.DISTANCE_M].to_numpy(dtype="float64")
    ok = np.isfinite(t) & np.isfinite(d)
    t, d = t[ok], d[ok]
    if len(t) < 2:
        return np.zeros(0), np.zeros(0)
    if not np.all(np.diff(t) > 0):
        # a tidy frame is sorted and unique; anything else is sorted here, first sample kept
        t, first = np.unique(t, return_index=True)
        d = d[first]
        if len(t) < 2:
            return np.zeros(0), np.zeros(0)
    step = np.diff(d)
    plausible = (step > 0) & (step <= max_speed_mps * np.diff(t))
    track = np.concatenate([[0.0], np.cumsum(np.where(plausible, step, 0.0))])
    return t, track


def _blocks(rows: np.ndarray, n: int) -> list[np.ndarray]:
    """``rows`` in blocks small enough that a block × ``n`` samples stays near
    :data:`_BLOCK_CELLS` values: a day-long ultra must not allocate hundreds of MB at once."""
    size = max(1, _BLOCK_CELLS // max(n, 1))
    return [rows[i : i + size] for i in range(0, len(rows), size)]


def _fastest_block(t: np.ndarray, d: np.ndarray, dist: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`fastest_windows` for distances the track covers, all searched at once."""
    n = len(d)
    big = dist[:, None]  # one row per distance, one column per sample
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # entries outside the run (masked below) may divide by zero; they are never used
        # windows ending at sample j: start at x = d[j] - D, the last moment the runner was <= x
        x = d[None, :] - big
        i = np.searchsorted(d, x.ravel(), side="right").reshape(x.shape) - 1
        i = np.clip(i, 0, n - 2)  # d[i] <= x < d[i + 1] wherever the window fits
        start_a = t[i] + (t[i + 1] - t[i]) * (x - d[i]) / (d[i + 1] - d[i])
        time_a = np.where(x >= d[0], t[None, :] - start_a, np.inf)
        # windows starting at sample i: end at y = d[i] + D, the first moment the runner was >= y
        y = d[None, :] + big
        k = np.searchsorted(d, y.ravel(), side="left").reshape(y.shape)
        k = np.clip(k, 1, n - 1)  # d[k - 1] < y <= d[k] wherever the window fits
        end_b = t[k - 1] + (t[k] - t[k - 1]) * (y - d[k - 1]) / (d[k] - d[k - 1])
        time_b = np.where(y <= d[-1], end_b - t[None, :], np.inf)
    rows = np.arange(len(big))
    a = np.argmin(time_a, axis=1)
    b = np.argmin(time_b, axis=1)
    best_a, best_b = time_a[rows, a], time_b[rows, b]
    from_a = best_a <= best_b
    return np.where(from_a, best_a, best_b), np.where(from_a, start_a[rows, a], t[b])


def fastest_windows(
    t: np.ndarray, d: np.ndarray, distances_m: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The fastest time to cover each distance along a track, and where each starts.

    Parameters
    ----------
    t, d
        Elapsed time [s] (strictly increasing) and cumulative distance [m] (non-decreasing,
        starting at 0), as :func:`effort_track` returns them.
    distances_m
        Effort distances [m], positive.

    Returns
    -------
    tuple of numpy.ndarray
        ``(time_s, start_elapsed_s)`` [s], one value per distance; NaN where the track is
        shorter than the distance.

    Notes
    -----
    Exact under the constant-speed-between-samples model (see the module notes): the minimum
    over windows ending at a sample (start interpolated at the last moment at or before the start
    distance) and windows starting at a sample (end interpolated at the first moment at the end
    distance). All distances are searched at once: one vectorised search of ``n`` sorted window
    edges per distance and family.
    """
    dist = np.asarray(distances_m, dtype="float64")
    times = np.full(dist.shape, np.nan)
    starts = np.full(dist.shape, np.nan)
    n = len(d)
    if n < 2:
        return times, starts
    present = dist <= d[-1] - d[0]
    if not present.any():
        return times, starts
    found_times, found_starts = [], []
    for block in _blocks(dist[present], n):
        block_times, block_starts = _fastest_block(t, d, block)
        found_times.append(block_times)
        found_starts.append(block_starts)
    times[present] = np.concatenate(found_times)
    starts[present] = np.concatenate(found_starts)
    return times, starts


def best_efforts(
    samples: pd.DataFrame,
    distances_m: Sequence[float] = EFFORT_DISTANCES_M,
    *,
    max_speed_mps: float = MAX_RUNNING_SPEED_MPS,
) -> pd.DataFrame:
    """The fastest time for each distance anywhere inside one run.

    Parameters
    ----------
    samples
        One activity's tidy per-sample frame: ``elapsed_s`` [s] and cumulative ``distance_m`` [m].
    distances_m
        Effort distances [m].
    max_speed_mps
        Distance steps faster than this are GPS jumps and add nothing [m/s].

    Returns
    -------
    pandas.DataFrame
        One row per distance the run covers, in the order given: ``distance_m`` [m], ``label``,
        ``time_s`` [s, elapsed: pauses inside the window count], ``pace_s_per_km`` [s/km] and
        ``start_elapsed_s`` [s]. Distances longer than the run are absent.

    Notes
    -----
    Windows run on elapsed time and may span a pause, as Strava's best efforts do; the start
    and end between samples are interpolated linearly (constant speed between samples). See the
    module notes for why checking windows that start or end at a sample finds the exact optimum.

    References
    ----------
    Strava Support. Moving Time, Speed, and Pace Calculations.
    https://support.strava.com/hc/en-us/articles/115001188684-Moving-Time-Speed-and-Pace-Calculations
    """
    dist = np.asarray(distances_m, dtype="float64")
    if np.any(~(dist > 0)):
        raise ValueError("effort distances must be positive")
    t, d = effort_track(samples, max_speed_mps)
    times, starts = fastest_windows(t, d, dist)
    found = np.isfinite(times)
    return pd.DataFrame(
        {
            c.DISTANCE_M: dist[found],
            LABEL: pd.Series([effort_label(v) for v in dist[found]], dtype="object"),
            c.TIME_S: times[found],
            c.PACE_S_PER_KM: _pace(times[found], dist[found]),
            START_ELAPSED_S: starts[found],
        }
    )


def _sorted_by_day(efforts: pd.DataFrame) -> pd.DataFrame:
    # a stable sort keeps the caller's order (start time) between runs of the same day
    frame = efforts.dropna(subset=[c.DISTANCE_M, c.TIME_S, c.LOCAL_DATE])
    frame = frame.assign(**{c.LOCAL_DATE: pd.to_datetime(frame[c.LOCAL_DATE])})
    return frame.sort_values([c.DISTANCE_M, c.LOCAL_DATE], kind="stable")


def records(efforts_per_activity: pd.DataFrame) -> pd.DataFrame:
    """The record progression: for each distance, every run that beat the best before it.

    Parameters
    ----------
    efforts_per_activity
        One row per run and distance: ``activity_id``, ``local_date``, ``distance_m`` [m] and
        ``time_s`` [s] (for example :func:`best_efforts` of each run with its activity's id and
        day). Runs of the same day count in the order given (give them by start time).

    Returns
    -------
    pandas.DataFrame
        ``distance_m`` [m], ``label``, ``local_date``, ``activity_id``, ``time_s`` [s],
        ``pace_s_per_km`` [s/km], ``previous_time_s`` [s] (missing for a distance's first run)
        and ``improvement_s`` [s], sorted by distance then date. A run equalling the record does
        not set a new one.
    """
    cols = [
        c.DISTANCE_M, LABEL, c.LOCAL_DATE, c.ACTIVITY_ID, c.TIME_S, c.PACE_S_PER_KM,
        PREVIOUS_TIME_S, IMPROVEMENT_S,
    ]  # fmt: skip
    if efforts_per_activity.empty:
        return pd.DataFrame({col: pd.Series(dtype="float64") for col in cols})
    frame = _sorted_by_day(efforts_per_activity)
    times = frame[c.TIME_S].astype("float64")
    # the best before each run of a distance; a run is a record when it beats it
    before = times.groupby(frame[c.DISTANCE_M]).transform(
        lambda s: s.cummin().shift(1, fill_value=math.inf)
    )
    out = frame[times < before].copy()
    out[PREVIOUS_TIME_S] = before[times < before].replace(math.inf, np.nan)
    out[IMPROVEMENT_S] = out[PREVIOUS_TIME_S] - out[c.TIME_S]
    out[LABEL] = [effort_label(v) for v in out[c.DISTANCE_M]]
    out[c.PACE_S_PER_KM] = _pace(out[c.TIME_S].to_numpy(), out[c.DISTANCE_M].to_numpy())
    return out[cols].reset_index(drop=True)


def best_efforts_table(efforts_per_activity: pd.DataFrame) -> pd.DataFrame:
    """The best effort of each distance over the runs given: the current records.

    Parameters
    ----------
    efforts_per_activity
        As for :func:`records`.

    Returns
    -------
    pandas.DataFrame
        One row per distance, shortest first: ``distance_m`` [m], ``label``, ``time_s`` [s],
        ``pace_s_per_km`` [s/km], ``local_date``, ``activity_id``, ``start_elapsed_s`` [s] when
        given. A tie goes to the earlier run (the one that set the record).
    """
    progression = records(efforts_per_activity)
    if progression.empty:
        return progression.drop(columns=[PREVIOUS_TIME_S, IMPROVEMENT_S])
    last = progression.groupby(c.DISTANCE_M, sort=True).tail(1)
    out = last.drop(columns=[PREVIOUS_TIME_S, IMPROVEMENT_S]).reset_index(drop=True)
    if START_ELAPSED_S in efforts_per_activity:
        starts = efforts_per_activity[[c.ACTIVITY_ID, c.DISTANCE_M, START_ELAPSED_S]]
        out = out.merge(starts, on=[c.ACTIVITY_ID, c.DISTANCE_M], how="left")
    return out


def _farthest_block(
    t: np.ndarray, d: np.ndarray, span: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The farthest distance [m] in each duration of ``span`` the track lasts, and its start [s]."""
    rows = np.arange(len(span))
    # a window as long as the run must not fall out by a rounding of t[-1] - t[0]; np.interp
    # holds the end values beyond the track, so the tolerance cannot add distance
    slack = 1e-9 * max(1.0, abs(float(t[-1])))
    # windows starting at each sample (one row per duration, one column per sample)
    end = t[None, :] + span[:, None]
    far_a = np.where(end <= t[-1] + slack, np.interp(end, t, d) - d[None, :], -np.inf)
    # windows ending at each sample
    begin = t[None, :] - span[:, None]
    far_b = np.where(begin >= t[0] - slack, d[None, :] - np.interp(begin, t, d), -np.inf)
    a = np.argmax(far_a, axis=1)
    b = np.argmax(far_b, axis=1)
    from_a = far_a[rows, a] >= far_b[rows, b]
    return (
        np.where(from_a, far_a[rows, a], far_b[rows, b]),
        np.where(from_a, t[a], begin[rows, b]),
    )


def mean_max_speed(
    samples: pd.DataFrame,
    durations_s: Sequence[float] = CURVE_DURATIONS_S,
    *,
    max_speed_mps: float = MAX_RUNNING_SPEED_MPS,
) -> pd.DataFrame:
    """The farthest distance covered in each duration inside one run: its mean-max speed curve.

    Parameters
    ----------
    samples
        One activity's tidy per-sample frame: ``elapsed_s`` [s] and cumulative ``distance_m`` [m].
    durations_s
        Window durations [s].
    max_speed_mps
        Distance steps faster than this are GPS jumps and add nothing [m/s].

    Returns
    -------
    pandas.DataFrame
        One row per duration the run lasts: ``duration_s`` [s], ``distance_m`` [m],
        ``speed_mps`` [m/s], ``pace_s_per_km`` [s/km] (missing at zero distance) and
        ``start_elapsed_s`` [s].

    Notes
    -----
    The running counterpart of a cycling mean-maximal power curve: for a duration ``T``, the
    highest average speed over any window of ``T`` seconds of elapsed time (pauses inside the
    window count, as for :func:`best_efforts`). Distance between samples is interpolated
    linearly; windows that start or end at a sample give the exact maximum (the distance of a
    window is piecewise linear in its position).

    References
    ----------
    Pinot, J. & Grappe, F. (2011). The record power profile to assess performance in elite
    cyclists. *International Journal of Sports Medicine*, 32(11), 839–844 (the mean-maximal
    curve this transfers from power to speed).
    """
    t, d = effort_track(samples, max_speed_mps)
    span = np.asarray(durations_s, dtype="float64")
    if np.any(~(span > 0)):
        raise ValueError("curve durations must be positive")
    span = span[span <= t[-1] - t[0]] if len(t) >= 2 else span[:0]
    far = np.zeros(span.shape)
    start = np.zeros(span.shape)
    if len(span):
        blocks = [_farthest_block(t, d, block) for block in _blocks(span, len(t))]
        far = np.concatenate([block[0] for block in blocks])
        start = np.concatenate([block[1] for block in blocks])
    moved = np.where(far > 0, far, np.nan)
    return pd.DataFrame(
        {
            c.DURATION_S: span,
            c.DISTANCE_M: far,
            c.SPEED_MPS: far / span,
            c.PACE_S_PER_KM: _pace(span, moved),
            START_ELAPSED_S: start,
        }
    )


def run_efforts(samples: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One run's best efforts and its mean-max speed curve: all the best-efforts page needs of
    its samples, computed once when the run is imported (:mod:`analysis.prepare`).

    Parameters
    ----------
    samples
        The run's tidy per-sample frame.

    Returns
    -------
    tuple of pandas.DataFrame
        :func:`best_efforts` (columns :data:`EFFORT_COLUMNS`) and :func:`mean_max_speed`
        (columns :data:`CURVE_COLUMNS`) of the run, with the default distances and durations.
    """
    return best_efforts(samples), mean_max_speed(samples)


def best_of_curves(curves_per_activity: pd.DataFrame) -> pd.DataFrame:
    """The period's pace–duration curve from per-run curves: the best run at each duration.

    Parameters
    ----------
    curves_per_activity
        Rows of :func:`mean_max_speed` for many runs, with ``activity_id`` and ``local_date``.

    Returns
    -------
    pandas.DataFrame
        One row per duration, shortest first, with the columns given (the run that went
        farthest; a tie goes to the row given first).
    """
    if curves_per_activity.empty:
        return curves_per_activity.reset_index(drop=True)
    frame = curves_per_activity.dropna(subset=[c.DURATION_S, c.DISTANCE_M])
    best = frame.sort_values(
        [c.DURATION_S, c.DISTANCE_M], ascending=[True, False], kind="stable"
    ).drop_duplicates(subset=[c.DURATION_S], keep="first")
    return best.reset_index(drop=True)


def pace_duration_curve(
    samples_by_activity: Mapping[str, pd.DataFrame] | Iterable[tuple[str, pd.DataFrame]],
    durations_s: Sequence[float] = CURVE_DURATIONS_S,
) -> pd.DataFrame:
    """The best average speed sustained for each duration over the runs of a period.

    Parameters
    ----------
    samples_by_activity
        Each run's tidy per-sample frame, keyed by activity id (a mapping or ``(id, frame)``
        pairs).
    durations_s
        Window durations [s].

    Returns
    -------
    pandas.DataFrame
        One row per duration some run lasts: ``duration_s`` [s], ``distance_m`` [m],
        ``speed_mps`` [m/s], ``pace_s_per_km`` [s/km], ``start_elapsed_s`` [s] and the
        ``activity_id`` of the run it comes from.

    Notes
    -----
    The maximum over runs of :func:`mean_max_speed` (see there for the definition). Windows
    never join two runs.
    """
    pairs = (
        samples_by_activity.items()
        if isinstance(samples_by_activity, Mapping)
        else samples_by_activity
    )
    curves = [
        mean_max_speed(frame, durations_s).assign(**{c.ACTIVITY_ID: activity_id})
        for activity_id, frame in pairs
    ]
    curves = [curve for curve in curves if not curve.empty]
    if not curves:
        return pd.DataFrame({col: pd.Series(dtype="float64") for col in CURVE_COLUMNS}).assign(
            **{c.ACTIVITY_ID: pd.Series(dtype="object")}
        )
    return best_of_curves(pd.concat(curves, ignore_index=True))


def riegel_time(t1_s: float, d1_m: float, d2_m: float, exponent: float = RIEGEL_EXPONENT) -> float:
    """Riegel's race-time estimate: ``t2 = t1 × (d2 / d1) ** exponent``.

    Parameters
    ----------
    t1_s
        A performance's time [s].
    d1_m
        Its distance [m].
    d2_m
        The distance to estimate a time for [m].
    exponent
        The fatigue exponent [dimensionless]; 1.06 is Riegel's value for running.

    Returns
    -------
    float
        The estimated time at ``d2_m`` [s].

    Notes
    -----
    Limits, as Riegel states them and as later work found: the relation was fitted to world
    records of events lasting about 3.5 to 230 minutes (:data:`RIEGEL_RANGE_S`), and is not
    meant outside it. It describes trained runners racing all out; it tends to predict too fast
    a time from a short race to the marathon, above all for runners without the mileage for the
    distance (Vickers & Vertosick 2016), and the exponent that fits one runner differs from 1.06. A best effort inside a training run is rarely all
    out, so an estimate from it is a floor on ability, not a race plan.

    References
    ----------
    Riegel, P. S. (1981). Athletic records and human endurance. *American Scientist*, 69(3),
    285–290.
    Vickers, A. J. & Vertosick, E. A. (2016). An empirical study of race times in recreational
    endurance runners. *BMC Sports Science, Medicine and Rehabilitation*, 8, 26.
    """
    if not (t1_s > 0 and d1_m > 0 and d2_m > 0):
        raise ValueError("Riegel's formula needs a positive time and two positive distances")
    return float(t1_s * (d2_m / d1_m) ** exponent)


def _range_note(source_s: float, estimate_s: float) -> str:
    low, high = RIEGEL_RANGE_S
    notes = []
    for what, value in (("the effort it is from", source_s), ("the estimate", estimate_s)):
        if value < low:
            notes.append(f"{what} is under {low / 60:g} min")
        elif value > high:
            notes.append(f"{what} is over {high / 60:g} min")
    return "; ".join(notes)


def race_estimates(
    best: pd.DataFrame,
    targets_m: Sequence[float] = RACE_DISTANCES_M,
    exponent: float = RIEGEL_EXPONENT,
) -> pd.DataFrame:
    """Riegel estimates of race times from the best efforts, each from one named effort.

    Parameters
    ----------
    best
        One row per distance (as :func:`best_efforts_table` returns): ``distance_m`` [m],
        ``time_s`` [s], and ``activity_id`` and ``local_date`` when known.
    targets_m
        Race distances to estimate [m].
    exponent
        Riegel's fatigue exponent [dimensionless].

    Returns
    -------
    pandas.DataFrame
        One row per target that has a source: ``distance_m`` [m], ``label``, ``time_s`` [s],
        ``pace_s_per_km`` [s/km], the effort it is from (``from_distance_m``, ``from_label``,
        ``from_time_s``, ``from_activity_id``, ``from_local_date``), ``exponent``,
        ``within_range`` (both times inside Riegel's 3.5–230 min) and ``range_note``.

    Notes
    -----
    The source of a target is the best effort at the nearest *longer* distance (the target's
    own best is a result, not an estimate); with none longer, the nearest shorter one. Predicting
    down from a longer effort keeps clear of the formula's best-known failure, estimating a long
    race from a short one. See :func:`riegel_time` for the formula and its limits.

    References
    ----------
    Riegel, P. S. (1981). Athletic records and human endurance. *American Scientist*, 69(3),
    285–290.
    """
    cols = [
        c.DISTANCE_M, LABEL, c.TIME_S, c.PACE_S_PER_KM, FROM_DISTANCE_M, FROM_LABEL, FROM_TIME_S,
        FROM_ACTIVITY_ID, FROM_LOCAL_DATE, EXPONENT, WITHIN_RANGE, RANGE_NOTE,
    ]  # fmt: skip
    usable = best.dropna(subset=[c.DISTANCE_M, c.TIME_S])
    usable = usable[(usable[c.DISTANCE_M] > 0) & (usable[c.TIME_S] > 0)]
    usable = usable.sort_values(c.DISTANCE_M).reset_index(drop=True)
    rows = []
    for target in targets_m:
        others = usable[~np.isclose(usable[c.DISTANCE_M], target)]
        longer = others[others[c.DISTANCE_M] > target]
        shorter = others[others[c.DISTANCE_M] < target]
        if len(longer):
            source = longer.iloc[0]
        elif len(shorter):
            source = shorter.iloc[-1]
        else:
            continue
        d1, t1 = float(source[c.DISTANCE_M]), float(source[c.TIME_S])
        estimate = riegel_time(t1, d1, float(target), exponent)
        note = _range_note(t1, estimate)
        rows.append(
            {
                c.DISTANCE_M: float(target),
                LABEL: effort_label(target),
                c.TIME_S: estimate,
                c.PACE_S_PER_KM: estimate / target * 1000.0,
                FROM_DISTANCE_M: d1,
                FROM_LABEL: effort_label(d1),
                FROM_TIME_S: t1,
                FROM_ACTIVITY_ID: source.get(c.ACTIVITY_ID),
                FROM_LOCAL_DATE: source.get(c.LOCAL_DATE),
                EXPONENT: float(exponent),
                WITHIN_RANGE: not note,
                RANGE_NOTE: note,
            }
        )
    return pd.DataFrame(rows, columns=cols)
