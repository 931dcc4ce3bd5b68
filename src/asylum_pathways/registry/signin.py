"""Signing in: a password and a TOTP code, failures counted per account and throttled, and
server-side sessions (a 256-bit token in a cookie, only its SHA-256 kept) that end after 30
minutes idle or 12 hours in all, at sign-out, when the user is disabled or demoted, and when an
admin ends them; the user's role is read on every request."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from asylum_pathways.registry import audit, passwords, totp
from asylum_pathways.registry.core import Registry
from asylum_pathways.registry.database import ALL, FOR_EDIT
from asylum_pathways.registry.errors import Forbidden, Throttled, Unauthenticated
from asylum_pathways.registry.models import LoginSession, User, new_id
from asylum_pathways.registry.roles import Principal, Role
from asylum_pathways.registry.users import active_admins, digest

GENERIC = "sign-in failed: the e-mail, password or code is wrong"


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
        and active_admins(session, user.org_id) <= 1
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
        if now - row.last_seen_at >= reg.policy.touch_every:
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
