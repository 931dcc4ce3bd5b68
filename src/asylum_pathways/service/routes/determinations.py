"""POST /api/v1/determinations: what `determine --json` answers for the same records."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from asylum_pathways.service import determinations
from asylum_pathways.service.routes.deps import Ctx, errors
from asylum_pathways.service.schemas import Determination, DeterminationRequest

router = APIRouter(tags=["determinations"])


@router.post(
    "/determinations",
    response_model=Determination | list[Determination],
    responses=errors(413, 422),
    summary="Determine one record or up to 10,000",
)
def determine(body: DeterminationRequest, ctx: Ctx) -> Response:
    """Which programs each person is amenable to on the day, which pathway policy assigns,
    and why, with citations: one answer for one record, a list for a list."""
    scenario = ctx.scenario(body.scenario)
    answer = determinations.answers(body.records, scenario, body.date, ctx.settings.max_records)
    return Response(determinations.dumps(answer), media_type="application/json")
