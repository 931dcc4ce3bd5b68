"""Shared fixtures: the bundled parameter tree, loaded once."""

from __future__ import annotations

import pytest

from asylum_pathways.params import ParameterTree, load_tree


@pytest.fixture(scope="session")
def tree() -> ParameterTree:
    return load_tree()
