"""Splicing determinations: one answer for everyone, taken from a base determination except
for the rows a second one answers (`engine.determine_like`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

import numpy as np

from asylum_pathways.rules.determinations import Determinations


def spliced(base: Determinations, new: Determinations, rows: np.ndarray | slice) -> Determinations:
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
