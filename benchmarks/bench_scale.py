"""Scale: the built-in study on each backend, in one run, against serial measured in the same run.

    .venv/bin/python benchmarks/bench_scale.py [--reps 200] [--workers 2] [--target]

For each of serial, process pool (`--workers`) and local Dask (`--workers`), a fresh
`asylum-pathways simulate --reps N --no-report` (results streamed to its Parquet store) runs
in its own process; the benchmark samples the resident memory of that process and all its
descendants (pool workers, Dask nanny and workers) every 0.2 s and reports wall time, peak
memory of all processes together, and the ratio of each to serial. It checks that the three
runs wrote byte-identical daily.parquet and persons.parquet (the same run everywhere).
`--target` adds 1,000 replications on the process pool against the issue's target: at most
15 minutes and 2 GB of peak memory on 2 cores.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

COMMAND = [sys.executable, "-m", "asylum_pathways", "simulate", "--no-report", "--no-progress"]


def _pss(pid: int) -> int:
    """Proportional set size of one process (shared pages split between their users), bytes."""
    with contextlib.suppress(OSError), open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    return 0


def _tree_rss(proc: psutil.Process) -> int:
    """Proportional set size of the process and all its descendants, summed."""
    kids: list[psutil.Process] = []
    with contextlib.suppress(psutil.Error):  # a process may end while we look
        kids = proc.children(recursive=True)
    return sum(_pss(p.pid) for p in [proc, *kids])


def measure(args: list[str]) -> tuple[float, int]:
    """Wall seconds and peak resident bytes of the command and all its descendants."""
    t0 = time.perf_counter()
    child = subprocess.Popen(
        [*COMMAND, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    proc = psutil.Process(child.pid)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(proc))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = child.communicate()
    done.set()
    sampler.join()
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({child.returncode}): {err[-2000:]}")
    return time.perf_counter() - t0, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--target", action="store_true", help="also 1,000 replications")
    opts = parser.parse_args()
    runs = {
        "serial": ["--workers", "1"],
        f"process({opts.workers})": ["--workers", str(opts.workers)],
        f"dask({opts.workers})": ["--workers", str(opts.workers), "--backend", "dask"],
    }
    print(f"built-in study, {opts.reps} replications, {os.cpu_count()} CPUs", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'backend':<12} {'wall s':>9} {'x serial':>9} {'peak MB':>9} {'x serial':>9}")
        first: tuple[float, int, Path] | None = None
        for name, flags in runs.items():  # each row as soon as it is measured
            out = Path(tmp) / name
            seconds, peak = measure([*flags, "--reps", str(opts.reps), "--out", str(out)])
            first = first or (seconds, peak, out)
            serial_s, serial_mem, serial_out = first
            same = all(
                (out / f).read_bytes() == (serial_out / f).read_bytes()
                for f in ("daily.parquet", "persons.parquet")
            )
            print(
                f"{name:<12} {seconds:>9.1f} {seconds / serial_s:>9.2f} "
                f"{peak / 2**20:>9.0f} {peak / serial_mem:>9.2f}"
                f"{'' if same else '   RESULTS DIFFER FROM SERIAL'}",
                flush=True,
            )
        if opts.target:
            out = Path(tmp) / "target"
            seconds, peak = measure(
                ["--workers", str(opts.workers), "--reps", "1000", "--out", str(out)]
            )
            ok = seconds <= 15 * 60 and peak <= 2 * 2**30
            print(
                f"1,000 replications, process({opts.workers}): {seconds / 60:.1f} min, peak "
                f"{peak / 2**20:.0f} MB (target <= 15 min, <= 2048 MB): {'met' if ok else 'NOT met'}"
            )


if __name__ == "__main__":
    main()
