"""Amenability to transfer under an Asylum Cooperative Agreement (one program per partner).

Every agreement is read from its own folder law.aca.agreements.<cc>; the code does not
know which countries exist.
"""

from __future__ import annotations

import numpy as np

from asylum_pathways import codes, tri
from asylum_pathways.params import ParameterTree
from asylum_pathways.params.units import ACA_EXCLUSIONS
from asylum_pathways.rules.checks import Check, Program
from asylum_pathways.rules.context import Context

A = "{agreement}"


def _ifr_applies(ctx: Context, prog: Program) -> np.ndarray:
    # The rule applies only to arrivals on or after its effective date (84 FR 64010).
    return tri.from_bool(ctx.flag("law.aca.ifr_in_force", at_arrival=True))


def _in_force(ctx: Context, prog: Program) -> np.ndarray:
    return tri.from_bool(ctx.flag(prog.param(f"{A}.in_force")))


def _transfers_operating(ctx: Context, prog: Program) -> np.ndarray:
    return tri.from_bool(ctx.flag(prog.param(f"{A}.transfers_operating")))


def _location(ctx: Context, prog: Program) -> np.ndarray:
    name = prog.param(f"{A}.implementing_sectors")
    return tri.from_bool(ctx.member(name, ctx.location_sector, codes.SECTORS))


def _nationality(ctx: Context, prog: Program) -> np.ndarray:
    name = prog.param(f"{A}.amenable_nationalities")
    return tri.from_bool(ctx.member(name, ctx.enc.citizenship, codes.countries()))


def _demographic(ctx: Context, prog: Program) -> np.ndarray:
    name = prog.param(f"{A}.amenable_demographics")
    return tri.from_bool(ctx.member(name, ctx.enc.demographic, codes.DEMOGRAPHICS))


def _excluded(ctx: Context, prog: Program, category: str) -> np.ndarray:
    return ctx.listed(prog.param(f"{A}.exclusions"), category, ACA_EXCLUSIONS)


def _not_national(ctx: Context, prog: Program) -> np.ndarray:
    # Agreement art. 2: not the receiving country's own nationals.
    own = codes.country_index(prog.country or "")
    hit = (ctx.enc.citizenship == own) & _excluded(ctx, prog, "nationals_of_receiving_country")
    return tri.from_bool(~hit)


def _not_stateless_resident(ctx: Context, prog: Program) -> np.ndarray:
    # Agreement art. 2: not stateless persons habitually resident in the receiving country.
    own = codes.country_index(prog.country or "")
    stateless = ctx.enc.citizenship == codes.country_index(codes.STATELESS)
    applies = stateless & _excluded(ctx, prog, "stateless_habitual_residents_of_receiving_country")
    residence = ctx.enc.habitual_residence
    out = tri.where(applies & (residence == own), tri.F, tri.T)
    return tri.where(applies & (residence < 0), tri.U, out)


def _not_uac(ctx: Context, prog: Program) -> np.ndarray:
    # Agreement art. 4: the US determines the claims of unaccompanied children.
    uac = ctx.enc.demographic == codes.DEMOGRAPHICS.index("UAC")
    return tri.from_bool(~(uac & _excluded(ctx, prog, "unaccompanied_children")))


def _not_criminal(ctx: Context, prog: Program) -> np.ndarray:
    # Some 2025 partners accept no one with a criminal record (e.g. Uganda's conditions).
    listed = _excluded(ctx, prog, "criminal_history")
    return tri.where(listed, tri.negate(ctx.enc.flags["criminal_history"]), tri.T)


def _seeks_protection(ctx: Context, prog: Program) -> np.ndarray:
    # The threshold screening (8 CFR 208.30(e)(7)) is for people who seek protection.
    return ctx.enc.flags["claims_fear"]


def _fear_not_established(ctx: Context, prog: Program) -> np.ndarray:
    # 8 CFR 208.30(e)(7): no transfer for one who establishes persecution or torture in the
    # receiving country is more likely than not. The burden is on the person: an absent
    # outcome means not (yet) established.
    outcome = ctx.enc.aca_fear.get(prog.country or "")
    if outcome is None:
        return np.full(ctx.enc.n, tri.T, dtype=np.int8)
    applies = _excluded(ctx, prog, "fear_of_receiving_country_established")
    return tri.from_bool(~(applies & (outcome == tri.T)))


ACA_CHECKS: tuple[Check, ...] = (
    Check(
        "aca.ifr_applies",
        "Does the ACA interim final rule apply to someone who arrived on {arrival}?",
        "arrived on {arrival}, on or after the rule's effective date",
        "arrived on {arrival}, before the rule applied (it applies only prospectively)",
        "",
        ("law.aca.ifr_in_force",),
        ("encounter_date",),
        "84 FR 63994, 64010 (8 CFR 208.30(e)(7))",
        _ifr_applies,
    ),
    Check(
        "aca.agreement_in_force",
        "Was the agreement with {country} in force on {date}?",
        "the agreement with {country} was in force on {date}",
        "the agreement with {country} was not in force on {date}",
        "",
        (f"{A}.in_force",),
        (),
        "the agreement's entry-into-force clause",
        _in_force,
    ),
    Check(
        "aca.transfers_operating",
        "Were transfers to {country} operating on {date}?",
        "transfers to {country} were operating on {date}",
        "no transfers to {country} were operating on {date}",
        "",
        (f"{A}.transfers_operating",),
        (),
        "implementation of the agreement",
        _transfers_operating,
    ),
    Check(
        "aca.excluded_national",
        "Is the person a national of {country}?",
        "not a national of {country}",
        "nationals of {country} are excluded from transfer to their own country",
        "",
        (f"{A}.exclusions",),
        ("citizenship",),
        "ACA art. 2",
        _not_national,
    ),
    Check(
        "aca.excluded_stateless_resident",
        "Is the person a stateless habitual resident of {country}?",
        "not a stateless habitual resident of {country}",
        "stateless habitual residents of {country} are excluded",
        "stateless, and the country of habitual residence is not given",
        (f"{A}.exclusions",),
        ("citizenship", "habitual_residence"),
        "ACA art. 2",
        _not_stateless_resident,
    ),
    Check(
        "aca.excluded_uac",
        "Is the person an unaccompanied child?",
        "not an unaccompanied child",
        "unaccompanied children are excluded: the US determines their claims",
        "",
        (f"{A}.exclusions",),
        ("demographic",),
        "ACA art. 4",
        _not_uac,
    ),
    Check(
        "aca.excluded_criminal_history",
        "Does the person have a criminal record, which {country} does not accept?",
        "no criminal record, or {country} does not exclude people with one",
        "{country} does not accept people with a criminal record",
        "whether the person has a criminal record is not known",
        (f"{A}.exclusions",),
        ("criminal_history",),
        "the agreement's conditions of acceptance",
        _not_criminal,
    ),
    Check(
        "aca.location",
        "Was the agreement being applied where the person was encountered ({location})?",
        "the agreement was being applied in {location}",
        "the agreement was not being applied in {location} on {date}",
        "",
        (f"{A}.implementing_sectors",),
        ("sector", "port"),
        "USCIS phased implementation",
        _location,
    ),
    Check(
        "aca.nationality",
        "Is a national of {citizenship} amenable to transfer to {country}?",
        "nationals of {citizenship} were amenable to transfer to {country} on {date}",
        "nationals of {citizenship} were not amenable to transfer to {country} on {date}",
        "",
        (f"{A}.amenable_nationalities",),
        ("citizenship",),
        "USCIS amenable-population guidance",
        _nationality,
    ),
    Check(
        "aca.demographic",
        "Is a {demographic} amenable to transfer to {country}?",
        "{demographic_plural} were amenable to transfer to {country} on {date}",
        "{demographic_plural} were not amenable to transfer to {country} on {date}",
        "",
        (f"{A}.amenable_demographics",),
        ("demographic",),
        "USCIS phased implementation",
        _demographic,
    ),
    Check(
        "aca.seeks_protection",
        "Does the person seek protection (claim fear or asylum)?",
        "the person seeks protection, so the threshold screening applies",
        "the person does not seek protection; there is no claim to transfer",
        "whether the person claims fear is not known",
        (),
        ("claims_fear",),
        "8 CFR 208.30(e)(7)",
        _seeks_protection,
        cites=("law.aca.ifr_in_force",),  # the interim final rule that wrote 208.30(e)(7)
    ),
    Check(
        "aca.fear_established",
        "Has the person established that persecution or torture in {country} is more likely than not?",
        "the person has not established a more-likely-than-not fear of {country}",
        "the person established a more-likely-than-not fear of {country} at the threshold screening",
        "",
        (f"{A}.exclusions",),
        ("aca_fear_established",),
        "8 CFR 208.30(e)(7)",
        _fear_not_established,
    ),
)


def aca_programs(tree: ParameterTree) -> list[Program]:
    """One program per receiving country with a folder in the parameter tree."""
    return [
        Program(
            key=f"ACA_{cc}",
            pathway="ACA_TRANSFER",
            label=f"Asylum Cooperative Agreement with {codes.country_name(cc)}",
            checks=ACA_CHECKS,
            country=cc,
        )
        for cc in tree.receiving_countries()
    ]
