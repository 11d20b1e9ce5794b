"""The period every page shows: presets, custom dates, the "as of" day, and their query params.

A period is a span of local calendar days, ``first``..``last`` inclusive, and the day its "as of"
claims refer to (``as_of``: the week of ``as_of`` is the page's current week, its decision is for
that day). Presets count whole weeks of the athlete's convention, so weekly bars are never cut:
``4w`` and ``12w`` are the 4 and 12 weeks up to the week of ``as_of``, ``6m`` and ``1y`` reach back
6 and 12 calendar months and start on the first day of that week, ``all`` starts on the first
activity.

Nothing claims a day without data: when the athlete's latest activity lies before a preset's span
ending today (an archive that stopped in the past), the period ends on that activity's day instead,
and :attr:`Period.note` says so. A link carries the period as query params (``period=12w``,
``from=2021-01-01``, ``to=2021-03-12``); a value that cannot be read falls back to the default
with a note rather than an error, since links are typed and pasted by people.

Pure: no Streamlit, no store; the UI layer (``pages/_common.py``) reads the widgets and the URL
and calls :func:`parse_query`, :func:`resolve_period` and :func:`to_query`.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

PRESETS = ("4w", "12w", "6m", "1y", "all", "custom")
"""The period presets, in the order the control lists them."""

PRESET_LABELS = {
    "4w": "4 weeks",
    "12w": "12 weeks",
    "6m": "6 months",
    "1y": "1 year",
    "all": "All",
    "custom": "Custom",
}
DEFAULT_PRESET = "12w"

QUERY_PRESET, QUERY_FROM, QUERY_TO = "period", "from", "to"
"""The query param names: ``?period=custom&from=2021-01-01&to=2021-03-12``."""
QUERY_KEYS = (QUERY_PRESET, QUERY_FROM, QUERY_TO)

_WEEKS = {"4w": 4, "12w": 12}
_MONTHS = {"6m": 6, "1y": 12}
_SPAN_WORDS = {
    "4w": "the 4 weeks",
    "12w": "the 12 weeks",
    "6m": "the 6 months",
    "1y": "the year",
    "all": "everything",
}


@dataclass(frozen=True)
class Period:
    """The days a page shows, and the day its "today" claims refer to.

    Attributes
    ----------
    first, last
        The period's first and last local calendar day, both included.
    as_of
        The day "this week" and the decision refer to: the period's last day, never after today.
    preset
        One of :data:`PRESETS`.
    note
        Why the period is not the one asked for (stale data, a link that could not be read, dates
        clipped to the data), in words for the page; None when it is exactly what was asked.
    pinned
        The end was chosen (custom dates, or a link's ``to``) rather than found from today and
        the data; only a pinned end goes into the link, so an unpinned view follows new data.
    """

    first: date
    last: date
    as_of: date
    preset: str
    note: str | None = None
    pinned: bool = False

    @property
    def days(self) -> int:
        """Number of calendar days in the period [days]."""
        return (self.last - self.first).days + 1

    def describe(self) -> str:
        """The period in words, for a caption: "12 weeks: 15 Dec 2020 – 12 Mar 2021"."""
        return f"{PRESET_LABELS[self.preset]}: {day_text(self.first)} – {day_text(self.last)}"


@dataclass(frozen=True)
class PeriodRequest:
    """What a link or the widgets ask for, before it meets the data and today.

    ``last`` is the custom period's last day, or for a preset the chosen "as of" day (None: the
    latest day the data allows).
    """

    preset: str = DEFAULT_PRESET
    first: date | None = None
    last: date | None = None
    note: str | None = None


def day_text(day: date) -> str:
    """A day as people write it: "12 Mar 2021" (no leading zero)."""
    return f"{day.day} {day:%b %Y}"


def week_start_of(day: date, week_start: str = "monday") -> date:
    """The first day of the week holding ``day``: Monday (ISO) or Sunday weeks."""
    if week_start not in ("monday", "sunday"):
        raise ValueError(f"week_start must be 'monday' or 'sunday', not {week_start!r}")
    # weekday() counts from Monday = 0; a Sunday week is the same count shifted by one day
    offset = day.weekday() if week_start == "monday" else (day.weekday() + 1) % 7
    return day - timedelta(days=offset)


def _months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier (the month's last day where it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def preset_start(
    preset: str, as_of: date, week_start: str = "monday", first_data_day: date | None = None
) -> date:
    """The first day of a preset's period ending on ``as_of``.

    ``4w``/``12w``: the first day of the week 3/11 weeks before the week of ``as_of``;
    ``6m``/``1y``: the first day of the week holding the day after ``as_of`` minus 6/12 months;
    ``all``: the first activity's day (``as_of`` itself when it comes later or there is none).
    """
    if preset in _WEEKS:
        return week_start_of(as_of, week_start) - timedelta(weeks=_WEEKS[preset] - 1)
    if preset in _MONTHS:
        return week_start_of(_months_before(as_of, _MONTHS[preset]) + timedelta(days=1), week_start)
    if preset == "all":
        return min(first_data_day, as_of) if first_data_day is not None else as_of
    raise ValueError(f"no preset span for {preset!r}")


def _join(notes: list[str]) -> str | None:
    return " ".join(notes) if notes else None


def resolve_period(
    preset: str | None,
    first: date | None,
    last: date | None,
    as_of: date | None,
    last_data_day: date | None,
    today: date,
    week_start: str = "monday",
    *,
    first_data_day: date | None = None,
    note: str | None = None,
) -> Period:
    """The period to show, from what was asked, the data's span and today.

    Parameters
    ----------
    preset
        One of :data:`PRESETS`; None (or an unknown name, with a note) is :data:`DEFAULT_PRESET`.
    first, last
        The custom period's days (read only for ``"custom"``). Swapped when ``first`` comes after
        ``last``, then clipped to the data's span (``first_data_day``..``last_data_day``) and to
        today; a custom period without data or without both days falls back to the default.
    as_of
        A preset's chosen last day; None for the latest day the data allows: today, unless the
        latest activity lies before the preset's span ending today (for ``all``, before the
        default span), then that activity's day. Never after today.
    last_data_day, first_data_day
        The latest and earliest local day with an activity; None without any.
    today
        The athlete's today.
    week_start
        ``"monday"`` or ``"sunday"``: the weeks presets count.
    note
        A note from reading the request (a link that could not be read), kept in front.

    Returns
    -------
    Period
        With ``as_of == last`` and ``note`` saying why it differs from the request, if it does.
    """
    notes = [note] if note else []
    if preset is None:
        preset = DEFAULT_PRESET
    elif preset not in PRESETS:
        notes.append(f"“{preset}” is not a period: showing the default.")
        preset = DEFAULT_PRESET
    if preset == "custom":
        custom = _custom(first, last, last_data_day, today, first_data_day, notes)
        if custom is not None:
            return custom
        preset, as_of = DEFAULT_PRESET, None
    pinned = as_of is not None
    if as_of is not None:
        end = min(as_of, today)
        if end < as_of:
            notes.append(f"{day_text(as_of)} is still to come: showing up to today.")
        if first_data_day is not None and end < first_data_day <= today:
            notes.append(f"Your first activity is on {day_text(first_data_day)}: showing up to it.")
            end = first_data_day
    else:
        end = today
        span = DEFAULT_PRESET if preset == "all" else preset
        if last_data_day is not None and last_data_day < preset_start(span, today, week_start):
            end = last_data_day
            notes.append(
                f"Your latest activity is on {day_text(last_data_day)}: showing "
                f"{_SPAN_WORDS[preset]} up to it."
            )
    start = preset_start(preset, end, week_start, first_data_day)
    return Period(start, end, end, preset, _join(notes), pinned)


def _custom(
    first: date | None,
    last: date | None,
    last_data_day: date | None,
    today: date,
    first_data_day: date | None,
    notes: list[str],
) -> Period | None:
    """A custom period, or None (with a note) when it cannot be shown and the default stands."""
    if first is None or last is None:
        notes.append("A custom period needs a first and a last day: showing the default.")
        return None
    if first > last:
        first, last = last, first
        notes.append("The first day came after the last: swapped.")
    low = first if first_data_day is None else max(first, first_data_day)
    high = min(last, today if last_data_day is None else min(last_data_day, today))
    if low > high:
        notes.append(
            f"No activity between {day_text(first)} and {day_text(last)}: showing the default."
        )
        return None
    if (low, high) != (first, last):
        notes.append(f"Clipped to the days with data: {day_text(low)} – {day_text(high)}.")
    return Period(low, high, high, "custom", _join(notes), pinned=True)


def _one(value: str | list[str] | None) -> str | None:
    """One query param's value: Streamlit gives the last of a repeated key, a list for all."""
    if isinstance(value, list):
        return value[-1] if value else None
    return value


def _day(value: str | None, name: str, notes: list[str]) -> date | None:
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        notes.append(f"The link's “{name}” ({value}) is not a day like 2021-03-12.")
        return None


def parse_query(params: Mapping[str, str | list[str]]) -> PeriodRequest:
    """The period a link asks for; what cannot be read becomes the default, with a note.

    ``period`` names a preset; ``from`` and ``to`` are ISO days (``2021-03-12``). With a preset,
    ``to`` is the "as of" day (one that cannot be read leaves it to the data) and ``from`` is not
    read; ``custom`` needs both. An unknown preset, or a custom period without two readable days,
    falls back to :data:`DEFAULT_PRESET`.
    """
    notes: list[str] = []
    default = f"showing the default, {PRESET_LABELS[DEFAULT_PRESET]}."
    preset = _one(params.get(QUERY_PRESET)) or DEFAULT_PRESET
    if preset not in PRESETS:
        notes.append(f"The link's period “{preset}” is not one of {', '.join(PRESETS)}: {default}")
        preset = DEFAULT_PRESET
    first = _day(_one(params.get(QUERY_FROM)), QUERY_FROM, notes) if preset == "custom" else None
    last = _day(_one(params.get(QUERY_TO)), QUERY_TO, notes)
    if preset == "custom" and (first is None or last is None):
        notes.append(f"A custom period needs a “from” and a “to” day: {default}")
        preset, first, last = DEFAULT_PRESET, None, None
    return PeriodRequest(preset, first, last, _join(notes))


def to_query(period: Period) -> dict[str, str]:
    """The query params that reproduce ``period``: ``to`` only where its end was chosen."""
    out = {QUERY_PRESET: period.preset}
    if period.preset == "custom":
        out[QUERY_FROM] = period.first.isoformat()
    if period.pinned:
        out[QUERY_TO] = period.last.isoformat()
    return out
