"""GET /api/v1/scenarios[/{name}], POST /api/v1/scenarios/validate."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from asylum_pathways.errors import Problem
from asylum_pathways.scenarios import Scenario
from asylum_pathways.service.problems import ApiError
from asylum_pathways.service.routes.deps import Ctx, errors
from asylum_pathways.service.schemas import (
    OverlayRequest,
    ScenarioOut,
    ScenarioSummary,
    Validated,
)

router = APIRouter(tags=["scenarios"])


def summary(s: Scenario) -> dict[str, Any]:
    return {"name": s.name, "description": s.description, "changed_parameters": list(s.changed)}


@router.get("/scenarios", response_model=list[ScenarioSummary])
def list_scenarios(ctx: Ctx) -> list[dict[str, Any]]:
    return [summary(s) for s in ctx.builtins.values()]


@router.get("/scenarios/{name}", response_model=ScenarioOut, responses=errors(404))
def show_scenario(ctx: Ctx, name: str) -> dict[str, Any]:
    s = ctx.builtins.get(name)
    if s is None:
        raise ApiError(
            404,
            "not_found",
            f"no built-in scenario {name!r} (expected one of {', '.join(ctx.builtins)})",
            [Problem(("path", "name"), "no such scenario", name)],
        )
    from pathlib import Path

    return {**summary(s), "sha256": s.sha256, "source": Path(s.source).read_text("utf-8")}


@router.post("/scenarios/validate", response_model=Validated, responses=errors(422))
def validate(body: OverlayRequest, ctx: Ctx) -> dict[str, Any]:
    """Check an overlay against the parameter tree; every problem is listed."""
    s = ctx.overlay(body.overlay, where="overlay")
    return {"ok": True, "name": s.name, "changed_parameters": list(s.changed)}
