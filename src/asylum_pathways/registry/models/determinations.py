"""Determinations and re-determinations: each answer kept, each run, each change found, and
every law version the registry has determined under."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from asylum_pathways.registry.models.base import HASH, ID, Base, new_id, utcnow


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
