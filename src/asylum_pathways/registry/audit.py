"""The audit log: every read and write of a case appends a row in the same transaction, naming
who, when (UTC), the action, the object and the fields by name, never their values.

Rows are numbered 1, 2, 3, ... and each row's hash is SHA-256 over its own content and the hash
of the row before, so an edited, deleted or reordered row breaks the chain where it happened; a
truncated tail is caught against a checkpoint: the head's number and hash signed with an Ed25519
key kept outside the database (`keys`). Appends are serialised (an advisory lock on PostgreSQL;
`BEGIN IMMEDIATE` on SQLite), so the chain never forks.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from asylum_pathways.errors import Problem, UsageError
from asylum_pathways.registry.keys import Keyring
from asylum_pathways.registry.models import AuditEntry, utcnow

GENESIS = "0" * 64
LOCK_KEY = 7_310_021  # the advisory lock serialising appends on PostgreSQL


@dataclass(frozen=True)
class Entry:
    """What one audit row says (the row number, time and hashes are added on append)."""

    actor: str
    org_id: str | None
    action: str
    object_type: str
    object_id: str | None
    fields: tuple[str, ...] = ()


def row_hash(
    id: int,
    at: dt.datetime,
    entry: Entry,
    prev_hash: str,
) -> str:
    canon = json.dumps(
        [
            id,
            at.isoformat(timespec="microseconds"),
            entry.actor,
            entry.org_id,
            entry.action,
            entry.object_type,
            entry.object_id,
            sorted(entry.fields),
            prev_hash,
        ],
        separators=(",", ":"),
    )
    return hashlib.sha256(canon.encode()).hexdigest()


def append(session: Session, entries: Sequence[Entry]) -> list[int]:
    """Append `entries` after the head in this transaction; returns their row numbers."""
    if not entries:
        return []
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_KEY})
    head = session.execute(
        select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    last_id, prev = (head[0], head[1]) if head else (0, GENESIS)
    at = utcnow()
    rows: list[dict[str, Any]] = []
    for i, entry in enumerate(entries, start=last_id + 1):
        digest = row_hash(i, at, entry, prev)
        rows.append(
            {
                "id": i,
                "at": at,
                "actor": entry.actor,
                "org_id": entry.org_id,
                "action": entry.action,
                "object_type": entry.object_type,
                "object_id": entry.object_id,
                "fields": sorted(entry.fields),
                "prev_hash": prev,
                "hash": digest,
            }
        )
        prev = digest
    session.execute(insert(AuditEntry), rows)
    return list(range(last_id + 1, last_id + 1 + len(rows)))


@dataclass(frozen=True)
class Verdict:
    ok: bool
    rows: int
    head_id: int
    head_hash: str
    first_bad: int | None = None
    reason: str = ""

    def message(self) -> str:
        if self.ok:
            return f"the audit log verifies: {self.rows:,} rows, head {self.head_id} ({self.head_hash[:12]}…)"
        return f"the audit log does not verify: row {self.first_bad}: {self.reason}"


def verify(
    session: Session, checkpoint: dict[str, Any] | None = None, keys: Keyring | None = None
) -> Verdict:
    """Recompute the chain from row 1; name the first row that is not what the chain says."""
    if checkpoint is not None:
        if keys is None:
            raise ValueError("a checkpoint is verified with the keyring's signing key")
        _check_signature(checkpoint, keys)
    prev_id, prev_hash, count = 0, GENESIS, 0
    stream = session.execute(
        select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=5000)
    )
    for row in stream.scalars():
        count += 1
        if row.id != prev_id + 1:
            missing = prev_id + 1
            return Verdict(
                False,
                count,
                prev_id,
                prev_hash,
                missing,
                f"missing: the log goes from row {prev_id} to row {row.id} (deleted)",
            )
        if row.prev_hash != prev_hash:
            return Verdict(
                False,
                count,
                prev_id,
                prev_hash,
                row.id,
                "its previous-hash does not match row "
                f"{prev_id}'s hash (a row before it was edited, deleted or reordered)",
            )
        entry = Entry(
            row.actor, row.org_id, row.action, row.object_type, row.object_id, tuple(row.fields)
        )
        if row_hash(row.id, row.at, entry, row.prev_hash) != row.hash:
            return Verdict(
                False,
                count,
                prev_id,
                prev_hash,
                row.id,
                "its content does not match its hash (edited or reordered)",
            )
        prev_id, prev_hash = row.id, row.hash
    if checkpoint is not None:
        want_id, want_hash = int(checkpoint["head_id"]), str(checkpoint["head_hash"])
        if prev_id < want_id:
            return Verdict(
                False,
                count,
                prev_id,
                prev_hash,
                prev_id + 1,
                f"missing: the checkpoint signed row {want_id} but the log ends at row "
                f"{prev_id} (truncated)",
            )
        at_checkpoint = session.get(AuditEntry, want_id)
        if at_checkpoint is None or at_checkpoint.hash != want_hash:
            return Verdict(
                False,
                count,
                prev_id,
                prev_hash,
                want_id,
                "its hash is not the one the checkpoint signed (the log was rewritten)",
            )
    return Verdict(True, count, prev_id, prev_hash)


def _signing_key(keys: Keyring) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(keys.signing_key)


def _message(head_id: int, head_hash: str) -> bytes:
    return f"asylum-pathways audit checkpoint {head_id} {head_hash}".encode()


def checkpoint(session: Session, keys: Keyring) -> dict[str, Any]:
    """The head of the log, signed (`registry audit checkpoint`)."""
    head = session.execute(
        select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    head_id, head_hash = (head[0], head[1]) if head else (0, GENESIS)
    key = _signing_key(keys)
    from cryptography.hazmat.primitives import serialization

    public = key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return {
        "format": "asylum-pathways/audit-checkpoint/v1",
        "head_id": head_id,
        "head_hash": head_hash,
        "signed_at": utcnow().isoformat(timespec="seconds") + "Z",
        "public_key": base64.b64encode(public).decode(),
        "signature": base64.b64encode(key.sign(_message(head_id, head_hash))).decode(),
    }


def _check_signature(cp: dict[str, Any], keys: Keyring) -> None:
    try:
        signature = base64.b64decode(cp["signature"])
        _signing_key(keys).public_key().verify(
            signature, _message(int(cp["head_id"]), str(cp["head_hash"]))
        )
    except (KeyError, ValueError, TypeError, InvalidSignature):
        msg = "the checkpoint's signature does not verify with this registry's key"
        raise UsageError(f"--checkpoint: {msg}", [Problem(("--checkpoint",), msg)]) from None


def read_checkpoint(path: Path) -> dict[str, Any]:
    from asylum_pathways.io.files import read_bytes

    try:
        data = json.loads(read_bytes(path, "checkpoint", UsageError))
        if not isinstance(data, dict) or "head_id" not in data:
            raise ValueError
        return data
    except ValueError:
        msg = "not an audit checkpoint (expected the JSON `registry audit checkpoint` writes)"
        raise UsageError(f"--checkpoint {path}: {msg}", [Problem(("--checkpoint",), msg)]) from None


def entries_for(
    actor: str,
    org_id: str | None,
    action: str,
    object_type: str,
    ids: Iterable[str],
    fields: tuple[str, ...] = (),
) -> list[Entry]:
    return [Entry(actor, org_id, action, object_type, i, fields) for i in ids]
