"""What the registry's routes share: the `Registry`, the caller (a session cookie or an API
token), the success envelope, and the refusals as the one error envelope.

A session travels in a `__Host-` cookie (Secure, HttpOnly, SameSite=Strict, Path=/); a request
that changes state with it must carry the session's CSRF token in `X-CSRF-Token`. Scripts send an
API token as `Authorization: Bearer apt_...` (no cookie, so no CSRF). Responses are never cached
(`Cache-Control: no-store`, set for every /api/ response by the security middleware)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from asylum_pathways.errors import envelope
from asylum_pathways.registry.core import Registry
from asylum_pathways.registry.errors import RegistryError, Throttled, Unauthenticated
from asylum_pathways.registry.roles import Principal
from asylum_pathways.service.routes.deps import errors

COOKIE = "__Host-ap_session"
CSRF_HEADER = "x-csrf-token"
SAFE = ("GET", "HEAD", "OPTIONS")


class Ok(BaseModel):
    """Every registry answer: `{"ok": true, "data": ...}`."""

    ok: Literal[True] = True
    data: Any = None


def ok(data: Any) -> Ok:
    return Ok(ok=True, data=data)


def registry(request: Request) -> Registry:
    reg: Registry = request.app.state.registry
    return reg


def principal(request: Request) -> Principal:
    from asylum_pathways.registry import accounts

    reg = registry(request)
    auth = request.headers.get("authorization")
    if auth:
        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("Authorization: expected Bearer and an API token")
        return accounts.token_principal(reg, token.strip())
    cookie = request.cookies.get(COOKIE)
    if cookie:
        return accounts.session_principal(
            reg, cookie, csrf=request.headers.get(CSRF_HEADER), write=request.method not in SAFE
        )
    raise Unauthenticated(
        "not signed in: POST /api/v1/auth/login, or send an API token (Authorization: Bearer ...)"
    )


Reg = Annotated[Registry, Depends(registry)]
Caller = Annotated[Principal, Depends(principal)]
REFUSALS = errors(401, 403, 404, 409, 422, 429)


def install(app: FastAPI) -> None:
    @app.exception_handler(RegistryError)
    async def refused(_: Request, exc: RegistryError) -> JSONResponse:
        headers = {}
        if isinstance(exc, Throttled):
            headers["retry-after"] = str(exc.retry_after)
        if isinstance(exc, Unauthenticated):
            headers["www-authenticate"] = 'Bearer realm="asylum-pathways registry"'
        return JSONResponse(envelope(exc), status_code=exc.status, headers=headers)
