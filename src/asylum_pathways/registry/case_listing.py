"""Listing a caller's cases: newest first, each with its lead's name, its size and the lead's
current pathway (three queries a page), or found by A-number through its keyed blind index (the
number itself is never stored nor searched in the clear). Every case listed is audited."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from asylum_pathways.registry import audit
from asylum_pathways.registry.access import require, scope
from asylum_pathways.registry.case_people import identity_of
from asylum_pathways.registry.core import Registry
from asylum_pathways.registry.errors import invalid
from asylum_pathways.registry.models import Case, Determination, Person
from asylum_pathways.registry.roles import Permission, Principal


def listing(
    reg: Registry,
    principal: Principal,
    *,
    a_number: str | None = None,
    status: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    """Cases of the caller's organisation (lead's name and current pathway), newest first; with
    `a_number`, the cases whose members have it (looked up by its blind index)."""
    require(principal, Permission.CASES_READ)
    if status not in (None, "open", "closed"):
        raise invalid(("query", "status"), "expected open or closed", status)
    with reg.db.transaction(scope(principal)) as session:
        q = select(Case).where(Case.org_id == principal.org_id)
        if status:
            q = q.where(Case.status == status)
        if a_number is not None:
            try:
                index = reg.cipher.blind_index(a_number)
            except ValueError as exc:
                raise invalid(("query", "a_number"), str(exc)) from None
            q = q.where(Case.id.in_(select(Person.case_id).where(Person.a_number_index == index)))
        total = session.scalar(select(func.count()).select_from(q.subquery())) or 0
        found = list(
            session.scalars(q.order_by(Case.created_at.desc(), Case.id).limit(limit).offset(offset))
        )
        items = _listed(reg, session, found)
        audit.append(
            session,
            [
                audit.Entry(
                    principal.actor,
                    principal.org_id,
                    "list",
                    "case",
                    c.id,
                    ("people.name", "determination"),
                )
                for c in found
            ],
        )
    return {"total": total, "limit": limit, "offset": offset, "items": items}


def _listed(reg: Registry, session: Session, found: Sequence[Case]) -> list[dict[str, Any]]:
    """Each case of a page of the list: its lead's name, its size and the lead's pathway (three
    queries for the page, not three per case)."""
    leads = {
        p.case_id: p
        for p in session.scalars(
            select(Person).where(Person.case_id.in_([c.id for c in found]), Person.role == "lead")
        )
    }
    sizes = dict(
        session.execute(
            select(Person.case_id, func.count())
            .where(Person.case_id.in_([c.id for c in found]))
            .group_by(Person.case_id)
        ).all()
    )
    current = {
        d.person_id: d
        for d in session.scalars(
            select(Determination).where(
                Determination.case_id.in_([c.id for c in found]), Determination.current
            )
        )
    }
    items = []
    for c in found:
        lead = leads.get(c.id)
        d = current.get(lead.id) if lead else None
        items.append(
            {
                "id": c.id,
                "status": c.status,
                "lead_name": identity_of(reg, lead)["name"] if lead else None,
                "people": sizes.get(c.id, 0),
                "pathway": d.pathway if d else None,
                "receiving_country": d.receiving_country if d else None,
                "created_at": c.created_at.isoformat(timespec="seconds") + "Z",
            }
        )
    return items
