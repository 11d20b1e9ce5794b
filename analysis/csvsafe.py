"""Text that leaves Stridelog safely: CSV cells a spreadsheet will not run, names a terminal will
not obey.

Every CSV the product writes (the daily export, the import report) goes through
:func:`safe_frame` or :func:`to_safe_csv`; every file or member name printed to a terminal goes
through :func:`terminal_safe`. File names, titles and wellness notes come from uploaded files,
so they are untrusted.
"""

from __future__ import annotations

import json
import re
from typing import Any, overload

import pandas as pd

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""A cell starting with one of these is read as a formula by Excel, LibreOffice Calc and Google
Sheets (OWASP's list: equals, plus, minus, at, tab, carriage return)."""

_BARE_CR = re.compile(r"\r(?!\n)")
# ASCII digits only: a spreadsheet reads "-٣" as a formula, not as minus three
_NUMBER = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$")

_UNSAFE_TERMINAL = re.compile(
    "["
    "\x00-\x1f\x7f"  # C0 controls and DEL: ESC starts ANSI sequences, CR overwrites a line
    "\x80-\x9f"  # C1 controls: U+009B is a one-character CSI on many terminals
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidi marks: reorder what a name shows
    "]"
)


def safe_cell(value: Any) -> Any:
    """One CSV cell, with a leading single quote where a spreadsheet would run it as a formula.

    Parameters
    ----------
    value
        The cell: text is checked; numbers, dates, ``None`` and NaN are returned unchanged.

    Returns
    -------
    object
        ``value`` itself, or ``"'" + value`` for text that starts with ``=``, ``+``, ``-``,
        ``@``, tab or carriage return and is not a plain number (``-3.5`` and ``+2e3`` stay as
        they are, so negative numbers survive a round trip). A carriage return not followed by
        a line feed is written as a line feed, so the CSV writer quotes the cell.

    References
    ----------
    OWASP Foundation, "CSV Injection",
    https://owasp.org/www-community/attacks/CSV_Injection: cells beginning with ``=``, ``+``,
    ``-``, ``@``, tab (0x09) or carriage return (0x0D) are prefixed with a single quote, and
    every cell is quoted where it holds a separator or quote (the ``csv`` writer of pandas does
    that part).
    """
    if not isinstance(value, str):
        return value
    # a writer whose lines end in LF does not quote a cell holding a bare CR, and a reader then
    # splits the row there: the same line break, written as LF, is quoted
    text = _BARE_CR.sub("\n", value) if "\r" in value else value
    if not value.startswith(FORMULA_TRIGGERS) or _NUMBER.match(value):
        return text
    return "'" + text


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names pass :func:`safe_cell`.

    Parameters
    ----------
    frame
        Any frame; numeric, boolean and date-time columns are left as they are.

    Returns
    -------
    pandas.DataFrame
        The same shape, index and dtypes, text cells prefixed where needed.

    References
    ----------
    OWASP Foundation, "CSV Injection", https://owasp.org/www-community/attacks/CSV_Injection.
    """
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series):
            out[column] = series.map(safe_cell)
        elif isinstance(series.dtype, pd.CategoricalDtype):
            out[column] = series.astype("object").map(safe_cell)
    out.columns = pd.Index([safe_cell(name) for name in out.columns])
    return out


@overload
def to_safe_csv(frame: pd.DataFrame, *, encoding: None = None, **kwargs: Any) -> str: ...


@overload
def to_safe_csv(frame: pd.DataFrame, *, encoding: str, **kwargs: Any) -> bytes: ...


def to_safe_csv(frame: pd.DataFrame, *, encoding: str | None = None, **kwargs: Any) -> str | bytes:
    """``frame`` as injection-safe CSV text (or bytes, when an ``encoding`` is given).

    Parameters
    ----------
    frame
        The table to write.
    encoding
        None for text; an encoding name (``"utf-8"``) for bytes, ready for a download.
    **kwargs
        Passed to :meth:`pandas.DataFrame.to_csv` (``index=False``, ``float_format`` ...).

    Returns
    -------
    str or bytes
        The CSV document.

    References
    ----------
    OWASP Foundation, "CSV Injection", https://owasp.org/www-community/attacks/CSV_Injection.
    """
    text = safe_frame(frame).to_csv(None, **kwargs)
    return text if encoding is None else text.encode(encoding)


def to_safe_csv_with_header(frame: pd.DataFrame, header: list[str]) -> bytes:
    """``frame`` as UTF-8 CSV bytes after ``# ``-prefixed header lines, as ``stridelog export``.

    Parameters
    ----------
    frame
        The table; text cells pass :func:`safe_cell`.
    header
        Lines that say how the numbers were computed; each is written after ``# `` (a cell
        starting with ``#`` is not a formula), line breaks inside a line become spaces.

    Returns
    -------
    bytes
        The CSV document, dates as ``YYYY-MM-DD`` and numbers to six significant digits.
    """
    lines = "".join(f"# {' '.join(line.splitlines())}\n" for line in header)
    body = safe_frame(frame).to_csv(None, index=False, float_format="%.6g", date_format="%Y-%m-%d")
    return (lines + body).encode("utf-8")


def to_safe_parquet(frame: pd.DataFrame, header: list[str] | None = None) -> bytes:
    """``frame`` as Parquet bytes, text cells neutralised as for a CSV.

    Excel (Power Query), LibreOffice and Google Sheets import Parquet into a sheet, where a text
    cell starting with ``=`` is as live as in a CSV: the cells pass :func:`safe_cell` too.
    A column of mixed kinds (a number among names), which Parquet cannot type, is written as text.

    Parameters
    ----------
    frame
        The table; the index is not written.
    header
        Lines kept in the file's key-value metadata under ``stridelog_header``.

    Returns
    -------
    bytes
        A Parquet file (pyarrow, default compression).

    References
    ----------
    OWASP Foundation, "CSV Injection", https://owasp.org/www-community/attacks/CSV_Injection.
    """
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    safe = safe_frame(frame).reset_index(drop=True)
    for column in safe.columns:
        series = safe[column]
        if pd.api.types.is_object_dtype(series):
            kinds = {type(v) for v in series.dropna()}
            if len(kinds) > 1 and not kinds <= {bytes, bytearray}:
                safe[column] = series.map(lambda v: v if _missing(v) else safe_cell(str(v)))
    table = pa.Table.from_pandas(safe, preserve_index=False)
    if header:
        meta = dict(table.schema.metadata or {})
        meta[b"stridelog_header"] = "\n".join(header).encode("utf-8")
        table = table.replace_schema_metadata(meta)
    out = io.BytesIO()
    pq.write_table(table, out)
    return out.getvalue()


def _missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or array cell is a value
        return False


def terminal_safe(text: str) -> str:
    """``text`` with every control character shown as a visible escape (``\\x1b``, ``\\u202e``).

    Parameters
    ----------
    text
        A file or member name, or a line holding one, about to be printed to a terminal.

    Returns
    -------
    str
        The text with C0 and C1 control characters, DEL and the bidirectional formatting marks
        replaced by Python-style escapes, so an ANSI sequence in a name (``\\x1b[31m``) is
        printed as letters instead of recolouring, moving the cursor or rewriting the screen,
        and a right-to-left override cannot disguise a name's extension.
    """
    return _UNSAFE_TERMINAL.sub(_escape, text)


def terminal_safe_json(value: Any) -> str:
    """``value`` as one line of JSON that is safe to print to a terminal.

    Parameters
    ----------
    value
        Anything :func:`json.dumps` takes.

    Returns
    -------
    str
        ``json.dumps(value, ensure_ascii=False)`` with the characters :func:`terminal_safe`
        escapes written as JSON ``\\u`` escapes (``json.dumps`` already escapes C0 controls,
        but not DEL, C1 controls or bidi marks), so the text still decodes to ``value``.
    """
    text = json.dumps(value, ensure_ascii=False)
    return _UNSAFE_TERMINAL.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def _escape(found: re.Match[str]) -> str:
    code = ord(found.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
