"""The library's determination entry point: every face's checks live here, once."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from asylum_pathways.determination import determine_records
from asylum_pathways.errors import InputError, UsageError
from asylum_pathways.params import load_tree
from asylum_pathways.scenarios import load_scenario

EXAMPLE = Path(__file__).parents[2] / "src/asylum_pathways/examples/honduran-adult-el-paso.json"


@pytest.fixture(scope="module")
def history():  # type: ignore[no-untyped-def]
    return load_scenario("history", load_tree())


def record() -> dict:  # type: ignore[type-arg]
    return json.loads(EXAMPLE.read_text())


def test_one_object_gives_one_answer_and_a_list_gives_a_list(history) -> None:  # type: ignore[no-untyped-def]
    one = determine_records(record(), history)
    many = determine_records([record(), {**record(), "person_id": "B"}], history)
    assert isinstance(one.result(), dict) and one.result()["pathway"] == "ACA_TRANSFER"
    assert isinstance(many.result(), list) and len(many.result()) == 2
    assert many.answers()[0] == one.answer(0)


def test_a_file_reads_as_the_same_record(history) -> None:  # type: ignore[no-untyped-def]
    assert determine_records(EXAMPLE, history).answer(0) == determine_records(
        record(), history
    ).answer(0)


def test_unexplained_answers_are_built_when_read(history) -> None:  # type: ignore[no-untyped-def]
    quiet = determine_records(record(), history, explain=False)
    assert quiet.explained is None
    assert quiet.answer(0) == determine_records(record(), history).answer(0)
    assert quiet.rows().get_column("pathway").to_list() == ["ACA_TRANSFER"]


def test_a_day_past_the_tree_is_refused_under_the_faces_own_name(history) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError) as caught:
        determine_records(record(), history, as_of=dt.date(2040, 1, 1), labels={"as_of": "--date"})
    assert caught.value.problems[0].loc == ("--date",)
    assert "outside the range" in str(caught.value)


def test_a_day_before_the_encounter_is_refused(history) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError) as caught:
        determine_records(record(), history, as_of=dt.date(2019, 12, 1))
    assert "before the encounter_date 2020-01-15" in str(caught.value)
    assert caught.value.problems[0].loc == ("as_of",)


def test_an_encounter_past_the_tree_is_refused_for_a_parsed_record(history) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match="outside the range"):
        determine_records({**record(), "encounter_date": "2031-01-01"}, history)


def test_an_empty_list_is_refused(history) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match="at least one record"):
        determine_records([], history)


def test_single_adults_sharing_a_group_are_no_family_in_any_format(history, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    people = [{**record(), "person_id": f"P{i}", "group_id": "g"} for i in range(3)]
    with pytest.raises(InputError, match="single adult travels without family"):
        determine_records(people, history)
    csv = tmp_path / "family.csv"
    csv.write_text(
        "person_id,group_id,encounter_date,sector,citizenship,demographic\n"
        + "".join(f"P{i},g,2020-01-15,EPT,HN,SA\n" for i in range(3))
    )
    with pytest.raises(InputError, match="single adult travels without family"):
        determine_records(csv, history)


@pytest.mark.parametrize("age", ["18.0", "１８", "18.5"])
def test_an_age_is_whole_ascii_years_in_csv_as_in_json(history, tmp_path: Path, age: str) -> None:  # type: ignore[no-untyped-def]
    csv = tmp_path / "age.csv"
    csv.write_text(
        f"person_id,encounter_date,sector,citizenship,demographic,age\nP,2020-01-15,EPT,HN,SA,{age}\n"
    )
    with pytest.raises(InputError, match="not a whole number of years"):
        determine_records(csv, history)
    with pytest.raises(InputError, match="not a whole number"):
        determine_records({**record(), "age": 18.0}, history)


def test_a_value_a_scenario_set_says_so_in_the_explanation() -> None:
    outlook = load_scenario("outlook-2020-03-10", load_tree())
    answer = determine_records({**record(), "encounter_date": "2020-04-01"}, outlook).answer(0)
    step = next(s for s in answer["explanation"] if s["program"] == "TITLE42")
    title42 = next(p for p in step["parameters"] if p["name"] == "law.title42.in_force")
    assert title42["set_by"] == "outlook-2020-03-10"
    assert not any("buzzfeed" in r["href"] for r in step["references"])
    history = determine_records(record(), load_scenario("history", load_tree())).answer(0)
    assert all(p["set_by"] is None for s in history["explanation"] for p in s["parameters"])


def test_answers_without_copies_are_the_same_and_with_copies_each_its_own(history) -> None:  # type: ignore[no-untyped-def]
    people = [
        {**record(), "person_id": "A"},
        {**record(), "person_id": "B"},  # alike: the same steps
        {**record(), "person_id": "C", "citizenship": "SV"},
        {**record(), "person_id": "D", "claims_fear": None},
    ]
    for asked in (
        people,
        people[:1],
        [{**p, "group_id": "F", "demographic": "FMUA"} for p in people[:2]],
    ):
        own = determine_records(asked, history).answers()
        shared = determine_records(asked, history, copies=False).answers()
        assert json.dumps(shared) == json.dumps(own)
    own = determine_records(people[:2], history).answers()
    own[0]["explanation"][0]["parameters"][0]["value"] = "changed"
    own[0]["explanation"][0]["references"][0]["title"] = "changed"
    again = determine_records(people[:2], history).answers()
    assert own[1]["explanation"][0] == again[1]["explanation"][0]  # A's change is A's alone
    shared = determine_records(people[:2], history, copies=False).answers()
    assert shared[0]["explanation"][0]["parameters"] is shared[1]["explanation"][0]["parameters"]
