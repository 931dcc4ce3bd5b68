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
from typing import Any

import numpy as np

from asylum_pathways.params import ParameterTree
from asylum_pathways.rules.records import Encounters
from asylum_pathways.scenarios import Scenario
from asylum_pathways.sim.flows import Fate, simulate
from asylum_pathways.sim.population import Population, from_records, generate


@dataclass
class Replicate:
    index: int
    daily: dict[str, dict[str, np.ndarray]]  # scenario -> metric -> per day
    headline: dict[str, dict[str, float]]  # scenario -> metric -> value
    fates: dict[str, Fate] = field(default_factory=dict)
    population: Population | None = None
    draw: dict[str, float] = field(default_factory=dict)  # fitted assumptions (sim.posterior)


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
    posterior: Any = None  # sim.posterior.Posterior the replications drew from, or None

    def metrics(self) -> list[str]:
        return list(self.replicates[0].daily[self.scenarios[0].name])

    def daily(self, scenario: str, metric: str) -> np.ndarray:
        """[replication, day] array of one metric."""
        return np.stack([r.daily[scenario][metric] for r in self.replicates])

    def headline(self, scenario: str, metric: str) -> np.ndarray:
        return np.array([r.headline[scenario][metric] for r in self.replicates])


_STATE: dict[str, Any] = {}
#: A user's encounter records: (engine columns, person identifiers).
Records = tuple[Encounters, np.ndarray]


def _init(
    scenarios: list[Scenario],
    start: dt.date,
    end: dt.date,
    records: Records | None = None,
    posterior: Any = None,
) -> None:
    _STATE.update(scenarios=scenarios, start=start, end=end, records=records, posterior=posterior)


def _population_key(tree: ParameterTree) -> str:
    parts = [p for p in tree if p.name.startswith("assumptions.population.")]
    return repr([(p.name, [(v.start, repr(v.value)) for v in p.values]) for p in parts])


def replicate(index: int, seed: np.random.SeedSequence, keep: bool = False) -> Replicate:
    """One replication of every scenario (a pure function of the seed)."""
    scenarios: list[Scenario] = _STATE["scenarios"]
    start, end = _STATE["start"], _STATE["end"]
    populations: dict[str, Population] = {}
    daily: dict[str, dict[str, np.ndarray]] = {}
    headline: dict[str, dict[str, float]] = {}
    fates: dict[str, Fate] = {}
    first_pop = None
    posterior = _STATE.get("posterior")  # sim.posterior: one draw for every scenario
    draw = posterior.draw(index, seed) if posterior is not None else {}
    for scenario in scenarios:
        key = _population_key(scenario.tree)
        if key not in populations:
            rng = np.random.Generator(np.random.PCG64(seed))
            records = _STATE.get("records")
            if records is not None:
                populations[key] = from_records(records[0], records[1], start, end, rng)
            else:
                populations[key] = generate(scenario.tree, start, end, rng)
        pop = populations[key]
        first_pop = first_pop or pop
        tree = posterior.apply(scenario.tree, draw) if posterior is not None else scenario.tree
        result = simulate(tree, pop, keep_fate=keep)
        daily[scenario.name] = result.daily
        headline[scenario.name] = result.headline
        if keep and result.fate is not None:
            fates[scenario.name] = result.fate
    return Replicate(index, daily, headline, fates, first_pop if keep else None, draw)


def _task(args: tuple[int, np.random.SeedSequence, bool, tuple[Any, ...] | None]) -> Replicate:
    index, seed, keep, state = args
    if state is not None:  # an executor without our initializer (e.g. Dask)
        _init(*state)
    return replicate(index, seed, keep)


def run_study(
    scenarios: list[Scenario],
    start: dt.date,
    end: dt.date,
    reps: int,
    seed: int,
    workers: int | None = None,
    keep_first: bool = True,
    progress: Callable[[int], None] | None = None,
    executor: Executor | None = None,
    records: Records | None = None,
    posterior: Any = None,
) -> Study:
    """Run `reps` replications of every scenario. `executor` (any concurrent.futures
    Executor, e.g. a Dask client's) overrides the local process pool. `posterior`
    (sim.posterior.Posterior; None: parameters fixed) draws each replication's assumptions."""
    workers = workers or os.cpu_count() or 1
    children = np.random.SeedSequence(seed).spawn(reps)
    state = (scenarios, start, end, records, posterior) if executor is not None else None
    tasks = [(i, children[i], keep_first and i == 0, state) for i in range(reps)]
    t0 = time.perf_counter()
    results: list[Replicate] = []
    if executor is None and workers == 1:
        _init(scenarios, start, end, records, posterior)
        for task in tasks:
            results.append(_task(task))
            if progress:
                progress(1)
    else:
        own = executor is None
        pool = executor or ProcessPoolExecutor(
            max_workers=workers,
            initializer=_init,
            initargs=(scenarios, start, end, records, posterior),
        )
        try:
            for result in pool.map(_task, tasks):
                results.append(result)
                if progress:
                    progress(1)
        finally:
            if own:
                pool.shutdown()
    results.sort(key=lambda r: r.index)
    seconds = time.perf_counter() - t0
    return Study(scenarios, start, end, seed, reps, workers, results, seconds, posterior)


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
