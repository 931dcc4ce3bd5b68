"""The calibration spec is validated as a whole, with the file and line of each problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from asylum_pathways.errors import ParameterError
from asylum_pathways.params import ParameterTree
from asylum_pathways.sim.fitting import spec
from helpers import cli

GOOD_PARAMETER = """\
  - id: mpp_no_show_rate
    parameter: assumptions.mpp.hearing_process
    key: absence_first
    prior: {distribution: uniform, bounds: [0.1, 0.6]}
"""
GOOD_TARGET = """\
  - figure: aca.stat.2019-12-12
    field: cumulative_transferred
    metric: aca_transfers_GT_cumulative
    date: 2019-12-12
    tolerance: 0.25
"""


def write(tmp_path: Path, parameters: str = GOOD_PARAMETER, targets: str = GOOD_TARGET) -> Path:
    path = tmp_path / "spec.yaml"
    path.write_text(f"name: t\nstart: 2019-10-01\nparameters:\n{parameters}targets:\n{targets}")
    return path


def test_the_packaged_spec_loads_against_the_tree(tree: ParameterTree) -> None:
    s = spec.load(None, tree)
    assert s.parameters and s.targets
    assert s.end == max(t.end for t in s.targets)
    assert all(p.fitted.parameter.startswith("assumptions.") for p in s.parameters)
    assert {t.figure for t in s.targets} >= {
        "mpp.court.2019-11-30.breakdown",
        "aca.gt.2020-01-28.378",
        "aca.gt.2020-03-16.final",
        "mpp.court.2021-01-31.breakdown",
    }


def test_a_target_reads_its_published_value_from_the_data_files(tree: ParameterTree) -> None:
    s = spec.load(None, tree)
    completed = next(t for t in s.targets if t.id == "mpp.court.2019-11-30.breakdown.completed")
    assert completed.published == 24231
    assert completed.source.startswith("https://trac.syr.edu/")


def test_every_problem_is_reported_with_its_line(tmp_path: Path, tree: ParameterTree) -> None:
    bad_parameters = """\
  - id: a
    parameter: assumptions.mpp.no_such_thing
    prior: {distribution: uniform, bounds: [0.1, 0.6]}
  - id: b
    parameter: law.mpp.hearings_postponed
    prior: {distribution: uniform, bounds: [0, 1]}
  - id: c
    parameter: assumptions.mpp.hearing_process
    key: no_such_key
    prior: {distribution: uniform, bounds: [0.1, 0.6]}
  - id: d
    parameter: assumptions.mpp.hearing_process
    key: absence_first
    prior: {distribution: gamma, bounds: [0.6, 0.1]}
  - id: e
    parameter: assumptions.mpp.hearing_process
    key: absence_first
    prior: {distribution: uniform, bounds: [0.6, 0.1]}
"""
    bad_targets = """\
  - figure: no.such.figure
    field: x
    metric: m
    date: 2019-12-12
    tolerance: 0.1
  - figure: aca.stat.2019-12-12
    field: source
    metric: m
    date: 2019-12-12
    tolerance: 0.1
  - figure: aca.stat.2019-12-12
    field: cumulative_transferred
    metric: aca_transfers_GT_cumulative
    date: 2018-12-12
    tolerance: -1
    relation: roughly
"""
    path = write(tmp_path, bad_parameters, bad_targets)
    with pytest.raises(ParameterError) as err:
        spec.load(path, tree)
    msg = str(err.value)
    for expected in (
        "line 5: parameter 'a': no parameter named 'assumptions.mpp.no_such_thing'",
        "line 8: parameter 'b': law.mpp.hearings_postponed is law, not an assumption",
        "line 12: parameter 'c': assumptions.mpp.hearing_process on 2019-01-29: no key matches",
        "line 17: parameter 'd': distribution 'gamma': expected one of uniform, loguniform, normal",
        "line 21: parameter 'e': bounds [0.6, 0.1]: expected [low, high] with low < high",
        "line 23: target: figure 'no.such.figure' is not a record id",
        "line 29: target aca.stat.2019-12-12.source: the published value",
        "line 36: target aca.stat.2019-12-12.cumulative_transferred: 2018-12-12 is before the "
        "spec's start 2019-10-01",
        "line 37: target aca.stat.2019-12-12.cumulative_transferred: tolerance -1: expected",
        "line 38: target aca.stat.2019-12-12.cumulative_transferred: relation 'roughly'",
    ):
        assert expected in msg, expected
    assert str(path) in msg


def test_an_unknown_key_names_its_line(tmp_path: Path, tree: ParameterTree) -> None:
    path = write(tmp_path, GOOD_PARAMETER.replace("    key:", "    kee: x\n    key:"))
    with pytest.raises(
        ParameterError, match=r"line 6: parameter 'mpp_no_show_rate': unknown key 'kee'"
    ):
        spec.load(path, tree)


@pytest.mark.slow
def test_calibrate_refuses_a_bad_spec_with_exit_2_and_no_traceback(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_PARAMETER.replace("uniform", "beta"))
    result = cli("calibrate", "--targets", str(path), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "distribution 'beta'" in result.stderr and "line" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_minus_that_is_not_a_metric_name_is_a_problem_with_its_line(tmp_path: Path) -> None:
    targets = GOOD_TARGET + "    minus: [encounters_ofo]\n"
    with pytest.raises(ParameterError, match=r"line \d+: target .*minus \['encounters_ofo'\]"):
        spec.load(write(tmp_path, targets=targets), None)


def test_a_target_subtracting_a_metric_the_model_lacks_is_skipped(tmp_path: Path) -> None:
    targets = GOOD_TARGET + "    minus: no_such_metric\n"
    s = spec.load(write(tmp_path, targets=targets), None)
    use, skip = s.usable({"aca_transfers_GT_cumulative"})
    assert not use and [t.minus for t in skip] == ["no_such_metric"]
    assert s.usable({"aca_transfers_GT_cumulative", "no_such_metric"})[0]


def test_a_bound_figure_is_a_bound_target_unless_the_target_says_otherwise(
    tmp_path: Path, tree: ParameterTree
) -> None:
    """A field ending in _max ("fewer than") is an at-most target without being told; a
    plain field is `about`; a target's own relation wins."""
    targets = """\
  - figure: mpp.court.2019-09-30.terminations_by_court
    field: terminated_el_paso_max
    tolerance: 1.0
  - figure: mpp.court.2019-09-30.terminations_by_court
    field: terminated_san_diego_approx
    tolerance: 0.15
  - figure: mpp.court.2019-09-30.terminations_by_court
    field: cases_el_paso_min
    relation: about
    tolerance: 0.1
"""
    path = write(tmp_path, targets=targets)
    path.write_text(path.read_text().replace("start: 2019-10-01", "start: 2019-01-01"))
    s = spec.load(path, tree)
    relations = {t.field: t.relation for t in s.targets}
    assert relations == {
        "terminated_el_paso_max": "at_most",
        "terminated_san_diego_approx": "about",
        "cases_el_paso_min": "about",
    }
