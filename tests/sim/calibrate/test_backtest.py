"""`calibrate --holdout-after DATE` fits only what was published by DATE and reports how the
posterior predicts the rest; an assumption nothing informed is listed as uninformed."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from asylum_pathways.sim.calibrate.diagnostics import uninformed
from asylum_pathways.sim.fitting.prior import Prior
from helpers import cli

CUT = "2019-11-30"


@pytest.fixture(scope="module")
def backtest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("backtest") / "out"
    result = cli(
        "calibrate", "--particles", "6", "--generations", "1", "--moves", "1",
        "--workers", "2", "--holdout-after", CUT, "--out", str(out), "--no-progress",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Back-test after 2019-11-30" in result.stdout
    return out


@pytest.mark.slow
def test_only_targets_on_or_before_the_cut_are_fitted(backtest: Path) -> None:
    fit = pl.read_csv(backtest / "fit.csv")
    dates = fit.get_column("date").str.slice(0, 10)
    roles = fit.get_column("role")
    assert set(roles) == {"fit", "held_out"}
    assert (dates.filter(roles == "fit") <= CUT).all()
    assert (dates.filter(roles == "held_out") > CUT).all()
    cal = json.loads((backtest / "calibration.json").read_text())
    assert cal["holdout_after"] == CUT
    assert all(t["date"] <= CUT for t in cal["targets"])
    assert len(cal["held_out_targets"]) == int((roles == "held_out").sum())


@pytest.mark.slow
def test_the_backtest_scores_every_later_figure_with_both_intervals(backtest: Path) -> None:
    table = pl.read_csv(backtest / "backtest.csv")
    assert (table.get_column("date") > CUT).all()
    assert set(table.get_column("kind")) == {"held_out_target", "independent"}
    lo50, hi50 = table.get_column("model_p25"), table.get_column("model_p75")
    lo90, hi90 = table.get_column("model_p5"), table.get_column("model_p95")
    assert ((lo90 <= lo50) & (hi50 <= hi90)).all()
    about = table.filter(pl.col("relation") == "about")
    inside = (about["model_p5"] <= about["published"]) & (about["published"] <= about["model_p95"])
    assert (inside == about["inside90"]).all()
    summary = json.loads((backtest / "calibration.json").read_text())["backtest"]
    assert summary["all"]["figures"] == table.height
    assert summary["all"]["coverage90"] == pytest.approx(table["inside90"].mean())


def test_a_posterior_that_is_its_prior_is_uninformed() -> None:
    prior = Prior("uniform", 0.0, 1.0)
    rng = np.random.default_rng(1)
    assert uninformed(prior, rng.uniform(0, 1, 200))
    assert not uninformed(prior, rng.uniform(0.4, 0.5, 200))
    log = Prior("loguniform", 1.0, 100.0)
    assert uninformed(log, np.exp(rng.uniform(0, np.log(100), 300)))


@pytest.mark.slow
def test_a_cut_before_every_target_is_refused(tmp_path: Path) -> None:
    result = cli(
        "calibrate", "--particles", "4", "--generations", "0", "--workers", "1",
        "--holdout-after", "2019-01-05", "--out", str(tmp_path / "x"), "--no-progress",
    )  # fmt: skip
    assert result.returncode == 2
    assert "nothing to calibrate to" in result.stderr


@pytest.mark.slow
def test_a_cut_that_is_not_a_date_is_refused(tmp_path: Path) -> None:
    result = cli("calibrate", "--holdout-after", "2019-13-01", "--out", str(tmp_path / "x"))
    assert result.returncode == 2
    assert "--holdout-after" in result.stderr and "YYYY-MM-DD" in result.stderr
