"""Capacities nobody published are drawn from their priors in every replication, the same
draw in every scenario, whatever the worker count; --fixed-parameters holds them fixed."""

from __future__ import annotations

import numpy as np

from asylum_pathways.params import ParameterTree
from asylum_pathways.scenarios import load_scenario
from asylum_pathways.sim.fitting import draws, priors


def test_the_priors_file_names_its_sources_and_no_prior_is_law(tree: ParameterTree) -> None:
    loaded = priors.load(tree)
    assert loaded.parameters
    for p in loaded.parameters:
        assert p.fitted.parameter.startswith("assumptions.")
        assert p.references and all(h.startswith("http") for _, h in p.references)
        assert p.about and p.label


def test_a_replications_draw_is_its_own_and_reproducible(tree: ParameterTree) -> None:
    loaded = priors.load(tree)
    seeds = np.random.SeedSequence(7).spawn(50)
    one = [loaded.draw(i, s) for i, s in enumerate(seeds)]
    again = [loaded.draw(i, s) for i, s in enumerate(np.random.SeedSequence(7).spawn(50))]
    assert one == again
    for p in loaded.parameters:
        values = np.array([d[p.fitted.id] for d in one])
        assert (values >= p.prior.low).all() and (values <= p.prior.high).all()
        assert np.unique(values).shape[0] == 50


def test_a_draw_sets_only_the_dated_values_it_names_and_never_a_scenarios(
    tree: ParameterTree,
) -> None:
    loaded = priors.load(tree)
    p = loaded.parameters[0]
    drawn = loaded.apply(tree, {p.fitted.id: 123.0})
    before, after = tree.get(p.fitted.parameter), drawn.get(p.fitted.parameter)
    for a, b in zip(before.values, after.values, strict=True):
        if a.start.isoformat() in p.fitted.dates:
            assert b.value == 123.0 and "drawn from its prior" in (b.note or "")
        else:
            assert b.value == a.value


def test_the_sv_plan_is_a_floor_not_a_cap(tree: ParameterTree) -> None:
    outlook = load_scenario("outlook-2020-03-10", tree).tree
    cap = outlook.get("assumptions.aca.agreements.sv.annual_cap")
    assert cap.at(__import__("datetime").date(2020, 6, 1)) is None


def test_fixed_parameters_draw_nothing(tree: ParameterTree) -> None:
    assert draws.for_simulate(None, True, tree) is None
    both = draws.for_simulate(None, False, tree)
    assert both is not None and both.priors is not None
    assert both.includes() == ["monte_carlo", "parameters", "capacity_priors"]
    text = draws.uncertainty(both)["text"]
    assert "priors" in text and "posterior" in text
    # in words: each assumption by its label, not its code
    assert "MPP: absent at the first hearing" in text and "mpp_absence_first" not in text
