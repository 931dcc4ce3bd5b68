"""Run the registry's migrations (`registry init`), up to the newest or down to a revision.

The owner of the database runs them; on PostgreSQL `app_role` names the application's role,
which is granted only what the application needs (no ownership, so row-level security binds it;
the audit log: read and append only)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from asylum_pathways.registry.database import Database


def config(db: Database, connection: object, app_role: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(script_dir()))
    cfg.attributes["connection"] = connection
    cfg.attributes["app_role"] = app_role
    return cfg


def script_dir() -> Path:
    return Path(str(resources.files("asylum_pathways.registry") / "migrations"))


def upgrade(db: Database, revision: str = "head", app_role: str | None = None) -> None:
    with db.engine.begin() as conn:
        command.upgrade(config(db, conn, app_role), revision)


def downgrade(db: Database, revision: str) -> None:
    with db.engine.begin() as conn:
        command.downgrade(config(db, conn), revision)


def current(db: Database) -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head() -> str | None:
    cfg = Config()
    cfg.set_main_option("script_location", str(script_dir()))
    return ScriptDirectory.from_config(cfg).get_current_head()
