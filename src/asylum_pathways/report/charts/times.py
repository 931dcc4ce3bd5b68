"""Time from the encounter to a first MPP hearing and to a completed case (Kaplan–Meier)."""

from __future__ import annotations

from typing import Any

import polars as pl

from asylum_pathways.report.charts.spec import (
    chart_spec,
    labelled,
    placeholder,
    scenario_color,
    scenario_dash,
    scenario_labels,
)
from asylum_pathways.report.data import Results


def times(
    results: Results, curve: pl.DataFrame, name: str
) -> tuple[dict[str, Any] | None, pl.DataFrame]:
    if curve.height == 0:
        return None, curve
    data = labelled(results, curve)
    measures = list(dict.fromkeys(data["measure"].to_list()))
    labels = scenario_labels(results)

    def build() -> Any:
        import altair as alt

        return (
            alt.Chart(placeholder())
            .mark_line(interpolate="step-after", strokeWidth=2)
            .encode(
                x=alt.X("days:Q", title="Days after the encounter"),
                y=alt.Y(
                    "share:Q",
                    title="Share who had it (Kaplan–Meier)",
                    axis=alt.Axis(format="%"),
                    scale=alt.Scale(domain=[0, 1]),
                ),
                color=scenario_color(labels),
                strokeDash=scenario_dash(labels),
                tooltip=[
                    alt.Tooltip("scenario_label:N", title="scenario"),
                    "measure:N",
                    "days:Q",
                    alt.Tooltip("share:Q", format=".1%", title="share who had it"),
                    alt.Tooltip("at_risk:Q", format=",", title="still waiting (first replication)"),
                ],
            )
            .properties(width=260, height=180)
            .facet(facet=alt.Facet("measure:N", title=None, sort=measures), columns=2)
        )

    return chart_spec(build, name, data, columns=2, panel=260, extra=20), data
