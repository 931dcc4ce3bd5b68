"""The single-case path and the vectorized path give the same answers on random records."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from asylum_pathways import codes
from asylum_pathways.io.encounters import from_json
from asylum_pathways.params import ParameterTree, load_tree
from asylum_pathways.rules.engine import determine
from asylum_pathways.rules.explain import explain
from asylum_pathways.scenarios import load_scenario
from helpers import record

TREE = load_tree()
TREES = {
    "history": TREE,
    "ninth-circuit-injunction": load_scenario("ninth-circuit-injunction", TREE).tree,
}
OPTIONAL_BOOL = st.one_of(st.none(), st.booleans())
PORT_SECTOR: dict[str, str] = TREE.get("law.geo.port_sector").values[-1].value


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    record: dict[str, Any] = {
        "encounter_date": draw(st.dates(dt.date(2019, 1, 1), dt.date(2026, 12, 1))).isoformat(),
        "sector": draw(st.sampled_from(codes.SECTORS)),
        "citizenship": draw(
            st.sampled_from(
                ["GT", "HN", "SV", "MX", "CU", "BR", "EC", "XX", "VE", "CO", "NI", "IN", "CD"]
            )
        ),
        "demographic": draw(st.sampled_from(codes.DEMOGRAPHICS)),
        "language": draw(st.sampled_from(["es", "pt", "en", None])),
    }
    ports = sorted(p for p, s in PORT_SECTOR.items() if s == record["sector"])
    if ports and draw(st.booleans()):  # a port lies in its sector (law.geo.port_sector)
        record["port"] = draw(st.sampled_from(ports))
    if record["citizenship"] == "XX":
        record["habitual_residence"] = draw(st.sampled_from(["GT", "HN", "SV", None]))
    for flag in (
        "claims_fear",
        "valid_travel_documents",
        "criminal_history",
        "known_health_issue",
        "returning_lpr",
        "advance_parole",
        "mexico_fear_established",
        "cbp_one_appointment",
        "compelling_circumstances_established",
    ):
        record[flag] = draw(OPTIONAL_BOOL)
    if draw(st.booleans()):
        record["aca_fear_established"] = {
            draw(st.sampled_from(["GT", "HN", "UG"])): draw(st.booleans())
        }
    return record


def _answer(tree: ParameterTree, recs: list[dict[str, Any]], scenario: str) -> list[dict[str, Any]]:
    table = from_json(recs, "property", tree)
    det = determine(tree, table.encounters)
    return [
        explain(tree, table.encounters, det, i, recs[i]["person_id"], scenario)
        for i in range(len(recs))
    ]


@settings(max_examples=60, deadline=None)
@given(st.lists(records(), min_size=1, max_size=25), st.sampled_from(sorted(TREES)))
def test_one_case_at_a_time_agrees_with_the_whole_table(
    recs: list[dict[str, Any]], scenario: str
) -> None:
    tree = TREES[scenario]
    for i, r in enumerate(recs):
        r["person_id"] = f"p{i}"
    together = _answer(tree, recs, scenario)
    for i, r in enumerate(recs):
        (alone,) = _answer(tree, [r], scenario)
        assert alone == together[i]


@settings(max_examples=30, deadline=None)
@given(st.lists(records(), min_size=2, max_size=6))
def test_members_of_a_family_unit_share_one_pathway(recs: list[dict[str, Any]]) -> None:
    for i, r in enumerate(recs):
        r.update(
            person_id=f"m{i}",
            group_id="family-1",
            demographic="FMUA",
            encounter_date=recs[0]["encounter_date"],
            sector=recs[0]["sector"],
        )
        r.pop("port", None)
    answers = _answer(TREE, recs, "history")
    assert len({(a["pathway"], a["receiving_country"]) for a in answers}) == 1
    assert all(a["family_size"] == len(recs) for a in answers)


def test_an_unsorted_table_of_families_is_grouped_correctly() -> None:
    base = record(encounter_date="2019-12-20", demographic="FMUA")
    recs = [
        {**base, "person_id": "a1", "group_id": "A", "citizenship": "HN"},
        {**base, "person_id": "b1", "group_id": "B", "citizenship": "HN"},
        {**base, "person_id": "a2", "group_id": "A", "citizenship": "GT"},
        {**base, "person_id": "b2", "group_id": "B", "citizenship": "SV"},
    ]
    answers = _answer(TREE, recs, "history")
    pathways = [a["pathway"] for a in answers]
    # family A has a Guatemalan member, who cannot be sent to Guatemala: the family goes to MPP
    assert pathways == ["MPP_RETURN", "ACA_TRANSFER", "MPP_RETURN", "ACA_TRANSFER"]
    assert np.all([a["family_size"] == 2 for a in answers])
