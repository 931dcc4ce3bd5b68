"""Shared fixtures: the bundled parameter tree, loaded once."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from asylum_pathways.params import ParameterTree, load_tree


@pytest.fixture(scope="session")
def tree() -> ParameterTree:
    return load_tree()
