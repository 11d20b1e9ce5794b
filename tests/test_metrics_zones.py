"""Zone edges of the three heart-rate models, worked out by hand for max 200, rest 50, LTHR 170."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis import columns as c
from analysis.metrics.intensity import time_in_zones
from analysis.metrics.zones import easy_zones, hr_zones

MAX, REST, LTHR = 200, 50, 170


def edges(model: str) -> tuple[list[str], list[float], list[float]]:
    zones = hr_zones(model, MAX, REST, LTHR)
    return (
        list(zones[c.ZONE]),
        list(zones[c.ZONE_LOW_BPM]),
        list(zones[c.ZONE_HIGH_BPM]),
    )


def test_hrmax_edges() -> None:
    names, lows, highs = edges("hrmax")
    assert names == ["Z1", "Z2", "Z3", "Z4", "Z5"]
    # 60/70/80/90 % of 200 bpm; Z1 open below, Z5 open above
    assert lows == pytest.approx([0.0, 120.0, 140.0, 160.0, 180.0])
    assert highs[:4] == pytest.approx([120.0, 140.0, 160.0, 180.0])
    assert math.isinf(highs[4])


def test_hrr_edges() -> None:
    names, lows, highs = edges("hrr")
    assert names == ["Z1", "Z2", "Z3", "Z4", "Z5"]
    # reserve 200 - 50 = 150 bpm: 50 + 0.6·150 = 140, 50 + 0.7·150 = 155, 170, 185
    assert lows == pytest.approx([0.0, 140.0, 155.0, 170.0, 185.0])
    assert highs[:4] == pytest.approx([140.0, 155.0, 170.0, 185.0])
    assert math.isinf(highs[4])


def test_lthr_edges() -> None:
    names, lows, highs = edges("lthr")
    assert names == ["Z1", "Z2", "Z3", "Z4", "Z5a", "Z5b", "Z5c"]
    # 85/90/95/100/103/106 % of 170 bpm: Friel's bands as half-open edges, Z5c from "> 106 %"
    assert lows == pytest.approx([0.0, 144.5, 153.0, 161.5, 170.0, 175.1, 180.2])
    assert highs[:6] == pytest.approx([144.5, 153.0, 161.5, 170.0, 175.1, 180.2])
    assert math.isinf(highs[6])


@pytest.mark.parametrize("model", ["hrmax", "hrr", "lthr"])
def test_zones_are_contiguous_and_labelled(model: str) -> None:
    zones = hr_zones(model, MAX, REST, LTHR)
    assert list(zones.columns) == [c.ZONE, c.ZONE_LOW_BPM, c.ZONE_HIGH_BPM, c.ZONE_LABEL]
    assert zones[c.ZONE_LOW_BPM].iloc[0] == 0.0
    assert list(zones[c.ZONE_LOW_BPM].iloc[1:]) == list(zones[c.ZONE_HIGH_BPM].iloc[:-1])
    pairs = zip(zones[c.ZONE], zones[c.ZONE_LABEL], strict=True)
    assert all(label.startswith(f"{name} (") for name, label in pairs)


def test_labels_show_whole_bpm_ranges() -> None:
    labels = list(hr_zones("lthr", MAX, REST, LTHR)[c.ZONE_LABEL])
    # Z2 is [144.5, 153): readings 145..152; Z5b is [175.1, 180.2): 176..180
    assert labels[0] == "Z1 (< 85 % LTHR, ≤ 144 bpm)"
    assert labels[1] == "Z2 (85–89 % LTHR, 145–152 bpm)"
    # Friel's own wording for every band, the bpm range from the edges actually used
    assert labels[4] == "Z5a (100–102 % LTHR, 170–175 bpm)"
    assert labels[5] == "Z5b (103–106 % LTHR, 176–180 bpm)"
    assert labels[6] == "Z5c (> 106 % LTHR, ≥ 181 bpm)"
    assert list(hr_zones("hrmax", MAX, REST, LTHR)[c.ZONE_LABEL])[1] == (
        "Z2 (60–70 % HRmax, 120–139 bpm)"
    )


def test_bad_model_or_settings_raise() -> None:
    with pytest.raises(ValueError, match="zone model"):
        hr_zones("polar", MAX, REST, LTHR)
    with pytest.raises(ValueError, match="resting HR"):
        hr_zones("hrr", 150, 160, LTHR)
    with pytest.raises(ValueError, match="zone model"):
        easy_zones("polar")


@pytest.mark.parametrize(
    ("model", "ceiling_bpm"),
    # max 200, rest 50, LTHR 170: 80 % HRmax = 160; 50 + 0.7 × 150 = 155; 0.9 × 170 = 153
    [("hrmax", 160.0), ("hrr", 155.0), ("lthr", 153.0)],
)
def test_easy_zones_end_near_the_first_ventilatory_threshold(
    model: str, ceiling_bpm: float
) -> None:
    zones = hr_zones(model, MAX, REST, LTHR).set_index(c.ZONE)
    easy = easy_zones(model)
    assert easy[0] == "Z1"
    assert zones.loc[easy[-1], c.ZONE_HIGH_BPM] == pytest.approx(ceiling_bpm)


@pytest.mark.parametrize(
    ("bpm", "zone"),
    # LTHR 170: 180 bpm is 105.9 % (Friel's 103–106 %, Z5b); 181 bpm is 106.5 %, "more than
    # 106 %" in Friel's words: Z5c (the former 107 % edge, 181.9 bpm, called it Z5b);
    # 175 bpm is 102.9 %, in the gap after Z5a's "100–102 %", which goes to the band below
    [(180.0, "Z5b"), (181.0, "Z5c"), (175.0, "Z5a"), (176.0, "Z5b"), (170.0, "Z5a")],
)
def test_friel_boundaries_by_hand(bpm: float, zone: str) -> None:
    zones = hr_zones("lthr", MAX, REST, LTHR)
    tiz = time_in_zones(
        pd.DataFrame({c.HEART_RATE_BPM: [bpm], c.SAMPLE_DURATION_S: [60.0]}), zones
    ).set_index(c.ZONE)
    assert tiz.loc[zone, c.TIME_S] == 60.0
    assert tiz[c.TIME_S].sum() == 60.0
