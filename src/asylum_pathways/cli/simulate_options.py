"""The options of `asylum-pathways simulate`, each a type named after its flag (the flags,
their help and their defaults are the command's; see `simulate_cmd`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from asylum_pathways.cli.contract import MAX_REPS

Scenarios = Annotated[
    list[str] | None,
    typer.Option(
        "--scenario",
        help="Built-in name or YAML file; repeat for several (default: the built-in study).",
    ),
]
Start = Annotated[
    str | None,
    typer.Option(
        "--start",
        help="First day of encounters (default: the built-in study's, or the first day in --encounters).",
    ),
]
End = Annotated[
    str | None,
    typer.Option(
        "--end",
        help="Last day of encounters (default: the built-in study's, or the last day in --encounters).",
    ),
]
EncounterFile = Annotated[
    Path | None,
    typer.Option(
        "--encounters",
        help="Your own encounter records (.csv, .parquet or .json; see docs/encounter-schema.md) instead of generated ones.",
    ),
]
Reps = Annotated[
    int | None,
    typer.Option(
        "--reps",
        help=f"Monte Carlo replications (default 20, the built-in study's; 1 to {MAX_REPS:,}).",
    ),
]
Seed = Annotated[
    int | None,
    typer.Option(
        "--seed",
        help="Seed of the whole study (default 20200310, the built-in study's; 0 to 2^63-1).",
    ),
]
Workers = Annotated[
    int, typer.Option("--workers", help="Worker processes (0: one per CPU; at most the CPUs).")
]
Backend = Annotated[
    str,
    typer.Option("--backend", help="Where replications run: process (local pool) or dask."),
]
Scheduler = Annotated[
    str | None,
    typer.Option(
        "--scheduler", help="Address of an existing Dask scheduler (implies --backend dask)."
    ),
]
Csv = Annotated[
    bool | None,
    typer.Option(
        "--csv/--no-csv",
        help="Write daily.csv (default: only up to 5,000,000 rows; daily.parquet always).",
    ),
]
Out = Annotated[Path, typer.Option("--out", help="Output folder.")]
Progress = Annotated[bool, typer.Option("--progress/--no-progress", help="Progress bar on stderr.")]
Report = Annotated[bool, typer.Option("--report/--no-report", help="Write report.html.")]
Posterior = Annotated[
    Path | None,
    typer.Option(
        "--posterior",
        help="Calibration posterior (a `calibrate --out` folder or its posterior.parquet) each "
        "replication draws its fitted assumptions from [default: the shipped posterior].",
    ),
]
FixedParameters = Annotated[
    bool,
    typer.Option(
        "--fixed-parameters",
        help="Hold every assumption at its tree value (intervals show Monte Carlo noise only).",
    ),
]
AsJson = Annotated[
    bool,
    typer.Option(
        "--json",
        help="Print summary.json on stdout instead of the table (an error: the error envelope).",
    ),
]
