"""Alembic migrations of the registry, shipped inside the package (`registry init` runs them)."""
