"""`asylum-pathways determine`: one case explained, or many records to a table."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from asylum_pathways.determination import determine_records
from asylum_pathways.errors import InputError
from asylum_pathways.io.encounters import parse_date
from asylum_pathways.io.files import check_output_file, write_file_atomically
from asylum_pathways.params import load_tree
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
    explained = out is None and as_json
    found = determine_records(
        case, chosen, as_of=day, explain=explained, labels={"as_of": "--date"}
    )
    if out is not None:
        from asylum_pathways.io.determinations import write_table

        frame = found.rows()
        write_file_atomically(out, "--out", lambda tmp: write_table(frame, tmp, out.suffix))
        counts = frame.get_column("pathway").value_counts(sort=True)
        typer.echo(f"{found.n} determinations written to {out}", err=True)
        for row in counts.iter_rows():
            typer.echo(f"  {row[0]}: {row[1]}", err=True)
        return
    if found.n != 1:
        if not as_json:
            raise InputError(
                f"{case}: {found.n} records; write them with --out FILE.csv|FILE.parquet "
                "(or print them with --json)"
            )
        typer.echo(json.dumps(found.answers(), indent=2, default=str))
        return
    answer = found.answer(0)
    if as_json:
        typer.echo(json.dumps(answer, indent=2, default=str))
    else:
        from asylum_pathways.cli.answer_text import print_answer

        print_answer(answer)
