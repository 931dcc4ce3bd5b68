"""What the stages share: the people, the rules' answers, each person's fate so far and the
records of the stages already run.

Every stage has one shape: `run(state) -> record`. It reads the state (and the records of
earlier stages, `state.record(Kind)`), may change people's pathways, and returns its own
record, which `sim.model.flows` keeps on the state for the stages after it and for the fate
the metrics read."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

import numpy as np

from asylum_pathways.params import ParameterTree
from asylum_pathways.rules.engine import PATHWAY_CODE, Determinations, reassign
from asylum_pathways.sim.model.horizon import Horizon
from asylum_pathways.sim.model.population import Population

P = PATHWAY_CODE
R = TypeVar("R")


@dataclass
class FlowState:
    tree: ParameterTree
    pop: Population
    horizon: Horizon
    det: Determinations
    dayidx: np.ndarray  # each person's encounter day (index on the horizon)
    pathway: np.ndarray  # current pathway (codes.PATHWAYS index)
    receiving: np.ndarray  # receiving country of an ACA candidate (countries() index), -1
    records: dict[type, Any] = field(default_factory=dict)  # each stage's record, by its type

    @classmethod
    def start(cls, tree: ParameterTree, pop: Population, det: Determinations) -> FlowState:
        """The stages' state; `det` itself is left as it is (its candidates are copied before
        any is marked unavailable), so it can serve another scenario (`determine_like`)."""
        horizon = Horizon(tree, pop.start, pop.n_days)
        own = replace(det, candidates=dict(det.candidates))
        return cls(
            tree, pop, horizon, own, pop.day_index(), det.pathway.copy(), det.aca_country.copy()
        )

    def keep(self, record: object) -> None:
        """Keep a stage's record for the stages after it."""
        self.records[type(record)] = record

    def record(self, kind: type[R]) -> R:
        """The record of the stage that returns `kind` (run before this one)."""
        try:
            found: R = self.records[kind]
        except KeyError:
            raise LookupError(f"no stage has returned a {kind.__name__} yet") from None
        return found

    @property
    def n(self) -> int:
        return self.pop.enc.n

    def rows(self, pathway: str) -> np.ndarray:
        return np.flatnonzero(self.pathway == P[pathway])

    def unavailable(self, rows: np.ndarray, pathway: str) -> None:
        """`pathway` is not available to these people: they take their next one in the
        dated priority order."""
        if rows.shape[0]:
            new, _ = reassign(self.tree, self.pop.enc, self.det, rows, pathway)
            self.pathway[rows] = new

    def rate(self, name: str) -> np.ndarray:
        """A rate parameter on each person's encounter day."""
        return self.horizon.numbers(name)[self.dayidx]


def unit_starts(group: np.ndarray) -> np.ndarray:
    """Marks the first row of each family unit among rows sorted by family."""
    start = np.ones(group.shape[0], dtype=bool)
    start[1:] = group[1:] != group[:-1]
    return start
