"""The fenced blocks of the Markdown docs, with the notes written above them.

A block is an example when its language is `sh` (run by bash) or `python`. An HTML comment on
the line right above a fence says how the test treats it (one per line, several allowed):

- `<!-- no-run: reason -->`: not run (a server, a cluster, a password prompt); the reason is
  required;
- `<!-- slow: reason -->`: run in the slow lane only;
- `<!-- expect: text -->`: the block's output (stdout and stderr) contains this text;
- `<!-- file: path -->`: the block shows this file of the repository (same JSON or YAML value).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
RUNNABLE = {"sh": "sh", "bash": "sh", "python": "python"}
NOTES = ("no-run", "slow", "expect", "file")
FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})\s*(?P<lang>[^\s`]*)")
NOTE = re.compile(r"^\s*<!--\s*(?P<key>[a-z-]+)\s*:\s*(?P<value>.*?)\s*-->\s*$")


@dataclass(frozen=True)
class Block:
    path: Path  # the Markdown file
    line: int  # the opening fence's line, counted from 1
    lang: str  # the fence's info string ('' when none)
    text: str
    notes: dict[str, list[str]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.path.relative_to(REPO)}:{self.line}"

    @property
    def kind(self) -> str | None:
        """`sh` or `python` for an example that runs, else None."""
        return RUNNABLE.get(self.lang)

    def note(self, key: str) -> str | None:
        values = self.notes.get(key)
        return values[0] if values else None


def documents() -> list[Path]:
    """The README and every Markdown file under docs/."""
    return [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]


def blocks(path: Path) -> list[Block]:
    """Every fenced block of one Markdown file, in order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        fence, indent = opening["fence"], len(opening["indent"])
        body: list[str] = []
        j = i + 1
        while j < len(lines) and not lines[j].strip().startswith(fence):
            line = lines[j]
            body.append(line[indent:] if line[:indent].strip() == "" else line.lstrip())
            j += 1
        notes: dict[str, list[str]] = {}
        k = i - 1
        while k >= 0 and (note := NOTE.match(lines[k])):
            notes.setdefault(note["key"], []).insert(0, note["value"])
            k -= 1
        found.append(Block(path, i + 1, opening["lang"], "\n".join(body) + "\n", notes))
        i = j + 1
    return found


def every_block() -> list[Block]:
    return [b for path in documents() for b in blocks(path)]
