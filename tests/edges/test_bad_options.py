"""Generated bad options for every command: exit 2 naming the option, before any work and
without writing anything; limits on --reps, --workers and --seed."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
from pathlib import Path

import polars as pl
import pytest
from harness import EXAMPLE, refused, run, write_json
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asylum_pathways.cli.contract import MAX_REPS, MAX_SEED, cpus
from asylum_pathways.params import load_tree
from asylum_pathways.params.coverage import answerable_range
from asylum_pathways.scenarios.overlay import builtin_names

SETTINGS = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FIRST, LAST = answerable_range(load_tree())
NOT_A_DATE = st.text(min_size=1, max_size=20).filter(
    lambda s: not re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", s) and not s.startswith("-")
)
OUTSIDE = st.one_of(
    st.dates(max_value=FIRST - dt.timedelta(days=1)),
    st.dates(min_value=LAST + dt.timedelta(days=1)),
)


@SETTINGS
@given(value=st.one_of(NOT_A_DATE, OUTSIDE.map(dt.date.isoformat)), as_json=st.booleans())
def test_determine_refuses_a_date_that_is_not_an_answerable_day(value: str, as_json: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        case = write_json(folder, "case.json", EXAMPLE)
        argv = ["determine", str(case), f"--date={value}", *(["--json"] if as_json else [])]
        result = refused(folder, *argv, naming=("--date",))
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            assert f"{FIRST.isoformat()} to {LAST.isoformat()}" in result.err


@SETTINGS
@given(name=st.text(min_size=1, max_size=20).filter(lambda s: s not in builtin_names()))
def test_an_unknown_scenario_is_named(name: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        case = write_json(folder, "case.json", EXAMPLE)
        refused(folder, "determine", str(case), f"--scenario={folder / name}", naming=("scenario",))


@SETTINGS
@given(
    option=st.sampled_from(["--reps", "--workers", "--seed"]),
    data=st.data(),
)
def test_simulate_limits_are_enforced_before_any_work(option: str, data: st.DataObject) -> None:
    bad = {
        "--reps": st.one_of(st.integers(max_value=0), st.integers(min_value=MAX_REPS + 1)),
        "--workers": st.one_of(st.integers(max_value=-1), st.integers(min_value=cpus() + 1)),
        "--seed": st.one_of(st.integers(max_value=-1), st.integers(min_value=MAX_SEED + 1)),
    }[option]
    value = data.draw(bad)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        out = folder / "results"
        refused(folder, "simulate", option, str(value), "--out", str(out), naming=(option,))
        assert not out.exists()


EMPTY = [
    ["determine", "{case}", "--date", ""],
    ["determine", "{case}", "--out", ""],
    ["determine", "{case}", "--scenario="],
    ["determine", ""],
    ["simulate", "--start", ""],
    ["simulate", "--end="],
    ["simulate", "--out", ""],
    ["simulate", "--scenario", ""],
    ["simulate", "--encounters", ""],
    ["params", "show", "law.title42.in_force", "--date", ""],
    ["params", "list", "--section", ""],
    ["report", ""],
]


@pytest.mark.parametrize("argv", EMPTY)
def test_an_empty_option_value_is_an_error_not_a_default(argv: list[str], tmp_path: Path) -> None:
    case = write_json(tmp_path, "case.json", EXAMPLE)
    for as_json in (False, True):
        args = [a.replace("{case}", str(case)) for a in argv] + (["--json"] if as_json else [])
        options = [a.rstrip("=") for a in args if a.startswith("--") and a != "--json"]
        refused(tmp_path, *args, naming=(options[-1] if options else "argument", "empty value"))


@SETTINGS
@given(section=st.text(min_size=1, max_size=12).filter(lambda s: s not in ("law", "assumptions")))
def test_params_list_refuses_an_unknown_section(section: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        refused(
            Path(tmp), "params", "list", f"--section={section}", "--json", naming=("--section",)
        )


def test_params_show_names_an_unknown_parameter_and_a_bad_date(tmp_path: Path) -> None:
    refused(tmp_path, "params", "show", "law.no.such", "--json", naming=("law.no.such",))
    refused(
        tmp_path,
        "params",
        "show",
        "law.title42.in_force",
        "--date",
        "2020-02-30",
        naming=("--date",),
    )


def test_output_is_checked_before_the_work(tmp_path: Path) -> None:
    case = write_json(
        tmp_path, "case.json", [EXAMPLE | {"person_id": "a"}, EXAMPLE | {"person_id": "b"}]
    )
    csv_in = tmp_path / "in.csv"
    pl.DataFrame([EXAMPLE]).write_csv(csv_in)
    refused(
        tmp_path, "determine", str(csv_in), "--out", str(csv_in), naming=("--out", "input file")
    )
    refused(
        tmp_path,
        "determine",
        str(case),
        "--out",
        str(tmp_path / "missing" / "o.csv"),
        naming=("does not exist",),
    )
    refused(tmp_path, "determine", str(case), "--out", str(tmp_path), naming=("--out",))
    refused(tmp_path, "determine", str(case), "--out", str(tmp_path / "o.txt"), naming=(".txt",))
    refused(tmp_path, "simulate", "--out", str(csv_in), naming=("--out", "not a folder"))
    refused(tmp_path, "report", str(csv_in), naming=("not a folder",))
    refused(tmp_path, "report", str(tmp_path), naming=("not a results folder",))


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into any folder")
def test_an_unwritable_output_folder_is_refused_before_the_work(tmp_path: Path) -> None:
    case = write_json(tmp_path, "case.json", [EXAMPLE | {"person_id": "a"}])
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    try:
        refused(
            tmp_path,
            "determine",
            str(case),
            "--out",
            str(locked / "o.csv"),
            naming=("not writable",),
        )
        refused(tmp_path, "simulate", "--out", str(locked / "results"), naming=("not writable",))
    finally:
        locked.chmod(0o700)


def test_determine_writes_its_table_atomically(tmp_path: Path) -> None:
    case = write_json(
        tmp_path, "case.json", [EXAMPLE | {"person_id": "a"}, EXAMPLE | {"person_id": "b"}]
    )
    out = tmp_path / "o.parquet"
    assert run("determine", str(case), "--out", str(out)).code == 0
    assert pl.read_parquet(out).height == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.json", "o.parquet"]


def test_json_errors_come_in_the_one_envelope(tmp_path: Path) -> None:
    case = write_json(tmp_path, "case.json", EXAMPLE | {"sector": "NOPE", "citizenship": "??"})
    result = refused(tmp_path, "determine", str(case), "--json")
    answer = json.loads(result.out)
    assert answer["error"]["code"] == "invalid_record"
    locs = [e["loc"] for e in answer["error"]["errors"]]
    assert [str(case), "sector"] in locs and [str(case), "citizenship"] in locs
    usage = json.loads(refused(tmp_path, "determine", str(case), "--json", "--bogus").out)
    assert usage["error"]["code"] == "invalid_usage"


@pytest.mark.parametrize("day", ["1950-06-01", "9999-12-31"])
def test_simulate_refuses_a_users_record_outside_the_answerable_range(
    day: str, tmp_path: Path
) -> None:
    rows = [EXAMPLE | {"person_id": f"P{i}"} for i in range(3)]
    rows[1]["encounter_date"] = day
    path = tmp_path / "mine.csv"
    pl.DataFrame(rows).write_csv(path)
    out = tmp_path / "o"
    refused(
        tmp_path,
        "simulate",
        "--encounters",
        str(path),
        "--out",
        str(out),
        naming=("mine.csv line 3, column encounter_date", f"{FIRST.isoformat()} to"),
    )
    assert not out.exists()
