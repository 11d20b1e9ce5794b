"""The Activities page under AppTest: one run in detail in its sport's units, readable tables, and
a delete that asks first and can be undone until the page is left."""

from __future__ import annotations

import ast
import base64
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from analysis import columns as c
from analysis.config import ATHLETE_DB
from analysis.figures.run_detail import CLOCK_ORIGIN_MS
from analysis.parsers.base import ParsedActivity
from analysis.prepare import prepare_activity
from analysis.schema import build_samples
from analysis.settings import AthleteSettings
from analysis.store import Store
from tests.conftest import REPO
from tests.factories import summary_activity

PAGE = "pages/activities.py"
DAY = 86400.0
STEP_S = 10.0


def _samples(
    start: str, n: int, speed_mps: float, *, pause_after: int | None = None, pause_s: float = 0.0
) -> pd.DataFrame:
    """``n`` samples every 10 s at a steady speed, climbing 0.2 m per sample; optionally the
    recorder stopped for ``pause_s`` after sample ``pause_after`` (the distance carries on)."""
    offsets = np.arange(n) * STEP_S
    if pause_after is not None:
        offsets[pause_after + 1 :] += pause_s
    raw = pd.DataFrame(
        {
            c.TIMESTAMP: pd.Timestamp(start) + pd.to_timedelta(offsets, unit="s"),
            c.DISTANCE_M: np.arange(n) * STEP_S * speed_mps,
            c.SPEED_MPS: speed_mps,
            c.HEART_RATE_BPM: 150.0,
            c.CADENCE_SPM: 170.0,
            c.ALTITUDE_M: 100.0 + 0.2 * np.arange(n),
            c.LATITUDE_DEG: 52.52 + np.arange(n) * STEP_S * speed_mps / 111_195.0,
            c.LONGITUDE_DEG: 13.40,
        }
    )
    return build_samples(raw)


def _activity(
    name: str, start: str, sport: str, samples: pd.DataFrame, laps: pd.DataFrame | None = None
) -> ParsedActivity:
    return ParsedActivity(
        source_name=name,
        format="fit",
        sport=sport,
        start_time_utc=pd.Timestamp(start),
        samples=samples,
        name=name.removesuffix(".fit"),
        laps=laps,
    )


def _store(data_dir: Path, activities: list[ParsedActivity], units: str = "km") -> None:
    with Store(data_dir / ATHLETE_DB) as store:
        store.save_settings(AthleteSettings(units=units))
        for i, act in enumerate(activities):
            digest = f"{i:02d}".ljust(64, "a")
            store.add_file(digest, act.source_name, "fit", 1, [prepare_activity(act, digest, 0)])


def _page(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("STRIDELOG_DATA_DIR", str(data_dir))
    monkeypatch.setenv("STRIDELOG_NO_DEMO", "1")
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


TAB = "activity_tab"
"""The one-activity view's tabs (their state key): only the open tab's content is built."""


def open_tab(at: AppTest, name: str) -> AppTest:
    """Open the one-activity view's tab called ``name`` (a click on it reruns the page)."""
    at.session_state[TAB] = name
    at.run()
    assert not at.exception, at.exception
    return at


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _texts(at: AppTest) -> str:
    kinds = ("markdown", "caption", "info", "warning", "error", "success", "subheader", "title")
    parts = [str(el.value) for kind in kinds for el in at.get(kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    return "\n".join(parts)


def _tables(at: AppTest) -> list[pd.DataFrame]:
    """Every dataframe as a person reads it: the cell texts the page formatted, under the labels
    its column configuration gives."""
    out = []
    for el in at.dataframe:
        styler = el.proto.arrow_data.styler
        frame = (
            pa.ipc.open_stream(styler.display_values).read_pandas()
            if styler.display_values
            else el.value
        )
        config = json.loads(el.proto.columns or "{}")
        labels = {name: cfg["label"] for name, cfg in config.items() if "label" in cfg}
        out.append(frame.rename(columns=labels))
    return out


def _table_with(at: AppTest, first_column: str) -> pd.DataFrame:
    found = [t for t in _tables(at) if t.columns[0] == first_column]
    assert len(found) == 1, [list(t.columns) for t in _tables(at)]
    return found[0]


def _figures(at: AppTest) -> dict[str, dict[str, Any]]:
    return {
        json.loads(el.proto.spec)["layout"]["title"]["text"]: json.loads(el.proto.spec)
        for el in at.get("plotly_chart")
    }


def _typed(values: Any) -> np.ndarray:
    """A figure array as the page sends it: a list, or plotly's typed base64 array."""
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
    return np.asarray(values)


def _count(data_dir: Path) -> int:
    with Store(data_dir / ATHLETE_DB) as store:
        return store.activity_count(include_duplicates=True)


# ---- one run in detail ----------------------------------------------------------------------------


def test_a_run_with_a_27_day_pause_shows_its_times_and_draws_only_its_moving_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 400 samples at 10 s and 3 m/s, the recorder stopped for 27 days after the 200th
    samples = _samples("2026-09-01T06:00:00Z", 400, 3.0, pause_after=199, pause_s=27 * DAY)
    _store(tmp_path, [_activity("long.fit", "2026-09-01T06:00:00Z", c.SPORT_RUNNING, samples)])
    at = _page(tmp_path, monkeypatch)

    tiles = _metrics(at)
    # moving: 400 samples × 10 s = 4000 s; elapsed: 27 days (648 h) more
    assert tiles["Moving time"] == "1:06:40"
    assert tiles["Elapsed time"] == "649:06:40"
    # 399 × 10 s × 3 m/s = 11 970 m in 4000 s: 334.2 s per km
    assert tiles["Distance [km]"] == "11.97"
    assert tiles["Pace [min/km]"] == "5:34"
    assert tiles["Avg HR [bpm]"] == "150" and tiles["Max HR [bpm]"] == "150"
    assert tiles["Avg cadence [spm]"] == "170"
    # 0.2 m a sample, counted in steps past the 3 m threshold: 24 steps of 3.2 m
    assert tiles["Elevation gain [m]"] == "77" and tiles["Elevation loss [m]"] == "0"
    assert tiles["Load"] == "12.0 km"  # the default distance model
    assert tiles["Easy / hard zones"] == "100 / 0 %"
    assert "1 pause (27 d 0 h" in _texts(at)
    assert "Europe/Berlin" in " ".join(el.value for el in at.caption), "time zone in a caption"

    traces = _figures(at)["Traces over moving time"]
    assert "1 pause (27 d 0 h) cut out." in _texts(at)  # said under the chart
    # a clock axis of moving time (a date axis of whole milliseconds, sent as typed arrays):
    # the 27 days take no room at all
    assert traces["layout"]["xaxis"]["type"] == "date"
    shown = np.concatenate([_typed(trace["x"]) for trace in traces["data"]])
    moving_ms = int(shown.max()) - CLOCK_ORIGIN_MS  # the axis counts from its origin
    assert pd.Timestamp(moving_ms, unit="ms") < pd.Timestamp(0) + pd.Timedelta(hours=2)

    table = _table_with(at, "Start (local)")
    assert table["Moving time"].tolist() == ["1:06:40"]
    assert table["Pace or speed"].tolist() == ["5:34 min/km"]
    config = json.loads(at.dataframe[0].proto.columns)
    labels = [config.get(col, {}).get("label", col) for col in at.dataframe[0].value.columns]
    assert not [label for label in labels if "_" in label], "every column has a label"


@pytest.mark.parametrize(
    ("sport", "speed", "units", "tile", "value", "absent"),
    [
        # 399 × 10 s at the speed over 400 × 10 s of moving time: 7.98 m/s and 0.9975 m/s
        (c.SPORT_CYCLING, 8.0, "km", "Speed [km/h]", "28.7", ["min/km", "min/mi", "mph"]),
        (c.SPORT_CYCLING, 8.0, "mi", "Speed [mph]", "17.9", ["min/km", "min/mi", "km/h"]),
        (c.SPORT_SWIMMING, 1.0, "km", "Pace [min/100 m]", "1:40", ["min/km", "km/h"]),
    ],
)
def test_a_ride_or_a_swim_shows_its_own_units_everywhere(
    sport: str,
    speed: float,
    units: str,
    tile: str,
    value: str,
    absent: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    samples = _samples("2026-09-01T06:00:00Z", 400, speed)
    _store(tmp_path, [_activity("one.fit", "2026-09-01T06:00:00Z", sport, samples)], units)
    at = _page(tmp_path, monkeypatch)

    assert _metrics(at)[tile] == value
    everything = "\n".join(
        [_texts(at), json.dumps(list(_figures(at).values()))] + [t.to_csv() for t in _tables(at)]
    )
    for unit in absent:
        assert unit not in everything, unit
    assert tile.split(" ", 1)[1] in json.dumps(_figures(at)), "the traces and splits agree"
    if units == "mi":
        assert _metrics(at)["Elevation gain [ft]"] == "252"  # 76.8 m
        assert "[km]" not in everything
    if sport == c.SPORT_CYCLING:
        assert "Avg cadence [rpm]" in _metrics(at)


@pytest.mark.parametrize(("units", "rows"), [("km", 12), ("mi", 8)])
def test_splits_and_laps_are_tables_a_person_reads(
    units: str, rows: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    samples = _samples("2026-09-01T06:00:00Z", 400, 3.0)
    start = pd.Timestamp("2026-09-01T06:00:00Z")
    laps = pd.DataFrame(
        {
            c.LAP_START: [start, start + pd.Timedelta(seconds=2000)],
            c.DURATION_S: [2000.0, 2000.0],
            c.DISTANCE_M: [6000.0, 5970.0],
        }
    )
    act = _activity("laps.fit", "2026-09-01T06:00:00Z", c.SPORT_RUNNING, samples, laps)
    _store(tmp_path, [act], units)
    at = _page(tmp_path, monkeypatch)

    # 11 970 m: 11 whole km and a partial one; 7 whole miles (11 265 m) and a partial one
    open_tab(at, "Splits per mile and laps" if units == "mi" else "Splits per km and laps")
    splits = _table_with(at, "Split")
    assert len(splits) == rows
    pace = "Pace [min/mi]" if units == "mi" else "Pace [min/km]"
    assert splits[pace].iloc[0] == ("8:56" if units == "mi" else "5:33")
    assert splits["Time"].iloc[0] == ("8:56" if units == "mi" else "5:33")

    lap_table = _table_with(at, "Lap")
    assert len(lap_table) == 2
    assert lap_table["Time"].tolist() == ["33:20", "33:20"]


# ---- delete, confirm, undo ------------------------------------------------------------------------


def _three_runs(tmp_path: Path) -> list[ParsedActivity]:
    runs = []
    for i in range(3):
        start = (pd.Timestamp("2026-09-01T06:00:00Z") + pd.Timedelta(days=2 * i)).isoformat()
        runs.append(_activity(f"run{i}.fit", start, c.SPORT_RUNNING, _samples(start, 200, 3.0)))
    _store(tmp_path, runs)
    return runs


def _stored(data_dir: Path, activity_id: str) -> tuple[dict[str, Any], pd.DataFrame, Any]:
    with Store(data_dir / ATHLETE_DB) as store:
        row = store.activity(activity_id)
        assert row is not None
        return row, store.samples(activity_id), store.hr_histogram()


def test_delete_asks_first_and_undo_restores_the_same_activity(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _three_runs(tmp_path)
    at = _page(tmp_path, monkeypatch)
    picked = at.selectbox(key="activity_pick").value
    at.slider(key="activity_rpe").set_value(7)
    at.button(key="activity_rpe_save").click().run()
    row, samples, hist = _stored(tmp_path, picked)

    at.button(key="activity_delete").click().run()
    assert not at.exception, at.exception
    assert _count(tmp_path) == 3, "the first click only asks"
    assert "Delete **run2 of Sat 05 Sep 2026, 08:00**" in _texts(at)

    at.button(key="activity_delete_confirm").click().run()
    assert not at.exception, at.exception
    assert _count(tmp_path) == 2
    assert "Deleted **run2 of Sat 05 Sep 2026, 08:00**" in _texts(at)
    at.selectbox(key="activity_pick").select_index(1).run()  # still on the page: undo stays
    assert at.button(key="activity_undo")

    at.button(key="activity_undo").click().run()
    assert not at.exception, at.exception
    assert _count(tmp_path) == 3
    again, samples_again, hist_again = _stored(tmp_path, picked)
    pd.testing.assert_frame_equal(samples_again, samples)
    pd.testing.assert_frame_equal(hist_again, hist)
    # name, RPE, time zone, file: as before the delete
    pd.testing.assert_series_equal(pd.Series(again), pd.Series(row))
    assert at.selectbox(key="activity_pick").value == picked
    assert not [b for b in at.button if b.key == "activity_undo"]


def test_cancel_keeps_the_activity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _three_runs(tmp_path)
    at = _page(tmp_path, monkeypatch)
    at.button(key="activity_delete").click().run()
    at.button(key="activity_delete_cancel").click().run()
    assert not at.exception, at.exception
    assert not [b for b in at.button if b.key == "activity_delete_confirm"]
    assert _count(tmp_path) == 3


def test_undo_is_gone_once_the_page_is_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _three_runs(tmp_path)
    at = _page(tmp_path, monkeypatch)
    at.button(key="activity_delete").click().run()
    at.button(key="activity_delete_confirm").click().run()
    assert at.button(key="activity_undo")
    at.switch_page("pages/settings.py").run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    assert not [b for b in at.button if b.key == "activity_undo"]
    assert "Deleted" not in _texts(at)
    assert _count(tmp_path) == 2


def test_undo_restores_an_activity_whose_file_holds_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # an activities CSV: one file, three summary rows
    rows = [summary_activity(f"2026-09-0{d}T06:00:00Z", 10_000.0 + d, 3000.0) for d in (1, 3, 5)]
    digest = "c" * 64
    with Store(tmp_path / ATHLETE_DB) as store:
        store.add_file(
            digest,
            "activities.csv",
            "csv",
            1,
            [prepare_activity(a, digest, i) for i, a in enumerate(rows)],
        )
    at = _page(tmp_path, monkeypatch)
    assert "summary row" in _texts(at) and not at.get("plotly_chart"), "no empty figures"
    picked = at.selectbox(key="activity_pick").value
    row, _, _ = _stored(tmp_path, picked)
    at.button(key="activity_delete").click().run()
    at.button(key="activity_delete_confirm").click().run()
    assert _count(tmp_path) == 2
    # the undo next to the delete, at the foot of the page, works as the one at the top
    at.button(key="activity_undo_here").click().run()
    assert not at.exception, at.exception
    assert _count(tmp_path) == 3
    assert at.selectbox(key="activity_pick").value == picked
    pd.testing.assert_series_equal(pd.Series(_stored(tmp_path, picked)[0]), pd.Series(row))


def test_the_page_writes_no_stray_text() -> None:
    # Streamlit's magic draws every bare string at a page's top level: only the docstring is safe
    tree = ast.parse((REPO / PAGE).read_text(encoding="utf-8"))
    strays = [
        node.lineno
        for node in tree.body[1:]
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    ]
    assert not strays


def test_the_run_opens_on_its_traces_and_each_tab_builds_only_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run opens with its traces alone (the other figures are neither built nor sent); each
    tab, once opened, shows its own figure; a run without running dynamics has no tab for them."""
    samples = _samples("2026-09-01T06:00:00Z", 400, 3.0)  # GPS, heart rate, 12 km
    _store(tmp_path, [_activity("gps.fit", "2026-09-01T06:00:00Z", c.SPORT_RUNNING, samples)])
    at = _page(tmp_path, monkeypatch)
    assert [t.label for t in at.tabs] == [
        "Traces", "Splits per km and laps", "Heart-rate zones", "Route",
    ]  # fmt: skip
    assert list(_figures(at)) == ["Traces over moving time"]
    assert not [t for t in _tables(at) if t.columns[0] in ("Split", "Lap")]
    expected = {
        "Splits per km and laps": "Splits",
        "Heart-rate zones": "Time in heart-rate zones",
        "Route": "Route",
    }
    for tab, title in expected.items():
        shown = list(_figures(open_tab(at, tab)))
        assert len(shown) == 1 and shown[0].startswith(title), (tab, shown)
    # back to the traces: a tab is a view, the run stays picked
    assert list(_figures(open_tab(at, "Traces"))) == ["Traces over moving time"]


def test_a_tab_another_run_lacks_falls_back_to_the_traces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    samples = _samples("2026-09-01T06:00:00Z", 60, 3.0)
    _store(tmp_path, [_activity("a.fit", "2026-09-01T06:00:00Z", c.SPORT_RUNNING, samples)])
    at = _page(tmp_path, monkeypatch)
    at.session_state[TAB] = "Running dynamics"  # as if left open on a run that had them
    at.run()
    assert not at.exception, at.exception
    assert list(_figures(at)) == ["Traces over moving time"]
