"""Shoes: distance per pair, retirement warnings and a new pair's share, worked by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis import columns as c
from analysis.metrics import gear as g
from analysis.store.season import SHOES, TABLE_COLUMNS, season_frame


def _runs(rows: list[tuple[str, float, str | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            c.LOCAL_DATE: pd.to_datetime([day for day, _, _ in rows]),
            c.DISTANCE_M: [km * 1000.0 for _, km, _ in rows],
            c.GEAR: [name for _, _, name in rows],
        }
    )


def _shoes(rows: list[tuple[str, str | None, float | None, bool, str]]) -> pd.DataFrame:
    return season_frame([(f"id{i}", *row) for i, row in enumerate(rows)], SHOES).reindex(
        columns=list(TABLE_COLUMNS[SHOES])
    )


RUNS = _runs(
    [
        ("2026-09-01", 10.0, "Pegasus 40"),
        ("2026-09-03", 12.0, "pegasus 40 "),  # case and space ignored
        ("2026-09-06", 20.0, "Pegasus 40"),
        ("2026-09-07", 8.0, "Clifton 9"),  # the new pair's first day
        ("2026-09-09", 12.0, "Pegasus 40"),
        ("2026-09-10", 10.0, "Clifton 9"),
        ("2026-09-13", 20.0, "Pegasus 40"),
        ("2026-09-14", 10.0, "Clifton 9"),  # day 8 of the new pair: its week 2
        ("2026-09-15", 10.0, None),  # no gear named
    ]
)


def test_distance_first_day_and_status_per_pair() -> None:
    # Pegasus: 10 + 12 + 20 + 12 + 20 = 74 km in 5 runs, first used 1 Sep (from the runs);
    # Clifton: 8 + 10 + 10 = 28 km in 3 runs, typed with its own first day and 30 km to retire:
    # 28 >= 0.9 x 30 = 27 -> "soon". Typed pair never run: 0 km.
    shoes = _shoes(
        [("Clifton 9", "2026-09-07", 30.0, False, "typed"), ("Trail", None, None, False, "typed")]
    )
    table = g.shoe_table(RUNS, shoes)
    assert table[c.NAME].tolist() == ["Pegasus 40", "Clifton 9", "Trail"]
    assert table[c.DISTANCE_KM].tolist() == pytest.approx([74.0, 28.0, 0.0])
    assert table[c.RUNS].tolist() == [5, 3, 0]
    assert table[c.GEAR_SOURCE].tolist() == ["strava", "typed", "typed"]
    assert table[c.SHOE_ID].tolist() == [None, "id0", "id1"]
    assert table[c.FIRST_USED].iloc[0] == pd.Timestamp("2026-09-01")
    assert pd.isna(table[c.FIRST_USED].iloc[2])
    assert table[c.RETIRE_KM].tolist() == [g.DEFAULT_RETIRE_KM, 30.0, g.DEFAULT_RETIRE_KM]
    assert table[c.SHOE_STATUS].tolist() == ["ok", "soon", "ok"]
    # as of 6 Sep only the first three runs count: 42 km
    assert g.shoe_table(RUNS, shoes, as_of="2026-09-06")[c.DISTANCE_KM].iloc[0] == 42.0


def test_retirement_status_worked_by_hand() -> None:
    # retire at 700 km: 629 ok, 630 = 0.9 x 700 soon, 700 retire; a retired pair is retired
    assert g.shoe_status(629.0, 700.0, False) == "ok"
    assert g.shoe_status(630.0, 700.0, False) == "soon"
    assert g.shoe_status(700.0, 700.0, False) == "retire"
    assert g.shoe_status(900.0, 700.0, True) == "retired"


def test_a_new_pairs_share_of_its_first_weeks() -> None:
    # Clifton first used Mon 7 Sep (after Pegasus, 1 Sep: so it is new).
    # week 1 = 7..13 Sep: Clifton 8 + 10 = 18 km; all runs 8 + 12 + 10 + 20 = 50 km
    #   -> 18 / 50 = 36 % > 30 %: over the limit.
    # week 2 = 14..20 Sep: Clifton 10 of 10 + 10 (no gear) = 20 km -> 50 %.
    # week 3 = 21..27 Sep: no running -> no share (NaN), not over.
    table = g.shoe_table(RUNS, _shoes([]))
    shares = g.new_pair_share(RUNS, table)
    assert shares[c.NAME].tolist() == ["Clifton 9"] * 3  # the first pair is not new
    assert shares[c.WEEK_OF_USE].tolist() == [1, 2, 3]
    assert shares[c.START_DATE].tolist() == list(
        pd.to_datetime(["2026-09-07", "2026-09-14", "2026-09-21"])
    )
    assert shares[c.NEW_PAIR_KM].tolist() == pytest.approx([18.0, 10.0, 0.0])
    assert shares[c.DISTANCE_KM].tolist() == pytest.approx([50.0, 20.0, 0.0])
    assert shares[c.NEW_PAIR_SHARE_PCT].iloc[0] == pytest.approx(36.0)
    assert shares[c.NEW_PAIR_SHARE_PCT].iloc[1] == pytest.approx(50.0)
    assert math.isnan(shares[c.NEW_PAIR_SHARE_PCT].iloc[2])
    assert shares[c.OVER_NEW_PAIR_LIMIT].tolist() == [True, True, False]
    assert g.shares_over(shares) == ["Clifton 9"]
    # as of 13 Sep the pair's later weeks have not begun
    assert len(g.new_pair_share(RUNS, table, as_of="2026-09-13")) == 1


def test_a_gradual_new_pair_stays_within_the_limit() -> None:
    # 8 km of 40 in its first week: 20 % (the docstring's worked example), within 30 %
    runs = _runs(
        [
            ("2026-08-01", 10.0, "Old"),
            ("2026-09-07", 8.0, "New"),
            ("2026-09-08", 16.0, "Old"),
            ("2026-09-10", 16.0, "Old"),
        ]
    )
    shares = g.new_pair_share(runs, g.shoe_table(runs, _shoes([])), as_of="2026-09-13")
    assert shares[c.NEW_PAIR_SHARE_PCT].tolist() == pytest.approx([20.0])
    assert not shares[c.OVER_NEW_PAIR_LIMIT].any()


def test_no_shoes_and_no_gear_give_empty_frames() -> None:
    runs = _runs([("2026-09-01", 10.0, None)])
    table = g.shoe_table(runs, _shoes([]))
    assert table.empty and list(table.columns) == list(g.SHOE_TABLE_COLUMNS)
    shares = g.new_pair_share(runs, table)
    assert shares.empty and list(shares.columns) == list(g.NEW_PAIR_COLUMNS)


def test_each_run_is_shown_in_the_pair_the_table_names() -> None:
    runs = _runs(
        [
            ("2026-09-01", 10.0, "pegasus 40 "),  # the table's "Pegasus 40"
            ("2026-09-02", 8.0, None),
            ("2026-09-02", 6.0, "  "),  # blank: no pair
            ("2026-09-03", 12.0, "Clifton 9"),
        ]
    )
    runs[c.ACTIVITY_ID] = ["a", "b", "c", "d"]
    runs[c.NAME] = ["Easy", None, "Strides", "Long"]
    shoes = _shoes([("Pegasus 40", "2026-08-01", None, False, "typed")])
    table = g.shoe_table(runs, shoes)
    # the pairs put on runs count as the gear an export names: Pegasus 10 km, Clifton 12 km
    assert table[c.DISTANCE_KM].tolist() == pytest.approx([10.0, 12.0])
    got = g.run_pairs(runs, table)
    assert list(got.columns) == list(g.RUN_PAIR_COLUMNS)
    # latest day first; of two runs on one day, the later one first
    assert got[c.ACTIVITY_ID].tolist() == ["d", "c", "b", "a"]
    assert got[c.GEAR].tolist() == ["Clifton 9", None, None, "Pegasus 40"]
    assert got[c.NAME].tolist() == ["Long", "Strides", None, "Easy"]
    assert got[c.DISTANCE_KM].tolist() == pytest.approx([12.0, 6.0, 8.0, 10.0])
    # a pair the table does not list (a run after its as_of day) keeps the run's own text
    assert g.run_pairs(runs, g.shoe_table(runs, shoes, as_of="2026-09-02"))[c.GEAR].iloc[0] == (
        "Clifton 9"
    )
