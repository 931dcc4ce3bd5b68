"""Vectorized determination of 1,000,000 records vs. the single-case path, in one run.

    .venv/bin/python benchmarks/bench_determine.py [--n 1000000] [--sample 2000]

Prints records/s, peak memory of the determination (tracemalloc) and the speed ratio
against the single-case path (one record at a time, with its explanation) measured on a
sample in the same run and scaled to the same number of records.
Targets (2-core machine): <= 0.3 s and <= 400 MB for 10^6 records; ratio >= 20.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from asylum_pathways.params import load_tree
from asylum_pathways.rules.engine import determine
from asylum_pathways.rules.explain import explain
from population import generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    tree = load_tree()
    enc = generate(tree, args.n, dt.date(2019, 10, 1), 365, seed=1)
    determine(tree, enc.take(np.arange(1000)))  # warm caches of the parameter tables

    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        det = determine(tree, enc)
        times.append(time.perf_counter() - t0)
    best, median = min(times), statistics.median(times)

    tracemalloc.start()
    determine(tree, enc)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    rng = np.random.default_rng(2)
    sample = rng.choice(args.n, size=args.sample, replace=False)
    singles = [enc.take(np.array([i])) for i in sample]
    for one in singles:  # a family member alone is its own group
        one.group[:] = 0
    t0 = time.perf_counter()
    for one in singles:
        d = determine(tree, one)
        explain(tree, one, d, 0, "p", "history")
    loop_per_record = (time.perf_counter() - t0) / args.sample
    loop_scaled = loop_per_record * args.n

    pathways = np.bincount(det.pathway, minlength=8)
    print(f"records: {args.n:,} over 365 days (generated); repeats: {args.repeat}")
    print(f"vectorized determination with reason codes: best {best:.3f} s, median {median:.3f} s")
    print(
        f"throughput: {args.n / best:,.0f} records/s (best), {args.n / median:,.0f} records/s (median)"
    )
    print(f"peak memory of one determination (tracemalloc): {peak / 2**20:.0f} MB")
    print(f"process max RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print(
        f"single-case path (determine + explain, one record at a time): "
        f"{loop_per_record * 1e3:.2f} ms/record on a sample of {args.sample:,}; "
        f"scaled to {args.n:,}: {loop_scaled:.0f} s"
    )
    print(f"ratio single-case loop / vectorized (same run, median): {loop_scaled / median:,.0f}x")
    print(f"pathway counts: {dict(zip(range(8), pathways.tolist(), strict=True))}")
    ok = median <= 0.3 and peak / 2**20 <= 400 and loop_scaled / median >= 20
    print("targets (<= 0.3 s, <= 400 MB, >= 20x):", "met" if ok else "NOT met")


if __name__ == "__main__":
    main()
