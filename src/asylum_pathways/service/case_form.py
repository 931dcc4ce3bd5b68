"""The forms of the case pages as the bodies the registry takes: a new case (one person or a
family: the lead, then riders) and a new hearing. Only the shape is made here; the registry
validates every field (`cases.create`, `hearings.parse`) exactly as for the API.

Fields of person k (1 is the lead): `p{k}.name`, `p{k}.a_number`, `p{k}.birth_date`,
`p{k}.address`, `p{k}.citizenship` (a rider's defaults to the lead's), `p{k}.demographic`,
`p{k}.age`, `p{k}.language` and the yes/no facts (`p{k}.claims_fear`, ...); the encounter's
`encounter_date` and `sector` are shared by everyone in the case.
"""

from __future__ import annotations

from typing import Any

from asylum_pathways import codes
from asylum_pathways.registry.facts import IDENTITY

MAX_PEOPLE = 12
SHARED = ("encounter_date", "sector")
PERSON_FACTS = ("citizenship", "demographic", "age", "language")
YES_NO = (
    "claims_fear",
    "criminal_history",
    "known_health_issue",
    "returning_lpr",
    "advance_parole",
)
HEARING_TEXT = ("court", "time_zone", "starts_at", "type", "judge", "medium", "source")
HEARING_CHECKS = ("mpp", "detained", "confirmed")
TIME_ZONES = (
    "America/Los_Angeles",
    "America/Phoenix",
    "America/Denver",
    "America/Chicago",
    "America/New_York",
)


def people_count(value: str | None) -> int:
    """How many people the form has (1 to MAX_PEOPLE; anything else is 1)."""
    if value and value.isdigit():
        return max(1, min(int(value), MAX_PEOPLE))
    return 1


def case_body(form: dict[str, str]) -> dict[str, Any]:
    """`{"people": [...]}` for `cases.create`: an empty field is left out (an unknown fact)."""
    count = people_count(form.get("people"))
    shared = {k: form.get(k, "").strip() for k in SHARED}
    lead_citizenship = form.get("p1.citizenship", "").strip()
    people = []
    for k in range(1, count + 1):
        pre = f"p{k}."
        person: dict[str, Any] = {"role": "lead" if k == 1 else "rider"}
        for field in IDENTITY:
            value = form.get(pre + field, "").strip()
            if value or field == "name":
                person[field] = value
        facts: dict[str, Any] = {k2: v for k2, v in shared.items() if v}
        for field in PERSON_FACTS:
            value = form.get(pre + field, "").strip()
            if not value and field == "citizenship" and k > 1:
                value = lead_citizenship
            if value:
                facts[field] = int(value) if field == "age" and value.isdigit() else value
        for field in YES_NO:
            value = form.get(pre + field, "")
            if value in ("yes", "no"):
                facts[field] = value == "yes"
        person["facts"] = facts
        people.append(person)
    return {"people": people}


def kept_facts(form: dict[str, str]) -> dict[str, str]:
    """The form to show again after a refusal, without the identity fields (a name, an A-number,
    a date of birth or an address is never sent back in an answer that refused it)."""
    return {
        k: v
        for k, v in form.items()
        if not any(k == f"p{i}.{field}" for i in range(1, MAX_PEOPLE + 1) for field in IDENTITY)
    }


def hearing_body(form: dict[str, str]) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for field in HEARING_TEXT:
        value = form.get(field, "").strip()
        if value:
            body[field] = value
    for field in HEARING_CHECKS:
        body[field] = form.get(field) == "yes"
    return body


def sectors() -> list[tuple[str, str]]:
    """Each sector's code and name (`codes.SECTOR_NAMES`, as the screener names them)."""
    return [(s, codes.SECTOR_NAMES[s]) for s in codes.SECTORS]


def countries() -> list[tuple[str, str]]:
    return sorted(
        ((c, codes.country_name(c)) for c in codes.countries()), key=lambda x: x[1].casefold()
    )


def languages() -> list[tuple[str, str]]:
    return sorted(
        ((c, codes.language_name(c)) for c in codes.languages()), key=lambda x: x[1].casefold()
    )
