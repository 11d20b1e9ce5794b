"""The TCX parser: real device files from the corpus, hand-built files, hostile XML."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import columns as c
from analysis.errors import ParseError
from analysis.parsers.base import ParsedActivity
from analysis.parsers.tcx import read_tcx
from analysis.schema import validate_samples
from tests.conftest import CORPUS, corpus_files, manifest_rows

TCX_FILES = corpus_files("tcx", ".tcx")
TCD = "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"
AX = "http://www.garmin.com/xmlschemas/ActivityExtension/v2"


# ---- helpers -------------------------------------------------------------------------------------
def point(
    time: str | None,
    *,
    lat: float | None = None,
    lon: float | None = None,
    dist: float | None = None,
    hr: int | None = None,
    cad: int | None = None,
    run_cad: int | None = None,
    speed: float | None = None,
    watts: int | None = None,
    p: str = "",
    x: str = "ns3:",
) -> str:
    """One <Trackpoint>; ``p`` is the TCX prefix, ``x`` the ActivityExtension prefix."""
    parts = [f"<{p}Time>{time}</{p}Time>"] if time else []
    if lat is not None and lon is not None:
        parts.append(
            f"<{p}Position><{p}LatitudeDegrees>{lat}</{p}LatitudeDegrees>"
            f"<{p}LongitudeDegrees>{lon}</{p}LongitudeDegrees></{p}Position>"
        )
    if dist is not None:
        parts.append(f"<{p}DistanceMeters>{dist}</{p}DistanceMeters>")
    if hr is not None:
        parts.append(f"<{p}HeartRateBpm><{p}Value>{hr}</{p}Value></{p}HeartRateBpm>")
    if cad is not None:
        parts.append(f"<{p}Cadence>{cad}</{p}Cadence>")
    tpx = ""
    if speed is not None:
        tpx += f"<{x}Speed>{speed}</{x}Speed>"
    if run_cad is not None:
        tpx += f"<{x}RunCadence>{run_cad}</{x}RunCadence>"
    if watts is not None:
        tpx += f"<{x}Watts>{watts}</{x}Watts>"
    if tpx:
        parts.append(f"<{p}Extensions><{x}TPX>{tpx}</{x}TPX></{p}Extensions>")
    return f"<{p}Trackpoint>{''.join(parts)}</{p}Trackpoint>"


def lap(start: str, total_s: float, dist_m: float, points: str, p: str = "") -> str:
    return (
        f'<{p}Lap StartTime="{start}"><{p}TotalTimeSeconds>{total_s}</{p}TotalTimeSeconds>'
        f"<{p}DistanceMeters>{dist_m}</{p}DistanceMeters><{p}Track>{points}</{p}Track></{p}Lap>"
    )


def tcx_doc(*activities: tuple[str, str], p: str = "", x: str = "ns3") -> bytes:
    """A TCX document; each activity is (Sport, laps XML)."""
    default = f'xmlns="{TCD}"' if not p else f'xmlns:{p.rstrip(":")}="{TCD}"'
    body = "".join(
        f'<{p}Activity Sport="{sport}"><{p}Id>2024-03-01T08:00:00Z</{p}Id>{laps}</{p}Activity>'
        for sport, laps in activities
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<{p}TrainingCenterDatabase {default} '
        f'xmlns:{x}="{AX}"><{p}Activities>{body}</{p}Activities></{p}TrainingCenterDatabase>'
    ).encode()


def weighted_median(values: pd.Series, weights: pd.Series) -> float:
    """Median where each value counts for its weight (its sample duration)."""
    ok = values.notna()
    order = np.argsort(values[ok].to_numpy())
    v = values[ok].to_numpy()[order]
    w = weights[ok].to_numpy()[order]
    return float(v[np.searchsorted(np.cumsum(w), w.sum() / 2)])


@functools.cache
def parsed(file_name: str) -> list[ParsedActivity] | ParseError:
    """Each corpus file is parsed once per session; a refusal is returned, not raised."""
    try:
        return read_tcx((CORPUS / "tcx" / file_name).read_bytes(), file_name)
    except ParseError as err:
        return err


def parsed_ok(file_name: str) -> list[ParsedActivity]:
    result = parsed(file_name)
    assert not isinstance(result, ParseError), result
    return result


HR_FILES = sorted(
    row["file"].split("/", 1)[1]
    for row in manifest_rows("MANIFEST.tsv")
    if row["file"].startswith("tcx/") and "has HR" in row.get("notes", "")
)


# ---- every real file -----------------------------------------------------------------------------
@pytest.mark.corpus
@pytest.mark.parametrize("path", TCX_FILES, ids=lambda p: p.name)
def test_every_corpus_tcx_parses_or_raises_parse_error(corpus_dir: Path, path: Path) -> None:
    result = parsed(path.name)
    if isinstance(result, ParseError):
        assert result.file == path.name
        assert result.reason
        return
    raw = path.read_bytes()
    assert len(result) == raw.count(b"<Activity ")
    for leg, activity in enumerate(result):
        validate_samples(activity.samples)
        assert len(activity.samples) >= 2
        assert activity.format == "tcx"
        assert activity.leg == leg
        assert activity.sport in {c.SPORT_RUNNING, c.SPORT_CYCLING, c.SPORT_OTHER}
        assert activity.start_time_utc == activity.samples[c.TIMESTAMP].iloc[0]
        assert activity.laps is not None
        assert list(activity.laps.columns) == [c.LAP_START, c.DURATION_S, c.DISTANCE_M]
        assert len(activity.laps) == raw.count(b"<Lap ")
        assert activity.distance_m is not None and activity.distance_m > 0


@pytest.mark.corpus
@pytest.mark.parametrize("file_name", HR_FILES)
def test_heart_rate_present_where_the_manifest_says_so(corpus_dir: Path, file_name: str) -> None:
    hr = parsed_ok(file_name)[0].samples[c.HEART_RATE_BPM]
    assert hr.notna().mean() > 0.9
    assert 60 <= hr.median() <= 200


@pytest.mark.corpus
def test_edge_cases_behave_as_documented(corpus_dir: Path) -> None:
    # tcxparser__no_hr.tcx: "TCX without HeartRateBpm"
    no_hr = parsed_ok("tcxparser__no_hr.tcx")[0]
    assert no_hr.sport == c.SPORT_RUNNING
    assert no_hr.samples[c.HEART_RATE_BPM].isna().all()
    # the same run with HR: identical track
    with_hr = parsed_ok("tcxparser__test.tcx")[0]
    pd.testing.assert_series_equal(
        no_hr.samples[c.DISTANCE_M], with_hr.samples[c.DISTANCE_M], check_names=False
    )
    # tcxparser__sup_activity_1.tcx: "vivoactive HR SUP activity (Sport=Other)", has HR
    sup = parsed_ok("tcxparser__sup_activity_1.tcx")[0]
    assert sup.sport == c.SPORT_OTHER
    assert sup.samples[c.HEART_RATE_BPM].notna().all()


@pytest.mark.corpus
def test_biking_files_are_cycling_without_step_cadence(corpus_dir: Path) -> None:
    for file_name in (
        "sportslib__tcx_6791039036.tcx",
        "sportslib__tcx_6823905801.tcx",
        "sportslib__tcx_6838497277.tcx",
    ):
        activity = parsed_ok(file_name)[0]
        assert activity.sport == c.SPORT_CYCLING
        assert activity.samples[c.CADENCE_SPM].isna().all()
    # the Edge 1000 file with a power meter: ns3:Watts on every trackpoint
    watts = parsed_ok("sportslib__tcx_6823905801.tcx")[0].samples[c.POWER_W]
    assert watts.notna().mean() > 0.9


@pytest.mark.corpus
def test_running_cadence_is_in_steps_per_minute(corpus_dir: Path) -> None:
    checked = 0
    for path in TCX_FILES:
        result = parsed(path.name)
        if isinstance(result, ParseError):
            continue
        for activity in result:
            samples = activity.samples
            cadence = samples[c.CADENCE_SPM]
            if activity.sport != c.SPORT_RUNNING or cadence.notna().sum() == 0:
                continue
            checked += 1
            weights = samples[c.SAMPLE_DURATION_S]
            # the Polar V800 run walks long stretches (about 120 steps/min): the whole file
            # stays above 100, an undoubled per-leg cadence (60 to 95) would not
            assert 100 <= weighted_median(cadence, weights) <= 210, path.name
            running = samples[c.SPEED_MPS] >= 2.0  # faster than any walk (7.2 km/h)
            assert 140 <= weighted_median(cadence[running], weights[running]) <= 210, path.name
    assert checked >= 5


@pytest.mark.corpus
def test_laps_that_miss_the_last_stretch_give_way_to_the_trackpoints(corpus_dir: Path) -> None:
    # Movescount: two laps of 997.02 m and 1002.02 m, trackpoints running on to 2919.0 m
    activity = parsed_ok("sportslib__tcx_movescount.tcx")[0]
    assert activity.laps is not None
    assert activity.laps[c.DISTANCE_M].tolist() == [997.02, 1002.02]
    assert activity.distance_m == 2919.0
    assert activity.moving_time_s is None
    assert any("laps cover 2.00 km of the 2.92 km" in fix for fix in activity.fixes)


# ---- hand-built files ----------------------------------------------------------------------------
def two_lap_run(p: str = "", x: str = "ns3:") -> bytes:
    first = point(
        "2024-03-01T08:00:00Z", lat=45.0, lon=6.0, dist=0.0, hr=120, run_cad=80, p=p, x=x
    ) + point("2024-03-01T08:05:00Z", lat=45.009, lon=6.0, dist=1000.0, hr=150, cad=81, p=p, x=x)
    second = point(
        "2024-03-01T08:05:00.5Z", lat=45.009, lon=6.0, dist=1000.0, hr=151, run_cad=84, p=p, x=x
    ) + point("2024-03-01T08:10:10Z", lat=45.018, lon=6.0, dist=2002.5, hr=160, speed=3.3, p=p, x=x)
    laps = lap("2024-03-01T08:00:00Z", 300.0, 1000.0, first, p) + lap(
        "2024-03-01T08:05:00Z", 310.5, 1002.5, second, p
    )
    return tcx_doc(("Running", laps), p=p, x=x.rstrip(":"))


def test_laps_distance_and_moving_time_by_hand() -> None:
    activity = read_tcx(two_lap_run(), "laps.tcx")[0]
    assert activity.sport == c.SPORT_RUNNING
    assert activity.distance_m == 1000.0 + 1002.5
    assert activity.moving_time_s == 300.0 + 310.5
    assert activity.laps is not None
    expected = pd.DataFrame(
        {
            c.LAP_START: pd.to_datetime(["2024-03-01T08:00:00Z", "2024-03-01T08:05:00Z"]),
            c.DURATION_S: [300.0, 310.5],
            c.DISTANCE_M: [1000.0, 1002.5],
        }
    )
    pd.testing.assert_frame_equal(activity.laps, expected, check_dtype=False)
    samples = activity.samples
    assert samples[c.DISTANCE_M].tolist() == [0.0, 1000.0, 1000.0, 2002.5]
    assert samples[c.HEART_RATE_BPM].tolist() == [120.0, 150.0, 151.0, 160.0]
    # RunCadence or Cadence, one leg: doubled to steps of both feet
    assert samples[c.CADENCE_SPM].iloc[:3].tolist() == [160.0, 162.0, 168.0]
    assert np.isnan(samples[c.CADENCE_SPM].iloc[3])
    assert samples[c.SPEED_MPS].iloc[3] == 3.3
    assert samples[c.ELAPSED_S].tolist() == [0.0, 300.0, 300.5, 610.0]


def test_any_namespace_prefix_reads_the_same() -> None:
    default = read_tcx(two_lap_run(), "default.tcx")[0]
    prefixed = read_tcx(two_lap_run(p="tcd:", x="ax:"), "prefixed.tcx")[0]
    pd.testing.assert_frame_equal(prefixed.samples, default.samples)
    assert prefixed.laps is not None and default.laps is not None
    pd.testing.assert_frame_equal(prefixed.laps, default.laps)
    assert prefixed.distance_m == default.distance_m


def test_run_cadence_wins_over_cadence_and_other_sports() -> None:
    both = point("2024-03-01T08:00:00Z", cad=70, run_cad=85) + point(
        "2024-03-01T08:00:10Z", cad=70, run_cad=86
    )
    laps = lap("2024-03-01T08:00:00Z", 10.0, 30.0, both)
    run = read_tcx(tcx_doc(("Running", laps)), "run.tcx")[0]
    assert run.samples[c.CADENCE_SPM].tolist() == [170.0, 172.0]
    # RunCadence is a running cadence whatever the Sport attribute says
    run_cad_only = point("2024-03-01T08:00:00Z", run_cad=85) + point(
        "2024-03-01T08:00:10Z", run_cad=86
    )
    other = read_tcx(tcx_doc(("Other", lap("2024-03-01T08:00:00Z", 10, 30, run_cad_only))), "o")
    assert other[0].sport == c.SPORT_OTHER
    assert other[0].samples[c.CADENCE_SPM].tolist() == [170.0, 172.0]
    # a bare Cadence of an Other activity may be pedal strokes: not kept
    cad_only = point("2024-03-01T08:00:00Z", cad=85) + point("2024-03-01T08:00:10Z", cad=86)
    unknown = read_tcx(tcx_doc(("Other", lap("2024-03-01T08:00:00Z", 10, 30, cad_only))), "u")
    assert unknown[0].samples[c.CADENCE_SPM].isna().all()
    bike = read_tcx(tcx_doc(("Biking", lap("2024-03-01T08:00:00Z", 10, 30, cad_only))), "b")
    assert bike[0].sport == c.SPORT_CYCLING
    assert bike[0].samples[c.CADENCE_SPM].isna().all()


def test_one_activity_per_activity_element_and_unusable_ones_skipped() -> None:
    pts = point("2024-03-01T08:00:00Z", dist=0.0) + point("2024-03-01T08:01:00Z", dist=200.0)
    later = point("2024-03-01T09:00:00Z", dist=0.0) + point("2024-03-01T09:01:00Z", dist=400.0)
    doc = tcx_doc(
        ("Running", lap("2024-03-01T08:00:00Z", 60, 200, pts)),
        ("Biking", lap("2024-03-01T09:00:00Z", 60, 400, later)),
    )
    first, second = read_tcx(doc, "two.tcx")
    assert (first.leg, first.sport, first.distance_m) == (0, c.SPORT_RUNNING, 200.0)
    assert (second.leg, second.sport, second.distance_m) == (1, c.SPORT_CYCLING, 400.0)
    untimed = point(None, dist=0.0) + point(None, dist=10.0)
    doc = tcx_doc(
        ("Running", lap("2024-03-01T07:00:00Z", 60, 10, untimed)),
        ("Running", lap("2024-03-01T08:00:00Z", 60, 200, pts)),
    )
    (only,) = read_tcx(doc, "one-good.tcx")
    assert only.leg == 1
    assert any("skipped activity 1 of 2: no timestamps in TCX" in f for f in only.fixes)


def test_no_times_and_no_activities_are_refused() -> None:
    untimed = point(None, dist=0.0) + point(None, dist=10.0)
    with pytest.raises(ParseError, match="no timestamps in TCX"):
        read_tcx(tcx_doc(("Running", lap("2024-03-01T08:00:00Z", 60, 10, untimed))), "n.tcx")
    with pytest.raises(ParseError, match="no timestamps in TCX"):
        read_tcx(tcx_doc(("Running", lap("2024-03-01T08:00:00Z", 60, 10, ""))), "e.tcx")
    course = (
        f'<TrainingCenterDatabase xmlns="{TCD}"><Courses><Course><Name>Loop</Name>'
        "<Track><Trackpoint><Time>2024-03-01T08:00:00Z</Time></Trackpoint></Track>"
        "</Course></Courses></TrainingCenterDatabase>"
    ).encode()
    with pytest.raises(ParseError, match="no activities"):
        read_tcx(course, "course.tcx")


def test_trackpoints_without_time_are_dropped_and_offsets_kept() -> None:
    pts = (
        point("2024-03-01T10:00:00+02:00", dist=0.0)
        + point(None, dist=5.0)
        + point("2024-03-01T10:00:10+02:00", dist=30.0)
        + point("2024-03-01T10:00:20+02:00", dist=60.0)
    )
    activity = read_tcx(tcx_doc(("Running", lap("2024-03-01T08:00:00Z", 20, 60, pts))), "t")[0]
    assert activity.samples[c.DISTANCE_M].tolist() == [0.0, 30.0, 60.0]
    assert activity.start_time_utc == pd.Timestamp("2024-03-01T08:00:00Z")
    assert activity.utc_offset_s == 7200
    assert any("dropped 1 points without a time" in fix for fix in activity.fixes)


def test_distance_restarting_at_each_lap_is_recomputed_from_positions() -> None:
    first = point("2024-03-01T08:00:00Z", lat=45.0, lon=6.0, dist=0.0) + point(
        "2024-03-01T08:01:00Z", lat=45.001, lon=6.0, dist=111.0
    )
    second = point("2024-03-01T08:02:00Z", lat=45.002, lon=6.0, dist=0.0) + point(
        "2024-03-01T08:03:00Z", lat=45.003, lon=6.0, dist=111.0
    )
    laps = lap("2024-03-01T08:00:00Z", 60, 111, first) + lap(
        "2024-03-01T08:02:00Z", 60, 111, second
    )
    activity = read_tcx(tcx_doc(("Running", laps)), "reset.tcx")[0]
    # three steps of 0.001 deg along a meridian: 3 x 111.195 m, never the restarted 111 m
    assert activity.samples[c.DISTANCE_M].iloc[-1] == pytest.approx(3 * 111.1951, abs=1e-3)
    assert any("goes backwards" in fix for fix in activity.fixes)


# ---- broken and hostile input --------------------------------------------------------------------
@pytest.mark.timeout(10)
def test_billion_laughs_and_external_entities_are_refused(tmp_path: Path) -> None:
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    )
    bomb = (
        f'<?xml version="1.0"?><!DOCTYPE TrainingCenterDatabase [{entities}]>'
        f'<TrainingCenterDatabase xmlns="{TCD}"><Activities><Activity Sport="Running">'
        "<Id>&lol9;</Id></Activity></Activities></TrainingCenterDatabase>"
    )
    with pytest.raises(ParseError, match="entities"):
        read_tcx(bomb.encode(), "bomb.tcx")
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    xxe = (
        f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'
        f'<TrainingCenterDatabase xmlns="{TCD}"><Activities><Activity Sport="&xxe;">'
        "</Activity></Activities></TrainingCenterDatabase>"
    )
    with pytest.raises(ParseError) as caught:
        read_tcx(xxe.encode(), "xxe.tcx")
    assert "TOP-SECRET-CONTENT" not in str(caught.value)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty TCX file"),
        (two_lap_run().replace(b"Running", "Løb".encode("latin-1")), "not valid UTF-8"),
        (two_lap_run()[:-200], "truncated"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "malformed XML in TCX"),
        (b'<gpx version="1.1"></gpx>', "not a TCX file"),
    ],
    ids=["empty", "latin1", "truncated", "binary", "gpx"],
)
def test_broken_files_raise_parse_error(data: bytes, words: str) -> None:
    with pytest.raises(ParseError, match=words) as caught:
        read_tcx(data, "broken.tcx")
    assert caught.value.file == "broken.tcx"


TOKENS = [b"-", b"1e400", b"nan", b"<", b">", b"&", b"\xff", b"99999999", b"+99:00", b"\x00", b'"']


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(0.0, 1.0), st.sampled_from(TOKENS), st.integers(0, 6)),
        min_size=1,
        max_size=4,
    )
)
def test_mutated_files_only_ever_raise_parse_error(edits: list[tuple[float, bytes, int]]) -> None:
    data = bytearray(two_lap_run())
    for where, token, cut in edits:
        at = int(where * (len(data) - 1))
        data[at : at + cut] = token  # replace a few bytes (or none) with a hostile token
    try:
        result = read_tcx(bytes(data), "mutated.tcx")
    except ParseError:
        return
    for activity in result:
        validate_samples(activity.samples)


# ---- times outside the years nanosecond time stamps hold ------------------------------------------


def test_a_trackpoint_dated_beyond_the_supported_years_is_skipped_and_said() -> None:
    from sample_data.regressions import iso_time, seed_tcx

    (activity,) = read_tcx(seed_tcx([iso_time(0), iso_time(1, year=1600), iso_time(2)]), "t.tcx")
    assert list(activity.samples[c.TIMESTAMP]) == [pd.Timestamp(iso_time(s)) for s in (0, 2)]
    assert activity.samples[c.HEART_RATE_BPM].tolist() == [140, 142]
    assert activity.fixes == [
        "skipped 1 point dated outside the supported range (1678–2261) (e.g. 1600-05-01)"
    ]


def test_a_tcx_dated_only_beyond_the_supported_years_is_refused_naming_the_date() -> None:
    from sample_data.regressions import iso_time, seed_tcx

    data = seed_tcx([iso_time(0, year=2999), iso_time(1, year=2999)])
    with pytest.raises(ParseError) as caught:
        read_tcx(data, "far.tcx")
    assert caught.value.reason == "date 2999-05-01 outside the supported range (1678–2261)"


def test_a_lap_start_beyond_the_supported_years_is_no_start() -> None:
    from sample_data.regressions import iso_time, seed_tcx

    times = [iso_time(s) for s in range(3)]
    data = seed_tcx(times).replace(
        f'StartTime="{times[0]}"'.encode(), b'StartTime="2999-01-01T00:00:00Z"'
    )
    (activity,) = read_tcx(data, "lap.tcx")
    assert activity.laps is not None
    assert activity.laps[c.LAP_START].isna().all()
    assert len(activity.samples) == 3
