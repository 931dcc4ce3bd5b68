"""A calibration target (`targets:` in a calibration spec): a published figure or series
value, the daily metrics that measure it on a date or summed over a period, and how close the
model must come (relation, tolerance, weight)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np

from asylum_pathways.params.yamlio import line_of
from asylum_pathways.sim.fitting import figures, measures
from asylum_pathways.sim.fitting.measures import Measure
from asylum_pathways.sim.fitting.spec_blocks import items, number, unknown

RELATIONS = ("about", "at_least", "at_most")
TARGET_KEYS = {
    "id",
    "figure",
    "field",
    "series",
    "path",
    "metric",
    "date",
    "period",
    "relation",
    "tolerance",
    "weight",
    "note",
    "also",
    "minus",
}


@dataclass(frozen=True)
class Target:
    id: str  # figure.field, or series:name/path
    figure: str | None
    field: str
    series: str | None
    path: tuple[str, ...]
    metrics: tuple[str, ...]
    start: dt.date  # the model date (or first day of the period)
    end: dt.date  # = start for a value on a date
    summed: bool  # True: the sum of a daily flow over [start, end]
    relation: str
    tolerance: float
    weight: float
    published: float
    source: str
    note: str
    also: tuple[tuple[str, str], ...] = ()  # (figure, field): the same number reported elsewhere
    minus: str | None = None  # a metric subtracted (data/measures.yaml)
    of: str | None = None  # the denominator of a share

    @property
    def measure(self) -> Measure:
        """The published figure and the statistic that measures it."""
        known = measures.by_key().get((str(self.figure), self.field))
        return Measure(
            id=self.figure or self.id,
            date=self.end,
            quantity=known.quantity if known else self.field.replace("_", " "),
            published=self.published,
            source=self.source,
            note=self.note,
            metrics=self.metrics,
            minus=self.minus,
            of=self.of,
            start=self.start if self.summed else None,
            figure=self.figure,
            field=self.field,
            bound=self.relation,
            counted_from=None if self.summed else self._counted_from(known),
        )

    def _counted_from(self, known: Measure | None) -> dt.date | None:
        if known is not None and known.counted_from is not None:
            return known.counted_from
        return measures.counted_from(self.figure or self.id)

    def statistic(self, daily: Any, first_day: dt.date) -> np.ndarray:
        """The model's value per replication; `daily(metric)` is a [rep, day] array."""
        return self.measure.statistic(daily, first_day)

    def residual(self, model: np.ndarray) -> np.ndarray:
        """Signed residual in tolerance units (0 where a bound is met)."""
        scale = self.tolerance * (abs(self.published) or 1.0)
        r = (model - self.published) / scale
        if self.relation == "at_least":
            r = np.minimum(r, 0.0)
        elif self.relation == "at_most":
            r = np.maximum(r, 0.0)
        return r

    def inside(self, p5: float, p95: float) -> bool:
        if self.relation == "at_least":
            return p95 >= self.published
        if self.relation == "at_most":
            return p5 <= self.published
        return p5 <= self.published <= p95


def parse_targets(
    block: Any, where: str, line: int | None, start: dt.date, problems: list[str]
) -> list[Target]:
    """The targets of a spec's `targets:` block; each problem is added to `problems`, and a
    target with a problem is left out."""
    out: list[Target] = []
    seen: set[str] = set()
    for item in items(block, "targets", where, line, problems):
        unknown(item, TARGET_KEYS, where, "target", problems)
        target = _target(item, where, line, start, seen, problems)
        if target is not None:
            out.append(target)
    return out


def _target(
    item: Any,
    where: str,
    line: int | None,
    start: dt.date,
    seen: set[str],
    problems: list[str],
) -> Target | None:
    at = f"{where} line {getattr(item, 'line', line)}"
    before = len(problems)
    found = _published(item, where, at, problems)
    if found is None:
        return None
    tid, figure, field, series, path, published = found
    if tid in seen:
        problems.append(f"{at}: target {tid} appears twice")
    seen.add(tid)
    known = measures.by_key().get((str(figure), field)) if figure is not None else None
    metric = item.get("metric", list(known.metrics) if known else None)
    metrics = tuple(metric) if isinstance(metric, list) else (metric,)
    if not metrics or not all(isinstance(m, str) and m for m in metrics):
        problems.append(f"{at}: target {tid}: metric {metric!r}: expected a name or a list")
    minus = item.get("minus")
    if minus is not None and not (isinstance(minus, str) and minus):
        problems.append(f"{at}: target {tid}: minus {minus!r}: expected a metric's name")
    days = _days(item, known, tid, where, at, start, problems)
    if days is None:
        return None
    first, last, summed = days
    bound = known.relation if known else measures.relation_of(str(field or ""))
    relation, tol, weight = _closeness(item, bound, tid, where, at, problems)
    also = _also(item, tid, at, problems)
    if len(problems) > before:
        return None
    measured = known is not None and "metric" not in item
    return Target(
        tid,
        figure,
        field,
        series,
        path,
        metrics,
        first,
        last,
        summed,
        str(relation),
        float(tol),
        float(weight),
        float(published),
        figures.source(figure, series),
        str(item.get("note", "")),
        also,
        _minus(item, known, measured),
        known.of if measured and known is not None else None,
    )


def _published(
    item: Any, where: str, at: str, problems: list[str]
) -> tuple[str, Any, str, Any, tuple[str, ...], Any] | None:
    """(id, figure, field, series, path, published value) of a target that names a figure
    of the data files (with a field) or a series of calibration.yaml (with a path)."""
    figure, series = item.get("figure"), item.get("series")
    field = str(item.get("field", ""))
    path = tuple(str(k) for k in item.get("path") or ())
    if (figure is None) == (series is None):
        problems.append(f"{at}: target: give either figure (with field) or series (with path)")
        return None
    tid = (
        str(item["id"])
        if item.get("id")
        else (f"{figure}.{field}" if figure is not None else f"{series}:{'/'.join(path)}")
    )
    if figure is not None and figure not in figures.records():
        problems.append(
            f"{where} line {line_of(item, 'figure')}: target: figure {figure!r} is not a "
            "record id in the data files "
            f"({', '.join(figures.FILES)})"
        )
        return None
    if series is not None and figures.series(str(series)) is None:
        problems.append(f"{at}: target: series {series!r} is not in calibration.yaml")
        return None
    published = figures.value(figure, field, series, path)
    if not number(published):
        problems.append(
            f"{where} line {line_of(item, 'field' if figure else 'path')}: target {tid}: "
            f"the published value {published!r} is not a number "
            "(check field or path)"
        )
        return None
    return tid, figure, field, series, path, published


def _days(
    item: Any,
    known: Any,
    tid: str,
    where: str,
    at: str,
    start: dt.date,
    problems: list[str],
) -> tuple[dt.date, dt.date, bool] | None:
    """(first day, last day, summed) of a target: its date, or its period (a daily flow
    summed); without either, as data/measures.yaml measures the figure."""
    day, period = item.get("date"), item.get("period")
    if known is not None and "metric" not in item and day is None and period is None:
        day = known.date  # measured as data/measures.yaml measures it
        if known.start is not None:
            period = {"from": known.start, "to": known.date}
    summed = period is not None
    if summed:
        ok = isinstance(period, dict) and all(
            isinstance(period.get(k), dt.date) for k in ("from", "to")
        )
        if not ok or period["to"] < period["from"]:
            problems.append(f"{at}: target {tid}: period {period!r}: expected {{from, to}} dates")
            return None
        first, last = period["from"], period["to"]
    else:
        if not isinstance(day, dt.date):
            problems.append(f"{at}: target {tid}: date {day!r}: expected YYYY-MM-DD")
            return None
        first = last = day
    if first < start:
        problems.append(
            f"{where} line {line_of(item, 'period' if summed else 'date')}: target {tid}: "
            f"{first} is before the spec's start {start}"
        )
    return first, last, summed


def _closeness(
    item: Any, bound: str, tid: str, where: str, at: str, problems: list[str]
) -> tuple[Any, ...]:
    """(relation, tolerance, weight) of a target: how close the model must come. The relation
    is the figure's own (`bound`: as data/measures.yaml or the field's suffix says) unless the
    target gives one."""
    relation = item.get("relation", bound)
    if relation not in RELATIONS:
        problems.append(
            f"{where} line {line_of(item, 'relation')}: target {tid}: relation {relation!r}: "
            f"expected one of {', '.join(RELATIONS)}"
        )
    tol, weight = item.get("tolerance"), item.get("weight", 1.0)
    if not number(tol) or tol <= 0:
        problems.append(
            f"{where} line {line_of(item, 'tolerance')}: target {tid}: tolerance {tol!r}: "
            "expected a number > 0"
        )
    if not number(weight) or weight <= 0:
        problems.append(f"{at}: target {tid}: weight {weight!r}: expected a number > 0")
    return relation, tol, weight


def _also(item: Any, tid: str, at: str, problems: list[str]) -> tuple[tuple[str, str], ...]:
    """(figure, field) of each place the same number is reported elsewhere (`also:`)."""
    also = []
    for ref in item.get("also") or []:
        fig, _, fld = str(ref).rpartition(".")
        if not number(figures.value(fig, fld, None, ())):
            problems.append(
                f"{at}: target {tid}: also {ref!r}: expected <figure id>.<field> of a number"
            )
        also.append((fig, fld))
    return tuple(also)


def _minus(item: Any, known: Measure | None, measured: bool) -> str | None:
    """The metric subtracted from the target's: its own `minus`, else data/measures.yaml's
    when the target is measured as the measure is."""
    if item.get("minus") is not None:
        return str(item["minus"])
    return known.minus if measured and known is not None else None
