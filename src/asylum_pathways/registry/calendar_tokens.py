"""Calendar feed tokens: the secret in the address a calendar application subscribes to.

A calendar application can send neither a cookie nor an `Authorization` header, so the feed is
reached at an address holding a secret (`/api/v1/calendar/{token}.ics`). The token is 256 bits
from `secrets`, shown once and kept only as its SHA-256 (like sessions and API tokens); a user has
at most one active token: issuing a new one revokes the one before, and a revoked token, a
disabled user's or an unknown one answers "not found" alike. The token lets its holder read that
user's calendar feed and nothing else; the user's role is read on every request, so a demoted
user's feed is refused. The service keeps it out of its access log (`service.access_log`).
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from asylum_pathways.registry import audit
from asylum_pathways.registry.access import require
from asylum_pathways.registry.core import Registry
from asylum_pathways.registry.database import ALL
from asylum_pathways.registry.errors import Forbidden, NotFound
from asylum_pathways.registry.models import CalendarToken, User, new_id
from asylum_pathways.registry.roles import Permission, Principal, Role
from asylum_pathways.registry.users import digest

PREFIX = "cal_"
#: A principal reached through a feed token: it may read the calendar feed only.
VIA = "calendar"
REFUSED = "no calendar feed at this address: the token is unknown or was revoked"


def issue(reg: Registry, principal: Principal) -> tuple[str, dict[str, Any]]:
    """A new feed token for the caller (returned once); the caller's earlier one is revoked."""
    require(principal, Permission.CASES_READ)
    if principal.via == VIA:
        raise Forbidden("forbidden: a calendar feed token may only read the feed")
    token = PREFIX + secrets.token_urlsafe(32)
    now = reg.now()
    with reg.db.transaction(ALL) as session:
        revoked = _revoke_active(session, principal.user_id, now)
        row = CalendarToken(
            id=new_id(), user_id=principal.user_id, token_hash=digest(token), created_at=now
        )
        session.add(row)
        audit.append(
            session,
            [
                *(_revoked(principal, r) for r in revoked),
                audit.Entry(principal.actor, principal.org_id, "create", "calendar_token", row.id),
            ],
        )
        return token, view(row)


def revoke(reg: Registry, principal: Principal) -> dict[str, Any]:
    """Revoke the caller's feed token (if any): its address answers "not found" from now on."""
    with reg.db.transaction(ALL) as session:
        revoked = _revoke_active(session, principal.user_id, reg.now())
        audit.append(session, [_revoked(principal, r) for r in revoked])
        return {"revoked": len(revoked)}


def status(reg: Registry, principal: Principal) -> dict[str, Any]:
    """Whether the caller has an active feed token, and when it was made and last used (never
    the token: only its hash is kept)."""
    with reg.db.transaction(ALL) as session:
        row = _active(session, principal.user_id)
        return view(row) if row is not None else {"active": False}


def principal_of(reg: Registry, token: str) -> Principal:
    """Who a feed token reads for: its user, with their role as it is now, allowed to read
    cases (the feed is the only route that accepts this principal)."""
    if not isinstance(token, str) or not token.startswith(PREFIX) or len(token) > 100:
        raise NotFound(REFUSED)
    with reg.db.transaction(ALL) as session:
        row = session.scalar(select(CalendarToken).where(CalendarToken.token_hash == digest(token)))
        if row is None or row.revoked_at is not None:
            raise NotFound(REFUSED)
        user = session.get(User, row.user_id)
        if user is None or user.disabled:
            raise NotFound(REFUSED)
        row.last_used_at = reg.now()
        return Principal(
            user.id,
            user.org_id,
            Role(user.role),
            VIA,
            frozenset({Permission.CASES_READ}),
            token_id=row.id,
        )


def view(row: CalendarToken) -> dict[str, Any]:
    return {
        "active": row.revoked_at is None,
        "id": row.id,
        "created_at": _z(row.created_at),
        "last_used_at": _z(row.last_used_at) if row.last_used_at else None,
    }


def _z(when: dt.datetime) -> str:
    return when.isoformat(timespec="seconds") + "Z"


def _active(session: Session, user_id: str) -> CalendarToken | None:
    return session.scalar(
        select(CalendarToken)
        .where(CalendarToken.user_id == user_id, CalendarToken.revoked_at.is_(None))
        .order_by(CalendarToken.created_at.desc())
        .limit(1)
    )


def _revoke_active(session: Session, user_id: str, now: dt.datetime) -> list[CalendarToken]:
    rows = list(
        session.scalars(
            select(CalendarToken).where(
                CalendarToken.user_id == user_id, CalendarToken.revoked_at.is_(None)
            )
        )
    )
    for row in rows:
        row.revoked_at = now
    return rows


def _revoked(principal: Principal, row: CalendarToken) -> audit.Entry:
    return audit.Entry(principal.actor, principal.org_id, "revoke", "calendar_token", row.id)
