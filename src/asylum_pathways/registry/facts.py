"""A case's people as encounter records, and their identity fields.

The facts of a person are an encounter record (docs/encounter-schema.md) without `person_id`
and `group_id`: the registry gives each person its own identifier and a family the case's.
They are validated only by `determination.determine_records`, exactly as `determine` validates
them; this module only renames the places its problems name (record 2 of a case is
people[1].facts). Identity fields (name, A-number, date of birth, address) are checked here and
never echoed in a message.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from asylum_pathways.errors import Problem, UserError
from asylum_pathways.registry.crypto import normalise_a_number
from asylum_pathways.registry.errors import Invalid

IDENTITY = ("name", "a_number", "birth_date", "address")
RESERVED = ("person_id", "group_id")
MAX_NAME = 200
MAX_ADDRESS = 500
_RECORD = re.compile(r"record (\d+)")


def record(person_id: str, group_id: str | None, facts: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in facts.items() if k not in RESERVED}
    out["person_id"] = person_id
    if group_id is not None:
        out["group_id"] = group_id
    return out


def check_facts_shape(facts: Any, where: tuple[str | int, ...]) -> dict[str, Any]:
    if not isinstance(facts, Mapping):
        msg = "expected an object of encounter-record fields (docs/encounter-schema.md)"
        raise Invalid(f"{'.'.join(map(str, where))}: {msg}", [Problem(where, msg)])
    for key in RESERVED:
        if key in facts:
            msg = f"{key} is given by the registry; leave it out"
            raise Invalid(
                f"{'.'.join(map(str, (*where, key)))}: {msg}", [Problem((*where, key), msg)]
            )
    return dict(facts)


def relocate(exc: UserError, prefix: tuple[str, ...], owners: Sequence[int]) -> UserError:
    """`exc` (from determine_records) with each problem located as people[i].facts.FIELD."""
    problems = []
    for p in exc.problems:
        loc = list(p.loc)
        found = next((m for x in loc if isinstance(x, str) and (m := _RECORD.fullmatch(x))), None)
        if found is not None:
            i = int(found.group(1)) - 1
            field = loc[-1] if loc and loc[-1] != found.group(0) else None
            person = owners[i] if i < len(owners) else i
            tail: tuple[str | int, ...] = (field,) if isinstance(field, str | int) else ()
            new_loc: tuple[str | int, ...] = (*prefix, person, "facts", *tail)
        else:
            new_loc = (*prefix, *[x for x in loc if x != "case"])
        problems.append(scrub(Problem(new_loc, p.msg, p.value)))
    first = problems[0] if problems else Problem(prefix, str(exc))
    where = ".".join(str(x) for x in first.loc)
    out = Invalid(f"{where}: {first.msg}", problems)
    out.code = exc.code
    return out


def scrub(p: Problem) -> Problem:
    """`p` without the value it found: a name typed into a facts field is not echoed back."""
    msg = p.msg
    if p.value is not None:
        for shown_value in (repr(p.value), str(p.value)):
            if shown_value and shown_value in msg:
                msg = msg.replace(shown_value, "the value given")
    return Problem(p.loc, msg, None)


def identity(
    raw: Mapping[str, Any], where: tuple[str | int, ...], today: dt.date
) -> dict[str, str | None]:
    """The identity fields of a person, checked; messages name the field, never the value."""
    out: dict[str, str | None] = {}
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _bad(where, "name", "expected the person's name (text, not empty)")
    if len(name) > MAX_NAME or _control(name):
        raise _bad(where, "name", f"expected at most {MAX_NAME} characters, no control characters")
    out["name"] = name.strip()
    a_number = raw.get("a_number")
    if a_number is not None:
        if not isinstance(a_number, str):
            raise _bad(where, "a_number", "expected text: A followed by 8 or 9 digits")
        try:
            out["a_number"] = "A" + normalise_a_number(a_number)
        except ValueError as exc:
            raise _bad(where, "a_number", str(exc)) from None
    else:
        out["a_number"] = None
    birth = raw.get("birth_date")
    if birth is not None:
        try:
            day = dt.date.fromisoformat(birth) if isinstance(birth, str) else None
        except ValueError:
            day = None
        if day is None or day > today or day.year < 1900:
            raise _bad(where, "birth_date", "expected a date YYYY-MM-DD, not in the future")
        out["birth_date"] = day.isoformat()
    else:
        out["birth_date"] = None
    address = raw.get("address")
    if address is not None:
        if (
            not isinstance(address, str)
            or len(address) > MAX_ADDRESS
            or _control(address.replace("\n", " "))
        ):
            raise _bad(where, "address", f"expected text of at most {MAX_ADDRESS} characters")
        out["address"] = address.strip() or None
    else:
        out["address"] = None
    unknown = sorted(set(raw) - {*IDENTITY, "role", "facts"})
    if unknown:
        raise _bad(
            where, unknown[0], f"unknown field (expected {', '.join((*IDENTITY, 'role', 'facts'))})"
        )
    return out


def _control(text: str) -> bool:
    return any(ord(c) < 32 or ord(c) == 127 for c in text)


def _bad(where: tuple[str | int, ...], field: str, msg: str) -> Invalid:
    loc = (*where, field)
    return Invalid(f"{'.'.join(map(str, loc))}: {msg}", [Problem(loc, msg, None)])


def records_from_table(table: Any, tree: Any) -> list[dict[str, Any]]:
    """Validated records (an `EncounterTable`) back as JSON-typed facts, one dict per row,
    without person_id and group_id: what the registry keeps and `determine_records` reads."""
    from asylum_pathways import codes, tri
    from asylum_pathways.dates import from_day_number

    enc = table.encounters
    countries, languages = codes.countries(), codes.languages()
    out = []
    for i in range(enc.n):
        row: dict[str, Any] = {
            "encounter_date": from_day_number(int(enc.arrival[i])).isoformat(),
            "sector": codes.SECTORS[int(enc.sector[i])],
            "citizenship": countries[int(enc.citizenship[i])],
            "demographic": codes.DEMOGRAPHICS[int(enc.demographic[i])],
        }
        if enc.port[i] >= 0:
            row["port"] = tree.ports[int(enc.port[i])]
        if enc.habitual_residence[i] >= 0:
            row["habitual_residence"] = countries[int(enc.habitual_residence[i])]
        if enc.age[i] >= 0:
            row["age"] = int(enc.age[i])
        if enc.language[i] >= 0:
            row["language"] = languages[int(enc.language[i])]
        for name, values in enc.flags.items():
            if values[i] != tri.U:
                row[name] = bool(values[i] == tri.T)
        fear = {cc: bool(v[i] == tri.T) for cc, v in enc.aca_fear.items() if v[i] != tri.U}
        if fear:
            row["aca_fear_established"] = fear
        out.append(row)
    return out
