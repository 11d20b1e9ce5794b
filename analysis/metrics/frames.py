"""Reading a sample frame's columns as NumPy arrays: the one way the metrics do it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import numpy as np
import numpy.typing as npt
import pandas as pd

FloatArray = npt.NDArray[np.float64]

_KEPT: dict[int, dict[str, FloatArray]] = {}
"""The converted columns of the frames inside :func:`kept_columns`, by the frame's id (each
frame is held alive there, so no other object can take its id meanwhile)."""


def float_column(frame: pd.DataFrame, column: str) -> FloatArray:
    """``column`` of ``frame`` as a new float64 array: NaN where a value is missing or not a
    number, all NaN when the frame has no such column. The copy is the caller's to change.

    Inside :func:`kept_columns` a frame's column is converted once and copied on each call.
    """
    kept = _KEPT.get(id(frame))
    if kept is None:
        return _convert(frame, column)
    values = kept.get(column)
    if values is None:
        values = kept[column] = _convert(frame, column)
    return values.copy()


@contextmanager
def kept_columns(frames: Iterable[pd.DataFrame]) -> Iterator[None]:
    """Keep the converted columns of ``frames`` while the block runs.

    Many figures of one run read the same few columns (speed, heart rate, seconds, the moving
    mask) tens of times, and each ``frame[column]`` builds a Series: for a page that measures
    seventy runs this was a third of its time. Only for frames that nothing changes while the
    block runs (a store read's frames, which the metrics only read).
    """
    held = list(frames)
    keys = [id(frame) for frame in held]
    for key in keys:
        _KEPT[key] = {}
    try:
        yield
    finally:
        for key in keys:
            _KEPT.pop(key, None)
        del held


def _convert(frame: pd.DataFrame, column: str) -> FloatArray:
    if column not in frame.columns:
        return np.full(len(frame), np.nan)
    series = frame[column]
    if series.dtype == np.float64:
        return series.to_numpy(dtype="float64", copy=True)
    values: FloatArray = pd.to_numeric(series, errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan
    )
    return values
