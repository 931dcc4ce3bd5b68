"""A case's determinations: every answer kept, newest first, each with its difference from the
one before it; and a re-determination of the case on request."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from asylum_pathways.registry import audit, law_versions
from asylum_pathways.registry.access import own, require, scope
from asylum_pathways.registry.case_views import determination_view
from asylum_pathways.registry.core import Registry
from asylum_pathways.registry.determining import statuses
from asylum_pathways.registry.models import Case, Determination
from asylum_pathways.registry.roles import Permission, Principal


def history(reg: Registry, principal: Principal, case_id: str) -> list[dict[str, Any]]:
    require(principal, Permission.CASES_READ)
    with reg.db.transaction(scope(principal)) as session:
        case = own(session, Case, case_id, principal, "case")
        rows = list(
            session.scalars(
                select(Determination)
                .where(Determination.case_id == case.id)
                .order_by(Determination.person_id, Determination.created_at)
            )
        )
        out = []
        previous: dict[str, Determination] = {}
        for d in rows:
            view = determination_view(d, law_versions.programs(session, d.fingerprint))
            before = previous.get(d.person_id)
            view["difference"] = _difference(before, d, session) if before else None
            previous[d.person_id] = d
            out.append(view)
        out.sort(key=lambda v: v["created_at"], reverse=True)
        audit.append(
            session,
            [
                audit.Entry(
                    principal.actor, principal.org_id, "read", "case", case.id, ("determinations",)
                )
            ],
        )
    return out


def _difference(a: Determination, b: Determination, session: Any) -> dict[str, Any]:
    sa = statuses(law_versions.programs(session, a.fingerprint), a.status_codes)
    sb = statuses(law_versions.programs(session, b.fingerprint), b.status_codes)
    programs = sorted(k for k in sb.keys() | sa.keys() if sa.get(k) != sb.get(k))
    return {
        "pathway": None if a.pathway == b.pathway else {"from": a.pathway, "to": b.pathway},
        "receiving_country": None
        if a.receiving_country == b.receiving_country
        else {"from": a.receiving_country, "to": b.receiving_country},
        "programs": {k: {"from": sa.get(k), "to": sb.get(k)} for k in programs},
        "tree_changed": a.fingerprint != b.fingerprint,
        "as_of": {"from": a.as_of.isoformat(), "to": b.as_of.isoformat()},
    }
