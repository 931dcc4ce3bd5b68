"""A figure over replications in three numbers: its mean and its 5th and 95th percentiles.

On the ground floor because the simulation writes these summaries and the report, which
reads only a results folder, summarises paired differences the same way."""

from __future__ import annotations

import numpy as np


def summarize(values: np.ndarray) -> dict[str, float]:
    """Mean and 5th-95th percentile over replications (non-finite values left out).

    >>> summarize(np.array([1.0, 2.0, 3.0, float("nan")]))
    {'mean': 2.0, 'p5': 1.1, 'p95': 2.9}
    """
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v)]
    if v.shape[0] == 0:
        return {"mean": float("nan"), "p5": float("nan"), "p95": float("nan")}
    return {
        "mean": float(v.mean()),
        "p5": float(np.percentile(v, 5)),
        "p95": float(np.percentile(v, 95)),
    }
