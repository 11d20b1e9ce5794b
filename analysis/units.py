"""Display units. Metrics compute in SI and kilometres; this converts for what a user reads."""

from __future__ import annotations

import math

METRES_PER_MILE = 1609.344
KM_PER_MILE = METRES_PER_MILE / 1000.0

UNIT_KM = "km"
UNIT_MI = "mi"


def km_to(unit: str, km: float) -> float:
    """Kilometres in the display unit (``"km"`` or ``"mi"``)."""
    return km / KM_PER_MILE if unit == UNIT_MI else km


def distance_factor(unit: str) -> float:
    """Multiply kilometres by this to get the display unit."""
    return 1.0 / KM_PER_MILE if unit == UNIT_MI else 1.0


def pace_factor(unit: str) -> float:
    """Multiply seconds per km by this to get seconds per display unit."""
    return KM_PER_MILE if unit == UNIT_MI else 1.0


def distance_label(unit: str) -> str:
    return "mi" if unit == UNIT_MI else "km"


def pace_label(unit: str) -> str:
    return "min/mi" if unit == UNIT_MI else "min/km"


def format_pace(s_per_km: float, unit: str) -> str:
    """Pace as m:ss per display unit; an em dash when unknown."""
    if s_per_km is None or not math.isfinite(s_per_km) or s_per_km <= 0:
        return "—"
    total = round(s_per_km * pace_factor(unit))
    return f"{total // 60}:{total % 60:02d} {pace_label(unit)}"


def format_duration(seconds: float) -> str:
    """h:mm:ss (or m:ss under an hour)."""
    if seconds is None or not math.isfinite(seconds):
        return "—"
    total = round(seconds)
    h, rem = divmod(total, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
