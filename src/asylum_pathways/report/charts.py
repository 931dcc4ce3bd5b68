"""Charts as Vega-Lite specs (via Altair). Each returns (spec, data frame for its CSV).

Each chart's spec without its rows is kept in the on-disk cache: a chart function computes
the few plain values its chart depends on (labels, orders, domains) and hands `_spec` a
`build()` closure over them; the cache key is those values, this file and the installed
Altair, so a report of the same study shape neither imports Altair nor builds its objects
(about a second and a half of every `simulate`). `_skeleton` refuses a closure over anything
but plain values, so nothing the spec depends on can be left out of its key.

Specs carry no title (the page's heading and finding above each chart wrap on any
screen); `description` is the chart's accessible name. Faceted specs say in
`usermeta.responsive` how the page fits them to their container (Vega-Lite's
`width: "container"` does not apply to facets): the page picks the number of columns
and the panel width from the container's width, and re-renders on resize.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from asylum_pathways import cache, codes
from asylum_pathways.report.data import Results, bands
from asylum_pathways.report.differences import SERIES
from asylum_pathways.report.fit import KIND_LABELS, KINDS

if TYPE_CHECKING:
    import altair as alt

# Okabe & Ito (2008) colour-blind-safe palette; one colour per scenario and per pathway,
# used in every chart and on the page.
SCENARIO_COLORS = ["#0072B2", "#E69F00", "#CC79A7", "#009E73", "#56B4E9", "#D55E00"]
SCENARIO_DASHES = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3], [4, 4], [1, 3]]
PATHWAY_COLORS = {
    "TITLE42_EXPULSION": "#7F7F7F",
    "UAC_REFERRAL": "#56B4E9",
    "ACA_TRANSFER": "#D55E00",
    "MPP_RETURN": "#E69F00",
    "EXPEDITED_REMOVAL": "#CC79A7",
    "CREDIBLE_FEAR": "#0072B2",
    "NTA_RELEASE": "#009E73",
    "UNDETERMINED": "#000000",
    # the pathways of 2023-2026 (Paul Tol's muted scheme, beyond Okabe-Ito's eight)
    "PROCLAMATION_REMOVAL": "#882255",
    "CREDIBLE_FEAR_ASYLUM_BAR": "#332288",
    "CREDIBLE_FEAR_LAWFUL_PATHWAYS": "#DDCC77",
}
PATHWAY_LABELS = {
    "TITLE42_EXPULSION": "Title 42 expulsion",
    "UAC_REFERRAL": "Unaccompanied child referred to HHS",
    "ACA_TRANSFER": "ACA transfer",
    "MPP_RETURN": "Returned to Mexico (MPP)",
    "EXPEDITED_REMOVAL": "Expedited removal",
    "CREDIBLE_FEAR": "Credible-fear screening",
    "NTA_RELEASE": "Notice to appear, released",
    "UNDETERMINED": "Undetermined",
    "PROCLAMATION_REMOVAL": "Removed under Proclamation 10888",
    "CREDIBLE_FEAR_ASYLUM_BAR": "Credible-fear screening, asylum barred",
    "CREDIBLE_FEAR_LAWFUL_PATHWAYS": "Credible-fear screening, lawful-pathways presumption",
}
KIND_SHAPES = {"validation": "diamond", "calibration": "circle", "by_construction": "square"}
KIND_FILLS = {"validation": "#000000", "calibration": "#7F7F7F", "by_construction": "#BBBBBB"}
CONFIG = {
    "lineBreak": "\n",
    "legend": {"orient": "bottom", "labelLimit": 0, "titleLimit": 0, "columns": 3},
    "header": {"labelLimit": 0, "labelFontSize": 11, "labelFontWeight": "bold"},
    "axis": {"labelFlush": True, "labelOverlap": True},
    "view": {"stroke": "#d9dee4"},
}


def wrap(text: str, width: int = 30) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def labelled(results: Results, frame: pl.DataFrame) -> pl.DataFrame:
    """Adds `scenario_label`, the scenario's human name, next to `scenario`."""
    labels = {n: results.label(n) for n in results.scenarios}
    return frame.with_columns(
        pl.col("scenario")
        .cast(pl.String)
        .replace_strict(labels, default=pl.col("scenario"))
        .alias("scenario_label")
    )


def scenario_labels(results: Results) -> list[str]:
    return [results.label(n) for n in results.scenarios]


def scenario_color(
    labels: list[str], field: str = "scenario_label", title: str = "Scenario"
) -> alt.Color:
    import altair as alt

    return alt.Color(
        f"{field}:N",
        title=title,
        sort=labels,
        scale=alt.Scale(domain=labels, range=SCENARIO_COLORS[: len(labels)]),
    )


def scenario_dash(labels: list[str], field: str = "scenario_label") -> alt.StrokeDash:
    import altair as alt

    return alt.StrokeDash(
        f"{field}:N",
        sort=labels,
        scale=alt.Scale(domain=labels, range=SCENARIO_DASHES[: len(labels)]),
        title="Scenario",
    )


def _rows() -> alt.Data:
    """The place of a chart's data: `_spec` puts the rows there once the spec is a dict (Altair
    would validate and copy every row, a third of a second per report, for nothing)."""
    import altair as alt

    return alt.Data(values=[])


def _plain(value: Any) -> bool:
    if value is None or isinstance(value, str | int | float | bool):
        return True
    if isinstance(value, list | tuple):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return False


def _skeleton(build: Callable[[], Any]) -> dict[str, Any]:
    """`build()`'s spec as a dict (rows still the placeholder), from the cache when built
    before from the same plain values, this file and the same Altair."""
    cells = [c.cell_contents for c in build.__closure__ or ()]
    if not _plain(cells):
        raise TypeError(f"{build.__qualname__}: a chart may close over plain values only")
    found = find_spec("altair")
    altair_id = Path(found.origin).read_bytes() if found and found.origin else b""
    digest = cache.key(
        [
            "chart",
            build.__qualname__,
            Path(__file__).read_bytes(),
            altair_id,
            json.dumps(cells, sort_keys=True),
        ]
    )

    def fresh() -> dict[str, Any]:
        # Not validated against the Vega-Lite JSON schema (about a second of jsonschema per
        # report); the report's tests render every chart in a browser.
        spec: dict[str, Any] = build().to_dict(validate=False)
        return spec

    return cache.cached(
        f"chart_{build.__qualname__.split('.')[0]}",
        digest,
        fresh,
        lambda spec: json.dumps(spec).encode(),
        json.loads,
    )


def _spec(
    build: Callable[[], Any],
    name: str,
    data: pl.DataFrame,
    columns: int = 1,
    panel: int = 260,
    extra: int = 90,
) -> dict[str, Any]:
    spec = _skeleton(build)
    if spec.get("data") != {"values": []}:
        raise ValueError(f"chart {name}: its data is not the _rows() placeholder")
    spec["data"] = {"values": _frame(data)}
    spec["description"] = name
    spec["config"] = {**spec.get("config", {}), **CONFIG}
    spec["usermeta"] = {"responsive": {"columns": columns, "panel": panel, "extra": extra}}
    spec["autosize"] = (
        {"type": "fit-x", "contains": "padding"} if "facet" not in spec else {"type": "pad"}
    )
    return spec


def _frame(df: pl.DataFrame) -> list[dict[str, Any]]:
    out = df.with_columns([pl.col(c).cast(pl.String) for c, t in df.schema.items() if t == pl.Date])
    return out.to_dicts()


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
            alt.Chart(_rows())
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

    return _spec(build, name, data, columns=1, panel=300, extra=80), data


def _band_chart(
    data: pl.DataFrame,
    labels: list[str],
    y_title: str,
    facet: str,
    name: str,
    facet_sort: list[str] | None = None,
    columns: int = 3,
    height: int = 180,
    scale: tuple[str, str, list[str], list[str], list[list[int]]] | None = None,
    zero_rule: bool = False,
) -> dict[str, Any]:
    """Median line and 5-95% band per scenario; a `cap` column, where present, is a dashed rule.
    `scale` (field, title, domain, colours, dashes) colours the lines by another field than
    the scenario's label."""
    has_cap = "cap" in data.columns

    def build() -> Any:
        import altair as alt

        if scale is None:
            color, dash = scenario_color(labels), scenario_dash(labels)
        else:
            field_, title, domain, colors, dashes = scale
            color = alt.Color(
                f"{field_}:N",
                title=title,
                sort=domain,
                scale=alt.Scale(domain=domain, range=colors),
            )
            dash = alt.StrokeDash(
                f"{field_}:N",
                title=title,
                sort=domain,
                scale=alt.Scale(domain=domain, range=dashes),
            )
        shown: dict[str, Any] = dict(color.to_dict())  # type: ignore[arg-type]
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
            layers.append(
                alt.Chart()
                .transform_filter("isValid(datum.cap)")
                .mark_rule(strokeDash=[4, 3], color="#333")
                .encode(
                    y=alt.Y("max(cap):Q"),
                    tooltip=[alt.Tooltip("max(cap):Q", title="annual cap", format=",")],
                )
            )
        layer = alt.layer(*layers, data=_rows()).properties(width=240, height=height)
        chart = layer.facet(
            facet=alt.Facet(f"{facet}:N", title=None, sort=facet_sort), columns=columns
        ).resolve_scale(y="independent")
        return chart

    return _spec(build, name, data, columns=columns, panel=250, extra=20)


def differences(
    results: Results, frame: pl.DataFrame, name: str
) -> tuple[dict[str, Any] | None, pl.DataFrame]:
    if frame.height == 0:
        return None, frame
    frame = frame.with_columns(
        pl.col("comparison")
        .map_elements(lambda c: wrap(c, 32), return_dtype=pl.String)
        .alias("shown")
    )
    comparisons = list(dict.fromkeys(frame["shown"].to_list()))
    order = {
        c: results.scenarios.index(s)
        for c, s in zip(frame["shown"], frame["scenario"], strict=True)
    }
    scale = (
        "shown",
        "Scenario − its baseline",
        comparisons,
        [SCENARIO_COLORS[order[c] % len(SCENARIO_COLORS)] for c in comparisons],
        [SCENARIO_DASHES[order[c] % 6] for c in comparisons],
    )
    present = set(frame["series"].to_list())
    series = [s for s in differences_series() if s in present]
    spec = _band_chart(
        frame.with_columns(
            pl.col("series").map_elements(wrap, return_dtype=pl.String).alias("panel")
        ),
        scenario_labels(results),
        "Difference (people)",
        "panel",
        name,
        [wrap(s) for s in series],
        columns=3,
        scale=scale,
        zero_rule=True,
    )
    return spec, frame.drop("shown")


def differences_series() -> list[str]:
    return list(SERIES)


def aca(results: Results, name: str) -> tuple[dict[str, Any], pl.DataFrame]:
    flown = results.daily.filter(
        pl.col("metric").str.starts_with("aca_transfers_")
        & pl.col("metric").str.ends_with("_cumulative")
        & (pl.col("value") > 0)
    )
    countries = sorted({m.split("_")[2] for m in flown["metric"].unique()})
    metrics = [f"aca_transfers_{c}_cumulative" for c in countries]
    data = bands(results.daily, metrics, weekly_sum=False).with_columns(
        pl.col("metric").str.extract(r"aca_transfers_([A-Z]+)_cumulative").alias("country")
    )
    names = {cc: codes.country_name(cc) for cc in countries}
    data = data.with_columns(pl.col("country").replace(names).alias("receiving country"))
    caps: dict[str, float] = {}
    for a in results.summary.get("assumptions", []):
        cc = a["name"].removeprefix("assumptions.aca.agreements.").split(".")[0].upper()
        if a["name"].endswith(".annual_cap") and cc in names:
            numbers = [v["value"] for v in a["values"] if isinstance(v["value"], int | float)]
            if numbers:
                caps[names[cc]] = float(numbers[-1])
    data = data.with_columns(
        pl.col("receiving country")
        .replace_strict(caps, default=None, return_dtype=pl.Float64)
        .alias("cap")
    )
    data = labelled(results, data)
    spec = _band_chart(
        data,
        scenario_labels(results),
        "People transferred (cumulative)",
        "receiving country",
        name,
        [names.get(c, c) for c in countries],
        columns=len(countries) or 1,
    )
    return spec, data


def mpp(results: Results, name: str) -> tuple[dict[str, Any], pl.DataFrame]:
    labels = {
        "mpp_waiting_in_mexico": "People waiting in Mexico",
        "mpp_pending": "MPP cases pending in court",
        "mpp_in_absentia_cumulative": "In-absentia removal orders (cumulative)",
        "mpp_enrolled_cumulative": "MPP enrolments (cumulative)",
    }
    data = bands(results.daily, list(labels), weekly_sum=False).with_columns(
        pl.col("metric").replace(labels).alias("measure")
    )
    data = labelled(results, data)
    return _band_chart(
        data,
        scenario_labels(results),
        "People",
        "measure",
        name,
        list(labels.values()),
        columns=2,
        height=160,
    ), data


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
            alt.Chart(_rows())
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

    return _spec(build, name, data, columns=2, panel=260, extra=20), data


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
            alt.layer(band, mean, published, data=_rows())
            .properties(width=240, height=150)
            .facet(facet=alt.Facet("panel:N", title=None, sort=order), columns=3)
            .resolve_scale(y="independent", x="independent")
        )
        return chart

    return _spec(build, name, data, columns=3, panel=250, extra=20), data


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
        chart = alt.layer(one, band, point, data=_rows()).properties(
            width="container", height=alt.Step(34)
        )
        return chart

    return _spec(build, name, data), data


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
            alt.Chart(_rows())
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

    return _spec(build, name, data, columns=2, panel=300, extra=20), data
