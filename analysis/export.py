"""The app's exports as a person reads them: display names, the athlete's units, readable values.

The store and the metrics speak the nomenclature (:mod:`analysis.columns`: SI, unit-suffixed snake
case). A runner who downloads "the daily table" opens it in a spreadsheet, where ``distance_m`` in
metres or ``duration_s`` in seconds is a column to convert by hand, and miles chosen in the settings
would be silently ignored. The files the dashboard offers therefore carry the labels the pages show,
with the unit in brackets, in the athlete's units: distances in km or mi (swims in m or yd),
elevation in m or ft, durations as h:mm:ss, paces as m:ss per km, mile, 100 m or 100 yd by sport,
speeds in km/h or mph, dates as dates.

``stridelog export --daily`` on the command line keeps the nomenclature: it is for programs, and its
names are the README's table.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from analysis import columns as c
from analysis.metrics import activity as run
from analysis.units import distance_factor, distance_label, format_duration, format_pace_value

DATE_LABEL = "Date"


def _duration(value: Any) -> str | None:
    number = _number(value)
    return None if number is None else format_duration(number)


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _rounded(digits: int) -> Callable[[pd.Series], pd.Series]:
    def round_to(values: pd.Series) -> pd.Series:
        return pd.to_numeric(values, errors="coerce").round(digits)

    return round_to


def _dates(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values).dt.date


LOAD_UNITS = {
    "duration": "min",
    "trimp": "a.u.",
    "edwards": "a.u.",
    "hrss": "hrTSS-like",
    "srpe": "CR-10 × min",
}
"""Each load model's unit as a column label shows it; the distance model is in the athlete's unit."""


def load_unit(load_model: str, unit: str) -> str:
    """The unit of the daily load under ``load_model``: ``"km"`` or ``"mi"`` for distance."""
    return distance_label(unit) if load_model == "distance" else LOAD_UNITS[load_model]


def readable_daily(frame: pd.DataFrame, unit: str, load_label: str) -> pd.DataFrame:
    """The daily export (:func:`analysis.dashboard.daily_export`) with display names and units.

    Parameters
    ----------
    frame
        One row per local day in the nomenclature.
    unit
        ``"km"`` or ``"mi"``: the athlete's distance unit.
    load_label
        The daily load's unit (:func:`load_unit`), so the load columns say what they count.

    Returns
    -------
    pandas.DataFrame
        The same rows; each known column renamed and converted, unknown columns kept as they are
        (at the end), so nothing in the daily table is dropped on the way out.
    """
    d_label, d_factor = distance_label(unit), distance_factor(unit)
    load = f"[{load_label}]"
    spec: list[tuple[str, str, Callable[[pd.Series], Any]]] = [
        (c.DATE, DATE_LABEL, _dates),
        (
            c.DISTANCE_M,
            f"Distance [{d_label}]",
            lambda v: (pd.to_numeric(v) / 1000.0 * d_factor).round(3),
        ),
        (c.DURATION_S, "Time [h:mm:ss]", lambda v: v.map(_duration)),
        (c.LOAD, f"Load {load}", _rounded(2)),
        (c.ACUTE_LOAD, f"Acute load, daily mean {load}", _rounded(2)),
        (c.CHRONIC_LOAD, f"Chronic load, daily mean {load}", _rounded(2)),
        (c.ACWR, "ACWR", _rounded(3)),
        ("load_model", "Load model", lambda v: v),
        ("acwr_variant", "ACWR variant", lambda v: v),
        (c.CTL, f"Fitness (CTL) {load}", _rounded(2)),
        (c.ATL, f"Fatigue (ATL) {load}", _rounded(2)),
        (c.TSB, f"Form (TSB) {load}", _rounded(2)),
        (c.MONOTONY, "Monotony", _rounded(2)),
        (c.STRAIN, f"Strain {load}", _rounded(1)),
        (c.RESTING_HR_BPM, "Resting HR [bpm]", _rounded(0)),
        (c.HRV_RMSSD_MS, "HRV rMSSD [ms]", _rounded(1)),
        (c.SLEEP_H, "Sleep [h]", _rounded(2)),
        (c.SLEEP_QUALITY, "Sleep quality [1-5]", _rounded(0)),
        (c.SORENESS, "Soreness [1-5]", _rounded(0)),
        (c.FATIGUE, "Fatigue [1-5]", _rounded(0)),
        (c.MOOD, "Mood [1-5]", _rounded(0)),
        (c.STRESS, "Stress [1-5]", _rounded(0)),
        (c.NOTES, "Notes", lambda v: v),
        (c.STRENGTH_MIN, "Strength & mobility [min]", _rounded(0)),
        (c.PAIN_MAX, "Pain, highest [0-10]", _rounded(0)),
        (c.BLOCK_KIND, "Training block", lambda v: v),
    ]
    return _apply(frame, spec)


def _pace_or_speed(acts: pd.DataFrame, unit: str) -> tuple[pd.Series, pd.Series]:
    """Each activity's pace (m:ss per its sport's distance) and speed, one of them per row."""
    pace: list[str | None] = [None] * len(acts)
    speed = np.full(len(acts), np.nan)
    for i, (sport, mps) in enumerate(zip(acts[c.SPORT], acts[c.AVG_SPEED_MPS], strict=True)):
        display = run.speed_display(str(sport), unit)
        shown = float(run.display_speed(_number(mps) or np.nan, display))
        if not math.isfinite(shown):
            continue
        if display.kind == "pace":
            pace[i] = f"{format_pace_value(shown)} {display.label}"
        else:
            speed[i] = round(shown, 2)
    return pd.Series(pace, index=acts.index, dtype="object"), pd.Series(speed, index=acts.index)


def readable_activities(acts: pd.DataFrame, unit: str) -> pd.DataFrame:
    """The activities table (:func:`analysis.dashboard.activity_table`) as a person reads it.

    Each sport keeps its own display (:func:`analysis.metrics.activity.speed_display`): runs and
    walks as a pace per km or mile, swims per 100 m or 100 yd, rides as a speed in km/h or mph;
    a swim's distance is in metres or yards. Internal bookkeeping (file hash, channel mask, leg
    number) is left out; the activity id stays, since comments and duplicates refer to it.

    Parameters
    ----------
    acts
        The activities table in the nomenclature.
    unit
        ``"km"`` or ``"mi"``.
    """
    out = acts.copy()
    pace, speed = _pace_or_speed(out, unit)
    miles = unit == "mi"
    speed_label = "mph" if miles else "km/h"
    factors = [run.distance_display(str(s), unit) for s in out[c.SPORT]]
    out["_distance"] = [
        round(float(m) * f, 3) if _number(m) is not None else None
        for m, (f, _) in zip(out[c.DISTANCE_M], factors, strict=True)
    ]
    out["_distance_unit"] = [label for _, label in factors]
    out["_pace"] = pace
    out["_speed"] = speed
    elev_factor, elev_label = run.elevation_display(unit)
    spec: list[tuple[str, str, Callable[[pd.Series], Any]]] = [
        (c.LOCAL_DATE, DATE_LABEL, _dates),
        (c.START_TIME_LOCAL, "Start (local)", lambda v: pd.to_datetime(v).dt.strftime("%H:%M")),
        (c.TIMEZONE, "Time zone", lambda v: v),
        (c.NAME, "Name", lambda v: v),
        (c.SPORT, "Sport", lambda v: v.astype(str).str.capitalize()),
        ("_distance", "Distance", lambda v: v),
        ("_distance_unit", "Distance unit", lambda v: v),
        (c.MOVING_TIME_S, "Moving time [h:mm:ss]", lambda v: v.map(_duration)),
        (c.DURATION_S, "Elapsed time [h:mm:ss]", lambda v: v.map(_duration)),
        ("_pace", "Pace", lambda v: v),
        ("_speed", f"Speed [{speed_label}]", lambda v: v),
        (c.AVG_HEART_RATE_BPM, "Avg HR [bpm]", _rounded(0)),
        (c.MAX_HEART_RATE_BPM, "Max HR [bpm]", _rounded(0)),
        (c.AVG_CADENCE_SPM, "Avg cadence [per min]", _rounded(0)),
        (
            c.ELEVATION_GAIN_M,
            f"Elevation gain [{elev_label}]",
            lambda v: (pd.to_numeric(v, errors="coerce") * elev_factor).round(0),
        ),
        (c.RPE, "RPE [0-10]", lambda v: v),
        ("gear", "Gear", lambda v: v),
        (c.DUPLICATE_OF, "Duplicate of", lambda v: v),
        (c.IS_SUMMARY, "Summary only", lambda v: v.map({True: "yes", False: "no"})),
        (c.SOURCE_NAME, "File", lambda v: v),
        (c.FORMAT, "Format", lambda v: v.astype(str).str.upper()),
        ("fixes", "Import notes", lambda v: v),
        (c.ACTIVITY_ID, "Activity id", lambda v: v),
    ]
    return _apply(out, spec, keep_unknown=False)


def _apply(
    frame: pd.DataFrame,
    spec: list[tuple[str, str, Callable[[pd.Series], Any]]],
    *,
    keep_unknown: bool = True,
) -> pd.DataFrame:
    out = pd.DataFrame(index=frame.index)
    known = set()
    for name, label, convert in spec:
        known.add(name)
        if name in frame.columns:
            out[label] = convert(frame[name]) if len(frame) else pd.Series(dtype="object")
    if keep_unknown:
        for name in frame.columns:
            if name not in known:
                out[name] = frame[name]
    return out.reset_index(drop=True)
