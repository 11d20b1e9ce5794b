"""The demo athlete: the bundled files imported through the same parsers and store as a user's."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

import pandas as pd

from analysis import columns as c
from analysis.config import DEMO_DB, demo_source_dir
from analysis.importer import Progress, import_paths
from analysis.settings import AthleteSettings
from analysis.store import Store
from analysis.store.contract import AthleteStore

FINGERPRINT_KEY = "demo_fingerprint"

DEMO_SEASON_VERSION = 1
"""Raise it whenever the demo's goal race, blocks or shoes below change: the fingerprint then
differs and a demo store built before is rebuilt at the next start."""

DEMO_RACE = (dt.date(2026, 11, 29), 21.0975, 5940.0, "Berlin autumn half marathon")
"""The demo athlete's goal race: two weeks after its last run, a half marathon in 1:39:00."""

DEMO_BLOCKS = (
    (dt.date(2026, 7, 27), dt.date(2026, 8, 30), "base", "easy volume, one interval session"),
    (dt.date(2026, 8, 31), dt.date(2026, 10, 25), "build", "tempo and intervals"),
    (dt.date(2026, 10, 26), dt.date(2026, 11, 15), "peak", "the highest weeks"),
    (dt.date(2026, 11, 16), dt.date(2026, 11, 29), "taper", "volume down, intensity kept"),
)
"""Weeks 1-5 base, 6-13 build, 14-16 peak, then the two taper weeks to the race."""

DEMO_SHOES = (
    ("Pegasus 40", dt.date(2026, 7, 28), 580.0),
    ("Clifton 9", dt.date(2026, 9, 1), 700.0),
    ("Novablast 4", dt.date(2026, 11, 3), 700.0),
)
"""(name, first used, retirement distance [km]): the first pair nears its retirement, the
second came in gradually, the third took every run at once (over the new-pair limit)."""


def demo_gear(day: dt.date, kind: str, index: int) -> str:
    """Which pair the demo athlete wore for a run: the rotation the shoes above describe.

    Until 31 August, the Pegasus. From 1 September the Clifton joins, first for the one short
    easy run of each week (easy runs on Tuesdays or Wednesdays), from 22 September on every
    other run. From 3 November the new Novablast takes every run.
    """
    if day >= DEMO_SHOES[2][1]:
        return DEMO_SHOES[2][0]
    if day >= dt.date(2026, 9, 22):
        return DEMO_SHOES[1][0] if index % 2 else DEMO_SHOES[0][0]
    if day >= DEMO_SHOES[1][1] and kind == "easy" and day.weekday() in (1, 2):
        return DEMO_SHOES[1][0]
    return DEMO_SHOES[0][0]


def add_demo_season(store: AthleteStore) -> None:
    """The demo athlete's goal race, training blocks and shoes, and the pair worn on each run."""
    store.add_race(*DEMO_RACE)
    for start, end, kind, note in DEMO_BLOCKS:
        store.add_block(start, end, kind, note)
    for name, first, retire_km in DEMO_SHOES:
        store.add_shoe(name, first, retire_km, False, "typed")
    runs = store.activities(sport=c.SPORT_RUNNING).sort_values(c.START_TIME_UTC)
    rows = []
    for i, run in enumerate(runs.itertuples(index=False)):
        day = pd.Timestamp(getattr(run, c.LOCAL_DATE)).date()
        kind = str(getattr(run, c.SOURCE_NAME)).rsplit("_", 1)[-1].split(".")[0]
        rows.append(
            (str(getattr(run, c.ACTIVITY_ID)), None, None, demo_gear(day, kind, i), None, None)
        )
    store.apply_export_metadata(rows)


DEMO_SETTINGS = AthleteSettings(max_hr_bpm=190, resting_hr_bpm=50, lthr_bpm=172, sex="male")

DEMO_LOGS_VERSION = 1
"""Raise with any change to :func:`demo_sessions` or :data:`DEMO_PAINS`: old demo stores are
rebuilt (the fingerprint holds it)."""

DEMO_FIRST_MONDAY = dt.date(2026, 7, 27)
"""Monday of the demo's first week (``sample_data.generate``: 16 weeks from here)."""

_CUTBACKS = {4, 8, 12}
_BEFORE_LONG = {1, 6, 10}  # a second strength session on Saturday, the day before the long run
_SPIKE_WEEK = 11  # a running holiday: no strength at all


def demo_sessions() -> list[tuple[dt.date, str, float, float, str, str]]:
    """The demo athlete's strength & mobility log: ``(day, type, minutes, rpe, exercises,
    notes)``. Strength on Tuesday after the intervals, mobility on Friday, a second strength
    session on Thursday in build weeks; three weeks put it on Saturday, the day before the long
    run (flagged), cutback weeks keep mobility only and the spike week has none."""
    out: list[tuple[dt.date, str, float, float, str, str]] = []
    for week in range(16):
        monday = DEMO_FIRST_MONDAY + dt.timedelta(weeks=week)
        if week == _SPIKE_WEEK:
            continue
        if week not in _CUTBACKS:
            out.append((monday + dt.timedelta(days=1), "strength", 35.0, 6.0,
                        "squats 3x8, reverse lunges, single-leg RDL, side plank", ""))  # fmt: skip
            second = 5 if week in _BEFORE_LONG else 3
            out.append((monday + dt.timedelta(days=second), "strength", 30.0, 5.0,
                        "step-ups, hip thrusts, calf raises, dead bug", ""))  # fmt: skip
            if week % 3 == 2:
                out.append((monday + dt.timedelta(days=3), "plyometrics", 12.0, 7.0,
                            "pogo jumps, skips, bounds", ""))  # fmt: skip
        out.append((monday + dt.timedelta(days=4), "mobility", 20.0, 2.0,
                    "hips, calves, thoracic spine", ""))  # fmt: skip
    return out


DEMO_PAINS: tuple[tuple[dt.date, str, str, float, str, str], ...] = (
    (dt.date(2026, 8, 16), "knee", "right", 2.0, "after running", "after the long run"),
    (dt.date(2026, 8, 17), "knee", "right", 1.0, "at rest", ""),
    # after the spike week (12-18 Oct): the Achilles
    (dt.date(2026, 10, 19), "Achilles", "left", 4.0, "before running", "stiff in the morning"),
    (dt.date(2026, 10, 20), "Achilles", "left", 6.0, "after running", ""),
    (dt.date(2026, 10, 22), "Achilles", "left", 3.0, "during running", ""),
    (dt.date(2026, 10, 25), "Achilles", "left", 2.0, "after running", ""),
    (dt.date(2026, 10, 29), "Achilles", "left", 1.0, "before running", ""),
    (dt.date(2026, 11, 3), "calf", "right", 2.0, "during running", "tight on the intervals"),
)
"""The demo athlete's pain log: a small knee niggle early, an Achilles episode after the load
spike, and a tight calf; nothing in the last days, so the latest decision is the running's."""


def demo_files(source: Path) -> list[Path]:
    return sorted(
        p for p in source.iterdir() if p.suffix.lower() in (".fit", ".gpx", ".csv", ".tcx")
    )


def fingerprint(files: list[Path]) -> str:
    """Changes whenever a demo file is added, removed or changed, the store's schema changes
    (a demo built by an older schema lacks what newer imports store, such as best efforts), or
    the demo's season (:data:`DEMO_SEASON_VERSION`) does."""
    from analysis.store.duckdb_store import SCHEMA_VERSION

    digest = hashlib.sha256(
        f"schema {SCHEMA_VERSION} season {DEMO_SEASON_VERSION} logs {DEMO_LOGS_VERSION}".encode()
    )
    for path in files:
        digest.update(path.name.encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def demo_store_is_current(data_dir: Path, source: Path | None = None) -> bool:
    path = data_dir / DEMO_DB
    if not path.exists():
        return False
    want = fingerprint(demo_files(source or demo_source_dir()))
    try:
        with Store(path, read_only=True) as store:
            return store.get_meta(FINGERPRINT_KEY) == want
    except Exception:  # an unreadable or half-written file is simply rebuilt
        return False


def build_demo_store(
    data_dir: Path, source: Path | None = None, progress: Progress | None = None
) -> Path:
    """(Re)build ``demo.duckdb`` from the demo files; written aside, then moved into place."""
    source = source or demo_source_dir()
    files = demo_files(source)
    final = data_dir / DEMO_DB
    tmp = data_dir / (DEMO_DB + ".building")
    data_dir.mkdir(parents=True, exist_ok=True)
    for leftover in (tmp, Path(str(tmp) + ".wal")):
        leftover.unlink(missing_ok=True)
    with Store(tmp) as store:
        import_paths(store, files, progress)
        add_demo_season(store)
        for session in demo_sessions():
            store.add_session(*session)
        for niggle in DEMO_PAINS:
            store.add_pain(*niggle)
        store.save_settings(DEMO_SETTINGS)
        store.set_meta(FINGERPRINT_KEY, fingerprint(files))
    os.replace(tmp, final)
    return final
