"""The plan generator to a goal race: taper, ramp and cutback rule, blocks, worked by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import columns as c
from analysis.metrics import blocks as b
from analysis.metrics.guidance import cutback_weeks


def _runs(days_km: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            c.LOCAL_DATE: pd.to_datetime(list(days_km)),
            c.DISTANCE_M: [km * 1000.0 for km in days_km.values()],
        }
    )


def test_chronic_weekly_distance_is_the_last_28_days_over_four() -> None:
    # 28 days up to Sun 15 Nov: 1 Nov..15 Nov and 19 Oct..31 Oct; 18 Oct is day 29, outside.
    # (10 + 20 + 30 + 12) km / 4 = 18 km a week; the run on 16 Nov is after today.
    runs = _runs(
        {"2026-10-18": 99.0, "2026-10-19": 10.0, "2026-11-01": 20.0, "2026-11-08": 30.0,
         "2026-11-15": 12.0, "2026-11-16": 50.0}
    )  # fmt: skip
    assert b.chronic_weekly_km(runs, "2026-11-15") == pytest.approx(18.0)


def test_taper_cuts_volume_by_40_to_60_percent() -> None:
    # Bosquet et al. 2007: volume cut 41-60 %. Peak 60 km, 3 weeks: 60 x 0.6 = 36,
    # 60 x 0.5 = 30, 60 x 0.4 = 24 km; 2 weeks from 50 km: 50 x 0.6 = 30, 50 x 0.4 = 20 km.
    assert b.taper_volumes(60.0, 3) == pytest.approx([36.0, 30.0, 24.0])
    assert b.taper_volumes(50.0, 2) == pytest.approx([30.0, 20.0])
    assert b.taper_weeks(42.195) == 3 and b.taper_weeks(21.0975) == 2 and b.taper_weeks(30.0) == 3


def test_a_half_marathon_in_ten_weeks_worked_by_hand() -> None:
    # Today Sun 1 Nov 2026, Monday weeks: the plan starts Mon 2 Nov; the race on Sun 10 Jan
    # 2027 is in the week of Mon 4 Jan: 10 weeks. Taper 2 (21.1 km < 30 km), peak 2, 6 before
    # the peak (>= 4: 3 base, 3 build), split into cycles [3, 3] (6 does not divide by 4):
    # cutbacks in plan weeks 3 and 6 (1-based). Start 40 km, ramp 10 %, threshold 20 %:
    #  w1 build 40 x 1.1 = 44, w2 build 48.4
    #  w3 cutback min(48.4 x 0.75 = 36.3, mean(44, 48.4) x 0.8 = 36.96) = 36.3
    #  w4 build 48.4 x 1.1 = 53.24 (ramp from the last build week, not the cutback)
    #  w5 build 58.564
    #  w6 cutback min(58.564 x 0.75 = 43.923, mean(53.24, 58.564) x 0.8 = 44.7216) = 43.923
    #  w7 peak 58.564 x 1.1 = 64.4204, w8 peak held 64.4204
    #  w9 taper 64.4204 x 0.6 = 38.65224, w10 race week 64.4204 x 0.4 = 25.76816 (+ 21.1 race)
    p = b.propose_plan("2026-11-01", "2027-01-10", 21.1, 40.0)
    w = p.weeks
    assert w[c.WEEK_START].iloc[0] == pd.Timestamp("2026-11-02")
    assert w[c.WEEK_START].iloc[-1] == pd.Timestamp("2027-01-04")
    assert w[c.BLOCK_KIND].tolist() == ["base"] * 3 + ["build"] * 3 + ["peak"] * 2 + ["taper"] * 2
    assert w[c.WEEK_TYPE].tolist() == [
        "build", "build", "cutback", "build", "build", "cutback", "build", "build", "taper", "race",
    ]  # fmt: skip
    assert w[c.VOLUME_KM].tolist() == pytest.approx(
        [44, 48.4, 36.3, 53.24, 58.564, 43.923, 64.4204, 64.4204, 38.65224, 25.76816]
    )
    assert w[c.PLAN_DISTANCE_KM].iloc[-1] == pytest.approx(25.76816 + 21.1)
    assert w[c.PLAN_LONG_RUN_KM].iloc[0] == pytest.approx(11.0)  # 25 % of 44 (Daniels)
    assert w[c.PLAN_LONG_RUN_KM].iloc[-1] == pytest.approx(21.1)  # the race itself
    assert w[c.CHANGE_PCT].iloc[3] == pytest.approx(10.0)
    assert w[c.CHANGE_PCT].iloc[2] == pytest.approx(-25.0)
    assert p.peak_km == pytest.approx(64.4204)
    blocks = p.blocks
    assert blocks[c.BLOCK_KIND].tolist() == ["base", "build", "peak", "taper"]
    assert blocks[c.START_DATE].tolist() == list(
        pd.to_datetime(["2026-11-02", "2026-11-23", "2026-12-14", "2026-12-28"])
    )
    assert blocks[c.END_DATE].tolist() == list(
        pd.to_datetime(["2026-11-22", "2026-12-13", "2026-12-27", "2027-01-10"])
    )  # the taper ends on race day


def test_a_cap_holds_the_ramp_and_a_near_race_is_taper_only() -> None:
    capped = b.propose_plan("2026-11-01", "2027-01-10", 21.1, 40.0, peak_km=50.0)
    assert capped.weeks[c.VOLUME_KM].max() == pytest.approx(50.0)
    assert capped.peak_km == pytest.approx(50.0)
    # two weeks to a marathon: only the last two of the three taper weeks remain (50, 60 % cut)
    near = b.propose_plan("2026-11-15", "2026-11-29", 42.195, 60.0)
    assert near.weeks[c.WEEK_TYPE].tolist() == ["taper", "race"]
    assert near.weeks[c.VOLUME_KM].tolist() == pytest.approx([30.0, 24.0])
    # a race this week: nothing to plan
    assert b.propose_plan("2026-11-10", "2026-11-14", 10.0, 30.0).weeks.empty
    with pytest.raises(ValueError):
        b.propose_plan("2026-11-01", "2027-01-10", 21.1, 0.0)


def test_loading_cycles_end_in_a_cutback_every_third_or_fourth_week() -> None:
    # 8 = 4 + 4; 7 = 3 + 4; 6 = 3 + 3; 9 = 3 + 3 + 3; 5 = 2 + 3; 2 = 2; 1 week: no cutback
    assert b.cycle_lengths(8) == [4, 4]
    assert b.cycle_lengths(7) == [3, 4]
    assert b.cycle_lengths(6) == [3, 3]
    assert b.cycle_lengths(9) == [3, 3, 3]
    assert b.cycle_lengths(5) == [2, 3]
    assert b.cycle_lengths(2) == [2]
    assert b.cycle_lengths(1) == [1] and b.cycle_lengths(0) == []
    for n in range(2, 60):
        lengths = b.cycle_lengths(n)
        assert sum(lengths) == n and all(2 <= x <= 4 for x in lengths)
        assert lengths == sorted(lengths)  # shorter cycles first, 3:1 up to the peak


def test_sunday_weeks_start_the_plan_on_a_sunday() -> None:
    p = b.propose_plan("2026-11-04", "2026-12-20", 10.0, 30.0, week_start="sunday")
    assert p.weeks[c.WEEK_START].iloc[0] == pd.Timestamp("2026-11-08")
    assert (p.weeks[c.WEEK_START].dt.day_of_week == 6).all()


@settings(max_examples=60, deadline=None)
@given(
    weeks=st.integers(min_value=1, max_value=30),
    start=st.floats(min_value=5.0, max_value=150.0),
    ramp=st.floats(min_value=3.0, max_value=20.0),
    threshold=st.floats(min_value=10.0, max_value=35.0),
    race=st.sampled_from([5.0, 10.0, 21.0975, 42.195]),
)
def test_every_plan_keeps_the_ramp_and_the_athletes_own_cutback_rule(
    weeks: int, start: float, ramp: float, threshold: float, race: float
) -> None:
    race_day = pd.Timestamp("2026-11-02") + pd.Timedelta(days=7 * (weeks - 1) + 6)
    p = b.propose_plan(
        "2026-11-01", race_day, race, start, ramp_limit_pct=ramp, cutback_threshold_pct=threshold
    )
    w = p.weeks
    assert len(w) == weeks
    volume = w[c.VOLUME_KM].to_numpy()
    kinds = w[c.WEEK_TYPE].tolist()
    last_build = start
    for km, kind in zip(volume, kinds, strict=True):
        if kind == "build":
            assert km <= last_build * (1 + ramp / 100) + 1e-9  # never over the ramp limit
            last_build = km
    # the athlete's own rule types each planned cutback a cutback and each build week a build
    typed = cutback_weeks(
        pd.DataFrame({c.WEEK_START: w[c.WEEK_START], c.DISTANCE_KM: volume}), threshold
    )
    before_taper = [i for i, k in enumerate(kinds) if k in ("build", "cutback")]
    for i in before_taper:
        assert typed[c.WEEK_TYPE].iloc[i] == kinds[i], (i, kinds, volume)
    # never more than three build weeks in a row before the peak block
    run = 0
    for kind, block in zip(kinds, w[c.BLOCK_KIND], strict=True):
        run = run + 1 if kind == "build" and block != "peak" else 0
        assert run <= 3
    taper = [km for km, k in zip(volume, kinds, strict=True) if k in ("taper", "race")]
    for km in taper:
        cut = 1 - km / p.peak_km
        assert 0.4 - 1e-9 <= cut <= 0.6 + 1e-9
    assert all(math.isfinite(v) for v in volume)


def test_plan_rows_write_distance_and_long_run_only() -> None:
    p = b.propose_plan("2026-11-01", "2026-11-22", 10.0, 30.0)
    rows = b.plan_rows(p.weeks)
    assert list(rows.columns) == [c.WEEK_START, c.PLAN_DISTANCE_KM, c.PLAN_LONG_RUN_KM]
    assert len(rows) == 3


def test_the_block_on_a_day() -> None:
    blocks = pd.DataFrame(
        {
            c.START_DATE: pd.to_datetime(["2026-11-02", "2026-11-16"]),
            c.END_DATE: pd.to_datetime(["2026-11-15", "2026-11-29"]),
            c.BLOCK_KIND: ["build", "taper"],
        }
    )
    assert b.block_on(blocks, "2026-11-15") == "build"
    assert b.block_on(blocks, "2026-11-16") == "taper"
    assert b.block_on(blocks, "2026-12-01") is None


def test_each_day_is_named_by_its_block() -> None:
    blocks = pd.DataFrame(
        {
            c.START_DATE: pd.to_datetime(["2026-11-02", "2026-11-16", "2026-11-20"]),
            c.END_DATE: pd.to_datetime(["2026-11-15", "2026-11-29", "2026-11-22"]),
            c.BLOCK_KIND: ["build", "taper", "recovery"],
        }
    )
    days = pd.Series(pd.to_datetime(["2026-11-01", "2026-11-15", "2026-11-16", "2026-11-21"]))
    # 1 Nov outside; 15 Nov build; 16 Nov taper; 21 Nov in taper and recovery: the later start
    assert b.block_of_days(days, blocks).tolist() == [None, "build", "taper", "recovery"]
    assert b.block_on(blocks, "2026-11-21") == "recovery"
