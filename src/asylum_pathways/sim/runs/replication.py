"""One replication of every scenario of a study: a pure function of the job and its seed.

The people are drawn once per population from the replication's own stream and every
scenario runs on them with the same draws (common random numbers). With `keep`, the
replication also brings back persons.parquet (sim.runs.persons), made scenario by scenario
so that it never holds more than one scenario's fates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from asylum_pathways.errors import UserError
from asylum_pathways.params import ParameterTree
from asylum_pathways.rules.engine import Determinations, determine, determine_like
from asylum_pathways.scenarios import Scenario
from asylum_pathways.sim.model.flows import simulate
from asylum_pathways.sim.model.population import Population, from_records, generate
from asylum_pathways.sim.runs.persons import person_columns, persons_parquet, scenario_frame
from asylum_pathways.sim.runs.runtime import Records
from asylum_pathways.sim.runs.study import Window


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


class ReplicationFailed(Exception):
    """A replication raised while simulating one of its scenarios (named in the message)."""


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
    posterior = job.posterior  # sim.fitting.posterior: one draw for every scenario
    draw = posterior.draw(index, seed) if posterior is not None else {}
    daily, headline, frames = _scenarios(job, index, seed, draw, keep)
    # the people and their answers are gone by now: only the scenarios' frames are left
    persons = persons_parquet(frames) if frames else None
    return Replicate(index, daily, headline, draw, persons)


def _scenarios(
    job: Job, index: int, seed: np.random.SeedSequence, draw: dict[str, float], keep: bool
) -> tuple[dict[str, dict[str, np.ndarray]], dict[str, dict[str, float]], list[pl.DataFrame]]:
    """Every scenario of one replication: daily and headline metrics per scenario, and with
    `keep` each scenario's persons frame (sim.runs.persons), made as soon as the scenario has
    run so that no more than one scenario's fates are held at once."""
    start, end, posterior = job.start, job.end, job.posterior
    populations: dict[str, Population] = {}
    # per population, the first scenario's tree and answers: later scenarios reuse them for
    # everyone whose day comes before the first day their law differs (determine_like)
    answered: dict[str, tuple[ParameterTree, Determinations]] = {}
    # per population, the columns describing its people in persons.parquet
    people: dict[str, dict[str, pl.Series]] = {}
    daily: dict[str, dict[str, np.ndarray]] = {}
    headline: dict[str, dict[str, float]] = {}
    frames: list[pl.DataFrame] = []
    keys = [_population_key(scenario.tree) for scenario in job.scenarios]
    for n, (scenario, key) in enumerate(zip(job.scenarios, keys, strict=True)):
        if key not in populations:
            rng = np.random.Generator(np.random.PCG64(seed))
            if job.records is not None:
                populations[key] = from_records(job.records[0], job.records[1], start, end, rng)
            else:
                populations[key] = generate(scenario.tree, start, end, rng)
        pop = populations[key]
        tree = posterior.apply(scenario.tree, draw) if posterior is not None else scenario.tree
        try:
            if key in answered:
                det = determine_like(tree, pop.enc, *answered[key])
                if key not in keys[n + 1 :]:  # no later scenario reuses these answers
                    del answered[key]
            else:
                det = determine(tree, pop.enc, groups=pop.groups)
                answered[key] = (tree, det)
            result = simulate(tree, pop, keep_fate=keep, windows=job.windows, det=det)
        except UserError:  # bad input, the same on every try: the executor raises it at once
            raise
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
            if key not in people:
                people[key] = person_columns(start, pop)
            ports = job.scenarios[0].tree.ports
            frames.append(scenario_frame(start, scenario.name, ports, people[key], result.fate))
        del result  # its fate, with keep
    return daily, headline, frames


def replicate_batch(
    args: tuple[Job, tuple[int, ...], tuple[np.random.SeedSequence, ...], bool],
) -> list[Replicate]:
    """Several replications in one task (a task's overhead is paid once per batch)."""
    job, indices, seeds, keep_first = args
    return [
        replicate(job, i, sq, keep_first and i == 0) for i, sq in zip(indices, seeds, strict=True)
    ]
