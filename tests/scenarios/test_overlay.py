"""Scenarios overlay the tree and are validated atomically before anything runs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from asylum_pathways.errors import ParameterError
from asylum_pathways.params import ParameterTree
from asylum_pathways.scenarios import builtin_names, load_scenario


def test_the_three_built_in_scenarios_exist(tree: ParameterTree) -> None:
    assert {"history", "outlook-2020-03-10", "ninth-circuit-injunction"} <= set(builtin_names())
    assert load_scenario("history", tree).tree.fingerprint() == tree.fingerprint()


def test_the_outlook_has_no_title42_and_two_new_agreements(tree: ParameterTree) -> None:
    outlook = load_scenario("outlook-2020-03-10", tree).tree
    assert outlook.get("law.title42.in_force").at(dt.date(2020, 6, 1)) is None
    sv = outlook.get("law.aca.agreements.sv.transfers_operating")
    assert sv.at(dt.date(2020, 3, 30)) is False and sv.at(dt.date(2020, 3, 31)) is True
    assert outlook.get("law.aca.agreements.sv.amenable_nationalities").at(dt.date(2020, 4, 1)) == [
        "HN",
        "MX",
    ]


def test_the_injunction_scenario_extends_the_outlook(tree: ParameterTree) -> None:
    s = load_scenario("ninth-circuit-injunction", tree)
    assert "law.title42.in_force" in s.changed
    stayed = s.tree.get("law.courts.mpp_injunction.stayed")
    assert stayed.at(dt.date(2020, 3, 11)) is True and stayed.at(dt.date(2020, 3, 12)) is False


def test_a_range_with_an_end_restores_the_tree_value_afterwards(
    tree: ParameterTree, tmp_path: Path
) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        "name: pause\ndescription: MPP paused for a month.\nlaw:\n  mpp.enrolment_in_force:\n"
        "    - {from: 2019-06-01, to: 2019-06-30, value: false}\n"
    )
    param = load_scenario(str(path), tree).tree.get("law.mpp.enrolment_in_force")
    assert [
        param.at(dt.date(2019, 5, 31)),
        param.at(dt.date(2019, 6, 15)),
        param.at(dt.date(2019, 7, 1)),
        param.at(dt.date(2021, 1, 21)),
    ] == [True, False, True, False]


def test_every_problem_in_a_scenario_is_listed_before_anything_runs(
    tree: ParameterTree, tmp_path: Path
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "name: bad\n"
        "law:\n"
        "  mpp.no_such_thing:\n    - {from: 2020-01-01, value: true}\n"
        "  mpp.enrolment_in_force:\n    - {from: 2020-01-01, value: maybe}\n"
        "  title42.in_force:\n"
        "    - {from: 2020-04-01, to: 2020-05-31, value: true}\n"
        "    - {from: 2020-05-01, value: null}\n"
        "assumptions:\n  mpp.ports_active:\n    - {from: 2020-01-01, value: [SYS]}\n"
        "  colour: 1\n"
    )
    with pytest.raises(ParameterError) as info:
        load_scenario(str(path), tree)
    message = str(info.value)
    assert "nothing was run" in message
    assert "unknown parameter 'mpp.no_such_thing'" in message
    assert "expected true or false, got 'maybe'" in message
    assert "overlaps the change from 2020-04-01" in message
    assert "it is under law:" in message
    assert message.count(str(path)) >= 4


def test_an_unknown_scenario_name_lists_the_built_in_ones(tree: ParameterTree) -> None:
    with pytest.raises(ParameterError, match="history"):
        load_scenario("no-such-scenario", tree)


def test_a_scenario_value_cites_only_its_own_reference(tree: ParameterTree, tmp_path: Path) -> None:
    """The overlay's reference is the scenario's, not every value's; a value without one of
    its own borrows no other value's sources and says which scenario set it."""
    path = tmp_path / "s.yaml"
    path.write_text(
        "name: pause\ndescription: MPP paused.\n"
        "reference: [{title: A news story, href: 'https://example.org/story'}]\n"
        "law:\n  mpp.enrolment_in_force:\n    - {from: 2019-06-01, to: 2019-06-30, value: false}\n"
        "  title42.in_force:\n    - {from: 2020-03-21, value: null,\n"
        "       reference: [{title: The order withdrawn, href: 'https://example.org/order'}]}\n"
    )
    scenario = load_scenario(str(path), tree)
    assert [r.title for r in scenario.references] == ["A news story"]
    mpp = scenario.tree.get("law.mpp.enrolment_in_force")
    paused = mpp.entry_at(dt.date(2019, 6, 15))
    assert paused is not None and paused.set_by_scenario
    assert mpp.effective_references(paused) == ()
    after = mpp.entry_at(dt.date(2019, 7, 1))
    assert after is not None and not after.set_by_scenario
    assert mpp.effective_references(after) == tree.get(mpp.name).effective_references(after)
    t42 = scenario.tree.get("law.title42.in_force")
    assert [r.title for r in t42.effective_references(t42.entry_at(dt.date(2020, 6, 1)))] == [
        "The order withdrawn"
    ]


def test_the_outlook_cites_its_story_only_for_the_values_it_supports(tree: ParameterTree) -> None:
    outlook = load_scenario("outlook-2020-03-10", tree).tree
    day = dt.date(2020, 6, 1)

    def titles(name: str) -> list[str]:
        param = outlook.get(name)
        return [r.title for r in param.effective_references(param.entry_at(day))]

    assert titles("law.aca.agreements.sv.transfers_operating")[0].startswith("BuzzFeed")
    assert titles("law.title42.in_force") == []
    assert titles("law.aca.agreements.hn.amenable_nationalities") == []
    assert titles("assumptions.mpp.enrolment_capacity") == []
