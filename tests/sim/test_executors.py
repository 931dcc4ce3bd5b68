"""Every backend runs the same tasks to the same results; a task that fails twice is reported
with what it was, the rest complete; a killed Dask worker's tasks are rerun; an interrupted
study is marked incomplete."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
from pathlib import Path

import pytest

from asylum_pathways.errors import UserError
from asylum_pathways.params import ParameterTree
from asylum_pathways.sim.runs import executors, outputs
from asylum_pathways.sim.runs.montecarlo import run_study
from asylum_pathways.sim.runs.runtime import Runtime
from asylum_pathways.sim.runs.study import StudySpec

SPEC = StudySpec(
    ("history", "ninth-circuit-injunction"), dt.date(2019, 12, 1), dt.date(2020, 1, 31), 4, 5
)


def _fails_on_three(x: int) -> int:
    if x == 3:
        raise ZeroDivisionError(f"task {x} cannot be done")
    return x * 10


def _engines(dask_scheduler: str) -> list[executors.Backend]:
    return [
        executors.backend("process", 1),
        executors.backend("process", 2),
        executors.backend("dask", 2, scheduler=dask_scheduler),
    ]


@pytest.mark.slow
def test_a_task_that_fails_twice_is_reported_and_the_others_complete_on_every_backend(
    dask_scheduler: str,
) -> None:
    for engine in _engines(dask_scheduler):
        try:
            results = dict(engine.run(_fails_on_three, [1, 2, 3, 4]))
        finally:
            engine.close()
        assert {i: r for i, r in results.items() if i != 2} == {0: 10, 1: 20, 3: 40}
        failure = results[2]
        assert isinstance(failure, executors.TaskFailure)
        assert "ZeroDivisionError: task 3 cannot be done" in failure.error


def test_an_unknown_backend_is_refused_naming_the_valid_ones() -> None:
    with pytest.raises(UserError, match="expected one of process, dask"):
        executors.backend("spark", 2)


def _write(study_out: Path, **kwargs: object) -> Path:
    study = run_study(SPEC, Runtime(store=study_out / "replications", **kwargs))  # type: ignore[arg-type]
    outputs.write_all(study, study_out)
    return study_out


@pytest.fixture(scope="module")
def serial(tree: ParameterTree, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write(tmp_path_factory.mktemp("serial"), workers=1, tree=tree)


@pytest.mark.slow
def test_a_study_is_byte_identical_serial_in_a_pool_and_on_dask(
    tree: ParameterTree, tmp_path: Path, dask_scheduler: str, serial: Path
) -> None:
    runs = [
        serial,
        _write(tmp_path / "pool", workers=2, batch=1, tree=tree),
        _write(tmp_path / "dask", workers=2, backend="dask", scheduler=dask_scheduler, tree=tree),
    ]
    for name in ("daily.parquet", "daily.csv", "persons.parquet", "validation.csv"):
        first = (runs[0] / name).read_bytes()
        assert all((r / name).read_bytes() == first for r in runs[1:]), name
    summaries = [json.loads((r / "summary.json").read_text()) for r in runs]
    for s in summaries:
        for key in ("created", "run_seconds", "workers"):
            s.pop(key)
    assert summaries[0] == summaries[1] == summaries[2]


@pytest.mark.slow
def test_a_killed_dask_worker_has_its_tasks_rerun_and_the_results_are_identical(
    tree: ParameterTree, tmp_path: Path, dask_scheduler: str, serial: Path
) -> None:
    from distributed import Client

    with Client(dask_scheduler) as client:
        pids = list(client.run(os.getpid).values())
    killed: list[int] = []

    def kill_once(_: int) -> None:
        if not killed:
            os.kill(pids[0], signal.SIGKILL)
            killed.append(pids[0])

    study = run_study(
        SPEC,
        Runtime(
            store=tmp_path / "dask" / "replications",
            tree=tree,
            backend="dask",
            scheduler=dask_scheduler,
            batch=1,
            progress=kill_once,
        ),
    )
    outputs.write_all(study, tmp_path / "dask")
    assert killed
    for name in ("daily.parquet", "persons.parquet"):
        assert (serial / name).read_bytes() == (tmp_path / "dask" / name).read_bytes(), name


@pytest.mark.slow
def test_an_interrupted_study_is_marked_incomplete_naming_what_is_missing(
    tree: ParameterTree, tmp_path: Path
) -> None:
    def interrupt(_: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_study(SPEC, Runtime(workers=1, tree=tree, store=tmp_path, batch=1, progress=interrupt))
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["complete"] is False and manifest["reason"] == "interrupted"
    assert manifest["missing_replications"] == [1, 2, 3]
