"""A chart's spec comes from the cache exactly as built, and a report from a warm cache is the
same file as one built afresh, without importing Altair; a chart whose builder closes over
anything but plain values is refused (its cache key could leave something out)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from asylum_pathways.report import charts
from asylum_pathways.report.charts.spec import skeleton
from helpers import cli


def test_every_pathway_has_a_colour_and_a_label_so_no_one_drops_out_of_the_chart() -> None:
    from asylum_pathways import codes

    assert set(charts.PATHWAY_COLORS) == set(codes.PATHWAYS)
    assert set(charts.PATHWAY_LABELS) == set(codes.PATHWAYS)
    assert len(set(charts.PATHWAY_COLORS.values())) == len(codes.PATHWAYS)


def test_a_builder_over_a_non_plain_value_is_refused() -> None:
    frame = pl.DataFrame({"x": [1]})

    def build() -> Any:
        return frame  # a frame is not a plain value

    with pytest.raises(TypeError, match="plain values only"):
        skeleton(build)


def test_a_report_from_a_warm_cache_is_the_same_file_and_imports_no_altair(
    tmp_path: Path,
) -> None:
    out = tmp_path / "study"
    run = cli(
        "simulate", "--scenario", "history", "--start", "2020-02-01", "--end", "2020-03-31",
        "--reps", "2", "--no-progress", "--out", str(out),
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    env_cache = tmp_path / "cache"
    probe = (
        "import os, sys, runpy\n"
        f"os.environ['ASYLUM_PATHWAYS_CACHE_DIR'] = {str(env_cache)!r}\n"
        f"sys.argv = ['asylum-pathways', 'report', {str(out)!r}]\n"
        "try:\n    runpy.run_module('asylum_pathways', run_name='__main__')\n"
        "except SystemExit as exc:\n    assert not exc.code, exc.code\n"
        "print('ALTAIR', 'altair' in sys.modules)\n"
    )

    def report() -> tuple[bytes, str]:
        done = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True
        )
        return (out / "report.html").read_bytes(), done.stdout.strip().splitlines()[-1]

    cold, cold_probe = report()
    assert cold_probe == "ALTAIR True"  # built: the cache was empty
    warm, warm_probe = report()
    assert warm_probe == "ALTAIR False"  # every chart and the bundle came from the cache
    assert warm == cold
    shutil.rmtree(env_cache)
    again, _ = report()
    assert again == cold
