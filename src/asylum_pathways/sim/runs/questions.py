"""The study's own questions answered: a number, a probability, and what decides it.

For each `Question` of the study whose scenario is in the results: the question's daily
metric summed over its window in every replication (median and 5th-95th percentile), the
share of replications above its threshold, the demand beside the capacity over the same
window, and the drawn assumption the answer follows most above the noise floor (the
sensitivity method of `sensitivity.deciding`). The answer says what its interval includes
and, when a capacity nobody published decides it, says so in words.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from asylum_pathways.sim.fitting.draws import PRIORS, of
from asylum_pathways.sim.runs import sensitivity
from asylum_pathways.sim.runs.montecarlo import Study
from asylum_pathways.sim.runs.study import Question

LEVEL = 0.9


def answers(study: Study) -> list[dict[str, Any]]:
    """summary.json's `questions` (only those whose scenario and window the study has)."""
    names = {s.name for s in study.scenarios}
    metrics = set(study.metrics())
    out = []
    for q in study.spec.questions if study.spec is not None else ():
        if q.scenario not in names or q.metric not in metrics:
            continue
        if q.start < study.start or q.end > study.end:
            continue
        out.append(answer(study, q, metrics))
    return out


def _window(study: Study, q: Question, metric: str) -> np.ndarray:
    a, b = (q.start - study.start).days, (q.end - study.start).days
    return np.asarray(study.daily(q.scenario, metric)[:, a : b + 1].sum(axis=1), np.float64)


def _band(values: np.ndarray) -> dict[str, float]:
    lo, hi = (1 - LEVEL) / 2 * 100, (1 + LEVEL) / 2 * 100
    return {
        "median": float(np.median(values)),
        "lo": float(np.percentile(values, lo)),
        "hi": float(np.percentile(values, hi)),
        "level": LEVEL,
    }


def answer(study: Study, q: Question, metrics: set[str]) -> dict[str, Any]:
    values = _window(study, q, q.metric)
    demand = _window(study, q, q.demand) if q.demand in metrics else None
    capacity = _window(study, q, q.capacity) if q.capacity in metrics else None
    draws = of(study.posterior)
    includes = draws.includes() if draws is not None else ["monte_carlo"]
    decided = sensitivity.deciding(study, values)
    priors = {p.fitted.id for p in draws.priors.parameters} if draws and draws.priors else set()
    if decided is not None:
        decided["why"] = _why(decided, priors)
    p_above = float((values > q.threshold).mean())
    out: dict[str, Any] = {
        "id": q.id,
        "question": q.question,
        "scenario": q.scenario,
        "metric": q.metric,
        "window": {"start": q.start.isoformat(), "end": q.end.isoformat()},
        "value": _band(values),
        "threshold": q.threshold,
        "probability_above": p_above,
        "replications": int(values.shape[0]),
        "demand": _band(demand) if demand is not None else None,
        "capacity": _band(capacity) if capacity is not None else None,
        "deciding": decided,
        "interval_includes": includes,
        "unfitted": bool(decided and decided["parameter"] in priors),
    }
    out["answer"] = _sentence(q, out, includes)
    return out


def _why(decided: dict[str, Any], priors: set[str]) -> str:
    if decided["parameter"] in priors:
        return (
            "never published: drawn from a prior built from what officials said and what the "
            "agreement that operated sustained (sim/fitting/priors.yaml), not fitted to any "
            "figure"
        )
    return "fitted to published figures (the calibration posterior)"


def _sentence(q: Question, a: dict[str, Any], includes: list[str]) -> str:
    v = a["value"]
    days = (q.end - q.start).days + 1
    period = (
        f"{q.start.year}"
        if days >= 365 and q.start.month == 1
        else (f"{_day(q.start)} to {_day(q.end)}")
    )
    who = q.subject or q.metric
    text = (
        f"{who} takes {v['median']:,.0f} in {period} (median; {int(LEVEL * 100)}% of "
        f"replications between {v['lo']:,.0f} and {v['hi']:,.0f}); more than "
        f"{q.threshold:,.0f} in {a['probability_above']:.0%} of {a['replications']} "
        "replications."
    )
    d, c = a["demand"], a["capacity"]
    if d is not None and c is not None:
        binding = "capacity" if c["median"] < d["median"] else "demand"
        text += (
            f" {d['median']:,.0f} people were amenable (demand) against {c['median']:,.0f} "
            f"seats (capacity): {binding} decides."
        )
    if a["deciding"] is not None:
        text += f" It depends most on {a['deciding']['label']}, {a['deciding']['why']}."
    elif PRIORS not in includes:
        text += " Every assumption is held at its tree value, so the interval is Monte Carlo only."
    return text


def _day(d: dt.date) -> str:
    return f"{d.day} {d:%B %Y}"
