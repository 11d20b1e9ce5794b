"""The store in PostgreSQL: many athletes in one database, kept apart by row-level security.

- Every table holding athlete data carries ``athlete_id``; its primary key starts with it.
- Row-level security is enabled *and forced* on each of them, so the policies bind the app's login
  role, which owns the tables. A transaction names its athlete and role in two settings,
  ``stridelog.athlete_id`` and ``stridelog.role`` (:data:`ATHLETE_SETTING`, :data:`ROLE_SETTING`);
  it sees only that athlete's rows, and writes them only as a role allowed to: ``owner`` writes
  everything, ``coach`` only the plan, comments, goal races, training blocks and the revision
  counter, ``view`` nothing. A query that names no athlete sees no rows: a forgotten filter
  returns nothing.
- Each write is one transaction that first locks the athlete's row of ``revisions`` and ends by
  raising its revision. The lock serializes writers of one athlete across server processes, so two
  imports of the same run cannot both find it missing and both count it.
- Same semantics, return types and dtypes as the DuckDB store
  (:class:`analysis.store.duckdb_store.Store`): timestamps kept as naive UTC ``TIMESTAMP`` and
  handed back tz-aware where that store does; dedupe, richness and heir rules are the same.
- Samples go in through binary ``COPY``, built with NumPy rather than row by row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import psycopg
from psycopg_pool import ConnectionPool

from analysis import columns as c
from analysis.errors import AccessDenied, SchemaError
from analysis.prepare import ActivityRecord
from analysis.settings import AthleteSettings
from analysis.store import season
from analysis.store.contract import (
    BEST_EFFORT_COLUMNS,
    COMMENT_COLUMNS,
    EFFORT_CURVE_COLUMNS,
    EFFORTS_MEASURED,
    NewFile,
    check_comment,
    effort_frame,
    effort_rows,
    on_conflict_action,
    upsert_rows,
)
from analysis.store.duckdb_store import (
    _ACTIVITY_COLUMNS,
    DISTANCE_MATCH_FRAC,
    START_MATCH_S,
    StoredFile,
    _lap_rows,
    _plain,
    _richness,
    _utcnow,
)

SCHEMA_VERSION = 4
"""Version of the PostgreSQL schema below (the DuckDB file has its own). Raise it with any change
to the tables, policies or indexes: a database already at this version is not migrated again."""

ATHLETE_SETTING = "stridelog.athlete_id"
"""Names the athlete a transaction works for; the policies compare every row with it."""
ROLE_SETTING = "stridelog.role"
"""The role the transaction acts in: one of :data:`ROLES`."""
ROLES = ("owner", "coach", "view")

_MIGRATION_LOCK = 0x5354_5244_4C47_0001
"""Key of the advisory lock two server processes take before migrating the same database."""

_TABLES: dict[str, str] = {
    "revisions": "athlete_id TEXT PRIMARY KEY, revision BIGINT NOT NULL DEFAULT 0",
    "meta": "athlete_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT, PRIMARY KEY (athlete_id, key)",
    "files": """athlete_id TEXT NOT NULL, file_hash TEXT NOT NULL, file_name TEXT, format TEXT,
        size_bytes BIGINT, imported_at TIMESTAMP, activities INTEGER,
        PRIMARY KEY (athlete_id, file_hash)""",
    "activities": """athlete_id TEXT NOT NULL, activity_id TEXT NOT NULL, file_hash TEXT,
        source_name TEXT, format TEXT, sport TEXT, name TEXT, start_time_utc TIMESTAMP,
        start_time_local TIMESTAMP, local_date DATE, timezone TEXT, timezone_source TEXT,
        duration_s DOUBLE PRECISION, moving_time_s DOUBLE PRECISION, distance_m DOUBLE PRECISION,
        avg_heart_rate_bpm DOUBLE PRECISION, max_heart_rate_bpm DOUBLE PRECISION,
        avg_cadence_spm DOUBLE PRECISION, avg_speed_mps DOUBLE PRECISION,
        elevation_gain_m DOUBLE PRECISION, samples INTEGER, is_summary BOOLEAN, duplicate_of TEXT,
        leg INTEGER, fixes TEXT, rpe DOUBLE PRECISION, gear TEXT, external_id TEXT,
        channels INTEGER, PRIMARY KEY (athlete_id, activity_id)""",
    "samples": """athlete_id TEXT NOT NULL, activity_id TEXT NOT NULL, "timestamp" TIMESTAMP,
        elapsed_s DOUBLE PRECISION, sample_duration_s DOUBLE PRECISION, distance_m DOUBLE PRECISION,
        speed_mps DOUBLE PRECISION, heart_rate_bpm DOUBLE PRECISION, cadence_spm DOUBLE PRECISION,
        altitude_m DOUBLE PRECISION, latitude_deg DOUBLE PRECISION,
        longitude_deg DOUBLE PRECISION, power_w DOUBLE PRECISION""",
    "hr_histogram": """athlete_id TEXT NOT NULL, activity_id TEXT NOT NULL,
        heart_rate_bpm INTEGER, sample_duration_s DOUBLE PRECISION""",
    "cadence_histogram": """athlete_id TEXT NOT NULL, activity_id TEXT NOT NULL,
        cadence_spm INTEGER, sample_duration_s DOUBLE PRECISION""",
    "laps": """athlete_id TEXT NOT NULL, activity_id TEXT NOT NULL, lap_index INTEGER,
        lap_start TIMESTAMP, duration_s DOUBLE PRECISION, distance_m DOUBLE PRECISION""",
    "settings": """athlete_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT,
        PRIMARY KEY (athlete_id, key)""",
    "wellness": """athlete_id TEXT NOT NULL, date DATE NOT NULL, resting_hr_bpm DOUBLE PRECISION,
        hrv_rmssd_ms DOUBLE PRECISION, sleep_h DOUBLE PRECISION, sleep_quality DOUBLE PRECISION,
        soreness DOUBLE PRECISION, fatigue DOUBLE PRECISION, mood DOUBLE PRECISION,
        stress DOUBLE PRECISION, notes TEXT, PRIMARY KEY (athlete_id, date)""",
    "plan": """athlete_id TEXT NOT NULL, week_start DATE NOT NULL,
        plan_distance_km DOUBLE PRECISION, plan_duration_h DOUBLE PRECISION,
        plan_long_run_km DOUBLE PRECISION, plan_load DOUBLE PRECISION,
        PRIMARY KEY (athlete_id, week_start)""",
    "comments": """athlete_id TEXT NOT NULL, comment_id TEXT NOT NULL, scope TEXT, target TEXT,
        author TEXT, created_at TIMESTAMP, body TEXT, PRIMARY KEY (athlete_id, comment_id)""",
    # schema 2: each activity's best efforts and pace–duration curve (analysis.prepare)
    "best_efforts": """athlete_id TEXT NOT NULL, activity_id TEXT NOT NULL,
        distance_m DOUBLE PRECISION, time_s DOUBLE PRECISION, start_elapsed_s DOUBLE PRECISION""",
    "effort_curves": """athlete_id TEXT NOT NULL, activity_id TEXT NOT NULL,
        duration_s DOUBLE PRECISION, distance_m DOUBLE PRECISION,
        start_elapsed_s DOUBLE PRECISION""",
    # schema 3: goal races, training blocks and shoes (analysis.store.season); new tables only
    "goal_races": """athlete_id TEXT NOT NULL, race_id TEXT NOT NULL, race_date DATE NOT NULL,
        distance_km DOUBLE PRECISION NOT NULL, target_time_s DOUBLE PRECISION, name TEXT,
        PRIMARY KEY (athlete_id, race_id)""",
    "training_blocks": """athlete_id TEXT NOT NULL, block_id TEXT NOT NULL,
        start_date DATE NOT NULL, end_date DATE NOT NULL, block_kind TEXT NOT NULL, note TEXT,
        PRIMARY KEY (athlete_id, block_id)""",
    "shoes": """athlete_id TEXT NOT NULL, shoe_id TEXT NOT NULL, name TEXT NOT NULL,
        first_used DATE, retire_km DOUBLE PRECISION, retired BOOLEAN NOT NULL,
        gear_source TEXT NOT NULL, PRIMARY KEY (athlete_id, shoe_id)""",
    # schema 3: the strength & mobility session log and the pain log (new tables; the owner
    # alone writes them, like the wellness log)
    "training_sessions": """athlete_id TEXT NOT NULL, session_id TEXT NOT NULL, date DATE,
        session_type TEXT, duration_min DOUBLE PRECISION, rpe DOUBLE PRECISION, exercises TEXT,
        notes TEXT, PRIMARY KEY (athlete_id, session_id)""",
    "pain_log": """athlete_id TEXT NOT NULL, pain_id TEXT NOT NULL, date DATE, body_site TEXT,
        side TEXT, severity DOUBLE PRECISION, pain_when TEXT, notes TEXT,
        PRIMARY KEY (athlete_id, pain_id)""",
}

ATHLETE_TABLES: tuple[str, ...] = tuple(_TABLES)
"""Every table holding athlete data: each has ``athlete_id`` and forced row-level security."""

_COACH_WRITES = ("plan", "comments", "revisions", "goal_races", "training_blocks")
"""A coach writes the plan, comments, goal races and training blocks (never shoes)."""

WRITERS: dict[str, tuple[str, ...]] = {
    table: ("owner", "coach") if table in _COACH_WRITES else ("owner",) for table in ATHLETE_TABLES
}
"""Which roles may insert, update or delete rows of each table (the database enforces it)."""

_COLUMNS_ADDED = [
    # schema 4: running dynamics (NULL in samples imported before, and where a file has none)
    f"ALTER TABLE samples ADD COLUMN IF NOT EXISTS {col} DOUBLE PRECISION"
    for col in (
        c.GROUND_CONTACT_TIME_MS,
        c.VERTICAL_OSCILLATION_MM,
        c.VERTICAL_RATIO_PCT,
        c.STEP_LENGTH_MM,
        c.STANCE_TIME_BALANCE_PCT,
    )
]
"""Columns added to existing tables, after the tables are created (a new database gets them too)."""

_INDEXES = [
    "CREATE INDEX IF NOT EXISTS activities_start_utc ON activities (athlete_id, start_time_utc)",
    "CREATE INDEX IF NOT EXISTS activities_start_local ON activities "
    "(athlete_id, start_time_local)",
    "CREATE INDEX IF NOT EXISTS activities_file ON activities (athlete_id, file_hash)",
    "CREATE INDEX IF NOT EXISTS activities_duplicate ON activities (athlete_id, duplicate_of)",
    "CREATE INDEX IF NOT EXISTS samples_activity ON samples (athlete_id, activity_id)",
    "CREATE INDEX IF NOT EXISTS hr_histogram_activity ON hr_histogram (athlete_id, activity_id)",
    "CREATE INDEX IF NOT EXISTS cadence_histogram_activity ON cadence_histogram "
    "(athlete_id, activity_id)",
    "CREATE INDEX IF NOT EXISTS laps_activity ON laps (athlete_id, activity_id)",
    "CREATE INDEX IF NOT EXISTS best_efforts_activity ON best_efforts (athlete_id, activity_id)",
    "CREATE INDEX IF NOT EXISTS effort_curves_activity ON effort_curves (athlete_id, activity_id)",
]

_DETAIL_TABLES = (
    "samples", "hr_histogram", "cadence_histogram", "laps", "best_efforts", "effort_curves",
)  # fmt: skip
"""Tables of rows that belong to one activity: deleted with it."""

_MINE = f"athlete_id = current_setting('{ATHLETE_SETTING}', true)"


def _policies(table: str) -> list[str]:
    """Row-level security of one table: read your athlete's rows, write them in a writing role."""
    roles = ", ".join(f"'{role}'" for role in WRITERS[table])
    may_write = f"{_MINE} AND current_setting('{ROLE_SETTING}', true) IN ({roles})"
    statements = [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        # the app's login role owns the tables: without FORCE the policies would not bind it
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
    ]
    for name, rule in (
        ("athlete_reads", f"FOR SELECT USING ({_MINE})"),
        ("writer_inserts", f"FOR INSERT WITH CHECK ({may_write})"),
        ("writer_updates", f"FOR UPDATE USING ({may_write}) WITH CHECK ({may_write})"),
        ("writer_deletes", f"FOR DELETE USING ({may_write})"),
    ):
        statements.append(f"DROP POLICY IF EXISTS {name} ON {table}")
        statements.append(f"CREATE POLICY {name} ON {table} {rule}")
    return statements


def _migrate(conn: psycopg.Connection[Any]) -> None:
    """Create or update the schema; idempotent, and safe with several processes starting at once."""
    with conn.transaction():
        # CREATE ... IF NOT EXISTS is not safe against a concurrent CREATE of the same table
        conn.execute("SELECT pg_advisory_xact_lock(%s)", [_MIGRATION_LOCK])
        conn.execute(
            "CREATE TABLE IF NOT EXISTS store_schema (one BOOLEAN PRIMARY KEY DEFAULT true "
            "CHECK (one), version INTEGER NOT NULL)"
        )
        row = conn.execute("SELECT version FROM store_schema").fetchone()
        if row is not None and int(row[0]) >= SCHEMA_VERSION:
            return
        for table, body in _TABLES.items():
            conn.execute(f"CREATE TABLE IF NOT EXISTS {table} ({body})")
            for statement in _policies(table):
                conn.execute(statement)
        for statement in _COLUMNS_ADDED + _INDEXES:
            conn.execute(statement)
        conn.execute(
            "INSERT INTO store_schema (version) VALUES (%s) "
            "ON CONFLICT (one) DO UPDATE SET version = excluded.version",
            [SCHEMA_VERSION],
        )


def _reset(conn: psycopg.Connection[Any]) -> None:
    """Back in the pool: drop any session setting, so no athlete outlives its transaction."""
    conn.execute("RESET ALL")


class PostgresDatabase:
    """One PostgreSQL database holding many athletes: a connection pool and the schema.

    Parameters
    ----------
    dsn
        A libpq connection string or ``postgresql://`` URL, as the app's login role (not a
        superuser, without ``BYPASSRLS``: row-level security must bind it).
    min_size, max_size
        Connections the pool keeps open at least and at most.
    """

    def __init__(self, dsn: str, *, min_size: int = 1, max_size: int = 8) -> None:
        # a direct connection first: a wrong DSN fails at once with libpq's reason, not after
        # the pool's timeout
        with psycopg.connect(dsn, autocommit=True) as conn:
            _migrate(conn)
            where = f"{conn.info.host}:{conn.info.port}/{conn.info.dbname}"
        self._fingerprint = hashlib.sha256(where.encode()).hexdigest()[:12]
        self._pool: ConnectionPool[psycopg.Connection[Any]] = ConnectionPool(
            dsn,
            min_size=min_size,
            max_size=max_size,
            kwargs={"autocommit": True},
            reset=_reset,
            open=True,
        )

    @property
    def fingerprint(self) -> str:
        """A short stable hash of host, port and database name (never the password)."""
        return self._fingerprint

    def athlete_store(self, athlete_id: str, role: str = "owner") -> PostgresStore:
        """One athlete's store, acting in ``role`` (``owner``, ``coach`` or ``view``)."""
        return PostgresStore(self, athlete_id, role)

    @contextmanager
    def admin_transaction(self) -> Iterator[psycopg.Connection[Any]]:
        """A connection inside one transaction with no athlete set: it sees no athlete's rows.

        For tables that hold no athlete data (accounts); committed when the block ends, rolled
        back when it raises.
        """
        with self._pool.connection() as conn, conn.transaction():
            yield conn

    @contextmanager
    def _session(self, athlete_id: str, role: str) -> Iterator[psycopg.Cursor[Any]]:
        """A cursor inside one transaction that acts for ``athlete_id`` in ``role``."""
        with self._pool.connection() as conn, conn.transaction():
            cur = conn.cursor()
            # is_local = true: the settings end with the transaction, never leak to the next user
            cur.execute(
                "SELECT set_config(%s, %s, true), set_config(%s, %s, true)",
                [ATHLETE_SETTING, athlete_id, ROLE_SETTING, role],
            )
            yield cur

    def close(self) -> None:
        self._pool.close()

    def __enter__(self) -> PostgresDatabase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ---- frames as the DuckDB store hands them back ----------------------------------------------------

_TEXT, _FLOAT, _INT32, _INT64, _BOOL, _TIME = "text", "float", "int32", "int64", "bool", "time"


def _column(values: Sequence[Any], kind: str) -> Any:
    """One column with the dtype DuckDB's ``.df()`` gives the same SQL type under pandas.

    Text is pandas' string dtype, or ``object`` when every value is NULL; integers and booleans
    are NumPy's, or pandas' nullable ones when a value is NULL; dates and timestamps are naive
    ``datetime64[us]``.
    """
    has_null = None in values
    if kind == _TEXT:
        if values.count(None) == len(values):
            return np.array(values, dtype=object)
        return pd.array(values, dtype="str")
    if kind == _FLOAT:
        return np.array(values, dtype="float64")
    if kind in (_INT32, _INT64):
        if has_null:
            return pd.array(values, dtype="Int32" if kind == _INT32 else "Int64")
        return np.array(values, dtype=kind)
    if kind == _BOOL:
        return pd.array(values, dtype="boolean") if has_null else np.array(values, dtype=bool)
    # converting each date is slow and a histogram repeats one date per bin: convert each
    # distinct value once (code -1, a NULL, takes the NaT appended last)
    codes, distinct = pd.factorize(np.array(values, dtype=object))
    converted = np.array(list(distinct), dtype="datetime64[us]")
    return np.append(converted, np.datetime64("NaT", "us"))[codes]


def _frame(rows: list[tuple[Any, ...]], kinds: Sequence[tuple[str, str]]) -> pd.DataFrame:
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in kinds]
    return pd.DataFrame(
        {name: _column(values, kind) for (name, kind), values in zip(kinds, columns, strict=True)}
    )


_ACTIVITY_KINDS: list[tuple[str, str]] = [
    (
        col,
        {
            c.START_TIME_UTC: _TIME, c.START_TIME_LOCAL: _TIME, c.LOCAL_DATE: _TIME,
            c.DURATION_S: _FLOAT, c.MOVING_TIME_S: _FLOAT, c.DISTANCE_M: _FLOAT,
            c.AVG_HEART_RATE_BPM: _FLOAT, c.MAX_HEART_RATE_BPM: _FLOAT, c.AVG_CADENCE_SPM: _FLOAT,
            c.AVG_SPEED_MPS: _FLOAT, c.ELEVATION_GAIN_M: _FLOAT, c.RPE: _FLOAT,
            c.SAMPLES: _INT32, "leg": _INT32, c.CHANNELS: _INT32, c.IS_SUMMARY: _BOOL,
        }.get(col, _TEXT),
    )
    for col in _ACTIVITY_COLUMNS
]  # fmt: skip
_SAMPLE_KINDS = [(c.TIMESTAMP, _TIME)] + [(col, _FLOAT) for col in c.SAMPLE_COLUMNS[1:]]
_FILE_KINDS = [
    (c.FILE_HASH, _TEXT), ("file_name", _TEXT), (c.FORMAT, _TEXT), ("size_bytes", _INT64),
    ("imported_at", _TIME), ("activities", _INT32),
]  # fmt: skip
_LAP_KINDS = [
    ("lap_index", _INT32), ("lap_start", _TIME), (c.DURATION_S, _FLOAT), (c.DISTANCE_M, _FLOAT),
]  # fmt: skip
_COMMENT_KINDS = [(col, _TIME if col == "created_at" else _TEXT) for col in COMMENT_COLUMNS]
_WELLNESS_KINDS = [(c.DATE, _TIME)] + [
    (col, _TEXT if col == c.NOTES else _FLOAT) for col in c.WELLNESS_COLUMNS[1:]
]
_PLAN_KINDS = [(c.WEEK_START, _TIME)] + [(col, _FLOAT) for col in c.PLAN_COLUMNS[1:]]


# ---- binary COPY of samples --------------------------------------------------------------------

_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # signature, flags, no header extension
_COPY_TRAILER = b"\xff\xff"
_PG_EPOCH_US = 946_684_800_000_000
"""2000-01-01 in microseconds since 1970-01-01: PostgreSQL's binary timestamps count from it."""


def _fixed_field(values: np.ndarray, null: np.ndarray, fmt: str) -> tuple[np.ndarray, np.ndarray]:
    """One fixed-width field of every row as COPY BINARY bytes, and which of those bytes to keep.

    A NULL is its length, -1, without data: its data bytes are marked to be dropped.
    """
    n = len(values)
    rec = np.empty(n, dtype=[("length", ">i4"), ("value", fmt)])
    rec["length"] = np.where(null, -1, np.dtype(fmt).itemsize)
    rec["value"] = values
    raw = rec.view(np.uint8).reshape(n, -1)
    keep = np.ones(raw.shape, dtype=bool)
    keep[null, 4:] = False
    return raw, keep


def _constant_field(n: int, data: bytes, sized: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """The same bytes in every row: a field with its length, or (``sized=False``) as they are."""
    field = np.frombuffer((len(data).to_bytes(4, "big") if sized else b"") + data, np.uint8)
    raw = np.tile(field, (n, 1))
    return raw, np.ones(raw.shape, dtype=bool)


def _sample_copy_rows(athlete_id: str, activity_id: str, samples: pd.DataFrame) -> bytes:
    """The rows of ``samples`` in COPY BINARY format (no header or trailer), built by NumPy.

    Columns: athlete_id, activity_id, then :data:`analysis.columns.SAMPLE_COLUMNS`; NaN and NaT
    are stored as NULL, as the DuckDB store does.
    """
    unknown = [col for col in samples.columns if col not in c.SAMPLE_COLUMNS]
    if unknown:
        raise SchemaError(f"samples carry columns the store does not know: {', '.join(unknown)}")
    n = len(samples)
    field_count = (2 + len(c.SAMPLE_COLUMNS)).to_bytes(2, "big")
    parts = [
        _constant_field(n, field_count, sized=False),
        _constant_field(n, athlete_id.encode()),
        _constant_field(n, activity_id.encode()),
    ]
    if c.TIMESTAMP in samples.columns:
        naive = samples[c.TIMESTAMP].dt.tz_convert("UTC").dt.tz_localize(None)
        stamps = naive.to_numpy(dtype="datetime64[us]")
        null = np.isnat(stamps)
        parts.append(_fixed_field(stamps.view(np.int64) - _PG_EPOCH_US, null, ">i8"))
    else:
        parts.append(_fixed_field(np.zeros(n, np.int64), np.ones(n, bool), ">i8"))
    for col in c.SAMPLE_COLUMNS[1:]:
        if col in samples.columns:
            values = pd.to_numeric(samples[col], errors="coerce").to_numpy(
                dtype="float64", na_value=np.nan
            )
        else:
            values = np.full(n, np.nan)
        parts.append(_fixed_field(values, np.isnan(values), ">f8"))
    raw = np.hstack([part[0] for part in parts])
    keep = np.hstack([part[1] for part in parts])
    return bytes(raw[keep].tobytes())


# ---- the store ---------------------------------------------------------------------------------


def _value(value: Any) -> Any:
    """A value as psycopg binds it: :func:`_plain`, and NaT as NULL."""
    return None if value is pd.NaT else _plain(value)


def _same_distance(
    rows: Sequence[tuple[Any, ...]], mine: Any
) -> tuple[str, tuple[int, int]] | None:
    """The first candidate whose distance agrees with ``mine`` (the DuckDB store's rule)."""
    for activity_id, channels, samples, distance in rows:
        if mine is None or distance is None:
            return str(activity_id), _richness(channels, samples)
        tolerance = max(DISTANCE_MATCH_FRAC * max(mine, distance), 100.0)
        if abs(mine - distance) <= tolerance:
            return str(activity_id), _richness(channels, samples)
    return None


@dataclass
class _Write:
    """The cursor of a write transaction; ``changed = False`` leaves the revision alone."""

    cur: psycopg.Cursor[Any]
    changed: bool = True


class PostgresStore(season.SeasonMethods):
    """One athlete's rows in a :class:`PostgresDatabase`, read and written in one role.

    Thread-safe: each call takes a connection of the pool for one transaction. Closing the store
    releases nothing; the pool belongs to the database.
    """

    def __init__(self, database: PostgresDatabase, athlete_id: str, role: str = "owner") -> None:
        if not athlete_id:
            raise ValueError("a store needs the athlete it belongs to")
        if role not in ROLES:
            raise ValueError(f"the role is one of {', '.join(ROLES)}, not {role!r}")
        self._db = database
        self.athlete_id = athlete_id
        self.role = str(role)

    @property
    def key(self) -> str:
        """Names the database (by its fingerprint) and the athlete."""
        return f"postgres:{self._db.fingerprint}:{self.athlete_id}"

    def close(self) -> None:
        """Nothing to release: the connections belong to the database's pool."""

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- plumbing ------------------------------------------------------------------------------
    def _refusal(self, what: str) -> str:
        return f"the role {self.role!r} may not {what} for this athlete"

    def _require(self, table: str, what: str) -> None:
        """Refuse an UPDATE or DELETE the policies would silently turn into zero rows."""
        if self.role not in WRITERS[table]:
            raise AccessDenied(self._refusal(what))

    def _rows(
        self, query: str, params: Sequence[Any] | Mapping[str, Any] = ()
    ) -> list[tuple[Any, ...]]:
        with self._db._session(self.athlete_id, self.role) as cur:
            cur.execute(query, params)
            return list(cur.fetchall())

    @contextmanager
    def _write(self, what: str) -> Iterator[_Write]:
        """One write transaction: lock the athlete's revision row, write, raise the revision."""
        try:
            with self._db._session(self.athlete_id, self.role) as cur:
                # the row lock queues every other writer of this athlete, in any process, until
                # this transaction ends; reads that follow see what they committed
                cur.execute(
                    "INSERT INTO revisions (athlete_id) VALUES (%s) ON CONFLICT DO NOTHING",
                    [self.athlete_id],
                )
                cur.execute(
                    "SELECT revision FROM revisions WHERE athlete_id = %s FOR UPDATE",
                    [self.athlete_id],
                )
                write = _Write(cur)
                yield write
                if write.changed:
                    cur.execute(
                        "UPDATE revisions SET revision = revision + 1 WHERE athlete_id = %s",
                        [self.athlete_id],
                    )
        except psycopg.errors.InsufficientPrivilege as err:
            raise AccessDenied(self._refusal(what)) from err

    # ---- bookkeeping ---------------------------------------------------------------------------
    def revision(self) -> int:
        rows = self._rows("SELECT revision FROM revisions WHERE athlete_id = %s", [self.athlete_id])
        return int(rows[0][0]) if rows else 0

    def get_meta(self, key: str) -> str | None:
        rows = self._rows(
            "SELECT value FROM meta WHERE athlete_id = %s AND key = %s", [self.athlete_id, key]
        )
        return None if not rows else str(rows[0][0])

    def set_meta(self, key: str, value: str) -> None:
        with self._write("change its bookkeeping") as w:
            w.cur.execute(
                "INSERT INTO meta VALUES (%s, %s, %s) "
                "ON CONFLICT (athlete_id, key) DO UPDATE SET value = excluded.value",
                [self.athlete_id, key, value],
            )

    # ---- writes --------------------------------------------------------------------------------
    def has_file(self, file_hash: str) -> bool:
        q = "SELECT 1 FROM files WHERE athlete_id = %s AND file_hash = %s"
        return bool(self._rows(q, [self.athlete_id, file_hash]))

    def add_file(
        self,
        file_hash: str,
        file_name: str,
        fmt: str,
        size_bytes: int,
        records: Sequence[ActivityRecord],
    ) -> StoredFile:
        """Store one file's activities in one transaction; a file seen before is a no-op."""
        if self.has_file(file_hash):
            return StoredFile(file_hash, False, (), ())
        dupes: list[tuple[str, str]] = []
        with self._write("import files") as w:
            cur = w.cur
            # another process may have stored the same bytes while this one waited for the lock
            cur.execute(
                "SELECT 1 FROM files WHERE athlete_id = %s AND file_hash = %s",
                [self.athlete_id, file_hash],
            )
            if cur.fetchone() is not None:
                w.changed = False
                return StoredFile(file_hash, False, (), ())
            cur.execute(
                "INSERT INTO files VALUES (%s, %s, %s, %s, %s, "
                "clock_timestamp() AT TIME ZONE 'UTC', %s)",
                [self.athlete_id, file_hash, file_name, fmt, size_bytes, len(records)],
            )
            # an athlete with no samples stored yet has nothing to backfill: every import from
            # now on brings its efforts (the DuckDB store marks such a file when it opens)
            cur.execute(
                "INSERT INTO meta SELECT %(athlete)s, %(key)s, '1' WHERE NOT EXISTS "
                "(SELECT 1 FROM activities WHERE athlete_id = %(athlete)s AND samples > 0) "
                "ON CONFLICT DO NOTHING",
                {"athlete": self.athlete_id, "key": EFFORTS_MEASURED},
            )
            for rec in records:
                dupes.extend(self._insert_activity(cur, rec))
            self._insert_details(cur, records)
        ids = tuple(rec.activity_id for rec in records)
        return StoredFile(file_hash, True, ids, tuple(dupes))

    def add_files(self, files: Sequence[NewFile]) -> list[StoredFile]:
        """Store many files in one transaction, each as :meth:`add_file` would, in order.

        See :class:`analysis.store.contract.BatchStore`. One transaction and one revision bump
        for the batch, and the samples, histograms, laps and efforts of all its files in one
        COPY or insert per table; same runs are found by :meth:`_find_same_run` as for one file
        (the batch's earlier activities are in the transaction already).
        """
        if not files:
            return []
        results: list[StoredFile] = []
        with self._write("import files") as w:
            cur = w.cur
            cur.execute(
                "SELECT file_hash FROM files WHERE athlete_id = %s AND file_hash = ANY(%s)",
                [self.athlete_id, [f.file_hash for f in files]],
            )
            known = {str(row[0]) for row in cur.fetchall()}
            if all(f.file_hash in known for f in files):
                w.changed = False
                return [StoredFile(f.file_hash, False, (), ()) for f in files]
            # as in add_file: an athlete with no samples stored has nothing to backfill
            cur.execute(
                "INSERT INTO meta SELECT %(athlete)s, %(key)s, '1' WHERE NOT EXISTS "
                "(SELECT 1 FROM activities WHERE athlete_id = %(athlete)s AND samples > 0) "
                "ON CONFLICT DO NOTHING",
                {"athlete": self.athlete_id, "key": EFFORTS_MEASURED},
            )
            stored: list[ActivityRecord] = []
            for f in files:
                if f.file_hash in known:
                    results.append(StoredFile(f.file_hash, False, (), ()))
                    continue
                known.add(f.file_hash)  # the same bytes twice in one batch: stored once
                cur.execute(
                    "INSERT INTO files VALUES (%s, %s, %s, %s, %s, "
                    "clock_timestamp() AT TIME ZONE 'UTC', %s)",
                    [self.athlete_id, f.file_hash, f.file_name, f.fmt, f.size_bytes,
                     len(f.records)],
                )  # fmt: skip
                dupes: list[tuple[str, str]] = []
                for rec in f.records:
                    dupes.extend(self._insert_activity(cur, rec))
                stored.extend(f.records)
                ids = tuple(rec.activity_id for rec in f.records)
                results.append(StoredFile(f.file_hash, True, ids, tuple(dupes)))
            self._insert_details(cur, stored)
        return results

    def _insert_activity(
        self, cur: psycopg.Cursor[Any], rec: ActivityRecord
    ) -> list[tuple[str, str]]:
        summary = dict(rec.summary)
        found: list[tuple[str, str]] = []
        match = self._find_same_run(cur, summary)
        if match is not None:
            other_id, other_richness = match
            if _richness(summary.get(c.CHANNELS), summary[c.SAMPLES]) > other_richness:
                # the new copy is richer: it counts, the old one is linked to it
                cur.execute(
                    "UPDATE activities SET duplicate_of = %s WHERE athlete_id = %s "
                    "AND (activity_id = %s OR duplicate_of = %s)",
                    [summary[c.ACTIVITY_ID], self.athlete_id, other_id, other_id],
                )
                found.append((other_id, summary[c.ACTIVITY_ID]))
            else:
                summary[c.DUPLICATE_OF] = other_id
                found.append((summary[c.ACTIVITY_ID], other_id))
        values = [_value(summary.get(k)) for k in _ACTIVITY_COLUMNS]
        day = values[_ACTIVITY_COLUMNS.index(c.LOCAL_DATE)]
        if isinstance(day, dt.datetime):
            values[_ACTIVITY_COLUMNS.index(c.LOCAL_DATE)] = day.date()
        cur.execute(
            f"INSERT INTO activities (athlete_id, {', '.join(_ACTIVITY_COLUMNS)}) "
            f"VALUES (%s, {', '.join('%s' for _ in _ACTIVITY_COLUMNS)})",
            [self.athlete_id, *values],
        )
        return found

    def _insert_details(self, cur: psycopg.Cursor[Any], records: Sequence[ActivityRecord]) -> None:
        """Samples (binary COPY), histograms and laps of a file's activities, a batch per table."""
        chunks = [
            _sample_copy_rows(self.athlete_id, rec.activity_id, rec.samples)
            for rec in records
            if len(rec.samples)
        ]
        if chunks:
            quoted = ", ".join(f'"{col}"' for col in c.SAMPLE_COLUMNS)
            cols = f"athlete_id, activity_id, {quoted}"
            # PostgreSQL refuses COPY FROM into a table under row-level security: the rows land
            # in this session's scratch table and move on by INSERT, where the policies check them
            cur.execute(
                "CREATE TEMP TABLE IF NOT EXISTS samples_in (LIKE samples) ON COMMIT DELETE ROWS"
            )
            with cur.copy(f"COPY samples_in ({cols}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.write(_COPY_HEADER)
                for chunk in chunks:
                    copy.write(chunk)
                copy.write(_COPY_TRAILER)
            cur.execute(f"INSERT INTO samples ({cols}) SELECT {cols} FROM samples_in")
        for table, value_col, attr in (
            ("hr_histogram", c.HEART_RATE_BPM, "hr_histogram"),
            ("cadence_histogram", c.CADENCE_SPM, "cadence_histogram"),
        ):
            ids: list[str] = []
            values: list[int] = []
            seconds: list[float] = []
            for rec in records:
                hist = getattr(rec, attr)
                if len(hist):
                    ids.extend([rec.activity_id] * len(hist))
                    values.extend(int(v) for v in hist[hist.columns[0]])
                    seconds.extend(float(s) for s in hist[c.SAMPLE_DURATION_S])
            if ids:
                cur.execute(
                    f"INSERT INTO {table} (athlete_id, activity_id, {value_col}, sample_duration_s) "
                    "SELECT %s, * FROM unnest(%s::text[], %s::integer[], %s::float8[])",
                    [self.athlete_id, ids, values, seconds],
                )
        laps = [
            _lap_rows(rec.activity_id, rec.laps)
            for rec in records
            if rec.laps is not None and len(rec.laps)
        ]
        if laps:
            rows = [[_value(v) for v in row] for lap in laps for row in lap.itertuples(index=False)]
            cur.execute(
                "INSERT INTO laps (athlete_id, activity_id, lap_index, lap_start, duration_s, "
                "distance_m) SELECT %s, * FROM "
                "unnest(%s::text[], %s::integer[], %s::timestamp[], %s::float8[], %s::float8[])",
                [self.athlete_id, *(list(col) for col in zip(*rows, strict=True))],
            )
        self._insert_efforts(cur, [(rec.activity_id, rec.efforts, rec.curve) for rec in records])

    def _insert_efforts(
        self, cur: psycopg.Cursor[Any], found: Sequence[tuple[str, pd.DataFrame, pd.DataFrame]]
    ) -> None:
        """Best-effort and curve rows of activities that are stored, one batch per table."""
        for table, rows in zip(("best_efforts", "effort_curves"), effort_rows(found), strict=True):
            if rows.empty:
                continue
            cols = list(rows.columns)
            arrays = [rows[cols[0]].astype(str).tolist()] + [
                [_value(v) for v in rows[col].tolist()] for col in cols[1:]
            ]
            # an activity deleted while a backfill measured it gets no orphan rows
            cur.execute(
                f"INSERT INTO {table} (athlete_id, {', '.join(cols)}) "
                f"SELECT %s, u.* FROM unnest(%s::text[], %s::float8[], %s::float8[], "
                f"%s::float8[]) AS u({', '.join(cols)}) WHERE EXISTS (SELECT 1 FROM activities a "
                "WHERE a.athlete_id = %s AND a.activity_id = u.activity_id)",
                [self.athlete_id, *arrays, self.athlete_id],
            )

    def store_efforts(
        self, found: Sequence[tuple[str, pd.DataFrame, pd.DataFrame]], *, complete: bool = False
    ) -> int:
        """Replace the best efforts and curves of activities, in one transaction.

        See :meth:`analysis.store.contract.AthleteStore.store_efforts`.
        """
        if not found and not complete:
            return 0
        self._require("best_efforts", "store best efforts")
        ids = [activity_id for activity_id, _, _ in found]
        written = 0
        with self._write("store best efforts") as w:
            cur = w.cur
            if ids:
                for table in ("best_efforts", "effort_curves"):
                    cur.execute(
                        f"DELETE FROM {table} WHERE athlete_id = %s AND activity_id = ANY(%s)",
                        [self.athlete_id, ids],
                    )
                self._insert_efforts(cur, found)
                cur.execute(
                    "SELECT count(*) FROM activities WHERE athlete_id = %s "
                    "AND activity_id = ANY(%s)",
                    [self.athlete_id, ids],
                )
                row = cur.fetchone()
                written = int(row[0]) if row else 0
            if complete:
                cur.execute(
                    "INSERT INTO meta VALUES (%s, %s, '1') "
                    "ON CONFLICT (athlete_id, key) DO UPDATE SET value = '1'",
                    [self.athlete_id, EFFORTS_MEASURED],
                )
        return written

    def _find_same_run(
        self, cur: psycopg.Cursor[Any], summary: dict[str, Any]
    ) -> tuple[str, tuple[int, int]] | None:
        """A counted activity that is the same run: sport, start and distance alike.

        The rule of :meth:`analysis.store.duckdb_store.Store._find_same_run`; the start windows
        are written as ranges so the indexes on the start times serve them.
        """
        window = dt.timedelta(seconds=START_MATCH_S)
        utc, local = _value(summary[c.START_TIME_UTC]), _value(summary[c.START_TIME_LOCAL])
        cur.execute(
            """
            SELECT activity_id, channels, samples, distance_m FROM activities
            WHERE athlete_id = %(athlete)s AND duplicate_of IS NULL
              AND (sport = %(sport)s OR sport = 'other' OR %(sport)s = 'other')
              AND (start_time_utc BETWEEN %(utc)s::timestamp - %(window)s
                                      AND %(utc)s::timestamp + %(window)s
                   OR start_time_local BETWEEN %(local)s::timestamp - %(window)s
                                           AND %(local)s::timestamp + %(window)s)
            ORDER BY channels DESC NULLS LAST, samples DESC NULLS LAST, activity_id
            """,
            {
                "athlete": self.athlete_id,
                "sport": summary[c.SPORT],
                "utc": utc,
                "local": local,
                "window": window,
            },
        )
        return _same_distance(cur.fetchall(), summary.get(c.DISTANCE_M))

    def delete_activity(self, activity_id: str) -> bool:
        """Delete one activity with its samples; a copy that duplicated it takes its place."""
        self._require("activities", "delete activities")
        aid = self.athlete_id
        with self._write("delete activities") as w:
            cur = w.cur
            cur.execute(
                "SELECT file_hash FROM activities WHERE athlete_id = %s AND activity_id = %s",
                [aid, activity_id],
            )
            row = cur.fetchone()
            if row is None:
                w.changed = False
                return False
            for table in (*_DETAIL_TABLES, "activities"):
                cur.execute(
                    f"DELETE FROM {table} WHERE athlete_id = %s AND activity_id = %s",
                    [aid, activity_id],
                )
            cur.execute(
                "SELECT activity_id FROM activities WHERE athlete_id = %s AND duplicate_of = %s "
                "ORDER BY channels DESC NULLS LAST, samples DESC NULLS LAST, activity_id LIMIT 1",
                [aid, activity_id],
            )
            heir = cur.fetchone()
            if heir is not None:
                cur.execute(
                    "UPDATE activities SET duplicate_of = NULL "
                    "WHERE athlete_id = %s AND activity_id = %s",
                    [aid, heir[0]],
                )
                cur.execute(
                    "UPDATE activities SET duplicate_of = %s "
                    "WHERE athlete_id = %s AND duplicate_of = %s",
                    [heir[0], aid, activity_id],
                )
            # forget the file once none of its activities is left, so it can be imported again
            cur.execute(
                "DELETE FROM files WHERE athlete_id = %s AND file_hash = %s AND NOT EXISTS "
                "(SELECT 1 FROM activities WHERE athlete_id = %s AND file_hash = %s)",
                [aid, row[0], aid, row[0]],
            )
        return True

    def save_settings(self, settings: AthleteSettings) -> None:
        with self._write("change the settings") as w:
            w.cur.execute(
                "INSERT INTO settings VALUES (%s, 'athlete', %s) "
                "ON CONFLICT (athlete_id, key) DO UPDATE SET value = excluded.value",
                [self.athlete_id, json.dumps(settings.to_dict(), sort_keys=True)],
            )

    def apply_export_metadata(
        self,
        rows: Sequence[tuple[str, str | None, float | None, str | None, str | None, str | None]],
    ) -> None:
        """What an export's summary rows say about stored activities, in one transaction.

        Each row is ``(activity_id, name, rpe, gear, external_id, sport)``; values a row leaves
        empty keep what is stored. The export's activity type replaces the file's sport only
        where the file could not tell (``other``): the device's own record wins otherwise.
        """
        if not rows:
            return
        self._require("activities", "change activities")
        params = [
            (
                name,
                _value(rpe),
                gear,
                ext,
                None if kind == c.SPORT_OTHER else kind,
                self.athlete_id,
                aid,
            )
            for aid, name, rpe, gear, ext, kind in rows
        ]
        with self._write("change activities") as w:
            w.cur.executemany(
                "UPDATE activities SET name = coalesce(%s, name), rpe = coalesce(%s, rpe), "
                "gear = coalesce(%s, gear), external_id = coalesce(%s, external_id), "
                "sport = CASE WHEN sport = 'other' THEN coalesce(%s, sport) ELSE sport END "
                "WHERE athlete_id = %s AND activity_id = %s",
                params,
            )

    def set_rpe(self, activity_id: str, rpe: float | None) -> None:
        """Session RPE (CR-10, 0–10) of one activity; None clears it."""
        if rpe is not None and not 0 <= rpe <= 10:
            raise ValueError("RPE is on the CR-10 scale: 0 to 10")
        self._require("activities", "rate activities")
        with self._write("rate activities") as w:
            w.cur.execute(
                "UPDATE activities SET rpe = %s WHERE athlete_id = %s AND activity_id = %s",
                [_value(rpe), self.athlete_id, activity_id],
            )

    def upsert_wellness(self, frame: pd.DataFrame) -> int:
        """Add or replace days of the wellness log (one transaction); returns the days written."""
        return self._upsert("wellness", frame, c.WELLNESS_COLUMNS, c.DATE)

    def upsert_plan(self, frame: pd.DataFrame) -> int:
        """Add or replace weeks of the training plan (one transaction); returns the weeks written."""
        return self._upsert("plan", frame, c.PLAN_COLUMNS, c.WEEK_START)

    def _upsert(self, table: str, frame: pd.DataFrame, columns: tuple[str, ...], key: str) -> int:
        """Insert rows; for a key already stored, overwrite only the columns the frame supplies.

        A parser lists what its file actually held in ``frame.attrs["present"]``, so importing an
        HRV-only export never blanks the soreness or notes entered by hand for the same days.
        """
        rows, update = upsert_rows(frame, columns, key)
        on_conflict = on_conflict_action(update)
        types = [
            "date" if col == key else "text" if col == c.NOTES else "float8" for col in columns
        ]
        arrays = [[_value(v) for v in rows[col]] for col in columns]
        with self._write(f"change the {table}") as w:
            w.cur.execute(
                f"INSERT INTO {table} (athlete_id, {', '.join(columns)}) SELECT %s, * FROM "
                f"unnest({', '.join(f'%s::{t}[]' for t in types)}) "
                f"ON CONFLICT (athlete_id, {key}) {on_conflict}",
                [self.athlete_id, *arrays],
            )
        return len(rows)

    def delete_wellness(self, day: Any) -> None:
        self._require("wellness", "change the wellness log")
        with self._write("change the wellness log") as w:
            w.cur.execute(
                "DELETE FROM wellness WHERE athlete_id = %s AND date = %s",
                [self.athlete_id, pd.Timestamp(day).date()],
            )

    def add_comment(self, scope: str, target: str, author: str, body: str) -> str:
        """A note on a week (``target`` = its ISO week start) or an activity; returns its id."""
        text = check_comment(scope, target, body)
        comment_id = secrets.token_hex(8)
        with self._write("comment") as w:
            w.cur.execute(
                "INSERT INTO comments VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [self.athlete_id, comment_id, scope, target, author, _utcnow(), text],
            )
        return comment_id

    def delete_comment(self, comment_id: str) -> bool:
        self._require("comments", "delete comments")
        with self._write("delete comments") as w:
            w.cur.execute(
                "DELETE FROM comments WHERE athlete_id = %s AND comment_id = %s "
                "RETURNING comment_id",
                [self.athlete_id, comment_id],
            )
            found = w.cur.fetchall()
        return bool(found)

    # ---- reads ---------------------------------------------------------------------------------
    def comments(self, scope: str | None = None, target: str | None = None) -> pd.DataFrame:
        """Notes, oldest first; ``created_at`` is tz-aware UTC."""
        clauses, params = ["athlete_id = %s"], [self.athlete_id]
        for col, value in (("scope", scope), ("target", target)):
            if value is not None:
                clauses.append(f"{col} = %s")
                params.append(value)
        cols = ", ".join(COMMENT_COLUMNS)
        frame = _frame(
            self._rows(
                f"SELECT {cols} FROM comments WHERE {' AND '.join(clauses)} "
                "ORDER BY created_at, comment_id",
                params,
            ),
            _COMMENT_KINDS,
        )
        frame["created_at"] = pd.to_datetime(frame["created_at"]).dt.tz_localize("UTC")
        return frame

    def wellness(self) -> pd.DataFrame:
        """The wellness log, one row per day, oldest first (days without an entry are absent)."""
        cols = ", ".join(c.WELLNESS_COLUMNS)
        q = f"SELECT {cols} FROM wellness WHERE athlete_id = %s ORDER BY date"
        return _frame(self._rows(q, [self.athlete_id]), _WELLNESS_KINDS)

    def plan(self) -> pd.DataFrame:
        """The weekly plan, oldest week first."""
        cols = ", ".join(c.PLAN_COLUMNS)
        q = f"SELECT {cols} FROM plan WHERE athlete_id = %s ORDER BY week_start"
        return _frame(self._rows(q, [self.athlete_id]), _PLAN_KINDS)

    def load_settings(self) -> AthleteSettings:
        rows = self._rows(
            "SELECT value FROM settings WHERE athlete_id = %s AND key = 'athlete'",
            [self.athlete_id],
        )
        if not rows:
            return AthleteSettings()
        try:
            return AthleteSettings.from_dict(json.loads(rows[0][0]))
        except (ValueError, TypeError):
            return AthleteSettings()

    def activity_count(self, include_duplicates: bool = False) -> int:
        where = "" if include_duplicates else " AND duplicate_of IS NULL"
        q = f"SELECT count(*) FROM activities WHERE athlete_id = %s{where}"
        return int(self._rows(q, [self.athlete_id])[0][0])

    def activities(
        self, sport: str | None = None, include_duplicates: bool = False
    ) -> pd.DataFrame:
        """One row per activity, newest first; duplicates left out unless asked for."""
        clauses = ["athlete_id = %s"]
        params: list[Any] = [self.athlete_id]
        if not include_duplicates:
            clauses.append("duplicate_of IS NULL")
        if sport is not None:
            clauses.append("sport = %s")
            params.append(sport)
        rows = self._rows(
            f"SELECT {', '.join(_ACTIVITY_COLUMNS)} FROM activities "
            f"WHERE {' AND '.join(clauses)} ORDER BY start_time_utc DESC NULLS LAST, activity_id",
            params,
        )
        return self._activity_frame(rows)

    @staticmethod
    def _activity_frame(rows: list[tuple[Any, ...]]) -> pd.DataFrame:
        frame = _frame(rows, _ACTIVITY_KINDS)
        frame[c.START_TIME_UTC] = frame[c.START_TIME_UTC].dt.tz_localize("UTC")
        return frame

    def activity(self, activity_id: str) -> dict[str, Any] | None:
        rows = self._rows(
            f"SELECT {', '.join(_ACTIVITY_COLUMNS)} FROM activities "
            "WHERE athlete_id = %s AND activity_id = %s",
            [self.athlete_id, activity_id],
        )
        if not rows:
            return None
        return dict(self._activity_frame(rows).iloc[0])

    def samples(self, activity_id: str) -> pd.DataFrame:
        """The tidy per-sample frame of one activity, as it was parsed."""
        cols = ", ".join(f'"{col}"' for col in c.SAMPLE_COLUMNS)
        frame = _frame(
            self._rows(
                f"SELECT {cols} FROM samples WHERE athlete_id = %s AND activity_id = %s "
                'ORDER BY "timestamp"',
                [self.athlete_id, activity_id],
            ),
            _SAMPLE_KINDS,
        )
        frame[c.TIMESTAMP] = frame[c.TIMESTAMP].dt.tz_localize("UTC")
        return frame

    def samples_of(
        self, activity_ids: Sequence[str], columns: Sequence[str] = c.SAMPLE_COLUMNS
    ) -> dict[str, pd.DataFrame]:
        """Several activities' samples in one read (see the contract)."""
        kinds = [(col, kind) for col, kind in _SAMPLE_KINDS if col in columns]
        quoted = ", ".join(f'"{col}"' for col, _ in kinds)  # known names only reach SQL
        frame = _frame(
            self._rows(
                f"SELECT activity_id, {quoted} FROM samples WHERE athlete_id = %s "
                'AND activity_id = ANY(%s) ORDER BY activity_id, "timestamp"',
                [self.athlete_id, list(activity_ids)],
            ),
            [(c.ACTIVITY_ID, _TEXT), *kinds],
        )
        if c.TIMESTAMP in frame:
            frame[c.TIMESTAMP] = frame[c.TIMESTAMP].dt.tz_localize("UTC")
        return {
            str(aid): rows.drop(columns=c.ACTIVITY_ID).reset_index(drop=True)
            for aid, rows in frame.groupby(c.ACTIVITY_ID, sort=False)
        }

    def _histogram(self, table: str, value_col: str, sport: str | None) -> pd.DataFrame:
        where = "h.athlete_id = %s AND a.duplicate_of IS NULL"
        params: list[Any] = [self.athlete_id]
        if sport is not None:
            where += " AND a.sport = %s"
            params.append(sport)
        rows = self._rows(
            f"""SELECT h.activity_id, a.local_date, h.{value_col}, h.sample_duration_s
            FROM {table} h JOIN activities a USING (athlete_id, activity_id) WHERE {where}""",
            params,
        )
        kinds = [(c.ACTIVITY_ID, _TEXT), (c.LOCAL_DATE, _TIME), (value_col, _FLOAT)]
        return _frame(rows, [*kinds, (c.SAMPLE_DURATION_S, _FLOAT)])

    def hr_histogram(self, sport: str | None = None) -> pd.DataFrame:
        """[activity_id, local_date, heart_rate_bpm, sample_duration_s] of counted activities."""
        return self._histogram("hr_histogram", c.HEART_RATE_BPM, sport)

    def cadence_histogram(self, sport: str | None = None) -> pd.DataFrame:
        """[activity_id, local_date, cadence_spm, sample_duration_s] of counted activities."""
        return self._histogram("cadence_histogram", c.CADENCE_SPM, sport)

    def files(self) -> pd.DataFrame:
        cols = ", ".join(name for name, _ in _FILE_KINDS)
        q = f"SELECT {cols} FROM files WHERE athlete_id = %s ORDER BY imported_at DESC NULLS LAST"
        return _frame(self._rows(q, [self.athlete_id]), _FILE_KINDS)

    def _effort_query(
        self, select: str, table: str, order: str, sport: str | None, columns: tuple[str, ...]
    ) -> pd.DataFrame:
        where = "e.athlete_id = %s AND a.duplicate_of IS NULL"
        params: list[Any] = [self.athlete_id]
        if sport is not None:
            where += " AND a.sport = %s"
            params.append(sport)
        rows = self._rows(
            f"SELECT e.activity_id, a.local_date, {select} FROM {table} e "
            f"JOIN activities a USING (athlete_id, activity_id) WHERE {where} "
            f"ORDER BY a.start_time_utc, e.activity_id, {order}",
            params,
        )
        kinds = [(col, _TEXT if col == c.ACTIVITY_ID else _FLOAT) for col in columns]
        kinds[1] = (c.LOCAL_DATE, _TIME)
        return effort_frame(_frame(rows, kinds), columns)

    def best_efforts(self, sport: str | None = c.SPORT_RUNNING) -> pd.DataFrame:
        """Best efforts of counted activities, oldest run first (see the contract)."""
        return self._effort_query(
            "e.distance_m, e.time_s, e.time_s / e.distance_m * 1000, e.start_elapsed_s",
            "best_efforts",
            "e.distance_m",
            sport,
            BEST_EFFORT_COLUMNS,
        )

    def effort_curves(self, sport: str | None = c.SPORT_RUNNING) -> pd.DataFrame:
        """Pace–duration curves of counted activities, oldest run first (see the contract)."""
        return self._effort_query(
            "e.duration_s, e.distance_m, e.distance_m / e.duration_s, "
            "CASE WHEN e.distance_m > 0 THEN e.duration_s / e.distance_m * 1000 END, "
            "e.start_elapsed_s",
            "effort_curves",
            "e.duration_s",
            sport,
            EFFORT_CURVE_COLUMNS,
        )

    def activities_without_efforts(self) -> list[str]:
        """Activities with samples and no effort rows, oldest first, until the athlete's store
        is marked measured (see the contract)."""
        rows = self._rows(
            "SELECT activity_id FROM activities a WHERE athlete_id = %(athlete)s AND samples > 0 "
            "AND NOT EXISTS (SELECT 1 FROM meta m WHERE m.athlete_id = %(athlete)s "
            "AND m.key = %(measured)s) "
            "AND NOT EXISTS (SELECT 1 FROM effort_curves e WHERE e.athlete_id = %(athlete)s "
            "AND e.activity_id = a.activity_id) "
            "AND NOT EXISTS (SELECT 1 FROM best_efforts e WHERE e.athlete_id = %(athlete)s "
            "AND e.activity_id = a.activity_id) "
            "ORDER BY start_time_utc NULLS LAST, activity_id",
            {"athlete": self.athlete_id, "measured": EFFORTS_MEASURED},
        )
        return [str(row[0]) for row in rows]

    def laps(self, activity_id: str) -> pd.DataFrame:
        return _frame(
            self._rows(
                "SELECT lap_index, lap_start, duration_s, distance_m FROM laps "
                "WHERE athlete_id = %s AND activity_id = %s ORDER BY lap_index",
                [self.athlete_id, activity_id],
            ),
            _LAP_KINDS,
        )

    # ---- schema 3: goal races, training blocks, shoes (checks and dtypes: store.season) --------
    def _season_rows(self, table: str) -> pd.DataFrame:
        cols = ", ".join(season.TABLE_COLUMNS[table])
        rows = self._rows(
            f"SELECT {cols} FROM {table} WHERE athlete_id = %s ORDER BY {season.ORDER_BY[table]}",
            [self.athlete_id],
        )
        return season.table_frame(rows, table)

    def _season_add(self, table: str, row: dict[str, Any]) -> str:
        new_id = secrets.token_hex(8)
        values = {season.ID_COLUMN[table]: new_id, **row}
        cols = season.TABLE_COLUMNS[table]
        with self._write(season.WRITING[table]) as w:
            w.cur.execute(
                f"INSERT INTO {table} (athlete_id, {', '.join(cols)}) "
                f"VALUES (%s, {', '.join('%s' for _ in cols)})",
                [self.athlete_id, *(values[col] for col in cols)],
            )
        return new_id

    def _season_update(self, table: str, row_id: str, row: dict[str, Any]) -> bool:
        what = season.WRITING[table]
        self._require(table, what)
        key = season.ID_COLUMN[table]
        sets = ", ".join(f"{col} = %s" for col in row)
        with self._write(what) as w:
            w.cur.execute(
                f"UPDATE {table} SET {sets} WHERE athlete_id = %s AND {key} = %s RETURNING {key}",
                [*row.values(), self.athlete_id, row_id],
            )
            found = w.cur.fetchall()
        return bool(found)

    def _season_delete(self, table: str, row_id: str) -> bool:
        what = season.WRITING[table]
        self._require(table, what)
        key = season.ID_COLUMN[table]
        with self._write(what) as w:
            w.cur.execute(
                f"DELETE FROM {table} WHERE athlete_id = %s AND {key} = %s RETURNING {key}",
                [self.athlete_id, row_id],
            )
            found = w.cur.fetchall()
        return bool(found)

    def _set_gear_of(self, activity_ids: list[str], gear: str | None) -> int:
        self._require("activities", "change the shoes")
        with self._write("change the shoes") as w:
            w.cur.execute(
                "UPDATE activities SET gear = %s WHERE athlete_id = %s AND activity_id = ANY(%s) "
                "RETURNING activity_id",
                [gear, self.athlete_id, activity_ids],
            )
            found = w.cur.fetchall()
        return len(found)
