"""Pathway rules for people no special program takes: Title 8 processing."""

from __future__ import annotations

import numpy as np

from asylum_pathways import codes, tri
from asylum_pathways.rules.checks import Check, Program
from asylum_pathways.rules.context import Context


def _is(demographic: str):
    def check(ctx: Context, prog: Program) -> np.ndarray:
        return tri.from_bool(ctx.enc.demographic == codes.DEMOGRAPHICS.index(demographic))

    return check


def _families_released(ctx: Context, prog: Program) -> np.ndarray:
    return tri.from_bool(ctx.flag("law.title8.family_units_released"))


def _claims_fear(ctx: Context, prog: Program) -> np.ndarray:
    return ctx.enc.flags["claims_fear"]


def _no_fear(ctx: Context, prog: Program) -> np.ndarray:
    return tri.negate(ctx.enc.flags["claims_fear"])


UAC_REFERRAL = Program(
    "UAC_REFERRAL",
    "UAC_REFERRAL",
    "Referral of an unaccompanied child to HHS",
    (
        Check(
            "uac.is_unaccompanied_child",
            "Is the person an unaccompanied child?",
            "an unaccompanied child is transferred to HHS custody",
            "not an unaccompanied child",
            "",
            (),
            ("demographic",),
            "8 U.S.C. 1232(b)(3) (TVPRA)",
            _is("UAC"),
        ),
    ),
)

NTA_RELEASE = Program(
    "NTA_RELEASE",
    "NTA_RELEASE",
    "Notice to appear and release (family units)",
    (
        Check(
            "title8.is_family_unit",
            "Is the person a member of a family unit?",
            "a member of a family unit",
            "not a member of a family unit",
            "",
            (),
            ("demographic",),
            "INA 240",
            _is("FMUA"),
        ),
        Check(
            "title8.family_units_released",
            "Were family units released with a notice to appear on {date}?",
            "family units were issued a notice to appear and released on {date}",
            "family units were not released with a notice to appear on {date}",
            "",
            ("law.title8.family_units_released",),
            (),
            "Flores settlement; INA 240",
            _families_released,
        ),
    ),
)

CREDIBLE_FEAR = Program(
    "CREDIBLE_FEAR",
    "CREDIBLE_FEAR",
    "Expedited removal with a credible-fear screening",
    (
        Check(
            "title8.claims_fear",
            "Does the person claim fear or seek asylum?",
            "the person claims fear, so an asylum officer screens for credible fear",
            "the person does not claim fear",
            "whether the person claims fear is not known",
            (),
            ("claims_fear",),
            "INA 235(b)(1)(B)",
            _claims_fear,
        ),
    ),
)

EXPEDITED_REMOVAL = Program(
    "EXPEDITED_REMOVAL",
    "EXPEDITED_REMOVAL",
    "Expedited removal",
    (
        Check(
            "title8.no_fear_claim",
            "Does the person claim no fear?",
            "no fear claimed: expedited removal without a hearing",
            "the person claims fear",
            "whether the person claims fear is not known",
            (),
            ("claims_fear",),
            "INA 235(b)(1)(A)",
            _no_fear,
        ),
    ),
)

TITLE8_RULES = (UAC_REFERRAL, NTA_RELEASE, CREDIBLE_FEAR, EXPEDITED_REMOVAL)
