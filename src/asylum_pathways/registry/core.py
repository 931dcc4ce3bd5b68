"""`Registry`: the one object behind `asylum-pathways registry ...` and the registry's API.

It holds the database, the keys, the cipher, the scenario the cases are determined under (the
bundled law by default) and the clock; every operation is a function taking it (`cases`,
`accounts`, `redetermine`, ...). Made once per process; no module-level state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from asylum_pathways.params import ParameterTree, load_tree
from asylum_pathways.params.coverage import answerable_range
from asylum_pathways.registry.crypto import FieldCipher
from asylum_pathways.registry.database import Database
from asylum_pathways.registry.keys import Keyring
from asylum_pathways.registry.models import utcnow
from asylum_pathways.scenarios import Scenario, load_scenario


@dataclass(frozen=True)
class Policy:
    """Limits of sessions, tokens and sign-in attempts (ASVS 3.3, NIST SP 800-63B rev. 4 2.2.3
    for AAL2: reauthentication at least every 24 hours, after at most 1 hour of inactivity)."""

    session_idle: dt.timedelta = dt.timedelta(minutes=30)
    session_absolute: dt.timedelta = dt.timedelta(hours=12)
    #: A session's idle timer and a token's last use are written at most this often: a request
    #: that only reads (but its audit row) then commits nothing else, and on SQLite every
    #: commit that writes waits for the disk. A session may so end up to this much before 30
    #: minutes of idleness, never after.
    touch_every: dt.timedelta = dt.timedelta(minutes=1)
    setup_token_life: dt.timedelta = dt.timedelta(hours=24)
    #: Consecutive failures of one account before its password is refused until an admin
    #: resets it (NIST: no more than 100); the organisation's last admin is never locked.
    max_failures: int = 100
    #: Failures before throttling starts, and the longest wait between attempts.
    free_failures: int = 3
    max_delay_seconds: int = 300
    #: Cells of aggregates smaller than this are suppressed.
    min_cell: int = 5
    #: argon2id cost (passes, KiB, lanes): `passwords.COST` unless a test lowers it.
    argon2: tuple[int, int, int] = (3, 65536, 4)


@dataclass
class Registry:
    db: Database
    keys: Keyring
    scenario: Scenario
    clock: Callable[[], dt.datetime] = utcnow
    policy: Policy = field(default_factory=Policy)
    #: Laws other than `scenario` that stored answers hold under, rebuilt once each from
    #: `law_versions` (by fingerprint; None: not kept, or not rebuilt exactly).
    other_laws: dict[str, Scenario | None] = field(default_factory=dict, repr=False)

    @classmethod
    def open(
        cls,
        url: str | None = None,
        keys: Path | None = None,
        scenario: str | None = None,
        *,
        create: bool = False,
        clock: Callable[[], dt.datetime] | None = None,
        tree: ParameterTree | None = None,
    ) -> Registry:
        db = Database(url or "", create_dirs=create)
        ring = Keyring.open(keys, create=create)
        chosen = load_scenario(scenario or "history", tree or load_tree())
        return cls(db, ring, chosen, clock or utcnow)

    @cached_property
    def cipher(self) -> FieldCipher:
        return FieldCipher(self.keys)

    @property
    def tree_fingerprint(self) -> str:
        return self._fingerprint

    @cached_property
    def _fingerprint(self) -> str:
        return self.scenario.tree.fingerprint()

    def now(self) -> dt.datetime:
        return self.clock()

    def today(self) -> dt.date:
        return self.clock().date()

    def answerable(self) -> tuple[dt.date, dt.date]:
        return answerable_range(self.scenario.tree)

    def default_as_of(self) -> dt.date:
        """Today, or the last day the tree answers for when today is past it (said in every
        answer: `as_of` is stored with each determination)."""
        return min(self.today(), self.answerable()[1])
