"""Distance totals per day, week and month, the weekly ramp, and this week against recent weeks.

Every series is built on a full calendar: a day, week or month without a run is a row of zeros,
not a missing row, so sums, means and week-over-week changes see the rest.
Inputs are the activities frame (one row per counted activity; the caller filters the sport).

A week cut short by the day the series ends (today, or the end of a period) is *in progress*:
it carries its days so far and is never compared with whole weeks, so a Monday's single run is
not a 64 % drop and never a cutback. :func:`week_comparison` compares it like with like, with
the same days of the weeks before.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TypedDict

import numpy as np
import pandas as pd

from analysis import columns as c
from analysis.metrics.guidance import (
    DAYS_SO_FAR,
    RAMP_REFERENCE_KM,
    WEEK_BUILD,
    WEEK_REST,
    cutback_weeks,
)

WEEK_STARTS = ("monday", "sunday")
"""The two week conventions the athlete can choose."""

DayLike = dt.date | dt.datetime | pd.Timestamp | str
"""Anything that names a calendar day (a time of day is dropped)."""

_RAMP_TOLERANCE_PCT = 1e-9
"""Float sums of kilometres are not exact: a change that equals the limit must not be flagged."""


DAYS_IN_WEEK = 7


class WeekComparison(TypedDict):
    """This week so far against the same days of last week and of the four weeks before."""

    this_week_km: float
    last_week_km: float
    avg_4wk_km: float
    last_week_same_days_km: float
    avg_4wk_same_days_km: float
    change_vs_last_pct: float | None
    change_vs_avg_pct: float | None
    week_start: dt.date
    days_into_week: int


def to_day(value: DayLike) -> pd.Timestamp:
    """The naive midnight of the day ``value`` names (a timezone is dropped, not converted)."""
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_localize(None)
    return stamp.normalize()


def week_start_of(dates: pd.Series, week_start: str = "monday") -> pd.Series:
    """The first day of the week each date falls in.

    Parameters
    ----------
    dates
        Naive datetimes (any time of day).
    week_start
        ``"monday"`` (ISO weeks) or ``"sunday"``.

    Returns
    -------
    pandas.Series
        Naive midnight of the week's first day, same index as ``dates``.
    """
    if week_start not in WEEK_STARTS:
        raise ValueError(f"week_start must be one of {WEEK_STARTS}, not {week_start!r}")
    days = pd.to_datetime(dates).dt.normalize()
    # day_of_week counts from Monday = 0; a Sunday week is the same count shifted by one day
    offset = days.dt.day_of_week if week_start == "monday" else (days.dt.day_of_week + 1) % 7
    return days - pd.to_timedelta(offset, unit="D")


def local_days(activities: pd.DataFrame) -> pd.Series:
    """The local calendar day of each activity as naive midnight datetimes."""
    return pd.to_datetime(activities[c.LOCAL_DATE]).dt.normalize()


def day_range(
    days: pd.Series, start: DayLike | None = None, end: DayLike | None = None
) -> pd.DatetimeIndex:
    """Every calendar day from ``start`` to ``end`` inclusive (default: the span of ``days``).

    Empty when there is neither a default nor an explicit bound.
    """
    known = days.dropna()
    first = to_day(start) if start is not None else (known.min() if len(known) else None)
    last = to_day(end) if end is not None else (known.max() if len(known) else None)
    if first is None or last is None or first > last:
        return pd.DatetimeIndex([], dtype="datetime64[ns]", name=c.DATE)
    return pd.date_range(first, last, freq="D", name=c.DATE)


def _distance_km(activities: pd.DataFrame) -> pd.Series:
    # an activity without a distance (a treadmill summary row) still happened: it adds 0 km
    return pd.to_numeric(activities[c.DISTANCE_M], errors="coerce").fillna(0.0) / 1000.0


def _pct_change(current: float, base: float) -> float | None:
    return (current - base) * 100.0 / base if base > 0 else None


def daily_totals(
    activities: pd.DataFrame, start: DayLike | None = None, end: DayLike | None = None
) -> pd.DataFrame:
    """Distance, elapsed time and number of runs for every calendar day.

    Parameters
    ----------
    activities
        The activities frame.
    start, end
        First and last day, inclusive (defaults: the first and last activity day). Activities
        outside the range are left out.

    Returns
    -------
    pandas.DataFrame
        ``date`` (naive midnight), ``distance_km`` [km], ``duration_s`` [s], ``runs`` [count]:
        one row per day with no gaps; rest days are zeros.
    """
    days = local_days(activities)
    index = day_range(days, start, end)
    per_activity = pd.DataFrame(
        {
            c.DATE: days.to_numpy(),
            c.DISTANCE_KM: _distance_km(activities).to_numpy(),
            c.DURATION_S: pd.to_numeric(activities[c.DURATION_S], errors="coerce")
            .fillna(0.0)
            .to_numpy(),
            c.RUNS: np.ones(len(activities), dtype="int64"),
        }
    )
    per_day = per_activity.groupby(c.DATE).sum()
    per_day.index = pd.DatetimeIndex(per_day.index).as_unit(index.unit)
    out = per_day.reindex(index, fill_value=0)
    out = out.astype({c.DISTANCE_KM: "float64", c.DURATION_S: "float64", c.RUNS: "int64"})
    return out.rename_axis(c.DATE).reset_index()[[c.DATE, c.DISTANCE_KM, c.DURATION_S, c.RUNS]]


def weekly_distance(
    activities: pd.DataFrame,
    week_start: str = "monday",
    ramp_limit_pct: float = 10.0,
    end: DayLike | None = None,
    *,
    cutback_threshold_pct: float = 20.0,
) -> pd.DataFrame:
    """Kilometres per week and the ramp against the last build week.

    **Ramp rule.** A week's change is measured against its *ramp reference*: the last build week
    before it (the week before, unless that was a cutback week; then the build week before the
    cutback), with weeks typed by :func:`analysis.metrics.guidance.cutback_weeks` (a cutback is
    at least ``cutback_threshold_pct`` % below the mean of the last three build weeks). A return
    to the usual volume after a planned lighter week is therefore not a ramp: 40, 30 (cutback),
    40 km is a change of 0 % against the 40 km build week, where week-over-week it would be
    +33 %; 40, 40, 48 km is +20 % and over a 10 % limit. After a week without running there is
    no reference (a return after a break is not a ramp either, and not a measurement of one).

    **A week in progress** (the week containing ``end`` when ``end`` is not its last day) holds
    ``days_so_far`` < 7 days; it keeps its distance and ramp reference but has no change and is
    never flagged: part of a week is not a week.

    Parameters
    ----------
    activities
        The activities frame.
    week_start
        ``"monday"`` or ``"sunday"``.
    ramp_limit_pct
        A week whose distance grew by more than this over its ramp reference is flagged [%].
    end
        Extend (or cut) the series to the week containing this day; activities after it are
        left out, and that week holds the days up to ``end``. Default: the week of the last
        activity, counted as a whole week.
    cutback_threshold_pct
        How much lighter than the recent build weeks a cutback week is, at least [%] (the
        athlete's cutback setting, as for :func:`analysis.metrics.guidance.cutback_weeks`).

    Returns
    -------
    pandas.DataFrame
        ``week_start``, ``distance_km`` [km], ``runs`` [count], ``longest_run_km`` [km],
        ``change_pct`` [%] (against the ramp reference; NaN for a week without one and for a
        week in progress), ``over_ramp_limit`` (``change_pct > ramp_limit_pct``),
        ``days_so_far`` [days] (7 for a whole week, fewer for the week in progress) and
        ``ramp_reference_km`` [km] (the last build week's distance; NaN where there is none):
        every week from the first activity's week on, empty weeks included as zeros.

    References
    ----------
    Nielsen RO, Parner ET, Nohr EA, et al. Excessive progression in weekly running distance
    and risk of running-related injuries. *J Orthop Sports Phys Ther* 2014;44(10):739–747
    (why weekly progression is watched; the study measures it week over week, which this rule
    follows except after a cutback week).

    Bompa TO, Haff GG. *Periodization: Theory and Methodology of Training*. 5th ed.
    Champaign, IL: Human Kinetics; 2009 (step loading: loading weeks, then an unloading week,
    after which loading resumes at the level of the loading weeks rather than building anew
    from the unloading week: the exception for the week after a cutback).
    """
    days = local_days(activities)
    km = _distance_km(activities)
    if end is not None:
        keep = days <= to_day(end)
        days, km = days[keep], km[keep]
    weeks = week_start_of(days, week_start)
    columns = [
        c.WEEK_START,
        c.DISTANCE_KM,
        c.RUNS,
        c.LONGEST_RUN_KM,
        c.CHANGE_PCT,
        c.OVER_RAMP_LIMIT,
        DAYS_SO_FAR,
        RAMP_REFERENCE_KM,
    ]
    if len(weeks) == 0:
        return _empty(
            columns,
            {c.WEEK_START: "datetime64[ns]", c.RUNS: "int64", DAYS_SO_FAR: "int64"},
            c.OVER_RAMP_LIMIT,
        )
    first = weeks.min()
    last = (
        week_start_of(pd.Series([to_day(end)]), week_start).iloc[0]
        if end is not None
        else weeks.max()
    )
    index = pd.date_range(first, last, freq="7D", name=c.WEEK_START)
    per_activity = pd.DataFrame({c.WEEK_START: weeks.to_numpy(), c.DISTANCE_KM: km.to_numpy()})
    grouped = per_activity.groupby(c.WEEK_START)[c.DISTANCE_KM]
    per_week = pd.DataFrame(
        {
            c.DISTANCE_KM: grouped.sum(),
            c.RUNS: grouped.size(),
            c.LONGEST_RUN_KM: grouped.max(),
        }
    )
    per_week.index = pd.DatetimeIndex(per_week.index).as_unit(index.unit)
    out = per_week.reindex(index, fill_value=0).rename_axis(c.WEEK_START).reset_index()
    out = out.astype({c.DISTANCE_KM: "float64", c.RUNS: "int64", c.LONGEST_RUN_KM: "float64"})
    days_so_far = np.full(len(out), DAYS_IN_WEEK, dtype="int64")
    if end is not None and len(out):
        days_so_far[-1] = min(DAYS_IN_WEEK, int((to_day(end) - last).days) + 1)
    out[DAYS_SO_FAR] = days_so_far
    reference = _ramp_references(out, cutback_threshold_pct)
    whole = days_so_far == DAYS_IN_WEEK
    change = (out[c.DISTANCE_KM] - reference) * 100.0 / reference.where(reference > 0)
    out[c.CHANGE_PCT] = change.where(whole).astype("float64")
    out[c.OVER_RAMP_LIMIT] = (
        (out[c.CHANGE_PCT] > ramp_limit_pct + _RAMP_TOLERANCE_PCT).fillna(False).astype(bool)
    )
    out[RAMP_REFERENCE_KM] = reference.astype("float64")
    return out[columns]


def _ramp_references(weekly: pd.DataFrame, cutback_threshold_pct: float) -> pd.Series:
    """Each week's ramp reference [km]: the last build week before it, NaN where there is none.

    Only whole weeks are typed (a week in progress would look like a cutback); a rest week
    ends the chain, as it ends a block in :func:`analysis.metrics.guidance.cutback_weeks`.
    """
    whole = weekly[weekly[DAYS_SO_FAR] == DAYS_IN_WEEK]
    typed = cutback_weeks(whole[[c.WEEK_START, c.DISTANCE_KM]], threshold_pct=cutback_threshold_pct)
    kinds = dict(zip(typed[c.WEEK_START], typed[c.WEEK_TYPE], strict=True))
    references: list[float] = []
    last_build: float | None = None
    for start, week_km in zip(weekly[c.WEEK_START], weekly[c.DISTANCE_KM], strict=True):
        references.append(math.nan if last_build is None else last_build)
        kind = kinds.get(start)
        if kind == WEEK_BUILD:
            last_build = float(week_km)
        elif kind == WEEK_REST:
            last_build = None
    return pd.Series(references, index=weekly.index, dtype="float64")


def monthly_distance(activities: pd.DataFrame) -> pd.DataFrame:
    """Kilometres and runs per calendar month.

    Returns
    -------
    pandas.DataFrame
        ``month_start`` (naive midnight of the 1st), ``distance_km`` [km], ``runs`` [count]:
        every month from the first activity's to the last's, empty months included as zeros.
    """
    days = local_days(activities)
    columns = [c.MONTH_START, c.DISTANCE_KM, c.RUNS]
    if len(days) == 0:
        return _empty(columns, {c.MONTH_START: "datetime64[ns]", c.RUNS: "int64"})
    months = days - pd.to_timedelta(days.dt.day - 1, unit="D")
    index = pd.date_range(months.min(), months.max(), freq="MS", name=c.MONTH_START)
    per_activity = pd.DataFrame(
        {c.MONTH_START: months.to_numpy(), c.DISTANCE_KM: _distance_km(activities).to_numpy()}
    )
    grouped = per_activity.groupby(c.MONTH_START)[c.DISTANCE_KM]
    per_month = pd.DataFrame({c.DISTANCE_KM: grouped.sum(), c.RUNS: grouped.size()})
    per_month.index = pd.DatetimeIndex(per_month.index).as_unit(index.unit)
    out = per_month.reindex(index, fill_value=0).rename_axis(c.MONTH_START).reset_index()
    return out.astype({c.DISTANCE_KM: "float64", c.RUNS: "int64"})[columns]


def week_comparison(
    activities: pd.DataFrame, as_of: DayLike, week_start: str = "monday"
) -> WeekComparison:
    """This week so far against the same days of last week and of the four weeks before.

    Like is compared with like: on day *n* of the week, this week's *n* days are held against
    the first *n* days of last week, and against the mean of the first *n* days of each of the
    four weeks before this one (weeks without runs count as 0). On a week's last day the
    comparison is that of whole weeks. Example (Monday weeks): on Monday with 10 km, after a
    week of 28 km whose Monday held 8 km, the change is +25 % (10 against 8), not −64 %
    (10 against 28).

    Parameters
    ----------
    activities
        The activities frame.
    as_of
        Today: the current week runs from its first day through ``as_of`` inclusive; later
        activities are left out.
    week_start
        ``"monday"`` or ``"sunday"``.

    Returns
    -------
    WeekComparison
        ``this_week_km`` [km] (so far), ``last_week_km`` [km] (the whole of last week),
        ``avg_4wk_km`` [km] (mean of the four whole weeks before this week),
        ``last_week_same_days_km`` and ``avg_4wk_same_days_km`` [km] (the same days so far of
        last week, and their mean over the four weeks before), ``change_vs_last_pct`` and
        ``change_vs_avg_pct`` [%] (this week so far against those same-day bases; ``None``
        where the base is 0), ``week_start`` (first day of this week) and ``days_into_week``
        (1 on its first day, 7 on its last).
    """
    today = to_day(as_of)
    this_start = week_start_of(pd.Series([today]), week_start).iloc[0]
    days = local_days(activities)
    km = _distance_km(activities)
    week = pd.Timedelta(days=7)
    so_far = today + pd.Timedelta(days=1) - this_start

    def km_between(first: pd.Timestamp, last_excl: pd.Timestamp) -> float:
        return float(km[(days >= first) & (days < last_excl)].sum())

    this_km = km_between(this_start, this_start + so_far)
    last_km = km_between(this_start - week, this_start)
    avg_km = km_between(this_start - 4 * week, this_start) / 4.0
    last_same = km_between(this_start - week, this_start - week + so_far)
    avg_same = (
        sum(km_between(this_start - k * week, this_start - k * week + so_far) for k in range(1, 5))
        / 4.0
    )
    return WeekComparison(
        this_week_km=this_km,
        last_week_km=last_km,
        avg_4wk_km=avg_km,
        last_week_same_days_km=last_same,
        avg_4wk_same_days_km=avg_same,
        change_vs_last_pct=_pct_change(this_km, last_same),
        change_vs_avg_pct=_pct_change(this_km, avg_same),
        week_start=this_start.date(),
        days_into_week=int(so_far.days),
    )


def _empty(
    columns: list[str], dtypes: dict[str, str], bool_column: str | None = None
) -> pd.DataFrame:
    frame = pd.DataFrame({col: pd.Series(dtype=dtypes.get(col, "float64")) for col in columns})
    if bool_column is not None:
        frame[bool_column] = frame[bool_column].astype(bool)
    return frame
