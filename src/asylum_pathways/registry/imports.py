"""`registry import`: cases from a file of encounter records, all or nothing.

The records file is exactly what `determine` reads (.json, .csv or .parquet) and is validated by
`determination.determine_records` in one vectorized pass; members of a family share a group_id
and become one case. Identities come from a second file (`--identities`, CSV or JSON: person_id,
name and optionally a_number, birth_date, address, role), keyed by person_id; the file's
person_id is not kept. Everything is written in one transaction: a failure, or a process killed
half-way, leaves nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import insert
from sqlalchemy.orm import Session

from asylum_pathways.determination import determine_records
from asylum_pathways.errors import InputError, Problem
from asylum_pathways.io.files import read_bytes
from asylum_pathways.registry import audit, determining, facts
from asylum_pathways.registry.access import require, scope
from asylum_pathways.registry.case_people import ENCRYPTED
from asylum_pathways.registry.core import Registry
from asylum_pathways.registry.models import Case, Person, new_id, utcnow
from asylum_pathways.registry.roles import Permission, Principal

CHUNK = 500
#: The fields an imported case's audit entry names.
IMPORTED = ("people", "facts", "import")


def read_identities(path: Path) -> dict[str, dict[str, Any]]:
    data = read_bytes(path, "identities file")
    source = str(path)
    if path.suffix.lower() == ".json":
        try:
            rows = json.loads(data)
        except ValueError:
            raise InputError(f"{source}: not JSON (expected a list of objects)") from None
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise InputError(f"{source}: expected a list of objects (person_id, name, ...)")
        located = [(f"record {i + 1}", r) for i, r in enumerate(rows)]
    elif path.suffix.lower() == ".csv":
        try:
            reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
            located = [
                (f"line {i + 2}", {k: (v or None) for k, v in r.items()})
                for i, r in enumerate(reader)
            ]
        except UnicodeDecodeError:
            raise InputError(f"{source}: not UTF-8 text") from None
    else:
        raise InputError(
            f"{source}: unsupported identities file {path.suffix!r} (expected .csv or .json)"
        )
    out: dict[str, dict[str, Any]] = {}
    for where, row in located:
        pid = row.get("person_id")
        if not isinstance(pid, str) or not pid:
            raise InputError(
                f"{source} {where}, field person_id: required",
                [Problem((source, where, "person_id"), "required")],
            )
        if pid in out:
            raise InputError(
                f"{source} {where}, field person_id: repeated",
                [Problem((source, where, "person_id"), "repeated", pid)],
            )
        ident = {k: v for k, v in row.items() if k != "person_id"}
        out[pid] = {"where": (source, where), **ident}
    return out


def import_file(
    reg: Registry,
    principal: Principal,
    records: Path,
    identities: Path,
    progress: Callable[[int, int], None] | None = None,
) -> list[str]:
    """Validate both files whole, then write every case in one transaction; returns case ids."""
    require(principal, Permission.CASES_WRITE)
    determined = determine_records(records, reg.scenario, explain=False)
    table = determined.table
    stored = facts.records_from_table(table, reg.scenario.tree)
    people_ids = [str(x) for x in table.person_id]
    idents = read_identities(identities)
    today = reg.today()
    checked: list[dict[str, str | None]] = []
    roles: list[str | None] = []
    for row, pid in enumerate(people_ids):
        raw = idents.get(pid)
        if raw is None:
            msg = "has no row in the identities file"
            raise InputError(
                f"{records} record {row + 1}, field person_id: {msg}",
                [Problem((str(records), f"record {row + 1}", "person_id"), msg)],
            )
        where = raw.pop("where")
        role = raw.pop("role", None)
        if role not in (None, "lead", "rider"):
            raise InputError(
                f"{where[0]} {where[1]}, field role: expected lead or rider",
                [Problem((*where, "role"), "expected lead or rider", role)],
            )
        raw.pop("facts", None)
        checked.append(facts.identity(raw, where, today))
        roles.append(role)
    extra = sorted(set(idents) - set(people_ids))
    if extra:
        msg = "a person_id of the identities file has no encounter record"
        raise InputError(f"{identities}: {msg}", [Problem((str(identities), "person_id"), msg)])
    group = table.encounters.group
    order = np.argsort(group, kind="stable")
    cases: list[list[int]] = []
    for i in order:
        if cases and group[cases[-1][0]] == group[i]:
            cases[-1].append(int(i))
        else:
            cases.append([int(i)])
    return _write(reg, principal, cases, stored, checked, roles, progress)


def _write(
    reg: Registry,
    principal: Principal,
    cases: list[list[int]],
    stored: list[dict[str, Any]],
    checked: list[dict[str, str | None]],
    roles: list[str | None],
    progress: Callable[[int, int], None] | None,
) -> list[str]:
    org = principal.org_id
    now = utcnow()
    case_ids = []
    person_rows: list[dict[str, Any]] = []
    people_refs: list[tuple[str, str, str]] = []
    records: list[dict[str, Any]] = []
    days: list[dt.date] = []
    for members in cases:
        case_id = new_id()
        case_ids.append(case_id)
        lead = next((i for i in members if roles[i] == "lead"), members[0])
        ordered = [lead] + [i for i in members if i != lead]
        for position, i in enumerate(ordered):
            row = _person_row(reg, org, now, case_id, position, checked[i], stored[i])
            person_rows.append(row)
            people_refs.append((row["id"], case_id, org))
            records.append(
                facts.record(row["id"], case_id if len(members) > 1 else None, stored[i])
            )
            days.append(row["encounter_date"])
    batch = determining.determine(reg, records, days, reg.default_as_of(), explain=False)
    by_case: dict[str, list[int]] = {}
    for k, ref in enumerate(people_refs):
        by_case.setdefault(ref[1], []).append(k)
    with reg.db.transaction(scope(principal)) as session:
        done = 0
        for start in range(0, len(case_ids), CHUNK):
            chunk = case_ids[start : start + CHUNK]
            ks = [k for cid in chunk for k in by_case[cid]]
            _insert_cases(session, org, chunk, now)
            session.execute(insert(Person), [person_rows[k] for k in ks])
            determining.store(
                reg, session, [people_refs[k] for k in ks], batch, ks, "import", demote=False
            )
            audit.append(
                session,
                [
                    audit.Entry(principal.actor, org, "create", "case", cid, IMPORTED)
                    for cid in chunk
                ],
            )
            session.flush()
            done += len(chunk)
            if progress is not None:
                progress(done, len(case_ids))
    return case_ids


def _person_row(
    reg: Registry,
    org: str,
    now: dt.datetime,
    case_id: str,
    position: int,
    ident: dict[str, str | None],
    f: dict[str, Any],
) -> dict[str, Any]:
    """The `people` row of one member: identity encrypted, the facts record encrypted whole,
    and the de-identified columns beside it."""
    c = reg.cipher
    pid = new_id()
    row: dict[str, Any] = {
        "id": pid,
        "case_id": case_id,
        "org_id": org,
        "role": "lead" if position == 0 else "rider",
        "position": position,
        "created_at": now,
        "updated_at": now,
    }
    for field, column in ENCRYPTED.items():
        value = ident.get(field)
        row[column] = c.encrypt(value, "people", column, pid) if value else None
    a_number = ident.get("a_number")
    row["a_number_index"] = c.blind_index(a_number) if a_number else None
    row["facts_enc"] = c.encrypt(json.dumps(f, sort_keys=True), "people", "facts_enc", pid)
    row["encounter_date"] = dt.date.fromisoformat(f["encounter_date"])
    row.update(sector=f["sector"], citizenship=f["citizenship"], demographic=f["demographic"])
    return row


def _insert_cases(session: Session, org: str, chunk: list[str], now: dt.datetime) -> None:
    """The `cases` rows of `chunk`, open."""
    session.execute(
        insert(Case),
        [
            {
                "id": cid,
                "org_id": org,
                "status": "open",
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
            for cid in chunk
        ],
    )
