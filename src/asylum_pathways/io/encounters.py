"""Encounter records from JSON, CSV or Parquet, validated column by column.

Every problem names the file, the line (CSV: the file line; JSON: the record number; Parquet:
the row) or the field, the value, and what was expected. Nothing is dropped or defaulted
silently: a missing optional fact is *unknown*. Records that cannot be one person or one
family (`io.families`) and days the parameter tree does not answer for are refused too.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from asylum_pathways import codes
from asylum_pathways.errors import InputError, Problem, UsageError, shown
from asylum_pathways.io import csvlines, families, jsonrecords
from asylum_pathways.io.files import read_bytes
from asylum_pathways.io.findings import MAX_SHOWN, Findings, name_of
from asylum_pathways.params import ParameterTree
from asylum_pathways.params import coverage as tree_coverage
from asylum_pathways.params.model import EPOCH, from_day_number
from asylum_pathways.rules import tri
from asylum_pathways.rules.records import (
    FEAR_PREFIX,
    FIELD_BY_NAME,
    FIELDS,
    FLAG_FIELDS,
    MAX_ID_LENGTH,
    Encounters,
)

TRUE_WORDS = {"true", "1", "yes", "t", "y"}
FALSE_WORDS = {"false", "0", "no", "f", "n"}
SUFFIXES = (".json", ".csv", ".parquet", ".pq")
CONTROL = r"[\x00-\x1f\x7f]"
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass
class EncounterTable:
    """Validated records: the engine's columns plus the identifiers and dates as given."""

    encounters: Encounters
    person_id: pl.Series
    encounter_date: pl.Series
    frame: pl.DataFrame  # the input as strings, for writing results beside it


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
    try:
        if suffix == ".json":
            table = from_json(jsonrecords.parse(data, source), source, tree, answerable=True)
        elif suffix == ".csv":
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
        raise InputError(f"{path}: cannot read file ({first})") from None
    if table.encounters.n == 0:
        raise InputError(f"{path}: no encounter records")
    return table


def _read_parquet(data: bytes, source: str) -> pl.DataFrame:
    """A Parquet file; a corrupted one is refused (Polars panics on some: caught here)."""
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
    return frame.with_columns(
        pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c)).alias(c) for c in frame.columns
    )


def from_json(
    data: Any, source: str, tree: ParameterTree, answerable: bool = False
) -> EncounterTable:
    """One JSON object (a case) or a list of objects, as parsed by `jsonrecords.parse`."""
    frame, many = jsonrecords.to_frame(data, source)
    return from_frame(
        frame,
        source,
        tree,
        line_offset=1,
        line_word="record" if many else None,
        answerable=answerable,
    )


def _as_strings(frame: pl.DataFrame) -> pl.DataFrame:
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


# -- Validation of a frame of strings -----------------------------------------------------


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
    if skip is not None and skip.shape[0] == frame.height and skip.any():
        frame = frame.filter(pl.Series(~skip))
        lines = None if lines is None else lines[~skip]
    if lines is not None and lines.shape[0] != frame.height:
        lines = None
    found = Findings()
    fear_cols = [c for c in frame.columns if c.startswith(FEAR_PREFIX)]
    countries = set(tree.receiving_countries())
    expected_fear = ", ".join(FEAR_PREFIX + c for c in sorted(countries))
    for col in frame.columns:
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
    for spec in FIELDS:
        if spec.required and spec.name not in frame.columns:
            found.add(
                source, (source, spec.name), f"missing required field {spec.name} ({spec.doc})"
            )
    found.raise_any()

    n = frame.height

    def where(row: int, col: str) -> tuple[str, tuple[str | int, ...]]:
        if line_word is None:
            return f"{source} field {col}", (source, col)
        number = int(lines[row]) if lines is not None else row + line_offset
        return f"{source} {line_word} {number}, column {col}", (
            source,
            f"{line_word} {number}",
            col,
        )

    def report(row: int, col: str, msg: str, value: Any = None) -> None:
        text, loc = where(row, col)
        found.add(text, loc, msg, value)

    def column(name: str) -> pl.Series:
        if name in frame.columns:
            return frame.get_column(name)
        return pl.Series(name, [None] * n, dtype=pl.String)

    for given in frame.columns:
        cells = frame.get_column(given)
        for row in _first_rows(cells.str.contains(CONTROL)):
            report(row, given, f"{shown(cells[row])} contains a control character", cells[row])

    def required(name: str) -> pl.Series:
        col = column(name)
        for row in _first_rows(col.is_null()):
            report(row, name, "required value is missing")
        return col

    def categorical(name: str, vocabulary: tuple[str, ...], expected: str) -> np.ndarray:
        col = column(name)
        lookup = pl.Series("v", list(vocabulary), dtype=pl.String)
        idx = col.replace_strict(
            lookup, pl.Series(range(len(vocabulary))), default=-1, return_dtype=pl.Int32
        )
        bad = (idx == -1) & col.is_not_null()
        for row in _first_rows(bad):
            report(row, name, f"{shown(col[row])} is not {expected}", col[row])
        return idx.to_numpy().astype(np.int16)

    def flag(name: str) -> np.ndarray:
        col = column(name).str.strip_chars().str.to_lowercase()
        out = np.full(n, tri.U, dtype=np.int8)
        is_true = col.is_in(list(TRUE_WORDS)).fill_null(False).to_numpy()
        is_false = col.is_in(list(FALSE_WORDS)).fill_null(False).to_numpy()
        out[is_true] = tri.T
        out[is_false] = tri.F
        bad = col.is_not_null() & ~pl.Series(is_true | is_false) & (col != "")
        for row in _first_rows(bad):
            value = column(name)[row]
            report(row, name, f"{shown(value)} is not true or false", value)
        return out

    person_id = required("person_id")
    for key in ("person_id", "group_id"):
        ident = column(key)
        for row in _first_rows(ident.str.strip_chars() == ""):
            report(row, key, f"{shown(ident[row])} is blank (expected an identifier)", ident[row])
        for row in _first_rows(ident.str.len_chars() > MAX_ID_LENGTH):
            size = ident.str.len_chars()[row]
            report(row, key, f"{size:,} characters (expected at most {MAX_ID_LENGTH})", ident[row])
    dates_raw = required("encounter_date")
    stripped = dates_raw.str.strip_chars()
    well_formed = stripped.str.contains(r"^\d{4}-\d{2}-\d{2}$")
    dates = pl.select(
        pl.when(well_formed).then(stripped).otherwise(None).str.to_date("%Y-%m-%d", strict=False)
    ).to_series()
    for row in _first_rows(dates.is_null() & dates_raw.is_not_null()):
        report(
            row,
            "encounter_date",
            f"{shown(dates_raw[row])} is not a date (expected YYYY-MM-DD)",
            dates_raw[row],
        )
    for name in ("sector", "citizenship", "demographic"):
        required(name)
    sector = categorical(
        "sector", codes.SECTORS, f"a USBP sector code ({', '.join(codes.SECTORS)})"
    )
    port = categorical("port", tree.ports, f"a port code ({', '.join(tree.ports)})")
    citizenship = categorical(
        "citizenship",
        codes.countries(),
        "an ISO 3166 alpha-2 code (expected e.g. GT; XX = stateless)",
    )
    residence = categorical(
        "habitual_residence", codes.countries(), "an ISO 3166 alpha-2 code (expected e.g. GT)"
    )
    demographic = categorical(
        "demographic", codes.DEMOGRAPHICS, f"a demographic ({', '.join(codes.DEMOGRAPHICS)})"
    )
    language = categorical("language", codes.languages(), "an ISO 639-1 code (expected e.g. es)")
    age_raw = column("age")
    age_text = age_raw.str.strip_chars()
    age = (
        pl.select(
            pl.when(age_text.str.contains(r"^\d{1,3}(\.0+)?$"))
            .then(age_text.str.replace(r"\.0+$", ""))
            .otherwise(None)
        )
        .to_series()
        .cast(pl.Int32, strict=False)
    )
    for row in _first_rows((age.is_null() & age_raw.is_not_null()) | (age > 120)):
        report(row, "age", f"{shown(age_raw[row])} is not an age in years (0-120)", age_raw[row])
    flags = {name: flag(name) for name in FLAG_FIELDS}
    aca_fear = {col[len(FEAR_PREFIX) :]: flag(col) for col in fear_cols}
    for row in _first_rows(person_id.is_duplicated()):
        first = person_id.to_list().index(person_id[row])
        if first != row:
            first_where = where(first, "person_id")[1][1]
            report(
                row,
                "person_id",
                f"{shown(person_id[row])} is also the person of {first_where}; each person is "
                "one record (members of a family share a group_id, not a person_id)",
                person_id[row],
            )
    found.raise_any()

    ids = pl.DataFrame({"g": column("group_id"), "p": person_id.cast(pl.String)})
    group_key = ids.select(
        pl.when(pl.col("g").is_null()).then(pl.lit("\x00") + pl.col("p")).otherwise(pl.col("g"))
    ).to_series()
    group = group_key.rank("dense").to_numpy().astype(np.int64)
    arrival = (dates.to_numpy().astype("datetime64[D]").astype(np.int64)).astype(np.int32)
    enc = Encounters(
        group=group,
        arrival=arrival,
        sector=sector.astype(np.int8),
        port=port,
        citizenship=citizenship,
        habitual_residence=residence,
        demographic=demographic.astype(np.int8),
        age=age.fill_null(-1).to_numpy().astype(np.int16),
        language=language,
        flags=flags,
        aca_fear=aca_fear,
    )
    raw = {"group_id": column("group_id"), "encounter_date": dates_raw, "port": column("port")}
    families.check(tree, enc, column("group_id"), raw, report)
    if answerable:
        _check_answerable(tree, enc.arrival, report)
    found.raise_any()
    return EncounterTable(enc, person_id, dates, frame)


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
        if not DATE.fullmatch(value):
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        msg = f"{shown(text)} is not a date (expected YYYY-MM-DD)"
        raise UsageError(f"{what}: {msg}", [Problem((what,), msg, str(text))]) from None


def day_numbers(day: dt.date, n: int) -> np.ndarray:
    return np.full(n, (day - EPOCH).days, dtype=np.int32)
