"""A study's own questions (`questions:` in a spec): each read from its mapping, every
problem naming the question's place and key. `runs.questions` answers them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from asylum_pathways.errors import Problem
from asylum_pathways.sim.runs.study_run_keys import as_date

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


def parse_questions(data: Any, problems: list[Problem]) -> tuple[Question, ...]:
    """The questions of `data` (a list of mappings); each problem is added to `problems`."""
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
        start, end = as_date(q.get("start")), as_date(q.get("end"))
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
