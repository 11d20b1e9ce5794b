"""Peak memory of importing one big or hostile file, next to the budget: prints, asserts nothing.

Usage: ``python -m benchmarks.memory [--points N] [--nested-mb N] [--source DIR] [--keep DIR]``

Each case is one ``stridelog import`` (the command-line path: file on disk, archive reader,
parser, store) in a child process of its own, so its peak resident memory (``VmHWM`` of
``/proc/self/status``) is the import's alone; the rows marked *dashboard* take the dashboard's
path instead (the upload's bytes in memory through :func:`analysis.importer.import_upload`
with ``workers=0``, Streamlit's modules loaded), against the dashboard's budget of 1.5 times the
import budget:

- **baseline**: the same child loading the same modules and opening the store, importing
  nothing; the other rows give their ratio to it;
- **GPX, N points, .gpx.gz**: a Garmin-style track (time, position, elevation, heart rate and
  cadence per point; one million points by default, about 8 MB compressed), generated as a
  stream into gzip;
- **2 GB file**: a sparse 2 GiB ``.gpx`` (no disk blocks written), refused for its size;
- **2 GB gzip bomb**: 2 GiB of zeros as a ``.gpx.gz`` (about 2 MB), refused while inflating;
- **10 MB gzip of zeros**: ten gzip members of 1 GiB of zeros each;
- **largest corpus FIT**: the biggest ``.fit`` of the shared corpus (``../shared/corpus`` beside
  the repository, or ``$STRIDELOG_CORPUS``); skipped with a note when it is absent;
- **FIT of one-byte messages**: four million data messages of a definition without fields
  (4 MB), refused by the message limit (``max_fit_messages``);
- **nested part of N MB**: a Garmin-style export whose ``UploadedFiles_0-_Part1.zip`` holds N MB
  of members (600 by default; random bytes, so each fails as "not an activity"), once stored in
  the outer zip (read in place) and once deflated (inflated into a nameless temporary file);
  ``--nested-mb 0`` skips them (they need twice N MB of disk);
- **dashboard: GPX, N points**: the same ``.gpx.gz`` uploaded to the dashboard.

Figures per case: the outcome (imported, or the refusal's words), wall time [s], peak RSS [MB],
its share of the budget (:attr:`analysis.limits.ImportLimits.memory_budget_bytes`) and its ratio
to the baseline. ``--source DIR`` runs the children on another checkout of the code (an earlier
commit, unpacked), for before/after figures in one run.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from pathlib import Path

from analysis.limits import current_limits

REPO = Path(__file__).resolve().parents[1]
MiB = 1024 * 1024
GiB = 1024 * MiB

DASHBOARD_BUDGET_FACTOR = 1.5
"""The dashboard server's budget over the import budget (1.5 GB against 1 GB by default)."""

_DASHBOARD = "dashboard: "

_CHILD = r"""
import json, os, sys, time
sys.path.insert(0, sys.argv[1])
from analysis.cli import main  # the same modules for every case, the baseline too
import analysis.importer, analysis.parsers.gpx, analysis.parsers.tcx, analysis.parsers.fit
dashboard = os.environ.get("STRIDELOG_BENCH_PATH") == "dashboard"
if dashboard:
    try:
        import streamlit  # the server holds its modules too
    except ImportError:
        pass

def peak_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

data_dir, paths = sys.argv[2], sys.argv[3:]
report = data_dir + "/report.csv"
start = time.perf_counter()
if paths and dashboard:
    from analysis.importer import import_upload
    from analysis.store import Store
    with open(paths[0], "rb") as handle:
        upload = handle.read()  # what Streamlit hands the page
    with Store(data_dir + "/stridelog.duckdb") as store:
        rows = [o.as_row() for o in import_upload(store, os.path.basename(paths[0]), upload, workers=0)]
    import csv
    with open(report, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
elif paths:
    main(["import", *paths, "--data-dir", data_dir, "--quiet", "--report", report])
else:
    from analysis.store import Store
    with Store(data_dir + "/stridelog.duckdb"):
        pass
wall = time.perf_counter() - start
outcome = ""
if paths:
    import csv
    with open(report, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    outcome = "; ".join(f"{r['status']}: {r['message']}".rstrip(": ") for r in rows)
print(json.dumps({"peak_mb": peak_mb(), "wall_s": wall, "outcome": outcome}))
"""


def write_gpx_gz(path: Path, points: int) -> None:
    """A Garmin-style GPX 1.1 track of ``points`` points at 1 s, streamed into gzip."""
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="benchmark" xmlns="http://www.topografix.com/GPX/1/1"'
        ' xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">\n'
        "<trk><name>Long run</name><type>running</type><trkseg>\n"
    )
    start = 1_714_543_200  # 2024-05-01T06:00:00Z [s]
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=6) as out:
        out.write(head)
        block: list[str] = []
        for i in range(points):
            t = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start + i))
            # back and forth along a 3 km line at 1.5 m/s: 1 500 km in a million seconds,
            # inside the plausible range of one activity's distance
            leg, step = divmod(i, 2_000)
            lat = 46.0 + (step if leg % 2 == 0 else 2_000 - step) * 1.35e-5
            lon = 7.0
            block.append(
                f'<trkpt lat="{lat:.7f}" lon="{lon:.7f}"><ele>{500 + i % 300}</ele>'
                f"<time>{t}</time><extensions><gpxtpx:TrackPointExtension>"
                f"<gpxtpx:hr>{120 + i % 50}</gpxtpx:hr><gpxtpx:cad>{80 + i % 10}</gpxtpx:cad>"
                "</gpxtpx:TrackPointExtension></extensions></trkpt>\n"
            )
            if len(block) == 10_000:
                out.write("".join(block))
                block = []
        out.write("".join(block))
        out.write("</trkseg></trk></gpx>\n")


def write_zero_gzip(path: Path, members: int, member_bytes: int) -> None:
    """``members`` gzip members of ``member_bytes`` zeros each: one compressed, then repeated."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(MiB)
    parts = [packer.compress(zeros) for _ in range(member_bytes // MiB)]
    parts.append(packer.compress(bytes(member_bytes % MiB)))
    one = b"".join(parts) + packer.flush()  # about 1 MB per GiB: never held inflated
    with path.open("wb") as out:
        for _ in range(members):
            out.write(one)


def write_sparse(path: Path, size: int) -> None:
    """A file of ``size`` bytes that reads as zeros, with no blocks written (where supported)."""
    with path.open("wb") as out:
        out.truncate(size)


def corpus_fit() -> Path | None:
    """The largest FIT file of the shared corpus, or None where the corpus is absent."""
    root = Path(os.environ.get("STRIDELOG_CORPUS", REPO.parent / "shared" / "corpus")) / "fit"
    files = sorted(root.glob("*.fit"), key=lambda p: p.stat().st_size) if root.is_dir() else []
    return files[-1] if files else None


def write_tiny_fit(path: Path, messages: int) -> None:
    """A FIT activity of ``messages`` one-byte records (a definition without fields)."""
    from sample_data.fit_encoder import FILE_ACTIVITY, FILE_ID, MANUFACTURER_DEVELOPMENT, FitWriter
    from sample_data.regressions import START

    writer = FitWriter()
    writer.write(
        FILE_ID,
        {"type": FILE_ACTIVITY, "manufacturer": MANUFACTURER_DEVELOPMENT, "time_created": START},
    )
    writer.write_raw(bytes([0x41, 0, 0, 20, 0, 0]) + b"\x01" * messages)  # record, no fields
    path.write_bytes(writer.to_bytes())


def write_nested_export(path: Path, part_mb: int, method: int) -> None:
    """A Garmin-style export: one nested part of ``part_mb`` MB of 1 MB members, packed by
    ``method`` in the outer zip. The part is built in a file beside ``path``, then removed."""
    part = path.with_suffix(".part.zip")
    with zipfile.ZipFile(part, "w", zipfile.ZIP_STORED) as inner:
        for i in range(part_mb):
            inner.writestr(f"{1000 + i}.fit", os.urandom(MiB))
    try:
        with zipfile.ZipFile(path, "w", method, compresslevel=1) as outer:
            outer.write(part, "DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip")
    finally:
        part.unlink()


def run_case(source: Path, paths: list[Path], dashboard: bool = False) -> dict[str, object]:
    """One import in a child process; its peak RSS [MB], wall time [s] and outcome.

    ``dashboard``: the upload's path (:func:`analysis.importer.import_upload`, ``workers=0``)
    instead of ``stridelog import``.
    """
    env = {**os.environ, "STRIDELOG_BENCH_PATH": "dashboard" if dashboard else "cli"}
    with tempfile.TemporaryDirectory(prefix="stridelog-memory-") as data_dir:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, str(source), data_dir, *map(str, paths)],
            capture_output=True,
            text=True,
            check=False,
            env=env,
        )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = done.stderr.strip().splitlines()[-1:] or ["no output"]
        return {"peak_mb": float("nan"), "wall_s": float("nan"), "outcome": f"crashed: {tail[0]}"}
    result: dict[str, object] = json.loads(lines[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000, help="GPX points (1 000 000)")
    parser.add_argument(
        "--nested-mb", type=int, default=600, help="size of the nested part [MB] (600; 0: skip)"
    )
    parser.add_argument("--source", type=Path, default=REPO, help="code the children import")
    parser.add_argument("--keep", type=Path, help="folder for the generated inputs (kept)")
    args = parser.parse_args(argv)
    budget_mb = current_limits().memory_budget_bytes / MiB

    with tempfile.TemporaryDirectory(prefix="stridelog-inputs-") as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        gpx = folder / f"track-{args.points}.gpx.gz"
        if not gpx.exists():
            print(f"generating {gpx.name} ...", file=sys.stderr)
            write_gpx_gz(gpx, args.points)
        sparse = folder / "two-gigabytes.gpx"
        write_sparse(sparse, 2 * GiB)
        bomb = folder / "two-gigabytes-of-zeros.gpx.gz"
        write_zero_gzip(bomb, 2, 1 * GiB)
        zeros = folder / "ten-megabytes-of-zeros.gpx.gz"
        write_zero_gzip(zeros, 10, 1 * GiB)
        fit = corpus_fit()
        tiny = folder / "one-byte-messages.fit"
        write_tiny_fit(tiny, 4_000_000)
        nested: list[tuple[str, list[Path] | None]] = []
        for method, how in ((zipfile.ZIP_STORED, "stored"), (zipfile.ZIP_DEFLATED, "deflated")):
            export = folder / f"nested-{args.nested_mb}-{how}.zip"
            label = f"nested part of {args.nested_mb} MB, {how} in the export"
            if args.nested_mb <= 0:
                nested.append((label, None))
                continue
            if not export.exists():
                print(f"generating {export.name} ...", file=sys.stderr)
                write_nested_export(export, args.nested_mb, method)
            nested.append((label, [export]))

        cases: list[tuple[str, list[Path] | None]] = [
            ("baseline (modules and store only)", []),
            (f"GPX, {args.points:,} points ({gpx.stat().st_size / MiB:.1f} MB .gpx.gz)", [gpx]),
            ("2 GB file (sparse .gpx)", [sparse]),
            (f"2 GB gzip bomb ({bomb.stat().st_size / MiB:.1f} MB .gpx.gz)", [bomb]),
            (f"gzip of zeros ({zeros.stat().st_size / MiB:.1f} MB)", [zeros]),
            (
                f"largest corpus FIT ({fit.name}, {fit.stat().st_size / MiB:.1f} MB)"
                if fit
                else "largest corpus FIT",
                [fit] if fit else None,
            ),
            (f"FIT of one-byte messages ({tiny.stat().st_size / MiB:.1f} MB)", [tiny]),
            *nested,
            (f"{_DASHBOARD}GPX, {args.points:,} points (.gpx.gz upload)", [gpx]),
        ]
        print(
            f"code: {args.source}    budget: {budget_mb:.0f} MB (memory_budget_bytes; dashboard"
            f" rows: {budget_mb * DASHBOARD_BUDGET_FACTOR:.0f} MB)"
        )
        print(f"{'case':<52} {'peak MB':>8} {'budget':>7} {'x base':>7} {'wall s':>7}  outcome")
        baseline = float("nan")
        for label, paths in cases:
            if paths is None:
                print(f"{label:<52} {'':>8} {'':>7} {'':>7} {'':>7}  skipped")
                continue
            print(f"running {label} ...", file=sys.stderr)
            dashboard = label.startswith(_DASHBOARD)
            result = run_case(args.source, paths, dashboard)
            peak = float(str(result["peak_mb"]))
            if not paths:
                baseline = peak
            outcome = str(result["outcome"]) or "-"
            # the dashboard server's budget is half as much again as a command-line import's
            budget = budget_mb * (DASHBOARD_BUDGET_FACTOR if dashboard else 1)
            print(
                f"{label:<52} {peak:>8.0f} {peak / budget:>7.0%} {peak / baseline:>7.2f}"
                f" {float(str(result['wall_s'])):>7.2f}  {outcome[:160]}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
