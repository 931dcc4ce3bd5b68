"""One card per scenario: its colour, its description and four of its headline figures."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from asylum_pathways.report.charts import SCENARIO_COLORS
from asylum_pathways.report.data import Results
from asylum_pathways.report.findings import fmt


def cards(results: Results, notes: Mapping[str, str]) -> list[dict[str, Any]]:
    """`notes`: the study's one-sentence descriptions (empty for a run that is not the study
    as it is: then each scenario's own description)."""
    out = []
    for i, n in enumerate(results.scenarios):
        info = results.summary["scenarios"][n]
        h = info["headline"]
        aca_n = sum(h[k]["mean"] for k in h if k.startswith("aca_transfers_"))
        out.append(
            {
                "name": n,
                "label": results.label(n),
                "color": SCENARIO_COLORS[i % len(SCENARIO_COLORS)],
                "description": notes.get(n, info["description"].split(". ")[0]),
                "numbers": [
                    ("Title 42 expulsions", fmt(h["title42_expulsions"])),
                    ("ACA transfers", f"{aca_n:,.0f}"),
                    ("MPP enrolments", fmt(h["mpp_enrolled"])),
                    ("MPP cases pending at the end", fmt(h["mpp_pending_end"])),
                ],
            }
        )
    return out
