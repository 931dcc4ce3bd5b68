"""A study spec is a validated, picklable value; the CLI and the library run the same one."""

from __future__ import annotations

import datetime as dt
import json
import pickle
from pathlib import Path

import pytest

from asylum_pathways.errors import envelope
from asylum_pathways.params import ParameterTree
from asylum_pathways.sim.runs.montecarlo import run_study
from asylum_pathways.sim.runs.outputs import write_all
from asylum_pathways.sim.runs.runtime import Runtime
from asylum_pathways.sim.runs.study import LawDay, StudyError, StudySpec, builtin_study
from helpers import cli


def test_the_builtin_study_is_a_data_file_with_the_simulate_defaults() -> None:
    spec = builtin_study()
    assert spec.scenarios == ("history", "outlook-2020-03-10", "ninth-circuit-injunction")
    assert (spec.start, spec.end, spec.reps, spec.seed) == (
        dt.date(2019, 1, 1),
        dt.date(2021, 1, 31),
        20,
        20200310,
    )
    assert set(spec.roles) == {"history", "outlook", "injunction"}
    assert set(spec.roles.values()) <= set(spec.scenarios) == set(spec.scenario_notes)
    assert {m for m, _ in spec.console_rows} <= {m for m, _ in spec.headline_rows}


def test_the_question_window_runs_from_the_ninth_circuit_order_to_the_end_of_2020(
    tree: ParameterTree,
) -> None:
    windows = {w.name: w for w in builtin_study().windows}
    whole = windows["mpp_enrolled_2020_03_12_to_2020_12_31"]
    ca_az = windows["mpp_enrolled_ca_az_2020_03_12_to_2020_12_31"]
    assert isinstance(whole.start, LawDay) and whole.circuit is None and ca_az.circuit == "9"
    assert whole.first_day(tree) == ca_az.first_day(tree) == dt.date(2020, 3, 12)
    assert whole.end == ca_az.end == dt.date(2020, 12, 31)
    assert {"mpp_enrolled_2020_03_12_to_2020_12_31"} <= {
        m for m, _ in builtin_study().headline_rows
    }


def test_a_spec_pickles_and_round_trips_through_json() -> None:
    overlay = {"name": "sv-1000", "extends": "outlook-2020-03-10", "assumptions": {}}
    spec = builtin_study().replace(scenarios=("history", overlay), reps=2)
    assert pickle.loads(pickle.dumps(spec)) == spec
    again = StudySpec.from_dict(json.loads(json.dumps(spec.to_dict())))
    assert again.to_dict() == spec.to_dict()


def test_a_bad_spec_lists_every_problem_each_under_its_key() -> None:
    with pytest.raises(StudyError) as err:
        StudySpec.from_dict(
            {
                "scenarios": [],
                "start": "2020-13-01",
                "end": "2020-01-01",
                "reps": 0,
                "seed": -1,
                "x": 1,
            }
        )
    locs = [p.loc[0] for p in err.value.problems]
    assert sorted(locs) == ["reps", "scenarios", "seed", "start", "x"]
    body = envelope(err.value)
    assert body["ok"] is False and body["error"]["code"] == "invalid_study"
    assert {tuple(e["loc"]) for e in body["error"]["errors"]} >= {("reps",), ("start",)}


def test_a_spec_made_directly_is_validated_too() -> None:
    with pytest.raises(StudyError, match="is before"):
        StudySpec(("history",), dt.date(2020, 2, 1), dt.date(2020, 1, 1), 1, 1)
    with pytest.raises(StudyError, match="expected at least 1"):
        builtin_study().replace(reps=0)


def test_an_inline_overlay_names_its_place_in_the_spec(tree: ParameterTree) -> None:
    bad = {
        "name": "bad",
        "assumptions": {"mpp.mexico_fear_rate": [{"from": "2019-06-01", "value": 2}]},
    }
    spec = builtin_study().replace(scenarios=("history", bad))
    with pytest.raises(StudyError) as err:
        spec.load_scenarios(tree, allow_files=False)
    assert "scenarios[1]" in str(err.value) and "between 0 and 1" in str(err.value)
    assert "line None" not in str(err.value)


@pytest.mark.slow
def test_the_cli_and_the_library_write_byte_identical_outputs(
    tmp_path: Path, tree: ParameterTree
) -> None:
    args = ["--start", "2020-02-01", "--end", "2020-04-15", "--reps", "2", "--seed", "7"]
    result = cli(
        "simulate",
        *args,
        "--workers",
        "2",
        "--out",
        str(tmp_path / "cli"),
        "--no-report",
        "--no-progress",
    )
    assert result.returncode == 0, result.stderr
    spec = builtin_study().replace(
        start=dt.date(2020, 2, 1), end=dt.date(2020, 4, 15), reps=2, seed=7
    )
    assert spec.parameters == "posterior"  # what simulate draws from by default
    write_all(run_study(spec, Runtime(workers=1, tree=tree)), tmp_path / "lib")
    for name in ("daily.parquet", "persons.parquet", "daily.csv", "validation.csv"):
        assert (tmp_path / "cli" / name).read_bytes() == (tmp_path / "lib" / name).read_bytes(), (
            name
        )

    def stable(folder: Path) -> dict:
        s = json.loads((folder / "summary.json").read_text())
        return {k: v for k, v in s.items() if k not in ("created", "run_seconds", "workers")}

    assert stable(tmp_path / "cli") == stable(tmp_path / "lib")


def test_a_title_or_question_that_is_not_text_is_refused_under_its_key() -> None:
    base = {
        "scenarios": ["history"],
        "start": "2025-01-01",
        "end": "2025-12-31",
        "reps": 2,
        "seed": 1,
    }
    with pytest.raises(StudyError) as err:
        StudySpec.from_dict({**base, "title": ["a", "list"], "question": "  "})
    assert sorted(p.loc[0] for p in err.value.problems) == ["question", "title"]
    assert "title: expected a line of text" in str(err.value)
    assert StudySpec.from_dict({**base, "title": " A title "}).title == "A title"


def test_which_parameters_are_drawn_is_a_key_of_the_spec(
    tree: ParameterTree, tmp_path: Path
) -> None:
    spec = builtin_study()
    assert spec.parameters == "posterior" and spec.to_dict()["parameters"] == "posterior"
    fixed = StudySpec.from_dict({"parameters": "fixed"}, defaults=spec)
    assert fixed.draws(tree) is None
    assert StudySpec.from_dict(fixed.to_dict()).to_dict() == fixed.to_dict()
    assert spec.draws(tree) is not None  # the shipped posterior
    folder = StudySpec.from_dict({"parameters": str(tmp_path)}, defaults=spec)
    with pytest.raises(StudyError) as over_http:
        folder.draws(tree, allow_files=False)
    assert over_http.value.problems[0].loc == ("parameters",)
    with pytest.raises(StudyError) as missing:
        folder.draws(tree, labels={"parameters": "--posterior"})
    assert missing.value.problems[0].loc == ("--posterior",) and "posterior" in str(missing.value)
    with pytest.raises(StudyError) as empty:
        StudySpec.from_dict({"parameters": " "}, defaults=spec)
    assert empty.value.problems[0].loc == ("parameters",)


def test_run_study_takes_a_runtime_not_loose_keywords(tree: ParameterTree) -> None:
    spec = builtin_study().replace(reps=1)
    with pytest.raises(StudyError) as err:
        run_study(spec, {"workers": 1})  # type: ignore[arg-type]
    assert err.value.problems[0].loc == ("runtime",)
    with pytest.raises(TypeError):
        run_study(spec, workers=1)  # type: ignore[call-arg]
