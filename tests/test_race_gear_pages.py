"""The Race & blocks and Gear pages under AppTest: a goal race proposes a plan that is accepted
into the plan and the blocks (then banded on the Mileage, Training load and Fitness charts);
shoes show their distance, retirement and a new pair's share."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from analysis import columns as c
from analysis.config import ATHLETE_DB
from analysis.figures.blocks import BAND_OPACITY
from analysis.settings import AthleteSettings
from analysis.store import Store
from tests.test_pages import _app, _figures, _fill


def _shapes(fig: dict) -> list[dict]:
    return list(fig.get("layout", {}).get("shapes", []))


def test_a_goal_race_proposes_a_plan_that_is_accepted_into_plan_and_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(tmp_path)  # runs every other day from 1 Sep 2026 for six weeks
    with Store(tmp_path / ATHLETE_DB) as store:
        store.add_race("2027-02-28", 21.0975, 5700.0, "Winter half")
    at = _app(tmp_path, monkeypatch)
    at.switch_page("pages/race.py").run()
    assert not at.exception, at.exception
    assert any("**Winter half**" in el.value for el in at.markdown)
    # the runs ended in October: no chronic load today, so the page asks for a start
    if not _figures(at):
        assert any("No weekly distance" in el.value for el in at.info)
        at.number_input(key="race_start_km").set_value(30.0).run()
    figures = _figures(at)
    assert len(figures) == 1
    assert "Proposed weekly distance" in json.dumps(figures[0]["layout"]["title"])
    assert any("Bosquet" in el.value for el in at.caption)
    at.button(key="race_accept").click().run()
    assert not at.exception, at.exception
    with Store(tmp_path / ATHLETE_DB) as store:
        plan, blocks = store.plan(), store.blocks()
    assert len(plan) >= 2 and plan[c.PLAN_DISTANCE_KM].notna().all()
    assert blocks[c.BLOCK_KIND].iloc[-1] == "taper"
    assert blocks[c.END_DATE].iloc[-1] == pd.Timestamp("2027-02-28")
    # a block inside the period of the runs, typed on the page, is a labelled band across the
    # main chart of Mileage, Training load and Fitness; the accepted blocks (after today) are not
    at.switch_page("pages/race.py").run()
    at.date_input(key="block_first").set_value(pd.Timestamp("2026-09-21").date())
    at.date_input(key="block_last").set_value(pd.Timestamp("2026-10-04").date())
    at.selectbox(key="block_type").set_value("recovery")
    at.button(key="block_add").click().run()
    assert not at.exception, at.exception
    for page in ("pages/mileage.py", "pages/training_load.py", "pages/fitness.py"):
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        fig = _figures(at)[0]
        rects = [
            s for s in _shapes(fig) if s.get("type") == "rect" and s["opacity"] == BAND_OPACITY
        ]
        assert len(rects) == 1, (page, rects)
        # Mileage centres each week's bar on its Monday: the band moves half a week earlier
        x0, x1 = (
            ("2026-09-17T12", "2026-10-01T12")
            if "mileage" in page
            else ("2026-09-21", "2026-10-05")
        )
        assert rects[0]["x0"].startswith(x0) and rects[0]["x1"].startswith(x1), (page, rects)
        assert "recovery" in json.dumps(fig["layout"].get("annotations", [])), page


def test_the_gear_page_shows_each_pair_its_retirement_and_a_new_pairs_share(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(tmp_path)
    with Store(tmp_path / ATHLETE_DB) as store:
        runs = store.activities().sort_values(c.START_TIME_UTC)
        ids = runs[c.ACTIVITY_ID].tolist()
        # the first half in "Old" (a first pair), then "New" on every run: over the 30 % limit
        half = len(ids) // 2
        store.apply_export_metadata(
            [
                (aid, None, None, "Old" if i < half else "New", None, None)
                for i, aid in enumerate(ids)
            ]
        )
        store.add_shoe("Old", None, 1.0, False, "strava")  # 1 km to retirement: past it
    at = _app(tmp_path, monkeypatch)
    at.switch_page("pages/gear.py").run()
    assert not at.exception, at.exception
    figures = _figures(at)
    assert len(figures) == 2
    warnings = " ".join(el.value for el in at.warning)
    assert "**Old**" in warnings and "past its retirement" in warnings
    assert "**New**" in warnings and "gradually" in warnings
    table = at.dataframe[0].value
    assert table["Pair"].tolist() == ["Old", "New"]
    # a typed pair is added from the form
    at.text_input(key="shoe_name").set_value("Trail 2")
    at.button(key="shoe_add").click().run()
    assert not at.exception, at.exception
    with Store(tmp_path / ATHLETE_DB) as store:
        assert sorted(store.shoes()[c.NAME]) == ["Old", "Trail 2"]


def test_the_demo_athlete_has_a_goal_race_blocks_and_shoes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(tmp_path, monkeypatch, demo=True)
    at.switch_page("pages/race.py").run()
    assert not at.exception, at.exception
    assert any("**Berlin autumn half marathon**" in el.value for el in at.markdown)
    weeks = _figures(at)[0]["data"]
    assert {trace["name"] for trace in weeks} == {"taper", "the race"}  # two weeks to go
    assert at.button(key="race_accept").disabled  # the demo is read-only
    at.switch_page("pages/mileage.py").run()
    fig = _figures(at)[0]
    labels = json.dumps(fig["layout"].get("annotations", []))
    assert all(kind in labels for kind in ("base", "build", "peak")), labels
    at.switch_page("pages/gear.py").run()
    assert not at.exception, at.exception
    warnings = " ".join(el.value for el in at.warning)
    assert "**Pegasus 40**" in warnings and "due soon" in warnings
    assert "**Novablast 4**" in warnings and "gradually" in warnings
    assert at.button(key="shoe_add").disabled


def test_a_pair_named_on_runs_is_kept_with_its_retirement_distance_in_miles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(tmp_path)
    with Store(tmp_path / ATHLETE_DB) as store:
        ids = store.activities()[c.ACTIVITY_ID].tolist()
        store.apply_export_metadata([(aid, None, None, "Ghost 15", None, None) for aid in ids])
        store.save_settings(AthleteSettings(units="mi"))
    at = _app(tmp_path, monkeypatch)
    at.switch_page("pages/gear.py").run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert "Distance [mi]" in table.columns
    # every run in the one pair: their total distance, in miles (1 mi = 1.609344 km)
    with Store(tmp_path / ATHLETE_DB) as store:
        km = store.activities()[c.DISTANCE_M].sum() / 1000.0
    assert table["Distance [mi]"].iloc[0] == pytest.approx(round(km / 1.609344, 1))
    assert table["From"].iloc[0] == "strava"
    at.number_input(key="shoe_edit_retire_0").set_value(300.0)
    at.checkbox(key="shoe_edit_retired_0").check()
    at.button(key="shoe_save").click().run()
    assert not at.exception, at.exception
    with Store(tmp_path / ATHLETE_DB) as store:
        shoes = store.shoes()
    assert shoes[c.NAME].tolist() == ["Ghost 15"] and shoes[c.GEAR_SOURCE].tolist() == ["strava"]
    assert shoes[c.RETIRE_KM].iloc[0] == pytest.approx(300 * 1.609344)  # stored in km
    assert bool(shoes[c.RETIRED].iloc[0])
