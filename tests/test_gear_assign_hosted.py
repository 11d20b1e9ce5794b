"""Putting runs in a pair on the hosted Gear page, on a real PostgreSQL: the athlete does it; a
coach or a viewer is refused on the server, with the widgets disabled and clicked anyway, and
with a page that forgot to disable them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest

from analysis import columns as c
from tests import test_hosted_pages as hp


@pytest.fixture
def hosted(pg_dsn: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> Iterator[hp.Hosted]:
    monkeypatch.setenv("STRIDELOG_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("STRIDELOG_DATABASE_URL", raising=False)
    h = hp.Hosted(pg_dsn)
    yield h
    h.db.close()


def _gears(store: Any) -> list[Any]:
    return [None if pd.isna(gear) else gear for gear in store.activities()[c.GEAR]]


def test_the_athlete_puts_runs_in_a_pair_on_the_hosted_page(hosted: hp.Hosted) -> None:
    hosted.fill("ann")
    store = hosted.db.athlete_store(hosted.athlete_id("ann"))
    store.add_shoe("Pegasus 40", None, None, False, "typed")
    gear = hp._run(hosted.app("ann"), "pages/gear.py")
    runs = gear.dataframe[1].value  # the period's runs, none in a pair yet
    assert set(runs["Pair"]) == {"—"}
    gear.button(key="gear_assign_span").click().run()
    assert not gear.exception, gear.exception
    # the period's runs went in the pair (each 119 × 30 m = 3.57 km); the earlier ones did not
    n = len(runs)
    assert f"Put {n} runs ({3.57 * n:.1f} km) in Pegasus 40." in hp._texts(gear)
    pairs = gear.dataframe[0].value.set_index("Pair")
    assert pairs.loc["Pegasus 40", "Runs"] == n
    assert pairs.loc["Pegasus 40", "Distance [km]"] == round(3.57 * n, 1)
    assert _gears(store).count("Pegasus 40") == n


@pytest.mark.parametrize(("role", "who"), [("coach", "cat"), ("view", "bob")])
def test_a_coach_or_viewer_puts_no_run_in_a_pair_even_forged(
    hosted: hp.Hosted, monkeypatch: pytest.MonkeyPatch, role: str, who: str
) -> None:
    hosted.fill("ann")
    ann_id = hosted.athlete_id("ann")
    token = hp._invite(hosted, role)
    hp._run(hosted.app(who, invite=token))
    store = hosted.db.athlete_store(ann_id)
    store.add_shoe("Pegasus 40", None, None, False, "typed")
    latest = store.activities().sort_values(c.START_TIME_UTC)[c.ACTIVITY_ID].iloc[-1]
    store.set_gear([latest], "Pegasus 40")
    rev, before = store.revision(), _gears(store)

    # the widgets are disabled; a hand-made client sends the clicks anyway
    gear = hp._run(hosted.app(who, athlete=ann_id), "pages/gear.py")
    for key in ("gear_assign_span", "gear_assign_picked"):
        assert gear.button(key=key).disabled
    assert gear.selectbox(key="gear_assign_pair").disabled
    assert gear.multiselect(key="gear_assign_runs").disabled
    hp._forge(gear.button(key="gear_assign_span")).click().run()
    hp._forge(gear.selectbox(key="gear_assign_pair")).set_value(-1)  # "no pair": clear it
    hp._forge(gear.multiselect(key="gear_assign_runs")).set_value([latest])
    hp._forge(gear.button(key="gear_assign_picked")).click().run()
    assert not gear.exception, gear.exception
    assert store.revision() == rev and _gears(store) == before

    # a page that forgot to disable them: the store refuses on the server, and says so
    from pages import _common

    monkeypatch.setattr(_common.Source, "can", lambda self, action: True)
    gear = hp._run(hosted.app(who, athlete=ann_id), "pages/gear.py")
    gear.button(key="gear_assign_span").click().run()
    assert not gear.exception, gear.exception
    assert f"({role}) may not change the shoes" in hp._texts(gear)
    gear.selectbox(key="gear_assign_pair").set_value(-1)
    gear.multiselect(key="gear_assign_runs").set_value([latest]).run()
    assert gear.multiselect(key="gear_assign_runs").value == [latest]
    gear.button(key="gear_assign_picked").click().run()
    assert f"({role}) may not change the shoes" in hp._texts(gear)
    assert store.revision() == rev and _gears(store) == before
