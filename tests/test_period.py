"""The period every page shows: worked examples of presets, stale data, custom dates and links.

Today is Thursday 10 March 2022 throughout; weeks start on Monday unless a test says otherwise.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from analysis.views.period import (
    PRESETS,
    Period,
    PeriodRequest,
    parse_query,
    preset_start,
    resolve_period,
    to_query,
)

TODAY = date(2022, 3, 10)  # a Thursday
FIRST_RUN = date(2012, 5, 1)


def test_the_default_is_the_12_weeks_ending_today_when_the_data_is_recent() -> None:
    got = resolve_period(None, None, None, None, date(2022, 3, 9), TODAY, "monday")
    # the week of Thu 10 Mar starts Mon 7 Mar; 11 weeks before it is Mon 20 Dec 2021
    assert got == Period(date(2021, 12, 20), TODAY, TODAY, "12w", None, False)
    assert got.days == 81  # 11 whole weeks and the 4 days of this one


def test_data_ending_a_year_ago_opens_on_the_12_weeks_up_to_the_latest_activity() -> None:
    got = resolve_period(None, None, None, None, date(2021, 3, 12), TODAY, "monday")
    # Fri 12 Mar 2021 lies in the week of Mon 8 Mar; 11 weeks before it is Mon 21 Dec 2020
    last = date(2021, 3, 12)
    assert (got.first, got.last, got.as_of) == (date(2020, 12, 21), last, last)
    assert got.note == "Your latest activity is on 12 Mar 2021: showing the 12 weeks up to it."
    assert not got.pinned  # new data moves the view on: the link carries no end
    assert to_query(got) == {"period": "12w"}


def test_data_inside_the_default_period_keeps_today() -> None:
    # Mon 20 Dec 2021 is the default period's first day: a run on it is inside
    got = resolve_period("12w", None, None, None, date(2021, 12, 20), TODAY)
    assert got.as_of == TODAY and got.note is None
    # one day earlier it is outside: the period moves back to it
    got = resolve_period("12w", None, None, None, date(2021, 12, 19), TODAY)
    assert got.as_of == date(2021, 12, 19) and got.first == date(2021, 9, 27)


def test_a_short_preset_moves_back_when_its_own_span_holds_no_data() -> None:
    # six weeks without a run: 12 weeks ending today still hold data, 4 weeks do not
    last_run = TODAY - timedelta(weeks=6)
    assert resolve_period("12w", None, None, None, last_run, TODAY).as_of == TODAY
    four = resolve_period("4w", None, None, None, last_run, TODAY)
    assert four.as_of == last_run == date(2022, 1, 27)
    assert four.first == date(2022, 1, 3)  # Mon of the week of Thu 27 Jan, minus 3 weeks
    assert four.note == "Your latest activity is on 27 Jan 2022: showing the 4 weeks up to it."


def test_weeks_starting_on_sunday() -> None:
    got = resolve_period("4w", None, None, None, TODAY, TODAY, "sunday")
    # the week of Thu 10 Mar starts Sun 6 Mar; 3 weeks before it is Sun 13 Feb
    assert got.first == date(2022, 2, 13) and got.first.weekday() == 6
    monday = resolve_period("4w", None, None, None, TODAY, TODAY, "monday")
    assert monday.first == date(2022, 2, 14)


def test_months_and_a_year_start_on_the_first_day_of_a_week() -> None:
    # 6 months before 10 Mar 2022 is 10 Sep 2021; the day after, Sat 11 Sep, is in the week of
    # Mon 6 Sep
    assert preset_start("6m", TODAY) == date(2021, 9, 6)
    # a year: Fri 11 Mar 2021 is in the week of Mon 8 Mar 2021
    assert preset_start("1y", TODAY) == date(2021, 3, 8)
    # 31 Aug minus 6 months is the last day of February
    assert preset_start("6m", date(2022, 8, 31), "sunday") == date(2022, 2, 27)


def test_all_starts_on_the_first_activity() -> None:
    got = resolve_period("all", None, None, None, TODAY, TODAY, first_data_day=FIRST_RUN)
    assert (got.first, got.as_of, got.note) == (FIRST_RUN, TODAY, None)
    stale = resolve_period(
        "all", None, None, None, date(2021, 3, 12), TODAY, first_data_day=FIRST_RUN
    )
    assert (stale.first, stale.as_of) == (FIRST_RUN, date(2021, 3, 12))
    assert stale.note == "Your latest activity is on 12 Mar 2021: showing everything up to it."


def test_a_custom_period_is_clipped_to_the_data() -> None:
    got = resolve_period(
        "custom",
        date(2021, 1, 1),
        date(2021, 3, 31),
        None,
        date(2021, 3, 12),
        TODAY,
        first_data_day=FIRST_RUN,
    )
    assert (got.first, got.last, got.as_of) == (
        date(2021, 1, 1),
        date(2021, 3, 12),
        date(2021, 3, 12),
    )
    assert got.note == "Clipped to the days with data: 1 Jan 2021 – 12 Mar 2021."
    assert got.pinned
    assert to_query(got) == {"period": "custom", "from": "2021-01-01", "to": "2021-03-12"}


def test_custom_days_in_the_wrong_order_are_swapped() -> None:
    got = resolve_period("custom", date(2021, 3, 1), date(2021, 2, 1), None, TODAY, TODAY)
    assert (got.first, got.last) == (date(2021, 2, 1), date(2021, 3, 1))
    assert got.note == "The first day came after the last: swapped."


def test_a_custom_period_without_data_falls_back_to_the_default() -> None:
    got = resolve_period(
        "custom",
        date(2010, 1, 1),
        date(2010, 2, 1),
        None,
        TODAY,
        TODAY,
        first_data_day=FIRST_RUN,
    )
    assert (got.preset, got.as_of, got.first) == ("12w", TODAY, date(2021, 12, 20))
    assert got.note == "No activity between 1 Jan 2010 and 1 Feb 2010: showing the default."


def test_as_of_is_never_after_today() -> None:
    got = resolve_period("12w", None, None, date(2030, 1, 1), TODAY, TODAY)
    assert got.as_of == TODAY and got.pinned
    assert got.note == "1 Jan 2030 is still to come: showing up to today."
    # an activity dated in the future (a watch with a wrong clock) does not move today
    assert resolve_period(None, None, None, None, date(2030, 1, 1), TODAY).as_of == TODAY
    custom = resolve_period("custom", date(2022, 3, 1), date(2022, 4, 1), None, None, TODAY)
    assert custom.last == TODAY


def test_a_chosen_as_of_day_moves_a_preset_and_goes_into_the_link() -> None:
    got = resolve_period("4w", None, None, date(2021, 3, 12), TODAY, TODAY)
    assert (got.first, got.as_of) == (date(2021, 2, 15), date(2021, 3, 12))
    assert to_query(got) == {"period": "4w", "to": "2021-03-12"}


def test_links_are_read_back_to_the_same_period() -> None:
    for query in (
        {"period": "4w"},
        {"period": "1y", "to": "2021-06-30"},
        {"period": "custom", "from": "2021-01-01", "to": "2021-03-12"},
    ):
        req = parse_query(query)
        assert req.note is None
        period = resolve_period(req.preset, req.first, req.last, req.last, TODAY, TODAY)
        assert to_query(period) == query


def test_links_that_cannot_be_read_fall_back_with_a_note() -> None:
    assert parse_query({}) == PeriodRequest("12w", None, None, None)
    bad = parse_query({"period": "2w"})
    assert (bad.preset, bad.note) == (
        "12w",
        "The link's period “2w” is not one of 4w, 12w, 6m, 1y, all, custom: showing the "
        "default, 12 weeks.",
    )
    bad_day = parse_query({"period": "custom", "from": "2021-13-01", "to": "2021-03-12"})
    assert (bad_day.preset, bad_day.first, bad_day.last) == ("12w", None, None)
    assert bad_day.note == (
        "The link's “from” (2021-13-01) is not a day like 2021-03-12. A custom period needs a "
        "“from” and a “to” day: showing the default, 12 weeks."
    )
    # a preset keeps its name when only its as-of day is unreadable; from is not read for it
    req = parse_query({"period": "4w", "from": "junk", "to": "yesterday"})
    assert (req.preset, req.first, req.last) == ("4w", None, None)
    assert req.note == "The link's “to” (yesterday) is not a day like 2021-03-12."
    # the note reaches the period, in front of what the data adds
    period = resolve_period(req.preset, req.first, req.last, req.last, date(2021, 3, 12), TODAY,
                            note=req.note)  # fmt: skip
    assert period.note is not None and period.note.startswith("The link's “to”")
    assert period.note.endswith("showing the 4 weeks up to it.")
    # a repeated key: Streamlit hands over the last value
    assert parse_query({"period": ["1y", "4w"]}).preset == "4w"


days = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))


@given(
    preset=st.sampled_from([*PRESETS, None, "bogus"]),
    first=st.none() | days,
    last=st.none() | days,
    as_of=st.none() | days,
    data=st.none() | st.tuples(days, days).map(sorted),
    today=days,
    week_start=st.sampled_from(["monday", "sunday"]),
)
def test_every_period_is_well_formed(
    preset: str | None,
    first: date | None,
    last: date | None,
    as_of: date | None,
    data: list[date] | None,
    today: date,
    week_start: str,
) -> None:
    first_data, last_data = data if data is not None else (None, None)
    got = resolve_period(
        preset, first, last, as_of, last_data, today, week_start, first_data_day=first_data
    )
    assert got.first <= got.last == got.as_of <= today
    assert got.preset in PRESETS
    if got.preset in ("4w", "12w", "6m", "1y"):
        assert got.first.weekday() == (0 if week_start == "monday" else 6)
