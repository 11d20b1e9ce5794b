"""Time in zones weighted by sample duration, per week, and the easy/hard split."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import columns as c
from analysis.metrics.intensity import easy_hard_split, time_in_zones, weekly_time_in_zones
from analysis.metrics.zones import easy_zones, hr_zones
from analysis.schema import build_samples

ZONES = hr_zones("hrmax", 200, 50, 170)  # edges 120 / 140 / 160 / 180 bpm


def samples(hr: list[float], seconds: list[float]) -> pd.DataFrame:
    return pd.DataFrame({c.HEART_RATE_BPM: hr, c.SAMPLE_DURATION_S: seconds})


def test_time_in_zones_is_weighted_by_sample_duration() -> None:
    # three samples in Z1, Z2 and Z5 standing for 1 s, 1 s and 8 s
    tiz = time_in_zones(samples([100.0, 130.0, 190.0], [1.0, 1.0, 8.0]), ZONES)
    assert list(tiz.columns) == [c.ZONE, c.ZONE_LOW_BPM, c.ZONE_HIGH_BPM, c.TIME_S, c.SHARE_PCT]
    assert list(tiz[c.ZONE]) == ["Z1", "Z2", "Z3", "Z4", "Z5"]
    assert list(tiz[c.TIME_S]) == [1.0, 1.0, 0.0, 0.0, 8.0]
    assert list(tiz[c.SHARE_PCT]) == pytest.approx([10.0, 10.0, 0.0, 0.0, 80.0])


def test_samples_without_heart_rate_are_ignored() -> None:
    tiz = time_in_zones(samples([np.nan, 150.0, np.nan], [30.0, 10.0, 5.0]), ZONES)
    assert list(tiz[c.TIME_S]) == [0.0, 0.0, 10.0, 0.0, 0.0]
    assert tiz[c.SHARE_PCT][2] == pytest.approx(100.0)


def test_zone_edges_are_half_open() -> None:
    # 120 is the first bpm of Z2; 119.5 is still Z1; anything from 180 up is Z5
    tiz = time_in_zones(
        samples([0.0, 119.5, 120.0, 179.9, 180.0, 250.0], [1.0, 2.0, 4.0, 8.0, 16.0, 32.0]), ZONES
    )
    assert list(tiz[c.TIME_S]) == [3.0, 4.0, 0.0, 8.0, 48.0]


def test_no_heart_rate_at_all_gives_every_zone_with_zero_time() -> None:
    tiz = time_in_zones(samples([np.nan], [60.0]), ZONES)
    assert list(tiz[c.TIME_S]) == [0.0] * 5
    assert tiz[c.SHARE_PCT].isna().all()


def test_a_tidy_per_sample_frame_is_accepted() -> None:
    # samples at 0, 1, 2 and 10 s: they stand for 1, 1, 8 and (the typical) 1 s
    start = pd.Timestamp("2024-05-01 06:00", tz="UTC")
    raw = pd.DataFrame(
        {
            c.TIMESTAMP: [start + pd.Timedelta(seconds=s) for s in (0, 1, 2, 10)],
            c.HEART_RATE_BPM: [100.0, 130.0, 190.0, 190.0],
        }
    )
    tiz = time_in_zones(build_samples(raw), ZONES)
    assert list(tiz[c.TIME_S]) == [1.0, 1.0, 0.0, 0.0, 9.0]


def test_histograms_of_several_activities() -> None:
    hist = pd.DataFrame(
        {
            c.ACTIVITY_ID: ["a", "a", "b"],
            c.LOCAL_DATE: pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-02"]),
            c.HEART_RATE_BPM: [145.0, 165.0, 145.0],
            c.SAMPLE_DURATION_S: [600.0, 300.0, 900.0],
        }
    )
    tiz = time_in_zones(hist, ZONES)
    assert list(tiz[c.TIME_S]) == [0.0, 0.0, 1500.0, 300.0, 0.0]
    assert list(tiz[c.SHARE_PCT]) == pytest.approx(
        [0.0, 0.0, 1500 / 1800 * 100, 300 / 1800 * 100, 0]
    )


def test_weekly_time_in_zones_long_format() -> None:
    hist = pd.DataFrame(
        {
            c.ACTIVITY_ID: ["a", "a", "b", "c"],
            # Sat 6 Jan, Sat 6 Jan, Sun 7 Jan, Wed 17 Jan
            c.LOCAL_DATE: pd.to_datetime(["2024-01-06", "2024-01-06", "2024-01-07", "2024-01-17"]),
            c.HEART_RATE_BPM: [110.0, 150.0, 185.0, np.nan],
            c.SAMPLE_DURATION_S: [100.0, 200.0, 50.0, 999.0],
        }
    )
    monday = weekly_time_in_zones(hist, ZONES, "monday")
    assert list(monday.columns) == [c.WEEK_START, c.ZONE, c.TIME_S]
    # one week with HR (1–7 Jan); the week of 15 Jan has no HR time at all
    assert list(monday[c.WEEK_START]) == [pd.Timestamp("2024-01-01")] * 5
    assert list(monday[c.ZONE]) == ["Z1", "Z2", "Z3", "Z4", "Z5"]
    assert list(monday[c.TIME_S]) == [100.0, 0.0, 200.0, 0.0, 50.0]
    sunday = weekly_time_in_zones(hist, ZONES, "sunday")
    assert (
        list(sunday[c.WEEK_START])
        == [pd.Timestamp("2023-12-31")] * 5 + [pd.Timestamp("2024-01-07")] * 5
    )
    # 6 Jan falls in the Sunday week of 31 Dec, 7 Jan starts the next one
    assert list(sunday[c.TIME_S]) == [100.0, 0.0, 200.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 50.0]


def test_easy_hard_split() -> None:
    tiz = time_in_zones(samples([100.0, 130.0, 150.0, 190.0], [60.0, 180.0, 40.0, 20.0]), ZONES)
    split = easy_hard_split(tiz, ["Z1", "Z2"])
    assert split["easy_s"] == 240.0
    assert split["hard_s"] == 60.0
    assert split["easy_pct"] == pytest.approx(80.0)
    assert split["hard_pct"] == pytest.approx(20.0)
    empty = easy_hard_split(time_in_zones(samples([], []), ZONES), easy_zones("hrmax"))
    assert empty["easy_s"] == 0.0 and empty["hard_s"] == 0.0
    assert math.isnan(empty["easy_pct"]) and math.isnan(empty["hard_pct"])


hr_readings = st.lists(
    st.tuples(
        st.one_of(st.none(), st.floats(25.0, 250.0)),
        st.floats(0.0, 30.0, allow_nan=False),
    ),
    min_size=1,
    max_size=60,
)


@settings(max_examples=50, deadline=None)
@given(rows=hr_readings, model=st.sampled_from(["hrmax", "hrr", "lthr"]))
def test_time_in_zones_adds_up_to_heart_rate_time(
    rows: list[tuple[float | None, float]], model: str
) -> None:
    frame = samples(
        [np.nan if hr is None else hr for hr, _ in rows], [seconds for _, seconds in rows]
    )
    tiz = time_in_zones(frame, hr_zones(model, 190, 55, 165))
    hr_time = sum(seconds for hr, seconds in rows if hr is not None)
    assert tiz[c.TIME_S].sum() == pytest.approx(hr_time, abs=1e-9)
    if hr_time > 0:
        assert tiz[c.SHARE_PCT].sum() == pytest.approx(100.0)
