"""Re-determine open cases when the law (or the as-of day) changes, in one vectorized pass.

A person's current answer was confirmed under a tree fingerprint and an as-of day. Their answer
may differ now only if (a) the tree changed and the old and new law first differ on a day on or
before the as-of day (the engine reads the law of the encounter day and of the as-of day, never a
later one), or (b) the as-of day moved across a day on which some law parameter changes. Those
people's cases (whole families) are read, decrypted and determined by ONE call of
`determination.determine_records`; every other open case is only marked as checked. Changed
answers are stored with their explanation and listed as `Change`s; then the law's future change
days within the horizon are tried too, and the cases whose answer will change are announced.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, or_, select, update
from sqlalchemy.orm import Session

from asylum_pathways.errors import UserError
from asylum_pathways.params import coverage
from asylum_pathways.registry import audit, changes, determining, law_versions
from asylum_pathways.registry.core import Registry
from asylum_pathways.registry.database import ALL
from asylum_pathways.registry.facts import record
from asylum_pathways.registry.models import (
    Case,
    Change,
    Determination,
    Person,
    RedeterminationRun,
    new_id,
)

#: Future change days tried for announcements, at most, within the horizon.
MAX_ANNOUNCE_DAYS = 12


@dataclass
class Outcome:
    run_id: str
    as_of: dt.date
    fingerprint: str
    open_people: int
    considered: int
    changed_cases: int
    summary: list[str] = field(default_factory=list)
    announced: list[str] = field(default_factory=list)
    note: str = ""
    seconds: dict[str, float] = field(default_factory=dict)

    def lines(self) -> list[str]:
        head = (
            f"re-determined {self.considered:,} of {self.open_people:,} people in open cases as of "
            f"{self.as_of.isoformat()} (law {self.fingerprint[:12]}); {self.changed_cases:,} case"
            f"{'s' if self.changed_cases != 1 else ''} changed"
        )
        return [head, *([self.note] if self.note else []), *self.summary, *self.announced]


@dataclass
class _Pending:
    people: list[tuple[str, str, str]]  # person, case, org
    records: list[dict[str, Any]]
    days: list[dt.date]
    since: dict[str, dt.date]  # person -> the day from which their answer may differ


def run(
    reg: Registry, *, as_of: dt.date | None = None, trigger: str = "cli", horizon_days: int = 365
) -> Outcome:
    import time

    clock = {"start": time.perf_counter()}
    tree = reg.scenario.tree
    note = ""
    if as_of is None:
        as_of = reg.default_as_of()
        if as_of != reg.today():
            note = (
                f"as of {as_of.isoformat()}, the last day the law tree answers for (today is "
                f"{reg.today().isoformat()}; {coverage.describe(tree)})"
            )
    else:
        coverage.check_day(tree, as_of, "--as-of")
    fp = reg.tree_fingerprint
    run_id = new_id()
    with reg.db.transaction(ALL) as session:
        law_versions.remember(session, fp, reg.scenario.name, tree)
        record_run = RedeterminationRun(
            id=run_id,
            started_at=reg.now(),
            as_of=as_of,
            fingerprint=fp,
            trigger=trigger,
            considered=0,
            changed=0,
            summary=[],
        )
        session.add(record_run)
        session.flush()
        open_people, pending = _candidates(reg, session, as_of)
        clock["read"] = time.perf_counter()
        changed_rows: list[tuple[str, str, str | None, dt.date, str]] = []
        considered = len(pending.people)
        if pending.people:
            try:
                batch = determining.determine(
                    reg, pending.records, pending.days, as_of, explain=False, source="registry"
                )
            except UserError as exc:
                raise UserError(
                    f"a stored case no longer validates under this law: {exc}", exc.problems
                ) from None
            clock["determine"] = time.perf_counter()
            changed_rows = _store(reg, session, pending, batch, run_id)
        clock["store"] = time.perf_counter()
        _mark_checked(reg, session, as_of)
        announced_rows = (
            _announce(reg, session, as_of, horizon_days, run_id) if horizon_days > 0 else []
        )
        clock["announce"] = time.perf_counter()
        summary = changes.sentences(changed_rows)
        announced = changes.sentences(announced_rows)
        changed_cases = len({r[0] for r in changed_rows})
        record_run.considered, record_run.changed = considered, changed_cases
        record_run.summary = summary + announced
        audit.append(
            session,
            [
                audit.Entry(
                    f"system:{trigger}", None, "redetermine", "run", run_id, ("determination",)
                )
            ],
        )
    end = time.perf_counter()
    marks = list(clock.items())
    seconds = {name: round(t - marks[i - 1][1], 3) for i, (name, t) in enumerate(marks) if i > 0}
    seconds["total"] = round(end - clock["start"], 3)
    return Outcome(
        run_id, as_of, fp, open_people, considered, changed_cases, summary, announced, note, seconds
    )


def _candidates(reg: Registry, session: Session, as_of: dt.date) -> tuple[int, _Pending]:
    """Open cases whose answer may differ, each with all its members."""
    fp = reg.tree_fingerprint
    tree = reg.scenario.tree
    total = (
        session.scalar(
            select(_count())
            .select_from(Person)
            .join(Case, Case.id == Person.case_id)
            .where(Case.status == "open")
        )
        or 0
    )
    stale = session.execute(
        select(Person.case_id, Person.checked_fingerprint, Person.checked_as_of)
        .join(Case, Case.id == Person.case_id)
        .where(Case.status == "open")
        .where(
            or_(
                Person.checked_fingerprint.is_(None),
                Person.checked_fingerprint != fp,
                Person.checked_as_of.is_(None),
                Person.checked_as_of != as_of,
            )
        )
    ).all()
    differ: dict[str | None, dt.date | None] = {}
    since_case: dict[str, dt.date] = {}
    law_days = law_versions.change_days(tree, dt.date.min, dt.date.max)
    for case_id, old_fp, old_as_of in stale:
        if old_fp not in differ:
            differ[old_fp] = (
                dt.date.min
                if old_fp is None
                else (
                    None if old_fp == fp else law_versions.first_difference(session, old_fp, tree)
                )
            )
        first = differ[old_fp]
        day: dt.date | None = None
        if first is not None and (old_as_of is None or max(old_as_of, as_of) >= first):
            day = first
        if old_as_of is not None and old_as_of != as_of:
            low, high = sorted((old_as_of, as_of))
            moved = [d for d in law_days if low < d <= high]
            if moved:
                day = min(day, moved[0]) if day else moved[0]
        elif old_as_of is None:
            day = day or dt.date.min
        if day is not None:
            since_case[case_id] = min(since_case.get(case_id, day), day)
    pending = _Pending([], [], [], {})
    if not since_case:
        return total, pending
    ids = sorted(since_case)
    rows: list[Any] = []
    for start in range(0, len(ids), 5000):
        rows += session.execute(
            select(
                Person.id,
                Person.case_id,
                Person.org_id,
                Person.facts_enc,
                Person.encounter_date,
                Person.position,
            ).where(Person.case_id.in_(ids[start : start + 5000]))
        ).all()
    rows.sort(key=lambda r: (r.case_id, r.position))
    sizes: dict[str, int] = defaultdict(int)
    for r in rows:
        sizes[r.case_id] += 1
    decrypt = reg.cipher.decrypt
    for r in rows:
        facts = json.loads(decrypt(r.facts_enc, "people", "facts_enc", r.id))
        pending.people.append((r.id, r.case_id, r.org_id))
        pending.records.append(record(r.id, r.case_id if sizes[r.case_id] > 1 else None, facts))
        pending.days.append(r.encounter_date)
        pending.since[r.id] = since_case[r.case_id]
    return total, pending


def _count() -> Any:
    from sqlalchemy import func

    return func.count()


def _current(
    session: Session, person_ids: list[str]
) -> dict[str, tuple[str, str | None, dict[str, Any]]]:
    out = {}
    for start in range(0, len(person_ids), 5000):
        for pid, pathway, country, statuses in session.execute(
            select(
                Determination.person_id,
                Determination.pathway,
                Determination.receiving_country,
                Determination.statuses,
            ).where(
                Determination.person_id.in_(person_ids[start : start + 5000]), Determination.current
            )
        ):
            out[pid] = (pathway, country, statuses)
    return out


def _store(
    reg: Registry, session: Session, pending: _Pending, batch: determining.Batch, run_id: str
) -> list[tuple[str, str, str | None, dt.date, str]]:
    current = _current(session, [p[0] for p in pending.people])
    changed_idx = []
    for i, ((pid, _case, _org), ans) in enumerate(zip(pending.people, batch.answers, strict=True)):
        old = current.get(pid)
        if old is None or (old[0], old[1], old[2]) != (
            ans.pathway,
            ans.receiving_country,
            ans.statuses,
        ):
            changed_idx.append(i)
    if not changed_idx:
        return []
    explained = {k: batch.explain(i) for k, i in enumerate(changed_idx)}
    determining.store(
        reg,
        session,
        [pending.people[i] for i in changed_idx],
        [batch.answers[i] for i in changed_idx],
        "law",
        run_id,
        explained,
    )
    rows = []
    change_rows = []
    cases_changed: set[str] = set()
    for i in changed_idx:
        pid, case_id, org = pending.people[i]
        ans = batch.answers[i]
        old = current.get(pid)
        if old is not None and (old[0], old[1]) == (ans.pathway, ans.receiving_country):
            continue  # a program's status changed, the pathway did not: kept, not announced
        since = pending.since[pid]
        day = since if since != dt.date.min else ans.as_of
        change_rows.append(
            {
                "id": new_id(),
                "run_id": run_id,
                "org_id": org,
                "case_id": case_id,
                "person_id": pid,
                "kind": "changed",
                "effective_on": day,
                "from_pathway": old[0] if old else None,
                "from_country": old[1] if old else None,
                "to_pathway": ans.pathway,
                "to_country": ans.receiving_country,
                "created_at": reg.now(),
            }
        )
        rows.append((case_id, ans.pathway, ans.receiving_country, day, "changed"))
        cases_changed.add(case_id)
    if change_rows:
        session.execute(insert(Change), change_rows)
    org_of = {p[1]: p[2] for p in pending.people}
    audit.append(
        session,
        [
            audit.Entry(f"system:{run_id}", org_of[c], "redetermine", "case", c, ("determination",))
            for c in sorted({pending.people[i][1] for i in changed_idx})
        ],
    )
    return rows


def _mark_checked(reg: Registry, session: Session, as_of: dt.date) -> None:
    session.execute(
        update(Person)
        .where(Person.case_id.in_(select(Case.id).where(Case.status == "open")))
        .values(checked_fingerprint=reg.tree_fingerprint, checked_as_of=as_of)
        .execution_options(synchronize_session=False)
    )


def _announce(
    reg: Registry, session: Session, as_of: dt.date, horizon_days: int, run_id: str
) -> list[tuple[str, str, str | None, dt.date, str]]:
    """Try the law's next change days: cases whose answer will change are announced (each on
    the first such day)."""
    tree = reg.scenario.tree
    last = min(reg.answerable()[1], as_of + dt.timedelta(days=horizon_days))
    days = law_versions.change_days(tree, as_of, last)[:MAX_ANNOUNCE_DAYS]
    if not days:
        return []
    rows = session.execute(
        select(
            Person.id,
            Person.case_id,
            Person.org_id,
            Person.facts_enc,
            Person.encounter_date,
            Person.position,
        )
        .join(Case, Case.id == Person.case_id)
        .where(Case.status == "open")
        .order_by(Person.case_id, Person.position)
    ).all()
    if not rows:
        return []
    sizes: dict[str, int] = defaultdict(int)
    for r in rows:
        sizes[r.case_id] += 1
    decrypt = reg.cipher.decrypt
    records = [
        record(
            r.id,
            r.case_id if sizes[r.case_id] > 1 else None,
            json.loads(decrypt(r.facts_enc, "people", "facts_enc", r.id)),
        )
        for r in rows
    ]
    encounter = [r.encounter_date for r in rows]
    current = _current(session, [r.id for r in rows])
    announced: dict[str, tuple[dt.date, str, str | None]] = {}
    out_rows = []
    for day in days:
        batch = determining.determine(
            reg, records, encounter, day, explain=False, source="registry"
        )
        for r, ans in zip(rows, batch.answers, strict=True):
            old = current.get(r.id)
            if (
                r.case_id in announced
                or old is None
                or (old[0], old[1]) == (ans.pathway, ans.receiving_country)
            ):
                continue
            announced[r.case_id] = (day, ans.pathway, ans.receiving_country)
            out_rows.append(
                {
                    "id": new_id(),
                    "run_id": run_id,
                    "org_id": r.org_id,
                    "case_id": r.case_id,
                    "person_id": r.id,
                    "kind": "announced",
                    "effective_on": day,
                    "from_pathway": old[0],
                    "from_country": old[1],
                    "to_pathway": ans.pathway,
                    "to_country": ans.receiving_country,
                    "created_at": reg.now(),
                }
            )
    if out_rows:
        session.execute(insert(Change), out_rows)
    return [(c, p, k, d, "announced") for c, (d, p, k) in announced.items()]
