"""The way in: files (bytes or paths) → parsers → prepare → store, one transaction per file.

A file that cannot be used gets an outcome naming it and the reason; the rest of the batch goes on
and nothing stored before is touched.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from analysis.archive import (
    DEFAULT_LIMITS,
    ArchiveLimits,
    Member,
    Refusal,
    count_hint,
    count_paths_hint,
    iter_members,
    iter_paths,
)
from analysis.errors import StridelogError
from analysis.parsers import parse_bytes
from analysis.parsers.base import ParsedActivity
from analysis.prepare import ActivityRecord, prepare_activity
from analysis.store import Store

IMPORTED = "imported"
ALREADY = "already imported"
DUPLICATE = "duplicate"  # stored, but the same run was already counted from a richer copy
SKIPPED = "skipped"  # not an activity (a photo, an account file in an export)
FAILED = "failed"
CANCELLED = "cancelled"

Progress = Callable[[int, int, str], None]
"""progress(done, total, current file name)."""


@dataclass
class FileOutcome:
    """What happened to one file, in words a runner understands."""

    file: str
    status: str
    message: str = ""
    format: str = ""
    activities: int = 0
    timezone_source: str = ""
    duplicates: list[str] = field(default_factory=list)
    fixes: list[str] = field(default_factory=list)
    activity_ids: list[str] = field(default_factory=list)

    def as_row(self) -> dict[str, object]:
        """One line of the import report."""
        return {
            "file": self.file,
            "status": self.status,
            "message": self.message,
            "format": self.format,
            "activities": self.activities,
            "timezone_source": self.timezone_source,
            "duplicates": "; ".join(self.duplicates),
            "fixes": "; ".join(self.fixes),
        }


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _import_log(store: Store, name: str, data: bytes) -> FileOutcome | None:
    """A wellness log or a training plan CSV, recognised by its header; None for anything else.

    A file is looked at when its content reads as a CSV table (a ``.txt`` export of a wellness
    app counts) or, as before, when its name ends ``.csv``: the header decides either way.
    """
    from analysis.parsers import wellness
    from analysis.parsers.sniff import is_csv

    if not (name.lower().endswith(".csv") or is_csv(data, name)):
        return None

    try:
        if wellness.is_wellness_csv(data):
            days = store.upsert_wellness(wellness.read_wellness_csv(data, name))
            return FileOutcome(name, IMPORTED, f"wellness log: {days} days", "wellness")
        if wellness.is_plan_csv(data):
            weeks = store.upsert_plan(wellness.read_plan_csv(data, name))
            return FileOutcome(
                name, IMPORTED, f"training plan: {weeks} week{'' if weeks == 1 else 's'}", "plan"
            )
    except StridelogError as err:
        return FileOutcome(name, FAILED, getattr(err, "reason", str(err)))
    return None


@dataclass
class Prepared:
    """A file parsed and summarised, ready for the store (or the reason it is not)."""

    name: str
    size: int
    digest: str
    format: str = ""
    records: list[ActivityRecord] = field(default_factory=list)
    error: str | None = None


def prepare_file(name: str, data: bytes, digest: str | None = None) -> Prepared:
    """Parse and summarise one file; pure, so it can run in a worker process."""
    digest = digest or file_hash(data)
    try:
        fmt, parsed = parse_bytes(data, name)
        records = [prepare_activity(act, digest, i) for i, act in enumerate(parsed)]
    except StridelogError as err:
        return Prepared(name, len(data), digest, error=getattr(err, "reason", str(err)))
    except Exception as err:  # a parser bug must not sink the batch; say what broke
        reason = f"could not read the file ({type(err).__name__}: {err})"
        return Prepared(name, len(data), digest, error=reason)
    return Prepared(name, len(data), digest, fmt, records)


def store_prepared(store: Store, prep: Prepared) -> FileOutcome:
    """Write one prepared file (one transaction) and say what happened."""
    name, records, fmt = prep.name, prep.records, prep.format
    if prep.error is not None:
        return FileOutcome(name, FAILED, prep.error)
    if not records:
        return FileOutcome(name, FAILED, "no activities found in the file", fmt)
    stored = store.add_file(prep.digest, name, fmt, prep.size, records)
    fixes = sorted({fix for rec in records for fix in rec.fixes})
    sources = sorted({str(rec.summary["timezone_source"]) for rec in records})
    ids = [rec.activity_id for rec in records]
    linked = {a: b for a, b in stored.duplicates if a in ids}  # this file's runs counted elsewhere
    status = IMPORTED if stored.new else ALREADY
    message = f"{len(records)} activit{'y' if len(records) == 1 else 'ies'}"
    if stored.new and linked and len(linked) == len(ids):
        status = DUPLICATE
        message = (
            "duplicate of " + ", ".join(sorted(set(linked.values()))) + " (kept the richer copy)"
        )
    elif stored.duplicates:
        message += f"; {len(stored.duplicates)} matched a run already stored (counted once)"
    return FileOutcome(
        name,
        status,
        message,
        fmt,
        len(records),
        ", ".join(sources),
        [f"{a} is the same run as {b}" for a, b in stored.duplicates],
        fixes,
        ids,
    )


def _already(name: str) -> FileOutcome:
    return FileOutcome(name, ALREADY, "the same file was imported before; nothing added")


def import_bytes(store: Store, name: str, data: bytes) -> FileOutcome:
    """Parse one file and store it (whole, or not at all)."""
    log = _import_log(store, name, data)
    if log is not None:
        return log
    digest = file_hash(data)
    if store.has_file(digest):
        return _already(name)
    return store_prepared(store, prepare_file(name, data, digest))


def import_paths(
    store: Store,
    paths: Iterable[Path],
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
) -> list[FileOutcome]:
    """Import files, folders and export archives from disk (the way in for big exports).

    A zip is read through its file handle, one member at a time, never unpacked to disk.
    """
    paths = list(paths)
    missing = [FileOutcome(p.name, FAILED, "cannot read the file (no such file)") for p in paths
               if not p.exists()]  # fmt: skip
    present = [p for p in paths if p.exists()]
    total = max(count_paths_hint(present), 1)
    return missing + import_items(store, iter_paths(present), total, progress, cancel)


def _is_strava_index(member_name: str) -> bool:
    return member_name.rsplit("/", 1)[-1].lower() == "activities.csv"


def import_upload(
    store: Store,
    name: str,
    data: bytes,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
    limits: ArchiveLimits = DEFAULT_LIMITS,
    workers: int | None = None,
) -> list[FileOutcome]:
    """Import one upload: a plain file, a ``.gz``, or a whole export archive (zip, nested zips).

    Archives are read as streams in memory (:mod:`analysis.archive`); see :func:`import_items`
    (and its ``workers``: a Streamlit server must pass 0, because it runs pages as ``__main__``
    and a spawned worker would run the page again).
    """
    total = max(count_hint(data, name, limits), 1)
    members = iter_members(data, name, limits)
    return import_items(store, members, total, progress, cancel, name, workers)


POOL_MIN_FILES = 200
"""From this many files on, files are parsed in a second process while this one stores them.

Measured on 2 cores (300 runs of the 5-year archive, one run): in-process 23.7 runs/s; one worker
process parsing while this one stores 27.4 runs/s; two workers 26.7 runs/s and more memory."""


def _pool(workers: int) -> ProcessPoolExecutor | None:
    if workers < 1 or (os.cpu_count() or 1) < 2:
        return None
    # spawn, not fork: the caller may be a threaded server holding a database connection
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))


def import_items(
    store: Store,
    items: Iterable[Member | Refusal],
    total: int,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
    upload_name: str = "",
    workers: int | None = None,
) -> list[FileOutcome]:
    """Import the members an archive reader yields, one transaction each.

    An import stopped half-way (cancelled, or the process killed) keeps every file it finished and
    a rerun adds only the rest: finished files are recognised by their content hash. A Strava
    export's ``activities.csv`` is read last: its rows give their files a name, RPE and gear; the
    rows without a file are imported as summary activities.
    """
    outcomes: list[FileOutcome] = []
    index: Member | None = None
    by_member: dict[str, FileOutcome] = {}
    done = 0
    n_workers = workers if workers is not None else (1 if total >= POOL_MIN_FILES else 0)
    pool = _pool(n_workers)
    pending: deque[tuple[str, Future[Prepared]]] = deque()

    def finish(member_name: str, prep: Prepared) -> None:
        nonlocal done
        outcome = store_prepared(store, prep)
        outcome.file = member_name
        outcomes.append(outcome)
        by_member[member_name] = outcome
        done += 1
        if progress is not None:
            progress(done, max(total, done), member_name)

    try:
        for item in items:
            if cancel is not None and cancel():
                for _, future in pending:
                    future.cancel()
                # the export's index is left for the rerun, which joins it to every file
                outcomes.append(
                    FileOutcome(upload_name, CANCELLED, "import cancelled; what was done is kept")
                )
                return outcomes
            if isinstance(item, Refusal):
                status = SKIPPED if item.skipped else FAILED
                outcomes.append(FileOutcome(item.name, status, item.reason))
                done += 1
            elif _is_strava_index(item.name) and index is None and item.name != upload_name:
                index = item
                continue
            elif (log := _import_log(store, item.inner_name, item.data)) is not None:
                log.file = item.name
                outcomes.append(log)
                done += 1
            else:
                digest = file_hash(item.data)
                if store.has_file(digest):
                    outcomes.append(_already(item.name))
                    done += 1
                elif pool is None:
                    finish(item.name, prepare_file(item.inner_name, item.data, digest))
                    continue
                else:
                    future = pool.submit(prepare_file, item.inner_name, item.data, digest)
                    pending.append((item.name, future))
                    # a short queue: workers stay busy while memory holds a few files only
                    while len(pending) > 2 * n_workers + 1:
                        member_name, ready = pending.popleft()
                        finish(member_name, ready.result())
                    continue
            if progress is not None:
                progress(done, max(total, done), item.name)
        while pending:
            member_name, ready = pending.popleft()
            finish(member_name, ready.result())
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    if index is not None:
        outcomes.append(_join_strava_index(store, index, by_member))
    return outcomes


def _join_strava_index(
    store: Store, index: Member, by_member: dict[str, FileOutcome]
) -> FileOutcome:
    """Apply a Strava ``activities.csv`` to the files it names; import its file-less rows."""
    from analysis.parsers.csv import read_csv

    try:
        rows = read_csv(index.data, index.inner_name)
    except StridelogError as err:
        return FileOutcome(index.name, FAILED, getattr(err, "reason", str(err)))
    # Strava names files relative to the export's root; a member's path may carry a prefix
    by_tail: dict[str, FileOutcome] = {}
    for path, outcome in by_member.items():
        parts = _strip_gz(path).split("/")
        for i in range(len(parts)):
            by_tail.setdefault("/".join(parts[i:]), outcome)
    updates = []
    leftover: list[ParsedActivity] = []
    for row in rows:
        found = by_tail.get(_strip_gz(row.source_file)) if row.source_file else None
        if found is None:
            leftover.append(row)
        elif found.activity_ids:
            updates.append(
                (found.activity_ids[0], row.name, row.rpe, row.gear, row.external_id, row.sport)
            )
    store.apply_export_metadata(updates)
    joined = len(updates)
    message = f"{joined} rows joined to their files (name, type, perceived exertion, gear)"
    if leftover:
        digest = file_hash(index.data)
        records = [prepare_activity(act, digest, i) for i, act in enumerate(leftover)]
        stored = store.add_file(digest, index.name, "csv", len(index.data), records)
        message += f"; {len(leftover)} rows without a file kept as summaries"
        if not stored.new:
            message += " (already imported)"
    return FileOutcome(index.name, IMPORTED, message, "csv", len(leftover))


def _strip_gz(path: str) -> str:
    path = path.replace("\\", "/").lower()
    while path.endswith(".gz"):
        path = path[:-3]
    return path
