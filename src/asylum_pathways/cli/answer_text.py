"""One determination as plain text, for `determine` on a terminal: the headline in codes and
in words, what would change it, the amenability table, the reasons, numbered sources and the
law's review date.

Written directly, not through rich (a tenth of a second of every one-case run); nothing is
cut short, and bold is used only on a terminal that allows it (NO_COLOR unset)."""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
from dataclasses import dataclass
from typing import Any

from asylum_pathways.determination import words
from asylum_pathways.determination.branches import grouped
from asylum_pathways.scenarios.overlay import DEFAULT


@dataclass(frozen=True)
class Text:
    """How lines are written: bold or not, and wrapped to a width."""

    styled: bool
    width: int

    def bold(self, text: str) -> str:
        return f"\033[1m{text}\033[0m" if self.styled else text

    def wrap(self, text: str, indent: str = "  ") -> list[str]:
        return textwrap.wrap(text, self.width, subsequent_indent=indent, break_long_words=False)


def print_answer(answer: dict[str, Any]) -> None:
    """Write `answer` (one determination with its explanation) to standard output."""
    out = Text(
        styled=sys.stdout.isatty() and "NO_COLOR" not in os.environ,
        width=max(40, shutil.get_terminal_size((100, 24)).columns),
    )
    lines = [*headline(answer, out), *amenability(answer)]
    lines += changes(answer, out)
    lines += reasons_and_sources(answer, out)
    if answer.get("last_reviewed"):
        lines += [
            "",
            f"The law applied was last reviewed against its sources on {answer['last_reviewed']}.",
        ]
    sys.stdout.write("\n".join(lines) + "\n")


def headline(answer: dict[str, Any], out: Text) -> list[str]:
    """The pathway in codes and in words, whether a counterfactual applied, missing facts."""
    target = f" to {answer['receiving_country']}" if answer["receiving_country"] else ""
    family = f" for the family unit of {answer['family_size']}" if answer["family_size"] > 1 else ""
    lines = [
        f"{out.bold(answer['person_id'])} on {answer['date']} (scenario {answer['scenario']}): "
        f"{out.bold(answer['pathway'] + target)}",
        *out.wrap(
            words.pathway_title(answer["pathway"], answer["receiving_country"]) + family + ".",
            "",
        ),
    ]
    if answer["scenario"] != DEFAULT:
        lines += out.wrap(
            f"Counterfactual: this answer applies the scenario {answer['scenario']}, "
            "not the law as it was.",
            "",
        )
    if answer["missing_facts"]:
        lines.append(f"Missing facts: {', '.join(answer['missing_facts'])}")
    return lines


def amenability(answer: dict[str, Any]) -> list[str]:
    """Each program: amenable (yes, no, unknown) and its deciding rule, as aligned columns."""
    steps = {s["program"]: s for s in answer["explanation"]}
    rows = [("program", "amenable", "deciding rule")] + [
        (key, {True: "yes", False: "no", None: "unknown"}[value], steps[key]["rule"])
        for key, value in answer["amenable"].items()
    ]
    widths = [max(len(row[k]) for row in rows) for k in range(2)]
    return [f"  {a:<{widths[0]}}  {b:<{widths[1]}}  {c}".rstrip() for a, b, c in rows]


def changes(answer: dict[str, Any], out: Text) -> list[str]:
    """What would change the answer: the branches, grouped (none: no lines)."""
    if not answer.get("branches"):
        return []
    lines = ["", out.bold("What would change the answer")]
    for b in grouped(answer["branches"]):
        if b["sentence"]:
            lines += out.wrap(f"- {b['sentence']}")
            lines += [
                line
                for then in b["then"]
                for line in out.wrap(
                    f"  and then, if also {words.either(then['conditions'])} → {then['title']}",
                    "    ",
                )
            ]
        else:
            lines += [
                line
                for then in b["then"]
                for line in out.wrap(
                    f"- If {b['condition']} and also {words.either(then['conditions'])} "
                    f"→ {then['title']}"
                )
            ]
    return lines


def reasons_and_sources(answer: dict[str, Any], out: Text) -> list[str]:
    """Why: each step's reason with the numbers of its sources (and the values a scenario
    set), then the sources, numbered in the order first cited."""
    refs: dict[tuple[str, str], int] = {}
    lines = ["", out.bold("Why")]
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
        lines += out.wrap(text)
    lines += ["", out.bold("Sources")]
    lines += [f"[{number}] {title} — {href}" for (title, href), number in refs.items()]
    return lines
