"""The model against every dated published figure in the project data it can speak to.

Each row names the figure, its date and source, its kind, and the model's mean and
5th-95th percentiles over replications of the `history` scenario. The kind comes from the
calibration spec (sim/calibrate/spec.yaml), not from a list kept here: `calibration` if
`calibrate` fits it (in-sample, a check of the fit), `by_construction` if an assumption was
derived from it directly, `validation` otherwise (independent).
Figures the model cannot speak to (representation, fear-screening referrals) are left out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import polars as pl

from asylum_pathways.sim.fitting import measures
from asylum_pathways.sim.fitting import spec as calibration_spec
from asylum_pathways.sim.fitting.measures import Measure, relation_of
from asylum_pathways.sim.fitting.spec import Spec, Target
from asylum_pathways.sim.runs.montecarlo import Study, summarize
from asylum_pathways.validation_csv import COLUMNS

__all__ = ["agrees", "points", "relation_of", "table", "with_targets"]


def points() -> list[Measure]:
    """Every published figure the model can speak to (data/measures.yaml)."""
    return list(measures.catalogue())


def with_targets(spec: Spec, metrics: set[str]) -> list[tuple[Measure, str]]:
    """Every point with its kind: `calibration` if the spec fits it (and the model has its
    metric), `by_construction` if the spec says an assumption was derived from it, else
    `validation`. A calibration target not among the points is added as one, with the
    spec's model statistic; a point the spec fits is measured the way the fit measured it."""
    fitted, _ = spec.usable(metrics)
    by_key: dict[tuple[str | None, str, dt.date], Target] = {
        (t.figure, t.field, t.end): t for t in fitted if t.figure is not None
    }
    by_id = {t.id: t for t in fitted if t.figure is None}  # a series target names its row
    restated = {ref for t in fitted for ref in t.also}
    out: list[tuple[Measure, str]] = []
    seen = set()
    for p in points():
        target = by_key.get((p.figure, p.field, p.date)) or by_id.get(p.id)
        if target is not None:
            seen.add(target.id)
            out.append((as_measure(target, p.quantity, p.note, p.id), "calibration"))
            continue
        if (p.figure, p.field) in restated:
            kind = "calibration"  # the same published number as a target, reported elsewhere
        elif any(b.covers(p.id) for b in spec.by_construction):
            kind = "by_construction"
        else:
            kind = "validation"
        out.append((p, kind))
    for t in fitted:
        if t.id not in seen:
            out.append(
                (
                    as_measure(t, f"{t.field.replace('_', ' ')} ({t.figure})", t.note),
                    "calibration",
                )
            )
    return out


def as_measure(t: Target, quantity: str, note: str, row_id: str | None = None) -> Measure:
    """A calibration target as the measure it fits (measured the way the fit measures it),
    under its row's id in validation.csv."""
    m = t.measure
    return replace(m, id=row_id or m.id, quantity=quantity, note=t.note or note)


def table(study: Study, scenario: str = "history", spec: Spec | None = None) -> pl.DataFrame:
    """Validation rows for the figures inside the study's horizon: everything a figure counts
    (from its first day, `Measure.first_day`, to its date) must be simulated, so a running
    total since a program's start needs a horizon that starts by then (kinds from `spec`,
    default the packaged calibration spec)."""
    if scenario not in [s.name for s in study.scenarios]:
        scenario = study.scenarios[0].name
    spec = spec or calibration_spec.load(None, None)
    metrics = set(study.metrics())

    def daily(metric: str) -> np.ndarray:
        return study.daily(scenario, metric)

    rows = []
    for p, kind in with_targets(spec, metrics):
        if p.first_day < study.start or p.date > study.end:
            continue
        if not all(m in metrics for m in p.needs):
            continue
        values = p.statistic(daily, study.start)
        s = summarize(values)
        rel = (s["mean"] - p.published) / p.published if p.published else float("nan")
        relation = p.relation
        inside = s["p5"] <= p.published <= s["p95"]
        rows.append(
            {
                "id": p.id,
                "date": p.date,
                "quantity": p.quantity,
                "published": p.published,
                "model_mean": s["mean"],
                "model_p5": s["p5"],
                "model_p95": s["p95"],
                "relative_error": rel,
                "within_interval": inside,
                "kind": kind,
                "scenario": scenario,
                "source": p.source,
                "note": p.note,
                "relation": relation,
                "agrees": agrees(relation, inside, s["p5"], s["p95"], p.published),
            }
        )
    return pl.DataFrame(rows, schema=COLUMNS)  # typed even with no rows


def agrees(relation: str, inside: bool, p5: float, p95: float, published: float) -> bool:
    """Whether the model's 5-95% band is consistent with the figure: it holds the figure
    (`about`), or reaches the bound from the right side (`at_least`: p95 at or above it;
    `at_most`: p5 at or below it)."""
    if relation == "at_least":
        return bool(p95 >= published)
    if relation == "at_most":
        return bool(p5 <= published)
    return bool(inside)
