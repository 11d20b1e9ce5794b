"""Figure builders: built from small hand-made metric frames and read back from the figure."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from analysis import columns as c
from analysis.figures import activity, cadence, intensity, load, mileage, overview, style
from analysis.schema import build_samples

MI = 1.609344  # km per mile, written out so the test does not borrow the code's constant


# ---- hand-built metric outputs ------------------------------------------------------------------


def weekly_frame() -> pd.DataFrame:
    """Three weeks: 10 mi, then +8.7 % (within a 10 % limit), then +50 % (over it)."""
    return pd.DataFrame(
        {
            c.WEEK_START: pd.to_datetime(["2024-01-01", "2024-01-08", "2024-01-15"]),
            c.DISTANCE_KM: [16.09344, 17.5, 26.25],
            c.RUNS: [2, 3, 4],
            c.LONGEST_RUN_KM: [8.0, 7.0, 10.5],
            c.CHANGE_PCT: [np.nan, (17.5 / 16.09344 - 1) * 100, 50.0],
            c.OVER_RAMP_LIMIT: pd.array([pd.NA, False, True], dtype="boolean"),
        }
    )


def monthly_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            c.MONTH_START: pd.to_datetime(["2024-01-01", "2024-02-01"]),
            c.DISTANCE_KM: [80.4672, 100.0],
            c.RUNS: [10, 12],
        }
    )


def comparison() -> dict[str, object]:
    return {
        "this_week_km": 16.09344,
        "last_week_km": 32.18688,
        "avg_4wk_km": 24.14016,
        "change_vs_last_pct": -50.0,
        "change_vs_avg_pct": -33.3,
        "week_start": pd.Timestamp("2024-03-11"),
        "days_into_week": 3,
    }


def per_run_frame() -> pd.DataFrame:
    """Three runs given out of time order; the last row has an implausible pace (GPS glitch)."""
    return pd.DataFrame(
        {
            c.ACTIVITY_ID: [2, 1, 3, 4],
            c.START_TIME_LOCAL: pd.to_datetime(
                ["2024-01-03 07:00", "2024-01-01 07:00", "2024-01-05 07:00", "2024-01-06 07:00"]
            ),
            c.AVG_CADENCE_SPM: [170.0, 160.0, 180.0, 175.0],
            c.PACE_S_PER_KM: [300.0, 360.0, 240.0, 30.0],
            c.DISTANCE_KM: [10.0, 5.0, 8.0, 1.0],
        }
    )


def cadence_dist_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {c.CADENCE_SPM: [168.0, 172.0], c.TIME_S: [600.0, 1800.0], c.SHARE_PCT: [25.0, 75.0]}
    )


def zones_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            c.ZONE: [1, 2, 3],
            c.ZONE_LOW_BPM: [100.0, 130.0, 160.0],
            c.ZONE_HIGH_BPM: [130.0, 160.0, 190.0],
            c.ZONE_LABEL: ["Z1 easy", "Z2 steady", "Z3 hard"],
        }
    )


def weekly_tiz_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            c.WEEK_START: pd.to_datetime(["2024-01-01"] * 3 + ["2024-01-08"] * 2),
            c.ZONE: [1, 2, 3, 1, 3],
            c.TIME_S: [3600.0, 1800.0, 900.0, 7200.0, 0.0],
        }
    )


def acr_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            c.DATE: pd.date_range("2024-01-01", periods=4),
            c.LOAD: [10.0, 0.0, 5.0, 8.0],
            c.ACUTE_LOAD: [10.0, 5.0, 5.0, 5.75],
            c.CHRONIC_LOAD: [10.0, 5.0, 5.0, 5.75],
            c.ACWR: [np.nan, 0.7, 1.4, 1.7],
        }
    )


def samples_frame(*, gps: bool = True, speed_mps: float = 4.0) -> pd.DataFrame:
    """Ten one-second samples running due north at a constant speed."""
    n = 10
    raw = pd.DataFrame(
        {
            c.TIMESTAMP: pd.date_range("2024-05-01 06:00", periods=n, freq="s", tz="UTC"),
            c.DISTANCE_M: np.arange(n) * speed_mps,
            c.SPEED_MPS: np.full(n, speed_mps),
            c.HEART_RATE_BPM: np.linspace(120, 129, n),
            c.ALTITUDE_M: np.full(n, 12.0),
        }
    )
    if gps:
        raw[c.LATITUDE_DEG] = np.linspace(52.00, 52.01, n)
        raw[c.LONGITUDE_DEG] = np.linspace(4.00, 4.02, n)
    return build_samples(raw)


# ---- reading figures back -----------------------------------------------------------------------


def annotation_texts(fig: go.Figure) -> list[str]:
    return [a.text for a in fig.layout.annotations]


def trace(fig: go.Figure, name: str) -> go.Bar | go.Scatter:
    matches = [t for t in fig.data if t.name == name]
    assert len(matches) == 1, [t.name for t in fig.data]
    return matches[0]


def hrect_spans(fig: go.Figure) -> set[tuple[float, float]]:
    return {
        (round(s.y0, 6), round(s.y1, 6))
        for s in fig.layout.shapes
        if s.type == "rect" and s.yref == "y"
    }


# ---- volume ------------------------------------------------------------------------------------


def test_weekly_distance_switches_unit_and_scales_values() -> None:
    km = mileage.weekly_distance_figure(weekly_frame(), "km")
    mi = mileage.weekly_distance_figure(weekly_frame(), "mi")
    assert km.layout.yaxis.title.text == "Distance [km]"
    assert mi.layout.yaxis.title.text == "Distance [mi]"
    ok_km = trace(km, "Within ramp limit")
    ok_mi = trace(mi, "Within ramp limit")
    # 16.09344 km is exactly 10 miles, 17.5 km is 17.5 / 1.609344 = 10.874 mi
    assert list(ok_km.y) == pytest.approx([16.09344, 17.5])
    assert list(ok_mi.y) == pytest.approx([10.0, 10.874], abs=5e-4)
    assert "km" in ok_km.hovertemplate and "mi" in ok_mi.hovertemplate
    assert "%{customdata[0]} runs" in ok_km.hovertemplate


def test_weekly_distance_colours_and_names_the_flagged_week() -> None:
    fig = mileage.weekly_distance_figure(weekly_frame(), "km")
    ok, over = trace(fig, "Within ramp limit"), trace(fig, "Over ramp limit")
    assert list(over.y) == pytest.approx([26.25])
    assert pd.Timestamp(over.x[0]) == pd.Timestamp("2024-01-15")
    assert over.marker.color != ok.marker.color
    assert over.marker.color == style.FLAGGED
    assert fig.layout.showlegend is True
    # the missing flag of the first week (no week before it) counts as within the limit
    assert len(ok.y) == 2


def test_weekly_distance_hides_legend_without_flags() -> None:
    weekly = weekly_frame().assign(**{c.OVER_RAMP_LIMIT: False})
    fig = mileage.weekly_distance_figure(weekly, "km")
    assert [t.name for t in fig.data] == ["Within ramp limit"]
    assert fig.layout.showlegend is False


def test_week_change_draws_limit_and_flags_red() -> None:
    fig = mileage.week_change_figure(weekly_frame(), 10.0)
    assert fig.layout.yaxis.title.text == "Change [%]"
    over = trace(fig, "Over +10 % limit")
    ok = trace(fig, "Within ramp limit")
    assert over.marker.color == style.FLAGGED != ok.marker.color
    assert list(over.y) == pytest.approx([50.0])
    # the first week has no change and is not drawn
    assert len(ok.y) + len(over.y) == 2
    limit = [s for s in fig.layout.shapes if s.line.dash == "dash"]
    assert len(limit) == 1
    assert limit[0].y0 == limit[0].y1 == 10.0
    assert "%" in over.hovertemplate


def test_week_change_without_flag_column_flags_against_limit() -> None:
    weekly = weekly_frame().drop(columns=[c.OVER_RAMP_LIMIT])
    fig = mileage.week_change_figure(weekly, 30.0)
    assert list(trace(fig, "Over +30 % limit").y) == pytest.approx([50.0])


def test_week_change_needs_two_weeks() -> None:
    fig = mileage.week_change_figure(weekly_frame().iloc[:1], 10.0)
    assert fig.data == ()
    assert any(style.EMPTY_MESSAGE in t for t in annotation_texts(fig))


def test_longest_run_shows_share_of_week() -> None:
    fig = mileage.longest_run_figure(weekly_frame(), "mi")
    (line,) = fig.data
    assert fig.layout.yaxis.title.text == "Longest run [mi]"
    assert list(line.y) == pytest.approx([8.0 / MI, 7.0 / MI, 10.5 / MI])
    # 8 of 16.09344 km is 49.7 %, 7 of 17.5 km is 40 %, 10.5 of 26.25 km is 40 %
    assert list(line.customdata) == ["49.7 %", "40.0 %", "40.0 %"]
    assert "of the week" in line.hovertemplate


def test_monthly_distance_in_miles() -> None:
    fig = mileage.monthly_distance_figure(monthly_frame(), "mi")
    (bars,) = fig.data
    assert fig.layout.yaxis.title.text == "Distance [mi]"
    # 80.4672 km = 50 mi
    assert list(bars.y) == pytest.approx([50.0, 100.0 / MI])
    assert list(bars.customdata) == ["10", "12"]
    assert "mi" in bars.hovertemplate


# ---- overview ----------------------------------------------------------------------------------


def test_week_comparison_three_bars_in_unit() -> None:
    fig = overview.week_comparison_figure(comparison(), "mi")
    (bars,) = fig.data
    assert len(bars.x) == 3
    assert list(bars.x[1:]) == ["Last week", "4-week average"]
    assert "day 3 of 7" in bars.x[0]
    assert list(bars.y) == pytest.approx([10.0, 20.0, 15.0])
    assert list(bars.text) == ["10.0 mi", "20.0 mi", "15.0 mi"]
    assert fig.layout.yaxis.title.text == "Distance [mi]"
    assert "-50.0 %" in bars.customdata[0]
    assert "mi" in bars.hovertemplate


def test_week_comparison_title_names_the_same_days() -> None:
    # the last-week bar is the whole week (20 mi), the change compares the same 3 days (8 mi by
    # Wednesday): the title must not read as "-50 % vs the bar beside it"
    cmp = comparison() | {"last_week_same_days_km": 8 * MI, "change_vs_last_pct": 25.0}
    fig = overview.week_comparison_figure(cmp, "mi")
    title = fig.layout.title.text
    assert "+25.0 % vs the same 3 days of last week" in title
    assert "vs last week" not in title
    assert title.count("<br>") == 1  # two lines: a third was drawn out of the figure
    (bars,) = fig.data
    assert "the whole previous week" in bars.customdata[1]
    assert "8.0 mi by its day 3" in bars.customdata[1]
    # on its last day the week is whole: the same days are the whole week
    whole = overview.week_comparison_figure(comparison() | {"days_into_week": 7}, "mi")
    assert "vs the whole of last week" in whole.layout.title.text


def test_week_comparison_without_data() -> None:
    fig = overview.week_comparison_figure({}, "km")
    assert any(style.EMPTY_MESSAGE in t for t in annotation_texts(fig))
    nothing = dict.fromkeys(("this_week_km", "last_week_km", "avg_4wk_km"))
    fig = overview.week_comparison_figure(nothing, "km")
    assert any(style.EMPTY_MESSAGE in t for t in annotation_texts(fig))


def test_acwr_gauge_bands() -> None:
    fig = overview.acwr_gauge_figure(1.42, "caution")
    (gauge,) = fig.data
    assert isinstance(gauge, go.Indicator)
    assert gauge.value == 1.42
    steps = [(tuple(s.range), s.color) for s in gauge.gauge.steps]
    assert steps == [
        ((0, 0.8), style.MUTED),
        ((0.8, 1.3), style.GOOD),
        ((1.3, 1.5), style.CAUTION),
        ((1.5, 2.0), style.DANGER),
    ]
    assert "caution" in gauge.title.text


def test_acwr_gauge_widens_for_large_ratio() -> None:
    (gauge,) = overview.acwr_gauge_figure(2.5, "danger").data
    # 2.5 * 1.1 = 2.75, rounded up to a tenth
    assert tuple(gauge.gauge.axis.range) == (0, 2.8)


@pytest.mark.parametrize("value", [None, float("nan")])
def test_acwr_gauge_without_history(value: float | None) -> None:
    fig = overview.acwr_gauge_figure(value, "")
    assert fig.data == ()
    assert any("not enough history" in t.lower() for t in annotation_texts(fig))


# ---- cadence -----------------------------------------------------------------------------------


def test_cadence_trend_rolling_mean_and_band() -> None:
    fig = cadence.cadence_trend_figure(per_run_frame(), window=2)
    points = trace(fig, "Run average")
    mean = trace(fig, "Mean of last 2 runs")
    # sorted by time: 160, 170, 180, 175 -> trailing 2-run means 160, 165, 175, 177.5
    assert list(points.y) == [160.0, 170.0, 180.0, 175.0]
    assert list(mean.y) == pytest.approx([160.0, 165.0, 175.0, 177.5])
    assert (170.0, 180.0) in hrect_spans(fig)
    assert "spm" in points.hovertemplate and "spm" in mean.hovertemplate
    assert fig.layout.yaxis.title.text == "Cadence [spm]"


def test_cadence_vs_pace_in_min_per_mile() -> None:
    fig = cadence.cadence_vs_pace_figure(per_run_frame(), "mi")
    (points,) = fig.data
    # the 30 s/km glitch is left out; 300 s/km * 1.609344 = 482.8 s/mi = 8:03 min/mi
    assert len(points.x) == 3
    assert list(points.x) == pytest.approx([300.0 * MI, 360.0 * MI, 240.0 * MI])
    assert points.customdata[0][0] == "8:03 min/mi"
    assert "min/mi" in fig.layout.xaxis.title.text
    assert fig.layout.xaxis.autorange == "reversed"
    assert all(":" in t for t in fig.layout.xaxis.ticktext)
    assert (170.0, 180.0) in hrect_spans(fig)
    km = cadence.cadence_vs_pace_figure(per_run_frame(), "km")
    assert "min/km" in km.layout.xaxis.title.text
    assert km.data[0].customdata[0][0] == "5:00 min/km"


def test_cadence_distribution_bars_and_band() -> None:
    fig = cadence.cadence_distribution_figure(cadence_dist_frame())
    (bars,) = fig.data
    assert list(bars.y) == [25.0, 75.0]
    assert list(bars.customdata) == ["10:00", "30:00"]
    assert fig.layout.yaxis.title.text == "Share of running time [%]"
    bands = [(s.x0, s.x1) for s in fig.layout.shapes if s.type == "rect" and s.xref == "x"]
    assert bands == [(170.0, 180.0)]
    assert "% of running time" in bars.hovertemplate


# ---- intensity ---------------------------------------------------------------------------------


def test_weekly_zones_stacks_hours_with_bpm_in_legend() -> None:
    fig = intensity.weekly_zones_figure(weekly_tiz_frame(), zones_frame())
    assert fig.layout.barmode == "stack"
    assert [t.name for t in fig.data] == [
        "Z1 easy (100–130 bpm)",
        "Z2 steady (130–160 bpm)",
        "Z3 hard (160–190 bpm)",
    ]
    z1, z2, z3 = fig.data
    # 3600 s + 7200 s of zone 1 -> 1 h and 2 h; zone 2 is absent in week 2 -> 0 h
    assert list(z1.y) == pytest.approx([1.0, 2.0])
    assert list(z2.y) == pytest.approx([0.5, 0.0])
    assert list(z3.y) == pytest.approx([0.25, 0.0])
    # week 1 holds 6300 s; zone 1 is 3600 / 6300 = 57.1 % of it
    assert z1.customdata[0][1] == "57.1 %"
    assert z1.marker.color == style.BLUE and z3.marker.color == style.VERMILLION
    assert len({t.marker.color for t in fig.data}) == 3
    assert fig.layout.yaxis.title.text == "Time in zone [h per week]"
    assert all("bpm" in t.hovertemplate for t in fig.data)


def test_weekly_zones_without_zone_table_names_zones() -> None:
    fig = intensity.weekly_zones_figure(weekly_tiz_frame(), None)
    assert [t.name for t in fig.data] == ["Zone 1", "Zone 2", "Zone 3"]


def test_easy_hard_bar_with_target() -> None:
    split = {"easy_s": 27000.0, "hard_s": 9000.0, "easy_pct": 75.0, "hard_pct": 25.0}
    fig = intensity.easy_hard_figure(split)
    easy, hard = fig.data
    assert (easy.name, hard.name) == ("Easy", "Hard")
    assert list(easy.x) == [75.0] and list(hard.x) == [25.0]
    assert easy.orientation == hard.orientation == "h"
    assert fig.layout.barmode == "stack"
    assert tuple(fig.layout.xaxis.range) == (0, 100)
    targets = [s for s in fig.layout.shapes if s.line.dash == "dash"]
    assert [(s.x0, s.x1) for s in targets] == [(80.0, 80.0)]
    # 27000 s = 7 h 30 min
    assert list(easy.customdata) == ["7:30"]


def test_easy_hard_derives_missing_percentages() -> None:
    fig = intensity.easy_hard_figure({"easy_s": 300.0, "hard_s": 100.0})
    assert [list(t.x) for t in fig.data] == [[75.0], [25.0]]


# ---- load --------------------------------------------------------------------------------------


def test_load_figure_bars_and_lines() -> None:
    fig = load.load_figure(acr_frame(), "distance [km]")
    assert [t.name for t in fig.data] == ["Daily load", "Acute load", "Chronic load"]
    assert list(fig.data[0].y) == [10.0, 0.0, 5.0, 8.0]
    assert fig.layout.yaxis.title.text == "Load [km]"
    assert all(" km" in t.hovertemplate for t in fig.data)
    trimp = load.load_figure(acr_frame(), "Banister TRIMP [a.u.]")
    assert "a.u." in trimp.data[0].hovertemplate


def test_acwr_figure_bands_at_published_thresholds() -> None:
    fig = load.acwr_figure(acr_frame())
    (line,) = fig.data
    assert list(line.y) == pytest.approx([0.7, 1.4, 1.7])  # the NaN day is left out
    spans = hrect_spans(fig)
    assert {(0.8, 1.3), (1.3, 1.5)} <= spans
    # the red band starts at 1.5 and reaches past the highest value (1.7 * 1.1 = 1.87 < 2)
    assert (1.5, 2.0) in spans
    colours = {(round(s.y0, 6), round(s.y1, 6)): s.fillcolor for s in fig.layout.shapes}
    assert colours[(0.8, 1.3)] == style.GOOD
    assert colours[(1.3, 1.5)] == style.CAUTION
    assert colours[(1.5, 2.0)] == style.DANGER
    assert list(line.customdata) == [
        "below 0.8: under-training",
        "1.3-1.5: caution",
        "above 1.5: danger zone",
    ]
    assert "ACWR" in line.hovertemplate


# ---- one activity ------------------------------------------------------------------------------


def test_route_map_centres_on_track() -> None:
    fig = activity.route_map_figure(samples_frame())
    route = trace(fig, "Route")
    assert isinstance(route, go.Scattermap)
    assert len(route.lat) == 10
    assert fig.layout.map.style == "open-street-map"
    assert fig.layout.map.center.lat == pytest.approx(52.005)
    assert fig.layout.map.center.lon == pytest.approx(4.01)
    assert [t.name for t in fig.data] == ["Route", "Start", "Finish"]
    assert trace(fig, "Finish").lat[0] == pytest.approx(52.01)
    assert route.hovertemplate


def test_map_zoom_shrinks_as_track_grows() -> None:
    _, small = activity.map_view(np.array([52.0, 52.01]), np.array([4.0, 4.01]))
    _, large = activity.map_view(np.array([52.0, 52.1]), np.array([4.0, 4.1]))
    # ten times the span in both directions is log2(10) = 3.3 zoom levels out
    assert small - large == pytest.approx(math.log2(10), abs=0.05)
    # a lone point gets the closest zoom, not infinity
    _, point = activity.map_view(np.array([52.0]), np.array([4.0]))
    assert point == 16.0


def test_route_map_without_gps_says_so() -> None:
    fig = activity.route_map_figure(samples_frame(gps=False))
    assert fig.data == ()
    assert activity.NO_GPS_MESSAGE in annotation_texts(fig)


def test_activity_traces_only_recorded_channels_with_pace_in_unit() -> None:
    fig = activity.activity_traces_figure(samples_frame(), "mi")
    names = [t.name for t in fig.data]
    # no cadence and no power in this file
    assert names == ["Pace", "Heart rate", "Elevation"]
    pace = trace(fig, "Pace")
    # 4 m/s = 250 s/km = 250 * 1.609344 s/mi = 402.3 s = 6:42 min/mi
    assert list(pace.y) == pytest.approx([250.0 * MI] * 10)
    assert pace.customdata[0] == "6:42"
    assert fig.layout.yaxis.autorange == "reversed"
    assert fig.layout.yaxis.title.text == "Pace [min/mi]"
    assert fig.layout.yaxis2.title.text == "HR [bpm]"
    assert all(":" in t for t in fig.layout.yaxis.ticktext)
    assert all(t.hovertemplate for t in fig.data)
    # elapsed time on a clock-like axis, titled under the bottom row only
    assert fig.layout.xaxis3.title.text == "Elapsed time [h:mm:ss]"
    assert fig.layout.xaxis3.tickformat == "%-H:%M:%S"
    # the tenth one-second sample is 9 s in
    last = pd.Timestamp(trace(fig, "Heart rate").x[-1])
    assert last - pd.Timestamp(0) == pd.Timedelta(seconds=9)


def test_activity_traces_over_distance() -> None:
    fig = activity.activity_traces_figure(samples_frame(), "km", x_axis="distance")
    hr = trace(fig, "Heart rate")
    # 4 m per sample -> the last of ten samples is 36 m = 0.036 km in
    assert hr.x[-1] == pytest.approx(0.036)
    assert fig.layout.xaxis3.title.text == "Distance [km]"


def test_activity_traces_leave_out_implausible_pace() -> None:
    # 0.5 m/s is 33:20 min/km: standing around, not running
    fig = activity.activity_traces_figure(samples_frame(speed_mps=0.5), "km")
    assert "Pace" not in [t.name for t in fig.data]


# ---- empty input -------------------------------------------------------------------------------

EMPTY_BUILDERS = {
    "weekly_distance": lambda: mileage.weekly_distance_figure(weekly_frame().iloc[:0], "km"),
    "week_change": lambda: mileage.week_change_figure(pd.DataFrame(), 10.0),
    "longest_run": lambda: mileage.longest_run_figure(weekly_frame().iloc[:0], "mi"),
    "monthly": lambda: mileage.monthly_distance_figure(pd.DataFrame(), "km"),
    "comparison": lambda: overview.week_comparison_figure({}, "km"),
    "cadence_trend": lambda: cadence.cadence_trend_figure(per_run_frame().iloc[:0]),
    "cadence_pace": lambda: cadence.cadence_vs_pace_figure(pd.DataFrame(), "km"),
    "cadence_dist": lambda: cadence.cadence_distribution_figure(cadence_dist_frame().iloc[:0]),
    "zones": lambda: intensity.weekly_zones_figure(pd.DataFrame(), zones_frame()),
    "easy_hard": lambda: intensity.easy_hard_figure({"easy_s": 0.0, "hard_s": 0.0}),
    "load": lambda: load.load_figure(acr_frame().iloc[:0], "distance [km]"),
    "acwr": lambda: load.acwr_figure(pd.DataFrame()),
    "route": lambda: activity.route_map_figure(samples_frame().iloc[:0]),
    "traces": lambda: activity.activity_traces_figure(samples_frame().iloc[:0], "km"),
}


@pytest.mark.parametrize("name", sorted(EMPTY_BUILDERS))
def test_empty_input_gives_annotated_figure(name: str) -> None:
    fig = EMPTY_BUILDERS[name]()
    assert isinstance(fig, go.Figure)
    assert fig.data == ()
    assert any(style.EMPTY_MESSAGE in t for t in annotation_texts(fig))


def test_acwr_all_missing_is_empty() -> None:
    fig = load.acwr_figure(acr_frame().assign(**{c.ACWR: np.nan}))
    assert fig.data == ()
    assert any(style.EMPTY_MESSAGE in t for t in annotation_texts(fig))


# ---- shared style ------------------------------------------------------------------------------


def test_default_height_titles_and_hover_everywhere() -> None:
    figures = [
        mileage.weekly_distance_figure(weekly_frame(), "km"),
        mileage.week_change_figure(weekly_frame(), 10.0),
        mileage.longest_run_figure(weekly_frame(), "km"),
        mileage.monthly_distance_figure(monthly_frame(), "km"),
        cadence.cadence_trend_figure(per_run_frame()),
        cadence.cadence_vs_pace_figure(per_run_frame(), "km"),
        cadence.cadence_distribution_figure(cadence_dist_frame()),
        intensity.weekly_zones_figure(weekly_tiz_frame(), zones_frame()),
        load.load_figure(acr_frame(), "distance [km]"),
        load.acwr_figure(acr_frame()),
    ]
    for fig in figures:
        # the zones' legend takes a row per zone on a phone: that figure grows by those rows
        assert fig.layout.height >= style.DEFAULT_HEIGHT
        assert fig.layout.title.text
        assert fig.layout.xaxis.title.text
        assert "[" in fig.layout.yaxis.title.text  # every y axis states its unit
        assert all(t.hovertemplate for t in fig.data)


def test_zone_colours_run_cool_to_hot() -> None:
    assert style.zone_colors(5) == ["#0072B2", "#56B4E9", "#009E73", "#E69F00", "#D55E00"]
    # three zones: the coolest, the middle anchor and the hottest
    assert style.zone_colors(3) == ["#0072B2", "#009E73", "#D55E00"]
    assert len(style.zone_colors(7)) == 7
    assert style.zone_colors(0) == []


def test_pace_ticks_read_as_minutes_and_seconds() -> None:
    values, labels = style.pace_ticks(290.0, 370.0)
    # an 80 s span in at most 7 ticks -> 15 s steps from 4:45 to 6:15
    assert values[0] == 285.0 and values[-1] == 375.0
    assert labels[:3] == ["4:45", "5:00", "5:15"]
    assert style.format_mss(3725.0) == "1:02:05"


def _is_warm(hex_colour: str) -> bool:
    """Red above blue: orange, vermillion, yellow and dark red are warm; blues and greens not."""
    red, blue = int(hex_colour[1:3], 16), int(hex_colour[5:7], 16)
    return red > blue


@pytest.mark.parametrize(("model", "n"), [("hrmax", 5), ("hrr", 5), ("lthr", 7)])
def test_easy_zones_cool_hard_zones_warm_in_every_model(model: str, n: int) -> None:
    from analysis.metrics.zones import easy_zones, hr_zones

    zones = hr_zones(model, 190.0, 50.0, 170.0)
    assert len(zones) == n
    easy = easy_zones(model)
    weekly = pd.DataFrame(
        {
            c.WEEK_START: pd.to_datetime(["2024-01-01"] * n),
            c.ZONE: list(zones[c.ZONE]),
            c.TIME_S: [600.0] * n,
        }
    )
    fig = intensity.weekly_zones_figure(weekly, zones, easy=easy)
    for zone, trace in zip(zones[c.ZONE], fig.data, strict=True):
        assert trace.name.startswith(str(zone))
        assert _is_warm(trace.marker.color) == (zone not in easy), (model, zone)
    colours = [t.marker.color for t in fig.data]
    assert len(set(colours)) == n  # no two zones alike


def test_zone_colours_split_at_the_easy_zones() -> None:
    assert style.zone_colors(5, easy=3) == style.zone_colors(5)  # %HRmax: as before
    friel = style.zone_colors(7, easy=2)
    assert [_is_warm(x) for x in friel] == [False, False, True, True, True, True, True]
    assert friel[-1] == style.DARK_RED


def test_mood_is_not_drawn_inside_the_hold_band() -> None:
    from analysis.figures import recovery

    log = pd.DataFrame(
        {
            c.DATE: pd.date_range("2024-02-01", periods=3),
            c.SORENESS: [2.0, 4.0, 5.0],
            c.MOOD: [4.0, 5.0, 4.0],
        }
    )
    fig = recovery.subjective_figure(log)
    mood = next(t for t in fig.data if t.name.startswith("Mood"))
    soreness = next(t for t in fig.data if t.name.startswith("Soreness"))
    band = [s for s in fig.layout.shapes if s.type == "rect"]
    assert len(band) == 1 and band[0].y0 == 4.0
    # the band lies on the soreness panel's axis; mood has an axis of its own
    assert band[0].yref.startswith(soreness.yaxis or "y")
    assert (mood.yaxis or "y") != (soreness.yaxis or "y")
    assert not band[0].yref.startswith(mood.yaxis)


def test_calendar_keeps_the_latest_weeks_and_a_compact_form() -> None:
    from analysis.figures import calendar
    from analysis.metrics.calendar import calendar_weeks
    from tests.test_figures_science import two_weeks_of_days, typed_weeks

    days = two_weeks_of_days()
    grid = calendar_weeks(days, typed_weeks())
    full = calendar.calendar_figure(grid, days)
    # two short lines per week rather than one long one, so the days keep their width
    assert list(full.layout.yaxis.ticktext) == [
        "04 Mar 2024<br>build · 55.0",
        "11 Mar 2024<br>cutback · 24.0",
    ]
    last = calendar.calendar_figure(grid, days, max_weeks=1, compact=True)
    assert list(last.data[0].y) == ["11 Mar 2024 · cutback · 24.0 km"]
    assert list(last.layout.yaxis.ticktext) == ["11 Mar"]
    assert list(last.layout.xaxis.ticktext) == ["M", "T", "W", "T", "F", "S", "S"]
    assert last.layout.height < full.layout.height


def test_route_map_fits_a_phone_column() -> None:
    """A 5 km east-west track fits a 340 px wide map: at the chosen zoom it spans less."""
    lon = np.linspace(4.0, 4.0 + 5.0 / (111.32 * math.cos(math.radians(52.0))), 50)
    lat = np.full(50, 52.0)
    _, zoom = activity.map_view(lat, lon, height_px=330)
    # web-mercator: 512 px per 360 degrees at zoom 0
    span_px = (lon[-1] - lon[0]) / 360.0 * 512 * 2**zoom
    assert span_px <= activity.ASSUMED_MAP_WIDTH_PX
    assert span_px > 0.6 * activity.ASSUMED_MAP_WIDTH_PX  # fitted, not lost in the map


def test_layout_puts_the_legend_under_the_title() -> None:
    fig = mileage.weekly_distance_figure(weekly_frame(), "km")
    title, legend = fig.layout.title, fig.layout.legend
    assert (title.yref, title.y, title.yanchor, title.automargin) == ("container", 1, "top", True)
    assert (legend.yref, legend.yanchor, legend.orientation) == ("container", "top", "h")
    below_title_px = (1 - legend.y) * fig.layout.height
    assert below_title_px >= style.TITLE_BAND_PX - 1e-6
    assert fig.layout.xaxis.automargin and fig.layout.yaxis.automargin


def test_a_band_without_a_label_writes_no_placeholder_text() -> None:
    # plotly.js writes "new text" on an annotation given a position but no text: the Pain
    # page's ACWR caution band (a subplot's band, no label) showed it
    from plotly.subplots import make_subplots

    from analysis.figures import style

    fig = make_subplots(rows=2, cols=1)
    fig.add_scatter(x=[1, 2], y=[1.0, 1.6], row=2, col=1)
    style.add_hband(fig, 1.3, 1.5, style.CAUTION, row=2, col=1)
    style.add_vband(fig, 1, 2, style.CAUTION)
    assert not fig.layout.annotations
    style.add_hband(fig, 0.8, 1.3, style.GOOD, "sweet spot", row=2, col=1)
    assert [a.text for a in fig.layout.annotations] == ["sweet spot"]


def test_a_whole_week_is_not_called_so_far() -> None:
    # the as-of day is the week's last day (a history that ended on a Sunday): the week is whole
    whole = overview.week_comparison_figure(
        comparison() | {"days_into_week": 7}, "mi", week="The week of 10 Nov 2025"
    )
    assert whole.layout.title.text.startswith("The week of 10 Nov 2025<br>")
    part = overview.week_comparison_figure(comparison(), "mi", week="This week")
    assert part.layout.title.text.startswith("This week so far<br>")
