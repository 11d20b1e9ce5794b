"""The training calendar: each day typed long / hard / moderate / easy / cross-training / rest,
weeks in a grid with their build or cutback type, and the 80/20 split counted in sessions.

Every day type is decided by a stated rule, and the sentence that decided it travels with the
day (``rule``), so a coach can see why a day is coloured the way it is.
"""

from __future__ import annotations

import math
from typing import TypedDict

import numpy as np
import pandas as pd

from analysis import columns as c
from analysis.metrics.guidance import LONG_RUN_SHARE_MAX
from analysis.metrics.mileage import DayLike, to_day, week_start_of
from analysis.metrics.zones import pace_zones
from analysis.units import distance_label, format_duration, format_pace, km_to

DAY_LONG = "long"
DAY_HARD = "hard"
DAY_MODERATE = "moderate"
DAY_EASY = "easy"
DAY_CROSS = "cross-training"
DAY_REST = "rest"
DAY_TYPES = (DAY_LONG, DAY_HARD, DAY_MODERATE, DAY_EASY, DAY_CROSS, DAY_REST)
"""Day types in order of precedence: a day takes the first type any of its activities earns."""

EASY_PACE_ZONE = "Z3"
"""Without heart rate, a run whose average pace reaches this pace zone (Friel's, from threshold
pace) or faster is moderate: Z1–Z2 are Friel's easy zones, as for heart rate."""

# internal working columns, never returned
_MOVING_S = "moving_s"
_HR_S = "hr_s"
_WEEK_KM = "week_km"
_WEEK_MAX_KM = "week_max_km"
_WEEK_RUNS = "week_runs"
_WEEK_WHOLE = "week_whole"
_WEEKDAY = "weekday"


class SessionSplit(TypedDict):
    """80/20 counted in sessions rather than minutes."""

    easy_sessions: int
    hard_sessions: int
    easy_pct: float
    hard_pct: float
    sessions_without_hr: int
    rule: str


def calendar_rules(
    hard_threshold_min: float = 10.0,
    long_run_min: float = 90.0,
    long_run_share: float = LONG_RUN_SHARE_MAX,
    moderate_threshold_min: float = 2.0,
) -> str:
    """The calendar's rules as text for the page, with the thresholds in use."""
    return "\n".join(
        [
            "Each run is typed on its own; a day takes the first type any of its activities "
            "earns, in this order: long > hard > moderate > easy > cross-training > rest.",
            f"- long: a run of at least {long_run_min:g} min (moving time), or the week's "
            f"longest run when it is at least {long_run_share * 100:g} % of a whole week with "
            "two or more runs (the long-run rule's share; a week still in progress is not "
            "judged by its share).",
            f"- hard: at least {hard_threshold_min:g} min above the easy ceiling (heart rate "
            "above the easy zones); without heart rate, an average pace at or faster than "
            "threshold pace (when one is set).",
            f"- moderate: {moderate_threshold_min:g} to {hard_threshold_min:g} min above the "
            "easy ceiling (less is a hill or drift, not a workout); without heart rate, an "
            f"average pace in Friel's pace {EASY_PACE_ZONE} or faster.",
            "- easy: any other run (also a run with neither heart rate nor a threshold pace).",
            "- cross-training: activities of other sports only, no run.",
            "- rest: no activity.",
        ]
    )


CALENDAR_RULES = calendar_rules()
"""The rules with the default thresholds."""


def time_above_easy(
    hr_hist: pd.DataFrame | None, zones: pd.DataFrame, easy_zones: list[str]
) -> pd.Series:
    """Seconds each activity spent above the easy zones.

    Parameters
    ----------
    hr_hist
        HR histogram rows (``activity_id``, ``heart_rate_bpm``, ``sample_duration_s``), or
        ``None``.
    zones
        As returned by :func:`analysis.metrics.zones.hr_zones`.
    easy_zones
        Names of the easy zones (:func:`analysis.metrics.zones.easy_zones`).

    Returns
    -------
    pandas.Series
        Seconds above the easy zones [s], indexed by ``activity_id``; only activities with
        some heart-rate time appear (a missing activity has no heart rate).
    """
    if hr_hist is None or hr_hist.empty:
        return pd.Series(dtype="float64", name=c.TIME_S, index=pd.Index([], name=c.ACTIVITY_ID))
    hr = pd.to_numeric(hr_hist[c.HEART_RATE_BPM], errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan
    )
    seconds = pd.to_numeric(hr_hist[c.SAMPLE_DURATION_S], errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan
    )
    known = np.isfinite(hr) & np.isfinite(seconds) & (seconds > 0)
    lows = zones[c.ZONE_LOW_BPM].to_numpy(dtype="float64")
    # zones are contiguous and ascending: a reading is in the last zone whose low edge it reaches
    index = np.clip(np.searchsorted(lows, hr[known], side="right") - 1, 0, len(lows) - 1)
    names = zones[c.ZONE].astype("string").to_numpy()
    above = ~np.isin(names[index], np.asarray(easy_zones, dtype=object))
    ids = hr_hist[c.ACTIVITY_ID].to_numpy()[known]
    per_sample = pd.DataFrame(
        {c.ACTIVITY_ID: ids, c.TIME_S: np.where(above, seconds[known], 0.0), _HR_S: seconds[known]}
    )
    summed = per_sample.groupby(c.ACTIVITY_ID)[[c.TIME_S, _HR_S]].sum()
    out = summed.loc[summed[_HR_S] > 0, c.TIME_S].astype("float64")
    out.name = c.TIME_S
    return out


def _moving_s(activities: pd.DataFrame) -> pd.Series:
    moving = pd.to_numeric(activities[c.MOVING_TIME_S], errors="coerce")
    elapsed = pd.to_numeric(activities[c.DURATION_S], errors="coerce")
    return moving.fillna(elapsed).fillna(0.0).astype("float64")


def _avg_pace(row: pd.Series) -> float:
    """Average pace of one activity [s/km], NaN when it cannot be known."""
    speed = row[c.AVG_SPEED_MPS] if c.AVG_SPEED_MPS in row.index else math.nan
    if pd.notna(speed) and float(speed) > 0:
        return 1000.0 / float(speed)
    km = float(row[c.DISTANCE_KM])
    return float(row[_MOVING_S]) / km if km > 0 and float(row[_MOVING_S]) > 0 else math.nan


def classify_days(
    activities: pd.DataFrame,
    hr_hist: pd.DataFrame | None,
    zones: pd.DataFrame,
    easy_zones: list[str],
    *,
    start: DayLike,
    end: DayLike,
    hard_threshold_min: float = 10.0,
    long_run_min: float = 90.0,
    long_run_share: float = LONG_RUN_SHARE_MAX,
    moderate_threshold_min: float = 2.0,
    threshold_pace_s_per_km: float | None = None,
    week_start: str = "monday",
    unit: str = "km",
) -> pd.DataFrame:
    """Type every calendar day from ``start`` to ``end``.

    Each run is typed on its own, then the day takes the first type any of its activities
    earns, in the precedence **long > hard > moderate > easy > cross-training > rest**:

    - long: a run of at least ``long_run_min`` minutes of moving time, or the week's longest
      run when it is at least ``long_run_share`` of the week's running distance in a week of
      two or more runs (a lone run is trivially 100 % of its week). The share needs the whole
      week: in a week still in progress (its last day after ``end``, with no activity given
      after ``end``) Monday's 8 km would be 62 % of a 13 km week so far, so there a run is
      long only by its duration;
    - hard: at least ``hard_threshold_min`` minutes above the easy ceiling, from the HR
      histogram; a run without heart rate: an average pace at or faster than
      ``threshold_pace_s_per_km`` (when given);
    - moderate: at least ``moderate_threshold_min`` but under ``hard_threshold_min`` minutes
      above the easy ceiling (a minute or two is a hill or HR drift, not a workout); without
      heart rate: an average pace in Friel's pace Z3 or faster (under 114 % of threshold pace);
    - easy: any other run, including one with neither heart rate nor a threshold pace;
    - cross-training: only activities of other sports that day;
    - rest: no activity.

    Parameters
    ----------
    activities
        The activities frame of every sport (counted activities; the week totals for the long
        rule use all runs given, also outside ``start``–``end``).
    hr_hist
        HR histogram rows (``activity_id``, ``heart_rate_bpm``, ``sample_duration_s``), or
        ``None``.
    zones, easy_zones
        Heart-rate zones (:func:`analysis.metrics.zones.hr_zones`) and the names of the easy
        ones (:func:`analysis.metrics.zones.easy_zones`).
    start, end
        First and last day, inclusive.
    hard_threshold_min, long_run_min, moderate_threshold_min
        Thresholds [min].
    long_run_share
        Share of the week's running distance that makes the week's longest run long [0–1];
        by default the long-run rule's share,
        :data:`analysis.metrics.guidance.LONG_RUN_SHARE_MAX` (a run at the rule's limit is
        the week's long run).
    threshold_pace_s_per_km
        Threshold pace [s/km] for runs without heart rate; ``None`` to leave them easy.
    week_start
        ``"monday"`` or ``"sunday"``: the weeks of the long-run share.
    unit
        ``"km"`` or ``"mi"``: the unit of the ``rule`` sentences (numbers stay in km).

    Returns
    -------
    pandas.DataFrame
        ``date``, ``day_type``, ``distance_km`` [km] (running distance), ``duration_s`` [s]
        (moving time of every activity that day, elapsed where unknown) and ``rule`` (the
        sentence that decided the type), one row per day.
    """
    first, last = to_day(start), to_day(end)
    index = pd.date_range(first, last, freq="D", name=c.DATE)
    acts = activities.copy()
    acts[c.DATE] = pd.to_datetime(acts[c.LOCAL_DATE]).dt.normalize()
    acts[c.DISTANCE_KM] = pd.to_numeric(acts[c.DISTANCE_M], errors="coerce").fillna(0.0) / 1000.0
    acts[_MOVING_S] = _moving_s(acts)
    is_run = (acts[c.SPORT].astype("string") == c.SPORT_RUNNING).fillna(False).to_numpy(bool)
    runs = acts[is_run].copy()
    runs[c.WEEK_START] = week_start_of(runs[c.DATE], week_start)
    week = runs.groupby(c.WEEK_START)[c.DISTANCE_KM]
    runs[_WEEK_KM] = week.transform("sum")
    runs[_WEEK_MAX_KM] = week.transform("max")
    runs[_WEEK_RUNS] = week.transform("size")
    # a week is whole when its last day is within the data: up to `end`, or later when the
    # caller gave activities after `end` (a past period), never today's unfinished week
    known_until = max(last, acts[c.DATE].max()) if acts[c.DATE].notna().any() else last
    runs[_WEEK_WHOLE] = runs[c.WEEK_START] + pd.Timedelta(days=6) <= known_until
    above = time_above_easy(hr_hist, zones, easy_zones)
    easy_pace_ceiling: float | None = None
    if threshold_pace_s_per_km is not None:
        pz = pace_zones(threshold_pace_s_per_km)
        edge = pz.loc[pz[c.ZONE] == EASY_PACE_ZONE, c.PACE_HIGH_S_PER_KM]
        easy_pace_ceiling = float(edge.to_numpy(dtype="float64")[0])
    thresholds = _Thresholds(
        hard_s=hard_threshold_min * 60.0,
        moderate_s=moderate_threshold_min * 60.0,
        long_s=long_run_min * 60.0,
        long_share=long_run_share,
        threshold_pace=threshold_pace_s_per_km,
        easy_pace=easy_pace_ceiling,
        unit=unit,
    )
    in_range = (runs[c.DATE] >= first) & (runs[c.DATE] <= last)
    run_types: dict[pd.Timestamp, list[tuple[str, str]]] = {}
    for _, run in runs[in_range].iterrows():
        aid = run[c.ACTIVITY_ID]
        typed = _classify_run(run, float(above[aid]) if aid in above.index else None, thresholds)
        run_types.setdefault(pd.Timestamp(run[c.DATE]), []).append(typed)
    others = acts[~is_run]
    others = others[(others[c.DATE] >= first) & (others[c.DATE] <= last)]
    other_sports = others.groupby(c.DATE)[c.SPORT].agg(
        lambda s: ", ".join(sorted({str(x) for x in s}))
    )
    day_km = runs[in_range].groupby(c.DATE)[c.DISTANCE_KM].sum()
    in_range_all = (acts[c.DATE] >= first) & (acts[c.DATE] <= last)
    day_s = acts[in_range_all].groupby(c.DATE)[_MOVING_S].sum()

    types: list[str] = []
    rules: list[str] = []
    for day in index:
        typed_runs = run_types.get(day)
        if typed_runs:
            rank = [DAY_TYPES.index(t) for t, _ in typed_runs]
            day_type, rule = typed_runs[int(np.argmin(rank))]
            if len(typed_runs) > 1:
                rule = f"{rule}; {len(typed_runs)} runs that day"
        elif day in other_sports.index:
            day_type, rule = DAY_CROSS, f"cross-training: {other_sports[day]} only, no run"
        else:
            day_type, rule = DAY_REST, "rest: no activity"
        types.append(day_type)
        rules.append(rule)
    day_km.index = pd.DatetimeIndex(day_km.index).as_unit(index.unit)
    day_s.index = pd.DatetimeIndex(day_s.index).as_unit(index.unit)
    return pd.DataFrame(
        {
            c.DATE: index,
            c.DAY_TYPE: pd.Series(types, dtype="string"),
            c.DISTANCE_KM: day_km.reindex(index, fill_value=0.0).to_numpy(dtype="float64"),
            c.DURATION_S: day_s.reindex(index, fill_value=0.0).to_numpy(dtype="float64"),
            c.RULE: pd.Series(rules, dtype="string"),
        }
    )


class _Thresholds(TypedDict):
    hard_s: float
    moderate_s: float
    long_s: float
    long_share: float
    threshold_pace: float | None
    easy_pace: float | None
    unit: str


def _classify_run(run: pd.Series, above_s: float | None, t: _Thresholds) -> tuple[str, str]:
    """The type of one run and the sentence that decided it."""
    unit = t["unit"]
    moving_s = float(run[_MOVING_S])
    km = float(run[c.DISTANCE_KM])
    week_km = float(run[_WEEK_KM])
    if moving_s >= t["long_s"]:
        return DAY_LONG, (
            f"long: a run of {format_duration(moving_s)} (≥ {t['long_s'] / 60:g} min)"
        )
    share = km / week_km if week_km > 0 else 0.0
    is_longest = km > 0 and km >= float(run[_WEEK_MAX_KM])
    whole = bool(run[_WEEK_WHOLE])
    if whole and is_longest and int(run[_WEEK_RUNS]) >= 2 and share >= t["long_share"]:
        return DAY_LONG, (
            f"long: the week's longest run, {km_to(unit, km):.1f} {distance_label(unit)} = "
            f"{share * 100:.0f} % of the week's {km_to(unit, week_km):.1f} "
            f"{distance_label(unit)} (≥ {t['long_share'] * 100:g} %)"
        )
    if above_s is not None:
        minutes = above_s / 60.0
        if above_s >= t["hard_s"]:
            return DAY_HARD, (
                f"hard: {minutes:.0f} min above the easy ceiling (≥ {t['hard_s'] / 60:g} min)"
            )
        if above_s >= t["moderate_s"]:
            return DAY_MODERATE, (
                f"moderate: {minutes:.0f} min above the easy ceiling "
                f"({t['moderate_s'] / 60:g}–{t['hard_s'] / 60:g} min)"
            )
        if above_s <= 0:
            return DAY_EASY, "easy: no time above the easy ceiling"
        return DAY_EASY, (
            f"easy: {minutes:.1f} min above the easy ceiling (< {t['moderate_s'] / 60:g} min)"
        )
    threshold, easy_pace = t["threshold_pace"], t["easy_pace"]
    pace = _avg_pace(run)
    if threshold is None or easy_pace is None:
        return DAY_EASY, "easy: no heart rate and no threshold pace to judge the intensity"
    if not math.isfinite(pace):
        return DAY_EASY, "easy: no heart rate and no pace to judge the intensity"
    shown = format_pace(pace, unit)
    if pace <= threshold:
        return DAY_HARD, (
            f"hard: no heart rate; average pace {shown} at or faster than threshold pace "
            f"{format_pace(threshold, unit)}"
        )
    if pace < easy_pace:
        return DAY_MODERATE, (
            f"moderate: no heart rate; average pace {shown} faster than the easy pace "
            f"ceiling {format_pace(easy_pace, unit)} (pace {EASY_PACE_ZONE} or faster)"
        )
    return DAY_EASY, (
        f"easy: no heart rate; average pace {shown} at or slower than the easy pace ceiling "
        f"{format_pace(easy_pace, unit)}"
    )


def calendar_weeks(
    days: pd.DataFrame, weekly_typed: pd.DataFrame, week_start: str = "monday"
) -> pd.DataFrame:
    """The calendar as a grid: one row per week, one column per weekday.

    Parameters
    ----------
    days
        Output of :func:`classify_days`.
    weekly_typed
        Output of :func:`analysis.metrics.guidance.cutback_weeks` (``week_start`` and
        ``week_type``), with the same week convention.
    week_start
        ``"monday"`` or ``"sunday"``.

    Returns
    -------
    pandas.DataFrame
        ``week_start``, ``week_type`` (missing where ``weekly_typed`` has no such week),
        ``distance_km`` [km] and ``duration_s`` [s] (totals of the days given), then the
        seven weekday columns of :data:`analysis.columns.WEEKDAYS` starting on ``week_start``,
        each holding that day's type (missing for days outside ``days``).
    """
    order = list(c.WEEKDAYS) if week_start == "monday" else [c.WEEKDAYS[6], *c.WEEKDAYS[:6]]
    columns = [c.WEEK_START, c.WEEK_TYPE, c.DISTANCE_KM, c.DURATION_S, *order]
    if days.empty:
        frame = pd.DataFrame({col: pd.Series(dtype="string") for col in columns})
        frame[c.WEEK_START] = pd.Series(dtype="datetime64[ns]")
        frame[c.DISTANCE_KM] = pd.Series(dtype="float64")
        frame[c.DURATION_S] = pd.Series(dtype="float64")
        return frame[columns]
    dates = pd.to_datetime(days[c.DATE]).dt.normalize()
    frame = pd.DataFrame(
        {
            c.WEEK_START: week_start_of(dates, week_start).to_numpy(),
            _WEEKDAY: [c.WEEKDAYS[d] for d in dates.dt.day_of_week],
            c.DAY_TYPE: days[c.DAY_TYPE].astype("string").to_numpy(),
            c.DISTANCE_KM: pd.to_numeric(days[c.DISTANCE_KM], errors="coerce").fillna(0.0),
            c.DURATION_S: pd.to_numeric(days[c.DURATION_S], errors="coerce").fillna(0.0),
        }
    )
    totals = frame.groupby(c.WEEK_START)[[c.DISTANCE_KM, c.DURATION_S]].sum()
    grid = frame.pivot(index=c.WEEK_START, columns=_WEEKDAY, values=c.DAY_TYPE)
    grid = grid.reindex(columns=order).astype("string")
    out = totals.join(grid).reset_index()
    out.columns.name = None
    types = weekly_typed[[c.WEEK_START, c.WEEK_TYPE]].copy()
    types[c.WEEK_START] = pd.to_datetime(types[c.WEEK_START]).dt.normalize()
    types[c.WEEK_START] = types[c.WEEK_START].astype(out[c.WEEK_START].dtype)
    out = out.merge(types, on=c.WEEK_START, how="left")
    out[c.WEEK_TYPE] = out[c.WEEK_TYPE].astype("string")
    out[c.DISTANCE_KM] = out[c.DISTANCE_KM].astype("float64")
    out[c.DURATION_S] = out[c.DURATION_S].astype("float64")
    return out[columns]


def sessions_split(
    activities: pd.DataFrame,
    hr_hist: pd.DataFrame | None,
    zones: pd.DataFrame,
    easy_zones: list[str],
    hard_threshold_min: float = 10.0,
) -> SessionSplit:
    """80/20 counted in sessions: how many sessions were easy and how many hard.

    A session is hard when it spends at least ``hard_threshold_min`` minutes above the easy
    ceiling (heart rate above the easy zones); every other session with heart rate is easy.
    Sessions without heart rate are counted apart, not guessed. The time-based split is
    :func:`analysis.metrics.intensity.easy_hard_split`.

    Parameters
    ----------
    activities
        The sessions to count (for example the running activities of a period).
    hr_hist
        HR histogram rows (``activity_id``, ``heart_rate_bpm``, ``sample_duration_s``).
    zones, easy_zones
        Heart-rate zones and the names of the easy ones.
    hard_threshold_min
        Minutes above the easy ceiling that make a session hard [min].

    Returns
    -------
    SessionSplit
        ``easy_sessions``, ``hard_sessions`` [count], ``easy_pct``, ``hard_pct`` [%] of the
        sessions with heart rate (NaN without any), ``sessions_without_hr`` [count] and
        ``rule`` (the rule as a sentence).

    References
    ----------
    Seiler KS, Kjerland GØ. Quantifying training intensity distribution in elite endurance
    athletes: is there evidence for an "optimal" distribution? *Scand J Med Sci Sports*
    2006;16(1):49–56 (the session-goal count next to time in zones).

    Seiler S. What is best practice for training intensity and duration distribution in
    endurance athletes? *Int J Sports Physiol Perform* 2010;5(3):276–291 (about 80 % of
    sessions at low intensity).
    """
    above = time_above_easy(hr_hist, zones, easy_zones)
    ids = activities[c.ACTIVITY_ID]
    with_hr = ids.isin(above.index).to_numpy(bool)
    seconds = ids[with_hr].map(above).to_numpy(dtype="float64")
    hard = int((seconds >= hard_threshold_min * 60.0).sum())
    easy = int(with_hr.sum()) - hard
    total = easy + hard
    rule = (
        f"a session is hard when it spends at least {hard_threshold_min:g} min above the easy "
        f"zones ({', '.join(easy_zones)}); every other session with heart rate is easy"
    )
    return SessionSplit(
        easy_sessions=easy,
        hard_sessions=hard,
        easy_pct=easy * 100.0 / total if total else math.nan,
        hard_pct=hard * 100.0 / total if total else math.nan,
        sessions_without_hr=int((~with_hr).sum()),
        rule=rule,
    )
