"""A case's tables: the case, its people (identity and facts encrypted) and its events."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from asylum_pathways.registry.models.base import HASH, ID, Base, new_id, utcnow


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
