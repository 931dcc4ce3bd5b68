"""Charts as Vega-Lite specs (via Altair). Each returns (spec, data frame for its CSV)."""

from __future__ import annotations

import json
from typing import Any

import altair as alt
import polars as pl

from asylum_pathways.report.data import Results, bands

SCENARIO_COLORS = ["#1f5fa6", "#e07b00", "#2a9d4b", "#b33c86", "#7a5195", "#6c757d"]
PATHWAY_COLORS = {
    "TITLE42_EXPULSION": "#6c757d",
    "UAC_REFERRAL": "#8ecae6",
    "ACA_TRANSFER": "#d62828",
    "MPP_RETURN": "#f4a261",
    "EXPEDITED_REMOVAL": "#264653",
    "CREDIBLE_FEAR": "#2a9d8f",
    "NTA_RELEASE": "#90be6d",
    "UNDETERMINED": "#000000",
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
}
WIDTH = 860


def scenario_scale(results: Results) -> alt.Scale:
    names = results.scenarios
    return alt.Scale(domain=names, range=SCENARIO_COLORS[: len(names)])


def _spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    # Not validated against the Vega-Lite JSON schema on every run (about a second of
    # jsonschema per report); the report's tests render every chart in a browser.
    return chart.to_dict(validate=False)


def _frame(df: pl.DataFrame) -> list[dict[str, Any]]:
    out = df.with_columns([pl.col(c).cast(pl.String) for c, t in df.schema.items() if t == pl.Date])
    return out.to_dicts()


def pathways(results: Results, title: str) -> tuple[dict[str, Any], pl.DataFrame]:
    metrics = [f"pathway_{p}" for p in PATHWAY_COLORS]
    data = bands(results.daily, metrics, weekly_sum=True).with_columns(
        pl.col("metric").str.replace("pathway_", "").replace(PATHWAY_LABELS).alias("pathway")
    )
    present = [PATHWAY_LABELS[p] for p in PATHWAY_COLORS if f"pathway_{p}" in set(data["metric"])]
    data = data.filter(pl.col("median") > 0) if data.height else data
    chart = (
        alt.Chart(alt.Data(values=_frame(data)))
        .mark_area()
        .encode(
            x=alt.X("week:T", title="Week of encounter"),
            y=alt.Y("median:Q", stack="zero", title="per week"),
            color=alt.Color(
                "pathway:N",
                title="Pathway",
                scale=alt.Scale(
                    domain=present,
                    range=[PATHWAY_COLORS[k] for k, v in PATHWAY_LABELS.items() if v in present],
                ),
            ),
            order=alt.Order("pathway:N"),
            tooltip=[
                "scenario:N",
                "pathway:N",
                alt.Tooltip("week:T"),
                alt.Tooltip("median:Q", format=",.0f"),
            ],
        )
        .properties(width=WIDTH - 260, height=140)
        .facet(
            row=alt.Row(
                "scenario:N",
                title=None,
                sort=results.scenarios,
                header=alt.Header(labelAngle=0, labelAlign="left", labelFontWeight="bold"),
            )
        )
        .properties(title=title)
    )
    return _spec(chart), data


def _band_chart(
    data: pl.DataFrame,
    results: Results,
    y_title: str,
    facet: str | None,
    title: str,
    facet_sort: list[str] | None = None,
    columns: int = 3,
    height: int = 200,
) -> dict[str, Any]:
    """Median line and 5-95% band per scenario; a `cap` column, where present, is a dashed rule."""
    color = alt.Color("scenario:N", title="Scenario", scale=scenario_scale(results))
    band = (
        alt.Chart()
        .mark_area(opacity=0.25)
        .encode(
            x=alt.X("week:T", title=None), y=alt.Y("p5:Q", title=y_title), y2="p95:Q", color=color
        )
    )
    line = (
        alt.Chart()
        .mark_line()
        .encode(
            x="week:T",
            y="median:Q",
            color=color,
            tooltip=[
                "scenario:N",
                alt.Tooltip("week:T"),
                alt.Tooltip("median:Q", format=",.0f"),
                alt.Tooltip("p5:Q", format=",.0f"),
                alt.Tooltip("p95:Q", format=",.0f"),
            ],
        )
    )
    layers: list[Any] = [band, line]
    if "cap" in data.columns:
        layers.append(
            alt.Chart()
            .transform_filter("isValid(datum.cap)")
            .mark_rule(strokeDash=[4, 3], color="#333")
            .encode(
                y=alt.Y("max(cap):Q"),
                tooltip=[alt.Tooltip("max(cap):Q", title="annual cap", format=",")],
            )
        )
    width = (WIDTH - 120) // columns if facet else WIDTH - 120
    layer = alt.layer(*layers, data=alt.Data(values=_frame(data))).properties(
        width=width, height=height
    )
    if facet:
        chart = layer.facet(
            facet=alt.Facet(f"{facet}:N", title=None, sort=facet_sort), columns=columns
        )
        chart = chart.resolve_scale(y="independent")
    else:
        chart = layer
    return _spec(chart.properties(title=title))


def aca(results: Results, title: str) -> tuple[dict[str, Any], pl.DataFrame]:
    countries = sorted(
        {
            m.split("_")[2]
            for m in results.daily["metric"].unique()
            if m.startswith("aca_transfers_") and m.endswith("_cumulative")
        }
    )
    metrics = [f"aca_transfers_{c}_cumulative" for c in countries]
    data = bands(results.daily, metrics, weekly_sum=False).with_columns(
        pl.col("metric").str.extract(r"aca_transfers_([A-Z]+)_cumulative").alias("country")
    )
    names = {"GT": "Guatemala", "HN": "Honduras", "SV": "El Salvador"}
    data = data.with_columns(pl.col("country").replace(names).alias("receiving country"))
    caps: dict[str, float] = {}
    for a in results.summary.get("assumptions", []):
        if a["name"] == "assumptions.aca.annual_cap":
            value = a["values"][-1]["value"]
            value = json.loads(value) if isinstance(value, str) else value
            caps = {names.get(cc, cc): float(v) for cc, v in (value or {}).items()}
    data = data.with_columns(
        pl.col("receiving country")
        .replace_strict(caps, default=None, return_dtype=pl.Float64)
        .alias("cap")
    )
    spec = _band_chart(
        data,
        results,
        "People transferred (cumulative)",
        "receiving country",
        title,
        [names.get(c, c) for c in countries],
        columns=len(countries) or 1,
    )
    return spec, data


def mpp(results: Results, title: str) -> tuple[dict[str, Any], pl.DataFrame]:
    labels = {
        "mpp_waiting_in_mexico": "People waiting in Mexico",
        "mpp_pending": "MPP cases pending in court",
        "mpp_in_absentia_cumulative": "In-absentia removal orders (cumulative)",
        "mpp_enrolled_cumulative": "MPP enrolments (cumulative)",
    }
    data = bands(results.daily, list(labels), weekly_sum=False).with_columns(
        pl.col("metric").replace(labels).alias("measure")
    )
    return _band_chart(
        data, results, "People", "measure", title, list(labels.values()), columns=2, height=170
    ), data


def times(results: Results, title: str) -> tuple[dict[str, Any] | None, pl.DataFrame]:
    p = results.persons
    if p is None or p.height == 0:
        return None, pl.DataFrame()
    measures = [
        ("transfer_date", "Encounter to ACA transfer", pl.col("pathway") == "ACA_TRANSFER"),
        (
            "mpp_first_hearing_date",
            "Encounter to first MPP hearing",
            pl.col("mpp_port").is_not_null(),
        ),
        (
            "mpp_completion_date",
            "Encounter to MPP case completion",
            pl.col("mpp_port").is_not_null(),
        ),
    ]
    frames = []
    for col, label, cond in measures:
        counts = (
            p.filter(cond & pl.col(col).is_not_null())
            .select(
                pl.col("scenario").cast(pl.String),
                ((pl.col(col) - pl.col("encounter_date")).dt.total_days()).alias("days"),
            )
            .group_by(["scenario", "days"])
            .len()
            .rename({"len": "people"})
            .sort(["scenario", "days"])
            .with_columns(
                (
                    pl.col("people").cum_sum().over("scenario")
                    / pl.col("people").sum().over("scenario")
                ).alias("share"),
                pl.lit(label).alias("measure"),
            )
        )
        start = counts.group_by(["scenario", "measure"]).agg(
            pl.lit(0, dtype=pl.Int64).alias("days"),
            pl.lit(0, dtype=pl.UInt32).alias("people"),
            pl.lit(0.0).alias("share"),
        )
        frames.append(pl.concat([start.select(counts.columns), counts]))
    data = pl.concat(frames).sort(["measure", "scenario", "days"])
    chart = (
        alt.Chart(alt.Data(values=_frame(data)))
        .mark_line(interpolate="step-after", strokeWidth=2)
        .encode(
            x=alt.X("days:Q", title="Days after the encounter"),
            y=alt.Y("share:Q", title="Share of people (cumulative)", axis=alt.Axis(format="%")),
            color=alt.Color("scenario:N", title="Scenario", scale=scenario_scale(results)),
            strokeDash=alt.StrokeDash("scenario:N", sort=results.scenarios, legend=None),
            tooltip=[
                "scenario:N",
                "measure:N",
                "days:Q",
                alt.Tooltip("share:Q", format=".1%"),
                alt.Tooltip("people:Q", format=","),
            ],
        )
        .properties(width=(WIDTH - 160) // 3, height=180)
        .facet(facet=alt.Facet("measure:N", title=None, sort=[m[1] for m in measures]), columns=3)
        .resolve_scale(x="independent")
        .properties(title=title)
    )
    return _spec(chart), data


GROUPS = [
    ("usbp.encounters", "USBP encounters per month (calibration)"),
    ("usbp.title42.20", "USBP Title 42 expulsions per month"),
    ("ofo.title42", "OFO Title 42 expulsions per month"),
    ("mpp.enrolled", "MPP enrolments per month (calibration)"),
    ("mpp.cum", "MPP returns, cumulative"),
    ("mpp.tamaulipas", "MPP returns, cumulative"),
    ("aca.stat", "ACA transfers to Guatemala, cumulative"),
    ("mpp.outcomes", "MPP court outcomes, cumulative"),
    ("mpp.repr", "Shares"),
    ("mpp.awaiting", "Shares"),
    ("usbp.title42.FY", "USBP Title 42 expulsions, FY2020"),
]


def validation(results: Results, title: str) -> tuple[dict[str, Any], pl.DataFrame]:
    v = results.validation

    def group(i: str) -> str:
        return next((label for prefix, label in GROUPS if i.startswith(prefix)), "Other")

    data = v.with_columns(
        pl.col("id").map_elements(group, return_dtype=pl.String).alias("group"),
        pl.col("date").cast(pl.String),
    ).select(
        [
            "group",
            "id",
            "date",
            "quantity",
            "published",
            "model_mean",
            "model_p5",
            "model_p95",
            "kind",
            "source",
        ]
    )
    order = list(dict.fromkeys(label for _, label in GROUPS))
    base = alt.Chart()
    bars = base.mark_rule(strokeWidth=3, opacity=0.5, color=SCENARIO_COLORS[0]).encode(
        x=alt.X("date:T", title=None, axis=alt.Axis(format="%b %Y", labelAngle=-30, tickCount=4)),
        y=alt.Y("model_p5:Q", title=None),
        y2="model_p95:Q",
    )
    model = base.mark_tick(color=SCENARIO_COLORS[0], thickness=2, size=10).encode(
        x="date:T",
        y="model_mean:Q",
        tooltip=[
            "quantity:N",
            "date:T",
            alt.Tooltip("model_mean:Q", format=",.3~f", title="model mean"),
            alt.Tooltip("model_p5:Q", format=",.3~f"),
            alt.Tooltip("model_p95:Q", format=",.3~f"),
        ],
    )
    published = base.mark_point(
        color="#111", filled=True, size=40, shape="diamond", cursor="pointer"
    ).encode(
        x="date:T",
        y="published:Q",
        href="source:N",
        tooltip=[
            "quantity:N",
            "date:T",
            alt.Tooltip("published:Q", format=",.3~f"),
            "kind:N",
            "source:N",
        ],
    )
    chart = (
        alt.layer(bars, model, published, data=alt.Data(values=data.to_dicts()))
        .properties(width=(WIDTH - 140) // 3, height=150)
        .facet(facet=alt.Facet("group:N", title=None, sort=order), columns=3)
        .resolve_scale(y="independent", x="independent")
        .properties(title=title)
    )
    return _spec(chart), data
