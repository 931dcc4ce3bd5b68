"""Calibration time with the default budget on 2 workers, against one replication measured
in the same run.

    .venv/bin/python benchmarks/bench_calibrate.py [--particles 200] [--generations 6]
                                                   [--moves 3] [--workers 2] [--out DIR]

1. Baseline: one replication of the calibration scenario (`history`) over the horizon the
   targets need (the spec's start to its last target date), serial, best of three.
2. `calibrate` with the default budget (the CLI's defaults) on `--workers` processes.
Prints both, their ratio (replication-equivalents of wall time), the CPU time of the run and
its workers, and the machine's load average (on a shared machine the wall time follows the
load), and checks the target of issue 7: calibrate on 2 cores in <= 20 minutes. With --out it writes the run's posterior
(posterior.parquet, fit.csv, calibration.json) there, e.g. to ship it in the package.
"""

from __future__ import annotations

import argparse
import os
import resource
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

LIMIT_SECONDS = 20 * 60


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--particles", type=int, default=DEFAULT_PARTICLES)
    ap.add_argument("--generations", type=int, default=DEFAULT_GENERATIONS)
    ap.add_argument("--moves", type=int, default=DEFAULT_MOVES)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
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
    cal = calibrate(
        the_spec, tree, args.seed, args.particles, args.generations, args.workers, moves=args.moves
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
    ok = seconds <= LIMIT_SECONDS
    print(f"target <= {LIMIT_SECONDS // 60} min on 2 cores: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


def _cpu() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


if __name__ == "__main__":
    sys.exit(main())
