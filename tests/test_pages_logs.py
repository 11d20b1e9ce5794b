"""The Strength & mobility and Pain & niggles pages under AppTest: logging from the forms, the
charts with data, and forms disabled for a role that may not write (the store refuses anyway)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analysis import columns as c
from analysis.config import ATHLETE_DB
from analysis.store import Store
from tests.conftest import REPO
from tests.test_pages import _fill


def _app(data_dir: Path, monkeypatch: pytest.MonkeyPatch, demo: bool = False) -> AppTest:
    monkeypatch.setenv("STRIDELOG_DATA_DIR", str(data_dir))
    monkeypatch.setenv("STRIDELOG_NO_DEMO", "0" if demo else "1")
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def test_a_session_is_logged_charted_and_deleted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(tmp_path)  # runs from 1 Sep to 11 Oct 2026
    at = _app(tmp_path, monkeypatch)
    at.switch_page("pages/strength.py").run()
    assert any("No strength" in el.value for el in at.info)
    at.date_input(key="strength_date").set_value(dt.date(2026, 10, 5))
    at.selectbox(key="strength_type").set_value(c.SPORT_STRENGTH)
    at.number_input(key="strength_minutes").set_value(40)
    at.slider(key="strength_rpe").set_value(6)
    at.text_input(key="strength_exercises").set_value("squats 3x8")
    at.button(key="FormSubmitter:strength_form-Save the session").click().run()
    assert not at.exception, at.exception
    with Store(tmp_path / ATHLETE_DB) as store:
        log = store.sessions()
    assert log[c.DURATION_MIN].tolist() == [40.0] and log[c.RPE].tolist() == [6.0]
    assert log[c.EXERCISES].tolist() == ["squats 3x8"]
    charts = [json.loads(el.proto.spec) for el in at.get("plotly_chart")]
    assert len(charts) == 2  # sessions per week and the calendar
    bars = [t for t in charts[0]["data"] if t["name"] == "Strength"]
    assert sum(bars[0]["y"]) == 1
    calendar = charts[1]["data"][0]
    assert any("S" in cell for row in calendar["text"] for cell in row)
    # 40 min × RPE 6 = 240 in the table's sRPE column
    table = at.dataframe[-1].value  # the sessions table, last on the page
    assert table[c.SESSION_LOAD].tolist() == [240.0]
    at.button(key="strength_delete").click().run()
    assert not at.exception, at.exception
    with Store(tmp_path / ATHLETE_DB) as store:
        assert store.sessions().empty


def test_a_niggle_is_logged_and_its_window_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(tmp_path)
    at = _app(tmp_path, monkeypatch)
    at.switch_page("pages/pain.py").run()
    assert any("No niggles" in el.value for el in at.info)
    assert any("Association, not diagnosis" in el.value for el in at.warning)
    at.date_input(key="pain_date").set_value(dt.date(2026, 10, 9))
    at.selectbox(key="pain_site").set_value("Achilles")
    at.selectbox(key="pain_side").set_value("left")
    at.slider(key="pain_severity").set_value(4)
    at.selectbox(key="pain_timing").set_value("after running")
    at.button(key="FormSubmitter:pain_form-Save").click().run()
    assert not at.exception, at.exception
    with Store(tmp_path / ATHLETE_DB) as store:
        log = store.pain_log()
    assert log[c.BODY_SITE].tolist() == ["Achilles"] and log[c.SEVERITY].tolist() == [4.0]
    charts = [json.loads(el.proto.spec) for el in at.get("plotly_chart")]
    assert len(charts) == 1
    names = {t.get("name") for t in charts[0]["data"]}
    assert {"Achilles", "ACWR"} <= names
    triggers = at.dataframe[0].value  # the trigger table, then the log
    assert triggers["Site"].tolist() == ["Achilles"]
    assert triggers["New shoes"].tolist() == ["not known"]


def test_a_severe_niggle_backs_off_the_decision(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(tmp_path)
    with Store(tmp_path / ATHLETE_DB) as store:
        # the Recovery page decides for the period's last day: today, with runs this recent
        store.add_pain(dt.date.today(), "knee", "right", 7, "during running")
    at = _app(tmp_path, monkeypatch)
    at.switch_page("pages/recovery.py").run()
    assert not at.exception, at.exception
    boxes = " ".join(el.value for el in at.error)
    assert "Back off" in boxes and "pain 7/10 in the pain log" in boxes, boxes


def test_the_demo_forms_are_disabled_and_its_pages_filled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(tmp_path, monkeypatch, demo=True)
    at.switch_page("pages/strength.py").run()
    assert not at.exception, at.exception
    assert at.button(key="FormSubmitter:strength_form-Save the session").disabled
    assert len(at.get("plotly_chart")) == 2
    assert any("day before a hard or long run" in el.value for el in at.warning)
    at.switch_page("pages/pain.py").run()
    assert not at.exception, at.exception
    assert at.button(key="FormSubmitter:pain_form-Save").disabled
    triggers = at.dataframe[0].value
    # the Achilles niggle after the spike week: its 28 days held the ramp and the high ratio
    spike = triggers[triggers["Site"] == "Achilles"].iloc[-1]
    assert spike["Ramp over the limit"] and spike["ACWR over the band"], spike


def test_the_new_settings_are_kept_when_settings_are_saved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(tmp_path, days=6)
    at = _app(tmp_path, monkeypatch)
    at.switch_page("pages/settings.py").run()
    at.checkbox(key="set_strength_load").check()
    at.number_input(key="set_pain_limit").set_value(4.0)
    at.button(key="settings_save").click().run()
    assert not at.exception, at.exception
    with Store(tmp_path / ATHLETE_DB) as store:
        saved = store.load_settings()
    assert saved.strength_in_load and saved.pain_limit == 4.0
