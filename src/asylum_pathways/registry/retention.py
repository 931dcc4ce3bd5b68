"""Retention: a closed case is kept for its organisation's retention years after closing, then
`registry purge` deletes it (people, facts, events, hearings, determinations); `--dry-run` lists
what is due. The audit rows stay (they hold no personal data) and record each purge."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, select

from asylum_pathways.registry import audit
from asylum_pathways.registry.core import Registry
from asylum_pathways.registry.database import ALL
from asylum_pathways.registry.models import (
    CalendarDeadline,
    Case,
    Change,
    Determination,
    Event,
    Hearing,
    HearingRevision,
    Organisation,
    Person,
)


@dataclass(frozen=True)
class Due:
    case_id: str
    org: str
    closed_on: dt.date
    due_on: dt.date


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def purge(reg: Registry, *, dry_run: bool) -> list[Due]:
    today = reg.today()
    with reg.db.transaction(ALL) as session:
        rows = session.execute(
            select(Case.id, Case.closed_on, Organisation.name, Organisation.retention_years)
            .join(Organisation, Organisation.id == Case.org_id)
            .where(Case.status == "closed", Case.closed_on.is_not(None))
        ).all()
        due = []
        for cid, closed, org, years in rows:
            if closed is not None and _add_years(closed, years) <= today:
                due.append(Due(cid, org, closed, _add_years(closed, years)))
        if dry_run or not due:
            return sorted(due, key=lambda d: d.due_on)
        ids = [d.case_id for d in due]
        org_of = dict(session.execute(select(Case.id, Case.org_id).where(Case.id.in_(ids))).all())
        for start in range(0, len(ids), 1000):
            part = ids[start : start + 1000]
            hearing_ids = select(Hearing.id).where(Hearing.case_id.in_(part))
            for stmt in (
                delete(HearingRevision).where(HearingRevision.hearing_id.in_(hearing_ids)),
                delete(CalendarDeadline).where(CalendarDeadline.hearing_id.in_(hearing_ids)),
                delete(Hearing).where(Hearing.case_id.in_(part)),
                delete(Change).where(Change.case_id.in_(part)),
                delete(Determination).where(Determination.case_id.in_(part)),
                delete(Event).where(Event.case_id.in_(part)),
                delete(Person).where(Person.case_id.in_(part)),
                delete(Case).where(Case.id.in_(part)),
            ):
                session.execute(stmt.execution_options(synchronize_session=False))
        audit.append(
            session,
            [
                audit.Entry("system:purge", org_of.get(d.case_id), "purge", "case", d.case_id)
                for d in due
            ],
        )
        return sorted(due, key=lambda d: d.due_on)


def set_retention(reg: Registry, org_id: str, years: int) -> None:
    from asylum_pathways.registry.errors import invalid

    if not isinstance(years, int) or isinstance(years, bool) or not 1 <= years <= 100:
        raise invalid(
            ("retention_years",),
            "expected 1 to 100 years",
            years if isinstance(years, int) else None,
        )
    with reg.db.transaction(ALL) as session:
        org = session.get(Organisation, org_id)
        assert org is not None
        org.retention_years = years
        audit.append(
            session,
            [audit.Entry("admin", org_id, "update", "organisation", org_id, ("retention_years",))],
        )
