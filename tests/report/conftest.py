"""A small results folder of the built-in study's three scenarios over 2020 (two
replications), written once per session; tests that change it work on a copy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers import cli


@pytest.fixture(scope="session")
def results_2020(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("results") / "2020"
    run = cli(
        "simulate", "--start", "2020-01-01", "--end", "2020-12-31", "--reps", "2",
        "--no-progress", "--no-report", "--out", str(out),
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    return out


@pytest.fixture
def results_copy(results_2020: Path, tmp_path: Path) -> Path:
    """A copy of `results_2020` to change (the large files linked, not copied)."""
    out = tmp_path / "results"
    out.mkdir()
    for entry in results_2020.iterdir():
        if entry.suffix in (".json", ".csv") and entry.name != "daily.csv":
            shutil.copy(entry, out / entry.name)
        elif entry.is_file() and entry.name != "daily.csv":
            (out / entry.name).symlink_to(entry)
    return out
