"""The five-year archive generator on a tiny configuration (12 runs, never the full five years):
the same bytes every time, Strava's layout, FIT files fitparse reads with 1 s records, weeks
that add up to the plan; the plan's season over five years (cheap: no files are written); and
the FIT writer's column-wise path, which must write the same bytes as its row-by-row path."""

from __future__ import annotations

import csv
import gzip
import io
import itertools
import os
import zipfile
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import fitparse
import numpy as np
import pandas as pd
import pytest

from analysis import columns as c
from analysis.schema import build_samples
from sample_data import archives
from sample_data import fit_encoder as fe
from sample_data import five_years as fy

TINY = 12
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture(scope="module")
def tiny_zip() -> bytes:
    data = fy.build_archive(runs=TINY)
    assert isinstance(data, bytes)
    return data


@pytest.fixture(scope="module")
def decoded(tiny_zip: bytes) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Every activity file of the tiny archive decoded by fitparse: messages by name."""
    out = {}
    with zipfile.ZipFile(io.BytesIO(tiny_zip)) as archive:
        for name in archive.namelist()[1:]:
            raw = archive.read(name)
            if name.endswith(".gz"):
                raw = gzip.decompress(raw)
            messages: dict[str, list[dict[str, Any]]] = {}
            for message in fitparse.FitFile(io.BytesIO(raw)).get_messages():
                messages.setdefault(message.name, []).append(message.get_values())
            out[name] = messages
    return out


# ---- the tiny archive ---------------------------------------------------------------------------


def test_the_same_arguments_give_the_same_bytes(tiny_zip: bytes, tmp_path: Path) -> None:
    assert fy.build_archive(runs=TINY) == tiny_zip
    written = fy.build_archive(tmp_path / "export.zip", runs=TINY)
    assert written == tmp_path / "export.zip"
    assert written.read_bytes() == tiny_zip
    # another seed is another history
    assert fy.build_archive(runs=TINY, seed=6) != tiny_zip


def test_worker_processes_write_the_same_bytes() -> None:
    assert fy.build_archive(runs=3, workers=2) == fy.build_archive(runs=3)


def test_the_cache_is_reused_and_renewed_with_the_code(tmp_path: Path) -> None:
    path, reused = fy.cached_archive(tmp_path, runs=2)
    assert not reused and path.name == fy.archive_name(runs=2)
    assert path.read_bytes() == fy.build_archive(runs=2)
    assert fy.cached_archive(tmp_path, runs=2) == (path, True)
    # an archive of the same arguments made by other code is replaced, not reused
    stale = tmp_path / "five_years_2runs_seed5_1s_000000000000.zip"
    path.rename(stale)
    renewed, reused = fy.cached_archive(tmp_path, runs=2)
    assert (renewed, reused) == (path, False)
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_the_zip_is_laid_out_like_a_strava_export(tiny_zip: bytes) -> None:
    runs = fy.plan_runs(TINY)
    with zipfile.ZipFile(io.BytesIO(tiny_zip)) as archive:
        names = archive.namelist()
        text = archive.read("activities.csv").decode("utf-8")
        members = {name: archive.read(name) for name in names[1:]}
    assert names == ["activities.csv", *(run.file_name for run in runs)]
    assert all(n.startswith("activities/") and n.endswith((".fit.gz", ".fit")) for n in names[1:])
    kinds = Counter(".gz" if n.endswith(".gz") else ".fit" for n in names[1:])
    assert kinds[".gz"] > kinds[".fit"] > 0  # mostly gzip, some plain
    for name, data in members.items():
        if name.endswith(".gz"):
            assert data[:2] == b"\x1f\x8b"
        else:
            assert data[8:12] == b".FIT"

    header, *rows = text.splitlines()
    assert header == archives.STRAVA_HEADER
    columns = next(csv.reader([header]))
    assert len(columns) == 79
    table = list(csv.reader(rows))
    assert len(table) == TINY
    index = {name: columns.index(name) for name in ("Activity ID", "Filename", "Activity Type")}
    for run, row in zip(runs, table, strict=True):
        assert len(row) == 79
        assert row[index["Activity ID"]] == str(run.activity_id)
        assert (
            row[index["Filename"]]
            == run.file_name
            == f"activities/{run.activity_id}"
            + (".fit.gz" if run.file_name.endswith(".gz") else ".fit")
        )
        assert row[index["Activity Type"]] == "Run"
    ids = [run.activity_id for run in runs]
    assert ids == sorted(ids) and len(set(ids)) == TINY  # Strava ids grow with time


def test_activity_rows_agree_with_the_files(
    tiny_zip: bytes, decoded: dict[str, dict[str, list[dict[str, Any]]]]
) -> None:
    with zipfile.ZipFile(io.BytesIO(tiny_zip)) as archive:
        text = archive.read("activities.csv").decode("utf-8")
    header, *rows = list(csv.reader(io.StringIO(text)))
    where = {name: header.index(name) for name in ("Activity Date", "Filename")}
    elapsed = [i for i, name in enumerate(header) if name == "Elapsed Time"]
    metres = [i for i, name in enumerate(header) if name == "Distance"][1]
    for row in rows:
        messages = decoded[row[where["Filename"]]]
        session = messages["session"][0]
        start = session["start_time"].replace(tzinfo=UTC)
        # "Jan 5, 2021, 5:27:23 PM" in UTC
        stated = datetime.strptime(row[where["Activity Date"]], "%b %d, %Y, %I:%M:%S %p")
        assert stated.replace(tzinfo=UTC) == start
        assert int(row[elapsed[0]]) == int(row[elapsed[1]]) == session["total_elapsed_time"]
        assert float(row[metres]) == pytest.approx(session["total_distance"], abs=0.05)


def test_every_file_decodes_with_one_second_records(
    decoded: dict[str, dict[str, list[dict[str, Any]]]],
) -> None:
    runs = {run.file_name: run for run in fy.plan_runs(TINY)}
    assert set(decoded) == set(runs)
    for name, messages in decoded.items():
        run = runs[name]
        records = messages["record"]
        times = [r["timestamp"] for r in records]
        assert {b - a for a, b in itertools.pairwise(times)} == {timedelta(seconds=1)}, name
        session = messages["session"][0]
        assert session["sport"] == "running"
        assert session["total_distance"] == pytest.approx(run.distance_km * 1000, abs=0.01)
        assert 30 * 60 <= session["total_elapsed_time"] <= 150 * 60
        assert len(records) == session["total_elapsed_time"] + 1  # one a second, both ends
        assert records[0]["distance"] == 0.0
        assert records[-1]["distance"] == pytest.approx(run.distance_km * 1000, abs=0.01)
        # the file's local time is the plan's (Berlin in January: UTC+1)
        activity = messages["activity"][0]
        assert activity["local_timestamp"] - activity["timestamp"] == timedelta(hours=1)
        heart = [r["heart_rate"] for r in records if r.get("heart_rate") is not None]
        assert min(heart) >= 80 and max(heart) <= 190
        if run.sub_sport == "treadmill":
            assert all(r.get("position_lat") is None for r in records)
        else:
            degrees = [r["position_lat"] * 180 / 2**31 for r in records]
            assert all(52.3 < lat < 52.7 for lat in degrees)  # around home in Berlin


def test_weeks_read_back_from_the_files_add_up_to_the_plan(
    decoded: dict[str, dict[str, list[dict[str, Any]]]],
) -> None:
    weekly: Counter[date] = Counter()
    for messages in decoded.values():
        session = messages["session"][0]
        day = session["start_time"].replace(tzinfo=UTC).astimezone(BERLIN).date()
        weekly[day - timedelta(days=day.weekday())] += session["total_distance"] / 1000
    first, second = date(2021, 1, 4), date(2021, 1, 11)
    # base mesocycle: 45 km, then x1.06 = 47.7 km; the twelfth run opens the third week
    assert weekly[first] == pytest.approx(45.0, abs=1e-6)
    assert weekly[second] == pytest.approx(47.7, abs=1e-6)
    assert sorted(weekly) == [first, second, date(2021, 1, 18)]
    assert weekly[date(2021, 1, 18)] < 45 * 1.12


# ---- the plan over five years (no files) --------------------------------------------------------


def test_fewer_runs_are_the_start_of_the_same_history() -> None:
    assert fy.plan_runs(TINY) == fy.plan_runs(60)[:TINY]


def test_mesocycles_load_three_weeks_then_cut_back() -> None:
    runs = fy.plan_runs(60)
    weekly = fy.weekly_km(runs)
    mondays = [date(2021, 1, 4) + timedelta(weeks=i) for i in range(8)]
    # 45 x (1.00, 1.06, 1.12, 0.80), then 45 x 1.10 x (1.00, 1.06, 1.12, 0.80), to 0.1 km
    assert [weekly[m] for m in mondays] == [45.0, 47.7, 50.4, 36.0, 49.5, 52.5, 55.4, 39.6]
    weeks = list(itertools.islice(fy.training_weeks(), 5 * fy.WEEKS_PER_YEAR))
    for before, week in itertools.pairwise(weeks):
        if week.phase == fy.CUTBACK:
            assert week.volume_km <= 0.8 * before.volume_km + 0.05, week


def test_each_goal_race_comes_after_a_taper() -> None:
    weeks = list(itertools.islice(fy.training_weeks(), 5 * fy.WEEKS_PER_YEAR))
    races = [w for w in weeks if w.phase == fy.RACE]
    assert len(races) == 9  # two a year for five years, less the spring race of 2022
    assert [w for w in weeks if w.race and date(2022, 1, 1) <= w.monday < date(2022, 6, 1)] == []
    for race_week in races:
        taper, peak = weeks[race_week.index - 1], weeks[race_week.index - 2]
        assert taper.phase == fy.TAPER
        assert race_week.volume_km < taper.volume_km < peak.volume_km
        assert race_week.race is not None
    by_week = {w.index: w for w in weeks}
    plan = fy.plan_runs(1500)
    race_runs = [r for r in plan if r.kind == fy.RACE_RUN]
    for run in race_runs:
        week = by_week[run.week]
        assert week.race is not None
        assert run.start_local.weekday() == 6 and run.distance_km == week.race.distance_km
        assert run.place == week.race.place and run.title == week.race.name
    zones = {str(r.start_local.tzinfo) for r in race_runs}
    assert zones == {"Europe/Berlin", "Europe/Prague", "Europe/Lisbon", "Europe/London"}


def test_breaks_and_injuries_leave_weeks_without_running() -> None:
    weeks = list(itertools.islice(fy.training_weeks(), 5 * fy.WEEKS_PER_YEAR))
    plan = fy.plan_runs(1500)
    run_weeks = Counter(run.week for run in plan)
    empty = [w for w in weeks if w.volume_km == 0 and w.index <= plan[-1].week]
    assert {w.phase for w in empty} == {fy.BREAK, fy.INJURY}
    assert all(run_weeks[w.index] == 0 for w in empty)
    breaks = [w.monday for w in empty if w.phase == fy.BREAK]
    assert breaks == [
        date(2021, 11, 22),
        date(2021, 11, 29),
        date(2023, 11, 20),
        date(2023, 11, 27),
    ]
    # after a break or an injury the running comes back gently
    for week in empty:
        after = weeks[week.index + 1]
        if after.volume_km:
            assert after.phase in (fy.RETURN, fy.INJURY)
            assert after.volume_km <= 0.6 * fy.year_base_km(week.index // fy.WEEKS_PER_YEAR)


def test_five_years_hold_about_1500_runs_and_5_million_samples() -> None:
    plan = fy.plan_runs(fy.RUNS)
    assert len(plan) == 1500
    assert plan[0].start_local.date() == date(2021, 1, 5)
    assert date(2025, 10, 1) <= plan[-1].start_local.date() <= date(2025, 12, 31)
    assert all(30 * 60 <= run.planned_s <= 150 * 60 for run in plan)
    days = [run.start_local.date() for run in plan]
    assert len(set(days)) == len(days)  # one run a day at most
    one_second = [run for run in plan if not run.watch.smart_recording]
    assert len(one_second) >= 0.9 * len(plan)
    mean_smart_gap = sum(fy.SMART_GAPS_S) / len(fy.SMART_GAPS_S)
    samples = sum(
        run.planned_s / (mean_smart_gap if run.watch.smart_recording else 1.0) for run in plan
    )
    assert 4.5e6 < samples < 5.5e6
    kinds = Counter(run.kind for run in plan)
    assert set(kinds) == set(fy.KINDS)
    assert kinds[fy.EASY] > kinds[fy.LONG] > kinds[fy.TEMPO] > kinds[fy.RACE_RUN]


def test_recording_intervals_must_be_whole_seconds() -> None:
    with pytest.raises(ValueError, match="whole number of seconds"):
        fy.build_archive(runs=1, sample_s=0.5)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The frame's rows as dicts: what the row-by-row path of the FIT writer reads."""
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict(orient="records")]


# ---- one simulated run ----------------------------------------------------------------------------


def _first(plan: list[fy.ArchiveRun], wanted: Any) -> fy.ArchiveRun:
    return next(run for run in plan if wanted(run))


SPECIAL_RUNS = {
    "intervals": lambda r: r.kind == fy.INTERVALS,
    "treadmill": lambda r: r.sub_sport == "treadmill",
    "smart recording": lambda r: r.watch.smart_recording,
    "power": lambda r: r.watch.power,
    "no heart rate": lambda r: not r.heart_rate,
    "away race": lambda r: r.kind == fy.RACE_RUN and r.place != fy.HOME,
}


@pytest.mark.parametrize("which", SPECIAL_RUNS)
def test_simulated_samples_pass_the_schema_and_encode_column_wise_as_row_by_row(
    which: str,
) -> None:
    run = _first(fy.plan_runs(1500), SPECIAL_RUNS[which])
    recording = fy.simulate_run(run)
    frame = recording.samples
    tidy = build_samples(frame)  # raises SchemaError on anything implausible
    assert len(tidy) == len(frame)
    channels = {col for col in frame.columns if col != c.TIMESTAMP}
    assert (c.LATITUDE_DEG in channels) == (run.sub_sport != "treadmill")
    assert (c.HEART_RATE_BPM in channels) == run.heart_rate
    assert (c.POWER_W in channels) == run.watch.power
    gaps = set(np.diff(frame[c.TIMESTAMP].astype("int64")) // 10**9)
    assert gaps == ({1, 2, 3, 4, 5, 6} if run.watch.smart_recording else {1})
    assert fe._ColumnSamples.of(frame) is not None  # the fast path is the one under test
    fast = fy.to_fit(recording)
    slow = fe.encode_activity(
        _records(frame),
        utc_offset_s=run.utc_offset_s,
        start_utc=run.start_utc,
        sub_sport=run.sub_sport,
        lap_starts=recording.lap_starts,
        lap_trigger=recording.lap_trigger,
        product=run.watch.product,
        serial_number=run.watch.serial_number,
    )
    assert fast == slow


# ---- the FIT writer's column-wise path --------------------------------------------------------------


def _random_frame(seed: int) -> pd.DataFrame:
    """A frame of 1-40 samples with awkward values: NaN gaps, integer columns, halves that
    round to even, sub-second times in another zone, standing cadence."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 41))
    start = pd.Timestamp("2024-03-31 00:59:58.25", tz="Europe/Berlin")
    steps = np.cumsum(rng.integers(1, 4000, n)) * 1_000_000  # ms apart, as ns
    frame = pd.DataFrame({c.TIMESTAMP: start + pd.to_timedelta(steps, unit="ns")})

    def with_gaps(values: np.ndarray) -> np.ndarray:
        values = values.astype("float64")
        values[rng.random(n) < 0.2] = np.nan
        return values

    frame[c.LATITUDE_DEG] = with_gaps(rng.uniform(-89.9, 89.9, n))
    frame[c.LONGITUDE_DEG] = with_gaps(rng.uniform(-179.9, 179.9, n))
    frame[c.DISTANCE_M] = np.cumsum(rng.uniform(0, 5, n).round(3))
    frame[c.SPEED_MPS] = with_gaps(rng.uniform(0, 6, n))
    frame[c.ALTITUDE_M] = with_gaps(rng.choice([-0.1, 0.1, 0.3, 12.5, 100.0], n))
    frame[c.HEART_RATE_BPM] = rng.choice([120.5, 121.5, 150.0, np.nan], n)
    frame[c.CADENCE_SPM] = rng.choice([0, 171, 172, 255], n)  # integers
    frame[c.POWER_W] = with_gaps(rng.uniform(0, 500, n).round())
    return frame


@pytest.mark.parametrize("seed", range(40))
def test_column_wise_encoding_writes_the_row_by_row_bytes(seed: int) -> None:
    frame = _random_frame(seed)
    assert fe._ColumnSamples.of(frame) is not None
    laps = sorted({int(i) for i in np.random.default_rng(seed).integers(1, len(frame) + 1, 3)})
    laps = [i for i in laps if i < len(frame)]
    options: dict[str, Any] = {"utc_offset_s": 7200, "lap_starts": laps}
    assert fe.encode_activity(frame, **options) == fe.encode_activity(_records(frame), **options)


def test_column_wise_encoding_refuses_what_the_row_path_refuses() -> None:
    frame = _random_frame(3)
    frame.loc[0, c.HEART_RATE_BPM] = 300.0  # beyond a uint8
    with pytest.raises(ValueError, match="heart_rate"):
        fe.encode_activity(frame, utc_offset_s=0)
    with pytest.raises(ValueError, match="heart_rate"):
        fe.encode_activity(_records(frame), utc_offset_s=0)
    backwards = _random_frame(4).iloc[::-1].reset_index(drop=True)
    if len(backwards) > 1:
        with pytest.raises(ValueError, match="strictly increasing"):
            fe.encode_activity(backwards, utc_offset_s=0)


def test_frames_the_column_path_cannot_promise_go_row_by_row() -> None:
    frame = _random_frame(5)
    naive = frame.assign(**{c.TIMESTAMP: frame[c.TIMESTAMP].dt.tz_localize(None)})
    nullable = frame.assign(**{c.CADENCE_SPM: frame[c.CADENCE_SPM].astype("Int64")})
    assert fe._ColumnSamples.of(naive) is None
    assert fe._ColumnSamples.of(nullable) is None
    assert fe._ColumnSamples.of(_records(frame)) is None
    # the row path reads nullable integers as plain numbers
    assert fe.encode_activity(nullable, utc_offset_s=0) == fe.encode_activity(frame, utc_offset_s=0)


@pytest.mark.parametrize("size", [0, 1, 2, 127, 4095, 4096, 4097, 4223, 100_003])
def test_fit_crc_matches_the_sdk_nibble_algorithm(size: int) -> None:
    data = os.urandom(size)
    for start in (0, 0x1234):
        assert fe.fit_crc(data, start) == fe._nibble_crc(data, start)
    # the CRC of a file with its CRC appended is 0, the check every reader makes
    body = data + int.to_bytes(fe.fit_crc(data), 2, "little")
    assert fe.fit_crc(body) == 0
