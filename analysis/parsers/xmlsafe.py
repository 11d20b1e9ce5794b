"""Safe, streaming XML reading and the rules the two XML formats (GPX and TCX) share.

Uploaded files are untrusted. :func:`read_stream` parses them incrementally with lxml
(``iterparse``) configured so that nothing outside the bytes is ever read and no entity is ever
expanded: ``resolve_entities=False``, ``no_network=True``, ``load_dtd=False``, ``huge_tree=False``
(libxml2's size and depth limits stay on). A document that declares entities is refused
outright: neither GPX nor TCX uses them, and entity declarations are how XML bombs (billion
laughs) and external-entity reads are built.

Memory is bounded by design: the reader is handed each element once it is complete and drops it
once read, keeping one compact array per column (:class:`Columns`, :class:`Times`) instead of a
tree or a dict per point, so a file costs about its own bytes plus 100 to 200 bytes per point.
Point counts, held elements and the file's size are checked against
:class:`~analysis.limits.ImportLimits` while reading.

Quirks of real files that are read rather than refused (as GoldenCheetah, sports-lib and
Runalyze read them), each noted in the activity's fixes: blank space before the XML declaration
(Garmin Connect TCX), a UTF-8 or UTF-16 byte order mark (which wins over the declared encoding),
a declared single-byte encoding over text that is really UTF-8, an unknown declared encoding
over plain ASCII, bytes after the root element, and namespace prefixes used without a
declaration (Strava, Movescount). Text that is not UTF-8 in a file declaring UTF-8 stays refused:
which of the single-byte encodings it is cannot be told from the bytes.

Every failure ends in :class:`~analysis.errors.ParseError` with the reason in plain words; memory
running out says so ("not enough memory to read ..."), never "unknown error".
"""

from __future__ import annotations

import codecs
import math
import re
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

import numpy as np
import pandas as pd
from lxml import etree

from analysis import columns as c
from analysis.errors import ParseError
from analysis.limits import ImportLimits, current_limits, out_of_memory, size_words
from analysis.parsers.base import STEPS_PER_MINUTE_FLOOR, SUPPORTED_RANGE_TEXT, SUPPORTED_YEARS

T = TypeVar("T")

EARLIEST_TIME = pd.Timestamp("1980-01-06", tz="UTC")
"""The GPS epoch. Earlier times are placeholders for "no time" (GPSBabel writes 1901-12-13,
the most negative 32-bit Unix time), never a recording."""

DISTANCE_DROP_TOLERANCE_M = 1.0
"""A cumulative distance may wobble by rounding; a larger drop means it is not cumulative."""

_UTC_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})\s*$")
_BLANKS = re.compile(rb"[ \t\r\n\x00\xef\xbb\xbf]*")


def local_name(element: etree._Element) -> str:
    """The tag without its namespace (``{uri}hr`` and ``gpxtpx:hr`` both give ``hr``)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def _refused(kind: str) -> str:
    return (
        f"refused: the {kind} file declares XML entities, which {kind} files never use "
        "(this is how XML bombs and external-file reads are built)"
    )


def _stops_at_the_end(err: etree.XMLSyntaxError, data: bytes, start: int) -> bool:
    """Whether the parser ran into the end of the bytes (a cut-off file), not a bad tag.

    Counted in place: a copy or a split of a file of hundreds of MB would cost as much again.
    """
    end = len(data)
    while end > start:
        window = data[max(start, end - _TRAILING_WINDOW) : end]
        kept = window.rstrip()
        end -= len(window) - len(kept)
        if kept:
            break
    lines = data.count(b"\n", start, end) + 1
    newline = data.rfind(b"\n", start, end)
    last = end - (newline + 1 if newline >= 0 else start)
    line, column = err.position
    return line >= lines and column >= last


def _plain_reason(
    err: etree.XMLSyntaxError, kind: str, data: bytes, start: int, limits: ImportLimits, name: str
) -> str:
    """A libxml2 error in words a user can act on."""
    msg = str(err.msg or err)
    lowered = msg.lower()
    if "memory" in lowered or lowered.startswith("unknown error"):
        # libxml2 reports a failed allocation as "unknown error" when it cannot even log it
        return out_of_memory(name, limits)
    if "unsupported encoding" in lowered:
        return f"malformed XML in {kind}: the file declares a text encoding no reader knows ({msg})"
    if "encoding" in lowered or "utf-8" in lowered or "char out of allowed range" in lowered:
        return (
            f"malformed XML in {kind}: the file is not valid UTF-8 text, or not in the encoding "
            f"it declares; save it again as UTF-8 ({msg})"
        )
    if "document is empty" in lowered or "start tag expected" in lowered:
        return f"malformed XML in {kind}: the file holds no XML at all (empty or binary)"
    if (
        "premature end" in lowered
        or "end of data" in lowered
        or _stops_at_the_end(err, data, start)
    ):
        return f"malformed XML in {kind}: the file stops before its end, it looks truncated ({msg})"
    if "amplification" in lowered or "entity reference loop" in lowered:
        return _refused(kind)
    return f"malformed XML in {kind}: {msg}"


def to_float(text: str | None) -> float:
    """A number from element text; NaN for missing, garbage or non-finite values."""
    if text is None:
        return float("nan")
    try:
        value = float(text.strip())
    except ValueError:
        return float("nan")
    return value if np.isfinite(value) else float("nan")


def utc_offset_s(text: str | None) -> int | None:
    """The local-time offset an ISO 8601 time states [s]; None for ``Z``, naive or garbage."""
    if not text:
        return None
    found = _UTC_OFFSET.search(text.strip())
    if found is None:
        return None
    sign = -1 if found.group(1) == "-" else 1
    hours, minutes = int(found.group(2)), int(found.group(3))
    if hours > 18 or minutes > 59:
        return None
    offset = sign * (hours * 3600 + minutes * 60)
    return offset or None


def steps_per_minute(cadence: pd.Series, sport: str, fixes: list[str], what: str) -> pd.Series:
    """Cadence in steps per minute (both feet), from a file that may count one leg.

    Parameters
    ----------
    cadence
        Raw cadence values as written in the file [1/min]; NaN where absent.
    sport
        ``columns.SPORT_*``. Only on-foot sports keep a cadence: a ride's cadence is pedal
        revolutions and an unknown sport's is anyone's guess, so both become NaN.
    fixes
        Notes list of the activity; a plain-words note is appended for any change.
    what
        How the file names the field, for the note (``"gpxtpx:cad"``, ``"RunCadence"``).

    Returns
    -------
    pandas.Series
        Doubled where the median of the positive values lies below
        :data:`STEPS_PER_MINUTE_FLOOR` for the sport (the file counts one leg), else unchanged.
    """
    values = pd.to_numeric(cadence, errors="coerce").astype("float64")
    positive = values[values > 0]
    if positive.empty:
        return values
    floor = STEPS_PER_MINUTE_FLOOR.get(sport)
    if floor is None:
        fixes.append(f"cadence ({what}) not kept: for {sport} it does not count steps")
        return pd.Series(np.nan, index=values.index, dtype="float64")
    # the two readings differ by a factor of two, so a plain median is enough to tell them apart
    if float(positive.median()) >= floor:
        fixes.append(f"cadence ({what}) already counts steps of both feet: kept as is")
        return values
    fixes.append(
        f"cadence ({what}) doubled: the file counts strides of one leg per minute, "
        "steps per minute count both feet"
    )
    return values * 2.0


def repeated_times_note(before: int, after: int) -> list[str]:
    """A note when building the samples dropped rows sharing a timestamp with an earlier one."""
    dropped = before - after
    if dropped <= 0:
        return []
    return [f"dropped {dropped} samples whose timestamp repeats an earlier sample"]


@dataclass(frozen=True)
class OutsideDates:
    """Points whose time lies outside :data:`SUPPORTED_YEARS` (their time is read as NaT).

    Attributes
    ----------
    rows
        Their positions among the file's points, ascending.
    example
        The date of the first of them, ``YYYY-MM-DD``, for notes and refusals.
    """

    rows: np.ndarray
    example: str


def timed_rows(
    times: pd.Series,
    name: str,
    kind: str,
    fixes: list[str],
    segments: np.ndarray | None = None,
    outside: OutsideDates | None = None,
) -> pd.Series:
    """Which samples to keep, judged by their times; refuses a file whose times cannot carry it.

    Parameters
    ----------
    times
        Each sample's time, tz-aware UTC; NaT where the file gives none or garbage.
    name, kind
        File name and ``"GPX"``/``"TCX"``, for messages.
    fixes
        Notes list of the activity; plain-words notes are appended for what is dropped.
    segments
        Optional segment number of each sample: a segment without any time is a saved copy or a
        plan of the route, not a recording, and is dropped whole.
    outside
        The samples whose time was dated outside :data:`SUPPORTED_YEARS` (NaT in ``times``):
        skipped with a note of their own, and named when they leave too few samples.

    Returns
    -------
    pandas.Series
        Boolean mask over ``times``: True for samples with a usable time.

    Raises
    ------
    ParseError
        "no timestamps in <kind>" when no sample has a time, or when fewer than half of the
        recorded samples have one (the times then describe a sliver of the activity, and its
        duration, distance and pace would all be wrong); also when a single sample has one.
        "date <first> outside the supported range (1678–2261)" instead when the samples dated
        outside :data:`SUPPORTED_YEARS` leave fewer than two.
    """
    times = pd.Series(times).reset_index(drop=True)
    dated_outside = np.zeros(len(times), dtype=bool)
    if outside is not None:
        dated_outside[outside.rows] = True
    placeholder = times.notna() & (times < EARLIEST_TIME)
    if placeholder.any():
        fixes.append(
            f"ignored {int(placeholder.sum())} times before 1980 "
            "(a recorder's placeholder for 'no time')"
        )
    timed = times.notna() & ~placeholder
    n_timed = int(timed.sum())
    if n_timed < 2 and outside is not None:
        # the dates, not a missing clock, are what leaves the file without a usable time
        raise ParseError(name, f"date {outside.example} outside {SUPPORTED_RANGE_TEXT}")
    if not n_timed:
        raise ParseError(name, f"no timestamps in {kind}")
    recorded = pd.Series(True, index=times.index)
    if segments is not None:
        recorded = timed.groupby(np.asarray(segments)).transform("any").astype(bool)
        if not recorded.all():
            fixes.append(
                f"ignored {int((~recorded).sum())} points in track segments without any time "
                "(a saved copy or a plan of the route, not a recording)"
            )
    n_recorded = int(recorded.sum())
    if n_timed < 2:
        raise ParseError(name, f"no timestamps in {kind}: only one point has a time")
    if 2 * n_timed < n_recorded:
        reason = f"no timestamps in {kind}: only {n_timed} of {len(times)} points have a time"
        if outside is not None:
            reason += f" (some are dated outside {SUPPORTED_RANGE_TEXT}, e.g. {outside.example})"
        raise ParseError(name, reason)
    if n_timed < n_recorded:
        skipped = int((recorded.to_numpy() & dated_outside).sum())
        missing = n_recorded - n_timed - skipped
        if missing:
            fixes.append(f"dropped {missing} points without a time")
        if skipped and outside is not None:
            noun = "point" if skipped == 1 else "points"
            fixes.append(
                f"skipped {skipped} {noun} dated outside {SUPPORTED_RANGE_TEXT}"
                f" (e.g. {outside.example})"
            )
    return timed


def cumulative_distance(raw: pd.DataFrame, fixes: list[str]) -> pd.DataFrame:
    """``raw`` without its distance column unless that distance is cumulative.

    Some exporters restart the distance at every lap or write the step since the previous point;
    :func:`analysis.schema.build_samples` would turn either into a wrong running total, while
    without the column it computes the distance from the coordinates.
    """
    if c.DISTANCE_M not in raw.columns:
        return raw
    steps = pd.to_numeric(raw[c.DISTANCE_M], errors="coerce").dropna().diff()
    if (steps < -DISTANCE_DROP_TOLERANCE_M).any():
        fixes.append("the file's distance goes backwards: computed from the track instead")
        return raw.drop(columns=c.DISTANCE_M)
    return raw


# ---- streaming ----------------------------------------------------------------------------------

_BLANK = b" \t\r\n"
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_DECLARED_ENCODING = re.compile(rb"""^<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_SINGLE_BYTE_WESTERN = frozenset(
    {"iso88591", "latin1", "l1", "iso885915", "latin9", "windows1252", "cp1252", "ascii", "usascii"}
)
"""Declared encodings that UTF-8 text is mistaken for (normalised: lower case, no punctuation).
Text in them with bytes above 127 is almost never valid UTF-8, so valid UTF-8 means the
declaration is wrong."""

_CHECK_CHUNK_BYTES = 1 << 20
_READ_BYTES = 1 << 16
_TRAILING_WINDOW = 1 << 16


def _normalised(encoding: str) -> str:
    return re.sub(r"[^a-z0-9]", "", encoding.lower())


def _is_utf8(data: bytes, start: int) -> bool:
    """Whether ``data[start:]`` is valid UTF-8, checked in steps so no copy of it is made."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for at in range(start, len(data), _CHECK_CHUNK_BYTES):
            decoder.decode(view[at : at + _CHECK_CHUNK_BYTES])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _known_codec(encoding: str) -> bool:
    try:
        codecs.lookup(encoding)
    except LookupError:
        return False
    return True


@dataclass
class _Prolog:
    """Where the XML starts and how to read its bytes, decided before parsing."""

    start: int  # the first byte handed to the parser [bytes from the file's start]
    prefix: bytes = b""  # bytes handed to the parser first (a UTF-16 byte order mark)
    encoding: str | None = None  # overrides the declared encoding
    fixes: list[str] = field(default_factory=list)


def _prolog(data: bytes, kind: str) -> _Prolog:
    """Byte order marks, blank space before the declaration and wrong declared encodings.

    libxml2 refuses blank space before ``<?xml`` (Garmin Connect writes some TCX files so) and
    reads text by the declared encoding even when a byte order mark or the bytes themselves say
    otherwise; the readers GoldenCheetah and sports-lib follow the bytes, and so does this one.
    """
    if data.startswith(_UTF16_BOMS):
        # blank space after a UTF-16 mark is two bytes per character; the mark goes first again
        at = 2
        while data[at : at + 2] in (b" \x00", b"\x00 ", b"\n\x00", b"\x00\n", b"\r\x00", b"\x00\r"):
            at += 2
        return _Prolog(at, prefix=data[:2])
    fixes: list[str] = []
    at = 0
    encoding: str | None = None
    if data.startswith(_UTF8_BOM):
        # the mark is the stronger statement: XML 1.0 appendix F puts it before the declaration
        at, encoding = len(_UTF8_BOM), "UTF-8"
    blank = at
    while blank < len(data) and data[blank] in _BLANK:
        blank += 1
    if blank > at and data.startswith(b"<?xml", blank):
        fixes.append(
            f"ignored blank space before the XML declaration (an exporter quirk that makes the "
            f"{kind} file malformed XML)"
        )
    at = blank
    if encoding is not None or b"\x00" in data[at : at + 4]:
        return _Prolog(at, encoding=encoding, fixes=fixes)
    found = _DECLARED_ENCODING.match(data, at, at + 256)
    declared = found.group(1).decode("ascii") if found else None
    if declared is None or data.isascii():
        if declared is not None and not _known_codec(declared):
            fixes.append(f"the file declares an unknown text encoding ({declared}): read as UTF-8")
            encoding = "UTF-8"
        return _Prolog(at, encoding=encoding, fixes=fixes)
    plain = _normalised(declared)
    if plain in ("utf8", "utf-8"):
        return _Prolog(at, fixes=fixes)
    if (plain in _SINGLE_BYTE_WESTERN or not _known_codec(declared)) and _is_utf8(data, at):
        fixes.append(f"the file declares the text encoding {declared} but is UTF-8: read as UTF-8")
        encoding = "UTF-8"
    return _Prolog(at, encoding=encoding, fixes=fixes)


class _Source:
    """A file-like view of ``data`` from ``start`` (after ``prefix``), read without copying all.

    It also guards the tree's size: once more than ``budget`` bytes have been handed to the
    parser since :meth:`mark` (called whenever the reader drops what it has read), it stops
    handing any and sets :attr:`over` (an exception raised inside ``read`` would reach the
    caller through libxml2 only in part).
    """

    def __init__(self, data: bytes, start: int, prefix: bytes, budget: int) -> None:
        self._view = memoryview(data)
        self._at = start
        self._prefix = prefix
        self._budget = budget
        self._marked = start
        self.over = False

    def mark(self) -> None:
        self._marked = self._at

    def read(self, size: int = -1) -> bytes:
        if self._prefix:
            head, self._prefix = self._prefix, b""
            return head
        if self._at - self._marked > self._budget:
            self.over = True
            return b""
        if size is None or size < 0:
            size = len(self._view) - self._at
        chunk = self._view[self._at : self._at + min(size, _READ_BYTES)].tobytes()
        self._at += len(chunk)
        return chunk


class XmlStream:
    """The elements of an untrusted XML document, each handed over once complete (its end).

    The reader that iterates calls :meth:`drop` on what it has read, so the tree never holds more
    than the open ancestors and the element being read: memory is bounded by the largest single
    element, not the file. The stream refuses (with :class:`ParseError`):

    - a root element other than the one expected, and a DOCTYPE that declares entities;
    - more than :attr:`~analysis.limits.ImportLimits.max_element_bytes` of XML read since the
      last drop (one element nesting an unbounded number of others);
    - malformed XML before the end of the root element (reason in plain words).

    What follows the root element is not read: trailing bytes (a second copy, padding) are noted
    in :attr:`fixes` and ignored, as are undeclared namespace prefixes (see :func:`read_stream`).
    """

    def __init__(
        self,
        events: Iterator[tuple[str, Any]],
        source: _Source,
        name: str,
        kind: str,
        root_name: str,
        limits: ImportLimits,
    ) -> None:
        self._events = events
        self._source = source
        self.name = name
        self.kind = kind
        self.root_name = root_name
        self.limits = limits
        self.fixes: list[str] = []
        self.root: etree._Element | None = None
        self.finished = False

    def __iter__(self) -> Iterator[etree._Element]:
        for _event, element in self._events:
            if self.root is None:
                self.check_root(element)
            if element.getparent() is None:  # the root: everything after it is not XML of ours
                self.finished = True
                yield element
                return
            yield element

    def too_big(self) -> ParseError:
        """The refusal for a file that outgrew ``max_element_bytes`` between two drops."""
        limit = self.limits.max_element_bytes
        return ParseError(
            self.name,
            f"{self.kind} file holds more than {size_words(limit)} of XML inside one element"
            " (limit: max_element_bytes); no real track file does, and reading on would fill"
            " memory",
        )

    def drop(self, element: etree._Element) -> None:
        """Remove ``element`` (read) and any earlier siblings from the tree."""
        parent = element.getparent()
        if parent is None:
            return
        previous = element.getprevious()
        while previous is not None:  # junk between points is read by nobody: free it too
            previous.clear()
            parent.remove(previous)
            previous = element.getprevious()
        # cleared first: libxml2 frees the children at once, while lxml's remove() of a whole
        # subtree walks it per node and grows with the square of its size
        element.clear()
        parent.remove(element)
        self._source.mark()

    def check_root(self, element: etree._Element) -> None:
        """Refuse a DOCTYPE with entities and a root other than expected (``element``'s)."""
        root = element.getroottree().getroot()
        self.root = root
        dtd: Any = root.getroottree().docinfo.internalDTD
        if dtd is not None and any(True for _ in dtd.iterentities()):
            raise ParseError(self.name, _refused(self.kind))
        if local_name(root) != self.root_name:
            raise ParseError(
                self.name,
                f"not a {self.kind} file: its root element is <{local_name(root)}>, "
                f"not <{self.root_name}>",
            )


def _undeclared_prefixes(log: etree._ListErrorLog) -> list[str]:
    found = set()
    for entry in log:
        if entry.type_name == "NS_ERR_UNDEFINED_NAMESPACE":
            match = re.match(r"Namespace prefix (\S+) ", entry.message or "")
            if match:
                found.add(match.group(1))
    return sorted(found)


def _after_root(stream: XmlStream, events: Any, fixes: list[str]) -> None:
    """Look past the root element once: note undeclared prefixes and trailing content.

    libxml2 reports an undeclared prefix without stopping and lxml raises it once the document is
    read; elements are matched on local names, so such a file has been read correctly by now.
    """
    try:
        next(events, None)
        trailing = False
    except etree.XMLSyntaxError:
        trailing = True
    log = events.error_log
    prefixes = _undeclared_prefixes(log)
    if prefixes:
        noun = "prefixes" if len(prefixes) > 1 else "prefix"
        fixes.append(
            f"declared the XML namespace {noun} {', '.join(prefixes)} that the file uses "
            "without declaring (an exporter bug that makes the file malformed XML)"
        )
    if trailing and any(entry.level_name == "FATAL" for entry in log):
        fixes.append(
            f"ignored what follows the end of the <{stream.root_name}> element "
            "(bytes after the end of the document, which XML does not allow)"
        )


def read_stream(
    data: bytes,
    name: str,
    kind: str,
    root_name: str,
    build: Callable[[XmlStream], T],
    limits: ImportLimits | None = None,
    tags: tuple[str, ...] | None = None,
) -> tuple[T, list[str]]:
    """Read an untrusted XML file as a stream of elements and build a result from it.

    Parameters
    ----------
    data
        The file's bytes, in any encoding XML allows (see :func:`_prolog` for the quirks read).
    name, kind, root_name
        File name, ``"GPX"``/``"TCX"``, and the local name the root element must have.
    build
        Consumes the :class:`XmlStream` (dropping what it has read) and returns the result.
    limits
        :class:`~analysis.limits.ImportLimits`; the ones in force (:func:`current_limits`) when
        None.
    tags
        The elements ``build`` is handed (``"{*}trkpt"`` style, with the root's among them);
        every element when None. What lies inside them is read from the element itself, which
        spares a Python step per element (the reader's main cost).

    Returns
    -------
    tuple
        What ``build`` returned, and plain-words notes on what was repaired: blank space before
        the declaration, a wrong declared encoding, undeclared namespace prefixes (an exporter bug
        of Strava and Movescount; elements are matched on local names, so they read the same),
        bytes after the root element.

    Raises
    ------
    ParseError
        Empty, non-XML, malformed input; entity declarations; a wrong root element; a file beyond
        ``max_file_bytes``; memory running out (said as such, never "unknown error").
    """
    limits = limits or current_limits()
    if len(data) > limits.max_file_bytes:
        raise ParseError(
            name,
            f"{kind} file is {size_words(len(data))}, more than"
            f" {size_words(limits.max_file_bytes)} (limit: max_file_bytes)",
        )
    if _BLANKS.fullmatch(data):
        raise ParseError(name, f"empty {kind} file")
    # a fast, clear refusal before any parsing; the stream's DTD check catches other encodings
    if b"<!ENTITY" in data:
        raise ParseError(name, _refused(kind))
    prolog = _prolog(data, kind)
    source = _Source(data, prolog.start, prolog.prefix, limits.max_element_bytes)
    events = etree.iterparse(
        source,
        events=("end",),
        tag=tags,
        encoding=prolog.encoding,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    stream = XmlStream(events, source, name, kind, root_name, limits)
    fixes = list(prolog.fixes)
    try:
        result = build(stream)
        if not stream.finished:
            for _ in stream:  # a reader may stop early; the document must still be whole
                pass
        if stream.root is None and events.root is not None:
            # no element of interest at all (not even the root, when it has another name)
            stream.check_root(events.root)
        _after_root(stream, events, fixes)
    except etree.XMLSyntaxError as err:
        if source.over:
            raise stream.too_big() from None
        raise ParseError(name, _plain_reason(err, kind, data, prolog.start, limits, name)) from err
    except MemoryError:
        raise ParseError(name, out_of_memory(name, limits)) from None
    return result, fixes


class Columns:
    """Sample values gathered point by point into one compact array per column.

    Eight bytes per value, with NaN where a point lacks a column; a column appears when its first
    value does. Replaces a list of one dict per point, which costs about 500 bytes per point.
    """

    def __init__(self) -> None:
        self.rows = 0
        self._arrays: dict[str, array[float]] = {}

    def append(self, values: dict[str, float]) -> None:
        """Add one point's values (columns absent from ``values`` get NaN)."""
        rows = self.rows
        for column, value in values.items():
            values_of = self._arrays.get(column)
            if values_of is None:
                values_of = self._arrays[column] = array("d")
            missing = rows - len(values_of)
            if missing:
                values_of.extend(_nans(missing))
            values_of.append(value)
        self.rows = rows + 1

    def frame(self) -> pd.DataFrame:
        """The columns as one frame of ``rows`` rows, each column float64.

        Hands its arrays over: the builder is empty afterwards, so no second copy outlives the
        frame (pandas may copy them into one block).
        """
        data: dict[str, np.ndarray] = {}
        for column, values_of in self._arrays.items():
            missing = self.rows - len(values_of)
            if missing:
                values_of.extend(_nans(missing))
            data[column] = np.frombuffer(values_of, dtype="float64")
        self._arrays = {}
        return pd.DataFrame(data, index=pd.RangeIndex(self.rows), copy=False)


def kept_rows(raw: pd.DataFrame, keep: pd.Series) -> pd.DataFrame:
    """``raw`` without the rows ``keep`` marks False; ``raw`` itself (no copy) when none is."""
    mask = keep.to_numpy()
    if mask.all():
        return raw
    return raw[mask].reset_index(drop=True)


def _nans(n: int) -> array[float]:
    return array("d", [math.nan]) * n


class Times:
    """Time texts gathered point by point and turned into instants a chunk at a time.

    Holding every text to the end costs about 80 bytes per point; a chunk of
    :data:`TIME_CHUNK` texts is converted by ``parse`` (texts to a tz-aware UTC
    :class:`pandas.DatetimeIndex`, NaT where unreadable) and only eight bytes per point are kept,
    as nanoseconds. Times outside :data:`SUPPORTED_YEARS` (which nanoseconds cannot hold) become
    NaT and are listed in :attr:`outside`. The text of the first usable time (set, inside the
    supported years and not before :data:`EARLIEST_TIME`) is kept for its UTC offset.
    """

    def __init__(self, parse: Callable[[list[str | None]], pd.DatetimeIndex]) -> None:
        self._parse = parse
        self._pending: list[str | None] = []
        self._done: list[np.ndarray] = []
        self._units: set[Literal["s", "ms", "us", "ns"]] = set()
        self._outside_rows: list[np.ndarray] = []
        self._outside_example: str | None = None
        self._count = 0
        self.first_text: str | None = None

    def append(self, text: str | None) -> None:
        self._pending.append(text)
        if len(self._pending) >= TIME_CHUNK:
            self._flush()

    def _flush(self) -> None:
        if not self._pending:
            return
        index = self._parse(self._pending)
        years = np.asarray(index.year, dtype="float64")  # NaN for NaT, never outside
        beyond = (years < SUPPORTED_YEARS[0]) | (years > SUPPORTED_YEARS[1])
        if beyond.any():
            rows = np.flatnonzero(beyond)
            if self._outside_example is None:
                self._outside_example = index[int(rows[0])].strftime("%Y-%m-%d")
            self._outside_rows.append(rows + self._count)
            index = pd.DatetimeIndex(index.where(~beyond))
        if index.notna().any():  # an all-missing chunk says nothing about the unit
            self._units.add(_UNITS[_UNITS.index(str(index.unit))])
        ns = index.as_unit("ns").asi8
        if self.first_text is None:
            usable = np.flatnonzero((ns != _NAT) & (ns >= _EARLIEST_NS))
            if len(usable):
                self.first_text = self._pending[int(usable[0])]
        self._done.append(ns)
        self._count += len(self._pending)
        self._pending = []

    @property
    def outside(self) -> OutsideDates | None:
        """The points dated outside :data:`SUPPORTED_YEARS` so far, or None when there are none."""
        self._flush()
        if self._outside_example is None:
            return None
        return OutsideDates(np.concatenate(self._outside_rows), self._outside_example)

    def series(self) -> pd.Series:
        """Every time, tz-aware UTC, in the finest unit any chunk needed (as pandas would pick)."""
        self._flush()
        ns = np.concatenate(self._done) if self._done else np.zeros(0, dtype="int64")
        self._done = []
        unit: Literal["s", "ms", "us", "ns"] = max(self._units, key=_UNITS.index, default="us")
        stamps = pd.DatetimeIndex(ns.view("datetime64[ns]")).tz_localize("UTC").as_unit(unit)
        return pd.Series(stamps)


def iso_times(texts: list[str | None]) -> pd.DatetimeIndex:
    """ISO 8601 texts to tz-aware UTC instants (naive means UTC; NaT for garbage).

    pandas reads years 1 to 9999 (at a unit coarser than nanoseconds); :class:`Times` keeps
    what lies inside :data:`SUPPORTED_YEARS`.
    """
    parsed = pd.to_datetime(
        pd.Series(texts, dtype="object"), utc=True, format="ISO8601", errors="coerce"
    )
    return pd.DatetimeIndex(parsed)


TIME_CHUNK = 65_536
"""Points whose time texts are converted together [points]."""

_NAT = np.iinfo("int64").min
_UNITS: tuple[Literal["s", "ms", "us", "ns"], ...] = ("s", "ms", "us", "ns")
_EARLIEST_NS = EARLIEST_TIME.value
