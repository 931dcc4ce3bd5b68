"""The on-disk cache never changes a result: the same commands with the cache off, cold and
warm write the same bytes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).parents[1] / "src/asylum_pathways/examples/honduran-adult-el-paso.json"
FILES = ("daily.parquet", "daily.csv", "persons.parquet", "validation.csv", "report_data/aca.csv")
#: summary.json keys that describe the run, not its results.
RUN_KEYS = {"created", "run_seconds"}


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "asylum_pathways", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done


def _study(env: dict[str, str], out: Path) -> dict[str, bytes]:
    _run(env, "simulate", "--scenario", "history", "--scenario", "outlook-2020-03-10",
         "--start", "2020-02-01", "--end", "2020-04-30", "--reps", "2", "--no-progress",
         "--out", str(out))  # fmt: skip
    summary = {k: v for k, v in json.loads((out / "summary.json").read_text()).items()}
    kept = {k: v for k, v in summary.items() if k not in RUN_KEYS}
    return {**{f: (out / f).read_bytes() for f in FILES}, "summary": json.dumps(kept).encode()}


def test_results_are_the_same_bytes_with_the_cache_off_cold_and_warm(tmp_path: Path) -> None:
    off = {"ASYLUM_PATHWAYS_CACHE": "off"}
    cached = {"ASYLUM_PATHWAYS_CACHE_DIR": str(tmp_path / "cache")}
    without = _study(off, tmp_path / "off")
    cold = _study(cached, tmp_path / "cold")
    assert {p.name.split("-")[0] for p in (tmp_path / "cache").iterdir()} >= {
        "tree", "targets", "calibration", "iso", "vega",
    }  # fmt: skip
    warm = _study(cached, tmp_path / "warm")
    assert cold == without and warm == without
    answers = [
        _run(env, "determine", str(EXAMPLE), "--json").stdout for env in (off, cached, cached)
    ]
    assert answers[0] == answers[1] == answers[2]
