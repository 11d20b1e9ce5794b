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
