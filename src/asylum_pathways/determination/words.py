"""Plain words for the determination's codes: pathways and facts as a caseworker says them.

The codes (`ACA_TRANSFER`, `claims_fear`) stay the data's language and the JSON's keys; these
are what a reader sees first: headlines, the "what would change the answer" sentences and
the screener's labels. Names only, never law: which countries, dates and rules apply is read
from the parameter tree.
"""

from __future__ import annotations

from dataclasses import dataclass

from asylum_pathways import codes

#: Each pathway as a headline; `{country}` is the receiving country's name.
PATHWAY_TITLES: dict[str, str] = {
    "UAC_REFERRAL": "Referral to the Office of Refugee Resettlement as an unaccompanied child",
    "TITLE42_EXPULSION": "Expulsion under Title 42, without an asylum screening",
    "ACA_TRANSFER": "Transfer to {country} under the Asylum Cooperative Agreement",
    "MPP_RETURN": "Remain in Mexico: returned to Mexico to wait for immigration court hearings",
    "EXPEDITED_REMOVAL": "Expedited removal, without a hearing",
    "CREDIBLE_FEAR": "Expedited removal with a credible-fear interview",
    "NTA_RELEASE": "Notice to appear in immigration court, and release",
    "UNDETERMINED": "Not yet decided: the answer depends on a fact not given",
    "CREDIBLE_FEAR_LAWFUL_PATHWAYS": "Credible-fear interview under the lawful-pathways rule "
    "(presumed ineligible for asylum)",
    "CREDIBLE_FEAR_ASYLUM_BAR": "Barred from asylum: screened only for withholding of removal "
    "and protection under the Convention against Torture",
    "PROCLAMATION_REMOVAL": "Removal under Proclamation 10888, without an asylum screening",
}

#: Each pathway in a sentence for a reader (codes.PATHWAY_DOCS is the schema's definition).
PATHWAY_MEANINGS: dict[str, str] = {
    "UAC_REFERRAL": "A child who arrives without a parent or legal guardian is transferred to "
    "the care of the Department of Health and Human Services and placed in regular "
    "immigration court proceedings.",
    "TITLE42_EXPULSION": "The person is expelled under the public-health order, without being "
    "processed under the immigration laws and without an asylum screening.",
    "ACA_TRANSFER": "The person cannot apply for asylum in the United States and is sent to "
    "{country} to seek protection there.",
    "MPP_RETURN": "The person is placed in immigration court proceedings and returned to Mexico "
    "to wait for the hearings.",
    "EXPEDITED_REMOVAL": "The person does not claim fear and is removed without a hearing "
    "before an immigration judge.",
    "CREDIBLE_FEAR": "The person claims fear, so an asylum officer interviews them for a "
    "credible fear of persecution or torture before any removal.",
    "NTA_RELEASE": "The person is given a notice to appear before an immigration judge and is "
    "released (or detained) in the United States while the case goes on.",
    "UNDETERMINED": "The law needs a fact the screening has not given; the facts below decide.",
    "CREDIBLE_FEAR_LAWFUL_PATHWAYS": "At the credible-fear interview the person is presumed "
    "ineligible for asylum unless an exception applies or the presumption is rebutted.",
    "CREDIBLE_FEAR_ASYLUM_BAR": "The person cannot get asylum; the interview screens only for "
    "withholding of removal and protection under the Convention against Torture.",
    "PROCLAMATION_REMOVAL": "The person is removed or repatriated without access to asylum, "
    "withholding of removal or a torture screening.",
}


#: Each pathway in a few words, for lists ("the law tries, in this order: ...").
PATHWAY_SHORT: dict[str, str] = {
    "UAC_REFERRAL": "referral as an unaccompanied child",
    "TITLE42_EXPULSION": "Title 42 expulsion",
    "ACA_TRANSFER": "transfer to {country}",
    "MPP_RETURN": "Remain in Mexico",
    "EXPEDITED_REMOVAL": "expedited removal",
    "CREDIBLE_FEAR": "credible-fear interview",
    "NTA_RELEASE": "notice to appear and release",
    "UNDETERMINED": "not yet decided",
    "CREDIBLE_FEAR_LAWFUL_PATHWAYS": "credible-fear interview under the lawful-pathways rule",
    "CREDIBLE_FEAR_ASYLUM_BAR": "asylum bar with a withholding and torture screening",
    "PROCLAMATION_REMOVAL": "removal under Proclamation 10888",
}


def pathway_short(pathway: str, receiving_country: str | None = None) -> str:
    country = codes.country_name(receiving_country) if receiving_country else "a partner country"
    return PATHWAY_SHORT.get(pathway, pathway).format(country=country)


def pathway_title(pathway: str, receiving_country: str | None = None) -> str:
    """The headline of a pathway, e.g. "Transfer to Guatemala under the Asylum Cooperative
    Agreement"."""
    country = codes.country_name(receiving_country) if receiving_country else "a partner country"
    return PATHWAY_TITLES.get(pathway, pathway).format(country=country)


def pathway_meaning(pathway: str, receiving_country: str | None = None) -> str:
    country = codes.country_name(receiving_country) if receiving_country else "a partner country"
    return PATHWAY_MEANINGS.get(pathway, "").format(country=country)


@dataclass(frozen=True)
class FactWords:
    """A fact of the record in plain words: its label and help for a form, and what it says
    when true or false (`{who}`: "the person" or a family member)."""

    label: str
    help: str
    if_true: str
    if_false: str


#: Yes/no facts and screening outcomes; `{country}` is a receiving country's name.
FACTS: dict[str, FactWords] = {
    "claims_fear": FactWords(
        "Says they fear return or want asylum",
        "Any statement of fear of return, or a request for asylum, counts.",
        "{who} claims fear or asks for asylum",
        "{who} does not claim fear",
    ),
    "valid_travel_documents": FactWords(
        "Holds a valid visa or other travel document",
        "A document that would allow lawful entry (an exception to Title 42 and to the "
        "2023-2025 asylum limits).",
        "{who} holds valid travel documents",
        "{who} holds no valid travel documents",
    ),
    "criminal_history": FactWords(
        "Has a criminal record or history of violence",
        "Known to the officers at the encounter.",
        "{who} has a criminal record",
        "{who} has no criminal record",
    ),
    "known_health_issue": FactWords(
        "Has a known physical or mental health issue",
        "Known to the officers at the encounter.",
        "{who} has a known health issue",
        "{who} has no known health issue",
    ),
    "returning_lpr": FactWords(
        "Is a lawful permanent resident returning",
        "Holds a green card and is seeking to come back in.",
        "{who} is a returning permanent resident",
        "{who} is not a returning permanent resident",
    ),
    "advance_parole": FactWords(
        "Holds advance parole or is paroled",
        "Including travel under a DHS parole process.",
        "{who} holds advance parole or parole",
        "{who} holds no parole",
    ),
    "cbp_one_appointment": FactWords(
        "Came to a port at a CBP One appointment",
        "Presented at a port of entry at a time booked through the CBP One app.",
        "{who} came at a CBP One appointment",
        "{who} came without a CBP One appointment",
    ),
    "compelling_circumstances_established": FactWords(
        "Exceptionally compelling circumstances established",
        "The outcome of that screening: a medical emergency, an imminent threat to life or "
        "safety, or trafficking. Leave empty if not screened or not established.",
        "exceptionally compelling circumstances are established{for_who}",
        "no exceptionally compelling circumstances are established{for_who}",
    ),
    "mexico_fear_established": FactWords(
        "Fear of Mexico established",
        "The outcome of the Remain in Mexico (non-refoulement) interview. Leave empty if not "
        "interviewed or not established.",
        "a fear of Mexico is established{for_who}",
        "no fear of Mexico is established{for_who}",
    ),
    "aca_fear_established": FactWords(
        "Fear of {country} established",
        "The outcome of the threshold screening before a transfer to {country}. Leave empty if "
        "not screened or not established.",
        "a fear of {country} is established{for_who}",
        "no fear of {country} is established{for_who}",
    ),
}


def condition(fact: str, value: object, who: str | None = None) -> str:
    """One condition of a branch in words, e.g. "a fear of Guatemala is established".

    `fact` is a record field, `aca_fear_established.<CC>` or `language`; `who` names the
    family member the fact is about (None: the person screened alone)."""
    subject = who or "the person"
    for_who = f" for {who}" if who else ""
    if fact == "language":
        return f"{subject} speaks {codes.language_name(str(value))}"
    name, _, country = fact.partition(".")
    words = FACTS.get(name)
    if words is None:
        return f"{fact} is {value}"
    text = words.if_true if value is True else words.if_false
    return text.format(who=subject, for_who=for_who, country=codes.country_name(country))


def fact_name(fact: str) -> str:
    """A missing fact's label, e.g. "Says they fear return or want asylum"."""
    if fact == "language":
        return "Language"
    name, _, country = fact.partition(".")
    words = FACTS.get(name)
    if words is None:
        return name.replace("_", " ")
    return words.label.format(country=codes.country_name(country) if country else "a country")


def either(conditions: list[str]) -> str:
    """ "a, b or c"."""
    if len(conditions) < 2:
        return "".join(conditions)
    return f"{', '.join(conditions[:-1])} or {conditions[-1]}"
