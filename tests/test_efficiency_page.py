"""The Efficiency & tests page under AppTest: with runs and without, test runs marked by name,
a chosen heart rate and pace, miles, running power with a critical power, and HRV readiness."""

from __future__ import annotations

import base64
import dataclasses
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analysis import columns as c
from analysis.config import ATHLETE_DB
from analysis.prepare import prepare_activity
from analysis.settings import AthleteSettings
from analysis.store import Store
from tests.conftest import REPO
from tests.factories import run_activity

PAGE = "pages/efficiency.py"
TODAY = pd.Timestamp.now(tz="UTC").normalize()
FIRST_RUN = TODAY - pd.Timedelta(days=30) + pd.Timedelta(hours=6)


def _app(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("STRIDELOG_DATA_DIR", str(data_dir))
    monkeypatch.setenv("STRIDELOG_NO_DEMO", "1")
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def _fill(
    data_dir: Path,
    settings: AthleteSettings | None = None,
    power_w: float | None = None,
    wellness: pd.DataFrame | None = None,
    dynamics: bool = False,
) -> None:
    """Ten runs every third day at 140 bpm, each 0.05 m/s faster, the last three days ago (inside
    the default 12 weeks); every other one is named "MAF test". With ``dynamics``, run i has a
    ground contact time of 260 − i ms, 80 mm of vertical oscillation, a vertical ratio of 7.5 %
    and a balance of 49.5 % left throughout."""
    with Store(data_dir / ATHLETE_DB) as store:
        for i in range(10):
            day = FIRST_RUN + pd.Timedelta(days=3 * i)
            act = run_activity(
                name=f"run{i}.fit", start=day.isoformat(), n=240, speed_mps=3.0 + 0.05 * i,
                hr_bpm=140.0, cadence_spm=170.0,
            )  # fmt: skip
            act = dataclasses.replace(act, name=f"MAF test {i}" if i % 2 == 0 else f"Easy {i}")
            if power_w is not None:
                act.samples[c.POWER_W] = power_w
            if dynamics:
                act.samples[c.GROUND_CONTACT_TIME_MS] = 260.0 - i
                act.samples[c.VERTICAL_OSCILLATION_MM] = 80.0
                act.samples[c.VERTICAL_RATIO_PCT] = 7.5
                act.samples[c.STANCE_TIME_BALANCE_PCT] = 49.5
            digest = f"{i:02d}".ljust(64, "0")
            store.add_file(digest, act.source_name, "fit", 1, [prepare_activity(act, digest, 0)])
        if settings is not None:
            store.save_settings(settings)
        if wellness is not None:
            store.upsert_wellness(wellness)


def _texts(at: AppTest) -> str:
    kinds = ("markdown", "caption", "info", "warning", "error", "success")
    return "\n".join(str(el.value) for kind in kinds for el in at.get(kind))


def _values(values: Any) -> list[float]:
    """A trace's numbers, decoded when plotly sent them as a typed array."""
    if isinstance(values, dict) and "bdata" in values:
        array = np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
        return [float(v) for v in array]
    return [float(v) for v in values or []]


def _figures(at: AppTest) -> dict[str, dict[str, Any]]:
    out = {}
    for el in at.get("plotly_chart"):
        spec = json.loads(el.proto.spec)
        out[spec["layout"]["title"]["text"]] = spec
    return out


def test_without_runs_the_page_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(tmp_path, monkeypatch)
    assert at.title[0].value == "Efficiency & tests"
    assert any("No activities yet" in el.value for el in at.info)
    assert not at.get("plotly_chart")


def test_with_runs_ef_rises_and_pace_at_the_fixed_hr_gets_faster(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(tmp_path)
    at = _app(tmp_path, monkeypatch)
    figures = _figures(at)
    ef = figures["Efficiency factor on easy runs (higher is fitter)"]
    # 140 bpm is easy (below 152 = 80 % of 190); EF = speed × 60 / 140 for speeds 3.00 … 3.45
    points = _values(ef["data"][0]["y"])
    assert points == pytest.approx([(3.0 + 0.05 * i) * 60 / 140 for i in range(10)])
    # the default heart rate is the easy runs' median (140 bpm): pace there is each run's pace
    pace = _values(figures["Pace at 140 bpm"]["data"][0]["y"])
    assert pace == pytest.approx([1000 / (3.0 + 0.05 * i) for i in range(10)])
    assert figures["Pace at 140 bpm"]["layout"]["yaxis"]["autorange"] == "reversed"
    # the median pace, (1000 / 3.2 + 1000 / 3.25) / 2 = 310.1 s/km, rounds to 5:10 -> only runs
    # within 300–320 s/km (3.15 … 3.30 m/s: 317.5, 312.5, 307.7, 303.0 s/km) have a cadence there
    cadence = figures["Cadence at 5:10 min/km"]["data"][0]
    assert _values(cadence["y"]) == pytest.approx([170.0] * 4)
    step = figures["Running power and step length per run"]["data"]
    # step length = speed × 60 / 170: run 0 at 3.0 m/s -> 1.0588 m
    assert _values(step[0]["y"])[0] == pytest.approx(3.0 * 60 / 170)
    assert "Set your critical power" not in _texts(at)
    assert "no running power" in _texts(at)
    # no run carries running dynamics: no chart of them, and no empty one either
    assert "Running dynamics per run" not in figures
    assert "Ground contact time" not in _texts(at)


def test_running_dynamics_per_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fill(tmp_path, dynamics=True)
    at = _app(tmp_path, monkeypatch)
    figure = _figures(at)["Running dynamics per run"]
    by_name = {trace["name"]: _values(trace["y"]) for trace in figure["data"]}
    # constant values within a run are the run's means: 260 − i ms, 80 mm = 8.0 cm, 7.5 %, 49.5 %
    assert by_name["Ground contact [ms]"] == pytest.approx([260.0 - i for i in range(10)])
    assert by_name["Vertical oscillation [cm]"] == pytest.approx([8.0] * 10)
    assert by_name["Vertical ratio [%]"] == pytest.approx([7.5] * 10)
    assert by_name["Balance [% left]"] == pytest.approx([49.5] * 10)
    assert "50 % is even" in _texts(at)
    with Store(tmp_path / ATHLETE_DB) as store:
        store.save_settings(AthleteSettings(units="mi"))
    at = _app(tmp_path, monkeypatch)
    figure = _figures(at)["Running dynamics per run"]
    by_name = {trace["name"]: _values(trace["y"]) for trace in figure["data"]}
    assert by_name["Vertical oscillation [in]"] == pytest.approx([80.0 / 25.4] * 10)


def test_test_runs_are_compared_by_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fill(tmp_path)
    at = _app(tmp_path, monkeypatch)
    at.text_input(key="eff_tests").set_value("maf test").run()
    assert not at.exception, at.exception
    tables = [el.value for el in at.dataframe if "EF change [%]" in el.value.columns]
    assert len(tables) == 1
    table = tables[0]
    # runs 0, 2, 4, 6, 8: each 0.1 m/s faster than the test before, at the same 140 bpm
    assert list(table["Test"]) == ["maf test"] * 5
    assert list(table["HR change [bpm]"]) == ["—", "+0", "+0", "+0", "+0"]
    # EF change of the second test: 3.1 / 3.0 − 1 = +3.3 %; the fifth against the first:
    # 3.4 / 3.0 − 1 = +13.3 %
    assert table["EF change [%]"].iloc[1] == "+3.3"
    assert table["EF since the first [%]"].iloc[4] == "+13.3"
    # pace 1000/3.1 − 1000/3.0 = −10.75 s/km -> "-11"
    assert table["Pace change [s]"].iloc[1] == "-11"
    # the owner may keep the names for the next visit
    at.button(key="eff_tests_save").click().run()
    assert not at.exception, at.exception
    with Store(tmp_path / ATHLETE_DB) as store:
        assert store.get_meta("test_run_names") == "maf test"


def test_a_chosen_heart_rate_and_pace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fill(tmp_path)
    at = _app(tmp_path, monkeypatch)
    at.number_input(key="eff_hr").set_value(150.0).run()
    assert "Pace at 150 bpm" in _figures(at)
    # nobody ran at 150 bpm: the chart says so instead of drawing nothing
    assert not _figures(at)["Pace at 150 bpm"]["data"]
    at.text_input(key="eff_pace").set_value("5:33").run()  # 333 s/km = 3.0 m/s: run 0 only
    figure = _figures(at)["Cadence at 5:33 min/km"]
    assert (
        len(_values(figure["data"][0]["y"])) == 2
    )  # 5:33 ± 10 s: 3.0 and 3.05 m/s (333, 328 s/km)
    at.text_input(key="eff_pace").set_value("5.33").run()
    assert any("minutes:seconds" in el.value for el in at.error)


def test_miles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fill(tmp_path, AthleteSettings(units="mi"))
    at = _app(tmp_path, monkeypatch)
    figures = _figures(at)
    pace = figures["Pace at 140 bpm"]
    assert "min/mi" in pace["layout"]["yaxis"]["title"]["text"]
    assert _values(pace["data"][0]["y"])[0] == pytest.approx(1000 / 3.0 * 1.609344)
    step = figures["Running power and step length per run"]
    assert "[ft]" in step["layout"]["yaxis"]["title"]["text"]
    assert _values(step["data"][0]["y"])[0] == pytest.approx(3.0 * 60 / 170 / 0.3048)


def test_power_zones_with_a_critical_power(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fill(tmp_path, power_w=240.0)
    at = _app(tmp_path, monkeypatch)
    assert "Set your critical power in Settings" in _texts(at)
    with Store(tmp_path / ATHLETE_DB) as store:
        store.save_settings(AthleteSettings(critical_power_w=250.0))
    at = _app(tmp_path, monkeypatch)
    zones = _figures(at)["Time in power zones (critical power 250 W)"]
    # 240 W is 96 % of 250 W: Z3 threshold (225–250 W) for all of the time
    assert _values(zones["data"][0]["y"]) == pytest.approx([0.0, 0.0, 100.0, 0.0, 0.0])
    power = _figures(at)["Running power and step length per run"]["data"][1]
    assert _values(power["y"]) == pytest.approx([240.0] * 10)


def test_hrv_readiness(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # below the band 4.2 ± 0.104 (tests/test_metrics_efficiency.py works it by hand)
    # 14 mornings alternating ln rMSSD 4.0 / 4.4, then today at ln 4.05:
    days = pd.date_range(end=TODAY.tz_localize(None), periods=15, freq="D")
    ln = [4.0 if i % 2 == 0 else 4.4 for i in range(14)] + [4.05]
    log = pd.DataFrame({c.DATE: days, c.HRV_RMSSD_MS: np.exp(ln)})
    _fill(tmp_path, wellness=log)
    at = _app(tmp_path, monkeypatch)
    metrics = {el.label: el.value for el in at.metric}
    assert metrics["This morning's rMSSD"] == f"{math.exp(4.05):.0f} ms"
    assert "This morning is **below** the band. The 7-day mean is **inside** it." in _texts(at)
    # the Recovery page says the same of this morning under its trend chart
    at.switch_page("pages/recovery.py").run()
    assert not at.exception, at.exception
    low, high = math.exp(4.2 - 0.5 * 0.207550), math.exp(4.2 + 0.5 * 0.207550)
    assert (
        f"HRV today: {math.exp(4.05):.0f} ms, **below** the usual band of {low:.0f}–{high:.0f} ms"
        in _texts(at)
    )


# ---- each run's figures computed once per store revision ---------------------------------------


def _counting_runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many runs each call of the efficiency table computes (the empty calls left out)."""
    from analysis.metrics import efficiency as metric

    counted: list[int] = []
    real = metric.efficiency_table

    def counting(runs: pd.DataFrame, *args: Any, **kwargs: Any) -> pd.DataFrame:
        if len(runs):
            counted.append(len(runs))
        return real(runs, *args, **kwargs)

    monkeypatch.setattr(metric, "efficiency_table", counting)
    return counted


def test_a_memo_gives_the_same_figures_and_reads_each_run_once(tmp_path: Path) -> None:
    from analysis.views import efficiency as view

    _fill(tmp_path, AthleteSettings(critical_power_w=250.0), power_w=240.0)
    with Store(tmp_path / ATHLETE_DB) as store:
        s = store.load_settings()
        today = TODAY.date()
        short = today - pd.Timedelta(days=10)  # the last runs only
        memo: view.RunMemo = {}
        read: list[list[str]] = []
        real = store.samples_of

        def counted(ids: list[str], *args: Any) -> Any:
            read.append(list(ids))
            return real(ids, *args)

        store.samples_of = counted  # type: ignore[method-assign,assignment]
        steps = ((short, 140.0, 330.0), (None, 140.0, 330.0), (None, 150.0, 320.0))
        for first, hr, pace in steps:
            kwargs = {"heart_rate_bpm": hr, "pace_s_per_km": pace, "test_names": ["MAF test"]}
            plain = view.efficiency_data(store, s, first, today, **kwargs)  # type: ignore[arg-type]
            read.clear()
            kept = view.efficiency_data(store, s, first, today, memo=memo, **kwargs)  # type: ignore[arg-type]
            for name, value in plain.items():
                if isinstance(value, pd.DataFrame):
                    pd.testing.assert_frame_equal(kept[name], value, check_exact=False)
                else:
                    assert kept[name] == value or value != value, name
            if first is short:
                assert sum(map(len, read)) == 3  # runs 7, 8, 9 (days 21, 24 and 27 of 30)
            elif hr == 140.0:
                assert sum(map(len, read)) == 7  # the whole history: only the seven not yet read
            else:
                # another heart rate and pace: their figures are new, the rest is kept
                assert sum(map(len, read)) == 10
        assert not plain["power_zones"].empty
        read.clear()
        view.efficiency_data(store, s, None, today, memo=memo, heart_rate_bpm=150.0,
                             pace_s_per_km=320.0)  # fmt: skip
        assert read == [], "everything was in the memo"


def test_the_page_reuses_each_runs_figures_until_the_store_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(tmp_path)
    counted = _counting_runs(monkeypatch)
    at = _app(tmp_path, monkeypatch)
    assert counted == [10]
    at.number_input(key="eff_hr").set_value(150.0).run()  # new page data, the same runs
    assert not at.exception, at.exception
    assert counted == [10], "each run's efficiency factor was kept"
    with Store(tmp_path / ATHLETE_DB) as store:  # a new run: the store's revision rises
        act = run_activity(name="new.fit", start=(TODAY - pd.Timedelta(days=1)).isoformat(),
                           n=240, speed_mps=3.5, hr_bpm=140.0, cadence_spm=170.0)  # fmt: skip
        store.add_file("ff".ljust(64, "0"), act.source_name, "fit", 1,
                       [prepare_activity(act, "ff".ljust(64, "0"), 0)])  # fmt: skip
    at.run()
    assert not at.exception, at.exception
    # a fresh memo for the new revision: every run once more, not the new one alone
    assert counted == [10, 11]
    assert "in the period: 11 of 11" in _texts(at)


def test_a_memo_past_its_limit_is_emptied_and_the_figures_stay_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from analysis.views import efficiency as view

    _fill(tmp_path)
    # ten runs, three kinds of figure each without a critical power: 30 entries, limit 15
    monkeypatch.setattr(view, "MEMO_MAX_ENTRIES", 15)
    with Store(tmp_path / ATHLETE_DB) as store:
        s, today = store.load_settings(), TODAY.date()
        plain = view.efficiency_data(store, s, None, today)
        memo: view.RunMemo = {("stale", "x"): 1}
        kept = view.efficiency_data(store, s, None, today, memo=memo)
    assert ("stale", "x") not in memo, "emptied before more went in"
    assert len(memo) <= 15
    pd.testing.assert_frame_equal(kept["table"], plain["table"])
    pd.testing.assert_frame_equal(kept["fixed"], plain["fixed"])


def test_a_long_period_is_read_chunk_by_chunk_with_the_same_figures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from analysis.views import efficiency as view

    _fill(tmp_path, AthleteSettings(critical_power_w=250.0), power_w=240.0)
    with Store(tmp_path / ATHLETE_DB) as store:
        s = store.load_settings()
        kwargs = {"heart_rate_bpm": 140.0, "pace_s_per_km": 330.0, "test_names": ["MAF test"]}
        whole = view.efficiency_data(store, s, None, TODAY.date(), **kwargs)  # type: ignore[arg-type]
        read: list[list[str]] = []
        real = store.samples_of

        def counted(ids: list[str], *args: Any) -> Any:
            read.append(list(ids))
            return real(ids, *args)

        store.samples_of = counted  # type: ignore[method-assign,assignment]
        monkeypatch.setattr(view, "READ_CHUNK_RUNS", 3)
        chunked = view.efficiency_data(store, s, None, TODAY.date(), **kwargs)  # type: ignore[arg-type]
    # ten runs, three at a time: no read holds more than three runs' samples
    assert read and max(map(len, read)) == 3
    for name, value in whole.items():
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(chunked[name], value, check_exact=False)
        else:
            assert chunked[name] == value or value != value, name


def test_the_figures_are_the_same_from_a_store_read_by_key_and_one_read_by_id(
    tmp_path: Path,
) -> None:
    """The DuckDB store finds a run's samples by its key (schema 8); an older store opened
    read-only is read by activity id. The page's data is the same, exactly, either way."""
    import duckdb

    from analysis.views import efficiency as view

    keyed_dir, by_id_dir = tmp_path / "keyed", tmp_path / "by_id"
    keyed_dir.mkdir()
    _fill(keyed_dir, AthleteSettings(critical_power_w=250.0), power_w=240.0, dynamics=True)
    by_id_dir.mkdir()
    (by_id_dir / ATHLETE_DB).write_bytes((keyed_dir / ATHLETE_DB).read_bytes())
    with duckdb.connect(str(by_id_dir / ATHLETE_DB)) as con:  # as a schema-7 store
        con.execute("DROP TABLE activity_keys")
        con.execute("ALTER TABLE samples DROP COLUMN activity_key")
        con.execute("UPDATE meta SET value = '7' WHERE key = 'schema_version'")
    kwargs: dict[str, Any] = {"test_names": ["MAF test"]}
    got = {}
    for name, folder in (("keyed", keyed_dir), ("by_id", by_id_dir)):
        with Store(folder / ATHLETE_DB, read_only=True) as store:
            assert store._keyed is (name == "keyed")
            s = store.load_settings()
            got[name] = [
                view.efficiency_data(store, s, first, TODAY.date(), **kwargs)
                for first in (None, (TODAY - pd.Timedelta(days=10)).date())
            ]
    for keyed, by_id, runs in zip(got["keyed"], got["by_id"], (10, 3), strict=True):
        assert keyed["measured"] == runs  # the last three runs in the last ten days
        assert keyed["has_dynamics"] and not keyed["power_zones"].empty
        for name, value in by_id.items():
            if isinstance(value, pd.DataFrame):
                pd.testing.assert_frame_equal(keyed[name], value, check_exact=True)
            else:
                assert keyed[name] == value or value != value, name
