"""The registry's one declarative base (one metadata for every table), its identifier and hash
columns, and its clock.

Identifiers are random (uuid4 hex), so an identifier in a URL says nothing about how many cases
there are or when one was made; the audit log's are consecutive, its order being what its hash
chain protects. Times are UTC (naive).
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase

ID = String(32)
HASH = String(64)


def new_id() -> str:
    return uuid.uuid4().hex


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass
