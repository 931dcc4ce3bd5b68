"""`asylum-pathways simulate`: the built-in study, or your own scenarios and horizon."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import typer

from asylum_pathways.cli import simulate_options as opt
from asylum_pathways.cli.contract import MAX_REPS, check_limit, cpus
from asylum_pathways.errors import UsageError
from asylum_pathways.io.encounters import parse_date
from asylum_pathways.io.files import check_output_folder, staged_folder
from asylum_pathways.params import ParameterTree, load_tree
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
    scenario: opt.Scenarios = None,
    start: opt.Start = None,
    end: opt.End = None,
    encounters: opt.EncounterFile = None,
    reps: opt.Reps = None,
    seed: opt.Seed = None,
    workers: opt.Workers = 0,
    backend: opt.Backend = "process",
    scheduler: opt.Scheduler = None,
    csv: opt.Csv = None,
    out: opt.Out = Path("results"),
    progress: opt.Progress = True,
    report: opt.Report = True,
    posterior_file: opt.Posterior = None,
    fixed_parameters: opt.FixedParameters = False,
    as_json: opt.AsJson = False,
) -> None:
    """Simulate encounters through the rules and capacity-limited stages, with Monte Carlo
    replications, and compare scenarios side by side."""
    _check_flags(reps, workers, seed, fixed_parameters, posterior_file, out)
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
    runtime = {"workers": workers, "backend": backend, "scheduler": scheduler}
    summary, study_reps = _run(spec, base, records, runtime, out, csv, progress, report)
    if as_json:
        typer.echo((out / "summary.json").read_text())
        return
    _print(summary, study_reps, out, spec.console_rows)


def _check_flags(
    reps: int | None,
    workers: int,
    seed: int | None,
    fixed_parameters: bool,
    posterior_file: Path | None,
    out: Path,
) -> None:
    """The flags checked on their own, before any work: the limits of --reps and --workers,
    --posterior against --fixed-parameters, the seed's bounds (the spec's), the output."""
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


def _run(
    spec: StudySpec,
    base: ParameterTree,
    records: Any,
    runtime: dict[str, Any],
    out: Path,
    csv: bool | None,
    progress: bool,
    report: bool,
) -> tuple[dict[str, Any], int]:
    """Run the study into a staged folder that becomes `out` when everything is written
    (outputs, and report.html with `report`); (summary.json's content, replications)."""
    # Imported here, not at the top: `determine` loads this module too (lazy imports).
    from rich.console import Console

    from asylum_pathways.cli.progress import progress_bar
    from asylum_pathways.sim.model import targets
    from asylum_pathways.sim.runs.montecarlo import run_study
    from asylum_pathways.sim.runs.outputs import write_all
    from asylum_pathways.sim.runs.runtime import Runtime

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
                    workers=min(runtime["workers"] or cpus(), spec.reps),
                    backend=runtime["backend"],
                    scheduler=runtime["scheduler"],
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
    return summary, study.reps


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
