"""Reading a calibration spec's YAML blocks: a list of mappings, keys nobody expects, and
numbers; each problem is a line naming the file and line."""

from __future__ import annotations

import math
from typing import Any

from asylum_pathways.params.yamlio import line_of


def items(block: Any, name: str, where: str, line: int | None, problems: list[str]) -> list[Any]:
    if not isinstance(block, list) or not block:
        problems.append(f"{where} line {line}: {name}: expected a non-empty list")
        return []
    out = []
    for item in block:
        if not isinstance(item, dict):
            problems.append(f"{where} line {line}: {name}: each entry is a mapping, got {item!r}")
            continue
        out.append(item)
    return out


def unknown(item: Any, allowed: set[str], where: str, what: str, problems: list[str]) -> None:
    for key in sorted(set(item) - allowed, key=str):
        problems.append(
            f"{where} line {line_of(item, key)}: {what}: unknown key {key!r} "
            f"(expected {', '.join(sorted(allowed))})"
        )


def number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)
