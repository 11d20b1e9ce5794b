"""The way in: files (bytes or paths) → parsers → prepare → store, one transaction per file.

A file that cannot be used gets an outcome naming it and the reason; the rest of the batch goes on
and nothing stored before is touched. That holds for anything a file can cause, in any format
(activity, wellness log, plan, a Strava index): a parser's typed refusal, a bug it trips in a
parser, a value the store will not take, a worker process that dies reading it. Only a fault of
the store itself (:class:`~analysis.errors.StoreError`: locked, read-only, damaged, disk full)
stops the batch, because no later file could be stored either.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TypeVar

from analysis import columns as c
from analysis.archive import (
    ArchiveLimits,
    Member,
    Refusal,
    count_hint,
    count_paths_hint,
    current_archive_limits,
    iter_members,
    iter_paths,
)
from analysis.errors import StoreError, StridelogError
from analysis.parsers import parse_bytes
from analysis.parsers.base import ParsedActivity
from analysis.prepare import ActivityRecord, prepare_activity
from analysis.store import Store, StoredFile
from analysis.store.contract import BatchStore, NewFile

IMPORTED = "imported"
ALREADY = "already imported"
DUPLICATE = "duplicate"  # stored, but the same run was already counted from a richer copy
SKIPPED = "skipped"  # not an activity (a photo, an account file in an export)
FAILED = "failed"
CANCELLED = "cancelled"

_T = TypeVar("_T")

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


def failure_reason(err: Exception) -> str:
    """The reason a file could not be used, in the words of the error that stopped it."""
    if isinstance(err, StridelogError):
        return getattr(err, "reason", str(err))
    return f"could not read the file ({type(err).__name__}: {err})"


def guarded(name: str, work: Callable[[], _T]) -> _T | FileOutcome:
    """``work()``, or a FAILED outcome naming ``name`` when anything the file caused stops it.

    A :class:`~analysis.errors.StoreError` is raised on: it is the store's fault, not the file's,
    and every later file would meet it too.
    """
    try:
        return work()
    except StoreError:
        raise
    except (
        Exception
    ) as err:  # the file's fault, whatever it tripped: this file fails, not the batch
        return FileOutcome(name, FAILED, failure_reason(err))


def _import_log(store: Store, name: str, data: bytes) -> FileOutcome | None:
    """A wellness log or a training plan CSV, recognised by its header; None for anything else.

    A file is looked at when its content reads as a CSV table (a ``.txt`` export of a wellness
    app counts) or, as before, when its name ends ``.csv``: the header decides either way.
    """
    from analysis.parsers import wellness
    from analysis.parsers.sniff import is_csv

    if not (name.lower().endswith(".csv") or is_csv(data, name)):
        return None

    def read_wellness() -> FileOutcome:
        days = store.upsert_wellness(wellness.read_wellness_csv(data, name))
        return FileOutcome(name, IMPORTED, f"wellness log: {days} days", "wellness")

    def read_plan() -> FileOutcome:
        weeks = store.upsert_plan(wellness.read_plan_csv(data, name))
        return FileOutcome(
            name, IMPORTED, f"training plan: {weeks} week{'' if weeks == 1 else 's'}", "plan"
        )

    if wellness.is_wellness_csv(data):
        return guarded(name, read_wellness)
    if wellness.is_plan_csv(data):
        return guarded(name, read_plan)
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
    except Exception as err:  # a parser bug must not sink the batch; say what broke
        return Prepared(name, len(data), digest, error=failure_reason(err))
    return Prepared(name, len(data), digest, fmt, records)


def store_prepared(store: Store, prep: Prepared) -> FileOutcome:
    """Write one prepared file (one transaction) and say what happened.

    A file whose rows the store refuses fails alone (its transaction rolled back); a
    :class:`~analysis.errors.StoreError` is raised on.
    """
    return guarded(prep.name, lambda: _store_prepared(store, prep))


def _unusable(prep: Prepared) -> FileOutcome | None:
    """The outcome of a prepared file with nothing to store, else None."""
    if prep.error is not None:
        return FileOutcome(prep.name, FAILED, prep.error)
    if not prep.records:
        return FileOutcome(prep.name, FAILED, "no activities found in the file", prep.format)
    return None


def _store_prepared(store: Store, prep: Prepared) -> FileOutcome:
    unusable = _unusable(prep)
    if unusable is not None:
        return unusable
    return _stored_outcome(
        prep, store.add_file(prep.digest, prep.name, prep.format, prep.size, prep.records)
    )


def _stored_outcome(prep: Prepared, stored: StoredFile) -> FileOutcome:
    """The outcome of a file the store has taken (or found stored before)."""
    name, records, fmt = prep.name, prep.records, prep.format
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
    """Parse one file and store it (whole, or not at all); never raises for the file's sake."""
    return guarded(name, lambda: _import_one(store, name, data))


def _import_one(store: Store, name: str, data: bytes) -> FileOutcome:
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
    limits = current_archive_limits()  # the environment's limits as they are now, not at load
    total = max(count_paths_hint(present, limits), 1)
    return missing + import_items(store, iter_paths(present, limits), total, progress, cancel)


WORKER_DIED = (
    "the process reading the file stopped (out of memory, or a crash in a library it uses)"
)


@dataclass
class _Queued:
    """A file handed to the worker; its bytes stay here (the pool holds them anyway until the
    result is back) so the files behind a worker that died can be read in this process."""

    name: str
    inner_name: str
    data: bytes
    digest: str
    future: Future[Prepared]


def _read_on(
    items: Iterable[Member | Refusal], outcomes: list[FileOutcome], upload_name: str
) -> Iterator[Member | Refusal]:
    """The archive reader's items; when the reader itself trips, what was read is kept and the
    failure is reported (the reader cannot go on after raising, so the rest is not read)."""
    iterator = iter(items)
    while True:
        try:
            item = next(iterator)
        except StopIteration:
            return
        except StoreError:
            raise
        except Exception as err:  # the upload's fault: report it, keep what was imported
            reason = f"stopped reading the rest ({type(err).__name__}: {err})"
            outcomes.append(FileOutcome(upload_name or "the import", FAILED, reason))
            return
        yield item


def _is_strava_index(member_name: str) -> bool:
    return member_name.rsplit("/", 1)[-1].lower() == "activities.csv"


def import_upload(
    store: Store,
    name: str,
    data: bytes,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
    limits: ArchiveLimits | None = None,
    workers: int | None = None,
) -> list[FileOutcome]:
    """Import one upload: a plain file, a ``.gz``, or a whole export archive (zip, nested zips).

    Archives are read as streams in memory (:mod:`analysis.archive`); see :func:`import_items`
    (and its ``workers``: a Streamlit server must pass 0, because it runs pages as ``__main__``
    and a spawned worker would run the page again). ``limits``: the archive limits in force at
    this call (:func:`analysis.archive.current_archive_limits`, the environment's size limit
    included) when None.
    """
    limits = limits or current_archive_limits()
    total = max(count_hint(data, name, limits), 1)
    members = iter_members(data, name, limits)
    return import_items(store, members, total, progress, cancel, name, workers)


POOL_MIN_FILES = 200
"""From this many files on, files are parsed in worker processes (one per core) while this one
reads the archive and stores what they return; below it, starting the workers (about a second
each, to import the libraries) costs more than it saves."""

BATCH_SAMPLES = 200_000
"""A batch of parsed files is stored (one transaction) once it holds this many samples..."""
BATCH_FILES = 200
"""...or this many files (``STRIDELOG_IMPORT_BATCH_FILES`` in the environment sets another
number: 1 stores every file in a transaction of its own)..."""

BATCH_FILES_ENV = "STRIDELOG_IMPORT_BATCH_FILES"


def _batch_files() -> int:
    try:
        return max(1, int(os.environ.get(BATCH_FILES_ENV, BATCH_FILES)))
    except ValueError:
        return BATCH_FILES


BATCH_SECONDS = 1.0
"""...or its first file has waited this long [s], so pages see an import's files land."""


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
    cores = min(os.cpu_count() or 1, 2)
    n_workers = workers if workers is not None else (cores if total >= POOL_MIN_FILES else 0)
    pool = _pool(n_workers)
    pending: deque[_Queued] = deque()
    # parsed files waiting to be stored together: (their place in outcomes, member name, file)
    batch: list[tuple[int, str, Prepared]] = []
    batch_samples = 0
    batch_started = 0.0
    batcher = store if isinstance(store, BatchStore) else None
    batch_files = _batch_files()
    # the files stored before, read once (a lookup per file cost 3 ms); a file stored twice in
    # this run is found by add_files, which looks again inside its transaction
    stored_before = set(store.files()[c.FILE_HASH]) if batcher is not None else None

    def landed(member_name: str, outcome: FileOutcome, slot: int | None = None) -> None:
        nonlocal done
        outcome.file = member_name
        if slot is None:
            outcomes.append(outcome)
        else:
            outcomes[slot] = outcome
        by_member[member_name] = outcome
        done += 1
        if progress is not None:
            progress(done, max(total, done), member_name)

    def flush() -> None:
        """Store the batch in one transaction; a batch the store refuses (a value it will not
        take) is stored again file by file, so that file fails alone. A
        :class:`~analysis.errors.StoreError` is raised on."""
        nonlocal batch, batch_samples
        if not batch:
            return
        todo, batch, batch_samples = batch, [], 0
        files = [NewFile(p.digest, p.name, p.format, p.size, p.records) for _, _, p in todo]
        assert batcher is not None
        try:
            results: list[StoredFile] | None = batcher.add_files(files)
        except StoreError:
            raise
        except Exception:  # some file of the batch: find which, one transaction each
            results = None
        for i, (slot, member_name, prep) in enumerate(todo):
            if results is None:
                outcome = store_prepared(store, prep)
            else:
                outcome = guarded(prep.name, partial(_stored_outcome, prep, results[i]))
            landed(member_name, outcome, slot)

    def finish(member_name: str, prep: Prepared) -> None:
        nonlocal batch_samples, batch_started
        unusable = _unusable(prep)
        if batcher is None or unusable is not None:
            landed(member_name, unusable or store_prepared(store, prep))
            return
        if not batch:
            batch_started = time.monotonic()
        outcomes.append(FileOutcome(member_name, ""))  # its place in the report, filled on store
        batch.append((len(outcomes) - 1, member_name, prep))
        batch_samples += sum(len(rec.samples) for rec in prep.records)
        if (
            batch_samples >= BATCH_SAMPLES
            or len(batch) >= batch_files
            or time.monotonic() - batch_started >= BATCH_SECONDS
        ):
            flush()

    def collect() -> None:
        """Store the oldest file the worker was given (the queue keeps the input's order)."""
        nonlocal pool
        queued = pending.popleft()
        try:
            prep = queued.future.result()
        except BrokenProcessPool:
            # the worker died on this file (out of memory, a crash in a library): the files
            # queued behind it are not to blame and are read in this process instead
            finish(queued.name, Prepared(queued.name, len(queued.data), queued.digest,
                                         error=WORKER_DIED))  # fmt: skip
            abandon_pool()
            while pending:
                rest = pending.popleft()
                finish(rest.name, prepare_file(rest.inner_name, rest.data, rest.digest))
            return
        except Exception as err:  # a result that cannot come back (unpicklable, say)
            prep = Prepared(queued.name, len(queued.data), queued.digest,
                            error=failure_reason(err))  # fmt: skip
        finish(queued.name, prep)

    def abandon_pool() -> None:
        nonlocal pool
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
            pool = None

    def screen(item: Member) -> FileOutcome | str:
        """The outcome of a member that needs no parsing (a log, a file seen before), else its
        content hash."""
        if (log := _import_log(store, item.inner_name, item.data)) is not None:
            return log
        digest = file_hash(item.data)
        if stored_before is not None:
            return _already(item.name) if digest in stored_before else digest
        return _already(item.name) if store.has_file(digest) else digest

    def parse(item: Member, digest: str) -> None:
        """Parse and store one member here, or queue it for the worker (stored when it is back)."""
        if pool is not None:
            try:
                future = pool.submit(prepare_file, item.inner_name, item.data, digest)
            except BrokenProcessPool:  # the worker died on a queued file since the last check
                while pending:
                    collect()
                abandon_pool()
            else:
                pending.append(_Queued(item.name, item.inner_name, item.data, digest, future))
                # a short queue: workers stay busy while memory holds a few files only
                while len(pending) > 2 * n_workers + 1:
                    collect()
                return
        finish(item.name, prepare_file(item.inner_name, item.data, digest))

    try:
        for item in _read_on(items, outcomes, upload_name):
            if cancel is not None and cancel():
                for queued in pending:
                    queued.future.cancel()
                flush()  # the files parsed already are kept
                # the export's index is left for the rerun, which joins it to every file
                outcomes.append(
                    FileOutcome(upload_name, CANCELLED, "import cancelled; what was done is kept")
                )
                return outcomes
            if isinstance(item, Refusal):
                status = SKIPPED if item.skipped else FAILED
                outcomes.append(FileOutcome(item.name, status, item.reason))
            elif _is_strava_index(item.name) and index is None and item.name != upload_name:
                index = item
                continue
            else:
                screened = guarded(item.name, partial(screen, item))
                if isinstance(screened, str):
                    parse(item, screened)  # counted when stored
                    continue
                screened.file = item.name
                outcomes.append(screened)
            done += 1
            if progress is not None:
                progress(done, max(total, done), item.name)
        while pending:
            collect()
        flush()
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    if index is not None:
        outcomes.append(guarded(index.name, partial(_join_strava_index, store, index, by_member)))
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
