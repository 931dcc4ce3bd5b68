"""The calendar feed of hearings (iCalendar, RFC 5545) and its secret address.

`calendar.ics` answers the feed to a signed-in caller (session cookie or API token, as every
registry route). A calendar application can send neither, so `calendar/token` issues a secret
address, `calendar/{token}.ics`, to subscribe to: shown once, kept hashed, one per user,
revocable, re-issued by another POST; the access log writes `[redacted]` in its place. Both
answer an ETag and `304 Not Modified` to an If-None-Match that names it (`conditional`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from asylum_pathways.registry import calendar_feed, calendar_tokens
from asylum_pathways.service import conditional
from asylum_pathways.service.registry_deps import REFUSALS, Caller, Ok, Reg, ok

router = APIRouter(tags=["registry: calendar"])
MEDIA_TYPE = "text/calendar; charset=utf-8"
FEED: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "An iCalendar (RFC 5545) object: one VEVENT per hearing and per deadline",
        "content": {"text/calendar": {"schema": {"type": "string"}}},
    },
    304: {"description": "Not modified: the feed is the one whose ETag If-None-Match names"},
}
FEED_ROUTE = "calendar_feed_by_token"


def _calendar(body: bytes, request: Request) -> Response:
    tag = conditional.etag(body)
    if conditional.none_match(request.headers.get("if-none-match"), tag):
        return Response(status_code=304, headers={"etag": tag})
    return Response(
        body,
        media_type=MEDIA_TYPE,
        headers={"content-disposition": 'inline; filename="hearings.ics"', "etag": tag},
    )


def feed_path(token: str, prefix: str) -> str:
    """The address to subscribe to, below the server's origin (`prefix`: the API's)."""
    return f"{prefix}/calendar/{token}.ics"


@router.get(
    "/calendar.ics",
    response_class=Response,
    responses={**FEED, **REFUSALS},
    summary="Your organisation's hearings as an iCalendar feed (signed in)",
)
def calendar(reg: Reg, caller: Caller, request: Request) -> Response:
    return _calendar(calendar_feed.feed(reg, caller), request)


@router.get(
    "/calendar/token",
    response_model=Ok,
    responses=REFUSALS,
    summary="Whether you have a calendar feed address (never the secret itself)",
)
def token_status(reg: Reg, caller: Caller) -> Ok:
    return ok(calendar_tokens.status(reg, caller))


@router.post(
    "/calendar/token",
    response_model=Ok,
    responses=REFUSALS,
    status_code=201,
    summary="Issue your calendar feed address (shown once; the one before is revoked)",
)
def issue_token(reg: Reg, caller: Caller, request: Request) -> Ok:
    token, view = calendar_tokens.issue(reg, caller)
    url = str(request.url_for(FEED_ROUTE, feed_token=token))
    return ok({"token": token, "url": url, **view})


@router.delete(
    "/calendar/token",
    response_model=Ok,
    responses=REFUSALS,
    summary="Revoke your calendar feed address",
)
def revoke_token(reg: Reg, caller: Caller) -> Ok:
    return ok(calendar_tokens.revoke(reg, caller))


@router.get(
    "/calendar/{feed_token}.ics",
    name=FEED_ROUTE,
    response_class=Response,
    responses={**FEED, **REFUSALS},
    summary="The iCalendar feed at its secret address (for calendar applications)",
)
def calendar_by_token(reg: Reg, feed_token: str, request: Request) -> Response:
    """No cookie and no header: the token in the address is the credential. An unknown or
    revoked token answers 404."""
    principal = calendar_tokens.principal_of(reg, feed_token)
    return _calendar(calendar_feed.feed(reg, principal), request)
