"""Every registered page runs under Streamlit's AppTest, with data and without."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analysis import columns as c
from analysis.config import ATHLETE_DB
from analysis.prepare import prepare_activity
from analysis.store import Store
from tests.conftest import REPO
from tests.factories import run_activity

PAGES = [
    "pages/overview.py",
    "pages/mileage.py",
    "pages/cadence.py",
    "pages/intensity.py",
    "pages/training_load.py",
    "pages/fitness.py",
    "pages/guidance.py",
    "pages/recovery.py",
    "pages/plan.py",
    "pages/activities.py",
    "pages/share.py",
    "pages/settings.py",
]
CHARTS = {  # page -> the least number of plotly charts it shows with data
    "pages/overview.py": 2,
    "pages/mileage.py": 4,
    "pages/cadence.py": 3,
    "pages/intensity.py": 2,
    "pages/training_load.py": 2,
    "pages/fitness.py": 2,
    "pages/guidance.py": 2,
    "pages/recovery.py": 0,  # no wellness log in the hand-built data: an empty state
    "pages/plan.py": 0,  # no plan either
    "pages/activities.py": 2,
    "pages/share.py": 0,
    "pages/settings.py": 0,
}
DEMO_CHARTS = {**CHARTS, "pages/recovery.py": 2, "pages/plan.py": 1}


def _app(data_dir: Path, monkeypatch: pytest.MonkeyPatch, demo: bool = False) -> AppTest:
    monkeypatch.setenv("STRIDELOG_DATA_DIR", str(data_dir))
    monkeypatch.setenv("STRIDELOG_NO_DEMO", "0" if demo else "1")
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def _fill(data_dir: Path, days: int = 42) -> None:
    """Six weeks of runs every other day, in the athlete's own store."""
    with Store(data_dir / ATHLETE_DB) as store:
        for i in range(0, days, 2):
            day = pd.Timestamp("2026-09-01T06:00:00Z") + pd.Timedelta(days=i)
            act = run_activity(
                name=f"run{i}.fit", start=day.isoformat(), n=200, hr_bpm=140.0 + i % 20
            )
            digest = f"{i:02d}".ljust(64, "0")
            store.add_file(digest, act.source_name, "fit", 1, [prepare_activity(act, digest, 0)])


def _figures(at: AppTest) -> list[dict]:
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


@pytest.mark.parametrize("page", PAGES)
def test_page_without_data_shows_an_empty_state(
    page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(tmp_path, monkeypatch)
    at.switch_page(page).run()
    assert not at.exception, at.exception
    if page != "pages/settings.py":
        assert any("No " in el.value for el in at.info), [el.value for el in at.info]
        assert not at.get("plotly_chart")


@pytest.mark.parametrize("page", PAGES)
def test_page_with_data_draws_its_charts(
    page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(tmp_path)
    at = _app(tmp_path, monkeypatch)
    at.switch_page(page).run()
    assert not at.exception, at.exception
    figures = _figures(at)
    assert len(figures) >= CHARTS[page]
    for fig in figures:
        # charts explain themselves: every cartesian axis that is shown has a title
        layout = fig.get("layout", {})
        for name, axis in layout.items():
            if not isinstance(axis, dict):
                continue
            shown = axis.get("visible", True) and axis.get("showticklabels", True)
            if name.startswith(("xaxis", "yaxis")) and shown and fig["data"]:
                assert axis.get("title", {}).get("text") or axis.get("matches"), (page, name)
    captions = " ".join(el.value for el in at.caption)
    assert len(captions) > 40 or page == "pages/settings.py"


def test_units_setting_switches_every_distance_to_miles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(tmp_path)
    at = _app(tmp_path, monkeypatch)
    at.switch_page("pages/settings.py").run()
    at.radio(key="set_units").set_value("mi")
    at.button(key="settings_save").click().run()
    assert not at.exception, at.exception
    with Store(tmp_path / ATHLETE_DB) as store:
        assert store.load_settings().units == "mi"
    at.switch_page("pages/mileage.py").run()
    titles = json.dumps(_figures(at))
    assert "[mi]" in titles or "(mi)" in titles


def test_demo_athlete_fills_every_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not any((REPO / "sample_data" / "demo").glob("*.fit")):
        pytest.fail("sample_data/demo is missing: run `make demo` and commit the files")
    at = _app(tmp_path, monkeypatch, demo=True)
    assert any("Demo athlete" in el.value for el in at.info)
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        assert len(at.get("plotly_chart")) >= DEMO_CHARTS[page], page


def test_an_activity_can_be_deleted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fill(tmp_path, days=6)  # three runs
    at = _app(tmp_path, monkeypatch)
    at.switch_page("pages/activities.py").run()
    picked = at.selectbox(key="activity_pick").value
    at.button(key="activity_delete").click().run()
    assert not at.exception, at.exception
    with Store(tmp_path / ATHLETE_DB) as store:
        left = set(store.activities()[c.ACTIVITY_ID])
    assert len(left) == 2 and picked not in left


@pytest.mark.parametrize("model", ["duration", "trimp", "edwards", "hrss", "srpe"])
@pytest.mark.parametrize("variant", ["rolling", "uncoupled", "ewma"])
def test_training_load_page_under_every_model_and_variant(
    model: str, variant: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from analysis.settings import AthleteSettings

    _fill(tmp_path)
    with Store(tmp_path / ATHLETE_DB) as store:
        store.save_settings(
            AthleteSettings(load_model=model, acwr_variant=variant, acwr_min_chronic_days=21)
        )
    at = _app(tmp_path, monkeypatch)
    at.switch_page("pages/training_load.py").run()
    assert not at.exception, at.exception
    assert len(at.get("plotly_chart")) == 2
    if model == "srpe":  # nothing rated yet: the page says so
        assert any("no RPE" in el.value for el in at.warning), [el.value for el in at.warning]


def test_a_wellness_day_is_logged_from_the_form(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(tmp_path, days=6)
    at = _app(tmp_path, monkeypatch)
    at.switch_page("pages/recovery.py").run()
    at.number_input(key="well_rhr").set_value(51)
    at.number_input(key="well_sleep").set_value(5.5)
    at.slider(key="well_soreness").set_value(4)
    at.button(key="well_save").click().run()
    assert not at.exception, at.exception
    with Store(tmp_path / ATHLETE_DB) as store:
        log = store.wellness()
    assert log[c.RESTING_HR_BPM].tolist() == [51.0]
    assert log[c.SLEEP_H].tolist() == [5.5] and log[c.SORENESS].tolist() == [4.0]
    # today's decision now reads the short night and the soreness
    boxes = " ".join(el.value for el in [*at.warning, *at.error])
    assert "Hold" in boxes or "Back off" in boxes, boxes


def test_session_rpe_is_rated_on_the_activities_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(tmp_path, days=6)
    at = _app(tmp_path, monkeypatch)
    at.switch_page("pages/activities.py").run()
    picked = at.selectbox(key="activity_pick").value
    at.slider(key="activity_rpe").set_value(7)
    at.button(key="activity_rpe_save").click().run()
    assert not at.exception, at.exception
    with Store(tmp_path / ATHLETE_DB) as store:
        assert store.activity(picked)[c.RPE] == 7.0


def test_file_names_are_shown_as_text_not_markdown() -> None:
    from pages._common import _md

    assert _md("run*1*_[x](javascript:alert(1)).fit") == (
        r"run\*1\*\_\[x\]\(javascript:alert\(1\)\)\.fit"
    )
