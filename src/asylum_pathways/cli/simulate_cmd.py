"""`asylum-pathways simulate`: the built-in study, or your own scenarios and horizon."""

from __future__ import annotations

import contextlib
from pathlib import Path

import typer

from asylum_pathways.cli.contract import MAX_REPS, check_limit, cpus
from asylum_pathways.errors import UsageError
from asylum_pathways.io.encounters import parse_date
from asylum_pathways.io.files import check_output_folder, staged_folder
from asylum_pathways.params import load_tree
from asylum_pathways.params.coverage import check_day
from asylum_pathways.sim.runs.study import FIXED, StudySpec, builtin_study, check_horizon

#: The flags that set a study spec's keys (for messages naming what the user typed).
FLAGS = {
    "scenarios": "--scenario",
    "start": "--start",
    "end": "--end",
    "reps": "--reps",
    "seed": "--seed",
    "parameters": "--posterior",
}


def simulate(
    scenario: list[str] = typer.Option(
        None,
        "--scenario",
        help="Built-in name or YAML file; repeat for several (default: the built-in study).",
    ),
    start: str = typer.Option(
        None,
        "--start",
        help="First day of encounters (default: the built-in study's, or the first day in --encounters).",
    ),
    end: str = typer.Option(
        None,
        "--end",
        help="Last day of encounters (default: the built-in study's, or the last day in --encounters).",
    ),
    encounters: Path = typer.Option(
        None,
        "--encounters",
        help="Your own encounter records (.csv, .parquet or .json; see docs/encounter-schema.md) instead of generated ones.",
    ),
    reps: int = typer.Option(
        None,
        "--reps",
        help=f"Monte Carlo replications (default 20, the built-in study's; 1 to {MAX_REPS:,}).",
    ),
    seed: int = typer.Option(
        None,
        "--seed",
        help="Seed of the whole study (default 20200310, the built-in study's; 0 to 2^63-1).",
    ),
    workers: int = typer.Option(
        0, "--workers", help="Worker processes (0: one per CPU; at most the CPUs)."
    ),
    backend: str = typer.Option(
        "process", "--backend", help="Where replications run: process (local pool) or dask."
    ),
    scheduler: str = typer.Option(
        None, "--scheduler", help="Address of an existing Dask scheduler (implies --backend dask)."
    ),
    csv: bool = typer.Option(
        None,
        "--csv/--no-csv",
        help="Write daily.csv (default: only up to 5,000,000 rows; daily.parquet always).",
    ),
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
    as_json: bool = typer.Option(
        False,
        "--json",
        help="Print summary.json on stdout instead of the table (an error: the error envelope).",
    ),
) -> None:
    """Simulate encounters through the rules and capacity-limited stages, with Monte Carlo
    replications, and compare scenarios side by side."""
    # Imported here, not at the top: `determine` loads this module too (lazy imports).
    from rich.console import Console

    from asylum_pathways.cli.progress import progress_bar
    from asylum_pathways.sim.model import targets
    from asylum_pathways.sim.runs.montecarlo import run_study
    from asylum_pathways.sim.runs.outputs import write_all
    from asylum_pathways.sim.runs.runtime import Runtime

    if reps is not None:
        check_limit(
            reps,
            "--reps",
            1,
            MAX_REPS,
            f"at least 1 replication and at most {MAX_REPS:,}, a bounded run; a sweep runs more",
        )
    n_cpus = cpus()
    check_limit(
        workers, "--workers", 0, n_cpus, f"0 for one per CPU, or 1 to {n_cpus}, the CPUs here"
    )
    if fixed_parameters and posterior_file is not None:
        raise UsageError("--posterior and --fixed-parameters exclude each other; give one")
    # the seed's bounds, like every key of the spec, are the spec's (checked before any work)
    StudySpec.from_dict({"seed": seed}, defaults=builtin_study(), labels=FLAGS)
    check_output_folder(out, "--out")
    first_day = parse_date(start, "--start") if start is not None else None
    last_day = parse_date(end, "--end") if end is not None else None
    base = load_tree()
    records = None
    if encounters is not None:
        from asylum_pathways.dates import from_day_number
        from asylum_pathways.io.encounters import read_encounters

        table = read_encounters(encounters, base)
        records = (table.encounters, table.person_id)
        first_day = first_day or from_day_number(int(table.encounters.arrival.min()))
        last_day = last_day or from_day_number(int(table.encounters.arrival.max()))
    if scenario and len(set(scenario)) != len(scenario):
        raise UsageError(f"--scenario given twice: {', '.join(scenario)}")
    spec = StudySpec.from_dict(
        {
            "scenarios": scenario or None,
            "start": first_day.isoformat() if first_day else None,
            "end": last_day.isoformat() if last_day else None,
            "reps": reps,
            "seed": seed,
            "parameters": FIXED if fixed_parameters else posterior_file and str(posterior_file),
        },
        defaults=builtin_study(),
        labels=FLAGS,
    )
    if records is None:
        check_horizon(spec, FLAGS)
    check_day(base, spec.start, "--start")
    check_day(base, spec.end, "--end")
    scenarios = spec.load_scenarios(base, labels=FLAGS)
    drawn = spec.draws(scenarios[0].tree, labels=FLAGS)  # as run_study and the service do
    if report:
        _import_meanwhile("asylum_pathways.report.build")
    targets.build()
    err = Console(stderr=True)
    with staged_folder(out, "--out") as stage:
        with progress_bar("simulating", err, progress) as bar:
            task = bar.add_task("reps", total=spec.reps)
            study = run_study(
                spec,
                Runtime(
                    workers=min(workers or cpus(), spec.reps),
                    backend=backend,
                    scheduler=scheduler,
                    store=stage / "replications",
                    progress=lambda k: bar.advance(task, k),
                    tree=base,
                    scenarios=tuple(scenarios),
                    records=records,
                    draws=drawn,
                ),
            )
        summary = write_all(study, stage, csv=csv)
        if not summary["daily_csv"]["written"]:
            err.print(summary["daily_csv"]["text"])
        if report:
            from asylum_pathways.report.build import build_report

            build_report(stage)
    if as_json:
        typer.echo((out / "summary.json").read_text())
        return
    _print(summary, study.reps, out, spec.console_rows)


def _import_meanwhile(module: str) -> None:
    """Import `module` in a background thread while the replications run. Importing is pure
    Python and the simulation mostly NumPy, which lets go of the interpreter while it
    computes, so the report's half second of imports (Altair above all) overlaps the work on
    two cores. A failed import is not hidden: the main thread's own import raises it."""
    import importlib
    import threading

    def load() -> None:
        with contextlib.suppress(Exception):
            importlib.import_module(module)

    threading.Thread(target=load, name=f"import {module}", daemon=True).start()


def _rows_of(summary: dict, rows: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    """The study's rows that the run has (a window outside the horizon has no figure), then
    the ACA transfers to any other country that took someone in a scenario."""
    from asylum_pathways import codes

    heads = [s["headline"] for s in summary["scenarios"].values()]
    out = [(k, label) for k, label in rows if any(k in h for h in heads)]
    listed = {k for k, _ in out}
    for key in sorted({k for h in heads for k in h if k.startswith("aca_transfers_")} - listed):
        if any(h.get(key, {}).get("mean", 0) > 0 for h in heads):
            out.append(
                (key, f"ACA transfers to {codes.country_name(key.removeprefix('aca_transfers_'))}")
            )
    return out


def _print(summary: dict, reps: int, out: Path, rows: tuple[tuple[str, str], ...]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(
        title=f"Headline figures, mean (5th-95th percentile) over {reps} replications",
        title_justify="left",
    )
    table.add_column("")
    for name in summary["scenarios"]:
        table.add_column(name, justify="right")
    for key, label in _rows_of(summary, rows):
        cells = []
        for s in summary["scenarios"].values():
            h = s["headline"].get(key)
            cells.append("" if h is None else f"{h['mean']:,.0f} ({h['p5']:,.0f}-{h['p95']:,.0f})")
        table.add_row(label, *cells)
    console.print(table)
    console.print(
        f"Results in {out}/ (daily.parquet{', daily.csv' if (out / 'daily.csv').exists() else ''},"
        " persons.parquet, summary.json, validation.csv, study.json, parameters.json, replications/"
        f"{', report.html' if (out / 'report.html').exists() else ''}); "
        f"run time {summary['run_seconds']} s."
    )
