"""The criminal-history exclusion some 2025 partners set (Uganda) decides only where listed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from asylum_pathways.io.encounters import from_json
from asylum_pathways.params import ParameterTree, load_tree
from asylum_pathways.params.model import DatedValue
from asylum_pathways.rules.engine import determine
from asylum_pathways.rules.explain import explain
from helpers import record

DAY = dt.date(2025, 11, 1)


def _operating_uganda() -> ParameterTree:
    """The history tree with transfers to Uganda operating for Congolese single adults."""
    tree = load_tree()
    changed = {}
    for leaf, value in (
        ("transfers_operating", True),
        ("amenable_nationalities", ["CD"]),
        ("amenable_demographics", ["SA"]),
        ("implementing_sectors", "all"),
    ):
        param = tree.agreement("UG", leaf)
        changed[param.name] = param.with_values(
            (*param.values, DatedValue(DAY, value, param.references))
        )
    return tree.replaced(changed)


def _answer(tree: ParameterTree, **fields: Any) -> dict[str, Any]:
    case = record(
        person_id="t", encounter_date=DAY.isoformat(), citizenship="CD", language="fr", **fields
    )
    table = from_json(case, "case", tree)
    det = determine(tree, table.encounters)
    return explain(tree, table.encounters, det, 0, "t", "test")


def _rule(answer: dict[str, Any], program: str) -> str:
    return next(s["rule"] for s in answer["explanation"] if s["program"] == program)


def test_a_person_with_a_criminal_record_is_not_sent_to_a_partner_that_excludes_them() -> None:
    answer = _answer(_operating_uganda(), criminal_history=True)
    assert answer["amenable"]["ACA_UG"] is False
    assert _rule(answer, "ACA_UG") == "aca.excluded_criminal_history"


def test_a_person_without_a_criminal_record_is_sent_to_that_partner() -> None:
    answer = _answer(_operating_uganda(), criminal_history=False)
    assert answer["pathway"] == "ACA_TRANSFER" and answer["receiving_country"] == "UG"


def test_an_unknown_criminal_record_leaves_the_transfer_unknown_and_names_the_fact() -> None:
    answer = _answer(_operating_uganda(), criminal_history=None)
    assert answer["amenable"]["ACA_UG"] is None
    assert "criminal_history" in answer["missing_facts"]


def test_a_partner_that_does_not_list_the_exclusion_ignores_a_criminal_record() -> None:
    tree = load_tree()
    case = record(
        person_id="t", encounter_date="2025-11-25", citizenship="MX", criminal_history=True
    )
    table = from_json(case, "case", tree)
    det = determine(tree, table.encounters)
    result = explain(tree, table.encounters, det, 0, "t", "history")
    assert result["amenable"]["ACA_HN"] is True
