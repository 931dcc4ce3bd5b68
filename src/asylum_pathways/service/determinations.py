"""Determinations for the API and the screener: exactly what `determine --json` answers."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from asylum_pathways.errors import Problem, UserError
from asylum_pathways.io.encounters import day_numbers, from_json
from asylum_pathways.params.model import day_number, from_day_number
from asylum_pathways.rules.engine import determine
from asylum_pathways.rules.explain import explain
from asylum_pathways.scenarios import Scenario
from asylum_pathways.service.problems import ApiError, with_loc


def answers(
    records: dict[str, Any] | list[dict[str, Any]],
    scenario: Scenario,
    date: dt.date | None,
    max_records: int,
    explain_each: bool = True,
) -> Any:
    """One answer for one record (an object), a list of answers for a list; without
    `explain_each`, the rows `determine --out` writes (as JSON bytes, for speed)."""
    n = len(records) if isinstance(records, list) else 1
    if n > max_records:
        raise ApiError(
            413,
            "too_many_records",
            f"records: {n} records in one request; the limit is {max_records:,}",
            [Problem(("body", "records"), f"at most {max_records} records per request", n)],
        )
    if n == 0:
        raise ApiError(
            422,
            "invalid_record",
            "records: an empty list; expected at least one record",
            [Problem(("body", "records"), "expected at least one record", [])],
        )
    try:
        table = from_json(records, "records", scenario.tree)
    except UserError as exc:
        raise with_loc(exc, "body", "records") from None
    enc = table.encounters
    day = day_numbers(date, enc.n) if date else None
    first = scenario.tree.get("law.assignment.priority").values[0].start
    days = enc.arrival if day is None else day
    if int(days.min()) < day_number(first):
        where = ("body", "date") if date else ("body", "records")
        earliest = from_day_number(int(days.min())).isoformat()
        msg = (
            f"{earliest} is before {first.isoformat()}, where the parameter tree begins "
            f"(expected a day on or after {first.isoformat()})"
        )
        raise ApiError(
            422, "invalid_record", f"{'.'.join(where[1:])}: {msg}", [Problem(where, msg, earliest)]
        )
    det = determine(scenario.tree, enc, day)
    if not explain_each:
        from asylum_pathways.io.determinations import to_frame

        frame = to_frame(det, table.person_id, scenario.name)
        return Rows(frame.with_columns(frame.get_column("date").cast(str)).write_json().encode())
    ids = [str(x) for x in table.person_id]
    out = [explain(scenario.tree, enc, det, i, ids[i], scenario.name) for i in range(enc.n)]
    return out if isinstance(records, list) else out[0]


class Rows(bytes):
    """Determination rows already written as a JSON list."""


def dumps(answer: Any) -> bytes:
    """The JSON the CLI prints (compact), as bytes."""
    if isinstance(answer, Rows):
        return bytes(answer)
    return json.dumps(answer, default=str, separators=(",", ":")).encode()
