"""The screener's form as data: the facts it asks for, its family members (`m<k>.` fields),
the day it asks about, and the encounter records it describes (one per person; an empty
field is an unknown fact)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from asylum_pathways.params import ParameterTree

#: The four facts every screening needs, in the order a caseworker has them.
REQUIRED = ("encounter_date", "sector", "citizenship", "demographic")
#: Yes/no facts about a person, in the order of the form.
PERSON_FLAGS = (
    "claims_fear",
    "criminal_history",
    "known_health_issue",
    "returning_lpr",
    "advance_parole",
    "valid_travel_documents",
    "cbp_one_appointment",
)
#: Screening outcomes: absent means not (yet) established.
OUTCOMES = ("mexico_fear_established", "compelling_circumstances_established")
FEAR = "aca_fear_established"
#: A family member's field: `m<k>.<field>`.
MEMBER = re.compile(r"^m\d+\.")
#: Most people screened together as one family unit.
MAX_MEMBERS = 8
DEMOGRAPHIC_WORDS = {
    "SA": "A single adult",
    "FMUA": "A member of a family unit (with a parent or legal guardian)",
    "UAC": "An unaccompanied child",
}


def prefix(member: int) -> str:
    """Form-field prefix of family member `member` (1: the person screened, no prefix)."""
    return "" if member == 1 else f"m{member}."


def members(form: dict[str, str]) -> int:
    """How many people the form holds (hidden field `members`), 1 to MAX_MEMBERS."""
    text = form.get("members", "1")
    count = int(text) if text.isdigit() else 1
    return max(1, min(MAX_MEMBERS, count))


def without_member(form: dict[str, str], member: int) -> dict[str, str]:
    """The form with family member `member` (2 or more) taken out; later members move up."""
    count = members(form)
    if not 2 <= member <= count:
        return form
    out = {k: v for k, v in form.items() if not MEMBER.match(k)}
    for k in range(2, count + 1):
        if k == member:
            continue
        new = k if k < member else k - 1
        out |= {
            prefix(new) + key[len(prefix(k)) :]: v
            for key, v in form.items()
            if key.startswith(prefix(k))
        }
    out["members"] = str(count - 1)
    return out


def form_day(form: dict[str, str]) -> dt.date | None:
    """The day the screening outcomes are asked for: the "as of" date, else the encounter's."""
    for key in ("date", "encounter_date"):
        try:
            return dt.date.fromisoformat(form.get(key, ""))
        except ValueError:
            continue
    return None


def records_from_form(form: dict[str, str], tree: ParameterTree) -> list[dict[str, Any]]:
    """The encounter records the form describes (one per person); an empty field is an
    unknown fact. Members share the encounter's date, sector and port, and one family unit."""
    count = members(form)
    shared = {k: form.get(k, "").strip() for k in ("encounter_date", "sector", "port")}
    records = []
    for member in range(1, count + 1):
        pre = prefix(member)
        own = (form.get("person_id") or "").strip() if member == 1 else ""
        record: dict[str, Any] = {"person_id": own or f"Person {member}"}
        record |= {k: v for k, v in shared.items() if v}
        for key in ("citizenship", "demographic", "age", "language", "habitual_residence"):
            value = (form.get(pre + key) or "").strip()
            if not value and member > 1 and key == "citizenship":
                value = (form.get("citizenship") or "").strip()
            if not value:
                continue
            record[key] = int(value) if key == "age" and value.isdigit() else value
        for key in (*PERSON_FLAGS, *OUTCOMES):
            value = form.get(pre + key, "")
            if value in ("yes", "no"):
                record[key] = value == "yes"
        fear = {
            cc: True for cc in tree.receiving_countries() if form.get(f"{pre}{FEAR}_{cc}") == "yes"
        }
        if fear:
            record[FEAR] = fear
        if count > 1:
            record["group_id"] = "family"
        records.append(record)
    return records
