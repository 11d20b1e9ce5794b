"""Parsers: one per format, each ``read_<format>(data, name) -> list[ParsedActivity]``.

:func:`parse_bytes` decides the format by the content alone (:mod:`analysis.parsers.sniff`; a
file name is whatever the sender typed) and dispatches. Every failure is a
:class:`~analysis.errors.ParseError` naming the file and the reason in plain words.
"""

from __future__ import annotations

import io
import zlib

from analysis.errors import ParseError, StridelogError
from analysis.limits import current_limits, size_words
from analysis.parsers.base import ParsedActivity
from analysis.parsers.sniff import sniff

MAX_GUNZIP_BYTES: int | None = None
"""A .gz file may not expand beyond this [bytes] (counted while streaming; declared sizes lie).
None: the ``max_file_bytes`` of :func:`analysis.limits.current_limits` (256 MiB by default)."""

GUNZIP_MAX_RATIO = 200.0
"""A .gz file may not expand more than this many times the compressed bytes read so far, once
past :data:`GUNZIP_RATIO_FLOOR_BYTES` (the archive reader's ``max_ratio``: GPX and TCX compress
5-30 times, a run of zeros 1000 times)."""

GUNZIP_RATIO_FLOOR_BYTES = 1024 * 1024
"""Output below which the ratio is not judged [bytes]: a small file cannot hurt."""

_GUNZIP_STEP_BYTES = 64 * 1024

FORMATS = ("fit", "gpx", "tcx", "csv")

_FORMAT_NAMES = {"fit": "FIT", "gpx": "GPX", "tcx": "TCX", "csv": "CSV"}


def sniff_format(data: bytes, name: str) -> str:
    """Which reader a file needs, decided by its content (see :mod:`analysis.parsers.sniff`).

    Parameters
    ----------
    data
        The file's bytes.
    name
        The file name, for messages; it only chooses between readings the content leaves
        equally open, never on its own.

    Returns
    -------
    str
        One of :data:`FORMATS`, or ``"gz"`` / ``"zip"`` for a container.

    Raises
    ------
    ParseError
        An empty file, or content that is none of these, saying what it looks like instead.
    """
    return sniff(data, name)


def _named_format(name: str) -> str | None:
    """The activity format a file name claims (``"run.FIT"`` -> ``"fit"``), or None."""
    lower = name.lower()
    return next((fmt for fmt in FORMATS if lower.endswith("." + fmt)), None)


def gunzip_bounded(data: bytes, name: str, limit: int | None = None) -> bytes:
    """Decompress a gzip file (every member of it), counting inflated bytes as they come.

    Parameters
    ----------
    data
        The compressed bytes.
    name
        The file name, for messages.
    limit
        The most it may expand to [bytes]; :data:`MAX_GUNZIP_BYTES` when None.

    Returns
    -------
    bytes
        The inflated bytes; bytes after the last gzip member are ignored, as by gzip(1).

    Raises
    ------
    ParseError
        Past ``limit`` or past :data:`GUNZIP_MAX_RATIO` times the compressed bytes read (refused
        within one step of :data:`_GUNZIP_STEP_BYTES`, whatever the header declares), naming the
        limit; a corrupt or truncated stream.
    """
    if limit is None:
        limit = (
            MAX_GUNZIP_BYTES if MAX_GUNZIP_BYTES is not None else current_limits().max_file_bytes
        )
    out = io.BytesIO()
    view = memoryview(data)
    start = 0
    try:
        while start < len(data) and data[start : start + 2] == b"\x1f\x8b":
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            fed = start
            pending = b""
            while not inflater.eof:
                if not pending:
                    pending = view[fed : fed + _GUNZIP_STEP_BYTES].tobytes()
                    fed += len(pending)
                    if not pending:
                        raise ParseError(name, "corrupt gzip file (it stops before its end)")
                out.write(inflater.decompress(pending, _GUNZIP_STEP_BYTES))
                pending = inflater.unconsumed_tail
                size = out.tell()
                if size > limit:
                    raise ParseError(
                        name,
                        f"gzip file expands beyond {size_words(limit)}, the most one activity file"
                        " may hold (limit: max_file_bytes)",
                    )
                if size > GUNZIP_RATIO_FLOOR_BYTES and size > GUNZIP_MAX_RATIO * fed:
                    raise ParseError(
                        name,
                        f"gzip file expands beyond {GUNZIP_MAX_RATIO:g} times its size (limit:"
                        f" compression ratio; {size_words(size)} out of {size_words(fed)} so far):"
                        " a gzip bomb, not an activity",
                    )
            start = fed - len(inflater.unused_data)
    except zlib.error as err:
        raise ParseError(name, f"corrupt gzip file ({err})") from err
    if start == 0:
        raise ParseError(name, "corrupt gzip file (no gzip header)")
    return out.getvalue()


def parse_bytes(data: bytes, name: str) -> tuple[str, list[ParsedActivity]]:
    """Parse one file; returns its format and its activities (one per activity or leg).

    The format is what the content is, whatever the name says: a GPX file named ``.fit`` is read
    as GPX, returned as ``"gpx"``, and its activities carry a note saying so. A gzip file is
    inflated (within :func:`gunzip_bounded`'s limits) and its content judged in turn.

    Raises
    ------
    ParseError
        For any file that cannot be used, with the reason in plain words.
    """
    fmt, data, name = unwrap(data, name)
    activities = _read(fmt, data, name)
    note = format_note(fmt, name)
    if note is not None:
        for activity in activities:
            activity.fixes.append(note)
    return fmt, activities


def unwrap(data: bytes, name: str) -> tuple[str, bytes, str]:
    """The first step of :func:`parse_bytes`: the format of what a file holds, and those bytes.

    Returns
    -------
    tuple
        The activity format (one of :data:`FORMATS`), the bytes its reader takes (a gzip file
        inflated within :func:`gunzip_bounded`'s limits, again and again if nested) and their
        name (``run.fit.gz`` holds ``run.fit``).

    Raises
    ------
    ParseError
        As :func:`parse_bytes` (empty, unknown content, a zip archive, a bad gzip stream).
    """
    fmt = sniff_format(data, name)
    if fmt == "gz":
        inner = name[:-3] if name.lower().endswith(".gz") else name
        return unwrap(gunzip_bounded(data, name), inner)
    if fmt == "zip":
        raise ParseError(name, "zip archives are not supported yet: unpack it and upload the files")
    return fmt, data, name


def format_note(fmt: str, name: str) -> str | None:
    """The fix note of a file whose name claims another format than its content, or None."""
    claimed = _named_format(name)
    if claimed is None or claimed == fmt:
        return None
    # content wins, but a runner who renamed a file (or an exporter that misnamed it) should
    # learn why the report says another format
    return (
        f"the file is named .{claimed} but holds {_FORMAT_NAMES[fmt]} data: "
        f"read as {_FORMAT_NAMES[fmt]}"
    )


def _read(fmt: str, data: bytes, name: str) -> list[ParsedActivity]:
    """Run the reader of one activity format; whatever else escapes it becomes a ParseError.

    The readers refuse bad input with a :class:`ParseError` themselves; the last guard is here
    because uploads are hostile by assumption, and an unforeseen exception (a date beyond what
    pandas can hold, say) must still end as a refusal of that one file.
    """
    try:
        return _run_reader(fmt, data, name)
    except ParseError:
        raise
    except StridelogError as err:  # a frame the schema refuses: the same words, for this file
        raise ParseError(name, str(err)) from err
    except Exception as err:
        raise ParseError(
            name, f"{_FORMAT_NAMES[fmt]} file could not be read ({type(err).__name__})"
        ) from err


def _run_reader(fmt: str, data: bytes, name: str) -> list[ParsedActivity]:
    """The reader of ``fmt`` on ``data``, imported on first use (a FIT upload never loads lxml)."""
    if fmt == "fit":
        from analysis.parsers.fit import read_fit

        return read_fit(data, name)
    if fmt == "gpx":
        from analysis.parsers.gpx import read_gpx

        return read_gpx(data, name)
    if fmt == "tcx":
        from analysis.parsers.tcx import read_tcx

        return read_tcx(data, name)
    from analysis.parsers.csv import read_csv

    return read_csv(data, name)
