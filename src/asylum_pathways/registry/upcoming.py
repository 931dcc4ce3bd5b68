"""The hearings ahead: every scheduled hearing of the caller's organisation's open cases from a
day on, soonest first, with its flags and deadlines (as a case shows them). Each case read is
audited, as any read of a case is."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from asylum_pathways.registry import audit
from asylum_pathways.registry.access import require, scope
from asylum_pathways.registry.case_views import hearing_view
from asylum_pathways.registry.core import Registry
from asylum_pathways.registry.models import Case, Hearing
from asylum_pathways.registry.roles import Permission, Principal


def hearings(
    reg: Registry, principal: Principal, since: dt.date, limit: int = 200
) -> list[dict[str, Any]]:
    require(principal, Permission.CASES_READ)
    with reg.db.transaction(scope(principal)) as session:
        found = list(
            session.scalars(
                select(Hearing)
                .join(Case, Case.id == Hearing.case_id)
                .where(
                    Hearing.org_id == principal.org_id,
                    Case.status == "open",
                    Hearing.status == "scheduled",
                    Hearing.starts_at >= dt.datetime.combine(since, dt.time()),
                )
                .order_by(Hearing.starts_at, Hearing.id)
                .limit(limit)
            )
        )
        out = [{"case_id": h.case_id, **hearing_view(reg.scenario.tree, h, [])} for h in found]
        audit.append(
            session,
            [
                audit.Entry(
                    principal.actor, principal.org_id, "list", "case", case_id, ("hearings",)
                )
                for case_id in sorted({h.case_id for h in found})
            ],
        )
    return out
