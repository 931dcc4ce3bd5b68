"""`asylum-pathways determine`: one case explained, or many records to a table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

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
        _print(answer)


def _print(answer: dict[str, Any]) -> None:
    """The answer as plain text: headline in codes and in words, what would change it, the
    amenability table, reasons, numbered sources and the law's review date.

    Written directly, not through rich (a tenth of a second of every one-case run); nothing
    is cut short, and bold is used only on a terminal that allows it (NO_COLOR unset)."""
    import os
    import shutil
    import sys
    import textwrap

    from asylum_pathways.determination import words
    from asylum_pathways.determination.branches import grouped

    styled = sys.stdout.isatty() and "NO_COLOR" not in os.environ

    def bold(text: str) -> str:
        return f"\033[1m{text}\033[0m" if styled else text

    width = max(40, shutil.get_terminal_size((100, 24)).columns)

    def wrap(text: str, indent: str = "  ") -> list[str]:
        return textwrap.wrap(text, width, subsequent_indent=indent, break_long_words=False)

    target = f" to {answer['receiving_country']}" if answer["receiving_country"] else ""
    family = f" for the family unit of {answer['family_size']}" if answer["family_size"] > 1 else ""
    lines = [
        f"{bold(answer['person_id'])} on {answer['date']} (scenario {answer['scenario']}): "
        f"{bold(answer['pathway'] + target)}",
        *wrap(
            words.pathway_title(answer["pathway"], answer["receiving_country"]) + family + ".",
            "",
        ),
    ]
    if answer["scenario"] != DEFAULT:
        lines += wrap(
            f"Counterfactual: this answer applies the scenario {answer['scenario']}, "
            "not the law as it was.",
            "",
        )
    if answer["missing_facts"]:
        lines.append(f"Missing facts: {', '.join(answer['missing_facts'])}")
    steps = {s["program"]: s for s in answer["explanation"]}
    rows = [("program", "amenable", "deciding rule")] + [
        (key, {True: "yes", False: "no", None: "unknown"}[value], steps[key]["rule"])
        for key, value in answer["amenable"].items()
    ]
    widths = [max(len(row[k]) for row in rows) for k in range(2)]
    lines += [f"  {a:<{widths[0]}}  {b:<{widths[1]}}  {c}".rstrip() for a, b, c in rows]
    if answer.get("branches"):
        lines += ["", bold("What would change the answer")]
        for b in grouped(answer["branches"]):
            if b["sentence"]:
                lines += wrap(f"- {b['sentence']}")
                lines += [
                    line
                    for then in b["then"]
                    for line in wrap(
                        f"  and then, if also {words.either(then['conditions'])} → {then['title']}",
                        "    ",
                    )
                ]
            else:
                lines += [
                    line
                    for then in b["then"]
                    for line in wrap(
                        f"- If {b['condition']} and also {words.either(then['conditions'])} "
                        f"→ {then['title']}"
                    )
                ]
    refs: dict[tuple[str, str], int] = {}
    lines += ["", bold("Why")]
    for step in answer["explanation"]:
        marks = []
        for ref in step["references"]:
            k = (ref["title"], ref["href"])
            refs.setdefault(k, len(refs) + 1)
            marks.append(f"[{refs[k]}]")
        marks += [
            f"(value of {p['name']} set by scenario {p['set_by']})"
            for p in step["parameters"]
            if p.get("set_by")
        ]
        text = f"- {step['program']} ({step['rule']}): {step['because']} {' '.join(marks)}"
        lines += wrap(text)
    lines += ["", bold("Sources")]
    lines += [f"[{number}] {title} — {href}" for (title, href), number in refs.items()]
    if answer.get("last_reviewed"):
        lines += [
            "",
            f"The law applied was last reviewed against its sources on {answer['last_reviewed']}.",
        ]
    sys.stdout.write("\n".join(lines) + "\n")
