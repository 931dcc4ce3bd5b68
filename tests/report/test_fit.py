"""Fit claims count independent figures only and name the largest misses."""

from __future__ import annotations

import polars as pl

from asylum_pathways.report import fit
from asylum_pathways.report.findings import fit_sentences


def _validation() -> pl.DataFrame:
    rows = [
        # id, quantity, published, mean, p5, p95, kind
        ("a", "Series A", 100.0, 110.0, 105.0, 115.0, "validation"),  # within 25%
        ("b", "Series A", 100.0, 300.0, 290.0, 310.0, "validation"),  # 3x: a miss
        ("c", "Share B", 0.5, 0.2, 0.1, 0.6, "validation"),  # inside its band
        ("d", "Month C", 100.0, 40.0, 38.0, 42.0, "calibration"),  # 60% below
        ("e", "Month D", 100.0, 100.0, 99.0, 101.0, "by_construction"),
    ]
    return pl.DataFrame(
        rows,
        schema=["id", "quantity", "published", "model_mean", "model_p5", "model_p95", "kind"],
        orient="row",
    ).with_columns(pl.lit("2020-01-01").str.to_date().alias("date"))


def test_only_validation_figures_count_towards_the_fit_claim() -> None:
    table = fit.table(_validation())
    v = fit.summary(table, "validation")
    assert (v.figures, v.close) == (3, 2)
    assert len(v.misses) == 1 and "3.0× the published figure" in v.misses[0]
    c = fit.summary(table, "calibration")
    assert (c.figures, c.close) == (1, 0) and "60% below it" in c.misses[0]


def test_the_sentences_state_the_counts_of_the_same_table() -> None:
    sentences = fit_sentences(fit.table(_validation()))
    assert sentences[0].startswith("Against the 3 published figures not used to set any assumption")
    assert "close (within 25%, or the figure inside its 5–95% range) for 2." in sentences[0]
    assert "Series A, 2020-01-01: modelled 300 against 100 published" in sentences[0]
    assert sentences[-1].startswith("1 further figures are close by construction")


def test_a_bound_is_close_when_the_model_band_reaches_it() -> None:
    rows = _validation().with_columns(
        pl.Series("relation", ["about", "about", "about", "about", "about"]),
        pl.Series("agrees", [True, False, True, False, True]),
    )
    # "b" as a lower bound of 100 with a 290-310 band: not inside, but it agrees
    bound = rows.with_columns(
        pl.when(pl.col("id") == "b")
        .then(pl.lit("at_least"))
        .otherwise("relation")
        .alias("relation"),
        pl.when(pl.col("id") == "b").then(True).otherwise("agrees").alias("agrees"),
    )
    assert fit.summary(fit.table(rows), "validation").close == 2
    assert fit.summary(fit.table(bound), "validation").close == 3
