"""Single determinations that arrive together are answered in one pass, each exactly as if
alone (the same JSON): families of different requests never merge, and one bad record fails
only its own."""

from __future__ import annotations

from typing import Any

import pytest

from asylum_pathways.determination import together
from asylum_pathways.errors import UserError
from asylum_pathways.params import load_tree
from asylum_pathways.scenarios import Scenario, load_scenario
from asylum_pathways.service import batcher
from asylum_pathways.service.determinations import answers, dumps
from helpers import record


@pytest.fixture(scope="module")
def history() -> Scenario:
    return load_scenario("history", load_tree())


def _requests() -> list[dict[str, Any]]:
    day = "2020-01-15"
    return [
        record(person_id="A", encounter_date=day),
        record(person_id="B", encounter_date=day, citizenship="MX"),
        # two requests whose families have the same group_id, and a person alone whose id
        # is that group_id: none of them may meet
        record(person_id="F1", group_id="F", demographic="FMUA", encounter_date=day),
        record(person_id="F2", group_id="F", demographic="FMUA", encounter_date=day, age=8),
        record(person_id="F", encounter_date=day, citizenship="SV"),
        record(person_id="A", encounter_date=day, citizenship="GT"),  # another request's A
        record(person_id="C", group_id="x" * 200, encounter_date=day),  # the longest id
    ]


def test_requests_waiting_together_are_answered_in_one_pass_each_as_alone(
    history: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    requests = _requests()
    passes: list[int] = []
    engine = together.determine_records

    def counted(records: Any, *args: Any, **kwargs: Any) -> Any:
        passes.append(records.encounters.n)
        return engine(records, *args, **kwargs)

    monkeypatch.setattr(together, "determine_records", counted)
    monkeypatch.setattr(batcher, "answers", None)  # nobody is answered alone
    found = batcher._answer_all(requests, history, None, "body")
    assert passes == [len(requests)]  # one vectorized pass
    monkeypatch.undo()
    alone = [answers(r, history, None, 1) for r in requests]
    assert [dumps(a) for a in found] == [dumps(a) for a in alone]


def test_a_bad_record_fails_only_its_own_request(history: Scenario) -> None:
    requests = [*_requests()[:2], record(person_id="Z", sector="NOPE", encounter_date="2020-01-15")]
    out = batcher._answer_all(requests, history, None, "body")
    assert [isinstance(o, UserError) for o in out] == [False, False, True]
    assert "sector" in str(out[2]) and "NOPE" in str(out[2])
    assert out[:2] == [answers(r, history, None, 1) for r in requests[:2]]


def test_answers_are_written_in_the_worker_as_the_api_sends_them(history: Scenario) -> None:
    requests = [*_requests()[:2], record(person_id="Z", sector="NOPE")]
    out = batcher._written(requests, history, None, "query")
    assert out[:2] == [dumps(answers(r, history, None, 1)) for r in requests[:2]]
    assert isinstance(out[2], UserError) and out[2].problems[0].loc[0] == "body"
