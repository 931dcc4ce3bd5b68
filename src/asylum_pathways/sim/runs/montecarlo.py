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
from asylum_pathways.scenarios import Scenario
from asylum_pathways.sim.runs import executors
from asylum_pathways.sim.runs.replication import Job as Job
from asylum_pathways.sim.runs.replication import Replicate as Replicate
from asylum_pathways.sim.runs.replication import ReplicationFailed as ReplicationFailed
from asylum_pathways.sim.runs.replication import replicate as replicate
from asylum_pathways.sim.runs.replication import replicate_batch
from asylum_pathways.sim.runs.runtime import FROM_SPEC, Runtime
from asylum_pathways.sim.runs.store import ReplicationStore
from asylum_pathways.sim.runs.study import (
    StudyError,
    StudySpec,
    check_answerable,
    check_horizon,
)

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


#: Most replications in one task by default.
BATCH = 8


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
    runtime = _checked(spec, runtime)
    scenarios, posterior = _inputs(spec, runtime)
    start, end, reps = spec.start, spec.end, spec.reps
    job = Job(
        tuple(scenarios),
        start,
        end,
        runtime.records,
        tuple(spec.windows),
        tuple(runtime.metrics),
        posterior,
    )
    engine = executors.backend(
        runtime.backend, runtime.workers, runtime.scheduler, runtime.executor
    )
    spans = _partition(reps, runtime.batch, engine.workers)
    stored = (
        ReplicationStore(runtime.store, [sc.name for sc in scenarios], start, end, reps)
        if runtime.store is not None
        else None
    )
    if stored is not None:
        stored.begin()
    t0 = time.perf_counter()
    results, draws = _collect(
        engine, _tasks(job, spec.seed, spans, runtime.keep_first), spans, stored, runtime
    )
    return Study(
        list(scenarios),
        start,
        end,
        spec.seed,
        reps,
        engine.workers,
        results,
        time.perf_counter() - t0,
        spec,
        stored,
        posterior,
        draws,
    )


def _checked(spec: StudySpec, runtime: Runtime | None) -> Runtime:
    """The runtime to run `spec` with (the default one for None), once the two are of the
    right types and the runtime's counts are in range."""
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
    for name, value, low in (("workers", runtime.workers, 0), ("batch", runtime.batch, 1)):
        if value is not None and (
            not isinstance(value, int) or isinstance(value, bool) or value < low
        ):
            expected = "expected 0 (one per CPU) or more" if low == 0 else "expected 1 or more"
            raise StudyError(f"{name} {value!r}: {expected}", [Problem((name,), expected, value)])
    return runtime


def _inputs(spec: StudySpec, runtime: Runtime) -> tuple[list[Scenario], Any]:
    """The study's scenarios and the posterior its replications draw from (None: fixed), as
    the runtime gives them or loaded from the spec, checked against the horizon and the tree."""
    if runtime.records is None:
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
    check_answerable(spec, tree if tree is not None else scenarios[0].tree)
    # a posterior is checked against the first scenario's tree (its fit's, for the built-ins)
    posterior = (
        spec.draws(scenarios[0].tree, allow_files=runtime.allow_files)
        if runtime.draws is FROM_SPEC
        else runtime.draws
    )
    return scenarios, posterior


def _partition(reps: int, batch: int | None, workers: int) -> list[list[int]]:
    """Replications 0..reps-1 in tasks of `batch`, by default about four tasks per worker
    (progress stays steady and the job is pickled once per task) and at most `BATCH`
    replications each (that bounds what one finished task hands back)."""
    size = batch or min(BATCH, max(1, reps // (4 * workers)))
    return [list(range(a, min(a + size, reps))) for a in range(0, reps, size)]


def _tasks(
    job: Job, seed: int, spans: list[list[int]], keep_first: bool
) -> list[tuple[Job, tuple[int, ...], tuple[np.random.SeedSequence, ...], bool]]:
    """One `replicate_batch` argument per span: replication r draws from the r-th child of the seed."""
    children = np.random.SeedSequence(seed).spawn(sum(len(s) for s in spans))
    return [(job, tuple(s), tuple(children[i] for i in s), keep_first) for s in spans]


def _collect(
    engine: executors.Backend,
    tasks: list[Any],
    spans: list[list[int]],
    stored: ReplicationStore | None,
    runtime: Runtime,
) -> tuple[list[Replicate], list[dict[str, float]]]:
    """Run the tasks and gather what they return: the replications kept in memory (every one
    without a store; with one, only the first when its people are kept, the others written
    to the store as they arrive) and each replication's draw, both in replication order.
    Raises `StudyIncomplete` when replications are missing once the others are done."""
    reps = sum(len(s) for s in spans)
    results: list[Replicate] = []
    failed: list[tuple[list[int], str]] = []
    draws: dict[int, dict[str, float]] = {}
    try:
        for i, result in engine.run(replicate_batch, tasks):
            if isinstance(result, executors.TaskFailure):
                failed.append((spans[i], result.error))
                continue
            for rep in result:
                if stored is not None:
                    stored.write(rep.index, rep.daily, rep.headline)
                if stored is None or (rep.index == 0 and runtime.keep_first):
                    results.append(rep)
                draws[rep.index] = rep.draw
            if runtime.progress:
                runtime.progress(len(result))
    except BaseException:
        if stored is not None:
            stored.mark(False, sorted(set(range(reps)) - set(draws)), "interrupted")
        raise
    finally:
        engine.close()
    missing = sorted(set(range(reps)) - set(draws))
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
    return results, [draws[i] for i in sorted(draws)]
