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
#: How a published bound is written before its number (validation.csv `relation`).
BOUND_SIGN = {"at_least": "≥ ", "at_most": "≤ "}
CLOSE = 0.25  # within 25% of the published figure, or the figure inside the model's 5-95% band
# (for a published bound, the band reaching it: validation.csv `agrees`)


def table(validation: pl.DataFrame) -> pl.DataFrame:
    """validation.csv with `ratio` (model mean / published) and `close` for every row (a row
    without both a published and a modelled figure is not close and is not counted)."""
    v = validation
    inside = (pl.col("model_p5") <= pl.col("published")) & (
        pl.col("published") <= pl.col("model_p95")
    )
    if "agrees" in v.columns:  # a bound ("at least 16") agrees when the band reaches it
        inside = pl.col("agrees")
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
    """Counts for one kind, and its `worst` quantities' misses in words, largest first
    (a quantity missed at several dates is one entry giving the range of the misses)."""
    rows = fit_table.filter(
        (pl.col("kind") == kind)
        & pl.col("published").is_not_null()
        & pl.col("model_mean").is_not_null()
    )
    missed = rows.filter(~pl.col("close") & pl.col("ratio").is_not_null()).with_columns(
        pl.max_horizontal(pl.col("ratio"), 1 / pl.col("ratio")).alias("factor")
    )
    per_quantity = (
        missed.group_by("quantity")
        .agg(
            pl.col("factor").max().alias("worst"),
            pl.len().alias("missed"),
            pl.col("ratio").min().alias("low"),
            pl.col("ratio").max().alias("high"),
            pl.col("date").min().alias("first"),
            pl.col("date").max().alias("last"),
            pl.col("model_mean").first(),
            pl.col("published").first(),
        )
        .join(rows.group_by("quantity").len().rename({"len": "figures"}), on="quantity")
        .sort(["worst", "quantity"], descending=[True, False])
        .head(worst)
    )
    words = []
    for r in per_quantity.to_dicts():
        if r["missed"] == 1:
            words.append(
                f"{r['quantity']}, {r['first']}: modelled {number(r['model_mean'])} against "
                f"{number(r['published'])} published ({times(r['low'])})"
            )
        else:
            words.append(
                f"{r['quantity']}: {r['missed']} of {r['figures']} dates from {r['first']} to "
                f"{r['last']} missed, the model at {r['low']:.1f}× to {r['high']:.1f}× the "
                "published figures"
            )
    return Fit(kind, rows.height, int(rows["close"].sum()) if rows.height else 0, words)


def number(x: float) -> str:
    if x == int(x) or abs(x) >= 2:
        return f"{x:,.0f}"
    return f"{x:.2f}"


def times(ratio: float) -> str:
    if ratio >= 1:
        return f"{ratio:.1f}× the published figure"
    return f"{1 - ratio:.0%} below it"
