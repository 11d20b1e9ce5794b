"""The pages pass what the figures and metrics now take: units, the load model, the period's
words and a return after a break."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analysis.config import ATHLETE_DB
from analysis.figures.fitness import DISTANCE_MODEL_NOTE
from analysis.metrics.load import RETURN_GUIDANCE_REFERENCES
from analysis.store import Store
from tests.conftest import REPO
from tests.test_pages import _app, _every_other_day, _figures, _fill_days


def _settings(data_dir: Path, **changes: object) -> None:
    with Store(data_dir / ATHLETE_DB) as store:
        store.save_settings(dataclasses.replace(store.load_settings(), **changes))


def _axis_titles(fig: dict) -> list[str]:
    layout = fig.get("layout", {})
    return [
        str(axis.get("title", {}).get("text") or "")
        for name, axis in layout.items()
        if name.startswith(("xaxis", "yaxis")) and isinstance(axis, dict)
    ]


@pytest.mark.parametrize("page", ["pages/mileage.py", "pages/cadence.py"])
def test_miles_reach_the_figures(
    page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill_days(tmp_path, _every_other_day(dt.date.today() - dt.timedelta(days=1)))
    _settings(tmp_path, units="mi")
    at = _app(tmp_path, monkeypatch)
    at.switch_page(page).run()
    assert not at.exception, at.exception
    figures = _figures(at)
    assert figures
    assert any("mi" in t for fig in figures for t in _axis_titles(fig)), page
    text = json.dumps(figures)
    assert "[km]" not in text and " km<" not in text and ' km"' not in text, page
    assert "/km" not in text, page


def test_fitness_with_the_distance_model_says_what_its_numbers_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill_days(tmp_path, _every_other_day(dt.date.today() - dt.timedelta(days=1)))
    _settings(tmp_path, load_model="distance")
    at = _app(tmp_path, monkeypatch)
    at.switch_page("pages/fitness.py").run()
    assert not at.exception, at.exception
    assert DISTANCE_MODEL_NOTE in [el.value for el in at.caption]
    _settings(tmp_path, load_model="trimp")
    at = _app(tmp_path, monkeypatch)
    at.switch_page("pages/fitness.py").run()
    assert not at.exception, at.exception
    assert not any(DISTANCE_MODEL_NOTE in el.value for el in at.caption)


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/training_load.py"])
def test_a_return_after_a_two_year_gap_is_named_not_measured(
    page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    today = dt.date.today()
    before = _every_other_day(today - dt.timedelta(days=2 * 365 + 10))
    back = [today - dt.timedelta(days=4), today - dt.timedelta(days=1)]
    _fill_days(tmp_path, [*before, *back])
    at = _app(tmp_path, monkeypatch)
    at.switch_page(page).run()
    assert not at.exception, at.exception
    infos = [el.value for el in at.info]
    break_days = (back[0] - before[-1]).days - 1
    named = f"Back after a {break_days}-day break on {back[0].day} {back[0]:%b %Y}"
    note = next((i for i in infos if named in i), None)
    assert note is not None, infos
    assert RETURN_GUIDANCE_REFERENCES[0] in note and "Build back gradually" in note
    assert not any("Not enough history" in el.value for el in at.warning)
    assert not any(el.label.startswith("ACWR") for el in at.metric)
    if page == "pages/overview.py":
        gauge = json.dumps(_figures(at)[1]).replace("<br>", " ")
        assert f"Back after a {break_days}-day break" in gauge


def test_no_return_is_named_without_a_break(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill_days(tmp_path, _every_other_day(dt.date.today() - dt.timedelta(days=1)))
    at = _app(tmp_path, monkeypatch)
    for page in ("pages/overview.py", "pages/training_load.py"):
        at.switch_page(page).run()
        assert not at.exception, at.exception
        assert not any("-day break" in el.value for el in at.info), page


def test_a_past_as_of_claims_no_this_week_in_the_overview_figures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    last = dt.date.today() - dt.timedelta(days=30)
    _fill_days(tmp_path, _every_other_day(last, weeks=12))
    monkeypatch.setenv("STRIDELOG_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("STRIDELOG_NO_DEMO", "1")
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.query_params["period"] = "12w"
    at.query_params["to"] = (last - dt.timedelta(days=3)).isoformat()
    at.switch_page("pages/overview.py").run()
    assert not at.exception, at.exception
    text = json.dumps(_figures(at))
    assert "This week" not in text and "this week" not in text
    assert "The week of" in text
    captions = " ".join(el.value for el in at.caption)
    assert "This week" not in captions and " today" not in captions
    helps = " ".join(str(el.proto.help) for el in at.metric)
    assert "same days of last week" in helps
    # as of today they do say it
    today = tmp_path / "today"
    today.mkdir()
    _fill_days(today, _every_other_day(dt.date.today()))
    now = _app(today, monkeypatch)
    assert "This week" in json.dumps(_figures(now))


def test_a_short_stretch_says_how_many_days_the_ratio_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    today = dt.date.today()
    _fill_days(tmp_path, [today - dt.timedelta(days=d) for d in (9, 6, 3)])
    at = _app(tmp_path, monkeypatch)
    at.switch_page("pages/training_load.py").run()
    assert not at.exception, at.exception
    warning = next(el.value for el in at.warning if "Not enough history" in el.value)
    assert "you have 10 since training began or last resumed" in warning, warning
    assert not any(el.label.startswith("ACWR") for el in at.metric)


@pytest.mark.parametrize(
    "page",
    ["pages/overview.py", "pages/training_load.py", "pages/fitness.py", "pages/plan.py"],
)
def test_the_distance_load_counts_in_miles_with_miles(
    page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Load in the unit of its model: with miles the distance load is miles per day."""
    import re

    _fill_days(tmp_path, _every_other_day(dt.date.today() - dt.timedelta(days=1)))
    _settings(tmp_path, units="mi", week_start="sunday")
    at = _app(tmp_path, monkeypatch)
    at.switch_page(page).run()
    assert not at.exception, at.exception
    shown = [
        str(el.value)
        for kind in ("markdown", "caption", "info", "warning", "error", "success")
        for el in at.get(kind)
        if "CSV" not in str(el.value)  # a file layout is stated in its own units, kilometres
    ]
    metric_units = re.compile(r"(?<![A-Za-z_])(km|kilomet\w*|min/km|/km|km/h)(?![A-Za-z])")
    text = json.dumps(_figures(at)) + "\n".join(shown)
    assert not metric_units.findall(text), [t for t in shown if metric_units.search(t)]
    if page in ("pages/training_load.py", "pages/fitness.py"):
        assert "[mi]" in text, page


def test_the_decision_reasons_end_their_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill_days(tmp_path, _every_other_day(dt.date.today() - dt.timedelta(days=1)))
    at = _app(tmp_path, monkeypatch)
    boxes = [el.value for kind in (at.success, at.warning, at.error, at.info) for el in kind]
    decision = [b for b in boxes if "Details and the rules" in b]
    assert decision, boxes
    # whatever the verdict, the text before "Details" is a finished sentence
    assert decision[0].split(" Details and the rules")[0][-1] in ".!", decision
