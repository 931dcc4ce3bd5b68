"""`asylum-pathways sweep SPEC.yaml`: a policy sweep over levers, on a process pool or Dask."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from asylum_pathways.errors import InputError


def sweep(
    spec: Path = typer.Argument(..., help="Sweep spec (YAML; see docs/sweeps.md)."),
    backend: str = typer.Option(
        "process", "--backend", help="Where replications run: process (local pool) or dask."
    ),
    scheduler: str = typer.Option(
        None, "--scheduler", help="Address of an existing Dask scheduler (implies --backend dask)."
    ),
    workers: int = typer.Option(
        0, "--workers", help="Worker processes (0: one per CPU); Dask workers of a new cluster."
    ),
    out: Path = typer.Option(Path("sweep"), "--out", help="Output folder."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar on stderr."),
) -> None:
    """Sweep a base scenario over a grid of lever values; write sweep.parquet and sweep.html."""
    # rich is imported here, not at the top: every command loads this module (lazy imports).
    from rich.console import Console

    from asylum_pathways.cli.progress import progress_bar
    from asylum_pathways.params import load_tree
    from asylum_pathways.report.sweep import write_html
    from asylum_pathways.sim.runs import sweep as sweeps
    from asylum_pathways.sim.runs.runtime import Runtime

    if workers < 0:
        raise InputError(f"--workers {workers}: expected 0 (one per CPU) or more")
    if not spec.is_file():
        raise InputError(f"{spec}: no such sweep spec file")
    err = Console(stderr=True)
    with progress_bar("sweeping", err, progress) as bar:
        task = bar.add_task("reps", total=None)

        def loaded(s: Any) -> None:
            bar.update(task, total=s.reps)
            err.print(
                f"{len(s.points)} points (the base and {len(s.points) - 1} lever settings) x "
                f"{s.reps} replications; parameters: {s.drawn}"
            )

        frame = sweeps.run(
            spec,
            out,
            load_tree(),
            Runtime(
                workers=workers or None,
                backend=backend,
                scheduler=scheduler,
                progress=lambda k: bar.advance(task, k),
            ),
            on_loaded=loaded,
            render=write_html,
        )
    Console().print(
        f"{frame['point'].n_unique()} points x {frame['metric'].n_unique()} metrics: "
        f"{out}/sweep.parquet, {out}/sweep.json, {out}/sweep.html (replications in "
        f"{out}/replications/)"
    )
