"""Read a wellness log or a weekly training plan from CSV.

Wellness layouts
----------------
1. **Generic**: a ``date`` column and any of ``resting_hr_bpm``, ``hrv_rmssd_ms``, ``sleep_h``,
   ``sleep_quality``, ``soreness``, ``fatigue``, ``mood``, ``stress`` and ``notes`` (the
   nomenclature's own names). Header case, spacing and punctuation do not matter ("Resting HR
   (bpm)" reads as ``resting_hr_bpm``). A ``ln_rmssd`` column is accepted where ``hrv_rmssd_ms``
   is absent. The scales are 1–5 (``sleep_quality`` and ``mood``: 1 very poor – 5 very good;
   ``soreness``, ``fatigue`` and ``stress``: 1 none – 5 very high); a value off the scale refuses
   the file, because the whole column is then on some other scale.
2. **HRV app export**, the column layout GoldenCheetah's HRV-measures importer reads
   (``src/FileIO/HrvMeasuresCsvImport.cpp``): HRV4Training for iPhone (``timestamp_measurement``,
   ISO 8601 or ``yyyy-MM-dd h:mm:ss AM/PM``), HRV4Training for Android (``date`` written
   year-day-month, ``yyyy-dd-MM``, and ``time``), and Elite HRV (``Datetime``, ISO 8601); the
   values ``HR``/``HR_lying`` (resting HR), ``rMSSD``/``rMSSD_lying``/``Rmssd`` (rMSSD [ms]),
   ``lnRmssd`` (ln rMSSD, converted with rMSSD = e^ln only where no rMSSD is given) and ``note``.
   HRV4Training's subjective columns (``sleep_quality``, ``muscle_soreness``, ``fatigue``, ...)
   are not read: their scales are not publicly documented, and guessing would put numbers on the
   wrong 1–5 scale. Missing values there are ``-``, empty or 0.

Plan layout
-----------
``week_start`` and any of ``distance_km``, ``duration_h``, ``long_run_km`` and ``load`` (the
plan columns' own names ``plan_distance_km`` ... are accepted too). ``duration_h`` may be written
``h:mm``.

Dates
-----
``YYYY-MM-DD`` (also with ``/`` or ``.``, and with a time of day after it, which is ignored:
the day is taken as written, never shifted by a time zone) or day-first ``DD/MM/YYYY`` (also
with ``.`` or ``-``). Month-first dates are never guessed: a file with a date such as
``04/23/2024`` is refused. The HRV4Training ``date`` column is read year-day-month as
GoldenCheetah documents, unless the file itself proves year-month-day (a middle number above 12
settles it either way). A date outside the years 1678–2261 (the span of the nanosecond time
stamps the store keeps) refuses the file, naming the date and its line: such a year is a typo
(1600, 2999), and a log with one wrong year is better fixed than imported without that day.

Duplicates: when a day (or a plan week) appears twice, the later row in the file wins, and the
frame's notes say so. The frame's ``attrs`` carry ``layout`` (what was recognised), ``notes``
(what was fixed or skipped, in plain words) and ``present`` (the columns the file supplied, so a
caller can merge instead of blanking what the file does not hold).

Every failure is a :class:`~analysis.errors.ParseError` naming the file and the reason.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis import columns as c
from analysis.errors import ParseError
from analysis.parsers.base import SUPPORTED_RANGE_TEXT, SUPPORTED_YEARS
from analysis.parsers.csv import (
    _clean_header,
    _decimal_mark,
    _decode,
    _numbers,
    _read_rows,
    _sniff_delimiter,
)

FORMAT_WELLNESS = "wellness"
FORMAT_PLAN = "plan"

LAYOUT_GENERIC = "generic wellness log"
LAYOUT_HRV4TRAINING_IPHONE = "HRV4Training (iPhone)"
LAYOUT_HRV4TRAINING_ANDROID = "HRV4Training (Android)"
LAYOUT_ELITE_HRV = "Elite HRV"
LAYOUT_PLAN = "training plan"

SNIFF_BYTES = 65_536
"""The sniffers read at most this much of a file [bytes]."""

_LN_RMSSD = c.LN_RMSSD  # ln rMSSD, converted to rMSSD [ms]
_TIMESTAMP = "timestamp"  # a date and time of day; the day is read as written
_APP_DATE = "app_date"  # HRV4Training for Android's year-day-month day

GENERIC_COLUMNS: dict[str, str] = {
    c.DATE: c.DATE,
    c.RESTING_HR_BPM: c.RESTING_HR_BPM,
    c.HRV_RMSSD_MS: c.HRV_RMSSD_MS,
    c.SLEEP_H: c.SLEEP_H,
    c.SLEEP_QUALITY: c.SLEEP_QUALITY,
    c.SORENESS: c.SORENESS,
    c.FATIGUE: c.FATIGUE,
    c.MOOD: c.MOOD,
    c.STRESS: c.STRESS,
    c.NOTES: c.NOTES,
    c.LN_RMSSD: _LN_RMSSD,
}
"""Generic wellness headers (normalised: lower case, words joined by ``_``) -> our columns."""

HRV_APP_COLUMNS: dict[str, tuple[str, ...]] = {
    _TIMESTAMP: ("timestamp_measurement", "datetime"),
    _APP_DATE: ("date",),
    c.RESTING_HR_BPM: ("hr", "hr_lying"),
    c.HRV_RMSSD_MS: ("rmssd", "rmssd_lying"),
    _LN_RMSSD: ("lnrmssd",),
    c.NOTES: ("note",),
}
"""HRV app export headers (normalised) -> our columns, in order of preference, as read by
GoldenCheetah's ``HrvMeasuresCsvImport.cpp`` (HRV4Training for iPhone and Android, Elite HRV)."""

HRV4TRAINING_MARKERS = ("hrv4t_recovery_points", "avnn", "sdnn", "pnn50")
"""A ``date`` + ``rMSSD`` file is read as HRV4Training's Android export (year-day-month dates)
only when it also has one of these HRV4Training columns; a plain ``date,rmssd`` table is not."""

PLAN_HEADERS: dict[str, str] = {
    "week_start": c.WEEK_START,
    "distance_km": c.PLAN_DISTANCE_KM,
    "duration_h": c.PLAN_DURATION_H,
    "long_run_km": c.PLAN_LONG_RUN_KM,
    "load": c.PLAN_LOAD,
    c.PLAN_DISTANCE_KM: c.PLAN_DISTANCE_KM,
    c.PLAN_DURATION_H: c.PLAN_DURATION_H,
    c.PLAN_LONG_RUN_KM: c.PLAN_LONG_RUN_KM,
    c.PLAN_LOAD: c.PLAN_LOAD,
}
"""Plan CSV headers (normalised) -> our plan columns."""

SCALE_COLUMNS = (c.SLEEP_QUALITY, c.SORENESS, c.FATIGUE, c.MOOD, c.STRESS)
SCALE = (1.0, 5.0)
"""The subjective ratings run from 1 to 5."""

PLAUSIBLE: dict[str, tuple[float, float]] = {
    c.RESTING_HR_BPM: (25.0, 150.0),
    c.HRV_RMSSD_MS: (1.0, 500.0),
    c.SLEEP_H: (0.0, 24.0),
}
"""Values outside these bounds are dropped from the day (with a note), not guessed at."""

LN_RMSSD_MAX = math.log(PLAUSIBLE[c.HRV_RMSSD_MS][1])
"""A "ln rMSSD" above this (≈ 6.2) is a scaled score (0–100), not a logarithm: refused."""

_VALUE_COLUMNS = c.WELLNESS_COLUMNS[1:]
_NUMERIC_COLUMNS = tuple(col for col in _VALUE_COLUMNS if col != c.NOTES)
_PLAN_VALUES = c.PLAN_COLUMNS[1:]


# ---- public entry points --------------------------------------------------------------------------


def is_wellness_csv(data: bytes) -> bool:
    """True when the header row is one of the wellness layouts (never raises)."""
    keys = _sniff_keys(data)
    return keys is not None and _wellness_layout(keys) is not None


def is_plan_csv(data: bytes) -> bool:
    """True when the header row has ``week_start`` and at least one plan target (never raises)."""
    keys = _sniff_keys(data)
    if keys is None or "week_start" not in keys:
        return False
    return any(PLAN_HEADERS.get(key) in _PLAN_VALUES for key in keys)


def read_wellness_csv(data: bytes, name: str) -> pd.DataFrame:
    """Read a wellness log (generic layout or an HRV app export).

    Parameters
    ----------
    data
        The file's bytes (UTF-8 with or without BOM, UTF-16 with BOM, Windows-1252 or Latin-1;
        comma, semicolon or tab separated).
    name
        The file name, for messages.

    Returns
    -------
    pandas.DataFrame
        The wellness frame: ``date`` (naive midnight, one row per day, oldest first),
        ``resting_hr_bpm`` [bpm], ``hrv_rmssd_ms`` [ms], ``sleep_h`` [h], ``sleep_quality``,
        ``soreness``, ``fatigue``, ``mood``, ``stress`` [1–5] and ``notes`` (text); columns the
        file does not hold are all missing. ``attrs``: ``layout``, ``notes``, ``present``.

    Raises
    ------
    ParseError
        Unreadable or binary input; no date column or no wellness column; month-first or
        contradictory dates; a date outside the years 1678–2261; a rating off the 1–5 scale; a scaled score in the ln rMSSD column;
        no row with a readable date and a value.
    """
    text, notes = _decode(data, name)
    rows, read_notes = _read_rows(text, name)
    notes = [*notes, *read_notes]
    keys = [_key(cell) for cell in rows[0]]
    layout = _wellness_layout(keys)
    if layout is None:
        raise ParseError(name, _not_wellness(rows[0]))
    body = rows[1:]
    found = _generic_columns(keys) if layout == LAYOUT_GENERIC else _app_columns(keys, notes)
    if layout == LAYOUT_HRV4TRAINING_ANDROID:
        date_cells = _cells(body, found[_APP_DATE])
        days = _year_day_month_days(date_cells, name, notes)
    else:
        date_cells = _cells(body, found[c.DATE] if c.DATE in found else found[_TIMESTAMP])
        days = _days(date_cells, name)
    _check_years(days, date_cells, name)
    decimal = _decimal_mark(
        [cell for col, index in found.items() if col != c.NOTES for cell in _cells(body, index)]
    )
    values: dict[str, np.ndarray] = {}
    for column in _NUMERIC_COLUMNS:
        if column in found:
            values[column] = _column_values(column, _cells(body, found[column]), decimal)
    if _LN_RMSSD in found:
        _add_ln_rmssd(values, _cells(body, found[_LN_RMSSD]), decimal, name, notes)
    for column in SCALE_COLUMNS:
        if column in values:
            _check_scale(column, values[column], name)
    for column in PLAUSIBLE:
        if column in values:
            values[column] = _drop_implausible(column, values[column], notes)
    texts = _cells(body, found[c.NOTES]) if c.NOTES in found else [""] * len(body)
    frame = pd.DataFrame({c.DATE: days})
    for column in _NUMERIC_COLUMNS:
        frame[column] = values.get(column, np.full(len(body), np.nan))
    # "-" is how the HRV apps write an empty cell
    frame[c.NOTES] = pd.Series([t if t not in ("", "-") else None for t in texts], dtype="object")
    present = [col for col in _VALUE_COLUMNS if col in values or col in found]
    frame = _keep_readable(frame, list(_VALUE_COLUMNS), c.DATE, name, notes, "day")
    frame.attrs.update(layout=layout, notes=notes, present=tuple(present))
    return frame[list(c.WELLNESS_COLUMNS)]


def read_plan_csv(data: bytes, name: str) -> pd.DataFrame:
    """Read a weekly training plan.

    Parameters
    ----------
    data
        The file's bytes.
    name
        The file name, for messages.

    Returns
    -------
    pandas.DataFrame
        The plan frame: ``week_start`` (naive midnight, as written: not moved to the athlete's
        week start), ``plan_distance_km`` [km], ``plan_duration_h`` [h], ``plan_long_run_km``
        [km] and ``plan_load`` [unit of the load model], one row per week, oldest first; targets
        the file does not hold are missing. ``attrs``: ``layout``, ``notes``, ``present``.

    Raises
    ------
    ParseError
        Unreadable input; no ``week_start`` or no target column; month-first dates; a date
        outside the years 1678–2261; a negative target; no row with a readable week and a
        target.
    """
    text, notes = _decode(data, name)
    rows, read_notes = _read_rows(text, name)
    notes = [*notes, *read_notes]
    keys = [_key(cell) for cell in rows[0]]
    found: dict[str, int] = {}
    for index, key in enumerate(keys):
        column = PLAN_HEADERS.get(key)
        if column is not None and column not in found:
            found[column] = index
    if c.WEEK_START not in found or not any(col in found for col in _PLAN_VALUES):
        raise ParseError(
            name,
            "not a training plan: it needs a week_start column and at least one of "
            "distance_km, duration_h, long_run_km, load (found: "
            + ", ".join(cell.strip() for cell in rows[0] if cell.strip())
            + ")",
        )
    body = rows[1:]
    week_cells = _cells(body, found[c.WEEK_START])
    weeks = _days(week_cells, name)
    _check_years(weeks, week_cells, name)
    frame = pd.DataFrame({c.WEEK_START: weeks})
    decimal = _decimal_mark([cell for i in found.values() for cell in _cells(body, i)])
    for column in _PLAN_VALUES:
        if column not in found:
            frame[column] = np.nan
            continue
        cells = _cells(body, found[column])
        values = _hours(cells, decimal) if column == c.PLAN_DURATION_H else _numbers(cells, decimal)
        negative = np.flatnonzero(values < 0)
        if len(negative):
            line = int(negative[0]) + 2
            raise ParseError(name, f"a negative plan target ({cells[negative[0]]}) on line {line}")
        frame[column] = values
    present = tuple(col for col in _PLAN_VALUES if col in found)
    frame = _keep_readable(frame, list(_PLAN_VALUES), c.WEEK_START, name, notes, "week")
    frame.attrs.update(layout=LAYOUT_PLAN, notes=notes, present=present)
    return frame[list(c.PLAN_COLUMNS)]


# ---- headers --------------------------------------------------------------------------------------


def _key(header: str) -> str:
    """A header as lower-case words joined by ``_`` ("Resting HR (bpm)" -> "resting_hr_bpm")."""
    return re.sub(r"[^0-9a-z]+", "_", _clean_header(header).lower()).strip("_")


def _sniff_keys(data: bytes) -> list[str] | None:
    """The normalised header of a text file, or None when it is not readable text."""
    try:
        text, _ = _decode(data[:SNIFF_BYTES], "")
    except ParseError:
        return None
    for line in text.lstrip("\ufeff").splitlines():
        if line.strip():
            try:
                header = next(csv.reader(io.StringIO(line), delimiter=_sniff_delimiter(line)))
            except (csv.Error, StopIteration):
                return None
            return [_key(cell) for cell in header]
    return None


def _wellness_layout(keys: Sequence[str]) -> str | None:
    has_hrv = any(key in keys for key in (*HRV_APP_COLUMNS[c.HRV_RMSSD_MS], "lnrmssd"))
    if has_hrv and "timestamp_measurement" in keys:
        return LAYOUT_HRV4TRAINING_IPHONE
    if has_hrv and "datetime" in keys:
        return LAYOUT_ELITE_HRV
    if has_hrv and "date" in keys and any(key in keys for key in HRV4TRAINING_MARKERS):
        return LAYOUT_HRV4TRAINING_ANDROID
    generic = [GENERIC_COLUMNS.get(key) for key in keys]
    if c.DATE in generic and any(col not in (None, c.DATE, c.NOTES) for col in generic):
        return LAYOUT_GENERIC
    return None


def _generic_columns(keys: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, key in enumerate(keys):
        column = GENERIC_COLUMNS.get(key)
        if column is not None and column not in found:
            found[column] = index
    if c.HRV_RMSSD_MS in found:
        found.pop(_LN_RMSSD, None)
    return found


def _app_columns(keys: Sequence[str], notes: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for column, names in HRV_APP_COLUMNS.items():
        for wanted in names:
            if wanted in keys:
                found[column] = keys.index(wanted)
                break
    if _TIMESTAMP in found:
        found.pop(_APP_DATE, None)
    unread = [key for key in ("sleep_quality", "muscle_soreness", "fatigue") if key in keys]
    if unread:
        notes.append(
            "not read: " + ", ".join(unread) + " (the app's scales are not documented; "
            "enter them on the 1–5 scales by hand if you want them)"
        )
    return found


def _not_wellness(header: Sequence[str]) -> str:
    shown = ", ".join(cell.strip() for cell in header if cell.strip())
    return (
        "not a wellness log: it needs a date column and at least one of resting_hr_bpm, "
        "hrv_rmssd_ms, sleep_h, sleep_quality, soreness, fatigue, mood, stress (or an HRV4Training"
        f" / Elite HRV export with rMSSD); found: {shown}"
    )


def _cells(rows: Sequence[Sequence[str]], index: int) -> list[str]:
    return [row[index].strip() if index < len(row) else "" for row in rows]


# ---- dates ----------------------------------------------------------------------------------------

_YEAR_FIRST = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:$|[T\s])")
_DAY_FIRST = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?:$|[T\s])")


def _day(year: int, month: int, day: int) -> pd.Timestamp | None:
    try:
        return pd.Timestamp(dt.date(year, month, day))
    except ValueError:
        return None


def _days(cells: Sequence[str], name: str) -> list[pd.Timestamp | None]:
    """ISO (year first) or day-first dates; None where unreadable. Month-first refuses the file."""
    out: list[pd.Timestamp | None] = []
    for line, cell in enumerate(cells, start=2):
        iso = _YEAR_FIRST.match(cell)
        if iso:
            out.append(_day(int(iso.group(1)), int(iso.group(2)), int(iso.group(3))))
            continue
        first = _DAY_FIRST.match(cell)
        if first:
            day, month = int(first.group(1)), int(first.group(2))
            if month > 12 and day <= 12:
                raise ParseError(
                    name,
                    f"the date '{cell}' on line {line} is month-first; write dates as "
                    "YYYY-MM-DD or day-first DD/MM/YYYY",
                )
            out.append(_day(int(first.group(3)), month, day))
            continue
        out.append(None)
    return out


def _check_years(days: Sequence[pd.Timestamp | None], cells: Sequence[str], name: str) -> None:
    """Refuse a date the store cannot hold (outside :data:`~analysis.parsers.base.SUPPORTED_YEARS`).

    Left in, it raises an overflow from pandas far from the file, with no line to fix.
    """
    low, high = SUPPORTED_YEARS
    for line, (day, cell) in enumerate(zip(days, cells, strict=True), start=2):
        if day is not None and not low <= day.year <= high:
            raise ParseError(
                name, f"the date '{cell}' on line {line} is outside {SUPPORTED_RANGE_TEXT}"
            )


def _year_day_month_days(
    cells: Sequence[str], name: str, notes: list[str]
) -> list[pd.Timestamp | None]:
    """HRV4Training for Android's ``date`` column: year-day-month unless the file proves ISO."""
    parts = [_YEAR_FIRST.match(cell) for cell in cells]
    middles = [int(p.group(2)) for p in parts if p]
    lasts = [int(p.group(3)) for p in parts if p]
    day_in_middle = any(m > 12 for m in middles)
    day_last = any(last > 12 for last in lasts)
    if day_in_middle and day_last:
        raise ParseError(
            name, "the date column mixes year-day-month and year-month-day dates: cannot tell them"
        )
    if day_last:
        notes.append("dates read as year-month-day: the file's own dates prove it")
        return _days(cells, name)
    if not day_in_middle:
        notes.append(
            "dates read as year-day-month, HRV4Training's Android export format (no date in the "
            "file tells either way)"
        )
    out: list[pd.Timestamp | None] = []
    for part in parts:
        if part is None:
            out.append(None)
        else:
            out.append(_day(int(part.group(1)), int(part.group(3)), int(part.group(2))))
    return out


# ---- values ---------------------------------------------------------------------------------------

_CLOCK_HOURS = re.compile(r"^(\d{1,3}):(\d{2})$")


def _hours(cells: Sequence[str], decimal: str) -> np.ndarray:
    """Hours from ``7.5`` or ``7:30``; NaN where unreadable."""
    out = np.array(_numbers(cells, decimal), dtype="float64")
    for i, cell in enumerate(cells):
        clock = _CLOCK_HOURS.match(cell)
        if clock:
            out[i] = int(clock.group(1)) + int(clock.group(2)) / 60.0
    return out


def _column_values(column: str, cells: Sequence[str], decimal: str) -> np.ndarray:
    values = _hours(cells, decimal) if column == c.SLEEP_H else _numbers(cells, decimal)
    values = np.array(values, dtype="float64")
    if column in (c.RESTING_HR_BPM, c.HRV_RMSSD_MS):
        # HRV apps write 0 for a measurement not taken
        values[values == 0] = np.nan
    return values


def _add_ln_rmssd(
    values: dict[str, np.ndarray],
    cells: Sequence[str],
    decimal: str,
    name: str,
    notes: list[str],
) -> None:
    """Fill rMSSD [ms] = e^(ln rMSSD) where the file gives only the logarithm."""
    ln = np.array(_numbers(cells, decimal), dtype="float64")
    ln[ln <= 0] = np.nan
    if np.nanmax(ln, initial=0.0) > LN_RMSSD_MAX:
        raise ParseError(
            name,
            f"the ln rMSSD column holds {np.nanmax(ln):.4g}, more than ln of any real rMSSD "
            f"({LN_RMSSD_MAX:.1f}): it looks like a 0–100 score, which cannot be turned back "
            "into rMSSD",
        )
    rmssd = values.get(c.HRV_RMSSD_MS, np.full(len(ln), np.nan))
    fill = np.isnan(rmssd) & np.isfinite(ln)
    if fill.any():
        rmssd = np.where(fill, np.exp(ln), rmssd)
        notes.append(f"rMSSD computed as e^(ln rMSSD) on {int(fill.sum())} days")
    values[c.HRV_RMSSD_MS] = rmssd


def _check_scale(column: str, values: np.ndarray, name: str) -> None:
    low, high = SCALE
    off = np.flatnonzero(np.isfinite(values) & ((values < low) | (values > high)))
    if len(off):
        i = int(off[0])
        raise ParseError(
            name,
            f"{column} is rated 1–5, but line {i + 2} has {values[i]:g}: the column seems to use "
            "another scale; convert it to 1–5 first",
        )


def _drop_implausible(column: str, values: np.ndarray, notes: list[str]) -> np.ndarray:
    low, high = PLAUSIBLE[column]
    bad = np.isfinite(values) & ((values < low) | (values > high))
    if bad.any():
        notes.append(
            f"{int(bad.sum())} {column} values outside {low:g}–{high:g} left out "
            f"(e.g. {values[bad][0]:g})"
        )
        values = np.where(bad, np.nan, values)
    return values


def _keep_readable(
    frame: pd.DataFrame, value_columns: list[str], key: str, name: str, notes: list[str], unit: str
) -> pd.DataFrame:
    """Drop rows without a readable date or without any value; the later duplicate wins."""
    no_date = frame[key].isna()
    empty = frame[value_columns].isna().all(axis=1)
    if (no_date & ~empty).any():
        noun = "row" if int((no_date & ~empty).sum()) == 1 else "rows"
        notes.append(f"skipped {int((no_date & ~empty).sum())} {noun} without a readable date")
    kept = frame[~no_date & ~empty].copy()
    if kept.empty:
        raise ParseError(name, "no row has both a readable date and a value")
    kept[key] = pd.to_datetime(kept[key]).astype("datetime64[ns]")
    repeated = int(kept[key].duplicated(keep="last").sum())
    if repeated:
        noun = f"{unit} appears" if repeated == 1 else f"{unit}s appear"
        notes.append(f"{repeated} {noun} more than once: the later row in the file wins")
    kept = kept.drop_duplicates(key, keep="last").sort_values(key, kind="stable")
    return kept.reset_index(drop=True)
