"""The dashboard in a real Chromium against a real `streamlit run`: upload, see charts, restart."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser_support import CHROMIUM_ARGS, require_chromium, streamlit_server
from tests.conftest import CORPUS, REPO

pytestmark = pytest.mark.browser

CHARTS = {  # page title -> charts it draws for the two uploaded runs (no wellness log, no plan)
    "Overview": 2, "Mileage": 4, "Cadence": 2, "Intensity": 2, "Training load (ACWR)": 1,
    "Fitness & form": 2, "Efficiency & tests": 5, "Guidance": 2, "Recovery": 0,
    "Strength & mobility": 0, "Pain & niggles": 0, "Plan": 0, "Race & blocks": 0, "Gear": 0,
    "Activities": 1,  # the run's traces; its other tabs are built when opened
}  # fmt: skip
NAV = list(CHARTS)
EMPTY = {"Race & blocks": "No goal race yet", "Pain & niggles": "No niggles logged yet"}
"""What a page without charts says, where it is not the usual "… yet. Upload …"."""


def _upload_files() -> list[Path]:
    """A real device FIT and GPX from the corpus; the demo's own files where it is absent."""
    fit = CORPUS / "fit" / "sportslib__fit_2067489619.fit"
    gpx = CORPUS / "gpx" / "sportslib__gpx_garmin.gpx"
    if fit.is_file() and gpx.is_file():
        return [fit, gpx]
    demo = REPO / "sample_data" / "demo"
    return [sorted(demo.glob("*.fit"))[0], sorted(demo.glob("*.gpx"))[0]]


def _visit(page, base: str, title: str) -> None:  # type: ignore[no-untyped-def]
    page.locator('[data-testid="stSidebarNav"] a', has_text=title).first.click()
    page.get_by_role("heading", name=title).first.wait_for(timeout=60_000)
    if CHARTS[title]:
        charts = page.locator('[data-testid="stPlotlyChart"] .main-svg')
        charts.nth(CHARTS[title] - 1).wait_for(timeout=60_000)
    else:  # no wellness log, plan, logs, race or shoes: the page says what is missing
        page.get_by_text(EMPTY.get(title, "yet. Upload")).first.wait_for(timeout=60_000)
    assert page.locator('[data-testid="stException"]').count() == 0, title


def test_upload_fit_and_gpx_then_every_page_draws(tmp_path: Path) -> None:
    chromium = require_chromium()
    from playwright.sync_api import sync_playwright

    # `make run` builds the demo athlete first; so does this test
    subprocess.run(
        [sys.executable, "-m", "analysis.cli", "demo", "--data-dir", str(tmp_path)],
        check=True,
        cwd=REPO,
    )
    files = _upload_files()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            with streamlit_server(tmp_path) as base:
                # a fresh server whose first request names a page still routes through app.py
                page.goto(f"{base}/mileage")
                page.get_by_text("Demo athlete.").first.wait_for(timeout=90_000)
                page.get_by_role("heading", name="Mileage").first.wait_for(timeout=30_000)
                page.get_by_text("Add activity files").wait_for(timeout=30_000)
                nav = page.locator('[data-testid="stSidebarNav"]')
                nav.get_by_text("Training load (ACWR)").wait_for(timeout=30_000)
                assert nav.get_by_text("common").count() == 0
                page.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for(
                    timeout=60_000
                )
                uploader = page.locator('[data-testid="stFileUploader"] input[type="file"]').first
                uploader.set_input_files([str(p) for p in files])
                page.get_by_text("Imported 2 activities from 2 files").wait_for(timeout=120_000)
                page.get_by_text("Showing your data").wait_for(timeout=30_000)
                # the page's own rerun may finish a moment after the sidebar's
                page.get_by_text("Demo athlete.").first.wait_for(state="detached", timeout=30_000)
                for title in NAV:
                    _visit(page, base, title)
                page.screenshot(path=str(tmp_path / "activities.png"), full_page=True)
            # a restart keeps everything; the same files again add nothing
            with streamlit_server(tmp_path) as base:
                page.goto(base)
                page.get_by_text("Showing your data (2 activities)").wait_for(timeout=90_000)
                uploader = page.locator('[data-testid="stFileUploader"] input[type="file"]').first
                uploader.set_input_files([str(p) for p in files])
                page.get_by_text("2 files were already imported").wait_for(timeout=60_000)
                page.get_by_text("Showing your data (2 activities)").wait_for(timeout=30_000)
        finally:
            browser.close()


def test_upload_a_strava_export_zip_shows_the_report_and_charts(tmp_path: Path) -> None:
    chromium = require_chromium()
    from playwright.sync_api import sync_playwright

    from sample_data.archives import strava_export_zip

    export = strava_export_zip()
    upload = tmp_path / export.name
    upload.write_bytes(export.data)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            with streamlit_server(tmp_path, {"STRIDELOG_NO_DEMO": "1"}) as base:
                page.goto(base)
                page.get_by_text("No activities yet").first.wait_for(timeout=90_000)
                uploader = page.locator('[data-testid="stFileUploader"] input[type="file"]').first
                uploader.set_input_files(str(upload))
                page.get_by_text("Imported 7 activities from 7 files").wait_for(timeout=120_000)
                page.get_by_text("Import report").first.click()
                page.get_by_text("Download the report (CSV)").wait_for(timeout=30_000)
                for title in ("Mileage", "Training load (ACWR)", "Cadence"):
                    _visit(page, base, title)
        finally:
            browser.close()


def test_the_dashboard_stays_usable_while_an_archive_imports(tmp_path: Path) -> None:
    chromium = require_chromium()
    from playwright.sync_api import sync_playwright

    from sample_data.five_years import build_archive

    upload = tmp_path / "strava-export.zip"
    upload.write_bytes(build_archive(None, runs=250))  # type: ignore[arg-type]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            with streamlit_server(tmp_path, {"STRIDELOG_NO_DEMO": "1"}) as base:
                page.goto(base)
                page.get_by_text("No activities yet").first.wait_for(timeout=90_000)
                uploader = page.locator('[data-testid="stFileUploader"] input[type="file"]').first
                uploader.set_input_files(str(upload))
                page.get_by_text("Importing:").first.wait_for(timeout=60_000)
                # another page opens and renders while the import goes on in the background
                page.locator('[data-testid="stSidebarNav"] a', has_text="Settings").first.click()
                page.get_by_role("heading", name="Settings").first.wait_for(timeout=30_000)
                assert page.get_by_text("Importing:").count() >= 1
                page.get_by_text("Imported 250 activities").wait_for(timeout=240_000)
                _visit(page, base, "Mileage")
        finally:
            browser.close()
