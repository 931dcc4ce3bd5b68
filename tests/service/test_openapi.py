"""Schemathesis against /api/v1/openapi.json: 100 generated cases per operation, no server
error, every response valid against the schema (status, content type, headers, body)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance
from server import Server

from asylum_pathways.service.app import create_app
from asylum_pathways.service.settings import Settings

#: The document the app publishes (checked below to be what the server serves).
SPEC = create_app(Settings(data_dir=Path(tempfile.mkdtemp()))).openapi()
SCHEMA = schemathesis.openapi.from_dict(SPEC)
OPERATIONS = [(m.upper(), p) for p, item in SPEC["paths"].items() for m in item]
CASES = 100


def test_the_server_publishes_this_openapi_document(server: Server) -> None:
    assert httpx.get(f"{server.url}/api/v1/openapi.json").json() == SPEC


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_every_operation_answers_within_its_schema_and_never_a_server_error(
    server: Server, method: str, path: str
) -> None:
    operation = SCHEMA[path][method]
    calls = []

    @given(case=operation.as_strategy())
    @settings(
        max_examples=CASES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        derandomize=True,
    )
    def run(case: schemathesis.Case) -> None:
        # Every check but "a schema-valid body is accepted": a record may be well-formed JSON
        # and still not a valid encounter (the 422 envelope says which field).
        response = case.call_and_validate(
            base_url=server.url, excluded_checks=[positive_data_acceptance]
        )
        calls.append(response.status_code)
        if method == "POST" and path.endswith("/studies") and response.status_code == 202:
            httpx.delete(server.url + response.headers["location"][0])  # keep the machine free

    run()
    assert calls and max(calls) < 500
