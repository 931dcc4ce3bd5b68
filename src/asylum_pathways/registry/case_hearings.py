"""A case's hearings: add one, change one (every earlier version is kept), list them with their
flags and deadlines. A change of date, time, court or status clears the confirmation unless the
same request confirms it again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from asylum_pathways.registry import audit, hearings
from asylum_pathways.registry.access import own, require, scope
from asylum_pathways.registry.case_views import hearing_view
from asylum_pathways.registry.core import Registry
from asylum_pathways.registry.database import FOR_EDIT
from asylum_pathways.registry.errors import NotFound
from asylum_pathways.registry.models import Case, Hearing, HearingRevision, new_id
from asylum_pathways.registry.roles import Permission, Principal

RESETS_CONFIRMATION = {"court", "time_zone", "starts_at", "status", "type"}


def _snapshot(h: Hearing) -> dict[str, Any]:
    out = {f: getattr(h, f) for f in hearings.FIELDS}
    out["starts_at"] = h.starts_at.isoformat(timespec="minutes")
    out["confirmed_by"] = h.confirmed_by
    return out


def add(reg: Registry, principal: Principal, case_id: str, body: Any) -> dict[str, Any]:
    require(principal, Permission.CASES_WRITE)
    fields = hearings.parse(body)
    confirmed = fields.pop("confirmed", False)
    with reg.db.transaction(scope(principal)) as session:
        case = own(session, Case, case_id, principal, "case")
        h = Hearing(id=new_id(), case_id=case.id, org_id=case.org_id, version=1, **fields)
        if confirmed:
            h.confirmed_by, h.confirmed_at = principal.user_id, reg.now()
        session.add(h)
        session.flush()
        audit.append(
            session,
            [
                audit.Entry(
                    principal.actor,
                    principal.org_id,
                    "create",
                    "hearing",
                    case.id,
                    tuple(sorted(fields)),
                )
            ],
        )
        return hearing_view(reg.scenario.tree, h, [])


def update(
    reg: Registry, principal: Principal, case_id: str, hearing_id: str, body: Any
) -> dict[str, Any]:
    require(principal, Permission.CASES_WRITE)
    fields = hearings.parse(body, partial=True)
    confirmed = fields.pop("confirmed", None)
    with reg.db.transaction(scope(principal)) as session:
        case = own(session, Case, case_id, principal, "case")
        h = (
            session.get(Hearing, hearing_id, with_for_update=FOR_EDIT)
            if isinstance(hearing_id, str) and len(hearing_id) <= 64
            else None
        )
        if h is None or h.case_id != case.id:
            raise NotFound("no hearing with that id in this case")
        if "status" in fields:
            hearings.check_status_change(h.status, fields["status"])
        changed = sorted(k for k, v in fields.items() if getattr(h, k) != v)
        if not changed and confirmed is None:
            return hearing_view(reg.scenario.tree, h, _revisions(session, h))
        session.add(
            HearingRevision(
                id=new_id(),
                hearing_id=h.id,
                org_id=h.org_id,
                version=h.version,
                snapshot=_snapshot(h),
                changed=changed,
                changed_by=principal.actor,
                changed_at=reg.now(),
            )
        )
        for k in changed:
            setattr(h, k, fields[k])
        if RESETS_CONFIRMATION & set(changed) or confirmed is False:
            h.confirmed_by = h.confirmed_at = None
        if confirmed:
            h.confirmed_by, h.confirmed_at = principal.user_id, reg.now()
        h.version += 1
        h.updated_at = reg.now()
        session.flush()
        audit.append(
            session,
            [
                audit.Entry(
                    principal.actor,
                    principal.org_id,
                    "update",
                    "hearing",
                    case.id,
                    tuple(changed) + (("confirmed",) if confirmed is not None else ()),
                )
            ],
        )
        return hearing_view(reg.scenario.tree, h, _revisions(session, h))


def _revisions(session: Any, h: Hearing) -> list[HearingRevision]:
    return list(
        session.scalars(
            select(HearingRevision)
            .where(HearingRevision.hearing_id == h.id)
            .order_by(HearingRevision.version)
        )
    )


def listing(reg: Registry, principal: Principal, case_id: str) -> list[dict[str, Any]]:
    require(principal, Permission.CASES_READ)
    with reg.db.transaction(scope(principal)) as session:
        case = own(session, Case, case_id, principal, "case")
        hs = list(
            session.scalars(
                select(Hearing).where(Hearing.case_id == case.id).order_by(Hearing.starts_at)
            )
        )
        out = [hearing_view(reg.scenario.tree, h, _revisions(session, h)) for h in hs]
        audit.append(
            session,
            [
                audit.Entry(
                    principal.actor, principal.org_id, "read", "case", case.id, ("hearings",)
                )
            ],
        )
    return out


def upcoming_before(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())
