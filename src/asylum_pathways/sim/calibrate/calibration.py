"""A calibration's result: its particles and the targets it measured, and the tables made
of them (`fit.csv`: each target against the posterior's intervals; `backtest.csv`: each
figure the fit did not see)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from asylum_pathways.sim.calibrate import abc
from asylum_pathways.sim.fitting.measures import Measure
from asylum_pathways.sim.fitting.spec import Spec, Target


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
        return [t for t in self.used if fitted(t, self.holdout_after)]

    def fit(self) -> pl.DataFrame:
        """One row per target the model measures: the posterior's median and intervals;
        `role` says whether it was fitted or held out (a back-test)."""
        rows = []
        for j, t in enumerate(self.used):
            s = quantiles(self.result.stats[:, j])
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
                    "role": "fit" if fitted(t, self.holdout_after) else "held_out",
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
            if not fitted(t, self.holdout_after)
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
            s = quantiles(values)
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
                    "inside50": agrees(relation, s["p25"], s["p75"], m.published),
                    "inside90": agrees(relation, s["p5"], s["p95"], m.published),
                    "signed_error": (s["median"] - m.published) / m.published
                    if m.published
                    else float("nan"),
                    "source": m.source,
                }
            )
        return pl.DataFrame(rows)


def fitted(t: Target, cut: dt.date | None) -> bool:
    """Whether the fit saw `t`: no cut, or `t` dated on or before it (else held out)."""
    return cut is None or t.end <= cut


def quantiles(values: np.ndarray) -> dict[str, float]:
    """Median, 5th, 25th, 75th and 95th percentiles of the finite values (NaN if none)."""
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v)]
    if not v.shape[0]:
        return {k: float("nan") for k in ("median", "p5", "p25", "p75", "p95")}
    q = np.percentile(v, [50, 5, 25, 75, 95])
    return dict(zip(("median", "p5", "p25", "p75", "p95"), map(float, q), strict=True))


def agrees(relation: str, lo: float, hi: float, published: float) -> bool:
    """Whether an interval [lo, hi] holds the published figure (or meets its bound)."""
    if relation == "at_least":
        return bool(hi >= published)
    if relation == "at_most":
        return bool(lo <= published)
    return bool(lo <= published <= hi)
