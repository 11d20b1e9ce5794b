"""Athlete settings: what the athlete sets once and the store remembers."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

ZONE_MODELS = ("hrmax", "hrr", "lthr")
"""%HRmax (default), %HR reserve (Karvonen) or Friel's %LTHR running zones."""

LOAD_MODELS = ("distance", "duration", "trimp")
"""Daily load: kilometres (default), minutes, or Banister TRIMP where HR exists."""


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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AthleteSettings:
        """Build from stored values, ignoring unknown keys (settings written by a newer version)."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})
