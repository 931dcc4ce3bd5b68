"""Where the registry's data lives: a SQLAlchemy engine for SQLite (the embedded default, a file
in the user data directory) or PostgreSQL (psycopg 3), and transactions scoped to an organisation.

On PostgreSQL every transaction sets `app.org_id` (or `app.scope = system` for work across
organisations, such as re-determination); row-level security reads them (`migrations`). On SQLite
every transaction starts with `BEGIN IMMEDIATE`, so writers queue instead of failing late, and the
file is kept in write-ahead-log mode with full synchronisation (an acknowledged write survives a
killed process). The threads of one process take their turn at SQLite's one writer through a
lock first: a thread waiting on SQLite's busy handler sleeps and polls with growing naps (up to
100 ms), so under 50 concurrent requests some waited many turns (a case read's p95 was 1.2 s at a
p50 of 0.37 s); a thread waiting on the lock is woken when it is released. Other processes (a
command run beside the server) still wait on the busy handler.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import ForUpdateArg

from asylum_pathways.errors import Problem, UsageError

ENV = "ASYLUM_PATHWAYS_DB"
SYSTEM = "system"


def default_path() -> Path:
    """The embedded database: registry.sqlite3 in the user data directory."""
    import platformdirs

    return Path(platformdirs.user_data_dir("asylum-pathways", appauthor=False)) / "registry.sqlite3"


def resolve_url(url: str | None) -> str:
    """The database URL: the option given, else $ASYLUM_PATHWAYS_DB, else the embedded SQLite
    file. `postgresql://` is read as psycopg 3; only SQLite and PostgreSQL are accepted."""
    chosen = url or os.environ.get(ENV) or f"sqlite:///{default_path()}"
    try:
        parsed = make_url(chosen)
    except ArgumentError:
        msg = "not a database URL (expected sqlite:///FILE or postgresql://USER@HOST/DB)"
        raise UsageError(f"--db: {msg}", [Problem(("--db",), msg)]) from None
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    elif backend != "sqlite":
        msg = f"unsupported database {backend!r} (expected sqlite or postgresql)"
        raise UsageError(f"--db: {msg}", [Problem(("--db",), msg, backend)])
    return parsed.render_as_string(hide_password=False)


def redacted(url: str) -> str:
    """The URL without its password, for messages."""
    return make_url(url).render_as_string(hide_password=True)


@dataclass(frozen=True)
class Scope:
    """Whose rows a transaction may see: one organisation's, or every organisation's (system
    work: re-determination, aggregates, purge, backup, key rotation, audit verification)."""

    org_id: str | None = None
    system: bool = False

    @classmethod
    def of(cls, org_id: str) -> Scope:
        return cls(org_id=org_id)


ALL = Scope(system=True)

#: How a row is read for a read-modify-write (`Session.get(..., with_for_update=FOR_EDIT)`). On
#: PostgreSQL, `SELECT ... FOR NO KEY UPDATE`: a concurrent edit of the same row waits for this
#: transaction and then reads what it wrote (under READ COMMITTED, two unlocked edits both read
#: version N and both write N + 1: one of them is lost), while inserts that only refer to the row
#: (an event or a hearing of a case) do not wait. SQLite ignores it: its `BEGIN IMMEDIATE`
#: already serialises every writer.
FOR_EDIT = ForUpdateArg(key_share=True)


class Database:
    """An engine and the transactions on it; one per process (made by `Registry.open`)."""

    def __init__(self, url: str, *, create_dirs: bool = False) -> None:
        self.url = resolve_url(url)
        parsed = make_url(self.url)
        self.dialect = parsed.get_backend_name()
        if self.dialect == "sqlite":
            path = parsed.database
            if not path or path == ":memory:":
                msg = "an in-memory SQLite database keeps nothing; give a file"
                raise UsageError(f"--db: {msg}", [Problem(("--db",), msg)])
            if create_dirs:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            elif not Path(path).parent.is_dir():
                msg = f"the folder of {path} does not exist"
                raise UsageError(f"--db: {msg}", [Problem(("--db",), msg)])
        self.engine = _engine(self.url, self.dialect)
        #: The turn of this process's threads at SQLite's one writer (see the module's doc).
        self._writer: AbstractContextManager[Any] = (
            threading.RLock() if self.dialect == "sqlite" else nullcontext()
        )

    @property
    def is_postgres(self) -> bool:
        return self.dialect == "postgresql"

    @contextmanager
    def transaction(self, scope: Scope) -> Iterator[Session]:
        """One transaction, committed at the end of the block, rolled back on any error."""
        with (
            self._writer,
            Session(self.engine, expire_on_commit=False) as session,
            session.begin(),
        ):
            if self.is_postgres:
                session.execute(
                    text(
                        "SELECT set_config('app.org_id', :org, true), "
                        "set_config('app.scope', :scope, true)"
                    ),
                    {"org": scope.org_id or "", "scope": SYSTEM if scope.system else ""},
                )
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def _engine(url: str, dialect: str) -> Engine:
    if dialect == "sqlite":
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _connect(dbapi: Any, _: Any) -> None:
            dbapi.isolation_level = None  # we emit BEGIN ourselves
            cur = dbapi.cursor()
            for pragma in (
                "journal_mode=WAL",
                "synchronous=FULL",
                "foreign_keys=ON",
                "busy_timeout=30000",
                "secure_delete=ON",
            ):
                cur.execute(f"PRAGMA {pragma}")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
