"""Running power and dynamics: step length from speed and cadence, power zones from critical power.

**Step, not stride.** ``cadence_spm`` counts the steps of both feet, so speed over it is the
distance of one **step** (one foot strike to the next foot's strike):
``step_length_m = speed_mps × 60 / cadence_spm``. A biomechanical **stride** is two steps (a full
gait cycle, foot strike to the same foot's next strike; Cavanagh & Kram 1989). Garmin's Running
Dynamics field called "stride length" is the step (its manual: "the length of your stride from
one footstrike to the next"), so a file's own value, where a parser keeps it, is the same
quantity as ours and is preferred.

Works only from the columns that exist in the per-sample frame (``speed_mps``, ``cadence_spm``,
``power_w``); extra dynamics columns (ground contact time, vertical oscillation …) are averaged
when a caller names them and the frame has them, and ignored otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis import columns as c
from analysis.metrics.efficiency import moving_mask
from analysis.metrics.frames import float_column

STRYD_ZONES = (
    ("Z1 Easy", 65, 80),
    ("Z2 Moderate", 80, 90),
    ("Z3 Threshold", 90, 100),
    ("Z4 Interval", 100, 115),
    ("Z5 Repetition", 115, 130),
)
"""Stryd's five running power zones as ``(name, low %, high %)`` of critical power. Stryd's table
leaves below 65 % and above 130 % unnamed; here Z1 is open below and Z5 open above (as the
heart-rate zones are), so every second of power falls in exactly one zone."""


def step_length(samples: pd.DataFrame) -> np.ndarray:
    """Each sample's step length [m]: the file's own ``step_length_mm`` / 1000 where it has one,
    else ``speed_mps × 60 / cadence_spm``; NaN where neither is known or the sample stands still.

    Example: 3.0 m/s at 180 steps/min → 3.0 × 60 / 180 = 1.0 m per step (a 2.0 m stride).

    References
    ----------
    Cavanagh PR, Kram R. Stride length in distance running: velocity, body dimensions, and
    added mass effects. *Med Sci Sports Exerc* 1989;21(4):467–479 (speed = stride length ×
    stride frequency; a stride is two steps).

    Garmin. *Running Dynamics* (owner's manuals, "Stride length": from one footstrike to the
    next, i.e. a step).
    """
    speed, cadence = float_column(samples, c.SPEED_MPS), float_column(samples, c.CADENCE_SPM)
    moving = moving_mask(samples)
    with np.errstate(divide="ignore", invalid="ignore"):
        computed = np.where(moving & (cadence > 0), speed * 60.0 / cadence, np.nan)
    own = float_column(samples, c.STEP_LENGTH_MM) / 1000.0
    return np.where(np.isfinite(own) & (own > 0), own, computed)


def run_step_length(samples: pd.DataFrame) -> float:
    """One run's step length [m]: its distance over its steps.

    Over the moving samples with a step length and a cadence: Σ (length × steps) / Σ steps,
    with steps = cadence × seconds / 60. When every length comes from speed and cadence this is
    Σ speed × seconds / Σ steps, the distance run per step. NaN without such samples.
    """
    length = step_length(samples)
    cadence = float_column(samples, c.CADENCE_SPM)
    seconds = float_column(samples, c.SAMPLE_DURATION_S)
    steps = np.where(np.isfinite(seconds) & (seconds > 0), cadence * seconds / 60.0, np.nan)
    keep = np.isfinite(length) & np.isfinite(steps) & (steps > 0)
    total = float(steps[keep].sum())
    return float((length[keep] * steps[keep]).sum()) / total if total > 0 else float("nan")


def _moving_seconds(samples: pd.DataFrame) -> np.ndarray:
    """Each sample's seconds where it is moving and has a duration, else 0 [s]."""
    seconds = float_column(samples, c.SAMPLE_DURATION_S)
    keep = moving_mask(samples) & np.isfinite(seconds) & (seconds > 0)
    return np.where(keep, seconds, 0.0)


def _mean_over_time(
    samples: pd.DataFrame, column: str, moving_s: np.ndarray | None = None
) -> float:
    """The mean of ``column`` weighted by the moving samples' seconds (``moving_s``, from
    :func:`_moving_seconds`, given when several channels of one run are averaged)."""
    values = float_column(samples, column)
    weights = _moving_seconds(samples) if moving_s is None else moving_s
    keep = np.isfinite(values) & (weights > 0)
    total = float(weights[keep].sum())
    return float((values[keep] * weights[keep]).sum()) / total if total > 0 else float("nan")


def run_dynamics(samples: pd.DataFrame, extra: Sequence[str] = ()) -> dict[str, float]:
    """One run's mean power, step length and any ``extra`` channels the frame has.

    Means are weighted by ``sample_duration_s`` over the moving samples with a reading.

    Returns
    -------
    dict
        ``avg_power_w`` [W], ``step_length_m`` [m], and each ``extra`` column present in the
        frame under its own name (its own unit); NaN where a run has no reading.
    """
    moving_s = _moving_seconds(samples)  # once for every channel of the run
    out = {
        c.AVG_POWER_W: _mean_over_time(samples, c.POWER_W, moving_s),
        c.STEP_LENGTH_M: run_step_length(samples),
    }
    for column in extra:
        if column in samples.columns and column not in out:
            out[column] = _mean_over_time(samples, column, moving_s)
    return out


RUN_AVERAGES: dict[str, str] = {
    c.AVG_GROUND_CONTACT_TIME_MS: c.GROUND_CONTACT_TIME_MS,
    c.AVG_VERTICAL_OSCILLATION_MM: c.VERTICAL_OSCILLATION_MM,
    c.AVG_VERTICAL_RATIO_PCT: c.VERTICAL_RATIO_PCT,
    c.AVG_STANCE_TIME_BALANCE_PCT: c.STANCE_TIME_BALANCE_PCT,
}
"""Each run average of a running-dynamics channel, and the per-sample column it averages."""


def run_summary(samples: pd.DataFrame) -> dict[str, float]:
    """One run's power and running dynamics, as its headline shows them.

    Every value is a mean weighted by ``sample_duration_s`` over the moving samples with a
    reading (:func:`run_dynamics`); step length is the run's distance per step
    (:func:`run_step_length`: the file's own step length where it has one, else speed × 60 /
    cadence). The balance is the left foot's share of ground contact time, so 50 % is even.

    Returns
    -------
    dict
        ``avg_power_w`` [W], ``step_length_m`` [m], ``avg_ground_contact_time_ms`` [ms],
        ``avg_vertical_oscillation_mm`` [mm], ``avg_vertical_ratio_pct`` [%] and
        ``avg_stance_time_balance_pct`` [% left]; NaN where the run has no reading.

    References
    ----------
    Garmin. *Running Dynamics* (owner's manuals: ground contact time, vertical oscillation,
    vertical ratio = vertical oscillation / stride length, ground contact time balance).
    """
    out = run_dynamics(samples)
    moving_s = _moving_seconds(samples)
    for average, column in RUN_AVERAGES.items():
        out[average] = _mean_over_time(samples, column, moving_s)
    return out


def dynamics_table(
    runs: pd.DataFrame, samples: Mapping[str, pd.DataFrame], extra: Sequence[str] = ()
) -> pd.DataFrame:
    """:func:`run_dynamics` of every run with samples: ``activity_id``, ``start_time_local``,
    ``avg_power_w`` [W], ``step_length_m`` [m] and the ``extra`` columns, oldest first."""
    rows = []
    for run in runs.to_dict("records"):
        frame = samples.get(str(run[c.ACTIVITY_ID]))
        if frame is None or frame.empty:
            continue
        rows.append(
            {
                c.ACTIVITY_ID: run[c.ACTIVITY_ID],
                c.START_TIME_LOCAL: run.get(c.START_TIME_LOCAL),
                **run_dynamics(frame, extra),
            }
        )
    out = pd.DataFrame(
        rows, columns=[c.ACTIVITY_ID, c.START_TIME_LOCAL, c.AVG_POWER_W, c.STEP_LENGTH_M]
    )
    if rows:
        out = pd.DataFrame(rows)
    return out.sort_values(c.START_TIME_LOCAL, kind="stable").reset_index(drop=True)


def power_zones(critical_power_w: float) -> pd.DataFrame:
    """Stryd's five running power zones from critical power.

    Edges at 80, 90, 100 and 115 % of CP, half-open ``[low, high)``; Z1 is open below (Stryd's
    "Easy" starts at 65 %) and Z5 open above (Stryd's "Repetition" ends at 130 %). Example, CP
    250 W: Z1 < 200 W, Z2 200–225 W, Z3 225–250 W, Z4 250–287.5 W, Z5 ≥ 287.5 W.

    Parameters
    ----------
    critical_power_w
        Critical power [W] (Stryd's, or a threshold power from a 30–60 min test).

    Returns
    -------
    pandas.DataFrame
        ``zone``, ``zone_low_w`` [W] (inclusive; 0 for Z1), ``zone_high_w`` [W] (exclusive;
        inf for Z5) and ``zone_label`` with Stryd's %CP band and the watts.

    References
    ----------
    Stryd. "Power Zones explained" (support.stryd.com/hc/en-us/articles/360039774153) and
    *Training with Power* (the Stryd training guide): Easy 65–80 %, Moderate 80–90 %, Threshold
    90–100 %, Interval 100–115 %, Repetition 115–130 % of critical power.
    """
    if not (math.isfinite(critical_power_w) and critical_power_w > 0):
        raise ValueError("critical power must be a positive number of watts")
    names, lows, highs, labels = [], [], [], []
    last = len(STRYD_ZONES) - 1
    for i, (name, lo_pct, hi_pct) in enumerate(STRYD_ZONES):
        low = 0.0 if i == 0 else critical_power_w * lo_pct / 100.0
        high = math.inf if i == last else critical_power_w * hi_pct / 100.0
        watts = (
            f"< {high:.0f} W"
            if i == 0
            else (f"≥ {low:.0f} W" if i == last else f"{low:.0f}–{high:.0f} W")
        )
        names.append(name)
        lows.append(low)
        highs.append(high)
        labels.append(f"{name} ({lo_pct}–{hi_pct} % CP, {watts})")
    return pd.DataFrame(
        {
            c.ZONE: pd.Series(names, dtype="string"),
            c.ZONE_LOW_W: pd.Series(lows, dtype="float64"),
            c.ZONE_HIGH_W: pd.Series(highs, dtype="float64"),
            c.ZONE_LABEL: pd.Series(labels, dtype="string"),
        }
    )


def time_in_power_zones(samples: pd.DataFrame, zones: pd.DataFrame) -> pd.DataFrame:
    """Seconds in each power zone, weighted by ``sample_duration_s``.

    Every sample with a power reading counts (a stop at 0 W is Z1), so the zones add up to the
    time with power.

    Returns
    -------
    pandas.DataFrame
        ``zone``, ``zone_label``, ``time_s`` [s] and ``share_pct`` [%] of the time with power.
    """
    power = float_column(samples, c.POWER_W)
    seconds = float_column(samples, c.SAMPLE_DURATION_S)
    keep = np.isfinite(power) & np.isfinite(seconds) & (seconds > 0)
    lows = zones[c.ZONE_LOW_W].to_numpy(dtype="float64")
    index = np.clip(np.searchsorted(lows, power[keep], side="right") - 1, 0, len(lows) - 1)
    per_zone = np.bincount(index, weights=seconds[keep], minlength=len(lows)).astype("float64")
    return zone_shares(zones, per_zone)


def zone_shares(zones: pd.DataFrame, seconds: np.ndarray) -> pd.DataFrame:
    """The zones with their seconds [s] and each one's share of them [%] (NaN without time):
    the table of :func:`time_in_power_zones`, also for seconds summed over several runs."""
    per_zone = np.asarray(seconds, dtype="float64")
    total = float(per_zone.sum())
    share = per_zone * 100.0 / total if total > 0 else np.full(len(per_zone), np.nan)
    return pd.DataFrame(
        {
            c.ZONE: zones[c.ZONE].to_numpy(),
            c.ZONE_LABEL: zones[c.ZONE_LABEL].to_numpy(),
            c.TIME_S: per_zone,
            c.SHARE_PCT: share,
        }
    )
