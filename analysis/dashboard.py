"""Each page's data preparation: store reads + metrics, no Streamlit.

The pages cache these results keyed on the store's revision and the settings; the CLI's daily export
and the benchmark call the same functions, so what a page shows and what is exported agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from analysis import columns as c
from analysis.metrics import cadence, intensity, load, mileage, zones
from analysis.settings import AthleteSettings
from analysis.store import Store

LATEST_ACTIVITIES = 10

LOAD_LABELS = {
    "distance": "distance [km], running only",
    "duration": "moving time [min], all sports",
    "trimp": "Banister TRIMP [a.u.], all sports with heart rate",
}


def running(store: Store) -> pd.DataFrame:
    """Counted running activities (duplicates left out), oldest first."""
    acts = store.activities(sport=c.SPORT_RUNNING)
    return acts.sort_values(c.START_TIME_UTC).reset_index(drop=True)


def last_data_day(store: Store) -> date | None:
    acts = store.activities()
    if acts.empty:
        return None
    return pd.Timestamp(acts[c.LOCAL_DATE].max()).date()


@dataclass
class LoadData:
    acr: pd.DataFrame  # DATE, LOAD, ACUTE_LOAD, CHRONIC_LOAD, ACWR
    model: str
    label: str
    enough_history: bool
    history_days: int
    current_acwr: float | None
    current_band: str
    without_hr: int  # activities that count 0 under TRIMP for lack of heart rate


def load_activities(store: Store, settings: AthleteSettings) -> pd.DataFrame:
    """Distance load counts running; duration and TRIMP count every sport."""
    if settings.load_model == "distance":
        return running(store)
    return store.activities().sort_values(c.START_TIME_UTC).reset_index(drop=True)


def load_data(store: Store, settings: AthleteSettings, as_of: date | None = None) -> LoadData:
    acts = load_activities(store, settings)
    model = settings.load_model
    label = LOAD_LABELS[model]
    empty = pd.DataFrame(columns=[c.DATE, c.LOAD, c.ACUTE_LOAD, c.CHRONIC_LOAD, c.ACWR])
    if acts.empty:
        return LoadData(empty, model, label, False, 0, None, load.acwr_band(float("nan")), 0)
    hr_hist = store.hr_histogram() if model == "trimp" else None
    loads = load.activity_loads(
        acts,
        model,
        hr_hist,
        resting_hr_bpm=settings.resting_hr_bpm,
        max_hr_bpm=settings.max_hr_bpm,
        sex=settings.sex,
    )
    end = pd.Timestamp(as_of) if as_of is not None else None
    first = pd.Timestamp(acts[c.LOCAL_DATE].min())
    if end is not None and end < first:
        end = None
    daily = load.daily_load(acts, loads, end=end)
    acr = load.acute_chronic(daily)
    last = acr.iloc[-1]
    current = None if pd.isna(last[c.ACWR]) else float(last[c.ACWR])
    without_hr = int(acts[c.AVG_HEART_RATE_BPM].isna().sum()) if model == "trimp" else 0
    return LoadData(
        acr,
        model,
        label,
        load.enough_history(daily),
        load.history_days(daily),
        current,
        load.acwr_band(float("nan") if current is None else current),
        without_hr,
    )


def overview_data(store: Store, settings: AthleteSettings, as_of: date) -> dict[str, Any]:
    acts = running(store)
    comparison = mileage.week_comparison(acts, as_of, settings.week_start)
    latest = store.activities().head(LATEST_ACTIVITIES)
    return {
        "comparison": comparison,
        "load": load_data(store, settings, as_of),
        "latest": latest,
        "runs": len(acts),
    }


def mileage_data(
    store: Store, settings: AthleteSettings, as_of: date | None = None
) -> dict[str, Any]:
    acts = running(store)
    if acts.empty:
        return {"weekly": pd.DataFrame(), "monthly": pd.DataFrame(), "runs": 0}
    end = pd.Timestamp(as_of) if as_of is not None else None
    weekly = mileage.weekly_distance(acts, settings.week_start, settings.ramp_limit_pct, end=end)
    monthly = mileage.monthly_distance(acts)
    return {"weekly": weekly, "monthly": monthly, "runs": len(acts)}


def cadence_data(store: Store) -> dict[str, Any]:
    acts = running(store)
    hist = store.cadence_histogram(sport=c.SPORT_RUNNING)
    per_run = cadence.cadence_per_run(acts) if not acts.empty else pd.DataFrame()
    return {
        "per_run": per_run,
        "distribution": cadence.cadence_distribution(hist) if len(hist) else pd.DataFrame(),
        "share_in_band": cadence.share_in_band(hist) if len(hist) else float("nan"),
        "runs": len(per_run),
    }


def zone_table(settings: AthleteSettings) -> pd.DataFrame:
    return zones.hr_zones(
        settings.zone_model, settings.max_hr_bpm, settings.resting_hr_bpm, settings.lthr_bpm
    )


def intensity_data(store: Store, settings: AthleteSettings) -> dict[str, Any]:
    table = zone_table(settings)
    hist = store.hr_histogram(sport=c.SPORT_RUNNING)
    if hist.empty:
        return {"zones": table, "weekly": pd.DataFrame(), "overall": pd.DataFrame(),
                "split": None, "easy": zones.easy_zones(settings.zone_model)}  # fmt: skip
    weekly = intensity.weekly_time_in_zones(hist, table, settings.week_start)
    overall = intensity.time_in_zones(hist, table)
    easy = zones.easy_zones(settings.zone_model)
    return {
        "zones": table,
        "weekly": weekly,
        "overall": overall,
        "split": intensity.easy_hard_split(overall, easy),
        "easy": easy,
    }


def activity_table(store: Store) -> pd.DataFrame:
    """Every activity, duplicates included and marked, newest first."""
    acts = store.activities(include_duplicates=True)
    acts[c.NAME] = acts[c.NAME].fillna(acts[c.SOURCE_NAME])
    acts[c.DISTANCE_KM] = acts[c.DISTANCE_M] / 1000.0
    speed = acts[c.AVG_SPEED_MPS]
    acts[c.PACE_S_PER_KM] = np.where(speed > 0, 1000.0 / speed, np.nan)
    return acts


def daily_export(store: Store) -> tuple[pd.DataFrame, list[str]]:
    """One row per local calendar day: distance, duration, load and the acute:chronic ratio."""
    settings = store.load_settings()
    acts = running(store)
    ld = load_data(store, settings)
    header = [
        "Stridelog daily export; days are local calendar days of each activity's start",
        f"load model: {settings.load_model} ({ld.label})",
        "acute_load / chronic_load: 7- and 28-day rolling mean daily load (coupled, Gabbett 2016)",
    ]
    if acts.empty or ld.acr.empty:
        cols = [c.DATE, c.DISTANCE_M, c.DURATION_S, c.LOAD, c.ACUTE_LOAD, c.CHRONIC_LOAD, c.ACWR]
        return pd.DataFrame(columns=[*cols, "load_model"]), header
    start = min(pd.Timestamp(acts[c.LOCAL_DATE].min()), pd.Timestamp(ld.acr[c.DATE].min()))
    end = max(pd.Timestamp(acts[c.LOCAL_DATE].max()), pd.Timestamp(ld.acr[c.DATE].max()))
    totals = mileage.daily_totals(acts, start=start, end=end)
    out = pd.DataFrame({c.DATE: totals[c.DATE]})
    out[c.DISTANCE_M] = totals[c.DISTANCE_KM] * 1000.0
    out[c.DURATION_S] = totals[c.DURATION_S]
    out = out.merge(ld.acr, on=c.DATE, how="left")
    out[c.LOAD] = out[c.LOAD].fillna(0.0)
    out["load_model"] = settings.load_model
    return out, header
