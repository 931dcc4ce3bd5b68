"""A scenario file may name itself for readers; without a label its name is used."""

from __future__ import annotations

from pathlib import Path

from asylum_pathways.params.loader import load_tree
from asylum_pathways.scenarios.overlay import builtin_names, load_scenario


def test_every_built_in_scenario_has_a_label_for_readers() -> None:
    tree = load_tree()
    for name in builtin_names():
        scenario = load_scenario(name, tree)
        assert scenario.label and scenario.label != scenario.name, name


def test_a_scenario_without_a_label_is_shown_by_its_name(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("name: mine\ndescription: d\nextends: outlook-2020-03-10\nlaw: {}\n")
    scenario = load_scenario(str(path), load_tree())
    assert scenario.label == "mine"
    assert scenario.extends == "outlook-2020-03-10"
