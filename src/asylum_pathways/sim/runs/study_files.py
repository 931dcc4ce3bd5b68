"""What a results folder carries besides its numbers, so that the report reads nothing else.

- `study.json`: the whole study spec as run (every key of `StudySpec`, as `StudySpec.from_dict`
  reads it back), whether its title, question and scenario notes describe this run, each
  window's days in each scenario, and which parameters the replications drew.
- `parameters.json`: every parameter (law and assumptions) with its dated history, once when
  every scenario has the same history and per scenario where they differ; each scenario's own
  dated ACA caps; and the port names the report's glossary gives.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any

from asylum_pathways.errors import UserError
from asylum_pathways.params import Parameter, ParameterTree
from asylum_pathways.params.agreements import assumption
from asylum_pathways.params.loader import PORT_MAP
from asylum_pathways.params.tree import _jsonable
from asylum_pathways.scenarios import Scenario
from asylum_pathways.sim.model.windows import LawDay, Window
from asylum_pathways.sim.runs.montecarlo import Study
from asylum_pathways.sim.runs.study import KEYS, StudySpec, builtin_study

FORMAT = 1
#: The ACA caps the report draws, by receiving country: leaf of the agreement's assumptions.
CAPS = {"annual": "annual_cap", "monthly": "monthly_cap"}


def study_json(study: Study, uncertainty: Mapping[str, Any]) -> dict[str, Any]:
    """study.json: the spec, whether it describes this run, windows, and what was drawn."""
    spec = study.spec or StudySpec(
        tuple(s.name for s in study.scenarios), study.start, study.end, study.reps, study.seed
    )
    posterior = uncertainty.get("posterior") or {}
    return {
        "format": FORMAT,
        "spec": spec_dict(spec),
        "describes_run": describes_run(spec),
        "windows": {
            w.name: {s.name: _window_days(w, s.tree) for s in study.scenarios} for w in spec.windows
        },
        "parameters": {
            "drawn": "posterior" if posterior else "fixed",
            "includes": list(uncertainty.get("includes") or ["monte_carlo"]),
            "posterior": posterior.get("run_id"),
            "fitted": [
                {k: f.get(k) for k in ("id", "parameter", "key", "dates", "uninformed") if k in f}
                for f in posterior.get("fitted") or []
            ],
        },
    }


def spec_dict(spec: StudySpec) -> dict[str, Any]:
    """Every key of the spec (`KEYS`) as JSON-able data, as `StudySpec.from_dict` reads it
    back: the run keys as `to_dict` gives them, windows in their file shape, any other value
    (rows, notes, a dataclass such as a question) as plain lists, mappings and ISO dates."""
    run = spec.to_dict()
    return {k: run[k] if k in run else _plain(getattr(spec, k)) for k in KEYS}


def _plain(v: Any) -> Any:
    if isinstance(v, Window):
        return _window(v)
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        return {f.name: _plain(getattr(v, f.name)) for f in dataclasses.fields(v)}
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, Mapping):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    return v


def describes_run(spec: StudySpec) -> bool:
    """Whether the spec's title, question and scenario notes were written for this run: false
    when the run changed the built-in study's scenarios or horizon (flags of `simulate`, keys
    of an API study) and so kept words written for another run."""
    try:
        builtin = builtin_study()
    except UserError:  # pragma: no cover - the packaged study is tested
        return True
    if spec.name != builtin.name:
        return True
    mine = spec.to_dict()
    theirs = builtin.to_dict()
    return all(mine[k] == theirs[k] for k in ("scenarios", "start", "end"))


def _window(w: Window) -> dict[str, Any]:
    start: Any = (
        {"first_day_of": w.start.parameter, "containing": w.start.containing}
        if isinstance(w.start, LawDay)
        else w.start.isoformat()
    )
    out = {"name": w.name, "description": w.description, "metric": w.metric, "start": start}
    out["end"] = w.end.isoformat()
    if w.circuit is not None:
        out["circuit"] = w.circuit
    return out


def _window_days(w: Window, tree: ParameterTree) -> dict[str, str] | None:
    """The window's first and last day under one scenario's law (None: it never starts)."""
    try:
        first = w.first_day(tree)
    except UserError:
        return None
    return {"start": first.isoformat(), "end": w.end.isoformat()}


def parameters_json(study: Study) -> dict[str, Any]:
    scenarios = study.scenarios
    base = scenarios[0].tree
    rows = []
    for name in base.params:
        per = {s.name: s.tree.get(name) for s in scenarios if name in s.tree}
        histories = {n: history(p) for n, p in per.items()}
        row = describe(base.get(name))
        if len({repr(h) for h in histories.values()}) == 1:
            row["values"] = histories[scenarios[0].name]
        else:
            row["scenarios"] = histories
        rows.append(row)
    return {
        "format": FORMAT,
        "start": study.start.isoformat(),
        "end": study.end.isoformat(),
        "scenarios": [s.name for s in scenarios],
        "parameters": rows,
        "aca_caps": {s.name: aca_caps(s) for s in scenarios},
        "ports": dict(base.get(PORT_MAP).names) if PORT_MAP in base else {},
    }


def describe(p: Parameter) -> dict[str, Any]:
    return {
        "name": p.name,
        "section": p.section,
        "label": p.label,
        "unit": p.unit,
        "description": p.description,
        "note": p.note,
        "last_reviewed": p.last_reviewed.isoformat() if p.last_reviewed else None,
        "references": [r.as_dict() for r in p.references],
    }


def history(p: Parameter) -> list[dict[str, Any]]:
    """Dated values: from, until (the day before the next value; None: for good), value, note,
    the value's own references (a value without its own is cited by the parameter's), and the
    scenario that set it, if one did."""
    out = []
    for i, v in enumerate(p.values):
        nxt = p.values[i + 1].start if i + 1 < len(p.values) else None
        row: dict[str, Any] = {
            "from": v.start.isoformat(),
            "until": (nxt - dt.timedelta(days=1)).isoformat() if nxt else None,
            "value": _jsonable(v.value),
            "note": v.note,
            "references": [r.as_dict() for r in v.references],
        }
        if v.origin.startswith("scenario "):
            row["set_by_scenario"] = v.origin.removeprefix("scenario ").strip()
        out.append(row)
    return out


def aca_caps(s: Scenario) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Per receiving country, the dated annual and monthly caps of this scenario (a value of
    None: no cap from that day)."""
    out: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for cc in s.tree.receiving_countries():
        caps = {}
        for kind, leaf in CAPS.items():
            name = assumption(cc, leaf)
            if name in s.tree:
                caps[kind] = [
                    {k: h[k] for k in ("from", "until", "value")} for h in history(s.tree.get(name))
                ]
        out[cc] = caps
    return out
