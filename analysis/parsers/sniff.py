"""What a file is, decided by its bytes: the server never trusts a file name.

A hosted dashboard receives files from many people, and a name is whatever the sender typed. So
:func:`sniff` reads the content and answers with one of :data:`KINDS` or refuses the file with a
:class:`~analysis.errors.ParseError` saying what the bytes look like instead.

What each kind must look like
-----------------------------
- **FIT**: the ``.FIT`` signature at bytes 8-12 and a header size byte of 12 or 14 (the two sizes
  devices write; the protocol lets the header grow, so a larger size below 32 is passed on as
  well and the FIT reader judges it). The declared data size and the header CRC are *not* gates:
  a file cut short, chained parts, trailing bytes or a damaged header CRC are still FIT files,
  and the FIT reader says precisely what is wrong with them (or keeps what it can).
- **GPX / TCX**: an XML document whose *root element* is ``gpx`` or ``TrainingCenterDatabase``
  (prefix and case ignored, so the reader can name a wrong spelling). Before the root a UTF-8 or
  UTF-16 byte order mark, blank space, the XML declaration, processing instructions, comments
  and a DOCTYPE are passed over; the XML reader refuses DOCTYPE entities afterwards
  (:mod:`analysis.parsers.xmlsafe`), so routing such a file is safe.
- **gzip / zip**: their magic bytes.
- **CSV**: text (UTF-8 with or without BOM, UTF-16 with BOM, otherwise read as Latin-1) without
  NUL bytes and with few control characters, whose first non-blank line is split into columns
  by a comma, semicolon or tab (a count on the line, or :class:`csv.Sniffer` on the first lines)
  and names at least one column.

Where the file name still counts
--------------------------------
Only between readings the content leaves equally open: an XML file that ends (or whose first
MB ends) before its root element could be a cut GPX or a cut TCX, and a ``.gpx`` or ``.tcx``
name picks the reader, which then explains what is broken. A name is never enough on its own.
"""

from __future__ import annotations

import csv
import re

from analysis.errors import ParseError

KINDS = ("fit", "gpx", "tcx", "csv", "gz", "zip")
"""What :func:`sniff` answers: the four activity formats and the two containers."""

NOT_ACTIVITY = "not a FIT, GPX, TCX or CSV file"
"""The start of every refusal for content that is none of the readable kinds."""

HEAD_BYTES = 65_536
"""The first window read to judge a text file [bytes]."""

XML_PROLOG_BYTES = 1_048_576
"""How far the root element of an XML file is looked for [bytes]; comments rarely fill 1 MB."""

_FIT_SIGNATURE = b".FIT"
_FIT_HEADER_SIZES = (12, 14)

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"%PDF-", "a PDF"),
    (b"MZ", "a Windows executable"),
    (b"\x7fELF", "a Linux executable (ELF)"),
    (b"\xcf\xfa\xed\xfe", "a macOS executable"),
    (b"\xca\xfe\xba\xbe", "a macOS executable or Java class"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"BZh91AY&SY", "a bzip2 archive"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document"),
    (b"OggS", "an Ogg audio file"),
    (b"ID3", "an MP3 audio file"),
    (b"fLaC", "a FLAC audio file"),
)
"""Magic numbers of files people upload by mistake, and what to call them in a refusal."""

_SHORT_MAGICS = (b"MZ", b"ID3")
"""Magic numbers short enough to start a line of text ("MZone;..."): they count only in a file
with a NUL byte among its first :data:`_SHORT_MAGIC_WINDOW` bytes, as every such binary has."""

_SHORT_MAGIC_WINDOW = 64

_FTYP_BRANDS: tuple[tuple[bytes, str], ...] = (
    (b"heic", "a HEIC photo"),
    (b"heix", "a HEIC photo"),
    (b"mif1", "a HEIC photo"),
    (b"avif", "an AVIF image"),
    (b"qt  ", "a QuickTime video"),
)
"""ISO media files carry ``ftyp`` at byte 4 and a brand after it; phone photos are HEIC."""

_GZIP_MAGIC = b"\x1f\x8b"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")  # a file, an empty zip, a split zip

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_XML_NAME = re.compile(r"[A-Za-z_:][-A-Za-z0-9_.:\u00b7\u00c0-\uffff]*")
_JSON_AFTER_BRACKET = set('{["-0123456789]tfn')
_DELIMITERS = ",;\t"
_SNIFFER_BYTES = 4096  # csv.Sniffer runs regular expressions over its sample: keep it short

_XML_ROOTS = {"gpx": "gpx", "trainingcenterdatabase": "tcx"}
_HTML_ROOTS = frozenset({"html", "head", "body", "meta", "title", "script", "div", "p", "table"})
"""Start tags a saved web page (or a fragment of one) begins with."""
_CUT = ""  # the prolog scan ran out of text before the root element


def sniff(data: bytes, name: str) -> str:
    """Which reader a file needs, judged by its content.

    Parameters
    ----------
    data
        The file's bytes.
    name
        The file name: for messages, and to choose between readings the content leaves equally
        open (see the module notes); never enough on its own.

    Returns
    -------
    str
        One of :data:`KINDS`: ``"fit"``, ``"gpx"``, ``"tcx"``, ``"csv"``, ``"gz"`` or ``"zip"``.

    Raises
    ------
    ParseError
        For an empty file and for content that is none of the kinds, saying what it looks like
        ("not a FIT, GPX, TCX or CSV file: it looks like a PNG image"), and for XML with another
        root element ("XML, but not GPX or TCX (root element <kml>)").
    """
    if not data:
        raise ParseError(name, "empty file")
    if data.startswith(_GZIP_MAGIC):
        return "gz"
    if data.startswith(_ZIP_MAGICS):
        return "zip"
    if is_fit_header(data):
        return "fit"
    what = _binary_kind(data)
    if what is not None:
        raise ParseError(name, f"{NOT_ACTIVITY}: it looks like {what}")
    text = _text(data, HEAD_BYTES)
    if text is None:
        zeros = not data.strip(b"\x00")
        what = "binary data (nothing but zero bytes)" if zeros else "binary data"
        raise ParseError(name, f"{NOT_ACTIVITY}: it looks like {what}")
    body = text.lstrip("\ufeff \t\r\n\x0c")
    if not body.strip("\x00") and len(data) <= HEAD_BYTES:
        raise ParseError(name, "empty file")
    if body.startswith("<"):
        kind = _xml_kind(data, body, name)
        if kind is not None:
            return kind
    if _is_json(body):
        raise ParseError(name, f"{NOT_ACTIVITY}: it looks like JSON data")
    if not _binary_text(text):
        if _is_table(text):
            return "csv"
        raise ParseError(
            name,
            f"{NOT_ACTIVITY}: it looks like plain text, not a table (its first line has no "
            "columns separated by commas, semicolons or tabs)",
        )
    raise ParseError(name, f"{NOT_ACTIVITY}: it looks like binary data")


def is_csv(data: bytes, name: str = "") -> bool:
    """Whether the content reads as a CSV table (never raises)."""
    try:
        return sniff(data, name) == "csv"
    except ParseError:
        return False


def is_fit_header(data: bytes) -> bool:
    """Whether ``data`` starts with a FIT file header (see the module notes for what counts)."""
    if len(data) < 12 or data[8:12] != _FIT_SIGNATURE:
        return False
    # 12 and 14 are what devices write; the protocol lets the header grow, and a size byte below
    # 32 is a control character no text file starts with, so such a header is left to the reader
    return data[0] in _FIT_HEADER_SIZES or _FIT_HEADER_SIZES[0] < data[0] < 32


# ---- binary files -------------------------------------------------------------------------------


def _binary_kind(data: bytes) -> str | None:
    """What a binary file is, by its magic number; None when no known one matches."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            if magic in _SHORT_MAGICS and b"\x00" not in data[:_SHORT_MAGIC_WINDOW]:
                continue
            return what
    if data[4:8] == b"ftyp":
        brand = data[8:12]
        for known, what in _FTYP_BRANDS:
            if brand == known:
                return what
        return "a video or photo (MP4/MOV)"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "a WebP image"
    return None


def _text(data: bytes, size: int) -> str | None:
    """The first ``size`` bytes as text; None when they cannot be text (NUL bytes, no BOM)."""
    head = data[:size]
    codec = None
    if head.startswith(_UTF16_BOMS):
        codec = "utf-16"
    elif head.startswith((b"<\x00", b"\x00<")):
        # UTF-16 without a byte order mark, which XML allows for a document starting with "<"
        codec = "utf-16-le" if head[0] == 0x3C else "utf-16-be"
    if codec is not None:
        text = head[: len(head) // 2 * 2].decode(codec, errors="replace")
        # binary bytes behind a BOM decode to nonsense, with many pairs that are no character
        return None if text.count("\ufffd") > len(text) // 100 else text
    if b"\x00" in head:
        return None
    # a window may cut a character in two, and Latin-1 text is not UTF-8: neither matters here,
    # where only markup, delimiters and ASCII names are looked at
    return head.decode("utf-8", errors="replace")


def _binary_text(text: str) -> bool:
    """Whether text holds NULs or more control characters than a table ever does (over 1 %)."""
    if "\x00" in text:
        return True
    controls = sum(text.count(chr(b)) for b in range(32) if b not in (9, 10, 12, 13))
    return controls > len(text) // 100


# ---- XML ----------------------------------------------------------------------------------------


def _xml_kind(data: bytes, body: str, name: str) -> str | None:
    """``"gpx"`` or ``"tcx"`` for XML with such a root; None when ``body`` is not XML after all.

    Raises
    ------
    ParseError
        An HTML page, XML with another root element, or XML whose root cannot be found where
        the file name does not settle GPX or TCX.
    """
    root = _xml_root(body)
    if root == _CUT and len(data) > HEAD_BYTES:
        wider = _text(data, XML_PROLOG_BYTES)
        if wider is not None:
            root = _xml_root(wider.lstrip("\ufeff \t\r\n\x0c"))
    if root is None:
        return None
    if root == _CUT:
        lower = name.lower()
        for named in ("gpx", "tcx"):
            if lower.endswith("." + named):
                return named
        raise ParseError(
            name,
            f"{NOT_ACTIVITY}: it is XML, but it ends before its root element (cut off?), so "
            "whether it was GPX or TCX cannot be told",
        )
    local = root.rsplit(":", 1)[-1]
    if local.lower() in _HTML_ROOTS:
        raise ParseError(name, f"{NOT_ACTIVITY}: it looks like an HTML page")
    kind = _XML_ROOTS.get(local.lower())
    if kind is None:
        raise ParseError(name, f"XML, but not GPX or TCX (root element <{root}>)")
    return kind


def _xml_root(text: str) -> str | None:
    """The name of the root element, :data:`_CUT` when the text ends first, None if not XML.

    ``text`` starts at the first ``<``. A DOCTYPE's own name stands in for the root when the
    text ends inside or after the DOCTYPE (``<!DOCTYPE html>`` says what the page is).
    """
    pos = 0
    doctype: str | None = None
    size = len(text)
    while True:
        while pos < size and text[pos] in " \t\r\n":
            pos += 1
        if pos >= size:
            return doctype or _CUT
        if not text.startswith("<", pos):
            # text between prolog items: malformed, and no root has been seen
            return doctype or (None if pos == 0 else _CUT)
        if text.startswith("<?", pos):
            end = text.find("?>", pos + 2)
        elif text.startswith("<!--", pos):
            end = text.find("-->", pos + 4)
        elif text[pos : pos + 9].upper() == "<!DOCTYPE":
            found = _XML_NAME.match(text, pos + 9 + _spaces(text, pos + 9))
            doctype = found.group(0) if found else doctype
            end = _doctype_end(text, pos + 9)
        else:
            found = _XML_NAME.match(text, pos + 1)
            return found.group(0) if found else (doctype or (None if pos == 0 else _CUT))
        if end < 0:
            return doctype or _CUT
        pos = text.find(">", end) + 1


def _spaces(text: str, pos: int) -> int:
    """How many blank characters start at ``pos``."""
    start = pos
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos - start


def _doctype_end(text: str, pos: int) -> int:
    """Where a DOCTYPE's closing ``>`` is (quotes, comments and an internal subset skipped)."""
    depth = 0
    size = len(text)
    while pos < size:
        char = text[pos]
        if char in "\"'":
            close = text.find(char, pos + 1)
            if close < 0:
                return -1
            pos = close + 1
            continue
        if text.startswith("<!--", pos):
            close = text.find("-->", pos + 4)
            if close < 0:
                return -1
            pos = close + 3
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            depth = max(depth - 1, 0)
        elif char == ">" and depth == 0:
            return pos
        pos += 1
    return -1


# ---- text ---------------------------------------------------------------------------------------


def _is_json(body: str) -> bool:
    """Whether text starts the way a JSON document does (no CSV header starts like this)."""
    if body.startswith("{"):
        return True
    if body.startswith("["):
        rest = body[1:].lstrip()
        return not rest or rest[0] in _JSON_AFTER_BRACKET
    return False


def _is_table(text: str) -> bool:
    """Whether the first non-blank line splits into named columns (see the module notes)."""
    lines = [line for line in text.lstrip("\ufeff").splitlines() if line.strip()]
    if not lines:
        return False
    header = lines[0]
    unquoted = re.sub(r'"[^"]*"', "", header)
    delimiter = next((d for d in _DELIMITERS if d in unquoted), None)
    if delimiter is None:
        delimiter = _sniffed_delimiter("\n".join(lines[:20])[:_SNIFFER_BYTES])
    if delimiter is None:
        return False
    try:
        cells = next(csv.reader([header], delimiter=delimiter))
    except csv.Error:
        return False
    return any(cell.strip() for cell in cells)


def _sniffed_delimiter(sample: str) -> str | None:
    """The delimiter :class:`csv.Sniffer` finds among comma, semicolon and tab; None if none."""
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=_DELIMITERS)
    except csv.Error:
        return None
    return str(dialect.delimiter)
