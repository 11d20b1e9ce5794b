"""A page's data preparation reads only what it shows, and what it shows stays the same.

The Guidance calendar types its days from the heart-rate histogram of those days only (the whole
history's histogram was most of the page's time on five years); it must type every day exactly
as the whole histogram does.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from analysis import columns as c
from analysis import dashboard
from analysis.metrics import calendar, zones
from analysis.prepare import prepare_activity
from analysis.store import Store
from tests.factories import run_activity


def test_the_calendar_types_its_days_as_the_whole_histogram_does(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        # 150 days of a run a day but a rest day a week (none a long run: each is a sixth of
        # its week), the heart rate changing with the day so that some are easy and some hard,
        # most of them before the calendar's weeks
        for i in (i for i in range(150) if i % 7 != 6):
            day = pd.Timestamp("2026-01-05T06:00:00Z") + pd.Timedelta(days=i)
            act = run_activity(
                name=f"run{i}.fit", start=day.isoformat(), n=300, hr_bpm=120.0 + (i * 7) % 70
            )
            digest = f"{i:03d}".ljust(64, "0")
            store.add_file(digest, act.source_name, "fit", 1, [prepare_activity(act, digest, 0)])
        s = store.load_settings()
        as_of = dt.date(2026, 5, 31)
        got = dashboard.guidance_data(store, s, as_of, first=dt.date(2026, 1, 1))
        days = got["days"]
        assert len(days) >= 7 * 4 and {"rest", "easy", "hard"} <= set(days[c.DAY_TYPE])
        whole = calendar.classify_days(
            store.activities().sort_values(c.START_TIME_UTC).reset_index(drop=True),
            store.hr_histogram(),  # every day of the history
            dashboard.zone_table(s),
            zones.easy_zones(s.zone_model),
            start=days[c.DATE].min(),
            end=pd.Timestamp(as_of),
            hard_threshold_min=s.hard_session_min,
            threshold_pace_s_per_km=s.threshold_pace_s_per_km,
            week_start=s.week_start,
            unit=s.units,
        )
        pd.testing.assert_frame_equal(days.reset_index(drop=True), whole.reset_index(drop=True))
        # the Strength & mobility page's calendar reads its own days' histogram the same way
        from analysis.views.strength import strength_data

        days = strength_data(store, s, as_of, first=dt.date(2026, 4, 1))["days"]
        assert {"rest", "easy", "hard"} <= set(days[c.DAY_TYPE])
        whole = calendar.classify_days(
            store.activities().sort_values(c.START_TIME_UTC).reset_index(drop=True),
            store.hr_histogram(),
            dashboard.zone_table(s),
            zones.easy_zones(s.zone_model),
            start=days[c.DATE].min(),
            end=pd.Timestamp(as_of),
            hard_threshold_min=s.hard_session_min,
            threshold_pace_s_per_km=s.threshold_pace_s_per_km,
            week_start=s.week_start,
            unit=s.units,
        )
        pd.testing.assert_frame_equal(days.reset_index(drop=True), whole.reset_index(drop=True))


def test_pain_triggers_read_the_runs_near_the_episodes_only_and_say_the_same() -> None:
    from analysis.metrics import pain
    from analysis.views.pain import runs_near

    # a run every other day for 300 days, 5 km, then 8 km every 40th day (a jump: 8 > 5.5, the
    # longest of the 30 days before being 5 km): 10 June and 29 August, in the two windows
    days = pd.date_range("2025-01-01", periods=150, freq="2D")
    runs = pd.DataFrame(
        {
            c.LOCAL_DATE: days.date,
            c.DISTANCE_M: [8000.0 if i % 20 == 0 else 5000.0 for i in range(len(days))],
        }
    ).iloc[::-1]  # newest first, as the store lists them
    log = pd.DataFrame(
        {
            c.PAIN_ID: ["p0", "p1"],
            c.DATE: pd.to_datetime(["2025-06-15", "2025-09-20"]),
            c.BODY_SITE: ["knee", "calf"],
            c.SIDE: ["left", "right"],
            c.SEVERITY: [4.0, 5.0],
            c.PAIN_WHEN: "after running",
            c.NOTES: None,
        }
    )
    episodes = pain.episodes(log)
    near = runs_near(runs, episodes)
    # 15 June - 28 - 30 days = 18 April: the runs from then on, and the one before
    assert pd.Timestamp(min(near[c.LOCAL_DATE])) == pd.Timestamp("2025-04-17")
    assert len(near) == 150 - 53  # the 53 runs of 1 January .. 15 April left out
    empty = pd.DataFrame(columns=[c.WEEK_START, c.CHANGE_PCT, c.OVER_RAMP_LIMIT])
    args = {"weekly": empty, "acr": pd.DataFrame(columns=[c.DATE, c.ACWR]),
            "wellness": pd.DataFrame(), "acwr_high": 1.3}  # fmt: skip
    whole = pain.triggers(episodes, runs=runs, **args)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(pain.triggers(episodes, runs=near, **args), whole)  # type: ignore[arg-type]
    assert whole[pain.LONG_RUN_JUMP].str.len().gt(0).all(), "each window holds a jump"
    # no episode: one run is enough to say the history has runs; none stays none
    assert len(runs_near(runs, episodes.iloc[:0])) == 1
    assert runs_near(runs.iloc[:0], episodes).empty
