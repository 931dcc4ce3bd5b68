"""`asylum-pathways simulate`: the built-in study, or your own scenarios and horizon."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from asylum_pathways.errors import InputError
from asylum_pathways.io.encounters import parse_date
from asylum_pathways.params import load_tree
from asylum_pathways.scenarios import load_scenario

DEFAULT_SCENARIOS = ["history", "outlook-2020-03-10", "ninth-circuit-injunction"]
DEFAULT_START, DEFAULT_END = "2019-01-01", "2021-01-31"
DEFAULT_REPS = 20
HEADLINES = (
    ("encounters", "Encounters"),
    ("title42_expulsions", "Title 42 expulsions"),
    ("aca_transfers_GT", "ACA transfers to Guatemala"),
    ("aca_transfers_HN", "ACA transfers to Honduras"),
    ("aca_transfers_SV", "ACA transfers to El Salvador"),
    ("mpp_enrolled", "MPP enrolments"),
    ("mpp_enrolled_2020_03_12_to_2020_12_31", "MPP enrolments 12 Mar-31 Dec 2020"),
    ("mpp_in_absentia", "MPP in-absentia orders"),
    ("mpp_pending_end", "MPP cases pending at the end"),
)


def simulate(
    scenario: list[str] = typer.Option(
        None,
        "--scenario",
        help="Built-in name or YAML file; repeat for several (default: the built-in study).",
    ),
    start: str = typer.Option(
        None,
        "--start",
        help=f"First day of encounters [default: {DEFAULT_START}, or the first day in --encounters].",
    ),
    end: str = typer.Option(
        None,
        "--end",
        help=f"Last day of encounters [default: {DEFAULT_END}, or the last day in --encounters].",
    ),
    encounters: Path = typer.Option(
        None,
        "--encounters",
        help="Your own encounter records (.csv, .parquet or .json; see docs/encounter-schema.md) instead of generated ones.",
    ),
    reps: int = typer.Option(DEFAULT_REPS, "--reps", help="Monte Carlo replications."),
    seed: int = typer.Option(20200310, "--seed", help="Seed of the whole study."),
    workers: int = typer.Option(0, "--workers", help="Worker processes (0: one per CPU)."),
    out: Path = typer.Option(Path("results"), "--out", help="Output folder."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar on stderr."),
    report: bool = typer.Option(True, "--report/--no-report", help="Write report.html."),
    posterior_file: Path = typer.Option(
        None,
        "--posterior",
        help="Calibration posterior (a `calibrate --out` folder or its posterior.parquet) each "
        "replication draws its fitted assumptions from [default: the shipped posterior].",
    ),
    fixed_parameters: bool = typer.Option(
        False,
        "--fixed-parameters",
        help="Hold every assumption at its tree value (intervals show Monte Carlo noise only).",
    ),
) -> None:
    """Simulate encounters through the rules and capacity-limited stages, with Monte Carlo
    replications, and compare scenarios side by side."""
    from asylum_pathways.sim import targets
    from asylum_pathways.sim.montecarlo import run_study
    from asylum_pathways.sim.outputs import write_all

    base = load_tree()
    records = None
    if encounters is not None:
        from asylum_pathways.io.encounters import read_encounters
        from asylum_pathways.params.model import from_day_number

        table = read_encounters(encounters, base)
        if table.encounters.n == 0:
            raise InputError(f"{encounters}: no encounter records")
        records = (table.encounters, table.person_id.cast(str).to_numpy())
        start = start or from_day_number(int(table.encounters.arrival.min())).isoformat()
        end = end or from_day_number(int(table.encounters.arrival.max())).isoformat()
    first = parse_date(start or DEFAULT_START, "--start")
    last = parse_date(end or DEFAULT_END, "--end")
    if last < first:
        raise InputError(f"--end {last} is before --start {first}")
    lo = targets.FIRST_MONTH
    hi = dt.date(targets.LAST_MONTH.year, targets.LAST_MONTH.month, 31)
    if records is None and (first < lo or last > hi):
        raise InputError(
            f"--start/--end {first}..{last} is outside the calibration data ({lo}..{hi})"
        )
    if reps < 1:
        raise InputError(f"--reps {reps}: expected at least 1 replication")
    if workers < 0:
        raise InputError(f"--workers {workers}: expected 0 (one per CPU) or more")
    names = scenario or DEFAULT_SCENARIOS
    if len(set(names)) != len(names):
        raise InputError(f"--scenario given twice: {', '.join(names)}")
    scenarios = [load_scenario(name, base) for name in names]
    if len({s.name for s in scenarios}) != len(scenarios):
        raise InputError("two scenarios have the same name; rename one (its `name:` key)")
    if fixed_parameters and posterior_file is not None:
        raise InputError("--posterior and --fixed-parameters exclude each other; give one")
    from asylum_pathways.sim.posterior import for_simulate

    drawn = for_simulate(posterior_file, fixed_parameters, base)
    targets.build()
    err = Console(stderr=True)
    with Progress(
        TextColumn("simulating"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=not progress,
        transient=False,
    ) as bar:
        task = bar.add_task("reps", total=reps)
        study = run_study(
            scenarios,
            first,
            last,
            reps,
            seed,
            workers or None,
            progress=lambda k: bar.advance(task, k),
            records=records,
            posterior=drawn,
        )
    summary = write_all(study, out)
    if report:
        from asylum_pathways.report.build import build_report

        build_report(out)
    _print(summary, study.reps, out)


def _print(summary: dict, reps: int, out: Path) -> None:
    console = Console()
    table = Table(
        title=f"Headline figures, mean (5th-95th percentile) over {reps} replications",
        title_justify="left",
    )
    table.add_column("")
    for name in summary["scenarios"]:
        table.add_column(name, justify="right")
    for key, label in HEADLINES:
        cells = []
        for s in summary["scenarios"].values():
            h = s["headline"].get(key)
            cells.append("" if h is None else f"{h['mean']:,.0f} ({h['p5']:,.0f}-{h['p95']:,.0f})")
        table.add_row(label, *cells)
    console.print(table)
    console.print(
        f"Results in {out}/ (daily.parquet, persons.parquet, summary.json, validation.csv"
        f"{', report.html' if (out / 'report.html').exists() else ''}); "
        f"run time {summary['run_seconds']} s."
    )
