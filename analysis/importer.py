"""The way in: files (bytes or paths) → parsers → prepare → store, one transaction per file.

A file that cannot be used gets an outcome naming it and the reason; the rest of the batch goes on
and nothing stored before is touched.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from analysis.errors import StridelogError
from analysis.parsers import parse_bytes
from analysis.prepare import prepare_activity
from analysis.store import Store

IMPORTED = "imported"
ALREADY = "already imported"
FAILED = "failed"

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


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _import_log(store: Store, name: str, data: bytes) -> FileOutcome | None:
    """A wellness log or a training plan CSV, recognised by its header; None for anything else."""
    if not name.lower().endswith(".csv"):
        return None
    from analysis.parsers import wellness

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


def import_bytes(store: Store, name: str, data: bytes) -> FileOutcome:
    """Parse one file and store it (whole, or not at all)."""
    log = _import_log(store, name, data)
    if log is not None:
        return log
    digest = file_hash(data)
    if store.has_file(digest):
        return FileOutcome(name, ALREADY, "the same file was imported before; nothing added")
    try:
        fmt, parsed = parse_bytes(data, name)
        records = [prepare_activity(act, digest, i) for i, act in enumerate(parsed)]
    except StridelogError as err:
        reason = getattr(err, "reason", str(err))
        return FileOutcome(name, FAILED, reason)
    except Exception as err:  # a parser bug must not sink the batch; say what broke
        return FileOutcome(name, FAILED, f"could not read the file ({type(err).__name__}: {err})")
    if not records:
        return FileOutcome(name, FAILED, "no activities found in the file", fmt)
    stored = store.add_file(digest, name, fmt, len(data), records)
    fixes = sorted({fix for rec in records for fix in rec.fixes})
    sources = sorted({str(rec.summary["timezone_source"]) for rec in records})
    outcome = FileOutcome(
        name,
        IMPORTED if stored.new else ALREADY,
        f"{len(records)} activit{'y' if len(records) == 1 else 'ies'}",
        fmt,
        len(records),
        ", ".join(sources),
        [f"{a} is the same run as {b}" for a, b in stored.duplicates],
        fixes,
    )
    if stored.duplicates:
        outcome.message += f"; {len(stored.duplicates)} matched a run already stored (kept once)"
    return outcome


def import_many(
    store: Store, items: Iterable[tuple[str, bytes]], total: int, progress: Progress | None = None
) -> list[FileOutcome]:
    """Import a batch; ``progress`` is called after each file."""
    outcomes = []
    for done, (name, data) in enumerate(items, start=1):
        outcomes.append(import_bytes(store, name, data))
        if progress is not None:
            progress(done, total, name)
    return outcomes


SUPPORTED_SUFFIXES = (".fit", ".gpx", ".tcx", ".csv", ".gz")


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files named, plus the supported files inside folders named (recursively, sorted)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file() and p.name.lower().endswith(SUPPORTED_SUFFIXES)
            )
        else:
            out.append(path)
    return out


def import_paths(
    store: Store, paths: Iterable[Path], progress: Progress | None = None
) -> list[FileOutcome]:
    """Import files and folders from disk (the way in for batches too big for a browser)."""
    files = expand_paths(paths)
    outcomes = []
    for done, path in enumerate(files, start=1):
        try:
            data = path.read_bytes()
        except OSError as err:
            outcomes.append(
                FileOutcome(path.name, FAILED, f"cannot read the file ({err.strerror})")
            )
        else:
            outcomes.append(import_bytes(store, path.name, data))
        if progress is not None:
            progress(done, len(files), path.name)
    return outcomes
