"""Every page on the five-year archive, in a real browser and on the server: prints figures,
asserts nothing.

Usage: ``python -m benchmarks.pages [--years Y ...] [--runs N ...] [--repeat R] [--cache-dir DIR]``

The targets (issue 8, item 11 and issue 10, item 3): every page is ready in the browser within 1 s
of navigation on the demo athlete and within 1.5 s on the five-year history, its data preparation
takes at most 100 ms on the server, and the server's peak RSS while browsing stays within 300 MB.

1. **Archive**: the Strava-style export of :mod:`sample_data.five_years`, built or reused from the
   cache exactly as :mod:`benchmarks.archive` does (``--years 5`` is its 1,500 runs; ``--runs``
   names the count directly, e.g. ``--runs 300`` for a quick run of about a year). Several values
   (``--years 1 2 5 10``) measure one history after the other, so page times can be seen to grow
   with the history, or not.
2. **Import**: ``stridelog import`` of that zip into a temporary data directory.
3. **Server**: each page's data preparation (the same :mod:`analysis.dashboard` and
   :mod:`analysis.views` calls the pages make, for the period a page opens on), in a fresh child
   process so the first call is as cold as a new server's: the first call and the median of
   ``--repeat`` more [ms], and the child's peak RSS during each page's calls (its peak reset
   before each page, so the figure is that page's own; off Linux, the peak so far). Then the
   samples reads the pages make: one run's samples (the one-run view's read; five runs spread
   over the history, each cold) and the Efficiency page's runs of its default period (again,
   after the page read them) [ms].
4. **Browser**: ``streamlit run app.py`` on a free loopback port with ``STRIDELOG_DATA_DIR`` set to
   that directory, driven by Playwright on Debian's Chromium. A page is *ready* when its heading
   is shown, the script run is over, no element is still a skeleton placeholder (its code still
   loading), every ``stPlotlyChart`` holds its ``.main-svg`` and none of that has changed for
   300 ms; the time counted is from the navigation to the last change. First, one visit of
   Settings measures the fresh server's first page (its imports, the browser's empty cache). Each
   page by URL (``/mileage``): the first visit (the server's caches cold) and the median of
   ``--repeat`` revisits; and by clicking its sidebar link from the page before: the median of
   ``--repeat`` rounds. With each visit: the bytes the server sent over the page's websocket
   until it was ready (figures, tables, text: what the browser had to receive and decode) and the
   points in its drawn charts (the longest array of each trace, summed). After browsing, the
   server process's peak RSS (``VmHWM``).
5. **Baseline, same run**: steps 3 and 4 on the demo athlete (``stridelog demo``, a short history
   with the same pages and charts), and the ratio archive / demo of each median.

Progress goes to stderr; figures to stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from analysis.config import ATHLETE_DB, DEMO_DB, repo_root
from benchmarks.archive import CHILD_RESULT, generate
from sample_data import five_years

BROWSER_TARGET_S = 1.5
"""On the five-year history [s]."""
DEMO_BROWSER_TARGET_S = 1.0
"""On the demo athlete [s]."""
SERVER_TARGET_S = 0.1
RSS_TARGET_BYTES = 300_000_000
"""300 MB while browsing, as the issue writes it (10**6 bytes a MB)."""
STABLE_MS = 300
"""A page is ready once nothing it shows has changed for this long."""
NAV_TIMEOUT_MS = 60_000

PAGES = [  # (URL path, title in the sidebar and as the page's heading), in app.py's order
    ("", "Overview"),
    ("mileage", "Mileage"),
    ("cadence", "Cadence"),
    ("intensity", "Intensity"),
    ("training_load", "Training load (ACWR)"),
    ("fitness", "Fitness & form"),
    ("efficiency", "Efficiency & tests"),
    ("guidance", "Guidance"),
    ("efforts", "Best efforts"),
    ("recovery", "Recovery"),
    ("strength", "Strength & mobility"),
    ("pain", "Pain & niggles"),
    ("plan", "Plan"),
    ("race", "Race & blocks"),
    ("gear", "Gear"),
    ("activities", "Activities"),
    ("share", "Report & sharing"),
    ("settings", "Settings"),
]

# Polled in the page: the state of what it shows, and the moment that state last changed
READY_JS = """
(title) => {
  const app = document.querySelector('[data-testid="stApp"]');
  const state = app ? app.getAttribute('data-test-script-state') : 'none';
  const busy = state !== 'notRunning'
    || !!document.querySelector('[data-testid="stStatusWidgetRunningIcon"]')
    || !!document.querySelector('[data-testid="stSpinner"]');
  const headed = [...document.querySelectorAll('[data-testid="stMain"] h1')]
    .some((h) => h.textContent.trim().startsWith(title));
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  const drawn = charts.filter((c) => c.querySelector('.main-svg')).length;
  const stale = document.querySelectorAll('[data-stale="true"]').length;
  // an element whose code is still loading (the plotly chart's 4.7 MB chunk, after a full page
  // load) is a skeleton placeholder, not yet a chart: the page is not ready while one is shown
  const pending = document.querySelectorAll('[data-testid="stMain"] [data-testid="stSkeleton"]')
    .length;
  const sig = [state, busy, headed, charts.length, drawn, stale, pending].join('|');
  const now = Date.now();
  if (window.__benchSig !== sig) { window.__benchSig = sig; window.__benchChanged = now; }
  if (headed && !busy && drawn === charts.length && stale === 0 && pending === 0
      && now - window.__benchChanged >= STABLE_MS) {
    let points = 0;
    for (const gd of document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')) {
      for (const trace of (gd._fullData || gd.data || [])) {
        const lengths = ['x', 'y', 'z', 'values', 'r', 'theta', 'lat', 'lon']
          .map((k) => (trace[k] && trace[k].length) || 0);
        points += Math.max(0, ...lengths);
      }
    }
    return {changed: window.__benchChanged, charts: charts.length, points: points,
            runs: window.__benchRuns || 0, lastMessage: window.__benchLastMessage || 0};
  }
  return false;
}
""".replace("STABLE_MS", str(STABLE_MS))

# Installed in every document: counts the script runs that end (the app's state goes from
# running to not running), so a navigation that makes the server run the page twice shows it;
# and notes when the last websocket message arrived, which splits a visit into the time until
# the server's last word and the time the browser then takes to draw
COUNT_RUNS_JS = """
window.__benchRuns = 0;
const NativeWebSocket = window.WebSocket;
window.WebSocket = class extends NativeWebSocket {
  constructor(...args) {
    super(...args);
    this.addEventListener('message', () => { window.__benchLastMessage = Date.now(); });
  }
};
new MutationObserver((changes) => {
  for (const m of changes) {
    if (m.oldValue === 'running'
        && m.target.getAttribute('data-test-script-state') === 'notRunning') {
      window.__benchRuns += 1;
    }
  }
}).observe(document, {subtree: true, attributes: true, attributeOldValue: true,
                      attributeFilter: ['data-test-script-state']});
"""


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# ---- server: each page's data preparation, in a child process ------------------------------------


def server_steps(store: Any) -> dict[str, Callable[[], object]]:
    """Each page's data preparation, called as the page calls it for the period it opens on."""
    from datetime import date

    from analysis import dashboard
    from analysis.views import efficiency, efforts, period
    from analysis.views.gear import gear_data
    from analysis.views.pain import pain_data
    from analysis.views.race import race_data
    from analysis.views.run_detail import run_detail_data
    from analysis.views.strength import strength_data

    s = store.load_settings()
    span = dashboard.data_span(store)
    first_day, last_day = span if span is not None else (None, None)
    got = period.resolve_period(
        None, None, None, None, last_day, date.today(), s.week_start, first_data_day=first_day
    )
    first, day = got.first, got.as_of
    acts = store.activities()
    newest = str(acts.iloc[0]["activity_id"]) if len(acts) else None
    return {
        "": lambda: dashboard.overview_data(store, s, day, first=first),
        "mileage": lambda: dashboard.mileage_data(store, s, day, first=first),
        "cadence": lambda: dashboard.cadence_data(store, first=first, as_of=day),
        "intensity": lambda: dashboard.intensity_data(store, s, first=first, as_of=day),
        "training_load": lambda: dashboard.load_data(store, s, day, first=first),
        "fitness": lambda: dashboard.fitness_data(store, s, day, first=first),
        "efficiency": lambda: efficiency.efficiency_data(store, s, first, day),
        "guidance": lambda: dashboard.guidance_data(store, s, day, first=first),
        "efforts": lambda: efforts.efforts_data(store, s, first, got.last),
        "recovery": lambda: dashboard.recovery_data(store, s, day, first=first),
        "strength": lambda: strength_data(store, s, day, first=first),
        "pain": lambda: pain_data(store, s, day, first=first),
        "plan": lambda: dashboard.plan_data(store, s, day, first=first),
        "race": lambda: race_data(store, s, day),
        "gear": lambda: gear_data(store, day),
        "activities": lambda: (
            dashboard.activity_table(store),
            newest and run_detail_data(store, s, newest),
        ),
    }


def efficiency_periods(store: Any) -> dict[str, float]:
    """The Efficiency & tests page's preparation as its per-run memo sees it [s]: the default
    12 weeks in a fresh process (nothing known yet), the same again (what a page whose data
    cache missed pays with the runs' figures kept), with another heart rate (its pace at that
    heart rate is new for every run, so every run's samples are read again), then the whole
    history (its other runs computed once) and the whole history again."""
    from datetime import date

    from analysis import dashboard
    from analysis.views import efficiency, period

    s = store.load_settings()
    span = dashboard.data_span(store)
    if span is None:
        return {}
    got = period.resolve_period(
        None, None, None, None, span[1], date.today(), s.week_start, first_data_day=span[0]
    )
    memo: dict[Any, Any] = {}
    out: dict[str, float] = {}
    for name, first, hr in (
        ("12 weeks, fresh memo", got.first, None),
        ("12 weeks again, memo kept", got.first, None),
        ("12 weeks, memo kept, another heart rate", got.first, 150.0),
        ("all, memo of 12 weeks", None, None),
        ("all again, memo kept", None, None),
    ):
        started = time.perf_counter()
        efficiency.efficiency_data(store, s, first, got.as_of, heart_rate_bpm=hr, memo=memo)
        out[name] = time.perf_counter() - started
    return out


def _reset_peak_rss() -> bool:
    """Start this process's peak resident set afresh (Linux: ``5`` into
    ``/proc/self/clear_refs``); False where that cannot be done (the peak then counts from the
    process's start)."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
            handle.write("5")
    except OSError:
        return False
    return True


def samples_reads(store: Any, repeat: int) -> dict[str, float]:
    """The samples reads the pages make [s]: one run's samples as the one-run view reads them
    (the median over five runs spread over the history, each read once, so from cold row
    groups), and the runs of the Efficiency page's default period in one read (the median of
    ``repeat``; the page has read them before)."""
    from datetime import date

    from analysis import columns as c
    from analysis import dashboard
    from analysis.views import efficiency, period

    acts = store.activities()
    ids = [str(a) for a in acts[acts[c.SAMPLES] > 0][c.ACTIVITY_ID]]
    out: dict[str, float] = {}
    if not ids:
        return out
    spread = [ids[round(i * (len(ids) - 1) / 4)] for i in range(5)]
    times = []
    for activity_id in spread:
        started = time.perf_counter()
        store.samples(activity_id)
        times.append(time.perf_counter() - started)
    out["one run (the one-run view), median of 5 runs read once each"] = statistics.median(times)
    s = store.load_settings()
    span = dashboard.data_span(store)
    if span is not None:
        got = period.resolve_period(
            None, None, None, None, span[1], date.today(), s.week_start, first_data_day=span[0]
        )
        runs = efficiency._runs(store, got.first, got.as_of)
        wanted = [str(a) for a in runs[c.ACTIVITY_ID]]
        times = []
        for _ in range(max(repeat, 1)):
            started = time.perf_counter()
            store.samples_of(wanted, efficiency.SAMPLE_CHANNELS)
            times.append(time.perf_counter() - started)
        label = f"Efficiency's {len(wanted)} runs of its default period in one read, median"
        out[label] = statistics.median(times)
    return out


def child_server(store_path: Path, repeat: int) -> dict[str, Any]:
    """First call and median of ``repeat`` more of each page's preparation [s], and the peak
    RSS of each page's calls [bytes]."""
    from analysis.store import Store

    out: dict[str, Any] = {}
    with Store(store_path) as store:
        out["activity_count"] = store.activity_count()
        out["rss_reset"] = True
        for path, step in server_steps(store).items():
            _say(f"  server: /{path}")
            out["rss_reset"] = _reset_peak_rss() and out["rss_reset"]
            try:
                started = time.perf_counter()
                step()
                first = time.perf_counter() - started
                again = []
                for _ in range(repeat):
                    started = time.perf_counter()
                    step()
                    again.append(time.perf_counter() - started)
            except Exception as err:  # a page that fails is a figure too
                out[path] = {"error": f"{type(err).__name__}: {err}"}
                continue
            out[path] = {
                "first_s": first,
                "median_s": statistics.median(again),
                "peak_rss": _peak_rss(os.getpid()),
            }
        _say("  server: efficiency with its per-run memo")
        out["efficiency_memo"] = efficiency_periods(store)
        _say("  server: samples reads")
        out["samples_reads"] = samples_reads(store, repeat)
    return out


# ---- browser --------------------------------------------------------------------------------------


class _Wire:
    """Bytes the server sent over the page's websockets since the last :meth:`reset`."""

    def __init__(self, page: Any) -> None:
        self.bytes = 0
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload: str | bytes) -> None:
        self.bytes += len(payload)

    def reset(self) -> None:
        self.bytes = 0


Visit = tuple[float, int, int, int, int, float]
"""(seconds from navigation to ready, charts drawn, points in them, bytes received, script runs,
seconds from the last websocket message to ready)."""


def _ready(page: Any, title: str, started_ms: float, wire: _Wire) -> Visit:
    """Wait for the page to be ready; what it took to get there."""
    got = page.wait_for_function(READY_JS, arg=title, polling=25, timeout=NAV_TIMEOUT_MS)
    value = got.json_value()
    took = (value["changed"] - started_ms) / 1000.0
    tail = max(0.0, (value["changed"] - value["lastMessage"]) / 1000.0)
    return took, int(value["charts"]), int(value["points"]), wire.bytes, int(value["runs"]), tail


def _visit_url(page: Any, base: str, path: str, title: str, wire: _Wire) -> Visit:
    wire.reset()
    started = time.time() * 1000.0
    page.goto(f"{base}/{path}", wait_until="commit", timeout=NAV_TIMEOUT_MS)
    return _ready(page, title, started, wire)


def _visit_click(page: Any, title: str, wire: _Wire) -> Visit:
    page.evaluate(
        "() => { delete window.__benchSig; delete window.__benchChanged; window.__benchRuns = 0; }"
    )
    # the link's text also holds its icon's ligature ("home"): match the label alone
    link = page.locator('[data-testid="stSidebarNavLink"]').filter(
        has=page.get_by_text(title, exact=True)
    )
    wire.reset()
    started = time.time() * 1000.0
    link.first.click(timeout=NAV_TIMEOUT_MS)
    return _ready(page, title, started, wire)


def _peak_rss(pid: int) -> int | None:
    """Peak resident set of a process [bytes] (``VmHWM``; None off Linux)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def browse(data_dir: Path, repeat: int, env: dict[str, str]) -> dict[str, Any]:
    """Every page by URL (first visit, revisits) and by sidebar click, on one server."""
    from playwright.sync_api import sync_playwright

    from tests.browser_support import CHROMIUM_ARGS, find_chromium, streamlit_server

    chromium = find_chromium()
    if chromium is None:
        return {"error": "no Chromium found (install Debian's `chromium`)"}
    out: dict[str, Any] = {path: {"url": [], "click": []} for path, _ in PAGES}
    with sync_playwright() as pw, streamlit_server(data_dir, env) as base:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.add_init_script(COUNT_RUNS_JS)
            wire = _Wire(page)
            # the first visit of a fresh server in a fresh browser pays once for the server's
            # imports and the browser's empty cache, whichever page it is: measured apart, on
            # a page without charts, so each page's first visit below is its own
            _say("  browser: first visit of the fresh server (/settings)")
            try:
                out["cold_start"] = _visit_url(page, base, "settings", "Settings", wire)[0]
            except Exception as err:
                out["cold_start_error"] = f"{type(err).__name__}: {err}".splitlines()[0]
            for round_ in range(repeat + 1):
                for path, title in PAGES:
                    _say(f"  browser: /{path} by URL, round {round_ + 1}")
                    try:
                        took, charts, points, sent, runs, tail = _visit_url(
                            page, base, path, title, wire
                        )
                    except Exception as err:
                        out[path]["error"] = f"{type(err).__name__}: {err}".splitlines()[0]
                        continue
                    out[path]["url"].append(took)
                    out[path].update(charts=charts, points=points)
                    out[path].setdefault("url_bytes", []).append(sent)
                    out[path].setdefault("url_runs", []).append(runs)
                    out[path].setdefault("url_tail", []).append(tail)
            for round_ in range(repeat):
                for path, title in PAGES:
                    _say(f"  browser: /{path} by its sidebar link, round {round_ + 1}")
                    try:
                        took, _, _, sent, runs, tail = _visit_click(page, title, wire)
                    except Exception as err:
                        out[path]["error"] = f"{type(err).__name__}: {err}".splitlines()[0]
                        continue
                    out[path]["click"].append(took)
                    out[path].setdefault("click_bytes", []).append(sent)
                    out[path].setdefault("click_runs", []).append(runs)
                    out[path].setdefault("click_tail", []).append(tail)
        finally:
            browser.close()
            out["peak_rss"] = _peak_rss(base.pid)
    return out


# ---- report ---------------------------------------------------------------------------------------


def _ms(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds * 1000:,.0f}"


def _kb(count: float | None) -> str:
    return "—" if count is None else f"{count / 1000:,.0f}"


def _median(xs: list[float]) -> float | None:
    return statistics.median(xs) if xs else None


def _ratio(a: float | None, b: float | None) -> str:
    return "—" if a is None or not b else f"{a / b:.1f}x"


def summarise(server: dict[str, Any], browser: dict[str, Any]) -> dict[str, dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for path, _ in PAGES:
        b = browser.get(path, {})
        s = server.get(path)
        url = b.get("url", [])
        rows[path] = {
            "charts": b.get("charts"),
            "points": b.get("points"),
            "url_bytes": _median(b.get("url_bytes", [])[1:]),
            "click_bytes": _median(b.get("click_bytes", [])),
            "url_first": url[0] if url else None,
            "url_median": _median(url[1:]),
            "click_median": _median(b.get("click", [])),
            "url_tail": _median(b.get("url_tail", [])[1:]),
            "click_tail": _median(b.get("click_tail", [])),
            "runs": max([*b.get("url_runs", []), *b.get("click_runs", [])], default=None),
            "server_first": s.get("first_s") if isinstance(s, dict) else None,
            "server_median": s.get("median_s") if isinstance(s, dict) else None,
            "server_rss": s.get("peak_rss") if isinstance(s, dict) else None,
            "error": (s or {}).get("error") if isinstance(s, dict) else None,
            "browser_error": b.get("error"),
        }
    return rows


def print_table(label: str, rows: dict[str, dict[str, Any]], repeat: int, target_s: float) -> None:
    print(f"\n== {label} ==")
    print(f"{'page':<22} {'charts':>6} {'points':>7} {'sent kB':>7} {'runs':>4} | "
          f"{'browser [ms]: URL first':>23} {'URL med':>7} {'click med':>9} | "
          f"{'drawing [ms]: URL':>17} {'click':>5} | "
          f"{'server [ms]: first':>18} {'median':>6} {'RSS [MB]':>8} | verdict")  # fmt: skip
    for path, title in PAGES:
        r = rows[path]
        worst_browser = max((r[k] or 0.0) for k in ("url_first", "url_median", "click_median"))
        verdicts = []
        if r["url_first"] is not None:
            verdicts.append("browser ok" if worst_browser <= target_s else "BROWSER SLOW")
        if r["server_first"] is not None:
            slow = r["server_first"] > SERVER_TARGET_S
            verdicts.append("server SLOW" if slow else "server ok")
        charts = "—" if r["charts"] is None else str(r["charts"])
        points = "—" if r["points"] is None else f"{r['points']:,}"
        runs = "—" if r["runs"] is None else str(r["runs"])
        rss = "—" if r["server_rss"] is None else f"{r['server_rss'] / 1e6:,.0f}"
        print(f"{title:<22} {charts:>6} {points:>7} {_kb(r['url_bytes']):>7} {runs:>4} | "
              f"{_ms(r['url_first']):>23} {_ms(r['url_median']):>7} "
              f"{_ms(r['click_median']):>9} | {_ms(r['url_tail']):>17} "
              f"{_ms(r['click_tail']):>5} | {_ms(r['server_first']):>18} "
              f"{_ms(r['server_median']):>6} {rss:>8} | {', '.join(verdicts)}")  # fmt: skip
        for key in ("error", "browser_error"):
            if r[key]:
                print(f"{'':<22}   {key.replace('_', ' ')}: {r[key][:160]}")
    print(f"(median of {repeat}; browser target {target_s * 1000:.0f} ms from navigation to the "
          f"last chart drawn; server target {SERVER_TARGET_S * 1000:.0f} ms per page (first "
          "call); sent: bytes over the websocket for a revisit by URL; runs: most script runs "
          "one navigation caused; drawing: from the server's last message to ready; RSS: the "
          "server child's peak during the page's calls)")  # fmt: skip


def verdicts(name: str, rows: dict[str, dict[str, Any]], target_s: float) -> None:
    browser_worst = [
        (max(v for v in (r["url_first"], r["url_median"], r["click_median"]) if v is not None), t)
        for (path, t), r in ((p, rows[p[0]]) for p in PAGES)
        if r["url_first"] is not None
    ]
    server_worst = [(r["server_first"], t) for (path, t) in PAGES
                    if (r := rows[path])["server_first"] is not None]  # fmt: skip
    if browser_worst:
        worst, title = max(browser_worst)
        over = [t for v, t in browser_worst if v > target_s]
        print(f"{name}: browser <= {target_s:g} s: slowest {title}, {worst * 1000:,.0f} ms; "
              f"{'met' if not over else 'NOT met on ' + ', '.join(over)}")  # fmt: skip
    else:
        print(f"{name}: browser: not measured")
    if server_worst:
        worst, title = max(server_worst)
        over = [t for v, t in server_worst if v > SERVER_TARGET_S]
        print(f"{name}: server <= {SERVER_TARGET_S * 1000:.0f} ms: slowest {title}, "
              f"{worst * 1000:,.0f} ms (first call); "
              f"{'met' if not over else 'NOT met on ' + ', '.join(over)}")  # fmt: skip
    else:
        print(f"{name}: server: not measured")


def measure(data_dir: Path, store_path: Path, repeat: int, env: dict[str, str]) -> dict[str, Any]:
    _say(f"server data preparation on {store_path.name} (child process) ...")
    server = _run_child_pages(store_path, repeat)
    _say("browser (streamlit run + Chromium) ...")
    try:
        browser = browse(data_dir, repeat, env)
    except Exception as err:
        browser = {"error": f"{type(err).__name__}: {err}".splitlines()[0]}
    return {"server": server, "browser": browser}


def _run_child_pages(store_path: Path, repeat: int) -> dict[str, Any]:
    command = [sys.executable, "-m", "benchmarks.pages", "--child", str(store_path), str(repeat)]
    done = subprocess.run(command, cwd=repo_root(), stdout=subprocess.PIPE, text=True, check=False)
    for line in reversed(done.stdout.splitlines()):
        if line.startswith(CHILD_RESULT):
            result: dict[str, Any] = json.loads(line[len(CHILD_RESULT) :])
            return result
    return {"error": f"the child process exited with {done.returncode} and no figures"}


def _history(runs: int, seed: int, cache_dir: Path, workers: int, scratch: Path) -> Path:
    """Build (or reuse) the archive of ``runs`` runs and import it; its data directory."""
    _say(f"generation of {runs} runs ...")
    archive, reused, gen_s = generate(cache_dir, runs, seed, workers)
    print(f"archive: {archive.name} ({'reused' if reused else f'built in {gen_s:.1f} s'})")
    data_dir = scratch / f"archive-{runs}"
    data_dir.mkdir()
    _say("stridelog import ...")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "analysis.cli", "import", "--quiet",
                           "--data-dir", str(data_dir), str(archive)], cwd=repo_root(),
                          capture_output=True, text=True, check=False)  # fmt: skip
    print(f"import of {runs} runs: stridelog import took {time.perf_counter() - started:.1f} s "
          f"(exit {done.returncode})")  # fmt: skip
    if done.returncode != 0:
        print(f"import failed: {(done.stderr or done.stdout).strip()[-400:]}")
    return data_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--years", type=float, nargs="+", default=[5.0],
                        help="years of each history (5 = the archive's 1,500 runs)")  # fmt: skip
    parser.add_argument(
        "--runs", type=int, nargs="+", default=None, help="runs of each history (overrides --years)"
    )
    parser.add_argument("--seed", type=int, default=five_years.SEED)
    parser.add_argument("--cache-dir", type=Path, default=repo_root() / "build")
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--repeat", type=int, default=3, help="revisits and repeated calls")
    parser.add_argument("--no-baseline", action="store_true", help="leave out the demo athlete")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        result = child_server(Path(args.child[0]), int(args.child[1]))
        print(CHILD_RESULT + json.dumps(result), flush=True)
        return

    histories = args.runs or [round(five_years.RUNS * y / 5.0) for y in args.years]
    print(f"== pages on generated histories of {', '.join(map(str, histories))} runs, "
          f"seed {args.seed}, {os.cpu_count()} cores ==")  # fmt: skip
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="stridelog-pages-") as scratch_name:
        scratch = Path(scratch_name)
        if not args.no_baseline:
            demo_dir = scratch / "demo"
            demo_dir.mkdir()
            _say("stridelog demo (the baseline) ...")
            subprocess.run([sys.executable, "-m", "analysis.cli", "demo", "--data-dir",
                            str(demo_dir)], cwd=repo_root(), capture_output=True,
                           check=False)  # fmt: skip
            results["demo"] = measure(demo_dir, demo_dir / DEMO_DB, args.repeat, {})
        for runs in histories:
            data_dir = _history(runs, args.seed, args.cache_dir, args.workers, scratch)
            env = {"STRIDELOG_NO_DEMO": "1"}
            results[f"{runs} runs"] = measure(data_dir, data_dir / ATHLETE_DB, args.repeat, env)
            shutil.rmtree(data_dir, ignore_errors=True)

    tables: dict[str, dict[str, dict[str, Any]]] = {}
    targets: dict[str, float] = {}
    for name, got in results.items():
        server, browser = got["server"], got["browser"]
        if "error" in server:
            print(f"\n{name}: server figures missing: {server['error']}")
        if "error" in browser:
            print(f"\n{name}: browser figures missing: {browser['error']}")
            browser = {}
        tables[name] = summarise(server, browser)
        targets[name] = DEMO_BROWSER_TARGET_S if name == "demo" else BROWSER_TARGET_S
        count = server.get("activity_count", "?")
        what = (f"baseline: the demo athlete ({count} activities)" if name == "demo"
                else f"history of {name} ({count} activities)")  # fmt: skip
        print_table(what, tables[name], args.repeat, targets[name])
        for what, seconds in server.get("efficiency_memo", {}).items():
            print(f"Efficiency & tests data preparation, {what}: {seconds * 1000:,.0f} ms")
        for what, seconds in server.get("samples_reads", {}).items():
            print(f"samples read, {what}: {seconds * 1000:,.1f} ms")
        peaks = [r["server_rss"] for r in tables[name].values() if r["server_rss"] is not None]
        if peaks:
            scope = "each page's own" if server.get("rss_reset") else "cumulative"
            print(f"server child's peak RSS over the pages' preparation ({scope} peaks): "
                  f"{max(peaks) / 1e6:,.0f} MB")  # fmt: skip
        cold = browser.get("cold_start")
        if cold is not None:
            print(f"first visit of the fresh server (Settings, no charts; server imports and "
                  f"browser cache cold): {cold * 1000:,.0f} ms")  # fmt: skip
        rss = browser.get("peak_rss")
        if rss is not None:
            verdict = "met" if rss <= RSS_TARGET_BYTES else "NOT met"
            print(f"server peak RSS while browsing: {rss / 1e6:,.0f} MB (target 300 MB: {verdict})")

    names = [n for n in tables if n != "demo"]
    if len(names) > 1 or (names and "demo" in tables):
        base = ["demo"] if "demo" in tables else []
        print("\n== URL revisit median [ms] by history (growth with history) ==")
        print(f"{'page':<22} " + " ".join(f"{n:>10}" for n in base + names))
        for path, title in PAGES:
            cells = [_ms(tables[n][path]["url_median"]) for n in base + names]
            print(f"{title:<22} " + " ".join(f"{x:>10}" for x in cells))
        if base:
            last = names[-1]
            print(f"\n== ratio {last} / demo athlete (medians) ==")
            print(f"{'page':<22} {'URL revisit':>11} {'click':>7} {'server':>7}")
            for path, title in PAGES:
                a, d = tables[last][path], tables["demo"][path]
                print(f"{title:<22} {_ratio(a['url_median'], d['url_median']):>11} "
                      f"{_ratio(a['click_median'], d['click_median']):>7} "
                      f"{_ratio(a['server_median'], d['server_median']):>7}")  # fmt: skip

    print("\n== verdicts (issue 8 item 11, issue 10 item 3; printed, not asserted) ==")
    for name, rows in tables.items():
        verdicts(name, rows, targets[name])


if __name__ == "__main__":
    main()
