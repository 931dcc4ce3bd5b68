"""Limits on asylum at the southern border, 2023-2026: the lawful-pathways presumption
(88 FR 31314), Proclamation 10773's bar with its rule (89 FR 48710), and Proclamation 10888
(90 FR 8333) as the courts limited it. Every date, list and exception is read from the law
tree (law.lawful_pathways, law.securing_border, law.proclamation_10888, law.cbp_one).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from asylum_pathways import codes, tri
from asylum_pathways.params.units import ENTRY_BAR_EXCEPTIONS
from asylum_pathways.rules.checks import Check, Program
from asylum_pathways.rules.context import Context

CheckFn = Callable[[Context, Program], np.ndarray]
CLP = "law.lawful_pathways"
STB = "law.securing_border"
P88 = "law.proclamation_10888"
CBP_ONE = "law.cbp_one.appointments_available"


def _at_arrival(name: str) -> CheckFn:
    # Each limit covers people by the day they entered (were encountered).
    def check(ctx: Context, prog: Program) -> np.ndarray:
        return tri.from_bool(ctx.flag(name, at_arrival=True))

    return check


def _on_decision_day(name: str) -> CheckFn:
    # Court orders limit what officers may do on the day they decide.
    def check(ctx: Context, prog: Program) -> np.ndarray:
        return tri.from_bool(ctx.flag(name))

    return check


def _listed(ctx: Context, exceptions: str, category: str) -> np.ndarray:
    return ctx.listed(exceptions, category, ENTRY_BAR_EXCEPTIONS)


def _not_uac(exceptions: str) -> CheckFn:
    def check(ctx: Context, prog: Program) -> np.ndarray:
        uac = ctx.enc.demographic == codes.DEMOGRAPHICS.index("UAC")
        return tri.from_bool(~(uac & _listed(ctx, exceptions, "unaccompanied_children")))

    return check


def _flag_exception(exceptions: str, category: str, field: str) -> CheckFn:
    def check(ctx: Context, prog: Program) -> np.ndarray:
        listed = _listed(ctx, exceptions, category)
        return tri.where(listed, tri.negate(ctx.enc.flags[field]), tri.T)

    return check


def _port_exception(exceptions: str, category: str, field: str, gate: str | None = None) -> CheckFn:
    """Excepted if encountered at a port of entry with the fact (and, with `gate`, while the
    gate parameter was true on the arrival day); people between ports are never excepted."""

    def check(ctx: Context, prog: Program) -> np.ndarray:
        listed = _listed(ctx, exceptions, category)
        if gate is not None:
            listed = listed & ctx.flag(gate, at_arrival=True)
        at_port = ctx.enc.port >= 0
        return tri.where(listed & at_port, tri.negate(ctx.enc.flags[field]), tri.T)

    return check


def _travelled_through_third_country(ctx: Context, prog: Program) -> np.ndarray:
    # 8 CFR 208.33(a)(1)(ii): the presumption reaches those who travelled through a country
    # other than their own; nationals who reach the border directly are listed in the tree.
    direct = ctx.member(f"{CLP}.no_transit_nationalities", ctx.enc.citizenship, codes.countries())
    return tri.from_bool(~direct)


def _seeks_protection(ctx: Context, prog: Program) -> np.ndarray:
    return ctx.enc.flags["claims_fear"]


def _not_established(exceptions: str) -> CheckFn:
    # Burden on the person: an absent screening outcome means not (yet) established.
    def check(ctx: Context, prog: Program) -> np.ndarray:
        listed = _listed(ctx, exceptions, "compelling_circumstances_established")
        outcome = ctx.enc.flags["compelling_circumstances_established"]
        return tri.from_bool(~(listed & (outcome == tri.T)))

    return check


def _uac_check(prefix: str, exceptions: str, authority: str) -> Check:
    return Check(
        f"{prefix}.excluded_uac",
        "Is the person an unaccompanied child?",
        "not an unaccompanied child",
        "unaccompanied children are excepted",
        "",
        (exceptions,),
        ("demographic",),
        authority,
        _not_uac(exceptions),
    )


def _cbp_one_check(prefix: str, exceptions: str, authority: str) -> Check:
    return Check(
        f"{prefix}.cbp_one_appointment",
        "Did the person present at a port of entry at a time scheduled through CBP One?",
        "no CBP One appointment at a port of entry excepts the person",
        "presented at a port of entry at a time scheduled through CBP One, so excepted",
        "whether the person presented at a port with a CBP One appointment is not known",
        (exceptions, CBP_ONE),
        ("cbp_one_appointment",),
        authority,
        _port_exception(exceptions, "cbp_one_appointment", "cbp_one_appointment", CBP_ONE),
    )


def _fear_check(prefix: str, authority: str, passed: str, law: str) -> Check:
    """Does the person seek protection? It reads no parameter: the step cites `law`'s sources
    (the parameter that puts the rule in force)."""
    return Check(
        f"{prefix}.seeks_protection",
        "Does the person claim fear or seek asylum?",
        passed,
        "the person does not claim fear; there is no protection claim to screen",
        "whether the person claims fear is not known",
        (),
        ("claims_fear",),
        authority,
        _seeks_protection,
        cites=(law,),
    )


def _compelling_check(prefix: str, exceptions: str, authority: str) -> Check:
    return Check(
        f"{prefix}.compelling_circumstances",
        "Has the person established exceptionally compelling circumstances?",
        "no exceptionally compelling circumstances have been established",
        "the person established exceptionally compelling circumstances (medical emergency, "
        "imminent threat or trafficking)",
        "",
        (exceptions,),
        ("compelling_circumstances_established",),
        authority,
        _not_established(exceptions),
    )


# -- Circumvention of Lawful Pathways (8 CFR 208.33) ---------------------------------------
CLP_RULE = "88 FR 31314 (8 CFR 208.33, 1208.33)"
CLP_EXC = f"{CLP}.exceptions"

LAWFUL_PATHWAYS = Program(
    "LAWFUL_PATHWAYS",
    "CREDIBLE_FEAR_LAWFUL_PATHWAYS",
    "Circumvention of Lawful Pathways presumption of asylum ineligibility",
    (
        Check(
            "lawful_pathways.covered_entry",
            "Did the person enter within the rule's covered window ({arrival})?",
            "entered on {arrival}, within the rule's covered window",
            "entered on {arrival}, outside the rule's covered window",
            "",
            (f"{CLP}.applies_to_entries",),
            ("encounter_date",),
            f"{CLP_RULE}, 208.33(a)(1)(i)",
            _at_arrival(f"{CLP}.applies_to_entries"),
        ),
        _uac_check("lawful_pathways", CLP_EXC, f"{CLP_RULE}, 208.33(a)(2)(i)"),
        Check(
            "lawful_pathways.travelled_through_third_country",
            "Did a national of {citizenship} travel through a third country to the border?",
            "a national of {citizenship} travelled through a third country",
            "nationals of {citizenship} reach the southwest border without travelling through a third country",
            "",
            (f"{CLP}.no_transit_nationalities",),
            ("citizenship",),
            f"{CLP_RULE}, 208.33(a)(1)(ii)",
            _travelled_through_third_country,
        ),
        Check(
            "lawful_pathways.valid_travel_documents",
            "Does the person hold documents sufficient for lawful admission?",
            "no documents sufficient for lawful admission",
            "the presumption reaches only those who enter without documents sufficient for lawful admission",
            "whether the person holds valid travel documents is not known",
            (CLP_EXC,),
            ("valid_travel_documents",),
            f"{CLP_RULE}, 208.33(a)(1)",
            _flag_exception(CLP_EXC, "valid_travel_documents", "valid_travel_documents"),
        ),
        _cbp_one_check("lawful_pathways", CLP_EXC, f"{CLP_RULE}, 208.33(a)(2)(ii)(B)"),
        Check(
            "lawful_pathways.parole",
            "Was the person authorized to travel under a DHS parole process?",
            "not travelling under a parole process",
            "authorized to travel under a DHS-approved parole process, so excepted",
            "whether the person holds parole is not known",
            (CLP_EXC,),
            ("advance_parole",),
            f"{CLP_RULE}, 208.33(a)(2)(ii)(A)",
            _flag_exception(CLP_EXC, "parole_or_lawful_process", "advance_parole"),
        ),
        _fear_check(
            "lawful_pathways",
            f"{CLP_RULE}, 208.33(b)",
            "the person claims fear, so the presumption applies at the credible-fear screening",
            f"{CLP}.applies_to_entries",
        ),
        _compelling_check("lawful_pathways", CLP_EXC, f"{CLP_RULE}, 208.33(a)(3)"),
    ),
)

# -- Proclamation 10773 and the Securing the Border rule (8 CFR 208.35) ---------------------
STB_RULE = "Proclamation 10773 (89 FR 48487); 89 FR 48710 (8 CFR 208.35)"
STB_EXC = f"{STB}.exceptions"

SECURING_BORDER = Program(
    "PROCLAMATION_10773",
    "CREDIBLE_FEAR_ASYLUM_BAR",
    "Proclamation 10773 suspension of entry and the Securing the Border asylum bar",
    (
        Check(
            "proclamation_10773.suspension_in_effect",
            "Was the suspension of entry in effect when the person entered ({arrival})?",
            "the suspension of entry was in effect on {arrival}",
            "the suspension of entry was not in effect on {arrival}",
            "",
            (f"{STB}.suspension_in_effect",),
            ("encounter_date",),
            f"{STB_RULE}, 208.35(a)",
            _at_arrival(f"{STB}.suspension_in_effect"),
        ),
        _uac_check("proclamation_10773", STB_EXC, "Proclamation 10773 sec. 3(b)"),
        Check(
            "proclamation_10773.returning_lpr",
            "Is the person a lawful permanent resident?",
            "not a lawful permanent resident",
            "lawful permanent residents are excepted",
            "whether the person is a lawful permanent resident is not known",
            (STB_EXC,),
            ("returning_lpr",),
            "Proclamation 10773 sec. 3(b)",
            _flag_exception(STB_EXC, "returning_lpr", "returning_lpr"),
        ),
        Check(
            "proclamation_10773.valid_travel_documents",
            "Does the person hold a valid visa or other lawful permission to enter?",
            "no valid visa or other lawful permission to enter",
            "holders of valid visas or other lawful permission to enter are excepted",
            "whether the person holds valid travel documents is not known",
            (STB_EXC,),
            ("valid_travel_documents",),
            "Proclamation 10773 sec. 3(b)",
            _flag_exception(STB_EXC, "valid_travel_documents", "valid_travel_documents"),
        ),
        _cbp_one_check("proclamation_10773", STB_EXC, "Proclamation 10773 sec. 3(b)"),
        _fear_check(
            "proclamation_10773",
            f"{STB_RULE}, 235.15",
            "the person manifests fear, so a screening for withholding and CAT protection follows",
            f"{STB}.suspension_in_effect",
        ),
        _compelling_check("proclamation_10773", STB_EXC, f"{STB_RULE}, 208.35(a)(2)"),
    ),
)

# -- Proclamation 10888 (2025-01-20) and RAICES v. Noem ------------------------------------
P88_TEXT = "Proclamation 10888 (90 FR 8333), INA 212(f), 215(a)"
P88_EXC = f"{P88}.exceptions"
COURTS = "RAICES v. Noem, No. 25-cv-306 (D.D.C. 2025-07-02); D.C. Cir. order of 2025-08-01"


def _p88_checks(prefix: str) -> tuple[Check, ...]:
    return (
        Check(
            f"{prefix}.in_force",
            "Was Proclamation 10888 in force when the person entered ({arrival})?",
            "Proclamation 10888 was in force on {arrival}",
            "Proclamation 10888 was not in force on {arrival}",
            "",
            (f"{P88}.in_force",),
            ("encounter_date",),
            f"{P88_TEXT}, sec. 1",
            _at_arrival(f"{P88}.in_force"),
        ),
        Check(
            f"{prefix}.entry_covered",
            "Did the person enter between ports, or at a port without a visa or the required "
            "medical and criminal-history information?",
            "the person's entry ({location}) is one the proclamation suspends",
            "entered at a port of entry with valid travel documents, which the proclamation does "
            "not suspend",
            "entered at a port of entry, and whether the person holds valid travel documents is "
            "not known",
            (P88_EXC,),
            ("valid_travel_documents",),
            f"{P88_TEXT}, secs. 1-2",
            _port_exception(P88_EXC, "valid_travel_documents", "valid_travel_documents"),
        ),
    )


PROCLAMATION_10888 = Program(
    "PROCLAMATION_10888",
    "PROCLAMATION_REMOVAL",
    "Proclamation 10888 removal without protection screening",
    (
        *_p88_checks("proclamation_10888"),
        Check(
            "proclamation_10888.protection_screening_withheld",
            "Were people covered by the proclamation denied withholding and CAT screening on {date}?",
            "no withholding or CAT screening was given under the proclamation on {date}",
            "the courts had restored withholding and CAT screening for people on US soil by {date}",
            "",
            (f"{P88}.protection_screening_withheld",),
            (),
            f"{P88_TEXT}, sec. 3; {COURTS}",
            _on_decision_day(f"{P88}.protection_screening_withheld"),
        ),
    ),
)

PROCLAMATION_10888_ASYLUM_BAR = Program(
    "PROCLAMATION_10888_ASYLUM_BAR",
    "CREDIBLE_FEAR_ASYLUM_BAR",
    "Proclamation 10888 bar on asylum (withholding and CAT screened)",
    (
        *_p88_checks("proclamation_10888_asylum_bar"),
        Check(
            "proclamation_10888_asylum_bar.operating",
            "Was the proclamation's bar on asylum operating on {date}?",
            "the proclamation's bar on asylum was operating on {date}",
            "the proclamation's bar on asylum was not operating on {date}",
            "",
            (f"{P88}.asylum_bar_operating",),
            (),
            f"{P88_TEXT}, sec. 3; {COURTS}",
            _on_decision_day(f"{P88}.asylum_bar_operating"),
        ),
        _fear_check(
            "proclamation_10888_asylum_bar",
            f"{P88_TEXT}; {COURTS}",
            "the person claims fear, so a screening for withholding and CAT protection follows",
            f"{P88}.asylum_bar_operating",
        ),
    ),
)

ASYLUM_LIMIT_PROGRAMS = (
    PROCLAMATION_10888,
    PROCLAMATION_10888_ASYLUM_BAR,
    SECURING_BORDER,
    LAWFUL_PATHWAYS,
)
