"""Explanations of answers stored without one (a re-determination stores only the answer): built
when a case is read, through the entry point, under the law and day the answer holds under;
another law than the registry's is rebuilt from `law_versions` (once per process)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from sqlalchemy.orm import Session

from asylum_pathways.errors import UserError
from asylum_pathways.registry import determining, facts, law_versions
from asylum_pathways.registry.case_people import facts_of
from asylum_pathways.registry.core import Registry
from asylum_pathways.registry.models import Case, Determination, Person
from asylum_pathways.scenarios import Scenario


def explain_missing(
    reg: Registry,
    session: Session,
    case: Case,
    people: Sequence[Person],
    current: Mapping[str, Determination],
) -> None:
    """Answers stored by a re-determination carry no explanation (nor what would change them)
    yet: build it now through the entry point, under the law and day the answer holds under
    (kept on the row; another law than the registry's is rebuilt from `law_versions`), for
    the whole family at once, and keep it when it gives the stored answer."""
    todo: dict[tuple[str, dt.date], list[Determination]] = {}
    for p in people:
        d = current.get(p.id)
        if d is not None and d.answer is None:
            todo.setdefault((d.fingerprint, d.as_of), []).append(d)
    if not todo:
        return
    stored = [facts_of(reg, p) for p in people]
    group = case.id if len(people) > 1 else None
    records = [facts.record(p.id, group, f) for p, f in zip(people, stored, strict=True)]
    days = [dt.date.fromisoformat(str(f["encounter_date"])) for f in stored]
    for (fingerprint, as_of), waiting in todo.items():
        law = _law(reg, session, fingerprint)
        if law is None:
            continue
        try:
            batch = determining.determine(reg, records, days, as_of, explain=True, scenario=law)
        except UserError:
            if law is reg.scenario:
                raise
            continue  # a rebuilt law that no longer takes these facts: left unexplained
        row = {p.id: i for i, p in enumerate(people)}
        for d in waiting:
            i = row[d.person_id]
            if batch.key(i) == (d.pathway, d.receiving_country, d.status_codes) and (
                batch.as_of[i] == d.as_of
            ):
                d.answer = batch.explained[i]


def _law(reg: Registry, session: Session, fingerprint: str) -> Scenario | None:
    """The scenario of law `fingerprint`: the registry's own, or one kept (rebuilt once)."""
    if fingerprint == reg.tree_fingerprint:
        return reg.scenario
    if fingerprint not in reg.other_laws:
        reg.other_laws[fingerprint] = law_versions.scenario_of(session, fingerprint, reg.scenario)
    return reg.other_laws[fingerprint]
