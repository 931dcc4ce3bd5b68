"""Build report.html (and report_data/*.csv) from a results folder."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import polars as pl

from asylum_pathways.report import charts
from asylum_pathways.report.bundle import vega_bundle
from asylum_pathways.report.data import load
from asylum_pathways.report.findings import findings, fmt
from asylum_pathways.sim.study import builtin_study


def build_report(folder: Path) -> Path:
    study = builtin_study()  # the study's scenario notes, headline rows and roles
    results = load(folder)
    summary = results.summary
    names = results.scenarios
    data_dir = folder / "report_data"
    data_dir.mkdir(exist_ok=True)
    val_rows = results.validation.to_dicts()

    chart_defs = []
    specs: dict[str, Any] = {}

    def add(
        key: str, heading: str, caption: str, made: tuple[dict[str, Any] | None, pl.DataFrame]
    ) -> None:
        spec, frame = made
        if spec is None:
            return
        specs[key] = spec
        frame.write_csv(data_dir / f"{key}.csv")
        chart_defs.append({"key": key, "heading": heading, "caption": caption})

    h = {n: summary["scenarios"][n]["headline"] for n in names}
    t42 = h.get(study.roles["history"], h[names[0]])["title42_expulsions"]["mean"]
    add(
        "pathways",
        "Where people went",
        "Encounters per week by the pathway each person finally took, after capacity limits and screening "
        "(median of the replications); one panel per scenario.",
        charts.pathways(
            results,
            f"Title 42 expelled {t42:,.0f} people in history; the outlook routes them through Title 8, MPP and the ACAs",
        ),
    )

    def mean(scenario: str, key: str) -> float:
        return float(h.get(scenario, h[names[0]]).get(key, {"mean": 0.0})["mean"])

    first = names[0]
    plan = "outlook-2020-03-10" if "outlook-2020-03-10" in h else names[-1]
    aca_total = sum(mean(plan, k) for k in h[plan] if k.startswith("aca_transfers_"))
    aca_title = (
        f"{first}: {mean(first, 'aca_transfers_GT'):,.0f} transfers to Guatemala; "
        f"{plan}: {aca_total:,.0f} to all partners"
    )
    pending = ", ".join(f"{n} {mean(n, 'mpp_pending_end'):,.0f}" for n in names)
    mpp_title = f"MPP cases pending at the end: {pending}"
    checked = [r for r in val_rows if r.get("kind") == "validation" and r.get("published")]
    close = sum(
        1 for r in checked if abs(r["model_mean"] - r["published"]) <= 0.25 * abs(r["published"])
    )
    days = mean(first, "days_to_first_hearing_median")
    add(
        "aca",
        "Transfers under the Asylum Cooperative Agreements",
        "Cumulative transfers per receiving country (median and 5–95% band); the dashed line is El Salvador's "
        "annual cap. The two outlook scenarios share their ACA plan, so their lines coincide.",
        charts.aca(results, aca_title),
    )
    add(
        "mpp",
        "Remain in Mexico",
        "People returned to Mexico and their court cases (median and 5–95% band).",
        charts.mpp(results, mpp_title),
    )
    add(
        "times",
        "How long it took",
        "Cumulative share of people whose ACA transfer, first MPP hearing or MPP case completion came within a "
        "given number of days of their encounter (first replication; events inside the horizon). The first "
        "hearing follows a fixed scheduling lag unless court capacity binds, so the curves are steep steps.",
        charts.times(
            results,
            f"ACA transfers came within days of the encounter; first MPP hearings about {days:,.0f} days after it",
        ),
    )
    add(
        "validation",
        "The model against the published figures",
        "Black diamonds: published figures (click one to open its source). Blue: the model's mean (tick) and 5–95% range (bar), history scenario.",
        charts.validation(
            results,
            f"The model is within 25% of {close} of the {len(checked)} published figures it was not fitted to",
        ),
    )

    headline_rows = []
    for key, label in study.headline_rows:
        if key not in h[names[0]]:
            continue
        headline_rows.append({"label": label, "cells": [fmt(h[n][key]) for n in names]})
    pl.DataFrame(
        [
            {"metric": k, "scenario": n, **h[n][k]}
            for k, _ in study.headline_rows
            if k in h[names[0]]
            for n in names
        ]
    ).write_csv(data_dir / "headline.csv")

    differing = summary.get("parameters_differing", [])
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
        schema={
            "parameter": pl.String,
            "scenario": pl.String,
            "from": pl.String,
            "value": pl.String,
            "source": pl.String,
        },
    ).write_csv(data_dir / "parameters_differing.csv")
    for p in differing:
        for vals in p["scenarios"].values():
            for v in vals:
                v["value"] = json.dumps(v["value"])
    assumptions = summary.get("assumptions", [])
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
        ]
    ).write_csv(data_dir / "assumptions.csv")
    for a in assumptions:
        for v in a["values"]:
            v["value"] = json.dumps(v["value"])
    results.validation.write_csv(data_dir / "validation.csv")

    def num(x: float | None) -> str:
        if x is None:
            return ""
        return f"{x:,.3f}" if abs(x) < 2 else f"{x:,.0f}"

    validation_view = [
        {
            "quantity": r["quantity"],
            "date": str(r["date"]),
            "kind": r["kind"],
            "source": r["source"],
            "published": num(r["published"]),
            "model": f"{num(r['model_mean'])} ({num(r['model_p5'])}–{num(r['model_p95'])})",
        }
        for r in val_rows
    ]
    cards = []
    for i, n in enumerate(names):
        info = summary["scenarios"][n]
        aca_total = sum(h[n][k]["mean"] for k in h[n] if k.startswith("aca_transfers_"))
        cards.append(
            {
                "name": n,
                "color": charts.SCENARIO_COLORS[i % len(charts.SCENARIO_COLORS)],
                "description": study.scenario_notes.get(n, info["description"].split(". ")[0]),
                "numbers": [
                    ("Title 42 expulsions", f"{h[n]['title42_expulsions']['mean']:,.0f}"),
                    ("ACA transfers", f"{aca_total:,.0f}"),
                    ("MPP enrolments", f"{h[n]['mpp_enrolled']['mean']:,.0f}"),
                    ("MPP cases pending at the end", f"{h[n]['mpp_pending_end']['mean']:,.0f}"),
                ],
            }
        )
    template = jinja2.Template(
        (resources.files("asylum_pathways") / "report" / "template.html.j2").read_text("utf-8"),
        autoescape=True,
    )
    html = template.render(
        title="US southern-border asylum pathways, 2019–2021: what happened, and what was planned",
        subtitle=f"Scenarios compared: {', '.join(names)} · encounters {summary['start']} to {summary['end']} · "
        f"{summary['replications']} Monte Carlo replications",
        question="What did the Asylum Cooperative Agreements, Remain in Mexico (MPP) and Title 42 do to the people "
        "encountered at the southern border — and what would have happened under the plan of 10 March 2020, "
        "or if the courts had stopped MPP in California and Arizona on 12 March 2020?",
        scenarios=names,
        cards=cards,
        findings=findings(summary, val_rows, study.roles),
        reps=summary["replications"],
        start=summary["start"],
        end=summary["end"],
        charts=chart_defs,
        headline=headline_rows,
        differing=differing,
        validation=validation_view,
        assumptions=assumptions,
        provenance={
            **{
                k: summary[k]
                for k in ("version", "created", "seed", "replications", "workers", "run_seconds")
            },
            "hashes": {n: summary["scenarios"][n] for n in names},
        },
        specs_json=jinja2.utils.markupsafe.Markup(json.dumps(specs).replace("</", "<\\/")),
        vega_bundle=jinja2.utils.markupsafe.Markup(vega_bundle()),
    )
    path = folder / "report.html"
    path.write_text(html, encoding="utf-8")
    return path
