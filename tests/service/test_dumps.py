"""The API writes an answer as JSON with the same keys and values as `determine --json`
(the standard library's encoder with `default=str`), whatever the answer holds."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import numpy as np
import pytest

from asylum_pathways.params import load_tree
from asylum_pathways.scenarios import Scenario, load_scenario
from asylum_pathways.service.determinations import Rows, answers, dumps
from helpers import record


@pytest.fixture(scope="module")
def history() -> Scenario:
    return load_scenario("history", load_tree())


def _as_cli(answer: Any) -> Any:
    return json.loads(json.dumps(answer, indent=2, default=str))


def test_explained_answers_are_written_with_the_keys_and_values_the_cli_prints(
    history: Scenario,
) -> None:
    day = "2020-01-15"
    people = [
        record(person_id="A", encounter_date=day),  # a branch: "If ... → ..." (not ASCII)
        record(person_id="B", encounter_date=day, citizenship="MX"),
        record(person_id="C", encounter_date=day, claims_fear=None),
        [
            record(person_id="F1", group_id="F", demographic="FMUA", encounter_date=day),
            record(person_id="F2", group_id="F", demographic="FMUA", encounter_date=day, age=8),
        ],
    ]
    for people_asked in people:
        answer = answers(people_asked, history, None, 10)
        written = dumps(answer)
        assert json.loads(written) == _as_cli(answer)
        assert b"\n" not in written and b'", "' not in written  # compact


def test_values_the_encoder_does_not_know_are_written_as_the_cli_writes_them() -> None:
    odd = {
        "float": np.float64(0.25),  # a float subclass: a number
        "int": np.int64(3),  # the CLI writes str(value)
        "day": dt.date(2020, 1, 15),
        "moment": dt.datetime(2020, 1, 15, 8, 30),
        "set": {"a"},
        "nested": [{"x": (1, 2.5, None, True)}],
        "text": "If a fear of Guatemala → CREDIBLE_FEAR",
    }
    assert json.loads(dumps(odd)) == _as_cli(odd)
    assert json.loads(dumps({1: 2, None: 3})) == _as_cli({1: 2, None: 3})  # keys not strings
    assert json.loads(dumps([2**70])) == [2**70]  # beyond 64 bits


def test_rows_already_written_are_sent_as_they_are() -> None:
    assert dumps(Rows(b'[{"a":1}]')) == b'[{"a":1}]'
