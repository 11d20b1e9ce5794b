"""Wellness logs (generic, HRV4Training, Elite HRV) and weekly plans read from CSV."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import columns as c
from analysis.errors import ParseError
from analysis.parsers.wellness import (
    LAYOUT_ELITE_HRV,
    LAYOUT_GENERIC,
    LAYOUT_HRV4TRAINING_ANDROID,
    LAYOUT_HRV4TRAINING_IPHONE,
    is_plan_csv,
    is_wellness_csv,
    read_plan_csv,
    read_wellness_csv,
)


def _wellness(text: str, name: str = "log.csv") -> pd.DataFrame:
    return read_wellness_csv(text.encode("utf-8"), name)


def _plan(text: str, name: str = "plan.csv") -> pd.DataFrame:
    return read_plan_csv(text.encode("utf-8"), name)


def _day(frame: pd.DataFrame, day: str) -> pd.Series:
    rows = frame[frame[c.DATE] == pd.Timestamp(day)]
    assert len(rows) == 1, f"expected one row for {day}"
    return rows.iloc[0]


# ---- generic layout -------------------------------------------------------------------------------

GENERIC = """\
Date,Resting HR (bpm),HRV rMSSD ms,Sleep_h,sleep quality,SORENESS,fatigue,mood,stress,notes
2024-03-01,48,62.5,7:30,4,2,2,4,1,easy day
02/03/2024,52,,6.25,3,4,3,3,2,
03.03.2024 ,50,58,8,5,1,1,5,1,"long run, felt good"
"""


def test_generic_layout_reads_every_column() -> None:
    frame = _wellness(GENERIC)
    assert list(frame.columns) == list(c.WELLNESS_COLUMNS)
    assert frame.attrs["layout"] == LAYOUT_GENERIC
    assert list(frame[c.DATE]) == list(pd.to_datetime(["2024-03-01", "2024-03-02", "2024-03-03"]))
    first = _day(frame, "2024-03-01")
    assert first[c.RESTING_HR_BPM] == 48.0
    assert first[c.HRV_RMSSD_MS] == 62.5
    assert first[c.SLEEP_H] == 7.5  # 7:30
    assert (first[c.SLEEP_QUALITY], first[c.SORENESS], first[c.FATIGUE]) == (4.0, 2.0, 2.0)
    assert (first[c.MOOD], first[c.STRESS]) == (4.0, 1.0)
    assert first[c.NOTES] == "easy day"
    second = _day(frame, "2024-03-02")  # 02/03/2024 is day-first: 2 March
    assert math.isnan(second[c.HRV_RMSSD_MS])
    assert second[c.SLEEP_H] == 6.25
    assert second[c.NOTES] is None
    assert _day(frame, "2024-03-03")[c.NOTES] == "long run, felt good"
    assert frame.attrs["present"] == c.WELLNESS_COLUMNS[1:]


def test_generic_layout_any_subset_and_semicolons_with_decimal_commas() -> None:
    frame = _wellness("date;sleep_h;soreness\n2024-05-06;7,5;2\n2024-05-07;6,75;3\n")
    assert list(frame[c.SLEEP_H]) == [7.5, 6.75]
    assert list(frame[c.SORENESS]) == [2.0, 3.0]
    assert frame[c.RESTING_HR_BPM].isna().all()
    assert frame.attrs["present"] == (c.SLEEP_H, c.SORENESS)


def test_duplicate_days_the_later_row_wins() -> None:
    frame = _wellness("date,resting_hr_bpm\n2024-01-02,50\n2024-01-01,49\n2024-01-02,55\n")
    assert list(frame[c.DATE]) == list(pd.to_datetime(["2024-01-01", "2024-01-02"]))
    assert list(frame[c.RESTING_HR_BPM]) == [49.0, 55.0]
    assert any("later row" in note for note in frame.attrs["notes"])


def test_generic_ln_rmssd_column_becomes_rmssd() -> None:
    frame = _wellness("date,ln_rmssd\n2024-01-01,4.0\n2024-01-02,3.5\n")
    # rMSSD = e^ln: e^4 = 54.598 ms, e^3.5 = 33.115 ms
    assert frame[c.HRV_RMSSD_MS].tolist() == pytest.approx([54.59815, 33.11545], abs=1e-4)
    assert c.HRV_RMSSD_MS in frame.attrs["present"]


def test_rating_off_the_scale_refuses_the_file() -> None:
    with pytest.raises(ParseError, match=r"soreness is rated 1–5, but line 3 has 7"):
        _wellness("date,soreness\n2024-01-01,3\n2024-01-02,7\n")


def test_month_first_dates_are_refused_not_guessed() -> None:
    with pytest.raises(ParseError, match="month-first"):
        _wellness("date,resting_hr_bpm\n01/02/2024,50\n04/23/2024,51\n")


def test_rows_without_a_date_are_skipped_and_said() -> None:
    frame = _wellness("date,resting_hr_bpm\n2024-01-01,50\nyesterday,51\n2024-02-30,52\n")
    assert list(frame[c.RESTING_HR_BPM]) == [50.0]
    assert any("2 rows without a readable date" in note for note in frame.attrs["notes"])


def test_implausible_values_are_left_out_with_a_note() -> None:
    frame = _wellness("date,resting_hr_bpm,sleep_h\n2024-01-01,300,7\n2024-01-02,50,30\n")
    assert math.isnan(_day(frame, "2024-01-01")[c.RESTING_HR_BPM])
    assert math.isnan(_day(frame, "2024-01-02")[c.SLEEP_H])
    notes = " ".join(frame.attrs["notes"])
    assert "resting_hr_bpm" in notes and "sleep_h" in notes


# ---- HRV app exports ------------------------------------------------------------------------------

HRV4T_IPHONE = """\
timestamp_measurement,HR,AVNN,SDNN,rMSSD,pNN50,LF,HF,HRV4T_Recovery_Points
2017-03-01T06:55:12+01:00,52,1153.8,70.1,66.4,41.2,1402.5,900.1,8.2
2017-03-02 7:05:40 AM,55,1090.9,60.2,54.0,30.0,1300.0,800.0,7.9
2017-03-03T06:50:00+01:00,0,0,0,0,0,0,0,0
"""


def test_hrv4training_iphone_export() -> None:
    frame = _wellness(HRV4T_IPHONE)
    assert frame.attrs["layout"] == LAYOUT_HRV4TRAINING_IPHONE
    # the day is the one written, never shifted by the offset
    assert list(frame[c.DATE]) == list(pd.to_datetime(["2017-03-01", "2017-03-02"]))
    assert list(frame[c.RESTING_HR_BPM]) == [52.0, 55.0]
    assert list(frame[c.HRV_RMSSD_MS]) == [66.4, 54.0]
    # the all-zero row is a measurement not taken: no day is made of it
    assert frame.attrs["present"] == (c.RESTING_HR_BPM, c.HRV_RMSSD_MS)


HRV4T_ANDROID = """\
date,time,HR,AVNN,SDNN,rMSSD,pNN50,LF,HF,HRV4T_Recovery_Points,sleep_quality,muscle_soreness,fatigue,note
2019-28-02,07:10,48,1250,82,71.5,45,1,1,8.5,7,3,4,good
2019-01-03,07:02,50,1200,80,-,40,1,1,-,6,4,5,-
2019-02-03,07:15,51,1180,78,68.0,38,1,1,8.3,6,4,5,
"""


def test_hrv4training_android_dates_are_year_day_month() -> None:
    frame = _wellness(HRV4T_ANDROID)
    assert frame.attrs["layout"] == LAYOUT_HRV4TRAINING_ANDROID
    # 2019-28-02 can only be 28 February; the file is read year-day-month throughout
    assert list(frame[c.DATE]) == list(pd.to_datetime(["2019-02-28", "2019-03-01", "2019-03-02"]))
    assert list(frame[c.RESTING_HR_BPM]) == [48.0, 50.0, 51.0]
    assert frame[c.HRV_RMSSD_MS].tolist()[0] == 71.5
    assert math.isnan(frame[c.HRV_RMSSD_MS].tolist()[1])  # "-" is missing
    assert frame[c.NOTES].tolist() == ["good", None, None]
    # HRV4Training's own ratings are on undocumented scales: not read, and said so
    assert frame[[c.SLEEP_QUALITY, c.SORENESS, c.FATIGUE]].isna().all().all()
    assert any("sleep_quality" in note for note in frame.attrs["notes"])


def test_hrv4training_android_without_evidence_reads_year_day_month_and_says_so() -> None:
    frame = _wellness("date,HR,rMSSD,AVNN\n2019-01-03,50,70,1200\n2019-02-03,51,69,1190\n")
    assert list(frame[c.DATE]) == list(pd.to_datetime(["2019-03-01", "2019-03-02"]))
    assert any("year-day-month" in note for note in frame.attrs["notes"])


def test_hrv4training_android_reads_iso_when_the_file_proves_it() -> None:
    frame = _wellness("date,HR,rMSSD,AVNN\n2019-03-01,50,70,1200\n2019-03-25,51,69,1190\n")
    assert list(frame[c.DATE]) == list(pd.to_datetime(["2019-03-01", "2019-03-25"]))


def test_hrv4training_android_contradictory_dates_are_refused() -> None:
    with pytest.raises(ParseError, match="mixes year-day-month and year-month-day"):
        _wellness("date,HR,rMSSD,AVNN\n2019-28-02,50,70,1200\n2019-03-25,51,69,1190\n")


def test_plain_date_rmssd_table_is_not_taken_for_an_hrv4training_export() -> None:
    data = b"date,rmssd\n2019-01-03,70\n"
    assert not is_wellness_csv(data)
    with pytest.raises(ParseError, match="not a wellness log"):
        read_wellness_csv(data, "mine.csv")


def test_elite_hrv_export_converts_ln_rmssd_only_where_rmssd_is_missing() -> None:
    text = (
        "Datetime,HR,Rmssd,lnRmssd,Sdnn,Pnn50\n"
        "2020-06-01 06:30:00,49,60.0,4.094,80,30\n"
        "2020-06-02 06:31:00,50,,4.0,79,29\n"
    )
    frame = _wellness(text)
    assert frame.attrs["layout"] == LAYOUT_ELITE_HRV
    assert list(frame[c.RESTING_HR_BPM]) == [49.0, 50.0]
    # the given rMSSD stays; the missing one is e^4.0 = 54.598 ms
    assert frame[c.HRV_RMSSD_MS].tolist() == pytest.approx([60.0, 54.59815], abs=1e-4)
    assert any("e^(ln rMSSD) on 1 days" in note for note in frame.attrs["notes"])


def test_a_scaled_score_in_the_ln_column_is_refused() -> None:
    with pytest.raises(ParseError, match="0–100 score"):
        _wellness("Datetime,lnRmssd\n2020-06-01 06:30:00,65\n")


# ---- plans ----------------------------------------------------------------------------------------


def test_plan_csv() -> None:
    text = (
        "week_start,distance_km,duration_h,long_run_km,load\n"
        "2024-03-04,40,4:30,16,300\n"
        "11/03/2024,45.5,5,18,\n"
        "2024-03-04,42,4.75,17,310\n"
    )
    frame = _plan(text)
    assert list(frame.columns) == list(c.PLAN_COLUMNS)
    assert list(frame[c.WEEK_START]) == list(pd.to_datetime(["2024-03-04", "2024-03-11"]))
    # the repeated week: the later row wins
    assert frame[c.PLAN_DISTANCE_KM].tolist() == [42.0, 45.5]
    assert frame[c.PLAN_DURATION_H].tolist() == [4.75, 5.0]
    assert frame[c.PLAN_LONG_RUN_KM].tolist() == [17.0, 18.0]
    assert frame[c.PLAN_LOAD].tolist()[0] == 310.0 and math.isnan(frame[c.PLAN_LOAD].tolist()[1])


def test_plan_subset_and_hours_written_as_clock() -> None:
    frame = _plan("Week Start;Duration (h)\n2024-03-04;4:30\n")
    assert frame[c.PLAN_DURATION_H].tolist() == [4.5]
    assert frame[c.PLAN_DISTANCE_KM].isna().all()
    assert frame.attrs["present"] == (c.PLAN_DURATION_H,)


def test_plan_refuses_negative_targets_and_missing_columns() -> None:
    with pytest.raises(ParseError, match="negative plan target"):
        _plan("week_start,distance_km\n2024-03-04,-5\n")
    with pytest.raises(ParseError, match="week_start"):
        _plan("week,distance_km\n2024-03-04,40\n")


# ---- sniffing and garbage -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [GENERIC, HRV4T_IPHONE, HRV4T_ANDROID, "Datetime,Rmssd\n2020-06-01 06:30:00,60\n"],
)
def test_wellness_sniffer_recognises_each_layout(text: str) -> None:
    data = text.encode("utf-8")
    assert is_wellness_csv(data)
    assert not is_plan_csv(data)


def test_plan_sniffer() -> None:
    data = b"week_start,distance_km\n2024-03-04,40\n"
    assert is_plan_csv(data)
    assert not is_wellness_csv(data)
    assert not is_plan_csv(b"week_start,notes\n2024-03-04,x\n")


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"timestamp,heart_rate,distance\n2024-01-01T10:00:00Z,120,0\n",
        b"Activity ID,Activity Date,Activity Name,Activity Type,Distance\n1,x,y,Run,5\n",
        b"date,notes\n2024-01-01,rest\n",
        b"\xff\xfe\x00\x00garbage",
    ],
)
def test_sniffers_say_no_to_everything_else(data: bytes) -> None:
    assert not is_wellness_csv(data)
    assert not is_plan_csv(data)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"date,resting_hr_bpm\n", "no data rows"),
        (b"lorem ipsum dolor\nsit amet\n", "not a wellness log"),
        (b"date,resting_hr_bpm\nsoon,50\n", "no row has both a readable date and a value"),
    ],
)
def test_garbage_is_a_parse_error(data: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=reason) as err:
        read_wellness_csv(data, "bad.csv")
    assert err.value.file == "bad.csv"
    with pytest.raises(ParseError):
        read_plan_csv(data, "bad.csv")


def test_real_activity_csvs_are_never_routed_as_wellness_or_plan(corpus_dir: Path) -> None:
    files = sorted((corpus_dir / "csv").glob("*.csv"))
    assert files, "the corpus has a csv folder with files"
    for path in files:
        data = path.read_bytes()
        assert not is_wellness_csv(data), path.name
        assert not is_plan_csv(data), path.name


def test_frame_dtypes_suit_the_store() -> None:
    frame = _wellness(GENERIC)
    assert frame[c.DATE].dtype == np.dtype("datetime64[ns]")
    for column in c.WELLNESS_COLUMNS[1:-1]:
        assert frame[column].dtype == np.dtype("float64"), column


# ---- dates the store cannot hold ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cell", "line"),
    [
        ("date,resting_hr_bpm\n2024-01-01,50\n1600-01-02,51\n", "1600-01-02", 3),
        ("date,resting_hr_bpm\n02/01/2826,51\n", "02/01/2826", 2),
        ("timestamp_measurement,rMSSD\n2999-04-02 06:00:00,60\n", "2999-04-02 06:00:00", 2),
    ],
)
def test_a_wellness_date_outside_the_supported_years_names_its_line(
    text: str, cell: str, line: int
) -> None:
    with pytest.raises(ParseError) as err:
        _wellness(text)
    assert err.value.reason == (
        f"the date '{cell}' on line {line} is outside the supported range (1678–2261)"
    )


def test_a_plan_week_outside_the_supported_years_names_its_line() -> None:
    with pytest.raises(ParseError) as err:
        _plan("week_start,distance_km\n2026-05-04,40\n2999-01-07,45\n")
    assert err.value.reason == (
        "the date '2999-01-07' on line 3 is outside the supported range (1678–2261)"
    )


def test_the_first_and_last_supported_years_are_read() -> None:
    frame = _wellness("date,resting_hr_bpm\n2261-12-31,51\n1678-01-01,50\n")
    assert list(frame[c.DATE]) == [pd.Timestamp("1678-01-01"), pd.Timestamp("2261-12-31")]
    assert frame[c.DATE].dtype == np.dtype("datetime64[ns]")


@pytest.mark.parametrize("ending", ["\r", "\r\n", "\n"])
def test_every_line_ending_reads_the_same(ending: str) -> None:
    text = 'date,resting_hr_bpm,notes\n2026-05-04,48,"two\nlines"\n2026-05-05,49,x\n'
    frame = _wellness(text.replace("\n", ending))
    assert list(frame[c.RESTING_HR_BPM]) == [48.0, 49.0]
    assert frame[c.NOTES].iloc[0] == f"two{ending}lines"
