"""One case, explained: every program's deciding rule and the assignment, with citations.

The explanation is built from the same columnar answer the population path produces
(a one-row table), so the two can never disagree. Its JSON shape is versioned (`schema`):
v2 keeps every key of v1 and adds `branches` (what would change the answer, filled by the
determination entry point, `determination.branches`), `last_reviewed` (the earliest review
date of the law the answer read) and, on each parameter used, `set_by` (the scenario that
set the value, or null).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from asylum_pathways import codes, tri
from asylum_pathways.dates import day_number, from_day_number
from asylum_pathways.params import ParameterTree
from asylum_pathways.params.model import Parameter, Reference
from asylum_pathways.records import Encounters
from asylum_pathways.rules.checks import ALL_PASSED, Program
from asylum_pathways.rules.engine import Determinations

SCHEMA = "asylum-pathways/determination/v2"
#: Parameters the rules read on the day of the encounter rather than the day of decision.
AT_ARRIVAL = {
    "law.aca.ifr_in_force",
    "law.title42.in_force",
    "law.lawful_pathways.applies_to_entries",
    "law.securing_border.suspension_in_effect",
    "law.proclamation_10888.in_force",
    "law.cbp_one.appointments_available",
}
PORTS = "law.geo.port_sector"
PLURAL = {"UAC": "unaccompanied children", "FMUA": "family units", "SA": "single adults"}


def explain(
    tree: ParameterTree,
    enc: Encounters,
    det: Determinations,
    row: int,
    person_id: str,
    scenario: str,
    branches: list[dict[str, Any]] | None = None,
    memo: dict[Any, Any] | None = None,
) -> dict[str, Any]:
    """The JSON answer for person `row` of a determination; `branches`, what would change
    it (`determination.branches`; empty when not worked out).

    `memo`: a dict the caller keeps while it explains rows of one determination (one tree):
    what rows alike share (the words of a place, a day and a nationality; a program's step
    for the same outcome and words; the assignment) is worked out once, and each answer
    gets its own copy. The answer is the same with or without it."""
    memo = {} if memo is None else memo
    today = int(det.day[row])
    arrived = int(enc.arrival[row])
    day = from_day_number(today)
    arrival = from_day_number(arrived)
    place = (
        int(enc.demographic[row]),
        int(enc.sector[row]),
        int(enc.port[row]),
        int(enc.citizenship[row]),
        int(enc.language[row]),
        today,
        arrived,
    )
    words = memo.get(("words", place))
    if words is None:
        words = memo[("words", place)] = _words(tree, enc, row, day, arrival)
    steps = _program_steps(tree, enc, det, row, memo, place, words)
    explanation, amenable, missing, decided = steps
    pathway, receiving, step, blocking = _assignment_step(tree, enc, det, row, memo)
    explanation.append(step)
    missing.extend(blocking)
    reviewed = ("last_reviewed", *decided)
    if reviewed not in memo:
        memo[reviewed] = _last_reviewed(tree, explanation)
    return {
        "schema": SCHEMA,
        "person_id": person_id,
        "date": day.isoformat(),
        "encounter_date": arrival.isoformat(),
        "scenario": scenario,
        "pathway": pathway,
        "receiving_country": receiving,
        "amenable": amenable,
        "missing_facts": sorted(set(missing)),
        "family_size": int(det.group_size[row]),
        "explanation": explanation,
        "branches": list(branches or []),
        "last_reviewed": memo[reviewed],
    }


def _program_steps(
    tree: ParameterTree,
    enc: Encounters,
    det: Determinations,
    row: int,
    memo: dict[Any, Any],
    place: tuple[int, ...],
    words: dict[str, str],
) -> tuple[list[dict[str, Any]], dict[str, bool | None], list[str], list[tuple[str, int]]]:
    """Each program's step for person `row` (worked out once for rows alike: the same
    outcome, reason and `place`), whether each program applies, the facts whose absence
    leaves one unknown, and (program, reason) for each: which checks each step read."""
    day, arrival = from_day_number(place[5]), from_day_number(place[6])
    record = record_values(tree, enc, row)
    explanation: list[dict[str, Any]] = []
    amenable: dict[str, bool | None] = {}
    missing: list[str] = []
    decided: list[tuple[str, int]] = []
    for prog in det.programs:
        value = int(det.status[prog.key][row])
        amenable[prog.key] = tri.to_json(value)
        reason = int(det.reason[prog.key][row])
        decided.append((prog.key, reason))
        alike = ("step", prog.key, value, reason, place)
        shared = memo.get(alike)
        if shared is None:
            shared = memo[alike] = _step(tree, prog, value, reason, words, day, arrival)
        explanation.append(_own_step(shared, record))
        if value == tri.U:
            missing.extend(unknown_facts(tree, enc, det, prog, [row]))
    return explanation, amenable, missing, decided


def _assignment_step(
    tree: ParameterTree, enc: Encounters, det: Determinations, row: int, memo: dict[Any, Any]
) -> tuple[str, str | None, dict[str, Any], list[str]]:
    """The pathway of person `row`, its receiving country, the assignment's step (worked out
    once for rows alike) and the facts that leave the pathway open (if it is)."""
    pathway = codes.PATHWAYS[int(det.pathway[row])]
    key = det.keys[int(det.decided_by[row])] if det.decided_by[row] >= 0 else None
    receiving = (
        codes.countries()[int(det.receiving_country[row])]
        if det.receiving_country[row] >= 0
        else None
    )
    blocking: list[str] = []
    if pathway == "UNDETERMINED" and key is not None:
        members = np.flatnonzero(enc.group == enc.group[row])
        blocking = unknown_facts(tree, enc, det, det.program(key), list(members))
    today = int(det.day[row])
    size = int(det.group_size[row])
    assigned = ("assignment", pathway, key, receiving, tuple(blocking), today, size)
    shared = memo.get(assigned)
    if shared is None:
        shared = memo[assigned] = _assignment(
            tree, det, row, pathway, key, receiving, blocking, from_day_number(today)
        )
    return pathway, receiving, _own_step(shared), blocking


def _last_reviewed(tree: ParameterTree, explanation: list[dict[str, Any]]) -> str | None:
    """The earliest `last_reviewed` date of the law parameters the answer read: every rule it
    applied was checked against its sources on or after that day."""
    days = [
        tree.get(p["name"]).last_reviewed
        for step in explanation
        for p in step["parameters"]
        if p["name"] in tree and p["name"].startswith("law.")
    ]
    known = [d for d in days if d is not None]
    return min(known).isoformat() if known else None


def _words(
    tree: ParameterTree, enc: Encounters, row: int, day: dt.date, arrival: dt.date
) -> dict[str, str]:
    demographic = codes.DEMOGRAPHICS[int(enc.demographic[row])]
    sector = codes.SECTORS[int(enc.sector[row])]
    port = tree.ports[int(enc.port[row])] if enc.port[row] >= 0 else None
    named = tree.get(PORTS).names.get(port or "") if port else None
    location = (
        f"the {named} port of entry ({port})"
        if named
        else f"port {port}"
        if port
        else f"{codes.SECTOR_NAMES[sector]} sector ({sector})"
    )
    lang = int(enc.language[row])
    from asylum_pathways.rules.context import Context

    circuit = int(Context(tree, enc.take(np.array([row])), np.array([day_number(day)])).circuit[0])
    return {
        "date": day.isoformat(),
        "arrival": arrival.isoformat(),
        "citizenship": codes.country_name(codes.countries()[int(enc.citizenship[row])]),
        "demographic": codes.DEMOGRAPHIC_NAMES[demographic],
        "demographic_plural": PLURAL[demographic],
        "location": location,
        "language": codes.language_name(codes.languages()[lang])
        if lang >= 0
        else "an unknown language",
        "circuit": codes.CIRCUITS[circuit] if circuit >= 0 else "unknown",
    }


def _fill(text: str, words: dict[str, str], prog: Program) -> str:
    country = codes.country_name(prog.country) if prog.country else ""
    return text.format(**words, country=country)


def _own_step(shared: dict[str, Any], record: dict[str, Any] | None = None) -> dict[str, Any]:
    """A copy of a step worked out for rows alike, with this record's own `inputs` (the
    facts the step's checks read; `record` None: the inputs it was worked out with)."""
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
        "parameters": [p.copy() for p in shared["parameters"]],
        "references": [r.copy() for r in shared["references"]],
    }


def _step(
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
        because = "; ".join(_fill(c.passed, words, prog) for c in checks)
        rule = prog.reason_id(reason)
        authority = "; ".join(dict.fromkeys(c.authority for c in checks))
    else:
        check = prog.checks[reason]
        checks = (check,)
        text = {tri.F: check.failed, tri.U: check.unknown}.get(np.int8(value), check.passed)
        because = _fill(text, words, prog)
        rule = check.id
        authority = check.authority
    parameters: dict[str, dict[str, Any]] = {}
    references: dict[tuple[str, str], Reference] = {}
    for check in checks:
        for template in check.params:
            param = tree.get(prog.param(template))
            at = arrival if template in AT_ARRIVAL else day
            used, refs = _parameter_used(param, at)
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


def _parameter_used(param: Parameter, day: dt.date) -> tuple[dict[str, Any], tuple[Reference, ...]]:
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


def _assignment(
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
    used, refs = _parameter_used(priority, day)
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


def record_values(tree: ParameterTree, enc: Encounters, row: int) -> dict[str, Any]:
    """The facts of person `row` as the record gave them (None where unknown)."""

    def pick(vocabulary: tuple[str, ...], code: int) -> str | None:
        return vocabulary[code] if code >= 0 else None

    out: dict[str, Any] = {
        "encounter_date": from_day_number(int(enc.arrival[row])).isoformat(),
        "sector": codes.SECTORS[int(enc.sector[row])],
        "port": pick(tree.ports, int(enc.port[row])),
        "citizenship": codes.countries()[int(enc.citizenship[row])],
        "habitual_residence": pick(codes.countries(), int(enc.habitual_residence[row])),
        "demographic": codes.DEMOGRAPHICS[int(enc.demographic[row])],
        "age": int(enc.age[row]) if enc.age[row] >= 0 else None,
        "language": pick(codes.languages(), int(enc.language[row])),
    }
    for name, values in enc.flags.items():
        out[name] = tri.to_json(int(values[row]))
    out["aca_fear_established"] = {
        cc: tri.to_json(int(v[row])) for cc, v in enc.aca_fear.items() if v[row] != tri.U
    }
    return out


def unknown_facts(
    tree: ParameterTree, enc: Encounters, det: Determinations, prog: Program, rows: list[int]
) -> list[str]:
    """Every fact whose absence leaves `prog` unknown for these rows (a person, or the
    members of a family), found by asking each check again of each row alone."""
    from asylum_pathways.rules.context import Context

    facts: list[str] = []
    for row in rows:
        if det.status[prog.key][row] != tri.U:
            continue
        one = enc.take(np.array([row]))
        ctx = Context(tree, one, det.day[[row]])
        for check in prog.checks:
            if np.broadcast_to(check.fn(ctx, prog), (1,))[0] == tri.U:
                facts.extend(check.facts)
    return list(dict.fromkeys(facts))
