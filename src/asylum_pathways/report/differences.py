"""Scenario minus baseline, paired by replication.

Every replication runs each scenario on the same simulated people and random numbers
(common random numbers), so a difference is taken replication by replication and only
then summarised: its interval is far narrower than the gap between two levels' intervals.
A scenario's baseline is the scenario it extends when that one is in the study, else the
study's first scenario.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from asylum_pathways.intervals import summarize

#: Headline figures compared between scenarios: (key, label). `aca_transfers` sums the
#: per-country `aca_transfers_XX` figures replication by replication.
COMPARED = (
    ("title42_expulsions", "Title 42 expulsions"),
    ("aca_transfers", "ACA transfers"),
    ("mpp_enrolled", "MPP enrolments"),
    ("mpp_pending_end", "MPP cases pending at the end"),
    ("mpp_waiting_in_mexico_end", "people waiting in Mexico at the end"),
    ("mpp_in_absentia", "MPP in-absentia removal orders"),
    ("mpp_granted", "MPP cases granted relief"),
    ("pathway_EXPEDITED_REMOVAL", "expedited removals"),
    ("pathway_CREDIBLE_FEAR", "credible-fear screenings"),
    ("pathway_NTA_RELEASE", "notices to appear with release"),
)

#: Daily series compared over time: label -> (daily metrics summed, cumulate the sum).
SERIES: dict[str, tuple[tuple[str, ...], bool]] = {
    "Title 42 expulsions (cumulative)": (("pathway_TITLE42_EXPULSION",), True),
    "ACA transfers (cumulative)": (("aca_transfers_*_cumulative",), False),
    "MPP enrolments (cumulative)": (("mpp_enrolled_cumulative",), False),
    "MPP cases pending": (("mpp_pending",), False),
    "People waiting in Mexico": (("mpp_waiting_in_mexico",), False),
    "In-absentia removal orders (cumulative)": (("mpp_in_absentia_cumulative",), False),
}


@dataclass(frozen=True)
class Pair:
    scenario: str
    baseline: str


def pairs(summary: dict[str, Any]) -> list[Pair]:
    names = list(summary["scenarios"])
    out = []
    for name in names[1:]:
        parent = summary["scenarios"][name].get("extends")
        out.append(Pair(name, parent if parent in names and parent != name else names[0]))
    return out


def label(summary: dict[str, Any], name: str) -> str:
    return str(summary["scenarios"][name].get("label") or name)


def replicates(summary: dict[str, Any], name: str, key: str) -> np.ndarray | None:
    reps = summary["scenarios"][name].get("replicates", {})
    if key == "aca_transfers":
        parts = [
            np.asarray(v, dtype=np.float64)
            for k, v in reps.items()
            if k.startswith("aca_transfers_")
        ]
        return np.sum(parts, axis=0) if parts else None
    return np.asarray(reps[key], dtype=np.float64) if key in reps else None


def headline(summary: dict[str, Any]) -> pl.DataFrame:
    """One row per scenario pair and compared figure: mean and 5-95% of the paired difference."""
    rows = []
    for pair in pairs(summary):
        for key, name in COMPARED:
            a, b = replicates(summary, pair.scenario, key), replicates(summary, pair.baseline, key)
            if a is None or b is None:
                continue
            d = a - b
            rows.append(
                {
                    "scenario": pair.scenario,
                    "baseline": pair.baseline,
                    "metric": key,
                    "figure": name,
                    **summarize(d),
                    "all_zero": bool(np.all(d == 0)),
                }
            )
    schema = {
        "scenario": pl.String,
        "baseline": pl.String,
        "metric": pl.String,
        "figure": pl.String,
        "mean": pl.Float64,
        "p5": pl.Float64,
        "p95": pl.Float64,
        "all_zero": pl.Boolean,
    }
    return pl.DataFrame(rows, schema=schema)


def _series(daily: pl.DataFrame) -> pl.DataFrame:
    """Per scenario, replication, day and compared series: its value."""
    frames = []
    for name, (patterns, cumulate) in SERIES.items():
        cond = pl.lit(False)
        for p in patterns:
            cond = cond | (
                pl.col("metric").str.contains(f"^{p.replace('*', '[A-Z]+')}$")
                if "*" in p
                else (pl.col("metric") == p)
            )
        s = (
            daily.filter(cond)
            .group_by(["scenario", "replication", "date"])
            .agg(pl.col("value").sum())
            .sort(["scenario", "replication", "date"])
        )
        if cumulate:
            s = s.with_columns(pl.col("value").cum_sum().over(["scenario", "replication"]))
        frames.append(s.with_columns(pl.lit(name).alias("series")))
    return pl.concat(frames) if frames else pl.DataFrame()


def over_time(daily: pl.DataFrame, summary: dict[str, Any]) -> pl.DataFrame:
    """Weekly (last day of each week) median and 5-95% of each pair's paired difference."""
    s = _series(daily)
    out = []
    for pair in pairs(summary):
        a = s.filter(pl.col("scenario") == pair.scenario).drop("scenario")
        b = s.filter(pl.col("scenario") == pair.baseline).drop("scenario")
        d = (
            a.join(b, on=["replication", "date", "series"], suffix="_base")
            .with_columns(
                (pl.col("value") - pl.col("value_base")).alias("difference"),
                pl.col("date").dt.truncate("1w").alias("week"),
            )
            .sort("date")
            .group_by(["series", "replication", "week"])
            .agg(pl.col("difference").last())
            .group_by(["series", "week"])
            .agg(
                pl.col("difference").median().alias("median"),
                pl.col("difference").quantile(0.05, "linear").alias("p5"),
                pl.col("difference").quantile(0.95, "linear").alias("p95"),
            )
            .with_columns(
                pl.lit(pair.scenario).alias("scenario"),
                pl.lit(pair.baseline).alias("baseline"),
                pl.lit(f"{label(summary, pair.scenario)} − {label(summary, pair.baseline)}").alias(
                    "comparison"
                ),
            )
        )
        out.append(d)
    if not out:
        return pl.DataFrame()
    return (
        pl.concat(out)
        .select("comparison", "scenario", "baseline", "series", "week", "median", "p5", "p95")
        .sort(["comparison", "series", "week"])
    )
