"""Encounter records from JSON, CSV or Parquet, validated column by column.

Every problem names the file, the line (CSV: the file line; JSON: the record number; Parquet:
the row) or the field, the value, and what was expected. Nothing is dropped or defaulted
silently: a missing optional fact is *unknown*. Records that cannot be one person or one
family (`io.families`) and days the parameter tree does not answer for are refused too.

What a cell may hold is defined once, in `io.cells`. One JSON case is read cell by cell
(`from_record`), without Polars; a table (CSV, Parquet, a JSON list) column by column
(`from_frame`), each parser applied to a column's distinct values.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from asylum_pathways import codes, tri
from asylum_pathways.dates import EPOCH, from_day_number
from asylum_pathways.errors import InputError, Problem, UsageError, shown
from asylum_pathways.io import cells, csvlines, families, jsonrecords
from asylum_pathways.io.files import read_bytes
from asylum_pathways.io.findings import MAX_SHOWN, Findings, name_of
from asylum_pathways.params import ParameterTree
from asylum_pathways.params import coverage as tree_coverage
from asylum_pathways.records import (
    FEAR_PREFIX,
    FIELD_BY_NAME,
    FIELDS,
    FLAG_FIELDS,
    MAX_ID_LENGTH,
    Encounters,
)

if TYPE_CHECKING:
    import polars as pl

SUFFIXES = (".json", ".csv", ".parquet", ".pq")
REQUIRED = tuple(f.name for f in FIELDS if f.required)
Parser = Callable[[str], cells.Parsed]


@dataclass
class EncounterTable:
    """Validated records: the engine's columns and each person's identifier as given."""

    encounters: Encounters
    person_id: np.ndarray  # str objects


def read_encounters(path: Path, tree: ParameterTree) -> EncounterTable:
    """Read a .json (one object or a list), .csv or .parquet file of encounter records.

    Only a regular file is read; the records must fall on days the tree answers for."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(
            f"{path}: unsupported file type {suffix!r} (expected .json, .csv or .parquet)"
        )
    data = read_bytes(path, "input file")
    source = str(path)
    if suffix == ".json":
        table = from_json(jsonrecords.parse(data, source), source, tree, answerable=True)
    else:
        table = _read_table(data, source, suffix, tree)
    if table.encounters.n == 0:
        raise InputError(f"{path}: no encounter records")
    return table


def _read_table(data: bytes, source: str, suffix: str, tree: ParameterTree) -> EncounterTable:
    import polars as pl

    try:
        if suffix == ".csv":
            shape = csvlines.layout(data, source)
            frame = pl.read_csv(io.BytesIO(shape.data), infer_schema=False)
            table = from_frame(
                _blank_as_missing(frame),
                source,
                tree,
                line_offset=2,
                line_word="line",
                lines=shape.lines,
                skip=shape.blank,
                answerable=True,
            )
        else:
            table = from_frame(
                _as_strings(_read_parquet(data, source)),
                source,
                tree,
                line_offset=1,
                line_word="row",
                answerable=True,
            )
    except (pl.exceptions.PolarsError, OSError, UnicodeDecodeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"{source}: cannot read file ({first})") from None
    return table


def _read_parquet(data: bytes, source: str) -> pl.DataFrame:
    """A Parquet file; a corrupted one is refused (Polars panics on some: caught here)."""
    import polars as pl

    if len(data) < 12 or data[:4] != b"PAR1" or data[-4:] != b"PAR1":
        raise InputError(f"{source}: not a Parquet file (no PAR1 magic at its start and end)")
    try:
        return pl.read_parquet(io.BytesIO(data))
    except pl.exceptions.PolarsError:
        raise
    except BaseException as exc:
        if type(exc).__name__ != "PanicException":
            raise
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "corrupted"
        raise InputError(f"{source}: cannot read file (corrupted Parquet: {first[:200]})") from None


def _blank_as_missing(frame: pl.DataFrame) -> pl.DataFrame:
    """In CSV an empty cell, quoted ("") or not, is a missing value."""
    import polars as pl

    return frame.with_columns(
        pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c)).alias(c) for c in frame.columns
    )


def from_json(
    data: Any, source: str, tree: ParameterTree, answerable: bool = False
) -> EncounterTable:
    """One JSON object (a case) or a list of objects, as parsed by `jsonrecords.parse`; one
    record is read cell by cell, more as a table."""
    rows, many = jsonrecords.to_rows(data, source)
    if len(rows) == 1:
        return from_record(rows[0], source, tree, "record" if many else None, answerable)
    frame = jsonrecords.to_frame(rows)
    return from_frame(
        frame,
        source,
        tree,
        line_offset=1,
        line_word="record" if many else None,
        answerable=answerable,
    )


def _as_strings(frame: pl.DataFrame) -> pl.DataFrame:
    import polars as pl

    casts = []
    for name, dtype in frame.schema.items():
        if dtype == pl.Boolean:
            casts.append(pl.col(name).cast(pl.String).str.to_lowercase())
        elif dtype == pl.Date:
            casts.append(pl.col(name).dt.strftime("%Y-%m-%d"))
        elif dtype.is_nested() or dtype == pl.Binary or dtype == pl.Object:
            raise InputError(
                f"column {name}: a {dtype} column (expected text, numbers, booleans or dates)"
            )
        else:
            casts.append(pl.col(name).cast(pl.String))
    return frame.select(casts)


# -- Validation ------------------------------------------------------------------------


class _Where:
    """Where a cell is (the file, and the line, record or row of each row), and the findings
    it is reported to."""

    def __init__(
        self,
        source: str,
        line_word: str | None,
        line_offset: int,
        lines: np.ndarray | None = None,
    ) -> None:
        self.source, self.line_word, self.line_offset, self.lines = (
            source,
            line_word,
            line_offset,
            lines,
        )
        self.found = Findings()

    def __call__(self, row: int, col: str) -> tuple[str, tuple[str | int, ...]]:
        if self.line_word is None:
            return f"{self.source} field {col}", (self.source, col)
        number = int(self.lines[row]) if self.lines is not None else row + self.line_offset
        return f"{self.source} {self.line_word} {number}, column {col}", (
            self.source,
            f"{self.line_word} {number}",
            col,
        )

    def report(self, row: int, col: str, msg: str, value: Any = None) -> None:
        text, loc = self(row, col)
        self.found.add(text, loc, msg, value)


def _check_columns(columns: Sequence[str], tree: ParameterTree, where: _Where) -> list[str]:
    """Unknown, misplaced and missing required columns (fields); the screening-outcome
    columns given."""
    source, found = where.source, where.found
    fear_cols = [c for c in columns if c.startswith(FEAR_PREFIX)]
    countries = set(tree.receiving_countries())
    expected_fear = ", ".join(FEAR_PREFIX + c for c in sorted(countries))
    for col in columns:
        spec = FIELD_BY_NAME.get(col)
        if spec is not None and spec.kind == "fear_map":
            found.add(
                f"{source} column {col}",
                (source, col),
                f"in CSV and Parquet the screening outcomes are one column per receiving "
                f"country ({expected_fear}); a single {col} column would not be read",
            )
        elif spec is None and col not in fear_cols:
            found.add(
                f"{source} column {name_of(col)}",
                (source, col),
                f"unknown column (expected {', '.join(f.name for f in FIELDS)} or "
                f"{FEAR_PREFIX}<CC>)",
                col,
            )
    for col in fear_cols:
        cc = col[len(FEAR_PREFIX) :]
        if cc not in countries:
            found.add(
                f"{source} column {name_of(col)}",
                (source, col),
                f"{cc!r} is not an ACA receiving country (expected one of {expected_fear})",
                col,
            )
    for name in REQUIRED:
        if name not in columns:
            spec = FIELD_BY_NAME[name]
            found.add(source, (source, name), f"missing required field {name} ({spec.doc})")
    found.raise_any()
    return fear_cols


def _parsers(tree: ParameterTree, fear_cols: Sequence[str]) -> dict[str, tuple[Parser, int]]:
    """Each coded field's parser and its code for a missing value, in the order checked."""

    def vocabulary(words: tuple[str, ...], expected: str) -> Parser:
        return lambda text: cells.categorical(text, words, expected)

    countries = codes.countries()
    return {
        "encounter_date": (cells.date, -1),
        "sector": (
            vocabulary(codes.SECTORS, f"a USBP sector code ({', '.join(codes.SECTORS)})"),
            -1,
        ),
        "port": (vocabulary(tree.ports, f"a port code ({', '.join(tree.ports)})"), -1),
        "citizenship": (
            vocabulary(countries, "an ISO 3166 alpha-2 code (expected e.g. GT; XX = stateless)"),
            -1,
        ),
        "habitual_residence": (
            vocabulary(countries, "an ISO 3166 alpha-2 code (expected e.g. GT)"),
            -1,
        ),
        "demographic": (
            vocabulary(codes.DEMOGRAPHICS, f"a demographic ({', '.join(codes.DEMOGRAPHICS)})"),
            -1,
        ),
        "language": (
            vocabulary(codes.languages(), "an ISO 639-1 code (expected e.g. es)"),
            -1,
        ),
        "age": (cells.age, -1),
        **{name: (cells.flag, int(tri.U)) for name in (*FLAG_FIELDS, *fear_cols)},
    }


def _encounters(
    group: np.ndarray, coded: dict[str, np.ndarray], fear_cols: Sequence[str]
) -> Encounters:
    return Encounters(
        group=group,
        arrival=coded["encounter_date"].astype(np.int32),
        sector=coded["sector"].astype(np.int8),
        port=coded["port"].astype(np.int16),
        citizenship=coded["citizenship"].astype(np.int16),
        habitual_residence=coded["habitual_residence"].astype(np.int16),
        demographic=coded["demographic"].astype(np.int8),
        age=coded["age"].astype(np.int16),
        language=coded["language"].astype(np.int16),
        flags={name: coded[name].astype(np.int8) for name in FLAG_FIELDS},
        aca_fear={col[len(FEAR_PREFIX) :]: coded[col].astype(np.int8) for col in fear_cols},
    )


def _finish(
    tree: ParameterTree,
    enc: Encounters,
    in_group: np.ndarray,
    group_id: families.Cells,
    port: families.Cells,
    where: _Where,
    answerable: bool,
) -> None:
    """The checks of whole records: one person, one family, a day the tree answers for."""
    families.check(tree, enc, in_group, group_id, port, where.report)
    if answerable:
        _check_answerable(tree, enc.arrival, where.report)
    where.found.raise_any()


def from_record(
    record: dict[str, str | None],
    source: str,
    tree: ParameterTree,
    line_word: str | None = None,
    answerable: bool = False,
) -> EncounterTable:
    """Validate and encode one record of string cells (a JSON case), cell by cell."""
    where = _Where(source, line_word, 1)
    fear_cols = _check_columns(list(record), tree, where)
    for key, value in record.items():
        if value is not None and (msg := cells.control(value)) is not None:
            where.report(0, key, msg, value)
    for name in REQUIRED:
        if record.get(name) is None:
            where.report(0, name, "required value is missing")
    for key in ("person_id", "group_id"):
        value = record.get(key)
        if value is not None and (msg := cells.identifier(value)) is not None:
            where.report(0, key, msg, value)
    coded: dict[str, np.ndarray] = {}
    for name, (parse, missing) in _parsers(tree, fear_cols).items():
        value = record.get(name)
        code, msg = (missing, None) if value is None else parse(value)
        if msg is not None:
            where.report(0, name, msg, value)
        coded[name] = np.array([code if msg is None else missing])
    where.found.raise_any()
    enc = _encounters(np.ones(1, dtype=np.int64), coded, fear_cols)
    group_id = [record.get("group_id")]
    in_group = np.array([group_id[0] is not None])
    _finish(tree, enc, in_group, group_id, [record.get("port")], where, answerable)
    return EncounterTable(enc, np.array([record["person_id"]], dtype=object))


def from_frame(
    frame: pl.DataFrame,
    source: str,
    tree: ParameterTree,
    line_offset: int,
    line_word: str | None,
    lines: np.ndarray | None = None,
    skip: np.ndarray | None = None,
    answerable: bool = False,
) -> EncounterTable:
    """Validate and encode a frame of string columns (one row per person).

    `lines` gives the file line of each row (CSV), `skip` rows to leave out (blank lines);
    with `answerable`, every encounter date must be a day the tree answers for."""
    import polars as pl

    if skip is not None and skip.shape[0] == frame.height and skip.any():
        frame = frame.filter(pl.Series(~skip))
        lines = None if lines is None else lines[~skip]
    if lines is not None and lines.shape[0] != frame.height:
        lines = None
    where = _Where(source, line_word, line_offset, lines)
    fear_cols = _check_columns(frame.columns, tree, where)
    n = frame.height

    def column(name: str) -> pl.Series:
        if name in frame.columns:
            return frame.get_column(name)
        return pl.Series(name, [None] * n, dtype=pl.String)

    for given in frame.columns:
        col = frame.get_column(given)
        for row in _first_rows(col.str.contains(cells.CONTROL)):
            where.report(row, given, str(cells.control(col[row])), col[row])
    for name in REQUIRED:
        for row in _first_rows(column(name).is_null()):
            where.report(row, name, "required value is missing")
    for key in ("person_id", "group_id"):
        ident = column(key)
        maybe = (ident.str.strip_chars() == "") | (ident.str.len_chars() > MAX_ID_LENGTH)
        for row in _first_rows(maybe):
            if (msg := cells.identifier(ident[row])) is not None:
                where.report(row, key, msg, ident[row])
    coded = {
        name: _parse_column(column(name), name, parse, missing, where)
        for name, (parse, missing) in _parsers(tree, fear_cols).items()
    }
    person_id = column("person_id")
    for row in _first_rows(person_id.is_duplicated()):
        first = person_id.to_list().index(person_id[row])
        if first != row:
            first_where = where(first, "person_id")[1][1]
            where.report(
                row,
                "person_id",
                f"{shown(person_id[row])} is also the person of {first_where}; each person is "
                "one record (members of a family share a group_id, not a person_id)",
                person_id[row],
            )
    where.found.raise_any()

    group_id = column("group_id")
    ids = pl.DataFrame({"g": group_id, "p": person_id.cast(pl.String)})
    group_key = ids.select(
        pl.when(pl.col("g").is_null()).then(pl.lit("\x00") + pl.col("p")).otherwise(pl.col("g"))
    ).to_series()
    group = group_key.rank("dense").to_numpy().astype(np.int64)
    enc = _encounters(group, coded, fear_cols)
    in_group = group_id.is_not_null().to_numpy()
    _finish(tree, enc, in_group, group_id, column("port"), where, answerable)
    return EncounterTable(enc, person_id.to_numpy().astype(object))


def _parse_column(
    col: pl.Series, name: str, parse: Parser, missing: int, where: _Where
) -> np.ndarray:
    """The codes of a column: `parse` applied to each distinct value, then gathered."""
    import polars as pl

    good: dict[str, int] = {}
    bad: dict[str, str] = {}
    for value in col.drop_nulls().unique().to_list():
        code, msg = parse(value)
        if msg is None:
            good[value] = code
        else:
            bad[value] = msg
    if bad:
        for row in _first_rows(col.is_in(list(bad))):
            where.report(row, name, bad[col[row]], col[row])
    if not good:
        return np.full(col.len(), missing, dtype=np.int64)
    coded = col.replace_strict(
        list(good), list(good.values()), default=missing, return_dtype=pl.Int64
    )
    return coded.fill_null(missing).to_numpy()


def _check_answerable(
    tree: ParameterTree, arrival: np.ndarray, report: Callable[..., None]
) -> None:
    bad = tree_coverage.outside(tree, arrival)
    if bad.any():
        span = tree_coverage.describe(tree)
        for row in np.flatnonzero(bad)[:MAX_SHOWN]:
            day = from_day_number(int(arrival[row])).isoformat()
            report(int(row), "encounter_date", f"{day} is outside the range; {span}", day)


def _first_rows(mask: pl.Series) -> list[int]:
    return mask.fill_null(False).arg_true().head(MAX_SHOWN).to_list()


def parse_date(text: str, what: str) -> dt.date:
    """A YYYY-MM-DD date from the command line or a file, with a clear error."""
    value = str(text).strip()
    try:
        if not cells.DATE.fullmatch(value):
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        msg = f"{shown(text)} is not a date (expected YYYY-MM-DD)"
        raise UsageError(f"{what}: {msg}", [Problem((what,), msg, str(text))]) from None


def day_numbers(day: dt.date, n: int) -> np.ndarray:
    return np.full(n, (day - EPOCH).days, dtype=np.int32)
