"""The report's title and question are the study's own only for the study as it is; a run of
another horizon or other scenarios gets a title and question written from the run."""

from __future__ import annotations

from asylum_pathways.report.heading import heading
from asylum_pathways.report.study import StudyView
from asylum_pathways.sim.runs.study import builtin_study as builtin_spec
from asylum_pathways.sim.runs.study_files import spec_dict


def builtin_study() -> StudyView:
    """The built-in study as a results folder carries it (study.json)."""
    return StudyView.read({"spec": spec_dict(builtin_spec()), "describes_run": True})


def _summary(start: str, end: str, names: list[str]) -> dict:
    return {"start": start, "end": end, "scenarios": {n: {} for n in names}}


def test_the_built_in_study_keeps_its_question() -> None:
    study = builtin_study()
    names = list(study.spec["scenarios"])
    title, question = heading(study, _summary(study.spec["start"], study.spec["end"], names), names)
    assert (title, question) == (study.title, study.question)
    assert "10 March 2020" in question


def test_a_2025_run_is_not_titled_with_the_2019_question() -> None:
    study = builtin_study()
    summary = _summary("2024-10-01", "2026-08-31", ["history", "outlook-2026"])
    title, question = heading(study, summary, ["As it happened", "Today's law"])
    assert title == "US southern-border asylum pathways, 2024–2026: 2 scenarios compared"
    assert "10 March 2020" not in question and "2019" not in title
    assert question.startswith("What happened to the people encountered at the southern border")
    assert "from 1 October 2024 to 31 August 2026" in question and "Today's law" in question
    one = heading(study, _summary("2025-01-01", "2025-12-31", ["history"]), ["As it happened"])
    assert one[0] == "US southern-border asylum pathways, 2025: 1 scenario"


def test_a_horizon_without_title_42_says_nothing_of_it() -> None:
    import polars as pl

    from asylum_pathways.report.findings import findings

    def headline(expelled: float) -> dict:
        fig = {"mean": expelled, "p5": expelled, "p95": expelled}
        return {
            "title42_expulsions": fig,
            "aca_transfers_HN": {"mean": 90.0, "p5": 84.0, "p95": 94.0},
        }

    for expelled, said in ((0.0, False), (1200.0, True)):
        summary = {
            "scenarios": {"history": {"label": "As it happened", "headline": headline(expelled)}}
        }
        text = " ".join(findings(summary, pl.DataFrame(), {"history": "history"}))
        assert ("Title 42" in text) == said, text
        assert "transfers 90" in text
