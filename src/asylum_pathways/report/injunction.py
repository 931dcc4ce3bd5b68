"""The Ninth Circuit injunction against both baselines: the plan it would have changed
(`outlook`) and what happened (`history`), one figure per window, each window named once.

The study's windows (study.json) say which days a figure sums; a circuit window (`circuit`)
with the same metric and days says how much of it fell where the injunction would reach. A
window whose days differ between two scenarios is said to differ, not silently compared.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from asylum_pathways.intervals import summarize
from asylum_pathways.report.differences import replicates
from asylum_pathways.report.findings import difference, fmt
from asylum_pathways.report.heading import day
from asylum_pathways.report.study import StudyView, Window


def _days(w: Window, name: str) -> tuple[str, str] | None:
    d = w.days.get(name)
    return (str(d["start"]), str(d["end"])) if d else None


def _paired(summary: dict[str, Any], a: str, b: str, key: str) -> dict[str, float] | None:
    x, y = replicates(summary, a, key), replicates(summary, b, key)
    if x is None or y is None:
        return None
    return summarize(np.asarray(x) - np.asarray(y))


def _where(study: StudyView, w: Window) -> Window | None:
    """The circuit window with the same metric and days as `w`."""
    return next(
        (
            c
            for c in study.windows
            if c.circuit is not None and c.metric == w.metric and c.days == w.days
        ),
        None,
    )


def against(
    summary: dict[str, Any], study: StudyView, w: Window, injunction: str, base: str, noun: str
) -> str:
    """'against The plan … (18,720, 5,620 of them in California and Arizona): 5,620 fewer MPP
    enrolments (5,594–5,638), every one of those' for one baseline."""
    label = str(summary["scenarios"][base].get("label") or base)
    d = _paired(summary, injunction, base, w.name)
    level = summary["scenarios"][base]["headline"].get(w.name)
    if d is None or level is None:
        return ""
    circuit = _where(study, w)
    own = summary["scenarios"][base]["headline"].get(circuit.name) if circuit else None
    there = f", {own['mean']:,.0f} of them in California and Arizona" if own is not None else ""
    text = f"against {label} ({level['mean']:,.0f}{there}): " + difference(
        d["mean"], d["p5"], d["p95"], noun
    )
    if own is not None and own["mean"] and d["p95"] < 0:
        share = -d["mean"] / own["mean"]
        text += (
            ", every one of those in California and Arizona"
            if abs(share - 1) < 0.01
            else f", {share:.0%} of those in California and Arizona"
        ) + ", who would have been processed in the US instead"
    mine, theirs = _days(w, injunction), _days(w, base)
    if theirs and mine != theirs:
        text += f" (under {label} the window runs {day(theirs[0])} to {day(theirs[1])})"
    return text


def findings(summary: dict[str, Any], study: StudyView, labels: dict[str, str]) -> list[str]:
    """One sentence per window: the injunction's figure against each baseline in the run."""
    roles = study.roles
    s = summary["scenarios"]
    injunction = roles.get("injunction", "")
    if injunction not in s:
        return []
    baselines: list[str] = [
        b for b in (roles.get("outlook"), roles.get("history")) if b and b in s and b != injunction
    ]
    out = []
    for w in study.windows:
        if w.circuit is not None or w.name not in s[injunction]["headline"] or not baselines:
            continue
        days = _days(w, injunction)
        if days is None:
            continue
        noun = labels.get(w.name, w.metric).split(",")[0].strip() or w.metric
        parts = [
            t for t in (against(summary, study, w, injunction, b, noun) for b in baselines) if t
        ]
        if not parts:
            continue
        level = s[injunction]["headline"][w.name]
        out.append(
            f"From {day(days[0])} to {day(days[1])} (one window: “{labels.get(w.name, w.name)}”), "
            "had the Ninth Circuit injunction taken effect "
            f"({s[injunction].get('label') or injunction}): {fmt(level)} — "
            + "; ".join(parts)
            + "."
        )
    return out
