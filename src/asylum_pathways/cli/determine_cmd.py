"""`asylum-pathways determine`: one case explained, or many records to a table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from asylum_pathways.errors import InputError
from asylum_pathways.io.encounters import day_numbers, parse_date, read_encounters
from asylum_pathways.io.files import check_output_file, write_file_atomically
from asylum_pathways.params import load_tree
from asylum_pathways.params.coverage import check_day
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
    day = parse_date(date, "--date") if date is not None else None
    if out is not None:
        from asylum_pathways.io.determinations import check_suffix

        check_suffix(out)
        check_output_file(out, "--out", inputs=(case,))
    base = load_tree()
    chosen = load_scenario(scenario, base)
    if day is not None:
        check_day(chosen.tree, day, "--date")
    table = read_encounters(case, chosen.tree)
    enc = table.encounters
    days = day_numbers(day, enc.n) if day is not None else None
    det = run(chosen.tree, enc, days)
    ids = [str(x) for x in table.person_id.to_list()]
    many = enc.n != 1 or out is not None
    if many:
        if out is not None:
            from asylum_pathways.io.determinations import to_frame, write_table

            frame = to_frame(det, table.person_id, chosen.name)
            write_file_atomically(out, "--out", lambda tmp: write_table(frame, tmp, out.suffix))
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


def _print(answer: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    target = f" to {answer['receiving_country']}" if answer["receiving_country"] else ""
    console.print(
        f"[bold]{escape(answer['person_id'])}[/bold] on {answer['date']} "
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
