"""Bad input: every broken file ends in a clear message; what was stored before is untouched."""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from analysis import columns as c
from analysis import parsers
from analysis.importer import FAILED, IMPORTED, import_bytes
from analysis.store import Store
from sample_data.fit_encoder import encode_activity
from tests.conftest import CORPUS
from tests.factories import run_samples
from tests.gpx_builder import gpx_bytes

UNEXPECTED = "could not read the file ("  # the importer's words for an exception that is not ours


def _fit() -> bytes:
    samples = run_samples(n=120, step_s=5.0)
    return encode_activity(samples, utc_offset_s=3600)


def _billion_laughs() -> bytes:
    ents = "".join(
        f'<!ENTITY l{i} "{"&l" + str(i - 1) + ";" if i else "lol"}{("&l" + str(i - 1) + ";") * 9 if i else ""}">'
        for i in range(10)
    )
    return (
        f'<?xml version="1.0"?><!DOCTYPE gpx [{ents}]>'
        '<gpx xmlns="http://www.topografix.com/GPX/1/1"><trk><name>&l9;</name></trk></gpx>'
    ).encode()


def _zip_of(name: str, data: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(name, data)
    return buf.getvalue()


BROKEN: dict[str, tuple[bytes, str]] = {
    # file name: (bytes, words the message must contain)
    "empty.fit": (b"", "empty file"),
    "truncated.fit": (_fit()[:900], "truncated"),
    "bad-crc.fit": (_fit()[:-2] + b"\x00\x00", "CRC"),
    "photo-renamed.fit": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, ""),
    "no-times.gpx": (
        gpx_bytes().replace(b"<time>", b"<t>").replace(b"</time>", b"</t>"),
        "timestamps",
    ),
    "bomb.gpx": (_billion_laughs(), ""),
    "cut.gpx": (gpx_bytes()[:1500], ""),
    "hostile.csv": (b'=cmd|"/c calc"!A1,+SUM(1),@x\n-1,2,3\n', "unrecognised CSV columns"),
    "binary.csv": (bytes(range(256)) * 16, ""),
    "archive.zip": (_zip_of("run.gpx", gpx_bytes()), "zip"),
}


SALVAGED = {"truncated.fit"}


@pytest.fixture()
def store_with_a_run(tmp_path: Path) -> tuple[Store, str, pd.DataFrame]:
    store = Store(tmp_path / "athlete.duckdb")
    first = import_bytes(store, "monday.gpx", gpx_bytes(start="2026-05-04T06:00:00Z"))
    assert first.status == IMPORTED
    aid = store.activities()[c.ACTIVITY_ID].iloc[0]
    return store, aid, store.samples(aid)


def _assert_untouched(store: Store, aid: str, samples: pd.DataFrame) -> None:
    assert store.activity_count(include_duplicates=True) == 1
    pd.testing.assert_frame_equal(store.samples(aid), samples)


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_file_is_refused_clearly(
    name: str, store_with_a_run: tuple[Store, str, pd.DataFrame]
) -> None:
    store, aid, samples = store_with_a_run
    data, words = BROKEN[name]
    out = import_bytes(store, name, data)
    if name in SALVAGED and out.status == IMPORTED:
        # a watch that died mid-run: the records before the cut are kept, and the user is told
        assert any(words in fix.lower() for fix in out.fixes), out.fixes
        assert store.activity_count() == 2
        pd.testing.assert_frame_equal(store.samples(aid), samples)
        return
    assert out.status == FAILED, out
    assert out.message and UNEXPECTED not in out.message, out.message
    assert words.lower() in out.message.lower(), out.message
    _assert_untouched(store, aid, samples)


def test_gzip_bomb_is_refused_while_streaming(
    store_with_a_run: tuple[Store, str, pd.DataFrame], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, aid, samples = store_with_a_run
    monkeypatch.setattr(parsers, "MAX_GUNZIP_BYTES", 1 << 20)
    bomb = gzip.compress(b"\x00" * (8 << 20))  # 8 MB of zeros in a few kB
    out = import_bytes(store, "bomb.fit.gz", bomb)
    assert out.status == FAILED and "expands beyond" in out.message
    _assert_untouched(store, aid, samples)


def _corpus_edge_cases() -> list[str]:
    manifest = CORPUS / "MANIFEST_EDGE_CASES.tsv"
    if not manifest.is_file():
        return []
    rows = manifest.read_text(encoding="utf-8").splitlines()[1:]
    return [row.split("\t")[0] for row in rows if row]


@pytest.mark.corpus
@pytest.mark.parametrize("rel", _corpus_edge_cases() or ["(corpus absent)"])
def test_corpus_edge_cases_import_or_fail_cleanly(
    rel: str, store_with_a_run: tuple[Store, str, pd.DataFrame], corpus_dir: Path
) -> None:
    store, aid, samples = store_with_a_run
    out = import_bytes(store, Path(rel).name, (corpus_dir / rel).read_bytes())
    assert out.status in (IMPORTED, FAILED)
    if out.status == FAILED:
        assert out.message and UNEXPECTED not in out.message, out.message
    else:
        assert out.activities >= 1
    got = store.samples(aid)
    pd.testing.assert_frame_equal(got, samples)
