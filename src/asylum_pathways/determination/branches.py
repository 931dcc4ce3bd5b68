"""What would change the answer: the pathway for each value of each unknown or decisive fact.

For one person (or one family unit: the law gives a family one pathway), every fact the
rules read from a person that could still change something is set to each of its other
values, one fact at a time and every two facts of one person at a time
(`determination.variants`), and all those variants are determined together, as rows of one
table, by one call of the engine. The branches kept are those whose pathway (or receiving
country) differs from the answer; a two-fact branch only when neither of its facts alone
gives its pathway (`determination.kept`); `determination.grouped` orders them for a reader.
The engine is called on at most `CHUNK_ROWS` rows at a time when many records are explained
at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from asylum_pathways.determination.grouped import grouped
from asylum_pathways.determination.kept import kept
from asylum_pathways.determination.variants import (
    FEAR,
    MAX_VARIANTS,
    OUTCOMES,
    Family,
    apply_variants,
    family_variants,
    readers,
)
from asylum_pathways.params import ParameterTree
from asylum_pathways.records import Encounters
from asylum_pathways.rules.engine import Determinations, determine

__all__ = ["FEAR", "MAX_VARIANTS", "OUTCOMES", "branches", "grouped", "kept"]

#: Most rows in one call of the engine when many records' branches are computed together.
CHUNK_ROWS = 200_000


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
        Family(members_of[groups[0]], family_variants(tree, enc, det, reads, members_of[groups[0]]))
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
            own = family_variants(tree, enc, det, reads, rows_of)  # the first's, member for member
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
