"""The registry's API under /api/v1, in-process (the real app, the real database): sessions and
their cookie, CSRF, no caching, the error envelope, and a route x role x organisation matrix
generated from the app's own routes that finds no unauthorized read or write."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from registry_helpers import FAST, PASSWORD, Bench, Org, canary, person

from asylum_pathways.registry import accounts, cases, totp
from asylum_pathways.service.app import create_app
from asylum_pathways.service.settings import Settings

API = "/api/v1"
ROLES = ("admin", "caseworker", "analyst", "auditor")


@dataclass
class Api:
    app: Any
    bench: Bench
    a: Org
    b: Org
    a_case: str
    a_name: str

    def client(self) -> TestClient:
        return TestClient(self.app, base_url="https://testserver")

    def login(self, org: Org, role: str) -> tuple[TestClient, str]:
        c = self.client()
        secret = org.secrets[role]
        for _ in range(3):
            r = c.post(
                f"{API}/auth/login",
                json={"email": org.emails[role], "password": PASSWORD, "totp": totp.code(secret)},
            )
            if r.status_code == 200:
                return c, r.json()["data"]["csrf_token"]
            import time

            time.sleep(
                totp.STEP - time.time() % totp.STEP + 0.2
            )  # a code is used once: wait for the next
        raise AssertionError(r.text)


@pytest.fixture
def api(bench: Bench, tmp_path) -> Iterator[Api]:  # type: ignore[no-untyped-def]
    reg = bench.registry()
    a, b = bench.org(reg, "Org A"), bench.org(reg, "Org B")
    name = canary()
    case_id = cases.create(reg, a.caseworker, {"people": [person(name, a_number="A246813579")]})
    app = create_app(
        Settings(
            data_dir=tmp_path / "data",
            registry_db=bench.url,
            registry_keys=bench.keys,
            redetermine_on_start=False,
        )
    )
    app.state.registry.policy = FAST
    yield Api(app, bench, a, b, case_id, name)
    app.state.registry.db.dispose()


def test_asvs_3_4_the_session_cookie_is_host_prefixed_secure_httponly_and_strict(api: Api) -> None:
    c = api.client()
    r = c.post(
        f"{API}/auth/login",
        json={
            "email": api.a.emails["caseworker"],
            "password": PASSWORD,
            "totp": totp.code(api.a.secrets["caseworker"]),
        },
    )
    assert r.status_code == 200, r.text
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("__Host-ap_session=")
    for attribute in ("Secure", "HttpOnly", "SameSite=strict", "Path=/"):
        assert attribute.lower() in cookie.lower()
    assert "domain" not in cookie.lower()
    token = cookie.split(";")[0].split("=", 1)[1]
    assert token not in r.text  # the session token is never in a body


def test_asvs_4_2_2_a_state_changing_session_request_needs_the_csrf_token(api: Api) -> None:
    c, csrf = api.login(api.a, "caseworker")
    body = {"people": [person("Csrf Person")]}
    refused = c.post(f"{API}/cases", json=body)
    assert refused.status_code == 403 and "CSRF" in refused.json()["error"]["message"]
    assert c.post(f"{API}/cases", json=body, headers={"x-csrf-token": "wrong"}).status_code == 403
    assert c.post(f"{API}/cases", json=body, headers={"x-csrf-token": csrf}).status_code == 201
    assert c.get(f"{API}/cases").status_code == 200  # reads need no token


def test_asvs_8_2_1_case_responses_are_never_cached(api: Api) -> None:
    c, _ = api.login(api.a, "caseworker")
    r = c.get(f"{API}/cases/{api.a_case}")
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    assert r.json()["data"]["people"][0]["name"] == api.a_name


@pytest.mark.slow
def test_asvs_8_3_1_a_numbers_are_searched_in_the_body_never_the_url(api: Api) -> None:
    c, csrf = api.login(api.a, "caseworker")
    r = c.post(
        f"{API}/cases/search", json={"a_number": "A-246-813-579"}, headers={"x-csrf-token": csrf}
    )
    assert r.status_code == 200 and r.json()["data"]["total"] == 1
    spec = api.app.openapi()["paths"]
    assert not any("a_number" in p for p in spec)
    params = [
        q["name"]
        for item in spec.values()
        for op in item.values()
        for q in op.get("parameters", [])
    ]
    assert "a_number" not in params


def test_api_tokens_authenticate_scripts_without_a_cookie_or_csrf(api: Api) -> None:
    c, csrf = api.login(api.a, "caseworker")
    made = c.post(
        f"{API}/tokens",
        json={"name": "script", "scopes": ["cases:read"]},
        headers={"x-csrf-token": csrf},
    )
    assert made.status_code == 201
    token = made.json()["data"]["token"]
    script = api.client()
    assert (
        script.get(f"{API}/cases", headers={"authorization": f"Bearer {token}"}).status_code == 200
    )
    denied = script.post(
        f"{API}/cases", json={"people": [person("X")]}, headers={"authorization": f"Bearer {token}"}
    )
    assert denied.status_code == 403
    listed = c.get(f"{API}/tokens").json()["data"]
    assert all("token" not in t for t in listed)
    assert (
        c.delete(
            f"{API}/tokens/{made.json()['data']['id']}", headers={"x-csrf-token": csrf}
        ).status_code
        == 200
    )
    assert (
        script.get(f"{API}/cases", headers={"authorization": f"Bearer {token}"}).status_code == 401
    )


def test_a_demoted_user_is_refused_on_the_next_request(api: Api) -> None:
    cw, _ = api.login(api.a, "caseworker")
    assert cw.get(f"{API}/cases").status_code == 200
    admin, csrf = api.login(api.a, "admin")
    r = admin.patch(
        f"{API}/users/{api.a.caseworker.user_id}",
        json={"role": "analyst"},
        headers={"x-csrf-token": csrf},
    )
    assert r.status_code == 200, r.text
    assert cw.get(f"{API}/cases").status_code == 401


def test_repeated_failures_answer_429_with_retry_after_in_the_envelope(api: Api) -> None:
    c = api.client()
    for _ in range(4):
        c.post(
            f"{API}/auth/login",
            json={
                "email": api.a.emails["auditor"],
                "password": "not the password at all",
                "totp": "000000",
            },
        )
    r = c.post(
        f"{API}/auth/login",
        json={"email": api.a.emails["auditor"], "password": PASSWORD, "totp": "000000"},
    )
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
    assert r.json()["ok"] is False and r.json()["error"]["code"] == "throttled"


def test_an_unknown_email_and_a_wrong_password_get_the_same_answer(api: Api) -> None:
    c = api.client()
    a = c.post(
        f"{API}/auth/login",
        json={"email": "nobody@nowhere.example", "password": PASSWORD, "totp": "000000"},
    )
    b = c.post(
        f"{API}/auth/login",
        json={
            "email": api.a.emails["analyst"],
            "password": "wrong password here!",
            "totp": "000000",
        },
    )
    assert a.status_code == b.status_code == 401 and a.json() == b.json()


# -- the matrix ----------------------------------------------------------------------------------
#: What each route needs (None: no sign-in), and a body for each write.
NEEDS = {
    ("POST", "/auth/login"): None,
    ("POST", "/auth/setup"): None,
    ("POST", "/auth/logout"): "any",
    ("GET", "/users"): "admin",
    ("POST", "/users"): "admin",
    ("PATCH", "/users/{user_id}"): "admin",
    ("PATCH", "/settings"): "admin",
    ("GET", "/tokens"): "any",
    ("POST", "/tokens"): "any",
    ("DELETE", "/tokens/{token_id}"): "any",
    ("GET", "/cases"): "caseworker",
    ("POST", "/cases/search"): "caseworker",
    ("POST", "/cases"): "caseworker",
    ("GET", "/cases/{case_id}"): "caseworker",
    ("PATCH", "/cases/{case_id}"): "caseworker",
    ("GET", "/cases/{case_id}/events"): "caseworker",
    ("POST", "/cases/{case_id}/events"): "caseworker",
    ("GET", "/cases/{case_id}/hearings"): "caseworker",
    ("POST", "/cases/{case_id}/hearings"): "caseworker",
    ("PATCH", "/cases/{case_id}/hearings/{hearing_id}"): "caseworker",
    ("GET", "/cases/{case_id}/determinations"): "caseworker",
    ("GET", "/changes"): "caseworker",
    ("GET", "/audit"): "auditor",
    ("GET", "/aggregates"): "analyst",
    ("GET", "/calendar.ics"): "caseworker",
    ("GET", "/calendar/{feed_token}.ics"): None,  # the secret address is the credential
    ("GET", "/calendar/token"): "any",
    ("POST", "/calendar/token"): "caseworker",
    ("DELETE", "/calendar/token"): "any",
}
HEARING = {
    "court": "El Paso",
    "time_zone": "America/Denver",
    "starts_at": "2020-02-11T09:00",
    "type": "master",
    "medium": "video",
    "source": "eoir_notice",
}
BODIES = {
    "/users": {"email": "new@x.example", "role": "auditor", "password": PASSWORD},
    "/users/{user_id}": {"role": "auditor"},
    "/settings": {"retention_years": 3},
    "/tokens": {"name": "t"},
    "/cases/search": {"a_number": "A246813579"},
    "/cases": {"people": [person("Matrix Person")]},
    "/cases/{case_id}": {"status": "closed"},
    "/cases/{case_id}/events": {"kind": "release", "occurred_on": "2020-02-01"},
    "/cases/{case_id}/hearings": HEARING,
    "/cases/{case_id}/hearings/{hearing_id}": {"status": "vacated"},
}


def _registry_routes(app: Any) -> list[tuple[str, str]]:
    """Every registry operation the app publishes (its OpenAPI document)."""
    out = []
    for path, item in app.openapi()["paths"].items():
        for method, op in item.items():
            if any(str(t).startswith("registry") for t in op.get("tags", [])):
                out.append((method.upper(), path[len(API) :]))
    return sorted(out)


def test_the_matrix_knows_every_registry_route(api: Api) -> None:
    assert set(_registry_routes(api.app)) == set(NEEDS)


@pytest.mark.slow
def test_every_route_times_every_role_times_another_organisations_object_finds_no_unauthorized_access(
    api: Api,
) -> None:
    """Org B's users of every role (and no one at all) call every route on org A's objects: no
    2xx that reads or changes org A's data; org A's own users pass only where their role may."""
    a_reg = api.app.state.registry
    hearing = api.client()
    cw, csrf = api.login(api.a, "caseworker")
    made = cw.post(
        f"{API}/cases/{api.a_case}/hearings", json=HEARING, headers={"x-csrf-token": csrf}
    )
    hearing_id = made.json()["data"]["id"]
    token_id = cw.post(
        f"{API}/tokens", json={"name": "a's"}, headers={"x-csrf-token": csrf}
    ).json()["data"]["id"]
    ids = {
        "case_id": api.a_case,
        "hearing_id": hearing_id,
        "user_id": api.a.caseworker.user_id,
        "token_id": token_id,
    }
    before = cases.read(a_reg, api.a.caseworker, api.a_case)
    sessions = {role: api.login(api.b, role) for role in ROLES}
    sessions["nobody"] = (hearing, "")
    unauthorized = []
    calls = 0
    for method, path in _registry_routes(api.app):
        if NEEDS[(method, path)] is None or path in ("/auth/logout",):
            continue
        url = API + path.format(**ids)
        body = BODIES.get(path)
        for role, (client, token) in sessions.items():
            r = client.request(
                method,
                url,
                json=body if method != "GET" and method != "DELETE" else None,
                headers={"x-csrf-token": token},
            )
            calls += 1
            text = r.text
            leaked = (
                api.a_name in text
                or "246813579" in text
                or (api.a_case in text and r.status_code < 300)
            )
            if leaked or (r.status_code < 300 and "{" in path):
                unauthorized.append((method, path, role, r.status_code))
            need = NEEDS[(method, path)]
            if role == "nobody":
                assert r.status_code == 401, (method, path)
            elif need not in ("any", role) and r.status_code < 300:
                unauthorized.append((method, path, role, r.status_code))
            assert r.status_code < 500, (method, path, role, text)
    assert calls > 80
    assert unauthorized == []
    after = cases.read(a_reg, api.a.caseworker, api.a_case)
    assert after["status"] == before["status"] == "open" and after["version"] == before["version"]
    assert [h["status"] for h in after["hearings"]] == ["scheduled"]
    assert accounts.users(a_reg, api.a.admin)[1]["role"] == "caseworker"


def test_each_role_reaches_what_it_may_in_its_own_organisation(api: Api) -> None:
    expected = {
        "admin": {"/users": 200, "/cases": 403, "/audit": 403, "/aggregates": 403},
        "caseworker": {"/users": 403, "/cases": 200, "/audit": 403, "/aggregates": 403},
        "analyst": {"/users": 403, "/cases": 403, "/audit": 403, "/aggregates": 200},
        "auditor": {"/users": 403, "/cases": 403, "/audit": 200, "/aggregates": 403},
    }
    for role, paths in expected.items():
        c, _ = api.login(api.a, role)
        for path, status in paths.items():
            r = c.get(API + path)
            assert r.status_code == status, (role, path, r.text)
            if status >= 400:
                assert r.json()["ok"] is False and r.json()["error"]["code"] == "forbidden"


def test_aggregates_suppress_cells_under_five_and_name_no_case(api: Api) -> None:
    reg = api.app.state.registry
    for i in range(5):
        cases.create(reg, api.b.caseworker, {"people": [person(f"Agg {i}", citizenship="GT")]})
    c, _ = api.login(api.a, "analyst")
    data = c.get(f"{API}/aggregates", params={"by": "citizenship"}).json()["data"]
    cells = {(x["pathway"], x["citizenship"]): x for x in data["cells"]}
    assert any(x["count"] == 5 for k, x in cells.items() if k[1] == "GT")
    hn = [x for k, x in cells.items() if k[1] == "HN"]
    assert hn and all(x["count"] is None and x["suppressed"] for x in hn)
    assert api.a_case not in str(data) and api.a_name not in str(data)


@pytest.mark.slow
def test_the_changes_route_lists_this_organisations_changes(api: Api) -> None:
    from asylum_pathways.registry import redetermine

    reg = api.app.state.registry
    redetermine.run(reg, as_of=dt.date(2020, 2, 20), trigger="test")
    c, _ = api.login(api.a, "caseworker")
    data = c.get(f"{API}/changes").json()["data"]
    assert data["runs"] and data["runs"][0]["trigger"] == "test"
