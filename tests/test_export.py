"""The app's exports in display names and the athlete's units, values worked out by hand."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from analysis import columns as c
from analysis.export import load_unit, readable_activities, readable_daily


def _acts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            c.ACTIVITY_ID: ["run", "swim", "ride"],
            c.LOCAL_DATE: pd.to_datetime(["2026-05-04"] * 3),
            c.START_TIME_LOCAL: pd.to_datetime(
                ["2026-05-04 07:05:00", "2026-05-04 12:00:00", "2026-05-04 18:30:00"]
            ),
            c.TIMEZONE: ["Europe/Berlin"] * 3,
            c.NAME: ["Morning run", "Pool", "Commute"],
            c.SPORT: [c.SPORT_RUNNING, c.SPORT_SWIMMING, c.SPORT_CYCLING],
            # 10 miles; 1,000 m; 20 km
            c.DISTANCE_M: [16093.44, 1000.0, 20000.0],
            c.MOVING_TIME_S: [6000.0, 1500.0, 2400.0],
            c.DURATION_S: [6123.0, 1600.0, 2500.0],
            # 10 mi in 6000 s; 1 m/s; 10 m/s
            c.AVG_SPEED_MPS: [16093.44 / 6000.0, 1.0, 10.0],
            c.AVG_HEART_RATE_BPM: [151.4, np.nan, 139.6],
            c.MAX_HEART_RATE_BPM: [171.0, np.nan, 160.0],
            c.AVG_CADENCE_SPM: [171.6, np.nan, 88.0],
            c.ELEVATION_GAIN_M: [100.0, np.nan, 30.48],
            c.RPE: [5.0, np.nan, np.nan],
            c.DUPLICATE_OF: [None, None, None],
            c.IS_SUMMARY: [False, False, False],
            c.SOURCE_NAME: ["a.fit", "b.fit", "c.fit"],
            c.FORMAT: ["fit"] * 3,
            c.FILE_HASH: ["h1", "h2", "h3"],
        }
    )


def test_activities_in_miles_by_hand() -> None:
    got = readable_activities(_acts(), "mi")
    run, swim, ride = (got.iloc[i] for i in range(3))
    assert run["Date"] == dt.date(2026, 5, 4) and run["Start (local)"] == "07:05"
    # 16,093.44 m / 1,609.344 m per mile = 10 mi; 6,000 s / 10 mi = 600 s = 10:00 per mile
    assert run["Distance"] == pytest.approx(10.0) and run["Distance unit"] == "mi"
    assert run["Pace"] == "10:00 min/mi" and np.isnan(run["Speed [mph]"])
    assert run["Moving time [h:mm:ss]"] == "1:40:00" and run["Elapsed time [h:mm:ss]"] == "1:42:03"
    assert run["Elevation gain [ft]"] == 328.0  # 100 m / 0.3048 m per ft = 328.08
    assert run["Avg HR [bpm]"] == 151.0 and run["Avg cadence [per min]"] == 172.0
    # a swim: 1,000 m / 0.9144 m per yd = 1,093.613 yd; 1 m/s = 91.44 s per 100 yd = 1:31
    assert swim["Distance"] == pytest.approx(1093.613) and swim["Distance unit"] == "yd"
    assert swim["Pace"] == "1:31 min/100 yd"
    # a ride: 10 m/s × 3,600 / 1,609.344 = 22.37 mph; 20 km = 12.427 mi; 30.48 m = 100 ft
    assert ride["Distance"] == pytest.approx(12.427) and ride["Speed [mph]"] == 22.37
    assert ride["Pace"] is None and ride["Elevation gain [ft]"] == 100.0
    assert "File hash" not in " ".join(got.columns) and c.FILE_HASH not in got.columns


def test_activities_in_kilometres_by_hand() -> None:
    got = readable_activities(_acts(), "km")
    run, swim, ride = (got.iloc[i] for i in range(3))
    # 16.093 km in 6,000 s: 372.8 s per km = 6:13
    assert run["Distance"] == pytest.approx(16.093) and run["Pace"] == "6:13 min/km"
    assert swim["Distance"] == 1000.0 and swim["Distance unit"] == "m"
    assert swim["Pace"] == "1:40 min/100 m"  # 100 m at 1 m/s
    assert ride["Speed [km/h]"] == 36.0 and ride["Elevation gain [m]"] == 30.0


def test_an_empty_activities_table_keeps_its_display_columns() -> None:
    got = readable_activities(_acts().iloc[0:0], "km")
    assert got.empty and "Distance" in got.columns and "Pace" in got.columns


def test_daily_in_miles_by_hand() -> None:
    daily = pd.DataFrame(
        {
            c.DATE: pd.to_datetime(["2026-05-04", "2026-05-05"]),
            c.DISTANCE_M: [8046.72, 0.0],  # 5 mi
            c.DURATION_S: [2700.0, 0.0],
            c.LOAD: [5.0, 0.0],
            c.ACWR: [1.23456, np.nan],
            "load_model": ["distance", "distance"],
            c.CTL: [4.321, 4.2],
            c.NOTES: ["easy", None],
            "future_column": [1, 2],
        }
    )
    got = readable_daily(daily, "mi", load_unit("distance", "mi"))
    assert list(got.columns) == [
        "Date", "Distance [mi]", "Time [h:mm:ss]", "Load [mi]", "ACWR", "Load model",
        "Fitness (CTL) [mi]", "Notes", "future_column",
    ]  # fmt: skip
    assert got["Date"].tolist() == [dt.date(2026, 5, 4), dt.date(2026, 5, 5)]
    assert got["Distance [mi]"].tolist() == [5.0, 0.0]
    assert got["Time [h:mm:ss]"].tolist() == ["45:00", "0:00"]
    assert got["ACWR"].iloc[0] == 1.235 and np.isnan(got["ACWR"].iloc[1])


def test_load_units_follow_the_model() -> None:
    assert load_unit("distance", "km") == "km" and load_unit("distance", "mi") == "mi"
    assert load_unit("duration", "mi") == "min" and load_unit("hrss", "km") == "hrTSS-like"
