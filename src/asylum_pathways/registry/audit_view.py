"""The audit log as auditors read it: their organisation's rows, oldest first, and whether the
whole chain verifies."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from asylum_pathways.registry import audit
from asylum_pathways.registry.access import require
from asylum_pathways.registry.core import Registry
from asylum_pathways.registry.database import ALL
from asylum_pathways.registry.models import AuditEntry
from asylum_pathways.registry.roles import Permission, Principal


def rows(reg: Registry, principal: Principal, after: int = 0, limit: int = 200) -> dict[str, Any]:
    require(principal, Permission.AUDIT_READ)
    with reg.db.transaction(ALL) as session:
        found = list(
            session.scalars(
                select(AuditEntry)
                .where(AuditEntry.org_id == principal.org_id, AuditEntry.id > after)
                .order_by(AuditEntry.id)
                .limit(limit)
            )
        )
        verdict = audit.verify(session)
        audit.append(
            session, [audit.Entry(principal.actor, principal.org_id, "read", "audit_log", None)]
        )
    return {
        "verifies": verdict.ok,
        "verdict": verdict.message(),
        "rows": [
            {
                "id": r.id,
                "at": r.at.isoformat() + "Z",
                "actor": r.actor,
                "action": r.action,
                "object_type": r.object_type,
                "object_id": r.object_id,
                "fields": r.fields,
                "hash": r.hash,
            }
            for r in found
        ],
    }
