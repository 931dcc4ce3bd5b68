"""Law changes: open cases whose answer may differ are re-determined in one vectorized pass,
the differences stored and said in words, and a dated rule taking effect later is announced."""

from __future__ import annotations

import datetime as dt

import pytest
from registry_helpers import Bench, person

from asylum_pathways.params import load_tree
from asylum_pathways.registry import cases, changes, redetermine
from asylum_pathways.scenarios import load_overlay

#: The Guatemala agreement implemented in every sector from 2020-02-03 (it was in El Paso and the
#: Rio Grande Valley only): Salvadorans encountered in San Diego become amenable to a transfer
#: to Guatemala from that day.
GT_EVERYWHERE = {
    "name": "guatemala-everywhere",
    "law": {
        "aca.agreements.gt.implementing_sectors": [
            {
                "from": "2020-02-03",
                "value": ["SDC", "ELC", "YUM", "TCA", "EPT", "BBT", "DRT", "LRT", "RGV"],
            }
        ]
    },
}


def _salvadorans(bench: Bench, reg, org, n: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        cases.create(
            reg, org.caseworker, {"people": [person(f"Gen {i}", citizenship="SV", sector="SDC")]}
        )
        for i in range(n)
    ]


def _gt_world(bench: Bench, reg):  # type: ignore[no-untyped-def]
    return bench.with_scenario(
        reg, load_overlay(GT_EVERYWHERE, reg.scenario.tree, "guatemala-everywhere")
    )


def test_a_law_change_is_said_as_cases_that_became_amenable_from_its_day(bench: Bench) -> None:
    bench.now[0] = dt.datetime(2020, 2, 20, 9, 0)
    reg = bench.registry()
    org = bench.org(reg, "Org A")
    ids = _salvadorans(bench, reg, org, 3)
    before = cases.read(reg, org.caseworker, ids[0])["people"][0]["determination"]
    assert before["pathway"] != "ACA_TRANSFER" or before["receiving_country"] != "GT"
    out = redetermine.run(_gt_world(bench, reg), trigger="test")
    assert out.considered == 3
    assert "3 cases became amenable to a transfer to Guatemala from 2020-02-03" in out.summary
    gt = _gt_world(bench, reg)
    after = cases.read(gt, org.caseworker, ids[0])
    assert after["people"][0]["determination"]["receiving_country"] == "GT"
    explained = after["people"][0]["determination"]["answer"]  # built on this first read
    assert explained["pathway"] == "ACA_TRANSFER" and explained["receiving_country"] == "GT"
    assert explained["date"] == "2020-02-20"
    assert after["changes"][0]["effective_on"] == "2020-02-03"
    listed = changes.listing(gt, org.caseworker)
    assert "3 cases became amenable to a transfer to Guatemala from 2020-02-03" in listed["summary"]


def test_nothing_is_redetermined_when_neither_the_law_nor_the_day_changed(bench: Bench) -> None:
    bench.now[0] = dt.datetime(2020, 2, 20, 9, 0)
    reg = bench.registry()
    org = bench.org(reg, "Org A")
    _salvadorans(bench, reg, org, 2)
    redetermine.run(reg, trigger="test")
    again = redetermine.run(reg, trigger="test")
    assert again.considered == 0 and again.open_people == 2


def test_cases_determined_before_the_first_difference_are_not_candidates(bench: Bench) -> None:
    bench.now[0] = dt.datetime(2020, 1, 20, 9, 0)
    reg = bench.registry()
    org = bench.org(reg, "Org A")
    _salvadorans(bench, reg, org, 2)
    # The law differs from 2020-02-03, after the as-of day: the answers cannot differ.
    out = redetermine.run(_gt_world(bench, reg), as_of=dt.date(2020, 1, 20), horizon_days=0)
    assert out.considered == 0


def test_a_rule_that_takes_effect_later_is_announced_in_advance(bench: Bench) -> None:
    bench.now[0] = dt.datetime(2020, 1, 20, 9, 0)
    reg = bench.registry()
    org = bench.org(reg, "Org A")
    _salvadorans(bench, reg, org, 2)
    out = redetermine.run(_gt_world(bench, reg), as_of=dt.date(2020, 1, 20), horizon_days=60)
    assert (
        "from 2020-02-03, 2 cases will become amenable to a transfer to Guatemala" in out.announced
    )


def test_closed_cases_are_not_redetermined(bench: Bench) -> None:
    bench.now[0] = dt.datetime(2020, 2, 20, 9, 0)
    reg = bench.registry()
    org = bench.org(reg, "Org A")
    ids = _salvadorans(bench, reg, org, 2)
    cases.update(reg, org.caseworker, ids[0], {"status": "closed"})
    out = redetermine.run(_gt_world(bench, reg), trigger="test")
    assert out.considered == 1 and out.changed_cases == 1


@pytest.mark.slow
def test_redetermination_calls_the_entry_point_once_for_every_candidate(
    bench: Bench, monkeypatch: pytest.MonkeyPatch
) -> None:
    from asylum_pathways.registry import determining

    bench.now[0] = dt.datetime(2020, 2, 20, 9, 0)
    reg = bench.registry()
    org = bench.org(reg, "Org A")
    _salvadorans(bench, reg, org, 5)
    calls = []
    real = determining.determine_records

    def counting(records, *a, **k):  # type: ignore[no-untyped-def]
        calls.append(len(records))
        return real(records, *a, **k)

    monkeypatch.setattr(determining, "determine_records", counting)
    redetermine.run(_gt_world(bench, reg), trigger="test", horizon_days=0)
    assert calls == [5]


def test_an_as_of_day_outside_the_tree_is_refused_with_its_range(bench: Bench) -> None:
    from asylum_pathways.errors import UsageError

    reg = bench.registry()
    with pytest.raises(UsageError, match="answers for 2018-10-01 to"):
        redetermine.run(reg, as_of=dt.date(2040, 1, 1))


def test_future_change_days_come_from_the_law_only() -> None:
    from asylum_pathways.registry import law_versions

    tree = load_tree()
    days = law_versions.change_days(tree, dt.date(2020, 1, 1), dt.date(2020, 3, 31))
    assert days and all(dt.date(2020, 1, 1) < d <= dt.date(2020, 3, 31) for d in days)
