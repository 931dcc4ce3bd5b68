"""What would change the answer: the pathway for each value of each unknown or decisive fact.

For one person (or one family unit: the law gives a family one pathway), every fact the
rules read from a person that could still change something is set to each of its other
values, one fact at a time and every two facts of one person at a time, and all those
variants are determined together, as rows of one table, by one call of the engine. The
branches kept are those whose pathway (or receiving country) differs from the answer; a
two-fact branch only when neither of its facts alone gives its pathway.

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
so no change of one or two facts reaches it. The bound: at most `MAX_VARIANTS` variants
per family unit (singles first, then pairs in the records' field order), and the engine is
called on at most `CHUNK_ROWS` rows at a time when many records are explained at once.
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
from asylum_pathways.determination import words
from asylum_pathways.params import ParameterTree
from asylum_pathways.params.model import ALL
from asylum_pathways.records import FLAG_FIELDS, Encounters
from asylum_pathways.rules.checks import Program
from asylum_pathways.rules.engine import Determinations, determine

#: Most variants (one- and two-fact changes) tried for one family unit.
MAX_VARIANTS = 2048
#: Most rows in one call of the engine when many records' branches are computed together.
CHUNK_ROWS = 200_000
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


def branches(
    tree: ParameterTree,
    enc: Encounters,
    det: Determinations,
    person_id: Sequence[Any] | np.ndarray,
    rows: Sequence[int] | None = None,
) -> dict[int, list[dict[str, Any]]]:
    """The branches of each row in `rows` (default: every row): members of one family unit
    share theirs. `det` is `determine(tree, enc, day)` of the same records.

    Family units alike (their members' records and days the same, in order, whatever their
    person_ids) have the same variants and the same answers to them: those are determined
    once, for the first of them, and each gets its own branches."""
    wanted = range(enc.n) if rows is None else rows
    reads = readers(det)
    members_of = _family_units(enc, wanted)
    alike = _alike(enc, det.day, members_of)
    firsts = [
        Family(members_of[groups[0]], _variants(tree, enc, det, reads, members_of[groups[0]]))
        for groups in alike
    ]
    answered: dict[int, list[tuple[int, int]]] = {}
    batch: list[Family] = []
    size = 0
    for family in firsts:
        rows_needed = len(family.variants) * family.rows.shape[0]
        if batch and size + rows_needed > CHUNK_ROWS:
            _answer(tree, enc, det, batch, answered)
            batch, size = [], 0
        batch.append(family)
        size += rows_needed
    if batch:
        _answer(tree, enc, det, batch, answered)
    said: dict[Any, str] = {}
    found: dict[int, list[dict[str, Any]]] = {}
    for first, groups in zip(firsts, alike, strict=True):
        head = int(first.rows[0])
        base = (int(det.pathway[head]), int(det.receiving_country[head]))
        outcome = dict(zip(first.variants, answered[head], strict=True))
        found[head] = kept(base, outcome, person_id, first, said)
        for group in groups[1:]:
            rows_of = members_of[group]
            if rows_of.shape[0] == 1:  # alone: the same branches, under their own person_id
                found[int(rows_of[0])] = _renamed(found[head], str(person_id[int(rows_of[0])]))
                continue
            own = _variants(tree, enc, det, reads, rows_of)  # the first's, member for member
            family = Family(rows_of, own)
            mine = dict(zip(own, answered[head], strict=True))
            found[int(rows_of[0])] = kept(base, mine, person_id, family, said)
    head_of = {int(g): int(members_of[g][0]) for g in members_of}
    return {row: found[head_of[int(enc.group[row])]] for row in wanted}


def _family_units(enc: Encounters, wanted: Sequence[int] | range) -> dict[int, np.ndarray]:
    """The members' rows (in order) of each family unit with a row in `wanted`, by group."""
    order = np.argsort(enc.group, kind="stable")
    ordered = enc.group[order]
    members_of: dict[int, np.ndarray] = {}
    for row in wanted:
        group = int(enc.group[row])
        if group not in members_of:
            start = int(np.searchsorted(ordered, group, side="left"))
            end = int(np.searchsorted(ordered, group, side="right"))
            members_of[group] = np.sort(order[start:end])
    return members_of


def _alike(
    enc: Encounters, day: np.ndarray, members_of: Mapping[int, np.ndarray]
) -> list[list[int]]:
    """The family units of `members_of` gathered by what the engine reads of them (each
    member's record and day, in order), in order of their first unit."""
    if not members_of:
        return []
    at = np.concatenate(list(members_of.values()))
    columns = [
        day,
        enc.arrival,
        enc.sector,
        enc.port,
        enc.citizenship,
        enc.habitual_residence,
        enc.demographic,
        enc.age,
        enc.language,
        *enc.flags.values(),
        *enc.aca_fear.values(),
    ]
    facts = np.column_stack([c[at].astype(np.int64) for c in columns]).tolist()
    by_key: dict[tuple[tuple[int, ...], ...], list[int]] = {}
    k = 0
    for group, members in members_of.items():
        n = members.shape[0]
        key = tuple(tuple(f) for f in facts[k : k + n])
        by_key.setdefault(key, []).append(group)
        k += n
    return list(by_key.values())


def _renamed(found: list[dict[str, Any]], person_id: str) -> list[dict[str, Any]]:
    """A person's branches (alone in their family unit) copied for another person alike."""
    return [
        {**b, "if": dict(b["if"]), "person_id": person_id, "conditions": list(b["conditions"])}
        for b in found
    ]


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


def _variants(
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


def _answer(
    tree: ParameterTree,
    enc: Encounters,
    det: Determinations,
    families: list[Family],
    answered: dict[int, list[tuple[int, int]]],
) -> None:
    """Determine every variant of `families` in one call of the engine; the answer to each
    variant (pathway, receiving country), in order, in `answered` under the family's first
    row."""
    index_parts, group_parts, starts = [], [], []
    at = 0
    for family in families:
        k = family.rows.shape[0]
        for _ in family.variants:
            starts.append(at)
            at += k
        index_parts.append(np.tile(family.rows, len(family.variants)))
        group_parts.append(np.repeat(np.arange(len(family.variants)), k))
    if at == 0:
        for family in families:
            answered[int(family.rows[0])] = []
        return
    index = np.concatenate(index_parts)
    sub = enc.take(index)
    offsets = np.cumsum([0] + [len(f.variants) for f in families])[:-1]
    sub.group = np.concatenate([g + o for g, o in zip(group_parts, offsets, strict=True)]).astype(
        np.int64
    )
    apply_variants(sub, families, starts)
    out = determine(tree, sub, det.day[index])
    first = np.array(starts, dtype=np.intp)
    pairs = list(
        zip(out.pathway[first].tolist(), out.receiving_country[first].tolist(), strict=True)
    )
    v = 0
    for family in families:
        n = len(family.variants)
        answered[int(family.rows[0])] = pairs[v : v + n]
        v += n


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


def kept(
    base: tuple[int, int],
    outcome: dict[tuple[Setting, ...], tuple[int, int]],
    person_id: Sequence[Any] | np.ndarray,
    family: Family,
    said: dict[Any, str] | None = None,
) -> list[dict[str, Any]]:
    """The variants whose answer differs from `base`; a pair only when neither of its
    settings alone gives the same answer, written from the setting that alone changes the
    answer (if one does): "a fear of Guatemala ... and a fear of Mexico ...".

    `said`: a dict the caller keeps while it writes branches, the words of each condition
    and answer worked out once (the branches are the same with or without it)."""
    said = {} if said is None else said
    kept = []
    alone = len(family.rows) == 1
    for settings, answer in outcome.items():
        if answer == base:
            continue
        if len(settings) == 2:
            if any(outcome.get((s,)) == answer for s in settings):
                continue
            if outcome.get((settings[0],)) == base and outcome.get((settings[1],)) != base:
                settings = (settings[1], settings[0])
        pathway = codes.PATHWAYS[answer[0]]
        country = codes.countries()[answer[1]] if answer[1] >= 0 else None
        row = settings[0][0]
        who = None if alone else str(person_id[row])
        conditions = [_said(said, fact, value, who) for _, fact, value in settings]
        title = said.get(("title", answer))
        if title is None:
            title = said[("title", answer)] = words.pathway_title(pathway, country)
        kept.append(
            {
                "if": {fact: value for _, fact, value in settings},
                "person_id": str(person_id[row]),
                "pathway": pathway,
                "receiving_country": country,
                "conditions": conditions,
                "sentence": f"If {' and '.join(conditions)} → {title}",
            }
        )
    return kept


def _said(said: dict[Any, str], fact: str, value: Any, who: str | None) -> str:
    """`words.condition(fact, value, who)`, worked out once per `said`."""
    key = ("condition", fact, type(value), value, who)
    text = said.get(key)
    if text is None:
        text = said[key] = words.condition(fact, value, who)
    return text


def grouped(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Branches as a reader takes them: each one-fact branch with the two-fact branches that
    go on from it (`then`: "and then, if also A, B or C → ..."), their second conditions
    gathered by answer; two-fact branches that go on from no one-fact branch are gathered
    the same way under their first condition alone (`sentence` None, `condition` set).
    One-fact branches that lead to the same answer, with nothing going on from them, are
    gathered into one (`any`: "if any one of A, B or C → ...")."""
    out: list[dict[str, Any]] = []
    parents: dict[tuple[str, str, str], dict[str, Any]] = {}
    for b in found:
        if len(b["if"]) == 1:
            entry = {
                **b,
                "title": _title(b),
                "condition": b["conditions"][0],
                "then": [],
                "any": [],
            }
            parents[_first(b)] = entry
            out.append(entry)
    for b in found:
        if len(b["if"]) != 2:
            continue
        parent = parents.get(_first(b))
        if parent is None:
            parent = {"sentence": None, "condition": b["conditions"][0], "then": [], "any": []}
            parents[_first(b)] = parent
            out.append(parent)
        title = _title(b)
        same = next((t for t in parent["then"] if t["title"] == title), None)
        if same is None:
            same = {"title": title, "pathway": b["pathway"], "conditions": []}
            parent["then"].append(same)
        same["conditions"].append(b["conditions"][1])
    merged: list[dict[str, Any]] = []
    by_title: dict[str, dict[str, Any]] = {}
    for entry in out:
        if entry["sentence"] is None or entry["then"]:
            merged.append(entry)
            continue
        same = by_title.get(entry["title"])
        if same is None:
            by_title[entry["title"]] = {**entry, "any": [entry["condition"]]}
            merged.append(by_title[entry["title"]])
        else:
            same["any"].append(entry["condition"])
    for entry in merged:
        if len(entry.get("any", ())) > 1:
            entry["sentence"] = f"If {words.either(entry['any'])} → {entry['title']}"
    return merged


def _first(branch: dict[str, Any]) -> tuple[str, str, str]:
    fact, value = next(iter(branch["if"].items()))
    return (branch["person_id"], fact, repr(value))


def _title(branch: dict[str, Any]) -> str:
    return words.pathway_title(branch["pathway"], branch["receiving_country"])


def member_variants(
    tree: ParameterTree, enc: Encounters, det: Determinations, members: np.ndarray
) -> list[tuple[Setting, ...]]:
    """The variants `branches` determines for the family unit of `members` (its rows)."""
    reads = tree.memo(f"readers {det.keys}", lambda: MappingProxyType(readers(det)))
    return _variants(tree, enc, det, reads, members)
