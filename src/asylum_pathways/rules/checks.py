"""A check is one legal question asked of every person at once; a program is an ordered
list of checks. The first check that fails decides (its id is the reason code); if none
fails but one is unknown, the first unknown decides; if all pass, the person is amenable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from asylum_pathways.params import agreements
from asylum_pathways.rules.context import Context
from asylum_pathways.tri import F

#: Reason index meaning "every check passed".
ALL_PASSED = 63


@dataclass(frozen=True)
class Program:
    """A program (or pathway rule) and the checks that decide a person's amenability."""

    key: str  # ACA_GT, MPP, TITLE42, or a pathway rule such as CREDIBLE_FEAR
    pathway: str
    label: str
    checks: tuple[Check, ...]
    country: str | None = None  # receiving country of an ACA

    def param(self, template: str) -> str:
        """Resolve '{agreement}' in a parameter name to this program's agreement folder."""
        return template.format(agreement=agreements.law_folder(self.country or ""))

    def reason_id(self, index: int) -> str:
        if index == ALL_PASSED:
            return f"{self.key.lower()}.amenable"
        return self.checks[index].id


@dataclass(frozen=True)
class Check:
    """One legal question: its words, the parameters it reads (`params`, names or
    '{agreement}' templates), the record's facts it reads, its authority in words, and the
    function that answers it for every person at once.

    `cites` names parameters whose sources are this check's law although it reads none of
    their values (a check that reads no parameter, such as "does the person seek
    protection?"): the explanation cites each one's own references (its file's, or its
    folder's), so every step of an answer cites its law. The sources stay data in the tree.
    """

    id: str
    question: str
    passed: str
    failed: str
    unknown: str
    params: tuple[str, ...]
    facts: tuple[str, ...]
    authority: str
    fn: Callable[[Context, Program], np.ndarray]
    cites: tuple[str, ...] = ()


def evaluate(ctx: Context, program: Program) -> tuple[np.ndarray, np.ndarray]:
    """Status (tri int8) and reason index (uint8) of every person for `program`.

    Each check's outcome r in {F, U, T} and position c are packed as r * 64 + c; the
    minimum over checks is then the worst outcome at its first position. Rows that have
    already failed cannot change, so once they are 30% of the open rows or more the
    remaining checks are asked only of the rows still open (their packed values are then
    kept in a compact array, written back once), and once none is open the rest are skipped.
    """
    if len(program.checks) >= ALL_PASSED:
        raise ValueError(f"{program.key}: too many checks")
    n = ctx.enc.n
    if len(program.checks) == 1:
        status = np.empty(n, dtype=np.int8)
        status[...] = program.checks[0].fn(ctx, program)  # one value for everyone, or each
        return status, (status == 2).view(np.uint8) * np.uint8(ALL_PASSED)
    acc = np.full(n, 255, dtype=np.uint8)
    rows: np.ndarray | None = None  # the rows `open_acc` holds (None: all rows, `acc` itself)
    open_acc = acc
    current = ctx
    for position, check in enumerate(program.checks):
        outcome = np.asarray(check.fn(current, program), dtype=np.int8)
        if outcome.ndim == 0:  # one outcome for everyone (a check of the day's law)
            np.minimum(open_acc, np.uint8((int(outcome) << 6) | position), out=open_acc)
            if outcome == F:
                break  # everyone has failed a check: later ones change nothing
            if position:
                continue  # nobody failed here: which rows are open is unchanged
        else:
            packed = np.left_shift(outcome.view(np.uint8), 6)  # a new array: `outcome` may
            packed |= np.uint8(position)  # be a column of the records themselves
            np.minimum(open_acc, packed, out=open_acc)
        if position + 1 == len(program.checks):
            break
        still = open_acc >= 64
        open_count = int(np.count_nonzero(still))
        if open_count == 0:
            break  # everyone has failed a check: later ones change nothing
        if position + 2 < len(program.checks) and open_count < 0.7 * still.shape[0]:
            local = np.flatnonzero(still)
            if rows is not None:
                acc[rows] = open_acc
            rows = local if rows is None else rows[local]
            open_acc = open_acc[local]
            current = current.subset(local)
    if rows is not None:
        acc[rows] = open_acc
    status = (acc >> 6).astype(np.int8)
    reason = acc & np.uint8(63)
    reason |= (status == 2).view(np.uint8) * np.uint8(ALL_PASSED)  # all bits: 63 (no mask)
    return status, reason
