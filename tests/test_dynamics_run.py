"""One run's power and running dynamics: the averages its headline shows, worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis import columns as c
from analysis.metrics import activity, dynamics
from analysis.settings import AthleteSettings
from analysis.views.run_detail import dynamics_tiles
from tests.factories import run_samples

NAN = float("nan")


def _samples() -> pd.DataFrame:
    # three moving samples of 60, 120 and 60 s at 3.0 m/s and 180 steps/min, then a stop
    frame = pd.DataFrame(
        {
            c.SAMPLE_DURATION_S: [60.0, 120.0, 60.0, 60.0],
            c.SPEED_MPS: [3.0, 3.0, 3.0, 0.0],
            c.CADENCE_SPM: [180.0, 180.0, 180.0, 0.0],
            c.POWER_W: [240.0, 270.0, 250.0, 0.0],
            c.GROUND_CONTACT_TIME_MS: [250.0, 240.0, NAN, 400.0],
            c.VERTICAL_OSCILLATION_MM: [80.0, 90.0, 100.0, 10.0],
            c.VERTICAL_RATIO_PCT: [8.0, 8.5, 9.0, 1.0],
            c.STEP_LENGTH_MM: [1100.0, NAN, 1000.0, NAN],
            c.STANCE_TIME_BALANCE_PCT: [49.0, 50.0, 52.0, 60.0],
        }
    )
    return frame


def test_run_summary_worked_by_hand() -> None:
    out = dynamics.run_summary(_samples())
    # the stop (speed 0) is not moving and counts nowhere; weights 60, 120, 60 s (240 s)
    # power: (60 × 240 + 120 × 270 + 60 × 250) / 240 = (14400 + 32400 + 15000) / 240 = 257.5 W
    assert out[c.AVG_POWER_W] == pytest.approx(257.5)
    # ground contact: the third has no reading, (60 × 250 + 120 × 240) / 180 = 43800 / 180
    assert out[c.AVG_GROUND_CONTACT_TIME_MS] == pytest.approx(43800.0 / 180.0)  # 243.33 ms
    # vertical oscillation: (60 × 80 + 120 × 90 + 60 × 100) / 240 = 21600 / 240 = 90 mm
    assert out[c.AVG_VERTICAL_OSCILLATION_MM] == pytest.approx(90.0)
    # vertical ratio: (60 × 8 + 120 × 8.5 + 60 × 9) / 240 = 2040 / 240 = 8.5 %
    assert out[c.AVG_VERTICAL_RATIO_PCT] == pytest.approx(8.5)
    # balance: (60 × 49 + 120 × 50 + 60 × 52) / 240 = 12060 / 240 = 50.25 % left
    assert out[c.AVG_STANCE_TIME_BALANCE_PCT] == pytest.approx(50.25)
    # step length: the file's 1.1 m and 1.0 m where it has them, 3.0 × 60 / 180 = 1.0 m where
    # not; steps 180, 360, 180: (1.1 × 180 + 1.0 × 360 + 1.0 × 180) / 720 = 738 / 720 = 1.025 m
    assert out[c.STEP_LENGTH_M] == pytest.approx(1.025)


def test_step_length_comes_from_speed_and_cadence_without_the_files_own() -> None:
    frame = _samples().drop(columns=[c.STEP_LENGTH_MM])
    # every moving sample: 3.0 × 60 / 180 = 1.0 m
    assert dynamics.run_summary(frame)[c.STEP_LENGTH_M] == pytest.approx(1.0)


def test_a_run_without_dynamics_has_nan_averages_and_no_tiles() -> None:
    samples = run_samples()  # speed, HR and cadence only
    out = dynamics.run_summary(samples)
    for key in (c.AVG_POWER_W, *dynamics.RUN_AVERAGES):
        assert math.isnan(out[key])
    assert out[c.STEP_LENGTH_M] == pytest.approx(3.0 * 60 / 170)  # from speed and cadence
    head = {"dynamics": {**out, c.STEP_LENGTH_M: NAN}}
    assert dynamics_tiles(head) == []
    assert dynamics_tiles({}) == []


def test_headline_carries_the_runs_dynamics_and_tiles_show_them() -> None:
    samples = run_samples()
    n = len(samples)
    samples[c.POWER_W] = 250.0
    samples[c.GROUND_CONTACT_TIME_MS] = 245.0
    samples[c.VERTICAL_OSCILLATION_MM] = 86.0
    samples[c.STANCE_TIME_BALANCE_PCT] = np.full(n, 49.5)
    row = {c.SPORT: c.SPORT_RUNNING, c.ACTIVITY_ID: "a"}
    head = activity.headline(row, samples, AthleteSettings(), None)
    assert head["dynamics"][c.AVG_POWER_W] == pytest.approx(250.0)
    assert head["dynamics"][c.AVG_GROUND_CONTACT_TIME_MS] == pytest.approx(245.0)
    assert math.isnan(head["dynamics"][c.AVG_VERTICAL_RATIO_PCT])
    tiles = dynamics_tiles(head)
    # 3.0 m/s at 170 steps/min: 3.0 × 60 / 170 = 1.0588 m; 86 mm = 8.6 cm
    assert [(title, text) for title, text, _ in tiles] == [
        ("Avg power [W]", "250"),
        ("Step length [m]", "1.06"),
        ("Ground contact [ms]", "245"),
        ("Vertical osc. [cm]", "8.6"),
        ("GCT balance [% L]", "49.5"),
    ]
    # with miles: 1.0588 m / 0.0254 m per inch = 41.7 in; 86 mm / 25.4 = 3.4 in
    imperial = {title: text for title, text, _ in dynamics_tiles(head, "mi")}
    assert imperial["Step length [in]"] == "41.7" and imperial["Vertical osc. [in]"] == "3.4"


def test_headline_of_a_summary_row_has_nan_dynamics() -> None:
    row = {c.SPORT: c.SPORT_RUNNING, c.ACTIVITY_ID: "a", c.DISTANCE_M: 5000.0}
    head = activity.headline(row, pd.DataFrame(), AthleteSettings(), None)
    assert all(math.isnan(v) for v in head["dynamics"].values())
    assert dynamics_tiles(head) == []
