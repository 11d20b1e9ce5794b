"""Shoes: each pair's distance, its retirement, and how gradually a new pair came in.

A run belongs to a pair by name: the gear stored with the activity (what an export names,
Strava's ``Activity Gear`` column, or the pair the athlete put the run in on the Gear page)
equals the pair's name, ignoring case and surrounding space. Pairs come from the athlete's list
(typed, or kept from an export) and from the gear names on the runs themselves (source
``strava``), so an imported history shows its shoes before anything is typed.

Rules (product heuristics: no study gives these numbers):

- **Retirement**: a pair is due at its retirement distance, :data:`DEFAULT_RETIRE_KM` unless
  the athlete set one (running shops quote 300–500 miles, 480–800 km; shoes lose much of
  their shock absorption over the first few hundred kilometres, Cook et al. 1985, but no
  study ties a distance to injury). Status ``soon`` from :data:`RETIRE_SOON_FRACTION` of it, ``retire`` at it,
  ``retired`` once the athlete says so.
- **A new pair, gradually**: in each of a pair's first :data:`NEW_PAIR_WEEKS` weeks of use
  (7-day windows from its first day), its share of all running distance in that window should
  stay at or under :data:`NEW_PAIR_SHARE_MAX_PCT`. The first pair of a history is not "new"
  (there was nothing to rotate with) and is left out. Running in more than one pair went with
  fewer injuries in Malisoux et al. (2015); the 30 % and 3 weeks are this product's choice.

References
----------
Cook SD, Kester MA, Brunet ME. Shock absorption characteristics of running shoes. *Am J Sports
Med* 1985;13(4):248–253 (machine-worn shoes lost most of their lost shock absorption in the
first 150 miles and kept about 60 % of it after 500 miles; shoes worn by runners lost less).

Malisoux L, Ramesh J, Mann R, Seil R, Urhausen A, Theisen D. Can parallel use of different
running shoes decrease running-related injury risk? *Scand J Med Sci Sports* 2015;25(1):110–115.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from analysis import columns as c
from analysis.metrics.mileage import DayLike, local_days, to_day

DEFAULT_RETIRE_KM = 700.0
"""A pair's retirement distance when the athlete has set none [km] (within the 480–800 km of
common advice; a product default)."""

RETIRE_SOON_FRACTION = 0.9
"""From this fraction of the retirement distance on, a pair is due soon."""

NEW_PAIR_WEEKS = 3
"""How many weeks of use count as a pair's first weeks."""

NEW_PAIR_SHARE_MAX_PCT = 30.0
"""At most this share of a week's running distance in a pair during its first weeks [%]."""

SHOP_RETIRE_KM = (480.0, 800.0)
"""The retirement distances running shops quote, 300–500 miles [km]."""

STATUS_OK, STATUS_SOON, STATUS_RETIRE, STATUS_RETIRED = "ok", "soon", "retire", "retired"

SHOE_TABLE_COLUMNS = (
    c.SHOE_ID, c.NAME, c.GEAR_SOURCE, c.FIRST_USED, c.DISTANCE_KM, c.RUNS, c.RETIRE_KM,
    c.RETIRED, c.SHOE_STATUS,
)  # fmt: skip
RUN_PAIR_COLUMNS = (c.ACTIVITY_ID, c.DATE, c.NAME, c.DISTANCE_KM, c.GEAR)
NEW_PAIR_COLUMNS = (
    c.NAME, c.WEEK_OF_USE, c.START_DATE, c.NEW_PAIR_KM, c.DISTANCE_KM, c.NEW_PAIR_SHARE_PCT,
    c.OVER_NEW_PAIR_LIMIT,
)  # fmt: skip

_DAY = pd.Timedelta(days=1)


def _key(name: object) -> str:
    return (
        ""
        if name is None or (isinstance(name, float) and math.isnan(name))
        else str(name).strip().casefold()
    )


def _runs(activities: pd.DataFrame, as_of: DayLike | None) -> pd.DataFrame:
    """Day, km and gear key of each activity up to ``as_of``."""
    gear = (
        activities[c.GEAR]
        if c.GEAR in activities.columns
        else pd.Series(None, index=activities.index)
    )
    frame = pd.DataFrame(
        {
            c.DATE: local_days(activities),
            c.DISTANCE_KM: pd.to_numeric(activities[c.DISTANCE_M], errors="coerce").fillna(0.0)
            / 1000.0,
            c.NAME: gear.map(_key),
            "shown": gear,
        }
    )
    if as_of is not None:
        frame = frame[frame[c.DATE] <= to_day(as_of)]
    return frame.dropna(subset=[c.DATE]).reset_index(drop=True)


def shoe_status(distance_km: float, retire_km: float, retired: bool) -> str:
    """``retired``, ``retire`` (at or over the retirement distance), ``soon`` (from
    :data:`RETIRE_SOON_FRACTION` of it) or ``ok``.

    Worked example: with 700 km to retirement, 629 km is ok, 630 km soon, 700 km retire.
    """
    if retired:
        return STATUS_RETIRED
    if distance_km >= retire_km - 1e-9:
        return STATUS_RETIRE
    if distance_km >= RETIRE_SOON_FRACTION * retire_km - 1e-9:
        return STATUS_SOON
    return STATUS_OK


def shoe_table(
    activities: pd.DataFrame, shoes: pd.DataFrame, as_of: DayLike | None = None
) -> pd.DataFrame:
    """Every pair with its distance, first day and retirement status.

    Parameters
    ----------
    activities
        The activities that count (runs, duplicates left out) with ``gear``.
    shoes
        The athlete's pairs (:data:`analysis.columns.SHOE_COLUMNS`).
    as_of
        Runs after this day are left out (None: all).

    Returns
    -------
    pandas.DataFrame
        :data:`SHOE_TABLE_COLUMNS`: ``shoe_id`` (None for a pair only named on runs),
        ``name``, ``gear_source``, ``first_used`` (the stored day, else the first run in the
        pair), ``distance_km`` [km] and ``runs`` in the pair, ``retire_km`` [km] (the stored
        one or :data:`DEFAULT_RETIRE_KM`), ``retired`` and ``shoe_status``
        (:func:`shoe_status`); by first day used, pairs never used last.
    """
    runs = _runs(activities, as_of)
    named = runs[runs[c.NAME] != ""]
    per_pair = named.groupby(c.NAME).agg(
        km=(c.DISTANCE_KM, "sum"),
        n=(c.DISTANCE_KM, "size"),
        first=(c.DATE, "min"),
        shown=("shown", "first"),
    )
    rows: list[dict[str, object]] = []
    seen: set[str] = set()
    for shoe in shoes.itertuples(index=False):
        key = _key(getattr(shoe, c.NAME))
        seen.add(key)
        used: dict[Any, Any] | None = per_pair.loc[key].to_dict() if key in per_pair.index else None
        first = getattr(shoe, c.FIRST_USED)
        if pd.isna(first) and used is not None:
            first = used["first"]
        retire = getattr(shoe, c.RETIRE_KM)
        rows.append(
            {
                c.SHOE_ID: getattr(shoe, c.SHOE_ID),
                c.NAME: getattr(shoe, c.NAME),
                c.GEAR_SOURCE: getattr(shoe, c.GEAR_SOURCE),
                c.FIRST_USED: first,
                c.DISTANCE_KM: float(used["km"]) if used is not None else 0.0,
                c.RUNS: int(used["n"]) if used is not None else 0,
                c.RETIRE_KM: DEFAULT_RETIRE_KM if pd.isna(retire) else float(retire),
                c.RETIRED: bool(getattr(shoe, c.RETIRED)),
            }
        )
    for pair_key, found in per_pair.iterrows():
        if str(pair_key) in seen:
            continue
        row = found.to_dict()
        rows.append(
            {
                c.SHOE_ID: None,
                c.NAME: str(row["shown"]).strip(),
                c.GEAR_SOURCE: "strava",
                c.FIRST_USED: row["first"],
                c.DISTANCE_KM: float(row["km"]),
                c.RUNS: int(row["n"]),
                c.RETIRE_KM: DEFAULT_RETIRE_KM,
                c.RETIRED: False,
            }
        )
    out = pd.DataFrame(rows, columns=[col for col in SHOE_TABLE_COLUMNS if col != c.SHOE_STATUS])
    out[c.FIRST_USED] = pd.to_datetime(out[c.FIRST_USED]).astype("datetime64[ns]")
    out = out.astype(
        {c.DISTANCE_KM: "float64", c.RETIRE_KM: "float64", c.RUNS: "int64", c.RETIRED: bool}
    )
    out[c.SHOE_ID] = pd.Series(
        [None if pd.isna(v) else str(v) for v in out[c.SHOE_ID]], index=out.index, dtype=object
    )
    out[c.SHOE_STATUS] = [
        shoe_status(km, retire, retired)
        for km, retire, retired in zip(
            out[c.DISTANCE_KM], out[c.RETIRE_KM], out[c.RETIRED], strict=True
        )
    ]
    out = out.sort_values([c.FIRST_USED, c.NAME], na_position="last", kind="stable")
    return out.reset_index(drop=True)[list(SHOE_TABLE_COLUMNS)]


def run_pairs(activities: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """Each run with the pair it counts for, newest first.

    Parameters
    ----------
    activities
        The activities that count, with ``activity_id``, ``local_date``, ``name``,
        ``distance_m`` and ``gear``.
    table
        :func:`shoe_table`: a run's gear is shown as the pair's name there (a run whose gear
        reads ``"pegasus 40 "`` is in ``"Pegasus 40"``).

    Returns
    -------
    pandas.DataFrame
        :data:`RUN_PAIR_COLUMNS`: ``activity_id``, ``date`` (the local day), ``name`` (the
        run's, else its file's ``source_name``), ``distance_km`` [km] and ``gear`` (the pair's name; None for a run in no pair,
        its own gear text for a pair the table does not list), latest day first.
    """
    shown: dict[str, object] = {}
    for name in table[c.NAME]:
        shown.setdefault(_key(name), name)
    gear = (
        activities[c.GEAR]
        if c.GEAR in activities.columns
        else pd.Series(None, index=activities.index, dtype=object)
    )
    pairs = [None if not _key(raw) else shown.get(_key(raw), str(raw).strip()) for raw in gear]
    names = (
        activities[c.NAME]
        if c.NAME in activities.columns
        else pd.Series(None, index=activities.index)
    )
    if c.SOURCE_NAME in activities.columns:  # a run without a name (a FIT file): its file's
        names = names.where(names.notna(), activities[c.SOURCE_NAME])
    out = pd.DataFrame(
        {
            c.ACTIVITY_ID: activities[c.ACTIVITY_ID].astype(str).to_numpy(),
            c.DATE: local_days(activities).to_numpy(),
            c.NAME: names.to_numpy(),
            c.DISTANCE_KM: (
                pd.to_numeric(activities[c.DISTANCE_M], errors="coerce").fillna(0.0) / 1000.0
            ).to_numpy(),
            c.GEAR: pairs,
        },
        columns=list(RUN_PAIR_COLUMNS),
    )
    out[c.DATE] = pd.to_datetime(out[c.DATE]).astype("datetime64[ns]")
    out[c.DISTANCE_KM] = out[c.DISTANCE_KM].astype("float64")
    # newest first; runs of one day keep their order, reversed (the latest start first)
    out = out.iloc[::-1].sort_values(c.DATE, ascending=False, kind="stable", na_position="last")
    out = out.reset_index(drop=True)
    for col in (c.NAME, c.GEAR):  # None where empty, never NaN
        out[col] = pd.Series(
            [None if v is None or pd.isna(v) else str(v) for v in out[col]], dtype=object
        )
    return out


def new_pair_share(
    activities: pd.DataFrame, table: pd.DataFrame, as_of: DayLike | None = None
) -> pd.DataFrame:
    """Each new pair's share of the running distance in its first :data:`NEW_PAIR_WEEKS` weeks.

    Week k of a pair (k = 1, 2, 3) is the 7 days from ``first_used + 7 (k − 1)``; its share is
    the distance run in the pair over those days / all running distance over them × 100. Windows
    that start after ``as_of`` are left out; the one holding ``as_of`` counts as it stands. A
    pair is new when another pair was first used before it.

    Worked example: a pair first used on a Monday, with 8 km in it and 32 km in other shoes in
    its first 7 days, has a share of 8 / 40 = 20 % in its week 1 (within the 30 % limit).

    Parameters
    ----------
    activities
        The activities that count, with ``gear``.
    table
        :func:`shoe_table`.
    as_of
        Today (None: no window is left out).

    Returns
    -------
    pandas.DataFrame
        :data:`NEW_PAIR_COLUMNS`: ``name``, ``week_of_use`` (1…), ``start_date`` (the
        window's first day), ``new_pair_km`` and ``distance_km`` [km], ``new_pair_share_pct``
        [%] (NaN without running in the window) and ``over_new_pair_limit``.
    """
    runs = _runs(activities, as_of)
    used = table.dropna(subset=[c.FIRST_USED]).sort_values(c.FIRST_USED, kind="stable")
    rows: list[dict[str, object]] = []
    earliest = pd.to_datetime(used[c.FIRST_USED]).min() if len(used) else None
    for pair in used.itertuples(index=False):
        first = pd.Timestamp(getattr(pair, c.FIRST_USED))
        if earliest is None or first <= earliest:
            continue  # nothing to rotate with before it
        key = _key(getattr(pair, c.NAME))
        for week in range(NEW_PAIR_WEEKS):
            start = first + week * 7 * _DAY
            if as_of is not None and start > to_day(as_of):
                break
            inside = runs[(runs[c.DATE] >= start) & (runs[c.DATE] < start + 7 * _DAY)]
            total = float(inside[c.DISTANCE_KM].sum())
            mine = float(inside.loc[inside[c.NAME] == key, c.DISTANCE_KM].sum())
            share = mine * 100.0 / total if total > 0 else math.nan
            rows.append(
                {
                    c.NAME: getattr(pair, c.NAME),
                    c.WEEK_OF_USE: week + 1,
                    c.START_DATE: start,
                    c.NEW_PAIR_KM: mine,
                    c.DISTANCE_KM: total,
                    c.NEW_PAIR_SHARE_PCT: share,
                    c.OVER_NEW_PAIR_LIMIT: bool(share > NEW_PAIR_SHARE_MAX_PCT + 1e-9),
                }
            )
    out = pd.DataFrame(rows, columns=list(NEW_PAIR_COLUMNS))
    out[c.START_DATE] = pd.to_datetime(out[c.START_DATE]).astype("datetime64[ns]")
    return out.astype(
        {
            c.WEEK_OF_USE: "int64",
            c.NEW_PAIR_KM: "float64",
            c.DISTANCE_KM: "float64",
            c.NEW_PAIR_SHARE_PCT: "float64",
            c.OVER_NEW_PAIR_LIMIT: bool,
        }
    )


def shares_over(shares: pd.DataFrame) -> list[str]:
    """The pairs whose share went over the limit in one of their first weeks."""
    over = shares[shares[c.OVER_NEW_PAIR_LIMIT]]
    return list(dict.fromkeys(str(name) for name in over[c.NAME]))


__all__ = [
    "DEFAULT_RETIRE_KM",
    "NEW_PAIR_SHARE_MAX_PCT",
    "NEW_PAIR_WEEKS",
    "RETIRE_SOON_FRACTION",
    "RUN_PAIR_COLUMNS",
    "SHOP_RETIRE_KM",
    "new_pair_share",
    "run_pairs",
    "shares_over",
    "shoe_status",
    "shoe_table",
]
