"""Scenario differences are taken replication by replication against the right baseline."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import polars as pl
import pytest

from asylum_pathways.report import differences
from asylum_pathways.report.findings import answer


def _summary() -> dict[str, Any]:
    reps = {
        "base": {"title42_expulsions": [10.0, 20.0, 30.0], "aca_transfers_GT": [1.0, 1.0, 1.0]},
        "plan": {"title42_expulsions": [0.0, 0.0, 0.0], "aca_transfers_GT": [5.0, 7.0, 9.0]},
        "variant": {"title42_expulsions": [0.0, 0.0, 0.0], "aca_transfers_GT": [5.0, 7.0, 8.0]},
    }
    return {
        "end": "2020-12-31",
        "replications": 3,
        "scenarios": {
            "base": {"label": "As it was", "extends": None, "replicates": reps["base"]},
            "plan": {"label": "The plan", "extends": None, "replicates": reps["plan"]},
            "variant": {"label": "A variant", "extends": "plan", "replicates": reps["variant"]},
        },
    }


def test_a_scenario_is_compared_with_the_scenario_it_extends_else_the_first() -> None:
    pairs = differences.pairs(_summary())
    assert [(p.scenario, p.baseline) for p in pairs] == [("plan", "base"), ("variant", "plan")]


def test_differences_are_paired_by_replication() -> None:
    d = differences.headline(_summary())
    t42 = d.filter((pl.col("scenario") == "plan") & (pl.col("metric") == "title42_expulsions"))
    assert t42["mean"][0] == pytest.approx(-20.0)
    assert t42["p5"][0] == pytest.approx(np.percentile([-10, -20, -30], 5))
    aca = d.filter((pl.col("scenario") == "variant") & (pl.col("metric") == "aca_transfers"))
    # paired: 0, 0, -1 (unpaired levels would overlap completely)
    assert aca["mean"][0] == pytest.approx(-1 / 3)
    assert aca["p95"][0] == pytest.approx(0.0)


def test_the_answer_names_scenarios_by_label_and_says_which_way() -> None:
    sentences = answer(_summary(), differences.headline(_summary()))
    assert sentences[0].startswith(
        "The plan, against As it was, over the whole horizon: 20 fewer Title 42 expulsions"
    )
    assert "6 more ACA transfers" in sentences[0]
    assert sentences[1].startswith("A variant, against The plan, over the whole horizon:")
    assert "no clear difference in ACA transfers" not in sentences[1]


def test_differences_over_time_subtract_the_same_replication_and_day() -> None:
    days = [dt.date(2020, 1, 6) + dt.timedelta(days=i) for i in range(7)]
    rows = []
    for scenario, per_day in (("base", 2.0), ("plan", 0.0), ("variant", 0.0)):
        for rep in (0, 1):
            for day in days:
                rows.append((scenario, rep, day, "pathway_TITLE42_EXPULSION", per_day * (1 + rep)))
    daily = pl.DataFrame(
        rows, schema=["scenario", "replication", "date", "metric", "value"], orient="row"
    )
    out = differences.over_time(daily, _summary())
    t42 = out.filter(
        (pl.col("scenario") == "plan") & (pl.col("series") == "Title 42 expulsions (cumulative)")
    )
    # a week of 2 (rep 0) or 4 (rep 1) a day fewer expulsions: -14 and -28, median -21
    assert t42["median"].to_list() == [pytest.approx(-21.0)]
    assert t42["comparison"][0] == "The plan − As it was"


def test_a_study_of_one_scenario_answers_with_its_levels() -> None:
    summary = {
        "end": "2020-12-31",
        "scenarios": {
            "only": {
                "label": "Only",
                "replicates": {"title42_expulsions": [1.0, 2.0]},
                "headline": {"title42_expulsions": {"mean": 1.5, "p5": 1.05, "p95": 1.95}},
            }
        },
    }
    diffs = differences.headline(summary)
    assert diffs.height == 0
    assert answer(summary, diffs) == ["Only: 1.50 (5–95%: 1.05–1.95) Title 42 expulsions."]


def test_a_difference_in_the_table_carries_its_sign() -> None:
    from asylum_pathways.report.findings import signed

    assert signed({"mean": -462019.2, "p5": -463036.0, "p95": -461488.0}) == (
        "−462,019 (5–95%: −463,036 to −461,488)"
    )
    assert signed({"mean": 5.0, "p5": 0.2, "p95": 9.0}) == "+5 (5–95%: 0 to +9)"
