"""Each replication draws its assumptions from the posterior: one draw for every scenario,
the same whatever the worker count, and nothing changes when parameters are held fixed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from asylum_pathways.errors import UserError
from asylum_pathways.params import ParameterTree
from asylum_pathways.scenarios import load_scenario
from asylum_pathways.sim.fitting import posterior
from asylum_pathways.sim.fitting.posterior import Fitted, Posterior
from asylum_pathways.sim.model.flows import simulate
from asylum_pathways.sim.model.population import generate
from helpers import run_scenarios

START, END = dt.date(2019, 9, 1), dt.date(2019, 12, 31)
NO_SHOW = Fitted("no_show", "assumptions.mpp.hearing_process", "absence_first")
CAPACITY = Fitted("capacity", "assumptions.mpp.hearing_capacity", "*:first", transform="scale")


def make(
    particles: list[list[float]], fitted: tuple[Fitted, ...] = (NO_SHOW, CAPACITY)
) -> Posterior:
    return Posterior(fitted, np.array(particles, dtype=float), "cal-test", "test", {})


def test_fixed_parameters_give_the_model_run_directly(tree: ParameterTree) -> None:
    history = load_scenario("history", tree)
    study = run_scenarios([history], START, END, reps=2, seed=3, workers=1, keep_first=False)
    for i, child in enumerate(np.random.SeedSequence(3).spawn(2)):
        pop = generate(history.tree, START, END, np.random.Generator(np.random.PCG64(child)))
        direct = simulate(history.tree, pop).daily
        for metric, values in direct.items():
            assert study.daily("history", metric)[i].tobytes() == values.tobytes(), metric
    assert study.replicates[0].draw == {}


def test_a_draw_that_restates_the_tree_changes_nothing(tree: ParameterTree) -> None:
    history = load_scenario("history", tree)
    same = make([[0.42, 1.0]])
    fixed = run_scenarios([history], START, END, reps=2, seed=4, workers=1, keep_first=False)
    drawn = run_scenarios(
        [history], START, END, reps=2, seed=4, workers=1, keep_first=False, draws=same
    )
    for metric in fixed.metrics():
        assert fixed.daily("history", metric).tobytes() == drawn.daily("history", metric).tobytes()


@pytest.mark.slow
def test_every_scenario_of_a_replication_gets_the_same_draw(
    tree: ParameterTree, tmp_path: Path
) -> None:
    copy = tmp_path / "history-copy.yaml"
    copy.write_text("name: history-copy\ndescription: the history overlay again\n")
    scenarios = [load_scenario("history", tree), load_scenario(str(copy), tree)]
    post = make([[0.1, 0.5], [0.6, 2.0]])
    study = run_scenarios(
        scenarios, START, END, reps=8, seed=9, workers=1, keep_first=False, draws=post
    )
    draws = [r.draw for r in study.replicates]
    assert {d["no_show"] for d in draws} == {0.1, 0.6}  # both particles drawn
    absentia_a = study.daily("history", "mpp_in_absentia_cumulative")[:, -1]
    absentia_b = study.daily("history-copy", "mpp_in_absentia_cumulative")[:, -1]
    assert absentia_a.tobytes() == absentia_b.tobytes()  # paired: the same draw in both
    low = [i for i, d in enumerate(draws) if d["no_show"] == 0.1]
    high = [i for i, d in enumerate(draws) if d["no_show"] == 0.6]
    assert absentia_a[high].min() > 2 * absentia_a[low].max()  # the draw reached the model


@pytest.mark.slow
def test_draws_are_identical_with_one_and_two_workers(tree: ParameterTree) -> None:
    history = [load_scenario("history", tree)]
    post = make([[0.2, 0.7], [0.3, 1.0], [0.5, 1.6]])
    one = run_scenarios(
        history, START, END, reps=4, seed=5, workers=1, keep_first=False, draws=post
    )
    two = run_scenarios(
        history, START, END, reps=4, seed=5, workers=2, keep_first=False, draws=post
    )
    assert [r.draw for r in one.replicates] == [r.draw for r in two.replicates]
    for metric in one.metrics():
        assert one.daily("history", metric).tobytes() == two.daily("history", metric).tobytes()


def test_a_replications_draw_does_not_depend_on_how_many_are_run() -> None:
    post = make([[0.1 * k, 1.0] for k in range(1, 8)])
    few = [post.draw(i, s) for i, s in enumerate(np.random.SeedSequence(1).spawn(3))]
    many = [post.draw(i, s) for i, s in enumerate(np.random.SeedSequence(1).spawn(30))]
    assert few == many[:3]
    assert len({d["no_show"] for d in many}) > 3


def test_a_draw_leaves_values_a_scenario_set_and_names_the_run(
    tree: ParameterTree, tmp_path: Path
) -> None:
    overlay = tmp_path / "courts.yaml"
    overlay.write_text(
        "name: courts\ndescription: absences fall in 2020\nassumptions:\n"
        "  mpp.hearing_process:\n"
        "    - from: 2020-01-01\n"
        "      value: {master_hearings: 2, continuance_days: 45, absence_first: 0.05,"
        " absence_later: 0.2, absentee_termination_share: 0.1, termination_present: 0.28,"
        " reopen_share: 0.1, reopen_days: 60, final_grant_rate: 0.06,"
        " final_termination_rate: 0.1}\n"
    )
    scenario = load_scenario(str(overlay), tree)
    drawn = make([[0.5, 2.0]]).apply(scenario.tree, {"no_show": 0.5, "capacity": 2.0})
    process = drawn.get("assumptions.mpp.hearing_process")
    assert process.at(dt.date(2019, 6, 1))["absence_first"] == 0.5
    assert process.at(dt.date(2020, 6, 1))["absence_first"] == 0.05  # the scenario's value wins
    assert "cal-test" in (process.entry_at(dt.date(2019, 6, 1)).note or "")
    before = tree.get("assumptions.mpp.hearing_capacity").at(dt.date(2019, 6, 1))
    after = drawn.get("assumptions.mpp.hearing_capacity").at(dt.date(2019, 6, 1))
    assert after["El Paso:first"] == 2 * before["El Paso:first"]
    assert after["El Paso:final"] == before["El Paso:final"]  # the glob selects first hearings


def test_the_shipped_posterior_fits_the_tree_and_names_its_run(tree: ParameterTree) -> None:
    post = posterior.read(posterior.default_path())
    assert post.problems(tree) == []
    assert post.run_id.startswith("cal-")
    assert post.provenance["method"].startswith("ABC-SMC")
    assert post.particles.shape[0] >= 100
    assert {"targets", "seed", "fit", "tree_fingerprint"} <= set(post.provenance)


def test_an_explicit_posterior_that_does_not_fit_the_tree_is_refused(
    tree: ParameterTree, tmp_path: Path
) -> None:
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    gone = Fitted("gone", "assumptions.mpp.no_such_parameter")
    meta = {"run_id": "cal-x", "fitted": [gone.as_dict()]}
    table = pa.table({"gone": [1.0]}).replace_schema_metadata(
        {posterior.METADATA_KEY: json.dumps(meta).encode()}
    )
    pq.write_table(table, tmp_path / "posterior.parquet")
    with pytest.raises(UserError, match="does not fit the parameter tree: gone: no parameter"):
        posterior.for_simulate(tmp_path, False, tree)
    assert posterior.for_simulate(tmp_path, True, tree) is None  # --fixed-parameters


@pytest.mark.slow
def test_a_posterior_stays_valid_when_only_law_the_model_never_reads_changes(
    tree: ParameterTree, capsys: pytest.CaptureFixture[str]
) -> None:
    """The warning compares the parameters the calibration's simulation read (recorded in the
    posterior) and nothing else: a new law the simulation never reads (a registry deadline)
    leaves the fit valid; a change to one it reads does not."""
    from asylum_pathways.params.model import DatedValue
    from asylum_pathways.sim.calibrate.provenance import model_reads
    from asylum_pathways.sim.fitting import spec

    reads = model_reads(spec.load(None, None), tree)
    assert "assumptions.mpp.hearing_process" in reads
    assert not any(r.startswith("law.eoir.") for r in reads)
    shipped = posterior.read(posterior.default_path())
    meta = {**shipped.provenance, "reads": reads, "reads_fingerprint": tree.fingerprint(reads)}
    own = Posterior(shipped.fitted, shipped.particles, shipped.run_id, shipped.source, meta)

    def warns(t: ParameterTree) -> bool:
        from unittest import mock

        capsys.readouterr()
        with mock.patch.object(posterior, "read", return_value=own):
            posterior.for_simulate(None, False, t)
        return "different parameter tree" in capsys.readouterr().err

    deadline = tree.get("law.eoir.individual_hearing_filing_days")
    elsewhere = tree.replaced(
        {
            deadline.name: deadline.with_values(
                (
                    *deadline.values,
                    DatedValue(dt.date(2026, 1, 1), 45, deadline.values[-1].references),
                )
            )
        }
    )
    read = tree.get("assumptions.mpp.first_hearing_notice_days")
    here = tree.replaced(
        {
            read.name: read.with_values(
                (DatedValue(read.values[0].start, 99, read.values[0].references),)
            )
        }
    )
    assert not warns(tree) and not warns(elsewhere) and warns(here)
