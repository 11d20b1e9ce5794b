"""What every parser returns: a list of :class:`ParsedActivity` (one per activity or leg).

pandas is imported on first use, not with this module: ``stridelog parse`` summarises FIT files
from NumPy arrays and never needs it (its import is most of a short command's start-up).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from analysis import columns as c

if TYPE_CHECKING:
    import pandas as pd

STEPS_PER_MINUTE_FLOOR: dict[str, float] = {
    c.SPORT_RUNNING: 120.0,
    c.SPORT_WALKING: 80.0,
    c.SPORT_HIKING: 80.0,
}
"""Median cadence at or above which a file already counts steps of both feet [1/min].

One leg's running cadence stays below about 105 strides/min even when sprinting (typical medians
are 75 to 95) while both feet give 140 to 200 steps/min, so 120 separates the two; walking is 50
to 65 strides/min against 90 to 130 steps/min, hence 80. Other sports (cycling: crank revolutions)
are never doubled. Every parser that has to guess uses this one table.
"""

SUPPORTED_YEARS = (1678, 2261)
"""First and last whole calendar years a date may fall in: times are stored as nanosecond time
stamps, which run from 1677-09-21 to 2262-04-11. Every parser uses this one span: a per-sample
row, point or summary row dated outside is skipped with a note (a file with nothing left inside is
refused, naming the date); wellness and plan files refuse such a date outright (see
:mod:`analysis.parsers.wellness`)."""

SUPPORTED_RANGE_TEXT = f"the supported range ({SUPPORTED_YEARS[0]}–{SUPPORTED_YEARS[1]})"


def _empty_samples() -> pd.DataFrame:
    from analysis.schema import empty_samples

    return empty_samples()


@dataclass
class ParsedActivity:
    """One activity as read from one file, before it meets the store.

    ``samples`` is a tidy frame built by :func:`analysis.schema.build_samples` (empty for a
    summary row from an activities CSV). Summary fields left as ``None`` are derived from the
    samples by :func:`analysis.parsers.summary.summarize`; a parser sets them only when the file
    states them itself (a FIT session's total distance, a CSV summary row).
    """

    source_name: str
    format: str  # "fit" | "gpx" | "tcx" | "csv"
    sport: str  # columns.SPORT_* vocabulary
    start_time_utc: pd.Timestamp  # tz-aware UTC
    samples: pd.DataFrame = field(default_factory=_empty_samples)
    utc_offset_s: int | None = None  # the local-time offset the file itself carries
    start_time_local: pd.Timestamp | None = None  # naive local time a summary row states
    name: str | None = None
    duration_s: float | None = None
    moving_time_s: float | None = None
    distance_m: float | None = None
    avg_heart_rate_bpm: float | None = None
    max_heart_rate_bpm: float | None = None
    avg_cadence_spm: float | None = None
    elevation_gain_m: float | None = None
    rpe: float | None = None  # session RPE (CR-10) the file states (Strava's perceived exertion)
    gear: str | None = None  # shoes or bike, as an export names them
    external_id: str | None = None  # the id an export gives the activity (Strava's Activity ID)
    source_file: str | None = None  # the activity file an export row points to (its Filename)
    is_summary: bool = False  # a CSV summary row with no samples
    leg: int = 0  # index of the leg in a multi-sport file
    laps: pd.DataFrame | None = None  # lap_start (UTC), duration_s, distance_m
    fixes: list[str] = field(default_factory=list)  # what the parser corrected, in plain words
