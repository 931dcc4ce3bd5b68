"""What each headline interval includes, and which figures an unfitted assumption sets.

summary.json `interval_includes` is one list for the study, or per scenario a list or a
mapping of metric to list (kinds: monte_carlo, fitted_parameters, capacity_priors);
`unfitted` maps a metric to a sentence naming the unfitted assumption that sets it. Without
`interval_includes`, `uncertainty.includes` says it for every figure (`parameters`: the fitted
ones).
"""

from __future__ import annotations

import string
from collections import Counter
from typing import Any

from asylum_pathways.report.questions import includes_words, kind


def kinds(summary: dict[str, Any], scenario: str, metric: str) -> tuple[str, ...]:
    """The kinds of uncertainty the interval of `metric` under `scenario` includes."""
    given = summary.get("interval_includes")
    if isinstance(given, dict):
        mine = given.get(scenario)
        if isinstance(mine, dict):
            mine = mine.get(metric, mine.get("*"))
        given = mine
    if not isinstance(given, list):
        given = (summary.get("uncertainty") or {}).get("includes") or ["monte_carlo"]
    return tuple(kind(k) for k in given)


def legend(
    summary: dict[str, Any], cells: list[tuple[str, str]]
) -> tuple[dict[tuple[str, str], str], list[tuple[str, str]]]:
    """A mark per (scenario, metric) cell and the legend [(mark, words)]: the set of kinds most
    cells share is unmarked (mark ''), each other set gets a letter."""
    sets = {cell: kinds(summary, *cell) for cell in cells}
    counts = Counter(sets.values())
    if not counts:
        return {}, []
    common = max(counts, key=lambda k: (counts[k], -list(counts).index(k)))
    others = [k for k in counts if k != common]
    marks = dict(zip(others, string.ascii_lowercase, strict=False)) | {common: ""}
    return (
        {cell: marks[k] for cell, k in sets.items() if marks[k]},
        [(marks[k], includes_words(list(k))) for k in [common, *others]],
    )


def unfitted(summary: dict[str, Any]) -> dict[str, str]:
    return {str(k): str(v) for k, v in (summary.get("unfitted") or {}).items()}
