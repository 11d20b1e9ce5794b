"""kill -9 in the middle of an import: the store stays consistent and a rerun finishes the job."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

from analysis.config import ATHLETE_DB
from analysis.importer import BATCH_FILES_ENV
from analysis.store import Store
from tests.conftest import REPO


def _export(tmp_path: Path) -> tuple[Path, int]:
    fits = sorted((REPO / "sample_data" / "demo").glob("*.fit"))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for path in fits:
            z.writestr(f"activities/{path.name}", path.read_bytes())
    out = tmp_path / "export.zip"
    out.write_bytes(buf.getvalue())
    return out, len(fits)


def _consistent(store: Store) -> int:
    cur = store.cursor()
    orphans = cur.execute(
        "SELECT count(*) FROM samples WHERE activity_id NOT IN (SELECT activity_id FROM activities)"
    ).fetchone()
    assert orphans == (0,)
    short = cur.execute(
        """SELECT count(*) FROM activities a WHERE samples <> (
           SELECT count(*) FROM samples s WHERE s.activity_id = a.activity_id)"""
    ).fetchone()
    assert short == (0,), "every stored activity has all of its samples"
    files = cur.execute(
        "SELECT count(*) FROM files WHERE file_hash NOT IN (SELECT file_hash FROM activities)"
    ).fetchone()
    assert files == (0,), "no file is recorded without its activities"
    return store.activity_count(include_duplicates=True)


def test_kill_9_mid_import_then_resume(tmp_path: Path) -> None:
    export, n = _export(tmp_path)
    data = tmp_path / "data"
    cmd = [sys.executable, "-m", "analysis.cli", "import", str(export), "--data-dir", str(data)]
    # files are stored a few per transaction here (200 by default): the kill then lands
    # after some batches were committed, with others parsed or half written
    env = {**os.environ, BATCH_FILES_ENV: "3"}
    proc = subprocess.Popen(
        cmd, cwd=REPO, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env
    )
    assert proc.stderr is not None
    for line in proc.stderr:
        if line.startswith("[8/"):
            os.kill(proc.pid, signal.SIGKILL)
            break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, "the import was killed part-way"
    with Store(data / ATHLETE_DB) as store:
        partial = _consistent(store)
    assert 0 < partial < n
    # the same import again picks up where it stopped and adds nothing twice
    done = subprocess.run([*cmd, "--quiet"], cwd=REPO, capture_output=True, text=True, check=True)
    assert f"{n} files: {n - partial} imported, 0 failed, {partial} already imported" in done.stdout
    with Store(data / ATHLETE_DB) as store:
        assert _consistent(store) == n
        assert store.activity_count() == n
