"""A sweep's outputs: sweep.parquet (one row per point and metric, with each point's
difference from the base, paired by replication) and sweep.json (the sweep as run and what
its replications drew)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import numpy as np
import polars as pl

from asylum_pathways.sim.runs.sweep_spec import SweepSpec

#: sweep.json's format.
FORMAT = 1
#: sweep.parquet's statistic columns, after `point`, the levers and `metric`.
STATS = ("mean", "p5", "p50", "p95", "difference_mean", "difference_p5", "difference_p95")


def values(study: Any, scenario: str, metric: str) -> np.ndarray:
    """One value per replication: a daily metric on the last day of the horizon (use the
    cumulative metrics for totals), or a headline metric."""
    if metric in study.metrics():
        return np.asarray(study.daily(scenario, metric)[:, -1], dtype=np.float64)
    return np.asarray(study.headline(scenario, metric), dtype=np.float64)


def stats(v: np.ndarray) -> tuple[float, float, float, float]:
    """Mean, 5th, 50th and 95th percentiles of the finite values (NaN if none)."""
    v = v[np.isfinite(v)]
    if v.shape[0] == 0:
        return (float("nan"),) * 4
    p5, p50, p95 = np.percentile(v, [5, 50, 95])
    return float(v.mean()), float(p5), float(p50), float(p95)


def table(spec: SweepSpec, study: Any) -> pl.DataFrame:
    """sweep.parquet: one row per point and metric (point 0 is the base)."""
    names = [s.name for s in study.scenarios]
    rows: list[dict[str, Any]] = []
    for metric in spec.metrics:
        base = values(study, names[0], metric)
        for k, name in enumerate(names):
            v = values(study, name, metric)
            mean, p5, p50, p95 = stats(v)
            d_mean, d5, _, d95 = stats(v - base)
            rows.append(
                {
                    "point": k,
                    **{lv.name: spec.points[k][i] for i, lv in enumerate(spec.levers)},
                    "metric": metric,
                    **dict(zip(STATS, (mean, p5, p50, p95, d_mean, d5, d95), strict=True)),
                }
            )
    return pl.DataFrame(rows, infer_schema_length=None).sort(
        ["metric", "point"], maintain_order=True
    )


def sweep_json(spec: SweepSpec, drawn: Any) -> dict[str, Any]:
    """sweep.json: the sweep as run (its spec's keys, the levers and their points) and what
    its replications drew (`parameters`: posterior or fixed, the posterior's run, the words)."""
    from asylum_pathways.sim.fitting import draws as drawing

    told = drawing.uncertainty(drawn)
    posterior = told.get("posterior") or {}
    return {
        "format": FORMAT,
        "source": spec.source,
        "base": spec.base,
        "start": spec.start.isoformat(),
        "end": spec.end.isoformat(),
        "reps": spec.reps,
        "seed": spec.seed,
        "metrics": list(spec.metrics),
        "levers": [
            {
                "name": lv.name,
                "from": lv.start.isoformat(),
                "values": [plain(v) for v in lv.values],
            }
            for lv in spec.levers
        ],
        "points": len(spec.points),
        "parameters": {
            "spec": spec.parameters,
            "drawn": "posterior" if posterior else "fixed",
            "posterior": posterior.get("run_id"),
            "said": spec.drawn,
            "includes": told["includes"],
            "text": told["text"],
        },
    }


def plain(v: Any) -> Any:
    """`v` as JSON-able data (dates as YYYY-MM-DD)."""
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, list | tuple):
        return [plain(x) for x in v]
    if isinstance(v, Mapping):
        return {str(k): plain(x) for k, x in v.items()}
    return v
