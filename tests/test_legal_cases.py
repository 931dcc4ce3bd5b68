"""Legal test cases: YAML files under tests/legal/, one sentence-named case each.

Case format (see tests/legal/README.md):

    - name: A Salvadoran adult apprehended in El Paso on 2019-11-18 is not yet amenable to the Guatemala ACA
      date: 2019-11-18               # the day of the determination and, unless the input
                                     # says otherwise, of the encounter
      scenario: history              # optional; built-in name
      input: {citizenship: SV, sector: EPT}          # or a list of family members
      output:
        pathway: CREDIBLE_FEAR
        receiving_country: null
        amenable: {ACA_GT: false}
        rules: {ACA_GT: aca.transfers_operating}
        missing_facts: [criminal_history]

Input fields not given take the defaults in BASE (a complete record of a Spanish-speaking
single adult who claims fear, with no exclusion flags); a field set to null is unknown.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from asylum_pathways.io.encounters import day_numbers, from_json
from asylum_pathways.params import ParameterTree, load_tree
from asylum_pathways.rules.engine import determine
from asylum_pathways.rules.explain import explain
from asylum_pathways.scenarios import load_scenario
from helpers import COMPLETE

LEGAL = Path(__file__).parent / "legal"
BASE: dict[str, Any] = COMPLETE


def _cases() -> list[Any]:
    found = []
    for path in sorted(LEGAL.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text()) or []:
            found.append(pytest.param(path.name, case, id=f"{path.stem}: {case['name']}"))
    return found


CASES = _cases()
_TREES: dict[str, ParameterTree] = {}


def _tree(name: str) -> ParameterTree:
    if name not in _TREES:
        base = _TREES.setdefault("__base__", load_tree())
        _TREES[name] = base if name == "history" else load_scenario(name, base).tree
    return _TREES[name]


def _members(case: dict[str, Any], day: dt.date) -> list[dict[str, Any]]:
    raw = case["input"] if isinstance(case["input"], list) else [case["input"]]
    members = []
    for i, member in enumerate(raw):
        record = {**BASE, "encounter_date": day.isoformat(), "person_id": f"case-{i}", **member}
        if isinstance(record["encounter_date"], dt.date):
            record["encounter_date"] = record["encounter_date"].isoformat()
        members.append({k: v for k, v in record.items()})
    return members


def test_there_are_enough_legal_cases() -> None:
    assert len(CASES) >= 312


@pytest.mark.parametrize(("file", "case"), CASES)
def test_legal_case(file: str, case: dict[str, Any]) -> None:
    day = case["date"]
    scenario = case.get("scenario", "history")
    tree = _tree(scenario)
    members = _members(case, day)
    table = from_json(members, f"{file}: {case['name']}", tree)
    det = determine(tree, table.encounters, day_numbers(day, len(members)))
    expected = case["output"]
    for row in range(len(members)):
        answer = explain(tree, table.encounters, det, row, members[row]["person_id"], scenario)
        actual = {
            "pathway": answer["pathway"],
            "receiving_country": answer["receiving_country"],
            "amenable": {k: answer["amenable"][k] for k in expected.get("amenable", {})},
            "rules": {
                step["program"]: step["rule"]
                for step in answer["explanation"]
                if step["program"] in expected.get("rules", {})
            },
            "missing_facts": answer["missing_facts"],
        }
        wanted = {k: expected[k] for k in actual if k in expected}
        got = {k: actual[k] for k in wanted}
        assert got == wanted, (
            f"\n{file}: {case['name']}\n  date: {day}  scenario: {scenario}  member: {row}"
            f"\n  expected: {wanted}\n  actual:   {got}"
        )
