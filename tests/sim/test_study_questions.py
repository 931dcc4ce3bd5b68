"""The study's own questions: a number for the window, a probability, demand beside capacity
and the assumption that decides, in summary.json."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from helpers import cli


@pytest.fixture(scope="module")
def summary(tmp_path_factory: pytest.TempPathFactory) -> dict:  # type: ignore[type-arg]
    out = tmp_path_factory.mktemp("questions") / "out"
    result = cli(
        "simulate", "--scenario", "history", "--scenario", "outlook-2020-03-10",
        "--start", "2019-12-01", "--end", "2020-12-31", "--reps", "10", "--workers", "2",
        "--out", str(out), "--no-report", "--no-progress",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads((out / "summary.json").read_text())


@pytest.mark.slow
def test_the_el_salvador_question_is_answered_for_2020(summary: dict) -> None:  # type: ignore[type-arg]
    q = next(q for q in summary["questions"] if q["id"] == "sv_more_than_2000_in_2020")
    assert q["window"] == {"start": "2020-01-01", "end": "2020-12-31"}
    assert q["scenario"] == "outlook-2020-03-10" and q["threshold"] == 2000
    v = q["value"]
    assert v["lo"] <= v["median"] <= v["hi"] and v["level"] == 0.9
    assert 0.0 <= q["probability_above"] <= 1.0
    # demand far above capacity: capacity decides, and it is the unpublished weekly intake
    assert q["demand"]["median"] > 5 * q["capacity"]["median"]
    assert q["deciding"]["parameter"] == "aca_sv_seats_per_week_2020"
    assert q["unfitted"] and "capacity_priors" in q["interval_includes"]
    assert "never published" in q["answer"] and "capacity decides" in q["answer"]
    # the transfers are the capacity's, within a flight's rounding
    assert v["median"] == pytest.approx(q["capacity"]["median"], rel=0.1)


@pytest.mark.slow
def test_the_probability_is_the_share_of_replications_above(summary: dict) -> None:  # type: ignore[type-arg]
    q = next(q for q in summary["questions"] if q["id"] == "sv_more_than_2000_in_2020")
    assert q["replications"] == 10
    assert round(q["probability_above"] * 10) == pytest.approx(q["probability_above"] * 10)


@pytest.mark.slow
def test_a_question_outside_the_runs_horizon_or_scenarios_is_left_out(tmp_path: Path) -> None:
    result = cli(
        "simulate", "--scenario", "history", "--start", "2019-06-01", "--end",
        str(dt.date(2019, 8, 31)), "--reps", "2", "--workers", "1", "--out",
        str(tmp_path / "o"), "--no-report", "--no-progress",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads((tmp_path / "o" / "summary.json").read_text())["questions"] == []
