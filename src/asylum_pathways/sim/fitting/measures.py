"""How the model measures each published figure: the rows of `data/measures.yaml`.

A `Measure` is one published number (from the data files), its date, what it counts, and the
model statistic that counts the same thing (a metric's value on the date, its sum over a
month or a period, or a share). `validation.csv`, the calibration's targets and its
back-test all read these rows, so a figure is measured one way everywhere.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from asylum_pathways.data import load
from asylum_pathways.errors import ParameterError
from asylum_pathways.sim.fitting import figures

CATALOGUE = "measures.yaml"
#: metric -> [rep, day] array of the model's daily values.
Daily = Callable[[str], np.ndarray]
#: What a published figure says of the quantity, by its field's suffix in the data files:
#: `_min` ("at least", "over") and `_max` ("at most", "fewer than") are bounds.
RELATIONS = {"_min": "at_least", "_max": "at_most"}
MONTH = re.compile(r"\d{4}-\d{2}")


@dataclass(frozen=True)
class Measure:
    """One published figure and the model statistic that measures the same quantity."""

    id: str
    date: dt.date  # the data date (the last day of a month or a period)
    quantity: str
    published: float
    source: str
    note: str
    metrics: tuple[str, ...]  # summed
    minus: str | None = None  # subtracted
    of: str | None = None  # denominator of a share
    start: dt.date | None = None  # first day of a summed month or period (None: on the date)
    figure: str | None = None  # the record id, when the figure is a record's field
    field: str = ""
    bound: str | None = None  # the row's relation, when it is not the field's
    #: a point figure of a stock or a running total: the first day its count covers (the
    #: model can speak to it only from a horizon that starts by then)
    counted_from: dt.date | None = None

    @property
    def relation(self) -> str:
        """`about` for a figure that states the quantity, `at_least`/`at_most` for a bound."""
        return self.bound or relation_of(self.field)

    @property
    def first_day(self) -> dt.date:
        """The first day the figure counts: a period's first day, the day a running total
        starts, or the figure's own date."""
        return self.start or self.counted_from or self.date

    @property
    def needs(self) -> tuple[str, ...]:
        """Every metric the statistic reads."""
        return tuple(m for m in (*self.metrics, self.minus, self.of) if m)

    def statistic(self, daily: Daily, first_day: dt.date) -> np.ndarray:
        """The model's value of the figure per replication (`daily(metric)`: [rep, day],
        day 0 being `first_day`)."""
        b = (self.date - first_day).days
        if self.start is not None:
            a = (self.start - first_day).days
            total = sum(daily(m)[:, a : b + 1].sum(axis=1) for m in self.metrics)
            if self.minus:
                total = total - daily(self.minus)[:, a : b + 1].sum(axis=1)
            return np.asarray(total, dtype=np.float64)
        value = np.asarray(sum(daily(m)[:, b] for m in self.metrics), dtype=np.float64)
        if self.minus:
            value = value - daily(self.minus)[:, b]
        if self.of:
            d = np.asarray(daily(self.of)[:, b], dtype=np.float64)
            return np.divide(value, d, out=np.full_like(value, np.nan), where=d > 0)
        return value


def relation_of(field: str) -> str:
    return next((r for suffix, r in RELATIONS.items() if field.endswith(suffix)), "about")


@cache
def catalogue() -> tuple[Measure, ...]:
    """Every row of `data/measures.yaml`, series expanded to one measure a month."""
    data = load(CATALOGUE)
    out = [_figure(row) for row in data["figures"]]
    for row in data["series"]:
        out.extend(_series(row))
    return tuple(out)


def by_key() -> dict[tuple[str, str], Measure]:
    """The measures of records' fields, by (figure id, field) (the first of a figure measured
    on two days)."""
    out: dict[tuple[str, str], Measure] = {}
    for m in catalogue():
        if m.figure is not None:
            out.setdefault((m.figure, m.field), m)
    return out


def _metrics(row: dict[str, Any]) -> tuple[str, ...]:
    metric = row["metric"]
    return tuple(metric) if isinstance(metric, list) else (str(metric),)


def _figure(row: dict[str, Any]) -> Measure:
    field = str(row["field"])
    record = figures.records().get(row["figure"])
    if record is None:
        record = _walk(load(row["file"]), row["path"]) if "file" in row else None
    if record is None:
        raise ParameterError(f"{CATALOGUE}: figure {row['figure']!r} is in no data file")
    value: Any = record
    for key in field.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    if not _number(value):
        raise ParameterError(
            f"{CATALOGUE}: figure {row['figure']!r} field {field!r} is not a number ({value!r})"
        )
    period = row.get("period")
    return Measure(
        id=str(row.get("id", row["figure"])),
        date=period["to"] if period else row["date"],
        quantity=str(row["quantity"]),
        published=float(value),
        source=str(record.get("source", "")),
        note=str(row.get("note") or record.get("note") or ""),
        metrics=_metrics(row),
        minus=row.get("minus"),
        of=row.get("of"),
        start=period["from"] if period else None,
        figure=str(row["figure"]),
        field=field,
        bound=row.get("relation"),
        counted_from=None if period else _counted_from(row),
    )


def _counted_from(row: dict[str, Any]) -> dt.date:
    """The row's own `counted_from`, else that of the longest prefix of its id in the
    catalogue's `counted_from` list."""
    if "counted_from" in row:
        return row["counted_from"]
    rid = str(row.get("id", row["figure"]))
    day = counted_from(rid)
    if day is None:
        raise ParameterError(
            f"{CATALOGUE}: figure {rid!r}: no counted_from (expected the row's own, or a"
            " prefix of its id in the counted_from list: the first day its count covers)"
        )
    return day


def counted_from(figure: str) -> dt.date | None:
    """The first day a point figure `figure` counts, by the catalogue's `counted_from` list
    (None: no prefix of it is listed)."""
    since = load(CATALOGUE)["counted_from"]
    matches = [(len(r["prefix"]), r["from"]) for r in since if figure.startswith(r["prefix"])]
    return max(matches)[1] if matches else None


def _series(row: dict[str, Any]) -> list[Measure]:
    data = load(row["file"])
    node = _walk(data, row["path"])
    source = _source(data, row["path"])
    if "months" in row:
        node = dict(zip(_walk(data, row["months"]), node, strict=True))
    out = []
    for key, item in node.items():
        key = str(key)
        if not MONTH.fullmatch(key):
            continue
        value = item.get(row["value"]) if "value" in row else item
        if value is None or (row.get("value") in ("title42", "title42_expulsions") and not value):
            continue  # no Title 42 before March 2020: not a published zero
        first = dt.date(int(key[:4]), int(key[5:]), 1)
        last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        own = item.get("source") if isinstance(item, dict) else None
        out.append(
            Measure(
                id=f"{row['id']}.{key}",
                date=last,
                quantity=str(row["quantity"]),
                published=float(value),
                source=str(own or source),
                note=str(row.get("note", "")),
                metrics=_metrics(row),
                minus=row.get("minus"),
                start=first,
                figure=None,
                field="",
            )
        )
    return out


def _walk(node: Any, path: list[Any]) -> Any:
    for key in path:
        if isinstance(node, list):
            node = next(x for x in node if isinstance(x, dict) and x.get("id") == key)
        else:
            node = node[key]
    return node


def _source(data: Any, path: list[Any]) -> str:
    """The `source` of the deepest node on `path` that has one."""
    found, node = "", data
    for key in path:
        if isinstance(node, dict) and "source" in node:
            found = str(node["source"])
        node = _walk(node, [key])
    if isinstance(node, dict) and "source" in node:
        found = str(node["source"])
    return found


def _number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)
