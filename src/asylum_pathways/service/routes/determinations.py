"""POST /api/v1/determinations: what `determine --json` answers for the same records."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from asylum_pathways.service import determinations
from asylum_pathways.service.routes.deps import Ctx, errors
from asylum_pathways.service.schemas import (
    Determination,
    DeterminationRequest,
    DeterminationRow,
)

router = APIRouter(tags=["determinations"])


@router.post(
    "/determinations",
    response_model=Determination | list[Determination] | list[DeterminationRow],
    responses=errors(413, 422),
    summary="Determine one record or up to 10,000",
)
async def determine(body: DeterminationRequest, ctx: Ctx) -> Response:
    """Which programs each person is amenable to on the day, which pathway policy assigns,
    and why, with citations: one answer for one record, a list for a list (with
    `explain: false`, one table row per record, as `determine --out` writes)."""
    scenario = ctx.scenario(body.scenario)
    if isinstance(body.records, dict) and body.explain and not isinstance(body.scenario, dict):
        answer: Any = await ctx.batcher.determine(body.records, scenario, body.date)
    else:
        answer = await asyncio.to_thread(
            determinations.answers,
            body.records,
            scenario,
            body.date,
            ctx.settings.max_records,
            body.explain,
        )
    return Response(
        await asyncio.to_thread(determinations.dumps, answer), media_type="application/json"
    )
