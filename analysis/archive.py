"""Export archives read safely, as streams, never extracted.

A runner's history arrives as a Strava bulk export (a zip of ``activities.csv`` and
``activities/*.fit.gz``, ``*.gpx`` ...), a Garmin "export all data" zip (JSON, plus the uploaded
files in nested zips such as ``DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip``),
a plain ``.gz`` file, a folder, or a single file. :func:`iter_members` and :func:`iter_paths` turn
any of them into a flat stream of :class:`Member` (a file's bytes, ready for the parsers) and
:class:`Refusal` (a file that was skipped or refused, with the reason in plain words).

Decisions
---------
- **Nothing is extracted, nothing is written by name.** Members are inflated into memory, one at
  a time, so a member's name is only ever a label. A zip on disk (:func:`iter_paths`) is read
  through one file handle, never unpacked.
- **A nested archive is never held whole in memory** (a Garmin ``UploadedFiles_*.zip`` part
  reaches 1 GB, the whole memory budget). A zip needs random access, so a *stored* nested zip is
  read in place through a bounded window on the outer file (its bytes counted and its CRC
  checked in a pass that keeps nothing), and a *compressed* one larger than
  :data:`NESTED_IN_MEMORY_BYTES` is inflated into an anonymous temporary file
  (``tempfile.TemporaryFile``). That file has no name (``O_TMPFILE`` on Linux; elsewhere it is
  unlinked as it is made): no member name becomes a path, no other process can open it by one,
  and it vanishes when closed or when the process ends, however it ends. It costs free space in
  the temporary folder (``$TMPDIR``) up to ``max_member_bytes``; where that folder is a RAM disk
  (tmpfs), point ``TMPDIR`` at a disk for big exports.
- **Sizes are counted while inflating, never trusted.** Every zip member (stored, deflate, bzip2,
  LZMA) and every gzip stream is decompressed here, from the raw bytes, in steps of at most
  :data:`CHUNK_BYTES` of output; :mod:`zipfile` only lists the members (its own reader trusts the
  declared size and inflates bzip2 and LZMA without a bound). Each step is counted against the
  per-member limit, the compression ratio and the total before it is kept, so a bomb is stopped
  at most one step past its limit whatever its header declares. Declared sizes are used once, the
  other way round: a member whose header already states a size or a ratio beyond the limits is
  refused before a byte is decompressed.
- **Zip overlaps are refused.** Members whose data overlap (the trick behind zip bombs that need
  no nesting) are refused; Python 3.11 before 3.11.8 does not check this itself.
- **Unsafe names are refused** (``..`` components, absolute paths, drive letters, NUL bytes,
  symbolic links), although in memory they could be read harmlessly: no exporter writes them, so
  such an archive was crafted, and its names would otherwise travel on into reports and the store.
- **Not every file is an error.** Photos, JSON and the like are *skipped* (``Refusal.skipped``) with
  the reason, as are macOS resource forks (``__MACOSX/``, ``._*``) and, inside a Strava export, the
  account files and planned routes beside ``activities.csv`` and ``activities/``. Directory entries
  are passed over silently.
- **One bad member does not sink the rest.** A member that is too big, too compressed, nested too
  deep, encrypted, unsafely named or corrupt is refused and the archive goes on. Only the limits
  on the whole upload (the number of members, the total inflated bytes) end the reading, because
  nothing after them could be read within the limits anyway.
- **A damaged zip is salvaged.** When the central directory is unreadable (a download cut short, a
  corrupt end), the members are read one by one from their local headers, including those written
  with data descriptors, so everything before the damage still arrives; the archive itself then
  gets a refusal saying it was damaged and how far reading got. The Strava layout is not
  recognised in a damaged zip (it needs the listing), so account files there fail to parse
  instead of being skipped.
- **Member names** are paths inside the upload joined with ``"/"`` (backslashes read as
  separators, empty and ``.`` components dropped); a nested archive adds its own path as a prefix
  (``DI_CONNECT/.../UploadedFiles_0-_Part1.zip/123.fit``). A gzip layer keeps its name
  (``activities/123.fit.gz``, as Strava's ``activities.csv`` spells it) while the data is
  inflated; :attr:`Member.inner_name` drops the ``.gz``.

Both readers are generators: the consumer holds one member at a time. Memory is bounded by
design (:mod:`analysis.limits`): an activity file may expand to ``max_file_bytes`` (256 MiB by
default) and is refused at that size as it is inflated, or from its size on disk before a byte is
read; a nested archive is read in place or from its temporary file, and holds at most
:data:`NESTED_IN_MEMORY_BYTES` of memory. So an import holds at most one activity file, its
compressed form, and the listings of the archives around it.
"""

from __future__ import annotations

import bz2
import io
import itertools
import lzma
import os
import re
import stat
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO, Protocol, cast

from analysis.limits import DEFAULT_IMPORT_LIMITS, current_limits

MiB = 1024 * 1024
GiB = 1024 * MiB

CHUNK_BYTES = 64 * 1024
"""Inflated bytes produced per step [bytes]: the most a limit can be overshot by."""

NESTED_IN_MEMORY_BYTES = 16 * MiB
"""A compressed nested archive is inflated into memory up to this size [bytes]; a larger one goes
on into an anonymous temporary file (see the module notes), so memory never holds it whole."""

ACTIVITY_SUFFIXES: tuple[str, ...] = (
    ".fit",
    ".gpx",
    ".tcx",
    ".csv",
    ".fit.gz",
    ".gpx.gz",
    ".tcx.gz",
    ".zip",
    ".gz",
)
"""File types read by default (compared case-insensitively with the end of the name)."""


@dataclass(frozen=True)
class ArchiveLimits:
    """What one upload (one call of :func:`iter_members` or :func:`iter_paths`) may cost.

    The defaults fit a five-year export on a 24 GB machine with room to spare, while a bomb is
    stopped long before it hurts:

    - ``max_upload_bytes`` [bytes], 4 GiB: a Strava export of five years is a few hundred MB; a
      Garmin export with years of wellness JSON reaches 1-3 GB.
    - ``max_members``, 200 000: a Garmin export holds tens of thousands of JSON files beside the
      activities; every entry of every archive counts, skipped or not.
    - ``max_total_uncompressed_bytes`` [bytes], 16 GiB: everything inflated, every layer counted
      (a nested archive, then its members). Inflating that much takes about a minute; skipped
      members are never inflated.
    - ``max_member_bytes`` [bytes], 1 GiB: a nested archive. The largest legitimate member is a
      Garmin ``UploadedFiles_*.zip`` part; it is read in place or from an anonymous temporary
      file (see the module notes), so this bounds temporary disk space, not memory.
    - ``max_file_bytes`` [bytes], 256 MiB (:class:`~analysis.limits.ImportLimits`): any member
      that is not a zip archive (judged by its first bytes), and any plain file on disk. An
      activity file stays below 100 MB even for a multi-day ultra recorded every second; a
      million-point GPX track takes about 220 MB.
    - ``max_ratio``, 200: inflated size over compressed size. FIT files compress 2-8 times,
      GPX and TCX 5-30 times, nested zips about once; a run of zeros compresses about 1000 times.
    - ``ratio_floor_bytes`` [bytes], 1 MiB: the ratio is only judged above this size, because a
      small member cannot hurt whatever its ratio (a tiny file of repeated lines can pass 1:200).
    - ``max_depth``, 4: containers around a file, counting the upload itself and every gzip
      layer. A Strava ``.fit.gz`` sits at depth 2, a file in Garmin's nested zips at 2, and a
      Garmin export zipped once more with ``.gz`` members inside still fits.
    - ``allowed_suffixes``: :data:`ACTIVITY_SUFFIXES`. A name ending ``.gz`` passes when what is
      left has no type or an allowed one (``photo.jpg.gz`` is skipped without being inflated).
    """

    max_upload_bytes: int = 4 * GiB
    max_members: int = 200_000
    max_total_uncompressed_bytes: int = 16 * GiB
    max_member_bytes: int = 1 * GiB
    max_file_bytes: int = DEFAULT_IMPORT_LIMITS.max_file_bytes
    max_ratio: float = 200.0
    ratio_floor_bytes: int = 1 * MiB
    max_depth: int = 4
    allowed_suffixes: tuple[str, ...] = ACTIVITY_SUFFIXES

    def __post_init__(self) -> None:
        for name in (
            "max_upload_bytes",
            "max_members",
            "max_total_uncompressed_bytes",
            "max_member_bytes",
            "max_file_bytes",
            "max_ratio",
            "max_depth",
        ):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive")
        if self.ratio_floor_bytes < 0:
            raise ValueError("ratio_floor_bytes must not be negative")
        suffixes = tuple(s.lower() for s in self.allowed_suffixes)
        if not all(s.startswith(".") for s in suffixes):
            raise ValueError("allowed suffixes start with a dot, such as '.fit'")
        object.__setattr__(self, "allowed_suffixes", suffixes)


DEFAULT_LIMITS = ArchiveLimits()
"""The built-in limits; :func:`current_archive_limits` adds the environment's."""


def current_archive_limits() -> ArchiveLimits:
    """The archive limits in force now: the defaults, with ``max_file_bytes`` from
    :func:`analysis.limits.current_limits` (``STRIDELOG_MAX_FILE_MB``), read at each call.

    Read per call, not when the module loads, so an activity file inside an archive meets the
    same size limit as one read on its own, whenever the variable was set.
    """
    return replace(DEFAULT_LIMITS, max_file_bytes=current_limits().max_file_bytes)


@dataclass(frozen=True)
class Member:
    """One file read from an upload.

    Attributes
    ----------
    name
        The path inside the upload, joined with ``"/"`` (see the module notes); for a plain file,
        its own name.
    data
        The file's bytes, every compression layer removed.
    source
        The upload or path it came from (a zip's or folder's name, or the file's own).
    """

    name: str
    data: bytes = field(repr=False)
    source: str = ""

    @property
    def inner_name(self) -> str:
        """The name without its ``.gz`` layers: the name the data answers to (for parsers)."""
        name = self.name
        while name.lower().endswith(".gz") and len(name) > 3:
            name = name[:-3]
        return name


@dataclass(frozen=True)
class Refusal:
    """A file that was not read, and why, in words a runner understands.

    ``skipped`` is True for files that are simply not activities (a photo, JSON, a Strava
    account file): a report shows them as skipped, not as failures.
    """

    name: str
    reason: str
    skipped: bool = False
    source: str = ""


Item = Member | Refusal


# ---- names --------------------------------------------------------------------------------------

_DRIVE = re.compile(r"^[A-Za-z]:")
_MACOS_FORK = "__macosx"
_STRAVA_CSV = "activities.csv"
_STRAVA_FOLDER = "activities/"


def unsafe_name_reason(name: str) -> str | None:
    """Why a member name is unsafe, or None when it is fine.

    Backslashes count as separators, as Windows tools write them.
    """
    if "\x00" in name:
        return "unsafe member name (NUL byte)"
    path = name.replace("\\", "/")
    if path.startswith("/"):
        return "unsafe member name (absolute path)"
    if _DRIVE.match(path):
        return "unsafe member name (drive letter)"
    if ".." in path.split("/"):
        return "unsafe member name (path traversal)"
    return None


def _clean(name: str) -> str:
    """``a\\b//./c`` -> ``a/b/c``."""
    return "/".join(p for p in name.replace("\\", "/").split("/") if p not in ("", "."))


def _suffix(name: str) -> str:
    """The last suffix of a path's base name, lower-cased (``".fit"``), or ``""``."""
    base = name.rsplit("/", 1)[-1]
    dot = base.rfind(".")
    return base[dot:].lower() if dot > 0 else ""


def _type_reason(name: str, limits: ArchiveLimits) -> str | None:
    """Why ``name`` is not an activity file type, or None when it may be one."""
    lower = name.lower()
    if lower.endswith(limits.allowed_suffixes):
        if lower.endswith(".gz"):
            inner = _suffix(lower[:-3])
            if inner and not lower[:-3].endswith(limits.allowed_suffixes):
                return f"not an activity file type ({inner}.gz)"
        return None
    suffix = _suffix(lower)
    return f"not an activity file type ({suffix or 'no file type'})"


def _is_macos_fork(path: str) -> bool:
    parts = path.lower().split("/")
    return _MACOS_FORK in parts[:-1] or parts[-1].startswith("._")


def strava_root(names: Iterable[str]) -> str | None:
    """The folder of a Strava bulk export inside a listing (``""`` at the top), or None.

    A Strava export is recognised by an ``activities.csv`` with an ``activities/`` folder beside
    it; the shallowest such pair wins.
    """
    cleaned = [_clean(n) for n in names]
    listed = set(cleaned)
    folders = {n[: n.rfind("/") + 1] for n in cleaned if "/" in n}
    roots = []
    for n in cleaned:
        if n.lower().rsplit("/", 1)[-1] != _STRAVA_CSV:
            continue
        root = n[: len(n) - len(_STRAVA_CSV)]
        prefix = (root + _STRAVA_FOLDER).lower()
        if any(f.lower().startswith(prefix) for f in folders) or (root + "activities") in listed:
            roots.append(root)
    return min(roots, key=len) if roots else None


def _strava_reason(path: str, root: str | None) -> str | None:
    """Why a file beside a Strava export's activities is skipped, or None."""
    if root is None or not path.startswith(root):
        return None
    rel = path[len(root) :].lower()
    if rel == _STRAVA_CSV or rel.startswith(_STRAVA_FOLDER):
        return None
    return "not an activity in a Strava export (only activities.csv and activities/ are read)"


def _screen(path: str, limits: ArchiveLimits, root: str | None) -> str | None:
    """Why a file is skipped by its name alone (not an activity), or None."""
    if _is_macos_fork(path):
        return "macOS metadata, not an activity file"
    return _type_reason(path, limits) or _strava_reason(path, root)


def _members(n: int) -> str:
    return f"{n} member" if n == 1 else f"{n} members"


def _size(n: float) -> str:
    """A size in words: ``"50 MB"``, ``"51 kB"``, ``"1000 bytes"`` (MB = 2**20 bytes)."""
    if n >= MiB:
        return f"{n / MiB:.0f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} kB"
    return f"{n:.0f} bytes"


# ---- running totals and refusals ----------------------------------------------------------------


class _Refused(Exception):
    """One file is refused; ``fatal`` ends the whole upload (a limit on the upload was reached)."""

    def __init__(self, reason: str, *, fatal: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.fatal = fatal


class _Stop(Exception):
    """Unwinds every nested reader once a fatal refusal has been yielded."""


@dataclass
class _Run:
    """One call's running totals, shared by every nested archive."""

    limits: ArchiveLimits
    source: str
    members: int = 0
    inflated: int = 0

    def count_members(self, n: int, where: str) -> None:
        self.members += n
        if self.members > self.limits.max_members:
            raise _Refused(
                f"too many members: more than {self.limits.max_members} in the upload"
                f" ({where} lists {n}); the rest was not read",
                fatal=True,
            )

    def refusal(self, name: str, reason: str, *, skipped: bool = False) -> Refusal:
        return Refusal(name, reason, skipped, self.source)


class _Sink:
    """Keeps one member's inflated bytes, checking every limit as each chunk arrives.

    ``compressed`` is the member's compressed size where it is known [bytes]; otherwise the
    ratio is judged on the compressed bytes read so far (plus ``fed_before``, read by earlier
    streams of the same member), which never overstates it. The first bytes tell a nested zip
    archive (up to ``max_member_bytes``) from anything else (up to ``max_file_bytes``).
    """

    def __init__(self, run: _Run, compressed: int | None, bomb: str, keep: bool = True) -> None:
        self.run = run
        self.compressed = compressed
        self.bomb = bomb
        self.keep = keep
        self.size = 0
        self.crc = 0
        self.fed_before = 0
        self._head = b""
        self.archive: bool | None = None  # undecided until four bytes have arrived
        self._buffer: BinaryIO = io.BytesIO()
        self._spooled = False

    def _decide(self, chunk: bytes) -> None:
        self._head += chunk[: 4 - len(self._head)]
        if len(self._head) < 4:
            return
        self.archive = self._head in (_LOCAL_SIG, _END_SIG)

    def write(self, chunk: bytes, fed: int) -> None:
        if not chunk:
            return
        limits = self.run.limits
        self.size += len(chunk)
        self.run.inflated += len(chunk)
        if self.archive is None:
            self._decide(chunk)
        if self.size > limits.max_member_bytes:
            raise _Refused(f"{self.bomb}: member expands beyond {_size(limits.max_member_bytes)}")
        if self.archive is False and self.size > limits.max_file_bytes:
            raise _Refused(
                f"file expands beyond {_size(limits.max_file_bytes)}, the most one activity file"
                " may hold (limit: max_file_bytes)"
            )
        fed += self.fed_before
        compressed = max(self.compressed if self.compressed is not None else fed, 1)
        if self.size > limits.ratio_floor_bytes and self.size > limits.max_ratio * compressed:
            raise _Refused(
                f"compression ratio above the limit of 1:{limits.max_ratio:g}"
                f" ({self.bomb}: {_size(self.size)} out of {_size(compressed)} so far)"
            )
        if self.run.inflated > limits.max_total_uncompressed_bytes:
            raise _Refused(
                "the upload expands beyond"
                f" {_size(limits.max_total_uncompressed_bytes)} in total; the rest was not read",
                fatal=True,
            )
        self.crc = zlib.crc32(chunk, self.crc)
        if not self.keep:
            return
        try:
            if self.archive and not self._spooled and self.size > NESTED_IN_MEMORY_BYTES:
                self._spool()
            self._buffer.write(chunk)
        except OSError as err:
            self.close()
            raise _Refused(
                "cannot hold the nested archive in a temporary file"
                f" ({err.strerror or err}); free space in the temporary folder ({_temp_dir()})"
            ) from err

    def _spool(self) -> None:
        """Move what was inflated into an anonymous temporary file, and write on there."""
        # no context manager: the file outlives this call, and _unwrap closes it once read
        spool = tempfile.TemporaryFile()  # noqa: SIM115
        memory = self._buffer
        assert isinstance(memory, io.BytesIO)
        with memory.getbuffer() as view:
            spool.write(view)
        self._buffer, self._spooled = cast(BinaryIO, spool), True

    def close(self) -> None:
        """Let go of what was kept (a temporary file vanishes as it is closed)."""
        self._buffer.close()

    def value(self) -> bytes | BinaryIO:
        """The member's bytes, or the temporary file holding a large nested archive (rewound)."""
        if self._spooled:
            self._buffer.seek(0)
            return self._buffer
        buffer = self._buffer
        assert isinstance(buffer, io.BytesIO)
        return buffer.getvalue()  # shares BytesIO's buffer: no second copy of the member


def _temp_dir() -> str:
    return tempfile.gettempdir()


Data = bytes | BinaryIO
"""A member's bytes, or (a nested archive) a seekable file holding them."""


class _Window:
    """A read-only, seekable view of ``length`` bytes of ``fp`` from ``start``.

    A stored (uncompressed) nested archive is read through it in place, from the outer file,
    never copied. It moves ``fp``'s position: the outer reader seeks before each member anyway.
    """

    def __init__(self, fp: BinaryIO, start: int, length: int) -> None:
        self._fp = fp
        self._start = start
        self._length = length
        self._at = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._at

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._at, os.SEEK_END: self._length}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self._at = base + offset
        return self._at

    def read(self, size: int | None = -1) -> bytes:
        left = max(0, self._length - self._at)
        size = left if size is None or size < 0 else min(size, left)
        if not size:
            return b""
        self._fp.seek(self._start + self._at)
        chunk = self._fp.read(size)
        self._at += len(chunk)
        return chunk

    def close(self) -> None:
        """Nothing to release: the outer file stays open for the members after this one."""

    def __enter__(self) -> _Window:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ---- decompression in bounded steps -------------------------------------------------------------

Reader = Callable[[int], bytes]


class _Buffered(Protocol):
    """What :class:`bz2.BZ2Decompressor` and :class:`lzma.LZMADecompressor` share."""

    @property
    def eof(self) -> bool: ...

    @property
    def needs_input(self) -> bool: ...

    @property
    def unused_data(self) -> bytes: ...

    def decompress(self, data: bytes, max_length: int = -1) -> bytes: ...


def _want(size: int | None, fed: int) -> int:
    return CHUNK_BYTES if size is None else min(CHUNK_BYTES, size - fed)


def _copy(read: Reader, size: int, sink: _Sink, what: str) -> int:
    """Copy ``size`` stored bytes into ``sink``; returns the bytes read."""
    fed = 0
    while fed < size:
        chunk = read(_want(size, fed))
        if not chunk:
            raise _Refused(f"corrupt {what} (truncated)")
        fed += len(chunk)
        sink.write(chunk, fed)
    return fed


def _inflate(read: Reader, wbits: int, size: int | None, sink: _Sink, what: str) -> int:
    """Inflate one zlib stream into ``sink``, at most :data:`CHUNK_BYTES` per step.

    ``size`` bounds the compressed bytes read (None: until the stream ends). Returns the
    compressed bytes the stream took.
    """
    inflater = zlib.decompressobj(wbits)
    fed = 0
    data = b""
    while not inflater.eof:
        if not data:
            want = _want(size, fed)
            data = read(want) if want > 0 else b""
            fed += len(data)
            if not data:
                # zlib may still hold output for input it has already taken
                tail = inflater.decompress(b"", CHUNK_BYTES)
                if not tail:
                    raise _Refused(f"corrupt {what} (truncated)")
                sink.write(tail, fed)
                continue
        sink.write(inflater.decompress(data, CHUNK_BYTES), fed)
        data = inflater.unconsumed_tail
    return fed - len(inflater.unused_data)


def _decompress(
    read: Reader, decompressor: _Buffered, fed: int, size: int | None, sink: _Sink, what: str
) -> int:
    """As :func:`_inflate`, for bzip2 and LZMA; ``fed`` bytes were read before (a header)."""
    while not decompressor.eof:
        data = b""
        if decompressor.needs_input:
            want = _want(size, fed)
            data = read(want) if want > 0 else b""
            fed += len(data)
            if not data:
                if size is not None:
                    break  # LZMA in zip may end without an end marker; the CRC tells
                raise _Refused(f"corrupt {what} (truncated)")
        sink.write(decompressor.decompress(data, CHUNK_BYTES), fed)
    return fed - len(decompressor.unused_data)


def _lzma_decompressor(read: Reader, largest: int) -> tuple[lzma.LZMADecompressor, int]:
    """A raw LZMA1 decompressor from the 4-byte header and properties zip puts first.

    The dictionary is allocated up front at the size the header asks for, so it is capped at
    ``largest`` [bytes], the most the member may expand to (no match can reach further back).
    """
    head = read(4)
    if len(head) < 4:
        raise _Refused("corrupt member (truncated)")
    (props_len,) = struct.unpack_from("<H", head, 2)
    props = read(props_len)
    if props_len != 5 or len(props) != 5:
        raise _Refused("corrupt member (bad LZMA properties)")
    pb, rest = divmod(props[0], 45)
    lp, lc = divmod(rest, 9)
    if pb > 4:
        raise _Refused("corrupt member (bad LZMA properties)")
    (dict_size,) = struct.unpack_from("<L", props, 1)
    dict_size = max(4096, min(int(dict_size), largest))
    lzma1 = {"id": lzma.FILTER_LZMA1, "lc": lc, "lp": lp, "pb": pb, "dict_size": dict_size}
    return lzma.LZMADecompressor(lzma.FORMAT_RAW, filters=[lzma1]), 4 + props_len


def _gunzip(data: bytes, run: _Run) -> Data:
    """Every member of a gzip stream, concatenated; trailing garbage is ignored, as by gzip(1).

    The ratio is judged on the compressed bytes read so far, not the file's size: a 10 MB gzip of
    zeros is stopped after about 1 MB of output instead of being let grow to 200 times 10 MB.
    """
    source = io.BytesIO(data)
    sink = _Sink(run, None, "gzip bomb")
    start = 0
    try:
        while True:
            source.seek(start)
            sink.fed_before = start
            start += _inflate(source.read, 16 + zlib.MAX_WBITS, None, sink, "gzip file")
            if data[start : start + 2] != b"\x1f\x8b":
                return sink.value()
    except zlib.error as err:
        sink.close()
        raise _Refused(f"corrupt gzip file ({err})") from err
    except _Refused:
        sink.close()
        raise


# ---- zip structure ------------------------------------------------------------------------------

_LOCAL_HEADER = struct.Struct("<4s5H3L2H")
_LOCAL_SIG = b"PK\x03\x04"
_CENTRAL_SIG = b"PK\x01\x02"
_END_SIG = b"PK\x05\x06"
_END = struct.Struct("<4s4H2LH")
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_END = struct.Struct("<4sQ2H2L4Q")
_DESCRIPTOR_SIG = b"PK\x07\x08"
_FLAG_ENCRYPTED = 0x01
_FLAG_DESCRIPTOR = 0x08
_FLAG_STRONG_ENCRYPTION = 0x40
_FLAG_UTF8 = 0x800
_AES_METHOD = 99
_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA)
_METHOD_NAMES = {9: "Deflate64", 93: "Zstandard", 95: "xz", 98: "PPMd"}
_CENTRAL_ENTRY_BYTES = 1024
"""A generous mean size of one central-directory entry [bytes]: a directory larger than this
times the members still allowed is refused before it is parsed (parsing costs memory per entry)."""

_READ_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    struct.error,
    EOFError,
    OSError,
    ValueError,
    NotImplementedError,
)
"""What reading a damaged archive can raise (bz2 raises OSError)."""


@dataclass
class _Entry:
    """One zip entry, as the central directory or a local header states it."""

    name: str  # as stored, decoded; may hold a NUL
    flags: int
    method: int
    compress_size: int | None  # None: unknown (a data descriptor follows the data)
    file_size: int | None
    crc: int | None
    header_offset: int = 0
    is_dir: bool = False
    is_symlink: bool = False
    overlaps: bool = False

    @property
    def encrypted(self) -> bool:
        flagged = self.flags & (_FLAG_ENCRYPTED | _FLAG_STRONG_ENCRYPTION)
        return bool(flagged) or self.method == _AES_METHOD


def _from_info(info: zipfile.ZipInfo) -> _Entry:
    mode = info.external_attr >> 16
    return _Entry(
        name=info.orig_filename,
        flags=info.flag_bits,
        method=info.compress_type,
        compress_size=info.compress_size,
        file_size=info.file_size,
        crc=info.CRC,
        header_offset=info.header_offset,
        is_dir=info.orig_filename.endswith(("/", "\\")),
        is_symlink=info.create_system == 3 and stat.S_ISLNK(mode),
    )


def _declared_entries(fp: BinaryIO) -> tuple[int, int] | None:
    """(entries, central directory size [bytes]) from the end records, or None if unreadable."""
    size = fp.seek(0, os.SEEK_END)
    tail_len = min(size, _END.size + 0xFFFF)
    fp.seek(size - tail_len)
    tail = fp.read(tail_len)
    at = tail.rfind(_END_SIG)
    if at < 0 or len(tail) - at < _END.size:
        return None
    end = _END.unpack_from(tail, at)
    entries, cd_size = int(end[4]), int(end[5])
    if (entries == 0xFFFF or cd_size == 0xFFFFFFFF) and at >= _ZIP64_LOCATOR.size:
        locator = _ZIP64_LOCATOR.unpack_from(tail, at - _ZIP64_LOCATOR.size)
        if locator[0] == b"PK\x06\x07":
            fp.seek(int(locator[2]))
            raw = fp.read(_ZIP64_END.size)
            if len(raw) == _ZIP64_END.size and raw[:4] == b"PK\x06\x06":
                record = _ZIP64_END.unpack(raw)
                entries, cd_size = int(record[7]), int(record[8])
    return entries, cd_size


def _check_listing(fp: BinaryIO, label: str, run: _Run) -> None:
    """Refuse a central directory too large for the members still allowed, before parsing it."""
    declared = _declared_entries(fp)
    if declared is None:
        return
    entries, cd_size = declared
    remaining = run.limits.max_members - run.members
    if entries > remaining:
        run.count_members(entries, label)
    if cd_size > remaining * _CENTRAL_ENTRY_BYTES:
        raise _Refused(
            f"too many members: the listing of {label} takes {_size(cd_size)}, more than"
            f" {run.limits.max_members} members need; the rest was not read",
            fatal=True,
        )


def _mark_overlaps(entries: list[_Entry]) -> None:
    """Flag entries whose data overlap another's (the overlapping-entries zip bomb)."""
    ordered = sorted((e for e in entries if not e.is_dir), key=lambda e: e.header_offset)
    for a, b in itertools.pairwise(ordered):
        end = a.header_offset + _LOCAL_HEADER.size + (a.compress_size or 0)
        if b.header_offset < end:
            a.overlaps = b.overlaps = True


def _refusal_by_header(entry: _Entry, limits: ArchiveLimits) -> str | None:
    """Why an entry is refused before a byte of it is inflated, or None."""
    if entry.is_symlink:
        return "unsafe member (symbolic link)"
    if entry.encrypted:
        return "encrypted member: cannot be read"
    if entry.method not in _METHODS:
        what = _METHOD_NAMES.get(entry.method, "unknown")
        return (
            f"unsupported compression method ({what}, method {entry.method}):"
            " re-pack the archive with ordinary zip compression"
        )
    if entry.overlaps:
        return "overlapping members (a zip bomb trick)"
    if entry.file_size is not None and entry.file_size > limits.max_member_bytes:
        return f"zip bomb: member expands beyond {_size(limits.max_member_bytes)}"
    if entry.file_size is not None and entry.compress_size:
        ratio = entry.file_size / entry.compress_size
        if entry.file_size > limits.ratio_floor_bytes and ratio > limits.max_ratio:
            return f"compression ratio 1:{ratio:.0f} above the limit of 1:{limits.max_ratio:g}"
    return None


def _read_data(fp: BinaryIO, entry: _Entry, run: _Run, *, keep: bool = True) -> tuple[Data, int]:
    """Decompress the entry whose data start at ``fp``'s position.

    Returns the data (empty unless ``keep``; a temporary file for a large nested archive) and
    their CRC-32; ``fp`` is left at the end of the entry's data.
    """
    sink = _Sink(run, entry.compress_size, "zip bomb", keep)
    start = fp.tell()
    size = entry.compress_size
    try:
        if entry.method == zipfile.ZIP_STORED:
            if size is None:
                size = _stored_length(fp, run.limits.max_member_bytes)
            used = _copy(fp.read, size, sink, "member")
        elif entry.method == zipfile.ZIP_DEFLATED:
            used = _inflate(fp.read, -zlib.MAX_WBITS, size, sink, "member")
        elif entry.method == zipfile.ZIP_BZIP2:
            used = _decompress(fp.read, bz2.BZ2Decompressor(), 0, size, sink, "member")
        else:
            decompressor, header = _lzma_decompressor(fp.read, run.limits.max_member_bytes)
            used = _decompress(fp.read, decompressor, header, size, sink, "member")
    except (zlib.error, lzma.LZMAError, OSError, EOFError, ValueError) as err:
        sink.close()
        raise _Refused(f"corrupt member ({err})") from err
    except _Refused:
        sink.close()
        raise
    fp.seek(start + used)
    return sink.value(), sink.crc


def _stored_length(fp: BinaryIO, limit: int) -> int:
    """Length of stored data of unknown size, found by searching for the data descriptor that
    follows it (with its signature, and its size field equal to the distance searched).

    Only zip writers that stream (Python's zipfile to a pipe) store members of unknown size.
    ``fp`` is left where it was.
    """
    start = fp.tell()
    window = b""
    base = 0  # offset of window[0] from start
    while base <= limit:
        chunk = fp.read(CHUNK_BYTES)
        if not chunk:
            break
        window += chunk
        at = window.find(_DESCRIPTOR_SIG)
        while 0 <= at <= len(window) - 24:
            length = base + at
            small = struct.unpack_from("<L", window, at + 8)[0]
            large = struct.unpack_from("<Q", window, at + 8)[0]
            if small == length & 0xFFFFFFFF or large == length:
                fp.seek(start)
                return length
            at = window.find(_DESCRIPTOR_SIG, at + 1)
        keep = min(len(window), 23)
        base += len(window) - keep
        window = window[len(window) - keep :]
    fp.seek(start)
    raise _Refused("corrupt member (truncated)")


def _data_start(fp: BinaryIO, entry: _Entry) -> int:
    """Where an entry's data start, once its local header is checked; ``fp`` is left there."""
    fp.seek(entry.header_offset)
    raw = fp.read(_LOCAL_HEADER.size)
    if len(raw) < _LOCAL_HEADER.size or raw[:4] != _LOCAL_SIG:
        raise _Refused("corrupt member (no local header where the listing points)")
    local = _LOCAL_HEADER.unpack(raw)
    if int(local[2]) & (_FLAG_ENCRYPTED | _FLAG_STRONG_ENCRYPTION):
        raise _Refused("encrypted member: cannot be read")
    name_len, extra_len = int(local[9]), int(local[10])
    local_name = fp.read(name_len)
    encoding = "utf-8" if entry.flags & _FLAG_UTF8 else "cp437"
    if local_name.decode(encoding, errors="replace") != entry.name:
        raise _Refused("corrupt member (its local header names another file)")
    return fp.seek(extra_len, os.SEEK_CUR)


def _read_entry(fp: BinaryIO, entry: _Entry, run: _Run) -> Data:
    """One member's bytes, through every check and limit (central-directory path)."""
    _data_start(fp, entry)
    data, crc = _read_data(fp, entry, run)
    if crc != entry.crc:
        if not isinstance(data, bytes):
            data.close()
        raise _Refused("corrupt member (CRC-32 mismatch)")
    return data


def _stored_archive(fp: BinaryIO, entry: _Entry, run: _Run) -> BinaryIO | None:
    """A stored (uncompressed) nested zip as a window on ``fp``, or None for any other entry.

    Its bytes are counted against every limit and its CRC-32 checked in one pass that keeps
    nothing; the archive is then read in place, as the outer one is.
    """
    size = entry.compress_size
    if entry.method != zipfile.ZIP_STORED or size is None or size != entry.file_size:
        return None
    start = _data_start(fp, entry)
    if fp.read(4) not in (_LOCAL_SIG, _END_SIG):
        return None
    window = _Window(fp, start, size)
    sink = _Sink(run, size, "zip bomb", keep=False)
    _copy(window.read, size, sink, "member")
    if sink.crc != entry.crc:
        raise _Refused("corrupt member (CRC-32 mismatch)")
    window.seek(0)
    return cast(BinaryIO, window)


# ---- readers ------------------------------------------------------------------------------------


def _is_zip(path: str, data: bytes) -> bool:
    return data[:4] in (_LOCAL_SIG, _END_SIG) or path.lower().endswith(".zip")


def _unwrap(path: str, data: Data, depth: int, run: _Run) -> Iterator[Item]:
    """Yield ``data`` (sitting ``depth`` containers deep) as a member, or read what it holds.

    ``data`` held in a file (a large nested archive) is a zip; the file is closed once read.
    """
    limits = run.limits
    if not isinstance(data, bytes):
        with data:
            yield from _nested_zip(path, data, depth, run)
        return
    is_zip = _is_zip(path, data)
    if (is_zip or data[:2] == b"\x1f\x8b") and depth + 1 > limits.max_depth:
        yield run.refusal(
            path, f"nested too deep (more than {limits.max_depth} archives inside each other)"
        )
    elif is_zip:
        yield from _iter_zip(io.BytesIO(data), path + "/" if depth else "", depth + 1, path, run)
    elif data[:2] == b"\x1f\x8b":
        try:
            inner = _gunzip(data, run)
        except _Refused as err:
            yield run.refusal(path, err.reason)
            if err.fatal:
                raise _Stop from err
            return
        yield from _unwrap(path, inner, depth + 1, run)
    else:
        yield Member(path, data, run.source)


def _nested_zip(path: str, fp: BinaryIO, depth: int, run: _Run) -> Iterator[Item]:
    """The members of a nested zip held in ``fp`` (which sits ``depth`` containers deep)."""
    if depth + 1 > run.limits.max_depth:
        yield run.refusal(
            path, f"nested too deep (more than {run.limits.max_depth} archives inside each other)"
        )
    else:
        yield from _iter_zip(fp, path + "/", depth + 1, path, run)


def _iter_zip(fp: BinaryIO, prefix: str, depth: int, label: str, run: _Run) -> Iterator[Item]:
    """Every member of the zip in ``fp``, named ``prefix`` + its path; they sit ``depth`` deep."""
    try:
        _check_listing(fp, label, run)
    except _Refused as err:
        yield run.refusal(label, err.reason)
        raise _Stop from err
    try:
        fp.seek(0)
        zf = zipfile.ZipFile(fp)
    except _READ_ERRORS as err:
        read, note = yield from _salvage_zip(fp, prefix, depth, label, run)
        if read:
            yield run.refusal(
                label,
                f"damaged zip archive ({err}): {_members(read)} found by reading the local"
                f" headers one by one{note}",
            )
        else:
            yield run.refusal(label, f"not a zip archive, or damaged beyond reading ({err})")
        return
    with zf:
        infos = zf.infolist()
    try:
        run.count_members(len(infos), label)
    except _Refused as err:
        yield run.refusal(label, err.reason)
        raise _Stop from err
    root = strava_root(info.orig_filename for info in infos)
    entries = [_from_info(info) for info in infos]
    _mark_overlaps(entries)
    for entry in entries:
        if entry.is_dir:
            continue
        unsafe = unsafe_name_reason(entry.name)
        if unsafe:
            yield run.refusal(prefix + entry.name.replace("\x00", "\\x00"), unsafe)
            continue
        path = prefix + _clean(entry.name)
        skip = _screen(path[len(prefix) :], run.limits, root)
        if skip:
            yield run.refusal(path, skip, skipped=True)
            continue
        reason = _refusal_by_header(entry, run.limits)
        if reason:
            yield run.refusal(path, reason)
            continue
        try:
            data: Data | None = _stored_archive(fp, entry, run)
            if data is None:
                data = _read_entry(fp, entry, run)
        except _Refused as err:
            yield run.refusal(path, err.reason)
            if err.fatal:
                raise _Stop from err
            continue
        except _READ_ERRORS as err:
            yield run.refusal(path, f"corrupt member ({err})")
            continue
        yield from _unwrap(path, data, depth, run)


def _zip64_sizes(extra: bytes, csize: int, usize: int) -> tuple[int, int, bool]:
    """Sizes from a local header's Zip64 extra field where the fixed fields are saturated."""
    at = 0
    while at + 4 <= len(extra):
        tag, length = struct.unpack_from("<2H", extra, at)
        if tag == 1:
            body = extra[at + 4 : at + 4 + length]
            values = [v for (v,) in struct.iter_unpack("<Q", body[: len(body) // 8 * 8])]
            if usize == 0xFFFFFFFF and values:
                usize = values.pop(0)
            if csize == 0xFFFFFFFF and values:
                csize = values.pop(0)
            return csize, usize, True
        at += 4 + length
    return csize, usize, False


def _descriptor_crc(fp: BinaryIO, zip64: bool) -> int:
    """Step over a data descriptor (its signature is optional); returns the CRC-32 it states."""
    head = fp.read(4)
    if head != _DESCRIPTOR_SIG:
        fp.seek(-len(head), os.SEEK_CUR)
    size = 4 + (16 if zip64 else 8)
    record = fp.read(size)
    if len(record) < size:
        raise _Refused("corrupt member (truncated)")
    (crc,) = struct.unpack_from("<L", record)
    return int(crc)


def _salvage_zip(
    fp: BinaryIO, prefix: str, depth: int, label: str, run: _Run
) -> Generator[Item, None, tuple[int, str]]:
    """Read a zip whose listing is unreadable, member by member from the local headers.

    Returns how many entries were found and a note on where reading stopped early ("" when it
    reached the listing or the end).
    """
    fp.seek(0)
    found = 0
    while True:
        raw = fp.read(_LOCAL_HEADER.size)
        if len(raw) < 4 or raw[:4] in (_CENTRAL_SIG, _END_SIG):
            return found, ""
        after = "; the bytes after the last of them are unreadable" if found else ""
        if raw[:4] != _LOCAL_SIG or len(raw) < _LOCAL_HEADER.size:
            return found, after
        position = fp.tell() - _LOCAL_HEADER.size
        _, _, flags, method, _, _, crc, csize, usize, name_len, extra_len = _LOCAL_HEADER.unpack(
            raw
        )
        raw_name = fp.read(name_len)
        csize, usize, zip64 = _zip64_sizes(fp.read(extra_len), int(csize), int(usize))
        name = raw_name.decode("utf-8" if flags & _FLAG_UTF8 else "cp437", errors="replace")
        descriptor = bool(flags & _FLAG_DESCRIPTOR)
        unknown = descriptor and csize == 0
        entry = _Entry(
            name=name,
            flags=int(flags),
            method=int(method),
            compress_size=None if unknown else csize,
            file_size=None if unknown else usize,
            crc=None if descriptor else int(crc),
            header_offset=position,
            is_dir=name.endswith(("/", "\\")),
        )
        found += 1
        try:
            run.count_members(1, label)
        except _Refused as err:
            yield run.refusal(label, err.reason)
            raise _Stop from err
        path = prefix + _clean(name)
        reason: str | None = None
        skipped = False
        if entry.is_dir:
            pass
        elif unsafe := unsafe_name_reason(name):
            reason, path = unsafe, prefix + name.replace("\x00", "\\x00")
        elif skip := _screen(path[len(prefix) :], run.limits, None):
            reason, skipped = skip, True
        else:
            reason = _refusal_by_header(entry, run.limits)
        data: Data = b""
        try:
            if entry.compress_size is not None and (reason or entry.is_dir):
                fp.seek(entry.compress_size, os.SEEK_CUR)
                if descriptor:
                    _descriptor_crc(fp, zip64)
            elif entry.encrypted or entry.method not in _METHODS:
                yield run.refusal(path, reason or "unreadable member", skipped=skipped)
                return found, f"; the end of {path} cannot be found, so nothing after it was read"
            else:
                # a refused member of unknown size is inflated (not kept) to find where it ends
                data, actual_crc = _read_data(fp, entry, run, keep=reason is None)
                stated = _descriptor_crc(fp, zip64) if descriptor else entry.crc
                if reason is None and actual_crc != stated:
                    reason = "corrupt member (CRC-32 mismatch)"
        except _Refused as err:
            yield run.refusal(path, err.reason)
            if err.fatal:
                raise _Stop from err
            if entry.compress_size is None:
                return found, f"; the end of {path} cannot be found, so nothing after it was read"
            fp.seek(position + _LOCAL_HEADER.size + name_len + extra_len + entry.compress_size)
            try:
                if descriptor:
                    _descriptor_crc(fp, zip64)
            except _Refused:
                return found, ""
            continue
        if reason:
            if not isinstance(data, bytes):
                data.close()
            yield run.refusal(path, reason, skipped=skipped)
        elif not entry.is_dir:
            yield from _unwrap(path, data, depth, run)


def iter_members(data: bytes, name: str, limits: ArchiveLimits | None = None) -> Iterator[Item]:
    """Every file in an upload: a zip (nested zips too), a gzip file, or a plain file.

    Parameters
    ----------
    data
        The uploaded bytes; read in place, never written to disk.
    name
        The upload's file name (``export_12345.zip``, ``run.fit.gz``, ``run.fit``).
    limits
        What the upload may cost (:class:`ArchiveLimits`); :func:`current_archive_limits` when
        None.

    Yields
    ------
    Member | Refusal
        Each file that can be parsed, named by its path inside the upload, and each file that was
        skipped or refused, with the reason. A refusal never stops the rest, except when a limit
        on the whole upload is reached: that refusal is the last item.
    """
    limits = limits or current_archive_limits()
    run = _Run(limits, name)
    if len(data) > limits.max_upload_bytes:
        yield run.refusal(
            name,
            f"upload too large: {_size(len(data))}, the limit is {_size(limits.max_upload_bytes)}",
        )
        return
    if data[:4] not in (_LOCAL_SIG, _END_SIG):
        reason = _screen(name, limits, None)
        if reason:
            yield run.refusal(name, reason, skipped=True)
            return
    try:
        yield from _unwrap(name, data, 0, run)
    except _Stop:
        return


def iter_paths(
    paths: Iterable[str | os.PathLike[str]], limits: ArchiveLimits | None = None
) -> Iterator[Item]:
    """Every file in files and folders on disk (folders recursively, in name order).

    A zip is read through its file handle (its listing, then one member at a time), so an export
    larger than memory can be read; it is never unpacked. Files in a folder are named by their
    path inside it, and a Strava export unpacked into a folder is recognised as in a zip.
    ``source`` is the path as given. ``max_upload_bytes`` applies to each file; the number of
    members and the total inflated bytes to the whole call. ``limits``: as
    :func:`iter_members`.

    Yields
    ------
    Member | Refusal
        As :func:`iter_members`.
    """
    run = _Run(limits or current_archive_limits(), "")
    try:
        for given in paths:
            path = Path(given)
            run.source = str(given)
            if path.is_dir():
                names = _files(path)
                root = strava_root(names)
                for rel in names:
                    yield from _path_item(path / rel, rel, root, run, in_folder=True)
            else:
                yield from _path_item(path, path.name, None, run)
    except _Stop:
        return


def _files(folder: Path) -> list[str]:
    """Files under ``folder`` (relative, ``"/"``-joined, sorted); folder links are not followed."""
    found = []
    for top, dirs, names in os.walk(folder):
        dirs.sort()
        rel = Path(top).relative_to(folder).as_posix()
        found += [n if rel == "." else f"{rel}/{n}" for n in sorted(names)]
    return found


def _path_item(
    path: Path, name: str, root: str | None, run: _Run, *, in_folder: bool = False
) -> Iterator[Item]:
    """One file from disk; a zip's members are named after it when it lies inside a folder."""
    limits = run.limits
    try:
        run.count_members(1, "the folder")
    except _Refused as err:
        yield run.refusal(name, err.reason)
        raise _Stop from err
    skip = _screen(name, limits, root)
    if skip:
        yield run.refusal(name, skip, skipped=True)
        return
    try:
        size = path.stat().st_size
        if size > limits.max_upload_bytes:
            yield run.refusal(
                name,
                f"file too large: {_size(size)}, the limit is {_size(limits.max_upload_bytes)}",
            )
            return
        with path.open("rb") as fp:
            if _is_zip(name, fp.read(4)):
                yield from _iter_zip(fp, name + "/" if in_folder else "", 1, name, run)
                return
            if size > limits.max_file_bytes:
                # refused from its size on disk, before a byte of it is held in memory
                yield run.refusal(
                    name,
                    f"file too large: {_size(size)}, the most one activity file may hold is"
                    f" {_size(limits.max_file_bytes)} (limit: max_file_bytes)",
                )
                return
            fp.seek(0)
            data = fp.read()
    except OSError as err:
        yield run.refusal(name, f"cannot read the file ({err.strerror or err})")
        return
    yield from _unwrap(name, data, 0, run)


# ---- a cheap count, for progress bars -----------------------------------------------------------

TYPICAL_ZIPPED_ACTIVITY_BYTES = 100_000
"""An activity file's typical size inside a zip [bytes] (a one-hour FIT run, deflated): a nested
archive counts as its size over this, without being opened."""


def _count_zip(fp: BinaryIO, limits: ArchiveLimits) -> int:
    declared = _declared_entries(fp)
    if declared is None or declared[0] > limits.max_members:
        return 0
    try:
        fp.seek(0)
        with zipfile.ZipFile(fp) as zf:
            infos = zf.infolist()
    except _READ_ERRORS:
        return 0
    root = strava_root(info.orig_filename for info in infos)
    count = 0
    for info in infos:
        path = _clean(info.orig_filename)
        if info.is_dir() or unsafe_name_reason(info.orig_filename) or _screen(path, limits, root):
            continue
        if path.lower().endswith(".zip"):
            count += max(1, info.compress_size // TYPICAL_ZIPPED_ACTIVITY_BYTES)
        else:
            count += 1
    return count


def count_hint(data: bytes, name: str, limits: ArchiveLimits | None = None) -> int:
    """About how many activity files an upload holds, from its listing alone (for progress bars).

    For a zip without nested archives this is the number of files :func:`iter_members` yields or
    refuses for their content (not those skipped or refused by name). A nested zip counts as its
    compressed size over :data:`TYPICAL_ZIPPED_ACTIVITY_BYTES`; a damaged zip counts 0.
    """
    limits = limits or current_archive_limits()
    if _is_zip(name, data):
        return _count_zip(io.BytesIO(data), limits)
    return 0 if _type_reason(name, limits) else 1


def count_paths_hint(
    paths: Iterable[str | os.PathLike[str]], limits: ArchiveLimits | None = None
) -> int:
    """:func:`count_hint` over files and folders on disk (a zip is read for its listing only)."""
    limits = limits or current_archive_limits()
    count = 0
    for given in paths:
        path = Path(given)
        if path.is_dir():
            names = _files(path)
            root = strava_root(names)
            items = [(path / rel, rel) for rel in names if not _screen(rel, limits, root)]
        else:
            items = [] if _screen(path.name, limits, None) else [(path, path.name)]
        for file, rel in items:
            if not rel.lower().endswith(".zip"):
                count += 1
                continue
            try:
                with file.open("rb") as fp:
                    count += _count_zip(fp, limits)
            except OSError:
                continue
    return count
