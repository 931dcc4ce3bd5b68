"""A user's calendar feed: one iCalendar event (RFC 5545 VEVENT) per hearing of their
organisation's cases, and one all-day event per deadline a hearing gives (`deadline_events`),
for a role that may read cases.

- UID: from the hearing's id (random, never personal), so an event keeps its identity as the
  hearing moves; SEQUENCE: the number of changes the hearing has had (its version less one);
  DTSTAMP and LAST-MODIFIED: when it last changed (no METHOD, so DTSTAMP is that time: 3.8.7.2).
- DTSTART in UTC, converted from the local time at the court in the court's IANA zone, so the
  instant is right across a change of daylight-saving time; the local time and zone are said in
  the description. The registry holds no end time: each event lasts an hour (DURATION:PT1H).
- STATUS: CANCELLED for a vacated or superseded hearing, TENTATIVE for a scheduled one that is
  unconfirmed or flagged (`hearings.flags`), CONFIRMED otherwise.
- What an event says: the hearing's type, status, court (LOCATION), medium, time and the case's
  opaque id. Never a name, an A-number, a nationality or any encrypted field; nor the judge, the
  detained and MPP markers (a feed is fetched by calendar applications and their services).

Every read appends audit rows in the same transaction: one for the feed and one per case whose
hearings it shows, with field names only.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from sqlalchemy import select

from asylum_pathways.registry import audit, calendar_tokens, deadline_events, hearings, ical
from asylum_pathways.registry.access import require, scope
from asylum_pathways.registry.core import Registry
from asylum_pathways.registry.models import Hearing
from asylum_pathways.registry.roles import Permission, Principal

PRODID = "-//asylum-pathways//registry hearings//EN"
NAME = "Hearings (asylum-pathways registry)"
#: How often a calendar application should fetch the feed again (RFC 7986 REFRESH-INTERVAL).
REFRESH = "PT1H"
DURATION = "PT1H"
CANCELLED = ("vacated", "superseded")
TYPES = {"master": "master calendar", "individual": "individual merits"}
MEDIUMS = {"in_person": "in person", "video": "video", "telephone": "telephone"}
#: The audit row of a read names these fields of each case it shows (as `case_hearings` does).
FIELDS = ("hearings",)


def feed(reg: Registry, principal: Principal) -> bytes:
    """The caller's feed: their organisation's hearings, earliest first; audited."""
    require(principal, Permission.CASES_READ)
    with reg.db.transaction(scope(principal)) as session:
        rows = list(
            session.scalars(
                select(Hearing)
                .where(Hearing.org_id == principal.org_id)
                .order_by(Hearing.starts_at, Hearing.id)
            )
        )
        deadlines = deadline_events.events(reg, session, principal.org_id, rows, status)
        case_ids = sorted({h.case_id for h in rows})
        audit.append(
            session,
            [
                audit.Entry(
                    principal.actor,
                    principal.org_id,
                    "read",
                    "calendar",
                    principal.token_id if principal.via == calendar_tokens.VIA else None,
                    FIELDS,
                ),
                *audit.entries_for(
                    principal.actor, principal.org_id, "read", "case", case_ids, FIELDS
                ),
            ],
        )
    events = [event(reg.scenario.tree, h) for h in rows]
    return ical.document(ical.component("VCALENDAR", header(), *events, *deadlines))


def header() -> list[tuple[str, str]]:
    return [
        ("VERSION", "2.0"),
        ("PRODID", PRODID),
        ("CALSCALE", "GREGORIAN"),
        ("NAME", ical.text(NAME)),
        ("X-WR-CALNAME", ical.text(NAME)),
        ("REFRESH-INTERVAL;VALUE=DURATION", REFRESH),
        ("X-PUBLISHED-TTL", REFRESH),
    ]


def uid(hearing_id: str) -> str:
    return f"hearing-{hearing_id}@asylum-pathways"


def starts_utc(h: Hearing) -> dt.datetime:
    """The instant a hearing starts: its local time at the court, read in the court's zone (a
    time skipped by a change to daylight-saving time is read with the offset before it, and a
    time that happens twice as the clocks go back is read as the first)."""
    local = h.starts_at.replace(tzinfo=zoneinfo.ZoneInfo(h.time_zone))
    return local.astimezone(dt.UTC)


def status(tree: Any, h: Hearing) -> str:
    if h.status in CANCELLED:
        return "CANCELLED"
    if h.status == "scheduled" and (h.confirmed_by is None or _flags(tree, h)):
        return "TENTATIVE"
    return "CONFIRMED"


def _flags(tree: Any, h: Hearing) -> list[str]:
    values = {f: getattr(h, f) for f in hearings.FIELDS}
    return [f["flag"] for f in hearings.flags(tree, values)]


def summary(h: Hearing) -> str:
    kind = TYPES.get(h.type, h.type)
    said = kind if h.status == "scheduled" else f"{kind}, {h.status}"
    return f"Hearing ({said}) — case {h.case_id[:8]}"


def description(tree: Any, h: Hearing) -> str:
    kind = TYPES.get(h.type, h.type)
    state = h.status
    if h.status == "scheduled":
        state += ", confirmed" if h.confirmed_by is not None else ", not confirmed"
    lines = [
        f"{kind[0].upper()}{kind[1:]} hearing at {h.court}, "
        f"{h.starts_at:%Y-%m-%d %H:%M} {h.time_zone} (the court's time).",
        f"Medium: {MEDIUMS.get(h.medium, h.medium)}.",
        f"Status: {state}.",
    ]
    flagged = _flags(tree, h) if h.status == "scheduled" else []
    if flagged:
        lines.append(f"Check the date: {', '.join(f.replace('_', ' ') for f in flagged)}.")
    lines.append(f"Case {h.case_id} in the registry (hearing version {h.version}).")
    return "\n".join(lines)


def event(tree: Any, h: Hearing) -> list[str]:
    changed = h.updated_at or h.created_at
    return ical.component(
        "VEVENT",
        [
            ("UID", uid(h.id)),
            ("DTSTAMP", ical.utc(changed)),
            ("CREATED", ical.utc(h.created_at)),
            ("LAST-MODIFIED", ical.utc(changed)),
            ("SEQUENCE", str(max(h.version - 1, 0))),
            ("DTSTART", ical.utc(starts_utc(h))),
            ("DURATION", DURATION),
            ("SUMMARY", ical.text(summary(h))),
            ("LOCATION", ical.text(h.court)),
            ("DESCRIPTION", ical.text(description(tree, h))),
            ("STATUS", status(tree, h)),
            ("TRANSP", "OPAQUE"),
        ],
    )
