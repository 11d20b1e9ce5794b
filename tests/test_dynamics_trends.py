"""The running dynamics of each run on the Efficiency & tests page: the per-run averages the view
builds, worked by hand, and the figure that draws their trends in either unit."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from analysis import columns as c
from analysis.config import ATHLETE_DB
from analysis.figures.efficiency import running_dynamics_figure
from analysis.prepare import prepare_activity
from analysis.settings import AthleteSettings
from analysis.store import Store
from analysis.views import efficiency as view
from tests.factories import run_activity
from tests.test_figure_units import METRIC, strings

DAY = pd.Timestamp("2026-03-02T07:00:00Z")


def _store(folder: Path) -> Path:
    """Three runs of 240 one-second samples at 3.0 m/s, 170 spm:

    - run 0 (2 March): ground contact 250 ms, vertical oscillation 80 mm, ratio 8.0 %, balance
      49.0 % left throughout;
    - run 1 (3 March): ground contact 240 ms for the first 120 s and 260 ms for the last 120 s,
      oscillation 90 mm, ratio 9.0 %, balance 51.0 %;
    - run 2 (4 March): no running dynamics at all (a watch without a pod).
    """
    path = folder / ATHLETE_DB
    with Store(path) as store:
        for i in range(3):
            act = run_activity(
                name=f"run{i}.fit", start=(DAY + pd.Timedelta(days=i)).isoformat(), n=240,
                speed_mps=3.0, hr_bpm=140.0, cadence_spm=170.0,
            )  # fmt: skip
            if i == 0:
                act.samples[c.GROUND_CONTACT_TIME_MS] = 250.0
                act.samples[c.VERTICAL_OSCILLATION_MM] = 80.0
                act.samples[c.VERTICAL_RATIO_PCT] = 8.0
                act.samples[c.STANCE_TIME_BALANCE_PCT] = 49.0
            elif i == 1:
                act.samples[c.GROUND_CONTACT_TIME_MS] = [240.0] * 120 + [260.0] * 120
                act.samples[c.VERTICAL_OSCILLATION_MM] = 90.0
                act.samples[c.VERTICAL_RATIO_PCT] = 9.0
                act.samples[c.STANCE_TIME_BALANCE_PCT] = 51.0
            digest = f"{i:02d}".ljust(64, "0")
            store.add_file(digest, act.source_name, "fit", 1, [prepare_activity(act, digest, 0)])
    return path


def test_the_view_holds_each_runs_dynamics_averages_worked_by_hand(tmp_path: Path) -> None:
    with Store(_store(tmp_path)) as store:
        data = view.efficiency_data(
            store, AthleteSettings(), None, pd.Timestamp("2026-03-10").date()
        )
    dyn = data["dynamics"]
    assert len(dyn) == 3 and data["has_dynamics"]
    # run 0: constant values are their own time-weighted means
    first = dyn.iloc[0]
    assert first[c.AVG_GROUND_CONTACT_TIME_MS] == pytest.approx(250.0)
    assert first[c.AVG_VERTICAL_OSCILLATION_MM] == pytest.approx(80.0)
    assert first[c.AVG_VERTICAL_RATIO_PCT] == pytest.approx(8.0)
    assert first[c.AVG_STANCE_TIME_BALANCE_PCT] == pytest.approx(49.0)
    # run 1: (240 × 120 s + 260 × 120 s) / 240 s = 250 ms
    second = dyn.iloc[1]
    assert second[c.AVG_GROUND_CONTACT_TIME_MS] == pytest.approx(250.0)
    assert second[c.AVG_VERTICAL_OSCILLATION_MM] == pytest.approx(90.0)
    assert second[c.AVG_STANCE_TIME_BALANCE_PCT] == pytest.approx(51.0)
    # run 2 has none: NaN, while its step length (3.0 × 60 / 170 = 1.0588 m) is still there
    third = dyn.iloc[2]
    assert math.isnan(third[c.AVG_GROUND_CONTACT_TIME_MS])
    assert third[c.STEP_LENGTH_M] == pytest.approx(3.0 * 60 / 170)


def test_without_dynamics_the_view_says_so(tmp_path: Path) -> None:
    with Store(tmp_path / ATHLETE_DB) as store:
        act = run_activity(n=240, speed_mps=3.0, hr_bpm=140.0, cadence_spm=170.0)
        store.add_file("a" * 64, act.source_name, "fit", 1, [prepare_activity(act, "a" * 64, 0)])
        data = view.efficiency_data(
            store, AthleteSettings(), None, pd.Timestamp("2026-03-10").date()
        )
    assert len(data["dynamics"]) == 1
    assert not data["has_dynamics"]


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            c.START_TIME_LOCAL: pd.to_datetime(["2026-03-02 07:00", "2026-03-03 07:00"]),
            c.AVG_GROUND_CONTACT_TIME_MS: [250.0, 240.0],
            c.AVG_VERTICAL_OSCILLATION_MM: [80.0, 90.0],
            c.AVG_VERTICAL_RATIO_PCT: [8.0, 9.0],
            c.AVG_STANCE_TIME_BALANCE_PCT: [49.0, 51.0],
        }
    )


def _texts(fig: object) -> list[str]:
    spec = json.loads(fig.to_json())  # type: ignore[attr-defined]
    return [text for _, text in strings(spec)]


def test_the_figure_in_kilometres_draws_cm_and_says_how_to_read_each_panel() -> None:
    fig = running_dynamics_figure(_frame(), "km")
    by_name = {trace.name: list(trace.y) for trace in fig.data}
    assert by_name["Ground contact [ms]"] == pytest.approx([250.0, 240.0])
    assert by_name["Vertical oscillation [cm]"] == pytest.approx([8.0, 9.0])  # 80 mm = 8.0 cm
    assert by_name["Vertical ratio [%]"] == pytest.approx([8.0, 9.0])
    assert by_name["Balance [% left]"] == pytest.approx([49.0, 51.0])
    titles = [a.text for a in fig.layout.annotations]
    assert "Ground contact [ms]: lower is more economical" in titles
    assert "Vertical ratio [%]: lower is more economical" in titles
    assert "Balance [% left]: 50 % is even" in titles


def test_the_figure_in_miles_draws_inches_and_nothing_metric() -> None:
    fig = running_dynamics_figure(_frame(), "mi")
    by_name = {trace.name: list(trace.y) for trace in fig.data}
    # 80 mm / 25.4 = 3.15 in; 90 mm / 25.4 = 3.54 in
    assert by_name["Vertical oscillation [in]"] == pytest.approx([80 / 25.4, 90 / 25.4])
    texts = _texts(fig)
    assert not [t for t in texts if METRIC.search(t) or "cm" in t], texts
    assert any("[in]" in t for t in texts)


def test_panels_without_readings_are_left_out_and_none_gives_the_empty_state() -> None:
    frame = _frame()
    frame[c.AVG_STANCE_TIME_BALANCE_PCT] = float("nan")
    fig = running_dynamics_figure(frame, "km")
    assert [t.name for t in fig.data] == [
        "Ground contact [ms]", "Vertical oscillation [cm]", "Vertical ratio [%]",
    ]  # fmt: skip
    for column in (c.AVG_GROUND_CONTACT_TIME_MS, c.AVG_VERTICAL_OSCILLATION_MM,
                   c.AVG_VERTICAL_RATIO_PCT):  # fmt: skip
        frame[column] = float("nan")
    empty = running_dynamics_figure(frame, "km")
    assert not empty.data
    assert "No run in the period has running dynamics" in empty.layout.annotations[0].text
    assert not running_dynamics_figure(pd.DataFrame(), "mi").data
