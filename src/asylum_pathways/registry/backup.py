"""`registry backup` and `registry restore`: every table, row by row, in a gzipped JSON-lines
file that restores into an empty registry on either database (SQLite to PostgreSQL and back).

Encrypted values are copied as they are: a backup is useless without the key file (keep them
apart). The file is written to a temporary name and renamed when complete; a restore is one
transaction into a freshly migrated, empty database, and the audit chain is verified after it.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import json
from pathlib import Path
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Integer, LargeBinary, func, insert, select

from asylum_pathways.errors import InputError, UsageError
from asylum_pathways.io.files import check_output_file, read_bytes, write_file_atomically
from asylum_pathways.registry import audit, migrate
from asylum_pathways.registry.core import Registry
from asylum_pathways.registry.database import ALL
from asylum_pathways.registry.models import Base

FORMAT = "asylum-pathways/registry-backup/v1"


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


def _decode(column: Any, value: Any) -> Any:
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, DateTime):
        return dt.datetime.fromisoformat(value)
    if isinstance(kind, Date):
        return dt.date.fromisoformat(value)
    if isinstance(kind, LargeBinary):
        return base64.b64decode(value)
    if isinstance(kind, Boolean):
        return bool(value)
    if isinstance(kind, Integer):
        return int(value)
    return value


def backup(reg: Registry, out: Path) -> dict[str, int]:
    check_output_file(out, "backup file")
    counts: dict[str, int] = {}
    lines: list[bytes] = []
    with reg.db.transaction(ALL) as session:
        lines.append(
            json.dumps(
                {
                    "format": FORMAT,
                    "revision": migrate.current(reg.db),
                    "created_at": reg.now().isoformat(),
                }
            ).encode()
        )
        for table in Base.metadata.sorted_tables:
            n = 0
            for row in session.execute(select(table)).mappings():
                lines.append(
                    json.dumps(
                        {"t": table.name, "r": {k: _encode(v) for k, v in row.items()}},
                        separators=(",", ":"),
                    ).encode()
                )
                n += 1
            counts[table.name] = n
        audit.append(session, [audit.Entry("system:backup", None, "backup", "registry", None)])

    def write(tmp: Path) -> None:
        with gzip.open(tmp, "wb") as f:
            f.write(b"\n".join(lines) + b"\n")

    write_file_atomically(out, "backup file", write)
    return counts


def restore(reg: Registry, source: Path) -> dict[str, int]:
    data = read_bytes(source, "backup file", UsageError)
    try:
        text = gzip.decompress(data).decode()
        rows = [json.loads(line) for line in text.splitlines() if line]
    except (OSError, ValueError, EOFError):
        raise InputError(
            f"{source}: not a registry backup (expected the gzipped file `registry backup` writes)"
        ) from None
    if not rows or rows[0].get("format") != FORMAT:
        raise InputError(f"{source}: not a registry backup (format {FORMAT} expected)")
    if rows[0].get("revision") != migrate.head():
        raise InputError(
            f"{source}: made at migration {rows[0].get('revision')}, this registry is at {migrate.head()}"
        )
    tables = {t.name: t for t in Base.metadata.sorted_tables}
    by_table: dict[str, list[dict[str, Any]]] = {name: [] for name in tables}
    for line in rows[1:]:
        table = tables.get(line.get("t"))
        if table is None:
            raise InputError(f"{source}: unknown table {line.get('t')!r}")
        by_table[table.name].append({k: _decode(table.c[k], v) for k, v in line["r"].items()})
    counts = {}
    with reg.db.transaction(ALL) as session:
        for name, table in tables.items():
            if session.scalar(select(func.count()).select_from(table)):
                raise UsageError(
                    f"--db: the registry is not empty ({name} has rows); restore into a new one (`registry init`)"
                )
        for name, table in tables.items():
            items = by_table[name]
            for start in range(0, len(items), 2000):
                session.execute(insert(table), items[start : start + 2000])
            counts[name] = len(items)
        verdict = audit.verify(session)
        if not verdict.ok:
            raise InputError(
                f"{source}: the restored audit log does not verify: {verdict.message()}"
            )
    return counts
