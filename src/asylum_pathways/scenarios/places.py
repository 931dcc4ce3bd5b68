"""Where a scenario's problem is: its file and line (a scenario file), its line (YAML text
given inline), or nothing (a mapping given inline: its place is the caller's)."""

from __future__ import annotations

import re

from asylum_pathways.errors import Problem


def place(where: str, line: int | None, is_file: bool) -> tuple[str, ...]:
    """Where a problem is in a scenario: its file and line (a file), or its line (YAML text
    given inline), or nothing (a mapping given inline: its place is the caller's)."""
    return ((where,) if is_file else ()) + ((f"line {line}",) if line is not None else ())


def problem(text: str, where: str, is_file: bool) -> Problem:
    """A problem said as `"<where> line <n>: <what>"` as a Problem under its file and line."""
    rest = text.removeprefix(where)
    found = re.match(r" line (\d+|None)", rest)
    line = int(found.group(1)) if found and found.group(1) != "None" else None
    rest = rest[found.end() :] if found else rest
    return Problem(place(where, line, is_file), rest.removeprefix(":").strip())
