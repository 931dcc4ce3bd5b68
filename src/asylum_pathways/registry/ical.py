r"""The iCalendar text format (RFC 5545), as much of it as the calendar feed writes: content lines
folded at 75 octets (3.1), TEXT values escaped (3.3.11), UTC DATE-TIME values (3.3.5, form #2)
and components, each line ended by CRLF.

>>> print(text("Court; room 3, floor 2\\B\nnext"))
Court\; room 3\, floor 2\\B\nnext
>>> utc(dt.datetime(2020, 3, 9, 14, 0))
'20200309T140000Z'
>>> [len(x) for x in fold("DESCRIPTION:" + "x" * 200).split(b"\r\n")]
[75, 75, 64]
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence

CRLF = b"\r\n"
#: The most octets of a line, its line break excluded (RFC 5545 3.1).
LIMIT = 75
#: Controls other than HTAB are not allowed in a TEXT value (3.3.11: TSAFE-CHAR excludes CONTROL).
CONTROLS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def text(value: str) -> str:
    """A TEXT value: backslash, semicolon and comma escaped, a line break as `\\n`, other
    controls dropped (3.3.11)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = value.replace("\n", "\\n")
    return CONTROLS.sub("", value)


def utc(when: dt.datetime) -> str:
    """A DATE-TIME in UTC (3.3.5, form #2); a naive `when` is read as UTC."""
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC)
    return when.strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> bytes:
    """One content line as UTF-8, folded so that no line is longer than 75 octets: a break
    then one space before each continuation, never inside a character's octets (3.1)."""
    raw = line.encode("utf-8")
    out: list[bytes] = []
    start, room = 0, LIMIT
    while len(raw) - start > room:
        end = start + room
        while raw[end] & 0xC0 == 0x80:  # a continuation octet: break before its character
            end -= 1
        out.append(raw[start:end])
        start, room = end, LIMIT - 1  # a continuation line starts with the one space
    out.append(raw[start:])
    return (CRLF + b" ").join(out)


def component(name: str, properties: Sequence[tuple[str, str]], *inner: list[str]) -> list[str]:
    """The unfolded lines of a component: BEGIN, its properties (name, formatted value), any
    components inside it, END."""
    lines = [f"BEGIN:{name}"]
    lines += [f"{key}:{value}" for key, value in properties]
    for part in inner:
        lines += part
    lines.append(f"END:{name}")
    return lines


def document(lines: Iterable[str]) -> bytes:
    """The iCalendar object: every line folded and ended by CRLF."""
    return b"".join(fold(line) + CRLF for line in lines)
