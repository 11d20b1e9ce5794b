"""Parsers: one per format, each ``read_<format>(data, name) -> list[ParsedActivity]``.

:func:`parse_bytes` sniffs the content (not just the file name) and dispatches. Every failure is a
:class:`~analysis.errors.ParseError` naming the file and the reason in plain words.
"""

from __future__ import annotations

import gzip
import io
import zlib

from analysis.errors import ParseError
from analysis.parsers.base import ParsedActivity

MAX_GUNZIP_BYTES = 256 * 1024 * 1024
"""A .gz member may not expand beyond this (counted while streaming; declared sizes lie)."""

FORMATS = ("fit", "gpx", "tcx", "csv")


def sniff_format(data: bytes, name: str) -> str:
    """Which parser a file needs, from its bytes first and its name second."""
    if len(data) >= 12 and data[8:12] == b".FIT":
        return "fit"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<") or head.startswith(b"\xff\xfe") or head.startswith(b"\xfe\xff"):
        text = data[:4096].lower()
        if b"<gpx" in text:
            return "gpx"
        if b"trainingcenterdatabase" in text:
            return "tcx"
    lower = name.lower()
    for fmt in FORMATS:
        if lower.endswith("." + fmt):
            return fmt
    if b"\x00" not in data[:4096] and data.strip():
        return "csv"
    raise ParseError(name, "unrecognised file type (expected FIT, GPX, TCX or CSV)")


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

    Raises
    ------
    ParseError
        For any file that cannot be used, with the reason in plain words.
    """
    if not data:
        raise ParseError(name, "empty file")
    if data[:2] == b"\x1f\x8b":
        inner = name[:-3] if name.lower().endswith(".gz") else name
        return parse_bytes(gunzip_bounded(data, name), inner)
    if data[:4] == b"PK\x03\x04":
        raise ParseError(name, "zip archives are not supported yet: unpack it and upload the files")
    fmt = sniff_format(data, name)
    if fmt == "fit":
        from analysis.parsers.fit import read_fit

        return fmt, read_fit(data, name)
    if fmt == "gpx":
        from analysis.parsers.gpx import read_gpx

        return fmt, read_gpx(data, name)
    if fmt == "tcx":
        from analysis.parsers.tcx import read_tcx

        return fmt, read_tcx(data, name)
    from analysis.parsers.csv import read_csv

    return fmt, read_csv(data, name)
