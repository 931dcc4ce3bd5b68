"""Charts as Vega-Lite specs (via Altair), one module per chart family. Each chart function
returns (spec, data frame for its CSV); `spec` builds them from cached skeletons."""

from asylum_pathways.report.charts.aca import aca
from asylum_pathways.report.charts.differences import differences
from asylum_pathways.report.charts.mpp import mpp
from asylum_pathways.report.charts.palette import (
    PATHWAY_COLORS,
    PATHWAY_LABELS,
    SCENARIO_COLORS,
    SCENARIO_DASHES,
)
from asylum_pathways.report.charts.pathways import pathways
from asylum_pathways.report.charts.sensitivity import sensitivity
from asylum_pathways.report.charts.times import times
from asylum_pathways.report.charts.validation import validation_series, validation_single

__all__ = [
    "PATHWAY_COLORS",
    "PATHWAY_LABELS",
    "SCENARIO_COLORS",
    "SCENARIO_DASHES",
    "aca",
    "differences",
    "mpp",
    "pathways",
    "sensitivity",
    "times",
    "validation_series",
    "validation_single",
]
