"""Per-evaluation lookups: every parameter as of each person's own day, vectorized.

Days are turned into offsets on a short day axis once; a parameter then becomes a small
per-day table, and a person's value is one fancy-index into it. Each per-day table is
worked out once per evaluation (a context and its subsets share the day axis, and so the
tables): the checks of one program read the same parameter several times.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from asylum_pathways import codes, tri
from asylum_pathways.params import ParameterTree
from asylum_pathways.params.model import ALL
from asylum_pathways.records import Encounters


class Context:
    def __init__(self, tree: ParameterTree, enc: Encounters, day: np.ndarray) -> None:
        self.tree = tree
        self.enc = enc
        lo = int(min(day.min(), enc.arrival.min())) if enc.n else 0
        hi = int(max(day.max(), enc.arrival.max())) if enc.n else 0
        self.axis = np.arange(lo, hi + 1, dtype=np.int32)
        self.rel = (day - lo).astype(np.intp)
        self._day: np.ndarray | None = day
        self._arrival_rel: np.ndarray | None = (enc.arrival - lo).astype(np.intp)
        self._parent: tuple[Context, np.ndarray] | None = None  # (context, rows) of a subset
        self._tables: dict[tuple[str, ...], np.ndarray] = {}  # per-day tables, by name

    @property
    def day(self) -> np.ndarray:
        """Each person's day of evaluation (a subset takes it from its parent when read)."""
        if self._day is None:
            self._day = self._from_parent("day")
        return self._day

    @property
    def arrival_rel(self) -> np.ndarray:
        """Each person's arrival day as an offset on the axis."""
        if self._arrival_rel is None:
            self._arrival_rel = self._from_parent("arrival_rel")
        return self._arrival_rel

    def _from_parent(self, name: str) -> np.ndarray:
        """A subset's rows of its parent's per-person array `name` (worked out there once)."""
        assert self._parent is not None
        parent, index = self._parent
        values: np.ndarray = getattr(parent, name)[index]
        return values

    @classmethod
    def of_rows(
        cls, tree: ParameterTree, enc: Encounters, day: np.ndarray, index: np.ndarray
    ) -> Context:
        """The evaluation of rows `index` alone: what `Context(tree, enc, day).subset(index)`
        answers, without first doing the work for everyone (its day axis spans those rows'
        days only; a person's answer reads only their own days)."""
        return cls(tree, LazyRows(enc, index), day[index])  # type: ignore[arg-type]

    def subset(self, index: np.ndarray) -> Context:
        """The same evaluation restricted to rows `index` (columns are taken lazily)."""
        sub = Context.__new__(Context)
        sub.tree = self.tree
        sub.enc = LazyRows(self.enc, index)  # type: ignore[assignment]
        sub.axis = self.axis
        sub.rel = self.rel[index]
        sub._day = sub._arrival_rel = None  # taken from this one when first read
        sub._parent = (self, index)
        sub._tables = self._tables  # the same day axis: the same per-day tables
        return sub

    def _versions(self, name: str) -> np.ndarray:
        """Which dated value of parameter `name` is in force on each day of the axis."""
        key = ("versions", name)
        found = self._tables.get(key)
        if found is None:
            found = self._tables[key] = self.tree.get(name).version_index(self.axis)
        return found

    # -- parameters by day -------------------------------------------------------------
    def flag(self, name: str, at_arrival: bool = False) -> np.ndarray:
        """A bool parameter as of each person's day (or arrival day): a bool array, or a
        0-d array when it does not change over the days evaluated (it broadcasts)."""
        key = ("flag", name)
        by_day = self._tables.get(key)
        if by_day is None:
            param = self.tree.get(name)
            by_day = param.table(("flag",), param.flag_table)[self._versions(name)]
            self._tables[key] = by_day
        return _per_person(by_day, self.arrival_rel if at_arrival else self.rel)

    def number(self, name: str, default: float = np.nan, constant_ok: bool = False) -> np.ndarray:
        """A numeric parameter per person; with `constant_ok`, a 0-d array when it does not
        change over the days evaluated."""
        by_day = self.tree.get(name).numbers(self.axis, default)
        if constant_ok and (by_day == by_day[0]).all():
            return np.asarray(by_day[0])
        return by_day[self.rel]

    def member(
        self, name: str, person_codes: np.ndarray, vocabulary: tuple[str, ...]
    ) -> np.ndarray:
        """Is each person's code in the list parameter `name` on their day? (-1 -> False)"""
        by_day = self._member_by_day(name, vocabulary)
        if _same_version(self._versions(name)):
            return by_day[0][person_codes]
        return pick(by_day, self.rel, person_codes)

    def _member_by_day(self, name: str, vocabulary: tuple[str, ...]) -> np.ndarray:
        """Bool table [day on the axis, code (+1 column for a missing code)] of list `name`."""
        key = ("member", name, *vocabulary)
        by_day = self._tables.get(key)
        if by_day is None:
            param = self.tree.get(name)
            by_day = param.member_table(vocabulary)[self._versions(name)]
            self._tables[key] = by_day
        return by_day

    def member_tri(
        self, name: str, person_codes: np.ndarray, vocabulary: tuple[str, ...]
    ) -> np.ndarray:
        """Like `member`, but a missing code (-1) is unknown unless the list is 'all'."""
        known = tri.from_bool(self.member(name, person_codes, vocabulary))
        missing = person_codes < 0
        if not missing.any():
            return known
        is_all = self.is_all(name)
        return tri.where(missing, tri.where(is_all, tri.T, tri.U), known)

    def is_all(self, name: str) -> np.ndarray:
        param = self.tree.get(name)
        rows = np.array([v.value == ALL for v in param.values] + [False])
        return _per_person(rows[self._versions(name)], self.rel)

    def listed(self, name: str, item: str, vocabulary: tuple[str, ...]) -> np.ndarray:
        """Is `item` in the list parameter `name` on each person's day?"""
        by_day = self._member_by_day(name, vocabulary)[:, vocabulary.index(item)]
        return _per_person(by_day, self.rel)

    # -- places ------------------------------------------------------------------------
    def keyed_code(
        self,
        name: str,
        keys: np.ndarray,
        key_vocabulary: tuple[str, ...],
        vocabulary: tuple[str, ...],
        at_arrival: bool = False,
    ) -> np.ndarray:
        """A map parameter (key -> one item) as of each person's day: item code, -1 if none."""
        param = self.tree.get(name)
        by_day = param.code_table(key_vocabulary, vocabulary)[self._versions(name)]
        return pick(by_day, self.arrival_rel if at_arrival else self.rel, keys)

    @cached_property
    def location_sector(self) -> np.ndarray:
        """The sector of the encounter: the port's sector when a port is given (a subset's
        are its parent's, worked out once there)."""
        if self._parent is not None:
            return self._from_parent("location_sector")
        enc = self.enc
        if not (enc.port >= 0).any():
            return enc.sector.astype(np.int16)
        from_port = self.keyed_code(
            "law.geo.port_sector", enc.port, self.tree.ports, codes.SECTORS, at_arrival=True
        )
        return np.where(enc.port >= 0, from_port, enc.sector).astype(np.int16)

    @cached_property
    def circuit(self) -> np.ndarray:
        """Federal circuit code of the encounter location (sector -> state -> circuit)."""
        if self._parent is not None:
            return self._from_parent("circuit")
        state = self.keyed_code(
            "law.geo.sector_state", self.location_sector, codes.SECTORS, codes.STATES
        )
        return self.keyed_code("law.geo.state_circuit", state, codes.STATES, codes.CIRCUITS)


class LazyRows:
    """Rows `index` of an Encounters table; each column is taken when first read."""

    def __init__(self, enc: Encounters | LazyRows, index: np.ndarray) -> None:
        root: Encounters
        if isinstance(enc, LazyRows):  # rows of rows: index the original table once
            index = enc.__dict__["_index"][index]
            root = enc.__dict__["_enc"]
        else:
            root = enc
        self._enc = root
        self._index = index
        self._cache: dict[str, object] = {}
        self.n = int(index.shape[0])

    def __getattr__(self, name: str) -> object:
        if name.startswith("_"):
            raise AttributeError(name)
        cache = self.__dict__["_cache"]
        if name not in cache:
            value = getattr(self._enc, name)
            value = _LazyDict(value, self._index) if isinstance(value, dict) else value[self._index]
            cache[name] = value
        return cache[name]


class _LazyDict(dict[str, np.ndarray]):
    def __init__(self, source: dict[str, np.ndarray], index: np.ndarray) -> None:
        super().__init__()
        self._source = source
        self._index = index

    def __missing__(self, key: str) -> np.ndarray:
        value = self._source[key][self._index]
        self[key] = value
        return value

    def get(self, key: str, default: object = None) -> np.ndarray | None:  # type: ignore[override]
        return self[key] if key in self._source else default  # type: ignore[return-value]


def pick(table: np.ndarray, rel: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """`table[rel, codes]` for a per-day table [day, code] whose last column is for a missing
    code (-1). For many people, one gather from the flattened table with the missing column
    moved first: about twice as fast as a two-index gather."""
    if rel.shape[0] < 4096:
        return table[rel, codes]
    width = table.shape[1]
    flat = np.roll(table, 1, axis=1).ravel()
    index = rel * width
    index += codes
    index += 1
    return flat[index]


def _per_person(by_day: np.ndarray, rel: np.ndarray) -> np.ndarray:
    """Each person's value from a per-day array; a 0-d array if it never changes."""
    if by_day.shape[0] == 1 or (by_day.shape[0] and (by_day == by_day[0]).all()):
        return np.asarray(by_day[0])
    return by_day[rel]


def _same_version(version: np.ndarray) -> bool:
    return bool(version.shape[0] == 0 or version[0] == version[-1])
