"""A table of records (CSV, Parquet, a JSON list) as a frame of string columns, validated
and encoded column by column, each parser applied to a column's distinct values."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from asylum_pathways.errors import shown
from asylum_pathways.io import cells
from asylum_pathways.io.columns import REQUIRED, Parser, check_columns, encode, parsers
from asylum_pathways.io.findings import MAX_SHOWN
from asylum_pathways.io.validated import EncounterTable, finish
from asylum_pathways.io.where import Where
from asylum_pathways.params import ParameterTree
from asylum_pathways.records import MAX_ID_LENGTH

if TYPE_CHECKING:
    import polars as pl


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
    where = Where(source, line_word, line_offset, lines)
    fear_cols = check_columns(frame.columns, tree, where)
    n = frame.height

    def column(name: str) -> pl.Series:
        if name in frame.columns:
            return frame.get_column(name)
        return pl.Series(name, [None] * n, dtype=pl.String)

    for given in frame.columns:
        col = frame.get_column(given)
        for row in first_rows(col.str.contains(cells.CONTROL)):
            where.report(row, given, str(cells.control(col[row])), col[row])
    for name in REQUIRED:
        for row in first_rows(column(name).is_null()):
            where.report(row, name, "required value is missing")
    for key in ("person_id", "group_id"):
        ident = column(key)
        maybe = (ident.str.strip_chars() == "") | (ident.str.len_chars() > MAX_ID_LENGTH)
        for row in first_rows(maybe):
            if (msg := cells.identifier(ident[row])) is not None:
                where.report(row, key, msg, ident[row])
    coded = {
        name: parse_column(column(name), name, parse, missing, where)
        for name, (parse, missing) in parsers(tree, fear_cols).items()
    }
    person_id = column("person_id")
    for row in first_rows(person_id.is_duplicated()):
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
    enc = encode(group, coded, fear_cols)
    in_group = group_id.is_not_null().to_numpy()
    finish(tree, enc, in_group, group_id, column("port"), where, answerable)
    return EncounterTable(enc, person_id.to_numpy().astype(object))


def parse_column(
    col: pl.Series, name: str, parse: Parser, missing: int, where: Where
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
        for row in first_rows(col.is_in(list(bad))):
            where.report(row, name, bad[col[row]], col[row])
    if not good:
        return np.full(col.len(), missing, dtype=np.int64)
    coded = col.replace_strict(
        list(good), list(good.values()), default=missing, return_dtype=pl.Int64
    )
    return coded.fill_null(missing).to_numpy()


def first_rows(mask: pl.Series) -> list[int]:
    """The first rows (as many as are shown) where `mask` holds."""
    return mask.fill_null(False).arg_true().head(MAX_SHOWN).to_list()
