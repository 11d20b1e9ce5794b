"""Putting runs in a pair from the app: the store on both engines, the access layer, the Gear
page doing it in kilometres and in miles, and the Pain page's "new shoes" trigger reading it.

Every run here is a steady 3 m/s with a sample every 10 s, so a run of ``n`` samples is
``(n - 1) × 30`` m long: the distances below are whole kilometres, added up by hand.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from analysis import columns as c
from analysis.access import Access, GuardedStore, Person, Role, local_access
from analysis.config import ATHLETE_DB
from analysis.errors import AccessDenied
from analysis.metrics import pain
from analysis.prepare import prepare_activity
from analysis.settings import AthleteSettings
from analysis.store import AthleteStore, Store
from analysis.units import KM_PER_MILE, km_from
from analysis.views.gear import gear_data, runs_between
from analysis.views.pain import pain_data
from tests import test_store
from tests.factories import run_activity
from tests.test_pages import _app
from tests.test_store import OpenStore

KMS = [6.0, 9.0, 3.0, 12.0, 6.0, 9.0]
"""One run a day from 1 September 2026, of these distances [km]."""


open_store = test_store.open_store  # the store contract's fixture: DuckDB and PostgreSQL


def _add_runs(store: Any, kms: list[float], first: str = "2026-09-01", tag: str = "r") -> list[str]:
    """One run a day from ``first``, each ``km`` long; their ids, oldest first."""
    ids = []
    for i, km in enumerate(kms):
        start = pd.Timestamp(first, tz="UTC") + pd.Timedelta(days=i, hours=6)
        act = run_activity(
            name=f"{tag}{i}.fit", start=start.isoformat(), n=round(km * 1000 / 30) + 1
        )
        digest = f"{tag}{i:03d}".ljust(64, "0")
        rec = prepare_activity(act, digest, 0)
        store.add_file(digest, act.source_name, "fit", 1, [rec])
        ids.append(rec.activity_id)
    return ids


def _gear(store: AthleteStore) -> dict[str, str | None]:
    acts = store.activities()
    return {
        str(aid): None if pd.isna(gear) else str(gear)
        for aid, gear in zip(acts[c.ACTIVITY_ID], acts[c.GEAR], strict=True)
    }


# ---- the store, on both engines -----------------------------------------------------------------


def test_runs_are_put_in_a_pair_and_taken_out_in_one_transaction(open_store: OpenStore) -> None:
    with open_store() as store:
        ids = _add_runs(store, KMS[:3])
        assert store.activities()[c.DISTANCE_M].sort_values().tolist() == [3000, 6000, 9000]
        rev = store.revision()
        # two runs (one named twice) and an id that is not stored: one write, two runs found
        assert store.set_gear([ids[0], ids[2], ids[0], "not-stored"], "  Pegasus 40 ") == 2
        assert store.revision() == rev + 1
    with open_store() as store:  # after a restart
        assert _gear(store) == {ids[0]: "Pegasus 40", ids[1]: None, ids[2]: "Pegasus 40"}
        assert store.set_gear([ids[2]], None) == 1
        assert store.set_gear([ids[0]], "   ") == 1  # blank is no pair too
        assert _gear(store) == dict.fromkeys(ids)
        store.set_gear(ids, "Clifton 9")
        rev = store.revision()
        assert store.set_gear([], "Clifton 9") == 0  # nothing to write: no write at all
        with pytest.raises(ValueError, match="200 characters"):
            store.set_gear(ids, "x" * 201)
        with pytest.raises(TypeError, match="sequence"):
            store.set_gear(ids[0], "Clifton 9")
        assert store.revision() == rev
        assert _gear(store) == dict.fromkeys(ids, "Clifton 9")


def test_an_export_imported_again_sets_the_pair_it_names_and_leaves_the_others(
    open_store: OpenStore,
) -> None:
    with open_store() as store:
        ids = _add_runs(store, KMS[:3])
        store.set_gear(ids, "Clifton 9")
        # the export names a pair for the first run, none for the second, and skips the third
        store.apply_export_metadata(
            [
                (ids[0], None, None, "Pegasus 40", None, None),
                (ids[1], "Easy run", None, None, None, None),
            ]
        )
        assert _gear(store) == {ids[0]: "Pegasus 40", ids[1]: "Clifton 9", ids[2]: "Clifton 9"}


def test_postgres_refuses_a_coach_and_a_viewer_and_keeps_athletes_apart(pg_dsn: str) -> None:
    from analysis.store.postgres_store import PostgresDatabase

    database = PostgresDatabase(pg_dsn, min_size=1, max_size=2)
    try:
        ann = database.athlete_store("ann")
        ids = _add_runs(ann, KMS[:2])
        ann.set_gear(ids, "Pegasus 40")
        rev = ann.revision()
        for role in ("coach", "view"):  # the engine itself refuses, under the access layer
            with pytest.raises(AccessDenied, match="may not change the shoes"):
                database.athlete_store("ann", role).set_gear(ids, "Forged")
        # another athlete naming Ann's runs finds none of them
        assert database.athlete_store("bob").set_gear(ids, "Bob's pair") == 0
        assert ann.revision() == rev
        assert _gear(ann) == dict.fromkeys(ids, "Pegasus 40")
    finally:
        database.close()


# ---- the access layer ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.COACH, Role.VIEW])
def test_a_guarded_store_refuses_a_coach_or_viewer_putting_runs_in_a_pair(
    tmp_path: Path, role: Role
) -> None:
    raw = Store(tmp_path / "a.duckdb")
    ids = _add_runs(raw, KMS[:2])
    raw.set_gear(ids[:1], "Pegasus 40")
    rev = raw.revision()
    guarded = GuardedStore(raw, Access("a", "Athlete A", role, Person("p", "Coach C")))
    for gear in ("Forged", None):
        with pytest.raises(AccessDenied, match="may not change the shoes"):
            guarded.set_gear(ids, gear)
    assert raw.revision() == rev
    assert _gear(raw) == {ids[0]: "Pegasus 40", ids[1]: None}
    assert GuardedStore(raw, local_access()).set_gear(ids[1:], "Pegasus 40") == 1
    assert _gear(raw) == dict.fromkeys(ids, "Pegasus 40")


# ---- what the pages read ------------------------------------------------------------------------


def test_distance_per_pair_counts_the_runs_put_in_it_worked_by_hand(tmp_path: Path) -> None:
    with Store(tmp_path / "a.duckdb") as store:
        r = _add_runs(store, KMS[:4])  # 6, 9, 3, 12 km on 1-4 September
        store.apply_export_metadata([(r[0], None, None, "Pegasus 40", None, None)])
        store.add_shoe("Clifton 9", None, None, False, "typed")
        store.set_gear(r[1:3], "Clifton 9")
        store.set_gear([r[3]], "PEGASUS 40")  # case ignored: the same pair
        data = gear_data(store, dt.date(2026, 9, 30))
    table = data["table"].set_index(c.NAME)
    # Pegasus: 6 + 12 = 18 km in 2 runs from 1 Sep; Clifton: 9 + 3 = 12 km in 2 runs from 2 Sep
    assert table.loc["Pegasus 40", c.DISTANCE_KM] == pytest.approx(18.0)
    assert table.loc["Clifton 9", c.DISTANCE_KM] == pytest.approx(12.0)
    assert table[c.RUNS].to_dict() == {"Pegasus 40": 2, "Clifton 9": 2}
    assert table.loc["Clifton 9", c.FIRST_USED] == pd.Timestamp("2026-09-02")
    # Clifton is the new pair: 2-8 Sep holds 9 + 3 km in it of 9 + 3 + 12 = 24 km, 50 % > 30 %
    shares = data["shares"]
    assert shares[c.NAME].tolist() == ["Clifton 9"] * 3
    assert shares[c.NEW_PAIR_SHARE_PCT].iloc[0] == pytest.approx(50.0)
    assert data["over"] == ["Clifton 9"]
    runs = data["runs"]  # latest first, each with its pair as the table names it
    assert runs[c.ACTIVITY_ID].tolist() == r[::-1]
    assert runs[c.GEAR].tolist() == ["Pegasus 40", "Clifton 9", "Clifton 9", "Pegasus 40"]
    assert runs[c.DISTANCE_KM].tolist() == pytest.approx([12.0, 3.0, 9.0, 6.0])
    # the days of a span are both included; only runs in no pair yet, when asked
    span = runs_between(runs, dt.date(2026, 9, 2), dt.date(2026, 9, 3), only_without_pair=False)
    assert span[c.ACTIVITY_ID].tolist() == [r[2], r[1]]
    span = runs_between(runs, dt.date(2026, 9, 1), dt.date(2026, 9, 4), only_without_pair=True)
    assert span.empty


def test_km_from_is_the_inverse_of_the_display_unit() -> None:
    assert km_from("km", 700.0) == 700.0
    assert km_from("mi", 300.0) == pytest.approx(300 * 1.609344)


def test_the_new_shoes_trigger_sees_a_pair_put_on_runs_in_the_app(tmp_path: Path) -> None:
    with Store(tmp_path / "a.duckdb") as store:
        early, late = _add_runs(store, [6.0], first="2026-03-02") + _add_runs(
            store, [9.0], first="2026-03-10", tag="s"
        )
        store.add_pain("2026-03-20", "Achilles", "left", 4, "after running")
        store.add_shoe("Carbon racer", None, None, False, "typed")  # no first day typed
        store.add_shoe("Old trainer", "2026-01-01", None, False, "typed")
        store.set_gear([early], "Old trainer")  # its typed first day stays: long before
        before = pain_data(store, AthleteSettings(), dt.date(2026, 3, 25))["triggers"]
        store.set_gear([late], "Carbon racer")  # first run in it: 10 Mar, in the 28 days
        after = pain_data(store, AthleteSettings(), dt.date(2026, 3, 25))["triggers"]
    assert before[pain.NEW_GEAR].tolist() == [""]  # no pair first worn in the 28 days
    assert after[pain.NEW_GEAR].tolist() == ["Carbon racer from 10 Mar"]


# ---- the Gear page --------------------------------------------------------------------------------


def _table(at: Any) -> pd.DataFrame:
    return at.dataframe[0].value.set_index("Pair")


def _shown(km: float, unit: str, digits: int = 1) -> float:
    """What the page shows for ``km`` [km]: in miles (1 mi = 1.609344 km) or kilometres."""
    return round(km / KM_PER_MILE if unit == "mi" else km, digits)


@pytest.mark.parametrize("unit", ["km", "mi"])
def test_the_gear_page_puts_runs_in_a_pair_and_shows_the_new_distance(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, unit: str
) -> None:
    with Store(tmp_path / ATHLETE_DB) as store:
        r = _add_runs(store, KMS)  # 6, 9, 3, 12, 6, 9 km on 1-6 September
        store.add_shoe("Clifton 9", None, None, False, "typed")
        store.save_settings(AthleteSettings(units=unit))
    at = _app(tmp_path, monkeypatch)
    at.switch_page("pages/gear.py").run()
    assert not at.exception, at.exception
    distance = f"Distance [{unit}]"
    assert _table(at).loc["Clifton 9", distance] == 0.0
    assert at.dataframe[1].value["Pair"].tolist() == ["—"] * 6

    # every run from 2 to 4 September: 9 + 3 + 12 = 24 km
    at.date_input(key="gear_assign_from").set_value(dt.date(2026, 9, 2))
    at.date_input(key="gear_assign_to").set_value(dt.date(2026, 9, 4)).run()
    assert f"3 runs ({_shown(24.0, unit):.1f} {unit})" in " ".join(c.value for c in at.caption)
    at.button(key="gear_assign_span").click().run()
    assert not at.exception, at.exception
    assert f"Put 3 runs ({_shown(24.0, unit):.1f} {unit}) in Clifton 9." in at.success[0].value
    table = _table(at)
    assert table.loc["Clifton 9", distance] == _shown(24.0, unit)
    assert table.loc["Clifton 9", "Runs"] == 3
    assert table.loc["Clifton 9", "First used"] == dt.date(2026, 9, 2)
    runs = at.dataframe[1].value  # latest first
    assert runs["Pair"].tolist() == ["—", "—", "Clifton 9", "Clifton 9", "Clifton 9", "—"]
    assert runs[distance].tolist() == [_shown(km, unit, 2) for km in KMS[::-1]]

    # a run picked from the list (6 km on 1 September) joins them: 30 km
    picked = at.multiselect(key="gear_assign_runs")
    assert "no pair" in picked.format_func(r[0])
    picked.set_value([r[0]]).run()
    at.button(key="gear_assign_picked").click().run()
    assert not at.exception, at.exception
    assert _table(at).loc["Clifton 9", distance] == _shown(30.0, unit)
    assert at.multiselect(key="gear_assign_runs").value == []  # the choice starts afresh

    # taken out of its pair again (3 km on 3 September): 27 km
    at.selectbox(key="gear_assign_pair").set_value(-1)
    at.multiselect(key="gear_assign_runs").set_value([r[2]]).run()
    at.button(key="gear_assign_picked").click().run()
    assert not at.exception, at.exception
    assert "Took 1 run" in at.success[0].value
    assert _table(at).loc["Clifton 9", distance] == _shown(27.0, unit)

    # the whole week, only runs in no pair yet: 3 + 6 + 9 km more, 45 km in 6 runs
    at.selectbox(key="gear_assign_pair").set_value(0)
    at.date_input(key="gear_assign_from").set_value(dt.date(2026, 9, 1))
    at.date_input(key="gear_assign_to").set_value(dt.date(2026, 9, 6)).run()
    assert at.checkbox(key="gear_assign_unpaired").value
    at.button(key="gear_assign_span").click().run()
    assert not at.exception, at.exception
    table = _table(at)
    assert table.loc["Clifton 9", distance] == _shown(45.0, unit)
    assert table.loc["Clifton 9", "Runs"] == 6
    with Store(tmp_path / ATHLETE_DB) as store:
        assert _gear(store) == dict.fromkeys(r, "Clifton 9")
