"""How much each finding depends on each assumption."""

from __future__ import annotations

from typing import Any

import polars as pl

from asylum_pathways.report.charts.spec import (
    chart_spec,
    labelled,
    placeholder,
    scenario_color,
    scenario_labels,
    wrap,
)
from asylum_pathways.report.data import Results


def sensitivity(
    results: Results, name: str, metric_labels: dict[str, str]
) -> tuple[dict[str, Any] | None, pl.DataFrame]:
    sens = results.summary.get("sensitivity") or {}
    rows = sens.get("results") or []
    if not rows:
        return None, pl.DataFrame()
    data = labelled(results, pl.DataFrame(rows).with_columns(pl.col("scenario").cast(pl.String)))
    data = data.with_columns(
        pl.col("metric")
        .map_elements(lambda m: wrap(metric_labels.get(m, m)), return_dtype=pl.String)
        .alias("panel")
    )
    labels = scenario_labels(results)
    method = sens.get("method", "method not stated")

    def build() -> Any:
        import altair as alt

        return (
            alt.Chart(placeholder())
            .mark_bar()
            .encode(
                y=alt.Y("assumption:N", title=None, axis=alt.Axis(labelLimit=0)),
                yOffset=alt.YOffset("scenario_label:N", sort=labels),
                x=alt.X("index:Q", title=f"Sensitivity index ({method})"),
                color=scenario_color(labels),
                tooltip=[
                    alt.Tooltip("scenario_label:N", title="scenario"),
                    "metric:N",
                    "assumption:N",
                    alt.Tooltip("index:Q", format=".3f"),
                ],
            )
            .properties(width=240)
            .facet(facet=alt.Facet("panel:N", title=None), columns=2)
        )

    return chart_spec(build, name, data, columns=2, panel=300, extra=20), data
