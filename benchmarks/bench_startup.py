"""Start-up speed: whole processes as a user runs them, and each start-up saving, in one run.

    .venv/bin/python benchmarks/bench_startup.py [--repeat 5]

1. `asylum-pathways determine src/asylum_pathways/examples/honduran-adult-el-paso.json`
   (target <= 0.4 s) and one replication of `simulate --scenario history --start 2019-01-01
   --end 2019-12-31 --reps 1 --out DIR` (target <= 2.5 s), whole processes, median of
   `--repeat` runs after one warm-up; against the SimPy model of the same stages on the
   same year (`benchmarks/simpy_flows.py`, a whole process too, median of 3): simulate must be
   >= 6x faster.
2. What each saving buys, measured in the same run: the same two commands with the on-disk
   cache turned off (ASYLUM_PATHWAYS_CACHE=off) and without bytecode (an empty
   PYTHONPYCACHEPREFIX); in-process, libyaml's parser against PyYAML's pure-Python one on
   every parameter file, a fresh tree load against a cached one, the Vega bundle built
   against read, the monthly targets raked against read; and which heavy modules one JSON
   case through `determine` imports.

The machine is shared: the load average is printed with the figures, and each process's CPU
time (user + system) beside its wall-clock time, which waits for the CPU under load.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "src" / "asylum_pathways" / "examples" / "honduran-adult-el-paso.json"
CLI = Path(sys.executable).parent / "asylum-pathways"
HEAVY = ("polars", "pyarrow", "altair", "pydantic", "rich", "jinja2", "yaml", "vl_convert")
TARGET_DETERMINE, TARGET_SIMULATE, TARGET_RATIO = 0.4, 2.5, 6.0


def determine_cmd() -> list[str]:
    return [str(CLI), "determine", str(EXAMPLE)]


def simulate_cmd(out: Path) -> list[str]:
    return [
        str(CLI),
        "simulate",
        "--scenario",
        "history",
        "--start",
        "2019-01-01",
        "--end",
        "2019-12-31",
        "--reps",
        "1",
        "--no-progress",
        "--out",
        str(out),
    ]


def simpy_cmd() -> list[str]:
    return [sys.executable, str(ROOT / "benchmarks" / "simpy_flows.py")]


def timed(make: Callable[[], list[str]], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall-clock seconds and CPU seconds (user + system) of one whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(make(), capture_output=True, text=True, env=env, check=False)
    seconds = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(make())} failed:\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu


Stats = tuple[float, float, float, float]  # wall median, min, max; CPU median


def median_of(
    make: Callable[[], list[str]], repeat: int, env: dict[str, str] | None = None
) -> Stats:
    """Wall-clock median, min and max, and the CPU median, of `repeat` runs after a warm-up."""
    timed(make, env)
    runs = [timed(make, env) for _ in range(repeat)]
    walls = [w for w, _ in runs]
    return (
        statistics.median(walls),
        min(walls),
        max(walls),
        statistics.median(c for _, c in runs),
    )


def in_process(fn: Callable[[], object], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def fmt(stats: Stats) -> str:
    return f"{stats[0]:.2f} s (range {stats[1]:.2f}-{stats[2]:.2f}; CPU {stats[3]:.2f} s)"


def whole_processes(repeat: int, work: Path) -> None:
    counter = iter(range(10**6))

    def out() -> Path:
        return work / f"out-{next(counter)}"

    det = median_of(determine_cmd, repeat)
    sim = median_of(lambda: simulate_cmd(out()), repeat)
    simpy = median_of(simpy_cmd, max(1, min(repeat, 3)))
    ratio = simpy[0] / sim[0]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"1. whole processes, median of {repeat} after a warm-up (load average {load}):")
    print(
        f"   determine one JSON case       {fmt(det)}  target {TARGET_DETERMINE} s: "
        f"{'met' if det[0] <= TARGET_DETERMINE else 'NOT met'}"
    )
    print(
        f"   simulate 2019, 1 replication  {fmt(sim)}  target {TARGET_SIMULATE} s: "
        f"{'met' if sim[0] <= TARGET_SIMULATE else 'NOT met'}"
    )
    print(f"   SimPy stages, 2019 (process)  {fmt(simpy)}")
    print(
        f"   simulate is {ratio:.1f}x faster than the SimPy model (target >= {TARGET_RATIO}x: "
        f"{'met' if ratio >= TARGET_RATIO else 'NOT met'}); in CPU time {simpy[3] / sim[3]:.1f}x"
    )

    print("2. what each saving buys (same run):")
    off = {**os.environ, "ASYLUM_PATHWAYS_CACHE": "off"}
    det_off = median_of(determine_cmd, repeat, off)
    sim_off = median_of(lambda: simulate_cmd(out()), max(1, min(repeat, 3)), off)
    print(
        f"   on-disk cache off: determine {fmt(det_off)} ({det_off[0] / det[0]:.1f}x slower), "
        f"simulate {fmt(sim_off)} ({sim_off[0] / sim[0]:.1f}x slower)"
    )
    empty = tempfile.mkdtemp(prefix="no-bytecode-", dir=work)
    nobc = {**os.environ, "PYTHONPYCACHEPREFIX": empty, "PYTHONDONTWRITEBYTECODE": "1"}
    det_nobc = median_of(determine_cmd, repeat, nobc)
    print(f"   without bytecode: determine {fmt(det_nobc)} ({det_nobc[0] / det[0]:.1f}x slower)")


def savings_in_process(repeat: int, work: Path) -> None:
    from asylum_pathways.params import load_tree
    from asylum_pathways.params.loader import default_root
    from asylum_pathways.params.yamlio import load_yaml
    from asylum_pathways.report import bundle
    from asylum_pathways.sim.model import targets

    files = sorted(default_root().rglob("*.yaml"))
    texts = [(p, p.read_text("utf-8")) for p in files]
    fast = in_process(lambda: [load_yaml(p, t) for p, t in texts], repeat)
    slow = in_process(lambda: [load_yaml(p, t, libyaml=False) for p, t in texts], repeat)
    print(
        f"   YAML, {len(files)} parameter files: libyaml {fast * 1e3:.0f} ms, pure Python "
        f"{slow * 1e3:.0f} ms ({slow / fast:.1f}x)"
    )
    os.environ["ASYLUM_PATHWAYS_CACHE_DIR"] = str(work / "cache")
    load_tree()
    fresh = in_process(lambda: load_tree(use_cache=False), repeat)
    cached = in_process(load_tree, repeat)
    print(
        f"   parameter tree: loaded and validated {fresh * 1e3:.0f} ms, from the cache "
        f"{cached * 1e3:.1f} ms ({fresh / cached:.0f}x)"
    )
    chosen = bundle.vega_lite_version()
    import vl_convert as vlc

    built = in_process(lambda: vlc.javascript_bundle(vl_version=chosen), 1)
    bundle.vega_bundle()
    read = in_process(bundle.vega_bundle, repeat)
    print(
        f"   Vega bundle: built {built:.2f} s, from the cache {read * 1e3:.1f} ms "
        f"({built / read:.0f}x)"
    )
    raked = in_process(targets.compute, 1)

    def from_cache() -> None:
        targets.build.cache_clear()
        targets.build()

    from_cache()
    read_t = in_process(from_cache, repeat)
    print(
        f"   encounter targets: raked {raked:.2f} s, from the cache {read_t * 1e3:.1f} ms "
        f"({raked / read_t:.0f}x)"
    )


def heavy_modules() -> None:
    code = (
        "import sys\n"
        "from asylum_pathways.cli.app import main\n"
        "try:\n"
        f"    main(['determine', {str(EXAMPLE)!r}, '--json'])\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    print(f"   heavy modules that one JSON case through determine imports: {loaded or 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        work = Path(tmp)
        whole_processes(args.repeat, work)
        savings_in_process(args.repeat, work)
        heavy_modules()


if __name__ == "__main__":
    main()
