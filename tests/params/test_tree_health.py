"""Code health of the bundled parameter tree."""

from __future__ import annotations

import datetime as dt

from asylum_pathways.params import ParameterTree


def test_every_value_has_a_reference(tree: ParameterTree) -> None:
    for param in tree:
        for value in param.values:
            refs = param.effective_references(value)
            assert refs, f"{param.name} {value.start}: no reference"
            for ref in refs:
                assert ref.href.startswith(("http://", "https://")) and ref.title.strip()


def test_dates_ascend_without_duplicates(tree: ParameterTree) -> None:
    for param in tree:
        starts = [v.start for v in param.values]
        assert starts == sorted(set(starts)), param.name


def test_every_parameter_has_a_label_description_and_review_date(tree: ParameterTree) -> None:
    for param in tree:
        assert param.label and param.description, param.name
        assert isinstance(param.last_reviewed, dt.date) or param.section == "assumptions", (
            param.name
        )


def test_law_and_assumptions_are_separate_subtrees(tree: ParameterTree) -> None:
    assert {p.section for p in tree} <= {"law", "assumptions"}
    assert all(p.name.startswith(p.section + ".") for p in tree)


def test_every_receiving_country_has_the_full_set_of_agreement_parameters(
    tree: ParameterTree,
) -> None:
    leaves = {
        "in_force",
        "transfers_operating",
        "amenable_nationalities",
        "amenable_demographics",
        "implementing_sectors",
        "exclusions",
        "assignment_rank",
    }
    for cc in tree.receiving_countries():
        for leaf in leaves:
            assert f"law.aca.agreements.{cc.lower()}.{leaf}" in tree
