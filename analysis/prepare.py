"""From a parsed activity to what the store keeps: summary, local time, time-weighted histograms
and best efforts.

This is the only place where per-sample data is condensed. Pages never re-read samples on a rerun;
they read these summaries and histograms (a histogram row is a value and the seconds spent at it,
which is all that time-in-zones, TRIMP and cadence distributions need, whatever the settings), and
each run's best efforts and pace–duration curve (about 7 and 21 rows): reading every run's samples
to find them cost 9 s on five years of running, their computation from samples 2–3 ms per run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from analysis import columns as c
from analysis.metrics.activity import altitude_gain_loss
from analysis.metrics.efforts import CURVE_COLUMNS, EFFORT_COLUMNS, run_efforts
from analysis.parsers.base import ParsedActivity
from analysis.samplemath import MOVING_SPEED_MPS, offset_name, timezone_finder

RICH_CHANNELS = (
    c.HEART_RATE_BPM, c.CADENCE_SPM, c.POWER_W, c.ALTITUDE_M, c.LATITUDE_DEG, c.SPEED_MPS,
)  # fmt: skip
"""The channels counted when choosing which copy of a run to keep."""


def no_efforts() -> pd.DataFrame:
    """An empty frame of :data:`analysis.metrics.efforts.EFFORT_COLUMNS`."""
    return pd.DataFrame({col: pd.Series(dtype="float64") for col in EFFORT_COLUMNS})


def no_curve() -> pd.DataFrame:
    """An empty frame of :data:`analysis.metrics.efforts.CURVE_COLUMNS`."""
    return pd.DataFrame({col: pd.Series(dtype="float64") for col in CURVE_COLUMNS})


@dataclass
class ActivityRecord:
    """One activity ready for the store: its summary row, samples, histograms and best efforts.

    ``efforts`` and ``curve`` are :func:`analysis.metrics.efforts.run_efforts` of the samples,
    computed for every activity with a distance stream whatever its sport (the store reads them
    by sport, and an export may still change an ``other`` into a run); empty without one.
    """

    summary: dict[str, Any]
    samples: pd.DataFrame
    hr_histogram: pd.DataFrame  # [heart_rate_bpm, sample_duration_s]
    cadence_histogram: pd.DataFrame  # [cadence_spm, sample_duration_s]
    laps: pd.DataFrame | None = None
    fixes: list[str] = field(default_factory=list)
    efforts: pd.DataFrame = field(default_factory=no_efforts)  # EFFORT_COLUMNS
    curve: pd.DataFrame = field(default_factory=no_curve)  # CURVE_COLUMNS

    @property
    def activity_id(self) -> str:
        return str(self.summary[c.ACTIVITY_ID])


def resolve_local_time(act: ParsedActivity) -> tuple[str, str, pd.Timestamp]:
    """The activity's time zone, where that came from, and its local (naive) start time.

    Order of preference: the offset the file carries (FIT ``local_timestamp``; a summary row's
    stated local time), then the zone at the first GPS fix (timezonefinder), then UTC.
    """
    start = pd.Timestamp(act.start_time_utc)
    start = start.tz_localize("UTC") if start.tzinfo is None else start.tz_convert("UTC")
    if act.utc_offset_s is not None:
        tz = timezone(timedelta(seconds=act.utc_offset_s))
        local = start.tz_convert(tz).tz_localize(None)
        return offset_name(act.utc_offset_s), c.TZ_SOURCE_FILE, local
    if act.start_time_local is not None:
        return "local time (from file)", c.TZ_SOURCE_FILE, pd.Timestamp(act.start_time_local)
    fixes = act.samples[[c.LATITUDE_DEG, c.LONGITUDE_DEG]].dropna()
    if len(fixes):
        lat, lon = fixes.iloc[0]
        name = timezone_finder().timezone_at(lng=float(lon), lat=float(lat))
        if name:
            return name, c.TZ_SOURCE_GPS, start.tz_convert(ZoneInfo(name)).tz_localize(None)
    return "UTC", c.TZ_SOURCE_UTC, start.tz_localize(None)


def _weighted_mean(values: pd.Series, weights: pd.Series) -> float | None:
    ok = values.notna() & (weights > 0)
    total = float(weights[ok].sum())
    if total <= 0:
        return None
    return float((values[ok] * weights[ok]).sum() / total)


def elevation_gain_m(altitude: pd.Series) -> float | None:
    """Total ascent [m] by :func:`analysis.metrics.activity.altitude_gain_loss` (GoldenCheetah's
    3 m hysteresis), the one definition the run view uses too; None without two readings."""
    alt = altitude.to_numpy(dtype="float64", na_value=np.nan)
    if int(np.isfinite(alt).sum()) < 2:
        return None
    return altitude_gain_loss(alt)[0]


def histogram(samples: pd.DataFrame, column: str, mask: pd.Series | None = None) -> pd.DataFrame:
    """Seconds spent at each whole value of ``column`` (weighted by ``sample_duration_s``)."""
    values = samples[column].to_numpy(dtype="float64")
    seconds = samples[c.SAMPLE_DURATION_S].to_numpy(dtype="float64")
    keep = ~np.isnan(values)
    if mask is not None:
        keep &= mask.to_numpy(dtype=bool)
    bins, where = np.unique(np.rint(values[keep]).astype("int64"), return_inverse=True)
    totals = np.bincount(where, weights=seconds[keep], minlength=len(bins)).astype("float64")
    spent = totals > 0
    return pd.DataFrame({column: bins[spent], c.SAMPLE_DURATION_S: totals[spent]})


def moving_mask(samples: pd.DataFrame) -> pd.Series:
    """Samples that count as moving: speed at or above walking pace, or no speed recorded."""
    speed = samples[c.SPEED_MPS]
    return speed.isna() | (speed >= MOVING_SPEED_MPS)


def activity_summary(act: ParsedActivity, file_hash: str, index: int) -> dict[str, Any]:
    """The summary row :func:`prepare_activity` makes, alone (what ``stridelog parse`` prints:
    no histograms, best efforts or curve are computed)."""
    return _summary(act, file_hash, index)[0]


def prepare_activity(act: ParsedActivity, file_hash: str, index: int) -> ActivityRecord:
    """Summarise one parsed activity for the store.

    Values the file states itself (a FIT session's distance and timer time) win over values
    derived from the samples.
    """
    s = act.samples
    summary, moving = _summary(act, file_hash, index)
    hr_hist = histogram(s, c.HEART_RATE_BPM)
    cad_hist = histogram(s, c.CADENCE_SPM, moving if len(s) else None)
    efforts, curve = run_efforts(s) if len(s) else (no_efforts(), no_curve())
    return ActivityRecord(
        summary, s, hr_hist, cad_hist, act.laps, list(act.fixes), efforts=efforts, curve=curve
    )


def _summary(act: ParsedActivity, file_hash: str, index: int) -> tuple[dict[str, Any], pd.Series]:
    """The summary row of one activity, and its moving mask (for the cadence histogram)."""
    s = act.samples
    tz_name, tz_source, start_local = resolve_local_time(act)
    has_samples = len(s) > 0
    moving = moving_mask(s) if has_samples else pd.Series(dtype=bool)
    weights = s[c.SAMPLE_DURATION_S] if has_samples else pd.Series(dtype="float64")

    duration = act.duration_s
    if duration is None and has_samples:
        duration = float(s[c.ELAPSED_S].iloc[-1] + s[c.SAMPLE_DURATION_S].iloc[-1])
    moving_time = act.moving_time_s
    if moving_time is None and has_samples:
        moving_time = float(weights[moving].sum())
    distance = act.distance_m
    if distance is None and has_samples and s[c.DISTANCE_M].notna().any():
        distance = float(s[c.DISTANCE_M].max())
    avg_hr = act.avg_heart_rate_bpm
    max_hr = act.max_heart_rate_bpm
    avg_cad = act.avg_cadence_spm
    gain = act.elevation_gain_m
    if has_samples:
        if avg_hr is None:
            avg_hr = _weighted_mean(s[c.HEART_RATE_BPM], weights)
        if max_hr is None and s[c.HEART_RATE_BPM].notna().any():
            max_hr = float(s[c.HEART_RATE_BPM].max())
        if avg_cad is None:
            avg_cad = _weighted_mean(s[c.CADENCE_SPM].where(moving), weights)
        if gain is None:
            gain = elevation_gain_m(s[c.ALTITUDE_M])
    avg_speed = None
    if distance and moving_time:
        avg_speed = distance / moving_time
    elif distance and duration:
        avg_speed = distance / duration

    summary: dict[str, Any] = {
        c.ACTIVITY_ID: f"{file_hash[:16]}-{index}",
        c.FILE_HASH: file_hash,
        c.SOURCE_NAME: act.source_name,
        c.FORMAT: act.format,
        c.SPORT: act.sport,
        c.NAME: act.name,
        c.START_TIME_UTC: pd.Timestamp(act.start_time_utc).tz_convert("UTC").tz_localize(None)
        if pd.Timestamp(act.start_time_utc).tzinfo is not None
        else pd.Timestamp(act.start_time_utc),
        c.START_TIME_LOCAL: start_local,
        c.LOCAL_DATE: start_local.normalize(),
        c.TIMEZONE: tz_name,
        c.TIMEZONE_SOURCE: tz_source,
        c.DURATION_S: duration,
        c.MOVING_TIME_S: moving_time,
        c.DISTANCE_M: distance,
        c.AVG_HEART_RATE_BPM: avg_hr,
        c.MAX_HEART_RATE_BPM: max_hr,
        c.AVG_CADENCE_SPM: avg_cad,
        c.AVG_SPEED_MPS: avg_speed,
        c.ELEVATION_GAIN_M: gain,
        c.SAMPLES: len(s),
        c.IS_SUMMARY: act.is_summary,
        c.DUPLICATE_OF: None,
        "leg": act.leg,
        "fixes": "; ".join(act.fixes),
        c.RPE: act.rpe,
        c.GEAR: act.gear,
        c.CHANNELS: int(s[list(RICH_CHANNELS)].notna().any().sum()) if has_samples else 0,
        c.EXTERNAL_ID: act.external_id,
    }
    return summary, moving
