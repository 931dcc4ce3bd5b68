"""A step of an explanation: a program's deciding rule or the assignment, with the parameters
it used (their value in force, its date and origin) and the references of its law. A step is
worked out once for rows alike (`explain`'s memo); each answer gets its own copy
(`own_step`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from asylum_pathways import codes, tri
from asylum_pathways.params import ParameterTree
from asylum_pathways.params.model import Parameter, Reference
from asylum_pathways.rules.checks import ALL_PASSED, Program
from asylum_pathways.rules.engine import Determinations

#: Parameters the rules read on the day of the encounter rather than the day of decision.
AT_ARRIVAL = {
    "law.aca.ifr_in_force",
    "law.title42.in_force",
    "law.lawful_pathways.applies_to_entries",
    "law.securing_border.suspension_in_effect",
    "law.proclamation_10888.in_force",
    "law.cbp_one.appointments_available",
}


def fill(text: str, words: dict[str, str], prog: Program) -> str:
    """A check's sentence with the words of the record and the program's country."""
    country = codes.country_name(prog.country) if prog.country else ""
    return text.format(**words, country=country)


def own_step(
    shared: dict[str, Any], record: dict[str, Any] | None = None, copies: bool = True
) -> dict[str, Any]:
    """A copy of a step worked out for rows alike, with this record's own `inputs` (the
    facts the step's checks read; `record` None: the inputs it was worked out with).
    `copies` False: the step's parameters and references are those of `shared` itself (for
    answers written out at once and never changed: two fifths of the time an explanation takes)."""
    parameters, references = shared["parameters"], shared["references"]
    if copies:
        parameters = [p.copy() for p in parameters]
        references = [r.copy() for r in references]
    if record is None:
        inputs = shared["inputs"].copy()
    else:
        inputs = {f: record.get(f) for f in shared["facts"]}
    return {
        "program": shared["program"],
        "rule": shared["rule"],
        "outcome": shared["outcome"],
        "because": shared["because"],
        "authority": shared["authority"],
        "inputs": inputs,
        "parameters": parameters,
        "references": references,
    }


def program_step(
    tree: ParameterTree,
    prog: Program,
    value: int,
    reason: int,
    words: dict[str, str],
    day: dt.date,
    arrival: dt.date,
) -> dict[str, Any]:
    """A program's step without its inputs: `facts` names the fields its checks read."""
    if reason == ALL_PASSED:
        checks = prog.checks
        because = "; ".join(fill(c.passed, words, prog) for c in checks)
        rule = prog.reason_id(reason)
        authority = "; ".join(dict.fromkeys(c.authority for c in checks))
    else:
        check = prog.checks[reason]
        checks = (check,)
        text = {tri.F: check.failed, tri.U: check.unknown}.get(np.int8(value), check.passed)
        because = fill(text, words, prog)
        rule = check.id
        authority = check.authority
    parameters: dict[str, dict[str, Any]] = {}
    references: dict[tuple[str, str], Reference] = {}
    for check in checks:
        for template in check.params:
            param = tree.get(prog.param(template))
            at = arrival if template in AT_ARRIVAL else day
            used, refs = parameter_used(param, at)
            parameters[param.name] = used
            for ref in refs:
                references.setdefault((ref.title, ref.href), ref)
        for template in check.cites:  # its law, though it reads no value of it
            for ref in tree.get(prog.param(template)).references:
                references.setdefault((ref.title, ref.href), ref)
    return {
        "program": prog.key,
        "rule": rule,
        "outcome": tri.to_json(value),
        "because": because[:1].upper() + because[1:] + ".",
        "authority": authority,
        "facts": tuple(dict.fromkeys(f for c in checks for f in c.facts)),
        "parameters": list(parameters.values()),
        "references": [r.as_dict() for r in references.values()],
    }


def parameter_used(param: Parameter, day: dt.date) -> tuple[dict[str, Any], tuple[Reference, ...]]:
    entry = param.entry_at(day)
    if entry is None:
        first = param.values[0]
        refs = param.effective_references(first)
        return (
            {
                "name": param.name,
                "value": None,
                "in_force_from": None,
                "note": f"no value before {first.start.isoformat()}",
                "set_by": None,
            },
            refs,
        )
    refs = param.effective_references(entry)
    return (
        {
            "name": param.name,
            "value": entry.value,
            "in_force_from": entry.start.isoformat(),
            "note": entry.note,
            "set_by": entry.origin.removeprefix("scenario ") if entry.set_by_scenario else None,
        },
        refs,
    )


def assignment_step(
    tree: ParameterTree,
    det: Determinations,
    row: int,
    pathway: str,
    key: str | None,
    receiving: str | None,
    blocking: list[str],
    day: dt.date,
) -> dict[str, Any]:
    priority = tree.get("law.assignment.priority")
    used, refs = parameter_used(priority, day)
    order = " > ".join(used["value"] or [])
    size = int(det.group_size[row])
    family = f" for the whole family unit of {size}" if size > 1 else ""
    if pathway == "UNDETERMINED" and key is None:
        because = (
            f"No priority order was in force on {day.isoformat()}: the parameter tree covers "
            f"{priority.values[0].start.isoformat()} onward"
        )
    elif pathway == "UNDETERMINED":
        label = det.program(key).label if key else ""
        facts = ", ".join(dict.fromkeys(blocking)) or "a fact"
        because = (
            f"The pathway{family} cannot be decided: whether {label} applies comes first in the "
            f"priority order ({order}) and depends on facts the record does not give ({facts})"
        )
    else:
        target = f" to {codes.country_name(receiving)}" if receiving else ""
        by = det.program(key).label if key else pathway
        because = (
            f"{pathway}{target}{family}: the first pathway in the priority order of "
            f"{day.isoformat()} ({order}) that applies ({by})"
        )
    return {
        "program": "ASSIGNMENT",
        "rule": "assignment.priority",
        "outcome": pathway,
        "because": because + ".",
        "authority": "dated priority order (law.assignment.priority)",
        "inputs": {"family_size": size},
        "parameters": [used],
        "references": [r.as_dict() for r in refs],
    }
