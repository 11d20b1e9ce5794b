"""With miles chosen, no figure shows a metric unit, and the numbers it shows were converted.

Each figure is built in miles and every string of its plotly JSON (titles, axis titles, tick
texts, legend names, hover templates, custom data, cell texts, annotations) is searched for
kilometres, per-kilometre paces and elevations in metres. Then a few values are checked against
conversions written out here, so a figure that only relabels its axis would fail.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from analysis import columns as c
from analysis import units
from analysis.figures import activity, cadence, calendar, intensity, mileage, plan, recovery
from analysis.metrics.calendar import calendar_weeks
from analysis.metrics.guidance import long_run_share
from tests.test_figures import (
    per_run_frame,
    samples_frame,
    weekly_frame,
    weekly_tiz_frame,
    zones_frame,
)
from tests.test_figures_science import (
    compliance_frame,
    decoded,
    short_baselines,
    two_weeks_of_days,
    typed_weeks,
)

KM_PER_MI = 1.609344  # written out so the test does not borrow the code's constant
FT_PER_M = 1 / 0.3048

METRIC = re.compile(
    r"(?<![A-Za-z])km\b"  # kilometres, "min/km", "[km]", "km/h"
    r"|(?<![A-Za-z])kilomet"
    r"|\[m\]"  # an axis in metres
    r"|(?:\d|\})\s?m\b(?![:/])"  # "12 m", "%{y:.0f} m" (not "m:ss", not "m/s")
    r"|\bmetres?\b|\bmeters?\b"
)
"""Metric distance, pace and elevation as a reader would see it. ``bpm``, ``spm``, ``ms``,
``min/mi``, ``h:mm`` and ``mi`` do not match: they are the same in either system or imperial."""


def strings(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string in a figure's JSON with where it is, leaving out the template (colours,
    fonts) and plotly's own format codes (``%a %d %b``), which no one reads as text."""
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in {"template", "tickformat", "hoverformat", "xhoverformat"}:
                continue
            yield from strings(value, f"{path}.{key}")
    elif isinstance(node, list | tuple):
        for i, value in enumerate(node):
            yield from strings(value, f"{path}[{i}]")
    elif isinstance(node, np.ndarray) and node.dtype == object:
        for i, value in enumerate(node.ravel()):
            yield from strings(value, f"{path}[{i}]")


def metric_left(fig: go.Figure) -> list[tuple[str, str]]:
    return [(where, text) for where, text in strings(fig.to_plotly_json()) if METRIC.search(text)]


def test_the_pattern_finds_what_it_should_and_only_that() -> None:
    for text in ("Distance [km]", "5:00 min/km", "%{y:.0f} m", "12 m", "Elevation [m]", "3.2 km"):
        assert METRIC.search(text), text
    for text in ("Distance [mi]", "8:03 min/mi", "%{y:.0f} ft", "150 bpm", "170 spm", "42 ms"):
        assert not METRIC.search(text), text
    for text in ("Pace [m:ss]", "0:55 h", "h:mm", "Mon", "Time in zone [h per week]"):
        assert not METRIC.search(text), text


def _calendar_inputs() -> tuple[pd.DataFrame, pd.DataFrame]:
    days = two_weeks_of_days()
    return calendar_weeks(days, typed_weeks()), days


def _share_frame() -> pd.DataFrame:
    weekly = weekly_frame()
    return long_run_share(weekly)


MILES: dict[str, Any] = {
    "weekly distance": lambda: mileage.weekly_distance_figure(weekly_frame(), "mi"),
    "week change": lambda: mileage.week_change_figure(weekly_frame(), 10.0, unit="mi"),
    "longest run": lambda: mileage.longest_run_figure(weekly_frame(), "mi"),
    "monthly distance": lambda: mileage.monthly_distance_figure(
        weekly_frame().rename(columns={c.WEEK_START: c.MONTH_START}), "mi"
    ),
    "cadence trend": lambda: cadence.cadence_trend_figure(per_run_frame(), unit="mi"),
    "cadence vs pace": lambda: cadence.cadence_vs_pace_figure(per_run_frame(), "mi"),
    "zones": lambda: intensity.weekly_zones_figure(weekly_tiz_frame(), zones_frame()),
    "easy hard": lambda: intensity.easy_hard_figure({"easy_s": 3000.0, "hard_s": 1000.0}),
    "calendar": lambda: calendar.calendar_figure(*_calendar_inputs(), unit="mi"),
    "calendar compact": lambda: calendar.calendar_figure(
        *_calendar_inputs(), unit="mi", compact=True, max_weeks=1
    ),
    "long-run share": lambda: calendar.long_run_share_figure(_share_frame(), unit="mi"),
    "plan distance": lambda: plan.compliance_figure(compliance_frame(), "distance", unit="mi"),
    "recovery": lambda: recovery.recovery_trends_figure(short_baselines()),
    "route map": lambda: activity.route_map_figure(samples_frame(), unit="mi"),
    "traces by time": lambda: activity.activity_traces_figure(samples_frame(), "mi"),
    "traces by distance": lambda: activity.activity_traces_figure(
        samples_frame(), "mi", x_axis="distance"
    ),
}


@pytest.mark.parametrize("name", list(MILES))
def test_no_metric_unit_is_left_in_miles(name: str) -> None:
    fig = MILES[name]()
    assert fig.data, f"{name}: built an empty figure, which proves nothing"
    assert metric_left(fig) == []


def test_the_same_figures_in_kilometres_do_show_kilometres() -> None:
    """The walk reaches the strings that carry units: in km they are found."""
    found = {
        name: bool(metric_left(build()))
        for name, build in {
            "weekly distance": lambda: mileage.weekly_distance_figure(weekly_frame(), "km"),
            "cadence vs pace": lambda: cadence.cadence_vs_pace_figure(per_run_frame(), "km"),
            "traces": lambda: activity.activity_traces_figure(samples_frame(), "km"),
            "route map": lambda: activity.route_map_figure(samples_frame(), unit="km"),
            "calendar": lambda: calendar.calendar_figure(*_calendar_inputs(), unit="km"),
            "plan": lambda: plan.compliance_figure(compliance_frame(), "distance", unit="km"),
        }.items()
    }
    assert all(found.values()), found


# ---- values converted, not only relabelled -------------------------------------------------------


def _floats(values: Any) -> list[float]:
    return [math.nan if v is None else float(v) for v in decoded(values)]


def test_a_ten_km_week_is_drawn_as_six_point_two_one_miles() -> None:
    weekly = weekly_frame().assign(**{c.DISTANCE_KM: [10.0, 17.5, 26.25]})
    fig = mileage.weekly_distance_figure(weekly, "mi").to_plotly_json()
    shown = sorted(y for t in fig["data"] for y in _floats(t["y"]))
    assert round(shown[0], 2) == 6.21
    assert "mi<br>" in fig["data"][0]["hovertemplate"]


def test_elevation_is_in_feet_and_pace_is_m_ss_per_mile() -> None:
    fig = activity.activity_traces_figure(samples_frame(), "mi")
    elevation = next(t for t in fig.data if t.name == "Elevation")
    assert _floats(elevation.y)[0] == pytest.approx(12.0 * FT_PER_M)
    assert "ft" in elevation.hovertemplate
    assert any(
        axis.title.text == "Elevation [ft]" for axis in fig.select_yaxes() if axis.title.text
    )
    pace = next(t for t in fig.data if t.name == "Pace")
    # 4 m/s is 250 s/km, 402.3 s/mi: 6:42 per mile, as m:ss and not as 6.7 minutes
    assert list(pace.customdata)[-1] == "6:42"
    assert "min/mi" in pace.hovertemplate


def test_the_map_hover_gives_miles() -> None:
    fig = activity.route_map_figure(samples_frame(), unit="mi")
    route = fig.data[0]
    # the last sample is 36 m from the start
    assert route.customdata[-1][0] == f"{0.036 / KM_PER_MI:.2f} mi"


def test_cadence_against_pace_per_mile() -> None:
    fig = cadence.cadence_vs_pace_figure(per_run_frame(), "mi")
    xs = _floats(fig.data[0].x)
    assert xs[0] == pytest.approx(300.0 * KM_PER_MI)  # 5:00 per km is 8:03 per mile
    assert fig.data[0].customdata[0][0] == "8:03 min/mi"


def test_plan_targets_in_miles() -> None:
    fig = plan.compliance_figure(compliance_frame(), "distance", unit="mi")
    planned = next(t for t in fig.data if t.name == "Planned")
    assert _floats(planned.y)[0] == pytest.approx(40.0 / KM_PER_MI)


# ---- the unit helpers ---------------------------------------------------------------------------


def test_elevation_helpers() -> None:
    assert units.elevation_label("mi") == "ft" and units.elevation_label("km") == "m"
    assert units.format_elevation(100.0, "mi") == "328 ft"
    assert units.format_elevation(100.0, "km") == "100 m"
    assert units.format_elevation(float("nan"), "mi") == "—"


def test_pace_formats() -> None:
    assert units.format_pace(270.0, "km") == "4:30 min/km"
    assert units.format_pace(270.0, "km", with_unit=False) == "4:30"
    assert units.format_pace(300.0, "mi") == "8:03 min/mi"
    assert units.format_pace(float("inf"), "km") == "—"
    assert units.format_pace_value(482.8) == "8:03"
    assert units.format_pace_value(None) == "—"


@pytest.mark.parametrize(
    ("text", "seconds"), [("4:30", 270.0), (" 04:05 ", 245.0), ("12:00", 720.0), ("7'15", 435.0)]
)
def test_parse_pace_reads_minutes_and_seconds(text: str, seconds: float) -> None:
    assert units.parse_pace(text) == seconds


@pytest.mark.parametrize("text", ["4.30", "4:60", "430", "", "four", "0:00", "-4:30"])
def test_parse_pace_refuses_what_is_not_m_ss(text: str) -> None:
    with pytest.raises(ValueError):
        units.parse_pace(text)


def test_a_pace_typed_per_mile_is_stored_per_km() -> None:
    typed = units.parse_pace("8:03")
    assert units.pace_to_s_per_km(typed, "mi") == pytest.approx(483.0 / KM_PER_MI)
    assert units.format_pace(units.pace_to_s_per_km(typed, "mi"), "mi") == "8:03 min/mi"
