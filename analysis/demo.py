"""The demo athlete: the bundled files imported through the same parsers and store as a user's."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from analysis.config import DEMO_DB, demo_source_dir
from analysis.importer import Progress, import_paths
from analysis.settings import AthleteSettings
from analysis.store import Store

FINGERPRINT_KEY = "demo_fingerprint"

DEMO_SETTINGS = AthleteSettings(max_hr_bpm=190, resting_hr_bpm=50, lthr_bpm=172, sex="male")


def demo_files(source: Path) -> list[Path]:
    return sorted(
        p for p in source.iterdir() if p.suffix.lower() in (".fit", ".gpx", ".csv", ".tcx")
    )


def fingerprint(files: list[Path]) -> str:
    """Changes whenever a demo file is added, removed or changed, or the store's schema changes
    (a demo built by an older schema lacks what newer imports store, such as best efforts)."""
    from analysis.store.duckdb_store import SCHEMA_VERSION

    digest = hashlib.sha256(f"schema {SCHEMA_VERSION}".encode())
    for path in files:
        digest.update(path.name.encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def demo_store_is_current(data_dir: Path, source: Path | None = None) -> bool:
    path = data_dir / DEMO_DB
    if not path.exists():
        return False
    want = fingerprint(demo_files(source or demo_source_dir()))
    try:
        with Store(path, read_only=True) as store:
            return store.get_meta(FINGERPRINT_KEY) == want
    except Exception:  # an unreadable or half-written file is simply rebuilt
        return False


def build_demo_store(
    data_dir: Path, source: Path | None = None, progress: Progress | None = None
) -> Path:
    """(Re)build ``demo.duckdb`` from the demo files; written aside, then moved into place."""
    source = source or demo_source_dir()
    files = demo_files(source)
    final = data_dir / DEMO_DB
    tmp = data_dir / (DEMO_DB + ".building")
    data_dir.mkdir(parents=True, exist_ok=True)
    for leftover in (tmp, Path(str(tmp) + ".wal")):
        leftover.unlink(missing_ok=True)
    with Store(tmp) as store:
        import_paths(store, files, progress)
        store.save_settings(DEMO_SETTINGS)
        store.set_meta(FINGERPRINT_KEY, fingerprint(files))
    os.replace(tmp, final)
    return final
