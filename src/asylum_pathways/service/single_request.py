"""The commonest body of POST /api/v1/determinations, recognised without FastAPI: one
encounter record, explained, under a built-in scenario (by name or the default), as a request
(`{"records": {...}}`, with `date` and `scenario` if given) or as the record itself.

`single` takes only a body that FastAPI's validation (`schemas.DeterminationRequest`, or a bare
record) would pass with the same values, so its answer and every error it leads to are the
ones FastAPI's path gives; for any other body it answers None and FastAPI reads the request.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from asylum_pathways.service.schemas import DeterminationRequest

#: The fields of a request.
FIELDS = frozenset(DeterminationRequest.model_fields)
#: A day as pydantic reads it from a string and `dt.date.fromisoformat` reads it alike.
DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class Single:
    """One record to determine and explain; `date_in` names where its date came from (the
    body, or for a bare record the query)."""

    record: dict[str, Any]
    date: dt.date | None
    scenario: str | None
    date_in: str


def kind(body: Any) -> str:
    """What a body is: a `request` (an object with `records`), a `list` of records, or one
    `record` as it is (any other object, until the engine reads it)."""
    if isinstance(body, list):
        return "list"
    if isinstance(body, dict) and "records" in body:
        return "request"
    return "record"


def single(body: Any) -> Single | None:
    """`body` (parsed JSON) as one record to explain, or None when it is anything else."""
    if type(body) is not dict:
        return None
    if kind(body) == "record":
        return Single(body, None, None, "query")
    if not body.keys() <= FIELDS:
        return None
    record, date, scenario = body["records"], body.get("date"), body.get("scenario")
    if type(record) is not dict or body.get("explain", True) is not True:
        return None
    if scenario is not None and type(scenario) is not str:
        return None
    if date is None:
        return Single(record, None, scenario, "body")
    if type(date) is not str or not DAY.fullmatch(date):
        return None
    try:
        day = dt.date.fromisoformat(date)
    except ValueError:  # not a day of the calendar: pydantic's message, on FastAPI's path
        return None
    return Single(record, day, scenario, "body")
