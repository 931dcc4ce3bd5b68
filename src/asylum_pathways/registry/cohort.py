"""`registry export-cohort`: the organisation's cases as de-identified encounter records, a file
`simulate --encounters` reads (docs/encounter-schema.md).

Only the facts leave: no name, A-number, date of birth or address, and new identifiers
(C000001, ...; families keep a shared group_id) that cannot be traced back to the registry's.
Exporting needs the cases:export permission and appends one audit row per case exported.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select

from asylum_pathways.errors import UsageError
from asylum_pathways.io.files import check_output_file, write_file_atomically
from asylum_pathways.records import FEAR_PREFIX, FIELDS
from asylum_pathways.registry import audit
from asylum_pathways.registry.access import require, scope
from asylum_pathways.registry.core import Registry
from asylum_pathways.registry.models import Case, Person
from asylum_pathways.registry.roles import Permission, Principal

SUFFIXES = (".csv", ".parquet", ".json")


def export(reg: Registry, principal: Principal, out: Path, status: str = "open") -> int:
    require(principal, Permission.CASES_EXPORT)
    if out.suffix.lower() not in SUFFIXES:
        raise UsageError(f"--out {out}: expected a .csv, .parquet or .json file")
    if status not in ("open", "closed", "all"):
        raise UsageError(f"--status {status!r}: expected open, closed or all")
    check_output_file(out, "cohort file")
    with reg.db.transaction(scope(principal)) as session:
        q = (
            select(Person)
            .join(Case, Case.id == Person.case_id)
            .where(Case.org_id == principal.org_id)
        )
        if status != "all":
            q = q.where(Case.status == status)
        people = list(session.scalars(q.order_by(Person.case_id, Person.position)))
        sizes: dict[str, int] = {}
        for p in people:
            sizes[p.case_id] = sizes.get(p.case_id, 0) + 1
        groups: dict[str, str] = {}
        rows = []
        for n, p in enumerate(people, start=1):
            facts = json.loads(reg.cipher.decrypt(p.facts_enc, "people", "facts_enc", p.id))
            row: dict[str, Any] = {"person_id": f"C{n:06d}", **facts}
            if sizes[p.case_id] > 1:
                row["group_id"] = groups.setdefault(p.case_id, f"F{len(groups) + 1:06d}")
            rows.append(row)
        _write(out, rows)
        audit.append(
            session,
            [
                audit.Entry(principal.actor, principal.org_id, "export", "case", cid, ("facts",))
                for cid in sorted(sizes)
            ],
        )
    return len(rows)


def _write(out: Path, rows: list[dict[str, Any]]) -> None:
    suffix = out.suffix.lower()
    if suffix == ".json":
        write_file_atomically(
            out, "cohort file", lambda tmp: _text(tmp, json.dumps(rows, indent=1))
        )
        return
    import polars as pl

    flat = []
    for r in rows:
        r = dict(r)
        for cc, v in (r.pop("aca_fear_established", None) or {}).items():
            r[f"{FEAR_PREFIX}{cc}"] = v
        flat.append(r)
    order = [f.name for f in FIELDS if f.kind != "fear_map"]
    extra = sorted({k for r in flat for k in r} - set(order))
    columns = [c for c in order if any(c in r for r in flat)] + extra
    if not flat:
        columns = [f.name for f in FIELDS if f.required]
    frame = pl.DataFrame(
        [{c: r.get(c) for c in columns} for r in flat], schema=_schema(columns), orient="row"
    )
    if suffix == ".csv":
        write_file_atomically(out, "cohort file", lambda tmp: frame.write_csv(tmp))
    else:
        write_file_atomically(out, "cohort file", lambda tmp: frame.write_parquet(tmp))


def _schema(columns: list[str]) -> dict[str, Any]:
    import polars as pl

    kinds = {f.name: f.kind for f in FIELDS}
    out: dict[str, Any] = {}
    for c in columns:
        kind = kinds.get(c, "bool" if c.startswith(FEAR_PREFIX) else "string")
        out[c] = pl.Boolean if kind == "bool" else pl.Int64 if kind == "int" else pl.String
    return out


def _text(path: Path, text: str) -> None:
    path.write_text(text)
