"""Generated bad scenario files: exit 2 with the file and line, for `determine --scenario`
and `simulate --scenario`, and nothing run or written."""

from __future__ import annotations

import errno
import tempfile
from pathlib import Path

import pytest
from harness import EXAMPLE, listing, refused, write_json
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asylum_pathways.errors import OutputError
from asylum_pathways.io.files import staged_folder, write_file_atomically

SETTINGS = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HEAD = "name: edge\ndescription: a bad scenario\n"
CHANGE = "assumptions:\n  aca.processing_days:\n    - {{from: {day}, value: {value}}}\n"

#: (scenario text, what the message must name) — line 5 is the change's line
BAD = {
    "impossible day": (CHANGE.format(day="2020-02-30", value=3), "line 5"),
    "month 13": (CHANGE.format(day="2020-13-01", value=3), "line 5"),
    "date and time": (CHANGE.format(day="2020-03-01 10:00:00", value=3), "date and time"),
    "not a number": (CHANGE.format(day="2020-03-01", value=".nan"), "finite"),
    "infinite": (CHANGE.format(day="2020-03-01", value=".inf"), "finite"),
    "huge integer": (CHANGE.format(day="2020-03-01", value="9" * 5000), "line 5"),
    "control character": (CHANGE.format(day="2020-03-01", value="3") + "# \x07\n", "line 6"),
    "list key": ("assumptions:\n  ? [a, b]\n  : 1\n", "line 4"),
    "unknown parameter": ("law:\n  no.such.thing:\n    - {from: 2020-01-01, value: 1}\n", "line 4"),
}


@pytest.mark.parametrize("kind", sorted(BAD))
def test_a_bad_scenario_file_is_named_by_file_and_line(kind: str, tmp_path: Path) -> None:
    text, fragment = BAD[kind]
    path = tmp_path / "bad.yaml"
    path.write_text(HEAD + text)
    case = write_json(tmp_path, "case.json", EXAMPLE)
    refused(tmp_path, "determine", str(case), "--scenario", str(path), naming=(str(path), fragment))
    out = tmp_path / "o"
    refused(tmp_path, "simulate", "--scenario", str(path), "--out", str(out), naming=(fragment,))


@SETTINGS
@given(key=st.sampled_from(["name", "description", "extends"]), data=st.data())
def test_scenario_name_description_and_extends_must_be_text(key: str, data: st.DataObject) -> None:
    value = data.draw(st.sampled_from(["{a: 1}", "[1, 2]", "3", "2020-01-01"]))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "s.yaml"
        path.write_text(f"{key}: {value}\n")
        case = write_json(folder, "case.json", EXAMPLE)
        refused(folder, "determine", str(case), "--scenario", str(path), naming=(str(path), key))


def test_scenarios_that_extend_each_other_through_paths_are_a_cycle(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("name: a\nextends: b.yaml\n")
    (tmp_path / "b.yaml").write_text("name: b\nextends: ./a.yaml\n")
    case = write_json(tmp_path, "case.json", EXAMPLE)
    refused(
        tmp_path, "determine", str(case), "--scenario", str(tmp_path / "a.yaml"), naming=("cycle",)
    )
    (tmp_path / "self.yaml").write_text("extends: self.yaml\n")
    refused(
        tmp_path,
        "determine",
        str(case),
        "--scenario",
        str(tmp_path / "self.yaml"),
        naming=("cycle",),
    )


def test_a_fifo_as_a_scenario_or_a_case_is_refused_without_blocking(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "case.json"
    os.mkfifo(fifo)
    refused(tmp_path, "determine", str(fifo), naming=("not a regular file",))
    scenario = tmp_path / "s.yaml"
    os.mkfifo(scenario)
    refused(
        tmp_path,
        "params",
        "show",
        "law.title42.in_force",
        "--scenario",
        str(scenario),
        naming=("not a regular file",),
    )


def test_a_failed_write_leaves_neither_a_partial_file_nor_a_temporary_one(tmp_path: Path) -> None:
    target = tmp_path / "o.csv"
    target.write_text("before\n")

    def full_disk(tmp: Path) -> None:
        tmp.write_text("half a table")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OutputError, match="No space left"):
        write_file_atomically(target, "--out", full_disk)
    assert target.read_text() == "before\n" and listing(tmp_path) == {"o.csv": 7}


def test_a_failed_results_folder_leaves_the_old_results(tmp_path: Path) -> None:
    out = tmp_path / "results"
    out.mkdir()
    (out / "summary.json").write_text("{}")
    with pytest.raises(OutputError), staged_folder(out, "--out") as stage:
        (stage / "summary.json").write_text('{"new": true}')
        raise OSError(errno.ENOSPC, "No space left on device")
    assert listing(tmp_path) == {"results/summary.json": 2}
    with staged_folder(out, "--out") as stage:
        (stage / "summary.json").write_text('{"new": true}')
        (stage / "report_data").mkdir()
        (stage / "report_data" / "a.csv").write_text("x\n")
    assert listing(tmp_path) == {"results/summary.json": 13, "results/report_data/a.csv": 2}
