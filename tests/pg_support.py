"""A real PostgreSQL server for the tests: a throwaway cluster in a temporary directory.

``STRIDELOG_TEST_PG_DSN`` (a superuser DSN) points the tests at a server that is already running;
otherwise the first test that needs one runs ``initdb`` and ``pg_ctl`` (Debian's ``postgresql``
package) on a free loopback port, as the ``postgres`` system user when the tests run as root
(``initdb`` refuses root). Without the binaries the tests skip, except under ``CI=true``, where
that is a failure.

Each test gets a database of its own, owned by the unprivileged login role ``stridelog`` that the
app connects as: not a superuser, so row-level security applies to it.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser_support import free_port

APP_ROLE = "stridelog"
APP_PASSWORD = "stridelog-test"


def _bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else None


def _unavailable(message: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"PostgreSQL tests must run in CI: {message}")
    pytest.skip(message)


@dataclass(frozen=True)
class PgServer:
    """A running server: ``admin_dsn`` is a superuser, ``dsn(db)`` the app's login role."""

    host: str
    port: int
    admin_user: str

    @property
    def admin_dsn(self) -> str:
        return f"postgresql://{self.admin_user}@{self.host}:{self.port}/postgres"

    def dsn(self, database: str) -> str:
        return f"postgresql://{APP_ROLE}:{APP_PASSWORD}@{self.host}:{self.port}/{database}"

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
            conn.execute(sql)

    def create_database(self, prefix: str = "t") -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        self.admin(f"CREATE DATABASE {name} OWNER {APP_ROLE}")
        return name

    def drop_database(self, name: str) -> None:
        self.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _ensure_app_role(server: PgServer) -> None:
    import psycopg

    with psycopg.connect(server.admin_dsn, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [APP_ROLE]).fetchone()
        if not exists:
            conn.execute(
                f"CREATE ROLE {APP_ROLE} LOGIN PASSWORD '{APP_PASSWORD}' "
                "NOSUPERUSER NOBYPASSRLS CREATEROLE"
            )


@contextmanager
def _own_cluster() -> Iterator[PgServer]:
    initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
    if initdb is None or pg_ctl is None:
        _unavailable("no PostgreSQL server binaries (install Debian's `postgresql`)")
        raise AssertionError("unreachable")
    as_root = os.geteuid() == 0
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    user = "postgres" if as_root else os.environ.get("USER", "postgres")
    base = Path(tempfile.mkdtemp(prefix="stridelog-pg-"))
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    if as_root:
        shutil.chown(base, "postgres")
        shutil.chown(sock, "postgres")
    port = free_port()
    subprocess.run(
        [*prefix, initdb, "-D", str(data), "-U", user, "--auth=trust", "-E", "UTF8", "--no-sync"],
        check=True,
        capture_output=True,
    )
    opts = (
        f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={sock} "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    subprocess.run(
        [*prefix, pg_ctl, "-D", str(data), "-o", opts, "-l", str(base / "log"), "-w", "start"],
        check=True,
        capture_output=True,
    )
    try:
        yield PgServer("127.0.0.1", port, user)
    finally:
        subprocess.run(
            [*prefix, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True
        )
        shutil.rmtree(base, ignore_errors=True)


_SERVER: PgServer | None = None
_STACK: list[object] = []


def pg_server() -> PgServer:
    """The process's one test server, started on first use and stopped at exit."""
    global _SERVER
    if _SERVER is not None:
        return _SERVER
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _unavailable("psycopg is not installed")
    given = os.environ.get("STRIDELOG_TEST_PG_DSN")
    if given:
        from urllib.parse import urlparse

        url = urlparse(given)
        server = PgServer(url.hostname or "127.0.0.1", url.port or 5432, url.username or "postgres")
    else:
        import atexit

        cm = _own_cluster()
        server = cm.__enter__()
        atexit.register(cm.__exit__, None, None, None)
        _STACK.append(cm)
    deadline = time.monotonic() + 30
    while True:
        try:
            _ensure_app_role(server)
            break
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)
    _SERVER = server
    return server
