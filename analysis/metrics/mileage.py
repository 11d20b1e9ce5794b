"""Distance totals per day, week and month, the weekly ramp, and this week against recent weeks.

Every series is built on a full calendar: a day, week or month without a run is a row of zeros,
not a missing row, so sums, means and week-over-week changes see the rest.
Inputs are the activities frame (one row per counted activity; the caller filters the sport).
"""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

import numpy as np
import pandas as pd

from analysis import columns as c

WEEK_STARTS = ("monday", "sunday")
"""The two week conventions the athlete can choose."""

DayLike = dt.date | dt.datetime | pd.Timestamp | str
"""Anything that names a calendar day (a time of day is dropped)."""

_RAMP_TOLERANCE_PCT = 1e-9
"""Float sums of kilometres are not exact: a change that equals the limit must not be flagged."""


class WeekComparison(TypedDict):
    """This week so far against last week and the four complete weeks before this one."""

    this_week_km: float
    last_week_km: float
    avg_4wk_km: float
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
) -> pd.DataFrame:
    """Kilometres per week and the week-over-week ramp.

    Parameters
    ----------
    activities
        The activities frame.
    week_start
        ``"monday"`` or ``"sunday"``.
    ramp_limit_pct
        A week whose distance grew by more than this over the previous week is flagged [%].
    end
        Extend (or cut) the series to the week containing this day; activities after it are
        left out. Default: the week of the last activity.

    Returns
    -------
    pandas.DataFrame
        ``week_start``, ``distance_km`` [km], ``runs`` [count], ``longest_run_km`` [km],
        ``change_pct`` [%] (NaN for the first week and after a week of 0 km) and
        ``over_ramp_limit`` (``change_pct > ramp_limit_pct``): every week from the first
        activity's week on, empty weeks included as zeros.
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
    ]
    if len(weeks) == 0:
        return _empty(columns, {c.WEEK_START: "datetime64[ns]", c.RUNS: "int64"}, c.OVER_RAMP_LIMIT)
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
    previous = out[c.DISTANCE_KM].shift(1)
    change = (out[c.DISTANCE_KM] - previous) * 100.0 / previous.where(previous > 0)
    out[c.CHANGE_PCT] = change.astype("float64")
    out[c.OVER_RAMP_LIMIT] = (
        (change > ramp_limit_pct + _RAMP_TOLERANCE_PCT).fillna(False).astype(bool)
    )
    return out[columns]


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
    """This week so far against last week and against the average of the four weeks before.

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
        ``this_week_km`` [km] (so far), ``last_week_km`` [km], ``avg_4wk_km`` [km] (mean of the
        four complete weeks before this week, weeks without runs count as 0),
        ``change_vs_last_pct`` and ``change_vs_avg_pct`` [%] (``None`` where the base is 0),
        ``week_start`` (first day of this week) and ``days_into_week`` (1 on its first day, 7 on
        its last).
    """
    today = to_day(as_of)
    this_start = week_start_of(pd.Series([today]), week_start).iloc[0]
    days = local_days(activities)
    km = _distance_km(activities)
    week = pd.Timedelta(days=7)

    def km_between(first: pd.Timestamp, last_excl: pd.Timestamp) -> float:
        return float(km[(days >= first) & (days < last_excl)].sum())

    this_km = km_between(this_start, today + pd.Timedelta(days=1))
    last_km = km_between(this_start - week, this_start)
    avg_km = km_between(this_start - 4 * week, this_start) / 4.0
    return WeekComparison(
        this_week_km=this_km,
        last_week_km=last_km,
        avg_4wk_km=avg_km,
        change_vs_last_pct=_pct_change(this_km, last_km),
        change_vs_avg_pct=_pct_change(this_km, avg_km),
        week_start=this_start.date(),
        days_into_week=int((today - this_start).days) + 1,
    )


def _empty(
    columns: list[str], dtypes: dict[str, str], bool_column: str | None = None
) -> pd.DataFrame:
    frame = pd.DataFrame({col: pd.Series(dtype=dtypes.get(col, "float64")) for col in columns})
    if bool_column is not None:
        frame[bool_column] = frame[bool_column].astype(bool)
    return frame
