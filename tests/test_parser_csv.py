"""The CSV parser: per-sample streams, FitCSVTool dumps, Strava and Garmin activity exports."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import columns as c
from analysis.errors import ParseError
from analysis.parsers.base import ParsedActivity
from analysis.parsers.csv import MAX_COLUMNS, MAX_LINE_BYTES, read_csv
from analysis.schema import validate_samples
from analysis.units import METRES_PER_MILE
from tests.conftest import corpus_files

CSV_FILES = corpus_files("csv", ".csv")
FIT_EPOCH = pd.Timestamp("1989-12-31T00:00:00Z")


def _read(text: str, name: str = "hand.csv") -> list[ParsedActivity]:
    return read_csv(text.encode("utf-8"), name)


def _one(text: str, name: str = "hand.csv") -> ParsedActivity:
    activities = _read(text, name)
    assert len(activities) == 1
    return activities[0]


def _corpus(corpus_dir: Path, file_name: str) -> list[ParsedActivity]:
    path = corpus_dir / "csv" / file_name
    return read_csv(path.read_bytes(), path.name)


# ---- every corpus file -------------------------------------------------------------------------


@pytest.mark.corpus
@pytest.mark.parametrize("path", CSV_FILES, ids=[p.name for p in CSV_FILES])
def test_every_corpus_csv_reads_or_fails_clearly(corpus_dir: Path, path: Path) -> None:
    try:
        activities = read_csv(path.read_bytes(), path.name)
    except ParseError as err:
        assert err.file == path.name
        assert err.reason
        return
    assert activities
    for activity in activities:
        assert activity.format == "csv"
        assert activity.source_name == path.name
        assert activity.start_time_utc.tzinfo is not None
        validate_samples(activity.samples)
        if activity.is_summary:
            assert activity.samples.empty
        else:
            assert len(activity.samples) > 0
            assert activity.start_time_utc == activity.samples[c.TIMESTAMP].iloc[0]


# ---- Strava bulk export ------------------------------------------------------------------------

STRAVA = "strava-DillM94__activities.csv"


@pytest.mark.corpus
def test_strava_export_gives_one_summary_per_row(corpus_dir: Path) -> None:
    text = (corpus_dir / "csv" / STRAVA).read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    activities = _corpus(corpus_dir, STRAVA)
    assert len(activities) == len(rows) - 1 == 143
    assert all(a.is_summary and a.samples.empty for a in activities)
    distances_km = np.array([a.distance_m for a in activities], dtype="float64") / 1000
    assert np.isfinite(distances_km).all()
    assert ((distances_km > 0) & (distances_km < 100)).all()
    sports = [a.sport for a in activities]
    assert sports.count(c.SPORT_RUNNING) == 127  # "Run" rows
    assert sports.count(c.SPORT_CYCLING) == 11  # "Ride" rows


@pytest.mark.corpus
def test_strava_first_row_matches_the_file(corpus_dir: Path) -> None:
    # 2987876185,"Jan 4, 2020, 2:57:37 PM",Afternoon Run,Run,,1509,5,...,1509,1509,5005.200195,
    # ... Elevation Gain 30 ... Average Cadence 83.19561005 (one leg), no heart rate
    first = _corpus(corpus_dir, STRAVA)[0]
    assert first.start_time_utc == pd.Timestamp("2020-01-04T14:57:37Z")
    assert first.start_time_local is None
    assert first.name == "Afternoon Run"
    assert first.sport == c.SPORT_RUNNING
    assert first.distance_m == pytest.approx(5005.200195)  # the metres column, not "5" km
    assert first.duration_s == 1509
    assert first.moving_time_s == 1509
    assert first.elevation_gain_m == 30
    assert first.avg_cadence_spm == pytest.approx(2 * 83.19561005)
    assert first.avg_heart_rate_bpm is None
    assert any("doubled" in fix for fix in first.fixes)


@pytest.mark.corpus
def test_strava_swim_distance_comes_from_the_metres_column(corpus_dir: Path) -> None:
    # the display-unit column says "1,025" (metres for swims); the metres column says 1025
    swims = [a for a in _corpus(corpus_dir, STRAVA) if a.sport == c.SPORT_SWIMMING]
    assert [a.distance_m for a in swims] == [1025.0, 1025.0]
    assert swims[0].start_time_utc == pd.Timestamp("2021-07-08T17:36:21Z")


# ---- Garmin Connect export ---------------------------------------------------------------------

GARMIN = "garminconnect-HLasse__Activities.csv"


@pytest.mark.corpus
def test_garmin_danish_export_first_row_matches_the_file(corpus_dir: Path) -> None:
    # Løb,2020-03-02 15:05:08,false,"5k, dukkert, barfod hjem","6.29","469","00:36:26","150",
    # "167","171",... Højdeforøgelse "69"
    activities = _corpus(corpus_dir, GARMIN)
    assert len(activities) == 41
    first = activities[0]
    assert first.is_summary and first.samples.empty
    assert first.sport == c.SPORT_RUNNING
    assert first.name == "5k, dukkert, barfod hjem"
    assert first.start_time_local == pd.Timestamp("2020-03-02 15:05:08")
    assert first.start_time_utc == pd.Timestamp("2020-03-02T15:05:08Z")
    assert first.distance_m == pytest.approx(6290.0)
    assert first.duration_s == 36 * 60 + 26
    assert first.avg_heart_rate_bpm == 150
    assert first.max_heart_rate_bpm == 167
    assert first.avg_cadence_spm == 171  # already steps per minute: not doubled
    assert first.elevation_gain_m == 69
    assert any("local start time, time zone unknown" in fix for fix in first.fixes)


@pytest.mark.corpus
def test_garmin_placeholder_dashes_become_none(corpus_dir: Path) -> None:
    # Løb,2019-06-10 16:00:15,false,"Løb","6.50","567","00:45:00","150","--","--","--",...
    row = next(
        a
        for a in _corpus(corpus_dir, GARMIN)
        if a.start_time_local == pd.Timestamp("2019-06-10 16:00:15")
    )
    assert row.distance_m == pytest.approx(6500.0)
    assert row.duration_s == 45 * 60
    assert row.avg_heart_rate_bpm == 150
    assert row.max_heart_rate_bpm is None
    assert row.avg_cadence_spm is None
    assert row.elevation_gain_m is None


@pytest.mark.corpus
def test_garmin_cadence_is_in_the_steps_per_minute_range(corpus_dir: Path) -> None:
    cadences = [a.avg_cadence_spm for a in _corpus(corpus_dir, GARMIN) if a.avg_cadence_spm]
    assert len(cadences) == 40  # 41 rows, one with "--"
    assert min(cadences) >= 140
    assert max(cadences) <= 200


# ---- per-sample dumps --------------------------------------------------------------------------


@pytest.mark.corpus
def test_fenix_run_records_give_running_cadence(corpus_dir: Path) -> None:
    # "Sun Jun 11 07:34:09 PDT 2017,61,0,0.0,0.0,456099128,-1463077077,..."; cadence per leg
    activity = _corpus(corpus_dir, "fitparse__garmin-fenix-5-run-records.csv")[0]
    samples = activity.samples
    assert activity.sport == c.SPORT_RUNNING
    assert len(samples) == 21
    assert activity.start_time_utc == pd.Timestamp("2017-06-11T14:34:09Z")  # PDT is UTC-7
    moving = samples.loc[samples[c.SPEED_MPS] > 2.0, c.CADENCE_SPM]
    assert 150 <= moving.median() <= 200  # steps per minute of a run
    assert samples[c.CADENCE_SPM].iloc[4] == 2 * 90  # the fifth row says 90
    # 456099128 semicircles * 180 / 2**31
    assert samples[c.LATITUDE_DEG].iloc[0] == pytest.approx(456099128 * 180 / 2**31)
    assert samples[c.DISTANCE_M].iloc[-1] == pytest.approx(157.56)


@pytest.mark.corpus
def test_bike_records_keep_crank_cadence(corpus_dir: Path) -> None:
    activity = _corpus(corpus_dir, "fitparse__garmin-edge-820-bike-records.csv")[0]
    assert activity.sport == c.SPORT_CYCLING
    assert activity.samples[c.CADENCE_SPM].iloc[0] == 69  # rpm as written


@pytest.mark.corpus
def test_relative_fit_times_are_refused(corpus_dir: Path) -> None:
    with pytest.raises(ParseError, match="unknown start"):
        _corpus(corpus_dir, "fitparse__compressed-speed-distance-records.csv")


@pytest.mark.corpus
def test_fitcsvtool_dump_is_pivoted(corpus_dir: Path) -> None:
    # first record: timestamp "995749880" s, distance 0, speed 1.0, heart_rate 126, power 150,
    # altitude 127; the session says sport "37" (stand-up paddleboarding: other)
    activity = _corpus(corpus_dir, "muktihari__Activity.csv")[0]
    samples = activity.samples
    assert len(samples) == 3601
    assert activity.start_time_utc == FIT_EPOCH + pd.Timedelta(seconds=995749880)
    assert activity.sport == c.SPORT_OTHER
    first = samples.iloc[0]
    assert (first[c.HEART_RATE_BPM], first[c.POWER_W], first[c.ALTITUDE_M]) == (126, 150, 127)
    assert first[c.SPEED_MPS] == 1.0
    assert samples[c.DISTANCE_M].iloc[-1] == pytest.approx(3600.0)


# ---- hand-built per-sample files ---------------------------------------------------------------

DEMO = """timestamp,latitude_deg,longitude_deg,altitude_m,distance_m,speed_mps,heart_rate_bpm,cadence_spm
2024-05-01T06:00:00Z,55.6761,12.5683,10.0,0.0,3.0,120,168
2024-05-01T06:00:01Z,55.67613,12.5683,10.5,3.0,3.0,121,170
2024-05-01T06:00:02Z,55.67616,12.5683,11.0,6.0,3.1,123,172
"""


def test_demo_generator_layout() -> None:
    activity = _one(DEMO, "demo.csv")
    samples = activity.samples
    assert activity.start_time_utc == pd.Timestamp("2024-05-01T06:00:00Z")
    assert activity.sport == c.SPORT_RUNNING
    assert list(samples[c.CADENCE_SPM]) == [168, 170, 172]  # steps already: not doubled
    assert list(samples[c.DISTANCE_M]) == [0.0, 3.0, 6.0]
    assert list(samples[c.HEART_RATE_BPM]) == [120, 121, 123]
    assert samples[c.LATITUDE_DEG].iloc[2] == pytest.approx(55.67616)
    assert list(samples[c.ALTITUDE_M]) == [10.0, 10.5, 11.0]
    assert "no sport column: read as running" in activity.fixes[0]


def test_imperial_units_from_the_header() -> None:
    activity = _one(
        "Time,Distance (mi),Elevation (ft),Speed (mph)\n"
        "2024-05-01T06:00:00Z,0,100,10\n"
        "2024-05-01T06:00:10Z,1,110,10\n"
    )
    samples = activity.samples
    assert samples[c.DISTANCE_M].iloc[1] == pytest.approx(METRES_PER_MILE)
    assert samples[c.ALTITUDE_M].iloc[0] == pytest.approx(30.48)  # 100 ft
    assert samples[c.SPEED_MPS].iloc[0] == pytest.approx(10 * METRES_PER_MILE / 3600)


def test_kilometres_and_kmh_in_the_name() -> None:
    samples = _one(
        "date_time,distance_km,speed_kmh,HR\n2024-05-01 06:00:00,0.5,36,150\n"
        "2024-05-01 06:00:01,0.51,36,151\n"
    ).samples
    assert list(samples[c.DISTANCE_M]) == pytest.approx([500.0, 510.0])
    assert samples[c.SPEED_MPS].iloc[0] == pytest.approx(10.0)  # 36 km/h
    assert samples[c.HEART_RATE_BPM].iloc[0] == 150


@pytest.mark.parametrize(
    ("header", "pace", "speed_mps"),
    [
        ("Pace (min/km)", "5:00", 1000 / 300),
        ("pace_min_mi", "8:00", METRES_PER_MILE / 480),
        ("Pace (min/km)", "4.5", 1000 / 270),
        ("pace_s_per_km", "250", 1000 / 250),
    ],
)
def test_pace_becomes_speed(header: str, pace: str, speed_mps: float) -> None:
    samples = _one(
        f"timestamp,{header}\n2024-05-01T06:00:00Z,{pace}\n2024-05-01T06:00:01Z,{pace}\n"
    ).samples
    assert samples[c.SPEED_MPS].iloc[0] == pytest.approx(speed_mps)


def test_per_leg_cadence_is_doubled_for_running_only() -> None:
    run = _one("timestamp,cadence\n2024-05-01T06:00:00Z,85\n2024-05-01T06:00:01Z,86\n")
    assert list(run.samples[c.CADENCE_SPM]) == [170, 172]
    assert any("doubled" in fix for fix in run.fixes)
    ride = _one(
        "timestamp,cadence,sport\n2024-05-01T06:00:00Z,85,Ride\n2024-05-01T06:00:01Z,86,Ride\n"
    )
    assert ride.sport == c.SPORT_CYCLING
    assert list(ride.samples[c.CADENCE_SPM]) == [85, 86]
    assert not any("doubled" in fix for fix in ride.fixes)


def test_semicircles_are_converted() -> None:
    # 2**29 semicircles is a quarter of 180 degrees
    samples = _one(
        "timestamp,position_lat,position_long,heart_rate\n"
        f"2024-05-01T06:00:00Z,{2**29},{-(2**29)},140\n"
        f"2024-05-01T06:00:01Z,{2**29},{-(2**29)},141\n"
    ).samples
    assert samples[c.LATITUDE_DEG].iloc[0] == pytest.approx(45.0)
    assert samples[c.LONGITUDE_DEG].iloc[0] == pytest.approx(-45.0)


@pytest.mark.parametrize(
    ("first", "second"),
    [("1714543200", "1714543201"), ("1714543200000", "1714543201000")],
    ids=["epoch-seconds", "epoch-milliseconds"],
)
def test_epoch_times(first: str, second: str) -> None:
    activity = _one(f"time,hr\n{first},140\n{second},141\n")
    assert activity.start_time_utc == pd.Timestamp("2024-05-01T06:00:00Z")  # 1714543200 s
    assert list(activity.samples[c.ELAPSED_S]) == [0.0, 1.0]


def test_elapsed_only_is_refused() -> None:
    with pytest.raises(ParseError, match="unknown start") as err:
        _read("secs,heart_rate\n0,120\n1,121\n")
    assert "secs" in err.value.reason


def test_elapsed_with_a_start_time() -> None:
    activity = _one("start_time,elapsed,heart_rate\n2024-05-01T06:00:00Z,0,120\n,5,121\n,10,122\n")
    assert list(activity.samples[c.TIMESTAMP]) == [
        pd.Timestamp("2024-05-01T06:00:00Z") + pd.Timedelta(seconds=s) for s in (0, 5, 10)
    ]


def test_semicolons_and_decimal_commas() -> None:
    samples = _one(
        "Time;Distance;Heart Rate\n2024-05-01T06:00:00Z;1,5;140\n2024-05-01T06:00:01Z;4,25;141\n"
    ).samples
    assert list(samples[c.DISTANCE_M]) == [1.5, 4.25]


def test_naive_times_read_as_utc_with_a_note() -> None:
    activity = _one("timestamp,hr\n2024-05-01 06:00:00,140\n2024-05-01 06:00:01,141\n")
    assert activity.start_time_utc == pd.Timestamp("2024-05-01T06:00:00Z")
    assert any("no time zone" in fix for fix in activity.fixes)


# ---- hand-built summary exports ----------------------------------------------------------------


def _strava(rows: list[tuple[str, str, str, str]]) -> str:
    head = "Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,Distance,Distance"
    lines = [head] + [
        f'{i},"{date}",{title},{kind},600,{km},{float(km) * 1000}'
        for i, (date, title, kind, km) in enumerate(rows)
    ]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("kind", "sport"),
    [
        ("Run", c.SPORT_RUNNING),
        ("Trail Run", c.SPORT_RUNNING),
        ("VirtualRun", c.SPORT_RUNNING),
        ("Løb", c.SPORT_RUNNING),
        ("Løb på løbebånd", c.SPORT_RUNNING),
        ("Treadmill Running", c.SPORT_RUNNING),
        ("Course à pied", c.SPORT_RUNNING),
        ("Ride", c.SPORT_CYCLING),
        ("Cykling", c.SPORT_CYCLING),
        ("Radfahren", c.SPORT_CYCLING),
        ("Walk", c.SPORT_WALKING),
        ("Wandelen", c.SPORT_WALKING),
        ("Hike", c.SPORT_HIKING),
        ("Wandern", c.SPORT_HIKING),
        ("Swim", c.SPORT_SWIMMING),
        ("Workout", c.SPORT_CROSS_TRAINING),
        ("Weight Training", c.SPORT_STRENGTH),  # Strava
        ("Strength Training", c.SPORT_STRENGTH),  # Garmin Connect
        ("Krafttraining", c.SPORT_STRENGTH),
        ("Styrketræning", c.SPORT_STRENGTH),
        ("Yoga", c.SPORT_MOBILITY),
        ("Pilates", c.SPORT_MOBILITY),
        ("Crossfit", c.SPORT_CROSS_TRAINING),
        ("Elliptical", c.SPORT_CROSS_TRAINING),
        ("StairStepper", c.SPORT_CROSS_TRAINING),
        ("Indoor Rowing", c.SPORT_CROSS_TRAINING),
        ("HIIT", c.SPORT_CROSS_TRAINING),
        ("Golf", c.SPORT_OTHER),
        ("10", c.SPORT_CROSS_TRAINING),  # a FIT sport number: training
    ],
)
def test_activity_types_map_to_sports(kind: str, sport: str) -> None:
    (activity,) = _read(_strava([("Mar 10, 2019, 4:36:27 PM", "x", kind, "5")]))
    assert activity.sport == sport
    assert activity.start_time_utc == pd.Timestamp("2019-03-10T16:36:27Z")


def test_unreadable_rows_are_skipped_with_a_note() -> None:
    text = _strava(
        [
            ("Mar 10, 2019, 4:36:27 PM", "a", "Run", "5"),
            ("not a date", "b", "Run", "6"),
            ("Mar 12, 2019, 7:00:00 AM", "c", "Run", "7"),
        ]
    )
    activities = _read(text)
    assert [a.name for a in activities] == ["a", "c"]
    assert [a.distance_m for a in activities] == [5000.0, 7000.0]
    assert all("skipped 1 row" in " ".join(a.fixes) for a in activities)


def test_no_readable_row_is_an_error() -> None:
    with pytest.raises(ParseError, match="no readable activity rows"):
        _read(_strava([("never", "a", "Run", "5")]))


def test_hostile_cells_are_plain_data() -> None:
    text = (
        "Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,Average Heart Rate\n"
        '1,"Mar 10, 2019, 4:36:27 PM","=HYPERLINK(""http://x"",""y"")",Run,'
        "@SUM(A1),=1+2\n"
        '2,"Mar 11, 2019, 4:36:27 PM",+cmd|/C calc!A0,Run,-600,-150\n'
    )
    first, second = _read(text)
    assert first.name == '=HYPERLINK("http://x","y")'
    assert second.name == "+cmd|/C calc!A0"
    assert first.duration_s is None and first.avg_heart_rate_bpm is None
    assert second.duration_s is None and second.avg_heart_rate_bpm is None


GARMIN_EN = (
    "Activity Type,Date,Favorite,Title,Distance,Calories,Time,Avg HR,Max HR,Avg Run Cadence,"
    "Total Ascent,Moving Time,Elapsed Time\n"
    'Running,2026-04-18 10:03:35,false,"Long run","7,00","315","01:40:55","143","168","162",'
    '"28","01:22:59","01:41:01"\n'
    'Pool Swim,2026-04-19 07:00:00,false,"Pool","1.500","400","00:40:00","--","--","--",'
    '"--","00:38:00","00:41:00"\n'
)


def test_garmin_english_with_decimal_commas() -> None:
    run, swim = _read(GARMIN_EN)
    assert run.sport == c.SPORT_RUNNING
    assert run.distance_m == pytest.approx(7000.0)  # "7,00" km
    assert run.duration_s == 3600 + 41 * 60 + 1  # elapsed time wins over the timer's "Time"
    assert run.moving_time_s == 3600 + 22 * 60 + 59
    assert run.avg_cadence_spm == 162
    assert run.elevation_gain_m == 28
    assert swim.sport == c.SPORT_SWIMMING
    assert swim.distance_m == pytest.approx(1500.0)  # swims are stated in metres: "1.500"
    assert swim.avg_heart_rate_bpm is None


def test_garmin_distance_in_miles_from_the_header() -> None:
    (activity,) = _read(
        "Activity Type,Date,Title,Distance (mi),Time\nRunning,2024-01-02 07:00:00,x,3.1,00:25:00\n"
    )
    assert activity.distance_m == pytest.approx(3.1 * METRES_PER_MILE)
    assert activity.duration_s == 1500


# ---- refusals ----------------------------------------------------------------------------------


def test_unrecognised_columns_are_listed() -> None:
    with pytest.raises(ParseError) as err:
        _read("foo,bar,baz\n1,2,3\n")
    assert err.value.reason == "unrecognised CSV columns: foo, bar, baz"


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\n\r\n  \n", b",,,\n,,\n"])
def test_empty_files(data: bytes) -> None:
    with pytest.raises(ParseError, match="empty file"):
        read_csv(data, "empty.csv")


def test_header_without_rows() -> None:
    with pytest.raises(ParseError, match="no data rows"):
        _read("timestamp,heart_rate\n")


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)) * 4,
        b"\x0e\x10\x08\x08\x00\x00\x00\x00.FIT" + b"\x00" * 64,
        gzip.compress(b"timestamp,hr\n2024-05-01T06:00:00Z,140\n"),
        b"PK\x03\x04" + b"junk" * 20,
    ],
    ids=["random-bytes", "fit", "gzip", "zip"],
)
def test_binary_data_is_refused(data: bytes) -> None:
    with pytest.raises(ParseError, match="binary data"):
        read_csv(data, "renamed.csv")


def test_too_many_columns_is_refused() -> None:
    header = ",".join(f"c{i}" for i in range(MAX_COLUMNS + 1))
    with pytest.raises(ParseError, match="columns"):
        _read(header + "\n" + "1," * MAX_COLUMNS + "1\n")


def test_too_long_line_is_refused() -> None:
    with pytest.raises(ParseError, match="longer than"):
        _read("timestamp,name\n2024-05-01T06:00:00Z," + "x" * (MAX_LINE_BYTES + 1) + "\n")


# ---- encodings ---------------------------------------------------------------------------------

DANISH = (
    "Aktivitetstype,Dato,Titel,Distance,Tid\nLøb,2020-03-02 15:05:08,Løb i skoven,5.00,00:30:00\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_encodings(encoding: str) -> None:
    (activity,) = read_csv(DANISH.encode(encoding), "Activities.csv")
    assert activity.name == "Løb i skoven"
    assert activity.sport == c.SPORT_RUNNING
    assert activity.distance_m == pytest.approx(5000.0)
    assert activity.duration_s == 1800
    assert any("Windows-1252" in fix for fix in activity.fixes) == (encoding == "cp1252")


# ---- properties --------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600))
def test_any_bytes_read_or_fail_clearly(data: bytes) -> None:
    try:
        activities = read_csv(data, "fuzz.csv")
    except ParseError:
        return
    for activity in activities:
        validate_samples(activity.samples)


CSV_ALPHABET = st.sampled_from([*"0123456789,;.:-+=@\"'\n abTZ", "time", "hr", "Run"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(CSV_ALPHABET, max_size=80).map("".join))
def test_any_csv_like_text_reads_or_fails_clearly(body: str) -> None:
    try:
        activities = _read("timestamp,heart_rate,distance,cadence\n" + body)
    except ParseError:
        return
    for activity in activities:
        validate_samples(activity.samples)


def test_strava_perceived_exertion_becomes_the_session_rpe(corpus_dir: Path) -> None:
    acts = _corpus(corpus_dir, STRAVA)
    rated = [a.rpe for a in acts if a.rpe is not None]
    # 21 of the 143 rows carry a rating in the "Perceived Exertion" column; the first is 3
    assert len(rated) == 21 and rated[0] == 3.0
    assert all(0 <= r <= 10 for r in rated)


# ---- dates the store cannot hold ------------------------------------------------------------------


def test_a_sample_dated_beyond_the_supported_years_is_skipped_and_said() -> None:
    activity = _one(
        "timestamp,heart_rate_bpm\n2026-05-04T06:00:00Z,140\n7026-05-04T06:00:00Z,141\n"
    )
    assert len(activity.samples) == 1
    assert activity.samples[c.TIMESTAMP].iloc[0] == pd.Timestamp("2026-05-04T06:00:00Z")
    assert (
        "1 row is dated outside the supported range (1678–2261), e.g. 7026-05-04: no usable time"
        in activity.fixes
    )


def test_samples_all_dated_beyond_the_supported_years_refuse_the_file() -> None:
    with pytest.raises(ParseError) as err:
        _read("timestamp,heart_rate_bpm\n1600-05-04T06:00:00Z,140\n1600-05-04T06:00:01Z,141\n")
    assert err.value.reason == "date 1600-05-04 outside the supported range (1678–2261)"


def test_a_summary_row_dated_beyond_the_supported_years_is_skipped() -> None:
    text = GARMIN_EN.replace("2026-04-19 07:00:00", "2999-04-19 07:00:00")
    (run,) = _read(text)
    assert run.start_time_local == pd.Timestamp("2026-04-18 10:03:35")
    assert any("(e.g. 2999-04-19)" in fix for fix in run.fixes)
    with pytest.raises(ParseError, match=r"date 2999-04-19 outside the supported range"):
        _read(text.replace("2026-04-18 10:03:35", "2999-04-19 10:03:35"))


def test_summary_rows_each_get_their_own_empty_samples_frame() -> None:
    from analysis.schema import empty_samples

    run, swim = _read(GARMIN_EN)
    for activity in (run, swim):
        pd.testing.assert_frame_equal(activity.samples, empty_samples())
    run.samples[c.HEART_RATE_BPM] = pd.Series(dtype="int64")
    assert swim.samples[c.HEART_RATE_BPM].dtype == np.dtype("float64")


# ---- bounded memory: lines decoded as read, per-sample rows kept in chunks -----------------------


def _sample_text(rows: int) -> str:
    lines = ["Time,Heart Rate (bpm),Distance (km),Sport"]
    start = pd.Timestamp("2026-05-04T06:00:00Z")
    for i in range(rows):
        stamp = (start + pd.Timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        lines.append(f"{stamp},{140 + i % 7},{i * 0.003:.3f},{'run' if i % 3 else ''}")
    return "\n".join(lines) + "\n"


def test_chunk_boundaries_do_not_change_the_samples(monkeypatch: pytest.MonkeyPatch) -> None:
    from analysis.parsers import csv as csv_parser

    text = _sample_text(100)
    whole = _one(text)
    monkeypatch.setattr(csv_parser, "CHUNK_ROWS", 7)
    chunked = _one(text)
    pd.testing.assert_frame_equal(chunked.samples, whole.samples)
    assert chunked.fixes == whole.fixes and chunked.sport == whole.sport == c.SPORT_RUNNING
    assert len(chunked.samples) == 100


def test_the_row_limit_is_named_and_nothing_after_it_is_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from analysis.parsers import csv as csv_parser

    monkeypatch.setattr(csv_parser, "MAX_ROWS", 50)
    monkeypatch.setattr(csv_parser, "CHUNK_ROWS", 16)
    assert len(_one(_sample_text(50)).samples) == 50
    # a malformed line after the limit is never reached: the limit is what refuses the file
    with pytest.raises(ParseError) as err:
        _read(_sample_text(51) + '"never read\n')
    assert err.value.reason == "refused: more than 50 rows"


@pytest.mark.parametrize("ending", ["\r", "\r\n", "\n"])
def test_every_line_ending_reads_the_same(ending: str) -> None:
    text = _sample_text(5).replace("\n", ending)
    assert len(_one(text).samples) == 5


@pytest.mark.parametrize(
    ("lengths", "refused"),
    [
        ((MAX_LINE_BYTES, 10), False),
        ((10, MAX_LINE_BYTES + 1), True),
        ((MAX_LINE_BYTES + 1,), True),
        ((5,) * 100 + (MAX_LINE_BYTES + 1, 5), True),
    ],
)
def test_line_length_limit_across_scan_slices(
    monkeypatch: pytest.MonkeyPatch, lengths: tuple[int, ...], refused: bool
) -> None:
    from analysis.parsers import csv as csv_parser

    data = b"\n".join(b"a" * n for n in lengths)
    for scan in (1000, 1 << 24):  # a line feed on either side of a slice boundary
        monkeypatch.setattr(csv_parser, "_SCAN_BYTES", scan)
        if refused:
            with pytest.raises(ParseError, match="a line is longer than"):
                csv_parser._check_line_bytes(data, "long.csv")
        else:
            csv_parser._check_line_bytes(data, "long.csv")
