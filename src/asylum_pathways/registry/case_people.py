"""A person of a case at rest: name, A-number, date of birth and address, and the facts, each
encrypted (AES-GCM, table/column/row as associated data) before they reach the database, the
A-number also as a keyed blind index, and the facts the queries filter on (encounter date,
sector, citizenship, who) in the clear."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from asylum_pathways.registry.core import Registry
from asylum_pathways.registry.models import Person

ENCRYPTED = {
    "name": "name_enc",
    "a_number": "a_number_enc",
    "birth_date": "birth_date_enc",
    "address": "address_enc",
}


# -- writing people ------------------------------------------------------------------------------
def seal(
    reg: Registry, person: Person, ident: Mapping[str, str | None], record: Mapping[str, Any]
) -> None:
    c = reg.cipher
    for field, column in ENCRYPTED.items():
        value = ident.get(field)
        setattr(
            person,
            column,
            c.encrypt(value, "people", column, person.id) if value is not None else None,
        )
    a_number = ident.get("a_number")
    person.a_number_index = c.blind_index(a_number) if a_number else None
    person.facts_enc = c.encrypt(
        json.dumps(record, sort_keys=True), "people", "facts_enc", person.id
    )
    person.encounter_date = dt.date.fromisoformat(str(record["encounter_date"]))
    person.sector = str(record["sector"])
    person.citizenship = str(record["citizenship"])
    person.demographic = str(record["demographic"])


def facts_of(reg: Registry, person: Person) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        reg.cipher.decrypt(person.facts_enc, "people", "facts_enc", person.id)
    )
    return data


def identity_of(reg: Registry, person: Person) -> dict[str, str | None]:
    c = reg.cipher
    return {
        field: (
            c.decrypt(getattr(person, col), "people", col, person.id)
            if getattr(person, col)
            else None
        )
        for field, col in ENCRYPTED.items()
    }
