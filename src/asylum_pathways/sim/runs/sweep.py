"""A policy sweep: one base scenario, and levers (dotted parameter names) set to values from a
date, over a grid (every combination) or a list of points.

A sweep is a study whose scenarios are the base and one scenario per point, so it runs on
every backend `run_study` runs on and streams to the same Parquet store; every point of a
replication has the same people and the same draws (common random numbers), so a point's
difference from the base is paired. The spec file is validated as a whole before anything
runs: every problem is listed with the file and line. Like every study, a sweep's replications
draw their assumptions from the shipped posterior unless its `parameters` say otherwise
(`fixed`, or a calibration folder), and its outputs say which.

>>> import datetime as dt
>>> lever = Lever("assumptions.aca.agreements.sv.annual_cap", dt.date(2020, 3, 31), (500, 1000))
>>> lever.section, lever.relative
('assumptions', 'aca.agreements.sv.annual_cap')
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import polars as pl

from asylum_pathways.params import ParameterTree
from asylum_pathways.sim.runs.runtime import Runtime
from asylum_pathways.sim.runs.sweep_file import load_sweep
from asylum_pathways.sim.runs.sweep_outputs import STATS, sweep_json, table
from asylum_pathways.sim.runs.sweep_points import points_named
from asylum_pathways.sim.runs.sweep_spec import Lever, SweepError, SweepSpec

__all__ = ["STATS", "Lever", "SweepError", "SweepSpec", "load_sweep", "run", "sweep_json", "table"]


def run(
    path: Path,
    out: Path,
    tree: ParameterTree,
    runtime: Runtime | None = None,
    on_loaded: Any = None,
    render: Any = None,
) -> pl.DataFrame:
    """Validate the sweep in `path`, run it as `runtime` says (workers, backend, scheduler,
    progress), and write sweep.parquet and sweep.json to `out`; `render(spec, frame, path)`
    writes sweep.html (the report layer's `report.sweep.write_html`: the simulation does not
    import the report). `on_loaded(spec)` is told the validated spec, `spec.drawn` included."""
    from asylum_pathways.sim.fitting import draws as drawing
    from asylum_pathways.sim.runs.montecarlo import StudyIncomplete, run_study

    spec, scenarios = load_sweep(path, tree)
    study_spec = spec.study()
    drawn = study_spec.draws(scenarios[0].tree)  # the base's tree, as run_study checks it
    spec = dataclasses.replace(spec, drawn=drawing.said(drawn))
    if on_loaded is not None:
        on_loaded(spec)
    runtime = dataclasses.replace(
        runtime or Runtime(),
        keep_first=False,
        store=out / "replications",
        metrics=tuple(spec.metrics),
        tree=tree,
        scenarios=tuple(scenarios),
        draws=drawn,
    )
    try:
        study = run_study(study_spec, runtime)
    except StudyIncomplete as exc:
        raise StudyIncomplete(f"{exc}{points_named(spec, str(exc))}", exc.missing) from None
    frame = table(spec, study)
    out.mkdir(parents=True, exist_ok=True)
    frame.write_parquet(out / "sweep.parquet")
    (out / "sweep.json").write_text(json.dumps(sweep_json(spec, drawn), indent=2) + "\n")
    if render is not None:
        render(spec, frame, out / "sweep.html")
    return frame
