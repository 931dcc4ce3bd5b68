"""Alembic's environment: runs on the connection `migrate` hands it (never a URL of its own)."""

from __future__ import annotations

from alembic import context

from asylum_pathways.registry.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
