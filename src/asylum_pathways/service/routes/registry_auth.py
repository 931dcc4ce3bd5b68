"""Signing in and out, the first admin, users (admins), settings (admins) and API tokens."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Response

from asylum_pathways.registry import accounts, retention
from asylum_pathways.registry.access import require
from asylum_pathways.registry.roles import Permission
from asylum_pathways.service.registry_deps import COOKIE, REFUSALS, Caller, Ok, Reg, ok

router = APIRouter(tags=["registry: accounts"])


@router.post(
    "/auth/login", response_model=Ok, responses=REFUSALS, summary="Sign in (password and TOTP code)"
)
def login(
    reg: Reg,
    response: Response,
    body: dict[str, Any] = Body(
        ..., examples=[{"email": "you@example.org", "password": "...", "totp": "123456"}]
    ),
) -> Ok:
    """Sets the session cookie; answers the CSRF token to send as X-CSRF-Token with every
    state-changing request of this session."""
    signed = accounts.login(reg, body.get("email"), body.get("password"), body.get("totp"))
    seconds = int(reg.policy.session_absolute.total_seconds())
    response.set_cookie(
        COOKIE,
        signed.token,
        max_age=seconds,
        path="/",
        secure=True,
        httponly=True,
        samesite="strict",
    )
    p = signed.principal
    return ok(
        {
            "csrf_token": signed.csrf,
            "expires_at": signed.expires_at.isoformat(timespec="seconds") + "Z",
            "user": {"id": p.user_id, "role": p.role.value, "org_id": p.org_id},
        }
    )


@router.post(
    "/auth/logout", response_model=Ok, responses=REFUSALS, summary="Sign out (ends the session)"
)
def logout(reg: Reg, caller: Caller, response: Response) -> Ok:
    accounts.logout(reg, caller)
    response.delete_cookie(COOKIE, path="/", secure=True, httponly=True, samesite="strict")
    return ok(None)


@router.post(
    "/auth/setup",
    response_model=Ok,
    responses=REFUSALS,
    summary="Make the first admin from a setup token",
)
def setup(
    reg: Reg,
    body: dict[str, Any] = Body(
        ..., examples=[{"token": "setup_...", "email": "admin@example.org", "password": "..."}]
    ),
) -> Ok:
    """Answers the TOTP secret once: enrol it in an authenticator app before signing in."""
    made = accounts.setup(
        reg, str(body.get("token") or ""), body.get("email"), _text(body.get("password"))
    )
    return ok(
        {
            "user_id": made.user_id,
            "email": made.email,
            "role": made.role.value,
            "totp_secret": made.totp_secret,
            "totp_uri": made.totp_uri,
        }
    )


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


@router.get(
    "/users", response_model=Ok, responses=REFUSALS, summary="Users of your organisation (admins)"
)
def users(reg: Reg, caller: Caller) -> Ok:
    return ok(accounts.users(reg, caller))


@router.post(
    "/users", response_model=Ok, responses=REFUSALS, status_code=201, summary="Add a user (admins)"
)
def add_user(reg: Reg, caller: Caller, body: dict[str, Any] = Body(...)) -> Ok:
    made = accounts.add_user(
        reg, caller, body.get("email"), str(body.get("role")), _text(body.get("password"))
    )
    return ok(
        {
            "user_id": made.user_id,
            "email": made.email,
            "role": made.role.value,
            "totp_secret": made.totp_secret,
            "totp_uri": made.totp_uri,
        }
    )


@router.patch(
    "/users/{user_id}",
    response_model=Ok,
    responses=REFUSALS,
    summary="Change a user's role, disable them, end their sessions (admins)",
)
def change_user(reg: Reg, caller: Caller, user_id: str, body: dict[str, Any] = Body(...)) -> Ok:
    return ok(accounts.change_user(reg, caller, user_id, body))


@router.patch(
    "/settings",
    response_model=Ok,
    responses=REFUSALS,
    summary="Your organisation's settings (admins)",
)
def settings(
    reg: Reg, caller: Caller, body: dict[str, Any] = Body(..., examples=[{"retention_years": 7}])
) -> Ok:
    require(caller, Permission.SETTINGS_MANAGE)
    if set(body) != {"retention_years"}:
        from asylum_pathways.registry.errors import invalid

        raise invalid(("body",), "expected retention_years")
    retention.set_retention(reg, caller.org_id, body["retention_years"])
    return ok({"retention_years": body["retention_years"]})


@router.get("/tokens", response_model=Ok, responses=REFUSALS, summary="Your API tokens")
def tokens(reg: Reg, caller: Caller) -> Ok:
    return ok(accounts.tokens(reg, caller))


@router.post(
    "/tokens",
    response_model=Ok,
    responses=REFUSALS,
    status_code=201,
    summary="Create an API token (shown once)",
)
def create_token(
    reg: Reg,
    caller: Caller,
    body: dict[str, Any] = Body(
        ..., examples=[{"name": "nightly import", "scopes": ["cases:read"], "expires_in_days": 30}]
    ),
) -> Ok:
    token, view = accounts.create_token(
        reg, caller, body.get("name"), body.get("scopes") or [], body.get("expires_in_days", 90)
    )
    return ok({"token": token, **view})


@router.delete(
    "/tokens/{token_id}",
    response_model=Ok,
    responses=REFUSALS,
    summary="Revoke one of your API tokens",
)
def revoke_token(reg: Reg, caller: Caller, token_id: str) -> Ok:
    accounts.revoke_token(reg, caller, token_id)
    return ok(None)
