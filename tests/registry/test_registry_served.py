"""The registry served by `asylum-pathways serve --db` in its own process: schemathesis over every
registry operation with a signed-in client, and a canary that must appear in no log, error body,
URL, audit row or raw database byte after the flows run."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from registry_helpers import PASSWORD, Bench, canary, family, raw_bytes
from registry_server import RegistryServer
from schemathesis.checks import positive_data_acceptance

from asylum_pathways.registry import accounts, cases, totp
from asylum_pathways.registry.database import ALL
from asylum_pathways.registry.models import AuditEntry

pytestmark = [pytest.mark.server, pytest.mark.slow]
API = "/api/v1"
CASES = 30


class Signed:
    def __init__(self, url: str, email: str, secret: str) -> None:
        self.url = url
        for _ in range(3):
            r = httpx.post(
                f"{url}{API}/auth/login",
                json={"email": email, "password": PASSWORD, "totp": totp.code(secret)},
                timeout=30,
            )
            if r.status_code == 200:
                break
            time.sleep(totp.STEP - time.time() % totp.STEP + 0.2)
        assert r.status_code == 200, r.text
        cookie = r.headers["set-cookie"].split(";")[0]
        self.headers = {"cookie": cookie, "x-csrf-token": r.json()["data"]["csrf_token"]}
        self.urls: list[str] = []
        self.bodies: list[str] = []

    def call(self, method: str, path: str, **kw: Any) -> httpx.Response:
        self.urls.append(path)
        r = httpx.request(method, self.url + API + path, headers=self.headers, timeout=60, **kw)
        self.bodies.append(r.text)
        return r


@pytest.fixture
def served(bench: Bench, tmp_path) -> Iterator[tuple[RegistryServer, Bench, Any]]:  # type: ignore[no-untyped-def]
    reg = bench.registry()
    org = bench.org(reg, "Org A")
    bench.org(reg, "Org B")
    server = RegistryServer(bench.url, bench.keys, tmp_path)
    yield server, bench, org
    server.stop()


def test_canary_names_and_a_numbers_appear_in_no_log_error_url_audit_row_or_database_byte(
    served,
) -> None:  # type: ignore[no-untyped-def]
    server, bench, org = served
    me = Signed(server.url, org.emails["caseworker"], org.secrets["caseworker"])
    names = [canary(i) for i in range(3)]
    numbers = ["A918273645", "A918273646", "A918273647"]
    body = family(names[0], riders=2)
    for p, n, a in zip(body["people"], names, numbers, strict=True):
        p.update(name=n, a_number=a, address=f"{n} street 5", birth_date="1990-04-04")
    made = me.call("POST", "/cases", json=body)
    assert made.status_code == 201, made.text
    case_id = made.json()["data"]["id"]
    assert me.call("GET", f"/cases/{case_id}").status_code == 200
    assert (
        me.call("POST", "/cases/search", json={"a_number": numbers[1]}).json()["data"]["total"] == 1
    )
    me.call("PATCH", f"/cases/{case_id}", json={"set_facts": {"criminal_history": False}})
    me.call(
        "POST",
        f"/cases/{case_id}/hearings",
        json={
            "court": "El Paso",
            "time_zone": "America/Denver",
            "starts_at": "2020-02-11T09:00",
            "type": "master",
            "medium": "video",
            "source": "nta",
        },
    )
    me.call("GET", f"/cases/{case_id}/determinations")
    me.call("GET", "/cases")
    # refusals that carry the canary in their bodies must not send it back
    bad = [
        me.call(
            "POST",
            "/cases",
            json={
                "people": [{"role": "lead", "name": names[0], "a_number": names[0], "facts": {}}]
            },
        ),
        me.call(
            "POST",
            "/cases",
            json={
                "people": [
                    {
                        "role": "lead",
                        "name": names[0],
                        "facts": {
                            "encounter_date": "2020-01-15",
                            "sector": "EPT",
                            "citizenship": names[0],
                            "demographic": "SA",
                        },
                    }
                ]
            },
        ),
        me.call("POST", "/cases/search", json={"a_number": names[1]}),
        me.call("PATCH", f"/cases/{case_id}", json={"set_facts": {"language": names[2]}}),
        me.call(
            "POST",
            f"/cases/{case_id}/events",
            json={"kind": "release", "occurred_on": "2020-02-01", "detail": {"note": names[2]}},
        ),
    ]
    assert all(r.status_code == 422 for r in bad), [r.text for r in bad]
    server.stop()
    secrets = [*names, *(n[1:] for n in numbers)]
    log = server.log.read_text()
    assert "POST /api/v1/cases" in log  # the access log was written
    for s in secrets:
        assert s not in log, f"log holds {s}"
        assert not any(s in u for u in me.urls)
        assert not any(s in b for b in (r.text for r in bad)), f"an error body holds {s}"
    reg = bench.registry()
    with reg.db.transaction(ALL) as session:
        rows = json.dumps(
            [
                [r.actor, r.action, r.object_type, r.object_id, r.fields]
                for r in session.query(AuditEntry)
            ]
        )
    raw = raw_bytes(bench)
    for s in secrets:
        assert s not in rows and s.encode() not in raw


def test_every_registry_operation_answers_within_its_schema_and_never_a_server_error(
    served,
) -> None:  # type: ignore[no-untyped-def]
    server, bench, org = served
    if bench.backend != "sqlite":
        pytest.skip("schemathesis runs once, on the embedded database (the matrix covers both)")
    from asylum_pathways.registry.models import utcnow

    bench.now[0] = utcnow()  # the served registry runs on the real clock: so does the token
    reg = bench.registry()
    cases.create(reg, org.caseworker, family("Schema Lead", riders=1))
    token, _ = accounts.create_token(reg, org.caseworker, "schemathesis", [])
    spec = httpx.get(f"{server.url}{API}/openapi.json").json()
    schema = schemathesis.openapi.from_dict(spec)
    operations = [
        (m.upper(), p)
        for p, item in spec["paths"].items()
        for m, op in item.items()
        if any(str(t).startswith("registry") for t in op.get("tags", []))
    ]
    assert len(operations) >= 20
    statuses: dict[tuple[str, str], list[int]] = {}
    for method, path in operations:
        if path.endswith("/auth/logout"):
            continue
        statuses[(method, path)] = _exercise(schema[path][method], server.url, token)
    worst = {k: max(v) for k, v in statuses.items() if v}
    assert worst and max(worst.values()) < 500, worst
    assert any(re.match(r"2\d\d", str(s)) for v in statuses.values() for s in v)


def _exercise(operation: Any, url: str, token: str) -> list[int]:
    seen: list[int] = []

    @given(case=operation.as_strategy())
    @settings(
        max_examples=CASES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        derandomize=True,
    )
    def run(case: schemathesis.Case) -> None:
        # Every check but "a schema-valid body is accepted": a body may be well-formed JSON and
        # still not a valid case (the 422 envelope says which field).
        response = case.call_and_validate(
            base_url=url,
            headers={"authorization": f"Bearer {token}"},
            excluded_checks=[positive_data_acceptance],
        )
        seen.append(response.status_code)

    run()
    return seen


def test_the_service_redetermines_the_open_cases_when_it_starts(bench: Bench, tmp_path) -> None:  # type: ignore[no-untyped-def]
    reg = bench.registry()
    org = bench.org(reg, "Org A")
    cases.create(reg, org.caseworker, family("Started Lead", riders=1))
    server = RegistryServer(bench.url, bench.keys, tmp_path)
    try:
        deadline = time.monotonic() + 60
        runs: list[Any] = []
        while time.monotonic() < deadline and not runs:
            with reg.db.transaction(ALL) as session:
                from asylum_pathways.registry.models import RedeterminationRun

                runs = list(
                    session.query(RedeterminationRun).filter(RedeterminationRun.trigger == "start")
                )
            time.sleep(0.3)
        assert runs and runs[0].considered == 2  # today moved the as-of day past changes of law
    finally:
        server.stop()
    assert "registry: re-determined 2 of 2 people" in server.log.read_text()
