"""The registry's pages in-process (the real app, the real database, SQLite and PostgreSQL):
sign-in with a second factor, CSRF on every state-changing form, each page per role, another
organisation's case not found, no personal data in URLs or refusals, no caching, and the
message catalogue in English and Spanish."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from registry_helpers import FAST, PASSWORD, Bench, Org, canary, person

from asylum_pathways.registry import cases, redetermine
from asylum_pathways.scenarios import load_overlay
from asylum_pathways.service import messages
from asylum_pathways.service.app import create_app
from asylum_pathways.service.settings import Settings

TEMPLATES = Path(__file__).resolve().parents[2] / "src/asylum_pathways/service/templates"
TOKEN = re.compile(r'name="csrf_token" value="([^"]*)"')
#: The Guatemala agreement implemented in every sector from 2020-02-03: a Salvadoran encountered
#: in San Diego becomes amenable to a transfer to Guatemala from that day.
GT_EVERYWHERE = {
    "name": "guatemala-everywhere",
    "law": {
        "aca.agreements.gt.implementing_sectors": [
            {
                "from": "2020-02-03",
                "value": ["SDC", "ELC", "YUM", "TCA", "EPT", "BBT", "DRT", "LRT", "RGV"],
            }
        ]
    },
}
#: What each role gets on each page of its own organisation (another's case: 404 for all).
PAGES: dict[str, dict[str, int]] = {
    "caseworker": {"/cases": 200, "/cases/new": 200, "CASE": 200, "/calendar": 200,
                   "/changes": 200, "/audit": 403, "/users": 403, "/account": 200},
    "admin": {"/cases": 403, "/cases/new": 403, "CASE": 403, "/calendar": 403,
              "/changes": 403, "/audit": 403, "/users": 200, "/account": 200},
    "auditor": {"/cases": 403, "/cases/new": 403, "CASE": 403, "/calendar": 403,
                "/changes": 403, "/audit": 200, "/users": 403, "/account": 200},
    "analyst": {"/cases": 403, "/cases/new": 403, "CASE": 403, "/calendar": 403,
                "/changes": 403, "/audit": 403, "/users": 403, "/account": 200},
}  # fmt: skip


@dataclass
class Site:
    app: Any
    bench: Bench
    a: Org
    b: Org
    a_case: str
    a_name: str
    b_case: str

    def client(self) -> TestClient:
        return TestClient(self.app, base_url="https://testserver", follow_redirects=False)

    def login(self, org: Org, role: str, lang: str = "en") -> tuple[TestClient, str]:
        """Sign in through the page; answers the client and the session's CSRF token."""
        c = self.client()
        form = c.get("/login", headers={"accept-language": lang})
        r = c.post(
            "/login",
            data={
                "csrf_token": TOKEN.findall(form.text)[0],
                "email": org.emails[role],
                "password": PASSWORD,
                "totp": self.bench.code(org.secrets[role]),
            },
        )
        assert r.status_code == 303, r.text
        return c, c.cookies["__Host-ap_csrf"]


@pytest.fixture
def site(bench: Bench, tmp_path: Path) -> Iterator[Site]:
    bench.now[0] = dt.datetime(2020, 2, 20, 9, 0)
    reg = bench.registry()
    a, b = bench.org(reg, "Org A"), bench.org(reg, "Org B")
    name = canary()
    a_case = cases.create(reg, a.caseworker, {"people": [person(name, a_number="A246813579")]})
    b_case = cases.create(reg, b.caseworker, {"people": [person("Other Org Person")]})
    app = create_app(
        Settings(
            data_dir=tmp_path / "data",
            registry_db=bench.url,
            registry_keys=bench.keys,
            redetermine_on_start=False,
        )
    )
    app.state.registry.policy = FAST
    app.state.registry.clock = lambda: bench.now[0]
    yield Site(app, bench, a, b, a_case, name, b_case)
    app.state.registry.db.dispose()


@pytest.mark.slow
def test_a_caseworker_signs_in_with_password_then_code_and_lands_on_the_cases(
    site: Site,
) -> None:
    c = site.client()
    form = c.get("/login")
    assert form.status_code == 200 and form.headers["cache-control"] == "no-store"
    html = form.text
    assert html.index('name="password"') < html.index('name="totp"')  # password, then code
    r = c.post(
        "/login",
        data={
            "csrf_token": TOKEN.findall(html)[0],
            "email": site.a.emails["caseworker"],
            "password": PASSWORD,
            "totp": site.bench.code(site.a.secrets["caseworker"]),
        },
    )
    assert r.status_code == 303 and r.headers["location"] == "/cases"
    cookies = r.headers.get_list("set-cookie")
    session = next(x for x in cookies if x.startswith("__Host-ap_session="))
    for attribute in ("secure", "httponly", "samesite=strict", "path=/"):
        assert attribute in session.lower()
    page = c.get("/cases")
    assert page.status_code == 200 and site.a_name in page.text
    assert page.headers["cache-control"] == "no-store"


@pytest.mark.slow
def test_a_wrong_code_or_a_missing_code_signs_nobody_in(site: Site) -> None:
    c = site.client()
    token = TOKEN.findall(c.get("/login").text)[0]
    for code in ("000000", ""):
        r = c.post(
            "/login",
            data={
                "csrf_token": token,
                "email": site.a.emails["caseworker"],
                "password": PASSWORD,
                "totp": code,
            },
        )
        assert r.status_code == 401 and "__Host-ap_session" not in r.headers.get("set-cookie", "")
        assert "wrong" in r.text
    assert c.get("/cases").status_code == 303  # still not signed in: to the sign-in page


def test_the_sign_in_form_needs_its_own_token(site: Site) -> None:
    c = site.client()
    c.get("/login")
    r = c.post(
        "/login",
        data={
            "csrf_token": "forged",
            "email": site.a.emails["caseworker"],
            "password": PASSWORD,
            "totp": site.bench.code(site.a.secrets["caseworker"]),
        },
    )
    assert r.status_code == 403 and "__Host-ap_session" not in r.headers.get("set-cookie", "")


@pytest.mark.slow
def test_asvs_4_2_2_every_state_changing_form_refuses_a_missing_or_wrong_csrf_token(
    site: Site,
) -> None:
    worker, csrf = site.login(site.a, "caseworker")
    admin, admin_csrf = site.login(site.a, "admin")
    new_case = {
        "people": "1",
        "encounter_date": "2020-01-15",
        "sector": "EPT",
        "p1.name": "Csrf Person",
        "p1.citizenship": "HN",
        "p1.demographic": "SA",
    }
    hearing = {
        "court": "El Paso",
        "time_zone": "America/Denver",
        "starts_at": "2020-03-10T09:00",
        "type": "master",
        "medium": "in_person",
        "source": "eoir_notice",
    }
    forms: list[tuple[TestClient, str, str, dict[str, str]]] = [
        (worker, csrf, "/cases/new", new_case),
        (worker, csrf, f"/cases/{site.a_case}/hearings", hearing),
        (worker, csrf, "/cases/search", {"a_number": "A246813579"}),
        (worker, csrf, "/language", {"lang": "es", "back": "/cases"}),
        (admin, admin_csrf, "/users", {"email": "x@org-a.example", "role": "analyst",
                                       "password": PASSWORD}),
        (admin, admin_csrf, f"/users/{site.a.analyst.user_id}", {"action": "disable"}),
        (worker, csrf, "/logout", {}),
    ]  # fmt: skip
    for client, good, path, data in forms:
        for bad in (None, "wrong", admin_csrf if good == csrf else csrf):
            sent = dict(data) if bad is None else {**data, "csrf_token": bad}
            r = client.post(path, data=sent)
            assert r.status_code == 403, (path, bad, r.status_code)
            assert "set-cookie" not in r.headers or "ap_lang" not in r.headers["set-cookie"]
    # nothing was written by the refused forms
    assert "Csrf Person" not in worker.get("/cases").text
    assert "x@org-a.example" not in admin.get("/users").text
    case_page = worker.get(f"/cases/{site.a_case}")
    assert 'data-testid="hearings"' not in case_page.text
    # ... and each form works with the session's own token
    for client, good, path, data in forms:
        r = client.post(path, data={**data, "csrf_token": good})
        assert r.status_code in (200, 201, 303), (path, r.status_code, r.text[:500])
    assert worker.get("/cases").status_code == 303  # signed out by the last form


@pytest.mark.parametrize("role", sorted(PAGES))
@pytest.mark.slow
def test_each_role_reaches_exactly_the_pages_the_api_lets_it(site: Site, role: str) -> None:
    c, _ = site.login(site.a, role)
    for path, expected in PAGES[role].items():
        url = f"/cases/{site.a_case}" if path == "CASE" else path
        r = c.get(url)
        assert r.status_code == expected, (role, path, r.status_code)
        assert r.headers["cache-control"] == "no-store"
        if expected == 200 and path == "CASE":
            assert site.a_name in r.text
        if expected != 200:
            assert site.a_name not in r.text
    other = c.get(f"/cases/{site.b_case}")
    assert other.status_code in (403, 404) and "Other Org Person" not in other.text
    if role == "caseworker":
        assert other.status_code == 404


@pytest.mark.slow
def test_another_organisations_case_is_not_found_for_reading_and_writing(site: Site) -> None:
    c, csrf = site.login(site.a, "caseworker")
    assert c.get(f"/cases/{site.b_case}").status_code == 404
    r = c.post(
        f"/cases/{site.b_case}/hearings",
        data={
            "csrf_token": csrf,
            "court": "X",
            "time_zone": "America/Denver",
            "starts_at": "2020-03-10T09:00",
            "type": "master",
            "medium": "video",
            "source": "court",
        },
    )
    assert r.status_code == 404 and "Other Org Person" not in r.text


@pytest.mark.slow
def test_signed_out_pages_send_to_the_sign_in_page(site: Site) -> None:
    c = site.client()
    for path in ("/cases", f"/cases/{site.a_case}", "/changes", "/audit", "/users", "/calendar"):
        r = c.get(path)
        assert r.status_code == 303 and r.headers["location"] == "/login"


def _family_form(csrf: str, lead: str) -> dict[str, str]:
    form = {
        "csrf_token": csrf,
        "action": "create",
        "people": "3",
        "encounter_date": "2020-01-15",
        "sector": "SDC",
        "p1.name": lead,
        "p1.a_number": "A135792468",
        "p1.birth_date": "1990-05-01",
        "p1.citizenship": "SV",
        "p1.demographic": "FMUA",
        "p1.age": "29",
        "p1.claims_fear": "yes",
    }
    for k in (2, 3):
        form |= {f"p{k}.name": f"{lead} child {k}", f"p{k}.demographic": "FMUA", f"p{k}.age": "7"}
    return form


@pytest.mark.slow
def test_a_family_case_and_a_hearing_are_added_and_shown_with_everything_the_case_holds(
    site: Site,
) -> None:
    c, csrf = site.login(site.a, "caseworker")
    lead = canary(2)
    made = c.post("/cases/new", data=_family_form(csrf, lead))
    assert made.status_code == 303, made.text
    url = made.headers["location"]
    case_id = url.rsplit("/", 1)[1]
    assert lead not in url
    r = c.post(
        f"{url}/hearings",
        data={
            "csrf_token": csrf,
            "court": "San Diego Immigration Court",
            "time_zone": "America/Los_Angeles",
            "starts_at": "2020-03-14T09:00",  # a Saturday: flagged
            "type": "master",
            "judge": "Judge Example",
            "medium": "in_person",
            "source": "nta",
            "mpp": "yes",
        },
    )
    assert r.status_code == 303 and r.headers["location"] == f"/cases/{case_id}#hearings"
    page = c.get(url)
    html = page.text
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert lead in html and f"{lead} child 2" in html and f"{lead} child 3" in html
    assert "A135792468" in html and "For the family of 3" in html
    assert 'data-testid="hearings"' in html and "San Diego Immigration Court" in html
    assert "Weekend" in html and "Only from a notice to appear" in html and "unconfirmed" in html
    assert 'data-testid="deadlines"' in html and "Filing deadline" in html
    assert 'data-testid="branches"' in html and "What would change the answer" in html
    assert 'data-testid="timeline"' in html and "Case opened" in html
    assert html.count("The first determination.") == 3
    stored = cases.read(site.app.state.registry, site.a.caseworker, case_id)
    assert [p["role"] for p in stored["people"]] == ["lead", "rider", "rider"]
    assert stored["people"][1]["facts"]["citizenship"] == "SV"  # a rider takes the lead's
    branches = stored["people"][0]["determination"]["answer"]["branches"]
    if branches:  # the page says the same branches (persons named by their label, not an id)
        assert stored["people"][0]["id"] not in html.split('data-testid="branches"')[1][:4000]


@pytest.mark.slow
def test_a_law_change_shows_the_cases_difference_on_its_page_and_on_changes(site: Site) -> None:
    c, csrf = site.login(site.a, "caseworker")
    form = _family_form(csrf, canary(3))
    for k in (1, 2, 3):  # every fact known, so only the law decides
        form[f"p{k}.language"] = "es"
        for fact in ("criminal_history", "known_health_issue", "returning_lpr", "advance_parole"):
            form[f"p{k}.{fact}"] = "no"
        form[f"p{k}.claims_fear"] = "yes"
    made = c.post("/cases/new", data=form)
    case_id = made.headers["location"].rsplit("/", 1)[1]
    assert c.get("/changes").text.count('data-testid="no-changes"') == 1
    reg = site.app.state.registry
    world = site.bench.with_scenario(
        reg, load_overlay(GT_EVERYWHERE, reg.scenario.tree, "guatemala-everywhere")
    )
    out = redetermine.run(world, trigger="test")
    assert out.changed_cases >= 1
    changes = c.get("/changes")
    assert changes.status_code == 200
    assert "became amenable to a transfer to Guatemala from 2020-02-03" in changes.text
    assert f"/cases/{case_id}" in changes.text
    assert "Transfer to Guatemala under the Asylum Cooperative Agreement" in changes.text
    page = c.get(f"/cases/{case_id}").text
    assert "The pathway changed from" in page and "The law (the parameter tree) changed." in page
    assert "When the law changed, Lead became: Transfer to Guatemala" in page


def test_asvs_8_3_1_an_a_number_is_searched_in_the_form_body_never_the_url(site: Site) -> None:
    c, csrf = site.login(site.a, "caseworker")
    listing = c.get("/cases").text
    form = re.search(r'<form method="(\w+)" action="/cases/search"', listing)
    assert form and form.group(1) == "post"
    r = c.post("/cases/search", data={"csrf_token": csrf, "a_number": "A-246-813-579"})
    assert (
        r.status_code == 200 and site.a_name in r.text and "Cases with this A-number: 1" in r.text
    )
    assert "246813579" not in str(r.url) and "246813579" not in r.headers.get("location", "")
    none = c.post("/cases/search", data={"csrf_token": csrf, "a_number": "A999999999"})
    assert none.status_code == 200 and site.a_name not in none.text
    assert not any("a_number" in getattr(route, "path", "") for route in site.app.routes)


def test_a_refused_case_names_the_field_and_never_sends_back_a_personal_value(
    site: Site,
) -> None:
    c, csrf = site.login(site.a, "caseworker")
    name = canary(4)
    form = _family_form(csrf, name)
    form["p1.a_number"] = "A12"  # too short
    form["p1.address"] = "12 Canary Street Quetzal"
    r = c.post("/cases/new", data=form)
    assert r.status_code == 422
    assert "a_number" in r.text and 'data-testid="identity-not-kept"' in r.text
    for value in (name, "A12", "Canary Street", "1990-05-01"):
        assert value not in r.text
    assert 'value="SDC" selected' in r.text  # the facts are kept to correct


def test_the_catalogue_has_every_message_in_english_and_spanish() -> None:
    catalogue = messages.load()
    assert catalogue.missing() == []
    used = set()
    for path in TEMPLATES.glob("*.j2"):
        text = path.read_text()
        if "registry_base" in text or path.name == "registry_base.html.j2":
            used |= set(re.findall(r"""\bt\(["']([a-zA-Z0-9_.]+)["']""", text))
    keys = set(catalogue.entries)
    # a key built in the template (t("fact." ~ name)) needs entries under its prefix
    missing = {k for k in used if k not in keys and not any(e.startswith(k) for e in keys)}
    assert used and not missing, missing
    for lang in messages.LANGUAGES:
        for key in catalogue.entries:
            assert catalogue.entries[key][lang].strip(), (key, lang)


def test_the_language_is_the_users_choice_then_the_query_then_the_browser(site: Site) -> None:
    c, csrf = site.login(site.a, "caseworker", lang="es")
    spanish = c.get("/cases", headers={"accept-language": "es-MX,es;q=0.9,en;q=0.5"})
    assert '<html lang="es">' in spanish.text and "Abrir un caso" in spanish.text
    english = c.get("/cases?lang=en", headers={"accept-language": "es"})
    assert '<html lang="en">' in english.text and "Open a case" in english.text
    r = c.post("/language", data={"csrf_token": csrf, "lang": "es", "back": "/cases"})
    assert r.status_code == 303 and r.headers["location"] == "/cases"
    chosen = c.get(f"/cases/{site.a_case}", headers={"accept-language": "en"})
    assert '<html lang="es">' in chosen.text and "Qué cambiaría la respuesta" in chosen.text
    assert "What would change" not in chosen.text
    outside = c.post("/language", data={"csrf_token": csrf, "lang": "en", "back": "//evil.example"})
    assert outside.headers["location"] == "/cases"


@pytest.mark.parametrize("lang", messages.LANGUAGES)
@pytest.mark.slow
def test_every_page_renders_in_each_language(site: Site, lang: str) -> None:
    pages = {
        "caseworker": ["/cases", "/cases/new?people=2", f"/cases/{site.a_case}", "/calendar",
                       "/changes", "/account"],
        "admin": ["/users", "/account"],
        "auditor": ["/audit", "/account"],
        "analyst": ["/account"],
    }  # fmt: skip
    for role, paths in pages.items():
        c, _ = site.login(site.a, role)
        for path in paths:
            sep = "&" if "?" in path else "?"
            r = c.get(f"{path}{sep}lang={lang}")
            assert r.status_code == 200, (role, path, r.text[:300])
            assert f'<html lang="{lang}">' in r.text


def test_the_audit_page_lists_reads_of_a_case_with_field_names_only(site: Site) -> None:
    worker, _ = site.login(site.a, "caseworker")
    worker.get(f"/cases/{site.a_case}")
    auditor, _ = site.login(site.a, "auditor")
    r = auditor.get("/audit")
    assert r.status_code == 200 and "The chain verifies." in r.text
    assert site.a_case[:8] in r.text and site.a_name not in r.text and "246813579" not in r.text


@pytest.mark.slow
def test_an_admin_adds_a_user_and_sees_the_second_factor_secret_once(site: Site) -> None:
    c, csrf = site.login(site.a, "admin")
    r = c.post(
        "/users",
        data={"csrf_token": csrf, "email": "new@org-a.example", "role": "caseworker",
              "password": PASSWORD},
    )  # fmt: skip
    assert r.status_code == 201 and 'data-testid="totp-secret"' in r.text
    again = c.get("/users")
    assert "new@org-a.example" in again.text and 'data-testid="totp-secret"' not in again.text
