"""`stridelog parse | import | export --daily`, in process and as the installed console script."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.cli import main
from analysis.config import ATHLETE_DB
from analysis.store import Store
from tests.gpx_builder import gpx_bytes

FIELDS = {
    "file", "format", "sport", "start_time_utc", "start_time_local", "timezone_source",
    "duration_s", "moving_time_s", "distance_m", "samples", "avg_heart_rate_bpm",
    "avg_cadence_spm",
}  # fmt: skip


def test_parse_prints_one_json_object_per_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "run.gpx"
    good.write_bytes(gpx_bytes(start="2026-05-04T06:00:00Z", n=121, step_s=5))
    bad = tmp_path / "broken.fit"
    bad.write_bytes(b"nonsense")
    assert main(["parse", str(good), str(bad)]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert len(lines) == 2
    run, err = lines
    assert set(run) >= FIELDS
    assert run["format"] == "gpx" and run["sport"] == "running"
    assert run["start_time_utc"] == "2026-05-04T06:00:00+00:00"
    assert run["start_time_local"] == "2026-05-04T08:00:00"  # Berlin, summer time, from GPS
    assert run["timezone_source"] == "gps"
    assert run["samples"] == 121
    assert run["distance_m"] == pytest.approx(120 * 5 * 3.0, rel=1e-3)
    assert run["avg_heart_rate_bpm"] == pytest.approx(145.0)
    assert run["avg_cadence_spm"] == pytest.approx(170.0)  # 85 per leg, doubled
    assert set(err) == {"file", "error"} and err["file"].endswith("broken.fit")


def test_parse_of_many_files_on_every_core_keeps_their_order(tmp_path: Path) -> None:
    """From PARSE_POOL_MIN_FILES files on, parse runs in forked processes: the same lines as
    one file at a time, in the order of the arguments, a broken file's error among them."""
    from analysis.cli import PARSE_POOL_MIN_FILES, parse_records
    from analysis.csvsafe import terminal_safe_json

    demo = sorted((Path(__file__).parent.parent / "sample_data" / "demo").glob("*.fit"))
    files = [*demo[: PARSE_POOL_MIN_FILES + 2]]
    bad = tmp_path / "broken.fit"
    bad.write_bytes(b"nonsense")
    files.insert(3, bad)
    done = subprocess.run(
        [sys.executable, "-m", "analysis.cli", "parse", *map(str, files)],
        capture_output=True, text=True, check=True, cwd=Path(__file__).parent.parent,
    )  # fmt: skip
    expected = [terminal_safe_json(r) for path in files for r in parse_records(path)]
    assert len(expected) >= len(files)
    assert done.stdout.splitlines() == expected
    assert json.loads(done.stdout.splitlines()[3])["file"].endswith("broken.fit")


def test_wrong_arguments_exit_2() -> None:
    with pytest.raises(SystemExit) as exc:
        main(["parse"])
    assert exc.value.code == 2


def test_import_then_export_daily(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "runs"
    folder.mkdir()
    # three runs of 1.8 km on days 1, 2 and 4 (Berlin mornings)
    for day in (4, 5, 7):
        (folder / f"may{day}.gpx").write_bytes(
            gpx_bytes(start=f"2026-05-0{day}T06:00:00Z", n=121, step_s=5)
        )
    data = tmp_path / "data"
    assert main(["import", str(folder), "--data-dir", str(data), "--quiet"]) == 0
    assert "3 imported" in capsys.readouterr().out
    assert main(["import", str(folder), "--data-dir", str(data), "--quiet"]) == 0
    assert "0 imported" in capsys.readouterr().out
    with Store(data / ATHLETE_DB) as store:  # a taper block over the last two days
        store.add_block("2026-05-06", "2026-05-07", "taper", None)
    assert main(["export", "--daily", "--data-dir", str(data)]) == 0
    out = capsys.readouterr().out
    header = [x for x in out.splitlines() if x.startswith("#")]
    assert any("load model: distance" in h for h in header)
    rows = list(
        csv.DictReader(io.StringIO("\n".join(x for x in out.splitlines() if not x.startswith("#"))))
    )
    assert [r["date"] for r in rows] == ["2026-05-04", "2026-05-05", "2026-05-06", "2026-05-07"]
    assert [float(r["distance_m"]) for r in rows] == pytest.approx([1800, 1800, 0, 1800], rel=1e-3)
    assert [float(r["load"]) for r in rows] == pytest.approx([1.8, 1.8, 0, 1.8], rel=1e-3)
    assert all(r["acwr"] == "" for r in rows)  # under 28 days: no ratio
    assert {"acute_load", "chronic_load", "load_model", "acwr_variant"} <= set(rows[0])
    assert {"ctl", "atl", "tsb", "monotony", "strain", "resting_hr_bpm", "hrv_rmssd_ms"} <= set(
        rows[0]
    )
    # CTL on day 1 with the TrainingPeaks convention: 0 + (1.8 - 0) / 42
    assert float(rows[0]["ctl"]) == pytest.approx(1.8 / 42, rel=1e-3)
    assert rows[0]["acwr_variant"] == "rolling"
    assert [r["block_kind"] for r in rows] == ["", "", "taper", "taper"]


def test_export_without_a_store_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--daily", "--data-dir", str(tmp_path)]) == 2
    assert "import files first" in capsys.readouterr().err


def test_console_script_is_installed(tmp_path: Path) -> None:
    exe = shutil.which("stridelog", path=str(Path(sys.executable).parent))
    assert exe, "the `stridelog` console script is declared in pyproject and installed"
    f = tmp_path / "x.gpx"
    f.write_bytes(gpx_bytes(n=10))
    out = subprocess.run([exe, "parse", str(f)], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout)["format"] == "gpx"


def test_import_an_export_zip_writes_a_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sample_data.archives import strava_export_zip

    export = strava_export_zip()
    zipped = tmp_path / export.name
    zipped.write_bytes(export.data)
    report = tmp_path / "report.csv"
    data = tmp_path / "data"
    assert (
        main(["import", str(zipped), "--data-dir", str(data), "--quiet", "--report", str(report)])
        == 0
    )
    rows = list(csv.DictReader(report.open(encoding="utf-8")))
    statuses = {r["file"]: r["status"] for r in rows}
    assert statuses["activities.csv"] == "imported"
    assert sum(s == "imported" for s in statuses.values()) == 7
    assert {"file", "status", "message", "timezone_source", "duplicates", "fixes"} <= set(rows[0])


# ---- every failure per file ------------------------------------------------------------------


def test_import_reports_bad_dated_logs_and_plans_and_imports_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sample_data.fit_encoder import encode_activity
    from tests.factories import run_samples

    folder = tmp_path / "batch"
    folder.mkdir()
    files = {
        "good.fit": encode_activity(
            run_samples(start="2026-05-04T06:00:00Z", n=120, step_s=5.0), utc_offset_s=7200
        ),
        "wellness-with-year-1600.csv": b"date,resting_hr_bpm\n2026-05-04,48\n1600-05-05,49\n",
        "plan-with-2999.csv": b"week_start,distance_km\n2026-05-04,40\n2999-05-11,42\n",
        "good.gpx": gpx_bytes(start="2026-05-06T06:00:00Z", n=121, step_s=5),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    report = tmp_path / "report.csv"
    args = ["import", *(str(folder / name) for name in files), "--data-dir", str(tmp_path / "d")]
    assert main([*args, "--quiet", "--report", str(report)]) == 0
    out = capsys.readouterr().out
    assert "4 files: 2 imported, 2 failed" in out
    rows = {r["file"]: r for r in csv.DictReader(report.open(encoding="utf-8"))}
    assert list(rows) == list(files)
    assert rows["good.fit"]["status"] == rows["good.gpx"]["status"] == "imported"
    assert rows["wellness-with-year-1600.csv"]["status"] == "failed"
    assert rows["wellness-with-year-1600.csv"]["message"] == (
        "the date '1600-05-05' on line 3 is outside the supported range (1678–2261)"
    )
    assert rows["plan-with-2999.csv"]["status"] == "failed"
    assert (
        "'2999-05-11' on line 3 is outside the supported range"
        in (rows["plan-with-2999.csv"]["message"])
    )


# ---- injection-safe CSV, escaped terminal names ----------------------------------------------

HOSTILE_NOTES = [
    '=HYPERLINK("http://example.invalid","x")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-2+3",
    "-3.5",
]


def test_export_daily_prefixes_hostile_wellness_notes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "wellness.csv"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["date", "resting_hr_bpm", "notes"])
    for day, note in enumerate(HOSTILE_NOTES, start=4):
        writer.writerow([f"2026-05-{day:02d}", 48, note])
    log.write_text(buffer.getvalue(), encoding="utf-8")
    data = tmp_path / "data"
    assert main(["import", str(log), "--data-dir", str(data), "--quiet"]) == 0
    capsys.readouterr()
    out_file = tmp_path / "daily.csv"
    assert main(["export", "--daily", "--data-dir", str(data), "-o", str(out_file)]) == 0
    text = out_file.read_text(encoding="utf-8")
    rows = list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))
    assert [r["notes"] for r in rows] == [
        '\'=HYPERLINK("http://example.invalid","x")',
        "'+cmd|' /C calc'!A0",
        "'@SUM(1+1)",
        "'-2+3",
        "-3.5",  # a number stays a number
    ]
    assert [float(r["resting_hr_bpm"]) for r in rows] == [48.0] * 5


def _zip(members: dict[str, bytes]) -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


HOSTILE_NAMES = ["=HYPERLINK(1)", "+cmd|calc", "@SUM(1)", "-rf", "\tx", "\rx"]


def test_import_report_prefixes_hostile_file_and_member_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    members = {
        f"{name}.gpx": gpx_bytes(start=f"2026-05-{day:02d}T06:00:00Z", n=30)
        for day, name in enumerate(HOSTILE_NAMES, start=4)
    }
    archive = tmp_path / "export.zip"
    archive.write_bytes(_zip(members))
    loose = tmp_path / "=cmd|' calc'!A0.gpx"
    loose.write_bytes(gpx_bytes(start="2026-05-20T06:00:00Z", n=30))
    report = tmp_path / "report.csv"
    data = tmp_path / "data"
    args = ["import", str(archive), str(loose), "--data-dir", str(data), "--quiet"]
    assert main([*args, "--report", str(report)]) == 0
    capsys.readouterr()
    with report.open(encoding="utf-8", newline="") as handle:
        files = [row["file"] for row in csv.DictReader(handle)]
    expected = [f"'{name.replace(chr(13), chr(10))}.gpx" for name in HOSTILE_NAMES]
    assert sorted(files) == sorted([*expected, "'=cmd|' calc'!A0.gpx"])
    assert not any(f.startswith(("=", "+", "-", "@", "\t", "\r")) for f in files)


def test_member_names_with_terminal_escapes_are_printed_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "export.zip"
    archive.write_bytes(
        _zip({"runs/\x1b[31mred\x1b[0m.gpx": gpx_bytes(n=30), "runs/\x9b2Jclear.gpx": b"junk"})
    )
    assert main(["import", str(archive), "--data-dir", str(tmp_path / "d")]) == 0
    captured = capsys.readouterr()
    for stream in (captured.out, captured.err):
        assert "\x1b" not in stream and "\x9b" not in stream
    assert "runs/\\x1b[31mred\\x1b[0m.gpx" in captured.out
    assert "runs/\\x1b[31mred\\x1b[0m.gpx" in captured.err  # the progress line
    assert "runs/\\x9b2Jclear.gpx" in captured.out


def test_parse_prints_control_characters_as_json_escapes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "a\x9b2J\u202e.fit"
    bad.write_bytes(b"nonsense")
    assert main(["parse", str(bad)]) == 0
    out = capsys.readouterr().out
    assert "\x9b" not in out and "\u202e" not in out
    assert json.loads(out)["file"] == str(bad)


# ---- the ACWR coverage floor ------------------------------------------------------------------


@pytest.mark.parametrize("variant", ["rolling", "uncoupled", "ewma"])
def test_export_daily_with_a_stored_floor_of_7_days(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], variant: str
) -> None:
    from analysis.config import ATHLETE_DB
    from analysis.settings import AthleteSettings
    from analysis.store import Store

    folder = tmp_path / "runs"
    folder.mkdir()
    # 3.6 km on May 1, then 1.8 km a day up to May 9 (Berlin mornings)
    for day in range(1, 10):
        n = 241 if day == 1 else 121
        (folder / f"may{day}.gpx").write_bytes(
            gpx_bytes(start=f"2026-05-0{day}T06:00:00Z", n=n, step_s=5)
        )
    data = tmp_path / "data"
    assert main(["import", str(folder), "--data-dir", str(data), "--quiet"]) == 0
    with Store(data / ATHLETE_DB) as store:
        old = AthleteSettings(acwr_variant=variant)
        object.__setattr__(old, "acwr_min_chronic_days", 7)  # as earlier versions saved it
        store.save_settings(old)
        assert store.load_settings().acwr_min_chronic_days == 8  # lifted to the least allowed
        assert store.load_settings().acwr_variant == variant  # nothing else lost
    capsys.readouterr()
    assert main(["export", "--daily", "--data-dir", str(data)]) == 0
    out = capsys.readouterr().out
    rows = list(
        csv.DictReader(io.StringIO("\n".join(x for x in out.splitlines() if not x.startswith("#"))))
    )
    acwr = [float(r["acwr"]) if r["acwr"] else None for r in rows]
    assert [float(r["load"]) for r in rows] == pytest.approx([3.6] + [1.8] * 8, rel=1e-3)
    assert acwr[:7] == [None] * 7
    if variant == "rolling":  # 1.8 over the mean of all days so far
        expected = [1.8 / ((3.6 + 7 * 1.8) / 8), 1.8 / ((3.6 + 8 * 1.8) / 9)]
    elif variant == "uncoupled":  # 1.8 over the mean of the days before the acute week
        expected = [1.8 / 3.6, 1.8 / ((3.6 + 1.8) / 2)]
    else:  # EWMA seeded with 3.6: 1.8 + 1.8 (1 - λ)^t, λ = 2/8 and 2/29
        expected = [(1.8 + 1.8 * 0.75**t) / (1.8 + 1.8 * (27 / 29) ** t) for t in (7, 8)]
    assert acwr[7:] == pytest.approx(expected, rel=2e-3)
