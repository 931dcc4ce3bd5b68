"""Which assumptions each finding depends on, above the noise (summary.json `sensitivity`).

The run states its findings and, for each, only the effects above its noise floor
(`findings`: finding, metric, scenario or comparison, effects with parameter, label, index, lo,
hi). A run of the older shape (`results`: an index per scenario, metric and fitted assumption,
no floor) is read with the floor its method states: a rank correlation below the 5% critical
value for its replications (about 1.96/√(n−1)) is not told apart from noise; the top few above
it are shown, each assumption named in words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

#: Effects shown per finding, largest first.
TOP = 3
#: Findings charted (largest effects first); the others are listed beneath the chart.
CHARTED = 8


@dataclass(frozen=True)
class Sensitivity:
    method: str
    floor: str  # the noise floor in words
    findings: list[dict[str, Any]]  # {finding, effects: [{label, index, lo, hi}]}, largest first
    quiet: int  # findings with no effect above the floor

    @property
    def charted(self) -> list[dict[str, Any]]:
        return self.findings[:CHARTED]

    @property
    def listed(self) -> list[str]:
        """The findings beyond the chart's, in words."""
        return [
            f"{f['finding']}: "
            + "; ".join(f"{effect_label(e)} ({float(e['index']):.2f})" for e in f["effects"])
            for f in self.findings[CHARTED:]
        ]


def effect_label(e: dict[str, Any]) -> str:
    return str(e.get("label") or e.get("parameter") or "")


def _ranked(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(found, key=lambda f: -float(f["effects"][0]["index"]))


def floor_text(floor: Any) -> str:
    """The noise floor in words: its own `text`, or its index, quantile and dummy inputs."""
    if isinstance(floor, dict):
        if floor.get("text"):
            return str(floor["text"])
        if isinstance(floor.get("index"), int | float):
            said = f"an index of {floor['index']:.2f}"
            if floor.get("dummies"):
                share = floor.get("percentile")
                which = f"the {share:.0%} quantile" if isinstance(share, int | float) else "the top"
                said += (
                    f", {which} of what {floor['dummies']} dummy inputs that act on nothing score"
                )
            return said
        return "; ".join(f"{k.replace('_', ' ')} {v}" for k, v in floor.items())
    return "" if floor is None else str(floor)


def finding_label(f: dict[str, Any], labels: dict[str, str]) -> str:
    """A finding in words: its own label, else its metric's, with its scenario or comparison."""
    metric = str(f.get("metric") or "")
    own = str(f.get("finding") or "")
    if own and own != metric:
        return own
    where = str(f.get("scenario") or f.get("comparison") or "")
    who = " − ".join(labels.get(w.strip(), w.strip()) for w in where.split(" - ") if w.strip())
    return metric_words(metric, labels) + (f" ({who})" if who else "")


def read(summary: dict[str, Any], words: dict[str, str], labels: dict[str, str]) -> Sensitivity:
    """`words`: a fitted assumption's id -> its name in words; `labels`: metric or scenario ->
    its label."""
    sens = summary.get("sensitivity") or {}
    method = str(sens.get("method") or "method not stated")
    if "findings" in sens:
        found = [
            {
                "finding": finding_label(f, labels),
                "effects": sorted(
                    f.get("effects") or [], key=lambda e: -float(e.get("index") or 0)
                )[:TOP],
            }
            for f in sens["findings"]
        ]
        shown = [f for f in found if f["effects"]]
        return Sensitivity(
            method, floor_text(sens.get("noise_floor")), shown, len(found) - len(shown)
        )
    return _older(sens.get("results") or [], summary["replications"], method, words, labels)


def _older(
    rows: list[dict[str, Any]],
    reps: int,
    method: str,
    words: dict[str, str],
    labels: dict[str, str],
) -> Sensitivity:
    critical = 1.96 / math.sqrt(max(reps - 1, 1))
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault((str(r["scenario"]), str(r["metric"])), []).append(r)
    found, quiet = [], 0
    for (scenario, metric), rs in groups.items():
        above = [r for r in rs if abs(r.get("rank_correlation") or 0) >= critical]
        if not above:
            quiet += 1
            continue
        effects = [
            {"label": words.get(r["assumption"], r["assumption"]), "index": r["index"]}
            for r in sorted(above, key=lambda r: -float(r["index"]))[:TOP]
        ]
        label = finding_label({"metric": metric, "scenario": scenario}, labels)
        found.append({"finding": label, "effects": effects})
    floor = (
        f"a rank correlation of at least {critical:.2f} in size (the 5% critical value for "
        f"{reps} replications); smaller ones are not told apart from noise"
    )
    return Sensitivity(method, floor, _ranked(found), quiet)


def metric_words(metric: str, labels: dict[str, str]) -> str:
    """A headline metric's label, else its name in words ('mpp_completed' -> 'MPP completed')."""
    if metric in labels:
        return labels[metric]
    words = metric.replace("_", " ")
    return words.replace("mpp ", "MPP ").replace("aca ", "ACA ")


def assumption_words(summary: dict[str, Any], parameters: dict[str, Any]) -> dict[str, str]:
    """A fitted assumption's id -> words: its parameter's label, and the key or dates drawn."""
    names = {p["name"]: p["label"] for p in parameters.get("parameters") or []}
    fitted = ((summary.get("uncertainty") or {}).get("posterior") or {}).get("fitted") or []
    out = {}
    for f in fitted:
        label = names.get(f.get("parameter", ""), f.get("parameter", ""))
        key = f.get("key")
        part = (
            f": {str(key).replace('*:', '').replace('_', ' ')}"
            if key
            else (f" (from {', '.join(f['dates'])})" if f.get("dates") else "")
        )
        out[str(f["id"])] = f"{label}{part}"
    return out
