"""A chart's Vega-Lite spec from a cached skeleton and its rows.

Each chart's spec without its rows is kept in the on-disk cache: a chart function computes
the few plain values its chart depends on (labels, orders, domains) and hands `chart_spec` a
`build()` closure over them; the cache key is those values, this file, the builder's own
module and the installed Altair, so a report of the same study shape neither imports Altair
nor builds its objects (about a second and a half of every `simulate`). `skeleton` refuses
a closure over anything but plain values, so nothing the spec depends on can be left out of
its key.

Specs carry no title (the page's heading and finding above each chart wrap on any
screen); `description` is the chart's accessible name. Faceted specs say in
`usermeta.responsive` how the page fits them to their container (Vega-Lite's
`width: "container"` does not apply to facets): the page picks the number of columns
and the panel width from the container's width, and re-renders on resize.
"""

from __future__ import annotations

import json
import sys
import textwrap
from collections.abc import Callable
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from asylum_pathways import cache
from asylum_pathways.report.charts.palette import SCENARIO_COLORS, SCENARIO_DASHES
from asylum_pathways.report.data import Results

if TYPE_CHECKING:
    import altair as alt

#: A chart: its spec (None: nothing to draw) and the frame of its CSV.
Made = tuple[dict[str, Any] | None, pl.DataFrame]

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


def placeholder() -> alt.Data:
    """The place of a chart's data: `chart_spec` puts the rows there once the spec is a dict
    (Altair would validate and copy every row, a third of a second per report, for nothing)."""
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


def skeleton(build: Callable[[], Any]) -> dict[str, Any]:
    """`build()`'s spec as a dict (rows still the placeholder), from the cache when built
    before from the same plain values, this file, the builder's module and the same Altair."""
    cells = [c.cell_contents for c in build.__closure__ or ()]
    if not _plain(cells):
        raise TypeError(f"{build.__qualname__}: a chart may close over plain values only")
    found = find_spec("altair")
    altair_id = Path(found.origin).read_bytes() if found and found.origin else b""
    module = sys.modules[build.__module__].__file__
    digest = cache.key(
        [
            "chart",
            build.__qualname__,
            Path(__file__).read_bytes(),
            Path(module).read_bytes() if module else build.__module__,
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


def chart_spec(
    build: Callable[[], Any],
    name: str,
    data: pl.DataFrame,
    columns: int = 1,
    panel: int = 260,
    extra: int = 90,
) -> dict[str, Any]:
    spec = skeleton(build)
    if spec.get("data") != {"values": []}:
        raise ValueError(f"chart {name}: its data is not the placeholder() placeholder")
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
