"""Display units. Metrics compute in SI and kilometres; this converts for what a user reads.

Distances show in kilometres or miles, paces as ``m:ss`` per kilometre or mile, and elevation in
metres or feet: a runner who counts in miles reads climbs in feet as well.
"""

from __future__ import annotations

import math
import re

METRES_PER_MILE = 1609.344
KM_PER_MILE = METRES_PER_MILE / 1000.0
METRES_PER_FOOT = 0.3048
"""The international foot (1959) [m]."""

METRES_PER_YARD = 0.9144
"""The international yard (1959) [m]."""

METRES_PER_INCH = 0.0254
"""The international inch (1959) [m]."""

UNIT_KM = "km"
UNIT_MI = "mi"


def km_to(unit: str, km: float) -> float:
    """Kilometres in the display unit (``"km"`` or ``"mi"``)."""
    return km / KM_PER_MILE if unit == UNIT_MI else km


def km_from(unit: str, distance: float) -> float:
    """A distance in the display unit (``"km"`` or ``"mi"``) in kilometres: the inverse of
    :func:`km_to`, for what a page's inputs read [km]."""
    return distance * KM_PER_MILE if unit == UNIT_MI else distance


def distance_factor(unit: str) -> float:
    """Multiply kilometres by this to get the display unit."""
    return 1.0 / KM_PER_MILE if unit == UNIT_MI else 1.0


def pace_factor(unit: str) -> float:
    """Multiply seconds per km by this to get seconds per display unit."""
    return KM_PER_MILE if unit == UNIT_MI else 1.0


def distance_label(unit: str) -> str:
    """``"mi"`` or ``"km"``."""
    return "mi" if unit == UNIT_MI else "km"


def pace_label(unit: str) -> str:
    """``"min/mi"`` or ``"min/km"``."""
    return "min/mi" if unit == UNIT_MI else "min/km"


def elevation_factor(unit: str) -> float:
    """Multiply metres by this to get the elevation unit that goes with ``unit`` (m or ft)."""
    return 1.0 / METRES_PER_FOOT if unit == UNIT_MI else 1.0


def elevation_label(unit: str) -> str:
    """``"ft"`` when distances are in miles, else ``"m"``."""
    return "ft" if unit == UNIT_MI else "m"


def step_length_factor(unit: str) -> float:
    """Multiply a step length in metres by this: inches with miles (as imperial watches show a
    step), metres with km."""
    return 1.0 / METRES_PER_INCH if unit == UNIT_MI else 1.0


def step_length_label(unit: str) -> str:
    """``"in"`` when distances are in miles, else ``"m"``."""
    return "in" if unit == UNIT_MI else "m"


def oscillation_factor(unit: str) -> float:
    """Multiply a vertical oscillation in millimetres by this: inches with miles, centimetres
    with km."""
    return 1.0 / (METRES_PER_INCH * 1000.0) if unit == UNIT_MI else 0.1


def oscillation_label(unit: str) -> str:
    """``"in"`` when distances are in miles, else ``"cm"``."""
    return "in" if unit == UNIT_MI else "cm"


def format_elevation(metres: float | None, unit: str) -> str:
    """An elevation or a climb such as ``"312 ft"``, whole units; an em dash when unknown."""
    if metres is None or not math.isfinite(metres):
        return "—"
    return f"{metres * elevation_factor(unit):.0f} {elevation_label(unit)}"


def ef_factor(unit: str) -> float:
    """Multiply an efficiency factor in m/min per bpm by this for the display unit: yards per
    minute per beat with miles (TrainingPeaks' running convention), metres with km."""
    return 1.0 / METRES_PER_YARD if unit == UNIT_MI else 1.0


def ef_label(unit: str) -> str:
    """``"yd/min per bpm"`` with miles, else ``"m/min per bpm"``."""
    return "yd/min per bpm" if unit == UNIT_MI else "m/min per bpm"


def _mss(seconds: float) -> str:
    total = round(seconds)
    return f"{total // 60}:{total % 60:02d}"


def format_pace(s_per_km: float | None, unit: str, *, with_unit: bool = True) -> str:
    """Pace as ``m:ss`` per display unit (``"4:30 min/km"``); an em dash when unknown.

    Parameters
    ----------
    s_per_km
        Pace [s/km]; zero, negative, infinite or missing is unknown.
    unit
        ``"km"`` or ``"mi"``.
    with_unit
        False gives the bare ``"4:30"``, for a table whose header names the unit.
    """
    if s_per_km is None or not math.isfinite(s_per_km) or s_per_km <= 0:
        return "—"
    text = _mss(s_per_km * pace_factor(unit))
    return f"{text} {pace_label(unit)}" if with_unit else text


def format_pace_value(s_per_unit: float | None) -> str:
    """A pace already in seconds per display unit as bare ``m:ss``; an em dash when unknown."""
    if s_per_unit is None or not math.isfinite(s_per_unit) or s_per_unit <= 0:
        return "—"
    return _mss(s_per_unit)


_PACE_TEXT = re.compile(r"^\s*(\d{1,2})\s*[:']\s*([0-5]\d)\s*$")


def parse_pace(text: str) -> float:
    """Seconds of a pace typed as ``m:ss`` (``"4:30"`` -> 270.0), per whatever unit it was typed in.

    A decimal such as ``"4.30"`` is refused rather than guessed: read as minutes it is 4:18, read
    as a clock it is 4:30, and the two differ by 12 s per km.

    Raises
    ------
    ValueError
        When ``text`` is not ``m:ss`` with seconds 00-59, or the pace is zero.
    """
    match = _PACE_TEXT.match(text or "")
    if match is None:
        raise ValueError(f"type a pace as minutes:seconds, such as 4:30 (not {text!r})")
    seconds = int(match.group(1)) * 60 + int(match.group(2))
    if seconds <= 0:
        raise ValueError("a pace must be longer than 0:00")
    return float(seconds)


def pace_to_s_per_km(s_per_unit: float, unit: str) -> float:
    """A pace in seconds per display unit back to seconds per kilometre, as metrics store it."""
    return s_per_unit / pace_factor(unit)


def format_duration(seconds: float | None) -> str:
    """h:mm:ss (or m:ss under an hour)."""
    if seconds is None or not math.isfinite(seconds):
        return "—"
    total = round(seconds)
    h, rem = divmod(total, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
