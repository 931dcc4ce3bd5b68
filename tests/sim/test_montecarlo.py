"""Replications are pure functions of the seed, whatever the number of workers."""

from __future__ import annotations

import datetime as dt

import numpy as np

from asylum_pathways.params import ParameterTree
from asylum_pathways.scenarios import load_scenario
from asylum_pathways.sim.montecarlo import run_study

START, END = dt.date(2019, 12, 1), dt.date(2020, 1, 31)


def test_results_are_bit_identical_for_any_number_of_workers(tree: ParameterTree) -> None:
    scenarios = [load_scenario(n, tree) for n in ("history", "ninth-circuit-injunction")]
    one = run_study(scenarios, START, END, reps=3, seed=11, workers=1, keep_first=False)
    two = run_study(scenarios, START, END, reps=3, seed=11, workers=2, keep_first=False)
    for s in scenarios:
        for metric in one.metrics():
            a, b = one.daily(s.name, metric), two.daily(s.name, metric)
            assert a.tobytes() == b.tobytes(), metric
    other = run_study(scenarios, START, END, reps=3, seed=12, workers=1, keep_first=False)
    assert not np.array_equal(
        one.daily("history", "encounters"), other.daily("history", "encounters")
    )


def test_replications_differ_and_a_replication_does_not_depend_on_how_many_are_run(
    tree: ParameterTree,
) -> None:
    scenarios = [load_scenario("history", tree)]
    three = run_study(scenarios, START, END, reps=3, seed=5, workers=1, keep_first=False)
    enc = three.daily("history", "encounters")
    assert not np.array_equal(enc[0], enc[1])
