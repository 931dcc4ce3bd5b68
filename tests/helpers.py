"""Shared test helpers: a complete generated record, and the CLI run as a user runs it."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

#: A complete record of a Spanish-speaking Honduran single adult in El Paso who claims fear.
COMPLETE: dict[str, Any] = {
    "sector": "EPT",
    "citizenship": "HN",
    "demographic": "SA",
    "age": 30,
    "language": "es",
    "claims_fear": True,
    "valid_travel_documents": False,
    "criminal_history": False,
    "known_health_issue": False,
    "returning_lpr": False,
    "advance_parole": False,
}


def record(**fields: Any) -> dict[str, Any]:
    return {**COMPLETE, **fields}


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "asylum_pathways", *args],
        capture_output=True,
        text=True,
        check=False,
    )
