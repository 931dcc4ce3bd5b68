"""How a registry page knows who is asking: the API's session cookie (`__Host-ap_session`),
checked by `accounts.session_principal` exactly as the API checks it, and the session's CSRF
token for forms.

CSRF is a synchronizer token tied to the session: sign-in makes it (`accounts.login`) and keeps
only its hash on the session's row; the page gets it in its own `__Host-` cookie (HttpOnly,
SameSite=Strict, so no other site can read or send it) to write into each form, and every
state-changing form posts it back as `csrf_token`, which `session_principal(write=True)` compares
with the hash on the session. A request without it, or with another session's, is refused.
The sign-in form itself (no session yet) carries a one-time token bound to a cookie.
"""

from __future__ import annotations

import datetime as dt
import secrets

from fastapi import Request, Response

from asylum_pathways.registry import accounts
from asylum_pathways.registry.accounts import SignedIn
from asylum_pathways.registry.core import Registry
from asylum_pathways.registry.errors import Forbidden, Unauthenticated
from asylum_pathways.registry.roles import Principal
from asylum_pathways.service.messages import LANGUAGES
from asylum_pathways.service.registry_deps import COOKIE

CSRF_COOKIE = "__Host-ap_csrf"
LANG_COOKIE = "__Host-ap_lang"
LOGIN_COOKIE = "__Host-ap_login"
FIELD = "csrf_token"
COOKIE_OPTIONS = {"path": "/", "secure": True, "httponly": True, "samesite": "strict"}


def registry(request: Request) -> Registry:
    reg: Registry = request.app.state.registry
    return reg


def viewer(request: Request) -> Principal:
    """The signed-in user of a page that only reads."""
    token = request.cookies.get(COOKIE)
    if not token:
        raise Unauthenticated("not signed in")
    return accounts.session_principal(registry(request), token)


def writer(request: Request, form: dict[str, str]) -> Principal:
    """The signed-in user of a state-changing form, which must carry the session's CSRF token."""
    token = request.cookies.get(COOKIE)
    if not token:
        raise Unauthenticated("not signed in")
    return accounts.session_principal(
        registry(request), token, csrf=form.get(FIELD) or "", write=True
    )


def csrf(request: Request) -> str:
    return request.cookies.get(CSRF_COOKIE, "")


def start(response: Response, signed: SignedIn, life: dt.timedelta) -> None:
    seconds = int(life.total_seconds())
    response.set_cookie(COOKIE, signed.token, max_age=seconds, **COOKIE_OPTIONS)  # type: ignore[arg-type]
    response.set_cookie(CSRF_COOKIE, signed.csrf, max_age=seconds, **COOKIE_OPTIONS)  # type: ignore[arg-type]
    response.delete_cookie(LOGIN_COOKIE, **COOKIE_OPTIONS)  # type: ignore[arg-type]


def end(response: Response) -> None:
    for name in (COOKIE, CSRF_COOKIE):
        response.delete_cookie(name, **COOKIE_OPTIONS)  # type: ignore[arg-type]


def login_token(request: Request) -> tuple[str, bool]:
    """The sign-in form's token: the cookie's, or a new one (True: set the cookie)."""
    found = request.cookies.get(LOGIN_COOKIE)
    if found and 20 <= len(found) <= 100:
        return found, False
    return secrets.token_urlsafe(32), True


def keep_login_token(response: Response, token: str) -> None:
    response.set_cookie(LOGIN_COOKIE, token, max_age=3600, **COOKIE_OPTIONS)  # type: ignore[arg-type]


def check_login_token(request: Request, form: dict[str, str]) -> None:
    cookie, given = request.cookies.get(LOGIN_COOKIE, ""), form.get(FIELD, "")
    if not cookie or not given or not secrets.compare_digest(cookie, given):
        raise Forbidden("forbidden: the sign-in form's token is missing or wrong; reload the page")


def chosen_language(request: Request) -> str | None:
    value = request.cookies.get(LANG_COOKIE)
    return value if value in LANGUAGES else None


def keep_language(response: Response, lang: str) -> None:
    response.set_cookie(LANG_COOKIE, lang, **COOKIE_OPTIONS)  # type: ignore[arg-type]
