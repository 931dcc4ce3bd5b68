"""The registry's tables as typed SQLAlchemy 2 models, one module per concept, all on one
`Base` (importing this package registers every table on `Base.metadata`).

Identifiers are random (uuid4 hex), so an identifier in a URL says nothing about how many cases
there are or when one was made; the audit log's are consecutive, its order being what its hash
chain protects. Times are UTC (naive). Columns ending in `_enc` hold AES-GCM ciphertext
(`crypto`), never plain values; `a_number_index` is a keyed blind index (HMAC), not the number.
"""

from __future__ import annotations

from asylum_pathways.registry.models.accounts import (
    ApiToken,
    CalendarToken,
    LoginSession,
    Organisation,
    SetupToken,
    User,
)
from asylum_pathways.registry.models.audit import AuditEntry
from asylum_pathways.registry.models.base import HASH, ID, Base, new_id, utcnow
from asylum_pathways.registry.models.cases import Case, Event, Person
from asylum_pathways.registry.models.determinations import (
    Change,
    Determination,
    LawVersion,
    RedeterminationRun,
)
from asylum_pathways.registry.models.hearings import CalendarDeadline, Hearing, HearingRevision

__all__ = [
    "HASH",
    "ID",
    "ORG_TABLES",
    "ApiToken",
    "AuditEntry",
    "Base",
    "CalendarDeadline",
    "CalendarToken",
    "Case",
    "Change",
    "Determination",
    "Event",
    "Hearing",
    "HearingRevision",
    "LawVersion",
    "LoginSession",
    "Organisation",
    "Person",
    "RedeterminationRun",
    "SetupToken",
    "User",
    "new_id",
    "utcnow",
]

#: Tables holding one organisation's case data: row-level security on PostgreSQL.
ORG_TABLES = (
    "cases",
    "people",
    "events",
    "hearings",
    "hearing_revisions",
    "determinations",
    "changes",
)
