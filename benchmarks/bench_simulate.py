"""Simulation speed, in one run against baselines measured in the same run.

    .venv/bin/python benchmarks/bench_simulate.py [--reps 20] [--full-reps 1000]

1. One replication of the whole 2019-01-01 -> 2021-01-31 horizon (all encounters, all
   stages, scenario `history`): time and peak memory (tracemalloc). Target <= 1.5 s, 1 GB.
2. The capacity-limited stages (ACA and MPP intake, transfer flights, MPP hearings) at a
   year's volume (2019): the vectorized recurrences of sim/model/queues.py against the SimPy model
   of benchmarks/simpy_flows.py (one process per person) on the same inputs; checks that
   they agree person by person and prints the speed ratio (expect >= 100x).
3. Replications with 2 worker processes: time of `--reps` replications, scaled to 1,000
   (or measured, with --full-reps 1000). Target <= 15 minutes for 1,000.
4. One replication-year (2019, `history`: population and every stage) of this revision's
   model against a baseline revision's (`--baseline-rev`, default the last commit before
   the stages were split and the MPP court rebuilt), each in a fresh process from its own
   source tree, alternating, median of 5: target ratio <= 1.3.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tarfile
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
import simpy_flows
from asylum_pathways import codes
from asylum_pathways.params import load_tree
from asylum_pathways.rules.engine import PATHWAY_CODE, determine
from asylum_pathways.scenarios import load_scenario
from asylum_pathways.sim.model import targets
from asylum_pathways.sim.model.flows import simulate
from asylum_pathways.sim.model.horizon import Horizon
from asylum_pathways.sim.model.population import generate
from asylum_pathways.sim.model.queues import daily_intake, fifo
from asylum_pathways.sim.runs.montecarlo import run_study
from asylum_pathways.sim.runs.runtime import Runtime
from asylum_pathways.sim.runs.study import StudySpec

START, END = dt.date(2019, 1, 1), dt.date(2021, 1, 31)


def one_replication(tree) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(1)
    generate(tree, START, END, rng)  # warm the per-process caches
    times = []
    for seed in (2, 3, 4):
        t0 = time.perf_counter()
        pop = generate(tree, START, END, np.random.default_rng(seed))
        simulate(tree, pop)
        times.append(time.perf_counter() - t0)
    tracemalloc.start()
    pop = generate(tree, START, END, np.random.default_rng(5))
    simulate(tree, pop)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"1. one replication, {START}..{END}, {pop.enc.n:,} encounters, all stages: "
        f"best {min(times):.2f} s, median {np.median(times):.2f} s; peak memory {peak / 2**20:.0f} MB "
        f"(targets 1.5 s, 1024 MB: {'met' if np.median(times) <= 1.5 and peak <= 2**30 else 'NOT met'})"
    )


def stage_inputs(tree) -> simpy_flows.Inputs:  # type: ignore[no-untyped-def]
    start, end = dt.date(2019, 1, 1), dt.date(2019, 12, 31)
    pop = generate(tree, start, end, np.random.default_rng(9))
    det = determine(tree, pop.enc)
    n, n_days = pop.enc.n, pop.n_days
    day = pop.day_index()
    group = pop.enc.group
    family_start = np.ones(n, dtype=bool)
    family_start[1:] = group[1:] != group[:-1]
    sizes = np.bincount(group)[group]
    intake_key = np.full(n, -1, dtype=np.int64)
    intake_capacity: dict[int, np.ndarray] = {}
    queue_key = np.full(n, -1, dtype=np.int64)
    queue_lag = np.zeros(n, dtype=np.int64)
    queue_capacity: dict[int, np.ndarray] = {}
    final_capacity: dict[int, np.ndarray] = {}
    final_key = np.full(n, -1, dtype=np.int64)
    # ACA: Guatemala intake at weekly seats / 7, flights on Tuesdays and Thursdays
    aca = det.pathway == PATHWAY_CODE["ACA_TRANSFER"]
    horizon = Horizon(tree, start, n_days)
    weekly = horizon.numbers("assumptions.aca.agreements.gt.seats_per_week")
    weekday = np.array([(start + dt.timedelta(days=i)).weekday() for i in range(n_days)])
    intake_key[aca], intake_capacity[0] = 0, weekly / 7
    queue_key[aca], queue_lag[aca] = 0, 3
    queue_capacity[0] = np.where(np.isin(weekday, [1, 3]), weekly / 2, 0.0)
    # MPP: intake per return port, first and final hearings at El Paso's court (one court)
    mpp = det.pathway == PATHWAY_CODE["MPP_RETURN"]
    port_of_sector = tree.get("assumptions.mpp.return_port_of_sector").at(end)
    ports = tree.ports
    sector_port = np.array([ports.index(port_of_sector[s]) for s in codes.SECTORS])
    port = np.where(pop.enc.port >= 0, pop.enc.port, sector_port[pop.enc.sector])
    for k, name in enumerate(ports):
        rows = mpp & (port == k)
        if rows.any():
            intake_key[rows] = 10 + k
            intake_capacity[10 + k] = horizon.key("assumptions.mpp.enrolment_capacity", name)
    queue_key[mpp], queue_lag[mpp] = 1, 90
    queue_capacity[1] = np.full(n_days, 300.0)
    final_key[mpp] = 1
    final_capacity[1] = np.full(n_days, 120.0)
    goes_on = pop.draws["hearing_1"] >= 0.64
    return simpy_flows.Inputs(
        day,
        family_start,
        sizes,
        intake_key,
        intake_capacity,
        queue_key,
        queue_lag,
        queue_capacity,
        final_key,
        120,
        final_capacity,
        goes_on,
        n_days,
    )


def vectorized(inp: simpy_flows.Inputs) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = inp.day.shape[0]
    admitted = np.zeros(n, dtype=bool)
    first = np.full(n, -1, dtype=np.int64)
    final = np.full(n, -1, dtype=np.int64)
    for key, cap in inp.intake_capacity.items():
        rows = np.flatnonzero(inp.intake_key == key)
        start = np.ones(rows.shape[0], dtype=bool)
        start[1:] = inp.family_start[rows[1:]] | (rows[1:] != rows[:-1] + 1)
        ok = daily_intake(
            inp.day[rows], np.ones(rows.shape[0]), cap, inp.family_start[rows] | start
        )
        admitted[rows[ok]] = True
    for key, cap in inp.queue_capacity.items():
        rows = np.flatnonzero(admitted & (inp.queue_key == key))
        first[rows] = fifo(inp.day[rows] + inp.queue_lag[rows], cap)
    for key, cap in inp.final_capacity.items():
        rows = np.flatnonzero(admitted & (inp.final_key == key) & inp.goes_on & (first >= 0))
        final[rows] = fifo(first[rows] + inp.final_lag, cap)
    return admitted, first, final


def stages_vs_simpy(tree) -> None:  # type: ignore[no-untyped-def]
    inp = stage_inputs(tree)
    vectorized(inp)
    t0 = time.perf_counter()
    for _ in range(5):
        v = vectorized(inp)
    t_vec = (time.perf_counter() - t0) / 5
    t0 = time.perf_counter()
    s = simpy_flows.run(inp)
    t_simpy = time.perf_counter() - t0
    agree = all(np.array_equal(a, b) for a, b in zip(v, s, strict=True))
    people = int((inp.intake_key >= 0).sum())
    print(
        f"2. capacity-limited stages, 2019 ({inp.day.shape[0]:,} people, {people:,} in an intake stage, "
        f"{int(v[0].sum()):,} admitted): vectorized {t_vec * 1e3:.0f} ms, SimPy {t_simpy:.1f} s, "
        f"ratio {t_simpy / t_vec:,.0f}x; results agree person by person: {agree}"
    )
    if not agree:
        for name, a, b in zip(("admitted", "first", "final"), v, s, strict=True):
            print(f"   {name}: {int((a != b).sum())} differences")


def replications(base, reps: int) -> None:  # type: ignore[no-untyped-def]
    spec = StudySpec(("history",), START, END, reps, seed=1, parameters="fixed")
    t0 = time.perf_counter()
    study = run_study(spec, Runtime(workers=2, keep_first=False, tree=base))
    seconds = time.perf_counter() - t0
    per = seconds / reps
    print(
        f"3. {reps} replications of the whole horizon with 2 workers: {seconds:.1f} s "
        f"({per:.2f} s each); 1,000 replications: {per * 1000 / 60:.1f} min"
        f"{' (measured)' if reps >= 1000 else ' (scaled)'} (target 15 min); "
        f"study run time reported {study.seconds:.1f} s"
    )


BASELINE_REV = "72ffe45"
YEAR_SCRIPT = """
import datetime as dt, time, numpy as np
from asylum_pathways.params import load_tree
from asylum_pathways.scenarios import load_scenario
from asylum_pathways.sim.model.flows import simulate
from asylum_pathways.sim.model.population import generate
tree = load_scenario("history", load_tree()).tree
start, end = dt.date(2019, 1, 1), dt.date(2019, 12, 31)
simulate(tree, generate(tree, start, end, np.random.default_rng(1)))
t0 = time.perf_counter()
simulate(tree, generate(tree, start, end, np.random.default_rng(2)))
print(time.perf_counter() - t0)
"""


def _year_seconds(src: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(src)}
    out = subprocess.run(
        [sys.executable, "-c", YEAR_SCRIPT], env=env, capture_output=True, text=True, check=True
    )
    return float(out.stdout.strip().splitlines()[-1])


def against_baseline(rev: str) -> None:
    repo = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "src.tar"
        subprocess.run(
            ["git", "-C", str(repo), "archive", "-o", str(archive), rev, "src"], check=True
        )
        with tarfile.open(archive) as tar:
            tar.extractall(tmp, filter="data")
        old_src, new_src = Path(tmp) / "src", repo / "src"
        old, new = [], []
        for _ in range(5):
            old.append(_year_seconds(old_src))
            new.append(_year_seconds(new_src))
    ratio = float(np.median(new) / np.median(old))
    print(
        f"4. one replication-year (2019, population and all stages): this revision median "
        f"{np.median(new):.2f} s, baseline {rev} median {np.median(old):.2f} s: ratio "
        f"{ratio:.2f} (target <= 1.3)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument(
        "--full-reps", type=int, default=0, help="measure this many instead (e.g. 1000)"
    )
    parser.add_argument("--baseline-rev", default=BASELINE_REV)
    parser.add_argument("--only-baseline", action="store_true", help="run part 4 only")
    args = parser.parse_args()
    if args.only_baseline:
        against_baseline(args.baseline_rev)
        return
    base = load_tree()
    tree = load_scenario("history", base).tree
    targets.build()
    one_replication(tree)
    stages_vs_simpy(tree)
    replications(base, args.full_reps or args.reps)
    against_baseline(args.baseline_rev)


if __name__ == "__main__":
    main()
