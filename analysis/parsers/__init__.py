"""Parsers: one per format, each ``read_<format>(data, name) -> list[ParsedActivity]``.

:func:`parse_bytes` decides the format by the content alone (:mod:`analysis.parsers.sniff`; a
file name is whatever the sender typed) and dispatches. Every failure is a
:class:`~analysis.errors.ParseError` naming the file and the reason in plain words.
"""

from __future__ import annotations

import gzip
import io
import zlib

from analysis.errors import ParseError, StridelogError
from analysis.parsers.base import ParsedActivity
from analysis.parsers.sniff import sniff

MAX_GUNZIP_BYTES = 256 * 1024 * 1024
"""A .gz member may not expand beyond this (counted while streaming; declared sizes lie)."""

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
    """Decompress a gzip file, refusing one that expands beyond ``limit`` bytes."""
    limit = MAX_GUNZIP_BYTES if limit is None else limit
    out = io.BytesIO()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as gz:
            while chunk := gz.read(1 << 20):
                out.write(chunk)
                if out.tell() > limit:
                    raise ParseError(name, f"gzip file expands beyond {limit // 2**20} MB")
    except (OSError, EOFError, zlib.error) as err:
        raise ParseError(name, f"corrupt gzip file ({err})") from err
    return out.getvalue()


def parse_bytes(data: bytes, name: str) -> tuple[str, list[ParsedActivity]]:
    """Parse one file; returns its format and its activities (one per activity or leg).

    The format is what the content is, whatever the name says: a GPX file named ``.fit`` is read
    as GPX, returned as ``"gpx"``, and its activities carry a note saying so. A gzip file is
    inflated (within :data:`MAX_GUNZIP_BYTES`) and its content judged in turn.

    Raises
    ------
    ParseError
        For any file that cannot be used, with the reason in plain words.
    """
    fmt = sniff_format(data, name)
    if fmt == "gz":
        inner = name[:-3] if name.lower().endswith(".gz") else name
        return parse_bytes(gunzip_bounded(data, name), inner)
    if fmt == "zip":
        raise ParseError(name, "zip archives are not supported yet: unpack it and upload the files")
    activities = _read(fmt, data, name)
    claimed = _named_format(name)
    if claimed is not None and claimed != fmt:
        # content wins, but a runner who renamed a file (or an exporter that misnamed it) should
        # learn why the report says another format
        note = (
            f"the file is named .{claimed} but holds {_FORMAT_NAMES[fmt]} data: "
            f"read as {_FORMAT_NAMES[fmt]}"
        )
        for activity in activities:
            activity.fixes.append(note)
    return fmt, activities


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
