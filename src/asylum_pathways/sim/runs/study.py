"""A study is a value: which scenarios, over which days, how many replications, which seed,
and which parameters each replication draws.

A `StudySpec` is validated when it is made (every problem listed, each naming its field), is
picklable and holds no state of its own; the CLI's `simulate`, the service's studies and
later sweeps run the same spec through `montecarlo.run_study`. The built-in study is the
data file `studies/builtin.yaml`:

>>> spec = builtin_study()
>>> spec.scenarios, spec.start.isoformat(), spec.reps
(('history', 'outlook-2020-03-10', 'ninth-circuit-injunction'), '2019-01-01', 20)
>>> spec.replace(reps=2, scenarios=("history",)).reps
2
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from asylum_pathways.errors import Problem, UserError
from asylum_pathways.params import ParameterTree
from asylum_pathways.params.yamlio import load_yaml
from asylum_pathways.scenarios import Scenario, load_overlay, load_scenario
from asylum_pathways.scenarios.overlay import builtin_dir, builtin_names
from asylum_pathways.sim.model.windows import LawDay, StudyError, Window
from asylum_pathways.sim.runs.study_presentation import parse_extras
from asylum_pathways.sim.runs.study_questions import Question
from asylum_pathways.sim.runs.study_run_keys import (
    FIXED,
    MAX_SEED,
    POSTERIOR,
    as_date,
    check_run,
    error,
    line,
)

__all__ = [
    "FIXED",
    "KEYS",
    "MAX_SEED",
    "POSTERIOR",
    "RUN_KEYS",
    "LawDay",
    "Question",
    "ScenarioRef",
    "StudyError",
    "StudySpec",
    "Window",
    "builtin_study",
    "check_answerable",
    "check_horizon",
]

#: The keys a study spec may have, as in a `POST /api/v1/studies` body; the first five are the
#: flags of `simulate` (required without defaults), `parameters` its --posterior and
#: --fixed-parameters.
RUN_KEYS = ("scenarios", "start", "end", "reps", "seed")
KEYS = (
    *RUN_KEYS,
    "parameters",
    "name",
    "description",
    "title",
    "question",
    "windows",
    "roles",
    "scenario_notes",
    "headline_rows",
    "console_rows",
    "questions",
)

#: An inline overlay: a scenario file's content as a mapping (or YAML text).
ScenarioRef = str | Mapping[str, Any]


@dataclass(frozen=True)
class StudySpec:
    scenarios: tuple[ScenarioRef, ...]
    start: dt.date
    end: dt.date
    reps: int
    seed: int
    name: str = "study"
    description: str = ""
    title: str = ""  # the report's title and question, for a run of the study as it is
    question: str = ""
    windows: tuple[Window, ...] = ()
    roles: Mapping[str, str] = field(default_factory=dict)
    scenario_notes: Mapping[str, str] = field(default_factory=dict)
    headline_rows: tuple[tuple[str, str], ...] = ()
    console_rows: tuple[tuple[str, str], ...] = ()
    questions: tuple[Question, ...] = ()
    #: POSTERIOR (the shipped posterior), FIXED, or the path of a calibration folder.
    parameters: str = POSTERIOR

    def __post_init__(self) -> None:
        keys = (*RUN_KEYS, "parameters")
        problems = check_run({k: getattr(self, k) for k in keys}, {k: k for k in keys}, typed=True)
        if problems:
            raise error(problems)

    def replace(self, **changes: Any) -> StudySpec:
        """A copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_dict(
        cls,
        data: Any,
        defaults: StudySpec | None = None,
        labels: Mapping[str, str] | None = None,
        where: str = "study",
    ) -> StudySpec:
        """A spec from JSON or YAML data; missing keys come from `defaults`. Every problem is
        listed, each under its key (or under `labels[key]`, e.g. a CLI flag)."""
        if not isinstance(data, Mapping):
            raise error([Problem((), f"{where}: expected a mapping of {', '.join(KEYS)}", data)])
        label = {k: (labels or {}).get(k, k) for k in KEYS}
        problems = [
            Problem((str(k),), f"unknown key (expected one of {', '.join(KEYS)})", k)
            for k in data
            if k not in KEYS
        ]
        values: dict[str, Any] = {}
        for key in KEYS:
            if key in data and data[key] is not None:
                values[key] = data[key]
            elif defaults is not None:
                values[key] = getattr(defaults, key)
            elif key in RUN_KEYS:
                problems.append(Problem((label[key],), "required", None))
        problems += check_run(values, label, typed=False)
        extras = parse_extras(values, problems)
        if problems:
            raise error(problems)
        scen = values["scenarios"]
        return cls(
            scenarios=(scen,) if isinstance(scen, str) else tuple(scen),
            start=as_date(values["start"]),  # type: ignore[arg-type]  # checked above
            end=as_date(values["end"]),  # type: ignore[arg-type]
            reps=int(values["reps"]),
            seed=int(values["seed"]),
            parameters=str(values.get("parameters", POSTERIOR)),
            **extras,
        )

    def to_dict(self) -> dict[str, Any]:
        """The spec's run keys as JSON-able data (what `from_dict` reads back)."""
        return {
            "scenarios": [s if isinstance(s, str) else _plain(s) for s in self.scenarios],
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "reps": self.reps,
            "seed": self.seed,
            "parameters": self.parameters,
        }

    def load_scenarios(
        self,
        tree: ParameterTree,
        allow_files: bool = True,
        labels: Mapping[str, str] | None = None,
    ) -> list[Scenario]:
        """The scenarios applied to `tree`: a built-in name, a scenario file (if
        `allow_files`) or an inline overlay. Every problem of every scenario is listed, each
        under `scenarios` (or `labels["scenarios"]`) and the scenario's place in the list."""
        key = (labels or {}).get("scenarios", "scenarios")
        out: list[Scenario] = []
        problems: list[Problem] = []
        lines: list[str] = []
        for i, ref in enumerate(self.scenarios):
            try:
                if isinstance(ref, str):
                    if not allow_files and not (builtin_dir() / f"{ref}.yaml").exists():
                        problems.append(
                            Problem(
                                (key, i),
                                f"not a built-in scenario (expected one of "
                                f"{', '.join(builtin_names())}, or an inline overlay)",
                                ref,
                            )
                        )
                        lines.append(line(problems[-1]))
                        continue
                    out.append(load_scenario(ref, tree))
                else:
                    out.append(load_overlay(dict(ref), tree, f"scenarios[{i}]"))
            except UserError as exc:
                # the scenario's own message names its file and line; its problems, its fields
                lines.append(str(exc))
                problems.extend(
                    [Problem((key, i, *p.loc), p.msg, p.value) for p in exc.problems]
                    or [Problem((key, i), str(exc), _short(ref))]
                )
        names = [s.name for s in out]
        for n in sorted({n for n in names if names.count(n) > 1}):
            problems.append(
                Problem(
                    (key,),
                    "two scenarios have the same name; rename one (its `name:` key)",
                    n,
                )
            )
            lines.append(line(problems[-1]))
        if problems:
            raise error(problems, lines)
        return out

    def draws(
        self,
        tree: ParameterTree,
        allow_files: bool = True,
        labels: Mapping[str, str] | None = None,
    ) -> Any:
        """What each replication draws (`sim.fitting.draws.Draws`; None: `fixed`): the
        shipped posterior, or the calibration folder `parameters` names (read only if
        `allow_files`), with the capacity priors. A folder that holds no posterior, or one
        that does not fit `tree`, is refused under `parameters` (or `labels["parameters"]`)."""
        from asylum_pathways.sim.fitting.draws import for_simulate

        key = (labels or {}).get("parameters", "parameters")
        if self.parameters == FIXED:
            return None
        if self.parameters == POSTERIOR:
            return for_simulate(None, False, tree)
        if not allow_files:
            msg = (
                f"a calibration folder is read only on the command line (expected {POSTERIOR} "
                f"or {FIXED})"
            )
            raise error([Problem((key,), msg, self.parameters)])
        try:
            return for_simulate(Path(self.parameters), False, tree)
        except UserError as exc:
            raise error([Problem((key,), str(exc), self.parameters)], [str(exc)]) from None


def builtin_study() -> StudySpec:
    """The built-in study (`studies/builtin.yaml`)."""
    path = Path(str(resources.files("asylum_pathways") / "studies" / "builtin.yaml"))
    return StudySpec.from_dict(load_yaml(path), where=str(path))


def check_horizon(spec: StudySpec, labels: Mapping[str, str] | None = None) -> None:
    """Generated encounters exist only over the calibration data's months: a horizon that
    starts before them, ends after them or crosses the gap between their ranges is refused."""
    from asylum_pathways.sim.model import targets

    day = targets.uncovered(spec.start, spec.end)
    if day is not None:
        a, b = (labels or {}).get("start", "start"), (labels or {}).get("end", "end")
        at_start = day == spec.start
        raise error(
            [
                Problem(
                    (a if at_start else b,),
                    f"the horizon {spec.start}..{spec.end} is outside the calibration data "
                    f"({targets.describe()}; {day} is not covered)",
                    (spec.start if at_start else spec.end).isoformat(),
                )
            ]
        )


def check_answerable(
    spec: StudySpec, tree: ParameterTree, labels: Mapping[str, str] | None = None
) -> None:
    """The horizon's first and last day lie in the days `tree` answers for (its
    `law.coverage.answers`), as a determination's day must."""
    from asylum_pathways.params import coverage

    for key, day in (("start", spec.start), ("end", spec.end)):
        try:
            coverage.check_day(tree, day, (labels or {}).get(key, key))
        except UserError as exc:
            raise error(exc.problems, [str(exc)]) from None


def _plain(v: Any) -> Any:
    if isinstance(v, Mapping):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    if isinstance(v, dt.date):
        return v.isoformat()
    return v


def _short(ref: ScenarioRef) -> Any:
    return ref if isinstance(ref, str) else dict(ref).get("name", "<inline overlay>")
