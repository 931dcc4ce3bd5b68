"""The case screener for a caseworker: the form as they fill it, and the answer in words.

The form is grouped as a caseworker fills it: the four facts every screening needs, then
what is known about the person, the screening outcomes (one control per receiving country
whose agreement is in force on the day), family members, and which law to apply. Labels and
help are plain words (`determination.words`); ports are named (`law.geo.port_sector`'s
`names`). A family is screened together: each member is one record of the same family unit,
and the law gives the unit one pathway.

The answer page leads with the pathway in words, what would change it, the reasons for the
programs in force on the day (each with its sources, primary first), the others folded, the
law's review date, and the codes and rule ids in a details element. Facts arrive by POST and
are neither logged nor stored.

The form's data (`screener_form`), its controls (`screener_controls`) and the answer page
(`screener_answer`) live beside this module; the pages import them from here.
"""

from __future__ import annotations

from typing import Any

from asylum_pathways.determination import words
from asylum_pathways.params import ParameterTree
from asylum_pathways.records import FIELD_BY_NAME
from asylum_pathways.service.screener_answer import present
from asylum_pathways.service.screener_controls import (
    Control,
    agreement_periods,
    encounter_controls,
    outcome_controls,
    person_controls,
    scenario_choices,
)
from asylum_pathways.service.screener_form import (
    MAX_MEMBERS,
    members,
    records_from_form,
    without_member,
)

__all__ = [
    "MAX_MEMBERS",
    "Control",
    "agreement_periods",
    "encounter_controls",
    "field_label",
    "members",
    "outcome_controls",
    "person_controls",
    "present",
    "problem_where",
    "records_from_form",
    "scenario_choices",
    "without_member",
]


def field_label(name: str, tree: ParameterTree) -> str:
    """A field's label for a problem on the page (a record field, or `aca_fear_established`
    of a country)."""
    if name in words.FACTS:
        return words.FACTS[name].label.format(country="a receiving country")
    plain = {
        "encounter_date": "Date of the encounter",
        "sector": "Border Patrol sector",
        "citizenship": "Citizenship",
        "demographic": "Who was encountered",
        "port": "Port of entry",
        "age": "Age",
        "language": "Language",
        "habitual_residence": "Country of habitual residence",
        "person_id": "Your reference",
        "group_id": "Family",
        "date": "Determine as of",
        "scenario": "Which law",
    }
    return plain.get(name, name.replace("_", " ") if name in FIELD_BY_NAME else name)


def problem_where(loc: tuple[Any, ...], tree: ParameterTree) -> str:
    """A problem's place in words: "Person 2 · Citizenship"."""
    parts = [str(x) for x in loc if str(x) not in ("body", "records", "screen")]
    out = []
    for part in parts:
        if part.startswith("record "):
            out.append("Person " + part.split(" ", 1)[1])
        else:
            out.append(field_label(part, tree))
    return " · ".join(out)
