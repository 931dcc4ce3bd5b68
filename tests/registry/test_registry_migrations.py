"""Migrations from the first table: up, down and up again on both databases, and the models
agree with them (an autogenerate diff is empty)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from registry_helpers import Bench
from sqlalchemy import create_engine, inspect

from asylum_pathways.registry import migrate
from asylum_pathways.registry.database import Database
from asylum_pathways.registry.models import Base


def test_migrations_go_down_to_nothing_and_up_again(bench: Bench) -> None:
    db = Database(bench.owner_url)
    assert migrate.current(db) == migrate.head()
    migrate.downgrade(db, "base")
    assert migrate.current(db) is None
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(db)
    assert migrate.current(db) == migrate.head()
    assert set(Base.metadata.tables) <= set(inspect(db.engine).get_table_names())
    db.dispose()


def test_the_models_match_the_migrations(bench: Bench) -> None:
    engine = create_engine(bench.owner_url)
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
        )
    engine.dispose()
    assert diff == []


def test_init_creates_the_key_file_and_migrates(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from asylum_pathways.registry import lifecycle

    url = f"sqlite:///{tmp_path / 'new' / 'r.sqlite3'}"
    lines = lifecycle.init(url, tmp_path / "k.json")
    assert (tmp_path / "k.json").exists() and "migrated from empty to" in lines[-1]
    assert "nothing to do" in lifecycle.init(url, tmp_path / "k.json")[-1]
