"""One run in detail: everything the single-activity view shows, prepared without Streamlit.

One call reads the activity, its samples, laps and comments from the athlete's store and runs the
metrics of :mod:`analysis.metrics.activity` on them; the page only renders (and caches the result
keyed on the athlete, the store's revision and the activity id).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from analysis import columns as c
from analysis import units
from analysis.dashboard import HR_MODELS
from analysis.metrics import activity, dynamics, load
from analysis.prepare import histogram
from analysis.settings import AthleteSettings
from analysis.store import AthleteStore

NOT_COUNTED_DUPLICATE = "not counted: the same run as {other}"
NOT_COUNTED_SPORT = "not counted: the distance load model counts running only"
NO_HEART_RATE = "counts 0: no heart rate, which the {model} load model needs"
NO_RPE = "counts 0: no session RPE yet (rate it below)"


def activity_load(
    row: dict[str, Any], samples: pd.DataFrame, settings: AthleteSettings
) -> tuple[float | None, str]:
    """The activity's load under the athlete's load model, as the load pages count it.

    Parameters
    ----------
    row
        The activity as the store returns it.
    samples
        Its tidy per-sample frame.
    settings
        The athlete's settings (load model, HR settings, sex).

    Returns
    -------
    load, note
        The load [unit of :data:`analysis.metrics.load.LOAD_UNITS`] or None when the daily
        series leaves the activity out (a duplicate; a non-running activity under the distance
        model), and a sentence saying why it is missing or zero (empty when neither).
    """
    model = settings.load_model
    other = row.get(c.DUPLICATE_OF)
    if isinstance(other, str) and other:
        return None, NOT_COUNTED_DUPLICATE.format(other=other)
    if model == "distance" and row.get(c.SPORT) != c.SPORT_RUNNING:
        return None, NOT_COUNTED_SPORT
    frame = pd.DataFrame([row])
    hr_hist = None
    if model in HR_MODELS:
        # the same histogram the importer stores, so this equals the load pages' value
        hr_hist = histogram(samples, c.HEART_RATE_BPM).assign(**{c.ACTIVITY_ID: row[c.ACTIVITY_ID]})
    value = float(
        load.activity_loads(
            frame,
            model,
            hr_hist,
            resting_hr_bpm=settings.resting_hr_bpm,
            max_hr_bpm=settings.max_hr_bpm,
            sex=settings.sex,
            lthr_bpm=settings.lthr_bpm,
        ).iloc[0]
    )
    note = ""
    if model in HR_MODELS and (hr_hist is None or hr_hist.empty):
        note = NO_HEART_RATE.format(model=load.LOAD_MODEL_NAMES[model])
    elif model == "srpe" and pd.isna(row.get(c.RPE)):
        note = NO_RPE
    return value, note


DYNAMICS_TILES: tuple[tuple[str, str, str, float, str], ...] = (
    # (headline key, title, number format, factor from the stored unit, hint)
    (c.AVG_POWER_W, "Avg power [W]", "{:.0f}", 1.0, "Running power, moving time only."),
    (c.STEP_LENGTH_M, "Step length [m]", "{:.2f}", 1.0,
     "One foot strike to the next: the file's own where it has one, else speed × 60 / cadence."),
    (c.AVG_GROUND_CONTACT_TIME_MS, "Ground contact [ms]", "{:.0f}", 1.0,
     "Time a foot is on the ground per step."),
    (c.AVG_VERTICAL_OSCILLATION_MM, "Vertical osc. [cm]", "{:.1f}", 0.1,
     "Up-and-down travel of the torso per step."),
    (c.AVG_VERTICAL_RATIO_PCT, "Vertical ratio [%]", "{:.1f}", 1.0,
     "Vertical oscillation over step length; lower is more economical."),
    (c.AVG_STANCE_TIME_BALANCE_PCT, "GCT balance [% L]", "{:.1f}", 1.0,
     "The left foot's share of ground contact time; 50 % is even."),
)  # fmt: skip
"""The headline's power and running-dynamics tiles, in the order shown."""


IMPERIAL_TILES: dict[str, tuple[str, str, float]] = {
    # with miles chosen, lengths in inches, as imperial watches show them
    c.STEP_LENGTH_M: ("Step length [in]", "{:.1f}", units.step_length_factor(units.UNIT_MI)),
    c.AVG_VERTICAL_OSCILLATION_MM: (
        "Vertical osc. [in]",
        "{:.1f}",
        units.oscillation_factor(units.UNIT_MI),
    ),
}
"""The tiles whose unit follows the athlete's distance unit: (title, format, factor)."""


def dynamics_tiles(head: dict[str, Any], unit: str = "km") -> list[tuple[str, str, str]]:
    """The headline's power and dynamics tiles the run has a value for, as (title, text, hint).

    Empty when the run has none of them (most files), so the page shows no empty row. With
    ``unit`` ``"mi"`` step length and vertical oscillation are in inches.
    """
    values = head.get("dynamics") or {}
    out = []
    for key, title, fmt, factor, hint in DYNAMICS_TILES:
        if unit == "mi" and key in IMPERIAL_TILES:
            title, fmt, factor = IMPERIAL_TILES[key]
        value = values.get(key)
        if value is not None and math.isfinite(value):
            out.append((title, fmt.format(value * factor), hint))
    return out


MEASURED_DYNAMICS = (
    c.GROUND_CONTACT_TIME_MS,
    c.VERTICAL_OSCILLATION_MM,
    c.VERTICAL_RATIO_PCT,
    c.STANCE_TIME_BALANCE_PCT,
    c.STEP_LENGTH_MM,
)
"""Per-sample channels only a running-dynamics sensor records (a chest strap, a pod or the
watch itself); a run with a reading of one of them gets the dynamics traces."""

DYNAMICS_CHANNELS = (
    c.GROUND_CONTACT_TIME_MS,
    c.VERTICAL_OSCILLATION_MM,
    c.VERTICAL_RATIO_PCT,
    c.STANCE_TIME_BALANCE_PCT,
    c.STEP_LENGTH_M,
)
"""The channels of :func:`dynamics_trace`, each in its stored unit (step length in metres)."""


def _numbers(samples: pd.DataFrame, column: str) -> np.ndarray:
    if column not in samples.columns:
        return np.full(len(samples), np.nan)
    return pd.to_numeric(samples[column], errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan
    )


def dynamics_trace(samples: pd.DataFrame, trace: activity.RunTrace) -> activity.RunTrace:
    """The running-dynamics channels of one run on the moving-time axis of its other traces.

    The rows are those of ``trace.frame`` (the moving samples, pauses cut out, the same
    ``moving_elapsed_s`` and ``segment``), so the two figures share their axis and breaks.
    Channels: ground contact time [ms], vertical oscillation [mm], vertical ratio [%], ground
    contact time balance [% left] and step length [m]
    (:func:`analysis.metrics.dynamics.step_length`: the file's own, else speed × 60 / cadence).
    Each gets an axis range from :func:`analysis.metrics.activity.axis_range` and a count of the
    values beyond it, as the other traces do.

    Parameters
    ----------
    samples
        The run's tidy per-sample frame.
    trace
        :func:`analysis.metrics.activity.trace_frame` of the same samples.

    Returns
    -------
    RunTrace
        With no ``ranges`` (nothing to draw) when no moving sample has a reading of a
        :data:`MEASURED_DYNAMICS` channel: step length from speed and cadence alone repeats
        what the pace and cadence traces already show, so it never makes a figure by itself.
    """
    base = [activity.MOVING_ELAPSED_S, c.ELAPSED_S, activity.SEGMENT]
    empty = activity.RunTrace(
        pd.DataFrame({col: pd.Series(dtype="float64") for col in [*base, *DYNAMICS_CHANNELS]}),
        trace.display,
    )
    if samples is None or samples.empty or trace.frame.empty:
        return empty
    moving = activity.moving_samples(samples)
    measured = [
        col for col in MEASURED_DYNAMICS if np.isfinite(_numbers(samples, col)[moving]).any()
    ]
    if not measured:
        return empty
    frame = trace.frame[base].copy()
    for column in DYNAMICS_CHANNELS[:-1]:
        frame[column] = _numbers(samples, column)[moving]
    frame[c.STEP_LENGTH_M] = dynamics.step_length(samples)[moving]
    seconds = _numbers(samples, c.SAMPLE_DURATION_S)[moving]
    weights = np.where(np.isfinite(seconds) & (seconds > 0), seconds, 0.0)
    ranges: dict[str, tuple[float, float]] = {}
    clipped: dict[str, int] = {}
    for column in DYNAMICS_CHANNELS:
        values = frame[column].to_numpy(dtype="float64")
        band = activity.axis_range(values, weights)
        if band is None:
            continue
        ranges[column] = band
        clipped[column] = int(((values < band[0]) | (values > band[1])).sum())
    return activity.RunTrace(frame=frame, display=trace.display, ranges=ranges, clipped=clipped)


def run_detail_data(
    store: AthleteStore, settings: AthleteSettings, activity_id: str
) -> dict[str, Any]:
    """Everything the single-activity view shows.

    Parameters
    ----------
    store
        The athlete's store, opened through the access layer.
    settings
        The athlete's settings (units, zone and load models, HR settings).
    activity_id
        The activity to show.

    Returns
    -------
    dict
        ``activity`` (the stored row), ``samples`` (tidy per-sample frame, empty for a summary
        row), ``headline`` (:func:`analysis.metrics.activity.headline`, with ``load_note``),
        ``splits`` (:func:`~analysis.metrics.activity.splits` per km or mile, by
        ``settings.units``), ``laps`` (:func:`~analysis.metrics.activity.laps_table`),
        ``zones`` (:func:`~analysis.metrics.activity.time_in_zones_for_run`), ``trace``
        (:func:`~analysis.metrics.activity.trace_frame`), ``dynamics_trace``
        (:func:`dynamics_trace`: no ranges when the run has no running dynamics), ``comments``
        (the activity's notes, oldest first), ``sport`` and ``unit``.

    Raises
    ------
    LookupError
        When the store has no activity of that id (deleted meanwhile).
    """
    row = store.activity(activity_id)
    if row is None:
        raise LookupError(f"no activity {activity_id!r}")
    sport = str(row.get(c.SPORT) or c.SPORT_OTHER)
    unit = settings.units
    samples = store.samples(activity_id)
    load_value, load_note = activity_load(row, samples, settings)
    head = activity.headline(row, samples, settings, load_value)
    head["load_note"] = load_note
    head["load_unit"] = load.LOAD_UNITS[settings.load_model]
    trace = activity.trace_frame(samples, sport, unit)
    return {
        "activity": row,
        "samples": samples,
        "headline": head,
        "splits": activity.splits(samples, unit),
        "laps": activity.laps_table(store.laps(activity_id), samples),
        "zones": head["time_in_zones"],
        "trace": trace,
        "dynamics_trace": dynamics_trace(samples, trace),
        "comments": store.comments("activity", activity_id),
        "sport": sport,
        "unit": unit,
    }
