"""Encounter records from JSON, CSV or Parquet, validated column by column.

Every problem names the file, the line (CSV: the file line; JSON: the record number) or
the field, the value, and what was expected. Nothing is dropped or defaulted silently:
a missing optional fact is *unknown*.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from asylum_pathways import codes
from asylum_pathways.errors import InputError
from asylum_pathways.params import ParameterTree
from asylum_pathways.params.model import EPOCH
from asylum_pathways.rules import tri
from asylum_pathways.rules.records import FIELD_BY_NAME, FIELDS, FLAG_FIELDS, Encounters

FEAR_PREFIX = "aca_fear_established_"
TRUE_WORDS = {"true", "1", "yes", "t", "y"}
FALSE_WORDS = {"false", "0", "no", "f", "n"}
MAX_SHOWN = 10


@dataclass
class EncounterTable:
    """Validated records: the engine's columns plus the identifiers and dates as given."""

    encounters: Encounters
    person_id: pl.Series
    encounter_date: pl.Series
    frame: pl.DataFrame  # the input as strings, for writing results beside it


def read_encounters(path: Path, tree: ParameterTree) -> EncounterTable:
    """Read a .json (one object or a list), .csv or .parquet file of encounter records."""
    suffix = path.suffix.lower()
    if not path.exists():
        raise InputError(f"{path}: no such file")
    try:
        if suffix == ".json":
            return from_json(json.loads(path.read_text(encoding="utf-8")), str(path), tree)
        if suffix == ".csv":
            frame = pl.read_csv(path, infer_schema=False)
            return from_frame(frame, str(path), tree, line_offset=2, line_word="line")
        if suffix in (".parquet", ".pq"):
            frame = pl.read_parquet(path)
            return from_frame(_as_strings(frame), str(path), tree, line_offset=1, line_word="row")
    except json.JSONDecodeError as exc:
        raise InputError(f"{path} line {exc.lineno}: invalid JSON ({exc.msg})") from None
    except (pl.exceptions.PolarsError, OSError, UnicodeDecodeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"{path}: cannot read file ({first})") from None
    raise InputError(f"{path}: unsupported file type {suffix!r} (expected .json, .csv or .parquet)")


def from_json(data: Any, source: str, tree: ParameterTree) -> EncounterTable:
    """One JSON object (a case) or a list of objects."""
    records = data if isinstance(data, list) else [data]
    rows: list[dict[str, Any]] = []
    problems: list[str] = []
    for i, record in enumerate(records, start=1):
        where = source if not isinstance(data, list) else f"{source} record {i}"
        if not isinstance(record, dict):
            problems.append(f"{where}: expected an object of fields, got {type(record).__name__}")
            continue
        row: dict[str, Any] = {}
        for key, value in record.items():
            if key == "aca_fear_established":
                row.update(_fear_object(value, where, tree, problems))
                continue
            spec = FIELD_BY_NAME.get(key)
            if spec is None:
                problems.append(
                    f"{where} field {key}: unknown field (expected one of "
                    f"{', '.join(f.name for f in FIELDS)})"
                )
                continue
            row[key] = _json_scalar(value, spec.kind, f"{where} field {key}", problems)
        rows.append(row)
    _raise(problems)
    columns = sorted({k for r in rows for k in r})
    frame = pl.DataFrame(
        {c: [r.get(c) for r in rows] for c in columns}, schema={c: pl.String for c in columns}
    )
    offset_word = "record" if isinstance(data, list) else None
    return from_frame(frame, source, tree, line_offset=1, line_word=offset_word)


def _fear_object(
    value: Any, where: str, tree: ParameterTree, problems: list[str]
) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(
            f'{where} field aca_fear_established: expected an object such as {{"GT": false}}, '
            f"got {value!r}"
        )
        return {}
    out = {}
    for cc, outcome in value.items():
        out[f"{FEAR_PREFIX}{cc}"] = _json_scalar(
            outcome, "bool", f"{where} field aca_fear_established.{cc}", problems
        )
    return out


def _json_scalar(value: Any, kind: str, where: str, problems: list[str]) -> str | None:
    if value is None:
        return None
    if kind == "bool":
        if not isinstance(value, bool):
            problems.append(f"{where}: {value!r} is not true, false or null")
            return None
        return "true" if value else "false"
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(f"{where}: {value!r} is not a whole number")
            return None
        return str(value)
    if not isinstance(value, str):
        problems.append(f"{where}: {value!r} is not a string")
        return None
    return value


def _as_strings(frame: pl.DataFrame) -> pl.DataFrame:
    casts = []
    for name, dtype in frame.schema.items():
        if dtype == pl.Boolean:
            casts.append(pl.col(name).cast(pl.String).str.to_lowercase())
        elif dtype == pl.Date:
            casts.append(pl.col(name).dt.strftime("%Y-%m-%d"))
        else:
            casts.append(pl.col(name).cast(pl.String))
    return frame.select(casts)


def from_frame(
    frame: pl.DataFrame,
    source: str,
    tree: ParameterTree,
    line_offset: int,
    line_word: str | None,
) -> EncounterTable:
    """Validate and encode a frame of string columns (one row per person)."""
    problems: list[str] = []
    fear_cols = [c for c in frame.columns if c.startswith(FEAR_PREFIX)]
    countries = set(tree.receiving_countries())
    for col in frame.columns:
        if col in FIELD_BY_NAME or col in fear_cols:
            continue
        problems.append(
            f"{source} column {col}: unknown column (expected {', '.join(f.name for f in FIELDS)} "
            f"or {FEAR_PREFIX}<CC>)"
        )
    for col in fear_cols:
        cc = col[len(FEAR_PREFIX) :]
        if cc not in countries:
            problems.append(
                f"{source} column {col}: {cc!r} is not an ACA receiving country "
                f"(expected one of {', '.join(sorted(countries))})"
            )
    for spec in FIELDS:
        if spec.required and spec.name not in frame.columns:
            problems.append(f"{source}: missing required field {spec.name} ({spec.doc})")
    _raise(problems)

    n = frame.height

    def where(row: int, col: str) -> str:
        if line_word is None:
            return f"{source} field {col}"
        return f"{source} {line_word} {row + line_offset}, column {col}"

    def column(name: str) -> pl.Series:
        if name in frame.columns:
            return frame.get_column(name)
        return pl.Series(name, [None] * n, dtype=pl.String)

    def required(name: str) -> pl.Series:
        col = column(name)
        for row in _first_rows(col.is_null()):
            problems.append(f"{where(row, name)}: required value is missing")
        return col

    def categorical(name: str, vocabulary: tuple[str, ...], expected: str) -> np.ndarray:
        col = column(name)
        lookup = pl.Series("v", list(vocabulary), dtype=pl.String)
        idx = col.replace_strict(
            lookup, pl.Series(range(len(vocabulary))), default=-1, return_dtype=pl.Int32
        )
        bad = (idx == -1) & col.is_not_null()
        for row in _first_rows(bad):
            problems.append(f"{where(row, name)}: {col[row]!r} is not {expected}")
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
            problems.append(f"{where(row, name)}: {column(name)[row]!r} is not true or false")
        return out

    person_id = required("person_id")
    dates_raw = required("encounter_date")
    dates = dates_raw.str.strip_chars().str.to_date("%Y-%m-%d", strict=False)
    for row in _first_rows(dates.is_null() & dates_raw.is_not_null()):
        problems.append(
            f"{where(row, 'encounter_date')}: {dates_raw[row]!r} is not a date (expected YYYY-MM-DD)"
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
    age = age_raw.str.strip_chars().cast(pl.Int32, strict=False)
    for row in _first_rows((age.is_null() & age_raw.is_not_null()) | (age < 0) | (age > 120)):
        problems.append(f"{where(row, 'age')}: {age_raw[row]!r} is not an age in years (0-120)")
    flags = {name: flag(name) for name in FLAG_FIELDS}
    aca_fear = {col[len(FEAR_PREFIX) :]: flag(col) for col in fear_cols}
    _raise(problems)

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
    return EncounterTable(enc, person_id, dates, frame)


def _first_rows(mask: pl.Series) -> list[int]:
    return mask.fill_null(False).arg_true().head(MAX_SHOWN).to_list()


def _raise(problems: list[str]) -> None:
    if problems:
        extra = (
            ""
            if len(problems) <= 3 * MAX_SHOWN
            else f"\n  ... and {len(problems) - 3 * MAX_SHOWN} more"
        )
        raise InputError(
            "invalid encounter records:\n  " + "\n  ".join(problems[: 3 * MAX_SHOWN]) + extra
        )


def parse_date(text: str, what: str) -> dt.date:
    """A YYYY-MM-DD date from the command line or a file, with a clear error."""
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError:
        raise InputError(f"{what}: {text!r} is not a date (expected YYYY-MM-DD)") from None


def day_numbers(day: dt.date, n: int) -> np.ndarray:
    return np.full(n, (day - EPOCH).days, dtype=np.int32)
