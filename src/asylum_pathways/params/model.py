"""A parameter: a named legal fact or assumption with dated, cited values."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from asylum_pathways.dates import day_number

#: Sentinel list value meaning "every member of the vocabulary".
ALL = "all"


@dataclass(frozen=True)
class Reference:
    title: str
    href: str

    def as_dict(self) -> dict[str, str]:
        return {"title": self.title, "href": self.href}


@dataclass(frozen=True)
class DatedValue:
    """The value a parameter takes from `start` until the next dated value.

    `value is None` marks a repeal or suspension.
    """

    start: dt.date
    value: Any
    references: tuple[Reference, ...]
    note: str | None = None
    origin: str = ""  # "file line N" or "scenario NAME"

    @property
    def set_by_scenario(self) -> bool:
        """Set by a scenario overlay (not read from the tree's own files)."""
        return self.origin.startswith("scenario ")


@dataclass(frozen=True)
class Parameter:
    name: str
    section: str  # "law" or "assumptions"
    description: str
    label: str
    unit: str
    values: tuple[DatedValue, ...]
    references: tuple[Reference, ...] = ()
    items: str | None = None
    keys: str | None = None
    note: str | None = None
    last_reviewed: dt.date | None = None
    source: str = ""
    names: dict[str, str] = field(default_factory=dict, compare=False)  # code -> name
    _starts: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32), repr=False)
    _cache: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        starts = np.array([day_number(v.start) for v in self.values], dtype=np.int32)
        object.__setattr__(self, "_starts", starts)

    def with_values(self, values: tuple[DatedValue, ...]) -> Parameter:
        return replace(self, values=values, _cache={})

    # -- one day ---------------------------------------------------------------------------
    def entry_at(self, day: dt.date) -> DatedValue | None:
        """The dated value in force on `day`, or None before the first date."""
        starts = self._cache.get("start_days")
        if starts is None:  # the start days as ints: one day is a bisection, not an array op
            starts = self._cache["start_days"] = self._starts.tolist()
        i = bisect_right(starts, day_number(day)) - 1
        return self.values[i] if i >= 0 else None

    def at(self, day: dt.date) -> Any:
        """The value in force on `day`; None before the first date or while repealed."""
        entry = self.entry_at(day)
        return None if entry is None else entry.value

    # -- many days -------------------------------------------------------------------------
    def version_index(self, days: np.ndarray) -> np.ndarray:
        """For each day number, the index of the value in force, or -1 before the first."""
        found = self._starts.searchsorted(days, side="right").astype(np.int32)
        found -= 1
        return found

    def table(self, key: Any, build: Any) -> np.ndarray:
        """A per-version lookup table, built once per vocabulary and cached.

        The table has one row per dated value plus a last row for "before the first date",
        so that `table[version_index(days)]` works with index -1.
        """
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    def member_table(self, vocabulary: tuple[str, ...]) -> np.ndarray:
        """Bool table [version (+1 row for "before the first date"), code (+1 for missing)].

        A null (repealed) value or the row before the first date is all False; the list
        value "all" is all True (except the missing-code column).
        """

        def build() -> np.ndarray:
            position = {code: i for i, code in enumerate(vocabulary)}
            out = np.zeros((len(self.values) + 1, len(vocabulary) + 1), dtype=bool)
            for row, entry in enumerate(self.values):
                if entry.value == ALL:
                    out[row, :-1] = True
                elif entry.value is not None:
                    for item in entry.value:
                        if item in position:
                            out[row, position[item]] = True
            return out

        return self.table(("member", vocabulary), build)

    def member(
        self, days: np.ndarray, codes: np.ndarray, vocabulary: tuple[str, ...]
    ) -> np.ndarray:
        """Is each person's code (an index into `vocabulary`, -1 missing) in the list in force?"""
        return self.member_table(vocabulary)[self.version_index(days), codes]

    def flag(self, days: np.ndarray) -> np.ndarray:
        """A bool parameter per day: True where the value in force is true."""
        return self.table(("flag",), self.flag_table)[self.version_index(days)]

    def flag_table(self) -> np.ndarray:
        """Per version (+1 row for "before the first date"): is the value true?"""
        return np.array([v.value is True for v in self.values] + [False], dtype=bool)

    def numbers(self, days: np.ndarray, default: float = np.nan) -> np.ndarray:
        """A numeric parameter per day (NaN, or `default`, before the first date or if null)."""

        def build() -> np.ndarray:
            vals = [default if v.value is None else float(v.value) for v in self.values]
            return np.array([*vals, default], dtype=np.float64)

        return self.table(("numbers", default), build)[self.version_index(days)]

    def keyed_member_table(
        self, key_vocabulary: tuple[str, ...], vocabulary: tuple[str, ...]
    ) -> np.ndarray:
        """For a map parameter (key -> list): bool table [version (+1), key (+1), item (+1)]."""

        def build() -> np.ndarray:
            kpos = {k: i for i, k in enumerate(key_vocabulary)}
            vpos = {v: i for i, v in enumerate(vocabulary)}
            out = np.zeros(
                (len(self.values) + 1, len(key_vocabulary) + 1, len(vocabulary) + 1), dtype=bool
            )
            for row, entry in enumerate(self.values):
                for k, items in (entry.value or {}).items():
                    listed = items if isinstance(items, list) else [items]
                    for item in listed:
                        if k in kpos and item in vpos:
                            out[row, kpos[k], vpos[item]] = True
            return out

        return self.table(("keyed_member", key_vocabulary, vocabulary), build)

    def keyed_member(
        self,
        days: np.ndarray,
        keys: np.ndarray,
        codes: np.ndarray,
        key_vocabulary: tuple[str, ...],
        vocabulary: tuple[str, ...],
    ) -> np.ndarray:
        """For a map parameter (key -> list), is each person's code in the list for their key?"""
        table = self.keyed_member_table(key_vocabulary, vocabulary)
        return table[self.version_index(days), keys, codes]

    def code_table(
        self, key_vocabulary: tuple[str, ...], vocabulary: tuple[str, ...]
    ) -> np.ndarray:
        """For a map parameter (key -> one item): int16 table [version (+1), key (+1)] of item
        codes, -1 where none."""

        def build() -> np.ndarray:
            kpos = {k: i for i, k in enumerate(key_vocabulary)}
            vpos = {v: i for i, v in enumerate(vocabulary)}
            out = np.full((len(self.values) + 1, len(key_vocabulary) + 1), -1, dtype=np.int16)
            for row, entry in enumerate(self.values):
                for k, item in (entry.value or {}).items():
                    if k in kpos and item in vpos:
                        out[row, kpos[k]] = vpos[item]
            return out

        return self.table(("code_table", key_vocabulary, vocabulary), build)

    def keyed_code(
        self,
        days: np.ndarray,
        keys: np.ndarray,
        key_vocabulary: tuple[str, ...],
        vocabulary: tuple[str, ...],
    ) -> np.ndarray:
        """For a map parameter (key -> one item), the item's code per person (-1 if none)."""
        table = self.code_table(key_vocabulary, vocabulary)
        return table[self.version_index(days), keys]

    def effective_references(self, entry: DatedValue | None) -> tuple[Reference, ...]:
        """The sources of `entry`: its own, else its file's (or folder's). A value a scenario
        set cites only its own: none when the overlay gave none for it (readers are then told
        which scenario set it), never another value's."""
        if entry is not None and entry.references:
            return entry.references
        if entry is not None and entry.set_by_scenario:
            return ()
        return self.references
