"""The loader refuses a bad parameter file with a message naming file, line, key and problem."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from asylum_pathways.errors import ParameterError
from asylum_pathways.params import load_tree
from asylum_pathways.params.loader import default_root

GOOD = """\
description: A test flag.
metadata:
  label: Test flag
  unit: bool
  reference:
    - {title: A source, href: https://example.org/source}
values:
  2020-01-01: {value: true}
"""


def _tree_with(tmp_path: Path, text: str, name: str = "law/test/flag.yaml") -> Path:
    root = tmp_path / "parameters"
    shutil.copytree(default_root(), root)
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return root


def _error(root: Path) -> str:
    with pytest.raises(ParameterError) as info:
        load_tree(root)
    return str(info.value)


def test_a_good_file_loads(tmp_path: Path) -> None:
    tree = load_tree(_tree_with(tmp_path, GOOD))
    assert tree.get("law.test.flag").values[0].value is True


def test_duplicate_keys_are_refused_with_both_lines(tmp_path: Path) -> None:
    text = GOOD + "  2020-01-01: {value: false}\n"
    message = _error(_tree_with(tmp_path, text))
    assert "flag.yaml line 9: duplicate key" in message and "first at line 8" in message


def test_dates_out_of_order_are_refused(tmp_path: Path) -> None:
    text = GOOD.replace(
        "  2020-01-01: {value: true}\n",
        "  2020-02-01: {value: true}\n  2020-01-01: {value: false}\n",
    )
    message = _error(_tree_with(tmp_path, text))
    assert "line 9: date 2020-01-01 is not after the previous date 2020-02-01" in message


def test_unknown_keys_are_refused(tmp_path: Path) -> None:
    message = _error(_tree_with(tmp_path, GOOD + "colour: red\n"))
    assert "unknown key 'colour'" in message and "flag.yaml line 9" in message
    message = _error(
        _tree_with(tmp_path / "b", GOOD.replace("unit: bool", "unit: bool\n  units: x"))
    )
    assert "unknown metadata key 'units'" in message


def test_a_value_without_any_reference_up_its_tree_is_refused(tmp_path: Path) -> None:
    text = GOOD.replace(
        "  reference:\n    - {title: A source, href: https://example.org/source}\n", ""
    )
    message = _error(_tree_with(tmp_path, text))
    assert "flag.yaml line 6: the value of 2020-01-01 has no reference" in message


def test_a_folder_index_reference_covers_the_files_below_it(tmp_path: Path) -> None:
    text = GOOD.replace(
        "  reference:\n    - {title: A source, href: https://example.org/source}\n", ""
    )
    root = _tree_with(tmp_path, text)
    (root / "law/test/index.yaml").write_text(
        "description: Tests.\nmetadata:\n  reference:\n    - {title: Folder source, href: https://example.org/f}\n"
    )
    tree = load_tree(root)
    assert tree.get("law.test.flag").references[0].title == "Folder source"


@pytest.mark.parametrize(
    ("unit_and_items", "value", "expected"),
    [
        ("unit: bool", "3", "expected true or false, got 3"),
        ("unit: rate", "1.5", "expected a number between 0 and 1, got 1.5"),
        ("unit: persons_per_week", "-2", "expected a number >= 0, got -2"),
        ("unit: list\n  items: country", "[Guatemala]", "'Guatemala' is not a valid country code"),
        ("unit: list\n  items: sector", "[XYZ]", "'XYZ' is not a valid sector code"),
        ("unit: colour", "true", "metadata.unit 'colour' is not a known unit"),
    ],
)
def test_wrong_units_and_types_are_refused(
    tmp_path: Path, unit_and_items: str, value: str, expected: str
) -> None:
    text = GOOD.replace("unit: bool", unit_and_items).replace(
        "{value: true}", f"{{value: {value}}}"
    )
    assert expected in _error(_tree_with(tmp_path, text))


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    root = _tree_with(tmp_path, GOOD + "colour: red\n")
    (root / "law/test/other.yaml").write_text(GOOD.replace("unit: bool", "unit: colour"))
    message = _error(root)
    assert "2 problem(s)" in message
