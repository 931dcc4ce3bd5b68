"""The same bad input gives the same problems on every face: the command line (`--json`), the
HTTP API and the library each answer it with the one error envelope, and its problems name
the same field, the same value and the same expectation. A face only renames its own options
(`--date` on the command line is `date` in the API and `as_of` in the library) and says where
the input came from (a file and line, the request body)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from harness import EXAMPLE, refused, write_json

from asylum_pathways.determination import determine_records
from asylum_pathways.errors import UserError, envelope
from asylum_pathways.params import ParameterTree, load_tree
from asylum_pathways.params.coverage import answerable_range
from asylum_pathways.scenarios import load_scenario
from asylum_pathways.service.app import create_app
from asylum_pathways.service.settings import Settings
from asylum_pathways.sim.runs.montecarlo import run_study
from asylum_pathways.sim.runs.runtime import Runtime
from asylum_pathways.sim.runs.study import MAX_SEED, StudySpec, builtin_study

TREE = load_tree()
PAST = answerable_range(TREE)[1] + dt.timedelta(days=1)  # the day after the tree's last
ENCOUNTER = dt.date.fromisoformat(EXAMPLE["encounter_date"])
BEFORE = ENCOUNTER - dt.timedelta(days=1)
SEED = MAX_SEED + 1  # 2^63
OVERLAY = {
    "name": "unknown-parameter",
    "description": "sets a parameter the tree does not have",
    "assumptions": {"no.such.parameter": [{"from": "2020-01-01", "value": 1}]},
}
#: Each face's name for a field (the library's name on the right).
LABELS = {"--date": "as_of", "date": "as_of", "--seed": "seed", "--end": "end"}
LABELS |= {"--scenario": "scenarios"}


@dataclass(frozen=True)
class Case:
    """One bad input as each face takes it, and the problem every face must give."""

    cli: Callable[[Path], list[str]]  # argv, given a folder holding case.json and overlay.yaml
    api: dict[str, Any]  # path and JSON body
    library: Callable[[Path, ParameterTree], Any]
    field: tuple[str | int, ...]  # the field, as the library names it
    value: Any
    says: str  # part of the expectation text


def _determine(folder: Path, tree: ParameterTree, as_of: dt.date) -> Any:
    return determine_records(folder / "case.json", load_scenario("history", tree), as_of=as_of)


def _study(tree: ParameterTree, **keys: Any) -> Any:
    return run_study(StudySpec.from_dict(keys, defaults=builtin_study()), Runtime(tree=tree))


CASES = {
    "a determination on a day past the tree's range": Case(
        cli=lambda f: ["determine", str(f / "case.json"), "--date", PAST.isoformat()],
        api={"path": "/api/v1/determinations", "json": {"records": [EXAMPLE], "date": str(PAST)}},
        library=lambda f, t: _determine(f, t, PAST),
        field=("as_of",),
        value=PAST.isoformat(),
        says="outside the range",
    ),
    "a study ending on a day past the tree's range": Case(
        cli=lambda f: ["simulate", "--end", PAST.isoformat(), "--out", str(f / "out")],
        api={"path": "/api/v1/studies", "json": {"end": PAST.isoformat()}},
        library=lambda f, t: _study(t, end=PAST.isoformat()),
        field=("end",),
        value=PAST.isoformat(),
        says="outside the calibration data",
    ),
    "as_of before the encounter": Case(
        cli=lambda f: ["determine", str(f / "case.json"), "--date", BEFORE.isoformat()],
        api={"path": "/api/v1/determinations", "json": {"records": EXAMPLE, "date": str(BEFORE)}},
        library=lambda f, t: _determine(f, t, BEFORE),
        field=("as_of",),
        value=BEFORE.isoformat(),
        says=f"before the encounter_date {ENCOUNTER.isoformat()}",
    ),
    "seed 2^63": Case(
        cli=lambda f: ["simulate", "--seed", str(SEED), "--out", str(f / "out")],
        api={"path": "/api/v1/studies", "json": {"seed": SEED}},
        library=lambda f, t: _study(t, seed=SEED),
        field=("seed",),
        value=SEED,
        says="from 0 to 2^63-1",
    ),
    "an unknown parameter in an overlay": Case(
        cli=lambda f: ["simulate", "--scenario", str(f / "overlay.yaml"), "--out", str(f / "out")],
        api={"path": "/api/v1/studies", "json": {"scenarios": [OVERLAY]}},
        library=lambda f, t: _study(t, scenarios=[OVERLAY]),
        field=("scenarios", 0, "assumptions", "no.such.parameter"),
        value="no.such.parameter",
        says="unknown parameter",
    ),
}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    return TestClient(create_app(Settings(data_dir=tmp_path_factory.mktemp("api")), TREE))


def problems(body: dict[str, Any], folder: Path) -> list[tuple[tuple[Any, ...], str, Any]]:
    """The envelope's problems as (field, msg, value): the field as the library names it (a
    face's prefix, its labels and the scenario file's place taken away)."""
    assert body["ok"] is False and set(body) == {"ok", "error"}, body
    assert set(body["error"]) == {"code", "message", "errors"} and body["error"]["errors"], body
    out = []
    for e in body["error"]["errors"]:
        assert set(e) == {"loc", "msg", "value"}, e
        loc = list(e["loc"])
        if loc and loc[0] in ("body", "query"):
            loc = loc[1:]
        loc = [LABELS.get(x, x) if i == 0 else x for i, x in enumerate(loc)]
        loc = [
            x
            for x in loc
            if x != str(folder / "overlay.yaml") and not re.fullmatch(r"line \d+", str(x))
        ]
        out.append((tuple(loc), e["msg"], e["value"]))
    return out


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_face_gives_the_same_problems_for_the_same_bad_input(
    name: str, tmp_path: Path, client: TestClient
) -> None:
    case = CASES[name]
    write_json(tmp_path, "case.json", EXAMPLE)
    (tmp_path / "overlay.yaml").write_text(yaml.safe_dump(OVERLAY, sort_keys=False))

    with pytest.raises(UserError) as raised:
        case.library(tmp_path, TREE)
    library = envelope(raised.value)

    result = refused(tmp_path, *case.cli(tmp_path), "--json")
    cli = json.loads(result.out)

    answer = client.post(case.api["path"], json=case.api["json"])
    assert answer.status_code == 422, answer.text
    api = answer.json()

    expected = problems(library, tmp_path)
    assert [(f, v) for f, _, v in expected] == [(case.field, case.value)], expected
    assert case.says in expected[0][1], expected
    assert problems(cli, tmp_path) == expected, "the command line differs from the library"
    assert problems(api, tmp_path) == expected, "the API differs from the library"
    assert cli["error"]["code"] == api["error"]["code"] == library["error"]["code"]
