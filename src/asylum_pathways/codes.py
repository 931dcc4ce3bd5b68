"""Vocabularies of the encounter record and the parameter tree.

Each vocabulary is a tuple; a value's position is its integer code in columnar tables.
Legal content (which countries, which dates) never lives here: only the names of things.
"""

from __future__ import annotations

import json
from bisect import bisect_left
from functools import cache
from importlib.util import find_spec
from pathlib import Path

#: USBP Southwest Border sectors (https://www.cbp.gov/border-security/along-us-borders/border-patrol-sectors).
SECTORS: tuple[str, ...] = ("SDC", "ELC", "YUM", "TCA", "EPT", "BBT", "DRT", "LRT", "RGV")
SECTOR_NAMES: dict[str, str] = {
    "SDC": "San Diego",
    "ELC": "El Centro",
    "YUM": "Yuma",
    "TCA": "Tucson",
    "EPT": "El Paso",
    "BBT": "Big Bend",
    "DRT": "Del Rio",
    "LRT": "Laredo",
    "RGV": "Rio Grande Valley",
}

#: Demographic groups as CBP counts them.
DEMOGRAPHICS: tuple[str, ...] = ("UAC", "FMUA", "SA")
DEMOGRAPHIC_NAMES: dict[str, str] = {
    "UAC": "unaccompanied alien child",
    "FMUA": "member of a family unit",
    "SA": "single adult",
}

#: Pathways a determination can assign. UNDETERMINED means a missing fact decides it.
PATHWAYS: tuple[str, ...] = (
    "UAC_REFERRAL",
    "TITLE42_EXPULSION",
    "ACA_TRANSFER",
    "MPP_RETURN",
    "EXPEDITED_REMOVAL",
    "CREDIBLE_FEAR",
    "NTA_RELEASE",
    "UNDETERMINED",
    "CREDIBLE_FEAR_LAWFUL_PATHWAYS",
    "CREDIBLE_FEAR_ASYLUM_BAR",
    "PROCLAMATION_REMOVAL",
)
PATHWAY_DOCS: dict[str, str] = {
    "UAC_REFERRAL": "Unaccompanied child transferred to HHS/ORR custody and placed in section 240 "
    "proceedings (TVPRA, 8 U.S.C. 1232).",
    "TITLE42_EXPULSION": "Expelled under the CDC order made under 42 U.S.C. 265, without Title 8 "
    "processing.",
    "ACA_TRANSFER": "Barred from asylum in the US and removed to an ACA partner country to seek "
    "protection there (INA 208(a)(2)(A); 8 CFR 208.30(e)(7)); `receiving_country` names it.",
    "MPP_RETURN": "Placed in section 240 proceedings and returned to Mexico to await hearings "
    "(INA 235(b)(2)(C)).",
    "EXPEDITED_REMOVAL": "Removed under INA 235(b)(1) without a hearing (no fear claimed).",
    "CREDIBLE_FEAR": "Expedited removal with a credible-fear screening because the person claims "
    "fear (INA 235(b)(1)(B)).",
    "NTA_RELEASE": "Issued a notice to appear (section 240 proceedings) and released or detained "
    "in the US.",
    "UNDETERMINED": "The answer depends on a fact the record does not give; the explanation "
    "names it.",
    "CREDIBLE_FEAR_LAWFUL_PATHWAYS": "Expedited removal with a credible-fear screening at which "
    "the Circumvention of Lawful Pathways rule presumes the person ineligible for asylum "
    "(8 CFR 208.33; 88 FR 31314).",
    "CREDIBLE_FEAR_ASYLUM_BAR": "Expedited removal; the person is barred from asylum and is "
    "screened only for withholding of removal and CAT protection (8 CFR 208.35 under "
    "Proclamation 10773, or Proclamation 10888 as the courts limited it).",
    "PROCLAMATION_REMOVAL": "Removed or repatriated under Proclamation 10888 (INA 212(f), 215(a)) "
    "without access to asylum, withholding of removal or CAT screening.",
}

#: US states that hold southwest-border sectors and ports.
STATES: tuple[str, ...] = ("CA", "AZ", "NM", "TX")
#: Federal judicial circuits (28 U.S.C. 41).
CIRCUITS: tuple[str, ...] = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "DC", "FED")

#: ISO 3166-1 alpha-2 code used for stateless persons (a user-assigned code).
STATELESS = "XX"


@cache
def _iso() -> dict[str, dict[str, str]]:
    """Names of ISO 3166-1 countries and ISO 639-1 languages by alpha-2 code, from pycountry.

    Kept in the on-disk cache (`asylum_pathways.cache`), keyed by the pycountry databases
    they come from (found without importing pycountry or reading package metadata, which
    cost 0.2 s and 0.06 s per process)."""
    from asylum_pathways import cache

    spec = find_spec("pycountry")
    if spec is None or spec.origin is None:
        raise RuntimeError("pycountry is not installed")
    databases = Path(spec.origin).parent / "databases"
    digest = cache.key(
        [
            "iso-codes",
            *cache.sources(databases / "iso3166-1.json", databases / "iso639-3.json"),
            Path(__file__).read_bytes(),
        ]
    )
    return cache.cached(
        "iso-codes", digest, _from_pycountry, lambda v: json.dumps(v).encode(), json.loads
    )


def _from_pycountry() -> dict[str, dict[str, str]]:
    import pycountry

    return {
        "countries": {c.alpha_2: c.name for c in pycountry.countries},
        "languages": {
            lang.alpha_2: lang.name for lang in pycountry.languages if hasattr(lang, "alpha_2")
        },
    }


@cache
def countries() -> tuple[str, ...]:
    """ISO 3166-1 alpha-2 codes, sorted, plus XX for stateless persons."""
    return tuple(sorted([*_iso()["countries"], STATELESS]))


@cache
def languages() -> tuple[str, ...]:
    """ISO 639-1 two-letter language codes, sorted."""
    return tuple(sorted(_iso()["languages"]))


def country_index(code: str) -> int:
    """Where `code` is in `countries()` (what `countries().index(code)` answers, by bisection:
    they are sorted); ValueError when it is not there."""
    return _position(countries(), code)


def language_index(code: str) -> int:
    """Where `code` is in `languages()`, by bisection; ValueError when it is not there."""
    return _position(languages(), code)


def _position(sorted_codes: tuple[str, ...], code: str) -> int:
    i = bisect_left(sorted_codes, code)
    if i == len(sorted_codes) or sorted_codes[i] != code:
        raise ValueError(f"{code!r} is not in the codes")
    return i


def country_name(code: str) -> str:
    if code == STATELESS:
        return "stateless"
    return _iso()["countries"].get(code.upper(), code)


def language_name(code: str) -> str:
    return _iso()["languages"].get(code.lower(), code)
