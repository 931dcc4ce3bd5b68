"""Assignment: the dated priority order `law.assignment.priority` walked over each person's
pathway candidates; the first that is not false decides."""

from __future__ import annotations

import numpy as np

from asylum_pathways import codes, tri
from asylum_pathways.rules.context import Context

PATHWAY_CODE = {p: i for i, p in enumerate(codes.PATHWAYS)}
UNDETERMINED = PATHWAY_CODE["UNDETERMINED"]
PRIORITY = "law.assignment.priority"
#: `assign` packs (rank, unknown?, pathway) into a uint16: pathway in bits 0-3, unknown in 4.
PATHWAY_MASK, UNKNOWN_BIT, RANK_SHIFT, NONE = 15, 4, 5, 0xFFFF
if len(codes.PATHWAYS) > PATHWAY_MASK:
    raise ImportError("too many pathways for the assignment packing")


def assign(
    ctx: Context, candidates: dict[str, tuple[np.ndarray, np.ndarray]]
) -> tuple[np.ndarray, np.ndarray]:
    """Walk the dated priority list: the first candidate that is not false decides; if it
    is true it is the pathway, if unknown the pathway is UNDETERMINED and `decided_by`
    names the blocking program.

    Each pathway p packs (its rank, unknown?, p) into a uint16; the minimum over pathways
    that are not false is the deciding one. When the lists in force on the people's days
    agree on one order (each is a subsequence of it), ranks are constants and only
    pathways missing from some list need a per-person mask.
    """
    param = ctx.tree.get(PRIORITY)
    versions = np.unique(param.version_index(ctx.axis))
    lists = [param.values[v].value or [] if v >= 0 else [] for v in versions]
    order = _merged_order(lists)
    version = None
    n = ctx.enc.n
    best = np.full(n, NONE, dtype=np.uint16)
    for pathway, (st, _key) in candidates.items():
        p = PATHWAY_CODE[pathway]
        listed = [pathway in items for items in lists]
        if not any(listed):
            continue
        if version is None and (order is None or not all(listed)):
            version = param.version_index(ctx.axis)[ctx.rel]
        if order is not None:
            rank: np.ndarray | np.uint16 = np.uint16(order.index(pathway))
            excluded = st == tri.F
            if not all(listed):
                absent = np.zeros(len(param.values) + 1, dtype=bool)
                absent[versions[[not x for x in listed]]] = True
                excluded |= absent[version]
        else:
            table = np.full(len(param.values) + 1, 255, dtype=np.uint16)
            for row, entry in enumerate(param.values):
                if pathway in (entry.value or []):
                    table[row] = (entry.value or []).index(pathway)
            rank = table[version]
            excluded = (st == tri.F) | (rank == 255)
        packed = (st == tri.U).astype(np.uint16) << UNKNOWN_BIT
        packed |= (np.uint16(rank) << RANK_SHIFT) | np.uint16(p)
        packed |= excluded.astype(np.uint16) * np.uint16(NONE)  # all bits (no masked store)
        np.minimum(best, packed, out=best)
    decided_pathway = best & np.uint16(PATHWAY_MASK)
    none = best == NONE
    unknown = (best & np.uint16(1 << UNKNOWN_BIT)) > 0
    pathway_out = np.where(unknown | none, UNDETERMINED, decided_pathway).astype(np.int8)
    fixed = np.full(PATHWAY_MASK + 1, -1, dtype=np.int16)
    varying = []
    for pathway, (_st, key) in candidates.items():
        if key.strides == (0,):
            fixed[PATHWAY_CODE[pathway]] = key[0] if key.shape[0] else -1
        else:
            varying.append((PATHWAY_CODE[pathway], key))
    decided = fixed[decided_pathway]
    for code, key in varying:
        decided = np.where(decided_pathway == code, key, decided)
    decided[none] = -1
    return pathway_out, decided.astype(np.int16)


def _merged_order(lists: list[list[str]]) -> list[str] | None:
    """One order of which every list is a subsequence, or None if the lists disagree."""
    merged: list[str] = []
    for items in sorted(lists, key=len, reverse=True):
        for item in items:
            if item not in merged:
                merged.append(item)
    for items in lists:
        positions = [merged.index(item) for item in items]
        if positions != sorted(positions):
            return None
    return merged
