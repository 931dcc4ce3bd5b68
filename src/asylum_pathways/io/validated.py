"""Validated records (`EncounterTable`) and the checks of whole records: one person, one
family (`io.families`), a day the parameter tree answers for."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from asylum_pathways.dates import from_day_number
from asylum_pathways.io import families
from asylum_pathways.io.findings import MAX_SHOWN
from asylum_pathways.io.where import Where
from asylum_pathways.params import ParameterTree
from asylum_pathways.params import coverage as tree_coverage
from asylum_pathways.records import Encounters


@dataclass
class EncounterTable:
    """Validated records: the engine's columns and each person's identifier as given."""

    encounters: Encounters
    person_id: np.ndarray  # str objects


def finish(
    tree: ParameterTree,
    enc: Encounters,
    in_group: np.ndarray,
    group_id: families.Cells,
    port: families.Cells,
    where: Where,
    answerable: bool,
) -> None:
    """The checks of whole records: one person, one family, a day the tree answers for."""
    families.check(tree, enc, in_group, group_id, port, where.report)
    if answerable:
        check_answerable(tree, enc.arrival, where.report)
    where.found.raise_any()


def check_answerable(tree: ParameterTree, arrival: np.ndarray, report: Callable[..., None]) -> None:
    """Each encounter day the tree does not answer for, reported (the first few)."""
    bad = tree_coverage.outside(tree, arrival)
    if bad.any():
        span = tree_coverage.describe(tree)
        for row in np.flatnonzero(bad)[:MAX_SHOWN]:
            day = from_day_number(int(arrival[row])).isoformat()
            report(int(row), "encounter_date", f"{day} is outside the range; {span}", day)
