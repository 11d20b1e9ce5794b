"""Training-science figures (PMC, monotony, recovery, plan compliance, calendar, long-run share),
built from small metric outputs and read back from ``fig.to_dict()``."""

from __future__ import annotations

import base64
import math
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from analysis import columns as c
from analysis.figures import calendar, fitness, overview, plan, recovery, style
from analysis.figures import load as load_figures
from analysis.metrics.calendar import DAY_TYPES, calendar_weeks
from analysis.metrics.guidance import long_run_share
from analysis.metrics.load import acute_chronic
from analysis.metrics.plan import ACTUAL_COLUMNS, compliance
from analysis.metrics.pmc import monotony, pmc
from analysis.metrics.recovery import baselines

MI = 1.609344  # km per mile, written out so the test does not borrow the code's constant
KM_LABEL = "distance [km], running only"


# ---- reading figures back -----------------------------------------------------------------------


def spec(fig: go.Figure) -> dict[str, Any]:
    return fig.to_dict()


def traces(fig: go.Figure) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for t in spec(fig)["data"]:
        name = t.get("name")
        assert name not in out, f"two traces named {name!r}"
        out[name] = t
    return out


def annotations(fig: go.Figure) -> list[str]:
    return [a.get("text", "") for a in spec(fig)["layout"].get("annotations", [])]


def shapes(fig: go.Figure) -> list[dict[str, Any]]:
    return list(spec(fig)["layout"].get("shapes", []))


def axis_title(fig: go.Figure, axis: str) -> str:
    return str(spec(fig)["layout"][axis]["title"]["text"])


def decoded(values: Any) -> Any:
    """A list as written, or a numpy array that ``to_dict`` packed as typed base64 data."""
    if isinstance(values, dict) and "bdata" in values:
        array = np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
        if "shape" in values:
            array = array.reshape([int(n) for n in str(values["shape"]).split(",")])
        return array.tolist()
    return values


def floats(values: Any) -> list[float]:
    return [math.nan if v is None else float(v) for v in decoded(values)]


def assert_empty(fig: go.Figure, words: str = style.EMPTY_MESSAGE) -> None:
    assert spec(fig)["data"] == []
    assert any(words in text for text in annotations(fig)), annotations(fig)


# ---- fitness, fatigue and form -------------------------------------------------------------------


def three_days() -> pd.DataFrame:
    return pd.DataFrame({c.DATE: pd.date_range("2024-01-01", periods=3), c.LOAD: [10.0, 0.0, 20.0]})


def test_pmc_figure_lines_bars_and_axes() -> None:
    fig = fitness.pmc_figure(pmc(three_days()), KM_LABEL)
    named = traces(fig)
    fresh, tired = fitness.FORM_FRESH, fitness.FORM_TIRED
    assert set(named) == {"Fitness (CTL)", "Fatigue (ATL)", fresh, tired}
    ctl, atl = named["Fitness (CTL)"], named["Fatigue (ATL)"]
    # TrainingPeaks recurrence from 0: CTL = 10/42, then × 41/42, then + (20 − CTL)/42
    ctl0 = 10 / 42
    ctl1 = ctl0 * 41 / 42
    ctl2 = ctl1 + (20 - ctl1) / 42
    atl0 = 10 / 7
    atl1 = atl0 * 6 / 7
    assert floats(ctl["y"]) == pytest.approx([ctl0, ctl1, ctl2])
    assert floats(atl["y"])[:2] == pytest.approx([atl0, atl1])
    # form is yesterday's CTL − ATL: 0, 10/42 − 10/7 = −1.1905, 0.2324 − 1.2245 = −0.9921;
    # the 0 is fresh (≥ 0), the two negatives carry fatigue, each in its own trace
    fresh_y, tired_y = floats(named[fresh]["y"]), floats(named[tired]["y"])
    assert fresh_y[0] == 0.0 and math.isnan(fresh_y[1]) and math.isnan(fresh_y[2])
    assert math.isnan(tired_y[0])
    assert tired_y[1:] == pytest.approx([ctl0 - atl0, ctl1 - atl1])
    assert named[fresh]["type"] == named[tired]["type"] == "bar"
    assert ctl["type"] == atl["type"] == "scatter"
    # the legend shows the colours drawn: one colour per trace, from the house palette
    assert named[fresh]["marker"]["color"] == style.GOOD
    assert named[tired]["marker"]["color"] == style.DANGER
    assert ctl["line"]["color"] == style.BLUE and atl["line"]["color"] == style.REDDISH_PURPLE
    # one axis for all (one unit), its zero drawn: form's bars stand on the visible zero
    assert {t.get("yaxis", "y") for t in named.values()} == {"y"}
    layout = spec(fig)["layout"]
    assert layout["yaxis"]["zeroline"] is True
    assert layout["yaxis"]["zerolinecolor"] == style.BLACK
    assert layout["barmode"] == "overlay"
    assert axis_title(fig, "yaxis") == "Load per day [km]"
    assert axis_title(fig, "xaxis") == "Date"
    assert all(" km per day" in t["hovertemplate"] for t in named.values())
    # a distance load says that CTL is km per day, not TSS
    assert fitness.DISTANCE_MODEL_SHORT in annotations(fig)
    assert "TrainingPeaks" in fitness.DISTANCE_MODEL_NOTE


def test_pmc_figure_note_follows_the_load_model() -> None:
    hrss = fitness.pmc_figure(pmc(three_days()), "hrTSS-like score [1 h at LTHR = 100]")
    assert fitness.DISTANCE_MODEL_SHORT not in annotations(hrss)
    told = fitness.pmc_figure(pmc(three_days()), "load [a.u.]", load_model="distance")
    assert fitness.DISTANCE_MODEL_SHORT in annotations(told)
    miles = fitness.pmc_figure(pmc(three_days()), "distance [mi], running only")
    assert fitness.DISTANCE_MODEL_SHORT in annotations(miles)


def test_pmc_figure_breaks_its_lines_at_a_gap() -> None:
    # 5 days at 10, 20 idle days (a break), 5 days at 10: 30 rows, the break NaN in every line
    daily = pd.DataFrame(
        {
            c.DATE: pd.date_range("2024-01-01", periods=30),
            c.LOAD: [10.0] * 5 + [0.0] * 20 + [10.0] * 5,
        }
    )
    fig = fitness.pmc_figure(pmc(daily), KM_LABEL)
    named = traces(fig)
    for name in ("Fitness (CTL)", "Fatigue (ATL)"):
        y = floats(named[name]["y"])
        assert len(y) == 30
        assert all(math.isnan(v) for v in y[5:25])
        assert all(math.isfinite(v) for v in y[:5] + y[25:])
        assert named[name]["connectgaps"] is False
    band = [s for s in shapes(fig) if s.get("xref") == "x"]
    assert len(band) == 1
    assert pd.Timestamp(band[0]["x0"]) == pd.Timestamp("2024-01-06")
    assert pd.Timestamp(band[0]["x1"]) == pd.Timestamp("2024-01-26")  # past the last idle day
    assert "no training recorded: 20 days" in annotations(fig)


def test_pmc_figure_unit_of_a_trimp_load() -> None:
    fig = fitness.pmc_figure(pmc(three_days()), "Banister TRIMP [a.u.], all sports with heart rate")
    assert axis_title(fig, "yaxis") == "Load per day [a.u.]"
    assert all(" a.u. per day" in t["hovertemplate"] for t in spec(fig)["data"])


def test_pmc_figure_without_days() -> None:
    assert_empty(fitness.pmc_figure(pmc(three_days().iloc[0:0]), KM_LABEL))
    assert_empty(fitness.pmc_figure(pd.DataFrame(), KM_LABEL))


def test_monotony_figure_one_week_by_hand() -> None:
    week = pd.DataFrame(
        {
            c.DATE: pd.date_range("2024-01-01", periods=7),
            c.LOAD: [10.0, 0.0, 20.0, 10.0, 0.0, 20.0, 10.0],
        }
    )
    fig = fitness.monotony_figure(monotony(week), load_label=KM_LABEL)
    named = traces(fig)
    line, strain = named["Monotony"], named["Strain"]
    # mean 70 / 7 = 10; deviations 0, −10, 10, 0, −10, 10, 0 → variance 400 / 7 (population)
    mono = 10 / math.sqrt(400 / 7)  # 1.3229: below the warning line
    values = floats(line["y"])
    assert all(math.isnan(v) for v in values[:6])  # no full week before day 7
    assert values[6] == pytest.approx(mono)
    assert floats(strain["y"])[6] == pytest.approx(70 * mono)  # 92.6 km
    assert line["marker"]["color"][6] == style.BLACK
    assert line["yaxis"] == "y" and strain["yaxis"] == "y2"
    assert axis_title(fig, "yaxis") == "Monotony [ratio]"
    assert axis_title(fig, "yaxis2") == "Strain: distance [km] per week × monotony"
    assert " km" in strain["hovertemplate"]


def flagged_monotony() -> pd.DataFrame:
    return pd.DataFrame(
        {
            c.DATE: pd.date_range("2024-01-07", periods=6),
            c.WEEKLY_LOAD: [70.0, 70.0, 80.0, 90.0, 100.0, 60.0],
            c.MONOTONY: [np.nan, 1.2, 1.5, 1.99, 2.0, 3.0],
            c.STRAIN: [np.nan, 84.0, 120.0, 179.1, 200.0, 180.0],
        }
    )


def test_monotony_markers_and_bands_at_the_thresholds() -> None:
    fig = fitness.monotony_figure(flagged_monotony(), load_label=KM_LABEL)
    line = traces(fig)["Monotony"]
    assert line["marker"]["color"] == [
        style.MUTED,  # no value
        style.BLACK,  # 1.2 < 1.5
        style.CAUTION,  # 1.5: warning from 1.5 on
        style.CAUTION,  # 1.99
        style.DANGER,  # 2.0: critical from 2.0 on
        style.DANGER,
    ]
    bands = {
        (round(s["y0"], 6), round(s["y1"], 6)): s["fillcolor"]
        for s in shapes(fig)
        if s["type"] == "rect" and s["yref"] == "y"
    }
    # the red band reaches past the highest value: 3.0 × 1.1 = 3.3
    assert bands == {(1.5, 2.0): style.CAUTION, (2.0, 3.3): style.DANGER}
    assert spec(fig)["layout"]["yaxis"]["range"] == pytest.approx([0, 3.3])
    assert any("critical" in text for text in annotations(fig))


def test_monotony_thresholds_are_the_callers() -> None:
    fig = fitness.monotony_figure(flagged_monotony(), warning=1.2, critical=1.8)
    line = traces(fig)["Monotony"]
    assert line["marker"]["color"][1:3] == [style.CAUTION, style.CAUTION]  # 1.2, 1.5
    assert line["marker"]["color"][3] == style.DANGER  # 1.99 ≥ 1.8
    spans = {(round(s["y0"], 6), round(s["y1"], 6)) for s in shapes(fig) if s["yref"] == "y"}
    assert (1.2, 1.8) in spans


def test_monotony_figure_before_a_full_week() -> None:
    short = three_days()
    assert_empty(fitness.monotony_figure(monotony(short)), "full week")


# ---- recovery ------------------------------------------------------------------------------------


def five_mornings() -> pd.DataFrame:
    return pd.DataFrame(
        {
            c.DATE: pd.date_range("2024-02-01", periods=5),
            c.RESTING_HR_BPM: [50.0, 52.0, 51.0, 57.0, 64.0],
            c.HRV_RMSSD_MS: [60.0, 62.0, 61.0, 40.0, 35.0],
            c.SLEEP_H: [7.0, 5.5, 6.0, 8.0, 4.0],
        }
    )


def short_baselines() -> pd.DataFrame:
    """Baselines over 2-day and 3-day windows, so five mornings show every flag."""
    return baselines(five_mornings(), short_days=2, long_days=3, min_short=1, min_long=2)


def test_recovery_trends_resting_hr_flags_and_lines() -> None:
    fig = recovery.recovery_trends_figure(short_baselines(), short_days=2, long_days=3)
    named = traces(fig)
    points = named["Resting HR"]
    # baselines (mean of the up to 3 days before, at least 2): —, —, 51, 51, 53.33;
    # deltas: 51 − 51 = 0, 57 − 51 = +6 (≥ 5: hold), 64 − 53.33 = +10.67 (≥ 10: back off)
    assert points["marker"]["color"] == [
        style.BLACK,
        style.BLACK,
        style.BLACK,
        style.CAUTION,
        style.DANGER,
    ]
    base = 160 / 3
    assert floats(named["RHR baseline (3 days before)"]["y"])[2:] == pytest.approx([51, 51, base])
    assert floats(named["Baseline +5 bpm"]["y"])[2:] == pytest.approx([56, 56, base + 5])
    assert floats(named["Baseline +10 bpm"]["y"])[2:] == pytest.approx([61, 61, base + 10])
    # 2-day means, today included: 50, 51, 51.5, 54, 60.5
    assert floats(named["RHR 2-day mean"]["y"]) == pytest.approx([50, 51, 51.5, 54, 60.5])
    assert "hold" in points["customdata"][3] and "back off" in points["customdata"][4]
    assert all("bpm" in named[n]["hovertemplate"] for n in ("Resting HR", "Baseline +5 bpm"))
    assert axis_title(fig, "yaxis") == "Resting HR [bpm]"
    assert axis_title(fig, "yaxis2") == "rMSSD [ms]"
    assert axis_title(fig, "yaxis3") == "Sleep [h]"
    assert axis_title(fig, "xaxis3") == "Date"
    layout = spec(fig)["layout"]
    assert layout["xaxis"]["matches"] == layout["xaxis2"]["matches"] == "x3"  # shared x


def test_recovery_trends_hrv_band_and_status() -> None:
    fig = recovery.recovery_trends_figure(short_baselines(), short_days=2, long_days=3)
    named = traces(fig)
    low = named["HRV usual band, low edge"]
    high = named["HRV usual band (baseline ± 0.5 SD of ln rMSSD)"]
    assert high["fill"] == "tonexty" and low.get("fill") in (None, "none")
    assert low["showlegend"] is False
    # 3 Feb: ln 60 and ln 62 before it, mean m and sample SD s; band e^(m ± s / 2)
    ln = [math.log(60.0), math.log(62.0)]
    m = sum(ln) / 2
    s = abs(ln[1] - ln[0]) / math.sqrt(2)
    assert floats(low["y"])[2] == pytest.approx(math.exp(m - s / 2))
    assert floats(high["y"])[2] == pytest.approx(math.exp(m + s / 2))
    assert math.isnan(floats(low["y"])[0])  # no baseline on the first morning
    mean = named["rMSSD 2-day mean"]
    # 2-day mean of 3 Feb: e^((ln 62 + ln 61) / 2) = √(62 × 61) = 61.50 ms, inside the band;
    # 40 and 35 ms pull the next two below it
    assert floats(mean["y"])[2] == pytest.approx(math.sqrt(62 * 61))
    assert mean["marker"]["color"] == [
        style.MUTED,
        style.MUTED,
        style.BLUE,
        style.FLAGGED,
        style.FLAGGED,
    ]
    assert floats(named["rMSSD"]["y"]) == [60.0, 62.0, 61.0, 40.0, 35.0]
    assert named["rMSSD"]["yaxis"] == mean["yaxis"] == "y2"
    assert all(" ms" in t["hovertemplate"] for t in (low, high, mean, named["rMSSD"]))


def test_recovery_trends_short_sleep() -> None:
    fig = recovery.recovery_trends_figure(short_baselines())
    sleep = traces(fig)["Sleep"]
    assert sleep["yaxis"] == "y3"
    # under 6 h is short; exactly 6 h is not
    assert sleep["marker"]["color"] == [
        style.SKY_BLUE,
        style.CAUTION,
        style.SKY_BLUE,
        style.SKY_BLUE,
        style.CAUTION,
    ]
    line = [s for s in shapes(fig) if s["yref"] == "y3"]
    assert len(line) == 1 and line[0]["y0"] == line[0]["y1"] == 6.0
    assert " h" in sleep["hovertemplate"]
    # the default windows name the traces
    assert "RHR 7-day mean" in traces(fig)


def test_recovery_trends_says_which_panel_has_no_values() -> None:
    only_sleep = five_mornings()[[c.DATE, c.SLEEP_H]]
    fig = recovery.recovery_trends_figure(baselines(only_sleep))
    assert [t["name"] for t in spec(fig)["data"]] == ["Sleep"]
    texts = annotations(fig)
    assert "No resting HR logged" in texts and "No HRV logged" in texts


def test_recovery_trends_without_a_log() -> None:
    empty = pd.DataFrame({c.DATE: pd.Series(dtype="datetime64[ns]")})
    assert_empty(recovery.recovery_trends_figure(baselines(empty)))
    assert_empty(recovery.recovery_trends_figure(pd.DataFrame()))


def test_subjective_figure_four_ratings() -> None:
    log = pd.DataFrame(
        {
            c.DATE: pd.date_range("2024-02-01", periods=3),
            c.SORENESS: [2.0, 4.0, 5.0],
            c.FATIGUE: [1.0, np.nan, 3.0],
            c.STRESS: [3.0, 3.0, 2.0],
            c.MOOD: [4.0, 2.0, 1.0],
        }
    )
    fig = recovery.subjective_figure(log)
    named = traces(fig)
    assert list(named) == [
        "Soreness (5 = very high)",
        "Fatigue (5 = very high)",
        "Stress (5 = very high)",
        "Mood (5 = very good)",
    ]
    assert floats(named["Soreness (5 = very high)"]["y"]) == [2.0, 4.0, 5.0]
    assert math.isnan(floats(named["Fatigue (5 = very high)"]["y"])[1])
    # mood, where higher is better, is the dashed one
    assert named["Mood (5 = very good)"]["line"]["dash"] == "dash"
    assert named["Soreness (5 = very high)"]["line"]["dash"] == "solid"
    assert axis_title(fig, "yaxis") == "Rating [1-5]"
    assert all("of 5" in t["hovertemplate"] for t in named.values())
    band = [s for s in shapes(fig) if s["type"] == "rect"]
    assert [(s["y0"], s["fillcolor"]) for s in band] == [(4.0, style.CAUTION)]


def test_subjective_figure_only_what_was_logged() -> None:
    log = pd.DataFrame({c.DATE: pd.date_range("2024-02-01", periods=2), c.MOOD: [3.0, 4.0]})
    assert list(traces(recovery.subjective_figure(log))) == ["Mood (5 = very good)"]
    no_ratings = pd.DataFrame({c.DATE: pd.date_range("2024-02-01", periods=2), c.SLEEP_H: 7.0})
    assert_empty(recovery.subjective_figure(no_ratings))


# ---- planned vs actual ---------------------------------------------------------------------------


def weekly_actual(rows: list[tuple[str, float]]) -> pd.DataFrame:
    frame = pd.DataFrame({col: np.nan for col in ACTUAL_COLUMNS}, index=range(len(rows)))
    frame[c.WEEK_START] = pd.to_datetime([week for week, _ in rows])
    frame[c.DISTANCE_KM] = [km for _, km in rows]
    return frame


def compliance_frame() -> pd.DataFrame:
    """Four planned weeks of 40 km (the last still to come) and an unplanned week before."""
    planned = pd.DataFrame(
        {
            c.WEEK_START: pd.to_datetime(["2024-01-01", "2024-01-08", "2024-01-15", "2024-01-22"]),
            c.PLAN_DISTANCE_KM: [40.0, 40.0, 40.0, 40.0],
            c.PLAN_DURATION_H: [4.0, 4.0, np.nan, np.nan],
        }
    )
    actual = weekly_actual(
        [("2023-12-25", 10.0), ("2024-01-01", 34.0), ("2024-01-08", 22.0), ("2024-01-15", 70.0)]
    )
    actual[c.DURATION_H] = [1.0, 3.5, 2.0, 6.0]
    return compliance(planned, actual, today="2024-01-21")


def test_compliance_figure_colours_and_percentages() -> None:
    fig = plan.compliance_figure(compliance_frame())
    named = traces(fig)
    planned = named["Planned"]
    assert floats(planned["y"]) == [40.0, 40.0, 40.0, 40.0]
    on = named["Actual: on plan (80–120 %)"]
    off = named["Actual: off plan (50–79 % or 121–150 %)"]
    far = named["Actual: far off plan (< 50 % or > 150 %)"]
    unplanned = named["Actual: nothing planned"]
    # 34 / 40 = 85 % green, 22 / 40 = 55 % yellow, 70 / 40 = 175 % red; the week to come
    # (22 January) has no actual bar
    assert floats(on["y"]) == [34.0] and list(on["text"]) == ["85 %"]
    assert floats(off["y"]) == [22.0] and list(off["text"]) == ["55 %"]
    assert floats(far["y"]) == [70.0] and list(far["text"]) == ["175 %"]
    assert floats(unplanned["y"]) == [10.0] and list(unplanned["text"]) == ["no plan"]
    assert on["marker"]["color"] == style.BLUISH_GREEN
    assert off["marker"]["color"] == style.YELLOW
    assert far["marker"]["color"] == style.VERMILLION
    assert unplanned["marker"]["color"] == style.GREY
    assert pd.Timestamp(far["x"][0]) == pd.Timestamp("2024-01-15")
    # the planned bar left of the week start, the actual one right of it
    assert planned["offset"] < 0 and on["offset"] == 0
    assert axis_title(fig, "yaxis") == "Distance [km]"
    assert axis_title(fig, "xaxis") == "Week starting"
    assert "km" in planned["hovertemplate"] and "km" in on["hovertemplate"]
    assert list(on["customdata"][0]) == ["40.0 km", "85 %"]


def test_compliance_figure_in_miles_and_for_time() -> None:
    miles = plan.compliance_figure(compliance_frame(), "distance", unit="mi")
    assert axis_title(miles, "yaxis") == "Distance [mi]"
    # 40 km = 24.85 mi
    assert floats(traces(miles)["Planned"]["y"])[0] == pytest.approx(40 / MI)
    time = plan.compliance_figure(compliance_frame(), "duration")
    named = traces(time)
    assert axis_title(time, "yaxis") == "Time [h]"
    # planned 4 h twice; 3.5 / 4 = 88 % (green), 2 / 4 = 50 % (yellow); 6 h unplanned
    assert floats(named["Planned"]["y"]) == [4.0, 4.0]
    assert list(named["Actual: on plan (80–120 %)"]["text"]) == ["88 %"]
    assert list(named["Actual: off plan (50–79 % or 121–150 %)"]["text"]) == ["50 %"]
    assert " h" in named["Planned"]["hovertemplate"]
    same = traces(plan.compliance_figure(compliance_frame(), c.DURATION_H))
    assert list(same) == list(named)
    assert floats(same["Planned"]["y"]) == [4.0, 4.0]


def test_compliance_figure_without_plan_or_runs() -> None:
    nothing = compliance(pd.DataFrame({c.WEEK_START: []}), weekly_actual([]))
    assert_empty(plan.compliance_figure(nothing))
    # a target nobody planned or measured
    assert_empty(plan.compliance_figure(compliance_frame(), "load"))


# ---- calendar -------------------------------------------------------------------------------------


def two_weeks_of_days() -> pd.DataFrame:
    types = [
        "rest",
        "hard",
        "moderate",
        "easy",
        "cross-training",
        "long",
        "easy",
        "easy",
        "rest",
        "easy",
        "rest",
        "rest",
        "long",
        "rest",
    ]
    km = [0.0, 10.0, 8.0, 8.0, 0.0, 18.0, 11.0, 6.0, 0.0, 6.0, 0.0, 0.0, 12.0, 0.0]
    return pd.DataFrame(
        {
            c.DATE: pd.date_range("2024-03-04", periods=14),
            c.DAY_TYPE: pd.Series(types, dtype="string"),
            c.DISTANCE_KM: km,
            c.DURATION_S: [k * 330.0 for k in km],
            c.RULE: pd.Series(
                [f"{t}: rule of day {i}" for i, t in enumerate(types)], dtype="string"
            ),
        }
    )


def typed_weeks() -> pd.DataFrame:
    return pd.DataFrame(
        {
            c.WEEK_START: pd.to_datetime(["2024-03-04", "2024-03-11"]),
            c.WEEK_TYPE: pd.Series(["build", "cutback"], dtype="string"),
        }
    )


def colour_of(fig: go.Figure, code: float) -> str:
    """The colour the heatmap's stepped scale gives a type code."""
    heat = spec(fig)["data"][0]
    lo, hi = heat["zmin"], heat["zmax"]
    where = (code - lo) / (hi - lo)
    steps = heat["colorscale"]
    for (start, colour), (end, _) in zip(steps[::2], steps[1::2], strict=True):
        if start <= where <= end:
            return str(colour)
    raise AssertionError(f"code {code} is off the scale")


def test_calendar_grid_colours_labels_and_hover() -> None:
    days = two_weeks_of_days()
    grid = calendar_weeks(days, typed_weeks())
    fig = calendar.calendar_figure(grid, days)
    heat = spec(fig)["data"][0]
    assert heat["type"] == "heatmap"
    assert heat["x"] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    # week 1: 10 + 8 + 8 + 18 + 11 = 55 km; week 2: 6 + 6 + 12 = 24 km
    assert heat["y"] == ["04 Mar 2024 · build · 55.0 km", "11 Mar 2024 · cutback · 24.0 km"]
    first = [colour_of(fig, z) for z in heat["z"][0]]
    assert first == [
        calendar.REST_COLOUR,
        style.VERMILLION,  # hard
        style.YELLOW,  # moderate
        style.SKY_BLUE,  # easy
        style.REDDISH_PURPLE,  # cross-training
        style.BLUE,  # long
        style.SKY_BLUE,
    ]
    assert heat["text"][0] == ["", "10.0", "8.0", "8.0", "", "18.0", "11.0"]
    tuesday = heat["customdata"][0][1]
    assert list(tuesday) == [
        "Tue 05 Mar 2024",
        "Hard",
        "10.0 km",
        "0:55 h",  # 3300 s
        "hard: rule of day 1",
    ]
    for field in range(5):
        assert f"%{{customdata[{field}]}}" in heat["hovertemplate"]
    assert "Rule:" in heat["hovertemplate"]
    # oldest week on top
    assert spec(fig)["layout"]["yaxis"]["autorange"] == "reversed"
    assert "[km]" in axis_title(fig, "xaxis")


def test_calendar_legend_names_every_day_type() -> None:
    days = two_weeks_of_days()
    fig = calendar.calendar_figure(calendar_weeks(days, typed_weeks()), days)
    legend = {t["name"]: t["marker"]["color"] for t in spec(fig)["data"][1:]}
    assert legend == {
        "Long run": style.BLUE,
        "Hard": style.VERMILLION,
        "Moderate": style.YELLOW,
        "Easy": style.SKY_BLUE,
        "Cross-training": style.REDDISH_PURPLE,
        "Rest": calendar.REST_COLOUR,
    }
    # every type code maps to the colour its legend entry shows
    for code, day_type in enumerate(DAY_TYPES):
        assert colour_of(fig, code) == calendar.DAY_COLOURS[day_type]


def test_calendar_sunday_weeks_in_miles_with_blank_days() -> None:
    days = two_weeks_of_days().iloc[1:6]  # Tue 5 – Sat 9 March
    grid = calendar_weeks(days, typed_weeks().iloc[0:0], "sunday")
    fig = calendar.calendar_figure(grid, days, unit="mi")
    heat = spec(fig)["data"][0]
    assert heat["x"] == ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    # the week of Sunday 3 March holds 10 + 8 + 8 + 18 = 44 km = 27.3 mi; no week type known
    assert heat["y"] == ["03 Mar 2024 · 27.3 mi"]
    assert heat["z"][0][0] is None and heat["z"][0][1] is None  # Sun 3, Mon 4: not classified
    assert heat["customdata"][0][2][0] == "Tue 05 Mar 2024"  # Sunday + 2 days
    assert heat["customdata"][0][2][2] == f"{10 / MI:.1f} mi"
    assert heat["text"][0][2] == f"{10 / MI:.1f}"


def test_calendar_without_per_day_detail_still_dates_the_cells() -> None:
    days = two_weeks_of_days()
    fig = calendar.calendar_figure(calendar_weeks(days, typed_weeks()))
    cell = spec(fig)["data"][0]["customdata"][1][6]
    assert list(cell) == ["Sun 17 Mar 2024", "Rest", "—", "—", "—"]


def test_calendar_height_grows_with_the_weeks() -> None:
    two = two_weeks_of_days()
    four = pd.concat(
        [two, two.assign(**{c.DATE: pd.date_range("2024-03-18", periods=14)})], ignore_index=True
    )
    short = calendar.calendar_figure(calendar_weeks(two, typed_weeks()), two)
    tall = calendar.calendar_figure(calendar_weeks(four, typed_weeks()), four)
    assert len(spec(tall)["data"][0]["y"]) == 4
    assert spec(tall)["layout"]["height"] > spec(short)["layout"]["height"]


def test_calendar_without_weeks() -> None:
    empty = calendar_weeks(two_weeks_of_days().iloc[0:0], typed_weeks())
    assert_empty(calendar.calendar_figure(empty))


# ---- long-run share ---------------------------------------------------------------------------------


def weeks_with_share() -> pd.DataFrame:
    return long_run_share(
        pd.DataFrame(
            {
                c.WEEK_START: pd.to_datetime(["2024-01-01", "2024-01-08", "2024-01-15"]),
                c.DISTANCE_KM: [40.0, 50.0, 0.0],
                c.LONGEST_RUN_KM: [10.0, 20.0, 0.0],
            }
        )
    )


def test_long_run_share_flags_weeks_over_the_reference() -> None:
    fig = calendar.long_run_share_figure(weeks_with_share())
    named = traces(fig)
    # 10 / 40 = 25 % is at the line, not over it; 20 / 50 = 40 % is over; an empty week has none
    assert floats(named["Within 25 %"]["y"]) == [25.0]
    assert floats(named["Above 25 %"]["y"]) == [40.0]
    assert named["Above 25 %"]["marker"]["color"] == style.FLAGGED
    assert named["Within 25 %"]["marker"]["color"] == style.PRIMARY
    line = [s for s in shapes(fig) if s["type"] == "line"]
    assert len(line) == 1 and line[0]["y0"] == line[0]["y1"] == 25.0
    assert any(text.startswith("25 %") for text in annotations(fig))
    assert axis_title(fig, "yaxis") == "Long run's share of the week [%]"
    assert list(named["Above 25 %"]["customdata"][0]) == ["20.0 km", "50.0 km"]
    assert "%" in named["Above 25 %"]["hovertemplate"]


def test_long_run_share_reference_and_unit_are_the_callers() -> None:
    fig = calendar.long_run_share_figure(weeks_with_share(), 30.0, unit="mi")
    named = traces(fig)
    assert list(named) == ["Within 30 %", "Above 30 %"]
    assert [s["y0"] for s in shapes(fig) if s["type"] == "line"] == [30.0]
    # 20 km = 12.4 mi
    assert named["Above 30 %"]["customdata"][0][0] == f"{20 / MI:.1f} mi"


def test_long_run_share_without_distance() -> None:
    assert_empty(calendar.long_run_share_figure(weeks_with_share().iloc[2:]))


# ---- style helpers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "unit", "quantity"),
    [
        (KM_LABEL, "km", "distance [km]"),
        (
            "session RPE [CR-10 × min], all sports you rated",
            "CR-10 × min",
            "session RPE [CR-10 × min]",
        ),
        ("load", "", "load"),
    ],
)
def test_label_unit_and_quantity(label: str, unit: str, quantity: str) -> None:
    assert style.label_unit(label) == unit
    assert style.label_quantity(label) == quantity


# ---- gaps, caps and the gauge -------------------------------------------------------------------


def two_year_gap_acr(after: int = 40) -> pd.DataFrame:
    """60 days at 5, 730 days without a file, then ``after`` days at 8."""
    loads = [5.0] * 60 + [0.0] * 730 + [8.0] * after
    daily = pd.DataFrame({c.DATE: pd.date_range("2019-01-01", periods=len(loads)), c.LOAD: loads})
    return acute_chronic(daily)


def test_acwr_figure_breaks_at_a_gap_instead_of_a_ramp() -> None:
    acr = two_year_gap_acr()
    fig = load_figures.acwr_figure(acr)
    (line,) = spec(fig)["data"]
    y = floats(line["y"])
    # from the first ratio (day 28, index 27) to the end: one row per day, NaN in the break
    # and in the 27 days after the return, so nothing joins 1.0 in 2019 to 1.0 in 2021
    assert len(y) == len(acr) - 27
    assert y[:33] == pytest.approx([1.0] * 33)
    assert all(math.isnan(v) for v in y[33 : 33 + 730 + 27])
    assert y[-3:] == pytest.approx([1.0] * 3)
    assert line["connectgaps"] is False
    assert max(v for v in y if math.isfinite(v)) < 4.0  # the 28/7 artefact is gone
    # the break is shaded from its first idle day to past its last, and labelled
    band = [s for s in shapes(fig) if s.get("xref") == "x"]
    assert [(pd.Timestamp(b["x0"]), pd.Timestamp(b["x1"])) for b in band] == [
        (pd.Timestamp("2019-03-02"), pd.Timestamp("2021-03-01"))
    ]
    assert "no training recorded: 730 days" in annotations(fig)
    # the load figure's acute and chronic lines break there too
    lines = traces(load_figures.load_figure(acr, "distance [km]"))
    assert lines["Chronic load"]["connectgaps"] is False
    assert math.isnan(floats(lines["Chronic load"]["y"])[100])


def test_acwr_above_the_cap_is_drawn_at_the_cap_and_marked() -> None:
    acr = pd.DataFrame(
        {
            c.DATE: pd.date_range("2024-01-01", periods=3),
            c.LOAD: [5.0, 5.0, 5.0],
            c.ACWR: [1.0, 4.0, 2.0],
        }
    )
    fig = load_figures.acwr_figure(acr)
    named = traces(fig)
    assert floats(named["ACWR"]["y"]) == [1.0, 3.0, 2.0]
    assert "capped at 3, real value 4.00" in decoded(named["ACWR"]["customdata"])[1]
    marker = named["ACWR above 3 (capped)"]
    assert marker["mode"] == "markers"
    assert floats(marker["y"]) == [3.0]
    assert floats(marker["customdata"]) == [4.0]
    assert "real value %{customdata:.2f}" in marker["hovertemplate"]
    assert spec(fig)["layout"]["yaxis"]["range"] == pytest.approx([0, 3.15])
    # below the cap there is no marker trace and the axis follows the data (1.7 · 1.1 < 2)
    calm = load_figures.acwr_figure(acr.assign(**{c.ACWR: [1.0, 1.7, 1.2]}))
    assert set(traces(calm)) == {"ACWR"}
    assert spec(calm)["layout"]["yaxis"]["range"] == pytest.approx([0, 2.0])
    with pytest.raises(ValueError, match="cap"):
        load_figures.acwr_figure(acr, cap=1.4)


def test_monotony_figure_leaves_the_break_blank() -> None:
    loads = [2.0, 4.0] * 5 + [0.0] * 15 + [2.0, 4.0] * 5
    daily = pd.DataFrame({c.DATE: pd.date_range("2024-01-01", periods=len(loads)), c.LOAD: loads})
    fig = fitness.monotony_figure(monotony(daily), load_label=KM_LABEL)
    mono = traces(fig)["Monotony"]
    y = floats(mono["y"])
    assert len(y) == 35 and mono["connectgaps"] is False
    assert all(math.isnan(v) for v in y[10:31])  # the break and the first 6 days after it
    assert math.isfinite(y[31])
    assert "no training recorded: 15 days" in annotations(fig)


def test_gauge_without_a_ratio_wraps_its_message_inside_the_figure() -> None:
    fig = overview.acwr_gauge_figure(None, "not enough history")
    (text,) = [t for t in annotations(fig) if "history" in t]
    lines = text.split("<br>")
    assert len(lines) > 1
    assert all(len(line) <= overview.GAUGE_LINE_CHARS for line in lines)
    assert " ".join(lines) == overview.GAUGE_NO_RATIO
    (note,) = [a for a in spec(fig)["layout"]["annotations"] if "history" in a["text"]]
    assert note["x"] == 0.5 and note["xanchor"] == "center" and note["align"] == "center"
    told = overview.acwr_gauge_figure(None, "", reason="Back after 730 days without training")
    assert any("Back after 730 days" in t.replace("<br>", " ") for t in annotations(told))
