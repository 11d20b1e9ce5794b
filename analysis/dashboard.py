"""Each page's data preparation: store reads + metrics, no Streamlit.

The pages cache these results keyed on the store's revision, the settings and the period; the CLI's
daily export and the benchmark call the same functions, so what a page shows and what is exported
agree.

The period (:mod:`analysis.views.period`) reaches every page's function as ``first`` and
``as_of``: what the page shows (bars, calendar weeks, lines, tables) is restricted to
``first``..``as_of``, while rolling metrics are computed on the whole history up to ``as_of`` and
cut afterwards, since a 28-day chronic load on the period's first day needs the 28 days before it.
``first=None`` keeps the whole history, as the report and the export ask for.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from analysis import columns as c
from analysis import units
from analysis.metrics import (
    blocks,
    cadence,
    calendar,
    guidance,
    intensity,
    load,
    mileage,
    pain,
    plan,
    pmc,
    polarization,
    recovery,
    strength,
    zones,
)
from analysis.settings import AthleteSettings
from analysis.store import AthleteStore

LATEST_ACTIVITIES = 10

HR_MODELS = ("trimp", "edwards", "hrss")

LOAD_LABELS = {
    "distance": "distance [km], running only",
    "duration": "moving time [min], all sports",
    "trimp": "Banister TRIMP [a.u.], all sports with heart rate",
    "edwards": "Edwards TRIMP [a.u.], all sports with heart rate",
    "hrss": "hrTSS-like score [1 h at LTHR = 100], all sports with heart rate",
    "srpe": "session RPE [CR-10 × min], all sports you rated",
}


def running(store: AthleteStore) -> pd.DataFrame:
    """Counted running activities (duplicates left out), oldest first."""
    acts = store.activities(sport=c.SPORT_RUNNING)
    return acts.sort_values(c.START_TIME_UTC).reset_index(drop=True)


def weekly_running(acts: pd.DataFrame, settings: AthleteSettings, end: Any) -> pd.DataFrame:
    """:func:`analysis.metrics.mileage.weekly_distance` of runs with the athlete's week start,
    ramp limit and cutback threshold, up to ``end`` (a day or timestamp)."""
    return mileage.weekly_distance(
        acts,
        settings.week_start,
        settings.ramp_limit_pct,
        end=pd.Timestamp(end) if end is not None else None,
        cutback_threshold_pct=settings.cutback_threshold_pct,
    )


def last_data_day(store: AthleteStore) -> date | None:
    """The latest local day with a counted activity or a wellness entry; None without any."""
    span = data_span(store)
    return None if span is None else span[1]


def data_span(store: AthleteStore) -> tuple[date, date] | None:
    """The first and the latest local day with a counted activity or a wellness entry.

    A morning's wellness entry is data from that day: the decision on it reads the entry even
    when the last run is months old. None without either.
    """
    days = [
        pd.to_datetime(store.activities()[c.LOCAL_DATE]),
        pd.to_datetime(store.wellness()[c.DATE]),
    ]
    known = pd.concat([d for d in days if len(d)]).dropna() if any(len(d) for d in days) else None
    if known is None or known.empty:
        return None
    return pd.Timestamp(known.min()).date(), pd.Timestamp(known.max()).date()


def in_days(
    frame: pd.DataFrame, column: str, first: date | None, last: date | None
) -> pd.DataFrame:
    """The rows whose day in ``column`` lies in ``first``..``last`` (None leaves an end open).

    Parameters
    ----------
    frame
        Any frame with a day column (dates, naive or local timestamps).
    column
        The day column, e.g. ``local_date``, ``date`` or ``week_start``.
    first, last
        Both days included.

    Returns
    -------
    pandas.DataFrame
        The rows kept, index renumbered; ``frame`` itself when both ends are open or it is empty.
    """
    if frame.empty or (first is None and last is None):
        return frame
    days = pd.to_datetime(frame[column]).dt.normalize()
    keep = pd.Series(True, index=frame.index)
    if first is not None:
        keep &= days >= pd.Timestamp(first)
    if last is not None:
        keep &= days <= pd.Timestamp(last)
    return frame[keep].reset_index(drop=True)


def week_of(day: date, week_start: str) -> date:
    """The first day of the athlete's week holding ``day``."""
    return pd.Timestamp(
        mileage.week_start_of(pd.Series([pd.Timestamp(day)]), week_start).iloc[0]
    ).date()


NOT_ENOUGH_DATA = recovery.NOT_ENOUGH_DATA
"""The verdict shown instead of push when the decision knew none of its signals."""


def shown_verdict(decision: recovery.Decision, rules: tuple[recovery.Rule, ...]) -> str:
    """The decision's verdict, or :data:`NOT_ENOUGH_DATA` when no signal it reads was known.

    :func:`analysis.metrics.recovery.decide` says push when no rule fires, and a rule whose
    signal is missing cannot fire: with every signal unknown (an archive that ended long ago,
    no wellness log) push would be a green light on nothing. A hold or back-off always rests on
    a known signal, so only a push can turn into "not enough data".
    """
    read = {recovery.SIGNAL_LABELS.get(rule.signal, rule.signal) for rule in rules}
    if decision.verdict == recovery.PUSH and read <= set(decision.not_known):
        return NOT_ENOUGH_DATA
    return decision.verdict


@dataclass
class LoadData:
    acr: pd.DataFrame  # DATE, LOAD, ACUTE_LOAD, CHRONIC_LOAD, ACWR
    model: str
    label: str
    variant: str
    enough_history: bool  # the series spans the floor: a ratio can be charted somewhere
    history_days: int  # calendar days since the first load, breaks included
    min_chronic_days: int
    current_acwr: float | None
    current_band: str
    without_hr: int  # activities that count 0 under an HR model for lack of heart rate
    unrated: int  # activities that count 0 under session RPE for lack of a rating
    daily: pd.DataFrame  # DATE, LOAD: every calendar day, rest days zero
    # days of training in the stretch holding as_of (0 inside a break): the "you have N days"
    # that the floor is compared with (load.recorded_days)
    recorded_days: int = 0
    # whether as_of itself has a ratio: recorded_days reach the floor (a day inside a break, or
    # in the first weeks after one, has not enough history even when years came before it)
    enough_history_today: bool = False
    # the break the runner is coming back from on as_of while it still blanks the ratio
    # (load.return_after_break), None otherwise: the page names a return instead of a ratio
    return_after_break: dict[str, Any] | None = None


def acwr_band(value: float | None, settings: AthleteSettings) -> str:
    """The band of a ratio under the athlete's configured bands."""
    return load.acwr_band(
        value,
        sweet_spot=(settings.acwr_sweet_low, settings.acwr_sweet_high),
        danger=settings.acwr_danger,
    )


def load_activities(store: AthleteStore, settings: AthleteSettings) -> pd.DataFrame:
    """Distance load counts running; every other model counts every sport."""
    if settings.load_model == "distance":
        return running(store)
    return store.activities().sort_values(c.START_TIME_UTC).reset_index(drop=True)


def load_label(settings: AthleteSettings) -> str:
    """The chosen load model's label, in the athlete's distance unit for the distance model."""
    if settings.load_model == "distance":
        return f"distance [{units.distance_label(settings.units)}], running only"
    return LOAD_LABELS[settings.load_model]


def daily_loads(
    store: AthleteStore, settings: AthleteSettings, as_of: date | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The counted activities and the daily load series (zeros on rest days) of the chosen model.

    With ``as_of``, activities after it are left out and the series runs to it (rest days up to
    it count as zero load); before the first activity there is no series at all.
    """
    acts = load_activities(store, settings)
    if as_of is not None and not acts.empty:
        acts = acts[mileage.local_days(acts) <= pd.Timestamp(as_of)].reset_index(drop=True)
    if acts.empty:
        return acts, pd.DataFrame({c.DATE: pd.Series(dtype="datetime64[ns]"), c.LOAD: []})
    hr_hist = store.hr_histogram() if settings.load_model in HR_MODELS else None
    loads = load.activity_loads(
        acts,
        settings.load_model,
        hr_hist,
        resting_hr_bpm=settings.resting_hr_bpm,
        max_hr_bpm=settings.max_hr_bpm,
        sex=settings.sex,
        lthr_bpm=settings.lthr_bpm,
    )
    if settings.load_model == "distance":
        # the distance model counts in the athlete's unit: miles with miles (ratios are unit-free)
        loads = loads * units.distance_factor(settings.units)
    end = pd.Timestamp(as_of) if as_of is not None else None
    daily = load.daily_load(acts, loads, end=end)
    return acts, with_session_load(store, settings, daily, as_of)


def with_session_load(
    store: AthleteStore, settings: AthleteSettings, daily: pd.DataFrame, as_of: date | None
) -> pd.DataFrame:
    """The daily load with the logged strength & mobility sessions added, when the athlete's
    ``strength_in_load`` setting asks for it and the load model can score them (session RPE:
    RPE × minutes, Foster 2001; duration: minutes). Off by default: the load stays what the
    activities make it. Imported sessions are activities and already count under those models.
    """
    if not settings.strength_in_load or daily.empty:
        return daily
    extra = strength.daily_session_load(store.sessions(), settings.load_model)
    if extra.empty:
        return daily
    days = pd.to_datetime(daily[c.DATE]).dt.normalize()
    extra = extra[
        (extra[c.DATE] >= days.min())
        & (extra[c.DATE] <= (pd.Timestamp(as_of) if as_of is not None else days.max()))
    ]
    added = extra.set_index(extra[c.DATE].astype(days.dtype))[c.LOAD]
    out = daily.copy()
    out[c.LOAD] = out[c.LOAD].to_numpy(dtype="float64") + added.reindex(days).fillna(0.0).to_numpy()
    return out


def load_data(
    store: AthleteStore,
    settings: AthleteSettings,
    as_of: date | None = None,
    *,
    first: date | None = None,
) -> LoadData:
    """Daily load, acute and chronic loads and their ratio up to ``as_of``.

    The ratio is computed on the whole history up to ``as_of``; ``acr`` then keeps the days from
    ``first`` on, and ``current_acwr`` is the ratio on ``as_of``. ``daily`` stays whole: the
    monotony behind the decision reads the week before ``as_of`` whatever the period.
    """
    model = settings.load_model
    label = load_label(settings)
    acts, daily = daily_loads(store, settings, as_of)
    floor = settings.acwr_min_chronic_days
    if acts.empty:
        empty = pd.DataFrame(columns=[c.DATE, c.LOAD, c.ACUTE_LOAD, c.CHRONIC_LOAD, c.ACWR])
        band = acwr_band(None, settings)
        return LoadData(
            empty, model, label, settings.acwr_variant, False, 0, floor, None, band, 0, 0, daily
        )
    acr = load.acute_chronic(
        daily, variant=settings.acwr_variant, min_chronic_days=floor, max_gap_days=load.MAX_GAP_DAYS
    )
    last = acr.iloc[-1]
    day = as_of if as_of is not None else pd.Timestamp(daily[c.DATE].max()).date()
    shown = in_days(acr, c.DATE, first, None)
    current = None if pd.isna(last[c.ACWR]) else float(last[c.ACWR])
    without_hr = int(acts[c.AVG_HEART_RATE_BPM].isna().sum()) if model in HR_MODELS else 0
    unrated = int(acts[c.RPE].isna().sum()) if model == "srpe" else 0
    return LoadData(
        shown,
        model,
        label,
        settings.acwr_variant,
        load.enough_history(daily, min_chronic_days=floor),
        load.history_days(daily),
        floor,
        current,
        acwr_band(current, settings),
        without_hr,
        unrated,
        daily,
        recorded_days=load.recorded_days(daily, load.MAX_GAP_DAYS),
        # the rule acute_chronic applies on as_of, not whether the series holds a ratio anywhere
        enough_history_today=load.enough_history(
            daily, min_chronic_days=floor, max_gap_days=load.MAX_GAP_DAYS
        ),
        return_after_break=load.return_after_break(
            daily, day, max_gap_days=load.MAX_GAP_DAYS, min_chronic_days=floor
        ),
    )


def fitness_data(
    store: AthleteStore,
    settings: AthleteSettings,
    as_of: date | None = None,
    *,
    first: date | None = None,
) -> dict[str, Any]:
    """PMC (CTL/ATL/TSB) and Foster monotony/strain on the chosen load, shown from ``first``.

    Both are computed from the first activity on (fitness builds up over months) and cut to the
    period afterwards, so the period's first day shows the fitness its history earned.
    """
    _, daily = daily_loads(store, settings, as_of)
    if daily.empty:
        return {
            "pmc": pd.DataFrame(),
            "monotony": pd.DataFrame(),
            "label": load_label(settings),
        }
    return {
        "pmc": in_days(pmc.pmc(daily, convention=settings.pmc_convention), c.DATE, first, None),
        "monotony": in_days(pmc.monotony(daily), c.DATE, first, None),
        "label": load_label(settings),
    }


def overview_data(
    store: AthleteStore, settings: AthleteSettings, as_of: date, *, first: date | None = None
) -> dict[str, Any]:
    """The week of ``as_of`` against the weeks before, the decision on ``as_of``, latest activities.

    Returns
    -------
    dict
        ``comparison`` (:func:`analysis.metrics.mileage.week_comparison` on ``as_of``),
        ``week_runs`` (runs in the week of ``as_of`` up to it: 0 means there is nothing to
        compare, not a week of 0 km), ``load``, ``today`` (the decision on ``as_of``) and
        ``verdict`` (its verdict, or "not enough data"), ``return_after_break`` (the break
        the runner is coming back from on ``as_of`` while the ratio is still blank, see
        :func:`analysis.metrics.load.return_after_break`; None otherwise), ``latest`` (the
        period's newest activities, at most :data:`LATEST_ACTIVITIES`), ``activities``
        (counted activities of every sport and day) and ``runs``.
    """
    rec = recovery_data(store, settings, as_of)  # the decision, the load and the runs behind it
    acts = rec["running"]
    comparison = mileage.week_comparison(acts, as_of, settings.week_start)
    week = in_days(acts, c.LOCAL_DATE, week_of(as_of, settings.week_start), as_of)
    every = store.activities()
    latest = in_days(every, c.LOCAL_DATE, first, as_of)
    latest = latest.sort_values(c.START_TIME_UTC, ascending=False).head(LATEST_ACTIVITIES)
    return {
        "comparison": comparison,
        "week_runs": len(week),
        "load": rec["load"],
        "today": rec["today"],
        "verdict": rec["today_verdict"],
        "return_after_break": rec["load"].return_after_break,
        "latest": latest.reset_index(drop=True),
        "activities": len(every),
        "runs": len(acts),
    }


def mileage_data(
    store: AthleteStore,
    settings: AthleteSettings,
    as_of: date | None = None,
    *,
    first: date | None = None,
) -> dict[str, Any]:
    """Weekly and monthly distance of the weeks and months that touch ``first``..``as_of``.

    The weekly ramp is computed on every week up to ``as_of`` first, so the period's first week
    is compared with the week before it rather than with nothing.
    """
    acts = running(store)
    if acts.empty:
        return {"weekly": pd.DataFrame(), "monthly": pd.DataFrame(), "runs": 0, "period_runs": 0}
    end = pd.Timestamp(as_of) if as_of is not None else None
    weekly = weekly_running(acts, settings, end)
    upto = in_days(acts, c.LOCAL_DATE, None, as_of)
    monthly = mileage.monthly_distance(upto)
    if first is not None:
        weekly = in_days(weekly, c.WEEK_START, week_of(first, settings.week_start), None)
        monthly = in_days(monthly, c.MONTH_START, first.replace(day=1), None)
    period_runs = len(in_days(upto, c.LOCAL_DATE, first, None))
    return {"weekly": weekly, "monthly": monthly, "runs": len(acts), "period_runs": period_runs}


def cadence_data(
    store: AthleteStore, *, first: date | None = None, as_of: date | None = None
) -> dict[str, Any]:
    """Per-run cadence and the time-weighted distribution of the runs in ``first``..``as_of``.

    ``runs`` counts the period's runs with a cadence, ``runs_all`` those of every day (an empty
    period is not an athlete without cadence).
    """
    every = running(store)
    acts = in_days(every, c.LOCAL_DATE, first, as_of)
    hist = in_days(store.cadence_histogram(sport=c.SPORT_RUNNING), c.LOCAL_DATE, first, as_of)
    per_run = cadence.cadence_per_run(acts) if not acts.empty else pd.DataFrame()
    with_cadence = pd.to_numeric(every[c.AVG_CADENCE_SPM], errors="coerce").notna()
    return {
        "per_run": per_run,
        "distribution": cadence.cadence_distribution(hist) if len(hist) else pd.DataFrame(),
        "share_in_band": cadence.share_in_band(hist) if len(hist) else float("nan"),
        "runs": len(per_run),
        "runs_all": int(with_cadence.sum()),
    }


def zone_table(settings: AthleteSettings) -> pd.DataFrame:
    return zones.hr_zones(
        settings.zone_model, settings.max_hr_bpm, settings.resting_hr_bpm, settings.lthr_bpm
    )


def intensity_data(
    store: AthleteStore,
    settings: AthleteSettings,
    *,
    first: date | None = None,
    as_of: date | None = None,
) -> dict[str, Any]:
    """Time in heart-rate zones, per week and in all, of the running in ``first``..``as_of``.

    ``any_hr`` says whether any run of any day has heart rate (an empty period is not an athlete
    without a heart-rate strap).
    """
    table = zone_table(settings)
    every = store.hr_histogram(sport=c.SPORT_RUNNING)
    hist = in_days(every, c.LOCAL_DATE, first, as_of)
    if hist.empty:
        return {"zones": table, "weekly": pd.DataFrame(), "overall": pd.DataFrame(),
                "split": None, "easy": zones.easy_zones(settings.zone_model),
                "any_hr": not every.empty}  # fmt: skip
    weekly = intensity.weekly_time_in_zones(hist, table, settings.week_start)
    overall = intensity.time_in_zones(hist, table)
    easy = zones.easy_zones(settings.zone_model)
    return {
        "zones": table,
        "weekly": weekly,
        "overall": overall,
        "split": intensity.easy_hard_split(overall, easy),
        "easy": easy,
        "any_hr": True,
    }


def activity_table(store: AthleteStore) -> pd.DataFrame:
    """Every activity, duplicates included and marked, newest first."""
    acts = store.activities(include_duplicates=True)
    acts[c.NAME] = acts[c.NAME].fillna(acts[c.SOURCE_NAME])
    acts[c.DISTANCE_KM] = acts[c.DISTANCE_M] / 1000.0
    speed = acts[c.AVG_SPEED_MPS]
    acts[c.PACE_S_PER_KM] = np.where(speed > 0, 1000.0 / speed, np.nan)
    return acts


def daily_export(store: AthleteStore) -> tuple[pd.DataFrame, list[str]]:
    """One row per local calendar day: distance, duration, load, ACWR, PMC, monotony, wellness."""
    settings = store.load_settings()
    acts = running(store)
    ld = load_data(store, settings)
    header = [
        "Stridelog daily export; days are local calendar days of each activity's start",
        f"load model: {settings.load_model} ({ld.label})",
        f"acwr variant: {settings.acwr_variant} ({load.ACWR_VARIANT_TEXT[settings.acwr_variant]})",
        f"ctl/atl/tsb: 42/7-day, {settings.pmc_convention} convention; "
        + pmc.TSB_CONVENTION_TEXT[settings.pmc_convention],
        "monotony: Foster 1998, 7-day mean / population SD; strain = 7-day load x monotony",
        f"breaks: more than {load.MAX_GAP_DAYS} days without load are not data; acwr, ctl, atl, "
        "tsb, monotony and strain are exported as empty values across them (and acwr until the "
        "stretch after a break reaches the chronic floor)",
    ]
    cols = [
        c.DATE, c.DISTANCE_M, c.DURATION_S, c.LOAD, c.ACUTE_LOAD, c.CHRONIC_LOAD, c.ACWR,
        "load_model", "acwr_variant", c.CTL, c.ATL, c.TSB, c.MONOTONY, c.STRAIN,
        *c.WELLNESS_COLUMNS[1:], c.STRENGTH_MIN, c.PAIN_MAX, c.BLOCK_KIND,
    ]  # fmt: skip
    header.append(
        "strength_min: minutes of strength, mobility, plyometrics and cross-training sessions "
        "(logged and imported); pain_max: the highest severity (0-10) in the pain log that day"
    )
    wellness = store.wellness()
    if ld.daily.empty and wellness.empty:
        return pd.DataFrame(columns=cols), header
    days = [frame[c.DATE] for frame in (ld.daily, wellness) if not frame.empty]
    if not acts.empty:
        days.append(acts[c.LOCAL_DATE])
    all_days = pd.concat(days)
    start, end = pd.Timestamp(all_days.min()), pd.Timestamp(all_days.max())
    totals = mileage.daily_totals(acts, start=start, end=end) if not acts.empty else None
    out = pd.DataFrame({c.DATE: pd.date_range(start, end, freq="D")})
    if totals is not None:
        out = out.merge(
            totals[[c.DATE, c.DISTANCE_KM, c.DURATION_S]].assign(
                **{c.DATE: pd.to_datetime(totals[c.DATE])}
            ),
            on=c.DATE,
            how="left",
        )
        out[c.DISTANCE_M] = out.pop(c.DISTANCE_KM).fillna(0.0) * 1000.0
        out[c.DURATION_S] = out[c.DURATION_S].fillna(0.0)
    else:
        out[c.DISTANCE_M] = 0.0
        out[c.DURATION_S] = 0.0
    if not ld.acr.empty:
        acr = ld.acr.assign(**{c.DATE: pd.to_datetime(ld.acr[c.DATE])})
        out = out.merge(acr, on=c.DATE, how="left")
        fit = pmc.pmc(ld.daily, convention=settings.pmc_convention)
        mono = pmc.monotony(ld.daily)
        out = out.merge(
            fit[[c.DATE, c.CTL, c.ATL, c.TSB]].assign(**{c.DATE: pd.to_datetime(fit[c.DATE])}),
            on=c.DATE,
            how="left",
        )
        out = out.merge(
            mono[[c.DATE, c.MONOTONY, c.STRAIN]].assign(**{c.DATE: pd.to_datetime(mono[c.DATE])}),
            on=c.DATE,
            how="left",
        )
    out[c.LOAD] = out[c.LOAD].fillna(0.0) if c.LOAD in out else 0.0
    out["load_model"] = settings.load_model
    out["acwr_variant"] = settings.acwr_variant
    if not wellness.empty:
        out = out.merge(wellness, on=c.DATE, how="left")
    out[c.BLOCK_KIND] = blocks.block_of_days(out[c.DATE], store.blocks())  # the training block
    out = out.merge(_daily_logs(store, out[c.DATE]), on=c.DATE, how="left")
    for col in cols:
        if col not in out:
            out[col] = np.nan
    return out[cols], header


def _daily_logs(store: AthleteStore, dates: pd.Series) -> pd.DataFrame:
    """``date``, ``strength_min`` (0 without a session) and ``pain_max`` (empty without an
    entry) for the export's days."""
    days = pd.to_datetime(dates).dt.normalize()
    sessions = strength.all_sessions(store.sessions(), store.activities())
    per_day = strength.session_days(sessions, days.min(), days.max())
    pains = pain.site_series(store.pain_log())
    worst = pains.groupby(c.DATE)[c.SEVERITY].max() if len(pains) else pd.Series(dtype="float64")
    worst.index = pd.DatetimeIndex(worst.index).as_unit("ns")
    return pd.DataFrame(
        {
            c.DATE: dates.to_numpy(),
            c.STRENGTH_MIN: per_day.set_index(c.DATE)[c.STRENGTH_MIN]
            .reindex(pd.DatetimeIndex(days).as_unit(per_day[c.DATE].dt.unit))
            .fillna(0.0)
            .to_numpy(),
            c.PAIN_MAX: worst.reindex(pd.DatetimeIndex(days).as_unit("ns")).to_numpy(),
        }
    )


# ---- guidance, recovery, plan ---------------------------------------------------------------------

CALENDAR_WEEKS = 12
"""The most weeks the training calendar shows: the period's last ones (all of the default 12)."""


def complete_weeks(weekly: pd.DataFrame, as_of: date | None) -> pd.DataFrame:
    """Weeks that have ended by ``as_of`` (a week in progress looks light: not a cutback)."""
    if weekly.empty or as_of is None:
        return weekly
    ends = pd.to_datetime(weekly[c.WEEK_START]) + pd.Timedelta(days=6)
    return weekly[ends <= pd.Timestamp(as_of)].reset_index(drop=True)


def guidance_data(
    store: AthleteStore, settings: AthleteSettings, as_of: date, *, first: date | None = None
) -> dict[str, Any]:
    """Long-run share, cutback weeks, next week's budget, the calendar, 80/20, polarization.

    The budget is for the week after ``as_of``'s and reads every week before it; the long-run
    share, the calendar (its last :data:`CALENDAR_WEEKS` weeks at most) and the easy/hard
    splits show the period ``first``..``as_of`` (the whole history when ``first`` is None, and
    the calendar its last weeks).
    """
    acts = running(store)
    table = zone_table(settings)
    easy = zones.easy_zones(settings.zone_model)
    out: dict[str, Any] = {"runs": len(acts), "pace_zones": zones.pace_zones(
        settings.threshold_pace_s_per_km, settings.units)}  # fmt: skip
    if acts.empty:
        return out
    end = pd.Timestamp(as_of)
    weekly = weekly_running(acts, settings, end)
    complete = complete_weeks(weekly, as_of)
    typed = guidance.cutback_weeks(
        guidance.long_run_share(complete), threshold_pct=settings.cutback_threshold_pct
    )
    km_loads = load.activity_loads(acts, "distance")
    daily_km = load.daily_load(acts, km_loads, end=end)
    budget = guidance.next_week_budget(
        daily_km[
            daily_km[c.DATE] <= pd.to_datetime(typed[c.WEEK_START]).max() + pd.Timedelta(days=6)
        ]
        if not typed.empty
        else daily_km,
        typed if not typed.empty else weekly,
        ramp_limit_pct=settings.ramp_limit_pct,
        acwr_ceiling=settings.acwr_sweet_high,
        unit=settings.units,
    )
    # one read of the histogram of every sport serves both the calendar and the runs' splits
    every_hr_hist = store.hr_histogram()
    hr_hist = every_hr_hist[every_hr_hist[c.ACTIVITY_ID].isin(acts[c.ACTIVITY_ID])]
    all_acts = store.activities().sort_values(c.START_TIME_UTC).reset_index(drop=True)
    first_day = mileage.week_start_of(
        pd.Series([end - pd.Timedelta(weeks=CALENDAR_WEEKS - 1)]), settings.week_start
    ).iloc[0]
    if first is not None:
        first_day = max(first_day, pd.Timestamp(week_of(first, settings.week_start)))
        # the easy/hard splits count the period's sessions and time, not the whole history
        acts = in_days(acts, c.LOCAL_DATE, first, as_of)
        hr_hist = in_days(hr_hist, c.LOCAL_DATE, first, as_of)
    days = calendar.classify_days(
        all_acts,
        # heart rate types the calendar's own days only (the week totals of the long-run rule
        # come from the activities): the whole history's histogram, 150 k rows on five years,
        # cost the Guidance page most of its time
        in_days(every_hr_hist, c.LOCAL_DATE, first_day.date(), end.date()),
        table,
        easy,
        start=first_day,
        end=end,
        hard_threshold_min=settings.hard_session_min,
        threshold_pace_s_per_km=settings.threshold_pace_s_per_km,
        week_start=settings.week_start,
        unit=settings.units,
    )
    typed_all = guidance.cutback_weeks(weekly, threshold_pct=settings.cutback_threshold_pct)
    grid = calendar.calendar_weeks(days, typed_all, settings.week_start)
    # the calendar marks strength & mobility sessions, logged or imported
    session_days = strength.session_days(
        strength.all_sessions(store.sessions(), all_acts), first_day, end
    )
    tiz = intensity.time_in_zones(hr_hist, table) if len(hr_hist) else pd.DataFrame()
    three = polarization.three_zone_from_five(tiz, settings.zone_model) if len(tiz) else None
    shown = (
        typed
        if first is None
        else in_days(typed, c.WEEK_START, week_of(first, settings.week_start), None)
    )
    out.update(
        {
            "weekly": shown,
            "warning": guidance.cutback_warning(typed) if not typed.empty else None,
            "budget": budget,
            "days": days,
            "calendar": grid,
            "session_days": session_days,
            "calendar_rules": calendar.calendar_rules(hard_threshold_min=settings.hard_session_min),
            "sessions": calendar.sessions_split(
                acts, hr_hist, table, easy, settings.hard_session_min
            ),
            "time_split": intensity.easy_hard_split(tiz, easy) if len(tiz) else None,
            "three_zones": three,
            "polarization": polarization.polarization(*three[c.TIME_S].tolist())
            if three is not None
            else None,
        }
    )
    return out


def decision_rules(store: AthleteStore, settings: AthleteSettings) -> tuple[recovery.Rule, ...]:
    """The athlete's own rule table if they edited it, else the defaults with their limits.

    A table saved before a signal joined the defaults (the pain log's, for one) gets that
    signal's default rules appended: the athlete never saw them, so they cannot have removed
    them. A signal the athlete knew and took out stays out.
    """
    defaults = recovery.default_rules(
        acwr_sweet_high=settings.acwr_sweet_high,
        acwr_danger=settings.acwr_danger,
        ramp_limit_pct=settings.ramp_limit_pct,
        pain_limit=settings.pain_limit,
    )
    saved = store.get_meta(RULES_KEY)
    if not saved:
        return defaults
    stored = json.loads(saved)
    if isinstance(stored, list):  # the first format: the rules alone
        rows, known = stored, SIGNALS_BEFORE_PAIN_LOG
    else:
        rows, known = stored["rules"], frozenset(stored["signals"])
    own = recovery.rules_from_table(pd.DataFrame(rows))
    return own + tuple(r for r in defaults if r.signal not in known)


RULES_KEY = "decision_rules"

SIGNALS_BEFORE_PAIN_LOG = frozenset(
    {
        c.ACWR, c.CHANGE_PCT, c.MONOTONY, c.RHR_DELTA_BPM, c.HRV_STATUS, c.SLEEP_H, c.SORENESS,
        c.FATIGUE,
    }
)  # fmt: skip
"""The signals a rule table saved in the first format (a bare list of rules) knew of."""


def save_decision_rules(store: AthleteStore, table: pd.DataFrame | None) -> None:
    """Keep an edited rule table (validated first), with the signals the defaults had then;
    None goes back to the defaults."""
    if table is None:
        store.set_meta(RULES_KEY, "")
        return
    recovery.rules_from_table(table)  # raises ValueError with the reason
    known = sorted({r.signal for r in recovery.DEFAULT_RULES})
    rows = json.loads(table.to_json(orient="records"))
    store.set_meta(RULES_KEY, json.dumps({"signals": known, "rules": rows}))


def recovery_data(
    store: AthleteStore, settings: AthleteSettings, as_of: date, *, first: date | None = None
) -> dict[str, Any]:
    """Wellness baselines, and the push / hold / back-off of ``as_of`` and its week, with reasons.

    Baselines are computed on the whole log (each morning against the 28 days before it); the
    ``wellness`` and ``baselines`` shown keep the period's days. ``today_verdict`` and
    ``week_verdict`` are the verdicts to show: "not enough data" where no signal was known.
    ``running`` (:func:`running`) and ``complete_weeks`` (:func:`complete_weeks` of their weekly
    distance up to ``as_of``, behind the ramp signal) are handed on, so the Overview and the
    roster reuse them instead of reading and computing them again.
    """
    log = store.wellness()
    base = recovery.baselines(log) if not log.empty else log
    rules = decision_rules(store, settings)
    ld = load_data(store, settings, as_of)
    acts = running(store)
    day = pd.Timestamp(as_of)
    week0 = mileage.week_start_of(pd.Series([day]), settings.week_start).iloc[0]
    load_signals: dict[str, float | str | None] = {c.ACWR: ld.current_acwr}
    # the daily loads behind the ratio serve monotony too: loaded once, not again
    mono = pmc.monotony(ld.daily) if not ld.daily.empty else pd.DataFrame()
    if not mono.empty:
        last = mono[pd.to_datetime(mono[c.DATE]) <= day].tail(1)
        value = float(last[c.MONOTONY].iloc[0]) if len(last) else float("nan")
        load_signals[c.MONOTONY] = None if math.isnan(value) else value
    done = pd.DataFrame()
    if not acts.empty:
        weekly = weekly_running(acts, settings, day)
        done = complete_weeks(weekly, as_of)
        if len(done):
            change = done[c.CHANGE_PCT].iloc[-1]
            load_signals[c.CHANGE_PCT] = None if pd.isna(change) else float(change)
    today_signals = {**(recovery.day_signals(base, day) if not base.empty else {}), **load_signals}
    week_rec = recovery.week_signals(base, week0, as_of) if not base.empty else {}
    # the pain log joins the decision: the worst niggle of the last days, or of the week
    pains = store.pain_log()
    today_signals[c.PAIN_MAX] = pain.pain_signal(pains, day)
    week_rec = {**week_rec, c.PAIN_MAX: pain.week_pain_signal(pains, week0, as_of)}
    today = recovery.decide(today_signals, rules)
    week = recovery.decide({**week_rec, **load_signals}, rules)
    shown_days = (first, as_of) if first is not None else (None, None)
    return {
        "wellness": in_days(log, c.DATE, *shown_days),
        "baselines": in_days(base, c.DATE, *shown_days),
        "wellness_all": len(log),
        "rules": rules,
        "rules_table": recovery.rules_table(rules),
        "today": today,
        "week": week,
        "today_verdict": shown_verdict(today, rules),
        "week_verdict": shown_verdict(week, rules),
        "week_start": week0.date(),
        "signals": today_signals,
        "load": ld,
        "running": acts,
        "complete_weeks": done,
    }


def plan_data(
    store: AthleteStore, settings: AthleteSettings, as_of: date, *, first: date | None = None
) -> dict[str, Any]:
    """The weekly plan against what was done, with compliance colours.

    ``plan`` is the whole plan (what the editor edits); ``compliance`` keeps the weeks from the
    week of ``first`` to the week of ``as_of``, and the planned weeks after it when ``as_of`` is
    the latest day with a run (the weeks to come belong to the present, not to a past block).
    """
    plan_frame = store.plan()
    acts = running(store)
    if plan_frame.empty:
        return {"plan": plan_frame, "compliance": pd.DataFrame()}
    loads = load.activity_loads(acts, "distance") if not acts.empty else None
    actual = plan.weekly_actuals(acts, loads, settings.week_start)
    # each plan week is counted over its own seven days, whatever the athlete's week start
    table = plan.compliance(
        plan_frame,
        actual,
        week_start=settings.week_start,
        today=as_of,
        activities=acts,
        loads=loads,
    )
    if first is not None:
        later = in_days(acts, c.LOCAL_DATE, as_of + timedelta(days=1), None)
        last = week_of(as_of, settings.week_start) if len(later) else None
        table = in_days(table, c.WEEK_START, week_of(first, settings.week_start), last)
    return {"plan": plan_frame, "compliance": table}
