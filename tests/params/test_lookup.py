"""Lookups: one day, and vectorized over each person's own day."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from asylum_pathways import codes
from asylum_pathways.dates import day_number
from asylum_pathways.params import ParameterTree


def test_at_gives_the_value_in_force_on_a_day(tree: ParameterTree) -> None:
    p = tree.at(dt.date(2020, 1, 3))
    assert p.law.aca.agreements.gt.amenable_nationalities == ["HN", "SV"]
    assert tree.at(dt.date(2020, 1, 4)).law.aca.agreements.gt.amenable_nationalities == [
        "HN",
        "SV",
        "MX",
    ]
    assert tree.at(dt.date(2019, 1, 28)).law.mpp.enrolment_in_force is None
    assert tree.at(dt.date(2019, 1, 29)).law.mpp.enrolment_in_force is True


DAYS = st.dates(min_value=dt.date(2018, 10, 1), max_value=dt.date(2021, 3, 1))


@settings(max_examples=30, deadline=None)
@given(st.lists(DAYS, min_size=1, max_size=40), st.data())
def test_vectorized_lookup_matches_one_day_lookup(
    tree: ParameterTree, days: list[dt.date], data: st.DataObject
) -> None:
    numbers = np.array([day_number(d) for d in days], dtype=np.int32)
    countries = codes.countries()
    picks = np.array(
        data.draw(
            st.lists(st.integers(0, len(countries) - 1), min_size=len(days), max_size=len(days))
        )
    )
    nat = tree.get("law.aca.agreements.gt.amenable_nationalities")
    got = nat.member(numbers, picks, countries)
    for day, code, value in zip(days, picks, got, strict=True):
        listed = nat.at(day) or []
        assert value == (countries[code] in listed)
    flag = tree.get("law.title42.in_force")
    assert list(flag.flag(numbers)) == [flag.at(d) is True for d in days]


def test_keyed_lookup_by_place(tree: ParameterTree) -> None:
    day = np.array([day_number(dt.date(2020, 3, 12))] * 3, dtype=np.int32)
    sectors = np.array([codes.SECTORS.index(s) for s in ("SDC", "TCA", "RGV")])
    state = tree.get("law.geo.sector_state").keyed_code(day, sectors, codes.SECTORS, codes.STATES)
    assert [codes.STATES[i] for i in state] == ["CA", "AZ", "TX"]
    circuit = tree.get("law.geo.state_circuit").keyed_code(day, state, codes.STATES, codes.CIRCUITS)
    assert [codes.CIRCUITS[i] for i in circuit] == ["9", "9", "5"]
    served = tree.get("law.mpp.port_sectors_served")
    ports = np.array([tree.ports.index("ELP")] * 2)
    tucson = np.array([codes.SECTORS.index("TCA")] * 2)
    days = np.array([day_number(dt.date(2019, 11, 21)), day_number(dt.date(2019, 11, 22))])
    assert list(served.keyed_member(days, ports, tucson, tree.ports, codes.SECTORS)) == [
        False,
        True,
    ]
