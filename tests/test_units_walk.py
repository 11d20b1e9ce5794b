"""With miles and Sunday weeks chosen, every page's rendered text and figures speak miles.

The demo athlete (FIT runs with heart rate, elevation and laps, a wellness log, a plan) is built
once, copied into the athlete's own store, and switched to miles and Sunday weeks. Then every page
that ``app.py`` registers is run and everything a person reads is collected: titles, markdown,
captions, boxes, metrics, table headers and text cells, widget labels and options, and every string
of every figure's JSON. None of it may carry a metric distance, pace or elevation. Each page is
also checked to show some imperial unit, so a page that showed nothing at all would not pass.

Text that states a file layout (the CSV columns a wellness or plan file must have) names its own
units and is left out, as is the nomenclature in a few developer-facing places the test names.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analysis import columns as c
from analysis.config import ATHLETE_DB
from analysis.demo import build_demo_store
from analysis.metrics.efforts import EFFORT_LABELS
from analysis.store import Store
from tests.conftest import REPO
from tests.test_figure_units import METRIC, strings
from tests.test_pages import _app

PAGES = [
    page
    for page in re.findall(r'st\.Page\(\s*"(pages/[a-z_]+\.py)"', (REPO / "app.py").read_text())
    if page != "pages/athletes.py"  # the coach's roster exists only when hosted
]
"""Every page the app registers for an athlete, read from ``app.py`` so a new page is walked too."""

IMPERIAL = re.compile(r"(?<![A-Za-z])(mi|mph|ft|min/mi|miles?)(?![A-Za-z])")

INTERNAL_NAME = re.compile(r"[a-z]+(?:_[a-z0-9]+)+")
"""A nomenclature name such as ``pace_low_s_per_km`` or ``share_pct`` as a table header."""

NO_DISTANCES = ("pages/intensity.py", "pages/recovery.py", "pages/share.py")
"""Pages with no distance, pace or elevation on them (heart-rate zones, wellness, the report
before its button is pressed): nothing there to be imperial."""

FILE_LAYOUT = re.compile(r"CSV|columns?:|column names", re.I)
"""A sentence about a file's layout names the file's own (metric) columns: not a reader's unit."""


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    return build_demo_store(folder)


@pytest.fixture(scope="module")
def names(demo_db: Path) -> set[str]:
    with Store(demo_db, read_only=True) as store:
        acts = store.activities(include_duplicates=True)
    named = {str(n) for n in acts[c.NAME].dropna()} | {str(n) for n in acts[c.SOURCE_NAME]}
    # "400 m", "5 km", "Half marathon": the names of standard race distances, as a 5K is a 5K
    # in any country; their times and paces are what must follow the settings
    return named | set(EFFORT_LABELS.values())


@pytest.fixture
def miles_app(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    shutil.copy(demo_db, tmp_path / ATHLETE_DB)
    with Store(tmp_path / ATHLETE_DB) as store:
        store.save_settings(
            dataclasses.replace(store.load_settings(), units="mi", week_start="sunday")
        )
    return _app(tmp_path, monkeypatch)


def _cells(
    frame: pd.DataFrame, config: dict[str, Any] | None = None, order: list[str] | None = None
) -> Iterator[tuple[str, str]]:
    """A table's headers as a person reads them (a column's configured label, else its name;
    hidden columns, and those left out of a ``column_order``, not read) and its text cells."""
    config = config or {}
    for name in order or frame.columns:
        conf = config.get(str(name)) or {}
        if conf.get("hidden"):
            continue
        yield "header", str(conf.get("label") or name)
        column = frame[name]
        if column.dtype == object or str(column.dtype).startswith("str"):
            yield from (("cell", str(v)) for v in column.dropna().unique()[:200])


def _texts(at: AppTest) -> Iterator[tuple[str, str]]:
    for kind in ("title", "header", "subheader", "markdown", "caption", "text"):
        for el in at.get(kind):
            yield kind, str(el.value)
    for kind in ("info", "warning", "error", "success"):
        for el in at.get(kind):
            yield kind, str(el.value)
    for el in at.get("metric"):
        yield "metric", f"{el.label}: {el.value}"
    for el in at.get("dataframe"):
        config = json.loads(el.proto.columns or "{}")
        for part, cell in _cells(el.value, config, list(el.proto.column_order)):
            yield f"table {part}", cell
    for el in at.get("table"):
        for part, cell in _cells(el.value):
            yield f"table {part}", cell
    for kind in ("selectbox", "radio", "multiselect", "select_slider"):
        for el in at.get(kind):
            yield f"{kind} label", str(el.label)
            for option in el.options:
                yield f"{kind} option", str(option)
    for kind in ("number_input", "text_input", "slider", "date_input", "toggle", "checkbox"):
        for el in at.get(kind):
            yield f"{kind} label", str(el.label)
    for el in at.get("text_input"):
        yield "text_input value", str(el.value)
    for el in at.get("plotly_chart"):
        for where, text in strings(json.loads(el.proto.spec)):
            yield f"figure{where}", text


def _metric_left(at: AppTest, names: set[str] = frozenset()) -> list[tuple[str, str]]:  # type: ignore[assignment]
    """What still reads metric, leaving out the athlete's own words: activity names such as
    "Easy run 11 km" are what the watch or the runner called a run, not a unit we chose."""
    return [
        (where, text)
        for where, text in _texts(at)
        if METRIC.search(_without(text, names))
        and not FILE_LAYOUT.search(text)
        and where != "radio option"  # the settings' own choice between km and mi
    ]


def _without(text: str, names: set[str]) -> str:
    for name in names:
        text = text.replace(name, "")
    return text


ACTIVITIES = "pages/activities.py"
ACTIVITY_TAB = "activity_tab"  # the one-activity view's tabs


@pytest.mark.parametrize("page", PAGES)
def test_every_page_speaks_miles(page: str, miles_app: AppTest, names: set[str]) -> None:
    at = miles_app
    at.switch_page(page).run()
    assert not at.exception, at.exception
    views = [page]
    shown = [text for _, text in _texts(at)]
    _check_view(at, page, names)
    if page == ACTIVITIES:
        # the one-activity view builds only its open tab: open each of the others in turn
        for label in [t.label for t in at.tabs][1:]:
            at.session_state[ACTIVITY_TAB] = label
            at.run()
            assert not at.exception, (label, at.exception)
            views.append(f"{page}, tab {label}")
            _check_view(at, views[-1], names)
            shown += [text for _, text in _texts(at)]
        assert len(views) >= 4, views
    if page not in NO_DISTANCES:
        assert IMPERIAL.search("\n".join(shown)), f"{page} shows no imperial unit at all"


def _check_view(at: AppTest, where: str, names: set[str]) -> None:
    left = _metric_left(at, names)
    assert not left, f"{where}: metric units left in miles:\n" + "\n".join(
        f"  {w}: {text[:160]!r}" for w, text in left[:20]
    )
    internal = [t for w, t in _texts(at) if w == "table header" and INTERNAL_NAME.fullmatch(t)]
    assert not internal, f"{where}: tables show internal column names {internal}"


def test_the_walk_covers_every_registered_page() -> None:
    assert len(PAGES) >= 13 and "pages/overview.py" in PAGES and "pages/activities.py" in PAGES
    missing = [p for p in PAGES if not (REPO / p).exists()]
    assert not missing


def test_the_walk_would_see_a_metric_unit(demo_db: Path, tmp_path: Path, monkeypatch: Any) -> None:
    """The same walk in kilometres finds kilometres: the collector reads what the pages show."""
    shutil.copy(demo_db, tmp_path / ATHLETE_DB)
    at = _app(tmp_path, monkeypatch)
    at.switch_page("pages/mileage.py").run()
    assert _metric_left(at)
