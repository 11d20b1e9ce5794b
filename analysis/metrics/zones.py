"""Heart-rate zones of three published models, and which of them count as easy for 80/20.

Zones are half-open ``[low, high)`` in bpm and contiguous: the lowest zone is open below
(``low = 0``) and the top zone open above (``high = inf``), so every heart-rate sample falls in
exactly one zone. Edges are kept exact (not rounded to whole beats); labels show the whole-bpm
range a zone covers.

Pace zones (Friel's, from threshold pace) follow the same conventions in seconds per kilometre:
half-open ``[low, high)``, contiguous, the fastest zone open towards 0 s/km and the slowest open
towards infinity.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analysis import columns as c
from analysis.metrics.intensity import timed_values
from analysis.schema import MOVING_SPEED_MPS
from analysis.units import format_pace_value, pace_factor, pace_label

ZONE_MODELS = ("hrmax", "hrr", "lthr")
"""%HRmax (Edwards), %HR reserve (Karvonen) and %LTHR (Friel)."""

_FIVE_ZONE_PCT = (50, 60, 70, 80, 90, 100)
"""Edwards' five bands of 10 percentage points each, from 50 % to 100 %."""

_FRIEL_RUNNING = (
    ("Z1", None, 85, "< 85 %"),
    ("Z2", 85, 90, "85–89 %"),
    ("Z3", 90, 95, "90–94 %"),
    ("Z4", 95, 100, "95–99 %"),
    ("Z5a", 100, 103, "100–102 %"),
    ("Z5b", 103, 106, "103–106 %"),
    ("Z5c", 106, None, "> 106 %"),
)
"""Friel's running bands as ``(name, low %, high %, Friel's own wording)``, half-open
``[low, high)`` in % of LTHR.

Friel states the bands in whole percents with gaps between them (Z2 "85–89 %", Z3 "90–94 %"),
so a reading such as 89.6 % needs a rule: each gap goes to the band below (a band "a–b %"
covers [a, b + 1) %), as reading the percentage rounded down to a whole percent would. The
top band is the exception because Friel's own words claim its gap: Z5c is "more than 106 %",
so 106.4 % is Z5c, not Z5b, and Z5b is [103, 106) %. (Only a reading of exactly 106.000 %
differs from Friel's "103–106 %": the half-open edge gives it to Z5c.)"""


def hr_zones(model: str, max_hr_bpm: float, resting_hr_bpm: float, lthr_bpm: float) -> pd.DataFrame:
    """Heart-rate zone edges for one athlete.

    Parameters
    ----------
    model
        ``"hrmax"``: five zones at 50/60/70/80/90/100 % of maximum heart rate (Edwards).
        ``"hrr"``: the same percentages of heart-rate reserve added to resting heart rate,
        ``rest + p · (max − rest)`` (Karvonen).
        ``"lthr"``: Friel's seven running zones as % of lactate-threshold heart rate:
        Z1 < 85, Z2 85–89, Z3 90–94, Z4 95–99, Z5a 100–102, Z5b 103–106, Z5c > 106, as
        half-open edges at 85, 90, 95, 100, 103 and 106 %: a band "a–b %" covers
        [a, b + 1) % except Z5b, which ends where Friel's "more than 106 %" begins (see
        :data:`_FRIEL_RUNNING`). Example, LTHR 170 bpm: Z5c starts at 1.06 × 170 = 180.2 bpm,
        so 180 bpm (105.9 %) is Z5b and 181 bpm (106.5 %) is Z5c.
    max_hr_bpm
        Maximum heart rate [bpm].
    resting_hr_bpm
        Resting heart rate [bpm] (used by ``"hrr"`` only).
    lthr_bpm
        Lactate-threshold heart rate [bpm] (used by ``"lthr"`` only).

    Returns
    -------
    pandas.DataFrame
        ``zone`` (``"Z1"``…), ``zone_low_bpm`` [bpm] (inclusive; 0 for Z1), ``zone_high_bpm``
        [bpm] (exclusive; ``inf`` for the top zone) and ``zone_label``, lowest zone first.

    References
    ----------
    Edwards S. *The Heart Rate Monitor Book*. Sacramento: Fleet Feet Press; 1993.

    Karvonen MJ, Kentala E, Mustala O. The effects of training on heart rate; a longitudinal
    study. *Ann Med Exp Biol Fenn* 1957;35(3):307–315.

    Friel J. *The Triathlete's Training Bible*. 4th ed. Boulder, CO: VeloPress; 2016 (running
    heart-rate zones from lactate-threshold heart rate).

    Friel J. Quick guide to setting zones. joefrieltraining.com, 2009 (run: "Zone 5b 103 % to
    106 % of LTHR; Zone 5c more than 106 % of LTHR").
    """
    if model not in ZONE_MODELS:
        raise ValueError(f"zone model must be one of {ZONE_MODELS}, not {model!r}")
    names: list[str] = []
    lows: list[float] = []
    highs: list[float] = []
    bands: list[str] = []
    if model == "lthr":
        if lthr_bpm <= 0:
            raise ValueError("LTHR must be positive")
        for name, lo_pct, hi_pct, text in _FRIEL_RUNNING:
            names.append(name)
            lows.append(0.0 if lo_pct is None else lthr_bpm * lo_pct / 100.0)
            highs.append(math.inf if hi_pct is None else lthr_bpm * hi_pct / 100.0)
            bands.append(f"{text} LTHR")
    else:
        if model == "hrr" and not resting_hr_bpm < max_hr_bpm:
            raise ValueError("resting HR must be below max HR")
        base = resting_hr_bpm if model == "hrr" else 0.0
        span = max_hr_bpm - base
        unit = "HRR" if model == "hrr" else "HRmax"
        n = len(_FIVE_ZONE_PCT) - 1
        for i in range(n):
            lo_pct, hi_pct = _FIVE_ZONE_PCT[i], _FIVE_ZONE_PCT[i + 1]
            names.append(f"Z{i + 1}")
            lows.append(0.0 if i == 0 else base + span * lo_pct / 100.0)
            highs.append(math.inf if i == n - 1 else base + span * hi_pct / 100.0)
            bands.append(f"{lo_pct}–{hi_pct} % {unit}")
    labels = [
        f"{name} ({band}, {_bpm_range(lo, hi)})"
        for name, band, lo, hi in zip(names, bands, lows, highs, strict=True)
    ]
    return pd.DataFrame(
        {
            c.ZONE: pd.Series(names, dtype="string"),
            c.ZONE_LOW_BPM: pd.Series(lows, dtype="float64"),
            c.ZONE_HIGH_BPM: pd.Series(highs, dtype="float64"),
            c.ZONE_LABEL: pd.Series(labels, dtype="string"),
        }
    )


def _bpm_range(low: float, high: float) -> str:
    """The whole-bpm readings that fall in ``[low, high)``, as a reader sees them."""
    first = math.ceil(low)
    if math.isinf(high):
        return f"≥ {first} bpm"
    last = math.ceil(high) - 1
    if low <= 0:
        return f"≤ {last} bpm"
    return f"{first}–{last} bpm"


def easy_zones(model: str) -> list[str]:
    """The zones that count as easy in an 80/20 (polarised) intensity split.

    Rule: "easy" is Seiler's low-intensity zone, below the first ventilatory (aerobic)
    threshold (VT1), which Seiler (2010) places at about 80 % of HRmax (his zones 1–2 of the
    five-zone scale end at 82 % HRmax). The zone edge nearest to it in each model is the easy
    ceiling: %HRmax → Z1–Z3 (below 80 % HRmax); %HRR → Z1–Z2 (below 70 % HRR, which is
    78–80 % HRmax for typical resting HRs); Friel's %LTHR → Z1–Z2 (below 90 % LTHR, Friel's
    recovery and aerobic zones). Everything above counts as hard (moderate and high together).

    Parameters
    ----------
    model
        ``"hrmax"``, ``"hrr"`` or ``"lthr"``.

    Returns
    -------
    list of str
        Zone names as :func:`hr_zones` spells them.

    References
    ----------
    Seiler KS, Kjerland GØ. Quantifying training intensity distribution in elite endurance
    athletes: is there evidence for an "optimal" distribution? *Scand J Med Sci Sports*
    2006;16(1):49–56.

    Seiler S. What is best practice for training intensity and duration distribution in
    endurance athletes? *Int J Sports Physiol Perform* 2010;5(3):276–291.
    """
    if model not in ZONE_MODELS:
        raise ValueError(f"zone model must be one of {ZONE_MODELS}, not {model!r}")
    return ["Z1", "Z2", "Z3"] if model == "hrmax" else ["Z1", "Z2"]


_FRIEL_PACE = (
    ("Z1", 129, None, "> 129 %"),
    ("Z2", 114, 129, "114–129 %"),
    ("Z3", 106, 114, "106–113 %"),
    ("Z4", 101, 106, "101–105 %"),
    ("Z5a", 97, 101, "97–100 %"),
    ("Z5b", 90, 97, "90–96 %"),
    ("Z5c", None, 90, "< 90 %"),
)
"""Friel's run pace zones as ``(name, fast edge, slow edge, wording)`` in % of threshold pace
(time per km, so a lower % is faster), half-open ``[fast, slow)`` by the rule of the %LTHR
bands: a band "a–b %" covers [a, b + 1) %, except where Friel's words claim the gap for the
open band: Z1 is "slower than 129 %", so it starts at 129 % and Z2 is [114, 129) %; Z5c is
"faster than 90 %", so it ends at 90 %. Friel's table overlaps at 99–100 % (Z4 99–105 %, Z5a
97–100 %); the overlap goes to Z5a so that threshold pace itself (100 %) opens Z5a, as LTHR
opens Z5a in his heart-rate zones, and Z4 is the sub-threshold band 101–105 %."""


def pace_zones(threshold_pace_s_per_km: float, unit: str = "km") -> pd.DataFrame:
    """Friel's seven running pace zones from the athlete's threshold pace.

    Edges are percentages of threshold pace (the time per km, so a higher percentage is
    slower): Z1 > 129 %, Z2 114–129 %, Z3 106–113 %, Z4 99–105 %, Z5a 97–100 %, Z5b 90–96 %,
    Z5c < 90 %. Friel's whole-percent bands are made contiguous as ``[a, b + 1)`` % where his
    words leave a gap, and as his words say for the open bands (Z1 from 129 %, Z5c below
    90 %); the overlap of his Z4 and Z5a at 99–100 % is given to Z5a, so Z4 here is
    101–105 % (see :data:`_FRIEL_PACE`).

    Parameters
    ----------
    threshold_pace_s_per_km
        Functional threshold pace [s/km] (about the pace one can race for an hour).
    unit
        ``"km"`` or ``"mi"``: the unit of the paces in ``zone_label`` (the edges stay [s/km]).

    Returns
    -------
    pandas.DataFrame
        ``zone`` (``"Z1"`` slowest … ``"Z5c"`` fastest), ``pace_low_s_per_km`` [s/km] (fast
        edge, inclusive; 0 for Z5c), ``pace_high_s_per_km`` [s/km] (slow edge, exclusive;
        ``inf`` for Z1) and ``zone_label``.

    References
    ----------
    Friel J. Quick guide to setting zones. joefrieltraining.com, 2012 (run pace zones as % of
    functional threshold pace); Friel J. *The Triathlete's Training Bible*. 4th ed. Boulder, CO:
    VeloPress; 2016.
    """
    if not math.isfinite(threshold_pace_s_per_km) or threshold_pace_s_per_km <= 0:
        raise ValueError("threshold pace must be a positive number of seconds per km")
    names: list[str] = []
    lows: list[float] = []
    highs: list[float] = []
    labels: list[str] = []
    per, label = pace_factor(unit), pace_label(unit)
    for name, fast_pct, slow_pct, band in _FRIEL_PACE:
        low = 0.0 if fast_pct is None else threshold_pace_s_per_km * fast_pct / 100.0
        high = math.inf if slow_pct is None else threshold_pace_s_per_km * slow_pct / 100.0
        if fast_pct is None:
            paces = f"faster than {format_pace_value(high * per)} {label}"
        elif slow_pct is None:
            paces = f"{format_pace_value(low * per)} {label} and slower"
        else:
            paces = f"{format_pace_value(low * per)}–{format_pace_value(high * per)} {label}"
        names.append(name)
        lows.append(low)
        highs.append(high)
        labels.append(f"{name} ({band} of threshold pace, {paces})")
    return pd.DataFrame(
        {
            c.ZONE: pd.Series(names, dtype="string"),
            c.PACE_LOW_S_PER_KM: pd.Series(lows, dtype="float64"),
            c.PACE_HIGH_S_PER_KM: pd.Series(highs, dtype="float64"),
            c.ZONE_LABEL: pd.Series(labels, dtype="string"),
        }
    )


def time_in_pace_zones(frame: pd.DataFrame, zones: pd.DataFrame) -> pd.DataFrame:
    """Seconds and share of moving time spent in each pace zone.

    Parameters
    ----------
    frame
        ``speed_mps`` and ``sample_duration_s`` (a per-sample frame of one or more runs).
        Samples slower than :data:`analysis.schema.MOVING_SPEED_MPS` are standing still and
        have no pace; they are left out, as are samples without a speed.
    zones
        As returned by :func:`pace_zones`.

    Returns
    -------
    pandas.DataFrame
        ``zone``, ``pace_low_s_per_km``, ``pace_high_s_per_km``, ``time_s`` [s] and
        ``share_pct`` [%] of the moving time, one row per zone in the order of ``zones`` (zeros
        included; ``share_pct`` is NaN when there is no moving time at all).
    """
    speed, seconds = timed_values(frame, c.SPEED_MPS)
    moving = speed >= MOVING_SPEED_MPS
    pace = 1000.0 / speed[moving]
    seconds = seconds[moving]
    lows = zones[c.PACE_LOW_S_PER_KM].to_numpy(dtype="float64")
    highs = zones[c.PACE_HIGH_S_PER_KM].to_numpy(dtype="float64")
    per_zone = np.array(
        [
            float(seconds[(pace >= lo) & (pace < hi)].sum())
            for lo, hi in zip(lows, highs, strict=True)
        ],
        dtype="float64",
    )
    total = float(per_zone.sum())
    out = zones[[c.ZONE, c.PACE_LOW_S_PER_KM, c.PACE_HIGH_S_PER_KM]].reset_index(drop=True)
    out[c.TIME_S] = per_zone
    out[c.SHARE_PCT] = per_zone * 100.0 / total if total > 0 else np.full(len(per_zone), np.nan)
    return out
