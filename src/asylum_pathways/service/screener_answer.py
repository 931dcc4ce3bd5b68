"""The screener's answer page: the pathway in words, what would change it, the reasons for
the programs in force on the day (each with its sources, primary first), the others folded,
and the codes and rule ids apart."""

from __future__ import annotations

from typing import Any

from asylum_pathways.determination import words
from asylum_pathways.determination.branches import grouped
from asylum_pathways.params import ParameterTree
from asylum_pathways.params.sources import primary_first
from asylum_pathways.scenarios import Scenario
from asylum_pathways.scenarios.overlay import DEFAULT

#: A check that reads none of these facts fails for everyone on the day: its program is
#: not in force (or not operating) on that date.
DATE_ONLY = {"encounter_date"}


def program_labels(tree: ParameterTree) -> dict[str, str]:
    from asylum_pathways.rules.engine import programs
    from asylum_pathways.rules.title8 import TITLE8_RULES

    return {p.key: p.label for p in [*programs(tree), *TITLE8_RULES]}


def not_in_force(step: dict[str, Any]) -> bool:
    """The program failed for everyone on the day: its deciding check read no fact of the
    person (a date only): not in force, or not operating, on this date."""
    return step["outcome"] is False and set(step["inputs"]) <= DATE_ONLY


def present(
    answers: list[dict[str, Any]], tree: ParameterTree, scenario: Scenario
) -> dict[str, Any]:
    """The answer page's content: headline, branches, reasons in words, codes apart."""
    first = answers[0]
    labels = program_labels(tree)
    size = first["family_size"]
    people = []
    for answer in answers:
        steps = [s for s in answer["explanation"] if s["program"] != "ASSIGNMENT"]
        people.append(
            {
                "person_id": answer["person_id"],
                "reasons": [_reason(s, labels) for s in steps if not not_in_force(s)],
                "folded": [_reason(s, labels) for s in steps if not_in_force(s)],
                "assignment": _assignment(answer, labels),
                "answer": answer,
            }
        )
    blocking = [s for s in first["explanation"] if s["program"] == "ASSIGNMENT"]
    needs = []
    if first["pathway"] == "UNDETERMINED" and blocking:
        facts = list(dict.fromkeys(f for a in answers for f in a["missing_facts"]))
        alone = {f for b in first["branches"] if len(b["if"]) == 1 for f in b["if"]}
        needs = [
            {"label": words.fact_name(f), "decides": f in alone}
            for f in sorted(facts, key=lambda f: f not in alone)
        ]
    return {
        "title": words.pathway_title(first["pathway"], first["receiving_country"]),
        "meaning": words.pathway_meaning(first["pathway"], first["receiving_country"]),
        "family_size": size,
        "pathway": first["pathway"],
        "receiving_country": first["receiving_country"],
        "date": first["date"],
        "encounter_date": first["encounter_date"],
        "scenario": scenario.name,
        "scenario_label": scenario.label,
        "counterfactual": scenario.name != DEFAULT,
        "needs": needs,
        "branches": grouped(first["branches"]),
        "people": people,
        "last_reviewed": first.get("last_reviewed"),
    }


def _reason(step: dict[str, Any], labels: dict[str, str]) -> dict[str, Any]:
    outcome = {True: "applies", False: "does not apply", None: "cannot be decided yet"}
    set_by = sorted({p["set_by"] for p in step["parameters"] if p.get("set_by")})
    return {
        "program": step["program"],
        "label": labels.get(step["program"], step["program"]),
        "outcome": outcome[step["outcome"]],
        "state": {True: "yes", False: "no", None: "unknown"}[step["outcome"]],
        "because": step["because"],
        "rule": step["rule"],
        "references": primary_first(step["references"]),
        "set_by": set_by,
    }


def _assignment(answer: dict[str, Any], labels: dict[str, str]) -> dict[str, Any]:
    step = next(s for s in answer["explanation"] if s["program"] == "ASSIGNMENT")
    order = step["parameters"][0]["value"] or []
    tried = [words.pathway_short(p) for p in order]
    size = answer["family_size"]
    who = f"the family unit of {size}" if size > 1 else "the person"
    if answer["pathway"] == "UNDETERMINED":
        text = (
            f"On {answer['date']} the law tries, in this order: {', '.join(tried)}. The first "
            f"that applies to {who} cannot be decided without the facts above."
        )
    else:
        text = (
            f"On {answer['date']} the law tries, in this order: {', '.join(tried)}. The first "
            f"that applies to {who} decides: "
            f"{words.pathway_short(answer['pathway'], answer['receiving_country'])}."
        )
    return {
        "text": text,
        "references": primary_first(step["references"]),
        "rule": step["rule"],
        "because": step["because"],
    }
