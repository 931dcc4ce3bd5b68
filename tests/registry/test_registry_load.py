"""The load part of benchmarks/bench_registry.py, briefly (5 clients, 5 s, SQLite), so it cannot
silently rot: 0 errors, 0 lost writes, and after a kill -9 under load every acknowledged write is
there and the audit chain verifies."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.server, pytest.mark.slow]
BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_registry.py"


def test_the_load_loses_nothing_and_the_audit_verifies_after_a_kill(tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    run = subprocess.run(
        [
            sys.executable,
            str(BENCH),
            "--part",
            "load",
            "--databases",
            "sqlite",
            "--clients",
            "5",
            "--load-seconds",
            "5",
            "--kill-after",
            "3",
            "--seed-cases",
            "10",
            "--max-seconds",
            "600",
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert out.exists(), run.stdout + run.stderr
    (f,) = json.loads(out.read_text())["load"]
    load, kill = f["load"], f["kill"]
    assert load["errors"] == 0, load["error_kinds"]
    assert load["writes_acknowledged"] > 0 and load["lost_writes"] == 0, load["lost_by_kind"]
    assert kill["writes_acknowledged_before_kill"] > 0 and kill["errors_before_kill"] == 0
    assert kill["lost_writes"] == 0, kill["lost_by_kind"]
    assert kill["audit_verifies"], kill["audit_verify_says"]
    assert kill["case_read_after_restart"] == 200
