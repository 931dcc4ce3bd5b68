"""One calibration run: the spec's scenario simulated for ABC-SMC, and what it writes.

Each particle is one replication of the spec's scenario (by default `history`) from the
spec's start to the last target date, through the same Monte Carlo code as `simulate`
(`run_study` with the particles as the replications' draws), so a worker pool, seeds and
the application of a draw to the tree are shared with it.

Written to the output folder (nothing else is changed):
- `posterior.parquet`: the particles (one column per fitted assumption), their distance and
  their own simulation's value of each target (`stat.<target>`), provenance in the file
  metadata (see sim.fitting.posterior.METADATA_KEY); identical bytes for the same inputs and seed;
- `fit.csv`: target, published figure, the model's median and 5th-95th percentile over the
  posterior (each particle's own simulation: parameter and Monte Carlo uncertainty), inside;
- `calibration.json`: the provenance again, with the run time, for people.

With `holdout_after` (a back-test), only the targets dated on or before that day are fitted;
every particle's simulation runs to the last target all the same, so the posterior's
prediction of each later figure (the held-out targets, and the independent figures of
data/measures.yaml after the cut) is its particles' own simulations: `backtest.csv` lists
them with the 50% and 90% intervals and the signed error, and `calibration.json` says how
often the intervals held the published figure. A fitted assumption whose posterior cannot be
told from its prior (one-sample Kolmogorov-Smirnov at the 5% level) is listed as
`uninformed`: nothing fitted moved it.

The pieces live beside this module: the result and its tables (`calibration`), where a
posterior comes from (`provenance`), how far to trust it (`diagnostics`) and what is written
(`files`).
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from asylum_pathways.errors import UserError
from asylum_pathways.params import ParameterTree
from asylum_pathways.scenarios import load_scenario
from asylum_pathways.sim.calibrate import abc
from asylum_pathways.sim.calibrate.calibration import Calibration, fitted
from asylum_pathways.sim.calibrate.files import write
from asylum_pathways.sim.calibrate.provenance import provenance, run_id
from asylum_pathways.sim.fitting import posterior as post
from asylum_pathways.sim.fitting.measures import Measure
from asylum_pathways.sim.fitting.spec import Spec, Target

__all__ = ["Calibration", "calibrate", "write"]


def calibrate(
    spec: Spec,
    tree: ParameterTree,
    seed: int,
    particles: int,
    generations: int,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
    moves: int = abc.MOVES,
    warn: Callable[[str], None] = lambda m: print(f"warning: {m}", file=sys.stderr),
    holdout_after: dt.date | None = None,
    enough: float = abc.ENOUGH,
) -> Calibration:
    """Fit the spec's assumptions to its targets by ABC-SMC, each particle one replication
    of the spec's scenario; `holdout_after` fits only the targets dated on or before it; the
    run stops after the first generation whose tolerance is at most `enough`."""
    from asylum_pathways.sim.model import targets as encounter_targets
    from asylum_pathways.sim.runs.montecarlo import run_study
    from asylum_pathways.sim.runs.runtime import Runtime
    from asylum_pathways.sim.runs.study import StudySpec

    t0 = time.perf_counter()
    scenario = load_scenario(spec.scenario, tree)
    encounter_targets.build()
    chosen: dict[str, Any] = {}

    def simulate(theta: np.ndarray, batch: int) -> np.ndarray:
        sub = int(np.random.SeedSequence([seed, batch, 1]).generate_state(1)[0])
        study = run_study(
            StudySpec((spec.scenario,), spec.start, spec.end, reps=theta.shape[0], seed=sub),
            Runtime(
                workers=workers,
                progress=progress,
                keep_first=False,
                tree=tree,
                scenarios=(scenario,),
                # the proposals are the draws (the spec's `parameters` are not read)
                draws=post.Proposals(spec.fitted, theta, "(a proposal of calibrate)"),
            ),
        )
        if not chosen:
            chosen.update(_choose(spec, set(study.metrics()), holdout_after, warn))

        def daily(metric: str) -> np.ndarray:
            return study.daily(scenario.name, metric)

        columns = [t.statistic(daily, spec.start) for t in chosen["use"]]
        columns += [m.statistic(daily, spec.start) for m in chosen["watch"]]
        return np.column_stack(columns)

    def distance(stats: np.ndarray) -> np.ndarray:
        return _distance(stats, chosen["use"], holdout_after)

    priors = [p.prior for p in spec.parameters]
    result = abc.run(
        priors, simulate, distance, particles, generations, seed, moves=moves, enough=enough
    )
    cal = Calibration(
        spec,
        result,
        chosen["use"],
        chosen["skip"],
        {},
        time.perf_counter() - t0,
        holdout_after,
        chosen["watch"],
    )
    budget = [particles, generations, moves, str(holdout_after), enough]
    rid = run_id(spec, tree, seed, budget, result)
    cal.provenance = provenance(cal, tree, rid, seed, particles, generations, moves, enough)
    return cal


def _choose(
    spec: Spec, metrics: set[str], holdout_after: dt.date | None, warn: Callable[[str], None]
) -> dict[str, Any]:
    """The targets the model can measure (`use`), those it cannot (`skip`, each warned of),
    and the independent figures a back-test watches (`watch`); refused if nothing is left
    to fit."""
    use, skip = spec.usable(metrics)
    for t in skip:
        missing = [m for m in t.metrics if m not in metrics]
        warn(
            f"target {t.id} skipped: the model has no metric {', '.join(missing)} "
            "(yet); it counts neither in the fit nor as calibration in validation.csv"
        )
    if not any(fitted(t, holdout_after) for t in use):
        raise UserError(
            f"{spec.source}: no target the model can measure is dated on or before "
            f"{holdout_after or spec.end}; nothing to calibrate to"
        )
    return {"use": use, "skip": skip, "watch": _watched(spec, holdout_after, metrics)}


def _distance(stats: np.ndarray, use: list[Target], holdout_after: dt.date | None) -> np.ndarray:
    """Each particle's weighted root-mean-square residual over the fitted targets."""
    pairs = [(j, t) for j, t in enumerate(use) if fitted(t, holdout_after)]
    w = np.array([t.weight for _, t in pairs])
    r = np.column_stack([t.residual(stats[:, j]) for j, t in pairs])
    r = np.where(np.isfinite(r), r, 1e6)  # a statistic the run cannot compute is far off
    return np.sqrt((w * r**2).sum(axis=1) / w.sum())


def _watched(spec: Spec, cut: dt.date | None, metrics: set[str]) -> list[Measure]:
    """The independent published figures a back-test also predicts: every figure of
    data/measures.yaml after the cut, inside the spec's horizon, that is no target and was
    not used to build an assumption (the spec's by_construction list)."""
    if cut is None:
        return []
    from asylum_pathways.sim.fitting import measures

    targeted = {(t.figure, t.field) for t in spec.targets} | {
        a for t in spec.targets for a in t.also
    }
    return [
        m
        for m in measures.catalogue()
        if cut < m.date <= spec.end
        and m.first_day >= spec.start
        and (m.figure, m.field) not in targeted
        and not any(b.covers(m.id) for b in spec.by_construction)
        and all(x in metrics for x in m.needs)
    ]
