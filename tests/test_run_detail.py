"""One run in detail: worked examples by hand for elevation, splits, laps, the sport's units,
pauses and outliers in the traces, time in zones, the figures and the view that composes them."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import columns as c
from analysis.figures.run_detail import (
    run_traces_figure,
    splits_figure,
    trace_note,
    zones_bar_figure,
)
from analysis.metrics import activity as a
from analysis.metrics.zones import hr_zones
from analysis.parsers.base import ParsedActivity
from analysis.prepare import prepare_activity
from analysis.schema import build_samples
from analysis.settings import AthleteSettings
from analysis.store import Store
from analysis.views.run_detail import NOT_COUNTED_SPORT, run_detail_data

START = pd.Timestamp("2026-03-02T07:00:00Z")


def arr(values: Any) -> np.ndarray:
    """A figure array as written, or as ``to_plotly_json`` packs numbers (typed base64)."""
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
    return np.array([np.nan if v is None else v for v in values])


def _samples(seconds: np.ndarray, **channels: np.ndarray | float) -> pd.DataFrame:
    raw = pd.DataFrame({c.TIMESTAMP: START + pd.to_timedelta(seconds, unit="s"), **channels})
    return build_samples(raw)


def two_paces(altitude: bool = False) -> pd.DataFrame:
    """2.5 km at 1 Hz: 1.5 km at 5:00/km (450 s, HR 150) then 1.0 km at 6:00/km (360 s, HR 160)."""
    t = np.arange(811.0)
    dist = np.where(t <= 450, t * 10 / 3, 1500 + (t - 450) * 25 / 9)
    channels: dict[str, np.ndarray | float] = {
        c.DISTANCE_M: dist,
        c.SPEED_MPS: np.where(t < 450, 10 / 3, 25 / 9),
        c.HEART_RATE_BPM: np.where(t < 450, 150.0, 160.0),
        c.CADENCE_SPM: 170.0,
    }
    if altitude:
        channels[c.ALTITUDE_M] = 100.0 + dist / 100.0  # 1 % uphill: +10 m per km
    return _samples(t, **channels)


# ---- elevation ------------------------------------------------------------------------------------


def _altitudes(values: list[float]) -> pd.DataFrame:
    return _samples(np.arange(float(len(values))), **{c.ALTITUDE_M: np.array(values)})


def test_elevation_worked_example_from_the_docstring() -> None:
    # reference 100; 104 > 103: +4; 108 > 107: +4; 110, 109 within 3 m of 108; 100 < 105: -8
    profile = [100, 102, 99, 104, 108, 110, 109, 100, 98, 101]
    assert a.elevation_gain_loss(_altitudes(profile)) == (8.0, 8.0)


def test_saw_tooth_counts_the_teeth_and_ignores_noise_under_the_threshold() -> None:
    tooth = [100, 101, 99, 100, 110, 111, 109, 110]  # ±1 m of noise on 100 m and 110 m plateaus
    profile = tooth * 3 + [100, 101, 99, 100]
    gain, loss = a.elevation_gain_loss(_altitudes(profile))
    # each tooth: 100 -> 110 (+10 once 110 > 103), 110 -> 100 (-10 once 100 < 107)
    assert (gain, loss) == (30.0, 30.0)
    # without the filter the noise would count too: the threshold is what removes it
    raw_gain, _ = a.elevation_gain_loss(_altitudes(profile), hysteresis_m=0.5)
    assert raw_gain > 30.0


def test_elevation_without_altitude_is_zero() -> None:
    assert a.elevation_gain_loss(two_paces()) == (0.0, 0.0)


# ---- splits ---------------------------------------------------------------------------------------


def test_km_splits_worked_example() -> None:
    out = a.splits(two_paces(altitude=True), "km")
    assert out[a.SPLIT].tolist() == [1, 2, 3]
    assert out[a.IS_PARTIAL].tolist() == [False, False, True]
    assert out[c.DISTANCE_M].to_numpy() == pytest.approx([1000, 1000, 500])
    # 300 s at 5:00; 150 s at 5:00 + 180 s at 6:00; the partial 0.5 km at 6:00
    assert out[c.MOVING_TIME_S].to_numpy() == pytest.approx([300, 330, 180])
    assert out[c.TIME_S].to_numpy() == pytest.approx([300, 330, 180])
    assert out[c.PACE_S_PER_KM].to_numpy() == pytest.approx([300, 330, 360])
    # HR weighted by time: (150 · 150 + 160 · 180) / 330
    assert out[c.AVG_HEART_RATE_BPM].to_numpy() == pytest.approx([150, 51300 / 330, 160])
    assert out[c.AVG_CADENCE_SPM].to_numpy() == pytest.approx([170, 170, 170])
    assert out[a.ELEVATION_CHANGE_M].to_numpy() == pytest.approx([10, 10, 5])


def test_mile_splits_worked_example() -> None:
    out = a.splits(two_paces(), "mi")
    assert out[a.IS_PARTIAL].tolist() == [False, True]
    assert out[c.DISTANCE_M].to_numpy() == pytest.approx([1609.344, 890.656])
    # 1500 m at 5:00/km (450 s) + 109.344 m at 6:00/km (39.364 s); the rest at 6:00/km
    assert out[c.MOVING_TIME_S].to_numpy() == pytest.approx([489.36384, 320.63616])
    # 6:00/km is 360 × 1.609344 = 579.364 s per mile (9:39/mi)
    assert out[c.PACE_S_PER_KM].iloc[1] * 1.609344 == pytest.approx(579.36384)


def test_a_split_keeps_its_pause_in_clock_time_but_not_in_moving_time() -> None:
    # 1 km at 4 m/s, a 10-minute pause after 500 m
    t = np.concatenate([np.arange(0.0, 126.0), np.arange(725.0, 851.0)])
    moving_t = np.where(t < 600, t, t - 600)
    samples = _samples(t, **{c.DISTANCE_M: moving_t * 4.0, c.SPEED_MPS: 4.0})
    out = a.splits(samples, "km")
    # 250 s running, plus the 1 s the sample before the pause stands for (schema's convention)
    assert out[c.MOVING_TIME_S].iloc[0] == pytest.approx(251.0)
    assert out[c.TIME_S].iloc[0] == pytest.approx(850.0)  # and the 600 s paused
    assert out[c.PACE_S_PER_KM].iloc[0] == pytest.approx(251.0)
    assert out[a.IS_PARTIAL].tolist() == [False]


def test_no_distance_no_splits() -> None:
    samples = _samples(np.arange(10.0), **{c.HEART_RATE_BPM: 120.0})
    assert a.splits(samples, "km").empty


# ---- laps -----------------------------------------------------------------------------------------


def test_laps_are_enriched_from_the_samples_in_their_windows() -> None:
    laps = pd.DataFrame(
        {
            "lap_index": [0, 1],
            c.LAP_START: [
                START.tz_localize(None),
                (START + pd.Timedelta(seconds=450)).tz_localize(None),
            ],
            c.DURATION_S: [450.0, 360.0],
            c.DISTANCE_M: [1500.0, np.nan],
        }
    )
    out = a.laps_table(laps, two_paces())
    assert out[a.LAP].tolist() == [1, 2]
    assert out[c.DISTANCE_M].to_numpy() == pytest.approx([1500, 1000])  # lap 2 from the samples
    assert out[c.MOVING_TIME_S].to_numpy() == pytest.approx([450, 360])
    assert out[c.PACE_S_PER_KM].to_numpy() == pytest.approx([300, 360])
    assert out[c.AVG_HEART_RATE_BPM].to_numpy() == pytest.approx([150, 160])
    assert out[c.MAX_HEART_RATE_BPM].to_numpy() == pytest.approx([150, 160])


# ---- the sport's units ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sport", "unit", "speed_mps", "text"),
    [
        (c.SPORT_RUNNING, "km", 10 / 3, "5:00 min/km"),
        (c.SPORT_RUNNING, "mi", 10 / 3, "8:03 min/mi"),  # 300 s × 1.609344 = 482.8 s
        (c.SPORT_WALKING, "km", 1.25, "13:20 min/km"),
        (c.SPORT_CYCLING, "km", 10.0, "36.0 km/h"),
        (c.SPORT_CYCLING, "mi", 10.0, "22.4 mph"),
        (c.SPORT_SWIMMING, "km", 1.0, "1:40 min/100 m"),
        (c.SPORT_SWIMMING, "mi", 1.0, "1:31 min/100 yd"),  # 91.44 m in 91.44 s
        (c.SPORT_OTHER, "km", 5.0, "18.0 km/h"),
    ],
)
def test_each_sport_shows_its_own_units(sport: str, unit: str, speed_mps: float, text: str) -> None:
    assert a.format_speed(speed_mps, a.speed_display(sport, unit)) == text


def _row(sport: str, samples: pd.DataFrame) -> dict[str, object]:
    return {
        c.ACTIVITY_ID: "x",
        c.SPORT: sport,
        c.DISTANCE_M: float(samples[c.DISTANCE_M].max()),
        c.MOVING_TIME_S: None,
        c.DURATION_S: None,
        c.RPE: None,
    }


def test_headline_ride_in_kmh_and_swim_per_100_m() -> None:
    samples = two_paces(altitude=True)
    s = AthleteSettings()
    ride = a.headline(_row(c.SPORT_CYCLING, samples), samples, s, None)
    assert ride["speed_text"].endswith("km/h")
    swim = a.headline(_row(c.SPORT_SWIMMING, samples), samples, s, None)
    assert swim["speed_text"].endswith("min/100 m")
    assert swim["distance_label"] == "m"
    run = a.headline(_row(c.SPORT_RUNNING, samples), samples, AthleteSettings(units="mi"), 2.5)
    assert run["speed_text"].endswith("min/mi")
    assert run["elevation_label"] == "ft"
    # 100 -> 125 m: counted in steps just over 3 m, so the last few metres (< 3) are left over
    assert 22.0 < run[c.ELEVATION_GAIN_M] <= 25.0
    assert run["elevation_loss_m"] == 0.0
    assert run[c.MOVING_TIME_S] == pytest.approx(811.0)  # from the samples: the row has none
    assert run[c.AVG_HEART_RATE_BPM] == pytest.approx((150 * 450 + 160 * 361) / 811)
    assert run[c.LOAD] == 2.5


# ---- traces: pauses and outliers ------------------------------------------------------------------


def _with_long_pause() -> pd.DataFrame:
    """30 minutes at 3 m/s, 27 days paused, then 30 more minutes."""
    first = np.arange(0.0, 1800.0)
    second = first + 1800.0 + 27 * 86400.0
    t = np.concatenate([first, second])
    run_t = np.concatenate([first, first + 1800.0])
    return _samples(t, **{c.DISTANCE_M: run_t * 3.0, c.SPEED_MPS: 3.0, c.HEART_RATE_BPM: 150.0})


def test_a_27_day_pause_takes_no_room_on_the_axis() -> None:
    samples = _with_long_pause()
    times = a.moving_and_elapsed(samples)
    assert times.moving_s == pytest.approx(3600.0)
    assert times.pauses == 1
    assert times.paused_s == pytest.approx(27 * 86400.0)
    trace = a.trace_frame(samples, c.SPORT_RUNNING, "km")
    x = trace.frame[a.MOVING_ELAPSED_S]
    assert x.max() < 3600.0  # moving time only: not 648 hours
    assert trace.frame[a.SEGMENT].nunique() == 2  # the line breaks at the pause
    fig = run_traces_figure(trace, c.SPORT_RUNNING, "km")
    spec = fig.to_plotly_json()
    # a date axis of whole milliseconds of moving time
    assert spec["layout"]["xaxis"]["type"] == "date"
    xs = pd.to_datetime(arr(spec["data"][0]["x"]).astype("int64"), unit="ms")
    assert (xs.max() - xs.min()) < pd.Timedelta(hours=1)
    ys = arr(spec["data"][0]["y"]).astype("float64")
    assert np.isnan(ys).sum() == 1  # exactly one break, where the pause was
    # the note is said under the chart (its title stays one line, to fit a phone)
    assert "1 pause (27 d 0 h) cut out" in trace_note(trace, c.SPORT_RUNNING, "km")
    assert spec["layout"]["title"]["text"] == "Traces over moving time"


def test_spikes_are_counted_and_do_not_set_the_axis() -> None:
    t = np.arange(1800.0)
    speed = np.full(len(t), 3.0)
    speed[[100, 600, 1100]] = 50.0  # GPS jumps, faster than anyone runs
    hr = 150.0 + 5.0 * np.sin(t / 60.0)
    hr[[300, 900, 1500]] = 240.0  # optical HR locking onto cadence
    samples = _samples(t, **{c.DISTANCE_M: t * 3.0, c.SPEED_MPS: speed, c.HEART_RATE_BPM: hr})
    trace = a.trace_frame(samples, c.SPORT_RUNNING, "km")
    assert trace.implausible == 3
    assert trace.clipped[c.HEART_RATE_BPM] == 3
    low, high = trace.ranges[c.HEART_RATE_BPM]
    assert low == pytest.approx(145.0, abs=0.1)  # the lowest real reading: nothing cut below
    assert 155.0 <= high < 200.0
    # the jumps are dropped before smoothing: the pace axis stays at 5:33/km
    assert trace.ranges[a.PACE_OR_SPEED] == pytest.approx((1000 / 3, 1000 / 3))
    fig = run_traces_figure(trace, c.SPORT_RUNNING, "km")
    spec = fig.to_plotly_json()
    hr_trace = next(d for d in spec["data"] if d["name"] == "Heart rate")
    assert arr(hr_trace["y"]).max() == pytest.approx(high)  # drawn at the axis edge...
    assert arr(hr_trace["customdata"]).max() == 240.0  # ...with the true value in the hover
    note = trace_note(trace, c.SPORT_RUNNING, "km")
    assert "3 heart rate values" in note
    assert "3 implausible speeds" in note


def test_a_steady_run_loses_nothing_to_the_axis() -> None:
    trace = a.trace_frame(two_paces(altitude=True), c.SPORT_RUNNING, "km")
    assert all(count == 0 for count in trace.clipped.values())


# ---- time in zones --------------------------------------------------------------------------------


def test_time_in_zones_adds_up_to_moving_time() -> None:
    t = np.arange(600.0)
    speed = np.where((t >= 200) & (t < 260), 0.0, 3.0)  # a minute standing at a crossing
    dist = np.concatenate([[0.0], np.cumsum(speed[:-1])])
    samples = _samples(t, **{c.DISTANCE_M: dist, c.SPEED_MPS: speed, c.HEART_RATE_BPM: 150.0})
    zones = hr_zones("hrmax", 190, 50, 172)
    out = a.time_in_zones_for_run(samples, zones)
    assert out[c.TIME_S].sum() == pytest.approx(540.0)  # 600 s minus the minute standing
    assert out[c.TIME_S].sum() == pytest.approx(a.moving_and_elapsed(samples).moving_s)
    # 150 bpm is 79 % of 190: Z3 (70–80 %)
    assert out.set_index(c.ZONE).loc["Z3", c.SHARE_PCT] == pytest.approx(100.0)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(0.0, 6.0), st.floats(60.0, 200.0), st.sampled_from([1.0, 2.0, 5.0])),
        min_size=2,
        max_size=60,
    )
)
def test_time_in_zones_property(rows: list[tuple[float, float, float]]) -> None:
    steps = np.array([r[2] for r in rows])
    t = np.concatenate([[0.0], np.cumsum(steps[:-1])])
    speed = np.array([r[0] for r in rows])
    samples = _samples(
        t,
        **{
            c.DISTANCE_M: np.concatenate([[0.0], np.cumsum(speed[:-1] * steps[:-1])]),
            c.SPEED_MPS: speed,
            c.HEART_RATE_BPM: np.array([r[1] for r in rows]),
        },
    )
    out = a.time_in_zones_for_run(samples, hr_zones("hrr", 190, 50, 172))
    assert out[c.TIME_S].sum() == pytest.approx(a.moving_and_elapsed(samples).moving_s)


# ---- figures --------------------------------------------------------------------------------------


def test_splits_figure_in_km_and_miles() -> None:
    samples = two_paces(altitude=True)
    fig = splits_figure(a.splits(samples, "km"), "km", c.SPORT_RUNNING)
    spec = fig.to_plotly_json()
    assert spec["layout"]["title"]["text"] == "Splits per km"
    assert spec["layout"]["yaxis"]["title"]["text"] == "Pace [min/km]"
    assert arr(spec["data"][0]["y"]) == pytest.approx([300, 330, 360])
    assert spec["data"][0]["x"][-1] == "3 (0.50 km)"
    assert "5:30" in spec["layout"]["yaxis"]["ticktext"]

    fig = splits_figure(a.splits(samples, "mi"), "mi", c.SPORT_RUNNING)
    spec = fig.to_plotly_json()
    assert spec["layout"]["title"]["text"] == "Splits per mile"
    assert spec["layout"]["yaxis"]["title"]["text"] == "Pace [min/mi]"
    assert arr(spec["data"][0]["y"])[1] == pytest.approx(579.36384)
    assert spec["data"][0]["x"][-1] == "2 (0.55 mi)"  # 890.656 m
    assert "ft" in spec["data"][0]["customdata"][0][5]  # elevation change in feet
    assert "min/km" not in fig.to_json()


def test_a_rides_figures_never_say_min_per_km() -> None:
    samples = two_paces(altitude=True)
    splits_fig = splits_figure(a.splits(samples, "km"), "km", c.SPORT_CYCLING)
    splits = splits_fig.to_plotly_json()
    assert splits["layout"]["yaxis"]["title"]["text"] == "Speed [km/h]"
    assert arr(splits["data"][0]["y"])[0] == pytest.approx(12.0)  # 10/3 m/s
    trace = a.trace_frame(samples, c.SPORT_CYCLING, "km")
    traces_fig = run_traces_figure(trace, c.SPORT_CYCLING, "km")
    traces = traces_fig.to_plotly_json()
    assert traces["layout"]["yaxis"]["title"]["text"] == "Speed [km/h]"
    for fig in (splits_fig, traces_fig):
        assert "min/km" not in fig.to_json()


def test_traces_in_miles_show_feet_and_moving_time() -> None:
    samples = two_paces(altitude=True)
    spec = run_traces_figure(a.trace_frame(samples, c.SPORT_RUNNING, "mi"), c.SPORT_RUNNING, "mi")
    out = spec.to_plotly_json()
    titles = [v["title"]["text"] for k, v in out["layout"].items() if k.startswith("yaxis")]
    assert titles == ["Pace [min/mi]", "HR [bpm]", "Cadence [spm]", "Elevation [ft]"]
    x_titles = [
        v["title"]["text"]
        for k, v in out["layout"].items()
        if k.startswith("xaxis") and "title" in v
    ]
    assert x_titles == ["Moving time [h:mm:ss]"]
    elevation = next(d for d in out["data"] if d["name"] == "Elevation")
    assert arr(elevation["y"])[0] == pytest.approx(100.0 / 0.3048)  # 100 m = 328.08 ft
    pace = next(d for d in out["data"] if d["name"] == "Pace")
    assert pace["customdata"][0] == "8:03 min/mi"
    assert "min/km" not in spec.to_json()


def test_zones_bar_figure() -> None:
    zones = a.time_in_zones_for_run(two_paces(), hr_zones("hrmax", 190, 50, 172))
    spec = zones_bar_figure(zones).to_plotly_json()
    assert spec["layout"]["title"]["text"] == "Time in heart-rate zones"
    assert spec["layout"]["xaxis"]["title"]["text"] == "Moving time [min]"
    # 150 bpm (79 %) is Z3 for 450 s, 160 bpm (84 %) Z4 for 361 s
    assert arr(spec["data"][0]["x"]) == pytest.approx([0, 0, 7.5, 361 / 60, 0])
    empty = zones_bar_figure(zones.assign(**{c.TIME_S: 0.0})).to_plotly_json()
    assert "No heart rate" in empty["layout"]["annotations"][0]["text"]


# ---- the view -------------------------------------------------------------------------------------


def test_run_detail_data_composes_the_view(tmp_path: Path) -> None:
    samples = two_paces(altitude=True)
    laps = pd.DataFrame(
        {c.LAP_START: [START, START + pd.Timedelta(seconds=450)], c.DURATION_S: [450.0, 360.0],
         c.DISTANCE_M: [1500.0, 1000.0]}
    )  # fmt: skip
    ride = ParsedActivity(
        source_name="ride.fit",
        format="fit",
        sport=c.SPORT_CYCLING,
        start_time_utc=START,
        samples=samples,
        laps=laps,
    )
    rec = prepare_activity(ride, "a" * 64, 0)
    store = Store(tmp_path / "athlete.duckdb")
    try:
        store.add_file("a" * 64, "ride.fit", "fit", 1, [rec])
        store.add_comment("activity", rec.activity_id, "coach", "Nice and steady")
        out = run_detail_data(store, AthleteSettings(), rec.activity_id)
        assert out["sport"] == c.SPORT_CYCLING
        assert out["headline"]["speed_text"].endswith("km/h")
        assert out["headline"][c.LOAD] is None  # distance load counts running only
        assert out["headline"]["load_note"] == NOT_COUNTED_SPORT
        assert out["splits"][c.MOVING_TIME_S].to_numpy() == pytest.approx([300, 330, 180])
        assert out["laps"][c.PACE_S_PER_KM].to_numpy() == pytest.approx([300, 360])
        assert out["zones"][c.TIME_S].sum() == pytest.approx(811.0)
        assert out["comments"]["body"].tolist() == ["Nice and steady"]
        assert out["trace"].display.label == "km/h"
        assert out["dynamics_trace"].ranges == {}  # no running dynamics in this file: no figure
        with_hr = run_detail_data(store, AthleteSettings(load_model="trimp"), rec.activity_id)
        assert with_hr["headline"][c.LOAD] > 0
        with pytest.raises(LookupError):
            run_detail_data(store, AthleteSettings(), "no-such-activity")
    finally:
        store.close()


def test_the_clock_axis_never_sends_a_number_a_date_axis_reads_as_a_year() -> None:
    # plotly.js reads a whole number under 10,000 on a date axis as a year: the first ten
    # seconds of a run (0 and 5,000 ms) were drawn at the years 0 and 5000, a line across the
    # chart and an axis from 1970 to 5000. Every x now counts from a day on: 0 s is 86,400,000
    from analysis.figures.run_detail import CLOCK_ORIGIN_MS

    trace = a.trace_frame(two_paces(altitude=True), c.SPORT_RUNNING, "km")
    spec = run_traces_figure(trace, c.SPORT_RUNNING, "km").to_plotly_json()
    for line in spec["data"]:
        xs = arr(line["x"]).astype("int64")
        assert xs.min() == CLOCK_ORIGIN_MS == 86_400_000  # the run's first sample, 0 s
        assert (xs >= 10_000).all()
        assert xs.max() - CLOCK_ORIGIN_MS == 810_000  # the last sample, 810 s of moving time
