"""`asylum-pathways params`: list parameters and show one's dated history with citations."""

from __future__ import annotations

import json

import typer

from asylum_pathways.errors import Problem, UsageError, shown
from asylum_pathways.params import load_tree
from asylum_pathways.params.loader import SECTIONS
from asylum_pathways.params.model import Parameter
from asylum_pathways.params.search import matches, resolve
from asylum_pathways.params.tree import _jsonable, dated_history

app = typer.Typer(
    help="List the parameter tree and show a parameter's history.", no_args_is_help=True
)


@app.command("list")
def list_params(
    section: str = typer.Option(None, "--section", help="Only 'law' or 'assumptions'."),
    search: str = typer.Option(
        None,
        "--search",
        help="Only parameters whose name, label or description contains every one of these "
        "words (ignoring case), e.g. --search 'guatemala transfers'.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List every parameter with its label, unit and number of dated values.

    Names are printed whole at any width and in pipes (the label wraps instead), so any
    name can be copied into `params show`."""
    if section is not None and section not in SECTIONS:
        msg = f"{shown(section)} is not a section (expected {' or '.join(SECTIONS)})"
        raise UsageError(f"--section: {msg}", [Problem(("--section",), msg, section)])
    tree = load_tree()
    rows = [p for p in tree if (section is None or p.section == section) and matches(p, search)]
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
    if not rows:
        typer.echo("no parameter matches" + (f" {search!r}" if search else ""), err=True)
        return
    typer.echo("\n".join(_table(rows)))


def _table(rows: list[Parameter]) -> list[str]:
    """name, unit, values and label; a name is never cut: the label wraps in what is left
    of the width, or goes under the name, indented, when too little is left."""
    import shutil
    import textwrap

    width = max(40, shutil.get_terminal_size((100, 24)).columns)
    head = ("name", "unit", "values")
    cells = [(p.name, p.unit, str(len(p.values)), p.label) for p in rows]
    w = [max(len(c[k]) for c in [(*head, "label"), *cells]) for k in range(3)]
    left = width - (w[0] + w[1] + w[2] + 6)
    if left >= 24:
        lines = [f"{head[0]:<{w[0]}}  {head[1]:<{w[1]}}  {head[2]:>{w[2]}}  label"]
        for name, unit, values, label in cells:
            wrapped = textwrap.wrap(label, left) or [""]
            lines.append(f"{name:<{w[0]}}  {unit:<{w[1]}}  {values:>{w[2]}}  {wrapped[0]}")
            pad = " " * (w[0] + w[1] + w[2] + 6)
            lines += [pad + more for more in wrapped[1:]]
        return lines
    lines = []
    for name, unit, values, label in cells:
        lines.append(name)
        lines += textwrap.wrap(
            f"{label} ({unit}, {values} value{'s' if values != '1' else ''})",
            width,
            initial_indent="    ",
            subsequent_indent="    ",
        )
    return lines


@app.command("show")
def show(
    name: str = typer.Argument(
        ...,
        help="Dotted parameter name, e.g. law.mpp.ports_active, or the start of only one "
        "name (law.mpp.ports_a).",
    ),
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
    param = resolve(tree, name, "name")
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
