"""A new Asylum Cooperative Agreement needs only parameter files, no code change."""

from __future__ import annotations

import shutil
from pathlib import Path

from asylum_pathways.io.encounters import from_json
from asylum_pathways.params import load_tree
from asylum_pathways.params.loader import default_root
from asylum_pathways.rules.engine import determine
from asylum_pathways.rules.explain import explain
from helpers import record

REF = "  reference:\n    - {title: Hypothetical agreement for the test, href: https://example.org/aca-dm}\n"


def _write(folder: Path, leaf: str, unit: str, value: str, items: str = "") -> None:
    items_line = f"  items: {items}\n" if items else ""
    (folder / f"{leaf}.yaml").write_text(
        f"description: Test agreement {leaf}.\nmetadata:\n  label: Dominica {leaf}\n"
        f"  unit: {unit}\n{items_line}{REF}values:\n  2025-07-01: {{value: {value}}}\n"
    )


def test_adding_an_agreement_folder_adds_a_program(tmp_path: Path) -> None:
    root = tmp_path / "parameters"
    shutil.copytree(default_root(), root)
    folder = root / "law/aca/agreements/dm"
    folder.mkdir()
    _write(folder, "in_force", "bool", "true")
    _write(folder, "transfers_operating", "bool", "true")
    _write(folder, "amenable_nationalities", "list", "[HN, SV, GT]", "country")
    _write(folder, "amenable_demographics", "list", "[SA]", "demographic")
    _write(folder, "implementing_sectors", "list", "all", "sector")
    _write(
        folder,
        "exclusions",
        "list",
        "[nationals_of_receiving_country, unaccompanied_children]",
        "aca_exclusion",
    )
    _write(folder, "assignment_rank", "count", "4")
    tree = load_tree(root)
    assert "DM" in tree.receiving_countries()
    case = record(person_id="t", encounter_date="2025-08-15", sector="RGV", citizenship="GT")
    table = from_json(case, "case", tree)
    det = determine(tree, table.encounters)
    answer = explain(tree, table.encounters, det, 0, "t", "history")
    assert answer["amenable"]["ACA_DM"] is True
    assert answer["pathway"] == "ACA_TRANSFER" and answer["receiving_country"] == "DM"
