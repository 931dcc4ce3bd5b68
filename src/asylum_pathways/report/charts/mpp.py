"""Remain in Mexico: enrolments, pending cases, people waiting and in-absentia orders."""

from __future__ import annotations

from typing import Any

import polars as pl

from asylum_pathways.report.charts.bands import band_chart
from asylum_pathways.report.charts.spec import labelled, scenario_labels
from asylum_pathways.report.data import Results, bands


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
    return band_chart(
        data,
        scenario_labels(results),
        "People",
        "measure",
        name,
        list(labels.values()),
        columns=2,
        height=160,
    ), data
