"""The engine's answer for many people at once, as columns (`Determinations`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from asylum_pathways.rules.checks import Program


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
