"""Users and roles: no default accounts (`registry bootstrap` prints a setup token, kept as a
SHA-256, valid 24 hours, usable once, from which an organisation's first admin is made), users
added by an admin with a TOTP secret shown once, their role changed, disabled, their failures
reset and their sessions ended; the organisation's last active admin can be neither demoted nor
disabled. Signing in is `signin`, tokens for scripts `api_tokens`."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from asylum_pathways.registry import audit, passwords, totp
from asylum_pathways.registry.core import Registry
from asylum_pathways.registry.database import ALL, Scope
from asylum_pathways.registry.errors import Conflict, Forbidden, NotFound, Unauthenticated, invalid
from asylum_pathways.registry.models import (
    ApiToken,
    CalendarToken,
    LoginSession,
    Organisation,
    SetupToken,
    User,
    new_id,
)
from asylum_pathways.registry.roles import Permission, Principal, Role, parse_role

EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,255}")


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _email(text: Any) -> str:
    if not isinstance(text, str) or not EMAIL.fullmatch(text.strip()):
        raise invalid(("email",), "expected an e-mail address")
    return text.strip().lower()


def bootstrap(reg: Registry, org_name: str) -> str:
    """A one-time setup token for the first admin of `org_name` (made if new)."""
    if not isinstance(org_name, str) or not org_name.strip() or len(org_name) > 200:
        raise invalid(("--org",), "expected the organisation's name (1 to 200 characters)")
    token = "setup_" + secrets.token_urlsafe(32)
    with reg.db.transaction(ALL) as session:
        org = session.scalar(select(Organisation).where(Organisation.name == org_name.strip()))
        if org is not None and active_admins(session, org.id) > 0:
            raise Conflict(f"--org: {org_name.strip()!r} has an admin already; an admin adds users")
        session.add(
            SetupToken(
                token_hash=digest(token),
                org_name=org_name.strip(),
                expires_at=reg.now() + reg.policy.setup_token_life,
            )
        )
        audit.append(
            session,
            [
                audit.Entry(
                    "cli",
                    org.id if org else None,
                    "bootstrap",
                    "organisation",
                    org.id if org else None,
                )
            ],
        )
    return token


@dataclass(frozen=True)
class NewUser:
    user_id: str
    org_id: str
    email: str
    role: Role
    totp_secret: str
    totp_uri: str


def setup(reg: Registry, token: str, email: Any, password: str) -> NewUser:
    """Use a setup token: the organisation's first admin, with a new TOTP secret (shown once)."""
    with reg.db.transaction(ALL) as session:
        row = session.scalar(select(SetupToken).where(SetupToken.token_hash == digest(token or "")))
        if row is None or row.used_at is not None or row.expires_at <= reg.now():
            raise Unauthenticated(
                "setup token: unknown, used or expired (run `registry bootstrap` again)"
            )
        row.used_at = reg.now()
        org = session.scalar(select(Organisation).where(Organisation.name == row.org_name))
        if org is None:
            org = Organisation(id=new_id(), name=row.org_name)
            session.add(org)
            session.flush()
        return _add_user(reg, session, org, email, Role.ADMIN, password, actor="setup-token")


def _add_user(
    reg: Registry,
    session: Session,
    org: Organisation,
    email: str,
    role: Role,
    password: str,
    actor: str,
) -> NewUser:
    address = _email(email)
    passwords.check(password, second_factor=True, context=(address.split("@")[0], org.name))
    if session.scalar(select(User).where(User.email == address)) is not None:
        raise Conflict("email: a user with this e-mail exists")
    secret = totp.new_secret()
    user = User(
        id=new_id(),
        org_id=org.id,
        email=address,
        role=role.value,
        password_hash=passwords.hash_password(password, reg.policy.argon2),
    )
    user.totp_secret_enc = reg.cipher.encrypt(secret, "users", "totp_secret_enc", user.id)
    session.add(user)
    session.flush()
    audit.append(
        session,
        [
            audit.Entry(
                actor, org.id, "create", "user", user.id, ("email", "role", "password", "totp")
            )
        ],
    )
    return NewUser(user.id, org.id, address, role, secret, totp.provisioning_uri(secret, address))


def add_user(reg: Registry, admin: Principal, email: Any, role: str, password: str) -> NewUser:
    if not admin.may(Permission.USERS_MANAGE):
        raise Forbidden(f"forbidden: a {admin.role.value} may not manage users")
    chosen = parse_role(role)
    with reg.db.transaction(ALL) as session:
        org = session.get(Organisation, admin.org_id)
        assert org is not None
        return _add_user(reg, session, org, email, chosen, password, actor=admin.actor)


def active_admins(session: Session, org_id: str) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.org_id == org_id, User.role == Role.ADMIN.value, User.disabled.is_(False))
        )
        or 0
    )


def _own_user(session: Session, admin: Principal, user_id: str) -> User:
    if not admin.may(Permission.USERS_MANAGE):
        raise Forbidden(f"forbidden: a {admin.role.value} may not manage users")
    user = session.get(User, user_id) if isinstance(user_id, str) else None
    if user is None or user.org_id != admin.org_id:
        raise NotFound("no user with that id in your organisation")
    return user


def change_user(reg: Registry, admin: Principal, user_id: str, body: Any) -> dict[str, Any]:
    """An admin sets a user's role, disables or enables them, resets their failed attempts, or
    revokes their sessions; the last active admin can be neither demoted nor disabled."""
    if (
        not isinstance(body, dict)
        or not body
        or set(body) - {"role", "disabled", "revoke_sessions", "reset_failures"}
    ):
        raise invalid(("body",), "expected role, disabled, revoke_sessions and/or reset_failures")
    with reg.db.transaction(ALL) as session:
        user = _own_user(session, admin, user_id)
        changed = []
        was_admin = user.role == Role.ADMIN.value and not user.disabled
        if "role" in body:
            role = parse_role(body["role"])
            if role.value != user.role:
                user.role = role.value
                changed.append("role")
        if "disabled" in body:
            if not isinstance(body["disabled"], bool):
                raise invalid(("body", "disabled"), "expected true or false")
            if body["disabled"] != user.disabled:
                user.disabled = body["disabled"]
                changed.append("disabled")
        if "reset_failures" in body and body["reset_failures"] is True:
            user.failed_logins, user.throttled_until = 0, None
            changed.append("failed_logins")
        session.flush()
        if was_admin and active_admins(session, user.org_id) == 0:
            raise Conflict(
                "the organisation's last active admin can be neither demoted nor disabled"
            )
        if changed or body.get("revoke_sessions") is True:
            _revoke_all(session, user.id, reg.now(), tokens="disabled" in changed)
            changed.append("sessions")
        user.updated_at = reg.now()
        audit.append(
            session,
            [audit.Entry(admin.actor, admin.org_id, "update", "user", user.id, tuple(changed))],
        )
        return user_view(user)


def user_view(u: User) -> dict[str, Any]:
    return {
        "id": u.id,
        "email": u.email,
        "role": u.role,
        "disabled": u.disabled,
        "failed_logins": u.failed_logins,
        "created_at": u.created_at.isoformat(timespec="seconds") + "Z",
    }


def users(reg: Registry, admin: Principal) -> list[dict[str, Any]]:
    if not admin.may(Permission.USERS_MANAGE):
        raise Forbidden(f"forbidden: a {admin.role.value} may not manage users")
    with reg.db.transaction(ALL) as session:
        return [
            user_view(u)
            for u in session.scalars(
                select(User).where(User.org_id == admin.org_id).order_by(User.created_at)
            )
        ]


def _revoke_all(session: Session, user_id: str, now: dt.datetime, *, tokens: bool) -> None:
    session.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user_id, LoginSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    if tokens:
        session.execute(
            update(ApiToken)
            .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        session.execute(
            update(CalendarToken)
            .where(CalendarToken.user_id == user_id, CalendarToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )


def cli_principal(reg: Registry, email: str) -> Principal:
    """The command line acts as a named user (no password: it holds the database and the keys)."""
    with reg.db.transaction(ALL) as session:
        user = session.scalar(select(User).where(User.email == email.strip().lower()))
        if user is None or user.disabled:
            raise invalid(("--as",), "no active user with this e-mail")
        return Principal(user.id, user.org_id, Role(user.role), "cli")


def org_scope(principal: Principal) -> Scope:
    return Scope.of(principal.org_id)
