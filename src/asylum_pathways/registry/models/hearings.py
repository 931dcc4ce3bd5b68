"""Hearings as they stand, every earlier version of each, and what the calendar feed last
said of each deadline."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from asylum_pathways.registry.models.base import ID, Base, new_id, utcnow


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
