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
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from asylum_pathways import __version__
from asylum_pathways.params import ParameterTree
from asylum_pathways.scenarios import load_scenario
from asylum_pathways.sim.calibrate import abc
from asylum_pathways.sim.fitting import posterior as post
from asylum_pathways.sim.fitting.measures import Measure
from asylum_pathways.sim.fitting.prior import Prior
from asylum_pathways.sim.fitting.spec import Spec, Target

METHOD = "ABC-SMC (replenishment, Drovandi and Pettitt 2011), one replication per particle"


@dataclass
class Calibration:
    spec: Spec
    result: abc.Result
    used: list[Target]  # the targets the model can measure: fitted, then held out
    skipped: list[Target]
    provenance: dict[str, Any]
    seconds: float
    holdout_after: dt.date | None = None
    watched: list[Measure] = field(default_factory=list)  # independent figures after the cut

    @property
    def fitted_targets(self) -> list[Target]:
        return [t for t in self.used if _fitted(t, self.holdout_after)]

    def fit(self) -> pl.DataFrame:
        """One row per target the model measures: the posterior's median and intervals;
        `role` says whether it was fitted or held out (a back-test)."""
        rows = []
        for j, t in enumerate(self.used):
            s = _quantiles(self.result.stats[:, j])
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
                    "role": "fit" if _fitted(t, self.holdout_after) else "held_out",
                    "model_p25": s["p25"],
                    "model_p75": s["p75"],
                    "inside50": t.inside(s["p25"], s["p75"]),
                }
            )
        return pl.DataFrame(rows)

    def backtest(self) -> pl.DataFrame:
        """What the fit did not see: each held-out target and each independent figure after
        the cut, against the posterior's prediction (empty without a cut)."""
        if self.holdout_after is None:
            return pl.DataFrame()
        rows = []
        items: list[tuple[str, Measure, str, np.ndarray]] = [
            (t.id, t.measure, t.relation, self.result.stats[:, j])
            for j, t in enumerate(self.used)
            if not _fitted(t, self.holdout_after)
        ]
        first = len(self.used)
        items += [
            (
                m.id + (f".{m.field}" if m.field else ""),
                m,
                m.relation,
                self.result.stats[:, first + k],
            )
            for k, m in enumerate(self.watched)
        ]
        for name, m, relation, values in items:
            s = _quantiles(values)
            kind = "held_out_target" if name in {t.id for t in self.used} else "independent"
            rows.append(
                {
                    "figure": name,
                    "date": m.date.isoformat(),
                    "quantity": m.quantity,
                    "kind": kind,
                    "relation": relation,
                    "published": m.published,
                    "model_median": s["median"],
                    "model_p25": s["p25"],
                    "model_p75": s["p75"],
                    "model_p5": s["p5"],
                    "model_p95": s["p95"],
                    "inside50": _agrees(relation, s["p25"], s["p75"], m.published),
                    "inside90": _agrees(relation, s["p5"], s["p95"], m.published),
                    "signed_error": (s["median"] - m.published) / m.published
                    if m.published
                    else float("nan"),
                    "source": m.source,
                }
            )
        return pl.DataFrame(rows)


def _fitted(t: Target, cut: dt.date | None) -> bool:
    return cut is None or t.end <= cut


def _quantiles(values: np.ndarray) -> dict[str, float]:
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v)]
    if not v.shape[0]:
        return {k: float("nan") for k in ("median", "p5", "p25", "p75", "p95")}
    q = np.percentile(v, [50, 5, 25, 75, 95])
    return dict(zip(("median", "p5", "p25", "p75", "p95"), map(float, q), strict=True))


def _agrees(relation: str, lo: float, hi: float, published: float) -> bool:
    if relation == "at_least":
        return bool(hi >= published)
    if relation == "at_most":
        return bool(lo <= published)
    return bool(lo <= published <= hi)


def uninformed(prior: Prior, particles: np.ndarray, alpha_coefficient: float = 1.358) -> bool:
    """Whether the posterior sample cannot be told from the prior: the one-sample
    Kolmogorov-Smirnov distance to the prior's CDF is below its 5% critical value
    (1.358 / sqrt(n)); nothing fitted informed the assumption."""
    x = np.sort(np.asarray(particles, dtype=np.float64))
    n = x.shape[0]
    if n == 0:
        return True
    cdf = prior.cdf(x)
    upper = np.arange(1, n + 1) / n - cdf
    lower = cdf - np.arange(0, n) / n
    distance = float(max(upper.max(), lower.max()))
    return bool(distance < alpha_coefficient / np.sqrt(n))


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
        and (m.start or m.date) >= spec.start
        and (m.figure, m.field) not in targeted
        and not any(b.covers(m.id) for b in spec.by_construction)
        and all(x in metrics for x in m.needs)
    ]


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
) -> Calibration:
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
            use, skip = spec.usable(set(study.metrics()))
            for t in skip:
                missing = [m for m in t.metrics if m not in study.metrics()]
                warn(
                    f"target {t.id} skipped: the model has no metric {', '.join(missing)} "
                    "(yet); it counts neither in the fit nor as calibration in validation.csv"
                )
            if not any(_fitted(t, holdout_after) for t in use):
                from asylum_pathways.errors import UserError

                raise UserError(
                    f"{spec.source}: no target the model can measure is dated on or before "
                    f"{holdout_after or spec.end}; nothing to calibrate to"
                )
            chosen["use"], chosen["skip"] = use, skip
            chosen["watch"] = _watched(spec, holdout_after, set(study.metrics()))

        def daily(metric: str) -> np.ndarray:
            return study.daily(scenario.name, metric)

        columns = [t.statistic(daily, spec.start) for t in chosen["use"]]
        columns += [m.statistic(daily, spec.start) for m in chosen["watch"]]
        return np.column_stack(columns)

    def distance(stats: np.ndarray) -> np.ndarray:
        pairs = [(j, t) for j, t in enumerate(chosen["use"]) if _fitted(t, holdout_after)]
        w = np.array([t.weight for _, t in pairs])
        r = np.column_stack([t.residual(stats[:, j]) for j, t in pairs])
        r = np.where(np.isfinite(r), r, 1e6)  # a statistic the run cannot compute is far off
        return np.sqrt((w * r**2).sum(axis=1) / w.sum())

    priors = [p.prior for p in spec.parameters]
    result = abc.run(priors, simulate, distance, particles, generations, seed, moves=moves)
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
    budget = [particles, generations, moves, str(holdout_after)]
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
    fitted = fit.filter(pl.col("role") == "fit")
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


def backtest_summary(table: pl.DataFrame) -> dict[str, Any] | None:
    """How often the posterior's 50% and 90% intervals held the figures it was not given,
    and its signed errors (None without a cut)."""
    if table.is_empty():
        return None

    def part(rows: pl.DataFrame) -> dict[str, Any]:
        inside50 = rows.get_column("inside50").to_numpy().astype(bool)
        inside90 = rows.get_column("inside90").to_numpy().astype(bool)
        errors = rows.get_column("signed_error").to_numpy().astype(np.float64)
        errors = errors[np.isfinite(errors)]
        n = rows.height
        return {
            "figures": n,
            "inside50": int(inside50.sum()),
            "inside90": int(inside90.sum()),
            "coverage50": float(inside50.mean()) if n else None,
            "coverage90": float(inside90.mean()) if n else None,
            "median_signed_error": float(np.median(errors)) if errors.shape[0] else None,
            "median_absolute_error": float(np.median(np.abs(errors))) if errors.shape[0] else None,
        }

    return {
        "all": part(table),
        "held_out_targets": part(table.filter(pl.col("kind") == "held_out_target")),
        "independent": part(table.filter(pl.col("kind") == "independent")),
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
    if cal.holdout_after is not None:
        cal.backtest().write_csv(out / "backtest.csv")
    people = {
        **cal.provenance,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "run_seconds": round(cal.seconds, 1),
    }
    (out / "calibration.json").write_text(json.dumps(people, indent=2, sort_keys=True) + "\n")
