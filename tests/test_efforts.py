"""Best efforts, records, the pace–duration curve, Riegel's estimates: worked examples by hand."""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import columns as c
from analysis.figures.efforts import duration_text, pace_duration_figure, records_figure
from analysis.metrics import efforts as e
from analysis.prepare import prepare_activity
from analysis.settings import AthleteSettings
from analysis.store import Store
from analysis.views.efforts import efforts_data
from tests.factories import run_activity

MILE_M = 1609.344  # written out so the tests do not borrow the code's constant


def track(t: list[float] | np.ndarray, d: list[float] | np.ndarray) -> pd.DataFrame:
    """The two columns best efforts read: elapsed time and cumulative distance."""
    return pd.DataFrame(
        {c.ELAPSED_S: np.asarray(t, dtype="float64"), c.DISTANCE_M: np.asarray(d, dtype="float64")}
    )


def times(efforts: pd.DataFrame) -> dict[float, float]:
    return dict(zip(efforts[c.DISTANCE_M], efforts[c.TIME_S], strict=True))


def steady(pace_s_per_km: float, km: float, step_s: float = 1.0) -> pd.DataFrame:
    t = np.arange(0.0, pace_s_per_km * km + step_s / 2, step_s)
    return track(t, t * 1000.0 / pace_s_per_km)


def fast_km_run(step_s: float = 10.0) -> pd.DataFrame:
    """2 km at 5:00/km, 1 km at 3:00/km, 2 km at 5:00/km: 600 s + 180 s + 600 s."""
    t = np.arange(0.0, 1380.0 + step_s / 2, step_s)
    d = np.interp(t, [0.0, 600.0, 780.0, 1380.0], [0.0, 2000.0, 3000.0, 5000.0])
    return track(t, d)


# ---- best efforts inside one run -----------------------------------------------------------------


def test_a_steady_run_at_four_minutes_per_km() -> None:
    # 10.5 km at 4:00/km (1000/240 m/s), one sample a second: every distance at 240 s/km
    best = e.best_efforts(steady(240.0, 10.5))
    got = times(best)
    assert got[1000.0] == pytest.approx(240.0)
    assert got[5000.0] == pytest.approx(1200.0)
    assert got[10_000.0] == pytest.approx(2400.0)
    assert got[400.0] == pytest.approx(96.0)  # 0.4 km × 240 s/km
    assert got[MILE_M] == pytest.approx(1.609344 * 240.0)  # 386.24256 s
    assert best[c.PACE_S_PER_KM].to_numpy() == pytest.approx([240.0] * 5)
    assert list(best[e.LABEL]) == ["400 m", "1 km", "1 mile", "5 km", "10 km"]


def test_distances_longer_than_the_run_are_absent() -> None:
    best = e.best_efforts(steady(240.0, 10.5))
    assert 21_097.5 not in set(best[c.DISTANCE_M])
    assert 42_195.0 not in set(best[c.DISTANCE_M])
    assert e.best_efforts(steady(300.0, 0.3)).empty  # 300 m: not even 400 m


def test_one_fast_kilometre_in_the_middle() -> None:
    best = times(e.best_efforts(fast_km_run()))
    assert best[1000.0] == pytest.approx(180.0)
    # 400 m inside the fast kilometre: 0.4 × 180 s
    assert best[400.0] == pytest.approx(72.0)
    # a mile: the fast kilometre plus 609.344 m at 5:00/km (0.3 s/m): 180 + 182.8032
    assert best[MILE_M] == pytest.approx(362.8032)
    assert best[5000.0] == pytest.approx(1380.0)
    assert 10_000.0 not in best


def test_samples_that_miss_the_fast_kilometres_edges() -> None:
    # samples every 7 s: the fast kilometre's edges (600 s, 780 s) fall between samples, so the
    # recorded track blurs them: 595 s → 1983.33 m, 602 s → 2011.11 m, 777 s → 2983.33 m,
    # 784 s → 3013.33 m
    best = times(e.best_efforts(fast_km_run(step_s=7.0)))
    # 400 m lie well inside the fast stretch 602–777 s: 0.4 × 180 s
    assert best[400.0] == pytest.approx(72.0)
    # 1 km: 602–777 s cover 175 × 1000/180 = 972.22 m; the other 27.78 m come from the faster
    # edge segment, (3013.33 − 2983.33) m / 7 s = 30/7 m/s, in 27.78 × 7/30 = 6.48 s
    assert best[1000.0] == pytest.approx(175.0 + (1000.0 - 175.0 * 1000.0 / 180.0) * 7.0 / 30.0)
    assert best[1000.0] == pytest.approx(181.4815, abs=1e-4)


def test_interpolation_between_samples_by_hand() -> None:
    # 200 m in the first minute, 300 m in the second (5 m/s), 200 m in the third
    best = e.best_efforts(track([0, 60, 120, 180], [0, 200, 500, 700]), [400.0])
    # the window ending at the 500 m sample starts at 100 m, interpolated halfway through the
    # first minute: 0 + 60 × (100 − 0) / (200 − 0) = 30 s; so 120 − 30 = 90 s
    # (the window starting at 200 m ends at 600 m: 120 + 60 × 100 / 200 = 150 s, also 90 s)
    assert best[c.TIME_S].iloc[0] == pytest.approx(90.0)
    assert best[e.START_ELAPSED_S].iloc[0] == pytest.approx(30.0)
    assert best[c.PACE_S_PER_KM].iloc[0] == pytest.approx(225.0)


def test_the_best_window_may_start_between_samples_and_end_on_one() -> None:
    # 100 m at 1 m/s, then 300 m at 10 m/s in 30 s, then 100 m at 1 m/s
    t = [0.0, 100.0, 130.0, 230.0]
    d = [0.0, 100.0, 400.0, 500.0]
    best = e.best_efforts(track(t, d), [350.0])
    # 300 m fast (30 s) plus 50 m slow on either side (50 s): 80 s
    assert best[c.TIME_S].iloc[0] == pytest.approx(80.0)


def test_a_pause_inside_the_window_counts_as_elapsed_time() -> None:
    # 3 km at 4:00/km with a 2-minute stop at 1.5 km (no samples while stopped)
    first = np.arange(0.0, 361.0)
    second = np.arange(480.0, 841.0)
    t = np.concatenate([first, second])
    d = np.concatenate([first * 1000 / 240, 1500.0 + (second - 480.0) * 1000 / 240])
    best = times(e.best_efforts(track(t, d), [1000.0, 3000.0]))
    assert best[1000.0] == pytest.approx(240.0)  # a kilometre without the stop exists
    assert best[3000.0] == pytest.approx(840.0)  # 720 s running + 120 s stopped


def test_standing_still_at_the_start_line_does_not_count() -> None:
    # a minute at 0 m, then 1 km at 4:00/km: the effort starts when the runner leaves
    t = np.concatenate([np.arange(0.0, 60.0), 60.0 + np.arange(0.0, 241.0)])
    d = np.concatenate([np.zeros(60), np.arange(0.0, 241.0) * 1000 / 240])
    best = e.best_efforts(track(t, d), [1000.0])
    assert best[c.TIME_S].iloc[0] == pytest.approx(240.0)
    assert best[e.START_ELAPSED_S].iloc[0] == pytest.approx(60.0)


def test_a_gps_jump_makes_no_record() -> None:
    # 2 km at 5:00/km with a 600 m jump in one second at 1 km
    t = np.arange(0.0, 601.0)
    d = t * 1000 / 300
    d[301:] += 600.0
    best = times(e.best_efforts(track(t, d), [400.0, 1000.0, 2000.0]))
    assert best[400.0] == pytest.approx(120.0)
    assert best[1000.0] == pytest.approx(300.0)
    assert 2000.0 not in best  # the jump step is not distance run: 2000 − 3.3 m remain


def test_a_run_without_distance_has_no_efforts() -> None:
    frame = track([0, 1, 2], [np.nan, np.nan, np.nan])
    assert e.best_efforts(frame).empty
    assert e.mean_max_speed(frame).empty
    assert list(e.best_efforts(frame).columns) == list(e.EFFORT_COLUMNS)


# ---- Hypothesis: any window is no faster than the best -----------------------------------------

# stretches of 0.5-40 s, standing still or moving at 0.01-7 m/s
segments = st.lists(
    st.tuples(st.floats(0.5, 40.0), st.one_of(st.just(0.0), st.floats(0.01, 7.0))),
    min_size=1,
    max_size=40,
)


def _track_of(steps: list[tuple[float, float]]) -> tuple[np.ndarray, np.ndarray]:
    dt = np.array([s[0] for s in steps])
    v = np.array([s[1] for s in steps])
    return np.concatenate([[0.0], np.cumsum(dt)]), np.concatenate([[0.0], np.cumsum(dt * v)])


def _first_time_at(t: np.ndarray, d: np.ndarray, target: float) -> float | None:
    """The first moment the track reaches ``target`` metres, walking it segment by segment."""
    if d[0] >= target:
        return float(t[0])
    for k in range(1, len(t)):
        if d[k] >= target:
            return float(t[k - 1] + (t[k] - t[k - 1]) * (target - d[k - 1]) / (d[k] - d[k - 1]))
    return None


@settings(max_examples=200, deadline=None)
@given(steps=segments, share=st.floats(0.01, 0.999), where=st.floats(0.0, 1.0))
def test_no_window_is_faster_than_the_best_effort(
    steps: list[tuple[float, float]], share: float, where: float
) -> None:
    t, d = _track_of(steps)
    distance = share * d[-1]
    if distance < 1.0:
        return
    best = e.best_efforts(track(t, d), [distance])
    assert len(best) == 1
    start = where * t[-1]
    end = _first_time_at(t, d, float(np.interp(start, t, d)) + distance)
    if end is not None:
        assert best[c.TIME_S].iloc[0] <= end - start + 1e-6 * max(1.0, end - start)


@settings(max_examples=200, deadline=None)
@given(steps=segments, shares=st.lists(st.floats(0.01, 0.999), min_size=2, max_size=6))
def test_best_effort_time_does_not_fall_with_distance(
    steps: list[tuple[float, float]], shares: list[float]
) -> None:
    t, d = _track_of(steps)
    distances = sorted({s * d[-1] for s in shares if s * d[-1] >= 1.0})
    best = e.best_efforts(track(t, d), distances)
    assert list(best[c.DISTANCE_M]) == distances
    assert np.all(np.diff(best[c.TIME_S].to_numpy()) >= -1e-6)


@settings(max_examples=200, deadline=None)
@given(steps=segments, share=st.floats(0.01, 1.0), where=st.floats(0.0, 1.0))
def test_no_window_goes_farther_than_the_curve(
    steps: list[tuple[float, float]], share: float, where: float
) -> None:
    t, d = _track_of(steps)
    duration = share * t[-1]
    curve = e.mean_max_speed(track(t, d), [duration, t[-1]])
    assert len(curve) == 2
    start = where * (t[-1] - duration)
    covered = float(np.interp(start + duration, t, d) - np.interp(start, t, d))
    assert curve[c.DISTANCE_M].iloc[0] >= covered - 1e-6
    assert curve[c.DISTANCE_M].iloc[1] == pytest.approx(d[-1])  # the whole run
    assert curve[c.DISTANCE_M].iloc[0] <= curve[c.DISTANCE_M].iloc[1] + 1e-6


# ---- records over time ------------------------------------------------------------------------


def three_runs() -> pd.DataFrame:
    """Three runs a month apart: 5 km 25:00, 24:10, 24:20; 1 km 4:40, 4:50, 4:30."""
    return pd.DataFrame(
        {
            c.ACTIVITY_ID: ["a", "a", "b", "b", "c", "c"],
            c.LOCAL_DATE: pd.to_datetime(
                ["2024-01-07"] * 2 + ["2024-02-04"] * 2 + ["2024-03-03"] * 2
            ),
            c.DISTANCE_M: [5000.0, 1000.0] * 3,
            c.TIME_S: [1500.0, 280.0, 1450.0, 290.0, 1460.0, 270.0],
        }
    )


def test_records_progression_on_three_runs() -> None:
    rec = e.records(three_runs())
    five = rec[rec[c.DISTANCE_M] == 5000.0]
    one = rec[rec[c.DISTANCE_M] == 1000.0]
    # 5 km: a sets it (1500), b beats it by 50 s, c (1460) does not
    assert list(five[c.ACTIVITY_ID]) == ["a", "b"]
    assert list(five[c.TIME_S]) == [1500.0, 1450.0]
    assert math.isnan(five[e.PREVIOUS_TIME_S].iloc[0])
    assert five[e.IMPROVEMENT_S].iloc[1] == pytest.approx(50.0)
    # 1 km: a (280), b is slower (290), c beats a by 10 s
    assert list(one[c.ACTIVITY_ID]) == ["a", "c"]
    assert one[e.PREVIOUS_TIME_S].iloc[1] == 280.0
    assert one[e.IMPROVEMENT_S].iloc[1] == pytest.approx(10.0)
    assert one[c.PACE_S_PER_KM].iloc[1] == pytest.approx(270.0)
    assert list(rec[e.LABEL].unique()) == ["1 km", "5 km"]


def test_equalling_a_record_is_not_a_new_one() -> None:
    runs = three_runs()
    runs.loc[runs[c.ACTIVITY_ID] == "c", c.TIME_S] = [1450.0, 280.0]
    rec = e.records(runs)
    assert "c" not in set(rec[c.ACTIVITY_ID])
    best = e.best_efforts_table(runs)
    assert dict(zip(best[c.DISTANCE_M], best[c.ACTIVITY_ID], strict=True)) == {
        1000.0: "a",
        5000.0: "b",
    }


def test_records_are_by_day_not_by_row_order() -> None:
    shuffled = three_runs().iloc[::-1].reset_index(drop=True)
    pd.testing.assert_frame_equal(e.records(shuffled), e.records(three_runs()))


# ---- the pace–duration curve -------------------------------------------------------------------


def test_curve_of_the_fast_kilometre_run() -> None:
    curve = e.mean_max_speed(fast_km_run(), [60.0, 180.0, 300.0, 1380.0, 1400.0])
    far = dict(zip(curve[c.DURATION_S], curve[c.DISTANCE_M], strict=True))
    assert far[60.0] == pytest.approx(1000.0 / 3)  # a minute of the 3:00 km
    assert far[180.0] == pytest.approx(1000.0)
    # the fast kilometre and 120 s at 5:00/km (1000/300 m/s): 1000 + 400
    assert far[300.0] == pytest.approx(1400.0)
    assert far[1380.0] == pytest.approx(5000.0)
    assert 1400.0 not in far  # longer than the run
    pace = dict(zip(curve[c.DURATION_S], curve[c.PACE_S_PER_KM], strict=True))
    assert pace[180.0] == pytest.approx(180.0)
    assert pace[300.0] == pytest.approx(300.0 / 1.4)


def test_the_period_curve_takes_the_best_run_at_each_duration() -> None:
    runs = {"steady": steady(240.0, 10.5), "fast km": fast_km_run()}
    curve = e.pace_duration_curve(runs, [60.0, 1380.0, 2400.0])
    by = dict(zip(curve[c.DURATION_S], curve[c.ACTIVITY_ID], strict=True))
    # a minute: 3:00/km beats 4:00/km; 23 min: the steady run (5.75 km) beats 5 km
    assert by == {60.0: "fast km", 1380.0: "steady", 2400.0: "steady"}
    assert curve[c.SPEED_MPS].iloc[0] == pytest.approx(1000.0 / 180.0)
    assert e.pace_duration_curve({}).empty


# ---- Riegel -----------------------------------------------------------------------------------


def test_riegel_10k_from_a_20_minute_5k() -> None:
    # 2^1.06 = e^(1.06 × ln 2) = e^(0.7347360) = 2.0849315; 1200 s × 2.0849315 = 2501.918 s
    assert e.riegel_time(1200.0, 5000.0, 10_000.0) == pytest.approx(2501.918, abs=1e-3)


def test_riegel_marathon_from_a_half() -> None:
    # 42.195 / 21.0975 = 2 exactly: 1:30:00 = 5400 s × 2.0849315 = 11 258.63 s (3:07:39)
    assert e.riegel_time(5400.0, 21_097.5, 42_195.0) == pytest.approx(11_258.63, abs=1e-2)
    assert e.riegel_time(5400.0, 21_097.5, 42_195.0, exponent=1.0) == pytest.approx(10_800.0)


def test_riegel_refuses_nonsense() -> None:
    with pytest.raises(ValueError):
        e.riegel_time(0.0, 5000.0, 10_000.0)
    with pytest.raises(ValueError):
        e.riegel_time(1200.0, 0.0, 10_000.0)


def best_frame(rows: dict[float, float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            c.DISTANCE_M: list(rows),
            c.TIME_S: list(rows.values()),
            c.ACTIVITY_ID: [f"run {d:g}" for d in rows],
            c.LOCAL_DATE: pd.Timestamp("2024-05-05"),
        }
    )


def test_estimates_come_from_the_nearest_longer_effort() -> None:
    best = best_frame({1000.0: 230.0, 5000.0: 1200.0, 10_000.0: 2520.0, 21_097.5: 5400.0})
    est = e.race_estimates(best).set_index(c.DISTANCE_M)
    assert est.loc[5000.0, e.FROM_DISTANCE_M] == 10_000.0  # not its own 5 km best
    assert est.loc[5000.0, c.TIME_S] == pytest.approx(2520.0 * 0.5**1.06)  # 1208.67 s
    assert est.loc[10_000.0, e.FROM_LABEL] == "Half marathon"
    # nothing longer than a half: the half comes from the 10 km, the marathon from the half
    assert est.loc[21_097.5, e.FROM_DISTANCE_M] == 10_000.0
    assert est.loc[42_195.0, e.FROM_ACTIVITY_ID] == "run 21097.5"
    assert est.loc[42_195.0, c.TIME_S] == pytest.approx(11_258.63, abs=1e-2)
    assert est[e.WITHIN_RANGE].all()
    assert (est[e.RANGE_NOTE] == "").all()


def test_estimates_outside_riegels_range_are_flagged() -> None:
    # a 3:20 km (under 3.5 min) is the only source of every estimate below 1 km: none is
    # longer, so all four come from it
    est = e.race_estimates(best_frame({400.0: 75.0, 1000.0: 200.0})).set_index(c.DISTANCE_M)
    assert set(est[e.FROM_DISTANCE_M]) == {1000.0}
    assert not est[e.WITHIN_RANGE].any()
    assert "under 3.5 min" in est.loc[5000.0, e.RANGE_NOTE]
    # a half in 2:00:00 predicts a marathon of 7200 × 2.0849 = 15 011 s, over 230 min
    slow = e.race_estimates(best_frame({10_000.0: 3300.0, 21_097.5: 7200.0}))
    marathon = slow.set_index(c.DISTANCE_M).loc[42_195.0]
    assert marathon[c.TIME_S] == pytest.approx(15_011.51, abs=1e-2)
    assert not marathon[e.WITHIN_RANGE]
    assert marathon[e.RANGE_NOTE] == "the estimate is over 230 min"
    assert slow.set_index(c.DISTANCE_M).loc[5000.0, e.WITHIN_RANGE]


def test_no_efforts_no_estimates() -> None:
    assert e.race_estimates(best_frame({})).empty


# ---- figures ----------------------------------------------------------------------------------


def records_frame() -> pd.DataFrame:
    return e.records(three_runs())


def test_records_figure_titles_and_units() -> None:
    km = records_figure(records_frame(), "km")
    mi = records_figure(records_frame(), "mi")
    assert km.layout.title.text == "Records over time"
    assert km.layout.yaxis.title.text == "Pace [min/km]"
    assert mi.layout.yaxis.title.text == "Pace [min/mi]"
    assert km.layout.xaxis.title.text == "Date"
    assert [tr.name for tr in km.data] == ["1 km", "5 km"]
    # 1 km: 280 s/km and 270 s/km; per mile × 1.609344
    assert list(km.data[0].y) == pytest.approx([280.0, 270.0])
    assert list(mi.data[0].y) == pytest.approx([280.0 * 1.609344, 270.0 * 1.609344])
    assert km.layout.yaxis.autorange == "reversed"
    assert "4:30" in km.layout.yaxis.ticktext
    assert "min/mi" in mi.data[0].hovertemplate
    assert "0:10 faster" in {row[2] for row in km.data[0].customdata}


def test_pace_duration_figure_log_axis_and_units() -> None:
    curve = e.pace_duration_curve({"fast km": fast_km_run()}, [10.0, 60.0, 300.0, 1200.0])
    km = pace_duration_figure(curve, "km")
    mi = pace_duration_figure(curve, "mi")
    assert km.layout.title.text == "Pace–duration curve"
    assert km.layout.xaxis.type == "log"
    assert km.layout.xaxis.title.text == "Duration (log scale)"
    assert mi.layout.yaxis.title.text == "Best average pace [min/mi]"
    assert "1 min" in km.layout.xaxis.ticktext
    assert km.layout.yaxis.autorange == "reversed"
    assert list(mi.data[0].y) == pytest.approx(np.array(km.data[0].y) * 1.609344)
    assert km.data[0].y[0] == pytest.approx(180.0)  # 10 s inside the 3:00 km
    distances = [row[2] for row in mi.data[0].customdata]
    assert distances[-1].endswith(" mi")
    json.loads(km.to_json())  # serialisable as the page sends it


def test_empty_figures_say_why() -> None:
    for fig in (records_figure(pd.DataFrame(), "km"), pace_duration_figure(pd.DataFrame(), "mi")):
        assert "distance stream" in fig.layout.annotations[0].text


def test_duration_text() -> None:
    assert [duration_text(v) for v in (10, 90, 600, 3600, 5400)] == [
        "10 s", "1 min 30 s", "10 min", "1 h", "1 h 30 min",
    ]  # fmt: skip


# ---- the page's data, through a real store ---------------------------------------------------


def test_efforts_data_reads_the_period_from_the_store(tmp_path: Path) -> None:
    with Store(tmp_path / "athlete.duckdb") as store:
        for i, (start, speed, n) in enumerate(
            [("2026-03-02T07:00:00Z", 3.0, 200), ("2026-03-09T07:00:00Z", 3.5, 400)]
        ):
            act = run_activity(name=f"r{i}.fit", start=start, n=n, speed_mps=speed)
            digest = f"{i:02d}".ljust(64, "0")
            store.add_file(digest, act.source_name, "fit", 1, [prepare_activity(act, digest, 0)])
        everything = efforts_data(store, AthleteSettings(units="mi"), None, None)
        later = efforts_data(store, AthleteSettings(), date(2026, 3, 5), None)
    # run 1: 5 970 m at 3 m/s; run 2: 13 965 m at 3.5 m/s
    assert everything["runs"] == 2 and everything["runs_measured"] == 2
    one_km = everything["records"][everything["records"][c.DISTANCE_M] == 1000.0]
    assert list(one_km[c.TIME_S]) == pytest.approx([1000 / 3.0, 1000 / 3.5])
    assert everything["best"].set_index(c.DISTANCE_M).loc[10_000.0, c.TIME_S] == pytest.approx(
        10_000 / 3.5
    )
    five = everything["estimates"].set_index(c.DISTANCE_M).loc[5000.0]
    assert five[c.TIME_S] == pytest.approx(10_000 / 3.5 * 0.5**1.06)
    assert everything["curve"][c.SPEED_MPS].to_numpy() == pytest.approx(3.5)
    table = everything["best_table"].set_index("Distance")
    assert table.loc["1 km", "Time"] == "4:46"  # 285.7 s
    assert table.loc["1 km", "Pace"] == "7:40 min/mi"  # 285.714 × 1.609344 = 459.8 s
    assert later["runs"] == 1
    assert later["records"][c.LOCAL_DATE].min() == pd.Timestamp("2026-03-09")


def test_efforts_data_without_runs(tmp_path: Path) -> None:
    with Store(tmp_path / "athlete.duckdb") as store:
        data = efforts_data(store, AthleteSettings(), None, None)
    assert data["runs"] == 0
    assert data["records"].empty and data["curve"].empty and data["estimates"].empty
    assert data["best_table"].empty


def test_a_window_as_long_as_the_run_whose_first_sample_is_not_at_zero() -> None:
    # 0.1 → 0.3 s: 1 m, 0.3 → 0.7 s: 2 m; the whole 0.6 s covers 3 m (0.7 − 0.1 is not exact)
    curve = e.mean_max_speed(track([0.1, 0.3, 0.7], [0.0, 1.0, 3.0]), [0.7 - 0.1])
    assert curve[c.DISTANCE_M].to_numpy() == pytest.approx([3.0])
    assert curve[e.START_ELAPSED_S].to_numpy() == pytest.approx([0.1])
