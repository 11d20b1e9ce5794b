"""Training blocks to a goal race: a proposed plan of weekly targets, and the blocks it makes.

The generator is pure: from the athlete's chronic load as a weekly distance, their ramp limit
and cutback threshold, and the race (day and distance), it proposes one target per week from
the week after ``today`` to the race week, grouped into blocks (base, build, peak, taper). The
athlete or coach edits the weeks; accepted targets are written into the plan (the Plan page's
compliance) and the blocks into the store.

The rule, week by week (every number below is a constant of this module):

1. **Taper**: the last :func:`taper_weeks` weeks, the race week last: 3 weeks for a race of
   :data:`LONG_RACE_KM` or more (a marathon), 2 for shorter races. Each taper week's training
   volume is the peak volume cut by :data:`TAPER_CUTS_PCT` (40 → 60 %, progressive): volume is
   cut by 40–60 %, intensity and frequency kept (Bosquet et al. 2007; Mujika & Padilla 2003).
   The race week's distance target adds the race itself to its training volume.
2. **Peak**: the :data:`PEAK_WEEKS` weeks before the taper, at the highest volume of the plan
   (one more ramp step, then held).
3. **Base and build** before the peak: every build week is the last build week + the ramp
   limit (never more; the first one ramps from the chronic load), capped at ``peak_km`` when
   given. The weeks split into loading cycles ending in a cutback, counted back from the peak
   so the week just before it is one: 3 build weeks and a cutback (3:1 step loading, Bompa &
   Haff 2009), with 2:1 cycles first where the weeks do not divide by 4
   (:func:`cycle_lengths`), so there are never more than 3 build weeks in a row. A cutback is
   :data:`CUTBACK_PCT` % under the last build week, and deeper where needed so that the
   athlete's own cutback rule (:func:`analysis.metrics.guidance.cutback_weeks`: at least the
   cutback threshold under the mean of the last 3 build weeks) types it a cutback, so the
   Mileage page measures the next build week's ramp from the build week before it. With at
   least :data:`MIN_BASE_SPLIT_WEEKS` such weeks, the first half (the odd week to base) is
   **base** and the rest **build**; with fewer, all are build.
4. Long run: :data:`analysis.metrics.guidance.LONG_RUN_SHARE_MAX` of the week's volume
   (Daniels), the race itself in the race week.

The split of base and build and the peak's length are product choices (periodization texts
describe general before specific preparation without one fixed split); the taper's length and
cut follow the meta-analysis.

References
----------
Bosquet L, Montpetit J, Arvisais D, Mujika I. Effects of tapering on performance: a
meta-analysis. *Med Sci Sports Exerc* 2007;39(8):1358–1365 (largest effect: a taper of about
2 weeks, 8–14 days, with training volume cut by 41–60 %, intensity and frequency kept, volume
cut progressively).

Mujika I, Padilla S. Scientific bases for precompetition tapering strategies. *Med Sci Sports
Exerc* 2003;35(7):1182–1187 (review: tapers of 4–28 days, volume cut by 60–90 %, intensity
maintained, frequency cut by at most 20 %, progressive non-linear tapers). Stridelog takes the
smaller 40–60 % cut of the later meta-analysis, a choice for recreational runners.

Bompa TO, Haff GG. *Periodization: Theory and Methodology of Training*. 5th ed. Champaign, IL:
Human Kinetics; 2009 (step loading: three loading microcycles, one unloading).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis import columns as c
from analysis.metrics.guidance import LONG_RUN_SHARE_MAX
from analysis.metrics.mileage import DayLike, local_days, to_day, week_start_of

BASE, BUILD, PEAK, TAPER, RECOVERY = "base", "build", "peak", "taper", "recovery"
BLOCK_KINDS = (BASE, BUILD, PEAK, TAPER, RECOVERY)
WEEK_BUILD, WEEK_CUTBACK, WEEK_TAPER, WEEK_RACE = "build", "cutback", "taper", "race"

LONG_RACE_KM = 30.0
"""Races this long or longer (a marathon) taper over 3 weeks, shorter ones over 2 [km]."""

TAPER_CUTS_PCT: dict[int, tuple[float, ...]] = {2: (40.0, 60.0), 3: (40.0, 50.0, 60.0)}
"""Cut of each taper week's volume against the peak volume [%], the race week last: within the
41–60 % of Bosquet et al. (2007), deepening week by week (a progressive taper)."""

PEAK_WEEKS = 2
"""Weeks at the plan's highest volume before the taper."""

CUTBACK_EVERY = 4
"""A loading cycle: three build weeks, then one lighter (shorter cycles where needed)."""

CUTBACK_PCT = 25.0
"""A cutback is this much under the last build week [%] (the middle of the 20–30 % that
:data:`analysis.metrics.guidance.CUTBACK_ADVICE_PCT` advises), or deeper (see the module)."""

MIN_BASE_SPLIT_WEEKS = 4
"""With this many weeks or more before the peak, their first half is base, the rest build."""

CHRONIC_DAYS = 28
"""The chronic window: the mean daily distance of the last 28 days, today included (the
coupled rolling chronic load of Gabbett 2016 on distance), times 7 is the weekly chronic load."""

_DAY = pd.Timedelta(days=1)
_WEEK = pd.Timedelta(days=7)
_TOLERANCE = 1e-9

PROPOSAL_COLUMNS = (
    c.WEEK_START, c.BLOCK_KIND, c.WEEK_TYPE, c.VOLUME_KM, c.PLAN_DISTANCE_KM, c.PLAN_LONG_RUN_KM,
    c.CHANGE_PCT, c.NOTE,
)  # fmt: skip


@dataclass(frozen=True)
class Proposal:
    """A proposed plan to a race.

    Attributes
    ----------
    weeks
        :data:`PROPOSAL_COLUMNS`, one row per week, oldest first: ``week_start``,
        ``block_kind``, ``week_type`` (build, cutback, taper or race), ``volume_km`` [km]
        (training volume, the race left out), ``plan_distance_km`` [km] (the distance target:
        the volume, plus the race in the race week), ``plan_long_run_km`` [km], ``change_pct``
        [%] (the volume against the last build week before it) and ``note``.
    blocks
        ``start_date``, ``end_date`` (both included; the taper ends on race day),
        ``block_kind`` and ``note``: consecutive weeks of one kind.
    start_km
        The weekly distance the plan starts from [km].
    peak_km
        The highest weekly volume of the plan [km].
    """

    weeks: pd.DataFrame
    blocks: pd.DataFrame
    start_km: float
    peak_km: float


def chronic_weekly_km(activities: pd.DataFrame, as_of: DayLike) -> float:
    """Today's chronic load as a weekly distance [km]: the runs of the 28 days up to ``as_of``
    (included) / 4.

    Parameters
    ----------
    activities
        The activities that count (runs, duplicates left out), ``local_date`` and
        ``distance_m``.
    as_of
        Today.

    References
    ----------
    Gabbett TJ. The training-injury prevention paradox. *Br J Sports Med* 2016;50:273–280
    (chronic load: the rolling 28-day average; here of daily distance, × 7 for a week).
    """
    day = to_day(as_of)
    days = local_days(activities)
    km = pd.to_numeric(activities[c.DISTANCE_M], errors="coerce").fillna(0.0) / 1000.0
    inside = (days > day - CHRONIC_DAYS * _DAY) & (days <= day)
    return float(km[inside].sum()) * 7.0 / CHRONIC_DAYS


def taper_weeks(race_km: float) -> int:
    """How many weeks the taper lasts, the race week included: 3 from :data:`LONG_RACE_KM`."""
    return 3 if race_km >= LONG_RACE_KM - _TOLERANCE else 2


def taper_volumes(peak_km: float, weeks: int) -> list[float]:
    """Each taper week's training volume [km]: the peak cut by :data:`TAPER_CUTS_PCT`.

    Worked example: a peak of 60 km over 3 weeks gives 36, 30 and 24 km (cut 40, 50, 60 %).
    """
    cuts = TAPER_CUTS_PCT[weeks]
    return [peak_km * (1.0 - cut / 100.0) for cut in cuts]


def cycle_lengths(weeks: int) -> list[int]:
    """How the weeks before the peak split into loading cycles, each ending in a cutback.

    As many 4-week cycles (3 build weeks, 1 cutback) as fit, the last one ending just before
    the peak; where the weeks do not divide by 4, the first cycles are 3 weeks long (a cutback
    every third week), and only where even that does not fit, 2 weeks. One week alone is a
    build week (returned as ``[1]`` with no cutback). Worked examples: 8 → [4, 4];
    7 → [3, 4]; 6 → [3, 3]; 9 → [3, 3, 3]; 5 → [2, 3]; 2 → [2].
    """
    if weeks <= 1:
        return [weeks] if weeks else []
    for twos in range(3):
        for threes in range(4):
            rest = weeks - 2 * twos - 3 * threes
            if rest >= 0 and rest % CUTBACK_EVERY == 0:
                return [2] * twos + [3] * threes + [CUTBACK_EVERY] * (rest // CUTBACK_EVERY)
    raise AssertionError(f"no cycles for {weeks} weeks")  # every n >= 2 splits into 2, 3 and 4


def _week_kinds(n_weeks: int, taper: int) -> tuple[list[str], list[str]]:
    """Each week's block kind and week type, the race week last."""
    taper = min(taper, n_weeks)
    peak = min(PEAK_WEEKS, n_weeks - taper)
    before = n_weeks - taper - peak
    kinds: list[str] = []
    types: list[str] = []
    base = (before + 1) // 2 if before >= MIN_BASE_SPLIT_WEEKS else 0
    for i in range(before):
        kinds.append(BASE if i < base else BUILD)
    for length in cycle_lengths(before):
        types += [WEEK_BUILD] * (length - 1) + [WEEK_CUTBACK]
    if before == 1:
        types = [WEEK_BUILD]
    kinds += [PEAK] * peak + [TAPER] * taper
    types += [WEEK_BUILD] * peak + [WEEK_TAPER] * (taper - 1) + [WEEK_RACE] * min(taper, 1)
    return kinds, types


def _next_week(today: pd.Timestamp, week_start: str) -> pd.Timestamp:
    this = pd.Timestamp(week_start_of(pd.Series([today]), week_start).iloc[0])
    return this + _WEEK


def propose_plan(
    today: DayLike,
    race_date: DayLike,
    race_km: float,
    start_km: float,
    *,
    ramp_limit_pct: float = 10.0,
    cutback_threshold_pct: float = 20.0,
    peak_km: float | None = None,
    week_start: str = "monday",
) -> Proposal:
    """Propose weekly targets and blocks from the week after ``today`` to the race week.

    Parameters
    ----------
    today
        The day the plan is made; the first planned week is the athlete's next week.
    race_date
        The race day; its week is the last planned week.
    race_km
        The race distance [km].
    start_km
        The weekly distance the ramp starts from [km] (:func:`chronic_weekly_km`); > 0.
    ramp_limit_pct
        The athlete's ramp limit: a build week is at most this much above the last build week.
    cutback_threshold_pct
        The athlete's cutback threshold (how much lighter than the mean of the last 3 build
        weeks a cutback is) [%].
    peak_km
        The highest weekly volume wanted [km]; None: as high as the ramp reaches.
    week_start
        ``"monday"`` or ``"sunday"``.

    Returns
    -------
    Proposal
        Empty weeks and blocks when the race falls before the next week starts.

    Raises
    ------
    ValueError
        ``start_km`` or ``race_km`` not above zero, or ``peak_km`` not above zero.
    """
    if not start_km > 0 or not math.isfinite(start_km):
        raise ValueError("the plan needs a weekly distance to start from, above zero")
    if not race_km > 0:
        raise ValueError("the race distance must be above zero")
    if peak_km is not None and not peak_km > 0:
        raise ValueError("the highest week must be above zero")
    first = _next_week(to_day(today), week_start)
    race = to_day(race_date)
    race_week = pd.Timestamp(week_start_of(pd.Series([race]), week_start).iloc[0])
    n_weeks = int((race_week - first) / _WEEK) + 1 if race_week >= first else 0
    kinds, types = _week_kinds(n_weeks, taper_weeks(race_km))
    ramp = 1.0 + ramp_limit_pct / 100.0
    cap = math.inf if peak_km is None else peak_km
    volumes: list[float] = []
    changes: list[float] = []
    builds: list[float] = []  # build weeks since the last cutback (the athlete's reference)
    last_build = start_km
    for i, (kind, kind_of_week) in enumerate(zip(kinds, types, strict=True)):
        if kind == PEAK and i > 0 and kinds[i - 1] == PEAK:
            volume = last_build  # the peak is held
        elif kind_of_week == WEEK_BUILD:
            volume = min(last_build * ramp, cap)
        elif kind_of_week == WEEK_CUTBACK:
            recent = float(np.mean(builds[-3:])) if builds else last_build
            volume = min(
                last_build * (1.0 - CUTBACK_PCT / 100.0),
                recent * (1.0 - cutback_threshold_pct / 100.0),
            )
        else:
            volume = math.nan  # taper: filled from the peak below
        changes.append((volume / last_build - 1.0) * 100.0 if math.isfinite(volume) else math.nan)
        if kind_of_week == WEEK_BUILD:
            last_build = volume
            builds.append(volume)
        elif kind_of_week == WEEK_CUTBACK:
            builds = []
        volumes.append(volume)
    built = [v for v in volumes if math.isfinite(v)]
    top = max(built) if built else start_km
    taper_at = [i for i, kind in enumerate(kinds) if kind == TAPER]
    if taper_at:
        full = taper_volumes(top, taper_weeks(race_km))
        for i, volume in zip(taper_at, full[-len(taper_at) :], strict=True):
            volumes[i] = volume
            changes[i] = (volume / last_build - 1.0) * 100.0
    starts = [first + i * _WEEK for i in range(n_weeks)]
    distance = [
        v + (race_km if t == WEEK_RACE else 0.0) for v, t in zip(volumes, types, strict=True)
    ]
    long_run = [
        race_km if t == WEEK_RACE else v * LONG_RUN_SHARE_MAX
        for v, t in zip(volumes, types, strict=True)
    ]
    notes = [_WEEK_NOTES.get(t, "") for t in types]
    weeks = pd.DataFrame(
        {
            c.WEEK_START: pd.to_datetime(pd.Series(starts, dtype="datetime64[ns]")),
            c.BLOCK_KIND: pd.Series(kinds, dtype=object),
            c.WEEK_TYPE: pd.Series(types, dtype=object),
            c.VOLUME_KM: pd.Series(volumes, dtype="float64"),
            c.PLAN_DISTANCE_KM: pd.Series(distance, dtype="float64"),
            c.PLAN_LONG_RUN_KM: pd.Series(long_run, dtype="float64"),
            c.CHANGE_PCT: pd.Series(changes, dtype="float64"),
            c.NOTE: pd.Series(notes, dtype=object),
        }
    )[list(PROPOSAL_COLUMNS)]
    return Proposal(weeks, blocks_of(weeks, race), float(start_km), float(top))


_BLOCK_NOTES = {
    BASE: "easy volume, strides, one steady run a week",
    BUILD: "add race-specific work: tempo or intervals once or twice a week",
    PEAK: "the highest volume; race-pace sessions",
    TAPER: "less volume, intensity kept: shorter sessions at race pace, same number of runs",
}


_WEEK_NOTES = {
    WEEK_RACE: "race week: the race comes on top of this volume",
    WEEK_CUTBACK: "cutback week",
    WEEK_TAPER: "taper: volume cut, intensity kept",
}


def blocks_of(weeks: pd.DataFrame, race_date: DayLike | None = None) -> pd.DataFrame:
    """The blocks of a proposal: consecutive weeks of one kind, first and last day included.

    The last block ends on ``race_date`` when given (the day after it is no longer taper),
    else on the last week's seventh day.
    """
    rows: list[dict[str, object]] = []
    for start, kind in zip(weeks[c.WEEK_START], weeks[c.BLOCK_KIND], strict=True):
        day = pd.Timestamp(start)
        if rows and rows[-1][c.BLOCK_KIND] == kind:
            rows[-1][c.END_DATE] = day + 6 * _DAY
        else:
            rows.append(
                {
                    c.START_DATE: day,
                    c.END_DATE: day + 6 * _DAY,
                    c.BLOCK_KIND: kind,
                    c.NOTE: _BLOCK_NOTES.get(str(kind), ""),
                }
            )
    if rows and race_date is not None:
        rows[-1][c.END_DATE] = to_day(race_date)
    frame = pd.DataFrame(rows, columns=[c.START_DATE, c.END_DATE, c.BLOCK_KIND, c.NOTE])
    for col in (c.START_DATE, c.END_DATE):
        frame[col] = pd.to_datetime(frame[col]).astype("datetime64[ns]")
    return frame


def plan_rows(weeks: pd.DataFrame) -> pd.DataFrame:
    """The plan rows an accepted proposal writes: ``week_start``, ``plan_distance_km`` and
    ``plan_long_run_km`` [km]; a week's time and load targets already stored are kept."""
    return pd.DataFrame(
        {
            c.WEEK_START: pd.to_datetime(weeks[c.WEEK_START]).dt.date,
            c.PLAN_DISTANCE_KM: pd.to_numeric(weeks[c.PLAN_DISTANCE_KM], errors="coerce"),
            c.PLAN_LONG_RUN_KM: pd.to_numeric(weeks[c.PLAN_LONG_RUN_KM], errors="coerce"),
        }
    )


def block_on(blocks: pd.DataFrame, day: DayLike) -> str | None:
    """The kind of the block holding ``day`` (the latest-starting one where blocks overlap)."""
    when = to_day(day)
    inside = blocks[
        (pd.to_datetime(blocks[c.START_DATE]) <= when)
        & (pd.to_datetime(blocks[c.END_DATE]) >= when)
    ]
    if inside.empty:
        return None
    return str(inside.sort_values(c.START_DATE)[c.BLOCK_KIND].iloc[-1])


def block_of_days(days: pd.Series, blocks: pd.DataFrame) -> pd.Series:
    """The kind of the block holding each day (None outside every block); where blocks overlap,
    the one starting latest, as :func:`block_on` decides."""
    out = pd.Series([None] * len(days), index=days.index, dtype=object)
    when = pd.to_datetime(days)
    for row in blocks.sort_values(c.START_DATE, kind="stable").itertuples(index=False):
        inside = (when >= pd.Timestamp(getattr(row, c.START_DATE))) & (
            when <= pd.Timestamp(getattr(row, c.END_DATE))
        )
        out[inside] = str(getattr(row, c.BLOCK_KIND))
    return out


def days_to(race_date: DayLike, today: DayLike) -> int:
    """Days from ``today`` to the race (0 on race day, negative after it)."""
    return int((to_day(race_date) - to_day(today)) / _DAY)


def as_date(value: DayLike) -> dt.date:
    """A day as a ``datetime.date``."""
    return to_day(value).date()
