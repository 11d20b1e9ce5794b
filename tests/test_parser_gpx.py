"""The GPX parser: real device files from the corpus, hand-built files, hostile XML."""

from __future__ import annotations

import functools
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from analysis import columns as c
from analysis.errors import ParseError
from analysis.parsers.base import ParsedActivity
from analysis.parsers.gpx import read_gpx, sport_from_type
from analysis.schema import validate_samples
from tests.conftest import CORPUS, corpus_files, manifest_rows

GPX_FILES = corpus_files("gpx", ".gpx")
SPORTS = {c.SPORT_RUNNING, c.SPORT_CYCLING, c.SPORT_WALKING, c.SPORT_SWIMMING}
SPORTS |= {c.SPORT_HIKING, c.SPORT_OTHER}
EARTH_RADIUS_M = 6_371_008.8  # the IUGG mean radius analysis.schema uses

TPX = "http://www.garmin.com/xmlschemas/TrackPointExtension/v1"
GPXDATA_DECLARATION = b' xmlns:gpxdata="http://www.cluetrust.com/XML/GPXDATA/1/0"'


# ---- helpers -------------------------------------------------------------------------------------
def gpx_doc(points: str, trk_type: str | None = "running", extra_ns: str = "") -> bytes:
    """A GPX 1.1 document with one track holding ``points`` (trkseg elements or trkpts)."""
    type_el = f"<type>{trk_type}</type>" if trk_type is not None else ""
    body = points if points.lstrip().startswith("<trkseg") else f"<trkseg>{points}</trkseg>"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1" '
        f'xmlns:gpxtpx="{TPX}"{extra_ns}>'
        f"<trk><name>Hand built</name>{type_el}{body}</trk></gpx>"
    ).encode()


def trkpt(lat: float, lon: float, time: str | None, ext: str = "") -> str:
    time_el = f"<time>{time}</time>" if time else ""
    ext_el = f"<extensions>{ext}</extensions>" if ext else ""
    return f'<trkpt lat="{lat}" lon="{lon}"><ele>100</ele>{time_el}{ext_el}</trkpt>'


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
    path = CORPUS / "gpx" / file_name
    try:
        return read_gpx(path.read_bytes(), file_name)
    except ParseError as err:
        return err


HR_FILES = sorted(
    row["file"].split("/", 1)[1]
    for row in manifest_rows("MANIFEST.tsv")
    if row["file"].startswith("gpx/") and "has HR" in row.get("notes", "")
)


# ---- every real file -----------------------------------------------------------------------------
@pytest.mark.corpus
@pytest.mark.parametrize("path", GPX_FILES, ids=lambda p: p.name)
def test_every_corpus_gpx_parses_or_raises_parse_error(corpus_dir: Path, path: Path) -> None:
    result = parsed(path.name)
    if isinstance(result, ParseError):
        assert result.file == path.name
        assert result.reason
        return
    assert len(result) == 1
    activity = result[0]
    validate_samples(activity.samples)
    assert len(activity.samples) >= 2
    assert activity.format == "gpx"
    assert activity.sport in SPORTS
    assert activity.start_time_utc == activity.samples[c.TIMESTAMP].iloc[0]
    assert str(activity.start_time_utc.tz) == "UTC"
    assert activity.samples[c.DISTANCE_M].notna().all()


# the expected outcome of every GPX edge case of MANIFEST_EDGE_CASES.tsv: a sample count, or the
# words the refusal must contain
GPX_EDGE_CASES: dict[str, int | str] = {
    "gpxpy__cerknicko-jezero-no-creator.gpx": 296,
    "gpxpy__cerknicko-jezero-with-elevations-zero.gpx": 296,
    "gpxpy__cerknicko-jezero-without-elevations.gpx": 295,  # one point has no <time>
    "gpxpy__cerknicko-without-times.gpx": "no timestamps in GPX",
    "gpxpy__custom_schema_locations.gpx": "no track points",
    "gpxpy__default_schema_locations.gpx": "no track points",
    "gpxpy__first_and_last_elevation.gpx": 10,
    "gpxpy__gpx-with-node-with-comments.gpx": "only one point has a time",
    "gpxpy__gpx1.0_with_all_fields.gpx": "only one point has a time",
    "gpxpy__gpx1.1_with_all_fields.gpx": "only one point has a time",
    "gpxpy__gpx1.1_with_extensions.gpx": "only waypoints",
    "gpxpy__gpx1.1_with_extensions_without_namespaces.gpx": "only waypoints",
    "gpxpy__gpx_with_garmin_extension.gpx": "only waypoints",  # its HR sits on a waypoint
    "gpxpy__route.gpx": "planned route",
    "gpxpy__track-with-empty-segment.gpx": 9,
    "gpxpy__track-with-extremes.gpx": "no timestamps in GPX",
    "gpxpy__track-with-less-sec-time.gpx": 2,
    "gpxpy__track-with-small-floats.gpx": "no timestamps in GPX",
    "gpxpy__track_with_dilution_errors.gpx": "no timestamps in GPX",
    "gpxpy__track_with_speed.gpx": 3,
    "gpxpy__unicode.gpx": "only waypoints",
    "gpxpy__unicode2.gpx": "no track points",
    "gpxpy__unicode_with_bom.gpx": "only waypoints",
    "gpxpy__unicode_with_bom_noencoding.gpx": "only waypoints",
}


@pytest.mark.corpus
def test_every_gpx_edge_case_of_the_manifest_has_an_expectation(corpus_dir: Path) -> None:
    listed = {
        row["file"].split("/", 1)[1]
        for row in manifest_rows("MANIFEST_EDGE_CASES.tsv")
        if row["file"].startswith("gpx/")
    }
    assert listed == set(GPX_EDGE_CASES)


@pytest.mark.corpus
@pytest.mark.parametrize("file_name", sorted(GPX_EDGE_CASES))
def test_gpx_edge_case_behaves_as_documented(corpus_dir: Path, file_name: str) -> None:
    expected = GPX_EDGE_CASES[file_name]
    result = parsed(file_name)
    if isinstance(expected, str):
        assert isinstance(result, ParseError)
        assert expected in result.reason
        # BOM files and the others are refused for what they hold, never as broken XML
        assert "malformed" not in result.reason
    else:
        assert not isinstance(result, ParseError), result
        assert len(result[0].samples) == expected


@pytest.mark.corpus
def test_edge_case_details(corpus_dir: Path) -> None:
    no_ele = parsed("gpxpy__cerknicko-jezero-without-elevations.gpx")
    zero_ele = parsed("gpxpy__cerknicko-jezero-with-elevations-zero.gpx")
    nike = parsed("gpxpy__track-with-less-sec-time.gpx")
    speed = parsed("gpxpy__track_with_speed.gpx")
    assert not isinstance(no_ele, ParseError)
    assert not isinstance(zero_ele, ParseError)
    assert not isinstance(nike, ParseError)
    assert not isinstance(speed, ParseError)
    assert no_ele[0].samples[c.ALTITUDE_M].isna().all()
    assert (zero_ele[0].samples[c.ALTITUDE_M] == 0.0).all()
    # NikePlus writes local time with its offset: 15:43:13.000+01:00 and 15:43:13.994+01:00
    run = nike[0]
    assert run.sport == c.SPORT_RUNNING  # <type>run</type>
    assert run.utc_offset_s == 3600
    assert run.start_time_utc == pd.Timestamp("2015-12-11T14:43:13Z")
    assert run.samples[c.ELAPSED_S].tolist() == pytest.approx([0.0, 0.994])
    # GPX 1.0 <speed> is metres per second
    assert speed[0].samples[c.SPEED_MPS].tolist() == pytest.approx([1.2, 2.2, 3.2])


@pytest.mark.corpus
def test_untimed_saved_track_is_ignored_and_timed_log_kept(corpus_dir: Path) -> None:
    # korita-zbevnica: a saved copy of the route without times (358 points) and the timed log
    result = parsed("gpxpy__korita-zbevnica.gpx")
    assert not isinstance(result, ParseError)
    assert len(result[0].samples) == 176 + 337
    assert any("358 points in track segments without any time" in f for f in result[0].fixes)


@pytest.mark.corpus
@pytest.mark.parametrize("file_name", HR_FILES)
def test_heart_rate_present_where_the_manifest_says_so(corpus_dir: Path, file_name: str) -> None:
    result = parsed(file_name)
    if file_name == "gpxpy__gpx_with_garmin_extension.gpx":
        # the HR is on a waypoint: there is no recording to carry it
        assert isinstance(result, ParseError)
        return
    assert not isinstance(result, ParseError), result
    hr = result[0].samples[c.HEART_RATE_BPM]
    assert hr.notna().mean() > 0.9
    assert 60 <= hr.median() <= 200


@pytest.mark.corpus
def test_running_cadence_is_in_steps_per_minute(corpus_dir: Path) -> None:
    checked = 0
    for path in GPX_FILES:
        result = parsed(path.name)
        if isinstance(result, ParseError) or result[0].sport != c.SPORT_RUNNING:
            continue
        samples = result[0].samples
        cadence = samples[c.CADENCE_SPM]
        if cadence.notna().sum() == 0:
            continue
        checked += 1
        weights = samples[c.SAMPLE_DURATION_S]
        # hilly runs walk the climbs (about 120 steps/min): the whole file stays above 100,
        # an undoubled per-leg cadence (60 to 95) would not
        assert 100 <= weighted_median(cadence, weights) <= 210, path.name
        running = samples[c.SPEED_MPS] >= 2.0  # faster than any walk (7.2 km/h)
        assert 140 <= weighted_median(cadence[running], weights[running]) <= 210, path.name
    assert checked >= 4


@pytest.mark.corpus
def test_cycling_files_keep_power_but_no_step_cadence(corpus_dir: Path) -> None:
    # Strava writes numeric types: 1 (Ride) and 17 (VirtualRide, this Zwift session)
    for file_name in ("sportslib__gpx_7555261629.gpx", "sportslib__gpx_6909869014.gpx"):
        result = parsed(file_name)
        assert not isinstance(result, ParseError)
        assert result[0].sport == c.SPORT_CYCLING
        assert result[0].samples[c.CADENCE_SPM].isna().all()
        assert result[0].samples[c.POWER_W].notna().mean() > 0.9


@pytest.mark.corpus
@pytest.mark.parametrize(
    "file_name", ["sportslib__gpx_6090674952.gpx", "sportslib__gpx_movescount.gpx"]
)
def test_undeclared_gpxdata_prefix_is_salvaged_with_every_point(
    corpus_dir: Path, file_name: str
) -> None:
    # the Strava/Movescount exports that use gpxdata: without declaring it: rebuilt from the
    # declared copies in the corpus by removing the declaration
    original = (corpus_dir / "gpx" / file_name).read_bytes()
    assert original.count(GPXDATA_DECLARATION) == 1
    broken = original.replace(GPXDATA_DECLARATION, b"")
    with pytest.raises(etree.XMLSyntaxError, match="gpxdata"):
        etree.fromstring(broken)
    good = read_gpx(original, file_name)[0]
    salvaged = read_gpx(broken, file_name)[0]
    pd.testing.assert_frame_equal(salvaged.samples, good.samples)
    assert any("gpxdata" in fix for fix in salvaged.fixes)
    assert not any("gpxdata" in fix for fix in good.fixes)


# ---- hand-built files ----------------------------------------------------------------------------
def test_tiny_track_distance_by_hand() -> None:
    # north along the meridian 20 E by 0.001 deg, then east along the parallel 10.001 N
    points = (
        trkpt(10.0, 20.0, "2024-03-01T08:00:00Z")
        + trkpt(10.001, 20.0, "2024-03-01T08:00:30Z")
        + trkpt(10.001, 20.001, "2024-03-01T08:01:00Z")
    )
    activity = read_gpx(gpx_doc(points), "tiny.gpx")[0]
    north = EARTH_RADIUS_M * math.radians(0.001)  # an arc of the meridian
    # haversine with no change of latitude: 2 R asin(cos(lat) sin(dlon / 2))
    east = (
        2
        * EARTH_RADIUS_M
        * math.asin(math.cos(math.radians(10.001)) * math.sin(math.radians(0.0005)))
    )
    assert north == pytest.approx(111.1951, abs=1e-3)
    assert east == pytest.approx(109.5063, abs=1e-3)
    distance = activity.samples[c.DISTANCE_M].tolist()
    assert distance == pytest.approx([0.0, north, north + east], rel=1e-9)
    assert activity.samples[c.SPEED_MPS].iloc[1] == pytest.approx(north / 30.0, rel=1e-9)
    assert activity.name == "Hand built"
    assert activity.sport == c.SPORT_RUNNING
    assert activity.fixes == []


def test_extensions_by_local_name_with_any_prefix() -> None:
    # Garmin v1 under gpxtpx:, v2 under an unusual prefix, Cluetrust gpxdata, plain tags
    ns = (
        ' xmlns:tpx2="http://www.garmin.com/xmlschemas/TrackPointExtension/v2"'
        ' xmlns:gpxdata="http://www.cluetrust.com/XML/GPXDATA/1/0"'
    )
    points = (
        trkpt(
            45.0,
            6.0,
            "2024-03-01T08:00:00Z",
            "<gpxtpx:TrackPointExtension><gpxtpx:hr>140</gpxtpx:hr>"
            "<gpxtpx:cad>80</gpxtpx:cad></gpxtpx:TrackPointExtension><power>250</power>",
        )
        + trkpt(
            45.0001,
            6.0,
            "2024-03-01T08:00:01Z",
            "<tpx2:TrackPointExtension><tpx2:hr>141</tpx2:hr><tpx2:cad>81</tpx2:cad>"
            "<tpx2:speed>3.5</tpx2:speed></tpx2:TrackPointExtension><watts>251</watts>",
        )
        + trkpt(
            45.0002,
            6.0,
            "2024-03-01T08:00:02Z",
            "<gpxdata:hr>142</gpxdata:hr><gpxdata:cadence>82</gpxdata:cadence>",
        )
        + trkpt(45.0003, 6.0, "2024-03-01T08:00:03Z", "<hr>143</hr><cadence>83</cadence>")
    )
    samples = read_gpx(gpx_doc(points, extra_ns=ns), "ext.gpx")[0].samples
    assert samples[c.HEART_RATE_BPM].tolist() == [140.0, 141.0, 142.0, 143.0]
    # running: one leg's strides doubled to steps of both feet
    assert samples[c.CADENCE_SPM].tolist() == [160.0, 162.0, 164.0, 166.0]
    assert samples[c.POWER_W].tolist()[:2] == [250.0, 251.0]
    assert samples[c.POWER_W].iloc[2:].isna().all()
    assert samples[c.SPEED_MPS].iloc[1] == 3.5


def test_segments_and_tracks_concatenate_into_one_activity() -> None:
    seg1 = "<trkseg>" + trkpt(45.0, 6.0, "2024-03-01T08:00:00Z") + "</trkseg><trkseg></trkseg>"
    seg2 = "<trkseg>" + trkpt(45.001, 6.0, "2024-03-01T08:00:10Z") + "</trkseg>"
    seg3 = trkpt(45.002, 6.0, "2024-03-01T08:00:20Z")
    doc = gpx_doc(seg1 + seg2).replace(
        b"</trk></gpx>", f"</trk><trk><trkseg>{seg3}</trkseg></trk></gpx>".encode()
    )
    result = read_gpx(doc, "multi.gpx")
    assert len(result) == 1
    assert result[0].samples[c.LATITUDE_DEG].tolist() == [45.0, 45.001, 45.002]


def test_sport_types() -> None:
    assert sport_from_type("running") == c.SPORT_RUNNING
    assert sport_from_type("Run") == c.SPORT_RUNNING
    assert sport_from_type("trail_running") == c.SPORT_RUNNING
    assert sport_from_type("9") == c.SPORT_RUNNING  # Strava: Run
    assert sport_from_type("1") == c.SPORT_CYCLING  # Strava: Ride
    assert sport_from_type("17") == c.SPORT_CYCLING  # Strava: VirtualRide
    assert sport_from_type("road_biking") == c.SPORT_CYCLING
    assert sport_from_type("walking") == c.SPORT_WALKING
    assert sport_from_type("hiking") == c.SPORT_HIKING
    assert sport_from_type("jkljkl") == c.SPORT_OTHER
    assert sport_from_type("  ") is None
    assert sport_from_type(None) is None


def test_missing_type_is_taken_as_running_with_a_note() -> None:
    points = trkpt(45.0, 6.0, "2024-03-01T08:00:00Z") + trkpt(45.001, 6.0, "2024-03-01T08:00:10Z")
    activity = read_gpx(gpx_doc(points, trk_type=None), "notype.gpx")[0]
    assert activity.sport == c.SPORT_RUNNING
    assert any("taken as running" in fix for fix in activity.fixes)


def test_cycling_drops_cadence_and_steps_already_counted_are_kept() -> None:
    def cad(value: int) -> str:
        return f"<gpxtpx:TrackPointExtension><gpxtpx:cad>{value}</gpxtpx:cad></gpxtpx:TrackPointExtension>"

    points = trkpt(45.0, 6.0, "2024-03-01T08:00:00Z", cad(170)) + trkpt(
        45.001, 6.0, "2024-03-01T08:00:10Z", cad(172)
    )
    ride = read_gpx(gpx_doc(points, trk_type="1"), "ride.gpx")[0]
    assert ride.sport == c.SPORT_CYCLING
    assert ride.samples[c.CADENCE_SPM].isna().all()
    run = read_gpx(gpx_doc(points), "run.gpx")[0]
    # 170 cannot be one leg's running cadence: the file already counts both feet
    assert run.samples[c.CADENCE_SPM].tolist() == [170.0, 172.0]
    assert any("already counts steps" in fix for fix in run.fixes)


def test_points_without_time_are_dropped_and_a_mostly_untimed_track_refused() -> None:
    some = (
        trkpt(45.0, 6.0, "2024-03-01T08:00:00Z")
        + trkpt(45.001, 6.0, None)
        + trkpt(45.002, 6.0, "2024-03-01T08:00:20Z")
    )
    activity = read_gpx(gpx_doc(some), "some.gpx")[0]
    assert len(activity.samples) == 2
    assert any("dropped 1 points without a time" in fix for fix in activity.fixes)
    mostly = trkpt(45.0, 6.0, "2024-03-01T08:00:00Z") + trkpt(45.001, 6.0, None) * 2
    mostly += trkpt(45.002, 6.0, "2024-03-01T08:00:20Z")
    mostly += trkpt(45.003, 6.0, None)
    with pytest.raises(ParseError, match="no timestamps in GPX: only 2 of 5 points"):
        read_gpx(gpx_doc(mostly), "mostly.gpx")
    none = trkpt(45.0, 6.0, None) + trkpt(45.001, 6.0, None)
    with pytest.raises(ParseError, match="no timestamps in GPX"):
        read_gpx(gpx_doc(none), "none.gpx")


def test_placeholder_times_before_1980_count_as_missing() -> None:
    # GPSBabel writes 1901-12-13T20:45:52Z (the most negative 32-bit Unix time) for "no time"
    points = trkpt(45.0, 6.0, "1901-12-13T20:45:52Z") + trkpt(45.001, 6.0, "1901-12-13T20:45:52Z")
    with pytest.raises(ParseError, match="no timestamps in GPX"):
        read_gpx(gpx_doc(points), "placeholder.gpx")


def test_route_and_empty_files_are_refused_with_reasons() -> None:
    route = (
        b'<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><rte>'
        b'<rtept lat="45.0" lon="6.0"/><rtept lat="45.1" lon="6.0"/></rte></gpx>'
    )
    with pytest.raises(ParseError, match="planned route"):
        read_gpx(route, "route.gpx")
    with pytest.raises(ParseError, match="GPX file has no track points"):
        read_gpx(gpx_doc(""), "empty-track.gpx")
    with pytest.raises(ParseError, match="empty GPX file"):
        read_gpx(b"", "empty.gpx")


def test_bom_file_with_a_track_parses() -> None:
    points = trkpt(45.0, 6.0, "2024-03-01T08:00:00Z") + trkpt(45.001, 6.0, "2024-03-01T08:00:10Z")
    assert len(read_gpx(b"\xef\xbb\xbf" + gpx_doc(points), "bom.gpx")[0].samples) == 2
    utf16 = gpx_doc(points).decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    assert len(read_gpx(utf16.encode("utf-16"), "utf16.gpx")[0].samples) == 2


def test_undeclared_prefix_in_a_hand_built_file_is_salvaged() -> None:
    points = trkpt(45.0, 6.0, "2024-03-01T08:00:00Z", "<gpxdata:hr>150</gpxdata:hr>") + trkpt(
        45.001, 6.0, "2024-03-01T08:00:10Z", "<gpxdata:hr>151</gpxdata:hr>"
    )
    activity = read_gpx(gpx_doc(points), "undeclared.gpx")[0]
    assert activity.samples[c.HEART_RATE_BPM].tolist() == [150.0, 151.0]
    assert any("gpxdata" in fix for fix in activity.fixes)


# ---- broken and hostile input --------------------------------------------------------------------
def billion_laughs(levels: int = 10) -> str:
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels)
    )
    return (
        f'<?xml version="1.0"?><!DOCTYPE gpx [{entities}]>'
        f'<gpx version="1.1"><trk><name>&lol{levels - 1};</name></trk></gpx>'
    )


@pytest.mark.timeout(10)
def test_billion_laughs_is_refused() -> None:
    with pytest.raises(ParseError, match="entities"):
        read_gpx(billion_laughs().encode(), "bomb.gpx")


@pytest.mark.timeout(10)
def test_billion_laughs_in_utf16_is_refused_by_the_parser_itself() -> None:
    # the byte-level check cannot see "<!ENTITY" in UTF-16: the parser configuration must hold
    doc = billion_laughs().replace('version="1.0"?>', 'version="1.0" encoding="UTF-16"?>', 1)
    with pytest.raises(ParseError, match="entities"):
        read_gpx(doc.encode("utf-16"), "bomb16.gpx")
    small = (
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE gpx [<!ENTITY a "x">]>'
        '<gpx version="1.1"><trk><name>&a;</name></trk></gpx>'
    )
    with pytest.raises(ParseError, match="entities"):
        read_gpx(small.encode("utf-16"), "entity16.gpx")


@pytest.mark.timeout(10)
def test_external_entities_are_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    doc = (
        f'<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'
        '<gpx version="1.1"><trk><name>&xxe;</name><trkseg>'
        + trkpt(45.0, 6.0, "2024-03-01T08:00:00Z")
        + trkpt(45.001, 6.0, "2024-03-01T08:00:10Z")
        + "</trkseg></trk></gpx>"
    )
    with pytest.raises(ParseError) as caught:
        read_gpx(doc.encode(), "xxe.gpx")
    assert "TOP-SECRET-CONTENT" not in str(caught.value)
    external_dtd = (
        f'<?xml version="1.0"?><!DOCTYPE gpx SYSTEM "{secret.as_uri()}">'
        '<gpx version="1.1"><trk><name>&xxe;</name></trk></gpx>'
    )
    with pytest.raises(ParseError):
        read_gpx(external_dtd.encode(), "dtd.gpx")


def test_non_utf8_bytes_raise_parse_error() -> None:
    points = trkpt(45.0, 6.0, "2024-03-01T08:00:00Z") + trkpt(45.001, 6.0, "2024-03-01T08:00:10Z")
    latin1 = gpx_doc(points).replace(b"Hand built", "Zürich".encode("latin-1"))
    with pytest.raises(ParseError, match="not valid UTF-8"):
        read_gpx(latin1, "latin1.gpx")


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"\x00\x01\x02\x03garbage", "malformed XML in GPX"),
        (b'<gpx version="1.1"><trk><trkseg><trkpt lat="1" lon="2"><time>20', "truncated"),
        (b"<gpx><trk></gpx>", "malformed XML in GPX"),
        (b"<html><body>not a track</body></html>", "not a GPX file"),
        (
            b'<gpx version="1.1"><trk><trkseg><trkpt lat="x" lon="2"/></trkseg></trk></gpx>',
            "not understood",
        ),
    ],
)
def test_broken_files_raise_parse_error(data: bytes, words: str) -> None:
    with pytest.raises(ParseError, match=words) as caught:
        read_gpx(data, "broken.gpx")
    assert caught.value.file == "broken.gpx"


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
    ext = "<gpxtpx:TrackPointExtension><gpxtpx:hr>140</gpxtpx:hr></gpxtpx:TrackPointExtension>"
    data = bytearray(
        gpx_doc(
            trkpt(45.0, 6.0, "2024-03-01T08:00:00Z", ext)
            + trkpt(45.001, 6.0, "2024-03-01T08:00:10Z", ext)
        )
    )
    for where, token, cut in edits:
        at = int(where * (len(data) - 1))
        data[at : at + cut] = token  # replace a few bytes (or none) with a hostile token
    try:
        result = read_gpx(bytes(data), "mutated.gpx")
    except ParseError:
        return
    validate_samples(result[0].samples)


# ---- times outside the years nanosecond time stamps hold ------------------------------------------


def test_a_point_dated_beyond_the_supported_years_is_skipped_and_said(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from analysis.parsers import xmlsafe
    from sample_data.regressions import iso_time, seed_gpx

    # chunks of two times: the skipped rows are counted across chunk boundaries
    monkeypatch.setattr(xmlsafe, "TIME_CHUNK", 2)
    times = [iso_time(0), iso_time(1), iso_time(2, year=2999), iso_time(3), iso_time(4, year=1600)]
    (activity,) = read_gpx(seed_gpx(times), "far.gpx")
    stamps = activity.samples[c.TIMESTAMP]
    assert list(stamps) == [pd.Timestamp(iso_time(s)) for s in (0, 1, 3)]
    assert activity.samples[c.LATITUDE_DEG].round(5).tolist() == [47.0, 47.00002, 47.00006]
    assert activity.fixes == [
        "skipped 2 points dated outside the supported range (1678–2261) (e.g. 2999-05-01)"
    ]


def test_a_gpx_dated_only_beyond_the_supported_years_is_refused_naming_the_date() -> None:
    from sample_data.regressions import iso_time, seed_gpx

    times = [iso_time(0, year=2999), iso_time(1, year=2999), iso_time(2, year=2999)]
    with pytest.raises(ParseError) as caught:
        read_gpx(seed_gpx(times), "far.gpx")
    assert caught.value.reason == "date 2999-05-01 outside the supported range (1678–2261)"
    # one point left cannot carry an activity either: the dates are still what is named
    with pytest.raises(ParseError, match=r": date 1600-05-01 outside the supported range"):
        read_gpx(seed_gpx([iso_time(0, year=1600), iso_time(1)]), "far.gpx")


def test_the_xml_readers_support_the_years_the_csv_reader_does() -> None:
    from analysis.parsers import csv, xmlsafe

    assert xmlsafe.SUPPORTED_YEARS == csv.SUPPORTED_YEARS
    assert xmlsafe.SUPPORTED_RANGE_TEXT == csv.SUPPORTED_RANGE_TEXT
