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
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from asylum_pathways import codes
from asylum_pathways.determination import words
from asylum_pathways.determination.branches import grouped
from asylum_pathways.params import ParameterTree
from asylum_pathways.params.sources import primary_first
from asylum_pathways.records import FIELD_BY_NAME
from asylum_pathways.scenarios import Scenario
from asylum_pathways.scenarios.overlay import DEFAULT

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
#: A check that reads none of these facts fails for everyone on the day: its program is
#: not in force (or not operating) on that date.
DATE_ONLY = {"encounter_date"}


@dataclass
class Control:
    """One form control."""

    name: str  # the form field's name (a member's are prefixed `m<k>.`)
    label: str
    help: str = ""
    kind: str = "select"  # select, date, number, text
    choices: list[tuple[str, str]] = field(default_factory=list)
    groups: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)
    empty: str = "Unknown"
    required: bool = False
    value: str = ""
    in_force: list[tuple[str, str]] | None = None  # a receiving country's agreement periods
    hidden: bool = False

    @property
    def id(self) -> str:
        return "f-" + self.name.replace(".", "-")


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


def agreement_periods(tree: ParameterTree, cc: str) -> list[tuple[str, str]]:
    """The periods (first day, last day; "" for open) in which the agreement with `cc` is in
    force, from `law.aca.agreements.<cc>.in_force`."""
    values = tree.agreement(cc, "in_force").values
    out = []
    for k, v in enumerate(values):
        if v.value is True:
            end = values[k + 1].start - dt.timedelta(days=1) if k + 1 < len(values) else None
            out.append((v.start.isoformat(), end.isoformat() if end else ""))
    return out


def _in(periods: list[tuple[str, str]], day: dt.date) -> bool:
    iso = day.isoformat()
    return any(a <= iso and (not b or iso <= b) for a, b in periods)


def _yes_no(name: str, form: dict[str, str], outcome: bool = False, **fmt: str) -> Control:
    key = name.split(".")[-1]
    wording = words.FACTS[FEAR if key.startswith(FEAR) else key]
    choices = [("yes", "Established")] if outcome else [("yes", "Yes"), ("no", "No")]
    return Control(
        name,
        wording.label.format(**fmt),
        wording.help.format(**fmt),
        choices=choices,
        empty="Not established" if outcome else "Unknown",
        value=form.get(name, ""),
    )


def encounter_controls(tree: ParameterTree, form: dict[str, str]) -> list[Control]:
    """The four required facts, then the port."""
    countries = sorted(
        ((c, codes.country_name(c).capitalize()) for c in codes.countries()), key=lambda c: c[1]
    )
    port_names = tree.get("law.geo.port_sector").names
    port_sector = tree.get("law.geo.port_sector").values[-1].value or {}
    ports = [
        (
            f"{codes.SECTOR_NAMES[s]} sector",
            [(p, port_names.get(p, p)) for p in sorted(port_sector) if port_sector[p] == s],
        )
        for s in codes.SECTORS
    ]
    return [
        Control(
            "encounter_date",
            "Date of the encounter",
            "The day the person was encountered at the border.",
            kind="date",
            required=True,
            value=form.get("encounter_date", ""),
        ),
        Control(
            "sector",
            "Border Patrol sector",
            "Where the person was encountered (for a port of entry, the sector it lies in).",
            choices=[(s, codes.SECTOR_NAMES[s]) for s in codes.SECTORS],
            empty="Choose…",
            required=True,
            value=form.get("sector", ""),
        ),
        Control(
            "citizenship",
            "Citizenship",
            "Choose “Stateless” for a person without a nationality.",
            choices=countries,
            empty="Choose…",
            required=True,
            value=form.get("citizenship", ""),
        ),
        Control(
            "demographic",
            "Who was encountered",
            "",
            choices=list(DEMOGRAPHIC_WORDS.items()),
            empty="Choose…",
            required=True,
            value=form.get("demographic", ""),
        ),
        Control(
            "port",
            "Port of entry",
            "Leave empty if the person was apprehended between ports.",
            groups=[(g, c) for g, c in ports if c],
            empty="Between ports",
            value=form.get("port", ""),
        ),
    ]


def person_controls(tree: ParameterTree, form: dict[str, str], member: int) -> list[Control]:
    """What is known about one person: their own facts (a family member's citizenship and
    who they are, too)."""
    pre = prefix(member)
    languages = sorted(((x, codes.language_name(x)) for x in codes.languages()), key=lambda c: c[1])
    out: list[Control] = []
    if member > 1:
        countries = sorted(
            ((c, codes.country_name(c).capitalize()) for c in codes.countries()),
            key=lambda c: c[1],
        )
        out += [
            Control(
                pre + "citizenship",
                "Citizenship",
                "",
                choices=countries,
                empty="Same as person 1",
                value=form.get(pre + "citizenship", ""),
            ),
            Control(
                pre + "demographic",
                "Who this is",
                "",
                choices=[("FMUA", DEMOGRAPHIC_WORDS["FMUA"])],
                empty="",
                value="FMUA",
            ),
        ]
    out += [
        Control(
            pre + "age",
            "Age",
            "In years, if known.",
            kind="number",
            value=form.get(pre + "age", ""),
        ),
        Control(
            pre + "language",
            "Language",
            "The language the person speaks.",
            choices=languages,
            value=form.get(pre + "language", ""),
        ),
    ]
    out += [_yes_no(pre + name, form) for name in PERSON_FLAGS]
    if member == 1:
        stateless = Control(
            "habitual_residence",
            "Country of habitual residence",
            "Only for a stateless person.",
            choices=sorted(
                ((c, codes.country_name(c).capitalize()) for c in codes.countries()),
                key=lambda c: c[1],
            ),
            value=form.get("habitual_residence", ""),
        )
        out.append(stateless)
    return out


def outcome_controls(tree: ParameterTree, form: dict[str, str], member: int) -> list[Control]:
    """The screening outcomes: fear of Mexico, compelling circumstances, and one control per
    receiving country whose agreement is in force on the day (the others are hidden; with
    scripts, they follow the dates typed)."""
    pre = prefix(member)
    out = [_yes_no(pre + name, form, outcome=True) for name in OUTCOMES]
    day = form_day(form)
    for cc in tree.receiving_countries():
        name = f"{pre}{FEAR}_{cc}"
        control = _yes_no(name, form, outcome=True, country=codes.country_name(cc))
        control.name = name
        control.in_force = agreement_periods(tree, cc)
        control.hidden = day is not None and not _in(control.in_force, day) and not control.value
        out.append(control)
    return out


def scenario_choices(builtins: dict[str, Scenario], chosen: str) -> list[dict[str, Any]]:
    """The scenarios, the law as it was (`history`) first, each with its description."""
    order = [DEFAULT, *sorted(n for n in builtins if n != DEFAULT)]
    return [
        {
            "name": n,
            "label": builtins[n].label,
            "description": builtins[n].description,
            "references": [r.as_dict() for r in builtins[n].references],
            "checked": n == (chosen or DEFAULT),
        }
        for n in order
        if n in builtins
    ]


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


def program_labels(tree: ParameterTree) -> dict[str, str]:
    from asylum_pathways.rules.engine import programs
    from asylum_pathways.rules.title8 import TITLE8_RULES

    return {p.key: p.label for p in [*programs(tree), *TITLE8_RULES]}


def not_in_force(step: dict[str, Any]) -> bool:
    """The program failed for everyone on the day: its deciding check read no fact of the
    person (a date only): not in force, or not operating, on this date."""
    return step["outcome"] is False and set(step["inputs"]) <= DATE_ONLY


def present(
    answers: list[dict[str, Any]], tree: ParameterTree, scenario: Scenario
) -> dict[str, Any]:
    """The answer page's content: headline, branches, reasons in words, codes apart."""
    first = answers[0]
    labels = program_labels(tree)
    size = first["family_size"]
    people = []
    for answer in answers:
        steps = [s for s in answer["explanation"] if s["program"] != "ASSIGNMENT"]
        people.append(
            {
                "person_id": answer["person_id"],
                "reasons": [_reason(s, labels) for s in steps if not not_in_force(s)],
                "folded": [_reason(s, labels) for s in steps if not_in_force(s)],
                "assignment": _assignment(answer, labels),
                "answer": answer,
            }
        )
    blocking = [s for s in first["explanation"] if s["program"] == "ASSIGNMENT"]
    needs = []
    if first["pathway"] == "UNDETERMINED" and blocking:
        facts = list(dict.fromkeys(f for a in answers for f in a["missing_facts"]))
        alone = {f for b in first["branches"] if len(b["if"]) == 1 for f in b["if"]}
        needs = [
            {"label": words.fact_name(f), "decides": f in alone}
            for f in sorted(facts, key=lambda f: f not in alone)
        ]
    return {
        "title": words.pathway_title(first["pathway"], first["receiving_country"]),
        "meaning": words.pathway_meaning(first["pathway"], first["receiving_country"]),
        "family_size": size,
        "pathway": first["pathway"],
        "receiving_country": first["receiving_country"],
        "date": first["date"],
        "encounter_date": first["encounter_date"],
        "scenario": scenario.name,
        "scenario_label": scenario.label,
        "counterfactual": scenario.name != DEFAULT,
        "needs": needs,
        "branches": grouped(first["branches"]),
        "people": people,
        "last_reviewed": first.get("last_reviewed"),
    }


def _reason(step: dict[str, Any], labels: dict[str, str]) -> dict[str, Any]:
    outcome = {True: "applies", False: "does not apply", None: "cannot be decided yet"}
    set_by = sorted({p["set_by"] for p in step["parameters"] if p.get("set_by")})
    return {
        "program": step["program"],
        "label": labels.get(step["program"], step["program"]),
        "outcome": outcome[step["outcome"]],
        "state": {True: "yes", False: "no", None: "unknown"}[step["outcome"]],
        "because": step["because"],
        "rule": step["rule"],
        "references": primary_first(step["references"]),
        "set_by": set_by,
    }


def _assignment(answer: dict[str, Any], labels: dict[str, str]) -> dict[str, Any]:
    step = next(s for s in answer["explanation"] if s["program"] == "ASSIGNMENT")
    order = step["parameters"][0]["value"] or []
    tried = [words.pathway_short(p) for p in order]
    size = answer["family_size"]
    who = f"the family unit of {size}" if size > 1 else "the person"
    if answer["pathway"] == "UNDETERMINED":
        text = (
            f"On {answer['date']} the law tries, in this order: {', '.join(tried)}. The first "
            f"that applies to {who} cannot be decided without the facts above."
        )
    else:
        text = (
            f"On {answer['date']} the law tries, in this order: {', '.join(tried)}. The first "
            f"that applies to {who} decides: "
            f"{words.pathway_short(answer['pathway'], answer['receiving_country'])}."
        )
    return {
        "text": text,
        "references": primary_first(step["references"]),
        "rule": step["rule"],
        "because": step["because"],
    }


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
