"""The columns of validation.csv and their types: the model against each published figure.

On the ground floor because the simulation writes the file and the report, which reads only
a results folder, reads it back: one schema serves both, so a horizon that speaks to no
figure still writes the header and the report still knows each column's type."""

from __future__ import annotations

import polars as pl

COLUMNS: dict[str, type[pl.DataType]] = {
    "id": pl.String,
    "date": pl.Date,
    "quantity": pl.String,
    "published": pl.Float64,
    "model_mean": pl.Float64,
    "model_p5": pl.Float64,
    "model_p95": pl.Float64,
    "relative_error": pl.Float64,
    "within_interval": pl.Boolean,
    "kind": pl.String,
    "scenario": pl.String,
    "source": pl.String,
    "note": pl.String,
    "relation": pl.String,
    "agrees": pl.Boolean,
}
