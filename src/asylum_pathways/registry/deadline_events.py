"""Deadlines in the calendar feed: one all-day event (RFC 5545 3.6.1, DTSTART a DATE) per
deadline a scheduled hearing gives under the law (`hearings.deadlines`: the filing deadline, the
MPP report date).

- UID: `deadline-<kind>-<hearing id>@asylum-pathways`, so the event keeps its identity as the
  hearing or the rule moves it.
- A deadline is worked out on every read (dated law), so what each event last said is kept
  (`CalendarDeadline`): when a read finds it says something else (the day moved, the hearing's
  court or status changed, the rule changed), SEQUENCE goes up by one and DTSTAMP and
  LAST-MODIFIED become that moment; an unchanged deadline reads the same, byte for byte.
- A deadline that no longer follows (the hearing vacated or held, the rule ended, a report date
  suspended until a new notice) stays in the feed as CANCELLED, with its last day.
- What an event says: the kind of deadline, its day, why (the rule's words and name) and the
  hearing it comes before (type, court, local day and time) and the case's opaque id; STATUS
  TENTATIVE when the hearing is (unconfirmed or flagged), else CONFIRMED; TRANSP TRANSPARENT
  (a deadline takes no time). Never a name, an A-number, a nationality or an encrypted value.

Concurrent reads agree: a new deadline is inserted if absent, a change is written only over the
version it was compared with (`sequence`), and the events are made from the rows as stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from asylum_pathways.registry import hearings, ical
from asylum_pathways.registry.core import Registry
from asylum_pathways.registry.models import CalendarDeadline, Hearing

KINDS = {"filing": "Filing deadline", "mpp_report": "MPP report date"}
TYPES = {"master": "master calendar", "individual": "individual merits"}
Key = tuple[str, str]  # (hearing id, kind)


def uid(hearing_id: str, kind: str) -> str:
    return f"deadline-{kind}-{hearing_id}@asylum-pathways"


def said(tree: Any, h: Hearing, deadline: dict[str, Any], status: str) -> list[list[str]]:
    """The properties of a deadline's event but its identity and stamps."""
    day = dt.date.fromisoformat(deadline["due"])
    kind = KINDS.get(deadline["kind"], deadline["kind"].replace("_", " "))
    rule = deadline.get("rule") or ""
    since = f" from {deadline['rule_from']}" if deadline.get("rule_from") else ""
    lines = [
        f"{kind}: {deadline['because']}.",
        f"Before the {TYPES.get(h.type, h.type)} hearing at {h.court}, "
        f"{h.starts_at:%Y-%m-%d %H:%M} {h.time_zone} (the court's time).",
        f"Rule: {rule}{since}.",
        f"Case {h.case_id} in the registry.",
    ]
    return [
        ["DTSTART;VALUE=DATE", f"{day:%Y%m%d}"],
        ["DTEND;VALUE=DATE", f"{day + dt.timedelta(days=1):%Y%m%d}"],
        ["SUMMARY", ical.text(f"{kind} — case {h.case_id[:8]}")],
        ["DESCRIPTION", ical.text("\n".join(lines))],
        ["STATUS", status],
        ["TRANSP", "TRANSPARENT"],
    ]


def cancelled(before: list[list[str]]) -> list[list[str]]:
    """What an event said, as cancelled."""
    return [[k, "CANCELLED" if k == "STATUS" else v] for k, v in before]


def events(
    reg: Registry,
    session: Session,
    org_id: str,
    rows: Sequence[Hearing],
    status_of: Callable[[Any, Hearing], str],
) -> list[list[str]]:
    """The deadline events of hearings `rows` (one organisation's), earliest first; what they
    say is compared with what was kept and the changes are kept, in `session`."""
    tree = reg.scenario.tree
    now: dict[Key, list[list[str]]] = {}
    for h in rows:
        values = {f: getattr(h, f) for f in hearings.FIELDS}
        status = "TENTATIVE" if status_of(tree, h) == "TENTATIVE" else "CONFIRMED"
        for d in hearings.deadlines(tree, values):
            if d.get("due"):
                now[(h.id, d["kind"])] = said(tree, h, d, status)
    kept = _kept(session, org_id)
    stamp = reg.now()
    fresh = [k for k in now if k not in kept]
    for start in range(0, len(fresh), 1000):
        _insert(session, org_id, fresh[start : start + 1000], now, stamp)
    changed = False
    for key, row in kept.items():
        wanted = now.get(key) or cancelled(row.said)
        if wanted != row.said:
            changed = True
            session.execute(
                update(CalendarDeadline)
                .where(
                    CalendarDeadline.hearing_id == key[0],
                    CalendarDeadline.kind == key[1],
                    CalendarDeadline.sequence == row.sequence,
                )
                .values(said=wanted, sequence=row.sequence + 1, changed_at=stamp)
                .execution_options(synchronize_session=False)
            )
    if fresh or changed:
        kept = _kept(session, org_id)
    ordered = sorted(kept.values(), key=lambda r: (_day(r.said), r.hearing_id, r.kind))
    return [_event(r) for r in ordered]


def _kept(session: Session, org_id: str) -> dict[Key, CalendarDeadline]:
    return {
        (r.hearing_id, r.kind): r
        for r in session.scalars(
            select(CalendarDeadline)
            .where(CalendarDeadline.org_id == org_id)
            .execution_options(populate_existing=True)
        )
    }


def _insert(
    session: Session,
    org_id: str,
    keys: Sequence[Key],
    now: dict[Key, list[list[str]]],
    stamp: dt.datetime,
) -> None:
    """New deadlines; one that a concurrent read has just kept is left as it kept it."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(CalendarDeadline)
        .values(
            [
                {
                    "hearing_id": h,
                    "kind": k,
                    "org_id": org_id,
                    "said": now[(h, k)],
                    "sequence": 0,
                    "created_at": stamp,
                    "changed_at": stamp,
                }
                for h, k in keys
            ]
        )
        .on_conflict_do_nothing(index_elements=["hearing_id", "kind"])
    )


def _day(properties: list[list[str]]) -> str:
    return next(v for k, v in properties if k.startswith("DTSTART"))


def _event(r: CalendarDeadline) -> list[str]:
    return ical.component(
        "VEVENT",
        [
            ("UID", uid(r.hearing_id, r.kind)),
            ("DTSTAMP", ical.utc(r.changed_at)),
            ("CREATED", ical.utc(r.created_at)),
            ("LAST-MODIFIED", ical.utc(r.changed_at)),
            ("SEQUENCE", str(r.sequence)),
            *((k, v) for k, v in r.said),
        ],
    )
