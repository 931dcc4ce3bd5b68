"""The names of an agreement's parameters, built in one place.

Each Asylum Cooperative Agreement has a folder of law, `law.aca.agreements.<cc>`, and a folder
of operating assumptions, `assumptions.aca.agreements.<cc>`, where `<cc>` is the receiving
country's ISO code in lower case. Every module that names an agreement's parameter (the tree,
the rules, the simulation's ACA stage, the results folder, the screener) asks this one.

>>> law("GT", "in_force")
'law.aca.agreements.gt.in_force'
>>> assumption("SV", "annual_cap")
'assumptions.aca.agreements.sv.annual_cap'
>>> law_folder("HN")
'law.aca.agreements.hn'
>>> country_of("assumptions.aca.agreements.hn.seats_per_week")
'hn'
>>> file_path("assumptions.aca.agreements.sv.daily_limit")
'assumptions/aca/agreements/sv/daily_limit.yaml'
"""

from __future__ import annotations

#: Prefix of every agreement's law: one folder per receiving country below it.
LAW = "law.aca.agreements."
#: Prefix of every agreement's operating assumptions: one folder per receiving country.
ASSUMPTIONS = "assumptions.aca.agreements."
#: The operating assumptions every agreement needs, one file each under
#: assumptions/aca/agreements/<cc>/ (null where the country sets no such limit).
REQUIRED_ASSUMPTIONS = ("seats_per_week", "annual_cap", "daily_limit", "flight_weekdays")


def law_folder(country: str) -> str:
    """The dotted folder of the agreement with `country` (no trailing dot)."""
    return f"{LAW}{country.lower()}"


def law(country: str, leaf: str) -> str:
    """The dotted name of one parameter of the agreement with `country` (the law)."""
    return f"{law_folder(country)}.{leaf}"


def assumption(country: str, leaf: str) -> str:
    """The dotted name of one operating assumption of the agreement with `country`."""
    return f"{ASSUMPTIONS}{country.lower()}.{leaf}"


def country_of(name: str) -> str | None:
    """The folder (lower-case country code) of an agreement parameter's dotted name; None
    for a name outside both agreement folders."""
    for prefix in (LAW, ASSUMPTIONS):
        if name.startswith(prefix):
            return name[len(prefix) :].split(".")[0]
    return None


def file_path(name: str) -> str:
    """The parameter file a dotted name lives in, relative to the tree's root."""
    return name.replace(".", "/") + ".yaml"
