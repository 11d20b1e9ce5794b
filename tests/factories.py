"""Hand-built activities for tests: known numbers in, known numbers out."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import columns as c
from analysis.parsers.base import ParsedActivity
from analysis.schema import build_samples


def run_samples(
    start: str = "2026-03-02T07:00:00Z",
    n: int = 61,
    step_s: float = 10.0,
    speed_mps: float = 3.0,
    hr_bpm: float | None = 150.0,
    cadence_spm: float | None = 170.0,
    lat0: float | None = 52.52,
    lon0: float = 13.40,
) -> pd.DataFrame:
    """A steady run: ``n`` samples every ``step_s`` seconds at constant speed heading north."""
    ts = pd.date_range(pd.Timestamp(start), periods=n, freq=pd.Timedelta(seconds=step_s))
    dist = np.arange(n) * step_s * speed_mps
    raw = pd.DataFrame({c.TIMESTAMP: ts, c.DISTANCE_M: dist, c.SPEED_MPS: speed_mps})
    if hr_bpm is not None:
        raw[c.HEART_RATE_BPM] = hr_bpm
    if cadence_spm is not None:
        raw[c.CADENCE_SPM] = cadence_spm
    if lat0 is not None:
        raw[c.LATITUDE_DEG] = lat0 + dist / 111_195.0
        raw[c.LONGITUDE_DEG] = lon0
    return build_samples(raw)


def run_activity(
    name: str = "run.fit",
    start: str = "2026-03-02T07:00:00Z",
    sport: str = c.SPORT_RUNNING,
    **kw: object,
) -> ParsedActivity:
    samples = run_samples(start=start, **kw)  # type: ignore[arg-type]
    return ParsedActivity(
        source_name=name,
        format="fit",
        sport=sport,
        start_time_utc=samples[c.TIMESTAMP].iloc[0],
        samples=samples,
    )


def summary_activity(
    start_utc: str, distance_m: float, duration_s: float, name: str = "activities.csv"
) -> ParsedActivity:
    return ParsedActivity(
        source_name=name,
        format="csv",
        sport=c.SPORT_RUNNING,
        start_time_utc=pd.Timestamp(start_utc),
        distance_m=distance_m,
        duration_s=duration_s,
        moving_time_s=duration_s,
        is_summary=True,
    )
