"""Running dynamics over one run: which traces appear, in which units, and the numbers drawn.

The values are worked by hand from a six-sample run (10 s apart, 3.0 m/s, 180 steps/min).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from analysis import columns as c
from analysis import units
from analysis.figures.run_detail import (
    DYNAMICS_TITLE,
    dynamics_note,
    run_dynamics_figure,
    run_traces_figure,
)
from analysis.metrics import activity
from analysis.schema import build_samples
from analysis.views.run_detail import dynamics_trace
from tests.test_activity_page import _activity, _page, _samples, _store, _texts, _typed, open_tab

NAN = float("nan")
GCT = [250.0, 240.0, 260.0, 250.0, 245.0, 255.0]
OSC_MM = [80.0, 90.0, 100.0, 85.0, 95.0, 90.0]
RATIO = [7.5, 8.0, 8.5, 8.0, 8.0, 8.0]
BALANCE = [49.0, 50.0, 51.0, 50.0, 49.5, 50.5]
STEP_MM = [1100.0, NAN, 1000.0, NAN, 1050.0, 1000.0]
POWER = [240.0, 250.0, 260.0, 250.0, 250.0, 250.0]


def _run(**channels: list[float]) -> pd.DataFrame:
    """Six samples 10 s apart at 3.0 m/s and 180 steps/min, with the given channels."""
    n = 6
    raw = pd.DataFrame(
        {
            c.TIMESTAMP: pd.Timestamp("2026-09-01T06:00:00Z")
            + pd.to_timedelta(np.arange(n) * 10.0, unit="s"),
            c.DISTANCE_M: np.arange(n) * 30.0,
            c.SPEED_MPS: 3.0,
            c.HEART_RATE_BPM: 150.0,
            c.CADENCE_SPM: 180.0,
            **channels,
        }
    )
    return build_samples(raw)


def _full_run() -> pd.DataFrame:
    return _run(
        **{
            c.POWER_W: POWER,
            c.GROUND_CONTACT_TIME_MS: GCT,
            c.VERTICAL_OSCILLATION_MM: OSC_MM,
            c.VERTICAL_RATIO_PCT: RATIO,
            c.STANCE_TIME_BALANCE_PCT: BALANCE,
            c.STEP_LENGTH_MM: STEP_MM,
        }
    )


def _figure(samples: pd.DataFrame, unit: str) -> Any:
    trace = activity.trace_frame(samples, c.SPORT_RUNNING, unit)
    return run_dynamics_figure(dynamics_trace(samples, trace), unit)


def _lines(fig: Any) -> dict[str, np.ndarray]:
    return {line.name: np.asarray(line.y, dtype="float64") for line in fig.data}


def _axis_titles(fig: Any) -> list[str]:
    names = sorted((k for k in fig.layout if k.startswith("yaxis")), key=lambda k: int(k[5:] or 1))
    return [fig.layout[k].title.text for k in names]


def test_the_unit_helpers_by_hand() -> None:
    # the international inch is 0.0254 m: 1 m = 1 / 0.0254 = 39.37 in; 25.4 mm = 1 in = 2.54 cm
    assert units.step_length_factor("mi") == pytest.approx(39.3700787)
    assert units.step_length_factor("km") == 1.0
    assert 25.4 * units.oscillation_factor("mi") == pytest.approx(1.0)
    assert 25.4 * units.oscillation_factor("km") == pytest.approx(2.54)
    labels = [units.step_length_label(u) + units.oscillation_label(u) for u in ("km", "mi")]
    assert labels == ["mcm", "inin"]


def test_every_channel_the_file_has_is_a_row_in_km() -> None:
    fig = _figure(_full_run(), "km")
    assert fig.layout.title.text == DYNAMICS_TITLE  # nothing beyond an axis: no note
    assert _axis_titles(fig) == [
        "Ground contact [ms]",
        "Vertical osc. [cm]",
        "Vertical ratio [%]",
        "GCT balance [% left]",
        "Step length [m]",
    ]
    lines = _lines(fig)
    assert lines["Ground contact time"] == pytest.approx(GCT)
    # 80 mm = 8.0 cm, 90 mm = 9.0 cm ... (÷ 10)
    assert lines["Vertical oscillation"] == pytest.approx([8.0, 9.0, 10.0, 8.5, 9.5, 9.0])
    assert lines["Vertical ratio"] == pytest.approx(RATIO)
    assert lines["GCT balance"] == pytest.approx(BALANCE)
    # the file's 1100, 1000, 1050, 1000 mm where it has them; elsewhere 3.0 × 60 / 180 = 1.0 m
    assert lines["Step length"] == pytest.approx([1.1, 1.0, 1.0, 1.0, 1.05, 1.0], rel=1e-6)
    # power is on the run's main traces, with pace and heart rate, not repeated here
    assert "Power" not in lines
    trace = activity.trace_frame(_full_run(), c.SPORT_RUNNING, "km")
    main = run_traces_figure(trace, c.SPORT_RUNNING, "km")
    assert "Power [W]" in _axis_titles(main)
    assert _lines(main)["Power"] == pytest.approx(POWER)


def test_with_miles_lengths_are_in_inches() -> None:
    fig = _figure(_full_run(), "mi")
    titles = _axis_titles(fig)
    assert "Vertical osc. [in]" in titles and "Step length [in]" in titles
    assert not [t for t in titles if "[cm]" in t or "[m]" in t]
    lines = _lines(fig)
    # 80 mm / 25.4 = 3.150 in; 100 mm / 25.4 = 3.937 in
    assert lines["Vertical oscillation"][0] == pytest.approx(3.1496, abs=1e-4)
    assert lines["Vertical oscillation"][2] == pytest.approx(3.9370, abs=1e-4)
    # 1.1 m / 0.0254 = 43.31 in; 1.0 m / 0.0254 = 39.37 in
    assert lines["Step length"][:2] == pytest.approx([43.307, 39.370], abs=1e-3)
    assert lines["Ground contact time"] == pytest.approx(GCT)  # ms either way
    hovers = {line.name: line.hovertemplate for line in fig.data}
    assert hovers["Step length"].startswith("%{y:.1f} in")


def test_only_the_channels_recorded_are_drawn() -> None:
    # a pod that records ground contact time only: that row, and step length from speed and
    # cadence (3.0 × 60 / 180 = 1.0 m) beside it
    fig = _figure(_run(**{c.GROUND_CONTACT_TIME_MS: GCT}), "km")
    assert [line.name for line in fig.data] == ["Ground contact time", "Step length"]
    assert _lines(fig)["Step length"] == pytest.approx([1.0] * 6)


def test_a_run_without_dynamics_draws_nothing_more() -> None:
    # speed and cadence give a step length, but that only repeats pace over cadence: no figure
    samples = _run(**{c.POWER_W: POWER})
    trace = activity.trace_frame(samples, c.SPORT_RUNNING, "km")
    dyn = dynamics_trace(samples, trace)
    assert dyn.ranges == {}
    assert dynamics_trace(pd.DataFrame(), trace).ranges == {}
    assert not run_dynamics_figure(dyn, "km").data


def test_a_spike_is_drawn_at_the_axis_edge_and_counted() -> None:
    # 200 samples of 250 ms ground contact and one of 900 ms (a sensor glitch), 10 s each: the
    # glitch is 1/201 = 0.5 % of the time, under the 1 % the axis may leave out, and the
    # quartiles are 250 ms (IQR 0), so the axis ends at 250 ms and the spike is drawn there
    n = 201
    gct = [250.0] * n
    gct[100] = 900.0
    samples = build_samples(
        pd.DataFrame(
            {
                c.TIMESTAMP: pd.Timestamp("2026-09-01T06:00:00Z")
                + pd.to_timedelta(np.arange(n) * 10.0, unit="s"),
                c.SPEED_MPS: 3.0,
                c.CADENCE_SPM: 180.0,
                c.GROUND_CONTACT_TIME_MS: gct,
            }
        )
    )
    fig = _figure(samples, "km")
    dyn = dynamics_trace(samples, activity.trace_frame(samples, c.SPORT_RUNNING, "km"))
    assert dynamics_note(dyn, "km") == "Outliers at the axis edge: 1 ground contact time values"
    assert fig.layout.title.text == DYNAMICS_TITLE  # one line: the note is said under it
    line = next(line for line in fig.data if line.name == "Ground contact time")
    assert float(np.nanmax(np.asarray(line.y, dtype="float64"))) == 250.0
    assert float(np.nanmax(np.asarray(line.customdata, dtype="float64"))) == 900.0


# ---- the Activities page --------------------------------------------------------------------------


def _page_figures(at: Any) -> dict[str, dict[str, Any]]:
    out = {}
    for el in at.get("plotly_chart"):
        spec = json.loads(el.proto.spec)
        out[spec["layout"]["title"]["text"].split("<br>")[0]] = spec
    return out


def _with_dynamics(n: int) -> pd.DataFrame:
    samples = _samples("2026-09-01T06:00:00Z", n, 3.0)  # 170 steps/min, 10 s apart
    samples[c.GROUND_CONTACT_TIME_MS] = 250.0
    samples[c.VERTICAL_OSCILLATION_MM] = 90.0
    samples[c.STANCE_TIME_BALANCE_PCT] = 49.0
    return samples


@pytest.mark.parametrize(
    ("unit", "osc_title", "osc_value", "step_title", "step_value"),
    [
        # 90 mm = 9.0 cm; 3.0 × 60 / 170 = 1.0588 m a step
        ("km", "Vertical osc. [cm]", 9.0, "Step length [m]", 1.0588),
        # 90 mm / 25.4 = 3.543 in; 1.0588 m / 0.0254 = 41.69 in
        ("mi", "Vertical osc. [in]", 3.5433, "Step length [in]", 41.685),
    ],
)
def test_the_page_draws_the_dynamics_of_a_run_that_has_them(
    unit: str,
    osc_title: str,
    osc_value: float,
    step_title: str,
    step_value: float,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _store(
        tmp_path,
        [_activity("pod.fit", "2026-09-01T06:00:00Z", c.SPORT_RUNNING, _with_dynamics(60))],
        units=unit,
    )
    at = _page(tmp_path, monkeypatch)
    assert "Running dynamics" in [t.label for t in at.tabs]
    fig = _page_figures(open_tab(at, "Running dynamics"))[DYNAMICS_TITLE]
    titles = [v["title"]["text"] for k, v in sorted(fig["layout"].items()) if k.startswith("yaxis")]
    assert sorted(titles) == sorted(
        ["Ground contact [ms]", osc_title, "GCT balance [% left]", step_title]
    )
    lines = {line["name"]: _typed(line["y"]).astype("float64") for line in fig["data"]}
    assert np.nanmax(lines["Vertical oscillation"]) == pytest.approx(osc_value, abs=1e-3)
    assert np.nanmax(lines["Step length"]) == pytest.approx(step_value, abs=1e-3)
    assert np.nanmax(lines["Ground contact time"]) == pytest.approx(250.0)
    assert "Running dynamics on the same axis of moving time" in _texts(at)


def test_the_page_says_nothing_of_dynamics_for_a_run_without_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    samples = _samples("2026-09-01T06:00:00Z", 60, 3.0)
    _store(tmp_path, [_activity("plain.fit", "2026-09-01T06:00:00Z", c.SPORT_RUNNING, samples)])
    at = _page(tmp_path, monkeypatch)
    figures = _page_figures(at)
    assert "Traces over moving time" in figures
    assert DYNAMICS_TITLE not in figures
    text = _texts(at)
    assert "Running dynamics" not in text and "running dynamics" not in text
