"""`determine_records`: records in, validated whole, determined in one vectorized pass.

It owns every check a face would otherwise repeat: reading and validating the records (any
format, `io.encounters`), the family units (`io.families`), the days the parameter tree
answers for (each record's encounter and the `as_of` day), that a person is determined on or
after their encounter, then the engine and, when asked, the explanation with what would
change the answer (`determination.branches`). A problem is raised
as a `UserError` whose problems name the record and field; a face renames only its own
option (`labels`, e.g. `{"as_of": "--date"}` on the command line).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from asylum_pathways.dates import day_number, from_day_number
from asylum_pathways.determination.branches import branches
from asylum_pathways.determination.single import determine_family, one_family
from asylum_pathways.errors import InputError, Problem, UsageError
from asylum_pathways.io.encounters import EncounterTable, from_json, read_encounters
from asylum_pathways.io.findings import MAX_SHOWN
from asylum_pathways.params import coverage
from asylum_pathways.rules.engine import Determinations, determine
from asylum_pathways.rules.explain import explain as explain_row
from asylum_pathways.scenarios import Scenario

if TYPE_CHECKING:
    import polars as pl

#: What `determine_records` reads: a file (.json, .csv, .parquet), one parsed JSON record
#: (an object), a list of them, or records already read and validated.
Records = Path | Mapping[str, Any] | Sequence[Mapping[str, Any]] | EncounterTable


@dataclass(frozen=True)
class Determined:
    """Determinations of validated records: the columnar answer (`det`, one row per record,
    as `table` holds them) and, when explained, each record's versioned JSON answer."""

    scenario: Scenario
    table: EncounterTable
    det: Determinations
    as_of: dt.date | None
    listed: bool  # the input was a list or a file: its answer is a list
    explained: tuple[dict[str, Any], ...] | None = field(default=None, repr=False)

    @property
    def n(self) -> int:
        return self.table.encounters.n

    def answer(self, row: int = 0) -> dict[str, Any]:
        """Record `row`'s explained answer (schema `asylum-pathways/determination/v2`)."""
        if self.explained is not None:
            return self.explained[row]
        tree, enc = self.scenario.tree, self.table.encounters
        found = branches(tree, enc, self.det, self.table.person_id, [row])
        return explain_row(
            tree,
            enc,
            self.det,
            row,
            str(self.table.person_id[row]),
            self.scenario.name,
            found[row],
        )

    def answers(self) -> list[dict[str, Any]]:
        """Every record's explained answer, in the records' order."""
        if self.explained is not None:
            return list(self.explained)
        return [self.answer(i) for i in range(self.n)]

    def result(self) -> dict[str, Any] | list[dict[str, Any]]:
        """One answer for one record given as an object; a list for a list or a file."""
        return self.answers() if self.listed else self.answer(0)

    def rows(self) -> pl.DataFrame:
        """One row per record: the columns `determine --out` writes."""
        from asylum_pathways.io.determinations import to_frame

        return to_frame(self.det, self.table.person_id, self.scenario.name)


def determine_records(
    records: Records,
    scenario: Scenario,
    *,
    as_of: dt.date | None = None,
    explain: bool = True,
    source: str = "records",
    labels: Mapping[str, str] | None = None,
    copies: bool = True,
) -> Determined:
    """Determine `records` under `scenario`, as of `as_of` (default: each record's own
    encounter day); with `explain`, every record's explanation is built too.

    `source` names the records in messages when they are not a file; `labels` renames
    `as_of` for the face that asked (a CLI flag, an API field). `copies` False: the
    explanations of records alike share the parameters and references of their steps
    instead of each having its own copies (the same answers, for a face that writes them out
    at once and never changes them)."""
    label = (labels or {}).get("as_of", "as_of")
    tree = scenario.tree
    if as_of is not None:
        coverage.check_day(tree, as_of, label)
    table, listed = _read(records, scenario, source)
    enc = table.encounters
    day = None
    if as_of is not None:
        day = np.full(enc.n, day_number(as_of), dtype=np.int32)
        _check_after_encounters(
            table, as_of, label, source if not isinstance(records, Path) else str(records)
        )
    if explain and one_family(enc):  # one record or one family: one call of the engine
        fast = determine_family(tree, table, day)
        if fast is not None:
            one, shared = fast
            memo: dict[Any, Any] = {}  # what members alike share is worked out once
            answers = tuple(
                explain_row(
                    tree, enc, one, i, str(table.person_id[i]), scenario.name, shared, memo, copies
                )
                for i in range(enc.n)
            )
            return Determined(scenario, table, one, as_of, listed, answers)
    det = determine(tree, enc, day)
    explained = None
    if explain:
        found = branches(tree, enc, det, table.person_id)
        alike: dict[Any, Any] = {}  # what records alike share is worked out once
        explained = tuple(
            explain_row(
                tree, enc, det, i, str(table.person_id[i]), scenario.name, found[i], alike, copies
            )
            for i in range(enc.n)
        )
    return Determined(scenario, table, det, as_of, listed, explained)


def _read(records: Records, scenario: Scenario, source: str) -> tuple[EncounterTable, bool]:
    tree = scenario.tree
    if isinstance(records, EncounterTable):
        bad = coverage.outside(tree, records.encounters.arrival)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            day = from_day_number(int(records.encounters.arrival[row])).isoformat()
            msg = f"{day} is outside the range; {coverage.describe(tree)}"
            raise InputError(
                f"{source} record {row + 1}, field encounter_date: {msg}",
                [Problem((source, row + 1, "encounter_date"), msg, day)],
            )
        return records, True
    if isinstance(records, Path):
        return read_encounters(records, tree), True
    if isinstance(records, Mapping):
        return from_json(dict(records), source, tree, answerable=True), False
    if isinstance(records, Sequence) and not isinstance(records, str | bytes):
        if len(records) == 0:
            msg = "an empty list; expected at least one record"
            raise InputError(f"{source}: {msg}", [Problem((source,), msg, [])])
        return from_json(list(records), source, tree, answerable=True), True
    msg = f"expected an object of fields or a list of them, got {type(records).__name__}"
    raise InputError(f"{source}: {msg}", [Problem((source,), msg, None)])


def _check_after_encounters(table: EncounterTable, as_of: dt.date, label: str, source: str) -> None:
    """A person is determined on or after the day they were encountered."""
    late = np.flatnonzero(table.encounters.arrival > day_number(as_of))
    if late.shape[0] == 0:
        return
    problems, said = [], []
    for row in late[:MAX_SHOWN]:
        day = from_day_number(int(table.encounters.arrival[row])).isoformat()
        who = f"record {row + 1}" if table.encounters.n > 1 else "the record"
        why = "(a person is determined on or after the day of their encounter)"
        # the problem is the same on every face; the message names where the records came from
        problems.append(
            Problem(
                (label,),
                f"{as_of.isoformat()} is before the encounter_date {day} of {who} {why}",
                as_of.isoformat(),
            )
        )
        said.append(
            f"{as_of.isoformat()} is before the encounter_date {day} of {who} in {source} {why}"
        )
    more = f" (and {late.shape[0] - MAX_SHOWN:,} more)" if late.shape[0] > MAX_SHOWN else ""
    raise UsageError(f"{label} {said[0]}{more}", problems)
