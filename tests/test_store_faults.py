"""Faults of the store file end in one sentence, never a traceback, and lose nothing stored.

Locked by another process, read-only, missing, damaged (truncated, zeroed) and disk full, each
through :class:`analysis.store.Store`, the command line (exit 2, ``stridelog: <sentence>``) and,
where a page can meet it, the dashboard.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analysis.cli import main
from analysis.config import ATHLETE_DB
from analysis.errors import StoreError
from analysis.prepare import prepare_activity
from analysis.store import Store, duckdb_store
from tests.browser_support import CHROMIUM_ARGS, require_chromium, streamlit_server
from tests.conftest import REPO
from tests.factories import run_activity
from tests.gpx_builder import gpx_bytes

RUNS = 3

HOLD = textwrap.dedent(
    """
    import sys, time
    from analysis.store import Store
    store = Store(sys.argv[-2])
    print("open", flush=True)
    time.sleep(float(sys.argv[-1]))
    store.close()
    """
)


def _fill(path: Path) -> None:
    """A store of a few runs, closed, with everything checkpointed into the file."""
    with Store(path) as store:
        for i in range(RUNS):
            day = pd.Timestamp("2026-09-01T06:00:00Z") + pd.Timedelta(days=2 * i)
            act = run_activity(name=f"run{i}.fit", start=day.isoformat(), n=300)
            digest = f"{i:02d}".ljust(64, "0")
            store.add_file(digest, act.source_name, "fit", 1, [prepare_activity(act, digest, 0)])


def _intact(path: Path) -> None:
    """The runs stored by :func:`_fill` are all there, and the store still takes writes."""
    with Store(path) as store:
        assert store.activity_count() == RUNS
        first = store.activities()[["activity_id"]].iloc[-1, 0]
        assert len(store.samples(first)) == 300
        store.set_meta("still_writable", "yes")


def _no_traceback(text: str) -> None:
    assert "Traceback" not in text and "IO Error" not in text, text


@contextmanager
def _held(path: Path, seconds: float = 120, argv: tuple[str, ...] = ()) -> Iterator[int]:
    """Another process with the store open; its PID.

    ``argv`` is what its command line reads as (a script name and its first arguments).
    """
    script = path.parent / (argv[0] if argv else "hold.py")
    script.write_text(HOLD)
    proc = subprocess.Popen(
        [sys.executable, str(script), *argv[1:], str(path), str(seconds)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "open"
        yield proc.pid
    finally:
        proc.kill()
        proc.wait()


# ---- locked ----------------------------------------------------------------------------------


def test_a_locked_store_is_waited_for_a_bounded_time_then_named(tmp_path: Path) -> None:
    path = tmp_path / ATHLETE_DB
    _fill(path)
    with _held(path) as pid:
        for read_only in (False, True):
            started = time.monotonic()
            with pytest.raises(StoreError) as caught:
                Store(path, read_only=read_only, lock_wait_s=1.0)
            # it retried for the whole wait rather than failing at the first refusal
            assert time.monotonic() - started >= 1.0
            err = caught.value
            assert err.kind == "locked" and err.path == str(path)
            assert f"PID {pid}" in str(err) and "waited 1 s" in str(err)
            assert "Stop it, or import through the dashboard's uploader" in str(err)
            assert isinstance(err.__cause__, duckdb.IOException)
    _intact(path)


def test_a_lock_released_within_the_wait_is_waited_out(tmp_path: Path) -> None:
    path = tmp_path / ATHLETE_DB
    _fill(path)
    # the holder still has the file for about two seconds: a first refusal is retried
    with _held(path, seconds=2.0), Store(path, lock_wait_s=60.0) as store:
        assert store.activity_count() == RUNS


def test_the_cli_names_the_command_holding_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    _fill(data_dir / ATHLETE_DB)
    run = tmp_path / "run.gpx"
    run.write_bytes(gpx_bytes(start="2026-10-04T06:00:00Z", n=121, step_s=5))
    monkeypatch.setattr(duckdb_store, "LOCK_WAIT_S", 0.5)
    # the holder's command line reads like the console script's: `stridelog import …`
    with _held(data_dir / ATHLETE_DB, argv=("stridelog", "import")) as pid:
        assert main(["import", str(run), "--data-dir", str(data_dir)]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"stridelog: the store {data_dir / ATHLETE_DB} is in use by")
        assert f"`stridelog import` (PID {pid})" in err
        _no_traceback(err)
        assert main(["export", "--daily", "--data-dir", str(data_dir)]) == 2
        assert f"`stridelog import` (PID {pid})" in capsys.readouterr().err
    _intact(data_dir / ATHLETE_DB)


@pytest.mark.browser
def test_a_cli_import_while_the_dashboard_runs_is_refused_naming_the_dashboard(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    chromium = require_chromium()
    from playwright.sync_api import sync_playwright

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    _fill(data_dir / ATHLETE_DB)
    run = tmp_path / "run.gpx"
    run.write_bytes(gpx_bytes(start="2026-10-04T06:00:00Z", n=121, step_s=5))
    monkeypatch.setattr(duckdb_store, "LOCK_WAIT_S", 0.5)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            with streamlit_server(data_dir, {"STRIDELOG_NO_DEMO": "1"}) as base:
                page.goto(base)
                page.get_by_text(f"Showing your data ({RUNS} activities)").wait_for(timeout=90_000)
                assert main(["import", str(run), "--data-dir", str(data_dir)]) == 2
                err = capsys.readouterr().err
                assert f"the dashboard (`streamlit run`, PID {base.pid})" in err
                assert "import through the dashboard's uploader" in err
                _no_traceback(err)
        finally:
            browser.close()
    _intact(data_dir / ATHLETE_DB)


# ---- read-only ---------------------------------------------------------------------------------


def _no_root_powers() -> None:
    """In the child before exec: drop every capability from the bounding set.

    Root passes file modes by CAP_DAC_OVERRIDE, not by its uid: without the capability, uid 0
    meets the owner's bits like anyone (a 0555 folder of its own refuses it). Emptying the
    bounding set means the exec grants none back.
    """
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    pr_capbset_drop = 24
    for cap in range(64):
        libc.prctl(pr_capbset_drop, cap, 0, 0, 0)  # past the last capability: EINVAL, ignored


def _read_only_runner(probe_dir: Path) -> dict[str, object]:
    """Popen arguments under which file modes bind, for root too; skip where that fails."""
    if os.geteuid() != 0:
        return {}
    probe_dir.chmod(0o555)
    try:
        done = subprocess.run(
            [sys.executable, "-c", f"open({str(probe_dir / 'x')!r}, 'w')"],
            capture_output=True,
            preexec_fn=_no_root_powers,
        )
    finally:
        probe_dir.chmod(0o755)
    if done.returncode == 0:
        pytest.skip("running as root without the right to drop capabilities (CAP_SETPCAP)")
    return {"preexec_fn": _no_root_powers}


def test_a_read_only_data_directory_is_a_sentence(tmp_path: Path) -> None:
    runner = _read_only_runner(tmp_path)
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    _fill(data_dir / ATHLETE_DB)
    before = (data_dir / ATHLETE_DB).read_bytes()
    run = tmp_path / "run.gpx"
    run.write_bytes(gpx_bytes(start="2026-10-04T06:00:00Z", n=121, step_s=5))
    # an existing store in a read-only folder, and a new data directory in one
    for folder, store in ((data_dir, data_dir / ATHLETE_DB), (tmp_path, tmp_path / "new" / "x")):
        folder.chmod(0o555)
        if store.exists():
            store.chmod(0o444)
        folder_arg = str(store.parent)
        try:
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "analysis.cli",
                    "import",
                    str(run),
                    "--data-dir",
                    folder_arg,
                ],
                cwd=REPO,
                env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
                capture_output=True,
                text=True,
                timeout=120,
                **runner,  # type: ignore[arg-type]
            )
        finally:
            folder.chmod(0o755)
            if store.exists():
                store.chmod(0o644)
        assert done.returncode == 2, done.stderr
        assert done.stderr.startswith("stridelog: the store "), done.stderr
        assert "cannot be written (Permission denied)" in done.stderr
        assert "choose another data directory" in done.stderr
        _no_traceback(done.stderr)
    assert (data_dir / ATHLETE_DB).read_bytes() == before
    _intact(data_dir / ATHLETE_DB)


# ---- missing -----------------------------------------------------------------------------------


def test_no_store_yet_for_reading(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "never" / ATHLETE_DB
    with pytest.raises(StoreError) as caught:
        Store(path, read_only=True)
    assert caught.value.kind == "missing"
    assert str(caught.value).startswith(f"there is no store at {path} yet: import files first")
    assert not path.parent.exists()  # reading creates nothing
    # the command line says the same before it opens anything: an export before any import
    assert main(["export", "--daily", "--data-dir", str(path.parent)]) == 2
    err = capsys.readouterr().err
    assert "import files first" in err
    _no_traceback(err)


def test_a_data_directory_that_cannot_exist_is_a_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a file where a folder of the path should be: no permission bits involved, so root too
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    data_dir = blocker / "data"
    with pytest.raises(StoreError) as caught:
        Store(data_dir / ATHLETE_DB)
    assert caught.value.kind == "missing"
    assert "a file stands where a folder is needed" in str(caught.value)
    run = tmp_path / "run.gpx"
    run.write_bytes(gpx_bytes(start="2026-10-04T06:00:00Z", n=121, step_s=5))
    assert main(["import", str(run), "--data-dir", str(data_dir)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"stridelog: the data directory {data_dir} cannot be used")
    _no_traceback(err)
    assert blocker.read_text() == "not a folder"


# ---- damaged -----------------------------------------------------------------------------------


def _damage(path: Path, how: str) -> bytes:
    data = path.read_bytes()
    damaged = data[: len(data) // 2] if how == "truncated" else b"\0" * len(data)
    path.write_bytes(damaged)
    return damaged


@pytest.mark.parametrize(
    ("how", "reason"),
    [("truncated", "it ends early: truncated"), ("zeroed", "it is not a DuckDB database")],
)
def test_a_damaged_store_is_named_and_left_alone(
    how: str, reason: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / ATHLETE_DB
    _fill(path)
    damaged = _damage(path, how)
    for read_only in (True, False):
        with pytest.raises(StoreError) as caught:
            Store(path, read_only=read_only)
        err = caught.value
        assert err.kind == "damaged"
        assert str(err).startswith(f"the store file {path} is damaged ({reason}")
        assert f"restore it from your backup (a copy of {ATHLETE_DB})" in str(err)
        assert "move it aside to start afresh" in str(err)
        assert isinstance(err.__cause__, duckdb.Error)
    run = tmp_path / "run.gpx"
    run.write_bytes(gpx_bytes(start="2026-10-04T06:00:00Z", n=121, step_s=5))
    for argv in (["import", str(run)], ["export", "--daily"]):
        assert main([*argv, "--data-dir", str(tmp_path)]) == 2
        err_text = capsys.readouterr().err
        assert err_text.startswith(f"stridelog: the store file {path} is damaged")
        _no_traceback(err_text)
    # nothing overwritten, nothing moved aside: the runner decides
    assert path.read_bytes() == damaged
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([ATHLETE_DB, "run.gpx"])


def test_the_dashboard_shows_a_damaged_store_as_a_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / ATHLETE_DB
    _fill(path)
    damaged = _damage(path, "zeroed")
    monkeypatch.setenv("STRIDELOG_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("STRIDELOG_NO_DEMO", "1")
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    errors = [el.value for el in at.error]
    assert any(
        f"the store file {path} is damaged" in text and "restore it from your backup" in text
        for text in errors
    ), errors
    assert not at.get("plotly_chart")
    assert path.read_bytes() == damaged


def test_the_dashboard_shows_a_store_held_by_another_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / ATHLETE_DB
    _fill(path)
    monkeypatch.setenv("STRIDELOG_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("STRIDELOG_NO_DEMO", "1")
    monkeypatch.setattr("pages._common.STORE_LOCK_WAIT_S", 0.5)
    with _held(path) as pid:
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
        at.run()
        assert not at.exception, at.exception
        errors = [el.value for el in at.error]
        assert any("is in use by" in e and f"PID {pid}" in e for e in errors), errors
    # once the other process is gone, the next rerun opens the store (a failure is not cached)
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [el.value for el in at.error]


# ---- disk full ---------------------------------------------------------------------------------

FILE_SIZE_LIMIT = 256 * 1024
"""[bytes] Room for the small writes of opening a store, not for a long run's samples."""

DISK_FULL_CHILD = textwrap.dedent(
    """
    import json, os, resource, signal, sys
    from pathlib import Path
    from analysis.errors import StoreError
    from analysis.prepare import prepare_activity
    from analysis.store import Store
    from tests.factories import run_activity

    path, samples = Path(sys.argv[1]), int(sys.argv[2])
    store = Store(path)
    act = run_activity(name="big.fit", start="2026-10-20T06:00:00Z", n=samples)
    record = prepare_activity(act, "f" * 64, 0)
    revision = store.revision()
    # a file-size limit makes writes past it fail with EFBIG ("File too large"), as a full disk
    # fails them with ENOSPC; the signal it also sends would kill the process instead
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    # the limit is per file offset: the WAL (written from 0) fails past it, and so does the
    # store file, already larger, wherever new blocks go at its end
    limit = int(sys.argv[3])
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    try:
        store.add_file("f" * 64, "big.fit", "fit", 1, [record])
        print(json.dumps({"stored": True}))
    except StoreError as err:
        print(json.dumps({
            "kind": err.kind, "message": str(err), "cause": str(err.__cause__),
            "revision_kept": store.revision() == revision, "file_absent": not store.has_file("f" * 64),
        }))
    """
)


@pytest.mark.parametrize(
    ("samples", "where"),
    [(20_000, "Failed to commit"), (400_000, "Could not write file")],
    ids=["at-commit", "while-inserting"],
)
def test_a_full_disk_is_a_sentence_and_loses_nothing(
    samples: int, where: str, tmp_path: Path
) -> None:
    path = tmp_path / ATHLETE_DB
    _fill(path)
    child = tmp_path / "child.py"
    child.write_text(DISK_FULL_CHILD)
    done = subprocess.run(
        [sys.executable, str(child), str(path), str(samples), str(FILE_SIZE_LIMIT)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout.strip().splitlines()[-1])
    assert got.get("kind") == "disk_full", got
    # a small write fits under the limit; a big one fails at COMMIT (the WAL) or while its
    # rows are written to the file; both say why, not "cannot rollback"
    assert where in got["cause"] and "File too large" in got["cause"], got
    assert got["message"].startswith(f"the disk holding {tmp_path} is full")
    assert "(File too large)" in got["message"]
    assert "nothing of this write was stored" in got["message"]
    assert "cannot rollback" not in got["message"]
    assert got["revision_kept"] and got["file_absent"], got
    _intact(path)
    with Store(path) as store:
        assert not store.has_file("f" * 64)


def test_the_cli_says_the_disk_is_full(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    path = data_dir / ATHLETE_DB
    _fill(path)
    run = tmp_path / "long.gpx"
    run.write_bytes(gpx_bytes(start="2026-10-04T06:00:00Z", n=20_000, step_s=1))

    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))

    done = subprocess.run(
        [sys.executable, "-m", "analysis.cli", "import", str(run), "--data-dir", str(data_dir)],
        cwd=REPO,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=limited,
    )
    assert done.returncode == 2, (done.stdout, done.stderr)
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith(f"stridelog: the disk holding {data_dir} is full"), done.stderr
    _no_traceback(done.stderr)
    _intact(path)
