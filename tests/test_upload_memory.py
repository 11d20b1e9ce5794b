"""The upload path in a real Chromium against a real `streamlit run`: refusals are named on the
page, and the server lets go of uploads once they are imported (or refused).

Memory is read from the server process's ``VmRSS`` with generous margins; no time is asserted,
only bounded waits.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from tests.browser_support import CHROMIUM_ARGS, require_chromium, streamlit_server

pytestmark = pytest.mark.browser

MB = 1024 * 1024
BIG = 40 * MB
COUNT = 3
HELD_MARGIN = 60 * MB
"""The RSS allowed above the level before the uploads, once they are done with: well below the
120 MB they add while held (Streamlit's file manager alone keeps one copy of each)."""


def _rss(pid: int) -> int:
    """The process's resident set size [bytes], from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no VmRSS for process {pid}")


def _settled_rss(pid: int, seconds: float = 3.0) -> int:
    """The lowest RSS seen over a short while, so one allocation spike does not count."""
    lowest = _rss(pid)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        time.sleep(0.25)
        lowest = min(lowest, _rss(pid))
    return lowest


def _wait_named(page, name: str, reason: str) -> None:  # type: ignore[no-untyped-def]
    """The file's name and its reason in one message on the page (an error or a warning)."""
    alerts = page.locator('[data-testid="stAlert"]', has_text=name)
    alerts.filter(has_text=reason).first.wait_for(timeout=120_000)


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="reads RSS from /proc (Linux)")
def test_refused_uploads_are_named_and_their_memory_released(tmp_path: Path) -> None:
    chromium = require_chromium()
    from playwright.sync_api import sync_playwright

    files = tmp_path / "uploads"
    files.mkdir()
    small = {"warm-up.fit": os.urandom(100_000), "photo.png": b"\x89PNG\r\n\x1a\n" + b"\0" * 64}
    for name, data in small.items():
        (files / name).write_bytes(data)
    big = [files / f"random-{i}.fit" for i in range(COUNT)]
    for path in big:
        path.write_bytes(os.urandom(BIG))

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            with streamlit_server(data_dir, {"STRIDELOG_NO_DEMO": "1"}) as base:
                page.goto(base)
                page.get_by_text("Add activity files").wait_for(timeout=90_000)
                uploader = page.locator('[data-testid="stFileUploader"] input[type="file"]').first

                # a kind the old type filter refused in the browser, silently, and random bytes
                # named .fit; this first round also loads the importer into the server
                uploader.set_input_files([str(files / name) for name in small])
                _wait_named(page, "warm-up.fit", "not a FIT, GPX, TCX or CSV file")
                _wait_named(page, "photo.png", "not an activity file type")
                before = _settled_rss(base.pid)

                peak = [before]
                stop = threading.Event()

                def watch() -> None:
                    while not stop.is_set():
                        peak[0] = max(peak[0], _rss(base.pid))
                        time.sleep(0.1)

                watcher = threading.Thread(target=watch, daemon=True)
                watcher.start()
                try:
                    uploader = page.locator(
                        '[data-testid="stFileUploader"] input[type="file"]'
                    ).first
                    uploader.set_input_files([str(p) for p in big])
                    for path in big:
                        _wait_named(page, path.name, "not a FIT, GPX, TCX or CSV file")
                finally:
                    stop.set()
                    watcher.join()

                # released memory goes back to the system at once (big blocks are mmapped);
                # allow a bounded while for the last rerun and the session's cleanup
                after = _rss(base.pid)
                deadline = time.monotonic() + 60
                while after > before + HELD_MARGIN and time.monotonic() < deadline:
                    time.sleep(0.5)
                    after = _rss(base.pid)
                print(
                    f"\nserver RSS: {before / MB:.0f} MB before {COUNT} uploads of "
                    f"{BIG / MB:.0f} MB, peak {peak[0] / MB:.0f} MB, {after / MB:.0f} MB after"
                )
                assert page.locator('[data-testid="stException"]').count() == 0
                # the measure can see the uploads: they were in the server at some point
                assert peak[0] >= before + BIG, (before, peak[0])
                assert after <= before + HELD_MARGIN, (
                    f"the server still holds {(after - before) / MB:.0f} MB after the uploads"
                )
        finally:
            browser.close()
