"""GET /api/v1/parameters[/{name}]: the law and assumptions trees, each value cited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Query

from asylum_pathways.errors import Problem
from asylum_pathways.params.model import Parameter
from asylum_pathways.params.search import matches
from asylum_pathways.params.tree import _jsonable, dated_history
from asylum_pathways.service.problems import ApiError
from asylum_pathways.service.routes.deps import Ctx, errors
from asylum_pathways.service.schemas import ParameterOut, ParameterSummary

router = APIRouter(tags=["parameters"])


@router.get("/parameters", response_model=list[ParameterSummary], responses=errors(422))
def list_parameters(
    ctx: Ctx,
    q: str | None = Query(
        None,
        max_length=200,
        description="Only parameters whose name, label or description contains every word.",
    ),
    section: str | None = Query(None, pattern="^(law|assumptions)$"),
) -> list[dict[str, Any]]:
    return [summary(p) for p in ctx.tree if matches(p, q) and section in (None, p.section)]


@router.get("/parameters/{name}", response_model=ParameterOut, responses=errors(404, 422))
def show_parameter(ctx: Ctx, name: str, date: dt.date | None = None) -> dict[str, Any]:
    """The parameter's dated history with references, and the value in force on `date`."""
    if name not in ctx.tree:
        raise ApiError(
            404,
            "not_found",
            f"no parameter {name!r} (GET /api/v1/parameters lists the names)",
            [Problem(("path", "name"), "no such parameter", name)],
        )
    return detail(ctx.tree.get(name), date)


def summary(p: Parameter) -> dict[str, Any]:
    return {
        "name": p.name,
        "section": p.section,
        "label": p.label,
        "unit": p.unit,
        "description": p.description,
        "values": len(p.values),
    }


def detail(p: Parameter, day: dt.date | None) -> dict[str, Any]:
    current = p.entry_at(day) if day else None
    return {
        "name": p.name,
        "section": p.section,
        "label": p.label,
        "unit": p.unit,
        "description": p.description,
        "note": p.note,
        "date": day.isoformat() if day else None,
        "value_on_date": _jsonable(current.value) if current else None,
        "references": [r.as_dict() for r in p.references],
        "history": dated_history(p, current),
    }
