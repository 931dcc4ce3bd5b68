"""One record (or one family unit) answered by one call of the engine gives exactly what the
vectorized path gives: the same determination, explanation and branches, on generated
records across the tree's days and every built-in scenario. Many records explained together
(what is alike worked out once), and records that are each their own question answered in
one pass (`together`), give what each gets alone.

`SINGLE_EXAMPLES` (environment) raises the number of generated cases for a longer run."""

from __future__ import annotations

import datetime as dt
import json
import os
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from asylum_pathways import codes
from asylum_pathways.dates import day_number
from asylum_pathways.determination import determine_records
from asylum_pathways.determination.branches import branches
from asylum_pathways.determination.single import determine_family
from asylum_pathways.determination.together import each_alone
from asylum_pathways.errors import UserError
from asylum_pathways.io.determinations import to_frame
from asylum_pathways.io.encounters import from_json
from asylum_pathways.params import load_tree
from asylum_pathways.rules.engine import determine
from asylum_pathways.rules.explain import explain
from asylum_pathways.scenarios import Scenario, load_scenario
from asylum_pathways.scenarios.overlay import builtin_names

TREE = load_tree()
SCENARIOS = {name: load_scenario(name, TREE) for name in builtin_names()}
FIRST, LAST = dt.date(2018, 10, 1), dt.date(2026, 12, 1)
EXAMPLES = int(os.environ.get("SINGLE_EXAMPLES", "300"))
PORT_SECTOR: dict[str, str] = TREE.get("law.geo.port_sector").values[-1].value
FLAGS = (
    "claims_fear",
    "valid_travel_documents",
    "criminal_history",
    "known_health_issue",
    "returning_lpr",
    "advance_parole",
    "mexico_fear_established",
    "cbp_one_appointment",
    "compelling_circumstances_established",
)
AGES = {"SA": (18, 80), "UAC": (0, 17), "FMUA": (0, 80)}


@st.composite
def person(draw: st.DrawFn, demographic: str | None = None) -> dict[str, Any]:
    """One person's facts (no date or place: a family shares those)."""
    record: dict[str, Any] = {
        "citizenship": draw(
            st.sampled_from(
                ["GT", "HN", "SV", "MX", "CU", "BR", "EC", "XX", "VE", "CO", "NI", "IN", "CD"]
            )
        ),
        "demographic": demographic or draw(st.sampled_from(codes.DEMOGRAPHICS)),
        "language": draw(st.sampled_from(["es", "pt", "en", "fr", None])),
    }
    if draw(st.booleans()):
        record["age"] = draw(st.integers(*AGES[record["demographic"]]))
    if record["citizenship"] == "XX":
        record["habitual_residence"] = draw(st.sampled_from(["GT", "HN", "SV", "MX", None]))
    for flag in FLAGS:
        value = draw(st.sampled_from([None, True, False, "absent"]))
        if value != "absent":
            record[flag] = value
    if draw(st.booleans()):
        record["aca_fear_established"] = draw(
            st.dictionaries(
                st.sampled_from(["GT", "HN", "SV", "UG", "EC", "PY", "BZ"]),
                st.booleans(),
                max_size=3,
            )
        )
    return record


@st.composite
def encounter(draw: st.DrawFn) -> dict[str, Any]:
    """The day and place of an encounter (a port in its sector, sometimes)."""
    where: dict[str, Any] = {
        "encounter_date": draw(st.dates(FIRST, LAST)).isoformat(),
        "sector": draw(st.sampled_from(codes.SECTORS)),
    }
    ports = sorted(p for p, s in PORT_SECTOR.items() if s == where["sector"])
    if ports and draw(st.booleans()):
        where["port"] = draw(st.sampled_from(ports))
    return where


@st.composite
def as_of(draw: st.DrawFn, encounter_date: str) -> dt.date | None:
    """No day (the encounter's own), or a day from the encounter to the tree's last."""
    if draw(st.booleans()):
        return None
    return draw(st.dates(dt.date.fromisoformat(encounter_date), LAST))


def vectorized(
    records: list[dict[str, Any]], scenario: Scenario, day: dt.date | None
) -> tuple[Any, list[dict[str, Any]]]:
    """The vectorized path, step by step: the engine, the branches, the explanations."""
    tree = scenario.tree
    table = from_json(records, "records", tree, answerable=True)
    enc = table.encounters
    days = None if day is None else np.full(enc.n, day_number(day), dtype=np.int32)
    det = determine(tree, enc, days)
    found = branches(tree, enc, det, table.person_id)
    return to_frame(det, table.person_id, scenario.name), [
        explain(tree, enc, det, i, str(table.person_id[i]), scenario.name, found[i])
        for i in range(enc.n)
    ]


def _same(records: Any, scenario: Scenario, day: dt.date | None) -> None:
    fast = determine_records(records, scenario, as_of=day)
    listed = records if isinstance(records, list) else [records]
    rows, answers = vectorized(listed, scenario, day)
    assert fast.answers() == answers
    assert_frame_equal(fast.rows(), rows)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.data(), st.sampled_from(sorted(SCENARIOS)))
def test_one_record_alone_answers_as_the_vectorized_path(
    data: st.DataObject, scenario: str
) -> None:
    where = data.draw(encounter())
    record = {"person_id": "P-1", **where, **data.draw(person())}
    if record["demographic"] == "FMUA" and data.draw(st.booleans()):
        record["group_id"] = "G-1"  # a family member given alone is a family of one
    _same(record, SCENARIOS[scenario], data.draw(as_of(where["encounter_date"])))


@settings(
    max_examples=max(EXAMPLES // 3, 20),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.data(), st.sampled_from(sorted(SCENARIOS)), st.integers(1, 4))
def test_one_family_unit_answers_as_the_vectorized_path(
    data: st.DataObject, scenario: str, size: int
) -> None:
    where = data.draw(encounter())
    family = [
        {"person_id": f"M-{i}", "group_id": "F-1", **where, **data.draw(person("FMUA"))}
        for i in range(size)
    ]
    _same(family, SCENARIOS[scenario], data.draw(as_of(where["encounter_date"])))


def test_a_record_answers_alone_as_it_does_among_others() -> None:
    """The public path: alone (one call) and in a list with another family (vectorized)."""
    history = SCENARIOS["history"]
    one = {
        "person_id": "A",
        "encounter_date": "2020-01-15",
        "sector": "EPT",
        "citizenship": "HN",
        "demographic": "SA",
        "claims_fear": None,
        "language": None,
    }
    other = {**one, "person_id": "B", "citizenship": "MX", "sector": "SDC"}
    alone = determine_records(one, history)
    among = determine_records([one, other], history)
    assert alone.answer(0) == among.answer(0)
    assert alone.answer(0)["branches"], "an unknown fear claim has branches to compare"


def test_a_family_too_large_for_one_call_is_answered_by_the_vectorized_path() -> None:
    history = SCENARIOS["history"]
    member = {
        "encounter_date": "2020-01-15",
        "sector": "EPT",
        "citizenship": "HN",
        "demographic": "FMUA",
        "group_id": "F",
    }
    family = [{**member, "person_id": f"M-{i}"} for i in range(40)]
    table = from_json(family, "records", history.tree, answerable=True)
    assert determine_family(history.tree, table, None) is None  # more than MAX_ROWS rows
    _same(family, history, None)


@settings(
    max_examples=max(EXAMPLES // 6, 20),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.data(), st.sampled_from(sorted(SCENARIOS)), st.integers(2, 12))
def test_many_records_explained_together_answer_as_each_explained_alone(
    data: st.DataObject, scenario: str, size: int
) -> None:
    """What records alike share is worked out once (`explain`'s memo): records of a few
    places and days, some the same person again, some the same facts under another id, give
    exactly what each row's explanation alone gives."""
    places = data.draw(st.lists(encounter(), min_size=1, max_size=3))
    people = data.draw(st.lists(person(), min_size=1, max_size=4))
    records = [
        {
            "person_id": f"P-{i}",
            **data.draw(st.sampled_from(places)),
            **data.draw(st.sampled_from(people)),
        }
        for i in range(size)
    ]
    day = data.draw(st.sampled_from([None, LAST]))
    _same(records, SCENARIOS[scenario], day)


@settings(
    max_examples=max(EXAMPLES // 6, 20),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.data(), st.sampled_from(sorted(SCENARIOS)), st.integers(2, 8))
def test_records_answered_together_each_answer_as_alone_byte_for_byte(
    data: st.DataObject, scenario: str, size: int
) -> None:
    """`together.each_alone`: requests that arrived together, one vectorized pass, each the
    JSON its record alone gets (same person_id and group_id in several records, screening
    outcomes in different orders, a record determined before its encounter)."""
    chosen = SCENARIOS[scenario]
    places = data.draw(st.lists(encounter(), min_size=1, max_size=3))
    if data.draw(st.booleans()):  # where and when the Guatemala agreement reads the outcomes
        places.append({"encounter_date": "2020-01-15", "sector": "EPT"})
    records = []
    for _ in range(size):
        record = {"person_id": "P-1", **data.draw(st.sampled_from(places)), **data.draw(person())}
        if record["demographic"] == "FMUA" and data.draw(st.booleans()):
            record["group_id"] = "G-1"
        records.append(record)
        fear = record.get("aca_fear_established")
        if fear and data.draw(st.booleans()):  # the same outcomes in the other order
            records.append({**record, "aca_fear_established": dict(reversed(fear.items()))})
    day = data.draw(st.sampled_from([None, LAST, FIRST]))
    together = each_alone(records, chosen, as_of=day)
    for record, answer in zip(records, together, strict=True):
        try:
            alone = determine_records(record, chosen, as_of=day).answer(0)
        except UserError:
            assert answer is None
            continue
        assert json.dumps(answer) == json.dumps(alone)


def test_screening_outcomes_in_another_order_keep_their_record_s_order_together() -> None:
    """An answer lists the outcomes in its record's order, alone or among others."""
    history = SCENARIOS["history"]
    record = {
        "person_id": "A",
        "encounter_date": "2020-01-15",
        "sector": "EPT",
        "citizenship": "HN",
        "demographic": "SA",
        "claims_fear": True,
    }
    one = {**record, "aca_fear_established": {"SV": False, "GT": False}}
    other = {**record, "aca_fear_established": {"GT": False, "SV": False}}
    together = each_alone([one, other], history)
    for r, answer in zip((one, other), together, strict=True):
        assert json.dumps(answer) == json.dumps(determine_records(r, history).answer(0))
    shown = [
        list(s["inputs"]["aca_fear_established"])
        for a in together
        if a is not None
        for s in a["explanation"]
        if s["program"] == "ACA_GT"
    ]
    assert shown == [["SV", "GT"], ["GT", "SV"]]
