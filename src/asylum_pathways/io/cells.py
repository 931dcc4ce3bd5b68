"""What one cell of an encounter record may hold and what it means: the one definition.

Both readers use it. A single case is read cell by cell (`io.encounters.from_record`, with
no Polars loaded: a one-case `determine` starts in a third of a second); a table is read
column by column, each function applied to the column's *distinct* values only (a handful
of sectors, demographics or dates per million rows), the codes then gathered natively. So a
value means the same, and is refused in the same words, however it came in.

Each parser returns `(code, None)` for a value it accepts and `(missing, message)` for one
it refuses; the message says what the value is not and what was expected.
"""

from __future__ import annotations

import datetime as dt
import re

from asylum_pathways import tri
from asylum_pathways.dates import EPOCH
from asylum_pathways.errors import shown
from asylum_pathways.records import MAX_ID_LENGTH

TRUE_WORDS = frozenset({"true", "1", "yes", "t", "y"})
FALSE_WORDS = frozenset({"false", "0", "no", "f", "n"})
#: Control characters, refused in every cell (a regular expression Polars and `re` both read).
CONTROL = r"[\x00-\x1f\x7f]"
#: ASCII digits only (`\d` would take full-width and other scripts' digits too).
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
AGE = re.compile(r"[0-9]{1,3}")
MAX_AGE = 120
_CONTROL = re.compile(CONTROL)
Parsed = tuple[int, str | None]


def control(text: str) -> str | None:
    return f"{shown(text)} contains a control character" if _CONTROL.search(text) else None


#: Unicode's White_Space characters: what Polars's strip_chars strips (Python's str.strip also
#: strips the separators U+001C-U+001F, which would make a table and one case disagree).
WHITE_SPACE = frozenset(
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000"
    + "".join(chr(c) for c in range(0x2000, 0x200B))
)


def identifier(text: str) -> str | None:
    """A person_id or group_id: not blank, at most MAX_ID_LENGTH characters."""
    if all(c in WHITE_SPACE for c in text):
        return f"{shown(text)} is blank (expected an identifier)"
    if len(text) > MAX_ID_LENGTH:
        return f"{len(text):,} characters (expected at most {MAX_ID_LENGTH})"
    return None


def categorical(text: str, vocabulary: tuple[str, ...], expected: str) -> Parsed:
    """The position of `text` in `vocabulary` (exactly as written)."""
    try:
        return vocabulary.index(text), None
    except ValueError:
        return -1, f"{shown(text)} is not {expected}"


def flag(text: str) -> Parsed:
    """true/false in any of the usual spellings; blank is unknown."""
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return int(tri.T), None
    if word in FALSE_WORDS:
        return int(tri.F), None
    if word == "":
        return int(tri.U), None
    return int(tri.U), f"{shown(text)} is not true or false"


def date(text: str) -> Parsed:
    """A YYYY-MM-DD day, as a day number since 1970-01-01."""
    value = text.strip()
    try:
        if not DATE.fullmatch(value):
            raise ValueError
        return (dt.date.fromisoformat(value) - EPOCH).days, None
    except ValueError:
        return -1, f"{shown(text)} is not a date (expected YYYY-MM-DD)"


def age(text: str) -> Parsed:
    """Whole years, 0-MAX_AGE, written in ASCII digits: `12.0` is refused in every format, as
    JSON refuses the number 12.0 (one reading, whatever the file type)."""
    found = AGE.fullmatch(text.strip())
    if found is None or int(found.group(0)) > MAX_AGE:
        return -1, f"{shown(text)} is not a whole number of years (0-{MAX_AGE})"
    return int(found.group(0)), None
