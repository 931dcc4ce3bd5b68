"""API tokens for scripts: scoped within the user's role, shown once, kept as a SHA-256, expiring
and revocable (`registry token create`, `/api/v1/tokens`)."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from sqlalchemy import select

from asylum_pathways.registry import audit
from asylum_pathways.registry.core import Registry
from asylum_pathways.registry.database import ALL
from asylum_pathways.registry.errors import Forbidden, NotFound, Unauthenticated, invalid
from asylum_pathways.registry.models import ApiToken, User, new_id
from asylum_pathways.registry.roles import GRANTS, Permission, Principal, Role, parse_scopes
from asylum_pathways.registry.users import digest

TOKEN_PREFIX = "apt_"


def create_token(
    reg: Registry, principal: Principal, name: Any, scopes: Any, days: Any = 90
) -> tuple[str, dict[str, Any]]:
    """A token for scripts, scoped to what the user's role allows; returned once."""
    if not isinstance(name, str) or not name.strip() or len(name) > 100:
        raise invalid(("name",), "expected a name for the token (1 to 100 characters)")
    role = principal.role
    chosen = (
        parse_scopes(list(scopes), role) if isinstance(scopes, list) and scopes else GRANTS[role]
    )
    if principal.scopes is not None and not chosen <= principal.scopes:
        raise Forbidden("forbidden: a token cannot grant more than the token that made it")
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 366:
        raise invalid(
            ("expires_in_days",), "expected 1 to 366 days", days if isinstance(days, int) else None
        )
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with reg.db.transaction(ALL) as session:
        row = ApiToken(
            id=new_id(),
            user_id=principal.user_id,
            name=name.strip(),
            token_hash=digest(token),
            scopes=sorted(p.value for p in chosen),
            created_at=reg.now(),
            expires_at=reg.now() + dt.timedelta(days=days),
        )
        session.add(row)
        audit.append(
            session,
            [
                audit.Entry(
                    principal.actor, principal.org_id, "create", "token", row.id, ("name", "scopes")
                )
            ],
        )
        return token, token_view(row)


def token_view(t: ApiToken) -> dict[str, Any]:
    return {
        "id": t.id,
        "name": t.name,
        "scopes": t.scopes,
        "created_at": t.created_at.isoformat(timespec="seconds") + "Z",
        "expires_at": t.expires_at.isoformat(timespec="seconds") + "Z" if t.expires_at else None,
        "revoked": t.revoked_at is not None,
    }


def tokens(reg: Registry, principal: Principal) -> list[dict[str, Any]]:
    with reg.db.transaction(ALL) as session:
        return [
            token_view(t)
            for t in session.scalars(
                select(ApiToken)
                .where(ApiToken.user_id == principal.user_id)
                .order_by(ApiToken.created_at)
            )
        ]


def revoke_token(reg: Registry, principal: Principal, token_id: str) -> None:
    with reg.db.transaction(ALL) as session:
        row = session.get(ApiToken, token_id) if isinstance(token_id, str) else None
        if row is None or row.user_id != principal.user_id:
            raise NotFound("no token with that id of yours")
        row.revoked_at = row.revoked_at or reg.now()
        audit.append(
            session, [audit.Entry(principal.actor, principal.org_id, "revoke", "token", row.id)]
        )


def token_principal(reg: Registry, token: str) -> Principal:
    now = reg.now()
    with reg.db.transaction(ALL) as session:
        row = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(token)))
        if row is None or row.revoked_at is not None or (row.expires_at and row.expires_at <= now):
            raise Unauthenticated("the API token is unknown, revoked or expired")
        user = session.get(User, row.user_id)
        if user is None or user.disabled:
            raise Unauthenticated("the API token is unknown, revoked or expired")
        if row.last_used_at is None or now - row.last_used_at >= reg.policy.touch_every:
            row.last_used_at = now
        role = Role(user.role)
        scopes = frozenset(Permission(s) for s in row.scopes) & GRANTS[role]
        return Principal(user.id, user.org_id, role, "token", scopes, token_id=row.id)
