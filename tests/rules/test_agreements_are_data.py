"""A new Asylum Cooperative Agreement needs only parameter files, no code change."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from asylum_pathways.errors import ParameterError
from asylum_pathways.io.encounters import from_json
from asylum_pathways.params import load_tree
from asylum_pathways.params.loader import default_root
from asylum_pathways.rules.engine import determine
from asylum_pathways.rules.explain import explain
from helpers import add_partner, record


def test_adding_an_agreement_folder_adds_a_program(tmp_path: Path) -> None:
    root = tmp_path / "parameters"
    shutil.copytree(default_root(), root)
    add_partner(root)
    tree = load_tree(root)
    assert "DM" in tree.receiving_countries()
    case = record(person_id="t", encounter_date="2025-08-15", sector="RGV", citizenship="GT")
    table = from_json(case, "case", tree)
    det = determine(tree, table.encounters)
    answer = explain(tree, table.encounters, det, 0, "t", "history")
    assert answer["amenable"]["ACA_DM"] is True
    assert answer["pathway"] == "ACA_TRANSFER" and answer["receiving_country"] == "DM"


def test_an_agreement_without_its_operating_assumptions_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "parameters"
    shutil.copytree(default_root(), root)
    add_partner(root)
    (root / "assumptions/aca/agreements/dm/daily_limit.yaml").unlink()
    with pytest.raises(ParameterError, match=r"agreement DM: missing .*daily_limit"):
        load_tree(root)
