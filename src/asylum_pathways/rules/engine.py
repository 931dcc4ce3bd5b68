"""One engine for one case and for a million: amenability per program, then assignment.

`determine(tree, encounters)` evaluates every program's checks for every person as of
their own day, combines family units, and walks the dated priority order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace

import numpy as np

from asylum_pathways import codes, tri
from asylum_pathways.dates import day_number
from asylum_pathways.params import ParameterTree
from asylum_pathways.records import Encounters
from asylum_pathways.rules.aca import aca_programs
from asylum_pathways.rules.asylum_limits import ASYLUM_LIMIT_PROGRAMS
from asylum_pathways.rules.checks import Program, evaluate
from asylum_pathways.rules.context import Context
from asylum_pathways.rules.groups import Groups
from asylum_pathways.rules.mpp import MPP_PROGRAM
from asylum_pathways.rules.title8 import TITLE8_RULES
from asylum_pathways.rules.title42 import TITLE42_PROGRAM

PATHWAY_CODE = {p: i for i, p in enumerate(codes.PATHWAYS)}
UNDETERMINED = PATHWAY_CODE["UNDETERMINED"]
PRIORITY = "law.assignment.priority"
NO_RANK = 1e9
#: `_assign` packs (rank, unknown?, pathway) into a uint16: pathway in bits 0-3, unknown in 4.
PATHWAY_MASK, UNKNOWN_BIT, RANK_SHIFT, NONE = 15, 4, 5, 0xFFFF
if len(codes.PATHWAYS) > PATHWAY_MASK:
    raise ImportError("too many pathways for the assignment packing")


def programs(tree: ParameterTree) -> list[Program]:
    """The programs of the `amenable` object: one per ACA partner, then MPP and Title 42, then
    the asylum limits of 2023-2026 (lawful pathways, Proclamations 10773 and 10888)."""
    found = tree.memo(
        "programs",
        lambda: (*aca_programs(tree), MPP_PROGRAM, TITLE42_PROGRAM, *ASYLUM_LIMIT_PROGRAMS),
    )
    return list(found)


@dataclass
class Determinations:
    """Columnar answers. `decided_by[i]` indexes `keys`: the program or pathway rule that
    decided the person's pathway (for UNDETERMINED, the one whose missing fact blocks it)."""

    programs: list[Program]
    rules: list[Program]
    status: Mapping[str, np.ndarray]
    reason: Mapping[str, np.ndarray]
    pathway: np.ndarray
    receiving_country: np.ndarray  # index into countries(), -1 if none
    decided_by: np.ndarray
    keys: tuple[str, ...]
    group_size: np.ndarray
    day: np.ndarray
    candidates: dict[str, tuple[np.ndarray, np.ndarray]]
    aca_country: np.ndarray  # receiving country of the ACA candidate (index into countries())

    def program(self, key: str) -> Program:
        return next(p for p in [*self.programs, *self.rules] if p.key == key)


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
    aca_status, aca_key, aca_country = _choose_agreement(ctx, groups, aca, status)
    keys = tuple(p.key for p in [*progs, *rules])
    key_code = {k: i for i, k in enumerate(keys)}
    # group-level status of each pathway candidate, and the key that speaks for it
    candidates: dict[str, tuple[np.ndarray, np.ndarray]] = {
        "TITLE42_EXPULSION": _fixed(groups.all(status["TITLE42"]), key_code["TITLE42"]),
        "UAC_REFERRAL": _fixed(status["UAC_REFERRAL"], key_code["UAC_REFERRAL"]),
        "ACA_TRANSFER": (aca_status, aca_key),
        "MPP_RETURN": _fixed(groups.all(status["MPP"]), key_code["MPP"]),
        "PROCLAMATION_REMOVAL": _fixed(
            groups.all(status["PROCLAMATION_10888"]), key_code["PROCLAMATION_10888"]
        ),
        "CREDIBLE_FEAR_ASYLUM_BAR": _either(
            _fixed(
                groups.any(status["PROCLAMATION_10888_ASYLUM_BAR"]),
                key_code["PROCLAMATION_10888_ASYLUM_BAR"],
            ),
            _fixed(groups.any(status["PROCLAMATION_10773"]), key_code["PROCLAMATION_10773"]),
        ),
        "CREDIBLE_FEAR_LAWFUL_PATHWAYS": _fixed(
            groups.any(status["LAWFUL_PATHWAYS"]), key_code["LAWFUL_PATHWAYS"]
        ),
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
    return _spliced(base, determine(tree, enc.take(rows), base.day[rows]), rows)


def _spliced(base: Determinations, new: Determinations, rows: np.ndarray | slice) -> Determinations:
    """`base` with the people at `rows` (indices in order, or a run of rows) answered by
    `new`. Arrays are shared where nobody's answer changes (no stage writes into a
    determination's arrays: `reassign` copies), copied where it does."""

    def mix(old: np.ndarray, sub: np.ndarray) -> np.ndarray:
        if old.strides == (0,) and sub.strides == (0,) and old[0] == sub[0]:
            return old  # one constant key for everyone, in both
        if isinstance(rows, slice):
            return np.concatenate([old[: rows.start], sub, old[rows.stop :]]).astype(
                old.dtype, copy=False
            )
        out = np.array(old)  # a writeable copy (of a broadcast constant too)
        out[rows] = sub
        return out

    return Determinations(
        programs=base.programs,
        rules=base.rules,
        status=_Spliced(base.status, new.status, mix),
        reason=_Spliced(base.reason, new.reason, mix),
        pathway=mix(base.pathway, new.pathway),
        receiving_country=mix(base.receiving_country, new.receiving_country),
        decided_by=mix(base.decided_by, new.decided_by),
        keys=base.keys,
        group_size=mix(base.group_size, new.group_size),
        day=mix(base.day, new.day),
        candidates={
            k: (mix(st, new.candidates[k][0]), mix(key, new.candidates[k][1]))
            for k, (st, key) in base.candidates.items()
        },
        aca_country=mix(base.aca_country, new.aca_country),
    )


class _Spliced(Mapping[str, np.ndarray]):
    """Each program's array of a spliced determination, spliced when first read (the
    simulation reads few of them)."""

    def __init__(
        self,
        base: Mapping[str, np.ndarray],
        new: Mapping[str, np.ndarray],
        mix: Callable[[np.ndarray, np.ndarray], np.ndarray],
    ) -> None:
        self._base, self._new, self._mix = base, new, mix
        self._done: dict[str, np.ndarray] = {}

    def __getitem__(self, key: str) -> np.ndarray:
        if key not in self._done:
            self._done[key] = self._mix(self._base[key], self._new[key])
        return self._done[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._base)

    def __len__(self) -> int:
        return len(self._base)


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
    sub = {p: (st[rows], _rows_of_key(k, rows)) for p, (st, k) in det.candidates.items()}
    return _assign(ctx, sub)


def _rows_of_key(key: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The deciding keys of `rows`; one key for everyone stays one (a broadcast constant)."""
    if key.strides == (0,) and key.shape[0]:
        return np.broadcast_to(key[0], rows.shape)
    return np.asarray(key)[rows]


def _fixed(status: np.ndarray, key: int) -> tuple[np.ndarray, np.ndarray]:
    return status.copy(), _everyone(key, status.shape[0])


def _everyone(key: int, n: int) -> np.ndarray:
    """`key` for each of `n` people: a read-only broadcast constant (stride 0), as
    `np.broadcast_to` makes it, without its cost (this is in every call of the engine)."""
    out = np.ndarray((n,), np.int16, np.array([key], np.int16), 0, (0,))
    out.flags.writeable = False
    return out


def _either(
    first: tuple[np.ndarray, np.ndarray], second: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """One pathway that two programs lead to: Kleene OR of their statuses, spoken for by the
    program with the better status (the first on a tie)."""
    (s1, k1), (s2, k2) = first, second
    later = s2 > s1
    if not later.any():
        return s1, k1
    return np.maximum(s1, s2).astype(np.int8), np.where(later, k2, k1).astype(np.int16)


def _choose_agreement(
    ctx: Context, groups: Groups, aca: list[Program], status: Mapping[str, np.ndarray]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Among the ACAs the whole family is amenable to, the lowest assignment rank wins;
    an unknown at a lower rank leaves the answer unknown.

    Each agreement c packs (rank, unknown?, c) into one uint16; the minimum over agreements
    that are not false is the deciding one.
    """
    n = ctx.enc.n
    if not aca:
        return np.zeros(n, np.int8), np.zeros(n, np.int16), np.full(n, -1, np.int16)
    if len(aca) > 127:
        raise ValueError("at most 127 receiving countries")
    best = np.full(n, np.iinfo(np.uint16).max, dtype=np.uint16)
    for c, prog in enumerate(aca):
        if not (status[prog.key] != tri.F).any():
            continue  # nobody is, or may be, amenable: no family can choose it
        st = groups.all(status[prog.key])
        rank = ctx.number(prog.param("{agreement}.assignment_rank"), 255, constant_ok=True)
        rank16 = np.clip(rank, 0, 255).astype(np.uint16)
        packed = (rank16 << 8) | ((st == tri.U).astype(np.uint16) << 7) | np.uint16(c)
        np.minimum(best, np.where(st == tri.F, np.uint16(65535), packed), out=best)
    none = best == 65535
    chosen = np.where(none, 0, best & 127).astype(np.int16)
    out = tri.where(none, tri.F, tri.where((best & 128) > 0, tri.U, tri.T))
    country_codes = np.array([codes.country_index(p.country or "") for p in aca], dtype=np.int16)
    receiving = np.where(out == tri.T, country_codes[chosen], -1).astype(np.int16)
    # the ACA programs are the first len(aca) keys of the engine's key list
    return out, chosen, receiving


def _assign(
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
