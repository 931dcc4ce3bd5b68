"""Which results represent history, the only ones compared with published figures.

A scenario represents history when it is the `history` scenario, or when it extends no other
scenario and changes no parameter (the parameter tree as it is: the law as it happened). A
validation row is compared only when its scenario represents history and its date is inside
the run's horizon; a counterfactual run is not scored against what happened.
"""

from __future__ import annotations

from typing import Any

import polars as pl

HISTORY = "history"


def represents_history(summary: dict[str, Any], name: str) -> bool:
    info = summary["scenarios"].get(name)
    if info is None:
        return False
    return name == HISTORY or (not info.get("extends") and not info.get("changed_parameters"))


def compared(fit_table: pl.DataFrame, summary: dict[str, Any]) -> pl.DataFrame:
    """The rows of the fit table that compare history with what was published."""
    if fit_table.height == 0:
        return fit_table
    start, end = (pl.lit(summary[k]).str.to_date() for k in ("start", "end"))
    scenarios = [n for n in summary["scenarios"] if represents_history(summary, n)]
    in_history = (
        pl.col("scenario").cast(pl.String).is_in(scenarios)
        if "scenario" in fit_table.columns
        else pl.lit(bool(scenarios))
    )
    date = pl.col("date").cast(pl.Date)
    return fit_table.filter(in_history & (date >= start) & (date <= end))


def left_out(fit_table: pl.DataFrame, summary: dict[str, Any], labels: dict[str, str]) -> str:
    """Why published figures are not compared, in words ('' when some are)."""
    if fit_table.height == 0 or compared(fit_table, summary).height:
        return ""
    names = list(summary["scenarios"])
    shown = ", ".join(labels.get(n, n) for n in names)
    return (
        f"The model is not compared with published figures here: no scenario of this run "
        f"({shown}) represents history (the `history` scenario, or one that extends no other "
        "and changes no parameter), and a counterfactual is not scored against what happened."
    )
