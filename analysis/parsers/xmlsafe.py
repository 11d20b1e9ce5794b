"""Safe XML reading and the rules the two XML formats (GPX and TCX) share.

Uploaded files are untrusted. :func:`parse_xml` parses them with lxml configured so that nothing
outside the bytes is ever read and no entity is ever expanded: ``resolve_entities=False``,
``no_network=True``, ``load_dtd=False``, ``huge_tree=False`` (libxml2's size and depth limits stay
on). A document that declares entities is refused outright: neither GPX nor TCX uses them, and
entity declarations are how XML bombs (billion laughs) and external-entity reads are built.

Every failure ends in :class:`~analysis.errors.ParseError` with the reason in plain words.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
from lxml import etree

from analysis import columns as c
from analysis.errors import ParseError
from analysis.parsers.base import STEPS_PER_MINUTE_FLOOR

KNOWN_NAMESPACES: dict[str, str] = {
    "gpxdata": "http://www.cluetrust.com/XML/GPXDATA/1/0",
    "gpxtpx": "http://www.garmin.com/xmlschemas/TrackPointExtension/v1",
    "gpxx": "http://www.garmin.com/xmlschemas/GpxExtensions/v3",
}
"""Where an exporter forgot to declare one of these well-known prefixes, this is what it meant."""

UNKNOWN_NAMESPACE = "urn:undeclared-prefix:"
"""Namespace given to an undeclared prefix we do not know; parsers match local names only."""


EARLIEST_TIME = pd.Timestamp("1980-01-06", tz="UTC")
"""The GPS epoch. Earlier times are placeholders for "no time" (GPSBabel writes 1901-12-13,
the most negative 32-bit Unix time), never a recording."""

DISTANCE_DROP_TOLERANCE_M = 1.0
"""A cumulative distance may wobble by rounding; a larger drop means it is not cumulative."""

_UTC_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})\s*$")


def local_name(element: etree._Element) -> str:
    """The tag without its namespace (``{uri}hr`` and ``gpxtpx:hr`` both give ``hr``)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def _parser(recover: bool) -> etree.XMLParser:
    # a new parser per call: lxml parsers keep an error log, and module state is shared by users
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        recover=recover,
    )


def _refused(kind: str) -> str:
    return (
        f"refused: the {kind} file declares XML entities, which {kind} files never use "
        "(this is how XML bombs and external-file reads are built)"
    )


def _stops_at_the_end(err: etree.XMLSyntaxError, data: bytes) -> bool:
    """Whether the parser ran into the end of the bytes (a cut-off file), not a bad tag."""
    lines = data.rstrip().split(b"\n")
    line, column = err.position
    return line >= len(lines) and column >= len(lines[-1])


def _plain_reason(err: etree.XMLSyntaxError, kind: str, data: bytes) -> str:
    """A libxml2 error in words a user can act on."""
    msg = str(err.msg or err)
    lowered = msg.lower()
    if "encoding" in lowered or "utf-8" in lowered or "char out of allowed range" in lowered:
        return f"malformed XML in {kind}: the file is not valid UTF-8 text ({msg})"
    if "document is empty" in lowered or "start tag expected" in lowered:
        return f"malformed XML in {kind}: the file holds no XML at all (empty or binary)"
    if "premature end" in lowered or "end of data" in lowered or _stops_at_the_end(err, data):
        return f"malformed XML in {kind}: the file stops before its end, it looks truncated ({msg})"
    if "amplification" in lowered or "entity reference loop" in lowered:
        return _refused(kind)
    return f"malformed XML in {kind}: {msg}"


def _only_namespace_errors(log: etree._ListErrorLog) -> list[str]:
    """The undeclared prefixes, if every error in ``log`` is an undeclared-prefix error."""
    prefixes: list[str] = []
    for entry in log:
        if entry.type_name != "NS_ERR_UNDEFINED_NAMESPACE":
            return []
        found = re.match(r"Namespace prefix (\S+) ", entry.message or "")
        if found is None:
            return []
        prefixes.append(found.group(1))
    return sorted(set(prefixes))


def _declare_prefixes(root: etree._Element, prefixes: list[str]) -> None:
    """Give elements and attributes written as ``prefix:name`` the namespace they meant."""
    uris = {p: KNOWN_NAMESPACES.get(p, UNKNOWN_NAMESPACE + p) for p in prefixes}
    for element in root.iter():
        tag = element.tag
        if isinstance(tag, str) and not tag.startswith("{") and ":" in tag:
            prefix, local = tag.split(":", 1)
            if prefix in uris:
                element.tag = f"{{{uris[prefix]}}}{local}"
        for raw_key in list(element.attrib):
            key = raw_key.decode() if isinstance(raw_key, bytes) else raw_key
            if not key.startswith("{") and ":" in key:
                prefix, local = key.split(":", 1)
                if prefix in uris:
                    value = element.attrib.pop(raw_key)
                    element.set(f"{{{uris[prefix]}}}{local}", value)
    etree.cleanup_namespaces(root, top_nsmap={p: uris[p] for p in prefixes})


def parse_xml(
    data: bytes, name: str, kind: str, root_name: str
) -> tuple[etree._Element, list[str]]:
    """Parse an untrusted XML file; return its root element and the repairs made.

    Parameters
    ----------
    data
        The file's bytes, in any encoding XML allows (a BOM is fine).
    name
        The file name, for error messages.
    kind
        ``"GPX"`` or ``"TCX"``, for error messages.
    root_name
        The local name the root element must have (``"gpx"``, ``"TrainingCenterDatabase"``).

    Returns
    -------
    tuple
        The root element and a list of plain-words notes on what was repaired. The one repair
        made: prefixes used without a declaration (a known Strava/Movescount export bug that
        makes the file malformed) get the namespace they stand for.

    Raises
    ------
    ParseError
        Empty, non-XML, malformed or non-UTF-8 input; entity declarations; a wrong root element.
    """
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        raise ParseError(name, f"empty {kind} file")
    # a fast, clear refusal before any parsing; the tree check below catches other encodings
    if b"<!ENTITY" in data:
        raise ParseError(name, _refused(kind))
    fixes: list[str] = []
    strict = _parser(recover=False)
    root: etree._Element | None
    try:
        root = etree.fromstring(data, strict)
    except etree.XMLSyntaxError as err:
        prefixes = _only_namespace_errors(strict.error_log)
        if not prefixes:
            raise ParseError(name, _plain_reason(err, kind, data)) from err
        lenient = _parser(recover=True)
        try:
            root = etree.fromstring(data, lenient)
        except etree.XMLSyntaxError as err2:
            raise ParseError(name, _plain_reason(err2, kind, data)) from err2
        if root is None or _only_namespace_errors(lenient.error_log) != prefixes:
            raise ParseError(name, _plain_reason(err, kind, data)) from err
        _declare_prefixes(root, prefixes)
        noun = "prefixes" if len(prefixes) > 1 else "prefix"
        fixes.append(
            f"declared the XML namespace {noun} {', '.join(prefixes)} that the file uses "
            "without declaring (an exporter bug that makes the file malformed XML)"
        )
    except ValueError as err:
        raise ParseError(name, f"malformed XML in {kind}: {err}") from err
    if root is None:
        raise ParseError(name, f"malformed XML in {kind}: the file holds no XML element")
    dtd: Any = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise ParseError(name, _refused(kind))
    if any(True for _ in root.iter(etree.Entity)):
        raise ParseError(name, _refused(kind))
    if local_name(root) != root_name:
        raise ParseError(
            name, f"not a {kind} file: its root element is <{local_name(root)}>, not <{root_name}>"
        )
    return root, fixes


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


def timed_rows(
    times: pd.Series,
    name: str,
    kind: str,
    fixes: list[str],
    segments: np.ndarray | None = None,
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
    """
    times = pd.Series(times).reset_index(drop=True)
    placeholder = times.notna() & (times < EARLIEST_TIME)
    if placeholder.any():
        fixes.append(
            f"ignored {int(placeholder.sum())} times before 1980 "
            "(a recorder's placeholder for 'no time')"
        )
    timed = times.notna() & ~placeholder
    if not timed.any():
        raise ParseError(name, f"no timestamps in {kind}")
    recorded = pd.Series(True, index=times.index)
    if segments is not None:
        recorded = timed.groupby(np.asarray(segments)).transform("any").astype(bool)
        if not recorded.all():
            fixes.append(
                f"ignored {int((~recorded).sum())} points in track segments without any time "
                "(a saved copy or a plan of the route, not a recording)"
            )
    n_timed, n_recorded = int(timed.sum()), int(recorded.sum())
    if n_timed < 2:
        raise ParseError(name, f"no timestamps in {kind}: only one point has a time")
    if 2 * n_timed < n_recorded:
        raise ParseError(
            name, f"no timestamps in {kind}: only {n_timed} of {len(times)} points have a time"
        )
    if n_timed < n_recorded:
        fixes.append(f"dropped {n_recorded - n_timed} points without a time")
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
