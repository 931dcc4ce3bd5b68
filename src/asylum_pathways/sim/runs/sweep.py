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
import datetime as dt
import itertools
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from asylum_pathways.errors import UserError
from asylum_pathways.params import ParameterTree
from asylum_pathways.params.loader import SECTIONS
from asylum_pathways.params.yamlio import line_of, load_yaml
from asylum_pathways.scenarios import Scenario, load_overlay, load_scenario
from asylum_pathways.sim.runs.runtime import Runtime
from asylum_pathways.sim.runs.study import FIXED, POSTERIOR, StudySpec, check_horizon

KEYS = ("base", "start", "end", "reps", "seed", "parameters", "metrics", "grid", "points")
#: sweep.json's format.
FORMAT = 1
LEVER_KEYS = ("from", "values")
#: sweep.parquet's statistic columns, after `point`, the levers and `metric`.
STATS = ("mean", "p5", "p50", "p95", "difference_mean", "difference_p5", "difference_p95")


class SweepError(UserError):
    """A sweep spec is invalid (the message lists every problem)."""

    code = "invalid_sweep"


@dataclass(frozen=True)
class Lever:
    """A parameter set to one of `values` from `start` on (its later dated values too)."""

    name: str
    start: dt.date
    values: tuple[Any, ...]
    #: Where the lever is in its spec file ("sweep.yaml line 9"), for messages.
    where: str = dataclasses.field(default="", compare=False)

    @property
    def section(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def relative(self) -> str:
        return self.name.split(".", 1)[1]


@dataclass(frozen=True)
class SweepSpec:
    base: str
    start: dt.date
    end: dt.date
    reps: int
    seed: int
    metrics: tuple[str, ...]
    levers: tuple[Lever, ...]
    #: Each point: one value per lever (None: that lever keeps the base's values).
    points: tuple[tuple[Any, ...], ...]
    source: str = "sweep"
    #: What each replication draws (`StudySpec.parameters`): posterior, fixed or a folder.
    parameters: str = POSTERIOR
    #: What the run drew, in words ("posterior run <id>", "fixed"): set by `run`.
    drawn: str = ""

    def study(self) -> StudySpec:
        return StudySpec(
            (self.base,), self.start, self.end, self.reps, self.seed, parameters=self.parameters
        )


def _bad(problems: list[str], where: str) -> SweepError:
    return SweepError(
        f"sweep {where} has {len(problems)} problem(s); nothing was run:\n  "
        + "\n  ".join(problems)
    )


def load_sweep(path: Path, tree: ParameterTree) -> tuple[SweepSpec, list[Scenario]]:
    """The sweep spec in `path` and its scenarios (the base first, then one per point),
    every problem of the file listed at once."""
    data = load_yaml(path)
    where = str(path)
    if not isinstance(data, Mapping):
        raise _bad([f"{where}: a sweep spec is a mapping of {', '.join(KEYS)}"], where)
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
        raise _bad(problems, where)
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
                    _apply(base, ((lever, value),), "check")
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


def _apply(base: Scenario, settings: Sequence[tuple[Lever, Any]], name: str) -> Scenario:
    """`base` with each lever set to its value from its date, as an overlay on base's tree
    (so a lever replaces the base's values from that date on)."""
    overlay: dict[str, Any] = {"name": name, "description": f"{base.name} with {name}"}
    for lever, value in settings:
        overlay.setdefault(lever.section, {})[lever.relative] = [
            {"from": lever.start, "value": value}
        ]
    made = load_overlay(overlay, base.tree, name)
    return dataclasses.replace(made, changed=tuple(dict.fromkeys((*base.changed, *made.changed))))


def _points_named(spec: SweepSpec, message: str) -> str:
    """What the sweep points a failure message names (`scenario point-K`) set their levers to."""
    named = sorted({int(k) for k in re.findall(r"scenario point-(\d+)\b", message)})
    return "".join(
        f" Sweep point point-{k}: "
        + ", ".join(
            f"{lv.name} = {v!r} from {lv.start}"
            for lv, v in zip(spec.levers, spec.points[k], strict=True)
            if v is not None
        )
        + "."
        for k in named
        if k < len(spec.points)
    )


def point_scenario(base: Scenario, spec: SweepSpec, k: int) -> Scenario:
    settings = [(lv, v) for lv, v in zip(spec.levers, spec.points[k], strict=True) if v is not None]
    return _apply(base, settings, f"point-{k}")


def metric_names(base: Scenario, start: dt.date) -> set[str]:
    """The daily and headline metric names of the model on `base` (one day simulated)."""
    from asylum_pathways.sim.runs.montecarlo import Job, replicate

    rep = replicate(Job((base,), start, start), 0, np.random.SeedSequence(0))
    return set(rep.daily[base.name]) | set(rep.headline[base.name])


def values(study: Any, scenario: str, metric: str) -> np.ndarray:
    """One value per replication: a daily metric on the last day of the horizon (use the
    cumulative metrics for totals), or a headline metric."""
    if metric in study.metrics():
        return np.asarray(study.daily(scenario, metric)[:, -1], dtype=np.float64)
    return np.asarray(study.headline(scenario, metric), dtype=np.float64)


def _stats(v: np.ndarray) -> tuple[float, float, float, float]:
    v = v[np.isfinite(v)]
    if v.shape[0] == 0:
        return (float("nan"),) * 4
    p5, p50, p95 = np.percentile(v, [5, 50, 95])
    return float(v.mean()), float(p5), float(p50), float(p95)


def table(spec: SweepSpec, study: Any) -> pl.DataFrame:
    """sweep.parquet: one row per point and metric (point 0 is the base)."""
    names = [s.name for s in study.scenarios]
    rows: list[dict[str, Any]] = []
    for metric in spec.metrics:
        base = values(study, names[0], metric)
        for k, name in enumerate(names):
            v = values(study, name, metric)
            mean, p5, p50, p95 = _stats(v)
            d_mean, d5, _, d95 = _stats(v - base)
            rows.append(
                {
                    "point": k,
                    **{lv.name: spec.points[k][i] for i, lv in enumerate(spec.levers)},
                    "metric": metric,
                    **dict(zip(STATS, (mean, p5, p50, p95, d_mean, d5, d95), strict=True)),
                }
            )
    return pl.DataFrame(rows, infer_schema_length=None).sort(
        ["metric", "point"], maintain_order=True
    )


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
        raise StudyIncomplete(f"{exc}{_points_named(spec, str(exc))}", exc.missing) from None
    frame = table(spec, study)
    out.mkdir(parents=True, exist_ok=True)
    frame.write_parquet(out / "sweep.parquet")
    (out / "sweep.json").write_text(json.dumps(sweep_json(spec, drawn), indent=2) + "\n")
    if render is not None:
        render(spec, frame, out / "sweep.html")
    return frame


def sweep_json(spec: SweepSpec, drawn: Any) -> dict[str, Any]:
    """sweep.json: the sweep as run (its spec's keys, the levers and their points) and what
    its replications drew (`parameters`: posterior or fixed, the posterior's run, the words)."""
    from asylum_pathways.sim.fitting import draws as drawing

    told = drawing.uncertainty(drawn)
    posterior = told.get("posterior") or {}
    return {
        "format": FORMAT,
        "source": spec.source,
        "base": spec.base,
        "start": spec.start.isoformat(),
        "end": spec.end.isoformat(),
        "reps": spec.reps,
        "seed": spec.seed,
        "metrics": list(spec.metrics),
        "levers": [
            {
                "name": lv.name,
                "from": lv.start.isoformat(),
                "values": [_plain(v) for v in lv.values],
            }
            for lv in spec.levers
        ],
        "points": len(spec.points),
        "parameters": {
            "spec": spec.parameters,
            "drawn": "posterior" if posterior else "fixed",
            "posterior": posterior.get("run_id"),
            "said": spec.drawn,
            "includes": told["includes"],
            "text": told["text"],
        },
    }


def _plain(v: Any) -> Any:
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    if isinstance(v, Mapping):
        return {str(k): _plain(x) for k, x in v.items()}
    return v
