"""Replications are pure functions of the spec and seed, whatever the number of workers or
the executor, and nothing is kept between studies."""

from __future__ import annotations

import datetime as dt
import pickle
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from asylum_pathways.errors import UserError
from asylum_pathways.params import ParameterTree
from asylum_pathways.sim.runs import montecarlo
from asylum_pathways.sim.runs.montecarlo import run_study
from asylum_pathways.sim.runs.runtime import Runtime
from asylum_pathways.sim.runs.study import StudySpec

START, END = dt.date(2019, 12, 1), dt.date(2020, 1, 31)
SPEC = StudySpec(
    ("history", "ninth-circuit-injunction"), START, END, reps=3, seed=11, parameters="fixed"
)


@pytest.mark.slow
def test_results_are_bit_identical_for_any_number_of_workers(tree: ParameterTree) -> None:
    one = run_study(SPEC, Runtime(workers=1, keep_first=False, tree=tree))
    two = run_study(SPEC, Runtime(workers=2, keep_first=False, tree=tree))
    for name in SPEC.scenarios:
        assert isinstance(name, str)
        for metric in one.metrics():
            a, b = one.daily(name, metric), two.daily(name, metric)
            assert a.tobytes() == b.tobytes(), metric
    other = run_study(SPEC.replace(seed=12), Runtime(workers=1, keep_first=False, tree=tree))
    assert not np.array_equal(
        one.daily("history", "encounters"), other.daily("history", "encounters")
    )


@pytest.mark.slow
def test_any_executor_gives_the_same_results_as_the_process_pool(tree: ParameterTree) -> None:
    pool = run_study(SPEC, Runtime(workers=2, keep_first=False, tree=tree))
    with ThreadPoolExecutor(2) as executor:
        threads = run_study(SPEC, Runtime(keep_first=False, tree=tree, executor=executor))
    for metric in pool.metrics():
        assert pool.daily("history", metric).tobytes() == threads.daily("history", metric).tobytes()


def test_two_studies_in_one_process_do_not_share_state(tree: ParameterTree) -> None:
    short = SPEC.replace(scenarios=("history",), end=dt.date(2019, 12, 31), reps=2)
    with ThreadPoolExecutor(2) as executor:
        a = executor.submit(run_study, SPEC, Runtime(workers=1, keep_first=False, tree=tree))
        b = executor.submit(run_study, short, Runtime(workers=1, keep_first=False, tree=tree))
        long_study, short_study = a.result(), b.result()
    assert long_study.daily("history", "encounters").shape == (3, 62)
    assert short_study.daily("history", "encounters").shape == (2, 31)
    assert not [k for k in vars(montecarlo) if k.isupper() and k.startswith("_")]


def test_replications_differ_and_a_replication_does_not_depend_on_how_many_are_run(
    tree: ParameterTree,
) -> None:
    three = run_study(
        SPEC.replace(scenarios=("history",)), Runtime(workers=1, keep_first=False, tree=tree)
    )
    two = run_study(
        SPEC.replace(scenarios=("history",), reps=2),
        Runtime(workers=1, keep_first=False, tree=tree),
    )
    enc = three.daily("history", "encounters")
    assert not np.array_equal(enc[0], enc[1])
    assert enc[:2].tobytes() == two.daily("history", "encounters").tobytes()


def test_a_job_travels_to_workers_as_one_picklable_value(tree: ParameterTree) -> None:
    scenarios = SPEC.load_scenarios(tree)
    job = montecarlo.Job(tuple(scenarios), START, END)
    assert pickle.loads(pickle.dumps(job)).scenarios[0].tree.fingerprint() == (
        scenarios[0].tree.fingerprint()
    )


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda t: run_study("history", Runtime(tree=t)), "spec"),  # type: ignore[arg-type]
        (lambda t: run_study(SPEC, Runtime(workers=-1, tree=t)), "workers"),
        (lambda t: run_study(SPEC.replace(start=dt.date(2010, 1, 1)), Runtime(tree=t)), "start"),
        (lambda t: run_study(SPEC.replace(scenarios=("no-such",)), Runtime(tree=t)), "scenarios"),
        (
            lambda t: run_study(
                SPEC.replace(scenarios=("/etc/hosts",)), Runtime(tree=t, allow_files=False)
            ),
            "scenarios",
        ),
    ],
)
def test_run_study_refuses_a_bad_input_itself_naming_the_field(
    tree: ParameterTree, call, field: str
) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UserError) as err:
        call(tree)
    assert err.value.problems and err.value.problems[0].loc[0] == field
