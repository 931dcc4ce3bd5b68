"""`determine` answers from the tree's first day to the last day the law was reviewed for."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import cli, record


def _case(tmp_path: Path, day: str) -> Path:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(record(person_id="p1", encounter_date=day, citizenship="MX")))
    return path


def test_a_case_encountered_today_is_answered(tmp_path: Path) -> None:
    result = cli("determine", str(_case(tmp_path, "2026-12-01")), "--json")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["pathway"] == "ACA_TRANSFER" and answer["receiving_country"] == "HN"


def test_a_case_after_the_last_reviewed_day_is_refused_with_exit_2(tmp_path: Path) -> None:
    result = cli("determine", str(_case(tmp_path, "2026-12-02")), "--json")
    assert result.returncode == 2
    said = result.stdout + result.stderr
    assert "2026-12-02" in said and "law.coverage.answers" in said
    assert "Traceback" not in result.stderr


def test_an_outlook_that_carries_the_law_forward_answers_later_days(tmp_path: Path) -> None:
    case = _case(tmp_path, "2027-06-01")
    result = cli("determine", str(case), "--json", "--scenario", "outlook-2026")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["scenario"] == "outlook-2026"
