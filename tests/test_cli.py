"""`stridelog parse | import | export --daily`, in process and as the installed console script."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from analysis.cli import main
from analysis.config import ATHLETE_DB
from analysis.store import Store
from tests.conftest import corpus_files
from tests.gpx_builder import gpx_bytes
from tests.test_fit_equivalence import fit_streams

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


# ---- parse summarises FIT files from arrays, without pandas -------------------------------------


def _both_ways(path: Path) -> list[dict[str, object]]:
    """parse's records of a file from the arrays, checked equal to those from the frames."""
    from analysis.cli import parse_records

    fast = parse_records(path)
    assert fast == parse_records(path, frames=True), path.name
    return fast


def _array_summary_used(path: Path) -> bool:
    """Whether a FIT file that parses is summarised from its arrays, not left to the frames."""
    from analysis.cli import _fit_records
    from analysis.errors import ParseError

    try:
        return _fit_records(str(path), path.read_bytes(), path.name, None) is not None
    except ParseError:
        return True  # refused: the same words either way, no frame needed


CORPUS_FILES = [p for sub in ("fit", "gpx", "tcx", "csv") for p in corpus_files(sub, "")]


@pytest.mark.corpus
@pytest.mark.parametrize(
    "path", CORPUS_FILES, ids=[f"{p.parent.name}/{p.name}" for p in CORPUS_FILES]
)
def test_parse_prints_the_same_from_arrays_as_from_frames_on_every_corpus_file(
    corpus_dir: Path, path: Path
) -> None:
    records = _both_ways(path)
    assert records
    if path.suffix.lower() == ".fit":
        assert _array_summary_used(path)


def test_parse_prints_the_same_from_arrays_as_from_frames_on_the_demo_files() -> None:
    demo = sorted((Path(__file__).parent.parent / "sample_data" / "demo").iterdir())
    fit = [p for p in demo if p.suffix == ".fit"]
    assert len(fit) > 10
    for path in demo:
        _both_ways(path)
    assert all(_array_summary_used(p) for p in fit)


def _hand_run(
    *, speed: bool, distance: bool, gps: bool, session: bool, offset: int | None
) -> bytes:
    """Ten records 1 s apart (one repeated), optional channels, session and local offset."""
    from tests.fit_helpers import (
        ACTIVITY,
        ENUM,
        RECORD,
        SESSION,
        SINT32,
        SPORT_RUNNING,
        UINT8,
        UINT16,
        UINT32,
        Field,
        file_id,
        fit_file,
        message,
    )

    t0 = 1_100_000_000
    records = []
    for i, t in enumerate([0, 1, 2, 2, 3, 4, 40, 41, 42, 43]):  # a pause after 4 s
        fields = [Field(253, UINT32, t0 + t), Field(3, UINT8, 140 + i), Field(4, UINT8, 85)]
        if speed:
            fields.append(Field(6, UINT16, 0 if i == 5 else 3000 + 10 * i))  # mm/s
        if distance:
            fields.append(Field(5, UINT32, 300 * t))  # cm
        if gps:  # semicircles near 52.5 N, 13.4 E (Berlin); the first one is null island
            lat, lon = (0, 0) if i == 0 else (626_349_397 + 500 * i, 159_868_738 + 300 * i)
            fields += [Field(0, SINT32, lat), Field(1, SINT32, lon)]
        records.append(message(RECORD, *fields))
    extra = []
    if session:
        extra.append(
            message(
                SESSION,
                Field(2, UINT32, t0),
                Field(5, ENUM, SPORT_RUNNING),
                Field(7, UINT32, 44_000),  # total_elapsed_time [ms]
            )
        )
    if offset is not None:
        extra.append(
            message(ACTIVITY, Field(253, UINT32, t0 + 44), Field(5, UINT32, t0 + 44 + offset))
        )
    return fit_file(file_id(), *records, *extra)


@pytest.mark.parametrize(
    ("speed", "distance", "gps", "session", "offset"),
    [
        (True, True, True, True, 7200),
        (False, False, True, True, None),  # distance from the track, speed from distance
        (False, True, False, False, None),  # speed from distance, no session
        (True, False, False, True, None),  # distance from speed
        (False, False, False, False, 0),
        (True, True, True, False, 0),  # offset 0 with GPS: the zone at the first fix
        (False, False, False, True, -3600),
    ],
)
def test_parse_from_arrays_on_hand_built_fit_files(
    tmp_path: Path, speed: bool, distance: bool, gps: bool, session: bool, offset: int | None
) -> None:
    path = tmp_path / "run.fit"
    path.write_bytes(
        _hand_run(speed=speed, distance=distance, gps=gps, session=session, offset=offset)
    )
    (record,) = _both_ways(path)
    assert _array_summary_used(path)
    assert record["samples"] == 9  # the repeated time counts once
    if gps and offset in (None, 0):
        assert record["timezone"] == "Europe/Berlin" and record["timezone_source"] == "gps"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fit_streams())
def test_parse_from_arrays_on_random_fit_streams(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "random.fit"
        path.write_bytes(data)
        _both_ways(path)


def test_parse_from_arrays_leaves_unusual_times_to_the_frames() -> None:
    from analysis.cli import fit_summary
    from analysis.parsers.fit import read_fit_legs

    demo = Path(__file__).parent.parent / "sample_data" / "demo"
    path = next(p for p in sorted(demo.iterdir()) if p.suffix == ".fit")
    (leg,) = read_fit_legs(path.read_bytes(), path.name)
    assert fit_summary(leg) is not None
    leg.times = leg.times + 0.5  # not whole seconds: nanosecond rounding is the frames' job
    assert fit_summary(leg) is None


def test_the_array_summary_and_the_schema_share_one_set_of_rules() -> None:
    from analysis import cli, samplemath, schema

    # one definition, not equal copies: the same objects
    assert cli.PLAUSIBLE is schema.PLAUSIBLE is samplemath.PLAUSIBLE
    assert cli.sample_durations is schema.sample_durations
    assert cli.track_distance_m is schema.track_distance_m


@pytest.mark.parametrize(
    "text", ["plain ascii", "café", "tab\there", "del\x7f", "c1\x9b", "bidi\u202e", "日本"]
)
def test_json_line_is_terminal_safe_json(text: str) -> None:
    from analysis.cli import json_line
    from analysis.csvsafe import terminal_safe_json

    record = {"file": text, "fixes": [text]}
    assert json_line(record) == terminal_safe_json(record)


def test_parse_of_a_fit_file_imports_no_pandas() -> None:
    demo = Path(__file__).parent.parent / "sample_data" / "demo"
    fit = [str(p) for p in sorted(demo.iterdir()) if p.suffix == ".fit"][:3]
    script = (
        "import sys\nfrom analysis.cli import main\nmain(['parse', *sys.argv[1:]])\n"
        "print(sorted(m for m in ('pandas', 'pyarrow', 'duckdb') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, *fit],
        capture_output=True, text=True, check=True, cwd=Path(__file__).parent.parent,
    )  # fmt: skip
    lines = done.stdout.splitlines()
    assert len(lines) == len(fit) + 1
    assert lines[-1] == "[]"
