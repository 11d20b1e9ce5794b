"""Columns as arrays: converted once inside kept_columns, always a copy, never stale outside."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.metrics import frames
from analysis.metrics.frames import float_column, kept_columns


def test_a_column_becomes_floats_with_nan_for_what_is_not_a_number() -> None:
    frame = pd.DataFrame({"a": [1.0, np.nan, 3.0], "b": ["1", "x", None]})
    assert np.array_equal(float_column(frame, "a"), [1.0, np.nan, 3.0], equal_nan=True)
    assert np.array_equal(float_column(frame, "b"), [1.0, np.nan, np.nan], equal_nan=True)
    assert np.isnan(float_column(frame, "missing")).all() and len(float_column(frame, "c")) == 3


def test_inside_the_block_a_column_is_converted_once_and_each_call_gets_a_copy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    frame = pd.DataFrame({"a": [1.0, 2.0]})
    calls: list[str] = []
    convert = frames._convert

    def counted(f: pd.DataFrame, column: str) -> np.ndarray:
        calls.append(column)
        return convert(f, column)

    monkeypatch.setattr(frames, "_convert", counted)
    with kept_columns([frame]):
        first = float_column(frame, "a")
        first[0] = 99.0  # the caller's copy
        second = float_column(frame, "a")
    assert calls == ["a"]
    assert second.tolist() == [1.0, 2.0]
    assert not frames._KEPT  # forgotten once the block ends


def test_outside_the_block_a_changed_frame_is_read_afresh() -> None:
    frame = pd.DataFrame({"a": [1.0, 2.0]})
    with kept_columns([frame]):
        assert float_column(frame, "a").tolist() == [1.0, 2.0]
    frame["a"] = [5.0, 6.0]
    assert float_column(frame, "a").tolist() == [5.0, 6.0]


def test_the_block_forgets_its_frames_when_it_fails() -> None:
    frame = pd.DataFrame({"a": [1.0]})
    with pytest.raises(RuntimeError), kept_columns([frame]):
        float_column(frame, "a")
        raise RuntimeError("a metric failed")
    assert not frames._KEPT
