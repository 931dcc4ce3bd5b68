"""Plain words for the values and codes the report shows.

Values are printed as readers say them (lists joined, `null` as "none"), and every code
that appears in a printed value gets a glossary entry from the project's vocabularies."""

from __future__ import annotations

import re
from typing import Any

from asylum_pathways import codes

NONE = "none (not in force)"
CODE = re.compile(r"\b[A-Z][A-Z0-9_]{1,}\b")
FIXED = {
    "USBP": "US Border Patrol (between ports of entry)",
    "OFO": "CBP Office of Field Operations (at ports of entry)",
    "ACA": "Asylum Cooperative Agreement (transfer to a partner country to seek protection there)",
    "MPP": 'Migrant Protection Protocols ("Remain in Mexico"): returned to Mexico to await US '
    "immigration court hearings",
    "NTA": "Notice to appear: the charging document that starts section 240 removal proceedings",
    "CBP": "US Customs and Border Protection",
    "HHS": "US Department of Health and Human Services (custody of unaccompanied children)",
}
STATES = {"CA": "California", "AZ": "Arizona", "NM": "New Mexico", "TX": "Texas"}


def value_text(value: Any) -> str:
    """A parameter value in words: `["SA","FMUA"]` -> 'SA, FMUA'; `null` -> 'none'."""
    if value is None:
        return NONE
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, list):
        return ", ".join(value_text(v) for v in value) if value else "none"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {value_text(v)}" for k, v in value.items()) if value else "none"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def entries(texts: list[str], ports: dict[str, str]) -> list[tuple[str, str]]:
    """(code, meaning) for every known code in `texts`, plus the pathways and `none`."""
    found = {m for t in texts for m in CODE.findall(t)}
    meaning: dict[str, list[str]] = {}

    def add(code: str, text: str) -> None:
        meaning.setdefault(code, [])
        if text not in meaning[code]:
            meaning[code].append(text)

    for code, doc in codes.PATHWAY_DOCS.items():
        add(code, doc)
    for code in sorted(found):
        if code in FIXED:
            add(code, FIXED[code])
        if code in codes.SECTOR_NAMES:
            add(code, f"{codes.SECTOR_NAMES[code]} Border Patrol sector")
        if code in ports:
            add(code, f"{ports[code]} port of entry")
        if code in codes.DEMOGRAPHIC_NAMES:
            add(code, codes.DEMOGRAPHIC_NAMES[code].capitalize())
        if code in STATES:
            add(code, f"{STATES[code]} (as a state)")
        if len(code) == 2 and code in codes.countries():
            add(code, f"{codes.country_name(code)} (as a nationality or receiving country)")
    for code, text in FIXED.items():
        add(code, text)
    out = [(code, "; ".join(texts_)) for code, texts_ in sorted(meaning.items())]
    out.append(
        (
            "none",
            "The parameter has no value from that date: the rule is not in force or has ended.",
        )
    )
    return out
