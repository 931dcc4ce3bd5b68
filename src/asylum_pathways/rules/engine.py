"""One engine for one case and for a million: amenability per program, then assignment.

`determine(tree, encounters)` evaluates every program's checks for every person as of
their own day, combines family units, and walks the dated priority order.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from asylum_pathways import tri
from asylum_pathways.dates import day_number
from asylum_pathways.params import ParameterTree
from asylum_pathways.records import Encounters
from asylum_pathways.rules.aca import aca_programs
from asylum_pathways.rules.agreement_choice import choose_agreement
from asylum_pathways.rules.assignment import PATHWAY_CODE, assign
from asylum_pathways.rules.asylum_limits import ASYLUM_LIMIT_PROGRAMS
from asylum_pathways.rules.candidates import either, fixed, rows_of_key
from asylum_pathways.rules.checks import Program, evaluate
from asylum_pathways.rules.context import Context
from asylum_pathways.rules.determinations import Determinations
from asylum_pathways.rules.groups import Groups
from asylum_pathways.rules.mpp import MPP_PROGRAM
from asylum_pathways.rules.splicing import spliced
from asylum_pathways.rules.title8 import TITLE8_RULES
from asylum_pathways.rules.title42 import TITLE42_PROGRAM

__all__ = [
    "PATHWAY_CODE",
    "Determinations",
    "determine",
    "determine_like",
    "programs",
    "reassign",
]


def programs(tree: ParameterTree) -> list[Program]:
    """The programs of the `amenable` object: one per ACA partner, then MPP and Title 42, then
    the asylum limits of 2023-2026 (lawful pathways, Proclamations 10773 and 10888)."""
    found = tree.memo(
        "programs",
        lambda: (*aca_programs(tree), MPP_PROGRAM, TITLE42_PROGRAM, *ASYLUM_LIMIT_PROGRAMS),
    )
    return list(found)


def determine(
    tree: ParameterTree,
    enc: Encounters,
    day: np.ndarray | None = None,
    groups: Groups | None = None,
) -> Determinations:
    """Determine every person's amenability and pathway as of `day` (default: arrival);
    `groups`, the family units of `enc` when already known."""
    day = enc.arrival if day is None else day
    ctx = Context(tree, enc, day)
    progs = programs(tree)
    rules = list(TITLE8_RULES)
    status: dict[str, np.ndarray] = {}
    reason: dict[str, np.ndarray] = {}
    for prog in [*progs, *rules]:
        status[prog.key], reason[prog.key] = evaluate(ctx, prog)

    groups = Groups(enc.group) if groups is None else groups
    aca = [p for p in progs if p.country]
    aca_status, aca_key, aca_country = choose_agreement(ctx, groups, aca, status)
    keys = tuple(p.key for p in [*progs, *rules])
    key_code = {k: i for i, k in enumerate(keys)}
    # group-level status of each pathway candidate, and the key that speaks for it
    candidates: dict[str, tuple[np.ndarray, np.ndarray]] = {
        "TITLE42_EXPULSION": fixed(groups.all(status["TITLE42"]), key_code["TITLE42"]),
        "UAC_REFERRAL": fixed(status["UAC_REFERRAL"], key_code["UAC_REFERRAL"]),
        "ACA_TRANSFER": (aca_status, aca_key),
        "MPP_RETURN": fixed(groups.all(status["MPP"]), key_code["MPP"]),
        "PROCLAMATION_REMOVAL": fixed(
            groups.all(status["PROCLAMATION_10888"]), key_code["PROCLAMATION_10888"]
        ),
        "CREDIBLE_FEAR_ASYLUM_BAR": either(
            fixed(
                groups.any(status["PROCLAMATION_10888_ASYLUM_BAR"]),
                key_code["PROCLAMATION_10888_ASYLUM_BAR"],
            ),
            fixed(groups.any(status["PROCLAMATION_10773"]), key_code["PROCLAMATION_10773"]),
        ),
        "CREDIBLE_FEAR_LAWFUL_PATHWAYS": fixed(
            groups.any(status["LAWFUL_PATHWAYS"]), key_code["LAWFUL_PATHWAYS"]
        ),
        "NTA_RELEASE": fixed(groups.all(status["NTA_RELEASE"]), key_code["NTA_RELEASE"]),
        "CREDIBLE_FEAR": fixed(groups.any(status["CREDIBLE_FEAR"]), key_code["CREDIBLE_FEAR"]),
        "EXPEDITED_REMOVAL": fixed(
            groups.all(status["EXPEDITED_REMOVAL"]), key_code["EXPEDITED_REMOVAL"]
        ),
    }
    pathway, decided_by = assign(ctx, candidates)
    receiving = np.where(pathway == PATHWAY_CODE["ACA_TRANSFER"], aca_country, -1).astype(np.int16)
    return Determinations(
        programs=progs,
        rules=rules,
        status=status,
        reason=reason,
        pathway=pathway,
        receiving_country=receiving,
        decided_by=decided_by,
        keys=keys,
        group_size=groups.size(),
        day=day,
        candidates=candidates,
        aca_country=aca_country,
    )


def determine_like(
    tree: ParameterTree, enc: Encounters, base_tree: ParameterTree, base: Determinations
) -> Determinations:
    """`determine(tree, enc, base.day)`, reusing `base` (the determinations of the same people
    under `base_tree`) for everyone whose day comes before the first day the two trees differ.

    A person's answer reads every parameter as of their own day (and their arrival day, the
    same or earlier), and a family unit shares one day; so before that first day the law and
    the answers are the same. tests/rules/test_determine_like.py checks the equality on
    the built-in scenarios and on generated overlays."""
    first = base_tree.first_difference(tree)
    later = np.zeros(enc.n, dtype=bool) if first is None else base.day >= day_number(first)
    if not later.any():  # the same law on everyone's day: the same answers (never written)
        return replace(base, candidates=dict(base.candidates))
    if later.all() or tuple(p.key for p in programs(tree)) != base.keys[: len(base.programs)]:
        return determine(tree, enc, base.day)
    index = np.flatnonzero(later)
    rows: np.ndarray | slice = index
    if index[-1] - index[0] + 1 == index.shape[0]:  # one run of rows (people in day order)
        rows = slice(int(index[0]), int(index[-1]) + 1)
    return spliced(base, determine(tree, enc.take(rows), base.day[rows]), rows)


def reassign(
    tree: ParameterTree, enc: Encounters, det: Determinations, rows: np.ndarray, pathway: str
) -> tuple[np.ndarray, np.ndarray]:
    """Pathway and deciding key of `rows` if `pathway` is not available to them (a capacity
    limit or a discretionary exception): the priority order is walked again without it.
    The candidate is marked unavailable in `det` for those rows, so later calls keep it so."""
    status, key = det.candidates[pathway]
    status = status.copy()  # never in place: `det` may be the base of another scenario's
    status[rows] = tri.F
    det.candidates[pathway] = (status, key)
    ctx = Context.of_rows(tree, enc, det.day, rows)
    sub = {p: (st[rows], rows_of_key(k, rows)) for p, (st, k) in det.candidates.items()}
    return assign(ctx, sub)
