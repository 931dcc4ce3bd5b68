"""Build report.html (and report_data/*.csv) from a results folder: this module only puts the
parts together (figures, tables, findings, heading, citation) and writes the page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from asylum_pathways.report import differences, figures, fit, glossary, history, injunction, tables
from asylum_pathways.report.cards import cards
from asylum_pathways.report.citation import context as citation
from asylum_pathways.report.data import load
from asylum_pathways.report.findings import answer, findings, fit_sentences, uncertainty
from asylum_pathways.report.heading import day, heading
from asylum_pathways.report.page import render
from asylum_pathways.report.questions import questions


def build_report(folder: Path, shown: Path | None = None) -> Path:
    """report.html and report_data/ in `folder`, from the results there and nothing else;
    errors name `shown` (the folder the user gave) instead of `folder`."""
    results = load(folder, shown)
    study = results.study  # the run's own scenario notes, headline rows and roles
    summary, names, label = results.summary, results.scenarios, results.label
    data_dir = folder / "report_data"
    data_dir.mkdir(exist_ok=True)
    every_row = fit.table(results.validation)
    fit_table = history.compared(every_row, summary)  # history only, inside the horizon
    diffs = differences.headline(summary)
    unc_text, with_params = uncertainty(summary)
    first = study.roles.get("history", names[0])
    first = first if first in names else names[0]

    row_labels = dict(study.headline_rows) | dict(differences.COMPARED)
    made = figures.Figures(data_dir)
    figures.levels(made, results, first, with_params)
    figures.waiting(made, results)
    figures.sensitivity(made, results, row_labels)
    figures.validation(made, results, fit_table, first)

    not_compared = history.left_out(every_row, summary, {n: label(n) for n in names})
    texts: list[str] = []
    parameters = tables.parameters(results, data_dir, texts)
    ports = dict(results.parameters.get("ports") or {})
    encounters_same = all(r["all_zero"] for r in diffs.to_dicts() if r["metric"] == "encounters")
    # the study's one-sentence notes describe its own horizon; another run's cards use each
    # scenario's own description
    notes = study.scenario_notes if study.describes(summary) else {}
    title, question = heading(study, summary, [label(n) for n in names])
    toc = contents(made.sections, not_compared == "")
    html = render(
        made.specs,
        title=title,
        subtitle=f"A model, not a count: {len(names)} scenarios · encounters {summary['start']} to "
        f"{summary['end']} · {summary['replications']} Monte Carlo replications",
        question=question,
        answer=answer(summary, diffs),
        uncertainty=unc_text,
        with_params=with_params,
        sensitivity_ran=bool(made.specs.get("sensitivity")),
        scenarios=[{"name": n, "label": label(n)} for n in names],
        cards=cards(results, notes),
        questions=questions(summary, {n: label(n) for n in names}),
        findings=injunction.findings(summary, study, row_labels)
        + findings(summary, fit_table, study.roles),
        fit_findings=fit_sentences(fit_table),
        reps=summary["replications"],
        start=day(summary["start"]),
        end=day(summary["end"]),
        charts=made.sections,
        **tables.headline(results, study.headline_rows, data_dir),
        **tables.differences(results, diffs, data_dir),
        **parameters,
        **tables.validation(fit_table, data_dir),
        not_compared=not_compared,
        toc=toc,
        glossary=glossary.entries(texts, ports),
        encounters_same=encounters_same,
        **citation(results),
    )
    path = folder / "report.html"
    path.write_text(html, encoding="utf-8")
    return path


def contents(sections: list[dict[str, Any]], compared: bool) -> list[tuple[str, str]]:
    """The table of contents: (heading id, text) in page order."""
    charts = {
        g: [(f"h-{c['key']}", c["heading"]) for c in sections if c["group"] == g]
        for g in ("results", "validation")
    }
    return [
        ("h-answer", "The answer"),
        ("h-findings", "Findings"),
        ("h-scenarios", "The scenarios"),
        ("h-diff", "Differences at the end"),
        *charts["results"],
        *(
            []
            if any(k == "h-sensitivity" for k, _ in charts["results"])
            else [("h-sensitivity", "Sensitivity")]
        ),
        ("h-headline", "Headline figures"),
        *charts["validation"],
        ("h-fit", "Every published figure compared" if compared else "Published figures"),
        ("h-law", "Law and assumptions that differ"),
        ("h-assumptions", "Assumptions"),
        ("h-law-in-force", "The law in force"),
        ("h-method", "How the model works"),
        ("h-glossary", "Glossary"),
        ("h-reuse", "Reuse and citation"),
    ]
