"""The one line under each chart that says how to read it.

The pages and the HTML report (:mod:`analysis.report`) print the same sentences from here, so what
an athlete reads in the app and what their coach reads in the report never drift apart. A few
sentences name a unit or a load model: they are :meth:`str.format` templates with the field named
in their docstring.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from analysis.metrics.guidance import LONG_RUN_SHARE_MAX
from analysis.metrics.load import RETURN_GUIDANCE_REFERENCES

# ---- Overview -----------------------------------------------------------------------------------
_OVERVIEW_WEEKS = (
    "{week} so far next to last week and the 4-week average; its changes compare it with the "
    "same days of those weeks. A week far above the average is a ramp; the running guidance is "
    "at most 5–10 % more per week."
)


def overview_weeks(week: str = "This week") -> str:
    """:data:`OVERVIEW_WEEKS` for the week of the page's as-of day, named by ``week`` (for
    example "The week of 8 Mar 2021"), so a past day is not called this week."""
    return _OVERVIEW_WEEKS.format(week=week)


OVERVIEW_WEEKS = overview_weeks()
"""Under :func:`analysis.figures.overview.week_comparison_figure`, as of today."""

_OVERVIEW_ACWR = (
    "Acute:chronic workload ratio {day} ({label}): the last 7 days' mean daily load over "
    "the last 28 days'. 0.8–1.3 is the sweet spot; above 1.5 injury risk rises."
)


def overview_acwr(label: str, day: str = "today") -> str:
    """:data:`OVERVIEW_ACWR` filled in: ``label`` is the load model's, ``day`` the as-of day in
    words ("today", "on Fri 12 Mar 2021")."""
    return _OVERVIEW_ACWR.format(day=day, label=label)


OVERVIEW_ACWR = overview_acwr("{label}")
"""Under :func:`analysis.figures.overview.acwr_gauge_figure`, as of today; ``label`` is the load
model's."""

OVERVIEW_ACWR_SHORT_HISTORY = " Needs 28 days of history first."
"""Appended to :data:`OVERVIEW_ACWR` while the ratio lacks the history it needs."""

RETURN_GAUGE_REASON = "Back after a {days}-day break: no ratio until {floor} days of training"
"""What the ACWR gauge says in place of a ratio during a return after a break; ``days`` is the
break's length, ``floor`` the ratio's coverage floor [days]."""


def return_after_break(back: Mapping[str, Any]) -> str:
    """The note a page shows during a return after a break, with its guidance and sources.

    Parameters
    ----------
    back
        From :func:`analysis.metrics.load.return_after_break` (not None).

    Returns
    -------
    str
        Markdown: "Back after a 730-day break on 3 Mar 2021: " and the metric's guidance, then
        :data:`analysis.metrics.load.RETURN_GUIDANCE_REFERENCES` as a list.
    """
    sources = "\n".join(f"- {ref}" for ref in RETURN_GUIDANCE_REFERENCES)
    day = back["return_day"]
    return (
        f"**Back after a {back['break_days']}-day break on {day.day} {day:%b %Y}:** "
        f"{back['guidance']}\n\n{sources}"
    )


# ---- Mileage ------------------------------------------------------------------------------------
MILEAGE_WEEKLY = (
    "Total running distance per week in {unit}. Highlighted bars rose more than the ramp limit "
    "over the week before; a lighter bar every 3–4 weeks is the cutback week that lets training "
    "sink in."
)
"""Under :func:`analysis.figures.mileage.weekly_distance_figure`; ``unit`` is ``km`` or ``mi``."""

MILEAGE_CHANGE = (
    "Change against the last build week (the week before, unless that was a cutback week) in "
    "percent. Bars above the dashed line broke the ramp limit; negative bars are lighter weeks; "
    "the week in progress has no bar."
)
"""Under :func:`analysis.figures.mileage.week_change_figure`."""

MILEAGE_MONTHLY = "Running distance per calendar month in {unit}: the long view of your volume."
"""Under :func:`analysis.figures.mileage.monthly_distance_figure`; ``unit`` as above."""

MILEAGE_LONGEST = (
    "The longest single run of each week. Hover for its share of the week: the long-run rule "
    f"keeps it at or below {LONG_RUN_SHARE_MAX * 100:.0f} % of the week's distance (Daniels), "
    "the same limit the Guidance budget uses."
)
"""Under :func:`analysis.figures.mileage.longest_run_figure`."""

# ---- Training load ------------------------------------------------------------------------------
LOAD_DAILY = (
    "Bars are each day's load; the lines are the acute (7-day) and chronic (28-day) loads. "
    "Acute well above chronic means you are doing more than you are used to."
)
"""Under :func:`analysis.figures.load.load_figure`."""

LOAD_ACWR = (
    "Acute divided by chronic. Green is the sweet spot, amber is caution, red is the danger "
    "zone where injuries follow spikes."
)
"""Under :func:`analysis.figures.load.acwr_figure`."""

# ---- Fitness & form -----------------------------------------------------------------------------
FITNESS_PMC = (
    "Fitness rises slowly with consistent training; fatigue follows the last week. Form (bars) "
    "below zero means you are carrying fatigue; well above zero means rested (or detraining)."
)
"""Under :func:`analysis.figures.fitness.pmc_figure`."""

FITNESS_MONOTONY = (
    "Monotony (Foster 1998) is the week's mean daily load over its standard deviation (rest days "
    "count as zero): above 1.5 the days are alike, above 2 risk rises. Strain is the week's load × "
    "monotony."
)
"""Under :func:`analysis.figures.fitness.monotony_figure`."""

# ---- Guidance -----------------------------------------------------------------------------------
GUIDANCE_CALENDAR = (
    "Each square is a day, coloured by what it was; each row a week, marked build or cutback with "
    "its distance. Hover a day for the rule that typed it; S marks strength or mobility work."
)
"""Under :func:`analysis.figures.calendar.calendar_figure`."""

GUIDANCE_LONG_RUN = (
    "The longest run's share of each week's distance. Weeks above the line (25 %, Daniels) "
    "concentrate the load in one day."
)
"""Under :func:`analysis.figures.calendar.long_run_share_figure`."""
