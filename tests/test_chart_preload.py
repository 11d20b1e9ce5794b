"""The sidebar starts loading the browser's chart code while the server prepares the page."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st

from pages import _common as ui
from tests.test_pages import _app, _fill


def test_the_installed_streamlit_has_the_chart_code_the_sidebar_preloads() -> None:
    # a Streamlit that renamed its plotly chunk would silently lose the preload: say so here
    assert ui.PLOTLY_CHUNK is not None
    assert (Path(st.__file__).parent / "static/static/js" / ui.PLOTLY_CHUNK).is_file()


def test_every_page_s_sidebar_preloads_it_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(tmp_path)
    at = _app(tmp_path, monkeypatch)
    for page in ("pages/settings.py", "pages/overview.py"):
        at.switch_page(page).run()
        assert not at.exception, at.exception
        scripts = [
            el for el in at.sidebar if el.type == "html" and ui.PLOTLY_CHUNK in el.proto.body
        ]
        assert len(scripts) == 1, page
        body = scripts[0].proto.body
        assert "import(" in body and "window.__stridelogCharts" in body  # once per document
