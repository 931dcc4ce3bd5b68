"""One case, explained: every program's deciding rule and the assignment, with citations.

The explanation is built from the same columnar answer the population path produces
(a one-row table), so the two can never disagree. Its JSON shape is versioned (`schema`):
v2 keeps every key of v1 and adds `branches` (what would change the answer, filled by the
determination entry point, `determination.branches`), `last_reviewed` (the earliest review
date of the law the answer read) and, on each parameter used, `set_by` (the scenario that
set the value, or null). Each step is built in `rules.explain_steps`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from asylum_pathways import codes, tri
from asylum_pathways.dates import day_number, from_day_number
from asylum_pathways.params import ParameterTree
from asylum_pathways.records import Encounters
from asylum_pathways.rules.checks import Program
from asylum_pathways.rules.engine import Determinations
from asylum_pathways.rules.explain_steps import (
    assignment_step,
    own_step,
    program_step,
)

SCHEMA = "asylum-pathways/determination/v2"
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
    copies: bool = True,
) -> dict[str, Any]:
    """The JSON answer for person `row` of a determination; `branches`, what would change
    it (`determination.branches`; empty when not worked out).

    `memo`: a dict the caller keeps while it explains rows of one determination (one tree):
    what rows alike share (the words of a place, a day and a nationality; a program's step
    for the same outcome and words; the assignment) is worked out once, and each answer
    gets its own copy (with `copies` False, the steps' parameters and references are shared
    with the memo: for answers written out at once and never changed). The answer is the
    same with or without it."""
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
    steps = _program_steps(tree, enc, det, row, memo, place, words, copies)
    explanation, amenable, missing, decided = steps
    pathway, receiving, step, blocking = _assignment_step(tree, enc, det, row, memo, copies)
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
    copies: bool = True,
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
            shared = memo[alike] = program_step(tree, prog, value, reason, words, day, arrival)
        explanation.append(own_step(shared, record, copies))
        if value == tri.U:
            missing.extend(unknown_facts(tree, enc, det, prog, [row]))
    return explanation, amenable, missing, decided


def _assignment_step(
    tree: ParameterTree,
    enc: Encounters,
    det: Determinations,
    row: int,
    memo: dict[Any, Any],
    copies: bool = True,
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
        shared = memo[assigned] = assignment_step(
            tree, det, row, pathway, key, receiving, blocking, from_day_number(today)
        )
    return pathway, receiving, own_step(shared, None, copies), blocking


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
