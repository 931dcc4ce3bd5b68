"""Cases and families: facts validated exactly as `determine` validates them, determined by the
library's entry point, edited across a family, found by A-number through the blind index."""

from __future__ import annotations

import datetime as dt

import pytest
from registry_helpers import Bench, facts, family, person

from asylum_pathways.determination import determine_records
from asylum_pathways.errors import UserError
from asylum_pathways.registry import cases
from asylum_pathways.registry import facts as facts_module
from asylum_pathways.registry.errors import Invalid, NotFound


def test_a_single_adult_case_is_determined_as_determine_answers_the_same_record(
    bench: Bench,
) -> None:
    reg = bench.registry()
    org = bench.org(reg, "Org A")
    case_id = cases.create(reg, org.caseworker, {"people": [person("Ana Generated")]})
    view = cases.read(reg, org.caseworker, case_id)
    got = view["people"][0]["determination"]
    expected = determine_records(
        {**facts(), "person_id": "x"}, reg.scenario, as_of=reg.default_as_of()
    ).answer(0)
    assert got["pathway"] == expected["pathway"]
    assert got["receiving_country"] == expected["receiving_country"]
    assert got["as_of"] == reg.default_as_of().isoformat()
    assert got["tree_fingerprint"] == reg.scenario.tree.fingerprint()
    assert got["answer"]["explanation"] == expected["explanation"]
    assert view["people"][0]["name"] == "Ana Generated"
    wwc = view["what_would_change"]
    assert wwc["status"] == "worked_out"
    assert [p["person_id"] for p in wwc["people"]] == [view["people"][0]["id"]]
    pid = view["people"][0]["id"]
    assert wwc["people"][0]["branches"] == [{**b, "person_id": pid} for b in expected["branches"]]
    assert wwc["people"][0]["branches"]


def test_a_family_is_one_case_with_a_lead_and_riders_sharing_one_pathway(bench: Bench) -> None:
    reg = bench.registry()
    org = bench.org(reg, "Org A")
    case_id = cases.create(reg, org.caseworker, family("Family Lead", riders=2))
    view = cases.read(reg, org.caseworker, case_id)
    assert [p["role"] for p in view["people"]] == ["lead", "rider", "rider"]
    pathways = {p["determination"]["pathway"] for p in view["people"]}
    assert len(pathways) == 1
    assert view["people"][0]["determination"]["answer"]["family_size"] == 3


def test_a_bad_fact_is_refused_with_the_problem_determine_names_for_it(bench: Bench) -> None:
    reg = bench.registry()
    org = bench.org(reg, "Org A")
    bad = facts(citizenship="Honduras")
    with pytest.raises(UserError) as direct:
        determine_records([{**facts(), "person_id": "a"}, {**bad, "person_id": "b"}], reg.scenario)
    body = {"people": [person("Lead One"), {"role": "rider", "name": "Rider", "facts": bad}]}
    with pytest.raises(Invalid) as registry:
        cases.create(reg, org.caseworker, body)
    assert [p.msg for p in registry.value.problems] == [
        facts_module.scrub(p).msg for p in direct.value.problems
    ]
    assert "Honduras" not in str(registry.value) and registry.value.problems[0].value is None
    assert registry.value.problems[0].loc == ("body", "people", 1, "facts", "citizenship")
    assert cases.listing(reg, org.caseworker)["total"] == 0  # nothing written


def test_identity_errors_name_the_field_and_never_echo_the_value(bench: Bench) -> None:
    reg = bench.registry()
    org = bench.org(reg, "Org A")
    with pytest.raises(Invalid) as exc:
        cases.create(reg, org.caseworker, {"people": [person("Name", a_number="B-99-Canary")]})
    assert exc.value.problems[0].loc[-1] == "a_number"
    assert "Canary" not in str(exc.value) and exc.value.problems[0].value is None


def test_an_edit_of_facts_reaches_every_member_of_a_family_and_redetermines_them_together(
    bench: Bench,
) -> None:
    reg = bench.registry()
    org = bench.org(reg, "Org A")
    case_id = cases.create(reg, org.caseworker, family("Edit Lead", riders=2))
    before = cases.read(reg, org.caseworker, case_id)
    view = cases.update(reg, org.caseworker, case_id, {"set_facts": {"criminal_history": True}})
    assert all(p["facts"]["criminal_history"] is True for p in view["people"])
    assert all(
        p["determination"]["id"] != q["determination"]["id"]
        for p, q in zip(view["people"], before["people"], strict=True)
    )
    assert view["version"] == before["version"] + 1


def test_a_case_of_another_organisation_is_not_found(bench: Bench) -> None:
    reg = bench.registry()
    a, b = bench.org(reg, "Org A"), bench.org(reg, "Org B")
    case_id = cases.create(reg, a.caseworker, {"people": [person("Only A")]})
    with pytest.raises(NotFound):
        cases.read(reg, b.caseworker, case_id)
    with pytest.raises(NotFound):
        cases.update(reg, b.caseworker, case_id, {"status": "closed"})


def test_a_number_search_finds_the_case_through_the_blind_index_only(bench: Bench) -> None:
    from sqlalchemy import select

    from asylum_pathways.registry.database import ALL
    from asylum_pathways.registry.models import Person

    reg = bench.registry()
    org = bench.org(reg, "Org A")
    case_id = cases.create(
        reg, org.caseworker, {"people": [person("Searched", a_number="A012345678")]}
    )
    cases.create(reg, org.caseworker, {"people": [person("Other", a_number="A087654321")]})
    found = cases.listing(reg, org.caseworker, a_number="A-012-345-678")
    assert [c["id"] for c in found["items"]] == [case_id]
    with reg.db.transaction(ALL) as s:
        stored = s.scalars(select(Person.a_number_enc)).all()
    assert all("012345678" not in v for v in stored)


def test_closing_a_case_records_the_day(bench: Bench) -> None:
    reg = bench.registry()
    org = bench.org(reg, "Org A")
    case_id = cases.create(reg, org.caseworker, {"people": [person("Closer")]})
    view = cases.update(reg, org.caseworker, case_id, {"status": "closed"})
    assert view["status"] == "closed" and view["closed_on"] == bench.now[0].date().isoformat()


def test_a_person_encountered_after_the_as_of_day_is_determined_as_of_their_own_day(
    bench: Bench,
) -> None:
    bench.now[0] = dt.datetime(2020, 1, 10, 9, 0)
    reg = bench.registry()
    org = bench.org(reg, "Org A")
    case_id = cases.create(
        reg, org.caseworker, {"people": [person("Late", encounter_date="2020-01-15")]}
    )
    got = cases.read(reg, org.caseworker, case_id)["people"][0]["determination"]
    assert got["as_of"] == "2020-01-15"
