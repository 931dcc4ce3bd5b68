"""Scale: peak memory of a study's whole process tree, flat in replications; each backend against serial.

    .venv/bin/python benchmarks/bench_scale.py [--replications 100,200,1000] [--workers 2]
    .venv/bin/python benchmarks/bench_scale.py --backends [--reps 200] [--workers 2] [--target]

By default, for each count in `--replications`, a fresh
`asylum-pathways simulate --reps N --workers W --no-report` (the built-in study, results
streamed to its Parquet store) runs in its own process on the process pool. The benchmark
samples the proportional set size (PSS: a page shared by k processes counts 1/k to each) of
that process and all its descendants every 0.2 s and prints, for each count: wall time, the
peak of all processes together, and the peaks of the parent alone and of its descendants (the
pool's workers) together, so a peak can be told to come from the replications or from the
end phase. Issue 19 section 2's target: each peak at most 1.5 GB (1,500 MB) and flat in
replications (the largest count's peak at most `FLAT` times the smallest's). It checks that
every run wrote the same persons.parquet (replication 0, whatever the count). `--timeline
DIR` writes each run's samples (seconds, pid, PSS MB of each process) as CSV.

`--backends` instead runs serial, the process pool (`--workers`) and local Dask (`--workers`)
at `--reps` replications and reports each one's wall time and peak against serial's, checking
that the three wrote byte-identical daily.parquet and persons.parquet. In either mode,
`--target` also judges 1,000 replications on the process pool against the earlier scale
target: at most 15 minutes and 2 GB of peak memory on 2 cores.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

COMMAND = [sys.executable, "-m", "asylum_pathways", "simulate", "--no-report", "--no-progress"]
#: Issue 19 section 2: peak PSS of the process tree, MB (2^20 bytes), at every count.
LIMIT_MB = 1500
#: Flat in replications: the largest count's peak over the smallest's at most this.
FLAT = 1.10


def _pss(pid: int) -> int:
    """Proportional set size of one process (shared pages split between their users), bytes."""
    with contextlib.suppress(OSError), open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    return 0


@dataclass
class Run:
    """One measured command: wall seconds, and peak PSS of the tree, the parent alone and its
    descendants together (bytes); `samples` holds (seconds, pid, bytes) of every process."""

    seconds: float = 0.0
    peak: int = 0
    parent: int = 0
    descendants: int = 0
    samples: list[tuple[float, int, int]] = field(default_factory=list)


def measure(args: list[str], keep_samples: bool = False) -> Run:
    """Run the command, sampling the PSS of it and all its descendants every 0.2 s."""
    t0 = time.perf_counter()
    child = subprocess.Popen(
        [*COMMAND, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    proc = psutil.Process(child.pid)
    run = Run()
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            kids: list[psutil.Process] = []
            with contextlib.suppress(psutil.Error):  # a process may end while we look
                kids = proc.children(recursive=True)
            now = time.perf_counter() - t0
            parent = _pss(proc.pid)
            sizes = [(p.pid, _pss(p.pid)) for p in kids]
            below = sum(s for _, s in sizes)
            run.peak = max(run.peak, parent + below)
            run.parent = max(run.parent, parent)
            run.descendants = max(run.descendants, below)
            if keep_samples:
                run.samples.extend((now, pid, s) for pid, s in [(proc.pid, parent), *sizes])
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = child.communicate()
    done.set()
    sampler.join()
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({child.returncode}): {err[-2000:]}")
    run.seconds = time.perf_counter() - t0
    return run


def _mb(n: int) -> float:
    return n / 2**20


def _timeline(folder: Path, name: str, run: Run) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"{name}.csv", "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["seconds", "pid", "pss_mb"])
        out.writerows((f"{t:.2f}", pid, f"{_mb(s):.1f}") for t, pid, s in run.samples)


def memory(counts: list[int], workers: int, timeline: Path | None) -> dict[int, Run]:
    """Issue 19 section 2: the study's peak memory at each count of replications."""
    print(
        f"built-in study on the process pool ({workers} workers), {os.cpu_count()} CPUs; "
        f"peak PSS summed over the process tree, sampled every 0.2 s",
        flush=True,
    )
    print(
        f"{'replications':>12} {'wall min':>9} {'peak MB':>8} {'parent MB':>10} "
        f"{'workers MB':>11} {'<= ' + str(LIMIT_MB):>8}"
    )
    runs: dict[int, Run] = {}
    with tempfile.TemporaryDirectory() as tmp:
        first: bytes | None = None
        for n in counts:  # each row as soon as it is measured
            out = Path(tmp) / f"r{n}"
            run = measure(
                ["--workers", str(workers), "--reps", str(n), "--out", str(out)],
                keep_samples=timeline is not None,
            )
            if timeline is not None:
                _timeline(timeline, f"reps{n}-workers{workers}", run)
            persons = (out / "persons.parquet").read_bytes()
            first = first or persons
            runs[n] = run
            print(
                f"{n:>12,} {run.seconds / 60:>9.1f} {_mb(run.peak):>8.0f} {_mb(run.parent):>10.0f} "
                f"{_mb(run.descendants):>11.0f} {'yes' if _mb(run.peak) <= LIMIT_MB else 'NO':>8}"
                f"{'' if persons == first else '   PERSONS DIFFER'}",
                flush=True,
            )
            shutil.rmtree(out)  # the next run starts with the disk as it was
    peaks = {n: run.peak for n, run in runs.items()}
    low, high = peaks[min(peaks)], peaks[max(peaks)]
    under = all(_mb(p) <= LIMIT_MB for p in peaks.values())
    flat = high <= FLAT * low
    print(
        "peaks: "
        + ", ".join(f"{_mb(peaks[n]):.0f} MB at {n:,}" for n in counts)
        + f"; {max(peaks):,} over {min(peaks):,} replications: x{high / low:.2f} "
        f"(flat: <= x{FLAT:.2f}). Target (<= {LIMIT_MB} MB each, flat): "
        f"{'met' if under and flat else 'NOT met'}",
        flush=True,
    )
    return runs


def backends(reps: int, workers: int, target: bool) -> None:
    """Serial, the process pool and local Dask at `reps` replications, against serial."""
    runs = {
        "serial": ["--workers", "1"],
        f"process({workers})": ["--workers", str(workers)],
        f"dask({workers})": ["--workers", str(workers), "--backend", "dask"],
    }
    print(f"built-in study, {reps} replications, {os.cpu_count()} CPUs", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'backend':<12} {'wall s':>9} {'x serial':>9} {'peak MB':>9} {'x serial':>9}")
        first: tuple[float, int, Path] | None = None
        for name, flags in runs.items():  # each row as soon as it is measured
            out = Path(tmp) / name
            run = measure([*flags, "--reps", str(reps), "--out", str(out)])
            first = first or (run.seconds, run.peak, out)
            serial_s, serial_mem, serial_out = first
            same = all(
                (out / f).read_bytes() == (serial_out / f).read_bytes()
                for f in ("daily.parquet", "persons.parquet")
            )
            print(
                f"{name:<12} {run.seconds:>9.1f} {run.seconds / serial_s:>9.2f} "
                f"{_mb(run.peak):>9.0f} {run.peak / serial_mem:>9.2f}"
                f"{'' if same else '   RESULTS DIFFER FROM SERIAL'}",
                flush=True,
            )
        if target:
            out = Path(tmp) / "target"
            _target(
                measure(["--workers", str(workers), "--reps", "1000", "--out", str(out)]), workers
            )


def _target(run: Run, workers: int) -> None:
    """The earlier scale target for 1,000 replications: at most 15 minutes and 2 GB."""
    ok = run.seconds <= 15 * 60 and run.peak <= 2 * 2**30
    print(
        f"1,000 replications, process({workers}): {run.seconds / 60:.1f} min, peak "
        f"{_mb(run.peak):.0f} MB (target <= 15 min, <= 2048 MB): {'met' if ok else 'NOT met'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--replications",
        default="100,200,1000",
        help="counts of replications whose peak memory is measured (comma-separated)",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeline", type=Path, help="write each run's PSS samples here (CSV)")
    parser.add_argument("--backends", action="store_true", help="compare the backends instead")
    parser.add_argument("--reps", type=int, default=200, help="replications with --backends")
    parser.add_argument(
        "--target", action="store_true", help="also 1,000 against the 15 min / 2 GB target"
    )
    opts = parser.parse_args()
    if opts.backends:
        backends(opts.reps, opts.workers, opts.target)
    else:
        counts = [int(n) for n in opts.replications.split(",")]
        counts += [1000] if opts.target and 1000 not in counts else []
        runs = memory(counts, opts.workers, opts.timeline)
        if opts.target:
            _target(runs[1000], opts.workers)


if __name__ == "__main__":
    main()
