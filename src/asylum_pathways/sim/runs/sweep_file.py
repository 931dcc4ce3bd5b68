"""Reading a sweep spec file: every key, lever and value checked against the parameter tree
and the model's metrics before anything runs, every problem listed with its file and line."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from asylum_pathways.errors import UserError
from asylum_pathways.params import ParameterTree
from asylum_pathways.params.loader import SECTIONS
from asylum_pathways.params.yamlio import line_of, load_yaml
from asylum_pathways.scenarios import Scenario, load_scenario
from asylum_pathways.sim.runs.study import FIXED, POSTERIOR, StudySpec, check_horizon
from asylum_pathways.sim.runs.sweep_points import apply_levers, point_scenario
from asylum_pathways.sim.runs.sweep_spec import KEYS, Lever, SweepSpec, bad


def load_sweep(path: Path, tree: ParameterTree) -> tuple[SweepSpec, list[Scenario]]:
    """The sweep spec in `path` and its scenarios (the base first, then one per point),
    every problem of the file listed at once."""
    data = load_yaml(path)
    where = str(path)
    if not isinstance(data, Mapping):
        raise bad([f"{where}: a sweep spec is a mapping of {', '.join(KEYS)}"], where)
    problems: list[str] = []

    def at(mapping: Any, key: str) -> str:
        line = line_of(mapping, key)
        return f"{where} line {line}" if line is not None else where

    for key in data:
        if key not in KEYS:
            problems.append(f"{at(data, key)}: unknown key {key!r} (expected {', '.join(KEYS)})")
    for key in ("base", "start", "end", "reps", "seed", "metrics"):
        if data.get(key) is None:
            problems.append(f"{where}: {key}: required")
    study: StudySpec | None = None
    base: Scenario | None = None
    if all(data.get(k) is not None for k in ("base", "start", "end", "reps", "seed")):
        try:
            study = StudySpec.from_dict(
                {k: data[k] for k in ("start", "end", "reps", "seed", "parameters") if k in data}
                | {"scenarios": [str(data["base"])]}
            )
            check_horizon(study)
            if study.parameters not in (POSTERIOR, FIXED):
                study.draws(base.tree if base else tree)  # a folder: read now, with its line
        except UserError as exc:
            for p in exc.problems or []:
                key = str(p.loc[0]) if p.loc else "base"
                problems.append(f"{at(data, key)}: {key}: {p.msg} (got {p.value!r})")
            if not exc.problems:
                problems.append(f"{where}: {exc}")
        try:
            base = load_scenario(str(data["base"]), tree)
        except UserError as exc:
            problems.append(f"{at(data, 'base')}: base {data['base']!r}: {exc}")
    metrics = data.get("metrics")
    if metrics is not None and (
        not isinstance(metrics, list) or not metrics or not all(isinstance(m, str) for m in metrics)
    ):
        problems.append(f"{at(data, 'metrics')}: metrics: expected a non-empty list of names")
        metrics = None
    levers, points = _levers(data, at, where, tree, base, problems)
    if metrics and base is not None and study is not None:
        known = metric_names(base, study.start)
        for m in metrics:
            if m not in known:
                problems.append(
                    f"{at(data, 'metrics')}: metrics: unknown metric {m!r} "
                    "(expected a daily metric of docs/simulation.md or a headline metric)"
                )
    if problems or study is None or base is None or not metrics:
        raise bad(problems, where)
    spec = SweepSpec(
        str(data["base"]),
        study.start,
        study.end,
        study.reps,
        study.seed,
        tuple(metrics),
        tuple(levers),
        tuple(points),
        where,
        study.parameters,
    )
    return spec, [base, *(point_scenario(base, spec, k) for k in range(1, len(points)))]


def _levers(
    data: Mapping[str, Any],
    at: Any,
    where: str,
    tree: ParameterTree,
    base: Scenario | None,
    problems: list[str],
) -> tuple[list[Lever], list[tuple[Any, ...]]]:
    """The levers and points (point 0: the base), each lever value checked on its own."""
    grid, listed = data.get("grid"), data.get("points")
    if (grid is None) == (listed is None):
        problems.append(f"{where}: expected exactly one of grid (every combination) or points")
        return [], []
    levers: list[Lever] = []
    if grid is not None:
        if not isinstance(grid, Mapping) or not grid:
            problems.append(f"{at(data, 'grid')}: grid: expected a non-empty mapping of levers")
            return [], []
        for name, body in grid.items():
            lever = _lever(str(name), body, at(grid, name), tree, problems, many=True)
            if lever is not None:
                levers.append(lever)
        points = [(None,) * len(levers), *itertools.product(*(lv.values for lv in levers))]
    else:
        if not isinstance(listed, list) or not listed:
            problems.append(f"{at(data, 'points')}: points: expected a non-empty list")
            return [], []
        names: dict[str, Lever] = {}
        rows: list[dict[str, Any]] = []
        for i, point in enumerate(listed):
            if not isinstance(point, Mapping) or not point:
                problems.append(f"{where}: points[{i}]: expected a mapping of levers")
                continue
            row = {}
            for name, body in point.items():
                lever = _lever(str(name), body, at(point, name), tree, problems, many=False)
                if lever is None:
                    continue
                if name in names and names[name].start != lever.start:
                    problems.append(
                        f"{at(point, name)}: {name}: 'from' {lever.start} differs from "
                        f"{names[name].start} in an earlier point (one date per lever)"
                    )
                names.setdefault(str(name), lever)
                row[str(name)] = lever.values[0]
            rows.append(row)
        levers = list(names.values())
        points = [(None,) * len(levers), *(tuple(r.get(lv.name) for lv in levers) for r in rows)]
    if base is not None:
        for lever in levers:
            for value in lever.values:
                try:
                    apply_levers(base, ((lever, value),), "check")
                except UserError as exc:
                    detail = str(exc).split("\n  ")[-1].split(": ", 2)[-1]
                    problems.append(f"{lever.where}: {lever.name} value {value!r}: {detail}")
    return levers, points


def _lever(
    name: str, body: Any, where: str, tree: ParameterTree, problems: list[str], many: bool
) -> Lever | None:
    section = name.split(".", 1)[0]
    if section not in SECTIONS or name not in tree:
        problems.append(
            f"{where}: unknown parameter {name!r} (a dotted name under "
            f"{' or '.join(SECTIONS)}; `asylum-pathways params list` lists them)"
        )
        return None
    key = "values" if many else "value"
    if not isinstance(body, Mapping) or set(body) != {"from", key}:
        problems.append(f"{where}: {name}: expected {{from: YYYY-MM-DD, {key}: ...}}")
        return None
    if not isinstance(body["from"], dt.date):
        problems.append(f"{where}: {name}: 'from' {body['from']!r} is not a date (YYYY-MM-DD)")
        return None
    values = body[key]
    if many and (not isinstance(values, list) or not values):
        problems.append(f"{where}: {name}: values: expected a non-empty list")
        return None
    return Lever(name, body["from"], tuple(values) if many else (values,), where)


def metric_names(base: Scenario, start: dt.date) -> set[str]:
    """The daily and headline metric names of the model on `base` (one day simulated)."""
    from asylum_pathways.sim.runs.montecarlo import Job, replicate

    rep = replicate(Job((base,), start, start), 0, np.random.SeedSequence(0))
    return set(rep.daily[base.name]) | set(rep.headline[base.name])
