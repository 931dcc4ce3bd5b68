"""`asylum-pathways determine`: one case explained, or many records to a table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

from asylum_pathways.errors import InputError
from asylum_pathways.io.determinations import to_frame, write_table
from asylum_pathways.io.encounters import day_numbers, parse_date, read_encounters
from asylum_pathways.params import load_tree
from asylum_pathways.rules.engine import determine as run
from asylum_pathways.rules.explain import explain
from asylum_pathways.scenarios import load_scenario
from asylum_pathways.scenarios.overlay import DEFAULT


def determine(
    case: Path = typer.Argument(
        ..., help="A case (.json) or many records (.json list, .csv, .parquet)."
    ),
    date: str = typer.Option(
        None, "--date", help="Determine as of this day (default: each record's encounter_date)."
    ),
    scenario: str = typer.Option(
        DEFAULT, "--scenario", help="Built-in scenario name or scenario YAML file."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the answer as JSON."),
    out: Path = typer.Option(
        None, "--out", help="Write many determinations to this .csv or .parquet file."
    ),
) -> None:
    """Which programs a person is amenable to, which pathway policy assigns, and why."""
    base = load_tree()
    chosen = load_scenario(scenario, base)
    table = read_encounters(case, chosen.tree)
    enc = table.encounters
    day = day_numbers(parse_date(date, "--date"), enc.n) if date else None
    _check_coverage(chosen.tree, enc.arrival if day is None else day, case, date)
    det = run(chosen.tree, enc, day)
    ids = [str(x) for x in table.person_id.to_list()]
    many = enc.n != 1 or out is not None
    if many:
        if out is not None:
            frame = to_frame(det, table.person_id, chosen.name)
            write_table(frame, out)
            counts = frame.get_column("pathway").value_counts(sort=True)
            typer.echo(f"{enc.n} determinations written to {out}", err=True)
            for row in counts.iter_rows():
                typer.echo(f"  {row[0]}: {row[1]}", err=True)
            return
        if not as_json:
            raise InputError(
                f"{case}: {enc.n} records; write them with --out FILE.csv|FILE.parquet "
                "(or print them with --json)"
            )
        answers = [explain(chosen.tree, enc, det, i, ids[i], chosen.name) for i in range(enc.n)]
        typer.echo(json.dumps(answers, indent=2, default=str))
        return
    answer = explain(chosen.tree, enc, det, 0, ids[0], chosen.name)
    if as_json:
        typer.echo(json.dumps(answer, indent=2, default=str))
    else:
        _print(answer)


def _check_coverage(tree: Any, days: np.ndarray, case: Path, date: str | None) -> None:
    """Refuse days before the parameter tree begins instead of answering UNDETERMINED, and
    days after the last day the law tree was reviewed for instead of extrapolating."""
    from asylum_pathways.params.model import day_number, from_day_number

    first = tree.get("law.assignment.priority").values[0].start
    where = "--date" if date else f"{case}: encounter_date"
    if days.shape[0] and int(days.min()) < day_number(first):
        raise InputError(
            f"{where} {from_day_number(int(days.min())).isoformat()} is before "
            f"{first.isoformat()}, where the parameter tree begins"
        )
    last = tree.get("law.coverage.answerable_through").values[-1].value
    if days.shape[0] and int(days.max()) > day_number(last):
        raise InputError(
            f"{where} {from_day_number(int(days.max())).isoformat()} is after "
            f"{last.isoformat()}, the last day the law tree has been reviewed for "
            "(law.coverage.answerable_through); later law may differ"
        )


def _print(answer: dict[str, Any]) -> None:
    console = Console()
    target = f" to {answer['receiving_country']}" if answer["receiving_country"] else ""
    console.print(
        f"[bold]{answer['person_id']}[/bold] on {answer['date']} "
        f"(scenario {answer['scenario']}): [bold green]{answer['pathway']}{target}[/bold green]"
    )
    if answer["missing_facts"]:
        console.print(f"[yellow]Missing facts: {', '.join(answer['missing_facts'])}[/yellow]")
    table = Table("program", "amenable", "deciding rule", box=None)
    steps = {s["program"]: s for s in answer["explanation"]}
    for key, value in answer["amenable"].items():
        shown = {True: "yes", False: "no", None: "unknown"}[value]
        table.add_row(key, shown, steps[key]["rule"])
    console.print(table)
    refs: dict[tuple[str, str], int] = {}
    console.print("\n[bold]Why[/bold]")
    for step in answer["explanation"]:
        marks = []
        for ref in step["references"]:
            k = (ref["title"], ref["href"])
            refs.setdefault(k, len(refs) + 1)
            marks.append(f"[{refs[k]}]")
        console.print(
            f"- [bold]{step['program']}[/bold] ({step['rule']}): {step['because']} "
            f"{' '.join(marks)}",
            highlight=False,
        )
    console.print("\n[bold]Sources[/bold]")
    for (title, href), number in refs.items():
        console.print(f"[{number}] {title} — {href}", highlight=False, markup=False)
