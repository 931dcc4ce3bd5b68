"""Where a cell of encounter records is (the file, and the line, record or row of each
row), and the findings its problems are reported to."""

from __future__ import annotations

from typing import Any

import numpy as np

from asylum_pathways.io.findings import Findings


class Where:
    """Where a cell is (the file, and the line, record or row of each row), and the findings
    it is reported to."""

    def __init__(
        self,
        source: str,
        line_word: str | None,
        line_offset: int,
        lines: np.ndarray | None = None,
    ) -> None:
        self.source, self.line_word, self.line_offset, self.lines = (
            source,
            line_word,
            line_offset,
            lines,
        )
        self.found = Findings()

    def __call__(self, row: int, col: str) -> tuple[str, tuple[str | int, ...]]:
        if self.line_word is None:
            return f"{self.source} field {col}", (self.source, col)
        number = int(self.lines[row]) if self.lines is not None else row + self.line_offset
        return f"{self.source} {self.line_word} {number}, column {col}", (
            self.source,
            f"{self.line_word} {number}",
            col,
        )

    def report(self, row: int, col: str, msg: str, value: Any = None) -> None:
        text, loc = self(row, col)
        self.found.add(text, loc, msg, value)
