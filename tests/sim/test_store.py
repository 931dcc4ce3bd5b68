"""A study streamed to its Parquet store reports exactly what the same study held in memory
reports, and a store says whether its run is complete."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest

from asylum_pathways.params import ParameterTree
from asylum_pathways.sim.runs import outputs
from asylum_pathways.sim.runs.montecarlo import run_study
from asylum_pathways.sim.runs.runtime import Runtime
from asylum_pathways.sim.runs.study import StudySpec

SPEC = StudySpec(
    ("history", "ninth-circuit-injunction"), dt.date(2019, 11, 1), dt.date(2020, 1, 31), 5, 3,
    parameters="fixed",
)  # fmt: skip
VOLATILE = ("created", "run_seconds", "workers")


def _summary(folder: Path) -> dict:
    data = json.loads((folder / "summary.json").read_text())
    return {k: v for k, v in data.items() if k not in VOLATILE}


@pytest.fixture(scope="module")
def both(tree: ParameterTree, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    memory, streamed = tmp_path_factory.mktemp("memory"), tmp_path_factory.mktemp("streamed")
    outputs.write_all(run_study(SPEC, Runtime(workers=1, tree=tree)), memory)
    study = run_study(SPEC, Runtime(workers=2, tree=tree, store=streamed / "replications", batch=2))
    assert study.replicates and [r.index for r in study.replicates] == [0]
    outputs.write_all(study, streamed)
    return memory, streamed


@pytest.mark.slow
def test_a_streamed_study_has_the_same_summary_as_the_in_memory_one(
    both: tuple[Path, Path],
) -> None:
    memory, streamed = both
    assert _summary(memory) == _summary(streamed)


@pytest.mark.slow
def test_a_streamed_study_writes_the_same_daily_persons_and_validation_rows(
    both: tuple[Path, Path],
) -> None:
    memory, streamed = both
    for name in ("daily.parquet", "persons.parquet"):
        a, b = pl.read_parquet(memory / name), pl.read_parquet(streamed / name)
        assert a.columns == b.columns and a.equals(b), name
    assert (memory / "daily.csv").read_bytes() == (streamed / "daily.csv").read_bytes()
    assert (memory / "validation.csv").read_bytes() == (streamed / "validation.csv").read_bytes()


@pytest.mark.slow
def test_persons_hold_the_first_replication_only(both: tuple[Path, Path]) -> None:
    persons = pl.read_parquet(both[1] / "persons.parquet")
    assert persons["scenario"].unique().sort().to_list() == sorted(SPEC.scenarios)


@pytest.mark.slow
def test_the_store_is_a_partitioned_dataset_marked_complete(both: tuple[Path, Path]) -> None:
    store = both[1] / "replications"
    manifest = json.loads((store / "manifest.json").read_text())
    assert manifest["complete"] and manifest["missing_replications"] == []
    assert len(list((store / "daily" / "s1").glob("r*.parquet"))) == SPEC.reps
    reps = pl.scan_parquet(store / "daily" / "*" / "*.parquet").select("replication").unique()
    assert sorted(reps.collect()["replication"].to_list()) == list(range(SPEC.reps))


def test_daily_csv_above_the_limit_is_written_only_when_asked(
    tree: ParameterTree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    study = run_study(SPEC.replace(reps=1), Runtime(workers=1, tree=tree, store=tmp_path / "r"))
    monkeypatch.setattr(outputs, "CSV_ROW_LIMIT", outputs.daily_rows(study) - 1)
    summary = outputs.write_all(study, tmp_path)
    assert not (tmp_path / "daily.csv").exists()
    assert "pass --csv" in summary["daily_csv"]["text"]
    outputs.write_all(study, tmp_path, csv=True)
    assert (tmp_path / "daily.csv").exists()
