"""The days of a simulation and every dated parameter read on each of them.

A stage never reads a parameter "as of the end of the horizon": it asks the horizon for the
value in force on every day (`values`, `numbers`, `key`, `flag`), one lookup per dated
change, so a change dated after the horizon changes nothing inside it and a change on day d
applies from day d.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from asylum_pathways.params import ParameterTree, day_number


@dataclass
class Horizon:
    tree: ParameterTree
    start: dt.date
    n_days: int
    _values: dict[str, list[Any]] = field(default_factory=dict, repr=False)

    @property
    def axis(self) -> np.ndarray:
        """Day numbers (days since 1970-01-01) of the horizon."""
        first = day_number(self.start)
        return np.arange(first, first + self.n_days, dtype=np.int32)

    def date(self, index: int) -> dt.date:
        return self.start + dt.timedelta(days=int(index))

    def index(self, day: dt.date) -> int:
        return (day - self.start).days

    def values(self, name: str) -> list[Any]:
        """The value of a parameter on each day (None before its first date or if repealed)."""
        if name not in self._values:
            param = self.tree.get(name)
            version = param.version_index(self.axis)
            self._values[name] = [param.values[v].value if v >= 0 else None for v in version]
        return self._values[name]

    def optional(self, name: str) -> list[Any]:
        """Like `values`, for a parameter that may be absent from the tree (None every day)."""
        return self.values(name) if name in self.tree else [None] * self.n_days

    def numbers(self, name: str, default: float = 0.0, optional: bool = False) -> np.ndarray:
        """A numeric parameter on each day; `default` where it is absent or null."""
        vals = self.optional(name) if optional else self.values(name)
        return np.array([default if v is None else float(v) for v in vals], dtype=np.float64)

    def key(self, name: str, key: str, default: float = 0.0) -> np.ndarray:
        """One numeric key of a map parameter on each day; `default` where absent or repealed."""
        return np.array(
            [float((v or {}).get(key, default)) for v in self.values(name)], dtype=np.float64
        )

    def flag(self, name: str) -> np.ndarray:
        return self.tree.get(name).flag(self.axis)

    def weekday(self) -> np.ndarray:
        """Day of the week of each day (0 = Monday)."""
        return (self.axis.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday

    def year(self) -> np.ndarray:
        return np.array(
            [self.date(i).year for i in range(self.n_days)], dtype=np.int32
        )  # one per day, not per person

    def next_open_day(self, open_days: np.ndarray) -> np.ndarray:
        """For each day, the first day at or after it that is open (-1 if none in the horizon)."""
        idx = np.where(open_days, np.arange(self.n_days), self.n_days)
        nxt = np.minimum.accumulate(idx[::-1])[::-1]
        return np.where(nxt < self.n_days, nxt, -1)
