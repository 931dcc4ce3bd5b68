"""The days of a simulation and every dated parameter read on each of them.

A stage never reads a parameter "as of the end of the horizon": it asks the horizon for the
value in force on every day (`versions`, `values`, `numbers`, `key`, `flag`), so a change
dated after the horizon changes nothing inside it and a change on day d applies from day d.
Work is done once per dated version in force, not once per day: `versions` gives the values
a parameter takes over the horizon and each day's index into them, and a per-day array is a
lookup in a table of those few values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from asylum_pathways.dates import day_number
from asylum_pathways.params import ParameterTree


@dataclass
class Horizon:
    tree: ParameterTree
    start: dt.date
    n_days: int
    _versions: dict[str, tuple[np.ndarray, list[Any]]] = field(default_factory=dict, repr=False)
    _axis: np.ndarray | None = field(default=None, repr=False)

    @property
    def axis(self) -> np.ndarray:
        """Day numbers (days since 1970-01-01) of the horizon."""
        if self._axis is None:
            first = day_number(self.start)
            self._axis = np.arange(first, first + self.n_days, dtype=np.int32)
            self._axis.setflags(write=False)
        return self._axis

    def date(self, index: int) -> dt.date:
        return self.start + dt.timedelta(days=int(index))

    def index(self, day: dt.date) -> int:
        return (day - self.start).days

    def versions(self, name: str) -> tuple[np.ndarray, list[Any]]:
        """The values a parameter takes over the horizon, one per dated version in force on
        some day of it, in date order (None before its first date or while repealed), and
        each day's index into them: `values[index[d]]` is the value on day d."""
        if name not in self._versions:
            param = self.tree.get(name)
            used, index = np.unique(param.version_index(self.axis), return_inverse=True)
            values = [param.values[v].value if v >= 0 else None for v in used]
            index.setflags(write=False)
            self._versions[name] = (index, values)
        return self._versions[name]

    def values(self, name: str) -> list[Any]:
        """The value of a parameter on each day (None before its first date or if repealed)."""
        index, values = self.versions(name)
        return [values[i] for i in index]

    def optional(self, name: str) -> list[Any]:
        """Like `values`, for a parameter that may be absent from the tree (None every day)."""
        return self.values(name) if name in self.tree else [None] * self.n_days

    def per_day(self, name: str, build: Any, dtype: Any = np.float64) -> np.ndarray:
        """`build(value)` of the value in force on each day, built once per version: an
        array [day, ...] of whatever `build` returns (a number or a row)."""
        index, values = self.versions(name)
        return np.array([build(v) for v in values], dtype=dtype)[index]

    def numbers(self, name: str, default: float = 0.0, optional: bool = False) -> np.ndarray:
        """A numeric parameter on each day; `default` where it is absent or null."""
        if optional and name not in self.tree:
            return np.full(self.n_days, default, dtype=np.float64)
        return self.per_day(name, lambda v: default if v is None else float(v))

    def key(self, name: str, key: str, default: float = 0.0) -> np.ndarray:
        """One numeric key of a map parameter on each day; `default` where absent or repealed."""
        return self.per_day(name, lambda v: float((v or {}).get(key, default)))

    def flag(self, name: str) -> np.ndarray:
        return self.tree.get(name).flag(self.axis)

    def weekday(self) -> np.ndarray:
        """Day of the week of each day (0 = Monday)."""
        return (self.axis.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday

    def year(self) -> np.ndarray:
        """The calendar year of each day."""
        years = self.axis.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int32)
        return years + np.int32(1970)

    def month(self) -> np.ndarray:
        """The calendar month of each day, as months since January 1970."""
        return self.axis.astype("datetime64[D]").astype("datetime64[M]").astype(np.int32)

    def next_open_day(self, open_days: np.ndarray) -> np.ndarray:
        """For each day, the first day at or after it that is open (-1 if none in the horizon)."""
        idx = np.where(open_days, np.arange(self.n_days), self.n_days)
        nxt = np.minimum.accumulate(idx[::-1])[::-1]
        return np.where(nxt < self.n_days, nxt, -1)
