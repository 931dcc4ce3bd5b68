"""Cases: open one (a person or a family), read it, list and search it, edit its facts across a
family, close it. Every read and write appends audit rows in the same transaction; facts are
validated and determined by the library's entry point (`determining`); identity and facts are
encrypted before they reach the database (`crypto`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from asylum_pathways.errors import UserError
from asylum_pathways.registry import (
    audit,
    case_explanations,
    case_people,
    determining,
    facts,
    law_versions,
)
from asylum_pathways.registry.access import own, require, scope
from asylum_pathways.registry.case_listing import listing as listing  # cases.listing, as before
from asylum_pathways.registry.case_people import facts_of, identity_of
from asylum_pathways.registry.case_views import (
    change_view,
    determination_view,
    event_view,
    hearing_view,
)
from asylum_pathways.registry.core import Registry
from asylum_pathways.registry.errors import Conflict, invalid
from asylum_pathways.registry.models import (
    Case,
    Change,
    Determination,
    Event,
    Hearing,
    HearingRevision,
    Person,
    new_id,
)
from asylum_pathways.registry.roles import Permission, Principal

MAX_PEOPLE = 30


def what_would_change(current: Mapping[str, Determination]) -> dict[str, Any]:
    """What would change each member's answer: the branches of each current answer (the facts
    that, if different, give another pathway), `worked_out` when every member's answer
    carries them, else `not_worked_out` (an answer whose law is no longer kept)."""
    people = [
        {"person_id": pid, "branches": (d.answer or {}).get("branches", [])}
        for pid, d in sorted(current.items())
        if d.answer is not None
    ]
    done = bool(current) and len(people) == len(current)
    return {"status": "worked_out" if done else "not_worked_out", "people": people}


def _records(
    case: Case, people: Sequence[Person], stored: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    group = case.id if len(people) > 1 else None
    return [facts.record(p.id, group, f) for p, f in zip(people, stored, strict=True)]


def _determined(
    reg: Registry,
    case_id: str,
    person_ids: Sequence[str],
    stored: Sequence[Mapping[str, Any]],
    prefix: tuple[str, ...] = ("body", "people"),
) -> determining.Batch:
    """Validate and determine every member of a case in one call (before anything is written)."""
    group = case_id if len(person_ids) > 1 else None
    records = [facts.record(pid, group, f) for pid, f in zip(person_ids, stored, strict=True)]
    days = [dt.date.fromisoformat(str(f["encounter_date"])) for f in stored]
    try:
        return determining.determine(reg, records, days, reg.default_as_of(), explain=True)
    except UserError as exc:
        raise facts.relocate(exc, prefix, list(range(len(person_ids)))) from None


def _keep(
    reg: Registry,
    session: Session,
    case: Case,
    people: Sequence[Person],
    batch: determining.Batch,
    trigger: str,
) -> None:
    refs = [(p.id, case.id, case.org_id) for p in people]
    determining.store(reg, session, refs, batch, list(range(batch.n)), trigger)
    now = reg.now()
    for p in people:
        p.updated_at = now


FACT_FIELDS_AUDITED = ("name", "a_number", "birth_date", "address", "facts")


def create(reg: Registry, principal: Principal, body: Any) -> str:
    """Open a case from `{"people": [{"role": "lead", "name": ..., "facts": {...}}, ...]}`."""
    require(principal, Permission.CASES_WRITE)
    if (
        not isinstance(body, Mapping)
        or not isinstance(body.get("people"), list)
        or not body["people"]
    ):
        raise invalid(("body", "people"), "expected a list of people: one lead and any riders")
    raw_people = body["people"]
    extra = sorted(set(body) - {"people"})
    if extra:
        raise invalid(("body", extra[0]), "unknown field (expected people)")
    if len(raw_people) > MAX_PEOPLE:
        raise invalid(("body", "people"), f"at most {MAX_PEOPLE} people in a case")
    roles = [p.get("role", "rider") if isinstance(p, Mapping) else None for p in raw_people]
    if roles.count("lead") != 1 or any(r not in ("lead", "rider") for r in roles):
        raise invalid(
            ("body", "people"), "expected exactly one person with role lead; the others riders"
        )
    with reg.db.transaction(scope(principal)) as session:
        case_id = _insert_case(reg, session, principal, raw_people)
    return case_id


def _insert_case(
    reg: Registry,
    session: Session,
    principal: Principal,
    raw_people: Sequence[Any],
    *,
    trigger: str = "facts",
) -> str:
    case = Case(id=new_id(), org_id=principal.org_id, status="open")
    people, stored, idents = [], [], []
    for i, raw in enumerate(raw_people):
        where: tuple[str | int, ...] = ("body", "people", i)
        if not isinstance(raw, Mapping):
            raise invalid(
                where, "expected an object: name, a_number, birth_date, address, role, facts"
            )
        idents.append(facts.identity(raw, where, reg.today()))
        stored.append(facts.check_facts_shape(raw.get("facts"), (*where, "facts")))
        people.append(
            Person(
                id=new_id(),
                case_id=case.id,
                org_id=case.org_id,
                role=raw.get("role", "rider"),
                position=i,
            )
        )
    batch = _determined(reg, case.id, [p.id for p in people], stored, prefix=("body", "people"))
    session.add(case)
    session.flush()
    for person, ident, f in zip(people, idents, stored, strict=True):
        case_people.seal(reg, person, ident, f)
        session.add(person)
    session.flush()
    _keep(reg, session, case, people, batch, trigger)
    audit.append(
        session,
        [
            audit.Entry(
                principal.actor, principal.org_id, "create", "case", case.id, _field_names(stored)
            )
        ],
    )
    return case.id


def _field_names(stored: Sequence[Mapping[str, Any]]) -> tuple[str, ...]:
    names = {"people.name", "people.role"}
    for f in stored:
        names.update(f"people.facts.{k}" for k in f)
    return tuple(sorted(names))


def read(reg: Registry, principal: Principal, case_id: str) -> dict[str, Any]:
    require(principal, Permission.CASES_READ)
    with reg.db.transaction(scope(principal)) as session:
        case = own(session, Case, case_id, principal, "case")
        out = _case_view(reg, session, case)
        audit.append(
            session,
            [
                audit.Entry(
                    principal.actor,
                    principal.org_id,
                    "read",
                    "case",
                    case.id,
                    ("people", "facts", "hearings", "events", "determinations"),
                )
            ],
        )
    return out


def _people(session: Session, case_id: str) -> list[Person]:
    return list(
        session.scalars(select(Person).where(Person.case_id == case_id).order_by(Person.position))
    )


def _case_view(reg: Registry, session: Session, case: Case) -> dict[str, Any]:
    people = _people(session, case.id)
    current = {
        d.person_id: d
        for d in session.scalars(
            select(Determination).where(Determination.case_id == case.id, Determination.current)
        )
    }
    case_explanations.explain_missing(reg, session, case, people, current)
    programs = (
        law_versions.programs(session, next(iter(current.values())).fingerprint) if current else []
    )
    tree = reg.scenario.tree
    hs = list(
        session.scalars(
            select(Hearing).where(Hearing.case_id == case.id).order_by(Hearing.starts_at)
        )
    )
    revisions: dict[str, list[HearingRevision]] = {}
    for r in session.scalars(
        select(HearingRevision)
        .where(HearingRevision.hearing_id.in_([h.id for h in hs]))
        .order_by(HearingRevision.version)
    ):
        revisions.setdefault(r.hearing_id, []).append(r)
    return {
        "id": case.id,
        "status": case.status,
        "closed_on": case.closed_on.isoformat() if case.closed_on else None,
        "version": case.version,
        "created_at": case.created_at.isoformat(timespec="seconds") + "Z",
        "people": [
            {
                "id": p.id,
                "role": p.role,
                **identity_of(reg, p),
                "facts": facts_of(reg, p),
                "determination": determination_view(current[p.id], programs)
                if p.id in current
                else None,
            }
            for p in people
        ],
        "hearings": [hearing_view(tree, h, revisions.get(h.id, [])) for h in hs],
        "events": [
            event_view(e)
            for e in session.scalars(
                select(Event)
                .where(Event.case_id == case.id)
                .order_by(Event.occurred_on, Event.created_at)
            )
        ],
        "changes": [
            change_view(c)
            for c in session.scalars(
                select(Change).where(Change.case_id == case.id).order_by(Change.created_at)
            )
        ],
        "what_would_change": what_would_change(current),
    }


def update(reg: Registry, principal: Principal, case_id: str, body: Any) -> dict[str, Any]:
    """Close or reopen a case, and edit facts across a family in one go:
    `{"status": "closed", "set_facts": {"claims_fear": true}, "people": [ids]}` (`people`
    defaults to every member). The family is re-validated and re-determined together."""
    require(principal, Permission.CASES_WRITE)
    if not isinstance(body, Mapping) or not body:
        raise invalid(
            ("body",), "expected an object with status, set_facts (and people), or version"
        )
    extra = sorted(set(body) - {"status", "set_facts", "people", "version"})
    if extra:
        raise invalid(
            ("body", extra[0]), "unknown field (expected status, set_facts, people, version)"
        )
    with reg.db.transaction(scope(principal)) as session:
        case = own(session, Case, case_id, principal, "case", lock=True)
        if "version" in body and body["version"] != case.version:
            raise Conflict(
                f"version: the case changed since version {body['version']} (now {case.version}); read it again"
            )
        changed: set[str] = set()
        if "status" in body:
            if body["status"] not in ("open", "closed"):
                raise invalid(("body", "status"), "expected open or closed", body["status"])
            if body["status"] != case.status:
                case.status = body["status"]
                case.closed_on = reg.today() if case.status == "closed" else None
                changed.add("status")
        if "set_facts" in body:
            changed |= _set_facts(reg, session, case, body)
        if not changed and "status" not in body:
            raise invalid(("body",), "nothing to change")
        case.version += 1
        case.updated_at = reg.now()
        audit.append(
            session,
            [
                audit.Entry(
                    principal.actor,
                    principal.org_id,
                    "update",
                    "case",
                    case.id,
                    tuple(sorted(changed)),
                )
            ],
        )
        view = _case_view(reg, session, case)
    return view


def _set_facts(reg: Registry, session: Session, case: Case, body: Mapping[str, Any]) -> set[str]:
    updates = facts.check_facts_shape(body["set_facts"], ("body", "set_facts"))
    people = _people(session, case.id)
    chosen = body.get("people")
    if chosen is None:
        targets = {p.id for p in people}
    else:
        if not isinstance(chosen, list) or not all(isinstance(x, str) for x in chosen):
            raise invalid(("body", "people"), "expected a list of person ids of this case")
        unknown = [x for x in chosen if x not in {p.id for p in people}]
        if unknown:
            raise invalid(("body", "people"), "not a person of this case", unknown[0])
        targets = set(chosen)
    stored = []
    for p in people:
        f = facts_of(reg, p)
        if p.id in targets:
            for k, v in updates.items():
                if v is None:
                    f.pop(k, None)
                else:
                    f[k] = v
        stored.append(f)
    batch = _determined(reg, case.id, [p.id for p in people], stored, prefix=("body", "people"))
    _keep(reg, session, case, people, batch, "facts")
    for p, f in zip(people, stored, strict=True):
        if p.id in targets:
            case_people.seal(reg, p, identity_of(reg, p), f)
    return {f"people.facts.{k}" for k in updates}
