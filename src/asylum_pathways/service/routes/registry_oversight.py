"""Changes found by re-determination, the audit log (auditors) and aggregates (analysts)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from asylum_pathways.registry import aggregates, audit_view, changes
from asylum_pathways.service.registry_deps import REFUSALS, Caller, Ok, Reg, ok

router = APIRouter(tags=["registry: oversight"])


@router.get(
    "/changes",
    response_model=Ok,
    responses=REFUSALS,
    summary="What changed (and will change) when the law did",
)
def list_changes(reg: Reg, caller: Caller) -> Ok:
    return ok(changes.listing(reg, caller))


@router.get(
    "/audit",
    response_model=Ok,
    responses=REFUSALS,
    summary="Your organisation's audit rows and whether the chain verifies (auditors)",
)
def audit(
    reg: Reg,
    caller: Caller,
    after: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> Ok:
    return ok(audit_view.rows(reg, caller, after, limit))


@router.get(
    "/aggregates",
    response_model=Ok,
    responses=REFUSALS,
    summary="De-identified counts across organisations (analysts)",
)
def counts(
    reg: Reg,
    caller: Caller,
    by: Annotated[
        str, Query(pattern="^(citizenship|sector|demographic|receiving_country)$")
    ] = "citizenship",
) -> Ok:
    return ok(aggregates.counts(reg, caller, by))
