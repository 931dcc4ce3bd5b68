"""Studies on disk under the data directory, one folder each, so results survive a restart.

<data-dir>/studies/<id>/status.json   what `GET /api/v1/studies/{id}` answers
<data-dir>/studies/<id>/spec.json     the study spec (the keys of `simulate`'s flags)
<data-dir>/studies/<id>/results/      what `simulate --out` writes
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import threading
import uuid
from pathlib import Path
from typing import Any

ID = re.compile(r"^[0-9a-f]{32}$")
FINAL = ("done", "failed", "cancelled")


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class StudyStore:
    def __init__(self, root: Path) -> None:
        self.root = root / "studies"
        self.root.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._status: dict[str, dict[str, Any]] = {}
        for folder in sorted(self.root.iterdir()):
            status = _read(folder / "status.json")
            if status is None or not ID.match(folder.name):
                continue
            if status["status"] not in FINAL:  # the server stopped while it ran or waited
                status.update(
                    status="failed",
                    error="interrupted by a server restart; submit the study again",
                    finished=now(),
                )
                _write(folder / "status.json", status)
            self._status[folder.name] = status

    def create(self, spec: dict[str, Any], total: int) -> str:
        study_id = uuid.uuid4().hex
        folder = self.root / study_id
        folder.mkdir()
        _write(folder / "spec.json", spec)
        status = {
            "id": study_id,
            "status": "queued",
            "progress": {"done": 0, "total": total},
            "spec": spec,
            "created": now(),
            "finished": None,
            "error": None,
        }
        with self._lock:
            self._status[study_id] = status
        _write(folder / "status.json", status)
        return study_id

    def get(self, study_id: str) -> dict[str, Any] | None:
        with self._lock:
            status = self._status.get(study_id) if ID.match(study_id) else None
            return json.loads(json.dumps(status)) if status else None

    def update(self, study_id: str, persist: bool = True, **changes: Any) -> dict[str, Any]:
        with self._lock:
            status = self._status[study_id]
            status.update(changes)
            if changes.get("status") in FINAL:
                status["finished"] = now()
            snapshot = json.loads(json.dumps(status))
        if persist:
            _write(self.root / study_id / "status.json", snapshot)
        return snapshot

    def all(self) -> list[dict[str, Any]]:
        """Every study's status, newest first."""
        with self._lock:
            studies = json.loads(json.dumps(list(self._status.values())))
        return sorted(studies, key=lambda s: s.get("created") or "", reverse=True)

    def results(self, study_id: str) -> Path:
        return self.root / study_id / "results"

    def counts(self) -> dict[str, int]:
        with self._lock:
            out: dict[str, int] = {}
            for s in self._status.values():
                out[s["status"]] = out.get(s["status"], 0) + 1
            return out


def _read(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and "status" in data else None


def _write(path: Path, data: dict[str, Any]) -> None:
    """Atomically: a crash leaves the old file or the new one, never half of one."""
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2))
    os.replace(tmp, path)
