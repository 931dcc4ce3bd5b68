"""sweep.html: one offline file with each metric of a sweep over its levers (a heatmap of the
mean over the first two levers, small multiples over the others; points with error bars for
one lever), and the whole sweep.parquet table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import altair as alt
import jinja2
import polars as pl

from asylum_pathways import __version__
from asylum_pathways.report.charts import SCENARIO_COLORS

TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>
  :root { --ink: #1d2733; --muted: #5b6673; --line: #d9dee4; --bg: #f6f7f9; }
  body { font-family: -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
         color: var(--ink); margin: 0; line-height: 1.45; }
  main { max-width: 1040px; margin: 0 auto; padding: 24px 28px 48px; }
  h1 { font-size: 1.7rem; margin: 0 0 4px; }
  h2 { font-size: 1.25rem; margin: 36px 0 8px; border-top: 1px solid var(--line); padding-top: 18px; }
  .lead, .note { color: var(--muted); }
  table { border-collapse: collapse; width: 100%; font-size: 0.82rem; margin: 8px 0 4px; }
  th, td { border-bottom: 1px solid var(--line); padding: 4px 6px; text-align: left; }
  th { background: var(--bg); font-weight: 600; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
  .chart { margin: 8px 0 4px; overflow-x: auto; }
  footer { margin-top: 40px; font-size: 0.78rem; color: var(--muted); border-top: 1px solid var(--line); padding-top: 10px; }
</style>
<script>
// Vega, Vega-Lite and vega-embed (bundled by vl-convert; no network requests)
{{ vega_bundle }}
</script>
</head>
<body>
<main>
<h1>{{ title }}</h1>
<p class="lead">Base scenario <code>{{ spec.base }}</code>, {{ spec.start }} to {{ spec.end }},
{{ spec.reps }} replications (seed {{ spec.seed }}; parameters: {{ spec.drawn or spec.parameters }}); every point of a replication has the same
people and draws, so differences from the base are paired. Values: a daily metric on
{{ spec.end }}, or a headline metric; mean and 5th-95th percentile over replications.</p>
<ul>{% for lever in spec.levers %}<li><code>{{ lever.name }}</code> from {{ lever.start }}: {{ lever.values|map("tojson")|join(", ") }}</li>{% endfor %}</ul>
{% for c in charts %}
<h2>{{ c.metric }}</h2>
<p class="note">Base: {{ c.base }}.</p>
<div class="chart" data-chart="{{ c.key }}"></div>
{% endfor %}
<h2>Every point</h2>
<table><tr>{% for col in columns %}<th>{{ col }}</th>{% endfor %}</tr>
{% for row in rows %}<tr>{% for cell in row %}<td{% if cell.num %} class="num"{% endif %}>{{ cell.text }}</td>{% endfor %}</tr>
{% endfor %}</table>
<footer>asylum-pathways {{ version }} · {{ source }} · data: sweep.parquet</footer>
</main>
<script>
const SPECS = {{ specs_json }};
window.chartsRendered = 0;
window.chartErrors = [];
for (const el of document.querySelectorAll("[data-chart]")) {
  vegaEmbed(el, SPECS[el.dataset.chart], {renderer: "svg", actions: false})
    .then(() => { window.chartsRendered += 1; })
    .catch((err) => { window.chartErrors.push(String(err)); });
}
</script>
</body>
</html>
"""


def _label(value: Any) -> str:
    return "base" if value is None else json.dumps(value) if not isinstance(value, str) else value


def _chart(frame: pl.DataFrame, levers: list[str]) -> dict[str, Any]:
    """One metric's points (the base excluded) over the levers. Vega-Lite reads dots in a
    field name as nesting, so the levers travel as l0, l1, ... titled with their names."""
    keys = [f"l{i}" for i in range(len(levers))]
    data = frame.filter(pl.col("point") > 0).select(
        *[
            pl.col(n).map_elements(_label, return_dtype=pl.String).alias(k)
            for n, k in zip(levers, keys, strict=True)
        ],
        "mean",
        "p5",
        "p95",
        "difference_mean",
    )
    rows = data.to_dicts()
    tooltip = [
        *[alt.Tooltip(f"{k}:N", title=n) for k, n in zip(keys, levers, strict=True)],
        alt.Tooltip("mean:Q", format=",.1f"),
        alt.Tooltip("p5:Q", format=",.1f"),
        alt.Tooltip("p95:Q", format=",.1f"),
        alt.Tooltip("difference_mean:Q", title="difference from the base", format=",.1f"),
    ]
    x = alt.X(f"{keys[0]}:O", title=levers[0], sort=None)
    cells = alt.Chart(alt.Data(values=rows))
    if len(levers) == 1:
        chart: Any = cells.mark_rule(color=SCENARIO_COLORS[0]).encode(
            x=x, y=alt.Y("p5:Q", title="mean (5th-95th percentile)"), y2="p95:Q"
        ) + cells.mark_point(filled=True, size=70, color=SCENARIO_COLORS[0]).encode(
            x=x, y="mean:Q", tooltip=tooltip
        )
        return dict(chart.properties(width=520, height=260).to_dict())
    y = alt.Y(f"{keys[1]}:O", title=levers[1], sort=None)
    if len(levers) > 2:
        for row in rows:
            row["others"] = ", ".join(
                f"{n}={row[k]}" for n, k in zip(levers[2:], keys[2:], strict=True)
            )
    layer = cells.mark_rect().encode(
        x=x, y=y, color=alt.Color("mean:Q", scale=alt.Scale(scheme="blues")), tooltip=tooltip
    ) + cells.mark_text(fontSize=11).encode(x=x, y=y, text=alt.Text("mean:Q", format=",.0f"))
    layer = layer.properties(width=min(120 * data[keys[0]].n_unique(), 700), height=220)
    if len(levers) > 2:
        layer = layer.facet(facet=alt.Facet("others:N", title=None), columns=2)
    return dict(layer.to_dict())


def _fmt(value: Any) -> dict[str, Any]:
    if isinstance(value, float):
        return {"text": f"{value:,.1f}", "num": True}
    return {"text": _label(value), "num": isinstance(value, int)}


def write_html(spec: Any, frame: pl.DataFrame, path: Path) -> Path:
    """Write the sweep's page to `path` (no network requests: Vega is inlined)."""
    from asylum_pathways.report.bundle import vega_bundle

    levers = [lv.name for lv in spec.levers]
    charts, specs = [], {}
    for k, metric in enumerate(frame["metric"].unique(maintain_order=True)):
        part = frame.filter(pl.col("metric") == metric)
        base = part.filter(pl.col("point") == 0).row(0, named=True)
        key = f"m{k}"
        specs[key] = _chart(part, levers)
        charts.append(
            {
                "key": key,
                "metric": metric,
                "base": f"{base['mean']:,.1f} ({base['p5']:,.1f}-{base['p95']:,.1f})",
            }
        )
    html = (
        jinja2.Environment(autoescape=True)
        .from_string(TEMPLATE)
        .render(
            title=f"Sweep over {', '.join(levers)}",
            spec=spec,
            charts=charts,
            columns=frame.columns,
            rows=[[_fmt(v) for v in row] for row in frame.iter_rows()],
            version=__version__,
            source=Path(spec.source).name,
            specs_json=jinja2.utils.markupsafe.Markup(json.dumps(specs).replace("</", "<\\/")),
            vega_bundle=jinja2.utils.markupsafe.Markup(vega_bundle()),
        )
    )
    path.write_text(html, encoding="utf-8")
    return path
