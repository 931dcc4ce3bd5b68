"""The command line, run as a user runs it (a subprocess)."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from helpers import cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "src/asylum_pathways/examples/honduran-adult-el-paso.json"


def test_version() -> None:
    result = cli("--version")
    assert result.returncode == 0 and result.stdout.startswith("asylum-pathways ")


def test_determine_json_has_the_documented_keys() -> None:
    result = cli("determine", str(EXAMPLE), "--json")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert {"pathway", "receiving_country", "amenable", "explanation", "date", "scenario"} <= set(
        answer
    )
    assert {"ACA_GT", "ACA_HN", "ACA_SV", "MPP", "TITLE42"} <= set(answer["amenable"])
    assert answer["pathway"] == "ACA_TRANSFER" and answer["receiving_country"] == "GT"
    assert answer["date"] == "2020-01-15" and answer["scenario"] == "history"
    for step in answer["explanation"]:
        assert {"rule", "outcome", "because", "references"} <= set(step)
        assert step["references"] and all({"title", "href"} == set(r) for r in step["references"])


def test_determine_as_of_another_date_and_scenario() -> None:
    # encountered 2020-01-15, decided 2020-04-01: transfers to Guatemala were suspended, and
    # Title 42 covers people by the day of their encounter
    result = cli("determine", str(EXAMPLE), "--json", "--date", "2020-04-01")
    assert json.loads(result.stdout)["pathway"] == "MPP_RETURN"
    result = cli(
        "determine",
        str(EXAMPLE),
        "--json",
        "--date",
        "2020-04-01",
        "--scenario",
        "outlook-2020-03-10",
    )
    answer = json.loads(result.stdout)
    assert answer["pathway"] == "ACA_TRANSFER" and answer["scenario"] == "outlook-2020-03-10"


def test_determine_readable_output_cites_sources() -> None:
    result = cli("determine", str(EXAMPLE))
    assert result.returncode == 0
    assert "ACA_TRANSFER to GT" in result.stdout and "Sources" in result.stdout
    assert "https://" in result.stdout


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"sector": "XYZ"}, "field sector: 'XYZ' is not a USBP sector code"),
        (
            {"citizenship": "Guatemala"},
            "field citizenship: 'Guatemala' is not an ISO 3166 alpha-2 code",
        ),
        ({"encounter_date": "2020-02-30"}, "field encounter_date: '2020-02-30' is not a date"),
        ({"claims_fear": "yes"}, "field claims_fear: 'yes' is not true, false or null"),
        ({"citizenshp": "GT"}, "field citizenshp: unknown field"),
    ],
)
def test_bad_input_gets_a_clear_error_and_exit_code_2(
    tmp_path: Path, record: dict[str, str], expected: str
) -> None:
    case = json.loads(EXAMPLE.read_text()) | record
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case))
    result = cli("determine", str(path))
    assert result.returncode == 2
    assert expected in result.stderr and str(path) in result.stderr
    assert "Traceback" not in result.stderr


def test_a_missing_required_field_is_named(tmp_path: Path) -> None:
    case = json.loads(EXAMPLE.read_text())
    del case["demographic"]
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case))
    result = cli("determine", str(path))
    assert result.returncode == 2 and "missing required field demographic" in result.stderr


def test_unreadable_files_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    result = cli("determine", str(path))
    assert result.returncode == 2 and "broken.json line 1: invalid JSON" in result.stderr
    result = cli("determine", str(tmp_path / "missing.csv"))
    assert result.returncode == 2 and "no such file" in result.stderr


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    result = cli("--debug", "determine", str(tmp_path / "missing.json"))
    assert result.returncode != 0 and "Traceback" in result.stderr


@pytest.mark.slow
def test_many_records_from_csv_and_parquet_are_written_with_reason_codes(tmp_path: Path) -> None:
    base = json.loads(EXAMPLE.read_text())
    rows = [
        base | {"person_id": f"P{i}", "citizenship": cc, "sector": sector}
        for i, (cc, sector) in enumerate(
            [("HN", "EPT"), ("GT", "EPT"), ("MX", "SDC"), ("SV", "EPT")]
        )
    ]
    frame = pl.DataFrame(rows)
    csv_in = tmp_path / "in.csv"
    frame.write_csv(csv_in)
    out = tmp_path / "out.parquet"
    result = cli("determine", str(csv_in), "--out", str(out))
    assert result.returncode == 0, result.stderr
    written = pl.read_parquet(out)
    assert written.get_column("pathway").to_list() == [
        "ACA_TRANSFER",
        "MPP_RETURN",
        "CREDIBLE_FEAR",
        "ACA_TRANSFER",
    ]
    assert written.get_column("reason_ACA_GT").to_list()[1] == "aca.excluded_national"
    assert written.get_column("reason_MPP").to_list()[2] == "mpp.excluded_mexican"
    assert written.get_column("reason_ACA_GT").to_list()[2] == "aca.location"
    pq_in = tmp_path / "in.parquet"
    frame.write_parquet(pq_in)
    out_csv = tmp_path / "out.csv"
    assert cli("determine", str(pq_in), "--out", str(out_csv)).returncode == 0
    assert pl.read_csv(out_csv).height == 4


@pytest.mark.slow
def test_a_bad_csv_row_is_named_by_its_file_line(tmp_path: Path) -> None:
    base = json.loads(EXAMPLE.read_text())
    rows = [base | {"person_id": f"P{i}"} for i in range(5)]
    rows[3]["sector"] = "NOPE"
    path = tmp_path / "in.csv"
    pl.DataFrame(rows).write_csv(path)
    result = cli("determine", str(path), "--out", str(tmp_path / "o.csv"))
    assert result.returncode == 2
    assert "in.csv line 5, column sector: 'NOPE' is not a USBP sector code" in result.stderr


@pytest.mark.slow
def test_params_list_and_show() -> None:
    listed = cli("params", "list", "--json")
    names = {p["name"] for p in json.loads(listed.stdout)}
    assert "law.title42.covers_uac" in names
    shown = json.loads(
        cli("params", "show", "law.title42.covers_uac", "--date", "2020-12-01", "--json").stdout
    )
    assert shown["value_on_date"] is False
    assert all(item["references"] for item in shown["history"])
    missing = cli("params", "show", "law.no.such")
    assert missing.returncode == 2 and "no parameter named" in missing.stderr


@pytest.mark.slow
def test_params_list_prints_whole_names_in_a_pipe_at_any_width() -> None:
    import os
    import subprocess
    import sys

    from asylum_pathways.params import load_tree

    names = [p.name for p in load_tree()]
    for columns in ("40", "80", "200"):
        out = subprocess.run(
            [sys.executable, "-m", "asylum_pathways", "params", "list"],
            capture_output=True,
            text=True,
            env={**os.environ, "COLUMNS": columns},
            check=True,
        ).stdout
        words = set(out.split())
        assert all(name in words for name in names), columns
        assert all(
            len(line) <= max(int(columns), 40) or line.split()[0] in names
            for line in out.splitlines()
        )


@pytest.mark.slow
def test_params_list_searches_every_word() -> None:
    found = json.loads(cli("params", "list", "--search", "Guatemala TRANSFERS", "--json").stdout)
    names = [p["name"] for p in found]
    assert "law.aca.agreements.gt.transfers_operating" in names
    assert all(".gt." in n for n in names)
    assert json.loads(cli("params", "list", "--search", "zzz-nothing", "--json").stdout) == []


@pytest.mark.slow
def test_params_show_takes_a_unique_prefix_and_refuses_an_ambiguous_one() -> None:
    shown = json.loads(cli("params", "show", "law.title42.cov", "--json").stdout)
    assert shown["name"] == "law.title42.covers_uac"
    ambiguous = cli("params", "show", "law.title42", "--json")
    assert ambiguous.returncode == 2
    assert "law.title42.in_force" in ambiguous.stderr and "Traceback" not in ambiguous.stderr
    error = json.loads(ambiguous.stdout)["error"]
    assert "law.title42.covers_uac" in error["errors"][0]["value"]
