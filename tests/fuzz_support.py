"""A seeded mutation fuzzer for the activity parsers, and the child process that runs its cases.

Cases
-----
A case is one seed file changed by one to three mutations. Case ``i`` of a run with seed ``s`` is
drawn from its own ``random.Random(f"{s}/{i}")``, so any case can be rebuilt from its number
alone, in any order, in any process (:func:`make_case`). The mutations:

- for every format: bit flips, bytes set to boundary values, truncation, a splice of two files
  (the head of one, the tail of another), a span deleted, a span repeated;
- for text formats: a number replaced by a boundary value (``-1``, ``1e309``, ``NaN``, a
  20-digit integer), a year replaced by one pandas cannot hold (1600, 2999, 0001);
- for FIT, aimed at the definition messages the decoders trust: a field's base type, a field's
  size, a definition's field count, its architecture (byte order) byte, the header's data
  size, a data message's header byte. A FIT case usually gets its CRCs recomputed afterwards,
  so it reaches the decoders' message loop instead of stopping at the checksum.

Outcomes
--------
:func:`outcome` runs :func:`analysis.parsers.parse_bytes` on a case and says whether it ended
well: activities whose samples pass :func:`analysis.schema.validate_samples`, or a
:class:`~analysis.errors.StridelogError` that a parser raised on purpose. A refusal by a
parser's last guard ("... could not be read (KeyError)") is an exception nobody foresaw, so it
counts as a crash, and so does a FIT file the fast decoder failed on (rather than declined):
both would be hidden from a user, not from this fuzzer.

The child process
-----------------
``python -m tests.fuzz_support`` reads a job (JSON on stdin: seed files, run seed, case numbers,
budgets) and prints one JSON line per case. It runs under ``RLIMIT_AS`` (an allocation beyond
the budget raises ``MemoryError`` instead of taking the machine down), resets the peak RSS
before each case through ``/proc/self/clear_refs`` so the peak of each case is its own, and
arms ``signal.alarm`` per case as a hang guard. :func:`run_cases` restarts it after a case
that killed it, which then counts as a crash of that case.
"""

from __future__ import annotations

import json
import os
import random
import re
import resource
import signal
import struct
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from analysis.parsers.fit import FAST_PATH_DECLINED, FAST_PATH_FAILED
from sample_data.regressions import (
    RECORD,
    FitDefinition,
    fit_layout,
    iso_time,
    refresh_crcs,
    seed_tcx,
)

FORMATS = ("fit", "gpx", "tcx", "csv")

FIT_BASE_TYPES = (0x00, 0x01, 0x02, 0x83, 0x84, 0x85, 0x86, 0x07, 0x88, 0x89, 0x0A, 0x8B, 0x8C)
FIT_BASE_TYPES_64 = (0x0D, 0x8E, 0x8F, 0x90)
"""Base type codes of the FIT protocol (``byte`` and the 64-bit integers listed apart)."""

BOUNDARY_BYTES = (0x00, 0x01, 0x7F, 0x80, 0xFE, 0xFF)
BOUNDARY_NUMBERS = (b"-1", b"0", b"1e309", b"-1e309", b"NaN", b"99999999999999999999", b"1e-400")
BAD_YEARS = (b"1600", b"2999", b"2826", b"0001", b"9999")

LAST_GUARD = re.compile(r"file could not be read \((\w+)\)$")
"""The reason of a refusal by a parser's last guard: an exception nobody raised on purpose."""

DECLINE_NOTE = re.compile(re.escape(FAST_PATH_DECLINED).replace(re.escape("{reason}"), "(.*)"))
"""The fix note of a FIT part the fast decoder left to fitparse; group 1 is the reason."""

FAST_DECODER_FAILED = FAST_PATH_FAILED.split("(")[0].strip()
"""Words of the fix note of a FIT part the fast decoder failed on (a bug, not a decline)."""


@dataclass(frozen=True)
class Seed:
    """A file the cases start from; ``name`` keeps its extension (the parsers see it)."""

    name: str
    data: bytes

    @property
    def format(self) -> str:
        return format_of(self.name)


@dataclass(frozen=True)
class Case:
    """One mutated file: its number in the run, the seed it came from, what was done to it."""

    number: int
    seed: str
    mutations: tuple[str, ...]
    data: bytes


def format_of(name: str) -> str:
    """The format a seed file name claims (a ``.gz`` suffix is looked through)."""
    lower = name.lower().removesuffix(".gz")
    return next((fmt for fmt in FORMATS if lower.endswith("." + fmt)), "csv")


def seed_files(folders: Sequence[Path], max_bytes: int) -> list[Path]:
    """Non-empty activity files of at most ``max_bytes`` under ``folders``, in a stable order."""
    out = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            suffix = path.name.lower().removesuffix(".gz").rsplit(".", 1)[-1]
            if path.is_file() and suffix in FORMATS and 0 < path.stat().st_size <= max_bytes:
                out.append(path)
    return out


def load_seeds(paths: Sequence[str]) -> list[Seed]:
    """Seeds from file paths; ``builtin:tcx`` is a small TCX run, so TCX is fuzzed anywhere."""
    out = []
    for path in paths:
        if path == "builtin:tcx":
            out.append(Seed("builtin.tcx", seed_tcx([iso_time(s) for s in range(0, 40, 4)])))
        else:
            out.append(Seed(Path(path).name, Path(path).read_bytes()))
    return out


# ---- mutations ---------------------------------------------------------------------------------

Mutation = Callable[[random.Random, bytes, bytes], tuple[str, bytes]]


def _set(data: bytes, at: int, value: int) -> bytes:
    return data[:at] + bytes([value & 0xFF]) + data[at + 1 :]


def bit_flips(rng: random.Random, data: bytes, other: bytes) -> tuple[str, bytes]:
    out = bytearray(data)
    spots = []
    for _ in range(rng.choice([1, 1, 2, 4, 8])):
        at, bit = rng.randrange(len(out)), rng.randrange(8)
        out[at] ^= 1 << bit
        spots.append(f"{at}.{bit}")
    return f"bit flips at {','.join(spots)}", bytes(out)


def byte_sets(rng: random.Random, data: bytes, other: bytes) -> tuple[str, bytes]:
    out = bytearray(data)
    spots = []
    for _ in range(rng.choice([1, 1, 2, 4])):
        at = rng.randrange(len(out))
        value = rng.choice(BOUNDARY_BYTES) if rng.random() < 0.7 else rng.randrange(256)
        out[at] = value
        spots.append(f"{at}={value:#04x}")
    return f"bytes set {','.join(spots)}", bytes(out)


def truncation(rng: random.Random, data: bytes, other: bytes) -> tuple[str, bytes]:
    # cuts near the start and near the end are the interesting ones
    at = rng.choice([rng.randrange(len(data)), rng.randrange(min(len(data), 64))])
    if rng.random() < 0.3:
        at = max(0, len(data) - rng.randrange(1, 64))
    return f"truncated at {at}", data[:at]


def splice(rng: random.Random, data: bytes, other: bytes) -> tuple[str, bytes]:
    head, tail = rng.randrange(len(data) + 1), rng.randrange(len(other) + 1)
    return f"spliced {head} bytes with the other's tail from {tail}", data[:head] + other[tail:]


def deletion(rng: random.Random, data: bytes, other: bytes) -> tuple[str, bytes]:
    at = rng.randrange(len(data))
    length = rng.choice([1, 2, 3, 4, 16, 256, 4096])
    return f"deleted {length} bytes at {at}", data[:at] + data[at + length :]


def repetition(rng: random.Random, data: bytes, other: bytes) -> tuple[str, bytes]:
    at = rng.randrange(len(data))
    length = rng.choice([1, 3, 16, 256, 4096])
    times = rng.choice([1, 2, 16])
    chunk = data[at : at + length]
    return f"repeated {length} bytes at {at} x{times}", data[:at] + chunk * times + data[at:]


def number_swap(rng: random.Random, data: bytes, other: bytes) -> tuple[str, bytes]:
    spans = [m.span() for m in re.finditer(rb"-?\d+(\.\d+)?", data[:200_000])]
    if not spans:
        return byte_sets(rng, data, other)
    start, stop = rng.choice(spans)
    value = rng.choice(BOUNDARY_NUMBERS)
    return f"number at {start} -> {value.decode()}", data[:start] + value + data[stop:]


def year_swap(rng: random.Random, data: bytes, other: bytes) -> tuple[str, bytes]:
    spans = [m.span() for m in re.finditer(rb"(?<!\d)(19|20)\d\d(?=[-/])", data[:200_000])]
    if not spans:
        return number_swap(rng, data, other)
    start, stop = rng.choice(spans)
    value = rng.choice(BAD_YEARS)
    return f"year at {start} -> {value.decode()}", data[:start] + value + data[stop:]


def _definition(rng: random.Random, data: bytes) -> FitDefinition | None:
    layout = fit_layout(data)
    if layout is None or not layout.definitions:
        return None
    # record definitions (global 20) are where the bulk path lives: favour them
    records = [d for d in layout.definitions if d.mesg_num == RECORD]
    if records and rng.random() < 0.6:
        return rng.choice(records)
    return rng.choice(layout.definitions)


def fit_base_type(rng: random.Random, data: bytes, other: bytes) -> tuple[str, bytes]:
    defn = _definition(rng, data)
    if defn is None or not defn.fields:
        return byte_sets(rng, data, other)
    entry = rng.choice(defn.fields) + 2
    value = rng.choice(FIT_BASE_TYPES + FIT_BASE_TYPES_64 + (rng.randrange(256),))
    return f"base type at {entry} -> {value:#04x}", _set(data, entry, value)


def fit_field_size(rng: random.Random, data: bytes, other: bytes) -> tuple[str, bytes]:
    defn = _definition(rng, data)
    if defn is None or not defn.fields:
        return byte_sets(rng, data, other)
    entry = rng.choice(defn.fields) + 1
    old = data[entry] if entry < len(data) else 0
    value = rng.choice([0, 1, 2, 3, 4, 8, 255, old + 1, old - 1, old * 2])
    return f"field size at {entry} -> {value & 0xFF}", _set(data, entry, value)


def fit_field_count(rng: random.Random, data: bytes, other: bytes) -> tuple[str, bytes]:
    defn = _definition(rng, data)
    if defn is None:
        return byte_sets(rng, data, other)
    old = data[defn.count]
    value = rng.choice([0, 1, 255, old + 1, old - 1])
    return f"field count at {defn.count} -> {value & 0xFF}", _set(data, defn.count, value)


def fit_architecture(rng: random.Random, data: bytes, other: bytes) -> tuple[str, bytes]:
    defn = _definition(rng, data)
    if defn is None:
        return byte_sets(rng, data, other)
    value = rng.choice([0, 1, 1, 2, 0xFF])
    return f"architecture at {defn.architecture} -> {value}", _set(data, defn.architecture, value)


def fit_data_size(rng: random.Random, data: bytes, other: bytes) -> tuple[str, bytes]:
    if len(data) < 8:
        return truncation(rng, data, other)
    (size,) = struct.unpack_from("<I", data, 4)
    value = rng.choice([0, 1, size - 1, size + 1, size - rng.randrange(1, 64), 2 * size, 2**32 - 1])
    value = min(max(value, 0), 2**32 - 1)
    out = bytearray(data)
    struct.pack_into("<I", out, 4, value)
    return f"header data size -> {value}", bytes(out)


def fit_message_header(rng: random.Random, data: bytes, other: bytes) -> tuple[str, bytes]:
    layout = fit_layout(data)
    if layout is None or not layout.data_headers:
        return byte_sets(rng, data, other)
    at = rng.choice(layout.data_headers)
    value = rng.choice([0x40 | (data[at] & 0x0F), 0x80 | rng.randrange(128), rng.randrange(16)])
    return f"message header at {at} -> {value:#04x}", _set(data, at, value)


GENERIC: tuple[Mutation, ...] = (
    bit_flips,
    byte_sets,
    truncation,
    splice,
    deletion,
    repetition,
)
TEXT: tuple[Mutation, ...] = (number_swap, number_swap, year_swap)
FIT: tuple[Mutation, ...] = (
    fit_base_type,
    fit_base_type,
    fit_field_size,
    fit_field_count,
    fit_architecture,
    fit_data_size,
    fit_message_header,
)


def make_case(seeds: Sequence[Seed], number: int, run_seed: int | str) -> Case:
    """Case ``number`` of the run ``run_seed``: the same bytes every time, in any process."""
    rng = random.Random(f"{run_seed}/{number}")
    seed = rng.choice(seeds)
    other = rng.choice(seeds).data
    kinds = GENERIC + (FIT * 2 if seed.format == "fit" else TEXT * 2)
    data = seed.data
    done = []
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        if not data:
            break
        mutation = rng.choice(kinds)
        what, data = mutation(rng, data, other)
        done.append(f"{mutation.__name__}: {what}")
    if seed.format == "fit" and rng.random() < 0.75:
        data = refresh_crcs(data)
        done.append("CRCs recomputed")
    return Case(number, seed.name, tuple(done), data)


# ---- outcomes ----------------------------------------------------------------------------------


@dataclass
class Outcome:
    """How one case ended: ``crash`` is None when it ended well, else what went wrong."""

    number: int
    seed: str
    mutations: list[str]
    kind: str  # "activities", "refused" or "crash"
    detail: str = ""
    crash: str | None = None
    declined: list[str] = field(default_factory=list)  # why the fast FIT decoder left parts
    seconds: float = 0.0
    peak_rss_mb: float = 0.0


def _where(err: BaseException) -> str:
    """The innermost frame of a traceback inside the project: ``file:line function``."""
    frames = traceback.extract_tb(err.__traceback__)
    mine = [f for f in frames if "/analysis/" in f.filename] or frames
    if not mine:
        return "?"
    last = mine[-1]
    return f"{Path(last.filename).name}:{last.lineno} {last.name}"


def outcome(case: Case) -> Outcome:
    """Run one case through :func:`analysis.parsers.parse_bytes` and judge how it ended."""
    from analysis.errors import StridelogError
    from analysis.parsers import parse_bytes
    from analysis.schema import validate_samples

    result = Outcome(case.number, case.seed, list(case.mutations), "crash")
    try:
        _, activities = parse_bytes(case.data, case.seed)
    except StridelogError as err:
        result.kind, result.detail = "refused", str(err)
        guard = LAST_GUARD.search(str(err))
        if guard:
            cause = err.__cause__
            where = _where(cause) if cause is not None else "?"
            result.crash = f"refused by a last guard: {guard.group(1)}: {cause} at {where}"
        return result
    except Exception as err:
        result.detail = f"{type(err).__name__}: {err}"
        result.crash = f"{type(err).__name__} escaped parse_bytes: {err} at {_where(err)}"
        return result
    result.kind = "activities"
    result.detail = f"{len(activities)} activities"
    notes = {note for act in activities for note in act.fixes}
    result.declined = sorted(m.group(1) for m in map(DECLINE_NOTE.fullmatch, notes) if m)
    for act in activities:
        failed = [note for note in act.fixes if FAST_DECODER_FAILED in note]
        if failed:
            result.crash = failed[0]
            return result
        try:
            validate_samples(act.samples)
        except Exception as err:
            result.crash = f"samples fail the schema: {type(err).__name__}: {err}"
            return result
    return result


# ---- the child process -------------------------------------------------------------------------


@dataclass
class Budget:
    """Per-case limits of the child: address space [bytes], peak RSS [bytes], wall time [s]."""

    address_space: int = 1536 * 2**20
    peak_rss: int = 1024 * 2**20
    seconds: int = 60


def _peak_rss() -> int:
    """This process's peak resident set since the last reset [bytes] (Linux ``VmHWM``)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def _reset_peak_rss() -> None:
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")  # resets VmHWM to the current RSS
    except OSError:
        pass  # not Linux: the peak then covers every case so far, a stricter check


class _Hang(Exception):
    pass


def _on_alarm(signum: int, frame: Any) -> None:
    raise _Hang


def worker(job: dict[str, Any]) -> None:
    """Run the cases of ``job``; one JSON line per case on stdout, ``start`` lines before each."""
    budget = Budget(**job["budget"])
    # warm the imports before the limit: they are not what a case costs
    import analysis.parsers.csv
    import analysis.parsers.fit
    import analysis.parsers.gpx
    import analysis.parsers.tcx  # noqa: F401

    resource.setrlimit(resource.RLIMIT_AS, (budget.address_space, budget.address_space))
    signal.signal(signal.SIGALRM, _on_alarm)
    seeds = load_seeds(job["seeds"])
    for number in job["numbers"]:
        case = make_case(seeds, number, job["run_seed"])
        print(json.dumps({"start": number}), flush=True)
        _reset_peak_rss()
        began = time.perf_counter()
        signal.alarm(budget.seconds)
        try:
            result = outcome(case)
        except _Hang:
            result = Outcome(number, case.seed, list(case.mutations), "crash")
            result.crash = f"no end within {budget.seconds} s"
        except MemoryError:
            result = Outcome(number, case.seed, list(case.mutations), "crash")
            result.crash = f"MemoryError outside the parsers (address space {budget.address_space})"
        finally:
            signal.alarm(0)
        result.seconds = round(time.perf_counter() - began, 3)
        peak = _peak_rss()
        result.peak_rss_mb = round(peak / 2**20, 1)
        if peak > budget.peak_rss and result.crash is None:
            result.crash = f"peak RSS {peak / 2**20:.0f} MB over {budget.peak_rss / 2**20:.0f} MB"
        print(json.dumps(asdict(result)), flush=True)


def run_cases(
    seeds: Sequence[str],
    numbers: Sequence[int],
    run_seed: int | str,
    budget: Budget | None = None,
    cwd: Path | None = None,
) -> Iterator[Outcome]:
    """Run cases in a child process (restarted after a case that kills it); yields outcomes."""
    budget = budget or Budget()
    todo = list(numbers)
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    while todo:
        job = {
            "seeds": list(seeds),
            "numbers": todo,
            "run_seed": run_seed,
            "budget": asdict(budget),
        }
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.fuzz_support"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=cwd,
            env=env,
        )
        assert child.stdin is not None and child.stdout is not None
        child.stdin.write(json.dumps(job))
        child.stdin.close()
        started: int | None = None
        finished: set[int] = set()
        for line in child.stdout:
            message = json.loads(line)
            if "start" in message:
                started = message["start"]
                continue
            finished.add(message["number"])
            yield Outcome(**message)
        code = child.wait()
        stderr = child.stderr.read() if child.stderr else ""
        if started is None or started in finished:
            if code != 0:
                raise RuntimeError(f"the fuzz worker failed before any case: {stderr[-2000:]}")
            return
        # the child died inside a case: that case is a crash; go on after it
        case = make_case(load_seeds(seeds), started, run_seed)
        yield Outcome(
            started,
            case.seed,
            list(case.mutations),
            "crash",
            crash=f"the process died (exit {code}): {stderr.strip()[-500:]}",
        )
        todo = todo[todo.index(started) + 1 :]


if __name__ == "__main__":
    worker(json.loads(sys.stdin.read()))
