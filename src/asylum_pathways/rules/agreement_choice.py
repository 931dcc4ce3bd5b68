"""The safe third country agreement (ACA) a family is transferred under: among those the
whole family is amenable to, the lowest assignment rank."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from asylum_pathways import codes, tri
from asylum_pathways.rules.checks import Program
from asylum_pathways.rules.context import Context
from asylum_pathways.rules.groups import Groups


def choose_agreement(
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
