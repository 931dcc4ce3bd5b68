"""Law changes: open cases whose answer may differ are re-determined in one vectorized pass,
the differences stored and said in words, and a dated rule taking effect later is announced."""

from __future__ import annotations

import datetime as dt

import pytest
from registry_helpers import Bench, person
from sqlalchemy import update

from asylum_pathways.determination import determine_records
from asylum_pathways.params import load_tree
from asylum_pathways.registry import cases, changes, redetermine
from asylum_pathways.registry.database import ALL
from asylum_pathways.registry.models import Determination
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


def test_an_answer_stored_under_an_overlay_is_explained_under_that_law_when_read(
    bench: Bench,
) -> None:
    """`registry redetermine --scenario OVERLAY` stores answers under the overlay's law; a
    registry serving another law (the bundled one) still explains them, with what would change
    them, under the law they hold under (rebuilt from `law_versions`), not "not worked out"."""
    bench.now[0] = dt.datetime(2020, 2, 20, 9, 0)
    reg = bench.registry()
    org = bench.org(reg, "Org A")
    (case_id,) = _salvadorans(bench, reg, org, 1)
    world = _gt_world(bench, reg)
    redetermine.run(world, trigger="test")

    served = bench.registry()  # the bundled law, as `serve --db` without --scenario
    assert served.tree_fingerprint != world.tree_fingerprint
    got = cases.read(served, org.caseworker, case_id)["people"][0]["determination"]
    assert got["tree_fingerprint"] == world.tree_fingerprint
    answer = got["answer"]
    assert answer is not None and "branches" in answer
    assert (answer["pathway"], answer["receiving_country"]) == ("ACA_TRANSFER", "GT")
    assert answer["scenario"] == "guatemala-everywhere" and answer["date"] == "2020-02-20"
    # the same answer and branches as the overlay's own registry works out
    facts = person("x", citizenship="SV", sector="SDC")["facts"]
    record = {"person_id": got["person_id"], **facts}
    own = determine_records([record], world.scenario, as_of=dt.date(2020, 2, 20)).answer(0)
    for key in ("branches", "amenable", "missing_facts"):
        assert answer[key] == own[key], key
    assert [(s["rule"], s["outcome"]) for s in answer["explanation"]] == [
        (s["rule"], s["outcome"]) for s in own["explanation"]
    ]
    # kept on the row: the next read does not work it out again
    with served.db.transaction(ALL) as session:
        row = session.get(Determination, got["id"])
        assert row is not None and row.answer == answer


def test_a_stored_law_that_was_never_kept_is_left_unexplained(bench: Bench) -> None:
    bench.now[0] = dt.datetime(2020, 2, 20, 9, 0)
    reg = bench.registry()
    org = bench.org(reg, "Org A")
    (case_id,) = _salvadorans(bench, reg, org, 1)
    redetermine.run(_gt_world(bench, reg), trigger="test")
    with reg.db.transaction(ALL) as session:
        session.execute(update(Determination).values(fingerprint="f" * 64))

    got = cases.read(bench.registry(), org.caseworker, case_id)["people"][0]["determination"]

    assert got["answer"] is None and got["receiving_country"] == "GT"
