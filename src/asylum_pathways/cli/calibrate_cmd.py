"""`asylum-pathways calibrate`: fit the unpublished assumptions to the published figures."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from asylum_pathways.errors import InputError

if TYPE_CHECKING:
    from asylum_pathways.sim.calibrate.run import Calibration

DEFAULT_PARTICLES = 200
DEFAULT_GENERATIONS = 25
DEFAULT_SEED = 20191130
DEFAULT_MOVES = 3


def calibrate(
    targets: Path = typer.Option(
        None,
        "--targets",
        help="Calibration spec (YAML: fitted assumptions with priors, targets) [default: the "
        "package's sim/calibrate/spec.yaml].",
    ),
    out: Path = typer.Option(Path("calibration"), "--out", help="Output folder."),
    seed: int = typer.Option(DEFAULT_SEED, "--seed", help="Seed of the whole run."),
    particles: int = typer.Option(DEFAULT_PARTICLES, "--particles", help="ABC-SMC particles."),
    generations: int = typer.Option(
        DEFAULT_GENERATIONS, "--generations", help="ABC-SMC generations after the prior one."
    ),
    moves: int = typer.Option(
        DEFAULT_MOVES, "--moves", help="Metropolis-Hastings moves of each replaced particle."
    ),
    stop_at: float = typer.Option(
        1.0,
        "--stop-at",
        help="Stop after the first generation whose tolerance is at most this (1: every "
        "particle's targets within the spec's tolerances, in weighted root mean square; 0: run "
        "every generation).",
    ),
    workers: int = typer.Option(0, "--workers", help="Worker processes (0: one per CPU)."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar on stderr."),
    holdout_after: str = typer.Option(
        None,
        "--holdout-after",
        help="Back-test: fit only the targets dated on or before this day (YYYY-MM-DD) and "
        "report how the posterior predicts the later figures (backtest.csv).",
    ),
) -> None:
    """Fit the unpublished operational assumptions to published figures, by ABC-SMC.

    The calibration spec lists the fitted assumptions (priors, bounds) and the targets; each
    particle is one replication of `history`. Writes posterior.parquet, fit.csv and
    calibration.json in --out and changes nothing else (pass the folder to `simulate
    --posterior`).
    """
    # rich is imported here, not at the top: every command loads this module (lazy imports).
    from rich.console import Console

    from asylum_pathways.cli.progress import progress_bar
    from asylum_pathways.params import load_tree
    from asylum_pathways.sim.calibrate import abc
    from asylum_pathways.sim.calibrate.run import calibrate as run
    from asylum_pathways.sim.calibrate.run import write
    from asylum_pathways.sim.fitting import spec

    if particles < 4:
        raise InputError(f"--particles {particles}: expected at least 4")
    if generations < 0:
        raise InputError(f"--generations {generations}: expected 0 or more")
    if not stop_at >= 0:
        raise InputError(f"--stop-at {stop_at}: expected 0 or more")
    if moves < 1:
        raise InputError(f"--moves {moves}: expected at least 1")
    if workers < 0:
        raise InputError(f"--workers {workers}: expected 0 (one per CPU) or more")
    if targets is not None and not targets.exists():
        raise InputError(f"--targets {targets}: no such file")
    from asylum_pathways.io.encounters import parse_date

    cut = parse_date(holdout_after, "--holdout-after") if holdout_after is not None else None
    tree = load_tree()
    the_spec = spec.load(targets, tree)
    err = Console(stderr=True)
    total = abc.budget(particles, generations, 0.5, moves)
    with progress_bar("calibrating", err, progress) as bar:
        task = bar.add_task("sims", total=total)
        cal = run(
            the_spec,
            tree,
            seed,
            particles,
            generations,
            workers or None,
            progress=lambda k: bar.advance(task, k),
            moves=moves,
            warn=lambda m: err.print(f"warning: {m}", markup=False, highlight=False),
            holdout_after=cut,
            enough=stop_at,
        )
        bar.update(task, completed=total)
    write(cal, out)
    _print(cal, out)


def _print(cal: Calibration, out: Path) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(
        title=f"Fit of calibration run {cal.provenance['run_id']}: model median (5th-95th "
        f"percentile) over {cal.result.particles.shape[0]} posterior particles",
        title_justify="left",
    )
    for col in ("target", "role", "published", "model", "inside"):
        table.add_column(col, justify="left" if col in ("target", "role") else "right")
    for row in cal.fit().iter_rows(named=True):
        table.add_row(
            row["target"],
            row["role"],
            f"{row['published']:,.4g}" if row["published"] < 10 else f"{row['published']:,.0f}",
            f"{row['model_median']:,.3g} ({row['model_p5']:,.3g}-{row['model_p95']:,.3g})",
            "yes" if row["inside"] else "NO",
        )
    console.print(table)
    uninformed = cal.provenance.get("uninformed") or []
    if uninformed:
        console.print(
            f"Uninformed (posterior indistinguishable from prior): {', '.join(uninformed)}"
        )
    back = cal.provenance.get("backtest")
    if back:
        a = back["all"]
        console.print(
            f"Back-test after {cal.holdout_after}: {a['figures']} figures the fit did not see; "
            f"{a['inside50']} inside the 50% interval ({a['coverage50']:.0%}), "
            f"{a['inside90']} inside the 90% interval ({a['coverage90']:.0%}); median signed "
            f"error {a['median_signed_error']:+.1%} (backtest.csv)."
        )
    fit = cal.provenance["fit"]
    console.print(
        f"{fit['targets_inside_90']} of {fit['targets']} targets inside the 90% interval; "
        f"{cal.result.simulations} simulations in {cal.seconds:.0f} s. Results in {out}/ "
        "(posterior.parquet, fit.csv, calibration.json); use them with "
        f"`asylum-pathways simulate --posterior {out}`."
    )
