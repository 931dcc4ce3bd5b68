"""Pages without a browser: error pages in the site's layout (the API keeps its envelope),
the studies list, the help page, and the screener's form handling (families, members)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from asylum_pathways.params import ParameterTree
from asylum_pathways.service import screener


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    from asylum_pathways.service.app import create_app
    from asylum_pathways.service.settings import Settings

    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("pages")))
    yield TestClient(app)


def test_an_unknown_page_answers_html_in_the_sites_layout(client: Any) -> None:
    page = client.get("/no-such-page")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "<h1>Page not found</h1>" in page.text and 'href="/screen"' in page.text
    wrong = client.put("/screen")
    assert wrong.status_code == 405 and "<h1>Not allowed</h1>" in wrong.text
    assert client.get("/parameters/law.no.such").status_code == 404


def test_the_api_keeps_the_json_envelope(client: Any) -> None:
    api = client.get("/api/v1/no-such")
    assert api.status_code == 404 and api.json()["ok"] is False


def test_the_studies_and_help_pages(client: Any) -> None:
    studies = client.get("/studies")
    assert studies.status_code == 200 and "No study yet" in studies.text
    help_page = client.get("/help")
    assert "How to cite" in help_page.text and "/screen" in help_page.text


def test_a_garbled_screening_never_answers_5xx(client: Any) -> None:
    for form in (
        {"encounter_date": "yesterday", "members": "x"},
        {"date": "2020-02-30"},
        {"members": "99", "action": "remove-7"},
        {"action": "add", "members": "-3"},
        {"scenario": "nope", "encounter_date": "2020-01-15"},
    ):
        page = client.post("/screen", data=form)
        assert page.status_code == 200, form
        assert 'class="facts' in page.text


def test_a_family_is_one_record_per_member_sharing_the_encounter(tree: ParameterTree) -> None:
    form = {
        "members": "3",
        "encounter_date": "2020-01-15",
        "sector": "EPT",
        "citizenship": "HN",
        "demographic": "FMUA",
        "claims_fear": "yes",
        "m2.demographic": "FMUA",
        "m2.citizenship": "SV",
        "m3.demographic": "FMUA",
        "m3.aca_fear_established_GT": "yes",
    }
    records = screener.records_from_form(form, tree)
    assert [r["person_id"] for r in records] == ["Person 1", "Person 2", "Person 3"]
    assert {r["group_id"] for r in records} == {"family"}
    assert [r["citizenship"] for r in records] == ["HN", "SV", "HN"]  # empty: as person 1
    assert records[2]["aca_fear_established"] == {"GT": True}
    assert all(r["encounter_date"] == "2020-01-15" and r["sector"] == "EPT" for r in records)


def test_removing_a_member_moves_the_later_ones_up() -> None:
    form = {"members": "3", "m2.age": "7", "m3.age": "9", "mexico_fear_established": "yes"}
    out = screener.without_member(form, 2)
    assert out == {"members": "2", "m2.age": "9", "mexico_fear_established": "yes"}


def test_a_receiving_country_is_asked_about_only_while_its_agreement_is_in_force(
    tree: ParameterTree,
) -> None:
    shown = [
        c.label
        for c in screener.outcome_controls(tree, {"encounter_date": "2020-01-15"}, 1)
        if not c.hidden
    ]
    assert shown[-1:] == ["Fear of Guatemala established"]
    assert screener.agreement_periods(tree, "GT")[0][0] == "2019-11-15"


def test_the_help_page_template_exists() -> None:
    root = Path(screener.__file__).parent / "templates"
    assert (root / "help.html.j2").exists() and (root / "studies.html.j2").exists()
