"""Re-determine open cases when the law (or the as-of day) changes, in one vectorized pass.

A person's current answer holds under a law (tree fingerprint) and an as-of day: those of their
current determination, or of the latest run if that is newer (a run considers every open case,
so a person it left alone was confirmed by it). Their answer may differ now only if (a) the law
changed and the old and new law first differ on or before the as-of day (the engine reads the
law of the encounter day and of the as-of day, never a later one), or (b) the as-of day moved
across a day on which some law parameter changes. Those people's cases (whole families) are
decrypted and determined by ONE call of `determination.determine_records`, compared with their
current answers as columns, and the changed answers stored; changes of pathway are listed as
`Change`s and said in words. Explanations of the new answers are built when a case is next read
(`cases`), not here. Then the law's future change days within the horizon are tried, and the cases
whose answer will change are announced.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select
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
Row = tuple[str, str, str | None, dt.date, str]  # case, pathway, country, day, kind


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
class _Open:
    """Every person of an open case, with their current answer and what it holds under."""

    person: list[str] = field(default_factory=list)
    case: list[str] = field(default_factory=list)
    org: list[str] = field(default_factory=list)
    facts_enc: list[str] = field(default_factory=list)
    encounter: list[dt.date] = field(default_factory=list)
    current: list[tuple[str, str | None, str] | None] = field(default_factory=list)
    held: list[tuple[str | None, dt.date | None]] = field(default_factory=list)
    size: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def run(
    reg: Registry, *, as_of: dt.date | None = None, trigger: str = "cli", horizon_days: int = 365
) -> Outcome:
    marks = [("start", time.perf_counter())]
    tree = reg.scenario.tree
    as_of, note = _as_of(reg, as_of)
    fp = reg.tree_fingerprint
    run_id = new_id()
    with reg.db.transaction(ALL) as session:
        law_versions.remember(session, fp, reg.scenario.name, tree)
        last = session.execute(
            select(
                RedeterminationRun.fingerprint,
                RedeterminationRun.as_of,
                RedeterminationRun.started_at,
            )
            .order_by(RedeterminationRun.started_at.desc())
            .limit(1)
        ).first()
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
        people = _open_people(session, last)
        since = _candidates(reg, session, people, as_of)
        idx = [i for i, c in enumerate(people.case) if c in since]
        records, decrypted = _records(reg, people, idx)
        marks.append(("read", time.perf_counter()))
        changed_rows: list[Row] = []
        if idx:
            batch = _determine(reg, records, [people.encounter[i] for i in idx], as_of)
            marks.append(("determine", time.perf_counter()))
            changed_rows = _store(reg, session, people, idx, batch, since, run_id)
        marks.append(("store", time.perf_counter()))
        announced_rows = (
            _announce(reg, session, people, decrypted, as_of, horizon_days, run_id)
            if horizon_days > 0
            else []
        )
        marks.append(("announce", time.perf_counter()))
        summary, announced = changes.sentences(changed_rows), changes.sentences(announced_rows)
        changed_cases = len({r[0] for r in changed_rows})
        record_run.considered, record_run.changed = len(idx), changed_cases
        record_run.summary = summary + announced
        audit.append(
            session,
            [
                audit.Entry(
                    f"system:{trigger}", None, "redetermine", "run", run_id, ("determination",)
                )
            ],
        )
    seconds = {name: round(t - marks[i - 1][1], 3) for i, (name, t) in enumerate(marks) if i > 0}
    seconds["total"] = round(time.perf_counter() - marks[0][1], 3)
    return Outcome(
        run_id,
        as_of,
        fp,
        len(people.person),
        len(idx),
        changed_cases,
        summary,
        announced,
        note,
        seconds,
    )


def _as_of(reg: Registry, as_of: dt.date | None) -> tuple[dt.date, str]:
    """The day to determine as of (checked against the tree), and a note when it is not today."""
    tree = reg.scenario.tree
    if as_of is not None:
        coverage.check_day(tree, as_of, "--as-of")
        return as_of, ""
    day = reg.default_as_of()
    if day == reg.today():
        return day, ""
    return day, (
        f"as of {day.isoformat()}, the last day the law tree answers for (today is "
        f"{reg.today().isoformat()}; {coverage.describe(tree)})"
    )


def _determine(
    reg: Registry, records: list[dict[str, Any]], days: list[dt.date], as_of: dt.date
) -> determining.Batch:
    """The candidates, by ONE call of the entry point (two when some were encountered later)."""
    try:
        return determining.determine(reg, records, days, as_of, explain=False, source="registry")
    except UserError as exc:
        raise UserError(
            f"a stored case no longer validates under this law: {exc}", exc.problems
        ) from None


def _open_people(session: Session, last: Any) -> _Open:
    """One query: every person of an open case, their encrypted facts and current answer."""
    out = _Open()
    rows = session.execute(
        select(
            Person.id,
            Person.case_id,
            Person.org_id,
            Person.facts_enc,
            Person.encounter_date,
            Determination.pathway,
            Determination.receiving_country,
            Determination.status_codes,
            Determination.fingerprint,
            Determination.as_of,
            Determination.created_at,
        )
        .join(Case, Case.id == Person.case_id)
        .outerjoin(Determination, (Determination.person_id == Person.id) & Determination.current)
        .where(Case.status == "open")
        .order_by(Person.case_id, Person.position)
    )
    for pid, case, org, enc, day, pathway, country, codes_, d_fp, d_as_of, d_at in rows:
        out.person.append(pid)
        out.case.append(case)
        out.org.append(org)
        out.facts_enc.append(enc)
        out.encounter.append(day)
        out.size[case] += 1
        out.current.append((pathway, country, codes_) if pathway is not None else None)
        if last is not None and (d_at is None or d_at < last.started_at):
            out.held.append((last.fingerprint, last.as_of))  # confirmed by the latest run
        else:
            out.held.append((d_fp, d_as_of))
    return out


def _candidates(
    reg: Registry, session: Session, people: _Open, as_of: dt.date
) -> dict[str, dt.date]:
    """Cases whose answer may differ, each with the first day it may differ from."""
    fp = reg.tree_fingerprint
    law_days = law_versions.change_days(reg.scenario.tree, dt.date.min, dt.date.max)
    differ: dict[str | None, dt.date | None] = {}
    seen: dict[tuple[str | None, dt.date | None], dt.date | None] = {}
    since: dict[str, dt.date] = {}
    for case, held in zip(people.case, people.held, strict=True):
        if held not in seen:
            old_fp, old_as_of = held
            if old_fp not in differ:
                differ[old_fp] = (
                    dt.date.min
                    if old_fp is None
                    else (
                        None
                        if old_fp == fp
                        else law_versions.first_difference(session, old_fp, reg.scenario.tree)
                    )
                )
            first = differ[old_fp]
            day: dt.date | None = None
            if old_as_of is None:
                day = dt.date.min
            else:
                if first is not None and max(old_as_of, as_of) >= first:
                    day = first
                if old_as_of != as_of:
                    low, high = sorted((old_as_of, as_of))
                    moved = [d for d in law_days if low < d <= high]
                    if moved:
                        day = min(day, moved[0]) if day else moved[0]
            seen[held] = day
        day = seen[held]
        if day is not None:
            since[case] = min(since.get(case, day), day)
    return since


def _records(
    reg: Registry, people: _Open, idx: list[int]
) -> tuple[list[dict[str, Any]], dict[int, dict[str, Any]]]:
    decrypt = reg.cipher.decrypt
    facts: dict[int, dict[str, Any]] = {}
    out = []
    for i in idx:
        f = json.loads(decrypt(people.facts_enc[i], "people", "facts_enc", people.person[i]))
        facts[i] = f
        case = people.case[i]
        out.append(record(people.person[i], case if people.size[case] > 1 else None, f))
    return out, facts


def _store(
    reg: Registry,
    session: Session,
    people: _Open,
    idx: list[int],
    batch: determining.Batch,
    since: dict[str, dt.date],
    run_id: str,
) -> list[Row]:
    changed = [j for j, i in enumerate(idx) if people.current[i] != batch.key(j)]
    if not changed:
        return []
    refs = [(people.person[idx[j]], people.case[idx[j]], people.org[idx[j]]) for j in changed]
    determining.store(reg, session, refs, batch, changed, "law", run_id)
    rows: list[Row] = []
    change_rows = []
    now = reg.now()
    for j in changed:
        i = idx[j]
        old = people.current[i]
        new = (batch.pathway[j], batch.receiving_country[j])
        if old is not None and (old[0], old[1]) == new:
            continue  # a program's status changed, the pathway did not: stored, not listed
        first = since[people.case[i]]
        day = first if first != dt.date.min else batch.as_of[j]
        change_rows.append(
            {
                "id": new_id(),
                "run_id": run_id,
                "org_id": people.org[i],
                "case_id": people.case[i],
                "person_id": people.person[i],
                "kind": "changed",
                "effective_on": day,
                "from_pathway": old[0] if old else None,
                "from_country": old[1] if old else None,
                "to_pathway": new[0],
                "to_country": new[1],
                "created_at": now,
            }
        )
        rows.append((people.case[i], new[0], new[1], day, "changed"))
    if change_rows:
        session.execute(insert(Change), change_rows)
    touched = sorted({(people.case[idx[j]], people.org[idx[j]]) for j in changed})
    audit.append(
        session,
        [
            audit.Entry(f"system:{run_id}", org, "redetermine", "case", case, ("determination",))
            for case, org in touched
        ],
    )
    return rows


def _announce(
    reg: Registry,
    session: Session,
    people: _Open,
    decrypted: dict[int, dict[str, Any]],
    as_of: dt.date,
    horizon_days: int,
    run_id: str,
) -> list[Row]:
    """Try the law's next change days: cases whose answer will change are announced (each on
    the first such day), against the answers just stored."""
    tree = reg.scenario.tree
    last = min(reg.answerable()[1], as_of + dt.timedelta(days=horizon_days))
    days = law_versions.change_days(tree, as_of, last)[:MAX_ANNOUNCE_DAYS]
    if not days or not people.person:
        return []
    every = list(range(len(people.person)))
    missing = [i for i in every if i not in decrypted]
    if missing:
        decrypted.update(_records(reg, people, missing)[1])
    records = [
        record(
            people.person[i],
            people.case[i] if people.size[people.case[i]] > 1 else None,
            decrypted[i],
        )
        for i in every
    ]
    now_batch = determining.determine(
        reg, records, people.encounter, as_of, explain=False, source="registry"
    )
    announced: dict[str, tuple[dt.date, str, str | None]] = {}
    out_rows = []
    for day in days:
        batch = determining.determine(
            reg, records, people.encounter, day, explain=False, source="registry"
        )
        for i in every:
            case = people.case[i]
            new = (batch.pathway[i], batch.receiving_country[i])
            old = (now_batch.pathway[i], now_batch.receiving_country[i])
            if case in announced or new == old:
                continue
            announced[case] = (day, new[0], new[1])
            out_rows.append(
                {
                    "id": new_id(),
                    "run_id": run_id,
                    "org_id": people.org[i],
                    "case_id": case,
                    "person_id": people.person[i],
                    "kind": "announced",
                    "effective_on": day,
                    "from_pathway": old[0],
                    "from_country": old[1],
                    "to_pathway": new[0],
                    "to_country": new[1],
                    "created_at": reg.now(),
                }
            )
    if out_rows:
        session.execute(insert(Change), out_rows)
    return [(c, p, k, d, "announced") for c, (d, p, k) in announced.items()]
