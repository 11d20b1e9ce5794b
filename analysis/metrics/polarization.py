"""Seiler's three intensity zones and Treff's polarization index.

The five (or seven) heart-rate zones of :mod:`analysis.metrics.zones` are folded into the three
zones of the physiological model (below the first ventilatory threshold VT1, between VT1 and
VT2, above VT2), and the polarization index says whether that distribution is polarized.
"""

from __future__ import annotations

import math
from typing import TypedDict

import pandas as pd

from analysis import columns as c
from analysis.metrics.zones import ZONE_MODELS, easy_zones

POLARIZED_CUTOFF = 2.00
"""A distribution with a polarization index above this is polarized (Treff et al. 2019)."""

ZONE2_FLOOR = 0.01
"""Fraction put in for an empty middle zone so the index stays finite (Treff et al. 2019)."""

_CUTOFF_TOLERANCE = 1e-9
"""Float noise must not decide the verdict: an index equal to the cut-off is not above it."""

THREE_ZONES = ("Z1", "Z2", "Z3")
"""Seiler's three zones: below VT1, between VT1 and VT2, above VT2."""

_THREE_ZONE_LABELS = {
    "Z1": "Z1 low (below VT1)",
    "Z2": "Z2 threshold (VT1–VT2)",
    "Z3": "Z3 high (above VT2)",
}

_HIGH_ZONES: dict[str, list[str]] = {
    "hrmax": ["Z5"],
    "hrr": ["Z4", "Z5"],
    "lthr": ["Z5a", "Z5b", "Z5c"],
}
"""The zones above the second threshold in each heart-rate model (see
:func:`three_zone_map`)."""


class Polarization(TypedDict):
    """The polarization index of a distribution and the verdict, with the reason."""

    z1_pct: float
    z2_pct: float
    z3_pct: float
    index: float  # NaN where undefined
    polarized: bool
    reason: str


def three_zone_map(model: str) -> dict[str, list[str]]:
    """Which zones of a heart-rate model make up each of Seiler's three zones.

    Mapping (the nearest zone edge of each model to each threshold):

    - Z1, below VT1: the easy zones of :func:`analysis.metrics.zones.easy_zones` (VT1 at about
      80 % HRmax): %HRmax Z1–Z3, %HRR Z1–Z2, %LTHR Z1–Z2.
    - Z3, above VT2: Seiler places VT2 (the respiratory compensation point, ≈ the lactate
      turn point) at about 88 % HRmax, where his zone 4 starts. The nearest %HRmax edge is
      90 % → Z5. In %HRR, 88 % HRmax is 82–85 % HRR for resting 40–60 and maximum 180–200
      bpm; the nearest edge is 80 % HRR → Z4–Z5. Friel's LTHR is the second threshold itself,
      so Z5a–Z5c (≥ 100 % LTHR).
    - Z2, between: what is left (%HRmax Z4, %HRR Z3, %LTHR Z3–Z4).

    Parameters
    ----------
    model
        ``"hrmax"``, ``"hrr"`` or ``"lthr"``.

    Returns
    -------
    dict
        ``{"Z1": [...], "Z2": [...], "Z3": [...]}`` with zone names as
        :func:`analysis.metrics.zones.hr_zones` spells them.

    References
    ----------
    Seiler S. What is best practice for training intensity and duration distribution in
    endurance athletes? *Int J Sports Physiol Perform* 2010;5(3):276–291.

    Seiler KS, Kjerland GØ. Quantifying training intensity distribution in elite endurance
    athletes: is there evidence for an "optimal" distribution? *Scand J Med Sci Sports*
    2006;16(1):49–56.
    """
    if model not in ZONE_MODELS:
        raise ValueError(f"zone model must be one of {ZONE_MODELS}, not {model!r}")
    low = easy_zones(model)
    high = _HIGH_ZONES[model]
    if model == "lthr":
        every = ["Z1", "Z2", "Z3", "Z4", "Z5a", "Z5b", "Z5c"]
    else:
        every = ["Z1", "Z2", "Z3", "Z4", "Z5"]
    middle = [z for z in every if z not in low and z not in high]
    return {"Z1": low, "Z2": middle, "Z3": list(high)}


def three_zone_from_five(tiz: pd.DataFrame, model: str) -> pd.DataFrame:
    """Fold time in heart-rate zones into Seiler's three zones.

    Parameters
    ----------
    tiz
        Output of :func:`analysis.metrics.intensity.time_in_zones` (``zone`` and ``time_s``)
        for the zones of ``model``.
    model
        The heart-rate zone model ``tiz`` was computed with (see :func:`three_zone_map`).

    Returns
    -------
    pandas.DataFrame
        ``zone`` (``"Z1"``, ``"Z2"``, ``"Z3"``), ``zone_label``, ``time_s`` [s] and
        ``share_pct`` [%] of the total (NaN when there is no time at all).
    """
    mapping = three_zone_map(model)
    seconds = pd.to_numeric(tiz[c.TIME_S], errors="coerce").fillna(0.0)
    names = tiz[c.ZONE].astype("string")
    per_zone = [float(seconds[names.isin(mapping[z]).to_numpy()].sum()) for z in THREE_ZONES]
    total = sum(per_zone)
    return pd.DataFrame(
        {
            c.ZONE: pd.Series(THREE_ZONES, dtype="string"),
            c.ZONE_LABEL: pd.Series([_THREE_ZONE_LABELS[z] for z in THREE_ZONES], dtype="string"),
            c.TIME_S: pd.Series(per_zone, dtype="float64"),
            c.SHARE_PCT: pd.Series(
                [s * 100.0 / total if total > 0 else math.nan for s in per_zone], dtype="float64"
            ),
        }
    )


def polarization_index(z1_s: float, z2_s: float, z3_s: float) -> float:
    """Treff's polarization index of a three-zone intensity distribution.

    ``PI = log10((Z1 / Z2) × Z3 × 100)`` with Z1–Z3 the **fractions** (0–1) of the total time
    in each zone, which is the same as ``log10((Z1 / Z2) × Z3[%])``; with all three in percent
    the × 100 would count twice. Special cases as the paper handles them: an empty middle zone
    (Z2 = 0) is replaced by 0.01 (1 %) so the ratio stays finite; with no time above VT2
    (Z3 = 0) the logarithm is undefined and the result is NaN (such a distribution is not
    polarized; :func:`polarization` says so). A distribution is polarized when PI > 2.00 and
    its shape is Z1 > Z3 > Z2 (see :func:`polarization`).

    Parameters
    ----------
    z1_s, z2_s, z3_s
        Time below VT1, between VT1 and VT2, and above VT2 [s] (any unit of time or distance
        works: only the fractions matter).

    Returns
    -------
    float
        PI [a.u.]; NaN when Z3 = 0, Z1 = 0 (log of 0) or there is no time at all.

    References
    ----------
    Treff G, Winkert K, Sareban M, Steinacker JM, Sperlich B. The polarization-index: a simple
    calculation to distinguish polarized from non-polarized training intensity distributions.
    *Front Physiol* 2019;10:707. doi:10.3389/fphys.2019.00707
    """
    values = (z1_s, z2_s, z3_s)
    if any(not math.isfinite(v) or v < 0 for v in values):
        raise ValueError("zone times must be finite and non-negative")
    total = z1_s + z2_s + z3_s
    if total <= 0 or z3_s <= 0 or z1_s <= 0:
        return math.nan
    z1, z2, z3 = (v / total for v in values)
    if z2 <= 0:
        z2 = ZONE2_FLOOR
    return math.log10(z1 / z2 * z3 * 100.0)


def polarization(z1_s: float, z2_s: float, z3_s: float) -> Polarization:
    """The polarization index with its verdict and the reason, for a page to show.

    Polarized means both the shape Treff et al. define (most time in Z1, more in Z3 than in
    Z2: Z1 > Z3 > Z2) and PI > 2.00. Not polarized, with the reason: no time at all; no time
    above VT2 (PI undefined); more time in Z2 than in Z1 or Z3 at least as large as Z1 (the
    shape is pyramidal, threshold or high-intensity, not polarized); PI ≤ 2.00.

    Parameters
    ----------
    z1_s, z2_s, z3_s
        Time below VT1, between VT1 and VT2, and above VT2 [s].

    Returns
    -------
    Polarization
        ``z1_pct``, ``z2_pct``, ``z3_pct`` [%] (NaN without time), ``index`` [a.u.] (NaN where
        undefined), ``polarized`` and ``reason``.

    References
    ----------
    Treff G, Winkert K, Sareban M, Steinacker JM, Sperlich B. The polarization-index: a simple
    calculation to distinguish polarized from non-polarized training intensity distributions.
    *Front Physiol* 2019;10:707. doi:10.3389/fphys.2019.00707
    """
    index = polarization_index(z1_s, z2_s, z3_s)
    total = z1_s + z2_s + z3_s
    if total <= 0:
        return Polarization(
            z1_pct=math.nan,
            z2_pct=math.nan,
            z3_pct=math.nan,
            index=math.nan,
            polarized=False,
            reason="no time in zones",
        )
    z1, z2, z3 = (v * 100.0 / total for v in (z1_s, z2_s, z3_s))
    shares = f"{z1:.0f} / {z2:.0f} / {z3:.0f} % in Z1 / Z2 / Z3"
    polarized = False
    if z3_s <= 0:
        reason = f"not polarized: no time above VT2, the index is undefined ({shares})"
    elif not z1 > z3 > z2:
        reason = f"not polarized: the shape is not Z1 > Z3 > Z2 ({shares})"
    elif not index > POLARIZED_CUTOFF + _CUTOFF_TOLERANCE:
        reason = f"not polarized: PI {index:.2f} ≤ {POLARIZED_CUTOFF:.2f} ({shares})"
    else:
        polarized = True
        reason = f"polarized: PI {index:.2f} > {POLARIZED_CUTOFF:.2f} ({shares})"
    return Polarization(
        z1_pct=z1,
        z2_pct=z2,
        z3_pct=z3,
        index=index,
        polarized=polarized,
        reason=reason,
    )
