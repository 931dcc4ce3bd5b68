"""The registry under test, on both databases: SQLite (a file in a temporary folder) and
PostgreSQL (the server `.ci/run` starts: $ASYLUM_PATHWAYS_TEST_PG_URL is the owner role, which
migrates, $ASYLUM_PATHWAYS_TEST_PG_APP_URL the application role, which every test acts as, so that
row-level security binds it). Each test gets a new database: on PostgreSQL a copy of a migrated
template. With $CI set, a missing PostgreSQL fails the run instead of skipping it."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from registry_helpers import Bench

PG_URL = "ASYLUM_PATHWAYS_TEST_PG_URL"
PG_APP_URL = "ASYLUM_PATHWAYS_TEST_PG_APP_URL"
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=[pytest.mark.postgres, pytest.mark.server]),
]


def pg_urls() -> tuple[str, str]:
    owner, app = os.environ.get(PG_URL), os.environ.get(PG_APP_URL)
    if not owner or not app:
        msg = f"PostgreSQL tests need ${PG_URL} and ${PG_APP_URL} (.ci/run sets them)"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    return owner, app


def _with_db(url: str, name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def keyfile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from asylum_pathways.registry.keys import Keyring

    path = tmp_path_factory.mktemp("keys") / "registry-keys.json"
    Keyring.create(path)
    return path


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """A migrated database (with the application role's grants) to copy for each test."""
    from sqlalchemy import create_engine, text

    from asylum_pathways.registry import migrate
    from asylum_pathways.registry.database import Database

    owner, app = pg_urls()
    app_role = _role(app)
    name = f"ap_template_{uuid.uuid4().hex[:8]}"
    admin = create_engine(owner, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    db = Database(_with_db(owner, name))
    migrate.upgrade(db, app_role=app_role)
    db.dispose()
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _role(url: str) -> str:
    from sqlalchemy.engine import make_url

    return str(make_url(url).username)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite database to copy for each test (migrating one costs about 0.15 s)."""
    from asylum_pathways.registry import migrate
    from asylum_pathways.registry.database import Database

    path = tmp_path_factory.mktemp("template") / "registry.sqlite3"
    db = Database(f"sqlite:///{path}")
    migrate.upgrade(db)
    db.dispose()
    assert not path.with_name(f"{path.name}-wal").exists()  # closed: the file is the database
    return path


@pytest.fixture(params=BACKENDS)
def bench(request: pytest.FixtureRequest, tmp_path: Path, keyfile: Path) -> Iterator[Bench]:
    from sqlalchemy import create_engine, text

    if request.param == "sqlite":
        shutil.copyfile(request.getfixturevalue("sqlite_template"), tmp_path / "registry.sqlite3")
        url = f"sqlite:///{tmp_path / 'registry.sqlite3'}"
        b = Bench(url, url, keyfile, tmp_path, "sqlite")
        yield b
        b.close()
        return
    template = request.getfixturevalue("pg_template")
    owner, app = pg_urls()
    name = f"ap_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(owner, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    b = Bench(_with_db(app, name), _with_db(owner, name), keyfile, tmp_path, "postgres")
    yield b
    b.close()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def clock() -> list[dt.datetime]:
    return [dt.datetime(2025, 7, 1, 12, 0)]
