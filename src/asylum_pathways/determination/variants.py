"""The variants of a family unit: which facts of each member could still change the answer,
and the records with one or two of them changed.

Facts varied (per person):
- each yes/no fact (`claims_fear`, `criminal_history`, ...): both values when unknown, the
  other value when given;
- each screening outcome (`mexico_fear_established`, `compelling_circumstances_established`,
  `aca_fear_established.<CC>`): established, or no longer established when it is (an absent
  outcome already means "not established");
- `language`, when unknown: each language a rule's list names on the day (at most
  `MAX_LANGUAGES`).

A fact is left out when no program that reads it can change: every program reading it
fails, for the person, on a check that reads none of these facts (a date, a nationality),
so no change of one or two facts reaches it. At most `MAX_VARIANTS` variants per family
unit: singles first, then pairs in the records' field order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations, product
from types import MappingProxyType
from typing import Any

import numpy as np

from asylum_pathways import codes, tri
from asylum_pathways.dates import from_day_number
from asylum_pathways.params import ParameterTree
from asylum_pathways.params.model import ALL
from asylum_pathways.records import FLAG_FIELDS, Encounters
from asylum_pathways.rules.checks import Program
from asylum_pathways.rules.engine import Determinations

#: Most variants (one- and two-fact changes) tried for one family unit.
MAX_VARIANTS = 2048
#: Most languages tried for an unknown language.
MAX_LANGUAGES = 2
#: Screening outcomes: absent means "not (yet) established", so the branch is "established".
OUTCOMES = ("mexico_fear_established", "compelling_circumstances_established")
FEAR = "aca_fear_established"
#: The facts a branch may set (screening outcomes by receiving country under FEAR).
VARIED = frozenset({*FLAG_FIELDS, FEAR, "language"})

Setting = tuple[int, str, Any]  # (row of the person in the records, fact, value)


@dataclass(frozen=True)
class Family:
    rows: np.ndarray  # the members' rows in the records, in order
    variants: list[tuple[Setting, ...]]


def readers(det: Determinations) -> dict[str, list[Program]]:
    """For each fact (a receiving country's screening outcome on its own), the programs
    with a check that reads it."""
    reads: dict[str, dict[str, Program]] = {}
    for prog in [*det.programs, *det.rules]:
        for check in prog.checks:
            for fact in check.facts:
                name = f"{FEAR}.{prog.country}" if fact == FEAR else fact
                reads.setdefault(name, {})[prog.key] = prog
    return {name: list(progs.values()) for name, progs in reads.items()}


def _facts(
    tree: ParameterTree,
    enc: Encounters,
    det: Determinations,
    reads: Mapping[str, list[Program]],
    row: int,
) -> list[Setting]:
    """Every (fact, value) to try for the person at `row`."""

    def reachable(fact: str) -> bool:
        for prog in reads.get(fact, []):
            if det.status[prog.key][row] != tri.F:
                return True
            failed = prog.checks[int(det.reason[prog.key][row])]
            if VARIED & set(failed.facts):
                return True
        return False

    return settings_of(tree, enc, [*det.programs, *det.rules], int(det.day[row]), row, reachable)


def settings_of(
    tree: ParameterTree,
    enc: Encounters,
    programs: Sequence[Program],
    day: int,
    row: int,
    reachable: Callable[[str], bool],
) -> list[Setting]:
    """Every (fact, value) to try for the person at `row` (determined on `day`, under the
    programs and pathway rules `programs`) among the facts `reachable` keeps."""
    out: list[Setting] = []
    for name in FLAG_FIELDS:
        if not reachable(name):
            continue
        current = int(enc.flags[name][row])
        if name in OUTCOMES:
            values: list[Any] = [bool(current != tri.T)]
        elif current == tri.U:
            values = [True, False]
        else:
            values = [bool(current != tri.T)]
        out.extend((row, name, v) for v in values)
    for cc in (p.country for p in programs if p.country):
        fact = f"{FEAR}.{cc}"
        if not reachable(fact):
            continue
        current = int(enc.aca_fear[cc][row]) if cc in enc.aca_fear else int(tri.U)
        out.append((row, fact, bool(current != tri.T)))
    if enc.language[row] < 0 and reachable("language"):
        out.extend((row, "language", lang) for lang in _languages(tree, programs, day))
    return out


def _languages(tree: ParameterTree, programs: Sequence[Program], day: int) -> list[str]:
    """The languages named on `day` by the list parameters of the checks that read one."""
    found: list[str] = []
    on = from_day_number(day)
    for prog in programs:
        for check in prog.checks:
            if "language" not in check.facts:
                continue
            for name in check.params:
                param = tree.get(prog.param(name))
                value = param.at(on)
                if param.items == "language" and isinstance(value, list) and value != ALL:
                    found.extend(str(v) for v in value if str(v) not in found)
    return found[:MAX_LANGUAGES]


def family_variants(
    tree: ParameterTree,
    enc: Encounters,
    det: Determinations,
    reads: Mapping[str, list[Program]],
    members: np.ndarray,
) -> list[tuple[Setting, ...]]:
    """One-fact variants of each member, then two-fact variants of one member, bounded."""
    return variants_of([_facts(tree, enc, det, reads, int(row)) for row in members])


def variants_of(settings_by_member: list[list[Setting]]) -> list[tuple[Setting, ...]]:
    """The one-fact variants of each member's settings, then the two-fact variants of one
    member (two facts, each of its values), at most `MAX_VARIANTS`."""
    singles: list[tuple[Setting, ...]] = []
    pairs: list[tuple[Setting, ...]] = []
    for settings in settings_by_member:
        singles.extend((s,) for s in settings)
        by_fact: dict[str, list[Setting]] = {}
        for s in settings:
            by_fact.setdefault(s[1], []).append(s)
        for a, b in combinations(by_fact, 2):
            pairs.extend(product(by_fact[a], by_fact[b]))
    return (singles + pairs)[:MAX_VARIANTS]


def apply_variants(sub: Encounters, families: list[Family], starts: list[int]) -> None:
    """Write each variant's settings into its copy of the family's rows, fact by fact."""
    cells: dict[str, tuple[list[int], list[Any]]] = {}
    v = 0
    for family in families:
        position = {int(r): i for i, r in enumerate(family.rows)}
        for settings in family.variants:
            start = starts[v]
            for row, fact, value in settings:
                cell = cells.get(fact)
                if cell is None:
                    cell = cells[fact] = ([], [])
                cell[0].append(start + position[row])
                cell[1].append(value)
            v += 1
    for fact, (rows, values) in cells.items():
        at = np.array(rows, dtype=np.intp)
        if fact == "language":
            sub.language[at] = [codes.language_index(x) for x in values]
            continue
        coded = np.array([tri.T if x else tri.F for x in values], dtype=np.int8)
        if fact.startswith(FEAR + "."):
            cc = fact.split(".", 1)[1]
            if cc not in sub.aca_fear:
                sub.aca_fear[cc] = np.full(sub.n, tri.U, dtype=np.int8)
            sub.aca_fear[cc][at] = coded
        else:
            sub.flags[fact][at] = coded


def member_variants(
    tree: ParameterTree, enc: Encounters, det: Determinations, members: np.ndarray
) -> list[tuple[Setting, ...]]:
    """The variants `branches` determines for the family unit of `members` (its rows)."""
    reads = tree.memo(f"readers {det.keys}", lambda: MappingProxyType(readers(det)))
    return family_variants(tree, enc, det, reads, members)
