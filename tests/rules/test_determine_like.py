"""Reusing one scenario's determinations for another is exact: `determine_like` answers every
person as `determine` does, for the built-in scenarios and for generated overlays, because
before the first day two trees differ they are the same law (ParameterTree.first_difference)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asylum_pathways.params import ParameterTree, load_tree
from asylum_pathways.rules.engine import Determinations, determine, determine_like
from asylum_pathways.scenarios import builtin_names, load_overlay, load_scenario
from asylum_pathways.sim.model.population import Population, generate

TREE = load_tree()
START, END = dt.date(2020, 2, 15), dt.date(2020, 4, 15)
REF = [{"title": "Hypothetical change for the test", "href": "https://example.org/change"}]


@pytest.fixture(scope="module")
def pop() -> Population:
    return generate(TREE, START, END, np.random.Generator(np.random.PCG64(5)))


@pytest.fixture(scope="module")
def base(pop: Population) -> Determinations:
    return determine(TREE, pop.enc)


def _arrays(det: Determinations) -> dict[str, np.ndarray]:
    n = det.pathway.shape[0]
    out = {
        "pathway": det.pathway,
        "receiving_country": det.receiving_country,
        "decided_by": det.decided_by,
        "group_size": det.group_size,
        "day": det.day,
        "aca_country": det.aca_country,
    }
    out |= {f"status.{k}": v for k, v in det.status.items()}
    out |= {f"reason.{k}": v for k, v in det.reason.items()}
    for k, (status, key) in det.candidates.items():
        out[f"candidate.{k}"] = status
        out[f"candidate_key.{k}"] = np.broadcast_to(key, (n,))
    return out


def _assert_same(like: Determinations, full: Determinations) -> None:
    assert like.keys == full.keys
    a, b = _arrays(like), _arrays(full)
    assert a.keys() == b.keys()
    for name in a:
        assert a[name].dtype == b[name].dtype, name
        assert np.array_equal(a[name], b[name]), name


@pytest.mark.parametrize("name", builtin_names())
def test_each_builtin_scenario_reusing_history_equals_determining_afresh(
    name: str, pop: Population, base: Determinations
) -> None:
    tree = load_scenario(name, TREE).tree
    _assert_same(determine_like(tree, pop.enc, TREE, base), determine(tree, pop.enc))


def test_people_out_of_day_order_are_spliced_by_index_as_exactly(pop: Population) -> None:
    """Generated people come in day order, so the later ones are one run of rows (spliced as
    a slice); a user's records in any order take the index path, with the same answers."""
    shuffled = pop.enc.take(np.random.default_rng(3).permutation(pop.enc.n))
    first = determine(TREE, shuffled)
    for name in ("outlook-2020-03-10", "ninth-circuit-injunction"):
        tree = load_scenario(name, TREE).tree
        _assert_same(determine_like(tree, shuffled, TREE, first), determine(tree, shuffled))


def test_the_first_difference_is_the_first_day_a_value_changes() -> None:
    outlook = load_scenario("outlook-2020-03-10", TREE).tree
    injunction = load_scenario("ninth-circuit-injunction", TREE).tree
    assert TREE.first_difference(TREE) is None
    assert outlook.first_difference(injunction) == dt.date(2020, 3, 12)
    first = TREE.first_difference(outlook)
    assert first is not None and first >= dt.date(2020, 3, 10)


#: law parameters a generated overlay changes, with a value of the right unit
CHANGES: dict[str, st.SearchStrategy[Any]] = {
    "courts.mpp_injunction.stayed": st.booleans(),
    "mpp.enrolment_in_force": st.booleans(),
    "title42.in_force": st.booleans(),
    "aca.agreements.gt.transfers_operating": st.booleans(),
    "aca.agreements.gt.amenable_nationalities": st.lists(
        st.sampled_from(["HN", "SV", "MX", "BR", "EC"]), unique=True, max_size=3
    ),
    "mpp.amenable_nationalities": st.lists(
        st.sampled_from(["HN", "SV", "GT", "BR", "EC", "CU"]), unique=True, max_size=4
    ),
}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    changes=st.dictionaries(st.sampled_from(sorted(CHANGES)), st.none(), min_size=1, max_size=3),
    data=st.data(),
)
def test_a_generated_overlay_reusing_history_equals_determining_afresh(
    changes: dict[str, None], data: st.DataObject, pop: Population, base: Determinations
) -> None:
    law: dict[str, Any] = {}
    for name in changes:
        day = data.draw(st.dates(START, END))
        law[name] = [{"from": day, "value": data.draw(CHANGES[name]), "reference": REF}]
    overlay = {"name": "generated", "description": "A generated change.", "law": law}
    tree: ParameterTree = load_overlay(overlay, TREE, "generated").tree
    _assert_same(determine_like(tree, pop.enc, TREE, base), determine(tree, pop.enc))
