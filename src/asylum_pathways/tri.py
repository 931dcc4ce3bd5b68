"""Three-valued logic on int8 arrays: F=0, U=1 (unknown), T=2.

With this order AND is `min` and OR is `max`, so whole populations combine with NumPy
reductions. JSON shows F/U/T as false/null/true.
"""

from __future__ import annotations

from typing import cast

import numpy as np

F = np.int8(0)
U = np.int8(1)
T = np.int8(2)
NAMES = {0: "false", 1: "unknown", 2: "true"}


def from_bool(mask: np.ndarray) -> np.ndarray:
    """True -> T, False -> F (one value for everyone stays one value)."""
    if mask.ndim == 0:  # a NumPy scalar, as the arithmetic below gives for one value
        return cast(np.ndarray, T if mask else F)
    return (mask.astype(np.int8) * 2).astype(np.int8)


def negate(x: np.ndarray) -> np.ndarray:
    """NOT: F <-> T, U stays U."""
    return (2 - x).astype(np.int8)


def where(cond: np.ndarray, a: np.ndarray | np.int8, b: np.ndarray | np.int8) -> np.ndarray:
    return np.where(cond, a, b).astype(np.int8)


def to_json(value: int) -> bool | None:
    return None if value == U else bool(value == T)


def from_json(value: bool | None) -> np.int8:
    return U if value is None else (T if value else F)
