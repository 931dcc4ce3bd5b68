"""POST /api/v1/determinations: what `determine --json` answers for the same records.

The body is a request (`{"records": ..., "date": ..., "scenario": ..., "explain": ...}`), or
one encounter record as it is (the bundled example file, say), or a list of records; with the
last two, `date`, `scenario` and `explain` are query parameters.

The commonest request, one record explained (`service.single_request`), is answered before
FastAPI reads its parameters (about 70 µs a request here, a fifth of what the HTTP server
itself spends on one); any other request takes FastAPI's path."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request
from fastapi.responses import Response
from fastapi.routing import APIRoute
from pydantic import Discriminator, Tag

from asylum_pathways.errors import Problem
from asylum_pathways.service import determinations
from asylum_pathways.service.context import Context
from asylum_pathways.service.problems import ApiError
from asylum_pathways.service.routes.deps import errors
from asylum_pathways.service.schemas import (
    Determination,
    DeterminationRequest,
    DeterminationRow,
)
from asylum_pathways.service.single_request import kind, single


class SingleFirst(APIRoute):
    """The route, answering one record to explain (`single_request.single`) before FastAPI
    reads the request: a body of JSON (`application/json`, as FastAPI reads it) and no query.
    Whatever else comes, or fails to read, takes FastAPI's path, which reads the body already
    read and parsed (Starlette's request keeps both: a batch is not parsed twice) and gives the
    answer or error it always gave."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        full = super().get_route_handler()

        async def handler(request: Request) -> Response:
            if (
                not request.scope.get("query_string")
                and request.headers.get("content-type") == "application/json"
            ):
                try:
                    found = single(await request.json())  # kept for FastAPI's path too
                except Exception:  # not JSON, or not read: FastAPI's path says what was wrong
                    found = None
                if found is not None:
                    ctx: Context = request.app.state.ctx
                    return await answer(
                        ctx, found.record, found.date, found.scenario, True, found.date_in
                    )
            return await full(request)

        return handler


router = APIRouter(tags=["determinations"], route_class=SingleFirst)


RequestBody = Annotated[
    Annotated[DeterminationRequest, Tag("request")]
    | Annotated[list[dict[str, Any]], Tag("list")]
    | Annotated[dict[str, Any], Tag("record")],
    Discriminator(kind),
]


@router.post(
    "/determinations",
    response_model=Determination | list[Determination] | list[DeterminationRow],
    responses=errors(413, 422),
    summary="Determine one record or up to 10,000",
)
async def determine(
    body: Annotated[RequestBody, Body()],
    http: Request,
    date: Annotated[
        dt.date | None, Query(description="For a bare record or list: determine as of this day.")
    ] = None,
    scenario: Annotated[
        str | None, Query(description="For a bare record or list: a built-in scenario.")
    ] = None,
    explain: Annotated[
        bool | None, Query(description="For a bare record or list: false gives table rows.")
    ] = None,
) -> Response:
    """Which programs each person is amenable to on the day, which pathway policy assigns,
    and why, with citations: one answer for one record, a list for a list (with
    `explain: false`, one table row per record, as `determine --out` writes)."""
    # The app's context read here, not through a dependency: FastAPI runs a plain function
    # dependency in its thread pool, a hop per request that costs more than the lookup.
    ctx: Context = http.app.state.ctx
    if isinstance(body, DeterminationRequest):
        given = [
            k
            for k, v in (("date", date), ("scenario", scenario), ("explain", explain))
            if v is not None
        ]
        if given:
            msg = "give it in the request body (which has records), not in the query"
            raise ApiError(
                422,
                "invalid_request",
                f"query {given[0]}: {msg}",
                [Problem(("query", k), msg) for k in given],
            )
        request = body
        date_in = "body"
    else:
        date_in = "query"
        request = DeterminationRequest.model_construct(
            records=body, date=date, scenario=scenario, explain=True if explain is None else explain
        )
    return await answer(
        ctx, request.records, request.date, request.scenario, request.explain, date_in
    )


async def answer(
    ctx: Context,
    records: dict[str, Any] | list[dict[str, Any]],
    date: dt.date | None,
    scenario: str | dict[str, Any] | None,
    explain: bool,
    date_in: str,
) -> Response:
    """The answer to a valid request (`date_in`: where the date came from, for its errors):
    one record explained joins the batcher; anything else is worked out in a thread."""
    chosen = ctx.scenario(scenario)
    if isinstance(records, dict) and explain and not isinstance(scenario, dict):
        written = await ctx.batcher.determine(records, chosen, date, date_in)
    else:
        written = await asyncio.to_thread(
            determinations.written,
            records,
            chosen,
            date,
            ctx.settings.max_records,
            explain,
            date_in,
        )
    return Response(written, media_type="application/json")
