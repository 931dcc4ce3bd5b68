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
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from asylum_pathways import __version__
from asylum_pathways.params import ParameterTree
from asylum_pathways.scenarios import load_scenario
from asylum_pathways.sim.calibrate import abc
from asylum_pathways.sim.fitting import posterior as post
from asylum_pathways.sim.fitting.spec import Spec, Target

METHOD = "ABC-SMC (replenishment, Drovandi and Pettitt 2011), one replication per particle"


@dataclass
class Calibration:
    spec: Spec
    result: abc.Result
    used: list[Target]
    skipped: list[Target]
    provenance: dict[str, Any]
    seconds: float

    def fit(self) -> pl.DataFrame:
        rows = []
        for j, t in enumerate(self.used):
            s = post.summary(self.result.stats[:, j])
            rows.append(
                {
                    "target": t.id,
                    "date": t.start.isoformat() if not t.summed else f"{t.start}..{t.end}",
                    "metric": " + ".join(t.metrics),
                    "relation": t.relation,
                    "published": t.published,
                    "model_median": s["median"],
                    "model_p5": s["p5"],
                    "model_p95": s["p95"],
                    "inside": t.inside(s["p5"], s["p95"]),
                    "relative_error": (s["median"] - t.published) / t.published
                    if t.published
                    else float("nan"),
                    "tolerance": t.tolerance,
                    "weight": t.weight,
                    "source": t.source,
                }
            )
        return pl.DataFrame(rows)


def run_id(spec: Spec, tree: ParameterTree, seed: int, budget: list[int], res: abc.Result) -> str:
    """A name for the run: a hash of its inputs and of the posterior it found."""
    h = hashlib.sha256(json.dumps([spec.sha256, tree.fingerprint(), seed, budget]).encode())
    h.update(res.particles.tobytes())
    h.update(res.stats.tobytes())
    return "cal-" + h.hexdigest()[:12]


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
) -> Calibration:
    from asylum_pathways.sim.model import targets as encounter_targets
    from asylum_pathways.sim.runs.montecarlo import run_study
    from asylum_pathways.sim.runs.study import StudySpec

    t0 = time.perf_counter()
    scenario = load_scenario(spec.scenario, tree)
    encounter_targets.build()
    chosen: dict[str, list[Target]] = {}

    def simulate(theta: np.ndarray, batch: int) -> np.ndarray:
        sub = int(np.random.SeedSequence([seed, batch, 1]).generate_state(1)[0])
        study = run_study(
            StudySpec((spec.scenario,), spec.start, spec.end, reps=theta.shape[0], seed=sub),
            workers,
            keep_first=False,
            progress=progress,
            scenarios=[scenario],
            posterior=post.Proposals(spec.fitted, theta, "(a proposal of calibrate)"),
        )
        if not chosen:
            use, skip = spec.usable(set(study.metrics()))
            for t in skip:
                missing = [m for m in t.metrics if m not in study.metrics()]
                warn(
                    f"target {t.id} skipped: the model has no metric {', '.join(missing)} "
                    "(yet); it counts neither in the fit nor as calibration in validation.csv"
                )
            if not use:
                from asylum_pathways.errors import UserError

                raise UserError(
                    f"{spec.source}: none of the targets' metrics exist in the model; "
                    "nothing to calibrate to"
                )
            chosen["use"], chosen["skip"] = use, skip

        def daily(metric: str) -> np.ndarray:
            return study.daily(scenario.name, metric)

        return np.column_stack([t.statistic(daily, spec.start) for t in chosen["use"]])

    def distance(stats: np.ndarray) -> np.ndarray:
        use = chosen["use"]
        w = np.array([t.weight for t in use])
        r = np.column_stack([t.residual(stats[:, j]) for j, t in enumerate(use)])
        r = np.where(np.isfinite(r), r, 1e6)  # a statistic the run cannot compute is far off
        return np.sqrt((w * r**2).sum(axis=1) / w.sum())

    priors = [p.prior for p in spec.parameters]
    result = abc.run(priors, simulate, distance, particles, generations, seed, moves=moves)
    cal = Calibration(spec, result, chosen["use"], chosen["skip"], {}, time.perf_counter() - t0)
    budget = [particles, generations, moves]
    rid = run_id(spec, tree, seed, budget, result)
    cal.provenance = provenance(cal, tree, rid, seed, particles, generations, moves)
    return cal


def provenance(
    cal: Calibration,
    tree: ParameterTree,
    rid: str,
    seed: int,
    n: int,
    generations: int,
    moves: int,
) -> dict[str, Any]:
    spec, res = cal.spec, cal.result
    fit = cal.fit()
    return {
        "run_id": rid,
        "method": METHOD,
        "version": __version__,
        "seed": seed,
        "particles": n,
        "generations": generations,
        "moves": moves,
        "simulations": res.simulations,
        "spec": {"name": spec.name, "file": Path(spec.source).name, "sha256": spec.sha256},
        "scenario": spec.scenario,
        "horizon": {"start": spec.start.isoformat(), "end": spec.end.isoformat()},
        "tree_fingerprint": tree.fingerprint(),
        "fitted": [p.fitted.as_dict() for p in spec.parameters],
        "priors": {
            p.fitted.id: {
                "distribution": p.prior.distribution,
                "bounds": [p.prior.low, p.prior.high],
                "about": p.about,
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
            for t in cal.used
        ],
        "skipped_targets": [
            {"id": t.id, "metric": list(t.metrics), "reason": "metric not produced by the model"}
            for t in cal.skipped
        ],
        "fit": {
            "epsilon": [g.epsilon for g in res.generations],
            "generations": [g.as_dict() for g in res.generations],
            "final_epsilon": float(res.distance.max()),
            "median_distance": float(np.median(res.distance)),
            "targets_inside_90": int(fit["inside"].sum()),
            "targets": fit.height,
        },
        "posterior": {
            p.fitted.id: post.summary(res.particles[:, j]) for j, p in enumerate(spec.parameters)
        },
    }


def write(cal: Calibration, out: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    out.mkdir(parents=True, exist_ok=True)
    res = cal.result
    cols: dict[str, Any] = {"particle": np.arange(res.particles.shape[0], dtype=np.int32)}
    for j, p in enumerate(cal.spec.parameters):
        cols[p.fitted.id] = res.particles[:, j]
    cols["distance"] = res.distance
    for j, t in enumerate(cal.used):
        cols[f"stat.{t.id}"] = res.stats[:, j]
    table = pa.table(cols)
    meta = json.dumps(cal.provenance, sort_keys=True).encode()
    table = table.replace_schema_metadata({post.METADATA_KEY: meta})
    pq.write_table(table, out / "posterior.parquet", compression="zstd")
    cal.fit().write_csv(out / "fit.csv")
    people = {
        **cal.provenance,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "run_seconds": round(cal.seconds, 1),
    }
    (out / "calibration.json").write_text(json.dumps(people, indent=2, sort_keys=True) + "\n")
