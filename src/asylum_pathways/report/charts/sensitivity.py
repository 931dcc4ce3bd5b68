"""How much each finding depends on each assumption: one panel per finding, at most the top
few assumptions above the noise floor, named in words, readable on a phone."""

from __future__ import annotations

from typing import Any

import polars as pl

from asylum_pathways.report.charts.spec import chart_spec, placeholder, wrap
from asylum_pathways.report.sensitivity import Sensitivity

#: Room for the assumptions' names left of the bars (px), beyond the page's usual axis.
LABELS = 90


def frame(sens: Sensitivity) -> pl.DataFrame:
    rows = [
        {
            "finding": f["finding"],
            "panel": wrap(f["finding"], 44),
            "assumption": e.get("label") or e.get("parameter") or "",
            "shown": wrap(str(e.get("label") or e.get("parameter") or ""), 26).replace("\n", "|"),
            "index": float(e["index"]),
            "lo": None if e.get("lo") is None else float(e["lo"]),
            "hi": None if e.get("hi") is None else float(e["hi"]),
        }
        for f in sens.charted
        for e in f["effects"]
    ]
    schema = {
        "finding": pl.String,
        "panel": pl.String,
        "assumption": pl.String,
        "shown": pl.String,
        "index": pl.Float64,
        "lo": pl.Float64,
        "hi": pl.Float64,
    }
    return pl.DataFrame(rows, schema=schema)


def sensitivity(sens: Sensitivity, name: str) -> tuple[dict[str, Any] | None, pl.DataFrame]:
    data = frame(sens)
    if data.height == 0:
        return None, data
    panels = list(dict.fromkeys(data["panel"].to_list()))
    has_range = data["lo"].is_not_null().any()

    def build() -> Any:
        import altair as alt

        y = alt.Y(
            "shown:N",
            title=None,
            sort="-x",
            axis=alt.Axis(
                labelLimit=170,
                labelExpr="split(datum.label, '|')",
                labelFontSize=11,
                labelOverlap=False,
            ),
        )
        tooltip = [
            alt.Tooltip("finding:N"),
            alt.Tooltip("assumption:N"),
            alt.Tooltip("index:Q", format=".2f"),
        ]
        bars = (
            alt.Chart()
            .mark_bar(color="#0072B2", height={"band": 0.6})
            .encode(
                y=y,
                x=alt.X("index:Q", title="Sensitivity index (share of the finding's spread)"),
                tooltip=tooltip,
            )
        )
        layers: list[Any] = [bars]
        if has_range:
            layers.append(
                alt.Chart()
                .transform_filter("isValid(datum.lo)")
                .mark_rule(color="#1d2733", strokeWidth=1.5)
                .encode(y=y, x="lo:Q", x2="hi:Q")
            )
        return (
            alt.layer(*layers, data=placeholder())
            .properties(width=300, height=alt.Step(38))
            .facet(
                row=alt.Row(
                    "panel:N",
                    title=None,
                    sort=panels,
                    header=alt.Header(
                        labelAngle=0, labelAlign="left", labelAnchor="start", labelOrient="top"
                    ),
                )
            )
            .resolve_scale(y="independent")
        )

    return chart_spec(build, name, data, columns=1, panel=300, extra=20 + LABELS), data
