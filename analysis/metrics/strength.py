"""Strength and mobility work: sessions per week against a target, their placement around hard
and long runs, and their session RPE load.

A session is either logged by hand (the store's session log) or imported: an activity whose sport
is one of :data:`analysis.columns.SESSION_TYPES` (a watch's strength, yoga or cardio activity,
see :data:`analysis.parsers.fit.FIT_SUB_SPORTS`). Imported sessions never count as runs: the
running metrics read ``sport == "running"`` only.

References
----------
Lauersen JB, Bertelsen DM, Andersen LB. The effectiveness of exercise interventions to prevent
sports injuries: a systematic review and meta-analysis of randomised controlled trials. *Br J
Sports Med* 2014;48(11):871–877 (strength training cut sports injuries to less than a third,
RR 0.32).

Lauersen JB, Andersen TE, Andersen LB. Strength training as superior, dose-dependent and safe
prevention of acute and overuse sports injuries: a systematic review, qualitative analysis and
meta-analysis. *Br J Sports Med* 2018;52(24):1557–1563.

American College of Sports Medicine. Progression models in resistance training for healthy
adults (position stand). *Med Sci Sports Exerc* 2009;41(3):687–708 (2–3 days a week for novice
and intermediate lifters).

Foster C, Florhaug JA, Franklin J, et al. A new approach to monitoring exercise training. *J
Strength Cond Res* 2001;15(1):109–115.

Doma K, Deakin GB. The acute effects of intensity and volume of strength training on running
performance. *Eur J Sport Sci* 2014;14(2):107–115 (running performance still impaired the day
after a strength session).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import columns as c
from analysis.metrics.calendar import DAY_HARD, DAY_LONG
from analysis.metrics.mileage import DayLike, to_day, week_start_of

TARGET_PER_WEEK = (2, 3)
"""Strength sessions a week the guidance asks for (ACSM 2009: 2–3 days a week; Lauersen et al.
2014, 2018 for the injury prevention)."""

TARGET_TYPES = (c.SPORT_STRENGTH, c.SPORT_PLYOMETRICS)
"""Session types that count towards :data:`TARGET_PER_WEEK`: resistance and jump training.
Mobility and cross-training are counted and shown, but are not strength work."""

HEAVY_TYPES = (c.SPORT_STRENGTH, c.SPORT_PLYOMETRICS)
"""Session types whose residual fatigue a hard or long run the next day should not meet
(Doma & Deakin 2014); mobility the day before is fine."""

BEFORE_KEY_RUN = (DAY_HARD, DAY_LONG)
"""Day types of :func:`analysis.metrics.calendar.classify_days` a heavy session should not
precede: hard (minutes above the easy ceiling, the ``hard_session_min`` setting) and long
(≥ 90 min, or the week's longest run at ≥ 25 % of its distance: the long-run rule)."""

SOURCE = "source"
"""Where a session comes from: :data:`FROM_LOG` or :data:`FROM_IMPORT`."""
FROM_LOG = "log"
FROM_IMPORT = "import"
SESSION_FRAME_COLUMNS: tuple[str, ...] = (*c.SESSION_COLUMNS, SOURCE)

WEEK_STATUS = "status"
BELOW, WITHIN, ABOVE = "below", "within", "above"
NEXT_DAY_TYPE = "next_day_type"


def all_sessions(logged: pd.DataFrame, activities: pd.DataFrame | None = None) -> pd.DataFrame:
    """Logged sessions and imported strength, mobility and cross-training activities, one frame.

    Parameters
    ----------
    logged
        The store's session log (:data:`analysis.columns.SESSION_COLUMNS`).
    activities
        Counted activities of every sport (or None); those whose sport is one of
        :data:`analysis.columns.SESSION_TYPES` become sessions: their local day, sport as
        type, moving time (elapsed where unknown) in minutes, their RPE, the activity id as
        session id.

    Returns
    -------
    pandas.DataFrame
        :data:`SESSION_FRAME_COLUMNS`, oldest first: ``date`` naive day, ``duration_min``
        [min], ``rpe`` [CR-10], ``source`` ``"log"`` or ``"import"``.
    """
    parts = []
    if len(logged):
        parts.append(logged.loc[:, list(c.SESSION_COLUMNS)].assign(**{SOURCE: FROM_LOG}))
    if activities is not None and len(activities):
        acts = activities[activities[c.SPORT].astype("string").isin(c.SESSION_TYPES).fillna(False)]
        if len(acts):
            moving = pd.to_numeric(acts[c.MOVING_TIME_S], errors="coerce")
            seconds = moving.fillna(pd.to_numeric(acts[c.DURATION_S], errors="coerce"))
            parts.append(
                pd.DataFrame(
                    {
                        c.SESSION_ID: acts[c.ACTIVITY_ID].astype(object).to_numpy(),
                        c.DATE: pd.to_datetime(acts[c.LOCAL_DATE]).dt.normalize().to_numpy(),
                        c.SESSION_TYPE: acts[c.SPORT].astype(object).to_numpy(),
                        c.DURATION_MIN: (seconds / 60.0).to_numpy(dtype="float64"),
                        c.RPE: pd.to_numeric(acts[c.RPE], errors="coerce").to_numpy("float64"),
                        c.EXERCISES: None,
                        c.NOTES: acts[c.NAME].astype(object).to_numpy(),
                        SOURCE: FROM_IMPORT,
                    }
                )
            )
    if not parts:
        out = pd.DataFrame({col: pd.Series(dtype=object) for col in SESSION_FRAME_COLUMNS})
        out[c.DATE] = pd.Series(dtype="datetime64[us]")
        out[c.DURATION_MIN] = pd.Series(dtype="float64")
        out[c.RPE] = pd.Series(dtype="float64")
        return out
    out = pd.concat(parts, ignore_index=True)
    out[c.DATE] = pd.to_datetime(out[c.DATE]).dt.normalize().astype("datetime64[us]")
    out[c.DURATION_MIN] = out[c.DURATION_MIN].astype("float64")
    out[c.RPE] = out[c.RPE].astype("float64")
    return out.sort_values([c.DATE, SOURCE], kind="stable").reset_index(drop=True)


def session_load(sessions: pd.DataFrame) -> pd.Series:
    """Foster's session RPE load of each session: RPE [CR-10] × duration [min].

    A session without an RPE has no load (NaN): it is not known, not zero.

    Returns
    -------
    pandas.Series
        [a.u., CR-10 × min], aligned with ``sessions``.

    References
    ----------
    Foster C, Florhaug JA, Franklin J, et al. A new approach to monitoring exercise training.
    *J Strength Cond Res* 2001;15(1):109–115.
    """
    rpe = pd.to_numeric(sessions[c.RPE], errors="coerce").astype("float64")
    minutes = pd.to_numeric(sessions[c.DURATION_MIN], errors="coerce").astype("float64")
    return (rpe * minutes).rename(c.SESSION_LOAD)


def daily_session_load(sessions: pd.DataFrame, model: str) -> pd.DataFrame:
    """The load sessions add to a day under a load model, for counting them in the total load.

    Parameters
    ----------
    sessions
        :func:`all_sessions` output (or the logged sessions alone).
    model
        ``"srpe"``: :func:`session_load` (unrated sessions add 0, as unrated runs do in
        :func:`analysis.metrics.load.activity_loads`); ``"duration"``: their minutes. Any other
        model cannot score a session without distance or heart rate: no rows.

    Returns
    -------
    pandas.DataFrame
        ``date``, ``load`` (sum per day), only days with sessions.
    """
    if sessions.empty or model not in ("srpe", "duration"):
        return pd.DataFrame({c.DATE: pd.Series(dtype="datetime64[us]"), c.LOAD: []})
    if model == "srpe":
        values = session_load(sessions).fillna(0.0)
    else:
        values = pd.to_numeric(sessions[c.DURATION_MIN], errors="coerce").fillna(0.0)
    frame = pd.DataFrame({c.DATE: pd.to_datetime(sessions[c.DATE]).dt.normalize(), c.LOAD: values})
    out: pd.DataFrame = frame.groupby(c.DATE)[c.LOAD].sum().reset_index()
    return out


def weekly_sessions(
    sessions: pd.DataFrame,
    *,
    start: DayLike,
    end: DayLike,
    week_start: str = "monday",
    target: tuple[int, int] = TARGET_PER_WEEK,
) -> pd.DataFrame:
    """Sessions per week from the week of ``start`` to the week of ``end``, against the target.

    Weeks without a session are rows of zeros: a week without strength work is the finding.

    Parameters
    ----------
    sessions
        :func:`all_sessions` output.
    start, end
        The days covered (both included; sessions outside are left out).
    week_start
        ``"monday"`` or ``"sunday"``.
    target
        The least and most strength sessions a week (:data:`TARGET_PER_WEEK`).

    Returns
    -------
    pandas.DataFrame
        ``week_start``; ``sessions`` (strength + plyometrics, :data:`TARGET_TYPES`) and one
        count column per session type; ``duration_min`` [min] and ``session_load``
        [CR-10 × min, rated sessions only] of every type; ``status``: ``"below"``,
        ``"within"`` or ``"above"`` the target. The week holding ``end`` is still in
        progress when ``end`` is not its last day: its status says so.
    """
    first, last = to_day(start), to_day(end)
    weeks = pd.date_range(
        week_start_of(pd.Series([first]), week_start).iloc[0],
        week_start_of(pd.Series([last]), week_start).iloc[0],
        freq="7D",
    )
    days = pd.to_datetime(sessions[c.DATE]).dt.normalize() if len(sessions) else pd.Series([])
    shown = sessions[(days >= first) & (days <= last)] if len(sessions) else sessions
    out = pd.DataFrame({c.WEEK_START: weeks})
    if len(shown):
        frame = shown.copy()
        frame[c.WEEK_START] = week_start_of(pd.to_datetime(shown[c.DATE]), week_start).to_numpy()
        frame[c.SESSION_LOAD] = session_load(shown)
        counts = frame.pivot_table(
            index=c.WEEK_START, columns=c.SESSION_TYPE, values=c.DURATION_MIN, aggfunc="size"
        )
        sums = frame.groupby(c.WEEK_START)[[c.DURATION_MIN, c.SESSION_LOAD]].sum(min_count=1)
    else:
        counts = pd.DataFrame(index=pd.DatetimeIndex([], name=c.WEEK_START))
        sums = pd.DataFrame(
            {c.DURATION_MIN: [], c.SESSION_LOAD: []}, index=pd.DatetimeIndex([], name=c.WEEK_START)
        )
    for kind in c.SESSION_TYPES:
        col = counts[kind] if kind in counts.columns else pd.Series(dtype="float64")
        col.index = pd.DatetimeIndex(col.index).as_unit("ns")
        out[kind] = col.reindex(out[c.WEEK_START]).fillna(0).astype("int64").to_numpy()
    out[c.SESSIONS] = out[list(TARGET_TYPES)].sum(axis=1).astype("int64")
    sums.index = pd.DatetimeIndex(sums.index).as_unit("ns")
    out[c.DURATION_MIN] = sums[c.DURATION_MIN].reindex(out[c.WEEK_START]).fillna(0.0).to_numpy()
    out[c.SESSION_LOAD] = sums[c.SESSION_LOAD].reindex(out[c.WEEK_START]).to_numpy()
    low, high = target
    status = np.where(out[c.SESSIONS] < low, BELOW, np.where(out[c.SESSIONS] > high, ABOVE, WITHIN))
    ends = out[c.WEEK_START] + pd.Timedelta(days=6)
    out[WEEK_STATUS] = pd.Series(status, dtype=object).where(
        (ends <= last) | (out[c.SESSIONS] >= low), "in progress"
    )
    cols = [c.WEEK_START, c.SESSIONS, *c.SESSION_TYPES, c.DURATION_MIN, c.SESSION_LOAD, WEEK_STATUS]
    return out[cols]


def placement_flags(sessions: pd.DataFrame, days: pd.DataFrame) -> pd.DataFrame:
    """Strength or plyometric sessions placed the day before a hard or a long run.

    Heavy legs meet the key run of the week: running performance is still impaired the day
    after a strength session (Doma & Deakin 2014), so the guidance places strength on the
    hard day itself or after it ("hard days hard"), not before it.

    Parameters
    ----------
    sessions
        :func:`all_sessions` output.
    days
        :func:`analysis.metrics.calendar.classify_days` output (``date``, ``day_type``,
        ``rule``): hard and long are typed there, by the athlete's hard-session threshold and
        the long-run rule. A session whose next day lies outside ``days`` is not judged.

    Returns
    -------
    pandas.DataFrame
        One row per flagged session: ``date``, ``session_type``, ``duration_min``,
        ``next_day_type`` (``"hard"`` or ``"long"``) and ``rule`` (the sentence why the next
        day is hard or long).
    """
    cols = [c.DATE, c.SESSION_TYPE, c.DURATION_MIN, NEXT_DAY_TYPE, c.RULE]
    if sessions.empty or days.empty:
        return pd.DataFrame({col: pd.Series(dtype=object) for col in cols})
    typed = days.assign(**{c.DATE: pd.to_datetime(days[c.DATE]).dt.normalize()}).set_index(c.DATE)
    heavy = sessions[sessions[c.SESSION_TYPE].isin(HEAVY_TYPES)]
    rows = []
    for _, row in heavy.iterrows():
        nxt = pd.Timestamp(row[c.DATE]).normalize() + pd.Timedelta(days=1)
        if nxt not in typed.index:
            continue
        kind = str(typed.at[nxt, c.DAY_TYPE])
        if kind in BEFORE_KEY_RUN:
            rows.append(
                (
                    pd.Timestamp(row[c.DATE]),
                    row[c.SESSION_TYPE],
                    float(row[c.DURATION_MIN]),
                    kind,
                    str(typed.at[nxt, c.RULE]),
                )
            )
    return pd.DataFrame(rows, columns=cols)


def session_days(sessions: pd.DataFrame, start: DayLike, end: DayLike) -> pd.DataFrame:
    """Per day from ``start`` to ``end``: minutes and types of the sessions that day.

    Returns
    -------
    pandas.DataFrame
        ``date``, ``strength_min`` [min] (every session type) and ``session_type`` (the
        types that day, comma-separated, empty without a session); the calendar marks them.
    """
    index = pd.date_range(to_day(start), to_day(end), freq="D", name=c.DATE)
    if sessions.empty:
        minutes = pd.Series(0.0, index=index)
        kinds = pd.Series("", index=index, dtype=object)
    else:
        day = pd.to_datetime(sessions[c.DATE]).dt.normalize()
        frame = sessions.assign(**{c.DATE: day})
        minutes = frame.groupby(c.DATE)[c.DURATION_MIN].sum()
        minutes.index = pd.DatetimeIndex(minutes.index).as_unit(index.unit)
        minutes = minutes.reindex(index, fill_value=0.0)
        kinds = frame.groupby(c.DATE)[c.SESSION_TYPE].agg(lambda s: ", ".join(sorted(set(s))))
        kinds.index = pd.DatetimeIndex(kinds.index).as_unit(index.unit)
        kinds = kinds.reindex(index, fill_value="")
    return pd.DataFrame(
        {
            c.DATE: index,
            c.STRENGTH_MIN: minutes.to_numpy(dtype="float64"),
            c.SESSION_TYPE: kinds.to_numpy(dtype=object),
        }
    )
