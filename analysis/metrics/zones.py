"""Heart-rate zones of three published models, and which of them count as easy for 80/20.

Zones are half-open ``[low, high)`` in bpm and contiguous: the lowest zone is open below
(``low = 0``) and the top zone open above (``high = inf``), so every heart-rate sample falls in
exactly one zone. Edges are kept exact (not rounded to whole beats); labels show the whole-bpm
range a zone covers.
"""

from __future__ import annotations

import math

import pandas as pd

from analysis import columns as c

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
