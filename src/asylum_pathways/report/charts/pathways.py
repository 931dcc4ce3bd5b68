"""Where people went: encounters per week by the pathway each person took, one panel per
scenario."""

from __future__ import annotations

from typing import Any

import polars as pl

from asylum_pathways.report.charts.palette import PATHWAY_COLORS, PATHWAY_LABELS
from asylum_pathways.report.charts.spec import chart_spec, labelled, placeholder, scenario_labels
from asylum_pathways.report.data import Results, bands


def pathways(results: Results, name: str) -> tuple[dict[str, Any], pl.DataFrame]:
    metrics = [f"pathway_{p}" for p in PATHWAY_COLORS]
    data = bands(results.daily, metrics, weekly_sum=True).with_columns(
        pl.col("metric").str.replace("pathway_", "").replace(PATHWAY_LABELS).alias("pathway")
    )
    # the legend names the pathways someone took (a positive weekly median somewhere)
    taken = set(data.filter(pl.col("median") > 0)["metric"]) if data.height else set()
    present = [PATHWAY_LABELS[p] for p in PATHWAY_COLORS if f"pathway_{p}" in taken]
    data = labelled(results, data.filter(pl.col("median") > 0) if data.height else data)
    labels = scenario_labels(results)

    def build() -> Any:
        import altair as alt

        return (
            alt.Chart(placeholder())
            .mark_area()
            .encode(
                x=alt.X("week:T", title="Week of encounter"),
                y=alt.Y("median:Q", stack="zero", title="People per week"),
                color=alt.Color(
                    "pathway:N",
                    title="Pathway",
                    scale=alt.Scale(
                        domain=present,
                        range=[
                            PATHWAY_COLORS[k] for k, v in PATHWAY_LABELS.items() if v in present
                        ],
                    ),
                ),
                order=alt.Order("pathway:N"),
                tooltip=[
                    alt.Tooltip("scenario_label:N", title="scenario"),
                    "pathway:N",
                    alt.Tooltip("week:T"),
                    alt.Tooltip("median:Q", format=",.0f", title="people (median)"),
                ],
            )
            .properties(width=600, height=130)
            .facet(
                row=alt.Row(
                    "scenario_label:N",
                    title=None,
                    sort=labels,
                    header=alt.Header(
                        labelAngle=0, labelAlign="left", labelAnchor="start", labelOrient="top"
                    ),
                )
            )
        )

    return chart_spec(build, name, data, columns=1, panel=300, extra=80), data
