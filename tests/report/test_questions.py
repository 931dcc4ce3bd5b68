"""Issue 18's report elements, rendered when summary.json has them and absent otherwise: the
seed's questions answered first, what every headline interval includes, figures set by an
unfitted assumption, sensitivity above its noise floor, and uninformed fitted assumptions."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import polars as pl
import pytest

from asylum_pathways.report.questions import includes_words, probability
from helpers import cli

FIXTURE = Path(__file__).parent / "fixtures" / "issue18.json"


def with_issue18(folder: Path) -> Path:
    """The results with the fixture's keys in summary.json (and one uninformed fit)."""
    path = folder / "summary.json"
    summary = json.loads(path.read_text()) | json.loads(FIXTURE.read_text())
    summary["uncertainty"]["includes"] = ["monte_carlo"]  # the cells the fixture does not name
    fitted = (summary["uncertainty"].get("posterior") or {}).get("fitted") or []
    if fitted:
        fitted[0]["uninformed"] = True
    path.write_text(json.dumps(summary))
    return folder


def text_of(folder: Path) -> str:
    page = (folder / "report.html").read_text()
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_interval_words_say_what_is_in_and_what_is_not() -> None:
    words = includes_words(["monte_carlo", "capacity_priors"])
    assert words.startswith("Monte Carlo variation")
    assert "capacity priors" in words and "Not included: uncertainty in the fitted" in words
    assert probability(0.004) == "under 1%" and probability(0.27) == "27%"


def test_the_runs_own_name_of_the_posterior_counts_as_included() -> None:
    """The run writes `parameters` (summary.json `uncertainty.includes`); a question's interval
    that includes the posterior must not also say the posterior is left out."""
    words = includes_words(["monte_carlo", "parameters", "capacity_priors"])
    assert "Not included" not in words and "parameters;" not in words
    assert "uncertainty in the fitted assumptions" in words


@pytest.mark.slow
def test_the_questions_are_answered_first_with_number_probability_and_deciding_assumption(
    results_copy: Path,
) -> None:
    run = cli("report", str(with_issue18(results_copy)))
    assert run.returncode == 0, run.stderr
    text = text_of(results_copy)
    start = text.index("The answer, in the model")
    answer = text[start : text.index("Findings", start)]
    assert "Will El Salvador take more than 2,000 in 2020?" in answer
    assert "1,624 (90% interval: 1,390–2,480) under The plan of 10 March 2020" in answer
    assert "1 January 2020 to 31 December 2020" in answer
    assert "Probability above 2,000 27%" in answer
    assert "Deciding assumption El Salvador's weekly seats" in answer
    assert "the seats, not the people amenable, bind all year" in answer
    assert "22,000 (90% interval: 21,000–23,100); capacity 2,600" in answer
    assert "the capacity priors" in answer and "Not included: uncertainty in the fitted" in answer
    # Honduras: no capacity published, a probability under 1%
    assert "capacity no limit" in answer and "Probability above 2,000 under 1%" in answer
    assert "A question of a scenario this run does not have" not in text
    # an answer a prior sets says so; no deciding assumption is said, not left blank
    assert "Set by an unfitted assumption Honduras's weekly seats was never published" in answer
    assert "Deciding assumption none: no drawn assumption clears the noise floor" in answer
    assert "Probability above 5,000 none of the 20 replications" in answer


@pytest.mark.slow
def test_every_headline_interval_says_what_it_includes_and_unfitted_figures_say_so(
    results_copy: Path,
) -> None:
    run = cli("report", str(with_issue18(results_copy)))
    assert run.returncode == 0, run.stderr
    text = text_of(results_copy)
    table = text[text.index("Headline figures", text.index("The answer, in the model")) :]
    assert "Set by an unfitted assumption: Honduras's weekly seats copy El Salvador's 38" in table
    # two sets of kinds: the one cell with its own is marked, and the legend says both
    assert "Every interval not marked includes: Monte Carlo variation" in table
    assert "a The interval includes: Monte Carlo variation" in table
    assert "the capacity priors (unpublished capacities drawn from what was said)." in table
    start = text.index("Findings", text.index("The answer, in the model"))
    findings = text[start : text.index("The scenarios", start)]
    assert "(Honduras's weekly seats copy El Salvador's 38" in findings


@pytest.mark.slow
def test_sensitivity_shows_only_effects_above_its_floor_in_words(results_copy: Path) -> None:
    run = cli("report", str(with_issue18(results_copy)))
    assert run.returncode == 0, run.stderr
    data = pl.read_csv(results_copy / "report_data" / "sensitivity.csv")
    assert data["assumption"].to_list() == [
        "El Salvador's weekly seats",
        "Share who establish a fear of the receiving country",
        "MPP enrolment capacity by port",
    ]
    text = text_of(results_copy)
    assert "Sobol first-order indices (Saltelli estimator), 512 draws" in text
    assert "Noise floor: an index of 0.08, the 99% quantile of what 40 dummy inputs" in text
    # a finding named by its metric is said in words, with its comparison
    assert (
        "MPP enrolments, 12 Mar-31 Dec 2020 (Ninth Circuit injunction not stayed − The plan of "
        "10 March 2020)" in data["finding"].to_list()
    )
    assert "1 further finding depends on no assumption above the noise floor" in text
    assert "uninformed: its posterior equals its prior" in text


@pytest.mark.slow
def test_without_the_keys_nothing_of_them_is_rendered(results_copy: Path) -> None:
    path = results_copy / "summary.json"
    summary = json.loads(path.read_text())
    for key in ("questions", "interval_includes", "unfitted"):
        summary.pop(key, None)
    summary["uncertainty"] = {"includes": ["monte_carlo"], "text": "Monte Carlo only."}
    summary.pop("sensitivity", None)
    path.write_text(json.dumps(summary))
    run = cli("report", str(results_copy))
    assert run.returncode == 0, run.stderr
    page = (results_copy / "report.html").read_text()
    assert 'class="questions"' not in page and 'class="unfitted"' not in page
    assert "uninformed" not in page
    text = text_of(results_copy)
    assert "Every interval here includes" in text
