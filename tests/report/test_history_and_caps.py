"""Only history is compared with published figures, and each scenario's own dated ACA caps
are drawn per calendar year against that year's transfers."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import polars as pl
import pytest

from asylum_pathways.report.history import compared, represents_history
from helpers import cli

SUMMARY = {
    "start": "2020-01-01",
    "end": "2020-12-31",
    "scenarios": {
        "history": {"extends": None, "changed_parameters": []},
        "as-is": {"extends": None, "changed_parameters": []},
        "plan": {"extends": None, "changed_parameters": ["law.title42.in_force"]},
        "plan-b": {"extends": "plan", "changed_parameters": []},
    },
}


def test_a_scenario_represents_history_when_it_is_history_or_changes_nothing() -> None:
    assert [n for n in SUMMARY["scenarios"] if represents_history(SUMMARY, n)] == [
        "history",
        "as-is",
    ]
    assert not represents_history(SUMMARY, "absent")


def test_only_rows_of_history_inside_the_horizon_are_compared() -> None:
    rows = pl.DataFrame(
        {
            "scenario": ["history", "plan", "history", "plan-b"],
            "date": [dt.date(2020, 5, 1), dt.date(2020, 5, 1), dt.date(2021, 2, 1)] * 1
            + [dt.date(2020, 6, 1)],
        }
    )
    kept = compared(rows, SUMMARY)
    assert kept.to_dicts() == [{"scenario": "history", "date": dt.date(2020, 5, 1)}]


@pytest.mark.slow
def test_a_counterfactual_is_not_scored_against_published_figures(results_copy: Path) -> None:
    path = results_copy / "validation.csv"
    table = pl.read_csv(path)
    table.with_columns(pl.lit("outlook-2020-03-10").alias("scenario")).write_csv(path)
    run = cli("report", str(results_copy))
    assert run.returncode == 0, run.stderr
    text = html.unescape((results_copy / "report.html").read_text())
    assert "The model is not compared with published figures here" in text
    assert "close for" not in text and "Against the" not in text
    assert 'data-chart="validation_series"' not in text


@pytest.mark.slow
def test_a_lab_scenarios_own_cap_is_drawn_for_its_year(tmp_path: Path) -> None:
    lab = tmp_path / "lab.yaml"
    lab.write_text(
        "name: lab-cap\nlabel: El Salvador capped at 500\n"
        "description: The plan of 10 March 2020 with El Salvador taking at most 500 a year.\n"
        "extends: outlook-2020-03-10\n"
        "reference: [{title: A test lever, href: https://example.org/lever}]\n"
        "assumptions:\n  aca.agreements.sv.annual_cap:\n    - {from: 2020-03-31, value: 500}\n"
    )
    out = tmp_path / "out"
    run = cli(
        "simulate", "--scenario", "history", "--scenario", str(lab), "--start", "2020-01-01",
        "--end", "2020-12-31", "--reps", "1", "--no-progress", "--out", str(out),
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    aca = pl.read_csv(
        out / "report_data" / "aca.csv", try_parse_dates=True, schema_overrides={"cap": pl.Float64}
    )
    sv = aca.filter(pl.col("country") == "SV")
    caps = {
        (r["scenario"], r["week"]): r["cap"]
        for r in sv.select("scenario", "week", "cap").to_dicts()
    }
    assert caps[("lab-cap", dt.date(2020, 3, 16))] is None  # before the lab's cap: none
    assert caps[("lab-cap", dt.date(2020, 6, 1))] == 500
    assert caps[("history", dt.date(2020, 6, 1))] is None  # "more than 2,000" is no cap
    # transfers are counted from each 1 January, so a year's count meets that year's cap
    assert sv.filter(pl.col("scenario") == "lab-cap")["median"].max() <= 500
    text = html.unescape((out / "report.html").read_text())
    assert "500 a year from 31 March 2020 (El Salvador capped at 500)" in text
