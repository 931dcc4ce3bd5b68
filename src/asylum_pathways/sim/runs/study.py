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

from asylum_pathways.errors import Problem, UserError, shown
from asylum_pathways.params import ParameterTree
from asylum_pathways.params.yamlio import load_yaml
from asylum_pathways.scenarios import Scenario, load_overlay, load_scenario
from asylum_pathways.scenarios.overlay import builtin_dir, builtin_names
from asylum_pathways.sim.model.windows import LawDay, StudyError, Window

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
WINDOW_KEYS = ("name", "description", "metric", "start", "end", "circuit")
QUESTION_KEYS = (
    "id",
    "question",
    "scenario",
    "metric",
    "start",
    "end",
    "threshold",
    "demand",
    "capacity",
    "subject",
)
#: A seed: a whole number from 0 to 2^63-1 on every face (the command line, a spec file, the
#: API), so that a seed fits a signed 64-bit integer wherever it is stored or typed.
MAX_SEED = 2**63 - 1
SEED_RANGE = f"a whole number from 0 to 2^63-1, {MAX_SEED}"
#: What each replication draws its fitted assumptions and unpublished capacities from: the
#: shipped calibration posterior, nothing (every assumption held at its tree value), or a
#: `calibrate --out` folder (or its posterior.parquet) by path.
POSTERIOR, FIXED = "posterior", "fixed"

#: An inline overlay: a scenario file's content as a mapping (or YAML text).
ScenarioRef = str | Mapping[str, Any]


@dataclass(frozen=True)
class Question:
    """A question the study answers with a number, a probability and what decides it: the
    daily `metric` of `scenario` summed from `start` to `end`, against `threshold`; `demand`
    and `capacity` are the daily metrics of what was asked of it and what it could take."""

    id: str
    question: str
    scenario: str
    metric: str
    start: dt.date
    end: dt.date
    threshold: float
    demand: str | None = None
    capacity: str | None = None
    subject: str = ""  # who takes, in words ("El Salvador")


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
        problems = _check_run({k: getattr(self, k) for k in keys}, {k: k for k in keys}, typed=True)
        if problems:
            raise _error(problems)

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
            raise _error([Problem((), f"{where}: expected a mapping of {', '.join(KEYS)}", data)])
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
        problems += _check_run(values, label, typed=False)
        extras = _parse_extras(values, problems)
        if problems:
            raise _error(problems)
        scen = values["scenarios"]
        return cls(
            scenarios=(scen,) if isinstance(scen, str) else tuple(scen),
            start=_date(values["start"]),  # type: ignore[arg-type]  # checked above
            end=_date(values["end"]),  # type: ignore[arg-type]
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
                        lines.append(_line(problems[-1]))
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
            lines.append(_line(problems[-1]))
        if problems:
            raise _error(problems, lines)
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
            raise _error([Problem((key,), msg, self.parameters)])
        try:
            return for_simulate(Path(self.parameters), False, tree)
        except UserError as exc:
            raise _error([Problem((key,), str(exc), self.parameters)], [str(exc)]) from None


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
        raise _error(
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
            raise _error(exc.problems, [str(exc)]) from None


def _line(p: Problem) -> str:
    """One problem as a line of a message: its field, then what is wrong."""
    where = ".".join(str(x) for x in p.loc)
    return f"{where}: {p.msg}" if where else p.msg


def _error(problems: list[Problem], lines: list[str] | None = None) -> StudyError:
    """The study's problems; the message says each (`lines`: as their own messages say them)."""
    said = lines if lines is not None else [_line(p) for p in problems]
    if len(said) == 1:
        return StudyError(said[0], problems)
    return StudyError(f"the study has {len(problems)} problems: " + "; ".join(said), problems)


def _check_run(values: Mapping[str, Any], label: Mapping[str, str], typed: bool) -> list[Problem]:
    """Problems of the run keys (scenarios, start, end, reps, seed), each naming its key."""
    problems: list[Problem] = []
    dates: dict[str, dt.date] = {}
    for key in ("start", "end"):
        if key not in values:
            continue
        v = values[key]
        day = _date(v) if (isinstance(v, dt.date) or (isinstance(v, str) and not typed)) else None
        if day is None:
            problems.append(
                Problem((label[key],), f"{shown(v)} is not a date (expected YYYY-MM-DD)", v)
            )
        else:
            dates[key] = day
    if "start" in dates and "end" in dates and dates["end"] < dates["start"]:
        problems.append(
            Problem(
                (label["end"],),
                f"{dates['end']} is before {label['start']} {dates['start']}",
                dates["end"].isoformat(),
            )
        )
    for key, low, high, what in (
        ("reps", 1, None, "at least 1 replication"),
        ("seed", 0, MAX_SEED, SEED_RANGE),
    ):
        if key not in values:
            continue
        v = values[key]
        if not isinstance(v, int) or isinstance(v, bool):
            problems.append(Problem((label[key],), f"{shown(v)} is not a whole number", v))
        elif v < low or (high is not None and v > high):
            problems.append(Problem((label[key],), f"{v} is out of range (expected {what})", v))
    if "parameters" in values:
        v = values["parameters"]
        if not isinstance(v, str) or not v.strip():
            problems.append(
                Problem(
                    (label.get("parameters", "parameters"),),
                    f"expected {POSTERIOR}, {FIXED} or the path of a calibration folder",
                    v,
                )
            )
    if "scenarios" in values:
        problems += _check_scenarios(values["scenarios"], label["scenarios"])
    return problems


def _check_scenarios(scen: Any, label: str) -> list[Problem]:
    if isinstance(scen, str):
        scen = [scen]
    if not isinstance(scen, list | tuple) or not scen:
        return [Problem((label,), "expected a list of built-in names or inline overlays", scen)]
    problems = []
    for i, ref in enumerate(scen):
        if isinstance(ref, str):
            if not ref:
                problems.append(Problem((label, i), "an empty name", ref))
        elif not isinstance(ref, Mapping):
            problems.append(
                Problem((label, i), "expected a scenario name or an overlay (a mapping)", ref)
            )
    names = [r for r in scen if isinstance(r, str)]
    if len(set(names)) != len(names):
        problems.append(Problem((label,), f"given twice: {', '.join(names)}", names))
    return problems


def _parse_extras(values: Mapping[str, Any], problems: list[Problem]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in ("name", "description"):
        if key in values:
            out[key] = str(values[key]).strip()
    for key in ("title", "question"):  # the report prints them as they are
        if key in values:
            if isinstance(values[key], str) and values[key].strip():
                out[key] = values[key].strip()
            else:
                problems.append(Problem((key,), "expected a line of text", values[key]))
    for key in ("roles", "scenario_notes"):
        if key in values:
            v = values[key]
            if not isinstance(v, Mapping) or not all(
                isinstance(a, str) and isinstance(b, str) for a, b in v.items()
            ):
                problems.append(Problem((key,), "expected a mapping of names to text", v))
            else:
                out[key] = {str(a): str(b).strip() for a, b in v.items()}
    for key in ("headline_rows", "console_rows"):
        if key in values:
            rows = values[key]
            ok = isinstance(rows, list | tuple) and all(
                isinstance(r, list | tuple) and len(r) == 2 and all(isinstance(x, str) for x in r)
                for r in rows
            )
            if not ok:
                problems.append(Problem((key,), "expected a list of [metric, label] pairs", rows))
            else:
                out[key] = tuple((str(m), str(lab)) for m, lab in rows)
    if "windows" in values:
        out["windows"] = _windows(values["windows"], problems)
    if "questions" in values:
        out["questions"] = _questions(values["questions"], problems)
    return out


def _questions(data: Any, problems: list[Problem]) -> tuple[Question, ...]:
    if isinstance(data, tuple) and all(isinstance(q, Question) for q in data):
        return data
    if not isinstance(data, list):
        problems.append(Problem(("questions",), "expected a list of questions", data))
        return ()
    out = []
    for i, q in enumerate(data):
        loc = ("questions", i)
        if not isinstance(q, Mapping):
            problems.append(Problem(loc, "expected a mapping", q))
            continue
        for k in q:
            if k not in QUESTION_KEYS:
                problems.append(
                    Problem((*loc, str(k)), f"unknown key (expected {', '.join(QUESTION_KEYS)})", k)
                )
        start, end = _date(q.get("start")), _date(q.get("end"))
        bad = [
            (k, why)
            for k, ok, why in (
                ("id", isinstance(q.get("id"), str) and q.get("id"), "a name"),
                ("question", isinstance(q.get("question"), str) and q.get("question"), "text"),
                ("scenario", isinstance(q.get("scenario"), str) and q.get("scenario"), "a name"),
                ("metric", isinstance(q.get("metric"), str) and q.get("metric"), "a daily metric"),
                ("start", start is not None, "a date (YYYY-MM-DD)"),
                (
                    "end",
                    end is not None and (start is None or end >= start),
                    "a date on or after start",
                ),
                (
                    "threshold",
                    isinstance(q.get("threshold"), int | float)
                    and not isinstance(q.get("threshold"), bool),
                    "a number",
                ),
            )
            if not ok
        ]
        for k, why in bad:
            problems.append(Problem((*loc, k), f"expected {why}", q.get(k)))
        if bad:
            continue
        assert start is not None and end is not None
        out.append(
            Question(
                str(q["id"]),
                str(q["question"]).strip(),
                str(q["scenario"]),
                str(q["metric"]),
                start,
                end,
                float(q["threshold"]),
                None if q.get("demand") is None else str(q["demand"]),
                None if q.get("capacity") is None else str(q["capacity"]),
                str(q.get("subject", "")).strip(),
            )
        )
    return tuple(out)


def _windows(data: Any, problems: list[Problem]) -> tuple[Window, ...]:
    if isinstance(data, tuple) and all(isinstance(w, Window) for w in data):
        return data
    if not isinstance(data, list):
        problems.append(Problem(("windows",), "expected a list of windows", data))
        return ()
    out = []
    for i, w in enumerate(data):
        loc = ("windows", i)
        if not isinstance(w, Mapping):
            problems.append(Problem(loc, "expected a mapping", w))
            continue
        for k in w:
            if k not in WINDOW_KEYS:
                problems.append(
                    Problem((*loc, str(k)), f"unknown key (expected {', '.join(WINDOW_KEYS)})", k)
                )
        name, metric, end = w.get("name"), w.get("metric"), _date(w.get("end"))
        start: dt.date | LawDay | None = _date(w.get("start"))
        raw = w.get("start")
        if (
            start is None
            and isinstance(raw, Mapping)
            and set(raw) == {"first_day_of", "containing"}
        ):
            start = LawDay(str(raw["first_day_of"]), str(raw["containing"]))
        bad = [
            (k, v, why)
            for k, v, why in (
                ("name", name, "a metric name"),
                ("metric", metric, "a daily metric name"),
                ("start", start, "a date or {first_day_of: <law parameter>, containing: <item>}"),
                ("end", end, "a date (YYYY-MM-DD)"),
            )
            if not v or (k in ("name", "metric") and not isinstance(v, str))
        ]
        for k, _, why in bad:
            problems.append(Problem((*loc, k), f"expected {why}", w.get(k)))
        if bad:
            continue
        circuit = w.get("circuit")
        assert isinstance(name, str) and isinstance(metric, str) and end and start
        out.append(
            Window(
                name,
                metric,
                start,
                end,
                None if circuit is None else str(circuit),
                str(w.get("description", "")).strip(),
            )
        )
    return tuple(out)


def _date(v: Any) -> dt.date | None:
    if isinstance(v, dt.datetime):
        return None
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str):
        try:
            return dt.date.fromisoformat(v) if len(v) == 10 else None
        except ValueError:
            return None
    return None


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
