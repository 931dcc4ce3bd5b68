"""The 2024-2026 targets reproduce CBP's published monthly totals, and the gap between the
two covered ranges is refused."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from asylum_pathways.codes import SECTORS
from asylum_pathways.data import load
from asylum_pathways.sim.model import targets, targets_months
from helpers import cli

PUBLISHED = load("encounters-2025.yaml")["usbp_swb_monthly"]["months"]


def test_each_published_2025_month_is_its_usbp_total_exactly() -> None:
    t = targets.build()
    for key, row in PUBLISHED.items():
        i = t.month_index(dt.date(int(key[:4]), int(key[5:]), 1))
        assert np.isclose(t.tensor[i, :9].sum(), row["value"], rtol=1e-9), key


def test_ofo_uses_the_published_month_where_there_is_one() -> None:
    t = targets.build()
    ofo = load("encounters-2025.yaml")["ofo_swb_monthly"]["months"]["2025-02"]["value"]
    assert np.isclose(t.tensor[t.month_index(dt.date(2025, 2, 14)), 9:].sum(), ofo)


def test_the_covered_ranges_are_the_2019_data_and_the_2025_months() -> None:
    first, last = min(PUBLISHED), max(PUBLISHED)
    assert targets.describe() == (
        f"2018-10-01..2021-01-31 and {first}-01..{targets_months.last_day(targets_months.month_of(last))}"
    )
    assert len(targets.build().months) == 28 + len(PUBLISHED)


def test_a_month_in_the_gap_has_no_index() -> None:
    t = targets.build()
    with pytest.raises(ValueError, match=re.escape("2018-10-01..2021-01-31 and 2024-10-01")):
        t.month_index(dt.date(2023, 6, 15))
    assert targets.uncovered(dt.date(2020, 12, 1), dt.date(2025, 3, 31)) == dt.date(2021, 2, 1)
    assert targets.uncovered(dt.date(2024, 9, 1), dt.date(2025, 3, 31)) == dt.date(2024, 9, 1)
    assert targets.uncovered(dt.date(2025, 1, 1), dt.date(2025, 12, 31)) is None


def test_fy2025_and_the_published_months_of_fy2026_are_covered() -> None:
    # FY2025 is 2024-10..2025-09; FY2026 is published through August 2026
    assert targets.uncovered(dt.date(2024, 10, 1), dt.date(2026, 8, 31)) is None
    assert targets.uncovered(dt.date(2024, 10, 1), dt.date(2026, 9, 1)) == dt.date(2026, 9, 1)
    fy25 = sum(PUBLISHED[k]["value"] for k in PUBLISHED if "2024-10" <= k <= "2025-09")
    fact = {f["id"]: f for f in load("encounters-2025.yaml")["facts"]}["usbp.fy2025"]
    # the months used (releases and CBP's revised table) against DHS's preliminary FY2025 total
    assert abs(fy25 / fact["total"] - 1) < 0.001


def test_every_covered_month_has_its_ofo_count() -> None:
    ofo = load("encounters-2025.yaml")["ofo_swb_monthly"]["months"]
    t = targets.build()
    for key in PUBLISHED:
        assert key in ofo, key
        i = t.month_index(dt.date(int(key[:4]), int(key[5:]), 1))
        assert np.isclose(t.tensor[i, 9:].sum(), ofo[key]["value"]), key


@pytest.mark.slow
def test_a_horizon_across_the_gap_is_refused_with_the_covered_ranges(tmp_path: Path) -> None:
    result = cli(
        "simulate",
        *("--start", "2020-12-01", "--end", "2025-02-28", "--scenario", "history"),
        *("--out", str(tmp_path / "o"), "--no-progress"),
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "outside the calibration data" in result.stderr
    assert "2018-10-01..2021-01-31 and 2024-10-01.." in result.stderr
    assert not (tmp_path / "o").exists()


@pytest.mark.slow
def test_a_short_2025_simulation_writes_the_honduras_and_monthly_rows(tmp_path: Path) -> None:
    out = tmp_path / "q4"
    result = cli(
        "simulate",
        *("--scenario", "history", "--start", "2025-07-01", "--end", "2025-12-31"),
        *("--reps", "2", "--workers", "1", "--out", str(out), "--no-report", "--no-progress"),
    )
    assert result.returncode == 0, result.stderr
    # the transfer counts run from each agreement's first day (2025-10-10, 2025-07-15):
    # a horizon from 2025-07-01 holds both
    val = pl.read_csv(out / "validation.csv")
    rows = {r["id"]: r for r in val.iter_rows(named=True)}
    assert rows["aca.hn.2025-12-05"]["published"] == 16
    assert rows["aca.gt.2025-12-05"]["published"] == 0
    assert rows["aca.hn.2025-12-05"]["relation"] == "at_least"  # "at least 16"
    for key in ("2025-10", "2025-11", "2025-12"):
        row = rows[f"usbp.encounters.{key}"]
        assert row["published"] == PUBLISHED[key]["value"]
        assert row["kind"] == "by_construction"  # fitted by the generator, not independent
        assert abs(row["model_mean"] / row["published"] - 1) < 0.05
        assert rows[f"ofo.encounters.{key}"]["kind"] == "by_construction"
        # DHS's "zero releases": independent of every assumption, and the rules of 2025 agree
        released = rows[f"usbp.releases.{key}"]
        assert released["kind"] == "validation" and released["published"] == 0
        assert released["model_p95"] == 0 and released["agrees"]


@pytest.mark.slow
def test_border_patrol_releases_are_independent_validation_rows(tmp_path: Path) -> None:
    out = tmp_path / "q1"
    result = cli(
        "simulate",
        *("--scenario", "history", "--start", "2024-12-01", "--end", "2025-01-31"),
        *("--reps", "2", "--workers", "1", "--out", str(out), "--no-report", "--no-progress"),
    )
    assert result.returncode == 0, result.stderr
    rows = {r["id"]: r for r in pl.read_csv(out / "validation.csv").iter_rows(named=True)}
    december = rows["usbp.releases.2024-12"]
    assert december["published"] == 7041 and december["kind"] == "validation"
    # Border Patrol's releases only: the port arrivals' notices to appear are not counted
    assert 0 < december["model_mean"] < rows["usbp.encounters.2024-12"]["published"]


def test_a_scenario_that_sets_the_2025_shares_changes_the_people_drawn() -> None:
    """The tree is the model's only input: the 2025 shares are read from the run's tree, not
    the package's (a scenario setting them was accepted and ignored before 2026-12)."""
    from asylum_pathways.params import load_tree
    from asylum_pathways.scenarios import load_overlay

    tree = load_tree()
    overlay = {
        "name": "all-to-yuma",
        "description": "Every 2025 Border Patrol encounter in Yuma.",
        "reference": [{"title": "A test of the generator", "href": "https://example.org/t"}],
        "assumptions": {
            "encounters_2025.sector_share": [
                {"from": "2024-10-01", "value": {s: (1.0 if s == "YUM" else 0.0) for s in SECTORS}}
            ]
        },
    }
    yuma = load_overlay(overlay, tree, "test").tree
    a, b = targets.build(tree), targets.build(yuma)
    i = a.months.index(dt.date(2025, 3, 1))
    y = list(a.locations).index("YUM")
    assert b.tensor[i, :9].sum() == pytest.approx(a.tensor[i, :9].sum())
    assert b.tensor[i, y].sum() == pytest.approx(b.tensor[i, :9].sum())
    assert a.tensor[i, y].sum() < 0.5 * a.tensor[i, :9].sum()
    assert np.array_equal(a.tensor[: a.months.index(dt.date(2021, 1, 1)) + 1],
                          b.tensor[: b.months.index(dt.date(2021, 1, 1)) + 1])  # fmt: skip
