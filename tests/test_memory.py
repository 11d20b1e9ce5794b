"""Memory bounded by design: big inputs read in bounded memory, limits refused by name.

Peak memory is a budget, not a timing, so it is asserted: a child process reads a generated
file and reports its own peak resident memory (``VmHWM``), with a bound generous enough for any
machine yet far below what reading the whole tree at once costs (about 3.6 GB per million
points before the readers streamed).
"""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from lxml import etree

from analysis.archive import ArchiveLimits, Member, Refusal, iter_members, iter_paths
from analysis.errors import ParseError
from analysis.limits import ImportLimits, current_limits
from analysis.parsers import gpx as gpx_parser
from analysis.parsers import gunzip_bounded, parse_bytes, xmlsafe
from analysis.parsers.gpx import read_gpx
from analysis.parsers.tcx import read_tcx

REPO = Path(__file__).resolve().parents[1]
TPX = "http://www.garmin.com/xmlschemas/TrackPointExtension/v1"
MiB = 1024 * 1024


def trackpoints(n: int, start: int = 1_714_543_200) -> str:
    """``n`` Garmin-style GPX points at 1 s, going back and forth along a 3 km line."""
    import time

    rows = []
    for i in range(n):
        leg, step = divmod(i, 2_000)
        lat = 46.0 + (step if leg % 2 == 0 else 2_000 - step) * 1.35e-5
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start + i))
        rows.append(
            f'<trkpt lat="{lat:.7f}" lon="7.0"><ele>{500 + i % 300}</ele><time>{stamp}</time>'
            f"<extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>{120 + i % 50}</gpxtpx:hr>"
            "</gpxtpx:TrackPointExtension></extensions></trkpt>\n"
        )
    return "".join(rows)


def gpx_document(points: str, metadata: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="t" '
        f'xmlns="http://www.topografix.com/GPX/1/1" xmlns:gpxtpx="{TPX}">{metadata}'
        f"<trk><type>running</type><trkseg>\n{points}</trkseg></trk></gpx>\n"
    ).encode()


def write_gpx_gz(path: Path, n: int) -> None:
    """A GPX of ``n`` points streamed into gzip, never whole in this process's memory."""
    with gzip.open(path, "wb", compresslevel=1) as out:
        head, tail = gpx_document("@").split(b"@")
        out.write(head)
        for first in range(0, n, 10_000):
            out.write(trackpoints(min(10_000, n - first), 1_714_543_200 + first).encode())
        out.write(tail)


def zeros_gzip(mib: int) -> bytes:
    """``mib`` MiB of zeros as one gzip member (about 1 kB per MiB), built in steps."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(MiB)
    return b"".join(packer.compress(block) for _ in range(mib)) + packer.flush()


_CHILD = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
from analysis.parsers import parse_bytes
from analysis.errors import ParseError

def peak_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise SystemExit("no VmHWM")

baseline = peak_mb()
path = sys.argv[2]
data = open(path, "rb").read()
try:
    fmt, activities = parse_bytes(data, path.rsplit("/", 1)[-1])
    result = {"rows": sum(len(a.samples) for a in activities)}
except ParseError as err:
    result = {"refused": err.reason}
result.update(baseline_mb=baseline, peak_mb=peak_mb())
print(json.dumps(result))
"""


def read_in_child(path: Path) -> dict[str, object]:
    """Parse ``path`` in a fresh interpreter; what it read and its peak RSS [MB]."""
    if not Path("/proc/self/status").exists():
        pytest.skip("peak RSS is read from /proc/self/status (Linux)")
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(REPO), str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# ---- peak memory, measured ------------------------------------------------------------------------


def test_a_300k_point_gpx_gz_is_read_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "long.gpx.gz"
    write_gpx_gz(path, 300_000)
    result = read_in_child(path)
    assert result.get("rows") == 300_000, result
    # about 90 MB of XML. Measured above the interpreter's own: 1.7 GB when the whole tree and a
    # dict per point were built, 170 MB streamed (the inflated bytes and the samples)
    grown = float(str(result["peak_mb"])) - float(str(result["baseline_mb"]))
    assert grown < 450, result


def test_a_zero_gzip_bomb_is_refused_by_its_ratio_without_inflating_it(tmp_path: Path) -> None:
    path = tmp_path / "zeros.gpx.gz"
    path.write_bytes(zeros_gzip(400))  # 400 MiB of zeros in about 400 kB
    result = read_in_child(path)
    assert "limit: compression ratio" in str(result.get("refused")), result
    grown = float(str(result["peak_mb"])) - float(str(result["baseline_mb"]))
    assert grown < 100, result  # stopped after about 13 MB of output, not 400 MB


# ---- limits, named when hit ---------------------------------------------------------------------


def test_a_gpx_past_the_point_limit_is_refused_naming_the_limit() -> None:
    data = gpx_document(trackpoints(101))
    assert len(read_gpx(data, "ok.gpx", ImportLimits(max_points=101))[0].samples) == 101
    with pytest.raises(ParseError) as caught:
        read_gpx(data, "long.gpx", ImportLimits(max_points=100))
    assert caught.value.reason == "GPX file has more than 100 track points (limit: max_points)"


def test_the_point_limit_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRIDELOG_MAX_POINTS", "50")
    assert current_limits().max_points == 50
    with pytest.raises(ParseError, match=r"more than 50 track points \(limit: max_points\)"):
        parse_bytes(gpx_document(trackpoints(60)), "long.gpx")


def test_a_bad_limit_in_the_environment_names_the_variable() -> None:
    with pytest.raises(ValueError, match="STRIDELOG_MAX_FILE_MB"):
        ImportLimits.from_env({"STRIDELOG_MAX_FILE_MB": "lots"})
    with pytest.raises(ValueError, match="STRIDELOG_MAX_POINTS must be positive"):
        ImportLimits.from_env({"STRIDELOG_MAX_POINTS": "0"})
    assert ImportLimits.from_env({"STRIDELOG_MAX_FILE_MB": "64"}).max_file_bytes == 64 * MiB


def test_a_tcx_past_the_point_limit_counts_every_activity() -> None:
    point = (
        "<Trackpoint><Time>2024-06-01T07:00:{s:02d}Z</Time>"
        "<HeartRateBpm><Value>140</Value></HeartRateBpm></Trackpoint>"
    )
    activity = (
        '<Activity Sport="Running"><Lap StartTime="2024-06-01T07:00:00Z"><Track>'
        + "".join(point.format(s=s) for s in range(30))
        + "</Track></Lap></Activity>"
    )
    data = (
        '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/'
        f'TrainingCenterDatabase/v2"><Activities>{activity * 2}</Activities>'
        "</TrainingCenterDatabase>"
    ).encode()
    assert len(read_tcx(data, "two.tcx", ImportLimits(max_points=60))) == 2
    with pytest.raises(ParseError) as caught:
        read_tcx(data, "two.tcx", ImportLimits(max_points=59))
    assert caught.value.reason == "TCX file has more than 59 trackpoints (limit: max_points)"


def test_a_file_past_the_size_limit_is_refused_before_it_is_parsed() -> None:
    data = gpx_document(trackpoints(50))
    with pytest.raises(ParseError, match=r"\(limit: max_file_bytes\)"):
        read_gpx(data, "big.gpx", ImportLimits(max_file_bytes=len(data) - 1))
    with pytest.raises(ParseError, match=r"\(limit: max_file_bytes\)"):
        gunzip_bounded(gzip.compress(data), "big.gpx.gz", limit=len(data) // 2)


def test_one_element_nesting_a_flood_of_others_is_refused_naming_the_limit() -> None:
    flood = "<metadata><extensions>" + "<a/>" * 600_000 + "</extensions></metadata>"
    data = gpx_document(trackpoints(10), metadata=flood)
    with pytest.raises(ParseError, match=r"\(limit: max_element_bytes\)"):
        read_gpx(data, "flood.gpx", ImportLimits(max_element_bytes=1 * MiB))
    # the same file within a larger allowance is read: the limit, not the content, refused it
    assert len(read_gpx(data, "flood.gpx", ImportLimits(max_element_bytes=4 * MiB))[0].samples)


def test_a_plain_file_on_disk_past_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.gpx"
    with path.open("wb") as out:
        out.truncate(2 * 1024 * MiB)  # sparse: 2 GiB that take no disk blocks
    items = list(iter_paths([path]))
    assert len(items) == 1 and isinstance(items[0], Refusal)
    assert "the most one activity file may hold is 256 MB (limit: max_file_bytes)" in (
        items[0].reason
    )


def test_an_archive_member_stops_at_the_file_limit_as_it_inflates() -> None:
    data = gpx_document(trackpoints(2_000))  # about 400 kB, compresses 20 times
    packed = io.BytesIO()
    with gzip.GzipFile(fileobj=packed, mode="wb") as out:
        out.write(data)
    limits = ArchiveLimits(max_file_bytes=100_000)
    items = list(iter_members(packed.getvalue(), "run.gpx.gz", limits))
    assert [type(i) for i in items] == [Refusal]
    assert isinstance(items[0], Refusal)
    assert "(limit: max_file_bytes)" in items[0].reason
    whole = list(iter_members(packed.getvalue(), "run.gpx.gz"))
    assert isinstance(whole[0], Member) and whole[0].data == data


def test_a_gzip_of_zeros_stops_within_a_few_steps_in_the_archive_reader() -> None:
    items = list(iter_members(zeros_gzip(400), "zeros.gpx.gz"))
    assert len(items) == 1 and isinstance(items[0], Refusal)
    assert "compression ratio above the limit of 1:200" in items[0].reason
    assert "so far" in items[0].reason


# ---- memory running out is said as such ----------------------------------------------------------


def test_memory_error_while_parsing_is_said_in_plain_words(monkeypatch: pytest.MonkeyPatch) -> None:
    def starve(*args: object, **kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr(gpx_parser._Reader, "_point", starve)
    with pytest.raises(ParseError) as caught:
        parse_bytes(gpx_document(trackpoints(5)), "run.gpx")
    assert caught.value.reason.startswith(
        "not enough memory to read run.gpx (limit: memory_budget_bytes, 1 GB)"
    )


def test_memory_error_while_building_samples_is_said_in_plain_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def starve(*args: object, **kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr(gpx_parser, "build_samples", starve)
    with pytest.raises(ParseError) as caught:
        read_gpx(gpx_document(trackpoints(5)), "run.gpx")
    assert caught.value.reason.startswith("not enough memory to read run.gpx")


def test_libxml2_running_out_of_memory_is_not_unknown_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # libxml2 reports a failed allocation as "unknown error" when it cannot even log it
    real = etree.iterparse

    def failing(*args: object, **kwargs: object) -> object:
        events = real(*args, **kwargs)  # type: ignore[call-overload]

        def fail() -> object:
            yield from ()
            raise etree.XMLSyntaxError("unknown error", 2, 1, 1, None)  # type: ignore[call-arg]

        class Failing:
            error_log = events.error_log
            root = None

            def __iter__(self) -> object:
                return fail()

            def __next__(self) -> object:
                return next(fail())  # type: ignore[call-overload]

        return Failing()

    monkeypatch.setattr(xmlsafe.etree, "iterparse", failing)
    with pytest.raises(ParseError) as caught:
        read_gpx(gpx_document(trackpoints(5)), "run.gpx")
    assert "not enough memory to read run.gpx" in caught.value.reason
    assert "unknown error" not in caught.value.reason


# ---- limits from the environment, read when used ---------------------------------------------------


def _zip_of(name: str, data: bytes) -> bytes:
    import zipfile

    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return packed.getvalue()


def test_archives_take_the_file_limit_from_the_environment_when_read(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from analysis.importer import FAILED, import_paths, import_upload
    from analysis.store import Store

    data = gpx_document(trackpoints(8_000))  # about 1.6 MB
    upload = _zip_of("long.gpx", data)
    assert [type(i) for i in iter_members(upload, "export.zip")] == [Member]
    # set once every module is loaded, as for a server started before the variable changed
    monkeypatch.setenv("STRIDELOG_MAX_FILE_MB", "1")
    expected = (
        "file expands beyond 1 MB, the most one activity file may hold (limit: max_file_bytes)"
    )
    (item,) = iter_members(upload, "export.zip")
    assert isinstance(item, Refusal) and item.reason == expected
    (tmp_path / "export.zip").write_bytes(upload)
    with Store(tmp_path / "store.duckdb") as store:
        for outcomes in (
            import_upload(store, "export.zip", upload, workers=0),
            import_paths(store, [tmp_path / "export.zip"]),
        ):
            # refused by the archive reader as it inflated, before the parser held the file
            assert [(o.file, o.status, o.message) for o in outcomes] == [
                ("long.gpx", FAILED, expected)
            ]


def test_a_bad_limit_variable_stops_the_command_line_at_once(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from analysis.cli import main

    path = tmp_path / "run.gpx"
    path.write_bytes(gpx_document(trackpoints(30)))
    monkeypatch.setenv("STRIDELOG_MAX_POINTS", "1e6")
    assert main(["parse", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "stridelog: STRIDELOG_MAX_POINTS must be a whole number, not '1e6'; unset it for the"
        " default, 1000000\n"
    )
    monkeypatch.setenv("STRIDELOG_MAX_POINTS", "100")
    assert main(["parse", str(path)]) == 0
    assert '"samples": 30' in capsys.readouterr().out


def test_environment_problem_names_the_variable_and_its_default() -> None:
    from analysis.limits import environment_problem

    assert environment_problem({}) is None
    assert environment_problem({"STRIDELOG_MAX_FILE_MB": "64"}) is None
    assert environment_problem({"STRIDELOG_MAX_FILE_MB": "lots"}) == (
        "STRIDELOG_MAX_FILE_MB must be a whole number of MB, not 'lots'; unset it for the"
        " default, 256 MB"
    )
    assert environment_problem({"STRIDELOG_MAX_FIT_MESSAGES": "-1"}) == (
        "STRIDELOG_MAX_FIT_MESSAGES must be positive, not -1; unset it for the default, 1000000"
    )
