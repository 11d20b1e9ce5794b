"""The Strength & mobility page's data: sessions logged and imported, per week against the
target, placed the day before a hard or long run, and the calendar marking them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pandas as pd

from analysis import columns as c
from analysis.dashboard import complete_weeks, in_days, week_of, weekly_running, zone_table
from analysis.metrics import calendar, guidance, strength, zones
from analysis.settings import AthleteSettings
from analysis.store import AthleteStore

DEFAULT_WEEKS = 12
"""Weeks shown when the period is the whole history (``first=None``)."""


def strength_data(
    store: AthleteStore, settings: AthleteSettings, as_of: date, *, first: date | None = None
) -> dict[str, Any]:
    """Sessions, sessions per week, placement flags and the calendar of ``first``..``as_of``.

    Returns
    -------
    dict
        ``all_sessions`` (count in the whole history), ``sessions`` (the period's, logged and
        imported, :func:`analysis.metrics.strength.all_sessions`), ``logged`` (the period's
        logged sessions, which the owner may delete), ``weekly``
        (:func:`~analysis.metrics.strength.weekly_sessions`), ``flags``
        (:func:`~analysis.metrics.strength.placement_flags`), ``calendar``, ``days`` and
        ``session_days`` for the training calendar, ``target`` (least, most a week).
    """
    every_act = store.activities()  # read once: the sessions and the calendar both need it
    every = strength.all_sessions(store.sessions(), every_act)
    if first is None:
        first = as_of - timedelta(weeks=DEFAULT_WEEKS) + timedelta(days=1)
    shown = in_days(every, c.DATE, first, as_of)
    out: dict[str, Any] = {
        "all_sessions": len(every),
        "sessions": shown,
        "logged": shown[shown[strength.SOURCE] == strength.FROM_LOG].reset_index(drop=True),
        "weekly": strength.weekly_sessions(
            every, start=first, end=as_of, week_start=settings.week_start
        ),
        "target": strength.TARGET_PER_WEEK,
    }
    acts = every_act.sort_values(c.START_TIME_UTC).reset_index(drop=True)
    start = pd.Timestamp(week_of(first, settings.week_start))
    end = pd.Timestamp(as_of)
    if acts.empty:
        days = pd.DataFrame(columns=[c.DATE, c.DAY_TYPE, c.DISTANCE_KM, c.DURATION_S, c.RULE])
        grid = calendar.calendar_weeks(days, pd.DataFrame(columns=[c.WEEK_START, c.WEEK_TYPE]))
    else:
        days = calendar.classify_days(
            acts,
            # the calendar's own days type by their own heart rate (as on Guidance)
            in_days(store.hr_histogram(), c.LOCAL_DATE, start.date(), end.date()),
            zone_table(settings),
            zones.easy_zones(settings.zone_model),
            start=start,
            end=end,
            hard_threshold_min=settings.hard_session_min,
            threshold_pace_s_per_km=settings.threshold_pace_s_per_km,
            week_start=settings.week_start,
            unit=settings.units,
        )
        runs = acts[acts[c.SPORT] == c.SPORT_RUNNING]
        typed = pd.DataFrame(columns=[c.WEEK_START, c.WEEK_TYPE])
        if len(runs):
            weekly = weekly_running(runs, settings, end)
            typed = guidance.cutback_weeks(
                complete_weeks(weekly, as_of), threshold_pct=settings.cutback_threshold_pct
            )
        grid = calendar.calendar_weeks(days, typed, settings.week_start)
    out["days"] = days
    out["calendar"] = grid
    out["flags"] = strength.placement_flags(shown, days)
    out["session_days"] = strength.session_days(every, start, end)
    return out
