"""Aggregates of saved results for the report: weekly medians and 5-95% bands."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from asylum_pathways.errors import InputError

FLOWS = ("encounters", "mpp_enrolled")  # daily flows summed by week
REQUIRED = ("daily.parquet", "summary.json", "validation.csv")


@dataclass
class Results:
    folder: Path
    summary: dict[str, Any]
    daily: pl.DataFrame
    validation: pl.DataFrame
    persons: pl.DataFrame | None

    @property
    def scenarios(self) -> list[str]:
        return list(self.summary["scenarios"])

    def label(self, name: str) -> str:
        """The scenario's human name (its file's `label`), else its name."""
        return str(self.summary["scenarios"].get(name, {}).get("label") or name)


def load(folder: Path) -> Results:
    missing = [name for name in REQUIRED if not (folder / name).exists()]
    if missing:
        raise InputError(
            f"{folder}: not a results folder of `asylum-pathways simulate` (missing {', '.join(missing)})"
        )
    try:
        summary = json.loads((folder / "summary.json").read_text())
        daily = pl.read_parquet(folder / "daily.parquet")
        validation = pl.read_csv(folder / "validation.csv", try_parse_dates=True)
    except (json.JSONDecodeError, pl.exceptions.PolarsError, OSError) as exc:
        raise InputError(
            f"{folder}: cannot read the results ({str(exc).splitlines()[0]})"
        ) from None
    persons_path = folder / "persons.parquet"
    persons = pl.read_parquet(persons_path) if persons_path.exists() else None
    return Results(folder, summary, daily, validation, persons)


def bands(daily: pl.DataFrame, metrics: list[str], weekly_sum: bool) -> pl.DataFrame:
    """Per scenario, metric and week: median and 5th/95th percentiles over replications.

    Flows are summed over each week (Monday start); stocks and cumulative counts take the
    value on the last day of the week."""
    d = daily.filter(pl.col("metric").is_in(metrics)).with_columns(
        pl.col("date").dt.truncate("1w").alias("week")
    )
    agg = pl.col("value").sum() if weekly_sum else pl.col("value").last()
    per_rep = d.sort("date").group_by(["scenario", "metric", "replication", "week"]).agg(agg)
    return (
        per_rep.group_by(["scenario", "metric", "week"])
        .agg(
            pl.col("value").median().alias("median"),
            pl.col("value").quantile(0.05, "linear").alias("p5"),
            pl.col("value").quantile(0.95, "linear").alias("p95"),
        )
        .sort(["scenario", "metric", "week"])
    )
