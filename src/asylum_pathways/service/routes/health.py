"""GET /api/v1/health."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from asylum_pathways import __version__
from asylum_pathways.service.routes.deps import Ctx
from asylum_pathways.service.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health)
def health(ctx: Ctx) -> dict[str, Any]:
    studies = ctx.runner.store.counts() if ctx.runner else {}
    return {
        "ok": True,
        "version": __version__,
        "parameters": len(list(ctx.tree)),
        "studies": studies,
    }
