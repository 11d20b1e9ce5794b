"""Seiler's three zones from the heart-rate models, and Treff's polarization index by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis import columns as c
from analysis.metrics.polarization import (
    polarization,
    polarization_index,
    three_zone_from_five,
    three_zone_map,
)


def test_pi_worked_example() -> None:
    # 80 / 5 / 15 % of 6000 s: (0.80 / 0.05) × 0.15 × 100 = 16 × 15 = 240;
    # log10(240) = 2 + log10(2.4) = 2 + 0.3802 = 2.3802
    assert polarization_index(4800.0, 300.0, 900.0) == pytest.approx(2.3802, abs=1e-4)
    verdict = polarization(4800.0, 300.0, 900.0)
    assert verdict["polarized"] is True
    assert verdict["index"] == pytest.approx(2.3802, abs=1e-4)
    assert (verdict["z1_pct"], verdict["z2_pct"], verdict["z3_pct"]) == pytest.approx(
        (80.0, 5.0, 15.0)
    )
    assert verdict["reason"].startswith("polarized: PI 2.38 > 2.00")


def test_pi_uses_fractions_so_units_do_not_matter() -> None:
    # the same 80/5/15 split in minutes or in hours gives the same index
    assert polarization_index(80.0, 5.0, 15.0) == pytest.approx(2.3802, abs=1e-4)
    assert polarization_index(8.0, 0.5, 1.5) == pytest.approx(2.3802, abs=1e-4)


def test_pyramidal_distribution_is_not_polarized() -> None:
    # 75 / 20 / 5 %: (0.75 / 0.20) × 0.05 × 100 = 3.75 × 5 = 18.75; log10(18.75) = 1.2730
    verdict = polarization(75.0, 20.0, 5.0)
    assert verdict["index"] == pytest.approx(1.2730, abs=1e-4)
    assert verdict["polarized"] is False
    assert "not Z1 > Z3 > Z2" in verdict["reason"]


def test_empty_middle_zone_is_replaced_by_one_percent() -> None:
    # 80 / 0 / 20 %: Z2 taken as 0.01 → (0.80 / 0.01) × 0.20 × 100 = 80 × 20 = 1600;
    # log10(1600) = 3 + log10(1.6) = 3.2041
    assert polarization_index(80.0, 0.0, 20.0) == pytest.approx(3.2041, abs=1e-4)
    assert polarization(80.0, 0.0, 20.0)["polarized"] is True


def test_no_time_above_vt2_leaves_the_index_undefined() -> None:
    assert math.isnan(polarization_index(90.0, 10.0, 0.0))
    verdict = polarization(90.0, 10.0, 0.0)
    assert verdict["polarized"] is False
    assert "no time above VT2" in verdict["reason"]


def test_more_middle_than_low_is_not_polarized() -> None:
    # 30 / 50 / 20 %: (0.30 / 0.50) × 0.20 × 100 = 0.6 × 20 = 12; log10(12) = 1.0792
    verdict = polarization(30.0, 50.0, 20.0)
    assert verdict["index"] == pytest.approx(1.0792, abs=1e-4)
    assert verdict["polarized"] is False


def test_high_index_with_the_wrong_shape_is_not_polarized() -> None:
    # 30 / 5 / 65 %: (0.30 / 0.05) × 0.65 × 100 = 6 × 65 = 390 → 2.5911 > 2, but Z3 > Z1
    verdict = polarization(30.0, 5.0, 65.0)
    assert verdict["index"] == pytest.approx(2.5911, abs=1e-4)
    assert verdict["polarized"] is False
    assert "not Z1 > Z3 > Z2" in verdict["reason"]


def test_index_exactly_at_the_cutoff_is_not_polarized() -> None:
    # 10 / 2 / 3 of 15: (10 / 2) × (3 / 15) × 100 = 5 × 20 = 100 → PI = 2.00, not > 2.00
    verdict = polarization(10.0, 2.0, 3.0)
    assert verdict["index"] == pytest.approx(2.0)
    assert verdict["polarized"] is False
    assert "≤ 2.00" in verdict["reason"]


def test_no_time_at_all() -> None:
    assert math.isnan(polarization_index(0.0, 0.0, 0.0))
    verdict = polarization(0.0, 0.0, 0.0)
    assert verdict["polarized"] is False
    assert math.isnan(verdict["z1_pct"])
    with pytest.raises(ValueError, match="non-negative"):
        polarization_index(-1.0, 1.0, 1.0)


def test_three_zone_maps() -> None:
    assert three_zone_map("hrmax") == {"Z1": ["Z1", "Z2", "Z3"], "Z2": ["Z4"], "Z3": ["Z5"]}
    assert three_zone_map("hrr") == {"Z1": ["Z1", "Z2"], "Z2": ["Z3"], "Z3": ["Z4", "Z5"]}
    assert three_zone_map("lthr") == {
        "Z1": ["Z1", "Z2"],
        "Z2": ["Z3", "Z4"],
        "Z3": ["Z5a", "Z5b", "Z5c"],
    }
    with pytest.raises(ValueError, match="zone model"):
        three_zone_map("power")


def test_three_zone_from_five_sums_the_mapped_zones() -> None:
    tiz = pd.DataFrame(
        {
            c.ZONE: pd.Series(["Z1", "Z2", "Z3", "Z4", "Z5"], dtype="string"),
            c.TIME_S: [100.0, 200.0, 300.0, 400.0, 500.0],
        }
    )
    three = three_zone_from_five(tiz, "hrmax")
    assert list(three[c.ZONE]) == ["Z1", "Z2", "Z3"]
    # Z1 = 100 + 200 + 300 = 600, Z2 = 400, Z3 = 500 of 1500 s
    assert list(three[c.TIME_S]) == [600.0, 400.0, 500.0]
    assert list(three[c.SHARE_PCT]) == pytest.approx([40.0, 26.6667, 33.3333], abs=1e-4)
    hrr = three_zone_from_five(tiz, "hrr")
    # Z1 = 100 + 200, Z2 = 300, Z3 = 400 + 500
    assert list(hrr[c.TIME_S]) == [300.0, 300.0, 900.0]


def test_three_zone_from_friel_zones() -> None:
    names = ["Z1", "Z2", "Z3", "Z4", "Z5a", "Z5b", "Z5c"]
    tiz = pd.DataFrame({c.ZONE: names, c.TIME_S: [1000.0, 2000.0, 300.0, 200.0, 100.0, 50.0, 0.0]})
    three = three_zone_from_five(tiz, "lthr")
    # Z1 = 1000 + 2000, Z2 = 300 + 200, Z3 = 100 + 50 + 0
    assert list(three[c.TIME_S]) == [3000.0, 500.0, 150.0]


def test_three_zone_from_five_without_time() -> None:
    tiz = pd.DataFrame({c.ZONE: ["Z1", "Z2", "Z3", "Z4", "Z5"], c.TIME_S: [0.0] * 5})
    three = three_zone_from_five(tiz, "hrmax")
    assert list(three[c.TIME_S]) == [0.0, 0.0, 0.0]
    assert three[c.SHARE_PCT].isna().all()
