"""A seeded mutation fuzzer over the parsers: every case ends in a sound frame or our own error.

The cases (see :mod:`tests.fuzz_support`) start from the demo files, a built-in TCX and, where
it is present, the device corpus; each runs through :func:`analysis.parsers.parse_bytes` in a
child process under a memory and a time budget. A case ends well in activities whose samples
pass the schema check, or in a :class:`~analysis.errors.StridelogError` a parser raised on
purpose; anything else fails the run, naming the case, its seed file and its mutations. Any case
can be rebuilt alone: ``make_case(seeds, number, run_seed)``.

``make test`` runs a thousand cases from seed files of at most 256 kB (about 15 s on
two cores); ``make fuzz`` runs thousands from every seed file. Environment:

- ``STRIDELOG_FUZZ_CASES``: how many cases (default 1000);
- ``STRIDELOG_FUZZ_SEED``: the run's seed (default fixed, so a run is repeatable);
- ``STRIDELOG_FUZZ_MAX_SEED_KB``: the largest seed file [kB] (default 256).

Every crasher found becomes a file of ``sample_data/regressions/``, built by
:mod:`sample_data.regressions` without the corpus; the regression tests below read those.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest

from analysis.errors import ParseError
from analysis.parsers.fit import FAST_PATH_DECLINED, FAST_PATH_FAILED
from sample_data.regressions import FOLDER, REGRESSIONS, Regression
from tests import fuzz_support as fz
from tests.conftest import CORPUS
from tests.test_fit_equivalence import assert_same

REPO = Path(__file__).resolve().parents[1]

CASES = int(os.environ.get("STRIDELOG_FUZZ_CASES", "1000"))
RUN_SEED = os.environ.get("STRIDELOG_FUZZ_SEED", "stridelog-fuzz-1")
MAX_SEED_BYTES = int(os.environ.get("STRIDELOG_FUZZ_MAX_SEED_KB", "256")) * 1024


def seed_paths() -> list[str]:
    """The seed files of a run: demo files, the built-in TCX, the corpus where present."""
    folders = [REPO / "sample_data" / "demo"]
    folders += [CORPUS / fmt for fmt in fz.FORMATS]
    return [*(str(p) for p in fz.seed_files(folders, MAX_SEED_BYTES)), "builtin:tcx"]


def open_regression(outcome: fz.Outcome) -> Regression | None:
    """The open regression a crash is an instance of (same format, same exception), if any."""
    for regression in REGRESSIONS:
        if (
            regression.open is not None
            and outcome.crash is not None
            and fz.format_of(regression.file_name) == fz.format_of(outcome.seed)
            and outcome.crash.startswith(f"refused by a last guard: {regression.open}:")
        ):
            return regression
    return None


def _describe(outcome: fz.Outcome) -> str:
    return (
        f"case {outcome.number} (seed file {outcome.seed}; {'; '.join(outcome.mutations)}): "
        f"{outcome.crash}"
    )


def test_every_mutated_file_ends_in_a_sound_frame_or_our_error() -> None:
    outcomes = list(fz.run_cases(seed_paths(), range(CASES), RUN_SEED, cwd=REPO))
    assert sorted(o.number for o in outcomes) == list(range(CASES))
    kinds = Counter(o.kind for o in outcomes)
    declines = Counter(reason for o in outcomes for reason in o.declined)
    slowest = max(outcomes, key=lambda o: o.seconds)
    largest = max(outcomes, key=lambda o: o.peak_rss_mb)
    print(
        f"\nfuzz: {CASES} cases of run {RUN_SEED!r}: {dict(kinds)}; "
        f"slowest {slowest.seconds:.2f} s (case {slowest.number}), "
        f"largest peak {largest.peak_rss_mb:.0f} MB (case {largest.number}); "
        f"fast FIT decoder declines: {dict(declines)}"
    )
    known = Counter(r.file_name for o in outcomes if (r := open_regression(o)) is not None)
    if known:
        print(f"fuzz: faults still open, each with its regression file: {dict(known)}")
    crashes = [_describe(o) for o in outcomes if o.crash and open_regression(o) is None]
    assert not crashes, f"{len(crashes)} of {CASES} cases crashed:\n" + "\n".join(crashes)
    # a run that never got past the parsers' first check would prove nothing
    assert kinds["activities"] and kinds["refused"]


def test_cases_are_rebuilt_from_their_number_alone() -> None:
    seeds = fz.load_seeds([*seed_paths()[:5], "builtin:tcx"])
    first = [fz.make_case(seeds, n, RUN_SEED) for n in range(40)]
    again = [fz.make_case(seeds, n, RUN_SEED) for n in reversed(range(40))][::-1]
    assert first == again
    assert len({case.data for case in first}) > 30  # and they differ from each other
    assert all(case.mutations for case in first)


@pytest.mark.parametrize(
    ("raised", "crash"),
    [
        (KeyError("slot"), "KeyError escaped parse_bytes"),
        (ParseError("x.gpx", "GPX file could not be read (KeyError)"), "refused by a last guard"),
    ],
    ids=["escaped", "last-guard"],
)
def test_an_unforeseen_exception_is_a_crash_even_when_caught(
    monkeypatch: pytest.MonkeyPatch, raised: Exception, crash: str
) -> None:
    def parse_bytes(data: bytes, name: str) -> object:
        raise raised

    monkeypatch.setattr("analysis.parsers.parse_bytes", parse_bytes)
    result = fz.outcome(fz.Case(0, "x.gpx", ("none",), b"<gpx/>"))
    assert result.crash is not None and result.crash.startswith(crash)


def test_a_fault_of_the_fast_fit_decoder_is_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    from analysis.parsers import fit_fast

    def broken(*args: object, **kwargs: object) -> None:
        raise IndexError("a bug")

    monkeypatch.setattr(fit_fast, "decode", broken)
    data = (FOLDER / REGRESSIONS[0].file_name).read_bytes()
    result = fz.outcome(fz.Case(0, "run.fit", ("none",), data))
    assert result.crash == FAST_PATH_DECLINED.format(
        reason=FAST_PATH_FAILED.format(error="IndexError")
    )


def test_the_child_enforces_the_per_case_memory_budget() -> None:
    budget = fz.Budget(peak_rss=1)  # every case is over one byte
    outcomes = list(fz.run_cases(seed_paths()[:3], range(2), RUN_SEED, budget=budget, cwd=REPO))
    assert [o.number for o in outcomes] == [0, 1]
    assert all(o.crash is not None and o.crash.startswith("peak RSS") for o in outcomes)


# ---- the crashers found, as regression files -------------------------------------------------


def test_the_regression_files_are_what_the_script_builds() -> None:
    on_disk = sorted(p.name for p in FOLDER.iterdir())
    assert on_disk == sorted(r.file_name for r in REGRESSIONS)
    for regression in REGRESSIONS:
        assert (FOLDER / regression.file_name).read_bytes() == regression.build(), (
            f"{regression.file_name}: run python -m sample_data.regressions"
        )


@pytest.mark.parametrize(
    "regression",
    [
        pytest.param(
            r,
            id=r.file_name,
            # strict: once the fault is fixed this fails, and the entry is closed with the fix
            marks=[pytest.mark.xfail(strict=True, reason=f"open: {r.found}")] if r.open else [],
        )
        for r in REGRESSIONS
    ],
)
def test_each_regression_file_ends_well(regression: Regression) -> None:
    data = (FOLDER / regression.file_name).read_bytes()
    result = fz.outcome(fz.Case(0, regression.file_name, ("regression",), data))
    assert result.crash is None, f"{regression.found}: {result.crash}"
    if regression.declined is not None:
        # the fast decoder leaves the file to fitparse up front, and the result is fitparse's
        assert assert_same(data, regression.file_name) == [regression.declined]
