"""An on-disk cache for work that is the same on every run, keyed by a hash of its inputs.

Used for the loaded parameter tree, the monthly encounter targets, the parsed fact sheet, the
ISO names and the report's Vega bundle. An entry is only ever found under the hash of
everything that made it (input files, the source of the code that built it, the package
version), so a cached value is the value a fresh build would give; a change to any input is
a new key and a rebuild.

Where: `$ASYLUM_PATHWAYS_CACHE_DIR`, else `$XDG_CACHE_HOME/asylum-pathways`, else
`~/.cache/asylum-pathways`. `ASYLUM_PATHWAYS_CACHE=off` turns it off (every run rebuilds).

Each entry is one file, `<kind>-<key>.bin`: a magic header, the SHA-256 of the payload, then
the payload. It is written to a temporary file in the same folder and renamed into place
(atomic on POSIX), so concurrent processes see no entry or a whole one, never half of one. An
entry that is truncated, corrupt or unreadable is a miss: the value is rebuilt and the entry
rewritten. A cache folder that cannot be written costs speed, never a result. Entries are
unpickled, so the folder is made private (0700), each entry is private (0600), and an entry
owned by another user is ignored. The newest `KEEP` entries of each kind are kept; older
ones are removed when a new one is written.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from asylum_pathways import __version__

T = TypeVar("T")
MAGIC = b"asylum-pathways cache 1\n"
KEEP = 8
_DIGEST = 32


def folder() -> Path | None:
    """The cache folder, or None when the cache is turned off."""
    if os.environ.get("ASYLUM_PATHWAYS_CACHE", "").lower() in ("0", "off", "no", "false"):
        return None
    explicit = os.environ.get("ASYLUM_PATHWAYS_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "asylum-pathways"


def key(parts: Iterable[bytes | str]) -> str:
    """SHA-256 of the package version and `parts`, each length-prefixed (so no two different
    lists of parts can run together into the same bytes)."""
    h = hashlib.sha256()
    for part in (__version__, *parts):
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def sources(*paths: Path) -> list[bytes | str]:
    """Key parts for files: each file's name and contents, in the order given."""
    parts: list[bytes | str] = []
    for path in paths:
        parts += [str(path), path.read_bytes()]
    return parts


def read(kind: str, digest: str) -> bytes | None:
    """The payload stored under (kind, key), or None if absent, unreadable or corrupt."""
    where = folder()
    if where is None:
        return None
    path = where / f"{kind}-{digest}.bin"
    try:
        if path.stat().st_uid != os.geteuid():  # entries are unpickled: only our own
            return None
        blob = path.read_bytes()
    except OSError:
        return None
    head = len(MAGIC) + _DIGEST
    if len(blob) < head or not blob.startswith(MAGIC):
        return None
    payload = blob[head:]
    if hashlib.sha256(payload).digest() != blob[len(MAGIC) : head]:
        return None
    return payload


def write(kind: str, digest: str, payload: bytes) -> None:
    """Store a payload atomically; failures (read-only or full disk) are ignored."""
    where = folder()
    if where is None:
        return
    try:
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{kind}-", suffix=".tmp", dir=where)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(MAGIC + hashlib.sha256(payload).digest() + payload)
            os.replace(tmp, where / f"{kind}-{digest}.bin")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _prune(where, kind)
    except OSError:
        return


def _prune(where: Path, kind: str) -> None:
    entries = []
    for path in where.glob(f"{kind}-*.bin"):
        try:
            entries.append((path.stat().st_mtime, path))
        except OSError:
            continue
    for _, path in sorted(entries, reverse=True)[KEEP:]:
        path.unlink(missing_ok=True)


def cached(
    kind: str,
    digest: str,
    build: Callable[[], T],
    dump: Callable[[T], bytes],
    load: Callable[[bytes], T],
) -> T:
    """The value stored under (kind, key), else `build()` (then stored)."""
    payload = read(kind, digest)
    if payload is not None:
        try:
            return load(payload)
        except Exception:  # a payload from an incompatible build: rebuild it
            pass
    value = build()
    write(kind, digest, dump(value))
    return value
