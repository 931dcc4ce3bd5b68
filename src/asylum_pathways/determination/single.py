"""One record (or one family unit): its answer and what would change it, from one call of
the engine.

The vectorized path (`branches`) determines the records, then chooses from the answers the
facts that could still change something and determines those variants: two calls of the
engine, whose cost for a few rows is nearly all fixed (about the same for 1 row as for
1,000). For one record, or the records of one family unit, this path determines them and
their variants over every fact they could vary in one call (the records, then a copy of
them per variant, each copy its own family unit on the same days): a person's answer reads
only their family's rows and their own days, so each copy answers as it would alone. The
answer is the first copy; the branches are those of the variants the vectorized path would
choose from that answer, looked up among the copies, and kept by the same rule.
If a chosen variant is missing (the bound `MAX_VARIANTS` cut the list), the vectorized path
answers. tests/determination/test_single.py checks both paths give the same answers.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from asylum_pathways.determination.branches import branches
from asylum_pathways.determination.kept import kept
from asylum_pathways.determination.variants import (
    Family,
    apply_variants,
    member_variants,
    settings_of,
    variants_of,
)
from asylum_pathways.io.encounters import EncounterTable
from asylum_pathways.params import ParameterTree
from asylum_pathways.records import Encounters
from asylum_pathways.rules.engine import Determinations, determine, programs
from asylum_pathways.rules.title8 import TITLE8_RULES

#: Most rows (the family unit once per variant) this path determines in one call.
MAX_ROWS = 4096


def one_family(enc: Encounters) -> bool:
    """Do the records form one family unit (or are they one record)?"""
    return enc.n > 0 and bool((enc.group == enc.group[0]).all())


def determine_family(
    tree: ParameterTree, table: EncounterTable, day: np.ndarray | None
) -> tuple[Determinations, list[dict[str, Any]]] | None:
    """The determination of the records of `table`, one family unit (`one_family`), as of
    `day` (default: each one's encounter day) and the branches they share: what
    `determine(tree, enc, day)` and `branches` answer. None when its variants would take
    more than `MAX_ROWS` rows (the vectorized path then answers)."""
    enc = table.encounters
    day = enc.arrival if day is None else day
    members = np.arange(enc.n)
    progs = [*programs(tree), *TITLE8_RULES]
    every = variants_of(
        [settings_of(tree, enc, progs, int(day[m]), int(m), _every) for m in members]
    )
    k = enc.n
    if k * (len(every) + 1) > MAX_ROWS:
        return None
    rows = np.tile(members, len(every) + 1)
    sub = enc.take(rows)
    sub.group = np.repeat(np.arange(len(every) + 1, dtype=np.int64), k)
    apply_variants(sub, [Family(members, every)], [k * (v + 1) for v in range(len(every))])
    out = determine(tree, sub, day[rows])
    det = first_rows(out, k)
    chosen = member_variants(tree, enc, det, members)
    at = {settings: k * (v + 1) for v, settings in enumerate(every)}
    if any(settings not in at for settings in chosen):  # the bound cut a variant out
        return det, branches(tree, enc, det, table.person_id, [0])[0]
    outcome = {
        settings: (int(out.pathway[at[settings]]), int(out.receiving_country[at[settings]]))
        for settings in chosen
    }
    base = (int(det.pathway[0]), int(det.receiving_country[0]))
    return det, kept(base, outcome, table.person_id, Family(members, chosen))


def _every(fact: str) -> bool:
    return True


def first_rows(det: Determinations, k: int) -> Determinations:
    """The determination of rows 0 to k - 1 alone (views of `det`'s arrays)."""
    head = slice(0, k)
    return Determinations(
        programs=det.programs,
        rules=det.rules,
        status={key: v[head] for key, v in det.status.items()},
        reason={key: v[head] for key, v in det.reason.items()},
        pathway=det.pathway[head],
        receiving_country=det.receiving_country[head],
        decided_by=det.decided_by[head],
        keys=det.keys,
        group_size=det.group_size[head],
        day=det.day[head],
        candidates={key: (s[head], c[head]) for key, (s, c) in det.candidates.items()},
        aca_country=det.aca_country[head],
    )
