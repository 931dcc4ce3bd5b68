"""Monte Carlo: replications x scenarios, each replication a pure function of its seed.

Replication r gets `SeedSequence(seed).spawn(reps)[r]`; its people and every chance
decision are drawn from that stream alone, and every scenario runs on the same people with
the same draws (common random numbers), so differences between scenarios are differences
of law and assumptions, not of luck. Results do not depend on the number of workers.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from asylum_pathways.errors import Problem
from asylum_pathways.intervals import summarize as summarize  # shared with the report
from asylum_pathways.params import ParameterTree
from asylum_pathways.rules.engine import Determinations, determine, determine_like
from asylum_pathways.scenarios import Scenario
from asylum_pathways.sim.model.flows import Fate, simulate
from asylum_pathways.sim.model.population import Population, from_records, generate
from asylum_pathways.sim.runs import executors
from asylum_pathways.sim.runs.persons import persons_parquet
from asylum_pathways.sim.runs.runtime import FROM_SPEC, Records, Runtime
from asylum_pathways.sim.runs.store import ReplicationStore
from asylum_pathways.sim.runs.study import (
    StudyError,
    StudySpec,
    Window,
    check_answerable,
    check_horizon,
)


@dataclass
class Replicate:
    index: int
    daily: dict[str, dict[str, np.ndarray]]  # scenario -> metric -> per day
    headline: dict[str, dict[str, float]]  # scenario -> metric -> value
    draw: dict[str, float] = field(
        default_factory=dict
    )  # fitted assumptions (sim.fitting.posterior)
    #: persons.parquet of this replication (the first one, when kept): sim.runs.persons
    persons: bytes | None = None


#: Daily arrays a stored study keeps at once (each replications x days).
RECENT = 8


@dataclass
class Study:
    """A study's results: in memory (`replicates`, every replication), or streamed to
    `store` (then `replicates` holds at most the kept first replication)."""

    scenarios: list[Scenario]
    start: dt.date
    end: dt.date
    seed: int
    reps: int
    workers: int
    replicates: list[Replicate]
    seconds: float
    spec: StudySpec | None = None
    store: ReplicationStore | None = None
    posterior: Any = None  # sim.fitting.posterior.Posterior the replications drew from, or None
    #: Each replication's draw of the fitted assumptions, in replication order (sensitivity).
    draws: list[dict[str, float]] = field(default_factory=list)
    _headline_table: pl.DataFrame | None = field(default=None, repr=False, compare=False)
    #: The last few daily arrays read from the store (validation reads some metrics often).
    _recent: OrderedDict[tuple[str, str], np.ndarray] = field(
        default_factory=OrderedDict, repr=False, compare=False
    )

    def metrics(self) -> list[str]:
        if self.store is not None:
            return self.store.metrics()
        return list(self.replicates[0].daily[self.scenarios[0].name])

    def headline_metrics(self) -> list[str]:
        if self.store is not None:
            return self.store.headline_metrics()
        return list(self.replicates[0].headline[self.scenarios[0].name])

    def daily(self, scenario: str, metric: str) -> np.ndarray:
        """[replication, day] array of one metric."""
        if self.store is not None:
            key = (scenario, metric)
            if key not in self._recent:
                values = self.store.daily(scenario, metric)
                values.setflags(write=False)  # shared between callers
                self._recent[key] = values
                if len(self._recent) > RECENT:
                    self._recent.popitem(last=False)
            self._recent.move_to_end(key)
            return self._recent[key]
        return np.stack([r.daily[scenario][metric] for r in self.replicates])

    def headline(self, scenario: str, metric: str) -> np.ndarray:
        if self.store is not None:
            return self.store.headline(scenario, metric, self._headlines())
        return np.array([r.headline[scenario][metric] for r in self.replicates])

    def _headlines(self) -> pl.DataFrame:
        """The stored headline table, read once per study."""
        assert self.store is not None
        if self._headline_table is None:
            self._headline_table = self.store.headlines()
        return self._headline_table

    def first(self) -> Replicate | None:
        """The first replication, with its people and fates when they were kept."""
        return self.replicates[0] if self.replicates and self.replicates[0].index == 0 else None


class StudyIncomplete(Exception):
    """Some replications failed twice (or the run was interrupted): the results are marked
    incomplete, and this says which replications are missing and why. The CLI exits 3."""

    exit_code = 3

    def __init__(self, message: str, missing: list[int]) -> None:
        super().__init__(message)
        self.missing = missing


class ReplicationFailed(Exception):
    """A replication raised while simulating one of its scenarios (named in the message)."""


#: Most replications in one task by default.
BATCH = 8


@dataclass(frozen=True)
class Job:
    """Everything a replication needs besides its seed; travels with each task (pickled once
    per chunk of tasks), so no worker keeps state between studies."""

    scenarios: tuple[Scenario, ...]
    start: dt.date
    end: dt.date
    records: Records | None = None
    windows: tuple[Window, ...] = ()
    #: Daily metrics to keep (all when empty; "encounters" always): a sweep keeps its own.
    keep_metrics: tuple[str, ...] = ()
    #: sim.fitting.posterior.Posterior each replication draws its assumptions from (None: fixed).
    posterior: Any = None


def _population_key(tree: ParameterTree) -> str:
    """What the people drawn depend on: the population assumptions and the 2025 shares."""
    parts = [*tree.under("assumptions.population."), *tree.under("assumptions.encounters_2025.")]
    return repr([(p.name, [(v.start, repr(v.value)) for v in p.values]) for p in parts])


def replicate(job: Job, index: int, seed: np.random.SeedSequence, keep: bool = False) -> Replicate:
    """One replication of every scenario (a pure function of the job and the seed)."""
    start, end = job.start, job.end
    populations: dict[str, Population] = {}
    # per population, the first scenario's tree and answers: later scenarios reuse them for
    # everyone whose day comes before the first day their law differs (determine_like)
    answered: dict[str, tuple[ParameterTree, Determinations]] = {}
    daily: dict[str, dict[str, np.ndarray]] = {}
    headline: dict[str, dict[str, float]] = {}
    fates: dict[str, Fate] = {}
    first_pop = None
    posterior = job.posterior  # sim.fitting.posterior: one draw for every scenario
    draw = posterior.draw(index, seed) if posterior is not None else {}
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
        tree = posterior.apply(scenario.tree, draw) if posterior is not None else scenario.tree
        try:
            if key in answered:
                det = determine_like(tree, pop.enc, *answered[key])
            else:
                det = determine(tree, pop.enc, groups=pop.groups)
                answered[key] = (tree, det)
            result = simulate(tree, pop, keep_fate=keep, windows=job.windows, det=det)
        except Exception as exc:  # say where: the replication and the scenario (sweep point)
            raise ReplicationFailed(
                f"replication {index + 1}, scenario {scenario.name}: {type(exc).__name__}: {exc}"
            ) from exc
        daily[scenario.name] = (
            {m: v for m, v in result.daily.items() if m in job.keep_metrics or m == "encounters"}
            if job.keep_metrics
            else result.daily
        )
        headline[scenario.name] = result.headline
        if keep and result.fate is not None:
            fates[scenario.name] = result.fate
    persons = None
    if keep and first_pop is not None and fates:
        names = [s.name for s in job.scenarios]
        ports = job.scenarios[0].tree.ports
        persons = persons_parquet(start, names, ports, first_pop, fates)
    return Replicate(index, daily, headline, draw, persons)


def _batch(
    args: tuple[Job, tuple[int, ...], tuple[np.random.SeedSequence, ...], bool],
) -> list[Replicate]:
    """Several replications in one task (a task's overhead is paid once per batch)."""
    job, indices, seeds, keep_first = args
    return [
        replicate(job, i, sq, keep_first and i == 0) for i, sq in zip(indices, seeds, strict=True)
    ]


def _spans(indices: list[int]) -> str:
    """'3, 7-9' for [3, 7, 8, 9]."""
    out: list[str] = []
    for i in sorted(indices):
        if out and i == int(out[-1].split("-")[-1]) + 1:
            out[-1] = f"{out[-1].split('-')[0]}-{i}"
        else:
            out.append(str(i))
    return ", ".join(out)


def run_study(spec: StudySpec, runtime: Runtime | None = None) -> Study:
    """Run `spec.reps` replications of every scenario of `spec`, drawing each replication's
    assumptions as `spec.parameters` says (the shipped posterior, fixed, or a calibration
    folder; the same draw for every scenario of a replication), as `runtime` says (default: a
    local process pool, results in memory). The whole input is validated first: a bad spec,
    runtime or scenario raises a `UserError` listing every problem, before anything runs.

    `runtime.batch` replications go in one task (default: about four tasks per worker, at most
    `BATCH` each). With `runtime.store` (a folder), replications stream to a Parquet dataset
    there as they finish and the study reads its results back from it, so memory does not
    grow with replications; otherwise every replication stays in memory.
    A replication that fails twice, or an interrupted run, raises `StudyIncomplete` once the
    others are done, with the store marked incomplete."""
    if not isinstance(spec, StudySpec):
        raise StudyError(
            f"run_study: expected a StudySpec, got {type(spec).__name__}",
            [Problem(("spec",), "expected a StudySpec", type(spec).__name__)],
        )
    runtime = Runtime() if runtime is None else runtime
    if not isinstance(runtime, Runtime):
        raise StudyError(
            f"run_study: expected a Runtime, got {type(runtime).__name__}",
            [Problem(("runtime",), "expected a Runtime", type(runtime).__name__)],
        )
    workers, keep_first, progress = runtime.workers, runtime.keep_first, runtime.progress
    batch, metrics, records = runtime.batch, runtime.metrics, runtime.records
    for name, value, low in (("workers", workers, 0), ("batch", batch, 1)):
        if value is not None and (
            not isinstance(value, int) or isinstance(value, bool) or value < low
        ):
            expected = "expected 0 (one per CPU) or more" if low == 0 else "expected 1 or more"
            raise StudyError(f"{name} {value!r}: {expected}", [Problem((name,), expected, value)])
    if records is None:
        check_horizon(spec)
    tree = runtime.tree
    if tree is None and runtime.scenarios is None:
        from asylum_pathways.params import load_tree

        tree = load_tree()
    scenarios = (
        list(runtime.scenarios)
        if runtime.scenarios is not None
        else spec.load_scenarios(tree, allow_files=runtime.allow_files)  # type: ignore[arg-type]
    )
    base = tree if tree is not None else scenarios[0].tree
    check_answerable(spec, base)
    # a posterior is checked against the first scenario's tree (its fit's, for the built-ins)
    posterior = (
        spec.draws(scenarios[0].tree, allow_files=runtime.allow_files)
        if runtime.draws is FROM_SPEC
        else runtime.draws
    )
    store, backend, scheduler, executor = (
        runtime.store,
        runtime.backend,
        runtime.scheduler,
        runtime.executor,
    )
    start, end, reps, seed = spec.start, spec.end, spec.reps, spec.seed
    job = Job(tuple(scenarios), start, end, records, tuple(spec.windows), tuple(metrics), posterior)
    children = np.random.SeedSequence(seed).spawn(reps)
    engine = executors.backend(backend, workers, scheduler, executor)
    # About four tasks per worker keeps progress steady and the job is pickled once per task;
    # at most BATCH replications per task bounds what one finished task hands back.
    size = batch or min(BATCH, max(1, reps // (4 * engine.workers)))
    spans = [list(range(a, min(a + size, reps))) for a in range(0, reps, size)]
    tasks = [(job, tuple(s), tuple(children[i] for i in s), keep_first) for s in spans]
    stored = (
        ReplicationStore(store, [sc.name for sc in scenarios], start, end, reps)
        if store is not None
        else None
    )
    if stored is not None:
        stored.begin()
    t0 = time.perf_counter()
    results: list[Replicate] = []
    failed: list[tuple[list[int], str]] = []
    done: set[int] = set()
    draws: dict[int, dict[str, float]] = {}
    try:
        for i, result in engine.run(_batch, tasks):
            if isinstance(result, executors.TaskFailure):
                failed.append((spans[i], result.error))
                continue
            for rep in result:
                if stored is not None:
                    stored.write(rep.index, rep.daily, rep.headline)
                    if rep.index == 0 and keep_first:
                        results.append(rep)
                else:
                    results.append(rep)
                done.add(rep.index)
                draws[rep.index] = rep.draw
            if progress:
                progress(len(result))
    except BaseException:
        if stored is not None:
            stored.mark(False, sorted(set(range(reps)) - done), "interrupted")
        raise
    finally:
        engine.close()
    missing = sorted(set(range(reps)) - done)
    if missing:
        reasons = "; ".join(f"replications {_spans(s)}: {e}" for s, e in failed)
        message = (
            f"{len(missing)} of {reps} replications failed twice and are missing "
            f"({_spans(missing)}); the others completed. {reasons}"
        )
        if stored is not None:
            stored.mark(False, missing, message)
        raise StudyIncomplete(message, missing)
    if stored is not None:
        stored.mark(True)
    results.sort(key=lambda r: r.index)
    return Study(
        list(scenarios),
        start,
        end,
        seed,
        reps,
        engine.workers,
        results,
        time.perf_counter() - t0,
        spec,
        stored,
        posterior,
        [draws[i] for i in sorted(draws)],
    )
