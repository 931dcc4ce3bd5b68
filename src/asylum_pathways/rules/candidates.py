"""Pathway candidates: per person, a pathway's group-level status and the key (program or
pathway rule) that speaks for it, as `(status, key)` column pairs. A key that is the same for
everyone is a read-only broadcast constant (stride 0)."""

from __future__ import annotations

import numpy as np


def rows_of_key(key: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The deciding keys of `rows`; one key for everyone stays one (a broadcast constant)."""
    if key.strides == (0,) and key.shape[0]:
        return np.broadcast_to(key[0], rows.shape)
    return np.asarray(key)[rows]


def fixed(status: np.ndarray, key: int) -> tuple[np.ndarray, np.ndarray]:
    return status.copy(), everyone(key, status.shape[0])


def everyone(key: int, n: int) -> np.ndarray:
    """`key` for each of `n` people: a read-only broadcast constant (stride 0), as
    `np.broadcast_to` makes it, without its cost (this is in every call of the engine)."""
    out = np.ndarray((n,), np.int16, np.array([key], np.int16), 0, (0,))
    out.flags.writeable = False
    return out


def either(
    first: tuple[np.ndarray, np.ndarray], second: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """One pathway that two programs lead to: Kleene OR of their statuses, spoken for by the
    program with the better status (the first on a tie)."""
    (s1, k1), (s2, k2) = first, second
    later = s2 > s1
    if not later.any():
        return s1, k1
    return np.maximum(s1, s2).astype(np.int8), np.where(later, k2, k1).astype(np.int16)
