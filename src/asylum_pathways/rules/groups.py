"""Family units: members share one pathway, so group-level AND / OR of statuses."""

from __future__ import annotations

import numpy as np


class Groups:
    """Row -> group structure built once; `all`/`any` broadcast the group result back."""

    def __init__(self, group: np.ndarray) -> None:
        n = group.shape[0]
        self.n = n
        self.order: np.ndarray | None = None
        ordered = group
        if n > 1 and not bool(np.all(group[1:] >= group[:-1])):
            self.order = np.argsort(group, kind="stable")
            ordered = group[self.order]
        boundary = np.ones(n, dtype=bool)
        if n > 1:
            np.not_equal(ordered[1:], ordered[:-1], out=boundary[1:])
        self.starts = np.flatnonzero(boundary)
        self.counts = np.diff(np.append(self.starts, n))
        self.trivial = self.starts.shape[0] == n
        # rows in groups of two or more, in group order: the only rows a reduction changes
        multi = self.counts > 1
        self.multi_rows = np.flatnonzero(np.repeat(multi, self.counts))
        if self.order is not None:
            self.multi_rows = self.order[self.multi_rows]
        self.multi_starts = np.concatenate([[0], np.cumsum(self.counts[multi])[:-1]]).astype(
            np.intp
        )
        self.multi_counts = self.counts[multi]

    def size(self) -> np.ndarray:
        return self._broadcast(self.counts.astype(np.int32))

    def all(self, x: np.ndarray) -> np.ndarray:
        """Kleene AND over each group (min of F=0 < U=1 < T=2)."""
        return x if self.trivial else self._reduce(np.minimum, x)

    def any(self, x: np.ndarray) -> np.ndarray:
        """Kleene OR over each group (max)."""
        return x if self.trivial else self._reduce(np.maximum, x)

    def _reduce(self, ufunc: np.ufunc, x: np.ndarray) -> np.ndarray:
        values = x[self.multi_rows]
        if values.shape[0] == 0 or values.min() == values.max():
            return x  # every family already agrees
        reduced = ufunc.reduceat(values, self.multi_starts)
        out = x.copy()
        out[self.multi_rows] = np.repeat(reduced, self.multi_counts)
        return out

    def _broadcast(self, per_group: np.ndarray) -> np.ndarray:
        out = np.repeat(per_group, self.counts)
        if self.order is None:
            return out
        result = np.empty_like(out)
        result[self.order] = out
        return result
