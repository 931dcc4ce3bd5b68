"""Accounts: the first admin from a one-time setup token, users and roles, sign-in with a second
factor, server-side sessions, API tokens, and throttling of failed attempts.

There are no default accounts: `registry bootstrap` prints a setup token (kept as a SHA-256,
valid 24 hours, usable once) from which the first admin of an organisation is made. Secrets
(session and API tokens, 256 bits from `secrets`) are shown once and kept only as SHA-256 hashes.
A session ends after 30 minutes idle or 12 hours in all, at sign-out, when its user is disabled
or demoted, and when an admin revokes it; a user's role is read on every request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from asylum_pathways.registry import audit, passwords, totp
from asylum_pathways.registry.core import Registry
from asylum_pathways.registry.database import ALL, FOR_EDIT, Scope
from asylum_pathways.registry.errors import (
    Conflict,
    Forbidden,
    NotFound,
    Throttled,
    Unauthenticated,
    invalid,
)
from asylum_pathways.registry.models import (
    ApiToken,
    CalendarToken,
    LoginSession,
    Organisation,
    SetupToken,
    User,
    new_id,
)
from asylum_pathways.registry.roles import (
    GRANTS,
    Permission,
    Principal,
    Role,
    parse_role,
    parse_scopes,
)

EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,255}")
TOKEN_PREFIX = "apt_"
GENERIC = "sign-in failed: the e-mail, password or code is wrong"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _email(text: Any) -> str:
    if not isinstance(text, str) or not EMAIL.fullmatch(text.strip()):
        raise invalid(("email",), "expected an e-mail address")
    return text.strip().lower()


# -- the first admin -------------------------------------------------------------------------------
def bootstrap(reg: Registry, org_name: str) -> str:
    """A one-time setup token for the first admin of `org_name` (made if new)."""
    if not isinstance(org_name, str) or not org_name.strip() or len(org_name) > 200:
        raise invalid(("--org",), "expected the organisation's name (1 to 200 characters)")
    token = "setup_" + secrets.token_urlsafe(32)
    with reg.db.transaction(ALL) as session:
        org = session.scalar(select(Organisation).where(Organisation.name == org_name.strip()))
        if org is not None and _active_admins(session, org.id) > 0:
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


def _active_admins(session: Session, org_id: str) -> int:
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
        if was_admin and _active_admins(session, user.org_id) == 0:
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


# -- signing in ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class SignedIn:
    token: str
    csrf: str
    principal: Principal
    expires_at: dt.datetime


def login(reg: Registry, email: Any, password: Any, code: Any) -> SignedIn:
    """Password and TOTP code; failures are counted per account and slow the next attempt.

    An attempt is counted as a failure before its password is checked (`_claim`), in one
    guarded `UPDATE ... SET failed_logins = failed_logins + 1`, and a success sets the count back
    to 0: however many attempts arrive at once, no more than `policy.max_failures` passwords are
    tried in a row (NIST SP 800-63B rev. 4 3.2.2), and the check itself, the slow part, holds no
    lock."""
    if not isinstance(password, str) or not isinstance(email, str):
        raise Unauthenticated(GENERIC)
    now = reg.now()
    claimed = _claim(reg, email.strip().lower(), now)
    if claimed is None:
        passwords.verify(
            _dummy_hash(reg.policy.argon2), password, reg.policy.argon2
        )  # same work as for a real account
        raise Unauthenticated(GENERIC)
    good = passwords.verify(claimed.password_hash, password, reg.policy.argon2)
    return _finish(reg, claimed.user_id, good, password, code, now)


@dataclass(frozen=True)
class _Claimed:
    user_id: str
    password_hash: str


def _claim(reg: Registry, address: str, now: dt.datetime) -> _Claimed | None:
    """Count this attempt as a failure of the account, unless it is throttled (`Throttled`) or
    locked (refused, audited); None for an unknown e-mail. The guard is in the UPDATE's WHERE,
    so concurrent attempts are counted one by one (PostgreSQL re-checks it on the row a
    concurrent attempt just wrote; SQLite's `BEGIN IMMEDIATE` serialises writers)."""
    policy = reg.policy
    with reg.db.transaction(ALL) as session:
        user = session.scalar(select(User).where(User.email == address))
        if user is None:
            return None
        guard = [or_(User.throttled_until.is_(None), User.throttled_until <= now)]
        if not _last_admin(session, user):
            guard.append(User.failed_logins < policy.max_failures)
        count = session.execute(
            update(User)
            .where(User.id == user.id, *guard)
            .values(failed_logins=User.failed_logins + 1)
            .returning(User.failed_logins)
            .execution_options(synchronize_session=False)
        ).scalar_one_or_none()
        if count is not None:
            over = count - policy.free_failures
            if over > 0:
                delay = min(2 ** min(over - 1, 20), policy.max_delay_seconds)
                session.execute(
                    update(User)
                    .where(User.id == user.id)
                    .values(throttled_until=now + dt.timedelta(seconds=delay))
                    .execution_options(synchronize_session=False)
                )
            return _Claimed(user.id, user.password_hash)
        session.refresh(user)
        if user.throttled_until is not None and user.throttled_until > now:
            wait = int((user.throttled_until - now).total_seconds()) + 1
            throttled = Throttled(f"too many failed sign-ins: try again in {wait} s", wait)
        else:
            throttled = None
            audit.append(
                session,
                [audit.Entry(f"user:{user.id}", user.org_id, "login_failed", "user", user.id)],
            )
    raise throttled or Unauthenticated(
        "sign-in refused: this account is locked after too many failures; an admin can reset it"
    )


def _finish(
    reg: Registry, user_id: str, good: bool, password: str, code: Any, now: dt.datetime
) -> SignedIn:
    """After the password check: the TOTP code (each code used once: the row is locked while its
    last step is compared and set), then a session and the count back to 0, or a failure."""
    with reg.db.transaction(ALL) as session:
        user = session.get(User, user_id, with_for_update=FOR_EDIT)
        assert user is not None
        step = None
        if good and not user.disabled and user.totp_secret_enc:
            secret = reg.cipher.decrypt(user.totp_secret_enc, "users", "totp_secret_enc", user.id)
            step = totp.matching_step(
                secret,
                code if isinstance(code, str) else "",
                user.totp_last_step,
                now.replace(tzinfo=dt.UTC).timestamp(),
            )
        if step is None:
            audit.append(
                session,
                [audit.Entry(f"user:{user.id}", user.org_id, "login_failed", "user", user.id)],
            )
            signed = None
        else:
            user.failed_logins, user.throttled_until, user.totp_last_step = 0, None, step
            if passwords.needs_rehash(user.password_hash, reg.policy.argon2):
                user.password_hash = passwords.hash_password(password, reg.policy.argon2)
            signed = _new_session(reg, session, user, now)
    if signed is None:
        raise Unauthenticated(GENERIC)
    return signed


def _new_session(reg: Registry, session: Session, user: User, now: dt.datetime) -> SignedIn:
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    row = LoginSession(
        id=new_id(),
        user_id=user.id,
        token_hash=digest(token),
        csrf_hash=digest(csrf),
        created_at=now,
        last_seen_at=now,
        expires_at=now + reg.policy.session_absolute,
    )
    session.add(row)
    audit.append(session, [audit.Entry(f"user:{user.id}", user.org_id, "login", "session", row.id)])
    principal = Principal(user.id, user.org_id, Role(user.role), "session", None, session_id=row.id)
    return SignedIn(token, csrf, principal, row.expires_at)


@cache
def _dummy_hash(cost: tuple[int, int, int]) -> str:
    """A real argon2id hash, so that an unknown e-mail costs what a known one does."""
    return passwords.hash_password(secrets.token_urlsafe(16), cost)


def _last_admin(session: Session, user: User) -> bool:
    return (
        user.role == Role.ADMIN.value
        and not user.disabled
        and _active_admins(session, user.org_id) <= 1
    )


def session_principal(
    reg: Registry, token: str, *, csrf: str | None = None, write: bool = False
) -> Principal:
    """The principal of a session token; refreshes its idle timer. A state-changing request
    must carry the session's CSRF token (`write`)."""
    now = reg.now()
    with reg.db.transaction(ALL) as session:
        row = session.scalar(select(LoginSession).where(LoginSession.token_hash == digest(token)))
        if row is None or row.revoked_at is not None:
            raise Unauthenticated("not signed in (or the session was ended)")
        expired = now - row.last_seen_at > reg.policy.session_idle or now >= row.expires_at
        if expired:
            row.revoked_at = now
    if expired:
        raise Unauthenticated("the session expired; sign in again")
    with reg.db.transaction(ALL) as session:
        row = session.scalar(select(LoginSession).where(LoginSession.token_hash == digest(token)))
        assert row is not None
        user = session.get(User, row.user_id)
        if user is None or user.disabled:
            raise Unauthenticated("not signed in (or the session was ended)")
        if write and (csrf is None or not secrets.compare_digest(digest(csrf), row.csrf_hash)):
            raise Forbidden(
                "forbidden: a state-changing request needs the session's CSRF token (X-CSRF-Token)"
            )
        row.last_seen_at = now
        return Principal(user.id, user.org_id, Role(user.role), "session", None, session_id=row.id)


def logout(reg: Registry, principal: Principal) -> None:
    with reg.db.transaction(ALL) as session:
        if principal.session_id:
            session.execute(
                update(LoginSession)
                .where(LoginSession.id == principal.session_id)
                .values(revoked_at=reg.now())
            )
        audit.append(
            session,
            [
                audit.Entry(
                    principal.actor, principal.org_id, "logout", "session", principal.session_id
                )
            ],
        )


# -- API tokens ----------------------------------------------------------------------------------
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
        row.last_used_at = now
        role = Role(user.role)
        scopes = frozenset(Permission(s) for s in row.scopes) & GRANTS[role]
        return Principal(user.id, user.org_id, role, "token", scopes, token_id=row.id)


def cli_principal(reg: Registry, email: str) -> Principal:
    """The command line acts as a named user (no password: it holds the database and the keys)."""
    with reg.db.transaction(ALL) as session:
        user = session.scalar(select(User).where(User.email == email.strip().lower()))
        if user is None or user.disabled:
            raise invalid(("--as",), "no active user with this e-mail")
        return Principal(user.id, user.org_id, Role(user.role), "cli")


def org_scope(principal: Principal) -> Scope:
    return Scope.of(principal.org_id)
