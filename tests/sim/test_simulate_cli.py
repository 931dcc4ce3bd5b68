"""`asylum-pathways simulate` writes the documented outputs and refuses bad input."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from helpers import cli


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("study")
    result = cli(
        "simulate",
        "--start",
        "2019-10-01",
        "--end",
        "2020-04-30",
        "--reps",
        "2",
        "--workers",
        "2",
        "--out",
        str(folder),
        "--no-report",
    )
    assert result.returncode == 0, result.stderr
    assert "Headline figures" in result.stdout
    return folder


@pytest.mark.slow
def test_outputs_are_written(out: Path) -> None:
    for name in ("daily.parquet", "daily.csv", "persons.parquet", "summary.json", "validation.csv"):
        assert (out / name).exists(), name


@pytest.mark.slow
def test_daily_has_the_documented_long_format_and_metrics(out: Path) -> None:
    daily = pl.read_parquet(out / "daily.parquet")
    assert daily.columns == ["scenario", "replication", "date", "metric", "value"]
    metrics = set(daily.get_column("metric").unique())
    required = {
        "encounters",
        "aca_transfers_GT",
        "aca_transfers_GT_cumulative",
        "aca_transfers_HN",
        "aca_transfers_SV_cumulative",
        "mpp_enrolled",
        "mpp_enrolled_cumulative",
        "mpp_waiting_in_mexico",
        "mpp_pending",
        "mpp_completed_cumulative",
        "mpp_in_absentia_cumulative",
        "mpp_granted_cumulative",
        "pathway_TITLE42_EXPULSION",
        "pathway_ACA_TRANSFER",
        "pathway_MPP_RETURN",
        "pathway_NTA_RELEASE",
    }
    assert required <= metrics
    assert set(daily.get_column("scenario").unique()) == {
        "history",
        "outlook-2020-03-10",
        "ninth-circuit-injunction",
    }


@pytest.mark.slow
def test_summary_has_headlines_intervals_hashes_and_seed(out: Path) -> None:
    summary = json.loads((out / "summary.json").read_text())
    assert summary["replications"] == 2 and summary["seed"] == 20200310
    history = summary["scenarios"]["history"]
    assert {"mean", "p5", "p95"} == set(history["headline"]["mpp_enrolled"])
    assert len(history["parameter_hash"]) == 64 and history["scenario_sha256"]
    assert "ninth-circuit-injunction - history" in summary["comparisons"]


@pytest.mark.slow
def test_validation_compares_model_with_published_figures(out: Path) -> None:
    val = pl.read_csv(out / "validation.csv")
    assert {"id", "published", "model_mean", "model_p5", "model_p95", "source", "kind"} <= set(
        val.columns
    )
    assert val.filter(pl.col("id") == "aca.stat.2019-12-12").height == 1
    assert val.get_column("source").str.starts_with("http").all()


@pytest.mark.slow
def test_persons_has_one_row_per_person_and_scenario(out: Path) -> None:
    persons = pl.read_parquet(out / "persons.parquet")
    counts = persons.group_by("scenario").len()
    assert counts.get_column("len").n_unique() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--start", "2020-02-01", "--end", "2020-01-01"], "is before --start"),
        (["--start", "2017-01-01"], "outside the calibration data"),
        (["--reps", "0"], "expected at least 1 replication"),
        (["--scenario", "no-such"], "not a built-in scenario"),
        (["--start", "2020-13-01"], "is not a date"),
    ],
)
@pytest.mark.slow
def test_bad_arguments_fail_before_anything_runs(
    tmp_path: Path, args: list[str], message: str
) -> None:
    result = cli("simulate", "--out", str(tmp_path / "o"), "--no-progress", *args)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "o").exists()


def test_an_impossible_parameter_value_in_a_scenario_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: bad\nassumptions:\n  mpp.mexico_fear_rate:\n    - {from: 2019-06-01, value: 1.5}\n"
        "  aca.processing_days:\n    - {from: 2019-12-01, value: -3}\n"
    )
    result = cli("simulate", "--scenario", str(bad), "--out", str(tmp_path / "o"), "--no-progress")
    assert result.returncode == 2
    assert "between 0 and 1, got 1.5" in result.stderr and ">= 0, got -3" in result.stderr


def test_a_court_without_a_termination_factor_exits_2_naming_it(tmp_path: Path) -> None:
    """Bad input found while a replication runs is still bad input: exit 2 with the
    parameter and the courts, at once, not a replication that 'failed twice' (exit 3)."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: bad\nextends: history\nassumptions:\n  mpp.termination_by_court:\n"
        "    - {from: 2019-01-29, value: {San Diego: 1.0}}\n"
    )
    result = cli(
        "simulate",
        *("--scenario", str(bad), "--start", "2019-01-01", "--end", "2019-06-30"),
        *("--reps", "2", "--workers", "2", "--out", str(tmp_path / "o"), "--no-progress"),
    )
    assert result.returncode == 2, result.stderr
    assert "assumptions.mpp.termination_by_court" in result.stderr and "El Paso" in result.stderr
    assert "Traceback" not in result.stderr and "failed twice" not in result.stderr


@pytest.mark.slow
def test_a_users_encounter_file_is_simulated_person_by_person(tmp_path: Path) -> None:
    from helpers import record

    rows = [
        record(
            person_id=f"U{i}",
            encounter_date=f"2019-12-{1 + i % 28:02d}",
            citizenship=["HN", "GT", "SV", "CU", "MX"][i % 5],
            sector=["EPT", "RGV", "SDC"][i % 3],
        )
        for i in range(120)
    ]
    path = tmp_path / "mine.csv"
    pl.DataFrame(rows).write_csv(path)
    out = tmp_path / "o"
    result = cli(
        "simulate",
        "--encounters",
        str(path),
        "--reps",
        "2",
        "--workers",
        "1",
        "--out",
        str(out),
        "--no-progress",
        "--no-report",
    )
    assert result.returncode == 0, result.stderr
    persons = pl.read_parquet(out / "persons.parquet")
    history = persons.filter(pl.col("scenario") == "history")
    assert sorted(history.get_column("person_id").to_list()) == sorted(r["person_id"] for r in rows)
    daily = pl.read_parquet(out / "daily.parquet").filter(
        (pl.col("metric") == "encounters") & (pl.col("scenario") == "history")
    )
    assert daily.group_by("replication").agg(pl.col("value").sum()).get_column(
        "value"
    ).to_list() == [120, 120]
    outside = cli(
        "simulate",
        "--encounters",
        str(path),
        "--start",
        "2019-12-15",
        "--out",
        str(out / "x"),
        "--no-progress",
    )
    assert outside.returncode == 2 and "fall outside 2019-12-15" in outside.stderr


def test_the_console_rows_leave_out_windows_outside_the_horizon_and_add_transfers() -> None:
    from asylum_pathways.cli.simulate_cmd import _rows_of

    fig = {"mean": 3.0, "p5": 1.0, "p95": 5.0}
    zero = {"mean": 0.0, "p5": 0.0, "p95": 0.0}
    summary = {
        "scenarios": {
            "a": {
                "headline": {"encounters": fig, "aca_transfers_HN": fig, "aca_transfers_UG": zero}
            },
            "b": {
                "headline": {"encounters": fig, "aca_transfers_HN": fig, "aca_transfers_GT": fig}
            },
        }
    }
    rows = (
        ("encounters", "Encounters"),
        ("mpp_window_2020", "MPP in a 2020 window"),
        ("aca_transfers_HN", "ACA transfers to Honduras"),
    )
    assert _rows_of(summary, rows) == [
        ("encounters", "Encounters"),
        ("aca_transfers_HN", "ACA transfers to Honduras"),
        ("aca_transfers_GT", "ACA transfers to Guatemala"),  # transfers in one scenario
    ]  # no 2020 window (not in this run), no Uganda (nobody transferred)
