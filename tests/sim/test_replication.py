"""One replication: persons.parquet made scenario by scenario is the table of every scenario
run on its own, and each scenario's rows are its own people."""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
import polars as pl

from asylum_pathways.params import ParameterTree
from asylum_pathways.rules.engine import determine
from asylum_pathways.scenarios import Scenario, load_overlay, load_scenario
from asylum_pathways.sim.model.flows import simulate
from asylum_pathways.sim.model.population import generate
from asylum_pathways.sim.runs.persons import persons_frame, write_persons
from asylum_pathways.sim.runs.replication import Job, replicate

START, END = dt.date(2019, 12, 1), dt.date(2020, 1, 31)
NAMES = ("history", "outlook-2020-03-10", "ninth-circuit-injunction")


def _alone(scenarios: list[Scenario], seed: np.random.SeedSequence) -> pl.DataFrame:
    """persons.parquet's table with each scenario run on its own: its people drawn afresh
    from the seed, every answer from the full engine, every fate held to the end."""
    frames = []
    for scenario in scenarios:
        pop = generate(scenario.tree, START, END, np.random.Generator(np.random.PCG64(seed)))
        det = determine(scenario.tree, pop.enc, groups=pop.groups)
        fate = simulate(scenario.tree, pop, keep_fate=True, det=det).fate
        assert fate is not None
        ports = scenarios[0].tree.ports
        frames.append(persons_frame(START, [scenario.name], ports, pop, {scenario.name: fate}))
    return pl.concat(frames)


def test_the_kept_people_are_those_of_every_scenario_run_on_its_own(tree: ParameterTree) -> None:
    scenarios = [load_scenario(name, tree) for name in NAMES]
    seed = np.random.SeedSequence(5).spawn(1)[0]
    kept = replicate(Job(tuple(scenarios), START, END), 0, seed, keep=True)
    assert kept.persons is not None
    alone = io.BytesIO()
    write_persons(_alone(scenarios, seed), alone)
    assert kept.persons == alone.getvalue()
    table = pl.read_parquet(kept.persons)
    assert table["scenario"].unique(maintain_order=True).to_list() == list(NAMES)
    plain = replicate(Job(tuple(scenarios), START, END), 0, seed, keep=False)
    assert plain.persons is None
    for name in NAMES:  # keeping the people changes no figure
        for metric, values in plain.daily[name].items():
            assert values.tobytes() == kept.daily[name][metric].tobytes(), (name, metric)


def test_a_scenario_that_draws_other_people_keeps_its_own_people(tree: ParameterTree) -> None:
    larger = load_overlay(
        {
            "name": "larger-families",
            "description": "Every family unit has five members.",
            "reference": [{"title": "A test of persons.parquet", "href": "https://example.org/t"}],
            "assumptions": {
                "population.family_size": [
                    {"from": "2018-10-01", "value": {"2": 0.0, "3": 0.0, "4": 0.0, "5": 1.0}}
                ]
            },
        },
        tree,
        "test",
    )
    scenarios = [load_scenario("history", tree), larger]
    seed = np.random.SeedSequence(6).spawn(1)[0]
    kept = replicate(Job(tuple(scenarios), START, END), 0, seed, keep=True)
    assert kept.persons is not None
    table = pl.read_parquet(kept.persons)
    alone = _alone(scenarios, seed)
    for name in ("history", "larger-families"):
        mine = table.filter(pl.col("scenario") == name)
        theirs = alone.filter(pl.col("scenario") == name)
        assert mine.equals(theirs), name
    families = [
        table.filter(pl.col("scenario") == n)["family"] for n in ("history", "larger-families")
    ]
    assert not families[0].equals(families[1])  # two populations: each scenario has its own
