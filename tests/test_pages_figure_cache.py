"""A page builds each figure once per view (store, revision, settings, period, today) and reuses it
on a rerun or a revisit; anything that changes what it shows builds it again."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from analysis.figures import mileage
from tests.test_pages import _app, _figures, _fill


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count the calls of the weekly distance builder, which the Mileage page imports per run."""
    calls: list[str] = []
    real: Callable[..., Any] = mileage.weekly_distance_figure

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[1] if len(args) > 1 else kwargs.get("unit", ""))
        return real(*args, **kwargs)

    monkeypatch.setattr(mileage, "weekly_distance_figure", counted)
    return calls


def _weekly_title(at: AppTest) -> str:
    weekly = next(f for f in _figures(at) if f["layout"]["title"]["text"] == "Weekly distance")
    return str(weekly["layout"]["yaxis"]["title"]["text"])


def test_a_rerun_and_a_new_session_reuse_the_figure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(tmp_path)
    calls = _counting(monkeypatch)
    at = _app(tmp_path, monkeypatch)
    at.switch_page("pages/mileage.py").run()
    assert not at.exception, at.exception
    assert calls == ["km"]
    at.run()  # a rerun (a widget elsewhere on the page)
    other = _app(tmp_path, monkeypatch)  # another session, as a revisit by URL opens one
    other.switch_page("pages/mileage.py").run()
    assert calls == ["km"], "built once for the same view"
    # the reused figure is the same figure
    assert json.dumps(_figures(at)) == json.dumps(_figures(other))


def test_a_settings_change_or_a_new_period_builds_it_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(tmp_path)
    calls = _counting(monkeypatch)
    at = _app(tmp_path, monkeypatch)
    at.switch_page("pages/mileage.py").run()
    assert _weekly_title(at) == "Distance [km]"
    at.switch_page("pages/settings.py").run()
    at.radio(key="set_units").set_value("mi")
    at.button(key="settings_save").click().run()
    at.switch_page("pages/mileage.py").run()
    assert not at.exception, at.exception
    assert _weekly_title(at) == "Distance [mi]", "never the figure of the old settings"
    at.selectbox(key="period_preset").set_value("all").run()
    assert not at.exception, at.exception
    assert calls == ["km", "mi", "mi"]


def test_the_efficiency_page_reuses_its_figures_until_a_chosen_heart_rate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from analysis.figures import efficiency as figures
    from tests import test_efficiency_page as page

    page._fill(tmp_path)
    calls: list[float] = []
    real: Callable[..., Any] = figures.pace_at_hr_figure

    def counted(fixed: Any, hr: float, *args: Any, **kwargs: Any) -> Any:
        calls.append(hr)
        return real(fixed, hr, *args, **kwargs)

    monkeypatch.setattr(figures, "pace_at_hr_figure", counted)
    at = page._app(tmp_path, monkeypatch)
    at.run()  # a rerun
    page._app(tmp_path, monkeypatch)  # another session
    assert calls == [140.0], "built once for the same view"
    at.number_input(key="eff_hr").set_value(150.0).run()
    assert not at.exception, at.exception
    assert calls == [140.0, 150.0], "a chosen heart rate is another view"
