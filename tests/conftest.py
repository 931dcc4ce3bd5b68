"""Shared fixtures: the bundled parameter tree, loaded once; a cache folder of the session's own."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from asylum_pathways.params import ParameterTree, load_tree


@pytest.fixture(scope="session")
def tree() -> ParameterTree:
    return load_tree()


def pytest_configure(config: pytest.Config) -> None:
    """Tests (and the CLI processes they start) use a fresh cache folder, never the user's."""
    if "ASYLUM_PATHWAYS_CACHE_DIR" not in os.environ:
        folder = tempfile.mkdtemp(prefix="asylum-pathways-test-cache-")
        os.environ["ASYLUM_PATHWAYS_CACHE_DIR"] = folder
        config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))
