"""Cases, their events, hearings and determinations (caseworkers of the case's organisation)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query

from asylum_pathways.registry import case_determinations, case_events, case_hearings, cases
from asylum_pathways.service.registry_deps import REFUSALS, Caller, Ok, Reg, ok

router = APIRouter(tags=["registry: cases"])


@router.get("/cases", response_model=Ok, responses=REFUSALS, summary="Your organisation's cases")
def list_cases(
    reg: Reg,
    caller: Caller,
    status: Annotated[str | None, Query(pattern="^(open|closed)$")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Ok:
    return ok(cases.listing(reg, caller, status=status, limit=limit, offset=offset))


@router.post(
    "/cases/search",
    response_model=Ok,
    responses=REFUSALS,
    summary="Find cases by A-number (in the body, never the URL)",
)
def search(
    reg: Reg,
    caller: Caller,
    body: dict[str, Any] = Body(..., examples=[{"a_number": "A123456789"}]),
) -> Ok:
    number = body.get("a_number")
    if not isinstance(number, str):
        from asylum_pathways.registry.errors import invalid

        raise invalid(("body", "a_number"), "expected an A-number: A followed by 8 or 9 digits")
    return ok(cases.listing(reg, caller, a_number=number))


@router.post(
    "/cases",
    response_model=Ok,
    responses=REFUSALS,
    status_code=201,
    summary="Open a case: one person or a family",
)
def create(reg: Reg, caller: Caller, body: dict[str, Any] = Body(...)) -> Ok:
    case_id = cases.create(reg, caller, body)
    return ok(cases.read(reg, caller, case_id))


@router.get(
    "/cases/{case_id}",
    response_model=Ok,
    responses=REFUSALS,
    summary="A case: people, facts, determinations, hearings, events, changes",
)
def read(reg: Reg, caller: Caller, case_id: str) -> Ok:
    return ok(cases.read(reg, caller, case_id))


@router.patch(
    "/cases/{case_id}",
    response_model=Ok,
    responses=REFUSALS,
    summary="Close or reopen a case; edit facts across a family",
)
def update(reg: Reg, caller: Caller, case_id: str, body: dict[str, Any] = Body(...)) -> Ok:
    return ok(cases.update(reg, caller, case_id, body))


@router.get(
    "/cases/{case_id}/events", response_model=Ok, responses=REFUSALS, summary="A case's events"
)
def events(reg: Reg, caller: Caller, case_id: str) -> Ok:
    return ok(case_events.listing(reg, caller, case_id))


@router.post(
    "/cases/{case_id}/events",
    response_model=Ok,
    responses=REFUSALS,
    status_code=201,
    summary="Add an event",
)
def add_event(reg: Reg, caller: Caller, case_id: str, body: dict[str, Any] = Body(...)) -> Ok:
    return ok(case_events.add(reg, caller, case_id, body))


@router.get(
    "/cases/{case_id}/hearings",
    response_model=Ok,
    responses=REFUSALS,
    summary="A case's hearings with flags, deadlines and history",
)
def hearings(reg: Reg, caller: Caller, case_id: str) -> Ok:
    return ok(case_hearings.listing(reg, caller, case_id))


@router.post(
    "/cases/{case_id}/hearings",
    response_model=Ok,
    responses=REFUSALS,
    status_code=201,
    summary="Add a hearing",
)
def add_hearing(reg: Reg, caller: Caller, case_id: str, body: dict[str, Any] = Body(...)) -> Ok:
    return ok(case_hearings.add(reg, caller, case_id, body))


@router.patch(
    "/cases/{case_id}/hearings/{hearing_id}",
    response_model=Ok,
    responses=REFUSALS,
    summary="Change or confirm a hearing (history kept)",
)
def change_hearing(
    reg: Reg, caller: Caller, case_id: str, hearing_id: str, body: dict[str, Any] = Body(...)
) -> Ok:
    return ok(case_hearings.update(reg, caller, case_id, hearing_id, body))


@router.get(
    "/cases/{case_id}/determinations",
    response_model=Ok,
    responses=REFUSALS,
    summary="Every determination of a case, with differences",
)
def determinations(reg: Reg, caller: Caller, case_id: str) -> Ok:
    return ok(case_determinations.history(reg, caller, case_id))
