"""The law and assumptions as the report shows them (parameters.json): the values in force over
the horizon, the values that differ between scenarios, and each full history folded beneath.
Each table lists its citations once, numbered; a value cites them by number."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from asylum_pathways.report import glossary
from asylum_pathways.report.data import Results
from asylum_pathways.report.heading import day

#: Dated values shown in a cell before the rest are left to the folded history.
SHOWN = 4


def link_text(ref: dict[str, Any]) -> str:
    return str(ref.get("title") or urlparse(str(ref.get("href", ""))).netloc)


def in_horizon(history: list[dict[str, Any]], start: str, end: str) -> list[dict[str, Any]]:
    """The dated values in force on some day from `start` to `end` (ISO dates)."""
    return [v for v in history if v["from"] <= end and (v["until"] is None or v["until"] >= start)]


@dataclass
class Citations:
    """One table's references, numbered in order of first citation."""

    table: str
    refs: list[dict[str, str]] = field(default_factory=list)
    numbers: dict[str, int] = field(default_factory=dict)

    def cite(self, refs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for r in refs:
            key = str(r.get("href") or r.get("title"))
            if key not in self.numbers:
                n = len(self.refs) + 1
                self.refs.append(
                    {"href": str(r.get("href", "")), "text": link_text(r), "id": self.id(n)}
                )
                self.numbers[key] = n
            n = self.numbers[key]
            out.append({"n": n, "id": self.id(n)})
        return out

    def id(self, n: int) -> str:
        return f"ref-{self.table}-{n}"


@dataclass
class Shown:
    """How values are put into words: the table's citations, the scenarios' labels, and
    every text shown (the glossary explains the codes in them)."""

    cites: Citations
    labels: dict[str, str]
    texts: list[str]

    def value(self, v: dict[str, Any], param: dict[str, Any]) -> dict[str, Any]:
        text = glossary.value_text(v["value"])
        self.texts.append(text)
        by = v.get("set_by_scenario")
        return {
            "from": day(v["from"]),
            "text": text,
            "cites": self.cites.cite(v.get("references") or param.get("references") or []),
            "set_by": self.labels.get(by, by) if by else "",
        }

    def cell(self, values: list[dict[str, Any]], param: dict[str, Any]) -> dict[str, Any]:
        """At most SHOWN values, the first and the last ones, and how many are left out."""
        keep = values if len(values) <= SHOWN else [*values[: SHOWN - 1], values[-1]]
        return {
            "values": [self.value(v, param) for v in keep],
            "more": len(values) - len(keep),
            "gap": SHOWN - 1 if len(values) > SHOWN else None,
        }


def _key(v: dict[str, Any]) -> tuple[str, str]:
    return v["from"], json.dumps(v["value"], sort_keys=True)


def differing(results: Results, shown: Shown) -> list[dict[str, Any]]:
    """Parameters whose histories differ between scenarios: per scenario, the values in force
    over the horizon that not every scenario shares, and each full history."""
    start, end = results.summary["start"], results.summary["end"]
    rows = []
    for p in results.parameters.get("parameters") or []:
        if "scenarios" not in p:
            continue
        histories = {n: p["scenarios"].get(n) or [] for n in results.scenarios}
        current = {n: in_horizon(h, start, end) for n, h in histories.items()}
        common = set.intersection(*({_key(v) for v in c} for c in current.values()))
        cells = {
            n: shown.cell([v for v in c if _key(v) not in common], p) for n, c in current.items()
        }
        rows.append(
            {
                "label": p["label"],
                "name": p["name"],
                "cells": cells,
                "shared": len(common),
                "history": {n: [shown.value(v, p) for v in h] for n, h in histories.items()},
            }
        )
    return rows


def drawn_text(summary: dict[str, Any], name: str) -> str:
    """'drawn per replication: absence_first 0.41 (5–95%: 0.28–0.52)' for a fitted assumption."""
    fitted = (summary.get("uncertainty") or {}).get("posterior") or {}
    parts = []
    for f in fitted.get("fitted") or []:
        if f.get("parameter") != name:
            continue
        what = f.get("key") or "value"
        numbers = (
            f" {glossary.value_text(f['median'])} (5–95%: {glossary.value_text(f['p5'])}–"
            f"{glossary.value_text(f['p95'])})"
            if all(isinstance(f.get(k), int | float) for k in ("median", "p5", "p95"))
            else ""
        )
        dates = f" (values of {', '.join(f['dates'])})" if f.get("dates") else ""
        flag = "; uninformed: its posterior equals its prior" if f.get("uninformed") else ""
        parts.append(f"{what}{dates}{numbers}{flag}")
    return (
        ("Drawn per replication from the calibration posterior: " + "; ".join(parts) + ".")
        if parts
        else ""
    )


def in_force(results: Results, section: str, shown: Shown) -> dict[str, Any]:
    """The parameters of `section` that every scenario shares: the values in force over the
    horizon, whether a run draws them, and every full history; and the names of those with no
    value in force."""
    start, end = results.summary["start"], results.summary["end"]
    rows, idle = [], []
    for p in results.parameters.get("parameters") or []:
        if "values" not in p or p["section"] != section:
            continue
        current = in_horizon(p["values"], start, end)
        if not current:
            idle.append(p["name"])
        rows.append(
            {
                "label": p["label"],
                "name": p["name"],
                "note": p.get("note") or p.get("description") or "",
                "current": shown.cell(current, p) if current else None,
                "drawn": drawn_text(results.summary, p["name"]),
                "history": [shown.value(v, p) for v in p["values"]],
            }
        )
    return {"rows": rows, "idle": idle}


def fitted(summary: dict[str, Any], labels: dict[str, str]) -> list[dict[str, Any]]:
    """The fitted assumptions each replication draws: where, the posterior's median and 5–95%,
    and whether the fit left it where its prior was (uninformed)."""
    post = (summary.get("uncertainty") or {}).get("posterior") or {}
    out = []
    for f in post.get("fitted") or []:
        number = all(isinstance(f.get(k), int | float) for k in ("median", "p5", "p95"))
        out.append(
            {
                "id": f.get("id", ""),
                "label": labels.get(f.get("parameter", ""), f.get("parameter", "")),
                "key": f.get("key") or "",
                "posterior": (
                    f"{glossary.value_text(f['median'])} ({glossary.value_text(f['p5'])}–"
                    f"{glossary.value_text(f['p95'])})"
                    if number
                    else ""
                ),
                "uninformed": bool(f.get("uninformed")),
            }
        )
    return out
