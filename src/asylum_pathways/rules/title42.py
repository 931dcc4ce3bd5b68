"""Coverage by the CDC order under 42 U.S.C. 265 (Title 42 expulsions)."""

from __future__ import annotations

import numpy as np

from asylum_pathways import codes, tri
from asylum_pathways.params.units import TITLE42_EXCEPTIONS
from asylum_pathways.rules.checks import Check, Program
from asylum_pathways.rules.context import Context


def _in_force(ctx: Context, prog: Program) -> np.ndarray:
    # The order covers people at their encounter ("introduction"): read on the arrival day.
    return tri.from_bool(ctx.flag("law.title42.in_force", at_arrival=True))


def _expulsion_practicable(ctx: Context, prog: Program) -> np.ndarray:
    # Expulsion needs a country that takes the person (Mexico, or the home country by air).
    name = "law.title42.nationalities_not_expelled"
    return tri.from_bool(~ctx.member(name, ctx.enc.citizenship, codes.countries()))


def _uac_covered(ctx: Context, prog: Program) -> np.ndarray:
    uac = ctx.enc.demographic == codes.DEMOGRAPHICS.index("UAC")
    return tri.from_bool(~uac | ctx.flag("law.title42.covers_uac"))


def _exception(field: str):
    def check(ctx: Context, prog: Program) -> np.ndarray:
        listed = ctx.listed("law.title42.exceptions", field, TITLE42_EXCEPTIONS)
        return tri.where(listed, tri.negate(ctx.enc.flags[field]), tri.T)

    return check


ORDER = "CDC order under 42 U.S.C. 265 (85 FR 16567; 85 FR 65806)"

TITLE42_CHECKS: tuple[Check, ...] = (
    Check(
        "title42.in_force",
        "Was the Title 42 order in force when the person was encountered ({arrival})?",
        "the Title 42 order was in force on {arrival}, the day of the encounter",
        "the Title 42 order was not in force on {arrival}, the day of the encounter",
        "",
        ("law.title42.in_force",),
        (),
        ORDER,
        _in_force,
    ),
    Check(
        "title42.expulsion_practicable",
        "Could a national of {citizenship} be expelled under the order on {date}?",
        "nationals of {citizenship} could be expelled on {date}",
        "nationals of {citizenship} could not be expelled on {date} (no country accepted them), "
        "so they were processed under Title 8",
        "",
        ("law.title42.nationalities_not_expelled",),
        ("citizenship",),
        f"{ORDER}; US-Mexico arrangements on accepting expulsions",
        _expulsion_practicable,
    ),
    Check(
        "title42.uac",
        "Was the order applied to unaccompanied children on {date}?",
        "the order applied to the person on {date}",
        "unaccompanied children were not expelled under the order on {date}",
        "",
        ("law.title42.covers_uac",),
        ("demographic",),
        f"{ORDER}; P.J.E.S. v. Wolf (D.D.C. 2020-11-18); 86 FR 9942",
        _uac_covered,
    ),
    Check(
        "title42.valid_travel_documents",
        "Does the person hold valid travel documents?",
        "no valid travel documents",
        "holders of valid travel documents are excepted from the order",
        "whether the person holds valid travel documents is not known",
        ("law.title42.exceptions",),
        ("valid_travel_documents",),
        ORDER,
        _exception("valid_travel_documents"),
    ),
    Check(
        "title42.returning_lpr",
        "Is the person a lawful permanent resident?",
        "not a lawful permanent resident",
        "lawful permanent residents are excepted from the order",
        "whether the person is a lawful permanent resident is not known",
        ("law.title42.exceptions",),
        ("returning_lpr",),
        ORDER,
        _exception("returning_lpr"),
    ),
)

TITLE42_PROGRAM = Program("TITLE42", "TITLE42_EXPULSION", "Title 42 expulsion", TITLE42_CHECKS)
