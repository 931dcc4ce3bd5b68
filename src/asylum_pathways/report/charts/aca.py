"""Transfers under the Asylum Cooperative Agreements, one panel per receiving country."""

from __future__ import annotations

from typing import Any

import polars as pl

from asylum_pathways import codes
from asylum_pathways.report.charts.bands import band_chart
from asylum_pathways.report.charts.spec import labelled, scenario_labels
from asylum_pathways.report.data import Results, bands


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
    spec = band_chart(
        data,
        scenario_labels(results),
        "People transferred (cumulative)",
        "receiving country",
        name,
        [names.get(c, c) for c in countries],
        columns=len(countries) or 1,
    )
    return spec, data
