"""Every page on a 390×844 phone: no chart title under its legend, no axis title cut off, a
calendar whose days are wider than slivers, and a route map in view.

The checks read the boxes the browser laid out (``getBoundingClientRect``), chart by chart, and
each chart is saved as a screenshot in the test's directory so a failure can be looked at.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.browser_support import CHROMIUM_ARGS, require_chromium, streamlit_server
from tests.conftest import REPO

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

PAGES = {  # URL path -> heading; the demo athlete has runs, wellness, a plan, both logs, a race
    # and shoes
    "": "Overview", "mileage": "Mileage", "cadence": "Cadence", "intensity": "Intensity",
    "training_load": "Training load (ACWR)", "fitness": "Fitness & form",
    "efficiency": "Efficiency & tests", "guidance": "Guidance",
    "recovery": "Recovery", "strength": "Strength & mobility", "pain": "Pain & niggles",
    "plan": "Plan", "race": "Race & blocks", "gear": "Gear", "activities": "Activities",
}  # fmt: skip

MIN_CALENDAR_CELL_PX = 28
"""A day of the calendar must be at least this wide: room for "10.0" at a readable size."""

SLACK_PX = 1.0
"""Boxes may touch: anti-aliased text edges round to a pixel either way."""

BOXES_JS = """
() => {
  const box = (el) => {
    const r = el.getBoundingClientRect();
    return (r.width > 0 && r.height > 0) ? {l: r.left, t: r.top, r: r.right, b: r.bottom} : null;
  };
  const all = (root, sel) => [...root.querySelectorAll(sel)].map(box).filter(Boolean);
  return [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].map((chart, i) => ({
    index: i,
    svg: box(chart.querySelector('.main-svg')),
    title: all(chart, '.gtitle'),
    legend: all(chart, '.legend .bg'),
    axisTitles: all(chart, 'text[class^="x"][class$="title"], text[class^="y"][class$="title"]'),
    calendar: all(chart, '.hm image'),
    calendarColumns: (() => {
      const ticks = chart.querySelectorAll('.xaxislayer-above .xtick');
      return chart.querySelector('.hm image') ? ticks.length : 0;
    })(),
    map: all(chart, '.maplibregl-canvas, .mapboxgl-canvas'),
    route: chart.querySelector('.js-plotly-plot') ? (() => {
      const gd = chart.querySelector('.js-plotly-plot');
      const sub = gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
      if (!sub || !sub.map || !gd._fullData) return null;
      const trace = gd._fullData.find((t) => t.type === 'scattermap');
      if (!trace) return null;
      const canvas = sub.map.getCanvas().getBoundingClientRect();
      const lon = Array.from(trace.lon);
      const pts = Array.from(trace.lat).map((lat, k) => sub.map.project([lon[k], lat]));
      return {
        w: canvas.width, h: canvas.height,
        l: Math.min(...pts.map((p) => p.x)), r: Math.max(...pts.map((p) => p.x)),
        t: Math.min(...pts.map((p) => p.y)), b: Math.max(...pts.map((p) => p.y)),
      };
    })() : null,
  }));
}
"""


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["l"] < b["r"] - SLACK_PX
        and b["l"] < a["r"] - SLACK_PX
        and a["t"] < b["b"] - SLACK_PX
        and b["t"] < a["b"] - SLACK_PX
    )


def _inside(inner: dict[str, float], outer: dict[str, float]) -> bool:
    return (
        inner["l"] >= outer["l"] - SLACK_PX
        and inner["r"] <= outer["r"] + SLACK_PX
        and inner["t"] >= outer["t"] - SLACK_PX
        and inner["b"] <= outer["b"] + SLACK_PX
    )


def problems(chart: dict[str, Any]) -> list[str]:
    """What is wrong with one chart's layout, in words; empty when nothing is."""
    out: list[str] = []
    svg = chart["svg"]
    if svg is None:
        return ["no chart drawn"]
    for title in chart["title"]:
        if not _inside(title, svg):
            out.append(f"title cut off: {title} outside {svg}")
        out += [f"title overlaps legend {lg}" for lg in chart["legend"] if _overlap(title, lg)]
    for axis in chart["axisTitles"]:
        if not _inside(axis, svg):
            out.append(f"axis title cut off: {axis} outside {svg}")
        out += [
            f"axis title {axis} overlaps legend" for lg in chart["legend"] if _overlap(axis, lg)
        ]
    for cells in chart["calendar"]:
        columns = max(chart["calendarColumns"], 1)
        width = (cells["r"] - cells["l"]) / columns
        if width < MIN_CALENDAR_CELL_PX:
            out.append(f"calendar days {width:.0f} px wide (< {MIN_CALENDAR_CELL_PX})")
    route = chart["route"]
    if route is not None and not (
        route["l"] >= 0
        and route["t"] >= 0
        and route["r"] <= route["w"]
        and route["b"] <= route["h"]
    ):
        out.append(f"route outside the map: {route}")
    return out


def test_the_checks_see_an_overlap_and_a_cut() -> None:
    svg = {"l": 0.0, "t": 0.0, "r": 358.0, "b": 360.0}
    bad = {
        "svg": svg,
        "title": [{"l": 8.0, "t": 10.0, "r": 200.0, "b": 30.0}],
        "legend": [{"l": 90.0, "t": 20.0, "r": 250.0, "b": 60.0}],
        "axisTitles": [{"l": 150.0, "t": 330.0, "r": 420.0, "b": 350.0}],
        "calendar": [{"l": 240.0, "t": 80.0, "r": 340.0, "b": 300.0}],
        "calendarColumns": 7,
        "route": {"w": 358.0, "h": 330.0, "l": -40.0, "r": 300.0, "t": 10.0, "b": 200.0},
    }
    found = problems(bad)
    assert len(found) == 4, found
    good = {**bad, "legend": [], "axisTitles": [], "calendar": [], "route": None}
    assert problems(good) == []


TAB_TITLES = {  # the one-activity view's tabs (by their first word) -> their chart's title
    "Running": "Running dynamics over moving time",
    "Splits": "Splits",
    "Heart-rate": "Time in heart-rate zones",
    "Route": "Route",
}


def _check_view(page: Any, heading: str, name: str, found: dict[str, list[str]], out: Path) -> None:
    """Wait for the view's charts to be drawn, screenshot them, and note each layout problem."""
    charts = page.locator('[data-testid="stPlotlyChart"]')
    charts.first.locator(".main-svg").first.wait_for(timeout=60_000)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1500)  # plotly's second pass after automargin
    assert page.locator('[data-testid="stException"]').count() == 0, heading
    for i in range(charts.count()):
        charts.nth(i).scroll_into_view_if_needed()
        charts.nth(i).screenshot(path=str(out / f"phone-{name}-{i}.png"))
    for chart in page.evaluate(BOXES_JS):
        for problem in problems(chart):
            found.setdefault(f"{heading}, chart {chart['index']}", []).append(problem)


def test_every_page_reads_on_a_phone(tmp_path: Path) -> None:
    chromium = require_chromium()
    from playwright.sync_api import sync_playwright

    subprocess.run(
        [sys.executable, "-m", "analysis.cli", "demo", "--data-dir", str(tmp_path)],
        check=True,
        cwd=REPO,
        capture_output=True,
    )
    found: dict[str, list[str]] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(
                viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
            )
            page = context.new_page()
            with streamlit_server(tmp_path) as base:
                for path, heading in PAGES.items():
                    page.goto(f"{base}/{path}")
                    page.get_by_role("heading", name=heading).first.wait_for(timeout=90_000)
                    name = path or "overview"
                    _check_view(page, heading, name, found, tmp_path)
                    if path == "activities":
                        # the one-activity view builds its open tab only: open each in turn
                        tabs = page.get_by_role("tab")
                        labels = [tabs.nth(i).inner_text().strip() for i in range(tabs.count())]
                        assert "Route" in labels, labels
                        for label in labels[1:]:
                            page.get_by_role("tab", name=label).click()
                            # its chart replaces the one before: wait for its own title
                            title = TAB_TITLES[label.split()[0]]
                            page.locator(".gtitle", has_text=title).first.wait_for(timeout=60_000)
                            tab_name = f"{name}-{label.split()[0].lower()}"
                            _check_view(page, f"{heading}, {label}", tab_name, found, tmp_path)
        finally:
            browser.close()
    report = [f"{where}: {problem}" for where, listed in found.items() for problem in listed]
    assert not report, f"screenshots in {tmp_path}:\n" + "\n".join(report)
