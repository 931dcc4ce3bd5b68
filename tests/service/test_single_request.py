"""One record to explain is answered before FastAPI reads the request (`single_request`):
with the same answer, and the same status and error, as FastAPI's path gives the same body.

FastAPI's path is taken here by the content type `application/json; charset=utf-8`, which
FastAPI reads as JSON and the quick path leaves to it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from server import Server

from asylum_pathways.service.single_request import Single, single

EXAMPLE = Path(__file__).parents[2] / "src/asylum_pathways/examples/honduran-adult-el-paso.json"
QUICK = {"content-type": "application/json"}
FASTAPI = {"content-type": "application/json; charset=utf-8"}


def record(**changes: Any) -> dict[str, Any]:
    return {**json.loads(EXAMPLE.read_text()), **changes}


BODIES: list[Any] = [
    {"records": record()},
    record(),  # a bare record
    record(citizenship="SV", person_id="é"),
    {"records": record(), "date": "2020-03-20"},
    {"records": record(), "date": "2020-03-20", "scenario": "ninth-circuit-injunction"},
    {"records": record(), "scenario": "history", "explain": True},
    {"records": record(), "date": None, "scenario": None},
    # each refused, and each by its own field
    {"records": record(citizenship="Guatemala")},
    record(citizenship="Guatemala"),
    {"records": record(encounter_date=None)},
    {"records": {}},
    {},
    {"records": record(), "date": "2001-01-01"},  # before the tree
    {"records": record(), "date": "2019-01-01"},
    {"records": record(), "date": "2020-02-30"},  # no such day
    {"records": record(), "date": "2020-3-20"},
    {"records": record(), "date": "20200320"},
    {"records": record(), "date": 20200320},
    {"records": record(), "date": "2020-03-20T00:00:00"},
    {"records": record(), "scenario": "no-such"},
    {"records": record(), "scenario": 3},
    {"records": record(), "scenario": {"law": {"no.such": []}}},
    {"records": record(), "explain": "true"},
    {"records": record(), "explain": 1},
    {"records": record(), "explain": None},
    {"records": record(), "extra": 1},
    {"records": "x"},
    {"records": None},
    {"records": []},
    [record()],
    None,
    "x",
    3,
]


@pytest.mark.parametrize("body", BODIES, ids=[json.dumps(b)[:60] for b in BODIES])
def test_the_quick_path_answers_what_fastapi_s_path_answers(server: Server, body: Any) -> None:
    url = f"{server.url}/api/v1/determinations"
    content = json.dumps(body).encode()
    quick = httpx.post(url, content=content, headers=QUICK)
    full = httpx.post(url, content=content, headers=FASTAPI)
    assert (quick.status_code, quick.json()) == (full.status_code, full.json())
    assert quick.headers["content-type"] == full.headers["content-type"]


@pytest.mark.parametrize("content", [b"", b"{not json", b'{"records": }', b"\xff{}"])
def test_a_body_that_is_not_json_gets_fastapi_s_error(server: Server, content: bytes) -> None:
    url = f"{server.url}/api/v1/determinations"
    quick = httpx.post(url, content=content, headers=QUICK)
    full = httpx.post(url, content=content, headers=FASTAPI)
    assert quick.status_code == full.status_code and quick.status_code in (400, 422)
    assert quick.json() == full.json()


def test_a_query_with_a_request_body_is_refused_as_before(server: Server) -> None:
    r = httpx.post(
        f"{server.url}/api/v1/determinations", params={"date": "2020-03-20"}, json=record()
    )
    assert r.status_code == 200 and r.json()["date"] == "2020-03-20"  # a bare record's query
    r = httpx.post(
        f"{server.url}/api/v1/determinations",
        params={"date": "2020-03-20"},
        json={"records": record()},
    )
    assert r.status_code == 422 and r.json()["error"]["errors"][0]["loc"] == ["query", "date"]


def test_only_one_record_to_explain_under_a_named_scenario_is_taken() -> None:
    one = record()
    assert single({"records": one}) == Single(one, None, None, "body")
    assert single(one) == Single(one, None, None, "query")
    assert single({"records": one, "date": "2020-03-20", "scenario": "history"}) == Single(
        one, dt.date(2020, 3, 20), "history", "body"
    )
    for other in (
        {"records": [one]},
        {"records": one, "explain": False},
        {"records": one, "explain": 1},
        {"records": one, "scenario": {"name": "x"}},
        {"records": one, "date": "2020-02-30"},
        {"records": one, "date": "２０２０-03-20"},
        {"records": one, "extra": 1},
        [one],
        None,
    ):
        assert single(other) is None, other
