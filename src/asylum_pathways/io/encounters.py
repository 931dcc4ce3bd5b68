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
from pathlib import Path
from typing import Any

import numpy as np

from asylum_pathways.dates import EPOCH
from asylum_pathways.errors import InputError, Problem, UsageError, shown
from asylum_pathways.io import cells, csvlines, jsonrecords
from asylum_pathways.io.files import read_bytes
from asylum_pathways.io.frames import as_strings, blank_as_missing, read_parquet
from asylum_pathways.io.one_record import from_record
from asylum_pathways.io.table import from_frame
from asylum_pathways.io.validated import EncounterTable
from asylum_pathways.params import ParameterTree

__all__ = [
    "SUFFIXES",
    "EncounterTable",
    "day_numbers",
    "from_frame",
    "from_json",
    "from_record",
    "parse_date",
    "read_encounters",
]

SUFFIXES = (".json", ".csv", ".parquet", ".pq")


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
                blank_as_missing(frame),
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
                as_strings(read_parquet(data, source)),
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
