"""The model against the published figures: series over time, and single figures as
model ÷ published."""

from __future__ import annotations

from typing import Any

import polars as pl

from asylum_pathways.report.charts.palette import KIND_FILLS, KIND_SHAPES
from asylum_pathways.report.charts.spec import chart_spec, placeholder, wrap
from asylum_pathways.report.fit import KIND_LABELS, KINDS


def _published_points(size: int, date: str, more: list[Any], **encoding: Any) -> Any:
    """The published figures as points, shaped and filled by their kind; the tooltip gives
    the quantity, the date (field `date`, e.g. "date:T"), the published figure, `more`, and
    last the kind."""
    import altair as alt

    kinds = list(KINDS)
    labels = [KIND_LABELS[k] for k in kinds]
    shape = alt.Shape(
        "kind_label:N",
        title="Published figure",
        scale=alt.Scale(domain=labels, range=[KIND_SHAPES[k] for k in kinds]),
    )
    fill = alt.Fill(
        "kind_label:N",
        title="Published figure",
        scale=alt.Scale(domain=labels, range=[KIND_FILLS[k] for k in kinds]),
    )
    return (
        alt.Chart()
        .mark_point(size=size, stroke="#000", strokeWidth=1, opacity=1)
        .encode(
            **encoding,
            shape=shape,
            fill=fill,
            tooltip=[
                "quantity:N",
                date,
                alt.Tooltip("published:Q", format=",.3~f"),
                *more,
                alt.Tooltip("kind_label:N", title="kind"),
            ],
        )
    )


def _validation_frame(fit_table: pl.DataFrame) -> pl.DataFrame:
    return fit_table.with_columns(
        pl.col("date").cast(pl.String),
        pl.col("kind").replace_strict(KIND_LABELS, default=pl.col("kind")).alias("kind_label"),
    ).select(
        "id",
        "date",
        "quantity",
        "published",
        "model_mean",
        "model_p5",
        "model_p95",
        "ratio",
        "close",
        "kind",
        "kind_label",
        "source",
    )


def validation_series(
    fit_table: pl.DataFrame, model_color: str, name: str
) -> tuple[dict[str, Any] | None, pl.DataFrame]:
    """One panel per quantity published at two or more dates: model band, mean, published points."""
    counts = fit_table.group_by("quantity").len()
    many = counts.filter(pl.col("len") >= 2)["quantity"].to_list()
    data = _validation_frame(fit_table.filter(pl.col("quantity").is_in(many))).with_columns(
        pl.col("quantity").map_elements(wrap, return_dtype=pl.String).alias("panel")
    )
    if data.height == 0:
        return None, data
    order = list(dict.fromkeys(data.sort("date")["panel"].to_list()))

    def build() -> Any:
        import altair as alt

        x = alt.X(
            "date:T",
            title=None,
            scale=alt.Scale(padding=10),
            axis=alt.Axis(
                format="%b %Y",
                tickCount={"interval": "month", "step": 1},
                labelAngle=0,
                labelOverlap="greedy",
                labelSeparation=6,
            ),
        )
        band = (
            alt.Chart()
            .mark_rule(strokeWidth=4, opacity=0.45, color=model_color)
            .encode(
                x=x,
                y=alt.Y("model_p5:Q", title=None, scale=alt.Scale(zero=False)),
                y2="model_p95:Q",
            )
        )
        mean = (
            alt.Chart()
            .mark_tick(color=model_color, thickness=2, size=12)
            .encode(
                x="date:T",
                y="model_mean:Q",
                tooltip=[
                    "quantity:N",
                    "date:T",
                    alt.Tooltip("model_mean:Q", format=",.3~f", title="model mean"),
                    alt.Tooltip("model_p5:Q", format=",.3~f", title="model 5%"),
                    alt.Tooltip("model_p95:Q", format=",.3~f", title="model 95%"),
                ],
            )
        )
        published = _published_points(
            45,
            "date:T",
            [alt.Tooltip("ratio:Q", format=".2f", title="model ÷ published")],
            x="date:T",
            y="published:Q",
        )
        chart = (
            alt.layer(band, mean, published, data=placeholder())
            .properties(width=240, height=150)
            .facet(facet=alt.Facet("panel:N", title=None, sort=order), columns=3)
            .resolve_scale(y="independent", x="independent")
        )
        return chart

    return chart_spec(build, name, data, columns=3, panel=250, extra=20), data


def validation_single(
    fit_table: pl.DataFrame, model_color: str, name: str
) -> tuple[dict[str, Any] | None, pl.DataFrame]:
    """Quantities published once: model ÷ published (1 = exact), band and mean, one row each."""
    counts = fit_table.group_by("quantity").len()
    once = counts.filter(pl.col("len") == 1)["quantity"].to_list()
    data = (
        _validation_frame(
            fit_table.filter(pl.col("quantity").is_in(once) & pl.col("ratio").is_not_null())
        )
        .with_columns(
            (pl.col("model_p5") / pl.col("published")).alias("ratio_p5"),
            (pl.col("model_p95") / pl.col("published")).alias("ratio_p95"),
            (pl.col("quantity") + ", " + pl.col("date")).alias("figure"),
        )
        .sort("date")
    )
    if data.height == 0:
        return None, data
    data = data.with_columns(
        pl.col("figure").map_elements(
            lambda s: wrap(s, 38).replace("\n", "|"), return_dtype=pl.String
        )
    )
    figures = data["figure"].to_list()
    # A log scale cannot show 0: values below the smallest positive one (or 1/100) sit at the
    # left edge of the axis, and the tooltip gives the true ratio.
    values = [v for c in ("ratio_p5", "ratio", "ratio_p95") for v in data[c].drop_nulls().to_list()]
    lo = min([1.0, *(v for v in values if v > 0)])
    if any(v <= 0 for v in values):
        lo = min(lo, 0.01)
    hi = max([1.0, *values])
    floor = lo / 1.15
    data = data.with_columns(
        pl.col(c).clip(lower_bound=floor).alias(f"{c}_shown")
        for c in ("ratio_p5", "ratio", "ratio_p95")
    )
    domain = [floor, hi * 1.15]

    def build() -> Any:
        import altair as alt

        y = alt.Y(
            "figure:N",
            title=None,
            sort=figures,
            axis=alt.Axis(labelLimit=0, labelExpr="split(datum.label, '|')"),
        )
        scale = alt.Scale(type="log", domain=domain, nice=False)
        one = alt.Chart().mark_rule(color="#333").encode(x=alt.datum(1))
        band = (
            alt.Chart()
            .mark_rule(strokeWidth=4, opacity=0.45, color=model_color)
            .encode(
                y=y,
                x=alt.X(
                    "ratio_p5_shown:Q",
                    title="Model ÷ published (1 = equal; log scale)",
                    scale=scale,
                ),
                x2="ratio_p95_shown:Q",
            )
        )
        point = _published_points(
            60,
            "date:N",
            [
                alt.Tooltip("model_mean:Q", format=",.3~f", title="model mean"),
                alt.Tooltip("ratio:Q", format=".2f", title="model ÷ published"),
            ],
            y=y,
            x="ratio_shown:Q",
        )
        chart = alt.layer(one, band, point, data=placeholder()).properties(
            width="container", height=alt.Step(34)
        )
        return chart

    return chart_spec(build, name, data), data
