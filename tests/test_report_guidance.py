"""The report's Strength & mobility, Pain & niggles and Race & blocks sections, worked by hand.

One small store: easy runs of 6.0 km on Monday, Wednesday and Friday and a 9.0 km long run on
Sunday, every week from Mon 7 Sep 2026; on Sun 25 Oct and Sun 15 Nov the long run is 18.0 km
instead. The report covers four Monday weeks up to Fri 20 Nov 2026: 26 Oct – 20 Nov.

- a run is ``n`` samples 10 s apart at 3.0 m/s: (n − 1) × 30 m. 6.0 km: n = 201 (33 min);
  9.0 km: n = 301 (50 min); 18.0 km: n = 601 (100 min, long by its duration).
- weeks: 3 × 6 + 9 = 27 km; the weeks of 19 Oct and 9 Nov 3 × 6 + 18 = 36 km, 36 / 27 = +33 %
  (over the default +10 % ramp limit); the week of 16 Nov so far Mon, Wed, Fri = 18 km.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest

from analysis.config import ATHLETE_DB
from analysis.demo import DEMO_BLOCKS, DEMO_PAINS, DEMO_RACE, demo_sessions
from analysis.prepare import prepare_activity
from analysis.report import build_report
from analysis.settings import AthleteSettings
from analysis.store import Store
from analysis.views.pain import pain_data
from tests.factories import run_activity

AS_OF = dt.date(2026, 11, 20)  # Friday
WEEKS = 4  # Mon 26 Oct – Fri 20 Nov 2026
FIRST_MONDAY = dt.date(2026, 9, 7)
LONG_SUNDAYS = {dt.date(2026, 10, 25), dt.date(2026, 11, 15)}
SAMPLES = {6: 201, 9: 301, 18: 601}  # km: samples of 10 s at 3.0 m/s


def _runs(store: Store) -> None:
    day = FIRST_MONDAY
    while day <= AS_OF:
        km = None
        if day.weekday() in (0, 2, 4):
            km = 6
        elif day.weekday() == 6:
            km = 18 if day in LONG_SUNDAYS else 9
        if km is not None:
            # 120 bpm: easy in every zone model, so only the long-run rule types a day
            act = run_activity(
                name=f"{day:%Y%m%d}.fit",
                start=f"{day:%Y-%m-%d}T06:00:00Z",
                n=SAMPLES[km],
                hr_bpm=120.0,
            )
            digest = f"{day:%Y%m%d}".ljust(64, "2")
            store.add_file(digest, act.source_name, "fit", 1, [prepare_activity(act, digest, 0)])
        day += dt.timedelta(days=1)


def _logs(store: Store) -> None:
    session = store.add_session
    session(dt.date(2026, 10, 20), "strength", 30.0, 5.0)  # before the period
    session(dt.date(2026, 10, 27), "strength", 35.0, 6.0)  # Tue; Wed is an easy 6 km
    session(dt.date(2026, 10, 29), "strength", 30.0, 5.0)  # Thu; Fri is an easy 6 km
    session(dt.date(2026, 11, 3), "strength", 35.0, 6.0)
    session(dt.date(2026, 11, 6), "mobility", 20.0, 2.0)
    session(dt.date(2026, 11, 10), "strength", 35.0, 6.0)
    session(dt.date(2026, 11, 12), "plyometrics", 12.0, 7.0)
    session(dt.date(2026, 11, 14), "strength", 30.0, 5.0)  # Sat, before Sunday's 18 km
    store.add_pain(dt.date(2026, 10, 1), "calf", "right", 3.0, "after running")  # before
    store.add_pain(dt.date(2026, 11, 2), "knee", "right", 2.0, "after running")
    store.add_pain(dt.date(2026, 11, 4), "knee", "right", 4.0, "during running")
    store.add_pain(dt.date(2026, 11, 5), "knee", "left", 1.0, "at rest")
    store.add_pain(dt.date(2026, 11, 7), "knee", "right", 0.0, "at rest")  # fine that day
    store.add_race(dt.date(2026, 11, 29), 21.0975, 5940.0, "Autumn half <b>")
    store.add_block(dt.date(2026, 9, 28), dt.date(2026, 11, 8), "build", None)
    store.add_block(dt.date(2026, 11, 9), dt.date(2026, 11, 15), "peak", None)
    store.add_block(dt.date(2026, 11, 16), dt.date(2026, 11, 29), "taper", None)


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("guidance") / ATHLETE_DB
    with Store(path) as store:
        _runs(store)
        _logs(store)
    return path


@pytest.fixture(scope="module")
def runs_only(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("runs_only") / ATHLETE_DB
    with Store(path) as store:
        _runs(store)
    return path


def _report(path: Path, **settings: object) -> str:
    with Store(path, read_only=True) as store:
        return build_report(store, AthleteSettings(**settings), AS_OF, WEEKS, "Ana")


def _section(document: str, title: str) -> str:
    """The text of one section: tags out, entities read back, one space between words."""
    found = re.search(
        rf"<section><h2>{re.escape(html.escape(title))}</h2>(.*?)</section>", document, re.S
    )
    assert found, title
    text = re.sub(r"<[^>]+>", " ", found.group(1))
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def test_the_three_sections_follow_guidance_in_the_pages_order(full: Path) -> None:
    titles = re.findall(r"<h2>(.*?)</h2>", _report(full))
    assert titles[-4:] == [
        "Guidance",
        "Strength &amp; mobility",
        "Pain &amp; niggles",
        "Race &amp; blocks",
    ]


def test_strength_worked_by_hand(full: Path) -> None:
    text = _section(_report(full), "Strength & mobility")
    # strength + plyometrics per week: 26 Oct 2 (Tue, Thu), 2 Nov 1 (mobility not counted),
    # 9 Nov 3 (Tue, Thu plyometrics, Sat), 16 Nov 0 so far; the 20 Oct session is before
    # the period. Mean (2 + 1 + 3 + 0) / 4 = 1.5 a week
    assert "Strength sessions a week 1.5 (target 2–3)" in text
    assert (
        "Each week (strength and plyometrics) 26 Oct 2, 02 Nov 1, 09 Nov 3, 16 Nov 0 (so far)"
        in (text)
    )
    # three weeks have ended: 26 Oct within, 2 Nov below, 9 Nov within; 16 Nov is not judged
    # yet (it may still reach the target)
    assert "Weeks within the target 2 of 3 judged" in text
    assert "Sessions in the period 5 strength, 1 mobility, 1 plyometrics" in text
    # Sat 14 Nov, then Sunday's 18 km in 100 min (long: 90 min or more). Tue 27 Oct and
    # Thu 29 Oct come before a 6 km run of 33 min, not the week's longest: not flagged
    assert "The day before a hard or long run 1 strength session " in text
    assert "Sat 14 Nov 2026: strength, 30 min, the day before a long run" in text
    assert "Tue 27 Oct" not in text and "Thu 29 Oct" not in text


def test_pain_worked_by_hand(full: Path) -> None:
    text = _section(_report(full), "Pain & niggles")
    assert text.count("Association, not diagnosis") == 1
    # the calf on 1 Oct ended before the period; the knee: 2, 4 (right) and 5 Nov (left)
    # above 0, the 0 of 7 Nov belongs to no episode
    assert "Episodes in the period 1" in text
    assert "Entries in the period 4" in text  # the log itself holds the 0 too
    assert "Knee (left, right), Mon 02 Nov 2026 – Thu 05 Nov 2026: worst 4/10 over 3 entries" in (
        text
    )
    # the 28 days before 2 Nov: 5 Oct – 1 Nov. Weeks ending in them: 5, 12, 19 and 26 Oct;
    # the week of 19 Oct (ending Sun 25 Oct) ran 36 km after 27: +33 %
    assert "The 28 days before held: ramp over the limit: week of 19 Oct +33 % ·" in text
    # Sun 25 Oct ran 18.0 km; the longest of the 30 days before was a 9.0 km Sunday
    assert "long-run jump: 25 Oct 18.0 km after 9.0" in text
    # no shoes, no wellness log: nothing to look at
    assert "new shoes: not known · short sleep: not known · high soreness: not known" in text
    with Store(full, read_only=True) as store:
        first = dt.date(2026, 10, 26)
        acwr = pain_data(store, AthleteSettings(), AS_OF, first=first)["triggers"]["acwr_high"]
    assert f"ACWR over the band: {acwr.iloc[0] or 'none'} ·" in text  # as the page shows it


def test_race_worked_by_hand(full: Path) -> None:
    document = _report(full)
    text = _section(document, "Race & blocks")
    assert "Goal race Autumn half <b> on Sun 29 Nov 2026" in text
    assert "Autumn half &lt;b&gt;" in document and "Autumn half <b>" not in document
    assert "Distance 21.10 km" in text
    # 5940 s / 21.0975 km = 281.55 s/km: 4:42 min/km
    assert "Target time 1:39:00 (4:42 min/km)" in text
    # Fri 20 Nov to Sun 29 Nov
    assert "Days to the race 9 (from Fri 20 Nov 2026)" in text
    assert "Block on Fri 20 Nov 2026 taper, Mon 16 Nov 2026 – Sun 29 Nov 2026" in text
    # the 28 days 24 Oct – 20 Nov: 18 (25 Oct) + 27 + 27 + 36 + 18 = 126 km; / 4 = 31.5
    assert "Chronic load 31.5 km a week" in text
    # a half marathon tapers over 2 weeks (under 30 km), cutting 40 % then 60 %: from the
    # week before the taper (9 Nov, 36.0 km) 36 × 0.6 = 21.6 km, 36 × 0.4 = 14.4 km
    assert "the last 2 weeks, the race week included" in text
    assert "by 40, then 60 %" in text
    assert "Peak week (the week before the taper) 36.0 km, week of 09 Nov" in text
    assert "Taper week of 16 Nov 18.0 km run so far; target 21.6 km (−40 %)" in text
    assert "Taper week of 23 Nov target 14.4 km (−60 %) and the race" in text


def test_in_miles_the_sections_show_no_km(full: Path) -> None:
    document = _report(full, units="mi")
    for title in ("Strength & mobility", "Pain & niggles", "Race & blocks"):
        text = _section(document, title)
        assert not re.search(r"\bkm\b", text), (title, text)
    race = _section(document, "Race & blocks")
    # 21.0975 / 1.609344 = 13.11 mi; 281.55 s/km × 1.609344 = 453.1 s: 7:33 min/mi
    assert "Distance 13.11 mi" in race and "(7:33 min/mi)" in race
    # 31.5 / 1.609344 = 19.57 → 19.6 mi; 36 km = 22.37 → 22.4 mi, × 0.6 = 13.42 → 13.4 mi
    assert "Chronic load 19.6 mi a week" in race
    assert "Peak week (the week before the taper) 22.4 mi" in race
    assert "target 13.4 mi (−40 %)" in race
    # 18.0 km = 11.18 mi after 9.0 km = 5.59 mi
    assert "25 Oct 11.2 mi after 5.6" in _section(document, "Pain & niggles")


def test_without_logs_or_a_race_each_section_says_so(runs_only: Path) -> None:
    document = _report(runs_only)
    assert _section(document, "Strength & mobility") == "No strength sessions logged in the period."
    assert _section(document, "Pain & niggles") == "No pain logged in the period."
    race = _section(document, "Race & blocks")
    assert race.startswith("Block on Fri 20 Nov 2026 none")
    assert "No goal race on or after Fri 20 Nov 2026." in race


def test_a_race_before_its_taper_says_when_the_taper_starts(tmp_path: Path) -> None:
    path = tmp_path / ATHLETE_DB
    with Store(path) as store:
        _runs(store)
        # a marathon on Sun 27 Dec 2026: a 3-week taper from the week of Mon 7 Dec
        store.add_race(dt.date(2026, 12, 27), 42.195, None, None)
    text = _section(_report(path), "Race & blocks")
    assert "Goal race Goal race on Sun 27 Dec 2026" in text
    assert "Target time —" in text
    assert "Days to the race 37" in text  # 10 days of November left, then 27
    assert "the last 3 weeks" in text and "by 40, then 50, then 60 %" in text
    assert "Taper starts the week of Mon 07 Dec 2026" in text
    assert "Taper week" not in text


def test_an_empty_store_still_says_nothing_yet(tmp_path: Path) -> None:
    with Store(tmp_path / ATHLETE_DB) as store:
        store.add_race(dt.date(2026, 11, 29), 21.0975, None, "Autumn half")
        document = build_report(store, AthleteSettings(), AS_OF, WEEKS)
    assert "Nothing to show yet" in document and "<section" not in document


def test_with_the_demo_athletes_logs_and_season(tmp_path: Path) -> None:
    # the demo's own strength log, pain log, goal race and blocks beside the runs above
    path = tmp_path / ATHLETE_DB
    with Store(path) as store:
        _runs(store)
        for session in demo_sessions():
            store.add_session(*session)
        for niggle in DEMO_PAINS:
            store.add_pain(*niggle)
        store.add_race(*DEMO_RACE)
        for block in DEMO_BLOCKS:
            store.add_block(*block)
    as_of = dt.date(2026, 11, 13)  # Friday of the demo's week 15 (weeks 0-15 from 27 Jul)
    with Store(path, read_only=True) as store:
        document = build_report(store, AthleteSettings(), as_of, 5)
    strength = _section(document, "Strength & mobility")
    # five weeks from Mon 12 Oct: week 11 (the spike, nothing), week 12 (a cutback: mobility
    # only), weeks 13 and 15 Tue + Thu strength, week 14 also plyometrics on Thu (14 % 3 == 2).
    # Strength + plyometrics: 0, 0, 2, 3, 2 (Tue 10 and Thu 12 Nov by Fri 13 Nov); mean 7 / 5
    assert "Strength sessions a week 1.4 (target 2–3)" in strength
    assert "12 Oct 0, 19 Oct 0, 26 Oct 2, 02 Nov 3, 09 Nov 2" in strength
    # week 15 already reached 2: judged with the four that ended; within: 13, 14, 15
    assert "Weeks within the target 3 of 5 judged" in strength
    # mobility on Fridays of weeks 12-15 (13 Nov included); strength 2 + 2 + 2, plyometrics 1
    assert "Sessions in the period 6 strength, 4 mobility, 1 plyometrics" in strength
    # the Saturday sessions before the long run were in weeks 1, 6 and 10: none here
    assert "The day before a hard or long run 0 strength sessions" in strength
    assert "the day before a long run" not in strength
    pain = _section(document, "Pain & niggles")
    # the knee (16-17 Aug) ended before 12 Oct; the Achilles 19-29 Oct (4, 6, 3, 2, 1) and the
    # calf on 3 Nov are in the period
    assert "Episodes in the period 2" in pain
    assert "Achilles (left), Mon 19 Oct 2026 – Thu 29 Oct 2026: worst 6/10 over 5 entries" in pain
    assert "Calf (right), Tue 03 Nov 2026 – Tue 03 Nov 2026: worst 2/10 over 1 entry." in pain
    race = _section(document, "Race & blocks")
    assert "Goal race Berlin autumn half marathon on Sun 29 Nov 2026" in race
    assert "Days to the race 16 (from Fri 13 Nov 2026)" in race  # 29 − 13 = 16
    assert "Block on Fri 13 Nov 2026 peak, Mon 26 Oct 2026 – Sun 15 Nov 2026" in race
    # a half marathon's 2-week taper ends in the race week (23 Nov): it starts on Mon 16 Nov
    assert "Taper starts the week of Mon 16 Nov 2026" in race
