"""Every registered page runs under Streamlit's AppTest, with data and without."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analysis import columns as c
from analysis.config import ATHLETE_DB
from analysis.prepare import prepare_activity
from analysis.store import Store
from analysis.views.period import day_text, preset_start
from tests.conftest import REPO
from tests.factories import run_activity

PAGES = [
    "pages/overview.py",
    "pages/mileage.py",
    "pages/cadence.py",
    "pages/intensity.py",
    "pages/training_load.py",
    "pages/fitness.py",
    "pages/efficiency.py",
    "pages/guidance.py",
    "pages/efforts.py",
    "pages/recovery.py",
    "pages/strength.py",
    "pages/pain.py",
    "pages/plan.py",
    "pages/race.py",
    "pages/gear.py",
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
    "pages/efficiency.py": 5,  # EF, decoupling, pace at HR, cadence at pace, step length
    "pages/guidance.py": 2,
    "pages/efforts.py": 2,
    "pages/recovery.py": 0,  # no wellness log in the hand-built data: an empty state
    "pages/strength.py": 0,  # no sessions logged: an empty state (tests/test_pages_logs.py)
    "pages/pain.py": 0,  # no niggles either
    "pages/plan.py": 0,  # no plan either
    "pages/race.py": 0,  # no goal race either
    "pages/gear.py": 0,  # no shoes nor gear names either
    "pages/activities.py": 1,  # the run's traces; its other tabs are built when opened
    "pages/share.py": 0,
    "pages/settings.py": 0,
}
DEMO_CHARTS = {
    **CHARTS, "pages/recovery.py": 2, "pages/plan.py": 1, "pages/race.py": 1,
    "pages/gear.py": 2, "pages/strength.py": 2, "pages/pain.py": 1,
}  # fmt: skip


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
    with Store(tmp_path / ATHLETE_DB) as store:
        assert len(store.activities()) == 3, "the first click only asks"
    at.button(key="activity_delete_confirm").click().run()
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


# ---- the period ---------------------------------------------------------------------------------

PERIOD_PAGES = [  # the pages with a period control
    "pages/overview.py",
    "pages/mileage.py",
    "pages/cadence.py",
    "pages/intensity.py",
    "pages/training_load.py",
    "pages/fitness.py",
    "pages/efficiency.py",
    "pages/guidance.py",
    "pages/recovery.py",
    "pages/plan.py",
    "pages/race.py",
    "pages/gear.py",
]


def _fill_days(data_dir: Path, days: list[dt.date]) -> None:
    """One run at 06:00 UTC on each day, in the athlete's own store."""
    with Store(data_dir / ATHLETE_DB) as store:
        for i, day in enumerate(days):
            start = pd.Timestamp(day).tz_localize("UTC") + pd.Timedelta(hours=6)
            act = run_activity(
                name=f"run{i}.fit", start=start.isoformat(), n=200, hr_bpm=140.0 + i % 20
            )
            digest = f"p{i:04d}".ljust(64, "0")
            store.add_file(digest, act.source_name, "fit", 1, [prepare_activity(act, digest, 0)])


def _every_other_day(last: dt.date, weeks: int = 6) -> list[dt.date]:
    return [last - dt.timedelta(days=i) for i in range(weeks * 7 - 2, -1, -2)]


def _texts(at: AppTest) -> str:
    kinds = ("markdown", "caption", "info", "warning", "error", "success", "subheader")
    return "\n".join(str(el.value) for kind in kinds for el in at.get(kind))


def _bars(fig: dict) -> int:
    """How many bars a figure draws, over all its bar traces (flagged weeks have their own)."""
    return sum(len(trace["x"]) for trace in fig["data"] if trace.get("type") == "bar")


def _period_caption(at: AppTest) -> str:
    return next(el.value for el in at.caption if ":material/date_range:" in el.value)


def test_a_store_ending_a_year_ago_opens_every_page_on_its_latest_period(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    last = dt.date.today() - dt.timedelta(days=365)
    _fill_days(tmp_path, _every_other_day(last, weeks=20))
    at = _app(tmp_path, monkeypatch)
    note = f"Your latest activity is on {day_text(last)}: showing the 12 weeks up to it."
    for page in PERIOD_PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        assert note in [el.value for el in at.info], (page, [el.value for el in at.info])
        assert f"as of {last:%a} {day_text(last)}" in _period_caption(at), page
        # nothing the page says claims today or this week for a day a year ago, and no week
        # reads 0.0 (the figures' own titles and captions are checked with the figures)
        texts = "\n".join(
            str(el.value)
            for kind in ("markdown", "info", "warning", "error", "success", "subheader")
            for el in at.get(kind)
        )
        assert "Today" not in texts and "This week" not in texts, (page, texts)
        labels = [el.label for el in at.metric]
        assert not any("today" in label.lower() or "this week" in label.lower()
                       for label in labels), (page, labels)  # fmt: skip
        assert all(el.value not in ("0.0", "+0.0") for el in at.metric), (page, at.metric)
        assert at.query_params["period"] == "12w" and "to" not in at.query_params
    at.switch_page("pages/overview.py").run()
    week = at.metric[0]
    assert week.label.startswith("The week of ") and float(week.value) > 0, week
    at.switch_page("pages/fitness.py").run()
    assert float(at.metric[0].value) > 0  # fitness on the latest day, not decayed to today
    at.switch_page("pages/mileage.py").run()
    assert _bars(_figures(at)[0]) == 12  # the 12 weeks of the period, not the whole history


def test_a_decision_on_no_known_signal_says_not_enough_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # one run: no ratio, no monotony, no ramp, no wellness; a green push would rest on nothing
    _fill_days(tmp_path, [dt.date.today() - dt.timedelta(days=400)])
    at = _app(tmp_path, monkeypatch)
    assert not at.success, [el.value for el in at.success]
    assert any("not enough data" in el.value for el in at.info), [el.value for el in at.info]
    at.switch_page("pages/recovery.py").run()
    assert not at.exception, at.exception
    assert any("Not enough data" in el.value for el in at.info), [el.value for el in at.info]


def test_the_period_query_params_reproduce_a_view(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    last = dt.date.today() - dt.timedelta(days=30)
    _fill_days(tmp_path, _every_other_day(last, weeks=20))
    monkeypatch.setenv("STRIDELOG_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("STRIDELOG_NO_DEMO", "1")
    as_of = last - dt.timedelta(days=20)
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.query_params["period"] = "4w"
    at.query_params["to"] = as_of.isoformat()
    at.switch_page("pages/mileage.py").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="period_preset").value == "4w"
    assert at.date_input(key="period_to").value == as_of
    first = preset_start("4w", as_of)
    assert _period_caption(at).endswith(
        f"4 weeks: {day_text(first)} – {day_text(as_of)} · as of {as_of:%a} {day_text(as_of)}"
    )
    assert _bars(_figures(at)[0]) == 4
    assert dict(at.query_params) == {"period": "4w", "to": as_of.isoformat()}

    custom = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    custom.query_params.update(period="custom", **{"from": "2000-01-01", "to": as_of.isoformat()})
    custom.switch_page("pages/mileage.py").run()
    assert not custom.exception, custom.exception
    start = _every_other_day(last, weeks=20)[0]
    assert custom.date_input(key="period_from").value == start  # clipped to the first run
    assert "Clipped to the days with data" in _texts(custom)
    assert custom.query_params["from"] == start.isoformat()


def test_switching_the_period_updates_the_url_and_survives_a_page_switch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    last = dt.date.today() - dt.timedelta(days=3)
    _fill_days(tmp_path, _every_other_day(last, weeks=30))
    at = _app(tmp_path, monkeypatch)
    assert at.query_params["period"] == "12w"
    at.selectbox(key="period_preset").set_value("6m").run()
    assert not at.exception, at.exception
    assert at.query_params["period"] == "6m"
    assert _period_caption(at).startswith(":material/date_range: 6 months:")
    # an as-of day: into the URL; "Latest" takes it out again
    day = last - dt.timedelta(days=50)
    at.date_input(key="period_to").set_value(day).run()
    assert at.query_params["to"] == day.isoformat()
    assert f"as of {day:%a} {day_text(day)}" in _period_caption(at)
    # the sidebar drops query params when it switches pages: the page puts them back
    at.query_params.clear()
    at.switch_page("pages/fitness.py").run()
    assert not at.exception, at.exception
    assert dict(at.query_params) == {"period": "6m", "to": day.isoformat()}
    at.button(key="period_latest").click().run()
    assert dict(at.query_params) == {"period": "6m"}
    # custom starts from the days on screen, and its dates move the URL
    at.selectbox(key="period_preset").set_value("custom").run()
    first = preset_start("6m", dt.date.today())
    assert at.query_params["from"] == first.isoformat()
    assert at.query_params["to"] == last.isoformat()  # clipped to the latest run
    at.date_input(key="period_from").set_value(last - dt.timedelta(days=10)).run()
    assert not at.exception, at.exception
    assert at.query_params["from"] == (last - dt.timedelta(days=10)).isoformat()
    assert at.query_params["period"] == "custom"


def test_a_link_that_cannot_be_read_shows_the_default_with_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill_days(tmp_path, _every_other_day(dt.date.today()))
    monkeypatch.setenv("STRIDELOG_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("STRIDELOG_NO_DEMO", "1")
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.query_params["period"] = "fortnight"
    at.run()
    assert not at.exception, at.exception
    assert any("“fortnight” is not one of" in el.value for el in at.info)
    assert at.query_params["period"] == "12w"


@pytest.mark.parametrize("preset", ["12w", "1y", "all"])
def test_a_two_year_gap_renders_every_page(
    preset: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    today = dt.date.today()
    before = _every_other_day(today - dt.timedelta(days=2 * 365 + 42))
    _fill_days(tmp_path, [*before, *_every_other_day(today - dt.timedelta(days=1))])
    monkeypatch.setenv("STRIDELOG_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("STRIDELOG_NO_DEMO", "1")
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.query_params["period"] = preset
    at.run()
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, preset, at.exception)
    # a year back from today lies inside the gap: its first weeks are empty, not an error
    at.query_params["to"] = (today - dt.timedelta(days=365)).isoformat()
    for page in PERIOD_PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, preset, at.exception)


def test_a_bad_limit_variable_is_said_once_not_failing_every_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STRIDELOG_MAX_POINTS", "1e6")
    at = _app(tmp_path, monkeypatch)
    assert any("STRIDELOG_MAX_POINTS" in el.value for el in at.error), [e.value for e in at.error]
    assert not at.get("plotly_chart")


def test_the_demo_opens_on_its_own_last_day(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The demo is a finished history: its pages open as of its last day, weeks filled."""
    at = _app(tmp_path, monkeypatch, demo=True)
    week = at.metric[0]
    assert week.value != "No runs", [m.value for m in at.metric]
    assert float(week.value) > 0
    boxes = [el.value for kind in (at.success, at.warning, at.error, at.info) for el in kind]
    assert any("Today" in b or "As of" in b for b in boxes), boxes
    assert not any("not enough data" in b for b in boxes), boxes
