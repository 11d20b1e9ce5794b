"""Running dynamics from real device files: the parser keeps what fitparse decodes.

Three corpus files carry the standard FIT ``record`` fields of running dynamics:
``fitparse__garmin-fenix-5-run.fit`` (all five), the running leg of the multisport
``sportslib__fit_6788312639-1.fit`` (all five) and the Stryd ``fitparse__developer-types-sample.fit``
(power, stance time and vertical oscillation as standard fields). Each parsed sample is compared
with fitparse's own decode of the record at the same timestamp. The triathlon's run has no
standard power: its power comes from the Stryd pod's developer field (checked in
``tests/test_fit_developer.py``), so there only the other columns are compared.
"""

from __future__ import annotations

import math
from datetime import UTC
from pathlib import Path

import fitparse
import numpy as np
import pandas as pd
import pytest

from analysis import columns as c
from analysis.parsers.fit import RECORD_FIELDS, read_fit
from analysis.schema import PLAUSIBLE

FIELDS = {
    "power": c.POWER_W,
    "stance_time": c.GROUND_CONTACT_TIME_MS,
    "vertical_oscillation": c.VERTICAL_OSCILLATION_MM,
    "vertical_ratio": c.VERTICAL_RATIO_PCT,
    "step_length": c.STEP_LENGTH_MM,
    "stance_time_balance": c.STANCE_TIME_BALANCE_PCT,
}

CASES = [
    # file, which running leg, the fields it must carry (at least one reading each), the
    # columns filled from developer fields instead (not compared with the standard ones)
    ("fitparse__garmin-fenix-5-run.fit", 0, list(FIELDS)[1:], ()),
    ("sportslib__fit_6788312639-1.fit", 0, list(FIELDS)[1:], (c.POWER_W,)),
    (
        "fitparse__developer-types-sample.fit",
        0,
        ["power", "stance_time", "vertical_oscillation"],
        (),
    ),
]


def _reference(path: Path) -> dict[pd.Timestamp, dict[str, float]]:
    """fitparse's values of the dynamics fields, by record time (the first record of a time)."""
    out: dict[pd.Timestamp, dict[str, float]] = {}
    for message in fitparse.FitFile(str(path)).get_messages("record"):
        values = message.get_values()
        stamp = values.get("timestamp")
        if stamp is None:
            continue
        key = pd.Timestamp(stamp.replace(tzinfo=UTC))
        if key in out:
            continue
        out[key] = {
            col: float(values[name]) if values.get(name) is not None else math.nan
            for name, col in FIELDS.items()
        }
    return out


def test_the_dynamics_fields_are_record_fields_of_the_fit_profile() -> None:
    record = {f.name: f for f in fitparse.profile.MESSAGE_TYPES[20].fields.values()}
    units = {"stance_time": "ms", "vertical_oscillation": "mm", "vertical_ratio": "percent",
             "step_length": "mm", "stance_time_balance": "percent"}  # fmt: skip
    for name, unit in units.items():
        assert record[name].units == unit
        assert RECORD_FIELDS[name] == FIELDS[name]


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("name", "leg", "carried", "developer"), CASES, ids=[case[0] for case in CASES]
)
def test_running_dynamics_parse_as_fitparse_decodes_them(
    corpus_dir: Path, name: str, leg: int, carried: list[str], developer: tuple[str, ...]
) -> None:
    path = corpus_dir / "fit" / name
    runs = [a for a in read_fit(path.read_bytes(), name) if a.sport == c.SPORT_RUNNING]
    samples = runs[leg].samples
    reference = _reference(path)
    for field in carried:
        assert samples[FIELDS[field]].notna().sum() > 0, field
    compared = 0
    for row in samples.itertuples(index=False):
        expected = reference[pd.Timestamp(row.timestamp)]
        for col, value in expected.items():
            if col in developer:
                continue
            lo, hi = PLAUSIBLE[col]
            want = value if lo <= value <= hi else math.nan  # outside the range: a dropout
            got = getattr(row, col)
            if math.isnan(want):
                assert math.isnan(got), (col, row.timestamp)
            else:
                assert got == pytest.approx(want, abs=1e-9), (col, row.timestamp)
                compared += 1
    assert compared > 0


@pytest.mark.corpus
def test_a_file_without_dynamics_has_empty_dynamics_columns(corpus_dir: Path) -> None:
    path = corpus_dir / "fit" / "fitparse__Edge810-Vector-2013-08-16-15-35-10.fit"
    samples = read_fit(path.read_bytes(), path.name)[0].samples
    for col in FIELDS.values():
        if col != c.POWER_W:
            assert samples[col].isna().all()
    assert list(samples.columns) == list(c.SAMPLE_COLUMNS)
    assert np.isfinite(samples[c.POWER_W]).any()


def test_the_demo_files_dynamics_read_alike_on_the_fast_and_reference_paths() -> None:
    from sample_data import generate as g
    from tests.test_fit_equivalence import assert_same

    demo = Path(__file__).resolve().parent.parent / "sample_data" / "demo"
    run = next(r for r in g.plan() if r.fmt == g.FIT and r.week >= g.DYNAMICS_FROM_WEEK)
    data = (demo / run.file_name).read_bytes()
    assert assert_same(data, run.file_name) == []  # the fast path declined nothing
    samples = read_fit(data, run.file_name)[0].samples
    assert samples[c.STANCE_TIME_BALANCE_PCT].notna().any()
