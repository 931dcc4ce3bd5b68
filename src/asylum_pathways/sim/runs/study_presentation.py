"""How a study presents itself (the keys beside the run keys): its name, title and
question, the scenarios' roles and notes, the headline and console rows, its validation
windows and its questions; each read from a spec's data, every problem naming its key."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from asylum_pathways.errors import Problem
from asylum_pathways.sim.runs.study_questions import parse_questions
from asylum_pathways.sim.runs.study_windows import parse_windows


def parse_extras(values: Mapping[str, Any], problems: list[Problem]) -> dict[str, Any]:
    """The presentation keys of `values` that are given, as StudySpec fields; each problem is
    added to `problems`."""
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
        out["windows"] = parse_windows(values["windows"], problems)
    if "questions" in values:
        out["questions"] = parse_questions(values["questions"], problems)
    return out
