"""The pain log: each body site over time, pain episodes, what the weeks before each held, and
the pain signal of the push / hold / back-off decision.

What this module finds is **association, not diagnosis**: a ramp or a short night in the 28 days
before a niggle may have nothing to do with it, and a niggle without any of them may still come
from the training. The pages say so.

References
----------
Nielsen RO, Parner ET, Nohr EA, et al. Excessive progression in weekly running distance and risk
of running-related injuries: an association which varies according to type of injury. *J Orthop
Sports Phys Ther* 2014;44(10):739–747 (the ramp).

Gabbett TJ. The training–injury prevention paradox: should athletes be training smarter and
harder? *Br J Sports Med* 2016;50(5):273–280 (the ACWR bands).

Frandsen JSB, Hulme A, Parner ET, et al. How much running is too much? Identifying high-risk
running sessions in a 5200-person cohort study. *Br J Sports Med* 2025 (a run more than 10 %
longer than the longest of the 30 days before it).

Silbernagel KG, Thomeé R, Eriksson BI, Karlsson J. Continued sports activity, using a
pain-monitoring model, during rehabilitation in patients with Achilles tendinopathy. *Am J
Sports Med* 2007;35(6):897–906 (pain up to 5/10 allowed; more is a reason to cut back).
"""

from __future__ import annotations

import pandas as pd

from analysis import columns as c
from analysis.metrics import recovery
from analysis.metrics.mileage import DayLike, to_day
from analysis.units import distance_label, km_to

WINDOW_DAYS = 28
"""Days before an episode whose training and recovery are shown beside it."""

EPISODE_GAP_DAYS = 7
"""A site without pain (no entry above 0) for this many days starts a new episode there."""

LONG_RUN_JUMP_PCT = 10.0
"""A run more than this much longer than the longest of the :data:`LONG_RUN_JUMP_DAYS` before
it is a long-run jump [%] (Frandsen et al. 2025)."""
LONG_RUN_JUMP_DAYS = 30

SHORT_SLEEP_H = recovery.SHORT_SLEEP_H
"""A night under this is short [h]: the decision rules' threshold (6 h)."""

HIGH_SORENESS = recovery.HIGH_RATING
"""Soreness at or above this on the 1–5 wellness scale is high: the decision rules' hold (4)."""

RECENT_DAYS = 3
"""The pain signal of a day is the highest severity logged on it or the two days before."""

# trigger columns of :func:`triggers`
RAMP = "ramp"
ACWR_HIGH = "acwr_high"
LONG_RUN_JUMP = "long_run_jump"
NEW_GEAR = "new_gear"
SHORT_SLEEP = "short_sleep"
HIGH_SORENESS_DAYS = "high_soreness"
TRIGGERS = "triggers"  # how many of the triggers the window held
TRIGGER_COLUMNS = (RAMP, ACWR_HIGH, LONG_RUN_JUMP, NEW_GEAR, SHORT_SLEEP, HIGH_SORENESS_DAYS)
TRIGGER_LABELS = {
    RAMP: "ramp over the limit",
    ACWR_HIGH: "ACWR over the band",
    LONG_RUN_JUMP: "long-run jump",
    NEW_GEAR: "new shoes",
    SHORT_SLEEP: "short sleep",
    HIGH_SORENESS_DAYS: "high soreness",
}
LAST_DAY = "last_day"
PEAK = "peak_severity"
ENTRIES = "entries"
NOT_KNOWN = "not known"


def site_series(pain_log: pd.DataFrame) -> pd.DataFrame:
    """Each site's highest severity per day (both sides together), for a chart over time.

    Returns
    -------
    pandas.DataFrame
        ``date``, ``body_site``, ``severity`` [0–10], oldest first.
    """
    if pain_log.empty:
        return pd.DataFrame(
            {
                c.DATE: pd.Series(dtype="datetime64[us]"),
                c.BODY_SITE: pd.Series(dtype=object),
                c.SEVERITY: pd.Series(dtype="float64"),
            }
        )
    frame = pain_log.assign(**{c.DATE: pd.to_datetime(pain_log[c.DATE]).dt.normalize()})
    out: pd.DataFrame = frame.groupby([c.DATE, c.BODY_SITE])[c.SEVERITY].max().reset_index()
    return out.sort_values([c.DATE, c.BODY_SITE]).reset_index(drop=True)


def episodes(pain_log: pd.DataFrame, gap_days: int = EPISODE_GAP_DAYS) -> pd.DataFrame:
    """Pain episodes: a site's entries above 0, split where ``gap_days`` or more pass without one.

    An entry of 0 says the site is fine that day: it belongs to no episode. Sides are shown
    together (a left knee and a right knee at once are one knee episode with both sides).

    Returns
    -------
    pandas.DataFrame
        ``episode_start``, ``last_day``, ``body_site``, ``side`` (the sides logged,
        comma-separated), ``peak_severity`` [0–10], ``entries``; oldest first.
    """
    cols = [c.EPISODE_START, LAST_DAY, c.BODY_SITE, c.SIDE, PEAK, ENTRIES]
    hurt = (
        pain_log[pd.to_numeric(pain_log[c.SEVERITY], errors="coerce") > 0]
        if len(pain_log)
        else pain_log
    )
    if hurt.empty:
        out = pd.DataFrame({col: pd.Series(dtype=object) for col in cols})
        out[c.EPISODE_START] = pd.Series(dtype="datetime64[us]")
        out[LAST_DAY] = pd.Series(dtype="datetime64[us]")
        return out
    rows = []
    frame = hurt.assign(**{c.DATE: pd.to_datetime(hurt[c.DATE]).dt.normalize()})
    for site, group in frame.sort_values(c.DATE).groupby(c.BODY_SITE, sort=False):
        gaps = group[c.DATE].diff().dt.days
        number = (gaps.isna() | (gaps >= gap_days)).cumsum()
        for _, part in group.groupby(number):
            rows.append(
                (
                    part[c.DATE].min(),
                    part[c.DATE].max(),
                    site,
                    ", ".join(
                        s for s in ("left", "right", "both", "none") if s in set(part[c.SIDE])
                    ),
                    float(part[c.SEVERITY].max()),
                    len(part),
                )
            )
    out = pd.DataFrame(rows, columns=cols).sort_values([c.EPISODE_START, c.BODY_SITE])
    return out.reset_index(drop=True)


def _window(frame: pd.DataFrame, column: str, start: pd.Timestamp) -> pd.DataFrame:
    """Rows of the :data:`WINDOW_DAYS` days before ``start`` (``start`` itself left out)."""
    if frame is None or frame.empty:
        return pd.DataFrame()
    days = pd.to_datetime(frame[column]).dt.normalize()
    return frame[(days >= start - pd.Timedelta(days=WINDOW_DAYS)) & (days < start)]


def long_run_jumps(runs: pd.DataFrame) -> pd.DataFrame:
    """Runs more than :data:`LONG_RUN_JUMP_PCT` longer than the longest run of the
    :data:`LONG_RUN_JUMP_DAYS` days before them (Frandsen et al. 2025).

    A run with no run in the days before has nothing to jump from and is not flagged.

    Returns
    -------
    pandas.DataFrame
        ``date``, ``distance_km`` [km] and ``reference_km`` [km] (the longest before it).
    """
    cols = [c.DATE, c.DISTANCE_KM, c.REFERENCE_KM]
    if runs.empty:
        return pd.DataFrame({col: pd.Series(dtype="float64") for col in cols})
    days = pd.to_datetime(runs[c.LOCAL_DATE]).dt.normalize()
    km = pd.to_numeric(runs[c.DISTANCE_M], errors="coerce").fillna(0.0) / 1000.0
    rows = []
    for day, dist in zip(days, km, strict=True):
        before = km[(days < day) & (days >= day - pd.Timedelta(days=LONG_RUN_JUMP_DAYS))]
        if before.empty:
            continue
        reference = float(before.max())
        if reference > 0 and dist > reference * (1 + LONG_RUN_JUMP_PCT / 100.0) + 1e-9:
            rows.append((day, float(dist), reference))
    return pd.DataFrame(rows, columns=cols)


def triggers(
    episode_frame: pd.DataFrame,
    *,
    weekly: pd.DataFrame,
    acr: pd.DataFrame,
    runs: pd.DataFrame,
    wellness: pd.DataFrame,
    acwr_high: float,
    gear: pd.DataFrame | None = None,
    unit: str = "km",
) -> pd.DataFrame:
    """What the :data:`WINDOW_DAYS` days before each episode held (association, not diagnosis).

    Parameters
    ----------
    episode_frame
        :func:`episodes` output.
    weekly
        :func:`analysis.metrics.mileage.weekly_distance` output (``week_start``,
        ``change_pct``, ``over_ramp_limit``): a week over the ramp limit whose last day falls
        in the window is a ramp. The week in progress is never flagged there.
    acr
        Daily ratios (``date``, ``acwr``): a day in the window above ``acwr_high`` (the top of
        the sweet spot) counts.
    runs
        Counted runs (``local_date``, ``distance_m``): a run in the window more than 10 %
        longer than the longest of the 30 days before it (:func:`long_run_jumps`).
    wellness
        The wellness log: nights under :data:`SHORT_SLEEP_H` and soreness at or above
        :data:`HIGH_SORENESS` in the window.
    acwr_high
        The top of the athlete's ACWR sweet spot.
    gear
        Hook for the gear log: first use of each pair, ``gear`` and ``date``; a pair first
        used in the window counts. None: not known, and the column says so.
    unit
        ``"km"`` or ``"mi"`` for the sentences.

    Returns
    -------
    pandas.DataFrame
        The episode columns, then one text column per trigger (:data:`TRIGGER_COLUMNS`;
        empty where the window held none, ``"not known"`` where nothing was there to look at)
        and ``triggers``, how many held.
    """
    out = episode_frame.copy()
    jumps = long_run_jumps(runs)
    found: dict[str, list[str]] = {col: [] for col in TRIGGER_COLUMNS}
    ulabel = distance_label(unit)
    for start in pd.to_datetime(out[c.EPISODE_START]) if len(out) else []:
        start = pd.Timestamp(start).normalize()
        # ramp: weeks over the limit that ended inside the window
        text = NOT_KNOWN if weekly.empty else ""
        if not weekly.empty:
            ends = pd.to_datetime(weekly[c.WEEK_START]) + pd.Timedelta(days=6)
            inside = weekly[
                (ends >= start - pd.Timedelta(days=WINDOW_DAYS))
                & (ends < start)
                & weekly[c.OVER_RAMP_LIMIT].fillna(False).astype(bool)
            ]
            text = "; ".join(
                f"week of {pd.Timestamp(w):%d %b} +{p:.0f} %"
                for w, p in zip(inside[c.WEEK_START], inside[c.CHANGE_PCT], strict=True)
            )
        found[RAMP].append(text)
        # ACWR over the band
        window = _window(acr, c.DATE, start)
        ratios = pd.to_numeric(window[c.ACWR], errors="coerce").dropna() if len(window) else None
        if ratios is None or ratios.empty:
            found[ACWR_HIGH].append(NOT_KNOWN)
        else:
            over = ratios[ratios > acwr_high + 1e-9]
            found[ACWR_HIGH].append(
                f"up to {over.max():.2f} on {len(over)} days (band top {acwr_high:g})"
                if len(over)
                else ""
            )
        # long-run jump
        if runs.empty:
            found[LONG_RUN_JUMP].append(NOT_KNOWN)
        else:
            inside_jumps = _window(jumps, c.DATE, start)
            found[LONG_RUN_JUMP].append(
                "; ".join(
                    f"{pd.Timestamp(d):%d %b} {km_to(unit, k):.1f} {ulabel} after "
                    f"{km_to(unit, r):.1f}"
                    for d, k, r in zip(
                        inside_jumps.get(c.DATE, []),
                        inside_jumps.get(c.DISTANCE_KM, []),
                        inside_jumps.get(c.REFERENCE_KM, []),
                        strict=True,
                    )
                )
            )
        # new shoes: the hook for the gear log
        if gear is None:
            found[NEW_GEAR].append(NOT_KNOWN)
        else:
            new = _window(gear, c.DATE, start)
            found[NEW_GEAR].append(
                "; ".join(
                    f"{g} from {pd.Timestamp(d):%d %b}"
                    for g, d in zip(new.get(c.GEAR, []), new.get(c.DATE, []), strict=True)
                )
            )
        # sleep and soreness
        logged = _window(wellness, c.DATE, start)
        for col, source, below, limit, words in (
            (SHORT_SLEEP, c.SLEEP_H, True, SHORT_SLEEP_H, f"nights under {SHORT_SLEEP_H:g} h"),
            (HIGH_SORENESS_DAYS, c.SORENESS, False, HIGH_SORENESS, f"days ≥ {HIGH_SORENESS:g}/5"),
        ):
            values = (
                pd.to_numeric(logged[source], errors="coerce").dropna()
                if len(logged) and source in logged
                else pd.Series(dtype="float64")
            )
            if values.empty:
                found[col].append(NOT_KNOWN)
            else:
                hits = values < limit - 1e-9 if below else values >= limit - 1e-9
                n = int(hits.sum())
                found[col].append(f"{n} {words}" if n else "")
    for col in TRIGGER_COLUMNS:
        out[col] = pd.Series(found[col], index=out.index, dtype=object)
    held = pd.DataFrame(
        {col: out[col].map(lambda t: bool(t) and t != NOT_KNOWN) for col in TRIGGER_COLUMNS}
    )
    out[TRIGGERS] = held.sum(axis=1).astype("int64") if len(out) else pd.Series(dtype="int64")
    return out


def pain_signal(pain_log: pd.DataFrame, day: DayLike, days: int = RECENT_DAYS) -> float | None:
    """The decision's pain signal on ``day``: the highest severity logged on it or the
    ``days - 1`` days before; None when nothing was logged then (not known, not "no pain")."""
    if pain_log.empty:
        return None
    end = to_day(day)
    dates = pd.to_datetime(pain_log[c.DATE]).dt.normalize()
    recent = pain_log[(dates <= end) & (dates > end - pd.Timedelta(days=days))]
    if recent.empty:
        return None
    return float(pd.to_numeric(recent[c.SEVERITY], errors="coerce").max())


def week_pain_signal(pain_log: pd.DataFrame, week_start: DayLike, as_of: DayLike) -> float | None:
    """The highest severity logged from ``week_start`` to ``as_of``; None without an entry."""
    if pain_log.empty:
        return None
    first, last = to_day(week_start), to_day(as_of)
    dates = pd.to_datetime(pain_log[c.DATE]).dt.normalize()
    week = pain_log[(dates >= first) & (dates <= last)]
    if week.empty:
        return None
    return float(pd.to_numeric(week[c.SEVERITY], errors="coerce").max())
