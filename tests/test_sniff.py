"""A file is what its bytes say: content decides the reader, a name never does on its own."""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from analysis import columns as c
from analysis.errors import ParseError
from analysis.importer import FAILED, IMPORTED, import_bytes
from analysis.parsers import parse_bytes, sniff_format
from analysis.parsers.sniff import NOT_ACTIVITY, is_csv, is_fit_header, sniff
from analysis.store import Store
from sample_data.fit_encoder import encode_activity
from tests.conftest import corpus_files
from tests.factories import run_samples
from tests.gpx_builder import gpx_bytes
from tests.test_parser_tcx import two_lap_run

SAMPLE_CSV = (
    b"timestamp,heart_rate_bpm,distance_m\n"
    b"2026-05-04T06:00:00Z,140,0\n2026-05-04T06:00:05Z,142,15\n2026-05-04T06:00:10Z,143,30\n"
)
WELLNESS = b"date,resting_hr_bpm,hrv_rmssd_ms,sleep_h\n2026-05-04,49,62.5,7.5\n2026-05-05,52,55,6\n"
PLAN = b"week_start,distance_km,duration_h,long_run_km,load\n2026-05-04,40,4,16,40\n"


def _fit() -> bytes:
    return encode_activity(run_samples(n=60, step_s=5.0), utc_offset_s=0)


def _refusal(data: bytes, name: str) -> ParseError:
    with pytest.raises(ParseError) as caught:
        sniff_format(data, name)
    err = caught.value
    assert err.file == name and str(err).startswith(f"{name}: "), str(err)
    return err


# ---- refusals: what the bytes look like instead ------------------------------------------------

FORGED: dict[str, tuple[bytes, str]] = {
    # bytes, and what the refusal says they look like
    "photo.fit": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "a PNG image"),
    "photo.gpx": (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(200), "a JPEG image"),
    "anim.tcx": (b"GIF89a\x01\x00\x01\x00\x80\x00\x00" + bytes(50), "a GIF image"),
    "invoice.fit": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< >>\nendobj\n", "a PDF"),
    "setup.gpx": (
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(100) + b"PE\x00\x00",
        "a Windows executable",
    ),
    "tool.csv": (b"\x7fELF\x02\x01\x01\x00" + bytes(120), "a Linux executable (ELF)"),
    "login.gpx": (
        b"<!DOCTYPE html>\n<html lang='en'><head><title>Sign in</title></head></html>",
        "an HTML page",
    ),
    "page.tcx": (b"  <html><body><p>Session expired</p></body></html>", "an HTML page"),
    "export.csv": (b'{"activities": [{"id": 1, "distance": 5000}]}', "JSON data"),
    "list.fit": (b'[\n  {"id": 1, "type": "run"}\n]\n', "JSON data"),
    "notes.csv": (b"Ran easy today\nlegs felt heavy\n", "plain text, not a table"),
    "zeros.fit": (b"\x00" * 4096, "binary data (nothing but zero bytes)"),
    "noise.gpx": (bytes(range(256)) * 4, "binary data"),
    "wide.csv": (b"\xff\xfe" + bytes(range(256)) * 4, "binary data"),
}


@pytest.mark.parametrize("name", sorted(FORGED))
def test_content_that_is_no_activity_is_refused_saying_what_it_looks_like(name: str) -> None:
    data, what = FORGED[name]
    err = _refusal(data, name)
    assert err.reason.startswith(f"{NOT_ACTIVITY}: it looks like {what}"), err.reason
    with pytest.raises(ParseError, match=f"^{name}: {NOT_ACTIVITY}"):
        parse_bytes(data, name)


@pytest.mark.parametrize(
    ("data", "root"),
    [
        (b'<?xml version="1.0"?>\n<kml xmlns="http://www.opengis.net/kml/2.2"></kml>', "kml"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" width="10"/>', "svg"),
        (b"\xef\xbb\xbf<!-- saved by a map app -->\n<ns0:osm version='0.6'/>", "ns0:osm"),
    ],
)
def test_xml_with_another_root_is_refused_naming_the_root(data: bytes, root: str) -> None:
    err = _refusal(data, "route.gpx")
    assert err.reason == f"XML, but not GPX or TCX (root element <{root}>)"


def test_an_empty_or_blank_file_is_called_empty() -> None:
    assert _refusal(b"", "run.fit").reason == "empty file"
    assert _refusal(b" \r\n\t\n", "run.gpx").reason == "empty file"
    assert _refusal(b"\xef\xbb\xbf\n", "run.csv").reason == "empty file"


# ---- content beats the name --------------------------------------------------------------------


def test_gpx_named_fit_is_read_as_gpx_and_says_so() -> None:
    fmt, acts = parse_bytes(gpx_bytes(), "morning.fit")
    assert fmt == "gpx" and len(acts) == 1
    assert acts[0].format == "gpx"
    assert "the file is named .fit but holds GPX data: read as GPX" in acts[0].fixes


def test_fit_named_gpx_is_read_as_fit() -> None:
    fmt, acts = parse_bytes(_fit(), "morning.gpx")
    assert fmt == "fit" and acts[0].format == "fit"
    assert "the file is named .gpx but holds FIT data: read as FIT" in acts[0].fixes


def test_tcx_and_csv_under_each_others_names() -> None:
    assert parse_bytes(two_lap_run(), "run.csv")[0] == "tcx"
    assert parse_bytes(SAMPLE_CSV, "run.tcx")[0] == "csv"
    fmt, acts = parse_bytes(two_lap_run(), "run.tcx")
    assert fmt == "tcx" and not any("named" in fix for fix in acts[0].fixes)


def test_a_name_alone_is_never_enough() -> None:
    for name in ("run.fit", "run.gpx", "run.tcx", "run.csv", "run"):
        with pytest.raises(ParseError, match="it looks like a PNG image"):
            parse_bytes(FORGED["photo.fit"][0], name)
        with pytest.raises(ParseError, match="plain text, not a table"):
            parse_bytes(b"just a sentence\n", name)


def test_the_name_only_picks_between_gpx_and_tcx_when_xml_ends_before_its_root() -> None:
    cut = b'<?xml version="1.0" encoding="UTF-8"?>\n<!-- exported by '
    assert sniff(cut, "run.gpx") == "gpx"
    assert sniff(cut, "run.TCX") == "tcx"
    err = _refusal(cut, "run.xml")
    assert "XML, but it ends before its root element" in err.reason
    with pytest.raises(ParseError, match="malformed XML in GPX"):
        parse_bytes(cut, "run.gpx")
    # once the root is there, the name has no say
    assert sniff(gpx_bytes()[:400], "run.tcx") == "gpx"


def test_a_gzip_layer_is_looked_through_by_content() -> None:
    fmt, acts = parse_bytes(gzip.compress(gpx_bytes()), "ride.fit.gz")
    assert fmt == "gpx" and len(acts) == 1
    with pytest.raises(ParseError, match="it looks like a PDF"):
        parse_bytes(gzip.compress(FORGED["invoice.fit"][0]), "run.fit.gz")


def test_a_zip_is_a_container_whatever_its_name() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("run.gpx", gpx_bytes())
    assert sniff(buf.getvalue(), "run.fit") == "zip"
    with pytest.raises(ParseError, match="zip archives are not supported yet"):
        parse_bytes(buf.getvalue(), "run.fit")


# ---- what each format must look like ----------------------------------------------------------


def test_fit_header_sizes_and_signature() -> None:
    fit = _fit()
    assert fit[0] == 14 and is_fit_header(fit)
    twelve = bytes([12]) + fit[1:12] + fit[14:]  # the older header without its CRC
    assert is_fit_header(twelve)
    assert not is_fit_header(b"\x0e" + fit[1:8] + b".fiT" + fit[12:])
    assert not is_fit_header(fit[:11])
    # a text line that happens to carry the signature at byte 8 is no FIT header
    assert sniff(b"12345678.FIT,hr\nrun,140\n", "list.csv") == "csv"


def test_a_fit_file_cut_short_or_with_a_damaged_header_crc_is_still_a_fit_file() -> None:
    fit = _fit()
    assert sniff(fit[:200], "run.bin") == "fit"
    damaged = fit[:12] + b"\x01\x02" + fit[14:]
    assert sniff(damaged, "run") == "fit"
    with pytest.raises(ParseError, match="FIT file CRC mismatch"):
        parse_bytes(damaged, "run")


@pytest.mark.parametrize(
    "prolog",
    [
        b"",
        b"\xef\xbb\xbf",
        b"\n\n  \t",
        b"\xef\xbb\xbf \r\n",
    ],
)
def test_gpx_prolog_quirks_are_passed_over(prolog: bytes) -> None:
    body = gpx_bytes()
    decl_end = body.index(b"?>") + 2
    tail = b"\n<!-- a comment -->\n<?xml-stylesheet href='x'?>\n<!DOCTYPE gpx>\n"
    data = prolog + body[:decl_end] + tail + body[decl_end:]
    assert sniff(data, "run") == "gpx"
    assert sniff(prolog + body[decl_end:].lstrip(), "run") == "gpx"  # no declaration at all


def test_utf16_xml_with_and_without_bom() -> None:
    text = two_lap_run().decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    assert sniff(text.encode("utf-16"), "run") == "tcx"
    assert sniff(text.encode("utf-16-be"), "run") == "tcx"


def test_a_doctype_with_entities_is_routed_to_the_safe_xml_reader_and_refused_there() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY a "x>y"><!ENTITY b "&a;&a;">]>'
        b'<gpx xmlns="http://www.topografix.com/GPX/1/1"><trk><name>&b;</name></trk></gpx>'
    )
    assert sniff(bomb, "run.csv") == "gpx"
    with pytest.raises(ParseError, match="declares XML entities"):
        parse_bytes(bomb, "run.csv")


@pytest.mark.parametrize(
    "data",
    [
        SAMPLE_CSV,
        b"\xef\xbb\xbf" + SAMPLE_CSV,
        SAMPLE_CSV.replace(b",", b";"),
        SAMPLE_CSV.replace(b",", b"\t"),
        SAMPLE_CSV.decode().encode("utf-16"),
        "Zeit;Herzfrequenz;Distanz\n2026-05-04 06:00;140;0\n".encode("latin-1") + b"\xe9\n",
        b"\n\n" + SAMPLE_CSV,
    ],
)
def test_csv_encodings_and_delimiters_read_as_csv(data: bytes) -> None:
    assert sniff(data, "export.txt") == "csv"


def test_text_without_columns_or_with_nul_bytes_is_no_csv() -> None:
    assert not is_csv(b",,,\n1,2,3\n")  # a delimiter, but not one named column
    assert not is_csv(b"time\n06:00\n")  # one column, nothing separates it
    assert not is_csv(SAMPLE_CSV + b"\x00\x00")
    assert not is_csv(b"time,hr\x01\x02\x03\x04\n" * 2)


@pytest.mark.corpus
@pytest.mark.parametrize(
    "path",
    [p for kind in ("fit", "gpx", "tcx", "csv") for p in corpus_files(kind, "." + kind)]
    or [Path("(corpus absent)")],
    ids=str,
)
def test_every_real_file_sniffs_as_its_folder_says(corpus_dir: Path, path: Path) -> None:
    data = path.read_bytes()
    if not data:
        pytest.skip("a 0-byte file is refused as empty, tested above")
    assert sniff(data, "unnamed") == path.parent.name


# ---- anything at all ---------------------------------------------------------------------------

_PREFIXES = [
    b"",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xfe\xff",
    b"<?xml version='1.0'?>",
    b"<!DOCTYPE gpx [",
    b"<gpx>",
    b"<TrainingCenterDatabase>",
    b"<!--",
    b"\x0e\x10\x00\x00\x00\x00\x00\x00.FIT",
    b"\x0c\x10\x00\x00\xff\xff\xff\x7f.FIT",
    b"\x1f\x8b",
    b"PK\x03\x04",
    b"timestamp,heart_rate_bpm\n",
    b"date;resting_hr_bpm\n",
    b"{",
    b"[",
    b"MZ",
    b"%PDF-",
]


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    prefix=st.sampled_from(_PREFIXES),
    tail=st.one_of(
        st.binary(max_size=2048),
        st.text(
            alphabet=st.sampled_from(list("0123456789,;\t\n\r<>?!-\"' ahgpx:.=/")), max_size=400
        ).map(str.encode),
    ),
    name=st.sampled_from(["a.fit", "a.gpx", "a.tcx", "a.csv", "a.txt", "a", "a.fit.gz"]),
)
# a date beyond what pandas can hold once escaped the CSV reader as OutOfBoundsDatetime
@example(
    prefix=b"timestamp,heart_rate_bpm\n",
    tail=b"2026-05-04T06:00:00Z,140\n7026-05-04T06:00:00Z,141\n",
    name="a.csv",
)
def test_arbitrary_bytes_raise_nothing_but_parse_error(
    prefix: bytes, tail: bytes, name: str
) -> None:
    try:
        fmt, acts = parse_bytes(prefix + tail, name)
    except ParseError as err:
        assert err.file and err.reason
    else:
        assert fmt in ("fit", "gpx", "tcx", "csv") and isinstance(acts, list)


# ---- through the importer: nothing stored before is lost ---------------------------------------


@pytest.fixture()
def store_with_a_run(tmp_path: Path) -> tuple[Store, str, pd.DataFrame]:
    store = Store(tmp_path / "athlete.duckdb")
    first = import_bytes(store, "monday.gpx", gpx_bytes(start="2026-05-04T06:00:00Z"))
    assert first.status == IMPORTED
    aid = str(store.activities()[c.ACTIVITY_ID].iloc[0])
    return store, aid, store.samples(aid)


@pytest.mark.parametrize("name", ["photo.fit", "setup.gpx", "login.gpx", "zeros.fit"])
def test_a_forged_upload_is_refused_and_the_stored_run_stays(
    name: str, store_with_a_run: tuple[Store, str, pd.DataFrame]
) -> None:
    store, aid, samples = store_with_a_run
    data, what = FORGED[name]
    out = import_bytes(store, name, data)
    assert (out.status, out.file) == (FAILED, name)
    assert out.message.startswith(f"{NOT_ACTIVITY}: it looks like {what}"), out.message
    assert store.activity_count(include_duplicates=True) == 1
    pd.testing.assert_frame_equal(store.samples(aid), samples)


def test_an_upload_named_fit_holding_gpx_is_stored_as_gpx(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        out = import_bytes(store, "tuesday.fit", gpx_bytes(start="2026-05-05T06:00:00Z"))
        assert (out.status, out.format) == (IMPORTED, "gpx")
        assert any("holds GPX data" in fix for fix in out.fixes)
        assert store.activity_count() == 1


def test_wellness_and_plan_logs_are_recognised_by_content_not_name(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        w = import_bytes(store, "hrv-export.txt", WELLNESS)
        p = import_bytes(store, "plan", PLAN.replace(b",", b";"))
        assert (w.status, w.message, w.format) == (IMPORTED, "wellness log: 2 days", "wellness")
        assert (p.status, p.message, p.format) == (IMPORTED, "training plan: 1 week", "plan")
        assert store.wellness()[c.RESTING_HR_BPM].tolist() == [49.0, 52.0]
        # a text that is no table is neither, and is refused as what it is
        notes = import_bytes(store, "notes.txt", b"date resting_hr_bpm\n2026-05-06 50\n")
        assert notes.status == FAILED and "plain text, not a table" in notes.message
        assert store.activity_count() == 0
