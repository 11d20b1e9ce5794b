"""A real `streamlit run` server on a free loopback port, and Debian's Chromium to drive it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import REPO


def find_chromium() -> str | None:
    for candidate in (
        os.environ.get("STRIDELOG_CHROMIUM"),
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
        "/usr/bin/chromium",
    ):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def require_chromium() -> str:
    """The browser's path; skip without one, except under CI=true where that is a failure."""
    path = find_chromium()
    if path is None:
        message = "no Chromium found (install Debian's `chromium` or set STRIDELOG_CHROMIUM)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"browser tests must run in CI: {message}")
        pytest.skip(message)
    return path


CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_flags(port: int, extra: dict[str, str] | None = None) -> list[str]:
    flags = {
        "server.port": str(port),
        "server.address": "127.0.0.1",
        "server.headless": "true",
        "browser.gatherUsageStats": "false",
        "server.fileWatcherType": "none",
        **(extra or {}),
    }
    return [arg for key, value in flags.items() for arg in (f"--{key}", value)]


class ServerUrl(str):
    """The server's base URL; ``pid`` is its process, for tests that measure the server."""

    pid: int


@contextmanager
def streamlit_server(
    data_dir: Path,
    extra_env: dict[str, str] | None = None,
    *,
    script: Path | None = None,
    port: int | None = None,
    extra_flags: dict[str, str] | None = None,
) -> Iterator[ServerUrl]:
    """Start the dashboard (or `script`) exactly as a user would, and stop it afterwards.

    `port` is for callers that must know it beforehand (an OpenID redirect URI names it);
    `extra_flags` are further `--section.option value` pairs for `streamlit run`. The URL it
    yields is a plain string that also carries the server's process id (`ServerUrl.pid`).
    """
    port = port or free_port()
    env = {**os.environ, "STRIDELOG_DATA_DIR": str(data_dir), **(extra_env or {})}
    log = open(data_dir / f"streamlit-{port}.log", "w")  # noqa: SIM115
    target = script or REPO / "app.py"
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(target), *_server_flags(port, extra_flags)],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = ServerUrl(f"http://127.0.0.1:{port}")
    url.pid = proc.pid
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited early:\n{(data_dir / log.name).read_text()}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("streamlit did not become healthy within 90 s")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
