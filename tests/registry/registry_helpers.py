"""Helpers of the registry tests: a registry on a test database, organisations with their users,
generated people only (names like "Canary Quetzal-7" are made up)."""

from __future__ import annotations

import datetime as dt
import secrets
import shutil
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asylum_pathways.registry import accounts, totp
from asylum_pathways.registry.core import Policy, Registry
from asylum_pathways.registry.roles import Principal, Role

PASSWORD = "a tidy walk along the river"
#: Tests hash with a cheap argon2id cost (the production cost is checked on its own).
FAST = Policy(argon2=(1, 8192, 1))


def facts(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "encounter_date": "2020-01-15",
        "sector": "EPT",
        "citizenship": "HN",
        "demographic": "SA",
        "age": 31,
        "language": "es",
        "claims_fear": True,
        "criminal_history": False,
        "known_health_issue": False,
        "returning_lpr": False,
        "advance_parole": False,
    }
    base.update(over)
    return {k: v for k, v in base.items() if v is not None}


def person(
    name: str, role: str = "lead", a_number: str | None = None, **over: Any
) -> dict[str, Any]:
    out: dict[str, Any] = {"role": role, "name": name, "facts": facts(**over)}
    if a_number:
        out["a_number"] = a_number
    return out


def family(lead: str, riders: int = 2, **over: Any) -> dict[str, Any]:
    people = [person(lead, "lead", demographic="FMUA", age=34, **over)]
    for i in range(riders):
        people.append(
            person(f"{lead} child {i + 1}", "rider", demographic="FMUA", age=6 + i, **over)
        )
    return {"people": people}


@dataclass
class Org:
    name: str
    admin: Principal
    caseworker: Principal
    analyst: Principal
    auditor: Principal
    secrets: dict[str, str] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)

    def of(self, role: str) -> Principal:
        return {
            "admin": self.admin,
            "caseworker": self.caseworker,
            "analyst": self.analyst,
            "auditor": self.auditor,
        }[role]


@dataclass
class Bench:
    url: str  # the application's URL (on PostgreSQL: the non-owner role)
    owner_url: str
    keys: Path
    tmp: Path
    backend: str
    now: list[dt.datetime] = field(default_factory=lambda: [dt.datetime(2025, 7, 1, 12, 0)])
    _regs: list[Registry] = field(default_factory=list)

    def registry(self, scenario: str | None = None, tree: Any = None) -> Registry:
        reg = Registry.open(self.url, self.keys, scenario, clock=lambda: self.now[0], tree=tree)
        reg.policy = FAST
        self._regs.append(reg)
        return reg

    def with_scenario(self, reg: Registry, scenario: Any) -> Registry:
        out = Registry(reg.db, reg.keys, scenario, reg.clock, reg.policy)
        return out

    def org(self, reg: Registry, name: str) -> Org:
        token = accounts.bootstrap(reg, name)
        slug = name.lower().replace(" ", "-")
        admin = accounts.setup(reg, token, f"admin@{slug}.example", PASSWORD)
        adm = Principal(admin.user_id, admin.org_id, Role.ADMIN, "cli")
        made = {"admin": admin}
        for role in ("caseworker", "analyst", "auditor"):
            made[role] = accounts.add_user(reg, adm, f"{role}@{slug}.example", role, PASSWORD)
        principals = {r: Principal(m.user_id, m.org_id, Role(r), "cli") for r, m in made.items()}
        return Org(
            name,
            principals["admin"],
            principals["caseworker"],
            principals["analyst"],
            principals["auditor"],
            {r: m.totp_secret for r, m in made.items()},
            {r: m.email for r, m in made.items()},
        )

    def code(self, secret: str, offset_steps: int = 0) -> str:
        t = self.now[0].replace(tzinfo=dt.UTC).timestamp() + offset_steps * totp.STEP
        return totp.code(secret, t)

    def close(self) -> None:
        for reg in self._regs:
            reg.db.dispose()


def canary(n: int = 1) -> str:
    return f"Canary Quetzal-{secrets.randbelow(10**6):06d}-{n}"


def raw_bytes(bench: Bench) -> bytes:
    """Everything the database holds, as bytes: the SQLite files, or a dump of PostgreSQL."""
    if bench.backend == "sqlite":
        folder = bench.tmp
        return b"".join(p.read_bytes() for p in sorted(folder.glob("registry.sqlite3*")))
    from sqlalchemy.engine import make_url

    url = make_url(bench.owner_url)
    from pathlib import Path

    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_dump"), key=lambda p: int(p.parts[-3])
    )
    dump = str(found[-1]) if found else (shutil.which("pg_dump") or "pg_dump")
    done = subprocess.run(
        [
            dump,
            "--data-only",
            "-h",
            str(url.host),
            "-p",
            str(url.port),
            "-U",
            str(url.username),
            str(url.database),
        ],
        capture_output=True,
        env={"PGPASSWORD": str(url.password), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


RACERS = 6


def race(work: Callable[[int], Any]) -> list[Any]:
    """Run `work(i)` in RACERS threads released together; their results (or exceptions)."""
    gate = threading.Barrier(RACERS)
    out: list[Any] = [None] * RACERS

    def one(i: int) -> None:
        gate.wait()
        try:
            out[i] = work(i)
        except Exception as exc:
            out[i] = exc

    threads = [threading.Thread(target=one, args=(i,)) for i in range(RACERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return out
