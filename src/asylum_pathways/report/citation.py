"""How to cite a report: the study hash, the citation line, the licence and the footer."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from asylum_pathways.report.data import Results

LICENCE = (
    "asylum-pathways is MIT-licensed software; this report and its data may be reused with "
    "attribution (cite as below). Published figures belong to their sources, linked here."
)


def study_hash(summary: dict[str, Any]) -> str:
    """One hash for the study: version, seed, replications, horizon and every scenario's
    parameter snapshot and file (summary.json's own `study_hash` when it has one)."""
    if summary.get("study_hash"):
        return str(summary["study_hash"])
    basis = {k: summary.get(k) for k in ("version", "seed", "replications", "start", "end")} | {
        "scenarios": {
            n: [s.get("parameter_hash"), s.get("scenario_sha256")]
            for n, s in summary["scenarios"].items()
        }
    }
    return hashlib.sha256(json.dumps(basis, sort_keys=True).encode()).hexdigest()


def context(results: Results) -> dict[str, Any]:
    """The template's `cite`, `licence` and `provenance`."""
    summary = results.summary
    digest = study_hash(summary)
    created = str(summary["created"])[:10]
    return {
        "cite": f"asylum-pathways {summary['version']} (model run {created}, seed "
        f"{summary['seed']}, {summary['replications']} replications, study hash {digest[:16]}).",
        "licence": LICENCE,
        "provenance": {
            **{
                k: summary[k]
                for k in ("version", "created", "seed", "replications", "workers", "run_seconds")
            },
            "study_hash": digest,
            "hashes": {results.label(n): summary["scenarios"][n] for n in results.scenarios},
        },
    }
