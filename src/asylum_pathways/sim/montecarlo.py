"""Monte Carlo: replications x scenarios, each replication a pure function of its seed.

Replication r gets `SeedSequence(seed).spawn(reps)[r]`; its people and every chance
decision are drawn from that stream alone, and every scenario runs on the same people with
the same draws (common random numbers), so differences between scenarios are differences
of law and assumptions, not of luck. Results do not depend on the number of workers.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from asylum_pathways.errors import Problem
from asylum_pathways.params import ParameterTree
from asylum_pathways.rules.records import Encounters
from asylum_pathways.scenarios import Scenario
from asylum_pathways.sim.flows import Fate, simulate
from asylum_pathways.sim.population import Population, from_records, generate
from asylum_pathways.sim.study import StudyError, StudySpec, Window, check_horizon


@dataclass
class Replicate:
    index: int
    daily: dict[str, dict[str, np.ndarray]]  # scenario -> metric -> per day
    headline: dict[str, dict[str, float]]  # scenario -> metric -> value
    fates: dict[str, Fate] = field(default_factory=dict)
    population: Population | None = None


@dataclass
class Study:
    scenarios: list[Scenario]
    start: dt.date
    end: dt.date
    seed: int
    reps: int
    workers: int
    replicates: list[Replicate]
    seconds: float
    spec: StudySpec | None = None

    def metrics(self) -> list[str]:
        return list(self.replicates[0].daily[self.scenarios[0].name])

    def daily(self, scenario: str, metric: str) -> np.ndarray:
        """[replication, day] array of one metric."""
        return np.stack([r.daily[scenario][metric] for r in self.replicates])

    def headline(self, scenario: str, metric: str) -> np.ndarray:
        return np.array([r.headline[scenario][metric] for r in self.replicates])


#: A user's encounter records: (engine columns, person identifiers).
Records = tuple[Encounters, np.ndarray]


@dataclass(frozen=True)
class Job:
    """Everything a replication needs besides its seed; travels with each task (pickled once
    per chunk of tasks), so no worker keeps state between studies."""

    scenarios: tuple[Scenario, ...]
    start: dt.date
    end: dt.date
    records: Records | None = None
    windows: tuple[Window, ...] = ()


def _population_key(tree: ParameterTree) -> str:
    parts = [p for p in tree if p.name.startswith("assumptions.population.")]
    return repr([(p.name, [(v.start, repr(v.value)) for v in p.values]) for p in parts])


def replicate(job: Job, index: int, seed: np.random.SeedSequence, keep: bool = False) -> Replicate:
    """One replication of every scenario (a pure function of the job and the seed)."""
    start, end = job.start, job.end
    populations: dict[str, Population] = {}
    daily: dict[str, dict[str, np.ndarray]] = {}
    headline: dict[str, dict[str, float]] = {}
    fates: dict[str, Fate] = {}
    first_pop = None
    for scenario in job.scenarios:
        key = _population_key(scenario.tree)
        if key not in populations:
            rng = np.random.Generator(np.random.PCG64(seed))
            if job.records is not None:
                populations[key] = from_records(job.records[0], job.records[1], start, end, rng)
            else:
                populations[key] = generate(scenario.tree, start, end, rng)
        pop = populations[key]
        first_pop = first_pop or pop
        result = simulate(scenario.tree, pop, keep_fate=keep, windows=job.windows)
        daily[scenario.name] = result.daily
        headline[scenario.name] = result.headline
        if keep and result.fate is not None:
            fates[scenario.name] = result.fate
    return Replicate(index, daily, headline, fates, first_pop if keep else None)


def _task(args: tuple[Job, int, np.random.SeedSequence, bool]) -> Replicate:
    job, index, seed, keep = args
    return replicate(job, index, seed, keep)


def run_study(
    spec: StudySpec,
    workers: int | None = None,
    keep_first: bool = True,
    progress: Callable[[int], None] | None = None,
    executor: Executor | None = None,
    records: Records | None = None,
    tree: ParameterTree | None = None,
    allow_files: bool = True,
    scenarios: list[Scenario] | None = None,
) -> Study:
    """Run `spec.reps` replications of every scenario of `spec` on `tree` (default: the
    parameter tree). The whole input is validated first: a bad spec, worker count or
    scenario raises a `UserError` listing every problem, before anything runs. Scenario files
    are read only if `allow_files`; `scenarios`, when given, are the spec's already loaded.
    `executor` (any concurrent.futures Executor, e.g. a Dask client's) overrides the local
    process pool."""
    if not isinstance(spec, StudySpec):
        raise StudyError(
            f"run_study: expected a StudySpec, got {type(spec).__name__}",
            [Problem(("spec",), "expected a StudySpec", type(spec).__name__)],
        )
    if workers is not None and (
        not isinstance(workers, int) or isinstance(workers, bool) or workers < 0
    ):
        raise StudyError(
            f"workers {workers!r}: expected 0 (one per CPU) or more",
            [Problem(("workers",), "expected 0 (one per CPU) or more", workers)],
        )
    if records is None:
        check_horizon(spec)
    if scenarios is None:
        if tree is None:
            from asylum_pathways.params import load_tree

            tree = load_tree()
        scenarios = spec.load_scenarios(tree, allow_files=allow_files)
    workers = workers or os.cpu_count() or 1
    start, end, reps, seed = spec.start, spec.end, spec.reps, spec.seed
    job = Job(tuple(scenarios), start, end, records, tuple(spec.windows))
    children = np.random.SeedSequence(seed).spawn(reps)
    tasks = [(job, i, children[i], keep_first and i == 0) for i in range(reps)]
    t0 = time.perf_counter()
    results: list[Replicate] = []
    if executor is None and workers == 1:
        for task in tasks:
            results.append(_task(task))
            if progress:
                progress(1)
    else:
        own = executor is None
        pool = executor or ProcessPoolExecutor(max_workers=workers)
        # Chunks keep progress steady while the job is pickled once per chunk, not per task.
        chunk = {"chunksize": max(1, reps // (4 * workers))} if own else {}
        try:
            for result in pool.map(_task, tasks, **chunk):
                results.append(result)
                if progress:
                    progress(1)
        finally:
            if own:
                pool.shutdown()
    results.sort(key=lambda r: r.index)
    return Study(
        list(scenarios), start, end, seed, reps, workers, results, time.perf_counter() - t0, spec
    )


def summarize(values: np.ndarray) -> dict[str, float]:
    """Mean and 5th-95th percentile over replications."""
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v)]
    if v.shape[0] == 0:
        return {"mean": float("nan"), "p5": float("nan"), "p95": float("nan")}
    return {
        "mean": float(v.mean()),
        "p5": float(np.percentile(v, 5)),
        "p95": float(np.percentile(v, 95)),
    }
