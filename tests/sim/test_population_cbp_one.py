"""People OFO encountered while CBP One appointments were offered came, in the assumed share,
at a scheduled time; nobody else did."""

from __future__ import annotations

import datetime as dt

import numpy as np

from asylum_pathways import tri
from asylum_pathways.dates import day_number
from asylum_pathways.params import ParameterTree
from asylum_pathways.sim.model.population import CBP_ONE_SHARE, generate


def test_a_share_of_port_arrivals_had_an_appointment_until_scheduling_ended(
    tree: ParameterTree,
) -> None:
    pop = generate(tree, dt.date(2025, 1, 10), dt.date(2025, 1, 31), np.random.default_rng(3))
    flag = pop.enc.flags["cbp_one_appointment"] == tri.T
    before = pop.enc.arrival < day_number(dt.date(2025, 1, 20))  # scheduling ended that day
    assert not flag[~pop.ofo].any()  # nobody between ports
    assert not flag[~before].any()  # nobody after appointments ended
    share = flag[pop.ofo & before].mean()
    assumed = tree.get(CBP_ONE_SHARE).at(dt.date(2025, 1, 10))
    assert abs(share - assumed) < 0.03, share
    # a family shares its appointment
    group = pop.enc.group[pop.ofo & before]
    f = flag[pop.ofo & before]
    assert all(len(set(f[group == g])) == 1 for g in np.unique(group)[:500])


def test_nobody_has_an_appointment_before_or_after_appointments(tree: ParameterTree) -> None:
    for start, end in (
        (dt.date(2019, 10, 1), dt.date(2019, 10, 31)),
        (dt.date(2025, 3, 1), dt.date(2025, 3, 31)),
    ):
        pop = generate(tree, start, end, np.random.default_rng(5))
        assert pop.ofo.any()
        assert not (pop.enc.flags["cbp_one_appointment"] == tri.T).any()
