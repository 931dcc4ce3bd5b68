"""YAML files: libyaml's parser, line numbers, duplicate keys, and aliases refused up front."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from asylum_pathways.errors import ParameterError
from asylum_pathways.params.loader import default_root
from asylum_pathways.params.yamlio import LineDict, has_libyaml, load_yaml
from asylum_pathways.scenarios.overlay import builtin_dir
from helpers import cli

EXAMPLE = str(
    Path(__file__).parents[2] / "src/asylum_pathways/examples/honduran-adult-el-paso.json"
)


def _laughs(levels: int) -> str:
    """A scenario whose aliases stand for 9**levels strings ("billion laughs" at 9 levels)."""
    lines = ["name: laughs", 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def _error(text: str, tmp_path: Path) -> str:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ParameterError) as info:
        load_yaml(path)
    return str(info.value)


def test_this_pyyaml_has_libyaml_so_files_are_parsed_in_c() -> None:
    assert has_libyaml()


def test_a_billion_laughs_scenario_exits_2_naming_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "laughs.yaml"
    path.write_text(_laughs(9))
    done = cli("determine", EXAMPLE, "--scenario", str(path))
    assert done.returncode == 2, done.stderr
    assert f"{path} line 3 (item 1 of the list): YAML aliases are not allowed" in done.stderr
    assert "anchored at line 2" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_aliases_are_refused_before_any_value_is_built(tmp_path: Path) -> None:
    # 9**60 values if expanded: this test could only finish because nothing is expanded.
    assert "line 3 (item 1 of the list): YAML aliases" in _error(_laughs(60), tmp_path)


def test_merge_keys_recursive_and_list_aliases_are_refused(tmp_path: Path) -> None:
    merge = "base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n"
    assert "line 3: YAML aliases are not allowed" in _error(merge, tmp_path)
    recursive = "a: &a [1, *a]\n"
    assert "line 1 (item 2 of the list): YAML aliases" in _error(recursive, tmp_path)
    in_list = "a: &x 1\nb:\n  - 2\n  - *x\n"
    assert "line 3 (item 2 of the list): YAML aliases are not allowed" in _error(in_list, tmp_path)


def test_an_anchor_used_nowhere_is_harmless(tmp_path: Path) -> None:
    path = tmp_path / "anchor.yaml"
    path.write_text("a: &x [1, 2]\nb: 3\n")
    assert load_yaml(path) == {"a": [1, 2], "b": 3}


def test_duplicate_keys_are_refused_by_both_parsers(tmp_path: Path) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text("a: 1\nb:\n  c: 2\n  c: 3\n")
    for libyaml in (True, False):
        with pytest.raises(
            ParameterError, match=r"dup.yaml line 4: duplicate key 'c' \(first at line 3\)"
        ):
            load_yaml(path, libyaml=libyaml)


def _lines(value: object) -> object:
    """The value with every mapping's line numbers, to compare two parses exactly."""
    if isinstance(value, LineDict):
        return {
            "line": value.line,
            "keys": dict(value.key_lines),
            "items": {json.dumps(k, default=str): _lines(v) for k, v in value.items()},
        }
    if isinstance(value, list):
        return [_lines(v) for v in value]
    return [type(value).__name__, value]


def test_libyaml_and_pure_python_parse_every_bundled_file_identically() -> None:
    files = [*sorted(default_root().rglob("*.yaml")), *sorted(builtin_dir().glob("*.yaml"))]
    assert len(files) > 50
    for path in files:
        fast, slow = load_yaml(path), load_yaml(path, libyaml=False)
        assert _lines(fast) == _lines(slow), path


def test_impossible_scalars_control_characters_and_list_keys_name_file_and_line(
    tmp_path: Path,
) -> None:
    for libyaml in (True, False):
        for text, expected in (
            ("a: 1\nd: 2020-02-30\n", "line 2: '2020-02-30' is not a valid date"),
            ("a: 1\nd: 2020-13-01\n", "line 2: '2020-13-01' is not a valid date"),
            ("é: 1\nb: x\x07\n", "line 2: invalid YAML (character U+0007"),
            ("a: 1\n? [1, 2]\n: 3\n", "line 2: a list as a mapping key"),
        ):
            path = tmp_path / "bad.yaml"
            path.write_text(text, encoding="utf-8")
            with pytest.raises(ParameterError) as info:
                load_yaml(path, libyaml=libyaml)
            assert expected in str(info.value), (libyaml, text)
