"""The coach's roster: one row per coached athlete, side by side, without Streamlit.

Each row is computed from that athlete's own store with that athlete's own settings (week start,
ACWR bands, ramp limit, load model, decision rules), by the same dashboard and metric functions
their pages use, so the roster and the athlete's pages never disagree. Distances stay in
kilometres in the rows; :func:`roster_table` converts them to the coach's unit.

The page caches one row per athlete (keyed on the athlete and the store's revision) and calls
:func:`roster_table` on the rows; an athlete whose store cannot be read gives a row that says so
instead of an exception, so one broken athlete never hides the others.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass
from typing import Any, cast

import pandas as pd

from analysis import columns as c
from analysis import dashboard
from analysis.metrics import guidance, mileage, plan, recovery
from analysis.settings import AthleteSettings
from analysis.store import AthleteStore, Store
from analysis.units import UNIT_KM, UNIT_MI, distance_factor

log = logging.getLogger(__name__)

ROLES = ("coach", "view")
"""The access a coach's roster lists: athletes they coach, and athletes who only let them look."""

# ---- column names the roster adds to the nomenclature -----------------------------------------
ATHLETE_ID = "athlete_id"
ROLE = "role"  # the coach's access to this athlete: "coach" or "view"
WEEK_DISTANCE_KM = "week_distance_km"  # this week so far, running only
WEEK_DISTANCE_MI = "week_distance_mi"
PLAN_DISTANCE_MI = "plan_distance_mi"
COMPLIANCE_COLOUR = "compliance_colour"  # "green", "yellow", "red" or "grey" (nothing planned)
ACWR_BAND = "acwr_band"
FIRST_REASON = "first_reason"  # the worst fired rule's reason, or why the row is empty
LAST_ACTIVITY_DATE = "last_activity_date"
LAST_WELLNESS_DATE = "last_wellness_date"
FLAGS = "flags"

WEEK_DISTANCE = {UNIT_KM: WEEK_DISTANCE_KM, UNIT_MI: WEEK_DISTANCE_MI}
PLAN_DISTANCE = {UNIT_KM: c.PLAN_DISTANCE_KM, UNIT_MI: PLAN_DISTANCE_MI}
"""Distance columns by display unit: the name says the unit its numbers are in."""

FLAG_RAMP = "ramp over the limit"
FLAG_NO_CUTBACK = "3+ build weeks without a cutback"
FLAG_SEPARATOR = "; "

UNREADABLE = "could not be read: {reason}"
"""``first_reason`` of an athlete whose store raised."""

URGENCY = (recovery.BACK_OFF, recovery.HOLD, recovery.PUSH, recovery.NOT_ENOUGH_DATA)
"""The default order of the roster: the athletes who most need a look first. An athlete with
nothing known comes after push: there is no call to make on them, only data to ask for."""

ROW_KEYS = (
    ATHLETE_ID, c.NAME, ROLE, WEEK_DISTANCE_KM, c.PLAN_DISTANCE_KM, c.COMPLIANCE_PCT,
    COMPLIANCE_COLOUR, c.ACWR, ACWR_BAND, c.VERDICT, FIRST_REASON, c.MONOTONY,
    LAST_ACTIVITY_DATE, LAST_WELLNESS_DATE, FLAGS,
)  # fmt: skip
"""The keys of every :func:`roster_row` result, in the order the table shows them."""


@dataclass(frozen=True)
class RosterEntry:
    """One athlete on a coach's roster, as the access layer hands it over.

    ``store`` is the athlete's store seen through the coach's access; ``settings`` are the
    athlete's own (every figure of the row is computed with them, not with the coach's).
    """

    athlete_id: str
    name: str
    role: str
    store: AthleteStore
    settings: AthleteSettings

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"a roster lists athletes in the roles {ROLES}, not {self.role!r}")


def roster_row(entry: RosterEntry, as_of: dt.date) -> dict[str, Any]:
    """One athlete's line of the coach's roster, as of one day.

    Parameters
    ----------
    entry
        The athlete, their store and their own settings.
    as_of
        Today. Activities and wellness entries dated after it are left out, like on the
        athlete's own pages.

    Returns
    -------
    dict
        The keys of :data:`ROW_KEYS`:

        - ``athlete_id``, ``name``, ``role``: from ``entry``.
        - ``week_distance_km`` [km]: running distance of this week so far, from the first day
          of the week (the athlete's ``week_start``) through ``as_of``
          (:func:`analysis.metrics.mileage.week_comparison`, as on the Overview page).
        - ``plan_distance_km`` [km]: the distance planned for the plan week holding ``as_of``
          (NaN when none).
        - ``compliance_pct`` [%] and ``compliance_colour``: that plan week's distance so far
          against its plan (:func:`analysis.metrics.plan.compliance`, as on the Plan page),
          counted over the plan week's own seven days, which may differ from the athlete's
          week of ``week_distance_km`` (a Monday plan under Sunday weeks). The week is
          unfinished, and it is compared as it stands: distance done so far against the whole
          week's plan, not against a share pro-rated by days. A Tuesday therefore usually reads
          red or yellow; the colour is what the Plan page shows for the same week, and a
          pro-rated target would invent a distribution of the week that the plan does not state.
          NaN and ``"grey"`` when nothing is planned.
        - ``acwr`` and ``acwr_band``: today's acute:chronic workload ratio under the athlete's
          load model, ACWR variant and bands (:func:`analysis.dashboard.load_data`); NaN and
          ``"not enough history"`` when it is not defined yet.
        - ``verdict`` and ``first_reason``: today's push / hold / back-off under the athlete's
          decision rules (:func:`analysis.dashboard.recovery_data`), or "not enough data" when
          not one signal the rules read is known (no green push on nothing), and the reason of
          its worst fired rule (``""`` when no rule fired).
        - ``monotony``: Foster's monotony of the 7 days ending today on the athlete's daily
          load (the latest value :func:`analysis.dashboard.fitness_data` charts); NaN when
          undefined (less than a week of history, or seven identical days).
        - ``last_activity_date``, ``last_wellness_date``: the latest day with an activity (any
          sport) and with a wellness entry, on or before ``as_of``; None when there is none.
        - ``flags`` (list of str): :data:`FLAG_RAMP` when the last complete week grew by more
          than the athlete's ramp limit over the week before (the ``over_ramp_limit`` flag of
          :func:`analysis.metrics.mileage.weekly_distance`), and :data:`FLAG_NO_CUTBACK` when
          the Guidance page warns of 3 or more build weeks in a row without a cutback
          (:func:`analysis.metrics.guidance.cutback_warning` on the complete weeks).

        When the store raises, the row is :func:`unreadable_row`: ``first_reason`` says
        "could not be read: <reason>" and the other figures are empty.
    """
    try:
        return _row(entry, as_of)
    except Exception as err:  # one unreadable athlete (a database error) must not sink the page
        log.warning("roster: athlete %s could not be read", entry.athlete_id, exc_info=True)
        return unreadable_row(entry, err)


def unreadable_row(entry: RosterEntry, error: BaseException) -> dict[str, Any]:
    """The row of an athlete whose data could not be read: the reason, every figure empty.

    Numbers are NaN, texts and dates None, ``flags`` empty; ``first_reason`` is
    ``"could not be read: <reason>"`` (the exception's message, its type when it has none).
    """
    reason = str(error).strip() or type(error).__name__
    return {
        ATHLETE_ID: entry.athlete_id,
        c.NAME: entry.name,
        ROLE: entry.role,
        WEEK_DISTANCE_KM: math.nan,
        c.PLAN_DISTANCE_KM: math.nan,
        c.COMPLIANCE_PCT: math.nan,
        COMPLIANCE_COLOUR: None,
        c.ACWR: math.nan,
        ACWR_BAND: None,
        c.VERDICT: None,
        FIRST_REASON: UNREADABLE.format(reason=reason),
        c.MONOTONY: math.nan,
        LAST_ACTIVITY_DATE: None,
        LAST_WELLNESS_DATE: None,
        FLAGS: [],
    }


def _row(entry: RosterEntry, as_of: dt.date) -> dict[str, Any]:
    # the dashboard's functions are annotated with the DuckDB engine but read only the store
    # contract, which every engine (and the access layer's guarded store) implements
    store = cast(Store, entry.store)
    settings = entry.settings
    day = pd.Timestamp(as_of)
    # recovery_data computes the daily load series once and derives today's ACWR, its band,
    # the monotony signal and the decision from it: everything else here reads only the runs
    rec = dashboard.recovery_data(store, settings, as_of)
    ld: dashboard.LoadData = rec["load"]
    decision: recovery.Decision = rec["today"]
    # recovery_data put the latest monotony on or before today among the signals (None when
    # undefined): the same pmc.monotony value fitness_data charts for today, not recomputed
    mono = rec["signals"].get(c.MONOTONY)
    runs = rec["running"]
    this_week = mileage.week_comparison(runs, as_of, settings.week_start)
    plan_km, pct, colour = _distance_compliance(store.plan(), runs, settings, as_of)
    everything = store.activities()
    return {
        ATHLETE_ID: entry.athlete_id,
        c.NAME: entry.name,
        ROLE: entry.role,
        WEEK_DISTANCE_KM: this_week["this_week_km"],
        c.PLAN_DISTANCE_KM: plan_km,
        c.COMPLIANCE_PCT: pct,
        COMPLIANCE_COLOUR: colour,
        c.ACWR: math.nan if ld.current_acwr is None else ld.current_acwr,
        ACWR_BAND: ld.current_band,
        c.VERDICT: rec["today_verdict"],  # the status the athlete's own page shows
        FIRST_REASON: decision.reasons[0] if decision.reasons else "",
        c.MONOTONY: math.nan if mono is None else float(mono),
        LAST_ACTIVITY_DATE: _last_day(everything[c.LOCAL_DATE], day),
        LAST_WELLNESS_DATE: _last_day(rec["wellness"][c.DATE], day),
        FLAGS: _flags(rec["complete_weeks"], settings),
    }


def _distance_compliance(
    plan_frame: pd.DataFrame, runs: pd.DataFrame, settings: AthleteSettings, as_of: dt.date
) -> tuple[float, float, str]:
    """The plan week holding ``as_of``: planned distance [km], compliance [%] and colour.

    The plan week is the plan row whose own seven days contain ``as_of``, whatever the
    athlete's week start (a Monday plan viewed with Sunday weeks still runs Monday to Sunday),
    and it is counted over those days up to ``as_of``, as the Plan page counts it.
    """
    day = pd.Timestamp(as_of)
    starts = pd.to_datetime(plan_frame[c.WEEK_START], errors="coerce").dt.normalize()
    holding = starts[(starts <= day) & (day < starts + pd.Timedelta(days=7))]
    if holding.empty:
        return math.nan, math.nan, plan.compliance_colour(None)
    # of two overlapping plan weeks (one written Monday, one Sunday), the later one is current
    start = holding.max()
    this_plan = plan_frame[starts == start]
    # only this week matters: its plan row and the runs up to today, not a year of weeks
    done = runs[mileage.local_days(runs) <= day] if not runs.empty else runs
    actual = plan.weekly_actuals(done, None, settings.week_start, start=as_of, end=as_of)
    table = plan.compliance(
        this_plan, actual, week_start=settings.week_start, today=as_of, activities=done
    )
    mine = table[(table[c.WEEK_START] == start) & (table[c.TARGET] == c.DISTANCE_KM)]
    if mine.empty:
        return math.nan, math.nan, plan.compliance_colour(None)
    row = mine.iloc[-1]
    return float(row[c.PLANNED]), float(row[c.COMPLIANCE_PCT]), str(row[c.COLOUR])


def _flags(complete: pd.DataFrame, settings: AthleteSettings) -> list[str]:
    """The ramp and cutback flags of the last complete week (a week in progress looks light).

    ``complete`` is the decision's own weekly distance of complete weeks (``complete_weeks`` of
    :func:`analysis.dashboard.recovery_data`): the ramp is measured against the last build week,
    typed by the athlete's own threshold, with the same notion of a complete week as the
    Guidance page and the decision's ramp signal.
    """
    if complete.empty:
        return []
    flags: list[str] = []
    if bool(complete[c.OVER_RAMP_LIMIT].iloc[-1]):
        flags.append(FLAG_RAMP)
    typed = guidance.cutback_weeks(complete, threshold_pct=settings.cutback_threshold_pct)
    if guidance.cutback_warning(typed) is not None:
        flags.append(FLAG_NO_CUTBACK)
    return flags


def _last_day(days: pd.Series, as_of: pd.Timestamp) -> dt.date | None:
    known = pd.to_datetime(days).dropna()
    known = known[known.dt.normalize() <= as_of]
    return None if known.empty else pd.Timestamp(known.max()).date()


def roster_table(rows: list[dict[str, Any]], units: str) -> pd.DataFrame:
    """The roster as one table in the coach's unit, the most urgent athletes first.

    Parameters
    ----------
    rows
        :func:`roster_row` results, one per athlete.
    units
        The coach's display unit, ``"km"`` or ``"mi"`` (each athlete's own unit plays no part:
        one table, one unit).

    Returns
    -------
    pandas.DataFrame
        One row per athlete; columns ``athlete_id``, ``name``, ``role``,
        ``week_distance_<unit>`` and ``plan_distance_<unit>`` [km or mi], ``compliance_pct``
        [%], ``compliance_colour``, ``acwr``, ``acwr_band``, ``verdict``, ``first_reason``,
        ``monotony``, ``flags`` (the flags joined by ``"; "``, ``""`` when none),
        ``last_activity_date`` and ``last_wellness_date`` (datetime64, NaT when none).
        Sorted by urgency: back-off, then hold, then push, then "not enough data", then rows
        without a verdict (stores that could not be read); within each, ACWR from highest to lowest (undefined last),
        then by name.
    """
    if units not in WEEK_DISTANCE:
        raise ValueError(f"units must be km or mi, not {units!r}")
    week_col, plan_col = WEEK_DISTANCE[units], PLAN_DISTANCE[units]
    columns = [
        ATHLETE_ID, c.NAME, ROLE, week_col, plan_col, c.COMPLIANCE_PCT, COMPLIANCE_COLOUR,
        c.ACWR, ACWR_BAND, c.VERDICT, FIRST_REASON, c.MONOTONY, FLAGS, LAST_ACTIVITY_DATE,
        LAST_WELLNESS_DATE,
    ]  # fmt: skip
    frame = pd.DataFrame(
        [{key: row.get(key) for key in ROW_KEYS} for row in rows], columns=ROW_KEYS
    )
    factor = distance_factor(units)
    numbers = [WEEK_DISTANCE_KM, c.PLAN_DISTANCE_KM, c.COMPLIANCE_PCT, c.ACWR, c.MONOTONY]
    for col in numbers:
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64")
    out = frame.copy()
    out[week_col] = frame[WEEK_DISTANCE_KM] * factor
    out[plan_col] = frame[c.PLAN_DISTANCE_KM] * factor
    out[FLAGS] = [FLAG_SEPARATOR.join(flags or []) for flags in frame[FLAGS]]
    for col in (LAST_ACTIVITY_DATE, LAST_WELLNESS_DATE):
        out[col] = pd.to_datetime(frame[col])
    rank = {verdict: i for i, verdict in enumerate(URGENCY)}
    out["_urgency"] = [rank.get(v, len(URGENCY)) for v in out[c.VERDICT]]
    out = out.sort_values(
        ["_urgency", c.ACWR, c.NAME],
        ascending=[True, False, True],
        na_position="last",
        kind="stable",
    )
    return out[columns].reset_index(drop=True)
