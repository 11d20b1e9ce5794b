"""Goal races, training blocks and shoes: what both engines store of them, checked the same way.

Three small tables of one athlete's season (DuckDB schema 6, PostgreSQL schema 3):

- ``goal_races``: :data:`analysis.columns.RACE_COLUMNS`, a race day, its distance [km], the
  target time [s] and a name;
- ``training_blocks``: :data:`analysis.columns.BLOCK_COLUMNS`, a span of days (both ends
  included) of one :data:`BLOCK_KINDS` kind, with a note;
- ``shoes``: :data:`analysis.columns.SHOE_COLUMNS`, a pair by its name (as an export names the
  gear of an activity, so the two are joined by name), the day it was first used, the distance
  at which it is due to be retired [km], whether it is retired, and where it came from.

A run is put in a pair by its own ``gear`` (the activities table): a Strava export sets it on
import, the Gear page with :meth:`SeasonMethods.set_gear`. No column says which of the two set
it, so the last write wins: an export imported again that names a pair for a run sets that
pair once more, while a run the export leaves without gear keeps the pair given in the app.

Each engine keeps the SQL; the checks of a row and the dtypes of the frames handed back live here,
so both engines refuse the same rows and return identical frames.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from analysis import columns as c
from analysis.store.contract import check_pain, check_session, pain_frame, session_frame

RACES, BLOCKS, SHOES = "goal_races", "training_blocks", "shoes"
SESSIONS, PAIN = "training_sessions", "pain_log"
"""The tables: the season's three, and the two logs (strength & mobility sessions, niggles)."""

BLOCK_KINDS = ("base", "build", "peak", "taper", "recovery")
GEAR_TYPED, GEAR_STRAVA = "typed", "strava"
GEAR_SOURCES = (GEAR_TYPED, GEAR_STRAVA)

TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    RACES: c.RACE_COLUMNS,
    BLOCKS: c.BLOCK_COLUMNS,
    SHOES: c.SHOE_COLUMNS,
    SESSIONS: c.SESSION_COLUMNS,
    PAIN: c.PAIN_COLUMNS,
}
ID_COLUMN = {
    RACES: c.RACE_ID, BLOCKS: c.BLOCK_ID, SHOES: c.SHOE_ID, SESSIONS: c.SESSION_ID,
    PAIN: c.PAIN_ID,
}  # fmt: skip
ORDER_BY = {
    RACES: f"{c.RACE_DATE}, {c.RACE_ID}",
    BLOCKS: f"{c.START_DATE}, {c.BLOCK_ID}",
    SHOES: f"{c.FIRST_USED} NULLS LAST, {c.NAME}, {c.SHOE_ID}",
    SESSIONS: f"{c.DATE}, {c.SESSION_ID}",
    PAIN: f"{c.DATE}, {c.PAIN_ID}",
}
DATE_COLUMNS = (c.RACE_DATE, c.START_DATE, c.END_DATE, c.FIRST_USED)
FLOAT_COLUMNS = (c.DISTANCE_KM, c.TARGET_TIME_S, c.RETIRE_KM)
WRITE_ACTION = {RACES: "race", BLOCKS: "race", SHOES: "gear", SESSIONS: "sessions", PAIN: "pain"}
"""The access-layer action that writes each table (analysis.access.ACTIONS)."""

WRITING = {
    RACES: "change the goal races",
    BLOCKS: "change the training blocks",
    SHOES: "change the shoes",
    SESSIONS: "log training sessions",
    PAIN: "write the pain log",
}
"""What a write to each table is, as a refusal names it ("may not …")."""


def _day(value: Any, what: str) -> dt.date:
    try:
        day = pd.Timestamp(value)
    except (ValueError, TypeError) as err:
        raise ValueError(f"{what} is not a date: {value!r}") from err
    if pd.isna(day):
        raise ValueError(f"{what} is missing")
    return day.date()


def _text(value: Any, what: str, limit: int, required: bool) -> str | None:
    text = "" if value is None else str(value).strip()
    if not text:
        if required:
            raise ValueError(f"{what} is missing")
        return None
    if len(text) > limit:
        raise ValueError(f"{what} holds at most {limit} characters")
    return text


def _positive(value: Any, what: str, required: bool) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        if required:
            raise ValueError(f"{what} is missing")
        return None
    number = float(value)
    if not math.isfinite(number) or number <= 0:
        raise ValueError(f"{what} must be above zero")
    return number


def race_row(race_date: Any, distance_km: Any, target_time_s: Any, name: Any) -> dict[str, Any]:
    """A goal race as stored: the day, distance [km] (up to 1000), target time [s] or None."""
    distance = _positive(distance_km, "the race distance", required=True)
    if distance is not None and distance > 1000:
        raise ValueError("a race distance is at most 1,000 km")
    return {
        c.RACE_DATE: _day(race_date, "the race day"),
        c.DISTANCE_KM: distance,
        c.TARGET_TIME_S: _positive(target_time_s, "the target time", required=False),
        c.NAME: _text(name, "the race name", 200, required=False),
    }


def block_row(start_date: Any, end_date: Any, kind: str, note: Any = None) -> dict[str, Any]:
    """A training block as stored: first and last day (included), its kind and a note."""
    start, end = _day(start_date, "the first day"), _day(end_date, "the last day")
    if end < start:
        raise ValueError("a block ends on or after the day it starts")
    if kind not in BLOCK_KINDS:
        raise ValueError(f"a block is one of {', '.join(BLOCK_KINDS)}, not {kind!r}")
    return {
        c.START_DATE: start,
        c.END_DATE: end,
        c.BLOCK_KIND: kind,
        c.NOTE: _text(note, "the note", 1000, required=False),
    }


def shoe_row(
    name: Any,
    first_used: Any = None,
    retire_km: Any = None,
    retired: bool = False,
    source: str = GEAR_TYPED,
) -> dict[str, Any]:
    """A pair of shoes as stored: its name, first day used (or None), retirement distance [km]."""
    if source not in GEAR_SOURCES:
        raise ValueError(f"gear comes from {' or '.join(GEAR_SOURCES)}, not {source!r}")
    first = None if first_used is None or pd.isna(first_used) else _day(first_used, "first used")
    return {
        c.NAME: _text(name, "the name of the pair", 200, required=True),
        c.FIRST_USED: first,
        c.RETIRE_KM: _positive(retire_km, "the retirement distance", required=False),
        c.RETIRED: bool(retired),
        c.GEAR_SOURCE: source,
    }


def gear_name(gear: Any) -> str | None:
    """The gear of a run as stored: the pair's name without surrounding space (at most 200
    characters, as a pair's name), or None for a run in no pair (None or blank text)."""
    return _text(gear, "the name of the pair", 200, required=False)


def table_frame(rows: list[tuple[Any, ...]], table: str) -> pd.DataFrame:
    """Rows of one table (in :data:`TABLE_COLUMNS` order) as every engine returns them: the
    logs typed by :func:`~analysis.store.contract.session_frame` and
    :func:`~analysis.store.contract.pain_frame`, the season's tables by :func:`season_frame`."""
    if table == SESSIONS:
        return session_frame(rows)
    if table == PAIN:
        return pain_frame(rows)
    return season_frame(rows, table)


def season_frame(rows: list[tuple[Any, ...]], table: str) -> pd.DataFrame:
    """Rows of one table as a frame with the same dtypes from every engine.

    Ids and text are ``object`` (None where empty), days naive ``datetime64[ns]`` (NaT where
    empty), numbers float64 (NaN where empty), ``retired`` bool.
    """
    columns = TABLE_COLUMNS[table]
    frame = pd.DataFrame.from_records(rows, columns=list(columns))
    for col in columns:
        if col in DATE_COLUMNS:
            frame[col] = pd.to_datetime(frame[col]).astype("datetime64[ns]")
        elif col in FLOAT_COLUMNS:
            frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64")
        elif col == c.RETIRED:
            frame[col] = frame[col].fillna(False).astype(bool)
        else:
            frame[col] = pd.Series(
                [None if v is None or pd.isna(v) else str(v) for v in frame[col]],
                index=frame.index,
                dtype=object,
            )
    return frame.reset_index(drop=True)


class SeasonMethods:
    """The contract's race, block and shoe methods and the two logs' (sessions, niggles), the same
    for every engine: each checks and types its row here and hands it to the engine's four
    primitives (``_season_rows``,
    ``_season_add``, ``_season_update``, ``_season_delete``), which hold the engine's SQL.
    Putting runs in a pair (:meth:`set_gear`) checks the name here and writes the activities'
    ``gear`` through a fifth primitive, ``_set_gear_of``."""

    def _season_rows(self, table: str) -> pd.DataFrame:
        raise NotImplementedError

    def _season_add(self, table: str, row: dict[str, Any]) -> str:
        raise NotImplementedError

    def _season_update(self, table: str, row_id: str, row: dict[str, Any]) -> bool:
        raise NotImplementedError

    def _season_delete(self, table: str, row_id: str) -> bool:
        raise NotImplementedError

    def _set_gear_of(self, activity_ids: list[str], gear: str | None) -> int:
        raise NotImplementedError

    def races(self) -> pd.DataFrame:
        return self._season_rows(RACES)

    def add_race(
        self, race_date: Any, distance_km: float, target_time_s: float | None, name: str | None
    ) -> str:
        row = race_row(race_date, distance_km, target_time_s, name)
        return self._season_add(RACES, row)

    def update_race(
        self,
        race_id: str,
        race_date: Any,
        distance_km: float,
        target_time_s: float | None,
        name: str | None,
    ) -> bool:
        row = race_row(race_date, distance_km, target_time_s, name)
        return self._season_update(RACES, race_id, row)

    def delete_race(self, race_id: str) -> bool:
        return self._season_delete(RACES, race_id)

    def blocks(self) -> pd.DataFrame:
        return self._season_rows(BLOCKS)

    def add_block(self, start_date: Any, end_date: Any, kind: str, note: str | None) -> str:
        return self._season_add(BLOCKS, block_row(start_date, end_date, kind, note))

    def update_block(
        self, block_id: str, start_date: Any, end_date: Any, kind: str, note: str | None
    ) -> bool:
        row = block_row(start_date, end_date, kind, note)
        return self._season_update(BLOCKS, block_id, row)

    def delete_block(self, block_id: str) -> bool:
        return self._season_delete(BLOCKS, block_id)

    def shoes(self) -> pd.DataFrame:
        return self._season_rows(SHOES)

    def add_shoe(
        self, name: str, first_used: Any, retire_km: float | None, retired: bool, source: str
    ) -> str:
        row = shoe_row(name, first_used, retire_km, retired, source)
        return self._season_add(SHOES, row)

    def update_shoe(
        self,
        shoe_id: str,
        name: str,
        first_used: Any,
        retire_km: float | None,
        retired: bool,
        source: str,
    ) -> bool:
        row = shoe_row(name, first_used, retire_km, retired, source)
        return self._season_update(SHOES, shoe_id, row)

    def delete_shoe(self, shoe_id: str) -> bool:
        return self._season_delete(SHOES, shoe_id)

    def add_session(
        self,
        day: Any,
        session_type: str,
        duration_min: float,
        rpe: float | None = None,
        exercises: str = "",
        notes: str = "",
    ) -> str:
        """Log one session (checked by :func:`~analysis.store.contract.check_session`)."""
        row = check_session(day, session_type, duration_min, rpe, exercises, notes)
        return self._season_add(SESSIONS, dict(zip(c.SESSION_COLUMNS[1:], row, strict=True)))

    def sessions(self) -> pd.DataFrame:
        return self._season_rows(SESSIONS)

    def delete_session(self, session_id: str) -> bool:
        return self._season_delete(SESSIONS, session_id)

    def add_pain(
        self, day: Any, body_site: str, side: str, severity: float, when: str, notes: str = ""
    ) -> str:
        """Log one niggle (checked by :func:`~analysis.store.contract.check_pain`)."""
        row = check_pain(day, body_site, side, severity, when, notes)
        return self._season_add(PAIN, dict(zip(c.PAIN_COLUMNS[1:], row, strict=True)))

    def pain_log(self) -> pd.DataFrame:
        return self._season_rows(PAIN)

    def delete_pain(self, pain_id: str) -> bool:
        return self._season_delete(PAIN, pain_id)

    def set_gear(self, activity_ids: Sequence[str], gear: str | None) -> int:
        """Put activities in a pair (its name, as :func:`gear_name` keeps it), or in none.

        One transaction, whatever the number of activities; ids not stored are skipped. Returns
        the number of activities found (0 without ids, and then nothing is written).
        """
        if isinstance(activity_ids, str):
            raise TypeError("set_gear takes a sequence of activity ids, not one id")
        ids = list(dict.fromkeys(str(aid) for aid in activity_ids))
        name = gear_name(gear)
        if not ids:
            return 0
        return self._set_gear_of(ids, name)
