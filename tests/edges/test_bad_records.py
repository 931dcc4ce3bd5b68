"""Generated bad encounter records (JSON, CSV, Parquet) are refused by `determine`: exit 2, a
message naming the file, the line or record and the field, and nothing written."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path
from typing import Any

import polars as pl
from harness import EXAMPLE, refused, run, write_json
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asylum_pathways import codes
from asylum_pathways.records import MAX_ID_LENGTH

SETTINGS = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TEXT = st.text(min_size=1, max_size=12)

#: field -> values no record may hold there
BAD_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "sector": TEXT.filter(lambda s: s not in codes.SECTORS),
    "citizenship": TEXT.filter(lambda s: s not in codes.countries()),
    "demographic": TEXT.filter(lambda s: s not in codes.DEMOGRAPHICS),
    "language": TEXT.filter(lambda s: s not in codes.languages()),
    "encounter_date": st.one_of(
        TEXT,
        st.sampled_from(
            [
                "2020-02-30",
                "2020-13-01",
                "-2020-01-15",
                "2020-01-15T10:00",
                "9999-12-31",
                "1950-01-01",
            ]
        ),
    ),
    "age": st.one_of(
        st.integers(max_value=-1),
        st.integers(min_value=121, max_value=10**17),
        st.floats(allow_nan=False).filter(lambda x: not x.is_integer()),
        TEXT,
        st.booleans(),
    ),
    "claims_fear": st.one_of(st.integers(), TEXT, st.floats(allow_nan=False)),
    "person_id": st.one_of(
        st.sampled_from(["", " ", "\t", "a\x00b", "x" * (MAX_ID_LENGTH + 1)]),
        st.integers(),
    ),
}


@SETTINGS
@given(field=st.sampled_from(sorted(BAD_VALUES)), data=st.data())
def test_a_bad_value_in_a_json_case_is_named_by_its_field(field: str, data: st.DataObject) -> None:
    value = data.draw(BAD_VALUES[field])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = write_json(folder, "case.json", {**EXAMPLE, field: value})
        argv = ("determine", str(path), *data.draw(st.sampled_from([(), ("--json",)])))
        refused(folder, *argv, naming=(str(path), f"field {field}"))


@SETTINGS
@given(
    key=st.sampled_from(["demographic", "sector", "age", "claims_fear"]),
    constant=st.sampled_from(["NaN", "Infinity", "-Infinity", "1e400", "9" * 5000]),
)
def test_json_duplicate_keys_and_numbers_no_field_accepts_are_refused(
    key: str, constant: str
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        text = json.dumps(EXAMPLE)[:-1]
        dup = folder / "dup.json"
        dup.write_text(text + f', "{key}": {json.dumps(EXAMPLE[key])}}}')
        refused(folder, "determine", str(dup), naming=(f"field {key}", "more than once"))
        odd = folder / "odd.json"
        odd.write_text(
            json.dumps({**EXAMPLE, key: 0}).replace(f'"{key}": 0', f'"{key}": {constant}')
        )
        refused(folder, "determine", str(odd), naming=(f"field {key}",))


def _people(n: int) -> list[dict[str, Any]]:
    return [{**EXAMPLE, "person_id": f"P{i}"} for i in range(n)]


@SETTINGS
@given(n=st.integers(2, 6), data=st.data())
def test_records_that_cannot_be_one_person_or_one_family_are_refused(
    n: int, data: st.DataObject
) -> None:
    rows = _people(n)
    i, j = sorted(data.draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2, unique=True)))
    kind = data.draw(
        st.sampled_from(
            [
                "same person",
                "date",
                "sector",
                "port",
                "uac in family",
                "uac age",
                "sa age",
                "port sector",
            ]
        )
    )
    if kind == "same person":
        rows[j]["person_id"] = rows[i]["person_id"]
        field = "person_id"
    elif kind in ("date", "sector", "port", "uac in family"):
        for k in (i, j):
            rows[k] |= {"group_id": "F1", "demographic": "FMUA"}
        field = {"date": "encounter_date", "uac in family": "demographic"}.get(kind, kind)
        change = {
            "date": {"encounter_date": "2020-01-16"},
            "sector": {"sector": "RGV"},
            "port": {"port": "ELP"},
            "uac in family": {"demographic": "UAC", "age": 9},
        }[kind]
        rows[j] |= change
    elif kind == "uac age":
        rows[j] |= {"demographic": "UAC", "age": data.draw(st.integers(18, 120))}
        field = "age"
    elif kind == "sa age":
        rows[j] |= {"demographic": "SA", "age": data.draw(st.integers(0, 17))}
        field = "age"
    else:
        rows[j] |= {"port": data.draw(st.sampled_from(["SYS", "NOG", "LAR", "BRO"]))}
        field = "port"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = write_json(folder, "many.json", rows)
        out = folder / "out.csv"
        refused(
            folder, "determine", str(path), "--out", str(out), naming=(f"record {j + 1}", field)
        )


def _csv_text(rows: list[dict[str, Any]], quote_all: bool = False) -> tuple[str, list[int]]:
    """CSV text and the file line on which each row starts."""
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer,
        fieldnames=list(rows[0]),
        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
        lineterminator="\n",
    )
    writer.writeheader()
    starts = []
    for row in rows:
        starts.append(buffer.getvalue().count("\n") + 1)
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return buffer.getvalue(), starts


@SETTINGS
@given(n=st.integers(2, 8), data=st.data())
def test_csv_problems_name_the_file_line_even_after_multiline_fields(
    n: int, data: st.DataObject
) -> None:
    rows = _people(n)
    bad = data.draw(st.integers(0, n - 1))
    rows[bad]["sector"] = "NOPE"
    multiline = data.draw(st.lists(st.integers(0, n - 1), max_size=3, unique=True))
    for k in multiline:
        rows[k]["person_id"] = f"P{k}\nsecond line\nthird"
    text, starts = _csv_text(rows, quote_all=data.draw(st.booleans()))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "in.csv"
        path.write_text(text)
        expected = [f"line {starts[bad]}, column sector: 'NOPE'"]
        expected += [f"line {starts[k]}, column person_id" for k in multiline[:3]]
        refused(
            folder, "determine", str(path), "--out", str(folder / "o.csv"), naming=tuple(expected)
        )


@SETTINGS
@given(n=st.integers(2, 8), data=st.data())
def test_ragged_rows_and_an_unterminated_quote_name_their_line(n: int, data: st.DataObject) -> None:
    lines = _csv_text(_people(n))[0].splitlines()
    k = data.draw(st.integers(1, n))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ragged = folder / "ragged.csv"
        cut = data.draw(st.booleans())
        lines_r = list(lines)
        lines_r[k] = lines_r[k].rsplit(",", 1)[0] if cut else lines_r[k] + ",extra"
        ragged.write_text("\n".join(lines_r) + "\n")
        refused(folder, "determine", str(ragged), naming=(f"line {k + 1}:", "fields, expected"))
        open_quote = folder / "quote.csv"
        lines_q = list(lines)
        lines_q[k] = lines_q[k].replace("EPT", '"EPT', 1)
        open_quote.write_text("\n".join(lines_q) + "\n")
        refused(folder, "determine", str(open_quote), naming=(f"line {k + 1}:", "never closed"))


def test_an_all_quoted_csv_with_empty_cells_is_valid(tmp_path: Path) -> None:
    rows = [{**EXAMPLE, "person_id": f"P{i}", "port": None, "claims_fear": None} for i in range(3)]
    text, _ = _csv_text(rows, quote_all=True)
    assert '""' in text
    path = tmp_path / "quoted.csv"
    path.write_text(text)
    result = run("determine", str(path), "--out", str(tmp_path / "o.csv"))
    assert result.code == 0, result.err


def test_per_country_screening_columns_are_read_and_the_single_column_is_refused(
    tmp_path: Path,
) -> None:
    rows = [{**EXAMPLE, "person_id": "P0", "aca_fear_established_GT": "true"}]
    path = tmp_path / "fear.csv"
    path.write_text(_csv_text(rows)[0])
    out = tmp_path / "o.csv"
    assert run("determine", str(path), "--out", str(out)).code == 0
    # fear of Guatemala established: not transferred there (the JSON form gives the same)
    assert pl.read_csv(out).get_column("reason_ACA_GT").to_list() == ["aca.fear_established"]
    same = write_json(tmp_path, "fear.json", {**EXAMPLE, "aca_fear_established": {"GT": True}})
    answer = json.loads(run("determine", str(same), "--json").out)
    assert answer["amenable"]["ACA_GT"] is False
    single = tmp_path / "single.csv"
    single.write_text(_csv_text([{**EXAMPLE, "aca_fear_established": "true"}])[0])
    refused(tmp_path, "determine", str(single), naming=("aca_fear_established_GT",))


@SETTINGS
@given(column=st.sampled_from(["sector", "citizenship", "age", "encounter_date"]), data=st.data())
def test_a_bad_parquet_cell_is_named_by_its_row(column: str, data: st.DataObject) -> None:
    rows = _people(4)
    row = data.draw(st.integers(0, 3))
    rows[row][column] = "??"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "in.parquet"
        pl.DataFrame(rows).write_parquet(path)
        refused(folder, "determine", str(path), naming=(f"row {row + 1}, column {column}",))


@SETTINGS
@given(data=st.data())
def test_a_corrupted_parquet_file_is_refused_not_a_panic(data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        good = folder / "good.parquet"
        pl.DataFrame(_people(20)).write_parquet(good)
        raw = bytearray(good.read_bytes())
        start = data.draw(st.integers(4, len(raw) - 5))
        width = data.draw(st.integers(1, 64))
        raw[start : start + width] = data.draw(st.binary(min_size=width, max_size=width))
        bad = folder / "bad.parquet"
        bad.write_bytes(bytes(raw))
        result = run("determine", str(bad), "--out", str(folder / "o.csv"))
        # a flip in padding may leave a readable file; anything else is refused with exit 2
        assert result.code in (0, 2), result.err
        assert "Traceback" not in result.err and "unexpected" not in result.err


def test_bytes_that_are_not_utf8_name_their_line(tmp_path: Path) -> None:
    text, starts = _csv_text(_people(3))
    raw = text.encode().replace(b"P2", b"P\xff2")
    path = tmp_path / "latin1.csv"
    path.write_bytes(raw)
    refused(tmp_path, "determine", str(path), naming=(f"line {starts[2]}: not UTF-8",))
