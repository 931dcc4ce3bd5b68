"""Generated docs are current: the CLI reference, schema, timeline, assumptions, outputs and the
architecture (whose hand-written part names only files that exist)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from asylum_pathways.architecture import KEEP, REPO, SRC, architecture, hand_written, modules
from asylum_pathways.docs import DOCS, generated

GENERATED = generated()


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_doc_is_current(name: str) -> None:
    path = DOCS / name
    assert path.exists(), f"docs/{name} is missing: run `make docs`"
    assert path.read_text() == GENERATED[name], f"docs/{name} is stale: run `make docs`"


def test_the_timeline_lists_every_dated_law_value() -> None:
    from asylum_pathways.params import load_tree

    timeline = GENERATED["legal-timeline.md"]
    for param in load_tree():
        if param.section == "law":
            assert f"`{param.name}`" in timeline


def test_hand_written_docs_exist() -> None:
    for name in ("tutorial.md", "architecture.md"):
        assert (Path(DOCS) / name).exists()


def test_the_architecture_is_regenerated_above_the_marker_and_kept_below_it() -> None:
    prose = "## A decision\n\nProse a person wrote, `kept` as it is.\n"
    text = architecture(f"# An old generated part\n\n{KEEP}\n\n{prose}")
    assert text.endswith(f"{KEEP}\n\n{prose}")
    assert "An old generated part" not in text
    assert hand_written(text) == prose
    assert hand_written("a file without the marker") == ""


def test_the_architecture_names_every_contract_and_every_package() -> None:
    text = GENERATED["architecture.md"]
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    for contract in config["tool"]["importlinter"]["contracts"]:
        assert f"### {contract['name']}\n" in text
    packages = [m.name.removeprefix("asylum_pathways.") for m in modules() if m.package]
    assert "sim.runs" in packages
    for name in packages[1:]:
        assert f"| `{name}` |" in text, f"package {name} is missing from docs/architecture.md"


def test_every_file_the_hand_written_architecture_names_exists() -> None:
    """The prose says where things live (`rules/engine.py`, `charts/spec.py`): a module moved
    or renamed without the prose following is a stale house plan."""
    prose = hand_written((DOCS / "architecture.md").read_text(encoding="utf-8"))
    named = set(re.findall(r"`([\w./-]+\.(?:py|j2|yaml))`", prose))
    assert named, "the hand-written part of docs/architecture.md names no file"
    files = [
        f.relative_to(REPO).as_posix() for d in (SRC, REPO / "benchmarks") for f in d.rglob("*")
    ]
    missing = sorted(n for n in named if not any(f == n or f.endswith(f"/{n}") for f in files))
    assert not missing, f"docs/architecture.md names files that do not exist: {missing}"
