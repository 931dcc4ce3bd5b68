"""Hearings: flags for doubtful dates, deadlines from dated law recomputed when the rule or the
hearing changes, history kept."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from registry_helpers import Bench, person

from asylum_pathways.params import load_tree
from asylum_pathways.registry import case_hearings, cases, hearings
from asylum_pathways.scenarios import load_overlay

TREE = load_tree()


def hearing(**over: Any) -> dict[str, Any]:
    base = {
        "court": "El Paso",
        "time_zone": "America/Denver",
        "starts_at": "2020-02-11T09:00",
        "type": "individual",
        "medium": "in_person",
        "source": "eoir_notice",
        "status": "scheduled",
        "judge": None,
        "mpp": False,
        "detained": False,
    }
    base.update(over)
    return base


def flags_of(**over: Any) -> set[str]:
    h = hearings.parse(hearing(**over))
    return {f["flag"] for f in hearings.flags(TREE, h)}


@pytest.mark.parametrize(
    ("over", "flag"),
    [
        ({"starts_at": "2020-02-15T09:00"}, "weekend"),
        ({"starts_at": "2020-02-17T09:00"}, "federal_holiday"),  # Washington's Birthday
        ({"starts_at": "2021-06-18T09:00"}, "federal_holiday"),  # Juneteenth observed
        ({"starts_at": "2020-07-03T09:00"}, "federal_holiday"),  # Independence Day observed
        ({"starts_at": "2020-02-11T00:00"}, "outside_court_hours"),
        ({"starts_at": "2020-02-11T17:00"}, "outside_court_hours"),
        ({"starts_at": "2019-01-31T09:00"}, "placeholder_date"),
        ({"source": "nta"}, "notice_to_appear_only"),
    ],
)
def test_a_doubtful_hearing_is_flagged_unconfirmed(over: dict[str, Any], flag: str) -> None:
    assert flag in flags_of(**over)


def test_juneteenth_is_no_holiday_before_the_law_that_made_it() -> None:
    assert "federal_holiday" not in flags_of(starts_at="2020-06-19T09:00")


def test_a_plain_weekday_hearing_from_the_court_has_no_flag() -> None:
    assert flags_of() == set()


def _filing(over: dict[str, Any]) -> dict[str, Any]:
    h = hearings.parse(hearing(**over))
    return next(d for d in hearings.deadlines(TREE, h) if d["kind"] == "filing")


def test_filings_before_an_individual_hearing_follow_the_rule_of_its_day() -> None:
    assert _filing({"starts_at": "2020-02-11T09:00"})["due"] == "2020-01-27"  # 15 days
    assert _filing({"starts_at": "2021-03-10T09:00"})["due"] == "2021-02-08"  # 30 days
    late = _filing({"starts_at": "2025-03-20T09:00"})
    assert late["rule_from"] == "2025-02-16" and late["due"] == "2025-02-18"  # 30 days


def test_a_deadline_on_a_weekend_or_holiday_moves_to_the_next_business_day() -> None:
    got = _filing({"starts_at": "2025-03-18T09:00"})  # 30 days before: Sunday 2025-02-16
    assert got["counted_to"] == "2025-02-16"
    assert got["due"] == "2025-02-18"  # Monday 2025-02-17 is Washington's Birthday


def test_master_calendar_filings_are_due_15_days_before() -> None:
    assert _filing({"type": "master", "starts_at": "2020-02-11T09:00"})["due"] == "2020-01-27"


def test_a_detained_person_has_no_default_filing_deadline() -> None:
    h = hearings.parse(hearing(detained=True))
    assert [d for d in hearings.deadlines(TREE, h) if d["kind"] == "filing"] == []


@pytest.mark.parametrize(
    ("day", "due", "rule"),
    [
        ("2020-04-01", "2020-04-01", "original_date"),
        ("2020-05-15", "2020-06-15", "one_month_later"),
        ("2020-05-16", None, "await_notice"),  # one month later is after 2020-06-16
        ("2020-06-20", None, "await_notice"),
    ],
)
def test_a_postponed_mpp_hearing_gets_its_report_date_from_the_rule_in_force(
    day: str, due: str | None, rule: str
) -> None:
    h = hearings.parse(hearing(mpp=True, starts_at=f"{day}T09:00"))
    report = next(d for d in hearings.deadlines(TREE, h) if d["kind"] == "mpp_report")
    assert report["due"] == due
    assert report["rule"] == "law.mpp.report_date_rule"


def test_one_month_later_on_a_weekend_moves_to_the_monday() -> None:
    h = hearings.parse(hearing(mpp=True, starts_at="2020-05-11T09:00"))  # 2020-06-11 Thursday
    assert (
        next(d for d in hearings.deadlines(TREE, h) if d["kind"] == "mpp_report")["due"]
        == "2020-06-11"
    )
    h = hearings.parse(hearing(mpp=True, starts_at="2020-05-13T09:00"))  # 2020-06-13 Saturday
    assert (
        next(d for d in hearings.deadlines(TREE, h) if d["kind"] == "mpp_report")["due"]
        == "2020-06-15"
    )


def test_a_deadline_is_recomputed_when_its_rule_changes_in_an_overlay() -> None:
    world = load_overlay(
        {
            "name": "60-days",
            "law": {"eoir.individual_hearing_filing_days": [{"from": "2020-01-01", "value": 60}]},
        },
        TREE,
        "60-days",
    )
    h = hearings.parse(hearing(starts_at="2020-03-11T09:00"))
    due = next(d for d in hearings.deadlines(world.tree, h) if d["kind"] == "filing")
    assert due["due"] == "2020-01-13"  # 60 days before is Saturday 2020-01-11


def test_a_bad_hearing_names_the_field_and_what_was_expected() -> None:
    from asylum_pathways.registry.errors import Invalid

    with pytest.raises(Invalid, match="time_zone: expected an IANA time zone"):
        hearings.parse(hearing(time_zone="Mountain"))
    with pytest.raises(Invalid, match="status: expected one of scheduled, held"):
        hearings.parse(hearing(status="cancelled"))


def test_a_moved_hearing_keeps_its_history_and_loses_its_confirmation(bench: Bench) -> None:
    reg = bench.registry()
    org = bench.org(reg, "Org A")
    case_id = cases.create(reg, org.caseworker, {"people": [person("Heard")]})
    h = case_hearings.add(reg, org.caseworker, case_id, {**hearing(), "confirmed": True})
    assert h["confirmed"] and not h["unconfirmed"]
    moved = case_hearings.update(
        reg, org.caseworker, case_id, h["id"], {"starts_at": "2020-03-10T10:30"}
    )
    assert moved["version"] == 2 and not moved["confirmed"]
    assert moved["history"][0]["was"]["starts_at"] == "2020-02-11T09:00"
    assert moved["history"][0]["changed"] == ["starts_at"]
    assert moved["deadlines"][0]["due"] == "2020-02-24"  # recomputed from the new day
    vacated = case_hearings.update(reg, org.caseworker, case_id, h["id"], {"status": "vacated"})
    assert vacated["deadlines"] == [] and len(vacated["history"]) == 2
    listed = case_hearings.listing(reg, org.caseworker, case_id)
    assert listed[0]["status"] == "vacated"


def test_time_zones_are_kept_with_the_local_time(bench: Bench) -> None:
    reg = bench.registry()
    org = bench.org(reg, "Org A")
    case_id = cases.create(reg, org.caseworker, {"people": [person("Zoned")]})
    h = case_hearings.add(
        reg,
        org.caseworker,
        case_id,
        hearing(time_zone="America/Los_Angeles", starts_at="2020-03-09T08:30"),
    )
    assert h["time_zone"] == "America/Los_Angeles" and h["starts_at"] == "2020-03-09T08:30"
    assert dt.datetime.fromisoformat(h["starts_at"]).hour == 8
