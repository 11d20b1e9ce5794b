"""Athlete settings: what the athlete sets once and the store remembers."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

ZONE_MODELS = ("hrmax", "hrr", "lthr")
"""%HRmax (default), %HR reserve (Karvonen) or Friel's %LTHR running zones."""

LOAD_MODELS = ("distance", "duration", "trimp", "edwards", "hrss", "srpe")
"""Daily load: kilometres (default), minutes, Banister TRIMP, Edwards TRIMP, an hrTSS-like score
(TRIMP with one hour at LTHR = 100), or session RPE (CR-10 × minutes)."""

ACWR_VARIANTS = ("rolling", "uncoupled", "ewma")
"""Coupled 7:28 rolling averages, uncoupled (7 over the 21 days before), or EWMA (7 and 28)."""

ACWR_FLOOR_DAYS = (8, 28)
"""Days of history a ratio may be asked to wait for [days]. At least one day beyond the 7-day
acute window: with 7, the coupled rolling ratio is 1 by construction (both means cover the same
7 days) and the uncoupled chronic window (the days before the acute week) holds no day yet."""

PMC_CONVENTIONS = ("trainingpeaks", "banister", "runalyze")
"""CTL/ATL smoothing: 1/N, 1 − e^(−1/N), or 2/(N + 1)."""

CRITICAL_POWER_RANGE_W = (50.0, 1000.0)
"""A critical (or threshold) running power the settings accept [W]; 0 means not set."""


@dataclass(frozen=True)
class AthleteSettings:
    units: str = "km"  # "km" or "mi"
    week_start: str = "monday"  # "monday" or "sunday"
    max_hr_bpm: int = 190
    resting_hr_bpm: int = 50
    lthr_bpm: int = 172
    sex: str = "male"  # "male" or "female": Banister TRIMP constants
    zone_model: str = "hrmax"
    load_model: str = "distance"
    ramp_limit_pct: float = 10.0
    acwr_variant: str = "rolling"
    acwr_min_chronic_days: int = 28  # coverage floor: days of history before a ratio is shown
    acwr_sweet_low: float = 0.8
    acwr_sweet_high: float = 1.3
    acwr_danger: float = 1.5
    pmc_convention: str = "trainingpeaks"
    cutback_threshold_pct: float = 20.0  # this much lighter than the build weeks: a cutback
    hard_session_min: float = 10.0  # minutes above the easy ceiling that make a session hard
    threshold_pace_s_per_km: float = 270.0  # for pace zones (Friel); 4:30 /km
    critical_power_w: float = 0.0  # running power zones (Stryd); 0 = not set
    # strength & mobility and the pain log
    strength_in_load: bool = False  # count logged sessions' sRPE (or minutes) in the total load
    pain_limit: float = 6.0  # pain at or above this (0–10) makes the decision back off

    def __post_init__(self) -> None:
        if self.units not in ("km", "mi"):
            raise ValueError(f"units must be km or mi, not {self.units!r}")
        if self.week_start not in ("monday", "sunday"):
            raise ValueError(f"week_start must be monday or sunday, not {self.week_start!r}")
        if self.sex not in ("male", "female"):
            raise ValueError(f"sex must be male or female, not {self.sex!r}")
        if self.zone_model not in ZONE_MODELS:
            raise ValueError(f"zone_model must be one of {ZONE_MODELS}")
        if self.load_model not in LOAD_MODELS:
            raise ValueError(f"load_model must be one of {LOAD_MODELS}")
        if not 30 <= self.resting_hr_bpm < self.max_hr_bpm <= 240:
            raise ValueError("need 30 <= resting HR < max HR <= 240")
        if not self.resting_hr_bpm < self.lthr_bpm < self.max_hr_bpm:
            raise ValueError("LTHR must lie between resting and max HR")
        if not 0 < self.ramp_limit_pct <= 100:
            raise ValueError("ramp limit must be between 0 and 100 %")
        if self.acwr_variant not in ACWR_VARIANTS:
            raise ValueError(f"acwr_variant must be one of {ACWR_VARIANTS}")
        if self.pmc_convention not in PMC_CONVENTIONS:
            raise ValueError(f"pmc_convention must be one of {PMC_CONVENTIONS}")
        low, high = ACWR_FLOOR_DAYS
        if not low <= self.acwr_min_chronic_days <= high:
            raise ValueError(f"the ACWR coverage floor must be {low} to {high} days")
        if not 0 < self.acwr_sweet_low < self.acwr_sweet_high < self.acwr_danger:
            raise ValueError("ACWR bands must rise: sweet-spot low < high < danger")
        if not 0 < self.cutback_threshold_pct < 100:
            raise ValueError("cutback threshold must be between 0 and 100 %")
        if not 0 < self.hard_session_min <= 120:
            raise ValueError("hard-session threshold must be 1 to 120 minutes")
        if not 1 <= self.pain_limit <= 10:
            raise ValueError("the pain limit is a severity from 1 to 10")
        if not 120 <= self.threshold_pace_s_per_km <= 900:
            raise ValueError("threshold pace must be between 2:00 and 15:00 per km")
        low_w, high_w = CRITICAL_POWER_RANGE_W
        if self.critical_power_w != 0 and not low_w <= self.critical_power_w <= high_w:
            raise ValueError(
                f"critical power must be {low_w:g} to {high_w:g} W, or 0 when not known"
            )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AthleteSettings:
        """Build from stored values, ignoring unknown keys (settings written by a newer version).

        A coverage floor of 7 days, which earlier versions accepted, is read as 8, the least
        :data:`ACWR_FLOOR_DAYS` allows: refusing it would lose every other stored setting.
        """
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        floor = values.get("acwr_min_chronic_days")
        if isinstance(floor, int) and floor == ACWR_FLOOR_DAYS[0] - 1:
            values["acwr_min_chronic_days"] = ACWR_FLOOR_DAYS[0]
        return cls(**values)
