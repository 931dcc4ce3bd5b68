"""The report's tables: headline figures, differences, the validation table, and the law and
assumptions, each as rows for the page and as a CSV download."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import polars as pl

from asylum_pathways.report import fit, includes
from asylum_pathways.report import parameters as params
from asylum_pathways.report.data import Results
from asylum_pathways.report.findings import fmt, signed
from asylum_pathways.report.page import data_url


def headline(results: Results, rows: tuple[tuple[str, str], ...], data_dir: Path) -> dict[str, Any]:
    """The headline table (the study's rows the run has) and its CSV; each cell marked with
    what its interval includes when that differs between cells, and a row set by an unfitted
    assumption says so."""
    names = results.scenarios
    h = {n: results.summary["scenarios"][n]["headline"] for n in names}
    shown = [(key, row_label) for key, row_label in rows if key in h[names[0]]]
    marks, said = includes.legend(results.summary, [(n, k) for k, _ in shown for n in names])
    notes = includes.unfitted(results.summary)
    table = [
        {
            "label": lab,
            "unfitted": notes.get(key, ""),
            "cells": [fmt(h[n][key]) for n in names],
            "marks": [marks.get((n, key), "") for n in names],
        }
        for key, lab in shown
    ]
    csv = data_url(
        pl.DataFrame([{"metric": k, "scenario": n, **h[n][k]} for k, _ in shown for n in names]),
        data_dir / "headline.csv",
    )
    return {"headline": table, "headline_csv": csv, "headline_includes": said}


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


def parameters(results: Results, data_dir: Path, texts: list[str]) -> dict[str, Any]:
    """The law and assumptions that differ between the scenarios (values in force over the
    horizon that not every scenario shares), the assumptions and the law in force, each table
    with its own numbered sources; `texts` collects each printed value (for the glossary)."""
    summary = results.summary
    labels = {n: results.label(n) for n in results.scenarios}
    cites = {k: params.Citations(k) for k in ("differ", "assumptions", "law")}
    shown = {k: params.Shown(c, labels, texts) for k, c in cites.items()}
    rows = params.differing(results, shown["differ"])
    names = {p["name"]: p["label"] for p in results.parameters.get("parameters") or []}
    return {
        "differing": [r for r in rows if any(c["values"] for c in r["cells"].values())],
        "differ_idle": [r for r in rows if not any(c["values"] for c in r["cells"].values())],
        "differ_cites": cites["differ"],
        "differing_csv": _differing_csv(
            summary.get("parameters_differing", []), data_dir / "parameters_differing.csv"
        ),
        "assumptions": params.in_force(results, "assumptions", shown["assumptions"]),
        "assumption_cites": cites["assumptions"],
        "assumptions_csv": _assumptions_csv(
            summary.get("assumptions", []), data_dir / "assumptions.csv"
        ),
        "law": params.in_force(results, "law", shown["law"]),
        "law_cites": cites["law"],
        "fitted": params.fitted(summary, names),
    }
