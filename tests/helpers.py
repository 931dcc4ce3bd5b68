"""Shared test helpers: a complete generated record, and the CLI run as a user runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
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


REF = "  reference:\n    - {title: Hypothetical agreement for the test, href: https://example.org/aca-dm}\n"


def _write(folder: Path, leaf: str, unit: str, value: str, items: str = "") -> None:
    items_line = f"  items: {items}\n" if items else ""
    (folder / f"{leaf}.yaml").write_text(
        f"description: Test agreement {leaf}.\nmetadata:\n  label: Dominica {leaf}\n"
        f"  unit: {unit}\n{items_line}{REF}values:\n  2025-07-01: {{value: {value}}}\n"
    )


def add_partner(root: Path, start: str = "2025-07-01", sectors: str = "all") -> None:
    """Dominica (no agreement in the tree) as a receiving country: parameter files only, law and
    assumptions."""
    folder = root / "law/aca/agreements/dm"
    folder.mkdir()
    _write(folder, "in_force", "bool", "true")
    _write(folder, "transfers_operating", "bool", "true")
    _write(folder, "amenable_nationalities", "list", "[HN, SV, GT]", "country")
    _write(folder, "amenable_demographics", "list", "[SA]", "demographic")
    _write(folder, "implementing_sectors", "list", sectors, "sector")
    _write(
        folder,
        "exclusions",
        "list",
        "[nationals_of_receiving_country, unaccompanied_children]",
        "aca_exclusion",
    )
    _write(folder, "assignment_rank", "count", "0")
    ops = root / "assumptions/aca/agreements/dm"
    ops.mkdir()
    _write(ops, "seats_per_week", "persons_per_week", "50")
    _write(ops, "annual_cap", "persons_per_year", "null")
    _write(ops, "daily_limit", "persons_per_day", "null")
    _write(ops, "flight_weekdays", "list", '["2"]', "text")
    if start != "2025-07-01":
        for path in [*folder.glob("*.yaml"), *ops.glob("*.yaml")]:
            path.write_text(path.read_text().replace("2025-07-01", start))


def run_scenarios(scenarios, start, end, reps, seed, draws=None, **runtime):  # type: ignore[no-untyped-def]
    """`run_study` on scenarios already loaded (named in the spec by their names), drawing
    `draws` (default: none, every assumption fixed); `runtime`: the `Runtime`'s fields."""
    from asylum_pathways.sim.runs.montecarlo import run_study
    from asylum_pathways.sim.runs.runtime import Runtime
    from asylum_pathways.sim.runs.study import StudySpec

    spec = StudySpec(
        tuple(s.name for s in scenarios),
        start,
        end,
        reps=reps,
        seed=seed,
        parameters="fixed" if draws is None else "posterior",
    )
    return run_study(spec, Runtime(scenarios=tuple(scenarios), draws=draws, **runtime))
