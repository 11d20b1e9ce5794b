"""The store: one embedded DuckDB file holding files, activities, samples, histograms and settings.

- Each file is identified by the SHA-256 of its bytes, so a re-import is a no-op.
- Each file is written in one transaction: it is stored whole or not at all.
- A ``revision`` counter in ``meta`` rises with every write; the UI keys its caches on it.
- Timestamps are stored as naive UTC (``TIMESTAMP``) and handed back tz-aware.
- One connection per process; :meth:`Store.cursor` gives each thread its own cursor.

Faults of the file itself end in a :class:`~analysis.errors.StoreError` with one plain sentence
(the database's exception chained): locked by another process, read-only, missing, damaged, disk
full. Nothing is overwritten or moved aside automatically: a damaged file stays where it is for the
runner to restore or inspect.

One data directory, the dashboard and the command line: DuckDB gives a read-write connection an
exclusive lock on the file for the connection's life, and even a read-only connection from another
process is refused while it is held. The dashboard keeps its connection open, so a ``stridelog
import`` (or ``export``, ``report``) while it runs waits up to :data:`LOCK_WAIT_S` for the file and
is then refused with a sentence naming the process that holds it; import through the dashboard's
uploader instead, or stop the dashboard first. Releasing the file between requests was measured and
rejected: an open and close costs 10 ms read-only and 17 ms read-write (migration check, checkpoint
on close), and the queries after it start from a cold cache (the demo athlete's overview took
112 ms instead of 61 ms), on every rerun of every session; and a long command-line import holds
the lock for minutes anyway, so the dashboard would merely become the one refused.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import math
import re
import secrets
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from analysis import columns as c
from analysis.errors import StoreError
from analysis.prepare import ActivityRecord
from analysis.settings import AthleteSettings
from analysis.store import season
from analysis.store.contract import (
    BEST_EFFORT_COLUMNS,
    COMMENT_COLUMNS,
    EFFORT_CURVE_COLUMNS,
    EFFORTS_MEASURED,
    STORED_CURVE_COLUMNS,
    STORED_EFFORT_COLUMNS,
    NewFile,
    check_comment,
    effort_frame,
    effort_rows,
    on_conflict_action,
    upsert_rows,
)

SCHEMA_VERSION = 8

LOCK_WAIT_S = 10.0
"""How long an open waits for another process to release the file before it gives up [s]."""

START_MATCH_S = 120.0
"""Two activities whose starts lie within this many seconds may be the same run..."""
DISTANCE_MATCH_FRAC = 0.05
"""...if their distances agree within this fraction (or 100 m), and their sports match."""

_DDL = [
    "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
    """CREATE TABLE IF NOT EXISTS files (
        file_hash VARCHAR PRIMARY KEY, file_name VARCHAR, format VARCHAR,
        size_bytes BIGINT, imported_at TIMESTAMP, activities INTEGER)""",
    """CREATE TABLE IF NOT EXISTS activities (
        activity_id VARCHAR PRIMARY KEY, file_hash VARCHAR, source_name VARCHAR, format VARCHAR,
        sport VARCHAR, name VARCHAR, start_time_utc TIMESTAMP, start_time_local TIMESTAMP,
        local_date DATE, timezone VARCHAR, timezone_source VARCHAR, duration_s DOUBLE,
        moving_time_s DOUBLE, distance_m DOUBLE, avg_heart_rate_bpm DOUBLE,
        max_heart_rate_bpm DOUBLE, avg_cadence_spm DOUBLE, avg_speed_mps DOUBLE,
        elevation_gain_m DOUBLE, samples INTEGER, is_summary BOOLEAN, duplicate_of VARCHAR,
        leg INTEGER, fixes VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS samples (
        activity_id VARCHAR, timestamp TIMESTAMP, elapsed_s DOUBLE, sample_duration_s DOUBLE,
        distance_m DOUBLE, speed_mps DOUBLE, heart_rate_bpm DOUBLE, cadence_spm DOUBLE,
        altitude_m DOUBLE, latitude_deg DOUBLE, longitude_deg DOUBLE, power_w DOUBLE)""",
    # schema 7: running dynamics (NULL in samples imported before, and where a file has none)
    "ALTER TABLE samples ADD COLUMN IF NOT EXISTS ground_contact_time_ms DOUBLE",
    "ALTER TABLE samples ADD COLUMN IF NOT EXISTS vertical_oscillation_mm DOUBLE",
    "ALTER TABLE samples ADD COLUMN IF NOT EXISTS vertical_ratio_pct DOUBLE",
    "ALTER TABLE samples ADD COLUMN IF NOT EXISTS step_length_mm DOUBLE",
    "ALTER TABLE samples ADD COLUMN IF NOT EXISTS stance_time_balance_pct DOUBLE",
    """CREATE TABLE IF NOT EXISTS hr_histogram (
        activity_id VARCHAR, heart_rate_bpm INTEGER, sample_duration_s DOUBLE)""",
    """CREATE TABLE IF NOT EXISTS cadence_histogram (
        activity_id VARCHAR, cadence_spm INTEGER, sample_duration_s DOUBLE)""",
    """CREATE TABLE IF NOT EXISTS laps (
        activity_id VARCHAR, lap_index INTEGER, lap_start TIMESTAMP, duration_s DOUBLE,
        distance_m DOUBLE)""",
    "CREATE TABLE IF NOT EXISTS settings (key VARCHAR PRIMARY KEY, value VARCHAR)",
    # schema 2: session RPE per activity, the wellness log and the weekly plan
    "ALTER TABLE activities ADD COLUMN IF NOT EXISTS rpe DOUBLE",
    # schema 3: what an export says about an activity (Strava's activities.csv)
    "ALTER TABLE activities ADD COLUMN IF NOT EXISTS gear VARCHAR",
    "ALTER TABLE activities ADD COLUMN IF NOT EXISTS external_id VARCHAR",
    "ALTER TABLE activities ADD COLUMN IF NOT EXISTS channels INTEGER",
    """CREATE TABLE IF NOT EXISTS wellness (
        date DATE PRIMARY KEY, resting_hr_bpm DOUBLE, hrv_rmssd_ms DOUBLE, sleep_h DOUBLE,
        sleep_quality DOUBLE, soreness DOUBLE, fatigue DOUBLE, mood DOUBLE, stress DOUBLE,
        notes VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS plan (
        week_start DATE PRIMARY KEY, plan_distance_km DOUBLE, plan_duration_h DOUBLE,
        plan_long_run_km DOUBLE, plan_load DOUBLE)""",
    # schema 4: a coach's notes on a week or an activity
    """CREATE TABLE IF NOT EXISTS comments (
        comment_id VARCHAR PRIMARY KEY, scope VARCHAR, target VARCHAR, author VARCHAR,
        created_at TIMESTAMP, body VARCHAR)""",
    # schema 5: each activity's best efforts and pace–duration curve (analysis.prepare); a store
    # of schema 4 or older gets them for its activities from views.efforts.backfill_efforts
    """CREATE TABLE IF NOT EXISTS best_efforts (
        activity_id VARCHAR, distance_m DOUBLE, time_s DOUBLE, start_elapsed_s DOUBLE)""",
    """CREATE TABLE IF NOT EXISTS effort_curves (
        activity_id VARCHAR, duration_s DOUBLE, distance_m DOUBLE, start_elapsed_s DOUBLE)""",
    # schema 6: goal races, training blocks and shoes (analysis.store.season); new tables only,
    # so a store of schema 5 or older gains them empty
    """CREATE TABLE IF NOT EXISTS goal_races (
        race_id VARCHAR PRIMARY KEY, race_date DATE NOT NULL, distance_km DOUBLE NOT NULL,
        target_time_s DOUBLE, name VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS training_blocks (
        block_id VARCHAR PRIMARY KEY, start_date DATE NOT NULL, end_date DATE NOT NULL,
        block_kind VARCHAR NOT NULL, note VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS shoes (
        shoe_id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, first_used DATE, retire_km DOUBLE,
        retired BOOLEAN NOT NULL, gear_source VARCHAR NOT NULL)""",
    # schema 6: the strength & mobility session log and the pain log (new tables only: a store
    # of schema 5 or older keeps everything and starts with both logs empty)
    """CREATE TABLE IF NOT EXISTS training_sessions (
        session_id VARCHAR PRIMARY KEY, date DATE, session_type VARCHAR, duration_min DOUBLE,
        rpe DOUBLE, exercises VARCHAR, notes VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS pain_log (
        pain_id VARCHAR PRIMARY KEY, date DATE, body_site VARCHAR, side VARCHAR, severity DOUBLE,
        pain_when VARCHAR, notes VARCHAR)""",
    # schema 8: each activity's key, a whole number given in import order, and the same key on
    # its samples (see _KEY); a store of schema 7 or older gets keys on its next read-write open
    """CREATE TABLE IF NOT EXISTS activity_keys (
        activity_id VARCHAR PRIMARY KEY, activity_key BIGINT NOT NULL UNIQUE)""",
    "ALTER TABLE samples ADD COLUMN IF NOT EXISTS activity_key BIGINT",
]

_KEY = "activity_key"
"""The samples' own handle on their activity (schema 8). An activity's samples are appended
in one piece, and keys rise in import order, so each row group of the samples table holds a
narrow range of keys and its zone map (min and max) lets a read by key skip every row group
that cannot hold the key: reading one run of five years' samples (4.9 M rows, 40 row groups)
decompresses one or two row groups. By ``activity_id`` the same read scanned all of them:
the ids are hashes, so every row group's min and max span nearly all ids and prune nothing.
A key is unique (a constraint of ``activity_keys``): a read by key never mixes two runs."""

_DETAIL_TABLES = (
    "samples", "hr_histogram", "cadence_histogram", "laps", "best_efforts", "effort_curves",
    "activity_keys",
)  # fmt: skip
"""Tables of rows that belong to one activity: deleted with it."""

_ACTIVITY_COLUMNS = [
    c.ACTIVITY_ID, c.FILE_HASH, c.SOURCE_NAME, c.FORMAT, c.SPORT, c.NAME, c.START_TIME_UTC,
    c.START_TIME_LOCAL, c.LOCAL_DATE, c.TIMEZONE, c.TIMEZONE_SOURCE, c.DURATION_S,
    c.MOVING_TIME_S, c.DISTANCE_M, c.AVG_HEART_RATE_BPM, c.MAX_HEART_RATE_BPM,
    c.AVG_CADENCE_SPM, c.AVG_SPEED_MPS, c.ELEVATION_GAIN_M, c.SAMPLES, c.IS_SUMMARY,
    c.DUPLICATE_OF, "leg", "fixes", c.RPE, c.GEAR, c.EXTERNAL_ID, c.CHANNELS,
]  # fmt: skip


_ACTIVITY_TYPES = {
    c.START_TIME_UTC: "TIMESTAMP", c.START_TIME_LOCAL: "TIMESTAMP", c.LOCAL_DATE: "DATE",
    c.DURATION_S: "DOUBLE", c.MOVING_TIME_S: "DOUBLE", c.DISTANCE_M: "DOUBLE",
    c.AVG_HEART_RATE_BPM: "DOUBLE", c.MAX_HEART_RATE_BPM: "DOUBLE", c.AVG_CADENCE_SPM: "DOUBLE",
    c.AVG_SPEED_MPS: "DOUBLE", c.ELEVATION_GAIN_M: "DOUBLE", c.SAMPLES: "INTEGER",
    c.IS_SUMMARY: "BOOLEAN", "leg": "INTEGER", c.RPE: "DOUBLE", c.CHANNELS: "INTEGER",
}  # fmt: skip
"""Column types of ``activities`` other than VARCHAR (for the batch insert's typed lists)."""

_INSERT_ACTIVITIES = f"INSERT INTO activities ({', '.join(_ACTIVITY_COLUMNS)}) SELECT " + ", ".join(
    # a DATE is bound as the Timestamp the summary holds, as the one-row insert does
    f"unnest(?::TIMESTAMP[])::DATE AS {col}"
    if _ACTIVITY_TYPES.get(col) == "DATE"
    else f"unnest(?::{_ACTIVITY_TYPES.get(col, 'VARCHAR')}[]) AS {col}"
    for col in _ACTIVITY_COLUMNS
)

_INSERT_ACTIVITY = (
    f"INSERT INTO activities ({', '.join(_ACTIVITY_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in _ACTIVITY_COLUMNS)})"
)


def _plain(value: Any) -> Any:
    """A summary value as DuckDB's parameter binding takes it (no NaN, no NumPy scalars)."""
    if value is None:
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.to_pydatetime()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _utcnow() -> dt.datetime:
    """Now, as the naive UTC the store keeps."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _richness(channels: Any, samples: Any) -> tuple[int, int]:
    """Which copy of a run to keep: more recorded channels first, then more samples."""
    return (int(channels or 0), int(samples or 0))


def _lap_rows(activity_id: str, laps: pd.DataFrame) -> pd.DataFrame:
    """Laps as stored: the first column is the lap start; duration and distance where known."""
    laps = laps.reset_index(drop=True)
    nan = pd.Series(float("nan"), index=laps.index)
    duration = laps[c.DURATION_S] if c.DURATION_S in laps.columns else nan
    distance = laps[c.DISTANCE_M] if c.DISTANCE_M in laps.columns else nan
    return pd.DataFrame(
        {
            c.ACTIVITY_ID: activity_id,
            "lap_index": range(len(laps)),
            "lap_start": pd.to_datetime(laps.iloc[:, 0], utc=True).dt.tz_localize(None),
            c.DURATION_S: pd.to_numeric(duration, errors="coerce"),
            c.DISTANCE_M: pd.to_numeric(distance, errors="coerce"),
        }
    )


def _repeated_ids(ids: Sequence[str], counts: Sequence[int]) -> pa.DictionaryArray:
    """``ids[i]`` repeated ``counts[i]`` times, as a dictionary column (no string per row)."""
    indices = np.repeat(np.arange(len(ids), dtype="int32"), np.asarray(counts, dtype="int64"))
    return pa.DictionaryArray.from_arrays(pa.array(indices), pa.array(list(ids), pa.string()))


def _samples_table(records: Sequence[ActivityRecord], keys: Sequence[int]) -> pa.Table | None:
    """The samples of ``records`` as one Arrow table of the ``samples`` table's columns, each
    row with its activity's key (``keys[i]`` is the key of ``records[i]``).

    Timestamps become naive UTC (nanoseconds, as the frames' own unit widened); a NaN channel
    value becomes NULL, as DuckDB's scan of a pandas frame makes it.
    """
    if not records:
        return None
    frames = [rec.samples for rec in records]
    counts = [len(frame) for frame in frames]
    stamps = np.concatenate(
        [pd.DatetimeIndex(frame[c.TIMESTAMP]).tz_convert("UTC").as_unit("ns").asi8
         for frame in frames]
    )  # fmt: skip
    columns: dict[str, pa.Array] = {
        c.ACTIVITY_ID: _repeated_ids([rec.activity_id for rec in records], counts),
        _KEY: pa.array(np.repeat(np.asarray(keys, dtype="int64"), np.asarray(counts))),
        c.TIMESTAMP: pa.array(stamps, pa.timestamp("ns")),
    }
    channels = [col for col in c.SAMPLE_COLUMNS if col != c.TIMESTAMP]
    # one copy of each frame's channels (one float block), then a column at a time
    block = np.ascontiguousarray(
        np.concatenate([frame[channels].to_numpy("float64") for frame in frames]).T
    )
    for i, col in enumerate(channels):
        columns[col] = pa.array(block[i], from_pandas=True)
    return pa.table(columns)


def _detail_table(
    found: Sequence[tuple[str, pd.DataFrame]], cols: Sequence[str]
) -> pa.Table | None:
    """``activity_id`` and ``cols`` (float64; NaN as NULL) of every frame, one after another."""
    if not found:
        return None
    columns: dict[str, pa.Array] = {
        c.ACTIVITY_ID: _repeated_ids([aid for aid, _ in found], [len(f) for _, f in found])
    }
    for col in cols:
        # a column at a time: selecting several columns of a small frame costs more (0.3 ms)
        values = np.concatenate([frame[col].to_numpy("float64") for _, frame in found])
        columns[col] = pa.array(values, from_pandas=True)
    return pa.table(columns)


def _laps_table(found: Sequence[tuple[str, pd.DataFrame]]) -> pa.Table | None:
    """The laps of several activities as one table of :func:`_lap_rows`' columns."""
    if not found:
        return None
    starts: list[np.ndarray] = []
    durations: list[np.ndarray] = []
    distances: list[np.ndarray] = []
    for _, laps in found:
        n = len(laps)
        start = pd.DatetimeIndex(pd.to_datetime(laps.iloc[:, 0], utc=True)).tz_localize(None)
        starts.append(start.as_unit("ns").to_numpy())
        for out, col in ((durations, c.DURATION_S), (distances, c.DISTANCE_M)):
            if col in laps.columns:
                out.append(pd.to_numeric(laps[col], errors="coerce").to_numpy("float64"))
            else:
                out.append(np.full(n, np.nan))
    counts = [len(laps) for _, laps in found]
    return pa.table(
        {
            c.ACTIVITY_ID: _repeated_ids([aid for aid, _ in found], counts),
            "lap_index": pa.array(np.concatenate([np.arange(n, dtype="int32") for n in counts])),
            "lap_start": pa.array(np.concatenate(starts), pa.timestamp("ns"), from_pandas=True),
            c.DURATION_S: pa.array(np.concatenate(durations), from_pandas=True),
            c.DISTANCE_M: pa.array(np.concatenate(distances), from_pandas=True),
        }
    )


class _SameRuns:
    """The counted runs a batch may match (stored before, or earlier in the batch), and the
    linking :meth:`Store._find_same_run` and :meth:`Store._insert_activity` do, in memory."""

    def __init__(self, cur: duckdb.DuckDBPyConnection, summaries: Sequence[dict[str, Any]]):
        self._cur = cur
        self._runs: list[dict[str, Any]] = []  # counted runs: stored, or earlier in the batch
        self._pending: list[dict[str, Any]] = []  # the batch's summaries linked so far
        utc = [t for t in (_epoch_s(s.get(c.START_TIME_UTC)) for s in summaries) if t is not None]
        local = [
            t for t in (_epoch_s(s.get(c.START_TIME_LOCAL)) for s in summaries) if t is not None
        ]
        if not utc and not local:
            return
        big = float("inf")
        rows = cur.execute(
            """
            SELECT activity_id, sport, epoch(start_time_utc), epoch(start_time_local),
                   distance_m, channels, samples FROM activities
            WHERE duplicate_of IS NULL AND (
                epoch(start_time_utc) BETWEEN ? AND ? OR epoch(start_time_local) BETWEEN ? AND ?)
            ORDER BY channels DESC NULLS LAST, samples DESC
            """,
            [
                min(utc, default=big) - START_MATCH_S,
                max(utc, default=-big) + START_MATCH_S,
                min(local, default=big) - START_MATCH_S,
                max(local, default=-big) + START_MATCH_S,
            ],
        ).fetchall()
        for aid, sport, utc_s, local_s, distance, channels, samples in rows:
            self._runs.append(
                {
                    "id": str(aid),
                    "sport": sport,
                    "utc": utc_s,
                    "local": local_s,
                    "distance": distance,
                    "richness": _richness(channels, samples),
                    "order": (channels is None, -(channels or 0), -(samples or 0)),
                }
            )

    def _match(self, summary: dict[str, Any]) -> dict[str, Any] | None:
        sport = summary[c.SPORT]
        utc = _epoch_s(summary[c.START_TIME_UTC])
        local = _epoch_s(summary[c.START_TIME_LOCAL])
        near = [
            run
            for run in self._runs
            if (run["sport"] == sport or run["sport"] == c.SPORT_OTHER or sport == c.SPORT_OTHER)
            and (
                (utc is not None and run["utc"] is not None and abs(run["utc"] - utc) <= START_MATCH_S)
                or (local is not None and run["local"] is not None
                    and abs(run["local"] - local) <= START_MATCH_S)
            )
        ]  # fmt: skip
        near.sort(key=lambda run: run["order"])
        mine = summary.get(c.DISTANCE_M)
        for run in near:
            distance = run["distance"]
            if mine is None or distance is None:
                return run
            tolerance = max(DISTANCE_MATCH_FRAC * max(mine, distance), 100.0)
            if abs(mine - distance) <= tolerance:
                return run
        return None

    def link(self, summary: dict[str, Any]) -> list[tuple[str, str]]:
        """Link ``summary`` (about to be inserted; changed in place) to the same run, if any;
        the (activity_id, duplicate_of) pairs made."""
        mine_id = str(summary[c.ACTIVITY_ID])
        found: list[tuple[str, str]] = []
        match = self._match(summary)
        richness = _richness(summary.get(c.CHANNELS), summary[c.SAMPLES])
        if match is not None:
            other = match["id"]
            if richness > match["richness"]:
                # the new copy is richer: it counts, the old one (and its copies) link to it;
                # rows stored before by SQL, rows of this batch (not inserted yet) here
                self._cur.execute(
                    "UPDATE activities SET duplicate_of = ? WHERE activity_id = ? "
                    "OR duplicate_of = ?",
                    [mine_id, other, other],
                )
                for pending in self._pending:
                    if pending[c.ACTIVITY_ID] == other or pending.get(c.DUPLICATE_OF) == other:
                        pending[c.DUPLICATE_OF] = mine_id
                self._runs.remove(match)
                found.append((other, mine_id))
            else:
                summary[c.DUPLICATE_OF] = other
                found.append((mine_id, other))
        self._pending.append(summary)
        if summary.get(c.DUPLICATE_OF) is None:
            channels, samples = _plain(summary.get(c.CHANNELS)), _plain(summary.get(c.SAMPLES))
            self._runs.append(
                {
                    "id": mine_id,
                    "sport": summary[c.SPORT],
                    "utc": _epoch_s(summary[c.START_TIME_UTC]),
                    "local": _epoch_s(summary[c.START_TIME_LOCAL]),
                    "distance": _plain(summary.get(c.DISTANCE_M)),
                    "richness": richness,
                    "order": (channels is None, -(channels or 0), -(samples or 0)),
                }
            )
        return found


def _epoch_s(value: Any) -> float | None:
    """Seconds since 1970 of a naive timestamp, as DuckDB's ``epoch()`` of the stored value."""
    if value is None:
        return None
    stamp = pd.Timestamp(value)
    if pd.isna(stamp):
        return None
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return float(stamp.value) / 1e9  # .value counts nanoseconds whatever the unit


# ---- faults of the file: one sentence each --------------------------------------------------------

_LOCKED = ("could not set lock",)
_DISK_FULL = ("file too large", "no space left on device", "disk quota exceeded")
_READ_ONLY = ("read-only file system", "permission denied", "operation not permitted")
_MISSING = ("database does not exist", "no such file or directory", "not a directory")
_DAMAGED = (
    "not a valid duckdb database file", "could not read enough bytes", "corrupt", "checksum",
    "failed to load metadata", "invalidated",
)  # fmt: skip
_ERRNO_KIND = {
    errno.EFBIG: "disk_full", errno.ENOSPC: "disk_full", errno.EDQUOT: "disk_full",
    errno.EACCES: "read_only", errno.EPERM: "read_only", errno.EROFS: "read_only",
    errno.ENOENT: "missing", errno.ENOTDIR: "missing", errno.EEXIST: "missing",
}  # fmt: skip


def _reason(err: BaseException) -> str:
    """The database's message without its class prefix, on one line."""
    if isinstance(err, OSError) and err.strerror:
        return err.strerror
    text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    return re.sub(r"^[A-Za-z ]*Error: ", "", text)


def _holder(message: str) -> str:
    """Which process holds the file, from the PID DuckDB names in its lock message."""
    found = re.search(r"PID (\d+)", message)
    if found is None:
        return "another Stridelog process (the dashboard or a `stridelog import`)"
    pid = found.group(1)
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:  # not Linux, or the process has just ended
        args = []
    if any("streamlit" in a for a in args):
        return f"the dashboard (`streamlit run`, PID {pid})"
    for i, arg in enumerate(args):
        if arg.endswith("stridelog") or arg == "analysis.cli":
            command = next((a for a in args[i + 1 :] if a and not a.startswith("-")), "")
            return f"`{' '.join(('stridelog', command)).strip()}` (PID {pid})"
    return f"another Stridelog process (the dashboard or a `stridelog import`, PID {pid})"


def store_fault(err: BaseException, path: Path, waited_s: float = 0.0) -> StoreError | None:
    """The plain sentence for a fault of the store file, or None when ``err`` is not one.

    Parameters
    ----------
    err
        What the database (or the file system, creating the data directory) raised.
    path
        The store file.
    waited_s
        How long the open waited for a lock before giving up [s].
    """
    message = str(err).lower()
    kind: str | None = None
    if isinstance(err, OSError) and not isinstance(err, duckdb.Error):
        kind = _ERRNO_KIND.get(err.errno or 0)
    else:
        for name, marks in (
            ("locked", _LOCKED),
            ("disk_full", _DISK_FULL),
            ("read_only", _READ_ONLY),
            ("missing", _MISSING),
            ("damaged", _DAMAGED),
        ):
            if any(mark in message for mark in marks):
                kind = name
                break
    where, folder, reason = str(path), str(path.parent), _reason(err)
    if isinstance(err, (FileExistsError, NotADirectoryError)):
        reason = "a file stands where a folder is needed"
    if kind == "locked":
        return StoreError(
            "locked",
            where,
            f"the store {where} is in use by {_holder(str(err))}; waited {waited_s:.0f} s for it. "
            "Stop it, or import through the dashboard's uploader, then try again",
        )
    if kind in ("disk_full", "read_only"):
        # the errno's words only: the rest is the file name again, or "Failed to commit"
        marks = _DISK_FULL if kind == "disk_full" else _READ_ONLY
        reason = next((m for m in marks if m in message), reason).capitalize()
    if kind == "disk_full":
        return StoreError(
            "disk_full",
            where,
            f"the disk holding {folder} is full or the file hit a size limit ({reason}): "
            "nothing of this write was stored and what was stored before is intact. "
            "Free some space, then try again",
        )
    if kind == "read_only":
        return StoreError(
            "read_only",
            where,
            f"the store {where} cannot be written ({reason}): make the data directory and the "
            "file writable, or choose another data directory (STRIDELOG_DATA_DIR or --data-dir)",
        )
    if kind == "missing":
        if isinstance(err, duckdb.Error) and "does not exist" in message:
            return StoreError(
                "missing",
                where,
                f"there is no store at {where} yet: import files first, or point "
                "STRIDELOG_DATA_DIR (or --data-dir) at the folder that holds it",
            )
        return StoreError(
            "missing",
            where,
            f"the data directory {folder} cannot be used ({reason}): create it, or choose "
            "another one (STRIDELOG_DATA_DIR or --data-dir)",
        )
    if kind == "damaged":
        return damaged(path, err)
    return None


def damaged(path: Path, err: BaseException) -> StoreError:
    """The sentence for a store file that is not a readable database."""
    message = str(err).lower()
    if "not a valid duckdb database file" in message:
        reason = "it is not a DuckDB database: zeroed, overwritten or not a store at all"
    elif "could not read enough bytes" in message:
        reason = "it ends early: truncated"
    else:
        reason = _reason(err)
    return StoreError(
        "damaged",
        str(path),
        f"the store file {path} is damaged ({reason}); restore it from your backup (a copy of "
        f"{path.name}) or move it aside to start afresh",
    )


@dataclass(frozen=True)
class StoredFile:
    """What :meth:`Store.add_file` did with one file."""

    file_hash: str
    new: bool  # False: the same bytes were imported before, nothing was written
    activity_ids: tuple[str, ...]
    duplicates: tuple[tuple[str, str], ...]  # (activity_id, duplicate_of) pairs found on the way


class Store(season.SeasonMethods):
    """A DuckDB file. Open once per process; use from any thread."""

    def __init__(
        self, path: Path | str, read_only: bool = False, lock_wait_s: float | None = None
    ) -> None:
        """Open (and for writing, create or migrate) the store file.

        Parameters
        ----------
        path
            The DuckDB file.
        read_only
            Open for reading only: the file must exist, and nothing is created or migrated.
        lock_wait_s
            How long to wait for another process to release the file [s]; default
            :data:`LOCK_WAIT_S`.

        Raises
        ------
        StoreError
            The file is locked (after waiting), read-only, missing, damaged, or the disk is full.
        """
        self.path = Path(path)
        self._local = threading.local()
        self._write_lock = threading.Lock()
        try:
            if not read_only:
                self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise (store_fault(err, self.path) or err) from err
        self._con = self._connect(read_only, LOCK_WAIT_S if lock_wait_s is None else lock_wait_s)
        try:
            if not read_only:
                # every file is its own transaction; checkpointing the WAL into the file less
                # often (DuckDB's default is every 16 MB) makes an archive import about 10 % faster
                self._con.execute("SET checkpoint_threshold = '256MB'")
                self._migrate()
            else:
                self.revision()  # a file that opens but holds no store fails here, not later
            self._keyed = self._samples_keyed()
        except duckdb.Error as err:
            self._con.close()
            fault = store_fault(err, self.path)
            if fault is None and isinstance(err, duckdb.CatalogException):
                fault = damaged(self.path, err)  # a DuckDB file, but not a Stridelog store
            raise (fault or err) from err

    def _connect(self, read_only: bool, lock_wait_s: float) -> duckdb.DuckDBPyConnection:
        """Connect, waiting a bounded time while another process holds the file's lock."""
        started = time.monotonic()
        pause = 0.05
        while True:
            try:
                return duckdb.connect(str(self.path), read_only=read_only)
            except duckdb.Error as err:
                waited = time.monotonic() - started
                fault = store_fault(err, self.path, waited)
                if fault is None:
                    raise
                if fault.kind != "locked" or waited >= lock_wait_s:
                    raise fault from err
            # a short import or export ends soon; back off so a long one is not polled hard
            time.sleep(min(pause, max(lock_wait_s - waited, 0.0)))
            pause = min(pause * 2, 1.0)

    @property
    def key(self) -> str:
        """The file names the athlete: one DuckDB file per athlete."""
        return f"duckdb:{self.path.resolve()}"

    # ---- plumbing ------------------------------------------------------------------------------
    def cursor(self) -> duckdb.DuckDBPyConnection:
        """This thread's cursor (DuckDB cursors must not be shared between threads)."""
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            cur = self._con.cursor()
            self._local.cursor = cur
        return cur

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _migrate(self) -> None:
        cur = self.cursor()
        for ddl in _DDL:
            cur.execute(ddl)
        self._key_activities(cur)
        cur.execute(
            "INSERT INTO meta VALUES ('schema_version', ?), ('revision', '0') ON CONFLICT DO NOTHING",
            [str(SCHEMA_VERSION)],
        )
        cur.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION)])
        # a store without samples has nothing to backfill: every later import brings its efforts
        cur.execute(
            "INSERT INTO meta SELECT ?, '1' WHERE NOT EXISTS "
            "(SELECT 1 FROM activities WHERE samples > 0) ON CONFLICT DO NOTHING",
            [EFFORTS_MEASURED],
        )

    @staticmethod
    def _key_activities(cur: duckdb.DuckDBPyConnection) -> None:
        """Schema 8: keys for the activities of an older store, and the same keys on their
        samples, in one transaction (none of it if the process dies before the commit: the
        next open starts again).

        Keys follow where each activity's samples begin in the table, so they rise with the
        row groups as the keys given at import do (:data:`_KEY`); activities without samples
        come last. About 1 s and 0.5 GB for five years of running (4.9 M samples), once.
        The revision stays: nothing a page reads changes.
        """
        missing = cur.execute(
            "SELECT count(*) FROM activities a WHERE NOT EXISTS "
            "(SELECT 1 FROM activity_keys k WHERE k.activity_id = a.activity_id)"
        ).fetchone()
        if not missing or not missing[0]:
            return
        cur.execute("BEGIN TRANSACTION")
        try:
            cur.execute(
                """INSERT INTO activity_keys
                SELECT a.activity_id, (SELECT coalesce(max(activity_key), 0) FROM activity_keys)
                    + row_number() OVER (ORDER BY s.first_row NULLS LAST, a.start_time_utc,
                                         a.activity_id)
                FROM activities a
                LEFT JOIN (SELECT activity_id, min(rowid) AS first_row FROM samples
                           GROUP BY activity_id) s USING (activity_id)
                WHERE NOT EXISTS
                    (SELECT 1 FROM activity_keys k WHERE k.activity_id = a.activity_id)"""
            )
            cur.execute(
                "UPDATE samples SET activity_key = k.activity_key FROM activity_keys k "
                "WHERE samples.activity_key IS NULL AND samples.activity_id = k.activity_id"
            )
            cur.execute("COMMIT")
        except BaseException:
            with suppress(duckdb.Error):
                cur.execute("ROLLBACK")
            raise

    def _samples_keyed(self) -> bool:
        """Whether samples are read by key: schema 8, every activity keyed. A store of an
        older schema opened read-only is not migrated, and is read by activity id."""
        cur = self.cursor()
        row = cur.execute(
            "SELECT count(*) FROM duckdb_columns() WHERE schema_name = 'main' AND "
            "((table_name = 'samples' AND column_name = 'activity_key') "
            "OR (table_name = 'activity_keys' AND column_name = 'activity_key'))"
        ).fetchone()
        if not row or row[0] != 2:
            return False
        unkeyed = cur.execute(
            "SELECT count(*) FROM activities a WHERE NOT EXISTS "
            "(SELECT 1 FROM activity_keys k WHERE k.activity_id = a.activity_id)"
        ).fetchone()
        return unkeyed is not None and unkeyed[0] == 0

    @contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One write transaction that also bumps the revision; all or nothing."""
        with self._write_lock:
            cur = self.cursor()
            try:
                cur.execute("BEGIN TRANSACTION")
            except duckdb.Error as err:
                raise (store_fault(err, self.path) or err) from err
            try:
                yield cur
                cur.execute(
                    "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) "
                    "WHERE key = 'revision'"
                )
                cur.execute("COMMIT")
            except BaseException as err:
                # a failed COMMIT has already ended the transaction ("cannot rollback - no
                # transaction is active"): the first error is the one that says what happened
                with suppress(duckdb.Error):
                    cur.execute("ROLLBACK")
                fault = store_fault(err, self.path) if isinstance(err, duckdb.Error) else None
                if fault is None:
                    raise
                raise fault from err

    def revision(self) -> int:
        row = self.cursor().execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()
        return int(row[0]) if row else 0

    def get_meta(self, key: str) -> str | None:
        row = self.cursor().execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self._transaction() as cur:
            cur.execute(
                "INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [key, value],
            )

    # ---- writes --------------------------------------------------------------------------------
    def has_file(self, file_hash: str) -> bool:
        q = "SELECT 1 FROM files WHERE file_hash = ?"
        return self.cursor().execute(q, [file_hash]).fetchone() is not None

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
        with self._transaction() as cur:
            cur.execute(
                "INSERT INTO files VALUES (?, ?, ?, ?, now()::TIMESTAMP, ?)",
                [file_hash, file_name, fmt, size_bytes, len(records)],
            )
            for rec in records:
                dupes.extend(self._insert_activity(cur, rec))
        ids = tuple(rec.activity_id for rec in records)
        return StoredFile(file_hash, True, ids, tuple(dupes))

    def add_files(self, files: Sequence[NewFile]) -> list[StoredFile]:
        """Store many files in one transaction, each as :meth:`add_file` would, in order.

        See :class:`analysis.store.contract.BatchStore`. The rows go in as one insert per table
        (the samples of the whole batch as one Arrow table), instead of a transaction and a dozen
        statements per file: what makes an archive import fast. Same runs are found as
        :meth:`_find_same_run` finds them, among the runs stored before and earlier in the batch.
        """
        if not files:
            return []
        results: list[StoredFile] = []
        with self._transaction() as cur:
            hashes = [f.file_hash for f in files]
            known = {
                str(row[0])
                for row in cur.execute(
                    "SELECT file_hash FROM files WHERE list_contains(?::VARCHAR[], file_hash)",
                    [hashes],
                ).fetchall()
            }
            new = [f for f in files if f.file_hash not in known]
            runs = _SameRuns(cur, [rec.summary for f in new for rec in f.records])
            file_rows: list[NewFile] = []
            summaries: list[dict[str, Any]] = []
            stored: list[ActivityRecord] = []
            for f in files:
                if f.file_hash in known:
                    results.append(StoredFile(f.file_hash, False, (), ()))
                    continue
                known.add(f.file_hash)  # the same bytes twice in one batch: stored once
                file_rows.append(f)
                dupes: list[tuple[str, str]] = []
                for rec in f.records:
                    summary = dict(rec.summary)
                    dupes.extend(runs.link(summary))
                    summaries.append(summary)
                    stored.append(rec)
                ids = tuple(rec.activity_id for rec in f.records)
                results.append(StoredFile(f.file_hash, True, ids, tuple(dupes)))
            if file_rows:
                cur.execute(
                    "INSERT INTO files SELECT h, n, f, s, now()::TIMESTAMP, a FROM (SELECT "
                    "unnest(?::VARCHAR[]) AS h, unnest(?::VARCHAR[]) AS n, "
                    "unnest(?::VARCHAR[]) AS f, unnest(?::BIGINT[]) AS s, "
                    "unnest(?::INTEGER[]) AS a)",
                    [
                        [f.file_hash for f in file_rows],
                        [f.file_name for f in file_rows],
                        [f.fmt for f in file_rows],
                        [int(f.size_bytes) for f in file_rows],
                        [len(f.records) for f in file_rows],
                    ],
                )
            if summaries:
                cur.execute(
                    _INSERT_ACTIVITIES,
                    [[_plain(row.get(col)) for row in summaries] for col in _ACTIVITY_COLUMNS],
                )
                keys = self._add_keys(cur, [rec.activity_id for rec in stored])
                self._insert_details(cur, stored, keys)
        return results

    def _insert_details(
        self, cur: duckdb.DuckDBPyConnection, records: Sequence[ActivityRecord], keys: list[int]
    ) -> None:
        """Samples, histograms, laps and efforts of activities just inserted (``keys[i]`` the
        key of ``records[i]``): one insert each."""
        with_samples = [i for i, rec in enumerate(records) if len(rec.samples)]
        samples = _samples_table(
            [records[i] for i in with_samples], [keys[i] for i in with_samples]
        )
        if samples is not None:
            self._append_arrow(cur, "samples", samples)
        for table in ("hr_histogram", "cadence_histogram"):
            parts = [(rec.activity_id, getattr(rec, table)) for rec in records]
            parts = [(aid, hist) for aid, hist in parts if len(hist)]
            if parts:
                value_col = str(parts[0][1].columns[0])
                rows = _detail_table(parts, (value_col, c.SAMPLE_DURATION_S))
                assert rows is not None
                # whole values (the histogram's bins) in an INTEGER column
                rows = rows.set_column(1, value_col, rows.column(1).cast(pa.int32()))
                self._append_arrow(cur, table, rows)
        laps = _laps_table(
            [
                (rec.activity_id, rec.laps)
                for rec in records
                if rec.laps is not None and len(rec.laps)
            ]
        )
        if laps is not None:
            self._append_arrow(cur, "laps", laps)
        for table, attr, cols in (
            ("best_efforts", "efforts", STORED_EFFORT_COLUMNS),
            ("effort_curves", "curve", STORED_CURVE_COLUMNS),
        ):
            found = [(rec.activity_id, getattr(rec, attr)) for rec in records]
            rows = _detail_table([(aid, frame) for aid, frame in found if len(frame)], cols)
            if rows is not None:  # the activities were inserted just before: no orphan rows
                self._append_arrow(cur, table, rows)

    @staticmethod
    def _add_keys(cur: duckdb.DuckDBPyConnection, activity_ids: Sequence[str]) -> list[int]:
        """Give activities just inserted the next keys, in order (see :data:`_KEY`); the keys.

        Called inside the write transaction, so no other write takes the same numbers.
        """
        row = cur.execute("SELECT coalesce(max(activity_key), 0) FROM activity_keys").fetchone()
        first = int(row[0]) + 1 if row else 1
        keys = list(range(first, first + len(activity_ids)))
        cur.execute(
            "INSERT INTO activity_keys SELECT unnest(?::VARCHAR[]), unnest(?::BIGINT[])",
            [list(activity_ids), keys],
        )
        return keys

    @staticmethod
    def _append_arrow(cur: duckdb.DuckDBPyConnection, table: str, rows: pa.Table) -> None:
        cols = ", ".join(f'"{col}"' for col in rows.column_names)
        cur.register("arrow_to_append", rows)
        try:
            cur.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM arrow_to_append")
        finally:
            cur.unregister("arrow_to_append")

    def _insert_activity(
        self, cur: duckdb.DuckDBPyConnection, rec: ActivityRecord
    ) -> list[tuple[str, str]]:
        summary = dict(rec.summary)
        found: list[tuple[str, str]] = []
        match = self._find_same_run(cur, summary)
        if match is not None:
            other_id, other_richness = match
            if _richness(summary.get(c.CHANNELS), summary[c.SAMPLES]) > other_richness:
                # the new copy is richer: it counts, the old one is linked to it
                cur.execute(
                    "UPDATE activities SET duplicate_of = ? WHERE activity_id = ? "
                    "OR duplicate_of = ?",
                    [summary[c.ACTIVITY_ID], other_id, other_id],
                )
                found.append((other_id, summary[c.ACTIVITY_ID]))
            else:
                summary[c.DUPLICATE_OF] = other_id
                found.append((summary[c.ACTIVITY_ID], other_id))
        cur.execute(_INSERT_ACTIVITY, [_plain(summary.get(k)) for k in _ACTIVITY_COLUMNS])
        aid = summary[c.ACTIVITY_ID]
        (key,) = self._add_keys(cur, [aid])
        if len(rec.samples):
            samples = rec.samples.copy()
            samples[c.TIMESTAMP] = samples[c.TIMESTAMP].dt.tz_convert("UTC").dt.tz_localize(None)
            samples.insert(0, c.ACTIVITY_ID, aid)
            samples.insert(1, _KEY, key)
            self._append(cur, "samples", samples)
        for table, hist in (
            ("hr_histogram", rec.hr_histogram),
            ("cadence_histogram", rec.cadence_histogram),
        ):
            if len(hist):
                value_col = str(hist.columns[0])
                # small frames: plain VALUES rows are cheaper than registering a frame
                rows = ", ".join(
                    f"('{aid}', {int(v)}, {float(sec)!r})"
                    for v, sec in zip(hist[value_col], hist[c.SAMPLE_DURATION_S], strict=True)
                )
                cur.execute(
                    f"INSERT INTO {table} (activity_id, {value_col}, sample_duration_s) "
                    f"VALUES {rows}"
                )
        if rec.laps is not None and len(rec.laps):
            laps = _lap_rows(aid, rec.laps)
            cur.executemany(
                "INSERT INTO laps VALUES (?, ?, ?, ?, ?)",
                [[_plain(v) for v in row] for row in laps.itertuples(index=False)],
            )
        self._insert_efforts(cur, [(aid, rec.efforts, rec.curve)])
        return found

    @staticmethod
    def _insert_efforts(
        cur: duckdb.DuckDBPyConnection, found: Sequence[tuple[str, pd.DataFrame, pd.DataFrame]]
    ) -> None:
        """Insert best-effort and curve rows of activities that are stored (about 28 a run)."""
        efforts, curves = effort_rows(found)
        for table, rows in (("best_efforts", efforts), ("effort_curves", curves)):
            if rows.empty:
                continue
            cols = list(rows.columns)
            # a few dozen rows: one bound list per column (4.3 ms a run for both tables,
            # measured) costs less than registering a frame (5.6 ms)
            arrays = [rows[cols[0]].astype(str).tolist()] + [
                [_plain(v) for v in rows[col].tolist()] for col in cols[1:]
            ]
            # an activity deleted while a backfill measured it gets no orphan rows
            cur.execute(
                f"INSERT INTO {table} ({', '.join(cols)}) "
                f"SELECT * FROM (SELECT unnest(?::VARCHAR[]) AS {cols[0]}, "
                + ", ".join(f"unnest(?::DOUBLE[]) AS {col}" for col in cols[1:])
                + ") e WHERE EXISTS "
                "(SELECT 1 FROM activities a WHERE a.activity_id = e.activity_id)",
                arrays,
            )

    def store_efforts(
        self, found: Sequence[tuple[str, pd.DataFrame, pd.DataFrame]], *, complete: bool = False
    ) -> int:
        """Replace the best efforts and curves of activities, in one transaction.

        See :meth:`analysis.store.contract.AthleteStore.store_efforts`.
        """
        if not found and not complete:
            return 0
        ids = [activity_id for activity_id, _, _ in found]
        written = 0
        with self._transaction() as cur:
            if ids:
                for table in ("best_efforts", "effort_curves"):
                    cur.execute(
                        f"DELETE FROM {table} WHERE list_contains(?::VARCHAR[], activity_id)",
                        [ids],
                    )
                self._insert_efforts(cur, found)
                row = cur.execute(
                    "SELECT count(*) FROM activities "
                    "WHERE list_contains(?::VARCHAR[], activity_id)",
                    [ids],
                ).fetchone()
                written = int(row[0]) if row else 0
            if complete:
                cur.execute(
                    "INSERT INTO meta VALUES (?, '1') ON CONFLICT (key) DO UPDATE SET value = '1'",
                    [EFFORTS_MEASURED],
                )
        return written

    @staticmethod
    def _append(cur: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
        cols = ", ".join(f'"{col}"' for col in frame.columns)
        cur.register("frame_to_append", frame)
        cur.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM frame_to_append")
        cur.unregister("frame_to_append")

    @staticmethod
    def _find_same_run(
        cur: duckdb.DuckDBPyConnection, summary: dict[str, Any]
    ) -> tuple[str, tuple[int, int]] | None:
        """A counted activity that is the same run: sport, start and distance alike.

        Starts are compared in UTC and in local time, because a summary row may know only one of
        them (Strava states UTC, Garmin Connect local time). Sports match when equal or when one
        side could not tell (``other``: a TCX "Other" next to the watch's FIT). File names play
        no part. Returns the match and its richness (channels, samples).
        """
        rows = cur.execute(
            """
            SELECT activity_id, channels, samples, distance_m FROM activities
            WHERE duplicate_of IS NULL AND (sport = ? OR sport = 'other' OR ? = 'other') AND (
                abs(epoch(start_time_utc) - epoch(?::TIMESTAMP)) <= ?
                OR abs(epoch(start_time_local) - epoch(?::TIMESTAMP)) <= ?)
            ORDER BY channels DESC NULLS LAST, samples DESC
            """,
            [
                summary[c.SPORT],
                summary[c.SPORT],
                summary[c.START_TIME_UTC],
                START_MATCH_S,
                summary[c.START_TIME_LOCAL],
                START_MATCH_S,
            ],
        ).fetchall()
        mine = summary.get(c.DISTANCE_M)
        for activity_id, channels, samples, distance in rows:
            if mine is None or distance is None:
                return str(activity_id), _richness(channels, samples)
            tolerance = max(DISTANCE_MATCH_FRAC * max(mine, distance), 100.0)
            if abs(mine - distance) <= tolerance:
                return str(activity_id), _richness(channels, samples)
        return None

    def delete_activity(self, activity_id: str) -> bool:
        """Delete one activity with its samples; a copy that duplicated it takes its place."""
        cur = self.cursor()
        row = cur.execute(
            "SELECT file_hash FROM activities WHERE activity_id = ?", [activity_id]
        ).fetchone()
        if row is None:
            return False
        with self._transaction() as cur:
            for table in (*_DETAIL_TABLES, "activities"):
                cur.execute(f"DELETE FROM {table} WHERE activity_id = ?", [activity_id])
            heir = cur.execute(
                "SELECT activity_id FROM activities WHERE duplicate_of = ? "
                "ORDER BY channels DESC NULLS LAST, samples DESC, activity_id LIMIT 1",
                [activity_id],
            ).fetchone()
            if heir is not None:
                cur.execute(
                    "UPDATE activities SET duplicate_of = NULL WHERE activity_id = ?", [heir[0]]
                )
                cur.execute(
                    "UPDATE activities SET duplicate_of = ? WHERE duplicate_of = ?",
                    [heir[0], activity_id],
                )
            # forget the file once none of its activities is left, so it can be imported again
            cur.execute(
                "DELETE FROM files WHERE file_hash = ? AND NOT EXISTS "
                "(SELECT 1 FROM activities WHERE file_hash = ?)",
                [row[0], row[0]],
            )
        return True

    def save_settings(self, settings: AthleteSettings) -> None:
        with self._transaction() as cur:
            cur.execute(
                "INSERT INTO settings VALUES ('athlete', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [json.dumps(settings.to_dict(), sort_keys=True)],
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
        # one UPDATE from a table of the rows (an executemany took 0.5 ms a row). An activity
        # named by several rows gets what row after row would give it: the last value of each
        # field that a row states, and the first sport (the activity is no longer 'other' then)
        merged: dict[str, list[Any]] = {}
        for aid, name, rpe, gear, ext, sport in rows:
            values = [name, _plain(rpe), gear, ext, None if sport == c.SPORT_OTHER else sport]
            seen = merged.setdefault(aid, [None] * 5)
            for i, value in enumerate(values):
                if value is not None and (i < 4 or seen[i] is None):
                    seen[i] = value
        fields = list(zip(*merged.values(), strict=True))
        meta = pa.table(
            {
                "aid": pa.array(list(merged), pa.string()),
                "new_name": pa.array(fields[0], pa.string()),
                "new_rpe": pa.array(fields[1], pa.float64()),
                "new_gear": pa.array(fields[2], pa.string()),
                "new_ext": pa.array(fields[3], pa.string()),
                "new_sport": pa.array(fields[4], pa.string()),
            }
        )
        with self._transaction() as cur:
            cur.register("export_rows", meta)
            try:
                cur.execute(
                    "UPDATE activities SET name = coalesce(e.new_name, activities.name), "
                    "rpe = coalesce(e.new_rpe, activities.rpe), "
                    "gear = coalesce(e.new_gear, activities.gear), "
                    "external_id = coalesce(e.new_ext, activities.external_id), "
                    "sport = CASE WHEN activities.sport = 'other' "
                    "THEN coalesce(e.new_sport, activities.sport) ELSE activities.sport END "
                    "FROM export_rows e WHERE activities.activity_id = e.aid"
                )
            finally:
                cur.unregister("export_rows")

    def set_rpe(self, activity_id: str, rpe: float | None) -> None:
        """Session RPE (CR-10, 0–10) of one activity; None clears it."""
        if rpe is not None and not 0 <= rpe <= 10:
            raise ValueError("RPE is on the CR-10 scale: 0 to 10")
        with self._transaction() as cur:
            cur.execute("UPDATE activities SET rpe = ? WHERE activity_id = ?", [rpe, activity_id])

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
        cols = ", ".join(columns)
        on_conflict = on_conflict_action(update)
        with self._transaction() as cur:
            cur.register("rows_to_upsert", rows)
            cur.execute(
                f"INSERT INTO {table} ({cols}) SELECT {cols} FROM rows_to_upsert "
                f"ON CONFLICT ({key}) {on_conflict}"
            )
            cur.unregister("rows_to_upsert")
        return len(rows)

    def delete_wellness(self, day: Any) -> None:
        with self._transaction() as cur:
            cur.execute("DELETE FROM wellness WHERE date = ?", [pd.Timestamp(day).date()])

    def add_comment(self, scope: str, target: str, author: str, body: str) -> str:
        """A note on a week (``target`` = its ISO week start) or an activity; returns its id."""
        text = check_comment(scope, target, body)
        comment_id = secrets.token_hex(8)
        with self._transaction() as cur:
            cur.execute(
                "INSERT INTO comments VALUES (?, ?, ?, ?, ?, ?)",
                [comment_id, scope, target, author, _utcnow(), text],
            )
        return comment_id

    def delete_comment(self, comment_id: str) -> bool:
        with self._transaction() as cur:
            found = cur.execute(
                "DELETE FROM comments WHERE comment_id = ? RETURNING comment_id", [comment_id]
            ).fetchall()
        return bool(found)

    # ---- reads ---------------------------------------------------------------------------------
    def comments(self, scope: str | None = None, target: str | None = None) -> pd.DataFrame:
        """Notes, oldest first; ``created_at`` is tz-aware UTC."""
        clauses, params = [], []
        for col, value in (("scope", scope), ("target", target)):
            if value is not None:
                clauses.append(f"{col} = ?")
                params.append(value)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        cols = ", ".join(COMMENT_COLUMNS)
        frame = (
            self.cursor()
            .execute(f"SELECT {cols} FROM comments{where} ORDER BY created_at, comment_id", params)
            .df()
        )
        frame["created_at"] = pd.to_datetime(frame["created_at"]).dt.tz_localize("UTC")
        return frame

    def wellness(self) -> pd.DataFrame:
        """The wellness log, one row per day, oldest first (days without an entry are absent)."""
        cols = ", ".join(c.WELLNESS_COLUMNS)
        frame = self.cursor().execute(f"SELECT {cols} FROM wellness ORDER BY date").df()
        frame[c.DATE] = pd.to_datetime(frame[c.DATE])
        for col in c.WELLNESS_COLUMNS[1:-1]:
            frame[col] = frame[col].astype("float64")
        return frame

    def plan(self) -> pd.DataFrame:
        """The weekly plan, oldest week first."""
        cols = ", ".join(c.PLAN_COLUMNS)
        frame = self.cursor().execute(f"SELECT {cols} FROM plan ORDER BY week_start").df()
        frame[c.WEEK_START] = pd.to_datetime(frame[c.WEEK_START])
        for col in c.PLAN_COLUMNS[1:]:
            frame[col] = frame[col].astype("float64")
        return frame

    def load_settings(self) -> AthleteSettings:
        row = self.cursor().execute("SELECT value FROM settings WHERE key = 'athlete'").fetchone()
        if row is None:
            return AthleteSettings()
        try:
            return AthleteSettings.from_dict(json.loads(row[0]))
        except (ValueError, TypeError):
            return AthleteSettings()

    def activity_count(self, include_duplicates: bool = False) -> int:
        where = "" if include_duplicates else " WHERE duplicate_of IS NULL"
        row = self.cursor().execute(f"SELECT count(*) FROM activities{where}").fetchone()
        return int(row[0]) if row else 0

    def activities(
        self, sport: str | None = None, include_duplicates: bool = False
    ) -> pd.DataFrame:
        """One row per activity, newest first; duplicates left out unless asked for."""
        clauses = []
        params: list[Any] = []
        if not include_duplicates:
            clauses.append("duplicate_of IS NULL")
        if sport is not None:
            clauses.append("sport = ?")
            params.append(sport)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        frame = (
            self.cursor()
            .execute(f"SELECT * FROM activities{where} ORDER BY start_time_utc DESC", params)
            .df()
        )
        return self._fix_activity_types(frame)

    @staticmethod
    def _fix_activity_types(frame: pd.DataFrame) -> pd.DataFrame:
        frame[c.START_TIME_UTC] = pd.to_datetime(frame[c.START_TIME_UTC]).dt.tz_localize("UTC")
        frame[c.START_TIME_LOCAL] = pd.to_datetime(frame[c.START_TIME_LOCAL])
        frame[c.LOCAL_DATE] = pd.to_datetime(frame[c.LOCAL_DATE])
        for col in (
            c.DURATION_S, c.MOVING_TIME_S, c.DISTANCE_M, c.AVG_HEART_RATE_BPM,
            c.MAX_HEART_RATE_BPM, c.AVG_CADENCE_SPM, c.AVG_SPEED_MPS, c.ELEVATION_GAIN_M, c.RPE,
        ):  # fmt: skip
            frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64")
        return frame

    def activity(self, activity_id: str) -> dict[str, Any] | None:
        frame = (
            self.cursor()
            .execute("SELECT * FROM activities WHERE activity_id = ?", [activity_id])
            .df()
        )
        if frame.empty:
            return None
        return dict(self._fix_activity_types(frame).iloc[0])

    def _keys_of(self, activity_ids: Sequence[str]) -> dict[int, str]:
        """The keys of those of ``activity_ids`` that are stored, each with its activity."""
        rows = (
            self.cursor()
            .execute(
                "SELECT activity_key, activity_id FROM activity_keys "
                "WHERE list_contains(?::VARCHAR[], activity_id)",
                [list(activity_ids)],
            )
            .fetchall()
        )
        return {int(key): str(aid) for key, aid in rows}

    def samples(self, activity_id: str) -> pd.DataFrame:
        """The tidy per-sample frame of one activity, as it was parsed."""
        cols = ", ".join(f'"{col}"' for col in c.SAMPLE_COLUMNS)
        if self._keyed:
            # the key prunes the row groups (_KEY); the id keeps the answer the id's own
            keys = list(self._keys_of([activity_id]))
            where, params = "activity_key = ? AND activity_id = ?", [keys[0] if keys else None]
        else:
            where, params = "activity_id = ?", []
        frame = (
            self.cursor()
            .execute(
                f"SELECT {cols} FROM samples WHERE {where} ORDER BY timestamp",
                [*params, activity_id],
            )
            .df()
        )
        frame[c.TIMESTAMP] = pd.to_datetime(frame[c.TIMESTAMP]).dt.tz_localize("UTC")
        for col in c.SAMPLE_COLUMNS[1:]:
            frame[col] = frame[col].astype("float64")
        return frame

    def samples_of(
        self, activity_ids: Sequence[str], columns: Sequence[str] = c.SAMPLE_COLUMNS
    ) -> dict[str, pd.DataFrame]:
        """Several activities' samples in one read (see the contract).

        Read by key (:data:`_KEY`): only the row groups that hold the activities are read.
        DuckDB answers a list of keys with a join, which does not keep the table's order, so
        the rows are put in order here, by key and time (under 1 ms for 200,000 rows, where
        the database's ORDER BY held 30 MB more), from NumPy arrays (a frame of the result
        held 20 MB more). The frames of one read share its columns (slices, copied on write).
        """
        cols = [col for col in c.SAMPLE_COLUMNS if col in columns]  # known names only reach SQL
        if not self._keyed:
            return self._samples_by_id(activity_ids, cols)
        names = self._keys_of(activity_ids)
        if not names:
            return {}
        cur = self.cursor()
        # a channel none of these runs recorded (dynamics, power: most files have none) is not
        # read: its NaNs are one array shared by every such column
        channels = [col for col in cols if col != c.TIMESTAMP]
        counted = cur.execute(
            "SELECT "
            + ", ".join(f'count("{col}") > 0' for col in channels or ["*"])
            + " FROM samples WHERE list_contains(?::BIGINT[], activity_key)",
            [list(names)],
        ).fetchone()
        empty = {col for col, some in zip(channels, counted or (), strict=False) if not some}
        # the timestamp orders the rows even when it is not asked for
        read = [c.TIMESTAMP, *(col for col in channels if col not in empty)]
        quoted = ", ".join(f'"{col}"' for col in read)
        result = cur.execute(
            f"SELECT activity_key, {quoted} FROM samples "
            "WHERE list_contains(?::BIGINT[], activity_key)",
            [list(names)],
        ).fetchnumpy()
        keys = np.asarray(result.pop(_KEY), dtype="int64")
        if not len(keys):
            return {}
        order = np.lexsort((np.asarray(result[c.TIMESTAMP]).view("int64"), keys))
        keys = keys[order]
        data: dict[str, np.ndarray] = {}
        nothing = np.full(len(keys), np.nan)
        for col in cols:  # a column at a time, each put in order and its read dropped
            if col in empty:
                data[col] = nothing
                continue
            values = result.pop(col)
            if isinstance(values, np.ma.MaskedArray):  # NULLs: NaN (NaT), as a frame holds them
                values = values.filled(np.datetime64("NaT") if col == c.TIMESTAMP else np.nan)
            data[col] = np.asarray(values)[order]
        del result
        frame = pd.DataFrame(data, copy=False)
        if c.TIMESTAMP in cols:
            frame[c.TIMESTAMP] = pd.to_datetime(frame[c.TIMESTAMP]).dt.tz_localize("UTC")
        for col in cols:
            if col != c.TIMESTAMP:
                frame[col] = frame[col].astype("float64")
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
        stops = np.r_[starts[1:], len(keys)]
        found = {
            names[int(keys[start])]: frame.iloc[start:stop].reset_index(drop=True)
            for start, stop in zip(starts, stops, strict=True)
        }
        return {aid: found[aid] for aid in sorted(found)}  # in id order, as ORDER BY gave them

    def _samples_by_id(
        self, activity_ids: Sequence[str], cols: list[str]
    ) -> dict[str, pd.DataFrame]:
        """:meth:`samples_of` of a store without keys (an older one opened read-only): every
        row group of the samples table is scanned."""
        quoted = ", ".join(f'"{col}"' for col in cols)
        frame = (
            self.cursor()
            .execute(
                f"SELECT activity_id, {quoted} FROM samples "
                "WHERE list_contains(?::VARCHAR[], activity_id) ORDER BY activity_id, timestamp",
                [list(activity_ids)],
            )
            .df()
        )
        if c.TIMESTAMP in cols:
            frame[c.TIMESTAMP] = pd.to_datetime(frame[c.TIMESTAMP]).dt.tz_localize("UTC")
        for col in cols:
            if col != c.TIMESTAMP:
                frame[col] = frame[col].astype("float64")
        return {
            str(aid): rows.drop(columns=c.ACTIVITY_ID).reset_index(drop=True)
            for aid, rows in frame.groupby(c.ACTIVITY_ID, sort=False)
        }

    def _histogram(self, table: str, value_col: str, sport: str | None) -> pd.DataFrame:
        where = "a.duplicate_of IS NULL"
        params: list[Any] = []
        if sport is not None:
            where += " AND a.sport = ?"
            params.append(sport)
        frame = (
            self.cursor()
            .execute(
                f"""SELECT h.activity_id, a.local_date, h.{value_col}, h.sample_duration_s
                FROM {table} h JOIN activities a USING (activity_id) WHERE {where}""",
                params,
            )
            .df()
        )
        frame[c.LOCAL_DATE] = pd.to_datetime(frame[c.LOCAL_DATE])
        frame[value_col] = frame[value_col].astype("float64")
        return frame

    def hr_histogram(self, sport: str | None = None) -> pd.DataFrame:
        """[activity_id, local_date, heart_rate_bpm, sample_duration_s] of counted activities."""
        return self._histogram("hr_histogram", c.HEART_RATE_BPM, sport)

    def cadence_histogram(self, sport: str | None = None) -> pd.DataFrame:
        """[activity_id, local_date, cadence_spm, sample_duration_s] of counted activities."""
        return self._histogram("cadence_histogram", c.CADENCE_SPM, sport)

    def files(self) -> pd.DataFrame:
        return self.cursor().execute("SELECT * FROM files ORDER BY imported_at DESC").df()

    def _effort_query(
        self, select: str, table: str, order: str, sport: str | None, columns: tuple[str, ...]
    ) -> pd.DataFrame:
        where = "a.duplicate_of IS NULL"
        params: list[Any] = []
        if sport is not None:
            where += " AND a.sport = ?"
            params.append(sport)
        frame = (
            self.cursor()
            .execute(
                f"SELECT e.activity_id, a.local_date, {select} FROM {table} e "
                f"JOIN activities a USING (activity_id) WHERE {where} "
                f"ORDER BY a.start_time_utc, e.activity_id, {order}",
                params,
            )
            .df()
        )
        return effort_frame(frame, columns)

    def best_efforts(self, sport: str | None = c.SPORT_RUNNING) -> pd.DataFrame:
        """Best efforts of counted activities, oldest run first (see the contract)."""
        return self._effort_query(
            "e.distance_m, e.time_s, e.time_s / e.distance_m * 1000 AS pace_s_per_km, "
            "e.start_elapsed_s",
            "best_efforts",
            "e.distance_m",
            sport,
            BEST_EFFORT_COLUMNS,
        )

    def effort_curves(self, sport: str | None = c.SPORT_RUNNING) -> pd.DataFrame:
        """Pace–duration curves of counted activities, oldest run first (see the contract)."""
        return self._effort_query(
            "e.duration_s, e.distance_m, e.distance_m / e.duration_s AS speed_mps, "
            "CASE WHEN e.distance_m > 0 THEN e.duration_s / e.distance_m * 1000 END "
            "AS pace_s_per_km, e.start_elapsed_s",
            "effort_curves",
            "e.duration_s",
            sport,
            EFFORT_CURVE_COLUMNS,
        )

    def activities_without_efforts(self) -> list[str]:
        """Activities with samples and no effort rows, oldest first, until the store is marked
        measured (see the contract)."""
        if self.get_meta(EFFORTS_MEASURED) is not None:
            return []
        rows = (
            self.cursor()
            .execute(
                "SELECT activity_id FROM activities a WHERE samples > 0 "
                "AND NOT EXISTS (SELECT 1 FROM effort_curves e WHERE e.activity_id = a.activity_id) "
                "AND NOT EXISTS (SELECT 1 FROM best_efforts e WHERE e.activity_id = a.activity_id) "
                "ORDER BY start_time_utc, activity_id"
            )
            .fetchall()
        )
        return [str(row[0]) for row in rows]

    def laps(self, activity_id: str) -> pd.DataFrame:
        return (
            self.cursor()
            .execute(
                "SELECT lap_index, lap_start, duration_s, distance_m FROM laps "
                "WHERE activity_id = ? ORDER BY lap_index",
                [activity_id],
            )
            .df()
        )

    # ---- schema 6: goal races, training blocks, shoes (checks and dtypes: store.season) --------
    def _season_rows(self, table: str) -> pd.DataFrame:
        cols = ", ".join(season.TABLE_COLUMNS[table])
        rows = (
            self.cursor()
            .execute(f"SELECT {cols} FROM {table} ORDER BY {season.ORDER_BY[table]}")
            .fetchall()
        )
        return season.table_frame(rows, table)

    def _season_add(self, table: str, row: dict[str, Any]) -> str:
        new_id = secrets.token_hex(8)
        values = {season.ID_COLUMN[table]: new_id, **row}
        cols = season.TABLE_COLUMNS[table]
        with self._transaction() as cur:
            cur.execute(
                f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
                [values[col] for col in cols],
            )
        return new_id

    def _season_update(self, table: str, row_id: str, row: dict[str, Any]) -> bool:
        sets = ", ".join(f"{col} = ?" for col in row)
        with self._transaction() as cur:
            found = cur.execute(
                f"UPDATE {table} SET {sets} WHERE {season.ID_COLUMN[table]} = ? "
                f"RETURNING {season.ID_COLUMN[table]}",
                [*row.values(), row_id],
            ).fetchall()
        return bool(found)

    def _season_delete(self, table: str, row_id: str) -> bool:
        key = season.ID_COLUMN[table]
        with self._transaction() as cur:
            found = cur.execute(
                f"DELETE FROM {table} WHERE {key} = ? RETURNING {key}", [row_id]
            ).fetchall()
        return bool(found)

    def _set_gear_of(self, activity_ids: list[str], gear: str | None) -> int:
        with self._transaction() as cur:
            found = cur.execute(
                "UPDATE activities SET gear = ? WHERE list_contains(?, activity_id) "
                "RETURNING activity_id",
                [gear, activity_ids],
            ).fetchall()
        return len(found)
