"""Determinations for the API and the screener: exactly what `determine --json` answers.

The library's `determine_records` does the work; the API adds only its limits and puts each
problem under the request body's field."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import orjson

from asylum_pathways.determination import Determined, determine_records
from asylum_pathways.errors import Problem, UserError
from asylum_pathways.scenarios import Scenario
from asylum_pathways.service.problems import ApiError, with_loc


def determined(
    records: dict[str, Any] | list[dict[str, Any]],
    scenario: Scenario,
    date: dt.date | None,
    max_records: int,
    explain_each: bool = True,
    date_in: str = "body",
    copies: bool = True,
) -> Determined:
    """The records determined, or an `ApiError`/`UserError` naming the request's field
    (`date_in`: where the date came from, the body or the query; `copies` False: answers
    to write out at once, which may share their parts, `determine_records`)."""
    n = len(records) if isinstance(records, list) else 1
    if n > max_records:
        raise ApiError(
            413,
            "too_many_records",
            f"records: {n} records in one request; the limit is {max_records:,}",
            [Problem(("body", "records"), f"at most {max_records} records per request", n)],
        )
    try:
        return determine_records(
            records,
            scenario,
            as_of=date,
            explain=explain_each,
            labels={"as_of": "date"},
            copies=copies,
        )
    except UserError as exc:
        exc.problems = [
            Problem((date_in if p.loc[:1] == ("date",) else "body", *p.loc), p.msg, p.value)
            for p in exc.problems
        ]
        raise (exc if exc.problems else with_loc(exc, "body")) from None


def answers(
    records: dict[str, Any] | list[dict[str, Any]],
    scenario: Scenario,
    date: dt.date | None,
    max_records: int,
    explain_each: bool = True,
    date_in: str = "body",
    copies: bool = True,
) -> Any:
    """One answer for one record (an object), a list of answers for a list; without
    `explain_each`, the rows `determine --out` writes (as JSON bytes, for speed)."""
    found = determined(records, scenario, date, max_records, explain_each, date_in, copies)
    if not explain_each:
        frame = found.rows()
        return Rows(frame.with_columns(frame.get_column("date").cast(str)).write_json().encode())
    return found.result()


def written(
    records: dict[str, Any] | list[dict[str, Any]],
    scenario: Scenario,
    date: dt.date | None,
    max_records: int,
    explain_each: bool = True,
    date_in: str = "body",
) -> bytes:
    """`answers` written as JSON (`dumps`): what the API sends."""
    found = answers(records, scenario, date, max_records, explain_each, date_in, copies=False)
    return dumps(found)


#: Dates and times, and dataclasses, are written as `json.dumps(..., default=str)` writes them.
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


class Rows(bytes):
    """Determination rows already written as a JSON list."""


def dumps(answer: Any) -> bytes:
    """The answer as compact JSON bytes: the same keys and values `determine --json` prints.

    Written by orjson (about 6 µs for an explained answer of 25 KB, against 84 µs for the
    standard library's encoder), which writes non-ASCII characters as UTF-8 rather than
    `\\u` escapes; any other type is written as the standard library writes it with
    `default=str` (a float subclass, such as NumPy's, as a number). An answer orjson cannot
    write (a key that is not a string, an integer beyond 64 bits) is written by the standard
    library instead."""
    if isinstance(answer, Rows):
        return bytes(answer)
    try:
        return orjson.dumps(answer, default=_other, option=_OPTIONS)
    except orjson.JSONEncodeError:
        return json.dumps(answer, default=str, separators=(",", ":")).encode()


def _other(value: Any) -> Any:
    """What `json.dumps(..., default=str)` writes for a type orjson does not write itself."""
    return float(value) if isinstance(value, float) else str(value)
