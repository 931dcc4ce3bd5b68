"""The report's title and question, and days in words."""

from __future__ import annotations

import datetime as dt

from asylum_pathways.report.study import StudyView


def day(iso: str) -> str:
    """'2021-01-31' -> '31 January 2021' (reads better, and does not break at hyphens)."""
    d = dt.date.fromisoformat(iso)
    return f"{d.day} {d:%B %Y}"


def heading(study: StudyView, summary: dict, labels: list[str]) -> tuple[str, str]:
    """The report's title and question: the study's own when the run is the study as it is
    (its horizon and scenarios), else written from the run, so that a 2025 run of the built-in
    study is not titled with the 2019-2021 question."""
    names = list(summary["scenarios"])
    if study.describes(summary) and study.title:
        return study.title, study.question
    first, last = summary["start"][:4], summary["end"][:4]
    years = first if first == last else f"{first}–{last}"
    title = f"US southern-border asylum pathways, {years}: {len(names)} scenario" + (
        "s compared" if len(names) > 1 else ""
    )
    question = (
        f"What happened to the people encountered at the southern border from "
        f"{day(summary['start'])} to {day(summary['end'])}, under "
        + ("each of: " + "; ".join(labels) if len(labels) > 1 else labels[0])
        + "?"
    )
    return title, question
