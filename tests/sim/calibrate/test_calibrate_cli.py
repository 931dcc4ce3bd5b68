"""`asylum-pathways calibrate` is reproducible: the same seed writes the same posterior file,
with 1 worker or 2, and the file carries its provenance."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

from asylum_pathways.params import ParameterTree
from asylum_pathways.sim.fitting import posterior
from helpers import cli

TINY = """\
name: tiny
start: 2019-10-01
parameters:
  - id: gt_seats_start
    parameter: assumptions.aca.agreements.gt.seats_per_week
    dates: [2019-11-21]
    prior: {distribution: uniform, bounds: [2, 25]}
  - id: gt_seats
    parameter: assumptions.aca.agreements.gt.seats_per_week
    dates: [2019-12-12]
    prior: {distribution: loguniform, bounds: [30, 130]}
targets:
  - {figure: aca.stat.2019-12-12, field: cumulative_transferred,
     metric: aca_transfers_GT_cumulative, date: 2019-12-12, tolerance: 0.25}
  - {figure: aca.stat.2020-01-mid, field: cumulative_transferred,
     metric: aca_transfers_GT_cumulative, date: 2020-01-14, tolerance: 0.15}
  - {figure: mpp.court.2019-11-30.breakdown, field: cases,
     metric: no_such_metric_yet, date: 2019-11-30, tolerance: 0.1}
"""


def run(tmp_path: Path, name: str, seed: int, workers: int) -> Path:
    spec = tmp_path / "tiny.yaml"
    spec.write_text(TINY)
    out = tmp_path / name
    result = cli(
        "calibrate",
        "--targets",
        str(spec),
        "--out",
        str(out),
        "--seed",
        str(seed),
        "--particles",
        "6",
        "--generations",
        "1",
        "--workers",
        str(workers),
        "--no-progress",
    )
    assert result.returncode == 0, result.stderr
    assert "target mpp.court.2019-11-30.breakdown.cases skipped" in result.stderr
    assert "no_such_metric_yet" in result.stderr
    return out


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    tmp = tmp_path_factory.mktemp("calibrate")
    return run(tmp, "a", 5, 1), run(tmp, "b", 5, 2), run(tmp, "c", 6, 1)


@pytest.mark.slow
def test_the_same_seed_writes_the_same_posterior_with_any_worker_count(
    runs: tuple[Path, Path, Path],
) -> None:
    a, b, c = runs
    assert (a / "posterior.parquet").read_bytes() == (b / "posterior.parquet").read_bytes()
    assert (a / "fit.csv").read_bytes() == (b / "fit.csv").read_bytes()
    assert (a / "posterior.parquet").read_bytes() != (c / "posterior.parquet").read_bytes()


@pytest.mark.slow
def test_the_posterior_carries_its_provenance_and_fits_the_tree(
    runs: tuple[Path, Path, Path], tree: ParameterTree
) -> None:
    post = posterior.read(runs[0])
    meta = post.provenance
    assert meta["seed"] == 5 and meta["particles"] == 6 and meta["generations"] == 1
    assert meta["method"].startswith("ABC-SMC")
    assert meta["tree_fingerprint"] == tree.fingerprint()
    assert [t["id"] for t in meta["targets"]] == [
        "aca.stat.2019-12-12.cumulative_transferred",
        "aca.stat.2020-01-mid.cumulative_transferred",
    ]
    assert meta["skipped_targets"][0]["id"] == "mpp.court.2019-11-30.breakdown.cases"
    assert post.particles.shape == (6, 2)
    assert post.problems(tree) == []
    columns = pq.read_schema(runs[0] / "posterior.parquet").names
    assert "distance" in columns and "stat.aca.stat.2020-01-mid.cumulative_transferred" in columns
    people = json.loads((runs[0] / "calibration.json").read_text())
    assert people["run_id"] == post.run_id and "run_seconds" in people


@pytest.mark.slow
def test_the_fit_table_gives_the_published_figure_and_the_model_interval(
    runs: tuple[Path, Path, Path],
) -> None:
    fit = pl.read_csv(runs[0] / "fit.csv")
    assert fit.columns[:9] == [
        "target",
        "date",
        "metric",
        "relation",
        "published",
        "model_median",
        "model_p5",
        "model_p95",
        "inside",
    ]
    assert fit["published"].to_list() == [24.0, 378.0]
    assert (fit["model_p5"] <= fit["model_median"]).all()
    assert (fit["model_median"] <= fit["model_p95"]).all()
    inside = (fit["model_p5"] <= fit["published"]) & (fit["published"] <= fit["model_p95"])
    assert fit["inside"].to_list() == inside.to_list()


@pytest.mark.slow
def test_bad_budget_flags_exit_2(tmp_path: Path) -> None:
    result = cli("calibrate", "--particles", "2", "--out", str(tmp_path / "x"))
    assert result.returncode == 2 and "--particles 2: expected at least 4" in result.stderr
    for value in ("-1", "nan"):
        result = cli("calibrate", "--stop-at", value, "--out", str(tmp_path / "x"))
        assert result.returncode == 2 and "expected 0 or more" in result.stderr, value
        assert "Traceback" not in result.stderr
