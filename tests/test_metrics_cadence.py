"""Cadence per run, and its distribution weighted by sample duration."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis import columns as c
from analysis.metrics.cadence import cadence_distribution, cadence_per_run, share_in_band
from analysis.schema import build_samples


def test_cadence_per_run_pace_from_speed_or_distance() -> None:
    acts = pd.DataFrame(
        {
            c.ACTIVITY_ID: ["late", "no-cadence", "early", "unknown-pace"],
            c.START_TIME_LOCAL: pd.to_datetime(
                ["2024-04-03 07:00", "2024-04-02 07:00", "2024-04-01 07:00", "2024-04-04 07:00"]
            ),
            c.LOCAL_DATE: pd.to_datetime(["2024-04-03", "2024-04-02", "2024-04-01", "2024-04-04"]),
            c.DISTANCE_M: [10000.0, 5000.0, 8000.0, np.nan],
            c.MOVING_TIME_S: [3000.0, 1500.0, 2500.0, 1200.0],
            c.AVG_CADENCE_SPM: [176.0, np.nan, 168.0, 181.0],
            c.AVG_SPEED_MPS: [np.nan, 3.0, 3.2, np.nan],
        }
    )
    out = cadence_per_run(acts)
    assert list(out.columns) == [
        c.ACTIVITY_ID,
        c.START_TIME_LOCAL,
        c.AVG_CADENCE_SPM,
        c.PACE_S_PER_KM,
        c.DISTANCE_KM,
    ]
    assert list(out[c.ACTIVITY_ID]) == ["early", "late", "unknown-pace"]
    assert list(out[c.AVG_CADENCE_SPM]) == [168.0, 176.0, 181.0]
    # 1000 m / 3.2 m/s = 312.5 s/km; 3000 s over 10 km = 300 s/km; no distance, no speed: NaN
    assert out[c.PACE_S_PER_KM][0] == pytest.approx(312.5)
    assert out[c.PACE_S_PER_KM][1] == pytest.approx(300.0)
    assert math.isnan(out[c.PACE_S_PER_KM][2])
    assert out[c.DISTANCE_KM][:2].tolist() == [8.0, 10.0]


def hist(cadence: list[float], seconds: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            c.ACTIVITY_ID: "a",
            c.LOCAL_DATE: pd.Timestamp("2024-04-01"),
            c.CADENCE_SPM: cadence,
            c.SAMPLE_DURATION_S: seconds,
        }
    )


def test_cadence_distribution_is_time_weighted_with_empty_bins() -> None:
    frame = hist([169.0, 170.0, 171.0, 176.0, np.nan], [1.0, 2.0, 3.0, 4.0, 50.0])
    dist = cadence_distribution(frame, bin_width_spm=2)
    assert list(dist.columns) == [c.CADENCE_SPM, c.TIME_S, c.SHARE_PCT]
    # bins [168,170) [170,172) [172,174) [174,176) [176,178); 10 s with a cadence
    assert list(dist[c.CADENCE_SPM]) == [168.0, 170.0, 172.0, 174.0, 176.0]
    assert list(dist[c.TIME_S]) == [1.0, 5.0, 0.0, 0.0, 4.0]
    assert list(dist[c.SHARE_PCT]) == pytest.approx([10.0, 50.0, 0.0, 0.0, 40.0])


def test_cadence_distribution_of_a_tidy_per_sample_frame() -> None:
    # samples at 0, 2, 4 and 5 s stand for 2, 2, 1 and (the typical, median) 2 s
    start = pd.Timestamp("2024-04-01 06:00", tz="UTC")
    raw = pd.DataFrame(
        {
            c.TIMESTAMP: [start + pd.Timedelta(seconds=s) for s in (0, 2, 4, 5)],
            c.CADENCE_SPM: [160.0, 165.0, 165.0, 166.0],
        }
    )
    dist = cadence_distribution(build_samples(raw), bin_width_spm=5)
    assert list(dist[c.CADENCE_SPM]) == [160.0, 165.0]
    assert list(dist[c.TIME_S]) == [2.0, 5.0]


def test_cadence_distribution_without_cadence_is_empty() -> None:
    assert len(cadence_distribution(hist([np.nan], [60.0]))) == 0
    with pytest.raises(ValueError, match="bin width"):
        cadence_distribution(hist([170.0], [1.0]), bin_width_spm=0)


def test_share_in_band_is_half_open_and_time_weighted() -> None:
    frame = hist([169.9, 170.0, 175.0, 180.0, np.nan], [10.0, 20.0, 30.0, 40.0, 500.0])
    # 170 and 175 are inside [170, 180): 50 s of 100 s with a cadence
    assert share_in_band(frame) == pytest.approx(50.0)
    assert share_in_band(frame, 160.0, 190.0) == pytest.approx(100.0)
    assert math.isnan(share_in_band(hist([np.nan], [60.0])))
