"""Shared fixtures. The device corpus lives beside the repository, never inside it."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("STRIDELOG_CORPUS", REPO.parent / "shared" / "corpus"))


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The shared corpus of real device files; skip (with the reason) where it is absent."""
    if not (CORPUS / "MANIFEST.tsv").is_file():
        pytest.skip(f"device corpus not found at ../shared/corpus (set STRIDELOG_CORPUS): {CORPUS}")
    return CORPUS


def corpus_files(subdir: str, suffix: str) -> list[Path]:
    """Files of one kind in the corpus, for parametrize; empty where the corpus is absent."""
    folder = CORPUS / subdir
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.name.lower().endswith(suffix))


def manifest_rows(file_name: str) -> list[dict[str, str]]:
    """Rows of one of the corpus manifests (tab-separated); empty where the corpus is absent."""
    path = CORPUS / file_name
    if not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


@pytest.fixture(scope="session")
def pg():  # type: ignore[no-untyped-def]
    """A real PostgreSQL server (see tests/pg_support.py); skipped only outside CI."""
    from tests.pg_support import pg_server

    return pg_server()


@pytest.fixture
def pg_dsn(pg):  # type: ignore[no-untyped-def]
    """A fresh database on the test server, as the app's unprivileged login role."""
    name = pg.create_database()
    yield pg.dsn(name)
    pg.drop_database(name)


@pytest.fixture(autouse=True)
def _keep_main_module():  # type: ignore[no-untyped-def]
    """Put back the ``__main__`` module a test replaced.

    AppTest runs app.py as ``__main__`` and leaves it in ``sys.modules``; a process spawned later
    in the session (a parsing worker, a two-process store test) would then run the whole app on
    start-up instead of its task.
    """
    import sys

    main = sys.modules.get("__main__")
    yield
    if main is not None:
        sys.modules["__main__"] = main
