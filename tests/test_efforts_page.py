"""The best-efforts page under AppTest: with runs, without, in miles, the backfill of a store filled
before efforts were stored, and a hosted coach reading an athlete's page."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analysis import columns as c
from analysis.config import ATHLETE_DB
from analysis.prepare import prepare_activity
from analysis.settings import AthleteSettings
from analysis.store import Store
from analysis.store.contract import EFFORTS_MEASURED
from tests.conftest import REPO
from tests.factories import run_activity

PAGE = "pages/efforts.py"


def _app(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("STRIDELOG_DATA_DIR", str(data_dir))
    monkeypatch.setenv("STRIDELOG_NO_DEMO", "1")
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def _runs(prefix: str = "", count: int = 12) -> list[Any]:
    """Runs every third day, 6 to 9.5 km, each a little faster than the last."""
    records = []
    for i in range(count):
        day = pd.Timestamp("2026-09-01T06:00:00Z") + pd.Timedelta(days=3 * i)
        act = run_activity(
            name=f"{prefix}run{i}.fit", start=day.isoformat(), n=200 + 10 * i,
            speed_mps=3.0 + 0.05 * i,
        )  # fmt: skip
        digest = f"{prefix}{i:02d}".ljust(64, "0")
        records.append((digest, prepare_activity(act, digest, 0)))
    return records


def _fill(data_dir: Path, settings: AthleteSettings | None = None) -> None:
    with Store(data_dir / ATHLETE_DB) as store:
        for digest, rec in _runs():
            store.add_file(digest, rec.summary[c.SOURCE_NAME], "fit", 1, [rec])
        if settings is not None:
            store.save_settings(settings)


def _texts(at: AppTest) -> str:
    kinds = ("markdown", "caption", "info", "warning", "error", "success")
    return "\n".join(str(el.value) for kind in kinds for el in at.get(kind))


def _figures(at: AppTest) -> list[dict[str, Any]]:
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def test_the_page_shows_the_tables_and_both_charts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(tmp_path)
    at = _app(tmp_path, monkeypatch)
    assert at.title[0].value == "Best efforts"
    figures = _figures(at)
    assert [f["layout"]["title"]["text"] for f in figures] == [
        "Records over time",
        "Pace–duration curve",
    ]
    best = at.dataframe[0].value
    # the last run is the fastest (3.55 m/s, 10.3 km): it holds every record up to 10 km
    assert best["Distance"].tolist() == ["400 m", "1 km", "1 mile", "5 km", "10 km"]
    assert best.set_index("Distance").loc["1 km", "Time"] == "4:42"  # 1000 / 3.55 = 281.7 s
    assert best.set_index("Distance").loc["10 km", "Time"] == "46:57"  # 2 816.9 s
    assert best["Pace"].str.endswith("min/km").all()
    estimates = at.dataframe[1].value
    assert estimates["Race"].tolist() == ["5 km", "10 km", "Half marathon", "Marathon"]
    assert "Riegel, P. S. (1981)" in _texts(at)
    # from the 10 km best: 2 816.9 s × (42 195 / 10 000)^1.06 = 12 958 s, inside 3.5–230 min
    marathon = estimates.set_index("Race").loc["Marathon"]
    assert marathon["Estimate"] == "3:35:58"
    assert marathon["From"] == "10 km in 46:57 on 04 Oct 2026"
    assert marathon["Within Riegel's range"] == "yes" and not at.warning
    # every record of the 12 runs: the first run sets 5, each faster one breaks them
    records = figures[0]["data"]
    assert [trace["name"] for trace in records] == [
        "400 m", "1 km", "1 mile", "5 km", "10 km",
    ]  # fmt: skip
    assert len(records[1]["x"]) == 12


def test_a_period_cuts_the_table_and_the_curve_records_run_to_its_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(tmp_path)
    monkeypatch.setenv("STRIDELOG_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("STRIDELOG_NO_DEMO", "1")
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    # the first three runs: 1, 4 and 7 September, at 3.00, 3.05 and 3.10 m/s
    at.query_params.update({"period": "custom", "from": "2026-08-01", "to": "2026-09-07"})
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    best = at.dataframe[0].value.set_index("Distance")
    assert best.loc["1 km", "Time"] == "5:23"  # 1000 / 3.10 = 322.6 s
    assert str(best.loc["1 km", "Date"]) == "2026-09-07"
    assert "3 of the period's 3 runs" in _texts(at)
    records, curve = _figures(at)
    assert len(records["data"][1]["x"]) == 3  # no record after the period's end
    # durations up to the longest of the three runs (2 190 s): 10 s … 30 min, 15 points
    assert len(curve["data"][0]["customdata"]) == 15

    # two days between runs: said so, nothing drawn
    at.query_params.update({"period": "custom", "from": "2026-09-02", "to": "2026-09-03"})
    at.run()
    assert not at.exception, at.exception
    assert not at.get("plotly_chart")
    assert any("No runs with a distance stream" in el.value for el in at.info)


def test_estimates_beyond_riegels_range_are_flagged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store(tmp_path / ATHLETE_DB) as store:
        act = run_activity(n=81, speed_mps=2.5)  # 2 000 m in 800 s: 1 mile in 643.7 s
        store.add_file("1" * 64, "short.fit", "fit", 1, [prepare_activity(act, "1" * 64, 0)])
    at = _app(tmp_path, monkeypatch)
    estimates = at.dataframe[1].value.set_index("Race")
    # 643.7 s × (42 195 / 1 609.344)^1.06 = 20 532 s: 342 min, past the 230 min Riegel fitted
    assert estimates.loc["Marathon", "Estimate"] == "5:42:12"
    assert estimates.loc["Marathon", "Within Riegel's range"] == "no"
    assert estimates.loc["Marathon", "Note"] == "the estimate is over 230 min"
    assert estimates.loc["5 km", "Within Riegel's range"] == "yes"
    assert any("outside the 3.5–230 min" in w.value for w in at.warning)


def test_an_empty_store_says_what_fills_the_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(tmp_path, monkeypatch)
    assert not at.get("plotly_chart") and not at.get("dataframe")
    infos = " ".join(el.value for el in at.info)
    assert "No best efforts yet" in infos and "Runs with a distance stream fill this page" in infos


def test_miles_show_paces_per_mile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fill(tmp_path, AthleteSettings(units="mi"))
    at = _app(tmp_path, monkeypatch)
    best = at.dataframe[0].value
    assert best["Pace"].str.endswith("min/mi").all()
    assert best.set_index("Distance").loc["1 km", "Pace"] == "7:33 min/mi"  # 281.7 × 1.609 s
    assert at.dataframe[1].value["Pace"].str.endswith("min/mi").all()
    spec = json.dumps(_figures(at))
    assert "min/mi" in spec and "min/km" not in spec


def test_a_store_filled_before_is_backfilled_once_with_progress(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(tmp_path)
    with Store(tmp_path / ATHLETE_DB) as store:
        want = store.best_efforts()
        cur = store.cursor()
        for table in ("best_efforts", "effort_curves"):
            cur.execute(f"DELETE FROM {table}")
        cur.execute("DELETE FROM meta WHERE key = ?", [EFFORTS_MEASURED])
    at = _app(tmp_path, monkeypatch)
    assert len(at.get("plotly_chart")) == 2
    assert at.dataframe[0].value["Distance"].tolist()[-1] == "10 km"
    with Store(tmp_path / ATHLETE_DB) as store:
        pd.testing.assert_frame_equal(store.best_efforts(), want)
        assert store.get_meta(EFFORTS_MEASURED) == "1"


# ---- a hosted coach ----------------------------------------------------------------------------


@pytest.fixture
def hosted(pg_dsn: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Any]:
    from tests.test_hosted_pages import Hosted

    monkeypatch.setenv("STRIDELOG_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("STRIDELOG_DATABASE_URL", raising=False)
    h = Hosted(pg_dsn)
    yield h
    h.db.close()


def test_a_hosted_coach_reads_the_page_and_writes_nothing(hosted: Any) -> None:
    from analysis.access import Role

    ann_id = hosted.athlete_id("ann")
    store = hosted.db.athlete_store(ann_id)
    for digest, rec in _runs("ann"):
        store.add_file(digest, rec.summary[c.SOURCE_NAME], "fit", 1, [rec])
    want = store.best_efforts()
    owner = hosted.accounts.access(hosted.person("ann"), ann_id)
    hosted.accounts.accept(hosted.person("cat"), hosted.accounts.invite(owner, Role.COACH))
    # as if Ann's runs were imported before efforts were stored
    with hosted.db._session(ann_id, "owner") as cur:
        for table in ("best_efforts", "effort_curves", "meta"):
            cur.execute(f"DELETE FROM {table} WHERE athlete_id = %s", [ann_id])
    revision = store.revision()

    cat = hosted.app("cat", athlete=ann_id)
    cat.run()
    cat.switch_page(PAGE).run()
    assert not cat.exception, cat.exception
    assert len(cat.get("plotly_chart")) == 2
    best = cat.dataframe[0].value
    assert best.set_index("Distance").loc["10 km", "Time"] == "46:57"
    assert "12 runs imported before best efforts were stored" in _texts(cat)
    # the coach's view measured them from the samples; nothing was written for Ann
    assert store.revision() == revision and store.best_efforts().empty

    ann = hosted.app("ann")
    ann.run()
    ann.switch_page(PAGE).run()
    assert not ann.exception, ann.exception
    pd.testing.assert_frame_equal(store.best_efforts(), want)
    assert "imported before best efforts" not in _texts(ann)
