"""A results folder as the report reads it, and weekly medians and 5-95% bands of its days.

The report reads nothing but this folder: the numbers (daily.parquet, summary.json,
validation.csv, persons.parquet), the study that made them (study.json) and each scenario's
parameter histories (parameters.json). A folder written before study.json existed is
refused, naming the missing files: run `simulate` again to explain it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from asylum_pathways import validation_csv
from asylum_pathways.errors import InputError, Problem
from asylum_pathways.report.study import StudyView

FLOWS = ("encounters", "mpp_enrolled")  # daily flows summed by week
REQUIRED = ("daily.parquet", "summary.json", "validation.csv", "study.json", "parameters.json")
#: Written since the report reads only its folder; a folder without them is an older run's.
SINCE = ("study.json", "parameters.json")


@dataclass
class Results:
    folder: Path
    summary: dict[str, Any]
    daily: pl.DataFrame
    validation: pl.DataFrame
    persons: pl.DataFrame | None
    study: StudyView
    parameters: dict[str, Any]

    @property
    def scenarios(self) -> list[str]:
        return list(self.summary["scenarios"])

    def label(self, name: str) -> str:
        """The scenario's human name (its file's `label`), else its name."""
        return str(self.summary["scenarios"].get(name, {}).get("label") or name)


def check(folder: Path, shown: Path | None = None) -> None:
    """Refuse a folder that is not a results folder, naming it (as `shown`, the path the user
    gave) and every missing file."""
    missing = [name for name in REQUIRED if not (folder / name).is_file()]
    if not missing:
        return
    where = shown or folder
    older = set(missing) <= set(SINCE)
    why = (
        " (written by `simulate` since the report reads only its results folder; run "
        "`asylum-pathways simulate` again to write them)"
        if older
        else ""
    )
    raise InputError(
        f"{where}: not a results folder of `asylum-pathways simulate` (missing "
        f"{', '.join(missing)}){why}",
        [Problem((name,), "missing", str(where / name)) for name in missing],
    )


def load(folder: Path, shown: Path | None = None) -> Results:
    """The results in `folder`; errors name `shown` (the path the user gave) instead."""
    check(folder, shown)
    where = shown or folder
    try:
        summary = json.loads((folder / "summary.json").read_text())
        study = json.loads((folder / "study.json").read_text())
        parameters = json.loads((folder / "parameters.json").read_text())
        daily = pl.read_parquet(folder / "daily.parquet")
        validation = pl.read_csv(
            folder / "validation.csv", try_parse_dates=True, schema_overrides=validation_csv.COLUMNS
        )
        persons_path = folder / "persons.parquet"
        persons = pl.read_parquet(persons_path) if persons_path.exists() else None
    except (json.JSONDecodeError, pl.exceptions.PolarsError, OSError) as exc:
        message = str(exc).splitlines()[0].replace(str(folder), str(where))
        raise InputError(f"{where}: cannot read the results ({message})") from None
    view = StudyView.read(study, where / "study.json")
    return Results(folder, summary, daily, validation, persons, view, parameters)


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
