"""A case's events: screenings, notices to appear, hearings, transfers, returns, releases.

An event's detail holds codes only (a screening's type and outcome, a country, a port), never
free text, so nothing personal can be written into it by accident."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from asylum_pathways.registry import audit
from asylum_pathways.registry.access import own, require, scope
from asylum_pathways.registry.case_views import event_view
from asylum_pathways.registry.core import Registry
from asylum_pathways.registry.errors import invalid
from asylum_pathways.registry.models import Case, Event, Person, new_id
from asylum_pathways.registry.roles import Permission, Principal

KINDS = ("screening", "notice_to_appear", "hearing", "transfer", "return", "release", "detention")
CODE = re.compile(r"[A-Za-z0-9_.-]{1,40}")
MAX_DETAIL = 8


def add(reg: Registry, principal: Principal, case_id: str, body: Any) -> dict[str, Any]:
    require(principal, Permission.CASES_WRITE)
    if not isinstance(body, Mapping):
        raise invalid(("body",), "expected an object: kind, occurred_on, person_id, detail")
    extra = sorted(set(body) - {"kind", "occurred_on", "person_id", "detail"})
    if extra:
        raise invalid(
            ("body", extra[0]), "unknown field (expected kind, occurred_on, person_id, detail)"
        )
    if body.get("kind") not in KINDS:
        raise invalid(
            ("body", "kind"),
            f"expected one of {', '.join(KINDS)}",
            body.get("kind") if isinstance(body.get("kind"), str) else None,
        )
    try:
        day = dt.date.fromisoformat(body.get("occurred_on"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise invalid(("body", "occurred_on"), "expected a date YYYY-MM-DD") from None
    detail = body.get("detail") or {}
    if not isinstance(detail, Mapping) or len(detail) > MAX_DETAIL:
        raise invalid(("body", "detail"), f"expected an object of at most {MAX_DETAIL} codes")
    for k, v in detail.items():
        if not CODE.fullmatch(str(k)) or not (
            isinstance(v, bool) or (isinstance(v, str) and CODE.fullmatch(v))
        ):
            raise invalid(
                ("body", "detail", str(k)[:40]),
                "expected a code (letters, digits, _ . -; at most 40) or true/false",
            )
    with reg.db.transaction(scope(principal)) as session:
        case = own(session, Case, case_id, principal, "case")
        person_id = body.get("person_id")
        if person_id is not None:
            person = session.get(Person, person_id) if isinstance(person_id, str) else None
            if person is None or person.case_id != case.id:
                raise invalid(("body", "person_id"), "not a person of this case")
        event = Event(
            id=new_id(),
            case_id=case.id,
            org_id=case.org_id,
            person_id=person_id,
            kind=body["kind"],
            occurred_on=day,
            detail=dict(detail),
            created_by=principal.actor,
        )
        session.add(event)
        session.flush()
        audit.append(
            session,
            [
                audit.Entry(
                    principal.actor,
                    principal.org_id,
                    "create",
                    "event",
                    case.id,
                    ("kind", "occurred_on", *(f"detail.{k}" for k in detail)),
                )
            ],
        )
        return event_view(event)


def listing(reg: Registry, principal: Principal, case_id: str) -> list[dict[str, Any]]:
    require(principal, Permission.CASES_READ)
    with reg.db.transaction(scope(principal)) as session:
        case = own(session, Case, case_id, principal, "case")
        out = [
            event_view(e)
            for e in session.scalars(
                select(Event)
                .where(Event.case_id == case.id)
                .order_by(Event.occurred_on, Event.created_at)
            )
        ]
        audit.append(
            session,
            [audit.Entry(principal.actor, principal.org_id, "read", "case", case.id, ("events",))],
        )
    return out
