"""The study's own questions, answered first (summary.json `questions`, written by the run).

Each question names its scenario, a metric over a window, and a threshold; the run gives the
figure for the window (median and interval at a stated level), the probability it exceeds the
threshold, the demand (people amenable in the window) beside the capacity, the assumption that
decides the answer, and what the interval includes. A question whose scenario is not in the run
is not shown.
"""

from __future__ import annotations

from typing import Any

from asylum_pathways.report.heading import day

#: What an interval may include (summary.json `interval_includes`), in words.
INCLUDES = {
    "monte_carlo": "Monte Carlo variation (chance among the simulated people and events)",
    "fitted_parameters": "uncertainty in the fitted assumptions (the calibration posterior)",
    "capacity_priors": "the capacity priors (unpublished capacities drawn from what was said)",
}
#: The run's own name of a kind (summary.json `uncertainty.includes`, `interval_includes`).
ALIASES = {"parameters": "fitted_parameters"}


def kind(name: Any) -> str:
    """A kind of uncertainty under the report's name (`parameters` is `fitted_parameters`)."""
    return ALIASES.get(str(name), str(name))


def includes_words(kinds: list[str]) -> str:
    """'Monte Carlo variation …, and the capacity priors …; not: …' for a list of kinds."""
    kinds = list(dict.fromkeys(kind(k) for k in kinds))
    have = [INCLUDES.get(k, k.replace("_", " ")) for k in kinds]
    missing = [text for k, text in INCLUDES.items() if k not in kinds]
    said = "; ".join(have) if have else "nothing stated"
    return said + (f". Not included: {'; '.join(missing)}" if missing else "")


def number(x: Any) -> str:
    if not isinstance(x, int | float):
        return "—"
    return f"{x:,.0f}" if abs(x) >= 10 or x == int(x) else f"{x:.2f}"


def probability(p: Any, reps: int = 0) -> str:
    """The share of replications above the threshold; none or all of them said so."""
    if not isinstance(p, int | float):
        return "not stated"
    if reps and p in (0, 1):
        return f"{'none' if p == 0 else 'all'} of the {reps} replications"
    if p < 0.01:
        return "under 1%"
    if p > 0.99:
        return "over 99%"
    return f"{p:.0%}"


def interval(figure: dict[str, Any], level: Any = None) -> str:
    """'90% interval: 1,616–1,631'."""
    shown = f"{level:.0%} interval" if isinstance(level, int | float) else "interval"
    return f"{shown}: {number(figure.get('lo'))}–{number(figure.get('hi'))}"


def spread(figure: dict[str, Any] | None, level: Any = None) -> str:
    """'1,624 (90% interval: 1,616–1,631)'; no figure: 'no limit'."""
    if not figure:
        return "no limit"
    return f"{number(figure.get('median'))} ({interval(figure, level)})"


def view(q: dict[str, Any], label: str, reps: int) -> dict[str, Any]:
    """One question as the page shows it."""
    value = q.get("value") or {}
    window = q.get("window") or {}
    deciding = q.get("deciding") or {}
    level = value.get("level")
    start, end = window.get("start"), window.get("end")
    return {
        "id": str(q.get("id", "")),
        "question": str(q.get("question", "")),
        "scenario": label,
        "window": f"{day(start)} to {day(end)}" if start and end else "",
        "value": number(value.get("median")),
        "interval": interval(value, level) if value else "",
        "threshold": number(q.get("threshold")),
        "probability": probability(q.get("probability_above"), int(q.get("replications") or reps)),
        "reps": int(q.get("replications") or reps),
        "demand": spread(q.get("demand"), level) if q.get("demand") else "",
        "capacity": spread(q.get("capacity"), level),
        "deciding": str(
            deciding.get("label")
            or deciding.get("parameter")
            or "none: no drawn assumption clears the noise floor"
        ),
        "unfitted": _unfitted(q.get("unfitted"), deciding),
        "deciding_name": str(deciding.get("parameter") or ""),
        "why": str(deciding.get("why") or ""),
        "includes": includes_words(list(q.get("interval_includes") or [])),
        "answer": str(q.get("answer", "")),
    }


def _unfitted(flag: Any, deciding: dict[str, Any]) -> str:
    """The answer is set by an assumption nobody fitted: in words (the run's sentence, or the
    deciding assumption's name)."""
    if isinstance(flag, str):
        return flag
    if flag:
        name = deciding.get("label") or deciding.get("parameter") or "an assumption"
        return f"{name} was never published or fitted; the answer follows its prior"
    return ""


def questions(summary: dict[str, Any], labels: dict[str, str]) -> list[dict[str, Any]]:
    """The run's questions whose scenario is in the run, in the run's order."""
    return [
        view(q, labels[q["scenario"]], int(summary.get("replications") or 0))
        for q in summary.get("questions") or []
        if isinstance(q, dict) and q.get("scenario") in labels
    ]
