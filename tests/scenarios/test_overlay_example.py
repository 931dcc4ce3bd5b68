"""The scenario file shown in `scenarios/overlay.py`'s docstring loads as it is written."""

from __future__ import annotations

import datetime as dt
import textwrap

import yaml

from asylum_pathways.params import ParameterTree
from asylum_pathways.scenarios import load_overlay, overlay


def test_the_documented_scenario_file_loads(tree: ParameterTree) -> None:
    doc = overlay.__doc__ or ""
    block = doc.split("A scenario file:\n\n", 1)[1].split("\n\n", 1)[0]
    data = yaml.safe_load(textwrap.dedent(block))
    scenario = load_overlay(data, tree, "overlay.py docstring")
    cap = scenario.tree.get("assumptions.aca.agreements.sv.annual_cap")
    assert cap.at(dt.date(2020, 3, 31)) == 2000
    assert scenario.tree.get("law.mpp.enrolment_in_force").at(dt.date(2020, 4, 1)) is False
