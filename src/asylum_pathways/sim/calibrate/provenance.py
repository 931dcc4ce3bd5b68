"""Where a posterior comes from: a run's name (a hash of its inputs and of what it found),
the parameters the fitted model reads, and the provenance written into posterior.parquet
and calibration.json."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from asylum_pathways import __version__
from asylum_pathways.params import ParameterTree
from asylum_pathways.scenarios import load_scenario
from asylum_pathways.sim.calibrate import abc
from asylum_pathways.sim.calibrate.calibration import Calibration
from asylum_pathways.sim.calibrate.diagnostics import backtest_summary, uninformed
from asylum_pathways.sim.fitting import posterior as post
from asylum_pathways.sim.fitting.spec import Spec

METHOD = "ABC-SMC (replenishment, Drovandi and Pettitt 2011), one replication per particle"


def model_reads(spec: Spec, tree: ParameterTree) -> list[str]:
    """The parameters (and prefixes) one replication of the spec's scenario reads, over the
    spec's horizon: what the fit depends on. A posterior is still valid for a tree that
    differs only elsewhere (a law the simulation never reads, the registry's deadlines)."""
    from asylum_pathways.sim.runs.montecarlo import Job, replicate

    recording = tree.recording()
    scenario = load_scenario(spec.scenario, recording)
    replicate(Job((scenario,), spec.start, spec.end), 0, np.random.SeedSequence(0))
    assert recording.reads is not None
    return sorted(recording.reads)


def run_id(spec: Spec, tree: ParameterTree, seed: int, budget: list[Any], res: abc.Result) -> str:
    """A name for the run: a hash of its inputs and of the posterior it found."""
    h = hashlib.sha256(json.dumps([spec.sha256, tree.fingerprint(), seed, budget]).encode())
    h.update(res.particles.tobytes())
    h.update(res.stats.tobytes())
    return "cal-" + h.hexdigest()[:12]


def provenance(
    cal: Calibration,
    tree: ParameterTree,
    rid: str,
    seed: int,
    n: int,
    generations: int,
    moves: int,
    enough: float = 0.0,
) -> dict[str, Any]:
    spec, res = cal.spec, cal.result
    fit = cal.fit()
    fitted = fit.filter(pl.col("role") == "fit")
    return {
        "run_id": rid,
        "method": METHOD,
        "version": __version__,
        "seed": seed,
        "particles": n,
        "generations": generations,
        "moves": moves,
        "stop_at_tolerance": enough,
        "generations_run": len(res.generations) - 1,
        "simulations": res.simulations,
        "spec": {"name": spec.name, "file": Path(spec.source).name, "sha256": spec.sha256},
        "scenario": spec.scenario,
        "horizon": {"start": spec.start.isoformat(), "end": spec.end.isoformat()},
        "tree_fingerprint": tree.fingerprint(),
        "reads": (reads := model_reads(spec, tree)),
        "reads_fingerprint": tree.fingerprint(reads),
        "fitted": [p.fitted.as_dict() for p in spec.parameters],
        "priors": {
            p.fitted.id: {
                "distribution": p.prior.distribution,
                "bounds": [p.prior.low, p.prior.high],
                "about": p.about,
                "label": p.label,
            }
            for p in spec.parameters
        },
        "targets": [
            {
                "id": t.id,
                "metric": list(t.metrics),
                "date": t.start.isoformat(),
                "published": t.published,
                "relation": t.relation,
                "tolerance": t.tolerance,
                "weight": t.weight,
            }
            for t in cal.fitted_targets
        ],
        "holdout_after": cal.holdout_after.isoformat() if cal.holdout_after else None,
        "held_out_targets": [t.id for t in cal.used if t not in cal.fitted_targets],
        "skipped_targets": [
            {"id": t.id, "metric": list(t.metrics), "reason": "metric not produced by the model"}
            for t in cal.skipped
        ],
        "fit": {
            "epsilon": [g.epsilon for g in res.generations],
            "generations": [g.as_dict() for g in res.generations],
            "final_epsilon": float(res.distance.max()),
            "median_distance": float(np.median(res.distance)),
            "targets_inside_90": int(fitted["inside"].sum()),
            "targets": fitted.height,
        },
        "posterior": {
            p.fitted.id: {
                **post.summary(res.particles[:, j]),
                "uninformed": uninformed(p.prior, res.particles[:, j]),
            }
            for j, p in enumerate(spec.parameters)
        },
        "uninformed": [
            p.fitted.id
            for j, p in enumerate(spec.parameters)
            if uninformed(p.prior, res.particles[:, j])
        ],
        "backtest": backtest_summary(cal.backtest()),
    }
