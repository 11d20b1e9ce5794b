"""Planned against actual, week by week, with TrainingPeaks-style compliance colours.

The plan is one row per week (``week_start``, ``plan_distance_km``, ``plan_duration_h``,
``plan_long_run_km``, ``plan_load``); the actuals come from the activities
(:func:`plan_week_actuals`, :func:`weekly_actuals`). :func:`compliance` pairs them per week and
per target.

A plan week is the seven days from its own ``week_start``, whatever day the athlete's weeks
start on: a plan written in Monday weeks is still compared Monday to Sunday after the athlete
switches to Sunday weeks, never re-bucketed into weeks it was not made for.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analysis import columns as c
from analysis.metrics.mileage import DayLike, local_days, to_day, week_start_of

GREEN, YELLOW, RED, GREY = "green", "yellow", "red", "grey"
COLOURS = (GREEN, YELLOW, RED, GREY)

GREEN_PCT = (80, 120)
"""Whole percentages of the plan that are on target (±20 %), both ends included."""

YELLOW_PCT = (50, 150)
"""Whole percentages that are off but not far off (50–79 % and 121–150 %)."""

TARGETS: dict[str, str] = {
    c.DISTANCE_KM: c.PLAN_DISTANCE_KM,
    c.DURATION_H: c.PLAN_DURATION_H,
    c.LONGEST_RUN_KM: c.PLAN_LONG_RUN_KM,
    c.LOAD: c.PLAN_LOAD,
}
"""Each actuals column and the plan column it is held against, in the order reported."""

ACTUAL_COLUMNS = (c.WEEK_START, *TARGETS)

_WEEK = pd.Timedelta(days=7)


def compliance_colour(pct: float | None) -> str:
    """The colour of one compliance percentage.

    The percentage is rounded half up to a whole percent (the bands are stated in whole
    percents, and 119.99999 from float arithmetic is 120), then: green 80–120 %, yellow
    50–79 % or 121–150 %, red below 50 % or above 150 %; grey when there is no percentage
    (nothing planned).

    References
    ----------
    TrainingPeaks Help Center. Color coding workouts by type and/or compliance ("Green:
    completed time ± 20 % of planned time; Yellow: between 50 %–79 % or 121–150 %; Red: not
    completed, or less than 50 % or greater than 150 %"). TrainingPeaks applies it per workout;
    Stridelog applies the same bands per week and target.
    """
    if pct is None or not math.isfinite(pct):
        return GREY
    whole = math.floor(pct + 0.5)
    if GREEN_PCT[0] <= whole <= GREEN_PCT[1]:
        return GREEN
    if YELLOW_PCT[0] <= whole <= YELLOW_PCT[1]:
        return YELLOW
    return RED


def weekly_actuals(
    activities: pd.DataFrame,
    loads: pd.Series | None = None,
    week_start: str = "monday",
    start: DayLike | None = None,
    end: DayLike | None = None,
) -> pd.DataFrame:
    """What was done each week: distance, time, longest run and load.

    Parameters
    ----------
    activities
        The activities frame (the caller chooses which activities count, e.g. runs only).
    loads
        Load per activity indexed by ``activity_id`` (from
        :func:`analysis.metrics.load.activity_loads`); None leaves ``load`` missing.
    week_start
        ``"monday"`` or ``"sunday"``.
    start, end
        Weeks containing these days bound the series (defaults: the first and last activity's
        weeks); activities outside are left out.

    Returns
    -------
    pandas.DataFrame
        ``week_start``, ``distance_km`` [km], ``duration_h`` [h] (moving time, elapsed where the
        moving time is unknown), ``longest_run_km`` [km] (the longest single activity) and
        ``load`` [unit of ``loads``]: every week in the range, weeks without activities as
        zeros.
    """
    done = _per_activity(activities, loads)
    days = done[c.DATE]
    km, hours, load = done[c.DISTANCE_KM], done[c.DURATION_H], done[c.LOAD]
    first = _week_of(start, week_start)
    last = _week_of(end, week_start)
    keep = days.notna()
    if first is not None:
        keep &= days >= first
    if end is not None:
        keep &= days <= to_day(end)
    weeks = week_start_of(days[keep], week_start)
    first = first if first is not None else (weeks.min() if len(weeks) else None)
    last = last if last is not None else (weeks.max() if len(weeks) else None)
    if first is None or last is None or first > last:
        empty = {col: pd.Series(dtype="float64") for col in ACTUAL_COLUMNS}
        empty[c.WEEK_START] = pd.Series(dtype="datetime64[ns]")
        return pd.DataFrame(empty)
    index = pd.date_range(first, last, freq="7D", name=c.WEEK_START)
    per_activity = pd.DataFrame(
        {
            c.WEEK_START: weeks.to_numpy(),
            c.DISTANCE_KM: km[keep].to_numpy(),
            c.DURATION_H: hours[keep].to_numpy(),
            c.LOAD: load[keep].to_numpy(dtype="float64"),
        }
    )
    grouped = per_activity.groupby(c.WEEK_START)
    per_week = pd.DataFrame(
        {
            c.DISTANCE_KM: grouped[c.DISTANCE_KM].sum(),
            c.DURATION_H: grouped[c.DURATION_H].sum(),
            c.LONGEST_RUN_KM: grouped[c.DISTANCE_KM].max(),
            c.LOAD: grouped[c.LOAD].sum(min_count=1),
        }
    )
    per_week.index = pd.DatetimeIndex(per_week.index).as_unit(index.unit)
    out = per_week.reindex(index).rename_axis(c.WEEK_START).reset_index()
    zeros = [c.DISTANCE_KM, c.DURATION_H, c.LONGEST_RUN_KM]
    if loads is not None:
        zeros.append(c.LOAD)
    out[zeros] = out[zeros].fillna(0.0)
    return out.astype({col: "float64" for col in TARGETS})[list(ACTUAL_COLUMNS)]


def _per_activity(activities: pd.DataFrame, loads: pd.Series | None) -> pd.DataFrame:
    """Day, km, hours and load of each activity (load NaN without ``loads``)."""
    moving = pd.to_numeric(activities[c.MOVING_TIME_S], errors="coerce")
    elapsed = pd.to_numeric(activities[c.DURATION_S], errors="coerce")
    if loads is None:
        load = pd.Series(np.nan, index=activities.index)
    else:
        load = pd.to_numeric(activities[c.ACTIVITY_ID].map(loads), errors="coerce").fillna(0.0)
    return pd.DataFrame(
        {
            c.DATE: local_days(activities),
            c.DISTANCE_KM: pd.to_numeric(activities[c.DISTANCE_M], errors="coerce").fillna(0.0)
            / 1000.0,
            c.DURATION_H: moving.fillna(elapsed).fillna(0.0) / 3600.0,
            c.LOAD: load.astype("float64"),
        }
    )


def plan_week_actuals(
    activities: pd.DataFrame, plan: pd.DataFrame, loads: pd.Series | None = None
) -> pd.DataFrame:
    """What was done over each plan week's own seven days, ``[week_start, week_start + 7)``.

    The plan's dates decide the days, not the athlete's week start: a plan row of Monday
    4 March counts 4–10 March under Monday and under Sunday weeks alike.

    Parameters
    ----------
    activities
        The activities frame (the caller chooses which activities count, e.g. runs only).
    plan
        The plan frame; only ``week_start`` is read (a time of day is dropped).
    loads
        Load per activity indexed by ``activity_id``; None leaves ``load`` missing.

    Returns
    -------
    pandas.DataFrame
        ``week_start`` (each distinct plan date, oldest first), ``distance_km`` [km],
        ``duration_h`` [h] (moving time, elapsed where unknown), ``longest_run_km`` [km] and
        ``load`` [unit of ``loads``], with the same meanings as :func:`weekly_actuals`; a plan
        week without activities is zeros.
    """
    starts = pd.to_datetime(plan[c.WEEK_START], errors="coerce").dropna()
    weeks = pd.DatetimeIndex(sorted({to_day(day) for day in starts}), name=c.WEEK_START)
    done = _per_activity(activities, loads)
    rows: list[dict[str, float]] = []
    for start in weeks:
        inside = done[(done[c.DATE] >= start) & (done[c.DATE] < start + _WEEK)]
        rows.append(
            {
                c.DISTANCE_KM: float(inside[c.DISTANCE_KM].sum()),
                c.DURATION_H: float(inside[c.DURATION_H].sum()),
                c.LONGEST_RUN_KM: float(inside[c.DISTANCE_KM].max()) if len(inside) else 0.0,
                c.LOAD: float(inside[c.LOAD].sum()) if loads is not None else float("nan"),
            }
        )
    out = pd.DataFrame(rows, columns=list(TARGETS), dtype="float64")
    out.insert(0, c.WEEK_START, weeks.astype("datetime64[ns]"))
    return out[list(ACTUAL_COLUMNS)]


def compliance(
    plan: pd.DataFrame,
    weekly_actual: pd.DataFrame,
    *,
    week_start: str = "monday",
    today: DayLike | None = None,
    activities: pd.DataFrame | None = None,
    loads: pd.Series | None = None,
) -> pd.DataFrame:
    """Actual against plan for every week and target, with its compliance colour.

    With ``activities`` (the way to call it), each plan week is the seven days from its own
    ``week_start`` and its actual is counted from the activities over those same days
    (:func:`plan_week_actuals`), whatever the athlete's week start: a Monday plan viewed with
    Sunday weeks is still compared Monday to Sunday. The athlete's weeks of ``weekly_actual``
    that share no day with a plan week are reported too, grey (nothing planned). A plan week
    starting after ``today`` is still to come: no actual, grey. The week in progress is
    compared as it stands.

    Without ``activities`` (the former call, kept for callers not yet passing them), plan weeks
    are moved to the first day of the athlete's week they fall in and paired with the rows of
    ``weekly_actual``: right only when the plan was written in the athlete's own weeks. A
    planned week missing from ``weekly_actual`` counted nothing (actual 0), unless it starts
    after ``today``'s week. Either way a repeated week keeps its last plan row.

    Parameters
    ----------
    plan
        The plan frame (``week_start`` and the ``plan_*`` targets; missing targets allowed).
    weekly_actual
        From :func:`weekly_actuals`, in the athlete's weeks.
    week_start
        ``"monday"`` or ``"sunday"``, as used for ``weekly_actual``.
    today
        Weeks starting after this day are in the future.
    activities
        The activities behind ``weekly_actual``: plan weeks are counted from them over their
        own days.
    loads
        Load per activity indexed by ``activity_id`` (the ``load`` target, with
        ``activities``; as passed to :func:`weekly_actuals`).

    Returns
    -------
    pandas.DataFrame
        One row per week and target (``distance_km``, ``duration_h``, ``longest_run_km``,
        ``load``), weeks oldest first: ``week_start``, ``target`` (the actuals column's name,
        unit included), ``planned``, ``actual``, ``compliance_pct`` (actual / planned × 100
        [%], NaN without a positive plan) and ``colour`` (:func:`compliance_colour`; grey
        where nothing is planned or the week is still to come).
    """
    planned = pd.DataFrame(
        {col: plan[col] if col in plan.columns else np.nan for col in c.PLAN_COLUMNS}
    )
    starts = pd.to_datetime(planned[c.WEEK_START], errors="coerce").dt.normalize()
    if activities is None:
        starts = week_start_of(starts, week_start)
    planned[c.WEEK_START] = starts
    planned = planned.dropna(subset=[c.WEEK_START]).drop_duplicates(c.WEEK_START, keep="last")
    planned = planned.set_index(c.WEEK_START)
    actual = weekly_actual.copy()
    actual[c.WEEK_START] = pd.to_datetime(actual[c.WEEK_START]).dt.normalize()
    actual = actual.set_index(c.WEEK_START)
    plan_weeks = planned.index
    if activities is None:
        own = None
        weeks = plan_weeks.union(actual.index).sort_values()
        this_week = _week_of(today, week_start)
        future = weeks > this_week if this_week is not None else np.zeros(len(weeks), dtype=bool)
    else:
        own = plan_week_actuals(activities, planned.reset_index(), loads).set_index(c.WEEK_START)
        # an athlete's week is reported on its own only where no plan week shares its days
        unplanned = [
            week
            for week in actual.index
            if not ((plan_weeks > week - _WEEK) & (plan_weeks < week + _WEEK)).any()
        ]
        weeks = plan_weeks.union(pd.DatetimeIndex(unplanned)).sort_values()
        future = weeks > to_day(today) if today is not None else np.zeros(len(weeks), dtype=bool)
    rows: list[dict[str, object]] = []
    for i, week in enumerate(weeks):
        for target, plan_column in TARGETS.items():
            goal = _value(planned, week, plan_column)
            if future[i]:
                done = float("nan")
            elif own is not None and week in own.index:
                done = _value(own, week, target)
            else:
                done = _value(actual, week, target)
                if math.isnan(done) and week not in actual.index:
                    done = 0.0
            pct = done * 100.0 / goal if goal > 0 and math.isfinite(done) else float("nan")
            rows.append(
                {
                    c.WEEK_START: week,
                    c.TARGET: target,
                    c.PLANNED: goal,
                    c.ACTUAL: done,
                    c.COMPLIANCE_PCT: pct,
                    c.COLOUR: compliance_colour(pct),
                }
            )
    columns = [c.WEEK_START, c.TARGET, c.PLANNED, c.ACTUAL, c.COMPLIANCE_PCT, c.COLOUR]
    if not rows:
        return pd.DataFrame({col: pd.Series(dtype="float64") for col in columns}).astype(
            {c.WEEK_START: "datetime64[ns]", c.TARGET: "object", c.COLOUR: "object"}
        )
    out = pd.DataFrame(rows, columns=columns)
    out[c.WEEK_START] = pd.to_datetime(out[c.WEEK_START]).astype("datetime64[ns]")
    return out.astype({c.PLANNED: "float64", c.ACTUAL: "float64", c.COMPLIANCE_PCT: "float64"})


def _week_of(day: DayLike | None, week_start: str) -> pd.Timestamp | None:
    if day is None:
        return None
    return pd.Timestamp(week_start_of(pd.Series([to_day(day)]), week_start).iloc[0])


def _value(frame: pd.DataFrame, week: pd.Timestamp, column: str) -> float:
    if column not in frame.columns or week not in frame.index:
        return float("nan")
    value = pd.to_numeric(pd.Series([frame.at[week, column]]), errors="coerce").iloc[0]
    return float(value) if pd.notna(value) else float("nan")
