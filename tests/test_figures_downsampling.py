"""What a chart sends to the browser: long lines are cut to a few thousand points, their shape kept.

The rule (:func:`analysis.figures.style.envelope_rows`): buckets of consecutive rows, never across
a pause; each bucket keeps its first and last row and every line's minimum and maximum.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import columns as c
from analysis.figures import activity, style
from analysis.figures.run_detail import run_dynamics_figure, run_traces_figure
from analysis.metrics import activity as run
from analysis.schema import build_samples
from analysis.views.run_detail import dynamics_trace


def test_a_short_line_keeps_every_row() -> None:
    values = np.arange(50.0)
    assert list(style.envelope_rows([values], max_points=50)) == list(range(50))


def test_a_long_line_keeps_its_peaks_its_ends_and_the_limit() -> None:
    # 10,000 rows of a slow wave with one spike up at row 4,321 and one down at row 8,765:
    # any stride would most likely miss both; the envelope keeps them
    x = np.arange(10_000)
    hr = 150.0 + 5.0 * np.sin(x / 300.0)
    hr[4321], hr[8765] = 199.0, 91.0
    rows = style.envelope_rows([hr], max_points=400)
    assert len(rows) <= 400
    assert {0, 4321, 8765, 9_999} <= set(rows.tolist())
    assert list(rows) == sorted(set(rows.tolist()))
    assert hr[rows].max() == 199.0 and hr[rows].min() == 91.0


def test_each_pause_keeps_its_own_ends() -> None:
    # three stretches of 3,000 rows; a bucket never joins two of them, so each starts and ends
    # where it did and the line breaks at the same places
    values = np.random.default_rng(3).normal(size=9_000)
    segment = np.repeat([0, 1, 2], 3_000)
    rows = set(style.envelope_rows([values], segment, max_points=300).tolist())
    assert {0, 2_999, 3_000, 5_999, 6_000, 8_999} <= rows


def test_missing_values_are_never_a_peak() -> None:
    # heart rate lost for most of the run: its min and max are those of the rows that have one
    hr = np.full(5_000, np.nan)
    hr[1_000:1_010] = [140, 141, 139, 150, 145, 144, 143, 142, 141, 140]
    pace = np.linspace(300.0, 320.0, 5_000)
    rows = style.envelope_rows([pace, hr], max_points=200)
    assert len(rows) <= 200
    assert {1_002, 1_003} <= set(rows.tolist())  # 139 and 150 bpm


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 3_000),
    limit=st.integers(20, 400),
    breaks=st.lists(st.integers(1, 2_999), max_size=40),
    seed=st.integers(0, 2**16),
    channels=st.integers(1, 4),
)
def test_the_envelope_holds_for_any_line(
    n: int, limit: int, breaks: list[int], seed: int, channels: int
) -> None:
    """At most ``limit`` rows, sorted and unique; every line's lowest and highest value kept."""
    limit = max(limit, 4 + 4 * channels)
    rng = np.random.default_rng(seed)
    columns = [rng.normal(size=n) for _ in range(channels)]
    for col in columns:
        col[rng.random(n) < 0.2] = np.nan
    segment = np.zeros(n, dtype=np.int64)
    for b in breaks:
        segment[b % n :] += 1
    rows = style.envelope_rows(columns, segment, max_points=limit)
    assert len(rows) <= limit
    assert np.all(np.diff(rows) > 0)
    for col in columns:
        if np.isfinite(col).any():
            assert np.nanmax(col[rows]) == np.nanmax(col)
            assert np.nanmin(col[rows]) == np.nanmin(col)


def _long_run(seconds: int) -> pd.DataFrame:
    t = np.arange(float(seconds))
    speed = 3.0 + 0.3 * np.sin(t / 120.0)
    hr = 150.0 + 10.0 * np.sin(t / 500.0)
    hr[1234] = 181.0  # the run's highest heart rate, one second long
    raw = pd.DataFrame(
        {
            c.TIMESTAMP: pd.Timestamp("2026-03-01T07:00:00Z") + pd.to_timedelta(t, unit="s"),
            c.DISTANCE_M: np.cumsum(speed),
            c.SPEED_MPS: speed,
            c.HEART_RATE_BPM: hr,
            c.CADENCE_SPM: 170.0 + np.cos(t / 90.0),
            c.ALTITUDE_M: 100.0 + 20.0 * np.sin(t / 900.0),
            c.LATITUDE_DEG: 52.0 + t * 1e-5,
            c.LONGITUDE_DEG: 13.0 + 1e-3 * np.sin(t / 600.0),
        }
    )
    return build_samples(raw)


def test_a_two_hour_run_sends_at_most_the_limit_and_keeps_its_peak() -> None:
    samples = _long_run(7_200)
    trace = run.trace_frame(samples, c.SPORT_RUNNING, "km")
    fig = run_traces_figure(trace, c.SPORT_RUNNING, "km")
    for line in fig.data:
        assert len(line.x) <= style.LINE_POINTS
    hr = next(line for line in fig.data if line.name == "Heart rate")
    # drawn at the axis edge or not, the one-second peak is among the points drawn
    drawn = np.asarray(hr.customdata if hr.customdata is not None else hr.y, dtype="float64")
    assert np.nanmax(drawn) == 181.0
    route = activity.route_map_figure(samples)
    line = route.data[0]
    assert len(line.lat) <= activity.ROUTE_POINTS
    # the start and finish markers sit where the run started and ended
    assert route.data[1].lat[0] == samples[c.LATITUDE_DEG].iloc[0]
    assert route.data[2].lat[0] == samples[c.LATITUDE_DEG].iloc[-1]
    assert line.lat[-1] == samples[c.LATITUDE_DEG].iloc[-1]


def test_a_two_hour_runs_dynamics_send_at_most_the_limit_and_keep_their_peaks() -> None:
    samples = _long_run(7_200)
    t = np.arange(7_200.0)
    gct = 250.0 + 8.0 * np.sin(t / 400.0)
    gct[4_321] = 291.0  # the longest ground contact, one second long
    samples[c.GROUND_CONTACT_TIME_MS] = gct
    samples[c.VERTICAL_OSCILLATION_MM] = 90.0 + 5.0 * np.cos(t / 700.0)
    trace = run.trace_frame(samples, c.SPORT_RUNNING, "km")
    fig = run_dynamics_figure(dynamics_trace(samples, trace), "km")
    assert {line.name for line in fig.data} == {
        "Ground contact time",
        "Vertical oscillation",
        "Step length",
    }
    for line in fig.data:
        assert len(line.x) <= style.LINE_POINTS
    contact = next(line for line in fig.data if line.name == "Ground contact time")
    drawn = np.asarray(
        contact.customdata if contact.customdata is not None else contact.y, dtype="float64"
    )
    assert np.nanmax(drawn) == 291.0
