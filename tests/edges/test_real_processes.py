"""A few bad inputs run as a user runs them, in a real process: exit 2, no traceback, and no
process left blocked (a FIFO) or unbounded (a date far outside the tree)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
from harness import EXAMPLE, listing


def cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "asylum_pathways", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


def test_a_fifo_named_case_json_does_not_block(tmp_path: Path) -> None:
    fifo = tmp_path / "case.json"
    os.mkfifo(fifo)
    result = cli("determine", str(fifo), timeout=30)
    assert result.returncode == 2 and "not a regular file" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_far_date_and_a_corrupted_parquet_are_refused(tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps(EXAMPLE))
    far = cli("determine", str(case), "--date", "9999-12-31", "--json")
    assert far.returncode == 2 and "--date 9999-12-31: outside the range" in far.stderr
    assert json.loads(far.stdout)["error"]["code"] == "invalid_usage"
    good = tmp_path / "in.parquet"
    pl.DataFrame([EXAMPLE]).write_parquet(good)
    bad = tmp_path / "bad.parquet"
    raw = good.read_bytes()
    bad.write_bytes(raw[: len(raw) // 2] + raw[-8:])
    before = listing(tmp_path)
    result = cli("determine", str(bad), "--out", str(tmp_path / "o.csv"))
    assert result.returncode == 2 and "bad.parquet: cannot read file" in result.stderr
    assert "Traceback" not in result.stderr and listing(tmp_path) == before


def test_simulate_refuses_a_pool_larger_than_the_machine(tmp_path: Path) -> None:
    result = cli("simulate", "--workers", "1000", "--out", str(tmp_path / "o"))
    assert result.returncode == 2 and "--workers 1000 is out of range" in result.stderr
    assert not (tmp_path / "o").exists()
