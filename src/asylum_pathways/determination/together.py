"""Records that are each their own question (requests that arrived together), answered in
one vectorized pass, each exactly as `determine_records` answers it alone.

Each record is read alone, as the one-record path reads it (cell by cell, no table
library), and the records read are stacked into one table, each its own family unit: a
person's answer reads only their family's rows, so no two records' families can meet, and
each keeps its own person_id. Records that give screening outcomes in different sets or
orders go into separate tables, because an answer lists them in its record's own order. A
record with any problem gets no answer here: the caller asks `determine_records` about it
alone, which names the problem as it would for that record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from asylum_pathways.dates import day_number
from asylum_pathways.determination.entry import determine_records
from asylum_pathways.errors import UserError
from asylum_pathways.io.encounters import EncounterTable, from_json
from asylum_pathways.records import Encounters
from asylum_pathways.scenarios import Scenario


def each_alone(
    records: Sequence[Any],
    scenario: Scenario,
    *,
    as_of: dt.date | None = None,
    copies: bool = True,
) -> list[dict[str, Any] | None]:
    """For each record (one JSON object), the explained answer `determine_records(record,
    scenario, as_of=as_of)` gives, or None when that call would raise (`copies`: as
    `determine_records` takes it)."""
    answers: list[dict[str, Any] | None] = [None] * len(records)
    alike: dict[tuple[str, ...], list[tuple[int, EncounterTable]]] = {}
    for k, record in enumerate(records):
        table = _read(record, scenario, as_of)
        if table is not None:
            alike.setdefault(tuple(table.encounters.aca_fear), []).append((k, table))
    for group in alike.values():
        try:
            found = determine_records(
                stacked([t for _, t in group]), scenario, as_of=as_of, copies=copies
            )
        except UserError:
            continue  # e.g. `as_of` outside the tree's days: every one of them fails alone
        for row, (k, _) in enumerate(group):
            answers[k] = found.answer(row)
    return answers


def _read(record: Any, scenario: Scenario, as_of: dt.date | None) -> EncounterTable | None:
    """The record read as `determine_records` reads it alone; None if it has a problem."""
    if not isinstance(record, Mapping):
        return None
    try:
        table = from_json(dict(record), "records", scenario.tree, answerable=True)
    except UserError:
        return None
    if as_of is not None and int(table.encounters.arrival[0]) > day_number(as_of):
        return None  # determined before the encounter
    return table


def stacked(tables: Sequence[EncounterTable]) -> EncounterTable:
    """Tables with the same screening-outcome columns, in the same order, as one table, the
    rows of each table their own family units (apart from every other table's)."""
    encs = [t.encounters for t in tables]

    def joined(column: str) -> np.ndarray:
        return np.concatenate([getattr(e, column) for e in encs])

    groups, base = [], 0
    for e in encs:
        _, inverse = np.unique(e.group, return_inverse=True)
        groups.append(inverse.astype(np.int64) + base)
        base += int(inverse.max()) + 1 if e.n else 0
    first = encs[0]
    enc = Encounters(
        group=np.concatenate(groups),
        arrival=joined("arrival"),
        sector=joined("sector"),
        port=joined("port"),
        citizenship=joined("citizenship"),
        habitual_residence=joined("habitual_residence"),
        demographic=joined("demographic"),
        age=joined("age"),
        language=joined("language"),
        flags={k: np.concatenate([e.flags[k] for e in encs]) for k in first.flags},
        aca_fear={k: np.concatenate([e.aca_fear[k] for e in encs]) for k in first.aca_fear},
    )
    return EncounterTable(enc, np.concatenate([t.person_id for t in tables]))
