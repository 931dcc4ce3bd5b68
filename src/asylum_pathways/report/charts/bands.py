"""Median line and 5-95% band per scenario, one panel per facet: the shape of the
differences, ACA and MPP charts."""

from __future__ import annotations

from typing import Any

import polars as pl

from asylum_pathways.report.charts.spec import (
    chart_spec,
    placeholder,
    scenario_color,
    scenario_dash,
)

#: (field, title, domain, colours, dashes): lines coloured by another field than the scenario's.
Scale = tuple[str, str, list[str], list[str], list[list[int]]]


def _color_and_dash(labels: list[str], scale: Scale | None) -> tuple[Any, Any]:
    import altair as alt

    if scale is None:
        return scenario_color(labels), scenario_dash(labels)
    field_, title, domain, colors, dashes = scale
    color = alt.Color(
        f"{field_}:N", title=title, sort=domain, scale=alt.Scale(domain=domain, range=colors)
    )
    dash = alt.StrokeDash(
        f"{field_}:N", title=title, sort=domain, scale=alt.Scale(domain=domain, range=dashes)
    )
    return color, dash


def _cap_line(color: Any, field: str) -> Any:
    """Each scenario's cap in force, a dashed step broken between calendar years."""
    import altair as alt

    return (
        alt.Chart()
        .transform_filter("isValid(datum.cap)")
        .mark_line(strokeDash=[4, 3], strokeWidth=1.5, interpolate="step-after")
        .encode(
            x="week:T",
            y=alt.Y("cap:Q"),
            color=color,
            detail="year:N",
            tooltip=[
                alt.Tooltip(f"{field}:N", title="scenario"),
                alt.Tooltip("year:N"),
                alt.Tooltip("cap:Q", title="annual cap", format=","),
            ],
        )
    )


def band_chart(
    data: pl.DataFrame,
    labels: list[str],
    y_title: str,
    facet: str,
    name: str,
    facet_sort: list[str] | None = None,
    columns: int = 3,
    height: int = 180,
    scale: Scale | None = None,
    zero_rule: bool = False,
) -> dict[str, Any]:
    """Median line and 5-95% band per scenario; a `cap` column, where present, is each
    scenario's cap as a dashed line, broken between calendar years (column `year`).
    `scale` (field, title, domain, colours, dashes) colours the lines by another field than
    the scenario's label."""
    has_cap = "cap" in data.columns
    by_year = "year" in data.columns  # a count from each 1 January: no line across years

    def build() -> Any:
        import altair as alt

        color, dash = _color_and_dash(labels, scale)
        shown: dict[str, Any] = dict(color.to_dict())
        field = str(shown["field"])
        shown["legend"] = {"symbolType": "stroke", "symbolStrokeWidth": 2.5, "symbolSize": 300}
        band_color = line_color = alt.Color(**shown)
        band = (
            alt.Chart()
            .mark_area(opacity=0.25)
            .encode(
                x=alt.X("week:T", title=None),
                y=alt.Y("p5:Q", title=y_title),
                y2="p95:Q",
                color=band_color,
                **({"detail": "year:N"} if by_year else {}),
            )
        )
        line = (
            alt.Chart()
            .mark_line()
            .encode(
                x="week:T",
                y="median:Q",
                color=line_color,
                strokeDash=dash,
                **({"detail": "year:N"} if by_year else {}),
                tooltip=[
                    alt.Tooltip(f"{field}:N", title="scenario"),
                    alt.Tooltip("week:T"),
                    alt.Tooltip("median:Q", format=",.0f"),
                    alt.Tooltip("p5:Q", format=",.0f"),
                    alt.Tooltip("p95:Q", format=",.0f"),
                ],
            )
        )
        layers: list[Any] = [band, line]
        if zero_rule:
            layers.insert(0, alt.Chart().mark_rule(color="#333").encode(y=alt.datum(0)))
        if has_cap:
            layers.append(_cap_line(line_color, field))
        layer = alt.layer(*layers, data=placeholder()).properties(width=240, height=height)
        chart = layer.facet(
            facet=alt.Facet(f"{facet}:N", title=None, sort=facet_sort), columns=columns
        ).resolve_scale(y="independent")
        return chart

    return chart_spec(build, name, data, columns=columns, panel=250, extra=20)
