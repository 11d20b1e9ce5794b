"""A static, self-contained HTML report of the last N weeks, for an athlete to send their coach.

The report holds what the Overview, Mileage, Training load, Fitness & form and Guidance pages show:
their key numbers as text and their charts, each with the same "how to read" sentence
(:mod:`analysis.figures.captions`); then, as text, what the Strength & mobility, Pain & niggles and
Race & blocks pages hold for the period. It reads the same data functions as the pages
(:mod:`analysis.dashboard`, :mod:`analysis.views`) and draws with the same figure builders; it
only cuts each metric's output down to the report's period before drawing, so the numbers at the
edges of the period are those computed over the whole history (a chronic load on the first day
still knows the weeks before it).

The file needs no server and no network: plotly.js is embedded once, inline, and each figure is a
JSON block that one small script hands to ``Plotly.newPlot``. Every text that comes from a user
(the athlete's name, activity names) is HTML-escaped; so is every other sentence, and the figure
JSON cannot close its ``<script>`` element.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from analysis import columns as c
from analysis import dashboard, units
from analysis.figures import captions
from analysis.figures.calendar import calendar_figure, long_run_share_figure
from analysis.figures.fitness import monotony_figure, pmc_figure
from analysis.figures.load import acwr_figure, load_figure
from analysis.figures.mileage import (
    longest_run_figure,
    monthly_distance_figure,
    week_change_figure,
    weekly_distance_figure,
)
from analysis.figures.overview import acwr_gauge_figure, week_comparison_figure
from analysis.metrics import blocks, pain, strength
from analysis.metrics.load import (
    ACWR_VARIANT_TEXT,
    IMPELLIZZERI_2020,
    IMPELLIZZERI_2020_URL,
    MAX_GAP_DAYS,
    RETURN_GUIDANCE_REFERENCES,
)
from analysis.metrics.pmc import PMC_CONVENTION_TEXT, TSB_CONVENTION_TEXT, monotony_level
from analysis.settings import AthleteSettings
from analysis.store.contract import AthleteStore
from analysis.views.pain import pain_data
from analysis.views.race import race_data
from analysis.views.strength import strength_data

DEFAULT_WEEKS = 12
"""Weeks a report covers unless asked otherwise: about one training block."""

PLOT_CONFIG: dict[str, Any] = {"displaylogo": False, "responsive": True}
"""Plotly's options for every chart: as in the app, plus resizing with the reader's window."""

SECTION_TITLES = (
    "Overview",
    "Mileage",
    "Training load (ACWR)",
    "Fitness & form",
    "Guidance",
    "Strength & mobility",
    "Pain & niggles",
    "Race & blocks",
)
"""The report's sections, in order; the same titles as the pages they summarise."""

NOTHING_YET = "Nothing to show yet: there are no activities up to {day}."
"""What a report says instead of its sections when the store holds no activity by its last day."""

DAY_FORMAT = "%a %d %b %Y"


# ---- the period -----------------------------------------------------------------------------------


def period_start(as_of: dt.date, weeks: int, week_start: str = "monday") -> dt.date:
    """First day of a report of ``weeks`` weeks ending on ``as_of``.

    The period is whole weeks in the athlete's week convention, the week of ``as_of`` (so far)
    being the last, so weekly bars are never cut in half.

    Parameters
    ----------
    as_of
        The report's last day.
    weeks
        How many weeks, the current one included [weeks, at least 1].
    week_start
        ``"monday"`` or ``"sunday"``.

    Returns
    -------
    datetime.date
        The first day of the oldest week; between ``7 * weeks - 1`` and ``7 * (weeks - 1)`` days
        before ``as_of``.
    """
    if weeks < 1:
        raise ValueError(f"a report covers at least one week, not {weeks}")
    return dashboard.week_of(as_of, week_start) - dt.timedelta(weeks=weeks - 1)


def in_period(frame: pd.DataFrame, column: str, first: dt.date, last: dt.date) -> pd.DataFrame:
    """The rows of a metric's output whose ``column`` (a day) lies in ``first``..``last``.

    Parameters
    ----------
    frame
        A metric's output, for example the weekly distance or the daily ACWR frame.
    column
        Its day column (``week_start``, ``month_start`` or ``date``): dates or timestamps.
    first, last
        The period, both days included.

    Returns
    -------
    pandas.DataFrame
        A copy of the rows in the period, the index renumbered; ``frame`` itself when it lacks
        ``column`` (an empty metric output has nothing to cut).
    """
    if frame.empty or column not in frame.columns:
        return frame
    days = pd.to_datetime(frame[column])
    keep = (days >= pd.Timestamp(first)) & (days <= pd.Timestamp(last))
    return frame[keep.to_numpy()].reset_index(drop=True)


# ---- building blocks ------------------------------------------------------------------------------


@dataclass
class Chart:
    """One figure and the sentence under it."""

    key: str
    figure: go.Figure
    caption: str


@dataclass
class Section:
    """One section of the report: paragraphs and facts as plain text, charts, maybe a table.

    Everything here is plain text; :func:`_render_section` escapes it. ``table`` is the one
    exception, built by :func:`_activity_table` from escaped cells.
    """

    title: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    table_title: str = ""
    table: str = ""


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _number(value: Any) -> float | None:
    """A finite float, or None for a missing value (None, NaN, pandas NA)."""
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) else None


def _distance(km: Any, settings: AthleteSettings, digits: int = 1) -> str:
    value = _number(km)
    if value is None:
        return "—"
    shown = value * units.distance_factor(settings.units)
    return f"{shown:.{digits}f} {units.distance_label(settings.units)}"


def _sentence(text: str) -> str:
    """``text`` with a capital first letter and a full stop, as the metrics' phrases lack them."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _pct(value: Any) -> str:
    number = _number(value)
    return "—" if number is None else f"{number:+.0f} %"


def _figure_json(fig: go.Figure) -> str:
    # "<" as its JSON escape: no name or label inside can close the <script> element or open a
    # comment there, and JSON.parse reads it back unchanged
    return str(fig.to_json()).replace("<", "\\u003c")


# ---- the sections ---------------------------------------------------------------------------------


def week_name(as_of: dt.date, week_start: str, today: dt.date) -> str:
    """The week of ``as_of`` as a label: "This week" only when ``as_of`` is ``today``, else "The
    week of Mon 09 Nov 2026", so a report that ends in the past never speaks of this week."""
    if as_of == today:
        return "This week"
    return f"The week of {dashboard.week_of(as_of, week_start):{DAY_FORMAT}}"


def _overview(
    store: AthleteStore,
    settings: AthleteSettings,
    as_of: dt.date,
    first: dt.date,
    today: dt.date,
) -> Section:
    data = dashboard.overview_data(store, settings, as_of)
    section = Section("Overview")
    cmp = data["comparison"]
    week = week_name(as_of, settings.week_start, today)
    section.facts += [
        (
            f"{week} so far" if as_of == today else f"{week}, to {as_of:{DAY_FORMAT}}",
            f"{_distance(cmp['this_week_km'], settings)} ({_pct(cmp['change_vs_last_pct'])} "
            "vs the same days last week)",
        ),
        ("Last week", _distance(cmp["last_week_km"], settings)),
        (
            "4-week average",
            f"{_distance(cmp['avg_4wk_km'], settings)} "
            f"({'this' if as_of == today else 'that'} week {_pct(cmp['change_vs_avg_pct'])})",
        ),
    ]
    decision = data["today"]
    reasons = "; ".join(decision.reasons) if decision.reasons else "nothing in the rules holds back"
    section.facts.append((f"Decision for {as_of:{DAY_FORMAT}}", data["verdict"]))
    section.paragraphs.append(_sentence(reasons))
    ld = data["load"]
    section.charts += [
        Chart(
            "overview_weeks",
            week_comparison_figure(cmp, settings.units, week=week),
            captions.overview_weeks(week),
        ),
        Chart(
            "overview_acwr",
            acwr_gauge_figure(ld.current_acwr, ld.current_band),
            captions.OVERVIEW_ACWR.format(label=ld.label)
            + ("" if ld.enough_history else captions.OVERVIEW_ACWR_SHORT_HISTORY),
        ),
    ]
    acts = in_period(store.activities(), c.LOCAL_DATE, first, as_of)
    section.table_title = f"Activities in the period ({len(acts)})"
    section.table = _activity_table(acts, settings)
    return section


def _activity_table(acts: pd.DataFrame, settings: AthleteSettings) -> str:
    """The period's activities, newest first, as an HTML table of escaped cells."""
    if acts.empty:
        return "<p>No activities in the period.</p>"
    u = units.distance_label(settings.units)
    head = ["Start (local)", "Name", "Sport", f"Distance [{u}]", "Moving time", "Avg HR [bpm]"]
    rows = []
    ordered = acts.sort_values(c.START_TIME_UTC, ascending=False)
    for _, act in ordered.iterrows():
        name = act[c.NAME] if isinstance(act[c.NAME], str) else act[c.SOURCE_NAME]
        start = pd.Timestamp(act[c.START_TIME_LOCAL])
        km = _number(act[c.DISTANCE_M])
        hr = _number(act[c.AVG_HEART_RATE_BPM])
        moving = _number(act[c.MOVING_TIME_S])
        cells = [
            f"{start:{DAY_FORMAT}, %H:%M}" if not pd.isna(start) else "—",
            name,
            act[c.SPORT],
            "—" if km is None else f"{km / 1000.0 * units.distance_factor(settings.units):.2f}",
            "—" if moving is None else units.format_duration(moving),
            "—" if hr is None else f"{hr:.0f}",
        ]
        rows.append("<tr>" + "".join(f"<td>{_esc(cell)}</td>" for cell in cells) + "</tr>")
    header = "<tr>" + "".join(f"<th>{_esc(h)}</th>" for h in head) + "</tr>"
    return f"<table><thead>{header}</thead><tbody>{''.join(rows)}</tbody></table>"


def _mileage(
    store: AthleteStore, settings: AthleteSettings, as_of: dt.date, first: dt.date
) -> Section:
    data = dashboard.mileage_data(store, settings, as_of)
    section = Section("Mileage")
    if data["runs"] == 0:
        section.paragraphs.append("No runs yet.")
        return section
    weekly = in_period(data["weekly"], c.WEEK_START, first, as_of)
    # months that overlap the period, each with its whole-month total as the page shows it
    monthly = in_period(data["monthly"], c.MONTH_START, first.replace(day=1), as_of)
    u = units.distance_label(settings.units)
    flagged = int(weekly[c.OVER_RAMP_LIMIT].astype("boolean").fillna(False).sum())
    section.facts += [
        ("Distance in the period", _distance(weekly[c.DISTANCE_KM].sum(), settings)),
        ("Runs in the period", f"{int(weekly[c.RUNS].sum())}"),
        ("Weeks over the ramp limit", f"{flagged} of {len(weekly)}"),
    ]
    section.paragraphs.append(
        f"Running only. Weeks start on {settings.week_start.title()}. Ramp limit: "
        f"+{settings.ramp_limit_pct:g} % a week."
    )
    section.charts += [
        Chart(
            "mileage_weekly",
            weekly_distance_figure(weekly, settings.units),
            captions.MILEAGE_WEEKLY.format(unit=u),
        ),
        Chart(
            "mileage_change",
            week_change_figure(weekly, settings.ramp_limit_pct, unit=settings.units),
            captions.MILEAGE_CHANGE,
        ),
        Chart(
            "mileage_monthly",
            monthly_distance_figure(monthly, settings.units),
            captions.MILEAGE_MONTHLY.format(unit=u),
        ),
        Chart(
            "mileage_longest", longest_run_figure(weekly, settings.units), captions.MILEAGE_LONGEST
        ),
    ]
    section.notes.append(
        "Monthly bars are whole calendar months, the first one reaching back before the period."
    )
    return section


def _training_load(
    store: AthleteStore, settings: AthleteSettings, as_of: dt.date, first: dt.date
) -> Section:
    ld = dashboard.load_data(store, settings, as_of)
    section = Section("Training load (ACWR)")
    if ld.acr.empty:
        section.paragraphs.append("No activities that carry load yet.")
        return section
    acr = in_period(ld.acr, c.DATE, first, as_of)
    if ld.enough_history_today:
        value = "—" if ld.current_acwr is None else f"{ld.current_acwr:.2f}"
        section.facts.append((f"ACWR on {as_of:{DAY_FORMAT}}", f"{value} ({ld.current_band})"))
    elif ld.return_after_break is not None:
        # a return is named as one, with how to build back, instead of a missing ratio
        section.warnings.append(ld.return_after_break["guidance"])
        section.notes.append("Sources: " + " ".join(RETURN_GUIDANCE_REFERENCES))
    else:
        section.warnings.append(
            f"Not enough history yet: the ratio needs {ld.min_chronic_days} days of data behind "
            f"it, there are {ld.recorded_days} since training began or last resumed after a "
            f"break (more than {MAX_GAP_DAYS} days without training). Until then only the "
            "loads are shown."
        )
    section.paragraphs.append(
        f"Daily load: {ld.label}. Rest days count as zero load. Ratio: "
        f"{ACWR_VARIANT_TEXT[ld.variant]} Bands: {settings.acwr_sweet_low:g}–"
        f"{settings.acwr_sweet_high:g} sweet spot, above {settings.acwr_danger:g} danger."
    )
    if ld.without_hr:
        section.warnings.append(
            f"{ld.without_hr} activities have no heart rate and count as 0 load in this model."
        )
    if ld.unrated:
        section.warnings.append(
            f"{ld.unrated} activities have no RPE yet and count as 0 load in this model."
        )
    section.charts.append(Chart("load_daily", load_figure(acr, ld.label), captions.LOAD_DAILY))
    if ld.enough_history:
        section.charts.append(
            Chart(
                "load_acwr",
                acwr_figure(
                    acr, (settings.acwr_sweet_low, settings.acwr_sweet_high), settings.acwr_danger
                ),
                captions.LOAD_ACWR,
            )
        )
    section.notes.append(f"Its limits: {IMPELLIZZERI_2020} {IMPELLIZZERI_2020_URL}")
    return section


def _fitness(
    store: AthleteStore, settings: AthleteSettings, as_of: dt.date, first: dt.date
) -> Section:
    data = dashboard.fitness_data(store, settings, as_of)
    section = Section("Fitness & form")
    fit = in_period(data["pmc"], c.DATE, first, as_of)
    mono = in_period(data["monotony"], c.DATE, first, as_of)
    if fit.empty:
        section.paragraphs.append("No activities that carry load in the period.")
        return section
    last = fit.iloc[-1]
    section.facts += [
        ("Fitness (CTL)", f"{last[c.CTL]:.1f}"),
        ("Fatigue (ATL)", f"{last[c.ATL]:.1f}"),
        ("Form (TSB)", f"{last[c.TSB]:+.1f}"),
    ]
    section.paragraphs.append(
        f"On {pd.Timestamp(last[c.DATE]):{DAY_FORMAT}}. Load: {data['label']}. Time constants 42 "
        f"and 7 days; {PMC_CONVENTION_TEXT[settings.pmc_convention]} "
        f"{TSB_CONVENTION_TEXT[settings.pmc_convention]}"
    )
    if not mono.empty:
        latest = float(mono[c.MONOTONY].iloc[-1])
        level = monotony_level(latest)
        if level in ("warning", "critical"):
            section.warnings.append(
                f"Training monotony is {latest:.2f} ({level}): the days are too alike. "
                "Mix harder and easier days, and keep a rest day."
            )
    section.charts += [
        Chart("fitness_pmc", pmc_figure(fit, data["label"]), captions.FITNESS_PMC),
        Chart(
            "fitness_monotony",
            monotony_figure(mono, load_label=data["label"]),
            captions.FITNESS_MONOTONY,
        ),
    ]
    return section


def _guidance(
    store: AthleteStore, settings: AthleteSettings, as_of: dt.date, first: dt.date
) -> Section:
    data = dashboard.guidance_data(store, settings, as_of)
    section = Section("Guidance")
    if data["runs"] == 0:
        section.paragraphs.append("No runs yet.")
        return section
    budget = data["budget"]
    limit = budget["max_distance_km"]
    section.facts += [
        (
            "Next week's distance budget",
            _distance(limit, settings)
            + (f" (limited by the {budget['limited_by']} rule)" if budget["limited_by"] else ""),
        ),
        ("Next week's longest run", _distance(budget[c.LONGEST_RUN_KM], settings)),
    ]
    section.paragraphs += [budget["explanation"], f"Longest run rule: {budget['long_run_rule']}."]
    if data["warning"]:
        section.warnings.append(_sentence(str(data["warning"])))
    split, sessions, pol = data["time_split"], data["sessions"], data["polarization"]
    if split is not None and _number(split["easy_pct"]) is not None:
        section.facts.append(
            ("Easy share of time", f"{split['easy_pct']:.0f} % (target about 80 %)")
        )
    if _number(sessions["easy_pct"]) is not None:
        section.facts.append(("Easy share of sessions", f"{sessions['easy_pct']:.0f} %"))
    if pol is not None:
        index = _number(pol["index"])
        section.facts.append(("Polarization index", "—" if index is None else f"{index:.2f}"))
        section.paragraphs.append(
            f"{_sentence(str(pol['reason']))} Session rule: {_sentence(str(sessions['rule']))}"
        )
    grid = in_period(data["calendar"], c.WEEK_START, first, as_of)
    days = in_period(data["days"], c.DATE, first, as_of)
    weekly = in_period(data["weekly"], c.WEEK_START, first, as_of)
    section.charts += [
        Chart(
            "guidance_calendar",
            calendar_figure(
                grid, days=days, unit=settings.units, sessions=data.get("session_days")
            ),
            captions.GUIDANCE_CALENDAR,
        ),
        Chart(
            "guidance_long_run",
            long_run_share_figure(weekly, unit=settings.units),
            captions.GUIDANCE_LONG_RUN,
        ),
    ]
    if len(grid) and pd.Timestamp(grid[c.WEEK_START].min()) > pd.Timestamp(first):
        section.notes.append(
            f"The calendar covers the last {dashboard.CALENDAR_WEEKS} weeks, as in the app."
        )
    section.notes.append(
        "The long-run share counts complete weeks only. A week is a cutback when its distance is "
        f"at least {settings.cutback_threshold_pct:g} % below the mean of the build weeks before it."
    )
    return section


NO_SESSIONS = "No strength sessions logged in the period."
NO_PAIN = "No pain logged in the period."
NO_RACE = "No goal race on or after {day}."
ASSOCIATION = (
    "Association, not diagnosis: what the 28 days before a niggle held cannot say what caused "
    "it. Pain that lasts, grows or changes how you run needs a physiotherapist or doctor."
)


def _count(n: int, noun: str, plural: str = "") -> str:
    """``"1 strength session"``, ``"2 strength sessions"`` (``plural`` where it is not noun + s)."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def _day(value: Any) -> str:
    return f"{pd.Timestamp(value):{DAY_FORMAT}}"


def _strength(
    store: AthleteStore, settings: AthleteSettings, as_of: dt.date, first: dt.date
) -> Section:
    """Sessions a week against the target and the sessions the day before a hard or long run,
    as :func:`analysis.views.strength.strength_data` gives them to the page."""
    section = Section("Strength & mobility")
    data = strength_data(store, settings, as_of, first=first)
    sessions = data["sessions"]
    if sessions.empty:
        section.paragraphs.append(NO_SESSIONS)
        return section
    low, high = data["target"]
    weekly = data["weekly"]
    done = weekly[weekly[strength.WEEK_STATUS] != "in progress"]
    within = int((done[strength.WEEK_STATUS] == strength.WITHIN).sum())
    kinds = sessions[c.SESSION_TYPE].value_counts()
    per_week = ", ".join(
        f"{pd.Timestamp(row[c.WEEK_START]):%d %b} {int(row[c.SESSIONS])}"
        + (" (so far)" if row[strength.WEEK_STATUS] == "in progress" else "")
        for _, row in weekly.iterrows()
    )
    flags = data["flags"]
    section.facts += [
        ("Strength sessions a week", f"{weekly[c.SESSIONS].mean():.1f} (target {low}–{high})"),
        ("Weeks within the target", f"{within} of {len(done)} judged"),
        ("Each week (strength and plyometrics)", per_week),
        (
            "Sessions in the period",
            ", ".join(f"{int(kinds[k])} {k}" for k in c.SESSION_TYPES if k in kinds.index),
        ),
        ("The day before a hard or long run", _count(len(flags), "strength session")),
    ]
    section.paragraphs.append(
        f"Target: {low}–{high} strength or plyometric sessions a week (ACSM 2009; Lauersen et "
        "al. 2014). Mobility and cross-training are counted but are not strength work. A week "
        "is judged once it has ended, or earlier when it already reached the target."
    )
    if len(flags):
        section.warnings.append(
            f"{_count(len(flags), 'strength session')} the day before a hard or long run: "
            "heavy legs meet "
            "the key run (running performance is still down the day after strength work, Doma & "
            "Deakin 2014). Put strength on the hard day itself, after the run, or the day after."
        )
        for _, flag in flags.sort_values(c.DATE).iterrows():
            section.paragraphs.append(
                f"{_day(flag[c.DATE])}: {flag[c.SESSION_TYPE]}, {flag[c.DURATION_MIN]:.0f} min, "
                f"the day before a {flag[strength.NEXT_DAY_TYPE]} run "
                f"({_sentence(str(flag[c.RULE])).rstrip('.')})."
            )
    return section


def _pain(
    store: AthleteStore, settings: AthleteSettings, as_of: dt.date, first: dt.date
) -> Section:
    """The period's pain episodes and what the 28 days before each held, as
    :func:`analysis.views.pain.pain_data` gives them to the page."""
    section = Section("Pain & niggles")
    data = pain_data(store, settings, as_of, first=first)
    episodes = data["triggers"]
    if episodes.empty:
        section.paragraphs.append(NO_PAIN)
        return section
    section.warnings.append(ASSOCIATION)
    section.facts += [
        ("Episodes in the period", f"{len(episodes)}"),
        ("Entries in the period", f"{len(data['log'])}"),
    ]
    for _, ep in episodes.sort_values(c.EPISODE_START).iterrows():
        # " · " between triggers: a trigger's own text may hold "; " (two jumps)
        held = " · ".join(
            f"{pain.TRIGGER_LABELS[col]}: {ep[col] or 'none'}" for col in pain.TRIGGER_COLUMNS
        )
        side = f" ({ep[c.SIDE]})" if ep[c.SIDE] and ep[c.SIDE] != "none" else ""
        section.paragraphs.append(
            f"{str(ep[c.BODY_SITE]).capitalize()}{side}, {_day(ep[c.EPISODE_START])} – "
            f"{_day(ep[pain.LAST_DAY])}: worst {ep[pain.PEAK]:g}/10 over "
            f"{_count(int(ep[pain.ENTRIES]), 'entry', 'entries')}. "
            f"The {pain.WINDOW_DAYS} days before held: {held}."
        )
    section.notes.append(
        f"An episode is a site's run of entries above 0 with less than {pain.EPISODE_GAP_DAYS} "
        f"days between them. Ramp: a week over your +{settings.ramp_limit_pct:g} % limit; ACWR: "
        f"a day above {settings.acwr_sweet_high:g}; long-run jump: a run more than "
        f"{pain.LONG_RUN_JUMP_PCT:g} % longer than the longest of the {pain.LONG_RUN_JUMP_DAYS} "
        "days before it; 'not known': there was nothing to look at."
    )
    return section


def _race(
    store: AthleteStore, settings: AthleteSettings, as_of: dt.date, first: dt.date
) -> Section:
    """The goal race, the block of ``as_of`` and the taper, as
    :func:`analysis.views.race.race_data` and :mod:`analysis.metrics.blocks` give them."""
    section = Section("Race & blocks")
    data = race_data(store, settings, as_of)
    stored = data["blocks"]
    current = blocks.block_on(stored, as_of) if len(stored) else None
    block_text = "none"
    if current is not None:
        holding = stored[
            (pd.to_datetime(stored[c.START_DATE]) <= pd.Timestamp(as_of))
            & (pd.to_datetime(stored[c.END_DATE]) >= pd.Timestamp(as_of))
        ].sort_values(c.START_DATE)
        row = holding.iloc[-1]
        block_text = f"{current}, {_day(row[c.START_DATE])} – {_day(row[c.END_DATE])}"
    race = data["next_race"]
    if race is None:
        section.paragraphs.append(NO_RACE.format(day=f"{as_of:{DAY_FORMAT}}"))
        section.facts.append((f"Block on {as_of:{DAY_FORMAT}}", block_text))
        return section
    race_km = float(race[c.DISTANCE_KM])
    target = _number(race[c.TARGET_TIME_S])
    target_text = "—"
    if target is not None:
        target_text = (
            f"{units.format_duration(target)} "
            f"({units.format_pace(target / race_km, settings.units)})"
        )
    days = blocks.days_to(race[c.RACE_DATE], as_of)
    chronic = float(data["chronic_km"])
    section.facts += [
        ("Goal race", f"{race[c.NAME] or 'Goal race'} on {_day(race[c.RACE_DATE])}"),
        ("Distance", _distance(race_km, settings, 2)),
        ("Target time", target_text),
        ("Days to the race", f"{days} (from {as_of:{DAY_FORMAT}})"),
        (f"Block on {as_of:{DAY_FORMAT}}", block_text),
        ("Chronic load", f"{_distance(chronic, settings)} a week"),
    ]
    n = blocks.taper_weeks(race_km)
    cuts = blocks.TAPER_CUTS_PCT[n]
    section.paragraphs.append(
        f"Taper: the last {n} weeks, the race week included, each cutting the peak week's "
        f"volume by {', then '.join(f'{cut:g}' for cut in cuts)} %, intensity and frequency "
        "kept (Bosquet et al. 2007). Chronic load: the runs of the 28 days up to "
        f"{as_of:{DAY_FORMAT}} / 4."
    )
    race_week = dashboard.week_of(blocks.as_date(race[c.RACE_DATE]), settings.week_start)
    taper_start = race_week - dt.timedelta(weeks=n - 1)
    if as_of < taper_start:
        section.facts.append(("Taper starts", f"the week of {taper_start:{DAY_FORMAT}}"))
        return section
    weekly = dashboard.mileage_data(store, settings, as_of)["weekly"]
    if weekly.empty:
        return section
    starts = pd.to_datetime(weekly[c.WEEK_START])
    before = weekly[starts == pd.Timestamp(taper_start - dt.timedelta(weeks=1))]
    peak_km = float(before[c.DISTANCE_KM].iloc[0]) if len(before) else 0.0
    if peak_km <= 0:
        section.facts.append(("Taper", "no run in the week before it, so no peak to cut from"))
        return section
    section.facts.append(
        (
            "Peak week (the week before the taper)",
            f"{_distance(peak_km, settings)}, week of {taper_start - dt.timedelta(weeks=1):%d %b}",
        )
    )
    for i, (volume, cut) in enumerate(zip(blocks.taper_volumes(peak_km, n), cuts, strict=True)):
        week = taper_start + dt.timedelta(weeks=i)
        ran = weekly[starts == pd.Timestamp(week)]
        goal = f"target {_distance(volume, settings)} (−{cut:g} %)"
        if week == race_week:
            goal += " and the race"
        if week > as_of:
            text = goal
        else:
            done_km = float(ran[c.DISTANCE_KM].iloc[0]) if len(ran) else 0.0
            so_far = " so far" if week + dt.timedelta(days=6) > as_of else ""
            text = f"{_distance(done_km, settings)} run{so_far}; {goal}"
        section.facts.append((f"Taper week of {week:%d %b}", text))
    return section


# ---- rendering ------------------------------------------------------------------------------------

STYLE = """
body { font-family: "Source Sans Pro", Helvetica, Arial, sans-serif; color: #1a1a1a;
       max-width: 1100px; margin: 0 auto; padding: 1.5rem; line-height: 1.45; }
header { border-bottom: 2px solid #0072B2; margin-bottom: 1rem; }
h1 { margin-bottom: 0.2rem; }
h2 { margin-top: 2.2rem; border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; }
.meta { color: #555; margin-top: 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1.2rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
.warning { background: #fff4e0; border-left: 4px solid #E69F00; padding: 0.5rem 0.8rem; }
.chart { margin: 1.2rem 0 0.2rem; page-break-inside: avoid; }
.caption, .note { color: #555; font-size: 0.92rem; }
table { border-collapse: collapse; font-size: 0.92rem; width: 100%; }
th, td { text-align: left; padding: 0.25rem 0.6rem; border-bottom: 1px solid #eee; }
"""

RENDER_SCRIPT = """
(function () {
  var config = %s;
  document.querySelectorAll("script.figure").forEach(function (node) {
    var figure = JSON.parse(node.textContent);
    Plotly.newPlot(node.getAttribute("data-target"), figure.data, figure.layout, config);
  });
})();
"""


def _render_chart(chart: Chart) -> str:
    target = f"chart-{chart.key}"
    height = chart.figure.layout.height
    size = f' style="min-height:{int(height)}px"' if height else ""
    return (
        f'<figure class="chart"><div id="{_esc(target)}"{size}></div>'
        f'<script type="application/json" class="figure" data-target="{_esc(target)}">'
        f"{_figure_json(chart.figure)}</script>"
        f'<figcaption class="caption">{_esc(chart.caption)}</figcaption></figure>'
    )


def _render_section(section: Section) -> str:
    parts = [f"<section><h2>{_esc(section.title)}</h2>"]
    if section.facts:
        items = "".join(f"<dt>{_esc(k)}</dt><dd>{_esc(v)}</dd>" for k, v in section.facts)
        parts.append(f'<dl class="facts">{items}</dl>')
    parts += [f'<p class="warning">{_esc(text)}</p>' for text in section.warnings]
    parts += [f"<p>{_esc(text)}</p>" for text in section.paragraphs]
    parts += [_render_chart(chart) for chart in section.charts]
    parts += [f'<p class="note">{_esc(text)}</p>' for text in section.notes]
    if section.table:
        parts.append(f"<h3>{_esc(section.table_title)}</h3>{section.table}")
    parts.append("</section>")
    return "\n".join(parts)


def _plotly_script() -> str:
    # the bundle holds no "</script" today; should a release ever carry one in a string, the
    # escaped slash keeps it from closing the element (and means the same inside JavaScript)
    bundle: str = get_plotlyjs()
    return bundle.replace("</script", "<\\/script")


def _document(title: str, header: str, body: Sequence[str], charts: bool) -> str:
    scripts: Iterable[str] = ()
    if charts:
        scripts = (
            f'<script type="text/javascript">{_plotly_script()}</script>',
            f"<script>{RENDER_SCRIPT % json.dumps(PLOT_CONFIG)}</script>",
        )
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_esc(title)}</title><style>{STYLE}</style></head>",
            f"<body>{header}",
            *body,
            *scripts,
            "</body></html>",
            "",
        ]
    )


def build_report(
    store: AthleteStore,
    settings: AthleteSettings,
    as_of: dt.date,
    weeks: int = DEFAULT_WEEKS,
    athlete_name: str = "",
    today: dt.date | None = None,
) -> str:
    """One HTML document of the last ``weeks`` weeks up to ``as_of``, viewable offline.

    Parameters
    ----------
    store
        The athlete's store (any :class:`~analysis.store.contract.AthleteStore`).
    settings
        The athlete's settings: units, week start, load model, bands and limits.
    as_of
        The report's last day ("today" of every "today" number in it).
    weeks
        How many weeks the charts cover, the week of ``as_of`` included [weeks, at least 1].
        The numbers behind them use the whole history up to ``as_of``.
    athlete_name
        Printed in the title; may be empty.
    today
        The calendar day the report is made on (default: the machine's date): the week of
        ``as_of`` is "this week" only when ``as_of`` is today.

    Returns
    -------
    str
        A complete HTML document (to be written as UTF-8): a title with the athlete's name, the
        period and the time it was generated, then the sections of :data:`SECTION_TITLES`, each
        with its key numbers, its charts and their "how to read" sentences. plotly.js is
        embedded once; nothing is fetched from a network. Without any activity up to
        ``as_of`` the document says there is nothing to show yet, and carries no chart.
    """
    first = period_start(as_of, weeks, settings.week_start)
    generated = dt.datetime.now().astimezone()
    who = athlete_name.strip()
    title = f"Training report: {who}" if who else "Training report"
    header = (
        f"<header><h1>{_esc(title)}</h1>"
        f'<p class="meta">{_esc(f"{first:{DAY_FORMAT}} – {as_of:{DAY_FORMAT}}")} '
        f"({weeks} week{'s' if weeks != 1 else ''}) · distances in "
        f"{_esc(units.distance_label(settings.units))} · generated "
        f"{_esc(f'{generated:%Y-%m-%d %H:%M %Z}')} by Stridelog</p></header>"
    )
    acts = store.activities()
    known = acts[pd.to_datetime(acts[c.LOCAL_DATE]) <= pd.Timestamp(as_of)] if len(acts) else acts
    if known.empty:
        message = f"<p>{_esc(NOTHING_YET.format(day=f'{as_of:{DAY_FORMAT}}'))}</p>"
        return _document(title, header, [message], charts=False)
    today = dt.date.today() if today is None else today
    later = (_mileage, _training_load, _fitness, _guidance, _strength, _pain, _race)
    sections = [
        _overview(store, settings, as_of, first, today),
        *(build(store, settings, as_of, first) for build in later),
    ]
    body = [_render_section(section) for section in sections]
    return _document(title, header, body, charts=any(s.charts for s in sections))
