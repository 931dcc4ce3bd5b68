"""Per-evaluation lookups: every parameter as of each person's own day, vectorized.

Days are turned into offsets on a short day axis once; a parameter then becomes a small
per-day table, and a person's value is one fancy-index into it.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from asylum_pathways import codes
from asylum_pathways.params import ParameterTree
from asylum_pathways.params.model import ALL, Parameter
from asylum_pathways.rules import tri
from asylum_pathways.rules.records import Encounters


class Context:
    def __init__(self, tree: ParameterTree, enc: Encounters, day: np.ndarray) -> None:
        self.tree = tree
        self.enc = enc
        self.day = day
        lo = int(min(day.min(), enc.arrival.min())) if enc.n else 0
        hi = int(max(day.max(), enc.arrival.max())) if enc.n else 0
        self.axis = np.arange(lo, hi + 1, dtype=np.int32)
        self.rel = (day - lo).astype(np.intp)
        self.arrival_rel = (enc.arrival - lo).astype(np.intp)
        self.ar = np.arange(enc.n)

    # -- parameters by day -------------------------------------------------------------
    def flag(self, name: str, at_arrival: bool = False) -> np.ndarray:
        """A bool parameter as of each person's day (or arrival day): bool array."""
        by_day = self.tree.get(name).flag(self.axis)
        return by_day[self.arrival_rel if at_arrival else self.rel]  # type: ignore[no-any-return]

    def number(self, name: str, default: float = np.nan) -> np.ndarray:
        return self.tree.get(name).numbers(self.axis, default)[self.rel]  # type: ignore[no-any-return]

    def member(self, name: str, person_codes: np.ndarray, vocabulary: tuple[str, ...]) -> np.ndarray:
        """Is each person's code in the list parameter `name` on their day? (-1 -> False)"""
        param = self.tree.get(name)
        by_day = _per_day_member(param, self.axis, vocabulary)
        return by_day[self.rel, person_codes]  # type: ignore[no-any-return]

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
        return rows[param.version_index(self.axis)][self.rel]  # type: ignore[no-any-return]

    def listed(self, name: str, item: str, vocabulary: tuple[str, ...]) -> np.ndarray:
        """Is `item` in the list parameter `name` on each person's day?"""
        param = self.tree.get(name)
        by_day = _per_day_member(param, self.axis, vocabulary)[:, vocabulary.index(item)]
        return by_day[self.rel]  # type: ignore[no-any-return]

    # -- places ------------------------------------------------------------------------
    @cached_property
    def location_sector(self) -> np.ndarray:
        """The sector of the encounter: the port's sector when a port is given."""
        port_sector = self.tree.get("law.geo.port_sector")
        from_port = port_sector.keyed_code(
            self.enc.arrival, self.enc.port, self.tree.ports, codes.SECTORS
        )
        return np.where(self.enc.port >= 0, from_port, self.enc.sector).astype(np.int16)

    @cached_property
    def circuit(self) -> np.ndarray:
        """Federal circuit code of the encounter location (sector -> state -> circuit)."""
        state = self.tree.get("law.geo.sector_state").keyed_code(
            self.day, self.location_sector, codes.SECTORS, codes.STATES
        )
        return self.tree.get("law.geo.state_circuit").keyed_code(  # type: ignore[no-any-return]
            self.day, state, codes.STATES, codes.CIRCUITS
        )


def _per_day_member(param: Parameter, axis: np.ndarray, vocabulary: tuple[str, ...]) -> np.ndarray:
    """Bool table [day on the axis, code (+1 column for a missing code)]."""
    return param.member_table(vocabulary)[param.version_index(axis)]  # type: ignore[no-any-return]
