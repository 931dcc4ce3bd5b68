"""Calibration with back-testing on 2 workers, against one replication measured in the same
run; and one replication-year of the model against the same work in a reference revision.

    .venv/bin/python benchmarks/bench_calibrate.py [--particles 200] [--generations 10]
        [--moves 3] [--workers 2] [--holdout-after 2020-03-01] [--reference 0f1a9f8] [--out DIR]

1. Model cost: one replication-year (`history`, 2019-01-01..2019-12-31, parameters fixed,
   serial) here and in `--reference` (a git revision, extracted to a temporary folder and run
   with PYTHONPATH), alternating, best of three each: their ratio (target <= 1.2: issue 18).
2. Baseline: one replication of the calibration scenario over the horizon the targets need.
3. `calibrate --holdout-after` with the default budget on `--workers` processes: the fit of the
   targets dated on or before the cut, and the back-test of every later figure.
Prints the times, ratios, the CPU time of the run and its workers, the back-test's coverage,
and the machine's load average (on a shared machine the wall time follows the load); target:
calibration with back-testing <= 30 minutes on 2 cores. With --out it writes the run's files
(posterior.parquet, fit.csv, calibration.json, backtest.csv) there.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from asylum_pathways.cli.calibrate_cmd import (
    DEFAULT_GENERATIONS,
    DEFAULT_MOVES,
    DEFAULT_PARTICLES,
    DEFAULT_SEED,
)
from asylum_pathways.params import load_tree
from asylum_pathways.scenarios import load_scenario
from asylum_pathways.sim.calibrate import abc
from asylum_pathways.sim.calibrate.run import calibrate, write
from asylum_pathways.sim.fitting import spec
from asylum_pathways.sim.model import targets
from asylum_pathways.sim.model.flows import simulate
from asylum_pathways.sim.model.population import generate

LIMIT_SECONDS = 30 * 60
MODEL_RATIO = 1.2
#: One replication-year, timed in a child process (the same code path in both revisions).
YEAR = """
import sys, time, datetime as dt, numpy as np
from asylum_pathways.params import load_tree
from asylum_pathways.scenarios import load_scenario
try:
    from asylum_pathways.sim.model.flows import simulate
    from asylum_pathways.sim.model.population import generate
except ImportError:  # before the simulation's rooms
    from asylum_pathways.sim.flows import simulate
    from asylum_pathways.sim.population import generate
tree = load_scenario("history", load_tree()).tree
start, end = dt.date(2019, 1, 1), dt.date(2019, 12, 31)
generate(tree, start, end, np.random.default_rng(0))
best = 1e9
for seed in (1, 2, 3):
    t0 = time.perf_counter()
    simulate(tree, generate(tree, start, end, np.random.default_rng(seed)))
    best = min(best, time.perf_counter() - t0)
print(best)
"""


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--particles", type=int, default=DEFAULT_PARTICLES)
    ap.add_argument("--generations", type=int, default=DEFAULT_GENERATIONS)
    ap.add_argument("--moves", type=int, default=DEFAULT_MOVES)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--holdout-after", default="2020-03-01")
    ap.add_argument("--reference", default="0f1a9f8", help="git revision of 'today's' model")
    args = ap.parse_args()
    model_ok = _model_cost(args.reference)
    tree = load_tree()
    the_spec = spec.load(None, tree)
    scenario = load_scenario(the_spec.scenario, tree)
    targets.build()
    generate(scenario.tree, the_spec.start, the_spec.end, np.random.default_rng(0))  # warm caches
    times = []
    for seed in (1, 2, 3):
        t0 = time.perf_counter()
        pop = generate(scenario.tree, the_spec.start, the_spec.end, np.random.default_rng(seed))
        simulate(scenario.tree, pop)
        times.append(time.perf_counter() - t0)
    one = min(times)
    print(
        f"baseline: one replication of {the_spec.scenario} {the_spec.start}..{the_spec.end}: "
        f"{one:.2f} s (best of 3)"
    )
    budget = abc.budget(args.particles, args.generations, 0.5, args.moves)
    load0 = os.getloadavg()[0]
    cpu0 = _cpu()
    t0 = time.perf_counter()
    cut = dt.date.fromisoformat(args.holdout_after)
    cal = calibrate(
        the_spec,
        tree,
        args.seed,
        args.particles,
        args.generations,
        args.workers,
        moves=args.moves,
        holdout_after=cut,
    )
    seconds = time.perf_counter() - t0
    cpu = _cpu() - cpu0
    out = args.out or Path(tempfile.mkdtemp(prefix="bench-calibrate-"))
    write(cal, out)
    fit = cal.provenance["fit"]
    print(
        f"calibrate: {args.particles} particles x {args.generations} generations x "
        f"{args.moves} moves "
        f"({cal.result.simulations} of at most {budget} simulations) on {args.workers} workers: "
        f"{seconds:.0f} s = {seconds / 60:.1f} min = {seconds / one:.0f}x one replication; "
        f"{fit['targets_inside_90']} of {fit['targets']} targets inside the 90% interval; "
        f"run {cal.provenance['run_id']} written to {out}"
    )
    print(
        f"CPU time (this process and its workers): {cpu:.0f} s = {cpu / 60:.1f} min, i.e. about "
        f"{cpu / args.workers / 60:.1f} min of wall time on {args.workers} idle cores; "
        f"load average {load0:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"
    )
    back = cal.provenance["backtest"]["all"]
    print(
        f"back-test after {cut}: {back['figures']} figures; {back['coverage50']:.0%} inside the "
        f"50% interval, {back['coverage90']:.0%} inside the 90% interval; median signed error "
        f"{back['median_signed_error']:+.1%}"
    )
    ok = seconds <= LIMIT_SECONDS
    print(
        f"target: calibration with back-testing <= {LIMIT_SECONDS // 60} min on 2 cores: "
        f"{'met' if ok else 'MISSED'}"
    )
    return 0 if ok and model_ok else 1


def _model_cost(reference: str) -> bool:
    """One replication-year here and in `reference`, alternating; prints the ratio."""
    root = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory(prefix="bench-reference-") as tmp:
        archive = subprocess.run(
            ["git", "-C", str(root), "archive", reference, "src"], capture_output=True, check=True
        )
        subprocess.run(["tar", "-x", "-C", tmp], input=archive.stdout, check=True)
        here, there = [], []
        for _ in range(2):
            for src, out in ((root / "src", here), (Path(tmp) / "src", there)):
                env = {**os.environ, "PYTHONPATH": str(src)}
                run = subprocess.run(
                    [sys.executable, "-c", YEAR],
                    env=env,
                    capture_output=True,
                    text=True,
                    check=True,
                )
                out.append(float(run.stdout.strip().splitlines()[-1]))
    now, before = min(here), min(there)
    ratio = now / before
    ok = ratio <= MODEL_RATIO
    print(
        f"model: one replication-year of history (2019), best of 6 runs: {now:.2f} s here, "
        f"{before:.2f} s at {reference}: {ratio:.2f}x (target <= {MODEL_RATIO}x: "
        f"{'met' if ok else 'MISSED'})"
    )
    return ok


def _cpu() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


if __name__ == "__main__":
    sys.exit(main())
