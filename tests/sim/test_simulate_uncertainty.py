"""`simulate` says which uncertainty its intervals include: by default the shipped posterior's
parameters and the unpublished capacities' priors as well as Monte Carlo noise; with
--fixed-parameters, Monte Carlo noise only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import cli

ARGS = ("--start", "2019-11-01", "--end", "2020-01-31", "--reps", "3", "--workers", "1")


def simulate(out: Path, *extra: str) -> dict:  # type: ignore[type-arg]
    result = cli("simulate", *ARGS, "--out", str(out), "--no-report", "--no-progress", *extra)
    assert result.returncode == 0, result.stderr
    return json.loads((out / "summary.json").read_text())


@pytest.fixture(scope="module")
def summaries(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, dict]:  # type: ignore[type-arg]
    tmp = tmp_path_factory.mktemp("uncertainty")
    return simulate(tmp / "drawn"), simulate(tmp / "fixed", "--fixed-parameters")


@pytest.mark.slow
def test_by_default_intervals_include_the_parameters(summaries: tuple[dict, dict]) -> None:  # type: ignore[type-arg]
    drawn, _ = summaries
    u = drawn["uncertainty"]
    assert u["includes"] == ["monte_carlo", "parameters", "capacity_priors"]
    assert {p["id"] for p in u["priors"]} == {
        "aca_sv_seats_per_week_2020",
        "aca_hn_seats_per_week_2020",
    }
    assert u["posterior"]["run_id"] in u["text"]
    assert drawn["sensitivity"]["results"]
    assert {"scenario", "metric", "assumption", "index"} <= set(drawn["sensitivity"]["results"][0])


@pytest.mark.slow
def test_fixed_parameters_include_monte_carlo_only_and_change_the_results(
    summaries: tuple[dict, dict],  # type: ignore[type-arg]
) -> None:
    drawn, fixed = summaries
    assert fixed["uncertainty"]["includes"] == ["monte_carlo"]
    assert "sensitivity" not in fixed
    a = drawn["scenarios"]["history"]["replicates"]["mpp_in_absentia"]
    b = fixed["scenarios"]["history"]["replicates"]["mpp_in_absentia"]
    assert a != b
    # the people are the same: the draw changes assumptions, not the encounters
    enc = "encounters"
    assert (
        drawn["scenarios"]["history"]["replicates"][enc]
        == fixed["scenarios"]["history"]["replicates"][enc]
    )


@pytest.mark.slow
def test_posterior_and_fixed_parameters_exclude_each_other(tmp_path: Path) -> None:
    result = cli(
        "simulate",
        *ARGS,
        "--out",
        str(tmp_path),
        "--posterior",
        str(tmp_path),
        "--fixed-parameters",
    )
    assert result.returncode == 2 and "exclude each other" in result.stderr


@pytest.mark.slow
def test_a_missing_posterior_file_exits_2(tmp_path: Path) -> None:
    result = cli("simulate", *ARGS, "--out", str(tmp_path), "--posterior", str(tmp_path / "none"))
    assert result.returncode == 2 and "no such posterior file" in result.stderr
