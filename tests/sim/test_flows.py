"""Flows conserve people and scenarios share their people and luck."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from asylum_pathways.params import ParameterTree
from asylum_pathways.scenarios import load_scenario
from asylum_pathways.sim.model.flows import OUTCOMES, simulate
from asylum_pathways.sim.model.population import generate

START, END = dt.date(2019, 11, 1), dt.date(2020, 4, 30)


@pytest.fixture(scope="module")
def runs(tree: ParameterTree) -> dict[str, object]:
    out = {}
    for name in ("history", "outlook-2020-03-10"):
        scenario_tree = load_scenario(name, tree).tree
        pop = generate(scenario_tree, START, END, np.random.default_rng(7))
        out[name] = (pop, simulate(scenario_tree, pop, keep_fate=True))
    return out


def test_people_are_conserved_every_day(runs: dict) -> None:
    for _pop, result in runs.values():
        d = result.daily
        assert np.array_equal(np.cumsum(d["encounters"]), d["exits_cumulative"] + d["in_system"])
        assert (d["in_system"] >= 0).all() and (
            d["mpp_waiting_in_mexico"] <= d["mpp_pending"]
        ).all()


def test_every_person_has_exactly_one_final_pathway(runs: dict) -> None:
    pop, result = runs["history"]
    fate = result.fate
    assert fate.pathway.shape[0] == pop.enc.n
    assert (
        int(sum(result.daily[k].sum() for k in result.daily if k.startswith("pathway_")))
        == pop.enc.n
    )
    case = fate.mpp_case
    assert (fate.outcome[case] >= 0).all() and (fate.outcome[~case] == -1).all()
    assert not (fate.enrolled & ~case).any()


def test_scenarios_run_on_the_same_people(runs: dict) -> None:
    a, _ = runs["history"]
    b, _ = runs["outlook-2020-03-10"]
    assert np.array_equal(a.enc.citizenship, b.enc.citizenship)
    assert np.array_equal(a.draws["hearing_1"], b.draws["hearing_1"])


def test_title42_and_the_aca_suspension_change_pathways_only_after_march_2020(runs: dict) -> None:
    pop, hist = runs["history"]
    _, outlook = runs["outlook-2020-03-10"]
    before = (dt.date(2020, 3, 16) - START).days
    assert np.array_equal(
        hist.fate.assigned[pop.day_index() < before],
        outlook.fate.assigned[pop.day_index() < before],
    )
    assert hist.daily["pathway_TITLE42_EXPULSION"][: before + 5].sum() == 0
    assert hist.daily["pathway_TITLE42_EXPULSION"].sum() > 0
    assert outlook.daily["pathway_TITLE42_EXPULSION"].sum() == 0
    assert hist.daily["aca_transfers_GT"][before + 2 :].sum() == 0
    assert outlook.daily["aca_transfers_GT"][before + 2 :].sum() > 0


def test_hearings_stop_while_postponed(runs: dict) -> None:
    _pop, hist = runs["history"]
    postponed = (dt.date(2020, 3, 23) - START).days
    assert hist.daily["mpp_first_hearings"][postponed:].sum() == 0
    assert hist.daily["mpp_first_hearings"][:postponed].sum() > 0
    in_absentia = hist.fate.outcome == OUTCOMES.index("in_absentia")
    assert in_absentia.sum() > 0


def test_family_members_share_their_fate(runs: dict) -> None:
    pop, hist = runs["history"]
    g = pop.enc.group
    same = np.flatnonzero(g[1:] == g[:-1])
    f = hist.fate
    for arr in (f.pathway, f.enrolled, f.receiving, f.mpp_port):
        assert np.array_equal(arr[same], arr[same + 1])
