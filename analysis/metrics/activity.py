"""One activity in detail: elevation gain and loss, automatic splits, laps, moving time, the
headline figures with sport-aware pace or speed, time in heart-rate zones, and the traces a chart
draws (pauses cut out, outliers kept off the axis range).

Conventions shared by every function here:

- A sample *stands for* ``sample_duration_s`` seconds (:mod:`analysis.schema` caps a gap longer
  than :data:`~analysis.schema.PAUSE_GAP_S` at one typical interval), so every duration is a sum
  of durations, never a count of rows.
- A sample is *moving* when its speed is at least :data:`~analysis.schema.MOVING_SPEED_MPS` or
  when it has no speed at all (a treadmill run without a foot pod): the rule the importer uses
  for the stored moving time.
- Between two samples the cumulative distance grows linearly in time, so a split boundary or a
  lap edge that falls between two samples is interpolated, and a sample's time is shared between
  the splits it straddles in proportion.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

from analysis import columns as c
from analysis.metrics import dynamics, intensity, zones
from analysis.metrics.frames import float_column
from analysis.metrics.intensity import FloatArray
from analysis.schema import MOVING_SPEED_MPS, PAUSE_GAP_S
from analysis.settings import AthleteSettings
from analysis.units import (
    METRES_PER_MILE,
    UNIT_MI,
    elevation_factor,
    elevation_label,
    format_pace_value,
)

# ---- column names this module adds to the nomenclature -----------------------------------------
SPLIT = "split"  # 1-based number of an automatic split
LAP = "lap"  # 1-based number of a recorded lap
IS_PARTIAL = "is_partial"  # the last split, shorter than the split unit
ELEVATION_CHANGE_M = "elevation_change_m"  # altitude at the end minus at the start [m]
MOVING_ELAPSED_S = "moving_elapsed_s"  # moving time from the start up to a sample [s]
SEGMENT = "segment"  # a stretch of the trace between two pauses, numbered from 0
PACE_OR_SPEED = "pace_or_speed"  # in the sport's display unit (see :func:`speed_display`)

ELEVATION_HYSTERESIS_M = 3.0
"""Altitude must move this far from the last turning point before a climb or descent counts [m]:
GoldenCheetah's default elevation hysteresis, a little above the noise of a barometric altimeter
(GPS altitude is noisier, 5–10 m, so GPS-only files still over-count somewhat)."""

TRACE_SMOOTHING_S = 15.0
"""Trailing window the speed is averaged over before it becomes pace or speed in a trace [s]:
raw GPS speed jumps by a minute per km from one second to the next."""

OUTLIER_FENCE_IQR = 3.0
"""Tukey's "far out" fence: values beyond 3 interquartile ranges from the quartiles are outliers."""

AXIS_PERCENTILES = (1.0, 99.0)
"""The axis range never cuts inside the 1st–99th percentile band (time-weighted) [%]."""

PLAUSIBLE_SPEED_MPS: dict[str, float] = {
    c.SPORT_RUNNING: 10.0,  # 1:40 /km held for the smoothing window: faster is a GPS jump
    c.SPORT_WALKING: 5.0,  # above race walking's world-record speed (about 4.4 m/s)
    c.SPORT_HIKING: 5.0,
    c.SPORT_CYCLING: 30.0,  # 108 km/h
    c.SPORT_SWIMMING: 3.0,  # above the 50 m freestyle world record (about 2.4 m/s)
}
"""Fastest believable speed per sport [m/s]; faster trace values are GPS errors and are left out."""
PLAUSIBLE_SPEED_OTHER_MPS = 40.0

FOOT_SPORTS = (c.SPORT_RUNNING, c.SPORT_WALKING, c.SPORT_HIKING)

METRES_PER_YARD = 0.9144


# ---- the one sport → display rule ----------------------------------------------------------------


class SpeedDisplay(NamedTuple):
    """How a sport's speed is shown.

    ``kind`` is ``"pace"`` (time per distance, shown as m:ss) or ``"speed"``. For a pace,
    ``factor`` is the distance in metres the pace is given per, so pace [s] = factor / speed
    [m/s]; for a speed, display speed = factor × speed [m/s].
    """

    kind: str
    factor: float
    label: str


def speed_display(sport: str, unit: str) -> SpeedDisplay:
    """How fast a sport is shown, in the athlete's unit system: the one place this is decided.

    ===========================  ===================  =====================
    sport                        ``unit = "km"``      ``unit = "mi"``
    ===========================  ===================  =====================
    running, walking, hiking     pace, min/km         pace, min/mi
    swimming                     pace, min/100 m      pace, min/100 yd
    cycling and anything else    speed, km/h          speed, mph
    ===========================  ===================  =====================

    Parameters
    ----------
    sport
        Sport as stored (FIT naming, lower case).
    unit
        ``"km"`` or ``"mi"``.

    Returns
    -------
    SpeedDisplay
        ``(kind, factor, label)``; see :class:`SpeedDisplay`.
    """
    miles = unit == UNIT_MI
    if sport in FOOT_SPORTS:
        return SpeedDisplay(
            "pace", METRES_PER_MILE if miles else 1000.0, "min/mi" if miles else "min/km"
        )
    if sport == c.SPORT_SWIMMING:
        return SpeedDisplay(
            "pace",
            100 * METRES_PER_YARD if miles else 100.0,
            "min/100 yd" if miles else "min/100 m",
        )
    return SpeedDisplay(
        "speed", 3600.0 / METRES_PER_MILE if miles else 3.6, "mph" if miles else "km/h"
    )


def display_speed(speed_mps: FloatArray | float, display: SpeedDisplay) -> FloatArray:
    """Speeds [m/s] as the display shows them: pace [s per display distance] or speed; NaN
    where the speed is not positive (no pace while standing)."""
    speed = np.asarray(speed_mps, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        if display.kind == "pace":
            out = np.where(speed > 0, display.factor / speed, np.nan)
        else:
            out = np.where(speed >= 0, speed * display.factor, np.nan)
    return np.asarray(out, dtype="float64")


def format_speed(speed_mps: float | None, display: SpeedDisplay) -> str:
    """``"5:00 min/km"`` or ``"28.4 km/h"``; an em dash when unknown."""
    if speed_mps is None or not math.isfinite(speed_mps) or speed_mps <= 0:
        return "—"
    value = float(display_speed(speed_mps, display))
    if display.kind == "pace":
        return f"{format_pace_value(value)} {display.label}"
    return f"{value:.1f} {display.label}"


def distance_display(sport: str, unit: str) -> tuple[float, str]:
    """``(display units per metre, label)`` of a distance: swims in m or yd, the rest in km or
    mi, following :func:`speed_display`'s rule."""
    miles = unit == UNIT_MI
    if sport == c.SPORT_SWIMMING:
        return (1.0 / METRES_PER_YARD, "yd") if miles else (1.0, "m")
    return (1.0 / METRES_PER_MILE, "mi") if miles else (1.0 / 1000.0, "km")


def elevation_display(unit: str) -> tuple[float, str]:
    """``(display units per metre, label)`` of heights: feet with miles, metres with km."""
    return elevation_factor(unit), elevation_label(unit)


# ---- samples as arrays ---------------------------------------------------------------------------


def _durations(samples: pd.DataFrame) -> FloatArray:
    dur = float_column(samples, c.SAMPLE_DURATION_S)
    return np.where(np.isfinite(dur) & (dur > 0), dur, 0.0)


def moving_samples(samples: pd.DataFrame) -> npt.NDArray[np.bool_]:
    """Samples that count as moving: speed at or above walking pace, or no speed recorded."""
    speed = float_column(samples, c.SPEED_MPS)
    return np.asarray(np.isnan(speed) | (speed >= MOVING_SPEED_MPS), dtype=bool)


def _fill(values: FloatArray) -> FloatArray:
    """Missing readings carried forward, leading ones back from the first reading."""
    return np.asarray(pd.Series(values).ffill().bfill().to_numpy(dtype="float64"), dtype="float64")


# ---- elevation ----------------------------------------------------------------------------------


def elevation_gain_loss(
    samples: pd.DataFrame, hysteresis_m: float = ELEVATION_HYSTERESIS_M
) -> tuple[float, float]:
    """Total ascent and descent of an activity, with a hysteresis filter on altitude.

    A reference altitude starts at the first reading. A reading more than ``hysteresis_m`` above
    the reference adds (reading − reference) to the gain and becomes the reference; a reading more
    than ``hysteresis_m`` below it adds (reference − reading) to the loss and becomes the
    reference; anything in between is noise and changes nothing. So wobbles smaller than the
    threshold never count, and a climb counts from its last turning point. The price: a summit
    reached in steps finer than the threshold loses up to ``hysteresis_m`` per climb.

    Worked example (threshold 3 m): altitudes 100, 102, 99, 104, 108, 110, 109, 100, 98, 101.
    Reference 100; 102 and 99 are within 3 m; 104 > 103: gain 4, reference 104; 108 > 107:
    gain 4 (total 8), reference 108; 110 and 109 are within 3 m of 108; 100 < 105: loss 8,
    reference 100; 98 and 101 are within 3 m. Gain 8 m, loss 8 m (not the 10 m the peak at 110
    suggests).

    Parameters
    ----------
    samples
        ``altitude_m`` [m] in time order; missing readings are skipped.
    hysteresis_m
        The threshold [m]: 3 m (GoldenCheetah's default, suited to barometric altitude).

    Returns
    -------
    gain, loss
        Both positive [m]; (0, 0) without two altitude readings.

    References
    ----------
    GoldenCheetah. ``ElevationGain`` in src/Metrics/BasicRideMetrics.cpp: "hysteresis can be
    configured, we default to 3.0" (setting ``GC_ELEVATION_HYSTERESIS``); the loss here mirrors
    its gain rule downwards.
    """
    return altitude_gain_loss(float_column(samples, c.ALTITUDE_M), hysteresis_m)


def altitude_gain_loss(
    altitude_m: np.ndarray, hysteresis_m: float = ELEVATION_HYSTERESIS_M
) -> tuple[float, float]:
    """:func:`elevation_gain_loss` of an array of altitudes [m] in time order (NaN skipped)."""
    alt = np.asarray(altitude_m, dtype="float64")
    alt = alt[np.isfinite(alt)]
    if len(alt) < 2:
        return 0.0, 0.0
    gain = loss = 0.0
    ref = float(alt[0])
    for value in alt[1:].tolist():  # sequential by nature; a list loop is ~1 ms for 3 h at 1 Hz
        if value > ref + hysteresis_m:
            gain += value - ref
            ref = value
        elif value < ref - hysteresis_m:
            loss += ref - value
            ref = value
    return gain, loss


# ---- moving and elapsed time --------------------------------------------------------------------


@dataclass(frozen=True)
class MovingElapsed:
    """Time of one activity from its samples [s].

    ``elapsed_s`` runs from the first sample to the end of the last (pauses included);
    ``moving_s`` is the time of moving samples; ``stopped_s`` the time of samples standing still;
    ``paused_s`` the time in gaps longer than :data:`~analysis.schema.PAUSE_GAP_S` (the recorder
    paused), ``pauses`` how many such gaps and ``longest_pause_s`` the longest of them.
    """

    moving_s: float
    elapsed_s: float
    stopped_s: float
    paused_s: float
    pauses: int
    longest_pause_s: float


def moving_and_elapsed(samples: pd.DataFrame) -> MovingElapsed:
    """Moving, elapsed, stopped and paused time of one activity from its samples.

    Parameters
    ----------
    samples
        Tidy per-sample frame (``elapsed_s``, ``sample_duration_s``, ``speed_mps``).

    Returns
    -------
    MovingElapsed
        All zero for an activity without samples.
    """
    if samples is None or samples.empty:
        return MovingElapsed(0.0, 0.0, 0.0, 0.0, 0, 0.0)
    dur = _durations(samples)
    moving = moving_samples(samples)
    elapsed = float_column(samples, c.ELAPSED_S)
    ends = elapsed[[0, -1]]
    total = float(ends[1] - ends[0] + dur[-1]) if np.isfinite(ends).all() else 0.0
    gaps = np.diff(elapsed)
    is_pause = np.isfinite(gaps) & (gaps > PAUSE_GAP_S)
    # the sample before a pause already stands for one interval of it (schema.sample_durations)
    paused = gaps[is_pause] - dur[:-1][is_pause]
    return MovingElapsed(
        moving_s=float(dur[moving].sum()),
        elapsed_s=total,
        stopped_s=float(dur[~moving].sum()),
        paused_s=float(paused.sum()),
        pauses=len(paused),
        longest_pause_s=float(paused.max()) if len(paused) else 0.0,
    )


# ---- windows: splits and laps -------------------------------------------------------------------


@dataclass(frozen=True)
class _Knots:
    """Cumulative quantities at the n + 1 edges of the n samples' intervals.

    Knot k < n is where sample k starts; knot n where the last sample ends. Between knots k and
    k + 1 distance grows from sample k's to sample k + 1's value and moving time by sample k's
    duration (if it moves), so every cumulative quantity is linear in between.
    """

    distance: FloatArray  # [m]
    clock: FloatArray  # elapsed clock time [s]
    moving: FloatArray  # cumulative moving time [s]
    hr_sum: FloatArray  # cumulative HR × moving seconds
    hr_time: FloatArray  # cumulative moving seconds with HR
    cad_sum: FloatArray
    cad_time: FloatArray
    altitude: FloatArray  # [m], gaps filled
    hr: FloatArray  # per sample, for maxima
    n: int

    @classmethod
    def of(cls, samples: pd.DataFrame) -> _Knots:
        dur = _durations(samples)
        step = np.where(moving_samples(samples), dur, 0.0)

        def cum(x: FloatArray) -> FloatArray:
            return np.concatenate([[0.0], np.cumsum(x)])

        def ends(x: FloatArray, last: float) -> FloatArray:
            return np.concatenate([x, [last]])

        dist = _fill(float_column(samples, c.DISTANCE_M))
        clock = float_column(samples, c.ELAPSED_S)
        hr = float_column(samples, c.HEART_RATE_BPM)
        cad = float_column(samples, c.CADENCE_SPM)
        alt = _fill(float_column(samples, c.ALTITUDE_M))
        hr_ok, cad_ok = np.isfinite(hr), np.isfinite(cad)
        return cls(
            distance=ends(dist, float(dist[-1])),
            clock=ends(clock, float(clock[-1] + dur[-1])),
            moving=cum(step),
            hr_sum=cum(np.where(hr_ok, hr * step, 0.0)),
            hr_time=cum(np.where(hr_ok, step, 0.0)),
            cad_sum=cum(np.where(cad_ok, cad * step, 0.0)),
            cad_time=cum(np.where(cad_ok, step, 0.0)),
            altitude=ends(alt, float(alt[-1])),
            hr=hr,
            n=len(samples),
        )

    def at_distance(self, metres: FloatArray) -> FloatArray:
        """Knot positions (fractional) where the distance first reaches each value."""
        j = np.searchsorted(self.distance, metres, side="left")
        j = np.clip(j, 1, self.n)
        lo, hi = self.distance[j - 1], self.distance[j]
        with np.errstate(divide="ignore", invalid="ignore"):
            frac = np.where(hi > lo, (metres - lo) / (hi - lo), 0.0)
        return np.asarray(np.clip(j - 1 + frac, 0.0, self.n), dtype="float64")

    def at_clock(self, seconds: FloatArray) -> FloatArray:
        """Knot positions (fractional) at each elapsed clock time."""
        return np.asarray(np.interp(seconds, self.clock, np.arange(self.n + 1.0)), dtype="float64")

    def windows(self, start: FloatArray, end: FloatArray) -> dict[str, FloatArray]:
        """Per window between knot positions: clock and moving time, distance, HR, cadence,
        elevation change and max HR."""
        grid = np.arange(self.n + 1.0)

        def delta(q: FloatArray) -> FloatArray:
            return np.asarray(np.interp(end, grid, q) - np.interp(start, grid, q), dtype="float64")

        hr_time, cad_time = delta(self.hr_time), delta(self.cad_time)
        with np.errstate(divide="ignore", invalid="ignore"):
            avg_hr = np.where(hr_time > 0, delta(self.hr_sum) / hr_time, np.nan)
            avg_cad = np.where(cad_time > 0, delta(self.cad_sum) / cad_time, np.nan)
        max_hr = np.full(len(start), np.nan)
        for i, (a, b) in enumerate(zip(start.tolist(), end.tolist(), strict=True)):
            lo = math.floor(a)
            window = self.hr[lo : max(math.ceil(b), lo + 1)]
            if np.isfinite(window).any():
                max_hr[i] = float(np.nanmax(window))
        return {
            c.TIME_S: delta(self.clock),
            c.MOVING_TIME_S: delta(self.moving),
            c.DISTANCE_M: delta(self.distance),
            c.AVG_HEART_RATE_BPM: avg_hr,
            c.MAX_HEART_RATE_BPM: max_hr,
            c.AVG_CADENCE_SPM: avg_cad,
            ELEVATION_CHANGE_M: delta(self.altitude),
        }


def _with_pace(frame: pd.DataFrame) -> pd.DataFrame:
    moving = frame[c.MOVING_TIME_S].to_numpy(dtype="float64")
    dist = frame[c.DISTANCE_M].to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        speed = np.where((moving > 0) & (dist > 0), dist / moving, np.nan)
    frame[c.AVG_SPEED_MPS] = speed
    frame[c.PACE_S_PER_KM] = np.where(speed > 0, 1000.0 / speed, np.nan)
    return frame


_WINDOW_COLUMNS = [
    c.DISTANCE_M, c.TIME_S, c.MOVING_TIME_S, c.AVG_SPEED_MPS, c.PACE_S_PER_KM,
    c.AVG_HEART_RATE_BPM, c.MAX_HEART_RATE_BPM, c.AVG_CADENCE_SPM, ELEVATION_CHANGE_M,
]  # fmt: skip
SPLIT_COLUMNS = [SPLIT, IS_PARTIAL, *_WINDOW_COLUMNS]
LAP_COLUMNS = [LAP, c.LAP_START, c.DURATION_S, *_WINDOW_COLUMNS]


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({col: pd.Series(dtype="float64") for col in columns})


def splits(samples: pd.DataFrame, unit: str) -> pd.DataFrame:
    """Automatic splits every kilometre or mile, the last one partial.

    Split boundaries fall at whole multiples of the split length along the cumulative distance;
    between two samples the boundary is interpolated linearly in time. The last split ends where
    the distance stops growing (time standing after the last metre is in no split).

    Worked example: 2.5 km at 1 Hz, 1.5 km at 5:00/km (450 s) then 1.0 km at 6:00/km (360 s).
    Split 1 (0–1 km) takes 300 s; split 2 (1–2 km) 0.5 km at 5:00 and 0.5 km at 6:00, 150 + 180 =
    330 s, pace 5:30/km, and with HR 150 then 160 bpm an average of (150·150 + 160·180) / 330 =
    155.45 bpm; split 3 is the partial 0.5 km, 180 s, 6:00/km. In miles: split 1 (1609.344 m) is
    1500 m at 5:00/km plus 109.344 m at 6:00/km = 450 + 39.364 = 489.364 s; split 2 is the partial
    890.656 m, 320.636 s, 6:00/km = 9:39/mi.

    Parameters
    ----------
    samples
        Tidy per-sample frame (``distance_m`` cumulative [m]).
    unit
        ``"km"`` (1000 m splits) or ``"mi"`` (1609.344 m splits).

    Returns
    -------
    pandas.DataFrame
        One row per split: ``split`` (1, 2 ...), ``is_partial``, ``distance_m`` [m], ``time_s``
        (clock time, pauses included) [s], ``moving_time_s`` [s], ``avg_speed_mps`` (distance /
        moving time) [m/s], ``pace_s_per_km`` [s/km], ``avg_heart_rate_bpm`` and
        ``avg_cadence_spm`` (weighted by moving seconds), ``max_heart_rate_bpm``,
        ``elevation_change_m`` [m]. Empty without distance.
    """
    length = METRES_PER_MILE if unit == UNIT_MI else 1000.0
    if (
        samples is None
        or samples.empty
        or not np.isfinite(float_column(samples, c.DISTANCE_M)).any()
    ):
        return _empty(SPLIT_COLUMNS)
    knots = _Knots.of(samples)
    first, total = float(knots.distance[0]), float(knots.distance[-1])
    covered = total - first
    if covered <= 0:
        return _empty(SPLIT_COLUMNS)
    whole = math.floor(covered / length + 1e-9)
    edges = first + length * np.arange(whole + 1, dtype="float64")
    partial = covered - whole * length > 1e-6 * length
    if partial:
        edges = np.append(edges, total)
    positions = knots.at_distance(edges)
    out = pd.DataFrame(knots.windows(positions[:-1], positions[1:]))
    out.insert(0, SPLIT, np.arange(1, len(out) + 1))
    out.insert(1, IS_PARTIAL, np.arange(len(out)) == len(out) - 1 if partial else False)
    return _with_pace(out)[SPLIT_COLUMNS]


def laps_table(laps: pd.DataFrame, samples: pd.DataFrame) -> pd.DataFrame:
    """The laps as recorded, each enriched from the samples inside its time window.

    A lap's window opens at its ``lap_start`` and closes at the next lap's start; the last lap's
    closes at its start plus its duration, or at the end of the recording when the duration is
    unknown. The lap's own distance and duration (from the file) are kept; where the file gives no
    distance, the samples' distance over the window is used.

    Parameters
    ----------
    laps
        ``lap_start`` (UTC; naive means UTC), ``duration_s`` [s], ``distance_m`` [m], in order,
        as :meth:`analysis.store.AthleteStore.laps` returns them.
    samples
        Tidy per-sample frame of the same activity.

    Returns
    -------
    pandas.DataFrame
        ``lap`` (1, 2 ...), ``lap_start``, ``duration_s``, ``distance_m``, ``time_s``,
        ``moving_time_s``, ``avg_speed_mps``, ``pace_s_per_km``, ``avg_heart_rate_bpm``,
        ``max_heart_rate_bpm``, ``avg_cadence_spm``, ``elevation_change_m`` (units as in
        :func:`splits`). Empty without laps.
    """
    if laps is None or laps.empty:
        return _empty(LAP_COLUMNS)
    starts = pd.DatetimeIndex(pd.to_datetime(laps[c.LAP_START]))
    starts = starts.tz_localize("UTC") if starts.tz is None else starts.tz_convert("UTC")
    file_duration = pd.to_numeric(laps[c.DURATION_S], errors="coerce").to_numpy(dtype="float64")
    file_distance = pd.to_numeric(laps[c.DISTANCE_M], errors="coerce").to_numpy(dtype="float64")
    out = pd.DataFrame(
        {
            LAP: np.arange(1, len(laps) + 1),
            c.LAP_START: starts,
            c.DURATION_S: file_duration,
        }
    )
    if samples is None or samples.empty:
        for col in _WINDOW_COLUMNS:
            out[col] = np.nan
        out[c.DISTANCE_M] = file_distance
        return _with_pace(out.assign(**{c.MOVING_TIME_S: file_duration}))[LAP_COLUMNS]
    knots = _Knots.of(samples)
    first = pd.Timestamp(samples[c.TIMESTAMP].iloc[0])
    first = first.tz_localize("UTC") if first.tzinfo is None else first
    clock0 = float(knots.clock[0])
    open_s = (starts - first).total_seconds().to_numpy(dtype="float64") + clock0
    close_s = np.append(open_s[1:], np.nan)
    last_end = open_s[-1] + file_duration[-1]
    close_s[-1] = last_end if np.isfinite(last_end) else knots.clock[-1]
    windows = knots.windows(knots.at_clock(open_s), knots.at_clock(close_s))
    for col, values in windows.items():
        out[col] = values
    out[c.DISTANCE_M] = np.where(np.isfinite(file_distance), file_distance, out[c.DISTANCE_M])
    return _with_pace(out)[LAP_COLUMNS]


# ---- time in zones ------------------------------------------------------------------------------


def time_in_zones_for_run(samples: pd.DataFrame, zone_table: pd.DataFrame) -> pd.DataFrame:
    """Seconds and share of one activity's moving time in each heart-rate zone.

    Only moving samples count (the time at a traffic light is not training), so with a heart
    rate throughout, the zones add up to the moving time of :func:`moving_and_elapsed`.

    Parameters
    ----------
    samples
        Tidy per-sample frame.
    zone_table
        From :func:`analysis.metrics.zones.hr_zones` (the athlete's zone model).

    Returns
    -------
    pandas.DataFrame
        As :func:`analysis.metrics.intensity.time_in_zones`: ``zone``, ``zone_low_bpm``,
        ``zone_high_bpm``, ``time_s`` [s], ``share_pct`` [%], plus ``zone_label``.
    """
    frame = samples.loc[moving_samples(samples), [c.HEART_RATE_BPM, c.SAMPLE_DURATION_S]]
    out = intensity.time_in_zones(frame, zone_table)
    out[c.ZONE_LABEL] = zone_table[c.ZONE_LABEL].to_numpy()
    return out


# ---- headline -----------------------------------------------------------------------------------


def _number(row: dict[str, Any], key: str) -> float | None:
    value = row.get(key)
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _weighted_mean(values: FloatArray, weights: FloatArray) -> float | None:
    ok = np.isfinite(values) & (weights > 0)
    total = float(weights[ok].sum())
    return float((values[ok] * weights[ok]).sum() / total) if total > 0 else None


def headline(
    activity_row: dict[str, Any],
    samples: pd.DataFrame,
    settings: AthleteSettings,
    load_value: float | None,
) -> dict[str, Any]:
    """The headline figures of one activity, in SI with the display rule attached.

    Values the file stated (distance, moving and elapsed time, average and max HR, cadence), as
    stored in the activity row, win over values from the samples, so these agree with the
    activities table. Elevation gain is the row's too (the watch's total ascent, or
    :func:`altitude_gain_loss` of the samples at import), so one run has one gain on every page;
    the loss comes from :func:`elevation_gain_loss` on the samples (the file states none we
    keep), as does the gain of a row without one.

    Parameters
    ----------
    activity_row
        The activity as :meth:`analysis.store.AthleteStore.activity` returns it.
    samples
        Its tidy per-sample frame (may be empty for a summary row).
    settings
        :class:`analysis.settings.AthleteSettings` (units, zone model and HR settings).
    load_value
        The activity's load under the chosen model, or None when the model does not count it.

    Returns
    -------
    dict
        ``sport``; ``distance_m`` [m]; ``moving_time_s``, ``elapsed_time_s``, ``paused_s``,
        ``pauses``, ``longest_pause_s`` [s]; ``avg_speed_mps`` [m/s]; ``speed_display``
        (:class:`SpeedDisplay`) and ``speed_text`` ("5:00 min/km", "28.4 km/h");
        ``distance_factor``/``distance_label`` (display units per metre, see
        :func:`distance_display`); ``avg_heart_rate_bpm``, ``max_heart_rate_bpm`` [bpm];
        ``avg_cadence_spm`` [steps/min]; ``elevation_gain_m``, ``elevation_loss_m`` [m] and
        ``elevation_factor``/``elevation_label`` (ft with miles); ``load`` and ``load_model``;
        ``rpe`` (CR-10 or None); ``time_in_zones`` (:func:`time_in_zones_for_run`), and
        ``easy_pct``/``hard_pct`` of the HR time below and above the model's easy ceiling
        (:func:`analysis.metrics.zones.easy_zones`); ``dynamics``
        (:func:`analysis.metrics.dynamics.run_summary`: mean power, step length and running
        dynamics, NaN where the samples have none).
    """
    sport = str(activity_row.get(c.SPORT) or c.SPORT_OTHER)
    unit = settings.units
    has = samples is not None and not samples.empty
    times = moving_and_elapsed(samples) if has else MovingElapsed(0.0, 0.0, 0.0, 0.0, 0, 0.0)
    dur = _durations(samples) if has else np.zeros(0)
    moving = moving_samples(samples) if has else np.zeros(0, dtype=bool)

    distance = _number(activity_row, c.DISTANCE_M)
    if distance is None and has and np.isfinite(float_column(samples, c.DISTANCE_M)).any():
        distance = float(np.nanmax(float_column(samples, c.DISTANCE_M)))
    moving_s = _number(activity_row, c.MOVING_TIME_S) or (times.moving_s if has else None)
    elapsed_s = _number(activity_row, c.DURATION_S) or (times.elapsed_s if has else None)
    speed = _number(activity_row, c.AVG_SPEED_MPS)
    if speed is None and distance and moving_s:
        speed = distance / moving_s

    avg_hr = _number(activity_row, c.AVG_HEART_RATE_BPM)
    max_hr = _number(activity_row, c.MAX_HEART_RATE_BPM)
    avg_cad = _number(activity_row, c.AVG_CADENCE_SPM)
    if has:
        hr = float_column(samples, c.HEART_RATE_BPM)
        avg_hr = avg_hr if avg_hr is not None else _weighted_mean(hr, dur)
        if max_hr is None and np.isfinite(hr).any():
            max_hr = float(np.nanmax(hr))
        if avg_cad is None:
            avg_cad = _weighted_mean(
                float_column(samples, c.CADENCE_SPM), np.where(moving, dur, 0.0)
            )

    gain: float | None
    loss: float | None
    stated_gain = _number(activity_row, c.ELEVATION_GAIN_M)
    if has and np.isfinite(float_column(samples, c.ALTITUDE_M)).sum() >= 2:
        gain, loss = elevation_gain_loss(samples)
        if stated_gain is not None:
            # the activity's own figure (the watch's total ascent, or the same rule at import)
            # is the one the activity list, the report and the exports show: keep one number
            gain = stated_gain
    else:
        gain, loss = stated_gain, None

    table = zones.hr_zones(
        settings.zone_model, settings.max_hr_bpm, settings.resting_hr_bpm, settings.lthr_bpm
    )
    tiz = (
        time_in_zones_for_run(samples, table)
        if has
        else intensity.time_in_zones(
            pd.DataFrame({c.HEART_RATE_BPM: [], c.SAMPLE_DURATION_S: []}), table
        )
    )
    split = intensity.easy_hard_split(tiz, zones.easy_zones(settings.zone_model))
    display = speed_display(sport, unit)
    dist_factor, dist_label = distance_display(sport, unit)
    elev_factor, elev_label = elevation_display(unit)
    return {
        c.SPORT: sport,
        c.DISTANCE_M: distance,
        "distance_factor": dist_factor,
        "distance_label": dist_label,
        c.MOVING_TIME_S: moving_s,
        "elapsed_time_s": elapsed_s,
        "paused_s": times.paused_s,
        "pauses": times.pauses,
        "longest_pause_s": times.longest_pause_s,
        c.AVG_SPEED_MPS: speed,
        "speed_display": display,
        "speed_text": format_speed(speed, display),
        c.AVG_HEART_RATE_BPM: avg_hr,
        c.MAX_HEART_RATE_BPM: max_hr,
        c.AVG_CADENCE_SPM: avg_cad,
        c.ELEVATION_GAIN_M: gain,
        "elevation_loss_m": loss,
        "elevation_factor": elev_factor,
        "elevation_label": elev_label,
        c.LOAD: load_value,
        "load_model": settings.load_model,
        c.RPE: _number(activity_row, c.RPE),
        "time_in_zones": tiz,
        "easy_pct": split["easy_pct"],
        "hard_pct": split["hard_pct"],
        "dynamics": dynamics.run_summary(samples if has else pd.DataFrame()),
    }


# ---- traces -------------------------------------------------------------------------------------


def _weighted_quantiles(values: FloatArray, weights: FloatArray, qs: list[float]) -> FloatArray:
    """Inverted-CDF quantiles of ``values`` where each value counts ``weights`` seconds."""
    order = np.argsort(values, kind="stable")
    cum = np.cumsum(weights[order])
    total = cum[-1]
    idx = np.searchsorted(cum, np.asarray(qs) * total, side="left")
    return np.asarray(values[order][np.clip(idx, 0, len(values) - 1)], dtype="float64")


def axis_range(values: FloatArray, weights: FloatArray) -> tuple[float, float] | None:
    """The range an axis shows so a few spikes cannot squash the rest.

    ``[max(min, min(P1, Q1 − 3·IQR)), min(max, max(P99, Q3 + 3·IQR))]``, with time-weighted
    percentiles: Tukey's "far out" fences, never narrower than the 1st–99th percentile band, so
    at most 2 % of the time lies beyond it and a steady run keeps every value.

    References
    ----------
    Tukey JW. *Exploratory Data Analysis*. Reading, MA: Addison-Wesley; 1977 (fences at 1.5 and
    3 interquartile ranges beyond the quartiles; beyond 3 is "far out").
    """
    ok = np.isfinite(values)
    if not ok.any():
        return None
    v = values[ok]
    w = np.where(weights[ok] > 0, weights[ok], 0.0)
    if w.sum() <= 0:
        w = np.ones(len(v))
    p_lo, q1, q3, p_hi = _weighted_quantiles(
        v, w, [AXIS_PERCENTILES[0] / 100.0, 0.25, 0.75, AXIS_PERCENTILES[1] / 100.0]
    )
    iqr = q3 - q1
    low = max(float(v.min()), min(float(p_lo), float(q1 - OUTLIER_FENCE_IQR * iqr)))
    high = min(float(v.max()), max(float(p_hi), float(q3 + OUTLIER_FENCE_IQR * iqr)))
    return low, high


@dataclass(frozen=True)
class RunTrace:
    """What the traces of one activity draw.

    ``frame`` holds the moving samples only: ``moving_elapsed_s`` (the x axis: moving time up to
    the sample [s]), ``elapsed_s`` (clock time [s]), ``segment`` (a new one after every pause or
    stop, where the line breaks), ``pace_or_speed`` (smoothed, in ``display`` units: s per
    display distance for a pace), ``heart_rate_bpm``, ``cadence_spm``, ``altitude_m``,
    ``power_w``. ``ranges`` gives each channel's axis range (:func:`axis_range`); ``clipped``
    how many samples of it lie beyond that range (a figure draws them at the edge);
    ``implausible`` how many speeds were left out as faster than the sport allows.
    """

    frame: pd.DataFrame
    display: SpeedDisplay
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)
    clipped: dict[str, int] = field(default_factory=dict)
    implausible: int = 0
    pauses: int = 0
    paused_s: float = 0.0


TRACE_CHANNELS = (PACE_OR_SPEED, c.HEART_RATE_BPM, c.CADENCE_SPM, c.ALTITUDE_M, c.POWER_W)


def trace_frame(samples: pd.DataFrame, sport: str, unit: str) -> RunTrace:
    """The traces of one activity on a moving-time axis, pauses cut out and spikes counted.

    Pauses: the x axis is moving time, so a pause takes no room at all (a 27-day gap between two
    samples adds one sampling interval, not 648 hours); samples standing still are left out; and
    each pause or stop starts a new ``segment``, where the figure breaks the line rather than
    join the two sides. Outliers: speeds above :data:`PLAUSIBLE_SPEED_MPS` for the sport are left
    out (counted in ``implausible``); every channel gets an axis range from :func:`axis_range`,
    and values beyond it are counted in ``clipped`` (the figure draws them at the axis edge).

    Parameters
    ----------
    samples
        Tidy per-sample frame.
    sport
        Sport as stored; decides pace or speed (:func:`speed_display`) and the plausible limit.
    unit
        ``"km"`` or ``"mi"``.

    Returns
    -------
    RunTrace
    """
    display = speed_display(sport, unit)
    columns = [MOVING_ELAPSED_S, c.ELAPSED_S, SEGMENT, *TRACE_CHANNELS]
    if samples is None or samples.empty:
        return RunTrace(_empty(columns), display)
    dur = _durations(samples)
    moving = moving_samples(samples)
    clock = float_column(samples, c.ELAPSED_S)
    times = moving_and_elapsed(samples)

    limit = PLAUSIBLE_SPEED_MPS.get(sport, PLAUSIBLE_SPEED_OTHER_MPS)
    raw_speed = float_column(samples, c.SPEED_MPS).copy()  # never write into the caller's frame
    too_fast = raw_speed > limit
    # left out before smoothing, so one GPS jump does not lift the 15 s around it
    raw_speed[too_fast] = np.nan
    speed = pd.Series(raw_speed, index=pd.to_timedelta(np.nan_to_num(clock), unit="s"))
    smooth = speed.rolling(pd.Timedelta(seconds=TRACE_SMOOTHING_S), min_periods=1).mean()
    smooth_values = smooth.to_numpy(dtype="float64", copy=True)

    moving_start = np.concatenate([[0.0], np.cumsum(np.where(moving, dur, 0.0))[:-1]])
    breaks = np.zeros(len(samples), dtype=bool)
    breaks[1:] = (np.diff(clock) > PAUSE_GAP_S) | ~moving[:-1]
    segment = np.cumsum(breaks)
    keep = moving
    frame = pd.DataFrame(
        {
            MOVING_ELAPSED_S: moving_start[keep],
            c.ELAPSED_S: clock[keep],
            SEGMENT: segment[keep],
            PACE_OR_SPEED: display_speed(smooth_values[keep], display),
            c.HEART_RATE_BPM: float_column(samples, c.HEART_RATE_BPM)[keep],
            c.CADENCE_SPM: float_column(samples, c.CADENCE_SPM)[keep],
            c.ALTITUDE_M: float_column(samples, c.ALTITUDE_M)[keep],
            c.POWER_W: float_column(samples, c.POWER_W)[keep],
        }
    )[columns].reset_index(drop=True)
    weights = dur[keep]
    ranges: dict[str, tuple[float, float]] = {}
    clipped: dict[str, int] = {}
    for channel in TRACE_CHANNELS:
        values = frame[channel].to_numpy(dtype="float64")
        band = axis_range(values, weights)
        if band is None:
            continue
        ranges[channel] = band
        clipped[channel] = int(((values < band[0]) | (values > band[1])).sum())
    return RunTrace(
        frame=frame,
        display=display,
        ranges=ranges,
        clipped=clipped,
        implausible=int((too_fast & moving).sum()),
        pauses=times.pauses,
        paused_s=times.paused_s,
    )
