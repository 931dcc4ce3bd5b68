"""A study's validation windows (`windows:` in a spec): each read from its mapping, every
problem naming the window's place and key. A window's start is a date or the first day of a
law parameter's dated value that contains an item (`LawDay`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from asylum_pathways.errors import Problem
from asylum_pathways.sim.model.windows import LawDay, Window
from asylum_pathways.sim.runs.study_run_keys import as_date

WINDOW_KEYS = ("name", "description", "metric", "start", "end", "circuit")


def parse_windows(data: Any, problems: list[Problem]) -> tuple[Window, ...]:
    """The windows of `data` (a list of mappings); each problem is added to `problems`."""
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
        name, metric, end = w.get("name"), w.get("metric"), as_date(w.get("end"))
        start: dt.date | LawDay | None = as_date(w.get("start"))
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
