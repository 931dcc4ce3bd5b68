"""Transfers under the Asylum Cooperative Agreements, one panel per receiving country: each
calendar year's transfers so far against that year's cap, in each scenario.

An agreement's annual cap bounds the people taken in a calendar year, so the chart counts
transfers from each 1 January and draws each scenario's own cap in force that year
(parameters.json `aca_caps`: a lab or API study's own dated caps, not the built-in tree's).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from asylum_pathways import codes
from asylum_pathways.report.charts.bands import band_chart
from asylum_pathways.report.charts.spec import labelled, scenario_labels
from asylum_pathways.report.data import Results


def countries(results: Results) -> list[str]:
    """Receiving countries that took anyone in any scenario."""
    flown = results.daily.filter(
        pl.col("metric").str.starts_with("aca_transfers_")
        & pl.col("metric").str.ends_with("_cumulative")
        & (pl.col("value") > 0)
    )
    return sorted({m.split("_")[2] for m in flown["metric"].unique()})


def cap_on(history: list[dict[str, Any]], day: dt.date) -> float | None:
    """The cap in force on `day` (None: no cap, or none dated yet)."""
    iso = day.isoformat()
    for v in history:
        if v["from"] <= iso and (v["until"] is None or iso <= v["until"]):
            value = v["value"]
            return float(value) if isinstance(value, int | float) else None
    return None


def yearly(results: Results, ccs: list[str]) -> pl.DataFrame:
    """Per scenario, country and week: transfers since 1 January of that year (median and
    5-95% over replications, on the week's last day), and the scenario's annual cap then."""
    metrics = {f"aca_transfers_{cc}": cc for cc in ccs}
    per_rep = (
        results.daily.filter(pl.col("metric").is_in(list(metrics)))
        .with_columns(pl.col("date").dt.year().alias("year"))
        .sort("date")
        .with_columns(
            pl.col("value").cum_sum().over(["scenario", "metric", "replication", "year"]),
            pl.col("date").dt.truncate("1w").alias("week"),
        )
        .group_by(["scenario", "metric", "replication", "week"])
        .agg(pl.col("value").last(), pl.col("year").last(), pl.col("date").last())
    )
    data = (
        per_rep.group_by(["scenario", "metric", "week"])
        .agg(
            pl.col("year").first(),
            pl.col("date").first().alias("last_day"),
            pl.col("value").median().alias("median"),
            pl.col("value").quantile(0.05, "linear").alias("p5"),
            pl.col("value").quantile(0.95, "linear").alias("p95"),
        )
        .with_columns(
            pl.col("scenario").cast(pl.String),
            pl.col("metric").replace_strict(metrics, default=None).alias("country"),
        )
        .sort(["scenario", "metric", "week"])
    )
    caps = results.parameters.get("aca_caps") or {}
    data = data.with_columns(
        pl.struct("scenario", "country", "last_day")
        .map_elements(
            lambda r: cap_on(
                (caps.get(r["scenario"]) or {}).get(r["country"], {}).get("annual") or [],
                r["last_day"],
            ),
            return_dtype=pl.Float64,
        )
        .alias("cap")
    )
    return data.drop("last_day")


def aca(results: Results, name: str) -> tuple[dict[str, Any] | None, pl.DataFrame]:
    ccs = countries(results)
    data = yearly(results, ccs)
    if data.height == 0:
        return None, data
    names = {cc: codes.country_name(cc) for cc in ccs}
    data = labelled(
        results, data.with_columns(pl.col("country").replace(names).alias("receiving country"))
    )
    spec = band_chart(
        data,
        scenario_labels(results),
        "People transferred in the calendar year",
        "receiving country",
        name,
        [names[c] for c in ccs],
        columns=len(ccs) or 1,
    )
    return spec, data
