"""A results folder carries its study (study.json) and each scenario's parameter histories
(parameters.json), and the report reads nothing else: a folder that is not a results folder,
or an older one without them, is refused naming the folder as given and the missing files,
and leaves nothing behind."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from asylum_pathways.sim.runs.study import KEYS, StudySpec, builtin_study
from helpers import cli

pytestmark = pytest.mark.slow


def test_study_json_carries_every_key_of_the_spec_and_reads_back_as_the_run(
    results_2020: Path,
) -> None:
    study = json.loads((results_2020 / "study.json").read_text())
    assert set(study["spec"]) == set(KEYS)
    spec = StudySpec.from_dict(study["spec"])
    builtin = builtin_study()
    assert spec == builtin.replace(start=spec.start, end=spec.end, reps=2), (
        "the spec read back is the run's"
    )
    assert str(spec.start) == "2020-01-01" and spec.reps == 2
    # the built-in study's words describe 2019-2021, not this run's 2020
    assert study["describes_run"] is False
    days = study["windows"]["mpp_enrolled_2020_03_12_to_2020_12_31"]
    assert days["ninth-circuit-injunction"] == {"start": "2020-03-12", "end": "2020-12-31"}
    drawn = study["parameters"]
    assert drawn["drawn"] in ("posterior", "fixed") and "monte_carlo" in drawn["includes"]
    summary = json.loads((results_2020 / "summary.json").read_text())
    posterior = summary["uncertainty"].get("posterior") or {}
    assert [f["id"] for f in drawn["fitted"]] == [f["id"] for f in posterior.get("fitted", [])]


def test_parameters_json_holds_each_scenarios_own_history_where_they_differ(
    results_2020: Path,
) -> None:
    summary = json.loads((results_2020 / "summary.json").read_text())
    params = json.loads((results_2020 / "parameters.json").read_text())
    assert params["scenarios"] == list(summary["scenarios"])
    by_name = {p["name"]: p for p in params["parameters"]}
    differing = {p["name"] for p in summary["parameters_differing"]}
    per_scenario = {n for n, p in by_name.items() if "scenarios" in p}
    assert per_scenario == differing
    for name, p in by_name.items():
        assert ("values" in p) != ("scenarios" in p), name
        assert p["section"] in ("law", "assumptions")
    # a dated value runs until the day before the next one
    for p in by_name.values():
        for history in p.get("scenarios", {"": p.get("values")}).values():
            for a, b in itertools.pairwise(history):
                assert a["until"] < b["from"]
            assert history[-1]["until"] is None
    caps = params["aca_caps"]
    assert set(caps) == set(summary["scenarios"])
    assert caps["history"]["SV"]["annual"][0]["value"] is None  # "more than 2,000": no cap
    assert params["ports"]["SYS"] == "San Ysidro"


def test_port_names_come_from_the_port_map_data() -> None:
    from asylum_pathways.params import load_tree

    names = load_tree().get("law.geo.port_sector").names
    assert names["SYS"] == "San Ysidro" and names["ELP"] == "El Paso"


def test_a_folder_that_is_not_results_is_refused_by_name_and_nothing_is_left(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "todo.txt").write_text("not results\n")
    run = cli("report", str(folder))
    assert run.returncode == 2, run.stderr
    assert str(folder) in run.stderr
    for name in ("daily.parquet", "summary.json", "validation.csv", "study.json"):
        assert name in run.stderr
    assert f"{folder}/." not in run.stderr, "an internal staging path is named"
    assert "Traceback" not in run.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["todo.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes"]


def test_an_older_results_folder_without_its_study_is_refused_naming_the_file(
    results_copy: Path,
) -> None:
    (results_copy / "study.json").unlink()
    before = sorted(p.name for p in results_copy.iterdir())
    run = cli("report", str(results_copy))
    assert run.returncode == 2, run.stderr
    assert f"{results_copy}: not a results folder" in run.stderr
    assert "missing study.json" in run.stderr and "simulate` again" in run.stderr
    assert sorted(p.name for p in results_copy.iterdir()) == before


def test_a_malformed_study_json_is_refused_naming_the_file_and_field(results_copy: Path) -> None:
    study = json.loads((results_copy / "study.json").read_text())
    study["spec"]["headline_rows"] = "encounters"
    (results_copy / "study.json").write_text(json.dumps(study))
    run = cli("report", str(results_copy))
    assert run.returncode == 2, run.stderr
    assert f"{results_copy}/study.json: spec.headline_rows" in run.stderr
    assert "Traceback" not in run.stderr and "/." not in run.stderr.replace(str(results_copy), "")


def test_the_report_of_a_results_folder_is_the_same_file_every_time(results_copy: Path) -> None:
    first = cli("report", str(results_copy))
    assert first.returncode == 0, first.stderr
    one = (results_copy / "report.html").read_bytes()
    again = cli("report", str(results_copy))
    assert again.returncode == 0, again.stderr
    assert (results_copy / "report.html").read_bytes() == one
