"""Quirks of real GPX and TCX files: read as the file meant them, with a note, or refused clearly.

Each quirk is applied to a small clean file; a file that is read must give exactly the clean
file's samples (and name), so a "tolerated" quirk cannot silently change the data.
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.errors import ParseError
from analysis.parsers import parse_bytes
from analysis.parsers.base import ParsedActivity
from analysis.parsers.gpx import read_gpx
from analysis.parsers.tcx import read_tcx

DECLARATION = '<?xml version="1.0" encoding="{encoding}"?>\n'
TPX = "http://www.garmin.com/xmlschemas/TrackPointExtension/v1"


def gpx_text(name: str = "Zürich run", encoding: str = "UTF-8", points: int = 30) -> str:
    """A GPX 1.1 run at 5 s with heart rate, as text (encode it as the test needs)."""
    rows = []
    for i in range(points):
        rows.append(
            f'<trkpt lat="{47.37 + i * 1e-4:.6f}" lon="8.54"><ele>410</ele>'
            f"<time>2024-06-01T07:{i // 12:02d}:{i % 12 * 5:02d}Z</time>"
            f"<extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>{130 + i}</gpxtpx:hr>"
            "</gpxtpx:TrackPointExtension></extensions></trkpt>"
        )
    return (
        DECLARATION.format(encoding=encoding)
        + f'<gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1" '
        f'xmlns:gpxtpx="{TPX}"><trk><name>{name}</name><type>running</type><trkseg>'
        + "".join(rows)
        + "</trkseg></trk></gpx>"
    )


def tcx_text(points: int = 30) -> str:
    """A Garmin-style TCX run at 5 s with one lap."""
    rows = "".join(
        f"<Trackpoint><Time>2024-06-01T07:{i // 12:02d}:{i % 12 * 5:02d}Z</Time>"
        f"<Position><LatitudeDegrees>{47.37 + i * 1e-4:.6f}</LatitudeDegrees>"
        "<LongitudeDegrees>8.54</LongitudeDegrees></Position>"
        f"<DistanceMeters>{i * 11.1:.1f}</DistanceMeters>"
        f"<HeartRateBpm><Value>{130 + i}</Value></HeartRateBpm></Trackpoint>"
        for i in range(points)
    )
    return (
        DECLARATION.format(encoding="UTF-8")
        + '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/'
        'TrainingCenterDatabase/v2"><Activities><Activity Sport="Running">'
        "<Id>2024-06-01T07:00:00Z</Id>"
        '<Lap StartTime="2024-06-01T07:00:00Z"><TotalTimeSeconds>145</TotalTimeSeconds>'
        f"<DistanceMeters>{(points - 1) * 11.1:.1f}</DistanceMeters><Track>{rows}</Track></Lap>"
        "</Activity></Activities></TrainingCenterDatabase>"
    )


CLEAN_GPX = gpx_text().encode("utf-8")
CLEAN_TCX = tcx_text().encode("utf-8")


def same_samples(read: list[ParsedActivity], clean: list[ParsedActivity]) -> None:
    assert len(read) == len(clean)
    for got, want in zip(read, clean, strict=True):
        pd.testing.assert_frame_equal(got.samples, want.samples)
        assert got.name == want.name
        assert got.sport == want.sport


def notes(read: list[ParsedActivity]) -> str:
    return " | ".join(read[0].fixes)


# ---- blank space and byte order marks ---------------------------------------------------------


@pytest.mark.parametrize("blank", [b" ", b"\n", b"\r\n  \t", b"\n" * 500])
def test_blank_space_before_the_declaration_is_read_and_noted(blank: bytes) -> None:
    clean = read_tcx(CLEAN_TCX, "run.tcx")
    read = read_tcx(blank + CLEAN_TCX, "run.tcx")
    same_samples(read, clean)
    assert "blank space before the XML declaration" in notes(read)
    assert "blank space" not in notes(clean)


def test_a_garmin_tcx_with_leading_blank_space_goes_through_the_whole_route() -> None:
    # sniffing and reading: the upload path a runner's file takes
    fmt, read = parse_bytes(b"  \r\n" + CLEAN_TCX, "activity_123.tcx")
    assert fmt == "tcx"
    same_samples(read, read_tcx(CLEAN_TCX, "activity_123.tcx"))


@pytest.mark.parametrize(
    "data",
    [
        b"\xef\xbb\xbf" + CLEAN_GPX,
        b"\xef\xbb\xbf\n  " + CLEAN_GPX,
        gpx_text(encoding="UTF-16").encode("utf-16"),  # a byte order mark, little-endian here
        gpx_text(encoding="UTF-16").encode("utf-16-be").join([b"\xfe\xff", b""]),
    ],
    ids=["utf8-bom", "utf8-bom-then-blank", "utf16-le-bom", "utf16-be-bom"],
)
def test_byte_order_marks_are_read(data: bytes) -> None:
    same_samples(read_gpx(data, "run.gpx"), read_gpx(CLEAN_GPX, "run.gpx"))


def test_a_byte_order_mark_wins_over_a_wrong_declaration() -> None:
    data = b"\xef\xbb\xbf" + gpx_text(encoding="ISO-8859-1").encode("utf-8")
    read = read_gpx(data, "run.gpx")
    assert read[0].name == "Zürich run"  # not "ZÃ¼rich run"


# ---- bytes after the root element ---------------------------------------------------------------


@pytest.mark.parametrize(
    "tail",
    [b"garbage", b"\x00" * 4096, b"</gpx>", b"<gpx><trk>", b"\n\x1a", b"\xff\xfe junk"],
    ids=["text", "nul-padding", "second-end-tag", "second-start", "ctrl-z", "binary"],
)
def test_trailing_bytes_after_the_root_are_ignored_and_noted(tail: bytes) -> None:
    read = read_gpx(CLEAN_GPX + tail, "run.gpx")
    same_samples(read, read_gpx(CLEAN_GPX, "run.gpx"))
    assert "ignored what follows the end of the <gpx> element" in notes(read)


def test_trailing_bytes_after_a_tcx_root_are_ignored() -> None:
    read = read_tcx(CLEAN_TCX + b"\x00\x00<Activity>", "run.tcx")
    same_samples(read, read_tcx(CLEAN_TCX, "run.tcx"))
    assert "ignored what follows the end" in notes(read)


def test_blank_space_and_comments_after_the_root_are_no_quirk() -> None:
    read = read_gpx(CLEAN_GPX + b"\n<!-- written by hand -->\n\n", "run.gpx")
    assert "ignored what follows" not in notes(read)


def test_a_file_cut_short_is_still_refused_as_truncated() -> None:
    with pytest.raises(ParseError, match="truncated"):
        read_gpx(CLEAN_GPX[: len(CLEAN_GPX) // 2], "cut.gpx")


# ---- declared encodings that do not match the bytes ----------------------------------------------


@pytest.mark.parametrize("declared", ["ISO-8859-1", "windows-1252", "latin1", "US-ASCII"])
def test_utf8_text_declared_as_a_single_byte_encoding_is_read_as_utf8(declared: str) -> None:
    data = gpx_text(encoding=declared).encode("utf-8")
    read = read_gpx(data, "run.gpx")
    assert read[0].name == "Zürich run"
    assert f"declares the text encoding {declared} but is UTF-8" in notes(read)
    same_samples(read, read_gpx(CLEAN_GPX, "run.gpx"))


def test_latin1_text_declared_as_latin1_is_read() -> None:
    data = gpx_text(encoding="ISO-8859-1").encode("latin-1")
    read = read_gpx(data, "run.gpx")
    assert read[0].name == "Zürich run"
    assert "encoding" not in notes(read)


def test_latin1_text_declared_as_utf8_is_refused_clearly() -> None:
    # which single-byte encoding it is cannot be told from the bytes: say what to do instead
    data = gpx_text(encoding="UTF-8").encode("latin-1")
    with pytest.raises(ParseError, match="not valid UTF-8") as caught:
        read_gpx(data, "run.gpx")
    assert "save it again as UTF-8" in caught.value.reason
    assert "unknown error" not in caught.value.reason


def test_an_unknown_declared_encoding_over_ascii_text_is_read_as_utf8() -> None:
    data = gpx_text(name="Zurich run", encoding="x-garmin-8").encode("ascii")
    read = read_gpx(data, "run.gpx")
    assert read[0].name == "Zurich run"
    assert "unknown text encoding (x-garmin-8)" in notes(read)


def test_an_unknown_declared_encoding_over_utf8_text_is_read_as_utf8() -> None:
    read = read_gpx(gpx_text(encoding="x-garmin-8").encode("utf-8"), "run.gpx")
    assert read[0].name == "Zürich run"


def test_an_unknown_declared_encoding_over_other_bytes_is_refused_clearly() -> None:
    data = gpx_text(encoding="x-garmin-8").encode("latin-1")
    with pytest.raises(ParseError, match="encoding"):
        read_gpx(data, "run.gpx")


# ---- namespace prefixes used without a declaration (Strava, Movescount) -------------------------


def test_an_undeclared_prefix_is_read_and_noted_once() -> None:
    data = CLEAN_GPX.replace(f' xmlns:gpxtpx="{TPX}"'.encode(), b"")
    read = read_gpx(data, "run.gpx")
    same_samples(read, read_gpx(CLEAN_GPX, "run.gpx"))
    assert notes(read).count("declared the XML namespace prefix gpxtpx") == 1


def test_every_quirk_at_once() -> None:
    data = b"\xef\xbb\xbf\r\n" + CLEAN_GPX.replace(f' xmlns:gpxtpx="{TPX}"'.encode(), b"")
    read = read_gpx(data + b"</gpx>", "run.gpx")
    same_samples(read, read_gpx(CLEAN_GPX, "run.gpx"))
    text = notes(read)
    # lxml reports the undeclared prefix as soon as the root ends, before libxml2 looks at the
    # bytes after it: those are ignored all the same, only without their own note
    assert "blank space" in text and "gpxtpx" in text
