"""Every `>>>` example in a docstring under src/ runs as a test (a documented example that
fails is a bug a newcomer meets first)."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

import asylum_pathways

SRC = Path(asylum_pathways.__file__).parent
WITH_EXAMPLES = sorted(
    ".".join(("asylum_pathways", *p.relative_to(SRC).with_suffix("").parts))
    for p in SRC.rglob("*.py")
    if ">>>" in p.read_text(encoding="utf-8")
)


def test_some_modules_have_examples() -> None:
    assert WITH_EXAMPLES


@pytest.mark.parametrize("name", WITH_EXAMPLES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted, f"{name}: no example was collected"
    assert result.failed == 0, f"{name}: {result.failed} of {result.attempted} examples failed"
