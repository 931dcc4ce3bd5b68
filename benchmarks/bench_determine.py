"""Vectorized determination of 1,000,000 records vs. the single-case path, in one run.

    .venv/bin/python benchmarks/bench_determine.py [--n 1000000] [--sample 2000]
        [--single 300] [--single-only]

Prints records/s, peak memory of the determination (tracemalloc) and the speed ratio
against the single-case path (one record at a time, with its explanation) measured on a
sample in the same run and scaled to the same number of records.
Targets (2-core machine): <= 0.3 s and <= 400 MB for 10^6 records; ratio >= 20.

Then one explained determination in-process, as every face asks for it
(`determine_records(record, scenario)`: reading, the engine, what would change the answer and
the explanation), median after warm-up over `--single` generated records, each asked 5 times
(target <= 1 ms), against the vectorized path for the same one record measured in the same
run (`determine`, `branches` and `explain`, as `determine_records` answers a list).
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
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from asylum_pathways.determination import determine_records
from asylum_pathways.determination.branches import branches
from asylum_pathways.io.encounters import from_json
from asylum_pathways.params import ParameterTree, load_tree
from asylum_pathways.records import Encounters
from asylum_pathways.rules.engine import determine
from asylum_pathways.rules.explain import explain, record_values
from asylum_pathways.scenarios import load_scenario
from population import generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--single", type=int, default=300)
    parser.add_argument("--single-only", action="store_true", help="Only the one-record part.")
    args = parser.parse_args()
    if args.single_only:
        single(args.single)
        return

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
    single(args.single)


def as_record(tree: ParameterTree, enc: Encounters, i: int) -> dict[str, Any]:
    """Row `i` of generated encounters as a JSON record (alone: no group_id; a port only in
    its own sector, no age: the generator draws them independently)."""
    out: dict[str, Any] = record_values(tree, enc, i)
    sectors = tree.get("law.geo.port_sector").values[-1].value
    if out["port"] is not None and sectors.get(out["port"]) != out["sector"]:
        out["port"] = None
    out = {k: v for k, v in out.items() if v is not None and v != {} and k != "age"}
    return {"person_id": f"P{i}", **out}


def single(count: int) -> None:
    """One record's explained answer: the one-call path against the vectorized path."""
    tree = load_tree()
    history = load_scenario("history", tree)
    enc = generate(tree, count, dt.date(2018, 10, 1), 365 * 8, seed=3)
    records = [as_record(tree, enc, i) for i in range(count)]

    def vectorized(record: dict[str, Any]) -> dict[str, Any]:
        table = from_json([record], "records", tree, answerable=True)
        det = determine(tree, table.encounters)
        found = branches(tree, table.encounters, det, table.person_id)
        return explain(tree, table.encounters, det, 0, record["person_id"], "history", found[0])

    def fast(record: dict[str, Any]) -> dict[str, Any]:
        answer: dict[str, Any] = determine_records(record, history).answer(0)
        return answer

    for record in records[:50]:  # warm-up: the parameter tables, imports
        assert fast(record) == vectorized(record)
    times: dict[str, list[float]] = {"fast": [], "vectorized": []}
    for _ in range(5):
        for record in records:  # interleaved, so both see the same load
            for name, fn in (("fast", fast), ("vectorized", vectorized)):
                t0 = time.perf_counter()
                fn(record)
                times[name].append(time.perf_counter() - t0)
    one, vec = (statistics.median(times[k]) * 1e3 for k in ("fast", "vectorized"))
    p95 = statistics.quantiles(times["fast"], n=20)[18] * 1e3
    print(
        f"one explained determination in-process (determine_records, {count} generated records "
        f"x 5, 2018-10 to 2026-09): median {one:.3f} ms, p95 {p95:.3f} ms (target <= 1 ms); "
        f"the vectorized path for the same one record, same run: median {vec:.3f} ms; "
        f"ratio vectorized / one-call = {vec / one:.2f}x"
    )
    print("target (<= 1 ms median):", "met" if one <= 1 else "NOT met")


if __name__ == "__main__":
    main()
