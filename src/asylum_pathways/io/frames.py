"""A CSV or Parquet file's bytes as a frame of string columns, as the validation reads them:
in CSV an empty cell is missing; Parquet's booleans and dates become their text."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from asylum_pathways.errors import InputError

if TYPE_CHECKING:
    import polars as pl


def read_parquet(data: bytes, source: str) -> pl.DataFrame:
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


def blank_as_missing(frame: pl.DataFrame) -> pl.DataFrame:
    """In CSV an empty cell, quoted ("") or not, is a missing value."""
    import polars as pl

    return frame.with_columns(
        pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c)).alias(c) for c in frame.columns
    )


def as_strings(frame: pl.DataFrame) -> pl.DataFrame:
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
