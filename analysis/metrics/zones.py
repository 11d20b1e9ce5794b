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

ZONE_MODELS = ("hrmax", "hrr", "lthr")
"""%HRmax (Edwards), %HR reserve (Karvonen) and %LTHR (Friel)."""

_FIVE_ZONE_PCT = (50, 60, 70, 80, 90, 100)
"""Edwards' five bands of 10 percentage points each, from 50 % to 100 %."""

_FRIEL_RUNNING = (
    ("Z1", None, 85),
    ("Z2", 85, 90),
    ("Z3", 90, 95),
    ("Z4", 95, 100),
    ("Z5a", 100, 103),
    ("Z5b", 103, 107),
    ("Z5c", 107, None),
)
"""Friel's whole-percent bands (Z2 "85–89 %" etc.) written as half-open ``[low, high)`` edges:
a band "a–b %" covers [a, b + 1) % so the zones meet without a gap; "> 106 %" starts at 107 %."""


def hr_zones(model: str, max_hr_bpm: float, resting_hr_bpm: float, lthr_bpm: float) -> pd.DataFrame:
    """Heart-rate zone edges for one athlete.

    Parameters
    ----------
    model
        ``"hrmax"``: five zones at 50/60/70/80/90/100 % of maximum heart rate (Edwards).
        ``"hrr"``: the same percentages of heart-rate reserve added to resting heart rate,
        ``rest + p · (max − rest)`` (Karvonen).
        ``"lthr"``: Friel's seven running zones as % of lactate-threshold heart rate:
        Z1 < 85, Z2 85–89, Z3 90–94, Z4 95–99, Z5a 100–102, Z5b 103–106, Z5c > 106.
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

    Friel J. *The Triathlete's Training Bible*. Boulder, CO: VeloPress (running heart-rate
    zones from lactate-threshold heart rate).
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
        for name, lo_pct, hi_pct in _FRIEL_RUNNING:
            names.append(name)
            lows.append(0.0 if lo_pct is None else lthr_bpm * lo_pct / 100.0)
            highs.append(math.inf if hi_pct is None else lthr_bpm * hi_pct / 100.0)
            if lo_pct is None:
                bands.append(f"< {hi_pct} % LTHR")
            elif hi_pct is None:
                bands.append(f"> {lo_pct - 1} % LTHR")
            else:
                bands.append(f"{lo_pct}–{hi_pct - 1} % LTHR")
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
    ("Z1", 130, None),
    ("Z2", 114, 130),
    ("Z3", 106, 114),
    ("Z4", 101, 106),
    ("Z5a", 97, 101),
    ("Z5b", 90, 97),
    ("Z5c", None, 90),
)
"""Friel's run pace zones as ``(name, fast edge, slow edge)`` in % of threshold pace (time per
km, so a lower % is faster), written as half-open ``[fast, slow)`` edges the way the %LTHR bands
are: a band "a–b %" covers [a, b + 1) %, "> 129 %" starts at 130 % and "< 90 %" ends at 90 %.
Friel's table overlaps at 99–100 % (Z4 99–105 %, Z5a 97–100 %); the overlap goes to Z5a so that
threshold pace itself (100 %) opens Z5a, as LTHR opens Z5a in his heart-rate zones, and Z4 is the
sub-threshold band 101–105 %."""


def _mss(seconds: float) -> str:
    """m:ss of a pace [s/km], rounded to the whole second."""
    total = round(seconds)
    return f"{total // 60}:{total % 60:02d}"


def pace_zones(threshold_pace_s_per_km: float) -> pd.DataFrame:
    """Friel's seven running pace zones from the athlete's threshold pace.

    Edges are percentages of threshold pace (the time per km, so a higher percentage is
    slower): Z1 > 129 %, Z2 114–129 %, Z3 106–113 %, Z4 99–105 %, Z5a 97–100 %, Z5b 90–96 %,
    Z5c < 90 %. Friel's whole-percent bands are made contiguous as ``[a, b + 1)`` %, and the
    overlap of his Z4 and Z5a at 99–100 % is given to Z5a, so Z4 here is 101–105 %.

    Parameters
    ----------
    threshold_pace_s_per_km
        Functional threshold pace [s/km] (about the pace one can race for an hour).

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
    for name, fast_pct, slow_pct in _FRIEL_PACE:
        low = 0.0 if fast_pct is None else threshold_pace_s_per_km * fast_pct / 100.0
        high = math.inf if slow_pct is None else threshold_pace_s_per_km * slow_pct / 100.0
        if fast_pct is None:
            band, paces = f"< {slow_pct} %", f"faster than {_mss(high)} min/km"
        elif slow_pct is None:
            band, paces = f"> {fast_pct - 1} %", f"{_mss(low)} min/km and slower"
        else:
            band, paces = f"{fast_pct}–{slow_pct - 1} %", f"{_mss(low)}–{_mss(high)} min/km"
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
