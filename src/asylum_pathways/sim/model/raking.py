"""Iterative proportional fitting (raking): a seed table scaled until its sums match
published margins.

>>> import numpy as np
>>> rake(np.ones((2, 2)), [((0,), np.array([3.0, 1.0])), ((1,), np.array([2.0, 2.0]))]).tolist()
[[1.5, 1.5], [0.5, 0.5]]
"""

from __future__ import annotations

import numpy as np


def rake(
    seed: np.ndarray, margins: list[tuple[tuple[int, ...], np.ndarray]], rounds: int = 60
) -> np.ndarray:
    """Iterative proportional fitting: scale `seed` so that its sums over the axes not named
    in each margin match the margin's target (the last margin is matched exactly)."""
    x = seed.astype(np.float64).copy()
    axes_all = tuple(range(x.ndim))
    for _ in range(rounds):
        for keep, target in margins:
            other = tuple(a for a in axes_all if a not in keep)
            current = x.sum(axis=other, keepdims=True)
            shape = [x.shape[a] if a in keep else 1 for a in axes_all]
            wanted = np.asarray(target, dtype=np.float64).reshape(shape)
            with np.errstate(divide="ignore", invalid="ignore"):
                factor = np.where(current > 0, wanted / current, 0.0)
            x *= factor
    return x
