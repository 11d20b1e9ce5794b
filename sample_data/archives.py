"""Small export archives, built in memory: a Strava bulk export, a Garmin "export all data", and
hostile archives that every reader of uploads has to survive.

The activities are the demo athlete's shortest runs (:mod:`sample_data.generate`), so every
build is deterministic (gzip and zip timestamps are fixed) and takes a fraction of a second.
The same runs appear in both exports: the Garmin export holds the watch's FIT files, the Strava
export the same runs as FIT, GPX and TCX, plus a manual entry with no file. That is how a
runner's history really arrives twice.

Each builder returns an :class:`Archive`: the upload's name and bytes, and what a reader
should make of it (the member names it yields, the names it refuses, the names it skips).

Layouts, as the services write them (2024-2025):

- Strava: ``activities.csv`` (one row per activity, the ``Filename`` column pointing into
  ``activities/``), ``activities/<id>.fit.gz|.gpx.gz|.tcx.gz|.fit|.gpx|.tcx``, account files
  (``profile.csv``, ``shoes.csv`` ...), ``media/`` photos and ``routes/`` planned routes (GPX
  without times).
- Garmin: ``DI_CONNECT/DI-Connect-*/...json`` and the uploaded originals in nested zips,
  ``DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part<N>.zip``.
"""

from __future__ import annotations

import csv
import gzip
import io
import struct
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING

from analysis import columns as c
from sample_data import generate as demo

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

MiB = 1024 * 1024
BOMB_BYTES = 50 * MiB
"""What the bombs expand to [bytes]: zeros, which deflate about 1000 times."""

_ZIP_TIME = (2026, 11, 16, 8, 0, 0)
_GZIP_MTIME = 0

STRAVA_HEADER = (
    "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,Elapsed Time,"
    "Distance,Relative Effort,Commute,Activity Gear,Filename,Athlete Weight,Bike Weight,"
    "Elapsed Time,Moving Time,Distance,Max Speed,Average Speed,Elevation Gain,Elevation Loss,"
    "Elevation Low,Elevation High,Max Grade,Average Grade,Average Positive Grade,"
    "Average Negative Grade,Max Cadence,Average Cadence,Max Heart Rate,Average Heart Rate,"
    "Max Watts,Average Watts,Calories,Max Temperature,Average Temperature,Relative Effort,"
    "Total Work,Number of Runs,Uphill Time,Downhill Time,Other Time,Perceived Exertion,"
    '"<span class=""translation_missing"" title=""translation missing: en-US.lib.export.'
    'portability_exporter.activities.horton_values.type"">Type</span>",'
    '"<span class=""translation_missing"" title=""translation missing: en-US.lib.export.'
    'portability_exporter.activities.horton_values.start_time"">Start Time</span>",'
    "Weighted Average Power,Power Count,Prefer Perceived Exertion,Perceived Relative Effort,"
    "Commute,Total Weight Lifted,From Upload,Grade Adjusted Distance,Weather Observation Time,"
    "Weather Condition,Weather Temperature,Apparent Temperature,Dewpoint,Humidity,"
    "Weather Pressure,Wind Speed,Wind Gust,Wind Bearing,Precipitation Intensity,Sunrise Time,"
    "Sunset Time,Moon Phase,Bike,Gear,Precipitation Probability,Precipitation Type,Cloud Cover,"
    "Weather Visibility,UV Index,Weather Ozone,"
    '"<span class=""translation_missing"" title=""translation missing: en-US.lib.export.'
    'portability_exporter.activities.horton_values.jump_count"">Jump Count</span>",'
    '"<span class=""translation_missing"" title=""translation missing: en-US.lib.export.'
    'portability_exporter.activities.horton_values.total_grit"">Total Grit</span>",'
    '"<span class=""translation_missing"" title=""translation missing: en-US.lib.export.'
    'portability_exporter.activities.horton_values.avg_flow"">Avg Flow</span>",'
    '"<span class=""translation_missing"" title=""translation missing: en-US.lib.export.'
    'portability_exporter.activities.horton_values.flagged"">Flagged</span>",'
    '"<span class=""translation_missing"" title=""translation missing: en-US.lib.export.'
    'portability_exporter.activities.horton_values.avg_elapsed_speed"">Avg Elapsed Speed</span>"'
)
"""The header of Strava's ``activities.csv`` (bulk export, English), 79 columns: four
names appear twice (``Elapsed Time``, ``Distance`` in the display unit then in metres,
``Relative Effort``, ``Commute``), and some are untranslated HTML."""

STRAVA_GEAR = "Pegasus 40"


@dataclass(frozen=True)
class Archive:
    """An upload and what a reader of it should report.

    ``members`` are the names yielded (in archive order); ``refused`` the names refused as
    failures, each with a word its reason must contain (``reasons``); ``skipped`` the names
    skipped as not being activities.
    """

    name: str
    data: bytes = field(repr=False)
    members: tuple[str, ...] = ()
    refused: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExportedRun:
    """One activity of the exports, with what ``activities.csv`` says about it."""

    activity_id: int
    file_name: str  # path in the Strava export ("" for a manual entry)
    title: str
    start_utc: datetime
    elapsed_s: int
    distance_m: float
    avg_heart_rate_bpm: float
    max_heart_rate_bpm: float
    avg_cadence_spm: float
    perceived_exertion: int


# ---- the runs ------------------------------------------------------------------------------------


@cache
def _sims() -> tuple[demo.SimulatedRun, ...]:
    """The demo plan's seven shortest runs, in date order (about 400 samples each)."""
    runs = sorted(demo.plan(), key=lambda r: (r.distance_km, r.day))[:7]
    return tuple(demo.simulate(r) for r in sorted(runs, key=lambda r: r.day))


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def to_tcx(sim: demo.SimulatedRun) -> bytes:
    """TCX v2 as Garmin Connect writes it: one lap, cadence per leg in ``ns3:RunCadence``."""
    samples = sim.samples
    start = sim.run.start_utc
    duration = (samples[-1][c.TIMESTAMP] - samples[0][c.TIMESTAMP]).total_seconds()
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"'
        ' xmlns:ns3="http://www.garmin.com/xmlschemas/ActivityExtension/v2">',
        "  <Activities>",
        '    <Activity Sport="Running">',
        f"      <Id>{_iso(start)}</Id>",
        f'      <Lap StartTime="{_iso(start)}">',
        f"        <TotalTimeSeconds>{duration:.1f}</TotalTimeSeconds>",
        f"        <DistanceMeters>{samples[-1][c.DISTANCE_M]:.2f}</DistanceMeters>",
        "        <Intensity>Active</Intensity>",
        "        <TriggerMethod>Manual</TriggerMethod>",
        "        <Track>",
    ]
    for s in samples:
        lines.append(
            f"          <Trackpoint><Time>{_iso(s[c.TIMESTAMP])}</Time>"
            f"<Position><LatitudeDegrees>{s[c.LATITUDE_DEG]:.7f}</LatitudeDegrees>"
            f"<LongitudeDegrees>{s[c.LONGITUDE_DEG]:.7f}</LongitudeDegrees></Position>"
            f"<AltitudeMeters>{s[c.ALTITUDE_M]:.1f}</AltitudeMeters>"
            f"<DistanceMeters>{s[c.DISTANCE_M]:.2f}</DistanceMeters>"
            f"<HeartRateBpm><Value>{s[c.HEART_RATE_BPM]}</Value></HeartRateBpm>"
            f"<Extensions><ns3:TPX><ns3:Speed>{s[c.SPEED_MPS]:.3f}</ns3:Speed>"
            f"<ns3:RunCadence>{s[c.CADENCE_SPM] // 2}</ns3:RunCadence></ns3:TPX></Extensions>"
            "</Trackpoint>"
        )
    lines += ["        </Track>", "      </Lap>", "    </Activity>", "  </Activities>"]
    lines += ["</TrainingCenterDatabase>", ""]
    return "\n".join(lines).encode("utf-8")


_WRITERS = {"fit": demo.to_fit, "gpx": demo.to_gpx, "tcx": to_tcx}


def _gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=_GZIP_MTIME)


def _zip(files: Sequence[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in files:
            info = zipfile.ZipInfo(name, _ZIP_TIME)
            info.compress_type = method
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return buf.getvalue()


@cache
def activity_file(index: int, fmt: str) -> bytes:
    """Run ``index`` (0-6) of the exports written as ``fmt`` ("fit", "gpx" or "tcx")."""
    return _WRITERS[fmt](_sims()[index])


def small_fit() -> bytes:
    """A valid FIT file of a 5 km run (about 11 kB): the good member of the hostile archives."""
    return activity_file(0, "fit")


# ---- Strava ------------------------------------------------------------------------------------

STRAVA_FILES: tuple[tuple[int, str], ...] = (
    (0, "fit.gz"),
    (1, "gpx.gz"),
    (2, "tcx.gz"),
    (3, "fit"),
    (4, "gpx"),
    (5, "tcx"),
)
"""(run index, file type) of each activity file in the Strava export; run 6 is a manual entry."""

_STRAVA_ID0 = 11_000_000_001


def strava_runs() -> list[ExportedRun]:
    """The activities of the Strava export, as its ``activities.csv`` lists them."""
    kinds = dict(STRAVA_FILES)
    out = []
    for index, sim in enumerate(_sims()):
        samples = sim.samples
        elapsed = (samples[-1][c.TIMESTAMP] - samples[0][c.TIMESTAMP]).total_seconds()
        heart = [s[c.HEART_RATE_BPM] for s in samples]
        moving = [s[c.CADENCE_SPM] for s in samples if s[c.CADENCE_SPM] > 0]
        activity_id = _STRAVA_ID0 + index
        out.append(
            ExportedRun(
                activity_id=activity_id,
                file_name=f"activities/{activity_id}.{kinds[index]}" if index in kinds else "",
                title=sim.title,
                start_utc=sim.run.start_utc,
                elapsed_s=round(elapsed),
                distance_m=float(samples[-1][c.DISTANCE_M]),
                avg_heart_rate_bpm=round(sum(heart) / len(heart), 1),
                max_heart_rate_bpm=float(max(heart)),
                avg_cadence_spm=round(sum(moving) / len(moving), 1),
                perceived_exertion=3 + index % 5,
            )
        )
    return out


def _csv_cell(value: object) -> str:
    text = str(value)
    return f'"{text}"' if any(ch in text for ch in ',"\n') else text


def strava_activities_csv() -> bytes:
    """``activities.csv`` for :func:`strava_runs`, under :data:`STRAVA_HEADER`.

    Dates are UTC in Strava's ``Mon D, YYYY, H:MM:SS AM`` form; the first ``Distance`` is in
    km (the athlete's display unit), the second in metres; ``Average Cadence`` is per leg, as
    Strava writes it for runs.
    """
    width = len(next(csv.reader([STRAVA_HEADER])))
    lines = [STRAVA_HEADER]
    for run in strava_runs():
        when = run.start_utc.astimezone(UTC)
        clock = f"{when.hour % 12 or 12}:{when:%M:%S} {'AM' if when.hour < 12 else 'PM'}"
        date = f"{when:%b} {when.day}, {when.year}, {clock}"
        row = [""] * width
        row[0] = str(run.activity_id)
        row[1] = date
        row[2] = run.title
        row[3] = "Run"
        row[5] = str(run.elapsed_s)
        row[6] = f"{run.distance_m / 1000:.2f}"
        row[8] = "false"
        row[9] = STRAVA_GEAR
        row[10] = run.file_name
        row[13] = str(run.elapsed_s)
        row[14] = str(run.elapsed_s)
        row[15] = f"{run.distance_m:.1f}"
        row[27] = f"{run.avg_cadence_spm / 2:.1f}"
        row[28] = f"{run.max_heart_rate_bpm:.0f}"
        row[29] = f"{run.avg_heart_rate_bpm:.1f}"
        row[41] = str(run.perceived_exertion)
        lines.append(",".join(_csv_cell(cell) for cell in row))
    lines.append("")
    return "\n".join(lines).encode("utf-8")


def strava_export_zip(tcx_padding: bool = False) -> Archive:
    """A Strava bulk export: ``activities.csv``, six activity files, account files, a photo,
    a planned route. Members: the CSV and the six files; the rest is skipped.

    ``tcx_padding`` starts the TCX files with ten spaces before the XML declaration, as Strava
    has long been reported to serve them (strictly, that is malformed XML).
    """
    files: list[tuple[str, bytes]] = [("activities.csv", strava_activities_csv())]
    runs = strava_runs()
    for index, kind in STRAVA_FILES:
        fmt = kind.split(".")[0]
        raw = activity_file(index, fmt)
        if tcx_padding and fmt == "tcx":
            raw = b" " * 10 + raw
        files.append((runs[index].file_name, _gz(raw) if kind.endswith(".gz") else raw))
    files += [
        ("profile.csv", b"Athlete ID,Email Address,First Name,Last Name\n1,r@example.com,R,S\n"),
        ("shoes.csv", f"Shoe Name,Shoe Brand,Shoe Model\n{STRAVA_GEAR},Nike,Pegasus\n".encode()),
        ("media/8d1c0a5e.jpg", b"\xff\xd8\xff\xe0" + bytes(64)),
        ("routes/3141592653.gpx", b'<?xml version="1.0"?><gpx version="1.1"><rte/></gpx>\n'),
    ]
    names = [name for name, _ in files]
    return Archive(
        "export_98765432.zip",
        _zip(files),
        members=tuple(names[:7]),
        skipped=tuple(names[7:]),
    )


# ---- Garmin ------------------------------------------------------------------------------------

GARMIN_USER = "runner@example.com"
_GARMIN_ID0 = 21_000_000_001
_UPLOADS = "DI_CONNECT/DI-Connect-Uploaded-Files/"


def garmin_export_zip() -> Archive:
    """A Garmin "export all data" zip: JSON beside two nested parts of uploaded originals.

    Part 1 holds the FIT files of runs 0-2, part 2 those of runs 3-4 and run 5 as TCX.
    """
    part1 = [(f"{GARMIN_USER}_{_GARMIN_ID0 + i}.fit", activity_file(i, "fit")) for i in range(3)]
    part2 = [(f"{GARMIN_USER}_{_GARMIN_ID0 + i}.fit", activity_file(i, "fit")) for i in (3, 4)]
    part2.append((f"{GARMIN_USER}_{_GARMIN_ID0 + 5}.tcx", activity_file(5, "tcx")))
    json = b'{"summarizedActivitiesExport": []}\n'
    files = [
        ("DI_CONNECT/DI-Connect-User/user_profile.json", b'{"userName": "runner"}\n'),
        (f"DI_CONNECT/DI-Connect-Fitness/{GARMIN_USER}_0_summarizedActivities.json", json),
        ("DI_CONNECT/DI-Connect-Wellness/2026-07-27_2026-11-16_1234567_sleepData.json", b"[]\n"),
        (_UPLOADS + "UploadedFiles_0-_Part1.zip", _zip(part1)),
        (_UPLOADS + "UploadedFiles_0-_Part2.zip", _zip(part2, zipfile.ZIP_STORED)),
    ]
    members = [f"{_UPLOADS}UploadedFiles_0-_Part1.zip/{name}" for name, _ in part1]
    members += [f"{_UPLOADS}UploadedFiles_0-_Part2.zip/{name}" for name, _ in part2]
    return Archive(
        f"{GARMIN_USER}_0.zip",
        _zip(files),
        members=tuple(members),
        skipped=tuple(name for name, _ in files[:3]),
    )


# ---- hand-made zips, for what zipfile refuses to write -------------------------------------------


@dataclass
class RawEntry:
    """One entry of a zip written byte by byte: every header field as given."""

    name: bytes
    payload: bytes  # the bytes stored, already compressed
    method: int = zipfile.ZIP_STORED
    crc: int = 0
    file_size: int = 0  # as declared in both headers
    flags: int = 0
    external_attr: int = 0o644 << 16
    made_by: int = 3 << 8 | 20  # Unix, zip 2.0


def raw_entry(name: str | bytes, data: bytes, *, deflate: bool = True) -> RawEntry:
    """An honest entry: ``data`` deflated (or stored), with its true CRC and size."""
    encoded = name.encode() if isinstance(name, str) else name
    if deflate:
        packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
        payload = packer.compress(data) + packer.flush()
        method = zipfile.ZIP_DEFLATED
    else:
        payload, method = data, zipfile.ZIP_STORED
    return RawEntry(encoded, payload, method, zlib.crc32(data), len(data))


def _local(e: RawEntry) -> bytes:
    return struct.pack(
        "<4s5H3L2H",
        b"PK\x03\x04",
        20,
        e.flags,
        e.method,
        0,
        0x5B70,
        e.crc,
        len(e.payload),
        e.file_size,
        len(e.name),
        0,
    )


def _central(e: RawEntry, offset: int) -> bytes:
    return struct.pack(
        "<4s6H3L5H2L",
        b"PK\x01\x02",
        e.made_by,
        20,
        e.flags,
        e.method,
        0,
        0x5B70,
        e.crc,
        len(e.payload),
        e.file_size,
        len(e.name),
        0,
        0,
        0,
        0,
        e.external_attr,
        offset,
    )


def _end(count: int, size: int, offset: int) -> bytes:
    return struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, size, offset, 0)


def raw_zip(entries: Sequence[RawEntry]) -> bytes:
    """A zip of ``entries`` exactly as given (no data descriptors, no extra fields)."""
    body = io.BytesIO()
    offsets = []
    for e in entries:
        offsets.append(body.tell())
        body.write(_local(e) + e.name + e.payload)
    directory = b"".join(_central(e, at) + e.name for e, at in zip(entries, offsets, strict=True))
    return body.getvalue() + directory + _end(len(entries), len(directory), body.tell())


# ---- hostile archives ----------------------------------------------------------------------------


def _zeros_deflated(size: int) -> tuple[bytes, int]:
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = bytes(MiB)
    parts = [packer.compress(block) for _ in range(size // MiB)]
    parts.append(packer.compress(bytes(size % MiB)))
    parts.append(packer.flush())
    crc = 0
    for _ in range(size // MiB):
        crc = zlib.crc32(block, crc)
    return b"".join(parts), zlib.crc32(bytes(size % MiB), crc)


def zip_bomb(size: int = BOMB_BYTES, declared: int | None = 1000) -> Archive:
    """``good.fit`` and ``bomb.fit``: ``size`` bytes of zeros in about ``size / 1000``, with a
    header that declares ``declared`` bytes (None: the true size)."""
    payload, crc = _zeros_deflated(size)
    bomb = RawEntry(b"bomb.fit", payload, zipfile.ZIP_DEFLATED, crc, declared or size)
    data = raw_zip([raw_entry("good.fit", small_fit()), bomb])
    return Archive("zip_bomb.zip", data, ("good.fit",), ("bomb.fit",), ("ratio",))


def gzip_bomb(size: int = BOMB_BYTES) -> bytes:
    """``size`` bytes of zeros gzipped, the trailer declaring 1000 bytes (gzip cannot say more
    than 4 GB anyway)."""
    packed = bytearray(_gz(bytes(size)))
    packed[-4:] = struct.pack("<L", 1000)
    return bytes(packed)


def gzip_bomb_zip(size: int = BOMB_BYTES) -> Archive:
    """``good.fit`` and ``bomb.fit.gz`` (stored, so only the gzip layer explodes)."""
    entries = [
        raw_entry("good.fit", small_fit()),
        raw_entry("bomb.fit.gz", gzip_bomb(size), deflate=False),
    ]
    return Archive(
        "gzip_bomb.zip", raw_zip(entries), ("good.fit",), ("bomb.fit.gz",), ("gzip bomb",)
    )


def nested_zips(levels: int = 10, max_depth: int = 4) -> Archive:
    """Zips inside zips ``levels`` deep, each holding ``level<N>.fit`` and ``next.zip``.

    A reader allowing ``max_depth`` containers yields the files of the first ``max_depth``
    levels and refuses the ``next.zip`` that would open one more.
    """
    inner = b""
    for level in range(levels, 0, -1):
        files = [(f"level{level}.fit", small_fit())]
        if inner:
            files.append(("next.zip", inner))
        inner = _zip(files)
    kept = min(levels, max_depth)
    members = tuple("next.zip/" * (n - 1) + f"level{n}.fit" for n in range(1, kept + 1))
    refused = ("next.zip/" * (kept - 1) + "next.zip",) if levels > max_depth else ()
    return Archive("nested.zip", inner, members, refused, ("nested too deep",) * len(refused))


UNSAFE_NAMES: tuple[tuple[bytes, str], ...] = (
    (b"../../evil.fit", "path traversal"),
    (b"runs/../../../evil.fit", "path traversal"),
    (b"..\\..\\evil.fit", "path traversal"),
    (b"/abs.fit", "absolute path"),
    (b"C:/Windows/evil.fit", "drive letter"),
    (b"evil.fit\x00.txt", "NUL byte"),
)
"""Member names no exporter writes, with the word their refusal gives."""


def path_traversal_zip() -> Archive:
    """``good.fit`` among members with every kind of unsafe name, and a symbolic link."""
    entries = [raw_entry(name, small_fit()) for name, _ in UNSAFE_NAMES]
    link = raw_entry("link.fit", b"/etc/passwd", deflate=False)
    link.external_attr = 0o120777 << 16
    entries += [link, raw_entry("good.fit", small_fit())]
    refused = tuple(n.decode().replace("\x00", "\\x00") for n, _ in UNSAFE_NAMES)
    reasons = tuple(why for _, why in UNSAFE_NAMES)
    return Archive(
        "traversal.zip",
        raw_zip(entries),
        ("good.fit",),
        (*refused, "link.fit"),
        (*reasons, "symbolic link"),
    )


def encrypted_zip() -> Archive:
    """``good.fit`` and ``secret.fit``, whose headers (local and central) say it is encrypted
    with the traditional PKWARE cipher: 12 bytes of cipher header before the data."""
    secret = raw_entry("secret.fit", small_fit(), deflate=False)
    secret.flags |= 0x01
    secret.payload = bytes(range(7, 19)) + bytes(b ^ 0x5A for b in secret.payload)
    entries = [secret, raw_entry("good.fit", small_fit())]
    return Archive(
        "encrypted.zip", raw_zip(entries), ("good.fit",), ("secret.fit",), ("encrypted",)
    )


class _Pipe(io.RawIOBase):
    """A write-only stream that cannot seek, so zipfile writes data descriptors."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, b: ReadableBuffer) -> int:
        data = bytes(b)
        self.chunks.append(data)
        return len(data)


def _three_runs(streamed: bool = False, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip of runs 0-2 as FIT; ``streamed`` writes it as to a pipe (data descriptors after
    each member, sizes unknown in the local headers)."""
    pipe = _Pipe()
    buf = io.BytesIO()
    with zipfile.ZipFile(pipe if streamed else buf, "w") as zf:
        for i in range(3):
            info = zipfile.ZipInfo(f"run{i}.fit", _ZIP_TIME)
            info.compress_type = method
            zf.writestr(info, activity_file(i, "fit"))
    return b"".join(pipe.chunks) if streamed else buf.getvalue()


def corrupt_central_directory_zip() -> Archive:
    """Three runs whose central directory is overwritten with garbage: the listing is lost,
    the members are intact."""
    data = bytearray(_three_runs())
    start = data.find(b"PK\x01\x02")
    data[start : start + 46] = b"\xde\xad\xbe\xef" * 11 + b"\x00\x00"
    return Archive(
        "corrupt_directory.zip",
        bytes(data),
        ("run0.fit", "run1.fit", "run2.fit"),
        ("corrupt_directory.zip",),
        ("damaged zip archive",),
    )


def truncated_zip(streamed: bool = False, method: int = zipfile.ZIP_DEFLATED) -> Archive:
    """Three runs cut in the middle of the third (a download that stopped); ``streamed`` and
    ``method`` as for a zip written to a pipe, deflated or stored."""
    data = _three_runs(streamed, method)
    third = data.find(b"PK\x03\x04", data.find(b"PK\x03\x04", 4) + 4)
    cut = data[: third + 30 + 8 + 2000]
    return Archive(
        "truncated.zip",
        cut,
        ("run0.fit", "run1.fit"),
        ("run2.fit", "truncated.zip"),
        ("truncated", "damaged zip archive"),
    )


def overlapping_zip() -> Archive:
    """A stored ``outer.fit`` whose data hold a whole second entry, ``inner.fit``, that the
    listing names too: two members sharing bytes, the trick behind non-recursive zip bombs."""
    inner = raw_entry("inner.fit", small_fit(), deflate=False)
    nested = _local(inner) + inner.name + inner.payload
    outer = RawEntry(b"outer.fit", nested, zipfile.ZIP_STORED, zlib.crc32(nested), len(nested))
    good = raw_entry("good.fit", small_fit())
    body = _local(outer) + outer.name + outer.payload
    good_at = len(body)
    body += _local(good) + good.name + good.payload
    directory = (
        _central(outer, 0)
        + outer.name
        + _central(inner, 30 + len(outer.name))
        + inner.name
        + _central(good, good_at)
        + good.name
    )
    data = body + directory + _end(3, len(directory), len(body))
    return Archive(
        "overlapping.zip",
        data,
        ("good.fit",),
        ("outer.fit", "inner.fit"),
        ("overlapping", "overlapping"),
    )


def hostile_archives() -> list[Archive]:
    """Every hostile archive, for tests that feed them all to a reader with default limits."""
    return [
        zip_bomb(),
        zip_bomb(declared=None),
        gzip_bomb_zip(),
        nested_zips(),
        path_traversal_zip(),
        encrypted_zip(),
        corrupt_central_directory_zip(),
        truncated_zip(),
        truncated_zip(streamed=True),
        truncated_zip(streamed=True, method=zipfile.ZIP_STORED),
        overlapping_zip(),
    ]
