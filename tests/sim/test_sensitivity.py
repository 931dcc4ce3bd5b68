"""Sensitivity of the headline findings to the fitted assumptions, from the study's draws."""

from __future__ import annotations

import datetime as dt

import numpy as np

from asylum_pathways.params import ParameterTree
from asylum_pathways.scenarios import load_scenario
from asylum_pathways.sim.fitting.posterior import Fitted, Posterior
from asylum_pathways.sim.runs import sensitivity
from helpers import run_scenarios

START, END = dt.date(2019, 9, 1), dt.date(2019, 12, 31)


def test_rank_correlation_is_spearmans_rho_with_ties() -> None:
    x = np.array([1.0, 2.0, 3.0, 4.0])
    assert abs(sensitivity.rank_correlation(x, x**3) - 1.0) < 1e-12
    assert abs(sensitivity.rank_correlation(x, -x) + 1.0) < 1e-12
    assert np.isnan(sensitivity.rank_correlation(x, np.ones(4)))
    assert abs(sensitivity.rank_correlation(x, np.array([1.0, 1.0, 2.0, 2.0])) - 0.894427) < 1e-6


def test_each_finding_gets_an_index_per_assumption_and_the_driver_stands_out(
    tree: ParameterTree,
) -> None:
    fitted = (
        Fitted("no_show", "assumptions.mpp.hearing_process", "absence_first"),
        Fitted("gt_seats", "assumptions.aca.agreements.gt.seats_per_week", None, ("2019-12-12",)),
    )
    particles = np.column_stack([np.linspace(0.1, 0.6, 12), np.linspace(40, 110, 12)[::-1]])
    scenarios = [load_scenario(n, tree) for n in ("history", "ninth-circuit-injunction")]
    post = Posterior(fitted, particles, "cal-test", "test", {})
    study = run_scenarios(
        scenarios, START, END, reps=12, seed=2, workers=1, keep_first=False, draws=post
    )
    out = sensitivity.of_study(study)
    assert out is not None and "Spearman" in out["method"] and "12 replications" in out["method"]
    rows = out["results"]
    assert rows and all(
        set(r) >= {"scenario", "metric", "assumption", "index"} and 0 <= r["index"] <= 1
        for r in rows
    )
    assert {r["scenario"] for r in rows} >= {"history", "ninth-circuit-injunction"}
    index = {(r["scenario"], r["metric"], r["assumption"]): r["index"] for r in rows}
    assert index[("history", "mpp_in_absentia", "no_show")] > 0.8


def test_no_sensitivity_when_parameters_are_held_fixed(tree: ParameterTree) -> None:
    study = run_scenarios(
        [load_scenario("history", tree)], START, END, reps=3, seed=2, workers=1, keep_first=False
    )
    assert sensitivity.of_study(study) is None


def test_only_effects_above_the_dummies_noise_floor_are_shown(tree: ParameterTree) -> None:
    # absence at the first hearing drives in-absentia orders; Guatemala's seats (its draws
    # shuffled against the replications) drive nothing the MPP findings count
    rng = np.random.default_rng(5)
    fitted = (
        Fitted("no_show", "assumptions.mpp.hearing_process", "absence_first"),
        Fitted("gt_seats", "assumptions.aca.agreements.gt.seats_per_week", None, ("2019-12-12",)),
    )
    particles = np.column_stack(
        [np.linspace(0.1, 0.6, 16), rng.permutation(np.linspace(40, 110, 16))]
    )
    post = Posterior(fitted, particles, "cal-test", "test", {})
    study = run_scenarios(
        [load_scenario("history", tree)], START, END, reps=16, seed=4, workers=1,
        keep_first=False, draws=post,
    )  # fmt: skip
    out = sensitivity.of_study(study)
    assert out is not None
    floor = out["noise_floor"]["index"]
    assert 0 < floor < 1 and out["noise_floor"]["dummies"] == sensitivity.DUMMIES
    shown = {(f["scenario"], f["metric"]): f["effects"] for f in out["findings"]}
    absentia = shown[("history", "mpp_in_absentia")]
    assert absentia[0]["parameter"] == "no_show" and absentia[0]["index"] > floor
    assert absentia[0]["lo"] <= absentia[0]["index"] <= absentia[0]["hi"]
    assert all(e["index"] > floor for effects in shown.values() for e in effects)
    assert all(len(effects) <= sensitivity.TOP for effects in shown.values())
    assert all(
        not r["above_noise"]
        for r in out["results"]
        if r["assumption"] == "gt_seats" and r["metric"].startswith("mpp_")
    )


def test_the_deciding_assumption_is_the_one_a_finding_follows(tree: ParameterTree) -> None:
    fitted = (Fitted("no_show", "assumptions.mpp.hearing_process", "absence_first"),)
    post = Posterior(fitted, np.linspace(0.1, 0.6, 10)[:, None], "cal-test", "test", {})
    study = run_scenarios(
        [load_scenario("history", tree)], START, END, reps=10, seed=4, workers=1,
        keep_first=False, draws=post,
    )  # fmt: skip
    decided = sensitivity.deciding(study, study.headline("history", "mpp_in_absentia"))
    assert decided is not None and decided["parameter"] == "no_show"
    assert decided["index"] > decided["noise_floor"]
    assert sensitivity.deciding(study, np.arange(10.0)[::-1] * 0 + 1) is None  # flat: nothing
