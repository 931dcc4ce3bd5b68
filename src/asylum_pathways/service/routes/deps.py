"""Typed dependencies of the routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from asylum_pathways.service.context import Context
from asylum_pathways.service.schemas import ErrorEnvelope


def context(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


Ctx = Annotated[Context, Depends(context)]


def errors(*codes: int) -> dict[int | str, dict[str, object]]:
    """OpenAPI: these statuses answer the error envelope."""
    return {c: {"model": ErrorEnvelope, "description": "The error envelope"} for c in codes}
