"""FIT decoding speed: plain fitparse, Stridelog's reference path and its fast path.

Prints figures and asserts nothing. Every decoder reads the same files in the same run, and the
ratios are against plain fitparse measured here and now (``FitFile(...).get_messages("record")``,
the way most projects read FIT files):

- ``fitparse``: ``fitparse.FitFile`` over each file, every ``record`` message taken;
- ``reference``: the decoding stage of ``read_fit`` with the fast path off (fitparse's bare
  decoder, records into columns, the summary messages the parser reads);
- ``fast``: the same stage with the vectorized decoder (fitparse where it declines).

Files: the FIT files of the device corpus, plus any folders given on the command line (``.fit``
and ``.fit.gz``, searched recursively; decompression happens before timing). With ``--sample N``
the two slow decoders read N files spread evenly over a folder, and the fast path reads both
those N files (for the ratios) and every file.

Then ``stridelog parse`` end to end against fitparse end to end, each a fresh process reading
the same files from disk (interpreter start-up, imports, reading, decoding; ``parse`` also builds
the tidy frames, summarises and prints a JSON line per activity): on the corpus's FIT files and
on a batch of ``--copies`` copies of them (20 by default). fitparse reads the batch at the speed
it read one copy in the same run, so its time for the batch is that figure times the copies (it
would take a quarter of an hour to run). ``stridelog parse`` runs ``--runs`` times (3 by default)
on each and its median counts (the runs are printed too): on a machine shared with other work a
single run of half a second moves by a third.

Usage: ``python -m benchmarks.fit_decode [--corpus DIR] [--repeat N] [--sample N] [--copies N]
[--runs N] [FOLDER ...]``
"""

from __future__ import annotations

import argparse
import gzip
import io
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path

import fitparse

from analysis.config import repo_root
from analysis.parsers.fit import decode_parts

CORPUS = Path(os.environ.get("STRIDELOG_CORPUS", repo_root().parent / "shared" / "corpus"))


def fit_files(folders: Iterable[Path]) -> list[tuple[str, bytes]]:
    """(name, bytes) of every FIT file under the folders, gzip members unpacked."""
    out = []
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            lower = path.name.lower()
            if not path.is_file() or not lower.endswith((".fit", ".fit.gz")):
                continue
            data = path.read_bytes()
            if lower.endswith(".gz"):
                data = gzip.decompress(data)
            out.append((str(path.relative_to(folder)), data))
    return out


def fitparse_records(data: bytes) -> int:
    """Records plain fitparse yields for a file (those before any error it raises)."""
    count = 0
    try:
        for _ in fitparse.FitFile(io.BytesIO(data)).get_messages("record"):
            count += 1
    except Exception:  # a broken file: count what came before the damage
        pass
    return count


def stage_records(data: bytes, fast: bool) -> int:
    """Records the decoding stage of ``read_fit`` yields for a file."""
    if not data:
        return 0
    parts, _ = decode_parts(data, fast=fast)
    return sum(part.record_count for part in parts)


def declined(files: list[tuple[str, bytes]]) -> dict[str, str]:
    """Files (or chained parts) the fast path left to fitparse, with the reason."""
    out = {}
    for name, data in files:
        if data:
            reasons = {p.declined for p in decode_parts(data)[0] if p.declined is not None}
            if reasons:
                out[name] = "; ".join(sorted(reasons))
    return out


def timed(
    files: list[tuple[str, bytes]], decoder: Callable[[bytes], int], repeat: int
) -> tuple[float, int]:
    """Median wall time [s] over ``repeat`` passes, and the records one pass yields."""
    times = []
    records = 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        records = sum(decoder(data) for _, data in files)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), records


def sample_of(files: list[tuple[str, bytes]], count: int | None) -> list[tuple[str, bytes]]:
    """``count`` files spread evenly over the list (all of them for None or more than there are)."""
    if count is None or count >= len(files):
        return files
    step = len(files) / count
    return [files[math.floor(i * step)] for i in range(count)]


def report(
    label: str, files: list[tuple[str, bytes]], repeat: int = 3, sample: int | None = None
) -> None:
    """Print records/s, MB/s and the speed-up over plain fitparse of each decoder."""
    print(f"\n== FIT decoding: {label}: {len(files)} files, {_mb(files):.1f} MB ==")
    if not files:
        return
    chosen = sample_of(files, sample)
    runs: list[tuple[str, list[tuple[str, bytes]], Callable[[bytes], int], int]] = [
        # fitparse is slow: one pass is enough to time it
        ("fitparse", chosen, fitparse_records, 1),
        ("reference", chosen, lambda d: stage_records(d, fast=False), 1),
        ("fast", chosen, lambda d: stage_records(d, fast=True), repeat),
    ]
    if chosen is not files:
        print(f"(fitparse and reference: {len(chosen)} files spread over the folder)")
        runs.append(("fast, all", files, lambda d: stage_records(d, fast=True), repeat))
    print(
        f"{'decoder':<10} {'files':>6} {'records':>9} {'s':>8} {'records/s':>11} {'MB/s':>7} "
        f"{'x fitparse':>10}"
    )
    baseline = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # fitparse warns on every cut or odd file
        for name, group, decoder, passes in runs:
            seconds, records = timed(group, decoder, passes)
            rate = records / seconds
            baseline = baseline or rate  # the speed-up compares records/s
            print(
                f"{name:<10} {len(group):>6} {records:>9} {seconds:>8.3f} {rate:>11.0f} "
                f"{_mb(group) / seconds:>7.2f} {rate / baseline:>10.1f}"
            )
    left = declined(files)
    print(f"fast path declined {len(left)} of {len(files)} files (read by fitparse instead)")
    for name, reason in left.items():
        print(f"  {name}: {reason}")


FITPARSE_SCRIPT = """
import gzip, io, sys, warnings
import fitparse
warnings.simplefilter("ignore")
records = 0
for path in sys.argv[1:]:
    data = open(path, "rb").read()
    if path.lower().endswith(".gz"):
        data = gzip.decompress(data)
    try:
        for _ in fitparse.FitFile(io.BytesIO(data)).get_messages("record"):
            records += 1
    except Exception:
        pass
print(records)
"""


def _process_s(command: list[str]) -> tuple[float, str]:
    """Wall time [s] of a fresh process running ``command``, and what it printed."""
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=repo_root())
    return time.perf_counter() - started, done.stdout


def _median_process_s(command: list[str], runs: int) -> tuple[float, str, list[float]]:
    """Median wall time [s] of ``runs`` fresh processes running ``command``, one's output and
    every time."""
    times = []
    out = ""
    for _ in range(max(runs, 1)):
        seconds, out = _process_s(command)
        times.append(seconds)
    return statistics.median(times), out, times


def _runs_text(times: list[float]) -> str:
    return "runs " + ", ".join(f"{t:.2f}" for t in times) + " s"


def parse_end_to_end(folder: Path, copies: int, runs: int = 3) -> None:
    """``stridelog parse`` and fitparse, each a fresh process, on the FIT files of ``folder``."""
    paths = sorted(
        str(p)
        for p in folder.rglob("*")
        if p.is_file() and p.name.lower().endswith((".fit", ".fit.gz"))
    )
    if not paths:
        return
    size = sum(Path(p).stat().st_size for p in paths) / 1e6
    print(f"\n== stridelog parse end to end against fitparse: {len(paths)} FIT files, "
          f"{size:.1f} MB, each a fresh process, start-up included ==")  # fmt: skip
    parse = [sys.executable, "-m", "analysis.cli", "parse"]
    fp_s, fp_out = _process_s([sys.executable, "-c", FITPARSE_SCRIPT, *paths])
    ours_s, ours_out, ours_runs = _median_process_s([*parse, *paths], runs)
    print(f"{'run':<38} {'files':>6} {'s':>8} {'x fitparse':>10}")
    print(f"{'fitparse, record messages':<38} {len(paths):>6} {fp_s:>8.2f} {1.0:>10.1f}")
    print(f"{'stridelog parse':<38} {len(paths):>6} {ours_s:>8.2f} {fp_s / ours_s:>10.1f}")
    with tempfile.TemporaryDirectory(prefix="stridelog-parse-") as tmp:
        batch = []
        for i in range(copies):
            for j, path in enumerate(paths):
                link = Path(tmp) / f"{i:02d}-{j:03d}-{Path(path).name}"
                link.symlink_to(path)
                batch.append(str(link))
        batch_s, batch_out, batch_runs = _median_process_s([*parse, *batch], runs)
    estimate = fp_s * copies
    print(f"{f'fitparse, {copies} copies (one copy x {copies})':<38} {len(batch):>6} "
          f"{estimate:>8.2f} {1.0:>10.1f}")  # fmt: skip
    print(f"{f'stridelog parse, {copies} copies':<38} {len(batch):>6} {batch_s:>8.2f} "
          f"{estimate / batch_s:>10.1f}")  # fmt: skip
    print(f"(stridelog parse, median of {len(ours_runs)}: corpus {_runs_text(ours_runs)}; "
          f"{copies} copies {_runs_text(batch_runs)})")  # fmt: skip
    lines = len(ours_out.splitlines())
    print(f"(fitparse counted {fp_out.strip() or '?'} records; parse printed {lines} lines for "
          f"the corpus and {len(batch_out.splitlines())} for the batch)")  # fmt: skip


def _mb(files: list[tuple[str, bytes]]) -> float:
    return sum(len(d) for _, d in files) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path, help="more folders of FIT files")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the device corpus")
    parser.add_argument("--repeat", type=int, default=3, help="passes of the fast path")
    parser.add_argument("--sample", type=int, help="files the slow decoders read per folder")
    parser.add_argument("--copies", type=int, default=20, help="copies of the corpus in a batch")
    parser.add_argument("--runs", type=int, default=3, help="runs of stridelog parse (median)")
    args = parser.parse_args()
    corpus_fit = args.corpus / "fit"
    if corpus_fit.is_dir():
        files = fit_files([corpus_fit])
        report(f"device corpus ({corpus_fit})", files, args.repeat, args.sample)
        parse_end_to_end(corpus_fit, args.copies, args.runs)
    else:
        print(f"(no corpus at {args.corpus}: corpus figures skipped)")
    for folder in args.folders:
        report(str(folder), fit_files([folder]), args.repeat, args.sample)


if __name__ == "__main__":
    main()
