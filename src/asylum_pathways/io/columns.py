"""The columns of encounter records: which are known, misplaced or missing, each coded
field's parser (what a cell may hold is defined in `io.cells`), and the coded columns as the
engine's `Encounters`."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from asylum_pathways import codes, tri
from asylum_pathways.io import cells
from asylum_pathways.io.findings import name_of
from asylum_pathways.io.where import Where
from asylum_pathways.params import ParameterTree
from asylum_pathways.records import FEAR_PREFIX, FIELD_BY_NAME, FIELDS, FLAG_FIELDS, Encounters

REQUIRED = tuple(f.name for f in FIELDS if f.required)
Parser = Callable[[str], cells.Parsed]


def check_columns(columns: Sequence[str], tree: ParameterTree, where: Where) -> list[str]:
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


def parsers(tree: ParameterTree, fear_cols: Sequence[str]) -> dict[str, tuple[Parser, int]]:
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


def encode(group: np.ndarray, coded: dict[str, np.ndarray], fear_cols: Sequence[str]) -> Encounters:
    """The coded columns as the engine's `Encounters` (`group`: each person's family number)."""
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
