"""Every step of an explanation cites a source, including a check that reads no parameter (it
cites the parameters named in its `cites`, whose references are data in the tree)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from asylum_pathways.io.encounters import from_json
from asylum_pathways.params import ParameterTree, coverage
from asylum_pathways.rules.engine import determine, programs
from asylum_pathways.rules.explain import explain
from helpers import record


def _grid(tree: ParameterTree) -> list[dict[str, Any]]:
    """People of a few nationalities and kinds, with and without a fear claim, on the first
    day of every quarter the tree answers for."""
    start, end = coverage.answerable_range(tree)
    days = [
        dt.date(y, m, 1)
        for y in range(start.year, end.year + 1)
        for m in (1, 4, 7, 10)
        if start <= dt.date(y, m, 1) <= end
    ]
    recs = []
    for day in days:
        for citizenship in ("HN", "GT", "SV", "MX", "BR"):
            for fear in (True, False, None):
                recs.append(
                    record(
                        person_id=f"{day}-{citizenship}-{fear}",
                        encounter_date=day.isoformat(),
                        citizenship=citizenship,
                        claims_fear=fear,
                    )
                )
    return recs


def _steps(tree: ParameterTree) -> list[dict[str, Any]]:
    recs = _grid(tree)
    table = from_json(recs, "grid", tree)
    det = determine(tree, table.encounters)
    return [
        step
        for i in range(len(recs))
        for step in explain(tree, table.encounters, det, i, recs[i]["person_id"], "history")[
            "explanation"
        ]
    ]


def test_every_check_reads_or_cites_a_parameter_of_the_tree(tree: ParameterTree) -> None:
    for prog in programs(tree):
        for check in prog.checks:
            names = [prog.param(t) for t in (*check.params, *check.cites)]
            assert names, f"{check.id}: reads no parameter and cites none"
            for name in check.cites:
                assert tree.get(prog.param(name)).references, f"{check.id}: {name} has none"


def test_every_step_of_an_explanation_cites_a_source(tree: ParameterTree) -> None:
    steps = _steps(tree)
    uncited = {(s["program"], s["rule"]) for s in steps if not s["references"]}
    assert not uncited
    # the grid reaches every check that reads no parameter, as the step that decides
    citing = {c.id for p in programs(tree) for c in p.checks if not c.params}
    assert citing and citing <= {s["rule"] for s in steps}


def test_a_check_that_reads_no_parameter_cites_the_sources_of_the_law_it_names(
    tree: ParameterTree,
) -> None:
    steps = {(s["program"], s["rule"]): s for s in _steps(tree)}
    for prog in programs(tree):
        for check in prog.checks:
            step = steps.get((prog.key, check.id))
            if check.params or step is None:
                continue
            cited = {(r["title"], r["href"]) for r in step["references"]}
            for name in check.cites:
                wanted = {(r.title, r.href) for r in tree.get(prog.param(name)).references}
                assert wanted <= cited, (prog.key, check.id, name)
