"""Five years of one runner's training, as the Strava bulk export they would download.

Usage::

    python -m sample_data.five_years [--runs N] [--seed S] [--sample-s S] [--workers N]
                                     [--out PATH]

About 1,500 runs from January 2021 to the end of 2025, about 5 million samples, each run a FIT
file as the watch wrote it, in a zip laid out like Strava's export: ``activities.csv`` (Strava's
header, :data:`sample_data.archives.STRAVA_HEADER`, one row per run, its ``Filename`` pointing
into the folder) and ``activities/<id>.fit.gz``, with some plain ``.fit`` files (runs uploaded
by hand). The archive is what the import benchmark (``python -m benchmarks.archive``) reads.

The runner is the demo athlete (:mod:`sample_data.generate`) in the five years before the demo:
same city, same heart-rate, cadence and terrain models, reused from that module. What is new
here is the long view:

- **Periodised years** (:func:`year_template`). Each year builds to a spring half marathon and
  an autumn race: base and build mesocycles of three loading weeks (x1.00, x1.06, x1.12 of the
  block's level) and a cutback week (x0.80), each block 10 % above the last; two peak weeks;
  a two-week taper (70 % and 65 % of the last peak week, the race included); an easy week
  after the race; a 10 km tune-up race in the cutback week of the summer; an easy winter.
  The level a year starts from grows from 45 to 65 km a week over the five years.
- **Breaks and injuries**: two weeks without running at the end of 2021 and of 2023; a calf
  strain in the spring of 2022 (the spring race missed, three weeks with a couple of runs or
  none, then a return ramp), an Achilles niggle in the summer of 2024 (the autumn race run as a
  10 km instead). Race trips to Prague, Lisbon and London put three files in other places and
  time zones.
- **Weeks of runs** (:func:`plan_runs`): Tuesday intervals and Thursday tempo in build weeks,
  one session in base and cutback weeks, none in easy weeks, a Sunday long run (a race on race
  Sundays), easy runs between; every run 30-150 min. A week's runs add up to its planned
  distance to the 100 m, and the simulated runs end exactly there, so weekly volume read back
  from the files shows the cycles.
- **Fitness** follows the training: easy pace at a given heart rate improves with the 6-week
  average of weekly distance and slowly year on year, and drops back after breaks.
- **Watches**: 1 s recording, except from July to early November 2022, when a new watch kept
  its factory setting, smart recording (a sample every 1-6 s); running power from May 2023. Treadmill runs in
  winter (no GPS), track intervals in summer, trail long runs, traffic-light stops on road
  runs, about 1 % of runs without a heart-rate strap.

Everything is deterministic: the plan draws from :class:`random.Random` streams seeded per week
and per run, the simulation from numpy generators seeded with ``(seed, run index)``, and gzip
and zip times are fixed, so the same arguments give the same bytes on the same platform. The
plan does not depend on ``runs``: asking for fewer runs gives the first runs of the same
history. The physiology and pacing are tuned by eye to look like watch data (see
:mod:`sample_data.generate`); only the shape of the season follows published guidance.

References
----------
Bosquet L, Montpetit J, Arvisais D, Mujika I. Effects of tapering on performance: a
meta-analysis. Med Sci Sports Exerc 2007;39:1358-1365 (two weeks, volume cut by 41-60 %,
intensity kept).
Seiler S. What is best practice for training intensity and duration distribution in endurance
athletes? Int J Sports Physiol Perform 2010;5:276-291 (most running easy, one or two sessions).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import math
import os
import random
import sys
import time as clock
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from analysis import columns as c
from sample_data import archives
from sample_data import generate as demo
from sample_data.fit_encoder import LAP_TRIGGER_DISTANCE, LAP_TRIGGER_MANUAL, encode_activity

RUNS = 1500
SEED = 5
FIRST_MONDAY = date(2021, 1, 4)
WEEKS_PER_YEAR = 52

# ---- the season --------------------------------------------------------------------------------

BASE = "base"
BUILD = "build"
PEAK = "peak"
CUTBACK = "cutback"
TAPER = "taper"
RACE = "race"
RECOVERY = "recovery"
BREAK = "break"
INJURY = "injury"
RETURN = "return"
PHASES = (BASE, BUILD, PEAK, CUTBACK, TAPER, RACE, RECOVERY, BREAK, INJURY, RETURN)
"""What a week is for. ``race`` is the week that ends with a goal race."""

LOADING = (1.00, 1.06, 1.12)
"""The three loading weeks of a mesocycle, as multiples of the block's level."""
CUTBACK_FACTOR = 0.80
"""The fourth week of a mesocycle, as a multiple of the block's level."""
BLOCK_STEP = 1.10
"""Each mesocycle's level over the one before."""
TAPER_FACTORS = (0.70, 0.65)
"""The taper week and the race week (race included), as multiples of the last peak week."""

YEAR_BASE_KM = (45.0, 51.0, 57.0, 61.0, 65.0)
"""The level each training year starts from [km/week]; later years add 2 km a year."""

HALF_MARATHON_KM = 21.0975
TEN_K_KM = 10.0


@dataclass(frozen=True)
class Place:
    """Where a run starts: a name, the start [°] and the time zone."""

    name: str
    lat_deg: float
    lon_deg: float
    timezone: str


HOME = Place("Berlin", demo.DEMO_HOME_LAT_DEG, demo.DEMO_HOME_LON_DEG, demo.DEMO_TIMEZONE)
PRAGUE = Place("Prague", 50.0875, 14.4213, "Europe/Prague")
LISBON = Place("Lisbon", 38.7077, -9.1365, "Europe/Lisbon")
LONDON = Place("London", 51.5055, -0.0754, "Europe/London")


@dataclass(frozen=True)
class Race:
    """A goal or tune-up race: its name, distance [km] and place."""

    name: str
    distance_km: float
    place: Place = HOME


def _races(year: int) -> tuple[Race | None, Race, Race]:
    """The spring, summer and autumn races of training year ``year`` (0 = 2021)."""
    calendar_year = FIRST_MONDAY.year + year
    spring: Race | None = {
        1: None,  # the calf strain
        3: Race(f"Lisbon Half Marathon {calendar_year}", HALF_MARATHON_KM, LISBON),
    }.get(year, Race(f"Spring Half Marathon {calendar_year}", HALF_MARATHON_KM))
    summer = Race(f"Summer 10K {calendar_year}", TEN_K_KM)
    autumn = {
        0: Race(f"Autumn 10K {calendar_year}", TEN_K_KM),
        1: Race(f"Prague Half Marathon {calendar_year}", HALF_MARATHON_KM, PRAGUE),
        2: Race(f"London 10K {calendar_year}", TEN_K_KM, LONDON),
        3: Race(f"Autumn 10K {calendar_year}", TEN_K_KM),  # after the Achilles niggle
    }.get(year, Race(f"Autumn Half Marathon {calendar_year}", HALF_MARATHON_KM))
    return spring, summer, autumn


_Slot = tuple[str, float, Race | None]
"""(phase, volume as a multiple of the year's level, race that Sunday)."""


def _meso(phase: str, level: float) -> list[_Slot]:
    """Three loading weeks and a cutback at ``level`` times the year's level."""
    weeks: list[_Slot] = [(phase, level * f, None) for f in LOADING]
    return [*weeks, (CUTBACK, level * CUTBACK_FACTOR, None)]


@cache
def year_template(year: int) -> tuple[_Slot, ...]:
    """The 52 weeks of training year ``year`` (0 = 2021): phase, volume factor, race.

    Spring (weeks 1-17): two base and one build mesocycle, peak x1.33 and x1.41, taper, the
    half marathon, an easy week. Summer (18-25): two base mesocycles, the second's cutback week
    ending with a 10 km. Autumn (26-38): two build mesocycles, peak x1.40 and x1.46, taper, the
    race, an easy week. Winter (39-52): two mesocycles at x0.90, two weeks off (or easy weeks
    at x0.60 in years without a break), and a return ramp. :data:`INJURIES` replace weeks.
    """
    spring_race, summer_race, autumn_race = _races(year)
    weeks: list[_Slot] = [*_meso(BASE, 1.00), *_meso(BASE, BLOCK_STEP), *_meso(BUILD, 1.21)]
    weeks += [(PEAK, 1.33, None), (PEAK, 1.41, None)]
    weeks += [(TAPER, TAPER_FACTORS[0] * 1.41, None), (RACE, TAPER_FACTORS[1] * 1.41, spring_race)]
    weeks += [(RECOVERY, 0.50, None)]
    weeks += [*_meso(BASE, 1.05), *_meso(BASE, 1.05 * BLOCK_STEP)]
    phase, volume, _ = weeks[-1]
    weeks[-1] = (phase, volume, summer_race)
    weeks += [*_meso(BUILD, 1.21), *_meso(BUILD, 1.33)]
    weeks += [(PEAK, 1.40, None), (PEAK, 1.46, None)]
    weeks += [(TAPER, TAPER_FACTORS[0] * 1.46, None), (RACE, TAPER_FACTORS[1] * 1.46, autumn_race)]
    weeks += [(RECOVERY, 0.50, None)]
    weeks += [*_meso(BASE, 0.90), *_meso(BASE, 0.90)]
    if year in BREAK_YEARS:
        weeks += [(BREAK, 0.0, None), (BREAK, 0.0, None)]
    else:
        weeks += [(RECOVERY, 0.60, None), (RECOVERY, 0.60, None)]
    weeks += [(RETURN, 0.55, None), (RETURN, 0.70, None), (RETURN, 0.85, None)]
    weeks += [(CUTBACK, 0.65, None)]
    for first, replacement in INJURIES.get(year, ()):
        weeks[first : first + len(replacement)] = replacement
    for i, (phase, _, race) in enumerate(weeks):
        if phase == RACE:  # the race week follows its taper week, whatever came before
            taper = weeks[i - 1][1] / TAPER_FACTORS[0]
            weeks[i] = (RACE, TAPER_FACTORS[1] * taper, race)
    assert len(weeks) == WEEKS_PER_YEAR
    return tuple(weeks)


BREAK_YEARS = (0, 2)
"""Training years that end with two weeks off (2021 and 2023)."""

INJURIES: dict[int, tuple[tuple[int, list[_Slot]], ...]] = {
    # 2022: a calf strain in the build: two runs, two weeks off, a return ramp, no spring race
    1: (
        (
            9,
            [
                (INJURY, 0.25, None),
                (INJURY, 0.0, None),
                (INJURY, 0.0, None),
                (RETURN, 0.45, None),
                (RETURN, 0.60, None),
                (RETURN, 0.75, None),
                (RETURN, 0.85, None),
                (RETURN, 0.95, None),
                (BASE, 1.00, None),
            ],
        ),
    ),
    # 2024: an Achilles niggle in the autumn build; the autumn race becomes a 10 km
    3: (
        (
            26,
            [
                (INJURY, 0.30, None),
                (INJURY, 0.0, None),
                (INJURY, 0.0, None),
                (RETURN, 0.50, None),
                (RETURN, 0.65, None),
                (RETURN, 0.80, None),
                (RETURN, 0.90, None),
                (BUILD, 1.00, None),
                (BUILD, 1.06, None),
                (TAPER, TAPER_FACTORS[0] * 1.06, None),  # the race week follows from this one
            ],
        ),
    ),
}
"""Injury weeks that replace the template, by training year: (first week, 0-based; weeks)."""


@dataclass(frozen=True)
class TrainingWeek:
    """One week of the plan.

    ``volume_km`` [km] is what the week's runs add up to (to 0.1 km); ``fitness_mps`` [m/s]
    is the speed gained at the same heart rate against the demo athlete of 2026.
    """

    index: int  # 0-based from FIRST_MONDAY
    monday: date
    phase: str
    volume_km: float
    race: Race | None
    fitness_mps: float


FITNESS_MEMORY_WEEKS = 6.0
"""Time constant of the weekly-distance average that fitness follows [weeks]."""


def year_base_km(year: int) -> float:
    """The level training year ``year`` starts from [km/week]."""
    if year < len(YEAR_BASE_KM):
        return YEAR_BASE_KM[year]
    return YEAR_BASE_KM[-1] + 2.0 * (year - len(YEAR_BASE_KM) + 1)


def training_weeks() -> Iterator[TrainingWeek]:
    """Every week of the plan from :data:`FIRST_MONDAY` on, without end.

    The volume is the year's level times the template's factor, rounded to 0.1 km. Fitness
    [m/s] is -0.30 + 0.05 per year + 0.004 per km/week of the 6-week exponential average of
    volume above 45 km: -0.30 in January 2021, about 0 in 2025 (the demo athlete's level in
    2026), dips of 0.03-0.09 after breaks and injuries. Tuned by eye, not published physiology.
    """
    average = YEAR_BASE_KM[0]
    keep = math.exp(-1.0 / FITNESS_MEMORY_WEEKS)
    index = 0
    while True:
        year, week_of_year = divmod(index, WEEKS_PER_YEAR)
        phase, factor, race = year_template(year)[week_of_year]
        volume = round(year_base_km(year) * factor, 1)
        average = keep * average + (1 - keep) * volume
        fitness = -0.30 + 0.05 * index / WEEKS_PER_YEAR + 0.004 * (average - 45.0)
        yield TrainingWeek(
            index, FIRST_MONDAY + timedelta(weeks=index), phase, volume, race, round(fitness, 4)
        )
        index += 1


# ---- the runs ----------------------------------------------------------------------------------

EASY = demo.EASY
LONG = demo.LONG
INTERVALS = demo.INTERVALS
TEMPO = demo.TEMPO
RECOVERY_RUN = "recovery"
RACE_RUN = "race"
KINDS = (EASY, RECOVERY_RUN, LONG, INTERVALS, TEMPO, RACE_RUN)

MIN_RUN_S = 30 * 60
MAX_RUN_S = 150 * 60
KM_PER_RUN = 8.5
"""A week's volume over this is how many runs it takes [km], at most 7."""

RUN_DAYS: dict[int, tuple[int, ...]] = {
    1: (5,),
    2: (2, 6),
    3: (1, 3, 6),
    4: (1, 3, 5, 6),
    5: (1, 2, 3, 5, 6),
    6: (1, 2, 3, 4, 5, 6),
    7: (0, 1, 2, 3, 4, 5, 6),
}
"""Weekdays run (Monday = 0) for a number of runs: Sunday long, Tuesday/Thursday sessions."""

SESSIONS = {BASE: 1, BUILD: 2, PEAK: 2, CUTBACK: 1, TAPER: 1, RACE: 1}
"""Quality sessions a week, by phase (at most; fewer when the week has few runs)."""

LONG_SHARE = {BASE: 0.28, BUILD: 0.30, PEAK: 0.30, CUTBACK: 0.28, RETURN: 0.30, RECOVERY: 0.30}
"""The long run's share of the week, by phase (no long run in the others)."""

REPS: tuple[tuple[int, int], ...] = ((6, 800), (5, 1000), (4, 1200), (8, 400), (3, 1600))
"""Interval sessions, taken in turn week by week: (reps, rep length [m]) with 400 m jogs."""

JOG_M = 400.0
JOG_MPS = 2.3
WARM_UP_M = 2500.0
COOL_DOWN_M = 2000.0


@dataclass(frozen=True)
class Watch:
    """A watch the runner wore from ``since``: identity, recording mode, power."""

    since: date
    product: int
    serial_number: int
    smart_recording: bool
    power: bool


WATCHES = (
    Watch(date(2020, 1, 1), 2, 3_912_345_671, smart_recording=False, power=False),
    Watch(date(2022, 6, 27), 3, 3_923_456_782, smart_recording=True, power=False),
    Watch(date(2022, 11, 7), 3, 3_923_456_782, smart_recording=False, power=False),
    Watch(date(2023, 5, 1), 4, 3_934_567_893, smart_recording=False, power=True),
)
"""1 s recording, except on the replacement watch of summer 2022 until its owner found the
setting (smart recording); running power from May 2023."""

SMART_GAPS_S = (1, 2, 3, 4, 5, 6)
"""Gaps a smart-recording watch leaves between samples, in sampling intervals."""

SHOES = (
    "Pegasus 37",
    "Ghost 13",
    "Pegasus 38",
    "Clifton 8",
    "Pegasus 39",
    "Ghost 15",
    "Pegasus 40",
    "Novablast 4",
    "Pegasus 41",
)
"""The everyday shoes, in the order they were bought; each is retired after 800 km."""
SHOE_LIFE_KM = 800.0
RACE_SHOE = "Vaporfly Next% 2"

PLAIN_FIT_SHARE = 0.08
"""Runs uploaded by hand: Strava keeps them as plain ``.fit``, not ``.fit.gz``."""
NO_HEART_RATE_SHARE = 0.01
RPE_SHARE = 0.30
"""Runs whose perceived exertion was rated in Strava."""

_RPE_BY_KIND = {EASY: 3, RECOVERY_RUN: 2, LONG: 5, TEMPO: 6, INTERVALS: 7, RACE_RUN: 9}


@dataclass(frozen=True)
class ArchiveRun:
    """One run of the five years: what was planned, where, on which watch, and its export row.

    ``segments`` are the intended speeds along the run (:class:`sample_data.generate.Segment`,
    lengths in metres adding up to ``distance_km``).
    """

    index: int
    seed: int
    week: int
    phase: str
    kind: str
    distance_km: float
    start_local: datetime  # tz-aware, in the place's zone
    place: Place
    sub_sport: str
    segments: tuple[demo.Segment, ...]
    fitness_mps: float
    watch: Watch
    heart_rate: bool
    activity_id: int
    file_name: str  # "activities/<id>.fit.gz" or "activities/<id>.fit"
    title: str
    gear: str
    rpe: int | None

    @property
    def start_utc(self) -> datetime:
        return self.start_local.astimezone(UTC)

    @property
    def utc_offset_s(self) -> int:
        """Local time minus UTC at the start [s]."""
        offset = self.start_local.utcoffset()
        assert offset is not None
        return int(offset.total_seconds())

    @property
    def planned_s(self) -> float:
        """Time the segments take at their intended speeds [s] (stops and hills not counted)."""
        return sum(s.distance_m / s.speed_mps for s in self.segments)


def _easy_mps(fitness_mps: float) -> float:
    return 2.78 + fitness_mps


def _speeds(fitness_mps: float) -> dict[str, float]:
    """Intended speeds [m/s] by kind of effort at this fitness."""
    easy = _easy_mps(fitness_mps)
    return {
        EASY: easy,
        RECOVERY_RUN: easy - 0.15,
        LONG: easy - 0.05,
        TEMPO: 3.55 + fitness_mps,
        INTERVALS: 4.20 + fitness_mps,
        "10k": 3.85 + fitness_mps,
        "half": 3.60 + fitness_mps,
    }


def _hm(km: float) -> int:
    """Kilometres in whole hectometres (the plan adds distances exactly in these)."""
    return round(km * 10)


def _week_runs(week: TrainingWeek, rng: random.Random) -> list[tuple[int, str, int, int]]:
    """The week's runs: (weekday, kind, distance [hm], interval set index) in weekday order.

    Race, long run and sessions first; easy runs share the rest evenly (each at least 30 min
    at easy pace); the long run takes what rounding leaves, so the sum is the week's volume.
    """
    total = _hm(week.volume_km)
    if total <= 0:
        return []
    speeds = _speeds(week.fitness_mps)
    # margins for the day's form, hills, stops and trail: the runs stay within 30-150 min
    min_hm = math.ceil(1.1 * MIN_RUN_S * speeds[EASY] / 100)
    max_long_hm = math.floor(0.88 * MAX_RUN_S * (speeds[LONG] - 0.15) / 100)
    count = max(1, min(7, round(week.volume_km / KM_PER_RUN), total // min_hm))
    race_hm = _hm(week.race.distance_km) if week.race else 0
    if race_hm:
        count = max(1, min(count, 1 + (total - race_hm) // min_hm))
    days = RUN_DAYS[count]
    sessions = min(SESSIONS.get(week.phase, 0), max(0, count - 3 + (week.phase == RACE)))
    if race_hm:
        sessions = min(sessions, 1 if count >= 4 else 0)
    plan: dict[int, tuple[str, int]] = {}
    interval_set = week.index % len(REPS)
    if race_hm:
        plan[6] = (RACE_RUN, race_hm)
    elif count >= 2 and week.phase in LONG_SHARE:
        plan[6] = (LONG, min(max_long_hm, round(total * LONG_SHARE[week.phase])))
    if sessions >= 1 and 1 in days:
        reps, rep_m = REPS[interval_set]
        if week.phase in (CUTBACK, TAPER, RACE):
            reps = max(2, reps - 2)
        rep_hm = round((WARM_UP_M + reps * rep_m + (reps - 1) * JOG_M + COOL_DOWN_M) / 100)
        plan[1] = (INTERVALS, rep_hm)
    if sessions >= 2 and 3 in days:
        tempo_km = min(12.0, max(4.0, round(0.12 * week.volume_km)))
        plan[3] = (TEMPO, _hm(tempo_km + 3.5))
    rest = [d for d in days if d not in plan]
    left = total - sum(hm for _, hm in plan.values())
    while rest and left < min_hm * len(rest):
        rest.pop(0)  # too little left for 30 min each: fewer easy runs (Monday goes first)
    if rest:
        weights = [0.75 if d == 0 else rng.uniform(0.9, 1.1) for d in rest]
        shares = [max(min_hm, math.floor(left * w / sum(weights))) for w in weights]
        for d, share in zip(rest, shares, strict=True):
            plan[d] = (RECOVERY_RUN if d == 0 else EASY, share)
    # what rounding left goes to the long run (or the longest run that is not a race)
    spare = total - sum(hm for _, hm in plan.values())
    target = 6 if 6 in plan and plan[6][0] == LONG else None
    if target is None:
        candidates = [d for d, (kind, _) in plan.items() if kind != RACE_RUN]
        target = max(candidates, key=lambda d: plan[d][1]) if candidates else None
    if target is None:  # a race week with nothing else: the race is the week
        return [(6, RACE_RUN, race_hm, interval_set)]
    kind, hm = plan[target]
    plan[target] = (kind, hm + spare)
    return [(d, *plan[d], interval_set) for d in sorted(plan)]


def _segments(
    kind: str,
    distance_m: float,
    fitness_mps: float,
    interval_set: int,
    phase: str,
    race_km: float | None,
    rng: random.Random,
) -> tuple[list[demo.Segment], str]:
    """The intended speeds along a run, and the name its runner gives it ("" for Strava's
    default name)."""
    speeds = _speeds(fitness_mps)
    easy = speeds[EASY] + rng.gauss(0.0, 0.04)
    if kind == RACE_RUN:
        pace = speeds["10k"] if race_km == TEN_K_KM else speeds["half"]
        return [demo.Segment(distance_m, pace + rng.gauss(0.0, 0.03))], ""
    if kind == INTERVALS:
        reps, rep_m = REPS[interval_set]
        if phase in (CUTBACK, TAPER, RACE):
            reps = max(2, reps - 2)
        work = reps * rep_m + (reps - 1) * JOG_M
        warm = (distance_m - work) * WARM_UP_M / (WARM_UP_M + COOL_DOWN_M)
        rep_speed = speeds[INTERVALS] + (0.15 if rep_m <= 400 else 0.0) - 0.05 * (rep_m >= 1600)
        parts = [demo.Segment(warm, easy, lap=True)]
        for i in range(reps):
            parts.append(demo.Segment(rep_m, rep_speed + rng.gauss(0.0, 0.03), lap=True))
            if i < reps - 1:
                parts.append(demo.Segment(JOG_M, JOG_MPS, lap=True))
        parts.append(demo.Segment(distance_m - work - warm, easy, lap=True))
        return parts, f"{reps} x {rep_m} m"
    if kind == TEMPO:
        tempo_m = distance_m - 3500.0
        tempo = speeds[TEMPO] + rng.gauss(0.0, 0.02)
        parts = [
            demo.Segment(2000.0, easy),
            demo.Segment(tempo_m, tempo),
            demo.Segment(1500.0, easy),
        ]
        return parts, f"Tempo {tempo_m / 1000:g} km"
    if kind == LONG:
        long_speed = speeds[LONG] + (easy - speeds[EASY])
        if phase in (BUILD, PEAK) and rng.random() < 0.5:
            fast = round(0.25 * distance_m / 100) * 100.0
            parts = [
                demo.Segment(distance_m - fast, long_speed),
                demo.Segment(fast, long_speed + 0.35),
            ]
            return parts, f"Long run {distance_m / 1000:g} km, fast finish"
        return [demo.Segment(distance_m, long_speed)], f"Long run {distance_m / 1000:g} km"
    if kind == RECOVERY_RUN:
        return [demo.Segment(distance_m, easy - 0.15)], ""
    return [demo.Segment(distance_m, easy)], ""


def _default_title(local: datetime) -> str:
    """Strava's name for an activity nobody renamed, by the hour it started."""
    hour = local.hour
    if 5 <= hour < 11:
        return "Morning Run"
    if 11 <= hour < 14:
        return "Lunch Run"
    if 14 <= hour < 17:
        return "Afternoon Run"
    if 17 <= hour < 21:
        return "Evening Run"
    return "Night Run"


def _start(rng: random.Random, day: date, weekday: int, kind: str, place: Place) -> datetime:
    if kind == RACE_RUN:
        wall = time(9 + rng.choice((0, 0, 1)), rng.choice((0, 30)), rng.randrange(5, 50))
    else:
        wall = demo._start_time(rng, weekday, EASY if kind == RECOVERY_RUN else kind)
    return datetime.combine(day, wall, tzinfo=ZoneInfo(place.timezone))


def _watch(day: date) -> Watch:
    return [w for w in WATCHES if w.since <= day][-1]


_ID_EPOCH = datetime.combine(FIRST_MONDAY, time(), tzinfo=UTC)
_ID0 = 4_580_000_000
_IDS_PER_S = 76
"""Strava's activity ids grow with upload time: about 6.6 million a day in 2021-2025."""


def _sub_sport(kind: str, day: date, rng: random.Random) -> str:
    if kind in (EASY, RECOVERY_RUN) and day.month in (1, 2) and rng.random() < 0.25:
        return "treadmill"
    if kind == INTERVALS and 4 <= day.month <= 9 and rng.random() < 0.6:
        return "track"
    if kind == LONG and 5 <= day.month <= 10 and rng.random() < 0.25:
        return "trail"
    return "generic"


def plan_runs(runs: int = RUNS, seed: int = SEED) -> list[ArchiveRun]:
    """The first ``runs`` runs of the five years, in time order.

    Each week's runs come from :func:`training_weeks` and a stream seeded by ``seed`` and the
    week, so ``plan_runs(n, seed)`` is always the start of ``plan_runs(m, seed)`` for m > n.
    """
    if runs < 0:
        raise ValueError("runs must not be negative")
    out: list[ArchiveRun] = []
    shoe_km = 0.0
    shoe = 0
    weeks = training_weeks()
    while len(out) < runs:
        week = next(weeks)
        rng = random.Random(f"{seed}:week:{week.index}")
        for weekday, kind, hm, interval_set in _week_runs(week, rng):
            if len(out) == runs:
                break
            day = week.monday + timedelta(days=weekday)
            place = week.race.place if kind == RACE_RUN and week.race else HOME
            start = _start(rng, day, weekday, kind, place)
            distance_km = hm / 10
            race_km = week.race.distance_km if week.race and kind == RACE_RUN else None
            if race_km is not None:
                distance_km = race_km
            segments, name = _segments(
                kind, distance_km * 1000.0, week.fitness_mps, interval_set, week.phase, race_km, rng
            )
            sub_sport = _sub_sport(kind, day, rng)
            if sub_sport == "trail":
                segments = [demo.Segment(s.distance_m, s.speed_mps - 0.15, s.lap) for s in segments]
            if kind == RACE_RUN and week.race is not None:
                title = week.race.name
            elif name and rng.random() < 0.7:
                title = name
            else:
                title = _default_title(start)
            activity_id = _ID0 + round((start - _ID_EPOCH).total_seconds() * _IDS_PER_S)
            suffix = ".fit" if rng.random() < PLAIN_FIT_SHARE else ".fit.gz"
            if kind == RACE_RUN or (kind == TEMPO and rng.random() < 0.5):
                gear = RACE_SHOE
            else:
                gear = SHOES[min(shoe, len(SHOES) - 1)]
                shoe_km += distance_km
                if shoe_km >= SHOE_LIFE_KM:
                    shoe, shoe_km = shoe + 1, 0.0
            rated = rng.random() < RPE_SHARE
            rpe = min(10, max(1, _RPE_BY_KIND[kind] + rng.choice((-1, 0, 0, 1)))) if rated else None
            out.append(
                ArchiveRun(
                    index=len(out),
                    seed=seed,
                    week=week.index,
                    phase=week.phase,
                    kind=kind,
                    distance_km=distance_km,
                    start_local=start,
                    place=place,
                    sub_sport=sub_sport,
                    segments=tuple(segments),
                    fitness_mps=week.fitness_mps,
                    watch=_watch(day),
                    heart_rate=rng.random() >= NO_HEART_RATE_SHARE,
                    activity_id=activity_id,
                    file_name=f"activities/{activity_id}{suffix}",
                    title=title,
                    gear=gear,
                    rpe=rpe,
                )
            )
    return out


def weekly_km(runs: Sequence[ArchiveRun]) -> dict[date, float]:
    """Planned distance of each week that has runs [km], by its Monday (local dates)."""
    out: dict[date, float] = {}
    for run in runs:
        day = run.start_local.date()
        monday = day - timedelta(days=day.weekday())
        out[monday] = round(out.get(monday, 0.0) + run.distance_km, 4)
    return out


# ---- routes ------------------------------------------------------------------------------------

LOOP_M = (3200.0, 5000.0, 7500.0, 10_000.0, 13_000.0, 16_000.0)
"""Perimeters of the loops the runner knows from home [m] (a park, the river, the lakes ...)."""
PATH_M = 13_000.0
"""Length of each out-and-back path from home [m], run out and back from any distance."""
PATHS = 4
"""Out-and-back paths from home; the last is the forest trail."""
TRACK_M = 400.0


@dataclass(frozen=True)
class _Way:
    """A route and the ground height [m] at each of its points."""

    route: demo.Route
    heights: np.ndarray


def _way(route: demo.Route) -> _Way:
    heights = [demo.terrain_m(e, n) for e, n in zip(route.east, route.north, strict=True)]
    return _Way(route, np.array(heights))


@dataclass(frozen=True)
class _Routes:
    loops: tuple[_Way, ...]
    paths: tuple[_Way, ...]
    track: _Way


@lru_cache(maxsize=4)
def _routes(seed: int) -> _Routes:
    """The routes around home, the same for every run of a seed: runners repeat their routes."""
    rng = random.Random(f"{seed}:routes")
    loops = tuple(_way(demo._loop(rng, perimeter)) for perimeter in LOOP_M)
    paths = tuple(_way(demo._out_and_back(rng, PATH_M)) for _ in range(PATHS))
    return _Routes(loops, paths, _way(demo._loop(rng, TRACK_M)))


def _truncated(path: _Way, one_way_m: float) -> _Way:
    """The first ``one_way_m`` metres of ``path``, to run out and back."""
    route = path.route
    end = int(np.searchsorted(route.along, one_way_m))
    east = [*route.east[:end], float(np.interp(one_way_m, route.along, route.east))]
    north = [*route.north[:end], float(np.interp(one_way_m, route.along, route.north))]
    height = float(np.interp(one_way_m, route.along, path.heights))
    return _Way(demo.Route(east, north, out_and_back=True), np.append(path.heights[:end], height))


def _route(run: ArchiveRun, rng: random.Random) -> _Way | None:
    """The way ``run`` goes (None on a treadmill): a loop that fits the distance a whole number
    of times (or nearly), or out and back along a path; the track; a race course."""
    if run.sub_sport == "treadmill":
        return None
    total_m = run.distance_km * 1000.0
    routes = _routes(run.seed)
    if run.sub_sport == "track":
        return routes.track
    if run.kind == RACE_RUN:
        return _way(demo._loop(rng, total_m))
    if run.sub_sport == "trail":
        return _truncated(routes.paths[-1], total_m / 2)
    if total_m > 2 * PATH_M or rng.random() < 0.5:
        fits = [way for way in routes.loops if way.route.length_m <= 1.05 * total_m]
        laps = [total_m / way.route.length_m for way in fits]
        misfit = [abs(x - round(x)) + 0.01 * rng.random() for x in laps]
        return fits[misfit.index(min(misfit))]
    return _truncated(routes.paths[rng.randrange(PATHS - 1)], total_m / 2)


def _folded(route: demo.Route, s_m: np.ndarray) -> np.ndarray:
    """Distance along the route's polyline after ``s_m`` metres of running (turning back at
    the end of an out-and-back, lapping a loop), as :meth:`Route.at` folds it."""
    length = route.length_m
    if route.out_and_back:
        s_m = s_m % (2 * length)
        folded: np.ndarray = np.where(s_m > length, 2 * length - s_m, s_m)
        return folded
    looped: np.ndarray = s_m % length
    return looped


# ---- the simulation ----------------------------------------------------------------------------

GRID_M = 2.0
"""Spacing of the distance grid the intended speed is laid on [m]."""


def _first_order(inputs: np.ndarray, keep: float, start: float) -> np.ndarray:
    """``y[t] = keep * y[t-1] + inputs[t]`` from ``y[-1] = start``, without a Python loop.

    Written as ``y[t] = keep**t * (start + sum(inputs[k] / keep**k))`` and summed in blocks
    short enough that ``keep**-k`` stays below e**20, so no precision is lost.
    """
    out = np.empty(len(inputs))
    block = max(1, int(20.0 / -math.log(keep)))
    value = start
    for first in range(0, len(inputs), block):
        part = inputs[first : first + block]
        powers = keep ** np.arange(1, len(part) + 1)
        values = powers * (value + np.cumsum(part / powers))
        out[first : first + len(part)] = values
        value = float(values[-1])
    return out


def _ar1(rng: np.random.Generator, n: int, sigma: float, memory: float) -> np.ndarray:
    """First-order autoregressive noise: spread ``sigma``, memory ``memory`` [samples]."""
    keep = math.exp(-1.0 / memory)
    shocks = rng.normal(0.0, sigma * math.sqrt(1 - keep**2), n)
    return _first_order(shocks, keep, float(rng.normal(0.0, sigma)))


def _lag(target: np.ndarray, start: float, rise: float, fall: float) -> np.ndarray:
    """Chase ``target``, closing ``rise`` of the gap per sample going up and ``fall`` going
    down (heart rate climbs faster than it settles). Sequential by nature: a plain loop."""
    value = start
    out = []
    for goal in target.tolist():
        value += (goal - value) * (rise if goal > value else fall)
        out.append(value)
    return np.array(out)


@cache
def _steady_hr_table() -> tuple[np.ndarray, np.ndarray]:
    """:func:`sample_data.generate.steady_heart_rate` in week 1, tabulated for np.interp (it is
    piecewise linear, so the table is exact at its 0.05 m/s steps)."""
    speeds = np.linspace(0.0, 8.0, 161)
    return speeds, np.array([demo.steady_heart_rate(float(v), 1) for v in speeds])


def _degrees(
    place: Place, east_m: np.ndarray, north_m: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Metres east and north of ``place`` as latitude and longitude [°] (a local flat map)."""
    radius = demo.EARTH_RADIUS_M
    lat = place.lat_deg + np.degrees(north_m / radius)
    lon = place.lon_deg + np.degrees(east_m / (radius * math.cos(math.radians(place.lat_deg))))
    return lat, lon


RUNNER_MASS_KG = 70.0
FLAT_POWER_W_PER_KG_PER_MPS = 1.04
"""Running power on the flat per kg and m/s, about what footpod power meters show; a climb
adds the potential-energy rate m g v grade. Tuned by eye."""
GRAVITY_MPS2 = 9.81


@dataclass
class Recording:
    """A run as its watch recorded it: the samples (the encoder's raw frame: ``timestamp``
    and the channels the watch wrote), the laps, and the figures Strava lists for it."""

    run: ArchiveRun
    samples: pd.DataFrame
    lap_starts: list[int]
    lap_trigger: int
    stats: dict[str, float] = field(default_factory=dict)


def _interval(sample_s: float) -> float:
    if not (sample_s >= 1.0 and float(sample_s).is_integer()):
        raise ValueError(f"sample_s must be a whole number of seconds >= 1, got {sample_s!r}")
    return float(sample_s)


def _stops(run: ArchiveRun, rng: np.random.Generator, total_m: float) -> list[tuple[float, float]]:
    """Traffic lights on a road run: (where [m], how long [s]), by distance."""
    if run.kind not in (EASY, LONG, RECOVERY_RUN) or run.sub_sport != "generic":
        return []
    count = int(rng.choice((0, 1, 1, 2, 3)))
    where = np.sort(rng.uniform(1000.0, total_m - 1000.0, count))
    return [(float(w), float(rng.integers(8, 46))) for w in where]


def simulate_run(run: ArchiveRun, sample_s: float = 1.0) -> Recording:
    """Record ``run``: a sample every ``sample_s`` seconds (on a smart-recording watch, every
    1-6 intervals), with position, altitude, distance, speed, heart rate, cadence and, on the
    newest watch, power.

    The intended speed is laid along the distance (segments, a slow wander, slower uphill) and
    time follows from it, so the last sample lands exactly on the planned distance. Stops at
    traffic lights on road runs; speed settles with a 6 s lag; heart rate chases the steady
    state of :func:`sample_data.generate.steady_heart_rate` at the effort, shifted by fitness,
    with a 25 s lag rising and 70 s falling, drifting up with time and reps, higher in the
    summer heat; cadence follows speed (:func:`sample_data.generate.cadence_at_speed`); GPS
    positions carry a correlated error of about 2 m.
    """
    dt = _interval(sample_s)
    rng = np.random.default_rng([run.seed, run.index])
    way = _route(run, random.Random(f"{run.seed}:route:{run.index}"))
    segments = run.segments
    ends = np.cumsum([seg.distance_m for seg in segments])
    total = float(ends[-1])
    grid = np.linspace(0.0, total, max(2, math.ceil(total / GRID_M) + 1))
    segment_of = np.minimum(np.searchsorted(ends, grid, side="right"), len(segments) - 1)
    intended = np.array([seg.speed_mps for seg in segments])[segment_of]
    if way is None:
        along = grid
        ground = np.full_like(grid, demo.terrain_m(0.0, 0.0))
    else:
        along = _folded(way.route, grid)
        ground = np.interp(along, way.route.along, way.heights)
    grade = (np.interp(grid + 10.0, grid, ground) - np.interp(grid - 10.0, grid, ground)) / 20.0
    wander = _ar1(rng, len(grid), 0.025, 250.0 / GRID_M)
    wanted = intended * (1.0 + wander) * np.clip(1.0 - 3.0 * grade, 0.8, 1.2)

    # time along the way; a stop adds a point at the same distance, later
    t_grid = np.concatenate([[0.0], np.cumsum(np.diff(grid) / (0.5 * (wanted[1:] + wanted[:-1])))])
    s_grid = grid
    for where, standing_s in reversed(_stops(run, rng, total)):  # the last first: indices hold
        k = int(np.searchsorted(s_grid, where))
        t_grid = np.concatenate([t_grid[: k + 1], t_grid[k:] + standing_s])
        s_grid = np.concatenate([s_grid[: k + 1], s_grid[k:]])
    n = math.ceil(t_grid[-1] / dt) + 1
    seconds = np.arange(n) * dt
    distance = np.interp(seconds, t_grid, s_grid)
    distance[-1] = total
    # standing where the distance does not move between two grid points of equal distance
    standing = np.zeros(n, dtype=bool)
    for still in np.flatnonzero(np.diff(s_grid) == 0):
        standing |= (seconds >= t_grid[still]) & (seconds < t_grid[still + 1])

    moving_speed = np.interp(distance, grid, wanted)
    settle = math.exp(-dt / 6.0)
    target_speed = np.where(standing, 0.0, moving_speed)
    speed = _first_order((1 - settle) * target_speed, settle, 0.6 * float(moving_speed[0]))
    speed = np.where(standing, 0.0, np.maximum(speed, 0.0))
    slope = np.interp(distance, grid, grade)

    day = run.start_local.date()
    heat = 3.0 * max(0.0, math.cos(2 * math.pi * (day.timetuple().tm_yday - 200) / 365.25))
    offset = heat + (1.0 if run.phase == PEAK else 0.0) + float(rng.normal(0.0, 1.5))
    rep_ends = np.array([e for e, seg in zip(ends, segments, strict=True) if seg.speed_mps > 4.0])
    reps_done = np.searchsorted(rep_ends, distance, side="right")
    drift = 0.15 if run.kind == LONG else 0.05
    table_v, table_hr = _steady_hr_table()
    effort = speed * (1.0 + 8.0 * slope) - run.fitness_mps
    goal = np.interp(effort, table_v, table_hr) + offset + drift * seconds / 60.0 + 0.4 * reps_done
    goal = np.where(standing, 100.0, goal)
    rise, fall = 1 - math.exp(-dt / 25.0), 1 - math.exp(-dt / 70.0)
    heart = _lag(goal, 92.0 + float(rng.uniform(0.0, 8.0)), rise, fall)
    heart = np.rint(heart + _ar1(rng, n, 1.0, 20.0 / dt))
    cadence_offset = float(rng.normal(0.0, 1.5))
    # cadence_at_speed is plain arithmetic, so it takes the whole array at once
    steps: np.ndarray = demo.cadence_at_speed(speed)  # type: ignore[arg-type,assignment]
    cadence = np.rint(steps + cadence_offset + _ar1(rng, n, 1.2, 15.0 / dt))
    cadence = np.where(speed < 0.5, 0.0, cadence)

    stamps = int(pd.Timestamp(run.start_utc).value) + (seconds * 1e9).astype(np.int64)
    channels: dict[str, np.ndarray] = {}
    if way is not None:
        east0, north0 = rng.uniform(-30.0, 30.0, 2)
        spot = _folded(way.route, distance)
        east = np.interp(spot, way.route.along, way.route.east) + east0
        north = np.interp(spot, way.route.along, way.route.north) + north0
        east += _ar1(rng, n, 2.0, 40.0 / dt)
        north += _ar1(rng, n, 2.0, 40.0 / dt)
        channels[c.LATITUDE_DEG], channels[c.LONGITUDE_DEG] = _degrees(run.place, east, north)
    altitude = np.interp(distance, grid, ground) + _ar1(rng, n, 0.3, 60.0 / dt)
    channels[c.DISTANCE_M] = np.round(distance, 2)
    channels[c.SPEED_MPS] = np.round(speed, 3)
    if run.heart_rate:
        channels[c.HEART_RATE_BPM] = heart
    channels[c.CADENCE_SPM] = cadence
    channels[c.ALTITUDE_M] = np.round(altitude * 5) / 5
    if run.watch.power:
        flat_w = RUNNER_MASS_KG * FLAT_POWER_W_PER_KG_PER_MPS * speed
        climb_w = RUNNER_MASS_KG * GRAVITY_MPS2 * speed * slope
        power = np.maximum(flat_w + climb_w + _ar1(rng, n, 4.0, 8.0 / dt), 0.0)
        channels[c.POWER_W] = np.where(standing, 0.0, np.rint(power))

    if run.watch.smart_recording:
        picked = np.concatenate([[0], np.cumsum(rng.choice(SMART_GAPS_S, size=n))])
        keep = np.append(picked[picked < n - 1], n - 1)
        stamps = stamps[keep]
        channels = {name: values[keep] for name, values in channels.items()}
    frame = pd.DataFrame({c.TIMESTAMP: pd.to_datetime(stamps, unit="ns", utc=True), **channels})
    kept = channels[c.DISTANCE_M]
    if run.kind == INTERVALS:
        marks, trigger = ends[:-1], LAP_TRIGGER_MANUAL
    else:
        marks, trigger = np.arange(1000.0, total, 1000.0), LAP_TRIGGER_DISTANCE
    laps = sorted({int(i) for i in np.searchsorted(kept, marks) if 0 < i < len(kept) - 1})
    return Recording(run, frame, laps, trigger, _stats(stamps, channels))


def _stats(stamps_ns: np.ndarray, channels: dict[str, np.ndarray]) -> dict[str, float]:
    """What Strava's ``activities.csv`` says of a recording: times [s], distance [m], speeds
    [m/s], elevation [m] (from 5-sample means), cadence [steps/min], heart rate [1/min],
    power [W], calories [kcal] (1 kcal per kg and km)."""
    seconds = (stamps_ns - stamps_ns[0]) / 1e9
    gaps = np.diff(seconds, append=seconds[-1])
    speed = channels[c.SPEED_MPS]
    moving = speed >= 0.5
    distance = float(channels[c.DISTANCE_M][-1])
    moving_s = float(gaps[moving].sum())
    altitude = channels[c.ALTITUDE_M]
    width = min(5, len(altitude))
    height = np.convolve(altitude, np.ones(width) / width, mode="valid")
    climb = np.diff(height)
    cadence = channels[c.CADENCE_SPM]
    out = {
        "elapsed_s": float(seconds[-1]),
        "moving_s": moving_s,
        "distance_m": distance,
        "max_speed_mps": float(speed.max()),
        "avg_speed_mps": distance / moving_s if moving_s > 0 else 0.0,
        "gain_m": float(climb[climb > 0].sum()),
        "loss_m": float(-climb[climb < 0].sum()),
        "low_m": float(height.min()),
        "high_m": float(height.max()),
        "max_cadence_spm": float(cadence.max()),
        "avg_cadence_spm": float(cadence[cadence > 0].mean()) if (cadence > 0).any() else 0.0,
        "calories": RUNNER_MASS_KG * distance / 1000.0,
    }
    if c.HEART_RATE_BPM in channels:
        heart = channels[c.HEART_RATE_BPM]
        out["max_heart_rate_bpm"] = float(heart.max())
        out["avg_heart_rate_bpm"] = float(heart.mean())
    if c.POWER_W in channels:
        power = channels[c.POWER_W]
        out["max_power_w"] = float(power.max())
        out["avg_power_w"] = float(power[moving].mean()) if moving.any() else 0.0
    return out


def to_fit(recording: Recording) -> bytes:
    """The recording as its watch's FIT file."""
    run = recording.run
    return encode_activity(
        recording.samples,
        utc_offset_s=run.utc_offset_s,
        start_utc=run.start_utc,
        sport=c.SPORT_RUNNING,
        sub_sport=run.sub_sport,
        lap_starts=recording.lap_starts,
        lap_trigger=recording.lap_trigger,
        product=run.watch.product,
        serial_number=run.watch.serial_number,
    )


# ---- the export --------------------------------------------------------------------------------

EXPORT_TIME = (2026, 1, 5, 7, 30, 0)
"""When the export was made: every zip entry carries this time, so the bytes are stable."""
GZIP_LEVEL = 6
"""gzip's and Java's default level, the likely one behind Strava's ``.fit.gz``."""

_STRAVA_NAMES = next(csv.reader([archives.STRAVA_HEADER]))
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _strava_column(name: str, occurrence: int = 0) -> int:
    """Index of the ``occurrence``-th column called ``name`` (Strava repeats four names)."""
    return [i for i, header in enumerate(_STRAVA_NAMES) if header == name][occurrence]


def strava_date(when: datetime) -> str:
    """Strava's ``Activity Date``: UTC, ``Mar 10, 2019, 4:36:27 PM``, English month names
    whatever the machine's locale."""
    utc = when.astimezone(UTC)
    hour = utc.hour % 12 or 12
    half = "AM" if utc.hour < 12 else "PM"
    return f"{_MONTHS[utc.month - 1]} {utc.day}, {utc.year}, {hour}:{utc:%M:%S} {half}"


def strava_row(run: ArchiveRun, stats: dict[str, float]) -> list[str]:
    """The ``activities.csv`` row of a run, under :data:`sample_data.archives.STRAVA_HEADER`.

    The first ``Distance`` is in km (the athlete's unit), the second in metres; cadence is per
    leg, as Strava lists it for runs; ``Perceived Exertion`` only where the run was rated.
    """
    row = [""] * len(_STRAVA_NAMES)

    def put(name: str, value: str, occurrence: int = 0) -> None:
        row[_strava_column(name, occurrence)] = value

    elapsed = str(round(stats["elapsed_s"]))
    put("Activity ID", str(run.activity_id))
    put("Activity Date", strava_date(run.start_utc))
    put("Activity Name", run.title)
    put("Activity Type", "Run")
    put("Elapsed Time", elapsed)
    put("Distance", f"{stats['distance_m'] / 1000:.2f}")
    put("Commute", "false")
    put("Activity Gear", run.gear)
    put("Filename", run.file_name)
    put("Elapsed Time", elapsed, 1)
    put("Moving Time", str(round(stats["moving_s"])))
    put("Distance", f"{stats['distance_m']:.1f}", 1)
    put("Max Speed", f"{stats['max_speed_mps']:.3f}")
    put("Average Speed", f"{stats['avg_speed_mps']:.3f}")
    put("Elevation Gain", f"{stats['gain_m']:.1f}")
    put("Elevation Loss", f"{stats['loss_m']:.1f}")
    put("Elevation Low", f"{stats['low_m']:.1f}")
    put("Elevation High", f"{stats['high_m']:.1f}")
    put("Max Cadence", f"{stats['max_cadence_spm'] / 2:.1f}")
    put("Average Cadence", f"{stats['avg_cadence_spm'] / 2:.1f}")
    if "avg_heart_rate_bpm" in stats:
        put("Max Heart Rate", f"{stats['max_heart_rate_bpm']:.1f}")
        put("Average Heart Rate", f"{stats['avg_heart_rate_bpm']:.1f}")
    if "avg_power_w" in stats:
        put("Max Watts", f"{stats['max_power_w']:.1f}")
        put("Average Watts", f"{stats['avg_power_w']:.1f}")
    put("Calories", f"{stats['calories']:.1f}")
    if run.rpe is not None:
        put("Perceived Exertion", f"{run.rpe:.1f}")
    return row


def activities_csv(rows: Sequence[Sequence[str]]) -> bytes:
    """``activities.csv``: Strava's header line as it is, then the rows."""
    buffer = io.StringIO()
    buffer.write(archives.STRAVA_HEADER + "\n")
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def export_member(run: ArchiveRun, sample_s: float = 1.0) -> tuple[bytes, dict[str, float], int]:
    """One run as stored in the export: its file's bytes (gzip-compressed for ``.fit.gz``),
    the figures of its CSV row, and its number of samples."""
    recording = simulate_run(run, sample_s)
    data = to_fit(recording)
    if run.file_name.endswith(".gz"):
        data = gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)
    return data, recording.stats, len(recording.samples)


def _export_member(job: tuple[ArchiveRun, float]) -> tuple[bytes, dict[str, float], int]:
    return export_member(*job)


Progress = Callable[[int, int], None]
"""progress(runs done, runs in all)."""


def _write_zip(
    target: io.BufferedIOBase | io.BytesIO,
    runs: Sequence[ArchiveRun],
    sample_s: float,
    workers: int,
    progress: Progress | None,
) -> int:
    """Write the export to ``target``; the number of samples written."""
    jobs = [(run, sample_s) for run in runs]
    members: list[tuple[bytes, dict[str, float], int]] = []
    if workers > 1 and len(jobs) > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=workers) as pool:
            for member in pool.map(_export_member, jobs, chunksize=8):
                members.append(member)
                if progress is not None:
                    progress(len(members), len(jobs))
    else:
        for job in jobs:
            members.append(_export_member(job))
            if progress is not None:
                progress(len(members), len(jobs))
    rows = [strava_row(run, stats) for run, (_, stats, _) in zip(runs, members, strict=True)]
    files = [("activities.csv", activities_csv(rows))]
    files += [(run.file_name, data) for run, (data, _, _) in zip(runs, members, strict=True)]
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, EXPORT_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return sum(samples for _, _, samples in members)


def build_archive(
    path: Path | None = None,
    *,
    runs: int = RUNS,
    seed: int = SEED,
    sample_s: float = 1.0,
    workers: int = 1,
    progress: Progress | None = None,
) -> Path | bytes:
    """The Strava-style export of the first ``runs`` runs, written to ``path`` or returned.

    Parameters
    ----------
    path
        Where to write the zip (written aside and moved into place); None returns its bytes.
    runs, seed
        How many runs of which history (:func:`plan_runs`).
    sample_s
        The recording interval of the 1 s watches [s], a whole number.
    workers
        Processes that simulate and encode runs side by side; the bytes do not depend on it.
    progress
        Called after each run with (runs done, runs in all).

    Returns
    -------
    Path | bytes
        ``path``, or the zip's bytes when no path is given.
    """
    return _build(path, runs, seed, sample_s, workers, progress)[0]


def _build(
    path: Path | None,
    runs: int,
    seed: int,
    sample_s: float,
    workers: int,
    progress: Progress | None,
) -> tuple[Path | bytes, int]:
    """:func:`build_archive`, and the number of samples in the archive."""
    _interval(sample_s)
    planned = plan_runs(runs, seed)
    if path is None:
        buffer = io.BytesIO()
        samples = _write_zip(buffer, planned, sample_s, workers, progress)
        return buffer.getvalue(), samples
    path.parent.mkdir(parents=True, exist_ok=True)
    aside = path.with_name(path.name + ".part")
    with aside.open("wb") as out:
        samples = _write_zip(out, planned, sample_s, workers, progress)
    os.replace(aside, path)
    return path, samples


_SOURCES = ("five_years.py", "generate.py", "fit_encoder.py", "archives.py")


def archive_name(runs: int = RUNS, seed: int = SEED, sample_s: float = 1.0) -> str:
    """The cache file name of an archive: its arguments and a digest of the code that makes it,
    so a changed generator never reuses an old archive."""
    digest = hashlib.sha256(f"{np.__version__}:{pd.__version__}".encode())
    here = Path(__file__).resolve().parent
    for source in _SOURCES:
        digest.update((here / source).read_bytes())
    return f"five_years_{runs}runs_seed{seed}_{sample_s:g}s_{digest.hexdigest()[:12]}.zip"


def cached_archive(
    cache_dir: Path,
    *,
    runs: int = RUNS,
    seed: int = SEED,
    sample_s: float = 1.0,
    workers: int = 1,
    progress: Progress | None = None,
) -> tuple[Path, bool]:
    """The archive for these arguments under ``cache_dir``, built unless already there.

    Returns the path and whether an archive already there was reused. Archives of the same
    arguments made by older code are removed.
    """
    name = archive_name(runs, seed, sample_s)
    path = cache_dir / name
    if path.is_file():
        return path, True
    stem = name.rsplit("_", 1)[0]
    for old in cache_dir.glob(f"{stem}_*.zip"):
        old.unlink()
    build_archive(path, runs=runs, seed=seed, sample_s=sample_s, workers=workers, progress=progress)
    return path, False


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--sample-s", type=float, default=1.0)
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--out", type=Path, default=Path(f"five_years_{RUNS}.zip"))
    args = parser.parse_args(argv)
    started = clock.perf_counter()

    def report(done: int, total: int) -> None:
        if done % 100 == 0 or done == total:
            print(f"{done}/{total} runs", file=sys.stderr)

    _, samples = _build(args.out, args.runs, args.seed, args.sample_s, args.workers, report)
    size = args.out.stat().st_size / 1e6
    took = clock.perf_counter() - started
    print(f"{args.out}: {args.runs} runs, {samples:,} samples, {size:.1f} MB in {took:.1f} s")


if __name__ == "__main__":
    main()
