"""Block bands, the proposed plan and the shoe figures: what they draw from metric output."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from analysis import columns as c
from analysis.figures.blocks import BAND_OPACITY, add_block_bands, proposal_figure
from analysis.figures.gear import new_pair_share_figure, shoe_distance_figure
from analysis.metrics import gear
from analysis.metrics.blocks import propose_plan
from analysis.units import KM_PER_MILE

BLOCKS = pd.DataFrame(
    {
        c.START_DATE: pd.to_datetime(["2026-01-05", "2026-03-02", "2026-06-01"]),
        c.END_DATE: pd.to_datetime(["2026-03-01", "2026-03-15", "2026-06-14"]),
        c.BLOCK_KIND: ["base", "taper", "recovery"],
    }
)


def test_bands_are_cut_to_the_period_and_labelled() -> None:
    fig = add_block_bands(go.Figure(), BLOCKS, pd.Timestamp("2026-02-01").date(),
                          pd.Timestamp("2026-03-10").date())  # fmt: skip
    rects = [s for s in fig.layout.shapes if s.opacity == BAND_OPACITY]
    # base cut at the period's first day; taper cut after the last day; recovery outside: none
    assert [(str(r.x0)[:10], str(r.x1)[:10]) for r in rects] == [
        ("2026-02-01", "2026-03-02"),
        ("2026-03-02", "2026-03-11"),
    ]
    assert [a.text for a in fig.layout.annotations] == ["base", "taper"]
    assert add_block_bands(go.Figure(), BLOCKS.iloc[0:0]).layout.shapes == ()


def test_the_proposal_figure_stacks_the_race_on_its_week_in_miles() -> None:
    weeks = propose_plan("2026-11-15", "2026-11-29", 21.0975, 60.0).weeks
    fig = proposal_figure(weeks, "mi")
    names = [t.name for t in fig.data]
    assert names == ["taper", "the race"]
    # 36 and 24 km of taper volume (60 km cut by 40 and 60 %), in miles
    assert list(fig.data[0].y) == pytest.approx([36.0 / KM_PER_MILE, 24.0 / KM_PER_MILE])
    assert abs(fig.data[1].y[0] * KM_PER_MILE - 21.0975) < 1e-9
    assert "[mi]" in fig.layout.yaxis.title.text
    assert "No weeks" in str(proposal_figure(weeks.iloc[0:0], "km").layout.annotations[0].text)


def test_shoe_figures_colour_status_and_draw_the_limit() -> None:
    runs = pd.DataFrame(
        {
            c.LOCAL_DATE: pd.to_datetime(["2026-09-01", "2026-09-08", "2026-09-09"]),
            c.DISTANCE_M: [10_000.0, 10_000.0, 10_000.0],
            c.GEAR: ["Old", "New", "Old"],
        }
    )
    table = gear.shoe_table(runs, pd.DataFrame(columns=list(c.SHOE_COLUMNS)))
    fig = shoe_distance_figure(table, "km")
    assert {t.name for t in fig.data} == {"ok", "retirement distance"}
    shares = gear.new_pair_share(runs, table)
    share_fig = new_pair_share_figure(shares, gear.NEW_PAIR_SHARE_MAX_PCT)
    assert share_fig.data[0].y[0] == 50.0  # 10 of 20 km in its first week
    assert [s.y0 for s in share_fig.layout.shapes] == [gear.NEW_PAIR_SHARE_MAX_PCT]
