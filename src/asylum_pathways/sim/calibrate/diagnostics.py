"""How far to trust a posterior: a fitted assumption nothing informed (its posterior cannot
be told from its prior), and how often a back-test's intervals held the figures the fit was
not given."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from asylum_pathways.sim.fitting.prior import Prior


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
