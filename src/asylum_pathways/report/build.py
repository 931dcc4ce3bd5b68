"""Build report.html (and report_data/*.csv) from a results folder."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import jinja2
import polars as pl

from asylum_pathways import cache
from asylum_pathways.params.loader import PORT_MAP, load_tree
from asylum_pathways.report import charts, differences, fit, glossary, survival
from asylum_pathways.report.bundle import vega_bundle
from asylum_pathways.report.data import load
from asylum_pathways.report.findings import (
    answer,
    findings,
    fit_sentences,
    fmt,
    signed,
    uncertainty,
)
from asylum_pathways.sim.runs.study import StudySpec, builtin_study

LICENCE = (
    "asylum-pathways is MIT-licensed software; this report and its data may be reused with "
    "attribution (cite as below). Published figures belong to their sources, linked here."
)


def _data_url(frame: pl.DataFrame, path: Path) -> str:
    """Writes the CSV next to the report and returns it as a data: URL for the one-file report."""
    text = frame.write_csv()
    path.write_text(text, encoding="utf-8")
    return "data:text/csv;charset=utf-8;base64," + base64.b64encode(text.encode()).decode()


def _study_hash(summary: dict[str, Any]) -> str:
    """One hash for the study: version, seed, replications, horizon and every scenario's
    parameter snapshot and file (summary.json's own `study_hash` when it has one)."""
    if summary.get("study_hash"):
        return str(summary["study_hash"])
    basis = {k: summary.get(k) for k in ("version", "seed", "replications", "start", "end")} | {
        "scenarios": {
            n: [s.get("parameter_hash"), s.get("scenario_sha256")]
            for n, s in summary["scenarios"].items()
        }
    }
    return hashlib.sha256(json.dumps(basis, sort_keys=True).encode()).hexdigest()


def _day(iso: str) -> str:
    """'2021-01-31' -> '31 January 2021' (reads better, and does not break at hyphens)."""
    d = dt.date.fromisoformat(iso)
    return f"{d.day} {d:%B %Y}"


def _link_text(ref: dict[str, Any]) -> str:
    return str(ref.get("title") or urlparse(str(ref.get("href", ""))).netloc)


def _environment() -> jinja2.Environment:
    """The report template's environment; its compiled code is kept in the on-disk cache
    (Jinja checks the template's checksum), which saves compiling it on every run. Only a
    private folder of this user's is used: its files are loaded as code."""
    where = cache.folder()
    bytecode = None
    if where is not None:
        folder = where / "jinja"
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            if folder.stat().st_uid == os.getuid() and os.access(folder, os.W_OK):
                bytecode = jinja2.FileSystemBytecodeCache(str(folder))
        except OSError:  # a cache folder that cannot be written costs speed, never a result
            bytecode = None
    folder = Path(str(resources.files("asylum_pathways") / "report"))
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder), autoescape=True, bytecode_cache=bytecode
    )


def is_own_run(study: StudySpec, summary: dict) -> bool:
    """Whether the results are the study as it is: its horizon and its scenarios."""
    return (summary["start"], summary["end"], list(summary["scenarios"])) == (
        str(study.start),
        str(study.end),
        [s for s in study.scenarios if isinstance(s, str)],
    )


def heading(study: StudySpec, summary: dict, labels: list[str]) -> tuple[str, str]:
    """The report's title and question: the study's own when the run is the study as it is
    (its horizon and scenarios), else written from the run, so that a 2025 run of the built-in
    study is not titled with the 2019-2021 question."""
    names = list(summary["scenarios"])
    if is_own_run(study, summary) and study.title:
        return study.title, study.question
    first, last = summary["start"][:4], summary["end"][:4]
    years = first if first == last else f"{first}–{last}"
    title = f"US southern-border asylum pathways, {years}: {len(names)} scenario" + (
        "s compared" if len(names) > 1 else ""
    )
    question = (
        f"What happened to the people encountered at the southern border from "
        f"{_day(summary['start'])} to {_day(summary['end'])}, under "
        + ("each of: " + "; ".join(labels) if len(labels) > 1 else labels[0])
        + "?"
    )
    return title, question


def build_report(folder: Path) -> Path:
    study = builtin_study()  # the study's scenario notes, headline rows and roles
    results = load(folder)
    summary = results.summary
    names = results.scenarios
    label = results.label
    data_dir = folder / "report_data"
    data_dir.mkdir(exist_ok=True)
    fit_table = fit.table(results.validation)
    diffs = differences.headline(summary)
    unc_text, with_params = uncertainty(summary)
    history_color = charts.SCENARIO_COLORS[0]

    chart_defs: list[dict[str, Any]] = []
    specs: dict[str, Any] = {}

    def add(
        key: str,
        heading: str,
        finding: str,
        note: str,
        made: tuple[dict[str, Any] | None, pl.DataFrame],
    ) -> None:
        spec, frame = made
        if spec is None:
            return
        specs[key] = spec
        frame.write_csv(data_dir / f"{key}.csv")
        spec.setdefault("usermeta", {})["csv_columns"] = frame.columns
        # The page builds this chart's CSV download from the data inside its spec (a blob).
        chart_defs.append(
            {"key": key, "heading": heading, "finding": finding, "note": note, "rows": frame.height}
        )

    h = {n: summary["scenarios"][n]["headline"] for n in names}

    def mean(scenario: str, key: str) -> float:
        return float(h[scenario].get(key, {"mean": 0.0})["mean"])

    first = study.roles.get("history", names[0])
    first = first if first in h else names[0]
    t42 = mean(first, "title42_expulsions")
    add(
        "pathways",
        "Where people went",
        f"{label(first)}: Title 42 expelled {t42:,.0f} people (modelled); in scenarios without the "
        "order, the same people go through Title 8, MPP and the ACAs.",
        "Encounters per week by the pathway each person finally took, after capacity limits and "
        "screening (median of the replications); one panel per scenario. The encounters are the "
        "same in every scenario.",
        charts.pathways(results, "Chart: encounters per week by pathway, one panel per scenario"),
    )
    over_time = differences.over_time(results.daily, summary)
    add(
        "differences",
        "Differences between the scenarios over time",
        "Each scenario minus its baseline, week by week, for the figures that the policies move.",
        "Median and 5–95% range of the difference taken replication by replication: every "
        "replication runs all scenarios on the same simulated people and random numbers (common "
        "random numbers), so the differences are sharper than the levels' ranges suggest. "
        + ("" if with_params else "The ranges do not include parameter uncertainty."),
        charts.differences(
            results, over_time, "Chart: scenario minus baseline over time, six figures"
        ),
    )
    plan = next((n for n in names if n != first), first)
    aca_total = sum(mean(plan, k) for k in h[plan] if k.startswith("aca_transfers_"))
    first_total = sum(mean(first, k) for k in h[first] if k.startswith("aca_transfers_"))
    add(
        "aca",
        "Transfers under the Asylum Cooperative Agreements",
        f"{label(first)}: {first_total:,.0f} transfers to all partners; "
        f"{label(plan)}: {aca_total:,.0f} (modelled means).",
        "Cumulative transfers per receiving country that took anyone (median and 5–95% band); a "
        "dashed line is a country's annual cap. Scenarios that share an ACA plan have coinciding "
        "lines.",
        charts.aca(results, "Chart: cumulative ACA transfers per receiving country and scenario"),
    )
    pending = "; ".join(f"{label(n)} {mean(n, 'mpp_pending_end'):,.0f}" for n in names)
    add(
        "mpp",
        "Remain in Mexico",
        f"MPP cases pending at the end of the horizon (modelled means): {pending}.",
        "People returned to Mexico and their court cases (median and 5–95% band).",
        charts.mpp(
            results, "Chart: MPP enrolments, pending cases, people waiting and in-absentia orders"
        ),
    )
    curve, waits = (
        survival.kaplan_meier(results.persons, dt.date.fromisoformat(summary["end"]))
        if results.persons is not None
        else (pl.DataFrame(), pl.DataFrame())
    )
    heard = {
        r["scenario"]: r
        for r in (
            waits.filter(pl.col("measure") == "First MPP hearing").to_dicts()
            if waits.height
            else []
        )
    }
    not_heard = "; ".join(
        f"{label(n)} {heard[n]['not_by_end']:.0%} of {heard[n]['people']:,}"
        for n in names
        if n in heard
    )
    add(
        "times",
        "Waiting for a first MPP hearing",
        f"Share of MPP enrollees with no first hearing by {_day(summary['end'])}: {not_heard} "
        "(first replication).",
        "Kaplan–Meier estimate of the share of MPP enrollees who had their first hearing (left) or "
        "a completed case (right) within a given number of days of their encounter. People still "
        "waiting at the end of the horizon are counted as waiting (censored), not dropped: the "
        "share above counts everyone not heard by the end, including people enrolled too late to "
        "have been heard, while the curve counts each person only for the days they were seen. The "
        "first hearing is scheduled after an assumed lag unless court capacity binds: the steps "
        "show that assumption, not a measured wait.",
        charts.times(
            results, curve, "Chart: time from encounter to first MPP hearing and to case completion"
        ),
    )
    if waits.height:
        waits.write_csv(data_dir / "times_summary.csv")
    metric_labels = dict(study.headline_rows) | dict(differences.COMPARED)
    sens_spec = charts.sensitivity(
        results, "Chart: sensitivity of each finding to each assumption", metric_labels
    )
    top = (
        sens_spec[1].sort("index", descending=True).row(0, named=True)
        if sens_spec[1].height
        else None
    )
    add(
        "sensitivity",
        "How much each finding depends on each assumption",
        (
            f"Most sensitive: {metric_labels.get(top['metric'], top['metric'])} to "
            f"{top['assumption']} (index {top['index']:.2f}, {label(top['scenario'])}). "
            if top
            else ""
        )
        + "Larger bars: the finding moves more when that assumption moves.",
        f"Method: {(summary.get('sensitivity') or {}).get('method', '')}.",
        sens_spec,
    )
    v_fit = fit.summary(fit_table, "validation")
    add(
        "validation_series",
        "The model against the published figures over time",
        f"Of the {v_fit.figures} published figures not used to set any assumption, the model is "
        f"close for {v_fit.close} (within 25% or inside its 5–95% range).",
        "One panel per quantity published at several dates. Bar: the model's 5–95% range; tick: "
        f"its mean ({label(first)} scenario). Points: published figures; the shape says whether "
        "the model was fitted to it. Each figure's source is linked in the table below.",
        charts.validation_series(
            fit_table, history_color, "Chart: model against published monthly series"
        ),
    )
    add(
        "validation_single",
        "The model against single published figures",
        "Model ÷ published for figures published once: 1 is an exact match.",
        "Bar: the model's 5–95% range divided by the published figure; point: its mean. Log scale, "
        "so 2× and ½× sit the same distance from 1.",
        charts.validation_single(
            fit_table, history_color, "Chart: model divided by published, single figures"
        ),
    )

    headline_rows = []
    for key, row_label in study.headline_rows:
        if key not in h[names[0]]:
            continue
        headline_rows.append({"label": row_label, "cells": [fmt(h[n][key]) for n in names]})
    headline_csv = _data_url(
        pl.DataFrame(
            [
                {"metric": k, "scenario": n, **h[n][k]}
                for k, _ in study.headline_rows
                if k in h[names[0]]
                for n in names
            ]
        ),
        data_dir / "headline.csv",
    )
    diff_rows = [
        {
            "comparison": f"{label(r['scenario'])} − {label(r['baseline'])}",
            "figure": r["figure"],
            "value": signed(r),
        }
        for r in diffs.filter(~pl.col("all_zero")).to_dicts()
    ]
    diff_csv = _data_url(diffs, data_dir / "headline_differences.csv")

    differing = summary.get("parameters_differing", [])
    differing_csv = _data_url(
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
        ),
        data_dir / "parameters_differing.csv",
    )
    assumptions = summary.get("assumptions", [])
    assumptions_csv = _data_url(
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
            schema={
                "assumption": pl.String,
                "from": pl.String,
                "value": pl.String,
                "note": pl.String,
            },
        ),
        data_dir / "assumptions.csv",
    )
    shown: list[str] = []

    def view(v: dict[str, Any]) -> dict[str, Any]:
        text = glossary.value_text(v["value"])
        shown.append(text)
        return {
            "from": v["from"],
            "text": text,
            "refs": [{"href": r["href"], "text": _link_text(r)} for r in v["references"]],
        }

    differing_view = [
        {
            "label": p["label"],
            "name": p["name"],
            "scenarios": {s: [view(v) for v in vals] for s, vals in p["scenarios"].items()},
        }
        for p in differing
    ]
    assumptions_view = [
        {
            "label": a["label"],
            "name": a["name"],
            "note": a.get("note") or a.get("description") or "",
            "values": [view(v) for v in a["values"]],
        }
        for a in assumptions
    ]
    validation_csv = _data_url(fit_table, data_dir / "validation.csv")
    validation_view = [
        {
            "quantity": r["quantity"],
            "date": str(r["date"]),
            "kind": fit.KIND_LABELS.get(r["kind"], r["kind"]),
            "source": r["source"],
            "host": urlparse(r["source"]).netloc.removeprefix("www.") or "source",
            "published": fit.BOUND_SIGN.get(r.get("relation") or "", "")
            + fit.number(r["published"]),
            "model": f"{fit.number(r['model_mean'])} ({fit.number(r['model_p5'])}–{fit.number(r['model_p95'])})",
            "close": "yes" if r["close"] else "no",
        }
        for r in fit_table.to_dicts()
    ]
    ports = glossary.port_names(load_tree().get(PORT_MAP).note)
    encounters_same = all(
        r["all_zero"]
        for r in differences.headline(summary).to_dicts()
        if r["metric"] == "encounters"
    )
    # the study's one-sentence notes describe its own horizon; another run's cards use each
    # scenario's own description
    notes = study.scenario_notes if is_own_run(study, summary) else {}
    cards = []
    for i, n in enumerate(names):
        info = summary["scenarios"][n]
        aca_n = sum(h[n][k]["mean"] for k in h[n] if k.startswith("aca_transfers_"))
        cards.append(
            {
                "name": n,
                "label": label(n),
                "color": charts.SCENARIO_COLORS[i % len(charts.SCENARIO_COLORS)],
                "description": notes.get(n, info["description"].split(". ")[0]),
                "numbers": [
                    ("Title 42 expulsions", fmt(h[n]["title42_expulsions"])),
                    ("ACA transfers", f"{aca_n:,.0f}"),
                    ("MPP enrolments", fmt(h[n]["mpp_enrolled"])),
                    ("MPP cases pending at the end", fmt(h[n]["mpp_pending_end"])),
                ],
            }
        )
    title, question = heading(study, summary, [label(n) for n in names])
    study_hash = _study_hash(summary)
    created = str(summary["created"])[:10]
    template = _environment().get_template("template.html.j2")
    html = template.render(
        title=title,
        subtitle=f"A model, not a count: {len(names)} scenarios · encounters {summary['start']} to "
        f"{summary['end']} · {summary['replications']} Monte Carlo replications",
        question=question,
        answer=answer(summary, diffs),
        uncertainty=unc_text,
        with_params=with_params,
        sensitivity_ran=bool(specs.get("sensitivity")),
        scenarios=[{"name": n, "label": label(n)} for n in names],
        cards=cards,
        findings=findings(summary, fit_table, study.roles),
        fit_findings=fit_sentences(fit_table),
        reps=summary["replications"],
        start=_day(summary["start"]),
        end=_day(summary["end"]),
        charts=chart_defs,
        headline=headline_rows,
        headline_csv=headline_csv,
        diff_rows=diff_rows,
        diff_csv=diff_csv,
        differing=differing_view,
        differing_csv=differing_csv,
        validation=validation_view,
        validation_csv=validation_csv,
        assumptions=assumptions_view,
        assumptions_csv=assumptions_csv,
        glossary=glossary.entries(shown, ports),
        encounters_same=encounters_same,
        cite=f"asylum-pathways {summary['version']} (model run {created}, seed {summary['seed']}, "
        f"{summary['replications']} replications, study hash {study_hash[:16]}).",
        licence=LICENCE,
        provenance={
            **{
                k: summary[k]
                for k in ("version", "created", "seed", "replications", "workers", "run_seconds")
            },
            "study_hash": study_hash,
            "hashes": {label(n): summary["scenarios"][n] for n in names},
        },
        specs_json=jinja2.utils.markupsafe.Markup(json.dumps(specs).replace("</", "<\\/")),
        vega_bundle=jinja2.utils.markupsafe.Markup(vega_bundle()),
    )
    path = folder / "report.html"
    path.write_text(html, encoding="utf-8")
    return path
