"""Making and opening a registry: `registry init` (keys, then migrations)."""

from __future__ import annotations

from pathlib import Path

from asylum_pathways.registry import migrate
from asylum_pathways.registry.database import Database, redacted
from asylum_pathways.registry.keys import Keyring, resolve_path


def init(url: str | None, keys: Path | None, app_role: str | None = None) -> list[str]:
    """Create the key file if there is none, and migrate the database to the newest revision.
    Returns what was done, line by line."""
    lines = []
    path = resolve_path(keys)
    if not path.exists():
        Keyring.create(path)
        lines.append(
            f"created the key file {path} (mode 0600; keep it out of the database's backups)"
        )
    else:
        Keyring.load(path)
        lines.append(f"using the key file {path}")
    db = Database(url or "", create_dirs=True)
    before = migrate.current(db)
    migrate.upgrade(db, app_role=app_role)
    after = migrate.current(db)
    lines.append(
        f"database {redacted(db.url)}: "
        + (
            f"migrated from {before or 'empty'} to {after}"
            if before != after
            else f"at {after}, nothing to do"
        )
    )
    db.dispose()
    return lines
