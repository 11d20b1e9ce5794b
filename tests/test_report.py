"""The static HTML report: self-contained, its sections, the N-week cut, escaping, the CLI."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
import re
from pathlib import Path

import pandas as pd
import plotly
import pytest
from streamlit.testing.v1 import AppTest

from analysis import dashboard
from analysis.cli import main
from analysis.config import ATHLETE_DB
from analysis.figures import captions
from analysis.prepare import prepare_activity
from analysis.report import SECTION_TITLES, build_report, in_period, period_start
from analysis.settings import AthleteSettings
from analysis.store import Store
from tests.conftest import REPO
from tests.factories import run_activity

FIRST_RUN = pd.Timestamp("2026-09-01T06:00:00Z")
AS_OF = dt.date(2026, 11, 20)  # a Friday, twelve weeks after the first run
HOSTILE = "<script>alert(1)</script>"
FIGURE = re.compile(
    r'<script type="application/json" class="figure" data-target="chart-([^"]+)">(.*?)</script>',
    re.S,
)


def _fill(path: Path, first: pd.Timestamp = FIRST_RUN, days: int = 84) -> None:
    """A run every other day for ``days`` days; the third-last carries a hostile name."""
    with Store(path) as store:
        for i in range(0, days, 2):
            day = first + pd.Timedelta(days=i)
            act = run_activity(
                name=f"run{i}.fit", start=day.isoformat(), n=200, hr_bpm=140.0 + i % 20
            )
            if i == days - 6:  # inside a report that ends two days before the last run
                act = dataclasses.replace(act, name=HOSTILE)
            digest = f"{i:02d}".ljust(64, "0")
            store.add_file(digest, act.source_name, "fit", 1, [prepare_activity(act, digest, 0)])


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / ATHLETE_DB
    _fill(path)
    return path


def _report(path: Path, weeks: int = 12, **settings: object) -> str:
    with Store(path, read_only=True) as store:
        return build_report(store, AthleteSettings(**settings), AS_OF, weeks, "Ana")


def _figures(document: str) -> dict[str, dict]:
    return {key: json.loads(body) for key, body in FIGURE.findall(document)}


def _days(values: list[str]) -> list[dt.date]:
    return [pd.Timestamp(v).date() for v in values]


def test_plotly_is_embedded_once_and_nothing_comes_from_a_network(store_path: Path) -> None:
    document = _report(store_path)
    assert document.startswith("<!DOCTYPE html>") and document.rstrip().endswith("</html>")
    assert document.count(f"plotly.js v{_plotlyjs_version()}") == 1
    assert not re.search(r"<script\b[^>]*\bsrc\s*=", document, re.I)
    assert not re.search(r"<link\b[^>]*\bhref\s*=", document, re.I)
    figures = _figures(document)
    # overview 2, mileage 4, training load 2 (twelve weeks of history), fitness 2, guidance 2
    assert len(figures) == 12
    assert all(fig["data"] for fig in figures.values())


def _plotlyjs_version() -> str:
    from plotly.offline import get_plotlyjs

    found = re.search(r"plotly\.js v([\d.]+)", get_plotlyjs()[:200])
    assert found, plotly.__version__
    return found.group(1)


def test_the_sections_carry_their_numbers_and_captions(store_path: Path) -> None:
    document = _report(store_path)
    assert re.findall(r"<h2>(.*?)</h2>", document) == [
        t.replace("&", "&amp;") for t in SECTION_TITLES
    ]
    assert "<title>Training report: Ana</title>" in document
    assert "Mon 31 Aug 2026 – Fri 20 Nov 2026" in document  # twelve Monday weeks
    for text in (
        "The week of Mon 16 Nov 2026, to Fri 20 Nov 2026",  # AS_OF lies in the past
        "ACWR on Fri 20 Nov 2026",
        "Fitness (CTL)",
        "Next week&#x27;s distance budget",
        "limited by the",
    ):
        assert text in document, text
    label = dashboard.LOAD_LABELS["distance"]
    for caption in (
        captions.overview_weeks("The week of Mon 16 Nov 2026"),
        captions.OVERVIEW_ACWR.format(label=label),
        captions.MILEAGE_WEEKLY.format(unit="km"),
        captions.MILEAGE_CHANGE,
        captions.MILEAGE_MONTHLY.format(unit="km"),
        captions.MILEAGE_LONGEST,
        captions.LOAD_DAILY,
        captions.LOAD_ACWR,
        captions.FITNESS_PMC,
        captions.FITNESS_MONOTONY,
        captions.GUIDANCE_CALENDAR,
        captions.GUIDANCE_LONG_RUN,
    ):
        assert f'<figcaption class="caption">{_escaped(caption)}</figcaption>' in document


def _escaped(text: str) -> str:
    return html.escape(text, quote=True)


def test_a_four_week_report_draws_only_those_weeks(store_path: Path) -> None:
    four, twelve = _figures(_report(store_path, weeks=4)), _figures(_report(store_path))
    first = dt.date(2026, 10, 26)  # Monday of the week three weeks before Fri 20 Nov
    assert period_start(AS_OF, 4) == first
    for key in ("mileage_weekly", "mileage_longest"):
        weeks = sorted({d for trace in four[key]["data"] for d in _days(trace["x"])})
        assert weeks == [first + dt.timedelta(weeks=i) for i in range(4)], key
    twelve_weeks = {d for t in twelve["mileage_weekly"]["data"] for d in _days(t["x"])}
    assert len(twelve_weeks) == 12  # the long report is not cut to four weeks too
    for key in ("load_daily", "load_acwr", "fitness_pmc", "fitness_monotony"):
        days = [d for trace in four[key]["data"] if "x" in trace for d in _days(trace["x"])]
        assert min(days) == first and max(days) == AS_OF, key
    calendar_rows = four["guidance_calendar"]["data"][0]["y"]
    assert len(calendar_rows) == 4


def test_in_period_keeps_both_ends() -> None:
    frame = pd.DataFrame({"date": pd.date_range("2026-01-01", periods=10), "load": range(10)})
    cut = in_period(frame, "date", dt.date(2026, 1, 3), dt.date(2026, 1, 5))
    assert cut["load"].tolist() == [2, 3, 4]
    assert list(cut.index) == [0, 1, 2]


def test_period_start_follows_the_week_convention() -> None:
    assert period_start(AS_OF, 1) == dt.date(2026, 11, 16)
    assert period_start(AS_OF, 1, "sunday") == dt.date(2026, 11, 15)
    assert period_start(AS_OF, 4, "sunday") == dt.date(2026, 10, 25)
    with pytest.raises(ValueError):
        period_start(AS_OF, 0)


def test_user_strings_are_escaped(store_path: Path) -> None:
    with Store(store_path, read_only=True) as store:
        document = build_report(store, AthleteSettings(), AS_OF, 2, '<img src=x onerror="x()">')
    assert HOSTILE not in document
    assert "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>" in document
    assert "<img" not in document
    assert "&lt;img src=x onerror=&quot;x()&quot;&gt;" in document


def test_distances_follow_the_units_setting(store_path: Path) -> None:
    document = _report(store_path, units="mi")
    figures = _figures(document)
    assert figures["mileage_weekly"]["layout"]["yaxis"]["title"]["text"] == "Distance [mi]"
    assert "distances in mi" in document
    assert re.search(r"<dt>Distance in the period</dt><dd>[\d.]+ mi</dd>", document)


def test_a_report_in_miles_never_says_km(store_path: Path) -> None:
    document = _report(store_path, units="mi")
    # what a reader sees: the text outside the scripts, and every figure's titles and labels
    text = re.sub(r"<script\b.*?</script>", " ", document, flags=re.S)
    assert "<h2>Race &amp; blocks</h2>" in text
    assert not re.search(r"\bkm\b", html.unescape(re.sub(r"<[^>]+>", " ", text)))
    for key, fig in _figures(document).items():
        assert not re.search(r"\bkm\b", json.dumps(fig["layout"])), key
        for trace in fig["data"]:
            for field in ("name", "hovertemplate", "text"):
                assert not re.search(r"\bkm\b", json.dumps(trace.get(field, ""))), (key, field)


def test_an_empty_store_gives_a_report_with_nothing_to_show(tmp_path: Path) -> None:
    with Store(tmp_path / ATHLETE_DB) as store:
        document = build_report(store, AthleteSettings(), AS_OF, 4)
    assert document.startswith("<!DOCTYPE html>") and document.rstrip().endswith("</html>")
    assert "Nothing to show yet" in document
    assert "<section" not in document and not FIGURE.search(document)
    assert "plotly.js v" not in document  # no charts, so no 4 MB of plotly either


def test_cli_writes_the_report(
    store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "coach.html"
    args = ["report", "--weeks", "4", "-o", str(out), "--data-dir", str(store_path.parent)]
    assert main([*args, "--as-of", "2026-11-20", "--name", "Ana"]) == 0
    assert str(out) in capsys.readouterr().out
    document = out.read_text(encoding="utf-8")
    assert "<title>Training report: Ana</title>" in document
    assert "Mon 26 Oct 2026 – Fri 20 Nov 2026 (4 weeks)" in document
    assert len(_figures(document)) == 12


def test_cli_report_ends_where_old_data_ends(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = pd.Timestamp(dt.date.today() - dt.timedelta(days=400), tz="UTC") + pd.Timedelta(hours=6)
    _fill(tmp_path / ATHLETE_DB, first=first, days=28)
    out = tmp_path / "old.html"
    assert main(["report", "-o", str(out), "--data-dir", str(tmp_path)]) == 0
    last = (first + pd.Timedelta(days=26)).date()
    err = capsys.readouterr().err
    # the last day with data counts wellness entries too, and the message says so
    assert "no activity or wellness entry in the last 12 weeks" in err
    assert f"{last:%Y-%m-%d}" in err
    assert f"– {last:%a %d %b %Y} (12 weeks)" in out.read_text(encoding="utf-8")


def test_cli_without_a_store_exits_1_naming_the_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "never.html"
    assert main(["report", "-o", str(out), "--data-dir", str(tmp_path / "nowhere")]) == 1
    assert str(tmp_path / "nowhere" / ATHLETE_DB) in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("pages/overview.py", [captions.OVERVIEW_WEEKS]),
        (
            "pages/mileage.py",
            [
                captions.MILEAGE_WEEKLY.format(unit="km"),
                captions.MILEAGE_CHANGE,
                captions.MILEAGE_MONTHLY.format(unit="km"),
                captions.MILEAGE_LONGEST,
            ],
        ),
        ("pages/training_load.py", [captions.LOAD_DAILY, captions.LOAD_ACWR]),
        ("pages/fitness.py", [captions.FITNESS_PMC, captions.FITNESS_MONOTONY]),
        ("pages/guidance.py", [captions.GUIDANCE_CALENDAR, captions.GUIDANCE_LONG_RUN]),
    ],
)
def test_pages_say_what_the_report_says(
    page: str, expected: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(tmp_path / ATHLETE_DB)
    monkeypatch.setenv("STRIDELOG_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("STRIDELOG_NO_DEMO", "1")
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    shown = [el.value for el in at.caption]
    for caption in expected:
        assert caption in shown, (page, caption)


def test_a_decision_on_nothing_known_is_not_a_push(tmp_path: Path) -> None:
    # one run on the report's last day: no ratio (under 28 days), no monotony (under 7 days),
    # no complete week for a ramp, no wellness: push would be a green light on nothing
    _fill(tmp_path / ATHLETE_DB, first=pd.Timestamp("2026-11-20T06:00:00Z"), days=2)
    document = _report(tmp_path / ATHLETE_DB)
    assert "<dt>Decision for Fri 20 Nov 2026</dt><dd>not enough data</dd>" in document


def _runs_on(path: Path, days: list[pd.Timestamp]) -> None:
    """One run at 06:00 UTC on each day, each from its own file."""
    with Store(path) as store:
        for day in days:
            act = run_activity(name=f"{day:%Y%m%d}.fit", start=day.isoformat(), n=200)
            digest = f"{day:%Y%m%d}".ljust(64, "1")
            store.add_file(digest, act.source_name, "fit", 1, [prepare_activity(act, digest, 0)])


def test_a_return_after_a_break_is_named_instead_of_a_ratio(tmp_path: Path) -> None:
    path = tmp_path / ATHLETE_DB
    # every other day from Wed 1 Jul to Sat 8 Aug 2026, then nothing until Sat 14 Nov, then
    # every other day to Fri 20 Nov. The break runs 9 Aug–13 Nov: 23 + 30 + 31 + 13 = 97 days;
    # on 20 Nov the stretch after it holds 14..20 Nov = 7 recorded days, under the floor of 28
    before = pd.date_range("2026-07-01T06:00:00Z", "2026-08-08T06:00:00Z", freq="2D")
    after = pd.date_range("2026-11-14T06:00:00Z", "2026-11-20T06:00:00Z", freq="2D")
    _runs_on(path, [*before, *after])
    with Store(path, read_only=True) as store:
        ld = dashboard.load_data(store, AthleteSettings(), AS_OF)
        overview = dashboard.overview_data(store, AthleteSettings(), AS_OF)
    # the series holds ratios (it spans 143 days, so the chart stays) but 20 Nov has none
    assert ld.history_days == 143 and ld.enough_history
    assert ld.recorded_days == 7 and not ld.enough_history_today and ld.current_acwr is None
    back = ld.return_after_break
    assert back is not None and overview["return_after_break"] == back
    assert back["break_days"] == 97 and back["days_since_return"] == 7
    assert back["return_day"] == pd.Timestamp("2026-11-14")
    document = _report(path)
    assert "Back after 97 days without recorded training" in document
    assert "Not enough history yet: the ratio needs 28 days" not in document  # the warning


def test_the_daily_export_says_how_form_and_breaks_are_read(tmp_path: Path) -> None:
    with Store(tmp_path / ATHLETE_DB) as store:
        store.save_settings(AthleteSettings(pmc_convention="runalyze"))
        _, header = dashboard.daily_export(store)
    tsb = next(line for line in header if line.startswith("ctl/atl/tsb"))
    assert "today's fitness minus today's fatigue" in tsb and "yesterday" not in tsb
    assert any("more than 14 days without load" in line and "empty" in line for line in header)


def test_a_report_that_ends_in_the_past_never_says_this_week(store_path: Path) -> None:
    with Store(store_path, read_only=True) as store:
        past = build_report(store, AthleteSettings(), AS_OF, 4, today=AS_OF + dt.timedelta(days=30))
        now = build_report(store, AthleteSettings(), AS_OF, 4, today=AS_OF)
        sunday = build_report(
            store, AthleteSettings(week_start="sunday"), AS_OF, 4, today=dt.date(2027, 1, 1)
        )
    assert "this week" not in past.lower()
    # AS_OF is Friday 20 Nov 2026: its Monday week starts on the 16th, its Sunday week the 15th
    assert "The week of Mon 16 Nov 2026, to Fri 20 Nov 2026" in past
    assert "The week of Sun 15 Nov 2026" in sunday
    assert "This week so far" in now
    assert "vs the same days last week" in now
