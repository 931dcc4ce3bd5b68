"""The registry's keys, kept in a file outside the database (mode 0600).

`--keys FILE`, else $ASYLUM_PATHWAYS_KEYS, else registry-keys.json in the user config
directory. It holds the AES-256-GCM data keys by id (the newest is active; older ones decrypt
values not yet rotated and old backups), the HMAC key of the A-number blind index, and the Ed25519
key that signs audit checkpoints. A database copied without this file is ciphertext.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asylum_pathways.errors import Problem, UsageError

ENV = "ASYLUM_PATHWAYS_KEYS"
VERSION = 1


def default_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir("asylum-pathways", appauthor=False)) / (
        "registry-keys.json"
    )


def resolve_path(path: Path | None) -> Path:
    return path or (Path(os.environ[ENV]) if os.environ.get(ENV) else default_path())


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


@dataclass
class Keyring:
    path: Path
    active: str
    data_keys: dict[str, bytes]
    index_key: bytes
    signing_key: bytes
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def create(cls, path: Path) -> Keyring:
        ring = cls(
            path=path,
            active="k1",
            data_keys={"k1": secrets.token_bytes(32)},
            index_key=secrets.token_bytes(32),
            signing_key=secrets.token_bytes(32),
        )
        ring.save()
        return ring

    @classmethod
    def load(cls, path: Path) -> Keyring:
        if not path.is_file():
            msg = (
                f"no key file at {path} (`asylum-pathways registry init` creates one; give "
                f"--keys FILE or ${ENV} to use another)"
            )
            raise UsageError(f"--keys: {msg}", [Problem(("--keys",), msg, str(path))])
        try:
            raw = json.loads(path.read_text())
            return cls(
                path=path,
                active=raw["active"],
                data_keys={k: base64.b64decode(v) for k, v in raw["data_keys"].items()},
                index_key=base64.b64decode(raw["index_key"]),
                signing_key=base64.b64decode(raw["signing_key"]),
            )
        except (ValueError, KeyError, TypeError):
            msg = "not a registry key file (expected the JSON `registry init` writes)"
            raise UsageError(f"--keys {path}: {msg}", [Problem(("--keys",), msg)]) from None

    @classmethod
    def open(cls, path: Path | None, *, create: bool = False) -> Keyring:
        chosen = resolve_path(path)
        if create and not chosen.exists():
            return cls.create(chosen)
        return cls.load(chosen)

    def add_data_key(self) -> str:
        """A new active data key (`registry rotate-key`); the old ones stay for old values."""
        number = 1 + max(int(k[1:]) for k in self.data_keys)
        kid = f"k{number}"
        self.data_keys[kid] = secrets.token_bytes(32)
        self.active = kid
        return kid

    def save(self) -> None:
        """Written to a temporary file (mode 0600) and renamed into place."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        body = {
            "version": VERSION,
            "active": self.active,
            "data_keys": {k: _b64(v) for k, v in self.data_keys.items()},
            "index_key": _b64(self.index_key),
            "signing_key": _b64(self.signing_key),
        }
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            json.dump(body, out, indent=2)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, self.path)
