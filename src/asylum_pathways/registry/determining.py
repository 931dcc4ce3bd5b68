"""Determine people through the library's one entry point and keep the answers.

`determine` calls `determination.determine_records` once for a batch (twice at most: people
encountered after the as-of day are determined as of their own encounter day), never per person;
`store` writes one `Determination` row per person and marks it current.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from asylum_pathways import codes, tri
from asylum_pathways.determination import Determined, determine_records
from asylum_pathways.errors import UserError
from asylum_pathways.registry.core import Registry
from asylum_pathways.registry.models import Determination, new_id, utcnow


@dataclass(frozen=True)
class Answer:
    """One person's determination in the registry's terms."""

    pathway: str
    receiving_country: str | None
    statuses: dict[str, str]
    as_of: dt.date
    explained: dict[str, Any] | None

    def key(self) -> tuple[str, str | None]:
        return (self.pathway, self.receiving_country)


@dataclass
class Batch:
    """Answers for `records` in their order."""

    answers: list[Answer]
    parts: list[tuple[np.ndarray, Determined]]

    def explain(self, index: int) -> dict[str, Any]:
        for rows, det in self.parts:
            hit = np.flatnonzero(rows == index)
            if hit.shape[0]:
                return det.answer(int(hit[0]))
        raise IndexError(index)


def determine(
    reg: Registry,
    records: Sequence[dict[str, Any]],
    encounter_days: Sequence[dt.date],
    as_of: dt.date,
    *,
    explain: bool,
    source: str = "case",
) -> Batch:
    """Determine `records` as of `as_of` (people encountered later: as of their own day).
    Raises the entry point's `UserError`s unchanged (the caller relocates them)."""
    days = np.array([d.toordinal() for d in encounter_days], dtype=np.int64)
    late = days > as_of.toordinal()
    answers: list[Answer | None] = [None] * len(records)
    parts = []
    for mask, day in ((~late, as_of), (late, None)):
        rows = np.flatnonzero(mask)
        if rows.shape[0] == 0:
            continue
        chunk = [records[int(i)] for i in rows] if rows.shape[0] < len(records) else list(records)
        try:
            det = determine_records(chunk, reg.scenario, as_of=day, explain=explain, source=source)
        except UserError as exc:
            if rows.shape[0] < len(records):
                _renumber(exc, rows)
            raise
        parts.append((rows, det))
        for j, ans in enumerate(_answers(det, day, [encounter_days[int(i)] for i in rows])):
            answers[int(rows[j])] = ans
    return Batch([a for a in answers if a is not None], parts)


def _renumber(exc: UserError, rows: np.ndarray) -> None:
    """Problems of a sub-batch name records by their place in the whole batch."""
    import re

    from asylum_pathways.errors import Problem

    def fix(x: str | int) -> str | int:
        if isinstance(x, str) and (m := re.fullmatch(r"record (\d+)", x)):
            return f"record {int(rows[int(m.group(1)) - 1]) + 1}"
        return x

    exc.problems = [Problem(tuple(fix(x) for x in p.loc), p.msg, p.value) for p in exc.problems]


def _answers(det: Determined, as_of: dt.date | None, days: list[dt.date]) -> list[Answer]:
    d = det.det
    countries = codes.countries()
    pathways = [codes.PATHWAYS[int(p)] for p in d.pathway]
    receiving = [countries[int(c)] if c >= 0 else None for c in d.receiving_country]
    names = {k: [tri.NAMES[int(x)] for x in v] for k, v in d.status.items()}
    out = []
    for i in range(det.n):
        out.append(
            Answer(
                pathway=pathways[i],
                receiving_country=receiving[i],
                statuses={k: names[k][i] for k in names},
                as_of=as_of or days[i],
                explained=det.explained[i] if det.explained is not None else None,
            )
        )
    return out


def store(
    reg: Registry,
    session: Session,
    people: Sequence[tuple[str, str, str]],  # (person id, case id, org id)
    answers: Sequence[Answer],
    trigger: str,
    run_id: str | None = None,
    explained: dict[int, dict[str, Any]] | None = None,
) -> None:
    """Keep each person's new answer as their current determination."""
    if not people:
        return
    from asylum_pathways.registry import law_versions

    law_versions.remember(session, reg.tree_fingerprint, reg.scenario.name, reg.scenario.tree)
    now = utcnow()
    ids = [p[0] for p in people]
    for start in range(0, len(ids), 5000):
        session.execute(
            update(Determination)
            .where(Determination.person_id.in_(ids[start : start + 5000]), Determination.current)
            .values(current=False)
            .execution_options(synchronize_session=False)
        )
    rows = [
        {
            "id": new_id(),
            "org_id": org,
            "case_id": case,
            "person_id": person,
            "as_of": a.as_of,
            "fingerprint": reg.tree_fingerprint,
            "scenario": reg.scenario.name,
            "pathway": a.pathway,
            "receiving_country": a.receiving_country,
            "statuses": a.statuses,
            "answer": a.explained if a.explained is not None else (explained or {}).get(i),
            "trigger": trigger,
            "run_id": run_id,
            "current": True,
            "created_at": now,
        }
        for i, ((person, case, org), a) in enumerate(zip(people, answers, strict=True))
    ]
    session.execute(insert(Determination), rows)
