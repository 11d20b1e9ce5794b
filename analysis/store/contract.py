"""The one store contract: what the importer, the pages and the CLI may ask of a store.

Two engines implement it: :class:`analysis.store.duckdb_store.Store` (one embedded DuckDB file per
athlete, the local default) and :class:`analysis.store.postgres_store.PostgresStore` (one athlete's
rows in a shared PostgreSQL database, for hosting). The same test suite runs against both
(``tests/test_store.py``, its ``open_store`` fixture). Engine-specific SQL stays inside each engine's module.

Everything here is scoped to one athlete: a store object never sees another athlete's rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np
import pandas as pd

from analysis import columns as c
from analysis.metrics.efforts import START_ELAPSED_S
from analysis.prepare import ActivityRecord
from analysis.settings import AthleteSettings

COMMENT_SCOPES = ("week", "activity")
"""A coach's note belongs to a week (its ``week_start``, ISO date) or to one activity (its id)."""

COMMENT_COLUMNS = ("comment_id", "scope", "target", "author", "created_at", "body")

BEST_EFFORT_COLUMNS: tuple[str, ...] = (
    c.ACTIVITY_ID, c.LOCAL_DATE, c.DISTANCE_M, c.TIME_S, c.PACE_S_PER_KM, START_ELAPSED_S,
)  # fmt: skip
"""What :meth:`AthleteStore.best_efforts` returns: one row per run and effort distance."""

EFFORT_CURVE_COLUMNS: tuple[str, ...] = (
    c.ACTIVITY_ID, c.LOCAL_DATE, c.DURATION_S, c.DISTANCE_M, c.SPEED_MPS, c.PACE_S_PER_KM,
    START_ELAPSED_S,
)  # fmt: skip
"""What :meth:`AthleteStore.effort_curves` returns: one row per run and curve duration."""

EFFORTS_MEASURED = "efforts_measured"
"""Meta key, set once every activity stored has had its best efforts computed. Activities get
theirs at import; only a store that holds activities imported before efforts were stored lacks
it, until :func:`analysis.views.efforts.backfill_efforts` has measured them."""


@runtime_checkable
class AthleteStore(Protocol):
    """One athlete's data. Every write is one transaction and raises the revision."""

    @property
    def key(self) -> str:
        """Names this store and its athlete; caches are keyed on it (with :meth:`revision`)."""
        ...

    def close(self) -> None: ...

    # ---- bookkeeping
    def revision(self) -> int: ...
    def get_meta(self, key: str) -> str | None: ...
    def set_meta(self, key: str, value: str) -> None: ...

    # ---- activities
    def has_file(self, file_hash: str) -> bool: ...
    def add_file(
        self,
        file_hash: str,
        file_name: str,
        fmt: str,
        size_bytes: int,
        records: Sequence[ActivityRecord],
    ) -> Any: ...
    def delete_activity(self, activity_id: str) -> bool: ...
    def apply_export_metadata(
        self,
        rows: Sequence[tuple[str, str | None, float | None, str | None, str | None, str | None]],
    ) -> None: ...
    def set_rpe(self, activity_id: str, rpe: float | None) -> None: ...
    def activity_count(self, include_duplicates: bool = False) -> int: ...
    def activities(
        self, sport: str | None = None, include_duplicates: bool = False
    ) -> pd.DataFrame: ...
    def activity(self, activity_id: str) -> dict[str, Any] | None: ...
    def samples(self, activity_id: str) -> pd.DataFrame: ...
    def samples_of(
        self, activity_ids: Sequence[str], columns: Sequence[str] = c.SAMPLE_COLUMNS
    ) -> dict[str, pd.DataFrame]:
        """Several activities' samples in one read: ``columns`` (of
        :data:`analysis.columns.SAMPLE_COLUMNS`) in time order, keyed by activity id; an
        activity without samples is absent. One scan of the samples table instead of one per
        activity: what a backfill over a whole history needs."""
        ...

    def hr_histogram(self, sport: str | None = None) -> pd.DataFrame: ...
    def cadence_histogram(self, sport: str | None = None) -> pd.DataFrame: ...
    def files(self) -> pd.DataFrame: ...
    def laps(self, activity_id: str) -> pd.DataFrame: ...

    # ---- best efforts and pace–duration curves, computed at import (analysis.prepare)
    def best_efforts(self, sport: str | None = c.SPORT_RUNNING) -> pd.DataFrame:
        """:data:`BEST_EFFORT_COLUMNS` of counted activities (no duplicates) of ``sport`` (None:
        every sport), oldest run first, shortest distance first within a run."""
        ...

    def effort_curves(self, sport: str | None = c.SPORT_RUNNING) -> pd.DataFrame:
        """:data:`EFFORT_CURVE_COLUMNS` of counted activities of ``sport``, oldest run first,
        shortest duration first within a run; ``pace_s_per_km`` is missing at zero distance."""
        ...

    def activities_without_efforts(self) -> list[str]:
        """Activities (any sport, duplicates too) with samples whose best efforts may never have
        been computed, oldest first; empty once :data:`EFFORTS_MEASURED` is set."""
        ...

    def store_efforts(
        self, found: Sequence[tuple[str, pd.DataFrame, pd.DataFrame]], *, complete: bool = False
    ) -> int:
        """Replace the best efforts and curves of activities, in one transaction.

        ``found`` holds ``(activity_id, efforts, curve)`` as
        :func:`analysis.metrics.efforts.run_efforts` returns them; an activity deleted meanwhile
        is skipped. ``complete`` records that every stored activity has now been measured
        (:data:`EFFORTS_MEASURED`). Returns the number of activities written.
        """
        ...

    # ---- settings, wellness, plan
    def save_settings(self, settings: AthleteSettings) -> None: ...
    def load_settings(self) -> AthleteSettings: ...
    def upsert_wellness(self, frame: pd.DataFrame) -> int: ...
    def delete_wellness(self, day: Any) -> None: ...
    def wellness(self) -> pd.DataFrame: ...
    def upsert_plan(self, frame: pd.DataFrame) -> int: ...
    def plan(self) -> pd.DataFrame: ...

    # ---- a coach's notes
    def add_comment(self, scope: str, target: str, author: str, body: str) -> str: ...
    def comments(self, scope: str | None = None, target: str | None = None) -> pd.DataFrame: ...
    def delete_comment(self, comment_id: str) -> bool: ...

    # ---- schema 6 (PostgreSQL 3): goal races, training blocks, shoes (analysis.store.season)
    def races(self) -> pd.DataFrame:
        """:data:`analysis.columns.RACE_COLUMNS`, earliest race first."""
        ...

    def add_race(
        self, race_date: Any, distance_km: float, target_time_s: float | None, name: str | None
    ) -> str:
        """Store a goal race; returns its id. Raises ValueError for an unusable row."""
        ...

    def update_race(
        self,
        race_id: str,
        race_date: Any,
        distance_km: float,
        target_time_s: float | None,
        name: str | None,
    ) -> bool:
        """Replace a race's fields; False when there is no such race."""
        ...

    def delete_race(self, race_id: str) -> bool: ...

    def blocks(self) -> pd.DataFrame:
        """:data:`analysis.columns.BLOCK_COLUMNS`, earliest block first."""
        ...

    def add_block(self, start_date: Any, end_date: Any, kind: str, note: str | None) -> str: ...
    def update_block(
        self, block_id: str, start_date: Any, end_date: Any, kind: str, note: str | None
    ) -> bool: ...
    def delete_block(self, block_id: str) -> bool: ...

    def shoes(self) -> pd.DataFrame:
        """:data:`analysis.columns.SHOE_COLUMNS`, by first day used (pairs without one last)."""
        ...

    def add_shoe(
        self,
        name: str,
        first_used: Any,
        retire_km: float | None,
        retired: bool,
        source: str,
    ) -> str: ...
    def update_shoe(
        self,
        shoe_id: str,
        name: str,
        first_used: Any,
        retire_km: float | None,
        retired: bool,
        source: str,
    ) -> bool: ...
    def delete_shoe(self, shoe_id: str) -> bool: ...
    def set_gear(self, activity_ids: Sequence[str], gear: str | None) -> int:
        """Put activities in the pair named ``gear`` (their ``gear`` column), or in none (None
        or blank), in one transaction; returns how many of the ids were found. Raises
        ValueError for a name over 200 characters. See :mod:`analysis.store.season` for what
        a later export import does to it."""
        ...

    # ---- strength & mobility sessions and the pain log (DuckDB schema 6, PostgreSQL 3)
    def add_session(
        self,
        day: Any,
        session_type: str,
        duration_min: float,
        rpe: float | None = None,
        exercises: str = "",
        notes: str = "",
    ) -> str:
        """Log one strength, mobility, plyometrics or cross-training session; returns its id.
        Checked by :func:`check_session` (ValueError with the reason)."""
        ...

    def sessions(self) -> pd.DataFrame:
        """:data:`analysis.columns.SESSION_COLUMNS`, oldest day first (:func:`session_frame`)."""
        ...

    def delete_session(self, session_id: str) -> bool: ...
    def add_pain(
        self,
        day: Any,
        body_site: str,
        side: str,
        severity: float,
        when: str,
        notes: str = "",
    ) -> str:
        """Log one niggle; returns its id. Checked by :func:`check_pain`."""
        ...

    def pain_log(self) -> pd.DataFrame:
        """:data:`analysis.columns.PAIN_COLUMNS`, oldest day first (:func:`pain_frame`)."""
        ...

    def delete_pain(self, pain_id: str) -> bool: ...


@dataclass(frozen=True)
class NewFile:
    """One file for :meth:`BatchStore.add_files`: what :meth:`AthleteStore.add_file` takes."""

    file_hash: str
    file_name: str
    fmt: str
    size_bytes: int
    records: Sequence[ActivityRecord]


@runtime_checkable
class BatchStore(Protocol):
    """An engine that stores many files in one transaction (what an archive import uses).

    ``add_files(files)`` stores each file as :meth:`AthleteStore.add_file` would, one after
    another (a file seen before, or earlier in the same batch, is a no-op; a run already stored,
    or stored earlier in the batch, is linked as the same run), and returns one result per file
    in order. The batch is one transaction: every file of it is stored whole, or, when anything
    fails or the process dies, none is, so a file is never half stored and a rerun finds the
    batch's files missing by their content hash and imports them again.
    """

    def add_files(self, files: Sequence[NewFile]) -> list[Any]: ...


def effort_frame(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """Best-effort rows with the same dtypes from every engine: ``activity_id`` as text,
    ``local_date`` as naive ``datetime64[us]``, the rest float64 (NULL as NaN)."""
    out = pd.DataFrame(
        {
            col: frame[col].astype("str")
            if col == c.ACTIVITY_ID
            else pd.to_datetime(frame[col]).astype("datetime64[us]")
            if col == c.LOCAL_DATE
            else pd.to_numeric(frame[col], errors="coerce").astype("float64")
            for col in columns
        }
    )
    return out.reset_index(drop=True)


STORED_EFFORT_COLUMNS = (c.DISTANCE_M, c.TIME_S, START_ELAPSED_S)
STORED_CURVE_COLUMNS = (c.DURATION_S, c.DISTANCE_M, START_ELAPSED_S)


def effort_rows(
    found: Sequence[tuple[str, pd.DataFrame, pd.DataFrame]],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows an engine stores for ``found``: ``(activity_id, distance_m, time_s,
    start_elapsed_s)`` and ``(activity_id, duration_s, distance_m, start_elapsed_s)``.

    Only the measured values are stored; labels, paces and speeds follow from them on reading.
    """
    efforts = _stored_rows([(aid, frame) for aid, frame, _ in found], STORED_EFFORT_COLUMNS)
    curves = _stored_rows([(aid, frame) for aid, _, frame in found], STORED_CURVE_COLUMNS)
    return efforts, curves


def _stored_rows(found: Sequence[tuple[str, pd.DataFrame]], cols: tuple[str, ...]) -> pd.DataFrame:
    """``activity_id`` then ``cols`` (float64) of every non-empty frame, one after another."""
    parts = []
    for activity_id, frame in found:
        if len(frame):
            rows = frame.loc[:, list(cols)].astype("float64").reset_index(drop=True)
            rows.insert(0, c.ACTIVITY_ID, np.array([activity_id] * len(rows), dtype=object))
            parts.append(rows)
    if parts:
        return pd.concat(parts, ignore_index=True)
    empty = pd.DataFrame({col: pd.Series(dtype="float64") for col in cols})
    empty.insert(0, c.ACTIVITY_ID, pd.Series(dtype=object))
    return empty


def check_comment(scope: str, target: str, body: str) -> str:
    """The comment body as stored (stripped); raises ValueError for an unusable comment."""
    if scope not in COMMENT_SCOPES:
        raise ValueError(f"a comment belongs to a week or an activity, not {scope!r}")
    if not target:
        raise ValueError("a comment needs the week or activity it belongs to")
    text = body.strip()
    if not text:
        raise ValueError("an empty comment")
    if len(text) > 4000:
        raise ValueError("a comment holds at most 4,000 characters")
    return text


def upsert_rows(
    frame: pd.DataFrame, columns: tuple[str, ...], key: str
) -> tuple[pd.DataFrame, list[str]]:
    """The rows an upsert writes and the columns it may overwrite, the same on every engine.

    A parser lists what its file actually held in ``frame.attrs["present"]``, so importing an
    HRV-only export never blanks the soreness or notes entered by hand for the same days: only
    those columns are overwritten for a key already stored.
    """
    rows = pd.DataFrame({col: frame[col] if col in frame.columns else None for col in columns})
    rows[key] = pd.to_datetime(rows[key]).dt.date
    rows = rows.drop_duplicates(key, keep="last")
    for col in columns:
        if col not in (key, c.NOTES):
            rows[col] = pd.to_numeric(rows[col], errors="coerce").astype("float64")
    present = frame.attrs.get("present") or [col for col in columns if col in frame.columns]
    update = [col for col in columns if col in present and col != key]
    return rows, update


def on_conflict_action(update: Sequence[str]) -> str:
    """What an upsert does for a key already stored (the same SQL on both engines): overwrite
    ``update`` (as :func:`upsert_rows` returns it) from the incoming row, or nothing."""
    if not update:
        return "DO NOTHING"
    return "DO UPDATE SET " + ", ".join(f"{col} = excluded.{col}" for col in update)


# ---- strength & mobility sessions and the pain log ------------------------------------------------

BODY_SITES: tuple[str, ...] = (
    "foot", "heel", "Achilles", "calf", "shin", "knee", "IT band", "hip", "hamstring", "quad",
    "groin", "lower back", "other",
)  # fmt: skip
"""The fixed list of body sites a niggle is logged at."""
SIDES: tuple[str, ...] = ("left", "right", "both", "none")
PAIN_TIMES: tuple[str, ...] = ("before running", "during running", "after running", "at rest")
"""When it hurts."""
MAX_SESSION_MIN = 600.0
"""The longest session the log takes [min]: ten hours is a typing error, not a gym visit."""
MAX_TEXT = 2000
"""Longest exercises or notes text [characters]."""


def _text(value: str | None, what: str) -> str | None:
    text = (value or "").strip()
    if len(text) > MAX_TEXT:
        raise ValueError(f"{what} hold at most {MAX_TEXT:,} characters")
    return text or None


def _day(day: Any) -> Any:
    stamp = pd.Timestamp(day)
    if pd.isna(stamp):
        raise ValueError("a log entry needs its day")
    return stamp.date()


def check_session(
    day: Any,
    session_type: str,
    duration_min: float,
    rpe: float | None,
    exercises: str | None,
    notes: str | None,
) -> tuple[Any, str, float, float | None, str | None, str | None]:
    """A session row as stored, ``(date, session_type, duration_min, rpe, exercises, notes)``;
    raises ValueError for an unusable one (the same rule on every engine)."""
    if session_type not in c.SESSION_TYPES:
        raise ValueError(f"a session is one of {', '.join(c.SESSION_TYPES)}, not {session_type!r}")
    minutes = float(duration_min)
    if not 0 < minutes <= MAX_SESSION_MIN:
        raise ValueError(f"a session lasts more than 0 and at most {MAX_SESSION_MIN:g} minutes")
    rating = None if rpe is None or pd.isna(rpe) else float(rpe)
    if rating is not None and not 0 <= rating <= 10:
        raise ValueError("RPE is on the CR-10 scale: 0 to 10")
    return (
        _day(day),
        session_type,
        minutes,
        rating,
        _text(exercises, "exercises"),
        _text(notes, "notes"),
    )


def check_pain(
    day: Any, body_site: str, side: str, severity: float, when: str, notes: str | None
) -> tuple[Any, str, str, float, str, str | None]:
    """A pain row as stored, ``(date, body_site, side, severity, pain_when, notes)``; raises
    ValueError for an unusable one."""
    if body_site not in BODY_SITES:
        raise ValueError(f"the body site is one of {', '.join(BODY_SITES)}, not {body_site!r}")
    if side not in SIDES:
        raise ValueError(f"the side is one of {', '.join(SIDES)}, not {side!r}")
    if when not in PAIN_TIMES:
        raise ValueError(f"when it hurts is one of {', '.join(PAIN_TIMES)}, not {when!r}")
    level = float(severity)
    if not 0 <= level <= 10:
        raise ValueError("severity is 0 (none) to 10 (worst imaginable)")
    return _day(day), body_site, side, level, when, _text(notes, "notes")


def _log_frame(
    rows: Sequence[Sequence[Any]], columns: tuple[str, ...], numbers: set[str]
) -> pd.DataFrame:
    data = list(zip(*rows, strict=True)) if rows else [() for _ in columns]
    out: dict[str, pd.Series] = {}
    for col, values in zip(columns, data, strict=True):
        if col == c.DATE:
            out[col] = pd.Series(pd.to_datetime(list(values)), dtype="datetime64[us]")
        elif col in numbers:
            out[col] = pd.Series(
                [np.nan if v is None else float(v) for v in values], dtype="float64"
            )
        else:
            out[col] = pd.Series([None if v is None else str(v) for v in values], dtype=object)
    return pd.DataFrame(out, columns=list(columns))


def session_frame(rows: Sequence[Sequence[Any]]) -> pd.DataFrame:
    """Session rows (in :data:`analysis.columns.SESSION_COLUMNS` order) as every engine returns
    them: ``date`` naive ``datetime64[us]``, minutes and RPE float64 (NaN when not rated), text
    as objects (None when empty)."""
    return _log_frame(rows, c.SESSION_COLUMNS, {c.DURATION_MIN, c.RPE})


def pain_frame(rows: Sequence[Sequence[Any]]) -> pd.DataFrame:
    """Pain rows (in :data:`analysis.columns.PAIN_COLUMNS` order), typed as
    :func:`session_frame` types its own."""
    return _log_frame(rows, c.PAIN_COLUMNS, {c.SEVERITY})
