"""The report's tables: headline figures, differences, the validation table, and the law and
assumptions, each as rows for the page and as a CSV download."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import polars as pl

from asylum_pathways.report import fit, glossary
from asylum_pathways.report.data import Results
from asylum_pathways.report.findings import fmt, signed
from asylum_pathways.report.page import data_url


def link_text(ref: dict[str, Any]) -> str:
    return str(ref.get("title") or urlparse(str(ref.get("href", ""))).netloc)


def headline(results: Results, rows: tuple[tuple[str, str], ...], data_dir: Path) -> dict[str, Any]:
    """The headline table (the study's rows the run has) and its CSV."""
    names = results.scenarios
    h = {n: results.summary["scenarios"][n]["headline"] for n in names}
    shown = [(key, row_label) for key, row_label in rows if key in h[names[0]]]
    table = [{"label": lab, "cells": [fmt(h[n][key]) for n in names]} for key, lab in shown]
    csv = data_url(
        pl.DataFrame([{"metric": k, "scenario": n, **h[n][k]} for k, _ in shown for n in names]),
        data_dir / "headline.csv",
    )
    return {"headline": table, "headline_csv": csv}


def differences(results: Results, diffs: pl.DataFrame, data_dir: Path) -> dict[str, Any]:
    label = results.label
    rows = [
        {
            "comparison": f"{label(r['scenario'])} − {label(r['baseline'])}",
            "figure": r["figure"],
            "value": signed(r),
        }
        for r in diffs.filter(~pl.col("all_zero")).to_dicts()
    ]
    return {"diff_rows": rows, "diff_csv": data_url(diffs, data_dir / "headline_differences.csv")}


def validation(fit_table: pl.DataFrame, data_dir: Path) -> dict[str, Any]:
    rows = [
        {
            "quantity": r["quantity"],
            "date": str(r["date"]),
            "kind": fit.KIND_LABELS.get(r["kind"], r["kind"]),
            "source": r["source"],
            "host": urlparse(r["source"]).netloc.removeprefix("www.") or "source",
            "published": fit.BOUND_SIGN.get(r.get("relation") or "", "")
            + fit.number(r["published"]),
            "model": f"{fit.number(r['model_mean'])} ({fit.number(r['model_p5'])}–"
            f"{fit.number(r['model_p95'])})",
            "close": "yes" if r["close"] else "no",
        }
        for r in fit_table.to_dicts()
    ]
    return {"validation": rows, "validation_csv": data_url(fit_table, data_dir / "validation.csv")}


def _differing_csv(differing: list[dict[str, Any]], path: Path) -> str:
    return data_url(
        pl.DataFrame(
            [
                {
                    "parameter": p["name"],
                    "scenario": s,
                    "from": v["from"],
                    "value": json.dumps(v["value"]),
                    "source": (v["references"][0]["href"] if v["references"] else ""),
                }
                for p in differing
                for s, vals in p["scenarios"].items()
                for v in vals
            ],
            schema=dict.fromkeys(("parameter", "scenario", "from", "value", "source"), pl.String),
        ),
        path,
    )


def _assumptions_csv(assumptions: list[dict[str, Any]], path: Path) -> str:
    return data_url(
        pl.DataFrame(
            [
                {
                    "assumption": a["name"],
                    "from": v["from"],
                    "value": json.dumps(v["value"]),
                    "note": a.get("note") or "",
                }
                for a in assumptions
                for v in a["values"]
            ],
            schema=dict.fromkeys(("assumption", "from", "value", "note"), pl.String),
        ),
        path,
    )


def parameters(results: Results, data_dir: Path, shown: list[str]) -> dict[str, Any]:
    """The law and assumptions that differ between the scenarios, and every assumption;
    `shown` collects each printed value's text (for the glossary)."""
    summary = results.summary
    differing = summary.get("parameters_differing", [])
    assumptions = summary.get("assumptions", [])

    def view(v: dict[str, Any]) -> dict[str, Any]:
        text = glossary.value_text(v["value"])
        shown.append(text)
        return {
            "from": v["from"],
            "text": text,
            "refs": [{"href": r["href"], "text": link_text(r)} for r in v["references"]],
        }

    return {
        "differing": [
            {
                "label": p["label"],
                "name": p["name"],
                "scenarios": {s: [view(v) for v in vals] for s, vals in p["scenarios"].items()},
            }
            for p in differing
        ],
        "differing_csv": _differing_csv(differing, data_dir / "parameters_differing.csv"),
        "assumptions": [
            {
                "label": a["label"],
                "name": a["name"],
                "note": a.get("note") or a.get("description") or "",
                "values": [view(v) for v in a["values"]],
            }
            for a in assumptions
        ],
        "assumptions_csv": _assumptions_csv(assumptions, data_dir / "assumptions.csv"),
    }
