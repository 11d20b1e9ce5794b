"""One run has one elevation gain: the import and the run view use the same rule, and the run
view shows the figure the activity list shows."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from analysis import columns as c
from analysis.metrics import activity as a
from analysis.prepare import elevation_gain_m
from analysis.schema import build_samples
from analysis.settings import AthleteSettings

START = pd.Timestamp("2026-03-02T07:00:00Z")
# the docstring's worked example: 3 m hysteresis gives gain 8 m and loss 8 m
PROFILE = [100.0, 102.0, 99.0, 104.0, 108.0, 110.0, 109.0, 100.0, 98.0, 101.0]


def _samples() -> pd.DataFrame:
    t = np.arange(float(len(PROFILE)))
    raw = pd.DataFrame(
        {
            c.TIMESTAMP: START + pd.to_timedelta(t, unit="s"),
            c.DISTANCE_M: t * 3.0,
            c.SPEED_MPS: 3.0,
            c.ALTITUDE_M: np.array(PROFILE),
        }
    )
    return build_samples(raw)


def _row(gain: float | None) -> dict[str, Any]:
    return {
        c.SPORT: c.SPORT_RUNNING,
        c.DISTANCE_M: 27.0,
        c.MOVING_TIME_S: None,
        c.DURATION_S: None,
        c.AVG_HEART_RATE_BPM: None,
        c.MAX_HEART_RATE_BPM: None,
        c.AVG_CADENCE_SPM: None,
        c.ELEVATION_GAIN_M: gain,
        c.RPE: None,
    }


def test_import_and_run_view_measure_a_file_without_a_stated_gain_alike() -> None:
    samples = _samples()
    at_import = elevation_gain_m(samples[c.ALTITUDE_M])
    assert at_import == pytest.approx(8.0)  # the worked example by hand (3 m, not 2 m)
    head = a.headline(_row(at_import), samples, AthleteSettings(), None)
    assert head[c.ELEVATION_GAIN_M] == pytest.approx(8.0)
    assert head["elevation_loss_m"] == pytest.approx(8.0)


def test_the_run_view_shows_the_watchs_stated_gain_as_the_list_does() -> None:
    # a watch said 12 m of ascent (its barometer saw more than the 1 Hz samples keep): the list
    # shows 12 m, so the run view shows 12 m too; the loss is still measured from the samples
    head = a.headline(_row(12.0), _samples(), AthleteSettings(), None)
    assert head[c.ELEVATION_GAIN_M] == pytest.approx(12.0)
    assert head["elevation_loss_m"] == pytest.approx(8.0)


def test_a_row_without_a_gain_gets_the_samples_figure() -> None:
    head = a.headline(_row(None), _samples(), AthleteSettings(), None)
    assert head[c.ELEVATION_GAIN_M] == pytest.approx(8.0)
