"""Single determinations that arrive together are answered in one pass, each exactly as if
alone: families of different requests never merge, and one bad record fails only its own."""

from __future__ import annotations

from typing import Any

import pytest

from asylum_pathways.errors import UserError
from asylum_pathways.params import load_tree
from asylum_pathways.scenarios import Scenario, load_scenario
from asylum_pathways.service import batcher
from asylum_pathways.service.determinations import answers
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
        record(person_id="C", group_id="x" * 199, encounter_date=day),  # too long once tagged
    ]


def test_requests_waiting_together_are_answered_in_one_pass_each_as_alone(
    history: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    requests = _requests()[:6]
    passes: list[int] = []

    def counted(records: Any, *args: Any, **kwargs: Any) -> Any:
        passes.append(len(records) if isinstance(records, list) else 1)
        return answers(records, *args, **kwargs)

    monkeypatch.setattr(batcher, "answers", counted)
    together = batcher._answer_all(requests, history, None, "body")
    assert passes == [len(requests)]  # one vectorized pass, no fallback
    alone = [answers(r, history, None, 1) for r in requests]
    assert together == alone


def test_an_id_the_tag_makes_too_long_falls_back_to_each_request_alone(
    history: Scenario,
) -> None:
    requests = _requests()
    together = batcher._answer_all(requests, history, None, "body")
    assert together == [answers(r, history, None, 1) for r in requests]


def test_a_bad_record_fails_only_its_own_request(history: Scenario) -> None:
    requests = [*_requests()[:2], record(person_id="Z", sector="NOPE", encounter_date="2020-01-15")]
    out = batcher._answer_all(requests, history, None, "body")
    assert [isinstance(o, UserError) for o in out] == [False, False, True]
    assert "sector" in str(out[2]) and "NOPE" in str(out[2])
