"""What the case page shows, from what the registry answers (`cases.read`, the determination
history): people and their facts, each determination with its difference from the one before,
what would change the answer (`determination.branches`, grouped as the screener groups them),
hearings with their flags and deadlines, and one timeline of everything dated."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from asylum_pathways import codes
from asylum_pathways.determination.branches import grouped

Translate = Callable[..., str]
KNOWN_FACTS = (
    "encounter_date",
    "sector",
    "port",
    "citizenship",
    "habitual_residence",
    "demographic",
    "age",
    "language",
    "claims_fear",
    "criminal_history",
    "known_health_issue",
    "returning_lpr",
    "advance_parole",
    "valid_travel_documents",
    "cbp_one_appointment",
    "mexico_fear_established",
    "compelling_circumstances_established",
    "aca_fear_established",
)


def pathway_title(t: Translate, pathway: str | None, country: str | None) -> str:
    if not pathway:
        return t("case.no_determination")
    name = codes.country_name(country) if country else t("pathway.a_partner_country")
    key = f"pathway.{pathway}"
    return t(key, country=name) if pathway in codes.PATHWAYS else pathway


def fact_label(t: Translate, name: str) -> str:
    return t(f"fact.{name}") if name in KNOWN_FACTS else name


def fact_value(
    t: Translate, name: str, value: Any, port_names: Mapping[str, str] | None = None
) -> str:
    """A fact in words, from the labels the screener and the new-case form use: a sector's and
    a country's name (`codes`), a port's (`law.geo.port_sector`), who was encountered and yes or
    no from the catalogue (English and Spanish); the code after a place's name."""
    if isinstance(value, bool):
        return t("yes") if value else t("no")
    if name in ("citizenship", "habitual_residence") and isinstance(value, str):
        return f"{codes.country_name(value)} ({value})"
    if name == "sector" and value in codes.SECTOR_NAMES:
        return f"{codes.SECTOR_NAMES[value]} ({value})"
    if name == "port" and isinstance(value, str) and value in (port_names or {}):
        return f"{(port_names or {})[value]} ({value})"
    if name == "demographic" and value in codes.DEMOGRAPHICS:
        return t(f"demographic.{value}")
    if name == "language" and isinstance(value, str):
        return codes.language_name(value)
    if isinstance(value, dict):
        return ", ".join(
            f"{codes.country_name(k)}: {t('yes') if v else t('no')}" for k, v in value.items()
        )
    return str(value)


def labels(t: Translate, people: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """Each person's label on the page: "Lead", "Rider 2", ..."""
    out = {}
    for i, p in enumerate(people, start=1):
        out[p["id"]] = t("case.lead") if p["role"] == "lead" else t("case.rider", n=i)
    return out


def view(
    t: Translate,
    case: Mapping[str, Any],
    history: Sequence[Mapping[str, Any]],
    port_names: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    who = labels(t, case["people"])
    people = []
    for p in case["people"]:
        d = p.get("determination")
        people.append(
            {
                "id": p["id"],
                "label": who[p["id"]],
                "role": p["role"],
                "name": p["name"],
                "a_number": p.get("a_number"),
                "birth_date": p.get("birth_date"),
                "address": p.get("address"),
                "facts": [
                    {"label": fact_label(t, k), "value": fact_value(t, k, v, port_names)}
                    for k, v in sorted(
                        p["facts"].items(),
                        key=lambda kv: (
                            KNOWN_FACTS.index(kv[0]) if kv[0] in KNOWN_FACTS else 99,
                            kv[0],
                        ),
                    )
                ],
                "determination": _determination(t, d) if d else None,
            }
        )
    lead = next((p for p in case["people"] if p["role"] == "lead"), case["people"][0])
    current = lead.get("determination") or {}
    answer = current.get("answer")
    hearings = [_hearing(t, h) for h in case["hearings"]]
    return {
        "id": case["id"],
        "status": case["status"],
        "lead_name": lead["name"],
        "people": people,
        "title": pathway_title(t, current.get("pathway"), current.get("receiving_country")),
        "pathway": current.get("pathway"),
        "receiving_country": current.get("receiving_country"),
        "as_of": current.get("as_of"),
        "branches": _branches(answer, who) if answer is not None else None,
        "determinations": [_history_row(t, d, who) for d in history],
        "hearings": hearings,
        "deadlines": sorted(
            (dl for h in hearings for dl in h["deadlines"]), key=lambda dl: dl["due"] or "9999"
        ),
        "timeline": timeline(t, case, history, who),
    }


def _determination(t: Translate, d: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "title": pathway_title(t, d["pathway"], d["receiving_country"]),
        "pathway": d["pathway"],
        "as_of": d["as_of"],
        "scenario": d["scenario"],
        "fingerprint": d["tree_fingerprint"][:12],
    }


def _branches(answer: Mapping[str, Any], who: Mapping[str, str]) -> list[dict[str, Any]]:
    """The branches grouped for reading, each person named by their label on the page."""

    def named(text: str) -> str:
        for pid, label in who.items():
            text = text.replace(pid, label)
        return text

    out = []
    for b in grouped(list(answer.get("branches") or [])):
        out.append(
            {
                "sentence": named(b["sentence"]) if b.get("sentence") else None,
                "title": b.get("title"),
                "condition": named(b.get("condition") or ""),
                "any": [named(c) for c in b.get("any") or []],
                "then": [
                    {"title": x["title"], "conditions": [named(c) for c in x["conditions"]]}
                    for x in b.get("then") or []
                ],
            }
        )
    return out


def _history_row(t: Translate, d: Mapping[str, Any], who: Mapping[str, str]) -> dict[str, Any]:
    diff = d.get("difference")
    lines: list[str] = []
    if diff:
        if diff["pathway"] or diff["receiving_country"]:
            before = pathway_title(
                t,
                (diff["pathway"] or {}).get("from", d["pathway"]),
                (diff["receiving_country"] or {}).get("from", d["receiving_country"]),
            )
            lines.append(
                t(
                    "case.diff_pathway",
                    before=before,
                    after=pathway_title(t, d["pathway"], d["receiving_country"]),
                )
            )
        for program, change in diff["programs"].items():
            lines.append(
                t(
                    "case.diff_program",
                    program=program,
                    before=t(f"status.{change['from'] or 'none'}"),
                    after=t(f"status.{change['to'] or 'none'}"),
                )
            )
        if diff["tree_changed"]:
            lines.append(t("case.diff_law"))
        if diff["as_of"]["from"] != diff["as_of"]["to"]:
            lines.append(
                t("case.diff_as_of", before=diff["as_of"]["from"], after=diff["as_of"]["to"])
            )
        if not lines:
            lines.append(t("case.diff_none"))
    return {
        "person": who.get(d["person_id"], ""),
        "title": pathway_title(t, d["pathway"], d["receiving_country"]),
        "as_of": d["as_of"],
        "created_at": d["created_at"],
        "trigger": t(f"trigger.{d['trigger']}") if d["trigger"] in TRIGGERS else d["trigger"],
        "current": d["current"],
        "first": diff is None,
        "differences": lines,
    }


TRIGGERS = ("facts", "redetermine", "start", "import")
FLAGS = (
    "weekend",
    "federal_holiday",
    "outside_court_hours",
    "placeholder_date",
    "notice_to_appear_only",
)


def _hearing(t: Translate, h: Mapping[str, Any]) -> dict[str, Any]:
    return {
        **h,
        "when": str(h["starts_at"]).replace("T", " "),
        "type_label": t(f"hearing.type.{h['type']}"),
        "medium_label": t(f"hearing.medium.{h['medium']}"),
        "status_label": t(f"hearing.status.{h['status']}"),
        "source_label": t(f"hearing.source.{h['source']}"),
        "flag_list": [
            {
                "label": t(f"flag.{f['flag']}") if f["flag"] in FLAGS else f["flag"],
                "because": f["because"],
            }
            for f in h["flags"]
        ],
        "deadlines": [
            {
                "due": dl.get("due"),
                "kind": t(f"deadline.{dl['kind']}") if dl["kind"] in DEADLINES else dl["kind"],
                "because": dl["because"],
                "rule": dl.get("rule"),
                "court": h["court"],
                "hearing": str(h["starts_at"]).replace("T", " "),
            }
            for dl in h["deadlines"]
        ],
    }


DEADLINES = ("filing", "mpp_report")


def timeline(
    t: Translate,
    case: Mapping[str, Any],
    history: Sequence[Mapping[str, Any]],
    who: Mapping[str, str],
) -> list[dict[str, str]]:
    """Everything dated on the case, oldest first: events, determinations, changes found when
    the law changed, hearings."""
    items: list[dict[str, str]] = [
        {"when": case["created_at"][:10], "what": t("timeline.opened")},
    ]
    for e in case["events"]:
        items.append(
            {
                "when": e["occurred_on"],
                "what": t("timeline.event", kind=e["kind"].replace("_", " ")),
            }
        )
    for d in history:
        items.append(
            {
                "when": d["created_at"][:10],
                "what": t(
                    "timeline.determined",
                    who=who.get(d["person_id"], ""),
                    title=pathway_title(t, d["pathway"], d["receiving_country"]),
                    as_of=d["as_of"],
                ),
            }
        )
    for c in case["changes"]:
        key = "timeline.changed" if c["kind"] == "changed" else "timeline.will_change"
        items.append(
            {
                "when": c["effective_on"],
                "what": t(
                    key,
                    who=who.get(c["person_id"], ""),
                    title=pathway_title(t, c["to"]["pathway"], c["to"]["receiving_country"]),
                ),
            }
        )
    for h in case["hearings"]:
        items.append(
            {
                "when": str(h["starts_at"]).replace("T", " "),
                "what": t(
                    "timeline.hearing",
                    type=t(f"hearing.type.{h['type']}"),
                    court=h["court"],
                    status=t(f"hearing.status.{h['status']}"),
                ),
            }
        )
    return sorted(items, key=lambda x: x["when"])
