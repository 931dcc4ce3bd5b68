"""The registry's tables as typed SQLAlchemy 2 models.

Identifiers are random (uuid4 hex), so an identifier in a URL says nothing about how many cases
there are or when one was made; the audit log's are consecutive, its order being what its hash
chain protects. Times are UTC (naive). Columns ending in `_enc` hold AES-GCM ciphertext
(`crypto`), never plain values; `a_number_index` is a keyed blind index (HMAC), not the number.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ID = String(32)
HASH = String(64)


def new_id() -> str:
    return uuid.uuid4().hex


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class Organisation(Base):
    __tablename__ = "organisations"
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    #: Years after a case is closed before `registry purge` deletes it.
    retention_years: Mapped[int] = mapped_column(Integer, default=7)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class User(Base):
    __tablename__ = "users"
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    totp_secret_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    totp_last_step: Mapped[int | None] = mapped_column(Integer, nullable=True)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    throttled_until: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class SetupToken(Base):
    """A one-time token printed by `registry bootstrap` to create the first admin."""

    __tablename__ = "setup_tokens"
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    token_hash: Mapped[str] = mapped_column(HASH, unique=True)
    org_name: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class LoginSession(Base):
    """A server-side session: only the SHA-256 of its token is kept."""

    __tablename__ = "sessions"
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(HASH, unique=True)
    csrf_hash: Mapped[str] = mapped_column(HASH)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class ApiToken(Base):
    """A token for scripts: shown once, kept as a SHA-256, scoped, revocable."""

    __tablename__ = "api_tokens"
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(HASH, unique=True)
    scopes: Mapped[list[Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class CalendarToken(Base):
    """The secret of a user's calendar feed (`/api/v1/calendar/{token}.ics`): shown once, kept as
    a SHA-256, one active per user, revocable; re-issuing revokes the one before."""

    __tablename__ = "calendar_tokens"
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(HASH, unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class Case(Base):
    """One person, or a family (a lead and riders), kept by one organisation."""

    __tablename__ = "cases"
    __table_args__ = (Index("ix_cases_org_status", "org_id", "status"),)
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    status: Mapped[str] = mapped_column(String(10), default="open")
    closed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Person(Base):
    """A member of a case. Identity and the facts record are encrypted; the de-identified
    columns (encounter day, sector, citizenship, demographic) serve aggregates and the choice of
    cases a change of law may touch."""

    __tablename__ = "people"
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    role: Mapped[str] = mapped_column(String(10))  # lead or rider
    position: Mapped[int] = mapped_column(Integer)
    name_enc: Mapped[str] = mapped_column(Text)
    a_number_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    a_number_index: Mapped[str | None] = mapped_column(HASH, nullable=True, index=True)
    birth_date_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    address_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    facts_enc: Mapped[str] = mapped_column(Text)
    encounter_date: Mapped[dt.date] = mapped_column(Date)
    sector: Mapped[str] = mapped_column(String(3))
    citizenship: Mapped[str] = mapped_column(String(2))
    demographic: Mapped[str] = mapped_column(String(4))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Event(Base):
    """Something that happened in a case: a screening, a notice to appear, a hearing, a transfer,
    a return, a release, a change of determination. Its detail holds codes, never free text."""

    __tablename__ = "events"
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    person_id: Mapped[str | None] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), nullable=True
    )
    kind: Mapped[str] = mapped_column(String(30))
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by: Mapped[str | None] = mapped_column(String(40), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Hearing(Base):
    """A hearing as it stands now; every earlier version is a `HearingRevision`."""

    __tablename__ = "hearings"
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    court: Mapped[str] = mapped_column(String(100))
    time_zone: Mapped[str] = mapped_column(String(64))
    starts_at: Mapped[dt.datetime] = mapped_column(DateTime)  # local time at the court
    type: Mapped[str] = mapped_column(String(20))
    judge: Mapped[str | None] = mapped_column(String(200), nullable=True)
    medium: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(30))
    mpp: Mapped[bool] = mapped_column(Boolean, default=False)
    detained: Mapped[bool] = mapped_column(Boolean, default=False)
    confirmed_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class HearingRevision(Base):
    __tablename__ = "hearing_revisions"
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    hearing_id: Mapped[str] = mapped_column(
        ForeignKey("hearings.id", ondelete="CASCADE"), index=True
    )
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    changed: Mapped[list[Any]] = mapped_column(JSON)
    changed_by: Mapped[str | None] = mapped_column(String(40), nullable=True)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class CalendarDeadline(Base):
    """What the calendar feed last said of one deadline of a hearing (`deadline_events`):
    deadlines are worked out on every read from the hearing and the law, so this is what lets
    the event's SEQUENCE and DTSTAMP move when, and only when, the deadline does."""

    __tablename__ = "calendar_deadlines"
    hearing_id: Mapped[str] = mapped_column(
        ForeignKey("hearings.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    #: The event's properties but its identity and stamps: [[name, value], ...].
    said: Mapped[list[Any]] = mapped_column(JSON)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Determination(Base):
    """One answer for one person: the pathway, each program's status, the explained answer, the
    tree fingerprint and the as-of day. A re-determination stores the answer without its
    explanation (about a millisecond each); the explanation is built from the same law the
    first time the case is read, and kept."""

    __tablename__ = "determinations"
    __table_args__ = (Index("ix_determinations_person_current", "person_id", "current"),)
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    as_of: Mapped[dt.date] = mapped_column(Date)
    fingerprint: Mapped[str] = mapped_column(HASH)
    scenario: Mapped[str] = mapped_column(String(100))
    pathway: Mapped[str] = mapped_column(String(40))
    receiving_country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    #: Each program's status, one letter each (F, U, T: false, unknown, true) in the order of
    #: the law version's `programs`.
    status_codes: Mapped[str] = mapped_column(String(64))
    answer: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    trigger: Mapped[str] = mapped_column(String(20))
    run_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class RedeterminationRun(Base):
    __tablename__ = "redetermination_runs"
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    as_of: Mapped[dt.date] = mapped_column(Date)
    fingerprint: Mapped[str] = mapped_column(HASH)
    trigger: Mapped[str] = mapped_column(String(20))
    considered: Mapped[int] = mapped_column(Integer)
    changed: Mapped[int] = mapped_column(Integer)
    summary: Mapped[list[Any]] = mapped_column(JSON)


class Change(Base):
    """A difference found by a re-determination: a case's answer changed from a day
    (`changed`), or will change on a later day under a rule already in the tree (`announced`)."""

    __tablename__ = "changes"
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    run_id: Mapped[str] = mapped_column(ForeignKey("redetermination_runs.id"), index=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    effective_on: Mapped[dt.date] = mapped_column(Date)
    from_pathway: Mapped[str | None] = mapped_column(String(40), nullable=True)
    from_country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    to_pathway: Mapped[str] = mapped_column(String(40))
    to_country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class LawVersion(Base):
    """Every parameter tree the registry has determined under: its fingerprint and its dated
    values, so that the first day two versions differ can be computed after the fact."""

    __tablename__ = "law_versions"
    fingerprint: Mapped[str] = mapped_column(HASH, primary_key=True)
    scenario: Mapped[str] = mapped_column(String(100))
    values: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: The programs the engine answers for under this law, in the order of `status_codes`.
    programs: Mapped[list[Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class AuditEntry(Base):
    """Who did what to which object, when (UTC), and which fields by name; each row's hash
    covers the previous row's hash (`audit`)."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(40))
    org_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    action: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    fields: Mapped[list[Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(HASH)
    hash: Mapped[str] = mapped_column(HASH)


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
