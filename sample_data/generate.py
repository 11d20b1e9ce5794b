"""The demo athlete: 16 weeks of running in Berlin, written as FIT, GPX and CSV files, with a
morning wellness log (``wellness.csv``) and the coach's weekly plan (``plan.csv``).

Usage::

    python -m sample_data.generate [--out DIR]      # default: sample_data/demo

The output is byte-identical on every run: every random draw comes from :class:`random.Random`
seeded per run from :data:`DEMO_SEED` (string seeds are hashed, not ``hash()``-ed), the
arithmetic is plain Python floats, every number is rounded to its file precision and written
with a fixed format, and times are computed in ``Europe/Berlin`` explicitly, never in the
machine's zone. Only :mod:`math`'s sines and exponentials come from the C library, whose
last-bit differences between platforms sit far below that precision.

The plan (:data:`WEEKS`) is written out by hand so its shape is easy to read: 3-4 build weeks
ramping 5-8 % with a cutback of at least 20 % after them (weeks 5, 9 and 13), and one spike
(week 12, about 60 % above week 11) that lifts the 7-day/28-day acute:chronic workload ratio
above 1.5 for a few days. A coupled 7/28-day ratio only passes 1.5 when the spike week holds
more than 1.8 times the mean of the three weeks before it, so the week-9 cutback sits inside the
spike's 28-day window. The last weeks settle back to a ratio between 0.8 and 1.3.

About 80 % of the running time is easy (HR below 80 % of max), the distribution Seiler found
in well-trained endurance athletes. The heart-rate, cadence and GPS models are plain
first-order lags and autoregressive noise tuned by eye to look like watch data; they are not
published physiology.

The coach's plan (:data:`COACH_PLAN`) has the same ramp and cutbacks but not the spike, so
the weeks run match it within 20 % except week 12 (far above) and week 9 (a little under).
The wellness log answers the running: soreness and fatigue a step up after hard and long days,
resting HR 5-10 bpm over its baseline and ln rMSSD under its band (28-day mean - 0.5 SD,
Plews et al.) for a few days from the end of the spike week, recovery in the cutbacks, and
about 5 % of mornings never logged. Its model is tuned by eye too.

References
----------
Hulin BT, Gabbett TJ, Blanch P, et al. Spikes in acute workload are associated with increased
injury risk in elite cricket fast bowlers. Br J Sports Med 2014;48:708-712.
Gabbett TJ. The training-injury prevention paradox: should athletes be training smarter and
harder? Br J Sports Med 2016;50:273-280.
Seiler S. What is best practice for training intensity and duration distribution in endurance
athletes? Int J Sports Physiol Perform 2010;5:276-291.
Plews DJ, Laursen PB, Stanley J, Kilding AE, Buchheit M. Training adaptation and heart rate
variability in elite endurance athletes: opening the door to effective monitoring. Sports Med
2013;43:773-781.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import random
import re
import statistics
import textwrap
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from analysis import columns as c
from sample_data.fit_encoder import LAP_TRIGGER_DISTANCE, LAP_TRIGGER_MANUAL, encode_activity

# ---- the athlete -------------------------------------------------------------------------------
DEMO_MAX_HR = 190
DEMO_RESTING_HR = 50
DEMO_LTHR = 172
DEMO_SEX = "male"
DEMO_TIMEZONE = "Europe/Berlin"
DEMO_HOME_LAT_DEG = 52.51
DEMO_HOME_LON_DEG = 13.38
DEMO_SEED = 20260727

DEMO_WEEKS = 16
DEMO_FIRST_DAY = date(2026, 7, 27)  # a Monday
DEMO_LAST_DAY = DEMO_FIRST_DAY + timedelta(days=7 * DEMO_WEEKS - 1)  # Sunday 2026-11-15
CUTBACK_WEEKS = (5, 9, 13)
SPIKE_WEEK = 12
SAMPLE_INTERVAL_S = 5.0
"""Seconds between samples, like a watch's smart recording."""

DEFAULT_OUT = Path(__file__).resolve().parent / "demo"

EASY = "easy"
LONG = "long"
INTERVALS = "intervals"
TEMPO = "tempo"
KINDS = (EASY, LONG, INTERVALS, TEMPO)

FIT = "fit"
GPX = "gpx"
CSV = "csv"

CSV_COLUMNS = (
    c.TIMESTAMP,
    c.LATITUDE_DEG,
    c.LONGITUDE_DEG,
    c.ALTITUDE_M,
    c.DISTANCE_M,
    c.SPEED_MPS,
    c.HEART_RATE_BPM,
    c.CADENCE_SPM,
)
"""The CSV header, in order (cadence in steps/min, both feet; times ISO-8601 UTC with Z)."""

GPX_NS = "http://www.topografix.com/GPX/1/1"
GPXTPX_NS = "http://www.garmin.com/xmlschemas/TrackPointExtension/v1"

_Run = tuple[int, str, float]
WEEKS: tuple[tuple[_Run, ...], ...] = (
    # (weekday: Monday = 0, kind, distance [km])
    ((1, INTERVALS, 9), (2, EASY, 8), (4, EASY, 7), (6, LONG, 16)),
    ((1, INTERVALS, 9), (2, EASY, 8), (4, EASY, 8.5), (6, LONG, 17)),
    ((1, INTERVALS, 10), (2, EASY, 7), (3, EASY, 6), (5, EASY, 5), (6, LONG, 17)),
    ((1, INTERVALS, 10), (2, EASY, 6), (3, TEMPO, 9), (5, EASY, 5), (6, LONG, 18)),
    ((1, INTERVALS, 8), (3, EASY, 6), (5, EASY, 6), (6, LONG, 16)),  # cutback
    ((1, INTERVALS, 10), (2, EASY, 8), (3, TEMPO, 10), (5, EASY, 6), (6, LONG, 17)),
    ((1, INTERVALS, 11), (2, EASY, 9), (3, EASY, 8), (5, EASY, 7), (6, LONG, 19)),
    ((1, INTERVALS, 11), (2, EASY, 9.5), (3, TEMPO, 11), (5, EASY, 6), (6, LONG, 20)),
    ((1, INTERVALS, 8), (3, EASY, 6), (5, EASY, 6), (6, LONG, 16)),  # cutback
    ((1, INTERVALS, 11), (2, EASY, 10), (3, TEMPO, 11), (5, EASY, 8.5), (6, LONG, 20)),
    ((1, INTERVALS, 12), (2, EASY, 10), (3, EASY, 10), (5, EASY, 8), (6, LONG, 24)),
    # the spike: a running-holiday week, six runs and back-to-back long days
    ((1, EASY, 8), (2, INTERVALS, 14), (3, EASY, 17), (4, TEMPO, 15), (5, EASY, 20), (6, LONG, 28)),
    ((1, EASY, 8), (3, EASY, 10), (5, EASY, 10), (6, LONG, 18)),  # cutback; DST ends on Sunday
    ((1, INTERVALS, 11), (2, EASY, 10), (3, TEMPO, 11), (5, EASY, 8), (6, LONG, 22)),
    ((1, INTERVALS, 12), (2, EASY, 11), (3, EASY, 10), (5, EASY, 9), (6, LONG, 23)),
    ((1, INTERVALS, 12), (2, EASY, 11), (3, TEMPO, 12), (5, EASY, 9), (6, LONG, 24)),
)
"""The 16-week plan, one tuple of runs per week."""

FORMAT_SHARES = ((FIT, 0.60), (GPX, 0.25), (CSV, 0.15))

WELLNESS_FILE = "wellness.csv"
PLAN_FILE = "plan.csv"

_FILE_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}_(easy|long|intervals|tempo)\.(fit|gpx|csv)$")


# ---- the plan ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedRun:
    """One run of the plan: when, what, how far, and which file format it is written in."""

    week: int  # 1-based
    day: date  # local calendar day
    kind: str
    distance_km: float
    start_local: datetime  # tz-aware, Europe/Berlin
    fmt: str

    @property
    def start_utc(self) -> datetime:
        return self.start_local.astimezone(UTC)

    @property
    def utc_offset_s(self) -> int:
        """Local time minus UTC at the start [s]: 7200 in summer time, 3600 after 2026-10-25."""
        offset = self.start_local.utcoffset()
        assert offset is not None
        return int(offset.total_seconds())

    @property
    def file_name(self) -> str:
        return f"{self.day.isoformat()}_{self.kind}.{self.fmt}"

    def rng(self) -> random.Random:
        """This run's own random stream (string seeds are hashed with SHA-512: stable)."""
        return random.Random(f"{DEMO_SEED}:{self.day.isoformat()}:{self.kind}")


def _start_time(rng: random.Random, weekday: int, kind: str) -> time:
    if kind == LONG:
        minutes = 8 * 60 + 15 + rng.randrange(40)
    elif kind in (INTERVALS, TEMPO):
        minutes = 18 * 60 + 15 + rng.randrange(30)
    elif weekday >= 5:
        minutes = 9 * 60 + rng.randrange(60)
    elif rng.random() < 0.5:
        minutes = 6 * 60 + 30 + rng.randrange(45)
    else:
        minutes = 17 * 60 + 45 + rng.randrange(75)
    return time(minutes // 60, minutes % 60, rng.randrange(60))


def _formats(n: int) -> list[str]:
    counts = [round(share * n) for _, share in FORMAT_SHARES[:-1]]
    pool: list[str] = []
    for (fmt, _), count in zip(FORMAT_SHARES[:-1], counts, strict=True):
        pool += [fmt] * count
    pool += [FORMAT_SHARES[-1][0]] * (n - len(pool))
    random.Random(DEMO_SEED).shuffle(pool)
    return pool


def plan() -> list[PlannedRun]:
    """Every run of the 16 weeks in date order.

    Formats are dealt from a shuffled pool (60 % FIT, 25 % GPX, 15 % CSV); the run on the day
    summer time ends is always FIT, so one file shows the offset change.
    """
    zone = ZoneInfo(DEMO_TIMEZONE)
    slots: list[tuple[int, date, str, float]] = []
    for week, week_runs in enumerate(WEEKS, start=1):
        for weekday, kind, km in week_runs:
            day = DEMO_FIRST_DAY + timedelta(days=7 * (week - 1) + weekday)
            slots.append((week, day, kind, float(km)))
    formats = _formats(len(slots))
    dst_day = next(i for i, s in enumerate(slots) if s[1] == date(2026, 10, 25))
    if formats[dst_day] != FIT:
        swap = min((i for i, f in enumerate(formats) if f == FIT), key=lambda i: abs(i - dst_day))
        formats[dst_day], formats[swap] = formats[swap], formats[dst_day]
    runs: list[PlannedRun] = []
    for (week, day, kind, km), fmt in zip(slots, formats, strict=True):
        rng = random.Random(f"{DEMO_SEED}:start:{day.isoformat()}")
        start = datetime.combine(day, _start_time(rng, day.weekday(), kind), tzinfo=zone)
        runs.append(PlannedRun(week, day, kind, km, start, fmt))
    return runs


def weekly_plan_km() -> list[float]:
    """Distance of each week as run (:data:`WEEKS`) [km], week 1 first; the coach's plan is
    :func:`coach_plan`."""
    return [float(sum(km for _, _, km in week_runs)) for week_runs in WEEKS]


# ---- terrain, routes, GPS ----------------------------------------------------------------------

EARTH_RADIUS_M = 6_371_008.8


def _to_deg(east_m: float, north_m: float) -> tuple[float, float]:
    lat = DEMO_HOME_LAT_DEG + math.degrees(north_m / EARTH_RADIUS_M)
    lon = DEMO_HOME_LON_DEG + math.degrees(
        east_m / (EARTH_RADIUS_M * math.cos(math.radians(DEMO_HOME_LAT_DEG)))
    )
    return lat, lon


def terrain_m(east_m: float, north_m: float) -> float:
    """Ground height [m] at a point ``east_m``, ``north_m`` [m] from home.

    A smooth, gently rolling surface between about 26 and 46 m (the Berlin glacial valley),
    so a route run twice climbs the same hills.
    """
    x, y = east_m, north_m
    return (
        36.0
        + 5.5 * math.sin(x / 900.0 + 0.4) * math.cos(y / 1300.0 - 0.8)
        + 3.0 * math.sin((x + 0.6 * y) / 520.0 + 1.9)
        + 1.5 * math.cos((0.8 * x - y) / 310.0 + 0.3)
    )


@dataclass
class Route:
    """A polyline in metres east/north of home, walked by distance along it."""

    east: list[float]
    north: list[float]
    along: list[float] = field(default_factory=list)
    out_and_back: bool = False

    def __post_init__(self) -> None:
        self.along = [0.0]
        for i in range(1, len(self.east)):
            step = math.hypot(self.east[i] - self.east[i - 1], self.north[i] - self.north[i - 1])
            self.along.append(self.along[-1] + step)

    @property
    def length_m(self) -> float:
        return self.along[-1]

    def at(self, s_m: float) -> tuple[float, float]:
        """Position after ``s_m`` metres of running (turning back, or lapping, at the end)."""
        length = self.length_m
        if self.out_and_back:
            s_m = s_m % (2 * length)
            s_m = 2 * length - s_m if s_m > length else s_m
        else:
            s_m = s_m % length
        i = min(bisect_right(self.along, s_m), len(self.along) - 1)
        a = self.along[i - 1]
        span = self.along[i] - a
        f = (s_m - a) / span if span > 0 else 0.0
        return (
            self.east[i - 1] + f * (self.east[i] - self.east[i - 1]),
            self.north[i - 1] + f * (self.north[i] - self.north[i - 1]),
        )


def _loop(rng: random.Random, perimeter_m: float) -> Route:
    """A closed loop through home: a circle bent by a few low harmonics, plus street-scale wiggle."""
    harmonics = [(k, rng.uniform(0.0, a), rng.uniform(0.0, 2 * math.pi)) for k, a in _LOOP_SHAPE]
    turn = rng.choice((-1.0, 1.0))
    theta0 = rng.uniform(0.0, 2 * math.pi)
    n = 720

    def radius(theta: float) -> float:
        return 1.0 + sum(a * math.cos(k * theta + p) for k, a, p in harmonics)

    unit_e: list[float] = []
    unit_n: list[float] = []
    for i in range(n + 1):
        theta = theta0 + turn * 2 * math.pi * i / n
        r = radius(theta)
        unit_e.append(r * math.cos(theta))
        unit_n.append(r * math.sin(theta))
    unit = Route(unit_e, unit_n)
    scale = perimeter_m / unit.length_m
    # shift so the loop starts (and ends) at home
    e0, n0 = unit_e[0] * scale, unit_n[0] * scale
    return Route([e * scale - e0 for e in unit_e], [v * scale - n0 for v in unit_n])


_LOOP_SHAPE = (
    (2, 0.16),
    (3, 0.10),
    (4, 0.05),
    (5, 0.04),
    (7, 0.03),
    (11, 0.02),
    (17, 0.012),
    (23, 0.008),
)


def _out_and_back(rng: random.Random, one_way_m: float) -> Route:
    """A path leaving home on a wandering heading (a river bank, a canal path) and back."""
    heading = rng.uniform(0.0, 2 * math.pi)
    mean_heading = heading
    east, north = [0.0], [0.0]
    step = 20.0
    for _ in range(math.ceil(one_way_m / step)):
        # the heading wanders but is pulled back to its mean, so the path does not curl up
        heading += rng.gauss(0.0, 0.06) + 0.05 * (mean_heading - heading)
        east.append(east[-1] + step * math.cos(heading))
        north.append(north[-1] + step * math.sin(heading))
    return Route(east, north, out_and_back=True)


def _route(rng: random.Random, distance_m: float) -> Route:
    if rng.random() < 0.45:
        return _out_and_back(rng, distance_m / 2)
    laps = 1 if distance_m <= 12_000 else rng.choice((1, 2, 3))
    return _loop(rng, distance_m / laps)


class _AR1:
    """A first-order autoregressive noise: smooth wander with a set spread and memory."""

    def __init__(self, rng: random.Random, sigma: float, memory_s: float) -> None:
        self.rng = rng
        self.phi = math.exp(-SAMPLE_INTERVAL_S / memory_s)
        self.kick = sigma * math.sqrt(1 - self.phi**2)
        self.value = rng.gauss(0.0, sigma)

    def step(self) -> float:
        self.value = self.phi * self.value + self.rng.gauss(0.0, self.kick)
        return self.value


# ---- physiology --------------------------------------------------------------------------------

_HR_AT_SPEED = ((0.0, 95.0), (2.0, 118.0), (2.8, 136.0), (3.3, 150.0), (3.8, 164.0), (4.3, 170.0))
"""Steady-state heart rate [1/min] at running speed [m/s] for this athlete in week 1."""

FITNESS_GAIN_MPS_PER_WEEK = 0.008
"""Speed gained per week at the same heart rate [m/s]."""


def steady_heart_rate(speed_mps: float, week: int) -> float:
    """Heart rate [1/min] the athlete settles at when running at ``speed_mps`` in ``week``."""
    v = max(0.0, speed_mps - FITNESS_GAIN_MPS_PER_WEEK * (week - 1))
    points = _HR_AT_SPEED
    for (v0, h0), (v1, h1) in pairwise(points):
        if v <= v1:
            return h0 + (h1 - h0) * (v - v0) / (v1 - v0)
    (v0, h0), (v1, h1) = points[-2], points[-1]
    return h1 + (h1 - h0) * (v - v1) / (v1 - v0)


DYNAMICS_FROM_WEEK = 13
"""From this week on the demo athlete wears a chest strap that records running dynamics: the FIT
files of the last weeks carry ground contact time, vertical oscillation and ratio, step length
and balance (GPX and CSV files have no place for them)."""


def running_dynamics(speed_mps: float, cadence_spm: float, rng: random.Random) -> dict[str, float]:
    """One moving sample's running dynamics, in the units of :mod:`analysis.columns`.

    Step length is the watch's: speed × 60 / cadence. Ground contact shortens with speed (about
    260 ms at easy pace, 215 ms at 3:50 min/km) and vertical oscillation grows a little (about
    8.5 cm); the vertical ratio follows from the two; the balance leans slightly left (50.6 %).
    """
    step_mm = speed_mps * 60.0 / cadence_spm * 1000.0
    vertical_mm = 84.0 + 4.0 * (speed_mps - 2.8) + rng.gauss(0.0, 2.0)
    return {
        c.GROUND_CONTACT_TIME_MS: round(262.0 - 30.0 * (speed_mps - 2.8) + rng.gauss(0.0, 4.0)),
        c.VERTICAL_OSCILLATION_MM: round(vertical_mm, 1),
        c.VERTICAL_RATIO_PCT: round(vertical_mm / step_mm * 100.0, 2),
        c.STEP_LENGTH_MM: round(step_mm),
        c.STANCE_TIME_BALANCE_PCT: round(50.6 + rng.gauss(0.0, 0.5), 1),
    }


def cadence_at_speed(speed_mps: float) -> float:
    """Running cadence [steps/min, both feet]: about 166 at easy pace, 185 at 3:50 min/km."""
    return 166.0 + 12.5 * (speed_mps - 2.8)


@dataclass(frozen=True)
class Segment:
    """A stretch of a run at one intended speed; ``lap`` starts a new lap where it begins."""

    distance_m: float
    speed_mps: float
    lap: bool = False


def _segments(run: PlannedRun, rng: random.Random) -> tuple[list[Segment], str]:
    """The intended speeds along the run, and a short title for it."""
    w = run.week
    easy = 2.80 + FITNESS_GAIN_MPS_PER_WEEK * (w - 1) + rng.gauss(0.0, 0.04)
    total = run.distance_km * 1000.0
    if run.kind == EASY:
        return [Segment(total, easy)], f"Easy run {run.distance_km:g} km"
    if run.kind == LONG:
        return [Segment(total, easy - 0.05)], f"Long run {run.distance_km:g} km"
    if run.kind == TEMPO:
        tempo_m = total - 3000.0
        tempo = 3.70 + FITNESS_GAIN_MPS_PER_WEEK * (w - 1) + rng.gauss(0.0, 0.02)
        parts = [Segment(1500.0, easy), Segment(tempo_m, tempo), Segment(1500.0, easy)]
        return parts, f"Tempo {tempo_m / 1000:g} km"
    rep_m, max_reps = (800.0, 6) if w % 2 else (1000.0, 5)
    rep_speed = (4.30 if rep_m == 800 else 4.18) + FITNESS_GAIN_MPS_PER_WEEK * (w - 1)
    recovery_m = 400.0
    reps = min(max_reps, int((total - 3000.0 + recovery_m) // (rep_m + recovery_m)))
    warm = (total - reps * rep_m - (reps - 1) * recovery_m) / 2
    parts = [Segment(warm, easy, lap=True)]
    for i in range(reps):
        parts.append(Segment(rep_m, rep_speed + rng.gauss(0.0, 0.03), lap=True))
        if i < reps - 1:
            parts.append(Segment(recovery_m, 2.4, lap=True))
    parts.append(Segment(warm, easy, lap=True))
    return parts, f"Intervals {reps} x {rep_m:g} m"


@dataclass
class SimulatedRun:
    """A run as the watch recorded it."""

    run: PlannedRun
    title: str
    samples: list[dict[str, Any]]
    lap_starts: list[int]
    lap_trigger: int


def simulate(run: PlannedRun) -> SimulatedRun:
    """Record ``run``: one sample every 5 s with position, altitude, distance, speed, HR, cadence.

    Speed follows the plan's segments with a slow wander, slows on climbs and stops at a few
    traffic lights on easy runs. Heart rate chases a steady state set by speed (and fitness)
    with a lag, drifts up with time (more on long runs), runs a little higher in the summer heat
    and in the spike fortnight. Cadence follows speed. GPS positions carry a correlated error of
    about 2 m; distance is the watch's own, along the true path.
    """
    rng = run.rng()
    segments, title = _segments(run, rng)
    total = sum(s.distance_m for s in segments)
    route = _route(rng, total)
    ends = []
    acc = 0.0
    for seg in segments:
        acc += seg.distance_m
        ends.append(acc)

    stops: list[tuple[float, int]] = []
    if run.kind in (EASY, LONG):
        for _ in range(rng.choice((0, 1, 1, 2))):
            stops.append((rng.uniform(1000.0, total - 1000.0), rng.randrange(2, 9)))
    stops.sort()

    days_in = (run.day - DEMO_FIRST_DAY).days
    heat = 3.0 * max(0.0, 1.0 - days_in / 70.0)
    fatigue = 2.0 if run.week in (SPIKE_WEEK, SPIKE_WEEK + 1) else 0.0
    hr_offset = heat + fatigue + rng.gauss(0.0, 1.5)
    drift_per_min = 0.15 if run.kind == LONG else 0.05
    cadence_offset = rng.gauss(0.0, 1.5)
    start_e, start_n = rng.uniform(-30.0, 30.0), rng.uniform(-30.0, 30.0)
    # a stream of its own, so the runs' other channels stay as they were
    dynamics_rng = random.Random(f"{DEMO_SEED}:{run.day.isoformat()}:{run.kind}:dynamics")
    with_dynamics = run.fmt == FIT and run.week >= DYNAMICS_FROM_WEEK

    speed_noise = _AR1(rng, 0.025, 90.0)
    hr_noise = _AR1(rng, 1.0, 20.0)
    cad_noise = _AR1(rng, 1.2, 15.0)
    gps_e, gps_n = _AR1(rng, 2.0, 40.0), _AR1(rng, 2.0, 40.0)
    baro = _AR1(rng, 0.3, 60.0)
    rise = 1 - math.exp(-SAMPLE_INTERVAL_S / 25.0)
    fall = 1 - math.exp(-SAMPLE_INTERVAL_S / 70.0)
    accel = 1 - math.exp(-SAMPLE_INTERVAL_S / 6.0)

    samples: list[dict[str, Any]] = []
    lap_starts: list[int] = []
    t0 = run.start_utc
    dist = 0.0
    speed = 0.6 * segments[0].speed_mps
    hr = 92.0 + rng.uniform(0.0, 8.0)
    seg_index = 0
    reps_done = 0
    standing = 0
    next_lap_m = 1000.0
    step = 0
    while True:
        while seg_index < len(segments) - 1 and dist >= ends[seg_index]:
            seg_index += 1
            if segments[seg_index].lap:
                lap_starts.append(step)
            if segments[seg_index - 1].speed_mps > 4.0:
                reps_done += 1
        if run.kind != INTERVALS and dist >= next_lap_m:
            lap_starts.append(step)
            next_lap_m += 1000.0
        if stops and standing == 0 and dist >= stops[0][0]:
            standing = stops.pop(0)[1]

        east, north = route.at(dist)
        east, north = east + start_e, north + start_n
        ahead_e, ahead_n = route.at(dist + 10.0)
        behind_e, behind_n = route.at(max(0.0, dist - 10.0))
        grade = (terrain_m(ahead_e, ahead_n) - terrain_m(behind_e, behind_n)) / 20.0

        minutes = step * SAMPLE_INTERVAL_S / 60.0
        if standing > 0:
            speed = 0.0
            target_hr = 100.0
        else:
            wanted = segments[seg_index].speed_mps * (1.0 + speed_noise.step())
            wanted *= min(1.2, max(0.8, 1.0 - 3.0 * grade))
            speed += (wanted - speed) * accel
            effort = speed * (1.0 + 8.0 * grade)
            target_hr = steady_heart_rate(effort, run.week) + hr_offset
            target_hr += drift_per_min * minutes + 0.4 * reps_done
        hr += (target_hr - hr) * (rise if target_hr > hr else fall)
        heart = round(hr + hr_noise.step())
        cadence = (
            0 if speed < 0.5 else round(cadence_at_speed(speed) + cadence_offset + cad_noise.step())
        )
        lat, lon = _to_deg(east + gps_e.step(), north + gps_n.step())
        altitude = terrain_m(east, north) + baro.step()
        samples.append(
            {
                c.TIMESTAMP: t0 + timedelta(seconds=step * SAMPLE_INTERVAL_S),
                c.LATITUDE_DEG: round(lat, 7),
                c.LONGITUDE_DEG: round(lon, 7),
                c.ALTITUDE_M: round(altitude * 5) / 5,
                c.DISTANCE_M: round(dist, 2),
                c.SPEED_MPS: round(speed, 3),
                c.HEART_RATE_BPM: heart,
                c.CADENCE_SPM: cadence,
            }
        )
        if with_dynamics and cadence > 0:
            samples[-1].update(running_dynamics(speed, cadence, dynamics_rng))
        if dist >= total:
            break
        if standing > 0:
            standing -= 1
        else:
            dist = min(total, dist + speed * SAMPLE_INTERVAL_S)
        step += 1
    trigger = LAP_TRIGGER_MANUAL if run.kind == INTERVALS else LAP_TRIGGER_DISTANCE
    lap_starts = sorted({i for i in lap_starts if 0 < i < len(samples) - 1})
    return SimulatedRun(run, title, samples, lap_starts, trigger)


# ---- writers -----------------------------------------------------------------------------------


def _iso_z(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def to_fit(sim: SimulatedRun) -> bytes:
    return encode_activity(
        sim.samples,
        utc_offset_s=sim.run.utc_offset_s,
        start_utc=sim.run.start_utc,
        sport=c.SPORT_RUNNING,
        lap_starts=sim.lap_starts,
        lap_trigger=sim.lap_trigger,
    )


def to_gpx(sim: SimulatedRun) -> bytes:
    """GPX 1.1 with Garmin's TrackPointExtension v1 (hr; cad per leg, as Garmin exports it)."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<gpx version="1.1" creator="Stridelog demo athlete" xmlns="{GPX_NS}"'
        f' xmlns:gpxtpx="{GPXTPX_NS}">',
        "  <metadata>",
        f"    <time>{_iso_z(sim.run.start_utc)}</time>",
        "  </metadata>",
        "  <trk>",
        f"    <name>{sim.title}</name>",
        f"    <type>{c.SPORT_RUNNING}</type>",
        "    <trkseg>",
    ]
    for s in sim.samples:
        lines.append(
            f'      <trkpt lat="{s[c.LATITUDE_DEG]:.7f}" lon="{s[c.LONGITUDE_DEG]:.7f}">'
            f"<ele>{s[c.ALTITUDE_M]:.1f}</ele><time>{_iso_z(s[c.TIMESTAMP])}</time>"
            "<extensions><gpxtpx:TrackPointExtension>"
            f"<gpxtpx:hr>{s[c.HEART_RATE_BPM]}</gpxtpx:hr>"
            f"<gpxtpx:cad>{s[c.CADENCE_SPM] // 2}</gpxtpx:cad>"
            "</gpxtpx:TrackPointExtension></extensions></trkpt>"
        )
    lines += ["    </trkseg>", "  </trk>", "</gpx>", ""]
    return "\n".join(lines).encode("utf-8")


def to_csv(sim: SimulatedRun) -> bytes:
    """One row per sample under :data:`CSV_COLUMNS`."""
    lines = [",".join(CSV_COLUMNS)]
    for s in sim.samples:
        lines.append(
            f"{_iso_z(s[c.TIMESTAMP])},{s[c.LATITUDE_DEG]:.7f},{s[c.LONGITUDE_DEG]:.7f},"
            f"{s[c.ALTITUDE_M]:.1f},{s[c.DISTANCE_M]:.2f},{s[c.SPEED_MPS]:.3f},"
            f"{s[c.HEART_RATE_BPM]},{s[c.CADENCE_SPM]}"
        )
    lines.append("")
    return "\n".join(lines).encode("utf-8")


_WRITERS = {FIT: to_fit, GPX: to_gpx, CSV: to_csv}


def acute_chronic_ratio(daily_km: Sequence[float]) -> list[float | None]:
    """Acute:chronic workload ratio of each day: 7-day mean load over 28-day mean load.

    Rolling means over calendar days, rest days counted as zero, the 28-day window including
    the 7 acute days ("coupled"); ``None`` until 28 days exist or while the chronic load is 0.

    References
    ----------
    Hulin BT, Gabbett TJ, Blanch P, et al. Spikes in acute workload are associated with
    increased injury risk in elite cricket fast bowlers. Br J Sports Med 2014;48:708-712.
    Gabbett TJ. The training-injury prevention paradox: should athletes be training smarter and
    harder? Br J Sports Med 2016;50:273-280 (a ratio above 1.5 as the "danger zone").
    """
    out: list[float | None] = []
    for i in range(len(daily_km)):
        if i < 27:
            out.append(None)
            continue
        acute = sum(daily_km[i - 6 : i + 1]) / 7
        chronic = sum(daily_km[i - 27 : i + 1]) / 28
        out.append(acute / chronic if chronic > 0 else None)
    return out


# ---- the coach's plan --------------------------------------------------------------------------

COACH_PLAN: tuple[tuple[float, float], ...] = (
    # (distance [km], long run [km]) the coach wrote for each week
    (40, 16),
    (43, 17),
    (45, 17),
    (48, 18),
    (37, 15),  # cutback
    (50, 18),
    (54, 19),
    (58, 20),
    (46, 16),  # cutback
    (62, 20),
    (64, 22),
    (66, 22),
    (50, 16),  # cutback
    (66, 21),
    (69, 22),
    (72, 24),
)
"""The training plan as a coach wrote it before the 16 weeks began, one row per week.

The same shape as the weeks run (:data:`WEEKS`): build weeks ramp at most 8 % on the last full
week, cutbacks in weeks 5, 9 and 13 are at least 20 % lighter. The running holiday of week 12
was not in it, so the weeks run mostly match it within 20 % while week 12 lands far above it;
the week-9 cutback was run deeper than written (36 of 46 km), the one week clearly under plan.
"""

PLAN_PACE_S_PER_KM = 345.0
"""The average pace [s/km] (5:45 min/km) the coach turns planned distance into time with."""

PLAN_CSV_FIELDS: dict[str, str] = {
    c.WEEK_START: "week_start",
    c.PLAN_DISTANCE_KM: "distance_km",
    c.PLAN_DURATION_H: "duration_h",
    c.PLAN_LONG_RUN_KM: "long_run_km",
    c.PLAN_LOAD: "load",
}
"""The plan CSV's own header (the import layout, in order), keyed by our column names."""


@dataclass(frozen=True)
class PlanWeek:
    """One week of the coach's plan; ``load`` is planned distance (the distance load model)."""

    week: int  # 1-based
    week_start: date  # the Monday
    distance_km: float
    duration_h: float
    long_run_km: float

    @property
    def load(self) -> float:
        return self.distance_km


def coach_plan() -> list[PlanWeek]:
    """The coach's plan (:data:`COACH_PLAN`), week 1 first, with planned time at 5:45 min/km."""
    return [
        PlanWeek(
            week=week,
            week_start=DEMO_FIRST_DAY + timedelta(weeks=week - 1),
            distance_km=float(km),
            duration_h=round(km * PLAN_PACE_S_PER_KM / 3600, 1),
            long_run_km=float(long_km),
        )
        for week, (km, long_km) in enumerate(COACH_PLAN, start=1)
    ]


def _csv_bytes(rows: Sequence[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def to_plan_csv(weeks: Sequence[PlanWeek]) -> bytes:
    """``plan.csv``: one row per week under :data:`PLAN_CSV_FIELDS`, Mondays as ISO dates."""
    rows: list[Sequence[object]] = [list(PLAN_CSV_FIELDS.values())]
    for w in weeks:
        rows.append(
            [
                w.week_start.isoformat(),
                f"{w.distance_km:.1f}",
                f"{w.duration_h:.1f}",
                f"{w.long_run_km:.1f}",
                f"{w.load:.1f}",
            ]
        )
    return _csv_bytes(rows)


# ---- the wellness log --------------------------------------------------------------------------

WELLNESS_MISSING_DAYS = 6
"""Mornings with no entry at all (about 5 % of the 112): people forget to log."""


@dataclass(frozen=True)
class WellnessDay:
    """One morning's entry in the wellness log; the ratings are 1-5 as commented."""

    day: date  # local calendar day
    resting_hr_bpm: int
    hrv_rmssd_ms: float
    sleep_h: float
    sleep_quality: int  # 1 very poor - 5 very good
    soreness: int  # 1 none - 5 very high
    fatigue: int  # 1 none - 5 very high
    mood: int  # 1 very bad - 5 very good
    stress: int  # 1 none - 5 very high
    notes: str = ""


def _scale(value: float) -> int:
    """A 1-5 rating from a continuous score."""
    return min(5, max(1, round(value)))


def _daily_km_with_history(runs: Sequence[PlannedRun]) -> list[float]:
    """Distance of each day [km], after 28 days at week 1's mean (the running before the demo)."""
    n_days = (DEMO_LAST_DAY - DEMO_FIRST_DAY).days + 1
    daily = [weekly_plan_km()[0] / 7] * 28 + [0.0] * n_days
    for run in runs:
        daily[28 + (run.day - DEMO_FIRST_DAY).days] += run.distance_km
    return daily


def morning_load(runs: Sequence[PlannedRun]) -> tuple[list[float], list[float]]:
    """What each morning carries from the running before it: (ratio [-], strain [-]) per day.

    ``ratio`` is yesterday's 7-day/28-day acute:chronic ratio of distance
    (:func:`acute_chronic_ratio`): about 0.7-0.9 in a cutback week, up to 1.2 in a build week.
    ``strain`` measures overreaching: the ratio's excess over 1.1, multiplied by the recent load
    (a 3-day exponential average of daily km) over the 28-day mean. A long run in an ordinary
    week moves the second factor but not the first; only a week far above the ones before it
    moves both, and the second fades within days once the running eases. A model tuned by eye
    so the spike shows, not published physiology.
    """
    daily = _daily_km_with_history(runs)
    ratios = acute_chronic_ratio(daily)
    alpha = 1 - math.exp(-1 / 3.0)
    recent = daily[0]
    ratio_out: list[float] = []
    strain_out: list[float] = []
    for i in range(28, len(daily)):
        recent += alpha * (daily[i - 1] - recent)
        ratio = ratios[i - 1]
        assert ratio is not None  # 28 days of history stand before the first morning
        ratio_out.append(ratio)
        strain_out.append(max(0.0, ratio - 1.1) * recent / (sum(daily[i - 28 : i]) / 28))
    return ratio_out, strain_out


def wellness(runs: Sequence[PlannedRun] | None = None) -> list[WellnessDay]:
    """The athlete's morning log over the 16 weeks, a few forgotten days left out.

    Each morning reflects the running up to the evening before (:func:`morning_load`):

    - resting HR about 50 bpm, a little higher in the August heat, easing by 2 bpm with
      fitness and by about 1 bpm in cutback weeks; up to 10 bpm higher with the strain, so it
      rises 5-10 bpm over its baseline from the end of the spike week into the cutback after;
    - HRV (rMSSD) log-normal around 62 ms rising to 67 ms (SD of ln rMSSD 0.07, so most days
      fall in 55-75 ms), a little lower after a hard session, higher in cutback weeks, and
      far below its band in the spike;
    - sleep about 7.3 h, longer at weekends, shorter in the heat and in the spike (6-8.5 h);
    - soreness and fatigue up after intervals, tempo and long runs and in the spike, down in
      cutback weeks; stress up in two busy spells at work and down on holiday; sleep quality
      and mood follow sleep, stress and fatigue; a few words of notes on some days.

    Every draw comes from one seeded stream, taken in the same order every day. The missing
    days are drawn away from the spike and the days after it, so its warnings are all logged.
    """
    runs = plan() if runs is None else runs
    n_days = (DEMO_LAST_DAY - DEMO_FIRST_DAY).days + 1
    km = [0.0] * n_days
    kinds: list[set[str]] = [set() for _ in range(n_days)]
    for run in runs:
        i = (run.day - DEMO_FIRST_DAY).days
        km[i] += run.distance_km
        kinds[i].add(run.kind)
    ratio, strain = morning_load(runs)
    rng = random.Random(f"{DEMO_SEED}:wellness")
    holiday_monday = 7 * (SPIKE_WEEK - 1)
    spike = range(holiday_monday, holiday_monday + 10)
    candidates = [i for i in range(1, n_days - 1) if i not in spike]
    missing = set(rng.sample(candidates, WELLNESS_MISSING_DAYS))
    busy = {i for start in (15, 50) for i in range(start, start + 4)}  # Tue-Fri, twice

    days: list[WellnessDay] = []
    for i in range(n_days):
        day = DEMO_FIRST_DAY + timedelta(days=i)
        progress = i / (n_days - 1)
        heat = max(0.0, 1.0 - i / 70.0)
        weekend = day.weekday() >= 5
        holiday = i // 7 == SPIKE_WEEK - 1
        yesterday = kinds[i - 1] if i else set()
        hard = float(bool(yesterday & {INTERVALS, TEMPO, LONG}))
        km_yesterday = km[i - 1] if i else 0.0
        long_km = km_yesterday if LONG in yesterday else 0.0
        fresh = max(0.0, 0.95 - ratio[i])
        # 10 tanh(x / 10) grows like x, then levels off at the top of the 5-10 bpm warning range
        elevation = 10.0 * math.tanh(16.0 * strain[i] / 10.0)
        draws = [rng.gauss(0.0, 1.0) for _ in range(8)]
        note_draw = rng.random()
        note_pick = rng.randrange(1000)

        rhr = 50.2 - 2.0 * progress + 0.8 * heat + 0.5 * hard - 4.0 * fresh + elevation
        rhr += 0.8 * draws[0]
        ln_hrv = math.log(62.0 + 5.0 * progress) - 0.04 * hard + 0.25 * fresh
        ln_hrv += -0.035 * elevation + 0.07 * draws[1]
        sleep = 7.3 + 0.45 * weekend - 0.3 * heat - 0.15 * elevation + 0.35 * draws[2]
        sleep = min(8.5, max(6.0, round(sleep, 1)))
        stress = 3.4 if i in busy else 1.0 if holiday or weekend else 2.0
        stress_n = _scale(stress + 0.35 * draws[3])
        soreness = 1.2 + 0.9 * hard + 0.8 * (long_km >= 20) - 2.0 * fresh + elevation / 3.0
        soreness_n = _scale(soreness + 0.35 * draws[4])
        fatigue = 1.6 + 0.7 * hard + max(0.0, km_yesterday - 12.0) / 12.0 - 2.0 * fresh
        fatigue_n = _scale(fatigue + elevation / 3.0 + 0.35 * draws[5])
        quality = 3.6 + (sleep - 7.3) - 0.5 * (stress_n >= 3) - 0.15 * elevation
        quality_n = _scale(quality + 0.4 * draws[6])
        mood = 4.2 - 0.5 * (fatigue_n >= 4) - 0.5 * (stress_n >= 3) + 0.3 * weekend
        mood_n = _scale(mood - 0.08 * elevation + 0.3 * draws[7])

        notes = ""
        if i in busy and (i - 1 not in busy or i - 1 in missing):
            notes = "deadline week at work"
        elif i == holiday_monday:
            notes = "holiday week: running every day"
        elif elevation >= 5.0:
            notes = "slept badly" if sleep < 6.5 else "legs heavy" if soreness_n >= 4 else "HR up"
        elif day == date(2026, 10, 25):
            notes = "clocks went back, extra hour"
        elif long_km >= 20 and note_draw < 0.5:
            notes = "long run felt good"
        elif note_draw < 0.06:
            notes = ("late dinner", "glass of wine", "noisy night", "coffee too late")[
                note_pick % 4
            ]
        if i in missing:
            continue
        days.append(
            WellnessDay(
                day=day,
                resting_hr_bpm=round(rhr),
                hrv_rmssd_ms=round(math.exp(ln_hrv), 1),
                sleep_h=sleep,
                sleep_quality=quality_n,
                soreness=soreness_n,
                fatigue=fatigue_n,
                mood=mood_n,
                stress=stress_n,
                notes=notes,
            )
        )
    return days


def to_wellness_csv(days: Sequence[WellnessDay]) -> bytes:
    """``wellness.csv`` in the generic layout: :data:`columns.WELLNESS_COLUMNS`, ISO dates."""
    rows: list[Sequence[object]] = [list(c.WELLNESS_COLUMNS)]
    for d in days:
        rows.append(
            [
                d.day.isoformat(),
                d.resting_hr_bpm,
                f"{d.hrv_rmssd_ms:.1f}",
                f"{d.sleep_h:.1f}",
                d.sleep_quality,
                d.soreness,
                d.fatigue,
                d.mood,
                d.stress,
                d.notes,
            ]
        )
    return _csv_bytes(rows)


def _reference_week(week: int) -> int:
    """The last week before ``week`` that is not a cutback (what a build week ramps on)."""
    ref = week - 1
    while ref in CUTBACK_WEEKS:
        ref -= 1
    return ref


def baseline_deviations(days: Sequence[WellnessDay]) -> list[tuple[date, float, float]]:
    """Each logged morning against the 28 calendar days before it: (day, ΔRHR, z of ln rMSSD).

    ΔRHR [bpm] is resting HR minus the mean of the mornings logged in the 28 days before (the
    guidance warns at 5-10 bpm over baseline); z [-] is ln rMSSD minus their mean of ln rMSSD,
    over their sample SD: below -0.5 is under the smallest worthwhile change. Mornings with
    fewer than 20 logged days before them are left out.

    References
    ----------
    Plews DJ, Laursen PB, Stanley J, Kilding AE, Buchheit M. Training adaptation and heart rate
    variability in elite endurance athletes: opening the door to effective monitoring. Sports
    Med 2013;43:773-781 (ln rMSSD, and 0.5 SD as the smallest worthwhile change).
    """
    out: list[tuple[date, float, float]] = []
    for d in days:
        window = [e for e in days if 0 < (d.day - e.day).days <= 28]
        if len(window) < 20:
            continue
        ln_hrv = [math.log(e.hrv_rmssd_ms) for e in window]
        rhr_mean = statistics.fmean(e.resting_hr_bpm for e in window)
        z = (math.log(d.hrv_rmssd_ms) - statistics.fmean(ln_hrv)) / statistics.stdev(ln_hrv)
        out.append((d.day, d.resting_hr_bpm - rhr_mean, z))
    return out


def _wrapped(text: str, bullet: bool = False) -> list[str]:
    """``text`` as README lines of at most 96 characters (a bullet's continuation indented).

    A number and its ``%`` stay on one line.
    """
    lines = textwrap.wrap(
        text.replace(" %", "\u00a0%"),
        width=96,
        subsequent_indent="  " if bullet else "",
        break_long_words=False,
        break_on_hyphens=False,
    )
    return [line.replace("\u00a0", " ") for line in lines]


def readme(
    sims: Sequence[SimulatedRun],
    days: Sequence[WellnessDay] | None = None,
    weeks: Sequence[PlanWeek] | None = None,
) -> str:
    """The demo folder's README: the athlete, the weeks run against the plan, the wellness log,
    the formats.

    The figures it quotes (weekly km, the acute:chronic ratio, the easy share, compliance,
    the wellness baselines) are computed from the simulated runs, the log (default
    :func:`wellness`) and the plan (default :func:`coach_plan`), so the text cannot drift from
    the files.
    """
    days = wellness([s.run for s in sims]) if days is None else days
    weeks = coach_plan() if weeks is None else weeks
    runs = [s.run for s in sims]
    n_days = (DEMO_LAST_DAY - DEMO_FIRST_DAY).days + 1
    daily = [0.0] * n_days
    for sim in sims:
        daily[(sim.run.day - DEMO_FIRST_DAY).days] += sim.samples[-1][c.DISTANCE_M] / 1000
    weekly = [sum(daily[7 * i : 7 * i + 7]) for i in range(DEMO_WEEKS)]
    ratio = acute_chronic_ratio(daily)
    high = [i for i, r in enumerate(ratio) if r is not None and r > 1.5]
    peak = max(r for r in ratio if r is not None)
    last_week = [r for r in ratio[-7:] if r is not None]
    heart = [s[c.HEART_RATE_BPM] for sim in sims for s in sim.samples]
    easy_pct = 100 * sum(h < 0.8 * DEMO_MAX_HR for h in heart) / len(heart)
    counts = {fmt: sum(r.fmt == fmt for r in runs) for fmt in (FIT, GPX, CSV)}
    out = [
        "# The demo athlete",
        "",
        "Generated by `python -m sample_data.generate` (`make demo`); do not edit by hand. The",
        "script is deterministic: running it again gives these files byte for byte, and a test",
        "checks that it does.",
        "",
        "## Athlete",
        "",
        f"- Male runner living in Berlin (runs start near {DEMO_HOME_LAT_DEG} N, "
        f"{DEMO_HOME_LON_DEG} E), local time {DEMO_TIMEZONE}.",
        f"- Max HR {DEMO_MAX_HR} bpm, resting HR {DEMO_RESTING_HR} bpm, LTHR {DEMO_LTHR} bpm.",
        "- Easy runs at about 5:50 min/km and HR 130-145, one long run every Sunday with HR",
        "  drifting up, one interval session a week (6 x 800 m or 5 x 1000 m with 400 m jogs,",
        "  HR 170-182 in the reps), a tempo run in some weeks. Pace at the same HR improves a",
        "  little every week; HR runs a few beats higher in the August heat.",
        "- Cadence follows pace: about 164-172 steps/min easy, 180-188 in the reps.",
        "",
        f"## Weeks run: {DEMO_FIRST_DAY} to {DEMO_LAST_DAY} ({DEMO_WEEKS} weeks)",
        "",
        "Change is against the week before; after a cutback, also against the last full week.",
        "Plan is the coach's distance for the week (`plan.csv`, below).",
        "",
        "| week | Monday | runs | km | change | plan km | of plan | note |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for i, km in enumerate(weekly):
        week = i + 1
        monday = DEMO_FIRST_DAY + timedelta(days=7 * i)
        change = f"{100 * (km / weekly[i - 1] - 1):+.0f} %" if i else ""
        ref = _reference_week(week)
        if i and ref != week - 1:
            change += f" ({100 * (km / weekly[ref - 1] - 1):+.0f} % on week {ref})"
        note = ""
        if week in CUTBACK_WEEKS:
            note = "cutback"
        if week == SPIKE_WEEK:
            note = "**load spike**"
        if week == SPIKE_WEEK + 1:
            note += "; summer time ends on Sunday 25 October"
        planned = weeks[i].distance_km
        out.append(
            f"| {week} | {monday} | {len(WEEKS[i])} | {km:.1f} | {change} | {planned:.1f} "
            f"| {100 * km / planned:.0f} % | {note} |"
        )
    first_high = DEMO_FIRST_DAY + timedelta(days=high[0])
    last_high = DEMO_FIRST_DAY + timedelta(days=high[-1])
    out += [
        "",
        "- Build weeks ramp 5-8 % on the last full week before them; a cutback (weeks "
        + ", ".join(str(w) for w in CUTBACK_WEEKS)
        + ") is at",
        "  least 20 % lighter than the week before it.",
        f"- Week {SPIKE_WEEK} is a running-holiday week, "
        f"{100 * (weekly[SPIKE_WEEK - 1] / weekly[SPIKE_WEEK - 2] - 1):.0f} % above "
        f"week {SPIKE_WEEK - 1}.",
        "  The acute:chronic workload ratio on distance (7-day over 28-day rolling mean, rest",
        f"  days as zero) is above 1.5 on {len(high)} days, {first_high} to {last_high}, "
        f"peaking at {peak:.2f}.",
        "  A ratio whose 28 days include the acute week only passes 1.5 when a week holds 1.8",
        f"  times the mean of the three before it: the week-{CUTBACK_WEEKS[1]} cutback inside "
        "that window",
        f"  makes it possible. In the last 7 days the ratio is "
        f"{min(last_week):.2f}-{max(last_week):.2f}.",
        f"- {easy_pct:.0f} % of running time is easy (HR below 80 % of max, "
        f"{0.8 * DEMO_MAX_HR:.0f} bpm).",
        "",
        *_plan_notes(weekly, weeks),
        *_wellness_notes(days),
        "## Files",
        "",
        f"{len(runs)} runs, one file each, named `<local date>_<kind>.<format>`: "
        f"{counts[FIT]} FIT, {counts[GPX]} GPX, {counts[CSV]} CSV.",
        "",
        "- FIT: file_id, timer events, a record every 5 s, laps (1 km auto laps, or one per",
        "  warm-up, rep, jog and cool-down), session and activity. `activity.local_timestamp`",
        "  carries the UTC offset of the day: +2 h until 24 October, +1 h from 25 October.",
        "- GPX 1.1 with Garmin's TrackPointExtension v1 (`gpxtpx:hr`, `gpxtpx:cad` per leg,",
        "  as Garmin exports it) and `<type>running</type>`; no distance.",
        "- CSV, times in UTC (ISO-8601 with Z), cadence in steps/min (both feet), header:",
        f"  `{','.join(CSV_COLUMNS)}`",
        f"- `{WELLNESS_FILE}`: the wellness log, `{PLAN_FILE}`: the training plan (above).",
        "",
    ]
    return "\n".join(out)


def _plan_notes(weekly_km: Sequence[float], weeks: Sequence[PlanWeek]) -> list[str]:
    """README lines on ``plan.csv`` and how the weeks run compare with it."""
    pct = [100 * km / w.distance_km for km, w in zip(weekly_km, weeks, strict=True)]
    green = [i + 1 for i, p in enumerate(pct) if 80 <= p <= 120]
    pace = f"{int(PLAN_PACE_S_PER_KM // 60)}:{int(PLAN_PACE_S_PER_KM % 60):02d}"
    lines = [
        f"## Training plan (`{PLAN_FILE}`)",
        "",
        *_wrapped(
            "The coach's plan, written before week 1, one row per week under the header "
            f"`{','.join(PLAN_CSV_FIELDS.values())}`: `week_start` is the Monday, "
            "`distance_km` and `long_run_km` the planned week and long run, `duration_h` the "
            f"distance at {pace} min/km, and `load` the planned distance (the distance load "
            "model). It ramps at most 8 % a week on the last full week, with cutbacks at least 20 % "
            f"lighter in weeks {', '.join(str(w) for w in CUTBACK_WEEKS)}."
        ),
        "",
        *_wrapped(
            f"- {len(green)} of {len(weeks)} weeks were run within 80-120 % of the planned "
            "distance (green in TrainingPeaks' compliance colours).",
            bullet=True,
        ),
    ]
    for i, p in enumerate(pct):
        if 80 <= p <= 120:
            continue
        why = (
            "the cutback was run deeper than written (yellow: 50-79 %)"
            if p < 80
            else "the running holiday was not in the plan (red: over 150 %)"
        )
        lines += _wrapped(
            f"- Week {i + 1}: {p:.0f} % of plan ({weekly_km[i]:.0f} of "
            f"{weeks[i].distance_km:.0f} km): {why}.",
            bullet=True,
        )
    return [*lines, ""]


def _wellness_notes(days: Sequence[WellnessDay]) -> list[str]:
    """README lines on ``wellness.csv``, its baselines and what the spike does to them."""
    n_days = (DEMO_LAST_DAY - DEMO_FIRST_DAY).days + 1
    logged = {d.day for d in days}
    every_day = [DEMO_FIRST_DAY + timedelta(days=i) for i in range(n_days)]
    missing = [day.isoformat() for day in every_day if day not in logged]
    spike_start = DEMO_FIRST_DAY + timedelta(weeks=SPIKE_WEEK - 1)
    spike_end = spike_start + timedelta(days=10)
    usual = [d for d in days if not spike_start <= d.day < spike_end]
    rhr = sorted(d.resting_hr_bpm for d in usual)
    hrv = sorted(d.hrv_rmssd_ms for d in usual)
    tail = len(usual) // 20  # the 5th and 95th percentiles
    deviations = [x for x in baseline_deviations(days) if spike_start <= x[0] < spike_end]
    rhr_high = [day for day, delta, _ in deviations if delta >= 5]
    hrv_low = [day.isoformat() for day, _, z in deviations if z < -0.5]
    peak_day, peak, _ = max(deviations, key=lambda x: x[1])
    lowest = min(
        (d for d in days if spike_start <= d.day < spike_end), key=lambda d: d.hrv_rmssd_ms
    )
    high_sleep = statistics.fmean(d.sleep_h for d in days if d.day in rhr_high)
    worst = max(d.fatigue for d in days if d.day in rhr_high)
    usual_scale = max(max(d.soreness, d.fatigue) for d in usual)
    return [
        f"## Wellness log (`{WELLNESS_FILE}`)",
        "",
        *_wrapped(
            "One row per morning under the header "
            f"`{','.join(c.WELLNESS_COLUMNS)}`: the local date, resting HR [bpm], HRV as "
            "rMSSD [ms], sleep [h], sleep quality (1 very poor - 5 very good), soreness, "
            "fatigue and stress (1 none - 5 very high), mood (1 very bad - 5 very good) and a "
            f"few words of notes on {sum(bool(d.notes) for d in days)} mornings. {len(days)} of "
            f"{n_days} mornings are logged; forgotten: {', '.join(missing)}."
        ),
        "",
        *_wrapped(
            f"- Usually resting HR {rhr[tail]}-{rhr[-1 - tail]} bpm (median "
            f"{statistics.median(rhr):.0f}) and rMSSD {hrv[tail]:.0f}-{hrv[-1 - tail]:.0f} ms "
            "(5th-95th percentile, log-normal from day to day): HR a little higher and HRV "
            "lower the morning after intervals, tempo or a long run, the other way round in "
            f"cutback weeks. Soreness and fatigue 1-{usual_scale}, a step up after hard and "
            "long days; stress up in two busy spells at work, down on holiday.",
            bullet=True,
        ),
        *_wrapped(
            f"- The week-{SPIKE_WEEK} spike and the days after: resting HR 5 bpm or more over "
            "the mean of the 28 days before on "
            f"{', '.join(day.isoformat() for day in rhr_high)} (peak +{peak:.1f} bpm on "
            f"{peak_day}); ln rMSSD more than 0.5 SD under its 28-day mean (outside the "
            f"smallest worthwhile change) on {', '.join(hrv_low)}, rMSSD down to "
            f"{lowest.hrv_rmssd_ms:.1f} ms on {lowest.day}. On the mornings of high resting HR "
            f"the athlete slept {high_sleep:.1f} h on average (usually "
            f"{statistics.fmean(d.sleep_h for d in usual):.1f} h) and logged fatigue up to "
            f"{worst}.",
            bullet=True,
        ),
        *_wrapped(
            f"- The week-{SPIKE_WEEK + 1} cutback brings them back to baseline within a few days.",
            bullet=True,
        ),
        "",
    ]


def generate(out_dir: Path) -> list[Path]:
    """Write every demo file, the wellness log, the plan and README.md into ``out_dir``;
    return the paths written.

    Demo files in ``out_dir`` that the current plan no longer makes are removed; other files
    are left alone.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    runs = plan()
    wanted = {r.file_name for r in runs}
    for old in sorted(out_dir.iterdir()):
        if _FILE_NAME.match(old.name) and old.name not in wanted:
            old.unlink()
    written: list[Path] = []
    sims: list[SimulatedRun] = []
    for run in runs:
        sim = simulate(run)
        path = out_dir / run.file_name
        path.write_bytes(_WRITERS[run.fmt](sim))
        written.append(path)
        sims.append(sim)
    days = wellness(runs)
    weeks = coach_plan()
    for name, data in ((WELLNESS_FILE, to_wellness_csv(days)), (PLAN_FILE, to_plan_csv(weeks))):
        path = out_dir / name
        path.write_bytes(data)
        written.append(path)
    notes = out_dir / "README.md"
    notes.write_bytes(readme(sims, days, weeks).encode("utf-8"))
    written.append(notes)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sample_data.generate", description="Write the demo athlete's files."
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = parser.parse_args(argv)
    paths = generate(args.out)
    size = sum(p.stat().st_size for p in paths)
    print(f"wrote {len(paths)} files ({size / 1e6:.1f} MB) to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
