"""Mileage guidance: long-run share, build and cutback weeks, and next week's distance budget.

Inputs are the weekly frame of :func:`analysis.metrics.mileage.weekly_distance` and, for the
budget, the daily distance series of :func:`analysis.metrics.load.daily_load` with the distance
load model. A week still in progress (``days_so_far`` < 7) looks lighter than it will be: it is
typed ``"in progress"``, never a cutback, and it is neither a block's week nor next week's base.

The long-run rule is stated once, here (:data:`LONG_RUN_SHARE_MAX`), and every page, caption and
figure that speaks of the long run's share of the week reads it from here.
"""

from __future__ import annotations

import math
from typing import TypedDict

import numpy as np
import numpy.typing as npt
import pandas as pd

from analysis import columns as c
from analysis.units import distance_label, km_to

WEEK_BUILD = "build"
WEEK_CUTBACK = "cutback"
WEEK_REST = "rest"
WEEK_IN_PROGRESS = "in progress"
WEEK_TYPES = (WEEK_BUILD, WEEK_CUTBACK, WEEK_REST, WEEK_IN_PROGRESS)
"""What :func:`cutback_weeks` puts in ``week_type``."""

DAYS_SO_FAR = "days_so_far"
"""Weekly column: the days of the week counted [days], 7 for a whole week and fewer for the
week in progress (from :func:`analysis.metrics.mileage.weekly_distance`)."""

RAMP_REFERENCE_KM = "ramp_reference_km"
"""Weekly column: the distance a week's ramp is measured against [km], the last build week
before it (:func:`analysis.metrics.mileage.weekly_distance`)."""

CUTBACK_ADVICE_PCT = (20, 30)
"""How much lighter a planned cutback week should be [%] (coaching practice; see
:func:`cutback_weeks`)."""

ACWR_CHRONIC_DAYS = 28
ACWR_ACUTE_DAYS = 7
PRIOR_DAYS = ACWR_CHRONIC_DAYS - ACWR_ACUTE_DAYS
"""Days of history before next week that the coupled chronic window still holds (21)."""

LONG_RUN_SHARE_MAX = 0.25
"""The long-run rule: the longest run is at most this fraction of the week's distance (a
quarter, Daniels' guideline for the long run, "L" run, of *Daniels' Running Formula*).

One rule for every place that speaks of it: the Guidance page's budget
(:func:`next_week_budget`), the long-run share figure's line, the Mileage page's caption and the
calendar's long-day threshold (:func:`analysis.metrics.calendar.classify_days`).

References
----------
Daniels J. *Daniels' Running Formula*. 3rd ed. Champaign, IL: Human Kinetics; 2014 (long runs
up to 25 % of the weekly mileage)."""

LONG_RUN_GROWTH_PCT = 10.0
"""A run may be at most this much longer than the longest run of the recent weeks [%]
(Frandsen et al. 2025)."""

LONG_RUN_LOOKBACK_WEEKS = 4
"""Weeks whose longest run sets the reference for next week's longest run."""

_TOLERANCE = 1e-9
"""Float sums of kilometres are not exact: a week exactly at the threshold counts as reaching it."""


class NextWeekBudget(TypedDict):
    """Next week's distance budget and the rules behind it (distances in km)."""

    max_distance_km: float | None
    limited_by: str | None  # "ramp", "acwr", or None when neither rule can be applied
    longest_run_km: float | None
    long_run_rule: str
    ramp_cap_km: float | None
    ramp_reference_km: float | None
    acwr_cap_km: float | None
    acwr_at_budget: float | None
    last_week_km: float
    previous_21_days_km: float | None
    explanation: str


def long_run_share(weekly: pd.DataFrame) -> pd.DataFrame:
    """The longest run's share of each week's distance.

    Parameters
    ----------
    weekly
        ``distance_km`` and ``longest_run_km`` per week (from
        :func:`analysis.metrics.mileage.weekly_distance`).

    Returns
    -------
    pandas.DataFrame
        ``weekly`` with ``long_run_share_pct`` [%] = longest run / weekly distance × 100 added
        (NaN for a week without distance).
    """
    out = weekly.copy()
    total = pd.to_numeric(out[c.DISTANCE_KM], errors="coerce").astype("float64")
    longest = pd.to_numeric(out[c.LONGEST_RUN_KM], errors="coerce").astype("float64")
    out[c.LONG_RUN_SHARE_PCT] = (longest * 100.0 / total.where(total > 0)).astype("float64")
    return out


def cutback_weeks(
    weekly: pd.DataFrame, threshold_pct: float = 20.0, build_weeks: int = 3
) -> pd.DataFrame:
    """Type each week as build, cutback or rest.

    Rule, week by week in date order:

    - a week without distance is ``"rest"`` and ends the block;
    - a week is a ``"cutback"`` when its distance is at least ``threshold_pct`` % below the
      reference: the mean of the last ``build_weeks`` build weeks since the last cutback or
      rest week (at least one is needed, so a block's first week is always a build week). A
      cutback keeps its reference, so a second light week in a row (a two-week down block or
      a taper) is a cutback too if it is still that far below;
    - any other week is a ``"build"`` week;
    - a week still in progress (``days_so_far`` < 7, when the column is there) is
      ``"in progress"``: it is compared with nothing and leaves the block as it was, since
      part of a week always looks like a cutback.

    Averaging only the last ``build_weeks`` build weeks keeps a long build from dragging the
    reference down: after ten rising weeks the mean of all of them lags the current volume.

    Parameters
    ----------
    weekly
        ``week_start`` and ``distance_km`` (from
        :func:`analysis.metrics.mileage.weekly_distance`), with ``days_so_far`` when a week
        may be in progress (without it every week counts as whole).
    threshold_pct
        How much lighter than the reference a cutback week is, at least [%].
    build_weeks
        How many recent build weeks make the reference (3: the usual 3:1 loading block).

    Returns
    -------
    pandas.DataFrame
        ``weekly`` sorted by ``week_start`` with ``week_type`` (``"build"``, ``"cutback"``,
        ``"rest"`` or ``"in progress"``), ``build_streak`` (consecutive build weeks up to and
        including this one; 0 for the other types) and ``reference_km`` [km] (the reference
        the week was, or for a week in progress will be, compared with; NaN where there is
        none) added.

    References
    ----------
    Bompa TO, Haff GG. *Periodization: Theory and Methodology of Training*. 5th ed.
    Champaign, IL: Human Kinetics; 2009 (step loading: three loading microcycles, one
    unloading).
    """
    if not 0 < threshold_pct < 100:
        raise ValueError("threshold_pct must lie between 0 and 100")
    if build_weeks < 1:
        raise ValueError("build_weeks must be at least 1")
    out = weekly.sort_values(c.WEEK_START, kind="stable").reset_index(drop=True)
    km = pd.to_numeric(out[c.DISTANCE_KM], errors="coerce").fillna(0.0).to_numpy("float64")
    partial = _in_progress(out)
    factor = 1.0 - threshold_pct / 100.0
    types: list[str] = []
    streaks: list[int] = []
    references: list[float] = []
    block: list[float] = []  # build weeks since the last cutback or rest week
    held: float | None = None  # reference of a cutback, kept for the week after it
    for week_km, in_progress in zip(km, partial, strict=True):
        if in_progress:
            reference = float(np.mean(block[-build_weeks:])) if block else held
            types.append(WEEK_IN_PROGRESS)
            streaks.append(0)
            references.append(math.nan if reference is None else reference)
            continue
        if week_km <= 0:
            types.append(WEEK_REST)
            streaks.append(0)
            references.append(math.nan)
            block, held = [], None
            continue
        reference = float(np.mean(block[-build_weeks:])) if block else held
        references.append(math.nan if reference is None else reference)
        if reference is not None and week_km <= reference * factor + _TOLERANCE:
            types.append(WEEK_CUTBACK)
            streaks.append(0)
            block, held = [], reference
        else:
            block.append(float(week_km))
            types.append(WEEK_BUILD)
            streaks.append(len(block))
            held = None
    out[c.WEEK_TYPE] = pd.Series(types, dtype="string")
    out[c.BUILD_STREAK] = pd.Series(streaks, dtype="int64")
    out[c.REFERENCE_KM] = pd.Series(references, dtype="float64")
    return out


def _in_progress(weekly: pd.DataFrame) -> npt.NDArray[np.bool_]:
    """Which weeks are still in progress (fewer than seven days counted)."""
    if DAYS_SO_FAR not in weekly.columns:
        return np.zeros(len(weekly), dtype=bool)
    days = pd.to_numeric(weekly[DAYS_SO_FAR], errors="coerce").fillna(7)
    return np.asarray(days.to_numpy(dtype="float64") < 7, dtype=bool)


def cutback_warning(weekly_typed: pd.DataFrame, max_build_weeks: int = 3) -> str | None:
    """A warning when the latest weeks are a long run of build weeks without a cutback.

    Parameters
    ----------
    weekly_typed
        Output of :func:`cutback_weeks`; a week in progress at the end is passed over (the
        warning speaks of the last whole week).
    max_build_weeks
        Build weeks a block may hold before a cutback is due (3 in a 3:1 block). The warning
        appears once the latest week's streak reaches it, so the next week can be planned
        lighter.

    Returns
    -------
    str or None
        For example "4 build weeks in a row without a cutback week: plan a lighter week
        (20–30 % less)"; ``None`` when the streak is shorter or there are no weeks.
    """
    ordered = weekly_typed.sort_values(c.WEEK_START, kind="stable")
    ordered = ordered[ordered[c.WEEK_TYPE].astype("string") != WEEK_IN_PROGRESS]
    if ordered.empty:
        return None
    last = ordered.iloc[-1]
    streak = int(last[c.BUILD_STREAK])
    if streak < max_build_weeks:
        return None
    low, high = CUTBACK_ADVICE_PCT
    return (
        f"{streak} build weeks in a row without a cutback week: plan a lighter week "
        f"({low}–{high} % less)"
    )


def acwr_distance_cap(previous_21_days: float, ceiling: float) -> float:
    """The most load next week can carry with the coupled 7:28 ACWR at most ``ceiling``.

    Coupled rolling ACWR at the end of next week, with ``B`` next week's total and ``L21``
    the total of the 21 days before it: acute = B / 7, chronic = (B + L21) / 28, so
    ACWR = 4B / (B + L21). ACWR ≤ c ⇔ 4B ≤ c·B + c·L21 ⇔ **B ≤ c·L21 / (4 − c)** (for
    c < 4). Example: L21 = 150 km, c = 1.3 → B ≤ 195 / 2.7 = 72.2 km.

    Parameters
    ----------
    previous_21_days
        Load of the 21 days before next week [unit of the load].
    ceiling
        ACWR ceiling ``c`` (0 < c < 4).

    Returns
    -------
    float
        The cap [unit of the load].

    References
    ----------
    Gabbett TJ. The training–injury prevention paradox: should athletes be training smarter
    and harder? *Br J Sports Med* 2016;50(5):273–280.
    """
    if not 0 < ceiling < 4:
        raise ValueError("the ACWR ceiling must lie between 0 and 4")
    return ceiling * previous_21_days / (4.0 - ceiling)


def _fmt(km: float, unit: str) -> str:
    return f"{km_to(unit, km):.1f} {distance_label(unit)}"


def next_week_budget(
    daily_load_km: pd.DataFrame,
    weekly: pd.DataFrame,
    ramp_limit_pct: float = 10.0,
    acwr_ceiling: float = 1.3,
    long_run_share_max: float = LONG_RUN_SHARE_MAX,
    *,
    long_run_growth_pct: float = LONG_RUN_GROWTH_PCT,
    long_run_lookback_weeks: int = LONG_RUN_LOOKBACK_WEEKS,
    unit: str = "km",
    cutback_threshold_pct: float = 20.0,
) -> NextWeekBudget:
    """The most distance, and the longest run, next week can hold within the ramp and ACWR rules.

    Next week is the week after the last whole week of ``weekly`` (a week in progress,
    ``days_so_far`` < 7, is left out). Two caps on its distance ``B``:

    - **ramp**: B ≤ ramp reference × (1 + ``ramp_limit_pct`` / 100), the ramp rule of
      :func:`analysis.metrics.mileage.weekly_distance`: the reference is the last build week,
      which is last week unless last week was a cutback (then the build week before it), so
      after 40 km and a 30 km cutback week the cap is 44 km, not 33 km. Not applicable after a
      week of 0 km.
    - **ACWR**: the coupled rolling ACWR (7-day mean / 28-day mean, both including the day;
      Gabbett 2016) at the end of next week stays ≤ ``acwr_ceiling``. With L21 the distance of
      the 21 days before next week, acute = B / 7 and chronic = (B + L21) / 28, so
      ACWR = 4B / (B + L21) and ACWR ≤ c ⇔ **B ≤ c·L21 / (4 − c)** (see
      :func:`acwr_distance_cap`). The ratio at the end of the week depends only on the total,
      not on how it is spread; spread evenly, no single day makes a spike within the week.
      Not applicable without 21 days of history before next week, or when they hold 0 km (any
      run is then an unbounded spike by this ratio).

    The budget is the smaller cap; ``limited_by`` names it (``"ramp"`` on a tie).

    Longest run: at most the longest run of the last ``long_run_lookback_weeks`` weeks +
    ``long_run_growth_pct`` % (Frandsen et al. 2025: injury rates rose when a single run
    exceeded the longest run of the previous 30 days by more than 10 %; four weeks is the
    nearest whole-week window, and the shorter one), and at most ``long_run_share_max`` of the
    budget (:data:`LONG_RUN_SHARE_MAX`, Daniels: long runs up to 25 % of the week's distance).

    Parameters
    ----------
    daily_load_km
        ``date`` and ``load`` [km] for every day (from
        :func:`analysis.metrics.load.daily_load` with the distance model); missing days count
        as rest days.
    weekly
        ``week_start``, ``distance_km`` and ``longest_run_km`` of complete weeks (from
        :func:`analysis.metrics.mileage.weekly_distance`).
    ramp_limit_pct
        Largest week-over-week increase [%].
    acwr_ceiling
        Highest acceptable ACWR at the end of next week.
    long_run_share_max
        Longest run as a fraction of next week's budget, at most.
    long_run_growth_pct
        Longest run over the recent longest run, at most [%].
    long_run_lookback_weeks
        Weeks whose longest run is the reference.
    unit
        ``"km"`` or ``"mi"``: the unit of the two sentences (the numbers stay in km).
    cutback_threshold_pct
        Types the weeks (:func:`cutback_weeks`) when ``weekly`` has no ``week_type`` column;
        a typed frame keeps its own types.

    Returns
    -------
    NextWeekBudget
        ``max_distance_km`` [km] (None when neither rule applies), ``limited_by``,
        ``longest_run_km`` [km], ``long_run_rule`` (the rule as a sentence), ``ramp_cap_km``
        and ``acwr_cap_km`` [km] (None where not applicable), ``ramp_reference_km`` [km] (the
        week the ramp starts from), ``acwr_at_budget`` (the ratio at
        the end of next week if the budget is run), ``last_week_km``, ``previous_21_days_km``
        [km] and ``explanation`` (one sentence).

    References
    ----------
    Gabbett TJ. The training–injury prevention paradox: should athletes be training smarter
    and harder? *Br J Sports Med* 2016;50(5):273–280.

    Frandsen JSB, et al. How much running is too much? Identifying
    high-risk running sessions in a 5200-person cohort study. *Br J Sports Med*
    2025;59(17):1203–1210.

    Daniels J. *Daniels' Running Formula*. 3rd ed. Champaign, IL: Human Kinetics; 2014
    (long runs up to 25 % of weekly mileage).

    Nielsen RO, Parner ET, Nohr EA, et al. Excessive progression in weekly running distance
    and risk of running-related injuries. *J Orthop Sports Phys Ther* 2014;44(10):739–747
    (why the weekly ramp is watched at all).
    """
    if ramp_limit_pct < 0:
        raise ValueError("ramp_limit_pct must not be negative")
    if not 0 < long_run_share_max <= 1:
        raise ValueError("long_run_share_max must lie in (0, 1]")
    weeks = weekly.sort_values(c.WEEK_START, kind="stable").reset_index(drop=True)
    weeks = weeks[~_in_progress(weeks)].reset_index(drop=True)
    if weeks.empty:
        return NextWeekBudget(
            max_distance_km=None,
            limited_by=None,
            longest_run_km=None,
            long_run_rule="no weeks of running yet",
            ramp_cap_km=None,
            ramp_reference_km=None,
            acwr_cap_km=None,
            acwr_at_budget=None,
            last_week_km=0.0,
            previous_21_days_km=None,
            explanation="No budget: there are no weeks of running yet.",
        )
    last_start = pd.Timestamp(weeks[c.WEEK_START].iloc[-1]).normalize()
    last_day = last_start + pd.Timedelta(days=6)
    last_km = float(pd.to_numeric(weeks[c.DISTANCE_KM], errors="coerce").fillna(0.0).iloc[-1])

    base_start, base_km = _ramp_base(weeks, cutback_threshold_pct)
    ramp_cap = base_km * (1.0 + ramp_limit_pct / 100.0) if base_km is not None else None

    dates = pd.to_datetime(daily_load_km[c.DATE]).dt.normalize()
    loads = pd.to_numeric(daily_load_km[c.LOAD], errors="coerce").fillna(0.0)
    first_prior = last_day - pd.Timedelta(days=PRIOR_DAYS - 1)
    covered = len(dates) > 0 and dates.min() <= first_prior
    in_window = (dates >= first_prior) & (dates <= last_day)
    prior_km = float(loads[in_window].sum()) if covered else None
    acwr_cap = (
        acwr_distance_cap(prior_km, acwr_ceiling) if prior_km is not None and prior_km > 0 else None
    )

    caps = {name: cap for name, cap in (("ramp", ramp_cap), ("acwr", acwr_cap)) if cap is not None}
    limited_by = min(caps, key=lambda name: caps[name]) if caps else None
    budget = caps[limited_by] if limited_by is not None else None
    acwr_at_budget = (
        4.0 * budget / (budget + prior_km)
        if budget is not None and prior_km is not None and budget + prior_km > 0
        else None
    )

    recent = pd.to_numeric(
        weeks[c.LONGEST_RUN_KM].iloc[-long_run_lookback_weeks:], errors="coerce"
    ).fillna(0.0)
    recent_longest = float(recent.max()) if len(recent) else 0.0
    growth_cap = (
        recent_longest * (1.0 + long_run_growth_pct / 100.0) if recent_longest > 0 else None
    )
    share_cap = long_run_share_max * budget if budget is not None else None
    longest, long_rule = _long_run_rule(
        growth_cap,
        share_cap,
        recent_longest,
        budget,
        long_run_share_max,
        long_run_growth_pct,
        long_run_lookback_weeks,
        unit,
    )

    explanation = _budget_sentence(
        budget,
        limited_by,
        ramp_cap,
        acwr_cap,
        _ramp_text(last_km, base_start, base_km, last_start, ramp_limit_pct, unit),
        prior_km,
        acwr_ceiling,
        unit,
    )
    return NextWeekBudget(
        max_distance_km=budget,
        limited_by=limited_by,
        longest_run_km=longest,
        long_run_rule=long_rule,
        ramp_cap_km=ramp_cap,
        ramp_reference_km=base_km,
        acwr_cap_km=acwr_cap,
        acwr_at_budget=acwr_at_budget,
        last_week_km=last_km,
        previous_21_days_km=prior_km,
        explanation=explanation,
    )


def _ramp_base(
    weeks: pd.DataFrame, cutback_threshold_pct: float
) -> tuple[pd.Timestamp | None, float | None]:
    """The week next week's ramp starts from: the last build week, None after a rest week."""
    typed = (
        weeks
        if c.WEEK_TYPE in weeks.columns
        else cutback_weeks(weeks, threshold_pct=cutback_threshold_pct)
    )
    kinds = typed[c.WEEK_TYPE].astype("string").to_numpy()
    km = pd.to_numeric(typed[c.DISTANCE_KM], errors="coerce").fillna(0.0).to_numpy("float64")
    # walk back over the cutback weeks since the last build week; a rest week ends the chain
    for i in range(len(typed) - 1, -1, -1):
        if kinds[i] == WEEK_BUILD and km[i] > 0:
            return pd.Timestamp(typed[c.WEEK_START].iloc[i]).normalize(), float(km[i])
        if kinds[i] != WEEK_CUTBACK:
            break
    return None, None


def _ramp_text(
    last_km: float,
    base_start: pd.Timestamp | None,
    base_km: float | None,
    last_start: pd.Timestamp,
    ramp_limit_pct: float,
    unit: str,
) -> str:
    if base_km is None or base_start is None or base_start == last_start:
        return f"last week {_fmt(last_km, unit)} + {ramp_limit_pct:g} %"
    return (
        f"the last build week, {base_start:%d %b %Y}, {_fmt(base_km, unit)} + "
        f"{ramp_limit_pct:g} %, as last week's {_fmt(last_km, unit)} was a cutback"
    )


def _long_run_rule(
    growth_cap: float | None,
    share_cap: float | None,
    recent_longest: float,
    budget: float | None,
    share_max: float,
    growth_pct: float,
    lookback_weeks: int,
    unit: str,
) -> tuple[float | None, str]:
    growth_text = (
        f"the longest run of the last {lookback_weeks} weeks ({_fmt(recent_longest, unit)}) "
        f"+ {growth_pct:g} % = {_fmt(growth_cap, unit)} (Frandsen et al. 2025)"
        if growth_cap is not None
        else None
    )
    share_text = (
        f"{share_max * 100:g} % of next week's {_fmt(budget, unit)} = {_fmt(share_cap, unit)} "
        "(Daniels)"
        if share_cap is not None and budget is not None
        else None
    )
    if growth_cap is not None and share_cap is not None:
        if share_cap < growth_cap:
            return share_cap, f"longest run ≤ {share_text}, tighter than {growth_text}"
        return growth_cap, f"longest run ≤ {growth_text}, tighter than {share_text}"
    if growth_cap is not None:
        return growth_cap, f"longest run ≤ {growth_text}"
    if share_cap is not None:
        return share_cap, f"longest run ≤ {share_text} (no run in the last {lookback_weeks} weeks)"
    return None, f"no rule applies: no run in the last {lookback_weeks} weeks and no budget"


def _budget_sentence(
    budget: float | None,
    limited_by: str | None,
    ramp_cap: float | None,
    acwr_cap: float | None,
    ramp_text: str,
    prior_km: float | None,
    ceiling: float,
    unit: str,
) -> str:
    acwr_text = (
        f"ACWR ≤ {ceiling:g} with {_fmt(prior_km, unit)} in the 21 days before"
        if prior_km is not None
        else ""
    )
    if budget is None or limited_by is None:
        return (
            "No budget: the ramp needs a week with distance before it and the ACWR needs "
            "21 days of history with distance."
        )
    if limited_by == "ramp":
        other = (
            f"; the ACWR ceiling would allow {_fmt(acwr_cap, unit)}"
            if acwr_cap is not None
            else "; the ACWR cannot be applied yet (fewer than 21 days of history with distance)"
        )
        return f"At most {_fmt(budget, unit)} next week, limited by the ramp ({ramp_text}){other}."
    other = (
        f"; the ramp would allow {_fmt(ramp_cap, unit)}"
        if ramp_cap is not None
        else "; the ramp cannot be applied after a week without running"
    )
    return f"At most {_fmt(budget, unit)} next week, limited by the ACWR ({acwr_text}){other}."
