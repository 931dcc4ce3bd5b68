"""How close the model is to the published figures: one table, read by the text and the chart.

Kinds (validation.csv `kind`): `validation` figures were not used to set any assumption,
so only they count in claims about fit; `calibration` figures were fitted to, and
`by_construction` figures are close because an assumption was set from them.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

KINDS = ("validation", "calibration", "by_construction")
KIND_LABELS = {
    "validation": "validation (not used to fit)",
    "calibration": "calibration (fitted to)",
    "by_construction": "close by construction",
}
CLOSE = 0.25  # within 25% of the published figure, or the figure inside the model's 5-95% band


def table(validation: pl.DataFrame) -> pl.DataFrame:
    """validation.csv with `ratio` (model mean / published) and `close` for every row."""
    v = validation.filter(pl.col("published").is_not_null() & pl.col("model_mean").is_not_null())
    inside = (pl.col("model_p5") <= pl.col("published")) & (
        pl.col("published") <= pl.col("model_p95")
    )
    near = (pl.col("published") != 0) & (
        ((pl.col("model_mean") - pl.col("published")).abs() / pl.col("published").abs()) <= CLOSE
    )
    return v.with_columns(
        pl.when(pl.col("published") != 0)
        .then(pl.col("model_mean") / pl.col("published"))
        .otherwise(None)
        .alias("ratio"),
        (inside.fill_null(False) | near.fill_null(False)).alias("close"),
    )


@dataclass(frozen=True)
class Fit:
    kind: str
    figures: int
    close: int
    misses: list[str]  # the largest misses, in words, largest first


def summary(fit_table: pl.DataFrame, kind: str, worst: int = 3) -> Fit:
    rows = fit_table.filter(pl.col("kind") == kind)
    missed = (
        rows.filter(~pl.col("close") & pl.col("ratio").is_not_null())
        .with_columns(pl.max_horizontal(pl.col("ratio"), 1 / pl.col("ratio")).alias("factor"))
        .sort("factor", descending=True)
        .head(worst)
    )
    words = [
        f"{r['quantity']}, {r['date']}: modelled {number(r['model_mean'])} against "
        f"{number(r['published'])} published ({times(r['ratio'])})"
        for r in missed.to_dicts()
    ]
    return Fit(kind, rows.height, int(rows["close"].sum()) if rows.height else 0, words)


def number(x: float) -> str:
    return f"{x:.2f}" if abs(x) < 2 else f"{x:,.0f}"


def times(ratio: float) -> str:
    if ratio >= 1:
        return f"{ratio:.1f}× the published figure"
    return f"{1 - ratio:.0%} below it"
