"""One engine for one case and for a million: amenability per program, then assignment.

`determine(tree, encounters)` evaluates every program's checks for every person as of
their own day, combines family units, and walks the dated priority order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from asylum_pathways import codes
from asylum_pathways.params import ParameterTree
from asylum_pathways.rules import tri
from asylum_pathways.rules.aca import aca_programs
from asylum_pathways.rules.checks import Program, evaluate
from asylum_pathways.rules.context import Context
from asylum_pathways.rules.groups import Groups
from asylum_pathways.rules.mpp import MPP_PROGRAM
from asylum_pathways.rules.records import Encounters
from asylum_pathways.rules.title8 import TITLE8_RULES
from asylum_pathways.rules.title42 import TITLE42_PROGRAM

PATHWAY_CODE = {p: i for i, p in enumerate(codes.PATHWAYS)}
UNDETERMINED = PATHWAY_CODE["UNDETERMINED"]
PRIORITY = "law.assignment.priority"
NO_RANK = 1e9


def programs(tree: ParameterTree) -> list[Program]:
    """The programs of the `amenable` object: one per ACA partner, then MPP and Title 42."""
    return [*aca_programs(tree), MPP_PROGRAM, TITLE42_PROGRAM]


@dataclass
class Determinations:
    """Columnar answers. `decided_by[i]` indexes `keys`: the program or pathway rule that
    decided the person's pathway (for UNDETERMINED, the one whose missing fact blocks it)."""

    programs: list[Program]
    rules: list[Program]
    status: dict[str, np.ndarray]
    reason: dict[str, np.ndarray]
    pathway: np.ndarray
    receiving_country: np.ndarray  # index into countries(), -1 if none
    decided_by: np.ndarray
    keys: tuple[str, ...]
    group_size: np.ndarray
    day: np.ndarray

    def program(self, key: str) -> Program:
        return next(p for p in [*self.programs, *self.rules] if p.key == key)


def determine(
    tree: ParameterTree, enc: Encounters, day: np.ndarray | None = None
) -> Determinations:
    """Determine every person's amenability and pathway as of `day` (default: arrival)."""
    day = enc.arrival if day is None else day
    ctx = Context(tree, enc, day)
    progs = programs(tree)
    rules = list(TITLE8_RULES)
    status: dict[str, np.ndarray] = {}
    reason: dict[str, np.ndarray] = {}
    for prog in [*progs, *rules]:
        status[prog.key], reason[prog.key] = evaluate(ctx, prog)

    groups = Groups(enc.group)
    aca = [p for p in progs if p.country]
    aca_status, aca_key, aca_country = _choose_agreement(ctx, groups, aca, status)
    keys = tuple(p.key for p in [*progs, *rules])
    key_code = {k: i for i, k in enumerate(keys)}
    # group-level status of each pathway candidate, and the key that speaks for it
    candidates: dict[str, tuple[np.ndarray, np.ndarray]] = {
        "TITLE42_EXPULSION": _fixed(groups.all(status["TITLE42"]), key_code["TITLE42"]),
        "UAC_REFERRAL": _fixed(status["UAC_REFERRAL"], key_code["UAC_REFERRAL"]),
        "ACA_TRANSFER": (aca_status, aca_key),
        "MPP_RETURN": _fixed(groups.all(status["MPP"]), key_code["MPP"]),
        "NTA_RELEASE": _fixed(groups.all(status["NTA_RELEASE"]), key_code["NTA_RELEASE"]),
        "CREDIBLE_FEAR": _fixed(groups.any(status["CREDIBLE_FEAR"]), key_code["CREDIBLE_FEAR"]),
        "EXPEDITED_REMOVAL": _fixed(
            groups.all(status["EXPEDITED_REMOVAL"]), key_code["EXPEDITED_REMOVAL"]
        ),
    }
    pathway, decided_by = _assign(ctx, candidates)
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
    )


def _fixed(status: np.ndarray, key: int) -> tuple[np.ndarray, np.ndarray]:
    return status, np.full(status.shape[0], key, dtype=np.int16)


def _choose_agreement(
    ctx: Context, groups: Groups, aca: list[Program], status: dict[str, np.ndarray]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Among the ACAs the whole family is amenable to, the lowest assignment rank wins;
    an unknown at a lower rank leaves the answer unknown."""
    n = ctx.enc.n
    if not aca:
        return np.zeros(n, np.int8), np.zeros(n, np.int16), np.full(n, -1, np.int16)
    st = np.stack([groups.all(status[p.key]) for p in aca])
    ranks = np.stack([ctx.number(p.param("{agreement}.assignment_rank"), NO_RANK) for p in aca])
    rank_t = np.where(st == tri.T, ranks, NO_RANK)
    rank_u = np.where(st == tri.U, ranks, NO_RANK)
    best_t, best_u = rank_t.min(axis=0), rank_u.min(axis=0)
    has_t = best_t < NO_RANK
    out = tri.where(has_t & (best_t <= best_u), tri.T, tri.where(best_u < NO_RANK, tri.U, tri.F))
    chosen = np.where(out == tri.U, rank_u.argmin(axis=0), rank_t.argmin(axis=0))
    # keys of the ACA programs are the first len(aca) keys of the engine's key list
    key = chosen.astype(np.int16)
    countries = codes.countries()
    country_codes = np.array([countries.index(p.country or "") for p in aca], dtype=np.int16)
    return out, key, np.where(out == tri.T, country_codes[chosen], -1).astype(np.int16)


def _assign(
    ctx: Context, candidates: dict[str, tuple[np.ndarray, np.ndarray]]
) -> tuple[np.ndarray, np.ndarray]:
    """Walk the dated priority list: the first candidate with status T wins; an unknown
    before it makes the pathway UNDETERMINED (decided_by names the blocking program)."""
    param = ctx.tree.get(PRIORITY)
    lists = [v.value or [] for v in param.values]
    width = max((len(x) for x in lists), default=0)
    table = np.full((len(lists) + 1, width), -1, dtype=np.int8)
    for row, items in enumerate(lists):
        table[row, : len(items)] = [PATHWAY_CODE[p] for p in items]
    rows = table[param.version_index(ctx.axis)][ctx.rel]  # person x position

    n = ctx.enc.n
    pathway = np.full(n, -1, dtype=np.int8)
    decided = np.full(n, -1, dtype=np.int16)
    blocked = np.zeros(n, dtype=bool)
    stack_status = np.stack([candidates[p][0] if p in candidates else np.zeros(n, np.int8)
                             for p in codes.PATHWAYS])
    stack_key = np.stack([candidates[p][1] if p in candidates else np.zeros(n, np.int16)
                          for p in codes.PATHWAYS])
    for position in range(width):
        code = rows[:, position]
        valid = code >= 0
        safe = np.where(valid, code, 0)
        st = np.where(valid, stack_status[safe, ctx.ar], tri.F)
        open_ = (pathway < 0) & ~blocked
        win = open_ & (st == tri.T)
        pathway[win] = code[win]
        decided[win] = stack_key[safe, ctx.ar][win]
        stop = open_ & (st == tri.U)
        blocked |= stop
        decided[stop] = stack_key[safe, ctx.ar][stop]
    pathway[pathway < 0] = UNDETERMINED
    return pathway, decided
