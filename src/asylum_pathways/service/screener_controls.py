"""The screener's form controls, grouped as a caseworker fills it: the four facts every
screening needs and the port, what is known about each person, the screening outcomes (one
control per receiving country whose agreement is in force on the day), and which law to
apply. Labels and help are plain words (`determination.words`); ports are named
(`law.geo.port_sector`'s `names`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from asylum_pathways import codes
from asylum_pathways.determination import words
from asylum_pathways.params import ParameterTree
from asylum_pathways.scenarios import Scenario
from asylum_pathways.scenarios.overlay import DEFAULT
from asylum_pathways.service.screener_form import (
    DEMOGRAPHIC_WORDS,
    FEAR,
    OUTCOMES,
    PERSON_FLAGS,
    form_day,
    prefix,
)


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
