"""Encounter records as JSON: parsed strictly, then checked field by field for their JSON type.

A key given twice in one object, NaN or Infinity, a number too long for any field and an
unpaired surrogate are each reported with the record and field, never silently accepted
(the standard library keeps the last duplicate and turns NaN into a float).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from asylum_pathways.errors import InputError, Problem, shown
from asylum_pathways.io.findings import Findings, name_of
from asylum_pathways.records import FEAR_PREFIX, FIELD_BY_NAME, FIELDS

if TYPE_CHECKING:
    import polars as pl

MAX_DIGITS = 18  # a JSON integer longer than this is no count, age or rank


class _JsonObject(dict[str, Any]):
    """A JSON object that remembers the keys it was given more than once."""

    duplicates: list[str]

    @classmethod
    def from_pairs(cls, pairs: list[tuple[str, Any]]) -> _JsonObject:
        obj = cls()
        obj.duplicates = []
        for key, value in pairs:
            if key in obj:
                obj.duplicates.append(key)
            obj[key] = value
        return obj


@dataclass(frozen=True)
class _Invalid:
    """A JSON number no field accepts (NaN, Infinity, overflowing or 5,000-digit numbers)."""

    text: str

    def __repr__(self) -> str:
        return self.text


def _parse_int(text: str) -> int | _Invalid:
    digits = len(text.lstrip("-"))
    return int(text) if digits <= MAX_DIGITS else _Invalid(f"a {digits}-digit number")


def _parse_float(text: str) -> float | _Invalid:
    value = float(text)
    return value if math.isfinite(value) else _Invalid(text[:40])


def parse(data: bytes, source: str) -> Any:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(f"{source} line {line}: not UTF-8 text (byte {exc.start})") from None
    try:
        return json.loads(
            text,
            object_pairs_hook=_JsonObject.from_pairs,
            parse_int=_parse_int,
            parse_float=_parse_float,
            parse_constant=_Invalid,
        )
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{source} line {exc.lineno}: invalid JSON ({exc.msg})",
            [Problem((source, f"line {exc.lineno}"), f"invalid JSON ({exc.msg})")],
        ) from None
    except RecursionError:
        raise InputError(
            f"{source}: JSON nested too deeply (a record is an object of fields; "
            "aca_fear_established is the only nested object)"
        ) from None


def to_rows(data: Any, source: str) -> tuple[list[dict[str, str | None]], bool]:
    """One JSON object (a case) or a list of objects, as records of string cells, and
    whether it was a list; problems of JSON types are raised together."""
    if not isinstance(data, dict | list):
        raise InputError(
            f"{source}: expected an object of fields or a list of them, got {shown(data)}"
        )
    records = data if isinstance(data, list) else [data]
    rows: list[dict[str, str | None]] = []
    found = Findings()
    for i, record in enumerate(records, start=1):
        where = source if not isinstance(data, list) else f"{source} record {i}"
        loc: tuple[str | int, ...] = (source,) if not isinstance(data, list) else (source, i)
        if not isinstance(record, dict):
            found.add(
                where, loc, f"expected an object of fields, got {type(record).__name__}", None
            )
            continue
        for key in getattr(record, "duplicates", []):
            found.add(
                f"{where} field {name_of(key)}",
                (*loc, key),
                "given more than once in one record (each field may appear once)",
            )
        row: dict[str, str | None] = {}
        for key, value in record.items():
            if key == "aca_fear_established":
                row.update(_fear_object(value, where, loc, found))
                continue
            spec = FIELD_BY_NAME.get(key)
            if spec is None or key.startswith(FEAR_PREFIX):
                found.add(
                    f"{where} field {name_of(key)}",
                    (*loc, key),
                    f"unknown field (expected one of {', '.join(f.name for f in FIELDS)})",
                    key,
                )
                continue
            row[key] = _json_scalar(value, spec.kind, f"{where} field {key}", (*loc, key), found)
        rows.append(row)
    found.raise_any()
    return rows, isinstance(data, list)


def to_frame(rows: list[dict[str, str | None]]) -> pl.DataFrame:
    """Records of string cells as a frame of string columns (a field absent is null)."""
    import polars as pl

    columns = sorted({k for r in rows for k in r})
    return pl.DataFrame(
        {c: [r.get(c) for r in rows] for c in columns}, schema={c: pl.String for c in columns}
    )


def _fear_object(
    value: Any, where: str, loc: tuple[str | int, ...], found: Findings
) -> dict[str, str | None]:
    if value is None:
        return {}
    field = f"{where} field aca_fear_established"
    if not isinstance(value, dict):
        found.add(
            field,
            (*loc, "aca_fear_established"),
            f'expected an object such as {{"GT": false}}, got {shown(value)}',
            value,
        )
        return {}
    for key in getattr(value, "duplicates", []):
        found.add(
            f"{field}.{shown(key)}", (*loc, "aca_fear_established", key), "given more than once"
        )
    out = {}
    for cc, outcome in value.items():
        out[f"{FEAR_PREFIX}{cc}"] = _json_scalar(
            outcome, "bool", f"{field}.{shown(cc)}", (*loc, "aca_fear_established", cc), found
        )
    return out


def _json_scalar(
    value: Any, kind: str, where: str, loc: tuple[str | int, ...], found: Findings
) -> str | None:
    if value is None:
        return None
    if kind == "bool":
        if not isinstance(value, bool):
            found.add(where, loc, f"{shown(value)} is not true, false or null", value)
            return None
        return "true" if value else "false"
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            found.add(where, loc, f"{shown(value)} is not a whole number", value)
            return None
        return str(value)
    if not isinstance(value, str):
        found.add(where, loc, f"{shown(value)} is not a string", value)
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        found.add(
            where,
            loc,
            f"{shown(value)} has an unpaired surrogate at character {exc.start} "
            "(not valid Unicode text)",
            value,
        )
        return None
    return value
