"""Amenability to the Migrant Protection Protocols (INA 235(b)(2)(C))."""

from __future__ import annotations

import numpy as np

from asylum_pathways import codes, tri
from asylum_pathways.params.units import MPP_EXCLUSIONS
from asylum_pathways.rules.checks import Check, Program
from asylum_pathways.rules.context import Context, pick


def _in_force(ctx: Context, prog: Program) -> np.ndarray:
    return tri.from_bool(ctx.flag("law.mpp.enrolment_in_force"))


def _not_enjoined(ctx: Context, prog: Program) -> np.ndarray:
    # Innovation Law Lab v. Wolf: an injunction operates where ordered unless stayed.
    ordered = ctx.member("law.courts.mpp_injunction.ordered_circuits", ctx.circuit, codes.CIRCUITS)
    stayed = ctx.flag("law.courts.mpp_injunction.stayed")
    return tri.from_bool(~(ordered & ~stayed))


def _location(ctx: Context, prog: Program) -> np.ndarray:
    anywhere = ctx.flag("law.mpp.all_locations")
    at_port = ctx.member("law.mpp.ports_active", ctx.enc.port, ctx.tree.ports)
    served = _sector_served(ctx)
    reached = np.where(ctx.enc.port >= 0, at_port, served)
    return tri.from_bool(anywhere | reached)


def _sector_served(ctx: Context) -> np.ndarray:
    """Is the record's sector served by a port that was returning people on its day?"""
    ports = ctx.tree.get("law.mpp.ports_active")
    served_by = ctx.tree.get("law.mpp.port_sectors_served")
    # per day on the axis: active ports (day x port) and sectors each port serves
    active = ports.member_table(ctx.tree.ports)[ports.version_index(ctx.axis)][:, :-1]
    rows = served_by.version_index(ctx.axis)
    table = served_by.keyed_member_table(ctx.tree.ports, codes.SECTORS)[:, :-1, :-1]
    by_day = np.einsum("dp,dps->ds", active, table[rows].astype(np.int8)) > 0
    by_day = np.concatenate([by_day, np.zeros((by_day.shape[0], 1), bool)], axis=1)
    return pick(by_day, ctx.rel, ctx.enc.sector)


def _nationality(ctx: Context, prog: Program) -> np.ndarray:
    return tri.from_bool(
        ctx.member("law.mpp.amenable_nationalities", ctx.enc.citizenship, codes.countries())
    )


def _language(ctx: Context, prog: Program) -> np.ndarray:
    return ctx.member_tri("law.mpp.amenable_languages", ctx.enc.language, codes.languages())


def _demographic(ctx: Context, prog: Program) -> np.ndarray:
    return tri.from_bool(
        ctx.member("law.mpp.amenable_demographics", ctx.enc.demographic, codes.DEMOGRAPHICS)
    )


def _listed(ctx: Context, category: str) -> np.ndarray:
    return ctx.listed("law.mpp.exclusions", category, MPP_EXCLUSIONS)


def _not_uac(ctx: Context, prog: Program) -> np.ndarray:
    uac = ctx.enc.demographic == codes.DEMOGRAPHICS.index("UAC")
    return tri.from_bool(~(uac & _listed(ctx, "unaccompanied_children")))


def _not_mexican(ctx: Context, prog: Program) -> np.ndarray:
    # INA 235(b)(2)(C) returns aliens to the contiguous territory they arrived from;
    # Mexico's own nationals are not "returned" to wait there.
    mexican = ctx.enc.citizenship == codes.country_index("MX")
    return tri.from_bool(~(mexican & _listed(ctx, "nationals_of_mexico")))


def _flag_exclusion(field: str, category: str):
    def check(ctx: Context, prog: Program) -> np.ndarray:
        listed = _listed(ctx, category)
        return tri.where(listed, tri.negate(ctx.enc.flags[field]), tri.T)

    return check


def _mexico_fear_not_established(ctx: Context, prog: Program) -> np.ndarray:
    # Burden on the person: absent outcome = not (yet) established.
    outcome = ctx.enc.flags["mexico_fear_established"]
    listed = _listed(ctx, "fear_of_mexico_established")
    return tri.from_bool(~(listed & (outcome == tri.T)))


GUIDING = "CBP MPP Guiding Principles (2019-01-28)"

MPP_CHECKS: tuple[Check, ...] = (
    Check(
        "mpp.enrolment_in_force",
        "Was MPP enrolling people on {date}?",
        "MPP was enrolling people on {date}",
        "MPP was not enrolling anyone on {date}",
        "",
        ("law.mpp.enrolment_in_force",),
        (),
        "INA 235(b)(2)(C); DHS memoranda of 2019-01-25 and 2021-01-20",
        _in_force,
    ),
    Check(
        "mpp.excluded_uac",
        "Is the person an unaccompanied child?",
        "not an unaccompanied child",
        "unaccompanied children are not amenable to MPP",
        "",
        ("law.mpp.exclusions",),
        ("demographic",),
        GUIDING,
        _not_uac,
    ),
    Check(
        "mpp.excluded_mexican",
        "Is the person a Mexican national?",
        "not a Mexican national",
        "Mexican nationals are not amenable to MPP",
        "",
        ("law.mpp.exclusions",),
        ("citizenship",),
        f"{GUIDING}; INA 235(b)(2)(C)",
        _not_mexican,
    ),
    Check(
        "mpp.injunction",
        "Was MPP enjoined where the person was encountered ({location}, circuit {circuit})?",
        "no injunction operated in {location} on {date}",
        "an injunction barred MPP in {location} (circuit {circuit}) on {date}",
        "",
        ("law.courts.mpp_injunction.ordered_circuits", "law.courts.mpp_injunction.stayed"),
        ("sector", "port"),
        "Innovation Law Lab v. Wolf, 951 F.3d 1073 (9th Cir. 2020); Wolf v. Innovation Law Lab (U.S. 2020-03-11)",
        _not_enjoined,
    ),
    Check(
        "mpp.location",
        "Was MPP being applied where the person was encountered ({location})?",
        "MPP returns were being made for {location} on {date}",
        "no MPP port served {location} on {date}",
        "",
        ("law.mpp.all_locations", "law.mpp.ports_active", "law.mpp.port_sectors_served"),
        ("sector", "port"),
        "DHS port-by-port expansion",
        _location,
    ),
    Check(
        "mpp.nationality",
        "Was a national of {citizenship} amenable to MPP on {date}?",
        "nationals of {citizenship} were amenable to MPP on {date}",
        "nationals of {citizenship} were not yet amenable to MPP on {date}",
        "",
        ("law.mpp.amenable_nationalities",),
        ("citizenship",),
        "DHS phased implementation",
        _nationality,
    ),
    Check(
        "mpp.language",
        "Was a speaker of {language} amenable to MPP on {date}?",
        "speakers of {language} were amenable to MPP on {date}",
        "only Spanish speakers were amenable to MPP on {date}",
        "the person's language is not given, and MPP was limited by language on {date}",
        ("law.mpp.amenable_languages",),
        ("language",),
        "DHS phased implementation",
        _language,
    ),
    Check(
        "mpp.demographic",
        "Was a {demographic} amenable to MPP on {date}?",
        "{demographic_plural} were amenable to MPP on {date}",
        "{demographic_plural} were not amenable to MPP on {date}",
        "",
        ("law.mpp.amenable_demographics",),
        ("demographic",),
        "DHS phased implementation",
        _demographic,
    ),
    Check(
        "mpp.excluded_returning_lpr",
        "Is the person a returning lawful permanent resident?",
        "not a returning LPR",
        "returning LPRs seeking admission are not amenable to MPP",
        "whether the person is a returning LPR is not known",
        ("law.mpp.exclusions",),
        ("returning_lpr",),
        GUIDING,
        _flag_exclusion("returning_lpr", "returning_lpr"),
    ),
    Check(
        "mpp.excluded_advance_parole",
        "Does the person hold advance parole or parole status?",
        "no advance parole or parole",
        "people with advance parole or in parole status are not amenable to MPP",
        "whether the person holds advance parole is not known",
        ("law.mpp.exclusions",),
        ("advance_parole",),
        GUIDING,
        _flag_exclusion("advance_parole", "advance_parole_or_parole"),
    ),
    Check(
        "mpp.excluded_health",
        "Does the person have a known physical or mental health issue?",
        "no known physical or mental health issue",
        "people with known physical or mental health issues are not amenable to MPP",
        "whether the person has a known health issue is not known",
        ("law.mpp.exclusions",),
        ("known_health_issue",),
        GUIDING,
        _flag_exclusion("known_health_issue", "known_physical_or_mental_health_issue"),
    ),
    Check(
        "mpp.excluded_criminal_history",
        "Does the person have a criminal history or history of violence?",
        "no criminal history",
        "people with a criminal history or history of violence are not amenable to MPP",
        "whether the person has a criminal history is not known",
        ("law.mpp.exclusions",),
        ("criminal_history",),
        GUIDING,
        _flag_exclusion("criminal_history", "criminal_history"),
    ),
    Check(
        "mpp.fear_of_mexico",
        "Has the person established that persecution or torture in Mexico is more likely than not?",
        "no more-likely-than-not fear of Mexico has been established",
        "the person established a more-likely-than-not fear of Mexico at a non-refoulement interview",
        "",
        ("law.mpp.exclusions",),
        ("mexico_fear_established",),
        GUIDING,
        _mexico_fear_not_established,
    ),
)

MPP_PROGRAM = Program("MPP", "MPP_RETURN", "Migrant Protection Protocols", MPP_CHECKS)
