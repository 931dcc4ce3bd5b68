"""One record of string cells (a JSON case) validated and encoded cell by cell, without
Polars."""

from __future__ import annotations

import numpy as np

from asylum_pathways.io import cells
from asylum_pathways.io.columns import REQUIRED, check_columns, encode, parsers
from asylum_pathways.io.validated import EncounterTable, finish
from asylum_pathways.io.where import Where
from asylum_pathways.params import ParameterTree


def from_record(
    record: dict[str, str | None],
    source: str,
    tree: ParameterTree,
    line_word: str | None = None,
    answerable: bool = False,
) -> EncounterTable:
    """Validate and encode one record of string cells (a JSON case), cell by cell."""
    where = Where(source, line_word, 1)
    fear_cols = check_columns(list(record), tree, where)
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
    for name, (parse, missing) in parsers(tree, fear_cols).items():
        value = record.get(name)
        code, msg = (missing, None) if value is None else parse(value)
        if msg is not None:
            where.report(0, name, msg, value)
        coded[name] = np.array([code if msg is None else missing])
    where.found.raise_any()
    enc = encode(np.ones(1, dtype=np.int64), coded, fear_cols)
    group_id = [record.get("group_id")]
    in_group = np.array([group_id[0] is not None])
    finish(tree, enc, in_group, group_id, [record.get("port")], where, answerable)
    return EncounterTable(enc, np.array([record["person_id"]], dtype=object))
