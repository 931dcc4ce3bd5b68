"""Generated docs are current: the CLI reference, schema, timeline and assumptions."""

from __future__ import annotations

from pathlib import Path

import pytest

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
