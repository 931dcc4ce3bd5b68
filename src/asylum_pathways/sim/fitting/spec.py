"""The calibration spec: fitted assumptions with priors, targets, by-construction figures.

`load(path, tree)` validates the whole file against the parameter tree and the data files
and reports every problem at once, each with the file and line (a `ParameterError`, exit 2).
The packaged spec is `sim/calibrate/spec.yaml`; its header documents the format.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from asylum_pathways.errors import ParameterError
from asylum_pathways.params import ParameterTree
from asylum_pathways.params.yamlio import line_of, load_yaml
from asylum_pathways.sim.fitting.parameters import Parameter, parse_parameters
from asylum_pathways.sim.fitting.posterior import Fitted
from asylum_pathways.sim.fitting.spec_blocks import items, unknown
from asylum_pathways.sim.fitting.target import Target, parse_targets

__all__ = [
    "ByConstruction",
    "Parameter",
    "Spec",
    "Target",
    "default_path",
    "load",
]

FILE_KEYS = {
    "name",
    "description",
    "scenario",
    "start",
    "parameters",
    "targets",
    "by_construction",
}


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
        """(targets whose metrics the model produces, targets it skips): every metric a target
        reads counts, the one it subtracts and the one it divides by included."""
        use = [
            t
            for t in self.targets
            if all(m in metrics for m in (*t.metrics, t.minus, t.of) if m is not None)
        ]
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
    targets = parse_targets(data.get("targets"), where, line_of(data, "targets"), start, problems)
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


def _by_construction(block: Any, where: str, problems: list[str]) -> list[ByConstruction]:
    if block is None:
        return []
    out = []
    for item in items(block, "by_construction", where, None, problems):
        at = f"{where} line {getattr(item, 'line', None)}"
        unknown(item, {"figures", "assumption"}, where, "by_construction", problems)
        pats = item.get("figures")
        if not isinstance(pats, list) or not all(isinstance(p, str) for p in pats) or not pats:
            problems.append(f"{at}: by_construction: figures {pats!r}: expected a list of ids")
            continue
        if not isinstance(item.get("assumption"), str):
            problems.append(f"{at}: by_construction: name the assumption the figures fixed")
            continue
        out.append(ByConstruction(tuple(pats), item["assumption"]))
    return out
