"""Developer fields: a Stryd pod's power, ground time and vertical oscillation.

A Stryd pod recorded through its Connect IQ data field writes its figures as FIT developer
fields, typed and named by ``field_description`` messages. The parser reads them by name and
units into ``power_w``, ``ground_contact_time_ms`` and ``vertical_oscillation_mm`` where the
standard field is absent. Hand-built files check each value by hand and that both decoders read
them alike; the corpus's Stryd files are compared with fitparse's own decode of the fields.
"""

from __future__ import annotations

import io
import math
import warnings
from collections.abc import Sequence
from datetime import UTC
from pathlib import Path

import fitparse
import numpy as np
import pandas as pd
import pytest

from analysis import columns as c
from analysis.parsers.fit import DEVELOPER_SLOTS, decode_parts, read_fit
from analysis.parsers.fit_fast import developer_key
from analysis.schema import PLAUSIBLE, validate_samples
from tests.fit_helpers import (
    ENUM,
    FIT_EPOCH_S,
    FLOAT32,
    RECORD,
    SESSION,
    SPORT_RUNNING,
    UINT8,
    UINT16,
    UINT32,
    DevField,
    Field,
    developer_data_id,
    field_description,
    file_id,
    fit_file,
    message,
)
from tests.test_fit_equivalence import assert_same

T0 = 1_000_000_000  # FIT seconds
T0_UTC = pd.Timestamp(T0 + FIT_EPOCH_S, unit="s", tz="UTC")

DEV_NOTE = "read from developer fields"

Described = tuple[int, tuple[int, str], str, str | None]  # number, base type, name, units

# a Stryd Connect IQ field's descriptions (developer 0), as fitparse__developer-types-sample.fit
# and sportslib__fit_6788312639-1.fit carry them
STRYD: tuple[Described, ...] = (
    (0, UINT16, "Power", "Watts"),
    (3, UINT16, "Ground Time", "Milliseconds"),
    (4, FLOAT32, "Vertical Oscillation", "Centimeters"),
    (8, UINT16, "Form Power", "Watts"),
    (9, FLOAT32, "Leg Spring Stiffness", "kN/m"),
)


def _descriptions(developer: int = 0, fields: Sequence[Described] = STRYD) -> bytes:
    out = developer_data_id(developer)
    for number, base, name, units in fields:
        out += field_description(developer, number, base, name, units)
    return out


def _record(t: int, dev: list[DevField], **standard: int) -> bytes:
    """A record at FIT time t with heart rate 150, ``standard`` fields (raw) and ``dev``."""
    numbers = {"power": (7, UINT16), "stance_time": (41, UINT16)}
    fields = [Field(253, UINT32, t), Field(3, UINT8, 150)]
    fields += [Field(numbers[k][0], numbers[k][1], v) for k, v in standard.items()]
    return message(RECORD, *fields, dev=dev)


def _stryd(power: int, ground_ms: int, vertical_cm: float, form_power: int = 60) -> list[DevField]:
    return [
        DevField(0, 0, UINT16, power),
        DevField(3, 0, UINT16, ground_ms),
        DevField(4, 0, FLOAT32, vertical_cm),
        DevField(8, 0, UINT16, form_power),
        DevField(9, 0, FLOAT32, 9.5),
    ]


def _session() -> bytes:
    return message(
        SESSION,
        Field(2, UINT32, T0),
        Field(5, ENUM, SPORT_RUNNING),
        Field(7, UINT32, 3000),  # total_elapsed_time: 3 s [ms]
    )


def _one(data: bytes) -> pd.DataFrame:
    """The samples of the file's one activity; both decoders must read the file alike."""
    assert assert_same(data) == []  # the fast path declined nothing and agrees with fitparse
    (activity,) = read_fit(data, "stryd.fit")
    validate_samples(activity.samples)
    return activity.samples


def _notes(data: bytes) -> list[str]:
    return [f for f in read_fit(data, "stryd.fit")[0].fixes if DEV_NOTE in f]


def test_stryd_developer_fields_fill_power_ground_time_and_vertical_oscillation() -> None:
    data = fit_file(
        file_id(),
        _descriptions(),
        _record(T0, _stryd(250, 240, 8.25)),
        _record(T0 + 1, _stryd(262, 236, 8.5, form_power=61)),
        _record(T0 + 2, _stryd(255, 250, 9.0)),
        _session(),
    )
    samples = _one(data)
    assert samples[c.TIMESTAMP].tolist() == [T0_UTC + pd.Timedelta(seconds=s) for s in range(3)]
    assert samples[c.POWER_W].tolist() == [250.0, 262.0, 255.0]  # Watts, not Form Power
    assert samples[c.GROUND_CONTACT_TIME_MS].tolist() == [240.0, 236.0, 250.0]
    # Centimeters to millimetres: 8.25, 8.5 and 9.0 cm are exact in float32
    assert samples[c.VERTICAL_OSCILLATION_MM].tolist() == [82.5, 85.0, 90.0]
    assert samples[c.VERTICAL_RATIO_PCT].isna().all()  # Stryd has no such field here
    assert _notes(data) == [
        f"{c.POWER_W}, {c.GROUND_CONTACT_TIME_MS}, {c.VERTICAL_OSCILLATION_MM} {DEV_NOTE}"
        " (a Connect IQ app's)"
    ]


def test_fields_are_matched_by_name_and_units_not_by_their_numbers() -> None:
    # another developer index, other field numbers, names spelled otherwise, units in mm
    fields: tuple[Described, ...] = (
        (7, UINT16, "Form Power", "Watts"),  # numbered as Stryd numbers Power elsewhere
        (0, UINT16, "ground  TIME", "ms"),
        (2, UINT16, "POWER", "W"),
        (5, UINT16, "Vertical Oscillation", "Millimeters"),
    )

    def dev(form: int, ground: int, power: int, vertical: int) -> list[DevField]:
        return [
            DevField(7, 3, UINT16, form),
            DevField(0, 3, UINT16, ground),
            DevField(2, 3, UINT16, power),
            DevField(5, 3, UINT16, vertical),
        ]

    data = fit_file(
        file_id(),
        _descriptions(3, fields),
        _record(T0, dev(70, 231, 240, 77)),
        _record(T0 + 1, dev(71, 232, 241, 78)),
        _session(),
    )
    samples = _one(data)
    assert samples[c.POWER_W].tolist() == [240.0, 241.0]
    assert samples[c.GROUND_CONTACT_TIME_MS].tolist() == [231.0, 232.0]
    assert samples[c.VERTICAL_OSCILLATION_MM].tolist() == [77.0, 78.0]  # already mm


def test_a_file_with_standard_and_developer_power_keeps_the_standard_one() -> None:
    # the watch writes power and stance time itself; the pod's fill only vertical oscillation
    data = fit_file(
        file_id(),
        _descriptions(),
        _record(T0, _stryd(250, 240, 8.25), power=300, stance_time=2450),
        _record(T0 + 1, _stryd(262, 236, 8.5), power=310),  # no stance time in this one
        _record(T0 + 2, _stryd(255, 250, 9.0), power=305, stance_time=2500),
        _session(),
    )
    samples = _one(data)
    assert samples[c.POWER_W].tolist() == [300.0, 310.0, 305.0]
    # stance_time is scaled by 10 [ms]; the second record's gap stays a gap (no mixing)
    ground = samples[c.GROUND_CONTACT_TIME_MS].tolist()
    assert ground[0] == 245.0 and math.isnan(ground[1]) and ground[2] == 250.0
    assert samples[c.VERTICAL_OSCILLATION_MM].tolist() == [82.5, 85.0, 90.0]
    assert _notes(data) == [f"{c.VERTICAL_OSCILLATION_MM} {DEV_NOTE} (a Connect IQ app's)"]


def test_units_not_understood_and_other_fields_are_not_read() -> None:
    fields: tuple[Described, ...] = (
        (0, UINT16, "Power", "kJ"),  # not a power unit
        (1, FLOAT32, "Vertical Oscillation", "Inches"),  # not a unit listed
        (2, UINT16, "Air Power", "Watts"),
        (3, UINT16, "Ground Time", None),  # units not stated
    )

    def dev(value: int) -> list[DevField]:
        return [
            DevField(0, 0, UINT16, value),
            DevField(1, 0, FLOAT32, 3.0),
            DevField(2, 0, UINT16, value),
            DevField(3, 0, UINT16, value),
        ]

    data = fit_file(
        file_id(), _descriptions(0, fields), _record(T0, dev(200)), _record(T0 + 1, dev(201))
    )
    samples = _one(data)
    for column in (c.POWER_W, c.GROUND_CONTACT_TIME_MS, c.VERTICAL_OSCILLATION_MM):
        assert samples[column].isna().all(), column
    assert _notes(data) == []


def test_a_pod_app_writing_zeros_throughout_gives_no_power() -> None:
    # the Connect IQ field runs without its pod paired: zeros, not a run at 0 W
    data = fit_file(
        file_id(),
        _descriptions(),
        _record(T0, _stryd(0, 0, 0.0, 0)),
        _record(T0 + 1, _stryd(0, 0, 0.0, 0)),
        _session(),
    )
    samples = _one(data)
    assert samples[c.POWER_W].isna().all()
    assert samples[c.GROUND_CONTACT_TIME_MS].isna().all()
    assert _notes(data) == []


def test_invalid_developer_values_are_gaps_and_arrays_are_not_read() -> None:
    fields: tuple[Described, ...] = (
        (0, UINT16, "Power", "Watts"),
        (3, UINT16, "Ground Time", "Milliseconds"),
    )
    data = fit_file(
        file_id(),
        _descriptions(0, fields),
        # uint16 0xFFFF is FIT's invalid value; a Ground Time of two values is not one reading
        _record(T0, [DevField(0, 0, UINT16, 250), DevField(3, 0, UINT16, (240, 241))]),
        _record(T0 + 1, [DevField(0, 0, UINT16, 0xFFFF), DevField(3, 0, UINT16, (242, 243))]),
        _record(T0 + 2, [DevField(0, 0, UINT16, 252), DevField(3, 0, UINT16, (244, 245))]),
        _session(),
    )
    samples = _one(data)
    power = samples[c.POWER_W].tolist()
    assert power[0] == 250.0 and math.isnan(power[1]) and power[2] == 252.0
    assert samples[c.GROUND_CONTACT_TIME_MS].isna().all()


def test_a_field_described_anew_is_read_by_its_new_description() -> None:
    # developer 0 starts again: field 0 is now a cadence, no longer power
    data = fit_file(
        file_id(),
        _descriptions(0, ((0, UINT16, "Power", "Watts"),)),
        _record(T0, [DevField(0, 0, UINT16, 250)]),
        _record(T0 + 1, [DevField(0, 0, UINT16, 251)]),
        _descriptions(0, ((0, UINT16, "Cadence", "RPM"),)),
        _record(T0 + 2, [DevField(0, 0, UINT16, 90)]),
        _session(),
    )
    power = _one(data)[c.POWER_W].tolist()
    assert power[:2] == [250.0, 251.0] and math.isnan(power[2])


def test_developer_key_ignores_case_and_spacing() -> None:
    assert developer_key(" Ground  Time ", "MilliSeconds") == ("ground time", "milliseconds")
    assert developer_key(None, b"W") == ("", "")


# ---- the corpus's Stryd files ------------------------------------------------------------------

STRYD_FILES = [
    # file, the running leg among its activities
    ("fitbench__large.fit", 0),
    ("tormoder__mornindew-broken.fit", 0),
    ("sportslib__fit_6788312639-1.fit", 4),  # a triathlon: the run is its fifth leg
]

UNIT_FACTORS = {c.POWER_W: 1.0, c.GROUND_CONTACT_TIME_MS: 1.0, c.VERTICAL_OSCILLATION_MM: 10.0}
DEV_NAMES = {c.POWER_W: "Power", c.GROUND_CONTACT_TIME_MS: "Ground Time"}
DEV_NAMES[c.VERTICAL_OSCILLATION_MM] = "Vertical Oscillation"
STANDARD_NAMES = {
    c.POWER_W: "power",
    c.GROUND_CONTACT_TIME_MS: "stance_time",
    c.VERTICAL_OSCILLATION_MM: "vertical_oscillation",
}


def _fitparse_values(path: Path) -> dict[pd.Timestamp, dict[str, object]]:
    """fitparse's values by record time (the first record of a time), developer fields too."""
    out: dict[pd.Timestamp, dict[str, object]] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = fitparse.FitFile(io.BytesIO(path.read_bytes()), check_developer_data=False)
        for record in fit.get_messages("record"):
            values = record.get_values()
            stamp = values.get("timestamp")
            if stamp is not None:
                out.setdefault(pd.Timestamp(stamp.replace(tzinfo=UTC)), values)
    return out


def _expected(values: dict[str, object], column: str, use_developer: bool) -> float:
    raw = values.get(DEV_NAMES[column]) if use_developer else values.get(STANDARD_NAMES[column])
    if not isinstance(raw, int | float):
        return math.nan
    value = float(raw) * (UNIT_FACTORS[column] if use_developer else 1.0)
    lo, hi = PLAUSIBLE[column]
    return value if lo <= value <= hi else math.nan  # outside the range: a dropout


@pytest.mark.corpus
@pytest.mark.parametrize(("name", "leg"), STRYD_FILES, ids=[f[0] for f in STRYD_FILES])
def test_corpus_stryd_files_read_power_from_their_developer_fields(
    corpus_dir: Path, name: str, leg: int
) -> None:
    path = corpus_dir / "fit" / name
    data = path.read_bytes()
    activity = read_fit(data, name)[leg]
    assert activity.sport == c.SPORT_RUNNING
    samples = activity.samples
    assert samples[c.POWER_W].notna().mean() > 0.9, "Stryd power on most samples"
    assert any(DEV_NOTE in f and c.POWER_W in f for f in activity.fixes)
    reference = _fitparse_values(path)
    compared = 0
    for column in UNIT_FACTORS:
        # the standard field wins where the leg has it (the Garmin HRM's dynamics)
        standard = any(
            isinstance(reference[pd.Timestamp(t)].get(STANDARD_NAMES[column]), int | float)
            for t in samples[c.TIMESTAMP]
        )
        for stamp, got in zip(samples[c.TIMESTAMP], samples[column], strict=True):
            want = _expected(reference[pd.Timestamp(stamp)], column, not standard)
            if math.isnan(want):
                assert math.isnan(got), (column, stamp)
            else:
                assert got == pytest.approx(want, rel=1e-12), (column, stamp)
                compared += 1
    assert compared > len(samples)


@pytest.mark.corpus
@pytest.mark.parametrize("name", [f[0] for f in STRYD_FILES])
def test_both_decoders_read_the_stryd_developer_fields(corpus_dir: Path, name: str) -> None:
    data = (corpus_dir / "fit" / name).read_bytes()
    assert assert_same(data, name) == []
    for fast in (True, False):
        parts, _ = decode_parts(data, fast)
        for slot in DEVELOPER_SLOTS:
            column = np.concatenate([block[slot] for part in parts for block in part.records])
            assert np.isfinite(column).sum() > 1000, (slot, fast)


@pytest.mark.corpus
def test_a_corpus_file_whose_pod_wrote_zeros_has_no_power(corpus_dir: Path) -> None:
    # fitbench__sample.fit: the Stryd field's Power, Ground Time and Vertical Oscillation are
    # 0 on every record (no pod paired); the watch wrote no standard power either
    name = "fitbench__sample.fit"
    (activity,) = read_fit((corpus_dir / "fit" / name).read_bytes(), name)
    assert activity.samples[c.POWER_W].isna().all()
    assert not any(DEV_NOTE in f for f in activity.fixes)
