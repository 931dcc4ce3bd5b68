"""Each scenario minus its baseline, week by week, one panel per compared series."""

from __future__ import annotations

from typing import Any

import polars as pl

from asylum_pathways.report.charts.bands import band_chart
from asylum_pathways.report.charts.palette import SCENARIO_COLORS, SCENARIO_DASHES
from asylum_pathways.report.charts.spec import scenario_labels, wrap
from asylum_pathways.report.data import Results
from asylum_pathways.report.differences import SERIES


def differences(
    results: Results, frame: pl.DataFrame, name: str
) -> tuple[dict[str, Any] | None, pl.DataFrame]:
    if frame.height == 0:
        return None, frame
    frame = frame.with_columns(
        pl.col("comparison")
        .map_elements(lambda c: wrap(c, 32), return_dtype=pl.String)
        .alias("shown")
    )
    comparisons = list(dict.fromkeys(frame["shown"].to_list()))
    order = {
        c: results.scenarios.index(s)
        for c, s in zip(frame["shown"], frame["scenario"], strict=True)
    }
    scale = (
        "shown",
        "Scenario − its baseline",
        comparisons,
        [SCENARIO_COLORS[order[c] % len(SCENARIO_COLORS)] for c in comparisons],
        [SCENARIO_DASHES[order[c] % 6] for c in comparisons],
    )
    present = set(frame["series"].to_list())
    series = [s for s in differences_series() if s in present]
    spec = band_chart(
        frame.with_columns(
            pl.col("series").map_elements(wrap, return_dtype=pl.String).alias("panel")
        ),
        scenario_labels(results),
        "Difference (people)",
        "panel",
        name,
        [wrap(s) for s in series],
        columns=3,
        scale=scale,
        zero_rule=True,
    )
    return spec, frame.drop("shown")


def differences_series() -> list[str]:
    return list(SERIES)
