"""`asylum-pathways sweep`: a spec is validated as a whole before anything runs; points share
their people and draws (common random numbers); the outputs are byte-identical serially, in a
process pool and on Dask."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest

from asylum_pathways.params import ParameterTree
from asylum_pathways.report.sweep import write_html
from asylum_pathways.sim.runs import sweep
from asylum_pathways.sim.runs.runtime import Runtime
from helpers import cli

CAP = "assumptions.aca.agreements.sv.annual_cap"
STAYED = "law.courts.mpp_injunction.stayed"
SPEC = f"""\
base: outlook-2020-03-10
start: 2020-03-01
end: 2020-04-30
reps: 2
seed: 7
metrics: [aca_transfers_SV_cumulative, mpp_enrolled_cumulative]
grid:
  {CAP}:
    from: 2020-03-31
    values: [40, 2000]
  {STAYED}:
    from: 2020-03-12
    values: [true, false]
"""


@pytest.fixture(scope="module")
def spec_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("spec") / "sweep.yaml"
    path.write_text(SPEC)
    return path


@pytest.fixture(scope="module")
def serial(spec_file: Path) -> Path:
    out = spec_file.parent / "serial"
    result = cli("sweep", str(spec_file), "--workers", "1", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "5 points" in result.stdout.replace("\n", " ")
    assert "sweeping" in result.stderr  # the progress bar
    return out


@pytest.mark.slow
def test_a_bad_sweep_spec_lists_every_problem_with_its_line_and_runs_nothing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        SPEC.replace("values: [40, 2000]", "values: [forty, 2000]")
        .replace(STAYED, "law.courts.no_such_thing")
        .replace("mpp_enrolled_cumulative]", "mpp_enroled]")
        + "colour: blue\n"
    )
    result = cli("sweep", str(path), "--out", str(tmp_path / "out"))
    assert result.returncode == 2, result.stderr
    err = result.stderr
    assert "Traceback" not in err and "4 problem(s); nothing was run" in err
    assert f"bad.yaml line 8: {CAP} value 'forty'" in err
    assert "bad.yaml line 11: unknown parameter 'law.courts.no_such_thing'" in err
    assert "unknown metric 'mpp_enroled'" in err
    assert "bad.yaml line 14: unknown key 'colour'" in err
    assert not (tmp_path / "out").exists()


def test_an_empty_grid_is_refused(tmp_path: Path, tree: ParameterTree) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text(SPEC.split("grid:")[0] + "grid: {}\n")
    with pytest.raises(sweep.SweepError, match="grid: expected a non-empty mapping"):
        sweep.load_sweep(path, tree)


@pytest.mark.slow
def test_sweep_parquet_is_tidy_with_one_row_per_point_and_metric(serial: Path) -> None:
    frame = pl.read_parquet(serial / "sweep.parquet")
    assert frame.columns == ["point", CAP, STAYED, "metric", *sweep.STATS]
    assert frame.height == 5 * 2
    assert frame.filter(pl.col("point") == 0)[CAP].null_count() == 2


@pytest.mark.slow
def test_points_share_their_people_so_a_point_equal_to_the_base_differs_by_exactly_zero(
    serial: Path,
) -> None:
    frame = pl.read_parquet(serial / "sweep.parquet")
    # cap 2000 and the injunction stayed are the base's own values on these days
    same = frame.filter((pl.col(CAP) == 2000) & pl.col(STAYED))
    assert same["difference_p5"].to_list() == same["difference_p95"].to_list() == [0.0, 0.0]
    capped = frame.filter((pl.col(CAP) == 40) & (pl.col("metric") == "aca_transfers_SV_cumulative"))
    assert capped["p95"].max() <= 40 < frame.filter(pl.col("point") == 0)["mean"][0]
    unstayed = frame.filter(~pl.col(STAYED) & (pl.col("metric") == "mpp_enrolled_cumulative"))
    assert (unstayed["difference_p95"] < 0).all()


@pytest.mark.slow
def test_a_sweep_draws_from_the_posterior_unless_its_spec_says_fixed_and_says_which(
    serial: Path, spec_file: Path, tree: ParameterTree
) -> None:
    from asylum_pathways.sim.fitting.posterior import default_path, read

    shipped = read(default_path()).run_id
    said = json.loads((serial / "sweep.json").read_text())["parameters"]
    assert said["drawn"] == "posterior" and said["posterior"] == shipped
    assert f"posterior run {shipped}" in (serial / "sweep.html").read_text()
    fixed_file = spec_file.parent / "fixed.yaml"
    fixed_file.write_text(SPEC + "parameters: fixed\n")
    out = spec_file.parent / "fixed"
    result = cli("sweep", str(fixed_file), "--workers", "1", "--out", str(out), "--no-progress")
    assert result.returncode == 0, result.stderr
    assert "parameters: fixed" in result.stderr.replace("\n", " ")
    assert json.loads((out / "sweep.json").read_text())["parameters"]["drawn"] == "fixed"
    drawn, held = pl.read_parquet(serial / "sweep.parquet"), pl.read_parquet(out / "sweep.parquet")
    assert drawn.select("point", "metric").equals(held.select("point", "metric"))
    assert not drawn["p95"].equals(held["p95"])  # the draws reached the model
    shutil.rmtree(out)


@pytest.mark.slow
def test_the_sweep_page_is_one_offline_file_with_a_chart_per_metric(serial: Path) -> None:
    html = (serial / "sweep.html").read_text()
    assert html.count('data-chart="m') == 2
    assert "<script src=" not in html and "https://cdn" not in html


@pytest.mark.slow
def test_a_sweep_is_byte_identical_serially_in_a_pool_and_on_dask(
    serial: Path, spec_file: Path, tree: ParameterTree, dask_scheduler: str
) -> None:
    pool, dask = spec_file.parent / "pool", spec_file.parent / "dask"
    sweep.run(spec_file, pool, tree, Runtime(workers=2), render=write_html)
    sweep.run(
        spec_file,
        dask,
        tree,
        Runtime(backend="dask", scheduler=dask_scheduler),
        render=write_html,
    )
    for name in ("sweep.parquet", "sweep.html"):
        first = (serial / name).read_bytes()
        assert (pool / name).read_bytes() == first, name
        assert (dask / name).read_bytes() == first, name
    shutil.rmtree(pool)


@pytest.mark.slow
def test_a_point_that_fails_twice_is_named_with_its_levers_and_replications(
    spec_file: Path, tree: ParameterTree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fault injection: the simulation of one point raises (in this process, serially); the
    other points' replications are not enough to finish, and the error names the point, what
    its levers are set to, and the replications missing."""
    import datetime as dt

    from asylum_pathways.sim.runs import montecarlo, replication

    real = replication.simulate

    def broken(tree: ParameterTree, *args: object, **kwargs: object) -> object:
        cap = tree.get(CAP).at(dt.date(2020, 4, 1))
        if cap == 2000 and tree.get(STAYED).at(dt.date(2020, 3, 20)) is False:
            raise RuntimeError("injected fault")
        return real(tree, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(replication, "simulate", broken)
    with pytest.raises(montecarlo.StudyIncomplete) as caught:
        sweep.run(spec_file, tmp_path / "out", tree, Runtime(workers=1))
    message = str(caught.value)
    assert "2 of 2 replications failed twice" in message
    assert "RuntimeError: injected fault" in message
    point = message.split("scenario point-")[1].split(":")[0]
    levers = message.split(f"Sweep point point-{point}: ")[1]
    assert f"{CAP} = 2000 from 2020-03-31" in levers
    assert f"{STAYED} = False from 2020-03-12" in levers
