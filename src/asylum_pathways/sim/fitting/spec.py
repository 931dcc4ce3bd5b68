"""The calibration spec: fitted assumptions with priors, targets, by-construction figures.

`load(path, tree)` validates the whole file against the parameter tree and the data files
and reports every problem at once, each with the file and line (a `ParameterError`, exit 2).
The packaged spec is `sim/calibrate/spec.yaml`; its header documents the format.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import hashlib
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from asylum_pathways.errors import ParameterError
from asylum_pathways.params import ParameterTree
from asylum_pathways.params.yamlio import line_of, load_yaml
from asylum_pathways.sim.fitting import figures, measures
from asylum_pathways.sim.fitting.measures import Measure
from asylum_pathways.sim.fitting.posterior import TRANSFORMS, Fitted, problems_applying

DISTRIBUTIONS = ("uniform", "loguniform", "normal")
RELATIONS = ("about", "at_least", "at_most")
FILE_KEYS = {
    "name",
    "description",
    "scenario",
    "start",
    "parameters",
    "targets",
    "by_construction",
}
PARAM_KEYS = {
    "id",
    "parameter",
    "key",
    "dates",
    "transform",
    "integer",
    "prior",
    "about",
    "reference",
    "label",
}
PRIOR_KEYS = {"distribution", "bounds", "mean", "sd"}
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
class Prior:
    distribution: str
    low: float
    high: float
    mean: float = 0.0
    sd: float = 1.0

    def _t(self, x: np.ndarray) -> np.ndarray:
        return np.log(x) if self.distribution == "loguniform" else np.asarray(x, float)

    def _t_inverse(self, t: np.ndarray) -> np.ndarray:
        return np.exp(t) if self.distribution == "loguniform" else t

    def to_walk(self, x: np.ndarray) -> np.ndarray:
        """Values in the unbounded space the random walk moves in: the logit of the position
        between the bounds (of the log for loguniform), so every proposal is inside them."""
        lo, hi = self._t(np.array([self.low, self.high]))
        u = np.clip((self._t(x) - lo) / (hi - lo), 1e-12, 1 - 1e-12)
        return np.log(u) - np.log1p(-u)

    def from_walk(self, z: np.ndarray) -> np.ndarray:
        lo, hi = self._t(np.array([self.low, self.high]))
        return self._t_inverse(lo + (hi - lo) / (1.0 + np.exp(-z)))

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if self.distribution == "normal":
            out = np.empty(n)
            filled = 0
            while filled < n:  # rejection to the bounds (bounds validated to hold mass)
                x = rng.normal(self.mean, self.sd, n)
                x = x[(x >= self.low) & (x <= self.high)][: n - filled]
                out[filled : filled + x.shape[0]] = x
                filled += x.shape[0]
            return out
        lo, hi = self._t(np.array([self.low, self.high]))
        return self._t_inverse(rng.uniform(lo, hi, n))

    def cdf(self, x: np.ndarray) -> np.ndarray:
        """The prior's cumulative distribution at `x` (truncated to its bounds)."""
        x = np.clip(np.asarray(x, dtype=np.float64), self.low, self.high)
        if self.distribution == "normal":
            from math import erf, sqrt

            def phi(v: float) -> float:
                return 0.5 * (1.0 + erf((v - self.mean) / (self.sd * sqrt(2.0))))

            lo, hi = phi(self.low), phi(self.high)
            return (np.vectorize(phi)(x) - lo) / (hi - lo)
        lo, hi = self._t(np.array([self.low, self.high]))
        return (self._t(x) - lo) / (hi - lo)

    def log_density_walk(self, z: np.ndarray) -> np.ndarray:
        """Log prior density of walk-space values, up to a constant (with the Jacobian of
        the logit, so a Metropolis-Hastings ratio in walk space is the right one)."""
        z = np.asarray(z, float)
        log_jacobian = -np.logaddexp(0.0, -z) - np.logaddexp(0.0, z)  # log s(1 - s)
        if self.distribution == "normal":
            x = self.from_walk(z)
            return log_jacobian - 0.5 * ((x - self.mean) / self.sd) ** 2
        return log_jacobian


@dataclass(frozen=True)
class Parameter:
    fitted: Fitted
    prior: Prior
    about: str
    references: tuple[tuple[str, str], ...] = ()  # (title, href) the prior is built from
    label: str = ""  # what it is, in a few words, for people (the id when absent)


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
        )

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


@dataclass(frozen=True)
class ByConstruction:
    patterns: tuple[str, ...]
    assumption: str

    def covers(self, figure_id: str) -> bool:
        return any(fnmatch.fnmatchcase(figure_id, p) for p in self.patterns)


@dataclass(frozen=True)
class Spec:
    name: str
    description: str
    scenario: str
    start: dt.date
    parameters: tuple[Parameter, ...]
    targets: tuple[Target, ...]
    by_construction: tuple[ByConstruction, ...]
    source: str
    sha256: str

    @property
    def fitted(self) -> tuple[Fitted, ...]:
        return tuple(p.fitted for p in self.parameters)

    @property
    def end(self) -> dt.date:
        """The last day the targets need."""
        return max(t.end for t in self.targets)

    def usable(self, metrics: set[str]) -> tuple[list[Target], list[Target]]:
        """(targets whose metrics the model produces, targets it skips)."""
        use = [t for t in self.targets if all(m in metrics for m in t.metrics)]
        return use, [t for t in self.targets if t not in use]


def default_path() -> Path:
    return Path(str(resources.files("asylum_pathways") / "sim" / "calibrate" / "spec.yaml"))


def load(path: Path | None, tree: ParameterTree | None) -> Spec:
    """Read and validate a calibration spec; every problem is reported at once. Without a
    `tree` the fitted assumptions are not checked against it (validation.csv needs only the
    targets and by-construction figures)."""
    path = path or default_path()
    data = load_yaml(path)
    where = str(path)
    problems: list[str] = []
    if not isinstance(data, dict):
        raise ParameterError(
            f"{where}: a calibration spec is a mapping with parameters and targets"
        )
    for key in sorted(set(data) - FILE_KEYS, key=str):
        problems.append(
            f"{where} line {line_of(data, key)}: unknown key {key!r} "
            f"(expected {', '.join(sorted(FILE_KEYS))})"
        )
    start = data.get("start")
    if not isinstance(start, dt.date):
        problems.append(
            f"{where} line {line_of(data, 'start')}: start {start!r}: expected a date (YYYY-MM-DD)"
        )
        start = dt.date(1970, 1, 1)
    params = parse_parameters(
        data.get("parameters"), where, line_of(data, "parameters"), tree, problems
    )
    targets = _targets(data.get("targets"), where, line_of(data, "targets"), start, problems)
    by = _by_construction(data.get("by_construction"), where, problems)
    if problems:
        raise ParameterError(
            f"calibration spec {where} has {len(problems)} problem(s):\n  " + "\n  ".join(problems)
        )
    return Spec(
        name=str(data.get("name") or path.stem),
        description=str(data.get("description", "")).strip(),
        scenario=str(data.get("scenario") or "history"),
        start=start,
        parameters=tuple(params),
        targets=tuple(targets),
        by_construction=tuple(by),
        source=where,
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
    )


def _items(block: Any, name: str, where: str, line: int | None, problems: list[str]) -> list[Any]:
    if not isinstance(block, list) or not block:
        problems.append(f"{where} line {line}: {name}: expected a non-empty list")
        return []
    out = []
    for item in block:
        if not isinstance(item, dict):
            problems.append(f"{where} line {line}: {name}: each entry is a mapping, got {item!r}")
            continue
        out.append(item)
    return out


def _unknown(item: Any, allowed: set[str], where: str, what: str, problems: list[str]) -> None:
    for key in sorted(set(item) - allowed, key=str):
        problems.append(
            f"{where} line {line_of(item, key)}: {what}: unknown key {key!r} "
            f"(expected {', '.join(sorted(allowed))})"
        )


def _number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def parse_parameters(
    block: Any, where: str, line: int | None, tree: ParameterTree | None, problems: list[str]
) -> list[Parameter]:
    out: list[Parameter] = []
    seen: set[str] = set()
    for item in _items(block, "parameters", where, line, problems):
        at = f"{where} line {getattr(item, 'line', line)}"
        pid = item.get("id")
        what = f"parameter {pid!r}"
        _unknown(item, PARAM_KEYS, where, what, problems)
        before = len(problems)
        if not isinstance(pid, str) or not pid.isidentifier():
            problems.append(f"{at}: id {pid!r}: expected a name of letters, digits and _")
        elif pid in seen:
            problems.append(f"{at}: id {pid!r} appears twice")
        seen.add(str(pid))
        dates = item.get("dates") or []
        if not isinstance(dates, list) or not all(isinstance(d, dt.date) for d in dates):
            problems.append(f"{at}: {what}: dates {dates!r}: expected a list of YYYY-MM-DD")
            dates = []
        key = item.get("key")
        if key is not None and not isinstance(key, str):
            problems.append(f"{at}: {what}: key {key!r}: expected text")
        transform = item.get("transform", "set")
        if transform not in TRANSFORMS:
            problems.append(
                f"{at}: {what}: transform {transform!r}: expected one of {', '.join(TRANSFORMS)}"
            )
        fitted = Fitted(
            str(pid),
            str(item.get("parameter")),
            key,
            tuple(d.isoformat() for d in dates),
            str(transform),
            bool(item.get("integer", False)),
        )
        if len(problems) == before and tree is not None:
            ref = "key" if "key" in item else "parameter"
            problems.extend(
                f"{where} line {line_of(item, ref)}: {what}: {p}"
                for p in problems_applying(tree, fitted)
            )
        prior = _prior(item.get("prior"), f"{where} line {line_of(item, 'prior')}", what, problems)
        refs = tuple(
            (str(r.get("title", "")), str(r.get("href", "")))
            for r in item.get("reference") or []
            if isinstance(r, dict)
        )
        if prior is not None and len(problems) == before:
            label = str(item.get("label") or str(pid).replace("_", " ")).strip()
            out.append(Parameter(fitted, prior, str(item.get("about", "")).strip(), refs, label))
    return out


def _prior(p: Any, at: str, what: str, problems: list[str]) -> Prior | None:
    if not isinstance(p, dict):
        problems.append(
            f"{at}: {what}: prior {p!r}: expected {{distribution, bounds: [low, high]}}"
        )
        return None
    _unknown(p, PRIOR_KEYS, at.split(" line ")[0], f"{what} prior", problems)
    dist = p.get("distribution")
    if dist not in DISTRIBUTIONS:
        problems.append(
            f"{at}: {what}: distribution {dist!r}: expected one of {', '.join(DISTRIBUTIONS)}"
        )
        return None
    bounds = p.get("bounds")
    if (
        not isinstance(bounds, list)
        or len(bounds) != 2
        or not all(_number(b) for b in bounds)
        or not bounds[0] < bounds[1]
    ):
        problems.append(f"{at}: {what}: bounds {bounds!r}: expected [low, high] with low < high")
        return None
    lo, hi = float(bounds[0]), float(bounds[1])
    if dist == "loguniform" and lo <= 0:
        problems.append(f"{at}: {what}: loguniform bounds {bounds!r}: expected low > 0")
        return None
    if dist == "normal":
        mean, sd = p.get("mean"), p.get("sd")
        if not isinstance(mean, int | float) or not isinstance(sd, int | float) or sd <= 0:
            problems.append(f"{at}: {what}: normal prior needs a mean and an sd > 0")
            return None
        if not lo - 3 * sd <= mean <= hi + 3 * sd:
            problems.append(f"{at}: {what}: mean {mean} is far outside the bounds {bounds}")
            return None
        return Prior(dist, lo, hi, float(mean), float(sd))
    return Prior(str(dist), lo, hi)


def _targets(
    block: Any, where: str, line: int | None, start: dt.date, problems: list[str]
) -> list[Target]:
    out: list[Target] = []
    seen: set[str] = set()
    for item in _items(block, "targets", where, line, problems):
        at = f"{where} line {getattr(item, 'line', line)}"
        _unknown(item, TARGET_KEYS, where, "target", problems)
        before = len(problems)
        figure, series = item.get("figure"), item.get("series")
        field = str(item.get("field", ""))
        path = tuple(str(k) for k in item.get("path") or ())
        if (figure is None) == (series is None):
            problems.append(f"{at}: target: give either figure (with field) or series (with path)")
            continue
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
            continue
        if series is not None and figures.series(str(series)) is None:
            problems.append(f"{at}: target: series {series!r} is not in calibration.yaml")
            continue
        published = figures.value(figure, field, series, path)
        if not _number(published):
            problems.append(
                f"{where} line {line_of(item, 'field' if figure else 'path')}: target {tid}: "
                f"the published value {published!r} is not a number "
                "(check field or path)"
            )
            continue
        if tid in seen:
            problems.append(f"{at}: target {tid} appears twice")
        seen.add(tid)
        known = measures.by_key().get((str(figure), field)) if figure is not None else None
        metric = item.get("metric", list(known.metrics) if known else None)
        metrics = tuple(metric) if isinstance(metric, list) else (metric,)
        if not metrics or not all(isinstance(m, str) and m for m in metrics):
            problems.append(f"{at}: target {tid}: metric {metric!r}: expected a name or a list")
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
                problems.append(
                    f"{at}: target {tid}: period {period!r}: expected {{from, to}} dates"
                )
                continue
            first, last = period["from"], period["to"]
        else:
            if not isinstance(day, dt.date):
                problems.append(f"{at}: target {tid}: date {day!r}: expected YYYY-MM-DD")
                continue
            first = last = day
        if first < start:
            problems.append(
                f"{where} line {line_of(item, 'period' if summed else 'date')}: target {tid}: "
                f"{first} is before the spec's start {start}"
            )
        relation = item.get("relation", "about")
        if relation not in RELATIONS:
            problems.append(
                f"{where} line {line_of(item, 'relation')}: target {tid}: relation {relation!r}: "
                f"expected one of {', '.join(RELATIONS)}"
            )
        tol, weight = item.get("tolerance"), item.get("weight", 1.0)
        if not _number(tol) or tol <= 0:
            problems.append(
                f"{where} line {line_of(item, 'tolerance')}: target {tid}: tolerance {tol!r}: "
                "expected a number > 0"
            )
        if not _number(weight) or weight <= 0:
            problems.append(f"{at}: target {tid}: weight {weight!r}: expected a number > 0")
        also = []
        for ref in item.get("also") or []:
            fig, _, fld = str(ref).rpartition(".")
            if not _number(figures.value(fig, fld, None, ())):
                problems.append(
                    f"{at}: target {tid}: also {ref!r}: expected <figure id>.<field> of a number"
                )
            also.append((fig, fld))
        if len(problems) > before:
            continue
        out.append(
            Target(
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
                tuple(also),
                _minus(item, known),
                known.of if known is not None and "metric" not in item else None,
            )
        )
    return out


def _by_construction(block: Any, where: str, problems: list[str]) -> list[ByConstruction]:
    if block is None:
        return []
    out = []
    for item in _items(block, "by_construction", where, None, problems):
        at = f"{where} line {getattr(item, 'line', None)}"
        _unknown(item, {"figures", "assumption"}, where, "by_construction", problems)
        pats = item.get("figures")
        if not isinstance(pats, list) or not all(isinstance(p, str) for p in pats) or not pats:
            problems.append(f"{at}: by_construction: figures {pats!r}: expected a list of ids")
            continue
        if not isinstance(item.get("assumption"), str):
            problems.append(f"{at}: by_construction: name the assumption the figures fixed")
            continue
        out.append(ByConstruction(tuple(pats), item["assumption"]))
    return out


def _minus(item: dict[str, Any], known: Measure | None) -> str | None:
    """The metric subtracted from the target's: its own `minus`, else data/measures.yaml's
    when the target takes the measure's metric."""
    if item.get("minus") is not None:
        return str(item["minus"])
    return known.minus if known is not None and "metric" not in item else None
