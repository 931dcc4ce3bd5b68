"""A receiving country added as parameter folders only reaches the simulation's outputs."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import polars as pl

from asylum_pathways.params import load_tree
from asylum_pathways.params.loader import default_root
from asylum_pathways.sim.runs.montecarlo import run_study
from asylum_pathways.sim.runs.outputs import write_all
from asylum_pathways.sim.runs.runtime import Runtime
from asylum_pathways.sim.runs.study import StudySpec
from helpers import add_partner


def test_a_partner_added_as_folders_appears_in_daily_and_summary(tmp_path: Path) -> None:
    root = tmp_path / "parameters"
    shutil.copytree(default_root(), root)
    add_partner(root, start="2019-11-19", sectors="[EPT]")
    tree = load_tree(root)
    spec = StudySpec(("history",), dt.date(2019, 12, 1), dt.date(2020, 2, 29), reps=1, seed=3)
    # the tree has a partner the posterior was not fitted to: parameters fixed
    study = run_study(spec.replace(parameters="fixed"), Runtime(workers=1, tree=tree))
    out = tmp_path / "results"
    write_all(study, out)
    daily = pl.read_parquet(out / "daily.parquet")
    flown = daily.filter(pl.col("metric") == "aca_transfers_DM_cumulative")["value"]
    assert flown.max() > 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["scenarios"]["history"]["headline"]["aca_transfers_DM"]["mean"] > 0
