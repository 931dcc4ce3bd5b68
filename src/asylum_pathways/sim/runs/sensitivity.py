"""How much of each headline finding's spread each fitted assumption explains.

When a study draws its assumptions from a calibration posterior (sim.fitting.posterior), every
replication has its own draw, so the study itself is a sample of (assumptions, results):
no extra simulation is needed. For each headline finding (a headline metric of a scenario,
or the paired difference of two scenarios) and each fitted assumption, the index is the
squared Spearman rank correlation between the replications' draws and their results: a
first-order, variance-based share for monotone effects (0: none of the spread follows that
assumption, 1: all of it). It is estimated from the study's replications, so it is noisy at
the default 20 (|rank correlation| below about 0.44 is not distinguishable from 0 at the 5%
level); run more replications for a firmer reading. Computed in every study that draws
parameters (it costs no simulation); absent when parameters are held fixed.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from asylum_pathways.sim.runs.montecarlo import Study

#: Headline metrics the report's findings quote (sim.model.flows._headline); `aca_transfers_<CC>`
#: is expanded to every receiving country of the tree.
FINDINGS = (
    "mpp_enrolled_2020_03_12_to_2020_12_31",
    "mpp_enrolled_ca_az_2020_03_12_to_2020_12_31",
    "aca_transfers_<CC>",
    "title42_expulsions",
    "mpp_pending_end",
    "mpp_in_absentia",
    "mpp_completed",
)
METHOD = (
    "squared Spearman rank correlation between each replication's posterior draw and its "
    "result (first-order share of variance for monotone effects), over {reps} replications"
)


def _ranks(x: np.ndarray) -> np.ndarray:
    """Ranks with ties averaged."""
    order = np.argsort(x, kind="stable")
    ranks = np.empty(x.shape[0], dtype=np.float64)
    ranks[order] = np.arange(x.shape[0], dtype=np.float64)
    _, inverse, counts = np.unique(x, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=ranks)
    return (sums / counts)[inverse]


def rank_correlation(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman's rho; NaN when either side does not vary."""
    rx, ry = _ranks(np.asarray(x, float)), _ranks(np.asarray(y, float))
    sx, sy = rx.std(), ry.std()
    if sx == 0 or sy == 0:
        return float("nan")
    return float(((rx - rx.mean()) * (ry - ry.mean())).mean() / (sx * sy))


def _findings(study: Study) -> list[tuple[str, str, np.ndarray]]:
    names = [s.name for s in study.scenarios]
    countries = study.scenarios[0].tree.receiving_countries()
    metrics = [
        m2
        for m in FINDINGS
        for m2 in ([m.replace("<CC>", cc) for cc in countries] if "<CC>" in m else [m])
    ]
    have = set(study.headline_metrics())
    out = []
    for name in names:
        for m in metrics:
            if m in have:
                out.append((name, m, study.headline(name, m)))
    base = names[0]
    pairs = [(o, base) for o in names[1:]] + [(o, names[1]) for o in names[2:]]
    for other, ref in pairs:
        for m in metrics:
            if m in have:
                out.append(
                    (f"{other} - {ref}", m, study.headline(other, m) - study.headline(ref, m))
                )
    return out


def of_study(study: Study) -> dict[str, Any] | None:
    """summary.json's `sensitivity`, or None when the study held its parameters fixed."""
    draws = study.draws
    if not draws or not draws[0] or study.reps < 3:
        return None
    assumptions = list(draws[0])
    x = {a: np.array([d[a] for d in draws]) for a in assumptions}
    results = []
    for scenario, metric, y in _findings(study):
        if not np.isfinite(y).all() or np.ptp(y) == 0:
            continue
        for a in assumptions:
            rho = rank_correlation(x[a], y)
            if np.isnan(rho):
                continue
            results.append(
                {
                    "scenario": scenario,
                    "metric": metric,
                    "assumption": a,
                    "index": round(rho**2, 4),
                    "rank_correlation": round(rho, 4),
                }
            )
    return {"method": METHOD.format(reps=study.reps), "results": results}
