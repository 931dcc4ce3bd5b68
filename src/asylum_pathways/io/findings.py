"""Problems found in input records: each one a message line and a `Problem` (for --json)."""

from __future__ import annotations

from typing import Any

from asylum_pathways.errors import InputError, Problem, shown

MAX_SHOWN = 10  # rows shown per kind of problem


class Findings:
    """Problems found in the records: each one a message line and a `Problem`."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.items: list[Problem] = []

    def add(self, where: str, loc: tuple[str | int, ...], msg: str, value: Any = None) -> None:
        self.lines.append(f"{where}: {msg}")
        self.items.append(Problem(loc, msg, value))

    def __len__(self) -> int:
        return len(self.lines)

    def raise_any(self) -> None:
        if not self.lines:
            return
        cap = 3 * MAX_SHOWN
        extra = "" if len(self.lines) <= cap else f"\n  ... and {len(self.lines) - cap} more"
        raise InputError(
            "invalid encounter records:\n  " + "\n  ".join(self.lines[:cap]) + extra,
            self.items[:cap],
        )


def name_of(key: str) -> str:
    """A field or column name as given, or quoted and cut if it would not print plainly."""
    return key if key.isprintable() and len(key) <= 60 and key.strip() == key else shown(key)
