"""One JSON case is read cell by cell, without Polars; a table column by column. Both use the
one definition of a cell (`io.cells`), so they must agree on every record: the same codes for
a valid one, the same problems, in the same words, for an invalid one."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asylum_pathways import codes
from asylum_pathways.errors import InputError
from asylum_pathways.io import jsonrecords
from asylum_pathways.io.encounters import EncounterTable, from_frame, from_record
from asylum_pathways.params import load_tree
from asylum_pathways.records import FLAG_FIELDS

EXAMPLE = Path(__file__).parents[2] / "src" / "asylum_pathways" / "examples"
CELL = st.one_of(
    st.none(),
    st.text(max_size=6),
    st.sampled_from(
        [
            "EPT",
            "RGV",
            "SYS",
            "ELP",
            "HN",
            "MX",
            "XX",
            "SA",
            "FMUA",
            "UAC",
            "es",
            "true",
            " No ",
            "",
            "30",
            "12.0",
            "121",
            "2020-01-15",
            "2020-02-30",
            " 2019-12-01 ",
            "p\x01",
        ]
    ),
)
FIELDS = (
    "person_id",
    "group_id",
    "encounter_date",
    "sector",
    "port",
    "citizenship",
    "habitual_residence",
    "demographic",
    "age",
    "language",
    *FLAG_FIELDS,
    "aca_fear_established_GT",
)


def _read(record: dict[str, str | None], one: bool) -> EncounterTable | InputError:
    tree = load_tree()
    try:
        if one:
            return from_record(record, "case.json", tree, None, answerable=True)
        return from_frame(
            jsonrecords.to_frame([record]), "case.json", tree, 1, None, answerable=True
        )
    except InputError as exc:
        return exc


def _same(a: EncounterTable | InputError, b: EncounterTable | InputError) -> None:
    if isinstance(a, InputError) or isinstance(b, InputError):
        assert isinstance(a, InputError) and isinstance(b, InputError), (a, b)
        assert sorted(str(a).splitlines()) == sorted(str(b).splitlines())
        return
    assert list(a.person_id) == list(b.person_id)
    for field in dataclasses.fields(a.encounters):
        x, y = getattr(a.encounters, field.name), getattr(b.encounters, field.name)
        if isinstance(x, dict):
            assert x.keys() == y.keys(), field.name
            for k in x:
                assert x[k].dtype == y[k].dtype and np.array_equal(x[k], y[k]), (field.name, k)
        else:
            assert x.dtype == y.dtype and np.array_equal(x, y), field.name


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=st.fixed_dictionaries({}, optional={name: CELL for name in FIELDS}))
@pytest.mark.slow
def test_a_case_read_cell_by_cell_equals_the_same_case_read_as_a_table(
    cells: dict[str, str | None],
) -> None:
    base: dict[str, str | None] = {
        "person_id": "p1",
        "encounter_date": "2020-01-15",
        "sector": "EPT",
        "citizenship": "HN",
        "demographic": "SA",
    }
    record = {**base, **cells}
    _same(_read(record, one=True), _read(record, one=False))


def test_the_bundled_example_is_read_the_same_both_ways() -> None:
    data = json.loads((EXAMPLE / "honduran-adult-el-paso.json").read_text())
    rows, many = jsonrecords.to_rows(data, "case.json")
    assert not many and len(rows) == 1
    one, table = _read(rows[0], one=True), _read(rows[0], one=False)
    assert isinstance(one, EncounterTable)
    _same(one, table)
    assert codes.SECTORS[int(one.encounters.sector[0])] == "EPT"


@pytest.mark.parametrize("as_json", [False, True])
@pytest.mark.slow
def test_one_case_through_determine_loads_no_table_library(as_json: bool) -> None:
    """What makes a one-case `determine` start quickly: no Polars, PyArrow, PyYAML or rich."""
    probe = (
        "import sys, runpy\n"
        f"sys.argv = ['asylum-pathways', 'determine', {str(EXAMPLE / 'honduran-adult-el-paso.json')!r}"
        f"{', ' + repr('--json') if as_json else ''}]\n"
        "try:\n    runpy.run_module('asylum_pathways', run_name='__main__')\n"
        "except SystemExit as exc:\n    assert not exc.code, exc.code\n"
        "heavy = ('polars', 'pyarrow', 'yaml', 'rich', 'altair', 'pydantic')\n"
        "print('LOADED', sorted(m for m in heavy if m in sys.modules))\n"
    )
    # Run twice: the first run may fill the on-disk cache (which parses YAML).
    for _ in range(2):
        out = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True
        ).stdout
    assert "ACA_TRANSFER" in out
    assert out.strip().splitlines()[-1] == "LOADED []"


@pytest.mark.parametrize("person_id", ["\x1f", "\x1c", " ", "\u3000", "\x1f p"])
def test_separator_characters_are_read_alike_both_ways(person_id: str) -> None:
    """Python's str.strip takes U+001C-U+001F for white space, Polars does not: a blank
    identifier is one of Unicode's White_Space characters only, both ways (a generated
    person_id of '\\x1f' once made the two readers disagree)."""
    record = {
        "person_id": person_id,
        "encounter_date": "2020-01-15",
        "sector": "EPT",
        "citizenship": "HN",
        "demographic": "SA",
    }
    _same(_read(record, one=True), _read(record, one=False))
