"""Time from the encounter to an event, with people still waiting at the end counted.

A person enrolled late in the horizon cannot be seen waiting long, so a share among
those who had the event would leave them out. The Kaplan–Meier estimate keeps them:
each person is at risk from day 0 until their event or until the end of the horizon
(censored), and the curve is the share who had the event within t days, 1 − S(t).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

#: (label, event date column, who is at risk): measured from the encounter date.
MEASURES = (
    ("First MPP hearing", "mpp_first_hearing_date", "mpp_port"),
    ("MPP case completed", "mpp_completion_date", "mpp_port"),
)


def kaplan_meier(persons: pl.DataFrame, end: dt.date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The curve per scenario and measure, and a summary row per scenario and measure.

    Curve columns: measure, scenario, days, share (1 − S), at_risk. Summary columns:
    measure, scenario, people, had_event, not_by_end (share without the event by `end`),
    median_days (Kaplan–Meier median; null when under half had it)."""
    curves, sums = [], []
    for label, col, who in MEASURES:
        if col not in persons.columns or who not in persons.columns:
            continue
        p = persons.filter(pl.col(who).is_not_null()).select(
            pl.col("scenario").cast(pl.String),
            pl.col(col).is_not_null().alias("event"),
            (
                pl.when(pl.col(col).is_not_null()).then(pl.col(col)).otherwise(pl.lit(end))
                - pl.col("encounter_date")
            )
            .dt.total_days()
            .alias("days"),
        )
        if p.height == 0:
            continue
        per_day = _per_day(p, label)
        start = per_day.group_by("scenario").agg(
            pl.lit(0, dtype=pl.Int64).alias("days"),
            pl.lit(0.0).alias("share"),
            pl.col("people").first().cast(pl.Int64).alias("at_risk"),
        )
        curve = pl.concat(
            [
                start.with_columns(pl.lit(label).alias("measure")),
                per_day.select(
                    "scenario",
                    pl.col("days").cast(pl.Int64),
                    "share",
                    pl.col("at_risk").cast(pl.Int64),
                    "measure",
                ),
            ],
            how="diagonal",
        ).select("measure", "scenario", "days", "share", "at_risk")
        curves.append(curve)
        sums.append(
            p.group_by("scenario")
            .agg(pl.len().alias("people"), pl.col("event").sum().alias("had_event"))
            .join(
                per_day.filter(pl.col("survival") <= 0.5)
                .group_by("scenario")
                .agg(pl.col("days").min().alias("median_days")),
                on="scenario",
                how="left",
            )
            .with_columns(
                (1 - pl.col("had_event") / pl.col("people")).alias("not_by_end"),
                pl.lit(label).alias("measure"),
            )
            .select("measure", "scenario", "people", "had_event", "not_by_end", "median_days")
        )
    if not curves:
        return pl.DataFrame(), pl.DataFrame()
    return (
        pl.concat(curves).sort(["measure", "scenario", "days"]),
        pl.concat(sums).sort(["measure", "scenario"]),
    )


def _per_day(p: pl.DataFrame, label: str) -> pl.DataFrame:
    """Per scenario and day: events, people leaving observation, at risk, and 1 − S."""
    return (
        p.group_by(["scenario", "days"])
        .agg(pl.col("event").sum().alias("events"), pl.len().alias("leaving"))
        .sort(["scenario", "days"])
        .with_columns(pl.col("leaving").sum().over("scenario").alias("people"))
        .with_columns(
            (
                pl.col("people") - pl.col("leaving").cum_sum().over("scenario") + pl.col("leaving")
            ).alias("at_risk")
        )
        .with_columns(
            (1 - pl.col("events") / pl.col("at_risk")).cum_prod().over("scenario").alias("survival")
        )
        .with_columns((1 - pl.col("survival")).alias("share"), pl.lit(label).alias("measure"))
    )
