"""What would change the answer: every branch is the answer of the changed record itself, no
one-fact change that changes the answer is missed, and the bundled example's branches read
as a caseworker expects."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asylum_pathways import codes
from asylum_pathways.determination import determine_records
from asylum_pathways.determination.branches import FEAR, OUTCOMES, branches, grouped
from asylum_pathways.params import load_tree
from asylum_pathways.records import FLAG_FIELDS
from asylum_pathways.scenarios import load_scenario

EXAMPLE = Path(__file__).parents[2] / "src/asylum_pathways/examples/honduran-adult-el-paso.json"
TREE = load_tree()
SCENARIOS = {n: load_scenario(n, TREE) for n in ("history", "outlook-2020-03-10")}
OPTIONAL_BOOL = st.one_of(st.none(), st.booleans())


def example() -> dict[str, Any]:
    return json.loads(EXAMPLE.read_text())


@st.composite
def person(draw: st.DrawFn, common: dict[str, Any]) -> dict[str, Any]:
    record: dict[str, Any] = {
        **common,
        "citizenship": draw(st.sampled_from(["GT", "HN", "SV", "MX", "CU", "BR", "EC", "VE"])),
        "language": draw(st.sampled_from(["es", "pt", None])),
    }
    for flag in FLAG_FIELDS:
        record[flag] = draw(OPTIONAL_BOOL)
    if draw(st.booleans()):
        record[FEAR] = {draw(st.sampled_from(["GT", "HN", "SV"])): draw(st.booleans())}
    return {k: v for k, v in record.items() if v is not None}


@st.composite
def cases(draw: st.DrawFn) -> list[dict[str, Any]]:
    """One person, or a family unit of two or three (one day, sector and group)."""
    day = draw(st.dates(dt.date(2019, 6, 1), dt.date(2026, 6, 1))).isoformat()
    sector = draw(st.sampled_from(codes.SECTORS))
    size = draw(st.sampled_from([1, 1, 2, 3]))
    common: dict[str, Any] = {"encounter_date": day, "sector": sector}
    if size == 1:
        common["demographic"] = draw(st.sampled_from(["SA", "FMUA"]))
    else:
        common |= {"demographic": "FMUA", "group_id": "F"}
    return [{**draw(person(common)), "person_id": f"P{i}"} for i in range(size)]


def changed(records: list[dict[str, Any]], person_id: str, facts: dict[str, Any]) -> list[dict]:  # type: ignore[type-arg]
    """The records with `facts` set for `person_id`."""
    out = copy.deepcopy(records)
    target = next(r for r in out if r["person_id"] == person_id)
    for fact, value in facts.items():
        if fact.startswith(FEAR + "."):
            target.setdefault(FEAR, {})[fact.split(".", 1)[1]] = value
        else:
            target[fact] = value
    return out


def outcome(records: list[dict[str, Any]], scenario: str) -> tuple[str, str | None]:
    answer = determine_records(records, SCENARIOS[scenario], explain=False).answer(0)
    return answer["pathway"], answer["receiving_country"]


@settings(max_examples=40, deadline=None)
@given(cases(), st.sampled_from(sorted(SCENARIOS)))
@pytest.mark.slow
def test_every_branch_is_the_answer_of_the_changed_record(
    records: list[dict[str, Any]], scenario: str
) -> None:
    answer = determine_records(records, SCENARIOS[scenario]).answer(0)
    for branch in answer["branches"]:
        got = outcome(changed(records, branch["person_id"], branch["if"]), scenario)
        assert got == (branch["pathway"], branch["receiving_country"]), branch
        assert got != (answer["pathway"], answer["receiving_country"])


@settings(max_examples=25, deadline=None)
@given(cases())
def test_no_one_fact_change_of_the_answer_is_missed(records: list[dict[str, Any]]) -> None:
    found = determine_records(records, SCENARIOS["history"])
    answer = found.answer(0)
    base = (answer["pathway"], answer["receiving_country"])
    shown = {(b["person_id"], json.dumps(b["if"])) for b in answer["branches"]}
    facts = [*FLAG_FIELDS, *(f"{FEAR}.{cc}" for cc in TREE.receiving_countries())]
    for record in records:
        for fact in facts:
            for value in (True, False):
                given_value = _current(record, fact)
                if given_value == value or (
                    value is False and given_value is None and _outcome_fact(fact)
                ):
                    continue  # the record already says so (an absent outcome: not established)
                new = outcome(changed(records, record["person_id"], {fact: value}), "history")
                if new != base:
                    key = (record["person_id"], json.dumps({fact: value}))
                    assert key in shown, (key, new, base)


def _current(record: dict[str, Any], fact: str) -> Any:
    if fact.startswith(FEAR + "."):
        return record.get(FEAR, {}).get(fact.split(".", 1)[1])
    return record.get(fact)


def _outcome_fact(fact: str) -> bool:
    return fact in OUTCOMES or fact.startswith(FEAR + ".")


def test_the_one_fact_that_decides_an_open_case_is_named() -> None:
    """A Honduran adult in El Paso on 2020-01-15, every optional fact unknown: UNDETERMINED,
    and only whether she claims fear decides it alone."""
    record = {k: example()[k] for k in ("person_id", "encounter_date", "sector", "citizenship")}
    answer = determine_records({**record, "demographic": "SA"}, SCENARIOS["history"]).answer(0)
    assert answer["pathway"] == "UNDETERMINED"
    singles = [b for b in answer["branches"] if len(b["if"]) == 1]
    assert [(b["if"], b["pathway"], b["receiving_country"]) for b in singles] == [
        ({"claims_fear": True}, "ACA_TRANSFER", "GT")
    ]
    assert singles[0]["sentence"] == (
        "If the person claims fear or asks for asylum → Transfer to Guatemala under the "
        "Asylum Cooperative Agreement"
    )


def test_a_fear_of_guatemala_gives_mpp_and_then_a_fear_of_mexico_credible_fear() -> None:
    answer = determine_records(example(), SCENARIOS["history"]).answer(0)
    assert answer["pathway"] == "ACA_TRANSFER"
    by_if = {json.dumps(b["if"]): b for b in answer["branches"]}
    gt = by_if[json.dumps({f"{FEAR}.GT": True})]
    assert gt["pathway"] == "MPP_RETURN"
    assert gt["sentence"].startswith("If a fear of Guatemala is established → Remain in Mexico")
    both = by_if[json.dumps({f"{FEAR}.GT": True, "mexico_fear_established": True})]
    assert both["pathway"] == "CREDIBLE_FEAR"
    group = next(g for g in grouped(answer["branches"]) if g.get("if") == gt["if"])
    assert any("a fear of Mexico is established" in t["conditions"] for t in group["then"])


def test_a_family_has_one_set_of_branches_naming_the_member() -> None:
    family = [
        {**example(), "person_id": f"M{i}", "group_id": "F", "demographic": "FMUA"}
        for i in range(3)
    ]
    found = determine_records(family, SCENARIOS["history"])
    answers = found.answers()
    assert all(a["branches"] == answers[0]["branches"] for a in answers)
    assert {b["person_id"] for b in answers[0]["branches"]} == {"M0", "M1", "M2"}
    assert any(
        b["sentence"].startswith("If a fear of Guatemala is established for M1")
        for b in answers[0]["branches"]
    )


def test_branches_of_many_records_are_each_records_own() -> None:
    one = determine_records(example(), SCENARIOS["history"]).answer(0)["branches"]
    many = determine_records([example(), {**example(), "person_id": "B"}], SCENARIOS["history"])
    assert many.answer(0)["branches"] == one
    assert [b["if"] for b in many.answer(1)["branches"]] == [b["if"] for b in one]


@pytest.mark.parametrize("explain", [True, False])
def test_branches_are_the_same_built_eagerly_or_when_read(explain: bool) -> None:
    found = determine_records(example(), SCENARIOS["history"], explain=explain)
    assert (
        found.answer(0)["branches"]
        == determine_records(example(), SCENARIOS["history"]).answer(0)["branches"]
    )


def test_branches_of_an_empty_selection_are_empty() -> None:
    found = determine_records(example(), SCENARIOS["history"], explain=False)
    assert branches(TREE, found.table.encounters, found.det, found.table.person_id, []) == {}


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_records_and_families_alike_each_get_the_branches_they_get_alone(
    data: st.DataObject,
) -> None:
    """Family units alike (the same facts under other ids) are answered once for all of
    them (`branches`): each still gets exactly the branches it gets alone, naming its own
    members."""
    common = {"encounter_date": "2020-01-15", "sector": "EPT", "demographic": "SA"}
    people = data.draw(st.lists(person(common), min_size=1, max_size=3))
    size = data.draw(st.integers(1, 3))
    members = [
        {**data.draw(person({**common, "demographic": "FMUA"})), "group_id": "F"}
        for _ in range(size)
    ]
    units = [[{**data.draw(st.sampled_from(people)), "person_id": f"P{i}"}] for i in range(5)]
    units += [
        [{**m, "group_id": f"F{k}", "person_id": f"F{k}-M{i}"} for i, m in enumerate(members)]
        for k in range(2)
    ]
    found = determine_records([r for unit in units for r in unit], SCENARIOS["history"])
    together = iter(found.answers())
    for unit in units:
        alone = determine_records(unit, SCENARIOS["history"]).answers()
        for answer in alone:
            assert next(together)["branches"] == answer["branches"]
