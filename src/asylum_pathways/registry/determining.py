"""Determine people through the library's one entry point and keep the answers.

`determine` calls `determination.determine_records` once for a batch (twice at most: people
encountered after the as-of day are determined as of their own encounter day), never per person,
and turns the columnar answer into columns of the registry's terms (pathway names, receiving
countries, one status letter per program) without a Python loop per program; `store` writes one
`Determination` row per person and marks it current.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from asylum_pathways import codes
from asylum_pathways.determination import Determined, determine_records
from asylum_pathways.errors import Problem, UserError
from asylum_pathways.registry.core import Registry
from asylum_pathways.registry.models import Determination, new_id, utcnow
from asylum_pathways.scenarios import Scenario

LETTERS = bytes.maketrans(b"\x00\x01\x02", b"FUT")
NAMES = {"F": "false", "U": "unknown", "T": "true"}


@dataclass
class Batch:
    """Answers for `records`, in their order, as columns."""

    programs: tuple[str, ...]
    pathway: list[str]
    receiving_country: list[str | None]
    status_codes: list[str]
    as_of: list[dt.date]
    explained: list[dict[str, Any] | None]
    parts: list[tuple[np.ndarray, Determined]] = field(default_factory=list, repr=False)

    @property
    def n(self) -> int:
        return len(self.pathway)

    def key(self, i: int) -> tuple[str, str | None, str]:
        return (self.pathway[i], self.receiving_country[i], self.status_codes[i])

    def explain(self, indices: Sequence[int]) -> dict[int, dict[str, Any]]:
        """The explained answers of rows `indices` (built now, about a millisecond each)."""
        where: dict[int, tuple[Determined, int]] = {}
        for rows, det in self.parts:
            for j, i in enumerate(rows):
                where[int(i)] = (det, j)
        return {i: where[i][0].answer(where[i][1]) for i in indices}


def statuses(programs: Sequence[str], status_codes: str) -> dict[str, str]:
    """Each program's status by name (empty when the law version's programs are unknown)."""
    if len(programs) != len(status_codes):
        return {}
    return {p: NAMES[c] for p, c in zip(programs, status_codes, strict=True)}


def determine(
    reg: Registry,
    records: Sequence[dict[str, Any]],
    encounter_days: Sequence[dt.date],
    as_of: dt.date,
    *,
    explain: bool,
    source: str = "case",
    scenario: Scenario | None = None,
) -> Batch:
    """Determine `records` as of `as_of` (people encountered later: as of their own day), under
    the registry's law or `scenario`. Raises the entry point's `UserError`s (problems naming
    records by their place here)."""
    law = scenario or reg.scenario
    n = len(records)
    days = np.fromiter((d.toordinal() for d in encounter_days), dtype=np.int64, count=n)
    late = days > as_of.toordinal()
    pathway: list[str] = [""] * n
    country: list[str | None] = [None] * n
    status_codes: list[str] = [""] * n
    when: list[dt.date] = [as_of] * n
    explained: list[dict[str, Any] | None] = [None] * n
    programs: tuple[str, ...] = ()
    parts = []
    names = np.array(codes.PATHWAYS, dtype=object)
    countries = np.array([*codes.countries(), None], dtype=object)  # -1 -> None
    for mask, day in ((~late, as_of), (late, None)):
        rows = np.flatnonzero(mask)
        if rows.shape[0] == 0:
            continue
        chunk = list(records) if rows.shape[0] == n else [records[int(i)] for i in rows]
        try:
            det = determine_records(chunk, law, as_of=day, explain=explain, source=source)
        except UserError as exc:
            if rows.shape[0] < n:
                _renumber(exc, rows)
            raise
        parts.append((rows, det))
        programs = tuple(det.det.status)
        matrix = np.stack([det.det.status[p] for p in programs], axis=1).astype(np.uint8)
        letters = np.ascontiguousarray(matrix).view(f"S{len(programs)}").ravel()
        got_codes = [
            bytes(x).ljust(len(programs), b"\x00").translate(LETTERS).decode() for x in letters
        ]
        got_pathways = names[det.det.pathway].tolist()
        got_countries = countries[det.det.receiving_country].tolist()
        for j, i in enumerate(rows.tolist()):
            pathway[i] = got_pathways[j]
            country[i] = got_countries[j]
            status_codes[i] = got_codes[j]
            if day is None:
                when[i] = encounter_days[i]
            if det.explained is not None:
                explained[i] = det.explained[j]
    return Batch(programs, pathway, country, status_codes, when, explained, parts)


def _renumber(exc: UserError, rows: np.ndarray) -> None:
    """Problems of a sub-batch name records by their place in the whole batch."""
    import re

    def fix(x: str | int) -> str | int:
        if isinstance(x, str) and (m := re.fullmatch(r"record (\d+)", x)):
            return f"record {int(rows[int(m.group(1)) - 1]) + 1}"
        return x

    exc.problems = [Problem(tuple(fix(x) for x in p.loc), p.msg, p.value) for p in exc.problems]


def store(
    reg: Registry,
    session: Session,
    people: Sequence[tuple[str, str, str]],  # (person id, case id, org id)
    batch: Batch,
    rows: Sequence[int],
    trigger: str,
    run_id: str | None = None,
    *,
    demote: bool = True,
) -> None:
    """Keep the answers of batch rows `rows` (for `people`, in the same order) as current."""
    if not rows:
        return
    from asylum_pathways.registry import law_versions

    law_versions.remember(
        session, reg.tree_fingerprint, reg.scenario.name, reg.scenario.tree, batch.programs
    )
    now = utcnow()
    ids = [p[0] for p in people]
    if demote:
        for start in range(0, len(ids), 5000):
            session.execute(
                update(Determination)
                .where(
                    Determination.person_id.in_(ids[start : start + 5000]), Determination.current
                )
                .values(current=False)
                .execution_options(synchronize_session=False)
            )
    fp, scenario = reg.tree_fingerprint, reg.scenario.name
    values = [
        {
            "id": new_id(),
            "org_id": org,
            "case_id": case,
            "person_id": person,
            "as_of": batch.as_of[i],
            "fingerprint": fp,
            "scenario": scenario,
            "pathway": batch.pathway[i],
            "receiving_country": batch.receiving_country[i],
            "status_codes": batch.status_codes[i],
            "answer": batch.explained[i],
            "trigger": trigger,
            "run_id": run_id,
            "current": True,
            "created_at": now,
        }
        for (person, case, org), i in zip(people, rows, strict=True)
    ]
    for start in range(0, len(values), 10_000):
        session.execute(insert(Determination), values[start : start + 10_000])
