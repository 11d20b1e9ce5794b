"""Export archives read as streams: layouts, limits, hostile archives, and nothing on disk."""

from __future__ import annotations

import builtins
import bz2
import gzip
import io
import os
import tempfile
import tracemalloc
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import archive
from analysis.archive import (
    CHUNK_BYTES,
    ArchiveLimits,
    Item,
    Member,
    Refusal,
    count_hint,
    count_paths_hint,
    iter_members,
    iter_paths,
    strava_root,
    unsafe_name_reason,
)
from analysis.parsers import parse_bytes
from sample_data import archives as samples
from sample_data.archives import Archive, RawEntry, raw_entry, raw_zip

MiB = 1024 * 1024
FIT_MAGIC = b".FIT"


def _split(items: Iterable[Item]) -> tuple[list[Member], list[Refusal], list[Refusal]]:
    """(members, refused, skipped)."""
    members, refused, skipped = [], [], []
    for item in items:
        if isinstance(item, Member):
            members.append(item)
        elif item.skipped:
            skipped.append(item)
        else:
            refused.append(item)
    return members, refused, skipped


def _zip(files: Iterable[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in files:
            zf.writestr(name, data)
    return buf.getvalue()


_STRAVA = samples.strava_export_zip().data
_GARMIN = samples.garmin_export_zip().data
_STREAMED = samples.truncated_zip(streamed=True).data


@pytest.fixture(scope="module")
def strava() -> Archive:
    return samples.strava_export_zip()


@pytest.fixture(scope="module")
def garmin() -> Archive:
    return samples.garmin_export_zip()


@pytest.fixture(scope="module")
def hostile() -> list[Archive]:
    return samples.hostile_archives()


class _InflateCounter:
    """Counts every byte zlib inflates in the process while installed."""

    def __init__(self) -> None:
        self.total = 0
        self._real = zlib.decompressobj

    def __call__(self, *args: Any) -> Any:
        counter = self
        real = self._real(*args)

        class _Counted:
            def decompress(self, data: bytes, max_length: int = 0) -> bytes:
                out = real.decompress(data, max_length)
                counter.total += len(out)
                return out

            def __getattr__(self, name: str) -> Any:
                return getattr(real, name)

        return _Counted()


@pytest.fixture
def inflated(monkeypatch: pytest.MonkeyPatch) -> _InflateCounter:
    counter = _InflateCounter()
    monkeypatch.setattr(zlib, "decompressobj", counter)
    return counter


# ---- layouts --------------------------------------------------------------------------------------


def test_strava_export_yields_the_csv_and_every_activity_file(strava: Archive) -> None:
    members, refused, skipped = _split(iter_members(strava.data, strava.name))
    assert [m.name for m in members] == [
        "activities.csv",
        "activities/11000000001.fit.gz",
        "activities/11000000002.gpx.gz",
        "activities/11000000003.tcx.gz",
        "activities/11000000004.fit",
        "activities/11000000005.gpx",
        "activities/11000000006.tcx",
    ]
    assert refused == []
    assert [r.name for r in skipped] == [
        "profile.csv",
        "shoes.csv",
        "media/8d1c0a5e.jpg",
        "routes/3141592653.gpx",
    ]
    assert "(.jpg)" in skipped[2].reason
    assert "Strava export" in skipped[3].reason
    assert {m.source for m in members} == {"export_98765432.zip"}
    by_name = {m.name: m for m in members}
    # the gzip layer is removed, the name keeps it (as activities.csv spells it)
    assert by_name["activities/11000000001.fit.gz"].data == samples.activity_file(0, "fit")
    assert by_name["activities/11000000001.fit.gz"].inner_name == "activities/11000000001.fit"
    assert by_name["activities/11000000003.tcx.gz"].data == samples.activity_file(2, "tcx")
    assert by_name["activities.csv"].data == samples.strava_activities_csv()


def test_strava_csv_names_the_files_of_the_export(strava: Archive) -> None:
    members, _, _ = _split(iter_members(strava.data, strava.name))
    names = {m.name for m in members}
    runs = samples.strava_runs()
    assert len(runs) == 7
    assert [r.file_name for r in runs if r.file_name and r.file_name not in names] == []
    assert sum(1 for r in runs if not r.file_name) == 1  # the manual entry


def test_strava_header_is_the_real_one(corpus_dir: Path) -> None:
    real = corpus_dir / "csv" / "strava-DillM94__activities.csv"
    if not real.is_file():
        pytest.skip("the corpus has no Strava activities.csv")
    with real.open(encoding="utf-8") as fh:
        assert fh.readline().rstrip("\r\n") == samples.STRAVA_HEADER


def test_garmin_export_reads_the_nested_parts(garmin: Archive) -> None:
    members, refused, skipped = _split(iter_members(garmin.data, garmin.name))
    uploads = "DI_CONNECT/DI-Connect-Uploaded-Files/"
    user = samples.GARMIN_USER
    assert [m.name for m in members] == [
        f"{uploads}UploadedFiles_0-_Part1.zip/{user}_21000000001.fit",
        f"{uploads}UploadedFiles_0-_Part1.zip/{user}_21000000002.fit",
        f"{uploads}UploadedFiles_0-_Part1.zip/{user}_21000000003.fit",
        f"{uploads}UploadedFiles_0-_Part2.zip/{user}_21000000004.fit",
        f"{uploads}UploadedFiles_0-_Part2.zip/{user}_21000000005.fit",
        f"{uploads}UploadedFiles_0-_Part2.zip/{user}_21000000006.tcx",
    ]
    assert refused == []
    assert len(skipped) == 3
    assert all(r.reason == "not an activity file type (.json)" for r in skipped)
    assert members[0].data == samples.activity_file(0, "fit")


def test_export_members_are_real_activity_files(strava: Archive, garmin: Archive) -> None:
    for upload in (strava, garmin):
        for member in _split(iter_members(upload.data, upload.name))[0]:
            fmt, activities = parse_bytes(member.data, member.inner_name)
            assert activities, member.name
            if member.name.endswith(".csv"):
                assert fmt == "csv"
                assert len(activities) == 7
            else:
                assert fmt == member.inner_name.rsplit(".", 1)[1]


def test_plain_and_gzip_uploads() -> None:
    fit = samples.small_fit()
    assert list(iter_members(fit, "run.fit")) == [Member("run.fit", fit, "run.fit")]
    packed = gzip.compress(fit)
    (member,) = iter_members(packed, "run.FIT.GZ")
    assert isinstance(member, Member)
    assert (member.name, member.inner_name, member.data) == ("run.FIT.GZ", "run.FIT", fit)
    # several gzip members in a row are one file, as gzip(1) reads them; trailing zeros ignored
    (joined,) = iter_members(
        gzip.compress(b"a,b\n") + gzip.compress(b"1,2\n") + bytes(8), "t.csv.gz"
    )
    assert isinstance(joined, Member)
    assert joined.data == b"a,b\n1,2\n"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("photo.jpg", "not an activity file type (.jpg)"),
        ("photo.jpg.gz", "not an activity file type (.jpg.gz)"),
        ("notes", "not an activity file type (no file type)"),
        ("__MACOSX/._run.fit", "macOS metadata, not an activity file"),
    ],
)
def test_files_that_are_not_activities_are_skipped_unread(
    name: str, reason: str, inflated: _InflateCounter
) -> None:
    data = gzip.compress(b"x" * 1000) if name.endswith(".gz") else b"\xff\xd8\xff"
    assert list(iter_members(data, name)) == [Refusal(name, reason, True, name)]
    assert inflated.total == 0


def test_allow_list_is_configurable_and_case_insensitive() -> None:
    limits = ArchiveLimits(allowed_suffixes=(".FIT",))
    assert limits.allowed_suffixes == (".fit",)
    upload = _zip([("a.fit", b"1"), ("B.FIT", b"2"), ("c.gpx", b"3")])
    members, _, skipped = _split(iter_members(upload, "u.zip", limits))
    assert [m.name for m in members] == ["a.fit", "B.FIT"]
    assert [(r.name, r.reason) for r in skipped] == [("c.gpx", "not an activity file type (.gpx)")]


def test_strava_export_inside_a_folder_of_the_zip() -> None:
    upload = _zip(
        [
            ("export_1/activities.csv", b"Activity ID\n"),
            ("export_1/activities/1.gpx", b"<gpx/>"),
            ("export_1/routes/2.gpx", b"<gpx/>"),
            ("other/run.gpx", b"<gpx/>"),
            ("__MACOSX/export_1/activities/._1.gpx", b"\x00\x05\x16\x07"),
        ]
    )
    members, refused, skipped = _split(iter_members(upload, "u.zip"))
    assert [m.name for m in members] == [
        "export_1/activities.csv",
        "export_1/activities/1.gpx",
        "other/run.gpx",
    ]
    assert [r.name for r in skipped] == [
        "export_1/routes/2.gpx",
        "__MACOSX/export_1/activities/._1.gpx",
    ]
    assert refused == []


def test_strava_root() -> None:
    assert strava_root(["activities.csv", "activities/1.fit.gz"]) == ""
    assert strava_root(["x/activities.csv", "x/activities/1.fit.gz", "x/y/activities.csv"]) == "x/"
    assert strava_root(["activities.csv", "profile.csv"]) is None  # a lone CSV is no export


def test_member_names_are_cleaned() -> None:
    upload = raw_zip([raw_entry("./runs\\a.fit", b"1"), raw_entry("runs//b.fit", b"2")])
    assert [m.name for m in _split(iter_members(upload, "u.zip"))[0]] == [
        "runs/a.fit",
        "runs/b.fit",
    ]


def test_bzip2_and_lzma_members_are_read() -> None:
    fit = samples.small_fit()
    for method in (zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA, zipfile.ZIP_STORED):
        (member,) = iter_members(_zip([("run.fit", fit)], method), "u.zip")
        assert member == Member("run.fit", fit, "u.zip"), method


# ---- hostile archives -----------------------------------------------------------------------------


def test_each_hostile_archive_ends_in_clean_refusals(hostile: list[Archive]) -> None:
    for upload in hostile:
        members, refused, skipped = _split(iter_members(upload.data, upload.name))
        assert [m.name for m in members] == list(upload.members), upload.name
        assert [r.name for r in refused] == list(upload.refused), upload.name
        for refusal, word in zip(refused, upload.reasons, strict=True):
            assert word in refusal.reason, (upload.name, refusal)
        assert skipped == [], upload.name
        for member in members:
            assert member.data[8:12] == FIT_MAGIC, (upload.name, member.name)


def test_zip_bomb_declared_small_is_stopped_while_inflating(inflated: _InflateCounter) -> None:
    bomb = samples.zip_bomb(declared=1000)
    limit = 1 * MiB
    limits = ArchiveLimits(max_member_bytes=limit, max_ratio=1e9)
    tracemalloc.start()
    try:
        members, refused, _ = _split(iter_members(bomb.data, bomb.name, limits))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [m.name for m in members] == ["good.fit"]
    assert [(r.name, r.reason) for r in refused] == [
        ("bomb.fit", "zip bomb: member expands beyond 1 MB")
    ]
    # good.fit, then the bomb up to one chunk past the limit: nowhere near its 50 MB
    assert inflated.total <= len(samples.small_fit()) + limit + CHUNK_BYTES
    assert peak < 3 * MiB


def test_zip_bomb_with_an_honest_header_is_refused_before_inflating(
    inflated: _InflateCounter,
) -> None:
    bomb = samples.zip_bomb(declared=None)
    info = zipfile.ZipFile(io.BytesIO(bomb.data)).getinfo("bomb.fit")
    ratio = info.file_size / info.compress_size  # 50 MiB of zeros in about 51 kB
    assert 1000 < ratio < 1100
    _, refused, _ = _split(iter_members(bomb.data, bomb.name))
    assert [r.reason for r in refused] == [
        f"compression ratio 1:{ratio:.0f} above the limit of 1:200"
    ]
    assert inflated.total == len(samples.small_fit())  # only good.fit


def test_gzip_bomb_is_counted_while_streaming(inflated: _InflateCounter) -> None:
    limit = 2 * MiB
    bomb = samples.gzip_bomb()
    assert int.from_bytes(bomb[-4:], "little") == 1000  # its trailer lies
    limits = ArchiveLimits(max_member_bytes=limit, max_ratio=1e9)
    tracemalloc.start()
    try:
        items = list(iter_members(bomb, "bomb.fit.gz", limits))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert items == [
        Refusal("bomb.fit.gz", "gzip bomb: member expands beyond 2 MB", False, "bomb.fit.gz")
    ]
    assert inflated.total <= limit + CHUNK_BYTES
    assert peak < 4 * MiB


def test_bzip2_bomb_is_stopped_in_small_steps() -> None:
    payload = bz2.compress(bytes(20 * MiB))  # 20 MB in under 100 bytes
    bomb = RawEntry(b"bomb.fit", payload, zipfile.ZIP_BZIP2, zlib.crc32(bytes(20 * MiB)), 10)
    upload = raw_zip([bomb, raw_entry("good.fit", b"ok")])
    tracemalloc.start()
    try:
        members, refused, _ = _split(iter_members(upload, "u.zip"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [m.name for m in members] == ["good.fit"]
    assert [r.name for r in refused] == ["bomb.fit"]
    assert "compression ratio above the limit of 1:200" in refused[0].reason
    assert peak < 4 * MiB


def test_ratio_is_not_judged_on_small_members() -> None:
    text = b"2026-01-01T00:00:00Z,0\n" * 40_000  # 920 kB that compress about 1:300
    upload = _zip([("repeated.csv", text)])
    info = zipfile.ZipFile(io.BytesIO(upload)).getinfo("repeated.csv")
    assert info.file_size / info.compress_size > 200
    assert list(iter_members(upload, "u.zip")) == [Member("repeated.csv", text, "u.zip")]


def test_total_limit_ends_the_upload(strava: Archive) -> None:
    csv_bytes = len(samples.strava_activities_csv())
    fit = samples.activity_file(0, "fit")
    packed = zipfile.ZipFile(io.BytesIO(strava.data)).getinfo("activities/11000000001.fit.gz")
    # the CSV fits; the .fit.gz then inflates its zip layer and its gzip layer and passes the limit
    limit = csv_bytes + packed.file_size + len(fit) - 1
    items = list(
        iter_members(strava.data, strava.name, ArchiveLimits(max_total_uncompressed_bytes=limit))
    )
    assert [type(i) for i in items] == [Member, Refusal]
    assert items[1].name == "activities/11000000001.fit.gz"
    assert isinstance(items[1], Refusal)
    assert "in total; the rest was not read" in items[1].reason


def test_too_many_members_refuses_the_archive_unread(strava: Archive, garmin: Archive) -> None:
    items = list(iter_members(strava.data, strava.name, ArchiveLimits(max_members=10)))
    assert len(items) == 1
    assert isinstance(items[0], Refusal)
    assert items[0].name == strava.name
    assert items[0].reason.startswith("too many members: more than 10 in the upload")
    # nested: the outer zip lists 5 entries, the first part 3 more; the limit of 6 stops there
    items = list(iter_members(garmin.data, garmin.name, ArchiveLimits(max_members=6)))
    _, refused, skipped = _split(items)
    assert len(skipped) == 3
    assert [r.name for r in refused] == [
        "DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip"
    ]
    assert items[-1] is refused[0]


def test_nesting_depth_counts_zip_and_gzip_layers(strava: Archive) -> None:
    nested = samples.nested_zips(levels=6)
    members, refused, _ = _split(iter_members(nested.data, nested.name, ArchiveLimits(max_depth=2)))
    assert [m.name for m in members] == ["level1.fit", "next.zip/level2.fit"]
    assert [(r.name, r.reason) for r in refused] == [
        ("next.zip/next.zip", "nested too deep (more than 2 archives inside each other)")
    ]
    # the upload is one container and each .gz another: depth 1 allows no .gz inside the zip
    members, refused, _ = _split(iter_members(strava.data, strava.name, ArchiveLimits(max_depth=1)))
    assert len(members) == 4
    assert [r.name for r in refused] == [
        "activities/11000000001.fit.gz",
        "activities/11000000002.gpx.gz",
        "activities/11000000003.tcx.gz",
    ]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../evil.fit", "unsafe member name (path traversal)"),
        ("a/b/../../../evil.fit", "unsafe member name (path traversal)"),
        ("a\\..\\..\\evil.fit", "unsafe member name (path traversal)"),
        ("/etc/evil.fit", "unsafe member name (absolute path)"),
        ("\\\\server\\share\\evil.fit", "unsafe member name (absolute path)"),
        ("c:evil.fit", "unsafe member name (drive letter)"),
        ("evil.fit\x00.txt", "unsafe member name (NUL byte)"),
        ("runs/a..b.fit", None),
        ("runs/..hidden.fit", None),
        ("activities/123.fit.gz", None),
    ],
)
def test_unsafe_names(name: str, reason: str | None) -> None:
    assert unsafe_name_reason(name) == reason


def test_encrypted_member_is_not_attempted(inflated: _InflateCounter) -> None:
    upload = samples.encrypted_zip()
    entry = zipfile.ZipFile(io.BytesIO(upload.data)).getinfo("secret.fit")
    assert entry.flag_bits & 0x1  # zipfile agrees it is encrypted
    _, refused, _ = _split(iter_members(upload.data, upload.name))
    assert [(r.name, r.reason) for r in refused] == [
        ("secret.fit", "encrypted member: cannot be read")
    ]
    assert inflated.total == len(samples.small_fit())  # only good.fit was inflated


def test_corrupt_members_are_refused_and_the_rest_read() -> None:
    good = raw_entry("good.fit", b"fine")
    bad_crc = raw_entry("crc.fit", b"some bytes")
    bad_crc.crc ^= 1
    garbage = raw_entry("garbage.fit", b"x" * 100)
    garbage.payload = b"\xff" * len(garbage.payload)
    deflate64 = raw_entry("d64.fit", b"data")
    deflate64.method = 9
    upload = raw_zip([bad_crc, garbage, deflate64, good])
    members, refused, _ = _split(iter_members(upload, "u.zip"))
    assert [m.name for m in members] == ["good.fit"]
    assert [r.name for r in refused] == ["crc.fit", "garbage.fit", "d64.fit"]
    assert refused[0].reason == "corrupt member (CRC-32 mismatch)"
    assert refused[1].reason.startswith("corrupt member (")
    assert refused[2].reason.startswith("unsupported compression method (Deflate64, method 9)")


def test_local_header_naming_another_file_is_refused() -> None:
    upload = bytearray(raw_zip([raw_entry("aaa.fit", b"1"), raw_entry("bbb.fit", b"2")]))
    upload[30:33] = b"zzz"  # the first local header's name
    members, refused, _ = _split(iter_members(bytes(upload), "u.zip"))
    assert [m.name for m in members] == ["bbb.fit"]
    assert [(r.name, r.reason) for r in refused] == [
        ("aaa.fit", "corrupt member (its local header names another file)")
    ]


def test_not_a_zip_at_all() -> None:
    items = list(iter_members(b"this is not a zip archive", "export.zip"))
    assert len(items) == 1
    assert isinstance(items[0], Refusal)
    assert items[0].reason.startswith("not a zip archive, or damaged beyond reading")


def test_corrupt_gzip() -> None:
    packed = gzip.compress(b"timestamp,heart_rate_bpm\n" * 100)
    (truncated,) = iter_members(packed[: len(packed) // 2], "a.csv.gz")
    assert truncated == Refusal("a.csv.gz", "corrupt gzip file (truncated)", False, "a.csv.gz")
    broken = packed[:12] + b"\xff" * 20 + packed[32:]
    (refusal,) = iter_members(broken, "b.csv.gz")
    assert isinstance(refusal, Refusal)
    assert refusal.reason.startswith("corrupt gzip file (")


def test_upload_too_large() -> None:
    (refusal,) = iter_members(bytes(3 * MiB), "big.fit", ArchiveLimits(max_upload_bytes=2 * MiB))
    assert refusal == Refusal(
        "big.fit", "upload too large: 3 MB, the limit is 2 MB", False, "big.fit"
    )


def test_limits_are_validated() -> None:
    with pytest.raises(ValueError, match="max_ratio"):
        ArchiveLimits(max_ratio=0)
    with pytest.raises(ValueError, match="dot"):
        ArchiveLimits(allowed_suffixes=("fit",))


def test_skipped_members_are_never_inflated(inflated: _InflateCounter) -> None:
    upload = _zip([("DI_CONNECT/big.json", bytes(20 * MiB)), ("run.fit", b"ok")])
    members, _, skipped = _split(iter_members(upload, "u.zip"))
    assert [m.name for m in members] == ["run.fit"]
    assert [r.name for r in skipped] == ["DI_CONNECT/big.json"]
    assert inflated.total == 2


# ---- from disk ------------------------------------------------------------------------------------


def test_iter_paths_reads_files_folders_and_zips(tmp_path: Path, strava: Archive) -> None:
    exported = tmp_path / "export.zip"
    exported.write_bytes(strava.data)
    folder = tmp_path / "unpacked"
    with zipfile.ZipFile(exported) as zf:
        zf.extractall(folder)  # the test's own trusted archive
    single = tmp_path / "run.fit.gz"
    single.write_bytes(gzip.compress(samples.small_fit()))
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"\xff\xd8")

    from_zip = _split(iter_members(strava.data, strava.name))
    items = list(iter_paths([exported, folder, single, photo]))
    members, refused, skipped = _split(items)
    expected = [m.name for m in from_zip[0]]
    assert [m.name for m in members] == [*expected, *sorted(expected), "run.fit.gz"]
    assert [m.source for m in members][-1] == str(single)
    assert {m.source for m in members[: len(expected)]} == {str(exported)}
    assert refused == []
    assert sorted(r.name for r in skipped) == sorted(
        [*(r.name for r in from_zip[2]), *(r.name for r in from_zip[2]), "photo.jpg"]
    )
    assert members[-1].data == samples.small_fit()


def test_a_zip_inside_a_folder_is_named_after_it(tmp_path: Path) -> None:
    (tmp_path / "2024").mkdir()
    (tmp_path / "2024" / "runs.zip").write_bytes(_zip([("a.fit", b"1"), ("b/c.gpx", b"2")]))
    (tmp_path / "2024" / "d.tcx").write_bytes(b"3")
    items = list(iter_paths([tmp_path]))
    assert [(i.name, i.source) for i in items] == [
        ("2024/d.tcx", str(tmp_path)),
        ("2024/runs.zip/a.fit", str(tmp_path)),
        ("2024/runs.zip/b/c.gpx", str(tmp_path)),
    ]


def test_iter_paths_limits(tmp_path: Path) -> None:
    (tmp_path / "a.fit").write_bytes(bytes(2000))
    (tmp_path / "b.fit").write_bytes(b"x")
    (tmp_path / "c.fit").write_bytes(b"y")
    items = list(iter_paths([tmp_path], ArchiveLimits(max_upload_bytes=1000, max_members=2)))
    assert [(type(i).__name__, i.name) for i in items] == [
        ("Refusal", "a.fit"),
        ("Member", "b.fit"),
        ("Refusal", "c.fit"),
    ]
    assert isinstance(items[0], Refusal)
    assert items[0].reason == "file too large: 2 kB, the limit is 1000 bytes"
    assert isinstance(items[2], Refusal)
    assert items[2].reason.startswith("too many members: more than 2")


# ---- counts ---------------------------------------------------------------------------------------


def test_count_hint(strava: Archive, garmin: Archive, tmp_path: Path) -> None:
    assert count_hint(strava.data, strava.name) == 7
    # each small nested part counts as at least one file, without being opened
    assert count_hint(garmin.data, garmin.name) == 2
    assert count_hint(b"...", "run.fit") == 1
    assert count_hint(b"...", "photo.jpg") == 0
    assert count_hint(b"garbage", "broken.zip") == 0
    (tmp_path / "export.zip").write_bytes(strava.data)
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "run.gpx").write_bytes(b"<gpx/>")
    (tmp_path / "more" / "notes.txt").write_bytes(b"")
    assert count_paths_hint([tmp_path / "export.zip", tmp_path / "more"]) == 8


# ---- nothing is written to disk but anonymous spools ----------------------------------------------


class _NoWrites:
    """Records every attempt to write a file by name, make a directory or a named temporary file.

    ``tempfile.TemporaryFile`` alone is let through (and counted in :attr:`spools`): the file it
    makes has no name (``O_TMPFILE`` on Linux; elsewhere it is unlinked as it is made), so nothing
    can be found by a path, nothing outlives its closing or the process, and no member name ever
    becomes a path. What it opens on the way is not recorded.
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.attempts: list[str] = []
        self.spools = 0
        self._anonymous = False
        real_open, real_os_open = builtins.open, os.open
        real_temporary = tempfile.TemporaryFile

        def guarded_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            if any(flag in mode for flag in "wax+") and not self._anonymous:
                self.attempts.append(f"open({file!r}, {mode!r})")
            return real_open(file, mode, *args, **kwargs)

        def guarded_os_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
            writing = flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND)
            if writing and not self._anonymous:
                self.attempts.append(f"os.open({path!r})")
            return real_os_open(path, flags, *args, **kwargs)

        def anonymous(*args: Any, **kwargs: Any) -> Any:
            self.spools += 1
            self._anonymous = True
            try:
                return real_temporary(*args, **kwargs)
            finally:
                self._anonymous = False

        def refuse(name: str) -> Any:
            def record(*args: Any, **kwargs: Any) -> Any:
                self.attempts.append(name)
                raise AssertionError(f"{name} called while reading an archive")

            return record

        monkeypatch.setattr(builtins, "open", guarded_open)
        monkeypatch.setattr(io, "open", guarded_open)
        monkeypatch.setattr(os, "open", guarded_os_open)
        for name in ("mkdir", "makedirs", "symlink", "link", "rename", "replace"):
            monkeypatch.setattr(os, name, refuse(f"os.{name}"))
        for name in ("mkstemp", "mkdtemp", "NamedTemporaryFile", "SpooledTemporaryFile"):
            monkeypatch.setattr(tempfile, name, refuse(f"tempfile.{name}"))
        monkeypatch.setattr(tempfile, "TemporaryFile", anonymous)


def _tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def test_nothing_is_written_to_disk(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    strava: Archive,
    garmin: Archive,
    hostile: list[Archive],
) -> None:
    """Nothing is extracted and no file is left anywhere: what matters, not how it is kept.

    A nested archive larger than :data:`analysis.archive.NESTED_IN_MEMORY_BYTES` is inflated
    into an anonymous temporary file rather than memory (a Garmin part of 1 GB would otherwise
    break the memory budget). That is acceptable where extraction is not: the file has no name,
    so no member name ever becomes a path (``../../evil.fit`` lands nowhere), no other process
    can open it by a path, and it vanishes when closed or when the process dies; it holds the
    nested archive's own bytes, bounded by ``max_member_bytes``, never an extracted file. Here
    every nested part is spooled (the threshold is set to nothing), into a temporary folder of
    the test's own, which must be as empty after reading as before.
    """
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "export.zip").write_bytes(strava.data)
    (inputs / "garmin.zip").write_bytes(garmin.data)
    (inputs / "traversal.zip").write_bytes(samples.path_traversal_zip().data)
    workdir = tmp_path / "work" / "deeper"  # where "../../evil.fit" would land if extracted
    workdir.mkdir(parents=True)
    spool_dir = tmp_path / "temporary"
    spool_dir.mkdir()
    before = _tree(tmp_path)
    monkeypatch.setattr(tempfile, "tempdir", str(spool_dir))
    monkeypatch.setattr(archive, "NESTED_IN_MEMORY_BYTES", 0)
    monkeypatch.chdir(workdir)
    guard = _NoWrites(monkeypatch)

    def everything() -> Iterator[Item]:
        for upload in [strava, garmin, *hostile]:
            yield from iter_members(upload.data, upload.name)
        yield from iter_paths([inputs])

    items = list(everything())
    assert sum(isinstance(i, Member) for i in items) >= 2 * len(garmin.members)
    assert guard.attempts == []
    assert guard.spools >= 4  # both Garmin parts, read from bytes and from disk
    monkeypatch.undo()
    assert _tree(tmp_path) == before  # the temporary folder too: no file left in it
    assert list(spool_dir.iterdir()) == []


def test_the_module_writes_nothing_by_name() -> None:
    source = Path(archive.__file__).read_text(encoding="utf-8")
    for call in ('"wb"', "'wb'", "write_bytes", "extract(", "extractall", "mkdir"):
        assert call not in source, call
    # the one temporary file is nameless; no other way of making one is used
    import re

    assert set(re.findall(r"tempfile\.(\w+)\(", source)) == {"TemporaryFile", "gettempdir"}


# ---- nested archives are never held whole in memory --------------------------------------------


def _garmin_like(part_method: int, members: int = 8) -> tuple[bytes, list[bytes]]:
    """An export whose nested part holds ``members`` files of 1 MiB that do not compress."""
    import random

    rng = random.Random(7)
    files = [rng.randbytes(MiB) for _ in range(members)]
    part = io.BytesIO()
    with zipfile.ZipFile(part, "w", zipfile.ZIP_STORED) as zf:
        for i, data in enumerate(files):
            zf.writestr(f"{i}.fit", data)
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w", part_method) as zf:
        zf.writestr("DI_CONNECT/UploadedFiles_0-_Part1.zip", part.getvalue())
    return outer.getvalue(), files


def _peak_while_reading(data: bytes, name: str) -> tuple[list[bytes], int]:
    """Each member's bytes and the peak of memory allocated while reading them [bytes]."""
    got = []
    tracemalloc.start()
    try:
        for item in iter_members(data, name):
            assert isinstance(item, Member), item
            got.append(zlib.crc32(item.data).to_bytes(4, "big"))
            del item
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return got, peak


@pytest.mark.parametrize(
    "method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED], ids=["stored", "deflated"]
)
def test_a_nested_archive_is_read_without_holding_it_in_memory(
    method: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, files = _garmin_like(method)
    monkeypatch.setattr(archive, "NESTED_IN_MEMORY_BYTES", MiB)
    got, peak = _peak_while_reading(data, "export.zip")
    assert got == [zlib.crc32(f).to_bytes(4, "big") for f in files]
    # the part is 8 MiB: read in place (stored) or spooled (deflated), memory holds one member
    assert peak < 3 * MiB, f"{peak / MiB:.1f} MiB"


def test_a_small_nested_archive_stays_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    made = []
    real = tempfile.TemporaryFile

    def counted(*args: Any, **kwargs: Any) -> Any:
        made.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "TemporaryFile", counted)
    data, files = _garmin_like(zipfile.ZIP_DEFLATED, members=2)
    items = list(iter_members(data, "export.zip"))
    assert [i.data for i in items if isinstance(i, Member)] == files
    assert made == []  # 2 MiB: below NESTED_IN_MEMORY_BYTES, no temporary file
    monkeypatch.setattr(archive, "NESTED_IN_MEMORY_BYTES", MiB)
    items = list(iter_members(data, "export.zip"))
    assert [i.data for i in items if isinstance(i, Member)] == files
    assert made == [1]


def test_a_stored_nested_archive_with_a_wrong_crc_is_refused() -> None:
    data, _ = _garmin_like(zipfile.ZIP_STORED, members=2)
    broken = bytearray(data)
    at = broken.index(b"0.fit") + 5 + 200  # a byte inside the first nested member's data
    broken[at] ^= 0xFF
    items = list(iter_members(bytes(broken), "export.zip"))
    assert [(type(i).__name__, i.name) for i in items] == [
        ("Refusal", "DI_CONNECT/UploadedFiles_0-_Part1.zip")
    ]
    assert isinstance(items[0], Refusal)
    assert items[0].reason == "corrupt member (CRC-32 mismatch)"


def test_a_nested_archive_too_deep_is_refused_whether_in_place_or_spooled(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(archive, "NESTED_IN_MEMORY_BYTES", 0)
    for method in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        data, _ = _garmin_like(method, members=1)
        limits = ArchiveLimits(max_depth=1)
        items = list(iter_members(data, "export.zip", limits))
        assert [(type(i).__name__, i.name) for i in items] == [
            ("Refusal", "DI_CONNECT/UploadedFiles_0-_Part1.zip")
        ]
        assert isinstance(items[0], Refusal) and items[0].reason.startswith("nested too deep")


# ---- whatever the bytes, the reader only yields -----------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cut=st.integers(min_value=0, max_value=100),
    flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(1, 255)), max_size=8),
)
def test_damaged_archives_never_raise(cut: int, flips: list[tuple[int, int]]) -> None:
    for upload in (_STRAVA, _GARMIN, _STREAMED):
        data = bytearray(upload[: max(1, len(upload) * cut // 100)] if cut < 100 else upload)
        for at, xor in flips:
            data[at % len(data)] ^= xor
        for item in iter_members(bytes(data), "damaged.zip"):
            assert isinstance(item, Member | Refusal)
