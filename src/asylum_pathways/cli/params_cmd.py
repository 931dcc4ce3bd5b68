"""`asylum-pathways params`: list parameters and show one's dated history with citations."""

from __future__ import annotations

import json

import typer

from asylum_pathways.errors import Problem, UsageError, shown
from asylum_pathways.params import load_tree
from asylum_pathways.params.loader import SECTIONS
from asylum_pathways.params.tree import _jsonable, dated_history

app = typer.Typer(
    help="List the parameter tree and show a parameter's history.", no_args_is_help=True
)


@app.command("list")
def list_params(
    section: str = typer.Option(None, "--section", help="Only 'law' or 'assumptions'."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List every parameter with its label, unit and number of dated values."""
    if section is not None and section not in SECTIONS:
        msg = f"{shown(section)} is not a section (expected {' or '.join(SECTIONS)})"
        raise UsageError(f"--section: {msg}", [Problem(("--section",), msg, section)])
    tree = load_tree()
    rows = [p for p in tree if section is None or p.section == section]
    if as_json:
        typer.echo(
            json.dumps(
                [
                    {"name": p.name, "label": p.label, "unit": p.unit, "values": len(p.values)}
                    for p in rows
                ],
                indent=2,
            )
        )
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("name", "label", "unit", "values", box=None)
    for p in rows:
        table.add_row(p.name, p.label, p.unit, str(len(p.values)))
    Console().print(table)


@app.command("show")
def show(
    name: str = typer.Argument(..., help="Dotted parameter name, e.g. law.mpp.ports_active."),
    date: str = typer.Option(None, "--date", help="Also say which value is in force on this day."),
    scenario: str = typer.Option(None, "--scenario", help="Show the parameter under a scenario."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Print a parameter's dated history with the reference of each value."""
    from asylum_pathways.io.encounters import parse_date
    from asylum_pathways.scenarios import load_scenario

    tree = load_tree()
    if scenario:
        tree = load_scenario(scenario, tree).tree
    param = tree.get(name)
    day = parse_date(date, "--date") if date is not None else None
    current = param.entry_at(day) if day else None
    history = dated_history(param, current)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "name": param.name,
                    "label": param.label,
                    "unit": param.unit,
                    "description": param.description,
                    "note": param.note,
                    "date": day.isoformat() if day else None,
                    "value_on_date": _jsonable(current.value) if current else None,
                    "history": history,
                },
                indent=2,
            )
        )
        return
    from rich.console import Console

    console = Console()
    console.print(f"[bold]{param.name}[/bold] — {param.label} ({param.unit})")
    console.print(param.description)
    if param.note:
        console.print(f"[dim]Note: {param.note}[/dim]")
    for item in history:
        mark = "▶ " if item["in_force_on_date"] else "  "
        console.print(f"{mark}[bold]{item['from']}[/bold]: {json.dumps(item['value'])}")
        if item["note"]:
            console.print(f"    {item['note']}")
        for ref in item["references"]:
            console.print(f"    [dim]{ref['title']} — {ref['href']}[/dim]")
    if day:
        value = (
            json.dumps(_jsonable(current.value)) if current else "no value (before the first date)"
        )
        console.print(f"\nOn {day.isoformat()}: {value}")
