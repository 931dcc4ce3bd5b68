"""Every stage reads its dated assumptions on each day: a change applies from its day, never
before it, and caps count what they cap."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from asylum_pathways import codes
from asylum_pathways.errors import ParameterError
from asylum_pathways.params import ParameterTree
from asylum_pathways.scenarios import load_scenario
from asylum_pathways.sim.model.flows import Result, simulate
from asylum_pathways.sim.model.population import Population, generate

START, END = dt.date(2020, 1, 1), dt.date(2020, 12, 31)
BASE = "outlook-2020-03-10"


def scenario(tmp: Path, name: str, section: str, changes: dict[str, list[dict[str, Any]]]):
    path = tmp / f"{name}.yaml"
    path.write_text(
        yaml.safe_dump(
            {"name": name, "description": "test", "extends": BASE, section: changes},
            sort_keys=False,
        )
    )
    return path


@pytest.fixture(scope="module")
def pop(tree: ParameterTree) -> Population:
    return generate(load_scenario(BASE, tree).tree, START, END, np.random.default_rng(11))


@pytest.fixture(scope="module")
def base(tree: ParameterTree, pop: Population) -> Result:
    return simulate(load_scenario(BASE, tree).tree, pop, keep_fate=True)


def run(tree: ParameterTree, pop: Population, path: Path) -> Result:
    return simulate(load_scenario(str(path), tree).tree, pop, keep_fate=True)


def day(d: dt.date) -> int:
    return (d - START).days


def sv_2020(result: Result) -> float:
    return float(result.daily["aca_transfers_SV_cumulative"][-1])


def with_sv_cap(
    tree: ParameterTree, pop: Population, tmp: Path, cap: int | None, on: dt.date = START
) -> Result:
    """The outlook with El Salvador's annual cap set to `cap` from `on`."""
    change = {"aca.agreements.sv.annual_cap": [{"from": on, "value": cap}]}
    return run(tree, pop, scenario(tmp, f"cap-{cap}-{on}", "assumptions", change))


@pytest.mark.parametrize("cap", [500, 1000])
@pytest.mark.slow
def test_el_salvador_transfers_in_2020_stay_within_five_percent_of_its_cap(
    tree: ParameterTree, pop: Population, tmp_path: Path, cap: int
) -> None:
    result = with_sv_cap(tree, pop, tmp_path, cap, dt.date(2020, 1, 1))
    assert abs(sv_2020(result) - cap) <= 0.05 * cap


@pytest.mark.slow
def test_transfers_are_the_smaller_of_the_cap_and_the_capacity_limited_demand(
    tree: ParameterTree, pop: Population, tmp_path: Path, base: Result
) -> None:
    demand = sv_2020(with_sv_cap(tree, pop, tmp_path, None))
    assert demand > 1000
    got = []
    for cap in (0, 100, 700, 1000, 5000, 20000):
        got.append(sv_2020(with_sv_cap(tree, pop, tmp_path, cap)))
        assert got[-1] == min(cap, demand)
    assert got == sorted(got)


@pytest.mark.slow
def test_a_cap_below_the_seat_rate_binds_on_the_first_days(
    tree: ParameterTree, pop: Population, tmp_path: Path
) -> None:
    result = with_sv_cap(tree, pop, tmp_path, 3, dt.date(2020, 1, 1))
    assert sv_2020(result) == 3


@pytest.mark.slow
def test_a_cap_change_dated_after_the_horizon_changes_nothing_inside_it(
    tree: ParameterTree, pop: Population, tmp_path: Path, base: Result
) -> None:
    result = with_sv_cap(tree, pop, tmp_path, 0, dt.date(2021, 1, 1))
    for metric, values in base.daily.items():
        assert np.array_equal(values, result.daily[metric]), metric


@pytest.mark.slow
def test_a_cap_change_on_the_last_day_does_not_change_june(
    tree: ParameterTree, pop: Population, tmp_path: Path, base: Result
) -> None:
    result = with_sv_cap(tree, pop, tmp_path, 500, dt.date(2020, 12, 31))
    changed = result
    june = slice(day(dt.date(2020, 6, 1)), day(dt.date(2020, 6, 30)) + 1)
    assert (
        changed.daily["aca_transfers_SV"][june].sum() == base.daily["aca_transfers_SV"][june].sum()
    )
    assert base.daily["aca_transfers_SV"][june].sum() > 0


def _changes_from(
    tree: ParameterTree,
    pop: Population,
    tmp: Path,
    base: Result,
    section: str,
    name: str,
    value: Any,
    on: dt.date,
) -> Result:
    result = run(
        tree,
        pop,
        scenario(tmp, name.replace(".", "_"), section, {name: [{"from": on, "value": value}]}),
    )
    before = slice(0, day(on))
    for metric in ("encounters", "mpp_enrolled", "aca_transfers_GT", "mpp_first_hearings"):
        assert np.array_equal(result.daily[metric][before], base.daily[metric][before]), metric
    return result


CHANGE = dt.date(2020, 2, 10)  # a Monday


@pytest.mark.slow
def test_seats_change_the_day_they_change(
    tree: ParameterTree, pop: Population, tmp_path: Path, base: Result
) -> None:
    result = _changes_from(
        tree, pop, tmp_path, base, "assumptions", "aca.agreements.gt.seats_per_week", 0, CHANGE
    )
    admitted = lambda r: np.bincount(pop.day_index()[r.fate.aca_admitted], minlength=pop.n_days)  # noqa: E731
    assert admitted(base)[day(CHANGE)] > 0 and admitted(result)[day(CHANGE)] == 0
    assert admitted(result)[day(CHANGE) - 1] == admitted(base)[day(CHANGE) - 1]


@pytest.mark.slow
def test_a_receiving_side_limit_changes_flights_from_its_day(
    tree: ParameterTree, pop: Population, tmp_path: Path, base: Result
) -> None:
    result = _changes_from(
        tree, pop, tmp_path, base, "assumptions", "aca.agreements.gt.daily_limit", 0, CHANGE
    )
    assert base.daily["aca_transfers_GT"][day(CHANGE) :].sum() > 0
    assert result.daily["aca_transfers_GT"][day(CHANGE) :].sum() == 0


@pytest.mark.slow
def test_flight_weekdays_are_read_per_day(
    tree: ParameterTree, pop: Population, tmp_path: Path, base: Result
) -> None:
    result = _changes_from(
        tree, pop, tmp_path, base, "assumptions", "aca.agreements.gt.flight_weekdays", ["2"], CHANGE
    )
    flights = np.flatnonzero(result.daily["aca_transfers_GT"][day(CHANGE) :]) + day(CHANGE)
    weekdays = {(START + dt.timedelta(days=int(i))).weekday() for i in flights}
    assert weekdays == {2}


@pytest.mark.slow
def test_processing_days_are_read_on_the_encounter_day(
    tree: ParameterTree, pop: Population, tmp_path: Path, base: Result
) -> None:
    result = _changes_from(
        tree, pop, tmp_path, base, "assumptions", "aca.processing_days", 30, CHANGE
    )
    fate, d = result.fate, pop.day_index()
    flown = (fate.transfer >= 0) & (d >= day(CHANGE))
    assert flown.any() and (fate.transfer[flown] - d[flown] >= 30).all()
    early = (fate.transfer >= 0) & (d < day(CHANGE) - 10)
    assert (fate.transfer[early] - d[early] < 30).all()


@pytest.mark.slow
def test_an_enrolment_capacity_change_applies_from_its_day(
    tree: ParameterTree, pop: Population, tmp_path: Path, base: Result
) -> None:
    result = _changes_from(
        tree, pop, tmp_path, base, "assumptions", "mpp.enrolment_capacity", {}, CHANGE
    )
    assert base.daily["mpp_enrolled"][day(CHANGE)] > 0
    assert result.daily["mpp_enrolled"][day(CHANGE) :].sum() == 0


@pytest.mark.slow
def test_court_capacity_binds_the_first_hearing_queue(
    tree: ParameterTree, pop: Population, tmp_path: Path, base: Result
) -> None:
    result = _changes_from(
        tree, pop, tmp_path, base, "assumptions", "mpp.hearing_capacity", {}, CHANGE
    )
    assert base.daily["mpp_first_hearings"][day(CHANGE) :].sum() > 0
    assert result.daily["mpp_first_hearings"][day(CHANGE) :].sum() == 0


@pytest.mark.slow
def test_the_hearing_process_is_read_on_the_hearing_day(
    tree: ParameterTree, pop: Population, tmp_path: Path, base: Result
) -> None:
    process = dict(tree.get("assumptions.mpp.hearing_process").at(START))
    process["absence_first"] = 1.0
    result = _changes_from(
        tree, pop, tmp_path, base, "assumptions", "mpp.hearing_process", process, CHANGE
    )
    f = result.fate
    assert np.array_equal(f.case_rows, base.fate.case_rows)  # hearings are per case
    late = (f.first_hearing >= day(CHANGE))[f.case_rows]
    early = ((f.first_hearing >= 0) & (f.first_hearing < day(CHANGE)))[f.case_rows]
    assert late.any() and f.hearing_absent[0][late].all()
    assert np.array_equal(f.hearing_absent[0][early], base.fate.hearing_absent[0][early])


@pytest.mark.slow
def test_the_court_of_a_port_is_read_on_the_enrolment_day(
    tree: ParameterTree, pop: Population, tmp_path: Path, base: Result
) -> None:
    """From the change, El Paso's cases go to a court that holds no first hearings."""
    courts = dict(tree.get("assumptions.mpp.court_of_port").at(START))
    courts["ELP"] = "Nowhere"
    slots = dict(tree.get("assumptions.mpp.hearing_capacity").at(START))
    slots["Nowhere:first"] = 0
    path = scenario(
        tmp_path,
        "court",
        "assumptions",
        {
            "mpp.court_of_port": [{"from": CHANGE, "value": courts}],
            "mpp.hearing_capacity": [{"from": dt.date(2019, 1, 29), "value": slots}],
        },
    )
    f, b, d = run(tree, pop, path).fate, base.fate, pop.day_index()
    elp = tree.ports.index("ELP")
    mine = f.mpp_case & (f.mpp_port == elp)
    after, before = mine & (d >= day(CHANGE)), mine & (d < day(CHANGE))
    assert (b.first_hearing[after] >= 0).any() and (f.first_hearing[after] == -1).all()
    assert np.array_equal(f.first_hearing[before], b.first_hearing[before])


@pytest.mark.slow
def test_an_assignment_rank_change_reorders_receiving_countries_from_its_day(
    tree: ParameterTree, pop: Population, tmp_path: Path, base: Result
) -> None:
    on = dt.date(2020, 6, 1)
    result = _changes_from(
        tree, pop, tmp_path, base, "law", "aca.agreements.sv.assignment_rank", 0, on
    )
    assert (
        result.daily["aca_transfers_SV"][day(on) + 7 :].sum()
        >= base.daily["aca_transfers_SV"][day(on) + 7 :].sum()
    )
    assert (
        result.daily["aca_transfers_SV_cumulative"][day(on) - 1]
        == base.daily["aca_transfers_SV_cumulative"][day(on) - 1]
    )


@pytest.mark.slow
def test_people_waiting_when_transfers_stop_move_on_to_title_8(
    tree: ParameterTree, pop: Population
) -> None:
    history = load_scenario("history", tree).tree
    result = simulate(history, pop, keep_fate=True)
    d = result.daily
    assert d["aca_moved_on_cumulative"][-1] > 0
    assert d["aca_waiting"][-1] == 0
    f = result.fate
    moved = f.aca_left >= 0
    title8 = ("CREDIBLE_FEAR", "EXPEDITED_REMOVAL", "NTA_RELEASE", "UNDETERMINED")
    assert {codes.PATHWAYS[i] for i in np.unique(f.pathway[moved])} <= set(title8)


@pytest.mark.slow
def test_a_monthly_cap_bounds_the_people_taken_in_each_calendar_month(
    tree: ParameterTree, pop: Population, tmp_path: Path
) -> None:
    uncapped = with_sv_cap(tree, pop, tmp_path, None)
    change = {"aca.agreements.sv.monthly_cap": [{"from": START, "value": 25}]}
    capped = run(tree, pop, scenario(tmp_path, "monthly-25", "assumptions", change))
    sv = codes.countries().index("SV")
    month = pop.enc.arrival.astype("datetime64[D]").astype("datetime64[M]")
    for result, bound in ((capped, 25), (uncapped, None)):
        taken = result.fate.aca_admitted & (result.fate.receiving == sv)
        per_month = np.unique(month[taken], return_counts=True)[1]
        if bound is None:
            assert per_month.max() > 25  # the cap binds
        else:
            assert per_month.max() <= bound
            assert (per_month == bound).sum() >= 6  # full in the months transfers ran
    assert sv_2020(capped) < sv_2020(uncapped)


@pytest.mark.slow
def test_a_court_factor_of_zero_ends_its_terminations_from_its_day(
    tree: ParameterTree, pop: Population, tmp_path: Path, base: Result
) -> None:
    """Terminations are read on the hearing day, court by court: from the change El Paso's
    factor is 0, so El Paso terminates nothing from that day, and no other court changes."""
    factors = dict(tree.get("assumptions.mpp.termination_by_court").at(START))
    factors["El Paso"] = 0.0
    result = _changes_from(
        tree, pop, tmp_path, base, "assumptions", "mpp.termination_by_court", factors, CHANGE
    )
    elp, before = result.daily["mpp_terminated_el_paso_cumulative"], slice(0, day(CHANGE))
    base_elp = base.daily["mpp_terminated_el_paso_cumulative"]
    assert np.array_equal(elp[before], base_elp[before])
    assert base_elp[-1] > base_elp[day(CHANGE)]  # El Paso terminated cases after the change
    assert (np.diff(elp[day(CHANGE) - 1 :]) <= 0).all()  # only a reopening moves it, down
    for court in ("san_diego", "laredo", "brownsville"):
        metric = f"mpp_terminated_{court}_cumulative"
        assert np.array_equal(result.daily[metric], base.daily[metric]), court


def test_the_courts_terminations_add_up_to_the_total(base: Result) -> None:
    courts = [
        m
        for m in base.daily
        if m.startswith("mpp_terminated_") and m != "mpp_terminated_cumulative"
    ]
    cases = [m for m in base.daily if m.startswith("mpp_cases_") and m != "mpp_cases_cumulative"]
    assert len(courts) >= 4 and len(cases) == len(courts)
    total = sum(base.daily[m] for m in courts)
    assert np.array_equal(total, base.daily["mpp_terminated_cumulative"])
    assert np.array_equal(sum(base.daily[m] for m in cases), base.daily["mpp_cases_cumulative"])


def test_a_court_without_a_termination_factor_is_an_error_naming_it(
    tree: ParameterTree, pop: Population, tmp_path: Path
) -> None:
    path = scenario(
        tmp_path,
        "no-other",
        "assumptions",
        {"mpp.termination_by_court": [{"from": START, "value": {"San Diego": 1.0}}]},
    )
    with pytest.raises(ParameterError, match=r"termination_by_court.*El Paso.*'other'"):
        run(tree, pop, path)
