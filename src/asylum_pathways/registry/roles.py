"""Roles and what each may do; a request is refused unless its role (and, for an API token, its
scopes) allow the permission it needs.

- admin: their organisation's users and settings (no case);
- caseworker: their organisation's cases (read, write, export);
- analyst: de-identified aggregates across organisations, small cells suppressed (no case);
- auditor: the audit log of their organisation (no case).
Every role requires a second factor (TOTP): all are staff with access to confidential data.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    CASEWORKER = "caseworker"
    ANALYST = "analyst"
    AUDITOR = "auditor"


class Permission(StrEnum):
    CASES_READ = "cases:read"
    CASES_WRITE = "cases:write"
    CASES_EXPORT = "cases:export"
    USERS_MANAGE = "users:manage"
    SETTINGS_MANAGE = "settings:manage"
    AGGREGATES_READ = "aggregates:read"
    AUDIT_READ = "audit:read"


GRANTS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset({Permission.USERS_MANAGE, Permission.SETTINGS_MANAGE}),
    Role.CASEWORKER: frozenset(
        {Permission.CASES_READ, Permission.CASES_WRITE, Permission.CASES_EXPORT}
    ),
    Role.ANALYST: frozenset({Permission.AGGREGATES_READ}),
    Role.AUDITOR: frozenset({Permission.AUDIT_READ}),
}
#: Roles that must enrol a second factor before they can sign in (all of them are staff).
SECOND_FACTOR_REQUIRED = frozenset(Role)


@dataclass(frozen=True)
class Principal:
    """Who is asking: a user through a session or an API token (with its scopes)."""

    user_id: str
    org_id: str
    role: Role
    via: str  # "session", "token" or "cli"
    scopes: frozenset[Permission] | None = None  # None: everything the role allows
    session_id: str | None = None
    token_id: str | None = None

    @property
    def actor(self) -> str:
        return f"user:{self.user_id}"

    def may(self, permission: Permission) -> bool:
        if permission not in GRANTS[self.role]:
            return False
        return self.scopes is None or permission in self.scopes


def parse_role(text: str) -> Role:
    from asylum_pathways.errors import Problem, UsageError

    try:
        return Role(text)
    except ValueError:
        msg = f"expected one of {', '.join(r.value for r in Role)}"
        raise UsageError(f"role {text!r}: {msg}", [Problem(("role",), msg, text)]) from None


def parse_scopes(values: list[str], role: Role) -> frozenset[Permission]:
    """Scopes of an API token: a subset of what the role may do."""
    from asylum_pathways.errors import Problem, UsageError

    out = set()
    for v in values:
        try:
            p = Permission(v)
        except ValueError:
            msg = f"expected one of {', '.join(sorted(x.value for x in GRANTS[role]))}"
            raise UsageError(f"scope {v!r}: {msg}", [Problem(("scopes",), msg, v)]) from None
        if p not in GRANTS[role]:
            msg = f"a {role.value} may not grant {p.value}"
            raise UsageError(f"scope {v!r}: {msg}", [Problem(("scopes",), msg, v)])
        out.add(p)
    return frozenset(out)
