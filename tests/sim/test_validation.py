"""validation.csv says of each figure whether calibrate fitted it, an assumption was derived
from it, or it is independent; the calibration spec decides, not a list in the code."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from asylum_pathways import validation_csv
from asylum_pathways.params import ParameterTree
from asylum_pathways.scenarios import load_scenario
from asylum_pathways.sim.fitting import spec
from asylum_pathways.sim.runs import validation
from asylum_pathways.sim.runs.montecarlo import Study
from helpers import run_scenarios


@pytest.fixture(scope="module")
def study(tree: ParameterTree) -> Study:
    history = load_scenario("history", tree)
    return run_scenarios(
        [history], dt.date(2019, 1, 1), dt.date(2019, 12, 31), 2, 1, workers=1, keep_first=False
    )


@pytest.fixture(scope="module")
def autumn(tree: ParameterTree) -> Study:
    """A horizon that starts after MPP did (2019-09-01)."""
    history = load_scenario("history", tree)
    return run_scenarios(
        [history], dt.date(2019, 9, 1), dt.date(2019, 12, 31), 1, 1, workers=1, keep_first=False
    )


def kinds(table) -> dict[tuple[str, float], str]:  # type: ignore[no-untyped-def]
    return {(r["id"], r["published"]): r["kind"] for r in table.iter_rows(named=True)}


def test_the_packaged_spec_marks_the_three_kinds(study: Study) -> None:
    k = kinds(validation.table(study))
    assert set(k.values()) == {"calibration", "by_construction", "validation"}
    assert k[("mpp.court.2019-11-30.breakdown", 24231.0)] == "calibration"
    assert k[("mpp.outcomes.2019-11", 24231.0)] == "calibration"  # the same TRAC number
    assert k[("usbp.encounters.2019-10", 35402.0)] == "by_construction"
    assert k[("mpp.tamaulipas", 25000.0)] == "validation"


def test_a_figure_is_calibration_only_while_the_spec_fits_it(study: Study, tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(
        "start: 2019-01-01\n"
        "parameters:\n"
        "  - {id: a, parameter: assumptions.mpp.hearing_process, key: absence_first,"
        " prior: {distribution: uniform, bounds: [0.1, 0.6]}}\n"
        "targets:\n"
        "  - {figure: mpp.cum.2019-11-30, field: cumulative_cases_min,"
        " metric: mpp_enrolled_cumulative, date: 2019-11-30, tolerance: 0.1}\n"
        "  - {figure: mpp.court.2019-11-30.breakdown, field: cases,"
        " metric: no_such_metric, date: 2019-11-30, tolerance: 0.1}\n"
        "by_construction:\n"
        "  - {figures: [mpp.tamaulipas], assumption: a test}\n"
    )
    table = validation.table(study, spec=spec.load(path, None))
    k = kinds(table)
    assert k[("mpp.cum.2019-11-30", 56000.0)] == "calibration"
    assert k[("mpp.tamaulipas", 25000.0)] == "by_construction"
    assert k[("mpp.outcomes.2019-11", 24231.0)] == "validation"  # no target restates it
    assert k[("usbp.encounters.2019-10", 35402.0)] == "validation"
    # a target whose metric the model lacks is not fitted: at most a plain validation figure
    assert k.get(("mpp.court.2019-11-30.breakdown", 56004.0)) != "calibration"


def test_a_published_bound_agrees_when_the_band_reaches_it(study: Study) -> None:
    rows = {r["id"]: r for r in validation.table(study).iter_rows(named=True)}
    bound = rows["mpp.cum.2019-11-30"]  # "over 56,000" cases by 2019-11-30
    assert (bound["relation"], rows["usbp.encounters.2019-10"]["relation"]) == ("at_least", "about")
    assert bound["agrees"] == (bound["model_p95"] >= bound["published"])
    for r in rows.values():
        if r["relation"] == "about":
            assert r["agrees"] == r["within_interval"]


def test_agreement_with_a_bound_is_one_sided() -> None:
    assert validation.relation_of("cumulative_transferred_min") == "at_least"
    assert validation.relation_of("cases_max") == "at_most"
    assert validation.relation_of("cumulative_transferred") == "about"
    # at least 16: a band of 13-18 reaches it, one of 12-14.6 does not, one of 20-25 is above it
    assert validation.agrees("at_least", True, 13.0, 18.0, 16.0)
    assert not validation.agrees("at_least", False, 12.0, 14.6, 16.0)
    assert validation.agrees("at_least", False, 20.0, 25.0, 16.0)
    assert validation.agrees("at_most", False, 5.0, 9.0, 8.0)
    assert not validation.agrees("at_most", False, 9.0, 12.0, 8.0)
    assert not validation.agrees("about", False, 20.0, 25.0, 16.0)


def test_a_series_target_is_its_monthly_row_once(study: Study, tmp_path: Path) -> None:
    """A target addressed in a series (a month of CBP's table, with the metric it subtracts)
    is that month's validation row, marked calibration, not a second row beside it."""
    path = tmp_path / "spec.yaml"
    path.write_text(
        "start: 2019-01-01\n"
        "parameters:\n"
        "  - {id: a, parameter: assumptions.mpp.hearing_process, key: absence_first,"
        " prior: {distribution: uniform, bounds: [0.1, 0.6]}}\n"
        "targets:\n"
        "  - {id: usbp.encounters.2019-10, series: usbp_swb_fy2020_monthly,"
        " path: [data, 2019-10, total], metric: encounters, minus: encounters_ofo,"
        " period: {from: 2019-10-01, to: 2019-10-31}, tolerance: 0.1}\n"
    )
    table = validation.table(study, spec=spec.load(path, None))
    rows = table.filter(table["id"] == "usbp.encounters.2019-10")
    assert rows.height == 1
    assert rows["kind"][0] == "calibration"


def test_a_target_may_subtract_a_metric(tree: ParameterTree, tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(
        "start: 2019-01-01\n"
        "parameters:\n"
        "  - {id: a, parameter: assumptions.mpp.hearing_process, key: absence_first,"
        " prior: {distribution: uniform, bounds: [0.1, 0.6]}}\n"
        "targets:\n"
        "  - {id: usbp.title42.2020-03, series: usbp_swb_fy2020_monthly,"
        " path: [data, 2020-03, title42_expulsions], metric: pathway_TITLE42_EXPULSION,"
        " minus: title42_expulsions_ofo, period: {from: 2020-03-01, to: 2020-03-31},"
        " tolerance: 0.1}\n"
    )
    (target,) = spec.load(path, tree).targets
    assert target.minus == "title42_expulsions_ofo"
    assert target.published == 7081


def test_a_running_total_is_compared_only_from_a_horizon_that_holds_its_start(
    study: Study, autumn: Study
) -> None:
    """TRAC's cases completed by 2019-11-30 count from MPP's start (2019-01-29): a horizon from
    2019-09-01 would set its own count since September against them, so the figure is left
    out there, while the months inside that horizon (a month's encounters) and the ACA
    transfers, counted from 2019-11-21, are still compared; a horizon from 2019-01-01
    compares them all."""
    full, short = kinds(validation.table(study)), kinds(validation.table(autumn))
    trac = ("mpp.court.2019-11-30.breakdown", 24231.0)
    month = ("usbp.encounters.2019-10", 35402.0)
    assert trac in full and month in full
    assert month in short and trac not in short
    assert not any(i.startswith("mpp.") and "enrolled" not in i for i, _ in short)
    assert ("aca.stat.2019-12-12", 24.0) in short  # transfers count from 2019-11-21: inside


def test_a_horizon_that_speaks_to_no_figure_still_has_every_column(tree: ParameterTree) -> None:
    """Twenty days of January 2020 hold no published figure's whole count: the table is
    empty but typed, so validation.csv keeps its header and the report can read it."""
    history = load_scenario("history", tree)
    short = run_scenarios(
        [history], dt.date(2020, 1, 1), dt.date(2020, 1, 20), 1, 1, workers=1, keep_first=False
    )
    table = validation.table(short)
    assert table.height == 0 and dict(table.schema) == validation_csv.COLUMNS
